//! 严重表述错误: wrong forms of 国名, 机构名称 and fixed political expressions, found in one pass.
//!
//! A misspelt 国名 or 国家机构名称 fails a government site's inspection on its own (国办秘函〔2019〕19号
//! lists real cases: "攻府", "中华人民共合国"). [`BUILTIN`] holds the wrong forms seen in such
//! cases and the input-method slips (同音字, a character of the same sound) that make them, each
//! chosen so that it never occurs in correct text: `社会主意` alone is not listed, since
//! `社会主意见` is not an error, but `中国特色社会主意` is. docs/review.md lists every entry (a test
//! keeps the two the same). A site adds its own as `wrong → right` in site.yaml; a right form that
//! contains its wrong form (`于都 → 于都县`) is understood: `于都县` is not reported.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

/// The built-in list: (wrong, right, what it is).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    // 国名
    ("中华人民共合国", "中华人民共和国", "国名"),
    ("中华人民公和国", "中华人民共和国", "国名"),
    ("中华人民工和国", "中华人民共和国", "国名"),
    ("中华人名共和国", "中华人民共和国", "国名"),
    ("中华人民共和过", "中华人民共和国", "国名"),
    ("中化人民共和国", "中华人民共和国", "国名"),
    ("中国人民共和国", "中华人民共和国", "国名"),
    ("美利坚和众国", "美利坚合众国", "国名"),
    ("北朝鲜", "朝鲜", "国名"),
    // 机构名称
    ("攻府", "政府", "机构名称"),
    ("人民正府", "人民政府", "机构名称"),
    ("人民政付", "人民政府", "机构名称"),
    ("办工厅", "办公厅", "机构名称"),
    ("办工室", "办公室", "机构名称"),
    ("国务院办功厅", "国务院办公厅", "机构名称"),
    ("国务院总里", "国务院总理", "机构名称"),
    ("国务院常务会义", "国务院常务会议", "机构名称"),
    ("人民代表大汇", "人民代表大会", "机构名称"),
    ("全国代表大汇", "全国代表大会", "机构名称"),
    ("政治协商会义", "政治协商会议", "机构名称"),
    ("中国共产觉", "中国共产党", "机构名称"),
    ("中国共严党", "中国共产党", "机构名称"),
    ("中国共产当", "中国共产党", "机构名称"),
    ("中供中央", "中共中央", "机构名称"),
    ("人民检查院", "人民检察院", "机构名称"),
    ("国家监查委员会", "国家监察委员会", "机构名称"),
    ("中国人民解方军", "中国人民解放军", "机构名称"),
    // 领导人称谓
    ("总书纪", "总书记", "领导人称谓"),
    ("习进平总书记", "习近平总书记", "领导人姓名"),
    // 规范表述
    ("马克思主意", "马克思主义", "规范表述"),
    ("中国特色社会主意", "中国特色社会主义", "规范表述"),
    ("社会主意核心价值观", "社会主义核心价值观", "规范表述"),
    ("社会主意现代化", "社会主义现代化", "规范表述"),
    ("主义思相", "主义思想", "规范表述"),
    ("毛泽东思相", "毛泽东思想", "规范表述"),
    ("邓小平里论", "邓小平理论", "规范表述"),
    ("重要思相", "重要思想", "规范表述"),
    ("不忘出心", "不忘初心", "规范表述"),
    ("牢记始命", "牢记使命", "规范表述"),
    ("从严制党", "从严治党", "规范表述"),
    ("两个维户", "两个维护", "规范表述"),
    ("一国两治", "一国两制", "规范表述"),
    ("一代一路", "一带一路", "规范表述"),
    ("中华民族伟大复新", "中华民族伟大复兴", "规范表述"),
    ("乡村振新", "乡村振兴", "规范表述"),
    ("脱贫功坚", "脱贫攻坚", "规范表述"),
    ("脱贫攻艰", "脱贫攻坚", "规范表述"),
    ("精准付贫", "精准扶贫", "规范表述"),
    ("粤港澳大弯区", "粤港澳大湾区", "规范表述"),
    ("台湾政府", "台湾当局", "规范表述"),
    ("台湾总统", "台湾地区领导人", "规范表述"),
];

/// What the site's own entries are called in messages.
pub const SITE_KIND: &str = "site.yaml 所列错误";

/// One entry: a wrong form, its right form, and what kind of name or expression it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub wrong: String,
    pub right: String,
    pub what: String,
}

/// The wrong forms to look for, compiled into one automaton.
#[derive(Debug, Clone)]
pub struct Wording {
    entries: Vec<Entry>,
    automaton: Option<AhoCorasick>,
}

/// One wrong form found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<'w> {
    pub range: Range<usize>,
    pub wrong: &'w str,
    pub right: &'w str,
    pub what: &'w str,
}

/// `wrong → right` (or `wrong -> right`) from site.yaml, or why it is not one.
/// Why not is said in English and Chinese.
pub fn parse_entry(s: &str) -> Result<(String, String), [String; 2]> {
    let (wrong, right) = s
        .split_once('→')
        .or_else(|| s.split_once("->"))
        .ok_or_else(|| {
            [
                format!("`{s}` has no `→` between the wrong form and the right one"),
                format!("`{s}` 的错误写法和正确写法之间缺少 `→`"),
            ]
        })?;
    let (wrong, right) = (wrong.trim(), right.trim());
    if wrong.is_empty() || right.is_empty() {
        return Err([
            format!("`{s}` needs a wrong form before `→` and a right one after it"),
            format!("`{s}` 要在 `→` 前写错误写法、后写正确写法"),
        ]);
    }
    if wrong == right {
        return Err([
            format!("`{s}`: the wrong form and the right one are the same"),
            format!("`{s}`：错误写法和正确写法一模一样"),
        ]);
    }
    Ok((wrong.to_string(), right.to_string()))
}

impl Wording {
    /// The built-in list alone.
    pub fn builtin() -> Wording {
        Wording::with_site(Vec::new())
    }

    /// The built-in list and the site's (a site entry replaces a built-in one with the same
    /// wrong form).
    pub fn with_site(site: Vec<(String, String)>) -> Wording {
        let mut entries: Vec<Entry> = BUILTIN
            .iter()
            .filter(|(w, _, _)| !site.iter().any(|(sw, _)| sw == w))
            .map(|&(w, r, k)| Entry {
                wrong: w.into(),
                right: r.into(),
                what: k.into(),
            })
            .collect();
        for (wrong, right) in site {
            if !entries.iter().any(|e| e.wrong == wrong) {
                entries.push(Entry {
                    wrong,
                    right,
                    what: SITE_KIND.into(),
                });
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(entries.iter().map(|e| e.wrong.as_str()))
            .ok();
        Wording { entries, automaton }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every wrong form in `text`, in order. Where an entry's right form contains its wrong form
    /// (`于都 → 于都县`), an occurrence inside the right form is not reported.
    pub fn find<'w>(&'w self, text: &str) -> Vec<Finding<'w>> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_iter(text) {
            let e = &self.entries[m.pattern().as_usize()];
            let inside_right = e.right.match_indices(e.wrong.as_str()).any(|(k, _)| {
                m.start()
                    .checked_sub(k)
                    .and_then(|s| text.get(s..))
                    .is_some_and(|t| t.starts_with(e.right.as_str()))
            });
            if inside_right {
                continue;
            }
            out.push(Finding {
                range: m.range(),
                wrong: &e.wrong,
                right: &e.right,
                what: &e.what,
            });
        }
        out
    }
}
