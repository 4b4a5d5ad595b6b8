//! An import waiting in the staging area: the plan of one uploaded file, changed by the clerk's
//! edits, validated after each, and written to `content/` only on 确认导入.
//!
//! Nothing here takes a name from the browser: the uploaded file is saved as `input.EXT` in a
//! folder named by the server, the issue folder's name comes from the issue's year and number, and
//! the files in it are the ones the importer planned. The browser's file name is only shown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use super::adapter;
use crate::config::{CONTENT_DIR, Config, ISSUE_FILE};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::{ArticleReport, IssueReport};

/// One staged import.
pub struct Staged {
    pub id: String,
    /// The name the browser gave the file: shown, never used as a path.
    pub source_name: String,
    /// The staging folder of this import (holds the input and the validation copy).
    pub folder: PathBuf,
    /// The issue folder's name under content/ (`2021-125`).
    pub dir: String,
    pub format: String,
    pub number: u32,
    pub date: String,
    pub title: String,
    pub series: Option<String>,
    pub editor: Option<String>,
    pub articles: Vec<ArticleReport>,
    /// File name → bytes, as they will be written (Markdown kept up to date with the edits).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The importer's warnings (paths shown as the browser's file name).
    pub warnings: Vec<Diagnostic>,
    /// What the build would say about the files as they are now.
    pub problems: Vec<Diagnostic>,
    /// The bytes of the upload, counted against the staging area's limit.
    pub size: u64,
}

/// The clerk's changes, sent whole with each edit.
#[derive(Debug, Deserialize)]
pub struct Edits {
    pub date: String,
    #[serde(default)]
    pub title: String,
    pub articles: Vec<ArticleEdit>,
}

#[derive(Debug, Deserialize)]
pub struct ArticleEdit {
    pub file: String,
    pub title: String,
    pub county: String,
    #[serde(default)]
    pub unit: String,
    pub topics: Vec<String>,
}

/// A name the importer made is a plain file name: no folders, nothing hidden.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && name != ".."
}

impl Staged {
    /// Plan the import of `input` (already saved in `folder`).
    pub fn plan(
        root: &Path,
        id: String,
        source_name: String,
        folder: PathBuf,
        input: &Path,
        size: u64,
    ) -> Result<Staged, Vec<Value>> {
        let name = source_name.clone();
        let shown = |d: Diagnostic| rename_source(d, input, &name);
        let (issue, warnings) = adapter::plan_import(root, input).map_err(|ds| {
            ds.0.into_iter()
                .map(|d| diag_json(&shown(d)))
                .collect::<Vec<_>>()
        })?;
        let IssueReport {
            dir,
            format,
            number,
            date,
            series,
            editor,
            articles,
            files,
            ..
        } = issue;
        let dir = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut planned = BTreeMap::new();
        for f in files {
            let name = f
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !plain_name(&name) || !plain_name(&dir) {
                return Err(vec![
                    json!({"severity": "error", "message": format!("the import planned an odd file name `{name}`")}),
                ]);
            }
            planned.insert(name, f.bytes);
        }
        let mut staged = Staged {
            id,
            source_name,
            folder,
            dir,
            format,
            number,
            date,
            title: String::new(),
            series,
            editor,
            articles,
            files: planned,
            warnings: warnings.0.into_iter().map(shown).collect(),
            problems: Vec::new(),
            size,
        };
        staged.validate(root);
        Ok(staged)
    }

    /// Apply the clerk's edits to the planned files, then validate them.
    pub fn edit(&mut self, root: &Path, edits: &Edits) -> Result<(), String> {
        let index = self
            .files
            .get(ISSUE_FILE)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .ok_or("the plan has no _index.md")?;
        let index = adapter::set_date(&index, &edits.date);
        let index = adapter::set_scalar(&index, "title", &edits.title, "date");
        self.files.insert(ISSUE_FILE.into(), index.into_bytes());
        self.date = edits.date.trim().to_string();
        self.title = edits.title.trim().to_string();
        for e in &edits.articles {
            let Some(a) = self.articles.iter_mut().find(|a| a.file == e.file) else {
                return Err(format!("本期没有文章文件 {}", e.file));
            };
            let Some(bytes) = self.files.get(&e.file) else {
                return Err(format!("本期没有文章文件 {}", e.file));
            };
            let topics: Vec<String> = e
                .topics
                .iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            let text = String::from_utf8_lossy(bytes).into_owned();
            let text = adapter::set_scalar(&text, "title", &e.title, "");
            let text = adapter::set_scalar(&text, "county", &e.county, "title");
            let text = adapter::set_scalar(&text, "unit", &e.unit, "county");
            let after = if e.unit.trim().is_empty() {
                "county"
            } else {
                "unit"
            };
            let text = adapter::set_list(&text, "topics", &topics, after);
            self.files.insert(e.file.clone(), text.into_bytes());
            a.title = e.title.trim().to_string();
            a.county = e.county.trim().to_string();
            a.unit = Some(e.unit.trim().to_string()).filter(|u| !u.is_empty());
            a.topics = topics;
        }
        self.validate(root);
        Ok(())
    }

