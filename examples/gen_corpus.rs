//! A synthetic bulletin archive for the benchmark (`bench/run.sh`): N articles in bulletin's
//! content format, the same for the same seed on any machine.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --articles 10000 --seed 1 --out /tmp/corpus-10000
//! ```
//!
//! It writes `OUT/site.yaml` (base_url, `paginate: 50`, a vocabulary of 20 counties and 15 topics)
//! and `OUT/content/`: issues of four to six articles (about five), one a week; each article from
//! one of the 20 counties with a skewed share (the city's own departments and the big districts
//! report most), about one or two of the 15 topics, and a body the size and shape of the seed's:
//! a lead paragraph, three to six sections opening with a bold lead-in (`**一、…**。`), figures
//! with units, sometimes a numbered list or a table; 1,200–1,800 Chinese characters.
//!
//! The prose is stitched from a built-in pool of bulletin phrases, so Markdown parsing, escaping
//! and minification see what real bulletins give them, and nobody mistakes it for news.
//!
//! Randomness is a SplitMix64 written out below rather than the `rand` crate: a corpus must stay
//! byte-identical for a seed forever, so figures stay comparable across commits, and `rand`
//! does not promise its generators' streams across versions. Eight lines are easier to keep.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// `n` distinct indices below `len` (all of them, shuffled, when `n >= len`).
    fn deal(&mut self, len: usize, n: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..len).collect();
        for i in (1..len).rev() {
            let j = self.below(i + 1);
            all.swap(i, j);
        }
        all.truncate(n);
        all
    }
    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

/// A county: name, slug, alias, weight (its share of the articles).
struct County {
    name: &'static str,
    slug: &'static str,
    alias: &'static str,
    weight: u32,
}

#[rustfmt::skip]
const COUNTIES: &[County] = &[
    County { name: "赣州市", slug: "ganzhou-shi", alias: "市直", weight: 16 },
    County { name: "章贡区", slug: "zhanggong-qu", alias: "章贡", weight: 8 },
    County { name: "南康区", slug: "nankang-qu", alias: "南康", weight: 7 },
    County { name: "赣县区", slug: "ganxian-qu", alias: "赣县", weight: 6 },
    County { name: "信丰县", slug: "xinfeng-xian", alias: "信丰", weight: 5 },
    County { name: "大余县", slug: "dayu-xian", alias: "大余", weight: 3 },
    County { name: "上犹县", slug: "shangyou-xian", alias: "上犹", weight: 3 },
    County { name: "崇义县", slug: "chongyi-xian", alias: "崇义", weight: 2 },
    County { name: "安远县", slug: "anyuan-xian", alias: "安远", weight: 3 },
    County { name: "龙南市", slug: "longnan-shi", alias: "龙南", weight: 5 },
    County { name: "定南县", slug: "dingnan-xian", alias: "定南", weight: 2 },
    County { name: "全南县", slug: "quannan-xian", alias: "全南", weight: 2 },
    County { name: "宁都县", slug: "ningdu-xian", alias: "宁都", weight: 4 },
    County { name: "于都县", slug: "yudu-xian", alias: "于都", weight: 7 },
    County { name: "兴国县", slug: "xingguo-xian", alias: "兴国", weight: 5 },
    County { name: "会昌县", slug: "huichang-xian", alias: "会昌", weight: 3 },
    County { name: "寻乌县", slug: "xunwu-xian", alias: "寻乌", weight: 2 },
    County { name: "石城县", slug: "shicheng-xian", alias: "石城", weight: 2 },
    County { name: "瑞金市", slug: "ruijin-shi", alias: "瑞金", weight: 6 },
    County { name: "赣州经开区", slug: "ganzhou-jingkaiqu", alias: "经开区", weight: 4 },
];

/// A topic: name, slug, weight, the city department that reports on it, the county-level office,
/// subjects an article can be about, and figures (what, unit) its paragraphs can quote.
struct Topic {
    name: &'static str,
    slug: &'static str,
    weight: u32,
    city_unit: &'static str,
    county_office: &'static str,
    subjects: &'static [&'static str],
    figures: &'static [(&'static str, &'static str)],
}

