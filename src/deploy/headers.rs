//! What each uploaded file is served with, and when it goes up.
//!
//! A web server guesses `Content-Type` from the extension itself; object storage serves what the
//! upload said, and defaults to `application/octet-stream` (a page then downloads instead of
//! showing), so deploy says it for every file, from a built-in table. `Cache-Control` is long and
//! `immutable` for fingerprinted theme files (`style.3f9a1c0e.css`: a new version has a new name)
//! and short for everything a new issue changes (pages, feeds, the search index). Both can be
//! overridden per file pattern in a `deploy:` target's `headers:` (site.yaml).
//!
//! [`Class`] orders uploads so that a reader never meets a page linking to a file not yet there:
//! attachments, images, CSS/JS and the search index, then articles, lists, home, feeds, sitemap.

/// What a file is, in upload order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// PDFs, documents, CSV files, anything not below.
    Attachment,
    /// Photos and pictures.
    Image,
    /// Stylesheets, scripts, fonts, the search index.
    Asset,
    /// `issues/SLUG/ARTICLE/index.html`.
    Article,
    /// Every other page: issues, counties, topics, statistics, search, 404.
    List,
    /// `index.html` at the top.
    Home,
    /// Atom feeds.
    Feed,
    /// `sitemap.xml`, `robots.txt`.
    Sitemap,
}

impl Class {
    /// The class of a path relative to the output folder (`/`-separated). A precompressed copy
    /// (`.gz`, `.br`) goes with its original.
    pub fn of(path: &str) -> Class {
        let path = path
            .strip_suffix(".gz")
            .or_else(|| path.strip_suffix(".br"))
            .unwrap_or(path);
        let name = path.rsplit('/').next().unwrap_or(path);
        let ext = extension(name);
        if path == "index.html" {
            return Class::Home;
        }
        if name == "sitemap.xml" || name == "robots.txt" {
            return Class::Sitemap;
        }
        match ext.as_str() {
            "html" | "htm" => {
                let parts: Vec<&str> = path.split('/').collect();
                if parts.len() == 4 && parts[0] == "issues" && parts[3] == "index.html" {
                    Class::Article
                } else {
                    Class::List
                }
            }
            "xml" | "atom" | "rss" => Class::Feed,
            "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "svg" | "ico" | "bmp" => {
                Class::Image
            }
            "css" | "js" | "mjs" | "map" | "woff" | "woff2" | "ttf" | "otf" | "wasm" | "json"
            | "bin" => Class::Asset,
            _ if path.starts_with("search/") => Class::Asset,
            _ => Class::Attachment,
        }
    }
}

