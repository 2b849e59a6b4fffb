//! Site profiles: what a site prints on many of its pages, learned from the pages themselves.
//!
//! For each site, a profile counts on how many pages each normalized block occurs, the same
//! for the block's *shape* (digits masked, so `2024/06/18 military 1983` and
//! `2023/11/02 world 77` agree), and the same for the short affixes blocks carry after or
//! before a separator (` - DayDayNews`, `Source: … |`). Over the whole corpus it finds the
//! *function words*: the tokens that occur in the sentences of the most pages (for any
//! language, no shipped stoplist); the prose test measures a block by their density.
//!
//! Learning is split so that it parallelizes and stays deterministic: [`PageFacts::of`] is a
//! pure function of one page (run it on any thread), and [`Learner::add`] merges pages in
//! input order. Counts are sums, so the result never depends on the thread count.
//!
//! Profiles save as versioned JSON ([`Profiles::to_json`]); loading checks the format, its
//! version and the token hash they were built with.

use ahash::{AHashMap, AHashSet};
use serde::{Deserialize, Serialize};

use std::ops::Range;

use super::block::Part;
use super::facts::{FactsChunk, FactsView, PageFacts, WORDS_ALL_PAGES};
use super::table::{FunctionWords, TokenTable};
use super::{Page, Scratch};
use crate::shingle::{fmix64, Fold, SHINGLE_SEED};
use crate::text::TOKEN_SEED;

/// The `format` field of saved profiles.
pub const PROFILE_FORMAT: &str = "reprint-site-profiles";
/// The version of the saved profile format. Bump it when the meaning of any field changes.
pub const PROFILE_VERSION: u32 = 8;
/// Function words kept per script class (words; Han/Kana/Hangul characters).
const FUNCTION_WORDS: usize = 200;
/// A block counts towards function words when it has at least this many tokens and ends
/// like a sentence: chrome words ("Home", "Share") then stay out, even on one-site corpora.
const SENTENCE_MIN_TOKENS: u32 = 8;
/// An affix is at most this many tokens.
const AFFIX_MAX_TOKENS: usize = 6;

/// Is a block of `tokens` tokens, ending like a sentence (or not), a sentence: what
/// function words are counted from, and what a page's template is not.
pub(crate) fn is_sentence(tokens: u32, sentence_end: bool) -> bool {
    tokens >= SENTENCE_MIN_TOKENS && sentence_end
}

/// How many keys a page's paragraphs give ([`copy_keys`]).
pub(crate) const COPY_KEYS: usize = 3;

/// Keys for a page's long paragraphs (their blocks' site keys, in the page's order), so that
/// a page and its copies, the same article crawled again, share one; `None` for a page
/// without any. The first is of all the blocks, in order: copies as they were share it. The
/// others are the least of the blocks' keys, each under its own bijection of the keys (a
/// min-hash of the paragraphs' blocks): a copy with a line added inside a paragraph, which
/// splits its run and drops a part from the paragraphs, still shares those whose least block
/// was not in that part. A least block that is the site's (a sidebar paragraph on every page)
/// gathers other articles: [`crate::clean::Cleaner`] checks each key's pages, and counts the
/// copies of the key that passes with most. Keys of short and long paragraphs together
/// (`short`: [`crate::clean::block::PageText::paragraphs`]) are kept apart from keys of long
/// ones.
pub(crate) fn copy_keys(keys: impl IntoIterator<Item = u64>, short: bool) -> Option<[u64; COPY_KEYS]> {
    let seed = COPY_SEED ^ u64::from(short);
    let mut all = Fold::new(seed);
    let mut least = [u64::MAX; COPY_KEYS - 1];
    let mut any = false;
    for k in keys {
        all.push(k);
        for (i, m) in least.iter_mut().enumerate() {
            *m = (*m).min(fmix64(k ^ MIN_SEEDS[i]));
        }
        any = true;
    }
    any.then(|| {
        let mut out = [all.finish(); COPY_KEYS];
        for (i, m) in least.into_iter().enumerate() {
            let mut fold = Fold::new(seed ^ MIN_SEEDS[i]);
            fold.push(m);
            out[i + 1] = fold.finish();
        }
        out
    })
}

/// The bijections of [`copy_keys`]' least keys.
const MIN_SEEDS: [u64; COPY_KEYS - 1] = [0x4d49_4e48_4153_4831, 0x4d49_4e48_4153_4832]; // "MINHASH1", "MINHASH2"

/// Seed of [`copy_keys`].
const COPY_SEED: u64 = 0x434f_5049_4553_3031; // "COPIES01"

