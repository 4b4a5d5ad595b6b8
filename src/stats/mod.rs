//! Statistics: how many articles each county, unit and topic had per year, quarter or month — the
//! 信息采用情况 an editing office reports every quarter, counted from the model instead of by hand.
//!
//! Counting is one pass over the site's articles and is pure: [`count`] takes the site and a
//! question ([`Query`]) and returns a [`Table`]. Everything else draws that table: [`chart`] as
//! static SVG, [`csv`] for Excel, [`text`] for the terminal and JSON, [`pages`] as the values
//! templates see on `/stats/`, county, topic and home pages. Counting is by the article's date; the
//! drafts rule is the model's (a draft is in the site only with `--drafts`).
//!
//! An article counts once in its county's row and once in each of its topics' rows, so the rows of
//! a topic table can add up to more than its 合计 row, which counts articles.

pub mod chart;
pub mod csv;
pub mod pages;
pub mod text;

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::Date;
use crate::model::{Article, Site, Taxonomy};

/// What the rows of a table are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    County,
    Unit,
    Topic,
}

impl By {
    /// `county`, `unit` or `topic`, as on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            By::County => "county",
            By::Unit => "unit",
            By::Topic => "topic",
        }
    }

    /// The header of the name column: 县区, 单位 or 专题.
    pub fn heading(self) -> &'static str {
        match self {
            By::County => "县区",
            By::Unit => "单位",
            By::Topic => "专题",
        }
    }
}

/// What the columns of a table are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Year,
    Quarter,
    Month,
}

impl Period {
    /// `year`, `quarter` or `month`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Year => "year",
            Period::Quarter => "quarter",
            Period::Month => "month",
        }
    }

    /// The period a date falls in.
    pub fn of(self, d: Date) -> PeriodKey {
        let part = match self {
            Period::Year => 0,
            Period::Quarter => (d.month - 1) / 3 + 1,
            Period::Month => d.month,
        };
        PeriodKey {
            period: self,
            year: d.year,
            part,
        }
    }
}

/// One column: a year, a quarter of a year or a month of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodKey {
    pub period: Period,
    pub year: i32,
    /// 0 for a year, 1–4 for a quarter, 1–12 for a month.
    pub part: u32,
}

impl PeriodKey {
    fn ordinal(self) -> i64 {
        let per_year = match self.period {
            Period::Year => 1,
            Period::Quarter => 4,
            Period::Month => 12,
        };
        i64::from(self.year) * per_year + i64::from(self.part.saturating_sub(1))
    }

    /// The period after this one.
    pub fn next(self) -> PeriodKey {
        let last = match self.period {
            Period::Year => 0,
            Period::Quarter => 4,
            Period::Month => 12,
        };
        if self.part >= last {
            PeriodKey {
                year: self.year + 1,
                part: if last == 0 { 0 } else { 1 },
                ..self
            }
        } else {
            PeriodKey {
                part: self.part + 1,
                ..self
            }
        }
    }

    /// `2021`, `2021Q3` or `2021-07`: for CSV headers, the terminal and JSON.
    pub fn label(self) -> String {
        match self.period {
            Period::Year => format!("{}", self.year),
            Period::Quarter => format!("{}Q{}", self.year, self.part),
            Period::Month => format!("{}-{:02}", self.year, self.part),
        }
    }

    /// `2021年`, `2021年第三季度` or `2021年7月`: for pages.
    pub fn label_zh(self) -> String {
        match self.period {
            Period::Year => format!("{}年", self.year),
            Period::Quarter => format!("{}年{}", self.year, self.short_zh()),
            Period::Month => format!("{}年{}月", self.year, self.part),
        }
    }

    /// The label inside a year: `2021`, `第三季度`, `7月`.
    pub fn short_zh(self) -> String {
        const Q: [&str; 4] = ["一", "二", "三", "四"];
        match self.period {
            Period::Year => format!("{}", self.year),
            Period::Quarter => format!("第{}季度", Q[(self.part as usize).clamp(1, 4) - 1]),
            Period::Month => format!("{}月", self.part),
        }
    }

