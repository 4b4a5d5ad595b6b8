//! What templates see of the statistics: the `stats` value of `/stats/`, `stats_year` of each
//! `/stats/YEAR/`, `term_stats` on county and topic pages and `stats_glance` on the home page
//! (names documented in docs/templates.md), and the CSV files linked from those pages. Built once per site, before pages are rendered.
//!
//! Every count that is a number of articles carries a `url` to the list of those articles where
//! one exists: a county's or topic's page for its total, the search page filtered by county or
//! topic and period (`search/?county=SLUG&year=2021`, `&quarter=2021-Q3`, `&month=2021-07`) for
//! one period, the search page filtered by period alone for a period's total, and the search
//! page's list of every article (`search/?all=1`) for the grand total, the search page filtered
//! by unit (`search/?unit=%E5%B8%82…&year=2021`, the name percent-encoded) for a unit's place in
//! a ranking. The search links exist only when the site has search.

use tera::Value;

use super::{By, Period, PeriodKey, Place, Query, Table, chart, count, count_where, rank};
use crate::frontmatter::Date;
use crate::model::{CsvFile, Output, Site, Term};

mod values;
use values::{
    Cell, Column, CsvLink, Glance, PlaceValue, RankingValue, RowValue, StatsValue, TableValue,
    TermStats, YearCount, YearLink, YearMonth, YearValue,
};

/// The statistics of one site, ready for templates.
pub struct SitePages {
    /// `stats` on `/stats/`.
    pub stats: Value,
    /// `term_stats` on each county's pages, in `Site::counties` order.
    pub counties: Vec<Value>,
    /// `term_stats` on each topic's pages, in `Site::topics` order.
    pub topics: Vec<Value>,
    /// `stats_glance` on the home page.
    pub glance: Value,
    tables: [Table; 5],
    /// Each year with articles, newest first, with its page.
    years: Vec<YearLink>,
    /// Articles per county per quarter and per month of every year with articles: each year's
    /// page is cut from these when it is rendered (in parallel with the other pages).
    all_quarters: Table,
    all_months: Table,
    base: String,
}

impl SitePages {
    /// The text of a CSV file.
    pub fn csv(&self, f: CsvFile) -> String {
        super::csv::table(&self.tables[f as usize])
    }

    /// `stats_year` on `/stats/YEAR/` of `site` (the site these statistics were built from);
    /// none for a year without articles. Made when the page is rendered.
    pub fn year_value(&self, site: &Site, y: i32) -> Value {
        let Some(i) = self.years.iter().position(|l| l.year == y) else {
            return Value::none();
        };
        let l = Links {
            site,
            base: self.base.clone(),
            years: self.years.iter().map(|x| x.year).collect(),
        };
        let link = &self.years[i];
        let quarters = year_of_table(&self.all_quarters, y);
        let months = year_of_table(&self.all_months, y);
        let value = YearValue {
            year: y,
            url: link.url.clone(),
            total: link.count,
            total_url: l.search(None, Some(year_key(y))),
            quarters: table_value(
                &l,
                &quarters,
                l.year_csv(y, CsvFile::CountyQuarter),
                format!("{y}年各县区分季度信息采用篇数"),
            ),
            months: table_value(
                &l,
                &months,
                l.year_csv(y, CsvFile::CountyMonth),
                format!("{y}年各县区分月信息采用篇数"),
            ),
            ranking: ranking(&l, year_key(y)),
            csv: CsvFile::YEAR
                .iter()
                .map(|&f| CsvLink {
                    name: f.file_name(),
                    title: match f {
                        CsvFile::CountyQuarter => format!("{y}年各县区分季度篇数"),
                        _ => format!("{y}年各县区分月篇数"),
                    },
                    url: l.year_csv(y, f),
                })
                .collect(),
            previous: self.years.get(i + 1).cloned(),
            next: i.checked_sub(1).map(|j| self.years[j].clone()),
            stats_url: l.page(Output::Stats),
        };
        Value::from_serializable(&value)
    }

    /// The text of a CSV file of `/stats/YEAR/` ([`CsvFile::YEAR`]); empty for another file or
    /// a year without articles.
    pub fn year_csv(&self, y: i32, f: CsvFile) -> String {
        let table = match f {
            CsvFile::CountyQuarter => &self.all_quarters,
            CsvFile::CountyMonth => &self.all_months,
            _ => return String::new(),
        };
        if !self.years.iter().any(|l| l.year == y) {
            return String::new();
        }
        super::csv::table(&year_of_table(table, y))
    }
}

struct Links<'s> {
    site: &'s Site,
    base: String,
    /// The years that have a page, newest first.
    years: Vec<i32>,
}

