//! Body recovery on the seed page and a hand-made Chinese page with the same defects: alone,
//! and cleaned together with other pages of the same site.

// Expected spans are written as arrays of ranges.
#![allow(clippy::single_range_in_vec_init)]

use reprint::clean::{Cleaned, Cleaner, Page, Profiles, Reason, Scratch};

fn seed_text() -> String {
    let line = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/seed.jsonl")).unwrap();
    let record: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    record["text"].as_str().unwrap().to_owned()
}

/// The text's non-blank lines.
fn lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

fn span_of(text: &str, needle: &str) -> std::ops::Range<usize> {
    let start = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is in the text"));
    start..start + needle.len()
}

/// Pages of one site, without title fields.
fn pages_of_site<'a>(texts: &'a [String], site: &'a str) -> Vec<Page<'a>> {
    texts
        .iter()
        .map(|t| Page {
            text: t,
            title: None,
            site: Some(site),
        })
        .collect()
}

fn removals(cleaned: &Cleaned, reason: Reason) -> Vec<std::ops::Range<usize>> {
    cleaned
        .removed
        .iter()
        .filter(|r| r.reason == reason)
        .map(|r| r.span.clone())
        .collect()
}

/// Every non-whitespace byte is in exactly one kept or removed span, and the body is the
/// kept spans.
pub(crate) fn assert_accounts_for_all(text: &str, cleaned: &Cleaned) {
    let mut owner = vec![0u8; text.len()];
    for span in cleaned.kept.iter().chain(cleaned.removed.iter().map(|r| &r.span)) {
        for o in &mut owner[span.clone()] {
            *o += 1;
        }
    }
    for (i, b) in text.bytes().enumerate() {
        if !b.is_ascii_whitespace() {
            assert_eq!(owner[i], 1, "byte {i} ({:?}) is in {} spans", b as char, owner[i]);
        }
    }
    let pieces: Vec<&str> = cleaned.kept.iter().map(|s| &text[s.clone()]).collect();
    assert_eq!(cleaned.body.replace("\n\n", "\n"), pieces.join("\n"));
}

/// What issue 3 asks of the seed page. `chrome_reasons` are the reasons accepted for the
/// chrome lines (a site's templated line may be recognised as site boilerplate instead).
fn check_seed(text: &str, cleaned: &Cleaned, chrome_reasons: &[Reason]) {
    let l = lines(text);
    assert_eq!(l.len(), 29);
    assert_eq!(cleaned.title.as_deref(), Some(l[0]));
    let mut paragraphs: Vec<&str> = l[3..28]
        .iter()
        .copied()
        .filter(|p| !p.starts_with("One wave after another"))
        .collect();
    assert_eq!(paragraphs.len(), 19);
    paragraphs[0] = paragraphs[0].strip_prefix("html ").unwrap();
    assert_eq!(cleaned.body, paragraphs.join("\n\n"), "the body is the 19 paragraphs");

    assert_eq!(removals(cleaned, Reason::Headline), [0..l[0].len()]);
    let reworded = span_of(text, l[2]);
    let mut repeats = vec![reworded];
    let mut watermarks = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find(" - DayDayNews") {
        let end = at + i;
        let start = text[..end].rfind('\n').unwrap() + 1;
        repeats.push(start..end);
        watermarks.push(end..end + " - DayDayNews".len());
        at = end + 1;
    }
    assert_eq!(watermarks.len(), 6);
    assert_eq!(removals(cleaned, Reason::HeadlineRepeat), repeats);
    assert_eq!(removals(cleaned, Reason::Watermark), watermarks);
    assert_eq!(
        removals(cleaned, Reason::Markup),
        [span_of(text, "html On").start..span_of(text, "html On").start + 4]
    );
    for chrome in ["2024/06/1806:40:33 military 1983", "military Category Latest News"] {
        let r = cleaned.removed.iter().find(|r| r.span == span_of(text, chrome));
        assert!(
            r.is_some_and(|r| chrome_reasons.contains(&r.reason)),
            "{chrome:?} removed as one of {chrome_reasons:?}: {r:?}"
        );
    }
    assert_eq!(cleaned.removed.len(), 1 + 7 + 6 + 1 + 2, "{:#?}", cleaned.removed);
    for short in [
        "However, Kazakhstan is not timid and is not intimidated by Russia.",
        "Analysts say there may be several reasons for Russia and Kazakhstan to turn against each other.",
    ] {
        assert!(cleaned.body.contains(short));
    }
    assert_accounts_for_all(text, cleaned);
}

#[test]
fn seed_page_alone() {
    let text = seed_text();
    let page = Page {
        text: &text,
        title: None,
        site: None,
    };
    let profiles = Profiles::learn([page]);
    let cleaned = Cleaner::new(&profiles).clean(&page);
    check_seed(&text, &cleaned, &[Reason::Chrome]);
}

/// Other pages of the seed's site: the same chrome (a date glued to a time, a category and a
/// view count; a category line at the end) and the same habit of reprinting the headline
/// with the site's watermark.
fn site_pages(headlines: &[&str], paragraphs: &[&str], category: &str, watermark: &str) -> Vec<String> {
    headlines
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut p = vec![
                h.to_string(),
                format!(
                    "2024/07/{:02}{:02}:1{i}:0{i} {category} {}",
                    i + 1,
                    10 + i,
                    300 + 17 * i
                ),
            ];
            for (j, para) in paragraphs.iter().enumerate() {
                p.push(format!("{para} ({i}.{j})"));
                if j % 2 == 1 {
                    p.push(format!("{h}{watermark}"));
                }
            }
            p.push(format!("{category} Category Latest News"));
            p.join("\n\n")
        })
        .collect()
}

