//! Hardening: odd input gets a named error (never a hang or a crash), content cannot attack
//! readers, and no build, crash or full disk can lose the user's files.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{TestSite, elements, leftovers};

fn site() -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "title: 加固测试\nbase_url: https://example.gov.cn/\n",
    );
    s.issue("2021-1", 1, "2021-01-04")
        .article("2021-1", "01-a", "正常文章", "于都县", &["教育"]);
    s
}

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ncounty: 于都县\ntopics: [教育]\n---\n{body}\n")
}

// ---- Odd input ----

#[test]
fn a_ten_megabyte_article_builds() {
    let s = site();
    let body = format!("{}\n\n", "这是一段很长的正文。".repeat(100)).repeat(3500);
    assert!(body.len() > 10_000_000);
    s.file("content/2021-1/02-big.md", article("大文章", &body));
    s.build().success();
    assert!(
        std::fs::metadata(s.path().join("output/issues/2021-1/big/index.html"))
            .unwrap()
            .len()
            > 10_000_000
    );
}

#[test]
fn a_five_thousand_row_table_builds() {
    let s = site();
    let table = format!("| 县 | 数 |\n|---|---|\n{}", "| 于都 | 1 |\n".repeat(5000));
    s.file("content/2021-1/02-table.md", article("大表格", &table));
    s.build().success();
    assert_eq!(
        s.read("issues/2021-1/table/index.html")
            .matches("<tr>")
            .count(),
        5001
    );
}

