//! What one page contributes to learning: its *facts* (the keys of its blocks, shapes,
//! affixes and paragraphs, and the words of its sentences), computed on any thread and merged
//! by [`super::Learner`] in input order.
//!
//! A page's facts are a few short lists. Kept one allocation each, they cost a learning pass
//! six allocations a page, all freed on the learner's thread (a free across threads takes the
//! allocating arena's lock): on the generated 100,000-page corpus that was a quarter of the
//! learner's time and as much again on the pool. So the CLI writes the facts of many pages
//! into the shared buffers of one [`FactsChunk`]; [`PageFacts`] is the same for one page, for
//! callers that learn a page at a time. Both are read through a [`FactsView`].

use std::ops::Range;

use super::block::{ends_like_sentence, LONG_KEY_BYTES};
use super::profile::{copy_keys, is_sentence, leading_affix, trailing_affix, COPY_KEYS};
use super::{Page, Scratch};

/// A corpus of at most this many pages takes its function words from every page; a larger
/// one from the pages its sample holds ([`WORDS_SAMPLE`]).
pub const WORDS_ALL_PAGES: u64 = 2048;
/// A page is in the function-word sample when the hash of its text is 0 modulo this: the
/// sample is a function of the pages, not of their order (so learning, and dedup of
/// recovered bodies, give the same result for the input shuffled).
pub const WORDS_SAMPLE: u64 = 16;
/// Seed of the hash that draws the function-word sample.
const SAMPLE_SEED: u64 = 0x5341_4d50_4c45_3031; // "SAMPLE01"

/// A distinct token of a page's sentences: (hash, occurrences, every occurrence in a CJK
/// sentence).
pub(crate) type Word = (u64, u32, bool);

/// What one page contributes to its site's profile and to the function words.
#[derive(Clone, Debug, Default)]
pub struct PageFacts {
    site: Option<String>,
    /// The page's key lists one after another ([`Lists`]).
    keys: Vec<u64>,
    words: Vec<Word>,
    lists: Lists,
}

/// Where one page's facts lie in the buffers they were written to, and its fixed-size facts.
#[derive(Clone, Debug, Default)]
struct Lists {
    /// The ends of the page's blocks, shapes, affixes and template keys in the key buffer
    /// (each list starts where the one before ends; the first at `start`).
    start: usize,
    ends: [usize; 4],
    words: Range<usize>,
    copy: Option<[u64; COPY_KEYS]>,
    short_copy: Option<[u64; COPY_KEYS]>,
    sampled: bool,
}

/// One page's facts, borrowed from a [`PageFacts`] or a [`FactsChunk`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct FactsView<'a> {
    pub site: Option<&'a str>,
    /// The site keys of the page's blocks, sorted, without repeats.
    pub blocks: &'a [u64],
    /// Their shape keys, sorted, without repeats.
    pub shapes: &'a [u64],
    /// The keys of the short affixes its blocks carry, sorted, without repeats.
    pub affixes: &'a [u64],
    /// For a page without a site: the keys of its blocks that may be a template's (short,
    /// and not sentences), the evidence [`super::Learner::finish`] groups such pages by.
    /// Pages that print the same article share its sentences, not a site.
    pub template: &'a [u64],
    /// The keys of the page's long paragraphs ([`copy_keys`]): copies of the page (the same
    /// article crawled again) share one. And those of its paragraphs short and long, when it
    /// has short ones: a page whose one long paragraph is the site's (a notice on every page)
    /// is told from another by them.
    pub copy: Option<[u64; COPY_KEYS]>,
    pub short_copy: Option<[u64; COPY_KEYS]>,
    /// Distinct tokens of the page's sentences.
    pub words: &'a [Word],
    /// Whether the page is in the function-word sample ([`WORDS_SAMPLE`]).
    pub sampled: bool,
}

impl Lists {
    fn view<'a>(&self, site: Option<&'a str>, keys: &'a [u64], words: &'a [Word]) -> FactsView<'a> {
        let [blocks, shapes, affixes, template] = self.ends;
        FactsView {
            site,
            blocks: &keys[self.start..blocks],
            shapes: &keys[blocks..shapes],
            affixes: &keys[shapes..affixes],
            template: &keys[affixes..template],
            copy: self.copy,
            short_copy: self.short_copy,
            words: &words[self.words.clone()],
            sampled: self.sampled,
        }
    }
}

impl PageFacts {
    /// The facts of one page (pure; call it from any thread).
    pub fn of(page: &Page<'_>) -> PageFacts {
        PageFacts::of_page(page, 0, &mut Scratch::default())
    }

    /// The facts of the page at position `index` of the pages learned from, with the caller's
    /// buffers. Words are counted on the pages of the function-word sample (one page in
    /// [`WORDS_SAMPLE`], drawn by the hash of its text: the most frequent tokens of a corpus
    /// show after a few thousand pages) and on the first [`WORDS_ALL_PAGES`], which a corpus
    /// that turns out small takes its function words from (see [`super::Learner::finish`]).
    pub fn of_page(page: &Page<'_>, index: u64, scratch: &mut Scratch) -> PageFacts {
        let mut facts = PageFacts {
            site: page.site.map(str::to_owned),
            ..PageFacts::default()
        };
        facts.lists = write_facts(page, index, scratch, &mut facts.keys, &mut facts.words);
        facts
    }

