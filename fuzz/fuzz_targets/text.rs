//! Arbitrary UTF-8 text through the tokenizer and the signer: `text::for_each_token_hashed`,
//! `tokens`, `normalize`, `word_case` and `MinHasher::signature`.
//!
//! Checked:
//! - every token's span is a non-empty range of the text on character boundaries, after the
//!   previous token's; its bytes are the span lowercased with Unicode's full mapping; its hash
//!   is `token_hash` of its bytes; its kind says whether it is one Han/Kana/Hangul character
//!   or holds an ASCII digit;
//! - the tokens and spans are those of a naive twin that classes each character (the module's
//!   definition: ASCII letters, digits and `_`, other letters, digits and combining marks form
//!   words; `is_cjk_token_char` characters are tokens alone; the rest separates);
//! - `tokens` and `normalize` spell out the same tokens;
//! - `word_case` counts as `split_whitespace` and `char::is_uppercase` do;
//! - a signature has 128 values, or none exactly when the text has no tokens; the text and its
//!   normalized form sign the same; a reused `Scratch` signs as a fresh one.
#![no_main]

use std::ops::Range;

use libfuzzer_sys::fuzz_target;
use reprint::shingle::shingle_count;
use reprint::text::{for_each_token_hashed, is_cjk_token_char, normalize, token_hash, tokens, word_case, TokenKind};
use reprint::{MinHasher, Scratch};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let fast = fast_tokens(text);
    assert_eq!(fast, naive_tokens(text), "tokens of {text:?}");

    let strings: Vec<String> = fast
        .iter()
        .map(|(t, _)| String::from_utf8(t.clone()).expect("tokens are UTF-8"))
        .collect();
    assert_eq!(tokens(text), strings, "tokens of {text:?}");
    let normalized = normalize(text);
    assert_eq!(normalized, strings.join(" "), "normalize {text:?}");

    assert_eq!(word_case(text), naive_word_case(text), "word_case of {text:?}");

    let hasher = MinHasher::new(128, 5);
    let mut scratch = Scratch::new();
    let of_normalized = hasher.signature(&normalized, &mut scratch);
    let signature = hasher.signature(text, &mut scratch);
    assert_eq!(signature.is_empty(), fast.is_empty(), "signature of {text:?}");
    assert_eq!(signature.values().len(), if fast.is_empty() { 0 } else { 128 });
    assert_eq!(signature, of_normalized, "{text:?} and its normalized form");
    assert_eq!(signature, hasher.signature(text, &mut Scratch::new()), "reused scratch");
    let mut values = vec![0u32; 128];
    let shingles = hasher.signature_into(text, &mut scratch, &mut values);
    assert_eq!(shingles, shingle_count(fast.len(), 5));
    if shingles > 0 {
        assert_eq!(&values[..], signature.values());
    }
});

/// The tokens of `for_each_token_hashed`, with every per-token promise checked.
fn fast_tokens(text: &str) -> Vec<(Vec<u8>, Range<usize>)> {
    let mut out: Vec<(Vec<u8>, Range<usize>)> = Vec::new();
    for_each_token_hashed(text, &mut Vec::new(), |token| {
        let span = token.span.clone();
        assert!(
            span.start < span.end && span.end <= text.len(),
            "span {span:?} of {text:?}"
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} of {text:?} splits a character"
        );
        if let Some((_, last)) = out.last() {
            assert!(last.end <= span.start, "span {span:?} after {last:?} in {text:?}");
        }
        assert_eq!(token.hash, token_hash(token.bytes), "hash of {:?}", token.bytes);
        let piece = &text[span.clone()];
        let lower: String = piece.chars().flat_map(char::to_lowercase).collect();
        assert_eq!(token.bytes, lower.as_bytes(), "token of {piece:?} in {text:?}");
        let mut chars = piece.chars();
        let single = matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk_token_char(c));
        let kind = match (single, token.bytes.iter().any(u8::is_ascii_digit)) {
            (true, _) => TokenKind::Single,
            (false, true) => TokenKind::WordWithDigit,
            (false, false) => TokenKind::Word,
        };
        assert_eq!(token.kind, kind, "kind of {piece:?} in {text:?}");
        out.push((token.bytes.to_vec(), span));
    });
    out
}

#[derive(PartialEq)]
enum Class {
    Word,
    Single,
    Separator,
}

/// The class of one character as the `text` module defines it.
fn class(c: char) -> Class {
    if c.is_ascii() {
        return match c.is_ascii_alphanumeric() || c == '_' {
            true => Class::Word,
            false => Class::Separator,
        };
    }
    if is_cjk_token_char(c) {
        return Class::Single;
    }
    let combining = matches!(
        c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
    );
    match c.is_alphanumeric() || combining {
        true => Class::Word,
        false => Class::Separator,
    }
}

/// The naive twin of the tokenizer: every character decoded and classed.
fn naive_tokens(text: &str) -> Vec<(Vec<u8>, Range<usize>)> {
    let mut out = Vec::new();
    let mut word: Option<(String, usize)> = None;
    for (i, c) in text.char_indices() {
        let class = class(c);
        if class == Class::Word {
            word.get_or_insert_with(|| (String::new(), i))
                .0
                .extend(c.to_lowercase());
            continue;
        }
        if let Some((w, start)) = word.take() {
            out.push((w.into_bytes(), start..i));
        }
        if class == Class::Single {
            out.push((c.to_string().into_bytes(), i..i + c.len_utf8()));
        }
    }
    if let Some((w, start)) = word.take() {
        out.push((w.into_bytes(), start..text.len()));
    }
    out
}

/// Words and capitalized words as `word_case` documents them.
fn naive_word_case(text: &str) -> (u32, u32) {
    let words = text.split_whitespace();
    let capitalized = words
        .clone()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    (words.count() as u32, capitalized as u32)
}
