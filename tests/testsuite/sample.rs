//! The repository's sample: issue 125 of the Ganzhou bulletin, from the seed text.

use crate::helpers::{TestSite, repo};

/// Characters that carry text: everything but whitespace and Markdown's bold markers.
fn letters(s: &str) -> String {
    s.replace("**", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn every_sentence_of_the_seed_is_in_the_sample_in_order() {
    let seed = std::fs::read_to_string(repo().join("seeds/ganzhou-wuxing-2021-125.txt")).unwrap();
    // The articles run from the first title to the footer's editor line.
    let start = seed.find("市人社局多措并举").unwrap();
    let end = seed.find("市“五型”政府建设领导小组办公室编").unwrap();
    let expected = letters(&seed[start..end]);

    let mut files: Vec<_> = std::fs::read_dir(repo().join("content/2021-125"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "_index.md")
        .collect();
    files.sort();
    let mut got = String::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("title: "))
            .unwrap();
        let body = text.splitn(3, "---\n").nth(2).unwrap();
        got.push_str(&letters(title));
        got.push_str(&letters(body));
    }
    assert_eq!(got, expected);
}

#[test]
fn page_breaks_of_the_seed_are_mended() {
    let content =
        |f: &str| std::fs::read_to_string(repo().join("content/2021-125").join(f)).unwrap();
    assert!(content("01-renshe-jiuye.md").contains("累计接送劳动力"));
    assert!(content("01-renshe-jiuye.md").contains("(实体)"));
    assert!(content("02-zhujian-dianti.md").contains("大力宣传政策"));
}

#[test]
fn the_sample_builds_with_counties_from_the_vocabulary() {
    let s = TestSite::sample();
    s.build().success();
    let counties = s.main_of("counties/index.html");
    for (name, slug) in [
        ("赣州市", "ganzhou-shi"),
        ("赣州经开区", "ganzhou-jingkaiqu"),
        ("于都县", "yudu-xian"),
        ("定南县", "dingnan-xian"),
    ] {
        assert!(counties.contains(name), "{name}");
        assert!(s.exists(&format!("counties/{slug}/index.html")), "{slug}");
    }
    let city = s.main_of("counties/ganzhou-shi/index.html");
    assert!(city.contains("市人社局多措并举促进农民工就业创业"));
    assert!(city.contains("加装电梯"));
    assert!(!city.contains("于都县积极探索"));
    let issue = s.main_of("issues/2021-125/index.html");
    assert!(issue.contains("第125期") && issue.contains("2021年7月29日"));
    assert!(issue.contains("电话：8992528") && issue.contains("gzswxzfb@163.com"));
}
