//! Small facts about Chinese bulletin text, each a pure function: where a sentence ends, what a
//! page number or a rule looks like, how a date or an issue number is written, which section
//! marker a paragraph starts with. The parser is built from these; each is tested here with the
//! forms seen in real bulletins.

use chrono::NaiveDate;

/// Whitespace as it appears in extracted text: ASCII, the full-width space U+3000 used for
/// indentation, no-break spaces.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}'
}

/// A line with its indentation noted, trimmed, and every run of inner whitespace made one space.
pub fn clean_line(raw: &str) -> (String, bool) {
    let indented = raw.starts_with('\u{3000}') || raw.starts_with("  ") || raw.starts_with('\t');
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.trim_matches(is_space).chars() {
        if is_space(c) {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    (out, indented)
}

/// The number of characters that are not whitespace.
pub fn len(s: &str) -> usize {
    s.chars().filter(|c| !is_space(*c)).count()
}

/// Closing quotes and brackets that may follow a sentence's final punctuation (`。”`, `！）`).
const CLOSERS: &[char] = &[
    '”', '’', '」', '』', '）', ')', '】', '》', '〕', ']', '"', '\'',
];

/// Punctuation that ends a sentence, and so may end a paragraph.
const FINAL: &[char] = &['。', '！', '？', '!', '?', '；', '…', '：'];

/// Whether `s` ends like a paragraph does: with sentence-final punctuation, perhaps followed by
/// closing quotes or brackets. A paragraph that does not is taken to continue on the next line.
pub fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(is_space).trim_end_matches(CLOSERS);
    t.ends_with(FINAL)
}

/// Whether `s` is wrapped whole in brackets, like a source line `（于都县教育局供稿）`.
pub fn is_parenthesized(s: &str) -> bool {
    let pairs = [('（', '）'), ('(', ')'), ('【', '】'), ('[', ']')];
    pairs.iter().any(|&(o, c)| {
        s.starts_with(o)
            && s.ends_with(c)
            && s[o.len_utf8()..].find(c) == Some(s.len() - o.len_utf8() - c.len_utf8())
    })
}

/// Join the next line of a paragraph to what came before. Chinese text wraps without spaces, so
/// none is put back; only two ASCII words get one.
pub fn join(a: &mut String, b: &str) {
    let last = a.chars().last();
    let first = b.chars().next();
    if let (Some(x), Some(y)) = (last, first)
        && x.is_ascii_alphabetic()
        && y.is_ascii_alphabetic()
    {
        a.push(' ');
    }
    a.push_str(b);
}

/// Characters of a horizontal rule line.
const RULE_CHARS: &[char] = &[
    '-', '—', '–', '―', '－', '─', '━', '═', '=', '＝', '_', '＿', '~', '～', '*', '★', '☆', '·',
];

/// A line that is only a rule (`——————`, `═════`): printed decoration.
pub fn is_rule(s: &str) -> bool {
    let chars: Vec<char> = s.chars().filter(|c| !is_space(*c)).collect();
    chars.len() >= 3 && chars.iter().all(|c| RULE_CHARS.contains(c))
}

/// Dashes that surround a page number: `— 2 —`, `- 3 -`, `－4－`.
const DASHES: &[char] = &['-', '—', '–', '―', '－', '─', '━', '~', '～'];

/// A page-number line: `— 2 —`, `- 3 -`, `第 2 页`, `第2页 共5页`, `2/5`, or a bare `7`.
pub fn is_page_number(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !is_space(*c)).collect();
    if t.is_empty() {
        return false;
    }
    let digits = |x: &str| !x.is_empty() && x.chars().count() <= 4 && x.chars().all(is_digit);
    // — 2 —
    let inner = t.trim_start_matches(DASHES);
    let left = t.len() - inner.len();
    let inner2 = inner.trim_end_matches(DASHES);
    let right = inner.len() - inner2.len();
    if left > 0 && right > 0 && digits(inner2) {
        return true;
    }
    if digits(&t) && t.chars().count() <= 3 {
        return true;
    }
    // 2/5, 2 / 5
    if let Some((a, b)) = t.split_once(['/', '／'])
        && digits(a)
        && digits(b)
    {
        return true;
    }
    // 第2页, 第2页共5页, 第2页/共5页
    if let Some(rest) = t.strip_prefix('第')
        && let Some((n, after)) = rest.split_once('页')
        && digits(n)
    {
        let after = after.trim_start_matches(['/', '／', ',', '，']);
        return after.is_empty()
            || after
                .strip_prefix('共')
                .and_then(|x| x.strip_suffix('页'))
                .is_some_and(digits);
    }
    false
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        '〇' | '○' | '零' | 'Ｏ' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// Chinese numerals that may start a section marker (`一、`, `（十二）`, `三是`).
pub fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// Read a number at the start of `chars`: Arabic digits (ASCII or full-width) or Chinese
/// numerals, either positional (`二十九`, `一百二十五`) or digit by digit (`二〇二一`). Returns the
/// value and the number of characters read.
pub fn read_number(chars: &[char]) -> Option<(u32, usize)> {
    let n = chars
        .iter()
        .take_while(|&&c| digit_value(c).is_some() || c == '十' || c == '百')
        .count();
    if n == 0 {
        return None;
    }
    let run = &chars[..n];
    if run.iter().all(|c| is_digit(*c)) {
        let mut v: u32 = 0;
        for c in run {
            v = v.checked_mul(10)?.checked_add(digit_value(*c)?)?;
        }
        return Some((v, n));
    }
    if run.iter().any(|c| is_digit(*c)) {
        return None;
    }
    if run.iter().any(|&c| c == '十' || c == '百') {
        // Positional: 十二 = 12, 二十九 = 29, 一百零五 = 105.
        let (mut total, mut cur) = (0u32, None::<u32>);
        for &c in run {
            match c {
                '百' => {
                    total += cur.unwrap_or(1) * 100;
                    cur = None;
                }
                '十' => {
                    total += cur.unwrap_or(1) * 10;
                    cur = None;
                }
                c => cur = Some(digit_value(c)?),
            }
        }
        return Some((total + cur.unwrap_or(0), n));
    }
    let mut v: u32 = 0;
    for c in run {
        v = v.checked_mul(10)?.checked_add(digit_value(*c)?)?;
    }
    Some((v, n))
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && is_space(chars[i]) {
        i += 1;
    }
    i
}

/// Byte offset of char index `i` in `s`.
fn byte_at(s: &str, i: usize) -> usize {
    s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
}

/// A date written the Chinese way, `2021 年 7 月 29 日` or `二〇二一年七月二十九日`, and the
/// byte range it covers.
pub fn find_date(s: &str) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    let chars: Vec<char> = s.chars().collect();
    for start in 0..chars.len() {
        if start > 0 && (digit_value(chars[start - 1]).is_some()) {
            continue;
        }
        let Some((y, n)) = read_number(&chars[start..]) else {
            continue;
        };
        let mut i = skip_spaces(&chars, start + n);
        if n != 4 || chars.get(i) != Some(&'年') {
            continue;
        }
        i = skip_spaces(&chars, i + 1);
        let Some((m, n)) = read_number(&chars[i..]) else {
            continue;
        };
        i = skip_spaces(&chars, i + n);
        if chars.get(i) != Some(&'月') {
            continue;
        }
        i = skip_spaces(&chars, i + 1);
        let Some((d, n)) = read_number(&chars[i..]) else {
            continue;
        };
        i = skip_spaces(&chars, i + n);
        if !matches!(chars.get(i), Some('日' | '号')) {
            continue;
        }
        if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
            return Some((date, byte_at(s, start)..byte_at(s, i + 1)));
        }
    }
    None
}

