//! Statistics (#18): `/stats/`, its CSV files and charts, and `bulletin stats`, checked against a
//! count of the fixture's front matter made here, independently of the code under test.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::helpers::TestSite;

/// One article of the fixture: (issue folder, date, county, unit, topics, draft).
type Fact = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    bool,
);

const FACTS: &[Fact] = &[
    ("2020-01", "2020-02-10", "于都县", None, &["教育"], false),
    (
        "2020-01",
        "2020-02-10",
        "赣州市",
        Some("市人社局"),
        &["就业创业"],
        false,
    ),
    (
        "2020-02",
        "2020-11-20",
        "定南县",
        None,
        &["医疗卫生", "教育"],
        false,
    ),
    (
        "2021-01",
        "2021-01-05",
        "赣州市",
        Some("市委办, 市政府办"),
        &["营商环境"],
        false,
    ),
    (
        "2021-01",
        "2021-01-05",
        "于都县",
        None,
        &["教育", "乡村振兴"],
        false,
    ),
    ("2021-01", "2021-01-05", "于都县", None, &["教育"], true),
    (
        "2021-02",
        "2021-03-31",
        "赣州市",
        Some("市人社局"),
        &["就业创业"],
        false,
    ),
    (
        "2021-03",
        "2021-04-01",
        "赣州经开区",
        None,
        &["产业发展"],
        false,
    ),
    (
        "2021-04",
        "2021-07-29",
        "赣州市",
        Some("市住建局"),
        &["住房城建"],
        false,
    ),
    (
        "2021-04",
        "2021-07-29",
        "定南县",
        None,
        &["医疗卫生"],
        false,
    ),
    ("2021-04", "2021-07-29", "于都县", None, &["教育"], true),
    (
        "2021-05",
        "2021-12-31",
        "赣州市",
        Some("市人社局"),
        &["就业创业", "营商环境"],
        false,
    ),
];

const SITE_YAML: &str = "title: 测试简报
city: 赣州市
counties:
  - name: 赣州市
  - name: 于都县
  - name: 瑞金市
  - name: 定南县
  - name: 赣州经开区
topics:
  - name: 就业创业
  - name: 住房城建
  - name: 产业发展
  - name: 教育
  - name: 医疗卫生
  - name: 乡村振兴
  - name: 营商环境
";

fn fixture(site_yaml: &str) -> TestSite {
    let s = TestSite::new();
    s.file("site.yaml", site_yaml);
    let mut issues: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, (issue, date, county, unit, topics, draft)) in FACTS.iter().enumerate() {
        issues.entry(issue).or_insert(date);
        let unit = unit.map_or(String::new(), |u| format!("unit: \"{u}\"\n"));
        s.file(
            &format!("content/{issue}/{i:02}.md"),
            format!(
                "---\ntitle: 文章{i}\ncounty: {county}\n{unit}topics: [{}]\ndate: {date}\ndraft: {draft}\n---\n正文{i}。\n",
                topics.join(", ")
            ),
        );
    }
    for (n, (issue, date)) in issues.iter().enumerate() {
        s.issue(issue, n as i64 + 1, date);
    }
    s
}

/// The independent count: rows → column label → count, from `FACTS`.
fn expected(by: &str, period: &str, drafts: bool) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (_, date, county, unit, topics, draft) in FACTS {
        if *draft && !drafts {
            continue;
        }
        let (y, m) = (&date[..4], date[5..7].parse::<u32>().unwrap());
        let col = match period {
            "year" => y.to_string(),
            "quarter" => format!("{y}Q{}", (m - 1) / 3 + 1),
            _ => format!("{y}-{m:02}"),
        };
        let rows: Vec<String> = match by {
            "county" => vec![county.to_string()],
            "unit" => vec![unit.unwrap_or(county).to_string()],
            _ => topics.iter().map(|t| t.to_string()).collect(),
        };
        for r in rows {
            *out.entry(r).or_default().entry(col.clone()).or_default() += 1;
        }
    }
    out
}

/// The non-zero cells of `bulletin stats --format json`, in the shape of [`expected`].
fn counted(json: &Value) -> BTreeMap<String, BTreeMap<String, u64>> {
    let cols: Vec<String> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for row in json["rows"].as_array().unwrap() {
        let counts = row["counts"].as_array().unwrap();
        let mut sum = 0;
        for (c, n) in cols.iter().zip(counts) {
            let n = n.as_u64().unwrap();
            sum += n;
            if n > 0 {
                out.entry(row["name"].as_str().unwrap().to_string())
                    .or_default()
                    .insert(c.clone(), n);
            }
        }
        assert_eq!(row["total"].as_u64().unwrap(), sum, "row total of {row}");
    }
    out
}

