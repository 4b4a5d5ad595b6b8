//! What a character is to the index: folded ([`fold`]), then Han, part of a token, or neither
//! ([`Class`]), and the tables that decide that cheaply for the characters nearly all text is made
//! of ([`classify`], [`Tables`]).
//!
//! **Mirrored in `search.js`** (`fold`, `isWord`, and `isHan` for [`crate::cjk::is_han`]): change both, and bump
//! [`super::FORMAT`]. `tests/js/search.test.js` pins the same values as the tests below.

use super::codec::{FNV_BASIS, fnv_han};
use crate::cjk::is_han;

/// The form a character is indexed and searched in: full-width ASCII (Ａ, ５, ＋) becomes
/// half-width, the ideographic space a space, and letters lower case where that is one character.
/// Traditional and simplified characters are not folded (see docs/search.md).
pub fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if is_han(c) {
        return c;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf16() == c.len_utf16() => l,
        _ => c,
    }
}

/// Letters and digits other than Han characters make up tokens.
fn is_word(c: char) -> bool {
    !is_han(c) && c.is_alphanumeric()
}

/// What a character is to the tokeniser, once folded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Han,
    /// Part of a token ([`is_word`]).
    Word,
    /// Anything else: it ends runs and tokens.
    Other,
}

/// A character folded and classed: what [`fold`], [`is_han`] and [`is_word`] say, without their
/// cost for the characters that make up nearly all of a bulletin. A 14-million-character archive
/// is mostly the common Han block (which folding leaves as it is), ASCII and CJK punctuation;
/// the first two are decided here in a comparison or a table, the punctuation (、。《》“” and
/// their neighbours, whose lower-casing and `is_alphanumeric` are binary searches in Unicode's
/// tables) in [`Tables::class`], and only what is left takes the general way.
#[inline(always)]
pub(super) fn classify(c: char, t: &Tables) -> (char, Class) {
    let u = c as u32;
    if u < 0x80 {
        ASCII[u as usize]
    } else if (0x4E00..=0x9FFF).contains(&u) {
        (c, Class::Han)
    } else if let Some(&fc) = t.class.get(u.wrapping_sub(CLASS_FIRST) as usize) {
        fc
    } else {
        classify_slow(c)
    }
}

/// The general way of [`classify`].
fn classify_slow(c: char) -> (char, Class) {
    let f = fold(c);
    let class = if is_han(f) {
        Class::Han
    } else if is_word(f) {
        Class::Word
    } else {
        Class::Other
    };
    (f, class)
}

/// [`classify`] of ASCII: letters and digits are tokens (letters lower-cased), the rest is not.
const ASCII: [(char, Class); 128] = {
    let mut t = [('\0', Class::Other); 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = (c.to_ascii_lowercase() as char, Class::Word);
        } else {
            t[b] = (c as char, Class::Other);
        }
        b += 1;
    }
    t
};

/// The first code point of [`Tables::class`]: General Punctuation (“”…) up to the end of
/// Katakana, through CJK Symbols and Punctuation (、。《》【】〇).
const CLASS_FIRST: u32 = 0x2000;
const CLASS_END: u32 = 0x3100;
/// The common block of Han characters, whose hashes are in [`Tables::alone`].
pub(super) const HAN_FIRST: u32 = 0x4E00;
pub(super) const HAN_END: u32 = 0xA000;

/// What the tokeniser looks up rather than works out, once per process (a fraction of a
/// millisecond): fetched once per text, not once per character.
pub(super) struct Tables {
    /// [`classify_slow`] from [`CLASS_FIRST`] to [`CLASS_END`].
    pub(super) class: Vec<(char, Class)>,
    /// [`fnv_han`] from the start, from [`HAN_FIRST`] to [`HAN_END`]: see [`fnv_han_alone`].
    pub(super) alone: Vec<u32>,
}

pub(super) fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let chars = |r: std::ops::Range<u32>| {
            r.map(|u| char::from_u32(u).expect("no surrogates below U+D800"))
        };
        Tables {
            class: chars(CLASS_FIRST..CLASS_END).map(classify_slow).collect(),
            alone: chars(HAN_FIRST..HAN_END)
                .map(|c| fnv_han(FNV_BASIS, c))
                .collect(),
        }
    })
}

/// The character at byte `i` of `text` (a character boundary) and its length in bytes. The
/// three-byte form of nearly every character of Chinese text is decoded here directly.
#[inline(always)]
pub(super) fn char_at(text: &str, i: usize) -> (char, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        return (char::from(b), 1);
    }
    if b & 0xf0 == 0xe0
        && let Some(&[b1, b2]) = bytes.get(i + 1..i + 3)
    {
        let u = (u32::from(b & 0x0f) << 12) | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f);
        // Valid UTF-8 (a `str`) never encodes a surrogate, so this is never the replacement.
        return (char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER), 3);
    }
    let c = text[i..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (c, c.len_utf8())
}

/// [`fnv_han`] from the start: the hash of a Han character alone, which its bigram with the next
/// character continues from; looked up in [`Tables::alone`] for the common block.
#[inline(always)]
pub(super) fn fnv_han_alone(c: char, alone: &[u32]) -> u32 {
    match alone.get((c as u32).wrapping_sub(HAN_FIRST) as usize) {
        Some(&h) => h,
        None => fnv_han(FNV_BASIS, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_full_width_half_width_and_letters_lower_case() {
        // The same values are asserted in tests/js/search.test.js.
        let folded: String = "ＧＤＰ增长５％，5G、Ｃｏｖｉｄ　ÄÖ"
            .chars()
            .map(fold)
            .collect();
        assert_eq!(folded, "gdp增长5%,5g、covid äö");
        assert_eq!(fold('农'), '农');
        // One character that lower-cases to two stays as it is.
        assert_eq!(fold('İ'), 'İ');
    }
    #[test]
    fn classes_are_those_of_folding() {
        for u in (0..0x11_0000)
            .step_by(7)
            .chain(0x2000..0x3100)
            .chain(0xff00..0x1_0000)
        {
            if let Some(c) = char::from_u32(u) {
                assert!(classify(c, tables()) == classify_slow(c), "U+{u:04X}");
            }
        }
    }
    #[test]
    fn characters_are_decoded_as_by_the_standard_library() {
        let text =
            "a农\u{7f}\u{80}é\u{7ff}\u{800}〇\u{d7ff}\u{e000}，\u{ffff}\u{10000}𠀀\u{10ffff}";
        let (mut i, mut got) = (0, Vec::new());
        while i < text.len() {
            let (c, len) = char_at(text, i);
            got.push(c);
            i += len;
        }
        assert_eq!(got, text.chars().collect::<Vec<_>>());
    }
}
