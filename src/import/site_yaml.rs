//! A new name added to one of site.yaml's vocabularies (`topics:` or `counties:`) by editing the
//! file's text, so everything else in it — comments, blank lines, key order, the style of each
//! list — stays as its author wrote it.
//!
//! Why not parse and re-serialize: site.yaml is a hand-kept file, commented line by line (see the
//! repository's own); a YAML round trip would drop every comment and reflow every list. The edit
//! here is small and checked instead: the new entry is appended to the list in the list's own form
//! (`- name: …` in a list of block maps, `- { name: … }` in a list of flow maps, `, { name: … }`
//! inside a `[ … ]` list), and the edited text is parsed again as the build parses it:
//! unless every old name is still there, in order, and the new one resolves, nothing is changed and
//! the error says to add it by hand. Both the terminal prompt of `bulletin import` and the 工作台
//! call [`add_term`] (text in, text out) or [`add_to_site`] (the file).

use std::path::Path;

use crate::config::{CONFIG_FILE, Config, Vocabulary};
use crate::diagnostics::Diagnostic;

/// Which vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VocabularyKey {
    Topics,
    Counties,
}

impl VocabularyKey {
    pub fn key(self) -> &'static str {
        match self {
            VocabularyKey::Topics => "topics",
            VocabularyKey::Counties => "counties",
        }
    }

    fn of(self, config: &Config) -> Option<&Vocabulary> {
        match self {
            VocabularyKey::Topics => config.topics.as_ref(),
            VocabularyKey::Counties => config.counties.as_ref(),
        }
    }
}

/// What adding a name did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The new text of site.yaml.
    Edited(String),
    /// The name (or an alias of it) is in the vocabulary already: nothing to change.
    AlreadyThere(String),
    /// site.yaml has no such vocabulary, so any name is accepted: nothing to change.
    NoVocabulary,
}

