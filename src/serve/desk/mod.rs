//! The 工作台 (desk): import, check and publish an issue from the browser, served by
//! `bulletin serve` at `/.bulletin/desk/` — a path no content can produce, and never written by
//! `build`.
//!
//! Office clerks keep the archive; this is their way in without a command line. The page is plain
//! HTML, CSS and JavaScript embedded in the binary ([`page`]). Its API is a handful of JSON
//! endpoints under `/.bulletin/desk/api/`, each going through [`guard::judge`] first: writes exist
//! only while the server is bound to loopback, carry this run's token and come from the
//! 工作台's own origin. An upload goes to the staging area (`.bulletin/desk/run-…/` in the site,
//! beside the photo cache, never watched), is imported there as a plan ([`staging`]), and
//! reaches `content/` only on 确认导入 ([`imports`]); 检查 and 发布 are [`publish`], and 上传 to
//! a `deploy:` target of site.yaml is [`upload`]. What the 工作台 calls in the library goes
//! through [`adapter`].

pub mod adapter;
pub mod guard;
mod imports;
mod publish;
pub mod staging;
mod upload;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::diagnostics::display_path;
use crate::model::{Output, Site};
use guard::{Own, Seen, Verdict};
use staging::Staged;

/// Where the 工作台 lives on the server (not under the site's base path: no content is there).
pub const PATH: &str = "/.bulletin/desk/";

/// The page and its script and stylesheet, embedded.
mod page {
    pub const HTML: &str = include_str!("page/desk.html");
    pub const JS: &str = include_str!("page/desk.js");
    pub const CSS: &str = include_str!("page/desk.css");
}

/// The largest file accepted: the importer's own limit for a PDF (Word files are bounded part by
/// part inside, and a bulletin is far smaller). One file per request, so this bounds a request too.
pub const MAX_FILE_BYTES: u64 = crate::import::pdf::SIZE_LIMIT as u64;
/// Imports waiting in the staging area at once.
pub const MAX_STAGED: usize = 8;
/// Bytes of uploads waiting in the staging area at once.
pub const MAX_STAGED_BYTES: u64 = 4 * MAX_FILE_BYTES;
/// A JSON request body (edits, a name).
const MAX_JSON_BYTES: usize = 256 << 10;

/// How 发布 is going.
#[derive(Debug, Clone)]
enum Publish {
    Idle,
    Running(Instant),
    Done(Value),
}

/// The preview's version and whether its last rebuild failed, asked of the server.
pub type PreviewNow = Box<dyn Fn() -> Option<(u64, bool)> + Send + Sync>;

/// The 工作台 of one `bulletin serve` run.
pub struct Desk {
    root: PathBuf,
    port: u16,
    token: String,
    /// Why writes are off (`None`: they are on).
    writes_off: Option<String>,
    /// The preview's base path, for links to pages.
    base_path: String,
    /// This run's staging area.
    staging: PathBuf,
    staged: Mutex<BTreeMap<String, Staged>>,
    /// Uploads being read or imported right now (they count against [`MAX_STAGED`]).
    pending: AtomicUsize,
    next: AtomicU64,
    /// One confirmation at a time: two tabs confirming cannot interleave their writes.
    confirming: Mutex<()>,
    publish: Mutex<Publish>,
    /// How 上传 is going, and the plans 预览上传 has shown (确认上传 runs only those).
    upload: Mutex<upload::Upload>,
    shown: Mutex<upload::Shown>,
    /// Source file (relative to the root, `/`-separated) → its page's path on the server.
    pages: RwLock<HashMap<String, String>>,
    /// The preview's version and whether its last rebuild failed, so 确认导入 answers once the
    /// preview has rebuilt with the new issue.
    preview: std::sync::OnceLock<PreviewNow>,
    /// Tells the preview's rebuild loop which files 确认导入 wrote, without waiting for the file
    /// watcher (which misses files written into a folder it has not started watching yet).
    written: std::sync::OnceLock<Box<dyn Fn(Vec<PathBuf>) + Send + Sync>>,
}

/// A fresh random token: 128 bits from the operating system, in hex.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: a token from the clock and the process would be guessable, so the
        // 工作台 runs without writes rather than with a weak secret (see `writes_off`).
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A run's staging area untouched this long was left by a run that did not end cleanly (killed,
/// the machine switched off): removed when the next run starts.
const STALE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

