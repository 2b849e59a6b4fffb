//! Hostile input and faults (issue 5), for `reprint dedup` and `reprint clean` and for the
//! library calls that take the input: every bad record is reported as `file:line: what was
//! wrong` (a bad file as `file: what`), the good records are still written, the exit code is
//! 1 when something was skipped and 2 when the run could not proceed, `--on-error fail`
//! stops at the first, nothing panics, and no output is ever torn.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use reprint::clean::{Cleaner, Page, Profiles};
use reprint::io::{parse_record, FieldNames, Lines, Source};
use reprint::{Detector, MinHasher, RecordError, Verdict};

use crate::clean::assert_accounts_for_all;
use crate::cli::{corpus, lines, read_clusters, reprint, reprint_within, Run, BIN};
use crate::common::Rng;

const GOOD: [&str; 3] = [
    "Kazakhstan plans to bypass Russian territory and build a trans-Caspian channel, then reach Azerbaijan on the other side, and carry the oil on to the countries of the European Union.",
    "The harvest festival in the northern valley drew farmers from six villages, who sold apples, pears and honey at the market square until late in the evening.",
    "A storm closed the coast road on Monday; the council said repairs to the sea wall would take the rest of the month and cost more than the town had set aside.",
];

/// The ways of running both commands over the same input: with a learning pass, without
/// one (`--raw`; saved profiles), so that every reading path meets the input.
fn runs(profiles: &Path) -> Vec<Vec<String>> {
    let profiles = profiles.to_str().unwrap().to_owned();
    [
        vec!["dedup"],
        vec!["dedup", "--raw"],
        vec!["clean"],
        vec!["clean", "--use-profiles", &profiles],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(str::to_owned).collect())
    .collect()
}