/// One key for all a page's blocks (`shapes`, sorted and without repeats: one key each, digits
/// masked): a page crawled again, its counters and dates aside, has the same key.
fn page_key(shapes: &[u64]) -> u64 {
    let mut fold = Fold::new(PAGE_SEED);
    for &k in shapes {
        fold.push(k);
    }
    fold.finish()
}

/// Seed of [`page_key`].
const PAGE_SEED: u64 = 0x5041_4745_5345_5431; // "PAGESET1"

/// Which end of a block an affix sits at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Leading,
    Trailing,
}

/// A short affix of a block, split from the rest at a separator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Affix {
    pub side: Side,
    /// The rest of the block, as a byte range of the text.
    pub rest: Range<usize>,
    /// The affix with its separator, as a byte range of the text.
    pub span: Range<usize>,
    /// What the site profile counts it by ([`affix_key`]).
    pub key: u64,
}

/// The text after a block's last separator, when it is short and the rest is not.
pub(crate) fn trailing_affix(part: &Part<'_>) -> Option<Affix> {
    let (cut, sep) = part.affix_separators().next_back()?;
    let after = cut + sep;
    let (rest, affix) = split_tokens(part, cut, after);
    short_affix(&affix, &rest).then(|| Affix {
        side: Side::Trailing,
        rest: part.span.start..cut,
        span: cut..part.span.end,
        key: affix_key(&part.tokens.hash[affix], Side::Trailing),
    })
}

/// The text before a block's first separator, when it is short and the rest is not.
pub(crate) fn leading_affix(part: &Part<'_>) -> Option<Affix> {
    let (cut, sep) = part.affix_separators().next()?;
    let after = cut + sep;
    let (affix, rest) = split_tokens(part, cut, after);
    short_affix(&affix, &rest).then(|| Affix {
        side: Side::Leading,
        rest: after..part.span.end,
        span: part.span.start..after,
        key: affix_key(&part.tokens.hash[affix], Side::Leading),
    })
}

/// The part's tokens before `cut` and from `after` on (a separator's token, `_`, is in
/// neither).
fn split_tokens(part: &Part<'_>, cut: usize, after: usize) -> (Range<usize>, Range<usize>) {
    let r = part.range.clone();
    let t = part.tokens;
    let meta = &t.meta[r.clone()];
    let before = r.start + meta.partition_point(|m| m.end() <= cut);
    let from = r.start + meta.partition_point(|m| m.start < after);
    (r.start..before, from..r.end)
}

fn short_affix(affix: &Range<usize>, rest: &Range<usize>) -> bool {
    let n = affix.len();
    (1..=AFFIX_MAX_TOKENS).contains(&n) && rest.len() > n
}

/// The key of an affix: its token hashes and its side.
pub(crate) fn affix_key(tokens: &[u64], side: Side) -> u64 {
    let mut fold = Fold::new(SHINGLE_SEED);
    for &t in tokens {
        fold.push(t);
    }
    fold.push(side as u64);
    fold.finish()
}

/// One site's counts while learning.
#[derive(Default)]
struct SiteCounts {
    pages: u32,
    blocks: KeyCounts,
    shapes: KeyCounts,
    affixes: KeyCounts,
    copies: KeyCounts,
    /// The [`page_key`]s of the pages counted.
    seen: AHashSet<u64>,
}

impl SiteCounts {
    /// Count a page's keys, unless a page with the same blocks (the same page crawled again,
    /// [`page_key`]) was counted: a page fetched twice would otherwise be on two pages of
    /// the site, every line of it, article and all, and a site with few pages would seem to
    /// print its article as boilerplate. The first copy of the input's order is counted.
    fn add(&mut self, facts: &FactsView<'_>, spare: &mut Vec<u64>) {
        if !self.seen.insert(page_key(facts.shapes)) {
            return;
        }
        self.pages += 1;
        self.blocks.add(facts.blocks, spare);
        self.shapes.add(facts.shapes, spare);
        self.affixes.add(facts.affixes, spare);
        for keys in [facts.copy, facts.short_copy].into_iter().flatten() {
            self.copies.add(&keys, spare);
        }
    }
}

/// Keys and on how many pages each came, while learning: the keys counted so far, sorted,
/// and those of the pages since, appended as they come and merged in now and then (when
/// they are as many as the counted ones, so each key is merged a few times at most). The
/// pages of many sites come interleaved and most keys are seen once: a hash map per site
/// would take a cache miss per key, where appending and merging read memory in order.
#[derive(Default)]
struct KeyCounts {
    keys: Vec<u64>,
    counts: Vec<u32>,
    pending: Vec<u64>,
}

