//! One pass over the inputs: a reader thread cuts them into batches of lines while the
//! caller works on the previous batch (in parallel, on the worker pool). A mapped input is
//! cut into spans of whole lines, found with one search each, and the caller's workers split
//! a span into its lines: the reader then costs next to nothing, and the pages' first touch
//! is shared by the workers instead of taken from them by a thread beside them.
//!
//! Every pass counts non-blank lines the same way, so each pass knows a line by its *slot*
//! (its position among non-blank lines) without keeping any line. Standard input can be read
//! once only: the first pass copies it to a spool file, later passes replay the spool.

use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

use rayon::prelude::*;
use reprint::io::{
    decode, open_lines, parse_record_lazy, split_lines, FieldNames, LazyRecord, Lines, MappedFile, Source,
};
use reprint::{Error, RecordError};

use super::report::Reporter;

/// Flush a batch at this many bytes or lines (lines counted only in inputs that are read, not
/// mapped).
const BATCH_BYTES: usize = 8 << 20;
const BATCH_LINES: usize = 8192;
/// A mapped batch is split into its lines in pieces of about this many bytes, one task each.
const PIECE_BYTES: usize = 256 << 10;

/// Non-blank lines of one input: copied into one buffer, or lent from the mapped input.
pub struct Batch {
    /// Index of the input in the run's sources.
    pub source: usize,
    /// The lines' bytes, when they were read through a buffer.
    pub data: Vec<u8>,
    /// The mapped input the lines are in, when it is mapped.
    pub map: Option<Arc<MappedFile>>,
    /// In a mapped input, the batch's bytes: whole lines, split by [`Batch::split`].
    pub span: Range<usize>,
    /// Line number and byte range in `data` (or in the map) of each non-blank line.
    pub lines: Vec<(u64, Range<usize>)>,
    /// For lines in the map: where each line ends in it with its line ending (the line as
    /// read, to write it back byte for byte, runs from its start to here).
    pub raw_ends: Vec<usize>,
}

impl Batch {
    /// Let the pages of the batch's lines go from resident memory, when they are lent from
    /// a mapped input ([`MappedFile::release`]).
    fn release(&self) {
        if let Some(map) = &self.map {
            map.release(self.span.clone());
        }
    }

    /// Fill `lines` and `raw_ends` with the lines of a mapped batch's span, whose first line
    /// is line `first` of its input, in parallel on the caller's pool. Returns the number of
    /// lines in the span, blank ones included.
    fn split(&mut self, first: u64) -> u64 {
        let Some(map) = &self.map else {
            return 0;
        };
        let mut pieces = Vec::new();
        let mut at = self.span.start;
        while at < self.span.end {
            let piece = match at + PIECE_BYTES < self.span.end {
                true => map.lines_from(at, PIECE_BYTES),
                false => at..self.span.end,
            };
            at = piece.end;
            pieces.push(piece);
        }
        let split: Vec<_> = pieces
            .into_par_iter()
            .map(|piece| {
                let (mut lines, mut raw_ends) = (Vec::new(), Vec::new());
                let count = split_lines(map, piece, 0, &mut lines, &mut raw_ends);
                (lines, raw_ends, count)
            })
            .collect();
        self.lines.clear();
        self.raw_ends.clear();
        let mut number = first;
        for (lines, raw_ends, count) in split {
            self.lines
                .extend(lines.into_iter().map(|(n, range)| (number + n, range)));
            self.raw_ends.extend(raw_ends);
            number += count;
        }
        number - first
    }

    /// The content of line `i` of the batch (without its line ending).
    pub fn line(&self, i: usize) -> &[u8] {
        let range = self.lines[i].1.clone();
        match &self.map {
            Some(map) => &map[range],
            None => &self.data[range],
        }
    }
}

/// Parse every line of `batch` in parallel (texts left undecoded: each worker decodes them
/// into a buffer of its own, [`LazyRecord::text_in`]). Each parsed record comes with its page
/// index (its position among the good records of the run, counted from `*pages`, which is
/// advanced).
pub fn parse_batch<'b>(
    batch: &'b Batch,
    fields: &FieldNames,
    pages: &mut u64,
) -> Vec<(Result<LazyRecord<'b>, RecordError>, u64)> {
    let parsed: Vec<Result<LazyRecord<'b>, RecordError>> = (0..batch.lines.len())
        .into_par_iter()
        .map(|i| parse_record_lazy(batch.line(i), fields))
        .collect();
    parsed
        .into_iter()
        .map(|r| {
            let index = *pages;
            *pages += u64::from(r.is_ok());
            (r, index)
        })
        .collect()
}

/// How a pass reads standard input.
pub enum Stdin {
    /// Read it and copy it into this spool file (the first pass).
    Spool(File),
    /// Read the spool a first pass wrote (rewound by the caller's clone).
    Replay(File),
    /// Not an input of this run.
    None,
}

impl Stdin {
    /// A spool for standard input when it is one of `sources`.
    pub fn spool_for(sources: &[Source]) -> Result<Option<File>, Error> {
        match sources.contains(&Source::Stdin) {
            true => tempfile::tempfile()
                .map(Some)
                .map_err(|e| Error::io("(spool for standard input)", e)),
            false => Ok(None),
        }
    }

