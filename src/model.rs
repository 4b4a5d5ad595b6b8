//! Stage 2, model: loaded files become a site — issues with their articles in order, counties and
//! topics with their articles newest first — and every output the build will write gets its path.
//!
//! Everything is indexed by position (`usize`) instead of cloned: an article is stored once and
//! issues, counties and topics hold its index. The list of [`Output`]s is computed here, once, so
//! that two sources claiming one URL is found before anything is rendered.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::assets::Assets;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::Date;
use crate::load::{Loaded, LoadedArticle};
use crate::markdown::Attachment;
use crate::slug;

/// One issue (期) of the bulletin.
#[derive(Debug, Clone)]
pub struct Issue {
    pub slug: String,
    pub number: i64,
    pub date: Date,
    /// `title` from front matter, or 第N期.
    pub title: String,
    pub series: Option<String>,
    pub editor: Option<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub intro_html: Arc<str>,
    /// Its articles, in the order they appear in the issue.
    pub articles: Vec<usize>,
    /// The `_index.md`, relative to the site root.
    pub path: PathBuf,
}

/// One article.
#[derive(Debug, Clone)]
pub struct Article {
    pub slug: String,
    pub title: String,
    pub county: usize,
    pub unit: Option<String>,
    pub topics: Vec<usize>,
    /// From front matter, or the start of the first paragraph.
    pub summary: String,
    pub date: Date,
    pub issue: usize,
    /// 1-based position within its issue.
    pub position: usize,
    /// The body, rendered and minified. The search index reads its text from here too.
    pub html: Arc<str>,
    /// The files next to it that its body links to (not photos).
    pub attachments: Vec<Attachment>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub path: PathBuf,
    pub draft: bool,
}

/// A county or a topic, with its articles newest first.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub order: i64,
    pub articles: Vec<usize>,
}

/// The two ways articles are grouped besides issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Taxonomy {
    Counties,
    Topics,
}

impl Taxonomy {
    /// The URL folder: `counties` or `topics`.
    pub fn dir(self) -> &'static str {
        match self {
            Taxonomy::Counties => "counties",
            Taxonomy::Topics => "topics",
        }
    }
}

/// A page or file the build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    Home,
    /// `/issues/`, page `n` (1-based).
    IssueList(usize),
    Issue(usize),
    Article(usize),
    TermList(Taxonomy),
    /// A county or topic page: taxonomy, term index, page (1-based).
    Term(Taxonomy, usize, usize),
    NotFound,
    /// `/search/`: the search page (its index is written by [`crate::search`]).
    Search,
    /// The site feed (`None`) or a county's or topic's.
    Feed(Option<(Taxonomy, usize)>),
    Sitemap,
    Robots,
    /// `/stats/`: counts per county, unit and topic (see [`crate::stats`]).
    Stats,
    /// A CSV file of `/stats/`.
    StatsCsv(crate::stats::pages::CsvFile),
}

impl Output {
    /// Whether this output is an HTML page (rendered through a template and listed in the sitemap).
    pub fn is_html(self) -> bool {
        !matches!(
            self,
            Output::Feed(_) | Output::Sitemap | Output::Robots | Output::StatsCsv(_)
        )
    }
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first.
    pub issues: Vec<Issue>,
    /// Newest first (by date, then issue, then position in the issue).
    pub articles: Vec<Article>,
    pub counties: Vec<Term>,
    pub topics: Vec<Term>,
    /// The photos and attachments of the issue folders, published with them.
    pub assets: Arc<Assets>,
}

impl Site {
    pub fn terms(&self, t: Taxonomy) -> &[Term] {
        match t {
            Taxonomy::Counties => &self.counties,
            Taxonomy::Topics => &self.topics,
        }
    }

    /// Pages needed to list `n` items.
    pub fn page_count(&self, n: usize) -> usize {
        n.div_ceil(self.config.paginate).max(1)
    }

