//! Stage 1, load: every file under `content/` read, split, parsed and rendered to HTML, in parallel,
//! exactly once. A body is also minified here, once (`minify_body`), rather than on every page
//! that shows it.
//!
//! The result is a flat list of issues (`_index.md`) and articles (every other `.md`), with their
//! front matter checked field by field and county and topic names resolved against site.yaml's
//! vocabularies. Nothing here knows about URLs or pages; the model stage puts the pieces together.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::assets::Assets;
use crate::config::{Config, Vocabulary};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, closest, display_path};
use crate::frontmatter::{self, Date, Fields, SplitError};
use crate::markdown::{self, Rendered};

/// The folder of bulletins, under the site root.
pub const CONTENT_DIR: &str = "content";
/// The file in an issue folder that describes the issue.
pub const ISSUE_FILE: &str = "_index.md";

/// Keys an issue's front matter knows; others go to `extra`.
pub const ISSUE_KEYS: &[&str] = &["number", "date", "title", "series", "editor"];
/// Keys an article's front matter knows; others go to `extra`.
pub const ARTICLE_KEYS: &[&str] = &[
    "title", "county", "unit", "topics", "slug", "summary", "draft", "order", "date", "issue",
];

/// An issue as its `_index.md` describes it.
#[derive(Debug, Clone)]
pub struct LoadedIssue {
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// The folder, relative to `content/` (`2021-125`).
    pub dir: PathBuf,
    pub number: i64,
    pub date: Date,
    pub title: Option<String>,
    pub series: Option<String>,
    pub editor: Option<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The body of `_index.md`: an introduction or editor's note.
    pub intro: Rendered,
}

/// How an article names its issue in front matter.
#[derive(Debug, Clone)]
pub struct IssueRef {
    /// An issue folder's slug, or an issue number as text.
    pub key: String,
    pub location: Option<Location>,
}

/// An article as its file describes it, names resolved.
#[derive(Debug, Clone)]
pub struct LoadedArticle {
    pub path: PathBuf,
    /// The folder, relative to `content/` (empty for a file directly in content/).
    pub dir: PathBuf,
    /// The file name without `.md`.
    pub stem: String,
    pub title: String,
    /// Canonical county name (after aliases).
    pub county: String,
    pub unit: Option<String>,
    /// Canonical topic names, in the order written, without repeats.
    pub topics: Vec<String>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub draft: bool,
    pub order: Option<i64>,
    pub date: Option<Date>,
    pub issue: Option<IssueRef>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub body: Rendered,
}

/// Everything under content/.
#[derive(Debug, Default)]
pub struct Loaded {
    pub issues: Vec<LoadedIssue>,
    pub articles: Vec<LoadedArticle>,
    /// Source files seen, drafts included.
    pub files: usize,
    /// The photos and attachments of the issue folders.
    pub assets: Arc<Assets>,
}

/// What one file turned out to be.
pub enum LoadedItem {
    Issue(Box<LoadedIssue>),
    Article(Box<LoadedArticle>),
    /// A draft left out, or a file with errors (the diagnostics say which).
    Skipped,
}

/// Read every Markdown file under `root/content`. Problems are collected, not fatal one by one:
/// warnings come back with the result, and any error fails the stage with the full list.
pub fn load(config: &Config, include_drafts: bool) -> Result<(Loaded, Diagnostics), Diagnostics> {
    load_with(config, include_drafts, true)
}

/// [`load`], with `bodies: false` reading front matter only: every body and issue introduction
/// is left empty and photos and attachments are not looked at (`bulletin stats` counts from front
/// matter and has no use for Markdown).
pub fn load_with(
    config: &Config,
    include_drafts: bool,
    bodies: bool,
) -> Result<(Loaded, Diagnostics), Diagnostics> {
    let root = &config.root;
    let content = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::new();
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(format!("no {CONTENT_DIR}/ folder in {}", root.display()))
                .with_help("run bulletin in a site folder, pass --root DIR, or create one with `bulletin init DIR`"),
        );
        return Err(diags);
    }
    let sources = find_sources(root, &content, &mut diags);
    let assets = Arc::new(if bodies {
        scan_assets(config, &sources, &mut diags)
    } else {
        Assets::default()
    });
    let files = sources.markdown;
    let results: Vec<(LoadedItem, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|path| load_one_with(config, &assets, root, path, include_drafts, bodies))
        .collect();
    let mut loaded = Loaded {
        files: files.len(),
        assets,
        ..Loaded::default()
    };
    for (one, ds) in results {
        diags.extend(ds);
        match one {
            LoadedItem::Issue(i) => loaded.issues.push(*i),
            LoadedItem::Article(a) => loaded.articles.push(*a),
            LoadedItem::Skipped => {}
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((loaded, diags))
    }
}

