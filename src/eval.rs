//! Scoring against ground truth, for benchmark runs: a clustering by pairwise precision,
//! recall, F1 and adjusted Rand index; recovered bodies by token-level precision, recall and
//! F1. Both count exactly as the reference scorers in `shared/eval/` (`dedup_score.py`,
//! `clean_score.py`) count, so `reprint eval` and they agree to four decimals.

use ahash::AHashMap;

/// Pairwise agreement of a predicted clustering with the true one.
#[derive(Clone, Debug, PartialEq)]
pub struct PairScores {
    /// Documents in the truth.
    pub docs: usize,
    /// Pairs of documents in one true cluster.
    pub true_pairs: u64,
    /// Pairs of documents in one predicted cluster.
    pub pred_pairs: u64,
    /// Share of predicted pairs that are true pairs (1 when there are none).
    pub precision: f64,
    /// Share of true pairs that are predicted (1 when there are none).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Adjusted Rand index.
    pub ari: f64,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Score `pred` (document id → cluster name) against `truth` (the same, one entry per
/// document). A document missing from `pred` is a singleton.
pub fn pair_scores(truth: &AHashMap<String, String>, pred: &AHashMap<String, String>) -> PairScores {
    let mut joint: AHashMap<(&str, Option<&str>, &str), u64> = AHashMap::new();
    let mut true_sizes: AHashMap<&str, u64> = AHashMap::new();
    let mut pred_sizes: AHashMap<(Option<&str>, &str), u64> = AHashMap::new();
    for (id, t) in truth {
        // A missing prediction is its own cluster, keyed by its id.
        let p = match pred.get(id) {
            Some(c) => (Some(c.as_str()), ""),
            None => (None, id.as_str()),
        };
        *joint.entry((t.as_str(), p.0, p.1)).or_insert(0) += 1;
        *true_sizes.entry(t.as_str()).or_insert(0) += 1;
        *pred_sizes.entry(p).or_insert(0) += 1;
    }
    let tp: u64 = joint.values().map(|&n| pairs(n)).sum();
    let true_pairs: u64 = true_sizes.values().map(|&n| pairs(n)).sum();
    let pred_pairs: u64 = pred_sizes.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, pred_pairs);
    let recall = ratio(tp, true_pairs);
    let f1 = harmonic(precision, recall);
    let n = pairs(truth.len() as u64);
    let expected = if n == 0 {
        0.0
    } else {
        true_pairs as f64 * pred_pairs as f64 / n as f64
    };
    let max = (true_pairs + pred_pairs) as f64 / 2.0;
    let ari = if max == expected {
        1.0
    } else {
        (tp as f64 - expected) / (max - expected)
    };
    PairScores {
        docs: truth.len(),
        true_pairs,
        pred_pairs,
        precision,
        recall,
        f1,
        ari,
    }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Token-level agreement of recovered bodies with gold bodies.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenScores {
    /// Gold documents scored.
    pub docs: usize,
    /// Means over documents.
    pub macro_precision: f64,
    /// Means over documents.
    pub macro_recall: f64,
    /// Means over documents.
    pub macro_f1: f64,
    /// Over all tokens of all documents.
    pub micro_precision: f64,
    /// Over all tokens of all documents.
    pub micro_recall: f64,
    /// Over all tokens of all documents.
    pub micro_f1: f64,
}

/// The scorer's tokens: lowercase runs of word characters (letters, digits, `_`), counted.
pub fn score_tokens(text: &str) -> AHashMap<String, u64> {
    let mut counts = AHashMap::new();
    let lower = text.to_lowercase();
    for token in lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
    {
        *counts.entry(token.to_owned()).or_insert(0) += 1;
    }
    counts
}

/// Score `pred` (id → recovered body; a missing id is an empty body) against `gold` (id →
/// gold body, one entry per document, in any order).
pub fn token_scores(gold: &[(String, String)], pred: &AHashMap<String, String>) -> TokenScores {
    let (mut p_sum, mut r_sum, mut f_sum) = (0.0, 0.0, 0.0);
    let (mut inter_all, mut pred_all, mut gold_all) = (0u64, 0u64, 0u64);
    for (id, body) in gold {
        let g = score_tokens(body);
        let p = pred.get(id).map(|t| score_tokens(t)).unwrap_or_default();
        let inter: u64 = p.iter().map(|(t, &n)| n.min(g.get(t).copied().unwrap_or(0))).sum();
        let (np, ng) = (p.values().sum::<u64>(), g.values().sum::<u64>());
        let precision = match (np, ng) {
            (0, 0) => 1.0,
            (0, _) => 0.0,
            _ => inter as f64 / np as f64,
        };
        let recall = if ng == 0 { 1.0 } else { inter as f64 / ng as f64 };
        p_sum += precision;
        r_sum += recall;
        f_sum += harmonic(precision, recall);
        inter_all += inter;
        pred_all += np;
        gold_all += ng;
    }
    let n = gold.len().max(1) as f64;
    let micro = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (mp, mr) = (micro(inter_all, pred_all), micro(inter_all, gold_all));
    TokenScores {
        docs: gold.len(),
        macro_precision: p_sum / n,
        macro_recall: r_sum / n,
        macro_f1: f_sum / n,
        micro_precision: mp,
        micro_recall: mr,
        micro_f1: harmonic(mp, mr),
    }
}

/// The scorer's tokens of `text` in order: lowercase runs of word characters (letters,
/// digits, `_`), as `\w+` finds them.
pub fn word_tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The set of `k`-token shingles of `tokens` (a text shorter than `k` tokens has one shingle:
/// all its tokens; an empty text none), each as a 64-bit hash of its space-joined tokens.
pub fn shingle_set(tokens: &[String], k: usize) -> Vec<u64> {
    let hash = |w: &[String]| xxhash_rust::xxh3::xxh3_64(w.join(" ").as_bytes());
    let mut set: Vec<u64> = if tokens.is_empty() {
        Vec::new()
    } else if tokens.len() < k {
        vec![hash(tokens)]
    } else {
        tokens.windows(k).map(hash).collect()
    };
    set.sort_unstable();
    set.dedup();
    set
}

/// Every pair of documents whose shingle sets have Jaccard similarity at least `min`, exactly
/// (no sketching): an inverted index from shingle to documents, and per document the
/// intersection counts with every later document it shares a shingle with. Pairs come as
/// `(i, j, jaccard)` with `i < j`, sorted. Runs on the rayon pool; the result does not depend
/// on the thread count.
pub fn exact_pairs(sets: &[Vec<u64>], min: f64) -> Vec<(u32, u32, f64)> {
    use rayon::prelude::*;
    let mut postings: AHashMap<u64, Vec<u32>> = AHashMap::new();
    for (d, set) in sets.iter().enumerate() {
        for &s in set {
            postings.entry(s).or_default().push(d as u32);
        }
    }
    (0..sets.len())
        .into_par_iter()
        .map(|i| {
            let mut shared: AHashMap<u32, u32> = AHashMap::new();
            for s in &sets[i] {
                for &j in &postings[s] {
                    if j as usize > i {
                        *shared.entry(j).or_insert(0) += 1;
                    }
                }
            }
            let mut found: Vec<(u32, u32, f64)> = shared
                .into_iter()
                .filter_map(|(j, n)| {
                    let union = sets[i].len() + sets[j as usize].len() - n as usize;
                    let jaccard = f64::from(n) / union as f64;
                    (jaccard >= min).then_some((i as u32, j, jaccard))
                })
                .collect();
            found.sort_unstable_by_key(|p| p.1);
            found
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> AHashMap<String, String> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn pairs_and_ari_by_hand() {
        // truth {a,b,c} {d}; prediction {a,b} {c,d}: one true pair of three found, one wrong.
        let truth = map(&[("a", "x"), ("b", "x"), ("c", "x"), ("d", "y")]);
        let pred = map(&[("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")]);
        let s = pair_scores(&truth, &pred);
        assert_eq!((s.true_pairs, s.pred_pairs), (3, 2));
        assert_eq!((s.precision, s.recall), (0.5, 1.0 / 3.0));
        // expected = 3 * 2 / 6 = 1, max = 2.5: (1 - 1) / (2.5 - 1) = 0
        assert_eq!(s.ari, 0.0);
        let perfect = pair_scores(&truth, &truth);
        assert_eq!((perfect.f1, perfect.ari), (1.0, 1.0));
        // Missing predictions are singletons, never one shared cluster.
        let none = pair_scores(&truth, &AHashMap::new());
        assert_eq!((none.pred_pairs, none.precision, none.recall), (0, 1.0, 0.0));
    }

    #[test]
    fn exact_pairs_agree_with_all_pairs() {
        let texts = [
            "the storm closed the coast road on monday and the town said",
            "The storm closed the coast road on Monday, and the town said so",
            "a different text about the harvest festival in the valley",
            "short",
            "",
            "the storm closed the coast road on monday and the town said",
        ];
        let sets: Vec<Vec<u64>> = texts.iter().map(|t| shingle_set(&word_tokens(t), 5)).collect();
        let fast = exact_pairs(&sets, 0.3);
        let mut naive = Vec::new();
        for i in 0..sets.len() {
            for j in i + 1..sets.len() {
                let a: std::collections::BTreeSet<_> = sets[i].iter().collect();
                let b: std::collections::BTreeSet<_> = sets[j].iter().collect();
                let inter = a.intersection(&b).count();
                let union = a.union(&b).count();
                if union > 0 && inter as f64 / union as f64 >= 0.3 {
                    naive.push((i as u32, j as u32, inter as f64 / union as f64));
                }
            }
        }
        assert_eq!(fast, naive);
        assert!(fast.iter().any(|&(i, j, s)| (i, j) == (0, 5) && s == 1.0));
        assert_eq!(shingle_set(&word_tokens("a b"), 5).len(), 1);
        assert!(shingle_set(&[], 5).is_empty());
    }

    #[test]
    fn tokens_and_body_scores_by_hand() {
        let t = score_tokens("The cat, THE hat_1 — café.");
        assert_eq!(t["the"], 2);
        assert_eq!(t["hat_1"], 1);
        assert_eq!(t["café"], 1);
        let gold = vec![
            ("1".to_string(), "a b c d".to_string()),
            ("2".to_string(), "".to_string()),
        ];
        let pred = map(&[("1", "a b x")]);
        let s = token_scores(&gold, &pred);
        // doc 1: p = 2/3, r = 2/4; doc 2: empty vs empty scores 1.
        assert!((s.macro_precision - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-12);
        assert!((s.macro_recall - (0.5 + 1.0) / 2.0).abs() < 1e-12);
        assert!((s.micro_precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.micro_recall - 0.5).abs() < 1e-12);
    }
}