impl Links<'_> {
    fn page(&self, o: Output) -> String {
        format!("{}{}", self.base, self.site.url(o))
    }

    /// The search page filtered by `key=slug` (or nothing) and a year (`year=2021`), quarter
    /// (`quarter=2021-Q3`) or month (`month=2021-07`), when the site has search.
    fn search(&self, filter: Option<(&str, &str)>, period: Option<PeriodKey>) -> Option<String> {
        if !self.site.config.search {
            return None;
        }
        let mut q = Vec::new();
        if let Some((k, slug)) = filter {
            q.push(format!("{k}={slug}"));
        }
        if let Some(k) = period {
            q.push(match k.period {
                Period::Year => format!("year={}", k.year),
                Period::Quarter => format!("quarter={}-Q{}", k.year, k.part),
                Period::Month => format!("month={}-{:02}", k.year, k.part),
            });
        }
        Some(format!("{}search/?{}", self.base, q.join("&")))
    }

    /// The search page listing every article, when the site has search.
    fn all(&self) -> Option<String> {
        self.site
            .config
            .search
            .then(|| format!("{}search/?all=1", self.base))
    }

    fn term(&self, by: By, i: usize) -> String {
        let t = super::taxonomy(by).expect("counties or topics");
        self.page(Output::Term(t, i, crate::model::NEWEST))
    }

    fn csv(&self, f: CsvFile) -> String {
        self.page(Output::StatsCsv(f))
    }

    /// `/stats/YEAR/`, when the year has articles.
    fn year_page(&self, y: i32) -> Option<String> {
        self.years
            .contains(&y)
            .then(|| self.page(Output::StatsYear(y)))
    }

    fn year_csv(&self, y: i32, f: CsvFile) -> String {
        self.page(Output::StatsYearCsv(y, f))
    }
}

/// A whole year, for a link.
fn year_key(year: i32) -> PeriodKey {
    PeriodKey {
        period: Period::Year,
        year,
        part: 0,
    }
}

fn table_value(l: &Links<'_>, t: &Table, csv_url: String, chart_name: String) -> TableValue {
    let term_key = match t.by {
        By::County => Some("county"),
        By::Topic => Some("topic"),
        By::Unit => None,
    };
    // A quarter or month table covers one year.
    let year = t.columns.first().map(|k| year_key(k.year));
    let rows: Vec<RowValue> = t
        .rows
        .iter()
        .map(|r| {
            let slug = r
                .term
                .and_then(|i| super::taxonomy(t.by).map(|tx| &l.site.terms(tx)[i].slug));
            let url = r.term.map(|i| l.term(t.by, i));
            let cells = r
                .counts
                .iter()
                .zip(&t.columns)
                .map(|(&c, k)| Cell {
                    count: c,
                    url: match (c, term_key, slug) {
                        (1.., Some(key), Some(slug)) => l.search(Some((key, slug)), Some(*k)),
                        _ => None,
                    },
                })
                .collect();
            // In a quarter or month table the row total is the year's.
            let total_url = match (r.total, t.period, term_key, slug) {
                (0, ..) => None,
                (_, Period::Year, _, _) => url.clone(),
                (_, _, Some(key), Some(slug)) => l.search(Some((key, slug)), year),
                _ => None,
            };
            RowValue {
                name: r.name.clone(),
                url,
                cells,
                total: Cell {
                    count: r.total,
                    url: total_url,
                },
            }
        })
        .collect();
    let totals = RowValue {
        name: "合计".into(),
        url: None,
        cells: t
            .column_totals
            .iter()
            .zip(&t.columns)
            .map(|(&c, k)| Cell {
                count: c,
                // A unit table's totals count only the articles that have a unit.
                url: match (c, term_key) {
                    (1.., Some(_)) => l.search(None, Some(*k)),
                    _ => None,
                },
            })
            .collect(),
        total: Cell {
            count: t.total,
            url: match (t.total, t.period, term_key) {
                (0, ..) | (_, _, None) => None,
                (_, Period::Year, _) => l.all(),
                _ => l.search(None, year),
            },
        },
    };
    let names: Vec<String> = t.rows.iter().map(|r| r.name.clone()).collect();
    let cols: Vec<String> = t
        .columns
        .iter()
        .map(|k| match k.period {
            Period::Year => k.year.to_string(),
            _ => k.short_zh(),
        })
        .collect();
    let cells: Vec<Vec<u64>> = t.rows.iter().map(|r| r.counts.clone()).collect();
    TableValue {
        heading: t.by.heading(),
        columns: t
            .columns
            .iter()
            .map(|k| Column {
                key: k.label(),
                label: k.label_zh(),
                short: k.short_zh(),
                url: match k.period {
                    Period::Year => l.year_page(k.year),
                    _ => None,
                },
            })
            .collect(),
        rows,
        totals,
        csv_url,
        chart: chart::grid(&chart_name, &names, &cols, &cells),
        chart_name,
    }
}

