//! Units: the blocks still in play before the chrome step, wrapped lines of one paragraph
//! together, classed by the rules and described by the block model's features; and the
//! chrome decision made from them.
//!
//! A unit is a run of consecutive slots (a paragraph wrapped over lines, or one removed
//! block). Its buffers live in [`UnitScratch`] and are reused from page to page.

use std::ops::Range;

use super::block::{BlockFacts, PageText};
use super::model::{self, FEATURES};
use super::prose::{classify, resolve, Class};
use super::{Cleaner, Page, Reason, Scratch, SiteView, Slot, UnitTrace};

/// A unit's features, in the order of [`FEATURES`].
pub(crate) type Features = [f32; FEATURES.len()];

/// A page's units: paragraphs in play and removed blocks, in text order.
#[derive(Default, Debug)]
pub(crate) struct UnitScratch {
    /// The slots of each unit.
    members: Vec<Range<usize>>,
    /// The rules' class of each unit (`None`: no evidence either way).
    classes: Vec<Option<Class>>,
    /// The rules' decision after context.
    rule_keep: Vec<bool>,
    /// (facts, function words) of each unit in play, summed over its wrapped lines.
    sums: Vec<Option<(BlockFacts, u32)>>,
    /// Features of each unit in play.
    features: Vec<Option<Features>>,
    /// Per unit: the nearest evidence and the nearest good unit, before and after.
    near: Vec<[Option<u32>; 4]>,
    decided: Vec<bool>,
    /// The page's lines as [`trailing_islands`] reads them, and what it finds.
    lines: Vec<Line>,
    islands: Vec<usize>,
}

