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
pub(crate) const MAX_TOKENS: usize = 100;

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

    fn threshold(&self) -> f64 {
        if self.len() >= LONG_ENOUGH {
            REWORDED
        } else {
            SHORT
        }
    }
}

/// The headline among `sets` (one per block; `None` for a block that cannot be one): the
/// earliest block of the largest group of copies, if any block has a copy.
pub(crate) fn most_repeated(sets: &[Option<TokenSet>]) -> Option<usize> {
    let candidates: Vec<usize> = (0..sets.len()).filter(|&i| sets[i].is_some()).collect();
    let mut grouped = vec![false; sets.len()];
    let mut best: Option<(usize, usize)> = None; // (copies, first block)
    for (ci, &i) in candidates.iter().enumerate() {
        if grouped[i] {
            continue;
        }
        let head = sets[i].as_ref().expect("candidates have sets");
        let mut copies = 1;
        for &j in &candidates[ci + 1..] {
            if !grouped[j] && head.is_repeated_by(sets[j].as_ref().expect("candidates have sets")) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token_hashes_into;

    fn set(text: &str) -> TokenSet {
        let mut out = Vec::new();
        token_hashes_into(text, &mut Vec::new(), &mut out);
        TokenSet::new(&out)
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
        assert_eq!(most_repeated(&sets), Some(2));
        assert_eq!(most_repeated(&sets[..4]), None);
        assert_eq!(most_repeated(&[None, None]), None);
    }
}
