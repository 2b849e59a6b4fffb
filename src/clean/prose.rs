//! Chrome: short non-prose blocks, judged alone and then with their neighbours.
//!
//! A block is first classed on its own words: *good* (long, or a sentence rich in function
//! words), *bad* (no words, digit-heavy, a menu of separated items, a few capitalized words
//! without function words) or *unsure*. Unsure blocks then take their class from the nearest
//! decided blocks before and after them, as jusText does: a short line between two
//! paragraphs stays, a run of menu lines at the page's edge goes. The page's edges count as
//! bad. The thresholds sit far below jusText's defaults: on text lines its defaults drop real
//! paragraphs (recall 0.66 on CleanEval in the prototype this design records).

use super::block::BlockFacts;

/// A block's class before and after context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Good,
    Bad,
    /// Not decided alone; `near` blocks (sentences with function words) need one good
    /// neighbour to stay, others need two.
    Unsure {
        near: bool,
    },
}

/// The class of a block from its own facts; `function` is its count of function-word tokens.
pub(crate) fn classify(f: &BlockFacts, function: u32) -> Class {
    let n = f.tokens;
    if n == 0 {
        return Class::Bad;
    }
    // Han/Kana/Hangul characters are tokens of their own: about two make a word.
    let cjk = f.cjk_tokens * 2 > n;
    let words = if cjk { n / 2 } else { n };
    let fw = f64::from(function) / f64::from(n);
    let digits = f64::from(f.digit_tokens) / f64::from(n);
    if digits >= 0.4 && words <= 12 {
        return Class::Bad;
    }
    if f.separators >= 2 && !f.sentence_end && fw < 0.2 {
        return Class::Bad;
    }
    if words >= 40
        || (words >= 25 && f.sentence_end)
        || (words >= 20 && fw >= 0.08)
        || (words >= 10 && f.sentence_end && fw >= 0.15)
    {
        return Class::Good;
    }
    if !f.sentence_end && (fw < 0.05 || words < 4) && words < 10 {
        return Class::Bad;
    }
    Class::Unsure {
        near: f.sentence_end && fw >= 0.1,
    }
}

/// Decide every unsure block from its neighbours. `classes[i]` is `None` for a block that
/// does not take part (a headline copy: neither evidence for nor against its neighbours).
/// Returns, per block, whether it is kept (`false` for non-participants).
pub(crate) fn resolve(classes: &[Option<Class>]) -> Vec<bool> {
    let decided = |c: Option<Class>| match c {
        Some(Class::Good) => Some(true),
        Some(Class::Bad) => Some(false),
        _ => None,
    };
    // The nearest decided class before each block (edges are bad), and after it.
    let mut before = vec![false; classes.len()];
    let mut last = false;
    for (i, &c) in classes.iter().enumerate() {
        before[i] = last;
        if let Some(good) = decided(c) {
            last = good;
        }
    }
    let mut after = vec![false; classes.len()];
    last = false;
    for (i, &c) in classes.iter().enumerate().rev() {
        after[i] = last;
        if let Some(good) = decided(c) {
            last = good;
        }
    }
    classes
        .iter()
        .enumerate()
        .map(|(i, &c)| match c {
            None | Some(Class::Bad) => false,
            Some(Class::Good) => true,
            Some(Class::Unsure { near: true }) => before[i] || after[i],
            Some(Class::Unsure { near: false }) => before[i] && after[i],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Class::*;
    use super::*;

    #[test]
    fn unsure_blocks_follow_their_neighbours() {
        let short = Some(Unsure { near: false });
        let near = Some(Unsure { near: true });
        // edge, short, good, near, short, good, short, bad, near, edge
        let classes = [short, Some(Good), near, short, Some(Good), short, Some(Bad), near];
        assert_eq!(resolve(&classes), [false, true, true, true, true, false, false, false]);
        // A non-participant is transparent: the short block sees the good blocks around it.
        assert_eq!(
            resolve(&[Some(Good), None, short, Some(Good)]),
            [true, false, true, true]
        );
    }

    #[test]
    fn classes_from_facts() {
        let facts = |tokens, digits, end, seps| BlockFacts {
            tokens,
            digit_tokens: digits,
            sentence_end: end,
            separators: seps,
            ..BlockFacts::default()
        };
        assert_eq!(classify(&facts(7, 6, false, 0), 0), Bad, "a date line");
        assert_eq!(classify(&facts(5, 0, false, 4), 0), Bad, "a menu");
        assert_eq!(
            classify(&facts(4, 0, false, 0), 0),
            Bad,
            "a few words, no function words"
        );
        assert_eq!(classify(&facts(45, 2, true, 0), 10), Good);
        assert_eq!(classify(&facts(11, 0, true, 0), 4), Good, "a short sentence");
        assert_eq!(classify(&facts(6, 0, true, 0), 2), Unsure { near: true });
        assert_eq!(classify(&facts(0, 0, false, 0), 0), Bad);
    }
}
