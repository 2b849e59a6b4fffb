//! MinHash signatures by one-permutation hashing with optimal densification.
//!
//! Classic MinHash hashes every shingle `num_perm` times. One-permutation hashing (Li, Owen
//! and Zhang, 2012) hashes each shingle once: the hash's high 32 bits pick one of `num_perm`
//! bins, its low 32 bits are the value, and each bin keeps its minimum. A bin that no shingle
//! reached borrows the value of a filled bin chosen by a fixed probe sequence of its own
//! ("optimal densification", Shrivastava 2017), which keeps the estimate unbiased with a
//! variance close to the classic scheme's. The work per shingle is one multiply and one
//! compare instead of `num_perm` hashes, with no SIMD and no CPU-specific code, so the same
//! build is fast everywhere and the values are identical on every platform.
//!
//! The fraction of positions at which two signatures agree estimates the Jaccard similarity
//! of their shingle sets ([`similarity`]). Every hash here is fixed and seeded
//! ([`crate::text::TOKEN_SEED`], [`crate::shingle::SHINGLE_SEED`], [`DENSIFY_SEED`]); a
//! golden test freezes the signatures of a few texts.

use crate::shingle::{fmix64, for_each_shingle};
use crate::text::token_hashes_into;

/// Seed of the densification probe sequence. Part of the persisted format.
pub const DENSIFY_SEED: u64 = 0x4445_4e53_4946_5931; // "DENSIFY1"

/// Marks a bin that no shingle reached.
const EMPTY_BIN: u64 = u64::MAX;

/// Builds signatures. Immutable and `Sync`: build one and share it between threads, each
/// with its own [`Scratch`].
#[derive(Clone, Debug)]
pub struct MinHasher {
    num_perm: usize,
    ngram: usize,
}

/// Per-thread buffers reused from one text to the next, so signing allocates nothing once
/// the buffers have grown to the largest text seen.
#[derive(Default, Debug)]
pub struct Scratch {
    token_bytes: Vec<u8>,
    tokens: Vec<u64>,
    bins: Vec<u64>,
}

impl Scratch {
    /// Fresh, empty buffers.
    pub fn new() -> Self {
        Self::default()
    }
}

/// A MinHash signature: `num_perm` 32-bit values, or none for a text without tokens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature(Box<[u32]>);

impl Signature {
    /// The values, one per bin; empty for a text without tokens.
    pub fn values(&self) -> &[u32] {
        &self.0
    }

    /// Whether the signed text had no tokens (such a text is never anyone's duplicate).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The estimated Jaccard similarity to `other`; 0 when either is empty.
    pub fn similarity(&self, other: &Signature) -> f64 {
        similarity(&self.0, &other.0)
    }
}

/// The fraction of positions where `a` and `b` agree: the MinHash estimate of Jaccard
/// similarity. 0 when the lengths differ or either is empty.
#[inline]
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    agreements(a, b) as f64 / a.len() as f64
}

/// The number of positions where `a` and `b` agree (over the shorter length).
#[inline]
pub fn agreements(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).map(|(x, y)| usize::from(x == y)).sum()
}

impl MinHasher {
    /// A hasher of `num_perm` values over shingles of `ngram` tokens. Both must be at least 1;
    /// [`crate::Config::validate`] checks this for callers that start from a `Config`.
    pub fn new(num_perm: usize, ngram: usize) -> Self {
        assert!(num_perm > 0 && num_perm <= u32::MAX as usize, "num_perm out of range");
        assert!(ngram > 0, "ngram must be at least 1");
        MinHasher { num_perm, ngram }
    }

    /// The number of values in each signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// The number of tokens per shingle.
    pub fn ngram(&self) -> usize {
        self.ngram
    }

    /// Sign `text`, writing `num_perm` values into `out`. Returns the number of shingles
    /// (with repeats); when it is 0, `out` is left unspecified and the text has no signature.
    ///
    /// # Panics
    /// If `out.len() != self.num_perm()`.
    pub fn signature_into(&self, text: &str, scratch: &mut Scratch, out: &mut [u32]) -> usize {
        assert_eq!(out.len(), self.num_perm, "output slice must hold num_perm values");
        token_hashes_into(text, &mut scratch.token_bytes, &mut scratch.tokens);
        self.fold_into(&scratch.tokens, &mut scratch.bins, out)
    }

    /// Sign a text given as its token hashes ([`crate::text::token_hashes_into`], or
    /// [`crate::clean::Cleaner::clean_for_signing`]): the same values as
    /// [`MinHasher::signature_into`] of the text, without tokenizing it again.
    ///
    /// # Panics
    /// If `out.len() != self.num_perm()`.
    pub fn signature_of_tokens_into(&self, tokens: &[u64], scratch: &mut Scratch, out: &mut [u32]) -> usize {
        assert_eq!(out.len(), self.num_perm, "output slice must hold num_perm values");
        self.fold_into(tokens, &mut scratch.bins, out)
    }

