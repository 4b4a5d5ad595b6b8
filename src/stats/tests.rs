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
            balanced: true,
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
            intro_balanced: true,
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
    // Named by number from a folder of its own; counties in the vocabulary's order, one by alias.
    write(
        "content/elsewhere/d.md",
        "---\ntitle: 丁\ncounty: 定南\ntopics: [就业]\nissue: 1\ndate: 2022-01-03\n---\n",
    );
    write(
        "site.yaml",
        "counties:\n  - name: 赣州市\n  - name: 定南县\n    aliases: [定南]\n  - name: 于都县\n",
    );
    let config = Config::load(root).unwrap();
    let facts = |bodies: bool| {
        let (loaded, _) = crate::load::load_with(&config, false, bodies).unwrap();
        let site = crate::model::assemble(config.clone(), loaded).unwrap();
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
    assert_eq!(full.len(), 4);
    assert_eq!(facts(false), full);

    // Through the memo, first run (every file read) and second (every file remembered): the
    // same counts as the full loader, for every question.
    age_all(root);
    let (full_site, _) = {
        let (loaded, w) = crate::load::load_with(&config, false, true).unwrap();
        (crate::model::assemble(config.clone(), loaded).unwrap(), w)
    };
    let expected = every_table(&full_site);
    let names: Vec<&str> = full_site.counties.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["赣州市", "定南县", "于都县"]);
    for (run, remembered) in [(1, 0), (2, 5)] {
        let (site, _, used) = load_site(root, false, true, &mut Vec::new()).unwrap();
        assert_eq!(every_table(&site), expected, "run {run}");
        assert_eq!((used.files, used.remembered), (5, remembered), "run {run}");
    }
}

/// Every count a site can be asked for.
fn every_table(site: &Site) -> Vec<Table> {
    let mut out = Vec::new();
    for by in [By::County, By::Unit, By::Topic] {
        for period in [Period::Year, Period::Quarter, Period::Month] {
            out.push(count(site, &Query::new(by, period)));
        }
    }
    out
}

/// Set a file's modification time `secs` seconds back.
fn set_age(path: &std::path::Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(secs))
        .unwrap();
}

/// Every file under `root/content` an hour old, so the memo may keep it.
fn age_all(root: &std::path::Path) {
    for e in walkdir::WalkDir::new(root.join("content")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            set_age(e.path(), 3600);
        }
    }
}

