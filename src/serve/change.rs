//! What a changed path means for the preview: the pure decisions of the rebuild loop, kept out of
//! the event loop so they can be tested with tables.

use std::collections::BTreeSet;
use std::path::{Component, Path};

use crate::fsutil::is_ignored_name;
use crate::model::Output;
use crate::render::template_of;
use crate::theme::TemplateSource;

/// What kind of source a changed path is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// site.yaml: everything is reloaded.
    Config,
    /// A Markdown file under content/ (path relative to the site root).
    Content(String),
    /// Any other file under content/: a photo or attachment (path relative to the site root).
    Asset(String),
    /// A template of the theme or the site (its name, e.g. `partials/pagination.html`).
    Template(String),
    /// A static file of the theme or the site (its path in the output, e.g. `style.css`).
    Static(String),
    /// Anything else: output, editor swap files, hidden files, other themes.
    Ignored,
}

/// Classify `path` (absolute or relative to `root`) for a site whose theme is `theme`.
pub fn classify(root: &Path, theme: &str, path: &Path) -> ChangeKind {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() || parts.iter().any(|p| is_ignored_name(p)) {
        return ChangeKind::Ignored;
    }
    let rest = |n: usize| parts[n..].join("/");
    match parts[0].as_str() {
        "site.yaml" if parts.len() == 1 => ChangeKind::Config,
        "content" if parts.len() > 1 && parts.last().is_some_and(|f| f.ends_with(".md")) => {
            ChangeKind::Content(rest(0))
        }
        // A photo or attachment. A name without an extension is an editor's probe (vim writes
        // `4913` to test that a folder is writable), never a file an article links to.
        "content" if parts.len() > 1 && parts.last().is_some_and(|f| f.contains('.')) => {
            ChangeKind::Asset(rest(0))
        }
        "templates" if parts.len() > 1 => ChangeKind::Template(rest(1)),
        "static" if parts.len() > 1 => ChangeKind::Static(rest(1)),
        "themes" if parts.len() > 3 && parts[1] == theme => match parts[2].as_str() {
            "templates" => ChangeKind::Template(rest(3)),
            "static" => ChangeKind::Static(rest(3)),
            _ => ChangeKind::Ignored,
        },
        _ => ChangeKind::Ignored,
    }
}

/// What one batch of changes asks the preview to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Reload everything (site.yaml changed).
    pub full: bool,
    /// Markdown files to reload, relative to the site root.
    pub content: BTreeSet<String>,
    /// Photos and attachments added, changed or removed, relative to the site root.
    pub assets: BTreeSet<String>,
    pub templates: BTreeSet<String>,
    pub statics: BTreeSet<String>,
}

impl Plan {
    /// Gather a batch of classified changes.
    pub fn from_changes(changes: impl IntoIterator<Item = ChangeKind>) -> Plan {
        let mut plan = Plan::default();
        for c in changes {
            match c {
                ChangeKind::Config => plan.full = true,
                ChangeKind::Content(p) => {
                    plan.content.insert(p);
                }
                ChangeKind::Asset(p) => {
                    plan.assets.insert(p);
                }
                ChangeKind::Template(t) => {
                    plan.templates.insert(t);
                }
                ChangeKind::Static(s) => {
                    plan.statics.insert(s);
                }
                ChangeKind::Ignored => {}
            }
        }
        plan
    }

    pub fn is_empty(&self) -> bool {
        !self.full
            && self.content.is_empty()
            && self.assets.is_empty()
            && self.templates.is_empty()
            && self.statics.is_empty()
    }

    /// Only stylesheets changed: browsers can swap them without reloading the page.
    pub fn css_only(&self) -> bool {
        !self.full
            && self.content.is_empty()
            && self.assets.is_empty()
            && self.templates.is_empty()
            && !self.statics.is_empty()
            && self.statics.iter().all(|s| s.ends_with(".css"))
    }

