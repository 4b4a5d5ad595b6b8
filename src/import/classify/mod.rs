//! Which county an article belongs to, which unit reported it, and which topics it is about.
//!
//! County and unit come from the title's leading name, the way bulletins write them: `于都县…`,
//! `赣州经开区…`, `市人社局…` (a city department, filed under site.yaml's `city`), `于都县教育局…`.
//! Names are looked up in site.yaml's `counties:` (names and aliases, longest first); without a
//! vocabulary, or for a name it lacks, a leading name ending in 县, 区, 市 or a zone (经开区,
//! 高新区…) is taken as it is. A department is a short name ending in 局, 委, 办, 办公室, 中心…
//! right after the county or a bare 市.
//!
//! Topics come from keyword rules: the `keywords` of site.yaml's topics, `import.rules`, and
//! built-in rules for common government topics (used for a topic only when the site gives it no
//! keywords, and only for topics the site's vocabulary has). See [`Classifier::topics`].

use crate::config::{Config, Vocabulary};
use crate::diagnostics::Diagnostic;
use crate::slug;

/// Keywords of common government topics, used for topics the site gives no keywords of its own.
pub const BUILTIN_RULES: &[(&str, &[&str])] = &[
    (
        "就业创业",
        &["就业", "创业", "农民工", "技能培训", "招聘", "稳岗"],
    ),
    (
        "教育",
        &["教育", "学校", "幼儿园", "入园", "教师", "学生", "校园"],
    ),
    (
        "医疗卫生",
        &["医疗", "卫生", "卫生院", "医院", "村医", "医保", "健康"],
    ),
    (
        "住房城建",
        &[
            "住建",
            "住房",
            "住宅",
            "电梯",
            "老旧小区",
            "城市更新",
            "棚户区",
        ],
    ),
    (
        "产业发展",
        &["产业", "产业链", "工业", "制造业", "企业", "园区", "营收"],
    ),
    (
        "乡村振兴",
        &["乡村振兴", "乡村", "农村", "农业", "脱贫", "村级"],
    ),
    (
        "营商环境",
        &["营商环境", "审批", "政务服务", "放管服", "一网通办", "办事"],
    ),
    (
        "民生保障",
        &["民生", "养老", "社保", "低保", "救助", "群众"],
    ),
    (
        "生态环保",
        &["生态", "环保", "污染", "河长制", "林长制", "环境保护"],
    ),
    ("安全生产", &["安全生产", "应急", "消防", "防汛", "隐患"]),
    ("项目建设", &["项目建设", "重大项目", "开工", "投资"]),
    ("基层治理", &["基层治理", "社区", "网格", "矛盾纠纷"]),
    ("文化旅游", &["文化", "旅游", "文旅", "景区"]),
    ("交通运输", &["交通", "公路", "高速", "铁路", "物流"]),
];

/// The topic an article gets when no rule matches, unless site.yaml's `import.default_topic`
/// names another.
pub const DEFAULT_TOPIC: &str = "综合";

/// Up to this many topics per article.
pub const MAX_TOPICS: usize = 2;

/// A keyword rule: any of `keywords` in an article suggests `topic`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRule {
    pub topic: String,
    pub keywords: Vec<String>,
}

/// How a title's leading name was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A name or alias of site.yaml's `counties:`.
    Vocabulary,
    /// `市…局`: a department of the city.
    CityDepartment,
    /// A name ending in 县, 区, 市 or a zone, not in the vocabulary (or there is none).
    Pattern,
}

/// The leading name of a title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leading {
    /// The county it files under (canonical), or `None` for a city department when site.yaml
    /// names no city.
    pub county: Option<String>,
    /// The reporting unit as the title writes it (`市人社局`, `于都县教育局`), or the county.
    pub unit: String,
    pub kind: NameKind,
    /// The county or zone part as written (`赣州经开区`, `于都县`; empty for `市人社局`).
    pub place: String,
    /// The department part (`人社局`).
    pub department: Option<String>,
    /// Length in bytes of the name in the title.
    pub len: usize,
}

/// Topics chosen for an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicChoice {
    pub topics: Vec<String>,
    /// No rule matched: `topics` is the default topic.
    pub defaulted: bool,
}

/// The site's vocabularies and rules, ready to classify articles.
pub struct Classifier<'a> {
    counties: Option<&'a Vocabulary>,
    topics_vocab: Option<&'a Vocabulary>,
    city: Option<String>,
    pub rules: Vec<TopicRule>,
    pub default_topic: String,
}

