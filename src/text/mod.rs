//! Normalization and tokens: the first step of signing a text.
//!
//! A *token* is a maximal run of word characters (letters, digits, combining marks and `_`),
//! lowercased with Unicode's full lowercase mapping; everything else (punctuation, symbols,
//! whitespace) separates tokens. Han, Hiragana, Katakana and Hangul characters are each a token
//! of their own, so unspaced Chinese and Japanese text shingles without a word segmenter.
//!
//! Tokens are handed on as 64-bit hashes ([`token_hash`]): the signature never needs the token
//! text, so the hot loop copies each token at most once, into a reused buffer, and allocates
//! nothing. ASCII bytes take a table-driven fast path; any other character is decoded and
//! classified on the slow path. [`normalize_into`] spells out the same tokens as text, for
//! people and tests; both paths agree by construction (a property test checks it).

mod scan;
#[cfg(target_arch = "x86_64")]
pub(crate) use scan::Avx2;
pub(crate) use scan::{char_count, Baseline, Lanes};

use std::ops::Range;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The seed of [`token_hash`]. Part of the persisted format: changing it changes every
/// signature (the golden test in `tests/golden.rs` notices).
pub const TOKEN_SEED: u64 = 0x7265_7072_696e_7432; // "reprint2"

/// The stable 64-bit hash of one token's lowercased UTF-8 bytes.
///
/// Tokens are short (nearly all words fit in 16 bytes, a Han character in 3), so the hash
/// takes the token as two little-endian words, zero-padded (bytes 0-7 and 8-15), and mixes
/// them with MurmurHash3's finalizer; longer tokens take XXH3-64. The tokenizer computes the
/// same value from words it loads from a lowercased copy of the text. Seeded with [`TOKEN_SEED`],
/// fixed on every platform, and frozen by the golden test.
#[inline(always)]
pub fn token_hash(token: &[u8]) -> u64 {
    let n = token.len();
    if n <= 8 {
        hash_words(load_upto_8(token), 0, n)
    } else if n <= 16 {
        let lo = u64::from_le_bytes(token[..8].try_into().expect("8 bytes"));
        hash_words(lo, load_upto_8(&token[8..]), n)
    } else {
        long_token_hash(token)
    }
}

/// [`token_hash`] of a token of `n` bytes, at most 16, given as its zero-padded little-endian
/// words.
#[inline(always)]
fn hash_words(lo: u64, hi: u64, n: usize) -> u64 {
    use crate::shingle::fmix64;
    let len = n as u64;
    if n <= 8 {
        fmix64(lo ^ TOKEN_SEED ^ (len << 60))
    } else {
        fmix64(lo ^ TOKEN_SEED).wrapping_add(fmix64(hi ^ TOKEN_SEED.rotate_left(32) ^ len))
    }
}

/// [`token_hash`] of a token longer than 16 bytes (rare: kept out of line).
#[cold]
#[inline(never)]
fn long_token_hash(token: &[u8]) -> u64 {
    xxh3_64_with_seed(token, TOKEN_SEED)
}

/// At most 8 bytes as one little-endian word, zero-padded, read with at most three loads.
#[inline]
fn load_upto_8(t: &[u8]) -> u64 {
    let n = t.len();
    if n >= 4 {
        let lo = u64::from(u32::from_le_bytes(t[..4].try_into().expect("4 bytes")));
        let hi = u64::from(u32::from_le_bytes(t[n - 4..].try_into().expect("4 bytes")));
        lo | (hi << (8 * (n - 4)))
    } else if n > 0 {
        // The first, the middle and the last byte, each in its place.
        u64::from(t[0]) | (u64::from(t[n / 2]) << (8 * (n / 2))) | (u64::from(t[n - 1]) << (8 * (n - 1)))
    } else {
        0
    }
}

/// How an ASCII byte takes part in a token.
const SEPARATOR: u8 = 0;

/// For each ASCII byte: its lowercase form when it is a word byte, else [`SEPARATOR`].
/// Bytes >= 0x80 are never looked up here.
static ASCII_WORD: [u8; 128] = {
    let mut table = [SEPARATOR; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = match c {
            b'a'..=b'z' | b'0'..=b'9' | b'_' => c,
            b'A'..=b'Z' => c + 32,
            _ => SEPARATOR,
        };
        b += 1;
    }
    table
};