/// Every file of the site an hour old, so that `bulletin stats` may remember it.
fn age_files(s: &TestSite) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(s.path().join("content")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let f = std::fs::File::options().write(true).open(e.path()).unwrap();
            f.set_modified(hour_ago).unwrap();
        }
    }
}

#[test]
fn stats_counts_match_an_independent_count_of_the_front_matter() {
    let s = fixture(SITE_YAML);
    age_files(&s);
    // Without the memo, then through it: the first run with it writes it, the rest read from it.
    for (memo, drafts) in [(false, false), (false, true), (true, false), (true, true)] {
        for by in ["county", "unit", "topic"] {
            for period in ["year", "quarter", "month"] {
                let mut args = vec!["stats", "--by", by, "--period", period, "--format", "json"];
                if drafts {
                    args.push("--drafts");
                }
                if !memo {
                    args.push("--no-cache");
                }
                let run = s.run(&args);
                run.success();
                let json: Value = serde_json::from_str(&run.stdout).unwrap();
                assert_eq!(
                    counted(&json),
                    expected(by, period, drafts),
                    "--by {by} --period {period} drafts={drafts} memo={memo}"
                );
                // 合计 counts articles: each once, whatever its topics.
                let articles = FACTS.iter().filter(|f| drafts || !f.5).count() as u64;
                assert_eq!(json["totals"]["total"].as_u64(), Some(articles));
            }
        }
        assert_eq!(
            s.path().join(".bulletin/cache/stats").is_file(),
            memo,
            "only a run with the memo writes it"
        );
    }
    let run = s.run(&["stats", "-v"]);
    run.success();
    let files = FACTS.len() + FACTS.iter().map(|f| f.0).collect::<BTreeSet<_>>().len();
    assert!(
        run.stderr
            .contains(&format!("{files} of {files} files from the memo")),
        "{}",
        run.stderr
    );
}

#[test]
fn stats_from_and_to_are_inclusive_and_every_period_between_is_a_column() {
    let s = fixture(SITE_YAML);
    let run = s.run(&[
        "stats",
        "--from",
        "2021-03-31",
        "--to",
        "2021-07-29",
        "--period",
        "quarter",
        "--format",
        "json",
    ]);
    run.success();
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["columns"],
        serde_json::json!(["2021Q1", "2021Q2", "2021Q3"])
    );
    // 03-31 (赣州市), 04-01 (经开区), 07-29 (赣州市, 定南县); drafts left out.
    assert_eq!(json["totals"]["counts"], serde_json::json!([1, 1, 2]));
    // A county of the vocabulary with no article is a row of zeros, for the report.
    let rows = json["rows"].as_array().unwrap();
    let ruijin = rows.iter().find(|r| r["name"] == "瑞金市").unwrap();
    assert_eq!(ruijin["total"], 0);
}

#[test]
fn stats_table_is_aligned_for_the_terminal() {
    let s = fixture(SITE_YAML);
    let run = s.run(&["stats", "--by", "county"]);
    run.success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("县区"), "{}", run.stdout);
    assert!(lines[0].ends_with("合计"));
    assert!(lines.last().unwrap().starts_with("合计"));
    // Numbers end in the same terminal column on every line (CJK characters are 2 wide).
    let width = |l: &str| {
        l.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    let w = width(lines[0]);
    for l in lines.iter().filter(|l| !l.starts_with('-')) {
        assert_eq!(width(l), w, "{l:?} in\n{}", run.stdout);
    }
}

#[test]
fn stats_rejects_bad_dates_and_a_reversed_range() {
    let s = fixture(SITE_YAML);
    s.run(&["stats", "--from", "2021-02-30"])
        .failure()
        .stderr_has("`--from 2021-02-30` is not a date")
        .stderr_has("YYYY-MM-DD");
    s.run(&["stats", "--to", "2021/07/01"])
        .failure()
        .stderr_has("`--to 2021/07/01` is not a date");
    s.run(&["stats", "--from", "2021-07-02", "--to", "2021-07-01"])
        .failure()
        .stderr_has("`--to 2021-07-01` is before `--from 2021-07-02`");
    s.run(&["stats", "--by", "township"])
        .failure()
        .stderr_has("county");
}

