//! Output files written atomically: a temporary file beside the target, renamed over it only
//! when complete, so a run stopped midway leaves the old file or none, never a torn one.
//! A path that exists and is not a regular file (`/dev/null`, a named pipe, a terminal) is
//! written in place: renaming over it would replace the device with a file.
//!
//! A temporary file is named `.reprint-<process id>-<random>.tmp`, so that a process stopped
//! by a signal can remove its own ([`remove_temporaries`]) and no other process's.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where an output goes: standard output, or a file replaced atomically on [`Output::commit`].
pub enum Output {
    /// Standard output (`-` or no path).
    Stdout(BufWriter<io::Stdout>),
    /// An existing special file (device, pipe), written directly.
    Special {
        /// Its path.
        path: PathBuf,
        /// The open file.
        file: BufWriter<std::fs::File>,
    },
    /// A temporary file that becomes `path` on commit; dropped uncommitted, it is deleted.
    File {
        /// The final path.
        path: PathBuf,
        /// The temporary file, in the same directory so the rename is atomic.
        file: BufWriter<Writeback>,
    },
}

impl Output {
    /// Standard output for `None` or `-`, else a temporary file beside `path`.
    pub fn create(path: Option<&Path>) -> Result<Output> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())));
        };
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            return Ok(Output::Special {
                path: path.to_path_buf(),
                file: BufWriter::with_capacity(1 << 16, file),
            });
        }
        let dir = dir_of(path);
        let prefix = temporary_prefix();
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A temporary file is private (0600) by default; the output is an ordinary file: a
        // new one gets the mode a new file gets (0666 less the umask), a replaced one keeps
        // its permission bits.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let file = builder.tempfile_in(dir).map_err(|e| temp_error(path, e))?;
        #[cfg(unix)]
        if let Ok(old) = std::fs::metadata(path) {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(old.permissions().mode() & 0o777);
            file.as_file().set_permissions(mode).map_err(|e| Error::io(path, e))?;
        }
        Ok(Output::File {
            path: path.to_path_buf(),
            file: BufWriter::with_capacity(1 << 16, Writeback::new(file)),
        })
    }

    /// Check, before any input is read, that `path` can be written: its directory takes a
    /// new file (one is made and removed at once). Standard output and special files pass.
    pub fn check(path: &Path) -> Result<()> {
        if path.as_os_str() == "-" || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            return Ok(());
        }
        if path.is_dir() {
            return Err(Error::io(path, io::Error::other("is a directory; name a file")));
        }
        tempfile::Builder::new()
            .prefix(&temporary_prefix())
            .suffix(".tmp")
            .tempfile_in(dir_of(path))
            .map(drop)
            .map_err(|e| temp_error(path, e))
    }

    /// The path written to (`-` for standard output).
    pub fn path(&self) -> &Path {
        match self {
            Output::Stdout(_) => Path::new("-"),
            Output::File { path, .. } | Output::Special { path, .. } => path,
        }
    }

    /// Flush, and for a file, rename it over its target.
    pub fn commit(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().map_err(|e| Error::io("-", e)),
            Output::Special { path, mut file } => file.flush().map_err(|e| Error::io(&path, e)),
            Output::File { path, file } => {
                let tmp = file.into_inner().map_err(|e| Error::io(&path, e.into_error()))?.file;
                tmp.as_file().sync_data().map_err(|e| Error::io(&path, e))?;
                tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File { file, .. } => file.write(buf),
            Output::Special { file, .. } => file.write(buf),
        }
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write_vectored(bufs),
            Output::File { file, .. } => file.write_vectored(bufs),
            Output::Special { file, .. } => file.write_vectored(bufs),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File { file, .. } => file.write_all(buf),
            Output::Special { file, .. } => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { file, .. } => file.flush(),
            Output::Special { file, .. } => file.flush(),
        }
    }
}

/// A temporary output file that asks the kernel to start writing each completed stretch of
/// [`Writeback::STRETCH_BYTES`] to disk while the run goes on (Linux), so that the
/// `fdatasync` before the rename waits for the last stretch only, not for the whole file.
/// Elsewhere it is the plain file.
pub struct Writeback {
    file: tempfile::NamedTempFile,
    /// Bytes written so far, and the end of the last stretch handed to the kernel.
    written: u64,
    started: u64,
}

impl Writeback {
    /// Bytes written between two requests to start writing back.
    const STRETCH_BYTES: u64 = 8 << 20;

    fn new(file: tempfile::NamedTempFile) -> Writeback {
        Writeback {
            file,
            written: 0,
            started: 0,
        }
    }

