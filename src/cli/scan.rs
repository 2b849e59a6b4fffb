//! The signing pass: parse every record, recover its body (unless `--raw`), sign it.
//!
//! Every non-blank line is a *slot*; a slot that parses is a document. The scan keeps, per
//! document, only its signature, id and survivor facts: no text outlives its batch. The write
//! pass reads the inputs again and counts slots the same way, so it knows each line's fate
//! without keeping any line.

use std::fs::File;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use reprint::clean::{Cleaned, Cleaner, Page, Profiles, Scratch};
use reprint::date::parse_date;
use reprint::io::{parse_record_lazy, FieldNames, LazyRecord, MappedFile, Source};
use reprint::{Error, MinHasher, Scratch as MinScratch, SignatureTable, Survivor};

use super::batches::{for_each_batch, Batch, Pass, Stdin};
use super::learn::site_of;
use super::report::Reporter;

/// Marks a slot whose line was skipped.
pub const SKIPPED: u32 = u32::MAX;

/// What the scan learned of the inputs.
pub struct Scan {
    pub table: SignatureTable,
    pub facts: Vec<Survivor>,
    /// The raw JSON of each document's id (or its line number), concatenated.
    pub ids: String,
    pub id_ends: Vec<usize>,
    /// The document of each slot, or [`SKIPPED`].
    pub slot_doc: Vec<u32>,
    /// Slots per source (how far the write pass reads each).
    pub source_slots: Vec<u64>,
    /// The mapped file of each source that was mapped: the write pass writes its kept
    /// lines from it, by `slot_raw`, without reading the file again.
    pub maps: Vec<Option<Arc<MappedFile>>>,
    /// Where each slot's line (with its line ending) is in its source's map; empty for a
    /// slot of a source that was not mapped.
    pub slot_raw: Vec<Range<usize>>,
    /// Raw bytes read from the inputs.
    pub input_bytes: u64,
}

impl Scan {
    /// The raw JSON id of document `doc`.
    pub fn id(&self, doc: usize) -> &str {
        let start = if doc == 0 { 0 } else { self.id_ends[doc - 1] };
        &self.ids[start..self.id_ends[doc]]
    }
}

/// Settings of a scan.
pub struct ScanSettings<'a> {
    pub sources: &'a [Source],
    pub fields: &'a FieldNames,
    pub hasher: &'a MinHasher,
    /// Sign recovered bodies cleaned with these profiles; `None` signs the text as-is.
    pub profiles: Option<&'a Profiles>,
    /// Report bad records and inputs ([`Pass::Again`] when an earlier pass reported them).
    pub pass: Pass,
    /// The spool of standard input: filled by this pass when `fill_spool`, else replayed.
    pub spool: &'a Option<File>,
    pub fill_spool: bool,
}

/// Read every input once, signing each record. Returns `Err` only when the reporter says
/// to stop (`--on-error fail`) or an input cannot be read.
pub fn scan(settings: &ScanSettings<'_>, reporter: &mut Reporter) -> Result<Scan, Error> {
    let mut scan = Scan {
        table: SignatureTable::new(settings.hasher.num_perm()),
        facts: Vec::new(),
        ids: String::new(),
        id_ends: Vec::new(),
        slot_doc: Vec::new(),
        source_slots: vec![0; settings.sources.len()],
        maps: vec![None; settings.sources.len()],
        slot_raw: Vec::new(),
        input_bytes: 0,
    };
    let stdin = match settings.fill_spool {
        true => Stdin::fill(settings.spool)?,
        false => Stdin::replay(settings.spool)?,
    };
    let read_bytes = Arc::new(AtomicU64::new(0));
    for_each_batch(
        settings.sources,
        settings.pass,
        stdin,
        &read_bytes,
        reporter,
        |batch, reporter| sign_batch(batch, settings, &mut scan, reporter),
    )?;
    scan.input_bytes = read_bytes.load(Ordering::Relaxed);
    Ok(scan)
}