/// Is `c` one of the characters that form a token on their own (Han, Kana, Hangul)?
#[inline]
pub fn is_cjk_token_char(c: char) -> bool {
    let c = c as u32;
    // The unified ideographs first: most CJK text is in them.
    (0x4E00..=0x9FFF).contains(&c)
        || matches!(c,
        0x1100..=0x11FF       // Hangul Jamo
        | 0x2E80..=0x2FDF     // CJK and Kangxi radicals
        | 0x3005 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3130..=0x318F     // Hangul compatibility Jamo
        | 0x31F0..=0x31FF     // Katakana phonetic extensions
        | 0x3400..=0x4DBF     // CJK extension A
        | 0xA960..=0xA97F     // Hangul Jamo extended A
        | 0xAC00..=0xD7FF     // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF66..=0xFF9F     // halfwidth Katakana
        | 0x20000..=0x3134F) // CJK extensions B-G
}

/// Is `c` (non-ASCII) part of a word: a letter, digit or combining mark?
#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The class of one non-ASCII character.
enum CharClass {
    Separator,
    Word,
    /// A character that is a whole token by itself.
    Single,
}

/// The class of `c` worked out from Unicode's tables (the slow way).
fn classify_slow(c: char) -> CharClass {
    if is_cjk_token_char(c) {
        CharClass::Single
    } else if is_word_char(c) {
        CharClass::Word
    } else {
        CharClass::Separator
    }
}

/// The class of every character of the Basic Multilingual Plane, two bits each (16 KB),
/// worked out once by [`classify_slow`]: most text is in the BMP, and a table lookup is
/// cheaper than Unicode's property tables.
fn bmp_classes() -> &'static [u8; 0x10000 / 4] {
    static TABLE: std::sync::OnceLock<Box<[u8; 0x10000 / 4]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Box::new([0u8; 0x10000 / 4]);
        for code in 0..0x10000u32 {
            let class = match char::from_u32(code).map(classify_slow) {
                Some(CharClass::Word) => 1,
                Some(CharClass::Single) => 2,
                Some(CharClass::Separator) | None => 0,
            };
            table[(code / 4) as usize] |= class << (2 * (code % 4));
        }
        table
    })
}

#[inline]
fn classify(c: char) -> CharClass {
    let code = c as u32;
    if code >= 0x10000 {
        return classify_slow(c);
    }
    bmp_class(code)
}

/// Is the three-byte character starting with `b0`, `b1` one of U+4E00 to U+9FFF (the CJK
/// Unified Ideographs, all of them [`CharClass::Single`], a test checks)?
#[inline(always)]
fn is_unified_ideograph(b0: u8, b1: u8) -> bool {
    b0.wrapping_sub(0xE5) < 5 || (b0 == 0xE4 && b1 >= 0xB8)
}

/// The class of a code point of the BMP (below 0x10000), from the table.
#[inline(always)]
fn bmp_class(code: u32) -> CharClass {
    bmp_class_in(bmp_classes(), code)
}

/// [`bmp_class`] with the table at hand (hoisted out of loops).
#[inline(always)]
fn bmp_class_in(table: &[u8; 0x10000 / 4], code: u32) -> CharClass {
    match (table[(code & 0xFFFF) as usize / 4] >> (2 * (code % 4))) & 3 {
        1 => CharClass::Word,
        2 => CharClass::Single,
        _ => CharClass::Separator,
    }
}

/// Push the lowercase UTF-8 of `c` onto `buf`.
#[inline]
pub(crate) fn push_lower(buf: &mut Vec<u8>, c: char) {
    let mut utf8 = [0u8; 4];
    for lower in c.to_lowercase() {
        buf.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
    }
}

/// Walk the tokens of `text`, calling `emit` with each token's lowercased bytes in order.
/// `buf` is caller-owned scratch; its contents on return are unspecified.
#[inline]
pub fn for_each_token(text: &str, buf: &mut Vec<u8>, mut emit: impl FnMut(&[u8])) {
    for_each_token_span(text, buf, |token, _| emit(token));
}

/// Walk the tokens of `text` as [`for_each_token`] does, with each token's byte span in
/// `text` (from its first byte to the end of its last character).
#[inline]
pub fn for_each_token_span(text: &str, buf: &mut Vec<u8>, mut emit: impl FnMut(&[u8], Range<usize>)) {
    for_each_token_kind(text, buf, |token, span, _| emit(token, span));
}

/// What the tokenizer learns of a token on the way, so callers need not look at it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A word without ASCII digits.
    Word,
    /// A word holding at least one ASCII digit.
    WordWithDigit,
    /// One Han, Kana or Hangul character.
    Single,
}

/// One token as the tokenizer hands it on.
#[derive(Clone, Debug)]
pub struct Token<'a> {
    /// The token's lowercased UTF-8 bytes.
    pub bytes: &'a [u8],
    /// Its byte span in the text (from its first byte to the end of its last character).
    pub span: Range<usize>,
    /// What kind of token it is.
    pub kind: TokenKind,
    /// [`token_hash`] of `bytes`.
    pub hash: u64,
}

