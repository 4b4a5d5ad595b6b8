use std::path::Path;

use super::marks::{Classification, Public};
use super::masthead::{classification, copy_number, line_marks};
use super::personal::{
    self, Kind, find, id_check_char, is_bank_card, is_id_number, is_mobile, luhn, mask,
};
use super::wording::{BUILTIN, Wording, parse_entry};
use super::*;

fn kinds(text: &str) -> Vec<(Kind, String)> {
    find(text).into_iter().map(|f| (f.kind, f.digits)).collect()
}

#[test]
fn the_id_check_digit_follows_gb_11643_including_x() {
    assert_eq!(id_check_char(b"11010519491231002"), Some('X'));
    assert_eq!(id_check_char(b"44052418800101001"), Some('4'));
    assert_eq!(id_check_char(b"36070219900307123"), Some('9'));
    assert_eq!(id_check_char(b"1101051949123100"), None);
    assert!(is_id_number("11010519491231002X"));
    assert!(is_id_number("11010519491231002x"));
    assert!(is_id_number("36070219660606013X"));
    assert!(is_id_number("360702199003071239"));
    // The standard's own example is right, but its holder was born in 1880: no living person.
    assert!(!is_id_number("440524188001010014"));
    // One digit off, a wrong check character, a date that does not exist, a province that does not.
    assert!(!is_id_number("360702199003071238"));
    assert!(!is_id_number("11010519491231002Y"));
    assert!(!is_id_number("360702199002301239"));
    assert!(!is_id_number("990702199003071239"));
    assert!(!is_id_number("36070219900307123"));
}

#[test]
fn luhn_accepts_card_numbers_and_rejects_a_changed_digit() {
    assert!(luhn("79927398713"));
    assert!(!luhn("79927398710"));
    assert!(luhn("4111111111111111"));
    assert!(luhn("6222021234567890128"));
    assert!(!luhn("6222021234567890127"));
    assert!(!luhn("1"));
    assert!(is_bank_card("6222021234567890128"));
    assert!(is_bank_card("6228480012345671"));
    assert!(is_bank_card("9558801234567890128"));
    // Too short, or a number no card starts with.
    assert!(!is_bank_card("79927398713"));
    assert!(!is_bank_card("0000000000000000"));
}

#[test]
fn mobile_numbers_need_a_prefix_given_to_mobile_networks() {
    for yes in [
        "13800138000",
        "13907971234",
        "14512345678",
        "15012345678",
        "16612345678",
        "17012345678",
        "18912345678",
        "19912345678",
    ] {
        assert!(is_mobile(yes), "{yes}");
    }
    for no in [
        "14412345678",
        "15412345678",
        "16812345678",
        "17912345678",
        "19412345678",
        "12345678901",
        "1380013800",
        "23800138000",
    ] {
        assert!(!is_mobile(no), "{no}");
    }
}

#[test]
fn numbers_are_found_as_people_write_them() {
    assert_eq!(
        kinds("困难群众张某某（身份证号11010519491231002X）申请救助。"),
        [(Kind::IdCard, "11010519491231002X".to_string())]
    );
    assert_eq!(
        kinds("身份证：11010519491231002x，"),
        [(Kind::IdCard, "11010519491231002X".to_string())]
    );
    let m = (Kind::Mobile, "13907971234".to_string());
    assert_eq!(
        kinds("联系人：王某，手机13907971234。"),
        std::slice::from_ref(&m)
    );
    assert_eq!(kinds("手机 139 0797 1234"), std::slice::from_ref(&m));
    assert_eq!(kinds("手机 139-0797-1234"), std::slice::from_ref(&m));
    assert_eq!(kinds("+86 139 0797 1234"), std::slice::from_ref(&m));
    assert_eq!(kinds("+8613907971234"), std::slice::from_ref(&m));
    assert_eq!(
        kinds("手机１３９０７９７１２３４"),
        std::slice::from_ref(&m)
    );
    assert_eq!(
        kinds("电话 0797-8992528 或 13907971234"),
        std::slice::from_ref(&m)
    );
    assert_eq!(
        kinds("卡号 6222 0212 3456 7890 128，"),
        [(Kind::BankCard, "6222021234567890128".to_string())]
    );
    assert_eq!(
        kinds("账号6228480012345671"),
        [(Kind::BankCard, "6228480012345671".to_string())]
    );
}

#[test]
fn dates_landlines_quantities_and_addresses_are_not_personal_numbers() {
    for text in [
        "2021 年 7 月 29 日",
        "2021-07-29",
        "电话：8992528",
        "电话：0797-8992528",
        "总投资13500000000元",
        "全市 68.89 万脱贫劳动力，1703 车次、3.6 万人次",
        "见 https://example.gov.cn/a/13907971234.html",
        "索引号 11441700007280420Y/2021-00050",
        "编号 A13907971234",
        "1.3907971234",
        "第 125 期",
        "2019 2020 2021 2022",
    ] {
        assert_eq!(kinds(text), [], "{text}");
    }
}

