//! The `reprint` binary end to end, on the files in `corpora/`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_reprint");

pub(crate) fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora").join(name)
}

pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
}

pub(crate) fn reprint(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || pipe.write_all(&input));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// Run the binary on no input, and fail (killing it) if it has not ended within `seconds`:
/// for runs that must not hang.
pub(crate) fn reprint_within(args: &[&str], seconds: u64) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stderr = child.stderr.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).map(|_| s)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("reprint {args:?} did not end within {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: Vec::new(),
        stderr: reading.join().unwrap().unwrap_or_default(),
    }
}

pub(crate) fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// The clusters file as (id, cluster, duplicate, similarity).
pub(crate) fn read_clusters(path: &Path) -> Vec<(serde_json::Value, serde_json::Value, bool, f64)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].clone(),
                v["cluster"].clone(),
                v["duplicate"].as_bool().unwrap(),
                v["similarity"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn sample_dedup_keeps_input_lines_in_order_and_reports_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let clusters = dir.path().join("clusters.jsonl");
    let stats = dir.path().join("stats.json");
    let input = corpus("sample.jsonl");
    let run = reprint(
        &[
            "dedup",
            input.to_str().unwrap(),
            "--clusters",
            clusters.to_str().unwrap(),
            "--stats",
            stats.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let original = std::fs::read(&input).unwrap();
    let all = lines(&original);
    let kept = lines(&run.stdout);
    let report = read_clusters(&clusters);
    assert_eq!(report.len(), all.len());
    let dropped = report.iter().filter(|r| r.2).count();
    assert!(dropped > 0 && dropped < all.len() / 2, "{dropped} of {}", all.len());
    assert_eq!(kept.len(), all.len() - dropped);
    // Kept lines are the input lines of the non-duplicates, byte for byte, in order.
    let expected: Vec<&[u8]> = all.iter().zip(&report).filter(|(_, r)| !r.2).map(|(l, _)| *l).collect();
    assert_eq!(kept, expected);
    for (id, cluster, duplicate, similarity) in &report {
        assert_eq!(*duplicate, id != cluster);
        assert!((0.0..=1.0).contains(similarity));
        if !duplicate {
            assert_eq!(*similarity, 1.0);
        }
    }
    let stats: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    assert_eq!(stats["documents"], all.len());
    assert_eq!(stats["duplicates"], dropped);
    assert!(run.stderr.contains("documents read"), "{}", run.stderr);
}

#[test]
fn compressed_inputs_and_stdin_give_the_same_output() {
    let plain = reprint(&["dedup", corpus("mini.jsonl").to_str().unwrap()], None);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stdout.is_empty());
    for name in ["mini.jsonl.gz", "mini.jsonl.zst"] {
        let run = reprint(&["dedup", corpus(name).to_str().unwrap()], None);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, plain.stdout, "{name}");
    }
    let gz = std::fs::read(corpus("mini.jsonl.gz")).unwrap();
    let from_stdin = reprint(&["dedup", "-"], Some(&gz));
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout, plain.stdout);
    let no_args = reprint(&["dedup"], Some(&std::fs::read(corpus("mini.jsonl")).unwrap()));
    assert_eq!(no_args.stdout, plain.stdout);
}

#[test]
fn mapped_and_streamed_inputs_write_the_same_kept_lines() {
    // A plain file (mapped) with CRLF endings, blank lines and no final newline, then a
    // gzip file (streamed): the kept lines are those of the same bytes read from stdin.
    let dir = tempfile::tempdir().unwrap();
    let mini = std::fs::read_to_string(corpus("mini.jsonl")).unwrap();
    let crlf = mini.trim_end().replace('\n', "\r\n\r\n");
    let plain = dir.path().join("crlf.jsonl");
    std::fs::write(&plain, &crlf).unwrap();
    let gz = corpus("mini.jsonl.gz");
    let files = reprint(&["dedup", "--raw", plain.to_str().unwrap(), gz.to_str().unwrap()], None);
    assert_eq!(files.code, 0, "{}", files.stderr);
    let mut stream = crlf.clone().into_bytes();
    stream.extend_from_slice(b"\n");
    stream.extend_from_slice(mini.as_bytes());
    let stdin = reprint(&["dedup", "--raw", "-"], Some(&stream));
    assert_eq!(stdin.code, 0, "{}", stdin.stderr);
    assert_eq!(files.stdout, stdin.stdout);
    assert!(files.stdout.windows(3).any(|w| w == b"}\r\n"), "line endings are kept");
}

