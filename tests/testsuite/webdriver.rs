//! A real headless Chromium for tests, driven through chromedriver, and the dev server as a child
//! process.
//!
//! Tests that need a browser call [`Browser::start`]: where Chromium is missing it returns `None`
//! and the test says loudly that it skipped — except in CI (`CI` set), where a missing browser is
//! a failure, never a skip.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One browser at a time: two at once on a small machine make both slow.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

pub struct Browser {
    rt: tokio::runtime::Runtime,
    client: Option<fantoccini::Client>,
    driver: Child,
    _profile: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Browser {
    /// Start Chromium, or `None` (with a loud message) where it is not installed outside CI.
    pub fn start(test: &str) -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "{test}: Chromium or chromedriver missing in CI; .ci/run must install chromium chromium-driver"
                );
            }
            eprintln!(
                "\n!!! SKIPPED {test}: {CHROMIUM} or {CHROMEDRIVER} is missing. Install them with \
                 `apt-get install chromium chromium-driver` to run the browser tests. !!!\n"
            );
            return None;
        }
        let turn = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let caps: serde_json::Map<String, Value> = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1200,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }))
        .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let client = rt.block_on(async {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let mut builder = fantoccini::ClientBuilder::new(
                    hyper_util::client::legacy::connect::HttpConnector::new(),
                );
                builder.capabilities(caps.clone());
                match builder.connect(&url).await {
                    Ok(c) => break c,
                    Err(e) if Instant::now() > deadline => panic!("cannot start Chromium: {e}"),
                    Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        });
        Some(Browser {
            rt,
            client: Some(client),
            driver,
            _profile: profile,
            _turn: turn,
        })
    }

    fn client(&self) -> &fantoccini::Client {
        self.client.as_ref().expect("client")
    }

    pub fn goto(&self, url: &str) {
        self.rt
            .block_on(self.client().goto(url))
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    /// Run `script` (a function body: use `return`) in the page.
    pub fn eval(&self, script: &str) -> Value {
        self.rt
            .block_on(self.client().execute(script, vec![]))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Wait until `script` returns true; false after `secs`. A script error (the page is
    /// navigating) counts as not yet.
    pub fn wait_for(&self, script: &str, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Ok(Value::Bool(true)) = self.rt.block_on(self.client().execute(script, vec![])) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// [`Browser::eval`], under the name the search tests use.
    pub fn js(&self, script: &str) -> Value {
        self.eval(script)
    }

    /// Wait until `script` returns true, or fail the test saying what the page showed.
    #[track_caller]
    pub fn wait(&self, script: &str) {
        if !self.wait_for(script, 20) {
            panic!(
                "timed out waiting for `{script}`; page: {}",
                self.eval("return location.href + ' ' + document.body.innerText")
            );
        }
    }

    fn element(&self, css: &str) -> fantoccini::elements::Element {
        self.rt
            .block_on(self.client().find(fantoccini::Locator::Css(css)))
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub fn click(&self, css: &str) {
        let el = self.element(css);
        self.rt
            .block_on(el.click())
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Type `text` into the element (`\u{E007}` is the Enter key).
    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.element(css);
        self.rt
            .block_on(el.send_keys(text))
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Save a PNG of the page with the window at `w`×`h`.
    pub fn screenshot(&self, path: &Path, w: u32, h: u32) {
        self.rt
            .block_on(self.client().set_window_size(w, h))
            .expect("set window size");
        let png = self
            .rt
            .block_on(self.client().screenshot())
            .expect("screenshot");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// The page's visible text.
    pub fn text(&self) -> String {
        self.eval("return document.body ? document.body.innerText : ''")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(c) = self.client.take() {
            let _ = self.rt.block_on(c.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `bulletin serve` running on a site, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub log: Arc<Mutex<String>>,
}

impl Server {
    /// Start serving `root` on a free port and wait until it listens.
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        Server::start_on(root, free_port(), extra)
    }

    /// Start serving `root` on `port` and wait until it listens.
    pub fn start_on(root: &Path, port: u16, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", &port.to_string()])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start bulletin serve");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let s = Server { child, port, log };
        assert!(
            s.wait_log("serving ", 30),
            "serve did not start:\n{}",
            s.log()
        );
        s
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Wait until the server's output contains `needle`.
    pub fn wait_log(&self, needle: &str, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serve `dir` at `http://127.0.0.1:PORT{prefix}` (prefix like `/` or `/jianbao/`) until the
/// test process ends. Returns the port.
pub fn static_server(dir: PathBuf, prefix: &str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().unwrap().port();
    let prefix = prefix.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dir, prefix) = (dir.clone(), prefix.clone());
            std::thread::spawn(move || {
                let _ = answer(stream, &dir, &prefix);
            });
        }
    });
    port
}

fn answer(mut stream: TcpStream, dir: &Path, prefix: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_encoding::percent_decode_str(target.split('?').next().unwrap_or("/"))
        .decode_utf8_lossy()
        .into_owned();
    let file = path
        .strip_prefix(prefix)
        .filter(|rel| !rel.split('/').any(|s| s == ".."))
        .map(|rel| {
            let mut f = dir.join(rel);
            if rel.is_empty() || rel.ends_with('/') || f.is_dir() {
                f = f.join("index.html");
            }
            f
        });
    let (status, body, kind) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((f, b)) => ("200 OK", b, content_type(&f)),
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}
