use super::footer::{FooterItem, footer_line, print_run};
use super::*;

fn named(t: &str) -> bool {
    ["于都县", "定南县", "市人社局", "市住建局"]
        .iter()
        .any(|n| t.starts_with(n))
}

fn parse_ok(src: &str) -> Parsed {
    parse(src, Path::new("in.txt"), &named).unwrap_or_else(|d| panic!("{}", d.render(false)))
}

const HEAD: &str = "赣州市“五型”政府建设 工作简报\n\n第 125 期\n\n市“五型”政府建设领导小组办公室\n\n2021 年 7 月 29 日\n\n";

fn paragraphs(a: &ParsedArticle) -> Vec<&str> {
    a.blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) | Block::BoldLead(p, _) | Block::Heading(_, p) => p.as_str(),
            Block::Object(_) => "",
        })
        .collect()
}

#[test]
fn the_header_gives_series_number_editor_and_date() {
    let p = parse_ok(&format!("{HEAD}于都县推进学前教育\n\n正文。\n"));
    assert_eq!(p.series.as_deref(), Some("赣州市“五型”政府建设工作简报"));
    assert_eq!(p.number, 125);
    assert_eq!(p.year, 2021);
    assert_eq!(p.date.to_string(), "2021-07-29");
    assert_eq!(p.editor.as_deref(), Some("市“五型”政府建设领导小组办公室"));
    assert_eq!(p.articles.len(), 1);
}

#[test]
fn a_two_line_masthead_and_year_issue_forms_are_read() {
    let src = "内部资料 注意保存\n赣州市“五型”政府建设\n工作简报\n2021 年第 8 期（总第 133 期）\n市政府办公室编    2021年7月29日\n于都县推进学前教育\n正文。\n";
    let p = parse_ok(src);
    assert_eq!(p.series.as_deref(), Some("赣州市“五型”政府建设工作简报"));
    assert_eq!((p.number, p.year), (8, 2021));
    assert_eq!(p.editor.as_deref(), Some("市政府办公室"));
    assert!(p.extra.contains(&("total", Value::Number(133))));
    assert!(
        p.extra
            .contains(&("marking", Value::Text("内部资料 注意保存".into())))
    );
    let p = parse_ok("工作简报\n总第 133 期\n二〇二一年七月二十九日\n于都县推进学前教育\n正文。\n");
    assert_eq!(p.number, 133);
    assert!(!p.extra.iter().any(|(k, _)| *k == "total"));
}

#[test]
fn a_missing_issue_number_or_date_is_an_error() {
    let e = parse(
        "工作简报\n2021 年 7 月 29 日\n于都县\n",
        Path::new("in.txt"),
        &named,
    )
    .unwrap_err();
    assert!(e.message.contains("issue number"), "{}", e.message);
    let e = parse(
        "工作简报\n第 3 期\n办公室\n于都县推进\n正文。\n",
        Path::new("in.txt"),
        &named,
    )
    .unwrap_err();
    assert!(e.message.contains("date"), "{}", e.message);
}

#[test]
fn a_paragraph_without_a_final_stop_continues_across_a_page_break() {
    let src = format!(
        "{HEAD}于都县推进学前教育\n\n一、投入资金。累计\n\n— 2 —\n\n接送劳动力 1703 车次。\n\n二、实有在孵企业(实\n\n- 3 -\n\n体) 2884 家。\n"
    );
    let p = parse_ok(&src);
    assert_eq!(
        paragraphs(&p.articles[0]),
        [
            "一、投入资金。累计接送劳动力 1703 车次。",
            "二、实有在孵企业(实体) 2884 家。"
        ]
    );
}

#[test]
fn indented_text_starts_paragraphs_only_at_indented_lines() {
    let src = format!(
        "{HEAD}于都县推进学前教育\n\u{3000}\u{3000}第一段开头，到行末。\n接着第一段。\n\u{3000}\u{3000}第二段。\n"
    );
    let p = parse_ok(&src);
    assert_eq!(
        paragraphs(&p.articles[0]),
        ["第一段开头，到行末。接着第一段。", "第二段。"]
    );
}

