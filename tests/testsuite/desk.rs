//! The 工作台 (`/.bulletin/desk/` of `bulletin serve`): its guard over raw HTTP, and import,
//! replace, cancel and publish driven in a real Chromium through the page itself.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::helpers::{TestSite, http_get, repo, snapshot};
use crate::webdriver::{Browser, Server};

pub(super) const DESK: &str = "/.bulletin/desk/";

fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap()
}

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The repository's site.yaml (its counties and topics) and one issue, so the preview has pages.
pub(super) fn site() -> TestSite {
    let s = TestSite::new();
    std::fs::copy(repo().join("site.yaml"), s.path().join("site.yaml")).unwrap();
    s.issue("2021-001", 1, "2021-01-04")
        .article("2021-001", "01-a", "第一篇", "于都县", &["教育"]);
    s
}

/// [`site`] with a folder as its upload target `本机` (site.yaml `deploy:`); the folder.
fn site_with_upload_target() -> (TestSite, tempfile::TempDir) {
    let s = site();
    let www = tempfile::tempdir().unwrap();
    let yaml = read(s.path(), "site.yaml");
    s.file(
        "site.yaml",
        format!(
            "{yaml}\ndeploy:\n  - name: 本机\n    url: file://{}\n",
            www.path().display()
        ),
    );
    (s, www)
}

/// One HTTP/1.1 request with exactly these headers: status and body.
pub(super) fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// This run's token, read from the 工作台's page as the browser reads it.
fn token(port: u16) -> String {
    let host = format!("127.0.0.1:{port}");
    let (status, page) = request(port, "GET", DESK, &[("Host", &host)], b"");
    assert_eq!(status, 200, "{page}");
    let start = page
        .find("name=\"bulletin-token\" content=\"")
        .expect("token in page")
        + 31;
    page[start..start + 32].to_string()
}

/// Everything a write could touch: site.yaml, content/, and the staging area.
fn state_of(site: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(site)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("output") && !k.starts_with(".bulletin/cache"))
        .collect()
}

fn upload(port: u16, headers: &[(&str, &str)]) -> (u16, String) {
    let docx = std::fs::read(fixture("jianbao.docx")).unwrap();
    request(port, "POST", &format!("{DESK}api/upload"), headers, &docx)
}

