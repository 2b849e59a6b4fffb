//! Locality-sensitive hashing: bands of signature values and their keys.
//!
//! A signature of `num_perm` values is cut into `bands` bands of `rows` values each; two
//! documents become a *candidate* pair when any band agrees in all its rows. With Jaccard
//! similarity `s`, that happens with probability `1 - (1 - s^rows)^bands`, an S-curve whose
//! steep part should sit at the threshold. [`Banding::for_threshold`] picks the shape that
//! minimises the area of false positives (below the threshold) plus false negatives (above).
//!
//! A band key is a stable 64-bit hash of the band's index and its values ([`band_key`]):
//! 32-bit keys would collide by the hundred million at a billion documents.

use crate::shingle::fmix64;

/// Seed of [`band_key`]. Part of the persisted format.
pub const BAND_SEED: u64 = 0x4241_4e44_4b45_5931; // "BANDKEY1"

/// Weight of the false-positive area when choosing a banding (false negatives get the rest).
pub const FALSE_POSITIVE_WEIGHT: f64 = 0.1;

/// The shape of the LSH index: `bands × rows` values of each signature are used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Banding {
    /// Number of bands.
    pub bands: usize,
    /// Values per band.
    pub rows: usize,
}

impl Banding {
    /// The banding with `bands * rows <= num_perm` that minimises the weighted false-positive
    /// plus false-negative area around `threshold`. Every candidate is verified against its
    /// signatures, so a false positive costs one comparison while a false negative is a lost
    /// duplicate: false negatives weigh nine times as much ([`FALSE_POSITIVE_WEIGHT`]).
    /// At 0.8 and 128 values this gives 14 bands of 9 rows (a pair at 0.85 becomes a
    /// candidate with probability 0.975, where equal weights' 9 × 13 gives 0.69).
    /// Ties go to fewer values used.
    ///
    /// The areas are Simpson sums on fixed points of `s`; for each number of rows the
    /// probability that no band agrees, `(1 - s^rows)^bands`, is multiplied up one band at a
    /// time, so the whole search costs a few multiplications per shape and point (`num_perm`
    /// 128 in well under a millisecond, where a power per point took 8 ms).
    pub fn for_threshold(threshold: f64, num_perm: usize) -> Banding {
        let num_perm = num_perm.max(1);
        let below = simpson_points(0.0, threshold);
        let above = simpson_points(threshold, 1.0);
        // err[bands - 1][rows - 1], for bands * rows <= num_perm.
        let mut err: Vec<Vec<f64>> = (1..=num_perm).map(|bands| vec![0.0; num_perm / bands]).collect();
        let (mut miss_below, mut miss_above) = (Vec::new(), Vec::new());
        for rows in 1..=num_perm {
            // Per point: the probability that one band misses, then that all bands so far do.
            let one_band = |points: &[(f64, f64)], out: &mut Vec<f64>| {
                out.clear();
                out.extend(points.iter().map(|&(s, _)| 1.0 - s.powi(rows as i32)));
            };
            let (mut none_below, mut none_above) = (Vec::new(), Vec::new());
            one_band(&below, &mut miss_below);
            one_band(&above, &mut miss_above);
            none_below.extend_from_slice(&miss_below);
            none_above.extend_from_slice(&miss_above);
            for bands in 1..=num_perm / rows {
                if bands > 1 {
                    none_below.iter_mut().zip(&miss_below).for_each(|(n, m)| *n *= m);
                    none_above.iter_mut().zip(&miss_above).for_each(|(n, m)| *n *= m);
                }
                // Candidates below the threshold, and pairs missed above it.
                let false_positive: f64 = below.iter().zip(&none_below).map(|(&(_, w), n)| w * (1.0 - n)).sum();
                let false_negative: f64 = above.iter().zip(&none_above).map(|(&(_, w), n)| w * n).sum();
                err[bands - 1][rows - 1] =
                    FALSE_POSITIVE_WEIGHT * false_positive + (1.0 - FALSE_POSITIVE_WEIGHT) * false_negative;
            }
        }
        let mut best = Banding {
            bands: 1,
            rows: num_perm,
        };
        let mut best_err = f64::INFINITY;
        for (b, by_rows) in err.iter().enumerate() {
            for (r, &e) in by_rows.iter().enumerate() {
                if e < best_err - 1e-12 {
                    best = Banding {
                        bands: b + 1,
                        rows: r + 1,
                    };
                    best_err = e;
                }
            }
        }
        best
    }

    /// Probability that a pair with Jaccard similarity `s` becomes a candidate.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// Area under the candidate curve below the threshold (pairs wrongly proposed).
    pub fn false_positive_area(&self, threshold: f64) -> f64 {
        integrate(|s| self.candidate_probability(s), 0.0, threshold)
    }

    /// Area above the candidate curve above the threshold (pairs missed).
    pub fn false_negative_area(&self, threshold: f64) -> f64 {
        integrate(|s| 1.0 - self.candidate_probability(s), threshold, 1.0)
    }

