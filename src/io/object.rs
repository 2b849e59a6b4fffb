//! One JSONL line as one JSON object: its top-level members, found by a scanner that checks
//! the whole line as a JSON reader does.
//!
//! A record's text is most of its line, so the scan of strings is what a parse costs: here
//! it looks for the next quote, backslash or control character sixteen bytes at a time
//! ([`super::json::next_escape`]), and nothing else in the string is looked at twice. Every
//! other value is checked too (numbers, literals, nested arrays and objects, at any depth,
//! without recursion: a line of a million `[` is refused, not a stack overflow), so a line
//! is accepted exactly when `serde_json` accepts it; a property test compares the two.
//! Values are handed on as their raw JSON text; decoding the few that are wanted is the
//! caller's business.

use super::json::next_escape;

/// Call `member` with the raw key (quotes included) and the raw value of every top-level
/// member of the JSON object on `line`, in order, after checking that the whole line is one
/// JSON object. On a line that is not one, the error says what was wrong and where.
pub(crate) fn for_each_member<'a>(line: &'a str, mut member: impl FnMut(&'a str, &'a str)) -> Result<(), String> {
    let mut scan = Scanner {
        bytes: line.as_bytes(),
        at: 0,
    };
    scan.space();
    scan.expect(b'{', "a JSON object")?;
    scan.space();
    if !scan.eat(b'}') {
        loop {
            scan.space();
            let key = scan.string()?;
            scan.space();
            scan.expect(b':', "':' after a key")?;
            scan.space();
            let value = scan.value()?;
            member(&line[key], &line[value]);
            scan.space();
            if scan.eat(b',') {
                continue;
            }
            scan.expect(b'}', "',' or '}' after a member")?;
            break;
        }
    }
    scan.space();
    if scan.at < scan.bytes.len() {
        return Err(scan.error("trailing characters after the object"));
    }
    Ok(())
}