#[test]
fn titles_are_told_from_paragraphs_and_section_leads() {
    let src = format!(
        "{HEAD}市人社局多措并举促进农民工就业创业\n\n近年来，全市就业稳定。\n\n一、统一人员聘用\n\n整合资金。\n\n（一）统一待遇\n\n落实政策。\n\n定南县创新乡村一体化运行机制 提升村级卫生服务能力\n\n正文。\n"
    );
    let p = parse_ok(&src);
    assert_eq!(p.articles.len(), 2);
    assert_eq!(p.articles[0].title, "市人社局多措并举促进农民工就业创业");
    assert_eq!(
        p.articles[0].blocks,
        vec![
            Block::Paragraph("近年来，全市就业稳定。".into()),
            Block::Heading(Marker::Chapter, "一、统一人员聘用".into()),
            Block::Paragraph("整合资金。".into()),
            Block::Heading(Marker::Section, "（一）统一待遇".into()),
            Block::Paragraph("落实政策。".into()),
        ]
    );
    assert_eq!(
        p.articles[1].title,
        "定南县创新乡村一体化运行机制 提升村级卫生服务能力"
    );
}

#[test]
fn a_title_printed_over_two_lines_is_joined_with_a_space() {
    let src = format!(
        "{HEAD}市住建局积极推进全市既有住宅加装电梯\n改善人民群众居住条件\n\n近年来，推进加装电梯。\n"
    );
    let p = parse_ok(&src);
    assert_eq!(
        p.articles[0].title,
        "市住建局积极推进全市既有住宅加装电梯 改善人民群众居住条件"
    );
}

