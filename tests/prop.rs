//! Properties of the engine against naive twins: LSH + verification against an all-pairs
//! oracle over the same signatures, MinHash estimates against exact Jaccard, and output that
//! does not depend on the number of threads.

use std::collections::BTreeMap;

use proptest::prelude::*;
use reprint::cluster::UnionFind;
use reprint::dedup::{cluster, fingerprint, min_agreements};
use reprint::minhash::agreements;
use reprint::{Banding, Config, Keep, MinHasher, Scratch, SignatureTable, Survivor};

use crate::common::{jaccard, mutate, planted_corpus, random_words, shingle_set, Rng};

fn sign(docs: &[String], config: &Config) -> SignatureTable {
    let mut table = SignatureTable::new(config.num_perm);
    table.sign_batch(&MinHasher::new(config.num_perm, config.ngram), docs);
    table
}

/// Partition as a representative (smallest member) per document.
fn partition(sets: &mut UnionFind, n: usize) -> Vec<u32> {
    let mut smallest: BTreeMap<u32, u32> = BTreeMap::new();
    for d in 0..n as u32 {
        let root = sets.find(d);
        smallest.entry(root).or_insert(d);
    }
    (0..n as u32).map(|d| smallest[&sets.find(d)]).collect()
}

/// The naive twin of `dedup::link`: buckets by the band values themselves (a BTreeMap, no
/// hashing), star edges from each bucket's centre (the member of smallest signature
/// fingerprint, then smallest index), each verified.
fn naive_banded(table: &SignatureTable, config: &Config) -> Vec<u32> {
    let Banding { bands, rows } = config.banding;
    let need = min_agreements(config.threshold, config.num_perm);
    let mut sets = UnionFind::new(table.len());
    for band in 0..bands {
        let mut buckets: BTreeMap<Vec<u32>, Vec<u32>> = BTreeMap::new();
        for d in 0..table.len() {
            if let Some(sig) = table.get(d) {
                buckets
                    .entry(sig[band * rows..(band + 1) * rows].to_vec())
                    .or_default()
                    .push(d as u32);
            }
        }
        for members in buckets.values().filter(|m| m.len() <= config.bucket_cap) {
            let sig = |d: u32| table.get(d as usize).unwrap();
            let centre = *members.iter().min_by_key(|&&d| (fingerprint(sig(d)), d)).unwrap();
            for &m in members {
                if m != centre && agreements(sig(centre), sig(m)) >= need {
                    sets.union(centre, m);
                }
            }
        }
    }
    partition(&mut sets, table.len())
}

/// All pairs verified, no LSH at all.
fn naive_all_pairs(table: &SignatureTable, config: &Config) -> Vec<u32> {
    let need = min_agreements(config.threshold, config.num_perm);
    let mut sets = UnionFind::new(table.len());
    for a in 0..table.len() {
        for b in a + 1..table.len() {
            if let (Some(x), Some(y)) = (table.get(a), table.get(b)) {
                if agreements(x, y) >= need {
                    sets.union(a as u32, b as u32);
                }
            }
        }
    }
    partition(&mut sets, table.len())
}