/// One `第 N 期` found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueNo {
    pub number: u32,
    /// `总第 N 期`: the running number since the first issue.
    pub total: bool,
    /// `2021 年第 8 期`: the year the numbering is in.
    pub year: Option<i32>,
    /// Bytes of the line it covers, with its year and a surrounding bracket.
    pub range: std::ops::Range<usize>,
}

/// Every `第 N 期` on a line: `第 125 期`, `2021 年第 8 期`, `（总第 133 期）`.
pub fn find_issue_numbers(s: &str) -> Vec<IssueNo> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '第' {
            i += 1;
            continue;
        }
        let j = skip_spaces(&chars, i + 1);
        let Some((number, n)) = read_number(&chars[j..]) else {
            i += 1;
            continue;
        };
        let k = skip_spaces(&chars, j + n);
        if chars.get(k) != Some(&'期') {
            i += 1;
            continue;
        }
        let mut start = i;
        let mut end = k + 1;
        let mut total = false;
        let mut year = None;
        // Look back over spaces for 总 or for `2021 年`.
        let mut b = start;
        while b > 0 && is_space(chars[b - 1]) {
            b -= 1;
        }
        if b > 0 && chars[b - 1] == '总' {
            total = true;
            start = b - 1;
        } else if b > 0 && chars[b - 1] == '年' {
            let mut y_end = b - 1;
            while y_end > 0 && is_space(chars[y_end - 1]) {
                y_end -= 1;
            }
            let y_start = (0..y_end)
                .rev()
                .take_while(|&x| digit_value(chars[x]).is_some())
                .last();
            if let Some(ys) = y_start
                && let Some((y, 4)) = read_number(&chars[ys..y_end])
            {
                year = Some(y as i32);
                start = ys;
            }
        }
        // A bracket around it: （总第 133 期）
        if start > 0
            && matches!(chars[start - 1], '（' | '(')
            && matches!(chars.get(end), Some('）' | ')'))
        {
            start -= 1;
            end += 1;
        }
        out.push(IssueNo {
            number,
            total,
            year,
            range: byte_at(s, start)..byte_at(s, end),
        });
        i = end;
    }
    out
}