    /// The URL of an output relative to the base URL (`issues/2021-125/`, `feed.xml`, `` for home).
    pub fn url(&self, o: Output) -> String {
        match o {
            Output::Home => String::new(),
            Output::IssueList(1) => "issues/".into(),
            Output::IssueList(n) => format!("issues/page/{n}/"),
            Output::Issue(i) => format!("issues/{}/", self.issues[i].slug),
            Output::Article(a) => {
                let art = &self.articles[a];
                format!("issues/{}/{}/", self.issues[art.issue].slug, art.slug)
            }
            Output::TermList(t) => format!("{}/", t.dir()),
            Output::Term(t, i, 1) => format!("{}/{}/", t.dir(), self.terms(t)[i].slug),
            Output::Term(t, i, n) => format!("{}/{}/page/{n}/", t.dir(), self.terms(t)[i].slug),
            Output::NotFound => "404.html".into(),
            Output::Search => "search/".into(),
            Output::Feed(None) => "feed.xml".into(),
            Output::Feed(Some((t, i))) => format!("{}/{}/feed.xml", t.dir(), self.terms(t)[i].slug),
            Output::Sitemap => "sitemap.xml".into(),
            Output::Robots => "robots.txt".into(),
            Output::Stats => crate::stats::pages::url(),
            Output::StatsCsv(f) => format!("{}/{}", crate::stats::pages::DIR, f.file_name()),
        }
    }

    /// The file an output is written to, relative to the output folder.
    pub fn file_path(&self, o: Output) -> String {
        let url = self.url(o);
        if url.is_empty() || url.ends_with('/') {
            format!("{url}index.html")
        } else {
            url
        }
    }

    /// Every output of the site, in a fixed order.
    pub fn outputs(&self) -> Vec<Output> {
        let mut out = vec![Output::Home, Output::NotFound];
        if self.config.search {
            out.push(Output::Search);
        }
        out.extend([Output::Sitemap, Output::Robots]);
        out.push(Output::Feed(None));
        if self.config.stats {
            out.push(Output::Stats);
            out.extend(crate::stats::pages::CsvFile::ALL.map(Output::StatsCsv));
        }
        for n in 1..=self.page_count(self.issues.len()) {
            out.push(Output::IssueList(n));
        }
        out.extend((0..self.issues.len()).map(Output::Issue));
        out.extend((0..self.articles.len()).map(Output::Article));
        for t in [Taxonomy::Counties, Taxonomy::Topics] {
            out.push(Output::TermList(t));
            for (i, term) in self.terms(t).iter().enumerate() {
                for n in 1..=self.page_count(term.articles.len()) {
                    out.push(Output::Term(t, i, n));
                }
                out.push(Output::Feed(Some((t, i))));
            }
        }
        out
    }

    /// Every output that shows article `a`: its page and its issue-mates' (which list it), its
    /// issue, its county's and topics' pages, the county and topic overviews (counts), the issue
    /// list page holding its issue, home, the feeds that carry it and the sitemap. This is what the
    /// dev server re-renders when the article is edited. With `every_term_page`, all pages of its
    /// county and topics (its place there may have moved); without, only the page it is on.
    pub fn pages_showing_article(&self, a: usize, every_term_page: bool) -> Vec<Output> {
        let art = &self.articles[a];
        let mut out: Vec<Output> = self.issues[art.issue]
            .articles
            .iter()
            .map(|&x| Output::Article(x))
            .collect();
        out.push(Output::Issue(art.issue));
        let mut terms = vec![(Taxonomy::Counties, art.county)];
        terms.extend(art.topics.iter().map(|&t| (Taxonomy::Topics, t)));
        for (t, i) in terms {
            let list = &self.terms(t)[i].articles;
            if every_term_page {
                let n = self.page_count(list.len());
                out.extend((1..=n).map(|p| Output::Term(t, i, p)));
            } else if let Ok(at) = list.binary_search(&a) {
                // Term lists hold article indices in ascending (newest-first) order.
                out.push(Output::Term(t, i, at / self.config.paginate + 1));
            }
            out.push(Output::Feed(Some((t, i))));
            out.push(Output::TermList(t));
        }
        out.push(Output::IssueList(art.issue / self.config.paginate + 1));
        out.extend([Output::Home, Output::Feed(None), Output::Sitemap]);
        if self.config.stats {
            // Its date, county, unit or topics may have changed any count.
            out.push(Output::Stats);
            out.extend(crate::stats::pages::CsvFile::ALL.map(Output::StatsCsv));
        }
        out.sort();
        out.dedup();
        out
    }

