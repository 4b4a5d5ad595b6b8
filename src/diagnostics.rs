//! Problems found in a site, told the way a person fixing them needs them.
//!
//! Every stage reports through [`Diagnostic`]: the file (relative to the site root), the line and
//! column where known, what is wrong and what would be right. Stages collect every problem they
//! find instead of stopping at the first, so one build shows the whole list; the build then fails
//! once. Rendering goes through annotate-snippets so a message shows the offending source line with
//! a caret under the bad value, as rustc does.
//!
//! The command line speaks English; the 工作台 (the browser page clerks use) speaks Chinese. So
//! every diagnostic the code makes also carries its message, and its help where it has one, in
//! Chinese: [`Diagnostic::zh`] and [`Diagnostic::zh_help`], chained where it is made. Rendering
//! for the terminal uses only the English; the 工作台 shows the Chinese
//! ([`Diagnostic::message_zh`], [`Diagnostic::help_zh`]). `tests/testsuite/chinese.rs` fails on a
//! diagnostic made in `src/` without them.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How bad a problem is. Errors fail the build; warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem sits: a 1-based line, and the text of that line with the byte range
/// of the bad part so it can be underlined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    /// 1-based column, counted in characters (what editors show).
    pub column: usize,
    pub line_text: String,
    pub span: Range<usize>,
}

