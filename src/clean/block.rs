//! Blocks: the lines of a text as byte ranges, the page's tokens, and the facts `clean`
//! decides on.
//!
//! A *block* is one non-blank line with its surrounding whitespace trimmed; its span is a
//! range of UTF-8 byte offsets into the text. Scraped text puts one visual block (heading,
//! paragraph, menu entry) per line, and a paragraph that wraps over several lines is rare
//! enough in crawls that lines are the unit: they are what sites repeat.
//!
//! A page is tokenized once ([`PageText::analyze`]): every token's hash, shape hash, span and
//! kind, and each block's range of tokens. Every step (learning, affixes, headline, chrome)
//! reads these; the part of a block left after an affix or markup is cut off (always at
//! whitespace) is a subrange of its tokens ([`Part`]), so nothing is tokenized twice.
//! [`BlockFacts`] are computed from a part's tokens: a hash of the token sequence, the same
//! with digits masked (its *shape*), and the counts the prose test reads.

use std::ops::Range;

use memchr::memchr_iter;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::shingle::Fold;
use crate::text::{push_lower, token_hash, tokenize_into, Lanes, Token, TokenKind, TokenSink};

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
    segment_and_mark(text, &mut blocks, &mut Vec::new());
    blocks
}

/// [`segment`] into a caller's buffer, and where the page's separators may be: the bytes of
/// `text` that may start a mark and follow a space, ascending, into `marks` (both cleared
/// first). One vectorized pass over the page finds the line ends and the marks; few bytes
/// are marks.
fn segment_and_mark(text: &str, blocks: &mut Vec<Block>, marks: &mut Vec<usize>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(lanes) = crate::text::Avx2::detect() {
        // SAFETY: `lanes` exists, so the CPU has AVX2.
        return unsafe { segment_and_mark_avx2(text, blocks, marks, lanes) };
    }
    segment_and_mark_with(text, blocks, marks, crate::text::Baseline);
}

/// [`segment_and_mark_with`] built with AVX2 enabled.
///
/// # Safety
/// The CPU must have the features of [`crate::text::Avx2`] (as `lanes` proves).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn segment_and_mark_avx2(text: &str, blocks: &mut Vec<Block>, marks: &mut Vec<usize>, lanes: crate::text::Avx2) {
    segment_and_mark_with(text, blocks, marks, lanes);
}

/// [`segment_and_mark`] with the window masks of `lanes`.
#[inline(always)]
fn segment_and_mark_with(text: &str, blocks: &mut Vec<Block>, marks: &mut Vec<usize>, lanes: impl Lanes) {
    blocks.clear();
    marks.clear();
    let bytes = text.as_bytes();
    let mut line_start = 0;
    let mut blank_before = false;
    // Bit 0: the byte before the window is a space.
    let mut carry = 0u64;
    for base in (0..bytes.len()).step_by(64) {
        let m = lanes.page_masks(bytes, base);
        let mut hits = m.marks & ((m.spaces << 1) | carry);
        while hits != 0 {
            marks.push(base + hits.trailing_zeros() as usize);
            hits &= hits - 1;
        }
        carry = m.spaces >> 63;
        let mut ends = m.newlines;
        while ends != 0 {
            let end = base + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            push_line(text, line_start..end, blocks, &mut blank_before);
            line_start = end + 1;
        }
    }
    push_line(text, line_start.min(text.len())..text.len(), blocks, &mut blank_before);
}

/// Push the line `line` of `text` as a block, trimmed, unless it is blank; `blank_before`
/// says whether a blank line came since the last block.
#[inline(always)]
fn push_line(text: &str, line: Range<usize>, blocks: &mut Vec<Block>, blank_before: &mut bool) {
    // Whether a byte is one that `str::trim` keeps at an end: ASCII and not white space
    // (tab to carriage return, vertical tab included, and space; a non-ASCII end is left to
    // `trim`, which knows Unicode's spaces).
    let solid = |b: u8| b.is_ascii() && !matches!(b, b' ' | 0x09..=0x0D);
    let bytes = &text.as_bytes()[line.clone()];
    let (lead, len) = match (bytes.first(), bytes.last()) {
        (None, _) | (_, None) => (0, 0),
        // Most lines need no trimming; `trim` reads characters from both ends.
        (Some(&first), Some(&last)) if solid(first) && solid(last) => (0, bytes.len()),
        (Some(&first), Some(&last)) => {
            let s = &text[line.clone()];
            let lead = match solid(first) {
                true => 0,
                false => s.len() - s.trim_start().len(),
            };
            let rest = &s[lead..];
            (lead, if solid(last) { rest.len() } else { rest.trim_end().len() })
        }
    };
    if len == 0 {
        *blank_before = !blocks.is_empty();
    } else {
        let s = line.start + lead;
        blocks.push(Block {
            span: s..s + len,
            blank_before: *blank_before,
        });
        *blank_before = false;
    }
}

/// The seed of block and shape hashes (a [`Fold`] of the block's token hashes, or of their
/// shapes). Part of the saved profile format.
pub const BLOCK_SEED: u64 = 0x424c_4f43_4b33_3333; // "BLOCK333"

