//! The library's one error type. Errors carry their context (path, line, field) as data, so
//! the CLI can report `file:line: reason` and count, and a library caller can match on them.

use std::path::PathBuf;

/// Why one input record could not be read. Carried by [`Error::Record`] with its location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The line is not one JSON object.
    #[error("not a JSON object: {0}")]
    Json(String),
    /// A required field is absent.
    #[error("no \"{0}\" field; name the text field with --text-field")]
    MissingField(String),
    /// A field has the wrong JSON type.
    #[error("field \"{field}\" is {found}, expected {expected}")]
    WrongType {
        /// The field's name.
        field: String,
        /// What the field held ("a number", "null", …).
        found: &'static str,
        /// What it should hold.
        expected: &'static str,
    },
    /// The line holds bytes that are not UTF-8.
    #[error("invalid UTF-8 at byte {0} of the line")]
    InvalidUtf8(usize),
}

/// Everything that can go wrong in reprint.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration value is out of range or inconsistent; the message names the setting
    /// and the fix.
    #[error("{0}")]
    Config(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file (`-` for standard input or output).
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// One record of an input could not be used.
    #[error("{}:{line}: {reason}", path.display())]
    Record {
        /// The input file (`-` for standard input).
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// What was wrong.
        reason: RecordError,
    },
    /// An input changed between the two passes over it.
    #[error("{}: the input changed while it was being read: {detail}", path.display())]
    InputChanged {
        /// The input file.
        path: PathBuf,
        /// What differed.
        detail: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Results with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
