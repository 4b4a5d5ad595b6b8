//! Settling each article's county and topics against the site's vocabularies, so that what the
//! importer writes is never refused by the build.
//!
//! The rules ([`super::classify`]) read a county from the title and topics from keywords; what
//! they find may be outside site.yaml's `counties:` or `topics:`, or nothing at all. [`resolve`]
//! takes what they found, the vocabularies, and what a person chose (a `--topic 3=生态环保` flag,
//! the terminal's numbered list, or the 工作台 in the browser), and gives each article's county
//! and topics as the build will accept them, each with where it came from — or what is still open,
//! with what would settle it. It is a pure function: the terminal prompt and the browser both call
//! it, again after every choice, and the import writes nothing while anything is open.

use std::collections::BTreeMap;

use crate::config::{CONFIG_FILE, Config, Vocabulary};
use crate::diagnostics::{Diagnostic, closest};

/// Where a county or a topic came from, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Read by the rules: the county from the title, topics from keywords.
    #[default]
    Rules,
    /// A default: the city for a title without a county, `import.default_topic` for an article
    /// no keyword matched.
    Default,
    /// Chosen by a person: a flag, the terminal or the 工作台.
    Person,
}

impl Origin {
    /// How the summary says it.
    pub fn describe(self, field: Field) -> &'static str {
        match (self, field) {
            (Origin::Rules, Field::County) => "from the title",
            (Origin::Rules, Field::Topics) => "from keywords",
            (Origin::Default, Field::County) => "the city, by default",
            (Origin::Default, Field::Topics) => "the default topic",
            (Origin::Person, _) => "chosen",
        }
    }
}

/// Which of an article's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    County,
    Topics,
}

/// What the rules found for one article.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Found {
    /// The county as read (a name, perhaps not in the vocabulary), or `None` when the title
    /// names none and site.yaml names no city.
    pub county: Option<String>,
    /// [`Origin::Rules`] when read from the title, [`Origin::Default`] for the city.
    pub county_from: Origin,
    /// Topics whose keywords occur in it, best first; empty when none did.
    pub topics: Vec<String>,
}

/// A person's choice for one article; `None` leaves a field to the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    pub county: Option<String>,
    pub topics: Option<Vec<String>>,
}

/// The vocabularies an import is checked against, and the default topic.
#[derive(Debug, Clone, Copy)]
pub struct Vocabularies<'a> {
    /// `None`: site.yaml has no `counties:`, any county builds.
    pub counties: Option<&'a Vocabulary>,
    pub topics: Option<&'a Vocabulary>,
    /// The topic of an article no keyword matched, when there is one the build accepts.
    pub default_topic: Option<&'a str>,
}

/// The default topic when site.yaml names none; used only when the vocabulary has it (or there
/// is no vocabulary).
pub const FALLBACK_TOPIC: &str = super::classify::DEFAULT_TOPIC;

/// The default topic of a site: `import.default_topic` (an error when site.yaml's topics do not
/// have it: a configuration mistake, named with the topics there are), else [`FALLBACK_TOPIC`]
/// when the build would accept it, else none (articles no keyword matches must be chosen for).
pub fn default_topic(config: &Config) -> Result<Option<String>, Diagnostic> {
    let vocab = config.topics.as_ref();
    match &config.import.default_topic {
        Some(t) => match vocab {
            None => Ok(Some(t.trim().to_string())),
            Some(v) => match v.resolve(t) {
                Some(term) => Ok(Some(term.name.clone())),
                None => {
                    let known = names(v);
                    let set = format!(
                        "`import.default_topic` to one of site.yaml's topics ({known}), or add `{t}` to `topics:`"
                    );
                    let set_zh = format!(
                        "把 `import.default_topic` 设为 `site.yaml` 词表里的专题（{known}），或者把 `{t}` 加进 `topics:`"
                    );
                    let (help, help_zh) = match closest(t, v.spellings()) {
                        Some(c) => (
                            format!("did you mean `{c}`? Set {set}"),
                            format!("是不是 `{c}`？{set_zh}"),
                        ),
                        None => (format!("set {set}"), set_zh),
                    };
                    Err(Diagnostic::error(format!(
                        "import.default_topic `{t}` is not one of site.yaml's topics, so an article given it would not build"
                    ))
                    .with_path(CONFIG_FILE)
                    .with_help(help)
                    .zh(format!(
                        "`import.default_topic` 的 `{t}` 不在 `site.yaml` 的专题词表中，用它的文章会无法生成"
                    ))
                    .zh_help(help_zh))
                }
            },
        },
        None => Ok(match vocab {
            None => Some(FALLBACK_TOPIC.to_string()),
            Some(v) => v.resolve(FALLBACK_TOPIC).map(|t| t.name.clone()),
        }),
    }
}

