//! The marks a printed bulletin's masthead carries, read by `bulletin import` and written into the
//! issue's front matter, so that a marked issue cannot be published by accident.
//!
//! At the top left a 密级 with its period (`秘密★1年`, GB/T 9704's `密级★保密期限`) or the
//! customary `内部资料 注意保存`; at the top right the copy number (`No.000123`, `第 12 份`). A
//! line made only of such marks is a masthead-marks line; [`classification`] turns the marks
//! found into the `classification:` value the loader understands (a 密级 wins over 内部资料).

use std::ops::Range;

use super::marks::{INTERNAL, LEVELS};

/// Words that mark a bulletin as internal (any of them makes the issue 内部资料 at least).
const INTERNAL_WORDS: &[&str] = &[
    "内部资料",
    "内部刊物",
    "内部参阅",
    "内部文件",
    "注意保存",
    "注意保密",
    "妥善保管",
    "仅供参考",
    "内部",
];

/// A line of marks: the marks as written (without the copy number) and the copy number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMarks {
    /// `秘密★1年`, `内部资料 注意保存`; `None` for a line that holds only a copy number.
    pub marking: Option<String>,
    /// `No.000123`, `第 12 份`.
    pub copy: Option<String>,
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// A copy number in `s`: `No.000123` (`NO：000123`, `№000123`), `第 12 份`, `编号：000123`; its
/// byte range.
pub fn copy_number(s: &str) -> Option<Range<usize>> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(s.len(), |&(p, _)| p);
    for i in 0..chars.len() {
        let rest: String = chars[i..].iter().take(2).map(|&(_, c)| c).collect();
        // No. / № / 编号
        let after_label = if rest.eq_ignore_ascii_case("no") {
            Some(i + 2)
        } else if chars[i].1 == '№' {
            Some(i + 1)
        } else if rest == "编号" {
            Some(i + 2)
        } else {
            None
        };
        if let Some(mut j) = after_label {
            while j < chars.len()
                && (is_space(chars[j].1) || matches!(chars[j].1, '.' | '．' | ':' | '：'))
            {
                j += 1;
            }
            let k = j + chars[j..].iter().take_while(|&&(_, c)| is_digit(c)).count();
            let letter_before = i > 0 && chars[i - 1].1.is_ascii_alphanumeric();
            let letter_after = chars
                .get(k)
                .is_some_and(|&(_, c)| c.is_ascii_alphanumeric());
            if k > j && !letter_before && !letter_after {
                return Some(chars[i].0..end_of(k));
            }
        }
        if chars[i].1 == '第' {
            let mut j = i + 1;
            while j < chars.len() && is_space(chars[j].1) {
                j += 1;
            }
            let k = j + chars[j..].iter().take_while(|&&(_, c)| is_digit(c)).count();
            let mut m = k;
            while m < chars.len() && is_space(chars[m].1) {
                m += 1;
            }
            if k > j && chars.get(m).is_some_and(|&(_, c)| c == '份') {
                return Some(chars[i].0..end_of(m + 1));
            }
        }
    }
    None
}

/// The length in bytes of a 密级 mark at the start of `s` (spaces already removed): the level,
/// then `★` and a period (`1年`, `6个月`, `长期`, `十年`), if any.
fn secret_mark_len(s: &str) -> Option<usize> {
    let level = LEVELS.iter().find(|l| s.starts_with(**l))?;
    let mut n = level.len();
    let rest = &s[n..];
    if let Some(star) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '★' | '☆' | '*' | '＊'))
    {
        n += star.len_utf8();
        let period = &s[n..];
        if let Some(p) = period.strip_prefix("长期") {
            return Some(n + period.len() - p.len());
        }
        let num = period
            .char_indices()
            .take_while(|&(_, c)| is_digit(c) || "一二三四五六七八九十".contains(c))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let unit = ["个月", "年", "月"]
            .iter()
            .find(|u| period[num..].starts_with(**u))
            .map_or(0, |u| u.len());
        if num > 0 && unit > 0 {
            n += num + unit;
        }
    }
    Some(n)
}

/// Whether `s` (spaces and brackets removed) is made only of marks.
fn only_marks(mut s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    while !s.is_empty() {
        if let Some(n) = secret_mark_len(s) {
            s = &s[n..];
        } else if let Some(w) = INTERNAL_WORDS.iter().find(|w| s.starts_with(**w)) {
            s = &s[w.len()..];
        } else {
            return false;
        }
    }
    true
}

fn squeezed(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            !is_space(c)
                && !matches!(
                    c,
                    '（' | '）' | '(' | ')' | '【' | '】' | '，' | '、' | ',' | '·'
                )
        })
        .collect()
}

/// A masthead line made only of marks and a copy number (`秘密★1年    No.000123`,
/// `内部资料 注意保存`, `第 12 份`); `None` for any other line.
pub fn line_marks(line: &str) -> Option<LineMarks> {
    let line = line.trim();
    let (copy, rest) = match copy_number(line) {
        Some(r) => {
            let rest = format!("{} {}", &line[..r.start], &line[r.end..]);
            (Some(line[r].trim().to_string()), rest)
        }
        None => (None, line.to_string()),
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return copy.map(|c| LineMarks {
            marking: None,
            copy: Some(c),
        });
    }
    only_marks(&squeezed(rest)).then(|| LineMarks {
        marking: Some(rest.split_whitespace().collect::<Vec<_>>().join(" ")),
        copy,
    })
}

/// The `classification:` the marks call for: the highest 密级 with its period as printed
/// (`机密★1年`), else 内部资料 when there is any mark at all.
pub fn classification(markings: &[String]) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for m in markings {
        let s = squeezed(m);
        for (start, _) in s.char_indices() {
            if let Some(n) = secret_mark_len(&s[start..]) {
                let mark = &s[start..start + n];
                let rank = LEVELS
                    .iter()
                    .position(|l| mark.starts_with(*l))
                    .unwrap_or(LEVELS.len());
                if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                    best = Some((rank, mark.to_string()));
                }
            }
        }
    }
    match best {
        Some((_, mark)) => Some(mark),
        None if markings.iter().any(|m| !m.trim().is_empty()) => Some(INTERNAL.to_string()),
        None => None,
    }
}
