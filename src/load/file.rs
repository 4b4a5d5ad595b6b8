//! One file loaded, in steps: read as UTF-8 text, front matter split off, its fields parsed, then
//! an issue (`_index.md`) or an article built from them with its body.

use std::path::Path;

use super::body::body;
use super::{ARTICLE_KEYS, ISSUE_KEYS, IssueRef, LoadedArticle, LoadedIssue, LoadedItem, Source};
use crate::assets::Assets;
use crate::config::{CONTENT_DIR, Config, ISSUE_FILE, Vocabulary};
use crate::diagnostics::{Diagnostic, Location, closest, display_path};
use crate::frontmatter::{self, Fields, SplitError};

/// Load one file (`path` under `config.root`), as [`super::load`] does for each.
pub fn load_one(
    config: &Config,
    assets: &Assets,
    root: &Path,
    path: &Path,
    include_drafts: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    load_one_with(config, assets, root, path, include_drafts, true)
}

/// Load one file as `load_with(.., bodies: false)` does: front matter only, no photos looked at.
pub fn load_front_matter(
    config: &Config,
    root: &Path,
    path: &Path,
    include_drafts: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    load_one_with(
        config,
        &Assets::default(),
        root,
        path,
        include_drafts,
        false,
    )
}

/// [`load_one`], with `bodies: false` reading front matter only (see [`super::load_with`]).
pub(super) fn load_one_with(
    config: &Config,
    assets: &Assets,
    root: &Path,
    path: &Path,
    include_drafts: bool,
    bodies: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    let rel = display_path(root, path);
    let text = match read_text(path, &rel, bodies) {
        Ok(t) => t,
        Err(d) => return (LoadedItem::Skipped, vec![d]),
    };
    load_text(config, assets, root, path, &text, include_drafts, bodies)
}

/// Load `text` as the file at `path` (which need not exist yet): what `bulletin import` checks
/// each file it plans with, so it never writes one the build would refuse.
pub fn load_text(
    config: &Config,
    assets: &Assets,
    root: &Path,
    path: &Path,
    text: &str,
    include_drafts: bool,
    bodies: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    let rel = display_path(root, path);
    let is_issue = path.file_name().is_some_and(|n| n == ISSUE_FILE);
    let split = match split_front_matter(text, &rel, is_issue) {
        Ok(s) => s,
        Err(d) => return (LoadedItem::Skipped, vec![d]),
    };
    let rel_str = rel.to_string_lossy().into_owned();
    let fields = match Fields::parse(&split, text, &rel_str) {
        Ok(f) => f,
        Err(d) => return (LoadedItem::Skipped, vec![d]),
    };
    let content_dir = root.join(CONTENT_DIR);
    let dir = path
        .parent()
        .and_then(|p| p.strip_prefix(&content_dir).ok())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let file = Source {
        rel: rel.clone(),
        text,
        split,
        dir,
    };
    let (mut item, diags) = if is_issue {
        load_issue(config, assets, file, fields, bodies)
    } else {
        load_article(config, assets, path, file, fields, include_drafts, bodies)
    };
    // What must never go online: personal data and wrong expressions (reported if it is published).
    if bodies {
        match &mut item {
            LoadedItem::Issue(i) => i.findings = config.review.scan(&rel, text),
            LoadedItem::Article(a) => a.findings = config.review.scan(&rel, text),
            LoadedItem::Skipped => {}
        }
    }
    (item, diags)
}

/// The file as text: all of it, or only up to the end of its front matter when bodies are not
/// wanted.
fn read_text(path: &Path, rel: &Path, bodies: bool) -> Result<String, Diagnostic> {
    let read = if bodies {
        std::fs::read(path)
    } else {
        read_front_matter(path)
    };
    let bytes = read.map_err(|e| {
        Diagnostic::error(format!("cannot read file: {e}"))
            .with_path(rel)
            .zh(format!("无法读取文件：{e}"))
    })?;
    utf8_text(bytes, rel)
}