/// Every token of a page, in text order: hashes in one array (the steps read them as
/// slices), the rest beside them.
#[derive(Default, Debug)]
pub(crate) struct Tokens {
    /// Token hashes ([`token_hash`]).
    pub hash: Vec<u64>,
    /// Everything else of each token.
    pub meta: Vec<TokenMeta>,
}

/// Blocks of at least this many bytes are counted in site profiles by their exact bytes
/// ([`Part::site_keys`]). Part of the saved profile format.
pub const LONG_KEY_BYTES: usize = 256;

/// A page's second copy key is made of its paragraphs of this many bytes or more
/// ([`PageText::paragraphs`]).
const SHORT_PARAGRAPH_BYTES: usize = 64;

/// The seed of the hash of a long block's bytes. Part of the saved profile format.
const LONG_KEY_SEED: u64 = 0x4c4f_4e47_4b45_5934; // "LONGKEY4"

/// A token beyond its hash (16 bytes: the cleaner writes one per token of every page, twice
/// per run, so its size is felt).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenMeta {
    /// Byte offset of the token's first byte.
    pub start: usize,
    /// Its length in bytes, to the end of its last character (a token longer than 4 GiB
    /// would need a text longer than that without a separator: its end is clamped).
    len: u32,
    pub kind: TokenKind,
}

impl TokenMeta {
    /// Byte offset of the end of the token's last character.
    #[inline]
    pub(crate) fn end(&self) -> usize {
        self.start + self.len as usize
    }
}

impl Tokens {
    fn clear(&mut self) {
        self.hash.clear();
        self.meta.clear();
    }

    /// Append the tokens of `text`, a slice of the page's text that starts at byte `at`.
    fn push_text(&mut self, text: &str, at: usize, buf: &mut Vec<u8>) {
        tokenize_into(text, buf, At { tokens: self, at });
    }

    /// The tokens of `range` that lie within `span` (a part of their block cut at whitespace,
    /// so no token straddles its ends).
    pub(crate) fn within(&self, range: Range<usize>, span: &Range<usize>) -> Range<usize> {
        let (mut lo, mut hi) = (range.start, range.end);
        while lo < hi && self.meta[lo].start < span.start {
            lo += 1;
        }
        while hi > lo && self.meta[hi - 1].end() > span.end {
            hi -= 1;
        }
        lo..hi
    }
}

/// [`Tokens`] taking the tokens of a slice of the text that starts at byte `at`.
struct At<'a> {
    tokens: &'a mut Tokens,
    at: usize,
}

impl TokenSink for At<'_> {
    #[inline(always)]
    fn token(&mut self, token: Token<'_>) {
        let len = u32::try_from(token.span.len()).unwrap_or(u32::MAX);
        self.tokens.hash.push(token.hash);
        self.tokens.meta.push(TokenMeta {
            start: self.at + token.span.start,
            len,
            kind: token.kind,
        });
    }
}

/// The site keys of a block's tokens, folded as the tokenizer finds them (the same values as
/// [`Part::keys`] of the tokens kept: the same folds, the same shapes).
struct FoldKeys<'a> {
    text: &'a str,
    /// Where the tokenized slice starts in `text`.
    at: usize,
    hash: Fold,
    shape: Fold,
    tokens: u32,
}

impl TokenSink for &mut FoldKeys<'_> {
    #[inline(always)]
    fn token(&mut self, token: Token<'_>) {
        self.hash.push(token.hash);
        let shape = match token.kind {
            TokenKind::WordWithDigit => {
                let meta = TokenMeta {
                    start: self.at + token.span.start,
                    len: u32::try_from(token.span.len()).unwrap_or(u32::MAX),
                    kind: token.kind,
                };
                shape_hash(self.text, &meta, token.hash)
            }
            _ => token.hash,
        };
        self.shape.push(shape);
        self.tokens += 1;
    }
}

/// The shape hash of a token of `text` (its hash with each run of ASCII digits written as one
/// `0`; the token's own `hash` when it has no digit), so templated lines (dates, counts)
/// agree. Only tokens with digits are read again, lowercased as the tokenizer does.
#[inline]
fn shape_hash(text: &str, meta: &TokenMeta, hash: u64) -> u64 {
    if meta.kind != TokenKind::WordWithDigit {
        return hash;
    }
    let token = &text[meta.start..meta.end()];
    let mut small = [0u8; 32];
    if token.len() <= small.len() && token.is_ascii() {
        let mut n = 0;
        let mut digits = false;
        for &b in token.as_bytes() {
            let digit = b.is_ascii_digit();
            if !(digit && digits) {
                small[n] = if digit { b'0' } else { b.to_ascii_lowercase() };
                n += 1;
            }
            digits = digit;
        }
        return token_hash(&small[..n]);
    }
    let mut masked = Vec::with_capacity(token.len());
    let mut digits = false;
    for c in token.chars() {
        match c {
            '0'..='9' if digits => {}
            '0'..='9' => masked.push(b'0'),
            _ if c.is_ascii() => masked.push(c.to_ascii_lowercase() as u8),
            _ => push_lower(&mut masked, c),
        }
        digits = c.is_ascii_digit();
    }
    token_hash(&masked)
}