#[test]
fn writes_from_another_site_another_host_or_without_this_runs_token_are_refused_and_change_nothing()
{
    let s = site();
    let server = Server::start(s.path(), &[]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let origin = format!("http://127.0.0.1:{port}");
    let old = token(port);
    drop(server);
    let server = Server::start_on(s.path(), port, &[]);
    assert_eq!(server.port, port);
    let tok = token(port);
    assert_ne!(tok, old, "each run has its own token");
    let before = state_of(s.path());
    let name = ("X-Bulletin-Filename", "jianbao.docx");
    let evil_port = format!("evil.example:{port}");
    let refused: &[(&str, Vec<(&str, &str)>)] = &[
        (
            "a foreign Origin",
            vec![
                ("Host", &host),
                ("Origin", "http://evil.example"),
                ("X-Bulletin-Token", &tok),
                name,
            ],
        ),
        (
            "a foreign Host (DNS rebinding)",
            vec![
                ("Host", "evil.example"),
                ("Origin", "http://evil.example"),
                ("X-Bulletin-Token", &tok),
                name,
            ],
        ),
        (
            "a foreign Host with our port",
            vec![
                ("Host", &evil_port),
                ("Origin", &origin),
                ("X-Bulletin-Token", &tok),
                name,
            ],
        ),
        ("no token", vec![("Host", &host), ("Origin", &origin), name]),
        (
            "an old token",
            vec![
                ("Host", &host),
                ("Origin", &origin),
                ("X-Bulletin-Token", &old),
                name,
            ],
        ),
    ];
    for (what, headers) in refused {
        let (status, body) = upload(port, headers);
        assert_eq!(status, 403, "{what}: {body}");
        assert!(body.contains("没有写入任何内容"), "{what}: {body}");
        for (action, json) in [
            ("vocabulary", "{\"kind\":\"counties\",\"name\":\"新县\"}"),
            ("publish", ""),
        ] {
            let (status, body) = request(
                port,
                "POST",
                &format!("{DESK}api/{action}"),
                headers,
                json.as_bytes(),
            );
            assert_eq!(status, 403, "{what}, {action}: {body}");
        }
    }
    // The page that holds the token is not served under a foreign name either.
    let (status, page) = request(port, "GET", DESK, &[("Host", "evil.example")], b"");
    assert_eq!(status, 403);
    assert!(!page.contains(&tok));
    assert_eq!(
        state_of(s.path()),
        before,
        "a refused request changed files"
    );
    assert!(
        !s.path().join("output").exists(),
        "a refused publish built the site"
    );

    // The same upload from the 工作台's own origin with this run's token is staged (and nothing
    // in content/ changes), then cancelled without a trace.
    let good = [
        ("Host", host.as_str()),
        ("Origin", origin.as_str()),
        ("X-Bulletin-Token", tok.as_str()),
        name,
    ];
    let (status, body) = upload(port, &good);
    assert_eq!(status, 200, "{body}");
    let plan: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = plan["staged"]["id"].as_str().unwrap().to_string();
    assert_eq!(plan["staged"]["dir"], "2021-125");
    assert!(!s.path().join("content/2021-125").exists());
    let (status, body) = request(
        port,
        "POST",
        &format!("{DESK}api/staged/{id}/cancel"),
        &good,
        b"",
    );
    assert_eq!(status, 200, "{body}");
    let after: BTreeMap<_, _> = state_of(s.path());
    assert_eq!(after, before, "cancel left something behind");
}

#[test]
fn an_oversize_or_foreign_upload_is_refused_with_a_message() {
    let s = site();
    let server = Server::start(s.path(), &[]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let origin = format!("http://127.0.0.1:{port}");
    let tok = token(port);
    let before = state_of(s.path());
    let base = [
        ("Host", host.as_str()),
        ("Origin", origin.as_str()),
        ("X-Bulletin-Token", tok.as_str()),
    ];
    // Declared too large: refused before a byte of the body is read.
    let mut headers = base.to_vec();
    headers.push(("X-Bulletin-Filename", "%E5%A4%A7.pdf"));
    headers.push(("Content-Length", "68157440"));
    let (status, body) = request(port, "POST", &format!("{DESK}api/upload"), &headers, b"");
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("“大.pdf”太大：每个文件最多 64 MB"), "{body}");
    // Sent too large without saying so (chunked): cut off at the limit.
    let mut headers = base.to_vec();
    headers.push(("X-Bulletin-Filename", "big.txt"));
    headers.push(("Transfer-Encoding", "chunked"));
    headers.push(("Content-Length", "x"));
    let chunk = vec![b'a'; 1 << 20];
    let mut chunked = Vec::new();
    for _ in 0..70 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let headers: Vec<_> = headers
        .into_iter()
        .filter(|(k, _)| *k != "Content-Length")
        .collect();
    let (status, body) = request_chunked(port, &headers, &chunked);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("太大"), "{body}");
    // Not a bulletin's format; and a browser's file name never becomes a path.
    let mut headers = base.to_vec();
    headers.push(("X-Bulletin-Filename", "setup.exe"));
    let (status, body) = request(port, "POST", &format!("{DESK}api/upload"), &headers, b"MZ");
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("只能导入"), "{body}");
    let mut headers = base.to_vec();
    headers.push(("X-Bulletin-Filename", "..%2F..%2Fcontent%2Fevil.txt"));
    let (status, body) = request(
        port,
        "POST",
        &format!("{DESK}api/upload"),
        &headers,
        b"not a bulletin",
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("暂存区里没有留下任何东西"), "{body}");
    assert_eq!(state_of(s.path()), before);
}