#[test]
fn seed_page_with_its_site() {
    let text = seed_text();
    let others = site_pages(
        &[
            "Heavy rain floods the river towns of the north, and thousands of families leave their homes overnight.",
            "The central bank raises its rate again, and shop owners say the price of bread has doubled since spring.",
            "A new bridge opens over the bay after six years of work, cutting the trip to the city to twenty minutes.",
            "Farmers in the valley harvest early this year because the summer was the hottest on record.",
        ],
        &[
            "The water rose through the night and reached the main road before dawn, officials said.",
            "Schools in the district will stay closed until the end of the week while crews clear the mud.",
            "Residents who left their homes are staying with relatives or in the sports hall near the station.",
            "The weather service expects more rain on Thursday but says the worst of the storm has passed.",
        ],
        "military",
        " - DayDayNews",
    );
    let mut pages = pages_of_site(&others, "daydaynews.cc");
    let seed = Page {
        text: &text,
        title: None,
        site: Some("daydaynews.cc"),
    };
    pages.insert(2, seed);
    let profiles = Profiles::learn(pages.iter().copied());
    let cleaned = Cleaner::new(&profiles).clean(&seed);
    check_seed(&text, &cleaned, &[Reason::Chrome, Reason::SiteBoilerplate]);
    // The other pages lose their chrome and headline copies too.
    for page in &pages {
        let c = Cleaner::new(&profiles).clean(page);
        assert!(
            !c.body.contains("Latest News") && !c.body.contains("DayDayNews"),
            "{}",
            c.body
        );
        assert_accounts_for_all(page.text, &c);
    }
    // Saved and loaded profiles clean a new page of the site the same way.
    let loaded = Profiles::from_json(&profiles.to_json()).unwrap();
    let alone = Profiles::learn(pages.iter().copied().filter(|p| p.text != text));
    let fresh = Cleaner::for_new_pages(&alone).clean(&seed);
    check_seed(&text, &fresh, &[Reason::Chrome, Reason::SiteBoilerplate]);
    assert_eq!(Cleaner::new(&loaded).clean(&seed), cleaned);
}

/// A hand-made Chinese page with the seed's defects: the headline reprinted with a
/// " - 天天新闻" suffix and once reworded, a date/category/views line, a category line at the end.
const CHINESE_PAGE: &str = "\
俄罗斯在西边与乌克兰交战的同时，东边又出了问题，邻国哈萨克斯坦原本与俄罗斯关系密切，如今却转而反对它，两国关系陷入危机。

2024/06/18 06:40:33 军事 阅读 1983

俄罗斯在西边与乌克兰交战的同时，东边又出了问题，邻近国家哈萨克斯坦原本与俄罗斯关系密切，如今却转而反对它，双方的关系陷入危机。

7月5日，俄罗斯以处理石油泄漏为由，切断了哈萨克斯坦的经济命脉里海石油管道，并要求对方停止运营三十天。

由于这条管道需要经过俄罗斯领土，俄罗斯切断管道之后，哈萨克斯坦的石油出口将受到很大的限制。

俄罗斯在西边与乌克兰交战的同时，东边又出了问题，邻国哈萨克斯坦原本与俄罗斯关系密切，如今却转而反对它，两国关系陷入危机。 - 天天新闻

哈萨克斯坦是世界上最大的内陆国家，领土辽阔，人口稀少，矿产资源丰富，石油出口是它的经济支柱之一。

然而，哈萨克斯坦并不胆怯。

分析人士认为，两国反目可能有以下几个原因，其中最重要的是能源和安全。

俄罗斯在西边与乌克兰交战的同时，东边又出了问题，邻国哈萨克斯坦原本与俄罗斯关系密切，如今却转而反对它，两国关系陷入危机。 - 天天新闻

为了解决石油出口受限的问题，哈萨克斯坦计划绕过俄罗斯领土，修建一条通往欧洲的新管道，这需要很多年。

军事 分类 最新新闻";

#[test]
fn chinese_page_alone_and_with_its_site() {
    let text = CHINESE_PAGE;
    let l = lines(text);
    let expect_body = [l[3], l[4], l[6], l[7], l[8], l[10]].join("\n\n");
    let check = |cleaned: &Cleaned, chrome: &[Reason]| {
        assert_eq!(cleaned.title.as_deref(), Some(l[0]));
        assert_eq!(cleaned.body, expect_body);
        assert_eq!(removals(cleaned, Reason::Headline), [span_of(text, l[0])]);
        assert_eq!(removals(cleaned, Reason::HeadlineRepeat).len(), 3);
        assert_eq!(removals(cleaned, Reason::Watermark).len(), 2);
        for line in [l[1], l[11]] {
            let r = cleaned.removed.iter().find(|r| r.span == span_of(text, line));
            assert!(r.is_some_and(|r| chrome.contains(&r.reason)), "{line}: {r:?}");
        }
        assert_accounts_for_all(text, cleaned);
    };
    let page = Page {
        text,
        title: None,
        site: Some("ttxw.example"),
    };
    let profiles = Profiles::learn([page]);
    check(&Cleaner::new(&profiles).clean(&page), &[Reason::Chrome]);

    let others = site_pages(
        &[
            "北方河边的城镇遭遇暴雨洪水，数千个家庭连夜离开了自己的家园。",
            "中央银行再次提高利率，店主们说面包的价格从春天以来已经翻了一倍。",
            "海湾上的新大桥经过六年施工终于通车，去城里的路程缩短到二十分钟。",
        ],
        &[
            "河水在夜里不断上涨，天亮之前已经漫到了主要道路上，官员们这样说。",
            "这个地区的学校将关闭到本周末，工人们正在清理街道上的淤泥和垃圾。",
            "离开家的居民暂时住在亲戚家里，或者住在车站附近的体育馆里面。",
            "气象部门预计星期四还会下雨，但是说风暴最严重的时候已经过去了。",
        ],
        "军事",
        " - 天天新闻",
    );
    let mut pages = pages_of_site(&others, "ttxw.example");
    pages.push(page);
    let profiles = Profiles::learn(pages.iter().copied());
    check(
        &Cleaner::new(&profiles).clean(&page),
        &[Reason::Chrome, Reason::SiteBoilerplate],
    );
}

