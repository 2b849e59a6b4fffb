//! Reading the inputs: a reader thread cuts them into batches of lines while the worker pool
//! parses and signs the previous batch.
//!
//! Every non-blank line is a *slot*; a slot that parses is a document. The scan keeps, per
//! document, only its signature, id and survivor facts: no text outlives its batch. The write
//! pass reads the inputs again (standard input from a spool file) and counts slots the same
//! way, so it knows each line's fate without keeping any line.

use std::fs::File;
use std::io::{Seek, Write};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use rayon::prelude::*;
use reprint::date::parse_date;
use reprint::io::{open, parse_record, FieldNames, Lines, Record, Source};
use reprint::{Error, MinHasher, SignatureTable, Survivor};

use super::report::Reporter;

/// Marks a slot whose line was skipped.
pub const SKIPPED: u32 = u32::MAX;

/// Flush a batch at this many bytes or lines.
const BATCH_BYTES: usize = 8 << 20;
const BATCH_LINES: usize = 8192;

/// Lines of one input, in one buffer.
struct Batch {
    source: usize,
    data: Vec<u8>,
    /// Line number and byte range in `data` of each non-blank line.
    lines: Vec<(u64, Range<usize>)>,
}

enum Event {
    Batch(Batch),
    /// An input could not be opened or read to its end.
    Failed {
        error: Error,
    },
}

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
    /// Standard input's bytes, to read it again.
    pub spool: Option<File>,
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
    pub read_bytes: Arc<AtomicU64>,
}

/// Read every input once, signing each record. Returns `Err` only when the reporter says
/// to stop (`--on-error fail`) or a spool cannot be made.
pub fn scan(settings: &ScanSettings<'_>, reporter: &mut Reporter) -> Result<Scan, Error> {
    let spool = match settings.sources.contains(&Source::Stdin) {
        true => Some(tempfile::tempfile().map_err(|e| Error::io("(spool for standard input)", e))?),
        false => None,
    };
    let spool_writer = spool
        .as_ref()
        .map(|f| f.try_clone())
        .transpose()
        .map_err(|e| Error::io("-", e))?;
    let mut scan = Scan {
        table: SignatureTable::new(settings.hasher.num_perm()),
        facts: Vec::new(),
        ids: String::new(),
        id_ends: Vec::new(),
        slot_doc: Vec::new(),
        source_slots: vec![0; settings.sources.len()],
        spool: None,
        input_bytes: 0,
    };
    let (tx, rx) = sync_channel::<Event>(2);
    std::thread::scope(|scope| {
        let counter = settings.read_bytes.clone();
        scope.spawn(move || read_batches(settings.sources, counter, spool_writer, tx));
        consume(&rx, settings, &mut scan, reporter)
        // Dropping `rx` on an early return makes the reader's next send fail, ending it.
    })?;
    scan.input_bytes = settings.read_bytes.load(Ordering::Relaxed);
    if let Some(mut file) = spool {
        file.rewind().map_err(|e| Error::io("-", e))?;
        scan.spool = Some(file);
    }
    Ok(scan)
}

fn consume(
    rx: &Receiver<Event>,
    settings: &ScanSettings<'_>,
    scan: &mut Scan,
    reporter: &mut Reporter,
) -> Result<(), Error> {
    for event in rx {
        match event {
            Event::Failed { error, .. } => reporter.file_error(error)?,
            Event::Batch(batch) => sign_batch(&batch, settings, scan, reporter)?,
        }
        reporter.tick(settings.read_bytes.load(Ordering::Relaxed));
    }
    Ok(())
}

/// Parse the batch's lines in parallel, record ids and facts in order, sign the texts.
fn sign_batch(
    batch: &Batch,
    settings: &ScanSettings<'_>,
    scan: &mut Scan,
    reporter: &mut Reporter,
) -> Result<(), Error> {
    let parsed: Vec<Result<Record<'_>, reprint::RecordError>> = batch
        .lines
        .par_iter()
        .map(|(_, range)| parse_record(&batch.data[range.clone()], settings.fields))
        .collect();
    let path = settings.sources[batch.source].path();
    let mut texts = Vec::with_capacity(parsed.len());
    for ((line_no, _), result) in batch.lines.iter().zip(&parsed) {
        scan.source_slots[batch.source] += 1;
        let record = match result {
            Ok(record) => record,
            Err(reason) => {
                scan.slot_doc.push(SKIPPED);
                reporter.record_error(Error::Record {
                    path: path.to_path_buf(),
                    line: *line_no,
                    reason: reason.clone(),
                })?;
                continue;
            }
        };
        scan.slot_doc
            .push(u32::try_from(scan.facts.len()).map_err(|_| too_many(path))?);
        match record.id {
            Some(raw) => scan.ids.push_str(raw),
            None => scan.ids.push_str(&line_no.to_string()),
        }
        scan.id_ends.push(scan.ids.len());
        let date = record.date.as_deref().and_then(parse_date);
        scan.facts.push(Survivor {
            len_bytes: record.text.len() as u64,
            date,
        });
        texts.push(record.text.as_ref());
    }
    scan.table.sign_batch(settings.hasher, &texts);
    Ok(())
}

fn too_many(path: &std::path::Path) -> Error {
    Error::Config(format!(
        "{}: more than 4,294,967,294 documents in one run",
        path.display()
    ))
}

/// The reader thread: every source in order, cut into batches of non-blank lines.
fn read_batches(sources: &[Source], counter: Arc<AtomicU64>, spool: Option<File>, tx: SyncSender<Event>) {
    let mut spool = spool;
    for (index, source) in sources.iter().enumerate() {
        let copy = match source {
            Source::Stdin => spool.take().map(|f| Box::new(f) as Box<dyn Write + Send>),
            Source::File(_) => None,
        };
        let result = open(source, counter.clone(), copy).and_then(|reader| {
            batch_lines(index, Lines::new(reader), &tx).map_err(|(line, e)| read_error(source, line, e))
        });
        if let Err(error) = result {
            if tx.send(Event::Failed { error }).is_err() {
                return;
            }
        }
    }
}

fn read_error(source: &Source, line: u64, e: std::io::Error) -> Error {
    let detail = std::io::Error::new(e.kind(), format!("read failed after line {line}: {e}"));
    Error::io(source.path(), detail)
}

/// Send the lines of one source in batches. On a read error, the batch so far is sent and
/// the error returned with the last good line number.
fn batch_lines(source: usize, mut lines: Lines, tx: &SyncSender<Event>) -> Result<(), (u64, std::io::Error)> {
    let fresh = || Batch {
        source,
        data: Vec::with_capacity(BATCH_BYTES + (1 << 16)),
        lines: Vec::new(),
    };
    let mut batch = fresh();
    let mut last = 0;
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                let _ = tx.send(Event::Batch(batch));
                return Err((last, e));
            }
        };
        last = line.number;
        if line.is_blank() {
            continue;
        }
        let start = batch.data.len();
        batch.data.extend_from_slice(line.content);
        batch.lines.push((line.number, start..batch.data.len()));
        let full = batch.data.len() >= BATCH_BYTES || batch.lines.len() >= BATCH_LINES;
        if full && tx.send(Event::Batch(std::mem::replace(&mut batch, fresh()))).is_err() {
            return Ok(());
        }
    }
    if !batch.lines.is_empty() {
        let _ = tx.send(Event::Batch(batch));
    }
    Ok(())
}
