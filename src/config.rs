//! `site.yaml`: the few settings a site has, every one with a default.
//!
//! A bare `content/` builds with no site.yaml at all. Unknown keys are errors (with the list of
//! known ones), because a misspelt `paginte:` that silently does nothing is worse than a message.
//! The optional `counties:` and `topics:` vocabularies turn a misspelt county in an article into an
//! error with the closest known name, and give each name its explicit slug and display order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;
use url::Url;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::slug;

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.yaml";
/// The folder of bulletins, under the site root.
pub const CONTENT_DIR: &str = "content";
/// The file in an issue folder that describes the issue.
pub const ISSUE_FILE: &str = "_index.md";

/// site.yaml as written. Every key is optional.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// The archive's title, shown in the header of every page. Default: the series, or "工作简报".
    pub title: Option<String>,
    /// One sentence about the archive, for the home page and feeds.
    pub description: Option<String>,
    /// Where the site will be published, e.g. `https://example.gov.cn/jianbao/`. A path is honoured
    /// by every link. Default `/`.
    pub base_url: Option<String>,
    /// The `lang` of every page. Default `zh-CN`.
    pub language: Option<String>,
    /// The theme under `themes/NAME/`. Default `default` (built into bulletin when the folder is absent).
    pub theme: Option<String>,
    /// Articles per page on county and topic pages, issues per page on the issue list. Default 20.
    pub paginate: Option<Spanned<usize>>,
    /// Minify HTML. Default true.
    pub minify: Option<bool>,
    /// Write the search index, the `/search/` page and the search box. Default true.
    pub search: Option<bool>,
    /// Write `/stats/` (tables, charts, CSV) and the charts on county, topic and home pages.
    /// Default true.
    pub stats: Option<bool>,
    /// The bulletin's series name, the default for every issue's `series`.
    pub series: Option<String>,
    /// The editing office, the default for every issue's `editor`.
    pub editor: Option<String>,
    /// The city whose departments (市人社局 …) report under it; the importer files their articles
    /// under this county. Default: the `counties:` entry whose name ends in 市, if exactly one.
    pub city: Option<String>,
    /// Entries in each Atom feed. Default 20.
    pub feed_limit: Option<usize>,
    /// Pass raw HTML in Markdown through unsanitised. Default false: scripts, event handlers and
    /// the like are removed.
    pub trust_html: Option<bool>,
    /// Known counties, districts and city-level bodies.
    pub counties: Option<Vec<RawTerm>>,
    /// Known topics.
    pub topics: Option<Vec<RawTerm>>,
    /// Settings of `bulletin import`.
    pub import: Option<ImportConfig>,
    /// How photos next to articles are published.
    pub images: Option<RawImages>,
    /// The marks of a government website (`crate::government`, `docs/government.md`).
    pub government: Option<crate::government::RawGovernment>,
    /// What must never go online: the default 公开属性, numbers allowed to be published, the
    /// site's own wrong forms, freshness (`crate::review`).
    pub review: Option<crate::review::RawReview>,
    /// Anything else, handed to templates as `site.extra`.
    pub extra: Option<serde_json::Value>,
    /// Named publishing targets of `bulletin deploy` (URLs, never credentials).
    pub deploy: Option<Vec<RawDeployTarget>>,
}

/// One entry of `counties:` or `topics:`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    /// The name as it appears in front matter and on pages.
    pub name: Spanned<String>,
    /// The URL slug. Default: pinyin of the name.
    pub slug: Option<Spanned<String>>,
    /// Other spellings accepted in front matter for this name (于都 → 于都县).
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// Position in lists; lower first. Default: the order of the list.
    pub order: Option<i64>,
    /// Keywords the importer looks for to give an article this topic (topics only).
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// `import:` in site.yaml.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// The topic given to an article that no keyword rule matches (with a warning).
    pub default_topic: Option<String>,
    /// Extra keyword rules: `- {topic: 教育, keywords: [学校, 幼儿园]}`.
    #[serde(default)]
    pub rules: Vec<ImportRule>,
}