#[test]
fn a_short_line_with_a_comma_is_a_paragraph_with_a_warning() {
    let src = format!("{HEAD}于都县推进学前教育\n\n正文。\n\n强化措施，狠抓落实\n\n正文二。\n");
    let p = parse_ok(&src);
    assert_eq!(p.articles.len(), 1);
    assert!(
        p.warnings.iter().any(|w| w.message.contains("ambiguous")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn the_editors_note_becomes_the_introduction() {
    let src = format!(
        "{HEAD}【编者按】今年以来，各地积极推进。\n\n现将有关做法刊发。\n\n于都县推进学前教育\n\n正文。\n"
    );
    let p = parse_ok(&src);
    assert_eq!(
        p.intro,
        vec![
            Block::Paragraph("【编者按】今年以来，各地积极推进。".into()),
            Block::Paragraph("现将有关做法刊发。".into())
        ]
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!(p.articles.len(), 1);
}

#[test]
fn the_footer_goes_to_front_matter_never_into_an_article() {
    let src = format!(
        "{HEAD}于都县推进学前教育\n\n正文。\n\n报：市委常委，市人大常委会主任，\n    市政协主席。\n送：各县（市、区）政府。\n抄送：市直各单位\n市“五型”政府建设领导小组办公室编    （共印 120 份）\n电话：8992528    电子邮箱：gzswxzfb@163.com\n"
    );
    let p = parse_ok(&src);
    assert_eq!(paragraphs(&p.articles[0]), ["正文。"]);
    let get = |k: &str| {
        p.extra
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("phone"), Some(Value::Text("8992528".into())));
    assert_eq!(get("email"), Some(Value::Text("gzswxzfb@163.com".into())));
    assert_eq!(
        get("report_to"),
        Some(Value::Text(
            "市委常委，市人大常委会主任，市政协主席。".into()
        ))
    );
    assert_eq!(
        get("send_to"),
        Some(Value::Text("各县（市、区）政府。".into()))
    );
    assert_eq!(get("copy_to"), Some(Value::Text("市直各单位".into())));
    assert_eq!(get("print_run"), Some(Value::Number(120)));
    assert_eq!(p.editor.as_deref(), Some("市“五型”政府建设领导小组办公室"));
}

#[test]
fn footer_lines_are_recognised_item_by_item() {
    assert_eq!(
        footer_line("电  话：0797-8992528"),
        Some(vec![FooterItem::Field(
            "phone",
            Value::Text("0797-8992528".into()),
            false
        )])
    );
    assert!(footer_line("报：市委").is_some());
    assert!(footer_line("近年来，电话：123").is_none());
    assert!(footer_line("于都县推进学前教育").is_none());
    assert_eq!(print_run("（共印 50 份）").map(|p| p.0), Some(50));
}

#[test]
fn running_headers_and_rules_are_page_furniture() {
    let src = format!(
        "{HEAD}于都县推进学前教育\n\n第一段，\n\n赣州市“五型”政府建设工作简报\n————————\n接着。\n"
    );
    let p = parse_ok(&src);
    assert_eq!(paragraphs(&p.articles[0]), ["第一段，接着。"]);
}

#[test]
fn every_line_of_an_article_is_in_its_source() {
    let src = format!("{HEAD}于都县推进学前教育\n\n一、第一段，\n\n— 2 —\n\n接着。\n");
    let p = parse_ok(&src);
    assert_eq!(p.articles[0].source, "于都县推进学前教育一、第一段，接着。");
}

#[test]
fn ordinal_leads_are_recognised() {
    assert!(ordinal_lead("一是抓制度建设"));
    assert!(ordinal_lead("十二是"));
    assert!(!ordinal_lead("统一是"));
    assert!(!ordinal_lead("一体化"));
}

/// Parse `lines` (one per line) with hints.
fn parse_hinted(lines: &[(&str, LineHint)]) -> Parsed {
    let src: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let hints: Vec<LineHint> = lines.iter().map(|(_, h)| *h).collect();
    parse_with_hints(&src, &hints, Path::new("in.docx"), &named)
        .unwrap_or_else(|d| panic!("{}", d.render(false)))
}

const PARA: LineHint = LineHint {
    starts_paragraph: true,
    bold_lead: 0,
    title: false,
    body: false,
    space_before: false,
    object: None,
};

fn head() -> Vec<(&'static str, LineHint)> {
    vec![
        ("工作简报", PARA),
        ("第 125 期", PARA),
        ("2021 年 7 月 29 日", PARA),
    ]
}

#[test]
fn a_paragraph_of_a_word_file_is_never_joined_to_the_next() {
    let mut lines = head();
    lines.extend([
        ("于都县推进学前教育", PARA),
        ("一是建园，没有句号", PARA),
        ("二是配师。", PARA),
        // A line break inside a paragraph: the next line continues it.
        ("第一行，", PARA),
        ("第二行。", LineHint::default()),
    ]);
    let p = parse_hinted(&lines);
    assert_eq!(
        paragraphs(&p.articles[0]),
        ["一是建园，没有句号", "二是配师。", "第一行，第二行。"]
    );
}

#[test]
fn hints_give_bold_leads_objects_titles_and_kept_spaces() {
    let mut lines = head();
    lines.extend([
        ("于都县推进学前教育", PARA),
        (
            "强化组织领导。成立专班。",
            LineHint {
                bold_lead: 6,
                ..PARA
            },
        ),
        (
            "[图片 1]",
            LineHint {
                object: Some(0),
                ..PARA
            },
        ),
        ("投入", PARA),
        (
            "2331.76 万元。",
            LineHint {
                space_before: true,
                ..LineHint::default()
            },
        ),
        // With a comma and no county, a title only because the file sets it as one.
        (
            "强化措施，狠抓落实",
            LineHint {
                title: true,
                ..PARA
            },
        ),
        ("正文。", PARA),
        // Set as body text: a paragraph though it reads like a title.
        (
            "定南县创新乡村一体化运行机制",
            LineHint { body: true, ..PARA },
        ),
    ]);
    let p = parse_hinted(&lines);
    assert_eq!(p.articles.len(), 2, "{:?}", p.articles);
    assert_eq!(
        p.articles[0].blocks,
        [
            Block::BoldLead("强化组织领导。成立专班。".into(), 6),
            Block::Object(0),
            Block::Paragraph("投入 2331.76 万元。".into()),
        ]
    );
    assert_eq!(p.articles[1].title, "强化措施，狠抓落实");
    assert_eq!(
        paragraphs(&p.articles[1]),
        ["正文。", "定南县创新乡村一体化运行机制"]
    );
}
