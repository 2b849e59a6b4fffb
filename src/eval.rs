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