    /// Replay a spool from its start.
    pub fn replay(spool: &Option<File>) -> Result<Stdin, Error> {
        use std::io::Seek;
        match spool {
            Some(file) => {
                let mut file = file.try_clone().map_err(|e| Error::io("-", e))?;
                file.rewind().map_err(|e| Error::io("-", e))?;
                Ok(Stdin::Replay(file))
            }
            None => Ok(Stdin::None),
        }
    }

    /// Write a spool during this pass.
    pub fn fill(spool: &Option<File>) -> Result<Stdin, Error> {
        match spool {
            Some(file) => Ok(Stdin::Spool(file.try_clone().map_err(|e| Error::io("-", e))?)),
            None => Ok(Stdin::None),
        }
    }
}

/// Whether a pass reports the problems it meets, or an earlier pass over the same inputs
/// reported them already (and a bad input is not counted twice).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    First,
    Again,
}

enum Event {
    Batch(Batch),
    /// An input could not be opened or read to its end.
    Failed(Error),
}

/// Read every input once, in order, calling `each` with every batch. An input that cannot be
/// read is reported through `reporter` (which may stop the run), on the first pass only.
/// `read_bytes` counts raw input bytes as they are read, for progress and throughput.
pub fn for_each_batch(
    sources: &[Source],
    pass: Pass,
    stdin: Stdin,
    read_bytes: &Arc<AtomicU64>,
    reporter: &mut Reporter,
    mut each: impl FnMut(&Batch, &mut Reporter) -> Result<(), Error>,
) -> Result<(), Error> {
    let (tx, rx) = sync_channel::<Event>(2);
    // Batches done with go back to the reader to be filled again: their memory is touched
    // once per run, not once per batch.
    let (free_tx, free_rx) = sync_channel::<Batch>(4);
    std::thread::scope(|scope| {
        // Owned by this closure, so that an early return drops it: the reader's next send
        // then fails and the reader ends (the scope waits for it). A reader blocked reading
        // a pipe ends when its read returns.
        let rx = rx;
        let counter = read_bytes.clone();
        scope.spawn(move || read_all(sources, counter, stdin, tx, free_rx));
        // The input whose mapped batches are being split, and the number of its next line.
        let mut numbering = (usize::MAX, 1);
        for event in rx.iter() {
            match event {
                Event::Failed(error) if pass == Pass::First => reporter.file_error(error)?,
                Event::Failed(_) => {}
                Event::Batch(mut batch) => {
                    if batch.map.is_some() {
                        if numbering.0 != batch.source {
                            numbering = (batch.source, 1);
                        }
                        numbering.1 += batch.split(numbering.1);
                    }
                    each(&batch, reporter)?;
                    // The reader lets the batch's pages go when it takes the batch back to
                    // fill, off this thread's path from one batch to the next; a batch it will
                    // not take back (its queue is full, or it is done) lets them go here.
                    if let Err(TrySendError::Full(batch) | TrySendError::Disconnected(batch)) = free_tx.try_send(batch)
                    {
                        batch.release();
                    }
                }
            }
            reporter.tick(read_bytes.load(Ordering::Relaxed));
        }
        Ok(())
    })
}

/// The reader thread: every source in order, cut into batches of non-blank lines (reusing the
/// batches that come back on `free`).
fn read_all(sources: &[Source], counter: Arc<AtomicU64>, stdin: Stdin, tx: SyncSender<Event>, free: Receiver<Batch>) {
    let mut stdin = Some(stdin);
    for (index, source) in sources.iter().enumerate() {
        let lines = match (source, stdin.take_if(|_| *source == Source::Stdin)) {
            (Source::Stdin, Some(Stdin::Replay(file))) => {
                decode(Box::new(file), source.path(), counter.clone()).map(Lines::new)
            }
            (Source::Stdin, Some(Stdin::Spool(file))) => {
                open_lines(source, counter.clone(), Some(Box::new(file) as Box<dyn Write + Send>))
            }
            _ => open_lines(source, counter.clone(), None),
        };
        let result = lines.and_then(|lines| {
            batch_lines(index, lines, &counter, &tx, &free).map_err(|(line, e)| read_error(source, line, e))
        });
        if let Err(error) = result {
            if tx.send(Event::Failed(error)).is_err() {
                return;
            }
        }
    }
}

fn read_error(source: &Source, line: u64, e: std::io::Error) -> Error {
    let detail = std::io::Error::new(e.kind(), format!("read failed after line {line}: {e}"));
    Error::io(source.path(), detail)
}

