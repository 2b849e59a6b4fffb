//! Synthetic crawl dumps with ground truth, for testing and benchmarking `reprint`.
//!
//! Writes a JSONL file of scraped news pages from invented sites and a truth file with, for
//! every page, its article cluster, its true headline and its true body. Pages carry what real
//! scrapes carry: navigation lines, a templated date/category/view-count header, footers,
//! headlines reprinted inside the body with a site watermark (" - SiteName"), reworded
//! headline repeats and stray markup tokens. About a third of the articles are syndicated to
//! other sites with edits of varying strength (exact copies, word substitutions, dropped or
//! truncated paragraphs, heavy rewrites), and a few pages are crawled twice. All text is
//! invented: English-like prose from a Zipf-distributed pseudo-vocabulary mixed with function
//! words, and Chinese-like prose from Zipf-distributed Han characters.
//!
//! The output depends only on the arguments: randomness comes from a seeded xoshiro256**, all
//! arithmetic is on integers, and nothing iterates a hash map. See `corpora/GENERATOR.md`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --docs 2000 --seed 42 \
//!     --out corpora/sample.jsonl --truth corpora/sample.truth.jsonl
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: gen_corpus --docs N --out PATH --truth PATH \
[--seed S (42)] [--zh-share F (0.15)] [--sites N (max(8, docs/150))]";

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
    docs: usize,
    seed: u64,
    out: String,
    truth: String,
    /// Share of Chinese-language sites, in millionths.
    zh_share_ppm: u64,
    sites: usize,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let (mut docs, mut seed, mut sites) = (None, 42, None);
    let (mut out, mut truth, mut zh_share_ppm) = (None, None, 150_000);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_string());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--docs" => docs = Some(parse_number(flag, value)?),
            "--seed" => seed = parse_number(flag, value)?,
            "--sites" => sites = Some(parse_number(flag, value)?),
            "--out" => out = Some(value.clone()),
            "--truth" => truth = Some(value.clone()),
            "--zh-share" => zh_share_ppm = parse_share(value)?,
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    let docs: usize = docs.ok_or_else(|| format!("--docs is required\n{USAGE}"))?;
    let sites = sites.unwrap_or((docs / 150).max(8) as u64) as usize;
    if sites < 2 {
        return Err("--sites must be at least 2".to_string());
    }
    Ok(Options {
        docs,
        seed,
        out: out.ok_or_else(|| format!("--out is required\n{USAGE}"))?,
        truth: truth.ok_or_else(|| format!("--truth is required\n{USAGE}"))?,
        zh_share_ppm,
        sites,
    })
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} wants a non-negative integer, got {value:?}"))
}

/// Parses a share in [0, 1] into millionths (string-to-float parsing is correctly rounded, so
/// this is the same on every machine).
fn parse_share(value: &str) -> Result<u64, String> {
    match value.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok((f * 1e6).round() as u64),
        _ => Err(format!("--zh-share wants a number in [0, 1], got {value:?}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64 for seeding, xoshiro256** for streams, integers only.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone)]
struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut s = seed;
        Rng([
            splitmix64(&mut s),
            splitmix64(&mut s),
            splitmix64(&mut s),
            splitmix64(&mut s),
        ])
    }

    /// An independent stream for item `index` of kind `stream`.
    fn derive(seed: u64, stream: u64, index: u64) -> Rng {
        let mut s = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng::new(splitmix64(&mut s) ^ index.wrapping_mul(0xA24B_AED4_963E_E407))
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// An index drawn with the given integer weights.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut u = self.below(weights.iter().sum());
        for (i, &w) in weights.iter().enumerate() {
            if u < w {
                return i;
            }
            u -= w;
        }
        weights.len() - 1
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.index(i + 1));
        }
    }
}

/// Zipf-like ranks: rank `i` has weight `2^32 / (i + offset)`.
struct Zipf {
    cumulative: Vec<u64>,
}

