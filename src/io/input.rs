//! Input files: open by path or stdin, decompress by magic bytes, read numbered lines.
//!
//! gzip (`1f 8b`, every member read, as Common Crawl writes one per record) and zstd
//! (`28 b5 2f fd`, every frame read) are recognised by their first bytes, whatever the
//! file's name. Lines are split on `\n` with memchr inside the buffered reader; a trailing `\r`
//! and a UTF-8 byte-order mark at the start of a file are not part of the record. Blank lines
//! are not records. Bytes read from the file itself are counted for progress bars.
//!
//! An uncompressed regular file is memory-mapped ([`open_lines`]): its lines are lent from
//! the map, so no byte of it is copied, neither by the kernel into a buffer nor from there
//! into a batch, and the worker threads read it where it lies. Other inputs (stdin, pipes,
//! compressed files) are read through a buffer. A mapped file must not be truncated while a
//! run reads it (the operating system would stop the process); a file appended to is read
//! as it was when the run opened it.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// Where records come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// `-` means standard input; anything else is a path.
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::File(PathBuf::from(arg))
        }
    }

    /// The name used in messages (`-` for standard input).
    pub fn path(&self) -> &Path {
        match self {
            Source::Stdin => Path::new("-"),
            Source::File(p) => p,
        }
    }

    /// The size in bytes of a file source, for progress; `None` for stdin.
    pub fn len_bytes(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        }
    }
}

/// Counts bytes as they are read from the underlying file.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Copies everything read into a spool file (to read standard input twice).
struct Tee<R, W> {
    inner: R,
    copy: W,
}

impl<R: Read, W: Write> Read for Tee<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

const BUFFER_BYTES: usize = 1 << 20;

/// Open `source`, decompressing gzip or zstd when its first bytes say so. `counter` counts
/// the raw bytes read; `spool`, if given, receives a copy of them.
pub fn open(
    source: &Source,
    counter: Arc<AtomicU64>,
    spool: Option<Box<dyn Write + Send>>,
) -> Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = match source {
        Source::Stdin => Box::new(io::stdin()),
        Source::File(p) => Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
    };
    let raw: Box<dyn Read + Send> = match spool {
        Some(copy) => Box::new(Tee { inner: raw, copy }),
        None => raw,
    };
    decode(raw, source.path(), counter)
}

/// Wrap `raw` in a gzip or zstd decoder when its first bytes say so; `path` names it in
/// errors, `counter` counts the raw bytes read.
pub fn decode(raw: Box<dyn Read + Send>, path: &Path, counter: Arc<AtomicU64>) -> Result<Box<dyn BufRead + Send>> {
    let mut counting = Counting {
        inner: raw,
        count: counter,
    };
    let mut magic = [0u8; 4];
    let got = read_prefix(&mut counting, &mut magic).map_err(|e| Error::io(path, e))?;
    let reader = BufReader::with_capacity(BUFFER_BYTES, io::Cursor::new(magic[..got].to_vec()).chain(counting));
    Ok(match &magic[..got] {
        [0x1f, 0x8b, ..] => Box::new(BufReader::with_capacity(
            BUFFER_BYTES,
            flate2::bufread::MultiGzDecoder::new(reader),
        )),
        [0x28, 0xb5, 0x2f, 0xfd] => {
            let decoder = zstd::stream::read::Decoder::with_buffer(reader).map_err(|e| Error::io(path, e))?;
            Box::new(BufReader::with_capacity(BUFFER_BYTES, decoder))
        }
        _ => Box::new(reader),
    })
}

