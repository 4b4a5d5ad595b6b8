//! What is left out of the site because it is not 主动公开, decided once every file is loaded.
//!
//! Only 主动公开 information goes online (《政府信息公开条例》); an issue or article that is
//! 依申请公开 or 不予公开 stays in content/ (the archive keeps it) but no page, list, feed,
//! sitemap entry, search entry or count of the site may show it or link to it. The simplest way
//! to be sure of that is to take it out before the model is made: what the model never sees, no
//! page can show. Each file's own marks are read and checked by the loader (`review::marks`);
//! here an article inherits its issue's `public` when it says nothing itself, and site.yaml's
//! `review.public` when neither does; an issue left out takes its articles with it. The photos and
//! attachments of what is left out go too: an issue's whole folder, an article's files unless a
//! published article or the issue's introduction uses them as well.
//!
//! Called from `build::assemble`, the one way a site is put together for `build`, `check` and
//! the dev server. Each thing left out is said once, as a warning naming the file and the line of
//! its `public:`, so a build never hides what it did not publish. The loader's findings of personal
//! data and wrong expressions are reported here, for what is published only: a 不予公开 file may
//! well hold the names and numbers that are the reason it is withheld.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::assets::{Asset, Assets, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{Loaded, LoadedArticle};
use crate::review::{Public, Review};
use crate::slug;

/// Why something is left out: its 公开属性 and where that was said.
#[derive(Debug, Clone)]
struct Why {
    public: Public,
    /// The file and line of the `public:` that decided it; `None`: site.yaml's default.
    from: Option<(PathBuf, usize)>,
}

impl Why {
    fn said(&self) -> String {
        match &self.from {
            Some((path, line)) => format!(
                "`public: {}` at {}:{line}",
                self.public.name(),
                path.display()
            ),
            None => format!("`review.public: {}` in site.yaml", self.public.name()),
        }
    }

    /// [`Why::said`] in Chinese.
    fn said_zh(&self) -> String {
        match &self.from {
            Some((path, line)) => format!(
                "{} 第 {line} 行写的 `public: {}`",
                path.display(),
                self.public.name()
            ),
            None => format!("`site.yaml` 里的 `review.public: {}`", self.public.name()),
        }
    }
}

/// The help of a warning that something is left out, in Chinese.
const PUBLISH_ONCE_ZH: &str = "只有主动公开的才会发布；确定可以上网后，把 `public:` 改为主动公开";

/// Take out of `loaded` every issue and article that is not 主动公开, and the files only they
/// use. Returns what was left out, as warnings, and the findings (personal data, wrong
/// expressions: warnings, or errors under `--strict`) of what is published.
pub fn apply(review: &Review, base_path: &str, loaded: &mut Loaded) -> Diagnostics {
    let mut notes = Diagnostics::new();
    let default = Why {
        public: review.default_public,
        from: None,
    };
    // Each issue's 公开属性.
    let issue_why: Vec<Why> = loaded
        .issues
        .iter()
        .map(|i| match &i.marks.public {
            Some((p, line)) => Why {
                public: *p,
                from: Some((i.path.clone(), *line)),
            },
            None => default.clone(),
        })
        .collect();
    if issue_why.iter().all(|w| w.public == Public::Active)
        && loaded
            .articles
            .iter()
            .all(|a| a.marks.public.is_none_or(|(p, _)| p == Public::Active))
    {
        // Everything is published: every finding counts.
        for i in &mut loaded.issues {
            notes.extend(std::mem::take(&mut i.findings));
        }
        for a in &mut loaded.articles {
            notes.extend(std::mem::take(&mut a.findings));
        }
        notes.sort();
        return notes;
    }
    let find = IssueFinder::new(loaded);
    let mut withheld_articles: Vec<bool> = Vec::with_capacity(loaded.articles.len());
    let mut per_issue_count = vec![0usize; loaded.issues.len()];
    for a in &loaded.articles {
        let issue = find.issue_of(a);
        let own = a.marks.public.as_ref().map(|(p, line)| Why {
            public: *p,
            from: Some((a.path.clone(), *line)),
        });
        let issue_out = issue.filter(|&i| issue_why[i].public != Public::Active);
        if let Some(i) = issue_out {
            per_issue_count[i] += 1;
            withheld_articles.push(true);
            continue;
        }
        let why = own
            .or_else(|| issue.map(|i| issue_why[i].clone()))
            .unwrap_or_else(|| default.clone());
        let out = why.public != Public::Active;
        if out {
            notes.push(
                Diagnostic::warning(format!(
                    "left out of the site: article `{}` is {} ({})",
                    a.title,
                    why.public.name(),
                    why.said()
                ))
                .with_path(a.path.clone())
                .with_help("only 主动公开 is published; change `public:` to 主动公开 once it may go online")
                .zh(format!(
                    "不在网站上发布：文章 `{}` 是{}（{}）",
                    a.title,
                    why.public.name(),
                    why.said_zh()
                ))
                .zh_help(PUBLISH_ONCE_ZH),
            );
        }
        withheld_articles.push(out);
    }
    for (i, issue) in loaded.issues.iter().enumerate() {
        let why = &issue_why[i];
        if why.public == Public::Active {
            continue;
        }
        let n = per_issue_count[i];
        notes.push(
            Diagnostic::warning(format!(
                "left out of the site: issue {} ({}) is {}, with {} ({})",
                issue.number,
                issue.dir.display(),
                why.public.name(),
                match n {
                    0 => "no articles".to_string(),
                    1 => "its 1 article".to_string(),
                    n => format!("its {n} articles"),
                },
                why.said()
            ))
            .with_path(issue.path.clone())
            .with_help(
                "only 主动公开 is published; change `public:` to 主动公开 once it may go online",
            )
            .zh(format!(
                "不在网站上发布：第 {} 期（{}）是{}，{}（{}）",
                issue.number,
                issue.dir.display(),
                why.public.name(),
                match n {
                    0 => "这一期没有文章".to_string(),
                    n => format!("连同它的 {n} 篇文章"),
                },
                why.said_zh()
            ))
            .zh_help(PUBLISH_ONCE_ZH),
        );
    }

    drop_withheld_files(loaded, &issue_why, &withheld_articles, base_path);

    // The personal data and wrong expressions of what is published (what is left out may well
    // hold names and numbers: that is often why it is left out).
    for (i, w) in loaded.issues.iter_mut().zip(&issue_why) {
        if w.public == Public::Active {
            notes.extend(std::mem::take(&mut i.findings));
        }
    }
    for (a, out) in loaded.articles.iter_mut().zip(&withheld_articles) {
        if !out {
            notes.extend(std::mem::take(&mut a.findings));
        }
    }

    // Out of the model.
    let mut keep = withheld_articles.into_iter().map(|out| !out);
    loaded.articles.retain(|_| keep.next().unwrap_or(true));
    let mut keep = issue_why.iter().map(|w| w.public == Public::Active);
    loaded.issues.retain(|_| keep.next().unwrap_or(true));
    notes.sort();
    notes
}