impl Zipf {
    fn new(n: usize, offset: u64) -> Zipf {
        let mut total = 0;
        let cumulative = (0..n as u64)
            .map(|i| {
                total += (1u64 << 32) / (i + offset);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.below(*self.cumulative.last().expect("a Zipf table is never empty"));
        self.cumulative.partition_point(|&c| c <= u)
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

#[rustfmt::skip]
const FUNCTION_WORDS: [&str; 60] = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "was", "on", "with", "as",
    "by", "at", "from", "he", "be", "this", "have", "are", "his", "not", "but", "had", "they",
    "or", "an", "which", "were", "she", "their", "has", "her", "been", "will", "would", "said",
    "after", "who", "its", "more", "than", "also", "into", "over", "about", "there", "when", "we",
    "can", "all", "no", "new", "two", "up", "out", "some", "could",
];

#[rustfmt::skip]
const ONSETS: [&str; 33] = [
    "", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
    "br", "cr", "dr", "gr", "pr", "tr", "st", "sl", "pl", "cl", "fl", "sh", "ch", "th",
];
const VOWELS: [&str; 10] = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ee"];
const CODAS: [&str; 13] = ["", "", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "ng"];

const WORD_COUNT: usize = 4000;
const HAN_COUNT: usize = 3000;
const HAN_FIRST: u32 = 0x4E00;
const HAN_LAST: u32 = 0x9FA5;

struct Lexicon {
    words: Vec<String>,
    word_zipf: Zipf,
    function_zipf: Zipf,
    han: Vec<char>,
    han_zipf: Zipf,
}

impl Lexicon {
    fn new(seed: u64) -> Lexicon {
        let mut rng = Rng::derive(seed, 1, 0);
        let words = build_words(&mut rng, WORD_COUNT);
        let han = build_han(&mut rng, HAN_COUNT);
        Lexicon {
            word_zipf: Zipf::new(words.len(), 8),
            function_zipf: Zipf::new(FUNCTION_WORDS.len(), 2),
            han_zipf: Zipf::new(han.len(), 5),
            words,
            han,
        }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[self.word_zipf.sample(rng)]
    }

    fn function_word(&self, rng: &mut Rng) -> &'static str {
        FUNCTION_WORDS[self.function_zipf.sample(rng)]
    }

    /// A rarer word, capitalized: for names of people and sites.
    fn name(&self, rng: &mut Rng) -> String {
        let word = &self.words[rng.range(300, WORD_COUNT as u64 - 1) as usize];
        capitalized(word)
    }

    fn han(&self, rng: &mut Rng) -> char {
        self.han[self.han_zipf.sample(rng)]
    }

    /// Between `lo` and `hi` Han characters.
    fn push_han(&self, rng: &mut Rng, out: &mut String, lo: u64, hi: u64) {
        for _ in 0..rng.range(lo, hi) {
            out.push(self.han(rng));
        }
    }
}

fn pseudo_word(rng: &mut Rng) -> String {
    let syllables = 1 + rng.weighted(&[25, 50, 25]);
    let mut word = String::new();
    for _ in 0..syllables {
        word.push_str(rng.pick(&ONSETS));
        word.push_str(rng.pick(&VOWELS));
        word.push_str(rng.pick(&CODAS));
    }
    word
}

/// Distinct pseudo-words, roughly shortest first so that frequent ranks are short words.
fn build_words(rng: &mut Rng, count: usize) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut words = Vec::with_capacity(count);
    while words.len() < count {
        let word = pseudo_word(rng);
        if word.len() >= 3 && !FUNCTION_WORDS.contains(&word.as_str()) && seen.insert(word.clone()) {
            words.push((word.len() as u64 + rng.below(6), word));
        }
    }
    words.sort_by_key(|&(rank_key, _)| rank_key);
    words.into_iter().map(|(_, word)| word).collect()
}

/// Distinct Han characters drawn from U+4E00..=U+9FA5.
fn build_han(rng: &mut Rng, count: usize) -> Vec<char> {
    let span = (HAN_LAST - HAN_FIRST + 1) as usize;
    let mut taken = vec![false; span];
    let mut han = Vec::with_capacity(count);
    while han.len() < count {
        let i = rng.index(span);
        if !taken[i] {
            taken[i] = true;
            han.push(char::from_u32(HAN_FIRST + i as u32).expect("the CJK block is all scalars"));
        }
    }
    han
}

fn capitalized(word: &str) -> String {
    let mut s = word.to_string();
    capitalize_at(&mut s, 0);
    s
}

fn capitalize_at(s: &mut String, pos: usize) {
    if s.as_bytes().get(pos).is_some_and(u8::is_ascii_lowercase) {
        s[pos..pos + 1].make_ascii_uppercase();
    }
}

fn is_han(c: char) -> bool {
    (HAN_FIRST..=HAN_LAST).contains(&u32::from(c))
}

// ---------------------------------------------------------------------------------------------
// Prose

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Zh,
}

fn push_number(rng: &mut Rng, out: &mut String) {
    // Writing to a String cannot fail.
    let _ = match rng.below(4) {
        0 => write!(out, "{}", rng.range(2, 99)),
        1 => write!(out, "{}", rng.range(1990, 2025)),
        2 => write!(out, "{}.{}", rng.range(1, 99), rng.range(1, 9)),
        _ => write!(out, "{} percent", rng.range(2, 95)),
    };
}

/// Between `lo` and `hi` space-separated words, some followed by commas. The first word is
/// never a number.
fn push_en_words(lex: &Lexicon, rng: &mut Rng, out: &mut String, lo: u64, hi: u64) {
    let mut previous_was_function = true;
    for i in 0..rng.range(lo, hi) {
        if i > 0 {
            if !previous_was_function && rng.per_mille(70) {
                out.push(',');
            }
            out.push(' ');
        }
        let roll = rng.below(100);
        previous_was_function = roll < 40;
        if previous_was_function {
            out.push_str(lex.function_word(rng));
        } else if roll < 97 || i == 0 {
            out.push_str(lex.word(rng));
        } else {
            push_number(rng, out);
        }
    }
}

fn push_person(lex: &Lexicon, rng: &mut Rng, out: &mut String) {
    out.push_str(&lex.name(rng));
    out.push(' ');
    out.push_str(&lex.name(rng));
}

fn push_en_sentence(lex: &Lexicon, rng: &mut Rng, out: &mut String) {
    let start = out.len();
    match rng.below(100) {
        0..=5 => {
            out.push('"');
            push_en_words(lex, rng, out, 5, 14);
            capitalize_at(out, start + 1);
            out.push_str(",\" said ");
            push_person(lex, rng, out);
            out.push('.');
        }
        6..=8 => {
            push_person(lex, rng, out);
            out.push_str(" said: \"");
            let quote = out.len();
            push_en_words(lex, rng, out, 6, 16);
            capitalize_at(out, quote);
            out.push_str(".\"");
        }
        _ => {
            push_en_words(lex, rng, out, 6, 26);
            capitalize_at(out, start);
            out.push('.');
        }
    }
}

/// A clause of Han characters, sometimes opened by a number.
fn push_zh_clause(lex: &Lexicon, rng: &mut Rng, out: &mut String) {
    if rng.per_mille(50) {
        let _ = write!(out, "{}", rng.range(2, 2025));
        out.push(rng.pick(&['年', '万', '人', '个']));
    }
    lex.push_han(rng, out, 4, 14);
}