/// Read up to `buf.len()` bytes (fewer only at end of input); a pipe may deliver them in
/// several pieces.
fn read_prefix(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The bytes of a memory-mapped input file (see the module's notes).
pub struct MappedFile(memmap2::Mmap);

impl Deref for MappedFile {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl MappedFile {
    /// Whole lines from `at` (a line's start): through the end of the line that holds byte
    /// `at + bytes - 1`, or to the input's end. Empty at the end.
    pub fn lines_from(&self, at: usize, bytes: usize) -> Range<usize> {
        whole_lines(&self.0, at, bytes)
    }

    /// Let the pages of `range` go from this process's resident memory: a run that reads
    /// a large file once keeps only the batches it works on resident. The bytes stay
    /// readable: a read of the range maps the file's pages again (from the page cache).
    pub fn release(&self, range: std::ops::Range<usize>) {
        #[cfg(unix)]
        {
            const PAGE: usize = 4096;
            // Whole pages only, and only those inside the range (an address must be
            // page-aligned; a page shared with a neighbouring range is left alone).
            let start = range.start.next_multiple_of(PAGE);
            let end = range.end.min(self.0.len()) / PAGE * PAGE;
            if start < end {
                // SAFETY: the map is a read-only mapping of a file. Dropping its pages does
                // not change what the range reads: a later read faults the file's pages in
                // again, the same bytes (see the module's notes on files changed meanwhile).
                let _ = unsafe {
                    self.0
                        .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start)
                };
            }
        }
        #[cfg(not(unix))]
        let _ = range;
    }
}

impl MappedFile {
    /// The bytes of the map resident in this process's memory, where the system tells
    /// (Linux: the mapping's `Rss` in `/proc/self/smaps`); `None` elsewhere. For diagnostics
    /// and tests: it reads and parses a file of the process's mappings.
    pub fn resident_bytes(&self) -> Option<u64> {
        #[cfg(target_os = "linux")]
        {
            let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
            let at = self.0.as_ptr() as usize;
            let mut inside = false;
            for line in smaps.lines() {
                // A mapping's first line starts with its address range (hex digits, lower
                // case); its fields start with a capital.
                let range = line.split_whitespace().next().and_then(|r| r.split_once('-'));
                match range.filter(|_| !line.starts_with(|c: char| c.is_ascii_uppercase())) {
                    Some((lo, hi)) => {
                        let (lo, hi) = (usize::from_str_radix(lo, 16).ok()?, usize::from_str_radix(hi, 16).ok()?);
                        inside = (lo..hi).contains(&at);
                    }
                    None if inside && line.starts_with("Rss:") => {
                        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
                        return Some(kb << 10);
                    }
                    None => {}
                }
            }
            None
        }
        #[cfg(not(target_os = "linux"))]
        None
    }
}

impl std::fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedFile({} bytes)", self.0.len())
    }
}

/// Map `path` when it is a non-empty regular file that is not gzip or zstd; `None` when it
/// is not one, or cannot be mapped (it is then read through a buffer).
fn map_plain_file(path: &Path) -> Result<Option<MappedFile>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() || meta.len() == 0 {
        return Ok(None);
    }
    // SAFETY: the map is read only, and reprint never writes its inputs (an output that is
    // also an input is refused). Another process truncating the file during the run would
    // make reads past its new end fault; the module's notes say so.
    let Ok(map) = (unsafe { memmap2::Mmap::map(&file) }) else {
        return Ok(None);
    };
    if map.starts_with(&[0x1f, 0x8b]) || map.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Ok(None);
    }
    // Only a hint: the pages are read once, front to back.
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(Some(MappedFile(map)))
}

/// Open `source` for reading by lines: an uncompressed regular file is mapped, anything
/// else opened as [`open`] does. `counter` counts the raw bytes read; `spool`, if given,
/// receives a copy of them (the input is then never mapped).
pub fn open_lines(source: &Source, counter: Arc<AtomicU64>, spool: Option<Box<dyn Write + Send>>) -> Result<Lines> {
    if let (Source::File(path), None) = (source, &spool) {
        if let Some(map) = map_plain_file(path)? {
            return Ok(Lines::mapped(Arc::new(map), counter));
        }
    }
    Ok(Lines::new(open(source, counter, spool)?))
}

/// Numbered lines of one input.
pub struct Lines {
    from: From,
    line_no: u64,
    /// Where the next line starts in the input's (decompressed) bytes.
    offset: usize,
}