impl Location {
    /// Locate a byte range of `source` (a whole file), turning it into line, column and the text
    /// of that line. A range that crosses lines is cut at the end of its first line.
    pub fn from_byte_range(source: &str, range: Range<usize>) -> Location {
        let start = floor_char_boundary(source, range.start.min(source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        let column = source[line_start..start].chars().count() + 1;
        let mut end = range.end.clamp(start, line_start + line_text.len());
        end = floor_char_boundary(source, end);
        let span = (start - line_start)..(end - line_start);
        Location {
            line,
            column,
            line_text: line_text.to_string(),
            span,
        }
    }

    /// Locate a 1-based line and 1-based character column in `source`, underlining `len_chars`
    /// characters from there (at least one, where the line has any).
    pub fn from_line_col(source: &str, line: usize, column: usize, len_chars: usize) -> Location {
        let line_idx = line.max(1) - 1;
        let line_text = source
            .split('\n')
            .nth(line_idx)
            .unwrap_or("")
            .trim_end_matches('\r');
        let start = byte_of_char(line_text, column.max(1) - 1);
        let end = byte_of_char(line_text, column.max(1) - 1 + len_chars.max(1));
        Location {
            line: line.max(1),
            column: column.max(1),
            line_text: line_text.to_string(),
            span: start..end.max(start),
        }
    }
}

fn byte_of_char(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem, with everything needed to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file, relative to the site root where it is inside it.
    pub path: Option<PathBuf>,
    pub location: Option<Box<Location>>,
    /// A short label under the caret ("unknown county").
    pub label: Option<String>,
    /// What would be right: "did you mean `于都县`?", "dates are written YYYY-MM-DD".
    pub help: Option<String>,
    /// The message and help in Chinese, for the 工作台 (boxed: a diagnostic is moved a lot).
    pub zh: Option<Box<Zh>>,
}

/// A diagnostic's message and help in Chinese, as the 工作台 shows them to a clerk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Zh {
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            path: None,
            location: None,
            label: None,
            help: None,
            zh: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// "cannot write WHAT: why", with what to check: the one message for a failed write. `what`
    /// is taken into the Chinese as it is (a path); where it is English words, chain a `.zh()`.
    pub fn cannot_write(what: impl fmt::Display, e: impl fmt::Display) -> Self {
        Diagnostic::error(format!("cannot write {what}: {e}"))
            .with_help("check that the disk is not full and that the output folder is writable")
            .zh(format!("无法写入 {what}：{e}"))
            .zh_help("请检查磁盘是否已满、输出文件夹是否可以写入")
    }

    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn with_location(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The message in Chinese, for the 工作台 (the command line keeps the English).
    pub fn zh(mut self, message: impl Into<String>) -> Self {
        self.zh.get_or_insert_default().message = message.into();
        self
    }

    /// The help in Chinese, for the 工作台: chained after [`Diagnostic::zh`] wherever
    /// [`Diagnostic::with_help`] is.
    pub fn zh_help(mut self, help: impl Into<String>) -> Self {
        self.zh.get_or_insert_default().help = Some(help.into());
        self
    }

    /// What the 工作台 shows: the Chinese message, or the English where there is none.
    pub fn message_zh(&self) -> &str {
        match &self.zh {
            Some(zh) if !zh.message.is_empty() => &zh.message,
            _ => &self.message,
        }
    }

    /// The help the 工作台 shows: the Chinese, or the English where there is none.
    pub fn help_zh(&self) -> Option<&str> {
        self.zh
            .as_ref()
            .and_then(|zh| zh.help.as_deref())
            .or(self.help.as_deref())
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, or as much of it as is known.
    pub fn position(&self) -> String {
        let mut s = self
            .path
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if let Some(loc) = &self.location {
            s.push_str(&format!(":{}:{}", loc.line, loc.column));
        }
        s
    }

    /// The diagnostic as text, with ANSI colours when `color` is set.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path_str = self
            .path
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mut group = Group::with_title(level.primary_title(self.message.as_str()));
        if let Some(loc) = &self.location {
            let mut ann = AnnotationKind::Primary.span(loc.span.clone());
            if let Some(label) = &self.label {
                ann = ann.label(label.as_str());
            }
            let mut snippet = Snippet::source(loc.line_text.as_str())
                .line_start(loc.line)
                .annotation(ann);
            if !path_str.is_empty() {
                snippet = snippet.path(path_str.as_str());
            }
            group = group.element(snippet);
        } else if !path_str.is_empty() {
            group = group.element(annotate_snippets::Origin::path(path_str.as_str()));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// A list of problems; the build fails if any is an error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

/// One problem as a list, so a step that fails with one converts with `?`.
impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Errors first, then by file and line, so the output is the same from run to run whatever
    /// order the threads found them in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (a.severity, &a.path, a.location.as_ref().map(|l| l.line))
                .cmp(&(b.severity, &b.path, b.location.as_ref().map(|l| l.line)))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.0.dedup();
    }

    /// Every diagnostic, then a one-line count.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        let (e, w) = (self.error_count(), self.warning_count());
        if e > 0 {
            out.push_str(&format!(
                "{e} error{}{}\n",
                if e == 1 { "" } else { "s" },
                if w > 0 {
                    format!(", {w} warning{}", if w == 1 { "" } else { "s" })
                } else {
                    String::new()
                }
            ));
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Whether messages on stderr may be coloured: it is a terminal and NO_COLOR is not set; and on
/// Windows, its console has been switched to read colour codes, which the console of cmd.exe and
/// PowerShell does not do by itself (it would print `←[31merror` instead of a red `error`).
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none()
        && std::io::stderr().is_terminal()
        && anstyle_query::windows::enable_ansi_colors().unwrap_or(true)
}

/// Show `path` relative to `root` when it lies inside it, as the user typed paths.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| dunce::simplified(path).to_path_buf())
}

/// A path as people write it. Canonicalising on Windows gives a verbatim path
/// (`\\?\C:\简报\output`, `\\?\UNC\server\share`), which no Windows user expects to see
/// and cmd.exe's `cd` does not take; this drops the prefix (`C:\简报\output`,
/// `\\server\share`) where the path means the same without it, and keeps it where it does not (over
/// 260 characters, a name such as `CON`). Elsewhere paths are shown as they are.
pub fn shown_path(path: &Path) -> std::path::Display<'_> {
    dunce::simplified(path).display()
}

/// The closest of `candidates` to `wanted`, if any is close enough to be a plausible typo.
/// Chinese names are short, so closeness is measured in characters, averaged with closeness in
/// pinyin (the commonest slip of a Chinese input method is a character of the same sound:
/// 余都县 for 于都县), and containment counts ("于都" → "于都县").
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    let wanted_pinyin = crate::slug::slugify(wanted);
    for c in candidates {
        let chars = strsim::normalized_levenshtein(wanted, c);
        let sound = strsim::normalized_levenshtein(&wanted_pinyin, &crate::slug::slugify(c));
        let mut score = (chars + sound) / 2.0;
        if !wanted.is_empty() && (c.contains(wanted) || wanted.contains(c)) {
            score = score.max(0.75);
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.5).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_without_the_windows_verbatim_prefix() {
        let shown = |p: &str| shown_path(Path::new(p)).to_string();
        if cfg!(windows) {
            assert_eq!(shown(r"\\?\C:\简报\output"), r"C:\简报\output");
            assert_eq!(shown(r"\\?\D:\my site\我的简报"), r"D:\my site\我的简报");
            assert_eq!(shown(r"\\?\UNC\server\share\简报"), r"\\server\share\简报");
            // Where the prefix changes the meaning it stays: a reserved name, a long path.
            assert_eq!(shown(r"\\?\C:\site\CON"), r"\\?\C:\site\CON");
            let long = format!(r"\\?\C:\{}", "很长的文件夹名\\".repeat(40));
            assert_eq!(shown(&long), long);
            assert_eq!(
                display_path(Path::new(r"C:\site"), Path::new(r"\\?\C:\其他\a.md")),
                PathBuf::from(r"C:\其他\a.md")
            );
        } else {
            // Nothing to drop elsewhere: a path is shown as it is, even one that looks verbatim.
            assert_eq!(shown("/home/张三/我的简报"), "/home/张三/我的简报");
            assert_eq!(shown(r"\\?\C:\x"), r"\\?\C:\x");
        }
        assert_eq!(
            shown("content/2021-125/01 就业.md"),
            "content/2021-125/01 就业.md"
        );
    }

    #[test]
    fn location_from_byte_range_counts_chinese_columns_in_characters() {
        let src = "title: 标题\ncounty: 于都\n";
        let start = src.find("于都").unwrap();
        let loc = Location::from_byte_range(src, start..start + "于都".len());
        assert_eq!(loc.line, 2);
        assert_eq!(loc.column, 9);
        assert_eq!(loc.line_text, "county: 于都");
        assert_eq!(&loc.line_text[loc.span.clone()], "于都");
    }

    #[test]
    fn location_from_line_col_underlines_the_value() {
        let src = "a: 1\ndate: 2021-02-30\n";
        let loc = Location::from_line_col(src, 2, 7, 10);
        assert_eq!(&loc.line_text[loc.span.clone()], "2021-02-30");
    }

    #[test]
    fn closest_suggests_the_full_county_name_for_a_short_one() {
        let names = ["于都县", "定南县", "赣州市"];
        assert_eq!(closest("于都", names), Some("于都县"));
        assert_eq!(closest("定男县", names), Some("定南县"));
        // Same sound, different character: the input method's slip.
        assert_eq!(closest("余都县", ["宁都县", "于都县"]), Some("于都县"));
        assert_eq!(closest("北京", names), None);
    }

    #[test]
    fn rendered_diagnostic_names_file_line_and_help() {
        let src = "county: 于都\n";
        let d = Diagnostic::error("unknown county `于都`")
            .with_path("content/a.md")
            .with_location(Location::from_byte_range(src, 8..14))
            .with_label("not in site.yaml's counties")
            .with_help("did you mean `于都县`?");
        let text = d.render(false);
        assert!(text.contains("content/a.md:1:9"), "{text}");
        assert!(text.contains("county: 于都"), "{text}");
        assert!(text.contains("did you mean `于都县`?"), "{text}");
    }

    #[test]
    fn chinese_is_for_the_desk_and_the_command_line_renders_the_english_unchanged() {
        let src = "county: 于都\n";
        let english = Diagnostic::error("unknown county `于都`")
            .with_path("content/a.md")
            .with_location(Location::from_byte_range(src, 8..14))
            .with_label("not in site.yaml's counties")
            .with_help("did you mean `于都县`?");
        let both = english
            .clone()
            .zh("县区 `于都` 不在词表中")
            .zh_help("是不是 `于都县`？");
        assert_eq!(both.render(false), english.render(false));
        assert_eq!(both.render(true), english.render(true));
        assert_eq!(both.to_string(), english.to_string());
        assert!(!both.render(false).contains("词表"));
        assert_eq!(both.message, "unknown county `于都`");
        assert_eq!(both.message_zh(), "县区 `于都` 不在词表中");
        assert_eq!(both.help_zh(), Some("是不是 `于都县`？"));
        // Without Chinese, the 工作台 falls back to the English.
        assert_eq!(english.message_zh(), english.message);
        assert_eq!(english.help_zh(), Some("did you mean `于都县`?"));
        // The help alone, or in either order.
        let help_first = Diagnostic::warning("w").zh_help("帮助").zh("警告");
        assert_eq!(
            help_first.zh.as_deref(),
            Some(&Zh {
                message: "警告".into(),
                help: Some("帮助".into())
            })
        );
        // A failed write says the same in both, the path kept as it is.
        let d = Diagnostic::cannot_write("output/a.html", "disk full");
        assert_eq!(d.message, "cannot write output/a.html: disk full");
        assert_eq!(d.message_zh(), "无法写入 output/a.html：disk full");
        assert!(d.help_zh().is_some_and(|h| h.contains("磁盘")));
        let mut all = Diagnostics::from(both);
        all.push(english);
        assert!(!all.render(false).contains("县区"));
    }
}
