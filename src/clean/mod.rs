//! Body recovery: find what a page and its site print again and again, and keep the rest.
//!
//! ```text
//! text → segment (blocks = lines) → strip markup residue and learned watermark affixes
//!      → headline and its copies → site boilerplate → in-page repeats → chrome → body
//! ```
//! Each step removes whole blocks or the ends of blocks, and records every removal as a
//! byte span of the original text with its [`Reason`]: nothing is lost, and the body plus the
//! removed spans account for every non-whitespace byte of the text. A document is never
//! dropped: at worst its body is empty.
//!
//! The site-level evidence comes from [`Profiles`], learned from all pages of each site
//! ([`Profiles::learn`], or [`Learner`] to spread the work over threads) or loaded from a
//! saved file. A page that is not in any profile is still cleaned from its own evidence
//! (headline copies, in-page repeats, chrome).
//!
//! ```
//! use reprint::clean::{Cleaner, Page, Profiles, Reason};
//! let text = "Home | World | Sports\n\nBig storm hits the coast tonight\n\n\
//!             The storm reached the coast at noon, and the town closed its schools for the day.\n\n\
//!             Big storm hits the coast tonight - Daily Wire\n\n\
//!             Officials said the roads would stay closed until the water went down.";
//! let page = Page { text, title: None, site: None };
//! let profiles = Profiles::learn([page]);
//! let cleaned = Cleaner::new(&profiles).clean(&page);
//! assert_eq!(cleaned.title.as_deref(), Some("Big storm hits the coast tonight"));
//! assert!(cleaned.body.starts_with("The storm reached the coast at noon"));
//! assert!(cleaned.body.ends_with("until the water went down."));
//! assert!(cleaned.removed.iter().any(|r| r.reason == Reason::HeadlineRepeat));
//! ```

mod block;
mod facts;
mod headline;
mod model;
mod profile;
mod prose;
mod strip;
mod table;
mod unit;

use std::fmt;
use std::ops::Range;

pub use block::{segment, Block, BLOCK_SEED};
pub use facts::{FactsChunk, PageFacts, WORDS_ALL_PAGES, WORDS_SAMPLE};
pub use profile::{Learner, Profiles, SiteProfile, INFERRED_SITE, PROFILE_FORMAT, PROFILE_VERSION};

use block::{BlockFacts, PageText, Part};
use strip::{strip_learned_affixes, strip_markup};

/// One page to clean or learn from.
#[derive(Clone, Copy, Debug)]
pub struct Page<'a> {
    /// The scraped text.
    pub text: &'a str,
    /// The headline, when the crawl has one.
    pub title: Option<&'a str>,
    /// The site the page belongs to (the url's host, or a site field).
    pub site: Option<&'a str>,
}

/// Why a span was removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The block that became the title.
    Headline,
    /// A copy of the headline, exact or reworded.
    HeadlineRepeat,
    /// A site's affix on a block (` - DayDayNews`), stripped while the rest stays.
    Watermark,
    /// A block that occurs on many pages of the site.
    SiteBoilerplate,
    /// A short non-prose block: navigation, date and category lines, share buttons.
    Chrome,
    /// Residue of markup glued to a block (`html`, `&nbsp;`).
    Markup,
    /// A later copy of a block already on the page.
    InPageRepeat,
}

impl Reason {
    /// The name used in output files.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Headline => "headline",
            Reason::HeadlineRepeat => "headline_repeat",
            Reason::Watermark => "watermark",
            Reason::SiteBoilerplate => "site_boilerplate",
            Reason::Chrome => "chrome",
            Reason::Markup => "markup",
            Reason::InPageRepeat => "in_page_repeat",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One removed span of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    /// UTF-8 byte offsets into the original text.
    pub span: Range<usize>,
    /// Why it was removed.
    pub reason: Reason,
}

