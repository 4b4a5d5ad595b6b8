//! Photos and attachments: the files that sit next to the articles in an issue folder.
//!
//! Every file under `content/ISSUE/` that is not Markdown (also in sub-folders such as
//! `content/2021-125/images/`) is published with the issue, at `issues/SLUG/` plus its path inside
//! the folder: `content/2021-125/附件1-实施方案.pdf` → `/issues/2021-125/附件1-实施方案.pdf`, its
//! name percent-encoded in links. An article refers to one by a path relative to its own file
//! (`![现场照片](xianchang.jpg)`); [`crate::markdown`] rewrites that path to the published URL, so
//! the link works on every page that shows the article.
//!
//! Photos (JPEG, PNG, WebP) are never published as they came from the phone. They are decoded,
//! turned upright by their EXIF orientation and re-encoded from the pixels alone, so no metadata
//! block (GPS position, camera serial, date, maker notes) survives; and they are resized to the
//! widths of `images.widths` in site.yaml, never wider than the photo nor than the widest of them
//! ([`image`]). This stage, at load time, only reads each photo's header (size and orientation),
//! which is all a page needs to know; the pixel work happens while the pages render, one photo per
//! task, through a cache under `.bulletin/cache/` ([`image::Cache`]).

pub mod image;

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rayon::prelude::*;

use crate::config::{Config, ImageFormat};
use crate::diagnostics::{Diagnostic, display_path};

/// One published file of an issue folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The path under `content/`, `/`-separated: `2021-125/images/xianchang.jpg`.
    pub rel: String,
    /// The file on disk.
    pub source: PathBuf,
    /// The slug of the issue whose folder holds it.
    pub issue_slug: String,
    /// The path inside the issue folder, `/`-separated: `images/xianchang.jpg`.
    pub in_issue: String,
    /// Size of the source file in bytes.
    pub size: u64,
    pub kind: Kind,
}

/// What a published file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Copied as it is: a PDF, a spreadsheet, a Word file.
    File,
    /// A photo, re-encoded at each served width.
    Image(ImageInfo),
}

/// A photo as pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    /// Upright size of the source, in pixels.
    pub width: u32,
    pub height: u32,
    /// How the source turns upright (its EXIF orientation, 1 when none).
    pub orientation: u8,
    /// What the published copies are encoded as.
    pub format: Format,
    /// The served widths, ascending; the last is the largest, published under the photo's own
    /// name (a link to the photo opens it), the others with `-{width}w` before the extension.
    pub widths: Vec<u32>,
}

/// The encoding of published photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

impl ImageInfo {
    /// The height of the copy `width` pixels wide (the photo's aspect ratio, rounded).
    pub fn height_at(&self, width: u32) -> u32 {
        let h = (u64::from(self.height) * u64::from(width) + u64::from(self.width) / 2)
            / u64::from(self.width.max(1));
        (h as u32).max(1)
    }

    /// The widest served copy.
    pub fn largest(&self) -> u32 {
        self.widths.last().copied().unwrap_or(self.width)
    }
}

/// Characters kept as they are in a URL path segment; everything else is percent-encoded
/// (Chinese file names, spaces, `#`, `?`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Asset {
    /// The published files: (path in the output, served width for a photo's copy). A photo's
    /// largest copy comes first.
    pub fn outputs(&self) -> Vec<(String, Option<u32>)> {
        match &self.kind {
            Kind::File => vec![(self.output_path(None), None)],
            Kind::Image(info) => info
                .widths
                .iter()
                .rev()
                .map(|&w| (self.output_path(Some((info, w))), Some(w)))
                .collect(),
        }
    }

    /// The output path of the file (a file) or of one copy of a photo.
    fn output_path(&self, copy: Option<(&ImageInfo, u32)>) -> String {
        format!("issues/{}/{}", self.issue_slug, self.name_in_issue(copy))
    }

    /// The path inside the issue folder of the file or of one copy (`images/a-480w.jpg`).
    fn name_in_issue(&self, copy: Option<(&ImageInfo, u32)>) -> String {
        let Some((info, width)) = copy else {
            return self.in_issue.clone();
        };
        let (dir, file) = match self.in_issue.rsplit_once('/') {
            Some((d, f)) => (format!("{d}/"), f),
            None => (String::new(), self.in_issue.as_str()),
        };
        let (stem, ext) = match file.rsplit_once('.') {
            Some((s, e)) => (s, e),
            None => (file, ""),
        };
        let want = info.format.extension();
        // A JPEG keeps its own spelling of the extension (.jpeg, .JPG), so links to it still work.
        let same = match info.format {
            Format::Jpeg => ext.eq_ignore_ascii_case("jpg") || ext.eq_ignore_ascii_case("jpeg"),
            Format::Png => ext.eq_ignore_ascii_case("png"),
        };
        let ext = if same { ext } else { want };
        if width == info.largest() {
            format!("{dir}{stem}.{ext}")
        } else {
            format!("{dir}{stem}-{width}w.{ext}")
        }
    }

    /// The URL of the file or of a photo's copy `width` wide (the largest when `None`), from the
    /// site root with `base_path` (`/jianbao/`) in front, every segment percent-encoded.
    pub fn url(&self, base_path: &str, width: Option<u32>) -> String {
        let copy = match (&self.kind, width) {
            (Kind::Image(info), w) => Some((info, w.unwrap_or_else(|| info.largest()))),
            (Kind::File, _) => None,
        };
        let path = self.output_path(copy);
        let mut url = String::with_capacity(base_path.len() + path.len() * 3);
        url.push_str(base_path);
        for (i, segment) in path.split('/').enumerate() {
            if i > 0 {
                url.push('/');
            }
            url.extend(utf8_percent_encode(segment, SEGMENT));
        }
        url
    }

    /// What kind of file it is, for people: `PDF`, `Word`, `Excel`, `JPEG`.
    pub fn type_label(&self) -> String {
        let ext = self
            .in_issue
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "pdf" => "PDF".into(),
            "doc" | "docx" | "wps" => "Word".into(),
            "xls" | "xlsx" | "et" | "csv" => "Excel".into(),
            "ppt" | "pptx" | "dps" => "PPT".into(),
            "zip" | "rar" | "7z" => "压缩包".into(),
            "jpg" | "jpeg" => "JPEG".into(),
            "" => "文件".into(),
            other => other.to_ascii_uppercase(),
        }
    }
}