/// A page's blocks and tokens, computed once per page into reused buffers.
#[derive(Default, Debug)]
pub(crate) struct PageText {
    pub blocks: Vec<Block>,
    /// The token range of each block.
    pub ranges: Vec<Range<usize>>,
    pub tokens: Tokens,
    /// Affix separators (` - `, ` | `, …) of every block as (byte offset, length), and each
    /// block's range of them.
    separators: Vec<(usize, usize)>,
    separator_ranges: Vec<Range<usize>>,
    /// Each block's count of menu separators ([`BlockFacts::separators`]).
    menus: Vec<u32>,
    /// Each block's site keys when [`PageText::analyze_for_keys`] folded them from its
    /// tokens as they were found, without keeping the tokens (`None` for every other block).
    folded: Vec<Option<(u64, u64)>>,
    /// Where the page's separator marks may be ([`segment_and_mark`]).
    marks: Vec<usize>,
    buf: Vec<u8>,
}

impl PageText {
    /// Segment and tokenize `text`, replacing what the buffers held.
    pub(crate) fn analyze(&mut self, text: &str) {
        segment_and_mark(text, &mut self.blocks, &mut self.marks);
        self.folded.clear();
        self.tokens.clear();
        self.tokens.push_text(text, 0, &mut self.buf);
        // Tokens never cross a line end, and blank lines hold none: each is in one block.
        self.ranges.clear();
        self.separators.clear();
        self.separator_ranges.clear();
        self.menus.clear();
        let mut next_mark = 0;
        let mut t = 0;
        for b in &self.blocks {
            let first = t;
            t += self.tokens.meta[t..].partition_point(|m| m.start < b.span.end);
            self.ranges.push(first..t);
            let from = self.separators.len();
            let menus = scan_separators(text, b.span.clone(), &self.marks, &mut next_mark, &mut self.separators);
            self.separator_ranges.push(from..self.separators.len());
            self.menus.push(menus);
        }
    }

    /// What learning needs of `text` when it does not count the page's words: its blocks and
    /// separators, and the tokens of only the blocks whose site key is made of tokens (those
    /// shorter than [`LONG_KEY_BYTES`]) or that may have an affix (a separator). The other
    /// blocks get an empty token range; their key is [`Part::site_keys`]' hash of their bytes.
    /// Tokens of a block are those [`PageText::analyze`] finds (tokens never cross a line).
    pub(crate) fn analyze_for_keys(&mut self, text: &str) {
        segment_and_mark(text, &mut self.blocks, &mut self.marks);
        self.tokens.clear();
        self.ranges.clear();
        self.separators.clear();
        self.separator_ranges.clear();
        self.menus.clear();
        self.folded.clear();
        let mut next_mark = 0;
        for b in &self.blocks {
            let from = self.separators.len();
            let menus = scan_separators(text, b.span.clone(), &self.marks, &mut next_mark, &mut self.separators);
            self.separator_ranges.push(from..self.separators.len());
            self.menus.push(menus);
            let first = self.tokens.hash.len();
            let mut folded = None;
            if self.separators.len() > from {
                // An affix candidate: its tokens are read again.
                self.tokens
                    .push_text(&text[b.span.clone()], b.span.start, &mut self.buf);
            } else if b.span.len() < LONG_KEY_BYTES {
                // Only its keys are read: folded as the tokens come, none kept.
                let mut keys = FoldKeys {
                    text,
                    at: b.span.start,
                    hash: Fold::new(BLOCK_SEED),
                    shape: Fold::new(BLOCK_SEED),
                    tokens: 0,
                };
                tokenize_into(&text[b.span.clone()], &mut self.buf, &mut keys);
                folded = (keys.tokens > 0).then(|| (keys.hash.finish(), keys.shape.finish()));
            }
            self.folded.push(folded);
            self.ranges.push(first..self.tokens.hash.len());
        }
    }

    /// The keys the site profile counts block `b` of `text` by ([`Part::site_keys`]), after
    /// either analysis; `None` for a block without tokens (short of [`LONG_KEY_BYTES`]).
    pub(crate) fn site_keys(&self, text: &str, b: usize) -> Option<(u64, u64)> {
        if let Some(keys) = self.folded.get(b).copied().flatten() {
            return Some(keys);
        }
        let part = self.block(text, b);
        (!part.range.is_empty() || part.span.len() >= LONG_KEY_BYTES).then(|| part.site_keys())
    }

    /// Does block `b` have site keys ([`PageText::site_keys`] is `Some`), after either analysis?
    fn keyed(&self, b: usize) -> bool {
        self.folded.get(b).is_some_and(Option::is_some)
            || !self.ranges[b].is_empty()
            || self.blocks[b].span.len() >= LONG_KEY_BYTES
    }

