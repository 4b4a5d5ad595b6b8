//! What a build writes, on small fixture sites.

use crate::helpers::{TestSite, reading, without_defaults};

/// Three issues, five articles, two counties, two topics.
fn small() -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "title: 测试简报\nbase_url: https://example.gov.cn/jianbao/\npaginate: 2\n\
         counties:\n  - {name: 于都县, slug: yudu-xian}\n  - {name: 定南县, slug: dingnan-xian}\n\
         topics:\n  - {name: 教育, slug: jiaoyu}\n  - {name: 医疗卫生, slug: yiliao-weisheng}\n",
    );
    s.issue("2021-1", 1, "2021-01-04")
        .article("2021-1", "01-a", "于都一", "于都县", &["教育"])
        .article("2021-1", "02-b", "定南一", "定南县", &["医疗卫生"]);
    s.issue("2021-2", 2, "2021-01-11")
        .article("2021-2", "01-c", "于都二", "于都县", &["教育"]);
    s.issue("2021-3", 3, "2021-01-18")
        .article("2021-3", "01-d", "于都三", "于都县", &["教育", "医疗卫生"])
        .article("2021-3", "02-e", "定南二", "定南县", &["医疗卫生"]);
    s
}

#[test]
fn every_page_of_the_spec_is_written() {
    let s = small();
    s.build().success();
    for page in [
        "index.html",
        "issues/index.html",
        "issues/2021-1/index.html",
        "issues/2021-1/a/index.html",
        "counties/index.html",
        "counties/yudu-xian/index.html",
        "topics/index.html",
        "topics/jiaoyu/index.html",
        "feed.xml",
        "counties/yudu-xian/feed.xml",
        "topics/jiaoyu/feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ] {
        assert!(s.exists(page), "{page} missing");
    }
}