/// `images:` in site.yaml: how photos next to articles are published.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct RawImages {
    /// The widths, in pixels, of the copies offered to browsers (`srcset`). Default
    /// `[480, 800, 1200, 1600]`: a phone, the ~800 CSS px column at 1x, and the same at 1.5x and 2x.
    pub widths: Option<Spanned<Vec<u32>>>,
    /// JPEG quality, 1-100. Default 82.
    pub quality: Option<Spanned<u8>>,
    /// `auto` (default): JPEG for photos, PNG for PNG sources and transparent images; `jpeg`:
    /// everything as JPEG.
    pub format: Option<ImageFormat>,
    /// The largest photo accepted, in pixels (width × height). Default 100,000,000.
    pub max_pixels: Option<u64>,
}

/// The encoding of published photos.
#[derive(Debug, Deserialize, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    #[default]
    Auto,
    Jpeg,
}

/// How photos are published, every default filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Images {
    /// Ascending, no repeats.
    pub widths: Vec<u32>,
    pub quality: u8,
    pub format: ImageFormat,
    pub max_pixels: u64,
}

impl Default for Images {
    fn default() -> Self {
        Images {
            widths: vec![480, 800, 1200, 1600],
            quality: 82,
            format: ImageFormat::Auto,
            max_pixels: 100_000_000,
        }
    }
}

impl Images {
    /// No copy is wider than this: the widest of `widths`.
    pub fn max_width(&self) -> u32 {
        self.widths.last().copied().unwrap_or(1600)
    }

    /// The widths a photo `width` pixels wide is served at, ascending: those of `widths` below
    /// its own, then the largest copy (its own width, or the widest setting if it is wider).
    /// Nothing is upscaled.
    pub fn served_widths(&self, width: u32) -> Vec<u32> {
        let largest = width.min(self.max_width());
        let mut widths: Vec<u32> = self
            .widths
            .iter()
            .copied()
            .filter(|&w| w < largest)
            .collect();
        widths.push(largest);
        widths
    }
}

/// A keyword rule of the importer.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ImportRule {
    pub topic: String,
    pub keywords: Vec<String>,
}

/// A county or topic of a vocabulary, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub aliases: Vec<String>,
    pub order: i64,
    pub keywords: Vec<String>,
}

/// A controlled list of names: lookup by name or alias.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub terms: Vec<Term>,
    by_name: HashMap<String, usize>,
}

impl Vocabulary {
    /// The term a name or alias stands for.
    pub fn resolve(&self, name: &str) -> Option<&Term> {
        self.by_name.get(name.trim()).map(|&i| &self.terms[i])
    }

    /// Every accepted spelling, for suggestions.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// The site's configuration, every default filled in.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub title: String,
    pub description: Option<String>,
    /// Always ends in `/`. Change it with [`Config::set_base_url`], which keeps
    /// [`Config::base_path`] in step.
    pub base_url: String,
    /// The path part of `base_url`, parsed once (every internal link starts with it).
    base_path: String,
    pub language: String,
    pub theme: String,
    pub paginate: usize,
    pub minify: bool,
    pub search: bool,
    pub stats: bool,
    pub series: Option<String>,
    pub editor: Option<String>,
    pub city: Option<String>,
    pub feed_limit: usize,
    pub trust_html: bool,
    /// `None` when site.yaml has no `counties:`: any county is accepted.
    pub counties: Option<Vocabulary>,
    pub topics: Option<Vocabulary>,
    pub import: ImportConfig,
    pub images: Images,
    /// `None` when site.yaml has no `government:` block.
    pub government: Option<crate::government::Government>,
    /// `review:`, every default filled in.
    pub review: crate::review::Review,
    pub extra: serde_json::Value,
    /// `deploy:`, checked (no credentials, names unique); the URLs are parsed by `bulletin deploy`.
    pub deploy: Vec<DeployTarget>,
}