/// What the tokenizer hands each token to: a closure (through [`Emit`]), or a type whose
/// method is inlined into every place the tokenizer emits from (a closure called from that
/// many places is often left out of line).
pub(crate) trait TokenSink {
    /// Take the next token.
    fn token(&mut self, token: Token<'_>);
}

/// A closure as a [`TokenSink`].
struct Emit<F>(F);

impl<F: FnMut(Token<'_>)> TokenSink for Emit<F> {
    #[inline]
    fn token(&mut self, token: Token<'_>) {
        (self.0)(token)
    }
}

impl<'a> Token<'a> {
    #[inline]
    fn new(bytes: &'a [u8], span: Range<usize>, kind: TokenKind) -> Token<'a> {
        Token {
            hash: token_hash(bytes),
            bytes,
            span,
            kind,
        }
    }
}

/// Walk the tokens of `text` as [`for_each_token_span`] does, with each token's kind.
#[inline]
pub fn for_each_token_kind(text: &str, buf: &mut Vec<u8>, mut emit: impl FnMut(&[u8], Range<usize>, TokenKind)) {
    for_each_token_hashed(text, buf, |t| emit(t.bytes, t.span, t.kind));
}

/// Walk the tokens of `text`, handing on each as a [`Token`]: bytes, span, kind and hash.
///
/// The text is read in windows of 64 bytes, each classified at once into bit masks (word
/// bytes, capitals, digits, non-ASCII bytes; `scan`). In a window of ASCII only, every word
/// is found from the masks with a count of trailing zeros, with no branch per byte, in a copy
/// of the window lowercased with vector instructions: a word of up to 16 bytes is two 8-byte
/// loads from it, masked and hashed in registers, and handed on as a slice of the copy. A
/// window holding other characters is read a character at a time.
#[inline]
pub fn for_each_token_hashed(text: &str, buf: &mut Vec<u8>, emit: impl FnMut(Token<'_>)) {
    tokenize_into(text, buf, Emit(emit));
}

/// [`for_each_token_hashed`] into a [`TokenSink`].
#[inline]
pub(crate) fn tokenize_into(text: &str, buf: &mut Vec<u8>, emit: impl TokenSink) {
    #[cfg(target_arch = "x86_64")]
    if let Some(lanes) = Avx2::detect() {
        // SAFETY: `lanes` exists, so the CPU has the features.
        return unsafe { tokenize_avx2(text, buf, emit, lanes) };
    }
    tokenize_with(text, buf, emit, Baseline);
}

/// [`tokenize_with`] built with the features of [`Avx2`].
///
/// # Safety
/// The CPU must have them (as `lanes` proves).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn tokenize_avx2(text: &str, buf: &mut Vec<u8>, emit: impl TokenSink, lanes: Avx2) {
    tokenize_with(text, buf, emit, lanes);
}

/// [`tokenize_into`] with the window masks of `lanes`.
#[inline(always)]
fn tokenize_with(text: &str, buf: &mut Vec<u8>, mut emit: impl TokenSink, lanes: impl Lanes) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    // `i` is never inside a token.
    let mut i = 0;
    while i < len {
        let m = lanes.token_masks(bytes, i);
        let covered = (len - i).min(64);
        let valid = if covered == 64 { u64::MAX } else { (1u64 << covered) - 1 };
        let high = m.high & valid;
        if high != 0 {
            if high.count_ones() > SPARSE_HIGH_BYTES {
                i = by_characters(
                    text,
                    scan::Window::with(bytes, i, m, lanes),
                    i,
                    i + covered,
                    buf,
                    &mut emit,
                );
                continue;
            }
            // A character or two of non-ASCII in ASCII text (a curly quote, a dash, an accented
            // word): the words before the first high byte are read here, the character (with
            // the word it may belong to) one character at a time, and the next window starts
            // after it.
            let h = high.trailing_zeros();
            let word = m.word & ((1u64 << h) - 1);
            let mut starts = word & !(word << 1);
            let mut from = i + h as usize;
            if h > 0 && (word >> (h - 1)) & 1 == 1 {
                // The last word touches the character and may go on through it ("naïve").
                let last = 63 - starts.leading_zeros();
                starts &= !(1u64 << last);
                from = i + last as usize;
            }
            ascii_words(bytes, i, word, starts, m.digit, &mut emit, lanes);
            i = by_characters(
                text,
                scan::Window::with(bytes, i, m, lanes),
                from,
                i + h as usize + 1,
                buf,
                &mut emit,
            );
            continue;
        }
        let word = m.word & valid;
        let mut starts = word & !(word << 1);
        let mut next = i + covered;
        if covered == 64 && word >> 63 == 1 {
            // The last word may go on past the window: leave it for the next window, which
            // starts where it does (a word of 64 bytes or more is read by characters).
            let last = 63 - starts.leading_zeros();
            starts &= !(1u64 << last);
            next = i + last as usize;
            if last == 0 {
                next = by_characters(text, scan::Window::with(bytes, i, m, lanes), i, i + 1, buf, &mut emit);
            }
        }
        ascii_words(bytes, i, word, starts, m.digit, &mut emit, lanes);
        i = next;
    }
}

/// A window holding at most this many high bytes has its ASCII words read by the fast path
/// around them; one with more (Chinese, Cyrillic, …) is read a character at a time.
const SPARSE_HIGH_BYTES: u32 = 8;

/// For a token of `n` bytes (at most 16), the masks that keep its bytes of the two words
/// loaded from its start (bytes 0-7, 8-15).
const KEEP_BYTES: [(u64, u64); 17] = {
    const fn keep(k: usize) -> u64 {
        if k >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * k)) - 1
        }
    }
    let mut masks = [(0, 0); 17];
    let mut n = 0;
    while n <= 16 {
        masks[n] = (keep(n), keep(n.saturating_sub(8)));
        n += 1;
    }
    masks
};

