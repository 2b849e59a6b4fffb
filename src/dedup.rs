//! Batch near-duplicate detection: sign → index → verify → cluster.
//!
//! Signatures are kept flat in a [`SignatureTable`] (`num_perm` values per document, about
//! 512 bytes each at the default), the only per-document state the engine needs. Linking
//! works band by band, so the index never holds more than one band's keys (16 bytes per
//! document): each band's `(key, document)` pairs are sorted in parallel, every bucket yields
//! star edges from its *centre* to each other member, and the pooled edges are deduplicated
//! and verified in parallel by signature similarity. Every step orders its results by
//! document index, so the clusters are the same for any number of threads.
//!
//! A bucket's centre is the member whose signature has the smallest fingerprint (a hash of
//! all its values), not the member that comes first: then the edges, and so the clusters as
//! sets of documents, do not depend on the order of the input either (members with equal
//! fingerprints have equal signatures, so whichever of them is the centre, the same pairs
//! pass verification). A test shuffles the input and compares.

use rayon::prelude::*;

use crate::cluster::{Clusters, Survivor, UnionFind};
use crate::config::Config;
use crate::date::parse_date;
use crate::lsh::Banding;
use crate::minhash::{agreements, MinHasher, Scratch};

/// The signatures of a corpus, document by document, stored flat.
#[derive(Clone, Debug)]
pub struct SignatureTable {
    num_perm: usize,
    values: Vec<u32>,
    /// Whether each document has a signature (a text without tokens has none).
    signed: Vec<bool>,
}

impl SignatureTable {
    /// An empty table for signatures of `num_perm` values.
    pub fn new(num_perm: usize) -> Self {
        SignatureTable {
            num_perm,
            values: Vec::new(),
            signed: Vec::new(),
        }
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.signed.len()
    }

    /// Whether the table holds no documents.
    pub fn is_empty(&self) -> bool {
        self.signed.is_empty()
    }

    /// Values per signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// Whether document `doc` has a signature (its text had tokens).
    pub fn is_signed(&self, doc: usize) -> bool {
        self.signed[doc]
    }

    /// The signature of document `doc`, or `None` when its text had no tokens.
    pub fn get(&self, doc: usize) -> Option<&[u32]> {
        self.signed[doc].then(|| &self.values[doc * self.num_perm..(doc + 1) * self.num_perm])
    }

    /// Sign `texts` in parallel and append them, in order, as the next documents.
    pub fn sign_batch<S: AsRef<str> + Sync>(&mut self, hasher: &MinHasher, texts: &[S]) {
        self.sign_each(hasher, texts, |text, scratch, out| {
            hasher.signature_into(text.as_ref(), scratch, out)
        });
    }

    /// [`SignatureTable::sign_batch`] of texts given as their token hashes
    /// ([`MinHasher::signature_of_tokens_into`]).
    pub fn sign_token_batch<T: AsRef<[u64]> + Sync>(&mut self, hasher: &MinHasher, texts: &[T]) {
        self.sign_each(hasher, texts, |tokens, scratch, out| {
            hasher.signature_of_tokens_into(tokens.as_ref(), scratch, out)
        });
    }

    /// Append the signatures `sign` writes of each item, in parallel (it returns the shingle
    /// count: 0 leaves the document unsigned).
    fn sign_each<T: Sync>(
        &mut self,
        hasher: &MinHasher,
        items: &[T],
        sign: impl Fn(&T, &mut Scratch, &mut [u32]) -> usize + Sync,
    ) {
        assert_eq!(
            hasher.num_perm(),
            self.num_perm,
            "hasher and table disagree on num_perm"
        );
        self.sign_with(items, Scratch::new, |item, scratch, out| (sign(item, scratch, out), ()));
    }

