//! Input files: open by path or stdin, decompress by magic bytes, read numbered lines.
//!
//! gzip (`1f 8b`, every member read, as Common Crawl writes one per record) and zstd
//! (`28 b5 2f fd`, every frame read) are recognised by their first bytes, whatever the
//! file's name. Lines are split on `\n` with memchr inside the buffered reader; a trailing `\r`
//! and a UTF-8 byte-order mark at the start of a file are not part of the record. Blank lines
//! are not records. Bytes read from the file itself are counted for progress bars.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
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

/// Numbered lines of one input.
pub struct Lines {
    reader: Box<dyn BufRead + Send>,
    line_no: u64,
    /// A line that did not fit in the reader's buffer, copied here.
    buf: Vec<u8>,
    /// Bytes of the reader's buffer lent out as the last line, consumed on the next call.
    lent: usize,
}

impl Lines {
    /// Lines of an opened input.
    pub fn new(reader: Box<dyn BufRead + Send>) -> Lines {
        Lines {
            reader,
            line_no: 0,
            buf: Vec::new(),
            lent: 0,
        }
    }

    /// The next line as `(line number, content, raw)`: content without line ending or BOM,
    /// raw as read (with its line ending, if it had one). `None` at end of input.
    ///
    /// A line found whole in the reader's buffer is lent from it, not copied; only a line
    /// that runs past the buffer is copied.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.reader.consume(std::mem::take(&mut self.lent));
        let found = loop {
            match self.reader.fill_buf() {
                Ok([]) => return Ok(None),
                Ok(available) => break memchr::memchr(b'\n', available),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        let line: &[u8] = match found {
            Some(at) => {
                self.lent = at + 1;
                // The buffer is not empty, so this returns it again without reading.
                &self.reader.fill_buf()?[..at + 1]
            }
            None => {
                self.buf.clear();
                self.reader.read_until(b'\n', &mut self.buf)?;
                &self.buf
            }
        };
        self.line_no += 1;
        let mut start = 0;
        if self.line_no == 1 && line.starts_with(b"\xEF\xBB\xBF") {
            start = 3;
        }
        let mut end = line.len();
        if line[start..end].ends_with(b"\n") {
            end -= 1;
        }
        if line[start..end].ends_with(b"\r") {
            end -= 1;
        }
        Ok(Some(Line {
            number: self.line_no,
            content: &line[start..end],
            raw: &line[start..],
        }))
    }
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
}