    /// The first and last day of the period.
    pub fn days(self) -> (Date, Date) {
        let (m1, m2) = match self.period {
            Period::Year => (1, 12),
            Period::Quarter => (self.part * 3 - 2, self.part * 3),
            Period::Month => (self.part, self.part),
        };
        let last = days_in_month(self.year, m2);
        (
            Date {
                year: self.year,
                month: m1,
                day: 1,
            },
            Date {
                year: self.year,
                month: m2,
                day: last,
            },
        )
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A question for [`count`].
#[derive(Debug, Clone, Copy)]
pub struct Query {
    pub by: By,
    pub period: Period,
    /// Inclusive; the columns start at its period. Default: the oldest article's.
    pub from: Option<Date>,
    /// Inclusive; the columns end at its period. Default: the newest article's.
    pub to: Option<Date>,
}

impl Query {
    pub fn new(by: By, period: Period) -> Query {
        Query {
            by,
            period,
            from: None,
            to: None,
        }
    }

    /// The same question for the dates `from..=to`.
    pub fn between(self, from: Date, to: Date) -> Query {
        Query {
            from: Some(from),
            to: Some(to),
            ..self
        }
    }

    fn admits(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

/// One row of a table: a county, unit or topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    /// The county or topic in `Site::counties`/`Site::topics`; `None` for a unit, or for a name of
    /// the site.yaml vocabulary that no article uses (it is listed, with zeros, for reports).
    pub term: Option<usize>,
    /// One count per column.
    pub counts: Vec<u64>,
    pub total: u64,
}

/// Counts of articles: one row per county, unit or topic, one column per period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub by: By,
    pub period: Period,
    /// Every period from the first to the last, empty ones included.
    pub columns: Vec<PeriodKey>,
    pub rows: Vec<Row>,
    /// Articles per column: each article once, even when it has several topics.
    pub column_totals: Vec<u64>,
    /// Articles in the table.
    pub total: u64,
}

impl Table {
    /// The largest count of a cell (for scaling charts).
    pub fn max_cell(&self) -> u64 {
        self.rows
            .iter()
            .flat_map(|r| r.counts.iter().copied())
            .max()
            .unwrap_or(0)
    }
}

/// The unit an article is counted under: its `unit`, or its county when it has none.
pub fn unit_of<'a>(site: &'a Site, a: &'a Article) -> &'a str {
    a.unit
        .as_deref()
        .unwrap_or(site.counties[a.county].name.as_str())
}

/// Count the site's articles as `q` asks.
pub fn count(site: &Site, q: &Query) -> Table {
    count_where(site, q, |_| true)
}

/// [`count`] over the articles `keep` accepts.
pub fn count_where(site: &Site, q: &Query, keep: impl Fn(&Article) -> bool) -> Table {
    let articles: Vec<&Article> = site
        .articles
        .iter()
        .filter(|a| q.admits(a.date) && keep(a))
        .collect();
    // Columns: every period from the first to the last.
    let first = q
        .from
        .or_else(|| articles.iter().map(|a| a.date).min())
        .map(|d| q.period.of(d));
    let last =
        q.to.or_else(|| articles.iter().map(|a| a.date).max())
            .map(|d| q.period.of(d));
    let mut columns = Vec::new();
    if let (Some(mut k), Some(last)) = (first, last) {
        while k.ordinal() <= last.ordinal() {
            columns.push(k);
            k = k.next();
        }
    }
    let base = first.map_or(0, PeriodKey::ordinal);
    let col = |d: Date| (q.period.of(d).ordinal() - base) as usize;

    let mut rows = row_skeleton(site, q.by, &articles);
    // Each article's row without hashing: terms by index, units by name (looked up borrowed).
    let term_count = match q.by {
        By::County => site.counties.len(),
        By::Topic => site.topics.len(),
        By::Unit => 0,
    };
    let mut term_row = vec![0usize; term_count];
    let mut unit_row: HashMap<&str, usize> = HashMap::new();
    for (i, (k, _)) in rows.iter().enumerate() {
        match k {
            RowKey::Term(t) => term_row[*t] = i,
            RowKey::Unit(u) => {
                unit_row.insert(u.as_str(), i);
            }
            RowKey::Unused(_) => {}
        }
    }
    let mut counts = vec![vec![0u64; columns.len()]; rows.len()];
    let mut column_totals = vec![0u64; columns.len()];
    for a in &articles {
        let c = col(a.date);
        column_totals[c] += 1;
        match q.by {
            By::County => counts[term_row[a.county]][c] += 1,
            By::Topic => {
                for &t in &a.topics {
                    counts[term_row[t]][c] += 1;
                }
            }
            By::Unit => counts[unit_row[unit_of(site, a)]][c] += 1,
        }
    }
    drop(unit_row);
    let mut out: Vec<Row> = rows
        .drain(..)
        .zip(counts)
        .map(|((key, name), counts)| Row {
            name,
            term: match key {
                RowKey::Term(t) => Some(t),
                _ => None,
            },
            total: counts.iter().sum(),
            counts,
        })
        .collect();
    if q.by == By::Unit {
        // Units have no vocabulary: most articles first, then by name.
        out.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
    }
    Table {
        by: q.by,
        period: q.period,
        columns,
        rows: out,
        total: articles.len() as u64,
        column_totals,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RowKey {
    Term(usize),
    /// A vocabulary name no article of the site uses.
    Unused(String),
    Unit(String),
}

/// The rows of a table before counting, in display order: for counties and topics every term of
/// the site (already in the vocabulary's order) with the vocabulary's unused names placed by their
/// `order`; for units every unit of `articles`.
fn row_skeleton(site: &Site, by: By, articles: &[&Article]) -> Vec<(RowKey, String)> {
    let (terms, vocab) = match by {
        By::County => (&site.counties, site.config.counties.as_ref()),
        By::Topic => (&site.topics, site.config.topics.as_ref()),
        By::Unit => {
            let mut seen: HashMap<&str, ()> = HashMap::new();
            let mut out = Vec::new();
            for a in articles {
                let u = unit_of(site, a);
                if seen.insert(u, ()).is_none() {
                    out.push((RowKey::Unit(u.to_string()), u.to_string()));
                }
            }
            return out;
        }
    };
    let mut keyed: Vec<(i64, String, RowKey, String)> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.order, t.slug.clone(), RowKey::Term(i), t.name.clone()))
        .collect();
    if let Some(v) = vocab {
        for t in &v.terms {
            if !terms.iter().any(|x| x.name == t.name) {
                keyed.push((
                    t.order,
                    t.slug.clone(),
                    RowKey::Unused(t.name.clone()),
                    t.name.clone(),
                ));
            }
        }
    }
    // A stable sort: the site's terms are already in display order among themselves.
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    keyed.into_iter().map(|(_, _, k, n)| (k, n)).collect()
}

/// One place of a ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based; equal counts share a rank (1, 2, 2, 4).
    pub rank: usize,
    pub name: String,
    pub term: Option<usize>,
    pub count: u64,
}

/// Rows of a one-column count, most articles first (ties in the table's order), ranked.
pub fn rank(table: &Table) -> Vec<Place> {
    let mut rows: Vec<&Row> = table.rows.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.total));
    let mut out: Vec<Place> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let rank = match out.last() {
            Some(p) if p.count == r.total => p.rank,
            _ => i + 1,
        };
        out.push(Place {
            rank,
            name: r.name.clone(),
            term: r.term,
            count: r.total,
        });
    }
    out
}

