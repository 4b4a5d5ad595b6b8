//! The 工作台 tells clerks the site's problems in Chinese (the command line keeps the English):
//! the mistakes a clerk makes, as the 检查 API reports them.

use super::desk::{DESK, request, site};
use crate::webdriver::Server;

/// Whether `text` holds an English phrase: two words of Latin letters with a space between,
/// outside `code spans` (the names of fields and files, the same in both languages).
fn has_english_phrase(text: &str) -> bool {
    let outside_code: String = text.split('`').step_by(2).collect::<Vec<_>>().join("·");
    let words: Vec<&str> = outside_code.split(' ').collect();
    let is_word = |w: &str| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic());
    words.windows(2).any(|pair| {
        // The end of the one and the start of the other, around the space.
        let before: String = pair[0]
            .chars()
            .rev()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        let after: String = pair[1]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        is_word(&before) && is_word(&after)
    })
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn the_checker_of_english_phrases_tells_a_sentence_from_names() {
    assert!(has_english_phrase("unknown county `火星县`"));
    assert!(has_english_phrase("文件 is empty"));
    assert!(!has_english_phrase("县区 `火星县` 不在词表中"));
    assert!(!has_english_phrase(
        "缺少必填项 `site.yaml` 的 `review.public`：YAML 格式"
    ));
    assert!(!has_english_phrase(
        "`topics`（专题）是空的：`extra.toipcs`"
    ));
}

#[test]
fn the_desks_check_tells_a_clerks_mistakes_in_chinese_and_keeps_the_english() {
    let s = site();
    // An unknown county, topics left empty, a day that does not exist, and a YAML slip.
    s.article("2021-001", "02-county", "第二篇", "火星县", &["教育"]);
    s.article("2021-001", "03-topics", "第三篇", "于都县", &[]);
    s.issue("2021-002", 2, "2021-02-30").article(
        "2021-002",
        "01-a",
        "第二期第一篇",
        "于都县",
        &["教育"],
    );
    s.file(
        "content/2021-001/04-yaml.md",
        "---\ntitle: [没有收尾的方括号\ncounty: 于都县\ntopics: [教育]\n---\n正文。\n",
    );
    let server = Server::start(s.path(), &[]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let (status, body) = request(
        port,
        "GET",
        &format!("{DESK}api/check"),
        &[("Host", &host)],
        b"",
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["ok"], false, "{v:#}");
    let problems: Vec<&serde_json::Value> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["problems"].as_array().unwrap())
        .collect();
    let text = |p: &serde_json::Value, k: &str| p[k].as_str().unwrap_or_default().to_string();
    for p in &problems {
        let (message, en) = (text(p, "message"), text(p, "message_en"));
        assert!(has_chinese(&message), "not in Chinese: {p:#}");
        // A YAML error frames the parser's own words: only the frame is ours to translate.
        let ours = message.split("YAML 格式有误：").next().unwrap();
        assert!(!has_english_phrase(ours), "English in the message: {p:#}");
        assert!(!en.is_empty() && en != message, "no English kept: {p:#}");
        if !text(p, "help").is_empty() {
            assert!(has_chinese(&text(p, "help")), "help not in Chinese: {p:#}");
            assert!(!text(p, "help_en").is_empty(), "{p:#}");
        }
    }
    let find = |en: &str| {
        problems
            .iter()
            .find(|p| text(p, "message_en").starts_with(en))
            .unwrap_or_else(|| panic!("no problem `{en}…` in {v:#}"))
    };
    let county = find("unknown county `火星县`");
    assert_eq!(text(county, "message"), "县区 `火星县` 不在词表中");
    assert_eq!(text(county, "file"), "content/2021-001/02-county.md");
    let topics = find("`topics` is empty");
    assert!(text(topics, "message").contains("专题"), "{topics:#}");
    assert!(
        text(topics, "help").contains("topics: [就业创业]"),
        "{topics:#}"
    );
    let date = find("`date` is not a real date: 2021-02-30");
    assert_eq!(
        text(date, "message"),
        "`date` 不是日历上有的日期：2021-02-30"
    );
    let yaml = find("invalid YAML: ");
    assert!(
        text(yaml, "message").starts_with("YAML 格式有误："),
        "{yaml:#}"
    );
    assert_eq!(text(yaml, "file"), "content/2021-001/04-yaml.md");
}