    /// Every output, checked against each other and the theme's static files for two sources of
    /// one path. The list, or the collisions.
    pub fn checked_outputs(&self, static_files: &[String]) -> Result<Vec<Output>, Diagnostics> {
        let outputs = self.outputs();
        let collisions = self.check_collisions(&outputs, static_files);
        if collisions.has_errors() {
            Err(collisions)
        } else {
            Ok(outputs)
        }
    }

    /// The source file behind an output, for messages about it.
    pub fn source_of(&self, o: Output) -> String {
        match o {
            Output::Issue(i) => self.issues[i].path.display().to_string(),
            Output::Article(a) => self.articles[a].path.display().to_string(),
            Output::Term(Taxonomy::Counties, i, _) => {
                format!("the county page of {}", self.counties[i].name)
            }
            Output::Term(Taxonomy::Topics, i, _) => {
                format!("the topic page of {}", self.topics[i].name)
            }
            Output::Feed(Some((t, i))) => format!("the feed of {}", self.terms(t)[i].name),
            other => format!("the generated {other:?} page"),
        }
    }

    /// Two outputs with one file path (or two that differ only in letter case, which merge on
    /// Windows and macOS hosts) are an error naming both sources.
    pub fn check_collisions(&self, outputs: &[Output], static_files: &[String]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let mut seen: HashMap<String, String> = HashMap::with_capacity(outputs.len());
        let claims = outputs
            .iter()
            .map(|&o| (self.file_path(o), self.source_of(o)))
            .chain(
                static_files
                    .iter()
                    .map(|f| (f.clone(), format!("the static file {f}"))),
            )
            .chain(self.assets.claims());
        for (path, source) in claims {
            let key = path.to_lowercase();
            if let Some(prev) = seen.get(&key) {
                let same_case = prev.split_once('\u{0}').is_some_and(|(p, _)| p == path);
                diags.push(
                    Diagnostic::error(format!(
                        "two sources would write `{}`: {} and {}",
                        path,
                        prev.split_once('\u{0}').map_or(prev.as_str(), |(_, s)| s),
                        source
                    ))
                    .with_help(if same_case {
                        "give one of them another `slug:` (or rename its file or folder)".to_string()
                    } else {
                        "these URLs differ only in letter case, which Windows and macOS hosts treat as one; rename one".to_string()
                    }),
                );
            } else {
                seen.insert(key, format!("{path}\u{0}{source}"));
            }
        }
        diags
    }
}

