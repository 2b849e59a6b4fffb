//! Blocks: the lines of a text as byte ranges, and the facts `clean` decides on.
//!
//! A *block* is one non-blank line with its surrounding whitespace trimmed; its span is a
//! range of UTF-8 byte offsets into the text. Scraped text puts one visual block (heading,
//! paragraph, menu entry) per line, and a paragraph that wraps over several lines is rare
//! enough in crawls that lines are the unit: they are what sites repeat.
//!
//! [`BlockFacts`] are computed from the block's tokens (the same tokens the signature uses):
//! a hash of the normalized block, the same with digits masked (its *shape*), and the counts
//! the prose test reads.

use std::ops::Range;

use memchr::memchr_iter;

use crate::text::{for_each_token, is_cjk_token_char, token_hash};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// One line of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Byte range of the trimmed line in the text.
    pub span: Range<usize>,
    /// A blank line separates this block from the one before it.
    pub blank_before: bool,
}

/// Split `text` into its non-blank lines, trimmed of whitespace.
pub fn segment(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut start = 0;
    let mut blank_before = false;
    let ends = memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let line = &text[start..end];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            blank_before = !blocks.is_empty();
        } else {
            let lead = line.len() - line.trim_start().len();
            let s = start + lead;
            blocks.push(Block {
                span: s..s + trimmed.len(),
                blank_before,
            });
            blank_before = false;
        }
        start = (end + 1).min(text.len());
    }
    blocks
}

/// What the cleaner knows of one block's words.
#[derive(Clone, Debug, Default)]
pub struct BlockFacts {
    /// Stable hash of the normalized block (its token sequence); 0 for a block without tokens.
    pub hash: u64,
    /// The same with every run of ASCII digits masked, so templated lines (dates, counts) agree.
    pub shape: u64,
    /// Number of tokens.
    pub tokens: u32,
    /// Tokens that hold a digit.
    pub digit_tokens: u32,
    /// Han, Kana or Hangul tokens.
    pub cjk_tokens: u32,
    /// Characters in the block (not bytes).
    pub chars: u32,
    /// The block ends like a sentence (`.`, `!`, `?`, `。`, … possibly before a closing quote).
    pub sentence_end: bool,
    /// Menu separators (`|`, `»`, `·`, `•`, `›`) standing between words.
    pub separators: u32,
}

/// Caller-owned buffers for [`facts_into`].
#[derive(Default)]
pub struct TokenScratch {
    buf: Vec<u8>,
    /// The normalized block: its tokens joined by single spaces.
    norm: Vec<u8>,
    /// The same with each run of digits as one `0`.
    shape: Vec<u8>,
}

/// The seed of block and shape hashes (XXH3-64 of the normalized block). Part of the saved
/// profile format.
pub const BLOCK_SEED: u64 = 0x424c_4f43_4b31_3131; // "BLOCK111"

/// Append `token` to the normalized block and its shape; `has_digit` says whether it holds
/// an ASCII digit (a token without one is its own shape).
#[inline]
fn push_norm(norm: &mut Vec<u8>, shape: &mut Vec<u8>, token: &[u8], has_digit: bool) {
    if !norm.is_empty() {
        norm.push(b' ');
        shape.push(b' ');
    }
    norm.extend_from_slice(token);
    if !has_digit {
        shape.extend_from_slice(token);
        return;
    }
    for (i, &b) in token.iter().enumerate() {
        if !b.is_ascii_digit() {
            shape.push(b);
        } else if i == 0 || !token[i - 1].is_ascii_digit() {
            shape.push(b'0');
        }
    }
}

/// The block's hash and shape hash (as [`facts_into`] computes them), or `None` for a block
/// without tokens. ASCII blocks take a byte loop that hashes no token on its own: the learning
/// pass needs only these keys for most blocks.
pub fn block_keys(block: &str, scratch: &mut TokenScratch) -> Option<(u64, u64)> {
    let TokenScratch { buf, norm, shape } = scratch;
    norm.clear();
    shape.clear();
    if block.is_ascii() {
        let mut in_token = false;
        let mut prev_digit = false;
        for &b in block.as_bytes() {
            match crate::text::ascii_word_byte(b) {
                Some(lower) => {
                    if !in_token && !norm.is_empty() {
                        norm.push(b' ');
                        shape.push(b' ');
                    }
                    let digit = lower.is_ascii_digit();
                    norm.push(lower);
                    if !digit {
                        shape.push(lower);
                    } else if !(in_token && prev_digit) {
                        shape.push(b'0');
                    }
                    in_token = true;
                    prev_digit = digit;
                }
                None => in_token = false,
            }
        }
    } else {
        for_each_token(block, buf, |token| {
            push_norm(norm, shape, token, token.iter().any(u8::is_ascii_digit))
        });
    }
    (!norm.is_empty()).then(|| {
        (
            xxh3_64_with_seed(norm, BLOCK_SEED),
            xxh3_64_with_seed(shape, BLOCK_SEED),
        )
    })
}

