//! `reprint clean`: learn site profiles (or load them) → clean every record → write it with
//! its body, title and removals.
//!
//! Learning needs every page of a site before any page is cleaned, so a run without
//! `--use-profiles` reads its inputs twice (standard input from a spool). Records are cleaned
//! in parallel per batch and written in input order.

use std::io::{self, Write};
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use rayon::prelude::*;
use reprint::clean::{Cleaned, Cleaner, Profiles, Reason, Scratch};
use reprint::io::{json, Output};
use reprint::Error;

use super::args::{CleanRun, OnError};
use super::batches::{for_each_batch, parse_batch, Pass, Stdin};
use super::learn::{learn, page_of, site_of};
use super::report::Reporter;
use super::Outcome;

/// The fields a clean run writes (replacing any the record already has).
const WRITTEN: [&str; 3] = ["body", "title", "removed"];

/// Run `reprint clean`.
pub fn run(run: &CleanRun) -> anyhow::Result<Outcome> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(run.threads)
        .build()
        .context("starting worker threads")?;
    pool.install(|| run_in_pool(run))
}

#[derive(Default)]
struct Tally {
    pages: u64,
    text_bytes: u64,
    body_bytes: u64,
    removed: [u64; 7],
}

fn run_in_pool(run: &CleanRun) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let total = run.sources.iter().map(|s| s.len_bytes()).sum::<Option<u64>>();
    let mut reporter = Reporter::new(run.on_error == OnError::Fail, run.progress, total);
    let spool = Stdin::spool_for(&run.sources)?;
    let (profiles, learned_here) = match &run.use_profiles {
        Some(path) => {
            let json = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let profiles = Profiles::from_json(&json).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            (profiles, false)
        }
        None => {
            reporter.stage("learning");
            (learn(&run.sources, &run.fields, &spool, &mut reporter)?.0, true)
        }
    };
    let learn_time = started.elapsed();
    if let Some(path) = &run.profiles {
        let mut out = Output::create(Some(path))?;
        out.write_all(profiles.to_json().as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| Error::io(path, e))?;
        out.commit()?;
    }

    reporter.stage("cleaning");
    let t = Instant::now();
    let cleaner = match learned_here {
        true => Cleaner::new(&profiles),
        false => Cleaner::for_new_pages(&profiles),
    };
    let (stdin, pass) = match learned_here {
        true => (Stdin::replay(&spool)?, Pass::Again),
        false => (Stdin::None, Pass::First),
    };
    let out = Output::create(run.output.as_deref())?;
    let mut tally = Tally::default();
    let read_bytes = Arc::new(AtomicU64::new(0));
    let fields = &run.fields;
    let mut pages = 0u64;
    // Records are written, in order, by a thread of their own while the pool cleans the next
    // batch: writing is the pass's one serial step.
    let (to_writer, written_batches) = sync_channel::<Vec<Vec<u8>>>(2);
    let (result, written) = std::thread::scope(|scope| {
        // Owned here, so that it is dropped, and the writer ends, however the pass ends.
        let to_writer = to_writer;
        let writing = scope.spawn(move || write_all(out, written_batches));
        let result = for_each_batch(
            &run.sources,
            pass,
            stdin,
            &read_bytes,
            &mut reporter,
            |batch, reporter| {
                let done: Vec<Result<(Vec<u8>, Stats), reprint::RecordError>> = parse_batch(batch, fields, &mut pages)
                    .into_par_iter()
                    .map_init(
                        || (Scratch::default(), String::new(), Cleaned::default()),
                        |(scratch, text, cleaned), (record, index)| {
                            let lazy = record?;
                            let text = lazy.text_in(text);
                            let record = &lazy.record;
                            let site = site_of(record, fields);
                            let site = site.as_deref().or_else(|| profiles.inferred_site(index));
                            cleaner.clean_into(&page_of(record, text, site), scratch, cleaned);
                            let members = cleaned.body.len() + 64 * (cleaned.removed.len() + 1);
                            let mut written = Vec::with_capacity(record.line.len() + members + 2);
                            lazy.extend_with(&WRITTEN, &mut written, |out| members_into(cleaned, out))?;
                            written.push(b'\n');
                            Ok((written, Stats::of(text, cleaned)))
                        },
                    )
                    .collect();
                let path = run.sources[batch.source].path();
                let mut lines = Vec::with_capacity(done.len());
                for ((line, _), result) in batch.lines.iter().zip(done) {
                    match result {
                        Ok((written, stats)) => {
                            stats.add_to(&mut tally);
                            lines.push(written);
                        }
                        // A learning pass reported bad records already.
                        Err(_) if pass == Pass::Again => {}
                        Err(reason) => {
                            if let Err(stop) = reporter.bad_record(path, *line, reason) {
                                // The records before the bad one are written, as they were read.
                                let _ = to_writer.send(lines);
                                return Err(stop);
                            }
                        }
                    }
                }
                match to_writer.send(lines) {
                    Ok(()) => Ok(()),
                    // The writer stopped on an error, which its join reports: stop reading.
                    Err(_) => Err(Error::io(
                        "(output)",
                        io::Error::other("the output could not be written"),
                    )),
                }
            },
        );
        drop(to_writer);
        (result, writing.join().expect("the writer thread does not panic"))
    });
    let (out, mut closed) = written?;
    result?;
    if !closed {
        match out.commit() {
            Ok(()) => {}
            Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => closed = true,
            Err(e) => return Err(e.into()),
        }
    }
    reporter.finish();
    let clean_time = t.elapsed();
    let total_time = started.elapsed();
    let input_bytes = read_bytes.load(std::sync::atomic::Ordering::Relaxed);
    let summary = summary_line(
        &tally,
        &profiles,
        reporter.skipped(),
        input_bytes,
        learn_time,
        clean_time,
        total_time,
    );
    if let Some(path) = &run.stats {
        let json = stats_json(
            &tally,
            &profiles,
            reporter.skipped(),
            input_bytes,
            run.threads,
            [learn_time, clean_time, total_time],
        );
        let mut out = Output::create(Some(path))?;
        writeln!(out, "{json}").map_err(|e| Error::io(path, e))?;
        out.commit()?;
    }
    super::report::warn(&summary);
    Ok(if reporter.skipped() > 0 && !closed {
        Outcome::Skipped
    } else {
        Outcome::Success
    })
}

