//! The learning pass: read every record once and learn the site profiles `clean` and
//! `dedup` recover bodies with.

use std::borrow::Cow;
use std::fs::File;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use rayon::prelude::*;
use reprint::clean::{Learner, Page, PageFacts, Profiles, Scratch};
use reprint::io::{url_host, FieldNames, Record, Source};
use reprint::Error;

use super::batches::{for_each_batch, parse_batch, Pass, Stdin};
use super::report::Reporter;

/// The site of a record: its site field when one is named, else its url's host.
pub fn site_of<'r>(record: &'r Record<'_>, fields: &FieldNames) -> Option<Cow<'r, str>> {
    match fields.site {
        Some(_) => record.site.as_deref().map(Cow::Borrowed),
        None => record.url.as_deref().and_then(url_host),
    }
}

/// The page a record describes, with its text (decoded by the caller).
pub fn page_of<'r>(record: &'r Record<'_>, text: &'r str, site: Option<&'r str>) -> Page<'r> {
    Page {
        text,
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
    let mut pages = 0u64;
    let read_bytes = Arc::new(AtomicU64::new(0));
    // The learner merges each batch's facts, in order, on a thread of its own while the pool
    // computes the next batch's: the merge is the pass's one serial step.
    let (to_learner, batches) = sync_channel::<Vec<PageFacts>>(2);
    let stdin = Stdin::fill(spool)?;
    std::thread::scope(|scope| {
        // Owned here, so that it is dropped, and the learner ends, however the pass ends.
        let to_learner = to_learner;
        let merging = scope.spawn(move || {
            let mut learner = Learner::new();
            for batch in batches {
                for facts in batch {
                    learner.add(facts);
                }
            }
            learner.finish()
        });
        let read = for_each_batch(sources, Pass::First, stdin, &read_bytes, reporter, |batch, reporter| {
            let facts: Vec<Result<PageFacts, reprint::RecordError>> = parse_batch(batch, fields, &mut pages)
                .into_par_iter()
                .map_init(
                    || (Scratch::default(), String::new()),
                    |(scratch, text), (record, index)| {
                        let record = record?;
                        let text = record.text_in(text);
                        let record = &record.record;
                        let site = site_of(record, fields);
                        Ok(PageFacts::of_page(
                            &page_of(record, text, site.as_deref()),
                            index,
                            scratch,
                        ))
                    },
                )
                .collect();
            let path = sources[batch.source].path();
            let mut good = Vec::with_capacity(facts.len());
            for ((line, _), result) in batch.lines.iter().zip(facts) {
                match result {
                    Ok(facts) => good.push(facts),
                    Err(reason) => reporter.bad_record(path, *line, reason)?,
                }
            }
            // The learner ends only when this sender is dropped.
            to_learner.send(good).expect("the learner thread outlives the pass");
            Ok(())
        });
        drop(to_learner);
        let profiles = merging.join().expect("the learner thread does not panic");
        give_back_freed_memory();
        read.map(|()| (profiles, read_bytes.load(std::sync::atomic::Ordering::Relaxed)))
    })
}

/// Return the learner's freed memory to the system. Its counts of every block of every page
/// are freed once pruned into the profiles, but glibc's allocator kept them (the learner's
/// thread has an arena of its own) and the process stayed that large through the next pass:
/// on a million generated pages, 540 MB resident after learning, 156 MB with this.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's arenas; it takes no
    // pointer and is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