/// Compute the facts of `block` and append its token hashes to `tokens`.
pub fn facts_into(block: &str, scratch: &mut TokenScratch, tokens: &mut Vec<u64>) -> BlockFacts {
    let start = tokens.len();
    let TokenScratch { buf, norm, shape } = scratch;
    norm.clear();
    shape.clear();
    // The normalized forms are about as long as the block: grow once, not per token.
    norm.reserve(block.len());
    shape.reserve(block.len());
    tokens.reserve(block.len() / 4);
    let mut digit_tokens = 0;
    let mut cjk_tokens = 0;
    for_each_token(block, buf, |token| {
        tokens.push(token_hash(token));
        let has_digit = token.iter().any(u8::is_ascii_digit);
        push_norm(norm, shape, token, has_digit);
        if has_digit {
            digit_tokens += 1;
        } else if token.len() >= 3
            && token[0] >= 0xE0
            && std::str::from_utf8(token).is_ok_and(|t| t.chars().all(is_cjk_token_char))
        {
            // A CJK token is one character of three or four bytes (lead byte 0xE0 or more).
            cjk_tokens += 1;
        }
    });
    let own = &tokens[start..];
    let (hash, shape) = if own.is_empty() {
        (0, 0)
    } else {
        (
            xxh3_64_with_seed(norm, BLOCK_SEED),
            xxh3_64_with_seed(shape, BLOCK_SEED),
        )
    };
    BlockFacts {
        hash,
        shape,
        tokens: own.len() as u32,
        digit_tokens,
        cjk_tokens,
        chars: block.chars().count() as u32,
        sentence_end: ends_like_sentence(block),
        separators: count_separators(block),
    }
}

/// Could `bytes` hold a separator mark (menu or affix)? A few vectorized scans that most
/// prose lines pass without a hit, instead of visiting every space.
pub(crate) fn may_hold_marks(bytes: &[u8]) -> bool {
    memchr::memchr3(b'|', b'-', b'/', bytes).is_some()
        || memchr::memchr3(b'_', b':', b'>', bytes).is_some()
        || memchr::memchr2(0xC2, 0xE2, bytes).is_some()
}

/// Does `block` end like a sentence? Closing quotes and brackets after the mark are allowed.
pub fn ends_like_sentence(block: &str) -> bool {
    let closing = |c: char| matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）');
    let rest = block.trim_end().trim_end_matches(closing);
    rest.ends_with(['.', '!', '?', '…', '。', '！', '？', '．'])
}

/// Count menu separators that stand between words (`Home | World | Sports` has two): a
/// space, a mark, and a space or the end of the block.
fn count_separators(block: &str) -> u32 {
    const MARKS: &[&str] = &["|", "»", "·", "•", "›", "/", "-", "–", ">", "::"];
    let bytes = block.as_bytes();
    if !may_hold_marks(bytes) {
        return 0;
    }
    memchr_iter(b' ', bytes)
        .filter(|&i| {
            let after = &bytes[i + 1..];
            MARKS
                .iter()
                .any(|m| after.starts_with(m.as_bytes()) && after.get(m.len()).is_none_or(|&b| b == b' '))
        })
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_spans_with_blank_line_marks() {
        let text = "  Title \n\nfirst para\nsecond\r\n\n\n  \nlast";
        let blocks = segment(text);
        let texts: Vec<&str> = blocks.iter().map(|b| &text[b.span.clone()]).collect();
        assert_eq!(texts, ["Title", "first para", "second", "last"]);
        let blanks: Vec<bool> = blocks.iter().map(|b| b.blank_before).collect();
        assert_eq!(blanks, [false, true, false, true]);
        assert!(segment("").is_empty());
        assert!(segment("\n \n\t").is_empty());
    }

    proptest::proptest! {
        /// The byte loop for ASCII blocks and the token path agree on every key.
        #[test]
        fn block_keys_agree_with_facts(block in "[ -~]{0,60}|[a-zA-Z0-9 ,.:/|_-]{0,80}") {
            let mut scratch = TokenScratch::default();
            let mut tokens = Vec::new();
            let f = facts_into(&block, &mut scratch, &mut tokens);
            let keys = block_keys(&block, &mut scratch);
            proptest::prop_assert_eq!(keys, (f.tokens > 0).then_some((f.hash, f.shape)));
        }
    }

    #[test]
    fn facts_mask_digits_and_see_sentences() {
        let mut scratch = TokenScratch::default();
        let mut tokens = Vec::new();
        let a = facts_into("2024/06/18 06:40 military 1983", &mut scratch, &mut tokens);
        let b = facts_into("2023/11/02 17:12 military 77", &mut scratch, &mut tokens);
        assert_ne!(a.hash, b.hash);
        assert_eq!(a.shape, b.shape);
        assert_eq!((a.tokens, a.digit_tokens), (7, 6));
        assert!(!a.sentence_end);
        let s = facts_into("He said: \"It is over.\"", &mut scratch, &mut tokens);
        assert!(s.sentence_end);
        assert_eq!(s.hash, facts_into("he SAID it is over", &mut scratch, &mut tokens).hash);
        assert_eq!(
            facts_into("Home | World | Sports", &mut scratch, &mut tokens).separators,
            2
        );
        assert_eq!(facts_into("— | —", &mut scratch, &mut tokens).tokens, 0);
        assert!(ends_like_sentence("他说。"));
    }
}