impl Cleaner<'_> {
    /// The blocks still in play after every step before chrome, grouped into paragraphs, with
    /// their features and the rules' decision: the data the block model is trained on
    /// (`bench/clean/train_blocks.py`). Also returns the title.
    pub fn trace(&self, page: &Page<'_>) -> (Option<String>, Vec<UnitTrace>) {
        let mut scratch = Scratch::default();
        let title = self.prepare(page, &mut scratch, &mut Vec::new());
        let site = page.site.and_then(|s| self.profiles.site(s));
        let Scratch {
            page: analysis,
            slots,
            units,
            copies,
            ..
        } = &mut scratch;
        let view = site.map(|profile| SiteView {
            profile,
            copies: *copies,
        });
        self.units(page.text, analysis, slots, view, units, true);
        let mut traces = Vec::new();
        // Removed blocks with words since the last unit in play: what the island step reads.
        let mut removed_before = 0;
        for (u, members) in units.members.iter().enumerate() {
            let worded = members.clone().filter(|&i| slots[i].whole.tokens > 0);
            let Some(features) = units.features[u] else {
                removed_before += worded.filter(|&i| slots[i].fate.is_some()).count() as u32;
                continue;
            };
            traces.push(UnitTrace {
                spans: members.clone().map(|i| slots[i].keep.clone()).collect(),
                features: features.to_vec(),
                rule_keep: units.rule_keep[u],
                removed_before,
                lines: worded.count() as u32,
                words: members.clone().map(|i| words(&slots[i].facts)).sum(),
            });
            removed_before = 0;
        }
        (title, traces)
    }

    /// Decide every block still in play: by the block model when one is shipped, else by the
    /// rules (class alone, then context).
    pub(super) fn mark_chrome(
        &self,
        text: &str,
        analysis: &PageText,
        slots: &mut [Slot],
        site: Option<SiteView<'_>>,
        units: &mut UnitScratch,
    ) {
        self.units(text, analysis, slots, site, units, false);
        // The rules' bad class is final (no words, digit-heavy, menus, a few words without
        // function words); the model decides the rest, unless it would leave nothing of what
        // the rules keep (a page of one or two paragraphs is unlike the pages it learned from).
        let mut keep: &[bool] = &units.rule_keep;
        if let Some(model) = model::shipped() {
            units.decided.clear();
            units
                .decided
                .extend((0..units.members.len()).map(|u| match units.classes[u] {
                    _ if units.sums[u].is_none() => false,
                    Some(Class::Bad) => false,
                    class => {
                        let x = units.features[u]
                            .as_ref()
                            .expect("units in play the rules do not class bad have features");
                        model.keeps(x, class == Some(Class::Good))
                    }
                }));
            if units.decided.iter().any(|&k| k) || !keep.iter().any(|&k| k) {
                keep = &units.decided;
            }
        }
        for (u, members) in units.members.iter().enumerate() {
            if units.sums[u].is_some() && !keep[u] {
                for i in members.clone() {
                    slots[i].fate = Some(Reason::Chrome);
                }
            }
        }
        units.lines.clear();
        units.lines.extend(slots.iter().map(|s| match s.fate {
            None => Line::Kept(words(&s.facts)),
            Some(_) if s.whole.tokens > 0 => Line::Removed,
            Some(_) => Line::Empty,
        }));
        trailing_islands(&units.lines, &mut units.islands);
        for &i in &units.islands {
            slots[i].fate = Some(Reason::Chrome);
        }
    }

    /// Group the page into units (paragraphs in play, removed blocks), class them by the
    /// rules, and compute the features of each in-play unit (`every`), or of those the rules
    /// do not class bad (the model decides only those). The page's copies count neither
    /// among the site's pages nor among those that hold a block.
    fn units(
        &self,
        text: &str,
        analysis: &PageText,
        slots: &[Slot],
        site: Option<SiteView<'_>>,
        units: &mut UnitScratch,
        every: bool,
    ) {
        let (blocks, tokens) = (&analysis.blocks, &analysis.tokens.hash);
        let UnitScratch {
            members,
            classes,
            rule_keep,
            sums,
            features,
            near,
            ..
        } = units;
        members.clear();
        classes.clear();
        sums.clear();
        for i in 0..slots.len() {
            let s = &slots[i];
            if s.fate.is_none() {
                let function = self.profiles.function_words.count_in(&tokens[s.tokens.clone()]);
                let joins = i > 0
                    && slots[i - 1].fate.is_none()
                    && !blocks[i].blank_before
                    && continues(&slots[i - 1], &text[slots[i - 1].keep.clone()], &text[s.keep.clone()]);
                if joins {
                    let last = members.len() - 1;
                    members[last].end = i + 1;
                    let (facts, f) = sums[last].as_mut().expect("an in-play unit has sums");
                    facts.tokens += s.facts.tokens;
                    facts.digit_tokens += s.facts.digit_tokens;
                    facts.cjk_tokens += s.facts.cjk_tokens;
                    facts.chars += s.facts.chars;
                    facts.separators += s.facts.separators;
                    facts.sentence_end = s.facts.sentence_end;
                    *f += function;
                    continue;
                }
                members.push(i..i + 1);
                sums.push(Some((s.facts.clone(), function)));
                classes.push(None); // filled below
            } else {
                members.push(i..i + 1);
                sums.push(None);
                // Removed site boilerplate, repeats and chrome are evidence of chrome around
                // them; headline blocks are no evidence.
                classes.push(match s.fate {
                    Some(Reason::SiteBoilerplate | Reason::InPageRepeat | Reason::Chrome) => Some(Class::Bad),
                    _ => None,
                });
            }
        }
        for (u, sum) in sums.iter().enumerate() {
            if let Some((facts, function)) = sum {
                classes[u] = Some(classify(facts, *function));
            }
        }
        *rule_keep = resolve(classes);
        let n = members.len();
        let context = |u: Option<u32>| -> model::Neighbour {
            match u {
                None => model::Neighbour::Edge,
                Some(u) => match (&sums[u as usize], classes[u as usize]) {
                    (Some((facts, function)), class) => model::Neighbour::InPlay {
                        facts: facts.clone(),
                        function: *function,
                        class: class.expect("in-play units are classed"),
                    },
                    (None, _) => model::Neighbour::Removed,
                },
            }
        };
        // Where the page's words in play are: a unit's share of them, and the share before it.
        let in_play = |u: usize| sums[u].as_ref().map_or(0.0, |(f, _)| f64::from(f.tokens));
        let total = (0..n).map(in_play).sum::<f64>().max(1.0);
        // For each unit, the nearest unit before and after that is evidence, and that is good:
        // two linear sweeps.
        near.clear();
        near.resize(n, [None; 4]);
        let (mut evidence, mut good) = (None, None);
        for u in 0..n {
            near[u][0] = evidence;
            near[u][2] = good;
            if classes[u].is_some() {
                evidence = Some(u as u32);
            }
            if classes[u] == Some(Class::Good) {
                good = Some(u as u32);
            }
        }
        (evidence, good) = (None, None);
        for u in (0..n).rev() {
            near[u][1] = evidence;
            near[u][3] = good;
            if classes[u].is_some() {
                evidence = Some(u as u32);
            }
            if classes[u] == Some(Class::Good) {
                good = Some(u as u32);
            }
        }
        features.clear();
        let mut before = 0.0;
        for u in 0..n {
            let share_before = before / total;
            before += in_play(u);
            let Some((facts, function)) = sums[u].as_ref() else {
                features.push(None);
                continue;
            };
            if !every && classes[u] == Some(Class::Bad) {
                features.push(None);
                continue;
            }
            let distance = |v: Option<u32>| v.map_or(10, |v| (v as usize).abs_diff(u).min(10)) as f64 / 10.0;
            let [evidence_before, evidence_after, good_before, good_after] = near[u];
            let (mut words, mut capitalized) = (0u32, 0u32);
            for i in members[u].clone() {
                let (w, c) = crate::text::word_case(&text[slots[i].keep.clone()]);
                words += w;
                capitalized += c;
            }
            let last = &text[slots[members[u].end - 1].keep.clone()];
            let layout = model::Layout {
                share: in_play(u) / total,
                share_before,
                good_before: distance(good_before),
                good_after: distance(good_after),
                capitalized: f64::from(capitalized) / f64::from(words.max(1)),
                ends_colon: last.ends_with(':'),
                page_tokens: total,
            };
            let first = &slots[members[u].start];
            let site_share = site.map(|site| {
                let pages = f64::from(site.profile.pages.saturating_sub(site.copies).max(1));
                let others = |n: u32| f64::from(self.others(n).saturating_sub(site.copies));
                (others(first.block_pages) / pages, others(first.shape_pages) / pages)
            });
            features.push(Some(model::features(&model::UnitFacts {
                facts,
                function: *function,
                class: classes[u].expect("in-play units are classed"),
                rule_keep: rule_keep[u],
                position: u as f64 / n.max(1) as f64,
                site_share,
                prev: context(evidence_before),
                next: context(evidence_after),
                layout,
            })));
        }
    }
}

