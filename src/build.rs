//! The build, as a checklist: config → theme → load → model → render and write → swap.
//!
//! The command line's settings reach site.yaml's through [`Config::apply`], and a site is put
//! together from loaded files by [`assemble`]; the dev server (`serve::preview`) uses both, and
//! [`render_outputs`] and [`write_search`], so a build and a preview are assembled the same way.
//! Each step is timed (shown with `--verbose`, and what the benchmark's stage profile is built on).
//! Problems from the theme and the content are gathered together so one run shows all of them; the
//! build then fails once, before anything reaches `output/`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::LinkScanner;
use crate::load::Loaded;
use crate::model::{Output, Site};
use crate::render::Renderer;
use crate::search::SearchStats;
use crate::theme::{self, Theme};
use crate::write::{self, FileChanges, NullSink, Precompress, Sink};

/// What a build is asked to do, resolved from the command line.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding site.yaml and content/).
    pub root: PathBuf,
    /// Where the site goes; relative paths are relative to `root`.
    pub output: PathBuf,
    /// What replaces site.yaml's settings (base_url, minify, search, stats).
    pub overrides: Overrides,
    /// Include articles with `draft: true`.
    pub drafts: bool,
    /// Show a progress bar (only drawn on an interactive terminal).
    pub progress: bool,
    /// Check that every internal link and anchor resolves (always on for `check`).
    pub check_links: bool,
    /// Write `.gz` and `.br` copies of text files.
    pub precompress: bool,
}

impl BuildOptions {
    /// Defaults for a site at `root`: output into `root/output`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: PathBuf::from("output"),
            overrides: Overrides::default(),
            drafts: false,
            progress: false,
            check_links: false,
            precompress: false,
        }
    }

    /// The output folder as a path usable from the current directory.
    pub fn output_dir(&self) -> PathBuf {
        if self.output.is_absolute() {
            self.output.clone()
        } else {
            self.root.join(&self.output)
        }
    }
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub issues: usize,
    pub articles: usize,
    /// HTML pages written.
    pub pages: usize,
    /// Every file written (pages, feeds, sitemap, static files).
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    pub timings: Vec<(&'static str, Duration)>,
    pub warnings: Diagnostics,
    /// The search index's figures (builds only, not checks).
    pub search: Option<SearchStats>,
    /// How long the search index took, alongside rendering (so not a stage of `timings`).
    pub search_time: Option<Duration>,
    /// Notes for `-v`: templates whose pages were minified one by one.
    pub notes: Vec<String>,
    /// Files written, kept unchanged and removed, against the previous output (builds only).
    pub changes: Option<FileChanges>,
}

impl BuildReport {
    pub fn total_time(&self) -> Duration {
        self.timings.iter().map(|(_, d)| *d).sum()
    }
}

/// A site loaded, modelled and ready to render.
pub struct Prepared {
    pub site: Site,
    pub theme: Theme,
    pub outputs: Vec<Output>,
    pub warnings: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
}