/// `text` (site.yaml) with `name` added to its `key` vocabulary, everything else kept. Why not
/// is said in English and Chinese.
pub fn add_term(text: &str, key: VocabularyKey, name: &str) -> Result<Added, [String; 2]> {
    let name = name.trim();
    if name.is_empty() {
        return Err(["the name is empty".into(), "名称是空的".into()]);
    }
    let root = Path::new(".");
    let first = |d: &crate::diagnostics::Diagnostics| -> [String; 2] {
        d.iter().next().map_or([String::new(), String::new()], |d| {
            [d.message.clone(), d.message_zh().to_string()]
        })
    };
    let before = Config::parse(root, text).map_err(|d| {
        let [e, e_zh] = first(&d);
        [
            format!("{CONFIG_FILE} does not load as it is ({e}); fix that first"),
            format!("{CONFIG_FILE} 现在就读不进来（{e_zh}）；请先改好它"),
        ]
    })?;
    let Some(vocab) = key.of(&before) else {
        return Ok(Added::NoVocabulary);
    };
    if let Some(t) = vocab.resolve(name) {
        return Ok(Added::AlreadyThere(t.name.clone()));
    }
    let crlf = text.contains("\r\n");
    let lines: Vec<&str> = text.lines().collect();
    let k = key.key();
    let at: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| top_key(l) == Some(k))
        .map(|(i, _)| i)
        .collect();
    let [at] = at[..] else {
        return Err([
            format!(
                "`{k}:` is not one top-level line of {CONFIG_FILE}; add `{name}` to it by hand"
            ),
            format!("`{k}:` 在 {CONFIG_FILE} 里不是单独的一个顶层行；请手工把 `{name}` 加进去"),
        ]);
    };
    let after_key = value_after_key(lines[at], k);
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let scalar = scalar(name);
    if after_key.starts_with('[') || after_key.starts_with('&') && after_key.contains('[') {
        // A flow list, on this line or running over the next ones: add before its `]`.
        let (line, col) = closing_bracket(&lines, at).ok_or_else(|| {
            [
                format!("`{k}: [` has no closing `]`; add `{name}` to it by hand"),
                format!("`{k}: [` 缺少收尾的 `]`；请手工把 `{name}` 加进去"),
            ]
        })?;
        let l = &out[line];
        let inside_empty = l[..col].trim_end().ends_with('[');
        let insert = if inside_empty {
            format!("{{ name: {scalar} }}")
        } else {
            format!(", {{ name: {scalar} }}")
        };
        if l[..col].trim().is_empty() && line > at {
            // `]` on a line of its own: the new item goes at the end of the last item's line.
            let prev = (at..line)
                .rev()
                .find(|&p| !strip_comment(&out[p]).trim().is_empty())
                .unwrap_or(at);
            let code = strip_comment(&out[prev]).trim_end().to_string();
            let comment = out[prev][code.len()..].to_string();
            out[prev] = format!("{code}{insert}{comment}");
        } else {
            let head = l[..col].trim_end().to_string();
            let tail = l[col..].to_string();
            out[line] = format!("{head}{insert}{tail}");
        }
    } else if after_key.is_empty() || after_key.starts_with('&') {
        // A block list: append an item after the list's last item, in the form of the items.
        let items: Vec<usize> = (at + 1..lines.len())
            .take_while(|&i| {
                let l = lines[i];
                l.trim().is_empty()
                    || l.trim_start().starts_with('#')
                    || indent(l) > 0
                    || l.starts_with("- ")
            })
            .filter(|&i| {
                let l = lines[i];
                !l.trim().is_empty() && !l.trim_start().starts_with('#')
            })
            .collect();
        let dashes: Vec<usize> = items
            .iter()
            .copied()
            .filter(|&i| lines[i].trim_start().starts_with("- ") || lines[i].trim() == "-")
            .collect();
        let new_item = match dashes.last() {
            Some(&d) => {
                let pad = " ".repeat(indent(lines[d]));
                let item = lines[d].trim_start()[1..].trim_start();
                if item.starts_with("name:") {
                    format!("{pad}- name: {scalar}")
                } else {
                    format!("{pad}- {{ name: {scalar} }}")
                }
            }
            None => format!("  - {{ name: {scalar} }}"),
        };
        let last = items.last().copied().unwrap_or(at);
        out.insert(last + 1, new_item);
    } else {
        return Err([
            format!(
                "`{k}:` in {CONFIG_FILE} is not a list written there (`{after_key}`); add `{name}` to it by hand"
            ),
            format!(
                "{CONFIG_FILE} 里的 `{k}:` 不是直接写在那里的列表（`{after_key}`）；请手工把 `{name}` 加进去"
            ),
        ]);
    }
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut edited = out.join(nl);
    if text.ends_with('\n') {
        edited.push_str(nl);
    }
    // Checked as the build reads it: every old name kept in order, the new one known.
    let after = Config::parse(root, &edited).map_err(|d| {
        let [e, e_zh] = first(&d);
        [
            format!(
                "adding `{name}` to `{k}:` would make {CONFIG_FILE} fail to load ({e}); add it by hand"
            ),
            format!(
                "把 `{name}` 加进 `{k}:` 会让 {CONFIG_FILE} 读不进来（{e_zh}）；请手工添加"
            ),
        ]
    })?;
    let names = |v: Option<&Vocabulary>| -> Vec<String> {
        v.map(|v| v.terms.iter().map(|t| t.name.clone()).collect())
            .unwrap_or_default()
    };
    let mut want = names(key.of(&before));
    want.push(name.to_string());
    if names(key.of(&after)) != want {
        return Err([
            format!("could not add `{name}` to `{k}:` in {CONFIG_FILE} safely; add it by hand"),
            format!("没法稳妥地把 `{name}` 加进 {CONFIG_FILE} 的 `{k}:`；请手工添加"),
        ]);
    }
    Ok(Added::Edited(edited))
}

