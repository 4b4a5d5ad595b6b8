//! `TestSite`: a site in a temp folder, filled file by file, built with the real binary.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the sample site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success:\n{}{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(&self) -> &Self {
        assert_ne!(
            self.code, 0,
            "expected failure:\n{}{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

impl TestSite {
    /// An empty folder.
    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A site with no site.yaml and nothing in content/ yet.
    pub fn new() -> TestSite {
        let s = TestSite::empty();
        std::fs::create_dir_all(s.path().join("content")).unwrap();
        s
    }

    /// A copy of the repository's sample site (site.yaml and content/; the theme is built in).
    pub fn sample() -> TestSite {
        let s = TestSite::empty();
        copy_dir(&repo().join("content"), &s.path().join("content"));
        std::fs::copy(repo().join("site.yaml"), s.path().join("site.yaml")).unwrap();
        s
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (parents made as needed).
    pub fn file(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).unwrap();
        self
    }

    /// An issue folder with its _index.md.
    pub fn issue(&self, slug: &str, number: i64, date: &str) -> &Self {
        self.file(
            &format!("content/{slug}/_index.md"),
            format!("---\nnumber: {number}\ndate: {date}\n---\n"),
        )
    }

    /// An article in an issue folder.
    pub fn article(
        &self,
        issue: &str,
        file: &str,
        title: &str,
        county: &str,
        topics: &[&str],
    ) -> &Self {
        self.file(
            &format!("content/{issue}/{file}.md"),
            format!(
                "---\ntitle: {title}\ncounty: {county}\ntopics: [{}]\n---\n{title}的正文。\n",
                topics.join(", ")
            ),
        )
    }

    /// Run `bulletin ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Run `bulletin ARGS` in the site folder with these environment variables set.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .expect("run bulletin");
        Run::from(out)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// Read a file of the output.
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let p = self.path().join("output").join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join("output").join(rel).exists()
    }

    /// The `<main>` element of an output page: what a test should compare, not the whole page.
    #[track_caller]
    pub fn main_of(&self, rel: &str) -> String {
        let html = markup(&self.read(rel));
        let start = html
            .find("<main")
            .unwrap_or_else(|| panic!("no <main> in {rel}"));
        let end = html.find("</main>").unwrap_or(html.len());
        html[start..end].to_string()
    }

    /// The `<loc>` of every page the sitemap lists: `sitemap.xml` is an index whose parts
    /// (`sitemaps/*.xml`) are read from the output folder, in the index's order.
    #[track_caller]
    pub fn sitemap_locs(&self) -> Vec<String> {
        let index = self.read("sitemap.xml");
        assert!(
            index.contains("<sitemapindex "),
            "not a sitemap index: {index}"
        );
        let mut locs = Vec::new();
        for part in xml_locs(&index) {
            let rel = part
                .split_once("/sitemaps/")
                .map(|(_, name)| format!("sitemaps/{name}"))
                .unwrap_or_else(|| panic!("{part} is not under sitemaps/"));
            let text = self.read(&rel);
            assert!(text.contains("<urlset "), "{rel} is not a urlset");
            locs.extend(xml_locs(&text));
        }
        locs
    }

    /// Every file of the output with its bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.path().join("output"))
    }
}

/// The text of each `<loc>` of a sitemap or sitemap index, in order.
pub fn xml_locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|x| x.split("</loc>").next().unwrap().to_string())
        .collect()
}

pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir(dir) {
        let rel = e
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.insert(rel, std::fs::read(&e).unwrap());
    }
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The values of every `href` and `src` attribute in an HTML page, as the link check reads them.
pub fn links(html: &str) -> Vec<String> {
    bulletin::links::scan(html).links
}

/// An element's name and attributes.
pub type Element = (String, Vec<(String, String)>);

/// Every element start tag of a page, as a browser's parser sees them (text of <title>, <script>,
/// <style> and the like is text, not markup): name and attributes.
pub fn elements(html: &str) -> Vec<Element> {
    let mut out = Vec::new();
    bulletin::html::start_tags(html, |tag| {
        let attrs = tag
            .attrs
            .iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect();
        out.push((tag.name.to_string(), attrs));
    });
    out
}

