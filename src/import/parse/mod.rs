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
//!   starts with one is a paragraph with a lead-in (see `markdown`).
//! - Text between the header and the first title is the issue's introduction (`【编者按】`).

mod body;
mod footer;
mod header;
#[cfg(test)]
mod tests;

use std::path::Path;

use chrono::NaiveDate;

use super::lines::LineHint;
use super::text::{self, Marker};
use crate::diagnostics::{Diagnostic, Location};
use body::{Frag, parse_body};
use footer::find_footer;
use header::parse_header;

pub use body::ordinal_lead;
pub use footer::FOOTER_KEYS;

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
    /// A paragraph whose first characters (this many, whitespace aside) the input set in bold: a
    /// Word file's bold lead-in.
    BoldLead(String, usize),
    /// A section heading on a line of its own: `一、统一人员聘用`.
    Heading(Marker, String),
    /// A table or picture of the input, by the number its [`LineHint`] gave it.
    Object(usize),
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
    /// Further front matter, in a fixed order: `total`, `marking`, `classification`,
    /// `copy_number`, then the footer's fields.
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
    /// A table or picture.
    Object(usize),
}

#[derive(Debug, Clone)]
struct Line {
    no: usize,
    text: String,
    indented: bool,
    kind: Kind,
    hint: LineHint,
}

fn lines_of(src: &str, hints: &[LineHint]) -> Vec<Line> {
    src.split('\n')
        .enumerate()
        .map(|(i, raw)| {
            let (text, indented) = text::clean_line(raw);
            let hint = hints.get(i).copied().unwrap_or_default();
            let kind = if let Some(k) = hint.object {
                Kind::Object(k)
            } else if text.is_empty() {
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
                hint,
            }
        })
        .collect()
}

/// Whether `t` reads like a line of a bulletin's header or footer: an issue line, a date, a
/// marking, or footer items (`电话：`, `报：`, `共印 N 份`…).
pub fn is_header_or_footer_line(t: &str) -> bool {
    let t = text::clean_line(t).0;
    !text::find_issue_numbers(&t).is_empty()
        || text::find_date(&t).is_some()
        || text::is_marking(&t)
        || footer::footer_line(&t).is_some()
}

/// What import says of a marked issue: a 密级 is never to be published, 内部资料 only once
/// someone decides it may.
fn marked_warning(classification: &str, path: &Path) -> Diagnostic {
    let secret =
        crate::review::Classification::parse(classification).is_some_and(|c| c.is_secret());
    if secret {
        Diagnostic::warning(format!(
            "the masthead is marked `{classification}`, a 密级: `classification: {classification}` is written into _index.md, and bulletin build refuses the issue"
        ))
        .with_path(path)
        .with_help("a classified bulletin must never go online; remove the issue folder and hand the document back to the office that keeps classified documents")
        .zh(format!(
            "报头标有 `{classification}`，是密级：`_index.md` 里写上了 `classification: {classification}`，生成网站时会拒绝这一期"
        ))
        .zh_help("涉密简报一律不得上网；请删掉这一期的文件夹，把文件交还负责保管涉密文件的部门")
    } else {
        Diagnostic::warning(format!(
            "the masthead is marked 内部资料: `classification: {classification}` is written into _index.md, and bulletin build refuses the issue until it says whether it may be published"
        ))
        .with_path(path)
        .with_help("once it is decided that the issue may go online, add `public: 主动公开` to its _index.md; `public: 不予公开` keeps it off the site")
        .zh(format!(
            "报头标有内部资料：`_index.md` 里写上了 `classification: {classification}`，在写明能否公开之前，生成网站时会拒绝这一期"
        ))
        .zh_help("决定这一期可以上网后，在它的 `_index.md` 里加上 `public: 主动公开`；写 `public: 不予公开` 则不上网站")
    }
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
    parse_with_hints(src, &[], path, is_named)
}

/// Parse a bulletin whose lines come with hints (`hints[i]` for line `i + 1`), as read from a Word
/// file.
pub fn parse_with_hints(
    src: &str,
    hints: &[LineHint],
    path: &Path,
    is_named: &dyn Fn(&str) -> bool,
) -> Result<Parsed, Diagnostic> {
    let lines = lines_of(src, hints);
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
    // The marks as the loader reads them, so a marked issue cannot be published by accident.
    if let Some(c) = crate::review::masthead::classification(&markings) {
        warnings.push(marked_warning(&c, path));
        extra.push(("classification", Value::Text(c)));
    }
    if let Some(n) = &header.copy_number {
        extra.push(("copy_number", Value::Text(n.clone())));
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
                    .with_help("the footer's is kept as `footer_editor` in _index.md")
                    .zh(format!(
                        "版记里的编辑单位是 `{fe}`，报头里是 `{e}`；`editor` 用报头的"
                    ))
                    .zh_help("版记里的保留在 `_index.md` 的 `footer_editor` 里"),
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
                    hint: l.hint,
                });
                gap = false;
            }
            Kind::Object(_) => {
                frags.push(Frag {
                    text: l.text.clone(),
                    line: l.no,
                    indented: false,
                    gap_before: gap,
                    hint: l.hint,
                });
                gap = true;
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
