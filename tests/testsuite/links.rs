//! Every internal link resolves, wherever the site is published.

use std::collections::BTreeSet;

use crate::helpers::{TestSite, links};

/// Check every href/src of every page against the files written; returns broken ones.
fn broken_links(s: &TestSite, base_path: &str) -> Vec<String> {
    let files: BTreeSet<String> = s.snapshot().into_keys().collect();
    let mut broken = Vec::new();
    for (rel, bytes) in s.snapshot() {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for link in links(&html) {
            if link.starts_with("http") || link.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            // A query (`search/?county=…&year=…`, from the statistics) is read by the page.
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            let target = if path.is_empty() {
                rel.clone()
            } else if let Some(inside) = path.strip_prefix(base_path) {
                if inside.is_empty() || inside.ends_with('/') {
                    format!("{inside}index.html")
                } else {
                    inside.to_string()
                }
            } else {
                broken.push(format!("{rel} → {link} (outside {base_path})"));
                continue;
            };
            if !files.contains(&target) {
                broken.push(format!("{rel} → {link}"));
                continue;
            }
            if let Some(f) = fragment {
                let text = s.read(&target);
                if !text.contains(&format!("id={f}")) && !text.contains(&format!("id=\"{f}\"")) {
                    broken.push(format!("{rel} → {link} (no #{f})"));
                }
            }
        }
    }
    broken
}

#[test]
fn every_internal_link_resolves_under_a_sub_path() {
    let s = TestSite::sample();
    s.run(&["build", "--base-url", "https://example.gov.cn/jianbao/"])
        .success();
    let broken = broken_links(&s, "/jianbao/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_internal_link_resolves_at_a_domain_root() {
    let s = TestSite::sample();
    s.run(&["build", "--base-url", "https://example.gov.cn/"])
        .success();
    let broken = broken_links(&s, "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn links_resolve_on_paginated_pages_too() {
    let s = TestSite::new();
    s.file("site.yaml", "paginate: 1\nbase_url: http://h/a/b/\n");
    for i in 1..=3 {
        let slug = format!("2021-{i}");
        s.issue(&slug, i, &format!("2021-02-{:02}", i));
        s.article(&slug, "x", &format!("文{i}"), "于都县", &["教育"]);
    }
    s.build().success();
    assert!(s.exists("counties/yudu-xian/page/2/index.html"));
    let broken = broken_links(&s, "/a/b/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