/// `s` with the given byte ranges cut out, trimmed of spaces and of brackets and separators left
/// dangling.
pub fn without(s: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::new();
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut pos = 0;
    for r in sorted {
        if r.start >= pos {
            out.push_str(&s[pos..r.start]);
            out.push(' ');
            pos = r.end;
        }
    }
    out.push_str(&s[pos..]);
    let trimmed = out.trim_matches(|c: char| {
        is_space(c) || matches!(c, '（' | '）' | '(' | ')' | '，' | ',' | '、' | '/' | '|')
    });
    clean_line(trimmed).0
}

/// The kinds of section marker, highest level first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Marker {
    /// `一、`
    Chapter,
    /// `（一）`
    Section,
    /// `1.`, `1、`, `1．`
    Numbered,
    /// `（1）`
    Item,
}

/// The section marker `s` starts with, and its length in bytes.
pub fn section_marker(s: &str) -> Option<(Marker, usize)> {
    let chars: Vec<char> = s.chars().take(8).collect();
    let numerals = chars.iter().take_while(|c| is_numeral(**c)).count();
    if numerals > 0 && numerals <= 3 && chars.get(numerals) == Some(&'、') {
        return Some((Marker::Chapter, byte_at(s, numerals + 1)));
    }
    if matches!(chars.first(), Some('（' | '(')) {
        let n = chars[1..].iter().take_while(|c| is_numeral(**c)).count();
        if n > 0 && n <= 3 && matches!(chars.get(1 + n), Some('）' | ')')) {
            return Some((Marker::Section, byte_at(s, n + 2)));
        }
        let n = chars[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n > 0 && n <= 2 && matches!(chars.get(1 + n), Some('）' | ')')) {
            return Some((Marker::Item, byte_at(s, n + 2)));
        }
    }
    let n = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    if n > 0
        && n <= 2
        && matches!(chars.get(n), Some('、' | '．' | '.'))
        && !chars.get(n + 1).is_some_and(|c| c.is_ascii_digit())
    {
        return Some((Marker::Numbered, byte_at(s, n + 1)));
    }
    None
}

/// Words that mark a bulletin as internal, printed at its top or bottom.
const MARKINGS: &[&str] = &[
    "内部资料",
    "注意保存",
    "内部刊物",
    "内部参阅",
    "注意保密",
    "妥善保管",
    "仅供参考",
    "秘密",
    "机密",
    "绝密",
];

/// A line that is only markings like `内部资料 注意保存` or `机密★1年`.
pub fn is_marking(s: &str) -> bool {
    let mut rest: String = s
        .chars()
        .filter(|c| {
            !is_space(*c) && !matches!(c, '（' | '）' | '(' | ')' | '【' | '】' | '★' | '，' | '、')
        })
        .collect();
    if rest.is_empty() {
        return false;
    }
    loop {
        let before = rest.len();
        for m in MARKINGS {
            if let Some(r) = rest.strip_prefix(m) {
                rest = r
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '年')
                    .to_string();
            }
        }
        if rest.is_empty() {
            return true;
        }
        if rest.len() == before {
            return false;
        }
    }
}