/// Add `name` to the `key` vocabulary of the site at `root`: site.yaml rewritten (through a
/// temporary file and a rename) only when it changes.
pub fn add_to_site(root: &Path, key: VocabularyKey, name: &str) -> Result<Added, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    // What went wrong, in English and Chinese.
    let fail = |[what, what_zh]: [String; 2]| {
        Diagnostic::error(what)
            .with_path(CONFIG_FILE)
            .with_help(format!(
                "open {CONFIG_FILE} and add `- {{ name: {name} }}` to `{}:` yourself",
                key.key()
            ))
            .zh(what_zh)
            .zh_help(format!(
                "打开 {CONFIG_FILE}，自己把 `- {{ name: {name} }}` 加进 `{}:`",
                key.key()
            ))
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        fail([
            format!("cannot read {CONFIG_FILE}: {e}"),
            format!("无法读取 {CONFIG_FILE}：{e}"),
        ])
    })?;
    let added = add_term(&text, key, name).map_err(fail)?;
    if let Added::Edited(new) = &added {
        let tmp = root.join(format!(".{CONFIG_FILE}.tmp"));
        std::fs::write(&tmp, new)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                fail([
                    format!("cannot write {CONFIG_FILE}: {e}"),
                    format!("无法写入 {CONFIG_FILE}：{e}"),
                ])
            })?;
    }
    Ok(added)
}

/// The key of a top-level mapping line (`topics:` at the start of a line), if it is one.
fn top_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let (k, _) = line.split_once(':')?;
    let k = k.trim_matches(|c| c == '"' || c == '\'');
    (!k.is_empty() && !k.contains(' ')).then_some(k)
}

/// What follows `key:` on its line, without a comment.
fn value_after_key<'a>(line: &'a str, key: &str) -> &'a str {
    let rest = line.split_once(':').map_or("", |(_, r)| r);
    let _ = key;
    strip_comment(rest).trim()
}