/// The result of cleaning one page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// The recovered article text: the kept spans in order, separated by a blank line where
    /// the text had one between them and by a newline elsewhere.
    pub body: String,
    /// The headline: the title given, else the block found to be it.
    pub title: Option<String>,
    /// Every removed span, in text order.
    pub removed: Vec<Removal>,
    /// The kept spans of the text, in order (the pieces the body is made of).
    pub kept: Vec<Range<usize>>,
}

/// A long block that occurs twice on a page is a quote or an excerpt, not a repeat.
const LONG_BLOCK_CHARS: u32 = 200;
/// A block on a site's pages is boilerplate when it is on at least this many *other* pages
/// (long prose blocks need [`LONG_BOILERPLATE_PAGES`]).
const BOILERPLATE_PAGES: u32 = 1;
/// Other pages a long prose block must be on to be boilerplate (a blog's front page repeats
/// one post's paragraphs; a footer statement is on many pages).
const LONG_BOILERPLATE_PAGES: u32 = 2;
/// Other pages a templated short line (same shape, digits differing) must be on.
const SHAPE_PAGES: u32 = 2;
/// Templated lines are short.
const SHAPE_MAX_TOKENS: u32 = 15;
/// Pages with the same long paragraphs are copies of one page only when the sentences of this
/// page that no other page of the site holds are under 1/this of those paragraphs' tokens.
const COPY_OWN_SHARE: u32 = 10;
/// ... and when its lines on no other page that are no sentences (a widget's line, a
/// caption) are under 1/this of them.
const COPY_OWN_LINES_SHARE: u32 = 2;
/// A page's site profile, with how many of the site's learned pages are copies of the page
/// ([`Cleaner::copies`]): the steps after the copies are found read the site's counts without
/// them.
#[derive(Clone, Copy)]
pub(crate) struct SiteView<'p> {
    pub(crate) profile: &'p SiteProfile,
    pub(crate) copies: u32,
}

/// Cleans pages with learned [`Profiles`]. Immutable and `Sync`: share one across threads.
#[derive(Clone, Copy, Debug)]
pub struct Cleaner<'p> {
    profiles: &'p Profiles,
    /// The pages being cleaned were among those the profiles were learned from, so each
    /// page's own occurrence is in the counts and is subtracted.
    learned_from_these: bool,
}

/// Buffers for learning and cleaning, reused from one page to the next, so that a page
/// costs few allocations once they have grown. Give each thread its own.
#[derive(Default, Debug)]
pub struct Scratch {
    page: PageText,
    slots: Vec<Slot>,
    head: headline::HeadScratch,
    units: unit::UnitScratch,
    /// Learning: the keys of the page's blocks, shapes, affixes and template blocks
    /// ([`facts::FactsView`]), sorted before they are written out.
    lists: [Vec<u64>; 4],
    /// Learning: the page's sentence tokens, (occurrences, all in CJK sentences).
    words: table::TokenTable<(u32, bool)>,
    /// Cleaning: each block hash's (first slot + 1, occurrences) on the page.
    repeats: table::TokenTable<(usize, u32)>,
    /// The blocks (and slots) of the page's long paragraphs and of all its paragraphs
    /// ([`PageText::paragraphs`](block::PageText::paragraphs)), and (learning) their site
    /// keys ([`profile::copy_keys`]).
    long: Vec<usize>,
    short: Vec<usize>,
    long_keys: Vec<u64>,
    short_keys: Vec<u64>,
    /// Cleaning: how many learned pages of the site are copies of the page
    /// ([`Cleaner::copies`]).
    copies: u32,
}

/// One block still in play, or a run of wrapped lines of one paragraph, with the features the
/// block model reads (see [`Cleaner::trace`]).
#[derive(Clone, Debug, PartialEq)]
pub struct UnitTrace {
    /// Spans of the unit's blocks in the text.
    pub spans: Vec<Range<usize>>,
    /// The unit's features, in the order of `block_model.json`'s weights.
    pub features: Vec<f32>,
    /// Whether the rules alone (class and context) keep it.
    pub rule_keep: bool,
    /// Blocks with words removed (before the chrome step) between the previous unit in play
    /// and this one.
    pub removed_before: u32,
    /// The unit's blocks that have words: removed lines for the island step if it is dropped.
    pub lines: u32,
    /// The unit's words as the island step counts them, if it is kept.
    pub words: u32,
}

