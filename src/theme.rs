//! Themes: where templates and static files come from.
//!
//! A theme is `themes/NAME/templates/*.html` (Tera) and `themes/NAME/static/`. The site's own
//! `templates/` overrides the theme's file by file, and the site's `static/` is copied over the
//! theme's. The default theme is compiled into the binary as well, so a site with no `themes/`
//! folder (what `bulletin init` makes) builds at once; a `themes/default/` on disk wins over the
//! built-in copy, which is how the theme is edited in this repository.
//!
//! Theme stylesheets and scripts are fingerprinted (`style.3f9a1c0e.css`) so a static host can
//! cache them forever; templates refer to them through `asset(path="style.css")`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::fsutil::walk_sources;

/// The built-in default theme, file by file (path inside the theme, contents).
/// `tests::embedded_theme_matches_the_folder` keeps this list in step with `themes/default/`.
pub const DEFAULT_THEME: &[(&str, &[u8])] = &[
    (
        "templates/base.html",
        include_bytes!("../themes/default/templates/base.html"),
    ),
    (
        "templates/home.html",
        include_bytes!("../themes/default/templates/home.html"),
    ),
    (
        "templates/issues.html",
        include_bytes!("../themes/default/templates/issues.html"),
    ),
    (
        "templates/issue.html",
        include_bytes!("../themes/default/templates/issue.html"),
    ),
    (
        "templates/article.html",
        include_bytes!("../themes/default/templates/article.html"),
    ),
    (
        "templates/counties.html",
        include_bytes!("../themes/default/templates/counties.html"),
    ),
    (
        "templates/county.html",
        include_bytes!("../themes/default/templates/county.html"),
    ),
    (
        "templates/topics.html",
        include_bytes!("../themes/default/templates/topics.html"),
    ),
    (
        "templates/topic.html",
        include_bytes!("../themes/default/templates/topic.html"),
    ),
    (
        "templates/404.html",
        include_bytes!("../themes/default/templates/404.html"),
    ),
    (
        "templates/partials/article_list.html",
        include_bytes!("../themes/default/templates/partials/article_list.html"),
    ),
    (
        "templates/partials/attachments.html",
        include_bytes!("../themes/default/templates/partials/attachments.html"),
    ),
    (
        "templates/partials/pagination.html",
        include_bytes!("../themes/default/templates/partials/pagination.html"),
    ),
    (
        "templates/partials/stats_table.html",
        include_bytes!("../themes/default/templates/partials/stats_table.html"),
    ),
    (
        "templates/partials/term_stats.html",
        include_bytes!("../themes/default/templates/partials/term_stats.html"),
    ),
    (
        "templates/search.html",
        include_bytes!("../themes/default/templates/search.html"),
    ),
    (
        "templates/stats.html",
        include_bytes!("../themes/default/templates/stats.html"),
    ),
    (
        "templates/partials/stats_ranking.html",
        include_bytes!("../themes/default/templates/partials/stats_ranking.html"),
    ),
    (
        "templates/stats_year.html",
        include_bytes!("../themes/default/templates/stats_year.html"),
    ),
    (
        "static/search.js",
        include_bytes!("../themes/default/static/search.js"),
    ),
    (
        "static/style.css",
        include_bytes!("../themes/default/static/style.css"),
    ),
    (
        "static/favicon.svg",
        include_bytes!("../themes/default/static/favicon.svg"),
    ),
    (
        "templates/sitemap.html",
        include_bytes!("../themes/default/templates/sitemap.html"),
    ),
    (
        "templates/partials/labels.html",
        include_bytes!("../themes/default/templates/partials/labels.html"),
    ),
    (
        "templates/partials/a11y_bar.html",
        include_bytes!("../themes/default/templates/partials/a11y_bar.html"),
    ),
    (
        "templates/partials/article_tools.html",
        include_bytes!("../themes/default/templates/partials/article_tools.html"),
    ),
    (
        "templates/partials/footer.html",
        include_bytes!("../themes/default/templates/partials/footer.html"),
    ),
    (
        "static/a11y.js",
        include_bytes!("../themes/default/static/a11y.js"),
    ),
    (
        "static/a11y.css",
        include_bytes!("../themes/default/static/a11y.css"),
    ),
];

/// A template: its name for Tera (`article.html`), its text, and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub text: String,
    /// Shown in errors: `themes/default/templates/article.html` or `(built-in default theme)/…`.
    pub origin: String,
}