/// The names of a vocabulary, as a list for a message: `就业创业、住房城建、…`.
pub fn names(v: &Vocabulary) -> String {
    v.terms
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// One thing about an article that is not settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    pub field: Field,
    /// What is wrong, as a sentence: "no topic keyword occurs in it, and site.yaml names no
    /// default topic".
    pub what: String,
    /// The same in Chinese, for the 工作台.
    pub what_zh: String,
    /// The name that is not in the vocabulary, if one was given or found.
    pub name: Option<String>,
    /// The closest name the vocabulary has, for a suggestion.
    pub closest: Option<String>,
}

/// An article's county and topics as the build will accept them, or what is still open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settled {
    /// The canonical county, `None` while open.
    pub county: Option<String>,
    pub county_from: Origin,
    /// Canonical topics, without repeats; empty while open.
    pub topics: Vec<String>,
    pub topics_from: Origin,
    pub open: Vec<Open>,
}

impl Settled {
    pub fn is_settled(&self) -> bool {
        self.open.is_empty()
    }
}

/// Settle one article: a person's choice over what the rules found, each name checked against
/// its vocabulary as the build checks it.
pub fn resolve(found: &Found, vocab: &Vocabularies<'_>, choice: Option<&Choice>) -> Settled {
    let mut s = Settled::default();
    let county = match choice.and_then(|c| c.county.as_deref()) {
        Some(c) => Some((c.trim().to_string(), Origin::Person)),
        None => found.county.clone().map(|c| (c, found.county_from)),
    };
    match county {
        Some((name, from)) => match known(vocab.counties, &name) {
            Ok(canonical) => {
                s.county = Some(canonical);
                s.county_from = from;
            }
            Err(closest) => s.open.push(Open {
                field: Field::County,
                what: format!("`{name}` is not one of site.yaml's counties"),
                what_zh: format!("县区 `{name}` 不在 `site.yaml` 的词表中"),
                name: Some(name),
                closest,
            }),
        },
        None => s.open.push(Open {
            field: Field::County,
            what:
                "the title names no county or unit, and site.yaml names no `city:` to file it under"
                    .into(),
            what_zh: "标题里没有县区或单位的名称，`site.yaml` 里也没有可以归入的 `city:`".into(),
            name: None,
            closest: None,
        }),
    }
    let (topics, from) = match choice.and_then(|c| c.topics.as_ref()) {
        Some(t) => (t.clone(), Origin::Person),
        None if !found.topics.is_empty() => (found.topics.clone(), Origin::Rules),
        None => match vocab.default_topic {
            Some(d) => (vec![d.to_string()], Origin::Default),
            None => (Vec::new(), Origin::Default),
        },
    };
    s.topics_from = from;
    if topics.iter().all(|t| t.trim().is_empty()) {
        s.open.push(Open {
            field: Field::Topics,
            what: if from == Origin::Person {
                "no topic was chosen".into()
            } else {
                "no topic keyword occurs in it, and site.yaml names no default topic it has (`import.default_topic`)".into()
            },
            what_zh: if from == Origin::Person {
                "没有选专题".into()
            } else {
                "文中没有出现任何专题的关键词，`site.yaml` 也没有写词表里有的默认专题（`import.default_topic`）".into()
            },
            name: None,
            closest: None,
        });
    }
    for t in topics.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match known(vocab.topics, t) {
            Ok(canonical) => {
                if !s.topics.contains(&canonical) {
                    s.topics.push(canonical);
                }
            }
            Err(closest) => s.open.push(Open {
                field: Field::Topics,
                what: format!("`{t}` is not one of site.yaml's topics"),
                what_zh: format!("专题 `{t}` 不在 `site.yaml` 的词表中"),
                name: Some(t.to_string()),
                closest,
            }),
        }
    }
    if !s.is_settled() {
        s.topics.retain(|_| false);
        if s.open.iter().any(|o| o.field == Field::County) {
            s.county = None;
        }
    }
    s
}

