//! Search: the index the build writes, the query logic of `search.js` under Node's test runner,
//! and the search page in a real headless Chromium.

use std::path::Path;
use std::process::Command;

use bulletin::search::{bucket_of, read_char, read_postings, shard_of};
use serde_json::Value;

use crate::helpers::{TestSite, copy_dir, markup, repo, snapshot};
use crate::webdriver::{Browser, static_server};

/// tests/js/fixture: six articles made for the query tests (numbered oldest first: 0 定南县…,
/// 1 于都县发展学前教育, 2 于都县保障工资支付, 3 市人社局促进农民工就业, 4 章贡区…, 5 信丰县脐橙…),
/// all in the recent segment (`search/1/`), as there are fewer than `RECENT_MAX`.
fn fixture() -> TestSite {
    let s = TestSite::empty();
    copy_dir(&repo().join("tests/js/fixture"), s.path());
    s
}

fn manifest(s: &TestSite) -> Value {
    serde_json::from_str(&s.read("search/index.json")).unwrap()
}

fn output_file(s: &TestSite, rel: &str) -> Vec<u8> {
    std::fs::read(s.path().join("output").join(rel)).unwrap()
}

/// The last segment's number of buckets, and how many buckets each shard holds (a small site has
/// only the recent segment).
fn shard_layout(m: &Value) -> (usize, Vec<usize>) {
    let m = m["segments"].as_array().unwrap().last().unwrap();
    let buckets = m["buckets"].as_u64().unwrap() as usize;
    let runs = m["shard_buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap() as usize)
        .collect();
    (buckets, runs)
}

#[test]
fn build_writes_the_search_page_and_its_index() {
    let s = TestSite::sample();
    s.build().success();
    let m = manifest(&s);
    assert_eq!(m["articles"], 5);
    assert_eq!(m["format"], bulletin::search::FORMAT);
    let page = s.read("search/index.html");
    assert!(
        page.contains("data-index=/search/index.json")
            || page.contains("data-index=\"/search/index.json\""),
        "{page}"
    );
    assert!(
        page.contains("search.") && page.contains(".js"),
        "the page loads search.js"
    );
    // Every other page has the search box in its header, a GET form to the search page.
    let home = markup(&s.read("index.html"));
    assert!(
        home.contains("role=\"search\"")
            && home.contains("action=\"/search/\"")
            && home.contains("name=\"q\""),
        "{home}"
    );
}

#[test]
fn an_article_lands_in_the_shards_of_its_bigrams_tokens_and_characters() {
    let s = fixture();
    s.build().success();
    let m = manifest(&s);
    let (buckets, runs) = shard_layout(&m);
    let shards = runs.len();
    assert!(
        (0..shards).all(|i| s.exists(&format!("search/1/s/{i:04x}.bin"))),
        "every shard file is there"
    );
    assert!(!s.exists(&format!("search/1/s/{shards:04x}.bin")));
    // Every bucket is in exactly one shard.
    assert_eq!(runs.iter().sum::<usize>(), buckets);
    let shard_of = |key: &str| shard_of(key, buckets, &runs);
    let shard = |key: &str| output_file(&s, &format!("search/1/s/{:04x}.bin", shard_of(key)));

    // 市人社局促进农民工就业 (article 3): 农民 in its title and twice in its body.
    let p = read_postings(&shard("农民"), "农民").expect("农民 is indexed");
    let at = p
        .docs
        .iter()
        .position(|d| d.0 == 3)
        .expect("article 3 has 农民");
    assert_eq!(p.docs[at], (3, 3, true));
    // 民工 stands one position after each 农民.
    let q = read_postings(&shard("民工"), "民工").unwrap();
    let at2 = q.docs.iter().position(|d| d.0 == 3).unwrap();
    let next: Vec<u32> = p.positions[at].iter().map(|p| p + 1).collect();
    assert_eq!(q.positions[at2], next);
    // No other shard has the key.
    for i in 0..shards {
        if i != shard_of("农民") {
            let other = output_file(&s, &format!("search/1/s/{i:04x}.bin"));
            assert!(read_postings(&other, "农民").is_none(), "农民 in shard {i}");
        }
    }
    // Tokens are whole and folded: 5G only in article 5, 5GB only in 1, ＧＤＰ is gdp.
    let ids = |key: &str| -> Vec<u32> {
        read_postings(&shard(key), key).map_or(vec![], |p| p.docs.iter().map(|d| d.0).collect())
    };
    assert_eq!(ids("5g"), [5]);
    assert_eq!(ids("5gb"), [1]);
    assert_eq!(ids("gdp"), [1, 4]);
    // Characters on either side of punctuation make no bigram: 学前，教育 in article 2.
    assert_eq!(ids("学前"), [1, 2]);
    assert_eq!(ids("前教"), [1]);
    // Single characters, for one-character queries.
    let chars = m["segments"][0]["char_shards"].as_u64().unwrap() as usize;
    let file = output_file(
        &s,
        &format!("search/1/c/{:02x}.bin", bucket_of("橙", chars)),
    );
    assert_eq!(read_char(&file, '橙'), Some((vec![5], vec![5])));
}

/// The index reads an article's text from its rendered body: a line break inside a paragraph
/// between two Chinese characters joins them (in the page too), inline markup does not break a
/// run, table cells and blocks do, an image is its alt text, and raw HTML's text is searched.
#[test]
fn the_text_is_read_from_the_rendered_body() {
    let s = TestSite::new();
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([200, 120, 0]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    s.file("content/2021-1/a.png", png);
    s.issue("2021-1", 1, "2021-01-04").file(
        "content/2021-1/a.md",
        "---\ntitle: 标题\ncounty: 于都县\ntopics: [教育]\n---\n\
         学前\n教育，推进**农民**\n工就业。\n\n\
         | 县 | 人数 |\n|---|---|\n| 于都 | 兴国 |\n\n\
         ![脐橙丰收](a.png)\n\n\
         <div>加装<em>电梯</em>&amp;GDP</div>\n",
    );
    s.build().success();
    let page = s.read("issues/2021-1/a/index.html");
    assert!(
        page.contains("学前教育，推进<strong>农民</strong>工就业"),
        "{page}"
    );
    let (buckets, runs) = shard_layout(&manifest(&s));
    let has = |key: &str| {
        let shard = shard_of(key, buckets, &runs);
        let file = output_file(&s, &format!("search/1/s/{shard:04x}.bin"));
        read_postings(&file, key).is_some()
    };
    for key in [
        "前教", "民工", "工就", "脐橙", "橙丰", "装电", "电梯", "gdp", "于都", "兴国",
    ] {
        assert!(has(key), "{key} is indexed");
    }
    for key in ["都兴", "梯g", "png", "div", "em", "amp"] {
        assert!(!has(key), "{key} is not");
    }
}

#[test]
fn the_index_is_the_same_on_every_build() {
    let s = fixture();
    s.build().success();
    s.run(&["build", "--output", "again"]).success();
    let search = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        snapshot(dir)
            .into_iter()
            .filter(|(p, _)| p.starts_with("search/"))
            .collect()
    };
    let first = search(&s.path().join("output"));
    assert!(first.len() > 10);
    assert_eq!(first, search(&s.path().join("again")));
}

/// `search: false` in site.yaml, or `--no-search`, leaves out the index, the search page and the
/// search box, and the site still builds with every link resolving.
#[test]
fn search_can_be_turned_off() {
    let s = TestSite::sample();
    s.run(&["build", "--no-search", "--check-links"]).success();
    assert!(!s.exists("search/index.json"));
    assert!(!s.exists("search/index.html"));
    assert!(!markup(&s.read("index.html")).contains("role=\"search\""));
    let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
    s.file("site.yaml", format!("{yaml}\nsearch: false\n"));
    s.build().success();
    assert!(!s.exists("search/index.json"));
    assert!(!markup(&s.read("index.html")).contains("role=\"search\""));
    s.file("site.yaml", format!("{yaml}\nsearch: true\n"));
    s.build().success();
    assert!(s.exists("search/index.json"));
    assert!(markup(&s.read("index.html")).contains("role=\"search\""));
}

#[test]
fn search_box_and_index_honour_a_sub_path_base_url() {
    let s = TestSite::sample();
    s.run(&["build", "--base-url", "https://example.gov.cn/jianbao/"])
        .success();
    let home = s.read("index.html");
    assert!(home.contains("action=\"/jianbao/search/\""), "{home}");
    let page = s.read("search/index.html");
    assert!(page.contains("/jianbao/search/index.json"), "{page}");
    assert!(page.contains("data-base=\"/jianbao/\""), "{page}");
    // Result URLs are relative to the base, which the page prefixes.
    let meta = s.read("search/1/m/0.json");
    assert!(meta.contains("\"issues/2021-125/renshe-jiuye/\""), "{meta}");
}

#[test]
fn query_logic_passes_the_node_tests() {
    if Command::new("node").arg("--version").output().is_err() {
        if std::env::var_os("CI").is_some() {
            panic!("node is needed in CI for tests/js");
        }
        eprintln!("\n*** SKIPPED: tests/js need Node (node --test); they run in CI ***\n");
        return;
    }
    let s = fixture();
    s.build().success();
    let out = Command::new("node")
        .arg("--test")
        .arg(repo().join("tests/js/"))
        .env("SEARCH_FIXTURE_OUTPUT", s.path().join("output"))
        .current_dir(repo())
        .output()
        .expect("run node");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node --test tests/js failed:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("# fail 0"), "{text}");
}

