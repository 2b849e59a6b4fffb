//! What the user sees on stderr while a run goes: bad records as `file:line: reason`, a
//! progress bar when stderr is a terminal, and the count that decides the exit code.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reprint::Error;

/// Bad records after this many are counted but not printed one by one.
const SHOWN_MAX: u64 = 1000;
/// Bad records of one input after this many are counted but not printed one by one (a
/// binary file or a CSV given by mistake would fill the screen); the run's summary gives
/// their count and lines.
const SHOWN_PER_INPUT: u64 = 20;

/// Reports problems and progress; decides whether a bad record stops the run.
pub struct Reporter {
    fail_fast: bool,
    skipped: u64,
    /// Bad records of each input: (path, count, first line, last line), in the order met.
    per_input: Vec<(PathBuf, u64, u64, u64)>,
    bar: ProgressBar,
}

impl Reporter {
    /// `fail_fast` stops at the first bad record; `progress` draws a bar of `total_bytes`
    /// (a spinner when the total is unknown).
    pub fn new(fail_fast: bool, progress: bool, total_bytes: Option<u64>) -> Reporter {
        let bar = if !progress {
            ProgressBar::hidden()
        } else if let Some(total) = total_bytes {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{prefix} {spinner} {bytes} {bytes_per_sec} {msg}")
                    .expect("the template is valid"),
            );
            bar
        };
        bar.set_prefix("reading");
        Reporter {
            fail_fast,
            skipped: 0,
            per_input: Vec::new(),
            bar,
        }
    }

    /// A record or input that could not be used: stop (`Err`) or report and count it.
    pub fn record_error(&mut self, error: Error) -> Result<(), Error> {
        if self.fail_fast {
            return Err(error);
        }
        self.skipped += 1;
        if let Error::Record { path, line, .. } = &error {
            if !self.shown_for_input(path, *line) {
                return Ok(());
            }
        }
        if self.skipped <= SHOWN_MAX {
            self.println(&format!("reprint: {error}"));
        } else if self.skipped == SHOWN_MAX + 1 {
            self.println("reprint: further bad records are counted but not shown");
        }
        Ok(())
    }

    /// Count a bad record of `path` at `line`; whether it is one of the input's first
    /// [`SHOWN_PER_INPUT`] (shown). The first one past them says the rest are not shown.
    fn shown_for_input(&mut self, path: &Path, line: u64) -> bool {
        let at = match self.per_input.iter().position(|(p, ..)| p == path) {
            Some(at) => at,
            None => {
                self.per_input.push((path.to_path_buf(), 0, line, line));
                self.per_input.len() - 1
            }
        };
        let entry = &mut self.per_input[at];
        entry.1 += 1;
        entry.3 = line;
        let count = entry.1;
        if count == SHOWN_PER_INPUT + 1 {
            self.println(&format!(
                "reprint: {}: more than {SHOWN_PER_INPUT} bad records; the rest are counted, not shown \
                 (is it JSON Lines, one object per line?)",
                path.display()
            ));
        }
        count <= SHOWN_PER_INPUT
    }

    /// Record `line` of `path` could not be read for `reason`: as [`Reporter::record_error`].
    pub fn bad_record(&mut self, path: &Path, line: u64, reason: reprint::RecordError) -> Result<(), Error> {
        self.record_error(Error::Record {
            path: path.to_path_buf(),
            line,
            reason,
        })
    }

    /// An input that could not be opened or read to its end.
    pub fn file_error(&mut self, error: Error) -> Result<(), Error> {
        self.record_error(error)
    }

    /// Records and inputs skipped so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Move the bar to `bytes` read.
    pub fn tick(&self, bytes: u64) {
        self.bar.set_position(bytes);
    }

    /// Name the stage the bar shows.
    pub fn stage(&self, name: &'static str) {
        self.bar.set_prefix(name);
    }

    /// Print a line on stderr without tearing the bar.
    pub fn println(&self, line: &str) {
        self.bar.suspend(|| warn(line));
    }

    /// Remove the bar, and give the count and lines of each input's bad records that were
    /// not all shown.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
        for (path, count, first, last) in &self.per_input {
            if *count > SHOWN_PER_INPUT {
                warn(&format!(
                    "reprint: {}: {count} bad records in all, lines {first} to {last}",
                    path.display()
                ));
            }
        }
    }
}

/// Print a line on stderr. A closed stderr is no reason to stop, let alone to panic as
/// `eprintln!` does: the line is lost, the exit code still tells.
pub fn warn(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