/// The clusters of a clusters file as sets of ids.
fn cluster_sets(clusters: &str) -> std::collections::BTreeSet<Vec<String>> {
    let mut members: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for l in clusters.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        members
            .entry(v["cluster"].to_string())
            .or_default()
            .push(v["id"].to_string());
    }
    members
        .into_values()
        .map(|mut m| {
            m.sort();
            m
        })
        .collect()
}

#[test]
fn clusters_are_the_same_sets_of_ids_for_the_input_shuffled() {
    // The sample, and the sample three times over with new ids (3,000 pages: past the size
    // up to which every page's words are counted, so the function-word sample is drawn).
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(corpus("sample.jsonl")).unwrap();
    let mut tripled = String::new();
    for copy in 0..3 {
        for line in sample.lines() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["id"] = format!("{}-{copy}", v["id"].as_str().unwrap()).into();
            tripled.push_str(&format!("{v}\n"));
        }
    }
    for (name, text) in [("sample", sample), ("tripled", tripled)] {
        let mut lines: Vec<&str> = text.lines().collect();
        let mut rng = crate::common::Rng(17);
        for i in (1..lines.len()).rev() {
            lines.swap(i, rng.below(i + 1));
        }
        let shuffled = lines.join("\n") + "\n";
        let a = dir.path().join(format!("{name}.jsonl"));
        let b = dir.path().join(format!("{name}.shuffled.jsonl"));
        std::fs::write(&a, &text).unwrap();
        std::fs::write(&b, &shuffled).unwrap();
        for raw in [true, false] {
            let sets = |input: &Path| {
                let out = dir.path().join("clusters.jsonl");
                let mut args = vec!["dedup", input.to_str().unwrap(), "-o", "/dev/null"];
                args.extend(["--clusters", out.to_str().unwrap()]);
                if raw {
                    args.push("--raw");
                }
                let run = reprint(&args, None);
                assert_eq!(run.code, 0, "{}", run.stderr);
                cluster_sets(&std::fs::read_to_string(out).unwrap())
            };
            let before = sets(&a);
            assert!(before.iter().any(|s| s.len() > 1), "{name}: the corpus has duplicates");
            assert_eq!(before, sets(&b), "{name}, raw: {raw}");
        }
    }
}

#[test]
fn many_inputs_are_one_stream() {
    let mini = corpus("mini.jsonl");
    let twice = reprint(&["dedup", mini.to_str().unwrap(), mini.to_str().unwrap()], None);
    let once = reprint(&["dedup", mini.to_str().unwrap()], None);
    assert_eq!(twice.code, 0, "{}", twice.stderr);
    // The second copy of every document duplicates the first.
    assert_eq!(twice.stdout, once.stdout);
}

