//! Byte scans for the tokenizer's ASCII fast path: where the next word starts, and where it
//! ends, from bit masks of 64 bytes at a time.
//!
//! A *word byte* is `a-z`, `A-Z`, `0-9` or `_`; a *high byte* (0x80 or more) belongs to a
//! non-ASCII character, which the tokenizer's slow path decodes. A [`Window`] holds, for 64
//! bytes of the text, one bit per byte for each class; finding a word's start or end is then
//! a shift and a count of trailing zeros, and each byte is classified once. On x86_64 the masks
//! are computed with SSE2, part of the baseline instruction set, so the vector path is always
//! there and needs neither run-time detection nor `-C target-cpu`; on other targets a portable
//! loop computes the same masks. A test compares the two.

/// Bits of one class for 64 bytes: bit `k` stands for byte `base + k`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    /// Word bytes.
    pub word: u64,
    /// Bytes of 0x80 or more.
    pub high: u64,
    /// `A-Z`.
    pub upper: u64,
    /// `0-9`.
    pub digit: u64,
    /// ASCII whitespace (`\t`, `\n`, vertical tab, form feed, `\r`, space).
    pub space: u64,
}

/// Where a word of ASCII word bytes ends, and what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WordEnd {
    /// The index of the first byte after the word.
    pub end: usize,
    /// A byte of the word is a capital letter.
    pub capital: bool,
    /// A byte of the word is a digit.
    pub digit: bool,
}

/// The 64 bytes of `bytes` from `base`: a view of them, or, near the end, a copy in `pad`
/// followed by zeros.
#[inline(always)]
fn chunk_at<'a>(bytes: &'a [u8], base: usize, pad: &'a mut [u8; 64]) -> &'a [u8; 64] {
    match bytes.get(base..base + 64) {
        Some(chunk) => chunk.try_into().expect("the range is 64 bytes long"),
        None => {
            let rest = &bytes[base..];
            pad[..rest.len()].copy_from_slice(rest);
            pad
        }
    }
}

/// The masks of the 64 bytes from `base` (bytes past the end count as separators).
#[inline]
pub(super) fn masks(bytes: &[u8], base: usize) -> Masks {
    masks_of::<true>(bytes, base)
}

/// [`masks`] without `space` (left 0), which the tokenizer does not read: its windows are
/// classed a little faster.
#[inline]
pub(super) fn token_masks(bytes: &[u8], base: usize) -> Masks {
    masks_of::<false>(bytes, base)
}

#[inline(always)]
fn masks_of<const SPACE: bool>(bytes: &[u8], base: usize) -> Masks {
    let mut pad = [0u8; 64];
    let chunk = chunk_at(bytes, base, &mut pad);
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        sse2::masks::<SPACE>(chunk)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let mut m = portable::masks(chunk);
        if !SPACE {
            m.space = 0;
        }
        m
    }
}

/// One bit per byte of the 64 bytes from `base` that equals any of `values` (bytes past the
/// end count as zero).
#[inline]
pub(super) fn equal_to_any(bytes: &[u8], base: usize, values: [u8; 4]) -> u64 {
    let mut pad = [0u8; 64];
    let chunk = chunk_at(bytes, base, &mut pad);
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        sse2::equal_to_any(chunk, values)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        portable::equal_to_any(chunk, values)
    }
}

/// A page's marks of one window ([`page_masks`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PageMasks {
    /// Bytes that may start a separator's mark.
    pub marks: u64,
    /// Spaces (` `).
    pub spaces: u64,
    /// Line ends (`\n`).
    pub newlines: u64,
}

/// For the 64 bytes from `base`: one bit per byte that may start a separator's mark (`-`,
/// `|`, `/`, `_`, `:`, `>`, or 0xC2 or 0xE2, the first byte of `»`, `·`, `•`, `›`, `–` and
/// `—`), one per space (` `) and one per line end (`\n`). Bytes past the end are none of
/// these.
#[inline]
pub(crate) fn page_masks(bytes: &[u8], base: usize) -> PageMasks {
    let mut pad = [0u8; 64];
    let chunk = chunk_at(bytes, base, &mut pad);
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        sse2::page_masks(chunk)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        portable::page_masks(chunk)
    }
}

