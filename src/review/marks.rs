//! `public` (公开属性) and `classification` (密级, or 内部资料) in front matter.
//!
//! 《政府信息公开条例》 sorts every piece of government information as 主动公开 (published on the
//! office's initiative), 依申请公开 (given to who asks) or 不予公开 (withheld); only the first
//! belongs on a website. A 密级 (绝密, 机密, 秘密, written with its period as `秘密★1年`) may
//! never go online at all, so a file that carries one is refused wherever it is read. 内部资料
//! goes online only after an explicit decision that it may, recorded in the same file as
//! `public: 主动公开`; without it the file is refused too, so an internal issue cannot be
//! published by accident.

use serde_json::Value as Json;

use crate::diagnostics::closest;
use crate::frontmatter::{Fields, SpannedJson};

/// 公开属性.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Public {
    /// 主动公开: published.
    Active,
    /// 依申请公开: given on request, never on the site.
    OnRequest,
    /// 不予公开: withheld.
    Withheld,
}

impl Public {
    pub const ALL: [Public; 3] = [Public::Active, Public::OnRequest, Public::Withheld];

    /// The name as written in front matter.
    pub fn name(self) -> &'static str {
        match self {
            Public::Active => "主动公开",
            Public::OnRequest => "依申请公开",
            Public::Withheld => "不予公开",
        }
    }

    pub fn parse(s: &str) -> Option<Public> {
        let s = s.trim();
        Public::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// What `help:` says for a `public:` value that is none of the three.
pub fn public_help(found: &str) -> [String; 2] {
    let names = Public::ALL.map(Public::name);
    match closest(found.trim(), names) {
        Some(c) => [
            format!("did you mean `{c}`? 公开属性 is one of 主动公开, 依申请公开, 不予公开"),
            format!("是不是 `{c}`？公开属性只能是主动公开、依申请公开、不予公开之一"),
        ],
        None => [
            "write one of 主动公开 (published), 依申请公开 or 不予公开 (both left out of the site)"
                .to_string(),
            "写主动公开（在网站上发布）、依申请公开或不予公开（这两种都不上网站）之一".to_string(),
        ],
    }
}

/// 密级, or the 内部资料 mark.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Classification {
    /// 绝密, 机密 or 秘密, as written (with its ★ period, if any).
    Secret {
        level: &'static str,
        written: String,
    },
    /// 内部资料 (注意保存).
    Internal,
}

/// The three 密级, highest first.
pub const LEVELS: [&str; 3] = ["绝密", "机密", "秘密"];
/// The internal mark.
pub const INTERNAL: &str = "内部资料";

impl Classification {
    /// Read a `classification:` value: a 密级 (`秘密`, `秘密★1年`, `机密★长期`) or `内部资料`
    /// (`内部资料 注意保存` too). `None` for anything else.
    pub fn parse(s: &str) -> Option<Classification> {
        let s = s.trim();
        for level in LEVELS {
            if let Some(rest) = s.strip_prefix(level) {
                let rest = rest.trim_start();
                if rest.is_empty() || rest.starts_with(['★', '*', '☆', '＊']) {
                    return Some(Classification::Secret {
                        level,
                        written: s.to_string(),
                    });
                }
            }
        }
        let rest = s.strip_prefix(INTERNAL)?;
        let rest: String = rest
            .chars()
            .filter(|c| {
                !c.is_whitespace() && !matches!(c, '，' | ',' | '、' | '（' | '）' | '(' | ')')
            })
            .collect();
        matches!(rest.as_str(), "" | "注意保存" | "注意保管" | "妥善保管")
            .then_some(Classification::Internal)
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Classification::Secret { .. })
    }
}

/// The marks of one file, as its front matter says (nothing inherited).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    /// `public:`, with its line in the file.
    pub public: Option<(Public, usize)>,
    /// `classification:`, with its line.
    pub classification: Option<(Classification, usize)>,
}