/// A cursor over one line.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn error(&self, what: &str) -> String {
        match self.bytes.get(self.at) {
            Some(_) => format!("{what} at byte {}", self.at + 1),
            None => format!("{what}: the line ends at byte {}", self.at),
        }
    }

    fn space(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.bytes.get(self.at) == Some(&b);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), String> {
        match self.eat(b) {
            true => Ok(()),
            false => Err(self.error(&format!("expected {what}"))),
        }
    }

    /// The span of the value at the cursor, checked. Arrays and objects are walked with a
    /// stack of the containers open, not by recursion.
    fn value(&mut self) -> Result<std::ops::Range<usize>, String> {
        let start = self.at;
        // The containers open around the cursor: `]` or `}`, what closes each.
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value.
            match self.bytes.get(self.at) {
                Some(b'"') => {
                    self.string()?;
                }
                Some(&b @ (b'{' | b'[')) => {
                    self.at += 1;
                    self.space();
                    let close = if b == b'{' { b'}' } else { b']' };
                    if !self.eat(close) {
                        open.push(close);
                        if close == b'}' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                _ => return Err(self.error("expected a value")),
            }
            // After a value: the next member or element, or the ends of containers.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(start..self.at);
                };
                self.space();
                if self.eat(b',') {
                    self.space();
                    if close == b'}' {
                        self.key()?;
                    }
                    break;
                }
                if !self.eat(close) {
                    return Err(self.error(match close {
                        b'}' => "expected ',' or '}' in an object",
                        _ => "expected ',' or ']' in an array",
                    }));
                }
                open.pop();
            }
        }
    }

    /// A member's key and colon, and the space up to its value.
    fn key(&mut self) -> Result<(), String> {
        self.string()?;
        self.space();
        self.expect(b':', "':' after a key")?;
        self.space();
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), String> {
        match self.bytes[self.at..].starts_with(word) {
            true => {
                self.at += word.len();
                Ok(())
            }
            false => Err(self.error("expected a value")),
        }
    }

    /// A number as JSON writes one: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Result<(), String> {
        self.eat(b'-');
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.eat(b'.') {
            if !self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }

    /// The span of the string at the cursor, quotes included: no control character in it,
    /// and every escape one of JSON's.
    fn string(&mut self) -> Result<std::ops::Range<usize>, String> {
        let start = self.at;
        self.expect(b'"', "a string")?;
        loop {
            let Some(at) = next_escape(self.bytes, self.at) else {
                self.at = self.bytes.len();
                return Err(self.error("unterminated string"));
            };
            self.at = at;
            match self.bytes[at] {
                b'"' => {
                    self.at += 1;
                    return Ok(start..self.at);
                }
                b'\\' => self.escape()?,
                _ => return Err(self.error("control character in a string")),
            }
        }
    }

    /// The escape at the cursor (a backslash).
    fn escape(&mut self) -> Result<(), String> {
        match self.bytes.get(self.at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.at += 2,
            Some(b'u') => match self.bytes.get(self.at + 2..self.at + 6) {
                Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => self.at += 6,
                _ => {
                    self.at += 2;
                    return Err(self.error("invalid \\u escape"));
                }
            },
            _ => {
                self.at += 1;
                return Err(self.error("invalid escape"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(line: &str) -> bool {
        for_each_member(line, |_, _| {}).is_ok()
    }

    #[test]
    fn members_come_raw_and_in_order() {
        let mut seen = Vec::new();
        let line = r#" { "id" : 7 , "t\"x" : "a\nb" , "n" : [1, {"y": null}], "e": -1.5e+3 } "#;
        for_each_member(line, |k, v| seen.push((k, v))).unwrap();
        assert_eq!(
            seen,
            [
                (r#""id""#, "7"),
                (r#""t\"x""#, r#""a\nb""#),
                (r#""n""#, r#"[1, {"y": null}]"#),
                (r#""e""#, "-1.5e+3")
            ]
        );
        assert!(accepted("{}"));
        for bad in [
            "",
            "[]",
            "{",
            r#"{"a"}"#,
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":tru}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12"}"#,
            r#"{} x"#,
        ] {
            assert!(!accepted(bad), "{bad:?}");
        }
    }

    proptest::proptest! {
        /// A line is accepted exactly when serde_json accepts it as a JSON value of any kind
        /// whose top level is an object: on JSON-like lines with every kind of value, broken
        /// or not.
        #[test]
        fn accepts_what_serde_json_accepts(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("{".to_owned()),
                    proptest::strategy::Just("}".to_owned()),
                    proptest::strategy::Just("[".to_owned()),
                    proptest::strategy::Just("]".to_owned()),
                    proptest::strategy::Just(",".to_owned()),
                    proptest::strategy::Just(":".to_owned()),
                    proptest::strategy::Just(" ".to_owned()),
                    "\"([a-z é]|\\\\[nt\"\\\\/u]|\\\\u00[0-9a-f]{2}|\\\\x|[\\x00-\\x1f])*\"?",
                    "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{0,2})?([eE][+-]?[0-9]{0,2})?",
                    "true|false|null|tru|nul",
                ],
                0..24,
            ),
            object in proptest::bool::ANY,
        ) {
            let body = parts.concat();
            let line = if object { format!("{{\"k\":{body}}}") } else { body };
            let serde_ok = serde_json::from_str::<serde::de::IgnoredAny>(&line).is_ok()
                && line.trim_start().starts_with('{');
            proptest::prop_assert_eq!(accepted(&line), serde_ok, "{:?}", line);
        }
    }

    #[test]
    fn deep_nesting_is_no_stack_overflow() {
        for depth in [1, 127, 128, 129, 1_000_000] {
            let line = format!("{{\"a\":{}1{}}}", "[{\"b\":".repeat(depth), "}]".repeat(depth));
            assert!(accepted(&line), "depth {depth}");
            let broken = format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth - 1));
            assert!(!accepted(&broken), "depth {depth}");
        }
    }
}
