//! A bulletin's text → its masthead, issue line, editor and date; an editor's note; the articles,
//! each a title and blocks; and the footer.
//!
//! The text is read line by line, as it comes out of a PDF or Word file:
//!
//! - **Header**: masthead lines (the series name, perhaps over two lines) up to the issue line
//!   (`第 N 期`, `2021 年第 8 期`, `总第 N 期`), then the editor and the date
//!   (`2021 年 7 月 29 日`), perhaps on one line. Markings such as `内部资料` are kept aside.
//! - **Footer**: the last lines, when every one of them is a footer item: the editor (`…编`),
//!   `电话：`, `电子邮箱：`, distribution lines (`报：`, `送：`, `抄送：`, wrapped onto further
//!   lines), `共印 N 份`. They go into the issue's front matter, never into an article.
//! - **Body**: page numbers (`— 2 —`, `- 3 -`), rules and repeats of the masthead are dropped as
//!   page furniture. A paragraph that does not end in sentence-final punctuation continues in the
//!   next line (a page break cut it). When the text indents paragraphs (full-width spaces), an
//!   unindented line continues the paragraph before it whatever its last character.
//! - **Titles**: a line that could not be part of a paragraph (short, no full stop, no comma,
//!   nothing dangling at its end, no section marker) and follows a finished paragraph. One that
//!   starts with a county or unit name is a title for sure; one with a comma and no such name is
//!   read as a paragraph, with a warning. Consecutive title lines are one title printed over
//!   several lines, joined with a space.
//! - **Sections**: a line `一、…` or `（一）…` without a full stop is a heading; a paragraph that
//!   starts with one is a paragraph with a lead-in (see `write`).
//! - Text between the header and the first title is the issue's introduction (`【编者按】`).

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::text::{self, Marker};
use crate::diagnostics::{Diagnostic, Location};

/// A value of the issue's front matter beyond the known keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Number(i64),
}

/// A block of an article body or of the introduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    /// A section heading on a line of its own: `一、统一人员聘用`.
    Heading(Marker, String),
}

/// One article as found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedArticle {
    pub title: String,
    /// The line of the title in the input.
    pub line: usize,
    pub blocks: Vec<Block>,
    /// Every line of the input that went into this article (title included), page furniture
    /// aside: what the generated file must hold, character for character.
    pub source: String,
}

/// A bulletin as found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub series: Option<String>,
    pub number: u32,
    /// The year the issue belongs to: `2021 年第 8 期`, else the date's.
    pub year: i32,
    pub date: NaiveDate,
    pub editor: Option<String>,
    /// Further front matter, in a fixed order: `total`, `marking`, then the footer's fields.
    pub extra: Vec<(&'static str, Value)>,
    /// The editor's note, or whatever came before the first title.
    pub intro: Vec<Block>,
    pub articles: Vec<ParsedArticle>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    /// A rule or a page number: dropped.
    Furniture,
    Text,
}

#[derive(Debug, Clone)]
struct Line {
    no: usize,
    text: String,
    indented: bool,
    kind: Kind,
}

fn lines_of(src: &str) -> Vec<Line> {
    src.split('\n')
        .enumerate()
        .map(|(i, raw)| {
            let (text, indented) = text::clean_line(raw);
            let kind = if text.is_empty() {
                Kind::Blank
            } else if text::is_rule(&text) || text::is_page_number(&text) {
                Kind::Furniture
            } else {
                Kind::Text
            };
            Line {
                no: i + 1,
                text,
                indented,
                kind,
            }
        })
        .collect()
}

/// Where in the input a line is, for a message.
pub(crate) fn at(src: &str, line: usize) -> Location {
    let len = src
        .split('\n')
        .nth(line.saturating_sub(1))
        .map_or(1, |l| l.trim_end().chars().count());
    Location::from_line_col(src, line, 1, len)
}

