//! The values templates see, each built once per site: a site, an issue, an article, a county or
//! topic, a page, a paginator. Tera values are reference-counted, so a list page that shows fifty
//! articles copies fifty pointers. Their names are the theme API (`docs/templates.md`).

use tera::Value;

use super::Renderer;
use crate::model::{NEWEST, Output, Paging, Taxonomy};

pub(super) fn key(k: &'static str) -> tera::value::Key<'static> {
    tera::value::Key::from(k)
}

/// A small builder for Tera maps.
pub(super) struct Obj(tera::Map);

impl Obj {
    pub(super) fn new() -> Self {
        Obj(tera::Map::default())
    }
    pub(super) fn set(mut self, k: &'static str, v: impl Into<Value>) -> Self {
        self.0.insert(key(k), v.into());
        self
    }
    pub(super) fn set_value(mut self, k: &'static str, v: Value) -> Self {
        self.0.insert(key(k), v);
        self
    }
    pub(super) fn into_value(self) -> Value {
        Value::from(self.0)
    }
}

pub(super) fn json_map(m: &serde_json::Map<String, serde_json::Value>) -> Value {
    Value::from_serializable(m)
}

/// Extend a map value with more keys (the article summary + its content).
pub(super) fn extend(v: &Value, extra: &[(&'static str, Value)]) -> Value {
    let mut map = v.as_map().cloned().unwrap_or_default();
    for (k, val) in extra {
        map.insert(key(k), val.clone());
    }
    Value::from(map)
}

impl Renderer<'_> {
    pub(super) fn link(&self, o: Output) -> (Value, Value) {
        let rel = self.site.url(o);
        (
            Value::from(format!("{}{rel}", self.site.config.base_path())),
            Value::from(format!("{}{rel}", self.site.config.base_url)),
        )
    }

    pub(super) fn term_value(&self, t: Taxonomy, i: usize) -> Value {
        let term = &self.site.terms(t)[i];
        let (url, permalink) = self.link(Output::Term(t, i, NEWEST));
        let (feed_url, _) = self.link(Output::Feed(Some((t, i))));
        Obj::new()
            .set("name", term.name.as_str())
            .set("slug", term.slug.as_str())
            .set_value("url", url)
            .set_value("permalink", permalink)
            .set_value("feed_url", feed_url)
            .set("count", term.articles.len())
            .into_value()
    }

    pub(super) fn issue_value(&self, i: usize) -> Value {
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
            .into_value()
    }

    pub(super) fn article_value(&self, a: usize) -> Value {
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
            .into_value()
    }

    /// The files an article's body links to, for a list under it: 附件1：实施方案（PDF，1.2 MB）.
    pub(super) fn attachments(&self, a: usize) -> Vec<Value> {
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
                    .into_value()
            })
            .collect()
    }

    /// An article without its body, as lists show it.
    pub(super) fn article(&self, a: usize) -> &Value {
        self.articles[a].get_or_init(|| self.article_value(a))
    }

    /// An article with its body.
    pub(super) fn article_full(&self, a: usize) -> Value {
        let art = &self.site.articles[a];
        extend(
            self.article(a),
            &[("content", Value::safe_string(&art.html))],
        )
    }

    /// An issue with its articles (bodies included when `full`).
    pub(super) fn issue_with_articles(&self, i: usize, full: bool) -> Value {
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

    pub(super) fn site_value(&self) -> Value {
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
                    .then(|| format!("{}{}", c.base_path(), self.site.url(Output::Stats))),
            )
            .set("generator", concat!("bulletin ", env!("CARGO_PKG_VERSION")))
            .set_value("government", self.government_value())
            .set_value("extra", Value::from_serializable(&c.extra))
            .into_value()
    }

    /// `search` on the search page: where the index is, and the years for the year filter.
    pub(super) fn search_value(&self) -> Value {
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
            .map(|(y, n)| Obj::new().set("year", y).set("count", n).into_value())
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
            .into_value()
    }

    pub(super) fn page_value(&self, o: Output, title: &str, description: Option<&str>) -> Value {
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
            Output::StatsYear(_) => "stats_year",
            Output::SiteMapPage => "sitemap",
            _ => "file",
        };
        Obj::new()
            .set("kind", kind)
            .set_value("url", url)
            .set_value("permalink", permalink)
            .set("title", title)
            .set("description", description)
            .set_value("labels", self.labels(o))
            .set_value("jiucuo_url", self.jiucuo_value(o))
            .into_value()
    }

    /// The `paginator` of list page `current` ([`NEWEST`] or an archived page's number), in
    /// reading order: newest first. Only what is near the page and the two ends are linked, so
    /// an archived page changes only when a page is archived next to it.
    pub(super) fn paginator(
        &self,
        items: Vec<Value>,
        current: usize,
        paging: Paging,
        url_of: impl Fn(usize) -> Output,
    ) -> Value {
        let total = paging.count();
        let (first_url, _) = self.link(url_of(NEWEST));
        let (last_url, _) = self.link(url_of(paging.pages().next().unwrap_or(NEWEST)));
        // The window is worked out on the numbers the pages show (the newest page's is `total`),
        // then read newest first.
        let pages: Vec<Value> = page_window(paging.number(current), total)
            .into_iter()
            .rev()
            .map(|n| match n {
                Some(n) => {
                    let page = if n == total { NEWEST } else { n };
                    Obj::new()
                        .set("number", n)
                        .set_value("url", self.link(url_of(page)).0)
                        .set("current", page == current)
                        .set("newest", page == NEWEST)
                        .set("gap", false)
                        .into_value()
                }
                None => Obj::new()
                    .set("number", 0)
                    .set_value("url", Value::none())
                    .set("current", false)
                    .set("newest", false)
                    .set("gap", true)
                    .into_value(),
            })
            .collect();
        let prev = paging.newer(current).map(|p| self.link(url_of(p)).0);
        let next = paging.older(current).map(|p| self.link(url_of(p)).0);
        Obj::new()
            .set("current", paging.number(current))
            .set("newest", current == NEWEST)
            .set("total", total)
            .set("per_page", self.site.config.paginate)
            .set("items", items)
            .set_value("first_url", first_url)
            .set_value("last_url", last_url)
            .set_value("prev_url", prev.unwrap_or_else(Value::none))
            .set_value("next_url", next.unwrap_or_else(Value::none))
            .set("pages", pages)
            .into_value()
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
