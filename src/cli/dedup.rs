//! `reprint dedup`: scan and sign → link and cluster → write clusters, stats, kept records.
//!
//! Outputs other than stdout are written atomically. The kept records are written last, by a
//! second pass over the inputs, so a reader that closes stdout early (`| head`) ends the run
//! quietly after everything else is safely on disk.

use std::fs::File;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use reprint::dedup::cluster;
use reprint::io::{decode, open_lines, Lines, MappedFile, Output, Source};
use reprint::{Clusters, Error, LinkStats, MinHasher};

use super::args::{DedupRun, OnError};
use super::batches::{Pass, Stdin};
use super::learn::learn;
use super::report::Reporter;
use super::scan::{scan, Scan, ScanSettings, SKIPPED};
use super::Outcome;

/// Wall time of each stage.
#[derive(Default)]
struct Timings {
    learn: Duration,
    read_sign: Duration,
    link_cluster: Duration,
    write: Duration,
}

/// Run `reprint dedup`.
pub fn run(run: &DedupRun) -> anyhow::Result<Outcome> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(run.threads)
        .build()
        .context("starting worker threads")?;
    pool.install(|| run_in_pool(run))
}

fn run_in_pool(run: &DedupRun) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let total = run.sources.iter().map(Source::len_bytes).sum::<Option<u64>>();
    let mut reporter = Reporter::new(run.on_error == OnError::Fail, run.progress, total);
    let hasher = MinHasher::new(run.config.num_perm, run.config.ngram);
    let spool = Stdin::spool_for(&run.sources)?;
    // Body recovery needs every page of a site before any page is cleaned: a learning pass.
    let profiles = match run.raw {
        true => None,
        false => {
            reporter.stage("learning");
            let (profiles, _) = learn(&run.sources, &run.fields, &spool, &mut reporter)?;
            timings.learn = started.elapsed();
            reporter.stage("signing");
            Some(profiles)
        }
    };
    let settings = ScanSettings {
        sources: &run.sources,
        fields: &run.fields,
        hasher: &hasher,
        profiles: profiles.as_ref(),
        pass: match run.raw {
            true => Pass::First,
            false => Pass::Again,
        },
        spool: &spool,
        fill_spool: run.raw,
    };
    let t = Instant::now();
    let scan = scan(&settings, &mut reporter)?;
    timings.read_sign = t.elapsed();

    reporter.stage("linking");
    let t = Instant::now();
    let (clusters, link) = cluster(&scan.table, &scan.facts, &run.config);
    timings.link_cluster = t.elapsed();

    reporter.stage("writing");
    let t = Instant::now();
    // The two outputs are written side by side (on one thread when there is one).
    let (written, closed) = rayon::join(
        || match &run.clusters {
            Some(path) => write_clusters(&scan, &clusters, path),
            None => Ok(()),
        },
        || write_kept(run, &scan, &spool, &clusters),
    );
    written?;
    let closed = closed?;
    timings.write = t.elapsed();
    reporter.finish();

    let summary = Summary {
        scan: &scan,
        clusters: &clusters,
        link,
        skipped: reporter.skipped(),
        timings,
        total: started.elapsed(),
    };
    if let Some(path) = &run.stats {
        let mut out = Output::create(Some(path))?;
        writeln!(out, "{}", summary.to_json(run)).map_err(|e| Error::io(path, e))?;
        out.commit()?;
    }
    super::report::warn(&summary.line());
    if closed {
        return Ok(Outcome::Success);
    }
    Ok(if reporter.skipped() > 0 {
        Outcome::Skipped
    } else {
        Outcome::Success
    })
}