fn strip_comment(s: &str) -> &str {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || s[..i].ends_with([' ', '\t']) => return &s[..i],
            _ => {}
        }
    }
    s
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Where the `]` closing the flow list opened on line `at` is: (line, byte column).
fn closing_bracket(lines: &[&str], at: usize) -> Option<(usize, usize)> {
    let mut depth = 0i32;
    let mut started = false;
    for (i, line) in lines.iter().enumerate().skip(at) {
        let body = if i == at {
            let colon = line.find(':')? + 1;
            &line[colon..]
        } else {
            line
        };
        let offset = line.len() - body.len();
        let body = strip_comment(body);
        let mut quote = None;
        for (j, c) in body.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '[' | '{') => {
                    depth += 1;
                    started = true;
                }
                (None, ']' | '}') => {
                    depth -= 1;
                    if started && depth == 0 {
                        return Some((i, offset + j));
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// A name as a YAML scalar that is safe in flow and block context alike.
fn scalar(name: &str) -> String {
    let plain = super::emit::yaml_scalar(name);
    if plain == name && !name.contains([',', '[', ']', '{', '}', '#']) {
        plain
    } else {
        serde_json::to_string(name).unwrap_or_else(|_| format!("{name:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "\
# The sample archive.
title: 赣州市工作简报
city: 赣州市

# Counties in their official order.
counties:
  - { name: 赣州市, slug: ganzhou-shi, aliases: [市直, 赣州] }
  - { name: 于都县, slug: yudu-xian, aliases: [于都] }   # the biggest

# Topics, with the keywords import uses.
topics:
  - { name: 就业创业, slug: jiuye-chuangye, keywords: [就业, 创业] }

  # Housing, moved up in 2021.
  - { name: 住房城建, slug: zhufang-chengjian, keywords: [住建] }

import:
  rules:
    - { topic: 就业创业, keywords: [稳岗] }
";

    fn edited(text: &str, key: VocabularyKey, name: &str) -> String {
        match add_term(text, key, name).unwrap() {
            Added::Edited(t) => t,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_topic_is_appended_to_a_list_of_flow_maps_and_every_comment_stays() {
        let got = edited(SITE, VocabularyKey::Topics, "生态环保");
        let want = SITE.replace(
            "keywords: [住建] }\n",
            "keywords: [住建] }\n  - { name: 生态环保 }\n",
        );
        assert_eq!(got, want);
    }

    #[test]
    fn a_county_is_appended_after_an_item_with_a_trailing_comment() {
        let got = edited(SITE, VocabularyKey::Counties, "瑞金市");
        assert!(
            got.contains("aliases: [于都] }   # the biggest\n  - { name: 瑞金市 }\n\n# Topics"),
            "{got}"
        );
    }

    #[test]
    fn a_name_that_is_already_an_alias_changes_nothing() {
        assert_eq!(
            add_term(SITE, VocabularyKey::Counties, "于都").unwrap(),
            Added::AlreadyThere("于都县".into())
        );
    }

    #[test]
    fn without_a_vocabulary_nothing_is_added() {
        assert_eq!(
            add_term("title: x\n", VocabularyKey::Topics, "教育").unwrap(),
            Added::NoVocabulary
        );
    }

    #[test]
    fn a_list_of_block_maps_gets_a_block_map() {
        let text = "topics:\n  - name: 教育\n    slug: jiaoyu\n    keywords:\n      - 学校\n  - name: 医疗\n\n# end\nminify: true\n";
        let got = edited(text, VocabularyKey::Topics, "生态环保");
        assert_eq!(
            got,
            "topics:\n  - name: 教育\n    slug: jiaoyu\n    keywords:\n      - 学校\n  - name: 医疗\n  - name: 生态环保\n\n# end\nminify: true\n"
        );
    }

    #[test]
    fn a_list_at_column_zero_gets_an_item_there() {
        let text = "topics:\n- { name: 教育 }\n- { name: 医疗 }\nminify: true\n";
        assert_eq!(
            edited(text, VocabularyKey::Topics, "生态环保"),
            "topics:\n- { name: 教育 }\n- { name: 医疗 }\n- { name: 生态环保 }\nminify: true\n"
        );
    }

    #[test]
    fn a_flow_list_gets_the_name_before_its_bracket_on_one_line_or_several() {
        assert_eq!(
            edited(
                "topics: [{ name: 教育 }, { name: 医疗 }]   # short\n",
                VocabularyKey::Topics,
                "生态环保"
            ),
            "topics: [{ name: 教育 }, { name: 医疗 }, { name: 生态环保 }]   # short\n"
        );
        assert_eq!(
            edited(
                "topics: [\n  { name: 教育 },\n  { name: 医疗 }\n]\ntitle: x\n",
                VocabularyKey::Topics,
                "生态环保"
            ),
            "topics: [\n  { name: 教育 },\n  { name: 医疗 }, { name: 生态环保 }\n]\ntitle: x\n"
        );
        assert_eq!(
            edited("topics: []\n", VocabularyKey::Topics, "生态环保"),
            "topics: [{ name: 生态环保 }]\n"
        );
    }

    #[test]
    fn an_anchored_list_is_edited_and_an_alias_of_another_is_refused() {
        let text = "topics: &t\n  - name: 教育\nminify: true\n";
        assert_eq!(
            edited(text, VocabularyKey::Topics, "生态环保"),
            "topics: &t\n  - name: 教育\n  - name: 生态环保\nminify: true\n"
        );
        let aliased = "extra:\n  shared: &t [{ name: 教育 }]\ntopics: *t\n";
        let e = add_term(aliased, VocabularyKey::Topics, "生态环保").unwrap_err();
        assert!(e[0].contains("by hand"), "{e:?}");
    }

    #[test]
    fn crlf_line_ends_are_kept() {
        let text = "topics:\r\n  - { name: 教育 }\r\n";
        assert_eq!(
            edited(text, VocabularyKey::Topics, "生态环保"),
            "topics:\r\n  - { name: 教育 }\r\n  - { name: 生态环保 }\r\n"
        );
    }

    #[test]
    fn a_name_whose_slug_another_has_is_refused_untouched() {
        let text = "topics:\n  - { name: 教育, slug: shengtai-huanbao }\n";
        let e = add_term(text, VocabularyKey::Topics, "生态环保").unwrap_err();
        assert!(
            e[0].contains("fail to load") && e[0].contains("by hand"),
            "{e:?}"
        );
    }

    #[test]
    fn a_name_with_yaml_punctuation_is_quoted() {
        assert_eq!(
            edited("topics: [{ name: 教育 }]\n", VocabularyKey::Topics, "a, b"),
            "topics: [{ name: 教育 }, { name: \"a, b\" }]\n"
        );
    }
}