/// Where a static file's bytes are.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

/// A file copied to the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path in the output (fingerprinted for theme CSS and JS).
    pub output: String,
    pub source: StaticSource,
}

/// Templates and static files of a site, with the theme and the site's own merged.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: Vec<TemplateSource>,
    pub static_files: Vec<StaticFile>,
    /// Logical asset path → output path (`style.css` → `style.3f9a1c0e.css`).
    pub assets: BTreeMap<String, String>,
}

/// Read the theme named in the config, then the site's `templates/` and `static/`.
pub fn load(config: &Config) -> Result<Theme, Diagnostics> {
    load_with(config, true)
}

/// Templates of the default theme that came after the first themes were written (statistics,
/// attachments): a theme on disk without them uses the built-in ones.
const ADDED_LATER: &[&str] = &[
    "stats.html",
    "stats_year.html",
    "partials/stats_table.html",
    "partials/stats_ranking.html",
    "partials/term_stats.html",
    "partials/attachments.html",
    "sitemap.html",
    "partials/labels.html",
    "partials/a11y_bar.html",
    "partials/article_tools.html",
    "partials/footer.html",
];

/// A template of the built-in default theme.
fn builtin_template(name: &str, bytes: &[u8]) -> TemplateSource {
    TemplateSource {
        name: name.to_string(),
        text: String::from_utf8_lossy(bytes).into_owned(),
        origin: format!("(built-in default theme)/templates/{name}"),
    }
}

/// [`load`], choosing whether theme CSS and JS get fingerprinted names. The dev server turns it
/// off, so that a stylesheet edit changes one file and no page.
pub fn load_with(config: &Config, fingerprint: bool) -> Result<Theme, Diagnostics> {
    let root = &config.root;
    let mut diags = Diagnostics::new();
    let theme_dir = root.join("themes").join(&config.theme);
    let mut templates: BTreeMap<String, TemplateSource> = BTreeMap::new();
    // Logical path → (source, fingerprint?)
    let mut statics: BTreeMap<String, (StaticSource, bool)> = BTreeMap::new();

    if theme_dir.is_dir() {
        read_templates(
            root,
            &theme_dir.join("templates"),
            &mut templates,
            &mut diags,
        );
        for (rel, path) in walk_files(&theme_dir.join("static"), &mut diags, root) {
            let fp = is_fingerprinted(&rel);
            statics.insert(rel, (StaticSource::Disk(path), fp));
        }
    } else if config.theme == "default" {
        for (path, bytes) in DEFAULT_THEME {
            if let Some(name) = path.strip_prefix("templates/") {
                templates.insert(name.to_string(), builtin_template(name, bytes));
            } else if let Some(rel) = path.strip_prefix("static/") {
                statics.insert(
                    rel.to_string(),
                    (StaticSource::Embedded(bytes), is_fingerprinted(rel)),
                );
            }
        }
    } else {
        let looked = display_path(root, &theme_dir);
        diags.push(
            Diagnostic::error(format!("theme `{}` not found", config.theme))
                .with_path(crate::config::CONFIG_FILE)
                .with_help(format!(
                    "looked for {}; create it or set `theme: default`",
                    looked.display()
                ))
                .zh(format!("找不到网站主题 `{}`", config.theme))
                .zh_help(format!(
                    "找的是 {}；请建好它，或者写 `theme: default`",
                    looked.display()
                )),
        );
        return Err(diags);
    }

    // A theme on disk made before a page kind existed gets the built-in template for it (its
    // pages extend the theme's own base.html), rather than a build that fails after an upgrade.
    if theme_dir.is_dir() {
        for (path, bytes) in DEFAULT_THEME {
            let Some(name) = path.strip_prefix("templates/") else {
                continue;
            };
            if ADDED_LATER.contains(&name) && !templates.contains_key(name) {
                templates.insert(name.to_string(), builtin_template(name, bytes));
            }
        }
    }

    // The site's own templates and static files win.
    read_templates(root, &root.join("templates"), &mut templates, &mut diags);
    for (rel, path) in walk_files(&root.join("static"), &mut diags, root) {
        // A site file replacing a theme asset keeps the fingerprint; the site's own files keep
        // their names, since content may link to them.
        let fp = statics.get(&rel).is_some_and(|(_, fp)| *fp);
        statics.insert(rel, (StaticSource::Disk(path), fp));
    }

    let mut theme = Theme {
        templates: templates.into_values().collect(),
        ..Theme::default()
    };
    let fingerprint_assets = fingerprint;
    for (rel, (source, fingerprint)) in statics {
        let output = if fingerprint && fingerprint_assets {
            match read_static(&source) {
                Ok(bytes) => fingerprinted_name(&rel, &bytes),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(format!("cannot read static file: {e}"))
                            .with_path(rel.clone())
                            .zh(format!("无法读取静态文件：{e}")),
                    );
                    continue;
                }
            }
        } else {
            rel.clone()
        };
        theme.assets.insert(rel, output.clone());
        theme.static_files.push(StaticFile { output, source });
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(theme)
    }
}