/// The canonical name of `name` in `vocab` (itself without a vocabulary), or the closest known
/// name for a suggestion.
fn known(vocab: Option<&Vocabulary>, name: &str) -> Result<String, Option<String>> {
    let Some(v) = vocab else {
        return Ok(name.trim().to_string());
    };
    match v.resolve(name) {
        Some(t) => Ok(t.name.clone()),
        None => Err(closest(name, v.spellings())
            .and_then(|c| v.resolve(c))
            .map(|t| t.name.clone())),
    }
}

/// Choices for the articles of every input, by issue folder (`2021-131`) and article number
/// (from 1, in the issue's order). A choice without a folder applies to the only input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    pub by_article: BTreeMap<(Option<String>, usize), Choice>,
}

impl Choices {
    /// The choice for article `number` of the issue in folder `issue`.
    pub fn get(&self, issue: &str, number: usize) -> Option<Choice> {
        let any = self.by_article.get(&(None, number));
        let named = self.by_article.get(&(Some(issue.to_string()), number));
        match (any, named) {
            (None, None) => None,
            (a, n) => {
                let mut c = a.cloned().unwrap_or_default();
                if let Some(n) = n {
                    if n.county.is_some() {
                        c.county = n.county.clone();
                    }
                    if n.topics.is_some() {
                        c.topics = n.topics.clone();
                    }
                }
                Some(c)
            }
        }
    }

    pub fn set_topics(&mut self, issue: Option<&str>, number: usize, topics: Vec<String>) {
        self.entry(issue, number).topics = Some(topics);
    }

    pub fn set_county(&mut self, issue: Option<&str>, number: usize, county: String) {
        self.entry(issue, number).county = Some(county);
    }

    fn entry(&mut self, issue: Option<&str>, number: usize) -> &mut Choice {
        self.by_article
            .entry((issue.map(str::to_string), number))
            .or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.by_article.is_empty()
    }