#[test]
fn bad_lines_are_reported_with_file_and_line_and_skipped() {
    let input = corpus("bad-lines.jsonl");
    let run = reprint(&["dedup", input.to_str().unwrap()], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let name = input.display().to_string();
    for (line, what) in [
        (2, "\"text\" is a number"),
        (3, "not a JSON object"),
        (4, "\"text\" is null"),
        (6, "no \"text\" field"),
        (7, "invalid UTF-8"),
        (9, "\"text\" is an array"),
        (11, "not a JSON object"),
    ] {
        let want = format!("{name}:{line}: ");
        let found = run.stderr.lines().find(|l| l.contains(&want));
        assert!(
            found.is_some_and(|l| l.contains(what)),
            "line {line}: {what}\n{}",
            run.stderr
        );
    }
    // ok-1 and ok-3 are copies (case differs); ok-2 is unique.
    let kept = String::from_utf8(run.stdout).unwrap();
    assert!(
        kept.contains("\"ok-1\"") && kept.contains("\"ok-2\"") && !kept.contains("\"ok-3\""),
        "{kept}"
    );
    assert!(run.stderr.contains("7 skipped"), "{}", run.stderr);
}

/// Inputs of many batches (8,192 lines each): a run that stops early must not wait for a
/// reader blocked on a full queue.
fn many_batches(dir: &Path, bad_line: Option<usize>) -> PathBuf {
    let sample = std::fs::read_to_string(corpus("mini.jsonl")).unwrap();
    let records: Vec<&str> = sample.lines().collect();
    let path = dir.join("many.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..40_000 {
        match bad_line {
            Some(b) if b == i => writeln!(out, "{{\"text\": 3}}").unwrap(),
            _ => writeln!(out, "{}", records[i % records.len()]).unwrap(),
        }
    }
    drop(out);
    path
}

#[test]
fn runs_that_stop_early_on_large_inputs_end() {
    let dir = tempfile::tempdir().unwrap();
    let input = many_batches(dir.path(), Some(1));
    for command in ["clean", "dedup"] {
        let run = reprint_within(
            &[
                command,
                input.to_str().unwrap(),
                "--on-error",
                "fail",
                "-o",
                "/dev/null",
            ],
            120,
        );
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert!(run.stderr.contains("many.jsonl:2:"), "{command}: {}", run.stderr);
    }
    #[cfg(target_os = "linux")]
    {
        let input = many_batches(dir.path(), None);
        let run = reprint_within(&["clean", input.to_str().unwrap(), "-o", "/dev/full"], 120);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("/dev/full"), "{}", run.stderr);
    }
}

#[test]
fn on_error_fail_stops_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kept.jsonl");
    let run = reprint(
        &[
            "dedup",
            corpus("bad-lines.jsonl").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--on-error",
            "fail",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad-lines.jsonl:2:"), "{}", run.stderr);
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a temporary file was left behind"
    );
}