/// One `{"id", "cluster", "duplicate", "similarity"}` line per document: formatted in
/// parallel, a chunk of documents at a time, and written in order.
fn write_clusters(scan: &Scan, clusters: &Clusters, path: &std::path::Path) -> Result<(), Error> {
    use rayon::prelude::*;
    const CHUNK: usize = 8192;
    let mut out = Output::create(Some(path))?;
    let io_err = |e| Error::io(path, e);
    let docs: Vec<usize> = (0..clusters.len()).step_by(CHUNK).collect();
    for group in docs.chunks(rayon::current_num_threads().max(1) * 4) {
        let texts: Vec<Vec<u8>> = group
            .par_iter()
            .map(|&first| {
                let mut text = Vec::with_capacity(CHUNK * 64);
                for doc in first..(first + CHUNK).min(clusters.len()) {
                    let rep = clusters.representative(doc);
                    // Writing to a Vec cannot fail.
                    let _ = writeln!(
                        text,
                        "{{\"id\":{},\"cluster\":{},\"duplicate\":{},\"similarity\":{:?}}}",
                        scan.id(doc),
                        scan.id(rep),
                        rep != doc,
                        clusters.similarity(doc)
                    );
                }
                text
            })
            .collect();
        for text in texts {
            out.write_all(&text).map_err(io_err)?;
        }
    }
    out.commit()
}

/// Read the inputs again and write the lines of kept documents. Returns whether stdout was
/// closed by its reader (which ends the run quietly).
fn write_kept(run: &DedupRun, scan: &Scan, spool: &Option<File>, clusters: &Clusters) -> anyhow::Result<bool> {
    let mut out = Output::create(run.output.as_deref())?;
    let mut slot = 0usize;
    for (index, source) in run.sources.iter().enumerate() {
        let want = scan.source_slots[index];
        if want == 0 {
            continue;
        }
        if let Some(map) = &scan.maps[index] {
            let slots = slot..slot + want as usize;
            slot = slots.end;
            if let Err(e) = write_mapped(map, scan, clusters, slots, &mut out) {
                return closed_or(e, &out);
            }
            continue;
        }
        let mut lines = match (source, Stdin::replay(spool)?) {
            (Source::Stdin, Stdin::Replay(file)) => Lines::new(decode(Box::new(file), source.path(), Arc::default())?),
            _ => open_lines(source, Arc::default(), None)?,
        };
        let mut seen = 0u64;
        while seen < want {
            if seen % 4096 == 0 {
                // Keep only the lines still to write resident (a mapped input).
                lines.release_read();
            }
            let line = lines
                .next_line()
                .map_err(|e| Error::io(source.path(), e))?
                .ok_or_else(|| changed(source, "it has fewer lines than on the first pass"))?;
            if line.is_blank() {
                continue;
            }
            seen += 1;
            let doc = scan.slot_doc[slot];
            slot += 1;
            if doc == SKIPPED || clusters.is_duplicate(doc as usize) {
                continue;
            }
            let written = out.write_all(line.raw).and_then(|()| match line.raw.last() {
                Some(b'\n') => Ok(()),
                _ => out.write_all(b"\n"),
            });
            if let Err(e) = written {
                return closed_or(e, &out);
            }
        }
    }
    match out.commit() {
        Ok(()) => Ok(false),
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => Ok(true),
        Err(e) => Err(e.into()),
    }
}

