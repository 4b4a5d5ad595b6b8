//! The 工作台's one door to the rest of the library: importing a file as a plan, editing a planned
//! file's front matter, adding a name to a vocabulary of site.yaml, checking and publishing.
//!
//! Kept thin and in one file on purpose: an import is the importer's plan ([`plan`], every limit
//! of the command line applies, since it is the same code reading the same file), a new
//! vocabulary name is the importer's site.yaml edit ([`site_yaml`]), an edit rewrites the front
//! matter the importer wrote, and publishing is `bulletin build` followed, where site.yaml names
//! a `deploy:` target, by `bulletin deploy`'s own plan and run ([`deploy_plan`], [`deploy_run`]).

use std::path::{Path, PathBuf};

use crate::build::{BuildOptions, BuildReport};
use crate::config::{CONFIG_FILE, Config};
use crate::deploy;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::site_yaml::{self, Added, VocabularyKey};
use crate::import::{ImportOptions, IssueReport, emit::yaml_scalar, plan};

/// Plan the import of one file as `bulletin import --dry-run FILE` does, into `content/`. Files that
/// exist are reported (the caller asks before replacing an issue), not refused.
pub fn plan_import(root: &Path, input: &Path) -> Result<(IssueReport, Diagnostics), Diagnostics> {
    let opts = ImportOptions {
        root: root.to_path_buf(),
        into: PathBuf::from(crate::config::CONTENT_DIR),
        files: vec![input.to_path_buf()],
        force: true,
        dry_run: true,
        ..ImportOptions::default()
    };
    // A plan: an article whose county or topics the rules could not settle is in it with
    // `open` saying what to choose, instead of failing the whole import.
    let mut report = plan(&opts)?;
    let issue = report.issues.pop().ok_or_else(|| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error("the file held no issue").zh("这个文件里没有找到简报"));
        d
    })?;
    // With `force`, an existing folder's other files are a warning for the command line; the
    // 工作台 replaces the whole folder, after asking, so that note does not apply.
    let shown = issue.dir.display().to_string();
    let warnings = Diagnostics(
        report
            .warnings
            .0
            .into_iter()
            .filter(|d| !d.message.starts_with(&format!("{shown} already holds")))
            .collect(),
    );
    Ok((issue, warnings))
}

/// The front matter of a Markdown file the importer wrote, as (start, end) byte offsets of the
/// lines between the `---` fences.
fn front_matter(text: &str) -> Option<(usize, usize)> {
    let start = text.strip_prefix("---\n").map(|_| 4)?;
    let end = text[start..].find("\n---\n").map(|i| start + i + 1)?;
    Some((start, end))
}

/// The lines of a top-level key (its own line and any indented lines under it).
fn key_lines(lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let prefix = format!("{key}:");
    let first = lines.iter().position(|l| {
        l.strip_prefix(&prefix)
            .is_some_and(|r| r.is_empty() || r.starts_with(' '))
    })?;
    let mut end = first + 1;
    while end < lines.len() && (lines[end].starts_with(' ') || lines[end].starts_with('-')) {
        end += 1;
    }
    Some((first, end))
}

/// `text` with the top-level front matter key `key` set to `value` (a list when `list`), or
/// removed when `value` is empty. A key that is not there yet goes after `after` (or last).
fn set_key(text: &str, key: &str, value: &[String], list: bool, after: &str) -> String {
    let Some((start, end)) = front_matter(text) else {
        return text.to_string();
    };
    let fm = &text[start..end];
    let mut lines: Vec<&str> = fm.lines().collect();
    let new: Vec<String> = if value.is_empty() {
        Vec::new()
    } else if list {
        std::iter::once(format!("{key}:"))
            .chain(value.iter().map(|v| format!("  - {}", yaml_scalar(v))))
            .collect()
    } else {
        vec![format!("{key}: {}", yaml_scalar(&value[0]))]
    };
    let new_refs: Vec<&str> = new.iter().map(String::as_str).collect();
    match key_lines(&lines, key) {
        Some((a, b)) => {
            lines.splice(a..b, new_refs);
        }
        None => {
            let at = key_lines(&lines, after).map_or(lines.len(), |(_, b)| b);
            lines.splice(at..at, new_refs);
        }
    }
    let mut out = String::with_capacity(text.len() + 32);
    out.push_str(&text[..start]);
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(&text[end..]);
    out
}

