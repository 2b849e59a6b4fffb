//! Shingles: every run of `k` consecutive tokens, as a 64-bit hash.
//!
//! A shingle's hash folds its tokens' hashes in order ([`shingle_hash`]), so no shingle text
//! is ever built. A text with fewer than `k` tokens (but at least one) is one shingle of all
//! its tokens; a text with no tokens has no shingles and is never anyone's duplicate.

/// Multiplier of the fold (the 64-bit golden ratio, odd).
const FOLD_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
/// Starting value of the fold. Part of the persisted format.
pub const SHINGLE_SEED: u64 = 0x5348_494e_474c_4531; // "SHINGLE1"

/// MurmurHash3's 64-bit finalizer: a fixed bijection that mixes every input bit into every
/// output bit.
#[inline]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The stable hash of the shingle made of `tokens` (token hashes, in order).
#[inline]
pub fn shingle_hash(tokens: &[u64]) -> u64 {
    let mut fold = Fold::new(SHINGLE_SEED);
    for &t in tokens {
        fold.push(t);
    }
    fold.finish()
}

/// The fold behind [`shingle_hash`], from any seed: a hash of a sequence of token hashes built
/// one token at a time (multiply-rotate steps, finished with the length by [`fmix64`]).
#[derive(Clone, Copy, Debug)]
pub struct Fold {
    h: u64,
    len: u64,
}

impl Fold {
    /// An empty sequence, folded from `seed`.
    #[inline]
    pub fn new(seed: u64) -> Fold {
        Fold { h: seed, len: 0 }
    }

    /// Append one token hash.
    #[inline]
    pub fn push(&mut self, t: u64) {
        self.h = (self.h.rotate_left(23) ^ t).wrapping_mul(FOLD_MUL);
        self.len += 1;
    }

    /// The hash of the sequence so far.
    #[inline]
    pub fn finish(self) -> u64 {
        fmix64(self.h ^ self.len)
    }
}

/// Call `emit` with the hash of every shingle of `k` tokens over `tokens`, in order.
/// Repeated shingles are emitted again; callers that need a set deduplicate.
#[inline]
pub fn for_each_shingle(tokens: &[u64], k: usize, mut emit: impl FnMut(u64)) {
    debug_assert!(k > 0);
    if tokens.is_empty() {
        return;
    }
    if tokens.len() <= k {
        emit(shingle_hash(tokens));
        return;
    }
    // The usual lengths get a loop whose window length is known when compiling: the fold
    // is unrolled and the windows' independent chains overlap (same values as the general
    // loop, which a test checks).
    match k {
        3 => windows_of::<3>(tokens, emit),
        4 => windows_of::<4>(tokens, emit),
        5 => windows_of::<5>(tokens, emit),
        7 => windows_of::<7>(tokens, emit),
        _ => tokens.windows(k).for_each(|window| emit(shingle_hash(window))),
    }
}

/// Every window of `K` tokens (`tokens.len() > K`), hashed as [`shingle_hash`] does.
#[inline]
fn windows_of<const K: usize>(tokens: &[u64], mut emit: impl FnMut(u64)) {
    for start in 0..=tokens.len() - K {
        let window: &[u64; K] = tokens[start..start + K].try_into().expect("window of K tokens");
        let mut fold = Fold::new(SHINGLE_SEED);
        for &t in window {
            fold.push(t);
        }
        emit(fold.finish());
    }
}

/// The number of shingles [`for_each_shingle`] emits for `n` tokens.
pub fn shingle_count(n: usize, k: usize) -> usize {
    match n {
        0 => 0,
        n if n <= k => 1,
        n => n - k + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(tokens: &[u64], k: usize) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_shingle(tokens, k, |h| out.push(h));
        out
    }

    #[test]
    fn counts() {
        assert!(all(&[], 5).is_empty());
        assert_eq!(all(&[1, 2], 5).len(), 1);
        assert_eq!(all(&[1, 2, 3, 4, 5], 5).len(), 1);
        assert_eq!(all(&[1, 2, 3, 4, 5, 6, 7], 5).len(), 3);
        for n in 0..20 {
            let tokens: Vec<u64> = (0..n).collect();
            assert_eq!(all(&tokens, 3).len(), shingle_count(n as usize, 3));
        }
    }

    #[test]
    fn the_unrolled_lengths_hash_as_the_general_loop() {
        let tokens: Vec<u64> = (0..40u64).map(|i| fmix64(i + 1)).collect();
        for k in 1..10 {
            let general: Vec<u64> = tokens.windows(k).map(shingle_hash).collect();
            assert_eq!(all(&tokens, k), general, "k = {k}");
        }
    }

    #[test]
    fn order_matters_and_equal_windows_agree() {
        assert_ne!(shingle_hash(&[1, 2, 3]), shingle_hash(&[3, 2, 1]));
        assert_ne!(shingle_hash(&[1, 2]), shingle_hash(&[1, 2, 0]));
        let s = all(&[7, 8, 9, 7, 8, 9], 3);
        assert_eq!(s[0], s[3]);
    }
}
