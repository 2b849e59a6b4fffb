//! Arbitrary bytes as one JSONL line: `io::parse_record`, `io::extend_record` (and
//! `LazyRecord::extend_with`) and the line splitting of `io::Lines` (plain, and behind
//! `io::decode`'s sniffing of gzip and zstd).
//!
//! Checked against serde_json as the naive twin:
//! - a line `parse_record` accepts is one JSON object; its text, id, title, url and date
//!   are those of the object's last member of that name;
//! - a JSON object whose `text` is a string is accepted by `parse_record`;
//! - `extend_record` of an accepted line succeeds, and its output is one JSON object holding
//!   every member of the line not replaced, in order and byte for byte, then `"body":"x"`;
//!   `LazyRecord::extend_with` (from the members the parse kept) writes the same bytes;
//! - `Lines` yields the input split after each `\n`, numbered from 1, with the BOM of the
//!   first line and each line's `\n` and then `\r` taken off the content.
#![no_main]

use std::fmt;
use std::io::{Cursor, Read};
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use reprint::io::{decode, extend_record, extend_record_str, parse_record, parse_record_lazy, FieldNames, Lines};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

fuzz_target!(|data: &[u8]| {
    record(data);
    lines(data);
});

const REPLACE: &[&str] = &["body", "title", "removed"];
const EXTRA: &str = "\"body\":\"x\"";

/// The members of one JSON object in order, duplicates kept, values as their raw text.
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

impl Members {
    /// The raw value of the last member named `key`.
    fn last(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.get())
    }

    /// The last member named `key`, decoded, when it is a string.
    fn last_string(&self, key: &str) -> Option<String> {
        self.last(key).and_then(|raw| serde_json::from_str::<String>(raw).ok())
    }
}

fn record(data: &[u8]) {
    let fields = FieldNames::default();
    let parsed = parse_record(data, &fields);
    if let Ok(line) = std::str::from_utf8(data) {
        // The converse: serde_json's own reading of an object with a string text.
        if let Ok(object) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
            if object.get("text").is_some_and(serde_json::Value::is_string) {
                assert!(
                    parsed.is_ok(),
                    "serde_json reads {line:?}, parse_record says {parsed:?}"
                );
            }
        }
    }
    let Ok(record) = parsed else {
        return;
    };
    let line = std::str::from_utf8(data).expect("parse_record accepted the line, so it is UTF-8");
    assert_eq!(record.line, line);
    let members: Members = serde_json::from_str(line).unwrap_or_else(|e| panic!("parse_record accepted {line:?}: {e}"));
    assert_eq!(
        Some(&*record.text),
        members.last_string("text").as_deref(),
        "text of {line:?}"
    );
    assert_eq!(record.id, members.last("id"), "id of {line:?}");
    assert_eq!(
        record.title.as_deref(),
        members.last_string("title").as_deref(),
        "title of {line:?}"
    );
    assert_eq!(
        record.url.as_deref(),
        members.last_string("url").as_deref(),
        "url of {line:?}"
    );
    assert_eq!(
        record.date.as_deref(),
        members.last_string("date").as_deref(),
        "date of {line:?}"
    );
    assert_eq!(record.site, None);

    let mut out = Vec::new();
    extend_record(data, REPLACE, EXTRA, &mut out).unwrap_or_else(|e| panic!("extend_record of {line:?}: {e}"));
    let text = std::str::from_utf8(&out).expect("extend_record writes UTF-8");
    let got: Members = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("extend_record of {line:?} wrote {text:?}, not a JSON object: {e}"));
    let want: Vec<(&str, &str)> = members
        .0
        .iter()
        .filter(|(k, _)| !REPLACE.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.get()))
        .chain([("body", "\"x\"")])
        .collect();
    let got: Vec<(&str, &str)> = got.0.iter().map(|(k, v)| (k.as_str(), v.get())).collect();
    assert_eq!(got, want, "extend_record of {line:?} wrote {text:?}");

    let mut again = Vec::new();
    extend_record_str(record.line, REPLACE, EXTRA.as_bytes(), &mut again).expect("the same line");
    assert_eq!(again, out);

    // Written back from the members the lazy parse kept: the same bytes.
    let lazy = parse_record_lazy(data, &fields).expect("parse_record accepted the line");
    let mut kept = Vec::new();
    lazy.extend_with(REPLACE, &mut kept, |o| o.extend_from_slice(EXTRA.as_bytes()))
        .expect("the same line");
    assert_eq!(kept, out, "extend_with of {line:?}");
}

/// Lines as `Lines` promises them: `(number, content, raw)`.
fn naive_lines(data: &[u8]) -> Vec<(u64, Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    for (i, piece) in data.split_inclusive(|&b| b == b'\n').enumerate() {
        let raw = match i {
            0 => piece.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(piece),
            _ => piece,
        };
        let content = raw.strip_suffix(b"\n").unwrap_or(raw);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        out.push((i as u64 + 1, content.to_vec(), raw.to_vec()));
    }
    out
}

/// At most this many decompressed bytes are read (a small zstd frame can expand a lot).
const READ_LIMIT: u64 = 1 << 20;

/// Plain input longer than this skips the decoder.
const PLAIN_DECODE_MAX_BYTES: usize = 16;

fn read_lines(mut lines: Lines) -> std::io::Result<Vec<(u64, Vec<u8>, Vec<u8>)>> {
    let mut out = Vec::new();
    while let Some(line) = lines.next_line()? {
        assert_eq!(line.is_blank(), line.content.iter().all(u8::is_ascii_whitespace));
        out.push((line.number, line.content.to_vec(), line.raw.to_vec()));
    }
    Ok(out)
}

fn lines(data: &[u8]) {
    let plain = read_lines(Lines::new(Box::new(Cursor::new(data.to_vec())))).expect("a cursor cannot fail");
    assert_eq!(plain, naive_lines(data));

    // Through the sniffing decoder: plain input reads the same; gzip and zstd input may be
    // an error, never a panic. Each decoder allocates buffers of 1 MB, the bulk of the time
    // of a run under the address sanitizer, so plain input takes this path only when it is
    // short (the first four bytes, read ahead to sniff, and what follows them are what the
    // decoder splices together).
    let compressed = data.starts_with(&[0x1f, 0x8b]) || data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    if !compressed && data.len() > PLAIN_DECODE_MAX_BYTES {
        return;
    }
    let Ok(reader) = decode(
        Box::new(Cursor::new(data.to_vec())),
        Path::new("fuzz"),
        Default::default(),
    ) else {
        return;
    };
    let decoded = read_lines(Lines::new(Box::new(reader.take(READ_LIMIT))));
    if !compressed {
        assert_eq!(decoded.expect("plain input reads without error"), plain);
    }
}
