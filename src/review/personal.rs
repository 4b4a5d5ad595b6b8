//! Personal data in a file's text: 18-digit 居民身份证号 whose check digit is right (GB 11643),
//! mainland mobile numbers, and bank card numbers that pass the Luhn check.
//!
//! 《政府信息公开条例》 第十五条 keeps personal data off government sites, and a citizen's ID or
//! phone number in a bulletin about 困难群众 or 信访 is the typical leak. Each finding carries the
//! number masked (`360***********123X`, `139****1234`, `6222 **** **** 0123`): messages end up in
//! terminals and CI logs, which may be public, so the full number is never printed.
//!
//! What counts as a number: a run of digits (ASCII or full-width), or digit groups joined by
//! single spaces or hyphens the way these numbers are printed (`139 0797 1234`, `6222 0212 3456
//! 7890`), not touching a letter, another digit, or the characters of a URL or path (`/`, `=`,
//! `_`, `#`, `&`, `?`, `%`), and not followed by a unit (元, 万, 人…), which makes it a quantity.
//! Everything else in the text is left alone; dates, landlines and statistics do not match.

use std::ops::Range;

use crate::diagnostics::Location;

/// What kind of number a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IdCard,
    Mobile,
    BankCard,
}

impl Kind {
    /// For the message: "a 居民身份证号 …".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::IdCard => "a 居民身份证号 (its check digit is right)",
            Kind::Mobile => "a mobile phone number",
            Kind::BankCard => "a bank card number (it passes the Luhn check)",
        }
    }

    /// What it is, in Chinese (for the 工作台).
    pub fn describe_zh(self) -> &'static str {
        match self {
            Kind::IdCard => "居民身份证号（校验位正确）",
            Kind::Mobile => "手机号码",
            Kind::BankCard => "银行卡号（通过了 Luhn 校验）",
        }
    }

    /// Under the caret.
    pub fn label(self) -> &'static str {
        match self {
            Kind::IdCard => "身份证号",
            Kind::Mobile => "手机号码",
            Kind::BankCard => "银行卡号",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            Kind::Mobile => {
                "personal data must not be published (政府信息公开条例 第十五条): remove it or mask it \
                 (139****1234); if the number is meant to be public (a hotline, the editing office's \
                 contact), list it under `review.public_numbers` in site.yaml"
            }
            _ => {
                "personal data must not be published (政府信息公开条例 第十五条): remove it, or mask \
                 all but a few digits; a number that is meant to be public can be listed under \
                 `review.public_numbers` in site.yaml"
            }
        }
    }

    /// The help in Chinese (for the 工作台).
    pub fn help_zh(self) -> &'static str {
        match self {
            Kind::Mobile => {
                "个人信息不得公开（政府信息公开条例第十五条）：删去，或遮住中间几位\
                 （139****1234）；如果这个号码本来就要公开（热线电话、编辑部的联系电话），\
                 请把它列进 `site.yaml` 的 `review.public_numbers`"
            }
            _ => {
                "个人信息不得公开（政府信息公开条例第十五条）：删去，或只留几位、其余遮住；\
                 本来就要公开的号码可以列进 `site.yaml` 的 `review.public_numbers`"
            }
        }
    }
}

/// One number found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// Bytes of the text it covers (separators included).
    pub range: Range<usize>,
    /// Its digits (an ID's final X upper-cased), to compare with `review.public_numbers`.
    pub digits: String,
    /// As written, with all but a few digits replaced by `*`.
    pub masked: String,
}

/// The digits of `s` (ASCII or full-width), in order: how numbers are compared.
pub fn digits_of(s: &str) -> String {
    s.chars().filter_map(digit).collect()
}

fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// GB 11643-1999: the check character of the first 17 digits of a 居民身份证号.
pub fn id_check_char(first17: &[u8]) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize])
}

/// Whether `s` (18 characters) is a 居民身份证号: a province code that exists, a real birth date
/// from 1900 on, and the right check character (`X` in either case).
pub fn is_id_number(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let province = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    // 11-15 华北, 21-23 东北, 31-37 华东, 41-46 中南, 50-54 西南, 61-65 西北, 71 台湾, 81-82 港澳.
    let known = matches!(province, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82);
    let date = std::str::from_utf8(&b[6..14])
        .ok()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y%m%d").ok());
    let date_ok = date.is_some_and(|d| {
        use chrono::Datelike;
        (1900..2100).contains(&d.year())
    });
    let check = b[17].to_ascii_uppercase() as char;
    known && date_ok && id_check_char(&b[..17]) == Some(check)
}