#[test]
fn a_title_field_is_the_headline_and_short_first_lines_are_not() {
    let text = "News\n\nStorm closes the coast road\n\nThe storm closed the coast road on Monday, and the town said it would stay shut until the water went down.\n\nStorm closes the coast road | Daily Wire\n\nCrews worked through the night to clear the mud from the bridge near the harbour.";
    let page = Page {
        text,
        title: Some("Storm closes the coast road"),
        site: None,
    };
    let profiles = Profiles::learn([page]);
    let cleaned = Cleaner::new(&profiles).clean(&page);
    assert_eq!(cleaned.title.as_deref(), Some("Storm closes the coast road"));
    assert_eq!(
        removals(&cleaned, Reason::Headline),
        [span_of(text, "Storm closes the coast road")]
    );
    assert_eq!(removals(&cleaned, Reason::HeadlineRepeat).len(), 1);
    assert_eq!(removals(&cleaned, Reason::Watermark), [span_of(text, " | Daily Wire")]);
    assert!(cleaned.body.starts_with("The storm closed"));
    assert!(cleaned.body.ends_with("near the harbour."));

    // No title field, nothing repeated, and a one-word first line: that line is not the title.
    let page = Page {
        text: "Menu\n\nThe council met on Monday and agreed to repair the old school before winter.",
        title: None,
        site: None,
    };
    let cleaned = Cleaner::new(&Profiles::learn([page])).clean(&page);
    assert_ne!(cleaned.title.as_deref(), Some("Menu"));
    assert!(cleaned.body.contains("The council met on Monday"));
}

/// A page of a site with related-story lists: it opens with its title and nested site
/// affixes, a teaser is listed three times, and the article prints its headline once more.
fn page_with_teasers(headline: &str, teaser: &str, paragraphs: [&str; 2]) -> String {
    [
        format!("{headline} | City Desk - Example Network"),
        "Home | News | Sports | Weather".to_owned(),
        teaser.to_owned(),
        headline.to_owned(),
        paragraphs[0].to_owned(),
        paragraphs[1].to_owned(),
        teaser.to_owned(),
        "Read more about the council and what it plans for the coming year.".to_owned(),
        teaser.to_owned(),
    ]
    .join("\n")
}

