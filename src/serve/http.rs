//! The HTTP side of the preview: files from memory, the live-reload event stream, and the one place
//! where the reload script is added to pages.
//!
//! Nothing here reads the file system: every response comes from the in-memory site, so no request
//! path, however encoded, can reach a file outside it. Paths are still checked and odd ones refused
//! with 400, so a mistake shows instead of a silent miss.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use tokio::sync::broadcast;

use super::mime::content_type;

/// The reload script, served at `BASE__bulletin/livereload.js`.
pub const LIVERELOAD_JS: &str = include_str!("livereload.js");
/// Where the preview's own endpoints live, under the base path.
pub const PREFIX: &str = "__bulletin/";
/// The 工作台's path, without its final slash (so `/.bulletin/desk` is redirected to it).
const DESK_PREFIX: &str = "/.bulletin/desk";

/// What browsers are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The site changed: reload.
    Reload(u64),
    /// Only stylesheets changed: swap them.
    Css(u64),
    /// The last rebuild failed: show this (plain text) over the page.
    Error(String),
    /// The server is stopping: close the stream.
    Shutdown,
}

/// Shared between the rebuild thread and the request handlers.
pub struct ServeState {
    pub files: RwLock<Arc<HashMap<String, Arc<[u8]>>>>,
    pub error: RwLock<Option<String>>,
    pub version: AtomicU64,
    pub tx: broadcast::Sender<Message>,
    /// The base URL's path, `/` or `/jianbao/`.
    pub base_path: String,
    /// The 工作台, answering under `/.bulletin/desk/`.
    pub desk: std::sync::OnceLock<Arc<crate::serve::desk::Desk>>,
}

impl ServeState {
    pub fn new(base_path: &str) -> Arc<ServeState> {
        let (tx, _) = broadcast::channel(64);
        Arc::new(ServeState {
            files: RwLock::new(Arc::new(HashMap::new())),
            error: RwLock::new(None),
            version: AtomicU64::new(0),
            tx,
            base_path: base_path.to_string(),
            desk: std::sync::OnceLock::new(),
        })
    }

    /// Publish a new site (or a new version of it).
    pub fn publish(&self, files: HashMap<String, Arc<[u8]>>, version: u64) {
        *self.files.write().expect("files lock") = Arc::new(files);
        self.version.store(version, Ordering::SeqCst);
        *self.error.write().expect("error lock") = None;
    }

    /// Replace the files without telling browsers (the search index caught up).
    pub fn replace_files(&self, files: HashMap<String, Arc<[u8]>>) {
        *self.files.write().expect("files lock") = Arc::new(files);
    }

    pub fn set_error(&self, text: Option<String>) {
        *self.error.write().expect("error lock") = text;
    }

    fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files.read().expect("files lock").get(path).cloned()
    }

    fn exists(&self, path: &str) -> bool {
        self.files.read().expect("files lock").contains_key(path)
    }
}

/// How a request path maps onto the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Serve this file (path inside the site).
    File(String),
    /// Redirect to this path (a folder without its slash, or the root of a sub-path site).
    Redirect(String),
    /// A preview endpoint (`livereload.js`, `events`).
    Internal(String),
    NotFound,
    /// A path that tries to climb out or is malformed.
    BadRequest,
}

/// `s` with its percent escapes decoded; `None` if an escape is malformed (`%zz`, a `%` at the
/// end) or the bytes are not UTF-8, which is a bad request rather than a file's name.
fn percent_decoded(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

/// Map a raw (still percent-encoded) request path onto the site.
pub fn request_file(base_path: &str, raw: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    let Some(rest) = raw.strip_prefix(base_path) else {
        // `/jianbao` without its slash, or `/` of a site that lives under a sub-path.
        if raw == "/" || format!("{raw}/") == base_path {
            return Resolved::Redirect(base_path.to_string());
        }
        return Resolved::NotFound;
    };
    let Some(decoded) = percent_decoded(rest) else {
        return Resolved::BadRequest;
    };
    if decoded.contains('\\') || decoded.contains('\0') || decoded.starts_with('/') {
        return Resolved::BadRequest;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Resolved::BadRequest;
    }
    if let Some(internal) = decoded.strip_prefix(PREFIX) {
        return Resolved::Internal(internal.to_string());
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        let file = format!("{decoded}index.html");
        return if exists(&file) {
            Resolved::File(file)
        } else {
            Resolved::NotFound
        };
    }
    if exists(&decoded) {
        return Resolved::File(decoded);
    }
    if exists(&format!("{decoded}/index.html")) {
        return Resolved::Redirect(format!("{raw}/"));
    }
    Resolved::NotFound
}

/// Add the reload script to an HTML page, before `</body>` or at the end. This is the only place
/// pages are changed for the preview; built sites never carry it.
pub fn inject(html: &[u8], base_path: &str, version: u64) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{base_path}{PREFIX}livereload.js\" data-base=\"{base_path}\" data-version=\"{version}\"></script>"
    );
    let lower_end = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..lower_end]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[lower_end..]);
    out
}