impl Config {
    /// The configuration of a site with no site.yaml.
    pub fn default_for(root: &Path) -> Config {
        Config::from_raw(root, RawConfig::default(), "", &mut Diagnostics::new())
    }

    /// Read `root/site.yaml` if it exists. Problems are returned all together.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    let mut d = Diagnostics::new();
                    d.push(
                        Diagnostic::error(format!(
                            "{CONFIG_FILE} is not valid UTF-8 (first bad byte at offset {})",
                            e.utf8_error().valid_up_to()
                        ))
                        .with_path(CONFIG_FILE)
                        .with_help("save the file as UTF-8")
                        .zh(format!(
                            "{CONFIG_FILE} 不是 UTF-8 编码（第 {} 个字节处出错）",
                            e.utf8_error().valid_up_to()
                        ))
                        .zh_help("请用 UTF-8 编码保存这个文件"),
                    );
                    return Err(d);
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default_for(root));
            }
            Err(e) => {
                let mut d = Diagnostics::new();
                d.push(
                    Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}"))
                        .with_path(CONFIG_FILE)
                        .zh(format!("无法读取 {CONFIG_FILE}：{e}")),
                );
                return Err(d);
            }
        };
        Config::parse(root, &text)
    }

    /// Parse site.yaml text.
    pub fn parse(root: &Path, text: &str) -> Result<Config, Diagnostics> {
        let mut diags = Diagnostics::new();
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            match crate::yaml::from_str::<RawConfig>(text) {
                Ok(raw) => raw,
                Err(e) => {
                    diags.push(e.into_diagnostic(text, 0, CONFIG_FILE));
                    return Err(diags);
                }
            }
        };
        let config = Config::from_raw(root, raw, text, &mut diags);
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(config)
        }
    }

    fn from_raw(root: &Path, raw: RawConfig, text: &str, diags: &mut Diagnostics) -> Config {
        let mut base_url = raw.base_url.unwrap_or_else(|| "/".to_string());
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let paginate = match raw.paginate {
            Some(p) if p.value == 0 => {
                diags.push(
                    Diagnostic::error("`paginate` must be at least 1")
                        .with_path(CONFIG_FILE)
                        .with_location(span_location(text, &p.referenced, 1))
                        .with_help("write the number of entries per page, e.g. `paginate: 20`")
                        .zh("`paginate`（每页条数）至少是 1")
                        .zh_help("写每页列出多少条，例如 `paginate: 20`"),
                );
                20
            }
            Some(p) => p.value,
            None => 20,
        };
        let counties = raw
            .counties
            .map(|terms| build_vocabulary("counties", terms, text, diags));
        let topics = raw
            .topics
            .map(|terms| build_vocabulary("topics", terms, text, diags));
        let city = raw.city.or_else(|| {
            // A prefecture has county-level cities too (瑞金市), so only a single 市 is a safe guess.
            let mut cities = counties
                .iter()
                .flat_map(|v| v.terms.iter())
                .filter(|t| t.name.ends_with('市'));
            let first = cities.next()?;
            cities.next().is_none().then(|| first.name.clone())
        });
        let images = resolve_images(raw.images.unwrap_or_default(), text, diags);
        let government = raw.government.map(|g| {
            let has = |p: &str| root.join("static").join(p).is_file();
            crate::government::resolve(g, CONFIG_FILE, text, has, diags)
        });
        let review = crate::review::Review::resolve(raw.review, text, diags);
        let title = raw
            .title
            .or_else(|| raw.series.clone())
            .unwrap_or_else(|| "工作简报".to_string());
        Config {
            root: root.to_path_buf(),
            title,
            description: raw.description,
            base_path: base_path_of(&base_url),
            base_url,
            language: raw.language.unwrap_or_else(|| "zh-CN".to_string()),
            theme: raw.theme.unwrap_or_else(|| "default".to_string()),
            paginate,
            minify: raw.minify.unwrap_or(true),
            search: raw.search.unwrap_or(true),
            stats: raw.stats.unwrap_or(true),
            series: raw.series,
            editor: raw.editor,
            city,
            feed_limit: raw.feed_limit.unwrap_or(20),
            trust_html: raw.trust_html.unwrap_or(false),
            counties,
            topics,
            import: raw.import.unwrap_or_default(),
            images,
            government,
            review,
            extra: raw
                .extra
                .unwrap_or(serde_json::Value::Object(Default::default())),
            deploy: resolve_deploy(raw.deploy.unwrap_or_default(), text, diags),
        }
    }

    /// The path part of base_url: `/jianbao/` for `https://example.gov.cn/jianbao/`, `/` for a
    /// domain root. Every internal link starts with it.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Replace base_url (`--base-url`).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.to_string();
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        self.base_path = base_path_of(&self.base_url);
    }

    /// Replace what the command line sets: the one place site.yaml is overridden, for `build`,
    /// `check` and the dev server alike.
    pub fn apply(&mut self, overrides: &Overrides) {
        if let Some(url) = &overrides.base_url {
            self.set_base_url(url);
        }
        if let Some(m) = overrides.minify {
            self.minify = m;
        }
        if let Some(s) = overrides.search {
            self.search = s;
        }
        if let Some(s) = overrides.stats {
            self.stats = s;
        }
        if let Some(s) = overrides.strict {
            self.review.strict = s;
        }
    }
}