/// Parse a bulletin. `is_named` tells whether a title starts with a county or unit name the site
/// knows how to file. Errors (no issue number, no date) stop the import of this file.
pub fn parse(
    src: &str,
    path: &Path,
    is_named: &dyn Fn(&str) -> bool,
) -> Result<Parsed, Diagnostic> {
    let lines = lines_of(src);
    let header = parse_header(&lines, src, path)?;
    let mut extra: Vec<(&'static str, Value)> = Vec::new();
    let mut warnings = Vec::new();
    if let Some(t) = header.total {
        extra.push(("total", Value::Number(t.into())));
    }
    let footer = find_footer(&lines[header.end..]);
    let footer_start = header.end + footer.start;
    let mut markings = header.markings.clone();
    markings.extend(footer.markings.iter().cloned());
    if !markings.is_empty() {
        extra.push(("marking", Value::Text(markings.join(" "))));
    }
    let mut editor = header.editor.clone();
    if let Some(fe) = &footer.editor {
        match &editor {
            None => editor = Some(fe.clone()),
            Some(e) if e == fe => {}
            Some(e) => {
                warnings.push(
                    Diagnostic::warning(format!(
                        "the footer names the editor `{fe}`, the masthead `{e}`; `editor` is the masthead's"
                    ))
                    .with_path(path)
                    .with_help("the footer's is kept as `footer_editor` in _index.md"),
                );
                extra.push(("footer_editor", Value::Text(fe.clone())));
            }
        }
    }
    for key in FOOTER_KEYS {
        if let Some(v) = footer.fields.iter().find(|(k, _)| k == key) {
            extra.push((key, v.1.clone()));
        }
    }

    // The body: text lines between header and footer, without page furniture.
    let running: Vec<String> = header.series.iter().map(|s| text::close_up(s)).collect();
    let mut frags = Vec::new();
    let mut gap = true;
    for l in &lines[header.end..footer_start] {
        match l.kind {
            Kind::Text if running.contains(&text::close_up(&l.text)) => gap = true,
            Kind::Text => {
                frags.push(Frag {
                    text: l.text.clone(),
                    line: l.no,
                    indented: l.indented,
                    gap_before: gap,
                });
                gap = false;
            }
            Kind::Blank | Kind::Furniture => gap = true,
        }
    }
    let body = parse_body(&frags, src, path, is_named, &mut warnings);
    Ok(Parsed {
        series: header.series,
        number: header.number,
        year: header.year,
        date: header.date,
        editor,
        extra,
        intro: body.0,
        articles: body.1,
        warnings,
    })
}

struct Header {
    series: Option<String>,
    number: u32,
    total: Option<u32>,
    year: i32,
    date: NaiveDate,
    editor: Option<String>,
    markings: Vec<String>,
    /// Index of the first line after the header.
    end: usize,
}

/// `市政府办公室编` → `市政府办公室`; `主办：市政府办公室` → `市政府办公室`.
fn strip_editor(s: &str) -> String {
    let mut t = s.trim();
    for p in ["主办单位", "编印单位", "主办", "编印", "编发", "编辑"] {
        if let Some(rest) = t.strip_prefix(p) {
            let rest = rest.trim_start_matches(text::is_space);
            if let Some(r) = rest.strip_prefix(['：', ':']) {
                t = r.trim();
            }
        }
    }
    for s in ["编印", "编发", "主办", "印发", "编"] {
        if let Some(rest) = t.strip_suffix(s) {
            t = rest.trim_end();
            break;
        }
    }
    t.to_string()
}

/// A line naming who edits the bulletin: `市“五型”办编`.
fn is_editor_line(s: &str) -> bool {
    let t = s.trim_end_matches(text::is_space);
    (t.ends_with('编') || t.ends_with("编印") || t.ends_with("编发") || t.ends_with("主办"))
        && text::len(t) <= 40
        && !t.contains(['，', '。', '；', ','])
}

fn parse_header(lines: &[Line], src: &str, path: &Path) -> Result<Header, Diagnostic> {
    let mut masthead: Vec<String> = Vec::new();
    let mut markings = Vec::new();
    let mut regular: Option<(u32, Option<i32>)> = None;
    let mut total: Option<u32> = None;
    let mut date: Option<NaiveDate> = None;
    let mut editor: Option<String> = None;
    let mut seen_issue = false;
    let mut end = lines.len();
    let first_text = lines
        .iter()
        .find(|l| l.kind == Kind::Text)
        .map_or(1, |l| l.no);
    for (idx, line) in lines.iter().enumerate() {
        if line.kind != Kind::Text {
            continue;
        }
        let t = line.text.as_str();
        let numbers = text::find_issue_numbers(t);
        let found_date = text::find_date(t);
        if !numbers.is_empty() {
            let mut ranges: Vec<_> = numbers.iter().map(|n| n.range.clone()).collect();
            for n in &numbers {
                if n.total {
                    total = Some(n.number);
                } else if regular.is_none() {
                    regular = Some((n.number, n.year));
                }
            }
            if let Some((d, r)) = &found_date {
                date = Some(*d);
                ranges.push(r.clone());
            }
            let rest = text::without(t, &ranges);
            if !rest.is_empty() {
                if found_date.is_some() || seen_issue {
                    editor.get_or_insert_with(|| strip_editor(&rest));
                } else {
                    masthead.push(rest);
                }
            }
            seen_issue = true;
            continue;
        }
        if text::is_marking(t) {
            markings.push(t.to_string());
            continue;
        }
        if let Some((d, r)) = found_date {
            date = Some(d);
            let rest = text::without(t, &[r]);
            if !rest.is_empty() && editor.is_none() {
                editor = Some(strip_editor(&rest));
            }
            continue;
        }
        if !seen_issue {
            masthead.push(t.to_string());
            if masthead.len() > 4 {
                end = idx;
                break;
            }
            continue;
        }
        if date.is_some() {
            // After the date only an editor line (`…编`) still belongs to the header.
            if editor.is_none() && is_editor_line(t) {
                editor = Some(strip_editor(t));
                end = idx + 1;
            } else {
                end = idx;
            }
            break;
        }
        if editor.is_none() && text::len(t) <= 40 && !t.contains(['，', '。', '；', ',']) {
            editor = Some(strip_editor(t));
            continue;
        }
        end = idx;
        break;
    }
    let Some(number) = regular.map(|r| r.0).or(total) else {
        return Err(
            Diagnostic::error("no issue number found at the top of the bulletin")
                .with_path(path)
                .with_location(at(src, first_text))
                .with_help(
                    "bulletin import reads the issue number from a line like `第 125 期`, \
                 `2021 年第 8 期` or `总第 133 期` under the masthead; add one",
                ),
        );
    };
    let Some(date) = date else {
        return Err(Diagnostic::error("no date found at the top of the bulletin")
            .with_path(path)
            .with_location(at(src, first_text))
            .with_help(
                "bulletin import reads the date from a line like `2021 年 7 月 29 日` near the issue number; add one",
            ));
    };
    let series = if masthead.is_empty() {
        None
    } else {
        Some(text::close_up(&masthead.join(" ")))
    };
    Ok(Header {
        series,
        number,
        total: if regular.is_some() { total } else { None },
        year: regular.and_then(|r| r.1).unwrap_or(date.year()),
        date,
        editor: editor.filter(|e| !e.is_empty()),
        markings,
        end,
    })
}

/// The footer's fields in the order they are written to `_index.md`.
pub const FOOTER_KEYS: &[&str] = &[
    "phone",
    "fax",
    "email",
    "contact",
    "address",
    "postcode",
    "signer",
    "duty_editor",
    "reviewer",
    "proofreader",
    "report_to",
    "copy_report_to",
    "send_to",
    "copy_to",
    "distribute_to",
    "print_run",
    "printed",
];

/// Labels of footer fields, longest first where one is the end of another; `true` for the
/// distribution lines, which may wrap onto further lines.
const LABELS: &[(&str, &str, bool)] = &[
    ("联系电话", "phone", false),
    ("电话", "phone", false),
    ("传真", "fax", false),
    ("电子邮箱", "email", false),
    ("电子信箱", "email", false),
    ("邮箱", "email", false),
    ("E-mail", "email", false),
    ("Email", "email", false),
    ("email", "email", false),
    ("联系人", "contact", false),
    ("地址", "address", false),
    ("邮编", "postcode", false),
    ("签发人", "signer", false),
    ("签发", "signer", false),
    ("责任编辑", "duty_editor", false),
    ("审核", "reviewer", false),
    ("校对", "proofreader", false),
    ("抄送", "copy_to", true),
    ("抄报", "copy_report_to", true),
    ("分送", "distribute_to", true),
    ("报送", "report_to", true),
    ("报", "report_to", true),
    ("送", "send_to", true),
    ("发", "distribute_to", true),
];

/// A footer label with its colon at `chars[p..]`: the key, whether it is a distribution line, and
/// where its value starts.
fn label_at(chars: &[char], p: usize) -> Option<(&'static str, bool, usize)> {
    if p > 0 && !text::is_space(chars[p - 1]) && !matches!(chars[p - 1], '（' | '(') {
        return None;
    }
    'labels: for &(label, key, dist) in LABELS {
        let mut i = p;
        for (n, lc) in label.chars().enumerate() {
            if n > 0 {
                while i < chars.len() && text::is_space(chars[i]) {
                    i += 1;
                }
            }
            if chars.get(i) != Some(&lc) {
                continue 'labels;
            }
            i += 1;
        }
        while i < chars.len() && text::is_space(chars[i]) {
            i += 1;
        }
        if matches!(chars.get(i), Some('：' | ':')) {
            return Some((key, dist, i + 1));
        }
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FooterItem {
    Editor(String),
    Marking(String),
    Field(&'static str, Value, bool),
}

/// `共印 100 份` anywhere in `s`: the number and the bytes it covers (with a bracket around it).
fn print_run(s: &str) -> Option<(u32, std::ops::Range<usize>)> {
    let start = s.find("共印")?;
    let after = &s[start + "共印".len()..];
    let chars: Vec<char> = after.chars().collect();
    let mut i = chars.iter().take_while(|c| text::is_space(**c)).count();
    let (n, len) = text::read_number(&chars[i..])?;
    i += len;
    i += chars[i..]
        .iter()
        .take_while(|c| text::is_space(**c))
        .count();
    if chars.get(i) != Some(&'份') {
        return None;
    }
    let end = start + "共印".len() + chars[..=i].iter().map(|c| c.len_utf8()).sum::<usize>();
    Some((n, start..end))
}

/// The footer items on one line, or `None` when the line is not a footer line.
fn footer_line(t: &str) -> Option<Vec<FooterItem>> {
    let mut items = Vec::new();
    let mut ranges = Vec::new();
    if let Some((n, r)) = print_run(t) {
        items.push(FooterItem::Field(
            "print_run",
            Value::Number(n.into()),
            false,
        ));
        ranges.push(r);
    }
    if let Some((d, r)) = text::find_date(t)
        && t[r.end..].trim_start().starts_with("印发")
    {
        let end = r.end + t[r.end..].find("印发").unwrap_or(0) + "印发".len();
        items.push(FooterItem::Field(
            "printed",
            Value::Text(d.to_string()),
            false,
        ));
        ranges.push(r.start..end);
    }
    let line = if ranges.is_empty() {
        t.to_string()
    } else {
        text::without(t, &ranges)
    };
    let chars: Vec<char> = line.chars().collect();
    let labels: Vec<(usize, &'static str, bool, usize)> = (0..chars.len())
        .filter_map(|p| label_at(&chars, p).map(|(k, d, v)| (p, k, d, v)))
        .collect();
    let first = labels.first().map_or(chars.len(), |l| l.0);
    let prefix: String = chars[..first].iter().collect();
    let prefix =
        prefix.trim_matches(|c: char| text::is_space(c) || matches!(c, '（' | '）' | '(' | ')'));
    if !prefix.is_empty() {
        if text::is_marking(prefix) {
            items.push(FooterItem::Marking(prefix.to_string()));
        } else if is_editor_line(prefix) {
            items.push(FooterItem::Editor(strip_editor(prefix)));
        } else {
            return None;
        }
    }
    for (n, &(_, key, dist, v)) in labels.iter().enumerate() {
        let end = labels.get(n + 1).map_or(chars.len(), |l| l.0);
        let value: String = chars[v..end].iter().collect();
        items.push(FooterItem::Field(
            key,
            Value::Text(text::clean_line(&value).0),
            dist,
        ));
    }
    (!items.is_empty()).then_some(items)
}

#[derive(Debug, Default)]
struct Footer {
    /// Index (into the lines given) of the footer's first line; their length when there is none.
    start: usize,
    editor: Option<String>,
    markings: Vec<String>,
    fields: Vec<(&'static str, Value)>,
}

/// The footer: the earliest footer line from which every text line to the end is a footer line or
/// the continuation of a distribution line.
fn find_footer(lines: &[Line]) -> Footer {
    let text_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].kind == Kind::Text)
        .collect();
    'start: for (k, &i) in text_lines.iter().enumerate() {
        let Some(first) = footer_line(&lines[i].text) else {
            continue;
        };
        let mut footer = Footer {
            start: i,
            ..Footer::default()
        };
        let mut last_dist: Option<&'static str> = None;
        let add =
            |footer: &mut Footer, items: Vec<FooterItem>, last_dist: &mut Option<&'static str>| {
                *last_dist = None;
                for item in items {
                    match item {
                        FooterItem::Editor(e) => {
                            footer.editor.get_or_insert(e);
                        }
                        FooterItem::Marking(m) => footer.markings.push(m),
                        FooterItem::Field(key, value, dist) => {
                            if dist {
                                *last_dist = Some(key);
                            }
                            match footer.fields.iter_mut().find(|(k, _)| *k == key) {
                                Some((_, Value::Text(old))) => {
                                    if let Value::Text(new) = value {
                                        old.push('；');
                                        old.push_str(&new);
                                    }
                                }
                                Some(_) => {}
                                None => footer.fields.push((key, value)),
                            }
                        }
                    }
                }
            };
        add(&mut footer, first, &mut last_dist);
        for &j in &text_lines[k + 1..] {
            let t = &lines[j].text;
            if let Some(items) = footer_line(t) {
                add(&mut footer, items, &mut last_dist);
            } else if let Some(key) = last_dist
                && text::len(t) <= 60
            {
                if let Some((_, Value::Text(v))) = footer.fields.iter_mut().find(|(k, _)| *k == key)
                {
                    text::join(v, t);
                }
            } else {
                continue 'start;
            }
        }
        return footer;
    }
    Footer {
        start: lines.len(),
        ..Footer::default()
    }
}

#[derive(Debug, Clone)]
struct Frag {
    text: String,
    line: usize,
    indented: bool,
    /// A blank line, page number or rule came before it.
    gap_before: bool,
}

/// Labels of an editor's note.
const NOTE_LABELS: &[&str] = &[
    "【编者按】",
    "[编者按]",
    "〔编者按〕",
    "（编者按）",
    "编者按",
    "【编者的话】",
    "编者的话",
];

/// Characters a title does not end with: they leave a phrase hanging.
const DANGLING: &[char] = &[
    '，', '、', ',', '（', '(', '“', '‘', '《', '—', '-', '的', '和', '与', '及', '并', '对', '把',
    '将', '从', '向', '以', '为', '在',
];

/// How much a line looks like an article title, or `None` when it cannot be one. 1 and more is a
/// title; 3 and more is a title even where a paragraph seems to go on.
fn title_score(
    f: &Frag,
    next: Option<&Frag>,
    indent_mode: bool,
    is_named: &dyn Fn(&str) -> bool,
) -> Option<i32> {
    let t = f.text.as_str();
    let n = text::len(t);
    if !(4..=50).contains(&n)
        || t.contains(['。', '；', ';'])
        || text::ends_sentence(t)
        || text::section_marker(t).is_some()
        || text::is_parenthesized(t)
        || ordinal_lead(t)
        || t.ends_with(DANGLING)
        || !balanced(t)
    {
        return None;
    }
    let mut score = 1;
    if t.contains(['，', ',']) {
        score -= 1;
    }
    if is_named(t) {
        score += 2;
    }
    if n > 40 {
        score -= 1;
    }
    if indent_mode && !f.indented && next.is_some_and(|x| x.indented) {
        score += 1;
    }
    if next.is_none() {
        score -= 2;
    }
    Some(score)
}

/// `一是…`, `二是…`: an item of a run, never a title.
pub fn ordinal_lead(t: &str) -> bool {
    let mut chars = t.chars();
    let numerals = chars.by_ref().take_while(|c| text::is_numeral(*c)).count();
    numerals > 0 && numerals <= 2 && t.chars().nth(numerals) == Some('是')
}

/// A section heading on a line of its own: `一、统一人员聘用`, `（二）强化保障`.
fn is_heading(t: &str) -> Option<Marker> {
    let (m, _) = text::section_marker(t)?;
    (matches!(m, Marker::Chapter | Marker::Section)
        && text::len(t) <= 40
        && !t.contains(['。', '；', '！', '？', ';'])
        && !text::ends_sentence(t)
        && !t.ends_with(DANGLING)
        && balanced(t))
    .then_some(m)
}

/// Whether every bracket and quote opened in `t` is closed: a line cut by a page break often
/// leaves one open (`实有在孵企业(实`).
fn balanced(t: &str) -> bool {
    [
        ('（', '）'),
        ('(', ')'),
        ('“', '”'),
        ('《', '》'),
        ('【', '】'),
    ]
    .iter()
    .all(|&(o, c)| t.matches(o).count() == t.matches(c).count())
}

#[derive(Debug)]
enum Item {
    Title {
        text: String,
        line: usize,
        lines: usize,
        source: String,
    },
    Block {
        block: Block,
        source: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// The last paragraph is finished.
    Closed,
    /// It does not end a sentence: the next line continues it.
    Hard,
    /// It ends a sentence, but the text indents paragraphs: an unindented line continues it.
    Soft,
}

fn parse_body(
    frags: &[Frag],
    src: &str,
    path: &Path,
    is_named: &dyn Fn(&str) -> bool,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<Block>, Vec<ParsedArticle>) {
    let indent_mode = frags.iter().filter(|f| f.indented).count() >= 2;
    let has_note = frags.first().is_some_and(|f| {
        NOTE_LABELS
            .iter()
            .any(|l| text::close_up(&f.text).starts_with(l))
    });
    let mut items: Vec<Item> = Vec::new();
    let mut open = Open::Closed;
    let mut seen_title = false;
    for (k, f) in frags.iter().enumerate() {
        let next = frags.get(k + 1);
        let score = title_score(f, next, indent_mode, is_named);
        let is_title = score.is_some_and(|s| s >= 1);
        let strong = score.is_some_and(|s| s >= 3);
        let marker_start = matches!(
            text::section_marker(&f.text),
            Some((Marker::Chapter | Marker::Section, _))
        );
        let continues = match open {
            Open::Closed => false,
            Open::Hard => {
                !(f.gap_before && (strong || marker_start)) && !(indent_mode && f.indented)
            }
            Open::Soft => !f.indented && !is_title && !marker_start,
        };
        if continues
            && let Some(Item::Block {
                block: Block::Paragraph(p),
                source,
            }) = items.last_mut()
        {
            text::join(p, &f.text);
            source.push_str(&f.text);
            open = paragraph_state(p, indent_mode);
            continue;
        }
        let first_forced = !seen_title && !has_note && k == 0 && score.is_some();
        if is_title || first_forced {
            if let Some(Item::Title {
                text: t,
                lines,
                source,
                ..
            }) = items.last_mut()
                && *lines < 3
                && text::len(t) + text::len(&f.text) <= 80
            {
                t.push(' ');
                t.push_str(&f.text);
                source.push_str(&f.text);
                *lines += 1;
            } else {
                items.push(Item::Title {
                    text: f.text.clone(),
                    line: f.line,
                    lines: 1,
                    source: f.text.clone(),
                });
            }
            seen_title = true;
            open = Open::Closed;
            continue;
        }
        if let Some(m) = is_heading(&f.text) {
            items.push(Item::Block {
                block: Block::Heading(m, f.text.clone()),
                source: f.text.clone(),
            });
            open = Open::Closed;
            continue;
        }
        if score == Some(0) && seen_title && text::len(&f.text) <= 30 {
            warnings.push(
                Diagnostic::warning("ambiguous line: read as a paragraph, though it could be an article title")
                    .with_path(path)
                    .with_location(at(src, f.line))
                    .with_label("no full stop, but a comma and no county or unit at its start")
                    .with_help("if it is a title, start it with the reporting county or unit (于都县…, 市人社局…) and import again"),
            );
        }
        items.push(Item::Block {
            block: Block::Paragraph(f.text.clone()),
            source: f.text.clone(),
        });
        open = if text::is_parenthesized(&f.text) {
            Open::Closed
        } else {
            paragraph_state(&f.text, indent_mode)
        };
    }

    let mut intro = Vec::new();
    let mut intro_line = None;
    let mut articles: Vec<ParsedArticle> = Vec::new();
    for item in items {
        match item {
            Item::Title {
                text, line, source, ..
            } => articles.push(ParsedArticle {
                title: text,
                line,
                blocks: Vec::new(),
                source,
            }),
            Item::Block { block, source } => match articles.last_mut() {
                Some(a) => {
                    a.blocks.push(block);
                    a.source.push_str(&source);
                }
                None => {
                    intro_line.get_or_insert_with(|| frags.first().map_or(1, |f| f.line));
                    intro.push(block);
                }
            },
        }
    }
    if let Some(line) = intro_line
        && !has_note
    {
        warnings.push(
            Diagnostic::warning("text before the first article title is kept as the issue's introduction")
                .with_path(path)
                .with_location(at(src, line))
                .with_help("an editor's note starts with `【编者按】` or `编者按：`; anything else there may be a title the importer did not recognise"),
        );
    }
    if articles.is_empty() {
        warnings.push(
            Diagnostic::warning("no article titles found")
                .with_path(path)
                .with_help("a title is a line of its own, without a full stop, that starts with the county or unit (于都县…, 市人社局…)"),
        );
    }
    for a in &articles {
        if a.blocks.is_empty() {
            warnings.push(
                Diagnostic::warning(format!("article `{}` has no text", a.title))
                    .with_path(path)
                    .with_location(at(src, a.line))
                    .with_help(
                        "check the lines after the title: the text may be missing from the input",
                    ),
            );
        }
    }
    (intro, articles)
}

fn paragraph_state(p: &str, indent_mode: bool) -> Open {
    if !text::ends_sentence(p) {
        Open::Hard
    } else if indent_mode {
        Open::Soft
    } else {
        Open::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(t: &str) -> bool {
        ["于都县", "定南县", "市人社局", "市住建局"]
            .iter()
            .any(|n| t.starts_with(n))
    }

    fn parse_ok(src: &str) -> Parsed {
        parse(src, Path::new("in.txt"), &named).unwrap_or_else(|d| panic!("{}", d.render(false)))
    }

    const HEAD: &str = "赣州市“五型”政府建设 工作简报\n\n第 125 期\n\n市“五型”政府建设领导小组办公室\n\n2021 年 7 月 29 日\n\n";

    fn paragraphs(a: &ParsedArticle) -> Vec<&str> {
        a.blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) | Block::Heading(_, p) => p.as_str(),
            })
            .collect()
    }

    #[test]
    fn the_header_gives_series_number_editor_and_date() {
        let p = parse_ok(&format!("{HEAD}于都县推进学前教育\n\n正文。\n"));
        assert_eq!(p.series.as_deref(), Some("赣州市“五型”政府建设工作简报"));
        assert_eq!(p.number, 125);
        assert_eq!(p.year, 2021);
        assert_eq!(p.date.to_string(), "2021-07-29");
        assert_eq!(p.editor.as_deref(), Some("市“五型”政府建设领导小组办公室"));
        assert_eq!(p.articles.len(), 1);
    }

    #[test]
    fn a_two_line_masthead_and_year_issue_forms_are_read() {
        let src = "内部资料 注意保存\n赣州市“五型”政府建设\n工作简报\n2021 年第 8 期（总第 133 期）\n市政府办公室编    2021年7月29日\n于都县推进学前教育\n正文。\n";
        let p = parse_ok(src);
        assert_eq!(p.series.as_deref(), Some("赣州市“五型”政府建设工作简报"));
        assert_eq!((p.number, p.year), (8, 2021));
        assert_eq!(p.editor.as_deref(), Some("市政府办公室"));
        assert!(p.extra.contains(&("total", Value::Number(133))));
        assert!(
            p.extra
                .contains(&("marking", Value::Text("内部资料 注意保存".into())))
        );
        let p =
            parse_ok("工作简报\n总第 133 期\n二〇二一年七月二十九日\n于都县推进学前教育\n正文。\n");
        assert_eq!(p.number, 133);
        assert!(!p.extra.iter().any(|(k, _)| *k == "total"));
    }

    #[test]
    fn a_missing_issue_number_or_date_is_an_error() {
        let e = parse(
            "工作简报\n2021 年 7 月 29 日\n于都县\n",
            Path::new("in.txt"),
            &named,
        )
        .unwrap_err();
        assert!(e.message.contains("issue number"), "{}", e.message);
        let e = parse(
            "工作简报\n第 3 期\n办公室\n于都县推进\n正文。\n",
            Path::new("in.txt"),
            &named,
        )
        .unwrap_err();
        assert!(e.message.contains("date"), "{}", e.message);
    }

    #[test]
    fn a_paragraph_without_a_final_stop_continues_across_a_page_break() {
        let src = format!(
            "{HEAD}于都县推进学前教育\n\n一、投入资金。累计\n\n— 2 —\n\n接送劳动力 1703 车次。\n\n二、实有在孵企业(实\n\n- 3 -\n\n体) 2884 家。\n"
        );
        let p = parse_ok(&src);
        assert_eq!(
            paragraphs(&p.articles[0]),
            [
                "一、投入资金。累计接送劳动力 1703 车次。",
                "二、实有在孵企业(实体) 2884 家。"
            ]
        );
    }

    #[test]
    fn indented_text_starts_paragraphs_only_at_indented_lines() {
        let src = format!(
            "{HEAD}于都县推进学前教育\n\u{3000}\u{3000}第一段开头，到行末。\n接着第一段。\n\u{3000}\u{3000}第二段。\n"
        );
        let p = parse_ok(&src);
        assert_eq!(
            paragraphs(&p.articles[0]),
            ["第一段开头，到行末。接着第一段。", "第二段。"]
        );
    }

    #[test]
    fn titles_are_told_from_paragraphs_and_section_leads() {
        let src = format!(
            "{HEAD}市人社局多措并举促进农民工就业创业\n\n近年来，全市就业稳定。\n\n一、统一人员聘用\n\n整合资金。\n\n（一）统一待遇\n\n落实政策。\n\n定南县创新乡村一体化运行机制 提升村级卫生服务能力\n\n正文。\n"
        );
        let p = parse_ok(&src);
        assert_eq!(p.articles.len(), 2);
        assert_eq!(p.articles[0].title, "市人社局多措并举促进农民工就业创业");
        assert_eq!(
            p.articles[0].blocks,
            vec![
                Block::Paragraph("近年来，全市就业稳定。".into()),
                Block::Heading(Marker::Chapter, "一、统一人员聘用".into()),
                Block::Paragraph("整合资金。".into()),
                Block::Heading(Marker::Section, "（一）统一待遇".into()),
                Block::Paragraph("落实政策。".into()),
            ]
        );
        assert_eq!(
            p.articles[1].title,
            "定南县创新乡村一体化运行机制 提升村级卫生服务能力"
        );
    }

    #[test]
    fn a_title_printed_over_two_lines_is_joined_with_a_space() {
        let src = format!(
            "{HEAD}市住建局积极推进全市既有住宅加装电梯\n改善人民群众居住条件\n\n近年来，推进加装电梯。\n"
        );
        let p = parse_ok(&src);
        assert_eq!(
            p.articles[0].title,
            "市住建局积极推进全市既有住宅加装电梯 改善人民群众居住条件"
        );
    }

    #[test]
    fn a_short_line_with_a_comma_is_a_paragraph_with_a_warning() {
        let src = format!("{HEAD}于都县推进学前教育\n\n正文。\n\n强化措施，狠抓落实\n\n正文二。\n");
        let p = parse_ok(&src);
        assert_eq!(p.articles.len(), 1);
        assert!(
            p.warnings.iter().any(|w| w.message.contains("ambiguous")),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn the_editors_note_becomes_the_introduction() {
        let src = format!(
            "{HEAD}【编者按】今年以来，各地积极推进。\n\n现将有关做法刊发。\n\n于都县推进学前教育\n\n正文。\n"
        );
        let p = parse_ok(&src);
        assert_eq!(
            p.intro,
            vec![
                Block::Paragraph("【编者按】今年以来，各地积极推进。".into()),
                Block::Paragraph("现将有关做法刊发。".into())
            ]
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.articles.len(), 1);
    }

    #[test]
    fn the_footer_goes_to_front_matter_never_into_an_article() {
        let src = format!(
            "{HEAD}于都县推进学前教育\n\n正文。\n\n报：市委常委，市人大常委会主任，\n    市政协主席。\n送：各县（市、区）政府。\n抄送：市直各单位\n市“五型”政府建设领导小组办公室编    （共印 120 份）\n电话：8992528    电子邮箱：gzswxzfb@163.com\n"
        );
        let p = parse_ok(&src);
        assert_eq!(paragraphs(&p.articles[0]), ["正文。"]);
        let get = |k: &str| {
            p.extra
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("phone"), Some(Value::Text("8992528".into())));
        assert_eq!(get("email"), Some(Value::Text("gzswxzfb@163.com".into())));
        assert_eq!(
            get("report_to"),
            Some(Value::Text(
                "市委常委，市人大常委会主任，市政协主席。".into()
            ))
        );
        assert_eq!(
            get("send_to"),
            Some(Value::Text("各县（市、区）政府。".into()))
        );
        assert_eq!(get("copy_to"), Some(Value::Text("市直各单位".into())));
        assert_eq!(get("print_run"), Some(Value::Number(120)));
        assert_eq!(p.editor.as_deref(), Some("市“五型”政府建设领导小组办公室"));
    }

    #[test]
    fn footer_lines_are_recognised_item_by_item() {
        assert_eq!(
            footer_line("电  话：0797-8992528"),
            Some(vec![FooterItem::Field(
                "phone",
                Value::Text("0797-8992528".into()),
                false
            )])
        );
        assert!(footer_line("报：市委").is_some());
        assert!(footer_line("近年来，电话：123").is_none());
        assert!(footer_line("于都县推进学前教育").is_none());
        assert_eq!(print_run("（共印 50 份）").map(|p| p.0), Some(50));
    }

    #[test]
    fn running_headers_and_rules_are_page_furniture() {
        let src = format!(
            "{HEAD}于都县推进学前教育\n\n第一段，\n\n赣州市“五型”政府建设工作简报\n————————\n接着。\n"
        );
        let p = parse_ok(&src);
        assert_eq!(paragraphs(&p.articles[0]), ["第一段，接着。"]);
    }

    #[test]
    fn every_line_of_an_article_is_in_its_source() {
        let src = format!("{HEAD}于都县推进学前教育\n\n一、第一段，\n\n— 2 —\n\n接着。\n");
        let p = parse_ok(&src);
        assert_eq!(p.articles[0].source, "于都县推进学前教育一、第一段，接着。");
    }

    #[test]
    fn ordinal_leads_are_recognised() {
        assert!(ordinal_lead("一是抓制度建设"));
        assert!(ordinal_lead("十二是"));
        assert!(!ordinal_lead("统一是"));
        assert!(!ordinal_lead("一体化"));
    }
}