/// Drop from `loaded.assets` the files of what is left out: those under a withheld issue's folder,
/// and those only withheld articles use (a file a published page uses too stays).
fn drop_withheld_files(
    loaded: &mut Loaded,
    issue_why: &[Why],
    withheld_articles: &[bool],
    base_path: &str,
) {
    let out_dirs: Vec<String> = loaded
        .issues
        .iter()
        .zip(issue_why)
        .filter(|(_, w)| w.public != Public::Active)
        .map(|(i, _)| format!("{}/", slash_path(&i.dir)))
        .collect();
    let kept_html: Vec<&str> = loaded
        .articles
        .iter()
        .zip(withheld_articles)
        .filter(|(_, out)| !**out)
        .map(|(a, _)| &*a.body.html)
        .chain(
            loaded
                .issues
                .iter()
                .zip(issue_why)
                .filter(|(_, w)| w.public == Public::Active)
                .map(|(i, _)| &*i.intro.html),
        )
        .collect();
    let out_html: Vec<&str> = loaded
        .articles
        .iter()
        .zip(withheld_articles)
        .filter(|(_, out)| **out)
        .map(|(a, _)| &*a.body.html)
        .collect();
    let keep_asset = |asset: &Asset| {
        if out_dirs.iter().any(|d| asset.rel.starts_with(d.as_str())) {
            return false;
        }
        let urls = urls_of(asset, base_path);
        let used = |html: &&str| urls.iter().any(|u| html.contains(u.as_str()));
        !out_html.iter().any(used) || kept_html.iter().any(used)
    };
    if loaded.assets.list.iter().any(|a| !keep_asset(a)) {
        let kept: Vec<Asset> = loaded
            .assets
            .list
            .iter()
            .filter(|a| keep_asset(a))
            .cloned()
            .collect();
        loaded.assets = Arc::new(Assets::from_list(kept));
    }
}

/// Every URL a published file is linked by: the file, or each copy of a photo.
fn urls_of(asset: &Asset, base_path: &str) -> Vec<String> {
    match &asset.kind {
        Kind::File => vec![asset.url(base_path, None)],
        Kind::Image(info) => info
            .widths
            .iter()
            .map(|&w| asset.url(base_path, Some(w)))
            .collect(),
    }
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// An article's issue, found as the model finds it: the one `issue:` names (a folder's slug, or
/// a number only one issue has), else the one of its folder.
struct IssueFinder {
    by_dir: HashMap<PathBuf, usize>,
    by_slug: HashMap<String, usize>,
    by_number: HashMap<i64, Vec<usize>>,
}

impl IssueFinder {
    fn new(loaded: &Loaded) -> IssueFinder {
        let mut f = IssueFinder {
            by_dir: HashMap::new(),
            by_slug: HashMap::new(),
            by_number: HashMap::new(),
        };
        for (i, issue) in loaded.issues.iter().enumerate() {
            f.by_dir.insert(issue.dir.clone(), i);
            let folder = issue
                .dir
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            f.by_slug.entry(slug::of_folder(&folder)).or_insert(i);
            f.by_number.entry(issue.number).or_default().push(i);
        }
        f
    }

    fn issue_of(&self, a: &LoadedArticle) -> Option<usize> {
        match &a.issue {
            Some(r) => self.by_slug.get(r.key.as_str()).copied().or_else(|| {
                match self.by_number.get(&r.key.parse().ok()?).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    _ => None,
                }
            }),
            None => self.by_dir.get(&a.dir).copied(),
        }
    }
}
