//! A file's body: rendered to HTML once, its problems placed in the file, refused when nested too
//! deep, and minified once here rather than on every page that shows it.

use std::path::Path;

use super::Source;
use crate::assets::Assets;
use crate::config::{CONTENT_DIR, Config};
use crate::diagnostics::{Diagnostic, Location};
use crate::frontmatter;
use crate::markdown::{self, Rendered};

/// The body of `file` as pages show it, its problems added to `diags`: rendered (left empty when
/// `bodies` is off), checked, and minified when the site minifies. `None` when it has an error,
/// which `diags` then holds.
pub(super) fn body(
    config: &Config,
    assets: &Assets,
    file: &Source<'_>,
    bodies: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Rendered> {
    let mut body = Rendered::default();
    if bodies {
        body = render_body(config, assets, &file.dir, &file.split);
        diags.extend(body_problems(&body, &file.split, file.text, &file.rel));
    }
    if let Some(d) = too_deep(&body, &file.rel) {
        diags.push(d);
        return None;
    }
    if diags.iter().any(Diagnostic::is_error) {
        return None;
    }
    minify_body(&mut body, config);
    Some(body)
}

/// Render the body of a file in folder `dir` (relative to content/), its relative links resolved
/// against the site's photos and attachments.
fn render_body(
    config: &Config,
    assets: &Assets,
    dir: &Path,
    split: &frontmatter::Split<'_>,
) -> Rendered {
    let dir = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let content = config.root.join(CONTENT_DIR);
    let context = markdown::Context {
        assets,
        dir: &dir,
        base_path: config.base_path(),
        content: &content,
    };
    markdown::render_in(split.body, config.trust_html, Some(&context))
}

/// The problems of a rendered body as diagnostics, each placed at the first place in the body
/// where the address it is about is written.
fn body_problems(
    body: &Rendered,
    split: &frontmatter::Split<'_>,
    text: &str,
    rel: &Path,
) -> Vec<Diagnostic> {
    let body_start = (split.body.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    body.problems
        .iter()
        .map(|p| {
            let mut d = if p.error {
                Diagnostic::error(p.message.clone())
            } else {
                Diagnostic::warning(p.message.clone())
            }
            .with_path(rel)
            .with_label(p.label.clone())
            .with_help(p.help.clone())
            .zh(p.message_zh.clone())
            .zh_help(p.help_zh.clone());
            if let Some(at) = split.body.find(p.needle.as_str())
                && body_start + at <= text.len()
            {
                let start = body_start + at;
                d = d.with_location(Location::from_byte_range(
                    text,
                    start..start + p.needle.len(),
                ));
            }
            d
        })
        .collect()
}

/// Bodies are minified once, here, rather than on every page that shows them (`crate::minify`).
/// One whose trusted raw HTML does not nest strictly is left as written: minify-html would
/// balance it, and a stray end tag or an open element means something else once pasted.
fn minify_body(body: &mut Rendered, config: &Config) {
    if config.minify && body.balanced {
        body.html = crate::minify::fragment(&body.html).into();
    }
}

/// A body nested deeper than [`markdown::MAX_DEPTH`] is refused with a message, not a crash.
fn too_deep(body: &Rendered, rel: &Path) -> Option<Diagnostic> {
    (body.depth > markdown::MAX_DEPTH).then(|| {
        Diagnostic::error(format!(
            "the body nests {} levels deep (lists, quotes or HTML elements inside each other); at most {} are supported",
            body.depth,
            markdown::MAX_DEPTH
        ))
        .with_path(rel)
        .with_help("this is usually a broken paste: flatten the lists or quotes")
        .zh(format!(
            "正文嵌套了 {} 层（列表、引用或 HTML 元素一层套一层）；最多只支持 {} 层",
            body.depth,
            markdown::MAX_DEPTH
        ))
        .zh_help("这通常是粘贴出了错：把列表或引用改平")
    })
}