#[rustfmt::skip]
const TOPICS: &[Topic] = &[
    Topic {
        name: "就业创业",
        slug: "jiuye-chuangye",
        weight: 9,
        city_unit: "市人社局",
        county_office: "人社局",
        subjects: &["农民工就业", "高校毕业生就业", "返乡创业", "职业技能培训", "稳岗扩岗", "零工市场建设"],
        figures: &[("新增城镇就业", "人"), ("开展补贴性职业培训", "万人次"), ("发放创业担保贷款", "亿元"), ("组织招聘活动", "场"), ("转移就业农村劳动力", "万人")],
    },
    Topic {
        name: "住房城建",
        slug: "zhufang-chengjian",
        weight: 7,
        city_unit: "市住建局",
        county_office: "住建局",
        subjects: &["老旧小区改造", "既有住宅加装电梯", "城市更新", "保障性住房建设", "燃气管网改造", "海绵城市建设"],
        figures: &[("改造老旧小区", "个"), ("加装电梯", "台"), ("完成投资", "亿元"), ("惠及居民", "户"), ("改造燃气管网", "公里")],
    },
    Topic {
        name: "民生保障",
        slug: "minsheng-baozhang",
        weight: 8,
        city_unit: "市民政局",
        county_office: "民政局",
        subjects: &["养老服务体系建设", "社会救助", "困难群众帮扶", "居家养老服务", "残疾人关爱", "儿童福利保障"],
        figures: &[("发放救助资金", "万元"), ("建成养老服务设施", "个"), ("惠及困难群众", "万人"), ("新增养老床位", "张"), ("走访慰问", "户")],
    },
    Topic {
        name: "产业发展",
        slug: "chanye-fazhan",
        weight: 9,
        city_unit: "市工信局",
        county_office: "工信局",
        subjects: &["电子信息产业", "新能源汽车产业链", "现代家居产业", "稀土新材料产业", "招商引资", "首位产业培育"],
        figures: &[("实现营业收入", "亿元"), ("新增规模以上企业", "家"), ("签约项目", "个"), ("完成工业投资", "亿元"), ("建成标准厂房", "万平方米")],
    },
    Topic {
        name: "教育",
        slug: "jiaoyu",
        weight: 7,
        city_unit: "市教育局",
        county_office: "教育局",
        subjects: &["学前教育", "义务教育优质均衡发展", "教师队伍建设", "职业教育", "课后服务", "校园安全"],
        figures: &[("新建幼儿园", "所"), ("新增学位", "个"), ("培训教师", "人次"), ("投入教育资金", "万元"), ("改造校舍", "平方米")],
    },
    Topic {
        name: "医疗卫生",
        slug: "yiliao-weisheng",
        weight: 6,
        city_unit: "市卫健委",
        county_office: "卫健委",
        subjects: &["村卫生室建设", "紧密型医共体建设", "家庭医生签约服务", "基本公共卫生服务", "基层医疗服务能力", "中医药服务"],
        figures: &[("签约服务群众", "万人"), ("完成诊疗", "万人次"), ("投入卫生资金", "万元"), ("培训乡村医生", "人次"), ("建成标准化村卫生室", "所")],
    },
    Topic {
        name: "乡村振兴",
        slug: "xiangcun-zhenxing",
        weight: 8,
        city_unit: "市乡村振兴局",
        county_office: "乡村振兴局",
        subjects: &["巩固拓展脱贫攻坚成果", "乡村建设行动", "村集体经济发展", "农村人居环境整治", "驻村帮扶", "和美乡村建设"],
        figures: &[("村集体经济收入", "万元"), ("整治村庄", "个"), ("实施帮扶项目", "个"), ("带动脱贫户", "户"), ("投入衔接资金", "亿元")],
    },
    Topic {
        name: "营商环境",
        slug: "yingshang-huanjing",
        weight: 6,
        city_unit: "市行政审批局",
        county_office: "行政审批局",
        subjects: &["“一网通办”改革", "工程建设项目审批", "惠企政策兑现", "政务服务标准化", "企业开办", "“赣服通”应用"],
        figures: &[("办理政务服务事项", "万件"), ("兑现惠企资金", "亿元"), ("压缩审批时限", "个工作日"), ("新登记市场主体", "户"), ("上线高频事项", "项")],
    },
    Topic {
        name: "生态环保",
        slug: "shengtai-huanbao",
        weight: 5,
        city_unit: "市生态环境局",
        county_office: "生态环境局",
        subjects: &["河长制", "大气污染防治", "废弃矿山生态修复", "水土保持", "东江源保护", "垃圾分类"],
        figures: &[("治理水土流失面积", "平方公里"), ("修复废弃矿山", "亩"), ("巡河", "人次"), ("空气质量优良天数", "天"), ("投入治理资金", "亿元")],
    },
    Topic {
        name: "交通水利",
        slug: "jiaotong-shuili",
        weight: 5,
        city_unit: "市交通运输局",
        county_office: "交通运输局",
        subjects: &["农村公路建设", "水利工程建设", "城乡客运一体化", "防汛抗旱", "高速公路建设", "农村供水保障"],
        figures: &[("新改建农村公路", "公里"), ("完成水利投资", "亿元"), ("开通城乡公交线路", "条"), ("除险加固水库", "座"), ("受益群众", "万人")],
    },
    Topic {
        name: "文化旅游",
        slug: "wenhua-lvyou",
        weight: 5,
        city_unit: "市文广新旅局",
        county_office: "文广新旅局",
        subjects: &["红色旅游", "全域旅游", "公共文化服务", "文物保护利用", "乡村旅游", "客家文化传承"],
        figures: &[("接待游客", "万人次"), ("实现旅游收入", "亿元"), ("开展文化惠民演出", "场"), ("修缮革命旧址", "处"), ("建成农家书屋", "个")],
    },
    Topic {
        name: "安全生产",
        slug: "anquan-shengchan",
        weight: 4,
        city_unit: "市应急管理局",
        county_office: "应急管理局",
        subjects: &["安全生产专项整治", "消防安全", "道路交通安全", "防灾减灾", "危险化学品监管", "自建房安全排查"],
        figures: &[("排查整改隐患", "处"), ("开展执法检查", "次"), ("培训从业人员", "人次"), ("开展应急演练", "场"), ("排查自建房", "栋")],
    },
    Topic {
        name: "基层治理",
        slug: "jiceng-zhili",
        weight: 5,
        city_unit: "市司法局",
        county_office: "司法局",
        subjects: &["网格化管理", "矛盾纠纷多元化解", "平安建设", "村规民约", "社区治理", "“枫桥式”工作法"],
        figures: &[("化解矛盾纠纷", "件"), ("划分网格", "个"), ("配备网格员", "名"), ("开展法治宣传", "场"), ("调解成功率", "%")],
    },
    Topic {
        name: "科技创新",
        slug: "keji-chuangxin",
        weight: 4,
        city_unit: "市科技局",
        county_office: "科技局",
        subjects: &["科技型中小企业培育", "研发投入", "创新平台建设", "高新技术企业认定", "科技成果转化", "人才引进"],
        figures: &[("新增高新技术企业", "家"), ("研发经费投入", "亿元"), ("建成创新平台", "个"), ("引进高层次人才", "名"), ("转化科技成果", "项")],
    },
    Topic {
        name: "农业农村",
        slug: "nongye-nongcun",
        weight: 6,
        city_unit: "市农业农村局",
        county_office: "农业农村局",
        subjects: &["脐橙产业", "高标准农田建设", "蔬菜产业", "油茶产业", "粮食生产", "农产品品牌建设"],
        figures: &[("新建高标准农田", "万亩"), ("种植面积", "万亩"), ("实现产值", "亿元"), ("带动农户", "户"), ("培育新型经营主体", "家")],
    },
];

