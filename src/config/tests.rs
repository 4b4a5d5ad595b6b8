use super::*;

fn parse(text: &str) -> Result<Config, Diagnostics> {
    Config::parse(Path::new("/site"), text)
}

#[test]
fn a_missing_or_empty_config_gives_every_default() {
    let c = parse("").unwrap();
    assert_eq!(c.base_url, "/");
    assert_eq!(c.language, "zh-CN");
    assert_eq!(c.theme, "default");
    assert_eq!(c.paginate, 20);
    assert!(c.minify);
    assert!(c.counties.is_none());
}

#[test]
fn base_url_gets_a_trailing_slash_and_its_path_is_known() {
    let c = parse("base_url: https://example.gov.cn/jianbao").unwrap();
    assert_eq!(c.base_url, "https://example.gov.cn/jianbao/");
    assert_eq!(c.base_path(), "/jianbao/");
    assert_eq!(base_path_of("https://example.gov.cn/"), "/");
    assert_eq!(base_path_of("http://127.0.0.1:1111"), "/");
    assert_eq!(base_path_of("/sub/"), "/sub/");
    assert_eq!(base_path_of("/"), "/");
    assert_eq!(base_path_of("https://example.gov.cn"), "/");
    assert_eq!(base_path_of("https://example.gov.cn/a/b/"), "/a/b/");
    assert_eq!(
        base_path_of("HTTPS://Example.gov.cn:443/jb/?x=1#top"),
        "/jb/"
    );
    assert_eq!(
        base_path_of("https://example.gov.cn/简报/"),
        "/%E7%AE%80%E6%8A%A5/"
    );
    assert_eq!(base_path_of("/简报/"), "/%E7%AE%80%E6%8A%A5/");
    assert_eq!(base_path_of("jianbao/"), "/");
    assert_eq!(base_path_of(""), "/");
}

#[test]
fn overrides_replace_only_what_they_set_and_keep_the_base_path_in_step() {
    let mut c =
        parse("base_url: https://example.gov.cn/jianbao/\nminify: true\nstats: false\n").unwrap();
    c.apply(&Overrides::default());
    assert_eq!(c.base_path(), "/jianbao/");
    assert!(c.minify && c.search && !c.stats);
    c.apply(&Overrides {
        base_url: Some("http://127.0.0.1:1111/sub".into()),
        minify: Some(false),
        search: Some(false),
        stats: Some(true),
        strict: None,
    });
    assert_eq!(c.base_url, "http://127.0.0.1:1111/sub/");
    assert_eq!(c.base_path(), "/sub/");
    assert!(!c.minify && !c.search && c.stats);
}

#[test]
fn an_unknown_key_is_an_error_with_its_line() {
    let err = parse("title: x\npaginat: 5\n").unwrap_err();
    let text = err.render(false);
    assert!(text.contains("paginat"), "{text}");
    assert!(text.contains("site.yaml:2"), "{text}");
}

#[test]
fn vocabulary_resolves_names_and_aliases_with_default_slugs() {
    let c = parse(
        "counties:\n  - name: 于都县\n    aliases: [于都]\n  - name: 赣州经开区\n    slug: jingkai\n",
    )
    .unwrap();
    let v = c.counties.unwrap();
    assert_eq!(v.resolve("于都").unwrap().name, "于都县");
    assert_eq!(v.resolve("于都县").unwrap().slug, "yudu-xian");
    assert_eq!(v.resolve("赣州经开区").unwrap().slug, "jingkai");
    assert!(v.resolve("定南县").is_none());
}

#[test]
fn two_terms_with_one_slug_are_an_error() {
    let err = parse("topics:\n  - name: 教育\n  - name: 教育局\n    slug: jiaoyu\n").unwrap_err();
    assert!(err.render(false).contains("jiaoyu"));
}

#[test]
fn the_city_defaults_to_the_only_city_in_the_counties() {
    let c = parse("counties:\n  - name: 赣州市\n  - name: 于都县\n").unwrap();
    assert_eq!(c.city.as_deref(), Some("赣州市"));
    let c = parse("counties:\n  - name: 赣州市\n  - name: 瑞金市\n").unwrap();
    assert_eq!(c.city, None);
}

#[test]
fn a_duplicate_key_is_an_error() {
    let err = parse("title: a\ntitle: b\n").unwrap_err();
    assert!(err.render(false).contains("title"), "{}", err.render(false));
}
