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
pub mod input;
pub mod lines;
pub mod parse;
pub mod pdf;
pub mod text;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use classify::{Classifier, NameKind};
use lines::{Input, Object};
use parse::{Block, Parsed, Value};

/// What to import, and where.
#[derive(Debug, Clone)]
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
    pub file: String,
    pub title: String,
    pub county: String,
    pub unit: Option<String>,
    pub topics: Vec<String>,
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
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub issues: Vec<IssueReport>,
    pub warnings: Diagnostics,
    /// Files written (0 in a dry run).
    pub written: usize,
}

/// Import every file of `opts`. Nothing is written unless every input imports without error and no
/// existing file would be overwritten without `force`.
pub fn import(opts: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    let config = Config::load(&opts.root)?;
    let (classifier, rule_warnings) = Classifier::new(&config);
    let mut diags = Diagnostics::new();
    diags.extend(rule_warnings);
    let into = opts.root.join(&opts.into);
    let mut issues = Vec::new();
    for file in &opts.files {
        match import_one(file, &opts.root, &into, &classifier) {
            Ok((issue, warnings)) => {
                diags.extend(warnings);
                issues.push(issue);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    check_plan(&mut issues, opts.force, &opts.root, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let mut written = 0;
    if !opts.dry_run {
        for f in issues.iter().flat_map(|i| &i.files) {
            if f.state == FileState::Unchanged {
                continue;
            }
            if let Err(e) = write_file(&f.path, &f.bytes) {
                diags.push(
                    Diagnostic::error(format!("cannot write {}: {e}", f.display.display()))
                        .with_path(&f.display),
                );
                return Err(diags);
            }
            written += 1;
        }
    }
    Ok(ImportReport {
        issues,
        warnings: diags,
        written,
    })
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
) -> Result<(IssueReport, Vec<Diagnostic>), Vec<Diagnostic>> {
    let bytes = std::fs::read(file).map_err(|e| {
        vec![Diagnostic::error(format!("cannot read {}: {e}", file.display())).with_path(file)]
    })?;
    let input = input::read(&bytes, file).map_err(|d| vec![d])?;
    let src = input.text.as_str();
    let parsed = parse::parse_with_hints(src, &input.hints, file, &|t| {
        classifier.leading(t).is_some()
    })
    .map_err(|d| vec![d])?;
    let dir_name = format!("{}-{:03}", parsed.year, parsed.number);
    let dir = into.join(&dir_name);
    let (files, articles, diags) = render_issue(&parsed, &input, file, &dir, root, classifier);
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
            articles,
            files,
        },
        diags,
    ))
}

/// The files of one issue, its articles for the report, and the warnings and errors found.
fn render_issue(
    parsed: &Parsed,
    input: &Input,
    file: &Path,
    dir: &Path,
    root: &Path,
    classifier: &Classifier<'_>,
) -> (Vec<PlannedFile>, Vec<ArticleReport>, Vec<Diagnostic>) {
    let src = input.text.as_str();
    let mut diags = parsed.warnings.clone();
    for note in &input.notes {
        diags.push(Diagnostic::warning(note.clone()).with_path(file));
    }
    let mut files = Vec::new();
    let mut reports = Vec::new();
    let plan = |name: &str, bytes: Vec<u8>| {
        let path = dir.join(name);
        PlannedFile {
            display: display_path(root, &path),
            path,
            bytes,
            state: FileState::New,
        }
    };
    let mut placed = vec![false; input.objects.len()];
    let mut pictures = Vec::new();
    let intro = objects_markdown(
        &parsed.intro,
        input,
        "intro",
        "the introduction",
        file,
        &mut placed,
        &mut pictures,
        &mut diags,
    );
    files.push(plan("_index.md", index_file(parsed, &intro).into_bytes()));
    let width = parsed.articles.len().to_string().len().max(2);
    let mut slugs: Vec<String> = Vec::new();
    for (i, a) in parsed.articles.iter().enumerate() {
        let loc = parse::at(src, a.line);
        let leading = classifier.leading(&a.title);
        let county = match &leading {
            Some(l) => match &l.county {
                Some(c) => {
                    if l.kind != NameKind::Vocabulary && !classifier.county_known(c) {
                        let help = match classifier.closest_county(c) {
                            Some(close) => format!(
                                "did you mean `{close}`? If `{c}` is new, add it to `counties:` in site.yaml; either way the site will not build until the county is known"
                            ),
                            None => format!(
                                "add `{c}` to `counties:` in site.yaml, or correct the title, before building"
                            ),
                        };
                        diags.push(
                            Diagnostic::warning(format!("unknown county `{c}`"))
                                .with_path(file)
                                .with_location(loc.clone())
                                .with_label("not in site.yaml's counties")
                                .with_help(help),
                        );
                    }
                    c.clone()
                }
                None => {
                    diags.push(
                        Diagnostic::error(format!(
                            "`{}` is a city department, but site.yaml names no city to file it under",
                            l.unit
                        ))
                        .with_path(file)
                        .with_location(loc.clone())
                        .with_help("add the city to site.yaml, e.g. `city: 赣州市`"),
                    );
                    continue;
                }
            },
            None => match classifier.city() {
                Some(city) => {
                    diags.push(
                        Diagnostic::warning(format!(
                            "no county or unit at the start of the title; filed under the city, {city}"
                        ))
                        .with_path(file)
                        .with_location(loc.clone())
                        .with_help("if it belongs to a county, correct `county:` in the generated file, or start the title with the county and import again"),
                    );
                    city.to_string()
                }
                None => {
                    diags.push(
                        Diagnostic::error("cannot tell which county this article belongs to")
                            .with_path(file)
                            .with_location(loc.clone())
                            .with_help("a title starts with its county or unit (于都县…, 市人社局…); add one, or set `city:` in site.yaml to file such articles under the city"),
                    );
                    continue;
                }
            },
        };
        let unit = leading.as_ref().map(|l| l.unit.clone());
        // The text without tables and pictures: what topics are found in and what is checked
        // against the input's lines.
        let body = emit::body_markdown(&a.blocks);
        let body_text = crate::markdown::plain_text(&body);
        let choice = classifier.topics(&a.title, &body_text);
        if choice.defaulted {
            let mut help = String::from(
                "no topic keyword occurs in it; set `topics:` in the generated file, or add keywords to `topics:` or `import.rules` in site.yaml (the default topic is `import.default_topic`)",
            );
            if !classifier.default_topic_known() {
                help.push_str(&format!(
                    "; `{}` is not in site.yaml's topics, so add it there too",
                    classifier.default_topic
                ));
            }
            diags.push(
                Diagnostic::warning(format!(
                    "no topic rule matches; the article gets the default topic `{}`",
                    classifier.default_topic
                ))
                .with_path(file)
                .with_location(loc.clone())
                .with_help(help),
            );
        }
        // Nothing lost: the file's title and body hold every character of the input's lines.
        let got = emit::letters(&format!("{}{}", a.title, body_text));
        if got != emit::letters(&a.source) {
            diags.push(
                Diagnostic::error("the generated article would not hold the input's text exactly")
                    .with_path(file)
                    .with_location(loc.clone())
                    .with_help("this is a bug in bulletin import; please report it with the input"),
            );
            continue;
        }
        let after_name = leading
            .as_ref()
            .map_or(a.title.as_str(), |l| &a.title[l.len..]);
        let keyword = classifier.main_keyword(
            after_name,
            &format!("{}{}", a.title, body_text),
            &choice.topics,
        );
        let slug = article_slug(
            leading.as_ref(),
            classifier.city(),
            keyword.as_deref(),
            &a.title,
            &slugs,
        );
        slugs.push(slug.clone());
        let stem = format!("{:0width$}-{slug}", i + 1);
        let name = format!("{stem}.md");
        let objects = objects_markdown(
            &a.blocks,
            input,
            &stem,
            &format!("article `{}`", a.title),
            file,
            &mut placed,
            &mut pictures,
            &mut diags,
        );
        let body = emit::body_markdown_with(&a.blocks, &|k| objects.get(&k).cloned());
        let text = emit::article_file(a, &county, unit.as_deref(), &choice.topics, &body);
        reports.push(ArticleReport {
            file: name.clone(),
            title: a.title.clone(),
            county,
            unit,
            topics: choice.topics,
        });
        files.push(plan(&name, text.into_bytes()));
    }
    for (name, bytes) in pictures {
        files.push(plan(&name, bytes));
    }
    // Every table and picture is in an article or _index.md, or named here.
    for (k, o) in input.objects.iter().enumerate() {
        if placed[k] {
            continue;
        }
        let what = match *o {
            Object::Table(t) => format!(
                "table {} ({}) is outside the articles (in the masthead or the footer) and was not imported",
                t + 1,
                input.tables[t].cells.join(" / ")
            ),
            Object::Picture(p) => format!(
                "picture {} ({}) is outside the articles (in the masthead or the footer) and was not imported",
                p + 1,
                input.pictures[p].part
            ),
        };
        diags.push(
            Diagnostic::warning(what)
                .with_path(file)
                .with_help("if it belongs to an article, add it to the article's file by hand"),
        );
    }
    (files, reports, diags)
}

/// The Markdown of the tables and pictures among `blocks`, by object number; the pictures' files
/// (named `STEM-1.jpg`, `STEM-2.png`…) are added to `pictures`. A picture without a caption and
/// a table with merged cells get a warning; a table whose cells are not all in its Markdown is an
/// error (a bug).
#[allow(clippy::too_many_arguments)]
fn objects_markdown(
    blocks: &[Block],
    input: &Input,
    stem: &str,
    place: &str,
    file: &Path,
    placed: &mut [bool],
    pictures: &mut Vec<(String, Vec<u8>)>,
    diags: &mut Vec<Diagnostic>,
) -> std::collections::HashMap<usize, String> {
    let mut out = std::collections::HashMap::new();
    let mut n = 0;
    for b in blocks {
        let Block::Object(k) = b else { continue };
        let Some(o) = input.objects.get(*k) else {
            continue;
        };
        placed[*k] = true;
        match *o {
            Object::Picture(p) => {
                let pic = &input.pictures[p];
                n += 1;
                let name = format!("{stem}-{n}.{}", pic.ext);
                let alt = pic.alt.clone().unwrap_or_default();
                if pic.alt.is_none() {
                    diags.push(
                        Diagnostic::warning(format!(
                            "picture {} ({}) in {place} has no caption: it is written as {name} without alt text",
                            p + 1,
                            pic.part
                        ))
                        .with_path(file)
                        .with_help(format!(
                            "write what it shows between the brackets of `![]({name})`, for readers who cannot see it"
                        )),
                    );
                }
                if !matches!(pic.ext.as_str(), "jpg" | "png" | "webp" | "gif") {
                    // Word keeps pasted charts and drawings as EMF/WMF, scans sometimes as TIFF.
                    diags.push(
                        Diagnostic::warning(format!(
                            "picture {} ({}) in {place} is a .{} file, which browsers do not show: it is written as {name}",
                            p + 1,
                            pic.part,
                            pic.ext
                        ))
                        .with_path(file)
                        .with_help(format!(
                            "convert it to PNG or JPEG (LibreOffice Draw, or Word's 另存为图片) and change the reference to {name} in the article"
                        )),
                    );
                }
                out.insert(*k, emit::picture(&alt, &name));
                pictures.push((name, pic.data.clone()));
            }
            Object::Table(t) => {
                let table = &input.tables[t];
                let md = emit::table(&table.rows);
                let shown = emit::letters(&crate::markdown::plain_text(&md));
                let grid = emit::letters(&table.rows.concat().concat());
                let all_cells = table
                    .cells
                    .iter()
                    .all(|c| table.rows.iter().flatten().any(|g| g.contains(c.as_str())));
                if shown != grid || !all_cells {
                    diags.push(
                        Diagnostic::error(format!(
                            "table {} in {place} would not hold every cell's text exactly",
                            t + 1
                        ))
                        .with_path(file)
                        .with_help(
                            "this is a bug in bulletin import; please report it with the input",
                        ),
                    );
                }
                if table.merged {
                    diags.push(
                        Diagnostic::warning(format!(
                            "table {} in {place} has merged cells: their text is written in every cell they covered",
                            t + 1
                        ))
                        .with_path(file)
                        .with_help("Markdown tables cannot merge cells; check the table reads right, and edit it if not"),
                    );
                }
                out.insert(*k, md);
            }
        }
    }
    out
}

/// The slug of an article file: the unit's short pinyin and the title's main keyword
/// (`renshe-jiuye`), made unique within the issue with `-2`, `-3`….
fn article_slug(
    leading: Option<&classify::Leading>,
    city: Option<&str>,
    keyword: Option<&str>,
    title: &str,
    taken: &[String],
) -> String {
    let mut parts = Vec::new();
    if let Some(l) = leading {
        let u = classify::unit_slug(l, city);
        if !u.is_empty() {
            parts.push(u);
        }
    }
    if let Some(k) = keyword {
        parts.push(word_slug(k));
    }
    if parts.is_empty() {
        let start: String = title.chars().take(6).collect();
        parts.push(crate::slug::slugify(&start));
    }
    let base = parts.join("-");
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// The slug of a keyword: its pinyin in pairs of syllables (老旧小区 → `laojiu-xiaoqu`), a word of
/// three or fewer characters whole (农民工 → `nongmingong`).
fn word_slug(word: &str) -> String {
    let syllables: Vec<String> = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| crate::slug::slugify(&c.to_string()))
        .collect();
    if syllables.len() <= 3 {
        return syllables.concat();
    }
    syllables
        .chunks(2)
        .map(|c| c.concat())
        .collect::<Vec<_>>()
        .join("-")
}

/// `_index.md`: the issue's front matter and, as its body, the introduction.
fn index_file(p: &Parsed, objects: &std::collections::HashMap<usize, String>) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("number: {}\n", p.number));
    out.push_str(&format!("date: {}\n", p.date));
    if let Some(s) = &p.series {
        out.push_str(&format!("series: {}\n", emit::yaml_scalar(s)));
    }
    if let Some(e) = &p.editor {
        out.push_str(&format!("editor: {}\n", emit::yaml_scalar(e)));
    }
    for (k, v) in &p.extra {
        match v {
            Value::Text(t) => out.push_str(&format!("{k}: {}\n", emit::yaml_scalar(t))),
            Value::Number(n) => out.push_str(&format!("{k}: {n}\n")),
        }
    }
    out.push_str("---\n");
    out.push_str(&emit::body_markdown_with(&p.intro, &|k| {
        objects.get(&k).cloned()
    }));
    out
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
                ),
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
                .with_help("nothing was written; pass --force to overwrite them, or --dry-run to see what would be written"),
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
            let d = if force {
                Diagnostic::warning(msg).with_help(
                    "they were left as they are; if they come from an earlier import, remove them, or the issue will have those articles twice",
                )
            } else {
                Diagnostic::error(msg).with_help(
                    "nothing was written; they may be an earlier import under other file names: remove them, or pass --force to write beside them",
                )
            };
            diags.push(d.with_path(&issue.source));
        }
    }
}
