//! `bulletin import`: a bulletin as received (the Word file, the printed PDF, or text taken from
//! either) becomes an issue folder of content, with nothing lost and nothing clobbered.
//!
//! The stages, each a submodule with its own tests:
//! [`input`] (the format told by content: [`docx`], [`pdf`], or [`decode`] for UTF-8, GB18030,
//! UTF-16 text → lines, with what a Word file knows as hints) → [`parse`] (header, footer, editor's
//! note, titles, paragraphs, sections) → [`classify`] (county, unit and topics of each article,
//! from site.yaml) → [`emit`] (front matter and Markdown written out). This module ties them together: it
//! plans every file of every input (pictures too), checks the plan against what is on disk, and
//! writes only when nothing is wrong.
//!
//! Two guarantees are checked, not hoped for:
//! - every character of an article's lines in the input is in its generated file, in order
//!   (whitespace and page furniture aside): each generated body is rendered back to text and
//!   compared before anything is written; every table's cells are in its Markdown table, and every
//!   table and picture of a Word file is in an article, in `_index.md`, or named in a warning;
//! - an existing file is never overwritten without `force`, and an import run twice writes the same
//!   bytes, so a second run finds every file unchanged.

pub mod classify;
pub mod decode;
pub mod docx;
pub mod emit;
mod issue;
use issue::render_issue;
pub mod input;
pub mod lines;
pub mod parse;
pub mod pdf;
pub mod resolve;
pub mod site_yaml;
pub mod text;
pub mod upright;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use classify::Classifier;
use lines::{Input, Object};
use parse::{Block, Parsed, Value};
use resolve::{Choices, Found, Open, Origin, Vocabularies};

/// What to import, and where.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The site (its site.yaml gives vocabularies, city and topic rules).
    pub root: PathBuf,
    /// Where issue folders go; relative to `root` unless absolute. Default `content`.
    pub into: PathBuf,
    /// The bulletin texts.
    pub files: Vec<PathBuf>,
    /// Overwrite files that exist and differ.
    pub force: bool,
    /// Plan and report, write nothing.
    pub dry_run: bool,
    /// Counties and topics a person chose, over what the rules found.
    pub choices: Choices,
}

/// What becomes of one planned file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    New,
    /// It exists with exactly these bytes.
    Unchanged,
    /// It exists with other bytes, and `force` is set.
    Overwrite,
}

/// One file the import writes.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// The full path.
    pub path: PathBuf,
    /// The path as shown: relative to the site root where it is inside it.
    pub display: PathBuf,
    /// Its contents: Markdown, or a picture's bytes.
    pub bytes: Vec<u8>,
    pub state: FileState,
}

/// One article as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleReport {
    /// Its number in the issue, from 1: what `--topic 3=…` names.
    pub number: usize,
    /// Its file name; empty while something is [`open`](Self::open).
    pub file: String,
    pub title: String,
    /// Its title's place in the input (`location.line`).
    pub location: crate::diagnostics::Location,
    /// Its county as the build accepts it; empty while open.
    pub county: String,
    pub county_from: Origin,
    pub unit: Option<String>,
    /// Its topics as the build accepts them; empty while open.
    pub topics: Vec<String>,
    pub topics_from: Origin,
    /// What the rules could not settle and no one chose yet: nothing is written while any is.
    pub open: Vec<Open>,
}

/// One input as imported.
#[derive(Debug, Clone)]
pub struct IssueReport {
    pub source: PathBuf,
    /// What it was read as: `UTF-8`, `GB18030`, `Word .docx`, `PDF`….
    pub format: String,
    /// The issue folder, as shown.
    pub dir: PathBuf,
    pub number: u32,
    pub date: String,
    pub series: Option<String>,
    pub editor: Option<String>,
    /// The keys of `_index.md` beyond number, date, series and editor.
    pub extra_keys: Vec<&'static str>,
    pub has_intro: bool,
    pub articles: Vec<ArticleReport>,
    pub files: Vec<PlannedFile>,
    /// Pictures written, and pictures of a PDF left out as page furniture (rules, logos).
    pub pictures_kept: usize,
    pub pictures_skipped: usize,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub issues: Vec<IssueReport>,
    pub warnings: Diagnostics,
    /// Files written (0 in a dry run).
    pub written: usize,
}