fn push_zh_sentence(lex: &Lexicon, rng: &mut Rng, out: &mut String) {
    let quoted = rng.per_mille(80);
    if quoted {
        lex.push_han(rng, out, 2, 3);
        out.push_str("表示：“");
    }
    for i in 0..rng.range(1, 4) {
        if i > 0 {
            out.push('，');
        }
        push_zh_clause(lex, rng, out);
    }
    out.push(if rng.per_mille(40) { '！' } else { '。' });
    if quoted {
        out.push('”');
    }
}

fn paragraph(lex: &Lexicon, rng: &mut Rng, lang: Lang, target_bytes: usize) -> String {
    let mut p = String::with_capacity(target_bytes + 200);
    while p.is_empty() || p.len() < target_bytes {
        match lang {
            Lang::En => {
                if !p.is_empty() {
                    p.push(' ');
                }
                push_en_sentence(lex, rng, &mut p);
            }
            Lang::Zh => push_zh_sentence(lex, rng, &mut p),
        }
    }
    p
}

fn headline(lex: &Lexicon, rng: &mut Rng, lang: Lang) -> String {
    let mut h = String::new();
    match lang {
        Lang::En => {
            push_en_words(lex, rng, &mut h, 3, 6);
            if rng.per_mille(120) {
                h.push(':');
            }
            h.push(' ');
            push_en_words(lex, rng, &mut h, 3, 7);
            capitalize_at(&mut h, 0);
        }
        Lang::Zh => {
            lex.push_han(rng, &mut h, 6, 14);
            if rng.per_mille(500) {
                h.push(if rng.per_mille(700) { '，' } else { '：' });
                lex.push_han(rng, &mut h, 4, 10);
            }
        }
    }
    h
}

// ---------------------------------------------------------------------------------------------
// Calendar (proleptic Gregorian, UTC)

/// 2023-01-01T00:00:00Z and 2025-06-30T00:00:00Z.
const FIRST_SECOND: u64 = 1_672_531_200;
const LAST_SECOND: u64 = 1_751_241_600;
#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

#[derive(Clone, Copy)]
struct Stamp {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: usize,
}

impl Stamp {
    fn from_unix(secs: i64) -> Stamp {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Stamp {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
            weekday: (days + 4).rem_euclid(7) as usize,
        }
    }

    fn month_abbr(&self) -> &'static str {
        &MONTHS[self.month as usize - 1][..3]
    }
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

// ---------------------------------------------------------------------------------------------
// Sites

struct Topic {
    en: &'static str,
    zh: &'static str,
    en_slug: &'static str,
    zh_slug: &'static str,
}

const fn topic(en: &'static str, zh: &'static str, zh_slug: &'static str) -> Topic {
    Topic {
        en,
        zh,
        en_slug: en,
        zh_slug,
    }
}

const TOPICS: [Topic; 14] = [
    topic("World", "国际", "guoji"),
    topic("Politics", "时政", "shizheng"),
    topic("Business", "财经", "caijing"),
    topic("Technology", "科技", "keji"),
    topic("Science", "科学", "kexue"),
    topic("Health", "健康", "jiankang"),
    topic("Sports", "体育", "tiyu"),
    topic("Entertainment", "娱乐", "yule"),
    topic("Military", "军事", "junshi"),
    topic("Culture", "文化", "wenhua"),
    topic("Travel", "旅游", "lvyou"),
    topic("Society", "社会", "shehui"),
    topic("Education", "教育", "jiaoyu"),
    topic("Auto", "汽车", "qiche"),
];

#[rustfmt::skip]
const EN_SUFFIXES: [&str; 10] = [
    "News", "Daily", "Times", "Post", "Herald", "Wire", "Today", "Report", "Observer", "Gazette",
];
const ZH_SUFFIXES: [&str; 6] = ["新闻", "日报", "网", "资讯", "头条", "快报"];
const MARKUP_TOKENS: [&str; 6] = ["html ", "body ", "div ", "&nbsp;", "<p>", "nbsp "];

#[derive(Clone, Copy)]
enum Header {
    Glued,
    Named,
    Byline,
    Dotted,
}

#[derive(Clone, Copy)]
enum Footer {
    Copyright(u8),
    Latest(u8),
    ReadMore(u8),
    Share,
    Tags,
    Links,
    Editor,
}

struct Site {
    lang: Lang,
    name: String,
    host: String,
    /// Chrome lines above the header.
    nav: Vec<String>,
    header: Header,
    footer: Vec<Footer>,
    /// Affix glued to headlines reprinted in the body, like " - SiteName".
    watermark: Option<String>,
    reprint_per_mille: u64,
    markup_per_mille: u64,
    headline_first: bool,
    slug_digits: bool,
}

fn build_sites(lex: &Lexicon, rng: &mut Rng, count: usize, zh_share_ppm: u64) -> Vec<Site> {
    let zh = zh_site_count(count, zh_share_ppm);
    let mut langs: Vec<Lang> = (0..count).map(|i| if i < zh { Lang::Zh } else { Lang::En }).collect();
    rng.shuffle(&mut langs);
    let mut hosts = BTreeSet::new();
    langs
        .into_iter()
        .map(|lang| build_site(lex, rng, lang, &mut hosts))
        .collect()
}

/// Rounded share, but at least two sites of each language present so that both can syndicate.
fn zh_site_count(count: usize, zh_share_ppm: u64) -> usize {
    let mut zh = ((count as u64 * zh_share_ppm + 500_000) / 1_000_000) as usize;
    if zh_share_ppm > 0 && count >= 4 {
        zh = zh.max(2);
    }
    if zh_share_ppm < 1_000_000 && count >= 4 {
        zh = zh.min(count - 2);
    }
    zh
}