/// First characters that a place or department name does not start with: verbs and function words
/// that open a title's predicate (`推进…`, `以…`, `全面…`).
/// (Characters that start county names are left out: 于都县, 将乐县, 从化区, 和平县, 本溪市.)
const STOP: &str =
    "以在把为对着向让是的与及各我该其这此推强抓聚坚创狠打持做构优提破用立率走靠凝激守严落夯助促";

/// Suffixes of a department, longest first.
const DEPT_SUFFIXES: &[&str] = &[
    "人民政府",
    "领导小组",
    "委员会",
    "管委会",
    "办公室",
    "指挥部",
    "政府",
    "中心",
    "公司",
    "集团",
    "支队",
    "大队",
    "局",
    "委",
    "办",
    "厅",
    "部",
    "院",
];

/// Suffixes of a development zone, which files under its own name.
const ZONE_SUFFIXES: &[&str] = &[
    "经济技术开发区",
    "高新技术产业开发区",
    "经开区",
    "高新区",
    "开发区",
    "综保区",
    "工业园区",
    "新区",
];

/// Suffixes of a county-level place.
const PLACE_SUFFIXES: &[&str] = &["县", "区", "市", "旗"];

fn is_cjk(c: char) -> bool {
    crate::cjk::is_han(c)
}

/// The department name at the start of `rest` (what follows a county or a bare 市), if any.
pub fn department(rest: &str) -> Option<String> {
    let chars: Vec<char> = rest.chars().take(16).collect();
    for i in 0..chars.len().min(8) {
        for suffix in DEPT_SUFFIXES {
            let sc: Vec<char> = suffix.chars().collect();
            if sc.len() == 1 && i == 0 {
                continue;
            }
            if chars[i..].starts_with(&sc) {
                if i > 0 && STOP.contains(chars[0]) {
                    return None;
                }
                let mut end = i + sc.len();
                for ext in ["办公室", "委员会"] {
                    let ec: Vec<char> = ext.chars().collect();
                    if chars[end..].starts_with(&ec) {
                        end += ec.len();
                    }
                }
                return Some(chars[..end].iter().collect());
            }
        }
        if !is_cjk(chars[i]) {
            return None;
        }
    }
    None
}

/// A place name at the start of `title` by its form: 2+ characters ending in 县, 区, 市, 旗 or a
/// zone suffix, the shortest such.
pub fn place_by_form(title: &str) -> Option<String> {
    let chars: Vec<char> = title.chars().take(12).collect();
    if chars.first().is_none_or(|c| STOP.contains(*c)) {
        return None;
    }
    for end in 2..=chars.len().min(10) {
        let prefix: String = chars[..end].iter().collect();
        if !chars[..end].iter().all(|c| is_cjk(*c)) {
            return None;
        }
        let zone = ZONE_SUFFIXES
            .iter()
            .find(|z| prefix.ends_with(*z))
            .map(|z| z.chars().count());
        let place = PLACE_SUFFIXES
            .iter()
            .find(|z| prefix.ends_with(*z))
            .map(|_| 1);
        if let Some(n) = zone.or(place) {
            if end - n >= 2 {
                return Some(prefix);
            }
            // 全市…, 各县…: a suffix too early is no name, and no name runs past it.
            if place.is_some() {
                return None;
            }
        }
    }
    None
}

