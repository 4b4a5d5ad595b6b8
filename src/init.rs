//! `bulletin init DIR`: a new site that builds at once.
//!
//! It writes a commented site.yaml, one sample issue with one article and a .gitignore. The theme is
//! the built-in default one, so there is nothing else to copy; a site customises it by putting
//! templates of the same name in its own `templates/`.

use std::io;
use std::path::{Path, PathBuf};

const SITE_YAML: &str = r#"# The archive's settings. Every key is optional; see the README for all of them.
title: 工作简报
# Where the archive will be published. A path (https://example.gov.cn/jianbao/) is honoured by every link.
base_url: /
language: zh-CN
# Articles per page on county and topic pages.
paginate: 20
series: 工作简报
editor: 办公室

# Known counties and topics: a misspelt name in an article becomes an error naming the closest one.
counties:
  - name: 示例县
    slug: shili-xian
topics:
  - name: 综合
    slug: zonghe
"#;

const ISSUE: &str = "---\nnumber: 1\ndate: 2021-01-04\neditor: 办公室\nphone: \"0000000\"\n---\n";

const ARTICLE: &str = r#"---
title: 示例县积极推进各项工作
county: 示例县
unit: 示例县
topics:
  - 综合
---
这是一篇示例文章。把 `content/` 下的文件换成你的简报：每期一个文件夹，`_index.md` 写期号和日期，其余每个 `.md` 文件是一篇文章。

**一、第一部分**。正文段落。

**二、第二部分**。正文段落。
"#;

/// The output and the photo cache (`.bulletin/cache/`, safe to delete) are never committed.
const GITIGNORE: &str = "/output\n/.bulletin/\n";

/// Create a site in `dir`, which must not exist or be empty. Returns the files written.
pub fn init(dir: &Path) -> io::Result<Vec<PathBuf>> {
    if dir.exists() {
        let empty = dir.is_dir() && std::fs::read_dir(dir)?.next().is_none();
        if !empty {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} already exists and is not empty; pick a new folder",
                    dir.display()
                ),
            ));
        }
    }
    let files: [(&str, &str); 4] = [
        ("site.yaml", SITE_YAML),
        ("content/2021-001/_index.md", ISSUE),
        ("content/2021-001/01-shili.md", ARTICLE),
        (".gitignore", GITIGNORE),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