/// What the command line replaces in site.yaml (`None`: keep site.yaml's), applied by
/// [`Config::apply`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--base-url`, or the dev server's local address.
    pub base_url: Option<String>,
    /// `--no-minify` (and the dev server, which never minifies).
    pub minify: Option<bool>,
    /// `--no-search`.
    pub search: Option<bool>,
    /// `--no-stats`.
    pub stats: Option<bool>,
    /// `--strict`: personal data and wrong expressions are errors.
    pub strict: Option<bool>,
}

/// `images:` checked: widths between 16 and 8000 pixels, quality 1-100.
fn resolve_images(raw: RawImages, text: &str, diags: &mut Diagnostics) -> Images {
    let mut images = Images::default();
    if let Some(w) = raw.widths {
        let mut widths = w.value.clone();
        widths.sort_unstable();
        widths.dedup();
        if widths.is_empty() || widths.iter().any(|&x| !(16..=8000).contains(&x)) {
            diags.push(
                Diagnostic::error("`images.widths` must list widths between 16 and 8000 pixels")
                    .with_path(CONFIG_FILE)
                    .with_location(span_location(text, &w.referenced, 1))
                    .with_help("e.g. `images: {widths: [480, 800, 1200, 1600]}`")
                    .zh("`images.widths`（照片宽度）要列出 16 到 8000 像素之间的宽度")
                    .zh_help("例如 `images: {widths: [480, 800, 1200, 1600]}`"),
            );
        } else {
            images.widths = widths;
        }
    }
    if let Some(q) = raw.quality {
        if (1..=100).contains(&q.value) {
            images.quality = q.value;
        } else {
            diags.push(
                Diagnostic::error("`images.quality` must be between 1 and 100")
                    .with_path(CONFIG_FILE)
                    .with_location(span_location(text, &q.referenced, 1))
                    .with_help("82 keeps photos sharp at a third of the size of 95")
                    .zh("`images.quality`（照片质量）要在 1 到 100 之间")
                    .zh_help("82 就能让照片清晰，文件只有 95 的三分之一大"),
            );
        }
    }
    if let Some(f) = raw.format {
        images.format = f;
    }
    if let Some(p) = raw.max_pixels {
        images.max_pixels = p.max(1);
    }
    images
}

/// The path part of a base URL, as a browser requests it: `/jianbao/` for
/// `https://example.gov.cn/jianbao/`, `/` for a domain root, `/sub/` for a base URL that is only a
/// path, and `/` for anything else. Parsed as the URL standard says (the `url` crate), so a path
/// outside ASCII is percent-encoded, as the request paths it is compared with are.
pub fn base_path_of(base_url: &str) -> String {
    let url = match Url::parse(base_url) {
        Ok(url) if url.has_host() => url,
        // Only a path (`/sub/`): resolved on a stand-in host, as links resolve against it.
        _ if base_url.starts_with('/') => {
            match Url::parse("http://site.invalid/").and_then(|site| site.join(base_url)) {
                Ok(url) => url,
                Err(_) => return "/".to_string(),
            }
        }
        _ => return "/".to_string(),
    };
    url.path().to_string()
}