/// Profiles saved from `corpora/mini.jsonl`, for the streaming `clean` runs.
fn saved_profiles(dir: &Path) -> PathBuf {
    let path = dir.join("profiles.json");
    let run = reprint(
        &[
            "clean",
            corpus("mini.jsonl").to_str().unwrap(),
            "-o",
            "/dev/null",
            "--profiles",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    path
}

fn run_with(args: &[String], more: &[&str]) -> Run {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(more);
    reprint(&all, None)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn record(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string()
}

/// The `id` of every output line.
fn ids(out: &[u8]) -> Vec<serde_json::Value> {
    lines(out)
        .iter()
        .map(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap()["id"].clone())
        .collect()
}

/// The lines of stderr that report something about `path`.
fn reports<'r>(run: &'r Run, path: &str) -> Vec<&'r str> {
    let at = format!("{path}:");
    run.stderr.lines().filter(|l| l.contains(&at)).collect()
}

fn assert_no_panic(run: &Run) {
    assert!(run.code != 101 && !run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn bad_records_are_reported_where_they_are_and_the_good_ones_written() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = saved_profiles(dir.path());
    let mut input = Vec::new();
    let bad: [(&[u8], &str); 9] = [
        (br#"{"id":"n","text":42}"#, "is a number"),
        (b"this line is not JSON", "not a JSON object"),
        (br#"{"id":"z","text":null}"#, "is null"),
        (br#"{"id":"a","text":["a","b"]}"#, "is an array"),
        (br#"{"id":"m"}"#, "no \"text\" field"),
        (
            b"{\"id\":\"u\",\"text\":\"caf\xff au lait\"}",
            "invalid UTF-8 at byte 21",
        ),
        (
            br#"{"id":"t","text":"the line ends before the str"#,
            "not a JSON object",
        ),
        (br#"{"id":"o","text":{"a":1}}"#, "is an object"),
        (br#"{"id":"b","text":true} trailing"#, "not a JSON object"),
    ];
    // Good records on lines 1, 6 and 12; bad ones on the others.
    let mut expected = Vec::new();
    let mut bad_lines = bad.iter();
    for line in 1..=12 {
        match line {
            1 => input.extend(record("g1", GOOD[0]).bytes()),
            6 => input.extend(record("g2", GOOD[1]).bytes()),
            12 => input.extend(record("g3", GOOD[2]).bytes()),
            _ => {
                let (bytes, what) = bad_lines.next().unwrap();
                input.extend_from_slice(bytes);
                expected.push((line, *what));
            }
        }
        input.push(b'\n');
    }
    let path = write(dir.path(), "bad.jsonl", &input);
    let out = dir.path().join("out.jsonl");
    let out = out.to_str().unwrap();
    for args in runs(&profiles) {
        let run = run_with(&args, &[&path, "-o", out]);
        assert_no_panic(&run);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        let reported = reports(&run, &path);
        assert_eq!(reported.len(), expected.len(), "{args:?}: each once\n{}", run.stderr);
        for ((line, what), report) in expected.iter().zip(&reported) {
            let want = format!("{path}:{line}: ");
            assert!(
                report.contains(&want) && report.contains(what),
                "{args:?}: line {line} should say {what:?}: {report}"
            );
        }
        assert!(run.stderr.contains(" 9 skipped"), "{args:?}: {}", run.stderr);
        assert_eq!(
            ids(&std::fs::read(out).unwrap()),
            ["g1", "g2", "g3"],
            "{args:?}: the good records are written"
        );
        std::fs::remove_file(out).unwrap();

        let run = run_with(&args, &[&path, "-o", out, "--on-error", "fail"]);
        assert_no_panic(&run);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let reported = reports(&run, &path);
        assert_eq!(reported.len(), 1, "{args:?}: stops at the first\n{}", run.stderr);
        assert!(reported[0].contains(&format!("{path}:2: ")), "{args:?}: {}", run.stderr);
        assert!(!Path::new(out).exists(), "{args:?}: a failed run leaves no output");
    }
}

#[test]
fn bom_crlf_and_blank_lines_are_not_records_and_lines_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let first = record("a", GOOD[0]);
    let no_id = serde_json::json!({"text": GOOD[1]}).to_string();
    let last = record("c", GOOD[2]);
    // Line 1 after a BOM, blank lines 2 to 4 (one of spaces and a tab), a bad record on
    // line 5, a record without an id on 6, and a last line without a line ending.
    let input = format!("\u{feff}{first}\r\n\r\n  \t\r\n\n{{\"text\": 5}}\r\n{no_id}\r\n{last}");
    let path = write(dir.path(), "crlf.jsonl", input.as_bytes());
    let clusters = dir.path().join("clusters.jsonl");

    let run = reprint(&["dedup", &path, "--clusters", clusters.to_str().unwrap()], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let reported = reports(&run, &path);
    assert!(
        reported.len() == 1 && reported[0].contains(&format!("{path}:5: ")),
        "{}",
        run.stderr
    );
    // Kept lines are byte-identical (their CRLF too), without the BOM, each ending a line.
    assert_eq!(
        String::from_utf8(run.stdout).unwrap(),
        format!("{first}\r\n{no_id}\r\n{last}\n")
    );
    let report: Vec<serde_json::Value> = read_clusters(&clusters).into_iter().map(|r| r.0).collect();
    assert_eq!(
        report,
        [serde_json::json!("a"), serde_json::json!(6), serde_json::json!("c")]
    );

    let run = reprint(&["clean", &path], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        reports(&run, &path)[0].contains(&format!("{path}:5: ")),
        "{}",
        run.stderr
    );
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(out.starts_with("{\"id\":\"a\","), "{out}");
    assert!(!out.contains('\r'), "{out}");
    let texts: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(texts, GOOD);
}

#[test]
fn repeated_ids_are_kept_apart_by_position() {
    let input = [
        record("x", GOOD[0]),
        record("x", GOOD[1]),
        record("x", GOOD[0]),
        r#"{"id":7,"text":"A storm closed the coast road on Monday; the council said repairs to the sea wall would take the rest of the month and cost more than the town had set aside."}"#.to_owned(),
        r#"{"id":7,"text":"A storm closed the coast road on Monday; the council said repairs to the sea wall would take the rest of the month and cost more than the town had set aside."}"#.to_owned(),
    ];
    let joined = input.join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    let clusters = dir.path().join("clusters.jsonl");
    let run = reprint(
        &["dedup", "--clusters", clusters.to_str().unwrap()],
        Some(joined.as_bytes()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let duplicate: Vec<bool> = read_clusters(&clusters).iter().map(|r| r.2).collect();
    assert_eq!(duplicate, [false, false, true, false, true]);
    assert_eq!(
        String::from_utf8(run.stdout).unwrap(),
        format!("{}\n{}\n{}\n", input[0], input[1], input[3])
    );

    let run = reprint(&["clean"], Some(joined.as_bytes()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let texts: Vec<serde_json::Value> = lines(&run.stdout)
        .iter()
        .map(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap()["text"].clone())
        .collect();
    assert_eq!(texts.len(), 5);
    assert_eq!(
        texts[1], GOOD[1],
        "records are cleaned in input order, whatever their ids"
    );
}

#[test]
fn empty_inputs_are_no_records_and_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.jsonl", b"");
    let blank = write(dir.path(), "blank.jsonl", b"\n\n \t\n\r\n");
    let mini = corpus("mini.jsonl");
    let mini = mini.to_str().unwrap();
    let out = dir.path().join("out.jsonl");
    for command in ["dedup", "clean"] {
        for input in [&empty, &blank] {
            let run = reprint(&[command, input, "-o", out.to_str().unwrap()], None);
            assert_eq!(run.code, 0, "{command} {input}: {}", run.stderr);
            assert_eq!(
                std::fs::read(&out).unwrap(),
                b"",
                "{command}: an empty output is written"
            );
        }
        let run = reprint(&[command, "-"], Some(b""));
        assert!(run.code == 0 && run.stdout.is_empty(), "{command}: {}", run.stderr);
        let alone = reprint(&[command, mini], None);
        let with_empty = reprint(&[command, &empty, mini, &blank], None);
        assert_eq!(with_empty.code, 0, "{}", with_empty.stderr);
        assert_eq!(with_empty.stdout, alone.stdout, "{command}");
    }
}

/// `bytes` of `corpora/mini.jsonl` as a plain file of its first `n` lines.
fn mini_prefix(dir: &Path, n: usize) -> String {
    let mini = std::fs::read(corpus("mini.jsonl")).unwrap();
    let prefix: Vec<u8> = lines(&mini)[..n].concat();
    write(dir, "prefix.jsonl", &prefix)
}

#[test]
fn truncated_gzip_and_zstd_inputs_keep_what_was_whole_and_say_where_they_end() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = saved_profiles(dir.path());
    for name in ["mini.jsonl.gz", "mini.jsonl.zst"] {
        let whole = std::fs::read(corpus(name)).unwrap();
        for cut in [10, whole.len() / 2, whole.len() - 1] {
            let path = write(dir.path(), &format!("cut-{name}"), &whole[..cut]);
            for args in runs(&profiles) {
                let run = run_with(&args, &[&path]);
                assert_no_panic(&run);
                assert_eq!(run.code, 1, "{args:?} {name} at {cut}: {}", run.stderr);
                let reported = reports(&run, &path);
                assert_eq!(reported.len(), 1, "{args:?} {name} at {cut}: once\n{}", run.stderr);
                let after = reported[0]
                    .split("read failed after line ")
                    .nth(1)
                    .unwrap_or_else(|| panic!("{args:?}: {}", reported[0]));
                let whole_lines: usize = after.split(':').next().unwrap().parse().unwrap();
                assert!(run.stderr.contains(" 1 skipped"), "{args:?}: {}", run.stderr);
                if cut > 10 {
                    assert!(whole_lines > 0, "{args:?} {name} at {cut}: {}", reported[0]);
                }
                // The output is what the lines read before the cut give.
                let prefix = mini_prefix(dir.path(), whole_lines);
                let expected = run_with(&args, &[&prefix]);
                assert_eq!(expected.code, 0, "{}", expected.stderr);
                assert!(
                    run.stdout == expected.stdout,
                    "{args:?} {name} at {cut}: not the output of its first {whole_lines} lines"
                );

                let run = run_with(&args, &[&path, "--on-error", "fail"]);
                assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
                assert_eq!(
                    run.stderr.matches("read failed").count(),
                    1,
                    "{args:?}: said once\n{}",
                    run.stderr
                );
            }
        }
    }
}

#[test]
fn binary_inputs_are_bad_records_or_a_bad_file_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(5);
    let noise: Vec<u8> = (0..64 << 10).map(|_| rng.next() as u8).collect();
    let binary = write(dir.path(), "binary.bin", &noise);
    let records = noise
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    // Looks like gzip, is not.
    let mut fake = vec![0x1f, 0x8b];
    fake.extend_from_slice(&noise[..4096]);
    let fake = write(dir.path(), "fake.gz", &fake);
    let mini = corpus("mini.jsonl");
    let mini = mini.to_str().unwrap();
    for command in ["dedup", "clean"] {
        let alone = reprint(&[command, mini], None);
        let run = reprint(&[command, &binary, mini], None);
        assert_no_panic(&run);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        // The first 20 bad lines one by one, then one line saying the rest are not shown,
        // and at the end their count and lines: a binary input does not flood the screen.
        assert!(records > 21, "the noise has {records} lines");
        let at_line = format!("{binary}:");
        let reported: Vec<&str> = reports(&run, &binary)
            .into_iter()
            .filter(|l| {
                l.split(&at_line)
                    .nth(1)
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
            })
            .collect();
        assert_eq!(
            reported.len(),
            20,
            "{command}: the first lines, once each\n{}",
            run.stderr
        );
        for report in &reported {
            assert!(
                report.contains("invalid UTF-8") || report.contains("not a JSON object"),
                "{report}"
            );
        }
        assert_eq!(
            run.stderr
                .matches(&format!("{binary}: more than 20 bad records"))
                .count(),
            1,
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains(&format!("{binary}: {records} bad records in all, lines 1 to ")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(&format!(" {records} skipped")), "{}", run.stderr);
        assert_eq!(run.stdout, alone.stdout, "{command}: the good input is unaffected");

        let run = reprint(&[command, &fake, mini], None);
        assert_no_panic(&run);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        let reported = reports(&run, &fake);
        assert!(
            reported.len() == 1 && reported[0].contains(&format!("{fake}: ")),
            "{}",
            run.stderr
        );
        assert_eq!(run.stdout, alone.stdout, "{command}");
    }
}

/// A text of about `bytes` bytes of lowercase words, sentences ending with `end`.
fn words(bytes: usize, end: &str, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut text = String::with_capacity(bytes + 64);
    while text.len() < bytes {
        for _ in 0..12 {
            let len = 2 + rng.below(8);
            text.extend((0..len).map(|_| (b'a' + rng.below(26) as u8) as char));
            text.push(' ');
        }
        text.pop();
        text.push_str(end);
    }
    text
}

#[test]
fn a_50_mb_record_is_read_signed_cleaned_and_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = record("big", &words(50 << 20, ". ", 1));
    let input = [
        record("a", GOOD[0]),
        big,
        record("b", GOOD[1]),
        record("a-copy", GOOD[0]),
    ];
    let path = write(dir.path(), "big.jsonl", (input.join("\n") + "\n").as_bytes());
    let out = dir.path().join("out.jsonl");
    let clusters = dir.path().join("clusters.jsonl");
    for raw in [false, true] {
        let mut args = vec!["dedup", &path, "-o", out.to_str().unwrap()];
        args.extend(["--clusters", clusters.to_str().unwrap()]);
        if raw {
            args.push("--raw");
        }
        let run = reprint_within(&args, 60);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            std::fs::read_to_string(&out).unwrap() == input[..3].join("\n") + "\n",
            "the kept lines, the big one whole"
        );
        let duplicate: Vec<bool> = read_clusters(&clusters).iter().map(|r| r.2).collect();
        assert_eq!(duplicate, [false, false, false, true]);
    }
    let run = reprint_within(&["clean", &path, "-o", out.to_str().unwrap()], 60);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read(&out).unwrap();
    assert_eq!(ids(&written), ["a", "big", "b", "a-copy"]);
    let big: serde_json::Value = serde_json::from_slice(lines(&written)[1]).unwrap();
    let (text, body) = (big["text"].as_str().unwrap(), big["body"].as_str().unwrap());
    assert_eq!(text.len(), input[1].len() - r#"{"id":"big","text":""}"#.len());
    assert!(
        body.len() > text.len() / 2 && text.contains(body.trim()),
        "one block of prose is kept"
    );
}

/// The same size of record in lines (650,000 of them): every step of the cleaner must be
/// linear in the blocks of a page (the headline search once went over every later block for
/// every block: half an hour for this record).
#[test]
fn a_50_mb_record_of_many_lines_is_cleaned_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "lines.jsonl",
        (record("big", &words(50 << 20, ".\n", 2)) + "\n").as_bytes(),
    );
    let run = reprint_within(&["clean", &path, "-o", "/dev/null"], 60);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Texts every stage must take: only punctuation, only emoji, lone combining marks,
/// right-to-left scripts, one token, a 100,000-byte token, nothing, only whitespace,
/// control characters.
fn odd_texts() -> Vec<String> {
    vec![
        "!!! ... ??? --- ;;; «» “” ¡¿ …".into(),
        "😀😀🎉🎉 👍🏽 👨‍👩‍👧 🇫🇷".into(),
        "e\u{301}\u{301}\u{301} a\u{308}\u{308} \u{301}\u{302}\u{303}\n\u{301}".into(),
        "שלום עולם, זה טקסט בעברית.\nمرحبا بالعالم، هذا نص عربي.\n\u{200f}\u{202e}abc\u{202c}".into(),
        "word".into(),
        "x".repeat(100_000),
        "é".repeat(50_000),
        String::new(),
        " \n\t \r\n ".into(),
        "\u{0}\u{7}\u{1b}[31m\u{feff}\u{fffd}".into(),
    ]
}

#[test]
fn odd_texts_are_records_like_any_other() {
    let texts = odd_texts();
    let input: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": i, "text": t}).to_string() + "\n")
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let clusters = dir.path().join("clusters.jsonl");
    for raw in [false, true] {
        let mut args = vec!["dedup", "--clusters", clusters.to_str().unwrap()];
        if raw {
            args.push("--raw");
        }
        let run = reprint(&args, Some(input.as_bytes()));
        assert_no_panic(&run);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report = read_clusters(&clusters);
        assert_eq!(report.len(), texts.len());
        let kept: Vec<&[u8]> = lines(input.as_bytes())
            .into_iter()
            .zip(&report)
            .filter(|(_, r)| !r.2)
            .map(|(l, _)| l)
            .collect();
        assert_eq!(lines(&run.stdout), kept);
    }
    let run = reprint(&["clean"], Some(input.as_bytes()));
    assert_no_panic(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = lines(&run.stdout);
    assert_eq!(out.len(), texts.len());
    for (line, text) in out.iter().zip(&texts) {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        assert_eq!(v["text"], text.as_str());
        let body = v["body"].as_str().unwrap();
        for piece in body.split('\n') {
            assert!(text.contains(piece), "{piece:?} is not from {text:?}");
        }
        for r in v["removed"].as_array().unwrap() {
            let (start, end) = (
                r["start"].as_u64().unwrap() as usize,
                r["end"].as_u64().unwrap() as usize,
            );
            assert!(start < end && end <= text.len(), "{r} in {text:?}");
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "{r} in {text:?}"
            );
        }
    }
}

#[test]
fn odd_texts_in_the_library_lose_nothing_and_sign_consistently() {
    let texts = odd_texts();
    let hasher = MinHasher::new(128, 5);
    let mut scratch = reprint::Scratch::new();
    let mut detector = Detector::new(reprint::Config::default()).unwrap();
    for text in &texts {
        for site in [None, Some("odd.example")] {
            let page = Page {
                text,
                title: None,
                site,
            };
            let profiles = Profiles::learn([page, page]);
            assert_accounts_for_all(text, &Cleaner::new(&profiles).clean(&page));
            assert_accounts_for_all(text, &Cleaner::for_new_pages(&profiles).clean(&page));
            let titled = Page {
                title: Some(text.as_str()),
                ..page
            };
            assert_accounts_for_all(text, &Cleaner::new(&profiles).clean(&titled));
        }
        let tokens = reprint::text::tokens(text);
        let signature = hasher.signature(text, &mut scratch);
        assert_eq!(tokens.is_empty(), signature.is_empty(), "{text:?}");
        let (_, first) = detector.insert(text);
        let (_, again) = detector.insert(text);
        match tokens.is_empty() {
            true => assert!(first == Verdict::TooShort && again == Verdict::TooShort),
            false => assert!(
                matches!(again, Verdict::NearDuplicate { similarity, .. } if similarity == 1.0),
                "{text:?}: {again:?}"
            ),
        }
    }
}

#[test]
fn the_record_reader_says_what_is_wrong_and_never_panics() {
    fn parse(line: &[u8]) -> Result<reprint::io::Record<'_>, RecordError> {
        parse_record(line, &FieldNames::default())
    }
    for (line, found) in [
        (&br#"{"text": 42}"#[..], "a number"),
        (br#"{"text": null}"#, "null"),
        (br#"{"text": [1]}"#, "an array"),
        (br#"{"text": {}}"#, "an object"),
        (br#"{"text": false}"#, "a boolean"),
    ] {
        let error = parse(line).unwrap_err();
        assert!(
            matches!(&error, RecordError::WrongType { found: f, .. } if *f == found),
            "{error}"
        );
        assert!(error.to_string().contains("\"text\""), "{error}");
    }
    assert_eq!(
        parse(br#"{"id": 1}"#).unwrap_err(),
        RecordError::MissingField("text".into())
    );
    assert_eq!(
        parse(b"{\"text\": \"caf\xc3\"}").unwrap_err(),
        RecordError::InvalidUtf8(13)
    );
    for line in [
        &b""[..],
        b"   ",
        b"null",
        b"[]",
        b"\"text\"",
        b"{\"text\": \"a\"",
        b"{\"text\": \"a\"}}",
        b"\xEF\xBB\xBF{\"text\": \"a\"}",
        br#"{"text": "\ud800"}"#,
        br#"{"text": "a\x"}"#,
        br#"{"text" "a"}"#,
        b"{\"text\": \"a\nb\"}",
    ] {
        assert!(
            matches!(parse(line), Err(RecordError::Json(_))),
            "{:?}",
            String::from_utf8_lossy(line)
        );
    }
    // A repeated member: the last one counts, as for any JSON reader.
    let r = parse(br#"{"id": 1, "text": "a", "id": 2, "text": "b"}"#).unwrap();
    assert_eq!((r.id, &*r.text), (Some("2"), "b"));
    let long = format!("{{\"text\": \"{}\"}}", "x".repeat(100_000));
    assert_eq!(parse(long.as_bytes()).unwrap().text.len(), 100_000);
}

/// Every line of `bytes` as (number, content), read the way the CLI reads a file.
fn read_lines(path: &Path) -> std::io::Result<Vec<(u64, Vec<u8>)>> {
    let reader = reprint::io::open(&Source::File(path.to_path_buf()), Default::default(), None)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut lines = Lines::new(reader);
    let mut all = Vec::new();
    while let Some(line) = lines.next_line()? {
        if !line.is_blank() {
            all.push((line.number, line.content.to_vec()));
        }
    }
    Ok(all)
}

#[test]
fn the_line_reader_takes_odd_files_and_reports_truncated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str, bytes: &[u8]| PathBuf::from(write(dir.path(), name, bytes));
    assert!(read_lines(&path("empty", b"")).unwrap().is_empty());
    let got = read_lines(&path("crlf", b"\xEF\xBB\xBF{}\r\n\r\n \n{\"a\":1}\r\n\xEF\xBB\xBFx")).unwrap();
    assert_eq!(
        got,
        [
            (1, b"{}".to_vec()),
            (4, b"{\"a\":1}".to_vec()),
            (5, b"\xEF\xBB\xBFx".to_vec())
        ],
        "a BOM only starts a file"
    );
    let plain = read_lines(&corpus("mini.jsonl")).unwrap();
    for name in ["mini.jsonl.gz", "mini.jsonl.zst"] {
        let whole = std::fs::read(corpus(name)).unwrap();
        assert_eq!(read_lines(&path("whole", &whole)).unwrap(), plain);
        for cut in [1, 3, 10, whole.len() / 3, whole.len() - 1] {
            let result = read_lines(&path("cut", &whole[..cut]));
            // A cut inside the magic bytes leaves a file that is not compressed at all.
            if cut >= 4 {
                assert!(result.is_err(), "{name} cut at {cut} read as complete");
            }
        }
    }
    let mut rng = Rng(9);
    let noise: Vec<u8> = (0..1 << 16).map(|_| rng.next() as u8).collect();
    let fields = FieldNames::default();
    for (_, line) in read_lines(&path("noise", &noise)).unwrap() {
        assert!(parse_record(&line, &fields).is_err());
    }
}

#[test]
fn missing_inputs_are_refused_before_anything_is_read_or_written() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("does-not-exist.jsonl");
    let missing = missing.to_str().unwrap();
    let out = dir.path().join("out.jsonl");
    let mini = corpus("mini.jsonl");
    for command in ["dedup", "clean"] {
        let run = reprint(
            &[command, mini.to_str().unwrap(), missing, "-o", out.to_str().unwrap()],
            None,
        );
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(
            run.stderr.contains(missing) && run.stderr.contains("No such file"),
            "{}",
            run.stderr
        );
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "no summary: nothing was read\n{}",
            run.stderr
        );
        assert!(!out.exists());
    }
    let run = reprint(&["clean", mini.to_str().unwrap(), "--use-profiles", missing], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(missing), "{}", run.stderr);
}

#[test]
fn unwritable_outputs_are_refused_before_the_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let mini = corpus("mini.jsonl");
    let mini = mini.to_str().unwrap();
    let targets = [
        blocker.join("out.jsonl"),
        dir.path().join("no/such/dir/out.jsonl"),
        dir.path().to_path_buf(),
    ];
    for (command, flags) in [
        ("dedup", ["-o", "--clusters", "--stats"]),
        ("clean", ["-o", "--profiles", "--stats"]),
    ] {
        for flag in flags {
            for target in &targets {
                let target = target.to_str().unwrap();
                let run = reprint(&[command, mini, flag, target], None);
                assert_eq!(run.code, 2, "{command} {flag} {target}: {}", run.stderr);
                assert_eq!(run.stderr.lines().count(), 1, "refused before reading\n{}", run.stderr);
                assert!(
                    run.stderr.contains(&format!("{target}: ")),
                    "names the output: {}",
                    run.stderr
                );
                assert!(!run.stderr.contains(".reprint-"), "no temporary name: {}", run.stderr);
                assert!(run.stderr.matches("os error").count() <= 1, "said once: {}", run.stderr);
            }
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing left behind");
    #[cfg(target_os = "linux")]
    for command in ["dedup", "clean"] {
        let run = reprint(&[command, mini, "-o", "/dev/full"], None);
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(run.stderr.contains("/dev/full: "), "{}", run.stderr);
        assert_eq!(run.stderr.matches("No space left").count(), 1, "{}", run.stderr);
    }
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(corpus("mini.jsonl")).unwrap();
    let input = write(dir.path(), "in.jsonl", &original);
    let respelled = dir.path().join(".").join("in.jsonl");
    let respelled = respelled.to_str().unwrap();
    let mut names = vec![input.clone(), respelled.to_owned()];
    #[cfg(unix)]
    {
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        names.push(link.to_str().unwrap().to_owned());
    }
    for (command, flags) in [
        ("dedup", ["-o", "--clusters", "--stats"]),
        ("clean", ["-o", "--profiles", "--stats"]),
    ] {
        for flag in flags {
            for name in &names {
                let run = reprint(&[command, &input, flag, name], None);
                assert_eq!(run.code, 2, "{command} {flag} {name}: {}", run.stderr);
                assert!(run.stderr.contains("also an input"), "{}", run.stderr);
                assert_eq!(run.stderr.lines().count(), 1, "refused before reading\n{}", run.stderr);
                assert_eq!(std::fs::read(&input).unwrap(), original);
            }
        }
    }
}

/// `corpora/mini.jsonl`-sized records are too large for 200,000 lines: short ones.
fn many_lines(dir: &Path) -> String {
    let mut text = String::with_capacity(30 << 20);
    for i in 0..200_000 {
        text.push_str(&record(
            &i.to_string(),
            &format!(
                "Report {i}: the council met on Monday and agreed to repair road {} before winter.",
                i * 7
            ),
        ));
        text.push('\n');
    }
    write(dir, "many.jsonl", text.as_bytes())
}

/// Whether the directory holds a temporary output with something written in it.
fn writing(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(".reprint-") && e.metadata().is_ok_and(|m| m.len() > 0))
}

#[cfg(unix)]
#[test]
fn a_run_killed_midway_leaves_the_old_output_or_none() {
    use std::os::unix::process::ExitStatusExt;
    let inputs = tempfile::tempdir().unwrap();
    let input = many_lines(inputs.path());
    for command in ["clean", "dedup"] {
        let mut killed_while_writing = 0;
        for (signal, number, old) in [
            ("TERM", 15, Some("old\n")),
            ("INT", 2, Some("old\n")),
            ("KILL", 9, Some("old\n")),
            ("KILL", 9, None),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out.jsonl");
            if let Some(old) = old {
                std::fs::write(&out, old).unwrap();
            }
            let mut child = Command::new(BIN)
                .args([command, &input, "-o", out.to_str().unwrap(), "-j", "2"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !writing(dir.path()) && child.try_wait().unwrap().is_none() {
                assert!(std::time::Instant::now() < deadline, "{command} never wrote");
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
            let sent = Command::new("kill")
                .args([&format!("-{signal}"), &child.id().to_string()])
                .status()
                .unwrap();
            let status = child.wait().unwrap();
            match status.signal() {
                Some(n) => {
                    assert!(sent.success() && n == number, "{command}: {status:?}");
                    killed_while_writing += 1;
                    match old {
                        Some(old) => assert_eq!(std::fs::read_to_string(&out).unwrap(), old, "{command} {signal}"),
                        None => assert!(!out.exists(), "{command} {signal}: a torn output"),
                    }
                    // A signal that can be caught leaves no temporary file either.
                    if signal != "KILL" {
                        let left: Vec<_> = std::fs::read_dir(dir.path())
                            .unwrap()
                            .flatten()
                            .map(|e| e.file_name())
                            .filter(|n| n != "out.jsonl")
                            .collect();
                        assert!(left.is_empty(), "{command} {signal}: left {left:?}");
                    }
                }
                // It ended first: then its output is whole.
                None => {
                    assert_eq!(status.code(), Some(0), "{command}");
                    assert_eq!(lines(&std::fs::read(&out).unwrap()).len(), 200_000, "{command}");
                }
            }
        }
        assert!(killed_while_writing > 0, "{command}: no run was killed while writing");
    }
}

#[test]
fn a_closed_stdout_ends_every_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = saved_profiles(dir.path());
    let clusters = dir.path().join("clusters.jsonl");
    let sample = corpus("sample.jsonl");
    let sample = sample.to_str().unwrap();
    for args in runs(&profiles) {
        let mut child = Command::new(BIN)
            .args(&args)
            .args([sample, "-j", "2"])
            .args(match args[0].as_str() {
                "dedup" => vec!["--clusters", clusters.to_str().unwrap()],
                _ => vec![],
            })
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(&first, b"{");
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.to_lowercase().contains("broken pipe"), "{args:?}: {stderr}");
        if args[0] == "dedup" {
            assert_eq!(read_clusters(&clusters).len(), 1000, "written before the kept records");
        }
    }
}

#[test]
fn a_closed_stderr_is_no_panic() {
    let bad = corpus("bad-lines.jsonl");
    for command in ["dedup", "clean"] {
        let mut child = Command::new(BIN)
            .args([command, bad.to_str().unwrap(), "-o", "/dev/null"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(1), "{command}: the skipped records still decide");
    }
}