/// Take `public` and `classification` out of `fields` and check them: a bad value, a 密级, and
/// 内部资料 without `public: 主动公开` in the same file are errors in `fields.diags`.
pub fn read(fields: &mut Fields<'_>) -> Marks {
    let mut marks = Marks::default();
    let line_of =
        |fields: &Fields<'_>, v: &SpannedJson| fields.location_of(v).map_or(1, |l| l.line);
    if let Some(v) = fields.take("public") {
        match text_of(&v.value) {
            None => {}
            Some(s) => match Public::parse(&s) {
                Some(p) => marks.public = Some((p, line_of(fields, &v))),
                None => fields.error_at(
                    &v,
                    [
                        format!("`public` must be 主动公开, 依申请公开 or 不予公开, found `{s}`"),
                        format!(
                            "`public`（公开属性）只能是主动公开、依申请公开或不予公开，这里是 `{s}`"
                        ),
                    ],
                    "not a 公开属性",
                    public_help(&s),
                ),
            },
        }
    }
    let Some(v) = fields.take("classification") else {
        return marks;
    };
    let Some(s) = text_of(&v.value) else {
        return marks;
    };
    let Some(c) = Classification::parse(&s) else {
        let valid = ["绝密", "机密", "秘密", INTERNAL];
        let what = "`classification` is a 密级 (绝密, 机密, 秘密, with its period as `秘密★1年`) or 内部资料; a document with neither has no `classification:`";
        let what_zh = "`classification` 写密级（绝密、机密、秘密，保密期限写成 `秘密★1年`）或内部资料；两者都不是的文件不写 `classification:`";
        let help = match closest(&s, valid) {
            Some(c) => [
                format!("did you mean `{c}`? {what}"),
                format!("是不是 `{c}`？{what_zh}"),
            ],
            None => [what.to_string(), what_zh.to_string()],
        };
        fields.error_at(
            &v,
            [
                format!("unknown classification `{s}`"),
                format!("不认识的密级标注 `{s}`"),
            ],
            "not a 密级 or 内部资料",
            help,
        );
        return marks;
    };
    match &c {
        Classification::Secret { level, .. } => fields.error_at(
            &v,
            [
                format!("this file is classified {level} (`{s}`): a 密级 document must never be published"),
                format!("这个文件标有密级 {level}（`{s}`）：涉密文件一律不得上网发布"),
            ],
            "密级",
            [
                "take the file out of content/ (and out of the repository's history) and hand it back \
                 to the office that keeps classified documents (保密审查: 谁上网谁负责); if the mark is \
                 wrong, have it removed by whoever set it, then delete this line"
                    .into(),
                "把这个文件移出 `content/`（也要从版本库的历史里删除），交还负责保管涉密文件的部门\
                 （保密审查：谁上网谁负责）；如果密级标错了，请由标注的人撤销后再删去这一行"
                    .into(),
            ],
        ),
        Classification::Internal => {
            if marks.public.is_none() {
                fields.error_at(
                    &v,
                    [
                        "this file is marked 内部资料 and does not say it may be published".into(),
                        "这个文件标有内部资料，却没有写明可以公开发布".into(),
                    ],
                    "内部资料",
                    [
                        "内部资料 goes online only after a decision that it may: once that is made, \
                         record it in this file with `public: 主动公开`; or write \
                         `public: 不予公开` to keep it in the archive but off the site"
                            .into(),
                        "内部资料要经过审查、决定可以公开后才能上网：决定后在这个文件里写上 \
                         `public: 主动公开`；或者写 `public: 不予公开`，留在存档里但不上网站"
                            .into(),
                    ],
                );
            }
        }
    }
    marks.classification = Some((c, line_of(fields, &v)));
    marks
}

/// A value as text; null or an empty string is `None` (a key left blank says nothing).
fn text_of(v: &Json) -> Option<String> {
    let s = match v {
        Json::Null => return None,
        Json::String(s) => s.trim().to_string(),
        other => other.to_string(),
    };
    (!s.is_empty()).then_some(s)
}
