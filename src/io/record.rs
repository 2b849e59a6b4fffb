//! One JSONL line → the few fields reprint reads, without building a JSON tree.
//!
//! The line is checked and its top-level members found in one scan (`object.rs`, which
//! accepts what `serde_json` accepts); the configured fields are borrowed from the line where
//! they hold no escapes (copied only where they do), every other member is only checked. The
//! id is kept as its raw JSON text so it is written back exactly as given. The text, the one
//! long field, is decoded only when asked ([`LazyRecord::text_in`]), into a buffer the
//! caller reuses.

use std::borrow::Cow;

use super::json;
use super::object::for_each_member;

use crate::error::RecordError;

/// The names of the fields reprint reads from each record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldNames {
    /// The document id (any JSON value; a missing id means the line number).
    pub id: String,
    /// The text to sign and clean (must be a string).
    pub text: String,
    /// The headline, when the crawl has one.
    pub title: String,
    /// The page address (its host is the site unless `site` is given).
    pub url: String,
    /// The site, when the records name it; else the url's host.
    pub site: Option<String>,
    /// The date, for `--keep earliest`.
    pub date: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            id: "id".into(),
            text: "text".into(),
            title: "title".into(),
            url: "url".into(),
            site: None,
            date: "date".into(),
        }
    }
}

/// The fields of one record, borrowed from its line where possible.
#[derive(Debug, Default)]
pub struct Record<'a> {
    /// The whole line (checked to be UTF-8 and one JSON object).
    pub line: &'a str,
    /// The id's raw JSON text (`"a1"`, `17`), if the record has one.
    pub id: Option<&'a str>,
    /// The text field.
    pub text: Cow<'a, str>,
    /// The title field, when it is a string.
    pub title: Option<Cow<'a, str>>,
    /// The url field, when it is a string.
    pub url: Option<Cow<'a, str>>,
    /// The site field (only read when `FieldNames::site` names one), when it is a string.
    pub site: Option<Cow<'a, str>>,
    /// The date field, when it is a string.
    pub date: Option<Cow<'a, str>>,
}

/// Parse one line (without its line ending) into a [`Record`].
pub fn parse_record<'a>(line: &'a [u8], fields: &FieldNames) -> Result<Record<'a>, RecordError> {
    let LazyRecord {
        mut record, raw_text, ..
    } = parse_record_lazy(line, fields)?;
    // The escapes were checked by the parse.
    record.text = unescape(raw_text).expect("the text's escapes are checked");
    Ok(record)
}

/// A parsed record whose text is not decoded yet: decode it into a reused buffer with
/// [`LazyRecord::text_in`], so that a loop over many records allocates nothing per text.
#[derive(Debug)]
pub struct LazyRecord<'a> {
    /// Every field but the text (which is left empty).
    pub record: Record<'a>,
    /// The text as its raw JSON string, quotes included (checked by the JSON reader).
    raw_text: &'a str,
    /// The line's first [`KEPT_MEMBERS`] members as raw (key, value), in order, so that the
    /// record is written back without reading its line again ([`LazyRecord::extend_with`]).
    members: [(&'a str, &'a str); KEPT_MEMBERS],
    /// How many members the line has (more than [`KEPT_MEMBERS`]: the list is not whole).
    member_count: usize,
}

/// Members of a line a [`LazyRecord`] keeps (records have a handful).
const KEPT_MEMBERS: usize = 8;

impl<'a> LazyRecord<'a> {
    /// The text: borrowed from the line when it holds no escape, else unescaped into `buf`.
    pub fn text_in<'s>(&self, buf: &'s mut String) -> &'s str
    where
        'a: 's,
    {
        // The escapes were checked when the record was parsed.
        match unescape_into(self.raw_text, buf).expect("the text's escapes are checked") {
            true => buf.as_str(),
            false => &self.raw_text[1..self.raw_text.len() - 1],
        }
    }

    /// [`extend_record_with`] of the record's line, from the members its parse kept (the
    /// line is read again only when it has more than those).
    pub fn extend_with(
        &self,
        replace: &[&str],
        out: &mut Vec<u8>,
        extra: impl FnOnce(&mut Vec<u8>),
    ) -> Result<(), RecordError> {
        if self.member_count > KEPT_MEMBERS {
            return extend_record_with(self.record.line, replace, out, extra);
        }
        out.push(b'{');
        let mut first = true;
        for &(key, value) in &self.members[..self.member_count] {
            // The parse unescaped every key already.
            write_member(key, value, replace, &mut first, out).map_err(json_error)?;
        }
        finish_members(first, out, extra);
        Ok(())
    }
}

