//! # reprint
//!
//! Finds what is printed twice in scraped news: the same article reprinted across a crawl
//! (near-duplicate documents, by shingling, MinHash and LSH), and the same block reprinted in
//! and around articles (headline copies, site watermarks, navigation and footer chrome), so the
//! real article body is recovered and the corpus deduplicated.
//!
//! Three ways in:
//! - [`dedup()`]: cluster a batch of [`Document`]s under a [`Config`] into [`Clusters`].
//! - [`Detector`]: streaming use inside a scraper, one page at a time ([`Verdict`]).
//! - [`MinHasher`] with a caller-owned [`Scratch`]: signatures to store or compare yourself.
//! - [`clean`]: learn site [`Profiles`](clean::Profiles) from pages, then recover each page's
//!   body with a [`Cleaner`](clean::Cleaner).
//!
//! ```
//! use reprint::{MinHasher, Scratch};
//! let hasher = MinHasher::new(128, 5);
//! let mut scratch = Scratch::new();
//! let a = hasher.signature("On July 5, Russia cut off the Caspian oil pipeline for 30 days.", &mut scratch);
//! let b = hasher.signature("on july 5 russia cut off the caspian oil pipeline for 30 days", &mut scratch);
//! assert_eq!(a.similarity(&b), 1.0);
//! ```
//!
//! ## Glossary
//! - **document**: one input record; its **index** is its position in the input stream, and
//!   decides every order and tie. Its **id** is the record's id field (or line number).
//! - **text**: the field that is signed. **token**: a lowercased word, or one Han/Kana/Hangul
//!   character. **shingle**: `ngram` consecutive tokens.
//! - **signature**: `num_perm` MinHash values of a text's shingles.
//! - **band**: `rows` consecutive signature values; documents whose band agrees share a
//!   **bucket**, and each such pair is a **candidate**, verified by signature similarity.
//! - **block**: one line of a text, a byte **span**; **body**: the kept blocks; **title**: the
//!   headline; a **removal** is a removed span with its reason; a **site** is a url's host.
//! - **cluster**: documents linked by verified pairs; its **representative** is the one kept.
//!
//! ## Stability
//! Every hash that leaves memory (token, shingle, densification, band key) is fixed and
//! seeded, identical on every platform; `ahash` serves in-memory maps only.
#![warn(missing_docs)]

pub mod clean;
pub mod cluster;
pub mod config;
pub mod date;
pub mod dedup;
pub mod detector;
pub mod error;
pub mod eval;
pub mod io;
pub mod lsh;
pub mod minhash;
mod radix;
pub mod shingle;
pub mod text;

pub use cluster::{Clusters, Survivor};
pub use config::{Config, Keep};
pub use dedup::{dedup, Document, LinkStats, SignatureTable};
pub use detector::{Detector, DocId, Verdict};
pub use error::{Error, RecordError, Result};
pub use lsh::Banding;
pub use minhash::{MinHasher, Scratch, Signature};