/// What a browser reads from a page, as a list: start tags with their attributes (sorted; a class
/// attribute's names one space apart), end tags, and
/// text with its whitespace runs made one space and trimmed (whitespace-only text and comments
/// left out). Two pages with the same list show the same thing wherever whitespace next to tags
/// does not matter, which is what minification may change.
pub fn reading(html: &str) -> Vec<String> {
    use bulletin::html::{TagKind, Token};
    let mut out = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<String>| {
        let t = text.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push(t);
        }
        text.clear();
    };
    bulletin::html::tokens(html, |token| match token {
        Token::CharacterTokens(t) => text.push_str(&t),
        Token::TagToken(tag) => {
            flush(&mut text, &mut out);
            // In any order, as a browser reads them; a class as its list of names.
            let mut attrs: Vec<String> = tag
                .attrs
                .iter()
                .map(|a| {
                    let value = match &*a.name.local {
                        "class" => a
                            .value
                            .split_ascii_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                        _ => a.value.to_string(),
                    };
                    format!(" {}={value:?}", a.name.local)
                })
                .collect();
            attrs.sort();
            let slash = if tag.kind == TagKind::EndTag { "/" } else { "" };
            out.push(format!("<{slash}{}{}>", tag.name, attrs.concat()));
        }
        Token::DoctypeToken(d) => {
            flush(&mut text, &mut out);
            out.push(format!("<!doctype {:?}>", d.name));
        }
        _ => {}
    });
    flush(&mut text, &mut out);
    out
}

/// A page written back the one way, so that tests can look for markup in it whether it was
/// minified or not: every attribute value in double quotes, attributes in name order (minify-html
/// sorts them), text with `&`, `<` and `>` escaped, comments left out.
pub fn markup(html: &str) -> String {
    use bulletin::html::{TagKind, Token};
    let esc = |t: &str, quote: bool| {
        let t = t
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        if quote { t.replace('"', "&quot;") } else { t }
    };
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    bulletin::html::tokens(html, |token| match token {
        Token::CharacterTokens(t) => out.push_str(&esc(&t, false)),
        Token::TagToken(tag) if tag.kind == TagKind::EndTag => {
            out.push_str(&format!("</{}>", tag.name));
        }
        Token::TagToken(tag) => {
            let mut attrs: Vec<(String, String)> = tag
                .attrs
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect();
            attrs.sort();
            out.push_str(&format!("<{}", tag.name));
            for (name, value) in attrs {
                out.push_str(&format!(" {name}=\"{}\"", esc(&value, true)));
            }
            out.push('>');
        }
        Token::DoctypeToken(_) => out.push_str("<!DOCTYPE html>"),
        _ => {}
    });
    out
}

/// Attributes that say what HTML assumes anyway, which minify-html leaves out (its list, from
/// the HTML spec's defaults: `<button type=submit>`, `<form method=get>`, `<img loading=eager>`…).
const DEFAULT_ATTRIBUTES: &[&str] = &[
    "type=\"submit\"",
    "type=\"text\"",
    "type=\"text/css\"",
    "type=\"text/javascript\"",
    "method=\"get\"",
    "enctype=\"application/x-www-form-urlencoded\"",
    "formenctype=\"application/x-www-form-urlencoded\"",
    "target=\"_self\"",
    "media=\"all\"",
    "loading=\"eager\"",
    "decoding=\"auto\"",
    "span=\"1\"",
    "shape=\"rect\"",
    "referrerpolicy=\"no-referrer-when-downgrade\"",
];

/// A line of [`reading`] (or of a browser's element list) without the attributes
/// [`DEFAULT_ATTRIBUTES`] names, which a minifier may leave out without changing the page.
pub fn without_defaults(line: &str) -> String {
    DEFAULT_ATTRIBUTES
        .iter()
        .fold(line.to_string(), |l, d| l.replace(&format!(" {d}"), ""))
}

/// A GET over plain HTTP/1.1, the path sent exactly as given (no client-side normalisation):
/// status, head, body.
pub fn http_get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
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

/// Temporary folders a build left next to the output (there should be none).
pub fn leftovers(site: &Path) -> Vec<String> {
    std::fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("bulletin-"))
        .collect()
}
