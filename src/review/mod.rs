//! What must never go online (保密审查, "谁上网谁负责"), checked before anything is published.
//!
//! A government archive is inspected for faults that fail the whole site on their own: a leaked
//! 国家秘密, personal data, a misspelt 国名 or 机构名称 (严重表述错误), a home page not updated for
//! two weeks (docs/review.md has each rule and its source). This module holds the checks, each
//! pure and tested on its own, and site.yaml's `review:` block that tunes them:
//!
//! - [`marks`]: front matter `public` (公开属性) and `classification` (密级, 内部资料), read from a
//!   file with its line; a 密级 is refused, 内部资料 needs the file's own `public: 主动公开`;
//! - [`personal`]: 居民身份证号 (GB 11643 check digit), mobile numbers and bank card numbers
//!   (Luhn) in a file's text, reported with a masked excerpt, never the number itself;
//! - [`wording`]: the built-in list of wrong forms of 国名, 机构名称 and fixed political
//!   expressions, plus the site's own, found in one pass;
//! - [`masthead`]: the marks a printed masthead carries (密级★期限, `内部资料 注意保存`, copy
//!   numbers), for `bulletin import`;
//! - [`freshness`]: the warning `check` gives when the newest issue is older than two weeks.
//!
//! What is left out of the site because of its marks is decided by `crate::withhold`, after every
//! file is loaded; this module knows nothing of loaded files, so the loader can call into it.

pub mod marks;
pub mod masthead;
pub mod personal;
pub mod wording;

use std::sync::Arc;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::frontmatter::Date;
pub use marks::{Classification, Marks, Public};

/// `review:` in site.yaml, as written. Every key is optional.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    /// The 公开属性 of an issue or article whose front matter has no `public:`. Default 主动公开.
    pub public: Option<Spanned<String>>,
    /// Personal data and wrong expressions are errors, not warnings (as `--strict`). Default false.
    pub strict: Option<bool>,
    /// Numbers meant to be published (a hotline, the editing office's mobile): never reported as
    /// personal data. Compared by their digits, so `139-0797-1234` and `13907971234` are one.
    #[serde(default)]
    pub public_numbers: Vec<Spanned<String>>,
    /// The site's own wrong forms, `wrong → right` (or `wrong -> right`), checked with the
    /// built-in ones.
    #[serde(default)]
    pub wrong_forms: Vec<Spanned<String>>,
    /// `bulletin check` warns when the newest issue is older than this many days. Default 14 (the
    /// inspection's two weeks); 0 turns the warning off.
    pub stale_after_days: Option<u32>,
}

/// The review settings, every default filled in.
#[derive(Debug, Clone)]
pub struct Review {
    /// The 公开属性 of what does not say.
    pub default_public: Public,
    /// Findings are errors (site.yaml `strict`, or `--strict`).
    pub strict: bool,
    /// The digits of each number allowed to be published.
    pub public_numbers: Vec<String>,
    /// The built-in wrong forms and the site's, ready to search.
    pub wording: Arc<wording::Wording>,
    /// 0: no freshness warning.
    pub stale_after_days: u32,
}

impl Default for Review {
    fn default() -> Self {
        Review {
            default_public: Public::Active,
            strict: false,
            public_numbers: Vec::new(),
            wording: Arc::new(wording::Wording::builtin()),
            stale_after_days: DEFAULT_STALE_DAYS,
        }
    }
}

/// Two weeks: "首页 not updated for 2 weeks" fails a site (国办秘函〔2019〕19号).
pub const DEFAULT_STALE_DAYS: u32 = 14;

/// The name of the configuration file, for messages (config.rs owns the constant; this module
/// sits below it).
const CONFIG_FILE: &str = "site.yaml";

fn at(text: &str, loc: &serde_saphyr::Location, len: usize) -> Location {
    Location::from_line_col(text, loc.line() as usize, loc.column() as usize, len)
}