/// Build the site from what was loaded.
pub fn build(config: Config, loaded: Loaded) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::new();

    // Issues, newest first.
    let mut issues: Vec<Issue> = loaded
        .issues
        .into_iter()
        .map(|li| {
            let folder = li
                .dir
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let slug = slug::of_folder(&folder);
            Issue {
                slug,
                number: li.number,
                date: li.date,
                title: li.title.unwrap_or_else(|| format!("第{}期", li.number)),
                series: li.series.or_else(|| config.series.clone()),
                editor: li.editor.or_else(|| config.editor.clone()),
                extra: li.extra,
                intro_html: li.intro.html,
                articles: Vec::new(),
                path: li.path,
            }
        })
        .collect();
    issues.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(b.number.cmp(&a.number))
            .then(a.slug.cmp(&b.slug))
    });
    let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
    let mut by_slug: HashMap<&str, usize> = HashMap::new();
    let mut by_number: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, issue) in issues.iter().enumerate() {
        if let Some(parent) = issue.path.parent() {
            by_dir.insert(
                parent
                    .strip_prefix(crate::load::CONTENT_DIR)
                    .unwrap_or(parent)
                    .to_path_buf(),
                i,
            );
        }
        if let Some(&prev) = by_slug.get(issue.slug.as_str()) {
            diags.push(
                Diagnostic::error(format!(
                    "two issues have the URL slug `{}`: {} and {}",
                    issue.slug,
                    issues[prev].path.display(),
                    issue.path.display()
                ))
                .with_path(issue.path.clone())
                .with_help("rename one of the issue folders"),
            );
        } else {
            by_slug.insert(&issue.slug, i);
        }
        by_number.entry(issue.number).or_default().push(i);
    }

    // Articles: find each one's issue.
    struct Pending {
        la: LoadedArticle,
        issue: usize,
    }
    let mut pending: Vec<Pending> = Vec::with_capacity(loaded.articles.len());
    for la in loaded.articles {
        let issue = match &la.issue {
            Some(r) => {
                let found = by_slug.get(r.key.as_str()).copied().or_else(|| {
                    let n: i64 = r.key.parse().ok()?;
                    match by_number.get(&n).map(Vec::as_slice) {
                        Some([one]) => Some(*one),
                        _ => None,
                    }
                });
                if found.is_none() {
                    let ambiguous = r
                        .key
                        .parse::<i64>()
                        .ok()
                        .and_then(|n| by_number.get(&n))
                        .filter(|v| v.len() > 1);
                    let help = match ambiguous {
                        Some(v) => format!(
                            "several issues have number {}; name the folder instead: {}",
                            r.key,
                            v.iter()
                                .map(|&i| issues[i].slug.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => format!(
                            "`issue` names an issue folder (e.g. `{}`) or an issue number",
                            issues.first().map_or("2021-125", |i| i.slug.as_str())
                        ),
                    };
                    let mut d = Diagnostic::error(format!("no issue `{}` for this article", r.key))
                        .with_path(la.path.clone())
                        .with_help(help);
                    if let Some(loc) = &r.location {
                        d = d.with_location(loc.clone());
                    }
                    diags.push(d);
                }
                found
            }
            None => {
                let found = by_dir.get(&la.dir).copied();
                if found.is_none() {
                    diags.push(
                        Diagnostic::error("article has no issue")
                            .with_path(la.path.clone())
                            .with_help(if la.dir.as_os_str().is_empty() {
                                "put it in an issue folder (content/2021-125/) next to that issue's _index.md, or set `issue:` in its front matter".to_string()
                            } else {
                                format!(
                                    "its folder content/{} has no _index.md: add one with `number:` and `date:`, or set `issue:` in the article",
                                    la.dir.display()
                                )
                            }),
                    );
                }
                found
            }
        };
        if let Some(issue) = issue {
            pending.push(Pending { la, issue });
        }
    }

    // Order within each issue: `order`, else the file's place in its folder; ties by file name.
    let mut per_issue: Vec<Vec<usize>> = vec![Vec::new(); issues.len()];
    for (p, item) in pending.iter().enumerate() {
        per_issue[item.issue].push(p);
    }
    let mut position = vec![0usize; pending.len()];
    for list in &mut per_issue {
        // Files arrive sorted by path, so the index in this list is file-name order.
        let keyed: Vec<(i64, String, usize)> = list
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let la = &pending[p].la;
                (la.order.unwrap_or(i as i64 + 1), la.stem.clone(), p)
            })
            .collect();
        let mut keyed = keyed;
        keyed.sort();
        for (pos, (_, _, p)) in keyed.iter().enumerate() {
            position[*p] = pos + 1;
        }
    }

    // Counties and topics.
    let mut county_idx: BTreeMap<String, usize> = BTreeMap::new();
    let mut topic_idx: BTreeMap<String, usize> = BTreeMap::new();
    let mut counties: Vec<Term> = Vec::new();
    let mut topics: Vec<Term> = Vec::new();
    let vocab_term = |vocab: Option<&crate::config::Vocabulary>, name: &str| -> (String, i64) {
        match vocab.and_then(|v| v.resolve(name)) {
            Some(t) => (t.slug.clone(), t.order),
            None => (slug::slugify(name), i64::MAX),
        }
    };
    for item in &pending {
        if !county_idx.contains_key(&item.la.county) {
            let (slug, order) = vocab_term(config.counties.as_ref(), &item.la.county);
            county_idx.insert(item.la.county.clone(), counties.len());
            counties.push(Term {
                name: item.la.county.clone(),
                slug,
                order,
                articles: Vec::new(),
            });
        }
        for t in &item.la.topics {
            if !topic_idx.contains_key(t) {
                let (slug, order) = vocab_term(config.topics.as_ref(), t);
                topic_idx.insert(t.clone(), topics.len());
                topics.push(Term {
                    name: t.clone(),
                    slug,
                    order,
                    articles: Vec::new(),
                });
            }
        }
    }

    // Articles newest first: date, then the issue's place, then position in the issue.
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&pending[a], &pending[b]);
        let da = pa.la.date.unwrap_or(issues[pa.issue].date);
        let db = pb.la.date.unwrap_or(issues[pb.issue].date);
        db.cmp(&da)
            .then(pa.issue.cmp(&pb.issue))
            .then(position[a].cmp(&position[b]))
    });
    let mut slot: Vec<Option<Pending>> = pending.into_iter().map(Some).collect();
    let mut articles: Vec<Article> = Vec::with_capacity(order.len());
    for &p in &order {
        let Pending { la, issue } = slot[p].take().expect("each article once");
        let summary = summary_of(&la);
        let slug = la
            .slug
            .unwrap_or_else(|| slug::article_slug_from_stem(&la.stem));
        articles.push(Article {
            slug,
            title: la.title,
            county: county_idx[&la.county],
            unit: la.unit,
            topics: la.topics.iter().map(|t| topic_idx[t]).collect(),
            summary,
            date: la.date.unwrap_or(issues[issue].date),
            issue,
            position: position[p],
            html: la.body.html,
            attachments: la.body.attachments,
            extra: la.extra,
            path: la.path,
            draft: la.draft,
        });
    }
    for (i, a) in articles.iter().enumerate() {
        issues[a.issue].articles.push(i);
        counties[a.county].articles.push(i);
        for &t in &a.topics {
            topics[t].articles.push(i);
        }
    }
    for issue in &mut issues {
        issue.articles.sort_by_key(|&a| articles[a].position);
    }
    // Display order: the vocabulary's order, then by slug (pinyin order) for names outside it.
    // Indices into `articles` are kept, so sort a permutation and remap.
    let articles_ref = &mut articles;
    sort_terms(&mut counties, |a, old_to_new| {
        articles_ref[a].county = old_to_new[articles_ref[a].county]
    });
    sort_terms(&mut topics, |a, old_to_new| {
        let art = &mut articles_ref[a];
        for t in &mut art.topics {
            *t = old_to_new[*t];
        }
    });

    let site = Site {
        config,
        issues,
        articles,
        counties,
        topics,
        assets: loaded.assets,
    };
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(site)
}