    /// A short description for the terminal: `content/2021-125/01-a.md`, `3 files`.
    pub fn describe(&self) -> String {
        if self.full {
            return "site.yaml".into();
        }
        let all: Vec<String> = self
            .content
            .iter()
            .cloned()
            .chain(self.assets.iter().cloned())
            .chain(self.templates.iter().map(|t| format!("template {t}")))
            .chain(self.statics.iter().map(|s| format!("static {s}")))
            .collect();
        match all.len() {
            0 => "nothing".into(),
            1 => all[0].clone(),
            n => format!("{} and {} more", all[0], n - 1),
        }
    }
}

/// The outputs a change to the `changed` templates re-renders: those whose template is one of
/// them, or extends or includes one, directly or through others ([`crate::render::dependents`],
/// the reading minification uses too).
pub fn pages_of_templates(
    templates: &[TemplateSource],
    changed: &BTreeSet<String>,
    outputs: &[Output],
) -> Vec<Output> {
    let affected = crate::render::dependents(templates, changed);
    outputs
        .iter()
        .copied()
        .filter(|&o| template_of(o).is_some_and(|t| affected.contains(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_sorts_paths_into_kinds() {
        let root = Path::new("/site");
        let cases: &[(&str, ChangeKind)] = &[
            ("/site/site.yaml", ChangeKind::Config),
            (
                "/site/content/2021-1/a.md",
                ChangeKind::Content("content/2021-1/a.md".into()),
            ),
            (
                "/site/content/2021-1/_index.md",
                ChangeKind::Content("content/2021-1/_index.md".into()),
            ),
            ("/site/content/2021-1/.a.md.swp", ChangeKind::Ignored),
            ("/site/content/2021-1/a.md~", ChangeKind::Ignored),
            ("/site/content/2021-1/4913", ChangeKind::Ignored),
            (
                "/site/content/2021-1/image.png",
                ChangeKind::Asset("content/2021-1/image.png".into()),
            ),
            (
                "/site/templates/base.html",
                ChangeKind::Template("base.html".into()),
            ),
            (
                "/site/themes/default/templates/partials/x.html",
                ChangeKind::Template("partials/x.html".into()),
            ),
            (
                "/site/themes/other/templates/base.html",
                ChangeKind::Ignored,
            ),
            (
                "/site/themes/default/static/style.css",
                ChangeKind::Static("style.css".into()),
            ),
            (
                "/site/static/img/a.png",
                ChangeKind::Static("img/a.png".into()),
            ),
            ("/site/output/index.html", ChangeKind::Ignored),
            ("/site/.git/index", ChangeKind::Ignored),
            ("/site/target/debug/x", ChangeKind::Ignored),
            ("/site/seeds/a.txt", ChangeKind::Ignored),
            (
                "content/a/b.md",
                ChangeKind::Content("content/a/b.md".into()),
            ),
        ];
        for (path, want) in cases {
            assert_eq!(&classify(root, "default", Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn a_plan_knows_when_only_css_changed() {
        let plan =
            Plan::from_changes([ChangeKind::Static("style.css".into()), ChangeKind::Ignored]);
        assert!(plan.css_only());
        let plan = Plan::from_changes([
            ChangeKind::Static("style.css".into()),
            ChangeKind::Template("base.html".into()),
        ]);
        assert!(!plan.css_only());
        assert!(Plan::from_changes([ChangeKind::Ignored]).is_empty());
        assert!(Plan::from_changes([ChangeKind::Config]).full);
    }

    #[test]
    fn a_template_change_re_renders_the_pages_of_every_template_using_it() {
        use crate::model::Taxonomy;
        use crate::render::dependency_cases::{CASES, templates};
        let outputs = [
            Output::Home,
            Output::Article(0),
            Output::Term(Taxonomy::Counties, 0, 1),
            Output::Term(Taxonomy::Counties, 0, 2),
            Output::Term(Taxonomy::Topics, 0, 1),
            Output::Search,
            Output::Feed(None),
        ];
        for (seed, want) in CASES {
            let changed: BTreeSet<String> = [seed.to_string()].into();
            let got = pages_of_templates(&templates(), &changed, &outputs);
            let expected: Vec<Output> = outputs
                .iter()
                .copied()
                .filter(|&o| template_of(o).is_some_and(|t| want.contains(&t)))
                .collect();
            assert_eq!(got, expected, "{seed}");
        }
    }
}
