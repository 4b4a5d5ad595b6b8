//! The site as the dev server holds it: built in memory, rebuilt incrementally after each change.
//!
//! A [`Preview`] keeps what a rebuild needs so that a save costs only what it touches: every
//! loaded file (bodies are shared `Arc<str>`, so rebuilding the model from them copies no text),
//! the current model, and the rendered files. An edited article re-parses one file, rebuilds the
//! model (cheap: indices and small strings) and re-renders only [`Site::pages_showing_article`];
//! a template change re-renders the pages whose templates depend on it; a static file is just
//! copied; site.yaml reloads everything. A broken edit keeps the last good site being served.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::assets::Assets;
use crate::build::{assemble, render_outputs};
use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, Loaded, LoadedArticle, LoadedItem};
use crate::model::{self, Output, Site};
use crate::render::Renderer;
use crate::serve::change::{Plan, pages_of_templates};
use crate::theme::{self, Theme};
use crate::write::MemorySink;

/// What a rebuild did, for the terminal line and the browsers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Pages changed: browsers reload.
    Reload { pages: usize },
    /// Only stylesheets changed: browsers swap them in place.
    Css,
    /// Nothing the site shows changed.
    Unchanged,
    /// The site has errors: shown over the page, the last good site stays.
    Failed(Diagnostics),
}

/// Files a rebuild produced: the whole site, or some of it.
type Files = HashMap<String, Arc<[u8]>>;

pub struct Preview {
    root: PathBuf,
    /// What the preview replaces in site.yaml: its base URL, and no minifying.
    overrides: Overrides,
    drafts: bool,
    config: Option<Config>,
    theme: Option<Theme>,
    /// The last good load of every Markdown file, by path relative to the root.
    items: BTreeMap<PathBuf, LoadedItem>,
    /// Files that failed to load, with why.
    broken: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// The photos and attachments of the issue folders.
    assets: Arc<Assets>,
    /// Problems with them (a photo that does not decode, a file outside an issue folder).
    asset_problems: Vec<Diagnostic>,
    site: Option<Site>,
    /// What is being served: path in the site → bytes.
    pub files: Files,
    /// Bumped on every change browsers should see.
    pub version: u64,
    /// The search index lags behind the pages: an incremental rebuild skips it (rebuilding it
    /// costs more than the pages an edit touches) and [`Preview::refresh_search`] catches up once
    /// the edits pause.
    search_stale: bool,
}

impl Preview {
    /// A preview of the site at `root`, served at `base_url` (its path is kept from site.yaml
    /// by the caller).
    pub fn new(root: &Path, base_url: &str, drafts: bool) -> Preview {
        Preview {
            root: root.to_path_buf(),
            overrides: Overrides {
                base_url: Some(base_url.to_string()),
                minify: Some(false),
                ..Overrides::default()
            },
            drafts,
            config: None,
            theme: None,
            items: BTreeMap::new(),
            broken: BTreeMap::new(),
            assets: Arc::default(),
            asset_problems: Vec::new(),
            site: None,
            files: HashMap::new(),
            version: 0,
            search_stale: false,
        }
    }

    pub fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// Load everything and render the whole site.
    pub fn full_rebuild(&mut self) -> Outcome {
        let mut config = match Config::load(&self.root) {
            Ok(c) => c,
            Err(d) => return Outcome::Failed(d),
        };
        config.apply(&self.overrides);
        self.config = Some(config);
        self.theme = None;
        self.items.clear();
        self.broken.clear();
        let mut diags = Diagnostics::new();
        let config = self.config.as_ref().expect("set above");
        match theme::load_with(config, false) {
            Ok(t) => self.theme = Some(t),
            Err(d) => diags.extend(d),
        }
        let content = self.root.join(crate::config::CONTENT_DIR);
        let mut walk_diags = Diagnostics::new();
        let sources = if content.is_dir() {
            load::find_sources(&self.root, &content, &mut walk_diags)
        } else {
            load::Sources::default()
        };
        self.rescan_assets(config.clone(), &sources);
        diags.extend(self.asset_problems.iter().filter(|d| d.is_error()).cloned());
        let paths = sources.markdown;
        diags.extend(walk_diags.into_iter().filter(Diagnostic::is_error));
        let config = self.config.as_ref().expect("set above");
        let results = load::load_files(config, &self.assets, &paths, self.drafts, true);
        for (path, (item, d)) in paths.iter().zip(results) {
            self.record(crate::diagnostics::display_path(&self.root, path), item, d);
        }
        if !diags.is_empty() {
            return Outcome::Failed(diags);
        }
        self.render(None)
    }

