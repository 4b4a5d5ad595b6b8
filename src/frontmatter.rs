//! Front matter: splitting it from the body, and reading typed fields out of it with messages that
//! point at the exact value.
//!
//! The YAML is parsed once into a map of spanned values; [`Fields`] then takes the known keys one
//! by one, checking each type and reporting a wrong one at its line and column. Whatever is left is
//! handed to templates untouched as `extra`, with a warning when a leftover key looks like a typo
//! of a known one (`toipcs:`).

use std::collections::BTreeMap;

use serde_json::Value as Json;
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Location};

/// A Markdown file cut in two.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// Lines before the YAML in the file (1 for the opening `---`).
    pub yaml_line_offset: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    Missing,
    /// `---` opens the front matter but nothing closes it.
    Unclosed,
}

/// Split `text` (already without a BOM) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                yaml_line_offset: 1,
                body: &text[body_start..],
            });
        }
        pos = end + 1;
    }
    Err(SplitError::Unclosed)
}

/// A value taken from front matter with where it was.
pub type SpannedJson = Spanned<Json>;

/// The front matter of one file, being read field by field.
pub struct Fields<'a> {
    map: BTreeMap<String, SpannedJson>,
    file_text: &'a str,
    path: &'a str,
    line_offset: usize,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Parse the YAML of `split`. A YAML error becomes the one diagnostic returned.
    pub fn parse(split: &Split<'_>, file_text: &'a str, path: &'a str) -> Result<Self, Diagnostic> {
        let map: BTreeMap<String, SpannedJson> = if split.yaml.trim().is_empty() {
            BTreeMap::new()
        } else {
            crate::yaml::from_str(split.yaml)
                .map_err(|e| e.into_diagnostic(file_text, split.yaml_line_offset, path))?
        };
        Ok(Fields {
            map,
            file_text,
            path,
            line_offset: split.yaml_line_offset,
            diags: Vec::new(),
        })
    }

    /// Where a value sits in the file, underlining the rest of its line.
    pub fn location_of(&self, v: &SpannedJson) -> Option<Location> {
        let line = v.referenced.line() as usize;
        if line == 0 {
            return None;
        }
        let file_line = line + self.line_offset;
        let col = v.referenced.column() as usize;
        let line_text = self.file_text.split('\n').nth(file_line - 1).unwrap_or("");
        let len = line_text
            .trim_end()
            .chars()
            .count()
            .saturating_sub(col.saturating_sub(1))
            .max(1);
        Some(Location::from_line_col(self.file_text, file_line, col, len))
    }

    /// Where `needle` first appears at or after the line of `v`: lets a message point at one item
    /// of a list.
    pub fn location_of_text(&self, v: &SpannedJson, needle: &str) -> Option<Location> {
        let line = (v.referenced.line() as usize).max(1) + self.line_offset;
        let mut offset = 0;
        for (i, l) in self.file_text.split('\n').enumerate() {
            if i + 1 >= line
                && let Some(p) = l.find(needle)
            {
                let start = offset + p;
                return Some(Location::from_byte_range(
                    self.file_text,
                    start..start + needle.len(),
                ));
            }
            offset += l.len() + 1;
        }
        self.location_of(v)
    }

    /// Report a problem with `v` (or with the file, at its first line). Each text is given as
    /// `[English, Chinese]`: the command line prints the first, the 工作台 shows the second.
    fn error(&mut self, v: Option<&SpannedJson>, message: [String; 2], help: [String; 2]) {
        let [message, message_zh] = message;
        let [help, help_zh] = help;
        let mut d = Diagnostic::error(message)
            .with_path(self.path)
            .with_help(help)
            .zh(message_zh)
            .zh_help(help_zh);
        if let Some(loc) = v.and_then(|v| self.location_of(v)) {
            d = d.with_location(loc);
        } else {
            d = d.with_location(Location::from_line_col(self.file_text, 1, 1, 3));
        }
        self.diags.push(d);
    }

    /// Report a problem with the value of `key` (already taken). Each text is given as
    /// `[English, Chinese]`: the command line prints the first, the 工作台 shows the second.
    pub fn error_at(
        &mut self,
        v: &SpannedJson,
        message: [String; 2],
        label: &str,
        help: [String; 2],
    ) {
        let [message, message_zh] = message;
        let [help, help_zh] = help;
        let mut d = Diagnostic::error(message)
            .with_path(self.path)
            .with_label(label)
            .with_help(help)
            .zh(message_zh)
            .zh_help(help_zh);
        if let Some(loc) = self.location_of(v) {
            d = d.with_location(loc);
        }
        self.diags.push(d);
    }

    pub fn path(&self) -> &str {
        self.path
    }

    /// Take `key` out of the map.
    pub fn take(&mut self, key: &str) -> Option<SpannedJson> {
        self.map.remove(key)
    }

    fn missing(&mut self, key: &str, example: &str) {
        self.error(
            None,
            [
                format!("missing required field `{key}`"),
                format!("缺少必填项 `{key}`"),
            ],
            [
                format!("add it to the front matter, e.g. `{key}: {example}`"),
                format!("在文件头（开头两行 `---` 之间）加上这一项，例如 `{key}: {example}`"),
            ],
        );
    }

    /// The value of `key` unless it is absent or null; absent and `required` (with an example
    /// value for the message) is reported.
    fn take_present(&mut self, key: &str, required: Option<&str>) -> Option<SpannedJson> {
        match self.take(key) {
            Some(v) if !v.value.is_null() => Some(v),
            _ => {
                if let Some(example) = required {
                    self.missing(key, example);
                }
                None
            }
        }
    }

    /// A required or optional string. Numbers are accepted as their text (`unit: 110`).
    pub fn string(&mut self, key: &str, required: Option<&str>) -> Option<(String, SpannedJson)> {
        let v = self.take_present(key, required)?;
        let s = match &v.value {
            Json::String(s) => s.trim().to_string(),
            Json::Number(n) => n.to_string(),
            other => {
                self.error(
                    Some(&v),
                    [
                        format!("`{key}` must be text, found {}", json_kind(other)),
                        format!("`{key}` 应当是文字，这里是{}", json_kind_zh(other)),
                    ],
                    [
                        format!("write it as `{key}: 文字`"),
                        format!("写成 `{key}: 文字`"),
                    ],
                );
                return None;
            }
        };
        if s.is_empty() && required.is_some() {
            let example = required.unwrap_or("…");
            self.error(
                Some(&v),
                [format!("`{key}` is empty"), format!("`{key}` 是空的")],
                [
                    format!("give it a value, e.g. `{key}: {example}`"),
                    format!("请填写，例如 `{key}: {example}`"),
                ],
            );
            return None;
        }
        Some((s, v))
    }

    /// An integer; a string of digits is accepted too.
    pub fn integer(&mut self, key: &str, required: Option<&str>) -> Option<(i64, SpannedJson)> {
        let v = self.take_present(key, required)?;
        let n = match &v.value {
            Json::Number(n) => n.as_i64(),
            Json::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match n {
            Some(n) => Some((n, v)),
            None => {
                let (found, example) = (json_kind(&v.value), required.unwrap_or("1"));
                let found_zh = json_kind_zh(&v.value);
                self.error(
                    Some(&v),
                    [
                        format!("`{key}` must be a whole number, found {found}"),
                        format!("`{key}` 应当是整数，这里是{found_zh}"),
                    ],
                    [
                        format!("write it as digits, e.g. `{key}: {example}`"),
                        format!("用阿拉伯数字写，例如 `{key}: {example}`"),
                    ],
                );
                None
            }
        }
    }

    /// A boolean (`true`/`false`).
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.take(key)?;
        match &v.value {
            Json::Bool(b) => Some(*b),
            Json::Null => None,
            other => {
                let (found, found_zh) = (json_kind(other), json_kind_zh(other));
                self.error(
                    Some(&v),
                    [
                        format!("`{key}` must be true or false, found {found}"),
                        format!("`{key}` 只能是 true 或 false，这里是{found_zh}"),
                    ],
                    [
                        format!("write `{key}: true` or `{key}: false`"),
                        format!("写成 `{key}: true` 或 `{key}: false`"),
                    ],
                );
                None
            }
        }
    }

    /// A date written YYYY-MM-DD; impossible dates (2021-02-30) are errors.
    pub fn date(&mut self, key: &str, required: bool) -> Option<Date> {
        let v = self.take_present(key, required.then_some("2021-07-29"))?;
        let text = match &v.value {
            Json::String(s) => s.trim().to_string(),
            other => other.to_string(),
        };
        match Date::parse(&text) {
            Some(d) => Some(d),
            None => {
                let what = if looks_like_iso_date(&text) {
                    [
                        format!("`{key}` is not a real date: {text}"),
                        format!("`{key}` 不是日历上有的日期：{text}"),
                    ]
                } else {
                    [
                        format!("`{key}` must be a date written YYYY-MM-DD, found `{text}`"),
                        format!("`{key}` 应当是“年-月-日”的日期（YYYY-MM-DD），这里是 `{text}`"),
                    ]
                };
                self.error(
                    Some(&v),
                    what,
                    [
                        format!("write it as `{key}: 2021-07-29`"),
                        format!("写成 `{key}: 2021-07-29`"),
                    ],
                );
                None
            }
        }
    }

    /// A list of strings; a single string is taken as a list of one.
    pub fn string_list(&mut self, key: &str) -> Option<(Vec<String>, SpannedJson)> {
        let v = self.take(key)?;
        let list = match &v.value {
            Json::Null => return None,
            Json::String(s) => vec![s.trim().to_string()],
            Json::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Json::String(s) => out.push(s.trim().to_string()),
                        Json::Number(n) => out.push(n.to_string()),
                        other => {
                            let (found, found_zh) = (json_kind(other), json_kind_zh(other));
                            self.error(
                                Some(&v),
                                [
                                    format!("`{key}` must be a list of names, found {found} in it"),
                                    format!("`{key}` 应当是名称的列表，其中却有{found_zh}"),
                                ],
                                list_help(key),
                            );
                            return None;
                        }
                    }
                }
                out
            }
            other => {
                let (found, found_zh) = (json_kind(other), json_kind_zh(other));
                self.error(
                    Some(&v),
                    [
                        format!("`{key}` must be a list of names, found {found}"),
                        format!("`{key}` 应当是名称的列表，这里是{found_zh}"),
                    ],
                    list_help(key),
                );
                return None;
            }
        };
        Some((list.into_iter().filter(|s| !s.is_empty()).collect(), v))
    }

    /// What is left: keys no one took, for `extra`. Keys that look like a misspelt known key get a
    /// warning.
    pub fn into_extra(
        mut self,
        known: &[&str],
    ) -> (serde_json::Map<String, Json>, Vec<Diagnostic>) {
        let mut extra = serde_json::Map::new();
        let map = std::mem::take(&mut self.map);
        for (k, v) in map {
            if let Some(close) = known
                .iter()
                .find(|known| strsim::normalized_damerau_levenshtein(&k, known) >= 0.6)
            {
                let mut d = Diagnostic::warning(format!(
                    "unknown key `{k}` is passed to templates as `extra.{k}`"
                ))
                .with_path(self.path)
                .with_help(format!("did you mean `{close}`?"))
                .zh(format!("不认识的项 `{k}`：它会作为 `extra.{k}` 交给模板"))
                .zh_help(format!("是不是想写 `{close}`？"));
                if let Some(loc) = self.location_of_text(&v, &k) {
                    d = d.with_location(loc);
                }
                self.diags.push(d);
            }
            extra.insert(k, v.value);
        }
        (extra, self.diags)
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "nothing",
        Json::Bool(_) => "true/false",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

/// What a value is, in Chinese (for "这里是…").
fn json_kind_zh(v: &Json) -> &'static str {
    match v {
        Json::Null => "空值",
        Json::Bool(_) => " true/false",
        Json::Number(_) => "数字",
        Json::String(_) => "文字",
        Json::Array(_) => "列表",
        Json::Object(_) => "键值对",
    }
}

