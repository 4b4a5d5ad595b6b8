//! site.yaml's `government:` block end to end: the footer marks and their links, the 找错 link of
//! every page, the page labels, the 网站地图 page, the article page's 发布日期 and 信息来源, the
//! home page's 更新日期; and in Chromium, the 长辈模式, 高对比度 and 字号 switches by keyboard.

use std::collections::BTreeMap;

use crate::helpers::{Element, TestSite, elements, snapshot};
use crate::webdriver::{Browser, static_server};

const EVERY_KEY: &str = r#"
government:
  site_code: "3609250007"
  site_name: 赣州市人民政府
  icp: 赣ICP备14008674号-1
  police: 赣公网安备 36070202000195号
  conac: https://bszs.conac.cn/sitename?method=show&id=072BBE1E1F301B54E053012819ACA2E1
  conac_image: conac.png
  sponsor: 赣州市人民政府办公室
  organizer: 赣州市信息中心
  contact:
    phone: 0797-8990000
    email: jianbao@example.gov.cn
    address: 赣州市章贡区长征大道1号
"#;

/// The sample site with `extra` added to its site.yaml, built for `base_url`.
fn sample_with(extra: &str, base_url: &str) -> TestSite {
    let s = TestSite::sample();
    let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
    s.file("site.yaml", format!("{yaml}\n{extra}"));
    s.file("static/conac.png", b"\x89PNG\r\n\x1a\n");
    s.run(&["build", "--base-url", base_url]).success();
    s
}

/// `encodeURIComponent`, written out here so the test does not share the code it checks.
fn encode_uri_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn attr<'a>(e: &'a Element, name: &str) -> Option<&'a str> {
    e.1.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The `<meta name=… content=…>` of a page, by name.
fn labels(html: &str) -> BTreeMap<String, String> {
    elements(html)
        .iter()
        .filter(|e| e.0 == "meta")
        .filter_map(|e| {
            Some((
                attr(e, "name")?.to_string(),
                attr(e, "content")?.to_string(),
            ))
        })
        .collect()
}

/// The part of a page from `<footer class="site-footer"` to its end.
fn footer(html: &str) -> String {
    let at = html
        .find("site-footer")
        .and_then(|i| html[..i].rfind("<footer"))
        .expect("a site footer");
    html[at..].to_string()
}

/// The `href`s of the footer, in order.
fn footer_links(html: &str) -> Vec<String> {
    elements(&footer(html))
        .iter()
        .filter(|e| e.0 == "a")
        .filter_map(|e| attr(e, "href").map(str::to_string))
        .collect()
}

