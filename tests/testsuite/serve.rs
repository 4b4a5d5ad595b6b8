//! `bulletin serve` end to end: the real binary, real HTTP, and a real headless Chromium.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::helpers::{TestSite, copy_dir, http_get, repo};
use crate::webdriver::{Browser, Server, free_port};

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
    let (status, _, body) = http_get(server.port, "/issues/2021-1/a/");
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
        let (status, _, body) = http_get(server.port, path);
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
    let (status, head, body) = http_get(server.port, "/issues/2021-1/");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("第一篇") && body.contains("__bulletin/livereload.js"));
    let (status, head, _) = http_get(server.port, "/issues/2021-1");
    assert_eq!(status, 301);
    assert!(
        head.contains("location: /issues/2021-1/") || head.contains("Location: /issues/2021-1/"),
        "{head}"
    );
    let (status, _, body) = http_get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        String::from_utf8(body).unwrap().contains("页面不存在"),
        "the site's 404.html"
    );
    let (status, head, _) = http_get(server.port, "/feed.xml");
    assert_eq!(status, 200);
    assert!(head.contains("application/xml"), "{head}");
    let (status, head, _) = http_get(server.port, "/style.css");
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

/// Read one HTTP/1.1 response with a Content-Length body from a keep-alive connection.
fn read_response(stream: &mut TcpStream) -> std::io::Result<(u16, usize)> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed mid-response",
            ));
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body)?;
    Ok((status, len))
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:")
                    .map(|v| v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn the_preview_holds_under_load_while_rebuilding() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let s = site("https://example.gov.cn/");
    let server = Server::start(s.path(), &[]);
    let port = server.port;
    let pid = server.child.id();
    // Connections that never send a request must not hold anyone up.
    let idle: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(slow, "GET / HTTP/1.1\r\nHost: x\r\n").unwrap(); // and never finish the headers

    // Warm up, then note the memory.
    for _ in 0..3 {
        assert_eq!(http_get(port, "/").0, 200);
    }
    let rss_before = rss_kib(pid);

    // Rebuild every 100 ms while the load runs.
    let stop = Arc::new(AtomicBool::new(false));
    let editor = {
        let stop = stop.clone();
        let path = s.path().join("content/2021-1/02-b.md");
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                std::fs::write(
                    &path,
                    format!(
                        "---\ntitle: 第二篇\ncounty: 定南县\ntopics: [教育]\n---\n第{n}次修改。\n"
                    ),
                )
                .unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
            n
        })
    };

    let (connections, per_connection) = (200, 100);
    let ok = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let paths = [
        "/",
        "/issues/2021-1/",
        "/issues/2021-1/a/",
        "/counties/",
        "/feed.xml",
        "/style.css",
        "/nope/",
    ];
    let started = std::time::Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|c| {
            let ok = ok.clone();
            let failures = failures.clone();
            std::thread::spawn(move || {
                let mut stream = match TcpStream::connect(("127.0.0.1", port)) {
                    Ok(s) => s,
                    Err(e) => return failures.lock().unwrap().push(format!("connect: {e}")),
                };
                stream
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                for i in 0..per_connection {
                    let path = paths[(c + i) % paths.len()];
                    let sent = write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    match sent.and_then(|_| read_response(&mut stream)) {
                        Ok((status, _)) if status == 200 || (status == 404 && path == "/nope/") => {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok((status, _)) => {
                            failures.lock().unwrap().push(format!("{path}: {status}"))
                        }
                        Err(e) => {
                            failures.lock().unwrap().push(format!("{path}: {e}"));
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let rebuilds = editor.join().unwrap();
    let failures = failures.lock().unwrap().clone();
    assert!(
        failures.is_empty(),
        "{} failures, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert_eq!(ok.load(Ordering::Relaxed), connections * per_connection);
    assert!(
        rebuilds >= 3,
        "only {rebuilds} rebuilds happened during the load ({took:?})"
    );
    assert!(server.wait_log("pages re-rendered", 5), "{}", server.log());

    // A fresh request is still served with the idle and half-open connections still open.
    assert_eq!(http_get(port, "/issues/2021-1/").0, 200);
    let rss_after = rss_kib(pid);
    assert!(
        rss_after < rss_before + 64 * 1024,
        "memory grew from {rss_before} KiB to {rss_after} KiB over {} requests",
        connections * per_connection
    );
    eprintln!(
        "load: {} requests over {connections} connections in {took:?} ({:.0}/s) with {rebuilds} rebuilds; RSS {rss_before} → {rss_after} KiB",
        connections * per_connection,
        (connections * per_connection) as f64 / took.as_secs_f64()
    );
    drop(idle);
    drop(slow);
}