/// Where [`Lines`] reads from.
enum From {
    Reader {
        reader: Box<dyn BufRead + Send>,
        /// A line that did not fit in the reader's buffer, copied here.
        buf: Vec<u8>,
        /// Bytes of the reader's buffer lent out as the last line, consumed on the next call.
        lent: usize,
    },
    Mapped {
        map: Arc<MappedFile>,
        counter: Arc<AtomicU64>,
    },
}

impl Lines {
    /// Lines of an opened input.
    pub fn new(reader: Box<dyn BufRead + Send>) -> Lines {
        Lines {
            from: From::Reader {
                reader,
                buf: Vec::new(),
                lent: 0,
            },
            line_no: 0,
            offset: 0,
        }
    }

    /// Lines of a mapped file; `counter` counts the bytes read.
    pub fn mapped(map: Arc<MappedFile>, counter: Arc<AtomicU64>) -> Lines {
        Lines {
            from: From::Mapped { map, counter },
            line_no: 0,
            offset: 0,
        }
    }

    /// The mapped file the lines are lent from, if they are: a line's
    /// [`offset`](Line::offset) is then its place in it.
    pub fn map(&self) -> Option<&Arc<MappedFile>> {
        match &self.from {
            From::Mapped { map, .. } => Some(map),
            From::Reader { .. } => None,
        }
    }

    /// For a mapped file, let the pages of the lines already read go from resident memory
    /// ([`MappedFile::release`]): for a caller done with them, reading a large file once.
    pub fn release_read(&mut self) {
        if let From::Mapped { map, .. } = &self.from {
            map.release(0..self.offset);
        }
    }

    /// The next line as `(line number, content, raw)`: content without line ending or BOM,
    /// raw as read (with its line ending, if it had one). `None` at end of input.
    ///
    /// A line found whole in the reader's buffer (or in the map) is lent from it, not
    /// copied; only a line that runs past the buffer is copied.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        let at = self.offset;
        let line = match &mut self.from {
            From::Reader { reader, buf, lent } => match next_in_reader(reader, buf, lent)? {
                Some(line) => line,
                None => return Ok(None),
            },
            From::Mapped { map, counter } => {
                let rest = &map[at..];
                if rest.is_empty() {
                    return Ok(None);
                }
                let n = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
                counter.fetch_add(n as u64, Ordering::Relaxed);
                &rest[..n]
            }
        };
        self.offset += line.len();
        self.line_no += 1;
        let (start, end) = content_of(line, at == 0);
        Ok(Some(Line {
            number: self.line_no,
            content: &line[start..end],
            raw: &line[start..],
            offset: at + start,
        }))
    }
}

/// [`MappedFile::lines_from`] in `input`.
fn whole_lines(input: &[u8], at: usize, bytes: usize) -> Range<usize> {
    let from = (at + bytes.max(1) - 1).min(input.len());
    let end = memchr::memchr(b'\n', &input[from..]).map_or(input.len(), |i| from + i + 1);
    at..end
}

/// Where a line's content (`Line::content`) starts and ends in the line as read, `line`:
/// without its line ending, and without the byte-order mark of an input's first line
/// (`first`).
fn content_of(line: &[u8], first: bool) -> (usize, usize) {
    let start = match first && line.starts_with(b"\xEF\xBB\xBF") {
        true => 3,
        false => 0,
    };
    let mut end = line.len();
    if line[start..end].ends_with(b"\n") {
        end -= 1;
    }
    if line[start..end].ends_with(b"\r") {
        end -= 1;
    }
    (start, end)
}

/// The non-blank lines of `span`, whole lines of `input` (a mapped input's bytes, `span`
/// starting at a line's start and ending after a line ending or at the input's end), as
/// [`Lines`] reads them: each line's number (`first` is the span's first line's) and content
/// range go to `lines`, and where the line ends with its line ending to `raw_ends`. Returns
/// how many lines the span holds, blank ones included.
pub fn split_lines(
    input: &[u8],
    span: Range<usize>,
    first: u64,
    lines: &mut Vec<(u64, Range<usize>)>,
    raw_ends: &mut Vec<usize>,
) -> u64 {
    let mut number = first;
    let mut at = span.start;
    while at < span.end {
        let rest = &input[at..span.end];
        let n = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let (start, end) = content_of(&rest[..n], at == 0);
        if !rest[start..end].iter().all(u8::is_ascii_whitespace) {
            lines.push((number, at + start..at + end));
            raw_ends.push(at + n);
        }
        number += 1;
        at += n;
    }
    number - first
}