/// How a list of names is written, in English and Chinese.
fn list_help(key: &str) -> [String; 2] {
    [
        format!("write it as `{key}: [就业创业, 民生保障]`"),
        format!("写成 `{key}: [就业创业, 民生保障]`"),
    ]
}

fn looks_like_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A calendar date. Bulletins carry days, not times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parse `YYYY-MM-DD`, rejecting dates that do not exist.
    pub fn parse(s: &str) -> Option<Date> {
        if !looks_like_iso_date(s) {
            return None;
        }
        let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        use chrono::Datelike;
        Some(Date {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        })
    }

    /// `2021-07-29`
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2021年7月29日`, as printed on bulletins.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// RFC 3339 at midnight China time, for Atom.
    pub fn rfc3339(&self) -> String {
        format!("{}T00:00:00+08:00", self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_yaml_and_body() {
        let s = split("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.yaml_line_offset, 1);
    }

    #[test]
    fn split_accepts_crlf_and_empty_body() {
        let s = split("---\r\ntitle: a\r\n---\r\n").unwrap();
        assert_eq!(s.yaml, "title: a\r\n");
        assert_eq!(s.body, "");
        let s = split("---\ntitle: a\n---").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn split_reports_missing_and_unclosed_front_matter() {
        assert_eq!(split("# title\n").unwrap_err(), SplitError::Missing);
        assert_eq!(split("").unwrap_err(), SplitError::Missing);
        assert_eq!(split("---\ntitle: a\n").unwrap_err(), SplitError::Unclosed);
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert!(Date::parse("2021-02-30").is_none());
        assert!(Date::parse("2021-7-29").is_none());
        assert_eq!(
            Date::parse("2021-07-29").unwrap().chinese(),
            "2021年7月29日"
        );
        assert!(Date::parse("2024-02-29").is_some());
    }

    fn fields_of(text: &str) -> (Fields<'_>, Vec<Diagnostic>) {
        let s = split(text).unwrap();
        (Fields::parse(&s, text, "content/a.md").unwrap(), Vec::new())
    }

    #[test]
    fn a_wrong_type_is_reported_at_its_line() {
        let text = "---\ntitle: a\nnumber: [1]\n---\n";
        let (mut f, _) = fields_of(text);
        assert!(f.integer("number", Some("125")).is_none());
        let d = &f.diags[0];
        assert!(d.message.contains("whole number"), "{}", d.message);
        assert_eq!(d.location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let text = "---\ntitle: a\n---\n";
        let (mut f, _) = fields_of(text);
        assert!(f.string("county", Some("于都县")).is_none());
        assert!(f.diags[0].message.contains("`county`"));
    }

    #[test]
    fn an_impossible_date_points_at_the_value() {
        let text = "---\ndate: 2021-02-30\n---\n";
        let (mut f, _) = fields_of(text);
        assert!(f.date("date", true).is_none());
        let d = &f.diags[0];
        assert!(d.message.contains("not a real date"), "{}", d.message);
        let loc = d.location.as_ref().unwrap();
        assert_eq!(loc.line, 2);
        assert_eq!(&loc.line_text[loc.span.clone()], "2021-02-30");
    }

    #[test]
    fn leftover_keys_become_extra_and_typos_warn() {
        let text = "---\nphone: \"8992528\"\ntoipcs: [a]\n---\n";
        let (f, _) = fields_of(text);
        let (extra, diags) = f.into_extra(&["topics", "title"]);
        assert_eq!(extra["phone"], Json::String("8992528".into()));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].help.as_deref().unwrap().contains("topics"));
    }
}
