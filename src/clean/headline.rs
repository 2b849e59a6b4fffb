//! The headline and its copies: which block is the title, and which blocks repeat it.
//!
//! Two blocks are copies when their token *sets* are similar (Jaccard over distinct tokens):
//! a reprint with a watermark adds a token or two, a reworded copy swaps a few words
//! ("relations between the two sides" → "the relationship between the two parties") and
//! keeps most of them. Short headlines need a closer match, so a three-word title cannot
//! claim every block that shares two of its words.
//!
//! Sets are sorted slices of token hashes in reused buffers. Most blocks of a page share
//! too few tokens with the headline to be a copy, and a 256-bit Bloom mask of the headline's
//! tokens proves it before any set is built ([`Head::may_be_repeated_by`]).

use super::block::PageText;
use super::strip::affix_rest;
use super::table::TokenTable;
use super::{Cleaner, Page, Reason, Removal, SiteView, Slot};

/// Token sets of at least this many distinct tokens match at [`REWORDED`]; smaller ones at
/// [`SHORT`].
const LONG_ENOUGH: usize = 6;
/// Similarity at which a block repeats a headline of [`LONG_ENOUGH`] tokens or more.
const REWORDED: f64 = 0.6;
/// Similarity at which a block repeats a shorter headline.
const SHORT: f64 = 0.8;
/// A headline has at least this many tokens (a one-word first line never becomes one).
const MIN_TOKENS: usize = 4;
/// A headline has at most this many tokens (longer blocks are paragraphs).
const MAX_TOKENS: usize = 60;
/// A headline found without copies (the first block) has at most this many tokens.
const STANDALONE_MAX_TOKENS: u32 = 30;

/// Buffers of the headline step, reused from page to page.
#[derive(Default, Debug)]
pub(crate) struct HeadScratch {
    /// The title's tokens.
    title: Vec<u64>,
    /// The tokenizer's buffer.
    bytes: Vec<u8>,
    /// One block's set, and another's.
    set: Vec<u64>,
    other: Vec<u64>,
    /// The candidate blocks' sets, one after another, and each block's range in it.
    sets: Vec<u64>,
    ranges: Vec<Option<(u32, u32)>>,
    repeats: Repeats,
}

/// Write the distinct tokens of `hashes`, sorted, into `out`.
fn set_into(hashes: &[u64], out: &mut Vec<u64>) {
    out.clear();
    out.extend_from_slice(hashes);
    out.sort_unstable();
    out.dedup();
}

/// Jaccard similarity of two sorted sets.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // A merge without a branch per step: which side advances is data, not control.
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

/// The similarity a block needs to repeat a headline of `len` distinct tokens.
fn threshold(len: usize) -> f64 {
    if len >= LONG_ENOUGH {
        REWORDED
    } else {
        SHORT
    }
}

/// Does `other` repeat the headline `head` (exactly, with an affix, or reworded)? Both are
/// sorted sets.
fn repeats(head: &[u64], other: &[u64]) -> bool {
    let (small, large) = (head.len().min(other.len()), head.len().max(other.len()));
    // Cheap reject: sets whose sizes alone bound the Jaccard below the threshold.
    let t = threshold(head.len());
    if small == 0 || (small as f64) < t * large as f64 {
        return false;
    }
    jaccard(head, other) >= t
}

/// Bits of the Bloom mask: with a headline of 10 tokens, a quarter of a 64-bit mask is set
/// and a paragraph of 40 tokens passes it by chance; of 256 bits, one in 25 is set.
const BLOOM_WORDS: usize = 4;

/// The word and the bit of a token in the Bloom mask.
#[inline]
fn bloom_bit(token: u64) -> (usize, u64) {
    let bit = token >> (64 - 8);
    ((bit >> 6) as usize, 1 << (bit & 63))
}

/// A headline's set, with what rejects most blocks cheaply.
pub(crate) struct Head<'a> {
    set: &'a [u64],
    bloom: [u64; BLOOM_WORDS],
}