    /// The blocks of the page's paragraphs, in order: runs of keyed blocks that read as one
    /// paragraph ([`continues_paragraph`]: one line, or lines wrapped at a fixed width) and
    /// end like a sentence, of [`LONG_KEY_BYTES`] or more in all into `long`, of
    /// [`SHORT_PARAGRAPH_BYTES`] or more into `short` (the long ones too); for a page without
    /// any, its keyed lines of [`SHORT_PARAGRAPH_BYTES`] or more into `short`. What a page's
    /// copy keys are made of; the same after either analysis.
    pub(crate) fn paragraphs(&self, text: &str, long: &mut Vec<usize>, short: &mut Vec<usize>) {
        long.clear();
        short.clear();
        // The run being read (consecutive blocks), its bytes, and whether its last block ends
        // like a sentence.
        let (mut run, mut bytes, mut ends) = (0..0, 0, false);
        let mut close = |run: Range<usize>, bytes: usize, ends: bool| {
            if ends && bytes >= SHORT_PARAGRAPH_BYTES {
                short.extend(run.clone());
                if bytes >= LONG_KEY_BYTES {
                    long.extend(run);
                }
            }
        };
        for (b, block) in self.blocks.iter().enumerate() {
            if !self.keyed(b) {
                close(std::mem::replace(&mut run, b + 1..b + 1), bytes, ends);
                continue;
            }
            let line = &text[block.span.clone()];
            let joins = !run.is_empty()
                && !block.blank_before
                && continues_paragraph(&text[self.blocks[b - 1].span.clone()], ends, line);
            if !joins {
                close(std::mem::replace(&mut run, b..b), bytes, ends);
                bytes = 0;
            }
            run.end = b + 1;
            bytes += line.len();
            ends = ends_like_paragraph(line);
        }
        close(run, bytes, ends);
        if short.is_empty() {
            // A page without a paragraph (a gallery's captions, a table of results): its
            // lines of that length stand for its paragraphs.
            short.extend(
                (0..self.blocks.len()).filter(|&b| self.keyed(b) && self.blocks[b].span.len() >= SHORT_PARAGRAPH_BYTES),
            );
        }
    }

    /// Block `b` as a [`Part`] of `text`.
    pub(crate) fn block<'a>(&'a self, text: &'a str, b: usize) -> Part<'a> {
        Part {
            text,
            span: self.blocks[b].span.clone(),
            tokens: &self.tokens,
            range: self.ranges[b].clone(),
            separators: &self.separators[self.separator_ranges[b].clone()],
            menus: Some(self.menus[b]),
        }
    }
}

/// Find the separators of one block (span `block` of `text`): push its affix separators
/// onto `out` and return its count of menu separators. A separator is a space, a mark and a
/// space: only the page's mark candidates ([`segment_and_mark`], from `*next` on; blocks come
/// in order, and `*next` is advanced past this one's) are checked. The same as
/// [`count_separators`] and [`affix_separators`] on the block's text, a test checks.
fn scan_separators(
    text: &str,
    block: Range<usize>,
    candidates: &[usize],
    next: &mut usize,
    out: &mut Vec<(usize, usize)>,
) -> u32 {
    let bytes = &text.as_bytes()[block.clone()];
    // A mark at the block's first byte follows a space outside it.
    while candidates.get(*next).is_some_and(|&at| at <= block.start) {
        *next += 1;
    }
    let mut menus = 0;
    while let Some(&at) = candidates.get(*next).filter(|&&at| at < block.end) {
        *next += 1;
        let i = at - 1 - block.start;
        if let Some(len) = separator_at(bytes, i) {
            out.push((block.start + i, len));
        }
        menus += u32::from(is_menu_separator(bytes, i));
    }
    menus
}

/// A block, or the part of one left after its ends are cut, with its tokens.
#[derive(Clone, Debug)]
pub(crate) struct Part<'a> {
    /// The whole text of the page.
    pub text: &'a str,
    pub span: Range<usize>,
    pub tokens: &'a Tokens,
    /// The part's tokens: a range of `tokens`.
    pub range: Range<usize>,
    /// The affix separators of the part's block (those inside `span` are the part's).
    pub separators: &'a [(usize, usize)],
    /// The part's count of menu separators, when known (the whole block's).
    pub menus: Option<u32>,
}