/// Set a scalar key (`title`, `county`, `unit`, `date`); an empty value removes it.
pub fn set_scalar(text: &str, key: &str, value: &str, after: &str) -> String {
    let v: Vec<String> = if value.trim().is_empty() {
        Vec::new()
    } else {
        vec![value.trim().to_string()]
    };
    set_key(text, key, &v, false, after)
}

/// Set a list key (`topics`), written as the importer writes it.
pub fn set_list(text: &str, key: &str, values: &[String], after: &str) -> String {
    set_key(text, key, values, true, after)
}

/// A dates key the importer writes unquoted (`date: 2021-07-29`).
pub fn set_date(text: &str, value: &str) -> String {
    let Some((start, end)) = front_matter(text) else {
        return text.to_string();
    };
    let mut lines: Vec<String> = text[start..end].lines().map(String::from).collect();
    match key_lines(
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
        "date",
    ) {
        Some((a, b)) => {
            lines.splice(a..b, [format!("date: {}", value.trim())]);
        }
        None => lines.push(format!("date: {}", value.trim())),
    }
    format!("{}{}\n{}", &text[..start], lines.join("\n"), &text[end..])
}

/// Add `name` to a vocabulary of `root/site.yaml` through the importer's own editor
/// ([`site_yaml::add_to_site`]: the list's own form, every comment and line kept, the result
/// loaded again before it is written), with the 工作台's messages in Chinese.
pub fn add_vocabulary_name(root: &Path, key: VocabularyKey, name: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err("名称不能为空，不能超过 40 个字，也不能换行".into());
    }
    match site_yaml::add_to_site(root, key, name) {
        Ok(Added::Edited(_)) => Ok(()),
        Ok(Added::AlreadyThere(_)) => Err(format!("“{name}”已经在词表里")),
        Ok(Added::NoVocabulary) => Err(format!(
            "{CONFIG_FILE} 没有 {}: 词表，任何名称都可以直接使用",
            key.key()
        )),
        Err(d) => Err(format!(
            "无法自动把“{name}”加进 {CONFIG_FILE} 的 {}:（{}），请在文本编辑器里添加",
            key.key(),
            d.message_zh()
        )),
    }
}

/// Everything `bulletin check` reports, with nothing written.
pub fn check(root: &Path) -> Result<BuildReport, Diagnostics> {
    crate::build::check(&BuildOptions::new(root))
}

/// What 发布 does first: `bulletin build` into `output/`, exactly as the command line runs it.
pub fn publish(root: &Path) -> Result<BuildReport, Diagnostics> {
    crate::build::build(&BuildOptions::new(root))
}