#[test]
fn county_page_lists_only_its_articles_newest_first() {
    let s = small();
    s.build().success();
    let main = s.main_of("counties/yudu-xian/index.html");
    assert!(!main.contains("定南"), "{main}");
    // Three articles, paginate: 2: fewer than two pages' worth, so all on the newest page.
    let order: Vec<usize> = ["于都三", "于都二", "于都一"]
        .iter()
        .map(|t| {
            main.find(t)
                .unwrap_or_else(|| panic!("{t} missing in {main}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{main}");
    assert!(!s.exists("counties/yudu-xian/page/1/index.html"));
    assert!(!main.contains("class=\"pagination\""), "{main}");
}

/// `small()` with two more issues, so 于都县 has five articles: page 1 holds the oldest two, the
/// newest page (the county's own URL) the other three.
fn paginated() -> TestSite {
    let s = small();
    s.issue("2021-4", 4, "2021-01-25")
        .article("2021-4", "01-f", "于都四", "于都县", &["教育"]);
    s.issue("2021-5", 5, "2021-02-01")
        .article("2021-5", "01-g", "于都五", "于都县", &["教育"]);
    s
}

#[test]
fn pages_are_numbered_from_the_oldest_and_the_newest_page_holds_the_overflow() {
    let s = paginated();
    s.build().success();
    let newest = s.main_of("counties/yudu-xian/index.html");
    for t in ["于都五", "于都四", "于都三"] {
        assert!(newest.contains(t), "{t} missing in {newest}");
    }
    assert!(
        newest.contains("5 篇"),
        "the count is on the newest page: {newest}"
    );
    let page1 = s.main_of("counties/yudu-xian/page/1/index.html");
    assert!(
        page1.contains("于都二") && page1.contains("于都一"),
        "{page1}"
    );
    assert!(!page1.contains("于都三"), "{page1}");
    assert!(
        !page1.contains("5 篇"),
        "no count that grows on an older page: {page1}"
    );
    assert!(!s.exists("counties/yudu-xian/page/2/index.html"));
    // The issue list likewise: five issues, page 1 the oldest two.
    let issues1 = s.main_of("issues/page/1/index.html");
    assert!(
        issues1.contains("第1期") && issues1.contains("第2期"),
        "{issues1}"
    );
    assert!(!issues1.contains("第3期"), "{issues1}");
}

#[test]
fn pagination_links_point_to_the_other_pages() {
    let s = paginated();
    s.build().success();
    let newest = s.main_of("counties/yudu-xian/index.html");
    assert!(
        newest.contains("<a href=\"/jianbao/counties/yudu-xian/page/1/\" rel=\"next\">较早</a>"),
        "{newest}"
    );
    assert!(
        newest.contains("<span aria-current=\"page\">最新</span>"),
        "{newest}"
    );
    let page1 = s.main_of("counties/yudu-xian/page/1/index.html");
    assert!(
        page1.contains("<a href=\"/jianbao/counties/yudu-xian/\" rel=\"prev\">较新</a>"),
        "{page1}"
    );
    assert!(
        page1.contains("<span aria-current=\"page\">1</span>"),
        "{page1}"
    );
    assert!(
        !page1.contains("rel=\"next\""),
        "page 1 is the oldest: {page1}"
    );
}

/// A weekly issue of one article about 教育 from 于都县.
fn weekly(s: &TestSite, n: i64) {
    let slug = format!("2021-{n:02}");
    s.issue(
        &slug,
        n,
        &format!("2021-{:02}-{:02}", 1 + (n - 1) / 4, 1 + (n - 1) % 4 * 7),
    )
    .article(&slug, "01-a", &format!("于都{n}"), "于都县", &["教育"]);
}

#[test]
fn older_pages_keep_their_bytes_when_an_issue_is_added() {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "title: 测试简报\nbase_url: https://example.gov.cn/jianbao/\npaginate: 2\n",
    );
    for n in 1..=12 {
        weekly(&s, n);
    }
    s.build().success();
    let lists = ["counties/yudu-xian", "topics/jiaoyu", "issues"];
    let pages = |snap: &std::collections::BTreeMap<String, Vec<u8>>, list: &str| -> Vec<String> {
        snap.keys()
            .filter(|p| p.starts_with(&format!("{list}/page/")))
            .cloned()
            .collect()
    };
    // Twelve entries, two a page: pages 1–5 archived, the newest two on the list's own URL.
    let first = s.snapshot();
    for list in lists {
        assert_eq!(pages(&first, list).len(), 5, "{list}");
    }
    // A thirteenth goes to the newest page: no archived page changes.
    weekly(&s, 13);
    s.build().success();
    let second = s.snapshot();
    for list in lists {
        assert_eq!(pages(&first, list), pages(&second, list), "{list}");
        for path in pages(&first, list) {
            assert!(first[&path] == second[&path], "{path} changed");
        }
        assert!(first[&format!("{list}/index.html")] != second[&format!("{list}/index.html")]);
    }
    // A fourteenth fills a page: page 6 is archived, the pages next to it change their links,
    // the older ones keep their bytes.
    weekly(&s, 14);
    s.build().success();
    let third = s.snapshot();
    for list in lists {
        let path6 = format!("{list}/page/6/index.html");
        assert!(third.contains_key(&path6), "{path6}");
        for page in 1..=2 {
            let path = format!("{list}/page/{page}/index.html");
            assert!(first[&path] == third[&path], "{path} changed");
        }
    }
    // The article pages of the first issue do not change at all.
    for (path, bytes) in &first {
        if path.starts_with("issues/2021-01/") {
            assert!(third[path] == *bytes, "{path} changed");
        }
    }
}

#[test]
fn counties_overview_shows_article_counts() {
    let s = small();
    s.build().success();
    let main = s.main_of("counties/index.html");
    assert!(
        main.contains("于都县</a> <span class=\"count\">3 篇"),
        "{main}"
    );
    assert!(
        main.contains("定南县</a> <span class=\"count\">2 篇"),
        "{main}"
    );
}

#[test]
fn issue_page_holds_its_articles_in_order_with_masthead_and_footer() {
    let s = small();
    s.file(
        "content/2021-1/_index.md",
        "---\nnumber: 1\ndate: 2021-01-04\nseries: 测试工作简报\neditor: 测试办公室\nphone: \"1234567\"\nemail: a@b.cn\n---\n",
    );
    s.build().success();
    let main = s.main_of("issues/2021-1/index.html");
    assert!(main.contains("class=\"series\">测试工作简报"), "{main}");
    assert!(main.contains("第1期"));
    assert!(main.contains("2021年1月4日"));
    assert!(main.find("于都一").unwrap() < main.find("定南一").unwrap());
    assert!(main.contains("测试办公室编"));
    assert!(main.contains("电话：1234567"));
    assert!(main.contains("mailto:a@b.cn"));
}

#[test]
fn order_in_front_matter_beats_file_name_order() {
    let s = small();
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 定南一\ncounty: 定南县\ntopics: [医疗卫生]\norder: 0\n---\n正文\n",
    );
    s.build().success();
    let main = s.main_of("issues/2021-1/index.html");
    assert!(
        main.find("定南一").unwrap() < main.find("于都一").unwrap(),
        "{main}"
    );
}

#[test]
fn article_page_links_issue_county_topics_and_neighbours() {
    let s = small();
    s.build().success();
    let main = s.main_of("issues/2021-3/d/index.html");
    for link in [
        "/jianbao/issues/2021-3/",
        "/jianbao/counties/yudu-xian/",
        "/jianbao/topics/jiaoyu/",
        "/jianbao/topics/yiliao-weisheng/",
        "/jianbao/issues/2021-3/e/",
    ] {
        assert!(main.contains(link), "{link} missing in {main}");
    }
    assert!(main.contains("下一篇：定南二"));
    assert!(!main.contains("上一篇"));
}

#[test]
fn issues_list_groups_by_year_newest_first_and_paginates() {
    let s = small();
    s.issue("2020-9", 9, "2020-12-28")
        .article("2020-9", "x", "旧文", "于都县", &["教育"]);
    s.build().success();
    // Four issues, two a page: page 1 holds the oldest two, the newest page the other two.
    let newest = s.main_of("issues/index.html");
    assert!(newest.contains("2021年"));
    assert!(newest.find("第3期").unwrap() < newest.find("第2期").unwrap());
    assert!(!newest.contains("第9期"), "{newest}");
    let page1 = s.main_of("issues/page/1/index.html");
    assert!(
        page1.contains("2020年") && page1.contains("第9期") && page1.contains("第1期"),
        "{page1}"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let s = small();
    s.file(
        "content/2021-1/03-draft.md",
        "---\ntitle: 草稿文章\ncounty: 于都县\ntopics: [教育]\ndraft: true\n---\n正文\n",
    );
    s.build().success();
    assert!(!s.exists("issues/2021-1/draft/index.html"));
    assert!(!s.read("issues/2021-1/index.html").contains("草稿文章"));
    s.run(&["build", "--drafts"]).success();
    assert!(s.exists("issues/2021-1/draft/index.html"));
}

#[test]
fn the_sites_own_templates_override_the_theme() {
    let s = small();
    s.file(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>自定义的404</p>{% endblock main %}",
    );
    s.build().success();
    assert!(s.read("404.html").contains("自定义的404"));
    // Other templates still come from the theme.
    assert!(s.read("index.html").contains("最新一期"));
}

#[test]
fn static_files_are_copied_and_theme_css_is_fingerprinted() {
    let s = small();
    s.file("static/images/logo.png", b"\x89PNG fake");
    s.build().success();
    assert_eq!(
        std::fs::read(s.path().join("output/images/logo.png")).unwrap(),
        b"\x89PNG fake"
    );
    let html = s.read("index.html");
    let css = html
        .split("href=\"")
        .find_map(|h| {
            h.strip_prefix("/jianbao/style.")
                .map(|r| r.split('"').next().unwrap().to_string())
        })
        .expect("fingerprinted stylesheet link");
    assert!(s.exists(&format!("style.{css}")), "style.{css}");
}

#[test]
fn base_url_flag_overrides_the_config() {
    let s = small();
    s.run(&["build", "--base-url", "https://other.example/x"])
        .success();
    let html = s.read("index.html");
    assert!(html.contains("href=\"/x/issues/\""), "{html}");
    assert!(
        s.read("feed.xml")
            .contains("https://other.example/x/issues/")
    );
}

#[test]
fn output_is_minified_unless_turned_off() {
    let s = small();
    s.build().success();
    assert!(!s.read("index.html").contains("\n  <"));
    s.run(&["build", "--no-minify"]).success();
    assert!(s.read("index.html").contains("\n"));
}

#[test]
fn two_builds_give_byte_identical_output() {
    let s = small();
    s.build().success();
    let first = s.snapshot();
    s.build().success();
    assert_eq!(first, s.snapshot());
}

#[test]
fn check_writes_nothing() {
    let s = small();
    s.run(&["check"]).success().stderr_has("5 articles");
    assert!(!s.path().join("output").exists());
}

#[test]
fn a_bare_content_folder_builds_with_no_config() {
    let s = TestSite::new();
    s.issue("2021-1", 1, "2021-01-04")
        .article("2021-1", "a", "文章", "于都县", &["教育"]);
    s.build().success();
    // Without a vocabulary, slugs come from pinyin.
    assert!(s.exists("counties/yudu-xian/index.html"));
    assert!(s.exists("topics/jiaoyu/index.html"));
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let s = TestSite::empty();
    s.run(&["init", "mysite"]).success();
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["build", "--root", "mysite"])
        .current_dir(s.path())
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(
        s.path()
            .join("mysite/output/issues/2021-001/index.html")
            .exists()
    );
    // A second init into the same folder refuses.
    s.run(&["init", "mysite"]).failure().stderr_has("not empty");
}

#[test]
fn a_summary_line_ends_the_build() {
    let s = small();
    s.build()
        .success()
        .stderr_has("built ")
        .stderr_has("5 articles");
}

/// Minification (templates once, bodies once) removes only what HTML does not show (whitespace,
/// quotes, attributes that state HTML's defaults): every page of the sample reads the same, tag
/// by tag and word by word, minified or not. (Chromium reads them too: bench/compare-minified.sh.)
#[test]
fn minified_pages_read_the_same_as_unminified_ones() {
    let s = TestSite::sample();
    s.run(&["build", "--no-minify"]).success();
    let plain = s.snapshot();
    s.run(&["build"]).success();
    let minified = s.snapshot();
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        minified.keys().collect::<Vec<_>>()
    );
    let (mut before, mut after, mut pages) = (0, 0, 0);
    for (rel, bytes) in &plain {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let (a, b) = (
            String::from_utf8(bytes.clone()).unwrap(),
            String::from_utf8(minified[rel].clone()).unwrap(),
        );
        let read = |html: &str| -> Vec<String> {
            reading(html).iter().map(|l| without_defaults(l)).collect()
        };
        assert_eq!(read(&a), read(&b), "{rel} reads differently minified");
        // The statistics pages are mostly inline SVG, which the chart code writes without
        // whitespace to remove: they would dilute the figure for the pages minifying is for.
        if !rel.starts_with("stats/") {
            before += a.len();
            after += b.len();
        }
        // The sample has no <pre>, so no line break is left at all.
        assert!(!b.contains('\n'), "{rel}: a line break left");
    }
    assert!(pages > 20, "{pages}");
    assert!(
        after * 100 < before * 97,
        "minified {after} bytes of {before}"
    );
}