/// Pending keys are merged once there are at least this many.
const PENDING_MIN: usize = 1024;

impl KeyCounts {
    fn add(&mut self, keys: &[u64], spare: &mut Vec<u64>) {
        self.pending.extend_from_slice(keys);
        if self.pending.len() >= PENDING_MIN.max(self.keys.len()) {
            self.merge(spare);
        }
    }

    /// Count the pending keys in (`spare`: a buffer for sorting them).
    fn merge(&mut self, spare: &mut Vec<u64>) {
        if self.pending.is_empty() {
            return;
        }
        crate::radix::sort_by_hash(&mut self.pending, spare, |&k| k);
        let (old_keys, old_counts) = (&self.keys, &self.counts);
        let mut keys = Vec::with_capacity(old_keys.len() + self.pending.len());
        let mut counts = Vec::with_capacity(keys.capacity());
        let mut i = 0;
        for run in self.pending.chunk_by(|a, b| a == b) {
            let key = run[0];
            let mut n = run.len() as u32;
            let below = old_keys[i..].iter().take_while(|&&k| k < key).count();
            keys.extend_from_slice(&old_keys[i..i + below]);
            counts.extend_from_slice(&old_counts[i..i + below]);
            i += below;
            if old_keys.get(i) == Some(&key) {
                n += old_counts[i];
                i += 1;
            }
            keys.push(key);
            counts.push(n);
        }
        keys.extend_from_slice(&old_keys[i..]);
        counts.extend_from_slice(&old_counts[i..]);
        (self.keys, self.counts) = (keys, counts);
        self.pending.clear();
    }

    /// The keys on two pages or more, with their counts: those on one page are no evidence
    /// of a site's habits.
    fn finish(mut self) -> TokenTable<u32> {
        self.merge(&mut Vec::new());
        let mut table = TokenTable::with_capacity(self.counts.iter().filter(|&&n| n >= 2).count());
        for (k, n) in self.keys.into_iter().zip(self.counts).filter(|&(_, n)| n >= 2) {
            *table.entry(k) = n;
        }
        table
    }
}

/// Merges [`PageFacts`] in input order into [`Profiles`].
#[derive(Default)]
pub struct Learner {
    sites: AHashMap<String, SiteCounts>,
    /// token → (pages whose sentences hold it, occurrences, is a CJK character), over the
    /// pages of the function-word sample, and over the other pages counted (the first
    /// [`WORDS_ALL_PAGES`]): a corpus of that many pages or fewer takes both.
    words: TokenTable<(u32, u64, bool)>,
    other_words: TokenTable<(u32, u64, bool)>,
    pages: u64,
    /// Pages without a site, by page index, kept until [`Learner::finish`] groups them.
    siteless: Vec<(u64, PageFacts)>,
    /// A buffer for sorting keys ([`KeyCounts::merge`]).
    spare: Vec<u64>,
}

/// Pages without a site join one inferred site when they share at least this many of their
/// template blocks (short lines that are not sentences: menus, headers, footers)...
const SHARED_BLOCKS: u32 = 3;
/// ... and at least this share (in percent) of the template blocks of the page that has
/// fewer. Pages of one site share most of their template; pages of different sites share a
/// few lines every site prints ("Home", "Search") or that travel with a reprinted article
/// (its headline, "Source: ..."), which would otherwise chain unrelated pages into one site,
/// and the article's paragraphs would go as that site's boilerplate.
const SHARED_TEMPLATE_PERCENT: usize = 70;
/// A block on more site-less pages than this is too common to tell sites apart.
const SHARED_BLOCK_MAX_PAGES: usize = 200;
/// The name prefix of an inferred site (not a host name: hosts cannot start with `~`).
pub const INFERRED_SITE: &str = "~inferred-";

impl Learner {
    /// An empty learner.
    pub fn new() -> Learner {
        Learner::default()
    }

    /// Add one page's facts.
    pub fn add(&mut self, facts: PageFacts) {
        if !self.add_view(facts.view()) {
            self.siteless.push((self.pages - 1, facts));
        }
    }

    /// Add the facts of each page of `chunk`, in order (as [`Learner::add`] of each).
    pub fn add_chunk(&mut self, chunk: &FactsChunk) {
        for facts in chunk.views() {
            if !self.add_view(facts) {
                self.siteless.push((self.pages - 1, facts.to_owned()));
            }
        }
    }

