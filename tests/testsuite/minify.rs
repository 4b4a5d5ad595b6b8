//! Minified pages read the same as pages built with `--no-minify`, in Chromium: the same
//! `innerText`, and (with raw HTML sanitised, the default) the same element tree.
//!
//! The site is every example of the CommonMark spec (tests/fixtures/commonmark, written by its
//! make_site.py), 25 to an issue, so that one issue page compares 25 examples. The sample and the
//! 10,000-article benchmark corpus are compared the same way by bench/compare-minified.sh, which
//! runs [`built_sites_read_the_same`] on two folders it built.

use std::path::{Path, PathBuf};

use crate::helpers::{TestSite, copy_dir, reading, repo, without_defaults};
use crate::webdriver::{Browser, static_server};

/// What Chromium reads on a page: its text, the text of each article body, and its elements
/// (tag and attributes, in document order, indented by depth).
const READ: &str = r#"
const tree = [];
const walk = (el, depth) => {
  // Attributes in any order; a class as its list of names (minify-html collapses its spaces).
  const value = a => a.name === 'class' ? [...el.classList].join(' ') : a.value;
  const attrs = [...el.attributes].map(a => a.name + '=' + JSON.stringify(value(a))).sort();
  tree.push(' '.repeat(depth) + el.localName + (attrs.length ? ' ' + attrs.join(' ') : ''));
  for (const c of el.children) walk(c, depth + 1);
};
walk(document.documentElement, 0);
return {
  text: document.body.innerText,
  bodies: [...document.querySelectorAll('.body, .intro')].map(b => b.innerText),
  tree: tree,
};
"#;

struct Read {
    text: String,
    bodies: Vec<String>,
    tree: Vec<String>,
}

fn read(b: &Browser, url: &str) -> Read {
    b.goto(url);
    let v = b.eval(READ);
    let strings = |k: &str| -> Vec<String> { serde_json::from_value(v[k].clone()).unwrap() };
    Read {
        text: v["text"].as_str().unwrap().to_string(),
        bodies: strings("bodies"),
        tree: strings("tree"),
    }
}

/// Compare every HTML page of `plain` (built with `--no-minify`) with the same page of `min`,
/// both served from `/`; the differences, described, and the number of pages compared.
/// `trees`: also compare the element trees.
pub fn compare(
    b: &Browser,
    plain: &Path,
    min: &Path,
    pages: &[String],
    trees: bool,
) -> (usize, Vec<String>) {
    let p_port = static_server(plain.to_path_buf(), "/");
    let m_port = static_server(min.to_path_buf(), "/");
    let mut diffs = Vec::new();
    for page in pages {
        let p = read(b, &format!("http://127.0.0.1:{p_port}/{page}"));
        let m = read(b, &format!("http://127.0.0.1:{m_port}/{page}"));
        for (i, (pb, mb)) in p.bodies.iter().zip(&m.bodies).enumerate() {
            if pb != mb {
                diffs.push(format!(
                    "{page}: body {} reads\n  {pb:?}\nnot minified, and\n  {mb:?}\nminified",
                    i + 1
                ));
            }
        }
        if p.text != m.text && p.bodies == m.bodies {
            let (pl, ml): (Vec<&str>, Vec<&str>) =
                (p.text.lines().collect(), m.text.lines().collect());
            let at = pl
                .iter()
                .zip(&ml)
                .position(|(a, b)| a != b)
                .unwrap_or(pl.len().min(ml.len()));
            diffs.push(format!(
                "{page}: the text differs outside the bodies, at line {at}: {:?} not minified, {:?} minified",
                pl.get(at),
                ml.get(at)
            ));
        }
        if p.bodies.len() != m.bodies.len() {
            diffs.push(format!(
                "{page}: {} bodies not minified, {} minified",
                p.bodies.len(),
                m.bodies.len()
            ));
        }
        if trees {
            let pt: Vec<String> = p.tree.iter().map(|l| without_defaults(l)).collect();
            let mt: Vec<String> = m.tree.iter().map(|l| without_defaults(l)).collect();
            if pt != mt {
                let at = pt.iter().zip(&mt).position(|(a, b)| a != b);
                let at = at.unwrap_or(pt.len().min(mt.len()));
                diffs.push(format!(
                    "{page}: element {at} is\n  {:?}\nnot minified, and\n  {:?}\nminified",
                    pt.get(at),
                    mt.get(at)
                ));
            }
        }
    }
    (pages.len(), diffs)
}