impl<'a> Head<'a> {
    fn new(set: &'a [u64]) -> Head<'a> {
        Head {
            set,
            bloom: set.iter().fold([0; BLOOM_WORDS], |mut m, &t| {
                let (word, bit) = bloom_bit(t);
                m[word] |= bit;
                m
            }),
        }
    }

    /// Might `token` be one of the headline's? (No means no.)
    fn holds(&self, token: u64) -> bool {
        let (word, bit) = bloom_bit(token);
        self.bloom[word] & bit != 0
    }

    /// Could a block of `tokens` tokens (with repeats) repeat this headline, with or without
    /// an affix of a few tokens?
    fn could_be_repeated_by(&self, tokens: usize) -> bool {
        let t = threshold(self.set.len());
        let len = self.set.len() as f64;
        tokens as f64 >= t * len && tokens as f64 <= 4.0 * (len / t + 8.0)
    }

    /// Could a block with these tokens (or any part of them) repeat this headline? Exact as
    /// a reject: the tokens of the block in the headline's mask bound how many it shares,
    /// and a copy shares at least the threshold's share of the headline.
    fn may_be_repeated_by(&self, hashes: &[u64]) -> bool {
        let hits: usize = hashes.iter().map(|&t| usize::from(self.holds(t))).sum();
        hits as f64 >= threshold(self.set.len()) * self.set.len() as f64
    }
}

impl Cleaner<'_> {
    /// Find the headline, mark it and its copies, and return the title.
    pub(super) fn headline(
        &self,
        page: &Page<'_>,
        analysis: &PageText,
        slots: &mut [Slot],
        site: Option<SiteView<'_>>,
        scratch: &mut HeadScratch,
        removed: &mut Vec<Removal>,
    ) -> Option<String> {
        let text = page.text;
        let tokens = &analysis.tokens;
        let HeadScratch {
            title: head_set,
            bytes,
            set,
            other,
            sets,
            ranges,
            repeats: repeat_scratch,
        } = scratch;
        // Whether `sets` and `ranges` hold this page's candidate headlines.
        let candidates = page.title.is_none();
        let (title, mut head_block) = match page.title {
            Some(title) => {
                let mut hashes = std::mem::take(set);
                crate::text::token_hashes_into(title, bytes, &mut hashes);
                set_into(&hashes, head_set);
                *set = hashes;
                (Some(title.to_owned()), None)
            }
            None => {
                sets.clear();
                ranges.clear();
                for s in slots.iter() {
                    let n = s.facts.tokens as usize;
                    let fits = s.fate.is_none()
                        && (MIN_TOKENS..=MAX_TOKENS).contains(&n)
                        && s.facts.digit_tokens * 3 < s.facts.tokens
                        && !self.is_template(s, site);
                    ranges.push(fits.then(|| {
                        let start = sets.len();
                        set_into(&tokens.hash[s.tokens.clone()], set);
                        sets.extend_from_slice(set);
                        (start as u32, sets.len() as u32)
                    }));
                }
                let set_of = |i: usize| ranges[i].map(|(a, b)| &sets[a as usize..b as usize]);
                // The first candidate when a later block repeats it, else the block repeated
                // most, else the first block that reads like a headline (not a sentence: a
                // lone first paragraph stays in the body).
                // A headline heads something: a longer block follows it.
                let within = heads_within(slots.len());
                let i = first_repeated(analysis, text, slots, sets, ranges, set, other)
                    .or_else(|| repeat_scratch.most_repeated(sets, ranges, within))
                    .or_else(|| {
                        // The first such block, found from the end with the longest block after
                        // each at hand (one pass: a page may have a million lines).
                        let mut found = None;
                        let mut longest_after = 0;
                        for i in (0..slots.len()).rev() {
                            let f = &slots[i].facts;
                            let heads = longest_after > f.tokens;
                            if heads && ranges[i].is_some() && f.tokens <= STANDALONE_MAX_TOKENS {
                                let statement = text[slots[i].keep.clone()].ends_with(['.', '。']);
                                if !statement {
                                    found = Some(i);
                                }
                            }
                            if slots[i].fate.is_none() {
                                longest_after = longest_after.max(f.tokens);
                            }
                        }
                        found
                    })?;
                head_set.clear();
                head_set.extend_from_slice(set_of(i).expect("the headline is a candidate"));
                // "Headline - Site" whose copy below is just "Headline": the title is the copy's
                // text, and the affix a watermark. Affixes come nested ("Headline | Blog -
                // Network"): they are taken off one at a time, up to a few.
                let mut part = slots[i].part(analysis, text);
                for _ in 0..MAX_TITLE_AFFIXES {
                    let Some((rest, _)) = affix_rest(&part) else {
                        break;
                    };
                    part = part.narrow(rest);
                    set_into(part.hashes(), set);
                    if has_copy(analysis, slots, sets, ranges, i, set, other) {
                        let keep = slots[i].keep.clone();
                        for span in [keep.start..part.span.start, part.span.end..keep.end] {
                            if !span.is_empty() {
                                removed.push(Removal {
                                    span,
                                    reason: Reason::Watermark,
                                });
                            }
                        }
                        slots[i].keep = part.span.clone();
                        head_set.clone_from(set);
                        break;
                    }
                }
                (Some(text[slots[i].keep.clone()].to_owned()), Some(i))
            }
        };
        if head_set.is_empty() {
            return title;
        }
        let head = Head::new(head_set);
        // The inferred headline is one whatever its affixes left of it.
        if let Some(i) = head_block {
            slots[i].fate = Some(Reason::Headline);
        }
        for (i, slot) in slots.iter_mut().enumerate() {
            let n = slot.facts.tokens as usize;
            if slot.fate.is_some() || n > MAX_TOKENS || !head.could_be_repeated_by(n) {
                continue;
            }
            // Every part of the block (the whole, or it without an affix) holds these tokens
            // or fewer.
            let hashes = &tokens.hash[slot.tokens.clone()];
            if !head.may_be_repeated_by(hashes) {
                continue;
            }
            // A page without a title has the candidate blocks' sets at hand.
            let whole: &[u64] = match candidates.then(|| ranges[i]).flatten() {
                Some((a, b)) => &sets[a as usize..b as usize],
                None => {
                    set_into(hashes, set);
                    set
                }
            };
            if repeats(head.set, whole) {
                // The first exact copy of a given title is the headline block itself.
                let is_head = head_block == Some(i) || (head_block.is_none() && whole == head.set);
                if is_head {
                    head_block = Some(i);
                }
                // An affix the headline lacks is a watermark, where one can be told apart.
                split_affix(analysis, text, slot, &head, set, removed);
                slot.fate = Some(if is_head {
                    Reason::Headline
                } else {
                    Reason::HeadlineRepeat
                });
            } else if let Some((rest, _)) = affix_rest(&slot.part(analysis, text)) {
                set_into(slot.part(analysis, text).narrow(rest).hashes(), set);
                if repeats(head.set, set) {
                    split_affix(analysis, text, slot, &head, set, removed);
                    slot.fate = Some(Reason::HeadlineRepeat);
                }
            }
        }
        title
    }
}