#[test]
fn csv_files_have_a_bom_and_read_back_with_a_csv_parser() {
    let s = fixture(SITE_YAML);
    s.build().success();
    let bytes = std::fs::read(s.path().join("output/stats/unit-year.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no UTF-8 BOM");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows[0], ["单位", "2020", "2021", "合计"]);
    let comma = rows.iter().find(|r| r[0] == "市委办, 市政府办").unwrap();
    assert_eq!(comma[1..], ["0", "1", "1"]);
    let last = rows.last().unwrap();
    assert_eq!(last[..], ["合计", "3", "7", "10"]);
    // The same file from the command line.
    let run = s.run(&["stats", "--by", "unit", "--format", "csv"]);
    run.success();
    assert_eq!(run.stdout.as_bytes(), &bytes[..]);
    // Topic table: first column the name, one column per year, then 合计.
    let topics = std::fs::read(s.path().join("output/stats/topic-year.csv")).unwrap();
    let mut r = csv::Reader::from_reader(&topics[3..]);
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(head, ["专题", "2020", "2021", "合计"]);
    let edu = r
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == "教育")
        .unwrap();
    assert_eq!((&edu[1], &edu[2], &edu[3]), ("2", "1", "3"));
}

#[test]
fn each_year_has_a_page_with_its_quarters_months_ranking_and_csv() {
    let s = fixture(SITE_YAML);
    s.file(
        "site.yaml",
        format!("{SITE_YAML}base_url: https://example.gov.cn/jianbao/\nminify: false\n"),
    );
    s.build().success();
    // Each year's CSV files against the independent count, and the same bytes as the command
    // gives for that year.
    for (period, file) in [
        ("quarter", "county-quarter.csv"),
        ("month", "county-month.csv"),
    ] {
        let want = expected("county", period, false);
        for year in ["2020", "2021"] {
            let bytes =
                std::fs::read(s.path().join(format!("output/stats/{year}/{file}"))).unwrap();
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no UTF-8 BOM");
            let mut r = csv::Reader::from_reader(&bytes[3..]);
            let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
            let columns = if period == "quarter" { 4 } else { 12 };
            assert_eq!(head.len(), columns + 2, "{head:?}");
            assert!(
                head[1..=columns].iter().all(|c| c.starts_with(year)),
                "{head:?}"
            );
            let mut total = 0;
            for rec in r.records().map(Result::unwrap) {
                if &rec[0] == "合计" {
                    assert_eq!(rec[columns + 1].parse::<u64>().unwrap(), total);
                    continue;
                }
                for (c, col) in head.iter().enumerate().take(columns + 1).skip(1) {
                    let n = want
                        .get(&rec[0])
                        .and_then(|m| m.get(col))
                        .copied()
                        .unwrap_or(0);
                    assert_eq!(
                        rec[c].parse::<u64>().unwrap(),
                        n,
                        "{year} {} {col}",
                        &rec[0]
                    );
                    total += n;
                }
            }
            let run = s.run(&[
                "stats",
                "--period",
                period,
                "--from",
                &format!("{year}-01-01"),
                "--to",
                &format!("{year}-12-31"),
                "--format",
                "csv",
            ]);
            run.success();
            assert_eq!(run.stdout.as_bytes(), &bytes[..], "{year} {file}");
        }
    }
    // The page of 2020: its total and counts linked to their articles, its ranking, its CSV
    // files, the year after it (none before).
    let main = s.main_of("stats/2020/index.html");
    for part in [
        "<a href=\"/jianbao/search/?year=2020\">共 3 篇</a>",
        "<a href=\"/jianbao/search/?county=yudu-xian&amp;quarter=2020-Q1\">1</a>",
        "<a href=\"/jianbao/search/?county=dingnan-xian&amp;month=2020-11\">1</a>",
        "<a href=\"/jianbao/search/?quarter=2020-Q4\">1</a>",
        "2020年（2020-01-01 至 2020-12-31）",
        "href=\"/jianbao/stats/2020/county-quarter.csv\"",
        "href=\"/jianbao/stats/2020/county-month.csv\"",
        "<a href=\"/jianbao/stats/2021/\" rel=\"next\">",
        "<a href=\"/jianbao/stats/\">",
    ] {
        assert!(main.contains(part), "{part} in {main}");
    }
    assert!(!main.contains("rel=\"prev\""), "{main}");
    assert!(
        s.main_of("stats/2021/index.html")
            .contains("<a href=\"/jianbao/stats/2020/\" rel=\"prev\">")
    );
    // /stats/ links to each year from its list of years and its tables' year headers.
    let stats = s.main_of("stats/index.html");
    assert!(
        stats.contains("<a href=\"/jianbao/stats/2020/\">2020年</a>"),
        "{stats}"
    );
    assert!(stats.contains("<th scope=\"col\"><a href=\"/jianbao/stats/2021/\">2021</a></th>"));
    // No page for a year without articles; the sitemap lists the pages; the links resolve.
    assert!(!s.exists("stats/2019/index.html"));
    assert!(!s.exists("stats/2022/index.html"));
    assert!(
        s.sitemap_locs()
            .contains(&"https://example.gov.cn/jianbao/stats/2020/".to_string())
    );
    s.run(&["build", "--check-links"]).success();
    // `stats: false`: no year pages either.
    s.file("site.yaml", format!("{SITE_YAML}stats: false\n"));
    s.build().success();
    assert!(!s.exists("stats/2020/index.html"));
    assert!(!s.exists("stats/2020/county-month.csv"));
}