#[test]
fn a_page_opening_with_its_title_keeps_that_headline_over_a_teaser_listed_more() {
    let headline = "Harbour Bridge Repairs Finish Early";
    let teaser = "Council Votes On New Library Budget Today";
    let text = page_with_teasers(
        headline,
        teaser,
        [
            "The repairs on the harbour bridge finished two weeks ahead of the schedule, the city said on Monday.",
            "Crews worked through the night for most of the summer, and the bridge reopened to traffic on Sunday.",
        ],
    );
    let affixes = span_of(&text, " | City Desk - Example Network");
    let check = |cleaned: &Cleaned| {
        assert_eq!(cleaned.title.as_deref(), Some(headline));
        // Both affixes of the first line are the site's watermark (one span when the page is
        // alone; the site's learned affixes may come off one by one); the headline's copy goes.
        let watermarks = removals(cleaned, Reason::Watermark);
        assert!(
            affixes.clone().all(|b| watermarks.iter().any(|w| w.contains(&b))),
            "{watermarks:?}"
        );
        assert_eq!(removals(cleaned, Reason::Headline), [span_of(&text, headline)]);
        let copy = text.rfind(headline).unwrap();
        assert_eq!(removals(cleaned, Reason::HeadlineRepeat), [copy..copy + headline.len()]);
        assert!(
            cleaned.body.contains("The repairs on the harbour bridge"),
            "{}",
            cleaned.body
        );
        assert!(
            cleaned.body.contains("reopened to traffic on Sunday."),
            "{}",
            cleaned.body
        );
        assert_accounts_for_all(&text, cleaned);
    };
    let page = Page {
        text: &text,
        title: None,
        site: None,
    };
    let alone = Cleaner::new(&Profiles::learn([page])).clean(&page);
    check(&alone);
    assert_eq!(removals(&alone, Reason::Watermark), std::slice::from_ref(&affixes));

    // The site's other pages list this article's headline among theirs: on this page it is
    // still the headline, not a line of the site's template.
    let others: Vec<String> = [
        "Ferry Timetable Changes For The Winter",
        "New Cycle Lanes Open Along The River",
        "Market Hall Reopens After Two Years",
        "School Holidays Start A Week Later",
    ]
    .iter()
    .map(|h| {
        let about = format!("This is the story of {h}, told as the city told it this week.");
        let more = format!("Readers wrote in about {h} and asked what comes next.");
        page_with_teasers(h, headline, [&about, &more])
    })
    .collect();
    let mut pages = pages_of_site(&others, "citydesk.example");
    let page = Page {
        site: Some("citydesk.example"),
        ..page
    };
    pages.push(page);
    let profiles = Profiles::learn(pages.iter().copied());
    check(&Cleaner::new(&profiles).clean(&page));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Cleaning never invents text and loses none: every non-whitespace byte lies in exactly
    /// one kept or removed span, the body is the kept spans, and the body's tokens are a
    /// sub-multiset of the text's. Pages are drawn from lines that trigger every rule.
    #[test]
    fn cleaning_accounts_for_every_byte(
        picks in proptest::collection::vec((0usize..14, 0usize..4), 0..30),
        blanks in proptest::collection::vec(proptest::bool::ANY, 30),
        site in proptest::option::of("[ab]"),
    ) {
        const LINES: [&str; 14] = [
            "Storm closes the coast road for the week",
            "Storm closes the coast road for the week - Daily Wire",
            "The storm closed the coast road on Monday, and the town said it would stay shut.",
            "html The council met on Monday and agreed to repair the old school.",
            "2024/06/1806:40:33 military 1983",
            "Home | World | Sports | Opinion",
            "俄罗斯切断了哈萨克斯坦的经济命脉，并要求对方停止运营三十天。",
            "«Да», сказал он.  ",
            "&nbsp;",
            "— | —",
            "e\u{301}te\u{301} cafe\u{301} نص عربي",
            "Share this article: Facebook | Twitter",
            "Storm closes the coast road (updated)",
            "\t  ",
        ];
        let mut text = String::new();
        for (i, (line, variant)) in picks.iter().enumerate() {
            if i > 0 {
                text.push_str(if blanks[i] { "\n\n" } else { "\n" });
            }
            text.push_str(LINES[*line]);
            if *variant == 3 {
                text.push_str(" 7");
            }
        }
        let page = Page { text: &text, title: None, site: site.as_deref() };
        let profiles = Profiles::learn([page, page]);
        let cleaned = Cleaner::new(&profiles).clean(&page);
        assert_accounts_for_all(&text, &cleaned);
        let tokens = |s: &str| {
            let mut counts = std::collections::BTreeMap::<String, i64>::new();
            for t in reprint::text::tokens(s) {
                *counts.entry(t).or_default() += 1;
            }
            counts
        };
        let have = tokens(&text);
        for (token, n) in tokens(&cleaned.body) {
            proptest::prop_assert!(have.get(&token).copied().unwrap_or(0) >= n, "{token:?} invented");
        }
        for r in &cleaned.removed {
            proptest::prop_assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
        }
        // The body's tokens as the signer reads them from the page: those of the body itself.
        let mut from_page = Vec::new();
        let again = Cleaner::new(&profiles).clean_for_signing(&page, &mut Scratch::default(), &mut from_page);
        proptest::prop_assert_eq!(&again.body, &cleaned.body);
        let mut of_body = Vec::new();
        reprint::text::token_hashes_into(&cleaned.body, &mut Vec::new(), &mut of_body);
        proptest::prop_assert_eq!(from_page, of_body);
        // One scratch and one result, cleaning another page first and this one after it:
        // nothing of the first is left in the second.
        let (mut scratch, mut reused) = (Scratch::default(), Cleaned::default());
        let other = Page {
            text: "html Other page - Site\n\nHome | News | Sport\nA sentence of the other page, long enough.",
            title: Some("Other page"),
            site: None,
        };
        Cleaner::new(&profiles).clean_into(&other, &mut scratch, &mut reused);
        Cleaner::new(&profiles).clean_into(&page, &mut scratch, &mut reused);
        proptest::prop_assert_eq!(&reused, &cleaned);
    }
}

/// A news page: the site's navigation and footer around an article of two long paragraphs
/// (at least 256 bytes, what makes a page's copy key) around two short ones.
fn news_page(topic: &str, place: &str) -> String {
    let long = |n: u32| {
        format!(
            "Officials in {place} said on Monday that the {topic} would be reviewed again next month, \
             after residents raised questions at a public meeting that ran late into the evening. \
             The council expects a report from its advisers by the spring, and a vote on the {topic} \
             could follow soon after that, according to a statement published on its website ({n})."
        )
    };
    [
        "Home | World | Business | Sport | Weather".to_owned(),
        format!("Council to review the {topic} in {place}"),
        long(1),
        format!("The {topic} has divided {place} for years."),
        format!("A spokesman for {place} declined to comment."),
        long(2),
        "Copyright 2024 The Valley Courier. All rights reserved.".to_owned(),
    ]
    .join("\n\n")
}

#[test]
fn a_page_crawled_twice_keeps_its_short_paragraphs() {
    let mut texts: Vec<String> = [
        ("parking plan", "Ashford"),
        ("school merger", "Brampton"),
        ("water tariff", "Carlow"),
        ("bus route", "Dunmore"),
    ]
    .iter()
    .map(|(topic, place)| news_page(topic, place))
    .collect();
    // The same article crawled again: every block of it is on two pages of the site.
    texts.push(texts[0].clone());
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    let cleaned = Cleaner::new(&profiles).clean(&pages[0]);
    assert_accounts_for_all(pages[0].text, &cleaned);
    for kept in ["has divided Ashford for years.", "A spokesman for Ashford declined"] {
        let why: Vec<_> = cleaned
            .removed
            .iter()
            .map(|r| (r.reason, &pages[0].text[r.span.clone()]))
            .collect();
        assert!(cleaned.body.contains(kept), "{kept:?} is kept; removed: {why:?}");
    }
    // The site's chrome is on the other articles' pages, and still goes.
    for gone in ["Home | World", "All rights reserved"] {
        assert!(!cleaned.body.contains(gone), "{gone:?} is removed: {}", cleaned.body);
    }
}

