//! The headline and its copies: which block is the title, and which blocks repeat it.
//!
//! Two blocks are copies when their token *sets* are similar (Jaccard over distinct tokens):
//! a reprint with a watermark adds a token or two, a reworded copy swaps a few words
//! ("relations between the two sides" → "the relationship between the two parties") and
//! keeps most of them. Short headlines need a closer match, so a three-word title cannot
//! claim every block that shares two of its words.

/// Token sets of at least this many distinct tokens match at [`REWORDED`]; smaller ones at
/// [`SHORT`].
const LONG_ENOUGH: usize = 6;
/// Similarity at which a block repeats a headline of [`LONG_ENOUGH`] tokens or more.
const REWORDED: f64 = 0.6;
/// Similarity at which a block repeats a shorter headline.
const SHORT: f64 = 0.8;
/// A headline has at least this many tokens (a one-word first line never becomes one).
pub(crate) const MIN_TOKENS: usize = 4;
/// A headline has at most this many tokens (longer blocks are paragraphs).
pub(crate) const MAX_TOKENS: usize = 60;

/// A headline found without copies (the first block) has at most this many tokens.
pub(crate) const STANDALONE_MAX_TOKENS: u32 = 30;

/// A block's distinct tokens, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokenSet(Vec<u64>);

impl TokenSet {
    pub(crate) fn new(tokens: &[u64]) -> TokenSet {
        let mut v = tokens.to_vec();
        v.sort_unstable();
        v.dedup();
        TokenSet(v)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Jaccard similarity of two sets.
    pub(crate) fn jaccard(&self, other: &TokenSet) -> f64 {
        let (a, b) = (&self.0, &other.0);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (mut i, mut j, mut common) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        common as f64 / (a.len() + b.len() - common) as f64
    }

    /// Does `other` repeat this headline (exactly, with an affix, or reworded)?
    pub(crate) fn is_repeated_by(&self, other: &TokenSet) -> bool {
        let (small, large) = (self.len().min(other.len()), self.len().max(other.len()));
        // Cheap reject: sets whose sizes alone bound the Jaccard below the threshold.
        let threshold = self.threshold();
        if small == 0 || (small as f64) < threshold * large as f64 {
            return false;
        }
        self.jaccard(other) >= threshold
    }

    /// Could a block of `tokens` tokens (with repeats) repeat this headline, with or without
    /// an affix of a few tokens? A cheap test before building the block's set.
    pub(crate) fn could_be_repeated_by(&self, tokens: usize) -> bool {
        let t = self.threshold();
        tokens as f64 >= t * self.len() as f64 && tokens as f64 <= 4.0 * (self.len() as f64 / t + 8.0)
    }

    fn threshold(&self) -> f64 {
        if self.len() >= LONG_ENOUGH {
            REWORDED
        } else {
            SHORT
        }
    }
}

/// How many of a set's tokens (in any fixed order) any set at Jaccard >= [`REWORDED`] with it
/// must share at least one of.
fn prefix_len(n: usize) -> usize {
    (n + 1).saturating_sub((REWORDED * n as f64).ceil() as usize).min(n)
}

/// How far into a page of `blocks` blocks a headline's first copy may stand: a headline
/// heads its article, while lines repeated by every comment below it ("Reply", "Share this")
/// start further down.
pub(crate) fn heads_within(blocks: usize) -> usize {
    (blocks / 3).max(10)
}

/// The headline among `sets` (one per block; `None` for a block that cannot be one): the
/// earliest block of the largest group of copies whose first block is before `within`, if any.
pub(crate) fn most_repeated(sets: &[Option<TokenSet>], within: usize) -> Option<usize> {
    // Prefix filtering keeps this near linear on pages of thousands of lines, and exact: two
    // sets with Jaccard >= t share a token among the first |x| - ceil(t|x|) + 1 of each, in
    // any one order of tokens. Rarest tokens first makes the prefixes selective, so only
    // blocks sharing a rare token are compared.
    let mut frequency: ahash::AHashMap<u64, u32> = ahash::AHashMap::new();
    for set in sets.iter().flatten() {
        for &t in &set.0 {
            *frequency.entry(t).or_insert(0) += 1;
        }
    }
    let prefixes: Vec<Vec<u64>> = sets
        .iter()
        .map(|set| {
            let Some(set) = set else { return Vec::new() };
            let mut order = set.0.clone();
            order.sort_unstable_by_key(|t| (frequency[t], *t));
            order.truncate(prefix_len(order.len()));
            order
        })
        .collect();
    let mut index: ahash::AHashMap<u64, Vec<usize>> = ahash::AHashMap::new();
    for (i, prefix) in prefixes.iter().enumerate() {
        for &token in prefix {
            index.entry(token).or_default().push(i);
        }
    }
    let mut grouped = vec![false; sets.len()];
    let mut best: Option<(usize, usize)> = None; // (copies, first block)
    let mut others = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let Some(head) = set.as_ref().filter(|_| !grouped[i]) else {
            continue;
        };
        others.clear();
        for token in &prefixes[i] {
            others.extend(index[token].iter().copied().filter(|&j| j > i && !grouped[j]));
        }
        others.sort_unstable();
        others.dedup();
        let mut copies = 1;
        for &j in &others {
            if head.is_repeated_by(sets[j].as_ref().expect("indexed blocks have sets")) {
                grouped[j] = true;
                copies += 1;
            }
        }
        if copies >= 2 && i < within && best.is_none_or(|(n, _)| copies > n) {
            best = Some((copies, i));
        }
    }
    best.map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token_hashes_into;