#[test]
fn masking_keeps_only_a_few_digits_and_the_separators() {
    assert_eq!(
        mask(Kind::IdCard, "11010519491231002X"),
        "110***********002X"
    );
    assert_eq!(mask(Kind::Mobile, "13907971234"), "139****1234");
    assert_eq!(mask(Kind::Mobile, "139-0797-1234"), "139-****-1234");
    assert_eq!(
        mask(Kind::BankCard, "6222 0212 3456 7890 128"),
        "6222 **** **** ***0 128"
    );
}

#[test]
fn a_finding_s_excerpt_masks_every_number_on_its_line() {
    let text = "---\ntitle: 救助\n---\n低保户李某（11010519491231002X，手机13907971234）已纳入。\n";
    let found = find(text);
    assert_eq!(found.len(), 2);
    for f in &found {
        let loc = personal::masked_location(text, f.range.clone());
        assert_eq!(loc.line, 4);
        assert!(
            !loc.line_text.contains("11010519491231002X"),
            "{}",
            loc.line_text
        );
        assert!(!loc.line_text.contains("13907971234"), "{}", loc.line_text);
        assert_eq!(&loc.line_text[loc.span.clone()], f.masked);
    }
    let text = text.replace("已纳入", "学习中华人民共合国宪法");
    let review = Review::default();
    let diags = review.scan(Path::new("content/a/b.md"), &text);
    assert_eq!(diags.len(), 3);
    for d in &diags {
        let shown = d.render(false);
        assert!(!shown.contains("11010519491231002X"), "{shown}");
        assert!(!shown.contains("13907971234"), "{shown}");
        assert!(shown.contains("content/a/b.md:4"), "{shown}");
        assert!(!d.is_error());
    }
}

#[test]
fn numbers_listed_as_public_are_not_reported_and_strict_makes_findings_errors() {
    let text = "热线 139-0797-1234，手机13800138000。";
    let mut diags = Diagnostics::new();
    let review = Review::resolve(
        Some(
            crate::yaml::from_str::<RawReview>("public_numbers: [13907971234]\nstrict: true\n")
                .unwrap(),
        ),
        "",
        &mut diags,
    );
    assert!(diags.is_empty());
    let found = review.scan(Path::new("a.md"), text);
    assert_eq!(found.len(), 1);
    assert!(found[0].is_error());
    assert!(
        found[0].message.contains("138****8000"),
        "{}",
        found[0].message
    );
}

#[test]
fn every_built_in_wrong_form_is_found_with_its_right_form() {
    let w = Wording::builtin();
    for (wrong, right, _) in BUILTIN {
        let text = format!("据悉，{wrong}有关工作。");
        let found = w.find(&text);
        assert_eq!(found.len(), 1, "{wrong}");
        assert_eq!((found[0].wrong, found[0].right), (*wrong, *right));
        assert_eq!(&text[found[0].range.clone()], *wrong);
    }
}

#[test]
fn correct_text_has_no_wrong_forms() {
    let w = Wording::builtin();
    // The right forms themselves, and correct phrases that come close to a wrong form.
    let mut text: String = BUILTIN.iter().map(|(_, r, _)| format!("{r}。")).collect();
    text.push_str(
        "征求社会主意见建议。两者意思相同。向常委汇报工作。委员汇报了情况。\
         中华人民共和国过去七十年。朝鲜民主主义人民共和国。举办工厂开放日。\
         科学发展现状。中国共产党当年的誓言。市政府办公室、县政府办公厅。",
    );
    text.push_str(include_str!("../../seeds/ganzhou-wuxing-2021-125.txt"));
    assert_eq!(w.find(&text), [], "false positives in correct text");
    // No wrong form is part of another entry's right form.
    for (wrong, _, _) in BUILTIN {
        for (_, right, _) in BUILTIN {
            assert!(!right.contains(wrong), "{wrong} in {right}");
        }
    }
}

#[test]
fn docs_list_every_built_in_wrong_form() {
    let docs = include_str!("../../docs/review.md");
    for (wrong, right, _) in BUILTIN {
        assert!(
            docs.contains(&format!("| {wrong} | {right} |")),
            "docs/review.md lacks the row `| {wrong} | {right} |`"
        );
    }
}