impl<'a> Part<'a> {
    /// The part's text.
    pub(crate) fn str(&self) -> &'a str {
        &self.text[self.span.clone()]
    }

    /// The part of this one within `span` (cut at whitespace).
    pub(crate) fn narrow(&self, span: Range<usize>) -> Part<'a> {
        if span == self.span {
            return self.clone();
        }
        Part {
            range: self.tokens.within(self.range.clone(), &span),
            span,
            menus: None,
            ..self.clone()
        }
    }

    /// The part's affix separators, left to right, as (byte offset, length).
    pub(crate) fn affix_separators(&self) -> impl DoubleEndedIterator<Item = (usize, usize)> + '_ {
        let span = self.span.clone();
        self.separators
            .iter()
            .copied()
            .filter(move |&(at, len)| at >= span.start && at + len <= span.end)
    }

    /// The part's token hashes.
    pub(crate) fn hashes(&self) -> &'a [u64] {
        &self.tokens.hash[self.range.clone()]
    }

    /// The part's key and the key of its shape (its tokens with digits masked), as
    /// [`BlockFacts::hash`] and [`BlockFacts::shape`]: both folds in one loop, so that their
    /// multiply chains run side by side.
    pub(crate) fn keys(&self) -> (u64, u64) {
        let meta = &self.tokens.meta[self.range.clone()];
        self.keys_given(meta.iter().any(|m| m.kind == TokenKind::WordWithDigit))
    }

    /// [`Part::keys`], told whether a token of the part holds a digit.
    fn keys_given(&self, digits: bool) -> (u64, u64) {
        let meta = &self.tokens.meta[self.range.clone()];
        if meta.is_empty() {
            return (0, 0);
        }
        if !digits {
            // Without a digit, every token is its own shape: one fold gives both keys.
            let key = self.hash();
            return (key, key);
        }
        let (mut hash, mut shape) = (Fold::new(BLOCK_SEED), Fold::new(BLOCK_SEED));
        for (&h, m) in self.hashes().iter().zip(meta) {
            hash.push(h);
            shape.push(shape_hash(self.text, m, h));
        }
        (hash.finish(), shape.finish())
    }

    /// The part's key alone ([`BlockFacts::hash`]).
    fn hash(&self) -> u64 {
        if self.range.is_empty() {
            return 0;
        }
        let mut hash = Fold::new(BLOCK_SEED);
        for &h in self.hashes() {
            hash.push(h);
        }
        hash.finish()
    }

    /// The keys the site profile counts the part by: [`Part::keys`], or for a part of
    /// [`LONG_KEY_BYTES`] or more a hash of its exact bytes (for both: a long block's
    /// templated digits are not counted apart). A site reprints its long blocks (teasers,
    /// footers, a blog's front page) byte for byte, and learning need not tokenize them.
    pub(crate) fn site_keys(&self) -> (u64, u64) {
        self.long_key().unwrap_or_else(|| self.keys())
    }

    /// [`Part::site_keys`] given the part's facts (its keys already computed).
    pub(crate) fn site_keys_given(&self, facts: &BlockFacts) -> (u64, u64) {
        self.long_key().unwrap_or((facts.hash, facts.shape))
    }

    fn long_key(&self) -> Option<(u64, u64)> {
        (self.span.len() >= LONG_KEY_BYTES).then(|| {
            let key = xxh3_64_with_seed(self.str().as_bytes(), LONG_KEY_SEED);
            (key, key)
        })
    }

    /// The facts of the part.
    pub(crate) fn facts(&self) -> BlockFacts {
        let meta = &self.tokens.meta[self.range.clone()];
        let s = self.str();
        let (mut digit_tokens, mut cjk_tokens) = (0, 0);
        for m in meta {
            digit_tokens += u32::from(m.kind == TokenKind::WordWithDigit);
            cjk_tokens += u32::from(m.kind == TokenKind::Single);
        }
        // A long part's shape is never read (its site key is of its bytes, `site_keys`):
        // its tokens are folded once, for its hash.
        let (hash, shape) = match self.span.len() >= LONG_KEY_BYTES {
            true => {
                let hash = self.hash();
                (hash, hash)
            }
            false => self.keys_given(digit_tokens > 0),
        };
        BlockFacts {
            hash,
            shape,
            tokens: meta.len() as u32,
            digit_tokens,
            cjk_tokens,
            chars: crate::text::char_count(s) as u32,
            sentence_end: ends_like_sentence(s),
            separators: self.menus.unwrap_or_else(|| count_separators(s)),
        }
    }

    /// Is token `i` (an index into the page's tokens) a Han, Kana or Hangul character?
    pub(crate) fn is_cjk(&self, i: usize) -> bool {
        self.tokens.meta[i].kind == TokenKind::Single
    }
}

