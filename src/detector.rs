//! Streaming near-duplicate detection for scrapers: is this page a reprint of one I have?
//!
//! A [`Detector`] holds the signatures of the documents inserted so far and an in-memory LSH
//! index over them (band key → documents). [`Detector::check`] only reads, so a detector
//! behind a `RwLock` serves many checking threads; [`Detector::insert`] adds a document and
//! returns its verdict against the documents before it. Document ids are insertion positions
//! (0, 1, 2, …), so a detector fed the same pages in the same order gives the same verdicts.

use ahash::AHashMap;

use crate::config::Config;
use crate::dedup::min_agreements;
use crate::lsh::Banding;
use crate::minhash::{agreements, MinHasher, Scratch, Signature};

/// A document's id in a [`Detector`]: its insertion position.
pub type DocId = usize;

/// The verdict on one document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// No earlier document is similar enough.
    Unique,
    /// A near-duplicate of document `of` (the most similar earlier one; the smaller id on ties).
    NearDuplicate {
        /// The matched document.
        of: DocId,
        /// Estimated Jaccard similarity to it.
        similarity: f64,
    },
    /// The text has no tokens: it is never anyone's duplicate and is not indexed.
    TooShort,
}

/// A growing index of documents that answers "is this a near-duplicate?" one page at a time.
///
/// ```
/// use reprint::{Config, Detector, Verdict};
/// let mut detector = Detector::new(Config::default()).unwrap();
/// let page = "Kazakhstan plans a trans-Caspian channel to carry its oil to Europe by way of \
///             Azerbaijan, bypassing Russian territory entirely.";
/// assert_eq!(detector.insert(page).1, Verdict::Unique);
/// let (id, verdict) = detector.insert(&page.to_uppercase());
/// assert_eq!(id, 1);
/// assert!(matches!(verdict, Verdict::NearDuplicate { of: 0, .. }));
/// ```
#[derive(Debug)]
pub struct Detector {
    hasher: MinHasher,
    banding: Banding,
    need: usize,
    bucket_cap: usize,
    /// Flat signatures of indexed documents, `num_perm` values each, by position in `ids`.
    values: Vec<u32>,
    /// The id of each indexed document (documents without tokens are not indexed).
    ids: Vec<DocId>,
    buckets: AHashMap<u64, Vec<u32>>,
    next_id: DocId,
    scratch: Scratch,
}

impl Detector {
    /// An empty detector; fails when `config` is invalid.
    pub fn new(config: Config) -> crate::Result<Detector> {
        config.validate()?;
        Ok(Detector {
            hasher: MinHasher::new(config.num_perm, config.ngram),
            banding: config.banding,
            need: min_agreements(config.threshold, config.num_perm),
            bucket_cap: config.bucket_cap,
            values: Vec::new(),
            ids: Vec::new(),
            buckets: AHashMap::new(),
            next_id: 0,
            scratch: Scratch::new(),
        })
    }

    /// The hasher, for callers that sign pages themselves (in parallel, say).
    pub fn hasher(&self) -> &MinHasher {
        &self.hasher
    }

    /// The number of documents inserted (the id the next one gets).
    pub fn len(&self) -> usize {
        self.next_id
    }

    /// Whether nothing has been inserted.
    pub fn is_empty(&self) -> bool {
        self.next_id == 0
    }

    /// The verdict on `text` against the documents inserted so far, without inserting it.
    pub fn check(&self, text: &str, scratch: &mut Scratch) -> Verdict {
        self.check_signature(&self.hasher.signature(text, scratch))
    }

    /// The verdict on a signature made by [`Detector::hasher`].
    pub fn check_signature(&self, signature: &Signature) -> Verdict {
        let values = signature.values();
        if values.is_empty() {
            return Verdict::TooShort;
        }
        let k = self.hasher.num_perm();
        let mut best: Option<(usize, usize)> = None; // (agreements, slot)
        for key in self.keys(values) {
            let Some(slots) = self.buckets.get(&key) else {
                continue;
            };
            for &slot in slots.iter().take(self.bucket_cap) {
                let slot = slot as usize;
                let a = agreements(values, &self.values[slot * k..(slot + 1) * k]);
                // Slots grow with ids, so on equal agreement the smaller slot is the smaller id.
                if a >= self.need && best.is_none_or(|(ba, bs)| a > ba || (a == ba && slot < bs)) {
                    best = Some((a, slot));
                }
            }
        }
        match best {
            Some((a, slot)) => Verdict::NearDuplicate {
                of: self.ids[slot],
                similarity: a as f64 / k as f64,
            },
            None => Verdict::Unique,
        }
    }

    /// Insert `text` as the next document; returns its id and its verdict against the
    /// documents before it.
    pub fn insert(&mut self, text: &str) -> (DocId, Verdict) {
        let mut scratch = std::mem::take(&mut self.scratch);
        let signature = self.hasher.signature(text, &mut scratch);
        self.scratch = scratch;
        self.insert_signature(&signature)
    }

    /// Insert a signature made by [`Detector::hasher`] as the next document.
    pub fn insert_signature(&mut self, signature: &Signature) -> (DocId, Verdict) {
        let verdict = self.check_signature(signature);
        let id = self.next_id;
        self.next_id += 1;
        if verdict == Verdict::TooShort {
            return (id, verdict);
        }
        let slot = self.ids.len() as u32;
        self.ids.push(id);
        self.values.extend_from_slice(signature.values());
        for key in self.keys(signature.values()) {
            self.buckets.entry(key).or_default().push(slot);
        }
        (id, verdict)
    }

    fn keys(&self, values: &[u32]) -> Vec<u64> {
        let mut keys = vec![0u64; self.banding.bands];
        self.banding.keys_into(values, &mut keys);
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let mut d = Detector::new(Config::default()).unwrap();
        let a = "one two three four five six seven eight nine ten eleven twelve thirteen";
        assert_eq!(d.insert(a), (0, Verdict::Unique));
        assert_eq!(d.insert("  "), (1, Verdict::TooShort));
        assert_eq!(
            d.insert("completely different words about the weather today in town"),
            (2, Verdict::Unique)
        );
        match d.insert(a) {
            (3, Verdict::NearDuplicate { of: 0, similarity }) => assert_eq!(similarity, 1.0),
            other => panic!("{other:?}"),
        }
        // A second exact copy still points at the first, the smaller id.
        assert!(matches!(d.insert(a), (4, Verdict::NearDuplicate { of: 0, .. })));
        let mut s = Scratch::new();
        assert!(matches!(d.check(a, &mut s), Verdict::NearDuplicate { of: 0, .. }));
        assert_eq!(d.len(), 5);
    }
}