/// The sample site built for `base` (`/` or `/jianbao/`), served, searched in Chromium.
fn search_in_chromium(base: &str) {
    let Some(b) = Browser::start("search in Chromium") else {
        return;
    };
    let s = TestSite::sample();
    let out = s.path().join("output");
    let port = static_server(out.clone(), base);
    s.run(&[
        "build",
        "--base-url",
        &format!("http://127.0.0.1:{port}{base}"),
    ])
    .success();
    let root = format!("http://127.0.0.1:{port}{base}");
    let finished =
        "['done', 'empty', 'error'].includes(document.getElementById('search')?.dataset.state)";
    let done = &format!("return {finished}");
    let state = |b: &Browser| b.js("return document.getElementById('search').dataset.state");
    let titles = |b: &Browser| -> Vec<String> {
        serde_json::from_value(b.js(
            "return [...document.querySelectorAll('#search-results h2')].map(h => h.textContent)",
        ))
        .unwrap()
    };

    // 农民工: the 市人社局 article first, with the matches marked in its snippet.
    b.goto(&format!("{root}search/?q=农民工"));
    b.wait(done);
    assert_eq!(state(&b), "done");
    let t = titles(&b);
    assert!(t[0].starts_with("市人社局"), "{t:?}");
    assert!(
        b.js("return document.querySelector('#search-results .snippet mark').textContent")
            == "农民工"
    );
    let status = b.js("return document.getElementById('search-status').textContent");
    assert!(status.as_str().unwrap().contains("找到"), "{status}");

    // 加装电梯 finds the 市住建局 article, and its link works under the base.
    b.goto(&format!("{root}search/?q=加装电梯"));
    b.wait(done);
    let t = titles(&b);
    assert!(t.iter().any(|t| t.starts_with("市住建局")), "{t:?}");
    let href = b.js("return document.querySelector('#search-results h2 a').getAttribute('href')");
    assert!(
        href.as_str()
            .unwrap()
            .starts_with(&format!("{base}issues/2021-125/")),
        "{href}"
    );

    // A county filter, chosen in the form, narrows a query.
    b.goto(&format!("{root}search/?q=发展"));
    b.wait(done);
    let all = titles(&b).len();
    assert!(all > 1, "{all}");
    b.click("#search-county option[value=yudu-xian]");
    b.click(".search-row button");
    b.wait(&format!(
        "return {finished} && document.querySelectorAll('#search-results li').length < {all}"
    ));
    let t = titles(&b);
    assert_eq!(t.len(), 1, "{t:?}");
    assert!(t[0].starts_with("于都县"), "{t:?}");
    let url = b.js("return location.search");
    assert!(url.as_str().unwrap().contains("county=yudu-xian"), "{url}");

    // A quarter from a link (the statistics page's counts): the sample's articles are all of
    // 2021-07-29, so 2021-Q3 lists them all, named in the status and in a button that removes it;
    // 2021-Q2 and the month 2021-06 have none.
    b.goto(&format!("{root}search/?quarter=2021-Q3"));
    b.wait(done);
    assert_eq!(titles(&b).len(), 5);
    let status = b.js("return document.getElementById('search-status').textContent");
    assert!(
        status
            .as_str()
            .unwrap()
            .contains("共 5 篇文章（2021年第三季度）"),
        "{status}"
    );
    let chip =
        b.js("return document.querySelector('#search-period button').getAttribute('aria-label')");
    assert_eq!(chip, "去掉筛选：2021年第三季度");
    b.goto(&format!("{root}search/?q=发展&month=2021-07"));
    b.wait(done);
    assert_eq!(titles(&b).len(), all);
    b.goto(&format!("{root}search/?month=2021-06"));
    b.wait(done);
    assert_eq!(state(&b), "empty");
    b.goto(&format!("{root}search/?quarter=2021-Q2&county=yudu-xian"));
    b.wait(done);
    assert_eq!(state(&b), "empty");
    // Removing the quarter keeps the county and lists its article.
    b.click("#search-period button");
    b.wait(&format!(
        "return {finished} && !location.search.includes('quarter')"
    ));
    assert_eq!(b.js("return location.search"), "?county=yudu-xian");
    assert_eq!(titles(&b).len(), 1);
    assert_eq!(
        b.js("return document.getElementById('search-period').hidden"),
        true
    );

    // A unit, as a ranking links it (the name percent-encoded): its articles, named in a button.
    b.goto(&format!(
        "{root}search/?unit=%E5%B8%82%E4%BD%8F%E5%BB%BA%E5%B1%80&quarter=2021-Q3"
    ));
    b.wait(done);
    let t = titles(&b);
    assert_eq!(t.len(), 1, "{t:?}");
    assert!(t[0].starts_with("市住建局"), "{t:?}");
    let chips = b.js(
        "return [...document.querySelectorAll('#search-period button')].map(b => b.textContent).join('|')",
    );
    assert_eq!(chips, "单位：市住建局 ×|2021年第三季度 ×");

    b.goto(&format!("{root}search/?all=1"));
    b.wait(done);
    assert_eq!(titles(&b).len(), 5);
    let status = b.js("return document.getElementById('search-status').textContent");
    assert!(
        status.as_str().unwrap().starts_with("共 5 篇文章，"),
        "{status}"
    );

    // A word that is nowhere: said plainly.
    b.goto(&format!("{root}search/?q=不存在的词"));
    b.wait(done);
    assert_eq!(state(&b), "empty");
    let status = b.js("return document.getElementById('search-status').textContent");
    assert!(status.as_str().unwrap().contains("没有找到"), "{status}");

    // The header's box on any page, by keyboard: type and press Enter.
    b.goto(&root);
    b.type_into("#site-search-q", "加装电梯\u{E007}");
    b.wait(&format!(
        "return location.pathname === '{base}search/' && {finished}"
    ));
    assert!(titles(&b).iter().any(|t| t.starts_with("市住建局")));
}

