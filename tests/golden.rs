//! Golden signatures: the persisted hashes (tokens, shingles, densification, band keys) must
//! never change by accident. Run with `REPRINT_BLESS=1` to rewrite the file after an
//! intended format change (and bump the format version when one exists).

use std::fmt::Write;

use reprint::{Banding, MinHasher, Scratch};

const TEXTS: &[(&str, &str)] = &[
    ("english", "On July 5, Russia cut off Kazakhstan's economic lifeline, the Caspian Sea oil pipeline, on the grounds of dealing with oil leaks."),
    ("short", "military Category Latest News"),
    ("chinese", "俄罗斯切断了哈萨克斯坦的经济命脉——里海石油管道。"),
    ("mixed", "Straße ÉCOLE 東京 한국어 naïve café 123"),
    ("one_token", "html"),
];

fn render() -> String {
    let hasher = MinHasher::new(128, 5);
    let banding = Banding { bands: 9, rows: 13 };
    let mut scratch = Scratch::new();
    let mut out = String::new();
    for (name, text) in TEXTS {
        let sig = hasher.signature(text, &mut scratch);
        let values: Vec<String> = sig.values().iter().map(|v| v.to_string()).collect();
        writeln!(out, "{name}\tsignature\t{}", values.join(",")).unwrap();
        let mut keys = vec![0u64; banding.bands];
        banding.keys_into(sig.values(), &mut keys);
        let keys: Vec<String> = keys.iter().map(|k| format!("{k:016x}")).collect();
        writeln!(out, "{name}\tband_keys\t{}", keys.join(",")).unwrap();
    }
    out
}

#[test]
fn signatures_are_frozen() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/signatures.tsv");
    let got = render();
    if std::env::var_os("REPRINT_BLESS").is_some() {
        std::fs::write(path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(path).expect("golden file missing: run with REPRINT_BLESS=1");
    assert!(
        got == want,
        "signatures changed; if intended, rerun with REPRINT_BLESS=1\n{got}"
    );
}
