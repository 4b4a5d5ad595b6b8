//! Stage 3, render: every output of the model through its Tera template (or, for feeds, the sitemap
//! and robots.txt, through code), in parallel.
//!
//! What templates see is built once per site, not once per page: each article, issue, county and
//! topic becomes a Tera value up front, and Tera values are reference-counted, so a county page that
//! lists fifty articles copies fifty pointers, not fifty articles. The names of these values are the
//! theme API, documented in `docs/templates.md`; change them only with care.
//!
//! - this file: the [`Renderer`], its templates compiled, one output rendered, template errors;
//! - `values.rs`: the shared values (site, issue, article, term, page, paginator);
//! - `pages.rs`: each kind of page's context, one function per kind.

use std::sync::{Arc, OnceLock};

use tera::{Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{Output, Site, Taxonomy};
use crate::theme::{TemplateSource, Theme};

mod pages;
mod values;

pub use values::page_window;

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
        Output::Feed(_) | Output::Sitemap | Output::Robots | Output::StatsCsv(_) => return None,
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

/// Renders the outputs of one site. Cheap to share between threads.
pub struct Renderer<'s> {
    pub site: &'s Site,
    /// The templates pages are rendered with: minified when the site minifies (`crate::minify`).
    tera: Tera,
    /// The templates as written, when `tera` holds minified ones: a page that fails is rendered
    /// again with these, so the error points at the right line of the template file.
    exact: Option<Tera>,
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
        let exact = build_tera(site, theme, false)?;
        let (tera, exact) = if site.config.minify {
            match build_tera(site, theme, true) {
                Ok(min) => (min, Some(exact)),
                // Our minifier copies what it does not understand, so this should not happen;
                // if it does, the pages are correct, only not minified.
                Err(_) => (exact, None),
            }
        } else {
            (exact, None)
        };
        let mut r = Renderer {
            site,
            tera,
            exact,
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
                if let Err(e) = self.tera.render_to(name, &ctx, &mut buf) {
                    let e = match &self.exact {
                        Some(exact) => exact.render(name, &ctx).err().unwrap_or(e),
                        None => e,
                    };
                    return Err(self.template_error(e, Some(o)));
                }
                Ok(buf)
            }
            None => match (o, &self.stats) {
                (Output::StatsCsv(f), Some(s)) => Ok(s.csv(f).into_bytes()),
                _ => Ok(crate::feeds::render(self.site, o).into_bytes()),
            },
        }
    }

    fn template_error(&self, e: tera::Error, o: Option<Output>) -> Diagnostic {
        let page = o
            .map(|o| format!(" while rendering /{}", self.site.url(o)))
            .unwrap_or_default();
        template_diagnostic(&self.origins, e, &page)
    }
}

/// A Tera error as a diagnostic pointing into the template file.
fn template_diagnostic(origins: &[TemplateSource], e: tera::Error, context: &str) -> Diagnostic {
    use tera::ErrorKind;
    let find = |name: &str| origins.iter().find(|t| t.name == name);
    match e.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let kind = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(format!("{kind}{context}: {}", report.message()));
            if let Some(t) = find(report.filename()) {
                let span = report.span();
                let len = if span.start_line == span.end_line {
                    span.end_col.saturating_sub(span.start_col).max(1)
                } else {
                    1
                };
                d = d
                    .with_path(t.origin.clone())
                    .with_location(Location::from_line_col(
                        &t.text,
                        span.start_line,
                        span.start_col + 1,
                        len,
                    ));
            } else if !report.filename().is_empty() {
                d = d.with_path(report.filename().to_string());
            }
            d.with_help("see docs/templates.md for the variables and functions templates can use")
        }
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error(format!("template `{name}` not found{context}"))
                .with_help("add it to the theme's templates/ or the site's templates/")
        }
        ErrorKind::MissingParent { current, parent } => {
            let mut d = Diagnostic::error(format!(
                "template `{current}` extends `{parent}`, which does not exist"
            ));
            if let Some(t) = find(current) {
                d = d.with_path(t.origin.clone());
            }
            d.with_help("check the name in its {% extends %} line")
        }
        _ => Diagnostic::error(format!("template error{context}: {e}")),
    }
}

/// The theme's templates compiled, as written or minified.
fn build_tera(site: &Site, theme: &Theme, minify: bool) -> Result<Tera, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut tera = Tera::new();
    let base_path: Arc<str> = Arc::from(site.config.base_path());
    let bp = base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            Ok(format!("{bp}{}", path.trim_start_matches('/')))
        },
    );
    let assets = Arc::new(theme.assets.clone());
    let bp = base_path.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
            match assets.get(path) {
                Some(out) => Ok(format!("{bp}{out}")),
                None => Err(tera::Error::message(format!(
                    "asset `{path}` not found in the theme's or the site's static/"
                ))),
            }
        },
    );
    let minified: Vec<Option<String>> = theme
        .templates
        .iter()
        .map(|t| (minify && t.name.ends_with(".html")).then(|| crate::minify::template(&t.text)))
        .collect();
    let templates: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .zip(&minified)
        .map(|(t, m)| (t.name.as_str(), m.as_deref().unwrap_or(&t.text)))
        .collect();
    if let Err(e) = tera.add_raw_templates(templates) {
        diags.push(template_diagnostic(&theme.templates, e, ""));
        return Err(diags);
    }
    for name in REQUIRED_TEMPLATES {
        if !tera.contains_template(name) {
            diags.push(
                Diagnostic::error(format!("the theme has no `{name}` template"))
                    .with_help(format!("add templates/{name} to the theme or to the site")),
            );
        }
    }
    if site.config.stats && !tera.contains_template(STATS_TEMPLATE) {
        diags.push(
            Diagnostic::error(format!("the theme has no `{STATS_TEMPLATE}` template"))
                .with_help(format!(
                    "add templates/{STATS_TEMPLATE} to the theme or to the site, or set `stats: false` in site.yaml"
                )),
        );
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(tera)
    }
}

#[cfg(test)]
mod tests;