const TITLES: &[&str] = &[
    "{u}多措并举推进{s}",
    "{u}创新机制 扎实推进{s}",
    "{u}聚焦{s} 着力提升群众满意度",
    "{u}以{s}为抓手 推动高质量发展",
    "{u}全力抓好{s}工作",
    "{u}积极探索{s}新路径",
    "{u}“四个强化”助力{s}提质增效",
    "{u}精准施策 {s}取得明显成效",
    "{u}坚持问题导向 破解{s}难题",
    "{u}打好“组合拳” 推动{s}走深走实",
];

const MEASURES: &[&str] = &[
    "完善政策体系",
    "优化服务流程",
    "强化资金保障",
    "压实工作责任",
    "创新工作机制",
    "加强督查调度",
    "深化部门协作",
    "广泛宣传发动",
    "补齐短板弱项",
    "强化示范引领",
    "推进数字赋能",
    "加强队伍建设",
];

const GOALS: &[&str] = &[
    "不断增强群众的获得感、幸福感、安全感",
    "推动各项工作提质增效",
    "为全市高质量发展提供有力支撑",
    "取得了阶段性明显成效",
    "让发展成果更多更公平惠及全体人民群众",
    "奋力打造“五型”政府建设的示范样板",
];

const LEADS: &[&str] = &[
    "近年来，{u}坚持以人民为中心的发展思想，围绕{s}，通过{m1}、{m2}、{m3}等举措，{g}。",
    "今年以来，{u}认真贯彻落实市委、市政府决策部署，把{s}作为重要民生工程来抓，{m1}，{m2}，{g}。",
    "{u}以{s}为切入点，坚持高位推动、系统谋划，通过{m1}、{m2}等有力措施，{g}。",
    "为进一步做好{s}工作，{u}紧扣目标任务，{m1}、{m2}、{m3}，{g}。",
];