fn build_site(lex: &Lexicon, rng: &mut Rng, lang: Lang, hosts: &mut BTreeSet<String>) -> Site {
    let (name, host) = loop {
        let (name, host) = site_name(lex, rng, lang);
        if hosts.insert(host.clone()) {
            break (name, host);
        }
    };
    let watermark = rng.per_mille(550).then(|| watermark(rng, lang, &name));
    Site {
        lang,
        nav: build_nav(rng, lang, &name),
        header: rng.pick(&[Header::Glued, Header::Named, Header::Byline, Header::Dotted]),
        footer: build_footer(rng),
        reprint_per_mille: if watermark.is_some() { 650 } else { 150 },
        markup_per_mille: rng.pick(&[0, 0, 20, 60, 150]),
        headline_first: rng.per_mille(300),
        slug_digits: rng.per_mille(500),
        watermark,
        name,
        host,
    }
}

fn site_name(lex: &Lexicon, rng: &mut Rng, lang: Lang) -> (String, String) {
    let base = lex.name(rng);
    let name = match lang {
        Lang::En if rng.per_mille(500) => format!("{base}{}", rng.pick(&EN_SUFFIXES)),
        Lang::En => format!("The {base} {}", rng.pick(&EN_SUFFIXES)),
        Lang::Zh => {
            let mut n = String::new();
            lex.push_han(rng, &mut n, 2, 2);
            n + rng.pick(&ZH_SUFFIXES)
        }
    };
    let host_base: String = match lang {
        Lang::En => name.trim_start_matches("The ").replace(' ', ""),
        Lang::Zh => base,
    };
    (name, format!("www.{}.com", host_base.to_ascii_lowercase()))
}

fn watermark(rng: &mut Rng, lang: Lang, name: &str) -> String {
    let separators: &[&str] = match lang {
        Lang::En => &[" - ", " - ", " | ", "_"],
        Lang::Zh => &[" - ", "-", "_", "｜"],
    };
    format!("{}{}", rng.pick(separators), name.trim_start_matches("The "))
}

fn build_nav(rng: &mut Rng, lang: Lang, name: &str) -> Vec<String> {
    let (home, extras): (&str, &[&str]) = match lang {
        Lang::En => ("Home", &["Video", "Opinion", "Local", "Weather", "Podcasts"]),
        Lang::Zh => ("首页", &["视频", "评论", "专题", "图片", "直播"]),
    };
    let mut items: Vec<&str> = TOPICS
        .iter()
        .map(|t| if lang == Lang::En { t.en } else { t.zh })
        .chain(extras.iter().copied())
        .collect();
    rng.shuffle(&mut items);
    items.truncate(rng.range(4, 9) as usize);
    items.insert(0, home);
    let mut nav = Vec::new();
    if rng.per_mille(400) {
        nav.push(name.to_string());
    }
    if rng.per_mille(350) {
        nav.extend(items.iter().map(|s| s.to_string()));
    } else {
        nav.push(items.join(rng.pick(&[" | ", " · ", " / ", "  "])));
    }
    if rng.per_mille(300) {
        let tools = if lang == Lang::En {
            "Search | Sign in | Subscribe"
        } else {
            "搜索 | 登录 | 注册"
        };
        nav.push(tools.to_string());
    }
    nav
}

fn build_footer(rng: &mut Rng) -> Vec<Footer> {
    let mut footer: Vec<Footer> = [
        (600, Footer::Latest(rng.below(3) as u8)),
        (600, Footer::ReadMore(rng.below(3) as u8)),
        (300, Footer::Share),
        (300, Footer::Tags),
        (400, Footer::Links),
        (250, Footer::Editor),
    ]
    .into_iter()
    .filter_map(|(p, f)| rng.per_mille(p).then_some(f))
    .collect();
    rng.shuffle(&mut footer);
    let copyright = Footer::Copyright(rng.below(3) as u8);
    if rng.per_mille(500) {
        footer.push(copyright);
    } else {
        footer.insert(0, copyright);
    }
    footer
}

// ---------------------------------------------------------------------------------------------
// Plan: which article appears on which site, in which order.

#[derive(Clone)]
struct DocSpec {
    article: u32,
    site: u32,
    origin: u32,
    /// 0 for the article's original page, 1.. for syndicated copies.
    copy: u8,
    /// A second crawl of an identical page.
    recrawl: bool,
    page_seed: u64,
}

/// Extra copies of a syndicated article: 1 to 5, small counts likelier.
const EXTRA_COPY_WEIGHTS: [u64; 5] = [40, 25, 17, 10, 8];
const SYNDICATED_PER_MILLE: u64 = 350;

fn plan_docs(sites: &[Site], rng: &mut Rng, docs: usize) -> (Vec<DocSpec>, usize) {
    let recrawls = docs / 100;
    let unique = docs - recrawls;
    let pools: [Vec<u32>; 2] = [Lang::En, Lang::Zh].map(|lang| {
        (0..sites.len() as u32)
            .filter(|&s| sites[s as usize].lang == lang)
            .collect()
    });
    let site_zipf = Zipf::new(sites.len(), 3);
    let mut specs = Vec::with_capacity(docs);
    let mut articles = 0;
    while specs.len() < unique {
        let origin = site_zipf.sample(rng) as u32;
        let pool = &pools[sites[origin as usize].lang as usize];
        let extra = if rng.per_mille(SYNDICATED_PER_MILLE) {
            (1 + rng.weighted(&EXTRA_COPY_WEIGHTS)).min(pool.len() - 1)
        } else {
            0
        };
        let copies = copy_sites(rng, pool, origin, extra);
        for (copy, site) in std::iter::once(origin).chain(copies).enumerate() {
            specs.push(DocSpec {
                article: articles,
                site,
                origin,
                copy: copy as u8,
                recrawl: false,
                page_seed: rng.next_u64(),
            });
        }
        articles += 1;
    }
    specs.truncate(unique);
    add_recrawls(rng, &mut specs, recrawls);
    rng.shuffle(&mut specs);
    (specs, articles as usize)
}

