//! Feeds, the sitemap and robots.txt, read back with independent parsers.

use crate::helpers::{TestSite, xml_locs};

fn site() -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "title: 测试 & 简报\nbase_url: https://example.gov.cn/jb/\nfeed_limit: 3\n",
    );
    for i in 1..=4 {
        let slug = format!("2021-{i}");
        s.issue(&slug, i, &format!("2021-01-{:02}", i * 7));
        s.article(&slug, "a", &format!("于都文章{i}"), "于都县", &["教育"]);
        s.article(&slug, "b", &format!("定南文章{i}"), "定南县", &["医疗卫生"]);
    }
    s
}

fn parse(xml: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("not a feed: {e}\n{xml}"))
}

#[test]
fn the_site_feed_parses_as_atom_with_the_newest_entries() {
    let s = site();
    s.build().success();
    let feed = parse(&s.read("feed.xml"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.title.unwrap().content, "测试 & 简报");
    assert_eq!(feed.entries.len(), 3);
    let first = &feed.entries[0];
    assert_eq!(first.title.as_ref().unwrap().content, "于都文章4");
    assert_eq!(
        first.links[0].href,
        "https://example.gov.cn/jb/issues/2021-4/a/"
    );
    assert!(
        first
            .content
            .as_ref()
            .unwrap()
            .body
            .as_ref()
            .unwrap()
            .contains("正文")
    );
}

#[test]
fn county_and_topic_feeds_hold_only_their_articles() {
    let s = site();
    s.build().success();
    let feed = parse(&s.read("counties/dingnan-xian/feed.xml"));
    assert_eq!(feed.entries.len(), 3);
    assert!(
        feed.entries
            .iter()
            .all(|e| e.title.as_ref().unwrap().content.starts_with("定南"))
    );
    let feed = parse(&s.read("topics/jiaoyu/feed.xml"));
    assert!(
        feed.entries
            .iter()
            .all(|e| e.title.as_ref().unwrap().content.starts_with("于都"))
    );
}

#[test]
fn feeds_stay_well_formed_whatever_the_content() {
    let s = site();
    s.file(
        "content/2021-4/c.md",
        "---\ntitle: \"A & B <C> ]]> \\x01 控制\"\ncounty: 于都县\ntopics: [教育]\n---\n正文 & <b>粗</b> ]]>\n",
    );
    s.build().success();
    let feed = parse(&s.read("feed.xml"));
    assert!(
        feed.entries
            .iter()
            .any(|e| e.title.as_ref().unwrap().content.contains("A & B <C> ]]>"))
    );
}

#[test]
fn the_sitemap_lists_every_page() {
    let s = site();
    s.build().success();
    let locs = s.sitemap_locs();
    let mut pages = Vec::new();
    for (rel, _) in s.snapshot() {
        if rel.ends_with("index.html") && rel != "search/index.html" {
            pages.push(format!(
                "https://example.gov.cn/jb/{}",
                rel.trim_end_matches("index.html")
            ));
        }
    }
    pages.sort();
    let mut locs_sorted = locs.clone();
    locs_sorted.sort();
    assert_eq!(locs_sorted, pages, "each page once, in one part");
    assert!(!locs.iter().any(|l| l.contains("404")));
    assert!(
        !locs.iter().any(|l| l.contains("/search/")),
        "the search page is not listed"
    );
}

#[test]
fn the_sitemap_is_an_index_of_a_pages_part_and_one_part_per_year_of_issues() {
    let s = site();
    s.issue("2020-9", 9, "2020-12-30")
        .article("2020-9", "old", "旧文", "于都县", &["教育"]);
    s.build().success();
    let index = s.read("sitemap.xml");
    let parts = xml_locs(&index);
    assert_eq!(
        parts,
        [
            "https://example.gov.cn/jb/sitemaps/pages.xml",
            "https://example.gov.cn/jb/sitemaps/2021.xml",
            "https://example.gov.cn/jb/sitemaps/2020.xml",
        ]
    );
    // A year's part holds its issues and their articles, each with its date; nothing else.
    let y2020 = s.read("sitemaps/2020.xml");
    assert_eq!(
        xml_locs(&y2020),
        [
            "https://example.gov.cn/jb/issues/2020-9/",
            "https://example.gov.cn/jb/issues/2020-9/old/",
        ]
    );
    assert!(y2020.contains("<lastmod>2020-12-30</lastmod>"), "{y2020}");
    // The pages part holds no issue and no article.
    let pages = xml_locs(&s.read("sitemaps/pages.xml"));
    assert!(pages.contains(&"https://example.gov.cn/jb/".to_string()));
    assert!(!pages.iter().any(|l| l.contains("/issues/20")), "{pages:?}");
    // The index dates each part by the newest thing in it.
    assert!(
        index.contains("2020.xml</loc><lastmod>2020-12-30</lastmod>"),
        "{index}"
    );

    // A new issue in 2021 leaves the 2020 part byte for byte as it was.
    s.issue("2021-99", 99, "2021-12-30")
        .article("2021-99", "new", "新文", "于都县", &["教育"]);
    s.build().success();
    assert_eq!(s.read("sitemaps/2020.xml"), y2020);
    assert!(s.read("sitemaps/2021.xml").contains("/issues/2021-99/new/"));
}

#[test]
fn robots_txt_points_to_the_sitemap() {
    let s = site();
    s.build().success();
    assert!(
        s.read("robots.txt")
            .contains("Sitemap: https://example.gov.cn/jb/sitemap.xml")
    );
}