/// Decode a file as UTF-8, naming the first bad byte and what to do about it.
pub fn utf8_text(bytes: Vec<u8>, rel: &Path) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if let Some(pos) = s.find('\0') {
                return Err(Diagnostic::error(format!(
                    "file contains a NUL byte at offset {pos}"
                ))
                .with_path(rel)
                .with_help("this looks like a binary file or a damaged save; only UTF-8 text belongs in content/")
                .zh(format!("文件在第 {pos} 个字节处有一个空字节（NUL）"))
                .zh_help("这像是二进制文件，或者保存时损坏了；`content/` 里只能放 UTF-8 编码的文本文件"));
            }
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            Err(Diagnostic::error(format!(
                "file is not UTF-8 text: invalid byte 0x{:02X} at offset {offset} (line {line})",
                bytes[offset]
            ))
            .with_path(rel)
            .with_help(format!(
                "it is probably GB18030/GBK (what Chinese Windows saves); convert it with \
                 `iconv -f GB18030 -t UTF-8 {0} -o {0}.utf8 && mv {0}.utf8 {0}`, or save it as UTF-8 in your editor",
                rel.display()
            ))
            .zh(format!(
                "文件不是 UTF-8 编码的文本：第 {line} 行（第 {offset} 个字节）有无法识别的字节 0x{:02X}",
                bytes[offset]
            ))
            .zh_help(format!(
                "它多半是 GB18030/GBK 编码（中文 Windows 默认的保存方式）：在编辑器里用“另存为”选 UTF-8 \
                 编码保存，或用命令 `iconv -f GB18030 -t UTF-8 {0} -o {0}.utf8 && mv {0}.utf8 {0}` 转换",
                rel.display()
            )))
        }
    }
}

/// The front matter split off, or an error showing how a file of this kind starts.
fn split_front_matter<'t>(
    text: &'t str,
    rel: &Path,
    is_issue: bool,
) -> Result<frontmatter::Split<'t>, Diagnostic> {
    frontmatter::split(text).map_err(|e| {
        let example = if is_issue {
            "---\nnumber: 125\ndate: 2021-07-29\n---"
        } else {
            "---\ntitle: 标题\ncounty: 于都县\nunit: 于都县\ntopics: [教育]\n---"
        };
        let (msg, msg_zh) = match e {
            SplitError::Missing if text.trim().is_empty() => (
                "file is empty: front matter is missing",
                "文件是空的：缺少文件头（开头两行 `---` 之间的部分）",
            ),
            SplitError::Missing => (
                "missing front matter: the file must start with a `---` line",
                "缺少文件头：文件的第一行应当是 `---`",
            ),
            SplitError::Unclosed => (
                "front matter is not closed: add a `---` line after it",
                "文件头没有结束：在它后面加一行 `---`",
            ),
        };
        let mut d = Diagnostic::error(msg)
            .with_path(rel)
            .with_help(format!("a file starts like this:\n{example}"))
            .zh(msg_zh)
            .zh_help(format!("文件的开头应当像这样：\n{example}"));
        if !text.is_empty() {
            d = d.with_location(Location::from_line_col(text, 1, 1, 3));
        }
        d
    })
}

/// An issue from its `_index.md`: number and date required, series and editor optional, the body
/// its introduction.
fn load_issue(
    config: &Config,
    assets: &Assets,
    file: Source<'_>,
    mut fields: Fields<'_>,
    bodies: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    let marks = crate::review::marks::read(&mut fields);
    let number = fields.integer("number", Some("125"));
    let date = fields.date("date", true);
    let title = fields.string("title", None).map(|(s, _)| s);
    let series = fields.string("series", None).map(|(s, _)| s);
    let editor = fields.string("editor", None).map(|(s, _)| s);
    if let Some((n, v)) = &number
        && *n < 0
    {
        fields.error_at(
            v,
            [
                format!("issue number must not be negative, found {n}"),
                format!("期号不能是负数，这里是 {n}"),
            ],
            "negative",
            [
                "write the number printed on the issue, e.g. `number: 125`".into(),
                "写简报上印的期号，例如 `number: 125`".into(),
            ],
        );
    }
    let (extra, mut diags) = fields.into_extra(ISSUE_KEYS);
    if diags.iter().any(Diagnostic::is_error) || file.dir.as_os_str().is_empty() {
        if file.dir.as_os_str().is_empty() {
            diags.push(
                Diagnostic::error("an issue's _index.md must be in its own folder under content/")
                    .with_path(file.rel)
                    .with_help("move it to content/SLUG/_index.md; the folder name becomes the issue's URL")
                    .zh("每一期的 `_index.md` 要放在 `content/` 下这一期自己的文件夹里")
                    .zh_help("把它移到 `content/文件夹名/_index.md`；文件夹名就是这一期的网址"),
            );
        }
        return (LoadedItem::Skipped, diags);
    }
    let (Some((number, _)), Some(date)) = (number, date) else {
        return (LoadedItem::Skipped, diags);
    };
    let Some(intro) = body(config, assets, &file, bodies, &mut diags) else {
        return (LoadedItem::Skipped, diags);
    };
    let issue = LoadedIssue {
        path: file.rel,
        dir: file.dir,
        number,
        date,
        title,
        series,
        editor,
        extra,
        intro,
        marks,
        findings: Vec::new(),
    };
    (LoadedItem::Issue(Box::new(issue)), diags)
}

