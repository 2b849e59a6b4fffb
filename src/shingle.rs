//! Shingles: every run of `k` consecutive tokens, as a 64-bit hash.
//!
//! A shingle's hash combines its tokens' hashes, which are already uniform 64-bit values, so
//! no shingle text is ever built: token `j` of the shingle is rotated left by `j × 13` bits,
//! the rotated values are XORed (a cyclic polynomial hash, as in Cohen's "Recursive hashing
//! functions for n-grams", 1997), and the result, with the seed and the shingle's length, is
//! finished by [`fmix64`]. The XOR of rotations rolls: the next window's value is the last
//! one without its first token, rotated back, with the new token added, so each shingle
//! costs two rotations and two XORs before the finish, whatever `k`. A text with fewer than
//! `k` tokens (but at least one) is one shingle of all its tokens; a text with no tokens has
//! no shingles and is never anyone's duplicate.

/// Rotation between consecutive tokens of a shingle, in bits. Odd, so the first 64 tokens of
/// a shingle are rotated by 64 different amounts. Part of the persisted format.
const ROTATION: u32 = 13;
/// Multiplier of the [`Fold`] and of a shingle's length (the 64-bit golden ratio, odd).
const FOLD_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
/// Seed of shingle hashes (and of the affix keys folded from them). Part of the persisted
/// format.
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
    let mut x = 0u64;
    for (j, &t) in tokens.iter().enumerate() {
        x ^= t.rotate_left(rotation_of(j));
    }
    finish_shingle(x, tokens.len())
}

/// The rotation of token `j` of a shingle (rotations are taken modulo 64).
#[inline]
fn rotation_of(j: usize) -> u32 {
    (ROTATION.wrapping_mul(j as u32)) % 64
}

/// The hash of a shingle of `len` tokens whose rotated token hashes XOR to `x`.
#[inline(always)]
fn finish_shingle(x: u64, len: usize) -> u64 {
    fmix64(x ^ SHINGLE_SEED ^ (len as u64).wrapping_mul(FOLD_MUL))
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
    // Rolling: drop the first token's term, rotate every term back by one place, add the
    // new last token's.
    let last = rotation_of(k - 1);
    let mut x = 0u64;
    for (j, &t) in tokens[..k].iter().enumerate() {
        x ^= t.rotate_left(rotation_of(j));
    }
    emit(finish_shingle(x, k));
    for (&out, &new) in tokens.iter().zip(&tokens[k..]) {
        x = (x ^ out).rotate_right(ROTATION) ^ new.rotate_left(last);
        emit(finish_shingle(x, k));
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
    fn rolled_windows_hash_as_each_window_alone() {
        let tokens: Vec<u64> = (0..200u64).map(|i| fmix64(i % 37 + 1)).collect();
        for k in (1..12).chain([63, 64, 65, 100]) {
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
