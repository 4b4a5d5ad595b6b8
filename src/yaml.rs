//! YAML parsing for site.yaml and front matter, in one place so both get the same rules.
//!
//! serde-saphyr with its defaults already does what we need for safety: a duplicate key is an
//! error, and alias expansion is bounded so a "billion laughs" document fails fast instead of
//! eating memory. On top we turn its errors into [`Diagnostic`]s that point at the line of the
//! original file (front matter starts on line 2 of a Markdown file, not line 1).

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Location};

/// A YAML error: its message, and where it is when the parser knows.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    /// 1-based line and column within the YAML text.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        with_snippet: false,
        leading_zero_numbers_as_strings: true,
    }
}

/// Parse `text` into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| {
        let loc = e.location();
        let line = loc.as_ref().map(|l| l.line() as usize).filter(|&l| l > 0);
        let column = loc.as_ref().map(|l| l.column() as usize).filter(|&c| c > 0);
        YamlError {
            message: clean_message(&e.without_snippet().to_string()),
            line,
            column,
        }
    })
}

/// serde-saphyr appends " at line X, column Y" to messages; we show the position ourselves.
fn clean_message(msg: &str) -> String {
    let msg = msg.trim();
    let cut = msg.rfind(" at line ").map_or(msg, |i| &msg[..i]);
    let first_line = cut.lines().next().unwrap_or(cut).trim();
    // "duplicate mapping key: title, set DuplicateKeyPolicy in Options if acceptable": the advice
    // is for programmers, not for whoever wrote the file.
    if let Some(rest) = first_line.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest);
        return format!("duplicate key `{key}`");
    }
    first_line.to_string()
}

impl YamlError {
    /// A diagnostic pointing into the file that holds the YAML. `file_text` is the whole file and
    /// `line_offset` the number of lines before the YAML in it.
    pub fn into_diagnostic(self, file_text: &str, line_offset: usize, path: &str) -> Diagnostic {
        let [help, help_zh] = yaml_help(&self.message);
        let message_zh = match self.message.strip_prefix("duplicate key ") {
            Some(key) => format!("YAML 格式有误：{key} 写了两次"),
            None => format!("YAML 格式有误：{}", self.message),
        };
        let mut d = Diagnostic::error(format!("invalid YAML: {}", self.message))
            .with_path(path)
            .with_help(help)
            .zh(message_zh)
            .zh_help(help_zh);
        if let Some(line) = self.line {
            d = d.with_location(Location::from_line_col(
                file_text,
                line + line_offset,
                self.column.unwrap_or(1),
                1,
            ));
        }
        d
    }
}

/// What to do about a YAML error, in English and Chinese.
fn yaml_help(message: &str) -> [&'static str; 2] {
    let m = message.to_ascii_lowercase();
    if m.contains("duplicate") {
        [
            "each key may appear once; remove or rename the repeated one",
            "每一项只能写一次：删去重复的那一项，或者改个名",
        ]
    } else if m.contains("unknown field") {
        [
            "check the spelling of the key; the known keys are listed in the README",
            "检查这一项的名称有没有拼错；可以写哪些项，README 里都列出了",
        ]
    } else if m.contains("budget") || m.contains("alias") {
        [
            "YAML anchors and aliases are limited to keep builds safe; write the values out",
            "为了安全，YAML 的锚点和别名（`&`、`*`）用得有限制：请把值直接写出来",
        ]
    } else {
        [
            "YAML needs `key: value` lines; a value holding `: ` or starting with a quote, `[`, `{`, `*` or `&` must be quoted",
            "每一行要写成 `名称: 值`（冒号后有空格）；值里含有 `: `，或以引号、`[`、`{`、`*`、`&` 开头时，要用引号括起来",
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn duplicate_keys_are_rejected_with_a_line() {
        let err = from_str::<BTreeMap<String, String>>("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.message, "duplicate key `a`");
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn a_syntax_error_has_a_position() {
        let err = from_str::<BTreeMap<String, String>>("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line.is_some(), "{err:?}");
    }

    #[test]
    fn an_alias_bomb_fails_fast() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        // 10^12 nodes if the aliases were expanded: an error (rather than a test that never ends or
        // runs out of memory) is the proof that the expansion limit held. No clock here: a timed
        // assertion fails on a busy machine, not on a broken limit.
        let res = from_str::<serde_json::Value>(&doc);
        assert!(res.is_err());
    }

    #[test]
    fn diagnostic_line_is_offset_into_the_file() {
        let file = "---\ntitle: a\ntitle: b\n---\n";
        let err = from_str::<BTreeMap<String, String>>("title: a\ntitle: b\n").unwrap_err();
        let d = err.into_diagnostic(file, 1, "content/x.md");
        assert_eq!(d.location.unwrap().line, 3);
    }
}