    /// Check the planned Markdown files as the build checks each file (front matter, fields,
    /// dates, vocabularies), from a copy laid out as content/ in the staging folder.
    pub fn validate(&mut self, root: &Path) {
        let mut problems = Vec::new();
        let config = match Config::load(root) {
            Ok(c) => c,
            Err(d) => {
                self.problems = d.0;
                return;
            }
        };
        let site = self.folder.join("check");
        let dir = site.join(CONTENT_DIR).join(&self.dir);
        let _ = std::fs::remove_dir_all(&site);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            self.problems = vec![
                Diagnostic::error(format!("cannot use the staging area: {e}"))
                    .zh(format!("无法使用暂存区：{e}")),
            ];
            return;
        }
        for (name, bytes) in &self.files {
            if !name.ends_with(".md") {
                continue;
            }
            let path = dir.join(name);
            if let Err(e) = std::fs::write(&path, bytes) {
                problems.push(
                    Diagnostic::error(format!("cannot use the staging area: {e}"))
                        .zh(format!("无法使用暂存区：{e}")),
                );
                continue;
            }
            let (_, diags) = crate::load::load_front_matter(&config, &site, &path, true);
            problems.extend(diags);
        }
        self.problems = problems;
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// `第125期（content/2021-125）`: how the page names the issue this import would replace.
    pub fn label(&self) -> String {
        format!("第{}期（{CONTENT_DIR}/{}）", self.number, self.dir)
    }

    /// Whether the issue folder exists already.
    pub fn exists(&self, root: &Path) -> bool {
        root.join(CONTENT_DIR).join(&self.dir).exists()
    }

