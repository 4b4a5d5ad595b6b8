//! Bad input: each gets a message naming the file, the line and what would be right, a non-zero
//! exit, and leaves the previous output untouched.

use crate::helpers::TestSite;

fn site() -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "counties:\n  - {name: 于都县, slug: yudu-xian}\n  - {name: 定南县, slug: dingnan-xian}\n\
         topics:\n  - {name: 教育, slug: jiaoyu}\n",
    );
    s.issue("2021-1", 1, "2021-01-04")
        .article("2021-1", "01-a", "文章", "于都县", &["教育"]);
    s
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let s = site();
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: [未闭合\ncounty: 于都县\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("invalid YAML")
        .stderr_has("content/2021-1/02-b.md:");
}

#[test]
fn a_duplicate_key_in_front_matter_is_an_error() {
    let s = site();
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 一\ntitle: 二\ncounty: 于都县\ntopics: [教育]\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("duplicate key `title`")
        .stderr_has("02-b.md:3:1");
}

#[test]
fn missing_front_matter_is_an_error() {
    let s = site();
    s.file("content/2021-1/02-b.md", "# 只有正文\n");
    s.build()
        .failure()
        .stderr_has("missing front matter")
        .stderr_has("02-b.md:1:1");
}

#[test]
fn a_missing_required_field_is_named() {
    let s = site();
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 文章\ntopics: [教育]\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("missing required field `county`")
        .stderr_has("county: 于都县");
}

#[test]
fn a_wrong_type_is_reported_at_the_value() {
    let s = site();
    s.file(
        "content/2021-1/_index.md",
        "---\nnumber: 第一期\ndate: 2021-01-04\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("`number` must be a whole number")
        .stderr_has("_index.md:2:9");
}

#[test]
fn an_impossible_date_is_an_error() {
    let s = site();
    s.file(
        "content/2021-1/_index.md",
        "---\nnumber: 1\ndate: 2021-02-30\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("not a real date: 2021-02-30")
        .stderr_has("_index.md:3:7");
}

#[test]
fn an_article_with_no_issue_is_an_error() {
    let s = site();
    s.file(
        "content/loose/a.md",
        "---\ntitle: 文章\ncounty: 于都县\ntopics: [教育]\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("article has no issue")
        .stderr_has("content/loose/a.md");
}

#[test]
fn an_article_can_name_its_issue() {
    let s = site();
    s.file(
        "content/loose/b.md",
        "---\ntitle: 外来文章\ncounty: 于都县\ntopics: [教育]\nissue: 2021-1\n---\n",
    );
    s.build().success();
    assert!(s.read("issues/2021-1/index.html").contains("外来文章"));
}

#[test]
fn an_unknown_county_suggests_the_closest_name() {
    let s = site();
    s.article("2021-1", "02-b", "文章二", "于都", &["教育"]);
    // 于都 is not an alias here, so it is unknown, and 于都县 is suggested.
    s.build()
        .failure()
        .stderr_has("unknown county `于都`")
        .stderr_has("did you mean `于都县`?")
        .stderr_has("02-b.md:3:9");
}

#[test]
fn an_unknown_topic_suggests_the_closest_name() {
    let s = site();
    s.article("2021-1", "02-b", "文章二", "于都县", &["教有"]);
    s.build()
        .failure()
        .stderr_has("unknown topic `教有`")
        .stderr_has("did you mean `教育`?");
}

#[test]
fn aliases_resolve_to_the_canonical_name() {
    let s = site();
    s.file(
        "site.yaml",
        "counties:\n  - {name: 于都县, slug: yudu-xian, aliases: [于都]}\ntopics:\n  - {name: 教育, slug: jiaoyu}\n",
    );
    s.article("2021-1", "02-b", "文章二", "于都", &["教育"]);
    s.build().success();
    assert!(
        s.main_of("counties/yudu-xian/index.html")
            .contains("文章二")
    );
}

#[test]
fn two_sources_for_one_url_are_an_error() {
    let s = site();
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 文章二\ncounty: 于都县\ntopics: [教育]\nslug: a\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("two sources would write `issues/2021-1/a/index.html`")
        .stderr_has("content/2021-1/01-a.md")
        .stderr_has("content/2021-1/02-b.md");
}

#[test]
fn a_slug_cannot_leave_the_output_folder() {
    let s = site();
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 文章二\ncounty: 于都县\ntopics: [教育]\nslug: ../../../escape\n---\n",
    );
    s.build().failure().stderr_has("is not a valid slug");
    assert!(!s.path().join("escape").exists());
    assert!(!s.path().parent().unwrap().join("escape").exists());
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let s = site();
    s.file(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ no_such_variable }}</p>\n{% endblock main %}\n",
    );
    s.build()
        .failure()
        .stderr_has("templates/404.html:3:")
        .stderr_has("no_such_variable");
}

#[test]
fn a_template_syntax_error_names_the_template_and_line() {
    let s = site();
    s.file(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}\n",
    );
    s.build()
        .failure()
        .stderr_has("template syntax error")
        .stderr_has("templates/404.html:3:");
}

#[test]
fn an_unknown_config_key_is_an_error() {
    let s = site();
    s.file("site.yaml", "title: x\npaginat: 3\n");
    s.build()
        .failure()
        .stderr_has("paginat")
        .stderr_has("site.yaml:2");
}

#[test]
fn all_problems_are_reported_together() {
    let s = site();
    s.article("2021-1", "02-b", "文章二", "余都", &["教育"]);
    s.article("2021-1", "03-c", "文章三", "于都县", &["教有"]);
    s.file("content/2021-1/04-d.md", "no front matter");
    let r = s.build();
    r.failure()
        .stderr_has("02-b.md")
        .stderr_has("03-c.md")
        .stderr_has("04-d.md")
        .stderr_has("3 errors");
}

#[test]
fn a_failing_build_leaves_the_previous_output_untouched() {
    let s = site();
    s.build().success();
    let before = s.snapshot();
    assert!(!before.is_empty());
    s.article("2021-1", "02-b", "文章二", "不存在县", &["教育"]);
    s.build().failure().stderr_has("left as it was");
    assert_eq!(before, s.snapshot());
    // And nothing is left lying next to it.
    let names: Vec<String> = std::fs::read_dir(s.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("bulletin-tmp")),
        "{names:?}"
    );
}

#[test]
fn a_non_utf8_file_is_named_with_a_way_to_convert_it() {
    let s = site();
    // 赣州 in GB18030.
    s.file(
        "content/2021-1/02-b.md",
        b"---\ntitle: \xb8\xd3\xd6\xdd\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("not UTF-8")
        .stderr_has("offset 11")
        .stderr_has("iconv -f GB18030");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let s = site();
    s.file("precious/keep.txt", "do not delete");
    s.run(&["build", "--output", "precious"])
        .failure()
        .stderr_has("refusing");
    assert!(s.path().join("precious/keep.txt").exists());
    s.run(&["build", "--output", "content"])
        .failure()
        .stderr_has("refusing");
    s.run(&["build", "--output", "."])
        .failure()
        .stderr_has("refusing");
}