/// What the cleaner knows of one block's words.
#[derive(Clone, Debug, Default)]
pub struct BlockFacts {
    /// Stable hash of the block's token sequence; 0 for a block without tokens.
    pub hash: u64,
    /// The same with every run of ASCII digits masked, so templated lines (dates, counts) agree;
    /// for a part of [`LONG_KEY_BYTES`] or more, its hash (its site key is of its bytes).
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

/// The facts of `text` taken as one block (for tests and tools).
#[cfg(test)]
pub(crate) fn facts_of(text: &str) -> BlockFacts {
    let mut page = PageText::default();
    page.tokens.push_text(text, 0, &mut page.buf);
    let part = Part {
        text,
        span: 0..text.len(),
        tokens: &page.tokens,
        range: 0..page.tokens.hash.len(),
        separators: &[],
        menus: None,
    };
    part.facts()
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
    // Most blocks end in a letter or a digit, or in a sentence mark, or in another ASCII
    // character that is no closing quote or bracket: told by their last byte.
    match block.as_bytes().last() {
        None => return false,
        Some(b'.' | b'!' | b'?') => return true,
        Some(&c) if c.is_ascii() && !matches!(c, b'"' | b'\'' | b')' | b']') && !c.is_ascii_whitespace() => {
            return false
        }
        _ => {}
    }
    let closing = |c: char| matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）');
    let rest = block.trim_end().trim_end_matches(closing);
    rest.ends_with(['.', '!', '?', '…', '。', '！', '？', '．'])
}

/// Does `line` end a paragraph: like a sentence, or with its source in brackets after one
/// ("... on Monday. [Telegraph]", "... said. (AP)", "……。（新华社）"), as news items credit
/// where they come from.
pub(crate) fn ends_like_paragraph(line: &str) -> bool {
    if ends_like_sentence(line) {
        return true;
    }
    let line = line.trim_end();
    let open = match line.chars().next_back() {
        Some(']') => '[',
        Some(')') => '(',
        Some('）') => '（',
        Some('】') => '【',
        _ => return false,
    };
    line.rfind(open).is_some_and(|at| {
        let before = line[..at].trim_end();
        line.len() - at <= SOURCE_BYTES && !before.is_empty() && ends_like_sentence(before)
    })
}

/// The longest bracketed source that may follow a paragraph's last sentence
/// ([`ends_like_paragraph`]), brackets included.
const SOURCE_BYTES: usize = 40;

/// Does line `next` continue the paragraph of line `prev` (text wrapped at a fixed width)?
/// When `prev` stops mid-sentence (`prev_sentence_end` false, and no colon) and `next` starts
/// in lowercase, or `prev` is long (60 characters or more) and `next` not short (20 or more).
pub(crate) fn continues_paragraph(prev: &str, prev_sentence_end: bool, next: &str) -> bool {
    if prev_sentence_end || prev.ends_with(':') {
        return false;
    }
    let lower = next.chars().next().is_some_and(char::is_lowercase);
    lower || (at_least_chars(prev, 60) && at_least_chars(next, 20))
}

/// Does `s` hold `n` characters or more (`n` > 0)? Read only when its length in bytes does not
/// tell (a character is 1-4 bytes).
fn at_least_chars(s: &str, n: usize) -> bool {
    match s.len() {
        len if len < n => false,
        len if len >= 4 * n => true,
        _ => s.chars().nth(n - 1).is_some(),
    }
}

/// Count menu separators that stand between words (`Home | World | Sports` has two): a
/// space, a mark, and a space or the end of the block.
fn count_separators(block: &str) -> u32 {
    let bytes = block.as_bytes();
    if !may_hold_marks(bytes) {
        return 0;
    }
    memchr_iter(b' ', bytes)
        .filter(|&i| is_menu_separator(bytes, i))
        .count() as u32
}

/// Does the space at `bytes[i]` start a menu separator: a mark, then a space or the end?
#[inline]
fn is_menu_separator(bytes: &[u8], i: usize) -> bool {
    const MARKS: &[&str] = &["|", "»", "·", "•", "›", "/", "-", "–", ">", "::"];
    let after = &bytes[i + 1..];
    match after.first() {
        Some(b'|' | b'/' | b'-' | b'>' | b':' | 0xC2 | 0xE2) => MARKS
            .iter()
            .any(|m| after.starts_with(m.as_bytes()) && after.get(m.len()).is_none_or(|&b| b == b' ')),
        _ => false,
    }
}

/// What separates an affix from the rest of its block.
#[cfg(test)]
pub(crate) const AFFIX_SEPARATORS: &[&str] = &[" - ", " | ", " – ", " — ", " :: ", " » ", " · ", " _ ", " / "];

/// Every affix separator in `block` as (byte offset, length), left to right: a space, one of
/// [`AFFIX_SEPARATORS`]' marks, and a space (the naive scan [`scan_gaps`] agrees with).
#[cfg(test)]
pub(crate) fn affix_separators(block: &str) -> Vec<(usize, usize)> {
    let bytes = block.as_bytes();
    memchr_iter(b' ', bytes)
        .filter_map(|i| separator_at(bytes, i).map(|len| (i, len)))
        .collect()
}

/// The length of the affix separator starting with the space at `bytes[i]`, if one does:
/// the byte-level form of [`AFFIX_SEPARATORS`] (a test checks they agree).
#[inline]
fn separator_at(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = &bytes[i + 1..];
    let mark = match *rest.first()? {
        b'-' | b'|' | b'_' | b'/' => 1,
        b':' if rest.get(1) == Some(&b':') => 2,
        0xC2 if matches!(rest.get(1), Some(0xBB | 0xB7)) => 2, // » ·
        0xE2 if rest.get(1) == Some(&0x80) && matches!(rest.get(2), Some(0x93 | 0x94)) => 3, // – —
        _ => return None,
    };
    (rest.get(mark) == Some(&b' ')).then_some(mark + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Blocks are the lines trimmed as `str::trim` trims them, whatever their ends.
        #[test]
        fn segments_are_trimmed_lines(text in "([a-z]{1,6}|[ \t\r\x0b\x0c]|\n|\u{a0}|\u{3000}|\u{85}|é|中){0,40}") {
            let mut naive = Vec::new();
            let mut blank_before = false;
            let mut start = 0;
            for line in text.split('\n') {
                let trimmed = line.trim();
                if trimmed.is_empty() {
                    blank_before = !naive.is_empty();
                } else {
                    let s = start + (line.len() - line.trim_start().len());
                    naive.push(Block { span: s..s + trimmed.len(), blank_before });
                    blank_before = false;
                }
                start += line.len() + 1;
            }
            proptest::prop_assert_eq!(segment(&text), naive);
        }

        /// The build's baseline masks give the blocks and marks the run-time choice gives
        /// (AVX2 on a CPU that has it), on pages of several windows.
        #[test]
        fn segments_and_marks_agree_with_the_baseline(text in "([a-z]{1,9}|[ \t\r]|\n|\u{a0}|[-|/_:>]|»|—|中){0,200}") {
            let (mut blocks, mut marks) = (Vec::new(), Vec::new());
            segment_and_mark(&text, &mut blocks, &mut marks);
            let (mut baseline_blocks, mut baseline_marks) = (Vec::new(), Vec::new());
            segment_and_mark_with(&text, &mut baseline_blocks, &mut baseline_marks, crate::text::Baseline);
            proptest::prop_assert_eq!(blocks, baseline_blocks);
            proptest::prop_assert_eq!(marks, baseline_marks);
        }
    }

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
        /// Blocks with the same normalized form have the same key, and the tokens of a part
        /// cut at whitespace are the tokens of its text.
        #[test]
        fn keys_follow_normalized_text(a in "[ -~]{0,60}|[a-zA-Z0-9 ,.:/|_-]{0,80}|[a-z中文 ,]{0,30}", cut in 0usize..80) {
            let b = a.to_uppercase().replace(' ', "  ");
            let (fa, fb) = (facts_of(&a), facts_of(&b));
            proptest::prop_assert_eq!(
                crate::text::normalize(&a) == crate::text::normalize(&b),
                fa.hash == fb.hash && fa.tokens == fb.tokens
            );
            proptest::prop_assert_eq!(fa.tokens == 0, fa.hash == 0);
            // Narrow to the text after the first space at or past `cut`.
            let mut page = PageText::default();
            page.analyze(&a);
            if let (Some(b), Some(at)) = (page.blocks.first(), a.get(cut.min(a.len())..).and_then(|r| r.find(' '))) {
                let at = cut.min(a.len()) + at;
                if at >= b.span.start && at < b.span.end {
                    let part = page.block(&a, 0).narrow(at + 1..b.span.end);
                    let alone = facts_of(part.str());
                    proptest::prop_assert_eq!(part.facts().hash, alone.hash);
                }
            }
        }
    }