fn copy_sites(rng: &mut Rng, pool: &[u32], origin: u32, count: usize) -> Vec<u32> {
    let mut chosen = Vec::with_capacity(count);
    while chosen.len() < count {
        let site = rng.pick(pool);
        if site != origin && !chosen.contains(&site) {
            chosen.push(site);
        }
    }
    chosen
}

fn add_recrawls(rng: &mut Rng, specs: &mut Vec<DocSpec>, count: usize) {
    let unique = specs.len();
    for _ in 0..count {
        let mut again = specs[rng.index(unique)].clone();
        again.recrawl = true;
        specs.push(again);
    }
}

/// For every article, the output position of its original page (not of a recrawl of it).
fn cluster_positions(specs: &[DocSpec], articles: usize) -> Vec<usize> {
    let mut original = vec![usize::MAX; articles];
    for (pos, spec) in specs.iter().enumerate() {
        if spec.copy == 0 && !spec.recrawl {
            original[spec.article as usize] = pos;
        }
    }
    original
}

// ---------------------------------------------------------------------------------------------
// Articles and their edits

/// A body never shrinks below this by editing (bytes), so pages stay above 2 KB.
const MIN_BODY_BYTES: usize = 1950;

struct Article {
    headline: String,
    paragraphs: Vec<String>,
    topic: usize,
    time: i64,
}

fn generate_article(lex: &Lexicon, seed: u64, index: u32, lang: Lang) -> Article {
    let mut rng = Rng::derive(seed, 2, u64::from(index));
    let topic = rng.index(TOPICS.len());
    let time = rng.range(FIRST_SECOND, LAST_SECOND) as i64;
    let headline = headline(lex, &mut rng, lang);
    // Body size: 2150 to 6350 bytes, skewed small (mean about 3200).
    let x = rng.below(1000);
    let target = 2150 + (4200 * x * x * x / 1_000_000_000) as usize;
    let count = (target / rng.range(170, 420) as usize).clamp(5, 25);
    let mut left = target;
    let paragraphs = (0..count)
        .map(|k| {
            let p = paragraph(lex, &mut rng, lang, left / (count - k));
            left = left.saturating_sub(p.len() + 2);
            p
        })
        .collect();
    Article {
        headline,
        paragraphs,
        topic,
        time,
    }
}

#[derive(Clone, Copy)]
enum Edit {
    Original,
    Exact,
    Substitute,
    DropParagraph,
    Truncate,
    Mixed,
    Heavy,
}

impl Edit {
    fn label(self) -> &'static str {
        match self {
            Edit::Original => "original",
            Edit::Exact => "exact",
            Edit::Substitute => "substitute",
            Edit::DropParagraph => "drop_paragraph",
            Edit::Truncate => "truncate",
            Edit::Mixed => "substitute_drop",
            Edit::Heavy => "heavy",
        }
    }

    fn choose(rng: &mut Rng) -> Edit {
        match rng.below(100) {
            0..=34 => Edit::Exact,
            35..=56 => Edit::Substitute,
            57..=69 => Edit::DropParagraph,
            70..=81 => Edit::Truncate,
            82..=89 => Edit::Mixed,
            _ => Edit::Heavy,
        }
    }
}

fn body_bytes(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.len() + 2).sum::<usize>().saturating_sub(2)
}

fn apply_edit(edit: Edit, lex: &Lexicon, rng: &mut Rng, lang: Lang, article: &mut Article) {
    let paragraphs = &mut article.paragraphs;
    match edit {
        Edit::Original | Edit::Exact => {}
        Edit::Substitute => {
            // A Han substitution changes a whole clause for word tokenizers: fewer of them.
            let count = if lang == Lang::En {
                rng.range(2, 8)
            } else {
                rng.range(1, 4)
            };
            substitute(lex, rng, lang, paragraphs, count);
        }
        Edit::DropParagraph => drop_paragraph(rng, paragraphs),
        Edit::Truncate => truncate(rng, paragraphs),
        Edit::Mixed => {
            let count = if lang == Lang::En {
                rng.range(1, 4)
            } else {
                rng.range(1, 2)
            };
            substitute(lex, rng, lang, paragraphs, count);
            drop_paragraph(rng, paragraphs);
        }
        Edit::Heavy => heavy_edit(lex, rng, lang, article),
    }
}

/// Rewrites a few percent of the words, drops paragraphs, adds one and rewords the headline.
fn heavy_edit(lex: &Lexicon, rng: &mut Rng, lang: Lang, article: &mut Article) {
    let bytes_per_change = match lang {
        Lang::En => rng.range(120, 400),
        Lang::Zh => rng.range(60, 200),
    };
    let changes = body_bytes(&article.paragraphs) as u64 / bytes_per_change;
    substitute(lex, rng, lang, &mut article.paragraphs, changes);
    for _ in 0..rng.range(1, 2) {
        drop_paragraph(rng, &mut article.paragraphs);
    }
    let added_bytes = rng.range(150, 350) as usize;
    let added = paragraph(lex, rng, lang, added_bytes);
    let at = rng.range(1, article.paragraphs.len() as u64) as usize;
    article.paragraphs.insert(at, added);
    substitute_once(lex, rng, lang, &mut article.headline);
}

fn substitute(lex: &Lexicon, rng: &mut Rng, lang: Lang, paragraphs: &mut [String], count: u64) {
    for _ in 0..count {
        let i = rng.index(paragraphs.len());
        substitute_once(lex, rng, lang, &mut paragraphs[i]);
    }
}

