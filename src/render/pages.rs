//! The context of each kind of HTML page: one function per [`Output`] kind, each naming what its
//! template sees besides `site` (documented per template in `docs/templates.md`).

use tera::{Context, Value};

use super::Renderer;
use super::values::Obj;
use crate::model::{NEWEST, Output, Taxonomy};

impl Renderer<'_> {
    /// The context of one HTML page.
    pub fn context(&self, o: Output) -> Context {
        let mut ctx = Context::new();
        match o {
            Output::Home => self.home(&mut ctx),
            Output::IssueList(n) => self.issue_list(&mut ctx, n),
            Output::Issue(i) => self.issue(&mut ctx, i),
            Output::Article(a) => self.article_page(&mut ctx, a),
            Output::TermList(t) => self.term_list(&mut ctx, t),
            Output::Term(t, i, n) => self.term(&mut ctx, t, i, n),
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
            Output::StatsYear(y) => {
                ctx.insert_value("page", self.page_value(o, &format!("{y}年统计"), None));
                let year = self.stats.as_ref().map(|s| s.year_value(self.site, y));
                ctx.insert_value("stats_year", year.unwrap_or_else(Value::none));
            }
            Output::SiteMapPage => self.site_map(&mut ctx),
            Output::Feed(_)
            | Output::Sitemap
            | Output::SitemapPart(_)
            | Output::Robots
            | Output::StatsCsv(_)
            | Output::StatsYearCsv(..) => {}
        }
        ctx
    }

    /// `home.html`: the latest issue with its articles, the ten most recent issues, and the
    /// statistics at a glance.
    fn home(&self, ctx: &mut Context) {
        let site = self.site;
        ctx.insert_value(
            "page",
            self.page_value(
                Output::Home,
                &site.config.title,
                site.config.description.as_deref(),
            ),
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
        ctx.insert_value("updated", self.last_updated());
    }

    /// `issues.html`, page `n` ([`NEWEST`] or an archived page): its issues, newest first and
    /// grouped by year.
    fn issue_list(&self, ctx: &mut Context, n: usize) {
        let site = self.site;
        let paging = site.paging(site.issues.len());
        let range = paging.range(n);
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
            .map(|(y, list)| Obj::new().set("year", y).set("issues", list).into_value())
            .collect();
        let title = if n == NEWEST {
            "全部期刊".to_string()
        } else {
            format!("全部期刊（第{n}页）")
        };
        ctx.insert_value("page", self.page_value(Output::IssueList(n), &title, None));
        ctx.insert_value(
            "paginator",
            self.paginator(items, n, paging, Output::IssueList),
        );
        ctx.insert_value("years", Value::from(years));
    }

    /// `issue.html`: the issue with its articles' bodies, and the issues either side.
    fn issue(&self, ctx: &mut Context, i: usize) {
        let site = self.site;
        let issue = &site.issues[i];
        let title = match &issue.series {
            Some(s) if *s != site.config.title => format!("{s} {}", issue.title),
            _ => issue.title.clone(),
        };
        ctx.insert_value("page", self.page_value(Output::Issue(i), &title, None));
        ctx.insert_value("issue", self.issue_with_articles(i, true));
        let newer = i.checked_sub(1).map(|j| self.issues[j].clone());
        let older = self.issues.get(i + 1).cloned();
        ctx.insert_value("newer_issue", newer.unwrap_or_else(Value::none));
        ctx.insert_value("older_issue", older.unwrap_or_else(Value::none));
    }

    /// `article.html`: the article with its body, its issue, and the articles either side in it.
    fn article_page(&self, ctx: &mut Context, a: usize) {
        let site = self.site;
        let art = &site.articles[a];
        ctx.insert_value(
            "page",
            self.page_value(Output::Article(a), &art.title, Some(&art.summary)),
        );
        ctx.insert_value("article", self.article_full(a));
        ctx.insert_value("issue", self.issue_with_articles(art.issue, false));
        let list = &site.issues[art.issue].articles;
        let pos = art.position - 1;
        let prev = pos.checked_sub(1).map(|p| self.article(list[p]).clone());
        let next = list.get(pos + 1).map(|&n| self.article(n).clone());
        ctx.insert_value("prev_article", prev.unwrap_or_else(Value::none));
        ctx.insert_value("next_article", next.unwrap_or_else(Value::none));
    }

    /// `counties.html` or `topics.html`: every county or topic.
    fn term_list(&self, ctx: &mut Context, t: Taxonomy) {
        let title = match t {
            Taxonomy::Counties => "县区",
            Taxonomy::Topics => "专题",
        };
        ctx.insert_value("page", self.page_value(Output::TermList(t), title, None));
        let terms = match t {
            Taxonomy::Counties => &self.counties,
            Taxonomy::Topics => &self.topics,
        };
        ctx.insert_value("terms", Value::from(terms.clone()));
    }

    /// `county.html` or `topic.html`, page `n` ([`NEWEST`] or an archived page) of term `i`: its
    /// articles, newest first, and its statistics.
    fn term(&self, ctx: &mut Context, t: Taxonomy, i: usize, n: usize) {
        let site = self.site;
        let term = &site.terms(t)[i];
        let paging = site.paging(term.articles.len());
        let items: Vec<Value> = term.articles[paging.range(n)]
            .iter()
            .map(|&a| self.article(a).clone())
            .collect();
        let title = if n == NEWEST {
            term.name.clone()
        } else {
            format!("{}（第{n}页）", term.name)
        };
        ctx.insert_value("page", self.page_value(Output::Term(t, i, n), &title, None));
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
            self.paginator(items, n, paging, |p| Output::Term(t, i, p)),
        );
    }
}