/// `s` with the whitespace between two non-ASCII characters removed: a masthead printed spaced out
/// (`工 作 简 报`) or broken over two lines reads as one name.
pub fn close_up(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if is_space(c) {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().find(|c| !is_space(**c));
            let cjk = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii());
            if cjk(prev.as_ref()) || cjk(next) || out.ends_with(' ') {
                continue;
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Escape ASCII punctuation that could start inline markup (emphasis, code, links, HTML, tables,
/// strikethrough, entities), for text in the middle of a paragraph.
pub fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escape `s` so that CommonMark shows it as written: ASCII punctuation that could start markup is
/// backslash-escaped, and so is what would make the start of a paragraph a heading, quote, list or
/// rule.
pub fn escape_markdown(s: &str) -> String {
    let mut out = escape_inline(s);
    // A heading, quote, list marker or rule at the start: `# x`, `> x`, `- x`, `1. x`, `---`.
    let first = out.chars().next();
    if matches!(first, Some('-' | '+' | '=' | '#' | '>')) {
        out.insert(0, '\\');
    } else if first.is_some_and(|c| c.is_ascii_digit()) {
        let n = out.chars().take_while(|c| c.is_ascii_digit()).count();
        let mut after = out[n..].chars();
        if n <= 9
            && matches!(after.next(), Some('.' | ')'))
            && after.next().is_none_or(|c| c == ' ')
        {
            out.insert(n, '\\');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_full_width_indentation_and_keep_one_inner_space() {
        assert_eq!(
            clean_line("\u{3000}\u{3000}近年来，  全县 2 所\t"),
            ("近年来， 全县 2 所".to_string(), true)
        );
        assert_eq!(clean_line("标题"), ("标题".to_string(), false));
    }

    #[test]
    fn sentences_end_with_final_punctuation_perhaps_in_quotes() {
        for s in [
            "推进。",
            "问题？",
            "好！",
            "如下：",
            "“示范幼儿园”。",
            "（试行）。",
            "完成；",
        ] {
            assert!(ends_sentence(s), "{s}");
        }
        for s in [
            "累计",
            "通讯信号、",
            "投入 2331.76 万元，",
            "细则（试行）",
            "(实",
            "2.5",
        ] {
            assert!(!ends_sentence(s), "{s}");
        }
    }

    #[test]
    fn page_numbers_in_their_printed_forms_are_recognised() {
        for s in [
            "— 2 —",
            "- 3 -",
            "－4－",
            "—12—",
            "第 2 页",
            "第2页 共5页",
            "2/5",
            "7",
        ] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["2021", "一、", "第 125 期", "—— 于都县", "- 3 - 个", "3.5"] {
            assert!(!is_page_number(s), "{s}");
        }
    }

    #[test]
    fn rules_are_lines_of_dashes_only() {
        assert!(is_rule("————————————"));
        assert!(is_rule("═══ ═══"));
        assert!(!is_rule("——于都县"));
        assert!(!is_rule("--"));
    }

    #[test]
    fn numbers_read_in_digits_and_in_chinese() {
        let n = |s: &str| read_number(&s.chars().collect::<Vec<_>>()).map(|x| x.0);
        assert_eq!(n("125期"), Some(125));
        assert_eq!(n("１２"), Some(12));
        assert_eq!(n("二〇二一年"), Some(2021));
        assert_eq!(n("二十九日"), Some(29));
        assert_eq!(n("十二"), Some(12));
        assert_eq!(n("一百零五"), Some(105));
        assert_eq!(n("期"), None);
    }

    #[test]
    fn dates_are_found_in_digits_or_chinese_numerals() {
        let d = |s: &str| find_date(s).map(|(d, _)| d.to_string());
        assert_eq!(d("2021 年 7 月 29 日").as_deref(), Some("2021-07-29"));
        assert_eq!(d("二〇二一年七月二十九日").as_deref(), Some("2021-07-29"));
        assert_eq!(
            d("市政府办公室编    2021年7月29日").as_deref(),
            Some("2021-07-29")
        );
        assert_eq!(d("2021 年 2 月 30 日"), None);
        assert_eq!(d("截至 2021 年 5 月，全市"), None);
        let s = "办公室编 2021年7月29日";
        let (_, r) = find_date(s).unwrap();
        assert_eq!(&s[r], "2021年7月29日");
    }

    #[test]
    fn issue_numbers_come_in_three_forms() {
        let f = find_issue_numbers("第 125 期");
        assert_eq!((f[0].number, f[0].total, f[0].year), (125, false, None));
        let f = find_issue_numbers("2021 年第 8 期（总第 133 期）");
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].number, f[0].total, f[0].year), (8, false, Some(2021)));
        assert_eq!((f[1].number, f[1].total), (133, true));
        let s = "工作简报 总第133期";
        let f = find_issue_numbers(s);
        assert_eq!((f[0].number, f[0].total), (133, true));
        assert_eq!(without(s, &[f[0].range.clone()]), "工作简报");
        assert_eq!(find_issue_numbers("第十二期")[0].number, 12);
        assert!(find_issue_numbers("第一批").is_empty());
    }

    #[test]
    fn section_markers_have_four_levels() {
        fn m(s: &str) -> Option<(Marker, &str)> {
            section_marker(s).map(|(m, n)| (m, &s[..n]))
        }
        assert_eq!(m("一、统一人员聘用"), Some((Marker::Chapter, "一、")));
        assert_eq!(m("十二、其他"), Some((Marker::Chapter, "十二、")));
        assert_eq!(m("（一）统一"), Some((Marker::Section, "（一）")));
        assert_eq!(m("(三)统一"), Some((Marker::Section, "(三)")));
        assert_eq!(m("1.统一"), Some((Marker::Numbered, "1.")));
        assert_eq!(m("（2）统一"), Some((Marker::Item, "（2）")));
        assert_eq!(m("一是抓制度"), None);
        assert_eq!(m("1.52 亿元"), None);
        assert_eq!(m("2021年"), None);
    }

    #[test]
    fn markings_and_spaced_mastheads() {
        assert!(is_marking("内部资料 注意保存"));
        assert!(is_marking("（内部资料）"));
        assert!(is_marking("机密★1年"));
        assert!(!is_marking("内部资料管理办法"));
        assert_eq!(
            close_up("赣州市“五型”政府建设 工作简报"),
            "赣州市“五型”政府建设工作简报"
        );
        assert_eq!(close_up("工 作 简 报"), "工作简报");
        assert_eq!(close_up("Work  Bulletin"), "Work Bulletin");
    }

    #[test]
    fn markdown_syntax_in_text_is_escaped() {
        assert_eq!(escape_markdown("a*b_c"), "a\\*b\\_c");
        assert_eq!(escape_markdown("1. 开头"), "1\\. 开头");
        assert_eq!(escape_markdown("- 开头"), "\\- 开头");
        assert_eq!(escape_markdown("#话题"), "\\#话题");
        assert_eq!(escape_markdown("“1+N+X”"), "“1+N+X”");
        assert_eq!(escape_markdown("1.52 亿元"), "1.52 亿元");
        assert_eq!(escape_markdown("a>b<c"), "a>b\\<c");
    }

    #[test]
    fn lines_join_without_spaces_except_between_words() {
        let mut a = "(实".to_string();
        join(&mut a, "体) 2884 家");
        assert_eq!(a, "(实体) 2884 家");
        let mut a = "the".to_string();
        join(&mut a, "end");
        assert_eq!(a, "the end");
    }
}
