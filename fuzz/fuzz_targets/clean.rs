//! Arbitrary bytes (as UTF-8, lossily) as a page of site `a.com`: profiles learned from it and
//! from a second page of the same lines reversed, then the page cleaned.
//!
//! Checked, as `reprint::clean` documents them:
//! - every removed span and every kept span lies within the text, on character boundaries;
//! - no two spans (kept or removed) overlap, kept spans are in text order, removed spans are
//!   sorted and none is empty;
//! - every non-whitespace character of the text lies in exactly one kept or removed span;
//! - the body is the kept spans in order, joined by `\n` or `\n\n`, and its tokens are a
//!   sub-multiset of the text's;
//! - the profiles survive `to_json` / `from_json` unchanged, and `to_json` is deterministic;
//! - the same holds for the page cleaned as a new page with the loaded profiles, among
//!   pages that share only the ends of its lines (watermarks), and without a site (with
//!   and without a title given; alone, and learned with the reversed page, also without a
//!   site, as the site inferred for the two).
#![no_main]

use std::collections::BTreeMap;
use std::ops::Range;

use libfuzzer_sys::fuzz_target;
use reprint::clean::{Cleaned, Cleaner, Page, Profiles};
use reprint::text::tokens;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = &*text;
    let reversed: Vec<&str> = text.lines().rev().collect();
    let reversed = reversed.join("\n");
    let page = Page {
        text,
        title: None,
        site: Some("a.com"),
    };
    let other = Page {
        text: &reversed,
        ..page
    };
    let profiles = Profiles::learn([page, other]);
    let json = profiles.to_json();
    let loaded = Profiles::from_json(&json).unwrap_or_else(|e| panic!("profiles of {text:?} do not load: {e}"));
    assert_eq!(loaded, profiles, "profiles of {text:?} change through JSON");
    assert_eq!(loaded.to_json(), json);

    check(text, &Cleaner::new(&profiles).clean(&page));
    check(text, &Cleaner::for_new_pages(&loaded).clean(&page));

    // With the reversed page every block is on another page of the site, so nearly all is
    // site boilerplate. Two more variants reach the other steps:
    // - the page among pages that share the ends of its lines but not its lines (each line
    //   after a number of its own): learned affixes are stripped, blocks are not boilerplate;
    let numbered: Vec<String> = (1..=2)
        .map(|n| text.lines().map(|l| format!("{n} {l}")).collect::<Vec<_>>().join("\n"))
        .collect();
    let pages = [page]
        .into_iter()
        .chain(numbered.iter().map(|t| Page { text: t, ..page }));
    check(text, &Cleaner::new(&Profiles::learn(pages)).clean(&page));
    // - the page without a site, with and without its first line as the title given:
    //   headline, in-page repeats and chrome from the page's own evidence.
    let alone = Page { site: None, ..page };
    check(text, &Cleaner::new(&profiles).clean(&alone));
    // - the page and the reversed one learned without a site: grouped into one inferred
    //   site when they share enough template lines, and the page cleaned as its page.
    let inferred = Profiles::learn([alone, Page { site: None, ..other }]);
    let site = inferred.inferred_site(0);
    check(text, &Cleaner::new(&inferred).clean(&Page { site, ..alone }));
    let titled = Page {
        title: text.lines().next(),
        ..alone
    };
    check(text, &Cleaner::new(&profiles).clean(&titled));
});

fn check(text: &str, cleaned: &Cleaned) {
    let mut spans: Vec<(Range<usize>, &str)> = Vec::new();
    for r in &cleaned.removed {
        assert!(!r.span.is_empty(), "empty removal {r:?} of {text:?}");
        spans.push((r.span.clone(), r.reason.as_str()));
    }
    for k in &cleaned.kept {
        spans.push((k.clone(), "kept"));
    }
    for (span, what) in &spans {
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "{what} span {span:?} outside {text:?} ({cleaned:?})"
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{what} span {span:?} splits a character of {text:?} ({cleaned:?})"
        );
    }
    assert!(
        cleaned
            .removed
            .windows(2)
            .all(|w| (w[0].span.start, w[0].span.end) <= (w[1].span.start, w[1].span.end)),
        "removals out of order in {cleaned:?}"
    );
    assert!(
        cleaned.kept.windows(2).all(|w| w[0].end <= w[1].start),
        "kept spans out of order in {cleaned:?}"
    );
    spans.sort_by_key(|(s, _)| (s.start, s.end));
    for w in spans.windows(2) {
        let ((a, what_a), (b, what_b)) = (&w[0], &w[1]);
        assert!(
            a.end <= b.start || a.is_empty() || b.is_empty(),
            "{what_a} {a:?} overlaps {what_b} {b:?} in {text:?} ({cleaned:?})"
        );
    }

    // Every non-whitespace character in exactly one span.
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        let end = i + c.len_utf8();
        let holders = spans.iter().filter(|(s, _)| s.start <= i && end <= s.end).count();
        assert_eq!(
            holders, 1,
            "{c:?} at {i} of {text:?} is in {holders} spans ({cleaned:?})"
        );
    }

    // The body is the kept spans, joined by a blank line where the text has a blank line
    // between them and by a newline elsewhere.
    let mut body = String::new();
    for (n, k) in cleaned.kept.iter().enumerate() {
        if n > 0 {
            let between: Vec<&str> = text[cleaned.kept[n - 1].end..k.start].split('\n').collect();
            let blank = between.len() > 2 && between[1..between.len() - 1].iter().any(|l| l.trim().is_empty());
            body.push_str(if blank { "\n\n" } else { "\n" });
        }
        body.push_str(&text[k.clone()]);
    }
    assert_eq!(
        cleaned.body, body,
        "body of {text:?} is not its kept spans ({cleaned:?})"
    );

    let mut have: BTreeMap<String, i64> = BTreeMap::new();
    for t in tokens(text) {
        *have.entry(t).or_default() += 1;
    }
    for t in tokens(&cleaned.body) {
        let n = have.entry(t.clone()).or_default();
        *n -= 1;
        assert!(*n >= 0, "body token {t:?} is not in {text:?} as often ({cleaned:?})");
    }
}