/// The latest period of kind `period` that has ended before `today` and holds an article, if any.
pub fn latest_complete(site: &Site, period: Period, today: Date) -> Option<PeriodKey> {
    let current = period.of(today);
    site.articles
        .iter()
        .map(|a| period.of(a.date))
        .filter(|k| k.ordinal() < current.ordinal())
        .max_by_key(|k| k.ordinal())
}

/// Today's date in UTC, or the date of `SOURCE_DATE_EPOCH` when it is set (for reproducible
/// builds): what "the latest complete quarter" is measured against.
pub fn today() -> Date {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let day = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::TimeDelta::days(secs.div_euclid(86_400))))
        .unwrap_or_default();
    use chrono::Datelike;
    Date {
        year: day.year(),
        month: day.month(),
        day: day.day(),
    }
}

/// `--from` and `--to` checked: each a real day written YYYY-MM-DD, and `to` not before `from`.
pub fn parse_range(from: Option<&str>, to: Option<&str>) -> Result<Query, Diagnostic> {
    let parse = |flag: &str, s: Option<&str>| -> Result<Option<Date>, Diagnostic> {
        let Some(s) = s else { return Ok(None) };
        Date::parse(s.trim()).map(Some).ok_or_else(|| {
            Diagnostic::error(format!("`{flag} {s}` is not a date")).with_help(format!(
                "write a day that exists as YYYY-MM-DD, e.g. `{flag} {}`",
                if flag == "--from" {
                    "2021-07-01"
                } else {
                    "2021-09-30"
                }
            ))
        })
    };
    let from = parse("--from", from)?;
    let to = parse("--to", to)?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(Diagnostic::error(format!(
            "`--to {}` is before `--from {}`",
            t.iso(),
            f.iso()
        ))
        .with_help("both days are included: `--from` is the first day to count, `--to` the last"));
    }
    Ok(Query {
        by: By::County,
        period: Period::Year,
        from,
        to,
    })
}