#[test]
fn markdown_nested_ten_thousand_levels_is_a_named_error() {
    for (name, body) in [
        ("quotes", "> ".repeat(10_000) + "深"),
        ("lists", "- ".repeat(10_000) + "深"),
        (
            "html",
            format!("{}深{}", "<div>".repeat(10_000), "</div>".repeat(10_000)),
        ),
    ] {
        let s = site();
        s.file("content/2021-1/02-deep.md", article("深", &body));
        let r = s.build();
        r.failure()
            .stderr_has("levels deep")
            .stderr_has("content/2021-1/02-deep.md");
        assert!(!r.stderr.contains("overflow"), "{name}: {}", r.stderr);
    }
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let s = site();
    let mut yaml = String::from(
        "title: 炸弹\ncounty: 于都县\ntopics: [教育]\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..15 {
        let p = i - 1;
        yaml.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    s.file(
        "content/2021-1/02-bomb.md",
        format!("---\n{yaml}---\n正文\n"),
    );
    let started = Instant::now();
    s.build()
        .failure()
        .stderr_has("content/2021-1/02-bomb.md")
        .stderr_has("invalid YAML");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn nul_bytes_and_empty_files_are_named() {
    let s = site();
    s.file(
        "content/2021-1/02-nul.md",
        b"---\ntitle: a\x00b\n---\n".as_slice(),
    );
    s.file("content/2021-1/03-empty.md", "");
    s.build()
        .failure()
        .stderr_has("02-nul.md")
        .stderr_has("NUL byte at offset 12")
        .stderr_has("03-empty.md")
        .stderr_has("file is empty");
}

#[test]
fn invalid_utf8_names_the_byte_offset_and_how_to_convert() {
    let s = site();
    // "于都" in GB18030, inside otherwise valid front matter.
    s.file(
        "content/2021-1/02-gbk.md",
        b"---\ntitle: \xd3\xda\xb6\xbc\ncounty: x\n---\n".as_slice(),
    );
    s.build()
        .failure()
        .stderr_has("not UTF-8")
        .stderr_has("offset 11 (line 2)")
        .stderr_has("GB18030")
        .stderr_has("iconv");
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_and_are_warned_about() {
    let s = site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        article("外部", "站点外的文件"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        s.path().join("content/2021-1/02-link.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        s.path().join("content"),
        s.path().join("content/2021-1/loop"),
    )
    .unwrap();
    let r = s.build();
    r.success()
        .stderr_has("symbolic link not followed")
        .stderr_has("02-link.md")
        .stderr_has("loop");
    assert!(!s.exists("issues/2021-1/link/index.html"));
    let all: String = s
        .snapshot()
        .into_values()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .collect();
    assert!(!all.contains("站点外的文件"));
}

#[test]
fn file_names_with_spaces_chinese_and_odd_characters_build() {
    let s = site();
    s.file(
        "content/2021-1/02 于都 学前教育.md",
        article("空格和中文", "正文"),
    );
    s.file("content/2021-1/03-a&b=(c).md", article("怪字符", "正文"));
    s.build().success();
    assert!(
        s.exists("issues/2021-1/yudu-xueqian-jiaoyu/index.html"),
        "{:?}",
        s.snapshot().keys().collect::<Vec<_>>()
    );
    assert!(s.exists("issues/2021-1/a-b-c/index.html"));
}

#[test]
fn urls_that_differ_only_in_letter_case_are_an_error() {
    let s = site();
    s.file("static/Logo.png", "a");
    s.file("static/logo.png", "b");
    s.build().failure().stderr_has("differ only in letter case");
}

// ---- Content cannot attack readers ----

#[test]
fn raw_html_is_sanitised_unless_trusted() {
    let s = site();
    let body = "<script>alert('x')</script>\n\n\
        <p><img src=\"/a.png\" onerror=\"alert(1)\"> <a href=\"javascript:alert(2)\">链接</a> <span style=\"color:red\">红</span></p>\n\n\
        <iframe src=\"https://evil.example/\"></iframe>\n\n<table><tr><td>单元格</td></tr></table>\n\n\
        Markdown 链接也不行：[点击](javascript:alert(3)) ![图](javascript:alert(4)) [数据](data:text/html,x)\n";
    s.file("content/2021-1/02-html.md", article("带HTML", body));
    s.build().success();
    let main = s.main_of("issues/2021-1/html/index.html");
    for bad in [
        "<script",
        "onerror",
        "javascript:",
        "<iframe",
        "evil.example",
    ] {
        assert!(!main.contains(bad), "{bad} survived:\n{main}");
    }
    for good in ["<table>", "单元格", "<img src=\"/a.png\"", "<span", "红"] {
        assert!(main.contains(good), "{good} removed:\n{main}");
    }
    s.file(
        "site.yaml",
        "title: 加固测试\nbase_url: https://example.gov.cn/\ntrust_html: true\n",
    );
    s.build().success();
    assert!(
        s.main_of("issues/2021-1/html/index.html")
            .contains("<iframe")
    );
}

#[test]
fn front_matter_strings_are_escaped_in_pages_and_feeds() {
    let s = site();
    s.file(
        "content/2021-1/02-x.md",
        "---\ntitle: \"</title><script>alert('t')</script> \\\"引号\\\" & 符号\"\ncounty: \"<b>县</b>\\\" onmouseover=\\\"alert(1)\"\nunit: \"<i>单位</i>\"\ntopics: [\"</style><u>专题</u>\"]\nsummary: \"<img src=x onerror=alert(1)>\"\n---\n正文\n",
    );
    s.build().success();
    let mut pages = 0;
    for (rel, bytes) in s.snapshot() {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        for (name, attrs) in elements(&html) {
            assert!(
                !["b", "i", "u", "img"].contains(&name.as_str()),
                "<{name}> injected in {rel}"
            );
            assert!(
                name != "script" || attrs.iter().any(|(k, _)| k == "src"),
                "inline <script> in {rel}"
            );
            assert!(
                attrs.iter().all(|(k, _)| !k.starts_with("on")),
                "event handler {attrs:?} in {rel}"
            );
        }
    }
    assert!(pages > 5);
    let page = s.read("issues/2021-1/x/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(&#39;t&#39;)"),
        "the title is shown as text: {page}"
    );
    let feed =
        feed_rs::parser::parse(s.read("feed.xml").as_bytes()).expect("feed stays well-formed");
    assert!(feed.entries.iter().any(|e| {
        e.title
            .as_ref()
            .unwrap()
            .content
            .contains("</title><script>alert('t')</script>")
    }));
}

// ---- Never lose a user's files ----

#[test]
fn refuses_outputs_that_would_destroy_user_files() {
    let s = site();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("notes.txt"), "mine").unwrap();
    let run = |output: &str, home: &std::path::Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["build", "--output", output])
            .current_dir(s.path())
            .env("HOME", home)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    s.file("themes/mine/templates/keep.html", "x");
    for output in [".", "content", "themes", "themes/mine", "..", "/"] {
        let (ok, err) = run(output, home.path());
        assert!(!ok && err.contains("refusing"), "{output}: {err}");
    }
    let (ok, err) = run(home.path().to_str().unwrap(), home.path());
    assert!(!ok && err.contains("home folder"), "{err}");
    assert!(home.path().join("notes.txt").exists());
    assert!(s.path().join("themes/mine/templates/keep.html").exists());
    assert!(s.path().join("content/2021-1/01-a.md").exists());
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_written_fails_the_build_and_keeps_the_old_output() {
    let s = site();
    s.build().success();
    let before = s.snapshot();
    // Limit the size of any file the build writes (RLIMIT_FSIZE): the big page cannot be written,
    // as on a full disk. SIGXFSZ is ignored so the write returns an error instead of killing us.
    s.file(
        "content/2021-1/02-big.md",
        article("大文章", &"很长的正文。".repeat(40_000)),
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 200; exec '{}' build",
            env!("CARGO_BIN_EXE_bulletin")
        ))
        .current_dir(s.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("issues/2021-1/big/index.html") || err.contains("issues/2021-1/index.html"),
        "{err}"
    );
    assert!(err.to_lowercase().contains("file too large"), "{err}");
    assert_eq!(before, s.snapshot(), "the previous output is intact");
    let left = leftovers(s.path());
    assert!(left.is_empty(), "{left:?}");
}

/// A corpus big enough that a build takes a while: `n` articles in issues of five.
fn corpus(s: &TestSite, n: usize, variant: &str) {
    let para = "赣州市坚持以人民为中心的发展思想，持续推进各项工作，取得明显成效。".repeat(12);
    for i in 0..n {
        let issue = format!("2021-{:03}", i / 5 + 1);
        if i % 5 == 0 {
            s.issue(
                &issue,
                (i / 5 + 1) as i64,
                &format!("2021-{:02}-{:02}", (i / 5) % 12 + 1, (i / 5) % 28 + 1),
            );
        }
        let county = ["于都县", "定南县", "会昌县", "瑞金市"][i % 4];
        s.file(
            &format!("content/{issue}/{:02}-a{i}.md", i % 5 + 1),
            format!(
                "---\ntitle: 第{i}篇文章{variant}\ncounty: {county}\ntopics: [教育]\n---\n{para}\n\n**一、措施**。{para}\n\n**二、成效**。{para}\n"
            ),
        );
    }
}

#[cfg(unix)]
#[test]
fn killed_at_any_moment_the_output_is_the_old_or_the_new_build() {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        "title: 中断测试\nbase_url: https://example.gov.cn/\n",
    );
    corpus(&s, 1000, "甲");
    s.build().success();
    let mut versions: Vec<BTreeMap<String, Vec<u8>>> = vec![s.snapshot()];
    // How long a build takes here, to spread the kills over it.
    corpus(&s, 1000, "乙");
    let started = Instant::now();
    s.build().success();
    let full = started.elapsed();
    versions.push(s.snapshot());
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let trials = 50;
    let mut killed_mid_build = 0;
    for trial in 0..trials {
        // Alternate the content so every build changes every page.
        let variant = if trial % 2 == 0 { "甲" } else { "乙" };
        corpus(&s, 1000, variant);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % (full.as_micros() as u64 + 1));
        let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("build")
            .current_dir(s.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed_mid_build += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = s.snapshot();
        assert!(
            versions.contains(&now),
            "trial {trial}: after a kill at {delay:?} the output is neither the old nor the new build"
        );
    }
    assert!(
        killed_mid_build >= trials / 2,
        "only {killed_mid_build} kills landed during a build"
    );
    // The next build cleans up whatever the killed ones left.
    s.build().success();
    let left = leftovers(s.path());
    assert!(left.is_empty(), "{left:?}");
}
