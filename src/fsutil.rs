//! Which files bulletin reads when it walks a source folder (`content/`, a theme's `templates/`
//! and `static/`, the files handed to `bulletin import`), and the one walk that applies it.
//!
//! A leaf: the loader, the theme, the dev server's change detection, the importer and the
//! statistics memo all ask the same question ("is this an editor's backup?"), so the answer
//! lives below all of them rather than in any one of them.

use std::path::Path;

use walkdir::WalkDir;

/// Every entry under `dir` in file-name order, without following links and without hidden files,
/// editor backups and the like. The one way bulletin walks a source folder.
pub fn walk_sources(dir: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
}

/// Names the loader never reads: hidden files, editor swap and backup files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#")
}