fn places(l: &Links<'_>, by: By, list: &[Place], period: Option<PeriodKey>) -> Vec<PlaceValue> {
    let key = match by {
        By::County => Some("county"),
        By::Topic => Some("topic"),
        By::Unit => None,
    };
    list.iter()
        .map(|p| {
            let slug = p
                .term
                .and_then(|i| super::taxonomy(by).map(|t| &l.site.terms(t)[i].slug));
            // A unit by its name, which may hold any character (`市委办, 市政府办`).
            let unit = (by == By::Unit).then(|| {
                percent_encoding::utf8_percent_encode(&p.name, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            });
            PlaceValue {
                rank: p.rank,
                name: p.name.clone(),
                count: p.count,
                url: match (p.count, key, slug, &unit, period) {
                    (1.., Some(k), Some(s), _, Some(p)) => l.search(Some((k, s)), Some(p)),
                    (1.., _, _, Some(u), Some(p)) => l.search(Some(("unit", u)), Some(p)),
                    _ => None,
                },
            }
        })
        .collect()
}

fn ranking(l: &Links<'_>, k: PeriodKey) -> RankingValue {
    let site = l.site;
    let (from, to) = k.days();
    let counties = count(
        site,
        &Query::new(By::County, Period::Year).between(from, to),
    );
    // The city's departments: units of the city's articles (every unit when no city is known).
    let city = site.config.city.as_deref();
    let units = count_where(
        site,
        &Query::new(By::Unit, Period::Year).between(from, to),
        |a| {
            let county = site.counties[a.county].name.as_str();
            city.is_none_or(|c| c == county) && a.unit.as_deref().is_some_and(|u| u != county)
        },
    );
    let county_places = rank(&counties);
    let mut unit_places = rank(&units);
    let units_more = unit_places.len().saturating_sub(site.config.paginate);
    unit_places.truncate(site.config.paginate);
    let label = k.label_zh();
    let chart_of = |what: &str, list: &[Place]| {
        let names: Vec<String> = list.iter().map(|p| p.name.clone()).collect();
        let values: Vec<u64> = list.iter().map(|p| p.count).collect();
        chart::bars(&format!("{label}各{what}信息采用篇数排名"), &names, &values)
    };
    RankingValue {
        period: k.period.name(),
        counties_chart: chart_of("县区", &county_places),
        units_chart: chart_of("单位", &unit_places),
        counties: places(l, By::County, &county_places, Some(k)),
        units: places(l, By::Unit, &unit_places, Some(k)),
        units_more,
        units_csv_url: l.csv(CsvFile::UnitYear),
        from: from.iso(),
        to: to.iso(),
        label,
    }
}

/// Every table the statistics show, each counted once.
struct Counts {
    county_year: Table,
    topic_year: Table,
    unit_year: Table,
    /// Every quarter and month of every year with articles: each year's page is cut from these.
    all_quarters: Table,
    all_months: Table,
    /// The quarters and months of the latest year.
    county_quarter: Table,
    county_month: Table,
    /// The latest year with articles.
    year: Option<i32>,
}

/// Everything templates see of the statistics of `site`, measured against `today` for "the latest
/// complete quarter and year", in steps: the tables counted once, then each value made from them
/// (`/stats/`'s, each county's and topic's, the home page's glance).
pub fn build(site: &Site, today: Date) -> SitePages {
    let l = Links {
        site,
        base: site.config.base_path().to_string(),
        years: site.stats_years(),
    };
    let counts = count_tables(&l);
    let years = year_links(&l, &counts.county_year);
    let stats = stats_value(&l, &counts, today, years.clone());
    let counties = term_stats(&l, By::County, &counts.county_year);
    let topics = term_stats(&l, By::Topic, &counts.topic_year);
    let glance = glance(&l, &counts.county_month, counts.year);
    let Counts {
        county_year,
        topic_year,
        unit_year,
        all_quarters,
        all_months,
        county_quarter,
        county_month,
        year: _,
    } = counts;
    SitePages {
        stats: Value::from_serializable(&stats),
        counties,
        topics,
        glance,
        tables: [
            county_year,
            topic_year,
            unit_year,
            county_quarter,
            county_month,
        ],
        years,
        all_quarters,
        all_months,
        base: l.base,
    }
}

/// The tables: counties, topics and units per year; counties per quarter and per month of every
/// year, and of the latest.
fn count_tables(l: &Links<'_>) -> Counts {
    let site = l.site;
    let year = site.articles.iter().map(|a| a.date.year).max();
    // Every quarter and month of every year with articles, counted once; cut into years below.
    let whole_years = |p: Period| {
        let span = |y: i32, month, day| Date {
            year: y,
            month,
            day,
        };
        let (first, last) = (l.years.last().copied(), l.years.first().copied());
        let q = Query::new(By::County, p);
        let q = match (first, last) {
            (Some(a), Some(b)) => q.between(span(a, 1, 1), span(b, 12, 31)),
            _ => q,
        };
        count(site, &q)
    };
    let all_quarters = whole_years(Period::Quarter);
    let all_months = whole_years(Period::Month);
    Counts {
        county_year: count(site, &Query::new(By::County, Period::Year)),
        topic_year: count(site, &Query::new(By::Topic, Period::Year)),
        unit_year: count(site, &Query::new(By::Unit, Period::Year)),
        county_quarter: year_of_table(&all_quarters, year.unwrap_or(0)),
        county_month: year_of_table(&all_months, year.unwrap_or(0)),
        all_quarters,
        all_months,
        year,
    }
}

/// Each year with articles, newest first: its count and its page.
fn year_links(l: &Links<'_>, county_year: &Table) -> Vec<YearLink> {
    l.years
        .iter()
        .map(|&y| YearLink {
            year: y,
            count: county_year
                .columns
                .iter()
                .zip(&county_year.column_totals)
                .find(|(k, _)| k.year == y)
                .map_or(0, |(_, &c)| c),
            url: l.page(Output::StatsYear(y)),
        })
        .collect()
}

/// `stats` on `/stats/`: the tables, the rankings of the latest complete quarter and year, the
/// CSV files and the years.
fn stats_value(l: &Links<'_>, c: &Counts, today: Date, years: Vec<YearLink>) -> StatsValue {
    let year = c.year;
    let counties = table_value(
        l,
        &c.county_year,
        l.csv(CsvFile::CountyYear),
        "各县区历年信息采用篇数".into(),
    );
    let topics = table_value(
        l,
        &c.topic_year,
        l.csv(CsvFile::TopicYear),
        "各专题历年文章篇数".into(),
    );
    let (quarters, months) = match year {
        Some(y) => (
            Some(table_value(
                l,
                &c.county_quarter,
                l.csv(CsvFile::CountyQuarter),
                format!("{y}年各县区分季度信息采用篇数"),
            )),
            Some(table_value(
                l,
                &c.county_month,
                l.csv(CsvFile::CountyMonth),
                format!("{y}年各县区分月信息采用篇数"),
            )),
        ),
        None => (None, None),
    };
    let rankings: Vec<RankingValue> = [Period::Quarter, Period::Year]
        .into_iter()
        .filter_map(|p| super::latest_complete(l.site, p, today))
        .map(|k| ranking(l, k))
        .collect();
    let csv = CsvFile::ALL
        .iter()
        .map(|&f| CsvLink {
            name: f.file_name(),
            title: match f {
                CsvFile::CountyYear => "各县区历年篇数".to_string(),
                CsvFile::TopicYear => "各专题历年篇数".to_string(),
                CsvFile::UnitYear => "各单位历年篇数".to_string(),
                CsvFile::CountyQuarter => format!("{}年各县区分季度篇数", year.unwrap_or(0)),
                CsvFile::CountyMonth => format!("{}年各县区分月篇数", year.unwrap_or(0)),
            },
            url: l.csv(f),
        })
        .collect();
    StatsValue {
        url: l.page(Output::Stats),
        year,
        total: c.county_year.total,
        total_url: (c.county_year.total > 0).then(|| l.all()).flatten(),
        counties,
        topics,
        quarters,
        months,
        rankings,
        units_csv_url: l.csv(CsvFile::UnitYear),
        csv,
        years,
    }
}

/// `term_stats` on each county's or topic's pages (in `Site::counties` or `Site::topics` order;
/// none for a term without articles): its years, a chart of them, and for a topic the counties
/// that wrote about it.
fn term_stats(l: &Links<'_>, by: By, table: &Table) -> Vec<Value> {
    let site = l.site;
    let tx = super::taxonomy(by).expect("counties or topics");
    let key = if by == By::County { "county" } else { "topic" };
    let mut out: Vec<Value> = vec![Value::none(); site.terms(tx).len()];
    for r in &table.rows {
        let Some(i) = r.term else { continue };
        let term = &site.terms(tx)[i];
        let years: Vec<YearCount> = r
            .counts
            .iter()
            .zip(&table.columns)
            .map(|(&c, k)| YearCount {
                year: k.year,
                count: c,
                url: (c > 0)
                    .then(|| l.search(Some((key, &term.slug)), Some(year_key(k.year))))
                    .flatten(),
            })
            .collect();
        let labels: Vec<String> = years.iter().map(|y| y.year.to_string()).collect();
        let values: Vec<u64> = years.iter().map(|y| y.count).collect();
        let chart_name = format!("{}历年文章篇数", term.name);
        let (counties, counties_chart, counties_chart_name) = if by == By::Topic {
            let (places, chart, name) = counties_of_topic(l, term);
            (Some(places), Some(chart), Some(name))
        } else {
            (None, None, None)
        };
        out[i] = Value::from_serializable(&TermStats {
            chart: chart::columns(&chart_name, &labels, &values),
            chart_name,
            years,
            counties,
            counties_chart,
            counties_chart_name,
            stats_url: l.page(Output::Stats),
        });
    }
    out
}

/// The counties that wrote about a topic, most articles first, with a bar chart and its name.
fn counties_of_topic(l: &Links<'_>, term: &Term) -> (Vec<PlaceValue>, String, String) {
    let site = l.site;
    let mut per: Vec<u64> = vec![0; site.counties.len()];
    for &a in &term.articles {
        per[site.articles[a].county] += 1;
    }
    let mut list: Vec<Place> = Vec::new();
    let mut order: Vec<usize> = (0..per.len()).filter(|&c| per[c] > 0).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(per[c]));
    for c in order {
        let rank = match list.last() {
            Some(p) if p.count == per[c] => p.rank,
            _ => list.len() + 1,
        };
        list.push(Place {
            rank,
            name: site.counties[c].name.clone(),
            term: Some(c),
            count: per[c],
        });
    }
    let name = format!("各县区“{}”专题文章篇数", term.name);
    let names: Vec<String> = list.iter().map(|p| p.name.clone()).collect();
    let values: Vec<u64> = list.iter().map(|p| p.count).collect();
    let chart = chart::bars(&name, &names, &values);
    let places: Vec<PlaceValue> = list
        .iter()
        .map(|p| PlaceValue {
            rank: p.rank,
            name: p.name.clone(),
            count: p.count,
            url: p.term.and_then(|c| {
                let county = &site.counties[c].slug;
                if site.config.search {
                    Some(format!(
                        "{}search/?county={county}&topic={}",
                        l.base, term.slug
                    ))
                } else {
                    None
                }
            }),
        })
        .collect();
    (places, chart, name)
}