fn sweep_stale_runs(desk: &Path) {
    let Ok(entries) = std::fs::read_dir(desk) else {
        return;
    };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if stale && e.file_name().to_string_lossy().starts_with("run-") {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Desk {
    /// The 工作台 for the site at `root`, served on `port` of `bind`.
    pub fn new(root: &Path, bind: std::net::IpAddr, port: u16, base_path: &str) -> Arc<Desk> {
        let token = new_token();
        let writes_off = if !bind.is_loopback() {
            Some(format!(
                "服务绑定在 {bind}，网络上的其他电脑也能访问，因此导入和发布已关闭；要使用它们，请用 --bind 127.0.0.1 重新启动 bulletin serve。"
            ))
        } else if token.is_empty() {
            Some("系统没有提供随机数，无法生成安全令牌，因此导入和发布已关闭。".to_string())
        } else {
            None
        };
        sweep_stale_runs(&root.join(".bulletin").join("desk"));
        let staging = root.join(".bulletin").join("desk").join(format!(
            "run-{}",
            &format!("{token}{:08}", std::process::id())[..8]
        ));
        Arc::new(Desk {
            root: root.to_path_buf(),
            port,
            token,
            writes_off,
            base_path: base_path.to_string(),
            staging,
            staged: Mutex::new(BTreeMap::new()),
            pending: AtomicUsize::new(0),
            next: AtomicU64::new(1),
            confirming: Mutex::new(()),
            publish: Mutex::new(Publish::Idle),
            upload: Mutex::default(),
            shown: Mutex::default(),
            pages: RwLock::new(HashMap::new()),
            preview: std::sync::OnceLock::new(),
            written: std::sync::OnceLock::new(),
        })
    }

    /// Follow the preview's rebuilds (see [`Desk::wait_for_rebuild`]).
    pub fn follow(&self, f: PreviewNow) {
        let _ = self.preview.set(f);
    }

    /// Where to report the files 确认导入 writes.
    pub fn on_written(&self, f: Box<dyn Fn(Vec<PathBuf>) + Send + Sync>) {
        let _ = self.written.set(f);
    }

    /// The preview's version and error now.
    fn preview_now(&self) -> Option<(u64, bool)> {
        self.preview.get().and_then(|f| f())
    }

    /// Wait (at most 10 s) until the preview has rebuilt after a write, or failed to: so the page
    /// that 确认导入 links to shows the new issue when it is opened.
    fn wait_for_rebuild(&self, before: Option<(u64, bool)>) {
        let Some((version, _)) = before else { return };
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while Instant::now() < deadline {
            match self.preview_now() {
                Some((v, error)) if v != version || error => return,
                None => return,
                _ => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
    }

    /// Where the 工作台 is, for the terminal and the browser.
    pub fn url(&self, host: &str) -> String {
        format!("http://{host}:{}{PATH}", self.port)
    }

    /// Remember which page shows each source file (after each good rebuild), for 检查's links.
    pub fn note_site(&self, site: Option<&Site>) {
        let Some(site) = site else { return };
        let mut map = HashMap::new();
        let key = |p: &Path| {
            display_path(&self.root, p)
                .to_string_lossy()
                .replace('\\', "/")
        };
        for (i, issue) in site.issues.iter().enumerate() {
            map.insert(
                key(&issue.path),
                format!("{}{}", self.base_path, site.url(Output::Issue(i))),
            );
        }
        for (i, a) in site.articles.iter().enumerate() {
            map.insert(
                key(&a.path),
                format!("{}{}", self.base_path, site.url(Output::Article(i))),
            );
        }
        *self.pages.write().unwrap_or_else(|e| e.into_inner()) = map;
    }

    /// Remove this run's staging area (on exit).
    pub fn cleanup(&self) {
        let _ = std::fs::remove_dir_all(&self.staging);
        // The parent folders too, when no other run uses them.
        let desk = self.root.join(".bulletin").join("desk");
        let _ = std::fs::remove_dir(&desk);
    }

    fn judge(&self, req: &Request<Body>) -> Verdict {
        let h = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        guard::judge(
            Seen {
                write: req.method() != Method::GET && req.method() != Method::HEAD,
                host: h("host"),
                origin: h("origin"),
                token: h("x-bulletin-token"),
            },
            Own {
                port: self.port,
                token: &self.token,
                writes: self.writes_off.is_none(),
            },
        )
    }

    /// The link to the page that shows a source file.
    fn page_of(&self, file: &str) -> Option<String> {
        if let Some(url) = self
            .pages
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(file)
        {
            return Some(url.clone());
        }
        // A file that does not build has no page yet: its issue's, by folder name.
        let rest = file.strip_prefix("content/")?;
        let (dir, _) = rest.split_once('/')?;
        Some(format!("{}issues/{dir}/", self.base_path))
    }

    fn state(&self) -> Value {
        let config = crate::config::Config::load(&self.root).ok();
        let names = |v: Option<&crate::config::Vocabulary>| {
            v.map(|v| v.terms.iter().map(|t| t.name.clone()).collect::<Vec<_>>())
        };
        let staged: Vec<Value> = lock(&self.staged)
            .values()
            .map(|s| s.view(&self.root))
            .collect();
        json!({
            "writes": self.writes_off.is_none(),
            "reason": self.writes_off,
            "base": self.base_path,
            "counties": config.as_ref().and_then(|c| names(c.counties.as_ref())),
            "topics": config.as_ref().and_then(|c| names(c.topics.as_ref())),
            "staged": staged,
            "deploy_targets": adapter::deploy_targets(&self.root)
                .into_iter()
                .map(|(name, url)| json!({"name": name, "url": url}))
                .collect::<Vec<_>>(),
            "limits": {"file_bytes": MAX_FILE_BYTES, "files": MAX_STAGED},
        })
    }
}

fn respond(status: StatusCode, ctype: &'static str, body: impl Into<Body>) -> Response<Body> {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    // The 工作台 is never framed by another page (clickjacking its buttons).
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    r
}

fn json_response(status: StatusCode, v: Value) -> Response<Body> {
    respond(status, "application/json", v.to_string())
}

fn error(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    json_response(status, json!({"error": message.into()}))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Answer a request under [`PATH`].
pub async fn handle(desk: Arc<Desk>, req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().to_string();
    let Some(rest) = path.strip_prefix(PATH) else {
        let mut r = respond(
            StatusCode::MOVED_PERMANENTLY,
            "text/plain; charset=utf-8",
            "",
        );
        r.headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static(PATH));
        return r;
    };
    match desk.judge(&req) {
        Verdict::Allow => {}
        Verdict::Forbidden(why) => {
            return error(
                StatusCode::FORBIDDEN,
                format!("拒绝：{why}。没有写入任何内容。"),
            );
        }
        Verdict::WritesOff => {
            return error(
                StatusCode::FORBIDDEN,
                desk.writes_off.clone().unwrap_or_default(),
            );
        }
    }
    let rest = rest.to_string();
    // HEAD is answered as GET (the server drops the body).
    let method = if req.method() == Method::HEAD {
        "GET".to_string()
    } else {
        req.method().as_str().to_string()
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("GET", [""]) => page_html(&desk),
        ("GET", ["desk.js"]) => respond(StatusCode::OK, "text/javascript; charset=utf-8", page::JS),
        ("GET", ["desk.css"]) => respond(StatusCode::OK, "text/css; charset=utf-8", page::CSS),
        ("GET", ["api", "state"]) => json_response(StatusCode::OK, desk.state()),
        ("GET", ["api", "check"]) => publish::check(desk).await,
        ("GET", ["api", "publish"]) => publish::publish_status(&desk),
        ("POST", ["api", "publish"]) => publish::publish_start(desk),
        ("GET", ["api", "deploy"]) => upload::status(&desk),
        ("POST", ["api", "deploy"]) => upload::start_request(desk, req).await,
        ("POST", ["api", "deploy", "plan"]) => upload::plan(desk, req).await,
        ("POST", ["api", "upload"]) => imports::upload(desk, req).await,
        ("POST", ["api", "vocabulary"]) => imports::vocabulary(desk, req).await,
        ("POST", ["api", "staged", id, action]) => {
            let (id, action) = (id.to_string(), action.to_string());
            imports::staged_action(desk, id, &action, req).await
        }
        ("GET", ["api", "staged", id, "file", name]) => imports::staged_file(&desk, id, name),
        _ => error(StatusCode::NOT_FOUND, "工作台没有这个地址"),
    }
}

fn page_html(desk: &Desk) -> Response<Body> {
    let html = page::HTML
        // A read-only 工作台 carries no secret.
        .replace(
            "{{token}}",
            &html_escape(if desk.writes_off.is_none() {
                &desk.token
            } else {
                ""
            }),
        )
        .replace(
            "{{writes}}",
            if desk.writes_off.is_none() {
                "on"
            } else {
                "off"
            },
        )
        .replace("{{base}}", &html_escape(&desk.base_path));
    respond(StatusCode::OK, "text/html; charset=utf-8", html)
}

/// Run blocking library code off the async threads; a panic becomes a readable error.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response<Body>> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "内部错误：这一步意外中止了，没有写入任何内容。请把终端窗口里的信息报告给维护者。",
        )
    })
}

async fn read_json<T: for<'de> Deserialize<'de>>(req: Request<Body>) -> Result<T, Response<Body>> {
    let bytes = axum::body::to_bytes(req.into_body(), MAX_JSON_BYTES)
        .await
        .map_err(|_| error(StatusCode::PAYLOAD_TOO_LARGE, "请求太大"))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("请求的格式不对：{e}")))
}