/// Emit the ASCII words of the window at `i` that start at the bits of `starts`: `word` marks
/// the window's word bytes, every one of these words ends inside the window, and `digit` its
/// digits.
#[inline(always)]
fn ascii_words(
    bytes: &[u8],
    i: usize,
    word: u64,
    mut starts: u64,
    digit: u64,
    emit: &mut impl TokenSink,
    lanes: impl Lanes,
) {
    if starts == 0 {
        return;
    }
    let lowered = lanes.lowered(bytes, i);
    while starts != 0 {
        let s = starts.trailing_zeros();
        starts &= starts - 1;
        let n = (!(word >> s)).trailing_zeros();
        let run = (1u64 << n) - 1;
        let (start, end) = (i + s as usize, i + (s + n) as usize);
        let kind = match (digit >> s) & run != 0 {
            true => TokenKind::WordWithDigit,
            false => TokenKind::Word,
        };
        // Every word of the window ends in it (the last one, when it may not, is left to
        // the next window): its bytes are in the lowered copy of the window.
        let at = s as usize;
        let n = n as usize;
        let token = &lowered[at..at + n];
        let hash = if n <= 16 {
            // Both words from the lowered window, masked to the token.
            let (keep_lo, keep_hi) = KEEP_BYTES[n];
            let lo = u64::from_le_bytes(lowered[at..at + 8].try_into().expect("8 bytes")) & keep_lo;
            let hi = u64::from_le_bytes(lowered[at + 8..at + 16].try_into().expect("8 bytes")) & keep_hi;
            hash_words(lo, hi, n)
        } else {
            long_token_hash(token)
        };
        emit.token(Token {
            bytes: token,
            span: start..end,
            kind,
            hash,
        });
    }
}

