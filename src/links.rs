//! The link check: every `href` and `src` in every rendered page that points into the site must
//! reach a page or file the build writes, and a `#fragment` must name an element of that page.
//!
//! Pages are scanned as they are written (a [`Sink`] wrapped around the real one), with the HTML
//! tokenizer of html5ever (already in the build through ammonia), so minified pages with unquoted
//! attributes and entities are read the way a browser reads them. Links are checked once all
//! pages are known; every broken one is reported, page by page.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::sync::Mutex;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Sink;

/// What one page links to and which ids it holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageLinks {
    pub links: Vec<String>,
    pub ids: Vec<String>,
}

struct Collector(RefCell<PageLinks>);

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            let mut page = self.0.borrow_mut();
            for attr in &tag.attrs {
                match &*attr.name.local {
                    "href" | "src" => page.links.push(attr.value.to_string()),
                    "id" => page.ids.push(attr.value.to_string()),
                    "name" if &*tag.name == "a" => page.ids.push(attr.value.to_string()),
                    _ => {}
                }
            }
            return after_start_tag(&tag.name);
        }
        TokenSinkResult::Continue
    }
}

/// What a tree builder would tell html5ever's tokenizer after the start tag `name`: the text of
/// these elements is not markup, so `<a href>` inside a <title> or a script is not a link. For
/// any [`TokenSink`] that reads pages as a browser does.
pub fn after_start_tag(name: &str) -> TokenSinkResult<()> {
    match name {
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        _ => TokenSinkResult::Continue,
    }
}

/// The links and ids of an HTML page.
pub fn scan(html: &str) -> PageLinks {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tok = Tokenizer::new(
        Collector(RefCell::new(PageLinks::default())),
        TokenizerOpts::default(),
    );
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.into_inner()
}

/// Where a link leads, if inside the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of the site (path in the output) and maybe a fragment.
    Inside {
        file: String,
        fragment: Option<String>,
    },
    /// Another site, or a scheme we do not check (mailto:, tel:, data:).
    Outside,
    /// An absolute path that does not start with the site's base path.
    OutsideBase,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolve `link`, found on the page written at `page` (e.g. `issues/x/index.html`), for a site
/// published at `base_url`.
pub fn resolve(base_url: &str, page: &str, link: &str) -> Target {
    let link = link.trim();
    let base_path = crate::config::base_path_of(base_url);
    let lower = link.to_ascii_lowercase();
    for scheme in ["mailto:", "tel:", "javascript:", "data:", "ftp:"] {
        if lower.starts_with(scheme) {
            return Target::Outside;
        }
    }
    let (without_fragment, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (link, None),
    };
    let path = without_fragment.split('?').next().unwrap_or_default();
    let in_site: String = if path.is_empty() {
        // `#id` or `?q=`: this very page.
        return Target::Inside {
            file: page.to_string(),
            fragment: fragment.filter(|f| !f.is_empty()),
        };
    } else if lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("//")
    {
        let absolute = if path.starts_with("//") {
            format!("http:{path}")
        } else {
            path.to_string()
        };
        let base = if base_url.starts_with("//") {
            format!("http:{base_url}")
        } else {
            base_url.to_string()
        };
        let strip = |u: &str| {
            u.split_once("://")
                .map(|(_, r)| r.to_string())
                .unwrap_or_default()
        };
        let (a, b) = (strip(&absolute), strip(&base));
        if !b.is_empty() && (a.starts_with(&b) || format!("{a}/") == b) {
            a.get(b.len()..).unwrap_or("").to_string()
        } else {
            return Target::Outside;
        }
    } else if let Some(abs) = path.strip_prefix('/') {
        match format!("/{abs}").strip_prefix(base_path) {
            Some(rest) => rest.to_string(),
            None if format!("/{abs}/") == base_path => String::new(),
            None => return Target::OutsideBase,
        }
    } else {
        // Relative to the page's folder.
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Target::OutsideBase;
                    }
                }
                s => parts.push(s),
            }
        }
        let mut joined = parts.join("/");
        if path.ends_with('/') && !joined.is_empty() {
            joined.push('/');
        }
        joined
    };
    let decoded = percent_decode(&in_site);
    let file = if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded
    };
    Target::Inside {
        file,
        fragment: fragment.filter(|f| !f.is_empty()),
    }
}

/// A sink that scans every HTML page for links while passing everything on.
pub struct LinkScanner<'a> {
    inner: &'a dyn Sink,
    pages: Mutex<HashMap<String, PageLinks>>,
    files: Mutex<HashSet<String>>,
}

impl<'a> LinkScanner<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        LinkScanner {
            inner,
            pages: Mutex::new(HashMap::new()),
            files: Mutex::new(HashSet::new()),
        }
    }

    /// Check every link of every page seen. `source_of` names the content file behind a page,
    /// where there is one, so the message can point at what to edit.
    pub fn check(self, base_url: &str, source_of: impl Fn(&str) -> Option<String>) -> Diagnostics {
        let pages = self.pages.into_inner().expect("pages lock");
        let files = self.files.into_inner().expect("files lock");
        check_pages(base_url, &pages, &files, source_of)
    }
}

