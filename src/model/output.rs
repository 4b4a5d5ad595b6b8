//! Every output the build writes, and its path: the pages, feeds and files of [`Output`], their
//! URLs ([`Site::url`]) and files ([`Site::file_path`]), the list of them all ([`Site::outputs`],
//! checked for two sources of one path), and which of them show an article (what the dev server
//! re-renders when it changes).
//!
//! The statistics' paths are here too ([`CsvFile`], `STATS_DIR`, [`Site::stats_years`]): the model
//! owns every output's path, and `crate::stats` only makes the values and the files' text. This
//! keeps the model below every stage that reads it.

use std::collections::HashMap;

use super::{NEWEST, Site, Taxonomy};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// A page or file the build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    Home,
    /// `/issues/`: [`NEWEST`], or archived page `n` counted from the oldest ([`Paging`](super::Paging)).
    IssueList(usize),
    Issue(usize),
    Article(usize),
    TermList(Taxonomy),
    /// A county or topic page: taxonomy, term index, page ([`NEWEST`] or an archived page's number).
    Term(Taxonomy, usize, usize),
    NotFound,
    /// `/search/`: the search page (its index is written by [`crate::search`]).
    Search,
    /// The site feed (`None`) or a county's or topic's.
    Feed(Option<(Taxonomy, usize)>),
    /// `sitemap.xml`: the sitemap index, naming each [`SitemapPart`].
    Sitemap,
    /// `sitemaps/pages.xml` or `sitemaps/YEAR.xml`: one part of the sitemap.
    SitemapPart(SitemapPart),
    Robots,
    /// `/stats/`: counts per county, unit and topic (see [`crate::stats`]).
    Stats,
    /// A CSV file of `/stats/`.
    StatsCsv(CsvFile),
    /// `/stats/YEAR/`: one year's quarters, months and ranking, for each year with articles.
    StatsYear(i32),
    /// A CSV file of `/stats/YEAR/` (one of `CsvFile::YEAR`).
    StatsYearCsv(i32, CsvFile),
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
                | Output::SitemapPart(_)
                | Output::Robots
                | Output::StatsCsv(_)
                | Output::StatsYearCsv(..)
        )
    }
}

/// A part of the sitemap. One file per year of issues (each issue's page and its articles') and
/// one for every other page, so that a weekly issue rewrites its year's part, the small pages part
/// and the index, not a file that lists every URL of the archive (1.5 MB at 10,000 articles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SitemapPart {
    /// Home, lists, county and topic pages, statistics: every page that is not an issue's or an
    /// article's.
    Pages,
    /// The issues dated in this year and their articles.
    Year(i32),
}

/// The CSV files of `/stats/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CsvFile {
    /// Articles per county per year.
    CountyYear,
    /// Articles per topic per year.
    TopicYear,
    /// Articles per unit per year.
    UnitYear,
    /// Articles per county per quarter of the latest year.
    CountyQuarter,
    /// Articles per county per month of the latest year.
    CountyMonth,
}

impl CsvFile {
    pub const ALL: [CsvFile; 5] = [
        CsvFile::CountyYear,
        CsvFile::TopicYear,
        CsvFile::UnitYear,
        CsvFile::CountyQuarter,
        CsvFile::CountyMonth,
    ];

    /// The files of a year's page (`stats/2021/`): that year's quarter and month tables.
    pub const YEAR: [CsvFile; 2] = [CsvFile::CountyQuarter, CsvFile::CountyMonth];

    /// The file's name under `stats/` (and, for [`CsvFile::YEAR`], under `stats/YEAR/`).
    pub fn file_name(self) -> &'static str {
        match self {
            CsvFile::CountyYear => "county-year.csv",
            CsvFile::TopicYear => "topic-year.csv",
            CsvFile::UnitYear => "unit-year.csv",
            CsvFile::CountyQuarter => "county-quarter.csv",
            CsvFile::CountyMonth => "county-month.csv",
        }
    }
}

/// The URL folder of the statistics.
const STATS_DIR: &str = "stats";

/// The URL of `/stats/YEAR/`, relative to the base.
fn stats_year_url(year: i32) -> String {
    format!("{STATS_DIR}/{year}/")
}

