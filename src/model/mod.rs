//! Stage 2, model: loaded files become a site — issues with their articles in order, counties and
//! topics with their articles newest first — and every output the build will write gets its path.
//!
//! Everything is indexed by position (`usize`) instead of cloned: an article is stored once and
//! issues, counties and topics hold its index. The list of [`Output`]s is computed here, once, so
//! that two sources claiming one URL is found before anything is rendered.
//!
//! This file holds the site's shape; `output.rs` its outputs and their paths (the statistics'
//! too); [`assemble`] (in `assemble.rs`) puts loaded files together into it, one named step at a
//! time.

use std::path::PathBuf;
use std::sync::Arc;

use crate::assets::Assets;
use crate::config::Config;
use crate::frontmatter::Date;
use crate::load::LoadedArticle;
use crate::markdown::Attachment;

mod assemble;
mod output;
mod paging;
pub use assemble::assemble;
pub(crate) use assemble::sort_terms;
pub use output::{CsvFile, Output, SitemapPart};
pub use paging::{NEWEST, Paging};

/// One issue (期) of the bulletin.
#[derive(Debug, Clone)]
pub struct Issue {
    pub slug: String,
    pub number: i64,
    pub date: Date,
    /// `title` from front matter, or 第N期.
    pub title: String,
    pub series: Option<String>,
    pub editor: Option<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub intro_html: Arc<str>,
    /// Whether the introduction's HTML nests strictly (`markdown::html_shape`; see
    /// [`Article::balanced`]).
    pub intro_balanced: bool,
    /// Its articles, in the order they appear in the issue.
    pub articles: Vec<usize>,
    /// The `_index.md`, relative to the site root.
    pub path: PathBuf,
}

/// One article.
#[derive(Debug, Clone)]
pub struct Article {
    pub slug: String,
    pub title: String,
    pub county: usize,
    pub unit: Option<String>,
    pub topics: Vec<usize>,
    /// From front matter, or the start of the first paragraph.
    pub summary: String,
    pub date: Date,
    pub issue: usize,
    /// 1-based position within its issue.
    pub position: usize,
    /// The body, rendered and minified. The search index reads its text from here too.
    pub html: Arc<str>,
    /// Whether the body's HTML nests strictly (`markdown::html_shape`): false only for trusted raw
    /// HTML that closes what it did not open or leaves open what it opened. Such a body was not
    /// minified, and pages that show it are rendered from the templates as written: what it
    /// leaves open reaches into the theme's markup, where removed whitespace could show.
    pub balanced: bool,
    /// The files next to it that its body links to (not photos).
    pub attachments: Vec<Attachment>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub path: PathBuf,
    pub draft: bool,
}

/// A county or a topic, with its articles newest first.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub order: i64,
    pub articles: Vec<usize>,
}

impl Term {
    /// A term called `name`, with no articles yet: its slug and order from the vocabulary, or
    /// from its pinyin after every listed name.
    pub(crate) fn named(name: String, vocab: Option<&crate::config::Vocabulary>) -> Term {
        let (slug, order) = match vocab.and_then(|v| v.resolve(&name)) {
            Some(t) => (t.slug.clone(), t.order),
            None => (crate::slug::slugify(&name), i64::MAX),
        };
        Term {
            name,
            slug,
            order,
            articles: Vec::new(),
        }
    }
}

/// The two ways articles are grouped besides issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Taxonomy {
    Counties,
    Topics,
}

impl Taxonomy {
    /// The URL folder: `counties` or `topics`.
    pub fn dir(self) -> &'static str {
        match self {
            Taxonomy::Counties => "counties",
            Taxonomy::Topics => "topics",
        }
    }
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first.
    pub issues: Vec<Issue>,
    /// Newest first (by date, then issue, then position in the issue).
    pub articles: Vec<Article>,
    pub counties: Vec<Term>,
    pub topics: Vec<Term>,
    /// The photos and attachments of the issue folders, published with them.
    pub assets: Arc<Assets>,
}

impl Site {
    pub fn terms(&self, t: Taxonomy) -> &[Term] {
        match t {
            Taxonomy::Counties => &self.counties,
            Taxonomy::Topics => &self.topics,
        }
    }

    /// How a list of `n` entries falls into pages.
    pub fn paging(&self, n: usize) -> Paging {
        Paging::new(n, self.config.paginate)
    }
}

/// An article's summary: its front matter's, or the start of its first paragraph.
pub fn summary_of(la: &LoadedArticle) -> String {
    la.summary
        .clone()
        .unwrap_or_else(|| crate::markdown::summarize(&la.body.first_paragraph, 120))
}

#[cfg(test)]
mod tests;