    /// Sign `text` into a new [`Signature`] (empty when the text has no tokens).
    pub fn signature(&self, text: &str, scratch: &mut Scratch) -> Signature {
        let mut values = vec![0u32; self.num_perm];
        let shingles = self.signature_into(text, scratch, &mut values);
        if shingles == 0 {
            values.clear();
        }
        Signature(values.into_boxed_slice())
    }

    /// Fold the shingles of `tokens` into bin minima, then densify into `out`.
    fn fold_into(&self, tokens: &[u64], bins: &mut Vec<u64>, out: &mut [u32]) -> usize {
        bins.clear();
        bins.resize(self.num_perm, EMPTY_BIN);
        let k = self.num_perm as u64;
        let mut count = 0usize;
        for_each_shingle(tokens, self.ngram, |h| {
            let bin = (((h >> 32) * k) >> 32) as usize;
            let value = h & 0xFFFF_FFFF;
            // `bin < num_perm` because (h >> 32) < 2^32.
            // Branch-free: whether a value is a bin's new minimum is a coin toss early on.
            let slot = &mut bins[bin];
            *slot = (*slot).min(value);
            count += 1;
        });
        if count > 0 {
            densify_into(bins, out);
        }
        count
    }
}

/// Copy filled bins to `out`; give each empty bin the value of the first filled bin on its
/// own probe sequence. `bins` must hold at least one filled bin.
fn densify_into(bins: &[u64], out: &mut [u32]) {
    let k = bins.len() as u64;
    for (i, (&bin, slot)) in bins.iter().zip(out.iter_mut()).enumerate() {
        *slot = if bin != EMPTY_BIN {
            bin as u32
        } else {
            borrowed_value(bins, i as u64, k)
        };
    }
}

/// The value an empty bin `i` borrows: probe bins `p(i, 0), p(i, 1), …` until a filled one.
fn borrowed_value(bins: &[u64], i: u64, k: u64) -> u32 {
    // The probe sequence is pseudo-random over all bins, so a filled bin is met after about
    // k / filled probes; the bound only guards against an adversarially unlucky sequence.
    for attempt in 0..64 * k {
        let p = fmix64(DENSIFY_SEED ^ (i << 32) ^ attempt);
        let j = (((p >> 32) * k) >> 32) as usize;
        if bins[j] != EMPTY_BIN {
            return bins[j] as u32;
        }
    }
    // Deterministic fallback: the next filled bin after i, cyclically.
    let n = bins.len();
    (1..n)
        .map(|d| bins[(i as usize + d) % n])
        .find(|&b| b != EMPTY_BIN)
        .expect("densify needs at least one filled bin") as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_agree_fully_and_normalization_is_ignored() {
        let h = MinHasher::new(128, 5);
        let mut s = Scratch::new();
        let a = h.signature("The quick brown fox jumps over the lazy dog again.", &mut s);
        let b = h.signature("the QUICK brown fox -- jumps over the lazy dog again", &mut s);
        assert_eq!(a.values().len(), 128);
        assert_eq!(a, b);
        assert_eq!(a.similarity(&b), 1.0);
    }

    #[test]
    fn empty_and_punctuation_only_texts_have_no_signature() {
        let h = MinHasher::new(64, 5);
        let mut s = Scratch::new();
        assert!(h.signature("", &mut s).is_empty());
        assert!(h.signature(" ... !!! ", &mut s).is_empty());
        assert_eq!(h.signature("", &mut s).similarity(&h.signature("", &mut s)), 0.0);
    }

    #[test]
    fn short_texts_are_one_shingle() {
        let h = MinHasher::new(32, 5);
        let mut s = Scratch::new();
        let a = h.signature("two words", &mut s);
        assert_eq!(a.values().len(), 32);
        // One shingle fills one bin; densification copies it everywhere.
        assert!(a.values().iter().all(|&v| v == a.values()[0]));
        assert_eq!(h.signature("three words", &mut s).similarity(&a), 0.0);
    }

    #[test]
    fn disjoint_texts_rarely_agree() {
        let h = MinHasher::new(128, 3);
        let mut s = Scratch::new();
        let a: String = (0..300).map(|i| format!("alpha{i} ")).collect();
        let b: String = (0..300).map(|i| format!("beta{i} ")).collect();
        assert!(h.signature(&a, &mut s).similarity(&h.signature(&b, &mut s)) < 0.05);
    }
}