/// Write the lines of the kept documents among `slots` (of one mapped source) from its map:
/// runs of consecutive lines, gathered into vectored writes of up to [`GATHER_BYTES`], so
/// the bytes go from the map to the file with no copy of ours and few system calls.
fn write_mapped(
    map: &MappedFile,
    scan: &Scan,
    clusters: &Clusters,
    slots: std::ops::Range<usize>,
    out: &mut Output,
) -> io::Result<()> {
    let mut gathered: Vec<io::IoSlice<'_>> = Vec::with_capacity(GATHER_SLICES);
    let (mut bytes, mut released) = (0, 0);
    let mut run = 0..0;
    // Hand the gathered runs to the file, then drop the pages written from residence.
    let mut write = |gathered: &mut Vec<io::IoSlice<'_>>, end: usize, out: &mut Output| -> io::Result<()> {
        reprint::io::write_all_vectored(out, gathered)?;
        gathered.clear();
        if end >= released + (8 << 20) {
            map.release(0..end);
            released = end;
        }
        Ok(())
    };
    for slot in slots.chain(std::iter::once(usize::MAX)) {
        let line = match slot {
            usize::MAX => usize::MAX..usize::MAX,
            _ => {
                let doc = scan.slot_doc[slot];
                if doc == SKIPPED || clusters.is_duplicate(doc as usize) {
                    continue;
                }
                scan.slot_raw[slot].clone()
            }
        };
        if line.start == run.end && !run.is_empty() {
            run.end = line.end;
            continue;
        }
        if !run.is_empty() {
            gathered.push(io::IoSlice::new(&map[run.clone()]));
            bytes += run.len();
            if map[run.end - 1] != b'\n' {
                gathered.push(io::IoSlice::new(b"\n"));
            }
            if bytes >= GATHER_BYTES || gathered.len() + 2 > GATHER_SLICES {
                write(&mut gathered, run.end, out)?;
                bytes = 0;
            }
        }
        run = line;
    }
    write(&mut gathered, 0, out)
}

/// At most this many bytes, and slices, go to one vectored write of kept lines (the slices
/// are the system's limit, `IOV_MAX`).
const GATHER_BYTES: usize = 1 << 20;
const GATHER_SLICES: usize = 1024;

fn closed_or(e: io::Error, out: &Output) -> anyhow::Result<bool> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Ok(true);
    }
    Err(Error::io(out.path(), e).into())
}

fn changed(source: &Source, detail: &str) -> Error {
    Error::InputChanged {
        path: source.path().to_path_buf(),
        detail: detail.to_string(),
    }
}

/// The figures of a finished run.
struct Summary<'a> {
    scan: &'a Scan,
    clusters: &'a Clusters,
    link: LinkStats,
    skipped: u64,
    timings: Timings,
    total: Duration,
}

impl Summary<'_> {
    fn line(&self) -> String {
        let t = &self.timings;
        let mb = self.scan.input_bytes as f64 / 1e6;
        let mut line = format!(
            "reprint: {} documents read, {} skipped, {} clusters, {} duplicates dropped; \
             learn {:.2}s, read+sign {:.2}s, link+cluster {:.2}s, write {:.2}s; {:.1} MB in {:.2}s ({:.1} MB/s)",
            self.clusters.len(),
            self.skipped,
            self.clusters.count(),
            self.clusters.duplicates(),
            t.learn.as_secs_f64(),
            t.read_sign.as_secs_f64(),
            t.link_cluster.as_secs_f64(),
            t.write.as_secs_f64(),
            mb,
            self.total.as_secs_f64(),
            mb / self.total.as_secs_f64().max(1e-9),
        );
        if self.link.capped_buckets > 0 {
            line.push_str(&format!(
                "; {} buckets over --bucket-cap ({} document slots) proposed no pairs",
                self.link.capped_buckets, self.link.capped_documents
            ));
        }
        line
    }

    fn to_json(&self, run: &DedupRun) -> serde_json::Value {
        let t = &self.timings;
        let c = &run.config;
        serde_json::json!({
            "documents": self.clusters.len(),
            "skipped": self.skipped,
            "clusters": self.clusters.count(),
            "duplicates": self.clusters.duplicates(),
            "input_bytes": self.scan.input_bytes,
            "candidates": self.link.candidates,
            "verified": self.link.verified,
            "capped_buckets": self.link.capped_buckets,
            "capped_documents": self.link.capped_documents,
            "threshold": c.threshold,
            "num_perm": c.num_perm,
            "ngram": c.ngram,
            "bands": c.banding.bands,
            "rows": c.banding.rows,
            "threads": run.threads,
            "raw": run.raw,
            "seconds": {
                "learn": t.learn.as_secs_f64(),
                "read_sign": t.read_sign.as_secs_f64(),
                "link_cluster": t.link_cluster.as_secs_f64(),
                "write": t.write.as_secs_f64(),
                "total": self.total.as_secs_f64(),
            },
        })
    }
}