fn timed<T>(
    timings: &mut Vec<(&'static str, Duration)>,
    name: &'static str,
    f: impl FnOnce() -> T,
) -> T {
    let start = Instant::now();
    let out = f();
    timings.push((name, start.elapsed()));
    out
}

/// Everything up to rendering: config, theme, content, model, and the URL collision check.
pub fn prepare(opts: &BuildOptions) -> Result<Prepared, Diagnostics> {
    let mut timings = Vec::new();
    let mut config = timed(&mut timings, "config", || Config::load(&opts.root))?;
    config.apply(&opts.overrides);
    prepare_with_config(config, opts.drafts, timings)
}

/// [`prepare`] with the configuration already read and overridden.
fn prepare_with_config(
    config: Config,
    drafts: bool,
    mut timings: Vec<(&'static str, Duration)>,
) -> Result<Prepared, Diagnostics> {
    let theme = timed(&mut timings, "theme", || theme::load(&config));
    let loaded = timed(&mut timings, "load", || crate::load::load(&config, drafts));
    let (theme, (loaded, mut warnings)) = match (theme, loaded) {
        (Ok(t), Ok(l)) => (t, l),
        (t, l) => {
            let mut problems = Diagnostics::new();
            if let Err(d) = t {
                problems.extend(d);
            }
            match l {
                Err(d) => problems.extend(d),
                Ok((_, w)) => problems.extend(w),
            }
            problems.sort();
            return Err(problems);
        }
    };
    if !config.base_url.contains("://") {
        warnings.push(
            Diagnostic::warning(format!(
                "base_url is `{}`, not a full URL: feeds and the sitemap will hold relative links, which feed readers and search engines reject",
                config.base_url
            ))
            .with_help("set `base_url: https://your.host/path/` in site.yaml, or pass --base-url when publishing")
            .zh(format!(
                "`base_url` 是 `{}`，不是完整的网址：订阅源和网站地图里的链接会是相对地址，订阅阅读器和搜索引擎不认",
                config.base_url
            ))
            .zh_help("在 `site.yaml` 里写上 `base_url: https://网站域名/路径/`，或者发布时加上 --base-url"),
        );
    }
    let (site, outputs, withheld) =
        match timed(&mut timings, "model", || assemble(config, loaded, &theme)) {
            Ok(assembled) => assembled,
            Err(problems) => return Err(failed(problems, warnings)),
        };
    warnings.extend(withheld);
    warnings.sort();
    Ok(Prepared {
        site,
        theme,
        outputs,
        warnings,
        timings,
    })
}

/// The model stage and the check that no two sources claim one file: the site and its outputs,
/// put together from loaded files, with what is not 主动公开 left out first ([`crate::withhold`]:
/// the warnings returned say what, and hold the personal data and wrong expressions of what is
/// published, errors under `--strict`). The one way a site is assembled, for `build`, `check` and
/// each of the dev server's rebuilds.
pub fn assemble(
    config: Config,
    mut loaded: Loaded,
    theme: &Theme,
) -> Result<(Site, Vec<Output>, Diagnostics), Diagnostics> {
    let reviewed = crate::withhold::apply(&config.review, config.base_path(), &mut loaded);
    let site = crate::model::assemble(config, loaded).map_err(|e| failed(e, reviewed.clone()))?;
    if reviewed.has_errors() {
        return Err(reviewed);
    }
    let outputs = site.checked_outputs(&theme.static_outputs())?;
    Ok((site, outputs, reviewed))
}

/// What a failed build reports: the failing step's problems and the warnings so far, in order.
fn failed(mut problems: Diagnostics, warnings: Diagnostics) -> Diagnostics {
    problems.extend(warnings);
    problems.sort();
    problems
}

/// Counts of what [`render_outputs`] wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

impl Written {
    /// These counts with the search index's files added.
    pub fn with_search(self, s: &SearchStats) -> Written {
        Written {
            files: self.files + s.files,
            bytes: self.bytes + s.total_bytes(),
            ..self
        }
    }
}

/// The `search` stage: the search index of every article, through the same sink as the pages
/// (a folder for `build`, memory for `serve`). Nothing when the site has `search: false`.
pub fn write_search(site: &Site, sink: &dyn Sink) -> Result<Option<SearchStats>, Diagnostics> {
    if !site.config.search {
        return Ok(None);
    }
    crate::search::write(site, sink).map(Some).map_err(|e| {
        Diagnostic::cannot_write("the search index", &e)
            .zh(format!("无法写入搜索索引：{e}"))
            .into()
    })
}

/// Render `outputs` in parallel and hand each to `sink`; copy the static files when `statics`.
/// Every failing page is reported (one message per distinct problem).
pub fn render_outputs(
    renderer: &Renderer<'_>,
    theme: &Theme,
    outputs: &[Output],
    statics: bool,
    sink: &dyn Sink,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Written, Diagnostics> {
    let site = renderer.site;
    let mut paths: Vec<String> = outputs.iter().map(|&o| site.file_path(o)).collect();
    if statics {
        paths.extend(theme.static_files.iter().map(|f| f.output.clone()));
        paths.extend(site.assets.claims().map(|(path, _)| path));
    }
    sink.prepare(&paths)
        .map_err(|e| Diagnostic::cannot_write("the site", &e).zh(format!("无法写入网站：{e}")))?;
    let errors: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let pages = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let report = |d: Diagnostic| {
        let mut errs = errors.lock().expect("errors lock");
        if !errs.contains(&d) {
            errs.push(d);
        }
    };
    // Photos are processed alongside the pages, on the same threads.
    let (_, asset_files) = rayon::join(
        || {
            outputs
                .par_iter()
                .zip(paths.par_iter())
                .for_each(|(&o, path)| {
                    match renderer.render(o) {
                        Ok(html) => {
                            if o.is_html() {
                                pages.fetch_add(1, Ordering::Relaxed);
                            }
                            bytes.fetch_add(html.len(), Ordering::Relaxed);
                            if let Err(e) = sink.write(path, &html) {
                                report(Diagnostic::cannot_write(path, e));
                            }
                        }
                        Err(d) => report(d),
                    }
                    if let Some(p) = progress {
                        p.inc(1);
                    }
                });
        },
        || {
            if statics {
                publish_assets(site, sink, &bytes, &report)
            } else {
                0
            }
        },
    );
    if statics {
        theme
            .static_files
            .par_iter()
            .for_each(|f| match theme::read_static(&f.source) {
                Ok(b) => {
                    bytes.fetch_add(b.len(), Ordering::Relaxed);
                    if let Err(e) = sink.write(&f.output, &b) {
                        report(Diagnostic::cannot_write(&f.output, e));
                    }
                }
                Err(e) => report(
                    Diagnostic::error(format!("cannot read static file {}: {e}", f.output))
                        .zh(format!("无法读取静态文件 {}：{e}", f.output)),
                ),
            });
    }
    let errors = errors.into_inner().expect("errors lock");
    if !errors.is_empty() {
        let mut d = Diagnostics(errors);
        d.sort();
        return Err(d);
    }
    Ok(Written {
        pages: pages.into_inner(),
        files: outputs.len() + if statics { theme.static_files.len() } else { 0 } + asset_files,
        bytes: bytes.into_inner() as u64,
    })
}

/// The `assets` part of rendering: the photos and attachments of the issue folders, one task
/// each (a photo is decoded once for all its copies, and its memory freed before the task ends,
/// so memory grows with the threads, not the photos). A sink that discards (`check`) gets the
/// paths without any pixel work. Returns the number of files written.
fn publish_assets(
    site: &Site,
    sink: &dyn Sink,
    bytes: &AtomicUsize,
    report: &(dyn Fn(Diagnostic) + Sync),
) -> usize {
    let cache = crate::assets::image::Cache::of_site(&site.config.root);
    let settings = &site.config.images;
    let written = AtomicUsize::new(0);
    site.assets.list.par_iter().for_each(|asset| {
        use crate::assets::image::Published;
        let files = if sink.discards() {
            Ok(asset
                .outputs()
                .into_iter()
                .map(|(path, _)| (path, Published::Bytes(Vec::new())))
                .collect())
        } else {
            crate::assets::image::publish(asset, settings, &cache)
        };
        match files {
            Ok(files) => {
                for (path, content) in files {
                    written.fetch_add(1, Ordering::Relaxed);
                    let result = match content {
                        Published::Bytes(b) => {
                            bytes.fetch_add(b.len(), Ordering::Relaxed);
                            sink.write(&path, &b)
                        }
                        Published::File(f) => {
                            let len = std::fs::metadata(&f).map_or(0, |m| m.len());
                            bytes.fetch_add(len as usize, Ordering::Relaxed);
                            sink.write_file(&path, &f)
                        }
                    };
                    if let Err(e) = result {
                        report(Diagnostic::cannot_write(&path, e));
                    }
                }
            }
            Err(p) => report(
                Diagnostic::error(p.message)
                    .with_path(format!("content/{}", asset.rel))
                    .with_help(p.help)
                    .zh(p.message_zh)
                    .zh_help(p.help_zh),
            ),
        }
    });
    written.into_inner()
}

fn progress_bar(total: usize, enabled: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !enabled || total < 2000 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn run(opts: &BuildOptions, writes: bool) -> Result<BuildReport, Diagnostics> {
    let prepared = prepare(opts)?;
    let Prepared {
        site,
        theme,
        outputs,
        mut warnings,
        mut timings,
    } = prepared;
    if !writes {
        // `check` also warns when the archive has not been updated for too long.
        let newest = site.issues.iter().map(|i| i.date).max();
        warnings.extend(crate::review::freshness(
            &site.config.review,
            newest,
            crate::stats::today(),
        ));
    }
    let renderer = timed(&mut timings, "templates", || Renderer::new(&site, &theme));
    let renderer = match renderer {
        Ok(r) => r,
        Err(problems) => return Err(failed(problems, warnings)),
    };
    let bar = progress_bar(outputs.len(), opts.progress);
    // `check` always checks links; `build` when asked.
    let check_links = opts.check_links || !writes;
    let staging = if writes {
        Some(write::stage(&opts.output_dir(), &opts.root)?)
    } else {
        None
    };
    let dir_sink = staging.as_ref().map(write::Staging::sink);
    let base: &dyn Sink = match &dir_sink {
        Some(d) => d,
        None => &NullSink,
    };
    let precompress = Precompress { inner: base };
    let base: &dyn Sink = if opts.precompress && writes {
        &precompress
    } else {
        base
    };
    let scanner = LinkScanner::new(base);
    let sink: &dyn Sink = if check_links { &scanner } else { base };
    let stage_name = if writes { "render+write" } else { "render" };
    // The search index is built alongside the pages, on the same threads: each stage has parts
    // that leave a core idle (the index's serial steps, the pages' waits on the file system), and
    // the other fills them. It goes through the same sink, so `--precompress` gets it too.
    let (mut result, searched) = timed(&mut timings, stage_name, || {
        rayon::join(
            || render_outputs(&renderer, &theme, &outputs, true, sink, bar.as_ref()),
            || {
                writes.then(|| {
                    let start = Instant::now();
                    (write_search(&site, sink), start.elapsed())
                })
            },
        )
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let (mut search, mut search_time) = (None, None);
    if let Some((searched, took)) = searched {
        match searched {
            Ok(stats) => {
                if let Some(s) = &stats {
                    result = result.map(|w| w.with_search(s));
                    search_time = Some(took);
                }
                search = stats;
            }
            Err(d) => result = result.and(Err(d)),
        }
    }
    if check_links && result.is_ok() {
        let sources: HashMap<String, String> = outputs
            .iter()
            .filter(|o| matches!(o, Output::Article(_) | Output::Issue(_)))
            .map(|&o| (site.file_path(o), site.source_of(o)))
            .collect();
        let broken = timed(&mut timings, "links", || {
            scanner.check(&site.config.base_url, |page| sources.get(page).cloned())
        });
        if broken.has_errors() {
            result = Err(broken);
        }
    }
    // Counted before the swap, while the previous output is where it was.
    let changes = match (&result, &dir_sink) {
        (Ok(_), Some(d)) => Some(d.changes()),
        _ => None,
    };
    let written = match (result, staging) {
        (Ok(w), Some(staging)) => {
            timed(&mut timings, "swap", || staging.commit())?;
            w
        }
        (Ok(w), None) => w,
        (Err(d), staging) => {
            if let Some(s) = staging {
                s.abort();
            }
            return Err(d);
        }
    };
    Ok(BuildReport {
        issues: site.issues.len(),
        articles: site.articles.len(),
        pages: written.pages,
        files: written.files,
        bytes: written.bytes,
        timings,
        warnings,
        search,
        search_time,
        notes: renderer.notes().to_vec(),
        changes,
    })
}

/// Build the site into its output folder. On any error the previous output is left as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    run(opts, true)
}

/// Do everything a build does except writing.
pub fn check(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    run(opts, false)
}