/// Every `<svg>…</svg>` of a page.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find("<svg") {
        let start = from + i;
        let end = start + html[start..].find("</svg>").expect("closed svg") + 6;
        out.push(&html[start..end]);
        from = end;
    }
    out
}

/// Parse an SVG as XML; its role, its `aria-label` and its `<title>`.
fn accessible_name(svg: &str) -> (String, String, String) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(svg);
    let (mut role, mut label, mut title) = (String::new(), String::new(), String::new());
    let mut depth = 0;
    let mut in_title = false;
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("{e}: {svg}")) {
            Event::Start(e) => {
                depth += 1;
                if e.name().as_ref() == b"svg" {
                    for a in e.attributes() {
                        let a = a.unwrap();
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned();
                        match a.key.as_ref() {
                            b"role" => role = v,
                            b"aria-label" => label = v,
                            _ => {}
                        }
                    }
                }
                in_title = e.name().as_ref() == b"title" && depth == 2;
            }
            Event::Text(t) if in_title => title.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) if in_title => {
                let name = r.decode().unwrap();
                title.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                });
            }
            Event::End(_) => {
                depth -= 1;
                in_title = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced: {svg}");
    (role, label, title)
}

#[test]
fn charts_are_svg_with_role_img_and_an_accessible_name() {
    let s = fixture(SITE_YAML);
    s.file("site.yaml", format!("{SITE_YAML}minify: false\n"));
    s.build().success();
    for (page, at_least) in [
        ("stats/index.html", 4),
        ("counties/yudu-xian/index.html", 1),
        ("topics/jiaoyu/index.html", 2),
        ("index.html", 1),
    ] {
        let html = s.read(page);
        let charts = svgs(&html);
        assert!(charts.len() >= at_least, "{page}: {} charts", charts.len());
        for svg in charts {
            let (role, label, title) = accessible_name(svg);
            assert_eq!(role, "img", "{page}");
            assert!(!label.is_empty(), "{page}: no aria-label");
            assert_eq!(label, title, "{page}");
            assert!(!svg.contains("<script"), "{page}");
        }
    }
    let county = s.read("counties/yudu-xian/index.html");
    assert!(
        county.contains("aria-label=\"于都县历年文章篇数\""),
        "{county}"
    );
}

