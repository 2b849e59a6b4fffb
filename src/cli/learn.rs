//! The learning pass: read every record once and learn the site profiles `clean` and
//! `dedup` recover bodies with.

use std::borrow::Cow;
use std::fs::File;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use rayon::prelude::*;
use reprint::clean::{Learner, Page, PageFacts, Profiles, Scratch};
use reprint::io::{url_host, FieldNames, Record, Source};
use reprint::Error;

use super::batches::{for_each_batch, parse_batch, Stdin};
use super::report::Reporter;

/// The site of a record: its site field when one is named, else its url's host.
pub fn site_of<'r>(record: &'r Record<'_>, fields: &FieldNames) -> Option<Cow<'r, str>> {
    match fields.site {
        Some(_) => record.site.as_deref().map(Cow::Borrowed),
        None => record.url.as_deref().and_then(url_host),
    }
}

/// The page a record describes.
pub fn page_of<'r>(record: &'r Record<'_>, site: Option<&'r str>) -> Page<'r> {
    Page {
        text: &record.text,
        title: record.title.as_deref(),
        site,
    }
}

/// Read every input, reporting bad records, and learn profiles from the good ones. Fills
/// the standard-input spool when there is one. Returns the profiles and the bytes read.
pub fn learn(
    sources: &[Source],
    fields: &FieldNames,
    spool: &Option<File>,
    reporter: &mut Reporter,
) -> Result<(Profiles, u64), Error> {
    let mut learner = Learner::new();
    let mut pages = 0u64;
    let read_bytes = Arc::new(AtomicU64::new(0));
    for_each_batch(
        sources,
        Stdin::fill(spool)?,
        &read_bytes,
        reporter,
        |batch, reporter| {
            let facts: Vec<Result<PageFacts, reprint::RecordError>> = parse_batch(batch, fields, &mut pages)
                .into_par_iter()
                .map_init(Scratch::default, |scratch, (record, index)| {
                    let record = record?;
                    let site = site_of(&record, fields);
                    Ok(PageFacts::of_page(&page_of(&record, site.as_deref()), index, scratch))
                })
                .collect();
            let path = sources[batch.source].path();
            for ((line, _), result) in batch.lines.iter().zip(facts) {
                match result {
                    Ok(facts) => learner.add(facts),
                    Err(reason) => reporter.bad_record(path, *line, reason)?,
                }
            }
            Ok(())
        },
    )?;
    Ok((learner.finish(), read_bytes.load(std::sync::atomic::Ordering::Relaxed)))
}