impl<'a> Classifier<'a> {
    /// The classifier of a site. Rules that name a topic the vocabulary lacks are reported and
    /// left out.
    pub fn new(config: &'a Config) -> (Classifier<'a>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let topics_vocab = config.topics.as_ref();
        let mut rules: Vec<TopicRule> = Vec::new();
        let add = |rules: &mut Vec<TopicRule>, topic: &str, keywords: &[String]| {
            let keywords: Vec<String> = keywords
                .iter()
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect();
            if keywords.is_empty() {
                return;
            }
            match rules.iter_mut().find(|r| r.topic == topic) {
                Some(r) => {
                    for k in keywords {
                        if !r.keywords.contains(&k) {
                            r.keywords.push(k);
                        }
                    }
                }
                None => rules.push(TopicRule {
                    topic: topic.to_string(),
                    keywords,
                }),
            }
        };
        if let Some(v) = topics_vocab {
            for t in &v.terms {
                add(&mut rules, &t.name, &t.keywords);
            }
        }
        for r in &config.import.rules {
            let topic = match topics_vocab {
                Some(v) => match v.resolve(&r.topic) {
                    Some(t) => t.name.clone(),
                    None => {
                        diags.push(
                            Diagnostic::warning(format!(
                                "import rule for unknown topic `{}` is ignored",
                                r.topic
                            ))
                            .with_path(crate::config::CONFIG_FILE)
                            .with_help(format!(
                                "add `{}` to `topics:` in site.yaml, or name a topic it has",
                                r.topic
                            ))
                            .zh(format!(
                                "导入规则里的专题 `{}` 不在词表中，这条规则不起作用",
                                r.topic
                            ))
                            .zh_help(format!(
                                "把 `{}` 加进 `site.yaml` 的 `topics:`，或者改成词表里有的专题",
                                r.topic
                            )),
                        );
                        continue;
                    }
                },
                None => r.topic.trim().to_string(),
            };
            add(&mut rules, &topic, &r.keywords);
        }
        for (name, keywords) in BUILTIN_RULES {
            let topic = match topics_vocab {
                Some(v) => match v.resolve(name) {
                    Some(t) => t.name.clone(),
                    None => continue,
                },
                None => name.to_string(),
            };
            if rules.iter().any(|r| r.topic == topic) {
                continue;
            }
            let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
            add(&mut rules, &topic, &keywords);
        }
        let default_topic = config
            .import
            .default_topic
            .clone()
            .unwrap_or_else(|| DEFAULT_TOPIC.to_string());
        let default_topic = topics_vocab
            .and_then(|v| v.resolve(&default_topic))
            .map_or(default_topic, |t| t.name.clone());
        (
            Classifier {
                counties: config.counties.as_ref(),
                topics_vocab,
                city: config.city.clone(),
                rules,
                default_topic,
            },
            diags,
        )
    }

    /// Whether the default topic is one the site's vocabulary accepts.
    pub fn default_topic_known(&self) -> bool {
        self.topics_vocab
            .is_none_or(|v| v.resolve(&self.default_topic).is_some())
    }

    /// Whether `name` is in the counties vocabulary (always true without one).
    pub fn county_known(&self, name: &str) -> bool {
        self.counties.is_none_or(|v| v.resolve(name).is_some())
    }

    /// The closest known county to `name`, for a suggestion.
    pub fn closest_county(&self, name: &str) -> Option<String> {
        let v = self.counties?;
        let c = crate::diagnostics::closest(name, v.spellings())?;
        v.resolve(c).map(|t| t.name.clone())
    }

    pub fn city(&self) -> Option<&str> {
        self.city.as_deref()
    }

