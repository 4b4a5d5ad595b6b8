use super::*;

fn resolve_yaml(yaml: &str) -> (Government, Diagnostics) {
    #[derive(Deserialize)]
    struct Doc {
        government: RawGovernment,
    }
    let doc: Doc = crate::yaml::from_str(yaml).unwrap();
    let mut diags = Diagnostics::new();
    let g = resolve(
        doc.government,
        "site.yaml",
        yaml,
        |p| p == "conac.png",
        &mut diags,
    );
    (g, diags)
}

#[test]
fn site_codes_are_ten_digits_or_bm_and_eight() {
    for ok in ["3609250007", "bm07000001", "0000000000"] {
        assert!(is_site_code(ok), "{ok}");
    }
    for bad in [
        "360925000",
        "36092500071",
        "BM07000001",
        "bm0700001",
        "bm070000011",
        "36092500a7",
        "",
    ] {
        assert!(!is_site_code(bad), "{bad}");
    }
}

#[test]
fn icp_numbers_need_a_province_the_digits_and_hao() {
    for ok in [
        "赣ICP备14008674号",
        "赣ICP备14008674号-1",
        "京ICP证030173号",
        "粤ICP备2021012345号-12",
    ] {
        assert!(is_icp(ok), "{ok}");
    }
    for bad in [
        "ICP备14008674号",
        "赣ICP备14008674",
        "赣ICP备号",
        "赣ICP备14008674号-",
        "赣ICP备14008674号-1a",
        "中ICP备14008674号",
        "赣icp备14008674号",
        "赣ICP备14008674号1",
    ] {
        assert!(!is_icp(bad), "{bad}");
    }
}

#[test]
fn police_records_give_their_fourteen_digits() {
    let p = parse_police("赣公网安备 36070202000195号").unwrap();
    assert_eq!(p.text, "赣公网安备36070202000195号");
    assert_eq!(p.code, "36070202000195");
    for bad in [
        "赣公网安备3607020200019号",
        "赣公网安备360702020001950号",
        "公网安备36070202000195号",
        "赣公网安备36070202000195",
    ] {
        assert!(parse_police(bad).is_none(), "{bad}");
    }
}

#[test]
fn conac_ids_are_thirty_two_hex_digits_alone_or_in_their_link() {
    let id = "072BBE1E1F301B54E053012819ACA2E1";
    assert_eq!(parse_conac(id).as_deref(), Some(id));
    assert_eq!(
        parse_conac(&format!(
            "https://bszs.conac.cn/sitename?method=show&id={id}"
        ))
        .as_deref(),
        Some(id)
    );
    assert!(parse_conac("072BBE1E1F301B54E053012819ACA2E").is_none());
    assert!(parse_conac("072BBE1E1F301B54E053012819ACA2EG").is_none());
    assert!(parse_conac(&format!("https://evil.example/sitename?id={id}")).is_none());
}

#[test]
fn phones_and_emails_are_checked_for_their_shape() {
    for ok in [
        "0797-8990000",
        "(0797) 8990000",
        "+86 797 8990000",
        "8990000、8990001",
    ] {
        assert!(is_phone(ok), "{ok}");
    }
    for bad in ["899000", "电话8990000", "0797-899000x"] {
        assert!(!is_phone(bad), "{bad}");
    }
    assert!(is_email("jianbao@example.gov.cn"));
    for bad in [
        "jianbao",
        "@example.gov.cn",
        "a@b",
        "a b@c.cn",
        "a@b..cn",
        "a@b@c.cn",
    ] {
        assert!(!is_email(bad), "{bad}");
    }
}

#[test]
fn the_jiucuo_link_encodes_the_page_address_as_encode_uri_component_does() {
    assert_eq!(
        jiucuo_url(
            "3609250007",
            "https://example.gov.cn/jianbao/issues/2021-125/?a=1&b=简"
        ),
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3609250007&url=https%3A%2F%2Fexample.gov.cn%2Fjianbao%2Fissues%2F2021-125%2F%3Fa%3D1%26b%3D%E7%AE%80"
    );
    assert_eq!(encode_uri_component("a-_.!~*'()b c"), "a-_.!~*'()b%20c");
}

#[test]
fn every_key_resolves_with_its_links() {
    let (g, d) = resolve_yaml(
        "government:\n  site_code: \"3609250007\"\n  icp: 赣ICP备14008674号-1\n  police: 赣公网安备36070202000195号\n  conac: 072BBE1E1F301B54E053012819ACA2E1\n  conac_image: conac.png\n  sponsor: 赣州市人民政府办公室\n  organizer: 赣州市信息中心\n  contact:\n    phone: 0797-8990000\n    email: jianbao@example.gov.cn\n    address: 赣州市章贡区长征大道1号\n",
    );
    assert!(d.is_empty(), "{}", d.render(false));
    assert_eq!(g.site_code.as_deref(), Some("3609250007"));
    assert!(g.jiucuo && g.marks && g.sitemap_page);
    assert_eq!(
        g.police_url().unwrap(),
        "https://beian.mps.gov.cn/#/query/webSearch?code=36070202000195"
    );
    assert_eq!(
        g.conac_url().unwrap(),
        "https://bszs.conac.cn/sitename?method=show&id=072BBE1E1F301B54E053012819ACA2E1"
    );
    assert_eq!(g.contact.phone.as_deref(), Some("0797-8990000"));
    assert_eq!(g.column_type, "工作动态");
}

#[test]
fn a_portal_column_leaves_its_marks_out_and_keeps_the_portals_jiucuo() {
    let (g, d) = resolve_yaml("government:\n  site_code: \"3607000001\"\n  marks: false\n");
    assert!(d.is_empty());
    assert!(!g.marks && !g.sitemap_page && g.jiucuo);
    assert!(g.jiucuo_url("https://x.gov.cn/").is_some());
    let (g, _) = resolve_yaml("government:\n  site_code: \"3607000001\"\n  jiucuo: false\n");
    assert!(g.jiucuo_url("https://x.gov.cn/").is_none());
}

#[test]
fn a_wrong_mark_is_an_error_with_its_line_and_the_right_shape() {
    let (_, d) = resolve_yaml(
        "government:\n  site_code: \"36092500\"\n  icp: 赣ICP备14008674\n  police: 赣公网安备3607号\n  conac: abc\n  conac_image: missing.png\n  contact:\n    phone: call us\n    email: nobody\n",
    );
    let text = d.render(false);
    assert_eq!(d.error_count(), 7, "{text}");
    for (needle, line) in [
        ("site_code", 2),
        ("ICP备案号", 3),
        ("公安机关备案号", 4),
        ("党政机关网站标识 id", 5),
        ("conac_image", 6),
        ("phone", 8),
        ("e-mail", 9),
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
        assert!(
            text.contains(&format!("site.yaml:{line}")),
            "line {line}: {text}"
        );
    }
    assert!(text.contains("3609250007"), "{text}");
    assert!(text.contains("赣ICP备14008674号-1"), "{text}");
}

#[test]
fn jiucuo_without_a_site_code_is_an_error() {
    let (_, d) = resolve_yaml("government:\n  jiucuo: true\n");
    assert!(d.render(false).contains("site_code"), "{}", d.render(false));
}
