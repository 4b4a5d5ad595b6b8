//! Stage 3, render: every output of the model through its Tera template (or, for feeds, the sitemap
//! and robots.txt, through code), in parallel.
//!
//! What templates see is built once per site, not once per page: each article, issue, county and
//! topic becomes a Tera value up front, and Tera values are reference-counted, so a county page that
//! lists fifty articles copies fifty pointers, not fifty articles. The names of these values are the
//! theme API, documented in `docs/templates.md`; change them only with care.
//!
//! - this file: the [`Renderer`], one output rendered (minified whole when its template could not
//!   be minified once, `crate::minify`);
//! - `templates.rs`: the templates compiled, as written and minified, and template errors;
//! - `values.rs`: the shared values (site, issue, article, term, page, paginator);
//! - `pages.rs`: each kind of page's context, one function per kind;
//! - `feeds.rs`: the Atom feeds, the sitemap and robots.txt, written by code.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use tera::{Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Output, Site, Taxonomy};
use crate::theme::{TemplateSource, Theme};

mod feeds;
mod government;
mod pages;
mod templates;
mod values;

use templates::{build_tera, template_diagnostic};
pub use templates::{dependents, references};
pub use values::page_window;

#[cfg(test)]
pub(crate) use templates::dependency_cases;

/// The template each kind of page is rendered with.
pub fn template_of(o: Output) -> Option<&'static str> {
    Some(match o {
        Output::Home => "home.html",
        Output::IssueList(_) => "issues.html",
        Output::Issue(_) => "issue.html",
        Output::Article(_) => "article.html",
        Output::TermList(Taxonomy::Counties) => "counties.html",
        Output::TermList(Taxonomy::Topics) => "topics.html",
        Output::Term(Taxonomy::Counties, _, _) => "county.html",
        Output::Term(Taxonomy::Topics, _, _) => "topic.html",
        Output::NotFound => "404.html",
        Output::Search => "search.html",
        Output::Stats => STATS_TEMPLATE,
        Output::StatsYear(_) => STATS_YEAR_TEMPLATE,
        Output::SiteMapPage => "sitemap.html",
        Output::Feed(_)
        | Output::Sitemap
        | Output::SitemapPart(_)
        | Output::Robots
        | Output::StatsCsv(_)
        | Output::StatsYearCsv(..) => return None,
    })
}

/// Templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "home.html",
    "issues.html",
    "issue.html",
    "article.html",
    "counties.html",
    "county.html",
    "topics.html",
    "topic.html",
    "404.html",
    "search.html",
];

/// The template of `/stats/`, required when the site has `stats` on (the default).
pub const STATS_TEMPLATE: &str = "stats.html";
/// The template of `/stats/YEAR/`, required like [`STATS_TEMPLATE`].
pub const STATS_YEAR_TEMPLATE: &str = "stats_year.html";

/// Renders the outputs of one site. Cheap to share between threads.
pub struct Renderer<'s> {
    pub site: &'s Site,
    /// The templates pages are rendered with: minified when the site minifies (`crate::minify`).
    tera: Tera,
    /// The templates as written, when `tera` holds minified ones: a page that fails is rendered
    /// again with these, so the error points at the right line of the template file.
    exact: Option<Tera>,
    /// Templates kept as written although the site minifies (template syntax inside a start tag,
    /// or one that extends or includes such a template): their pages are minified one by one.
    whole_pages: BTreeSet<String>,
    /// What `-v` says about minification: the templates whose pages are minified one by one.
    notes: Vec<String>,
    origins: Vec<TemplateSource>,
    /// Built on first use: a full build needs every one, an incremental rebuild only a few.
    articles: Vec<OnceLock<Value>>,
    issues: Vec<Value>,
    counties: Vec<Value>,
    topics: Vec<Value>,
    /// The statistics' values and CSV files, when the site has `stats` on.
    stats: Option<crate::stats::pages::SitePages>,
}