    /// Append one document per item, in order, signed in parallel by `sign`: it writes the
    /// item's `num_perm` values into the slice it is given and returns the shingle count (0
    /// leaves the document unsigned) with a result of its own; the results come back in
    /// item order. `state` makes each worker's buffers (a [`Scratch`] and whatever else
    /// `sign` reuses from item to item), so signing many texts allocates nothing per text.
    pub fn sign_with<T: Sync, S, R: Send>(
        &mut self,
        items: &[T],
        state: impl Fn() -> S + Sync + Send,
        sign: impl Fn(&T, &mut S, &mut [u32]) -> (usize, R) + Sync + Send,
    ) -> Vec<R> {
        let results = self.sign_some_with(items, state, |item, state, out| {
            Ok::<_, std::convert::Infallible>(sign(item, state, out))
        });
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|never| match never {}))
            .collect()
    }

    /// [`SignatureTable::sign_with`] for items that may turn out not to be documents (a line
    /// that does not parse): `sign` returns `Err` for those, and only the others become
    /// documents, in order. So a record can be parsed and signed in one parallel step.
    pub fn sign_some_with<T: Sync, S, R: Send, E: Send>(
        &mut self,
        items: &[T],
        state: impl Fn() -> S + Sync + Send,
        sign: impl Fn(&T, &mut S, &mut [u32]) -> Result<(usize, R), E> + Sync + Send,
    ) -> Vec<Result<R, E>> {
        let k = self.num_perm;
        let start = self.values.len();
        self.values.resize(start + items.len() * k, 0);
        let done: Vec<Result<(bool, R), E>> = self.values[start..]
            .par_chunks_mut(k)
            .zip(items.par_iter())
            .map_init(state, |state, (out, item)| {
                let (shingles, result) = sign(item, state, out)?;
                if shingles == 0 {
                    out.fill(0);
                }
                Ok((shingles > 0, result))
            })
            .collect();
        // Rows of the items that are not documents are dropped (rare: bad lines).
        let mut kept = 0;
        for (i, d) in done.iter().enumerate() {
            if d.is_ok() {
                if kept != i {
                    self.values
                        .copy_within(start + i * k..start + (i + 1) * k, start + kept * k);
                }
                kept += 1;
            }
        }
        self.values.truncate(start + kept * k);
        done.into_iter()
            .map(|d| {
                d.map(|(signed, result)| {
                    self.signed.push(signed);
                    result
                })
            })
            .collect()
    }

    /// Estimated similarity of documents `a` and `b`; 0 when either has no signature.
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        match (self.get(a), self.get(b)) {
            (Some(x), Some(y)) => agreements(x, y) as f64 / self.num_perm as f64,
            _ => 0.0,
        }
    }
}

/// What linking did, for the summary and `--stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Distinct candidate pairs proposed by the bands.
    pub candidates: u64,
    /// Candidate pairs whose signatures agree at or above the threshold.
    pub verified: u64,
    /// Buckets over the cap, which proposed no candidates.
    pub capped_buckets: u64,
    /// Document slots in those buckets (a document counts once per capped bucket).
    pub capped_documents: u64,
}

/// The smallest number of agreeing values that reaches `threshold` out of `num_perm`.
pub fn min_agreements(threshold: f64, num_perm: usize) -> usize {
    // The epsilon keeps 0.8 * 128 = 102.4 (inexact in binary) from rounding the wrong way.
    ((threshold * num_perm as f64) - 1e-9).ceil().max(0.0) as usize
}

/// Link the documents of `table` whose signatures agree at or above the threshold, by LSH
/// candidates verified against their signatures.
pub fn link(table: &SignatureTable, config: &Config) -> (UnionFind, LinkStats) {
    let mut stats = LinkStats::default();
    let banding = config.banding;
    // One pass over the signatures (each read once, whole): every document's fingerprint and
    // band keys, the keys document by document.
    let mut fingerprints = vec![0u64; table.len()];
    let mut keys = vec![0u64; table.len() * banding.bands];
    fingerprints
        .par_iter_mut()
        .zip(keys.par_chunks_mut(banding.bands.max(1)))
        .enumerate()
        .for_each(|(d, (fingerprint_of, keys))| {
            if let Some(sig) = table.get(d) {
                *fingerprint_of = fingerprint(sig);
                for (band, key) in keys.iter_mut().enumerate() {
                    *key = crate::lsh::band_key(band, &sig[band * banding.rows..(band + 1) * banding.rows]);
                }
            }
        });
    let bands = Bands {
        table,
        fingerprints: &fingerprints,
        keys: &keys,
        banding,
        cap: config.bucket_cap,
    };
    // Bands side by side, each on one thread; merged in band order.
    let per_band: Vec<(Vec<(u32, u32)>, LinkStats)> = (0..config.banding.bands)
        .into_par_iter()
        .map_init(Vec::new, |spare, band| {
            let (mut edges, mut stats) = (Vec::new(), LinkStats::default());
            bands.edges(band, spare, &mut edges, &mut stats);
            (edges, stats)
        })
        .collect();
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(per_band.iter().map(|(e, _)| e.len()).sum());
    for (band_edges, band_stats) in per_band {
        edges.extend_from_slice(&band_edges);
        stats.capped_buckets += band_stats.capped_buckets;
        stats.capped_documents += band_stats.capped_documents;
    }
    edges.par_sort_unstable();
    edges.dedup();
    stats.candidates = edges.len() as u64;
    let need = min_agreements(config.threshold, table.num_perm);
    let verified: Vec<(u32, u32)> = edges
        .into_par_iter()
        .filter(|&(a, b)| {
            let (x, y) = (table.get(a as usize), table.get(b as usize));
            // Both are signed: only signed documents enter buckets.
            x.zip(y).is_some_and(|(x, y)| agreements(x, y) >= need)
        })
        .collect();
    stats.verified = verified.len() as u64;
    let mut sets = UnionFind::new(table.len());
    for (a, b) in verified {
        sets.union(a, b);
    }
    (sets, stats)
}