/// The site at `root` read for counting: site.yaml, and front matter only (no Markdown is
/// rendered and no page is built), with drafts when `drafts`.
/// The time of each step is added to `timings`.
pub fn load_site(
    root: &std::path::Path,
    drafts: bool,
    timings: &mut Vec<(&'static str, std::time::Duration)>,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let start = std::time::Instant::now();
    let config = crate::config::Config::load(root)?;
    let (loaded, warnings) = crate::load::load_with(&config, drafts, false)?;
    timings.push(("load", start.elapsed()));
    let start = std::time::Instant::now();
    let site = crate::model::build(config, loaded).map_err(|mut d| {
        d.extend(warnings.clone());
        d
    })?;
    timings.push(("model", start.elapsed()));
    Ok((site, warnings))
}

/// Which taxonomy a `By` other than units reads.
pub fn taxonomy(by: By) -> Option<Taxonomy> {
    match by {
        By::County => Some(Taxonomy::Counties),
        By::Topic => Some(Taxonomy::Topics),
        By::Unit => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::{Issue, Term};
    use std::path::PathBuf;

    pub fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// A site of articles given as (date, county, unit, topics); terms in order of first use.
    pub fn site(arts: &[(&str, &str, Option<&str>, &[&str])]) -> Site {
        let mut counties: Vec<Term> = Vec::new();
        let mut topics: Vec<Term> = Vec::new();
        let term = |list: &mut Vec<Term>, name: &str, a: usize| {
            let i = list.iter().position(|t| t.name == name).unwrap_or_else(|| {
                list.push(Term {
                    name: name.into(),
                    slug: crate::slug::slugify(name),
                    order: list.len() as i64,
                    articles: vec![],
                });
                list.len() - 1
            });
            list[i].articles.push(a);
            i
        };
        let mut articles = Vec::new();
        for (i, (date, county, unit, tops)) in arts.iter().enumerate() {
            let c = term(&mut counties, county, i);
            let ts = tops.iter().map(|t| term(&mut topics, t, i)).collect();
            articles.push(Article {
                slug: format!("a{i}"),
                title: format!("文章{i}"),
                county: c,
                unit: unit.map(str::to_string),
                topics: ts,
                summary: String::new(),
                date: d(date),
                issue: 0,
                position: i + 1,
                html: "".into(),
                extra: Default::default(),
                path: PathBuf::new(),
                draft: false,
                attachments: Vec::new(),
            });
        }
        Site {
            config: Config::default_for(std::path::Path::new("/")),
            issues: vec![Issue {
                slug: "i".into(),
                number: 1,
                date: d("2021-01-01"),
                title: String::new(),
                series: None,
                editor: None,
                extra: Default::default(),
                intro_html: "".into(),
                articles: (0..arts.len()).collect(),
                path: PathBuf::new(),
            }],
            articles,
            counties,
            topics,
            assets: Default::default(),
        }
    }

    fn sample() -> Site {
        site(&[
            ("2021-12-30", "于都县", None, &["教育"]),
            ("2021-07-29", "赣州市", Some("市人社局"), &["就业", "教育"]),
            ("2021-07-01", "于都县", None, &["教育"]),
            ("2021-03-31", "赣州市", Some("市住建局"), &["住房"]),
            ("2019-02-01", "定南县", None, &["医疗"]),
        ])
    }

    fn cells(t: &Table) -> Vec<(String, Vec<u64>, u64)> {
        t.rows
            .iter()
            .map(|r| (r.name.clone(), r.counts.clone(), r.total))
            .collect()
    }

    #[test]
    fn counts_by_county_and_year_include_empty_years_between() {
        let t = count(&sample(), &Query::new(By::County, Period::Year));
        let labels: Vec<String> = t.columns.iter().map(|k| k.label()).collect();
        assert_eq!(labels, ["2019", "2020", "2021"]);
        assert_eq!(
            cells(&t),
            [
                ("于都县".to_string(), vec![0, 0, 2], 2),
                ("赣州市".to_string(), vec![0, 0, 2], 2),
                ("定南县".to_string(), vec![1, 0, 0], 1),
            ]
        );
        assert_eq!(t.column_totals, [1, 0, 4]);
        assert_eq!(t.total, 5);
    }

    #[test]
    fn an_article_in_two_topics_counts_in_both_and_once_in_the_total() {
        let t = count(&sample(), &Query::new(By::Topic, Period::Year));
        let edu = t.rows.iter().find(|r| r.name == "教育").unwrap();
        let job = t.rows.iter().find(|r| r.name == "就业").unwrap();
        assert_eq!((edu.total, job.total), (3, 1));
        let rows_sum: u64 = t.rows.iter().map(|r| r.total).sum();
        assert_eq!((rows_sum, t.total), (6, 5));
    }

    #[test]
    fn quarters_and_months_of_a_range_are_columns_even_when_empty() {
        let q = Query::new(By::County, Period::Quarter).between(d("2021-01-01"), d("2021-12-31"));
        let t = count(&sample(), &q);
        let labels: Vec<String> = t.columns.iter().map(|k| k.label()).collect();
        assert_eq!(labels, ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]);
        assert_eq!(t.rows[0].counts, [0, 0, 1, 1]); // 于都县
        assert_eq!(t.rows[1].counts, [1, 0, 1, 0]); // 赣州市
        assert_eq!(t.rows[2].counts, [0, 0, 0, 0]); // 定南县, outside the range
        assert_eq!(t.total, 4);
        let m = count(
            &sample(),
            &Query::new(By::County, Period::Month).between(d("2021-03-31"), d("2021-07-01")),
        );
        let labels: Vec<String> = m.columns.iter().map(|k| k.label()).collect();
        assert_eq!(
            labels,
            ["2021-03", "2021-04", "2021-05", "2021-06", "2021-07"]
        );
        // Both ends are inclusive.
        assert_eq!(m.column_totals, [1, 0, 0, 0, 1]);
    }

    #[test]
    fn units_fall_back_to_the_county_and_sort_by_count() {
        let t = count(&sample(), &Query::new(By::Unit, Period::Year));
        let names: Vec<(&str, u64)> = t.rows.iter().map(|r| (r.name.as_str(), r.total)).collect();
        assert_eq!(
            names,
            [
                ("于都县", 2),
                ("定南县", 1),
                ("市人社局", 1),
                ("市住建局", 1)
            ]
        );
    }

    #[test]
    fn ranks_share_places_on_ties() {
        let t = count(&sample(), &Query::new(By::County, Period::Year));
        let ranked = rank(&t);
        let r: Vec<(usize, &str, u64)> = ranked
            .iter()
            .map(|p| (p.rank, p.name.as_str(), p.count))
            .collect();
        assert_eq!(r, [(1, "于都县", 2), (1, "赣州市", 2), (3, "定南县", 1)]);
    }

    #[test]
    fn the_latest_complete_quarter_is_before_the_current_one() {
        let s = sample();
        let k = latest_complete(&s, Period::Quarter, d("2021-12-31")).unwrap();
        assert_eq!(k.label(), "2021Q3");
        let k = latest_complete(&s, Period::Quarter, d("2022-01-01")).unwrap();
        assert_eq!(k.label(), "2021Q4");
        let y = latest_complete(&s, Period::Year, d("2021-06-01")).unwrap();
        assert_eq!(y.label(), "2019");
        assert_eq!(latest_complete(&s, Period::Year, d("2019-06-01")), None);
    }

    #[test]
    fn bad_dates_and_a_reversed_range_are_errors_that_say_what_to_write() {
        let msg = |r: Result<Query, Diagnostic>| r.unwrap_err().render(false);
        let e = msg(parse_range(Some("2021-02-30"), None));
        assert!(e.contains("`--from 2021-02-30` is not a date"), "{e}");
        assert!(e.contains("YYYY-MM-DD"), "{e}");
        let e = msg(parse_range(None, Some("2021/09/30")));
        assert!(e.contains("`--to 2021/09/30` is not a date"), "{e}");
        let e = msg(parse_range(Some("2021-07-01"), Some("2021-06-30")));
        assert!(
            e.contains("`--to 2021-06-30` is before `--from 2021-07-01`"),
            "{e}"
        );
        let q = parse_range(Some("2021-07-01"), Some("2021-07-01")).unwrap();
        assert_eq!(
            (q.from, q.to),
            (Some(d("2021-07-01")), Some(d("2021-07-01")))
        );
    }

    #[test]
    fn front_matter_only_loading_reads_what_full_loading_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "content/2021-1/_index.md",
            "---\nnumber: 1\ndate: 2021-07-29\n---\n按语。\n",
        );
        let body = "正文。\n\n---\n\ncounty: 不是前言\n".repeat(2000);
        // A byte-order mark and CRLF line ends, a long body with `---` lines in it.
        write(
            "content/2021-1/a.md",
            &format!(
                "\u{feff}---\r\ntitle: 甲\r\ncounty: 于都县\r\ntopics: [教育, 医疗]\r\n---\r\n{body}"
            ),
        );
        write(
            "content/2021-1/b.md",
            &format!(
                "---\ntitle: 乙\ncounty: 定南县\nunit: 市人社局\ntopics: [就业]\ndate: 2021-08-01\n---\n{body}"
            ),
        );
        write(
            "content/2021-1/c.md",
            "---\ntitle: 丙\ncounty: 赣州市\ntopics: [教育]\n---",
        );
        let config = Config::default_for(root);
        let facts = |bodies: bool| {
            let (loaded, _) = crate::load::load_with(&config, false, bodies).unwrap();
            let site = crate::model::build(config.clone(), loaded).unwrap();
            site.articles
                .iter()
                .map(|a| {
                    let topics: Vec<&str> = a
                        .topics
                        .iter()
                        .map(|&t| site.topics[t].name.as_str())
                        .collect();
                    format!(
                        "{} {} {:?} {:?} {}",
                        a.title,
                        site.counties[a.county].name,
                        a.unit,
                        topics,
                        a.date.iso()
                    )
                })
                .collect::<Vec<_>>()
        };
        let full = facts(true);
        assert_eq!(full.len(), 3);
        assert_eq!(facts(false), full);
    }

    #[test]
    fn period_labels_and_days() {
        let k = Period::Quarter.of(d("2020-02-29"));
        assert_eq!(k.label_zh(), "2020年第一季度");
        assert_eq!(k.days(), (d("2020-01-01"), d("2020-03-31")));
        let m = Period::Month.of(d("2021-02-03"));
        assert_eq!(
            (m.label(), m.short_zh()),
            ("2021-02".to_string(), "2月".to_string())
        );
        assert_eq!(m.days().1, d("2021-02-28"));
        assert_eq!(Period::Month.of(d("2021-12-01")).next().label(), "2022-01");
        assert_eq!(Period::Year.of(d("2021-12-01")).next().label(), "2022");
    }

    #[test]
    fn vocabulary_names_without_articles_are_rows_of_zeros() {
        let mut s = sample();
        s.config = Config::parse(
            std::path::Path::new("/"),
            "counties:\n  - name: 于都县\n  - name: 瑞金市\n  - name: 赣州市\n  - name: 定南县\n",
        )
        .unwrap();
        for (i, c) in s.counties.iter_mut().enumerate() {
            c.order = [0, 2, 3][i];
        }
        let t = count(&s, &Query::new(By::County, Period::Year));
        let names: Vec<(&str, Option<usize>, u64)> = t
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.term, r.total))
            .collect();
        assert_eq!(
            names,
            [
                ("于都县", Some(0), 2),
                ("瑞金市", None, 0),
                ("赣州市", Some(1), 2),
                ("定南县", Some(2), 1)
            ]
        );
    }
}
