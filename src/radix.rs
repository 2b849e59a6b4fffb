//! Sorting hash keys in time linear in their number.
//!
//! Band keys and site keys are uniform 64-bit hashes: one counting pass on their top bits,
//! with about one key per bucket, leaves a few keys per bucket to sort. A comparison sort
//! takes some twenty compares a key where this takes two passes over memory; the learner's
//! merges of its pending keys spent a third of its time sorting them. Keys that are not
//! uniform (repeated, or sharing their top bits) are still sorted, only more slowly.

/// Sort `items` as `sort_unstable` does, given that `key` of each is a uniform hash and
/// that items are ordered by their key first. `spare` is a buffer (its contents are lost);
/// `items` keeps its own allocation (the learner shares one `spare` among all its sites, and
/// handing a site the spare's, as large as the largest site's, had grown them all).
pub(crate) fn sort_by_hash<T: Copy + Ord + Default>(items: &mut [T], spare: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let n = items.len();
    if n < 64 {
        items.sort_unstable();
        return;
    }
    let bits = (usize::BITS - n.leading_zeros()).clamp(8, 24);
    let shift = 64 - bits;
    let mut starts = vec![0u32; (1 << bits) + 1];
    for item in items.iter() {
        starts[(key(item) >> shift) as usize + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    spare.clear();
    spare.resize(n, T::default());
    let mut next = starts.clone();
    for &item in items.iter() {
        let b = (key(&item) >> shift) as usize;
        spare[next[b] as usize] = item;
        next[b] += 1;
    }
    for w in starts.windows(2) {
        let bucket = &mut spare[w[0] as usize..w[1] as usize];
        if bucket.len() > 1 {
            bucket.sort_unstable();
        }
    }
    items.copy_from_slice(spare);
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The bucket sort gives the order a comparison sort gives, for uniform keys, for
        /// keys sharing their top bits and for repeated keys.
        #[test]
        fn sorts_as_a_comparison_sort_does(
            raw in proptest::collection::vec((proptest::num::u64::ANY, 0u32..1000), 0..3000),
            skew in 0u32..64,
        ) {
            let items: Vec<(u64, u32)> = raw.iter().map(|&(k, d)| (k >> skew, d)).collect();
            let mut want = items.clone();
            want.sort_unstable();
            let mut got = items.clone();
            sort_by_hash(&mut got, &mut Vec::new(), |&(k, _)| k);
            proptest::prop_assert_eq!(got, want);
            let keys: Vec<u64> = items.iter().map(|&(k, d)| k ^ u64::from(d % 3)).collect();
            let mut want = keys.clone();
            want.sort_unstable();
            let mut got = keys;
            sort_by_hash(&mut got, &mut vec![7; 5], |&k| k);
            proptest::prop_assert_eq!(got, want);
        }
    }
}