    proptest::proptest! {
        /// Separators found from their marks are those a scan of every space finds.
        #[test]
        fn gap_scan_agrees_with_every_space(text in "([a-z_]{1,5}|[ ]{1,2}|[-|/_:>]|::|»|·|•|–|—|中|\n){0,160}") {
            let mut page = PageText::default();
            page.analyze(&text);
            for b in 0..page.blocks.len() {
                let part = page.block(&text, b);
                let block = part.str();
                let found: Vec<(usize, usize)> = part.affix_separators().map(|(at, len)| (at - part.span.start, len)).collect();
                proptest::prop_assert_eq!(found, affix_separators(block));
                proptest::prop_assert_eq!(part.menus, Some(count_separators(block)));
            }
        }
    }

    proptest::proptest! {
        /// Learning's partial analysis gives every block the site keys of the full one
        /// (folded from the tokens of a block it keeps no tokens of), the blocks it keeps
        /// tokens of the same tokens, and the page the same long paragraphs.
        #[test]
        fn keys_of_the_partial_analysis_are_those_of_the_full_one(
            lines in proptest::collection::vec("([A-Za-z]{1,9}|[0-9]{1,4}|中文|é| | - | \\| |[.,!])*", 0..12),
            long in proptest::collection::vec(0usize..60, 0..12),
        ) {
            // Some lines repeated past LONG_KEY_BYTES.
            let text: String = lines
                .iter()
                .zip(long.iter().chain(std::iter::repeat(&0)))
                .map(|(l, &n)| if n > 40 { l.repeat(1 + LONG_KEY_BYTES / l.len().max(1)) } else { l.clone() })
                .collect::<Vec<_>>()
                .join("\n");
            let (mut full, mut partial) = (PageText::default(), PageText::default());
            full.analyze(&text);
            partial.analyze_for_keys(&text);
            proptest::prop_assert_eq!(full.blocks.len(), partial.blocks.len());
            let mut of_full = (Vec::new(), Vec::new());
            let mut of_partial = (Vec::new(), Vec::new());
            full.paragraphs(&text, &mut of_full.0, &mut of_full.1);
            partial.paragraphs(&text, &mut of_partial.0, &mut of_partial.1);
            proptest::prop_assert_eq!(of_full, of_partial);
            for b in 0..full.blocks.len() {
                let (f, p) = (full.block(&text, b), partial.block(&text, b));
                // Keys folded as the tokens came, or of the tokens kept, or of the bytes.
                let expected = (!f.range.is_empty() || f.span.len() >= LONG_KEY_BYTES).then(|| f.site_keys());
                proptest::prop_assert_eq!(full.site_keys(&text, b), expected);
                proptest::prop_assert_eq!(partial.site_keys(&text, b), expected);
                proptest::prop_assert_eq!(f.separators, p.separators);
                if !p.range.is_empty() {
                    proptest::prop_assert_eq!(f.hashes(), p.hashes());
                    let spans = |x: &Part| x.tokens.meta[x.range.clone()].iter().map(|m| m.start..m.end()).collect::<Vec<_>>();
                    proptest::prop_assert_eq!(spans(&f), spans(&p));
                }
            }
        }
    }