#[test]
fn output_is_the_same_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus("sample.jsonl");
    let mut results = Vec::new();
    for threads in ["1", "2", "8"] {
        let clusters = dir.path().join(format!("c{threads}.jsonl"));
        let run = reprint(
            &[
                "dedup",
                input.to_str().unwrap(),
                "-j",
                threads,
                "--clusters",
                clusters.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        results.push((run.stdout, std::fs::read(&clusters).unwrap()));
    }
    assert!(results[0] == results[1] && results[1] == results[2]);
}

/// The scans the CPU's vector extensions speed up (AVX2, chosen at run time) give the outputs
/// of the baseline path (`REPRINT_SIMD=baseline`): cleaned records, kept lines and clusters,
/// by default and with `--raw`. (On a CPU without AVX2 both runs take the baseline.)
#[test]
fn outputs_do_not_depend_on_the_vector_path() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus("sample.jsonl");
    let input = input.to_str().unwrap();
    let run = |args: &[&str], simd: &str| {
        let out = Command::new(BIN)
            .args(args)
            .env("REPRINT_SIMD", simd)
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let clusters = dir.path().join("clusters.jsonl");
    let clusters = clusters.to_str().unwrap();
    for args in [
        &["clean", input][..],
        &["dedup", input, "--clusters", clusters],
        &["dedup", "--raw", input, "--clusters", clusters],
    ] {
        let fast = (run(args, "auto"), std::fs::read(clusters).unwrap_or_default());
        let baseline = (run(args, "baseline"), std::fs::read(clusters).unwrap_or_default());
        assert!(fast == baseline, "{args:?}");
        assert!(!fast.0.is_empty());
    }
}

#[test]
fn closed_stdout_ends_quietly_with_success() {
    let mut child = Command::new(BIN)
        .args(["dedup", corpus("sample.jsonl").to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader (and the pipe) are dropped here, like `| head -1`.
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(first.starts_with('{'));
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
}

#[test]
fn keep_policies_choose_the_representative() {
    // --raw: "longest" compares the texts (by default it compares the recovered bodies,
    // which trailing spaces do not lengthen).
    let docs = [
        r#"{"id":"short","date":"2024-06-20","text":"Kazakhstan will build a trans-Caspian channel to reach Azerbaijan and carry oil to the European Union without crossing Russian territory at all."}"#,
        r#"{"id":"long","date":"2024-06-19","text":"Kazakhstan will build a trans-Caspian channel to reach Azerbaijan and carry oil to the European Union without crossing Russian territory at all.   "}"#,
        r#"{"id":"early","date":"18 Jun 2024","text":"Kazakhstan will build a trans-Caspian channel to reach Azerbaijan and carry oil to the European Union without crossing Russian territory at all"}"#,
    ];
    let input = docs.join("\n") + "\n";
    let kept_id = |keep: &str| {
        let run = reprint(&["dedup", "--raw", "--keep", keep], Some(input.as_bytes()));
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        v["id"].as_str().unwrap().to_string()
    };
    assert_eq!(kept_id("first"), "short");
    assert_eq!(kept_id("longest"), "long");
    assert_eq!(kept_id("earliest"), "early");
}

#[test]
fn usage_errors_name_the_flag_and_exit_2() {
    let mini = corpus("mini.jsonl");
    let mini = mini.to_str().unwrap();
    let run = reprint(&["dedup", mini, "--bands", "20", "--rows", "10"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--bands (20)") && run.stderr.contains("--num-perm (128)"),
        "{}",
        run.stderr
    );
    let run = reprint(&["dedup", mini, "--threshold", "0"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--threshold"), "{}", run.stderr);
    let run = reprint(&["dedup", mini, "--bands", "4"], None);
    assert_eq!(run.code, 2);
    let run = reprint(&["dedup", mini, "-o", mini], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("also an input"), "{}", run.stderr);
    let run = reprint(&["dedup", "corpora/does-not-exist.jsonl"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does-not-exist.jsonl"), "{}", run.stderr);
}

#[test]
fn custom_field_names_and_missing_ids() {
    let input = "{\"body\":\"alpha beta gamma delta epsilon zeta eta theta\"}\n\n{\"body\":\"ALPHA beta gamma delta epsilon zeta eta theta\"}\n";
    let dir = tempfile::tempdir().unwrap();
    let clusters = dir.path().join("c.jsonl");
    let run = reprint(
        &[
            "dedup",
            "--text-field",
            "body",
            "--clusters",
            clusters.to_str().unwrap(),
        ],
        Some(input.as_bytes()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = read_clusters(&clusters);
    // Missing ids are line numbers; the blank line is not a record.
    assert_eq!(report[0].0, serde_json::json!(1));
    assert_eq!(report[1].0, serde_json::json!(3));
    assert_eq!(report[1].1, serde_json::json!(1));
}

/// Pairs of documents that share a cluster, from `{"id", "cluster"}` lines.
fn same_cluster_pairs(lines: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut members: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for l in lines.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        members
            .entry(v["cluster"].to_string())
            .or_default()
            .push(v["id"].to_string());
    }
    let mut pairs = std::collections::BTreeSet::new();
    for m in members.values() {
        for (i, a) in m.iter().enumerate() {
            for b in &m[i + 1..] {
                pairs.insert((a.clone(), b.clone()));
            }
        }
    }
    pairs
}

#[test]
fn dedup_of_recovered_bodies_finds_reprints_that_raw_text_hides() {
    let truth = same_cluster_pairs(&std::fs::read_to_string(corpus("sample.truth.jsonl")).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let found = |raw: bool| {
        let clusters = dir.path().join("c.jsonl");
        let mut args = vec!["dedup", "corpora/sample.jsonl", "-o", "/dev/null", "--clusters"];
        args.push(clusters.to_str().unwrap());
        if raw {
            args.push("--raw");
        }
        let run = reprint(&args, None);
        assert_eq!(run.code, 0, "{}", run.stderr);
        same_cluster_pairs(&std::fs::read_to_string(&clusters).unwrap())
    };
    let (raw, bodies) = (found(true), found(false));
    let correct = |pairs: &std::collections::BTreeSet<(String, String)>| pairs.intersection(&truth).count();
    // Different site chrome hides syndicated copies from raw text; the bodies reveal them,
    // and no pair of different articles is merged either way.
    assert!(
        correct(&bodies) > correct(&raw) + correct(&raw) / 2,
        "{} vs {}",
        correct(&bodies),
        correct(&raw)
    );
    assert_eq!(
        correct(&bodies),
        bodies.len(),
        "every pair found by bodies is a true reprint"
    );
    assert_eq!(correct(&raw), raw.len());
}

/// A crawl dump without urls: its pages' sites are inferred from the template lines they
/// share. Reprints of one article on several sites share its headline, source line and
/// paragraphs, which must not make those sites one (the paragraphs would then go as that
/// site's boilerplate, and with them the copies' likeness).
#[test]
fn pages_without_urls_are_cleaned_and_deduplicated_about_as_well() {
    let truth = corpus("sample.truth.jsonl");
    let truth_pairs = same_cluster_pairs(&std::fs::read_to_string(&truth).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let no_urls = dir.path().join("no-urls.jsonl");
    let mut text = String::new();
    for line in std::fs::read_to_string(corpus("sample.jsonl")).unwrap().lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        v.as_object_mut().unwrap().remove("url");
        text.push_str(&format!("{v}\n"));
    }
    std::fs::write(&no_urls, text).unwrap();
    let cleaned = dir.path().join("cleaned.jsonl");
    let clusters = dir.path().join("clusters.jsonl");
    // (macro F1 of the bodies, true pairs found, pairs found) for one input.
    let scores = |input: &Path| {
        let run = reprint(
            &["clean", input.to_str().unwrap(), "-o", cleaned.to_str().unwrap()],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let args = [
            "eval",
            "clean",
            "--truth",
            truth.to_str().unwrap(),
            "--pred",
            cleaned.to_str().unwrap(),
        ];
        let eval = reprint(&args, None);
        assert_eq!(eval.code, 0, "{}", eval.stderr);
        let f1 = serde_json::from_slice::<serde_json::Value>(&eval.stdout).unwrap()["macro_f1"]
            .as_f64()
            .unwrap();
        let args = [
            "dedup",
            input.to_str().unwrap(),
            "-o",
            "/dev/null",
            "--clusters",
            clusters.to_str().unwrap(),
        ];
        let run = reprint(&args, None);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let pairs = same_cluster_pairs(&std::fs::read_to_string(&clusters).unwrap());
        (f1, pairs.intersection(&truth_pairs).count(), pairs.len())
    };
    let (f1, found, pairs) = scores(&corpus("sample.jsonl"));
    let (f1_no_urls, found_no_urls, pairs_no_urls) = scores(&no_urls);
    assert!(f1_no_urls > f1 - 0.02, "macro F1 {f1_no_urls} without urls, {f1} with");
    assert!(
        found_no_urls * 100 >= found * 95,
        "{found_no_urls} true pairs without urls, {found} with"
    );
    assert_eq!(
        (found, found_no_urls),
        (pairs, pairs_no_urls),
        "no false pair either way"
    );
}

#[test]
fn clean_writes_records_with_body_title_and_removals() {
    let run = reprint(&["clean", "corpora/seed.jsonl"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let text = out["text"].as_str().unwrap();
    assert_eq!(out["id"], "cf4277735593f279", "input fields are kept");
    assert!(text.starts_with(out["title"].as_str().unwrap()));
    let body = out["body"].as_str().unwrap();
    assert!(body.starts_with("On July 5, Russia cut off"));
    assert!(body.ends_with("the next Eastern Europe."));
    assert_eq!(body.split("\n\n").count(), 19);
    let reasons: Vec<&str> = out["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (start, end) = (
                r["start"].as_u64().unwrap() as usize,
                r["end"].as_u64().unwrap() as usize,
            );
            assert!(start < end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end));
            r["reason"].as_str().unwrap()
        })
        .collect();
    for reason in ["headline", "headline_repeat", "watermark", "chrome", "markup"] {
        assert!(reasons.contains(&reason), "{reasons:?}");
    }
    assert!(run.stderr.contains("1 pages cleaned"), "{}", run.stderr);
}

#[test]
fn clean_learns_profiles_once_and_streams_new_pages_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles.json");
    let sample = corpus("sample.jsonl");
    let sample = std::fs::read_to_string(&sample).unwrap();
    let (learn_from, new_pages): (Vec<&str>, Vec<&str>) = {
        let all: Vec<&str> = sample.lines().collect();
        (all[..800].to_vec(), all[800..].to_vec())
    };
    let learn_input = learn_from.join("\n") + "\n";
    let run = reprint(
        &["clean", "-o", "/dev/null", "--profiles", profiles.to_str().unwrap()],
        Some(learn_input.as_bytes()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&profiles).unwrap()).unwrap();
    assert_eq!(saved["format"], "reprint-site-profiles");
    assert_eq!(saved["version"], reprint::clean::PROFILE_VERSION);

    // New pages from stdin, cleaned in one pass with the saved profiles: site chrome goes.
    let new_input = new_pages.join("\n") + "\n";
    let run = reprint(
        &["clean", "--use-profiles", profiles.to_str().unwrap()],
        Some(new_input.as_bytes()),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = String::from_utf8(run.stdout).unwrap();
    assert_eq!(out.lines().count(), new_pages.len());
    let mut boilerplate = 0;
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let body = v["body"].as_str().unwrap();
        assert!(!body.contains("Privacy Policy"), "{body}");
        boilerplate += v["removed"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["reason"] == "site_boilerplate")
            .count();
    }
    assert!(boilerplate > new_pages.len(), "{boilerplate}");

    // A profile file of another version is refused with a clear message.
    let old = std::fs::read_to_string(&profiles).unwrap().replace(
        &format!("\"version\":{}", reprint::clean::PROFILE_VERSION),
        "\"version\":99",
    );
    std::fs::write(&profiles, old).unwrap();
    let run = reprint(
        &["clean", "--use-profiles", profiles.to_str().unwrap()],
        Some(b"{\"text\":\"x\"}\n"),
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("version 99"), "{}", run.stderr);
}

#[test]
fn clean_reports_bad_lines_and_writes_the_good_ones() {
    let input = corpus("bad-lines.jsonl");
    let run = reprint(&["clean", input.to_str().unwrap()], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("bad-lines.jsonl:4: "), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("bad-lines.jsonl:4: ").count(),
        1,
        "reported once: {}",
        run.stderr
    );
    let out = String::from_utf8(run.stdout).unwrap();
    assert_eq!(out.lines().count(), 3);
    for l in out.lines() {
        assert!(serde_json::from_str::<serde_json::Value>(l).unwrap()["body"].is_string());
    }
    let run = reprint(&["clean", "--on-error", "fail", input.to_str().unwrap()], None);
    assert_eq!(run.code, 2);
}

#[test]
fn clean_output_does_not_depend_on_thread_count() {
    let outputs: Vec<Vec<u8>> = ["1", "2", "8"]
        .iter()
        .map(|j| {
            let run = reprint(&["clean", "corpora/sample.jsonl", "-j", j], None);
            assert_eq!(run.code, 0, "{}", run.stderr);
            run.stdout
        })
        .collect();
    assert!(outputs[0] == outputs[1] && outputs[1] == outputs[2]);
    assert_eq!(lines(&outputs[0]).len(), 1000);
}

/// `reprint eval` prints what the reference scorers print on the fixtures in `tests/eval/`
/// (ids of both JSON types, null and numeric clusters, missing and extra predictions, a
/// repeated gold id, Unicode text). The expected lines were printed by
/// `shared/eval/dedup_score.py` and `clean_score.py`; when those scripts and python3 are
/// present, they are run again and must agree.
#[test]
fn eval_agrees_with_the_reference_scorers() {
    let fixture = |name: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval").join(name);
    let cases = [
        (
            "dedup",
            "dedup.truth.jsonl",
            "dedup.pred.jsonl",
            "dedup_score.py",
            r#"{"docs": 8, "true_pairs": 5, "pred_pairs": 4, "pair_precision": 0.5, "pair_recall": 0.4, "pair_f1": 0.4444, "ari": 0.3396}"#,
        ),
        (
            "clean",
            "clean.gold.jsonl",
            "clean.pred.jsonl",
            "clean_score.py",
            r#"{"docs": 6, "macro_p": 0.55, "macro_r": 0.7556, "macro_f1": 0.5562, "micro_p": 0.7273, "micro_r": 0.7059, "micro_f1": 0.7164}"#,
        ),
    ];
    for (task, truth, pred, script, expected) in cases {
        let (truth, pred) = (fixture(truth), fixture(pred));
        let run = reprint(
            &[
                "eval",
                task,
                "--truth",
                truth.to_str().unwrap(),
                "--pred",
                pred.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let got = String::from_utf8(run.stdout).unwrap();
        assert_eq!(got.trim(), expected, "{task}");
        let reference = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/eval")
            .join(script);
        if reference.exists() {
            if let Ok(out) = Command::new("python3").arg(&reference).arg(&truth).arg(&pred).output() {
                if out.status.success() {
                    assert_eq!(
                        String::from_utf8_lossy(&out.stdout).trim(),
                        got.trim(),
                        "{task} vs {script}"
                    );
                }
            }
        }
    }
    let run = reprint(
        &[
            "eval",
            "clean",
            "--truth",
            "corpora/bad-lines.jsonl",
            "--pred",
            "corpora/mini.jsonl",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad-lines.jsonl:"), "{}", run.stderr);
}

/// `reprint eval exact` finds the pairs `shared/eval/exact_pairs.py` finds, with the same
/// similarities (it orders pairs by (i, j); the script by its sparse product). The expected
/// rows were written by the script; when it and numpy/scipy are present it runs again.
#[test]
fn eval_exact_agrees_with_the_reference_oracle() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pairs.tsv");
    let run = reprint(
        &[
            "eval",
            "exact",
            "corpora/mini.jsonl",
            out.to_str().unwrap(),
            "--min",
            "0.3",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = std::fs::read_to_string(&out).unwrap();
    let sorted = |s: &str| {
        let mut rows: Vec<String> = s.lines().map(str::to_owned).collect();
        rows.sort();
        rows
    };
    let expected = "# exact word-5-shingle jaccard >= 0.3; field=text; docs=60\n\
                    4\t45\t0.8367\n4\t11\t0.8524\n11\t45\t0.8227\n33\t37\t0.8986\n";
    assert_eq!(sorted(&got), sorted(expected));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/exact_pairs.py");
    let has_numpy = Command::new("python3")
        .args(["-c", "import numpy, scipy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if script.exists() && has_numpy {
        let reference = dir.path().join("reference.tsv");
        let status = Command::new("python3")
            .arg(&script)
            .args(["corpora/mini.jsonl", reference.to_str().unwrap(), "--min", "0.3"])
            .output()
            .unwrap();
        assert!(status.status.success());
        assert_eq!(sorted(&got), sorted(&std::fs::read_to_string(&reference).unwrap()));
    }
}