impl ImportReport {
    /// Every article with something open, with its issue.
    pub fn open(&self) -> impl Iterator<Item = (&IssueReport, &ArticleReport)> {
        self.issues
            .iter()
            .flat_map(|i| i.articles.iter().map(move |a| (i, a)))
            .filter(|(_, a)| !a.open.is_empty())
    }

    /// Whether every article's county and topics are settled, so the plan can be written.
    pub fn is_settled(&self) -> bool {
        self.open().next().is_none()
    }
}

/// Import every file of `opts`. Nothing is written unless every input imports without error,
/// every article's county and topics are ones the build accepts (found by the rules or given in
/// `opts.choices`), and no existing file would be overwritten without `force`.
pub fn import(opts: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    let mut report = plan(opts)?;
    if !report.is_settled() {
        let mut diags = report.warnings.clone();
        diags.extend(open_diagnostics(&report, opts.dry_run, false));
        return Err(diags);
    }
    write(&mut report, opts)?;
    Ok(report)
}

/// Read, parse and classify every file of `opts`, settle each article's county and topics with
/// `opts.choices`, and plan every file: nothing is written. The report says what is still
/// [open](ArticleReport::open); an error is anything else that stops the import.
pub fn plan(opts: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    let config = Config::load(&opts.root)?;
    let (classifier, rule_warnings) = Classifier::new(&config);
    let mut diags = Diagnostics::new();
    diags.extend(rule_warnings);
    let default_topic = match resolve::default_topic(&config) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let settle = Settle {
        vocab: Vocabularies {
            counties: config.counties.as_ref(),
            topics: config.topics.as_ref(),
            default_topic: default_topic.as_deref(),
        },
        choices: &opts.choices,
        images: &config.images,
    };
    let into = opts.root.join(&opts.into);
    let mut issues = Vec::new();
    for file in &opts.files {
        match import_one(file, &opts.root, &into, &classifier, &settle) {
            Ok((issue, warnings)) => {
                diags.extend(warnings);
                issues.push(issue);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    check_choices(&opts.choices, &issues, &mut diags);
    check_plan(&mut issues, opts.force, &opts.root, &mut diags);
    check_as_built(&issues, &config, &opts.root, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(ImportReport {
        issues,
        warnings: diags,
        written: 0,
    })
}

/// Every planned Markdown file loaded as the build loads it (front matter, vocabularies): what
/// the build would refuse is an error now, before anything is written. It is a bug in the
/// importer if this finds anything, and the guarantee holds without trusting the rest.
fn check_as_built(issues: &[IssueReport], config: &Config, root: &Path, diags: &mut Diagnostics) {
    let assets = crate::assets::Assets::default();
    for issue in issues
        .iter()
        .filter(|i| i.articles.iter().all(|a| a.open.is_empty()))
    {
        for f in issue
            .files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|x| x == "md"))
        {
            let Ok(text) = std::str::from_utf8(&f.bytes) else {
                continue;
            };
            let text = without_classification(text);
            let (_, found) =
                crate::load::load_text(config, &assets, root, &f.path, &text, true, false);
            for d in found.into_iter().filter(Diagnostic::is_error) {
                diags.push(
                    Diagnostic::error(format!(
                        "{} would not build: {}",
                        f.display.display(),
                        d.message
                    ))
                    .with_path(&issue.source)
                    .with_help("nothing was written; this is a bug in bulletin import, please report it with the input")
                    .zh(format!(
                        "{} 将无法生成网站：{}",
                        f.display.display(),
                        d.message_zh()
                    ))
                    .zh_help("没有写入任何文件；这是 bulletin 导入功能的缺陷，请连同原文件一起报告给维护者"),
                );
            }
        }
    }
}

/// The text without its front matter's `classification:` line. The importer writes a masthead's
/// 密级 or 内部资料 there on purpose, so that the build refuses the issue until someone decides
/// (docs/review.md); that refusal is the point, not a fault of the import, so the check above
/// looks at everything else.
fn without_classification(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text.into();
    };
    let end = rest.find("\n---").map_or(rest.len(), |e| e + 1);
    let front = &rest[..end];
    match front
        .split_inclusive('\n')
        .find(|l| l.starts_with("classification:"))
    {
        Some(line) => text.replacen(line, "", 1).into(),
        None => text.into(),
    }
}

/// A choice that names no article of the inputs is an error: a typo in a flag would otherwise
/// be ignored silently.
fn check_choices(choices: &Choices, issues: &[IssueReport], diags: &mut Diagnostics) {
    for (issue, number) in choices.by_article.keys() {
        let targets: Vec<&IssueReport> = issues
            .iter()
            .filter(|i| match issue {
                Some(name) => i.dir.file_name().is_some_and(|d| d == name.as_str()),
                None => true,
            })
            .collect();
        let shown = |n: usize| match issue {
            Some(i) => format!("{i}:{n}"),
            None => n.to_string(),
        };
        if issue.is_none() && issues.len() > 1 {
            let first = issues[0]
                .dir
                .file_name()
                .map_or(String::new(), |d| d.to_string_lossy().into_owned());
            diags.push(
                Diagnostic::error(format!(
                    "article {} is ambiguous: {} inputs are imported",
                    shown(*number),
                    issues.len()
                ))
                .with_help(format!(
                    "name the issue folder too, e.g. `--topic {first}:{number}=…`"
                ))
                .zh(format!(
                    "第 {} 篇指的是哪一期不清楚：这次导入了 {} 个文件",
                    shown(*number),
                    issues.len()
                ))
                .zh_help(format!(
                    "连同这一期的文件夹名一起写，例如 `--topic {first}:{number}=…`"
                )),
            );
        } else if targets.is_empty() && !issues.is_empty() {
            let named = issue.as_deref().unwrap_or("");
            let dirs: Vec<String> = issues.iter().map(|i| i.dir.display().to_string()).collect();
            diags.push(
                Diagnostic::error(format!("no issue folder `{named}` is imported"))
                    .with_help(format!("the issues imported are {}", dirs.join(", ")))
                    .zh(format!("这次导入的简报里没有文件夹 `{named}`"))
                    .zh_help(format!("这次导入的是：{}", dirs.join("、"))),
            );
        } else if let Some(t) = targets.iter().find(|t| *number > t.articles.len()) {
            diags.push(
                Diagnostic::error(format!(
                    "a choice for article {} names no article: {} has {} article{}",
                    shown(*number),
                    t.dir.display(),
                    t.articles.len(),
                    if t.articles.len() == 1 { "" } else { "s" }
                ))
                .with_path(&t.source)
                .with_help("articles are numbered from 1 in the order of the issue, as the summary lists them")
                .zh(format!(
                    "给第 {} 篇的选择找不到文章：{} 只有 {} 篇",
                    shown(*number),
                    t.dir.display(),
                    t.articles.len()
                ))
                .zh_help("文章按在简报里的先后从 1 开始编号，和导入摘要列出的一样"),
            );
        }
    }
}

/// What is open in `report`, as errors that say what would settle each: the article, the line,
/// and the flag to pass (or, `interactive`, what the terminal will ask).
pub fn open_diagnostics(report: &ImportReport, dry_run: bool, interactive: bool) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let several = report.issues.len() > 1;
    for (issue, a) in report.open() {
        let target = if several {
            format!(
                "{}:{}",
                issue
                    .dir
                    .file_name()
                    .map_or(String::new(), |d| d.to_string_lossy().into_owned()),
                a.number
            )
        } else {
            a.number.to_string()
        };
        for o in &a.open {
            let (flag, key) = match o.field {
                resolve::Field::County => ("--county", "counties"),
                resolve::Field::Topics => ("--topic", "topics"),
            };
            let example = o.closest.clone().unwrap_or_else(|| "NAME".into());
            let example_zh = o.closest.clone().unwrap_or_else(|| "名称".into());
            let (mut help, mut help_zh) = match &o.closest {
                Some(c) => (format!("did you mean `{c}`? "), format!("是不是 `{c}`？")),
                None => (String::new(), String::new()),
            };
            help.push_str(&format!("set it with `{flag} {target}={example}`"));
            help_zh.push_str(&format!("用 `{flag} {target}={example_zh}` 指定"));
            if o.field == resolve::Field::Topics {
                help.push_str(" (several: `NAME,NAME`)");
                help_zh.push_str("（几个专题写成 `名称,名称`）");
            }
            if let Some(n) = &o.name {
                help.push_str(&format!(", or add `{n}` to `{key}:` in site.yaml"));
                help_zh.push_str(&format!("，或者把 `{n}` 加进 `site.yaml` 的 `{key}:`"));
            }
            if !interactive {
                help.push_str("; on a terminal, bulletin import asks");
                help_zh.push_str("；在终端里运行时，bulletin import 会询问");
            }
            let verb = if dry_run { "would stop" } else { "stops" };
            let verb_zh = if dry_run { "将会" } else { "已经" };
            diags.push(
                Diagnostic::error(format!(
                    "article {} 「{}」: {}; the import {verb} before writing",
                    a.number, a.title, o.what
                ))
                .with_path(&issue.source)
                .with_location(a.location.clone())
                .with_help(help)
                .zh(format!(
                    "第 {} 篇 `{}`：{}；导入{verb_zh}在写入之前停下",
                    a.number, a.title, o.what_zh
                ))
                .zh_help(help_zh),
            );
        }
    }
    diags
}