/// Read the tokens starting from `from` (not inside a token; `window` holds it) up to `until`
/// a character at a time (a token, or a run of CJK characters, may run past `until`), and
/// return where the last one ends (at least `until`).
fn by_characters<L: Lanes>(
    text: &str,
    mut window: scan::Window<'_, L>,
    from: usize,
    until: usize,
    buf: &mut Vec<u8>,
    emit: &mut impl TokenSink,
) -> usize {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let table = bmp_classes();
    let mut i = from;
    loop {
        i = window.skip_separators(i);
        if i >= until {
            return i.max(until);
        }
        if bytes[i] < 0x80 {
            let word = window.word_end(i);
            let end = word.end;
            let kind = match word.digit {
                true => TokenKind::WordWithDigit,
                false => TokenKind::Word,
            };
            if end < len && bytes[end] >= 0x80 && matches!(classify(decode(bytes, end).0), CharClass::Word) {
                // A word that goes on past ASCII ("cafe\u{301}", "naïve").
                buf.clear();
                lower_ascii_into(buf, &bytes[i..end]);
                i = finish_word(bytes, end, i, word.digit, buf, emit);
            } else if word.capital {
                buf.clear();
                lower_ascii_into(buf, &bytes[i..end]);
                emit.token(Token::new(buf, i..end, kind));
                i = end;
            } else {
                emit.token(Token::new(&bytes[i..end], i..end, kind));
                i = end;
            }
            continue;
        }
        // A run of characters of three bytes or more (Han, Kana, Hangul, CJK punctuation).
        loop {
            // Three bytes (one bounds check for the three): decoded in place, classed from
            // the table; a Han character's hash is of its three bytes as one word.
            if let Some(&[b0, b1, b2]) = bytes.get(i..i + 3) {
                if b0 & 0xF0 == 0xE0 {
                    // Most of Chinese text is CJK Unified Ideographs, U+4E00 to U+9FFF, which
                    // are told by their first two bytes (E4 B8 to E9 BF): each is a token.
                    let class = match is_unified_ideograph(b0, b1) {
                        true => CharClass::Single,
                        false => {
                            let code =
                                (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
                            bmp_class_in(table, code)
                        }
                    };
                    match class {
                        CharClass::Separator => {}
                        CharClass::Single => {
                            let word = u64::from(b0) | u64::from(b1) << 8 | u64::from(b2) << 16;
                            emit.token(Token {
                                bytes: &bytes[i..i + 3],
                                span: i..i + 3,
                                kind: TokenKind::Single,
                                hash: hash_words(word, 0, 3),
                            });
                        }
                        CharClass::Word => {
                            buf.clear();
                            push_lower(buf, decode(bytes, i).0);
                            i = finish_word(bytes, i + 3, i, false, buf, emit);
                            break;
                        }
                    }
                    i += 3;
                    // A run of such characters is read to its end, past `until` if it goes on
                    // (the caller resumes wherever this returns).
                    match bytes.get(i) {
                        Some(&b) if b >= 0xE0 => continue,
                        _ => break,
                    }
                }
            }
            let (c, width) = decode(bytes, i);
            match classify(c) {
                CharClass::Separator => i += width,
                CharClass::Single => {
                    let token = &bytes[i..i + width];
                    emit.token(Token {
                        bytes: token,
                        span: i..i + width,
                        kind: TokenKind::Single,
                        hash: token_hash(token),
                    });
                    i += width;
                }
                CharClass::Word => {
                    buf.clear();
                    push_lower(buf, c);
                    i = finish_word(bytes, i + width, i, false, buf, emit);
                    break;
                }
            }
            if i >= until || bytes[i] < 0xE0 {
                break;
            }
        }
    }
}

/// The slow path of one word: `buf` holds the lowercased word from `start` up to `from`
/// (`digit`: it holds an ASCII digit); take word characters up to the next separator or
/// single-character token, emit the word, and return where it ends.
fn finish_word(
    bytes: &[u8],
    mut from: usize,
    start: usize,
    mut digit: bool,
    buf: &mut Vec<u8>,
    emit: &mut impl TokenSink,
) -> usize {
    while from < bytes.len() {
        let b = bytes[from];
        if b < 0x80 {
            match ASCII_WORD[usize::from(b)] {
                SEPARATOR => break,
                lower => buf.push(lower),
            }
            digit |= b.is_ascii_digit();
            from += 1;
            continue;
        }
        let (c, width) = decode(bytes, from);
        if !matches!(classify(c), CharClass::Word) {
            break;
        }
        push_lower(buf, c);
        from += width;
    }
    let kind = match digit {
        true => TokenKind::WordWithDigit,
        false => TokenKind::Word,
    };
    emit.token(Token::new(buf, start..from, kind));
    from
}

/// Append the lowercase form of ASCII word bytes.
#[inline]
fn lower_ascii_into(buf: &mut Vec<u8>, word: &[u8]) {
    buf.extend(word.iter().map(u8::to_ascii_lowercase));
}

/// The character starting at `bytes[i]` (a lead byte of valid UTF-8: `bytes` is a `str`'s)
/// and its width in bytes.
#[inline(always)]
fn decode(bytes: &[u8], i: usize) -> (char, usize) {
    let b0 = u32::from(bytes[i]);
    let cont = |k: usize| u32::from(bytes[i + k]) & 0x3F;
    let (code, width) = if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | cont(1), 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3), 4)
    };
    // Valid UTF-8 decodes to a valid scalar value; the fallback is never taken.
    (char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER), width)
}

/// The whitespace-separated words of `text` and how many of them start with an uppercase
/// letter, as `split_whitespace` and `char::is_uppercase` count them. Runs of 64 ASCII bytes
/// are counted from bit masks; other runs a character at a time.
pub fn word_case(text: &str) -> (u32, u32) {
    #[cfg(target_arch = "x86_64")]
    if let Some(lanes) = Avx2::detect() {
        // SAFETY: `lanes` exists, so the CPU has the features.
        return unsafe { word_case_avx2(text, lanes) };
    }
    word_case_with(text, Baseline)
}

/// [`word_case_with`] built with the features of [`Avx2`].
///
/// # Safety
/// The CPU must have them (as `lanes` proves).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn word_case_avx2(text: &str, lanes: Avx2) -> (u32, u32) {
    word_case_with(text, lanes)
}