/// The files under content/: Markdown, and everything else (photos, attachments).
#[derive(Debug, Default)]
pub struct Sources {
    pub markdown: Vec<PathBuf>,
    pub other: Vec<PathBuf>,
}

/// Every `.md` file under `content`, sorted by path so the build is the same on every machine.
pub fn find_markdown(root: &Path, content: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    find_sources(root, content, diags).markdown
}

/// The photos and attachments among `sources`, with their problems added to `diags`.
pub fn scan_assets(config: &Config, sources: &Sources, diags: &mut Diagnostics) -> Assets {
    let content = config.root.join(CONTENT_DIR);
    let issue_dirs: BTreeSet<PathBuf> = sources
        .markdown
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == ISSUE_FILE))
        .filter_map(|p| {
            p.parent()?
                .strip_prefix(&content)
                .ok()
                .map(Path::to_path_buf)
        })
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    let (assets, problems) = Assets::scan(config, &sources.other, &issue_dirs);
    diags.extend(problems);
    assets
}

/// Every file under `content`, Markdown apart, sorted by path so the build is the same on every
/// machine. Hidden files and folders, editor backups and symlinks are skipped (symlinks with a
/// warning: following them could read outside the site or loop forever).
pub fn find_sources(root: &Path, content: &Path, diags: &mut Diagnostics) -> Sources {
    let mut out = Sources::default();
    for entry in walk_sources(content) {
        match entry {
            Ok(e) => {
                if e.path_is_symlink() {
                    diags.push(
                        Diagnostic::warning("symbolic link not followed")
                            .with_path(display_path(root, e.path()))
                            .with_help(
                                "copy the file or folder into content/ instead of linking it",
                            ),
                    );
                    continue;
                }
                if e.file_type().is_file() {
                    if e.path().extension().is_some_and(|x| x == "md") {
                        out.markdown.push(e.into_path());
                    } else {
                        out.other.push(e.into_path());
                    }
                }
            }
            Err(err) => {
                let path = err.path().map(|p| display_path(root, p));
                let mut d = Diagnostic::error(format!("cannot read folder: {err}"));
                if let Some(p) = path {
                    d = d.with_path(p);
                }
                diags.push(d);
            }
        }
    }
    out
}

/// Every entry under `dir` in file-name order, without following links and without hidden files,
/// editor backups and the like. The one way bulletin walks a source folder.
pub fn walk_sources(dir: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
}

/// Names the loader never reads: hidden files, editor swap and backup files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#")
}

/// Decode a file as UTF-8, naming the first bad byte and what to do about it.
pub fn decode(bytes: Vec<u8>, rel: &Path) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if let Some(pos) = s.find('\0') {
                return Err(Diagnostic::error(format!(
                    "file contains a NUL byte at offset {pos}"
                ))
                .with_path(rel)
                .with_help("this looks like a binary file or a damaged save; only UTF-8 text belongs in content/"));
            }
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            Err(Diagnostic::error(format!(
                "file is not UTF-8 text: invalid byte 0x{:02X} at offset {offset} (line {line})",
                bytes[offset]
            ))
            .with_path(rel)
            .with_help(format!(
                "it is probably GB18030/GBK (what Chinese Windows saves); convert it with \
                 `iconv -f GB18030 -t UTF-8 {0} -o {0}.utf8 && mv {0}.utf8 {0}`, or save it as UTF-8 in your editor",
                rel.display()
            )))
        }
    }
}