impl Sink for LinkScanner<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if path.ends_with(".html") {
            let page = scan(&String::from_utf8_lossy(bytes));
            self.pages
                .lock()
                .expect("pages lock")
                .insert(path.to_string(), page);
        }
        self.files
            .lock()
            .expect("files lock")
            .insert(path.to_string());
        self.inner.write(path, bytes)
    }

    fn prepare(&self, paths: &[String]) -> io::Result<()> {
        self.inner.prepare(paths)
    }

    fn discards(&self) -> bool {
        self.inner.discards()
    }

    fn write_file(&self, path: &str, source: &std::path::Path) -> io::Result<()> {
        if path.ends_with(".html") {
            return self.write(path, &std::fs::read(source)?);
        }
        self.files
            .lock()
            .expect("files lock")
            .insert(path.to_string());
        self.inner.write_file(path, source)
    }
}

/// Check the links of `pages` against `files`.
pub fn check_pages(
    base_url: &str,
    pages: &HashMap<String, PageLinks>,
    files: &HashSet<String>,
    source_of: impl Fn(&str) -> Option<String>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut names: Vec<&String> = pages.keys().collect();
    names.sort();
    for page in names {
        let mut seen = HashSet::new();
        for link in &pages[page].links {
            if !seen.insert(link) {
                continue;
            }
            let problem = match resolve(base_url, page, link) {
                Target::Outside => None,
                Target::OutsideBase => Some(format!(
                    "it points outside the site's base path `{}`",
                    crate::config::base_path_of(base_url)
                )),
                Target::Inside { file, fragment } => {
                    let target = if files.contains(&file) {
                        Some(file.clone())
                    } else {
                        let folder = format!("{file}/index.html");
                        files.contains(&folder).then_some(folder)
                    };
                    match (target, fragment) {
                        (None, _) => Some(format!("nothing is written at /{file}")),
                        (Some(t), Some(f)) => match pages.get(&t) {
                            Some(p) if !p.ids.contains(&f) => {
                                Some(format!("/{t} has no element with id=\"{f}\""))
                            }
                            _ => None,
                        },
                        _ => None,
                    }
                }
            };
            if let Some(why) = problem {
                let url = page.trim_end_matches("index.html");
                let mut d =
                    Diagnostic::error(format!("broken link on /{url}: `{link}`")).with_help(why);
                if let Some(src) = source_of(page) {
                    d = d.with_path(src);
                }
                diags.push(d);
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_reads_minified_attributes_and_entities() {
        let p = scan(
            "<a href=/x/ id=top>a</a><img src=\"/i.png\"><a href='/y/?a=1&amp;b=2#s'>b</a><a name=old></a>",
        );
        assert_eq!(p.links, vec!["/x/", "/i.png", "/y/?a=1&b=2#s"]);
        assert_eq!(p.ids, vec!["top", "old"]);
        let p = scan(
            "<title>&lt;/title><a href=/no/></title><script>'<a href=/no2/>'</script><a href=/yes/>",
        );
        assert_eq!(p.links, vec!["/yes/"]);
    }

    #[test]
    fn links_resolve_to_output_files() {
        let base = "https://example.gov.cn/jb/";
        let page = "issues/2021-1/index.html";
        let cases: &[(&str, Target)] = &[
            (
                "/jb/issues/",
                Target::Inside {
                    file: "issues/index.html".into(),
                    fragment: None,
                },
            ),
            (
                "/jb/",
                Target::Inside {
                    file: "index.html".into(),
                    fragment: None,
                },
            ),
            (
                "/jb",
                Target::Inside {
                    file: "index.html".into(),
                    fragment: None,
                },
            ),
            (
                "/jb/style.css",
                Target::Inside {
                    file: "style.css".into(),
                    fragment: None,
                },
            ),
            (
                "/jb/issues/2021-1/#a",
                Target::Inside {
                    file: "issues/2021-1/index.html".into(),
                    fragment: Some("a".into()),
                },
            ),
            (
                "#a",
                Target::Inside {
                    file: page.into(),
                    fragment: Some("a".into()),
                },
            ),
            (
                "a/",
                Target::Inside {
                    file: "issues/2021-1/a/index.html".into(),
                    fragment: None,
                },
            ),
            (
                "../",
                Target::Inside {
                    file: "issues/index.html".into(),
                    fragment: None,
                },
            ),
            ("../../../../x", Target::OutsideBase),
            ("/other/", Target::OutsideBase),
            (
                "https://example.gov.cn/jb/feed.xml",
                Target::Inside {
                    file: "feed.xml".into(),
                    fragment: None,
                },
            ),
            ("https://elsewhere.cn/jb/", Target::Outside),
            ("mailto:a@b.cn", Target::Outside),
            (
                "/jb/search/?q=%E5%86%9C",
                Target::Inside {
                    file: "search/index.html".into(),
                    fragment: None,
                },
            ),
        ];
        for (link, want) in cases {
            assert_eq!(&resolve(base, page, link), want, "{link}");
        }
    }

    #[test]
    fn broken_links_and_missing_anchors_are_reported_per_page() {
        let mut pages = HashMap::new();
        pages.insert(
            "index.html".to_string(),
            PageLinks {
                links: vec![
                    "/a/".into(),
                    "/b/".into(),
                    "/a/#here".into(),
                    "/a/#gone".into(),
                ],
                ids: vec![],
            },
        );
        pages.insert(
            "a/index.html".to_string(),
            PageLinks {
                links: vec![],
                ids: vec!["here".into()],
            },
        );
        let files: HashSet<String> = ["index.html", "a/index.html"].map(String::from).into();
        let d = check_pages("/", &pages, &files, |_| None);
        let text = d.render(false);
        assert_eq!(d.error_count(), 2, "{text}");
        assert!(text.contains("broken link on /: `/b/`"), "{text}");
        assert!(text.contains("no element with id=\"gone\""), "{text}");
    }
}