    /// Start writing back what was written since the last stretch, when it is a stretch.
    fn start_writeback(&mut self) {
        if self.written - self.started < Self::STRETCH_BYTES {
            return;
        }
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let (offset, len) = (
                self.started as libc::off64_t,
                (self.written - self.started) as libc::off64_t,
            );
            // SAFETY: a plain system call on a file descriptor this value owns; it reads no
            // memory of ours. It only starts I/O: a failure (an old kernel, a file system
            // without it) costs the head start and nothing else, so its result is ignored.
            unsafe {
                libc::sync_file_range(
                    self.file.as_file().as_raw_fd(),
                    offset,
                    len,
                    libc::SYNC_FILE_RANGE_WRITE,
                );
            }
        }
        self.started = self.written;
    }
}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        self.start_writeback();
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let n = self.file.as_file().write_vectored(bufs)?;
        self.written += n as u64;
        self.start_writeback();
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Write all of `bufs` to `out` with as few vectored writes as it takes (a `BufWriter`
/// passes slices as large as its buffer straight to the file, uncopied). `bufs` is consumed.
pub fn write_all_vectored(out: &mut impl Write, mut bufs: &mut [io::IoSlice<'_>]) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        match out.write_vectored(bufs) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::WriteZero, "failed to write whole buffer")),
            Ok(n) => io::IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The start of the name of this process's temporary files.
fn temporary_prefix() -> String {
    format!(".reprint-{}-", std::process::id())
}

/// Remove the temporary files this process made for `outputs` (unfinished outputs), and
/// return how many were removed. For a process about to end on a signal, which runs no
/// destructors: uncommitted outputs leave nothing behind. Committed outputs are untouched.
pub fn remove_temporaries<'p>(outputs: impl IntoIterator<Item = &'p Path>) -> usize {
    let prefix = temporary_prefix();
    let mut removed = 0;
    for path in outputs {
        let Ok(entries) = std::fs::read_dir(dir_of(path)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&prefix) && name.ends_with(".tmp") && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// The directory an output's temporary file goes in.
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A failure to make the temporary file for `path`, named by `path` alone: tempfile's
/// message names the temporary file, which the user never heard of. What the directory
/// says is the reason, else the kind of failure.
fn temp_error(path: &Path, e: io::Error) -> Error {
    let e = match std::fs::metadata(dir_of(path)) {
        Err(dir) => dir,
        Ok(m) if !m.is_dir() => io::ErrorKind::NotADirectory.into(),
        Ok(_) => e.kind().into(),
    };
    Error::io(path, e)
}

/// Whether `a` and `b` name the same existing file (so writing `a` would destroy `b`).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "old\n").unwrap();
        let mut out = Output::create(Some(&path)).unwrap();
        out.write_all(b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        out.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let mut dropped = Output::create(Some(&path)).unwrap();
        dropped.write_all(b"never\n").unwrap();
        drop(dropped);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary file left behind"
        );
    }

    #[test]
    fn a_file_of_many_writeback_stretches_is_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        // Pieces of odd sizes, past several stretches, some larger than the write buffer.
        let mut want = Vec::new();
        let mut out = Output::create(Some(&path)).unwrap();
        for i in 0..3000u32 {
            let piece: Vec<u8> = (0..(i % 97) * 131 + 1).map(|k| (k as u8) ^ (i as u8)).collect();
            out.write_all(&piece).unwrap();
            want.extend_from_slice(&piece);
        }
        assert!(want.len() as u64 > 2 * Writeback::STRETCH_BYTES);
        out.commit().unwrap();
        assert!(
            std::fs::read(&path).unwrap() == want,
            "the file differs from what was written"
        );
    }

    #[cfg(unix)]
    #[test]
    fn outputs_have_the_mode_of_ordinary_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let new = dir.path().join("new.jsonl");
        let out = Output::create(Some(&new)).unwrap();
        out.commit().unwrap();
        assert_eq!(
            mode(&new),
            mode(&plain),
            "a new output is made as File::create makes a file"
        );
        for kept in [0o640, 0o664] {
            std::fs::set_permissions(&new, std::fs::Permissions::from_mode(kept)).unwrap();
            let out = Output::create(Some(&new)).unwrap();
            out.commit().unwrap();
            assert_eq!(mode(&new), kept, "a replaced output keeps its mode, whatever the umask");
        }
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        if !std::fs::metadata(null).is_ok_and(|m| m.file_type().is_char_device()) {
            return; // no /dev/null to check against
        }
        let mut out = Output::create(Some(null)).unwrap();
        assert!(matches!(out, Output::Special { .. }));
        out.write_all(b"discarded\n").unwrap();
        out.commit().unwrap();
        assert!(std::fs::metadata(null).unwrap().file_type().is_char_device());
    }

    #[test]
    fn unwritable_paths_are_found_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(Output::check(&dir.path().join("out")).is_ok());
        assert!(Output::check(Path::new("-")).is_ok());
        for bad in [
            file.join("out"),
            dir.path().join("no/such/dir/out"),
            dir.path().to_path_buf(),
        ] {
            let message = Output::check(&bad).unwrap_err().to_string();
            assert!(message.starts_with(&bad.display().to_string()), "{message}");
            assert!(!message.contains(".reprint-"), "{message}");
            let create = Output::create(Some(&bad)).err().map(|e| e.to_string());
            assert!(create.as_ref().is_none_or(|m| !m.contains(".reprint-")), "{create:?}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a check left a file");
    }

    #[test]
    fn temporaries_of_this_process_are_removed_and_no_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let other = dir.path().join(".reprint-1-abc.tmp");
        std::fs::write(&other, "another process's").unwrap();
        let mut out = Output::create(Some(&path)).unwrap();
        out.write_all(b"partial\n").unwrap();
        out.flush().unwrap();
        assert_eq!(remove_temporaries([path.as_path()]), 1);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(left, [other]);
        assert!(!path.exists());
    }

    #[test]
    fn same_file_sees_through_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        std::fs::write(&path, "").unwrap();
        assert!(same_file(&path, &dir.path().join(".").join("a")));
        assert!(!same_file(&path, &dir.path().join("b")));
    }
}