/// Write the files of a settled plan (nothing in a dry run): every file that is new or differs,
/// through a temporary file and a rename. Refused while anything is open.
pub fn write(report: &mut ImportReport, opts: &ImportOptions) -> Result<usize, Diagnostics> {
    if !report.is_settled() {
        let mut diags = report.warnings.clone();
        diags.extend(open_diagnostics(report, opts.dry_run, false));
        return Err(diags);
    }
    let issues = &report.issues;
    let mut diags = report.warnings.clone();
    let mut written = 0;
    if !opts.dry_run {
        for f in issues.iter().flat_map(|i| &i.files) {
            if f.state == FileState::Unchanged {
                continue;
            }
            if let Err(e) = write_file(&f.path, &f.bytes) {
                diags.push(
                    Diagnostic::error(format!("cannot write {}: {e}", f.display.display()))
                        .with_path(&f.display)
                        .zh(format!("无法写入 {}：{e}", f.display.display())),
                );
                return Err(diags);
            }
            written += 1;
        }
    }
    report.written = written;
    Ok(written)
}

/// What settling an article needs: the vocabularies and what a person chose; and the pixel limit
/// a picture the document turns is decoded within.
struct Settle<'a> {
    vocab: Vocabularies<'a>,
    choices: &'a Choices,
    images: &'a crate::config::Images,
}

