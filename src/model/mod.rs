//! Stage 2, model: loaded files become a site — issues with their articles in order, counties and
//! topics with their articles newest first — and every output the build will write gets its path.
//!
//! Everything is indexed by position (`usize`) instead of cloned: an article is stored once and
//! issues, counties and topics hold its index. The list of [`Output`]s is computed here, once, so
//! that two sources claiming one URL is found before anything is rendered.
//!
//! This file holds the site's shape and its outputs; [`assemble`] (in `model/assemble.rs`) puts
//! loaded files together into it, one named step at a time.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::assets::Assets;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::Date;
use crate::load::LoadedArticle;
use crate::markdown::Attachment;

mod assemble;
pub use assemble::assemble;
pub(crate) use assemble::sort_terms;

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

/// A page or file the build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    Home,
    /// `/issues/`, page `n` (1-based).
    IssueList(usize),
    Issue(usize),
    Article(usize),
    TermList(Taxonomy),
    /// A county or topic page: taxonomy, term index, page (1-based).
    Term(Taxonomy, usize, usize),
    NotFound,
    /// `/search/`: the search page (its index is written by [`crate::search`]).
    Search,
    /// The site feed (`None`) or a county's or topic's.
    Feed(Option<(Taxonomy, usize)>),
    Sitemap,
    Robots,
    /// `/stats/`: counts per county, unit and topic (see [`crate::stats`]).
    Stats,
    /// A CSV file of `/stats/`.
    StatsCsv(crate::stats::pages::CsvFile),
    /// `/stats/YEAR/`: one year's quarters, months and ranking, for each year with articles.
    StatsYear(i32),
    /// A CSV file of `/stats/YEAR/` (one of `CsvFile::YEAR`).
    StatsYearCsv(i32, crate::stats::pages::CsvFile),
    /// `/sitemap/`: the 网站地图 page of a government site (site.yaml `government:`).
    SiteMapPage,
}