/// Replaces one lowercase word (English) or one Han character (Chinese) of `text`.
fn substitute_once(lex: &Lexicon, rng: &mut Rng, lang: Lang, text: &mut String) {
    match lang {
        Lang::En => {
            let spans = lowercase_word_spans(text);
            if !spans.is_empty() {
                let (start, end) = rng.pick(&spans);
                let word = lex.word(rng).to_string();
                text.replace_range(start..end, &word);
            }
        }
        Lang::Zh => {
            let offsets: Vec<usize> = text
                .char_indices()
                .filter(|&(_, c)| is_han(c))
                .map(|(i, _)| i)
                .collect();
            if !offsets.is_empty() {
                let at = rng.pick(&offsets);
                let c = lex.han(rng).to_string();
                text.replace_range(at..at + 3, &c);
            }
        }
    }
}

/// Byte ranges of the all-lowercase ASCII words of `text`.
fn lowercase_word_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i > start && bytes[start..i].iter().all(u8::is_ascii_lowercase) {
            spans.push((start, i));
        }
        i += 1;
    }
    spans
}

/// Drops one paragraph other than the first, if enough body remains.
fn drop_paragraph(rng: &mut Rng, paragraphs: &mut Vec<String>) {
    if paragraphs.len() <= 5 {
        return;
    }
    let i = rng.range(1, paragraphs.len() as u64 - 1) as usize;
    if body_bytes(paragraphs) - paragraphs[i].len() - 2 >= MIN_BODY_BYTES {
        paragraphs.remove(i);
    }
}

/// Keeps the leading 65-95% of the body, whole paragraphs, at least one paragraph fewer.
fn truncate(rng: &mut Rng, paragraphs: &mut Vec<String>) {
    let total = body_bytes(paragraphs);
    let goal = (total * rng.range(65, 95) as usize / 100).max(MIN_BODY_BYTES);
    let mut keep = 0;
    let mut kept = 0;
    while keep < paragraphs.len() && kept < goal {
        kept += paragraphs[keep].len() + 2;
        keep += 1;
    }
    let last = paragraphs.last().map_or(0, String::len);
    if keep == paragraphs.len() && keep > 5 && total - last - 2 >= MIN_BODY_BYTES {
        keep -= 1;
    }
    paragraphs.truncate(keep.max(4));
}

// ---------------------------------------------------------------------------------------------
// Pages

struct World {
    seed: u64,
    lex: Lexicon,
    sites: Vec<Site>,
}

/// One rendered document and its truth.
struct Page {
    url: String,
    title: Option<String>,
    date: Option<String>,
    text: String,
    headline: String,
    body: String,
    edit: &'static str,
}

/// What the page chrome needs to know.
struct Draft<'a> {
    site: &'a Site,
    origin: &'a Site,
    article: Article,
    stamp: Stamp,
    /// Seconds since the epoch of `stamp`.
    time: i64,
    copy: bool,
}

/// The article as this page prints it. An edit that changed nothing (a drop or truncation
/// that would have left too short a body) is reported as `Exact`.
fn edited_article(world: &World, spec: &DocSpec, lang: Lang, rng: &mut Rng) -> (Article, Edit) {
    let mut article = generate_article(&world.lex, world.seed, spec.article, lang);
    if spec.copy == 0 {
        return (article, Edit::Original);
    }
    let edit = Edit::choose(rng);
    let before = (article.headline.clone(), article.paragraphs.clone());
    apply_edit(edit, &world.lex, rng, lang, &mut article);
    let unchanged = before.0 == article.headline && before.1 == article.paragraphs;
    (article, if unchanged { Edit::Exact } else { edit })
}

fn render_page(world: &World, spec: &DocSpec) -> Page {
    let site = &world.sites[spec.site as usize];
    let lang = site.lang;
    let mut rng = Rng::new(spec.page_seed);
    let (article, edit) = edited_article(world, spec, lang, &mut rng);
    let delay = if spec.copy == 0 { 0 } else { rng.below(3 * 86_400) };
    let time = article.time + delay as i64;
    let draft = Draft {
        site,
        origin: &world.sites[spec.origin as usize],
        stamp: Stamp::from_unix(time),
        time,
        copy: spec.copy > 0,
        article,
    };
    let blocks = body_blocks(&world.lex, &mut rng, &draft);
    Page {
        url: page_url(&mut rng, &draft),
        title: rng.per_mille(700).then(|| draft.article.headline.clone()),
        date: date_field(&mut rng, draft.time),
        text: page_text(&world.lex, &mut rng, &draft, &blocks),
        body: draft.article.paragraphs.join("\n\n"),
        headline: draft.article.headline,
        edit: if spec.recrawl { "recrawl" } else { edit.label() },
    }
}

/// The body paragraphs with markup residue and headline repeats mixed in.
fn body_blocks(lex: &Lexicon, rng: &mut Rng, draft: &Draft) -> Vec<String> {
    let site = draft.site;
    let headline = &draft.article.headline;
    let mut blocks = draft.article.paragraphs.clone();
    if rng.per_mille(site.markup_per_mille) {
        blocks[0].insert_str(0, rng.pick(&MARKUP_TOKENS));
    }
    if rng.per_mille(site.reprint_per_mille) {
        let repeats = 1 + rng.weighted(&[60, 30, 10]);
        for k in 0..repeats {
            let line = format!("{headline}{}", site.watermark.as_deref().unwrap_or(""));
            let at = if k == 0 && rng.per_mille(500) {
                0
            } else {
                rng.index(blocks.len() + 1)
            };
            blocks.insert(at, line);
        }
    }
    if rng.per_mille(120) {
        let mut reworded = headline.clone();
        for _ in 0..rng.range(1, 3) {
            substitute_once(lex, rng, site.lang, &mut reworded);
        }
        let at = rng.index(blocks.len().min(3) + 1);
        blocks.insert(at, reworded);
    }
    blocks
}