/// Write through a temporary file in the same folder and a rename, so a file is either its old
/// self or its new self, never half of each.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Decode, parse, classify and render one input.
fn import_one(
    file: &Path,
    root: &Path,
    into: &Path,
    classifier: &Classifier<'_>,
    settle: &Settle<'_>,
) -> Result<(IssueReport, Vec<Diagnostic>), Vec<Diagnostic>> {
    let bytes = std::fs::read(file).map_err(|e| {
        vec![
            Diagnostic::error(format!("cannot read {}: {e}", file.display()))
                .with_path(file)
                .zh(format!("无法读取 {}：{e}", file.display())),
        ]
    })?;
    let input = input::read(&bytes, file).map_err(|d| vec![d])?;
    let src = input.text.as_str();
    let parsed = parse::parse_with_hints(src, &input.hints, file, &|t| {
        classifier.leading(t).is_some()
    })
    .map_err(|d| vec![d])?;
    let dir_name = format!("{}-{:03}", parsed.year, parsed.number);
    let dir = into.join(&dir_name);
    let (files, articles, diags) =
        render_issue(&parsed, &input, file, &dir, root, classifier, settle);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok((
        IssueReport {
            source: file.to_path_buf(),
            format: input.format.clone(),
            dir: display_path(root, &dir),
            number: parsed.number,
            date: parsed.date.to_string(),
            series: parsed.series.clone(),
            editor: parsed.editor.clone(),
            extra_keys: parsed.extra.iter().map(|(k, _)| *k).collect(),
            has_intro: !parsed.intro.is_empty(),
            pictures_kept: files
                .iter()
                .filter(|f| f.path.extension().is_some_and(|x| x != "md"))
                .count(),
            pictures_skipped: input.skipped_pictures,
            articles,
            files,
        },
        diags,
    ))
}

