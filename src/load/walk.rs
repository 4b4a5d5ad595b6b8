//! Finding the source files of `content/` (walked in file-name order by
//! [`crate::fsutil::walk_sources`]), and the photos and attachments among them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::assets::Assets;
use crate::config::{CONTENT_DIR, Config, ISSUE_FILE};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::fsutil::walk_sources;

/// The files under content/: Markdown, and everything else (photos, attachments).
#[derive(Debug, Default)]
pub struct Sources {
    pub markdown: Vec<PathBuf>,
    pub other: Vec<PathBuf>,
}

/// Every `.md` file under `content`, sorted by path so the build is the same on every machine.
pub fn find_markdown(root: &Path, content: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    find_sources(root, content, diags).markdown
}

/// The photos and attachments among `sources`, with their problems added to `diags`.
pub fn scan_assets(config: &Config, sources: &Sources, diags: &mut Diagnostics) -> Assets {
    let content = config.root.join(CONTENT_DIR);
    let issue_dirs: BTreeSet<PathBuf> = sources
        .markdown
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == ISSUE_FILE))
        .filter_map(|p| {
            p.parent()?
                .strip_prefix(&content)
                .ok()
                .map(Path::to_path_buf)
        })
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    let (assets, problems) = Assets::scan(config, &sources.other, &issue_dirs);
    diags.extend(problems);
    assets
}

/// Every file under `content`, Markdown apart, sorted by path so the build is the same on every
/// machine. Hidden files and folders, editor backups and symlinks are skipped (symlinks with a
/// warning: following them could read outside the site or loop forever).
pub fn find_sources(root: &Path, content: &Path, diags: &mut Diagnostics) -> Sources {
    let mut out = Sources::default();
    for entry in walk_sources(content) {
        match entry {
            Ok(e) => {
                if e.path_is_symlink() {
                    diags.push(
                        Diagnostic::warning("symbolic link not followed")
                            .with_path(display_path(root, e.path()))
                            .with_help(
                                "copy the file or folder into content/ instead of linking it",
                            )
                            .zh("没有跟随符号链接（快捷方式）")
                            .zh_help("请把文件或文件夹本身复制进 `content/`，不要用链接"),
                    );
                    continue;
                }
                if e.file_type().is_file() {
                    if e.path().extension().is_some_and(|x| x == "md") {
                        out.markdown.push(e.into_path());
                    } else {
                        out.other.push(e.into_path());
                    }
                }
            }
            Err(err) => {
                let path = err.path().map(|p| display_path(root, p));
                let mut d = Diagnostic::error(format!("cannot read folder: {err}"))
                    .zh(format!("无法读取文件夹：{err}"));
                if let Some(p) = path {
                    d = d.with_path(p);
                }
                diags.push(d);
            }
        }
    }
    out
}