/// The page's first candidate headline, when a later block in play repeats it, whole or
/// without an affix: a scraped page opens with its title ("Headline - Site"), and the article
/// prints the headline again. This comes before the block repeated most, which may be a
/// teaser listed twice or a line every comment repeats. The copy may be a line the site's
/// other pages print too (they link to this article): it still repeats this page's title.
/// `buf` and `other` are buffers.
fn first_repeated(
    analysis: &PageText,
    text: &str,
    slots: &[Slot],
    sets: &[u64],
    ranges: &[Option<(u32, u32)>],
    buf: &mut Vec<u64>,
    other: &mut Vec<u64>,
) -> Option<usize> {
    let first = ranges.iter().position(Option::is_some)?;
    let (a, b) = ranges[first]?;
    let whole = &sets[a as usize..b as usize];
    let part = slots[first].part(analysis, text);
    buf.clear();
    if let Some((rest, _)) = affix_rest(&part) {
        set_into(part.narrow(rest).hashes(), buf);
    }
    let rest = &buf[..];
    let heads = [Some(Head::new(whole)), (!rest.is_empty()).then(|| Head::new(rest))];
    let repeated = (first + 1..slots.len()).any(|j| {
        let slot = &slots[j];
        let n = slot.facts.tokens as usize;
        if slot.fate.is_some() || !(MIN_TOKENS..=MAX_TOKENS).contains(&n) {
            return false;
        }
        let hashes = &analysis.tokens.hash[slot.tokens.clone()];
        heads.iter().flatten().any(|head| {
            if !head.could_be_repeated_by(n) || !head.may_be_repeated_by(hashes) {
                return false;
            }
            let set = match ranges[j] {
                Some((a, b)) => &sets[a as usize..b as usize],
                None => {
                    set_into(hashes, other);
                    &other[..]
                }
            };
            repeats(head.set, set)
        })
    });
    repeated.then_some(first)
}

/// At most this many affixes come off a title ("Headline | Blog - Network" has two).
const MAX_TITLE_AFFIXES: usize = 3;

/// Is some block in play other than `head` made of exactly the tokens of `set`? Candidate
/// blocks have their sets in `sets`; the others' are built in `buf`.
fn has_copy(
    analysis: &PageText,
    slots: &[Slot],
    sets: &[u64],
    ranges: &[Option<(u32, u32)>],
    head: usize,
    set: &[u64],
    buf: &mut Vec<u64>,
) -> bool {
    let mask = Head::new(set);
    (0..slots.len()).any(|j| {
        let slot = &slots[j];
        let n = slot.facts.tokens as usize;
        if j == head || slot.fate.is_some() || n < set.len() || n > MAX_TOKENS {
            return false;
        }
        match ranges[j] {
            Some((a, b)) => &sets[a as usize..b as usize] == set,
            None => {
                // A copy has no token outside the set: most blocks are rejected unsorted.
                let hashes = &analysis.tokens.hash[slot.tokens.clone()];
                if !hashes.iter().all(|&t| mask.holds(t)) {
                    return false;
                }
                set_into(hashes, buf);
                buf[..] == *set
            }
        }
    })
}