/// Where a block stands while a page is cleaned.
#[derive(Clone, Debug)]
struct Slot {
    /// The block's index on the page.
    block: usize,
    /// The part of the block still in play (after markup and affixes are stripped).
    keep: Range<usize>,
    /// Facts of the whole block (what the site profile counted).
    whole: BlockFacts,
    /// Facts of `keep`.
    facts: BlockFacts,
    /// The keys the site profile counts the whole block by (block, shape).
    site_keys: (u64, u64),
    /// Learned pages of the site holding the whole block, and its shape (0 without a site).
    block_pages: u32,
    shape_pages: u32,
    /// The tokens of `keep` (a range of the page's tokens).
    tokens: Range<usize>,
    fate: Option<Reason>,
}

impl Slot {
    /// The part of the block still in play (`tokens` may still count an affix the headline
    /// step cut from `keep`; the part's do not).
    fn part<'a>(&self, page: &'a PageText, text: &'a str) -> Part<'a> {
        page.block(text, self.block).narrow(self.keep.clone())
    }
}

impl<'p> Cleaner<'p> {
    /// A cleaner for the pages the profiles were learned from (a `reprint clean` run).
    pub fn new(profiles: &'p Profiles) -> Cleaner<'p> {
        Cleaner {
            profiles,
            learned_from_these: true,
        }
    }

    /// A cleaner for new pages, not among those the profiles were learned from (a scraper
    /// cleaning each page as it arrives, `--use-profiles`).
    pub fn for_new_pages(profiles: &'p Profiles) -> Cleaner<'p> {
        Cleaner {
            profiles,
            learned_from_these: false,
        }
    }

    /// Every step before chrome: blocks, markup and affixes, headline, boilerplate, repeats.
    /// Leaves the page's blocks and slots in `scratch`; returns the title and the removals
    /// so far.
    fn prepare(&self, page: &Page<'_>, scratch: &mut Scratch, removed: &mut Vec<Removal>) -> Option<String> {
        let text = page.text;
        let site = page.site.and_then(|s| self.profiles.site(s));
        let Scratch {
            page: analysis,
            slots,
            head,
            repeats,
            long,
            short,
            copies: page_copies,
            ..
        } = scratch;
        analysis.analyze(text);
        slots.clear();
        for b in 0..analysis.blocks.len() {
            let block = analysis.block(text, b);
            let whole = block.facts();
            let mut keep = block.span.clone();
            strip_markup(text, &mut keep, removed);
            let mut part = block.narrow(keep);
            if let Some(site) = site {
                part = strip_learned_affixes(part, site, removed);
            }
            let facts = match part.span == block.span {
                true => whole.clone(),
                false => part.facts(),
            };
            let fate = (facts.tokens == 0 && part.span.is_empty()).then_some(Reason::Markup);
            // The site's counts are looked up below; the keys for now.
            let site_keys = match site {
                Some(_) => block.site_keys_given(&whole),
                None => (0, 0),
            };
            slots.push(Slot {
                block: b,
                site_keys,
                block_pages: 0,
                shape_pages: 0,
                keep: part.span,
                whole,
                facts,
                tokens: part.range,
                fate,
            });
        }

        // A slot is its block: the paragraphs' blocks are their slots.
        match site {
            Some(_) => analysis.paragraphs(text, long, short),
            None => {
                long.clear();
                short.clear();
            }
        }

        // Each block's site counts, looked up once, all in one loop: site tables are large and
        // a lookup is a cache miss, so the lookups of a page are best in flight together (the
        // slots are asked for first, then read).
        if let Some(site) = site {
            for slot in slots.iter() {
                site.prefetch_block(slot.site_keys.0, slot.site_keys.1);
            }
            for slot in slots.iter_mut() {
                slot.block_pages = site.block_pages(slot.site_keys.0);
                slot.shape_pages = site.shape_pages(slot.site_keys.1);
            }
        }
        // The page's copies first: every step that reads the site's counts discounts them.
        let copies = match site {
            Some(site) => {
                let by_long = self.copies(site, slots, long, short, false);
                let by_short = match short.len() > long.len() {
                    true => self.copies(site, slots, short, short, true),
                    false => 0,
                };
                // The key of all the paragraphs, when it passes, is checked by more of the
                // page than the key of its long ones, which a long paragraph on every page of
                // the site (an author's biography) can make pass for pages sharing only that.
                match by_short {
                    0 => by_long,
                    n => n,
                }
            }
            None => 0,
        };
        *page_copies = copies;
        let view = site.map(|profile| SiteView { profile, copies });
        let title = self.headline(page, analysis, slots, view, head, removed);
        for slot in slots.iter_mut() {
            if slot.fate.is_none() && self.is_boilerplate(slot, site, copies) {
                slot.fate = Some(Reason::SiteBoilerplate);
            }
        }
        mark_in_page_repeats(slots, repeats);
        title
    }

    /// Clean one page.
    pub fn clean(&self, page: &Page<'_>) -> Cleaned {
        self.clean_with(page, &mut Scratch::default())
    }

    /// Clean one page with the caller's buffers (the same result as [`Cleaner::clean`],
    /// with fewer allocations when one `Scratch` serves many pages).
    pub fn clean_with(&self, page: &Page<'_>, scratch: &mut Scratch) -> Cleaned {
        let mut cleaned = Cleaned::default();
        self.clean_into(page, scratch, &mut cleaned);
        cleaned
    }

    /// [`Cleaner::clean_with`] into `out`, replacing what it held and reusing its buffers (the
    /// same result, without allocating a page's body and lists anew when one `Cleaned`
    /// serves many pages).
    pub fn clean_into(&self, page: &Page<'_>, scratch: &mut Scratch, out: &mut Cleaned) {
        let text = page.text;
        let Cleaned {
            body,
            title,
            removed,
            kept,
        } = out;
        removed.clear();
        kept.clear();
        body.clear();
        *title = self.prepare(page, scratch, removed);
        let site = page.site.and_then(|s| self.profiles.site(s));
        let Scratch {
            page: analysis,
            slots,
            units,
            copies,
            ..
        } = scratch;
        let blocks = &analysis.blocks;
        let view = site.map(|profile| SiteView {
            profile,
            copies: *copies,
        });
        self.mark_chrome(text, analysis, slots, view, units);

        body.reserve(text.len());
        let mut prev_block: Option<usize> = None;
        for (i, slot) in slots.iter().enumerate() {
            if let Some(reason) = slot.fate {
                removed.push(Removal {
                    span: slot.keep.clone(),
                    reason,
                });
                continue;
            }
            if slot.keep.is_empty() {
                continue;
            }
            if let Some(p) = prev_block {
                let blank = blocks[p + 1..=i].iter().any(|b| b.blank_before);
                body.push_str(if blank { "\n\n" } else { "\n" });
            }
            body.push_str(&text[slot.keep.clone()]);
            kept.push(slot.keep.clone());
            prev_block = Some(i);
        }
        removed.retain(|r| !r.span.is_empty());
        removed.sort_by_key(|r| (r.span.start, r.span.end));
    }

    /// [`Cleaner::clean_with`], and the token hashes of the body into `tokens`, as
    /// [`crate::text::token_hashes_into`] of the body gives them: read from the page's tokens,
    /// so a body about to be signed is not tokenized again (the kept spans are cut at
    /// whitespace, and no token crosses a line; were a token cut, the body is tokenized).
    pub fn clean_for_signing(&self, page: &Page<'_>, scratch: &mut Scratch, tokens: &mut Vec<u64>) -> Cleaned {
        let mut cleaned = Cleaned::default();
        self.clean_for_signing_into(page, scratch, tokens, &mut cleaned);
        cleaned
    }

    /// [`Cleaner::clean_for_signing`] into `out`, whose buffers are reused as
    /// [`Cleaner::clean_into`] reuses them.
    pub fn clean_for_signing_into(
        &self,
        page: &Page<'_>,
        scratch: &mut Scratch,
        tokens: &mut Vec<u64>,
        out: &mut Cleaned,
    ) {
        self.clean_into(page, scratch, out);
        let cleaned = &*out;
        tokens.clear();
        let t = &scratch.page.tokens;
        for span in &cleaned.kept {
            let lo = t.meta.partition_point(|m| m.start < span.start);
            let hi = lo + t.meta[lo..].partition_point(|m| m.start < span.end);
            let cut = (lo > 0 && t.meta[lo - 1].end() > span.start) || (hi > lo && t.meta[hi - 1].end() > span.end);
            if cut {
                crate::text::token_hashes_into(&cleaned.body, &mut Vec::new(), tokens);
                break;
            }
            tokens.extend_from_slice(&t.hash[lo..hi]);
        }
    }

    /// How many other learned pages of the site are copies of this one (the same article
    /// crawled again): they hold every block it does, so they are no evidence that a block is
    /// the site's. Pages that share a key of the page's paragraphs (`keyed`, slots: its long
    /// paragraphs, or with `short` all of them; [`profile::copy_keys`]) are copies only when
    /// each of those paragraphs' blocks is on exactly those pages, or on no other page (a
    /// line the re-crawl added), or is the site's boilerplate with the copies discounted;
    /// when at least one is on exactly those pages; and when the page's own text (blocks and
    /// shapes on no other page) is under 1/[`COPY_OWN_SHARE`] of theirs in sentences and
    /// under 1/[`COPY_OWN_LINES_SHARE`] in other lines. Posts of a blog whose one long
    /// paragraph is the author's biography share it, but each has text of its own. A key on
    /// every page of a site of three or more: see the loop below.
    fn copies(&self, site: &SiteProfile, slots: &[Slot], keyed: &[usize], paragraphs: &[usize], short: bool) -> u32 {
        let Some(keys) = profile::copy_keys(keyed.iter().map(|&i| slots[i].site_keys.0), short) else {
            return 0;
        };
        // Each key's pages are checked; the most copies that pass count.
        let mut best = 0;
        let mut tried = [(0u32, false); profile::COPY_KEYS];
        for (k, key) in keys.into_iter().enumerate() {
            let pages = site.copy_pages(key);
            // A key on every page of a site of three or more may be the site's: a notice on
            // each page (a gallery's), not an article crawled that many times (the same page
            // crawled again as it was is counted once, `profile::page_key`). A least key of
            // long paragraphs is checked by all the page's paragraphs (`paragraphs`), short
            // ones too: the notice may be the least of a page's long paragraphs, and its
            // pages' other paragraphs are theirs. A key of short paragraphs is checked as any
            // other: pages whose own lines are a few words beside the notice cannot be told
            // from one page crawled again with a counter changed, and are taken for copies (a
            // notice kept costs less than an article lost; the re-crawled real pages of
            // `bench/clean/recrawl.py`'s `thrice` set: macro F1 0.877 with such keys refused,
            // 0.898 without). Of the site's pages, this one too when it was not learned from.
            let site_pages = site.pages + u32::from(!self.learned_from_these);
            let every = pages >= site.pages && site_pages > 2;
            let by_all = every && k > 0;
            if !tried[..k].contains(&(pages, by_all)) {
                tried[k] = (pages, by_all);
                let members = if by_all { paragraphs } else { keyed };
                best = best.max(self.copies_among(site, slots, members, pages));
            }
        }
        best
    }

    /// [`Cleaner::copies`] for one key, on `pages` pages of the site, checked by the
    /// paragraphs' blocks `members`.
    fn copies_among(&self, site: &SiteProfile, slots: &[Slot], members: &[usize], pages: u32) -> u32 {
        let copies = self.others(pages);
        if copies == 0 {
            return 0;
        }
        // The paragraphs on the copies only are the article; one on more pages must be the
        // site's boilerplate even when the copies are discounted (a long "about" text in
        // every page's sidebar), or the pages are not copies. One on no other page is the
        // page's own: a line the re-crawl added inside a paragraph joins it (the page's own
        // sentences are weighed below). One on some of the pages but not all tells that they
        // are not all copies.
        let mut article = 0;
        for &i in members {
            let slot = &slots[i];
            if slot.block_pages == pages {
                article += slot.whole.tokens;
            } else if self.others(slot.block_pages) > 0 && !self.is_boilerplate(slot, Some(site), copies) {
                return 0;
            }
        }
        // The page's own text, on no other page of the site: its sentences, and its other
        // lines. A re-crawl changes a widget's headlines or a counter, not a tenth of the
        // article's prose, nor half as much as the article in other lines; another post has
        // prose of its own, and pages of a gallery, or of a digest of items, that share one
        // caption or item have captions or items of their own.
        let (mut own, mut own_lines) = (0, 0);
        for s in slots {
            if self.others(s.block_pages) == 0 && self.others(s.shape_pages) == 0 {
                match s.whole.sentence_end {
                    true => own += s.whole.tokens,
                    false => own_lines += s.whole.tokens,
                }
            }
        }
        match article > 0 && own * COPY_OWN_SHARE < article && own_lines * COPY_OWN_LINES_SHARE < article {
            true => copies,
            false => 0,
        }
    }

    /// Other learned pages of the site that hold this block.
    fn others(&self, pages: u32) -> u32 {
        pages.saturating_sub(u32::from(self.learned_from_these))
    }

    /// Is this block on so many of the site's pages that it cannot be one page's headline?
    /// The page's `copies` are not counted: the same article crawled three times has the
    /// same headline on each.
    fn is_template(&self, slot: &Slot, site: Option<SiteView<'_>>) -> bool {
        site.is_some_and(|site| {
            let others = self.others(slot.block_pages).saturating_sub(site.copies);
            others >= 2 && others * 10 >= site.profile.pages.saturating_sub(site.copies) * 3
        })
    }

    /// A block is the site's boilerplate when enough other pages of the site hold it besides
    /// the page's `copies`.
    fn is_boilerplate(&self, slot: &Slot, site: Option<&SiteProfile>, copies: u32) -> bool {
        if site.is_none() {
            return false;
        }
        let f = &slot.whole;
        let long_prose = f.chars >= LONG_BLOCK_CHARS && f.sentence_end;
        let needed = if long_prose {
            LONG_BOILERPLATE_PAGES
        } else {
            BOILERPLATE_PAGES
        };
        if f.tokens > 0 && self.others(slot.block_pages) >= needed + copies {
            return true;
        }
        f.digit_tokens > 0 && f.tokens <= SHAPE_MAX_TOKENS && self.others(slot.shape_pages) >= SHAPE_PAGES + copies
    }
}

/// Later copies of a block already on the page. A long block seen only twice stays (a quote
/// or an excerpt printed again is part of the article).
fn mark_in_page_repeats(slots: &mut [Slot], seen: &mut table::TokenTable<(usize, u32)>) {
    seen.clear();
    for slot in slots.iter() {
        if slot.facts.tokens > 0 {
            seen.entry(slot.facts.hash).1 += 1;
        }
    }
    for (i, slot) in slots.iter_mut().enumerate() {
        if slot.facts.tokens == 0 {
            continue;
        }
        let entry = seen.entry(slot.facts.hash);
        if entry.0 == 0 {
            entry.0 = i + 1;
            continue;
        }
        let long_pair = slot.facts.chars > LONG_BLOCK_CHARS && entry.1 == 2;
        if slot.fate.is_none() && !long_pair && !slot.facts.sentence_end {
            slot.fate = Some(Reason::InPageRepeat);
        }
    }
}