/// The lower-case extension of a file name, `""` when it has none.
fn extension(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The built-in `Content-Type` of a path; text types carry `; charset=utf-8` (everything bulletin
/// writes is UTF-8).
pub fn content_type(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = extension(name);
    let (mime, text) = match ext.as_str() {
        "html" | "htm" => ("text/html", true),
        "css" => ("text/css", true),
        "js" | "mjs" => ("text/javascript", true),
        "json" | "map" => ("application/json", true),
        "xml" if name == "sitemap.xml" => ("application/xml", true),
        "xml" if name.contains("feed") || name == "atom.xml" => ("application/atom+xml", true),
        "xml" => ("application/xml", true),
        "txt" => ("text/plain", true),
        "csv" => ("text/csv", true),
        "md" => ("text/markdown", true),
        "svg" => ("image/svg+xml", true),
        "png" => ("image/png", false),
        "jpg" | "jpeg" => ("image/jpeg", false),
        "gif" => ("image/gif", false),
        "webp" => ("image/webp", false),
        "avif" => ("image/avif", false),
        "ico" => ("image/x-icon", false),
        "bmp" => ("image/bmp", false),
        "pdf" => ("application/pdf", false),
        "ofd" => ("application/ofd", false),
        "doc" => ("application/msword", false),
        "docx" => (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            false,
        ),
        "xls" => ("application/vnd.ms-excel", false),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            false,
        ),
        "ppt" => ("application/vnd.ms-powerpoint", false),
        "pptx" => (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            false,
        ),
        "wps" => ("application/vnd.ms-works", false),
        "zip" => ("application/zip", false),
        "rar" => ("application/vnd.rar", false),
        "7z" => ("application/x-7z-compressed", false),
        "gz" => ("application/gzip", false),
        "br" => ("application/x-brotli", false),
        "woff" => ("font/woff", false),
        "woff2" => ("font/woff2", false),
        "ttf" => ("font/ttf", false),
        "otf" => ("font/otf", false),
        "wasm" => ("application/wasm", false),
        "mp4" => ("video/mp4", false),
        "mp3" => ("audio/mpeg", false),
        _ => ("application/octet-stream", false),
    };
    if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// A year, for files whose name changes with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Five minutes, for pages, feeds and the search index: a new issue shows within minutes.
pub const SHORT: &str = "public, max-age=300";
/// A day, for photos and attachments, which keep their name when replaced (rarely).
pub const DAY: &str = "public, max-age=86400";

/// Whether a file name carries a content hash: a dot-separated part of 8 or more hex digits
/// before the extension (`style.3f9a1c0e.css`).
pub fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .any(|p| p.len() >= 8 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The built-in `Cache-Control` of a path.
pub fn cache_control(path: &str) -> &'static str {
    if is_fingerprinted(path) {
        return IMMUTABLE;
    }
    match Class::of(path) {
        Class::Attachment | Class::Image => DAY,
        _ => SHORT,
    }
}

/// The header rules of a target (`headers:` in site.yaml), over the built-in table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// (pattern, Cache-Control, Content-Type) in the order written; the first rule that matches
    /// a path and sets a header decides that header.
    pub rules: Vec<(String, Option<String>, Option<String>)>,
}

impl Rules {
    /// `Content-Type` and `Cache-Control` of a path.
    pub fn headers(&self, path: &str) -> (String, String) {
        let ct = self
            .rules
            .iter()
            .find_map(|(p, _, ct)| ct.as_ref().filter(|_| matches(p, path)).cloned())
            .unwrap_or_else(|| content_type(path));
        let cc = self
            .rules
            .iter()
            .find_map(|(p, cc, _)| cc.as_ref().filter(|_| matches(p, path)).cloned())
            .unwrap_or_else(|| cache_control(path).to_string());
        (ct, cc)
    }
}

/// Whether `path` (relative, `/`-separated) matches a pattern: `*` stands for any characters but
/// `/`, `**` for any folders; a pattern without `/` is matched against the file name alone.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches('/');
    if !pattern.contains('/') {
        let name = path.rsplit('/').next().unwrap_or(path);
        return glob(pattern.as_bytes(), name.as_bytes());
    }
    glob(pattern.as_bytes(), path.as_bytes())
}

/// Glob matching with `*` (not across `/`) and `**` (across), by backtracking over at most one
/// star of each kind at a time; patterns are short and written by the site's editor.
fn glob(p: &[u8], s: &[u8]) -> bool {
    if p.is_empty() {
        return s.is_empty();
    }
    if p.starts_with(b"**") {
        let rest = p[2..].strip_prefix(b"/").unwrap_or(&p[2..]);
        if rest.is_empty() {
            return true;
        }
        return (0..=s.len()).any(|i| (i == 0 || s[i - 1] == b'/') && glob(rest, &s[i..]))
            || glob(&p[2..], s);
    }
    if p[0] == b'*' {
        let mut i = 0;
        loop {
            if glob(&p[1..], &s[i..]) {
                return true;
            }
            if i == s.len() || s[i] == b'/' {
                return false;
            }
            i += 1;
        }
    }
    !s.is_empty() && (p[0] == b'?' && s[0] != b'/' || p[0] == s[0]) && glob(&p[1..], &s[1..])
}