/// An article from its file: its fields checked (county and topics against site.yaml's
/// vocabularies), and its body. A draft is left out unless drafts are wanted.
fn load_article(
    config: &Config,
    assets: &Assets,
    path: &Path,
    file: Source<'_>,
    mut fields: Fields<'_>,
    include_drafts: bool,
    bodies: bool,
) -> (LoadedItem, Vec<Diagnostic>) {
    // Before anything else: a 密级 is refused even in a draft.
    let marks = crate::review::marks::read(&mut fields);
    let draft = fields.boolean("draft").unwrap_or(false);
    if draft && !include_drafts {
        let refused = fields
            .diags
            .drain(..)
            .filter(Diagnostic::is_error)
            .collect();
        return (LoadedItem::Skipped, refused);
    }
    let title = fields.string("title", Some("标题"));
    let county = fields.string("county", Some("于都县"));
    let unit = fields.string("unit", None).map(|(s, _)| s);
    let topics_raw = fields.string_list("topics");
    let slug = fields.string("slug", None);
    let summary = fields.string("summary", None).map(|(s, _)| s);
    let order = fields.integer("order", None).map(|(n, _)| n);
    let date = fields.date("date", false);
    let issue = issue_ref(&mut fields);
    let county_name = county.and_then(|(name, v)| {
        check_term(&mut fields, config.counties.as_ref(), "county", &name, &v)
    });
    let topics = topics_of(&mut fields, config, topics_raw, &file);
    let slug = slug.and_then(|(s, v)| {
        if crate::slug::is_valid_slug(&s) {
            Some(s)
        } else {
            let example = crate::slug::slugify(&s);
            fields.error_at(
                &v,
                [
                    format!("`{s}` is not a valid slug"),
                    format!("`{s}` 不能用作网址名（slug）"),
                ],
                "not a slug",
                [
                    format!(
                        "a slug is one URL segment of a-z, 0-9, `-` and `_`, e.g. `slug: {example}`"
                    ),
                    format!(
                        "网址名只能用小写字母 a-z、数字 0-9、`-` 和 `_`，例如 `slug: {example}`"
                    ),
                ],
            );
            None
        }
    });
    let (extra, mut diags) = fields.into_extra(ARTICLE_KEYS);
    if diags.iter().any(Diagnostic::is_error) {
        return (LoadedItem::Skipped, diags);
    }
    let (Some((title, _)), Some(county)) = (title, county_name) else {
        return (LoadedItem::Skipped, diags);
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(body) = body(config, assets, &file, bodies, &mut diags) else {
        return (LoadedItem::Skipped, diags);
    };
    let article = LoadedArticle {
        path: file.rel,
        dir: file.dir,
        stem,
        title,
        county,
        unit,
        topics,
        slug,
        summary,
        draft,
        order,
        date,
        issue,
        extra,
        body,
        marks,
        findings: Vec::new(),
    };
    (LoadedItem::Article(Box::new(article)), diags)
}

/// `issue:`, an issue's folder name or number, as written.
fn issue_ref(fields: &mut Fields<'_>) -> Option<IssueRef> {
    let v = fields.take("issue")?;
    let key = match &v.value {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => {
            fields.error_at(
                &v,
                [
                    "`issue` must be an issue's folder name or number".into(),
                    "`issue` 应当是某一期的文件夹名或期号".into(),
                ],
                "not an issue",
                [
                    "write e.g. `issue: 2021-125` or `issue: 125`".into(),
                    "例如写 `issue: 2021-125` 或 `issue: 125`".into(),
                ],
            );
            return None;
        }
    };
    Some(IssueRef {
        key,
        location: fields.location_of(&v),
    })
}

/// `topics:`, required and not empty, each checked against the vocabulary, repeats dropped.
fn topics_of(
    fields: &mut Fields<'_>,
    config: &Config,
    raw: Option<(Vec<String>, frontmatter::SpannedJson)>,
    file: &Source<'_>,
) -> Vec<String> {
    let mut topics = Vec::new();
    match raw {
        None => {
            let d = Diagnostic::error("missing required field `topics`")
                .with_path(file.rel.clone())
                .with_location(Location::from_line_col(file.text, 1, 1, 3))
                .with_help("add at least one topic, e.g. `topics: [就业创业]`")
                .zh("缺少必填项 `topics`（专题）")
                .zh_help("至少写一个专题，例如 `topics: [就业创业]`");
            fields.diags.push(d);
        }
        Some((list, _)) if list.is_empty() => {
            let d = Diagnostic::error("`topics` is empty: an article needs at least one topic")
                .with_path(file.rel.clone())
                .with_help("add one, e.g. `topics: [就业创业]`")
                .zh("`topics`（专题）是空的：每篇文章至少要有一个专题")
                .zh_help("加上一个，例如 `topics: [就业创业]`");
            fields.diags.push(d);
        }
        Some((list, v)) => {
            for name in list {
                if let Some(t) = check_term(fields, config.topics.as_ref(), "topic", &name, &v)
                    && !topics.contains(&t)
                {
                    topics.push(t);
                }
            }
        }
    }
    topics
}

/// Check a county or topic name against its vocabulary (if any), returning the canonical name.
fn check_term(
    fields: &mut Fields<'_>,
    vocab: Option<&Vocabulary>,
    what: &str,
    name: &str,
    v: &frontmatter::SpannedJson,
) -> Option<String> {
    let Some(vocab) = vocab else {
        return Some(name.to_string());
    };
    if let Some(term) = vocab.resolve(name) {
        return Some(term.name.clone());
    }
    let (key, what_zh) = if what == "county" {
        ("counties", "县区")
    } else {
        ("topics", "专题")
    };
    let (help, help_zh) = match closest(name, vocab.spellings()) {
        Some(c) => {
            let canonical = &vocab.resolve(c).map_or(c, |t| t.name.as_str());
            (
                format!(
                    "did you mean `{canonical}`? If `{name}` is new, add it to `{key}:` in site.yaml"
                ),
                format!(
                    "是不是 `{canonical}`？如果 `{name}` 是新的{what_zh}，请把它加进 `site.yaml` 的 `{key}:`"
                ),
            )
        }
        None => {
            let known = vocab
                .terms
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("、");
            (
                format!("known {key}: {known}; or add `{name}` to `{key}:` in site.yaml"),
                format!(
                    "词表里的{what_zh}有：{known}；或者把 `{name}` 加进 `site.yaml` 的 `{key}:`"
                ),
            )
        }
    };
    let mut d = Diagnostic::error(format!("unknown {what} `{name}`"))
        .with_path(fields.path())
        .with_label(format!("not in site.yaml's {key}"))
        .with_help(help)
        .zh(format!("{what_zh} `{name}` 不在词表中"))
        .zh_help(help_zh);
    if let Some(loc) = fields.location_of_text(v, name) {
        d = d.with_location(loc);
    }
    fields.diags.push(d);
    None
}

/// The start of a file up to the end of its front matter's closing `---` line, or the whole file
/// when it has no front matter or no closing line: all that counting needs, without reading
/// (and checking as UTF-8) bodies that are a hundred times longer.
fn read_front_matter(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut line_start = 0;
    let mut first = true;
    loop {
        let at = buf.len();
        buf.resize(at + 4096, 0);
        let n = file.read(&mut buf[at..])?;
        buf.truncate(at + n);
        if n == 0 {
            return Ok(buf);
        }
        while let Some(i) = buf[line_start..].iter().position(|&b| b == b'\n') {
            let end = line_start + i + 1;
            let line = buf[line_start..end].trim_ascii_end();
            if first {
                first = false;
                let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
                if line != b"---" {
                    file.read_to_end(&mut buf)?;
                    return Ok(buf);
                }
            } else if line == b"---" || line == b"..." {
                buf.truncate(end);
                return Ok(buf);
            }
            line_start = end;
        }
    }
}