/// Parse one line into a [`LazyRecord`]: the same checks as [`parse_record`], the text's
/// escapes included, without decoding the text.
pub fn parse_record_lazy<'a>(line: &'a [u8], fields: &FieldNames) -> Result<LazyRecord<'a>, RecordError> {
    let line = utf8(line)?;
    let f = fields;
    let mut record = Record {
        line,
        ..Record::default()
    };
    let mut text: Option<&'a str> = None;
    let (mut members, mut member_count) = ([("", ""); KEPT_MEMBERS], 0);
    // The first member that cannot be read (reported once the line is known to be JSON).
    let mut failed = None;
    // A repeated member: the last one counts, as for any JSON reader.
    let mut member = |key: &'a str, value: &'a str| -> Result<(), RecordError> {
        if let Some(kept) = members.get_mut(member_count) {
            *kept = (key, value);
        }
        member_count += 1;
        let key = unescape(key).map_err(json_error)?;
        if *key == *f.text {
            text = Some(value);
        } else if *key == *f.id {
            record.id = Some(value);
        } else if *key == *f.title {
            record.title = string_value(value)?;
        } else if *key == *f.url {
            record.url = string_value(value)?;
        } else if f.site.as_deref() == Some(&*key) {
            record.site = string_value(value)?;
        } else if *key == *f.date {
            record.date = string_value(value)?;
        }
        Ok(())
    };
    for_each_member(line, |key, value| {
        if failed.is_none() {
            failed = member(key, value).err();
        }
    })
    .map_err(RecordError::Json)?;
    if let Some(error) = failed {
        return Err(error);
    }
    match text {
        None => Err(RecordError::MissingField(f.text.clone())),
        Some(raw) if raw.starts_with('"') => {
            check_surrogates(raw).map_err(json_error)?;
            Ok(LazyRecord {
                record,
                raw_text: raw,
                members,
                member_count,
            })
        }
        Some(raw) => Err(RecordError::WrongType {
            field: f.text.clone(),
            found: kind_of(raw.as_bytes()[0]),
            expected: "a string",
        }),
    }
}

/// The value of an optional string field given as raw JSON: the string, or `None` for a
/// value of another kind (a number out of the range of `f64` is refused, as a JSON reader
/// that reads it refuses it).
fn string_value(raw: &str) -> Result<Option<Cow<'_, str>>, RecordError> {
    match raw.as_bytes()[0] {
        b'"' => unescape(raw).map(Some).map_err(json_error),
        b'-' | b'0'..=b'9' if !raw.parse::<f64>().is_ok_and(f64::is_finite) => Err(json_error("number out of range")),
        _ => Ok(None),
    }
}

fn json_error(message: &'static str) -> RecordError {
    RecordError::Json(message.to_owned())
}

/// `line` as a `str`: checked sixteen or more bytes at a time (`simdutf8`, with the CPU's
/// vector unit chosen at run time), and again by `std` on failure for the error's position.
fn utf8(line: &[u8]) -> Result<&str, RecordError> {
    simdutf8::basic::from_utf8(line)
        .or_else(|_| std::str::from_utf8(line))
        .map_err(|e| RecordError::InvalidUtf8(e.valid_up_to()))
}

/// The kind of JSON value whose text starts with `first` (not a string).
fn kind_of(first: u8) -> &'static str {
    match first {
        b'n' => "null",
        b't' | b'f' => "a boolean",
        b'[' => "an array",
        b'{' => "an object",
        _ => "a number",
    }
}

/// The value of the JSON string `raw` (quotes included; its escapes already checked by the
/// JSON reader), borrowed when it holds no escape. A `\u` escape of half a surrogate pair
/// without its other half is an error, as for `serde_json`.
fn unescape(raw: &str) -> Result<Cow<'_, str>, &'static str> {
    let mut buf = String::new();
    Ok(match unescape_into(raw, &mut buf)? {
        true => Cow::Owned(buf),
        false => Cow::Borrowed(&raw[1..raw.len() - 1]),
    })
}