/// How a scan computes its windows' masks: [`Baseline`] everywhere, or [`Avx2`] on an x86_64
/// CPU that has AVX2, chosen at run time. A scan generic over it is compiled once per way;
/// its AVX2 copy is built with AVX2 (and BMI1, BMI2, LZCNT, POPCNT) enabled, so the masks are
/// computed 32 bytes at a time inside it. Both give the same masks (tests compare them with
/// the portable loop).
pub(crate) trait Lanes: Copy {
    /// [`page_masks`].
    fn page_masks(self, bytes: &[u8], base: usize) -> PageMasks;
    /// [`token_masks`].
    fn token_masks(self, bytes: &[u8], base: usize) -> Masks;
    /// [`lowered`].
    fn lowered(self, bytes: &[u8], base: usize) -> [u8; 80];
    /// [`masks`].
    fn masks(self, bytes: &[u8], base: usize) -> Masks;
    /// [`equal_to_any`].
    fn equal_to_any(self, bytes: &[u8], base: usize, values: [u8; 4]) -> u64;
}

/// The masks as the build's baseline computes them (SSE2 on x86_64, else the portable loop).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Baseline;

impl Lanes for Baseline {
    #[inline(always)]
    fn page_masks(self, bytes: &[u8], base: usize) -> PageMasks {
        page_masks(bytes, base)
    }

    #[inline(always)]
    fn token_masks(self, bytes: &[u8], base: usize) -> Masks {
        token_masks(bytes, base)
    }

    #[inline(always)]
    fn lowered(self, bytes: &[u8], base: usize) -> [u8; 80] {
        lowered(bytes, base)
    }

    #[inline(always)]
    fn masks(self, bytes: &[u8], base: usize) -> Masks {
        masks(bytes, base)
    }

    #[inline(always)]
    fn equal_to_any(self, bytes: &[u8], base: usize, values: [u8; 4]) -> u64 {
        equal_to_any(bytes, base, values)
    }
}

/// The masks from AVX2 vectors: a value exists only on a CPU that has AVX2, BMI1, BMI2,
/// LZCNT and POPCNT (every x86_64 CPU with AVX2 this century but a few has all five).
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

/// Whether the CPU has the features of [`Avx2`]: 0 not known yet, 1 no, 2 yes.
#[cfg(target_arch = "x86_64")]
static AVX2: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Detect the features of [`Avx2`] into [`AVX2`], and return its new value. The environment
/// variable `REPRINT_SIMD=baseline` keeps every scan on the baseline path (to compare the two
/// ways end to end, as a test does).
#[cfg(target_arch = "x86_64")]
#[cold]
#[inline(never)]
fn detect_avx2() -> u8 {
    use std::arch::is_x86_feature_detected as cpu;
    let baseline = std::env::var_os("REPRINT_SIMD").is_some_and(|v| v == "baseline");
    let all = !baseline && cpu!("avx2") && cpu!("bmi1") && cpu!("bmi2") && cpu!("lzcnt") && cpu!("popcnt");
    let has = 1 + u8::from(all);
    AVX2.store(has, std::sync::atomic::Ordering::Relaxed);
    has
}

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    /// `Some` when the CPU has the features (detected once; later calls read one cached
    /// flag).
    #[inline(always)]
    pub(crate) fn detect() -> Option<Avx2> {
        let mut has = AVX2.load(std::sync::atomic::Ordering::Relaxed);
        if has == 0 {
            has = detect_avx2();
        }
        (has == 2).then_some(Avx2(()))
    }
}