/// The next line of a buffered reader, with its ending: lent from the reader's buffer when
/// it is whole there (`lent` bytes, consumed on the next call), else copied into `buf`.
fn next_in_reader<'r>(
    reader: &'r mut Box<dyn BufRead + Send>,
    buf: &'r mut Vec<u8>,
    lent: &mut usize,
) -> io::Result<Option<&'r [u8]>> {
    reader.consume(std::mem::take(lent));
    let found = loop {
        match reader.fill_buf() {
            Ok([]) => return Ok(None),
            Ok(available) => break memchr::memchr(b'\n', available),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    Ok(Some(match found {
        Some(at) => {
            *lent = at + 1;
            // The buffer is not empty, so this returns it again without reading.
            &reader.fill_buf()?[..at + 1]
        }
        None => {
            buf.clear();
            reader.read_until(b'\n', buf)?;
            buf
        }
    }))
}

/// One line of an input.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: u64,
    /// The line without its ending (and without a leading BOM).
    pub content: &'a [u8],
    /// The line as read, with its ending if it had one (and without a leading BOM).
    pub raw: &'a [u8],
    /// Where `content` starts in the input's (decompressed) bytes.
    pub offset: usize,
}

impl Line<'_> {
    /// Blank lines (empty or whitespace only) are not records.
    pub fn is_blank(&self) -> bool {
        self.content.iter().all(|b| b.is_ascii_whitespace())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    proptest::proptest! {
        /// Spans of whole lines, split apart (as a pass splits a mapped input's batches),
        /// give the lines that reading the input line by line gives: the same numbers,
        /// contents and ends, blank lines left out, a first line's byte-order mark dropped.
        #[test]
        fn split_spans_read_as_lines(text in "(\u{feff})?[a \t\r\n]{0,80}", piece in 1usize..24) {
            let input = text.as_bytes();
            let mut lines = Lines::new(Box::new(Cursor::new(input.to_vec())));
            let mut expected = Vec::new();
            while let Some(l) = lines.next_line().unwrap() {
                if !l.is_blank() {
                    expected.push((l.number, l.offset..l.offset + l.content.len(), l.offset + l.raw.len()));
                }
            }
            let (mut got, mut raw_ends, mut number, mut at) = (Vec::new(), Vec::new(), 1, 0);
            while at < input.len() {
                let span = whole_lines(input, at, piece);
                proptest::prop_assert!(span.end > at && (span.end == input.len() || input[span.end - 1] == b'\n'));
                at = span.end;
                number += split_lines(input, span, number, &mut got, &mut raw_ends);
            }
            proptest::prop_assert_eq!(number - 1, lines.line_no);
            let got: Vec<_> = got.into_iter().zip(raw_ends).map(|((n, r), e)| (n, r, e)).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    fn lines_of(bytes: &[u8]) -> Vec<(u64, Vec<u8>, bool)> {
        let mut lines = Lines::new(Box::new(Cursor::new(bytes.to_vec())));
        let mut out = Vec::new();
        while let Some(l) = lines.next_line().unwrap() {
            out.push((l.number, l.content.to_vec(), l.is_blank()));
        }
        out
    }

    #[test]
    fn endings_bom_and_blanks() {
        let got = lines_of(b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \nlast");
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], (1, b"{\"a\":1}".to_vec(), false));
        assert!(got[1].2 && got[2].2);
        assert_eq!(got[3], (4, b"last".to_vec(), false));
        assert!(lines_of(b"").is_empty());
    }

    #[test]
    fn a_mapped_file_gives_the_lines_a_reader_gives() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \n".to_vec();
        for i in 0..3000 {
            text.extend_from_slice(format!("{{\"id\":{i},\"text\":\"{}\"}}\n", "x".repeat(i % 50)).as_bytes());
        }
        text.extend_from_slice(b"last");
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, &text).unwrap();
        let counter = Arc::new(AtomicU64::new(0));
        let mut mapped = open_lines(&Source::File(path.clone()), counter.clone(), None).unwrap();
        let map = mapped.map().cloned().expect("a plain file is mapped");
        let mut read = Lines::new(Box::new(Cursor::new(text.clone())));
        let mut n = 0;
        loop {
            let a = mapped
                .next_line()
                .unwrap()
                .map(|l| (l.number, l.content.to_vec(), l.raw.to_vec(), l.offset));
            let b = read
                .next_line()
                .unwrap()
                .map(|l| (l.number, l.content.to_vec(), l.raw.to_vec(), l.offset));
            assert_eq!(a, b);
            let Some((_, content, _, offset)) = a else { break };
            assert_eq!(&text[offset..offset + content.len()], &content[..]);
            n += 1;
            if n % 1000 == 0 {
                mapped.release_read();
            }
        }
        assert_eq!(n, 3004);
        assert_eq!(counter.load(Ordering::Relaxed), text.len() as u64);
        // Released pages read the same bytes again.
        map.release(0..map.len());
        assert_eq!(&map[..], &text[..]);
        // Empty and compressed files are not mapped.
        std::fs::write(&path, b"").unwrap();
        assert!(open_lines(&Source::File(path.clone()), Arc::default(), None)
            .unwrap()
            .map()
            .is_none());
        std::fs::write(&path, zstd::encode_all(&b"c\n"[..], 1).unwrap()).unwrap();
        let mut zst = open_lines(&Source::File(path), Arc::default(), None).unwrap();
        assert!(zst.map().is_none());
        assert_eq!(zst.next_line().unwrap().unwrap().content, b"c");
    }

    fn read_all(bytes: Vec<u8>) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.bin");
        std::fs::write(&path, bytes).unwrap();
        let mut r = open(&Source::File(path), Arc::default(), None).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn gzip_members_and_zstd_frames_by_magic() {
        use flate2::{write::GzEncoder, Compression};
        let mut gz = Vec::new();
        for part in ["a\n", "b\n"] {
            let mut e = GzEncoder::new(Vec::new(), Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            gz.extend(e.finish().unwrap());
        }
        assert_eq!(read_all(gz), "a\nb\n");
        let mut zst = zstd::encode_all(&b"c\n"[..], 1).unwrap();
        zst.extend(zstd::encode_all(&b"d\n"[..], 1).unwrap());
        assert_eq!(read_all(zst), "c\nd\n");
        assert_eq!(read_all(b"plain\n".to_vec()), "plain\n");
        assert_eq!(read_all(Vec::new()), "");
    }

    /// Releasing a range of a mapped input drops its whole pages from resident memory, and
    /// only them; the bytes read the same afterwards.
    #[cfg(target_os = "linux")]
    #[test]
    fn released_pages_leave_resident_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.jsonl");
        let line = format!("{{\"text\":\"{}\"}}\n", "x".repeat(1000));
        std::fs::write(&path, line.repeat(8 << 10)).unwrap();
        let map = map_plain_file(&path).unwrap().expect("a plain file is mapped");
        let touched: u64 = map.iter().step_by(4096).map(|&b| u64::from(b)).sum();
        let kb = |map: &MappedFile| map.resident_bytes().expect("Linux tells") >> 10;
        let all = kb(&map);
        assert!(all >= 7 << 10, "the touched map is resident: {all} kB");
        // Half the file, cut off mid-page at both ends.
        map.release(100..map.len() / 2 + 100);
        let half = kb(&map);
        assert!(half <= all / 2 + 8, "released pages left: {all} kB -> {half} kB");
        // (The kernel may drop a few pages more around the range: a page cache folio can span
        // several pages.)
        assert!(
            half >= all * 3 / 8,
            "only the range's pages left: {all} kB -> {half} kB"
        );
        assert_eq!(map.iter().step_by(4096).map(|&b| u64::from(b)).sum::<u64>(), touched);
    }
}
