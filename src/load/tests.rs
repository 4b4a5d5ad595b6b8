//! Tests of loading one file, step by step: what each kind of file becomes, and which problems
//! are reported together.

use std::path::Path;

use super::*;

fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// A site with a county and topic vocabulary, and one issue folder.
fn site() -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "site.yaml",
        "counties:\n  - name: 于都县\n    aliases: [于都]\ntopics:\n  - name: 教育\n  - name: 卫生\n",
    );
    write(
        root,
        "content/2021-125/_index.md",
        "---\nnumber: 125\ndate: 2021-07-29\nseries: 赣州简报\n---\n编者按。\n",
    );
    let config = Config::load(root).unwrap();
    (dir, config)
}

fn one(config: &Config, path: &Path, drafts: bool) -> (LoadedItem, Vec<Diagnostic>) {
    load_one(config, &Assets::default(), &config.root, path, drafts)
}

fn messages(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.message.clone()).collect()
}

#[test]
fn an_issue_and_an_article_load_with_their_fields_and_names_resolved() {
    let (dir, config) = site();
    write(
        dir.path(),
        "content/2021-125/a.md",
        "---\ntitle: 标题\ncounty: 于都\ntopics: [教育, 卫生, 教育]\norder: 2\nissue: 125\n---\n正文\n",
    );
    let (loaded, warnings) = load(&config, false).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(loaded.files, 2);
    let issue = &loaded.issues[0];
    assert_eq!((issue.number, issue.date.iso()), (125, "2021-07-29".into()));
    assert_eq!(issue.series.as_deref(), Some("赣州简报"));
    assert_eq!(issue.dir, Path::new("2021-125"));
    assert!(issue.intro.html.contains("编者按"), "{}", issue.intro.html);
    let a = &loaded.articles[0];
    assert_eq!(a.path, Path::new("content/2021-125/a.md"));
    assert_eq!((a.stem.as_str(), a.title.as_str()), ("a", "标题"));
    // The alias becomes the canonical name; a topic written twice is kept once.
    assert_eq!(a.county, "于都县");
    assert_eq!(a.topics, ["教育", "卫生"]);
    assert_eq!(a.order, Some(2));
    assert_eq!(a.issue.as_ref().map(|r| r.key.as_str()), Some("125"));
    assert!(a.body.html.contains("正文"));
}

#[test]
fn a_draft_is_left_out_without_a_word_unless_drafts_are_wanted() {
    let (dir, config) = site();
    let path = write(
        dir.path(),
        "content/2021-125/d.md",
        "---\ntitle: 草稿\ncounty: 于都县\ntopics: [教育]\ndraft: true\n---\n",
    );
    let (item, diags) = one(&config, &path, false);
    assert!(matches!(item, LoadedItem::Skipped) && diags.is_empty());
    let (item, diags) = one(&config, &path, true);
    assert!(
        matches!(item, LoadedItem::Article(a) if a.draft),
        "{diags:?}"
    );
}

#[test]
fn every_problem_of_an_article_is_reported_at_once() {
    let (dir, config) = site();
    let path = write(
        dir.path(),
        "content/2021-125/bad.md",
        "---\ntitle: 标题\ncounty: 于都镇\ntopics: []\nslug: 不行\nissue: [1]\n---\n",
    );
    let (item, diags) = one(&config, &path, false);
    assert!(matches!(item, LoadedItem::Skipped));
    let text = messages(&diags).join("\n");
    for wanted in [
        "unknown county `于都镇`",
        "`topics` is empty",
        "`不行` is not a valid slug",
        "`issue` must be an issue's folder name or number",
    ] {
        assert!(text.contains(wanted), "{wanted} not in:\n{text}");
    }
}

#[test]
fn an_issue_outside_a_folder_with_a_negative_number_gets_both_errors() {
    let (dir, config) = site();
    let path = write(
        dir.path(),
        "content/_index.md",
        "---\nnumber: -1\ndate: 2021-07-29\n---\n",
    );
    let (item, diags) = one(&config, &path, false);
    assert!(matches!(item, LoadedItem::Skipped));
    let text = messages(&diags).join("\n");
    assert!(text.contains("must not be negative"), "{text}");
    assert!(text.contains("must be in its own folder"), "{text}");
}

#[test]
fn front_matter_that_is_missing_or_unclosed_shows_how_a_file_of_its_kind_starts() {
    let (dir, config) = site();
    let article = write(dir.path(), "content/2021-125/x.md", "正文\n");
    let (_, diags) = one(&config, &article, false);
    assert!(diags[0].message.starts_with("missing front matter"));
    assert!(diags[0].help.as_deref().unwrap().contains("county:"));
    let issue = write(dir.path(), "content/2021-9/_index.md", "---\nnumber: 9\n");
    let (_, diags) = one(&config, &issue, false);
    assert!(diags[0].message.starts_with("front matter is not closed"));
    assert!(diags[0].help.as_deref().unwrap().contains("number: 125"));
    let empty = write(dir.path(), "content/2021-125/e.md", "");
    let (_, diags) = one(&config, &empty, false);
    assert!(diags[0].message.starts_with("file is empty"));
}

#[test]
fn text_is_utf8_without_a_bom_and_without_nul_bytes() {
    let rel = Path::new("content/a.md");
    assert_eq!(utf8_text("\u{feff}---\n".into(), rel).unwrap(), "---\n");
    let nul = utf8_text(b"---\n\0".to_vec(), rel).unwrap_err();
    assert!(
        nul.message.contains("NUL byte at offset 4"),
        "{}",
        nul.message
    );
    // 赣州 in GB18030, on line 2.
    let gbk = utf8_text(b"---\n\xB8\xD3\xD6\xDD".to_vec(), rel).unwrap_err();
    assert!(
        gbk.message
            .contains("invalid byte 0xB8 at offset 4 (line 2)"),
        "{}",
        gbk.message
    );
}

#[test]
fn an_introduction_nested_too_deep_is_refused_and_other_problems_are_kept() {
    let (dir, config) = site();
    let deep = ">".repeat(crate::markdown::MAX_DEPTH + 5);
    let path = write(
        dir.path(),
        "content/2021-7/_index.md",
        &format!("---\nnumber: 7\ndate: 2021-07-01\n---\n[附件](missing.pdf)\n\n{deep} 深\n"),
    );
    let (item, diags) = one(&config, &path, false);
    assert!(matches!(item, LoadedItem::Skipped));
    let text = messages(&diags).join("\n");
    assert!(text.contains("levels deep"), "{text}");
    assert!(text.contains("`missing.pdf` does not exist"), "{text}");
}
