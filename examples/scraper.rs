//! A scraper's fetch loop with a streaming `Detector`: each page is checked against the pages
//! kept so far, and reprints are skipped as they arrive.
//!
//! Run with `cargo run --example scraper`. The "fetch" here is a fixed list of pages.

use reprint::{Config, Detector, Verdict};

/// Pages as a crawler might fetch them: a story, its reprint on another site with a changed
/// word and other chrome, and an unrelated story.
const PAGES: &[(&str, &str)] = &[
    (
        "https://one.example/world/kazakhstan-oil",
        "Kazakhstan plans to bypass Russian territory and build a trans-Caspian channel. \
         The oil would reach Azerbaijan on the other side and travel on to the European Union. \
         It also plans several channels to export oil to China in the east.",
    ),
    (
        "https://two.example/news/2024/caspian",
        "Kazakhstan plans to bypass Russian territory and build a trans-Caspian channel. \
         The oil would reach Azerbaijan on the far side and travel on to the European Union. \
         It also plans several channels to export oil to China in the east.",
    ),
    (
        "https://three.example/local/harvest",
        "The harvest festival in the northern valley drew farmers from six villages, \
         who sold apples, pears and honey at the market square until late in the evening.",
    ),
];

fn main() -> Result<(), reprint::Error> {
    let mut config = Config::with_threshold(0.7, 128);
    config.ngram = 3;
    let mut detector = Detector::new(config)?;
    let mut urls = Vec::new();
    for (url, text) in PAGES {
        let (id, verdict) = detector.insert(text);
        urls.push(*url);
        match verdict {
            Verdict::Unique => println!("keep   {url} (document {id})"),
            Verdict::NearDuplicate { of, similarity } => {
                println!("skip   {url}: reprint of {} (similarity {similarity:.2})", urls[of])
            }
            Verdict::TooShort => println!("empty  {url}"),
        }
    }
    Ok(())
}