/// [`word_case`] with the window masks of `lanes`.
#[inline(always)]
fn word_case_with(text: &str, lanes: impl Lanes) -> (u32, u32) {
    let bytes = text.as_bytes();
    let (mut words, mut capitalized) = (0u32, 0u32);
    // Whether the byte before `i` ends a word (or `i` is the start).
    let mut after_space = true;
    let mut i = 0;
    while i < bytes.len() {
        let m = lanes.masks(bytes, i);
        let mut covered = (bytes.len() - i).min(64);
        // Windows end on a character boundary.
        while !text.is_char_boundary(i + covered) {
            covered -= 1;
        }
        if covered == 0 {
            // A window shorter than its first character cannot happen (characters are at most
            // four bytes); stay safe all the same.
            covered = text[i..].chars().next().map_or(1, char::len_utf8);
        }
        let valid = if covered >= 64 { u64::MAX } else { (1u64 << covered) - 1 };
        let mut space = m.space & valid;
        let high = m.high & valid;
        // Non-ASCII whitespace has one of four lead bytes (U+0085 and U+00A0; U+1680;
        // U+2000 to U+205F; U+3000); other characters are words.
        if high != 0 {
            let mut leads = lanes.equal_to_any(bytes, i, [0xC2, 0xE1, 0xE2, 0xE3]) & valid;
            while leads != 0 {
                let k = leads.trailing_zeros() as usize;
                leads &= leads - 1;
                let (c, width) = decode(bytes, i + k);
                if c.is_whitespace() {
                    space |= ((1u64 << width) - 1) << k;
                }
            }
        }
        let word = !space & valid;
        let starts = word & !((word << 1) | u64::from(!after_space));
        words += starts.count_ones();
        capitalized += (starts & m.upper).count_ones();
        // A word starting with a non-ASCII character: is it a capital?
        let mut other = starts & high;
        while other != 0 {
            let k = other.trailing_zeros() as usize;
            other &= other - 1;
            capitalized += u32::from(decode(bytes, i + k).0.is_uppercase());
        }
        after_space = (word >> (covered - 1)) & 1 == 0;
        i += covered;
    }
    (words, capitalized)
}

/// Append the hash of every token of `text` to `out` (cleared first).
pub fn token_hashes_into(text: &str, buf: &mut Vec<u8>, out: &mut Vec<u64>) {
    out.clear();
    for_each_token_hashed(text, buf, |token| out.push(token.hash));
}

/// The normalized form of `text`: its tokens joined by single spaces, written into `out`
/// (cleared first). Two texts with the same normalized form have the same signature.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    let mut buf = Vec::new();
    let mut bytes = std::mem::take(out).into_bytes();
    for_each_token(text, &mut buf, |token| {
        if !bytes.is_empty() {
            bytes.push(b' ');
        }
        bytes.extend_from_slice(token);
    });
    // Tokens are whole lowercased characters, so the joined bytes are UTF-8.
    *out = String::from_utf8(bytes).expect("tokens are whole UTF-8 characters");
}