/// `request` with the body sent as it is (already chunked), no Content-Length added.
fn request_chunked(port: u16, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut h = headers.to_vec();
    h.push(("Content-Length", ""));
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("POST {DESK}api/upload HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn bound_beyond_loopback_the_desk_has_no_writes_and_says_why() {
    let s = site();
    let server = Server::start(s.path(), &["--bind", "0.0.0.0"]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let (status, body) = request(
        port,
        "GET",
        &format!("{DESK}api/state"),
        &[("Host", &host)],
        b"",
    );
    assert_eq!(status, 200);
    let state: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(state["writes"], false);
    assert!(
        state["reason"]
            .as_str()
            .unwrap()
            .contains("--bind 127.0.0.1"),
        "{body}"
    );
    let (_, page) = request(port, "GET", DESK, &[("Host", &host)], b"");
    assert!(
        page.contains("name=\"bulletin-token\" content=\"\""),
        "no token in a read-only page"
    );
    let before = state_of(s.path());
    let (status, body) = upload(
        port,
        &[
            ("Host", &host),
            ("Origin", &format!("http://{host}")),
            ("X-Bulletin-Filename", "a.docx"),
        ],
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--bind 127.0.0.1"), "{body}");
    assert_eq!(state_of(s.path()), before);
}

#[test]
fn a_new_name_goes_into_site_yaml_keeping_its_comments_and_order() {
    let s = site();
    let server = Server::start(s.path(), &[]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let origin = format!("http://{host}");
    let tok = token(port);
    let good = [
        ("Host", host.as_str()),
        ("Origin", origin.as_str()),
        ("X-Bulletin-Token", tok.as_str()),
    ];
    let before = read(s.path(), "site.yaml");
    let (status, body) = request(
        port,
        "POST",
        &format!("{DESK}api/vocabulary"),
        &good,
        "{\"kind\":\"topics\",\"name\":\"生态环保\"}".as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    let after = read(s.path(), "site.yaml");
    let line =
        "  - { name: 营商环境, slug: yingshang-huanjing, keywords: [营商环境, 审批, 政务服务] }\n";
    assert_eq!(
        after,
        // In the list's own form (import::site_yaml, as `bulletin import` adds a name).
        before.replace(line, &format!("{line}  - {{ name: 生态环保 }}\n"))
    );
    let state: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        state["topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "生态环保")
    );
    let (status, body) = request(
        port,
        "POST",
        &format!("{DESK}api/vocabulary"),
        &good,
        "{\"kind\":\"topics\",\"name\":\"教育\"}".as_bytes(),
    );
    assert_eq!(status, 422);
    assert!(body.contains("已经在词表里"), "{body}");
    assert_eq!(read(s.path(), "site.yaml"), after);
}

// ---- in Chromium ----

/// The files of an issue folder.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// What `bulletin import` writes for the fixture, in a site like `site()`.
fn imported_by_the_cli() -> BTreeMap<String, Vec<u8>> {
    let r = site();
    r.run(&["import", &fixture("jianbao.docx")]).success();
    files_of(&r.path().join("content/2021-125"))
}

/// No staged input is left in the staging area.
fn staging_is_empty(site: &Path) -> bool {
    let desk = site.join(".bulletin/desk");
    !desk.exists() || snapshot(&desk).is_empty()
}

fn open_desk(browser: &Browser, server: &Server) {
    browser.goto(&server.url(DESK));
    browser.wait("return document.documentElement.getAttribute('data-ready') === '1'");
}

/// Pick the fixture in the file input, as a clerk does, and wait for its plan.
fn stage_fixture(browser: &Browser) {
    browser.type_into("#file", &fixture("jianbao.docx"));
    browser.wait("return document.querySelectorAll('article.plan').length === 1");
}

/// `DESK_SCREENSHOTS=DIR` saves each step at 1280×800 and 1366×768 (for looking at).
fn screenshot(browser: &Browser, step: &str) {
    if let Some(dir) = std::env::var_os("DESK_SCREENSHOTS") {
        for (w, h) in [(1280, 800), (1366, 768)] {
            browser.screenshot(&Path::new(&dir).join(format!("{step}-{w}x{h}.png")), w, h);
        }
    }
}

#[test]
fn an_issue_imported_in_the_desk_is_what_import_writes_plus_the_clerks_change_and_shows_at_once() {
    let Some(browser) = Browser::start("desk import") else {
        return;
    };
    let s = site();
    let server = Server::start(s.path(), &[]);
    let want_cli = imported_by_the_cli();
    let before = state_of(s.path());
    // The preview's bar links to the 工作台.
    browser.goto(&server.url("/"));
    browser
        .wait("return !!document.querySelector('#bulletin-desk-bar a[href=\"/.bulletin/desk/\"]')");
    screenshot(&browser, "0-preview");
    open_desk(&browser, &server);
    screenshot(&browser, "1-desk");
    stage_fixture(&browser);
    screenshot(&browser, "2-plan");
    assert!(
        !s.path().join("content/2021-125").exists(),
        "staging wrote into content/"
    );
    let text = browser.text();
    assert!(text.contains("第 125 期"), "{text}");
    assert!(
        text.contains("有合并的格子"),
        "the table warning is shown, in Chinese: {text}"
    );
    // Names in a message (here the article's title) are shown as code, without backticks.
    assert_eq!(
        browser.eval("const m = document.querySelector('article.plan .msgs'); return [m.textContent.includes('`'), [...m.querySelectorAll('code')].some(c => c.textContent.startsWith('赣州经开区'))]"),
        serde_json::json!([false, true]),
        "the article's title is code in the warning, and no backtick is shown"
    );
    assert_eq!(
        browser.eval("return document.querySelectorAll('article.plan .thumbs img').length"),
        serde_json::json!(2),
        "the two photos as thumbnails"
    );
    assert!(browser.wait_for(
        "return Array.from(document.querySelectorAll('.thumbs img')).every(i => i.complete && i.naturalWidth > 0)",
        10
    ));
    // The clerk moves the 于都县 article from 教育 to 民生保障.
    let art = "fieldset.article[data-file=\"04-yudu-jiaoyu.md\"]";
    browser.click(&format!("{art} input[value=\"教育\"]"));
    browser.click(&format!("{art} input[value=\"民生保障\"]"));
    browser.click("button.confirm");
    browser.wait("return !!document.querySelector('.done a')");
    let confirmed = Instant::now();
    screenshot(&browser, "3-imported");
    // The preview lists the issue within a second.
    let mut listed = false;
    while confirmed.elapsed() < Duration::from_secs(1) {
        let (_, _, page) = http_get(server.port, "/issues/");
        if String::from_utf8_lossy(&page).contains("issues/2021-125/") {
            listed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        listed,
        "the preview did not list the issue within a second:\n{}",
        server.log()
    );
    // Exactly what `bulletin import` writes, but for the changed topic.
    let mut want = want_cli;
    let yudu = String::from_utf8(want["04-yudu-jiaoyu.md"].clone()).unwrap();
    let changed = yudu.replacen(
        "topics:\n  - 教育\n---\n",
        "topics:\n  - 民生保障\n---\n",
        1,
    );
    assert_ne!(
        changed, yudu,
        "the fixture's 于都县 article is about 教育 alone:\n{yudu}"
    );
    want.insert("04-yudu-jiaoyu.md".into(), changed.into_bytes());
    let got = files_of(&s.path().join("content/2021-125"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &want {
        assert!(
            &got[name] == bytes,
            "{name} differs:\n{}",
            String::from_utf8_lossy(&got[name])
        );
    }
    assert!(staging_is_empty(s.path()), "staging not cleaned on confirm");
    // Nothing else changed.
    let after: BTreeMap<_, _> = state_of(s.path())
        .into_iter()
        .filter(|(k, _)| !k.starts_with("content/2021-125/"))
        .collect();
    assert_eq!(after, before);
    // 检查 lists the problems by file (none are errors here).
    browser.click("#tab-check");
    browser
        .wait("return document.getElementById('check-summary').textContent.includes('检查通过')");
    screenshot(&browser, "4-check");
    // Each file links to the page it concerns.
    let href = browser.eval(
        "return Array.from(document.querySelectorAll('#check-list h3 a')).map(a => a.textContent + ' ' + a.getAttribute('href')).join('\\n')",
    );
    assert!(
        href.as_str()
            .unwrap()
            .contains("content/2021-125/05-dingnan-weisheng.md /issues/2021-125/"),
        "{href}"
    );
    // A save with an error refreshes the report by itself.
    s.file(
        "content/2021-001/01-a.md",
        "---\ntitle: 第一篇\ncounty: 于都\ntopics: [没有的专题]\n---\n正文。\n",
    );
    browser.wait("return document.getElementById('check-summary').textContent.includes('个错误')");
    let text = browser.text();
    assert!(text.contains("content/2021-001/01-a.md"), "{text}");
    screenshot(&browser, "4-check-errors");
}

#[test]
fn cancel_in_the_desk_leaves_nothing_behind() {
    let Some(browser) = Browser::start("desk cancel") else {
        return;
    };
    let s = site();
    let server = Server::start(s.path(), &[]);
    let before = state_of(s.path());
    open_desk(&browser, &server);
    stage_fixture(&browser);
    assert!(!staging_is_empty(s.path()), "the upload is staged");
    browser.click("article.plan button.cancel");
    browser.wait("return document.querySelectorAll('article.plan').length === 0");
    assert!(browser.text().contains("已取消"), "{}", browser.text());
    assert!(staging_is_empty(s.path()), "cancel left the staged upload");
    assert_eq!(state_of(s.path()), before);
}

#[test]
fn replacing_an_existing_issue_takes_a_second_confirmation_naming_it() {
    let Some(browser) = Browser::start("desk replace") else {
        return;
    };
    let s = site();
    s.run(&["import", &fixture("jianbao.docx")]).success();
    let cli = files_of(&s.path().join("content/2021-125"));
    // The clerk had changed a title by hand and kept a note; both go with the replacement.
    let first = "content/2021-125/01-renshe-jiuye.md";
    let edited = read(s.path(), first).replacen("title: ", "title: 改过的", 1);
    s.file(first, &edited);
    s.file(
        "content/2021-125/06-note.md",
        "---\ntitle: 附记\ncounty: 于都县\ntopics: [教育]\n---\n附记。\n",
    );
    let server = Server::start(s.path(), &[]);
    open_desk(&browser, &server);
    stage_fixture(&browser);
    browser.click("button.confirm");
    browser.wait("return !document.querySelector('.replace').hidden");
    screenshot(&browser, "5-replace");
    let yes = browser.eval("return document.querySelector('.replace-yes').textContent");
    assert_eq!(yes, serde_json::json!("替换第125期（content/2021-125）"));
    assert!(
        browser
            .text()
            .contains("第125期（content/2021-125）已经存在"),
        "{}",
        browser.text()
    );
    assert_eq!(
        read(s.path(), first),
        edited,
        "the first confirmation wrote"
    );
    browser.click(".replace-yes");
    browser.wait("return !!document.querySelector('.done a')");
    assert_eq!(files_of(&s.path().join("content/2021-125")), cli);
    assert!(staging_is_empty(s.path()));
}

#[test]
fn two_tabs_confirming_one_import_do_not_interleave() {
    let s = site();
    let server = Server::start(s.path(), &[]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let origin = format!("http://{host}");
    let tok = token(port);
    let good = [
        ("Host", host.as_str()),
        ("Origin", origin.as_str()),
        ("X-Bulletin-Token", tok.as_str()),
        ("X-Bulletin-Filename", "jianbao.docx"),
    ];
    let (status, body) = upload(port, &good);
    assert_eq!(status, 200, "{body}");
    let plan: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = plan["staged"]["id"].as_str().unwrap().to_string();
    let path = format!("{DESK}api/staged/{id}/confirm");
    let results: Vec<(u16, String)> = std::thread::scope(|scope| {
        let tabs: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| request(port, "POST", &path, &good[..3], b"{\"replace\":null}"))
            })
            .collect();
        tabs.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let mut statuses: Vec<u16> = results.iter().map(|r| r.0).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{results:?}");
    let told = &results.iter().find(|r| r.0 == 409).unwrap().1;
    assert!(told.contains("另一个窗口"), "{told}");
    assert_eq!(
        files_of(&s.path().join("content/2021-125")),
        imported_by_the_cli()
    );
}

#[test]
fn publishing_in_the_desk_writes_what_bulletin_build_writes_and_uploads_it_once_confirmed() {
    let Some(browser) = Browser::start("desk publish") else {
        return;
    };
    // With a folder named as the upload target, 发布 goes on to 上传 (the plan shown, then
    // confirmed).
    let (s, www) = site_with_upload_target();
    let server = Server::start(s.path(), &[]);
    open_desk(&browser, &server);
    browser.click("#tab-publish");
    browser.click("#publish-start");
    browser.wait("return document.getElementById('publish-result').textContent.includes('网站已生成到 output/')");
    screenshot(&browser, "6-published");
    browser.wait("return document.getElementById('deploy-preview').textContent.includes('将上传')");
    screenshot(&browser, "7-upload-plan");
    assert!(snapshot(www.path()).is_empty(), "nothing before 确认上传");
    browser.click("#deploy-start");
    browser
        .wait("return document.getElementById('deploy-result').textContent.includes('已上传到')");
    screenshot(&browser, "8-uploaded");
    let desk = snapshot(&s.path().join("output"));
    let mut uploaded = snapshot(www.path());
    uploaded.remove(".bulletin-deploy.json");
    assert!(uploaded == desk, "the target holds what 发布 built");
    s.run(&["build", "--output", "cli-output"]).success();
    let cli = snapshot(&s.path().join("cli-output"));
    assert_eq!(
        desk.keys().collect::<Vec<_>>(),
        cli.keys().collect::<Vec<_>>()
    );
    assert!(
        desk == cli,
        "the 工作台's output differs from `bulletin build`'s"
    );
}

/// Ask `GET api/WHAT` until its state is `done` (a minute at most); the last answer.
fn wait_done(port: u16, what: &str) -> serde_json::Value {
    let host = format!("127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        let (status, body) = request(
            port,
            "GET",
            &format!("{DESK}api/{what}"),
            &[("Host", &host)],
            b"",
        );
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        if v["state"] == "done" {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{what} not done: {v}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn publish_uploads_to_a_deploy_target_only_the_plan_the_clerk_saw() {
    let (s, www) = site_with_upload_target();
    let server = Server::start(s.path(), &[]);
    let port = server.port;
    let host = format!("127.0.0.1:{port}");
    let origin = format!("http://{host}");
    let tok = token(port);
    let good = [
        ("Host", host.as_str()),
        ("Origin", origin.as_str()),
        ("X-Bulletin-Token", tok.as_str()),
    ];
    let post = |path: &str, headers: &[(&str, &str)], body: &str| {
        request(
            port,
            "POST",
            &format!("{DESK}api/{path}"),
            headers,
            body.as_bytes(),
        )
    };
    let target = r#"{"target":"本机"}"#;
    // The page learns the targets from the state.
    let (_, state) = request(port, "GET", &format!("{DESK}api/state"), &good, b"");
    assert!(state.contains(r#""name":"本机""#), "{state}");

    // Nothing is uploaded before a plan was shown, and nothing without the token.
    let (status, body) = post("deploy", &good, target);
    assert_eq!(status, 409, "{body}");
    let (status, _) = post("deploy/plan", &good[..2], target);
    assert_eq!(status, 403);
    // Only targets site.yaml names: the page cannot send a URL of its own.
    let elsewhere = format!(r#"{{"target":"file://{}/x"}}"#, www.path().display());
    let (status, body) = post("deploy/plan", &good, &elsewhere);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("没有名为"), "{body}");

    // 发布 builds; 预览上传 lists every file as new; 确认上传 writes them.
    assert_eq!(post("publish", &good, "").0, 202);
    assert_eq!(wait_done(port, "publish")["ok"], true);
    let output = snapshot(&s.path().join("output"));
    let (status, body) = post("deploy/plan", &good, target);
    assert_eq!(status, 200, "{body}");
    let plan: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(plan["uploads"], output.len(), "{plan}");
    assert_eq!(plan["deletes"], 0);
    assert!(plan["refusal"].is_null(), "{plan}");
    assert_eq!(plan["listed"][0]["reason"], "new");
    assert!(snapshot(www.path()).is_empty(), "a plan writes nothing");
    let (status, body) = post("deploy", &good, target);
    assert_eq!(status, 202, "{body}");
    let done = wait_done(port, "deploy");
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["uploaded"], output.len());
    let mut uploaded = snapshot(www.path());
    assert!(uploaded.remove(".bulletin-deploy.json").is_some());
    assert_eq!(
        uploaded, output,
        "the target holds the output, byte for byte"
    );
    // The shown plan was used up: a second 确认上传 needs a second look.
    assert_eq!(post("deploy", &good, target).0, 409);

    // Nothing changed: nothing to upload.
    let (_, body) = post("deploy/plan", &good, target);
    let plan: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(plan["empty"], true, "{plan}");

    // A plan made stale (the output rebuilt with an edit after 预览上传) is not carried out.
    let (_, body) = post("deploy/plan", &good, target);
    assert!(body.contains(r#""uploads":0"#), "{body}");
    s.article("2021-001", "02-b", "第二篇", "于都县", &["教育"]);
    assert_eq!(post("publish", &good, "").0, 202);
    assert_eq!(wait_done(port, "publish")["ok"], true);
    let before = snapshot(www.path());
    assert_eq!(post("deploy", &good, target).0, 202);
    let done = wait_done(port, "deploy");
    assert_eq!(done["ok"], false, "{done}");
    assert!(
        done["error"].as_str().unwrap().contains("重新点“预览上传”"),
        "{done}"
    );
    assert_eq!(snapshot(www.path()), before, "a stale plan sends nothing");
    // Looked at again, it uploads the new article and what lists it.
    let (_, body) = post("deploy/plan", &good, target);
    assert!(
        body.contains(r#""path":"issues/2021-001/b/index.html","reason":"new""#),
        "{body}"
    );
    assert_eq!(post("deploy", &good, target).0, 202);
    assert_eq!(wait_done(port, "deploy")["ok"], true);
    let mut uploaded = snapshot(www.path());
    uploaded.remove(".bulletin-deploy.json");
    assert_eq!(uploaded, snapshot(&s.path().join("output")));
}
