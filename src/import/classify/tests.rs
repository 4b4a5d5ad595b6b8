use super::*;
use std::path::Path;

const SITE: &str = "city: 赣州市\ncounties:\n  - {name: 赣州市, aliases: [赣州]}\n  - {name: 章贡区}\n  - {name: 于都县, aliases: [于都]}\n  - {name: 大余县}\n  - {name: 赣州经开区, aliases: [经开区]}\ntopics:\n  - {name: 就业创业, keywords: [就业, 创业, 农民工]}\n  - {name: 教育, keywords: [教育, 幼儿园]}\n  - {name: 民生保障}\n  - {name: 综合}\n";

fn config(yaml: &str) -> Config {
    Config::parse(Path::new("/site"), yaml).unwrap()
}

fn lead(c: &Classifier<'_>, title: &str) -> Option<(Option<String>, String, NameKind)> {
    c.leading(title).map(|l| (l.county, l.unit, l.kind))
}

#[test]
fn county_comes_from_the_vocabulary_longest_name_first() {
    let cfg = config(SITE);
    let (c, _) = Classifier::new(&cfg);
    let v = |s: &str| Some(s.to_string());
    assert_eq!(
        lead(&c, "于都县积极探索解决“入园难、入园贵”问题"),
        Some((v("于都县"), "于都县".into(), NameKind::Vocabulary))
    );
    assert_eq!(
        lead(&c, "赣州经开区“链长制”为电子信息产业发展保驾护航"),
        Some((v("赣州经开区"), "赣州经开区".into(), NameKind::Vocabulary))
    );
    assert_eq!(
        lead(&c, "于都积极推进学前教育"),
        Some((v("于都县"), "于都县".into(), NameKind::Vocabulary))
    );
    assert_eq!(
        lead(&c, "于都县教育局推进学前教育"),
        Some((v("于都县"), "于都县教育局".into(), NameKind::Vocabulary))
    );
    assert_eq!(
        lead(&c, "赣州市章贡区推进老旧小区改造"),
        Some((v("章贡区"), "章贡区".into(), NameKind::Vocabulary))
    );
    assert_eq!(
        lead(&c, "大余县以办好人民满意教育为抓手"),
        Some((v("大余县"), "大余县".into(), NameKind::Vocabulary))
    );
}

#[test]
fn city_departments_file_under_the_city() {
    let cfg = config(SITE);
    let (c, _) = Classifier::new(&cfg);
    let city = Some("赣州市".to_string());
    for (title, unit) in [
        ("市人社局多措并举促进农民工就业创业", "市人社局"),
        ("市住建局积极推进全市既有住宅加装电梯", "市住建局"),
        ("市发改委推动重大项目建设", "市发改委"),
        ("市政府办公室强化督查", "市政府办公室"),
        ("市委办公室深化作风建设", "市委办公室"),
        ("赣州市人社局举办招聘会", "赣州市人社局"),
    ] {
        let l = c.leading(title).unwrap_or_else(|| panic!("{title}"));
        assert_eq!(
            (l.county.clone(), l.unit.as_str()),
            (city.clone(), unit),
            "{title}"
        );
    }
    assert!(c.leading("全市推进城市更新").is_none());
    assert!(c.leading("以改革创新推进高质量发展").is_none());
}

#[test]
fn without_a_vocabulary_a_name_ending_in_xian_qu_shi_or_a_zone_is_the_county() {
    let cfg = config("");
    let (c, _) = Classifier::new(&cfg);
    let p = |s: &str| Some(s.to_string());
    assert_eq!(
        lead(&c, "定南县创新乡村一体化运行机制"),
        Some((p("定南县"), "定南县".into(), NameKind::Pattern))
    );
    assert_eq!(
        lead(&c, "赣州经开区“链长制”助力产业"),
        Some((p("赣州经开区"), "赣州经开区".into(), NameKind::Pattern))
    );
    assert_eq!(
        lead(&c, "于都县积极探索解决“入园难”问题"),
        Some((p("于都县"), "于都县".into(), NameKind::Pattern))
    );
    assert_eq!(
        lead(&c, "全南县卫健委推进村医队伍建设"),
        Some((p("全南县"), "全南县卫健委".into(), NameKind::Pattern))
    );
    // A city department with no city to file it under.
    assert_eq!(
        lead(&c, "市人社局多措并举"),
        Some((None, "市人社局".into(), NameKind::CityDepartment))
    );
    assert!(c.leading("推进城区改造").is_none());
    assert!(c.leading("“链长制”助力").is_none());
}

#[test]
fn topics_are_ranked_by_keyword_hits_up_to_two() {
    let cfg = config(SITE);
    let (c, _) = Classifier::new(&cfg);
    let t = c.topics("市人社局促进农民工就业", "就业就业创业，幼儿园。");
    assert_eq!(t.topics, vec!["就业创业"]);
    assert!(!t.defaulted);
    // Both in the title: both, most hits first.
    let t = c.topics("幼儿园教师就业", "幼儿园教育幼儿园教育");
    assert_eq!(t.topics, vec!["教育", "就业创业"]);
    // Built-in keywords for a topic the site lists without keywords.
    let t = c.topics("提高养老服务水平", "养老");
    assert_eq!(t.topics, vec!["民生保障"]);
}

#[test]
fn an_article_no_rule_matches_gets_the_default_topic() {
    let cfg = config(SITE);
    let (c, _) = Classifier::new(&cfg);
    let t = c.topics("某某工作会议召开", "会议强调。");
    assert_eq!(t.topics, vec!["综合"]);
    assert!(t.defaulted);
    let cfg = config(&format!("{SITE}import:\n  default_topic: 教育\n"));
    let (c, _) = Classifier::new(&cfg);
    assert_eq!(c.topics("会议", "").topics, vec!["教育"]);
}

#[test]
fn import_rules_add_keywords_and_unknown_topics_are_reported() {
    let cfg = config(&format!(
        "{SITE}import:\n  rules:\n    - {{topic: 教育, keywords: [入园]}}\n    - {{topic: 体育, keywords: [足球]}}\n"
    ));
    let (c, diags) = Classifier::new(&cfg);
    assert_eq!(c.topics("破解入园难", "").topics, vec!["教育"]);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("体育"));
}

#[test]
fn unit_slugs_are_short_pinyin() {
    let cfg = config(SITE);
    let (c, _) = Classifier::new(&cfg);
    let s = |t: &str| unit_slug(&c.leading(t).unwrap(), Some("赣州市"));
    assert_eq!(s("市人社局多措并举"), "renshe");
    assert_eq!(s("于都县积极探索"), "yudu");
    assert_eq!(s("赣州经开区“链长制”"), "jingkaiqu");
    assert_eq!(s("于都县教育局推进"), "yudu-jiaoyu");
}

#[test]
fn the_main_keyword_is_the_most_frequent_title_keyword() {
    let cfg = config(SITE);
    let (c, _) = Classifier::new(&cfg);
    let k = c.main_keyword(
        "促进农民工就业创业",
        "就业就业就业农民工",
        &["就业创业".to_string()],
    );
    assert_eq!(k.as_deref(), Some("就业"));
}
