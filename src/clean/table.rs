//! A small open-addressing map keyed by token hashes, for the per-page counting and the
//! per-token lookups of the hot loops.
//!
//! Token hashes are already uniform 64-bit values, so the table indexes by their top bits
//! with no further hashing, probes linearly, and keeps keys and values in one array: a lookup
//! is a shift, a load and a compare or two. It is reused from page to page (clearing touches
//! only the slots in use). In memory only; nothing here is persisted.

/// Marks an empty slot. A token whose hash is this value is stored as [`ZERO_KEY`].
const EMPTY: u64 = 0;
/// Stands in for a key equal to [`EMPTY`].
const ZERO_KEY: u64 = 1;

/// A map from token hashes to `V`, iterated in insertion order.
#[derive(Clone, Debug)]
pub(crate) struct TokenTable<V> {
    slots: Vec<(u64, V)>,
    /// Slots in use, in insertion order.
    used: Vec<u32>,
    /// `64 - log2(slots.len())`.
    shift: u32,
}

impl<V: Copy + Default> Default for TokenTable<V> {
    fn default() -> Self {
        TokenTable::with_capacity(16)
    }
}

impl<V: Copy + Default> TokenTable<V> {
    /// A table for about `n` keys before it grows.
    pub(crate) fn with_capacity(n: usize) -> TokenTable<V> {
        let size = (2 * n).next_power_of_two().max(16);
        TokenTable {
            slots: vec![(EMPTY, V::default()); size],
            used: Vec::new(),
            shift: 64 - size.trailing_zeros(),
        }
    }

    #[inline]
    pub(crate) fn key(k: u64) -> u64 {
        if k == EMPTY {
            ZERO_KEY
        } else {
            k
        }
    }