impl Theme {
    /// Where the static files go in the output.
    pub fn static_outputs(&self) -> Vec<String> {
        self.static_files.iter().map(|f| f.output.clone()).collect()
    }
}

/// The bytes of a static file.
pub fn read_static(source: &StaticSource) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
    match source {
        StaticSource::Disk(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
        StaticSource::Embedded(b) => Ok(std::borrow::Cow::Borrowed(b)),
    }
}

/// Theme CSS and JS get a content hash in their name.
fn is_fingerprinted(rel: &str) -> bool {
    rel.ends_with(".css") || rel.ends_with(".js")
}

/// `css/style.css` + bytes → `css/style.3f9a1c0e.css`.
pub fn fingerprinted_name(rel: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let short = &hash.as_str()[..8];
    match rel.rfind('.') {
        Some(dot) if !rel[dot..].contains('/') => format!("{}.{short}{}", &rel[..dot], &rel[dot..]),
        _ => format!("{rel}.{short}"),
    }
}

fn read_templates(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, TemplateSource>,
    diags: &mut Diagnostics,
) {
    for (name, path) in walk_files(dir, diags, root) {
        if !(name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".txt")) {
            continue;
        }
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => {
                out.insert(
                    name.clone(),
                    TemplateSource {
                        name,
                        text,
                        origin: display_path(root, &path).display().to_string(),
                    },
                );
            }
            Ok(Err(_)) => diags.push(
                Diagnostic::error("template is not UTF-8")
                    .with_path(display_path(root, &path))
                    .with_help("save it as UTF-8")
                    .zh("模板文件不是 UTF-8 编码")
                    .zh_help("请用 UTF-8 编码保存它"),
            ),
            Err(e) => diags.push(
                Diagnostic::error(format!("cannot read template: {e}"))
                    .with_path(display_path(root, &path))
                    .zh(format!("无法读取模板：{e}")),
            ),
        }
    }
}

/// Files under `dir` as (path relative to `dir` with `/` separators, full path), sorted.
fn walk_files(dir: &Path, diags: &mut Diagnostics, root: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in walk_sources(dir) {
        match entry {
            Ok(e) if e.path_is_symlink() => diags.push(
                Diagnostic::warning("symbolic link not followed")
                    .with_path(display_path(root, e.path()))
                    .with_help("copy the file instead of linking it")
                    .zh("没有跟随符号链接（快捷方式）")
                    .zh_help("请复制文件本身，不要用链接"),
            ),
            Ok(e) if e.file_type().is_file() => {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap_or(e.path())
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, e.into_path()));
            }
            Ok(_) => {}
            Err(err) => diags.push(
                Diagnostic::error(format!("cannot read folder: {err}"))
                    .zh(format!("无法读取文件夹：{err}")),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_theme_matches_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut diags = Diagnostics::new();
        let on_disk: Vec<String> = walk_files(&dir, &mut diags, &dir)
            .into_iter()
            .map(|(rel, _)| rel)
            .collect();
        let mut embedded: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        let mut on_disk = on_disk;
        on_disk.sort();
        assert_eq!(embedded, on_disk, "update DEFAULT_THEME in src/theme.rs");
    }

    #[test]
    fn fingerprints_go_before_the_extension() {
        let name = fingerprinted_name("css/style.css", b"body{}");
        assert!(name.starts_with("css/style."), "{name}");
        assert!(name.ends_with(".css"));
        assert_eq!(name.len(), "css/style.".len() + 8 + ".css".len());
        assert_ne!(name, fingerprinted_name("css/style.css", b"body{ }"));
    }
}