/// Load one file (`path` under `config.root`), as [`load`] does for each.
pub fn load_one(
    config: &Config,
    assets: &Assets,
    root: &Path,
    path: &Path,
    include_drafts: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    load_one_with(config, assets, root, path, include_drafts, true)
}

/// Load one file as `load_with(.., bodies: false)` does: front matter only, no photos looked at.
pub fn load_front_matter(
    config: &Config,
    root: &Path,
    path: &Path,
    include_drafts: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    load_one_with(
        config,
        &Assets::default(),
        root,
        path,
        include_drafts,
        false,
    )
}

fn load_one_with(
    config: &Config,
    assets: &Assets,
    root: &Path,
    path: &Path,
    include_drafts: bool,
    bodies: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    let rel = display_path(root, path);
    let rel_str = rel.to_string_lossy().into_owned();
    let read = if bodies {
        std::fs::read(path)
    } else {
        read_front_matter(path)
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            return (
                LoadedItem::Skipped,
                vec![Diagnostic::error(format!("cannot read file: {e}")).with_path(rel)],
            );
        }
    };
    let text = match decode(bytes, &rel) {
        Ok(t) => t,
        Err(d) => return (LoadedItem::Skipped, vec![d]),
    };
    let is_issue = path.file_name().is_some_and(|n| n == ISSUE_FILE);
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(e) => {
            let example = if is_issue {
                "---\nnumber: 125\ndate: 2021-07-29\n---"
            } else {
                "---\ntitle: 标题\ncounty: 于都县\nunit: 于都县\ntopics: [教育]\n---"
            };
            let msg = match e {
                SplitError::Missing if text.trim().is_empty() => {
                    "file is empty: front matter is missing".to_string()
                }
                SplitError::Missing => {
                    "missing front matter: the file must start with a `---` line".to_string()
                }
                SplitError::Unclosed => {
                    "front matter is not closed: add a `---` line after it".to_string()
                }
            };
            let mut d = Diagnostic::error(msg)
                .with_path(rel)
                .with_help(format!("a file starts like this:\n{example}"));
            if !text.is_empty() {
                d = d.with_location(Location::from_line_col(&text, 1, 1, 3));
            }
            return (LoadedItem::Skipped, vec![d]);
        }
    };
    let mut fields = match Fields::parse(&split, &text, &rel_str) {
        Ok(f) => f,
        Err(d) => return (LoadedItem::Skipped, vec![d]),
    };
    let content_dir = root.join(CONTENT_DIR);
    let dir = path
        .parent()
        .and_then(|p| p.strip_prefix(&content_dir).ok())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if is_issue {
        let number = fields.integer("number", Some("125"));
        let date = fields.date("date", true);
        let title = fields.string("title", None).map(|(s, _)| s);
        let series = fields.string("series", None).map(|(s, _)| s);
        let editor = fields.string("editor", None).map(|(s, _)| s);
        if let Some((n, v)) = &number
            && *n < 0
        {
            fields.error_at(
                v,
                format!("issue number must not be negative, found {n}"),
                "negative",
                "write the number printed on the issue, e.g. `number: 125`".into(),
            );
        }
        let (extra, diags) = fields.into_extra(ISSUE_KEYS);
        if diags.iter().any(Diagnostic::is_error) || dir.as_os_str().is_empty() {
            let mut diags = diags;
            if dir.as_os_str().is_empty() {
                diags.push(
                    Diagnostic::error("an issue's _index.md must be in its own folder under content/")
                        .with_path(rel)
                        .with_help("move it to content/SLUG/_index.md; the folder name becomes the issue's URL"),
                );
            }
            return (LoadedItem::Skipped, diags);
        }
        let (Some((number, _)), Some(date)) = (number, date) else {
            return (LoadedItem::Skipped, diags);
        };
        let mut intro = Rendered::default();
        let mut diags = diags;
        if bodies {
            intro = render_body(config, assets, &dir, &split);
            diags.extend(body_problems(&intro, &split, &text, &rel));
        }
        if let Some(d) = too_deep(&intro, &rel) {
            return (LoadedItem::Skipped, vec![d]);
        }
        if diags.iter().any(Diagnostic::is_error) {
            return (LoadedItem::Skipped, diags);
        }
        minify_body(&mut intro, config);
        return (
            LoadedItem::Issue(Box::new(LoadedIssue {
                path: rel,
                dir,
                number,
                date,
                title,
                series,
                editor,
                extra,
                intro,
            })),
            diags,
        );
    }

    // An article.
    let draft = fields.boolean("draft").unwrap_or(false);
    if draft && !include_drafts {
        return (LoadedItem::Skipped, Vec::new());
    }
    let title = fields.string("title", Some("标题"));
    let county = fields.string("county", Some("于都县"));
    let unit = fields.string("unit", None).map(|(s, _)| s);
    let topics_raw = fields.string_list("topics");
    let slug = fields.string("slug", None);
    let summary = fields.string("summary", None).map(|(s, _)| s);
    let order = fields.integer("order", None).map(|(n, _)| n);
    let date = fields.date("date", false);
    let issue = fields.take("issue").and_then(|v| {
        let key = match &v.value {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                fields.error_at(
                    &v,
                    "`issue` must be an issue's folder name or number".into(),
                    "not an issue",
                    "write e.g. `issue: 2021-125` or `issue: 125`".into(),
                );
                return None;
            }
        };
        Some(IssueRef {
            key,
            location: fields.location_of(&v),
        })
    });

    let county_name = county.and_then(|(name, v)| {
        resolve_term(&mut fields, config.counties.as_ref(), "county", &name, &v)
    });
    let mut topics = Vec::new();
    match topics_raw {
        None => {
            let d = Diagnostic::error("missing required field `topics`")
                .with_path(rel.clone())
                .with_location(Location::from_line_col(&text, 1, 1, 3))
                .with_help("add at least one topic, e.g. `topics: [就业创业]`");
            fields.diags.push(d);
        }
        Some((list, _)) if list.is_empty() => {
            let d = Diagnostic::error("`topics` is empty: an article needs at least one topic")
                .with_path(rel.clone())
                .with_help("add one, e.g. `topics: [就业创业]`");
            fields.diags.push(d);
        }
        Some((list, v)) => {
            for name in list {
                if let Some(t) =
                    resolve_term(&mut fields, config.topics.as_ref(), "topic", &name, &v)
                    && !topics.contains(&t)
                {
                    topics.push(t);
                }
            }
        }
    }
    let slug = slug.and_then(|(s, v)| {
        if crate::slug::is_valid_slug(&s) {
            Some(s)
        } else {
            fields.error_at(
                &v,
                format!("`{s}` is not a valid slug"),
                "not a slug",
                format!(
                    "a slug is one URL segment of a-z, 0-9, `-` and `_`, e.g. `slug: {}`",
                    crate::slug::slugify(&s)
                ),
            );
            None
        }
    });
    let (extra, diags) = fields.into_extra(ARTICLE_KEYS);
    if diags.iter().any(Diagnostic::is_error) {
        return (LoadedItem::Skipped, diags);
    }
    let (Some((title, _)), Some(county)) = (title, county_name) else {
        return (LoadedItem::Skipped, diags);
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut body = Rendered::default();
    let mut diags = diags;
    if bodies {
        body = render_body(config, assets, &dir, &split);
        diags.extend(body_problems(&body, &split, &text, &rel));
    }
    if let Some(d) = too_deep(&body, &rel) {
        diags.push(d);
        return (LoadedItem::Skipped, diags);
    }
    if diags.iter().any(Diagnostic::is_error) {
        return (LoadedItem::Skipped, diags);
    }
    minify_body(&mut body, config);
    (
        LoadedItem::Article(Box::new(LoadedArticle {
            path: rel,
            dir,
            stem,
            title,
            county,
            unit,
            topics,
            slug,
            summary,
            draft,
            order,
            date,
            issue,
            extra,
            body,
        })),
        diags,
    )
}