fn fast(table: &SignatureTable, config: &Config) -> Vec<u32> {
    let (mut sets, _) = reprint::dedup::link(table, config);
    partition(&mut sets, table.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn lsh_matches_its_naive_twin_and_refines_all_pairs(
        seed in any::<u64>(),
        originals in 1usize..12,
        copies in 0usize..4,
        size in 3usize..60,
        threshold in 0.5f64..0.95,
    ) {
        let docs = planted_corpus(seed, originals, copies, size);
        let mut config = Config::with_threshold(threshold, 64);
        config.ngram = 3;
        let table = sign(&docs, &config);
        let got = fast(&table, &config);
        prop_assert_eq!(&got, &naive_banded(&table, &config));
        // Every LSH cluster lies inside one all-pairs cluster.
        let all = naive_all_pairs(&table, &config);
        for d in 0..docs.len() {
            prop_assert_eq!(all[got[d] as usize], all[d]);
        }
        // Identical signatures always end together.
        for a in 0..docs.len() {
            for b in a + 1..docs.len() {
                if table.get(a).is_some() && table.get(a) == table.get(b) {
                    prop_assert_eq!(got[a], got[b]);
                }
            }
        }
    }

    #[test]
    fn tokens_and_normalize_agree(text in "\\PC{0,80}") {
        let tokens = reprint::text::tokens(&text);
        prop_assert_eq!(reprint::text::normalize(&text), tokens.join(" "));
        prop_assert!(tokens.iter().all(|t| !t.is_empty() && !t.contains(' ')));
        // Signing the normalized form gives the same signature as the text.
        let h = MinHasher::new(16, 2);
        let mut s = Scratch::new();
        prop_assert_eq!(h.signature(&text, &mut s), h.signature(&tokens.join(" "), &mut s));
    }
}

#[test]
fn estimate_tracks_exact_jaccard() {
    let hasher = MinHasher::new(128, 5);
    let mut scratch = Scratch::new();
    let mut rng = Rng(2024);
    let (mut total_err, mut pairs) = (0.0, 0);
    while pairs < 600 {
        let size = 60 + rng.below(600);
        let base = random_words(&mut rng, size, 20_000);
        let p = rng.unit() * 0.12;
        let other = mutate(&mut rng, &base, p);
        let (a, b) = (base.join(" "), other.join(" "));
        let exact = jaccard(&shingle_set(&a, 5), &shingle_set(&b, 5));
        if !(0.3..=0.95).contains(&exact) {
            continue;
        }
        let est = hasher
            .signature(&a, &mut scratch)
            .similarity(&hasher.signature(&b, &mut scratch));
        total_err += (est - exact).abs();
        pairs += 1;
    }
    let mae = total_err / pairs as f64;
    eprintln!("MinHash estimate: mean absolute error {mae:.4} over {pairs} pairs");
    assert!(mae <= 0.04, "mean absolute error {mae:.4} over {pairs} pairs");
}

/// The clusters as sets of documents, each document named by `name` (its index in some
/// other order).
fn cluster_sets(partition: &[u32], name: impl Fn(usize) -> usize) -> std::collections::BTreeSet<Vec<usize>> {
    let mut sets: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (d, &p) in partition.iter().enumerate() {
        sets.entry(p).or_default().push(name(d));
    }
    sets.into_values()
        .map(|mut s| {
            s.sort_unstable();
            s
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Shuffling the input changes no cluster, as a set of documents: each bucket's centre
    /// is chosen by its signature, not by its position. (Copies at random strengths put
    /// pairs on both sides of the threshold, so a centre chosen by position would link a
    /// document in one order and not in another.)
    #[test]
    fn clusters_are_the_same_sets_for_the_input_shuffled(
        seed in any::<u64>(),
        order in any::<u64>(),
        originals in 1usize..10,
        copies in 1usize..6,
        size in 10usize..60,
        threshold in 0.5f64..0.9,
    ) {
        let docs = planted_corpus(seed, originals, copies, size);
        let mut config = Config::with_threshold(threshold, 64);
        config.ngram = 3;
        let mut rng = Rng(order);
        let mut perm: Vec<usize> = (0..docs.len()).collect();
        for i in (1..perm.len()).rev() {
            perm.swap(i, rng.below(i + 1));
        }
        let shuffled: Vec<String> = perm.iter().map(|&i| docs[i].clone()).collect();
        let before = cluster_sets(&fast(&sign(&docs, &config), &config), |d| d);
        let after = cluster_sets(&fast(&sign(&shuffled, &config), &config), |d| perm[d]);
        prop_assert_eq!(before, after);
    }
}

#[test]
fn clusters_do_not_depend_on_thread_count() {
    let docs = planted_corpus(7, 300, 3, 80);
    let facts: Vec<Survivor> = docs
        .iter()
        .map(|d| Survivor {
            len_bytes: d.len() as u64,
            date: None,
        })
        .collect();
    let config = Config {
        keep: Keep::Longest,
        ..Config::default()
    };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let table = sign(&docs, &config);
            cluster(&table, &facts, &config)
        })
    };
    let one = run(1);
    assert!(
        one.0.duplicates() > 100,
        "the corpus plants many duplicates: {}",
        one.0.duplicates()
    );
    assert_eq!(one, run(2));
    assert_eq!(one, run(8));
}

#[test]
fn detector_finds_every_earlier_copy() {
    let docs = planted_corpus(11, 40, 2, 50);
    let mut detector = reprint::Detector::new(Config::default()).unwrap();
    for (i, doc) in docs.iter().enumerate() {
        let (id, verdict) = detector.insert(doc);
        assert_eq!(id, i);
        if let reprint::Verdict::NearDuplicate { of, similarity } = verdict {
            assert!(of < i && similarity >= 0.8, "doc {i}: {verdict:?}");
        }
    }
    // Inserted again, each document matches the first document with its exact signature.
    let hasher = MinHasher::new(128, 5);
    let mut scratch = Scratch::new();
    let sigs: Vec<_> = docs.iter().map(|d| hasher.signature(d, &mut scratch)).collect();
    for (i, doc) in docs.iter().enumerate() {
        let first = sigs.iter().position(|s| *s == sigs[i]).unwrap();
        let verdict = detector.insert(doc).1;
        assert_eq!(
            verdict,
            reprint::Verdict::NearDuplicate {
                of: first,
                similarity: 1.0
            }
        );
    }
}