/// A line of the page as the island step sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// Kept, with this many words (a Han, Kana or Hangul text counts two characters a word).
    Kept(u32),
    /// Removed, and it had words.
    Removed,
    /// Neither: removed, and it had none.
    Empty,
}

/// Words of a block, as the block model counts them.
fn words(f: &BlockFacts) -> u32 {
    if f.cjk_tokens * 2 > f.tokens {
        f.tokens / 2
    } else {
        f.tokens
    }
}

/// A removed line between kept lines costs the main run as much as this many words.
const ISLAND_GAP_WORDS: i64 = 3;
/// An island after the main run holding less than this share of the main run's words goes.
const ISLAND_SHARE: f64 = 0.25;

/// The kept lines that are islands after the page's main run of text, into `out`.
///
/// The main run is the stretch of lines where kept words most outweigh removed lines (each
/// costs [`ISLAND_GAP_WORDS`]): the article, with the odd caption or advertisement line it
/// spans. After it, a page goes on with teasers of other stories, snippets of comments and
/// widgets, each a few kept lines cut off from the article by removed ones. Such an island
/// with less than [`ISLAND_SHARE`] of the main run's words is not the article. Lines before
/// the main run, and islands as large as that, are left as they are; the main run itself is
/// never touched, so a page with kept text keeps some. Small islands that together hold as
/// many words as the main run are a list (comments, a directory) and stay.
pub(crate) fn trailing_islands(lines: &[Line], out: &mut Vec<usize>) {
    out.clear();
    let (mut best, mut run, mut sum, mut start) = (0i64, 0..0, 0i64, 0);
    for (i, line) in lines.iter().enumerate() {
        if sum <= 0 {
            sum = 0;
            start = i;
        }
        sum += match *line {
            Line::Kept(w) => i64::from(w),
            Line::Removed => -ISLAND_GAP_WORDS,
            Line::Empty => 0,
        };
        if sum > best {
            best = sum;
            run = start..i + 1;
        }
    }
    let main: u64 = lines[run.clone()]
        .iter()
        .map(|l| match *l {
            Line::Kept(w) => u64::from(w),
            _ => 0,
        })
        .sum();
    let mut i = run.end;
    let mut dropped = 0u64;
    while i < lines.len() {
        if !matches!(lines[i], Line::Kept(_)) {
            i += 1;
            continue;
        }
        // An island: kept lines with no removed line between them.
        let from = i;
        let mut words = 0u64;
        while i < lines.len() && !matches!(lines[i], Line::Removed) {
            if let Line::Kept(w) = lines[i] {
                words += u64::from(w);
            }
            i += 1;
        }
        if (words as f64) < ISLAND_SHARE * main as f64 {
            out.extend((from..i).filter(|&k| matches!(lines[k], Line::Kept(_))));
            dropped += words;
        }
    }
    // Islands that together outweigh the main run are a list (comments, a directory), not
    // the tail of an article: they stay.
    if dropped >= main {
        out.clear();
    }
}