/// A site of one issue and articles `a.md`… given as (county, topics, draft).
fn memo_site(articles: &[(&str, &str, bool)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let issue = root.join("content/2021-1");
    std::fs::create_dir_all(&issue).unwrap();
    std::fs::write(
        issue.join("_index.md"),
        "---\nnumber: 1\ndate: 2021-07-29\n---\n",
    )
    .unwrap();
    for (i, (county, topics, draft)) in articles.iter().enumerate() {
        std::fs::write(
            issue.join(format!("{}.md", (b'a' + i as u8) as char)),
            format!(
                "---\ntitle: 第{i}篇\ncounty: {county}\ntopics: [{topics}]\ndraft: {draft}\n---\n正文。\n"
            ),
        )
        .unwrap();
    }
    age_all(root);
    dir
}

/// Counts through the memo, checked against the full loader's, and how many files the memo gave.
fn counted_through_memo(root: &std::path::Path, drafts: bool) -> (Vec<Table>, usize) {
    let (site, _, used) = load_site(root, drafts, true, &mut Vec::new()).unwrap();
    let config = Config::load(root).unwrap();
    let (loaded, _) = crate::load::load_with(&config, drafts, true).unwrap();
    let full = crate::model::assemble(config, loaded).unwrap();
    let tables = every_table(&site);
    assert_eq!(tables, every_table(&full), "memo and full loader disagree");
    (tables, used.remembered)
}

/// Articles per county, sorted by name.
fn county_totals(tables: &[Table]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = tables[0]
        .rows
        .iter()
        .map(|r| (r.name.clone(), r.total))
        .collect();
    out.sort();
    out
}

#[test]
fn the_memo_notices_an_edited_file_a_new_one_and_a_deleted_one() {
    let dir = memo_site(&[
        ("于都县", "教育", false),
        ("定南县", "就业", false),
        ("于都县", "医疗", false),
    ]);
    let root = dir.path();
    let a = root.join("content/2021-1/a.md");
    let (_, remembered) = counted_through_memo(root, false);
    assert_eq!(remembered, 0);
    assert!(root.join(cache::FILE).is_file(), "the memo is written");
    let (t, remembered) = counted_through_memo(root, false);
    assert_eq!(remembered, 4);
    assert_eq!(
        county_totals(&t),
        [("于都县".to_string(), 2), ("定南县".to_string(), 1)]
    );

    // Edited to another county of the same length in bytes: same size, another time.
    let text = std::fs::read_to_string(&a)
        .unwrap()
        .replace("于都县", "瑞金市");
    std::fs::write(&a, &text).unwrap();
    set_age(&a, 1800);
    let (t, remembered) = counted_through_memo(root, false);
    assert_eq!(remembered, 3, "the edited file is read again");
    assert_eq!(
        county_totals(&t),
        [
            ("于都县".to_string(), 1),
            ("定南县".to_string(), 1),
            ("瑞金市".to_string(), 1)
        ]
    );

    // Deleted: gone from the counts and from the memo.
    std::fs::remove_file(root.join("content/2021-1/b.md")).unwrap();
    let (t, remembered) = counted_through_memo(root, false);
    assert_eq!(remembered, 3);
    assert_eq!(t[0].total, 2);
    let memo = std::fs::read_to_string(root.join(cache::FILE)).unwrap();
    assert!(!memo.contains("b.md"), "{memo}");
    assert_eq!(memo.lines().count(), 1 + 3, "{memo}");

    // Written a moment ago: counted, but not remembered until it has settled.
    std::fs::write(
        root.join("content/2021-1/d.md"),
        "---\ntitle: 新\ncounty: 定南县\ntopics: [就业]\n---\n",
    )
    .unwrap();
    for _ in 0..2 {
        let (t, remembered) = counted_through_memo(root, false);
        assert_eq!((t[0].total, remembered), (3, 3));
    }
}

#[test]
fn the_memo_keeps_drafts_apart_and_is_rebuilt_for_another_site_yaml() {
    let dir = memo_site(&[("于都县", "教育", false), ("定南县", "就业", true)]);
    let root = dir.path();
    counted_through_memo(root, false);
    let (t, remembered) = counted_through_memo(root, false);
    assert_eq!((t[0].total, remembered), (1, 3));
    // The draft was remembered as "left out"; with drafts it is read and counted.
    let (t, remembered) = counted_through_memo(root, true);
    assert_eq!((t[0].total, remembered), (2, 2));
    let (t, remembered) = counted_through_memo(root, true);
    assert_eq!((t[0].total, remembered), (2, 3));
    // Remembered with drafts, asked without: the draft is left out again.
    let (t, remembered) = counted_through_memo(root, false);
    assert_eq!((t[0].total, remembered), (1, 3));

    // A vocabulary with an alias changes what a name resolves to: nothing remembered is used.
    std::fs::write(
        root.join("site.yaml"),
        "counties:\n  - name: 于都县\n    aliases: [定南县]\n",
    )
    .unwrap();
    let (t, remembered) = counted_through_memo(root, true);
    assert_eq!(remembered, 0);
    assert_eq!(county_totals(&t), [("于都县".to_string(), 2)]);
}

#[test]
fn with_a_memo_errors_still_name_the_file_and_line() {
    let dir = memo_site(&[("于都县", "教育", false), ("定南县", "就业", false)]);
    let root = dir.path();
    counted_through_memo(root, false);
    let message = |root: &std::path::Path| -> String {
        let err = load_site(root, false, true, &mut Vec::new()).unwrap_err();
        err.0.iter().map(|d| format!("{d:?}\n")).collect()
    };

    // A remembered file made invalid.
    let b = root.join("content/2021-1/b.md");
    let text = std::fs::read_to_string(&b)
        .unwrap()
        .replace("draft: false", "draft: 也许");
    std::fs::write(&b, text).unwrap();
    set_age(&b, 1800);
    let got = message(root);
    assert!(got.contains("b.md") && got.contains("draft"), "{got}");
    assert!(got.contains("line: 5"), "the line of `draft:`: {got}");

    // Every article remembered, their issue gone: the model's error, as without the memo.
    std::fs::write(
        &b,
        "---\ntitle: 乙\ncounty: 定南县\ntopics: [就业]\nissue: 1\n---\n",
    )
    .unwrap();
    set_age(&b, 1800);
    counted_through_memo(root, false);
    std::fs::remove_file(root.join("content/2021-1/_index.md")).unwrap();
    let with_memo = message(root);
    assert!(with_memo.contains("no issue `1`"), "{with_memo}");
    let config = Config::load(root).unwrap();
    let (loaded, _) = crate::load::load_with(&config, false, false).unwrap();
    let without: String = crate::model::assemble(config, loaded)
        .unwrap_err()
        .0
        .iter()
        .map(|d| format!("{d:?}\n"))
        .collect();
    assert_eq!(with_memo, without);
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

#[test]
fn the_parallel_walk_finds_what_the_loader_finds_in_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for rel in [
        "content/top.md",
        "content/notes.txt",
        "content/2021-2/_index.md",
        "content/2021-2/b.md",
        "content/2021-2/a.md",
        "content/2021-2/sub/c.md",
        "content/2021-10/a.md",
        "content/2021-2/a.md~",
        "content/.hidden/x.md",
        "content/2021-2/.y.md",
        "content/#tmp.md",
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "").unwrap();
    }
    let content = root.join("content");
    let mut d1 = Diagnostics::new();
    let mut d2 = Diagnostics::new();
    let walked = crate::load::find_sources(root, &content, &mut d1).markdown;
    assert_eq!(walked.len(), 6);
    assert_eq!(cache::find_markdown(root, &content, &mut d2), walked);
    assert_eq!(d1.0.len(), d2.0.len());
}
