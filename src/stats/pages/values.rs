//! The shapes templates see of the statistics (`stats`, `stats_year`, `term_stats`,
//! `stats_glance`; docs/templates.md names every field), filled in by `super`.

use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Cell {
    pub(super) count: u64,
    pub(super) url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Column {
    /// `2021`, `2021Q3`, `2021-07`.
    pub(super) key: String,
    /// `2021年`, `2021年第三季度`, `2021年7月`.
    pub(super) label: String,
    /// `2021`, `第三季度`, `7月`.
    pub(super) short: String,
    /// A year's page (`/stats/2021/`), for a year with articles; none for quarters and months.
    pub(super) url: Option<String>,
}

/// A year with its page, for lists of years.
#[derive(Serialize, Clone)]
pub(super) struct YearLink {
    pub(super) year: i32,
    pub(super) count: u64,
    pub(super) url: String,
}

/// `stats_year` on `/stats/YEAR/`.
#[derive(Serialize)]
pub(super) struct YearValue {
    pub(super) year: i32,
    pub(super) url: String,
    pub(super) total: u64,
    /// The search page for the year.
    pub(super) total_url: Option<String>,
    pub(super) quarters: TableValue,
    pub(super) months: TableValue,
    /// The counties and units of the whole year.
    pub(super) ranking: RankingValue,
    pub(super) csv: Vec<CsvLink>,
    /// The next older and newer years with articles.
    pub(super) previous: Option<YearLink>,
    pub(super) next: Option<YearLink>,
    pub(super) stats_url: String,
}

#[derive(Serialize)]
pub(super) struct RowValue {
    pub(super) name: String,
    pub(super) url: Option<String>,
    pub(super) cells: Vec<Cell>,
    pub(super) total: Cell,
}

#[derive(Serialize)]
pub(super) struct TableValue {
    pub(super) heading: &'static str,
    pub(super) columns: Vec<Column>,
    pub(super) rows: Vec<RowValue>,
    pub(super) totals: RowValue,
    pub(super) csv_url: String,
    pub(super) chart_name: String,
    pub(super) chart: String,
}

#[derive(Serialize)]
pub(super) struct PlaceValue {
    pub(super) rank: usize,
    pub(super) name: String,
    pub(super) count: u64,
    pub(super) url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct RankingValue {
    /// `quarter` or `year`.
    pub(super) period: &'static str,
    /// `2021年第三季度`, `2021年`.
    pub(super) label: String,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) counties: Vec<PlaceValue>,
    pub(super) counties_chart: String,
    /// The first `paginate` units.
    pub(super) units: Vec<PlaceValue>,
    pub(super) units_chart: String,
    /// Units left out of `units` (they are in unit-year.csv).
    pub(super) units_more: usize,
    /// `unit-year.csv`, where every unit is.
    pub(super) units_csv_url: String,
}

#[derive(Serialize)]
pub(super) struct CsvLink {
    pub(super) name: &'static str,
    pub(super) title: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct StatsValue {
    pub(super) url: String,
    pub(super) year: Option<i32>,
    pub(super) total: u64,
    pub(super) total_url: Option<String>,
    pub(super) counties: TableValue,
    pub(super) topics: TableValue,
    pub(super) quarters: Option<TableValue>,
    pub(super) months: Option<TableValue>,
    pub(super) rankings: Vec<RankingValue>,
    pub(super) units_csv_url: String,
    pub(super) csv: Vec<CsvLink>,
    /// Every year with articles and its page, newest first.
    pub(super) years: Vec<YearLink>,
}

#[derive(Serialize)]
pub(super) struct YearCount {
    pub(super) year: i32,
    pub(super) count: u64,
    pub(super) url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct TermStats {
    pub(super) years: Vec<YearCount>,
    pub(super) chart: String,
    pub(super) chart_name: String,
    /// On a topic page: the counties that wrote on it, most first.
    pub(super) counties: Option<Vec<PlaceValue>>,
    pub(super) counties_chart: Option<String>,
    pub(super) counties_chart_name: Option<String>,
    pub(super) stats_url: String,
}

#[derive(Serialize)]
pub(super) struct Glance {
    pub(super) year: i32,
    pub(super) total: u64,
    pub(super) months: Vec<YearMonth>,
    pub(super) chart: String,
    pub(super) chart_name: String,
    pub(super) url: String,
    pub(super) year_url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct YearMonth {
    pub(super) month: u32,
    pub(super) label: String,
    pub(super) count: u64,
    pub(super) url: Option<String>,
}