/// Does line `next` continue the paragraph of line `prev` (the kept text of `prev_slot`)?
fn continues(prev_slot: &Slot, prev: &str, next: &str) -> bool {
    crate::clean::block::continues_paragraph(prev, prev_slot.facts.sentence_end, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Line::{Empty, Kept, Removed};

    fn islands(lines: &[Line]) -> Vec<usize> {
        let mut out = Vec::new();
        trailing_islands(lines, &mut out);
        out
    }

    #[test]
    fn small_islands_after_the_article_go_and_the_rest_stays() {
        let mut lines = vec![
            Kept(6),  // 0: a teaser before the article: left alone
            Removed,  // 1
            Removed,  // 2
            Kept(40), // 3: the article
            Removed,  // 4: an advertisement line inside it
            Kept(2),  // 5: a short paragraph between prose
            Kept(35), // 6
            Empty,    // 7
        ];
        lines.extend([Removed; 5]); // 8-12: share buttons, a comment form
        lines.extend([
            Kept(9), // 13: a teaser and its summary, cut off by removed lines
            Empty,   // 14
            Kept(5), // 15
        ]);
        lines.extend([Removed; 10]); // 16-25
        lines.push(Kept(30)); // 26: a quarter of the article or more: stays
        lines.extend([Removed; 3]); // 27-29
        lines.push(Kept(4)); // 30: a comment snippet
        assert_eq!(islands(&lines), [13, 15, 30]);
        // A tail with more words than the removed lines before it cost is part of the run.
        lines[13] = Kept(16);
        assert_eq!(islands(&lines), [30]);
    }

    #[test]
    fn a_list_of_small_islands_outweighing_the_run_stays() {
        let mut lines = vec![Kept(100)];
        for _ in 0..5 {
            lines.extend([Removed; 10]);
            lines.push(Kept(22));
        }
        assert!(islands(&lines).is_empty());
        lines.truncate(1 + 4 * 11);
        assert_eq!(islands(&lines), [11, 22, 33, 44]);
    }

    #[test]
    fn pages_without_a_tail_lose_nothing() {
        assert!(islands(&[]).is_empty());
        assert!(islands(&[Removed, Empty, Removed]).is_empty());
        assert!(islands(&[Kept(3)]).is_empty());
        // Two paragraphs a removed line apart are one run, whatever their sizes.
        assert!(islands(&[Kept(50), Removed, Kept(4)]).is_empty());
    }

    proptest::proptest! {
        /// Islands are kept lines after the page's best run, and some kept text always stays.
        #[test]
        fn islands_are_kept_lines_and_never_all_of_them(
            picks in proptest::collection::vec((0u8..3, 0u32..60), 0..60),
        ) {
            let lines: Vec<Line> = picks
                .iter()
                .map(|&(k, w)| match k {
                    0 => Kept(w),
                    1 => Removed,
                    _ => Empty,
                })
                .collect();
            let out = islands(&lines);
            proptest::prop_assert!(out.windows(2).all(|w| w[0] < w[1]));
            proptest::prop_assert!(out.iter().all(|&i| matches!(lines[i], Kept(_))));
            let words = |keep: &dyn Fn(usize) -> bool| -> u64 {
                lines
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| keep(i))
                    .map(|(_, l)| if let Kept(w) = *l { u64::from(w) } else { 0 })
                    .sum()
            };
            let all = words(&|_| true);
            let left = words(&|i| !out.contains(&i));
            proptest::prop_assert!(all == 0 || left > 0, "every word went: {lines:?}");
            // What goes is less than what stays.
            proptest::prop_assert!(all == 0 || all - left < left, "{lines:?} {out:?}");
        }
    }
}