const HEADINGS: &[&str] = &[
    "高位推动，压实工作责任",
    "完善机制，强化制度保障",
    "聚焦重点，狠抓工作落实",
    "创新方式，提升服务水平",
    "加大投入，夯实发展基础",
    "强化督导，确保取得实效",
    "统筹资源，形成工作合力",
    "精准施策，破解发展难题",
    "示范引领，营造良好氛围",
    "补齐短板，提升{s}质量",
    "扎实推进{s}",
    "坚守底线，充分尊重群众意愿",
    "数字赋能，提高{s}效率",
    "党建引领，凝聚{s}合力",
];

const SENTENCES: &[&str] = &[
    "成立由主要领导任组长的工作领导小组，定期召开调度会，研究解决{s}中的重点难点问题。",
    "制定出台《{p}{s}实施方案》，明确目标任务、责任分工和时间节点，确保各项工作有序推进。",
    "建立“周调度、月通报、季考核”工作机制，对进展缓慢的单位及时督促提醒。",
    "坚持把{s}纳入年度综合考核，充分发挥考核“指挥棒”作用。",
    "整合各类资金{n}万元，集中用于{s}重点项目建设。",
    "积极争取上级政策和资金支持，今年以来累计争取项目资金{n}万元。",
    "通过微信公众号、宣传手册、入户走访等方式广泛宣传相关政策，群众知晓率明显提高。",
    "组织开展业务培训{k}期，培训基层工作人员{c}人次，进一步提升了业务能力。",
    "深入推进“放管服”改革，简化办事流程，实现相关事项“一次不跑”或“只跑一次”。",
    "坚持问题导向，深入开展调查研究，梳理形成问题清单、任务清单、责任清单“三张清单”。",
    "充分发挥基层党组织战斗堡垒作用和党员先锋模范作用，带动群众积极参与。",
    "建立健全长效管理机制，推动{s}由“重建设”向“重管理、重服务”转变。",
    "加强与周边地区的交流合作，学习借鉴先进经验，不断创新工作方法。",
    "注重典型引路，评选表彰先进集体{k}个、先进个人{n2}名，营造了比学赶超的良好氛围。",
    "针对群众反映强烈的突出问题，开展专项整治行动，切实解决群众“急难愁盼”问题。",
    "依托“赣服通”等平台，推动数据共享和业务协同，提高了办事效率。",
    "坚持“一项目一方案一专班”，倒排工期、挂图作战，全力推动项目早建成、早见效。",
    "严格落实资金监管制度，确保每一笔资金都用在刀刃上。",
    "开展“回头看”专项督查{k}轮，发现并整改问题{n2}个。",
    "邀请第三方机构开展评估，评估结果作为下一步工作改进的重要依据。",
    "加大对困难群体的倾斜支持力度，确保应帮尽帮、应享尽享。",
    "推行“网格员+志愿者”服务模式，将服务延伸到群众家门口。",
    "持续优化营商环境，为企业提供“保姆式”“店小二式”服务。",
    "健全“县乡村”三级服务网络，打通服务群众“最后一公里”。",
];

const FIGURE_SENTENCES: &[&str] = &[
    "截至目前，全{r}累计{f} {n} {unit}，同比增长 {pct}%。",
    "今年以来，共{f} {n} {unit}，完成年度目标任务的 {done}%。",
    "{y} 年，全{r}{f} {n} {unit}，较上年增加 {n2} {unit}。",
    "目前，已{f} {n} {unit}，其中{y}年新增 {n2} {unit}。",
    "1-{mo} 月，全{r}{f}{n}{unit}，同比增长{pct}%。",
];