    pub(crate) fn view(&self) -> FactsView<'_> {
        self.lists.view(self.site.as_deref(), &self.keys, &self.words)
    }
}

impl FactsView<'_> {
    /// The same facts in buffers of their own.
    pub(crate) fn to_owned(self) -> PageFacts {
        let mut keys =
            Vec::with_capacity(self.blocks.len() + self.shapes.len() + self.affixes.len() + self.template.len());
        let mut ends = [0; 4];
        for (list, end) in [self.blocks, self.shapes, self.affixes, self.template]
            .into_iter()
            .zip(&mut ends)
        {
            keys.extend_from_slice(list);
            *end = keys.len();
        }
        PageFacts {
            site: self.site.map(str::to_owned),
            keys,
            words: self.words.to_vec(),
            lists: Lists {
                start: 0,
                ends,
                words: 0..self.words.len(),
                copy: self.copy,
                short_copy: self.short_copy,
                sampled: self.sampled,
            },
        }
    }
}

/// The facts of consecutive pages, written into buffers shared by all of them: a few
/// allocations a chunk where [`PageFacts`] takes several a page. Learn them with
/// [`super::Learner::add_chunk`], in the pages' order; the chunks may be computed on any
/// threads.
///
/// ```
/// use rayon::prelude::*;
/// use reprint::clean::{FactsChunk, Learner, Page, Profiles, Scratch};
///
/// let texts: Vec<String> = (0..10)
///     .map(|i| format!("Home | News\nStory {i} opens here, and the council met again.\nContact us"))
///     .collect();
/// let pages: Vec<Page<'_>> = texts
///     .iter()
///     .map(|text| Page { text, title: None, site: Some("a.example") })
///     .collect();
/// let chunks: Vec<FactsChunk> = pages
///     .par_chunks(4)
///     .enumerate()
///     .map_init(Scratch::default, |scratch, (c, chunk)| {
///         let mut facts = FactsChunk::new();
///         for (i, page) in chunk.iter().enumerate() {
///             facts.push(page, (c * 4 + i) as u64, scratch);
///         }
///         facts
///     })
///     .collect();
/// let mut learner = Learner::new();
/// for chunk in &chunks {
///     learner.add_chunk(chunk);
/// }
/// assert_eq!(learner.finish(), Profiles::learn(pages.iter().copied()));
/// ```
#[derive(Clone, Debug, Default)]
pub struct FactsChunk {
    keys: Vec<u64>,
    words: Vec<Word>,
    /// The pages' site names, one after another.
    sites: String,
    pages: Vec<(Option<Range<usize>>, Lists)>,
}

impl FactsChunk {
    /// An empty chunk.
    pub fn new() -> FactsChunk {
        FactsChunk::default()
    }

    /// Append the facts of the page at position `index` of the pages learned from
    /// ([`PageFacts::of_page`]).
    pub fn push(&mut self, page: &Page<'_>, index: u64, scratch: &mut Scratch) {
        let site = page.site.map(|site| {
            let start = self.sites.len();
            self.sites.push_str(site);
            start..self.sites.len()
        });
        let lists = write_facts(page, index, scratch, &mut self.keys, &mut self.words);
        self.pages.push((site, lists));
    }

    /// Pages in the chunk.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether the chunk holds no page.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Each page's facts, in the order they were pushed.
    pub(crate) fn views(&self) -> impl Iterator<Item = FactsView<'_>> {
        self.pages.iter().map(|(site, lists)| {
            let site = site.clone().map(|range| &self.sites[range]);
            lists.view(site, &self.keys, &self.words)
        })
    }
}

