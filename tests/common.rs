//! Shared helpers: a seeded generator of small corpora with planted near-duplicates, and the
//! naive twins of the fast routines.

use std::collections::BTreeSet;

/// splitmix64: a tiny seeded generator, the same on every platform.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A text of `n` words drawn from a vocabulary of `vocab` words.
pub fn random_words(rng: &mut Rng, n: usize, vocab: usize) -> Vec<String> {
    (0..n).map(|_| format!("w{}", rng.below(vocab))).collect()
}

/// `words` with each word replaced by a fresh one with probability `p`.
pub fn mutate(rng: &mut Rng, words: &[String], p: f64) -> Vec<String> {
    words
        .iter()
        .map(|w| {
            if rng.unit() < p {
                format!("x{}", rng.next() % 1_000_000)
            } else {
                w.clone()
            }
        })
        .collect()
}

/// Documents of `size` words: `originals` random texts, each followed by `copies` mutated
/// copies at random strengths, shuffled.
pub fn planted_corpus(seed: u64, originals: usize, copies: usize, size: usize) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut docs = Vec::new();
    for _ in 0..originals {
        let base = random_words(&mut rng, size, 5000);
        docs.push(base.join(" "));
        for _ in 0..copies {
            let p = rng.unit() * 0.1;
            docs.push(mutate(&mut rng, &base, p).join(" "));
        }
    }
    for i in (1..docs.len()).rev() {
        let j = rng.below(i + 1);
        docs.swap(i, j);
    }
    docs
}

/// The set of `k`-token shingles of `text`, spelled out (the naive twin of the hashed path).
pub fn shingle_set(text: &str, k: usize) -> BTreeSet<Vec<String>> {
    let tokens = reprint::text::tokens(text);
    if tokens.is_empty() {
        return BTreeSet::new();
    }
    if tokens.len() <= k {
        return BTreeSet::from([tokens]);
    }
    tokens.windows(k).map(|w| w.to_vec()).collect()
}

/// Exact Jaccard similarity of two sets.
pub fn jaccard<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}
