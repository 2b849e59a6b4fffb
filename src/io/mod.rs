//! Everything that touches files: reading JSONL inputs and writing outputs atomically.
//!
//! The pure stages (text, minhash, lsh, cluster) never see a file or a JSON value; this
//! module turns input lines into [`Record`]s and carries errors with their path and line.

mod input;
pub mod json;
mod object;
mod output;
mod record;

pub use input::{decode, open, open_lines, split_lines, Line, Lines, MappedFile, Source};
pub use output::{remove_temporaries, same_file, write_all_vectored, Output};
pub use record::{
    extend_record, extend_record_str, extend_record_with, parse_record, parse_record_lazy, url_host, FieldNames,
    LazyRecord, Record,
};
