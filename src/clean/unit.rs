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
use super::{Cleaner, Page, Reason, Scratch, SiteProfile, Slot, UnitTrace};

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
            ..
        } = &mut scratch;
        self.units(page.text, analysis, slots, site, units, true);
        let traces = (0..units.members.len())
            .filter_map(|u| {
                let features = units.features[u]?;
                let spans = units.members[u].clone().map(|i| slots[i].keep.clone()).collect();
                Some(UnitTrace {
                    spans,
                    features: features.to_vec(),
                    rule_keep: units.rule_keep[u],
                })
            })
            .collect();
        (title, traces)
    }

    /// Decide every block still in play: by the block model when one is shipped, else by the
    /// rules (class alone, then context).
    pub(super) fn mark_chrome(
        &self,
        text: &str,
        analysis: &PageText,
        slots: &mut [Slot],
        site: Option<&SiteProfile>,
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
    }

    /// Group the page into units (paragraphs in play, removed blocks), class them by the
    /// rules, and compute the features of each in-play unit (`every`), or of those the rules
    /// do not class bad (the model decides only those).
    fn units(
        &self,
        text: &str,
        analysis: &PageText,
        slots: &[Slot],
        site: Option<&SiteProfile>,
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
            let site_share = site.map(|p| {
                let pages = f64::from(p.pages.max(1));
                (
                    f64::from(self.others(first.block_pages)) / pages,
                    f64::from(self.others(first.shape_pages)) / pages,
                )
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

/// Does line `next` continue the paragraph of line `prev` (text wrapped at a fixed width)?
/// When `prev` stops mid-sentence and `next` starts in lowercase, or `prev` is long and
/// stops without a sentence mark.
fn continues(prev_slot: &Slot, prev: &str, next: &str) -> bool {
    if prev_slot.facts.sentence_end || prev.ends_with(':') {
        return false;
    }
    let lower = next.chars().next().is_some_and(char::is_lowercase);
    lower || (prev_slot.facts.chars >= 60 && next.chars().count() >= 20)
}