    /// Count a page's words, and its keys into its site's counts. Returns `false` for a page
    /// without a site, which the caller keeps until [`Learner::finish`] groups such pages.
    fn add_view(&mut self, facts: FactsView<'_>) -> bool {
        self.pages += 1;
        let words = match facts.sampled {
            true => &mut self.words,
            false => &mut self.other_words,
        };
        for &(token, n, cjk) in facts.words {
            // CJK when every page's sentences holding it were (whatever the pages' order).
            let e = words.entry(token);
            e.2 = if e.0 == 0 { cjk } else { e.2 && cjk };
            e.0 += 1;
            e.1 += u64::from(n);
        }
        let Some(site) = facts.site else {
            return false;
        };
        // Looked up by name first: a page of a known site allocates nothing.
        match self.sites.get_mut(site) {
            Some(counts) => counts.add(&facts, &mut self.spare),
            None => self
                .sites
                .entry(site.to_owned())
                .or_default()
                .add(&facts, &mut self.spare),
        }
        true
    }

    /// Group the pages without a site into inferred sites: pages that share
    /// [`SHARED_BLOCKS`] template blocks, and most of them ([`SHARED_TEMPLATE_PERCENT`]), are
    /// one site's (a template prints the same lines on each).
    fn infer_sites(&mut self) -> Vec<(u64, String)> {
        let pages = std::mem::take(&mut self.siteless);
        let mut index: AHashMap<u64, Vec<u32>> = AHashMap::new();
        for (k, (_, facts)) in pages.iter().enumerate() {
            for &h in facts.view().template {
                index.entry(h).or_default().push(k as u32);
            }
        }
        let mut shared: AHashMap<(u32, u32), u32> = AHashMap::new();
        for list in index
            .values()
            .filter(|l| (2..=SHARED_BLOCK_MAX_PAGES).contains(&l.len()))
        {
            for (i, &a) in list.iter().enumerate() {
                for &b in &list[i + 1..] {
                    *shared.entry((a, b)).or_insert(0) += 1;
                }
            }
        }
        let mut groups = crate::cluster::UnionFind::new(pages.len());
        for (&(a, b), &n) in &shared {
            let template = |k: u32| pages[k as usize].1.view().template.len();
            let smaller = template(a).min(template(b));
            if n >= SHARED_BLOCKS && n as usize * 100 >= smaller * SHARED_TEMPLATE_PERCENT {
                groups.union(a, b);
            }
        }
        // Name each group of two or more pages by its first page's index.
        let roots: Vec<u32> = (0..pages.len() as u32).map(|k| groups.find(k)).collect();
        let mut size: AHashMap<u32, (u32, u64)> = AHashMap::new();
        for (k, &root) in roots.iter().enumerate() {
            let e = size.entry(root).or_insert((0, pages[k].0));
            e.0 += 1;
        }
        let mut inferred = Vec::new();
        for ((index, facts), root) in pages.into_iter().zip(roots) {
            let (members, first) = size[&root];
            if members >= 2 {
                let name = format!("{INFERRED_SITE}{first}");
                self.sites
                    .entry(name.clone())
                    .or_default()
                    .add(&facts.view(), &mut self.spare);
                inferred.push((index, name));
            }
        }
        inferred
    }

    /// The profiles of everything added. Entries seen on one page only are dropped: they are
    /// no evidence of a site's habits.
    pub fn finish(mut self) -> Profiles {
        let inferred = self.infer_sites().into_iter().collect();
        let mut latin = Vec::new();
        let mut cjk = Vec::new();
        // Every page's words when the corpus is small, else the sample's: either way the
        // same pages whatever their order.
        if self.pages <= WORDS_ALL_PAGES {
            for (token, (pages, count, cjk)) in self.other_words.iter() {
                let e = self.words.entry(token);
                e.2 = if e.0 == 0 { cjk } else { e.2 && cjk };
                e.0 += pages;
                e.1 += count;
            }
        }
        for (token, (pages, count, is_cjk)) in self.words.iter() {
            if is_cjk { &mut cjk } else { &mut latin }.push((pages, count, token));
        }
        let mut function_words = Vec::new();
        for mut class in [latin, cjk] {
            // Most pages first, then most occurrences, then the hash: a total order.
            class.sort_unstable_by(|a, b| b.cmp(a));
            // A small corpus has few words; keep its function words a small share of them.
            let keep = FUNCTION_WORDS.min(class.len().div_ceil(10));
            function_words.extend(class.iter().take(keep).map(|w| w.2));
        }
        // Each site's counts are pruned into its tables on the caller's pool, side by side.
        use rayon::prelude::*;
        let sites: Vec<(String, SiteCounts)> = self.sites.into_iter().collect();
        let sites: Vec<(String, SiteProfile)> = sites
            .into_par_iter()
            .map(|(name, c)| {
                let profile = SiteProfile {
                    pages: c.pages,
                    blocks: c.blocks.finish(),
                    shapes: c.shapes.finish(),
                    affixes: c.affixes.finish(),
                    copies: c.copies.finish(),
                };
                (name, profile)
            })
            .collect();
        Profiles {
            function_words: FunctionWords::new(function_words),
            sites: sites.into_iter().collect(),
            pages: self.pages,
            inferred,
        }
    }
}