const LIST_INTROS: &[&str] = &["主要做法有：", "重点抓好以下几项工作：", "具体措施包括："];

const CHINESE_NUMBERS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八"];

/// What the user asked for.
struct Args {
    articles: usize,
    seed: u64,
    out: PathBuf,
    /// Where to write the issue that follows the corpus (six articles), for the incremental
    /// benchmark (`bench/incremental.sh`): outside `content/`, to be copied in.
    next_issue: Option<PathBuf>,
}

fn usage() -> &'static str {
    "usage: gen_corpus --articles N [--seed S] --out DIR [--next-issue DIR2]\n\
     Writes DIR/site.yaml and DIR/content/ with N articles; the same seed gives the same bytes.\n\
     --next-issue: also write the next week's issue, of six articles, as DIR2/SLUG/."
}

fn parse_args() -> Result<Args, String> {
    let mut articles = None;
    let mut seed = 1u64;
    let mut out = None;
    let mut next_issue = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--articles" | "-n" => {
                let v = value("--articles")?;
                articles = Some(
                    v.parse()
                        .map_err(|_| format!("--articles: not a number: {v}"))?,
                );
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            "--out" | "-o" => out = Some(PathBuf::from(value("--out")?)),
            "--next-issue" => next_issue = Some(PathBuf::from(value("--next-issue")?)),
            "--help" | "-h" => return Err(usage().to_string()),
            other => return Err(format!("unknown argument `{other}`\n{}", usage())),
        }
    }
    Ok(Args {
        articles: articles.ok_or_else(|| format!("--articles is required\n{}", usage()))?,
        seed,
        out: out.ok_or_else(|| format!("--out is required\n{}", usage()))?,
        next_issue,
    })
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The first issue's date: Thursday 1986-01-02, so 10,000 articles (about 2,000 weekly issues)
/// end in 2024. Later issues follow one week apart.
const FIRST_ISSUE_DAY: i64 = 5845;

