//! `bulletin serve` end to end: the real binary, real HTTP, and a real headless Chromium.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::browser::{Browser, Server, free_port};
use crate::helpers::{TestSite, copy_dir, repo};

/// A site with one issue of two articles and its own copy of the default theme (so the test can
/// edit the stylesheet).
fn site(base_url: &str) -> TestSite {
    let s = TestSite::new();
    s.file(
        "site.yaml",
        format!("title: 预览测试\nbase_url: {base_url}\n"),
    );
    s.issue("2021-1", 1, "2021-01-04")
        .article("2021-1", "01-a", "第一篇", "于都县", &["教育"])
        .article("2021-1", "02-b", "第二篇", "定南县", &["教育"]);
    copy_dir(
        &repo().join("themes/default"),
        &s.path().join("themes/default"),
    );
    s
}

/// A raw HTTP/1.1 GET, path sent exactly as given (no client-side normalisation).
fn get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

#[test]
fn the_browser_follows_edits_errors_fixes_and_stylesheet_changes() {
    let Some(browser) = Browser::start("serve live reload") else {
        return;
    };
    let s = site("https://example.gov.cn/");
    let server = Server::start(s.path(), &[]);
    let article = "content/2021-1/01-a.md";
    browser.goto(&server.url("/issues/2021-1/a/"));
    assert!(
        browser.text().contains("第一篇的正文"),
        "{}",
        browser.text()
    );

    // An edit shows up without touching the browser.
    s.file(
        article,
        "---\ntitle: 第一篇\ncounty: 于都县\ntopics: [教育]\n---\n改过的正文。\n",
    );
    assert!(
        browser.wait_for("return document.body.innerText.includes('改过的正文')", 15),
        "edit not shown; server said:\n{}",
        server.log()
    );
    assert!(
        server.log().contains("pages re-rendered in"),
        "{}",
        server.log()
    );

    // Broken front matter: the error is shown over the page.
    s.file(article, "---\ntitle: [未闭合\ncounty: 于都县\n---\n");
    assert!(
        browser.wait_for(
            "var o = document.getElementById('bulletin-error-overlay'); return !!o && o.innerText.includes('invalid YAML') && o.innerText.includes('01-a.md');",
            15
        ),
        "no overlay; server said:\n{}",
        server.log()
    );
    // The server still serves the last good site meanwhile.
    let (status, _, body) = get(server.port, "/issues/2021-1/a/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("改过的正文"));

    // The fix clears the overlay by itself.
    s.file(
        article,
        "---\ntitle: 第一篇\ncounty: 于都县\ntopics: [教育]\n---\n修好的正文。\n",
    );
    assert!(
        browser.wait_for(
            "return !document.getElementById('bulletin-error-overlay') && document.body.innerText.includes('修好的正文')",
            15
        ),
        "overlay not cleared:\n{}",
        server.log()
    );

    // A stylesheet change applies without navigating away.
    browser.eval("window.__bulletinMarker = 42; return true;");
    let css_path = s.path().join("themes/default/static/style.css");
    let mut css = std::fs::read_to_string(&css_path).unwrap();
    css.push_str("\nbody { background-color: rgb(1, 2, 3) !important; }\n");
    std::fs::write(&css_path, css).unwrap();
    assert!(
        browser.wait_for(
            "return getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'",
            15
        ),
        "new style not applied:\n{}",
        server.log()
    );
    assert_eq!(
        browser.eval("return window.__bulletinMarker"),
        serde_json::json!(42),
        "the page was reloaded"
    );
    assert!(server.log().contains("stylesheet swapped"));

    // The preview never writes the published output.
    assert!(!s.path().join("output").exists());
}

#[test]
fn live_reload_follows_a_sub_path_base_url() {
    let Some(browser) = Browser::start("serve under a sub-path") else {
        return;
    };
    let s = site("https://example.gov.cn/jianbao/");
    let server = Server::start(s.path(), &[]);
    browser.goto(&server.url("/jianbao/issues/2021-1/b/"));
    assert!(
        browser.text().contains("第二篇的正文"),
        "{}",
        browser.text()
    );
    let links = browser.eval("return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href')).join(' ')");
    assert!(
        links.as_str().unwrap().contains("/jianbao/issues/"),
        "{links}"
    );
    s.file(
        "content/2021-1/02-b.md",
        "---\ntitle: 第二篇\ncounty: 定南县\ntopics: [教育]\n---\n子路径下的新正文。\n",
    );
    assert!(
        browser.wait_for(
            "return document.body.innerText.includes('子路径下的新正文')",
            15
        ),
        "edit not shown under /jianbao/:\n{}",
        server.log()
    );
}

#[test]
fn request_paths_cannot_leave_the_site() {
    let s = site("https://example.gov.cn/");
    s.file("secret.txt", "root:x:0:0:secret");
    let server = Server::start(s.path(), &[]);
    for path in [
        "/../../../../etc/passwd",
        "/../secret.txt",
        "/issues/../../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2Fsecret.txt",
        "/..%2f..%2fetc%2fpasswd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/..%5c..%5csecret.txt",
        "/..\\..\\secret.txt",
        "/%00",
        "//etc/passwd",
        "/site.yaml",
        "/content/2021-1/01-a.md",
    ] {
        let (status, _, body) = get(server.port, path);
        assert!(status == 400 || status == 404, "{path}: status {status}");
        let body = String::from_utf8_lossy(&body);
        assert!(
            !body.contains("root:x") && !body.contains("预览测试\nbase_url"),
            "{path} leaked: {body}"
        );
    }
}

#[test]
fn pages_are_served_with_the_right_types_and_status() {
    let s = site("https://example.gov.cn/");
    let server = Server::start(s.path(), &[]);
    let (status, head, body) = get(server.port, "/issues/2021-1/");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("第一篇") && body.contains("__bulletin/livereload.js"));
    let (status, head, _) = get(server.port, "/issues/2021-1");
    assert_eq!(status, 301);
    assert!(
        head.contains("location: /issues/2021-1/") || head.contains("Location: /issues/2021-1/"),
        "{head}"
    );
    let (status, _, body) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        String::from_utf8(body).unwrap().contains("页面不存在"),
        "the site's 404.html"
    );
    let (status, head, _) = get(server.port, "/feed.xml");
    assert_eq!(status, 200);
    assert!(head.contains("application/xml"), "{head}");
    let (status, head, _) = get(server.port, "/style.css");
    assert_eq!(status, 200, "theme CSS is not fingerprinted in the preview");
    assert!(head.contains("text/css"), "{head}");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let s = site("/");
    let port = free_port();
    let _taken = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let r = s.run(&["serve", "--port", &port.to_string()]);
    r.failure()
        .stderr_has(&format!("port {port}"))
        .stderr_has("--port");
}

#[test]
fn binding_beyond_loopback_warns() {
    let s = site("/");
    let server = Server::start(s.path(), &["--bind", "0.0.0.0"]);
    assert!(
        server.log().contains("warning: serving on 0.0.0.0"),
        "{}",
        server.log()
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let s = site("/");
    let mut server = Server::start(s.path(), &[]);
    // Keep a live-reload stream open: stopping must not wait for it.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(stream, "GET /__bulletin/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = server.child.id() as i32;
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not stop on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