    /// The longest county name or alias of the vocabulary that `s` starts with.
    fn vocabulary_prefix<'s>(&self, s: &'s str) -> Option<(&'s str, String)> {
        let v = self.counties?;
        let best = v
            .spellings()
            .filter(|sp| !sp.is_empty() && s.starts_with(sp))
            .max_by_key(|sp| sp.len())?;
        let name = v.resolve(best)?.name.clone();
        Some((&s[..best.len()], name))
    }

    /// The leading name of `title`: its county and unit.
    pub fn leading(&self, title: &str) -> Option<Leading> {
        if let Some((written, name)) = self.vocabulary_prefix(title) {
            let mut place = written.to_string();
            let mut county = name;
            let mut rest = &title[written.len()..];
            // 赣州市章贡区…: the county inside the city.
            if self.city.as_deref() == Some(county.as_str())
                && let Some((w2, n2)) = self.vocabulary_prefix(rest)
                && n2 != county
            {
                place = w2.to_string();
                county = n2;
                rest = &rest[w2.len()..];
            }
            let department = department(rest);
            let unit = match &department {
                Some(d) => format!("{place}{d}"),
                None if place == written && written != county => county.clone(),
                None => place.clone(),
            };
            let len = title.len() - rest.len() + department.as_ref().map_or(0, |d| d.len());
            return Some(Leading {
                county: Some(county),
                unit,
                kind: NameKind::Vocabulary,
                place,
                department,
                len,
            });
        }
        // A city department: 市人社局…, or the city's own name when it is not in the vocabulary.
        let city_spellings = self.city.iter().flat_map(|c| {
            [Some(c.clone()), c.strip_suffix('市').map(str::to_string)]
                .into_iter()
                .flatten()
        });
        let mut prefixes: Vec<String> = city_spellings.collect();
        prefixes.push("市".to_string());
        for p in prefixes {
            if let Some(rest) = title.strip_prefix(p.as_str())
                && let Some(d) = department(rest)
            {
                return Some(Leading {
                    county: self.city.clone(),
                    unit: format!("{p}{d}"),
                    kind: NameKind::CityDepartment,
                    place: if p == "市" { String::new() } else { p.clone() },
                    len: p.len() + d.len(),
                    department: Some(d),
                });
            }
        }
        let place = place_by_form(title)?;
        let rest = &title[place.len()..];
        let department = department(rest);
        Some(Leading {
            county: Some(place.clone()),
            unit: match &department {
                Some(d) => format!("{place}{d}"),
                None => place.clone(),
            },
            kind: NameKind::Pattern,
            len: place.len() + department.as_ref().map_or(0, |d| d.len()),
            place,
            department,
        })
    }

    /// Topics of an article from its title and body text.
    ///
    /// For each rule, its keywords' occurrences are counted in the title and in the body. A topic
    /// qualifies when one of its keywords is in the title, or when its keywords occur in the body at
    /// least 3 times and at least half as often as the most-mentioned topic's. Qualifying topics
    /// are ranked by occurrences (title and body), and the first two kept. When none qualifies, the
    /// article gets the default topic (and the importer warns).
    pub fn topics(&self, title: &str, body: &str) -> TopicChoice {
        let counts: Vec<(usize, usize)> = self
            .rules
            .iter()
            .map(|r| {
                let t = r
                    .keywords
                    .iter()
                    .map(|k| title.matches(k.as_str()).count())
                    .sum();
                let b = r
                    .keywords
                    .iter()
                    .map(|k| body.matches(k.as_str()).count())
                    .sum();
                (t, b)
            })
            .collect();
        let top_body = counts.iter().map(|c| c.1).max().unwrap_or(0);
        let mut qualified: Vec<(usize, usize)> = counts
            .iter()
            .enumerate()
            .filter(|(_, (t, b))| *t > 0 || (*b >= 3 && *b * 2 >= top_body))
            .map(|(i, (t, b))| (i, t + b))
            .collect();
        // Most occurrences first; on a tie, the rule listed first.
        qualified.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let topics: Vec<String> = qualified
            .iter()
            .take(MAX_TOPICS)
            .map(|(i, _)| self.rules[*i].topic.clone())
            .collect();
        if topics.is_empty() {
            TopicChoice {
                topics: vec![self.default_topic.clone()],
                defaulted: true,
            }
        } else {
            TopicChoice {
                topics,
                defaulted: false,
            }
        }
    }

    /// The keyword a file name is made from: of the keywords of `topics` that occur in `title`
    /// (after its leading name), the one occurring most often in the article; on a tie the one
    /// first in the title.
    pub fn main_keyword(&self, title: &str, text: &str, topics: &[String]) -> Option<String> {
        let mut best: Option<(usize, usize, &str)> = None;
        for r in self.rules.iter().filter(|r| topics.contains(&r.topic)) {
            for k in &r.keywords {
                let Some(pos) = title.find(k.as_str()) else {
                    continue;
                };
                let n = text.matches(k.as_str()).count();
                let better = match best {
                    None => true,
                    Some((bn, bpos, _)) => n > bn || (n == bn && pos < bpos),
                };
                if better {
                    best = Some((n, pos, k));
                }
            }
        }
        best.map(|(_, _, k)| k.to_string())
    }
}

/// The short slug of a unit for file names: the place without the city before it or its
/// 县/区/市 after it, and the department without its suffix: 市人社局 → `renshe`, 于都县 → `yudu`,
/// 赣州经开区 → `jingkaiqu`, 于都县教育局 → `yudu-jiaoyu`.
pub fn unit_slug(leading: &Leading, city: Option<&str>) -> String {
    let mut parts = Vec::new();
    let mut place = leading.place.as_str();
    if let Some(city) = city {
        let stem = city.strip_suffix('市').unwrap_or(city);
        for p in [city, stem] {
            if place.len() > p.len()
                && let Some(rest) = place.strip_prefix(p)
            {
                place = rest;
                break;
            }
        }
    }
    if !place.is_empty() {
        if ZONE_SUFFIXES.contains(&place) {
            // A bare zone reads as one word: 经开区 → jingkaiqu.
            parts.push(slug::slugify(place).replace('-', ""));
        } else {
            let is_zone = ZONE_SUFFIXES.iter().any(|z| place.ends_with(z));
            let stem = if is_zone {
                place
            } else {
                PLACE_SUFFIXES
                    .iter()
                    .find_map(|s| place.strip_suffix(s))
                    .filter(|s| s.chars().count() >= 2)
                    .unwrap_or(place)
            };
            parts.push(slug::slugify(stem));
        }
    }
    if let Some(d) = &leading.department {
        let stem = DEPT_SUFFIXES
            .iter()
            .find_map(|s| d.strip_suffix(s))
            .filter(|s| !s.is_empty())
            .unwrap_or(d);
        parts.push(slug::slugify(stem));
    }
    parts.join("-")
}

#[cfg(test)]
mod tests;