/// The writer thread: every batch of finished records into `out`, in order. A reader that
/// closed the output (`| head`) is no error: the rest is dropped and the output reported
/// closed.
fn write_all(mut out: Output, batches: Receiver<Vec<Vec<u8>>>) -> Result<(Output, bool), Error> {
    let mut closed = false;
    for batch in batches {
        for line in &batch {
            if closed {
                break;
            }
            if let Err(e) = out.write_all(line) {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    return Err(Error::io(out.path(), e));
                }
                closed = true;
            }
        }
    }
    Ok((out, closed))
}

/// What one cleaned page adds to the run's tally.
struct Stats {
    text_bytes: u64,
    body_bytes: u64,
    removed: [u64; 7],
}

impl Stats {
    fn of(text: &str, cleaned: &Cleaned) -> Stats {
        let mut removed = [0; 7];
        for r in &cleaned.removed {
            removed[r.reason as usize] += (r.span.end - r.span.start) as u64;
        }
        Stats {
            text_bytes: text.len() as u64,
            body_bytes: cleaned.body.len() as u64,
            removed,
        }
    }

    fn add_to(&self, tally: &mut Tally) {
        tally.pages += 1;
        tally.text_bytes += self.text_bytes;
        tally.body_bytes += self.body_bytes;
        for (t, r) in tally.removed.iter_mut().zip(self.removed) {
            *t += r;
        }
    }
}

const REASONS: [Reason; 7] = [
    Reason::Headline,
    Reason::HeadlineRepeat,
    Reason::Watermark,
    Reason::SiteBoilerplate,
    Reason::Chrome,
    Reason::Markup,
    Reason::InPageRepeat,
];

/// Write the members a cleaned record gains: `"body":…,"title":…,"removed":[…]`.
fn members_into(cleaned: &Cleaned, out: &mut Vec<u8>) {
    // Writing to a Vec cannot fail.
    out.extend_from_slice(b"\"body\":");
    json::write_str(out, &cleaned.body);
    out.extend_from_slice(b",\"title\":");
    match &cleaned.title {
        Some(title) => json::write_str(out, title),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"removed\":[");
    for (i, r) in cleaned.removed.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"start\":");
        push_decimal(out, r.span.start);
        out.extend_from_slice(b",\"end\":");
        push_decimal(out, r.span.end);
        out.extend_from_slice(b",\"reason\":\"");
        out.extend_from_slice(r.reason.as_str().as_bytes());
        out.extend_from_slice(b"\"}");
    }
    out.push(b']');
}

/// Append `n` in decimal (what `write!` gives, without the formatting machinery: a page has
/// dozens of offsets to write).
fn push_decimal(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

fn summary_line(
    tally: &Tally,
    profiles: &Profiles,
    skipped: u64,
    input_bytes: u64,
    learn: Duration,
    clean: Duration,
    total: Duration,
) -> String {
    let mb = input_bytes as f64 / 1e6;
    let kept = tally.body_bytes as f64 / (tally.text_bytes as f64).max(1.0);
    let mut removed = String::new();
    for reason in REASONS {
        let bytes = tally.removed[reason as usize];
        if bytes > 0 {
            removed.push_str(&format!(
                " {reason} {:.1}%",
                100.0 * bytes as f64 / (tally.text_bytes as f64).max(1.0)
            ));
        }
    }
    format!(
        "reprint: {} pages cleaned, {skipped} skipped, {} sites; body {:.1}% of text; removed:{removed}; \
         learn {:.2}s, clean+write {:.2}s; {mb:.1} MB in {:.2}s ({:.1} MB/s)",
        tally.pages,
        profiles.sites(),
        100.0 * kept,
        learn.as_secs_f64(),
        clean.as_secs_f64(),
        total.as_secs_f64(),
        mb / total.as_secs_f64().max(1e-9),
    )
}

fn stats_json(
    tally: &Tally,
    profiles: &Profiles,
    skipped: u64,
    input_bytes: u64,
    threads: usize,
    [learn, clean, total]: [Duration; 3],
) -> serde_json::Value {
    let removed: serde_json::Map<String, serde_json::Value> = REASONS
        .iter()
        .map(|&r| (r.as_str().to_owned(), tally.removed[r as usize].into()))
        .collect();
    serde_json::json!({
        "pages": tally.pages,
        "skipped": skipped,
        "sites": profiles.sites(),
        "input_bytes": input_bytes,
        "text_bytes": tally.text_bytes,
        "body_bytes": tally.body_bytes,
        "removed_bytes": removed,
        "threads": threads,
        "seconds": {
            "learn": learn.as_secs_f64(),
            "clean_write": clean.as_secs_f64(),
            "total": total.as_secs_f64(),
        },
    })
}