/// Compute the facts of `page` (at position `index` of the pages learned from), appending its
/// key lists to `keys` and its words to `words`; returns where they are.
fn write_facts(
    page: &Page<'_>,
    index: u64,
    scratch: &mut Scratch,
    keys: &mut Vec<u64>,
    out_words: &mut Vec<Word>,
) -> Lists {
    let sampled = xxhash_rust::xxh3::xxh3_64_with_seed(page.text.as_bytes(), SAMPLE_SEED) % WORDS_SAMPLE == 0;
    let count_words = sampled || index < WORDS_ALL_PAGES;
    let text = page.text;
    let Scratch {
        page: analysis,
        words,
        long: long_blocks,
        short: short_blocks,
        long_keys: long,
        short_keys: short,
        lists,
        ..
    } = scratch;
    match count_words {
        true => analysis.analyze(text),
        false => analysis.analyze_for_keys(text),
    }
    analysis.paragraphs(text, long_blocks, short_blocks);
    let has_short = short_blocks.len() > long_blocks.len();
    let mut long_blocks = long_blocks.iter().peekable();
    let mut short_blocks = short_blocks.iter().peekable();
    words.clear();
    long.clear();
    short.clear();
    for list in lists.iter_mut() {
        list.clear();
    }
    let [blocks, shapes, affixes, template] = lists;
    for b in 0..analysis.blocks.len() {
        let Some((hash, shape)) = analysis.site_keys(text, b) else {
            continue;
        };
        let part = analysis.block(text, b);
        blocks.push(hash);
        shapes.push(shape);
        let sentence_end = ends_like_sentence(part.str());
        let sentence = is_sentence(part.range.len() as u32, sentence_end);
        if page.site.is_none() && !sentence && part.span.len() < LONG_KEY_BYTES {
            template.push(hash);
        }
        if long_blocks.next_if_eq(&&b).is_some() {
            long.push(hash);
        }
        if short_blocks.next_if_eq(&&b).is_some() {
            short.push(hash);
        }
        if count_words && sentence {
            let cjk = part.range.clone().filter(|&i| part.is_cjk(i)).count() * 2 > part.range.len();
            for &t in part.hashes() {
                // (occurrences, every occurrence in a CJK sentence)
                let e = words.entry(t);
                e.1 = if e.0 == 0 { cjk } else { e.1 && cjk };
                e.0 += 1;
            }
        }
        for affix in [trailing_affix(&part), leading_affix(&part)].into_iter().flatten() {
            affixes.push(affix.key);
        }
    }
    let start = keys.len();
    let mut ends = [0; 4];
    for (list, end) in lists.iter_mut().zip(&mut ends) {
        list.sort_unstable();
        list.dedup();
        keys.extend_from_slice(list);
        *end = keys.len();
    }
    let first_word = out_words.len();
    out_words.reserve(words.len());
    out_words.extend(words.iter().map(|(t, (n, cjk))| (t, n, cjk)));
    Lists {
        start,
        ends,
        words: first_word..out_words.len(),
        copy: copy_keys(long.iter().copied(), false),
        short_copy: copy_keys(short.iter().copied(), true).filter(|_| has_short),
        sampled,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Learner, Profiles};
    use super::*;

    /// Pages of two sites and without one (grouped by their template), crawled twice.
    fn pages() -> Vec<(String, Option<&'static str>)> {
        let mut pages = Vec::new();
        for crawl in 0..2 {
            for i in 0..6 {
                let site = [Some("a.com"), Some("b.org"), None][i % 3];
                let text = format!(
                    "Home | News | Sport\nStory {i} opens here, and the council met again on Monday.\n\
                     Officials said talks on story {i} would resume in the spring, after the vote.\n\
                     Share this story - Site {}\nContact us\nAbout us\nCopyright 2024",
                    i % 3
                );
                pages.push((if crawl == 0 { text } else { format!("{text}\nUpdated") }, site));
            }
        }
        pages
    }

    #[test]
    fn chunks_learn_what_pages_learn() {
        let pages = pages();
        let pages: Vec<Page<'_>> = pages
            .iter()
            .map(|(text, site)| Page {
                text,
                title: None,
                site: *site,
            })
            .collect();
        let one_by_one = Profiles::learn(pages.iter().cloned());
        assert!(one_by_one.inferred_site(2).is_some(), "the site-less pages are grouped");
        for size in [1, 5, pages.len()] {
            let mut learner = Learner::new();
            let mut scratch = Scratch::default();
            for (c, chunk) in pages.chunks(size).enumerate() {
                let mut facts = FactsChunk::new();
                for (i, page) in chunk.iter().enumerate() {
                    facts.push(page, (c * size + i) as u64, &mut scratch);
                }
                assert_eq!(facts.len(), chunk.len());
                learner.add_chunk(&facts);
            }
            assert_eq!(learner.finish(), one_by_one, "chunks of {size}");
        }
    }

    #[test]
    fn a_view_made_owned_is_the_same_facts() {
        let pages = pages();
        let mut chunk = FactsChunk::new();
        let mut scratch = Scratch::default();
        for (i, (text, site)) in pages.iter().enumerate() {
            chunk.push(
                &Page {
                    text,
                    title: None,
                    site: *site,
                },
                i as u64,
                &mut scratch,
            );
        }
        for (view, (text, site)) in chunk.views().zip(&pages) {
            let alone = PageFacts::of_page(
                &Page {
                    text,
                    title: None,
                    site: *site,
                },
                0,
                &mut scratch,
            );
            let owned = view.to_owned();
            for facts in [alone.view(), owned.view()] {
                assert_eq!(facts.site, view.site);
                assert_eq!(
                    [facts.blocks, facts.shapes, facts.affixes, facts.template],
                    [view.blocks, view.shapes, view.affixes, view.template]
                );
                assert_eq!((facts.copy, facts.short_copy), (view.copy, view.short_copy));
            }
            assert_eq!(owned.view().words, view.words);
            assert!(!view.blocks.is_empty() && !view.affixes.is_empty(), "{text:?}");
        }
    }
}