impl Output {
    /// Whether this output is an HTML page (rendered through a template and listed in the sitemap).
    pub fn is_html(self) -> bool {
        !matches!(
            self,
            Output::Feed(_)
                | Output::Sitemap
                | Output::Robots
                | Output::StatsCsv(_)
                | Output::StatsYearCsv(..)
        )
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

    /// Pages needed to list `n` items.
    pub fn page_count(&self, n: usize) -> usize {
        n.div_ceil(self.config.paginate).max(1)
    }

    /// The URL of an output relative to the base URL (`issues/2021-125/`, `feed.xml`, `` for home).
    pub fn url(&self, o: Output) -> String {
        match o {
            Output::Home => String::new(),
            Output::IssueList(1) => "issues/".into(),
            Output::IssueList(n) => format!("issues/page/{n}/"),
            Output::Issue(i) => format!("issues/{}/", self.issues[i].slug),
            Output::Article(a) => {
                let art = &self.articles[a];
                format!("issues/{}/{}/", self.issues[art.issue].slug, art.slug)
            }
            Output::TermList(t) => format!("{}/", t.dir()),
            Output::Term(t, i, 1) => format!("{}/{}/", t.dir(), self.terms(t)[i].slug),
            Output::Term(t, i, n) => format!("{}/{}/page/{n}/", t.dir(), self.terms(t)[i].slug),
            Output::NotFound => "404.html".into(),
            Output::Search => "search/".into(),
            Output::Feed(None) => "feed.xml".into(),
            Output::Feed(Some((t, i))) => format!("{}/{}/feed.xml", t.dir(), self.terms(t)[i].slug),
            Output::Sitemap => "sitemap.xml".into(),
            Output::Robots => "robots.txt".into(),
            Output::SiteMapPage => "sitemap/".into(),
            Output::Stats => crate::stats::pages::url(),
            Output::StatsCsv(f) => format!("{}/{}", crate::stats::pages::DIR, f.file_name()),
            Output::StatsYear(y) => crate::stats::pages::year_url(y),
            Output::StatsYearCsv(y, f) => {
                format!("{}{}", crate::stats::pages::year_url(y), f.file_name())
            }
        }
    }

    /// The file an output is written to, relative to the output folder.
    pub fn file_path(&self, o: Output) -> String {
        let url = self.url(o);
        if url.is_empty() || url.ends_with('/') {
            format!("{url}index.html")
        } else {
            url
        }
    }

    /// `/stats/`, its CSV files, and each year's page and CSV files.
    fn stats_outputs(&self) -> Vec<Output> {
        use crate::stats::pages::CsvFile;
        let mut out = vec![Output::Stats];
        out.extend(CsvFile::ALL.map(Output::StatsCsv));
        for y in crate::stats::pages::years(self) {
            out.push(Output::StatsYear(y));
            out.extend(CsvFile::YEAR.map(|f| Output::StatsYearCsv(y, f)));
        }
        out
    }

    /// Every output of the site, in a fixed order.
    pub fn outputs(&self) -> Vec<Output> {
        let mut out = vec![Output::Home, Output::NotFound];
        if self.config.search {
            out.push(Output::Search);
        }
        out.extend([Output::Sitemap, Output::Robots]);
        if self
            .config
            .government
            .as_ref()
            .is_some_and(|g| g.sitemap_page)
        {
            out.push(Output::SiteMapPage);
        }
        out.push(Output::Feed(None));
        if self.config.stats {
            out.extend(self.stats_outputs());
        }
        for n in 1..=self.page_count(self.issues.len()) {
            out.push(Output::IssueList(n));
        }
        out.extend((0..self.issues.len()).map(Output::Issue));
        out.extend((0..self.articles.len()).map(Output::Article));
        for t in [Taxonomy::Counties, Taxonomy::Topics] {
            out.push(Output::TermList(t));
            for (i, term) in self.terms(t).iter().enumerate() {
                for n in 1..=self.page_count(term.articles.len()) {
                    out.push(Output::Term(t, i, n));
                }
                out.push(Output::Feed(Some((t, i))));
            }
        }
        out
    }

    /// Every output that shows article `a`: its page and its issue-mates' (which list it), its
    /// issue, its county's and topics' pages, the county and topic overviews (counts), the issue
    /// list page holding its issue, home, the feeds that carry it and the sitemap. This is what the
    /// dev server re-renders when the article is edited. With `every_term_page`, all pages of its
    /// county and topics (its place there may have moved); without, only the page it is on.
    pub fn pages_showing_article(&self, a: usize, every_term_page: bool) -> Vec<Output> {
        let art = &self.articles[a];
        let mut out: Vec<Output> = self.issues[art.issue]
            .articles
            .iter()
            .map(|&x| Output::Article(x))
            .collect();
        out.push(Output::Issue(art.issue));
        let mut terms = vec![(Taxonomy::Counties, art.county)];
        terms.extend(art.topics.iter().map(|&t| (Taxonomy::Topics, t)));
        for (t, i) in terms {
            let list = &self.terms(t)[i].articles;
            if every_term_page {
                let n = self.page_count(list.len());
                out.extend((1..=n).map(|p| Output::Term(t, i, p)));
            } else if let Ok(at) = list.binary_search(&a) {
                // Term lists hold article indices in ascending (newest-first) order.
                out.push(Output::Term(t, i, at / self.config.paginate + 1));
            }
            out.push(Output::Feed(Some((t, i))));
            out.push(Output::TermList(t));
        }
        out.push(Output::IssueList(art.issue / self.config.paginate + 1));
        out.extend([Output::Home, Output::Feed(None), Output::Sitemap]);
        if self
            .config
            .government
            .as_ref()
            .is_some_and(|g| g.sitemap_page)
        {
            // It lists the counties and topics, of which this article may have made a new one.
            out.push(Output::SiteMapPage);
        }
        if self.config.stats {
            // Its date, county, unit or topics may have changed any count, or made a new year.
            out.extend(self.stats_outputs());
        }
        out.sort();
        out.dedup();
        out
    }

    /// Every output, checked against each other and the theme's static files for two sources of
    /// one path. The list, or the collisions.
    pub fn checked_outputs(&self, static_files: &[String]) -> Result<Vec<Output>, Diagnostics> {
        let outputs = self.outputs();
        let collisions = self.check_collisions(&outputs, static_files);
        if collisions.has_errors() {
            Err(collisions)
        } else {
            Ok(outputs)
        }
    }

    /// The source file behind an output, for messages about it.
    pub fn source_of(&self, o: Output) -> String {
        match o {
            Output::Issue(i) => self.issues[i].path.display().to_string(),
            Output::Article(a) => self.articles[a].path.display().to_string(),
            Output::Term(Taxonomy::Counties, i, _) => {
                format!("the county page of {}", self.counties[i].name)
            }
            Output::Term(Taxonomy::Topics, i, _) => {
                format!("the topic page of {}", self.topics[i].name)
            }
            Output::Feed(Some((t, i))) => format!("the feed of {}", self.terms(t)[i].name),
            other => format!("the generated {other:?} page"),
        }
    }

    /// Two outputs with one file path (or two that differ only in letter case, which merge on
    /// Windows and macOS hosts) are an error naming both sources.
    pub fn check_collisions(&self, outputs: &[Output], static_files: &[String]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        // Lower-cased path → the path as written and its source.
        let mut seen: HashMap<String, (String, String)> = HashMap::with_capacity(outputs.len());
        let claims = outputs
            .iter()
            .map(|&o| (self.file_path(o), self.source_of(o)))
            .chain(
                static_files
                    .iter()
                    .map(|f| (f.clone(), format!("the static file {f}"))),
            )
            .chain(self.assets.claims());
        for (path, source) in claims {
            let key = path.to_lowercase();
            if let Some((prev_path, prev_source)) = seen.get(&key) {
                let same_case = *prev_path == path;
                diags.push(
                    Diagnostic::error(format!(
                        "two sources would write `{path}`: {prev_source} and {source}"
                    ))
                    .with_help(if same_case {
                        "give one of them another `slug:` (or rename its file or folder)".to_string()
                    } else {
                        "these URLs differ only in letter case, which Windows and macOS hosts treat as one; rename one".to_string()
                    }),
                );
            } else {
                seen.insert(key, (path, source));
            }
        }
        diags
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