#[cfg(target_arch = "x86_64")]
impl Lanes for Avx2 {
    #[inline(always)]
    fn page_masks(self, bytes: &[u8], base: usize) -> PageMasks {
        let mut pad = [0u8; 64];
        let chunk = chunk_at(bytes, base, &mut pad);
        // SAFETY: an `Avx2` is made only by `detect`, when the CPU has AVX2.
        unsafe { avx2::page_masks(chunk) }
    }

    #[inline(always)]
    fn token_masks(self, bytes: &[u8], base: usize) -> Masks {
        let mut pad = [0u8; 64];
        let chunk = chunk_at(bytes, base, &mut pad);
        // SAFETY: as above.
        unsafe { avx2::masks::<false>(chunk) }
    }

    #[inline(always)]
    fn masks(self, bytes: &[u8], base: usize) -> Masks {
        let mut pad = [0u8; 64];
        let chunk = chunk_at(bytes, base, &mut pad);
        // SAFETY: as above.
        unsafe { avx2::masks::<true>(chunk) }
    }

    #[inline(always)]
    fn equal_to_any(self, bytes: &[u8], base: usize, values: [u8; 4]) -> u64 {
        let mut pad = [0u8; 64];
        let chunk = chunk_at(bytes, base, &mut pad);
        // SAFETY: as above.
        unsafe { avx2::equal_to_any(chunk, values) }
    }

    #[inline(always)]
    fn lowered(self, bytes: &[u8], base: usize) -> [u8; 80] {
        let mut pad = [0u8; 64];
        let chunk = chunk_at(bytes, base, &mut pad);
        let mut out = [0u8; 80];
        // SAFETY: as above.
        unsafe { avx2::lowered(chunk, &mut out) };
        out
    }
}

/// The characters of `text` (as `text.chars().count()`): its bytes less its UTF-8
/// continuation bytes, counted 16 bytes at a time.
#[inline]
pub(crate) fn char_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        bytes.len() - sse2::continuation_bytes(bytes)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        bytes.len() - portable::continuation_bytes(bytes)
    }
}

/// The first bytes of separator marks ([`page_masks`]).
const MARK_BYTES: [u8; 8] = [b'-', b'|', b'/', b'_', b':', b'>', 0xC2, 0xE2];

/// The 64 bytes from `base` with ASCII capitals lowercased, then 16 zero bytes (bytes past
/// the end of the text are zero too): a word of the window, of up to 16 bytes, is then two
/// 8-byte loads from it, already lowercased.
#[inline]
pub(super) fn lowered(bytes: &[u8], base: usize) -> [u8; 80] {
    let mut pad = [0u8; 64];
    let chunk = chunk_at(bytes, base, &mut pad);
    let mut out = [0u8; 80];
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    sse2::lowered(chunk, &mut out);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    portable::lowered(chunk, &mut out);
    out
}

/// A text's masks, 64 bytes at a time, recomputed only when a scan leaves the window.
pub(super) struct Window<'a, L> {
    bytes: &'a [u8],
    base: usize,
    masks: Masks,
    lanes: L,
}