    /// Parse a flag's value: `[ISSUE:]N=NAME[,NAME…]` (`3=生态环保`, `2021-131:3=生态环保,民生保障`;
    /// `、` and `，` separate names too). Why not is said in English and Chinese.
    pub fn parse_flag(value: &str) -> Result<(Option<String>, usize, Vec<String>), [String; 2]> {
        let (target, names) = value.split_once('=').ok_or_else(|| {
            [
                format!("`{value}` is not ARTICLE=NAME, e.g. `3=生态环保`"),
                format!("`{value}` 不是“第几篇=名称”的写法，例如 `3=生态环保`"),
            ]
        })?;
        let (issue, number) = match target.rsplit_once(':') {
            Some((i, n)) => (Some(i.trim().to_string()), n),
            None => (None, target),
        };
        let number: usize = number
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                [
                    format!(
                        "`{target}` is not an article number (1 for the issue's first article)"
                    ),
                    format!("`{target}` 不是文章的序号（本期第一篇是 1）"),
                ]
            })?;
        let names: Vec<String> = names
            .split([',', '，', '、'])
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err([
                format!("`{value}` names nothing after `=`"),
                format!("`{value}` 的 `=` 后面没有写名称"),
            ]);
        }
        Ok((issue, number, names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(yaml: &str) -> Config {
        Config::parse(Path::new("/site"), yaml).unwrap()
    }

    const SITE: &str = "counties:\n  - { name: 赣州市, aliases: [赣州] }\n  - { name: 于都县, aliases: [于都] }\n  - { name: 瑞金市 }\ntopics:\n  - { name: 教育 }\n  - { name: 生态环保, aliases: [环保] }\n  - { name: 民生保障 }\n";

    fn vocab(c: &Config) -> Vocabularies<'_> {
        Vocabularies {
            counties: c.counties.as_ref(),
            topics: c.topics.as_ref(),
            default_topic: None,
        }
    }

    fn found(county: &str, topics: &[&str]) -> Found {
        Found {
            county: Some(county.into()),
            county_from: Origin::Rules,
            topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn what_the_rules_found_in_the_vocabulary_is_settled_by_its_canonical_name() {
        let c = config(SITE);
        let s = resolve(&found("于都", &["教育"]), &vocab(&c), None);
        assert!(s.is_settled(), "{s:?}");
        assert_eq!(s.county.as_deref(), Some("于都县"));
        assert_eq!(s.topics, ["教育"]);
        assert_eq!(
            (s.county_from, s.topics_from),
            (Origin::Rules, Origin::Rules)
        );
    }

    #[test]
    fn no_keyword_and_no_default_leaves_the_topics_open() {
        let c = config(SITE);
        let s = resolve(&found("于都县", &[]), &vocab(&c), None);
        assert_eq!(s.open.len(), 1);
        assert_eq!(s.open[0].field, Field::Topics);
        assert!(s.topics.is_empty());
    }

    #[test]
    fn a_default_topic_in_the_vocabulary_settles_it_as_a_default() {
        let c = config(SITE);
        let v = Vocabularies {
            default_topic: Some("民生保障"),
            ..vocab(&c)
        };
        let s = resolve(&found("于都县", &[]), &v, None);
        assert_eq!(s.topics, ["民生保障"]);
        assert_eq!(s.topics_from, Origin::Default);
    }

    #[test]
    fn a_persons_choice_wins_and_aliases_resolve_and_repeats_go() {
        let c = config(SITE);
        let choice = Choice {
            county: Some("瑞金市".into()),
            topics: Some(vec!["环保".into(), "生态环保".into(), "教育".into()]),
        };
        let s = resolve(&found("于都县", &["民生保障"]), &vocab(&c), Some(&choice));
        assert!(s.is_settled(), "{s:?}");
        assert_eq!(s.county.as_deref(), Some("瑞金市"));
        assert_eq!(s.topics, ["生态环保", "教育"]);
        assert_eq!(
            (s.county_from, s.topics_from),
            (Origin::Person, Origin::Person)
        );
    }

    #[test]
    fn an_unknown_chosen_or_found_name_is_open_with_the_closest_known_one() {
        let c = config(SITE);
        let s = resolve(&found("瑞金县", &["教育"]), &vocab(&c), None);
        assert_eq!(s.open[0].field, Field::County);
        assert_eq!(s.open[0].name.as_deref(), Some("瑞金县"));
        assert_eq!(s.open[0].closest.as_deref(), Some("瑞金市"));
        let choice = Choice {
            topics: Some(vec!["生态".into()]),
            ..Choice::default()
        };
        let s = resolve(&found("于都县", &[]), &vocab(&c), Some(&choice));
        assert_eq!(s.open[0].what, "`生态` is not one of site.yaml's topics");
        assert!(s.topics.is_empty());
    }

    #[test]
    fn without_vocabularies_anything_found_is_settled() {
        let c = config("title: x\n");
        let v = Vocabularies {
            default_topic: Some("综合"),
            ..vocab(&c)
        };
        let s = resolve(&found("某某县", &[]), &v, None);
        assert!(s.is_settled());
        assert_eq!(s.topics, ["综合"]);
    }

    #[test]
    fn a_default_topic_outside_the_vocabulary_is_a_configuration_error_naming_the_key() {
        let c = config(&format!("{SITE}import:\n  default_topic: 综合\n"));
        let e = default_topic(&c).unwrap_err();
        assert!(
            e.message.contains("import.default_topic `综合`"),
            "{}",
            e.message
        );
        assert!(
            e.help
                .as_deref()
                .unwrap_or("")
                .contains("教育、生态环保、民生保障"),
            "{e:?}"
        );
        // Unset, the fallback is used only when the vocabulary has it.
        assert_eq!(default_topic(&config(SITE)).unwrap(), None);
        assert_eq!(
            default_topic(&config("title: x\n")).unwrap().as_deref(),
            Some("综合")
        );
    }

    #[test]
    fn flags_name_an_article_an_issue_and_several_names() {
        assert_eq!(
            Choices::parse_flag("3=生态环保").unwrap(),
            (None, 3, vec!["生态环保".to_string()])
        );
        assert_eq!(
            Choices::parse_flag("2021-131:2=生态环保，民生保障").unwrap(),
            (
                Some("2021-131".to_string()),
                2,
                vec!["生态环保".to_string(), "民生保障".to_string()]
            )
        );
        assert!(Choices::parse_flag("0=教育").is_err());
        assert!(Choices::parse_flag("教育").is_err());
        let mut c = Choices::default();
        c.set_topics(None, 3, vec!["教育".into()]);
        c.set_county(Some("2021-131"), 3, "于都县".into());
        let got = c.get("2021-131", 3).unwrap();
        assert_eq!(got.topics, Some(vec!["教育".to_string()]));
        assert_eq!(got.county.as_deref(), Some("于都县"));
        assert_eq!(c.get("2021-131", 4), None);
    }
}