/// Render the body of a file in folder `dir` (relative to content/), its relative links resolved
/// against the site's photos and attachments.
fn render_body(
    config: &Config,
    assets: &Assets,
    dir: &Path,
    split: &frontmatter::Split<'_>,
) -> Rendered {
    let dir = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let content = config.root.join(CONTENT_DIR);
    let context = markdown::Context {
        assets,
        dir: &dir,
        base_path: config.base_path(),
        content: &content,
    };
    markdown::render_in(split.body, config.trust_html, Some(&context))
}

/// The problems of a rendered body as diagnostics, each placed at the first place in the body
/// where the address it is about is written.
fn body_problems(
    body: &Rendered,
    split: &frontmatter::Split<'_>,
    text: &str,
    rel: &Path,
) -> Vec<Diagnostic> {
    let body_start = (split.body.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    body.problems
        .iter()
        .map(|p| {
            let mut d = if p.error {
                Diagnostic::error(p.message.clone())
            } else {
                Diagnostic::warning(p.message.clone())
            }
            .with_path(rel)
            .with_label(p.label.clone())
            .with_help(p.help.clone());
            if let Some(at) = split.body.find(p.needle.as_str())
                && body_start + at <= text.len()
            {
                let start = body_start + at;
                d = d.with_location(Location::from_byte_range(
                    text,
                    start..start + p.needle.len(),
                ));
            }
            d
        })
        .collect()
}

/// The start of a file up to the end of its front matter's closing `---` line, or the whole file
/// when it has no front matter or no closing line: all that counting needs, without reading
/// (and checking as UTF-8) bodies that are a hundred times longer.
fn read_front_matter(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut line_start = 0;
    let mut first = true;
    loop {
        let at = buf.len();
        buf.resize(at + 4096, 0);
        let n = file.read(&mut buf[at..])?;
        buf.truncate(at + n);
        if n == 0 {
            return Ok(buf);
        }
        while let Some(i) = buf[line_start..].iter().position(|&b| b == b'\n') {
            let end = line_start + i + 1;
            let line = buf[line_start..end].trim_ascii_end();
            if first {
                first = false;
                let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
                if line != b"---" {
                    file.read_to_end(&mut buf)?;
                    return Ok(buf);
                }
            } else if line == b"---" || line == b"..." {
                buf.truncate(end);
                return Ok(buf);
            }
            line_start = end;
        }
    }
}

/// Bodies are minified once, here, rather than on every page that shows them (`crate::minify`).
fn minify_body(body: &mut Rendered, config: &Config) {
    if config.minify {
        body.html = crate::minify::fragment(&body.html).into();
    }
}

/// A body nested deeper than [`markdown::MAX_DEPTH`] is refused with a message, not a crash.
fn too_deep(body: &Rendered, rel: &Path) -> Option<Diagnostic> {
    (body.depth > markdown::MAX_DEPTH).then(|| {
        Diagnostic::error(format!(
            "the body nests {} levels deep (lists, quotes or HTML elements inside each other); at most {} are supported",
            body.depth,
            markdown::MAX_DEPTH
        ))
        .with_path(rel)
        .with_help("this is usually a broken paste: flatten the lists or quotes")
    })
}

/// Check a county or topic name against its vocabulary (if any), returning the canonical name.
fn resolve_term(
    fields: &mut Fields<'_>,
    vocab: Option<&Vocabulary>,
    what: &str,
    name: &str,
    v: &frontmatter::SpannedJson,
) -> Option<String> {
    let Some(vocab) = vocab else {
        return Some(name.to_string());
    };
    if let Some(term) = vocab.resolve(name) {
        return Some(term.name.clone());
    }
    let key = if what == "county" {
        "counties"
    } else {
        "topics"
    };
    let help = match closest(name, vocab.spellings()) {
        Some(c) => {
            let canonical = &vocab.resolve(c).map_or(c, |t| t.name.as_str());
            format!(
                "did you mean `{canonical}`? If `{name}` is new, add it to `{key}:` in site.yaml"
            )
        }
        None => format!(
            "known {key}: {}; or add `{name}` to `{key}:` in site.yaml",
            vocab
                .terms
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
    };
    let mut d = Diagnostic::error(format!("unknown {what} `{name}`"))
        .with_path(fields.path())
        .with_label(format!("not in site.yaml's {key}"))
        .with_help(help);
    if let Some(loc) = fields.location_of_text(v, name) {
        d = d.with_location(loc);
    }
    fields.diags.push(d);
    None
}
