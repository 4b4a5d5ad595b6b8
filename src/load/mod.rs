//! Stage 1, load: every file under `content/` read, split, parsed and rendered to HTML, in parallel,
//! exactly once. A body is also minified here, once (`body.rs`), rather than on every page that
//! shows it.
//!
//! The result is a flat list of issues (`_index.md`) and articles (every other `.md`), with their
//! front matter checked field by field and county and topic names resolved against site.yaml's
//! vocabularies. Nothing here knows about URLs or pages; the model stage puts the pieces together.
//!
//! - `walk.rs`: finding the source files, and the photos and attachments among them;
//! - `file.rs`: one file, in steps (read, split, fields, then an issue or an article);
//! - `body.rs`: a body rendered, checked and minified.

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::assets::Assets;
use crate::config::{CONTENT_DIR, Config};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::frontmatter::{self, Date};
use crate::markdown::Rendered;
use crate::review::Marks;

mod body;
mod file;
mod walk;

pub use file::{load_front_matter, load_one, load_text, utf8_text};
pub use walk::{Sources, find_markdown, find_sources, scan_assets};

/// One source file read and split: what each step of loading it looks at.
struct Source<'t> {
    /// The file, relative to the site root (for messages).
    rel: PathBuf,
    /// Its whole text.
    text: &'t str,
    /// Its front matter and body.
    split: frontmatter::Split<'t>,
    /// Its folder, relative to `content/` (empty for a file directly in content/).
    dir: PathBuf,
}

/// Keys an issue's front matter knows; others go to `extra`.
pub const ISSUE_KEYS: &[&str] = &[
    "number",
    "date",
    "title",
    "series",
    "editor",
    "public",
    "classification",
];
/// Keys an article's front matter knows; others go to `extra`.
pub const ARTICLE_KEYS: &[&str] = &[
    "title",
    "county",
    "unit",
    "topics",
    "slug",
    "summary",
    "draft",
    "order",
    "date",
    "issue",
    "public",
    "classification",
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
    /// `public` and `classification`, as the file says (`crate::review::marks`).
    pub marks: Marks,
    /// Personal data and wrong expressions in the file (`crate::review`), reported only when it is
    /// published (`crate::withhold`).
    pub findings: Vec<Diagnostic>,
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
    /// `public` and `classification`, as the file says (its issue's apply when it says nothing).
    pub marks: Marks,
    /// Personal data and wrong expressions in the file, reported only when it is published.
    pub findings: Vec<Diagnostic>,
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
#[derive(Debug, Clone)]
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
                .with_help("run bulletin in a site folder, pass --root DIR, or create one with `bulletin init DIR`")
                .zh(format!("{} 里没有 `{CONTENT_DIR}/` 文件夹", root.display()))
                .zh_help("请在网站文件夹里运行 bulletin，或用 --root 指定网站文件夹，或用 `bulletin init 文件夹` 新建一个网站"),
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
    let results = load_files(config, &assets, &files, include_drafts, bodies);
    let mut loaded = Loaded {
        files: files.len(),
        assets,
        ..Loaded::default()
    };
    for (item, ds) in results {
        diags.extend(ds);
        loaded.add(item);
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((loaded, diags))
    }
}

/// Load `paths` (files under `config.root`) in parallel, each as [`load_one`] does; the results
/// in the order of `paths`. The one loop over files, for `build` and for the dev server.
pub fn load_files(
    config: &Config,
    assets: &Assets,
    paths: &[PathBuf],
    include_drafts: bool,
    bodies: bool,
) -> Vec<(LoadedItem, Vec<Diagnostic>)> {
    paths
        .par_iter()
        .map(|path| file::load_one_with(config, assets, &config.root, path, include_drafts, bodies))
        .collect()
}

impl Loaded {
    /// Add what one file turned out to be.
    pub fn add(&mut self, item: LoadedItem) {
        match item {
            LoadedItem::Issue(i) => self.issues.push(*i),
            LoadedItem::Article(a) => self.articles.push(*a),
            LoadedItem::Skipped => {}
        }
    }
}

#[cfg(test)]
mod tests;
