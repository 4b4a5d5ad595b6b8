//! What a Chinese character is, in one place. The search index, the Markdown renderer and the
//! importer all ask here, so they agree.
//!
//! [`is_han`] is part of the search index's contract with `search.js`, which has the same ranges
//! (`isHan`): change both, and bump `search::FORMAT`. `tests/js/search.test.js` pins the same
//! boundaries as the test below.

/// Whether `c` is a Han character (CJK unified ideographs, their extensions and compatibility
/// forms, and 〇). The same ranges are in `search.js` (`isHan`).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Whether `c` is East Asian wide, as CSS Text uses it for line breaks: Han characters, CJK
/// symbols and punctuation (、。《》), and full-width forms (，：；！？￥).
pub fn is_wide(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF60 | 0xFFE0..=0xFFE6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_characters_are_the_ranges_search_js_has() {
        // The same table is in tests/js/search.test.js.
        let ranges = [
            (0x3006, false),
            (0x3007, true),
            (0x3008, false),
            (0x33ff, false),
            (0x3400, true),
            (0x4dbf, true),
            (0x4dc0, false),
            (0x4dff, false),
            (0x4e00, true),
            (0x9fff, true),
            (0xa000, false),
            (0xf8ff, false),
            (0xf900, true),
            (0xfaff, true),
            (0xfb00, false),
            (0x1ffff, false),
            (0x20000, true),
            (0x3ffff, true),
            (0x40000, false),
        ];
        for (u, han) in ranges {
            assert_eq!(is_han(char::from_u32(u).unwrap()), han, "U+{u:04X}");
        }
    }

    #[test]
    fn wide_characters_are_han_cjk_punctuation_and_full_width_forms() {
        for c in ['农', '〇', '、', '。', '《', '，', '！', '￥', '\u{3000}'] {
            assert!(is_wide(c), "{c}");
        }
        for c in ['a', '1', ',', ' ', 'é', '—', '“'] {
            assert!(!is_wide(c), "{c}");
        }
    }
}