/// A size for people: `836 B`, `12 KB`, `1.2 MB`.
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// Every published file of the site, by its path under `content/`.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Sorted by `rel`.
    pub list: Vec<Asset>,
    by_rel: HashMap<String, usize>,
}

impl PartialEq for Assets {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

/// Files in content/ that are never published nor warned about: what Windows and Office leave
/// behind in folders.
fn is_litter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "thumbs.db" || lower == "desktop.ini" || name.starts_with("~$")
}

/// A path under content/ as a `/`-separated string, or `None` if it is not valid Unicode.
fn rel_string(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// The extensions read as photos.
fn is_photo_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

fn is_heic_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".heic") || lower.ends_with(".heif")
}

impl Assets {
    /// The files among `files` (non-Markdown files under `content/`) that issue folders publish.
    /// `issue_dirs` are the folders, relative to content/, that hold an `_index.md`. Photos have
    /// their headers read (in parallel); a photo that is not one, is too large, or is HEIC is an
    /// error; a file outside any issue folder is a warning (it is not published).
    pub fn scan(
        config: &Config,
        files: &[PathBuf],
        issue_dirs: &BTreeSet<PathBuf>,
    ) -> (Assets, Vec<Diagnostic>) {
        let content = config.root.join(crate::config::CONTENT_DIR);
        let results: Vec<Result<Option<Asset>, Diagnostic>> = files
            .par_iter()
            .map(|path| {
                let shown = display_path(&config.root, path);
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if is_litter(&name) {
                    return Ok(None);
                }
                let Some(rel) = path.strip_prefix(&content).ok().and_then(rel_string) else {
                    return Err(Diagnostic::error("file name is not valid Unicode")
                        .with_path(shown)
                        .with_help("rename the file (names in UTF-8, as Windows and macOS write them)")
                        .zh("文件名不是有效的 Unicode 文字")
                        .zh_help("请给文件改个名（用 Windows 或 macOS 正常输入的文件名即可）"));
                };
                let rel_path = PathBuf::from(&rel);
                let Some(issue_dir) = rel_path
                    .ancestors()
                    .skip(1)
                    .find(|a| issue_dirs.contains(*a))
                else {
                    return Err(Diagnostic::warning("file not published: it is not in an issue folder")
                        .with_path(shown)
                        .with_help("move it into the folder of the issue whose articles use it (the folder with the _index.md)")
                        .zh("这个文件不会发布：它不在任何一期的文件夹里")
                        .zh_help("把它移到用到它的那一期的文件夹里（有 `_index.md` 的那个文件夹）"));
                };
                let in_issue = rel_path
                    .strip_prefix(issue_dir)
                    .ok()
                    .and_then(rel_string)
                    .unwrap_or_default();
                let folder = issue_dir
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let issue_slug = crate::slug::of_folder(&folder);
                if is_heic_name(&name) {
                    return Err(Diagnostic::error("HEIC photos cannot be published: most browsers cannot show them")
                        .with_path(shown)
                        .with_help("convert it to JPEG first: on an iPhone set 设置 → 相机 → 格式 → 兼容性最佳; on Windows open it in 照片 (Photos) and 另存为 JPEG; on Linux `heif-convert photo.heic photo.jpg`")
                        .zh("HEIC 格式的照片不能发布：多数浏览器显示不了")
                        .zh_help("先转成 JPEG：iPhone 上设置 → 相机 → 格式 → 兼容性最佳；Windows 上用“照片”打开后另存为 JPEG；Linux 上用 `heif-convert photo.heic photo.jpg`"));
                }
                let size = std::fs::metadata(path)
                    .map(|m| m.len())
                    .map_err(|e| {
                        Diagnostic::error(format!("cannot read file: {e}"))
                            .with_path(shown.clone())
                            .zh(format!("无法读取文件：{e}"))
                    })?;
                let kind = if is_photo_name(&name) {
                    Kind::Image(image::read_header(path, &config.images).map_err(|msg| {
                        Diagnostic::error(msg.message)
                            .with_path(shown.clone())
                            .with_help(msg.help)
                            .zh(msg.message_zh)
                            .zh_help(msg.help_zh)
                    })?)
                } else {
                    Kind::File
                };
                Ok(Some(Asset {
                    rel,
                    source: path.clone(),
                    issue_slug,
                    in_issue,
                    size,
                    kind,
                }))
            })
            .collect();
        let mut assets = Assets::default();
        let mut diags = Vec::new();
        for r in results {
            match r {
                Ok(Some(a)) => assets.list.push(a),
                Ok(None) => {}
                Err(d) => diags.push(d),
            }
        }
        assets.list.sort_by(|a, b| a.rel.cmp(&b.rel));
        assets.reindex();
        (assets, diags)
    }