/// The router: every path goes through [`handle`].
pub fn router(state: Arc<ServeState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

fn respond(status: StatusCode, ctype: &'static str, body: impl Into<Body>) -> Response<Body> {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn handle(State(state): State<Arc<ServeState>>, req: Request<Body>) -> Response<Body> {
    if req.uri().path().starts_with(DESK_PREFIX)
        && let Some(desk) = state.desk.get()
    {
        return crate::serve::desk::handle(desk.clone(), req).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "GET only\n",
        );
    }
    let raw = req.uri().path().to_string();
    let version = state.version.load(Ordering::SeqCst);
    match request_file(&state.base_path, &raw, |p| state.exists(p)) {
        Resolved::File(path) => {
            let Some(bytes) = state.get(&path) else {
                return not_found(&state, version);
            };
            let ctype = content_type(&path);
            if ctype.starts_with("text/html") {
                respond(
                    StatusCode::OK,
                    ctype,
                    inject(&bytes, &state.base_path, version),
                )
            } else {
                respond(StatusCode::OK, ctype, bytes.to_vec())
            }
        }
        Resolved::Redirect(to) => {
            let mut r = respond(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                "",
            );
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Resolved::Internal(what) if what == "livereload.js" => respond(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            LIVERELOAD_JS,
        ),
        Resolved::Internal(what) if what == "events" => events(state).await.into_response(),
        Resolved::Internal(_) | Resolved::NotFound => not_found(&state, version),
        Resolved::BadRequest => respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            "bad request path\n",
        ),
    }
}

fn not_found(state: &ServeState, version: u64) -> Response<Body> {
    match state.get("404.html") {
        Some(page) => respond(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            inject(&page, &state.base_path, version),
        ),
        // No site yet (the first build failed): a bare page that still carries the reload script,
        // so the error shows and the page recovers once the site builds.
        None => respond(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            inject(
                "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>bulletin</title><body><p>页面不存在 · not found</p></body></html>".as_bytes(),
                &state.base_path,
                version,
            ),
        ),
    }
}

/// The event stream a page listens to. It starts with the current version (a page built before a
/// rebuild reloads at once) and the current error, if any.
async fn events(
    state: Arc<ServeState>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let rx = state.tx.subscribe();
    let mut first = vec![
        Event::default()
            .event("hello")
            .data(state.version.load(Ordering::SeqCst).to_string()),
    ];
    if let Some(err) = state.error.read().expect("error lock").clone() {
        first.push(Event::default().event("build-error").data(err));
    }
    let stream = futures_util::stream::unfold((first, rx), |(mut pending, mut rx)| async move {
        if !pending.is_empty() {
            let e = pending.remove(0);
            return Some((Ok(e), (pending, rx)));
        }
        let event = match rx.recv().await {
            Ok(Message::Reload(v)) => Event::default().event("reload").data(v.to_string()),
            Ok(Message::Css(v)) => Event::default().event("css").data(v.to_string()),
            Ok(Message::Error(text)) => Event::default().event("build-error").data(text),
            Ok(Message::Shutdown) | Err(broadcast::error::RecvError::Closed) => return None,
            // Missed messages: the safe thing is a reload.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("reload").data("0")
            }
        };
        Some((Ok(event), (pending, rx)))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(p: &str) -> bool {
        [
            "index.html",
            "issues/index.html",
            "style.css",
            "404.html",
            "a b/index.html",
        ]
        .contains(&p)
    }

    #[test]
    fn request_paths_resolve_inside_the_site_only() {
        let cases: &[(&str, &str, Resolved)] = &[
            ("/", "/", Resolved::File("index.html".into())),
            ("/", "/issues/", Resolved::File("issues/index.html".into())),
            ("/", "/issues", Resolved::Redirect("/issues/".into())),
            ("/", "/style.css", Resolved::File("style.css".into())),
            ("/", "/nope", Resolved::NotFound),
            ("/", "/%E4%B8%AD", Resolved::NotFound),
            ("/", "/a%20b/", Resolved::File("a b/index.html".into())),
            ("/", "/../etc/passwd", Resolved::BadRequest),
            ("/", "/issues/../../etc/passwd", Resolved::BadRequest),
            ("/", "/%2e%2e/etc/passwd", Resolved::BadRequest),
            ("/", "/%2E%2E%2Fetc%2Fpasswd", Resolved::BadRequest),
            ("/", "/%252e%252e/etc/passwd", Resolved::NotFound),
            ("/", "/..%5c..%5cetc%5cpasswd", Resolved::BadRequest),
            ("/", "/a\\b", Resolved::BadRequest),
            ("/", "/%00", Resolved::BadRequest),
            ("/", "//etc/passwd", Resolved::BadRequest),
            ("/", "/%zz", Resolved::BadRequest),
            (
                "/",
                "/__bulletin/events",
                Resolved::Internal("events".into()),
            ),
            ("/jb/", "/", Resolved::Redirect("/jb/".into())),
            ("/jb/", "/jb", Resolved::Redirect("/jb/".into())),
            ("/jb/", "/jb/", Resolved::File("index.html".into())),
            (
                "/jb/",
                "/jb/issues/",
                Resolved::File("issues/index.html".into()),
            ),
            ("/jb/", "/issues/", Resolved::NotFound),
            (
                "/jb/",
                "/jb/__bulletin/livereload.js",
                Resolved::Internal("livereload.js".into()),
            ),
        ];
        for (base, raw, want) in cases {
            assert_eq!(&request_file(base, raw, site), want, "{base} {raw}");
        }
    }

    #[test]
    fn html_is_served_as_utf8() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("x.unknown"), "application/octet-stream");
    }

    #[test]
    fn the_reload_script_goes_before_the_body_end() {
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></BODY></html>", "/jb/", 3)).unwrap();
        assert!(
            out.starts_with("<html><body><p>x</p><script src=\"/jb/__bulletin/livereload.js\""),
            "{out}"
        );
        assert!(out.contains("data-version=\"3\""));
        assert!(out.ends_with("</script></BODY></html>"));
        let out = String::from_utf8(inject(b"<p>no body end", "/", 1)).unwrap();
        assert!(out.starts_with("<p>no body end<script"));
    }
}