impl<'s> Renderer<'s> {
    /// Prepare templates and the values every page shares.
    pub fn new(site: &'s Site, theme: &Theme) -> Result<Self, Diagnostics> {
        // The templates as written are always compiled first, so syntax errors point at the file.
        let exact = build_tera(site, theme, None)?;
        let (mut whole_pages, mut notes) = (BTreeSet::new(), Vec::new());
        let (tera, exact) = if site.config.minify {
            let keep;
            (keep, notes) = templates::whole_page_templates(&theme.templates);
            let min = build_tera(site, theme, Some(&keep));
            whole_pages = keep;
            match min {
                Ok(min) => (min, Some(exact)),
                // minify-html copies template syntax as it is, so this should not happen; if it
                // does, the pages are correct, only not minified.
                Err(_) => {
                    whole_pages.clear();
                    (exact, None)
                }
            }
        } else {
            (exact, None)
        };
        let mut r = Renderer {
            site,
            tera,
            exact,
            whole_pages,
            notes,
            origins: theme.templates.clone(),
            articles: Vec::new(),
            issues: Vec::new(),
            counties: Vec::new(),
            topics: Vec::new(),
            stats: None,
        };
        if site.config.stats {
            r.stats = Some(crate::stats::pages::build(site, crate::stats::today()));
        }
        r.counties = (0..site.counties.len())
            .map(|i| r.term_value(Taxonomy::Counties, i))
            .collect();
        r.topics = (0..site.topics.len())
            .map(|i| r.term_value(Taxonomy::Topics, i))
            .collect();
        r.issues = (0..site.issues.len()).map(|i| r.issue_value(i)).collect();
        r.articles = (0..site.articles.len()).map(|_| OnceLock::new()).collect();
        let site_value = r.site_value();
        if let Some(exact) = &mut r.exact {
            exact
                .global_context()
                .insert_value("site", site_value.clone());
        }
        r.tera.global_context().insert_value("site", site_value);
        Ok(r)
    }

    /// Render one output to bytes: minified when the site minifies, because its templates and
    /// bodies were minified once each (see [`crate::minify`]), not the page.
    pub fn render(&self, o: Output) -> Result<Vec<u8>, Diagnostic> {
        match template_of(o) {
            Some(name) => {
                let ctx = self.context(o);
                let mut buf = Vec::with_capacity(16 * 1024);
                let tera = match &self.exact {
                    Some(exact) if !self.shows_balanced_html(o) => exact,
                    _ => &self.tera,
                };
                if let Err(e) = tera.render_to(name, &ctx, &mut buf) {
                    let e = match &self.exact {
                        Some(exact) => exact.render(name, &ctx).err().unwrap_or(e),
                        None => e,
                    };
                    return Err(self.template_error(e, Some(o)));
                }
                if self.whole_pages.contains(name) && self.shows_balanced_html(o) {
                    buf = crate::minify::page(&buf);
                }
                Ok(buf)
            }
            None => match (o, &self.stats) {
                (Output::StatsCsv(f), Some(s)) => Ok(s.csv(f).into_bytes()),
                (Output::StatsYearCsv(y, f), Some(s)) => Ok(s.year_csv(y, f).into_bytes()),
                _ => Ok(feeds::render(self.site, o).into_bytes()),
            },
        }
    }

    /// Whether every body the page shows nests strictly (see [`crate::model::Article::balanced`]);
    /// a page that shows one that does not is rendered from the templates as written.
    fn shows_balanced_html(&self, o: Output) -> bool {
        let site = self.site;
        match o {
            Output::Article(a) => site.articles[a].balanced,
            Output::Issue(i) => {
                let issue = &site.issues[i];
                issue.intro_balanced && issue.articles.iter().all(|&a| site.articles[a].balanced)
            }
            _ => true,
        }
    }

    /// Notes for `-v`: templates whose pages are minified one by one.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    fn template_error(&self, e: tera::Error, o: Option<Output>) -> Diagnostic {
        let page = o.map(|o| format!("/{}", self.site.url(o)));
        template_diagnostic(&self.origins, e, page.as_deref())
    }
}

#[cfg(test)]
mod tests;