    /// The slot holding `k`, or the empty slot where it would go.
    #[inline]
    fn find(&self, k: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (k >> self.shift) as usize;
        loop {
            let key = self.slots[i].0;
            if key == k || key == EMPTY {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `k`, inserted as `V::default()` when absent.
    #[inline(always)]
    pub(crate) fn entry(&mut self, k: u64) -> &mut V {
        let k = Self::key(k);
        let mut i = self.find(k);
        if self.slots[i].0 == EMPTY {
            if 2 * (self.used.len() + 1) > self.slots.len() {
                self.grow();
                i = self.find(k);
            }
            self.slots[i].0 = k;
            self.used.push(i as u32);
        }
        &mut self.slots[i].1
    }

    /// The value of `k`, if present.
    #[inline]
    pub(crate) fn get(&self, k: u64) -> Option<&V> {
        let k = Self::key(k);
        let i = self.find(k);
        (self.slots[i].0 == k).then(|| &self.slots[i].1)
    }

    /// Ask the processor to bring `k`'s home slot into the cache (a hint: it changes nothing
    /// the table answers), so that a lookup soon after does not wait for memory.
    #[inline]
    pub(crate) fn prefetch(&self, k: u64) {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let i = (Self::key(k) >> self.shift) as usize;
            if let Some(slot) = self.slots.get(i) {
                // SAFETY: a prefetch reads nothing architecturally and never faults; the
                // address is of a slot of this table, in bounds.
                unsafe { _mm_prefetch::<_MM_HINT_T0>((slot as *const (u64, V)).cast::<i8>()) };
            }
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
        let _ = k;
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.used.len()
    }

    /// Every (key, value) in insertion order (a key equal to 0 is reported as 1).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        self.used.iter().map(|&i| self.slots[i as usize])
    }

    /// Remove every key, keeping the memory.
    pub(crate) fn clear(&mut self) {
        for &i in &self.used {
            self.slots[i as usize] = (EMPTY, V::default());
        }
        self.used.clear();
    }

    fn grow(&mut self) {
        let old: Vec<(u64, V)> = self.iter().collect();
        *self = TokenTable::with_capacity(self.slots.len());
        for (k, v) in old {
            *self.entry(k) = v;
        }
    }
}

impl<V: Copy + Default + PartialEq> PartialEq for TokenTable<V> {
    /// Equal as maps (whatever the order of insertion).
    fn eq(&self, other: &Self) -> bool {
        self.used.len() == other.used.len() && self.iter().all(|(k, v)| other.get(k) == Some(&v))
    }
}

impl<V: Copy + Default> FromIterator<(u64, V)> for TokenTable<V> {
    fn from_iter<I: IntoIterator<Item = (u64, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut table = TokenTable::with_capacity(iter.size_hint().0);
        for (k, v) in iter {
            *table.entry(k) = v;
        }
        table
    }
}

/// A corpus's function words: sorted, and in a table made for one question asked of every
/// token, "is it one?", answered with two compares and no branch: every word sits in its
/// home slot or the next one (the table grows until that holds, up to [`MAX_SLOTS_PER_WORD`]
/// slots a word; words that still collide, which uniform token hashes never do but a
/// damaged profile file may, are looked up in the sorted list instead).
#[derive(Clone, Debug)]
pub(crate) struct FunctionWords {
    sorted: Vec<u64>,
    /// `slots.len()` is a power of two plus one (the last slot is the first's overflow);
    /// empty when the words would not fit.
    slots: Vec<u64>,
    shift: u32,
}

/// The table of [`FunctionWords`] stops growing at this many slots a word.
const MAX_SLOTS_PER_WORD: usize = 64;

impl Default for FunctionWords {
    fn default() -> Self {
        FunctionWords::new([])
    }
}

impl FunctionWords {
    pub(crate) fn new(words: impl IntoIterator<Item = u64>) -> FunctionWords {
        let mut sorted: Vec<u64> = words.into_iter().map(TokenTable::<()>::key).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut size = (4 * sorted.len()).next_power_of_two().max(16);
        while size <= (MAX_SLOTS_PER_WORD * sorted.len()).max(16) {
            let shift = 64 - size.trailing_zeros();
            let mut slots = vec![EMPTY; size + 1];
            let placed = sorted.iter().all(|&w| {
                let home = (w >> shift) as usize;
                match (slots[home], slots[home + 1]) {
                    (EMPTY, _) => slots[home] = w,
                    (_, EMPTY) => slots[home + 1] = w,
                    _ => return false,
                }
                true
            });
            if placed {
                return FunctionWords { sorted, slots, shift };
            }
            size *= 2;
        }
        FunctionWords {
            sorted,
            slots: Vec::new(),
            shift: 0,
        }
    }

    /// The words, sorted.
    pub(crate) fn sorted(&self) -> &[u64] {
        &self.sorted
    }

    #[inline]
    pub(crate) fn contains(&self, token: u64) -> bool {
        let token = TokenTable::<()>::key(token);
        if self.slots.is_empty() {
            return self.sorted.binary_search(&token).is_ok();
        }
        let home = (token >> self.shift) as usize;
        (self.slots[home] == token) | (self.slots[home + 1] == token)
    }

    /// How many of `tokens` are function words.
    #[inline]
    pub(crate) fn count_in(&self, tokens: &[u64]) -> u32 {
        tokens.iter().map(|&t| u32::from(self.contains(t))).sum()
    }
}

impl PartialEq for FunctionWords {
    fn eq(&self, other: &Self) -> bool {
        self.sorted == other.sorted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Function words are found, and nothing else is.
        #[test]
        fn function_words_are_a_set(words in proptest::collection::vec(proptest::num::u64::ANY, 0..500), probes in proptest::collection::vec(proptest::num::u64::ANY, 0..200)) {
            let fw = FunctionWords::new(words.iter().copied());
            for &w in &words {
                proptest::prop_assert!(fw.contains(w));
            }
            for &p in &probes {
                proptest::prop_assert_eq!(fw.contains(p), words.contains(&p) || (p <= 1 && words.iter().any(|&w| w <= 1)));
            }
            proptest::prop_assert_eq!(fw.count_in(&words), words.len() as u32);
        }
    }

    #[test]
    fn colliding_words_are_still_found() {
        // Keys that share their top bits never separate however the table grows: a damaged
        // profile file must not make it grow without end.
        let words = [1u64, 2, 3, 123, 456, 789, 1000];
        let fw = FunctionWords::new(words);
        for w in words {
            assert!(fw.contains(w));
        }
        assert!(!fw.contains(4) && !fw.contains(u64::MAX));
    }

    proptest::proptest! {
        /// The table counts as a `BTreeMap` does, in insertion order, across growth and
        /// clearing.
        #[test]
        fn counts_like_a_btreemap(keys in proptest::collection::vec(
            proptest::prop_oneof![0u64..40, proptest::num::u64::ANY, proptest::strategy::Just(0u64)], 0..300))
        {
            let mut table: TokenTable<u32> = TokenTable::with_capacity(4);
            for round in 0..2 {
                let mut naive = std::collections::BTreeMap::new();
                let mut order = Vec::new();
                for &k in &keys {
                    let k = k.wrapping_add(round);
                    *table.entry(k) += 1;
                    let k = if k == 0 { 1 } else { k };
                    if !naive.contains_key(&k) {
                        order.push(k);
                    }
                    *naive.entry(k).or_insert(0u32) += 1;
                }
                let got: Vec<(u64, u32)> = table.iter().collect();
                let want: Vec<(u64, u32)> = order.iter().map(|k| (*k, naive[k])).collect();
                proptest::prop_assert_eq!(got, want);
                proptest::prop_assert_eq!(table.len(), naive.len());
                for (k, n) in &naive {
                    proptest::prop_assert_eq!(table.get(*k), Some(n));
                }
                proptest::prop_assert_eq!(table.get(u64::MAX - 7).is_some(), naive.contains_key(&(u64::MAX - 7)));
                table.clear();
                proptest::prop_assert_eq!(table.len(), 0);
            }
        }
    }
}