/// Unescape the JSON string `raw` (as [`unescape`]) into `buf` (cleared first), unless it
/// holds no escape: whether it did (else its value is `raw` without its quotes).
fn unescape_into(raw: &str, buf: &mut String) -> Result<bool, &'static str> {
    let body = &raw[1..raw.len() - 1];
    let Some(first) = memchr::memchr(b'\\', body.as_bytes()) else {
        return Ok(false);
    };
    buf.clear();
    #[cfg(target_arch = "x86_64")]
    if crate::text::Avx2::detect().is_some() {
        // SAFETY: the CPU has AVX2.
        unsafe { avx2::unescape_from(body, first, buf)? };
        return Ok(true);
    }
    unescape_from(body, first, buf)?;
    Ok(true)
}

/// Append the JSON string body `body` unescaped to `buf`; its first escape is at `first`.
fn unescape_from(body: &str, first: usize, buf: &mut String) -> Result<(), &'static str> {
    let bytes = body.as_bytes();
    buf.reserve(body.len());
    let mut i = 0;
    let mut next = Some(first);
    while let Some(at) = next {
        buf.push_str(&body[i..at]);
        let (c, width) = escape_at(bytes, at)?;
        buf.push(c);
        i = at + width;
        next = memchr::memchr(b'\\', &bytes[i..]).map(|k| i + k);
    }
    buf.push_str(&body[i..]);
    Ok(())
}

/// The character the escape at `bytes[at]` (a backslash) stands for, and the escape's length
/// in bytes.
#[inline(always)]
fn escape_at(bytes: &[u8], at: usize) -> Result<(char, usize), &'static str> {
    Ok(match bytes[at + 1] {
        b'n' => ('\n', 2),
        b't' => ('\t', 2),
        b'r' => ('\r', 2),
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'u' => unicode_escape(bytes, at)?,
        // `"`, `\\` and `/` stand for themselves.
        other => (char::from(other), 2),
    })
}

/// Unescaping 32 bytes at a time, for CPUs with AVX2: each block of the body is stored to the
/// output whole and the output's length advanced to the block's first backslash, so the text
/// between escapes costs no call.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8, _mm256_storeu_si256,
    };

    /// [`super::unescape_from`].
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2,bmi1")]
    pub(super) unsafe fn unescape_from(body: &str, first: usize, buf: &mut String) -> Result<(), &'static str> {
        let bytes = body.as_bytes();
        // SAFETY: only whole characters are appended: runs of `body` that end before a
        // backslash (an ASCII byte, never inside a character) and decoded characters.
        let out = buf.as_mut_vec();
        // An escape is never shorter than what it stands for, so the output stays at or
        // behind the input, and a 32-byte store at the output's end always fits.
        out.reserve(bytes.len() + 32);
        out.extend_from_slice(&bytes[..first]);
        let mut i = first;
        loop {
            // `i` is at a backslash.
            let (c, width) = super::escape_at(bytes, i)?;
            let mut utf8 = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            i += width;
            // Copy on to the next backslash.
            loop {
                if i + 32 > bytes.len() {
                    match memchr::memchr(b'\\', &bytes[i..]) {
                        Some(k) => {
                            out.extend_from_slice(&bytes[i..i + k]);
                            i += k;
                            break;
                        }
                        None => {
                            out.extend_from_slice(&bytes[i..]);
                            return Ok(());
                        }
                    }
                }
                let len = out.len();
                debug_assert!(len + 32 <= out.capacity());
                // SAFETY: 32 bytes from `i` are in `bytes`; the output has room for 32 more
                // bytes (above); loads and stores are unaligned; the CPU has AVX2.
                let v = _mm256_loadu_si256(bytes.as_ptr().add(i).cast::<__m256i>());
                _mm256_storeu_si256(out.as_mut_ptr().add(len).cast::<__m256i>(), v);
                let mask = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8))) as u32;
                let k = if mask == 0 { 32 } else { mask.trailing_zeros() as usize };
                // SAFETY: the first `k` stored bytes are initialized: a copy of `bytes`.
                out.set_len(len + k);
                i += k;
                if mask != 0 {
                    break;
                }
            }
        }
    }
}