/// What one site prints again and again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteProfile {
    /// Pages of the site the profile was learned from.
    pub pages: u32,
    pub(crate) blocks: TokenTable<u32>,
    pub(crate) shapes: TokenTable<u32>,
    pub(crate) affixes: TokenTable<u32>,
    /// Pages by the keys of their paragraphs ([`copy_keys`]): copies of one page.
    pub(crate) copies: TokenTable<u32>,
}

impl SiteProfile {
    /// Start bringing the counts of a block with these keys (hash, shape) into the cache.
    pub(crate) fn prefetch_block(&self, hash: u64, shape: u64) {
        self.blocks.prefetch(hash);
        self.shapes.prefetch(shape);
    }

    /// On how many learned pages a block with this hash occurs.
    pub fn block_pages(&self, hash: u64) -> u32 {
        self.blocks.get(hash).copied().unwrap_or(0)
    }

    /// On how many learned pages a block of this shape occurs.
    pub fn shape_pages(&self, shape: u64) -> u32 {
        self.shapes.get(shape).copied().unwrap_or(0)
    }

    /// On how many learned pages this affix occurs.
    pub fn affix_pages(&self, key: u64) -> u32 {
        self.affixes.get(key).copied().unwrap_or(0)
    }

    /// How many learned pages have these long paragraphs (`key`, one hash of the sorted
    /// keys of a page's blocks of 256 bytes or more that end like sentences): a page and its
    /// copies.
    pub fn copy_pages(&self, key: u64) -> u32 {
        self.copies.get(key).copied().unwrap_or(0)
    }
}

/// Learned site profiles and function words: what [`super::Cleaner`] cleans with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profiles {
    pub(crate) function_words: FunctionWords,
    pub(crate) sites: AHashMap<String, SiteProfile>,
    pages: u64,
    /// Learned pages without a site that were grouped into an inferred site, by page index.
    inferred: AHashMap<u64, String>,
}