#[test]
fn chromium_finds_articles_on_the_search_page() {
    search_in_chromium("/");
}

#[test]
fn chromium_finds_articles_under_a_sub_path_base_url() {
    search_in_chromium("/jianbao/");
}

/// Whether Node is there to run tests/js (it must be in CI).
fn has_node(what: &str) -> bool {
    if Command::new("node").arg("--version").output().is_ok() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("node is needed in CI for {what}");
    }
    eprintln!("\n*** SKIPPED: {what} needs Node; it runs in CI ***\n");
    false
}

/// The results of tests/js/segments/queries.json on the index under `output`, as
/// tests/js/results.js gives them: per query the total and every hit, in order, by URL.
fn query_results(output: &Path) -> Value {
    let out = Command::new("node")
        .arg(repo().join("tests/js/results.js"))
        .arg(output)
        .arg(repo().join("tests/js/segments/queries.json"))
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The index of the site at `root`, cut into a base of a multiple of `recent_max` articles and
/// the recent rest, written under `out` by the library (the CLI always cuts at `RECENT_MAX`).
fn write_cut(root: &Path, out: &Path, recent_max: usize) -> Value {
    let prepared = bulletin::build::prepare(&bulletin::build::BuildOptions::new(root))
        .unwrap_or_else(|_| panic!("{} prepares", root.display()));
    std::fs::create_dir_all(out).unwrap();
    let sink = bulletin::write::DirSink::new(out.to_path_buf());
    bulletin::search::write_segmented(&prepared.site, &sink, recent_max).unwrap();
    serde_json::from_slice(&std::fs::read(out.join("search/index.json")).unwrap()).unwrap()
}

/// The first article number and the number of articles of each segment.
fn cuts(m: &Value) -> Vec<(u64, u64)> {
    m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["first"].as_u64().unwrap(),
                s["articles"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// tests/js/segments/site: 45 articles of the benchmark's generator (`gen_corpus --articles 45
/// --seed 7`). Its queries give the same hits in the same order (and the same totals, counts and
/// title matches) whether the index is one recent segment (as built, before any merge), a base
/// with a recent segment beside it, or all merged into the base; and the same as format 2 gave
/// (expected.json: the format-2 build and search.js, before segments and oldest-first numbers).
#[test]
fn query_results_are_the_same_before_and_after_a_merge_and_as_format_2_gave_them() {
    if !has_node("comparing query results") {
        return;
    }
    let s = TestSite::empty();
    copy_dir(&repo().join("tests/js/segments/site"), s.path());
    s.build().success();
    assert_eq!(cuts(&manifest(&s)), [(0, 45)]);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/js/segments/expected.json")).unwrap(),
    )
    .unwrap();
    let before = query_results(&s.path().join("output"));
    assert!(before.as_array().unwrap().len() >= 20);
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["total"].as_u64() > Some(1))
            .count()
            >= 10,
        "most queries find several articles"
    );
    assert_eq!(
        before, expected,
        "the recent segment alone, against format 2"
    );
    for (recent_max, want) in [
        (45, vec![(0, 45)]),
        (16, vec![(0, 32), (32, 13)]),
        (8, vec![(0, 40), (40, 5)]),
        (1, vec![(0, 45)]),
    ] {
        let out = s.path().join(format!("cut-{recent_max}"));
        let m = write_cut(s.path(), &out, recent_max);
        assert_eq!(cuts(&m), want);
        assert_eq!(query_results(&out), expected, "cut at {recent_max}");
    }
}

