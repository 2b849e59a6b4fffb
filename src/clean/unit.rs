//! Units: the blocks still in play before the chrome step, wrapped lines of one paragraph
//! together, classed by the rules and described by the block model's features; and the
//! chrome decision made from them.

use super::block::{self, Block, BlockFacts};
use super::model;
use super::prose::{classify, resolve, Class};
use super::{Cleaner, Page, Reason, SiteProfile, Slot, UnitTrace};

impl Cleaner<'_> {
    /// The blocks still in play after every step before chrome, grouped into paragraphs, with
    /// their features and the rules' decision: the data the block model is trained on
    /// (`bench/clean/train_blocks.py`). Also returns the title.
    pub fn trace(&self, page: &Page<'_>) -> (Option<String>, Vec<UnitTrace>) {
        let prepared = self.prepare(page);
        let site = page.site.and_then(|s| self.profiles.site(s));
        let units = self.units(page.text, &prepared.blocks, &prepared.slots, &prepared.tokens, site);
        let traces = units
            .features
            .into_iter()
            .zip(units.members)
            .zip(units.rule_keep)
            .filter_map(|((features, members), rule_keep)| {
                let features = features?;
                let spans = members.iter().map(|&i| prepared.slots[i].keep.clone()).collect();
                Some(UnitTrace {
                    spans,
                    features,
                    rule_keep,
                })
            })
            .collect();
        (prepared.title, traces)
    }

    /// Decide every block still in play: by the block model when one is shipped, else by the
    /// rules (class alone, then context).
    pub(super) fn mark_chrome(
        &self,
        text: &str,
        blocks: &[Block],
        slots: &mut [Slot],
        tokens: &[u64],
        site: Option<&SiteProfile>,
    ) {
        let units = self.units(text, blocks, slots, tokens, site);
        // The rules' bad class is final (no words, digit-heavy, menus, a few words without
        // function words); the model decides the rest, unless it would leave nothing of what
        // the rules keep (a page of one or two paragraphs is unlike the pages it learned from).
        let mut keep = units.rule_keep.clone();
        if let Some(model) = model::shipped() {
            let decided: Vec<bool> = (0..units.members.len())
                .map(|u| {
                    units.features[u].as_ref().is_some_and(|x| match units.classes[u] {
                        Some(Class::Bad) => false,
                        class => model.keeps(x, class == Some(Class::Good)),
                    })
                })
                .collect();
            if decided.iter().any(|&k| k) || !keep.iter().any(|&k| k) {
                keep = decided;
            }
        }
        for (u, members) in units.members.iter().enumerate() {
            if units.features[u].is_some() && !keep[u] {
                for &i in members {
                    slots[i].fate = Some(Reason::Chrome);
                }
            }
        }
    }

    /// Group the page into units (paragraphs in play, removed blocks), class them by the
    /// rules, and compute each in-play unit's features.
    fn units(&self, text: &str, blocks: &[Block], slots: &[Slot], tokens: &[u64], site: Option<&SiteProfile>) -> Units {
        let mut units = Units::default();
        // (facts, function words) of each unit in play, summed over its wrapped lines.
        let mut sums: Vec<Option<(BlockFacts, u32)>> = Vec::new();
        for i in 0..slots.len() {
            let s = &slots[i];
            if s.fate.is_none() {
                let function = tokens[s.tokens.clone()]
                    .iter()
                    .filter(|&&t| self.profiles.is_function_word(t))
                    .count() as u32;
                let joins = i > 0
                    && slots[i - 1].fate.is_none()
                    && !blocks[i].blank_before
                    && continues(&text[slots[i - 1].keep.clone()], &text[s.keep.clone()]);
                if joins {
                    let last = units.members.len() - 1;
                    units.members[last].push(i);
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
                units.members.push(vec![i]);
                sums.push(Some((s.facts.clone(), function)));
                units.classes.push(None); // filled below
            } else {
                units.members.push(vec![i]);
                sums.push(None);
                // Removed site boilerplate, repeats and chrome are evidence of chrome around
                // them; headline blocks are no evidence.
                units.classes.push(match s.fate {
                    Some(Reason::SiteBoilerplate | Reason::InPageRepeat | Reason::Chrome) => Some(Class::Bad),
                    _ => None,
                });
            }
        }
        for (u, sum) in sums.iter().enumerate() {
            if let Some((facts, function)) = sum {
                units.classes[u] = Some(classify(facts, *function));
            }
        }
        units.rule_keep = resolve(&units.classes);
        let n = units.members.len();
        let context = |u: Option<usize>| -> model::Neighbour {
            match u {
                None => model::Neighbour::Edge,
                Some(u) => match (&sums[u], units.classes[u]) {
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
        let in_play: Vec<f64> = sums
            .iter()
            .map(|s| s.as_ref().map_or(0.0, |(f, _)| f64::from(f.tokens)))
            .collect();
        let total = in_play.iter().sum::<f64>().max(1.0);
        let mut before = 0.0;
        let mut share_before = vec![0.0; n];
        for (u, &t) in in_play.iter().enumerate() {
            share_before[u] = before / total;
            before += t;
        }
        // For each unit, the nearest unit before and after that is evidence, and that is good:
        // two linear sweeps.
        let nearest = |is: &dyn Fn(usize) -> bool| {
            let (mut before, mut after) = (vec![None; n], vec![None; n]);
            let mut last = None;
            for (u, slot) in before.iter_mut().enumerate() {
                *slot = last;
                if is(u) {
                    last = Some(u);
                }
            }
            last = None;
            for (u, slot) in after.iter_mut().enumerate().rev() {
                *slot = last;
                if is(u) {
                    last = Some(u);
                }
            }
            (before, after)
        };
        let (evidence_before, evidence_after) = nearest(&|v| units.classes[v].is_some());
        let (good_before, good_after) = nearest(&|v| units.classes[v] == Some(Class::Good));
        units.features = (0..n)
            .map(|u| {
                let (facts, function) = sums[u].as_ref()?;
                let distance = |v: Option<usize>| v.map_or(10, |v| v.abs_diff(u).min(10)) as f64 / 10.0;
                let good_before = distance(good_before[u]);
                let good_after = distance(good_after[u]);
                let unit_text = || units.members[u].iter().map(|&i| &text[slots[i].keep.clone()]);
                let (mut words, mut capitalized) = (0usize, 0usize);
                for line in unit_text() {
                    for w in line.split_whitespace() {
                        words += 1;
                        capitalized += usize::from(w.chars().next().is_some_and(char::is_uppercase));
                    }
                }
                let ends_colon = unit_text().next_back().is_some_and(|l| l.ends_with(':'));
                let layout = model::Layout {
                    share: in_play[u] / total,
                    share_before: share_before[u],
                    good_before,
                    good_after,
                    capitalized: capitalized as f64 / words.max(1) as f64,
                    ends_colon,
                    page_tokens: total,
                };
                let (prev, next) = (evidence_before[u], evidence_after[u]);
                let first = &slots[units.members[u][0]];
                let site_share = site.map(|p| {
                    let pages = f64::from(p.pages.max(1));
                    (
                        f64::from(self.others(p.block_pages(first.whole.hash))) / pages,
                        f64::from(self.others(p.shape_pages(first.whole.shape))) / pages,
                    )
                });
                Some(model::features(&model::UnitFacts {
                    facts,
                    function: *function,
                    class: units.classes[u].expect("in-play units are classed"),
                    rule_keep: units.rule_keep[u],
                    position: u as f64 / n.max(1) as f64,
                    site_share,
                    prev: context(prev),
                    next: context(next),
                    layout,
                }))
            })
            .collect();
        units
    }
}

/// A page's units: paragraphs in play and removed blocks, in text order.
#[derive(Default)]
struct Units {
    /// The slots of each unit.
    members: Vec<Vec<usize>>,
    /// The rules' class of each unit (`None`: no evidence either way).
    classes: Vec<Option<Class>>,
    /// The rules' decision after context.
    rule_keep: Vec<bool>,
    /// Features of each unit in play.
    features: Vec<Option<Vec<f32>>>,
}

/// Does line `next` continue the paragraph of line `prev` (text wrapped at a fixed width)?
/// When `prev` stops mid-sentence and `next` starts in lowercase, or `prev` is long and
/// stops without a sentence mark.
fn continues(prev: &str, next: &str) -> bool {
    if block::ends_like_sentence(prev) || prev.ends_with(':') {
        return false;
    }
    let lower = next.chars().next().is_some_and(char::is_lowercase);
    lower || (prev.chars().count() >= 60 && next.chars().count() >= 20)
}
