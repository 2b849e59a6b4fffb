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

/// Which bytes can start a markup word (`[0]`) and end one (`[1]`): a block whose ends are
/// not among them has no markup at either end (most blocks: prose starts with a capital and
/// ends with a stop), and its words are not looked for.
const MARKUP_BYTES: [[bool; 256]; 2] = {
    let mut t = [[false; 256]; 2];
    let mut i = 0;
    while i < MARKUP_WORDS.len() {
        let w = MARKUP_WORDS[i].as_bytes();
        t[0][w[0] as usize] = true;
        t[1][w[w.len() - 1] as usize] = true;
        i += 1;
    }
    // Tags, and `&amp;` ([`is_markup`]).
    t[0][b'<' as usize] = true;
    t[1][b'>' as usize] = true;
    t[0][b'&' as usize] = true;
    t[1][b';' as usize] = true;
    t
};

/// Strip a markup word glued to the start or end of a block (`html On July 5, …`).
pub(super) fn strip_markup(text: &str, keep: &mut Range<usize>, removed: &mut Vec<Removal>) {
    let block = &text[keep.clone()];
    let may_be = |side: usize, b: Option<&u8>| b.is_some_and(|&b| MARKUP_BYTES[side][usize::from(b)]);
    let starts = may_be(0, block.trim_start().as_bytes().first());
    if !starts && !may_be(1, block.trim_end().as_bytes().last()) {
        return;
    }
    let Some(first) = first_word(block) else {
        return;
    };
    let first_is_markup = starts && is_markup(first);
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
    if !may_be(1, block.trim_end().as_bytes().last()) {
        return;
    }
    if let Some(last) = last_word(block).filter(|w| is_markup(w)) {
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

/// Words longer than this are markup only as tags (`<…>`).
const SHORT_WORD_BYTES: usize = 16;

/// The first whitespace-separated word of `block`, when it could be markup: looked for in
/// the first [`SHORT_WORD_BYTES`] bytes only, unless the block starts with a tag (a Chinese
/// paragraph is one long "word", and is not scanned).
fn first_word(block: &str) -> Option<&str> {
    let t = block.trim_start();
    let mut cut = t.len().min(SHORT_WORD_BYTES);
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    let word = t[..cut].split_whitespace().next()?;
    match word.len() < cut || cut == t.len() || !t.starts_with('<') {
        true => Some(word),
        false => t.split_whitespace().next(),
    }
}

/// The last whitespace-separated word of `block`, as [`first_word`] finds the first.
fn last_word(block: &str) -> Option<&str> {
    let t = block.trim_end();
    let mut cut = t.len().saturating_sub(SHORT_WORD_BYTES);
    while !t.is_char_boundary(cut) {
        cut += 1;
    }
    let word = t[cut..].split_whitespace().next_back()?;
    match word.len() < t.len() - cut || cut == 0 || !t.ends_with('>') {
        true => Some(word),
        false => t.split_whitespace().next_back(),
    }
}

fn is_markup(word: &str) -> bool {
    MARKUP_WORDS.contains(&word) || (word.starts_with('<') && word.ends_with('>')) || word == "&amp;"
}

#[cfg(test)]
#[test]
fn markup_words_start_and_end_with_markup_bytes() {
    for word in MARKUP_WORDS.iter().copied().chain(["&amp;", "<p>", "</div>"]) {
        let b = word.as_bytes();
        assert!(is_markup(word), "{word}");
        assert!(
            MARKUP_BYTES[0][usize::from(b[0])] && MARKUP_BYTES[1][usize::from(b[b.len() - 1])],
            "{word}"
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The first and last words agree with `split_whitespace` wherever they could be markup.
        #[test]
        fn first_and_last_words(block in "([a-z<>/&;]{1,20}|[ \u{3000}]|[中文]{1,12})*") {
            let first = block.split_whitespace().next();
            let last = block.split_whitespace().next_back();
            match first {
                Some(w) if is_markup(w) || w.len() <= SHORT_WORD_BYTES => proptest::prop_assert_eq!(first_word(&block), first),
                Some(_) => proptest::prop_assert!(first_word(&block).is_none_or(|w| !is_markup(w))),
                None => proptest::prop_assert_eq!(first_word(&block), None),
            }
            match last {
                Some(w) if is_markup(w) || w.len() <= SHORT_WORD_BYTES => proptest::prop_assert_eq!(last_word(&block), last),
                Some(_) => proptest::prop_assert!(last_word(&block).is_none_or(|w| !is_markup(w))),
                None => proptest::prop_assert_eq!(last_word(&block), None),
            }
        }
    }
}
