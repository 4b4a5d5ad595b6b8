//! What the templates need to be a government website (`crate::government`): the marks of
//! site.yaml's `government:` block as `site.government`, each page's labels for the monitoring
//! platforms (`page.labels`, `<meta name="SiteName">` …) and its 我为政府网站找错 link
//! (`page.jiucuo_url`), the 网站地图 page, and the date the archive was last updated (from the
//! content, never the build: a date made up by the build counts as 伪造发稿日期).

use tera::{Context, Value};

use super::Renderer;
use super::values::Obj;
use crate::frontmatter::Date;
use crate::government;
use crate::model::{Output, Taxonomy};

impl Renderer<'_> {
    /// `site.government`: none without a `government:` block.
    pub(super) fn government_value(&self) -> Value {
        let Some(g) = &self.site.config.government else {
            return Value::none();
        };
        let contact = Obj::new()
            .set("phone", g.contact.phone.as_deref())
            .set("email", g.contact.email.as_deref())
            .set("address", g.contact.address.as_deref())
            .into_value();
        let police = match &g.police {
            Some(p) => Obj::new()
                .set("text", p.text.as_str())
                .set("code", p.code.as_str())
                .set("url", g.police_url())
                .into_value(),
            None => Value::none(),
        };
        let conac = match &g.conac {
            Some(id) => Obj::new()
                .set("id", id.as_str())
                .set("url", g.conac_url())
                .set(
                    "image",
                    g.conac_image
                        .as_ref()
                        .map(|p| format!("{}{p}", self.site.config.base_path())),
                )
                .into_value(),
            None => Value::none(),
        };
        Obj::new()
            .set("site_code", g.site_code.as_deref())
            .set("site_name", self.site_name())
            .set("icp", g.icp.as_deref())
            .set("icp_url", government::ICP_URL)
            .set_value("police", police)
            .set_value("conac", conac)
            .set("sponsor", g.sponsor.as_deref())
            .set("organizer", g.organizer.as_deref())
            .set_value("contact", contact)
            .set("marks", g.marks)
            .set("jiucuo", g.jiucuo)
            .set(
                "sitemap_url",
                g.sitemap_page.then(|| self.link(Output::SiteMapPage).0),
            )
            .into_value()
    }

    /// The `SiteName` label: `government.site_name`, else the site's title.
    fn site_name(&self) -> String {
        let c = &self.site.config;
        c.government
            .as_ref()
            .and_then(|g| g.site_name.clone())
            .unwrap_or_else(|| c.title.clone())
    }

    /// The 找错 link of output `o`, or none.
    pub(super) fn jiucuo_value(&self, o: Output) -> Value {
        let Some(g) = &self.site.config.government else {
            return Value::none();
        };
        let permalink = format!("{}{}", self.site.config.base_url, self.site.url(o));
        g.jiucuo_url(&permalink)
            .map(Value::from)
            .unwrap_or_else(Value::none)
    }

    /// The page labels of output `o`, each `{name, content}`, in the order monitoring platforms
    /// list them: the site's on every page, the column's on list pages, the article's on article
    /// (and whole-issue) pages.
    pub(super) fn labels(&self, o: Output) -> Value {
        let site = self.site;
        let c = &site.config;
        let mut labels: Vec<(&'static str, String)> = vec![("SiteName", self.site_name())];
        if let Some(host) = url::Url::parse(&c.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
        {
            labels.push(("SiteDomain", host));
        }
        if let Some(code) = c.government.as_ref().and_then(|g| g.site_code.clone()) {
            labels.push(("SiteIDCode", code));
        }
        let column = |name: &str, description: String| {
            let column_type = c
                .government
                .as_ref()
                .map_or("工作动态", |g| g.column_type.as_str());
            [
                ("ColumnName", name.to_string()),
                ("ColumnDescription", description),
                ("ColumnKeywords", name.to_string()),
                ("ColumnType", column_type.to_string()),
            ]
        };
        let article = |title: String, date: &Date, source: &str| {
            [
                ("ArticleTitle", title),
                ("PubDate", pub_date(date)),
                ("ContentSource", source.to_string()),
            ]
        };
        match o {
            Output::IssueList(_) => {
                labels.extend(column("期刊", format!("{}全部期刊，按日期排列", c.title)))
            }
            Output::TermList(t) => {
                let name = match t {
                    Taxonomy::Counties => "县区",
                    Taxonomy::Topics => "专题",
                };
                labels.extend(column(name, format!("{}各{name}", c.title)));
            }
            Output::Term(t, i, _) => {
                let name = &site.terms(t)[i].name;
                labels.extend(column(
                    name,
                    format!("{}中{name}的文章，按日期排列", c.title),
                ));
            }
            Output::Article(a) => {
                let art = &site.articles[a];
                let source = art
                    .unit
                    .as_deref()
                    .unwrap_or(&site.counties[art.county].name);
                labels.extend(article(art.title.clone(), &art.date, source));
            }
            Output::Issue(i) => {
                let issue = &site.issues[i];
                let series = issue.series.as_deref().unwrap_or(&c.title);
                let source = issue.editor.as_deref().unwrap_or(&c.title);
                labels.extend(article(
                    format!("{series} {}", issue.title),
                    &issue.date,
                    source,
                ));
            }
            _ => {}
        }
        Value::from(
            labels
                .into_iter()
                .map(|(name, content)| {
                    Obj::new()
                        .set("name", name)
                        .set("content", content)
                        .into_value()
                })
                .collect::<Vec<_>>(),
        )
    }

    /// `updated` on the home page: the newest date of the content (an issue's or an article's),
    /// `{date, date_zh}`, or none for an empty site.
    pub(super) fn last_updated(&self) -> Value {
        let site = self.site;
        let newest = site
            .issues
            .iter()
            .map(|i| i.date)
            .chain(site.articles.iter().map(|a| a.date))
            .max();
        match newest {
            Some(d) => Obj::new()
                .set("date", d.iso())
                .set("date_zh", d.chinese())
                .into_value(),
            None => Value::none(),
        }
    }

    /// `sitemap.html`: the 网站地图, every column of the site (`site_map`).
    pub(super) fn site_map(&self, ctx: &mut Context) {
        ctx.insert_value(
            "page",
            self.page_value(Output::SiteMapPage, "网站地图", None),
        );
        let stats_years: Vec<Value> = if self.site.config.stats {
            self.site
                .stats_years()
                .into_iter()
                .map(|y| {
                    Obj::new()
                        .set("year", y)
                        .set_value("url", self.link(Output::StatsYear(y)).0)
                        .into_value()
                })
                .collect()
        } else {
            Vec::new()
        };
        ctx.insert_value(
            "site_map",
            Obj::new()
                .set("stats_years", stats_years)
                .set_value(
                    "search_url",
                    if self.site.config.search {
                        self.link(Output::Search).0
                    } else {
                        Value::none()
                    },
                )
                .into_value(),
        );
    }
}

/// `PubDate` as monitoring platforms read it, `YYYY-MM-DD HH:MM`. Bulletins carry days, not
/// times, so the time is the start of the day (as in the Atom feeds), never the build's.
pub(super) fn pub_date(d: &Date) -> String {
    format!("{} 00:00", d.iso())
}