/// An article's summary: its front matter's, or the start of its first paragraph.
pub fn summary_of(la: &LoadedArticle) -> String {
    la.summary
        .clone()
        .unwrap_or_else(|| crate::markdown::summarize(&la.body.first_paragraph, 120))
}

/// Sort terms by (order, slug) and fix the article → term indices through `remap`.
fn sort_terms(terms: &mut Vec<Term>, mut remap: impl FnMut(usize, &[usize])) {
    let mut idx: Vec<usize> = (0..terms.len()).collect();
    idx.sort_by(|&a, &b| {
        terms[a]
            .order
            .cmp(&terms[b].order)
            .then(terms[a].slug.cmp(&terms[b].slug))
    });
    let mut old_to_new = vec![0; terms.len()];
    for (new, &old) in idx.iter().enumerate() {
        old_to_new[old] = new;
    }
    let mut articles: Vec<usize> = terms
        .iter()
        .flat_map(|t| t.articles.iter().copied())
        .collect();
    articles.sort_unstable();
    articles.dedup();
    for a in articles {
        remap(a, &old_to_new);
    }
    let mut old: Vec<Option<Term>> = std::mem::take(terms).into_iter().map(Some).collect();
    *terms = idx
        .iter()
        .map(|&i| old[i].take().expect("each term once"))
        .collect();
}

#[cfg(test)]
mod tests;