/// Check that every `\u` escape of the JSON string `raw` that is half of a surrogate pair
/// has its other half (the only check of its escapes the JSON reader leaves undone).
fn check_surrogates(raw: &str) -> Result<(), &'static str> {
    let bytes = raw.as_bytes();
    if memchr::memmem::find(bytes, b"\\u").is_none() {
        return Ok(());
    }
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &bytes[i..]) {
        let at = i + k;
        i = match bytes[at + 1] {
            b'u' => at + unicode_escape(bytes, at)?.1,
            _ => at + 2,
        };
    }
    Ok(())
}

/// The character of the `\uXXXX` escape at `bytes[at]` (a pair of them for a character
/// beyond the Basic Multilingual Plane) and the escape's length in bytes.
fn unicode_escape(bytes: &[u8], at: usize) -> Result<(char, usize), &'static str> {
    let hex = |from: usize| -> Option<u32> {
        let digits = std::str::from_utf8(bytes.get(from..from + 4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    let code = hex(at + 2).ok_or("invalid \\u escape")?;
    match code {
        0xD800..=0xDBFF => {
            let low = match bytes.get(at + 6..at + 8) {
                Some(b"\\u") => hex(at + 8).filter(|low| (0xDC00..=0xDFFF).contains(low)),
                _ => None,
            };
            let low = low.ok_or("lone leading surrogate in hex escape")?;
            let c = char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
            Ok((c.ok_or("invalid surrogate pair")?, 12))
        }
        0xDC00..=0xDFFF => Err("lone trailing surrogate in hex escape"),
        _ => Ok((char::from_u32(code).ok_or("invalid \\u escape")?, 6)),
    }
}

/// Write the JSON object on `line` to `out` as one object: every member except those named in
/// `replace`, in order and byte for byte, then the members in `extra` (`"key":value,…`,
/// without braces; empty for none). The line must be a JSON object; it was parsed before.
pub fn extend_record(line: &[u8], replace: &[&str], extra: &str, out: &mut Vec<u8>) -> Result<(), RecordError> {
    let line = utf8(line)?;
    extend_record_str(line, replace, extra.as_bytes(), out)
}

/// [`extend_record`] of a line already known to be UTF-8 (a [`Record`]'s `line`), with the
/// new members as bytes.
///
/// The object's top-level members are found by the same scan that parses records (strings
/// skipped sixteen bytes at a time, no value decoded); each kept member is copied as
/// `"key":value` (the key as JSON writes it, the value's text as it was). On a line that is
/// not one JSON object it returns an error (what it wrote to `out` is then unspecified).
pub fn extend_record_str(line: &str, replace: &[&str], extra: &[u8], out: &mut Vec<u8>) -> Result<(), RecordError> {
    extend_record_with(line, replace, out, |out| out.extend_from_slice(extra))
}

/// [`extend_record_str`] with the new members written by `extra` straight into `out` (after
/// the kept members and a comma; writing nothing adds no member), so that large members are
/// not written twice.
pub fn extend_record_with(
    line: &str,
    replace: &[&str],
    out: &mut Vec<u8>,
    extra: impl FnOnce(&mut Vec<u8>),
) -> Result<(), RecordError> {
    out.push(b'{');
    let mut first = true;
    // The first key that cannot be read (reported once the line is known to be JSON).
    let mut failed = None;
    for_each_member(line, |key, value| {
        if failed.is_none() {
            failed = write_member(key, value, replace, &mut first, out).err().map(json_error);
        }
    })
    .map_err(RecordError::Json)?;
    if let Some(e) = failed {
        return Err(e);
    }
    finish_members(first, out, extra);
    Ok(())
}

/// Write the member `"key":value` of a record being written back (after a comma unless it is
/// the `first`), unless its key is one of `replace`.
fn write_member(
    key: &str,
    value: &str,
    replace: &[&str],
    first: &mut bool,
    out: &mut Vec<u8>,
) -> Result<(), &'static str> {
    let name = unescape(key)?;
    if replace.contains(&&*name) {
        return Ok(());
    }
    if !*first {
        out.push(b',');
    }
    *first = false;
    match &name {
        // A key without escapes is already written as JSON writes it.
        Cow::Borrowed(_) => out.extend_from_slice(key.as_bytes()),
        Cow::Owned(name) => json::write_str(out, name),
    }
    out.push(b':');
    out.extend_from_slice(value.as_bytes());
    Ok(())
}

/// The new members `extra` writes, after a comma when members were kept (`first` is false),
/// and the closing brace.
fn finish_members(first: bool, out: &mut Vec<u8>, extra: impl FnOnce(&mut Vec<u8>)) {
    let before = out.len();
    if !first {
        out.push(b',');
    }
    let members = out.len();
    extra(out);
    if out.len() == members {
        out.truncate(before);
    }
    out.push(b'}');
}

/// The host of `url` (`https://www.example.com:8080/a` → `www.example.com`), lowercased
/// only if it needs to be; `None` when `url` has no `scheme://host`.
pub fn url_host(url: &str) -> Option<Cow<'_, str>> {
    let rest = &url[url.find("://")? + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    };
    if host.is_empty() {
        return None;
    }
    Some(if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The text is unescaped as `serde_json` unescapes it, and refused where it refuses.
        #[test]
        fn text_is_unescaped_as_serde_json_does(
            parts in proptest::collection::vec(
                "[a-z \u{e9}\u{4e2d}]{0,40}|\\\\[nrtbf/\"\\\\]|\\\\u[0-9a-fA-F]{4}|\\\\ud83d\\\\ude00|\\\\ud83d|\\\\ude00",
                0..24,
            )
        ) {
            let raw = format!("\"{}\"", parts.concat());
            let ours = unescape(&raw).map(|s| s.into_owned());
            let theirs = serde_json::from_str::<String>(&raw);
            proptest::prop_assert_eq!(ours.as_ref().ok(), theirs.as_ref().ok(), "{}", raw);
            // The portable loop agrees with the run-time choice (AVX2 on a CPU that has it).
            let body = &raw[1..raw.len() - 1];
            if let Some(first) = body.find('\\') {
                let mut portable = String::new();
                let portable = unescape_from(body, first, &mut portable).map(|()| portable);
                proptest::prop_assert_eq!(portable.ok(), theirs.ok(), "{}", raw);
            }
        }
    }

    #[test]
    fn extend_record_replaces_and_appends_members() {
        let mut out = Vec::new();
        let line = br#"{"id": 7, "body": "old", "text":"a\nb", "x":[1, {"y":null}]}"#;
        extend_record(line, &["body", "title"], r#""body":"new""#, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"id":7,"text":"a\nb","x":[1, {"y":null}],"body":"new"}"#
        );
        let mut out = Vec::new();
        extend_record(b"{}", &[], "", &mut out).unwrap();
        assert_eq!(out, b"{}");
        assert!(extend_record(b"[1]", &[], "", &mut out).is_err());
        // Keys with escapes are compared unescaped and written as JSON writes them; values
        // with brackets inside strings are copied whole.
        let mut out = Vec::new();
        let line = br#" { "b\u006fdy" : 1 , "a\/b":{"x":"}]\"{"} ,"n":-1.5e3 } "#;
        extend_record(line, &["body"], r#""body":2"#, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a/b":{"x":"}]\"{"},"n":-1.5e3,"body":2}"#
        );
        for bad in [
            &br#"{"a":1"#[..],
            br#"{"a" 1}"#,
            br#"{"a":1} x"#,
            br#"{"a":"x"#,
            br#"{"a":[1,"#,
        ] {
            assert!(
                extend_record(bad, &[], "", &mut Vec::new()).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    proptest::proptest! {
        /// The member scan agrees with a full parse: the kept members re-parse to the values
        /// they had.
        #[test]
        fn extend_record_keeps_every_other_member(
            members in proptest::collection::vec(("[a-c]{1,2}", r#"-?[0-9]{1,3}|true|null|"[a-z\\"{}]{0,6}"|\[[0-9,"\]]{0,6}\]|\{"k":"[}\]]"\}"#), 0..6),
        ) {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            let line = format!("{{{}}}", body.join(","));
            let Ok(parsed) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line) else {
                return Ok(());
            };
            let mut out = Vec::new();
            extend_record(line.as_bytes(), &["a"], r#""z":0"#, &mut out).unwrap();
            let mut want = parsed.clone();
            want.remove("a");
            want.insert("z".into(), 0.into());
            let got: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&out).unwrap();
            proptest::prop_assert_eq!(got, want);
        }

        /// A parsed record is written back byte for byte as its line is, from the members its
        /// parse kept or, past those, from its line: whitespace, repeated and escaped keys,
        /// and one member more than are kept.
        #[test]
        fn a_parsed_record_is_written_back_as_its_line_is(
            members in proptest::collection::vec(("[a-c]{1,2}|b\\u006fdy|text", r#"-?[0-9]{1,3}|null|"[a-z\"{}]{0,6}"|\[[0-9,"\]]{0,6}\]"#), 0..=KEPT_MEMBERS + 1),
            space in "[ \t]{0,2}",
        ) {
            let mut body: Vec<String> = members.iter().map(|(k, v)| format!("{space}\"{k}\"{space}:{space}{v}")).collect();
            body.push(r#""text":"a\nb""#.to_owned());
            let line = format!("{{{}{space}}}", body.join(","));
            let Ok(record) = parse_record_lazy(line.as_bytes(), &FieldNames::default()) else {
                return Ok(());
            };
            let extra = |out: &mut Vec<u8>| out.extend_from_slice(br#""body":"x""#);
            let (mut ours, mut again) = (Vec::new(), Vec::new());
            record.extend_with(&["body", "c"], &mut ours, extra).unwrap();
            extend_record_with(&line, &["body", "c"], &mut again, extra).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(again).unwrap());
        }
    }

    fn parse(line: &str) -> Result<Record<'_>, RecordError> {
        parse_record(line.as_bytes(), &FieldNames::default())
    }

    #[test]
    fn reads_fields_and_skips_the_rest() {
        let r =
            parse(r#"{"id": 7, "x": {"deep": [1, {"a": null}]}, "text": "hello", "title": "T", "date": "2024-01-01"}"#)
                .unwrap();
        assert_eq!(r.id, Some("7"));
        assert_eq!(r.text, "hello");
        assert!(matches!(r.text, Cow::Borrowed(_)));
        assert_eq!(r.title.as_deref(), Some("T"));
        assert_eq!(r.date.as_deref(), Some("2024-01-01"));
        assert_eq!(r.url, None);
    }

    #[test]
    fn escapes_are_decoded_and_ids_kept_raw() {
        let r = parse(r#"{"text": "a\nb \u00e9", "id": "x\"y"}"#).unwrap();
        assert_eq!(r.text, "a\nb é");
        assert_eq!(r.id, Some(r#""x\"y""#));
    }

    #[test]
    fn errors_say_what_was_wrong() {
        assert_eq!(
            parse(r#"{"id": 1}"#).unwrap_err(),
            RecordError::MissingField("text".into())
        );
        for (line, found) in [
            (r#"{"text": 3}"#, "a number"),
            (r#"{"text": null}"#, "null"),
            (r#"{"text": ["a"]}"#, "an array"),
            (r#"{"text": {"a": 1}}"#, "an object"),
            (r#"{"text": true}"#, "a boolean"),
        ] {
            let e = parse(line).unwrap_err();
            assert!(
                matches!(e, RecordError::WrongType { found: f, .. } if f == found),
                "{line}: {e}"
            );
        }
        assert!(matches!(parse(r#"{"text": "a""#), Err(RecordError::Json(_))));
        assert!(matches!(parse(r#"[1, 2]"#), Err(RecordError::Json(_))));
        assert!(matches!(parse(r#"{"text": "a"} x"#), Err(RecordError::Json(_))));
        assert_eq!(
            parse_record(b"{\"text\": \"a\xff\"}", &FieldNames::default()).unwrap_err(),
            RecordError::InvalidUtf8(11)
        );
    }

    #[test]
    fn configured_names() {
        let fields = FieldNames {
            text: "content".into(),
            site: Some("domain".into()),
            ..FieldNames::default()
        };
        let r = parse_record(br#"{"content": "c", "domain": "d.com", "text": 5}"#, &fields).unwrap();
        assert_eq!(r.text, "c");
        assert_eq!(r.site.as_deref(), Some("d.com"));
    }

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://www.Example.com:8080/a?b").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(url_host("http://user@news.site.org").as_deref(), Some("news.site.org"));
        assert_eq!(url_host("http://[::1]/x").as_deref(), Some("[::1]"));
        assert_eq!(url_host("not a url"), None);
        assert_eq!(url_host("file:///etc"), None);
    }
}