impl Profiles {
    /// Learn from pages in order (single-threaded; see [`Learner`] to spread the work).
    pub fn learn<'a>(pages: impl IntoIterator<Item = Page<'a>>) -> Profiles {
        let mut learner = Learner::new();
        let mut scratch = Scratch::default();
        for (index, page) in pages.into_iter().enumerate() {
            learner.add(PageFacts::of_page(&page, index as u64, &mut scratch));
        }
        learner.finish()
    }

    /// The profile of `site`, if any of its pages were learned.
    pub fn site(&self, site: &str) -> Option<&SiteProfile> {
        self.sites.get(site)
    }

    /// The site inferred for learned page `index` (its position among the pages learned
    /// from), when the page had no site and shares its template with other such pages.
    pub fn inferred_site(&self, index: u64) -> Option<&str> {
        self.inferred.get(&index).map(String::as_str)
    }

    /// Pages learned from.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Number of sites with a profile.
    pub fn sites(&self) -> usize {
        self.sites.len()
    }

    /// Is this token hash ([`crate::text::token_hash`]) a function word?
    pub fn is_function_word(&self, token: u64) -> bool {
        self.function_words.contains(token)
    }

    /// The profiles as versioned JSON (deterministic: sites and entries sorted).
    pub fn to_json(&self) -> String {
        let sorted = |m: &TokenTable<u32>| {
            let mut v: Vec<(u64, u32)> = m.iter().collect();
            v.sort_unstable();
            v
        };
        let function_words = self.function_words.sorted().to_vec();
        let mut sites: Vec<SavedSite> = self
            .sites
            .iter()
            .map(|(name, p)| SavedSite {
                site: name.clone(),
                pages: p.pages,
                blocks: sorted(&p.blocks),
                shapes: sorted(&p.shapes),
                affixes: sorted(&p.affixes),
                copies: sorted(&p.copies),
            })
            .collect();
        sites.sort_unstable_by(|a, b| a.site.cmp(&b.site));
        let saved = Saved {
            format: PROFILE_FORMAT.to_owned(),
            version: PROFILE_VERSION,
            token_seed: TOKEN_SEED,
            pages: self.pages,
            function_words,
            sites,
        };
        serde_json::to_string(&saved).expect("profiles hold only numbers and strings")
    }

    /// Read profiles saved by [`Profiles::to_json`]. A file of another format, version or token
    /// hash is an error naming what differs, not a silent wrong answer.
    pub fn from_json(json: &str) -> Result<Profiles, String> {
        let saved: Saved = serde_json::from_str(json).map_err(|e| format!("not a reprint profile file: {e}"))?;
        if saved.format != PROFILE_FORMAT {
            return Err(format!("format is {:?}, expected {PROFILE_FORMAT:?}", saved.format));
        }
        if saved.version != PROFILE_VERSION {
            return Err(format!(
                "profile format version {} cannot be read by this reprint (it reads version {PROFILE_VERSION}); learn the profiles again",
                saved.version
            ));
        }
        if saved.token_seed != TOKEN_SEED {
            return Err("the profiles were built with another token hash; learn them again".to_owned());
        }
        let sites = saved
            .sites
            .into_iter()
            .map(|s| {
                let profile = SiteProfile {
                    pages: s.pages,
                    blocks: s.blocks.into_iter().collect(),
                    shapes: s.shapes.into_iter().collect(),
                    affixes: s.affixes.into_iter().collect(),
                    copies: s.copies.into_iter().collect(),
                };
                (s.site, profile)
            })
            .collect();
        Ok(Profiles {
            function_words: FunctionWords::new(saved.function_words),
            sites,
            pages: saved.pages,
            // Inferred sites name learned pages by position; new pages have no position.
            inferred: AHashMap::new(),
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Saved {
    format: String,
    version: u32,
    token_seed: u64,
    pages: u64,
    function_words: Vec<u64>,
    sites: Vec<SavedSite>,
}

#[derive(Serialize, Deserialize)]
struct SavedSite {
    site: String,
    pages: u32,
    blocks: Vec<(u64, u32)>,
    shapes: Vec<(u64, u32)>,
    affixes: Vec<(u64, u32)>,
    copies: Vec<(u64, u32)>,
}

#[cfg(test)]
mod tests {
    use super::super::block::{affix_separators, facts_of, PageText, AFFIX_SEPARATORS};
    use super::*;

    proptest::proptest! {
        /// Counting by sorted runs agrees with a hash map, whenever the merges fall.
        #[test]
        fn key_counts_agree_with_a_map(pages in proptest::collection::vec(
            proptest::collection::vec(0u64..3000, 0..400), 0..40))
        {
            let mut counts = KeyCounts::default();
            let mut naive: AHashMap<u64, u32> = AHashMap::new();
            for keys in pages {
                // Spread over 64 bits, as block keys are (the tables take 0 and 1 as one key).
                let mut keys: Vec<u64> = keys.iter().map(|k| (k + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)).collect();
                keys.sort_unstable();
                keys.dedup();
                counts.add(&keys, &mut Vec::new());
                for &k in &keys {
                    *naive.entry(k).or_insert(0) += 1;
                }
            }
            let expected: TokenTable<u32> = naive.into_iter().filter(|&(_, n)| n >= 2).collect();
            proptest::prop_assert_eq!(counts.finish(), expected);
        }
    }

    fn page<'a>(text: &'a str, site: &'a str) -> Page<'a> {
        Page {
            text,
            title: None,
            site: Some(site),
        }
    }

    #[test]
    fn copy_keys_are_the_same_after_either_analysis() {
        // The learner keys a page after its partial analysis, the cleaner after its full one.
        let wrapped = "The council met on Monday and agreed, after a long debate that ran\n\
                       well into the night, to review the parking plan again next month, and\n\
                       to hear the traders first. The chef left for good. [Telegraph]";
        let texts = [
            format!(
                "Home | News | Sport\n{wrapped}\n\nA short paragraph that ends like a sentence, of 64 bytes or more.\n\
                 Officials said the talks would resume in the spring, after the vote.(AP)"
            ),
            "首页 | 新闻\n会议于周一在北京举行，各方代表就合作事项交换了意见并达成多项共识。（新华社）\n\
             更多新闻"
                .to_owned(),
            "Galleries | Archive\nFishing boats waiting outside the harbour mouth for the evening tide\n\
             The dredger at work in the inner basin, seen from the lighthouse steps\nPhoto Desk"
                .to_owned(),
        ];
        for text in &texts {
            // Past the pages whose words are all counted: the partial analysis, unless sampled.
            let facts = PageFacts::of_page(&page(text, "a.com"), WORDS_ALL_PAGES, &mut Scratch::default());
            let mut full = PageText::default();
            full.analyze(text);
            let (mut long, mut short) = (Vec::new(), Vec::new());
            full.paragraphs(text, &mut long, &mut short);
            let keys = |set: &[usize], short: bool| {
                copy_keys(
                    set.iter()
                        .map(|&b| full.site_keys(text, b).expect("paragraphs are keyed").0),
                    short,
                )
            };
            assert!(!short.is_empty(), "{text:?} has paragraphs");
            assert_eq!(facts.view().copy, keys(&long, false), "{text:?}");
            assert_eq!(
                facts.view().short_copy,
                keys(&short, true).filter(|_| short.len() > long.len()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn copy_keys_of_all_blocks_need_them_all_and_least_keys_outlast_a_missing_one() {
        let blocks: Vec<u64> = (1..=12u64).map(|i| fmix64(i * 0x9E37)).collect();
        let all = copy_keys(blocks.iter().copied(), false).expect("blocks have keys");
        assert_eq!(copy_keys(std::iter::empty(), false), None);
        // Short and long paragraphs are keyed apart.
        let short = copy_keys(blocks.iter().copied(), true).expect("blocks have keys");
        assert!(all.iter().all(|k| !short.contains(k)));
        // The least keys do not depend on the blocks' order; the key of all of them does.
        let mut reversed = blocks.clone();
        reversed.reverse();
        let back = copy_keys(reversed.iter().copied(), false).expect("blocks have keys");
        assert_ne!(all[0], back[0]);
        assert_eq!(all[1..], back[1..]);
        // Without one block, the key of all of them changes, and a least key only when that
        // block was its least.
        for drop in 0..blocks.len() {
            let rest = blocks.iter().enumerate().filter(|&(i, _)| i != drop).map(|(_, &k)| k);
            let keys = copy_keys(rest, false).expect("blocks have keys");
            assert_ne!(keys[0], all[0]);
            for (m, seed) in MIN_SEEDS.iter().enumerate() {
                let least = (0..blocks.len()).min_by_key(|&i| fmix64(blocks[i] ^ seed)).unwrap();
                assert_eq!(keys[m + 1] == all[m + 1], least != drop, "seed {m}, block {drop}");
            }
        }
    }

    #[test]
    fn counts_blocks_shapes_and_affixes_per_site() {
        let pages = [
            "Home | News\n2024/06/18 military 1983\nFirst story text here - DayDayNews",
            "Home | News\n2023/11/02 military 77\nSecond and other story - DayDayNews",
            "Home | News\nA third page",
        ];
        let profiles = Profiles::learn(pages.iter().map(|t| page(t, "a.com")));
        let site = profiles.site("a.com").unwrap();
        assert_eq!(site.pages, 3);
        let home = facts_of("home / news");
        assert_eq!(site.block_pages(home.hash), 3);
        let date = facts_of("1999/01/01 military 5");
        assert_eq!(site.block_pages(date.hash), 0);
        assert_eq!(site.shape_pages(date.shape), 2);
        let key = affix_key(&[crate::text::token_hash(b"daydaynews")], Side::Trailing);
        assert_eq!(site.affix_pages(key), 2);
        assert!(profiles.site("b.com").is_none());
    }

    /// Pages without a site are grouped by the template lines they share, not by the lines a
    /// reprinted article carries from site to site (its headline, its source, its paragraphs).
    #[test]
    fn pages_without_a_site_group_by_their_template() {
        let alpha = "Alpha Gazette\nHome | World | Sport | Money\nSign in | Subscribe\n";
        let alpha_end = "\nAbout | Contact | Privacy\nAlpha Gazette 2024";
        let beta = "Beta Times\nHome · News · Culture · Tech\nNewsletter | Log in\n";
        let beta_end = "\nTerms | Cookies | Careers\nBeta Times Group";
        // Stories differ in words, not only in digits (pages that differ only in their
        // digits are one page crawled twice, counted once).
        let story = |n: usize| {
            let topic = ["budget", "bridge", "library"][n - 1];
            format!(
                "Story number {n} of the day\nThe council met on Monday {n} and it agreed to the new {topic}.\n\
                 It was a long meeting and many people spoke for and against the {topic} plan {n}."
            )
        };
        let reprint = "Storm closes the northern roads\nSource: Wire Service\n\
                       A storm is on the way and the roads to the north are closed for the night.\n\
                       The police asked drivers to stay at home until the wind has dropped.";
        let texts = [
            format!("{alpha}{}{alpha_end}", story(1)),
            format!("{alpha}{}{alpha_end}", story(2)),
            format!("{alpha}{reprint}{alpha_end}"),
            format!("{beta}{}{beta_end}", story(3)),
            format!("{beta}{reprint}{beta_end}"),
        ];
        let profiles = Profiles::learn(texts.iter().map(|text| Page {
            text,
            title: None,
            site: None,
        }));
        let site = |k: u64| profiles.inferred_site(k).expect("every page has a sibling");
        assert_eq!((site(1), site(2)), (site(0), site(0)));
        assert_eq!(site(4), site(3));
        assert_ne!(site(2), site(4), "the reprint does not join the two sites");
        // The reprint's paragraphs are not its site's boilerplate: they are on no other page
        // of either site (a key on one page only is not kept).
        let paragraph = facts_of("A storm is on the way and the roads to the north are closed for the night.");
        assert_eq!(profiles.site(site(2)).unwrap().block_pages(paragraph.hash), 0);
        let menu = facts_of("Home | World | Sport | Money");
        assert_eq!(profiles.site(site(2)).unwrap().block_pages(menu.hash), 3);
    }

    #[test]
    fn separator_scan_agrees_with_the_list() {
        for sep in AFFIX_SEPARATORS {
            let block = format!("words before{sep}after");
            assert_eq!(affix_separators(&block), [(12, sep.len())], "{sep:?}");
        }
        for not in ["a -b", "a- b", "a : b", "a ‒ b", "a \u{a0} b", "a ¬ b"] {
            assert!(affix_separators(not).is_empty(), "{not:?}");
        }
    }

    /// The affixes of `block` (one line) as (trailing, leading).
    fn affixes(block: &str) -> (Option<Affix>, Option<Affix>) {
        let mut page = PageText::default();
        page.analyze(block);
        let part = page.block(block, 0);
        (trailing_affix(&part), leading_affix(&part))
    }

    #[test]
    fn affixes_need_a_longer_rest() {
        let t = affixes("A long headline here - Site").0.unwrap();
        let key = affix_key(&[crate::text::token_hash(b"site")], Side::Trailing);
        assert_eq!((t.side, t.rest, t.span, t.key), (Side::Trailing, 0..20, 20..27, key));
        let l = affixes("Source: x | A long headline here").1.unwrap();
        let tokens = [crate::text::token_hash(b"source"), crate::text::token_hash(b"x")];
        let key = affix_key(&tokens, Side::Leading);
        assert_eq!((l.side, l.rest, l.span, l.key), (Side::Leading, 12..32, 0..12, key));
        assert_eq!(affixes("Home - News"), (None, None));
        assert_eq!(affixes("no separator at all"), (None, None));
        // The separator's own token ("_") belongs to neither side.
        let u = affixes("A long headline here _ Site").0.unwrap();
        assert_eq!(u.key, affix_key(&[crate::text::token_hash(b"site")], Side::Trailing));
    }

    #[test]
    fn function_words_come_from_sentences_of_many_pages() {
        let texts: Vec<String> = (0..30)
            .map(|i| format!("Menu Home Share\nThe cat number {i} sat on the mat and it was the best of times.\n"))
            .collect();
        let profiles = Profiles::learn(texts.iter().map(|t| page(t, "a.com")));
        let is = |w: &str| profiles.is_function_word(crate::text::token_hash(w.as_bytes()));
        assert!(is("the"));
        assert!(!is("home"), "chrome words are not counted");
    }

    #[test]
    fn json_round_trips_and_checks_its_version() {
        let long = "A paragraph long enough to be one of the article's, which copies of the page share. ".repeat(4);
        let copy = format!("Home\n{}\n", long.trim_end());
        let recrawl = format!("Home\nMost read\n{}\n", long.trim_end());
        let texts = ["Home\nA b c d\n", "Home\nE f g h\n", &copy, &recrawl, &copy];
        let profiles = Profiles::learn(texts.iter().map(|t| page(t, "a.com")));
        // The page crawled again with a widget more, and the one crawled again as it was,
        // which is not counted again: two pages under each of the paragraph's three keys,
        // four counted.
        assert_eq!(profiles.site("a.com").unwrap().pages, 4);
        assert_eq!(
            profiles
                .site("a.com")
                .unwrap()
                .copies
                .iter()
                .map(|(_, n)| n)
                .collect::<Vec<_>>(),
            [2, 2, 2]
        );
        let json = profiles.to_json();
        assert_eq!(Profiles::from_json(&json).unwrap(), profiles);
        let old = json.replace(&format!("\"version\":{PROFILE_VERSION}"), "\"version\":0");
        assert!(Profiles::from_json(&old).unwrap_err().contains("version 0"));
        assert!(Profiles::from_json("{}")
            .unwrap_err()
            .starts_with("not a reprint profile file"));
    }
}
