//! What must never go online (docs/review.md): a 密级 refused with nothing written, 内部资料 only
//! with the file's own `public: 主动公开`, what is not 主动公开 left out and linked from nowhere,
//! personal data and wrong expressions as warnings (errors with `--strict`), the freshness warning
//! of `check`, and the masthead's marks written by `bulletin import`.

use crate::helpers::{TestSite, snapshot};

/// A site of one published issue with one article, built once.
fn built_site() -> TestSite {
    let s = TestSite::new();
    s.file("site.yaml", "base_url: https://example.gov.cn/jianbao/\n")
        .issue("2021-125", 125, "2021-07-29")
        .article(
            "2021-125",
            "01-yudu",
            "于都县推进学前教育",
            "于都县",
            &["教育"],
        );
    s.build().success();
    s
}

/// Every output file whose bytes contain `needle`.
fn files_containing(s: &TestSite, needle: &str) -> Vec<String> {
    snapshot(&s.path().join("output"))
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn a_classified_article_is_refused_with_its_line_and_the_previous_output_is_untouched() {
    let s = built_site();
    let before = s.snapshot();
    s.file(
        "content/2021-125/02-mimi.md",
        "---\ntitle: 某项工作情况\ncounty: 于都县\ntopics: [教育]\nclassification: 秘密★1年\n---\n正文。\n",
    );
    s.build()
        .failure()
        .stderr_has("classified 秘密")
        .stderr_has("content/2021-125/02-mimi.md:5")
        .stderr_has("must never be published");
    assert_eq!(s.snapshot(), before, "a refused build changed the output");
    s.run(&["check"])
        .failure()
        .stderr_has("content/2021-125/02-mimi.md:5");
    // A draft is refused all the same: a classified file has no place in content/.
    s.file(
        "content/2021-125/02-mimi.md",
        "---\ntitle: 某项工作情况\ncounty: 于都县\ntopics: [教育]\ndraft: true\nclassification: 机密\n---\n正文。\n",
    );
    s.build().failure().stderr_has("classified 机密");
    assert_eq!(s.snapshot(), before);
    // A whole issue marked so.
    s.remove("content/2021-125/02-mimi.md");
    s.file(
        "content/2021-125/_index.md",
        "---\nnumber: 125\ndate: 2021-07-29\nclassification: 绝密★长期\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("content/2021-125/_index.md:4");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn internal_material_is_published_only_with_public_active_in_the_same_file() {
    let s = built_site();
    let before = s.snapshot();
    s.file(
        "content/2021-125/_index.md",
        "---\nnumber: 125\ndate: 2021-07-29\nclassification: 内部资料 注意保存\n---\n",
    );
    s.build()
        .failure()
        .stderr_has("marked 内部资料")
        .stderr_has("content/2021-125/_index.md:4")
        .stderr_has("public: 主动公开");
    assert_eq!(s.snapshot(), before);
    // The decision in an article does not count for the issue.
    s.file(
        "content/2021-125/01-yudu.md",
        "---\ntitle: 于都县推进学前教育\ncounty: 于都县\ntopics: [教育]\npublic: 主动公开\n---\n正文。\n",
    );
    s.build().failure().stderr_has("marked 内部资料");
    // Recorded in the issue's own file, it is published.
    s.file(
        "content/2021-125/_index.md",
        "---\nnumber: 125\ndate: 2021-07-29\nclassification: 内部资料\npublic: 主动公开  # 2021-07-30 办公室审定\n---\n",
    );
    s.build().success();
    assert!(
        s.read("issues/2021-125/index.html")
            .contains("于都县推进学前教育")
    );
    // Or kept in the archive and off the site.
    s.file(
        "content/2021-125/_index.md",
        "---\nnumber: 125\ndate: 2021-07-29\nclassification: 内部资料\npublic: 不予公开\n---\n",
    );
    s.build()
        .success()
        .stderr_has("left out of the site: issue 125");
    assert!(!s.exists("issues/2021-125/index.html"));
}

#[test]
fn a_misspelt_mark_names_the_closest_valid_value() {
    let s = built_site();
    s.file(
        "content/2021-125/01-yudu.md",
        "---\ntitle: 于都县推进学前教育\ncounty: 于都县\ntopics: [教育]\npublic: 主动公\nclassification: 内部资科\n---\n正文。\n",
    );
    s.build()
        .failure()
        .stderr_has("did you mean `主动公开`?")
        .stderr_has("content/2021-125/01-yudu.md:5")
        .stderr_has("did you mean `内部资料`?")
        .stderr_has("content/2021-125/01-yudu.md:6");
}

#[test]
fn what_is_not_public_is_left_out_and_linked_from_nowhere() {
    let s = TestSite::new();
    s.file("site.yaml", "base_url: https://example.gov.cn/jianbao/\n")
        .issue("2021-125", 125, "2021-07-29")
        .article("2021-125", "01-yudu", "于都县推进学前教育", "于都县", &["教育"])
        .file(
            "content/2021-125/02-xinfang.md",
            "---\ntitle: 信访人诉求办理情况\ncounty: 保密县\ntopics: [信访维稳]\npublic: 依申请公开\n---\n信访情况。[名单](xinfang-mingdan.pdf)\n",
        )
        .file("content/2021-125/xinfang-mingdan.pdf", "%PDF-1.4 名单")
        .file(
            "content/2021-126/_index.md",
            "---\nnumber: 126\ndate: 2021-08-12\npublic: 不予公开\n---\n",
        )
        .file(
            "content/2021-126/01-neibu.md",
            "---\ntitle: 内部工作安排的情况\ncounty: 于都县\ntopics: [教育]\npublic: 主动公开\n---\n[附件](fujian-neibu.pdf)\n",
        )
        .file("content/2021-126/fujian-neibu.pdf", "%PDF-1.4 附件");
    let r = s.build();
    r.success()
        .stderr_has("left out of the site: article `信访人诉求办理情况` is 依申请公开")
        .stderr_has("content/2021-125/02-xinfang.md:5")
        .stderr_has("left out of the site: issue 126 (2021-126) is 不予公开, with its 1 article")
        .stderr_has("content/2021-126/_index.md:4");
    assert!(
        s.read("issues/2021-125/index.html")
            .contains("于都县推进学前教育")
    );
    for gone in [
        "issues/2021-126",
        "issues/2021-125/xinfang",
        "issues/2021-125/xinfang-mingdan.pdf",
        "counties/baomi-xian",
        "topics/xinfang-weiwen",
    ] {
        assert!(!s.exists(gone), "{gone} was published");
    }
    // Nothing links to it or shows it: pages, lists, feeds, sitemap, search index, statistics.
    for needle in [
        "信访人诉求办理情况",
        "内部工作安排的情况",
        "2021-126",
        "xinfang",
        "保密县",
        "信访维稳",
        "fujian-neibu",
    ] {
        assert_eq!(
            files_containing(&s, needle),
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // The same with `check`, which writes nothing.
    s.run(&["check"])
        .success()
        .stderr_has("left out of the site: issue 126");
}

#[test]
fn site_yaml_can_make_every_issue_opt_in() {
    let s = TestSite::new();
    s.file("site.yaml", "review:\n  public: 依申请公开\n")
        .file(
            "content/2021-125/_index.md",
            "---\nnumber: 125\ndate: 2021-07-29\npublic: 主动公开\n---\n",
        )
        .article("2021-125", "01-a", "已审定一期的文章", "于都县", &["教育"])
        .file(
            "content/2021-125/02-b.md",
            "---\ntitle: 另行决定的文章\ncounty: 于都县\ntopics: [教育]\npublic: 依申请公开\n---\n正文。\n",
        )
        .issue("2021-126", 126, "2021-08-12")
        .article("2021-126", "01-c", "未审定一期的文章", "于都县", &["教育"]);
    s.build()
        .success()
        .stderr_has("issue 126 (2021-126) is 依申请公开, with its 1 article (`review.public: 依申请公开` in site.yaml)")
        .stderr_has("`另行决定的文章` is 依申请公开 (`public: 依申请公开` at content/2021-125/02-b.md:5)");
    let issue = s.read("issues/2021-125/index.html");
    assert!(issue.contains("已审定一期的文章"));
    assert!(!issue.contains("另行决定的文章"));
    assert!(!s.exists("issues/2021-126"));
}

#[test]
fn personal_data_is_a_warning_with_a_masked_excerpt_and_an_error_under_strict() {
    let s = built_site();
    s.file(
        "content/2021-125/02-jiuzhu.md",
        "---\ntitle: 困难群众救助情况\ncounty: 于都县\ntopics: [民生]\n---\n\n低保户李某（身份证号11010519491231002X，手机139 0797 1234）已纳入救助。\n\n卡号 6222 0212 3456 7890 128。\n",
    );
    let r = s.build();
    r.success()
        .stderr_has("personal data: a 居民身份证号")
        .stderr_has("personal data: a mobile phone number `139 **** 1234`")
        .stderr_has("personal data: a bank card number")
        .stderr_has("content/2021-125/02-jiuzhu.md:7")
        .stderr_has("content/2021-125/02-jiuzhu.md:9")
        .stderr_has("110***********002X");
    for full in [
        "11010519491231002X",
        "0797 1234",
        "6222 0212 3456 7890 128",
        "0212",
    ] {
        assert!(
            !r.stderr.contains(full),
            "the message shows {full}:\n{}",
            r.stderr
        );
    }
    // --strict: errors, and the output stays as it was.
    let before = s.snapshot();
    s.run(&["check", "--strict"])
        .failure()
        .stderr_has("error: personal data: a 居民身份证号");
    s.run(&["build", "--strict"]).failure();
    assert_eq!(s.snapshot(), before);
    // A number meant to be public is allowed; the others still count.
    s.file(
        "site.yaml",
        "base_url: https://example.gov.cn/jianbao/\nreview:\n  public_numbers: [139-0797-1234]\n",
    );
    let r = s.run(&["check", "--strict"]);
    r.failure().stderr_has("a 居民身份证号");
    assert!(!r.stderr.contains("mobile"), "{}", r.stderr);
    s.file(
        "content/2021-125/02-jiuzhu.md",
        "---\ntitle: 困难群众救助情况\ncounty: 于都县\ntopics: [民生]\n---\n\n咨询热线 13907971234，电话 0797-8992528。\n",
    );
    s.run(&["check", "--strict"]).success();
    // What is not published is not reported: a 不予公开 file may hold the very data that keeps
    // it off the site.
    s.file(
        "content/2021-125/03-mingdan.md",
        "---\ntitle: 救助对象名单\ncounty: 于都县\ntopics: [民生]\npublic: 不予公开\n---\n\n李某，11010519491231002X。\n",
    );
    let r = s.run(&["check", "--strict"]);
    r.success()
        .stderr_has("left out of the site: article `救助对象名单`");
    assert!(!r.stderr.contains("personal data"), "{}", r.stderr);
}

#[test]
fn wrong_forms_are_reported_with_the_right_form_and_fail_under_strict() {
    let s = built_site();
    s.file(
        "content/2021-125/02-fazhi.md",
        "---\ntitle: 学习宣传中华人民共合国宪法\ncounty: 于都县\ntopics: [法治]\n---\n\n县人民攻府组织学习。\n",
    );
    s.build()
        .success()
        .stderr_has("严重表述错误: `中华人民共合国` should be `中华人民共和国` (国名)")
        .stderr_has("content/2021-125/02-fazhi.md:2")
        .stderr_has("严重表述错误: `攻府` should be `政府`")
        .stderr_has("content/2021-125/02-fazhi.md:7");
    s.run(&["check", "--strict"])
        .failure()
        .stderr_has("error: 严重表述错误");
    // The site's own list.
    s.file(
        "content/2021-125/02-fazhi.md",
        "---\ntitle: 学习宣传宪法\ncounty: 于都县\ntopics: [法治]\n---\n\n于都县委、于都组织学习。\n",
    );
    s.run(&["check", "--strict"]).success();
    s.file(
        "site.yaml",
        "base_url: https://example.gov.cn/jianbao/\nreview:\n  wrong_forms:\n    - 于都 → 于都县\n",
    );
    let r = s.run(&["check", "--strict"]);
    r.failure()
        .stderr_has("`于都` should be `于都县`")
        .stderr_has("content/2021-125/02-fazhi.md:7");
    // `于都县` itself, in the title and the body, is not reported: one finding only.
    assert_eq!(r.stderr.matches("严重表述错误").count(), 1, "{}", r.stderr);
}

#[test]
fn check_warns_when_the_newest_issue_is_older_than_two_weeks() {
    let s = built_site();
    // 2021-07-29 + 15 days, and + 14.
    let day = |d: i64| (chrono_days("2021-07-29") + d) * 86_400;
    let late = day(15).to_string();
    s.run_with_env(&["check", "--strict"], &[("SOURCE_DATE_EPOCH", &late)])
        .success()
        .stderr_has("the newest issue is dated 2021-07-29 (15 days ago, on 2021-08-13)");
    let on_time = day(14).to_string();
    let r = s.run_with_env(&["check"], &[("SOURCE_DATE_EPOCH", &on_time)]);
    assert!(!r.stderr.contains("newest issue"), "{}", r.stderr);
    // build does not warn; a longer limit, or 0, quiets check.
    let r = s.run_with_env(&["build"], &[("SOURCE_DATE_EPOCH", &late)]);
    assert!(!r.stderr.contains("newest issue"), "{}", r.stderr);
    s.file("site.yaml", "review:\n  stale_after_days: 30\n");
    let r = s.run_with_env(&["check"], &[("SOURCE_DATE_EPOCH", &late)]);
    assert!(!r.stderr.contains("newest issue"), "{}", r.stderr);
}

/// Days from 1970-01-01 to a YYYY-MM-DD date.
fn chrono_days(iso: &str) -> i64 {
    let (y, rest) = iso.split_at(4);
    let (m, d) = (&rest[1..3], &rest[4..6]);
    let (y, m, d): (i64, i64, i64) = (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const MARKED: &str = "秘密★1年                          No.000123\n内部资料 注意保存\n赣州市“五型”政府建设工作简报\n第 126 期\n市“五型”政府建设领导小组办公室        2021 年 8 月 12 日\n\n于都县推进学前教育\n\n于都县积极推进学前教育。\n\n报：市委、市政府领导\n送：各县（市、区）人民政府\n共印 120 份\n";

#[test]
fn import_writes_the_masthead_marks_so_a_marked_issue_is_refused() {
    let s = TestSite::new();
    s.file("incoming/126.txt", MARKED);
    s.run(&["import", "incoming/126.txt"])
        .success()
        .stderr_has("a 密级");
    let index = std::fs::read_to_string(s.path().join("content/2021-126/_index.md")).unwrap();
    for line in [
        "classification: 秘密★1年",
        "copy_number: No.000123",
        "series: 赣州市“五型”政府建设工作简报",
        "report_to: 市委、市政府领导",
        "print_run: 120",
    ] {
        assert!(index.contains(line), "_index.md lacks {line}:\n{index}");
    }
    s.build()
        .failure()
        .stderr_has("classified 秘密")
        .stderr_has("content/2021-126/_index.md");

    // 内部资料 alone: refused until the decision is recorded, then published without the
    // distribution lines.
    let s = TestSite::new();
    s.file(
        "incoming/126.txt",
        MARKED.replace("秘密★1年                          ", ""),
    );
    s.run(&["import", "incoming/126.txt"])
        .success()
        .stderr_has("marked 内部资料");
    let path = s.path().join("content/2021-126/_index.md");
    let index = std::fs::read_to_string(&path).unwrap();
    assert!(index.contains("classification: 内部资料\n"), "{index}");
    assert!(index.contains("copy_number: No.000123"), "{index}");
    s.build().failure().stderr_has("marked 内部资料");
    std::fs::write(
        &path,
        index.replace(
            "classification: 内部资料\n",
            "classification: 内部资料\npublic: 主动公开\n",
        ),
    )
    .unwrap();
    s.build().success();
    let page = s.read("issues/2021-126/index.html");
    assert!(page.contains("于都县积极推进学前教育"));
    for hidden in [
        "市委、市政府领导",
        "各县（市、区）人民政府",
        "No.000123",
        "共印",
    ] {
        assert!(!page.contains(hidden), "the issue page shows {hidden}");
    }
}