    /// The number of signature values the bands use.
    pub fn used(&self) -> usize {
        self.bands * self.rows
    }

    /// Write the key of every band of `signature` into `out` (length `bands`).
    pub fn keys_into(&self, signature: &[u32], out: &mut [u64]) {
        debug_assert!(signature.len() >= self.used() && out.len() == self.bands);
        for (band, (values, key)) in signature.chunks_exact(self.rows).zip(out.iter_mut()).enumerate() {
            *key = band_key(band, values);
        }
    }
}

/// The stable key of band number `band` holding `values`.
#[inline]
pub fn band_key(band: usize, values: &[u32]) -> u64 {
    let mut h = fmix64(BAND_SEED ^ band as u64);
    for &v in values {
        h = (h ^ u64::from(v)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
    fmix64(h)
}

/// Intervals of the Simpson sums: exact enough to rank bandings.
const SIMPSON_INTERVALS: usize = 256;

/// Simpson's rule with [`SIMPSON_INTERVALS`] intervals.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let h = (b - a) / SIMPSON_INTERVALS as f64;
    let mut sum = f(a) + f(b);
    for i in 1..SIMPSON_INTERVALS {
        let w = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += w * f(a + i as f64 * h);
    }
    sum * h / 3.0
}

/// The points of a Simpson sum over `[a, b]` with their weights.
fn simpson_points(a: f64, b: f64) -> Vec<(f64, f64)> {
    let h = (b - a) / SIMPSON_INTERVALS as f64;
    (0..=SIMPSON_INTERVALS)
        .map(|i| {
            let w = match i {
                0 | SIMPSON_INTERVALS => 1.0,
                i if i % 2 == 1 => 4.0,
                _ => 2.0,
            };
            let s = if i == SIMPSON_INTERVALS { b } else { a + i as f64 * h };
            (s, w * h / 3.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search as first written: both areas integrated for every shape, with powers.
    fn for_threshold_by_integrals(threshold: f64, num_perm: usize) -> Banding {
        let mut best = Banding {
            bands: 1,
            rows: num_perm.max(1),
        };
        let mut best_err = f64::INFINITY;
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let b = Banding { bands, rows };
                let err = FALSE_POSITIVE_WEIGHT * b.false_positive_area(threshold)
                    + (1.0 - FALSE_POSITIVE_WEIGHT) * b.false_negative_area(threshold);
                if err < best_err - 1e-12 {
                    best = b;
                    best_err = err;
                }
            }
        }
        best
    }

    /// The shape multiplied up band by band is the one the integrals of powers choose.
    #[test]
    fn banding_by_products_is_banding_by_integrals() {
        for num_perm in (1..=40).chain([64, 100, 128, 256]) {
            for t in (1..=19)
                .map(|t| f64::from(t) / 20.0)
                .chain([0.33, 0.66, 0.77, 0.83, 0.88])
            {
                assert_eq!(
                    Banding::for_threshold(t, num_perm),
                    for_threshold_by_integrals(t, num_perm),
                    "threshold {t}, {num_perm} values"
                );
            }
        }
    }

    #[test]
    fn banding_puts_the_s_curve_at_the_threshold() {
        for &t in &[0.5, 0.7, 0.8, 0.9] {
            let b = Banding::for_threshold(t, 128);
            assert!(b.used() <= 128);
            // The curve's midpoint (1/b)^(1/r) lies near the threshold.
            let mid = (1.0 / b.bands as f64).powf(1.0 / b.rows as f64);
            assert!((mid - t).abs() < 0.1, "t={t} {b:?} mid={mid}");
            assert!(b.candidate_probability((t + 0.15).min(1.0)) > 0.9, "t={t} {b:?}");
            assert!(b.candidate_probability(t - 0.3) < 0.1, "t={t} {b:?}");
        }
    }

    #[test]
    fn default_banding_finds_pairs_just_above_the_threshold() {
        let b = Banding::for_threshold(0.8, 128);
        assert_eq!(b, Banding { bands: 14, rows: 9 });
        assert!(b.candidate_probability(0.85) > 0.97);
    }

    #[test]
    fn higher_threshold_means_more_rows_per_band() {
        let low = Banding::for_threshold(0.5, 128);
        let high = Banding::for_threshold(0.9, 128);
        assert!(high.rows > low.rows);
    }

    #[test]
    fn keys_depend_on_band_and_values() {
        assert_ne!(band_key(0, &[1, 2, 3]), band_key(1, &[1, 2, 3]));
        assert_ne!(band_key(0, &[1, 2, 3]), band_key(0, &[1, 2, 4]));
        let b = Banding { bands: 2, rows: 2 };
        let mut keys = [0u64; 2];
        b.keys_into(&[5, 6, 5, 6], &mut keys);
        assert_ne!(keys[0], keys[1]);
        assert_eq!(keys[0], band_key(0, &[5, 6]));
    }
}