fn page_text(lex: &Lexicon, rng: &mut Rng, draft: &Draft, blocks: &[String]) -> String {
    let site = draft.site;
    let header = header_line(lex, rng, draft);
    let mut text = String::with_capacity(8192);
    text.push_str(&site.nav.join("\n"));
    if site.headline_first {
        text.push_str("\n\n");
        text.push_str(&draft.article.headline);
        text.push('\n');
        text.push_str(&header);
    } else {
        text.push('\n');
        text.push_str(&header);
        text.push_str("\n\n");
        text.push_str(&draft.article.headline);
    }
    for block in blocks {
        text.push_str("\n\n");
        text.push_str(block);
    }
    text.push_str("\n\n");
    text.push_str(&footer_lines(lex, rng, draft).join("\n"));
    text
}

fn views(rng: &mut Rng) -> u64 {
    let digits = rng.range(2, 5) as u32;
    rng.range(1, 10u64.pow(digits))
}

fn header_line(lex: &Lexicon, rng: &mut Rng, draft: &Draft) -> String {
    let s = draft.stamp;
    let (y, m, d, hh, mm, ss) = (s.year, s.month, s.day, s.hour, s.minute, s.second);
    let topic = &TOPICS[draft.article.topic];
    let views = views(rng);
    match (draft.site.lang, draft.site.header) {
        (Lang::En, Header::Glued) => format!(
            "{y}/{m:02}/{d:02}{hh:02}:{mm:02}:{ss:02} {} {views}",
            topic.en.to_ascii_lowercase()
        ),
        (Lang::En, Header::Named) => format!(
            "{} {d}, {y} {}:{mm:02} {} | {} | {views} views",
            MONTHS[m as usize - 1],
            (hh + 11) % 12 + 1,
            if hh < 12 { "AM" } else { "PM" },
            topic.en
        ),
        (Lang::En, Header::Byline) => {
            let mut by = String::new();
            push_person(lex, rng, &mut by);
            format!("By {by} | Published {y}-{m:02}-{d:02} {hh:02}:{mm:02} | {}", topic.en)
        }
        (Lang::En, Header::Dotted) => {
            format!("{d:02}.{m:02}.{y} {hh:02}:{mm:02}   {}   Views: {views}", topic.en)
        }
        (Lang::Zh, Header::Glued) => {
            format!("{y}/{m:02}/{d:02}{hh:02}:{mm:02}:{ss:02} {} {views}", topic.zh)
        }
        (Lang::Zh, Header::Named) => format!(
            "{y}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02} 来源：{} 阅读：{views}",
            draft.origin.name
        ),
        (Lang::Zh, Header::Byline) => {
            let mut by = String::new();
            lex.push_han(rng, &mut by, 2, 3);
            format!("作者：{by}  {y}-{m:02}-{d:02} {hh:02}:{mm:02}  {}", topic.zh)
        }
        (Lang::Zh, Header::Dotted) => {
            format!("{y}年{m}月{d}日 {hh:02}:{mm:02} {} 浏览：{views}", topic.zh)
        }
    }
}

fn footer_lines(lex: &Lexicon, rng: &mut Rng, draft: &Draft) -> Vec<String> {
    let mut lines = Vec::with_capacity(draft.site.footer.len() + 1);
    if draft.copy && rng.per_mille(400) {
        let name = &draft.origin.name;
        lines.push(match draft.site.lang {
            Lang::En => format!("Source: {name}"),
            Lang::Zh => format!("来源：{name}"),
        });
    }
    for &kind in &draft.site.footer {
        lines.push(match draft.site.lang {
            Lang::En => en_footer(lex, rng, draft, kind),
            Lang::Zh => zh_footer(lex, rng, draft, kind),
        });
    }
    lines
}

fn en_footer(lex: &Lexicon, rng: &mut Rng, draft: &Draft, kind: Footer) -> String {
    let (site, year) = (draft.site, draft.stamp.year);
    let (name, host) = (&site.name, &site.host);
    let topic = TOPICS[draft.article.topic].en;
    match kind {
        Footer::Copyright(0) => format!("© 2009-{year} {name}. All rights reserved."),
        Footer::Copyright(1) => format!("Copyright © {year} {host}. All Rights Reserved."),
        Footer::Copyright(_) => format!("(c) {year} {name} Media Group"),
        Footer::Latest(0) => format!("{topic} Latest News"),
        Footer::Latest(1) => "Category Latest News".to_string(),
        Footer::Latest(_) => format!("More from {topic}"),
        Footer::ReadMore(0) => format!("Read more at {name}"),
        Footer::ReadMore(1) => format!("Read more at {host}"),
        Footer::ReadMore(_) => format!("Read the full story at {name}"),
        Footer::Share => "Share this article: Facebook | Twitter | Email | Print".to_string(),
        Footer::Links => "About us | Contact | Privacy Policy | Terms of Service".to_string(),
        Footer::Tags => {
            let tags: Vec<String> = (0..rng.range(2, 4)).map(|_| lex.name(rng)).collect();
            format!("Tags: {}", tags.join(", "))
        }
        Footer::Editor => {
            let mut editor = String::from("Editor: ");
            push_person(lex, rng, &mut editor);
            editor
        }
    }
}