impl Site {
    /// The URL of an output relative to the base URL (`issues/2021-125/`, `feed.xml`, `` for home).
    pub fn url(&self, o: Output) -> String {
        match o {
            Output::Home => String::new(),
            Output::IssueList(NEWEST) => "issues/".into(),
            Output::IssueList(n) => format!("issues/page/{n}/"),
            Output::Issue(i) => format!("issues/{}/", self.issues[i].slug),
            Output::Article(a) => {
                let art = &self.articles[a];
                format!("issues/{}/{}/", self.issues[art.issue].slug, art.slug)
            }
            Output::TermList(t) => format!("{}/", t.dir()),
            Output::Term(t, i, NEWEST) => format!("{}/{}/", t.dir(), self.terms(t)[i].slug),
            Output::Term(t, i, n) => format!("{}/{}/page/{n}/", t.dir(), self.terms(t)[i].slug),
            Output::NotFound => "404.html".into(),
            Output::Search => "search/".into(),
            Output::Feed(None) => "feed.xml".into(),
            Output::Feed(Some((t, i))) => format!("{}/{}/feed.xml", t.dir(), self.terms(t)[i].slug),
            Output::Sitemap => "sitemap.xml".into(),
            Output::SitemapPart(SitemapPart::Pages) => "sitemaps/pages.xml".into(),
            Output::SitemapPart(SitemapPart::Year(y)) => format!("sitemaps/{y}.xml"),
            Output::Robots => "robots.txt".into(),
            Output::SiteMapPage => "sitemap/".into(),
            Output::Stats => format!("{STATS_DIR}/"),
            Output::StatsCsv(f) => format!("{STATS_DIR}/{}", f.file_name()),
            Output::StatsYear(y) => stats_year_url(y),
            Output::StatsYearCsv(y, f) => format!("{}{}", stats_year_url(y), f.file_name()),
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
        let mut out = vec![Output::Stats];
        out.extend(CsvFile::ALL.map(Output::StatsCsv));
        for y in self.stats_years() {
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
        out.push(Output::Sitemap);
        out.extend(self.sitemap_parts().into_iter().map(Output::SitemapPart));
        out.push(Output::Robots);
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
        out.extend(
            self.paging(self.issues.len())
                .pages()
                .map(Output::IssueList),
        );
        out.extend((0..self.issues.len()).map(Output::Issue));
        out.extend((0..self.articles.len()).map(Output::Article));
        for t in [Taxonomy::Counties, Taxonomy::Topics] {
            out.push(Output::TermList(t));
            for (i, term) in self.terms(t).iter().enumerate() {
                out.extend(
                    self.paging(term.articles.len())
                        .pages()
                        .map(|n| Output::Term(t, i, n)),
                );
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
            let paging = self.paging(list.len());
            if every_term_page {
                out.extend(paging.pages().map(|p| Output::Term(t, i, p)));
            } else if let Ok(at) = list.binary_search(&a) {
                // Term lists hold article indices in ascending (newest-first) order.
                out.push(Output::Term(t, i, paging.page_of(at)));
            }
            out.push(Output::Feed(Some((t, i))));
            out.push(Output::TermList(t));
        }
        out.push(Output::IssueList(
            self.paging(self.issues.len()).page_of(art.issue),
        ));
        out.extend([
            Output::Home,
            Output::Feed(None),
            Output::Sitemap,
            Output::SitemapPart(SitemapPart::Pages),
            Output::SitemapPart(SitemapPart::Year(self.issues[art.issue].date.year)),
        ]);
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

    /// [`Site::source_of`] in Chinese, for the 工作台.
    pub fn source_of_zh(&self, o: Output) -> String {
        match o {
            Output::Term(Taxonomy::Counties, i, _) => {
                format!("县区 {} 的页面", self.counties[i].name)
            }
            Output::Term(Taxonomy::Topics, i, _) => {
                format!("专题 {} 的页面", self.topics[i].name)
            }
            Output::Feed(Some((t, i))) => format!("{} 的订阅源", self.terms(t)[i].name),
            Output::Issue(_) | Output::Article(_) => self.source_of(o),
            other => format!("自动生成的 {other:?} 页面"),
        }
    }

    /// Two outputs with one file path (or two that differ only in letter case, which merge on
    /// Windows and macOS hosts) are an error naming both sources.
    pub fn check_collisions(&self, outputs: &[Output], static_files: &[String]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        // Lower-cased path → the path as written and its source.
        // Lower-cased path → the path as written and its source, in English and Chinese.
        let mut seen: HashMap<String, (String, [String; 2])> =
            HashMap::with_capacity(outputs.len());
        let claims = outputs
            .iter()
            .map(|&o| (self.file_path(o), [self.source_of(o), self.source_of_zh(o)]))
            .chain(static_files.iter().map(|f| {
                (
                    f.clone(),
                    [format!("the static file {f}"), format!("静态文件 {f}")],
                )
            }))
            .chain(
                self.assets
                    .claims()
                    .map(|(path, source)| (path, [source.clone(), source])),
            );
        for (path, [source, source_zh]) in claims {
            let key = path.to_lowercase();
            if let Some((prev_path, [prev_source, prev_zh])) = seen.get(&key) {
                let (help, help_zh) = if *prev_path == path {
                    (
                        "give one of them another `slug:` (or rename its file or folder)",
                        "给其中一个换一个 `slug:`（或者给它的文件、文件夹改名）",
                    )
                } else {
                    (
                        "these URLs differ only in letter case, which Windows and macOS hosts treat as one; rename one",
                        "这两个网址只差在字母大小写，放到 Windows 或 macOS 的服务器上会被当成同一个；请改掉其中一个",
                    )
                };
                diags.push(
                    Diagnostic::error(format!(
                        "two sources would write `{path}`: {prev_source} and {source}"
                    ))
                    .with_help(help)
                    .zh(format!("有两处都会写出 `{path}`：{prev_zh} 和 {source_zh}"))
                    .zh_help(help_zh),
                );
            } else {
                seen.insert(key, (path, [source, source_zh]));
            }
        }
        diags
    }

    /// The parts of the sitemap: the pages part, then one per year of issues, newest first.
    pub fn sitemap_parts(&self) -> Vec<SitemapPart> {
        let mut years: Vec<i32> = self.issues.iter().map(|i| i.date.year).collect();
        years.sort_by_key(|&y| std::cmp::Reverse(y));
        years.dedup();
        std::iter::once(SitemapPart::Pages)
            .chain(years.into_iter().map(SitemapPart::Year))
            .collect()
    }

    /// The part of the sitemap that lists an HTML output.
    pub fn sitemap_part_of(&self, o: Output) -> SitemapPart {
        match o {
            Output::Issue(i) => SitemapPart::Year(self.issues[i].date.year),
            Output::Article(a) => SitemapPart::Year(self.issues[self.articles[a].issue].date.year),
            _ => SitemapPart::Pages,
        }
    }

    /// The years with articles, newest first: each has a page `/stats/YEAR/`.
    pub fn stats_years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = Vec::new();
        // Articles are newest first, so a year's articles are together; a set would not need it.
        for a in &self.articles {
            if years.last() != Some(&a.date.year) && !years.contains(&a.date.year) {
                years.push(a.date.year);
            }
        }
        years.sort_by_key(|&y| std::cmp::Reverse(y));
        years
    }
}