/// Fill `{x}` placeholders in `template` from `vars`.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .expect("closed placeholder");
        let name = &rest[start + 1..end];
        match vars.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => panic!("no value for placeholder {{{name}}} in {template}"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A number as bulletins print them: counts are whole, amounts in 万 and 亿 often have decimals.
fn amount(rng: &mut Rng, unit: &str) -> String {
    if unit == "%" {
        return format!("{}.{}", rng.range(80, 99), rng.range(0, 9));
    }
    if unit.starts_with('万') || unit.starts_with('亿') {
        return match rng.below(2) {
            0 => rng.range(2, 999).to_string(),
            _ => format!("{}.{:02}", rng.range(1, 999), rng.range(0, 99)),
        };
    }
    match rng.below(2) {
        0 => rng.range(3, 999).to_string(),
        _ => rng.range(1000, 49_999).to_string(),
    }
}

/// One article's Markdown body: lead, numbered sections with bold lead-ins, figures, and now and
/// then a list or a table. `year` is the issue's.
fn body(
    rng: &mut Rng,
    unit: &str,
    region: &str,
    topic: &Topic,
    subject: &str,
    year: i64,
) -> String {
    let target = rng.range(1200, 1800);
    let m: Vec<&str> = rng
        .deal(MEASURES.len(), 3)
        .into_iter()
        .map(|i| MEASURES[i])
        .collect();
    let g = rng.pick(GOALS);
    let mut out = String::with_capacity(target * 4);
    out.push_str(&fill(
        rng.pick(LEADS),
        &[
            ("u", unit),
            ("s", subject),
            ("m1", m[0]),
            ("m2", m[1]),
            ("m3", m[2]),
            ("g", g),
        ],
    ));
    // The lead often ends on a headline figure.
    if rng.chance(60) {
        out.push_str(&figure(rng, topic, region, year));
    }
    out.push_str("\n\n");
    let sections = rng.range(3, 6);
    let per_section = target / sections;
    let list_in = if rng.chance(12) {
        Some(rng.below(sections))
    } else {
        None
    };
    let table_in = if rng.chance(6) {
        Some(rng.below(sections))
    } else {
        None
    };
    let prefix = if region == "市" { "赣州市" } else { unit };
    let mut chars = out.chars().count();
    let headings = rng.deal(HEADINGS.len(), sections);
    // Sentences are dealt like cards so an article does not say the same thing twice.
    let mut deck: Vec<usize> = Vec::new();
    for s in 0..sections {
        let heading = fill(HEADINGS[headings[s]], &[("s", subject)]);
        let mut para = format!("**{}、{heading}**。", CHINESE_NUMBERS[s]);
        let section_end = (chars + per_section).min(target);
        let mut para_chars = para.chars().count();
        // "一是…二是…" enumerations inside a section, as in the seed's 于都县 article.
        let enumerate = rng.chance(25);
        let mut point = 0;
        while chars + para_chars < section_end || para_chars < 60 {
            if enumerate && point < 3 && rng.chance(50) {
                para.push_str(CHINESE_NUMBERS[point]);
                para.push('是');
                point += 1;
            }
            let sentence = if rng.chance(35) {
                figure(rng, topic, region, year)
            } else {
                if deck.is_empty() {
                    deck = rng.deal(SENTENCES.len(), SENTENCES.len());
                }
                let n = amount(rng, "万元");
                let c = amount(rng, "人次");
                let n2 = rng.range(2, 60).to_string();
                let k = rng.range(2, 12).to_string();
                fill(
                    SENTENCES[deck.pop().expect("dealt")],
                    &[
                        ("s", subject),
                        ("p", prefix),
                        ("n", &n),
                        ("c", &c),
                        ("n2", &n2),
                        ("k", &k),
                    ],
                )
            };
            para_chars += sentence.chars().count();
            para.push_str(&sentence);
        }
        out.push_str(&para);
        out.push_str("\n\n");
        chars += para_chars;
        if list_in == Some(s) {
            out.push_str(rng.pick(LIST_INTROS));
            out.push_str("\n\n");
            for i in 1..=rng.range(3, 5) {
                let m = rng.pick(MEASURES);
                let (what, u) = rng.pick(topic.figures);
                let n = amount(rng, u);
                let line = format!("{i}. {m}，{what} {n} {u}；\n");
                chars += line.chars().count();
                out.push_str(&line);
            }
            out.push('\n');
        }
        if table_in == Some(s) {
            let _ = writeln!(out, "| 指标 | {} 年 | {year} 年 | 同比增长 |", year - 1);
            out.push_str("|---|---:|---:|---:|\n");
            for _ in 0..rng.range(3, 5) {
                let (what, u) = rng.pick(topic.figures);
                let a = rng.range(100, 9000);
                let b = a + rng.range(5, a / 2 + 5);
                let pct = (b - a) * 1000 / a;
                let _ = writeln!(
                    out,
                    "| {what}（{u}） | {a} | {b} | {}.{}% |",
                    pct / 10,
                    pct % 10
                );
                chars += 30;
            }
            out.push('\n');
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn figure(rng: &mut Rng, topic: &Topic, region: &str, year: i64) -> String {
    let (what, unit) = rng.pick(topic.figures);
    let n = amount(rng, unit);
    let n2 = rng.range(2, 300).to_string();
    let pct = format!("{}.{}", rng.range(1, 60), rng.range(0, 9));
    let y = (year - rng.below(2) as i64).to_string();
    let mo = rng.range(2, 11).to_string();
    let done = format!("{}.{}", rng.range(60, 130), rng.range(0, 9));
    let template = if unit == "%" {
        "目前，全{r}{f}达 {n}{unit}。"
    } else {
        rng.pick(FIGURE_SENTENCES)
    };
    fill(
        template,
        &[
            ("r", region),
            ("f", what),
            ("n", &n),
            ("n2", &n2),
            ("unit", unit),
            ("pct", &pct),
            ("y", &y),
            ("mo", &mo),
            ("done", &done),
        ],
    )
}

fn site_yaml() -> String {
    let mut s = String::new();
    s.push_str(
        "# A synthetic archive written by examples/gen_corpus.rs for the benchmark (bench/run.sh).\n\
         title: 赣州市“五型”政府建设工作简报（基准测试）\n\
         description: 由 gen_corpus 生成的合成工作简报归档，用于性能基准测试。\n\
         base_url: https://jianbao.example.gov.cn/\n\
         language: zh-CN\n\
         paginate: 50\n\
         series: 赣州市“五型”政府建设工作简报\n\
         editor: 市“五型”政府建设领导小组办公室\n\
         city: 赣州市\n\
         counties:\n",
    );
    for c in COUNTIES {
        let _ = writeln!(
            s,
            "  - {{ name: {}, slug: {}, aliases: [{}] }}",
            c.name, c.slug, c.alias
        );
    }
    s.push_str("topics:\n");
    for t in TOPICS {
        let _ = writeln!(s, "  - {{ name: {}, slug: {} }}", t.name, t.slug);
    }
    s
}

fn write(path: &Path, text: &str) -> io::Result<()> {
    let mut f = io::BufWriter::new(fs::File::create(path)?);
    f.write_all(text.as_bytes())?;
    f.flush()
}

fn generate(args: &Args) -> io::Result<(usize, usize)> {
    let mut rng = Rng(args.seed);
    let content = args.out.join("content");
    if content.exists() {
        fs::remove_dir_all(&content)?;
    }
    fs::create_dir_all(&content)?;
    write(&args.out.join("site.yaml"), &site_yaml())?;
    let mut written = 0;
    let mut issue = 0;
    while written < args.articles {
        issue += 1;
        let left = args.articles - written;
        written += write_issue(&mut rng, &content, issue, |count| count.min(left))?;
    }
    if let Some(next) = &args.next_issue {
        if next.exists() {
            fs::remove_dir_all(next)?;
        }
        fs::create_dir_all(next)?;
        write_issue(&mut rng, next, issue + 1, |_| 6)?;
    }
    Ok((issue, written))
}

/// Write issue number `issue` (dated a week after the one before) as a folder of `into`, with
/// `count(drawn)` articles; the number of articles written.
fn write_issue(
    rng: &mut Rng,
    into: &Path,
    issue: usize,
    count: impl FnOnce(usize) -> usize,
) -> io::Result<usize> {
    let county_weights: Vec<u32> = COUNTIES.iter().map(|c| c.weight).collect();
    let topic_weights: Vec<u32> = TOPICS.iter().map(|t| t.weight).collect();
    let (year, month, day) = civil_from_days(FIRST_ISSUE_DAY + 7 * (issue as i64 - 1));
    let slug = format!("{year}-{issue:03}");
    let dir = into.join(&slug);
    fs::create_dir(&dir)?;
    let mut index = format!(
        "---\nnumber: {issue}\ndate: {year:04}-{month:02}-{day:02}\nphone: \"{}\"\nemail: gzswxzfb@163.com\n---\n",
        8_990_000 + rng.below(9999)
    );
    if rng.chance(8) {
        index.push_str("本期聚焦各地各部门落实“五型”政府建设的新举措、新成效，供各地学习借鉴。\n");
    }
    write(&dir.join("_index.md"), &index)?;
    let count = count([4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 4, 4, 4, 6, 6][rng.below(20)]);
    let mut used_slugs: Vec<String> = Vec::new();
    for pos in 1..=count {
        let county = &COUNTIES[rng.weighted(&county_weights)];
        let t1 = rng.weighted(&topic_weights);
        let mut topics = vec![&TOPICS[t1]];
        if rng.chance(30) {
            let t2 = rng.weighted(&topic_weights);
            if t2 != t1 {
                topics.push(&TOPICS[t2]);
            }
        }
        let topic = topics[0];
        // 全市, 全县 or 全区 in the prose: the county's last character.
        let region = &county.name[county.name.len() - '市'.len_utf8()..];
        let unit = if county.name == "赣州市" {
            topic.city_unit.to_string()
        } else if rng.chance(40) {
            format!("{}{}", county.name, topic.county_office)
        } else {
            county.name.to_string()
        };
        let subject = rng.pick(topic.subjects);
        let title = fill(rng.pick(TITLES), &[("u", &unit), ("s", subject)]);
        let mut file_slug = format!("{}-{}", county.slug, topic.slug);
        let mut n = 2;
        while used_slugs.contains(&file_slug) {
            file_slug = format!("{}-{}-{n}", county.slug, topic.slug);
            n += 1;
        }
        used_slugs.push(file_slug.clone());
        let mut md = format!(
            "---\ntitle: {title}\ncounty: {}\nunit: {unit}\ntopics:\n",
            county.name
        );
        for t in &topics {
            let _ = writeln!(md, "  - {}", t.name);
        }
        md.push_str("---\n");
        md.push_str(&body(rng, &unit, region, topic, subject, year));
        write(&dir.join(format!("{pos:02}-{file_slug}.md")), &md)?;
    }
    Ok(count)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok((issues, articles)) => {
            println!(
                "wrote {articles} articles in {issues} issues to {}",
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