/// Whether `digits` pass the Luhn check (ISO/IEC 7812), as every bank card number does.
pub fn luhn(digits: &str) -> bool {
    if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether 11 digits are a mainland mobile number: a prefix the MIIT has given to mobile
/// networks (13x, 145-149, 15x but 154, 162, 165-167, 170-178, 18x, 19x but 194).
pub fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() != 11 || b[0] != b'1' || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (second, third) = (b[1] - b'0', b[2] - b'0');
    match second {
        3 | 8 => true,
        4 => (5..=9).contains(&third),
        5 => third != 4,
        6 => matches!(third, 2 | 5 | 6 | 7),
        7 => third <= 8,
        9 => third != 4,
        _ => false,
    }
}

/// Whether 16 to 19 digits read as a bank card number: they pass the Luhn check and start as
/// card numbers do (3-6 for the card networks, 9 for the old domestic cards such as 9558…).
pub fn is_bank_card(digits: &str) -> bool {
    (16..=19).contains(&digits.len())
        && matches!(digits.as_bytes()[0], b'3'..=b'6' | b'9')
        && luhn(digits)
}

/// A digit of the text: its value and byte range.
#[derive(Debug, Clone, Copy)]
struct Digit {
    value: u8,
    start: usize,
    end: usize,
}

/// A run of digit groups joined by single separators.
struct Run {
    groups: Vec<Vec<Digit>>,
    /// An `X`/`x` right after the last group (an ID's check character), with its end.
    x_end: Option<usize>,
}

/// Units that make a number a quantity: 13500000000元 is money, not a phone.
fn is_unit(c: char) -> bool {
    "元万亿千百人个次户件吨米斤亩台辆家名条项座所套张册份位天年月日号期%‰".contains(c)
}

/// Characters that, next to a number, make it part of an address, a path or a code.
fn is_code_char(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '/' | '\\' | '=' | '_' | '#' | '&' | '?' | '%' | '@')
}

/// Every personal number in `text`, in order.
pub fn find(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if !text.bytes().any(|b| b.is_ascii_digit() || b == 0xEF) {
        return out;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i].1).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let (run, next) = read_run(&chars, i);
        i = next;
        let before = start.checked_sub(1).map(|k| chars[k].1);
        let after = chars.get(next).map(|&(_, c)| c);
        if before.is_some_and(is_code_char)
            || after.is_some_and(|c| is_code_char(c) && run.x_end.is_none())
            || before == Some('.')
            || after == Some('.')
                && chars
                    .get(next + 1)
                    .is_some_and(|&(_, c)| digit(c).is_some())
        {
            continue;
        }
        // `+86 139…`: the country code is part of the number.
        let plus = before == Some('+');
        classify(text, &run, plus, after, &mut out);
    }
    out
}

/// Digit groups from `chars[i]` (a digit), joined by one space, hyphen or no-break space; the
/// index after the run.
fn read_run(chars: &[(usize, char)], mut i: usize) -> (Run, usize) {
    let mut groups: Vec<Vec<Digit>> = vec![Vec::new()];
    loop {
        let (start, c) = chars[i];
        let Some(d) = digit(c) else { break };
        groups.last_mut().expect("a group").push(Digit {
            value: d as u8 - b'0',
            start,
            end: start + c.len_utf8(),
        });
        i += 1;
        if i >= chars.len() {
            break;
        }
        if digit(chars[i].1).is_some() {
            continue;
        }
        let sep = matches!(chars[i].1, ' ' | '-' | '\u{a0}');
        if sep && chars.get(i + 1).is_some_and(|&(_, c)| digit(c).is_some()) {
            groups.push(Vec::new());
            i += 1;
            continue;
        }
        break;
    }
    let mut x_end = None;
    if let Some(&(p, c)) = chars.get(i)
        && matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
        && !chars
            .get(i + 1)
            .is_some_and(|&(_, n)| n.is_ascii_alphanumeric())
    {
        x_end = Some(p + c.len_utf8());
    }
    (Run { groups, x_end }, i)
}

fn digits_str(ds: &[Digit]) -> String {
    ds.iter().map(|d| (b'0' + d.value) as char).collect()
}