impl<'a, L: Lanes> Window<'a, L> {
    /// A window of `bytes` at `base`, whose masks (from [`token_masks`]) are known.
    #[inline(always)]
    pub(super) fn with(bytes: &'a [u8], base: usize, masks: Masks, lanes: L) -> Window<'a, L> {
        Window {
            bytes,
            base,
            masks,
            lanes,
        }
    }

    /// The masks from `i` on (bit 0 = byte `i`), and how many bytes they cover.
    #[inline]
    fn at(&mut self, i: usize) -> (Masks, u32) {
        if i < self.base || i >= self.base + 64 {
            self.base = i;
            self.masks = self.lanes.token_masks(self.bytes, i);
        }
        let shift = (i - self.base) as u32;
        let m = self.masks;
        (
            Masks {
                word: m.word >> shift,
                high: m.high >> shift,
                upper: m.upper >> shift,
                digit: m.digit >> shift,
                space: m.space >> shift,
            },
            64 - shift,
        )
    }

    /// The first index `>= i` holding a word byte or a high byte, or the text's length.
    #[inline]
    pub(super) fn skip_separators(&mut self, mut i: usize) -> usize {
        while i < self.bytes.len() {
            let (m, covered) = self.at(i);
            let hit = m.word | m.high;
            if hit != 0 {
                return i + hit.trailing_zeros() as usize;
            }
            i += covered as usize;
        }
        self.bytes.len()
    }

    /// The end of the word of ASCII word bytes starting at `i`: the first index `>= i` that
    /// is not a word byte, or the text's length.
    #[inline]
    pub(super) fn word_end(&mut self, mut i: usize) -> WordEnd {
        let mut word = WordEnd {
            end: self.bytes.len(),
            capital: false,
            digit: false,
        };
        while i < self.bytes.len() {
            let (m, covered) = self.at(i);
            let stop = !m.word;
            let n = stop.trailing_zeros().min(covered);
            let below = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
            word.capital |= m.upper & below != 0;
            word.digit |= m.digit & below != 0;
            if n < covered {
                word.end = (i + n as usize).min(self.bytes.len());
                return word;
            }
            i += covered as usize;
        }
        word
    }
}

/// The byte-at-a-time masks: the path on targets without a vector path, and the vector
/// path's twin in tests.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
pub(super) mod portable {
    use super::Masks;

    pub(in crate::text) fn continuation_bytes(bytes: &[u8]) -> usize {
        bytes.iter().filter(|&&b| (0x80..0xC0).contains(&b)).count()
    }

    pub(in crate::text) fn equal_to_any(chunk: &[u8; 64], values: [u8; 4]) -> u64 {
        chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| values.contains(b))
            .fold(0, |m, (k, _)| m | (1u64 << k))
    }

    pub(in crate::text) fn page_masks(chunk: &[u8; 64]) -> super::PageMasks {
        let mut m = super::PageMasks::default();
        for (k, &b) in chunk.iter().enumerate() {
            m.marks |= u64::from(super::MARK_BYTES.contains(&b)) << k;
            m.spaces |= u64::from(b == b' ') << k;
            m.newlines |= u64::from(b == b'\n') << k;
        }
        m
    }

    pub(in crate::text) fn lowered(chunk: &[u8; 64], out: &mut [u8; 80]) {
        for (o, &b) in out.iter_mut().zip(chunk) {
            *o = b.to_ascii_lowercase();
        }
    }

    pub(in crate::text) fn masks(chunk: &[u8; 64]) -> Masks {
        let mut m = Masks::default();
        for (k, &b) in chunk.iter().enumerate() {
            let bit = 1u64 << k;
            if b.is_ascii_alphanumeric() || b == b'_' {
                m.word |= bit;
            }
            if b >= 0x80 {
                m.high |= bit;
            }
            if b.is_ascii_uppercase() {
                m.upper |= bit;
            }
            if b.is_ascii_digit() {
                m.digit |= bit;
            }
            if b == b' ' || (0x09..=0x0D).contains(&b) {
                m.space |= bit;
            }
        }
        m
    }
}