pub(crate) fn span_location(
    text: &str,
    loc: &serde_saphyr::Location,
    len_chars: usize,
) -> Location {
    Location::from_line_col(text, loc.line() as usize, loc.column() as usize, len_chars)
}

fn build_vocabulary(
    key: &str,
    raw: Vec<RawTerm>,
    text: &str,
    diags: &mut Diagnostics,
) -> Vocabulary {
    let mut vocab = Vocabulary::default();
    let mut slugs: HashMap<String, String> = HashMap::new();
    for (i, t) in raw.into_iter().enumerate() {
        let name = t.name.value.trim().to_string();
        let slug = match &t.slug {
            Some(s) if !slug::is_valid_slug(&s.value) => {
                diags.push(
                    Diagnostic::error(format!("`{}` is not a valid slug for {name}", s.value))
                        .with_path(CONFIG_FILE)
                        .with_location(span_location(text, &s.referenced, s.value.chars().count()))
                        .with_label("not a slug")
                        .with_help(format!(
                            "slugs hold only a-z, 0-9, `-` and `_`, e.g. `{}`",
                            slug::slugify(&s.value)
                        ))
                        .zh(format!("`{}` 不能用作 {name} 的网址名（slug）", s.value))
                        .zh_help(format!(
                            "网址名只能用小写字母 a-z、数字 0-9、`-` 和 `_`，例如 `{}`",
                            slug::slugify(&s.value)
                        )),
                );
                slug::slugify(&name)
            }
            Some(s) => s.value.clone(),
            None => slug::slugify(&name),
        };
        if let Some(other) = slugs.insert(slug.clone(), name.clone()) {
            diags.push(
                Diagnostic::error(format!(
                    "{key}: `{name}` and `{other}` would both have the URL slug `{slug}`"
                ))
                .with_path(CONFIG_FILE)
                .with_location(span_location(
                    text,
                    &t.name.referenced,
                    name.chars().count(),
                ))
                .with_help("give one of them an explicit `slug:`")
                .zh(format!(
                    "{key}：`{name}` 和 `{other}` 的网址名（slug）都会是 `{slug}`"
                ))
                .zh_help("给其中一个写上自己的 `slug:`"),
            );
        }
        let idx = vocab.terms.len();
        let spellings = std::iter::once((name.clone(), &t.name))
            .chain(t.aliases.iter().map(|a| (a.value.trim().to_string(), a)));
        for (spelling, spanned) in spellings {
            if let Some(&prev) = vocab.by_name.get(&spelling) {
                diags.push(
                    Diagnostic::error(format!(
                        "{key}: `{spelling}` is listed twice (also under `{}`)",
                        vocab.terms[prev].name
                    ))
                    .with_path(CONFIG_FILE)
                    .with_location(span_location(
                        text,
                        &spanned.referenced,
                        spelling.chars().count(),
                    ))
                    .with_help("each name and alias may appear once")
                    .zh(format!(
                        "{key}：`{spelling}` 列了两次（`{}` 下面也有）",
                        vocab.terms[prev].name
                    ))
                    .zh_help("每个名称和别名只能出现一次"),
                );
            } else {
                vocab.by_name.insert(spelling, idx);
            }
        }
        vocab.terms.push(Term {
            name,
            slug,
            aliases: t.aliases.into_iter().map(|a| a.value).collect(),
            order: t.order.unwrap_or(i as i64),
            keywords: t.keywords,
        });
    }
    vocab
}

mod deploy;
#[cfg(test)]
mod tests;

use deploy::resolve_deploy;
pub use deploy::{DeployTarget, RawDeployTarget, RawHeaderRule, secret_in_url};