    /// The plan as the page shows it.
    pub fn view(&self, root: &Path) -> Value {
        let mut issue_warnings = Vec::new();
        let mut per_article: Vec<Vec<Value>> = vec![Vec::new(); self.articles.len()];
        for w in &self.warnings {
            match self.article_of(w) {
                Some(i) => per_article[i].push(diag_json(w)),
                None => issue_warnings.push(diag_json(w)),
            }
        }
        let mut issue_problems = Vec::new();
        let mut article_problems: Vec<Vec<Value>> = vec![Vec::new(); self.articles.len()];
        for p in &self.problems {
            let file = p
                .path
                .as_ref()
                .and_then(|f| f.file_name())
                .map(|n| n.to_string_lossy().into_owned());
            match self
                .articles
                .iter()
                .position(|a| Some(&a.file) == file.as_ref())
            {
                Some(i) => article_problems[i].push(diag_json(p)),
                None => issue_problems.push(diag_json(p)),
            }
        }
        let articles: Vec<Value> = self
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let stem = a.file.trim_end_matches(".md");
                let photos: Vec<&String> = self
                    .files
                    .keys()
                    .filter(|n| !n.ends_with(".md") && n.starts_with(&format!("{stem}-")))
                    .collect();
                json!({
                    "file": a.file,
                    "title": a.title,
                    "county": a.county,
                    "unit": a.unit.clone().unwrap_or_default(),
                    "topics": a.topics,
                    "photos": photos,
                    "warnings": per_article[i],
                    "problems": article_problems[i],
                })
            })
            .collect();
        let intro_photos: Vec<&String> = self
            .files
            .keys()
            .filter(|n| n.starts_with("intro-"))
            .collect();
        json!({
            "id": self.id,
            "source": self.source_name,
            "format": self.format,
            "dir": self.dir,
            "label": self.label(),
            "exists": self.exists(root),
            "number": self.number,
            "date": self.date,
            "title": self.title,
            "series": self.series,
            "editor": self.editor,
            "files": self.files.keys().collect::<Vec<_>>(),
            "intro_photos": intro_photos,
            "articles": articles,
            "warnings": issue_warnings,
            "problems": issue_problems,
            "ok": !self.has_errors(),
        })
    }

    /// The article a warning of the importer is about: its title line, or its title in the
    /// message.
    fn article_of(&self, d: &Diagnostic) -> Option<usize> {
        if let Some(loc) = &d.location {
            let line = loc.line_text.trim();
            if !line.is_empty()
                && let Some(i) = self
                    .articles
                    .iter()
                    .position(|a| a.title.contains(line) || line.contains(a.title.as_str()))
            {
                return Some(i);
            }
        }
        self.articles
            .iter()
            .position(|a| d.message.contains(&format!("`{}`", a.title)))
    }

    /// Write the issue folder: every planned file through a hidden temporary name first (nothing
    /// the preview reads), then, if the folder held an issue, its files the plan does not have are
    /// removed, and the temporary files take their names. The caller has checked `exists` against
    /// the clerk's confirmation.
    /// Returns every path written or removed.
    pub fn write(&self, root: &Path) -> Result<Vec<PathBuf>, String> {
        let dir = root.join(CONTENT_DIR).join(&self.dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("无法创建 {}：{e}", self.dir))?;
        let mut temps = Vec::new();
        // Pictures first and _index.md last, so a rebuild that starts halfway sees articles
        // whose photos are there.
        let mut order: Vec<&String> = self.files.keys().collect();
        order.sort_by_key(|n| (n.ends_with(".md"), n.as_str() == ISSUE_FILE, n.to_string()));
        for name in &order {
            let tmp = dir.join(format!(".{name}.desk.tmp"));
            if let Err(e) = std::fs::write(&tmp, &self.files[*name]) {
                for t in &temps {
                    let _ = std::fs::remove_file(t);
                }
                let _ = std::fs::remove_file(&tmp);
                return Err(format!(
                    "无法写入 {}/{name}：{e}；没有写入任何文件",
                    self.dir
                ));
            }
            temps.push(tmp);
        }
        let mut touched = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_file = e.file_type().is_ok_and(|t| t.is_file());
                if is_file
                    && !crate::fsutil::is_ignored_name(&name)
                    && !self.files.contains_key(&name)
                {
                    let _ = std::fs::remove_file(e.path());
                    touched.push(e.path());
                }
            }
        }
        for (name, tmp) in order.iter().zip(&temps) {
            std::fs::rename(tmp, dir.join(name))
                .map_err(|e| format!("无法写入 {}/{name}：{e}", self.dir))?;
            touched.push(dir.join(name));
        }
        Ok(touched)
    }
}

/// The importer names the staged input (`…/staging/3/input.docx`): show the browser's name.
fn rename_source(mut d: Diagnostic, input: &Path, name: &str) -> Diagnostic {
    let staged = input.display().to_string();
    d.message = d.message.replace(&staged, name);
    d.help = d.help.map(|h| h.replace(&staged, name));
    if let Some(zh) = &mut d.zh {
        zh.message = zh.message.replace(&staged, name);
        zh.help = zh.help.take().map(|h| h.replace(&staged, name));
    }
    if d.path.as_deref() == Some(input) {
        d.path = Some(PathBuf::from(name));
    }
    d
}

/// A diagnostic as the page shows it: in Chinese, the command line's English kept in
/// `message_en` and `help_en`.
pub fn diag_json(d: &Diagnostic) -> Value {
    json!({
        "severity": if d.is_error() { "error" } else { "warning" },
        "file": d.path.as_ref().map(|p| p.display().to_string().replace('\\', "/")),
        "line": d.location.as_ref().map(|l| l.line),
        "line_text": d.location.as_ref().map(|l| l.line_text.clone()),
        "message": d.message_zh(),
        "help": d.help_zh(),
        "message_en": d.message,
        "help_en": d.help,
    })
}

/// Diagnostics as the page shows them.
pub fn diags_json(d: &Diagnostics) -> Vec<Value> {
    d.iter().map(diag_json).collect()
}