/// The targets of site.yaml's `deploy:` list: each name and where it points (URLs there never
/// hold a credential: site.yaml refuses one).
pub fn deploy_targets(root: &Path) -> Vec<(String, String)> {
    Config::load(root)
        .map(|c| {
            c.deploy
                .iter()
                .map(|t| (t.name.clone(), t.url.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// 预览上传: what `bulletin deploy --dry-run NAME` reports, the target read now.
pub fn deploy_plan(root: &Path, name: &str) -> Result<deploy::Plan, String> {
    plan_now(root, name).map(|(_, plan, _)| plan)
}

/// The target's connection, the plan made from it and the output now, and the output folder.
fn plan_now(root: &Path, name: &str) -> Result<(deploy::Store, deploy::Plan, PathBuf), String> {
    let (chosen, output) = deploy_target(root, name)?;
    let store = deploy::Store::open(&chosen.target)?;
    let remote = store.state()?;
    let local = deploy::scan(&output, &chosen.rules, remote.manifest.is_none())?;
    Ok((store, deploy::plan(&local, &remote), output))
}

/// 确认上传: `bulletin deploy NAME`, but only if the plan made now is the one the clerk saw (the
/// output rebuilt or the target changed since would make it another), and never past the
/// command's own safety checks.
pub fn deploy_run(
    root: &Path,
    name: &str,
    seen: &deploy::Plan,
    progress: &mut dyn FnMut(&deploy::Progress),
) -> Result<deploy::Summary, String> {
    let (store, plan, output) = plan_now(root, name)?;
    if changes(&plan) != changes(seen) {
        return Err(
            "预览之后，网站或上传目标又有了变化：请重新点“预览上传”核对。没有上传任何文件。".into(),
        );
    }
    if let Some(why) = plan.refusal(deploy::MAX_DELETES, false) {
        return Err(why);
    }
    store.run(&plan, &output, progress)
}

/// What a plan changes at the target: each upload and delete, and whether the manifest is written.
fn changes(plan: &deploy::Plan) -> (Vec<(&str, deploy::Kind)>, bool) {
    let steps = plan
        .actions
        .iter()
        .filter(|a| a.kind != deploy::Kind::Keep)
        .map(|a| (a.path.as_str(), a.kind))
        .collect();
    (steps, plan.write_manifest)
}

/// A `deploy:` target of site.yaml by name (only those: the 工作台 takes no URL from the page),
/// and the output folder it uploads.
fn deploy_target(root: &Path, name: &str) -> Result<(deploy::Chosen, PathBuf), String> {
    let config = Config::load(root).map_err(|d| d.render(false))?;
    if !config.deploy.iter().any(|t| t.name == name) {
        return Err(format!(
            "{CONFIG_FILE} 的 deploy: 里没有名为“{name}”的上传目标"
        ));
    }
    let chosen = deploy::choose(&config, Some(name))?;
    Ok((chosen, root.join(BuildOptions::new(root).output)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "---\ntitle: 于都县推进学前教育\ncounty: 于都县\nunit: 于都县\ntopics:\n  - 教育\n---\n正文。\n";

    #[test]
    fn a_changed_topic_rewrites_only_the_topics_lines() {
        let out = set_list(ARTICLE, "topics", &["民生".into(), "教育".into()], "unit");
        assert_eq!(
            out,
            "---\ntitle: 于都县推进学前教育\ncounty: 于都县\nunit: 于都县\ntopics:\n  - 民生\n  - 教育\n---\n正文。\n"
        );
        assert_eq!(
            set_list(ARTICLE, "topics", &["教育".into()], "unit"),
            ARTICLE
        );
    }

    #[test]
    fn scalars_are_set_quoted_as_the_importer_quotes_them_and_removed_when_empty() {
        let out = set_scalar(ARTICLE, "title", "标题: 有冒号", "");
        assert!(out.contains("title: \"标题: 有冒号\"\n"), "{out}");
        let out = set_scalar(ARTICLE, "unit", "", "county");
        assert!(!out.contains("unit:"), "{out}");
        let back = set_scalar(&out, "unit", "于都县", "county");
        assert_eq!(back, ARTICLE);
        let issue = "---\nnumber: 125\ndate: 2021-07-29\nseries: 简报\n---\n";
        assert_eq!(
            set_scalar(issue, "title", "特刊", "date"),
            "---\nnumber: 125\ndate: 2021-07-29\ntitle: 特刊\nseries: 简报\n---\n"
        );
        assert_eq!(
            set_date(issue, "2021-07-30"),
            "---\nnumber: 125\ndate: 2021-07-30\nseries: 简报\n---\n"
        );
    }
}
