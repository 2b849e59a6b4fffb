//! The learning pass: read every record once and learn the site profiles `clean` and
//! `dedup` recover bodies with.

use std::borrow::Cow;
use std::fs::File;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use rayon::prelude::*;
use reprint::clean::{FactsChunk, Learner, Page, Profiles, Scratch};
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

/// Pages whose facts share one [`FactsChunk`]: a batch of 8 MB holds a few thousand pages,
/// so its chunks still spread over the pool.
const CHUNK_PAGES: usize = 64;

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
    let (to_learner, batches) = sync_channel::<Vec<FactsChunk>>(2);
    let stdin = Stdin::fill(spool)?;
    std::thread::scope(|scope| {
        // Owned here, so that it is dropped, and the learner ends, however the pass ends.
        let to_learner = to_learner;
        let merging = scope.spawn(move || {
            let mut learner = Learner::new();
            for batch in batches {
                for chunk in &batch {
                    learner.add_chunk(chunk);
                }
            }
            learner
        });
        let read = for_each_batch(sources, Pass::First, stdin, &read_bytes, reporter, |batch, reporter| {
            let parsed = parse_batch(batch, fields, &mut pages);
            // Pages in chunks, each chunk's facts in one set of buffers: with a few
            // allocations a chunk, not several a page (freed on the learner's thread).
            let chunks: Vec<(FactsChunk, Vec<(usize, reprint::RecordError)>)> = parsed
                .par_chunks(CHUNK_PAGES)
                .enumerate()
                .map_init(
                    || (Scratch::default(), String::new()),
                    |(scratch, text), (c, chunk)| {
                        let mut facts = FactsChunk::new();
                        let mut bad = Vec::new();
                        for (i, (record, index)) in chunk.iter().enumerate() {
                            let record = match record {
                                Ok(record) => record,
                                Err(reason) => {
                                    bad.push((c * CHUNK_PAGES + i, reason.clone()));
                                    continue;
                                }
                            };
                            let text = record.text_in(text);
                            let record = &record.record;
                            let site = site_of(record, fields);
                            facts.push(&page_of(record, text, site.as_deref()), *index, scratch);
                        }
                        (facts, bad)
                    },
                )
                .collect();
            let path = sources[batch.source].path();
            let mut good = Vec::with_capacity(chunks.len());
            for (facts, bad) in chunks {
                for (i, reason) in bad {
                    reporter.bad_record(path, batch.lines[i].0, reason)?;
                }
                good.push(facts);
            }
            // The learner ends only when this sender is dropped.
            to_learner.send(good).expect("the learner thread outlives the pass");
            Ok(())
        });
        drop(to_learner);
        // Finished here, on the pool (the learner's thread is not one of its threads).
        let profiles = merging.join().expect("the learner thread does not panic").finish();
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
