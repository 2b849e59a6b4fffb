//! Writing JSON strings fast: the bodies `reprint clean` writes are most of its output.
//!
//! [`write_str`] writes exactly what `serde_json` writes for a string (the same escapes:
//! `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, and `\u00XX` for the other control characters;
//! everything else as it is), but finds the bytes that need an escape sixteen at a time: on
//! x86_64 with SSE2 (part of the baseline, no run-time detection needed), elsewhere a byte
//! loop. A test compares it with `serde_json` on random strings.

/// Append `s` as a JSON string (quotes included) to `out`.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(at) = next_escape(bytes, start) {
        out.extend_from_slice(&bytes[start..at]);
        escape_into(out, bytes[at]);
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The escape of one byte that needs one.
fn escape_into(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        b'\t' => out.extend_from_slice(b"\\t"),
        b'\n' => out.extend_from_slice(b"\\n"),
        0x0C => out.extend_from_slice(b"\\f"),
        b'\r' => out.extend_from_slice(b"\\r"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xF)],
        ]),
    }
}

/// Does byte `b` need an escape in a JSON string?
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The index of the first byte at or after `from` that needs an escape.
#[inline]
pub(super) fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if crate::text::Avx2::detect().is_some() {
        // SAFETY: the CPU has AVX2.
        return unsafe { avx2::next_escape(bytes, from) };
    }
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        sse2::next_escape(bytes, from)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        portable_next_escape(bytes, from)
    }
}

/// The byte loop: the path on targets without SSE2, and the vector path's twin in tests.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn portable_next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..].iter().position(|&b| needs_escape(b)).map(|k| from + k)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    #[inline]
    pub(super) fn next_escape(bytes: &[u8], mut from: usize) -> Option<usize> {
        while from + 16 <= bytes.len() {
            // SAFETY: 16 bytes from `from` are in bounds; the load is unaligned, and SSE2 is
            // enabled on every x86_64 target.
            let mask = unsafe {
                let v = _mm_loadu_si128(bytes.as_ptr().add(from).cast::<__m128i>());
                // v <= 0x1F as an unsigned byte: max(v, 0x1F) == 0x1F.
                let control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
                let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
                let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
                _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash)))
            };
            if mask != 0 {
                return Some(from + mask.trailing_zeros() as usize);
            }
            from += 16;
        }
        super::portable_next_escape(bytes, from)
    }
}

/// The AVX2 twin of the SSE2 scan, 32 bytes at a time, for CPUs that have it.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_max_epu8, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };

    /// [`super::next_escape`].
    ///
    /// # Safety
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn next_escape(bytes: &[u8], mut from: usize) -> Option<usize> {
        while from + 32 <= bytes.len() {
            // SAFETY: 32 bytes from `from` are in bounds; the load is unaligned; the caller's
            // CPU has AVX2.
            let v = _mm256_loadu_si256(bytes.as_ptr().add(from).cast::<__m256i>());
            // v <= 0x1F as an unsigned byte: max(v, 0x1F) == 0x1F.
            let control = _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0x1F)), _mm256_set1_epi8(0x1F));
            let quote = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8));
            let backslash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8));
            let mask = _mm256_movemask_epi8(_mm256_or_si256(control, _mm256_or_si256(quote, backslash)));
            if mask != 0 {
                return Some(from + mask.trailing_zeros() as usize);
            }
            from += 32;
        }
        super::portable_next_escape(bytes, from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Every way of finding the next byte to escape finds the portable loop's, from any
        /// start, across 16- and 32-byte chunks.
        #[test]
        fn next_escape_agrees_with_portable(s in "([a-z ]{0,40}|[\"\\\\]|[\\x00-\\x1f\\x7f]|[é中😀]){0,30}", from in 0usize..64) {
            let bytes = s.as_bytes();
            let from = from.min(bytes.len());
            let expected = portable_next_escape(bytes, from);
            proptest::prop_assert_eq!(next_escape(bytes, from), expected);
            #[cfg(target_arch = "x86_64")]
            if crate::text::Avx2::detect().is_some() {
                // SAFETY: the CPU has AVX2.
                proptest::prop_assert_eq!(unsafe { avx2::next_escape(bytes, from) }, expected);
            }
        }
    }

    proptest::proptest! {
        /// The same bytes as `serde_json` writes, for strings mixing text, quotes, backslashes,
        /// every control character and non-ASCII characters, across 16-byte chunks.
        #[test]
        fn writes_what_serde_json_writes(s in "([a-z ]{0,20}|[\"\\\\]|[\\x00-\\x1f\\x7f]|[é中😀]){0,30}") {
            let mut ours = Vec::new();
            write_str(&mut ours, &s);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&s).unwrap());
        }
    }
}
