//! Stage 3, render: every output of the model through its Tera template (or, for feeds, the sitemap
//! and robots.txt, through code), in parallel.
//!
//! What templates see is built once per site, not once per page: each article, issue, county and
//! topic becomes a Tera value up front, and Tera values are reference-counted, so a county page that
//! lists fifty articles copies fifty pointers, not fifty articles. The names of these values are the
//! theme API, documented in `docs/templates.md`; change them only with care.

use std::sync::{Arc, OnceLock};

use tera::{Context, Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{Output, Site, Taxonomy};
use crate::theme::{TemplateSource, Theme};

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

fn key(k: &'static str) -> tera::value::Key<'static> {
    tera::value::Key::from(k)
}

/// A small builder for Tera maps.
struct Obj(tera::Map);

impl Obj {
    fn new() -> Self {
        Obj(tera::Map::default())
    }
    fn set(mut self, k: &'static str, v: impl Into<Value>) -> Self {
        self.0.insert(key(k), v.into());
        self
    }
    fn set_value(mut self, k: &'static str, v: Value) -> Self {
        self.0.insert(key(k), v);
        self
    }
    fn build(self) -> Value {
        Value::from(self.0)
    }
}

fn json_map(m: &serde_json::Map<String, serde_json::Value>) -> Value {
    Value::from_serializable(m)
}

/// Extend a map value with more keys (the article summary + its content).
fn extend(v: &Value, extra: &[(&'static str, Value)]) -> Value {
    let mut map = v.as_map().cloned().unwrap_or_default();
    for (k, val) in extra {
        map.insert(key(k), val.clone());
    }
    Value::from(map)
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

    fn link(&self, o: Output) -> (Value, Value) {
        let rel = self.site.url(o);
        (
            Value::from(format!("{}{rel}", self.site.config.base_path())),
            Value::from(format!("{}{rel}", self.site.config.base_url)),
        )
    }

    fn term_value(&self, t: Taxonomy, i: usize) -> Value {
        let term = &self.site.terms(t)[i];
        let (url, permalink) = self.link(Output::Term(t, i, 1));
        let (feed_url, _) = self.link(Output::Feed(Some((t, i))));
        Obj::new()
            .set("name", term.name.as_str())
            .set("slug", term.slug.as_str())
            .set_value("url", url)
            .set_value("permalink", permalink)
            .set_value("feed_url", feed_url)
            .set("count", term.articles.len())
            .build()
    }

    fn issue_value(&self, i: usize) -> Value {
        let issue = &self.site.issues[i];
        let (url, permalink) = self.link(Output::Issue(i));
        Obj::new()
            .set("number", issue.number)
            .set("title", issue.title.as_str())
            .set("slug", issue.slug.as_str())
            .set_value("url", url)
            .set_value("permalink", permalink)
            .set("date", issue.date.iso())
            .set("date_zh", issue.date.chinese())
            .set("year", issue.date.year)
            .set("series", issue.series.as_deref())
            .set("editor", issue.editor.as_deref())
            .set_value("intro", Value::safe_string(&issue.intro_html))
            .set("article_count", issue.articles.len())
            .set_value("extra", json_map(&issue.extra))
            .build()
    }

    fn article_value(&self, a: usize) -> Value {
        let art = &self.site.articles[a];
        let (url, permalink) = self.link(Output::Article(a));
        let topics: Vec<Value> = art.topics.iter().map(|&t| self.topics[t].clone()).collect();
        Obj::new()
            .set("title", art.title.as_str())
            .set("slug", art.slug.as_str())
            .set_value("url", url)
            .set_value("permalink", permalink)
            .set("date", art.date.iso())
            .set("date_zh", art.date.chinese())
            .set("year", art.date.year)
            .set_value("county", self.counties[art.county].clone())
            .set("unit", art.unit.as_deref())
            .set("topics", topics)
            .set("summary", art.summary.as_str())
            .set("position", art.position)
            .set_value("issue", self.issues[art.issue].clone())
            .set("draft", art.draft)
            .set("attachments", self.attachments(a))
            .set_value("extra", json_map(&art.extra))
            .build()
    }

    /// The files an article's body links to, for a list under it: 附件1：实施方案（PDF，1.2 MB）.
    fn attachments(&self, a: usize) -> Vec<Value> {
        let base = &self.site.config.base_url;
        let origin = base
            .strip_suffix(self.site.config.base_path())
            .unwrap_or_default();
        self.site.articles[a]
            .attachments
            .iter()
            .map(|f| {
                Obj::new()
                    .set("title", f.title.as_str())
                    .set("url", f.url.as_str())
                    .set("permalink", format!("{origin}{}", f.url))
                    .set("type", f.kind.as_str())
                    .set("size", f.size)
                    .set("size_text", crate::assets::size_text(f.size))
                    .build()
            })
            .collect()
    }

    /// An article without its body, as lists show it.
    fn article(&self, a: usize) -> &Value {
        self.articles[a].get_or_init(|| self.article_value(a))
    }

    /// An article with its body.
    fn article_full(&self, a: usize) -> Value {
        let art = &self.site.articles[a];
        extend(
            self.article(a),
            &[("content", Value::safe_string(&art.html))],
        )
    }

    /// An issue with its articles (bodies included when `full`).
    fn issue_with_articles(&self, i: usize, full: bool) -> Value {
        let list: Vec<Value> = self.site.issues[i]
            .articles
            .iter()
            .map(|&a| {
                if full {
                    self.article_full(a)
                } else {
                    self.article(a).clone()
                }
            })
            .collect();
        extend(&self.issues[i], &[("articles", Value::from(list))])
    }

    fn site_value(&self) -> Value {
        let c = &self.site.config;
        let (feed_url, _) = self.link(Output::Feed(None));
        Obj::new()
            .set("title", c.title.as_str())
            .set("description", c.description.as_deref())
            .set("base_url", c.base_url.as_str())
            .set("base_path", c.base_path())
            .set("language", c.language.as_str())
            .set("series", c.series.as_deref())
            .set("editor", c.editor.as_deref())
            .set_value("feed_url", feed_url)
            .set("counties", self.counties.clone())
            .set("topics", self.topics.clone())
            .set("issue_count", self.site.issues.len())
            .set("article_count", self.site.articles.len())
            .set("search", c.search)
            .set(
                "stats_url",
                c.stats
                    .then(|| format!("{}{}", c.base_path(), crate::stats::pages::url())),
            )
            .set("generator", concat!("bulletin ", env!("CARGO_PKG_VERSION")))
            .set_value("extra", Value::from_serializable(&c.extra))
            .build()
    }

    /// `search` on the search page: where the index is, and the years for the year filter.
    fn search_value(&self) -> Value {
        let mut years: Vec<(i32, usize)> = Vec::new();
        for a in &self.site.articles {
            match years.iter_mut().find(|(y, _)| *y == a.date.year) {
                Some((_, n)) => *n += 1,
                None => years.push((a.date.year, 1)),
            }
        }
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let years: Vec<Value> = years
            .into_iter()
            .map(|(y, n)| Obj::new().set("year", y).set("count", n).build())
            .collect();
        Obj::new()
            .set(
                "index_url",
                format!(
                    "{}{}/index.json",
                    self.site.config.base_path(),
                    crate::search::DIR
                ),
            )
            .set("years", years)
            .build()
    }

    fn page_value(&self, o: Output, title: &str, description: Option<&str>) -> Value {
        let (url, permalink) = self.link(o);
        let kind = match o {
            Output::Home => "home",
            Output::IssueList(_) => "issues",
            Output::Issue(_) => "issue",
            Output::Article(_) => "article",
            Output::TermList(Taxonomy::Counties) => "counties",
            Output::TermList(Taxonomy::Topics) => "topics",
            Output::Term(Taxonomy::Counties, ..) => "county",
            Output::Term(Taxonomy::Topics, ..) => "topic",
            Output::NotFound => "404",
            Output::Search => "search",
            Output::Stats => "stats",
            _ => "file",
        };
        Obj::new()
            .set("kind", kind)
            .set_value("url", url)
            .set_value("permalink", permalink)
            .set("title", title)
            .set("description", description)
            .build()
    }

    fn paginator(
        &self,
        items: Vec<Value>,
        current: usize,
        total: usize,
        url_of: impl Fn(usize) -> Output,
    ) -> Value {
        let (first_url, _) = self.link(url_of(1));
        let (last_url, _) = self.link(url_of(total));
        let pages: Vec<Value> = page_window(current, total)
            .into_iter()
            .map(|n| match n {
                Some(n) => Obj::new()
                    .set("number", n)
                    .set_value("url", self.link(url_of(n)).0)
                    .set("current", n == current)
                    .set("gap", false)
                    .build(),
                None => Obj::new()
                    .set("number", 0)
                    .set_value("url", Value::none())
                    .set("current", false)
                    .set("gap", true)
                    .build(),
            })
            .collect();
        let prev = (current > 1).then(|| self.link(url_of(current - 1)).0);
        let next = (current < total).then(|| self.link(url_of(current + 1)).0);
        Obj::new()
            .set("current", current)
            .set("total", total)
            .set("per_page", self.site.config.paginate)
            .set("items", items)
            .set_value("first_url", first_url)
            .set_value("last_url", last_url)
            .set_value("prev_url", prev.unwrap_or_else(Value::none))
            .set_value("next_url", next.unwrap_or_else(Value::none))
            .set("pages", pages)
            .build()
    }

    /// The context of one HTML page.
    pub fn context(&self, o: Output) -> Context {
        let site = self.site;
        let mut ctx = Context::new();
        let per = site.config.paginate;
        match o {
            Output::Home => {
                ctx.insert_value(
                    "page",
                    self.page_value(o, &site.config.title, site.config.description.as_deref()),
                );
                let latest = if site.issues.is_empty() {
                    Value::none()
                } else {
                    self.issue_with_articles(0, false)
                };
                ctx.insert_value("latest_issue", latest);
                let recent: Vec<Value> = self.issues.iter().take(10).cloned().collect();
                ctx.insert_value("recent_issues", Value::from(recent));
                let glance = self.stats.as_ref().map(|s| s.glance.clone());
                ctx.insert_value("stats_glance", glance.unwrap_or_else(Value::none));
            }
            Output::IssueList(n) => {
                let total = site.page_count(site.issues.len());
                let start = (n - 1) * per;
                let range = start..(start + per).min(site.issues.len());
                let items: Vec<Value> = self.issues[range.clone()].to_vec();
                // Group this page's issues by year, keeping newest first.
                let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
                for i in range {
                    let y = site.issues[i].date.year;
                    match years.last_mut() {
                        Some((year, list)) if *year == y => list.push(self.issues[i].clone()),
                        _ => years.push((y, vec![self.issues[i].clone()])),
                    }
                }
                let years: Vec<Value> = years
                    .into_iter()
                    .map(|(y, list)| Obj::new().set("year", y).set("issues", list).build())
                    .collect();
                let title = if n > 1 {
                    format!("全部期刊（第{n}页）")
                } else {
                    "全部期刊".to_string()
                };
                ctx.insert_value("page", self.page_value(o, &title, None));
                ctx.insert_value(
                    "paginator",
                    self.paginator(items, n, total, Output::IssueList),
                );
                ctx.insert_value("years", Value::from(years));
            }
            Output::Issue(i) => {
                let issue = &site.issues[i];
                let title = match &issue.series {
                    Some(s) if *s != site.config.title => format!("{s} {}", issue.title),
                    _ => issue.title.clone(),
                };
                ctx.insert_value("page", self.page_value(o, &title, None));
                ctx.insert_value("issue", self.issue_with_articles(i, true));
                let newer = i.checked_sub(1).map(|j| self.issues[j].clone());
                let older = self.issues.get(i + 1).cloned();
                ctx.insert_value("newer_issue", newer.unwrap_or_else(Value::none));
                ctx.insert_value("older_issue", older.unwrap_or_else(Value::none));
            }
            Output::Article(a) => {
                let art = &site.articles[a];
                ctx.insert_value("page", self.page_value(o, &art.title, Some(&art.summary)));
                ctx.insert_value("article", self.article_full(a));
                ctx.insert_value("issue", self.issue_with_articles(art.issue, false));
                let list = &site.issues[art.issue].articles;
                let pos = art.position - 1;
                let prev = pos.checked_sub(1).map(|p| self.article(list[p]).clone());
                let next = list.get(pos + 1).map(|&n| self.article(n).clone());
                ctx.insert_value("prev_article", prev.unwrap_or_else(Value::none));
                ctx.insert_value("next_article", next.unwrap_or_else(Value::none));
            }
            Output::TermList(t) => {
                let title = match t {
                    Taxonomy::Counties => "县区",
                    Taxonomy::Topics => "专题",
                };
                ctx.insert_value("page", self.page_value(o, title, None));
                let terms = match t {
                    Taxonomy::Counties => &self.counties,
                    Taxonomy::Topics => &self.topics,
                };
                ctx.insert_value("terms", Value::from(terms.clone()));
            }
            Output::Term(t, i, n) => {
                let term = &site.terms(t)[i];
                let total = site.page_count(term.articles.len());
                let start = (n - 1) * per;
                let items: Vec<Value> = term.articles
                    [start..(start + per).min(term.articles.len())]
                    .iter()
                    .map(|&a| self.article(a).clone())
                    .collect();
                let title = if n > 1 {
                    format!("{}（第{n}页）", term.name)
                } else {
                    term.name.clone()
                };
                ctx.insert_value("page", self.page_value(o, &title, None));
                let term_value = match t {
                    Taxonomy::Counties => self.counties[i].clone(),
                    Taxonomy::Topics => self.topics[i].clone(),
                };
                let name = match t {
                    Taxonomy::Counties => "county",
                    Taxonomy::Topics => "topic",
                };
                ctx.insert_value(name, term_value.clone());
                let term_stats = self.stats.as_ref().map(|s| match t {
                    Taxonomy::Counties => s.counties[i].clone(),
                    Taxonomy::Topics => s.topics[i].clone(),
                });
                ctx.insert_value("term_stats", term_stats.unwrap_or_else(Value::none));
                ctx.insert_value("term", term_value);
                ctx.insert_value(
                    "paginator",
                    self.paginator(items, n, total, |p| Output::Term(t, i, p)),
                );
            }
            Output::NotFound => {
                ctx.insert_value("page", self.page_value(o, "页面不存在", None));
            }
            Output::Search => {
                ctx.insert_value("page", self.page_value(o, "搜索", None));
                ctx.insert_value("search", self.search_value());
            }
            Output::Stats => {
                ctx.insert_value("page", self.page_value(o, "统计", None));
                let stats = self.stats.as_ref().map(|s| s.stats.clone());
                ctx.insert_value("stats", stats.unwrap_or_else(Value::none));
            }
            Output::Feed(_) | Output::Sitemap | Output::Robots | Output::StatsCsv(_) => {}
        }
        ctx
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

/// The page numbers a paginator shows: the first, the last, and two either side of the current
/// one, with `None` for a gap. Bounded, so a county with a thousand pages does not list a thousand
/// links on each of them.
pub fn page_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    let mut last = 0;
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            if n > last + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
    }
    out
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