/// The normalized form of `text` as a new string; see [`normalize_into`].
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// The tokens of `text` as strings. Allocates per token: for tests and tools, not hot loops.
pub fn tokens(text: &str) -> Vec<String> {
    let mut buf = Vec::new();
    let mut out = Vec::new();
    for_each_token(text, &mut buf, |t| {
        out.push(String::from_utf8(t.to_vec()).expect("tokens are whole UTF-8 characters"))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The naive twin of [`for_each_token_span`]: every character decoded and classified.
    fn naive_tokens(text: &str) -> Vec<(Vec<u8>, Range<usize>)> {
        let mut out = Vec::new();
        let mut word: Option<(Vec<u8>, usize)> = None;
        for (i, c) in text.char_indices() {
            let class = if c.is_ascii() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    CharClass::Word
                } else {
                    CharClass::Separator
                }
            } else {
                classify(c)
            };
            match class {
                CharClass::Word => {
                    let (bytes, _) = word.get_or_insert_with(|| (Vec::new(), i));
                    push_lower(bytes, c);
                }
                CharClass::Separator | CharClass::Single => {
                    if let Some((bytes, start)) = word.take() {
                        out.push((bytes, start..i));
                    }
                    if matches!(class, CharClass::Single) {
                        out.push((c.to_string().into_bytes(), i..i + c.len_utf8()));
                    }
                }
            }
        }
        if let Some((bytes, start)) = word.take() {
            out.push((bytes, start..text.len()));
        }
        out
    }

    fn fast_tokens(text: &str) -> Vec<(Vec<u8>, Range<usize>)> {
        let mut out = Vec::new();
        for_each_token_hashed(text, &mut Vec::new(), |token| {
            let Token {
                bytes: t,
                span,
                kind,
                hash,
            } = token;
            assert_eq!(hash, token_hash(t), "{t:?}");
            let naive_kind = match (t.iter().any(u8::is_ascii_digit), &text[span.clone()]) {
                (_, s) if s.chars().count() == 1 && is_cjk_token_char(s.chars().next().unwrap()) => TokenKind::Single,
                (true, _) => TokenKind::WordWithDigit,
                (false, _) => TokenKind::Word,
            };
            assert_eq!(kind, naive_kind, "{:?}", &text[span.clone()]);
            out.push((t.to_vec(), span))
        });
        // The build's baseline masks give the tokens the run-time choice gave (AVX2 on a CPU
        // that has it).
        let mut baseline = Vec::new();
        tokenize_with(
            text,
            &mut Vec::new(),
            Emit(|t: Token<'_>| baseline.push((t.bytes.to_vec(), t.span))),
            Baseline,
        );
        assert_eq!(baseline, out, "{text:?}");
        out
    }

    proptest::proptest! {
        /// The fast path gives the naive twin's tokens and spans, on text mixing ASCII words,
        /// capitals, accents, combining marks, Han, Hangul, emoji and punctuation.
        #[test]
        fn fast_path_agrees_with_naive(text in "([a-zA-Z0-9_]{1,20}|[ ,.;!?'\\-]{1,3}|[éÉßİ\u{301}ΣЖ]|[中文，。한국]|😀|\\PC){0,40}") {
            proptest::prop_assert_eq!(fast_tokens(&text), naive_tokens(&text));
        }

        /// The same on ASCII text alone, where whole windows take the fast path: words of any
        /// length up to past a window's, across window ends.
        #[test]
        fn ascii_fast_path_agrees_with_naive(text in "([a-zA-Z0-9_]{1,70}|[ ,.;!?'\\-]{1,3}){0,60}") {
            proptest::prop_assert_eq!(fast_tokens(&text), naive_tokens(&text));
        }

        /// The same on long runs of three-byte characters (read past a window's end): Han in
        /// and out of the Unified Ideographs, Kana, Hangul, CJK punctuation, Thai (letters of
        /// words), mixed with ASCII, accents and emoji.
        #[test]
        fn cjk_runs_agree_with_naive(text in "([中文国人的一是丂䶵鿿豈]{1,90}|[かナ한국]{1,20}|[，。、「」]|[กข]{1,5}|[a-zA-Z0-9]{1,8}| |é|😀){0,40}") {
            proptest::prop_assert_eq!(fast_tokens(&text), naive_tokens(&text));
        }

        /// The same on ASCII text with a non-ASCII character here and there (read around in
        /// the windows that hold few): quotes and dashes between words, accents inside them
        /// or at their ends, a combining mark, a Han character, across window ends.
        #[test]
        fn sparse_non_ascii_agrees_with_naive(text in "([a-zA-Z0-9_]{1,30}|[ ,.;'\\-]{1,3}|[a-z]{1,40} |[’—é\u{301}中€]){0,80}") {
            proptest::prop_assert_eq!(fast_tokens(&text), naive_tokens(&text));
        }
    }

    /// Words and capitalized words as `word_case` documents them: `split_whitespace`'s words,
    /// and those whose first character `char::is_uppercase`.
    fn naive_word_case(s: &str) -> (u32, u32) {
        let words = s.split_whitespace().count() as u32;
        let caps = s
            .split_whitespace()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count() as u32;
        (words, caps)
    }

    proptest::proptest! {
        /// Words and capitals as `split_whitespace` counts them, across 64-byte windows.
        #[test]
        fn word_case_agrees_with_split_whitespace(s in "([A-Za-z]{1,9}|[ \t\n]{1,3}|[\u{a0}\u{3000}\u{85}]|[ÉéΣσ中]|[.,(])*") {
            proptest::prop_assert_eq!(word_case(&s), naive_word_case(&s));
            proptest::prop_assert_eq!(word_case_with(&s, Baseline), naive_word_case(&s));
        }

        /// The same on long lines, mostly ASCII: words and spaces across 64-byte windows, a
        /// non-ASCII character now and then.
        #[test]
        fn word_case_agrees_on_long_lines(s in "([A-Za-z]{1,20}|[ \t\n]{1,3}|[a-z.,]{1,5}|[\u{a0}É中]){0,80}") {
            proptest::prop_assert_eq!(word_case(&s), naive_word_case(&s));
            proptest::prop_assert_eq!(word_case_with(&s, Baseline), naive_word_case(&s));
        }
    }

    #[test]
    fn fast_path_agrees_with_naive_on_the_sample_corpus() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample.jsonl");
        let sample = std::fs::read_to_string(path).expect("corpora/sample.jsonl is committed");
        let fields = crate::io::FieldNames::default();
        for line in sample.lines() {
            let record = crate::io::parse_record(line.as_bytes(), &fields).expect("the sample parses");
            assert_eq!(fast_tokens(&record.text), naive_tokens(&record.text));
        }
    }

    #[test]
    fn unified_ideographs_are_told_by_two_bytes_and_are_single() {
        for code in 0x0800..0x10000u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            let expected = (0x4E00..=0x9FFF).contains(&code);
            assert_eq!(is_unified_ideograph(bytes[0], bytes[1]), expected, "U+{code:04X}");
            if expected {
                assert!(matches!(classify_slow(c), CharClass::Single), "U+{code:04X}");
            }
        }
    }

    #[test]
    fn the_class_table_agrees_with_unicode() {
        for code in 0..0x10000u32 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(
                    std::mem::discriminant(&classify(c)),
                    std::mem::discriminant(&classify_slow(c)),
                    "{code:#x}"
                );
            }
        }
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "Café, ÉCOLE x中文 long_word_of_more_than_sixteen_bytes";
        let spans: Vec<&str> = fast_tokens(text).into_iter().map(|(_, s)| &text[s]).collect();
        assert_eq!(
            spans,
            ["Café", "ÉCOLE", "x", "中", "文", "long_word_of_more_than_sixteen_bytes"]
        );
    }

    #[test]
    fn ascii_words_are_lowercased_and_split_on_punctuation() {
        assert_eq!(
            tokens("Kazakhstan's oil-pipeline, CUT off!  (30 days)"),
            ["kazakhstan", "s", "oil", "pipeline", "cut", "off", "30", "days"]
        );
    }

    #[test]
    fn unicode_lowercase_and_accents() {
        assert_eq!(tokens("ÉCOLE Straße ΣΟΦΙΑ"), ["école", "straße", "σοφια"]);
        // A combining acute accent stays inside its word.
        assert_eq!(tokens("cafe\u{301} au lait"), ["cafe\u{301}", "au", "lait"]);
    }

    #[test]
    fn han_kana_hangul_are_single_tokens() {
        assert_eq!(tokens("俄罗斯，切断"), ["俄", "罗", "斯", "切", "断"]);
        assert_eq!(tokens("東京タワー"), ["東", "京", "タ", "ワ", "ー"]);
        assert_eq!(tokens("한국 news"), ["한", "국", "news"]);
        assert_eq!(tokens("abc中文def"), ["abc", "中", "文", "def"]);
    }

    #[test]
    fn separators_only_give_no_tokens() {
        assert!(tokens("  ... —— !!! 😀 ").is_empty());
        assert!(tokens("").is_empty());
    }

    #[test]
    fn normalize_joins_tokens() {
        assert_eq!(normalize("  Hello,   WORLD!\n\tGood-bye. "), "hello world good bye");
    }

    #[test]
    fn short_token_hashes_are_distinct() {
        // Every token of up to two letters or digits, and a few longer ones that share loads.
        let alphabet: Vec<u8> = (b'a'..=b'z').chain(b'0'..=b'9').collect();
        let mut tokens: Vec<Vec<u8>> = alphabet.iter().map(|&a| vec![a]).collect();
        for &a in &alphabet {
            for &b in &alphabet {
                tokens.push(vec![a, b]);
                tokens.push(vec![a, b, a]);
                tokens.push(vec![a, a, b]);
            }
        }
        for t in [
            "abcdefgh",
            "abcdefghi",
            "abcdefgha",
            "bbcdefgh",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "中",
            "文",
        ] {
            tokens.push(t.as_bytes().to_vec());
        }
        let hashes: std::collections::BTreeSet<u64> = tokens.iter().map(|t| token_hash(t)).collect();
        let distinct: std::collections::BTreeSet<&Vec<u8>> = tokens.iter().collect();
        assert_eq!(hashes.len(), distinct.len());
    }

    #[test]
    fn hashes_follow_tokens() {
        let mut buf = Vec::new();
        let mut hashes = Vec::new();
        token_hashes_into("Alpha beta, ALPHA", &mut buf, &mut hashes);
        assert_eq!(hashes.len(), 3);
        assert_eq!(hashes[0], hashes[2]);
        assert_ne!(hashes[0], hashes[1]);
        assert_eq!(hashes[1], token_hash(b"beta"));
    }
}