/// Adding an issue changes the recent segment, the filters of its articles and the manifest, and
/// not one byte of the base; the recent segment is a bounded number of files.
#[test]
fn a_new_issue_leaves_the_base_segment_untouched() {
    let s = TestSite::empty();
    copy_dir(&repo().join("tests/js/segments/site"), s.path());
    let before = s.path().join("before");
    write_cut(s.path(), &before, 16);
    s.file(
        "content/2099-1/_index.md",
        "---\nnumber: 1\ndate: 2099-01-04\n---\n",
    );
    for (i, county) in ["于都县", "兴国县"].iter().enumerate() {
        s.file(
            &format!("content/2099-1/0{i}.md"),
            format!(
                "---\ntitle: 新增文章{i}\ncounty: {county}\ntopics: [就业创业]\n---\n推进农民工就业，加装电梯。\n"
            ),
        );
    }
    let after = s.path().join("after");
    let m = write_cut(s.path(), &after, 16);
    assert_eq!(cuts(&m), [(0, 32), (32, 15)]);
    let (old, new) = (snapshot(&before), snapshot(&after));
    let changed: Vec<&String> = new
        .keys()
        .chain(old.keys())
        .filter(|p| old.get(*p) != new.get(*p))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(!changed.is_empty());
    for p in &changed {
        assert!(!p.starts_with("search/0/"), "{p} of the base changed");
    }
    let recent = new.keys().filter(|p| p.starts_with("search/1/")).count();
    assert!(
        changed.len() <= recent + 8,
        "{} files changed: {changed:?}",
        changed.len()
    );
}