    /// Assets from a list (tests, and tools that know their files).
    pub fn from_list(mut list: Vec<Asset>) -> Assets {
        list.sort_by(|a, b| a.rel.cmp(&b.rel));
        let mut assets = Assets {
            list,
            by_rel: HashMap::new(),
        };
        assets.reindex();
        assets
    }

    fn reindex(&mut self) {
        self.by_rel = self
            .list
            .iter()
            .enumerate()
            .map(|(i, a)| (a.rel.clone(), i))
            .collect();
    }

    /// The asset at `rel` (a path under content/).
    pub fn get(&self, rel: &str) -> Option<&Asset> {
        self.by_rel.get(rel).map(|&i| &self.list[i])
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every published path with the source that claims it, for the URL collision check.
    pub fn claims(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.list.iter().flat_map(|a| {
            a.outputs()
                .into_iter()
                .map(move |(path, _)| (path, format!("content/{}", a.rel)))
        })
    }

    /// The names of the assets in folder `dir` (under content/), for "did you mean".
    pub fn names_in<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.list.iter().filter_map(move |a| {
            let (d, name) = a.rel.rsplit_once('/').unwrap_or(("", a.rel.as_str()));
            (d == dir).then_some(name)
        })
    }
}

/// What a link or image address in a body refers to.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Not a file next to the article: a web address, a page of the site, an anchor.
    Elsewhere,
    /// A path relative to the article's file, resolved to a path under content/.
    File(String),
    /// A relative path that climbs out of content/, or an absolute path on someone's computer.
    Outside,
}

/// Resolve `dest` (as written in the Markdown of a file in folder `dir`, relative to content/)
/// to what it refers to. Percent-escapes are decoded (`%E9%99%84`), a query or `#fragment` is
/// ignored, `./` and `../` are followed but never above content/.
pub fn target_of(dir: &str, dest: &str) -> Target {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with('?') {
        return Target::Elsewhere;
    }
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("file:")
        || dest.starts_with('\\')
        || (dest.len() > 2
            && dest.as_bytes()[1] == b':'
            && dest.as_bytes()[0].is_ascii_alphabetic())
    {
        return Target::Outside;
    }
    if dest.starts_with('/') || dest.starts_with("//") || has_scheme(dest) {
        return Target::Elsewhere;
    }
    let path = dest.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::Outside;
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return Target::Elsewhere;
    }
    Target::File(parts.join("/"))
}

/// Whether `url` starts with a URL scheme (`https:`, `mailto:`), as opposed to a relative path.
pub fn has_scheme(url: &str) -> bool {
    let end = url.find(['/', '?', '#']).unwrap_or(url.len());
    match url[..end].find(':') {
        Some(i) => {
            let scheme = &url[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The published formats of a photo whose content is `source` (with or without transparency).
pub fn format_for(source: ::image::ImageFormat, alpha: bool, setting: ImageFormat) -> Format {
    match (setting, source) {
        (ImageFormat::Jpeg, _) => Format::Jpeg,
        (ImageFormat::Auto, ::image::ImageFormat::Png) => Format::Png,
        (ImageFormat::Auto, _) if alpha => Format::Png,
        (ImageFormat::Auto, _) => Format::Jpeg,
    }
}

#[cfg(test)]
mod tests;