/// `stats_glance` on the home page: the latest year's months, with a chart; none without
/// articles.
fn glance(l: &Links<'_>, county_month: &Table, year: Option<i32>) -> Value {
    let Some(y) = year else {
        return Value::none();
    };
    let months: Vec<YearMonth> = county_month
        .columns
        .iter()
        .zip(&county_month.column_totals)
        .map(|(k, &c)| YearMonth {
            month: k.part,
            label: k.short_zh(),
            count: c,
            url: (c > 0).then(|| l.search(None, Some(*k))).flatten(),
        })
        .collect();
    let labels: Vec<String> = months.iter().map(|m| m.label.clone()).collect();
    let values: Vec<u64> = months.iter().map(|m| m.count).collect();
    let chart_name = format!("{y}年各月文章篇数");
    Value::from_serializable(&Glance {
        year: y,
        total: county_month.total,
        chart: chart::columns(&chart_name, &labels, &values),
        chart_name,
        months,
        url: l.page(Output::Stats),
        year_url: l.search(None, Some(year_key(y))),
    })
}

/// The columns of year `y` of a quarter or month table that spans whole years: every quarter or
/// month of it, the rows' and columns' totals its own.
fn year_of_table(t: &Table, y: i32) -> Table {
    let cols: Vec<usize> = (0..t.columns.len())
        .filter(|&c| t.columns[c].year == y)
        .collect();
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let counts: Vec<u64> = cols.iter().map(|&c| r.counts[c]).collect();
            super::Row {
                name: r.name.clone(),
                term: r.term,
                total: counts.iter().sum(),
                counts,
            }
        })
        .collect();
    let column_totals: Vec<u64> = cols.iter().map(|&c| t.column_totals[c]).collect();
    Table {
        by: t.by,
        period: t.period,
        columns: cols.iter().map(|&c| t.columns[c]).collect(),
        rows,
        total: column_totals.iter().sum(),
        column_totals,
    }
}
