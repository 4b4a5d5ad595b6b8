//! Search: the index the build writes, the query logic of `search.js` under Node's test runner,
//! and the search page in a real headless Chromium.

use std::path::Path;
use std::process::Command;

use bulletin::search::{bucket_of, read_char, read_postings, shard_of};
use serde_json::Value;

use crate::helpers::{TestSite, copy_dir, markup, repo, snapshot};
use crate::webdriver::{Browser, static_server};

/// tests/js/fixture: six articles made for the query tests (ids newest first: 0 信丰县脐橙…,
/// 1 章贡区…, 2 市人社局促进农民工就业, 3 于都县保障工资支付, 4 于都县发展学前教育, 5 定南县…).
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

/// The manifest's number of buckets, and how many buckets each shard holds.
fn shard_layout(m: &Value) -> (usize, Vec<usize>) {
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
    let shards = m["shards"].as_u64().unwrap() as usize;
    let (buckets, runs) = shard_layout(&m);
    // Every bucket is in exactly one shard, and every shard file is there.
    assert_eq!(runs.len(), shards);
    assert_eq!(runs.iter().sum::<usize>(), buckets);
    let shard_of = |key: &str| shard_of(key, buckets, &runs);
    let shard = |key: &str| output_file(&s, &format!("search/s/{:04x}.bin", shard_of(key)));

    // 市人社局促进农民工就业 (article 2): 农民 in its title and twice in its body.
    let p = read_postings(&shard("农民"), "农民").expect("农民 is indexed");
    let at = p
        .docs
        .iter()
        .position(|d| d.0 == 2)
        .expect("article 2 has 农民");
    assert_eq!(p.docs[at], (2, 3, true));
    // 民工 stands one position after each 农民.
    let q = read_postings(&shard("民工"), "民工").unwrap();
    let at2 = q.docs.iter().position(|d| d.0 == 2).unwrap();
    let next: Vec<u32> = p.positions[at].iter().map(|p| p + 1).collect();
    assert_eq!(q.positions[at2], next);
    // No other shard has the key.
    for i in 0..shards {
        if i != shard_of("农民") {
            let other = output_file(&s, &format!("search/s/{i:04x}.bin"));
            assert!(read_postings(&other, "农民").is_none(), "农民 in shard {i}");
        }
    }
    // Tokens are whole and folded: 5G only in article 0, 5GB only in 4, ＧＤＰ is gdp.
    let ids = |key: &str| -> Vec<u32> {
        read_postings(&shard(key), key).map_or(vec![], |p| p.docs.iter().map(|d| d.0).collect())
    };
    assert_eq!(ids("5g"), [0]);
    assert_eq!(ids("5gb"), [4]);
    assert_eq!(ids("gdp"), [1, 4]);
    // Characters on either side of punctuation make no bigram: 学前，教育 in article 3.
    assert_eq!(ids("学前"), [3, 4]);
    assert_eq!(ids("前教"), [4]);
    // Single characters, for one-character queries.
    let chars = manifest(&s)["char_shards"].as_u64().unwrap() as usize;
    let file = output_file(&s, &format!("search/c/{:02x}.bin", bucket_of("橙", chars)));
    assert_eq!(read_char(&file, '橙'), Some((vec![0], vec![0])));
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
        let file = output_file(&s, &format!("search/s/{shard:04x}.bin"));
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
    let meta = s.read("search/m/0.json");
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