fn zh_footer(lex: &Lexicon, rng: &mut Rng, draft: &Draft, kind: Footer) -> String {
    let (site, year) = (draft.site, draft.stamp.year);
    let (name, host) = (&site.name, &site.host);
    let topic = TOPICS[draft.article.topic].zh;
    match kind {
        Footer::Copyright(0) => format!("版权所有 © {year} {name}"),
        Footer::Copyright(_) => format!("Copyright © 2010-{year} {host} 版权所有"),
        Footer::Latest(0) => format!("{topic}最新新闻"),
        Footer::Latest(_) => "相关阅读".to_string(),
        Footer::ReadMore(0) => format!("更多精彩内容请访问{name}"),
        Footer::ReadMore(_) => format!("阅读原文：{name}"),
        Footer::Share => "分享到：微信 | 微博 | QQ空间".to_string(),
        Footer::Links => "关于我们 | 联系我们 | 隐私政策".to_string(),
        Footer::Tags => {
            let mut tags = String::from("标签：");
            for i in 0..rng.range(2, 4) {
                if i > 0 {
                    tags.push(' ');
                }
                lex.push_han(rng, &mut tags, 2, 4);
            }
            tags
        }
        Footer::Editor => {
            let mut editor = String::from("责任编辑：");
            lex.push_han(rng, &mut editor, 2, 3);
            editor
        }
    }
}

fn page_url(rng: &mut Rng, draft: &Draft) -> String {
    let site = draft.site;
    let topic = &TOPICS[draft.article.topic];
    let s = draft.stamp;
    let mut slug = String::new();
    match site.lang {
        Lang::En => {
            let words = draft.article.headline.split(|c: char| !c.is_ascii_alphanumeric());
            let words: Vec<&str> = words.filter(|w| !w.is_empty()).take(7).collect();
            slug = words.join("-").to_ascii_lowercase();
            if site.slug_digits {
                let _ = write!(slug, "-{}", rng.range(100_000, 999_999));
            }
        }
        Lang::Zh => {
            let n = rng.range(100_000, 999_999);
            let _ = write!(slug, "{}{:02}{:02}{n}", s.year, s.month, s.day);
        }
    }
    let section = if site.lang == Lang::En {
        topic.en_slug.to_ascii_lowercase()
    } else {
        topic.zh_slug.to_string()
    };
    format!("https://{}/{section}/{}/{:02}/{slug}.html", site.host, s.year, s.month)
}

/// Mostly ISO 8601 UTC; a few pages use other common forms or have no date.
fn date_field(rng: &mut Rng, time: i64) -> Option<String> {
    let s = Stamp::from_unix(time);
    let (y, m, d, hh, mm, ss) = (s.year, s.month, s.day, s.hour, s.minute, s.second);
    Some(match rng.below(100) {
        0..=81 => format!("{y}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z"),
        82..=85 => format!("{y}-{m:02}-{d:02} {hh:02}:{mm:02}"),
        86..=88 => format!("{d} {} {y}", s.month_abbr()),
        89..=91 => {
            let l = Stamp::from_unix(time + 8 * 3600);
            format!(
                "{}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
                l.year, l.month, l.day, l.hour, l.minute, l.second
            )
        }
        92..=93 => format!(
            "{}, {d:02} {} {y} {hh:02}:{mm:02}:{ss:02} GMT",
            WEEKDAYS[s.weekday],
            s.month_abbr()
        ),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// JSON output

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_field(out: &mut String, key: &str, value: &str) {
    out.push_str(if out.len() > 1 { ", \"" } else { "\"" });
    out.push_str(key);
    out.push_str("\": ");
    push_json_string(out, value);
}

fn document_line(out: &mut String, id: &str, page: &Page) {
    out.clear();
    out.push('{');
    push_field(out, "id", id);
    push_field(out, "url", &page.url);
    if let Some(title) = &page.title {
        push_field(out, "title", title);
    }
    if let Some(date) = &page.date {
        push_field(out, "date", date);
    }
    push_field(out, "text", &page.text);
    out.push_str("}\n");
}

fn truth_line(out: &mut String, id: &str, cluster: &str, page: &Page) {
    out.clear();
    out.push('{');
    push_field(out, "id", id);
    push_field(out, "cluster", cluster);
    push_field(out, "title", &page.headline);
    push_field(out, "body", &page.body);
    push_field(out, "edit", page.edit);
    out.push_str("}\n");
}

fn doc_id(position: usize) -> String {
    format!("d{:07}", position + 1)
}

// ---------------------------------------------------------------------------------------------
// Main

fn run(opts: &Options) -> io::Result<()> {
    let lex = Lexicon::new(opts.seed);
    let sites = build_sites(&lex, &mut Rng::derive(opts.seed, 3, 0), opts.sites, opts.zh_share_ppm);
    let (specs, articles) = plan_docs(&sites, &mut Rng::derive(opts.seed, 4, 0), opts.docs);
    let clusters = cluster_positions(&specs, articles);
    let world = World {
        seed: opts.seed,
        lex,
        sites,
    };
    let mut docs = BufWriter::with_capacity(1 << 20, File::create(&opts.out)?);
    let mut truth = BufWriter::with_capacity(1 << 20, File::create(&opts.truth)?);
    let (mut line, mut text_bytes) = (String::new(), 0);
    for (pos, spec) in specs.iter().enumerate() {
        let page = render_page(&world, spec);
        let id = doc_id(pos);
        text_bytes += page.text.len();
        document_line(&mut line, &id, &page);
        docs.write_all(line.as_bytes())?;
        truth_line(&mut line, &id, &doc_id(clusters[spec.article as usize]), &page);
        truth.write_all(line.as_bytes())?;
    }
    docs.flush()?;
    truth.flush()?;
    eprintln!(
        "gen_corpus: {} documents, {articles} articles, {} sites, {text_bytes} bytes of text",
        specs.len(),
        world.sites.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(opts) => opts,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gen_corpus: {err}");
            ExitCode::from(1)
        }
    }
}