/// A stable hash of all the values of a signature: a bucket's centre is its member of
/// smallest fingerprint (then of smallest index).
pub fn fingerprint(signature: &[u32]) -> u64 {
    let mut fold = crate::shingle::Fold::new(FINGERPRINT_SEED);
    for &v in signature {
        fold.push(u64::from(v));
    }
    fold.finish()
}

/// Seed of signature fingerprints.
const FINGERPRINT_SEED: u64 = 0x4345_4e54_5245_3031; // "CENTRE01"

/// What building one band's edges needs.
struct Bands<'a> {
    table: &'a SignatureTable,
    fingerprints: &'a [u64],
    /// The band keys of each document, document by document (of signed documents only).
    keys: &'a [u64],
    banding: Banding,
    cap: usize,
}

impl Bands<'_> {
    /// Append the star edges of every bucket of band `band` to `edges`: from the bucket's
    /// centre (the member of smallest fingerprint, then smallest index) to each other member,
    /// as (smaller index, larger index).
    /// `spare` is a buffer.
    fn edges(&self, band: usize, spare: &mut Vec<(u64, u32)>, edges: &mut Vec<(u32, u32)>, stats: &mut LinkStats) {
        let bands = self.banding.bands;
        let mut keys: Vec<(u64, u32)> = (0..self.table.len())
            .filter(|&d| self.table.is_signed(d))
            .map(|d| (self.keys[d * bands + band], d as u32))
            .collect();
        crate::radix::sort_by_hash(&mut keys, spare, |&(key, _)| key);
        for bucket in keys.chunk_by(|a, b| a.0 == b.0) {
            if bucket.len() > self.cap {
                stats.capped_buckets += 1;
                stats.capped_documents += bucket.len() as u64;
                continue;
            }
            if bucket.len() < 2 {
                continue;
            }
            let centre = bucket
                .iter()
                .map(|&(_, d)| d)
                .min_by_key(|&d| (self.fingerprints[d as usize], d))
                .expect("a bucket has members");
            edges.extend(
                bucket
                    .iter()
                    .filter(|&&(_, d)| d != centre)
                    .map(|&(_, d)| (centre.min(d), centre.max(d))),
            );
        }
    }
}

/// Cluster the documents of `table` under `config`; `facts` gives each document's length
/// and date for the survivor policy.
pub fn cluster(table: &SignatureTable, facts: &[Survivor], config: &Config) -> (Clusters, LinkStats) {
    assert_eq!(table.len(), facts.len(), "one survivor fact per document");
    let (mut sets, stats) = link(table, config);
    let clusters = Clusters::from_sets(&mut sets, config.keep, facts, |d, r| table.similarity(d, r));
    (clusters, stats)
}

/// One document of a batch: its text and, for `Keep::Earliest`, its date.
#[derive(Clone, Copy, Debug, Default)]
pub struct Document<'a> {
    /// The text to sign.
    pub text: &'a str,
    /// The date (ISO 8601 or a common form; see [`crate::date::parse_date`]).
    pub date: Option<&'a str>,
}

impl<'a> Document<'a> {
    /// A document with a text and no date.
    pub fn new(text: &'a str) -> Self {
        Document { text, date: None }
    }
}