#[test]
fn stats_page_counts_link_to_their_articles_under_the_base_path() {
    let s = fixture(SITE_YAML);
    s.file(
        "site.yaml",
        format!("{SITE_YAML}base_url: https://example.gov.cn/jianbao/\nminify: false\n"),
    );
    s.build().success();
    let main = s.main_of("stats/index.html");
    // 于都县 in 2021: one article (its drafts left out), linked to the filtered search page.
    assert!(
        main.contains("<a href=\"/jianbao/search/?county=yudu-xian&amp;year=2021\">1</a>"),
        "{main}"
    );
    // Its total links to its county page; a year's total to the search page for that year.
    assert!(main.contains("<a href=\"/jianbao/counties/yudu-xian/\">2</a>"));
    assert!(main.contains("<a href=\"/jianbao/search/?year=2020\">3</a>"));
    assert!(main.contains("<a href=\"/jianbao/search/?topic=jiaoyu&amp;year=2020\">2</a>"));
    // Quarter and month counts, their totals and the grand total link to their articles too.
    for link in [
        "<a href=\"/jianbao/search/?county=yudu-xian&amp;quarter=2021-Q1\">1</a>",
        "<a href=\"/jianbao/search/?county=yudu-xian&amp;month=2021-01\">1</a>",
        "<a href=\"/jianbao/search/?quarter=2021-Q1\">3</a>",
        "<a href=\"/jianbao/search/?month=2021-07\">2</a>",
        "<a href=\"/jianbao/search/?all=1\">10</a>",
        "<a href=\"/jianbao/search/?all=1\">共 10 篇</a>",
        "quarter=2021-Q4\">1 篇</a>",
        // A unit's place in a ranking: the search page filtered by the unit's name, encoded.
        "<a href=\"/jianbao/search/?unit=%E5%B8%82%E4%BA%BA%E7%A4%BE%E5%B1%80&amp;year=2021\">2 篇</a>",
        "<a href=\"/jianbao/search/?unit=%E5%B8%82%E5%A7%94%E5%8A%9E%2C%20%E5%B8%82%E6%94%BF%E5%BA%9C%E5%8A%9E&amp;year=2021\">1 篇</a>",
    ] {
        assert!(main.contains(link), "{link} in {main}");
    }
    assert!(main.contains("href=\"/jianbao/stats/county-year.csv\""));
    // The home page's months of the latest year link to their articles, separated by commas.
    let home = s.main_of("index.html");
    assert!(
        home.contains("：1月 <a href=\"/jianbao/search/?month=2021-01\">2 篇</a>，3月 "),
        "{home}"
    );
    assert!(
        home.contains("12月 <a href=\"/jianbao/search/?month=2021-12\">1 篇</a>。"),
        "{home}"
    );
    // Rankings of the latest complete quarter and year (the fixture ends in 2021).
    assert!(main.contains("2021年第四季度"), "{main}");
    assert!(main.contains("2021年（2021-01-01 至 2021-12-31）"));
    // The header links to the page, and the sitemap lists it.
    assert!(s.read("index.html").contains("href=\"/jianbao/stats/\""));
    assert!(
        s.sitemap_locs()
            .contains(&"https://example.gov.cn/jianbao/stats/".to_string())
    );
    // The links resolve.
    s.run(&["build", "--check-links"]).success();
}

#[test]
fn without_search_counts_link_only_to_pages() {
    let s = fixture(SITE_YAML);
    s.file(
        "site.yaml",
        format!("{SITE_YAML}search: false\nminify: false\n"),
    );
    s.build().success();
    let main = s.main_of("stats/index.html");
    assert!(!main.contains("search/"), "{main}");
    assert!(
        main.contains("<a href=\"/counties/yudu-xian/\">2</a>"),
        "{main}"
    );
    assert!(main.contains("共 10 篇"), "{main}");
    assert!(!s.main_of("index.html").contains("search/?"));
}

#[test]
fn drafts_count_only_with_drafts() {
    let s = fixture(SITE_YAML);
    s.file("site.yaml", format!("{SITE_YAML}minify: false\n"));
    s.build().success();
    let without = s.read("stats/county-year.csv");
    s.run(&["build", "--drafts"]).success();
    let with = s.read("stats/county-year.csv");
    assert!(without.contains("于都县,1,1,2\r\n"), "{without}");
    assert!(with.contains("于都县,1,3,4\r\n"), "{with}");
}

#[test]
fn stats_false_turns_the_pages_off() {
    let s = fixture(SITE_YAML);
    s.file("site.yaml", format!("{SITE_YAML}stats: false\n"));
    s.build().success();
    assert!(!s.exists("stats/index.html"));
    assert!(!s.exists("stats/county-year.csv"));
    assert!(!s.read("index.html").contains("stats/"));
    assert!(!s.read("counties/yudu-xian/index.html").contains("<svg"));
    // The command still counts.
    s.run(&["stats"]).success();
}

#[test]
fn a_theme_made_before_statistics_gets_the_built_in_stats_page() {
    let s = fixture(SITE_YAML);
    s.file("site.yaml", format!("{SITE_YAML}theme: plain\n"));
    s.file(
        "themes/plain/templates/base.html",
        "<!doctype html><title>x</title><main>{% block main %}{% endblock main %}</main>",
    );
    for t in [
        "home", "issues", "issue", "article", "counties", "county", "topics", "topic", "404",
        "search",
    ] {
        s.file(&format!("themes/plain/templates/{t}.html"), "<p>x</p>");
    }
    s.build().success();
    let page = s.read("stats/index.html");
    assert!(
        page.starts_with("<!doctype html><title>x</title><main>"),
        "{page}"
    );
    assert!(page.contains("<svg"), "{page}");
    s.file(
        "site.yaml",
        format!("{SITE_YAML}theme: plain\nstats: false\n"),
    );
    s.build().success();
    assert!(!s.exists("stats/index.html"));
}