    fn set(text: &str) -> TokenSet {
        let mut out = Vec::new();
        token_hashes_into(text, &mut Vec::new(), &mut out);
        TokenSet::new(&out)
    }

    /// The naive twin of [`most_repeated`]: every pair compared.
    fn most_repeated_naive(sets: &[Option<TokenSet>]) -> Option<usize> {
        let mut grouped = vec![false; sets.len()];
        let mut best: Option<(usize, usize)> = None;
        for i in 0..sets.len() {
            let Some(head) = sets[i].as_ref().filter(|_| !grouped[i]) else {
                continue;
            };
            let mut copies = 1;
            for j in i + 1..sets.len() {
                if !grouped[j] && sets[j].as_ref().is_some_and(|s| head.is_repeated_by(s)) {
                    grouped[j] = true;
                    copies += 1;
                }
            }
            if copies >= 2 && best.is_none_or(|(n, _)| copies > n) {
                best = Some((copies, i));
            }
        }
        best.map(|(_, i)| i)
    }

    #[test]
    fn prefix_filtering_agrees_with_all_pairs() {
        // Blocks drawn from a small vocabulary, so many are near copies of each other.
        let mut state = 7u64;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for _ in 0..300 {
            let sets: Vec<Option<TokenSet>> = (0..next(12) + 1)
                .map(|_| {
                    let len = next(9) + 1;
                    let tokens: Vec<u64> = (0..len)
                        .map(|_| crate::text::token_hash(&[b'a' + next(12) as u8]))
                        .collect();
                    (next(5) > 0).then(|| TokenSet::new(&tokens))
                })
                .collect();
            assert_eq!(most_repeated(&sets, usize::MAX), most_repeated_naive(&sets), "{sets:?}");
        }
    }

    #[test]
    fn copies_exact_watermarked_and_reworded() {
        let h = set("Neighboring Kazakhstan was close to Russia, and relations between the two sides are in crisis.");
        assert!(h.is_repeated_by(&set(
            "Neighboring Kazakhstan was close to Russia, and relations between the two sides are in crisis. - DayDayNews"
        )));
        assert!(h.is_repeated_by(&set(
            "Neighboring country Kazakhstan was close to Russia, and the relationship between the two parties is in crisis."
        )));
        assert!(!h.is_repeated_by(&set(
            "Kazakhstan is the largest landlocked country with a vast territory."
        )));
        let short = set("Obama wins");
        assert!(short.is_repeated_by(&set("obama WINS")));
        assert!(!short.is_repeated_by(&set("Obama wins again today")));
    }

    #[test]
    fn the_most_repeated_block() {
        let sets = vec![
            None,
            Some(set("a first line of words")),
            Some(set("the real headline of this page")),
            Some(set("a paragraph that is not repeated anywhere at all")),
            Some(set("the real headline of this page - Site")),
        ];
        assert_eq!(most_repeated(&sets, 10), Some(2));
        assert_eq!(most_repeated(&sets, 2), None, "the copies start too far down");
        assert_eq!(most_repeated(&sets[..4], 10), None);
        assert_eq!(most_repeated(&[None, None], 10), None);
    }
}
