//! Settings of a dedup run, resolved once: every default applied, every value checked.
//!
//! `Config` is plain data. Start from [`Config::default`] (or [`Config::with_threshold`],
//! which also picks the banding for the threshold), change fields, then call
//! [`Config::validate`] before use; the engine assumes a valid config.

use crate::error::{Error, Result};
use crate::lsh::Banding;

/// Which member of a cluster is kept (the *representative*); ties go to the smaller document
/// index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// The first document in input order.
    #[default]
    First,
    /// The document with the longest signed text (in bytes).
    Longest,
    /// The document with the earliest date; undated documents come after dated ones.
    Earliest,
}

/// Settings of near-duplicate detection.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Estimated Jaccard similarity at or above which two documents are near-duplicates.
    pub threshold: f64,
    /// Values per MinHash signature.
    pub num_perm: usize,
    /// Tokens per shingle.
    pub ngram: usize,
    /// The LSH index shape; `bands * rows` must not exceed `num_perm`.
    pub banding: Banding,
    /// Which member of a cluster is kept.
    pub keep: Keep,
    /// A bucket with more documents than this is a shared template, not a reprint: it yields
    /// no candidates and is counted as capped.
    pub bucket_cap: usize,
}

/// Default similarity threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.8;
/// Default number of signature values.
pub const DEFAULT_NUM_PERM: usize = 128;
/// Default shingle length in tokens.
pub const DEFAULT_NGRAM: usize = 5;
/// Default bucket cap.
pub const DEFAULT_BUCKET_CAP: usize = 100_000;

impl Default for Config {
    fn default() -> Self {
        Config::with_threshold(DEFAULT_THRESHOLD, DEFAULT_NUM_PERM)
    }
}

impl Config {
    /// The defaults, with `threshold` and `num_perm` and the banding chosen for them.
    pub fn with_threshold(threshold: f64, num_perm: usize) -> Config {
        Config {
            threshold,
            num_perm,
            ngram: DEFAULT_NGRAM,
            banding: Banding::for_threshold(threshold, num_perm.max(1)),
            keep: Keep::First,
            bucket_cap: DEFAULT_BUCKET_CAP,
        }
    }

    /// Check every value; the error names the setting and how to fix it.
    pub fn validate(&self) -> Result<()> {
        let fail = |msg: String| Err(Error::Config(msg));
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return fail(format!("--threshold must be in (0, 1]; got {}", self.threshold));
        }
        if self.num_perm == 0 || self.num_perm > 65_536 {
            return fail(format!("--num-perm must be between 1 and 65536; got {}", self.num_perm));
        }
        if self.ngram == 0 || self.ngram > 64 {
            return fail(format!("--ngram must be between 1 and 64; got {}", self.ngram));
        }
        let Banding { bands, rows } = self.banding;
        if bands == 0 || rows == 0 {
            return fail("--bands and --rows must be at least 1".to_string());
        }
        if bands.saturating_mul(rows) > self.num_perm {
            return fail(format!(
                "--bands ({bands}) times --rows ({rows}) must not exceed --num-perm ({}); try --bands {} --rows {rows}",
                self.num_perm,
                (self.num_perm / rows).max(1)
            ));
        }
        if self.bucket_cap < 2 {
            return fail(format!("--bucket-cap must be at least 2; got {}", self.bucket_cap));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_banding_fits() {
        let c = Config::default();
        c.validate().unwrap();
        assert!(c.banding.used() <= 128);
    }

    #[test]
    fn bad_values_are_named() {
        let c = Config {
            threshold: 1.5,
            ..Config::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("--threshold"));
        let c = Config {
            banding: Banding { bands: 20, rows: 10 },
            ..Config::default()
        };
        let msg = c.validate().unwrap_err().to_string();
        assert!(msg.contains("--bands (20)") && msg.contains("try --bands 12"), "{msg}");
        let c = Config {
            ngram: 0,
            ..Config::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("--ngram"));
    }
}