/// The HTML pages of a built site, as paths from its root.
pub fn html_pages(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            rel.strip_suffix("index.html")
                .map(str::to_string)
                .unwrap_or(rel)
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The CommonMark spec site built minified and not, with raw HTML sanitised or trusted.
fn spec_site(trust: bool) -> (TestSite, PathBuf, PathBuf) {
    let s = TestSite::empty();
    copy_dir(&repo().join("tests/fixtures/commonmark/site"), s.path());
    if trust {
        let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
        s.file("site.yaml", format!("{yaml}trust_html: true\n"));
    }
    let (plain, min) = (s.path().join("plain"), s.path().join("min"));
    s.run(&["build", "--no-minify", "--output", "plain"])
        .success();
    s.run(&["build", "--output", "min"]).success();
    (s, plain, min)
}

/// The issue pages (25 examples each) and the home page.
fn spec_pages(dir: &Path) -> Vec<String> {
    let pages: Vec<String> = html_pages(dir)
        .into_iter()
        .filter(|p| p.matches('/').count() == 2 && p.starts_with("issues/spec-"))
        .collect();
    assert!(pages.len() >= 26, "{pages:?}");
    pages
}

#[test]
fn commonmark_spec_reads_the_same_minified_in_chromium() {
    let Some(b) = Browser::start("minified CommonMark spec in Chromium") else {
        return;
    };
    for trust in [false, true] {
        let (_site, plain, min) = spec_site(trust);
        let pages = spec_pages(&plain);
        // With trusted raw HTML, malformed HTML may build another tree once whitespace goes
        // (a `<table>` holding text, say), so only the text is compared.
        let (n, diffs) = compare(&b, &plain, &min, &pages, !trust);
        assert!(
            diffs.is_empty(),
            "trust_html: {trust}: {} of {n} pages read differently:\n{}",
            diffs.len(),
            diffs.join("\n")
        );
    }
}

#[test]
fn trusted_comments_and_cdata_read_the_same_minified() {
    // The two examples the hand-written minifier got wrong: after `foo <!--> foo -->` a
    // paragraph was lost, and a space went before `<![CDATA[`.
    let s = TestSite::new();
    s.file("site.yaml", "title: t\ntrust_html: true\n")
        .issue("2024-1", 1, "2024-01-01")
        .file(
            "content/2024-1/a.md",
            "---\ntitle: 注释\ncounty: 县\ntopics: [t]\n---\nfoo <!--> foo -->\n\nfoo <!---> foo -->\n\n\
             bar <!-- x --!> baz\n\n末段\n",
        )
        .file(
            "content/2024-1/b.md",
            "---\ntitle: CDATA\ncounty: 县\ntopics: [t]\n---\nfoo <![CDATA[>&<]]>\n",
        );
    s.run(&["build", "--no-minify", "--output", "plain"])
        .success();
    s.run(&["build", "--output", "min"]).success();
    {
        let page = "issues/2024-1/a/index.html";
        let plain = std::fs::read_to_string(s.path().join("plain").join(page)).unwrap();
        let min = std::fs::read_to_string(s.path().join("min").join(page)).unwrap();
        let body = |html: &str| -> String {
            let start = html
                .find("class=\"body\">")
                .or(html.find("class=body>"))
                .unwrap();
            let start = start + html[start..].find('>').unwrap() + 1;
            let end = html[start..].find("</div>").unwrap();
            html[start..start + end].to_string()
        };
        // These bodies are left as written: minify-html would end the comment at the next `-->`.
        assert_eq!(body(&plain), body(&min), "{page}");
    }
    let min = std::fs::read_to_string(s.path().join("min/issues/2024-1/a/index.html")).unwrap();
    assert!(min.contains("末段"), "{min}");
    // HTML reads `<![CDATA[>` as a comment, as minify-html does; what follows is text.
    let min = std::fs::read_to_string(s.path().join("min/issues/2024-1/b/index.html")).unwrap();
    assert!(min.contains("<p>foo <![CDATA[>&&lt;]]></p>"), "{min}");
    // And in Chromium.
    let Some(b) = Browser::start("trusted comments minified in Chromium") else {
        return;
    };
    let pages = vec![
        "issues/2024-1/a/".to_string(),
        "issues/2024-1/b/".to_string(),
    ];
    let (_, diffs) = compare(
        &b,
        &s.path().join("plain"),
        &s.path().join("min"),
        &pages,
        false,
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn a_theme_with_template_syntax_in_a_start_tag_gets_its_pages_minified_one_by_one() {
    let s = TestSite::new();
    s.file("site.yaml", "title: t\nstats: false\n")
        .issue("2024-1", 1, "2024-01-01")
        .article("2024-1", "a", "文章", "县", &["t"]);
    // The site's own article.html, with `{% if %}` between attributes.
    s.file(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<article>\n  \
         <h1{% if article.title %} class=\"t\"{% endif %}>  {{ article.title }}  </h1>\n  \
         <div class=\"body\">{{ article.content }}</div>\n</article>\n{% endblock main %}\n",
    );
    let run = s.run(&["build", "-v"]);
    run.success()
        .stderr_has("templates/article.html:4: template syntax inside a start tag (`<h1{%`)")
        .stderr_has("pages from this template are minified one by one");
    let page = s.read("issues/2024-1/a/index.html");
    // Minified whole: no line breaks or indentation left, and the class is there.
    assert!(
        page.contains("<article><h1 class=t>文章</h1><div class=body>"),
        "{page}"
    );
    assert!(!page.contains('\n'), "{page}");
    // Other pages come from templates minified once.
    let home = s.read("index.html");
    assert!(!home.contains("\n"), "{home}");
    // Without -v, nothing is said.
    let quiet = s.build();
    assert!(!quiet.stderr.contains("start tag"), "{}", quiet.stderr);
    // The built-in theme never needs it.
    let sample = TestSite::sample();
    let run = sample.run(&["build", "-v"]);
    assert!(
        !run.success().stderr.contains("start tag"),
        "{}",
        run.stderr
    );
}

/// Run by bench/compare-minified.sh: `MINIFY_PLAIN` and `MINIFY_MIN` are two builds of one
/// site, with and without `--no-minify`. Every page is compared as html5ever reads it (tags,
/// attributes and words, [`reading`]); Chromium reads every page too, or, with `MINIFY_PAGES=n`,
/// about n of them (every k-th, so each kind of page is among them).
#[test]
#[ignore = "run by bench/compare-minified.sh on two folders it built"]
fn built_sites_read_the_same() {
    let plain = PathBuf::from(std::env::var("MINIFY_PLAIN").expect("MINIFY_PLAIN"));
    let min = PathBuf::from(std::env::var("MINIFY_MIN").expect("MINIFY_MIN"));
    let pages = html_pages(&plain);
    assert_eq!(pages, html_pages(&min), "the two builds have other pages");
    let file = |dir: &Path, page: &str| {
        let rel = if page.is_empty() || page.ends_with('/') {
            format!("{page}index.html")
        } else {
            page.to_string()
        };
        std::fs::read_to_string(dir.join(rel)).unwrap()
    };
    let mut diffs = Vec::new();
    for page in &pages {
        let (a, b) = (file(&plain, page), file(&min, page));
        let strip =
            |r: Vec<String>| -> Vec<String> { r.iter().map(|l| without_defaults(l)).collect() };
        let (ra, rb) = (strip(reading(&a)), strip(reading(&b)));
        if ra != rb {
            let at = ra
                .iter()
                .zip(&rb)
                .position(|(x, y)| x != y)
                .unwrap_or(ra.len().min(rb.len()));
            diffs.push(format!(
                "{page} (html5ever): {:?} not minified, {:?} minified",
                ra.get(at),
                rb.get(at)
            ));
        }
    }
    println!(
        "MINIFY-COMPARE html5ever: pages compared: {}, differences: {}",
        pages.len(),
        diffs.len()
    );
    let mut chromium = pages.clone();
    if let Some(n) = std::env::var("MINIFY_PAGES")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let step = pages.len().div_ceil(n.max(1)).max(1);
        chromium = pages.into_iter().step_by(step).collect();
    }
    let b = Browser::start("compare built sites").expect("Chromium");
    let (n, more) = compare(&b, &plain, &min, &chromium, true);
    println!(
        "MINIFY-COMPARE Chromium: pages compared: {n}, differences: {}",
        more.len()
    );
    diffs.extend(more);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
