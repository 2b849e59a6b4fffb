//! Write the block model's training rows: for every page of a JSONL file, the units still in
//! play after every step before chrome, with their text, features and the rules' decision.
//!
//! ```sh
//! cargo run --release --example block_features -- ../shared/data/boilerplate-dev.jsonl /tmp/units.jsonl --site-field site
//! python bench/clean/train_blocks.py /tmp/units.jsonl ../shared/data/boilerplate-dev.jsonl
//! ```
//! Output: one `{"id", "title", "units": [{"text", "features", "rule_keep", "removed_before",
//! "lines", "words"}]}` per page (the last three are what the island step after the model reads).

use std::io::{BufRead, BufReader, BufWriter, Write};

use reprint::clean::{Cleaner, Learner, Page, PageFacts, Scratch};
use reprint::io::url_host;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, rest @ ..] = args.as_slice() else {
        return Err("usage: block_features IN.jsonl OUT.jsonl [--site-field NAME]".into());
    };
    let site_field = match rest {
        [flag, name] if flag == "--site-field" => Some(name.as_str()),
        [] => None,
        _ => return Err("usage: block_features IN.jsonl OUT.jsonl [--site-field NAME]".into()),
    };
    let mut records = Vec::new();
    for line in BufReader::new(std::fs::File::open(input)?).lines() {
        let line = line?;
        if !line.trim().is_empty() {
            records.push(serde_json::from_str::<serde_json::Value>(&line)?);
        }
    }
    let site_of = |r: &serde_json::Value| -> Option<String> {
        match site_field {
            Some(f) => r[f].as_str().map(str::to_owned),
            None => r["url"].as_str().and_then(url_host).map(|h| h.into_owned()),
        }
    };
    let sites: Vec<Option<String>> = records.iter().map(site_of).collect();
    fn page<'a>(record: &'a serde_json::Value, site: Option<&'a str>) -> Page<'a> {
        Page {
            text: record["text"].as_str().unwrap_or(""),
            title: record["title"].as_str(),
            site,
        }
    }
    let mut learner = Learner::new();
    let mut scratch = Scratch::default();
    for (i, site) in sites.iter().enumerate() {
        learner.add(PageFacts::of_page(
            &page(&records[i], site.as_deref()),
            i as u64,
            &mut scratch,
        ));
    }
    let profiles = learner.finish();
    let cleaner = Cleaner::new(&profiles);
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    for (i, site) in sites.iter().enumerate() {
        let site = site.as_deref().or_else(|| profiles.inferred_site(i as u64));
        let p = page(&records[i], site);
        let (title, units) = cleaner.trace(&p);
        let units: Vec<serde_json::Value> = units
            .iter()
            .map(|u| {
                let text: Vec<&str> = u.spans.iter().map(|s| &p.text[s.clone()]).collect();
                serde_json::json!({
                    "text": text.join("\n"),
                    "features": u.features,
                    "rule_keep": u.rule_keep,
                    "removed_before": u.removed_before,
                    "lines": u.lines,
                    "words": u.words,
                })
            })
            .collect();
        let row = serde_json::json!({"id": records[i]["id"], "title": title, "units": units});
        writeln!(out, "{row}")?;
    }
    out.flush()?;
    Ok(())
}