#[test]
fn a_site_s_wrong_forms_are_added_and_a_right_form_containing_the_wrong_one_is_not_reported() {
    assert_eq!(
        parse_entry("赣州市人民攻府 → 赣州市人民政府"),
        Ok(("赣州市人民攻府".into(), "赣州市人民政府".into()))
    );
    assert_eq!(
        parse_entry("于都->于都县"),
        Ok(("于都".into(), "于都县".into()))
    );
    assert!(parse_entry("于都县").is_err());
    assert!(parse_entry("→ 于都县").is_err());
    assert!(parse_entry("于都 → 于都").is_err());
    let w = Wording::with_site(vec![("于都".into(), "于都县".into())]);
    let found = w.find("于都县推进学前教育，于都推进。");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].right, "于都县");
    assert_eq!(found[0].what, wording::SITE_KIND);
    // The built-in list still applies.
    assert_eq!(w.find("人民攻府").len(), 1);
}

#[test]
fn a_bad_review_block_names_the_key_and_the_closest_value() {
    let text = "review:\n  public: 主动公\n  wrong_forms: [攻府]\n  public_numbers: [\"12\"]\n";
    let raw: crate::config::RawConfig = crate::yaml::from_str(text).unwrap();
    let mut diags = Diagnostics::new();
    Review::resolve(raw.review, text, &mut diags);
    let shown = diags.render(false);
    assert_eq!(diags.error_count(), 3, "{shown}");
    assert!(shown.contains("did you mean `主动公开`"), "{shown}");
    assert!(shown.contains("site.yaml:2"), "{shown}");
    assert!(shown.contains("has no `→`"), "{shown}");
    assert!(shown.contains("site.yaml:4"), "{shown}");
}

#[test]
fn public_and_classification_values_are_read() {
    assert_eq!(Public::parse(" 主动公开 "), Some(Public::Active));
    assert_eq!(Public::parse("依申请公开"), Some(Public::OnRequest));
    assert_eq!(Public::parse("不予公开"), Some(Public::Withheld));
    assert_eq!(Public::parse("公开"), None);
    for secret in ["秘密", "机密★1年", "绝密★长期", "秘密 ★6个月", "机密*5年"]
    {
        assert!(
            Classification::parse(secret).is_some_and(|c| c.is_secret()),
            "{secret}"
        );
    }
    for internal in ["内部资料", "内部资料 注意保存", "内部资料（注意保存）"]
    {
        assert_eq!(
            Classification::parse(internal),
            Some(Classification::Internal),
            "{internal}"
        );
    }
    for other in ["内部资科", "秘蜜", "公开", "内部资料管理办法"] {
        assert_eq!(Classification::parse(other), None, "{other}");
    }
}

#[test]
fn masthead_marks_and_copy_numbers_are_recognised() {
    assert_eq!(copy_number("No.000123").map(|r| r.len()), Some(9));
    assert!(copy_number("NO：000123").is_some());
    assert!(copy_number("第 12 份").is_some());
    assert!(copy_number("第 125 期").is_none());
    assert!(copy_number("Notice 2021").is_none());
    let m = line_marks("秘密★1年            No.000123").unwrap();
    assert_eq!(m.marking.as_deref(), Some("秘密★1年"));
    assert_eq!(m.copy.as_deref(), Some("No.000123"));
    let m = line_marks("内部资料 注意保存        第 12 份").unwrap();
    assert_eq!(m.marking.as_deref(), Some("内部资料 注意保存"));
    assert_eq!(m.copy.as_deref(), Some("第 12 份"));
    assert_eq!(line_marks("第 3 份").unwrap().marking, None);
    assert!(line_marks("机密★6个月").is_some());
    assert!(line_marks("赣州市“五型”政府建设工作简报").is_none());
    assert!(line_marks("内部资料管理办法").is_none());
    assert!(line_marks("第 125 期").is_none());
    let c = |ms: &[&str]| classification(&ms.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(c(&["内部资料 注意保存"]).as_deref(), Some("内部资料"));
    assert_eq!(c(&["内部资料", "秘密★1年"]).as_deref(), Some("秘密★1年"));
    assert_eq!(c(&["秘密★1年", "绝密★长期"]).as_deref(), Some("绝密★长期"));
    assert_eq!(c(&["仅供参考"]).as_deref(), Some("内部资料"));
    assert_eq!(c(&[]), None);
}

#[test]
fn freshness_warns_after_the_configured_days_and_not_before() {
    let d = |s: &str| Date::parse(s).unwrap();
    let review = Review::default();
    assert!(freshness(&review, Some(d("2026-01-01")), d("2026-01-15")).is_none());
    let w = freshness(&review, Some(d("2026-01-01")), d("2026-01-16")).unwrap();
    assert!(w.message.contains("15 days ago"), "{}", w.message);
    assert!(!w.is_error());
    assert!(freshness(&review, None, d("2026-01-16")).is_none());
    let off = Review {
        stale_after_days: 0,
        ..Review::default()
    };
    assert!(freshness(&off, Some(d("2000-01-01")), d("2026-01-16")).is_none());
}