/// Sign the batch's records in parallel: in `--raw` mode each line is parsed, its text
/// decoded and signed in one step (each worker decodes texts into its own reused buffers);
/// with profiles, the lines are parsed first (a page's index among the learned pages counts
/// only the good ones before it), then cleaned and signed. Ids and slots are recorded in
/// order.
fn sign_batch(
    batch: &Batch,
    settings: &ScanSettings<'_>,
    scan: &mut Scan,
    reporter: &mut Reporter,
) -> Result<(), Error> {
    let path = settings.sources[batch.source].path();
    match &batch.map {
        Some(map) => {
            scan.maps[batch.source].get_or_insert_with(|| map.clone());
            let starts = batch.lines.iter().map(|(_, line)| line.start);
            scan.slot_raw
                .extend(starts.zip(&batch.raw_ends).map(|(start, &end)| start..end));
        }
        None => scan.slot_raw.extend(batch.lines.iter().map(|_| 0..0)),
    }
    let hasher = settings.hasher;
    let fields = settings.fields;
    // The survivor facts of each record: the length of its signed text (the body's, when
    // bodies are signed) and its date, worked out in the parallel step.
    let date = |r: &LazyRecord<'_>| r.record.date.as_deref().and_then(parse_date);
    let signed: Vec<Result<(Option<&str>, Survivor), reprint::RecordError>> = match settings.profiles {
        None => {
            let lines: Vec<usize> = (0..batch.lines.len()).collect();
            scan.table.sign_some_with(
                &lines,
                || (MinScratch::new(), String::new()),
                |&i, (scratch, text), out| {
                    let r = parse_record_lazy(batch.line(i), fields)?;
                    let text = r.text_in(text);
                    let shingles = hasher.signature_into(text, scratch, out);
                    Ok((shingles, (r.record.id, survivor(text.len(), date(&r)))))
                },
            )
        }
        Some(profiles) => {
            let parsed: Vec<Result<LazyRecord<'_>, reprint::RecordError>> = (0..batch.lines.len())
                .into_par_iter()
                .map(|i| parse_record_lazy(batch.line(i), fields))
                .collect();
            let cleaner = Cleaner::new(profiles);
            // Each good record with its page index (pages are numbered as the learning pass
            // did: good records only).
            let mut index = scan.facts.len() as u64;
            let items: Vec<Result<(u64, LazyRecord<'_>), reprint::RecordError>> = parsed
                .into_iter()
                .map(|r| {
                    r.map(|r| {
                        index += 1;
                        (index - 1, r)
                    })
                })
                .collect();
            scan.table.sign_some_with(
                &items,
                || {
                    (
                        MinScratch::new(),
                        Scratch::default(),
                        String::new(),
                        Vec::new(),
                        Cleaned::default(),
                    )
                },
                |item, (scratch, clean, text, tokens, cleaned), out| {
                    let (index, r) = item.as_ref().map_err(Clone::clone)?;
                    let text = r.text_in(text);
                    let record = &r.record;
                    let site = site_of(record, fields);
                    // Documents are the pages learned from, in the same order.
                    let site = site.as_deref().or_else(|| profiles.inferred_site(*index));
                    let page = Page {
                        text,
                        title: record.title.as_deref(),
                        site,
                    };
                    cleaner.clean_for_signing_into(&page, clean, tokens, cleaned);
                    let body = &cleaned.body;
                    // A page with nothing left is still a document: sign its text.
                    if body.is_empty() {
                        let shingles = hasher.signature_into(text, scratch, out);
                        return Ok((shingles, (record.id, survivor(text.len(), date(r)))));
                    }
                    let shingles = hasher.signature_of_tokens_into(tokens, scratch, out);
                    Ok((shingles, (record.id, survivor(body.len(), date(r)))))
                },
            )
        }
    };
    for ((line_no, _), result) in batch.lines.iter().zip(signed) {
        scan.source_slots[batch.source] += 1;
        let (id, facts) = match result {
            Ok(signed) => signed,
            Err(reason) => {
                scan.slot_doc.push(SKIPPED);
                if settings.pass == Pass::First {
                    reporter.bad_record(path, *line_no, reason)?;
                }
                continue;
            }
        };
        let doc = scan.facts.len();
        scan.slot_doc.push(u32::try_from(doc).map_err(|_| too_many(path))?);
        match id {
            Some(raw) => scan.ids.push_str(raw),
            None => scan.ids.push_str(&line_no.to_string()),
        }
        scan.id_ends.push(scan.ids.len());
        scan.facts.push(facts);
    }
    Ok(())
}

fn survivor(len: usize, date: Option<i64>) -> Survivor {
    Survivor {
        len_bytes: len as u64,
        date,
    }
}

fn too_many(path: &std::path::Path) -> Error {
    Error::Config(format!(
        "{}: more than 4,294,967,294 documents in one run",
        path.display()
    ))
}