impl Review {
    /// Resolve `review:` from site.yaml (`text` is the file, for positions); problems go to
    /// `diags`.
    pub fn resolve(raw: Option<RawReview>, text: &str, diags: &mut Diagnostics) -> Review {
        let Some(raw) = raw else {
            return Review::default();
        };
        let mut review = Review {
            strict: raw.strict.unwrap_or(false),
            stale_after_days: raw.stale_after_days.unwrap_or(DEFAULT_STALE_DAYS),
            ..Review::default()
        };
        if let Some(p) = &raw.public {
            match Public::parse(&p.value) {
                Some(public) => review.default_public = public,
                None => diags.push({
                    let [help, help_zh] = marks::public_help(&p.value);
                    Diagnostic::error(format!(
                        "`review.public` must be 主动公开, 依申请公开 or 不予公开, found `{}`",
                        p.value
                    ))
                    .with_path(CONFIG_FILE)
                    .with_location(at(text, &p.referenced, p.value.chars().count()))
                    .with_help(help)
                    .zh(format!(
                        "`review.public`（默认公开属性）只能是主动公开、依申请公开或不予公开，这里是 `{}`",
                        p.value
                    ))
                    .zh_help(help_zh)
                }),
            }
        }
        for n in &raw.public_numbers {
            let digits = personal::digits_of(&n.value);
            if digits.len() < 5 {
                diags.push(
                    Diagnostic::error(format!(
                        "`{}` in `review.public_numbers` is not a phone or card number",
                        n.value
                    ))
                    .with_path(CONFIG_FILE)
                    .with_location(at(text, &n.referenced, n.value.chars().count()))
                    .with_help("write the number as it is printed, e.g. `- 0797-8992528` or `- 139-0797-1234`")
                    .zh(format!(
                        "`review.public_numbers` 里的 `{}` 不是电话号码或卡号",
                        n.value
                    ))
                    .zh_help("照印出来的样子写号码，例如 `- 0797-8992528` 或 `- 139-0797-1234`"),
                );
            } else {
                review.public_numbers.push(digits);
            }
        }
        let mut site_forms = Vec::new();
        for w in &raw.wrong_forms {
            match wording::parse_entry(&w.value) {
                Ok(pair) => site_forms.push(pair),
                Err([why, why_zh]) => diags.push(
                    Diagnostic::error(format!("`review.wrong_forms`: {why}"))
                        .with_path(CONFIG_FILE)
                        .with_location(at(text, &w.referenced, w.value.chars().count()))
                        .with_help("write each entry as `错误写法 → 正确写法`, e.g. `- 赣州市人民攻府 → 赣州市人民政府`")
                        .zh(format!("`review.wrong_forms`（错误写法列表）：{why_zh}"))
                        .zh_help("每一条写成 `错误写法 → 正确写法`，例如 `- 赣州市人民攻府 → 赣州市人民政府`"),
                ),
            }
        }
        if !site_forms.is_empty() {
            review.wording = Arc::new(wording::Wording::with_site(site_forms));
        }
        review
    }

    /// A finding of the text checks: a warning, or an error when strict. The message is given as
    /// `[English, Chinese]`.
    pub fn finding(&self, message: [String; 2]) -> Diagnostic {
        let [message, message_zh] = message;
        if self.strict {
            Diagnostic::error(message).zh(message_zh)
        } else {
            Diagnostic::warning(message).zh(message_zh)
        }
    }

    /// The text checks of one file (its whole text: front matter reaches pages too): personal
    /// data and wrong forms, each placed at its line. `rel` is the file as shown.
    pub fn scan(&self, rel: &std::path::Path, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for f in personal::find(text) {
            if self.public_numbers.contains(&f.digits) {
                continue;
            }
            out.push(
                self.finding([
                    format!("personal data: {} `{}`", f.kind.describe(), f.masked),
                    format!("个人信息：{} `{}`", f.kind.describe_zh(), f.masked),
                ])
                .with_path(rel)
                .with_location(personal::masked_location(text, f.range.clone()))
                .with_label(f.kind.label())
                .with_help(f.kind.help())
                .zh_help(f.kind.help_zh()),
            );
        }
        for f in self.wording.find(text) {
            out.push(
                self.finding([
                    format!(
                        "严重表述错误: `{}` should be `{}` ({})",
                        f.wrong, f.right, f.what
                    ),
                    format!(
                        "严重表述错误：`{}` 应为 `{}`（{}）",
                        f.wrong, f.right, f.what
                    ),
                ])
                .with_path(rel)
                .with_location(personal::masked_location(text, f.range.clone()))
                .with_label(format!("write `{}`", f.right))
                .with_help(format!(
                    "a misspelt {} fails a government site's inspection on its own (国办秘函〔2019〕19号); write `{}`",
                    f.what, f.right
                ))
                .zh_help(format!(
                    "严重表述错误（{}）只要有一处，政府网站检查就不合格（国办秘函〔2019〕19号）；请改为 `{}`",
                    f.what, f.right
                )),
            );
        }
        out
    }
}

/// The warning `bulletin check` gives when the newest issue (`newest`, None when there is none) is
/// more than `settings.stale_after_days` days before `today`.
pub fn freshness(settings: &Review, newest: Option<Date>, today: Date) -> Option<Diagnostic> {
    let days = settings.stale_after_days;
    if days == 0 {
        return None;
    }
    let newest = newest?;
    let age = days_between(newest, today)?;
    if age <= i64::from(days) {
        return None;
    }
    Some(
        Diagnostic::warning(format!(
            "the newest issue is dated {} ({} ago, on {}): a government site whose home page is not updated for {} days fails its inspection",
            newest.iso(),
            if age == 1 { "1 day".to_string() } else { format!("{age} days") },
            today.iso(),
            days
        ))
        .with_help(format!(
            "publish the next issue; `review.stale_after_days` in site.yaml sets the limit (now {days}, 0 turns this warning off)"
        ))
        .zh(format!(
            "最新一期的日期是 {}（到 {} 已经 {age} 天）：政府网站首页超过 {days} 天不更新，检查就不合格",
            newest.iso(),
            today.iso()
        ))
        .zh_help(format!(
            "请发布下一期；这个期限由 `site.yaml` 的 `review.stale_after_days` 设定（现在是 {days}，设为 0 就不再提醒）"
        )),
    )
}

fn days_between(a: Date, b: Date) -> Option<i64> {
    let d = |x: Date| chrono::NaiveDate::from_ymd_opt(x.year, x.month, x.day);
    Some((d(b)? - d(a)?).num_days())
}

#[cfg(test)]
mod tests;
