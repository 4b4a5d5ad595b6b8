//! Loaded files put together into a [`Site`], in named steps: issues newest first, each article
//! given its issue, its place in that issue, its county and topics, then articles newest first and
//! the lists that point at them, and finally counties and topics in display order.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::{Article, Issue, Site, Term};
use crate::config::{Config, Vocabulary};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{Loaded, LoadedArticle, LoadedIssue};
use crate::slug;

/// Put the site together from what was loaded. Every problem is reported, not only the first.
pub fn assemble(config: Config, loaded: Loaded) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut issues = issues_newest_first(&config, loaded.issues);
    let index = IssueIndex::new(&issues, &mut diags);
    let placed = find_issues(loaded.articles, &issues, &index, &mut diags);
    let position = positions_in_issues(&placed, issues.len());
    let mut counties = TermIndex::new(config.counties.as_ref());
    let mut topics = TermIndex::new(config.topics.as_ref());
    for item in &placed {
        counties.add(&item.la.county);
        for t in &item.la.topics {
            topics.add(t);
        }
    }
    let mut articles = articles_newest_first(placed, &issues, &position, &counties, &topics);
    let (mut counties, mut topics) = (counties.terms, topics.terms);
    list_articles(&articles, &mut issues, &mut counties, &mut topics);
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

/// The issues, newest first (by date, then number, then slug), without their articles yet.
fn issues_newest_first(config: &Config, loaded: Vec<LoadedIssue>) -> Vec<Issue> {
    let mut issues: Vec<Issue> = loaded
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
                intro_balanced: li.intro.balanced,
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
    issues
}

/// The three ways an article finds its issue: by the folder it is in, or by `issue:` naming a
/// folder's slug or an issue number.
struct IssueIndex<'a> {
    by_dir: HashMap<PathBuf, usize>,
    by_slug: HashMap<&'a str, usize>,
    by_number: HashMap<i64, Vec<usize>>,
}

impl<'a> IssueIndex<'a> {
    /// The index of `issues`; two issues with one slug are an error.
    fn new(issues: &'a [Issue], diags: &mut Diagnostics) -> Self {
        let mut index = IssueIndex {
            by_dir: HashMap::new(),
            by_slug: HashMap::new(),
            by_number: HashMap::new(),
        };
        for (i, issue) in issues.iter().enumerate() {
            if let Some(parent) = issue.path.parent() {
                index.by_dir.insert(
                    parent
                        .strip_prefix(crate::config::CONTENT_DIR)
                        .unwrap_or(parent)
                        .to_path_buf(),
                    i,
                );
            }
            if let Some(&prev) = index.by_slug.get(issue.slug.as_str()) {
                diags.push(
                    Diagnostic::error(format!(
                        "two issues have the URL slug `{}`: {} and {}",
                        issue.slug,
                        issues[prev].path.display(),
                        issue.path.display()
                    ))
                    .with_path(issue.path.clone())
                    .with_help("rename one of the issue folders")
                    .zh(format!(
                        "有两期的网址名（slug）都是 `{}`：{} 和 {}",
                        issue.slug,
                        issues[prev].path.display(),
                        issue.path.display()
                    ))
                    .zh_help("给其中一期的文件夹改名"),
                );
            } else {
                index.by_slug.insert(&issue.slug, i);
            }
            index.by_number.entry(issue.number).or_default().push(i);
        }
        index
    }
}

/// An article whose issue is found.
struct Placed {
    la: LoadedArticle,
    issue: usize,
}

/// Each article with its issue: the one `issue:` names, else the one of its folder. An article
/// without one is an error (and left out).
fn find_issues(
    loaded: Vec<LoadedArticle>,
    issues: &[Issue],
    index: &IssueIndex<'_>,
    diags: &mut Diagnostics,
) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::with_capacity(loaded.len());
    for la in loaded {
        let issue = match &la.issue {
            Some(r) => {
                let found = index.by_slug.get(r.key.as_str()).copied().or_else(|| {
                    let n: i64 = r.key.parse().ok()?;
                    match index.by_number.get(&n).map(Vec::as_slice) {
                        Some([one]) => Some(*one),
                        _ => None,
                    }
                });
                if found.is_none() {
                    let ambiguous = r
                        .key
                        .parse::<i64>()
                        .ok()
                        .and_then(|n| index.by_number.get(&n))
                        .filter(|v| v.len() > 1);
                    let (help, help_zh) = match ambiguous {
                        Some(v) => {
                            let slugs = v
                                .iter()
                                .map(|&i| issues[i].slug.as_str())
                                .collect::<Vec<_>>();
                            (
                                format!(
                                    "several issues have number {}; name the folder instead: {}",
                                    r.key,
                                    slugs.join(", ")
                                ),
                                format!(
                                    "有好几期的期号都是 {}；请改写文件夹名：{}",
                                    r.key,
                                    slugs.join("、")
                                ),
                            )
                        }
                        None => {
                            let example = issues.first().map_or("2021-125", |i| i.slug.as_str());
                            (
                                format!(
                                    "`issue` names an issue folder (e.g. `{example}`) or an issue number"
                                ),
                                format!("`issue` 写某一期的文件夹名（例如 `{example}`）或期号"),
                            )
                        }
                    };
                    let mut d = Diagnostic::error(format!("no issue `{}` for this article", r.key))
                        .with_path(la.path.clone())
                        .with_help(help)
                        .zh(format!("这篇文章写的期 `{}` 不存在", r.key))
                        .zh_help(help_zh);
                    if let Some(loc) = &r.location {
                        d = d.with_location(loc.clone());
                    }
                    diags.push(d);
                }
                found
            }
            None => {
                let found = index.by_dir.get(&la.dir).copied();
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
                            })
                            .zh("这篇文章不属于任何一期")
                            .zh_help(if la.dir.as_os_str().is_empty() {
                                "把它放进某一期的文件夹（`content/2021-125/`），和那一期的 `_index.md` 放在一起；或者在文件头写上 `issue:`".to_string()
                            } else {
                                format!(
                                    "它所在的文件夹 `content/{}` 里没有 `_index.md`：加一个，写上 `number:` 和 `date:`；或者在文章里写上 `issue:`",
                                    la.dir.display()
                                )
                            }),
                    );
                }
                found
            }
        };
        if let Some(issue) = issue {
            placed.push(Placed { la, issue });
        }
    }
    placed
}

