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

pub mod cache;
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
            let example = if flag == "--from" {
                "2021-07-01"
            } else {
                "2021-09-30"
            };
            Diagnostic::error(format!("`{flag} {s}` is not a date"))
                .with_help(format!(
                    "write a day that exists as YYYY-MM-DD, e.g. `{flag} {example}`"
                ))
                .zh(format!("`{flag} {s}` 不是日期"))
                .zh_help(format!(
                    "按“年-月-日”（YYYY-MM-DD）写一个日历上有的日子，例如 `{flag} {example}`"
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
        .with_help("both days are included: `--from` is the first day to count, `--to` the last")
        .zh(format!("`--to {}` 早于 `--from {}`", t.iso(), f.iso()))
        .zh_help("两头的日子都算在内：`--from` 是第一天，`--to` 是最后一天"));
    }
    Ok(Query {
        by: By::County,
        period: Period::Year,
        from,
        to,
    })
}

/// The site at `root` read for counting: site.yaml, and front matter only (no Markdown is
/// rendered and no page is built), with drafts when `drafts`. With `memo`, files unchanged since
/// the last run come from `.bulletin/cache/stats` and the site is made for counting only
/// ([`cache::load`]: no titles, summaries or pages); when it cannot be made that way (an article
/// whose issue is missing, say), or without `memo`, the files are read and the model built as for
/// `bulletin build`, so every error carries its file and line.
/// The time of each step is added to `timings`.
pub fn load_site(
    root: &std::path::Path,
    drafts: bool,
    memo: bool,
    timings: &mut Vec<(&'static str, std::time::Duration)>,
) -> Result<(Site, Diagnostics, cache::Use), Diagnostics> {
    let config = crate::config::Config::load(root)?;
    if memo && let Some(counted) = cache::load(&config, drafts, timings)? {
        return Ok(counted);
    }
    let start = std::time::Instant::now();
    let (loaded, warnings) = crate::load::load_with(&config, drafts, false)?;
    timings.push(("read", start.elapsed()));
    let start = std::time::Instant::now();
    let built = crate::model::assemble(config, loaded);
    timings.push(("model", start.elapsed()));
    match built {
        Ok(site) => Ok((site, warnings, cache::Use::default())),
        Err(mut d) => {
            d.extend(warnings);
            Err(d)
        }
    }
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
pub(crate) mod tests;
