//! Clusters: connected components of verified pairs, each with one representative.
//!
//! Union-find merges pairs in any order and always ends with the same partition, so the
//! clusters depend only on the set of verified pairs. The representative is then chosen by
//! the survivor policy ([`Keep`]) from per-document facts (length, date), ties going to the
//! smaller document index: a function of the input alone, never of thread timing.

use crate::config::Keep;

/// Disjoint sets over document indexes `0..n`, with path halving and union by size.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> Self {
        assert!(n <= u32::MAX as usize, "at most 2^32 - 1 documents");
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The root of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Merge the sets of `a` and `b`; returns whether they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        true
    }
}

/// What the survivor policy needs to know of each document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Survivor {
    /// Length of the signed text in bytes (for [`Keep::Longest`]).
    pub len_bytes: u64,
    /// Unix seconds of the document's date, if it has one (for [`Keep::Earliest`]).
    pub date: Option<i64>,
}

/// Is document `a` a better representative than `b` under `keep`? (`a` and `b` are document
/// indexes; the smaller wins ties.)
fn better(keep: Keep, a: usize, b: usize, facts: &[Survivor]) -> bool {
    use std::cmp::Ordering::*;
    let by_policy = match keep {
        Keep::First => Equal,
        Keep::Longest => facts[b].len_bytes.cmp(&facts[a].len_bytes),
        Keep::Earliest => match (facts[a].date, facts[b].date) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Less,
            (None, Some(_)) => Greater,
            (None, None) => Equal,
        },
    };
    by_policy.then(a.cmp(&b)) == Less
}

/// The clustering of a corpus: for each document, its representative and its estimated
/// similarity to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Clusters {
    representative: Vec<u32>,
    similarity: Vec<f64>,
}

impl Clusters {
    /// Choose a representative for every component of `sets` under `keep`; `similarity(d, r)`
    /// gives the estimated similarity of document `d` to its representative `r`.
    pub fn from_sets(
        sets: &mut UnionFind,
        keep: Keep,
        facts: &[Survivor],
        similarity: impl Fn(usize, usize) -> f64,
    ) -> Clusters {
        let n = facts.len();
        let mut best: Vec<u32> = (0..n as u32).collect(); // indexed by root
        for d in 0..n {
            let root = sets.find(d as u32) as usize;
            if better(keep, d, best[root] as usize, facts) {
                best[root] = d as u32;
            }
        }
        let representative: Vec<u32> = (0..n).map(|d| best[sets.find(d as u32) as usize]).collect();
        let similarity = representative
            .iter()
            .enumerate()
            .map(|(d, &r)| {
                if d == r as usize {
                    1.0
                } else {
                    similarity(d, r as usize)
                }
            })
            .collect();
        Clusters {
            representative,
            similarity,
        }
    }

    /// Every document its own cluster.
    pub fn singletons(n: usize) -> Clusters {
        Clusters {
            representative: (0..n as u32).collect(),
            similarity: vec![1.0; n],
        }
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.representative.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.representative.is_empty()
    }

    /// The representative of document `doc` (itself when it is kept).
    pub fn representative(&self, doc: usize) -> usize {
        self.representative[doc] as usize
    }

    /// Whether `doc` is a duplicate (not its cluster's representative).
    pub fn is_duplicate(&self, doc: usize) -> bool {
        self.representative(doc) != doc
    }

    /// Estimated Jaccard similarity of `doc` to its representative (1 for a representative).
    pub fn similarity(&self, doc: usize) -> f64 {
        self.similarity[doc]
    }

    /// The number of clusters (representatives).
    pub fn count(&self) -> usize {
        (0..self.len()).filter(|&d| !self.is_duplicate(d)).count()
    }

    /// The number of duplicates (documents that are not representatives).
    pub fn duplicates(&self) -> usize {
        self.len() - self.count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(n: usize, pairs: &[(u32, u32)], keep: Keep, facts: &[Survivor]) -> Vec<usize> {
        let mut uf = UnionFind::new(n);
        for &(a, b) in pairs {
            uf.union(a, b);
        }
        let c = Clusters::from_sets(&mut uf, keep, facts, |_, _| 0.9);
        (0..n).map(|d| c.representative(d)).collect()
    }

    #[test]
    fn union_order_does_not_matter() {
        let facts = vec![Survivor::default(); 6];
        let a = cluster(6, &[(0, 3), (3, 5), (1, 2)], Keep::First, &facts);
        let b = cluster(6, &[(2, 1), (5, 3), (3, 0)], Keep::First, &facts);
        assert_eq!(a, b);
        assert_eq!(a, vec![0, 1, 1, 0, 4, 0]);
    }

    #[test]
    fn keep_policies() {
        let facts = [
            Survivor {
                len_bytes: 10,
                date: None,
            },
            Survivor {
                len_bytes: 30,
                date: Some(500),
            },
            Survivor {
                len_bytes: 30,
                date: Some(100),
            },
            Survivor {
                len_bytes: 5,
                date: Some(100),
            },
        ];
        let pairs = [(0, 1), (1, 2), (2, 3)];
        assert_eq!(cluster(4, &pairs, Keep::First, &facts), vec![0; 4]);
        assert_eq!(cluster(4, &pairs, Keep::Longest, &facts), vec![1; 4]);
        assert_eq!(cluster(4, &pairs, Keep::Earliest, &facts), vec![2; 4]);
    }

    #[test]
    fn counts_and_similarity() {
        let facts = vec![Survivor::default(); 4];
        let mut uf = UnionFind::new(4);
        uf.union(1, 3);
        let c = Clusters::from_sets(&mut uf, Keep::First, &facts, |d, r| (d * 10 + r) as f64 / 100.0);
        assert_eq!(c.count(), 3);
        assert_eq!(c.duplicates(), 1);
        assert!(c.is_duplicate(3) && !c.is_duplicate(1));
        assert_eq!(c.similarity(1), 1.0);
        assert!((c.similarity(3) - 0.31).abs() < 1e-6);
    }
}