/// Find the near-duplicate clusters of `docs` (document index = position in the slice).
///
/// ```
/// use reprint::{dedup, Config, Document};
/// let base = "Russia cut off the Caspian pipeline on July 5, and Kazakhstan answered by \
///             leaving the monetary committee of the CIS the very next day.";
/// let copy = format!("{base} ");
/// let docs = [
///     Document::new(base),
///     Document::new("An unrelated story about the harvest festival in the northern valley, \
///                    where farmers sold apples and pears at the market."),
///     Document::new(&copy),
/// ];
/// let clusters = dedup(&docs, &Config::default()).unwrap();
/// assert_eq!(clusters.representative(2), 0);
/// assert!(!clusters.is_duplicate(1));
/// ```
pub fn dedup(docs: &[Document<'_>], config: &Config) -> crate::Result<Clusters> {
    config.validate()?;
    let hasher = MinHasher::new(config.num_perm, config.ngram);
    let mut table = SignatureTable::new(config.num_perm);
    let texts: Vec<&str> = docs.iter().map(|d| d.text).collect();
    table.sign_batch(&hasher, &texts);
    let facts: Vec<Survivor> = docs
        .iter()
        .map(|d| Survivor {
            len_bytes: d.text.len() as u64,
            date: d.date.and_then(parse_date),
        })
        .collect();
    Ok(cluster(&table, &facts, config).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_that_are_not_documents_leave_no_row() {
        let hasher = MinHasher::new(Config::default().num_perm, Config::default().ngram);
        let texts = ["", "bad", "a b c d e f", "bad", "g h i j k l m n", "", "bad"];
        let mut some = SignatureTable::new(hasher.num_perm());
        let results = some.sign_some_with(&texts, Scratch::new, |&t, scratch, out| match t {
            "bad" => Err(t.len()),
            _ => Ok((hasher.signature_into(t, scratch, out), t)),
        });
        let expected: Vec<Result<&str, usize>> =
            texts.iter().map(|&t| if t == "bad" { Err(3) } else { Ok(t) }).collect();
        assert_eq!(results, expected);
        let good: Vec<&str> = texts.iter().copied().filter(|&t| t != "bad").collect();
        let mut all = SignatureTable::new(hasher.num_perm());
        all.sign_batch(&hasher, &good);
        assert_eq!(some.len(), good.len());
        for doc in 0..good.len() {
            assert_eq!(some.get(doc), all.get(doc), "document {doc}");
        }
        assert!(some.get(2).is_some() && some.get(0).is_none());
    }

    #[test]
    fn min_agreements_rounds_up() {
        assert_eq!(min_agreements(0.8, 128), 103);
        assert_eq!(min_agreements(0.5, 128), 64);
        assert_eq!(min_agreements(1.0, 128), 128);
        assert_eq!(min_agreements(0.75, 4), 3);
    }

    #[test]
    fn empty_texts_are_never_duplicates() {
        let docs = [Document::new(""), Document::new("..."), Document::new("")];
        let c = dedup(&docs, &Config::default()).unwrap();
        assert_eq!(c.count(), 3);
    }

    #[test]
    fn earliest_keeps_the_dated_copy() {
        let text = "the same long article text with many words in it for shingles to form";
        let docs = [
            Document {
                text,
                date: Some("2024-07-01"),
            },
            Document {
                text,
                date: Some("2024-06-01"),
            },
            Document { text, date: None },
        ];
        let config = Config {
            keep: crate::Keep::Earliest,
            ..Config::default()
        };
        let c = dedup(&docs, &config).unwrap();
        assert_eq!((0..3).map(|d| c.representative(d)).collect::<Vec<_>>(), [1, 1, 1]);
    }

    #[test]
    fn capped_buckets_propose_nothing() {
        let text = "a template page that is printed on every page of the site verbatim";
        let texts = vec![text; 5];
        let hasher = MinHasher::new(128, 5);
        let mut table = SignatureTable::new(128);
        table.sign_batch(&hasher, &texts);
        let mut config = Config {
            bucket_cap: 4,
            ..Config::default()
        };
        let (sets_stats, stats) = link(&table, &config);
        drop(sets_stats);
        assert_eq!(stats.capped_buckets, config.banding.bands as u64);
        assert_eq!(stats.verified, 0);
        config.bucket_cap = 5;
        assert_eq!(link(&table, &config).1.verified, 4);
    }
}