/// Check the plan against the disk and itself: two inputs for one issue, files that exist and
/// differ (an error without `force`), Markdown files in an issue folder that the import would not
/// write (they would sit beside the new ones as extra articles).
fn check_plan(issues: &mut [IssueReport], force: bool, root: &Path, diags: &mut Diagnostics) {
    let mut seen: Vec<(PathBuf, PathBuf)> = Vec::new();
    for issue in issues.iter_mut() {
        if let Some((_, other)) = seen.iter().find(|(d, _)| *d == issue.dir) {
            diags.push(
                Diagnostic::error(format!(
                    "{} and {} are both issue {} of {}: they would write the same folder {}",
                    other.display(),
                    issue.source.display(),
                    issue.number,
                    &issue.date[..4],
                    issue.dir.display()
                ))
                .with_path(&issue.source)
                .with_help(
                    "import one of them; if they are different issues, check their `第 N 期` lines",
                )
                .zh(format!(
                    "{} 和 {} 都是 {} 年第 {} 期：它们会写进同一个文件夹 {}",
                    other.display(),
                    issue.source.display(),
                    &issue.date[..4],
                    issue.number,
                    issue.dir.display()
                ))
                .zh_help("只导入其中一个；如果它们本是不同的两期，请核对各自的“第 N 期”那一行"),
            );
            continue;
        }
        seen.push((issue.dir.clone(), issue.source.clone()));
        let mut differing = Vec::new();
        for f in issue.files.iter_mut() {
            if let Ok(old) = std::fs::read(&f.path) {
                if old == f.bytes {
                    f.state = FileState::Unchanged;
                } else {
                    f.state = FileState::Overwrite;
                    differing.push(f.display.display().to_string());
                }
            }
        }
        if !differing.is_empty() && !force {
            diags.push(
                Diagnostic::error(format!(
                    "{} would overwrite {} file{} that differ{}: {}",
                    issue.source.display(),
                    differing.len(),
                    if differing.len() == 1 { "" } else { "s" },
                    if differing.len() == 1 { "s" } else { "" },
                    differing.join(", ")
                ))
                .with_path(&issue.source)
                .with_help("nothing was written; pass --force to overwrite them, or --dry-run to see what would be written")
                .zh(format!(
                    "{} 会覆盖 {} 个内容不同的文件：{}",
                    issue.source.display(),
                    differing.len(),
                    differing.join("、")
                ))
                .zh_help("没有写入任何文件；要覆盖它们，加上 --force；想先看看会写入什么，加上 --dry-run"),
            );
        }
        let Some(dir) = issue.files.first().and_then(|f| f.path.parent()) else {
            continue;
        };
        let planned: Vec<&Path> = issue.files.iter().map(|f| f.path.as_path()).collect();
        let mut others: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "md")
                    && !planned.contains(&p.as_path())
                    && !p
                        .file_name()
                        .is_some_and(|n| crate::fsutil::is_ignored_name(&n.to_string_lossy()))
            })
            .map(|p| display_path(root, &p).display().to_string())
            .collect();
        others.sort();
        if !others.is_empty() {
            let msg = format!(
                "{} already holds {} that this import does not write: {}",
                issue.dir.display(),
                if others.len() == 1 { "a file" } else { "files" },
                others.join(", ")
            );
            let msg_zh = format!(
                "{} 里已经有这次导入不会写的文件：{}",
                issue.dir.display(),
                others.join("、")
            );
            let d = if force {
                Diagnostic::warning(msg).with_help(
                    "they were left as they are; if they come from an earlier import, remove them, or the issue will have those articles twice",
                ).zh(msg_zh).zh_help(
                    "它们原样留着；如果它们是以前导入的，请删掉，不然这一期会有两份同样的文章",
                )
            } else {
                Diagnostic::error(msg).with_help(
                    "nothing was written; they may be an earlier import under other file names: remove them, or pass --force to write beside them",
                ).zh(msg_zh).zh_help(
                    "没有写入任何文件；它们可能是以前用别的文件名导入的：请删掉它们，或者加上 --force 写在它们旁边",
                )
            };
            diags.push(d.with_path(&issue.source));
        }
    }
}