/// Decide what a run is: the whole run as printed (3-4-4, groups of four, one block), else each
/// group alone.
fn classify(text: &str, run: &Run, plus: bool, after: Option<char>, out: &mut Vec<Finding>) {
    let sizes: Vec<usize> = run.groups.iter().map(Vec::len).collect();
    let all: Vec<Digit> = run.groups.iter().flatten().copied().collect();
    let digits = digits_str(&all);
    let quantity = after.is_some_and(is_unit);
    let span = |ds: &[Digit], end: Option<usize>| ds[0].start..end.unwrap_or(ds[ds.len() - 1].end);
    // An ID: 18 characters, the last perhaps X, in one block (or 6-8-4 as some forms print it).
    let id_shaped = matches!(sizes.as_slice(), [18] | [17] | [6, 8, 4] | [6, 8, 3]);
    if id_shaped {
        let mut id = digits.clone();
        let mut end = None;
        if id.len() == 17
            && let Some(x) = run.x_end
        {
            id.push('X');
            end = Some(x);
        }
        if is_id_number(&id) {
            out.push(finding(text, Kind::IdCard, span(&all, end), id));
            return;
        }
    }
    if quantity {
        return;
    }
    if run.x_end.is_some() {
        return;
    }
    let mobile = match sizes.as_slice() {
        [11] | [3, 4, 4] => Some(digits.as_str()),
        [13] | [2, 3, 4, 4] if digits.starts_with("86") => Some(&digits[2..]),
        [2, 11] if digits.starts_with("86") && plus => Some(&digits[2..]),
        _ => None,
    };
    if let Some(m) = mobile
        && is_mobile(m)
    {
        let from = if m.len() < digits.len() { 2 } else { 0 };
        out.push(finding(
            text,
            Kind::Mobile,
            span(&all[from..], None),
            m.to_string(),
        ));
        return;
    }
    let card_groups = sizes.len() > 1
        && sizes[..sizes.len() - 1].iter().all(|&s| s == 4)
        && (1..=4).contains(sizes.last().expect("groups"));
    if (sizes.len() == 1 || card_groups) && is_bank_card(&digits) {
        out.push(finding(text, Kind::BankCard, span(&all, None), digits));
        return;
    }
    if run.groups.len() > 1 {
        for g in &run.groups {
            // Each group alone, as if it stood by itself (`电话 0797-8992528 或 13907971234`).
            let g_digits = digits_str(g);
            if g.len() == 11 && is_mobile(&g_digits) {
                out.push(finding(text, Kind::Mobile, span(g, None), g_digits));
            } else if g.len() == 18 && is_id_number(&g_digits) {
                out.push(finding(text, Kind::IdCard, span(g, None), g_digits));
            } else if is_bank_card(&g_digits) {
                out.push(finding(text, Kind::BankCard, span(g, None), g_digits));
            }
        }
    }
}

fn finding(text: &str, kind: Kind, range: Range<usize>, digits: String) -> Finding {
    let written = &text[range.clone()];
    Finding {
        kind,
        masked: mask(kind, written),
        range,
        digits,
    }
}

/// `written` with its digits replaced by `*` but for the first and last few: an ID keeps 3 and
/// 4 (`360***********123X`), a mobile 3 and 4 (`139****1234`), a card 4 and 4. Separators stay.
pub fn mask(kind: Kind, written: &str) -> String {
    let (head, tail) = match kind {
        Kind::IdCard => (3, 4),
        Kind::Mobile => (3, 4),
        Kind::BankCard => (4, 4),
    };
    let total = written
        .chars()
        .filter(|&c| digit(c).is_some() || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ'))
        .count();
    let mut n = 0;
    written
        .chars()
        .map(|c| {
            if digit(c).is_some() || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ') {
                n += 1;
                if n <= head || n > total.saturating_sub(tail) {
                    c
                } else {
                    '*'
                }
            } else {
                c
            }
        })
        .collect()
}

/// Where `range` of `text` is, for a message: its line and column, and the line with every
/// personal number on it masked, so no message ever shows one (a wrong expression may stand beside
/// a 身份证号).
pub fn masked_location(text: &str, range: Range<usize>) -> Location {
    let mut loc = Location::from_byte_range(text, range.clone());
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line = loc.line_text.clone();
    // Masking keeps the number of characters, so the span is found again by characters.
    let mut chars: Vec<char> = line.chars().collect();
    let char_at = |byte: usize| line[..byte.min(line.len())].chars().count();
    for f in find(&line) {
        let at = char_at(f.range.start);
        for (k, c) in f.masked.chars().enumerate() {
            chars[at + k] = c;
        }
    }
    let start = char_at(range.start - line_start);
    let end = char_at(range.end.saturating_sub(line_start)).max(start);
    let bytes = |cs: &[char]| cs.iter().map(|c| c.len_utf8()).sum::<usize>();
    let span_start = bytes(&chars[..start]);
    loc.span = span_start..span_start + bytes(&chars[start..end]);
    loc.line_text = chars.into_iter().collect();
    loc
}
