//! The ends of blocks: markup residue a scraper leaves glued to text (`html On July 5, …`),
//! and the affixes a site carries on its blocks (` - DayDayNews`), stripped while the rest of
//! the block stays.

use std::ops::Range;

use super::block::Part;
use super::profile::{leading_affix, trailing_affix, Side};
use super::{Reason, Removal, SiteProfile};

/// Pages an affix must be on to be a learned watermark.
const AFFIX_PAGES: u32 = 3;
/// Markup residue: tag and entity names a scraper leaves glued to text.
const MARKUP_WORDS: &[&str] = &[
    "html", "htm", "shtml", "php", "asp", "aspx", "jsp", "nbsp", "&nbsp;", "amp", "quot",
];

/// Strip a markup word glued to the start or end of a block (`html On July 5, …`).
pub(super) fn strip_markup(text: &str, keep: &mut Range<usize>, removed: &mut Vec<Removal>) {
    let block = &text[keep.clone()];
    let Some(first) = block.split_whitespace().next() else {
        return;
    };
    let first_is_markup = is_markup(first);
    if first_is_markup && block.split_whitespace().all(is_markup) {
        removed.push(Removal {
            span: keep.clone(),
            reason: Reason::Markup,
        });
        *keep = keep.end..keep.end;
        return;
    }
    if first_is_markup {
        let next = block[first.len()..].trim_start();
        // Only when the sentence visibly starts after it: "html On July 5", not "html is …".
        if next.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || "\"“‘'(".contains(c)) {
            let cut = block.len() - next.len();
            removed.push(Removal {
                span: keep.start..keep.start + first.len(),
                reason: Reason::Markup,
            });
            keep.start += cut;
        }
    }
    let block = &text[keep.clone()];
    if let Some(last) = block.split_whitespace().next_back().filter(|w| is_markup(w)) {
        let before = block[..block.len() - last.len()].trim_end();
        if before.ends_with(['.', '!', '?', '"', '”']) {
            removed.push(Removal {
                span: keep.start + block.len() - last.len()..keep.end,
                reason: Reason::Markup,
            });
            keep.end = keep.start + before.len();
        }
    }
}

fn is_markup(word: &str) -> bool {
    MARKUP_WORDS.contains(&word) || (word.starts_with('<') && word.ends_with('>')) || word == "&amp;"
}

/// Strip affixes the site's pages carry (` - DayDayNews`), leaving the rest of the block.
pub(super) fn strip_learned_affixes<'a>(
    mut part: Part<'a>,
    site: &SiteProfile,
    removed: &mut Vec<Removal>,
) -> Part<'a> {
    for side in [Side::Trailing, Side::Leading] {
        let affix = match side {
            Side::Trailing => trailing_affix(&part),
            Side::Leading => leading_affix(&part),
        };
        if let Some(affix) = affix {
            if site.affix_pages(affix.key) >= AFFIX_PAGES {
                removed.push(Removal {
                    span: affix.span,
                    reason: Reason::Watermark,
                });
                part = part.narrow(affix.rest);
            }
        }
    }
    part
}

/// The block without a trailing (else leading) short affix, if it has one: (rest, affix).
pub(super) fn affix_rest(part: &Part<'_>) -> Option<(Range<usize>, Range<usize>)> {
    let affix = trailing_affix(part).or_else(|| leading_affix(part))?;
    Some((affix.rest, affix.span))
}