    /// Read the photos' and attachments' headers again (cheap: no pixels are decoded).
    fn rescan_assets(&mut self, config: Config, sources: &load::Sources) {
        let mut diags = Diagnostics::new();
        self.assets = Arc::new(load::scan_assets(&config, sources, &mut diags));
        self.asset_problems = diags.into_iter().collect();
    }

    fn record(&mut self, rel: PathBuf, item: LoadedItem, diags: Vec<Diagnostic>) {
        if diags.iter().any(Diagnostic::is_error) {
            self.broken.insert(rel.clone(), diags);
        } else {
            self.broken.remove(&rel);
        }
        match item {
            LoadedItem::Skipped => {
                self.items.remove(&rel);
            }
            other => {
                self.items.insert(rel, other);
            }
        }
    }

    /// Apply one batch of changes.
    pub fn apply(&mut self, plan: &Plan) -> Outcome {
        if plan.full || self.config.is_none() || self.theme.is_none() {
            return self.full_rebuild();
        }
        let config = self.config.clone().expect("checked");
        // A photo or attachment came, went or changed: read the files' headers again, and reload
        // the Markdown files of the folders it is in, whose links and photos may now resolve
        // differently. Only the changed photo is processed again (the others come from the cache).
        let widened;
        let plan = if plan.assets.is_empty() {
            plan
        } else {
            let content = self.root.join(crate::config::CONTENT_DIR);
            let mut walk = Diagnostics::new();
            let sources = load::find_sources(&self.root, &content, &mut walk);
            self.rescan_assets(config.clone(), &sources);
            let folders: BTreeSet<PathBuf> = plan
                .assets
                .iter()
                .filter_map(|a| Path::new(a).parent().map(Path::to_path_buf))
                .collect();
            let mut p = plan.clone();
            for md in &sources.markdown {
                let rel = crate::diagnostics::display_path(&self.root, md);
                if rel
                    .parent()
                    .is_some_and(|d| folders.iter().any(|f| f.starts_with(d) || d.starts_with(f)))
                {
                    p.content.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
            widened = p;
            &widened
        };
        let assets = self.assets.clone();
        let mut templates_changed = false;
        if !plan.templates.is_empty() || !plan.statics.is_empty() {
            match theme::load_with(&config, false) {
                Ok(t) => {
                    templates_changed = !plan.templates.is_empty();
                    self.theme = Some(t);
                }
                Err(d) => return Outcome::Failed(d),
            }
        }
        // Static files: copied, nothing rendered.
        for s in &plan.statics {
            let theme = self.theme.as_ref().expect("loaded");
            match theme.static_files.iter().find(|f| &f.output == s) {
                Some(f) => match theme::read_static(&f.source) {
                    Ok(bytes) => {
                        self.files.insert(s.clone(), Arc::from(bytes.as_ref()));
                    }
                    Err(e) => {
                        let mut d = Diagnostics::new();
                        d.push(
                            Diagnostic::error(format!("cannot read static file: {e}"))
                                .with_path(s.clone())
                                .zh(format!("无法读取静态文件：{e}")),
                        );
                        return Outcome::Failed(d);
                    }
                },
                None => {
                    self.files.remove(s);
                }
            }
        }
        // Content: reload the changed files.
        let mut edited: Option<PathBuf> = None;
        let mut structural = false;
        let mut in_place = false;
        for rel in &plan.content {
            let rel_path = PathBuf::from(rel);
            let full = self.root.join(&rel_path);
            let was_article = matches!(self.items.get(&rel_path), Some(LoadedItem::Article(_)));
            if full.is_file() {
                let (item, d) = load::load_one(&config, &assets, &self.root, &full, self.drafts);
                let is_article = matches!(item, LoadedItem::Article(_));
                if !(was_article && is_article) {
                    structural = true;
                }
                in_place = match (self.items.get(&rel_path), &item) {
                    (Some(LoadedItem::Article(old)), LoadedItem::Article(new)) => {
                        same_place(old, new)
                    }
                    _ => false,
                };
                self.record(rel_path.clone(), item, d);
                edited = Some(rel_path);
            } else {
                structural = true;
                self.items.remove(&rel_path);
                self.broken.remove(&rel_path);
            }
        }
        // A new or changed photo is published with the whole site (from the cache but for it).
        if plan.content.len() > 1 || !plan.assets.is_empty() {
            structural = true;
        }
        let asset_errors = self.asset_problems.iter().filter(|d| d.is_error());
        if !self.broken.is_empty() || asset_errors.clone().next().is_some() {
            let mut d = Diagnostics(
                self.broken
                    .values()
                    .flatten()
                    .chain(asset_errors)
                    .cloned()
                    .collect(),
            );
            d.sort();
            return Outcome::Failed(d);
        }
        if plan.content.is_empty() && plan.assets.is_empty() && !templates_changed {
            return if plan.css_only() {
                self.version += 1;
                Outcome::Css
            } else if plan.statics.is_empty() {
                Outcome::Unchanged
            } else {
                self.version += 1;
                Outcome::Reload { pages: 0 }
            };
        }
        if !structural
            && !templates_changed
            && in_place
            && let Some(path) = &edited
            && let Some(outcome) = self.patch_article(path)
        {
            return outcome;
        }
        let scope = if structural {
            None
        } else if let Some(path) = edited {
            Some(Scope::Article(path))
        } else {
            Some(Scope::Templates(plan.templates.clone()))
        };
        self.render(scope)
    }

    /// Rebuild the model from the loaded files and render `scope` (everything when `None`).
    fn render(&mut self, scope: Option<Scope>) -> Outcome {
        let config = self.config.clone().expect("config loaded");
        let theme = self.theme.as_ref().expect("theme loaded");
        let mut loaded = Loaded {
            assets: self.assets.clone(),
            ..Loaded::default()
        };
        for item in self.items.values() {
            loaded.add(item.clone());
        }
        let (site, outputs, _withheld) = match assemble(config, loaded, theme) {
            Ok(assembled) => assembled,
            Err(d) => return Outcome::Failed(d),
        };
        let selected: Option<Vec<Output>> = match (&scope, &self.site) {
            (Some(Scope::Article(path)), Some(old)) => {
                same_outputs(old, &site, &outputs).then(|| {
                    let mut urls: BTreeSet<String> = BTreeSet::new();
                    for s in [old, &site] {
                        if let Some(a) = s.articles.iter().position(|a| &a.path == path) {
                            urls.extend(
                                s.pages_showing_article(a, true)
                                    .into_iter()
                                    .map(|o| s.url(o)),
                            );
                        }
                    }
                    outputs
                        .iter()
                        .copied()
                        .filter(|&o| urls.contains(&site.url(o)))
                        .collect()
                })
            }
            (Some(Scope::Templates(changed)), Some(old)) if same_outputs(old, &site, &outputs) => {
                Some(pages_of_templates(&theme.templates, changed, &outputs))
            }
            _ => None,
        };
        let renderer = match Renderer::new(&site, theme) {
            Ok(r) => r,
            Err(d) => return Outcome::Failed(d),
        };
        let sink = MemorySink::default();
        let whole = selected.is_none();
        let to_render = selected.as_deref().unwrap_or(&outputs);
        if let Err(d) = render_outputs(&renderer, theme, to_render, whole, &sink, None) {
            return Outcome::Failed(d);
        }
        if whole {
            if let Err(d) = crate::build::write_search(&site, &sink) {
                return Outcome::Failed(d);
            }
            self.search_stale = false;
        } else {
            self.search_stale = scope_touches_content(&scope);
        }
        let pages = to_render.iter().filter(|o| o.is_html()).count();
        let rendered = std::mem::take(&mut *sink.files.write().expect("sink lock"));
        drop(renderer);
        if whole {
            self.files = rendered;
        } else {
            self.files.extend(rendered);
        }
        self.site = Some(site);
        self.version += 1;
        Outcome::Reload { pages }
    }
}

/// Whether an edit leaves an article where it was: same URL, issue, place in the issue, date,
/// county and topics. Then only its text changed, and the model can be patched in place instead of
/// rebuilt (the common case: someone editing a body or a title).
fn same_place(old: &LoadedArticle, new: &LoadedArticle) -> bool {
    old.county == new.county
        && old.topics == new.topics
        && old.slug == new.slug
        && old.stem == new.stem
        && old.dir == new.dir
        && old.order == new.order
        && old.date == new.date
        && old.draft == new.draft
        && old.marks == new.marks
        && new.findings.is_empty()
        && old.issue.as_ref().map(|r| &r.key) == new.issue.as_ref().map(|r| &r.key)
}

impl Preview {
    /// The fast path of an in-place edit: update the article in the current model and re-render
    /// only the pages it is on. `None` when it cannot be done (no model yet, article not found).
    fn patch_article(&mut self, path: &Path) -> Option<Outcome> {
        let Some(LoadedItem::Article(la)) = self.items.get(path) else {
            return None;
        };
        let site = self.site.as_mut()?;
        let a = site.articles.iter().position(|x| x.path == path)?;
        let art = &mut site.articles[a];
        art.title = la.title.clone();
        art.unit = la.unit.clone();
        art.summary = model::summary_of(la);
        art.html = la.body.html.clone();
        art.balanced = la.body.balanced;
        art.attachments = la.body.attachments.clone();
        art.extra = la.extra.clone();
        let site = self.site.as_ref()?;
        let theme = self.theme.as_ref()?;
        let outputs = site.pages_showing_article(a, false);
        let renderer = match Renderer::new(site, theme) {
            Ok(r) => r,
            Err(d) => return Some(Outcome::Failed(d)),
        };
        let sink = MemorySink::default();
        if let Err(d) = render_outputs(&renderer, theme, &outputs, false, &sink, None) {
            return Some(Outcome::Failed(d));
        }
        drop(renderer);
        let rendered = std::mem::take(&mut *sink.files.write().expect("sink lock"));
        self.files.extend(rendered);
        self.version += 1;
        self.search_stale = true;
        Some(Outcome::Reload {
            pages: outputs.iter().filter(|o| o.is_html()).count(),
        })
    }
}

fn scope_touches_content(scope: &Option<Scope>) -> bool {
    matches!(scope, Some(Scope::Article(_)))
}

impl Preview {
    /// Whether the search index is behind the pages.
    pub fn search_stale(&self) -> bool {
        self.search_stale
    }

    /// Rebuild the search index of the current site. Returns whether anything was done.
    pub fn refresh_search(&mut self) -> Result<bool, Diagnostics> {
        if !self.search_stale {
            return Ok(false);
        }
        let Some(site) = &self.site else {
            return Ok(false);
        };
        let sink = MemorySink::default();
        crate::build::write_search(site, &sink)?;
        let files = std::mem::take(&mut *sink.files.write().expect("sink lock"));
        self.files.extend(files);
        self.search_stale = false;
        Ok(true)
    }
}

enum Scope {
    /// One article edited in place.
    Article(PathBuf),
    /// Templates changed.
    Templates(BTreeSet<String>),
}

/// Whether two models write the same set of files (so re-rendering a part of them is enough).
fn same_outputs(old: &Site, new: &Site, new_outputs: &[Output]) -> bool {
    let old_outputs = old.outputs();
    old_outputs.len() == new_outputs.len()
        && old_outputs
            .iter()
            .zip(new_outputs)
            .all(|(&a, &b)| old.url(a) == new.url(b))
}

/// Time a closure, for the one-line report.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, std::time::Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

#[cfg(test)]
mod tests;