/// Send the lines of one source in batches: a mapped source as spans of whole lines (split by
/// the caller, [`Batch::split`]; `counter` counts their bytes), any other line by line. On a
/// read error, the batch so far is sent and the error returned with the last good line number.
fn batch_lines(
    source: usize,
    mut lines: Lines,
    counter: &AtomicU64,
    tx: &SyncSender<Event>,
    free: &Receiver<Batch>,
) -> Result<(), (u64, std::io::Error)> {
    let map = lines.map().cloned();
    let fresh = || match free.try_recv() {
        Ok(mut batch) => {
            batch.release();
            batch.source = source;
            batch.data.clear();
            batch.map.clone_from(&map);
            batch.span = 0..0;
            batch.lines.clear();
            batch.raw_ends.clear();
            batch
        }
        Err(_) => Batch {
            source,
            data: match map {
                Some(_) => Vec::new(),
                None => Vec::with_capacity(BATCH_BYTES + (1 << 16)),
            },
            map: map.clone(),
            span: 0..0,
            lines: Vec::new(),
            raw_ends: Vec::new(),
        },
    };
    if let Some(map) = &map {
        let mut at = 0;
        loop {
            let span = map.lines_from(at, BATCH_BYTES);
            if span.is_empty() {
                return Ok(());
            }
            at = span.end;
            counter.fetch_add(span.len() as u64, Ordering::Relaxed);
            let mut batch = fresh();
            batch.span = span;
            if tx.send(Event::Batch(batch)).is_err() {
                return Ok(());
            }
        }
    }
    let mut batch = fresh();
    // Bytes of the batch's lines (in `data`, or in the map).
    let mut bytes = 0;
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
        let range = start..batch.data.len();
        bytes += range.len();
        batch.lines.push((line.number, range));
        let full = bytes >= BATCH_BYTES || batch.lines.len() >= BATCH_LINES;
        if full {
            bytes = 0;
            if tx.send(Event::Batch(std::mem::replace(&mut batch, fresh()))).is_err() {
                return Ok(());
            }
        }
    }
    if !batch.lines.is_empty() {
        let _ = tx.send(Event::Batch(batch));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One first pass over `sources`, calling `each` with every batch.
    fn read_batches(sources: &[Source], mut each: impl FnMut(&Batch)) {
        let mut reporter = Reporter::new(false, false, None);
        for_each_batch(
            sources,
            Pass::First,
            Stdin::None,
            &Arc::default(),
            &mut reporter,
            |batch, _| {
                each(batch);
                Ok(())
            },
        )
        .unwrap();
    }

    /// Lines of a mapped input, split batch by batch on the pool, keep their numbers across
    /// batches and inputs: blank lines are counted and left out, and each input starts at 1.
    #[test]
    fn mapped_batches_number_lines_across_batches() {
        let dir = tempfile::tempdir().unwrap();
        let mut sources = Vec::new();
        let mut expected = Vec::new();
        for (index, name) in ["a.jsonl", "b.jsonl"].iter().enumerate() {
            let path = dir.path().join(name);
            let mut text = String::new();
            // About 2.5 batches; every eighth line blank, every third ending in CRLF.
            for number in 1..=(5 * BATCH_BYTES / 2 / 600) as u64 {
                match (number % 8 == 0, number % 3 == 0) {
                    (true, _) => text.push_str("  \n"),
                    (false, crlf) => {
                        let line = format!("{{\"text\":\"{index} {number} {}\"}}", "y".repeat(560));
                        text.push_str(&line);
                        text.push_str(if crlf { "\r\n" } else { "\n" });
                        expected.push((index, number, line));
                    }
                }
            }
            std::fs::write(&path, text).unwrap();
            sources.push(Source::File(path));
        }
        let (mut got, mut batches) = (Vec::new(), 0);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        pool.install(|| {
            read_batches(&sources, |batch| {
                batches += 1;
                for (i, &(number, _)) in batch.lines.iter().enumerate() {
                    let line = String::from_utf8(batch.line(i).to_vec()).unwrap();
                    got.push((batch.source, number, line));
                }
            })
        });
        assert!(batches >= 6, "{batches} batches");
        assert_eq!(got, expected);
    }

    /// A mapped input is read with only a few batches of its pages resident at a time: the
    /// pages of finished batches are let go (by the reader, as it takes the batches back),
    /// so a run's resident memory does not grow with the input.
    #[cfg(target_os = "linux")]
    #[test]
    fn finished_batches_leave_resident_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.jsonl");
        let line = format!("{{\"text\":\"{}\"}}\n", "x".repeat(1000));
        // 24 batches' worth.
        let lines = 24 * BATCH_BYTES / line.len();
        std::fs::write(&path, line.repeat(lines)).unwrap();
        let sources = [Source::File(path)];
        let (mut batches, mut seen, mut most) = (0, 0, 0);
        read_batches(&sources, |batch| {
            let map = batch.map.as_ref().expect("a plain file is mapped");
            // Every byte of the batch is read, as a pass reads it.
            seen += (0..batch.lines.len()).map(|i| batch.line(i).len()).sum::<usize>();
            most = most.max(map.resident_bytes().expect("Linux tells"));
            batches += 1;
        });
        assert_eq!(seen, lines * (line.len() - 1));
        assert!(batches >= 24, "{batches} batches");
        // In flight at most: the batch worked on, two queued, one being filled and the four
        // coming back to the reader.
        assert!(
            most <= (8 * BATCH_BYTES + (1 << 20)) as u64,
            "{} MB of a {} MB input resident",
            most >> 20,
            (lines * line.len()) >> 20
        );
    }
}