/// The AVX2 twin of the SSE2 page masks (32 bytes per compare), for CPUs that have it.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_storeu_si256,
    };

    use super::Masks;

    /// `lo <= v <= hi` per byte, for ASCII bounds (high bytes are negative as `i8`, so never
    /// in range).
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn in_range(v: __m256i, lo: u8, hi: u8) -> __m256i {
        _mm256_and_si256(
            _mm256_cmpgt_epi8(v, _mm256_set1_epi8(lo as i8 - 1)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(hi as i8 + 1), v),
        )
    }

    /// [`super::masks`] of a window; `space` only when `SPACE` (else 0, as
    /// [`super::token_masks`] leaves it).
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn masks<const SPACE: bool>(chunk: &[u8; 64]) -> Masks {
        let mut m = Masks::default();
        for k in 0..2 {
            // SAFETY: bytes 32k..32k+32 of a 64-byte array are readable; the load is
            // unaligned; the caller's CPU has AVX2.
            let v = _mm256_loadu_si256(chunk.as_ptr().add(32 * k).cast::<__m256i>());
            let upper = in_range(v, b'A', b'Z');
            let digit = in_range(v, b'0', b'9');
            let word = _mm256_or_si256(
                _mm256_or_si256(in_range(v, b'a', b'z'), upper),
                _mm256_or_si256(digit, eq(v, b'_')),
            );
            let shift = 32 * k as u32;
            m.word |= u64::from(_mm256_movemask_epi8(word) as u32) << shift;
            m.high |= u64::from(_mm256_movemask_epi8(v) as u32) << shift;
            m.upper |= u64::from(_mm256_movemask_epi8(upper) as u32) << shift;
            m.digit |= u64::from(_mm256_movemask_epi8(digit) as u32) << shift;
            if SPACE {
                let space = _mm256_or_si256(in_range(v, 0x09, 0x0D), eq(v, b' '));
                m.space |= u64::from(_mm256_movemask_epi8(space) as u32) << shift;
            }
        }
        // The barrier keeps LLVM from rewriting the movemasks into one byte extract per bit
        // (it did, in the tokenizer: three times the SSE2 path's instructions).
        std::hint::black_box(m)
    }

    /// [`super::equal_to_any`] of a window.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn equal_to_any(chunk: &[u8; 64], values: [u8; 4]) -> u64 {
        let mut m = 0u64;
        for k in 0..2 {
            // SAFETY: bytes 32k..32k+32 of a 64-byte array are readable; the load is
            // unaligned; the caller's CPU has AVX2.
            let v = _mm256_loadu_si256(chunk.as_ptr().add(32 * k).cast::<__m256i>());
            let any = _mm256_or_si256(
                _mm256_or_si256(eq(v, values[0]), eq(v, values[1])),
                _mm256_or_si256(eq(v, values[2]), eq(v, values[3])),
            );
            m |= u64::from(_mm256_movemask_epi8(any) as u32) << (32 * k);
        }
        m
    }

    /// [`super::lowered`] of a window, into `out` (its last 16 bytes are left as they are).
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn lowered(chunk: &[u8; 64], out: &mut [u8; 80]) {
        for k in 0..2 {
            // SAFETY: bytes 32k..32k+32 of a 64-byte array are readable, and of an 80-byte
            // one writable; loads and stores are unaligned; the caller's CPU has AVX2.
            let v = _mm256_loadu_si256(chunk.as_ptr().add(32 * k).cast::<__m256i>());
            let case = _mm256_and_si256(in_range(v, b'A', b'Z'), _mm256_set1_epi8(0x20));
            _mm256_storeu_si256(out.as_mut_ptr().add(32 * k).cast::<__m256i>(), _mm256_or_si256(v, case));
        }
    }

    /// Bytes of `v` equal to `b`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn eq(v: __m256i, b: u8) -> __m256i {
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8))
    }

    /// Bytes of `v` equal to `b` once `bit` is set in them (two marks one bit apart).
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn eq_with(v: __m256i, bit: u8, b: u8) -> __m256i {
        _mm256_cmpeq_epi8(
            _mm256_or_si256(v, _mm256_set1_epi8(bit as i8)),
            _mm256_set1_epi8(b as i8),
        )
    }

    /// [`super::page_masks`] of a window.
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn page_masks(chunk: &[u8; 64]) -> super::PageMasks {
        let mut out = super::PageMasks::default();
        for k in 0..2 {
            // SAFETY: bytes 32k..32k+32 of a 64-byte array are readable; the load is
            // unaligned; the caller's CPU has AVX2.
            let v = _mm256_loadu_si256(chunk.as_ptr().add(32 * k).cast::<__m256i>());
            // The pairs of marks as in the SSE2 masks.
            let any = _mm256_or_si256(
                _mm256_or_si256(eq_with(v, 0x02, b'/'), eq_with(v, 0x04, b'>')),
                _mm256_or_si256(eq_with(v, 0x20, 0xE2), _mm256_or_si256(eq(v, b'|'), eq(v, b'_'))),
            );
            let shift = 32 * k as u32;
            out.marks |= u64::from(_mm256_movemask_epi8(any) as u32) << shift;
            out.spaces |= u64::from(_mm256_movemask_epi8(eq(v, b' ')) as u32) << shift;
            out.newlines |= u64::from(_mm256_movemask_epi8(eq(v, b'\n')) as u32) << shift;
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::super::portable;
        use proptest::prelude::*;

        proptest! {
            /// The AVX2 page masks agree with the portable ones (on a CPU without AVX2 there
            /// is nothing to compare).
            #[test]
            fn agree_with_portable(bytes in proptest::collection::vec(
                prop_oneof![Just(b' '), Just(b'\n'), Just(b'-'), Just(b'|'), Just(0xE2u8), Just(0xC2u8), Just(b'a'), Just(b'Z'), Just(b'7'), Just(b'_'), Just(b'\t'), Just(0x0Bu8), any::<u8>()], 64))
            {
                let chunk: &[u8; 64] = bytes.as_slice().try_into().unwrap();
                if super::super::Avx2::detect().is_some() {
                    // SAFETY (the three calls): the CPU has AVX2.
                    prop_assert_eq!(unsafe { super::page_masks(chunk) }, portable::page_masks(chunk));
                    prop_assert_eq!(unsafe { super::masks::<true>(chunk) }, portable::masks(chunk));
                    let without_space = super::Masks { space: 0, ..portable::masks(chunk) };
                    prop_assert_eq!(unsafe { super::masks::<false>(chunk) }, without_space);
                    let values = [0xC2, b'a', chunk[7], 0xE3];
                    prop_assert_eq!(unsafe { super::equal_to_any(chunk, values) }, portable::equal_to_any(chunk, values));
                    let (mut vector, mut naive) = ([1u8; 80], [1u8; 80]);
                    unsafe { super::lowered(chunk, &mut vector) };
                    portable::lowered(chunk, &mut naive);
                    prop_assert_eq!(&vector[..], &naive[..]);
                }
            }
        }

        /// Every byte value is classed as the portable test classes it.
        #[test]
        fn every_byte() {
            if super::super::Avx2::detect().is_none() {
                return;
            }
            for b in 0..=255u8 {
                let mut chunk = [b'a'; 64];
                chunk[40] = b;
                // SAFETY (both calls): the CPU has AVX2.
                assert_eq!(
                    unsafe { super::page_masks(&chunk) },
                    portable::page_masks(&chunk),
                    "{b:#x}"
                );
                assert_eq!(
                    unsafe { super::masks::<true>(&chunk) },
                    portable::masks(&chunk),
                    "{b:#x}"
                );
            }
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_cvtsi128_si64, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_sad_epu8, _mm_set1_epi8, _mm_setzero_si128, _mm_storeu_si128,
        _mm_sub_epi8, _mm_unpackhi_epi64,
    };

    use super::Masks;

    /// `lo <= v <= hi` per byte, for ASCII bounds (high bytes are negative as `i8`, so never
    /// in range).
    #[inline(always)]
    fn in_range(v: __m128i, lo: u8, hi: u8) -> __m128i {
        // SAFETY (every intrinsic in this module): this module is built only where SSE2 is enabled.
        unsafe {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
            )
        }
    }

    /// Bytes 0x80 to 0xBF (UTF-8 continuation bytes) of `bytes`: per lane counts of up to
    /// 255 blocks of 16, then summed.
    #[inline]
    pub(super) fn continuation_bytes(bytes: &[u8]) -> usize {
        let mut total = 0;
        let mut rest = bytes;
        while rest.len() >= 16 {
            let steps = (rest.len() / 16).min(255);
            // SAFETY: each load reads 16 bytes of `rest` (`steps` blocks of 16 fit in it).
            let lanes = unsafe {
                let mut counts = _mm_setzero_si128();
                for k in 0..steps {
                    let v = _mm_loadu_si128(rest.as_ptr().add(16 * k).cast::<__m128i>());
                    // As `i8`, continuation bytes are -128 to -65: below -64. A match is -1.
                    counts = _mm_sub_epi8(counts, _mm_cmplt_epi8(v, _mm_set1_epi8(-64)));
                }
                let sums = _mm_sad_epu8(counts, _mm_setzero_si128());
                _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums))
            };
            total += lanes as usize;
            rest = &rest[16 * steps..];
        }
        total + super::portable::continuation_bytes(rest)
    }

    /// The masks; `space` only when `SPACE` (else 0).
    #[inline(always)]
    pub(super) fn masks<const SPACE: bool>(chunk: &[u8; 64]) -> Masks {
        let mut m = Masks::default();
        for k in 0..4 {
            // SAFETY: bytes 16k..16k+16 of a 64-byte array are readable; the load is unaligned.
            let v = unsafe { _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast::<__m128i>()) };
            let upper = in_range(v, b'A', b'Z');
            let digit = in_range(v, b'0', b'9');
            // SAFETY: as above.
            let (word, high, upper, digit) = unsafe {
                let word = _mm_or_si128(
                    _mm_or_si128(in_range(v, b'a', b'z'), upper),
                    _mm_or_si128(digit, _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8))),
                );
                (
                    _mm_movemask_epi8(word),
                    _mm_movemask_epi8(v),
                    _mm_movemask_epi8(upper),
                    _mm_movemask_epi8(digit),
                )
            };
            let shift = 16 * k as u32;
            m.word |= u64::from(word as u16) << shift;
            m.high |= u64::from(high as u16) << shift;
            m.upper |= u64::from(upper as u16) << shift;
            m.digit |= u64::from(digit as u16) << shift;
            if SPACE {
                // SAFETY: as above.
                let space = unsafe {
                    _mm_movemask_epi8(_mm_or_si128(
                        in_range(v, 0x09, 0x0D),
                        _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)),
                    ))
                };
                m.space |= u64::from(space as u16) << shift;
            }
        }
        m
    }

    #[inline(always)]
    pub(super) fn lowered(chunk: &[u8; 64], out: &mut [u8; 80]) {
        for k in 0..4 {
            // SAFETY: bytes 16k..16k+16 of a 64-byte array are readable, and of an 80-byte
            // one writable; loads and stores are unaligned.
            unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast::<__m128i>());
                let case = _mm_and_si128(in_range(v, b'A', b'Z'), _mm_set1_epi8(0x20));
                _mm_storeu_si128(out.as_mut_ptr().add(16 * k).cast::<__m128i>(), _mm_or_si128(v, case));
            }
        }
    }

    #[inline(always)]
    pub(super) fn page_masks(chunk: &[u8; 64]) -> super::PageMasks {
        let mut out = super::PageMasks::default();
        for k in 0..4 {
            // SAFETY: bytes 16k..16k+16 of a 64-byte array are readable; SSE2 is enabled on
            // every x86_64 target.
            let (m, s, n) = unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast::<__m128i>());
                let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
                // Pairs of marks one bit apart are told by one compare of the byte with that
                // bit set: `-` and `/` (0x2D, 0x2F), `:` and `>` (0x3A, 0x3E), and the lead
                // bytes 0xC2 and 0xE2; `|` and `_` alone (a test checks the pairs).
                let eq_with =
                    |bit: u8, b: u8| _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(bit as i8)), _mm_set1_epi8(b as i8));
                let any = _mm_or_si128(
                    _mm_or_si128(eq_with(0x02, b'/'), eq_with(0x04, b'>')),
                    _mm_or_si128(eq_with(0x20, 0xE2), _mm_or_si128(eq(b'|'), eq(b'_'))),
                );
                (
                    _mm_movemask_epi8(any) as u16,
                    _mm_movemask_epi8(eq(b' ')) as u16,
                    _mm_movemask_epi8(eq(b'\n')) as u16,
                )
            };
            out.marks |= u64::from(m) << (16 * k);
            out.spaces |= u64::from(s) << (16 * k);
            out.newlines |= u64::from(n) << (16 * k);
        }
        out
    }

    #[inline(always)]
    pub(super) fn equal_to_any(chunk: &[u8; 64], values: [u8; 4]) -> u64 {
        let mut m = 0u64;
        for k in 0..4 {
            // SAFETY: bytes 16k..16k+16 of a 64-byte array are readable; SSE2 is enabled on
            // every x86_64 target.
            let bits = unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast::<__m128i>());
                let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
                let any = _mm_or_si128(
                    _mm_or_si128(eq(values[0]), eq(values[1])),
                    _mm_or_si128(eq(values[2]), eq(values[3])),
                );
                _mm_movemask_epi8(any) as u16
            };
            m |= u64::from(bits) << (16 * k);
        }
        m
    }

    #[cfg(test)]
    mod tests {
        use super::super::portable;
        use proptest::prelude::*;

        /// Every byte value is a mark or not as the portable test says (the vector test
        /// folds pairs of marks into one compare).
        #[test]
        fn marks_of_every_byte() {
            for b in 0..=255u8 {
                let mut chunk = [b' '; 64];
                chunk[5] = b;
                assert_eq!(super::page_masks(&chunk), portable::page_masks(&chunk), "{b:#x}");
            }
        }

        proptest! {
            /// The vector masks agree with the portable ones.
            #[test]
            fn agree_with_portable(bytes in proptest::collection::vec(
                prop_oneof![Just(b' '), Just(b'a'), Just(b'Z'), Just(b'_'), Just(b'7'), Just(0xC3u8), Just(0xE2u8), Just(b'|'), any::<u8>()], 64))
            {
                let chunk: &[u8; 64] = bytes.as_slice().try_into().unwrap();
                prop_assert_eq!(super::masks::<true>(chunk), portable::masks(chunk));
                let without_space = super::Masks { space: 0, ..portable::masks(chunk) };
                prop_assert_eq!(super::masks::<false>(chunk), without_space);
                let values = [0xC2, b'a', chunk[7], 0xE3];
                prop_assert_eq!(super::equal_to_any(chunk, values), portable::equal_to_any(chunk, values));
                prop_assert_eq!(super::page_masks(chunk), portable::page_masks(chunk));
                let (mut vector, mut naive) = ([1u8; 80], [1u8; 80]);
                super::lowered(chunk, &mut vector);
                portable::lowered(chunk, &mut naive);
                prop_assert_eq!(&vector[..64], &naive[..64]);
            }

            /// Characters counted from continuation bytes are those `chars` finds, for texts
            /// long enough for the 255-block flush (4,080 bytes) and short ones.
            #[test]
            fn char_count_agrees_with_chars(text in "([a-z ]{1,40}|é|中文|😀|\\PC){0,400}", repeat in 1usize..30) {
                let text = text.repeat(repeat);
                prop_assert_eq!(super::continuation_bytes(text.as_bytes()), portable::continuation_bytes(text.as_bytes()));
                prop_assert_eq!(crate::text::char_count(&text), text.chars().count());
            }
        }

        /// A lane that sees a continuation byte in every block of 16 (four-byte characters)
        /// holds at most 255 before its count is summed.
        #[test]
        fn char_count_flushes_full_lanes() {
            for n in [1020, 1023, 1024, 1025, 3000] {
                let text = "😀".repeat(n);
                assert_eq!(crate::text::char_count(&text), n);
                let mixed = format!("a{}", "😀中".repeat(n));
                assert_eq!(crate::text::char_count(&mixed), 2 * n + 1);
            }
        }
    }
}