/// Each article's 1-based place in its issue: `order`, else the file's place in its folder; ties
/// by file name.
fn positions_in_issues(placed: &[Placed], issue_count: usize) -> Vec<usize> {
    let mut per_issue: Vec<Vec<usize>> = vec![Vec::new(); issue_count];
    for (p, item) in placed.iter().enumerate() {
        per_issue[item.issue].push(p);
    }
    let mut position = vec![0usize; placed.len()];
    for list in &mut per_issue {
        // Files arrive sorted by path, so the index in this list is file-name order.
        let mut keyed: Vec<(i64, String, usize)> = list
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let la = &placed[p].la;
                (la.order.unwrap_or(i as i64 + 1), la.stem.clone(), p)
            })
            .collect();
        keyed.sort();
        for (pos, (_, _, p)) in keyed.iter().enumerate() {
            position[*p] = pos + 1;
        }
    }
    position
}

/// The counties or the topics, in the order first met, with each name's index.
struct TermIndex<'v> {
    vocab: Option<&'v Vocabulary>,
    index: BTreeMap<String, usize>,
    terms: Vec<Term>,
}

impl<'v> TermIndex<'v> {
    fn new(vocab: Option<&'v Vocabulary>) -> Self {
        TermIndex {
            vocab,
            index: BTreeMap::new(),
            terms: Vec::new(),
        }
    }

    /// Add `name` unless it is there: its slug and order from the vocabulary, or from its
    /// pinyin after every listed name.
    fn add(&mut self, name: &str) {
        if self.index.contains_key(name) {
            return;
        }
        self.index.insert(name.to_string(), self.terms.len());
        self.terms.push(Term::named(name.to_string(), self.vocab));
    }
}

/// The articles newest first: date, then the issue's place, then position in the issue.
fn articles_newest_first(
    placed: Vec<Placed>,
    issues: &[Issue],
    position: &[usize],
    counties: &TermIndex<'_>,
    topics: &TermIndex<'_>,
) -> Vec<Article> {
    let mut order: Vec<usize> = (0..placed.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&placed[a], &placed[b]);
        let da = pa.la.date.unwrap_or(issues[pa.issue].date);
        let db = pb.la.date.unwrap_or(issues[pb.issue].date);
        db.cmp(&da)
            .then(pa.issue.cmp(&pb.issue))
            .then(position[a].cmp(&position[b]))
    });
    let mut slot: Vec<Option<Placed>> = placed.into_iter().map(Some).collect();
    let mut articles: Vec<Article> = Vec::with_capacity(order.len());
    for &p in &order {
        let Placed { la, issue } = slot[p].take().expect("each article once");
        let summary = super::summary_of(&la);
        let slug = la
            .slug
            .unwrap_or_else(|| slug::article_slug_from_stem(&la.stem));
        articles.push(Article {
            slug,
            title: la.title,
            county: counties.index[&la.county],
            unit: la.unit,
            topics: la.topics.iter().map(|t| topics.index[t]).collect(),
            summary,
            date: la.date.unwrap_or(issues[issue].date),
            issue,
            position: position[p],
            balanced: la.body.balanced,
            html: la.body.html,
            attachments: la.body.attachments,
            extra: la.extra,
            path: la.path,
            draft: la.draft,
        });
    }
    articles
}

/// Fill each issue's, county's and topic's list of articles: newest first, and an issue's in
/// their order in the issue.
fn list_articles(
    articles: &[Article],
    issues: &mut [Issue],
    counties: &mut [Term],
    topics: &mut [Term],
) {
    for (i, a) in articles.iter().enumerate() {
        issues[a.issue].articles.push(i);
        counties[a.county].articles.push(i);
        for &t in &a.topics {
            topics[t].articles.push(i);
        }
    }
    for issue in issues {
        issue.articles.sort_by_key(|&a| articles[a].position);
    }
}

/// Sort terms by (order, slug) and fix the article → term indices through `remap`.
pub(crate) fn sort_terms(terms: &mut Vec<Term>, mut remap: impl FnMut(usize, &[usize])) {
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