/// `prose` as lines of at most 60 bytes, broken at spaces (a word longer than that is a line).
fn wrap_at_60(prose: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in prose.split(' ') {
        if line.len() + word.len() > 60 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// A review whose text is wrapped at 60 columns: no line of it is a long paragraph.
fn wrapped_review(film: &str, director: &str, views: u32) -> String {
    let prose = format!(
        "The opening scene of {film} sets a small town on fire, and {director} spends the next two \
         hours asking who lit it. The cast is large and the script gives each of them a speech, \
         some of them too long, most of them worth hearing. It is a patient film about a place \
         that is being sold off one lot at a time, and it never tells you what to think of the \
         buyers. See it on a big screen if you can find one still showing it this month."
    );
    let mut lines = vec![
        "Flick Review: Film".to_owned(),
        "FILM | Archives | Submissions".to_owned(),
        "RECENTLY IN FILM".to_owned(),
        format!("{film}"),
        format!("dir. {director}"),
    ];
    lines.extend(wrap_at_60(&prose));
    lines.push(format!("Read {views} times"));
    lines.push("Copyright Flick Magazine".to_owned());
    lines.join("\n")
}

#[test]
fn a_wrapped_page_crawled_again_keeps_its_text() {
    let mut texts = vec![
        wrapped_review("Sunshine State", "John Sayles", 120),
        wrapped_review("Lone Star", "John Sayles", 48),
    ];
    // The first review crawled again, its counter gone up: a site of two pages and a copy.
    texts.push(wrapped_review("Sunshine State", "John Sayles", 131));
    let pages = pages_of_site(&texts, "flick.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in [&pages[0], &pages[2]] {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert_accounts_for_all(page.text, &cleaned);
        let body = cleaned.body.replace('\n', " ");
        for kept in [
            "asking who lit it",
            "a patient film about a place",
            "See it on a big screen",
        ] {
            assert!(body.contains(kept), "{kept:?} is kept: {:?}", cleaned.removed);
        }
        for gone in ["FILM | Archives", "Copyright Flick"] {
            assert!(!cleaned.body.contains(gone), "{gone:?} goes: {}", cleaned.body);
        }
    }
}

/// A news page of short paragraphs (none of 256 bytes), with `extra` lines after them.
fn brief_page(topic: &str, place: &str, extra: &[&str]) -> String {
    let mut blocks = vec![
        "Home | World | Business | Sport".to_owned(),
        format!("Council to review the {topic} in {place}"),
        format!("Officials in {place} said on Monday that the {topic} would be reviewed again next month."),
        format!("Residents raised questions about the {topic} at a public meeting that ran late."),
        format!("A vote on the {topic} could follow in the spring, the council said in a statement."),
    ];
    blocks.extend(extra.iter().map(|e| e.to_string()));
    blocks.push("Copyright 2024 The Valley Courier. All rights reserved.".to_owned());
    blocks.join("\n\n")
}

#[test]
fn a_page_of_short_paragraphs_crawled_again_with_a_widget_keeps_them() {
    let texts = vec![
        brief_page("parking plan", "Ashford", &[]),
        brief_page("school merger", "Brampton", &[]),
        brief_page("water tariff", "Carlow", &[]),
        // The first article crawled again, a widget added: not the same page as it was.
        brief_page("parking plan", "Ashford", &["Most read: Storm closes the coast road"]),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in [&pages[0], &pages[3]] {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert_accounts_for_all(page.text, &cleaned);
        for kept in ["would be reviewed again next month.", "A vote on the parking plan"] {
            assert!(cleaned.body.contains(kept), "{kept:?} is kept: {:?}", cleaned.removed);
        }
        for gone in ["Home | World", "All rights reserved"] {
            assert!(!cleaned.body.contains(gone), "{gone:?} goes: {}", cleaned.body);
        }
    }
}

/// Assert that `text` (a body, or a title and body) holds each of `kept` and none of `gone`.
fn assert_kept_and_gone(text: &str, cleaned: &Cleaned, kept: &[&str], gone: &[&str]) {
    for k in kept {
        assert!(text.contains(k), "{k:?} is kept: {:?}", cleaned.removed);
    }
    for g in gone {
        assert!(!text.contains(g), "{g:?} goes: {text}");
    }
}

/// Three stories of three paragraphs each.
const WRAPPED_STORIES: [(&str, [&str; 3]); 3] = [
    (
        "Harbour to be dredged before winter",
        [
            "The harbour board met on Tuesday and agreed, after a debate that ran for most of the \
             afternoon, to spend its reserve on dredging the channel before the winter storms arrive.",
            "Last year the silt closed the port to larger boats for a month, and the fishing fleet \
             lost a season of landings while the trawlers waited outside for the tide to turn.",
            "The work is expected to take six weeks, and the board has asked owners of the smaller \
             boats to moor in the outer basin until the dredger has finished with the inner one.",
        ],
    ),
    (
        "Library opens on Sundays from March",
        [
            "Readers will find the central library open on Sunday afternoons from March, the county \
             said, after a petition signed by four thousand people asked for longer hours.",
            "Volunteers from the reading circle will run the children's corner, and the café on the \
             ground floor is looking for a tenant who can keep it open at weekends as well.",
            "The extra hours will cost about forty thousand pounds a year, which the county plans to \
             find by renting the upstairs rooms to evening classes and local clubs.",
        ],
    ),
    (
        "Bus route through the valley restored",
        [
            "Passengers in the upper valley have their bus back: the operator restored the hourly \
             service on Monday, two years after it was cut for want of drivers and money.",
            "Farmers along the route said the bus mattered most to older neighbours, who had relied \
             on lifts to reach the surgery, the bank and the market in town on Thursdays.",
            "The operator has promised to keep the timetable for at least three years, provided the \
             county goes on paying a share of the cost of the early and late journeys.",
        ],
    ),
];

/// Story `i` of [`WRAPPED_STORIES`] on a page with a menu and a footer, each paragraph wrapped
/// at 60 columns, and `inside` (if given) added as a line after the second paragraph's first.
fn wrapped_story(i: usize, inside: Option<&str>) -> String {
    let (headline, paragraphs) = WRAPPED_STORIES[i];
    let mut blocks = vec!["Home | Local | Sport | Weather".to_owned(), headline.to_owned()];
    for (p, paragraph) in paragraphs.iter().enumerate() {
        let mut lines = wrap_at_60(paragraph);
        if let (1, Some(widget)) = (p, inside) {
            lines.insert(1, widget.to_owned());
        }
        blocks.push(lines.join("\n"));
    }
    blocks.push("Copyright 2024 The Valley Courier. All rights reserved.".to_owned());
    blocks.join("\n\n")
}

#[test]
fn an_article_crawled_again_with_a_line_inside_a_paragraph_keeps_it() {
    // The first story crawled again, a widget's line printed inside its second paragraph:
    // the line joins the paragraph's run of wrapped lines, so the copy's paragraphs are not
    // the first crawl's.
    let widget = "Most read today: Storm closes the coast road 42";
    let texts = vec![
        wrapped_story(0, None),
        wrapped_story(1, None),
        wrapped_story(2, None),
        wrapped_story(0, Some(widget)),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in [&pages[0], &pages[3]] {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert_accounts_for_all(page.text, &cleaned);
        let body = cleaned.body.replace('\n', " ");
        let kept = ["spend its reserve on dredging", "waited outside for the tide to turn."];
        assert_kept_and_gone(&body, &cleaned, &kept, &["Home | Local", "All rights reserved"]);
    }
}

#[test]
fn an_article_alone_on_its_site_crawled_three_times_keeps_it() {
    // One article, its site's only one, crawled three times, each crawl with a widget's line
    // inside its long paragraph: every key of its paragraphs on every page of the site.
    let (headline, [first, second, third]) = WRAPPED_STORIES[0];
    let crawl = |widget: Option<&str>| {
        let mut long = wrap_at_60(&format!("{first} {second}"));
        if let Some(widget) = widget {
            long.insert(2, widget.to_owned());
        }
        [
            "Home | Local | Sport | Weather".to_owned(),
            headline.to_owned(),
            long.join("\n"),
            wrap_at_60(third).join("\n"),
            "Copyright 2024 The Valley Courier. All rights reserved.".to_owned(),
        ]
        .join("\n\n")
    };
    let texts = vec![
        crawl(None),
        crawl(Some("Most read today: Storm closes the coast road 42")),
        crawl(Some("Most read today: Markets rally after the vote 7")),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in &pages {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert_accounts_for_all(page.text, &cleaned);
        let body = cleaned.body.replace('\n', " ");
        let kept = [
            "The harbour board met on Tuesday",
            "outside for the tide",
            "until the dredger",
        ];
        assert_kept_and_gone(&body, &cleaned, &kept, &["All rights reserved"]);
    }
}

#[test]
fn an_article_crawled_three_times_keeps_its_headline() {
    // The first story three times, each crawl with another widget line: its headline is on
    // three of five pages, which a headline of one page is not, unless the copies are
    // discounted.
    let texts = vec![
        wrapped_story(0, None),
        wrapped_story(1, None),
        wrapped_story(2, None),
        wrapped_story(0, Some("Most read today: Storm closes the coast road 42")),
        wrapped_story(0, Some("Most read today: Markets rally after the vote 7")),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in [&pages[0], &pages[3], &pages[4]] {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert_eq!(
            cleaned.title.as_deref(),
            Some(WRAPPED_STORIES[0].0),
            "{:?}",
            cleaned.removed
        );
        assert!(cleaned.body.contains("spend its reserve"), "{:?}", cleaned.removed);
    }
}

/// A gallery page: captions that are no sentences, with `extra` lines after them.
fn gallery_page(i: usize, extra: &[&str]) -> String {
    let captions = [
        [
            "Fishing boats waiting outside the harbour mouth for the evening tide",
            "The dredger at work in the inner basin, seen from the lighthouse steps",
        ],
        [
            "Readers queueing at the library doors on the first Sunday afternoon",
            "Volunteers from the reading circle setting up the children's corner",
        ],
        [
            "The hourly bus crossing the old stone bridge below the upper valley farms",
            "Passengers boarding at the market square stop on a wet Thursday morning",
        ],
    ];
    let mut lines = vec!["Galleries | Archive | Submit a photo".to_owned()];
    lines.extend(captions[i].iter().map(|c| c.to_string()));
    lines.extend(extra.iter().map(|e| e.to_string()));
    lines.push("Photo Desk of The Valley Courier".to_owned());
    lines.join("\n")
}

#[test]
fn a_gallery_page_crawled_again_with_a_widget_keeps_its_captions() {
    // No line of these pages ends like a sentence: the captions of 64 bytes or more stand for
    // the page's paragraphs in its copy keys.
    let texts = vec![
        gallery_page(0, &[]),
        gallery_page(1, &[]),
        gallery_page(2, &[]),
        gallery_page(0, &["Most read today: Storm closes the coast road 42"]),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in [&pages[0], &pages[3]] {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert_accounts_for_all(page.text, &cleaned);
        // The first caption may be taken for the headline: the title and body keep both.
        let text = format!("{}\n{}", cleaned.title.as_deref().unwrap_or(""), cleaned.body);
        let kept = ["for the evening tide", "seen from the lighthouse steps"];
        assert_kept_and_gone(&text, &cleaned, &kept, &["Galleries | Archive", "Photo Desk"]);
    }
}

#[test]
fn gallery_pages_sharing_one_caption_are_not_copies() {
    // Two pages of a gallery share a caption, and a credit line only they print; a third page
    // has neither. The pages' lines of 64 bytes or more stand for their paragraphs, and the
    // shared caption may be the least of both pages' keys: their own captions tell that they
    // are not copies, so the credit line on both is the site's. Several pairs of captions, for
    // the least key falls where the hashes put it.
    let shared = "Fishing boats waiting outside the harbour mouth for the evening tide";
    let places = [
        "quay",
        "slipway",
        "breakwater",
        "fish market",
        "lifeboat station",
        "old pier",
        "boatyard",
        "ferry ramp",
    ];
    for (i, place) in places.iter().enumerate() {
        let other = places[(i + 1) % places.len()];
        let page = |own: &str, credit: bool| {
            let mut lines = vec!["Galleries | Archive | Submit a photo".to_owned(), shared.to_owned()];
            lines.push(format!(
                "The {own} seen from the top of the lighthouse steps at low water today"
            ));
            if credit {
                lines.push("Photos by the Courier staff".to_owned());
            }
            lines.push("Photo Desk of The Valley Courier".to_owned());
            lines.join("\n")
        };
        let texts = vec![
            page(place, true),
            page(other, true),
            [
                "Galleries | Archive | Submit a photo",
                "The dunes at dawn, from the coast path above the beach huts",
                "Photo Desk of The Valley Courier",
            ]
            .join("\n"),
        ];
        let pages = pages_of_site(&texts, "courier.example");
        let profiles = Profiles::learn(pages.iter().copied());
        for page in &pages[..2] {
            let cleaned = Cleaner::new(&profiles).clean(page);
            let site_lines: Vec<&str> = removals(&cleaned, Reason::SiteBoilerplate)
                .into_iter()
                .map(|span| &page.text[span])
                .collect();
            assert!(
                site_lines.contains(&"Photos by the Courier staff"),
                "{place}: the credit line is the site's: {site_lines:?}"
            );
        }
    }
}

#[test]
fn copies_of_short_paragraphs_are_found_past_the_sites_long_notice() {
    let notice = "This page is best viewed in an up-to-date web browser with style sheets (CSS) \
                  enabled. While you will be able to view the content of this page in your current \
                  browser, you will not be able to get the full visual experience. Please consider \
                  upgrading your browser software or enabling style sheets if you are able to.";
    let long_story = "The harbour board met on Tuesday and agreed, after a debate that ran for most \
                      of the afternoon, to spend the reserve on dredging the channel before the \
                      winter storms, which last year closed the port to larger boats for a month \
                      and cost the fishing fleet a season's worth of landings.";
    let with_notice = |body: String| format!("{body}\n\n{notice}");
    let texts = vec![
        with_notice(brief_page("parking plan", "Ashford", &[])),
        with_notice(brief_page("school merger", "Brampton", &[])),
        with_notice(brief_page("water tariff", "Carlow", &[])),
        with_notice(format!(
            "Home | World | Business | Sport\n\nHarbour to be dredged\n\n{long_story}"
        )),
        with_notice(brief_page(
            "parking plan",
            "Ashford",
            &["Most read: Storm closes the coast road"],
        )),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in [&pages[0], &pages[4]] {
        let cleaned = Cleaner::new(&profiles).clean(page);
        for kept in ["would be reviewed again next month.", "A vote on the parking plan"] {
            assert!(cleaned.body.contains(kept), "{kept:?} is kept: {:?}", cleaned.removed);
        }
        assert!(
            !cleaned.body.contains("best viewed"),
            "the notice goes: {}",
            cleaned.body
        );
    }
}

#[test]
fn copies_are_found_past_a_long_paragraph_on_every_page() {
    let about = "About the Courier: the Valley Courier has reported on the towns of the valley since \
                 1921, and it is owned by a trust that its readers elect. It takes no money from \
                 the councils it reports on, and it prints every correction on its second page, \
                 under the name of the reporter who made the mistake.";
    let with_about = |topic: &str, place: &str, extra: &str| format!("{about}\n\n{}{extra}", news_page(topic, place));
    let texts = vec![
        with_about("parking plan", "Ashford", ""),
        with_about("school merger", "Brampton", ""),
        with_about("water tariff", "Carlow", ""),
        with_about("parking plan", "Ashford", "\n\nMost read: Storm closes the coast road"),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in [&pages[0], &pages[3]] {
        let cleaned = Cleaner::new(&profiles).clean(page);
        // The article's short paragraphs, on the two copies only, are not the site's
        // boilerplate (whatever the chrome step makes of them); the about text is.
        let site_lines: Vec<&str> = removals(&cleaned, Reason::SiteBoilerplate)
            .into_iter()
            .map(|span| &page.text[span])
            .collect();
        for article in ["The parking plan has divided", "A spokesman for Ashford declined"] {
            assert!(
                !site_lines.iter().any(|l| l.starts_with(article)),
                "{article:?} is not site boilerplate: {site_lines:?}"
            );
        }
        assert!(
            site_lines.iter().any(|l| l.starts_with("About the Courier")),
            "{site_lines:?}"
        );
    }
}

#[test]
fn a_gallery_whose_pages_share_only_their_notice_is_not_one_page() {
    // No long paragraph on any page: the notice, on all four, is each page's one paragraph.
    // Each page's caption is its own, and not a few words: the pages are not one page
    // crawled four times. (Pages that differ by a word or two alone cannot be told from one
    // page crawled again with a counter changed: they are taken for copies, see
    // `an_article_of_short_paragraphs_alone_on_its_site_crawled_three_times_keeps_them`.)
    let texts: Vec<String> = [
        "Sunset over the western dunes from the old coastguard lookout",
        "Harbour lights at dusk with the ferry leaving for the islands",
        "The lighthouse keeper's cottage under a winter storm front",
        "Marram grass and the long dunes south of the river mouth",
    ]
    .iter()
    .map(|caption| {
        format!(
            "Coast Photos\nHome | Photos | About\n{caption}\n\
             All photos on this site are the work of their owners and may not be used without asking.\n\
             Contact us"
        )
    })
    .collect();
    let pages = pages_of_site(&texts, "coastphotos.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in &pages {
        let cleaned = Cleaner::new(&profiles).clean(page);
        // The site's lines go as its boilerplate, seen on the other pages, not only as chrome.
        let site_lines: Vec<&str> = removals(&cleaned, Reason::SiteBoilerplate)
            .into_iter()
            .map(|span| &page.text[span])
            .collect();
        for line in ["Coast Photos", "Contact us", "All photos on this site are the work"] {
            assert!(
                site_lines.iter().any(|l| l.starts_with(line)),
                "{line:?} is site boilerplate: {site_lines:?}"
            );
        }
    }
}

#[test]
fn an_article_of_short_paragraphs_alone_on_its_site_crawled_three_times_keeps_them() {
    // One article, its paragraphs all short, on a site of which the crawl holds nothing else:
    // fetched three times, a widget line added to two of the fetches. Every block of the site
    // is on every page, yet the pages are one page, and its paragraphs are its article.
    let story = brief_page("parking plan", "Ashford", &[]);
    let texts = vec![
        story.clone(),
        brief_page(
            "parking plan",
            "Ashford",
            &["Most read: Storm closes the coast road 42"],
        ),
        brief_page("parking plan", "Ashford", &["Most read: Ferry strike called off 317"]),
    ];
    let pages = pages_of_site(&texts, "courier.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for page in &pages {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert_accounts_for_all(page.text, &cleaned);
        assert_kept_and_gone(
            &cleaned.body,
            &cleaned,
            &[
                "would be reviewed again next month.",
                "A vote on the parking plan could follow",
            ],
            &["Home | World", "All rights reserved"],
        );
    }
}

/// A blog author's biography: a long paragraph the blog prints on every page.
const BIOGRAPHY: &str = "About me: I have written about advertising in New York for nineteen years, first \
                         for agencies and then for magazines, and before that I sold ads for a radio station \
                         in Ohio. I dislike most of what I write about, and I say so, which is why people \
                         read this blog and why some of them write to me to complain every single week.";

#[test]
fn posts_sharing_a_long_biography_each_crawled_three_times_lose_it() {
    // Three posts of a blog, each fetched three times (a widget line in two of the fetches):
    // the biography is each page's one long paragraph, on every page of the site, and the
    // posts' own paragraphs are short. A page's copies are the fetches of its post, not the
    // whole site: the biography goes as the site's, the post stays.
    let bio = BIOGRAPHY;
    let posts = [
        "Five of the worst print ads of the month, chosen by the readers who wrote in.",
        "The best subway poster placement this year, and the worst one, side by side.",
        "Why every bank now sounds like a yoga studio, in six slogans and one jingle.",
    ];
    let mut texts = Vec::new();
    for (i, post) in posts.iter().enumerate() {
        for widget in [
            "",
            "Most read: Storm closes the coast road 42",
            "Most read: Ferry strike off 317",
        ] {
            let widget = if widget.is_empty() {
                String::new()
            } else {
                format!("\n\n{widget}")
            };
            texts.push(format!(
                "The Ad Desk\n\n{bio}\n\n{post}\n\nPost {i} of the month: reader letters are welcome.{widget}"
            ));
        }
    }
    let pages = pages_of_site(&texts, "addesk.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for (k, page) in pages.iter().enumerate() {
        let cleaned = Cleaner::new(&profiles).clean(page);
        let post = posts[k / 3];
        assert!(
            !cleaned.body.contains("About me"),
            "the biography goes: {}",
            cleaned.body
        );
        assert!(cleaned.body.contains(post), "{post:?} is kept: {}", cleaned.body);
    }
}

#[test]
fn pages_sharing_only_a_long_biography_are_not_copies() {
    let bio = BIOGRAPHY;
    let posts = [
        "Five of the worst print ads of the month.",
        "The best subway poster placement this year.",
        "Why every bank now sounds like a yoga studio.",
    ];
    let texts: Vec<String> = posts
        .iter()
        .map(|post| {
            format!("The Ad Desk\n\n{bio}\n\n{post}\n\nThe reader who sent this one in wins nothing at all, as usual.")
        })
        .collect();
    let pages = pages_of_site(&texts, "addesk.example");
    let profiles = Profiles::learn(pages.iter().copied());
    for (page, post) in pages.iter().zip(posts) {
        let cleaned = Cleaner::new(&profiles).clean(page);
        assert!(
            !cleaned.body.contains("About me"),
            "the biography goes: {}",
            cleaned.body
        );
        assert!(cleaned.body.contains(post), "{post:?} is kept: {}", cleaned.body);
    }
}