    #[test]
    fn a_source_in_brackets_after_a_sentence_ends_a_paragraph() {
        for line in [
            "The chef left the kitchen for good on Monday. [Telegraph]",
            "The talks will resume in the spring, officials said. (AP)",
            "The talks will resume in the spring, officials said.(AP)",
            "会议于周一在北京举行。（新华社）",
            "会议于周一在北京举行。【人民日报】",
            "It rained.",
        ] {
            assert!(ends_like_paragraph(line), "{line:?}");
        }
        for line in [
            "Home | News | Sport [Login]",
            "The meeting ran late (see the minutes)",
            "It rained. [a note far too long to be the name of the paper it came from]",
            "[Telegraph]",
            "（新华社）",
            "Contact us:",
        ] {
            assert!(!ends_like_paragraph(line), "{line:?}");
        }
    }

    proptest::proptest! {
        /// The last-byte shortcuts of `ends_like_sentence` agree with the rule in full.
        #[test]
        fn sentence_ends_by_their_last_byte_agree(block in "[a-z .!?:;,)\\]\"'”’»」）。！？…|-]{0,6}") {
            let closing = |c: char| matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）');
            let rest = block.trim_end().trim_end_matches(closing);
            let full = rest.ends_with(['.', '!', '?', '…', '。', '！', '？', '．']);
            proptest::prop_assert_eq!(ends_like_sentence(&block), full);
        }
    }

    #[test]
    fn paragraphs_join_wrapped_lines() {
        let wrapped = "The council met on Monday and agreed, after a long debate that ran\n\
                       well into the night, to review the parking plan again next month.";
        let short = "A short paragraph that ends like a sentence, of 64 bytes or more.";
        let menu = "Home | World | Business | Sport | Weather | Travel | Culture | Science";
        let with = |first: &str, rest: &str| {
            let text = format!("{first}\n\n{rest}");
            let (mut page, mut long, mut short) = (PageText::default(), Vec::new(), Vec::new());
            page.analyze(&text);
            page.paragraphs(&text, &mut long, &mut short);
            (long, short)
        };
        // After the menu (block 0): a paragraph wrapped over three lines (1-3, 273 bytes),
        // then one over two (4-5, 136 bytes) and a short one (6).
        let text = format!("{wrapped} {wrapped}\n{wrapped}\n\n{short}");
        assert_eq!(with(menu, &text), (vec![1, 2, 3], vec![1, 2, 3, 4, 5, 6]));
        // A blank line parts two paragraphs, each short.
        assert_eq!(with(menu, &format!("{wrapped}\n\n{short}")), (vec![], vec![1, 2, 3]));
        // Nothing that ends like a sentence: no paragraph, and the lines of 64 bytes or more
        // stand for them; shorter lines do not.
        assert_eq!(with(menu, menu), (vec![], vec![0, 1]));
        assert_eq!(with("Home | World", "Sport | Weather"), (vec![], vec![]));
    }

    #[test]
    fn facts_mask_digits_and_see_sentences() {
        let a = facts_of("2024/06/18 06:40 military 1983");
        let b = facts_of("2023/11/02 17:12 military 77");
        assert_ne!(a.hash, b.hash);
        assert_eq!(a.shape, b.shape);
        assert_eq!((a.tokens, a.digit_tokens), (7, 6));
        // Shapes of words with digits are lowercased as their tokens are, capitals and
        // non-ASCII letters included; a run of digits counts once, whatever its length.
        let shape = |t: &str| facts_of(t).shape;
        assert_eq!(
            shape("ÜBER2024x Straße9"),
            shape("über7x STRASSE9".replace("SS", "ß").as_str())
        );
        assert_eq!(shape("Covid19 Wave3"), shape("covid20 wave12"));
        assert_ne!(shape("covid19 wave3"), shape("covid wave"));
        assert_ne!(shape("a1b2"), shape("a1b"));
        assert!(!a.sentence_end);
        let s = facts_of("He said: \"It is over.\"");
        assert!(s.sentence_end);
        assert_eq!(s.hash, facts_of("he SAID it is over").hash);
        assert_eq!(facts_of("Home | World | Sports").separators, 2);
        assert_eq!(facts_of("— | —").tokens, 0);
        assert_eq!(facts_of("他说。").cjk_tokens, 2);
        assert!(ends_like_sentence("他说。"));
    }
}