/// If `slot` is the headline plus an affix the headline does not have, report the affix as a
/// watermark and shrink the slot to the rest. `set` is a buffer.
fn split_affix(
    analysis: &PageText,
    text: &str,
    slot: &mut Slot,
    head: &Head<'_>,
    set: &mut Vec<u64>,
    removed: &mut Vec<Removal>,
) {
    let whole = slot.part(analysis, text);
    let Some((rest, affix)) = affix_rest(&whole) else {
        return;
    };
    let part = whole.narrow(rest);
    set_into(part.hashes(), set);
    let without = jaccard(head.set, set);
    set_into(whole.hashes(), set);
    // The affix is a watermark only if the headline is better matched without it.
    if without > jaccard(head.set, set) {
        removed.push(Removal {
            span: affix,
            reason: Reason::Watermark,
        });
        slot.keep = part.span;
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
fn heads_within(blocks: usize) -> usize {
    (blocks / 3).max(10)
}

/// Buffers of [`Repeats::most_repeated`].
#[derive(Default, Debug)]
struct Repeats {
    frequency: TokenTable<u32>,
    /// Each set's prefix, one after another: its rarest tokens, less those of no other set.
    prefixes: Vec<u64>,
    /// One set's tokens with their occurrences (a buffer).
    keyed: Vec<(u32, u64)>,
    prefix_ranges: Vec<(u32, u32)>,
    /// (token, set) for every prefix token, sorted: the sets whose prefix holds a token.
    index: Vec<(u64, u32)>,
    grouped: Vec<bool>,
    others: Vec<u32>,
}

impl Repeats {
    /// The headline among the candidate sets (`ranges[i]` into `sets`; `None` for a block
    /// that cannot be one): the earliest block of the largest group of copies whose first
    /// block is before `within`, if any.
    fn most_repeated(&mut self, sets: &[u64], ranges: &[Option<(u32, u32)>], within: usize) -> Option<usize> {
        // Prefix filtering keeps this near linear on pages of thousands of lines, and exact:
        // two sets with Jaccard >= t share a token among the first |x| - ceil(t|x|) + 1 of
        // each, in any one order of tokens. Rarest tokens first makes the prefixes selective,
        // so only blocks sharing a rare token are compared.
        let set_of = |i: usize| ranges[i].map(|(a, b)| &sets[a as usize..b as usize]);
        let frequency = &mut self.frequency;
        frequency.clear();
        for &t in sets {
            *frequency.entry(t) += 1;
        }
        self.prefixes.clear();
        self.prefix_ranges.clear();
        self.index.clear();
        for (i, set) in (0..ranges.len()).map(|i| (i, set_of(i))) {
            let start = self.prefixes.len();
            if let Some(set) = set {
                // Rarest first: (occurrences, token). A token of one set only comes first and
                // is shared with no other set, so it is left out: a set with a prefix of such
                // tokens alone has no copy, and the others need only their shared tokens
                // sorted (with the keys beside them).
                self.keyed.clear();
                let mut alone = 0;
                for &t in set {
                    match frequency.get(t).copied().unwrap_or(0) {
                        0 | 1 => alone += 1,
                        n => self.keyed.push((n, t)),
                    }
                }
                let prefix = prefix_len(set.len());
                if alone < prefix {
                    self.keyed.sort_unstable();
                    self.keyed.truncate(prefix - alone);
                    self.prefixes.extend(self.keyed.iter().map(|&(_, t)| t));
                    self.index.extend(self.keyed.iter().map(|&(_, t)| (t, i as u32)));
                }
            }
            self.prefix_ranges.push((start as u32, self.prefixes.len() as u32));
        }
        self.index.sort_unstable();
        self.grouped.clear();
        self.grouped.resize(ranges.len(), false);
        let mut best: Option<(usize, usize)> = None; // (copies, first block)
        for i in 0..ranges.len() {
            let Some(head) = set_of(i).filter(|_| !self.grouped[i]) else {
                continue;
            };
            self.others.clear();
            let (a, b) = self.prefix_ranges[i];
            for &token in &self.prefixes[a as usize..b as usize] {
                let from = self.index.partition_point(|&(t, _)| t < token);
                let holders = self.index[from..].iter().take_while(|&&(t, _)| t == token);
                let grouped = &self.grouped;
                self.others.extend(
                    holders
                        .map(|&(_, j)| j)
                        .filter(|&j| j as usize > i && !grouped[j as usize]),
                );
            }
            self.others.sort_unstable();
            self.others.dedup();
            let mut copies = 1;
            for &j in &self.others {
                if repeats(head, set_of(j as usize).expect("indexed blocks have sets")) {
                    self.grouped[j as usize] = true;
                    copies += 1;
                }
            }
            if copies >= 2 && i < within && best.is_none_or(|(n, _)| copies > n) {
                best = Some((copies, i));
            }
        }
        best.map(|(_, i)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token_hashes_into;

    fn set(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        token_hashes_into(text, &mut Vec::new(), &mut out);
        let mut s = Vec::new();
        set_into(&out, &mut s);
        s
    }

    /// Flat storage of optional sets, as the headline step builds it.
    fn flat(sets: &[Option<Vec<u64>>]) -> (Vec<u64>, Vec<Option<(u32, u32)>>) {
        let mut data = Vec::new();
        let ranges = sets
            .iter()
            .map(|s| {
                s.as_ref().map(|s| {
                    let start = data.len() as u32;
                    data.extend_from_slice(s);
                    (start, data.len() as u32)
                })
            })
            .collect();
        (data, ranges)
    }

    fn most_repeated(sets: &[Option<Vec<u64>>], within: usize) -> Option<usize> {
        let (data, ranges) = flat(sets);
        Repeats::default().most_repeated(&data, &ranges, within)
    }

    /// The naive twin of [`Repeats::most_repeated`]: every pair compared.
    fn most_repeated_naive(sets: &[Option<Vec<u64>>]) -> Option<usize> {
        let mut grouped = vec![false; sets.len()];
        let mut best: Option<(usize, usize)> = None;
        for i in 0..sets.len() {
            let Some(head) = sets[i].as_ref().filter(|_| !grouped[i]) else {
                continue;
            };
            let mut copies = 1;
            for j in i + 1..sets.len() {
                if !grouped[j] && sets[j].as_ref().is_some_and(|s| repeats(head, s)) {
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
        let mut scratch = Repeats::default();
        for _ in 0..300 {
            let sets: Vec<Option<Vec<u64>>> = (0..next(12) + 1)
                .map(|_| {
                    let len = next(9) + 1;
                    let tokens: Vec<u64> = (0..len)
                        .map(|_| crate::text::token_hash(&[b'a' + next(12) as u8]))
                        .collect();
                    let mut s = Vec::new();
                    set_into(&tokens, &mut s);
                    (next(5) > 0).then_some(s)
                })
                .collect();
            let (data, ranges) = flat(&sets);
            assert_eq!(
                scratch.most_repeated(&data, &ranges, usize::MAX),
                most_repeated_naive(&sets),
                "{sets:?}"
            );
        }
    }

    #[test]
    fn the_bloom_mask_never_rejects_a_copy() {
        let mut state = 11u64;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for _ in 0..2000 {
            let draw = |next: &mut dyn FnMut(u64) -> u64| -> Vec<u64> {
                let len = next(12) + 1;
                (0..len)
                    .map(|_| crate::text::token_hash(&[b'a' + next(16) as u8]))
                    .collect()
            };
            let (head, block) = (draw(&mut next), draw(&mut next));
            let (mut h, mut b) = (Vec::new(), Vec::new());
            set_into(&head, &mut h);
            set_into(&block, &mut b);
            if repeats(&h, &b) {
                assert!(Head::new(&h).may_be_repeated_by(&block));
            }
        }
    }

    #[test]
    fn copies_exact_watermarked_and_reworded() {
        let h = set("Neighboring Kazakhstan was close to Russia, and relations between the two sides are in crisis.");
        assert!(repeats(
            &h,
            &set("Neighboring Kazakhstan was close to Russia, and relations between the two sides are in crisis. - DayDayNews")
        ));
        assert!(repeats(
            &h,
            &set("Neighboring country Kazakhstan was close to Russia, and the relationship between the two parties is in crisis.")
        ));
        assert!(!repeats(
            &h,
            &set("Kazakhstan is the largest landlocked country with a vast territory.")
        ));
        let short = set("Obama wins");
        assert!(repeats(&short, &set("obama WINS")));
        assert!(!repeats(&short, &set("Obama wins again today")));
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