/// The visible text of the footer (tags out, whitespace runs one space).
fn footer_text(html: &str) -> String {
    crate::helpers::reading(&footer(html))
        .into_iter()
        .filter(|t| !t.starts_with('<'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_footer_shows_every_mark_with_its_link_in_the_customary_order() {
    let s = sample_with(EVERY_KEY, "https://example.gov.cn/jianbao/");
    let home = s.read("index.html");
    let jiucuo = format!(
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3609250007&url={}",
        encode_uri_component("https://example.gov.cn/jianbao/")
    );
    assert_eq!(
        footer_links(&home),
        [
            "/jianbao/feed.xml",
            "/jianbao/sitemap/",
            jiucuo.as_str(),
            "mailto:jianbao@example.gov.cn",
            "https://beian.miit.gov.cn/",
            "https://beian.mps.gov.cn/#/query/webSearch?code=36070202000195",
            "https://bszs.conac.cn/sitename?method=show&id=072BBE1E1F301B54E053012819ACA2E1",
        ]
    );
    let text = footer_text(&home);
    for part in [
        "主办单位：赣州市人民政府办公室",
        "承办单位：赣州市信息中心",
        "联系电话：0797-8990000",
        "地址：赣州市章贡区长征大道1号",
        "政府网站标识码：3609250007",
        "赣ICP备14008674号-1",
        "赣公网安备36070202000195号",
        "网站地图",
        "我为政府网站找错",
    ] {
        assert!(
            text.contains(part),
            "{part} missing from the footer: {text}"
        );
    }
    let order: Vec<usize> = [
        "主办单位",
        "联系电话",
        "政府网站标识码",
        "赣ICP备",
        "赣公网安备",
    ]
    .iter()
    .map(|p| text.find(p).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    // The emblem is drawn in the page, not fetched; the conac image is the site's own file.
    let f = footer(&home);
    assert!(f.contains("<svg") && f.contains("police-emblem"), "{f}");
    let imgs: Vec<_> = elements(&f).into_iter().filter(|e| e.0 == "img").collect();
    assert_eq!(attr(&imgs[0], "src"), Some("/jianbao/conac.png"));
    assert!(s.exists("conac.png"));
}

#[test]
fn every_page_links_to_jiucuo_with_its_own_percent_encoded_address() {
    let s = sample_with(EVERY_KEY, "https://example.gov.cn/简报/");
    let pages: Vec<(String, Vec<u8>)> = snapshot(&s.path().join("output"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 20, "{}", pages.len());
    for (path, bytes) in pages {
        let html = String::from_utf8(bytes).unwrap();
        let els = elements(&html);
        let canonical = els
            .iter()
            .find(|e| e.0 == "link" && attr(e, "rel") == Some("canonical"))
            .and_then(|e| attr(e, "href"))
            .unwrap_or_else(|| panic!("{path}: no canonical link"));
        let jiucuo: Vec<&str> = els
            .iter()
            .filter(|e| e.0 == "a" && attr(e, "class") == Some("jiucuo"))
            .filter_map(|e| attr(e, "href"))
            .collect();
        assert_eq!(
            jiucuo,
            [format!(
                "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3609250007&url={}",
                encode_uri_component(canonical)
            )],
            "{path}"
        );
        assert!(
            canonical.starts_with("https://example.gov.cn/%E7%AE%80%E6%8A%A5/")
                || canonical.starts_with("https://example.gov.cn/简报/"),
            "{path}: {canonical}"
        );
    }
}

#[test]
fn pages_carry_the_labels_monitoring_platforms_read() {
    let s = sample_with(EVERY_KEY, "https://example.gov.cn/jianbao/");
    let home = labels(&s.read("index.html"));
    assert_eq!(home["SiteName"], "赣州市人民政府");
    assert_eq!(home["SiteDomain"], "example.gov.cn");
    assert_eq!(home["SiteIDCode"], "3609250007");
    assert!(!home.contains_key("ColumnName") && !home.contains_key("ArticleTitle"));

    let county = labels(&s.read("counties/yudu-xian/index.html"));
    assert_eq!(county["SiteIDCode"], "3609250007");
    assert_eq!(county["ColumnName"], "于都县");
    assert_eq!(county["ColumnType"], "工作动态");
    assert!(!county.contains_key("PubDate"));
    assert_eq!(labels(&s.read("issues/index.html"))["ColumnName"], "期刊");
    assert_eq!(labels(&s.read("topics/index.html"))["ColumnName"], "专题");

    let article = labels(&s.read("issues/2021-125/renshe-jiuye/index.html"));
    assert_eq!(
        article["ArticleTitle"],
        "市人社局多措并举促进农民工就业创业"
    );
    assert_eq!(article["PubDate"], "2021-07-29 00:00");
    assert_eq!(article["ContentSource"], "市人社局");
    assert_eq!(article["SiteName"], "赣州市人民政府");
    let county_article = labels(&s.read("issues/2021-125/yudu-jiaoyu/index.html"));
    assert_eq!(county_article["ContentSource"], "于都县");
}

#[test]
fn a_site_without_the_block_still_labels_its_pages_but_shows_no_marks() {
    let s = TestSite::new();
    s.issue("2024-1", 1, "2024-03-05")
        .article("2024-1", "01-a", "甲文", "于都县", &["教育"]);
    s.run(&["build", "--base-url", "https://example.gov.cn/"])
        .success();
    let html = s.read("index.html");
    let l = labels(&html);
    assert_eq!(l["SiteName"], "工作简报");
    assert!(!l.contains_key("SiteIDCode"));
    assert_eq!(footer_links(&html), ["/feed.xml"]);
    assert!(!s.exists("sitemap/index.html"));
    // The home page says when the archive was last updated: the newest content's date.
    assert!(html.contains("更新日期"), "{html}");
    assert!(html.contains("2024年3月5日"));
}

#[test]
fn a_portal_column_leaves_its_marks_out_but_links_every_page_to_the_portals_jiucuo() {
    let s = sample_with(
        "government:\n  site_code: \"3607000001\"\n  site_name: 赣州市人民政府\n  icp: 赣ICP备14008674号\n  marks: false\n",
        "https://www.ganzhou.gov.cn/jianbao/",
    );
    let html = s.read("issues/2021-125/index.html");
    assert_eq!(
        footer_links(&html),
        [
            "/jianbao/feed.xml".to_string(),
            format!(
                "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3607000001&url={}",
                encode_uri_component("https://www.ganzhou.gov.cn/jianbao/issues/2021-125/")
            )
        ]
    );
    assert!(!footer_text(&html).contains("ICP"));
    assert!(!s.exists("sitemap/index.html"));
    assert_eq!(labels(&html)["SiteIDCode"], "3607000001");
}

#[test]
fn the_site_map_lists_every_column_and_only_columns_with_articles() {
    let s = sample_with(EVERY_KEY, "https://example.gov.cn/jianbao/");
    let main = s.main_of("sitemap/index.html");
    for href in [
        "/jianbao/issues/",
        "/jianbao/counties/",
        "/jianbao/counties/yudu-xian/",
        "/jianbao/topics/",
        "/jianbao/stats/",
        "/jianbao/stats/2021/",
        "/jianbao/search/",
    ] {
        assert!(main.contains(&format!("href=\"{href}\"")), "{href}: {main}");
    }
    // 章贡区 is in the vocabulary but has no article: no page, so no link.
    assert!(!main.contains("zhanggong-qu"), "{main}");
    assert!(s.sitemap_locs().iter().any(|l| l.ends_with("/sitemap/")));
}

#[test]
fn the_article_page_shows_its_date_its_source_and_the_reading_tools() {
    let s = sample_with(EVERY_KEY, "https://example.gov.cn/jianbao/");
    let main = s.main_of("issues/2021-125/renshe-jiuye/index.html");
    assert!(main.contains("发布日期："), "{main}");
    assert!(main.contains("datetime=\"2021-07-29\""), "{main}");
    assert!(main.contains("信息来源：市人社局"), "{main}");
    for tool in ["字号：大", "字号：中", "字号：小", "打印", "朗读"] {
        assert!(main.contains(tool), "{tool}: {main}");
    }
    // The tools are hidden until the script shows them: reading needs no script.
    let tools = elements(&main)
        .into_iter()
        .find(|e| attr(e, "class") == Some("article-tools"))
        .unwrap();
    assert!(attr(&tools, "hidden").is_some());
    // Every entry of a list shows its date, the home page's latest issue too.
    let home = s.main_of("index.html");
    let latest = &home[home.find("article-list").unwrap()..];
    let latest = &latest[..latest.find("</ol>").unwrap()];
    let entries = latest.matches("<li").count();
    assert!(entries >= 5);
    assert!(
        latest.matches("<time datetime=\"2021-07-29\"").count() >= entries,
        "{latest}"
    );
}

#[test]
fn a_wrong_mark_fails_the_build_with_its_line_and_leaves_the_output_alone() {
    let s = TestSite::sample();
    s.run(&["build"]).success();
    let before = s.snapshot();
    let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
    let lines = yaml.lines().count();
    s.file(
        "site.yaml",
        format!("{yaml}government:\n  site_code: \"36092500\"\n  police: 赣公网安备3607号\n"),
    );
    let run = s.run(&["build"]);
    run.failure()
        .stderr_has(&format!("site.yaml:{}", lines + 2))
        .stderr_has("3609250007")
        .stderr_has(&format!("site.yaml:{}", lines + 3))
        .stderr_has("赣公网安备36070202000195号");
    assert_eq!(s.snapshot(), before);
}

/// The sample built with the government block and served; Chromium on one of its pages.
fn served_sample() -> (TestSite, String) {
    let s = TestSite::sample();
    let yaml = std::fs::read_to_string(s.path().join("site.yaml")).unwrap();
    s.file("site.yaml", format!("{yaml}\n{EVERY_KEY}"));
    s.file("static/conac.png", b"\x89PNG\r\n\x1a\n");
    let port = static_server(s.path().join("output"), "/jianbao/");
    let root = format!("http://127.0.0.1:{port}/jianbao/");
    s.run(&["build", "--base-url", &root]).success();
    (s, root)
}

/// Press `key` on the element `css` as a keyboard user would (focus, then the key).
fn press(b: &Browser, css: &str, key: &str) {
    b.eval(&format!(
        "document.querySelector({css:?}).focus(); return true"
    ));
    b.type_into(css, key);
}

const ENTER: &str = "\u{E007}";
const SPACE: &str = " ";

#[test]
fn the_elder_and_contrast_switches_work_by_keyboard_and_are_remembered() {
    let Some(b) = Browser::start("长辈模式 and 高对比度 in Chromium") else {
        return;
    };
    let (_s, root) = served_sample();
    let article = format!("{root}issues/2021-125/renshe-jiuye/");
    b.goto(&article);
    b.wait("return !document.querySelector('.a11y-bar').hidden");
    let px = |b: &Browser, css: &str| -> f64 {
        b.eval(&format!(
            "return parseFloat(getComputedStyle(document.querySelector({css:?})).fontSize)"
        ))
        .as_f64()
        .unwrap()
    };
    let normal_body = px(&b, ".body p");
    assert!(normal_body < 18.5, "{normal_body}");

    // 长辈模式 by the keyboard: Enter on the focused switch.
    press(&b, "[data-a11y-mode=large]", ENTER);
    b.wait("return document.documentElement.classList.contains('mode-large')");
    assert_eq!(
        b.eval(
            "return document.querySelector('[data-a11y-mode=large]').getAttribute('aria-pressed')"
        ),
        "true"
    );
    for css in ["body", ".body p", ".meta", ".site-footer", ".breadcrumb li"] {
        let size = px(&b, css);
        assert!(size >= 18.0, "{css}: {size}px in 长辈模式");
    }
    let line = b
        .eval("const s = getComputedStyle(document.querySelector('.body p')); return parseFloat(s.lineHeight) / parseFloat(s.fontSize)")
        .as_f64()
        .unwrap();
    assert!(line >= 1.5, "line height {line}");
    // Targets of at least 44 px: the navigation, the switches, the breadcrumb.
    let small = b.eval(
        "return [...document.querySelectorAll('.site-nav a, .a11y-switch, .article-tools button:not([hidden]), .breadcrumb a, .pager a')].filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.height < 44 || r.width < 44); }).map(e => e.textContent + ' ' + e.getBoundingClientRect().height)",
    );
    assert_eq!(small, serde_json::json!([]), "targets under 44 px");

    // Remembered: another page opens in 长辈模式.
    b.goto(&format!("{root}counties/yudu-xian/"));
    b.wait("return document.readyState === 'complete'");
    assert_eq!(
        b.eval("return document.documentElement.classList.contains('mode-large')"),
        true
    );

    // 高对比度 by Space: white on black, links yellow, at least 7:1.
    press(&b, "[data-a11y-mode=contrast]", SPACE);
    b.wait("return document.documentElement.classList.contains('mode-contrast')");
    let contrast = b.eval(
        r#"
        const rgb = c => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
        const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const bg = getComputedStyle(document.body).backgroundColor;
        return [...document.querySelectorAll('body, main p, main a, .site-footer, .site-header a, .meta, h1')]
          .map(e => ratio(getComputedStyle(e).color, bg)).reduce((a, b) => Math.min(a, b), 99);
        "#,
    );
    assert!(
        contrast.as_f64().unwrap() >= 7.0,
        "lowest contrast {contrast}"
    );
    assert_eq!(
        b.eval("return getComputedStyle(document.body).backgroundColor"),
        "rgb(0, 0, 0)"
    );

    // Off again by the keyboard, and remembered off.
    press(&b, "[data-a11y-mode=large]", ENTER);
    press(&b, "[data-a11y-mode=contrast]", ENTER);
    b.goto(&article);
    b.wait("return document.readyState === 'complete'");
    assert_eq!(
        b.eval("return document.documentElement.className.includes('mode-')"),
        false
    );
    assert!((px(&b, ".body p") - normal_body).abs() < 0.5);
}

#[test]
fn the_font_size_buttons_change_the_article_text_by_keyboard() {
    let Some(b) = Browser::start("字号 in Chromium") else {
        return;
    };
    let (_s, root) = served_sample();
    b.goto(&format!("{root}issues/2021-125/renshe-jiuye/"));
    b.wait("return !document.querySelector('.article-tools').hidden");
    let size = |b: &Browser| {
        b.eval("return parseFloat(getComputedStyle(document.querySelector('.body p')).fontSize)")
            .as_f64()
            .unwrap()
    };
    let medium = size(&b);
    // 朗读 shows where the browser can speak, as a toggle button.
    assert_eq!(
        b.eval("const r = document.querySelector('[data-a11y-read]'); return !r.hidden === ('speechSynthesis' in window) && r.getAttribute('aria-pressed') === 'false'"),
        true
    );
    press(&b, "[data-a11y-font=large]", ENTER);
    b.wait("return document.documentElement.classList.contains('font-large')");
    assert!(size(&b) > medium + 2.0);
    assert_eq!(
        b.eval("return document.querySelector('[data-a11y-font=large]').getAttribute('aria-pressed') + document.querySelector('[data-a11y-font=medium]').getAttribute('aria-pressed')"),
        "truefalse"
    );
    press(&b, "[data-a11y-font=small]", SPACE);
    b.wait("return document.documentElement.classList.contains('font-small')");
    assert!(size(&b) < medium);
    press(&b, "[data-a11y-font=medium]", ENTER);
    b.wait("return !document.documentElement.className.includes('font-')");
    assert!((size(&b) - medium).abs() < 0.5);
}

#[test]
fn pagination_numbers_are_at_least_24_px_square() {
    let Some(b) = Browser::start("pagination target size in Chromium") else {
        return;
    };
    let s = TestSite::new();
    s.file("site.yaml", "paginate: 1\n");
    s.issue("2024-1", 1, "2024-03-05");
    for i in 1..=4 {
        s.article(
            "2024-1",
            &format!("0{i}-w{i}"),
            &format!("文{i}"),
            "于都县",
            &["教育"],
        );
    }
    let port = static_server(s.path().join("output"), "/");
    s.run(&["build", "--base-url", &format!("http://127.0.0.1:{port}/")])
        .success();
    b.goto(&format!("http://127.0.0.1:{port}/counties/yudu-xian/"));
    b.wait("return document.readyState === 'complete'");
    let sizes = b.eval(
        "return [...document.querySelectorAll('.pagination a, .pagination [aria-current]')].map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })",
    );
    let sizes: Vec<(f64, f64)> = serde_json::from_value(sizes).unwrap();
    assert!(sizes.len() >= 4, "{sizes:?}");
    assert!(
        sizes.iter().all(|&(w, h)| w >= 24.0 && h >= 24.0),
        "{sizes:?}"
    );
}
