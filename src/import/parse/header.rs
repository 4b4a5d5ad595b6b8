//! The header: the masthead, the issue line, the editor and the date.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::{Kind, Line, at};
use crate::diagnostics::Diagnostic;
use crate::import::text;

pub(super) struct Header {
    pub(super) series: Option<String>,
    pub(super) number: u32,
    pub(super) total: Option<u32>,
    pub(super) year: i32,
    pub(super) date: NaiveDate,
    pub(super) editor: Option<String>,
    pub(super) markings: Vec<String>,
    /// The copy number at the top right (`No.000123`, `第 12 份`).
    pub(super) copy_number: Option<String>,
    /// Index of the first line after the header.
    pub(super) end: usize,
}

/// `市政府办公室编` → `市政府办公室`; `主办：市政府办公室` → `市政府办公室`.
pub(super) fn strip_editor(s: &str) -> String {
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
pub(super) fn is_editor_line(s: &str) -> bool {
    let t = s.trim_end_matches(text::is_space);
    (t.ends_with('编') || t.ends_with("编印") || t.ends_with("编发") || t.ends_with("主办"))
        && text::len(t) <= 40
        && !t.contains(['，', '。', '；', ','])
}

pub(super) fn parse_header(lines: &[Line], src: &str, path: &Path) -> Result<Header, Diagnostic> {
    let mut masthead: Vec<String> = Vec::new();
    let mut markings = Vec::new();
    let mut copy_number: Option<String> = None;
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
        if let Some(m) = crate::review::masthead::line_marks(t) {
            markings.extend(m.marking);
            copy_number = copy_number.or(m.copy);
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
                )
                .zh("简报开头没有找到期号")
                .zh_help(
                    "导入时从报头下面 `第 125 期`、`2021 年第 8 期` 或 `总第 133 期` 这样的一行读期号；\
                     请加上这一行",
                ),
        );
    };
    let Some(date) = date else {
        return Err(Diagnostic::error("no date found at the top of the bulletin")
            .with_path(path)
            .with_location(at(src, first_text))
            .with_help(
                "bulletin import reads the date from a line like `2021 年 7 月 29 日` near the issue number; add one",
            )
            .zh("简报开头没有找到日期")
            .zh_help("导入时从期号附近 `2021 年 7 月 29 日` 这样的一行读日期；请加上这一行"));
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
        copy_number,
        end,
    })
}
