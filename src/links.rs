//! The link check: every `href` and `src` in every rendered page that points into the site must
//! reach a page or file the build writes, and a `#fragment` must name an element of that page.
//!
//! Pages are scanned as they are written (a [`Sink`] wrapped around the real one), with the HTML
//! tokenizer of html5ever ([`crate::html`]), so minified pages with unquoted attributes and
//! entities are read the way a browser reads them. Links are checked once all
//! pages are known; every broken one is reported, page by page.

use std::collections::{HashMap, HashSet};
use std::io;
use std::sync::Mutex;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::write::Sink;

/// What one page links to and which ids it holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageLinks {
    pub links: Vec<String>,
    pub ids: Vec<String>,
}

/// The links and ids of an HTML page.
pub fn scan(html: &str) -> PageLinks {
    let mut page = PageLinks::default();
    crate::html::start_tags(html, |tag| {
        for attr in &tag.attrs {
            match &*attr.name.local {
                "href" | "src" => page.links.push(attr.value.to_string()),
                "id" => page.ids.push(attr.value.to_string()),
                "name" if &*tag.name == "a" => page.ids.push(attr.value.to_string()),
                _ => {}
            }
        }
    });
    page
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

/// `s` with its percent escapes decoded, as a browser shows them (a malformed escape stays as it
/// is, invalid UTF-8 becomes U+FFFD).
fn percent_decoded(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Where the site is published, as a URL to resolve links against: `base_url` itself when it is
/// absolute, else its path on a stand-in host that no link names.
fn site_url(base_url: &str) -> Option<Url> {
    match Url::parse(base_url) {
        Ok(url) if !url.cannot_be_a_base() => Some(url),
        _ => Url::parse("http://site.invalid/")
            .ok()?
            .join(&crate::config::base_path_of(base_url))
            .ok(),
    }
}

/// Resolve `link`, found on the page written at `page` (e.g. `issues/x/index.html`), for a site
/// published at `base_url`: the link is joined to the page's URL as a browser joins it (`url`,
/// the WHATWG URL standard), and what lands under the site's base path is a file of the output.
pub fn link_target(base_url: &str, page: &str, link: &str) -> Target {
    let Some(site) = site_url(base_url) else {
        return Target::Outside;
    };
    let Ok(target) = site
        .join(page)
        .and_then(|page_url| page_url.join(link.trim()))
    else {
        return Target::Outside;
    };
    if !matches!(target.scheme(), "http" | "https") || target.origin() != site.origin() {
        return Target::Outside;
    }
    let base_path = site.path();
    let path = target.path();
    let rest = match path.strip_prefix(base_path) {
        Some(rest) => rest,
        // The base path without its slash.
        None if base_path.strip_suffix('/') == Some(path) => "",
        None => return Target::OutsideBase,
    };
    let decoded = percent_decoded(rest);
    let file = if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded
    };
    Target::Inside {
        file,
        fragment: target
            .fragment()
            .map(percent_decoded)
            .filter(|f| !f.is_empty()),
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
            let problem = match link_target(base_url, page, link) {
                Target::Outside => None,
                Target::OutsideBase => {
                    let base = crate::config::base_path_of(base_url);
                    Some([
                        format!("it points outside the site's base path `{base}`"),
                        format!("它指到了网站根路径 `{base}` 之外"),
                    ])
                }
                Target::Inside { file, fragment } => {
                    let target = if files.contains(&file) {
                        Some(file.clone())
                    } else {
                        let folder = format!("{file}/index.html");
                        files.contains(&folder).then_some(folder)
                    };
                    match (target, fragment) {
                        (None, _) => Some([
                            format!("nothing is written at /{file}"),
                            format!("网站里没有 /{file}"),
                        ]),
                        (Some(t), Some(f)) => match pages.get(&t) {
                            Some(p) if !p.ids.contains(&f) => Some([
                                format!("/{t} has no element with id=\"{f}\""),
                                format!("/{t} 里没有 id=\"{f}\" 的位置"),
                            ]),
                            _ => None,
                        },
                        _ => None,
                    }
                }
            };
            if let Some([why, why_zh]) = problem {
                let url = page.trim_end_matches("index.html");
                let mut d = Diagnostic::error(format!("broken link on /{url}: `{link}`"))
                    .with_help(why)
                    .zh(format!("/{url} 上的链接打不开：`{link}`"))
                    .zh_help(why_zh);
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
            assert_eq!(&link_target(base, page, link), want, "{link}");
        }
    }

    #[test]
    fn links_resolve_as_a_browser_resolves_them() {
        let inside = |file: &str, fragment: Option<&str>| Target::Inside {
            file: file.into(),
            fragment: fragment.map(String::from),
        };
        let page = "issues/2021-1/index.html";
        let base = "https://example.gov.cn/jb/";
        // Host case, default ports and dot segments are the URL standard's.
        for (link, want) in [
            (
                "HTTPS://Example.GOV.cn:443/jb/feed.xml",
                inside("feed.xml", None),
            ),
            ("/jb/a/../style.css", inside("style.css", None)),
            ("//elsewhere.cn/jb/", Target::Outside),
            ("http://example.gov.cn:8080/jb/", Target::Outside),
            (
                "/jb/%E5%86%9C/#%E4%B8%80",
                inside("农/index.html", Some("一")),
            ),
            ("?q=1", inside(page, None)),
            ("javascript:void(0)", Target::Outside),
        ] {
            assert_eq!(link_target(base, page, link), want, "{link}");
        }
        // A base URL that is only a path: absolute URLs are another site's.
        for (link, want) in [
            ("/x/", inside("x/index.html", None)),
            ("https://example.gov.cn/x/", Target::Outside),
            ("../../feed.xml", inside("feed.xml", None)),
        ] {
            assert_eq!(link_target("/", page, link), want, "{link}");
        }
        assert_eq!(
            link_target("/jb/", page, "../../../x"),
            Target::OutsideBase,
            "above the base path"
        );
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
