//! A memo of what counting needs from each Markdown file, so `bulletin stats` does not open
//! 100,000 files to count them again: `.bulletin/cache/stats`, one line per file, keyed by the
//! file's path, size and modification time (as the photo cache in `crate::assets` remembers
//! photos). A file whose stamp is unchanged is taken from the memo without being opened; any other
//! file is read by the loader itself ([`crate::load::load_front_matter`]), so a changed or new
//! file is checked exactly as `bulletin build` checks it and its errors name file and line.
//!
//! What the memo keeps for an article: what counting needs (county, unit, topics, date, draft, and
//! the issue it names, whose date it takes when it has none), not its title, summary or other
//! fields. The site is then made from these facts directly, by the model's rules for what counting
//! sees ([`counting_site`]), not through `model::assemble`, whose full article records would cost
//! more than everything else together; where the model would refuse the files, they are read
//! through it after all, for its messages. Only files that loaded without any diagnostic are
//! kept — a file with a warning is read every time, so its warning is printed every time — and
//! only files last modified at least [`SETTLE`] before the run began, so a file edited in the same
//! clock tick as it was read can never be remembered with stale facts. The memo holds for one
//! site.yaml and one version of bulletin (its first line says which); any other is ignored and
//! rewritten. A memo that cannot be read or written is no error: the files are then read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use crate::assets::Assets;
use crate::config::{CONFIG_FILE, CONTENT_DIR, Config, Vocabulary};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::frontmatter::Date;
use crate::load::{self, LoadedItem};
use crate::model::{Article, Site, Term};
use crate::slug;
use std::sync::Arc;

/// Where the memo is, relative to the site folder (`.bulletin/` is ignored by the `.gitignore`
/// that `bulletin init` writes).
pub const FILE: &str = ".bulletin/cache/stats";

/// A file modified less than this before the run began is read but not remembered.
pub const SETTLE: Duration = Duration::from_secs(2);

/// Raise when the lines change meaning.
const FORMAT: u32 = 2;

/// What one run did with the memo (printed by `bulletin stats -v`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    /// Markdown files under content/.
    pub files: usize,
    /// Files taken from the memo without being opened.
    pub remembered: usize,
    /// Whether the memo was written anew (something was read, added or gone).
    pub written: bool,
}

/// A file as it is on disk: size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    secs: u64,
    nanos: u32,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        let t = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            size: meta.len(),
            secs: t.as_secs(),
            nanos: t.subsec_nanos(),
        })
    }

    fn settled_before(&self, start: SystemTime) -> bool {
        let modified = UNIX_EPOCH + Duration::new(self.secs, self.nanos);
        modified + SETTLE <= start
    }
}

/// What the loader made of one file, as far as counting goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fact {
    Issue {
        number: i64,
        date: Date,
    },
    Article {
        draft: bool,
        county: String,
        unit: Option<String>,
        topics: Vec<String>,
        date: Option<Date>,
        issue: Option<String>,
    },
    /// Left out without a diagnostic when drafts are left out (a draft). Says nothing about the
    /// file with `--drafts`, which reads it again.
    SkippedWithoutDrafts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    stamp: Stamp,
    fact: Fact,
}

/// The memo's first line: the format, bulletin's version and site.yaml's hash, since the loader
/// resolves names through site.yaml's vocabularies.
fn header(root: &Path) -> String {
    let site_yaml = std::fs::read(root.join(CONFIG_FILE)).unwrap_or_default();
    format!(
        "bulletin stats memo\t{FORMAT}\t{}\t{}",
        env!("CARGO_PKG_VERSION"),
        &blake3::hash(&site_yaml).to_hex()[..32]
    )
}

/// The site under `config.root` for counting, through the memo at `root/.bulletin/cache/stats`:
/// the articles [`load::load_with`]`(config, include_drafts, false)` and `model::assemble` would
/// give, each with its county, unit, topics and date (and nothing else: no title, summary, slug or
/// order; articles are not in the model's order), and the loader's diagnostics. `Ok(None)` when
/// the files load but do not make a site — an article whose issue is missing or ambiguous, two
/// issues with one URL — for the caller to read them through the model, which says why with file
/// and line. The time of each step is added to `timings`.
pub fn load(
    config: &Config,
    include_drafts: bool,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Result<Option<(Site, Diagnostics, Use)>, Diagnostics> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let root = &config.root;
    let content = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::new();
    if !content.is_dir() {
        // The loader's own message.
        return load::load_with(config, include_drafts, false).map(|_| None);
    }
    let files = find_markdown(root, &content, &mut diags);
    timings.push(("find", clock.elapsed()));

    let clock = Instant::now();
    let head = header(root);
    let text = std::fs::read_to_string(root.join(FILE)).unwrap_or_default();
    let old = index(&text, &head);
    timings.push(("memo", clock.elapsed()));

    let clock = Instant::now();
    struct One<'a> {
        /// What counting takes from the file (`None`: nothing, it has errors).
        fact: Option<Fact>,
        dir: PathBuf,
        diags: Vec<Diagnostic>,
        keep: Option<Kept<'a>>,
    }
    /// A line for the memo: the old one, unchanged, or a new one.
    enum Kept<'a> {
        Old(&'a str),
        New(String),
    }
    let results: Vec<One<'_>> = files
        .par_iter()
        .map(|path| {
            let rel = display_path(root, path);
            let key = rel.to_str().map(|k| {
                let mut e = String::with_capacity(k.len());
                escape(&mut e, k);
                e
            });
            let stamp = std::fs::metadata(path).ok().and_then(|m| Stamp::of(&m));
            let dir = path
                .parent()
                .and_then(|p| p.strip_prefix(&content).ok())
                .map(Path::to_path_buf)
                .unwrap_or_default();
            if let (Some(k), Some(stamp)) = (&key, stamp)
                && let Some(&line) = old.get(k.as_str())
                && let Some(entry) = parse_line(line)
                && entry.stamp == stamp
                && !(include_drafts && entry.fact == Fact::SkippedWithoutDrafts)
            {
                return One {
                    fact: Some(entry.fact),
                    dir,
                    diags: Vec::new(),
                    keep: Some(Kept::Old(line)),
                };
            }
            let (item, ds) = load::load_front_matter(config, root, path, include_drafts);
            let fact = fact_of(&item, include_drafts);
            let keep = match (&key, stamp, &fact) {
                (Some(k), Some(stamp), Some(fact))
                    if ds.is_empty() && stamp.settled_before(started) =>
                {
                    let mut line = String::new();
                    write_entry(
                        &mut line,
                        k,
                        &Entry {
                            stamp,
                            fact: fact.clone(),
                        },
                    );
                    Some(Kept::New(line))
                }
                _ => None,
            };
            One {
                fact,
                dir,
                diags: ds,
                keep,
            }
        })
        .collect();
    timings.push(("read", clock.elapsed()));

    let mut used = Use {
        files: files.len(),
        ..Use::default()
    };
    // Written anew when there is a line to add, or one to take away (a file gone, or read again
    // and not kept: edited a moment ago, or now with a warning). A file that stays unsettled or
    // keeps its warning changes nothing, so it costs no write on every run.
    let kept = results.iter().filter(|o| o.keep.is_some()).count();
    let changed = text.is_empty()
        || kept != old.len()
        || results.iter().any(|o| matches!(o.keep, Some(Kept::New(_))));
    let mut lines = String::new();
    if changed {
        for one in &results {
            match &one.keep {
                Some(Kept::Old(line)) => {
                    lines.push_str(line);
                    lines.push('\n');
                }
                Some(Kept::New(line)) => lines.push_str(line),
                None => {}
            }
        }
    }
    let mut facts = Vec::with_capacity(results.len());
    for one in results {
        used.remembered += usize::from(matches!(one.keep, Some(Kept::Old(_))));
        diags.extend(one.diags);
        if let Some(fact) = one.fact {
            facts.push((one.dir, fact));
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    if changed {
        let clock = Instant::now();
        used.written = store(root, &head, &lines);
        timings.push(("save", clock.elapsed()));
    }
    drop(old);
    drop(text);
    let clock = Instant::now();
    let site = counting_site(config, facts, include_drafts);
    timings.push(("model", clock.elapsed()));
    Ok(site.map(|s| (s, diags, used)))
}

/// The site of `facts` (each with its folder under content/), for counting: the model's rules
/// (`model::assemble`) for what counting sees — an article's issue named by `issue:` (folder slug,
/// else a number only one issue has) or else its folder's; its date, else its issue's; counties
/// and topics ordered by the vocabulary, then by slug — and `None` wherever the model would refuse.
fn counting_site(
    config: &Config,
    facts: Vec<(PathBuf, Fact)>,
    include_drafts: bool,
) -> Option<Site> {
    struct Found {
        slug: String,
        number: i64,
        date: Date,
    }
    let mut issues: Vec<Found> = Vec::new();
    let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
    for (dir, fact) in &facts {
        if let Fact::Issue { number, date } = fact {
            let folder = dir
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            by_dir.insert(dir.clone(), issues.len());
            issues.push(Found {
                slug: slug::of_folder(&folder),
                number: *number,
                date: *date,
            });
        }
    }
    let mut by_slug: HashMap<&str, usize> = HashMap::new();
    let mut by_number: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, issue) in issues.iter().enumerate() {
        if by_slug.insert(&issue.slug, i).is_some() {
            return None;
        }
        by_number.entry(issue.number).or_default().push(i);
    }

    let mut counties = Terms::new(config.counties.as_ref());
    let mut topics = Terms::new(config.topics.as_ref());
    let mut articles: Vec<Article> = Vec::new();
    let no_html: Arc<str> = Arc::from("");
    for (dir, fact) in facts {
        let Fact::Article {
            draft,
            county,
            unit,
            topics: names,
            date,
            issue: key,
            ..
        } = fact
        else {
            continue;
        };
        if draft && !include_drafts {
            continue;
        }
        let issue = match &key {
            Some(k) => by_slug.get(k.as_str()).copied().or_else(|| {
                match by_number.get(&k.parse::<i64>().ok()?).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    _ => None,
                }
            })?,
            None => *by_dir.get(&dir)?,
        };
        let a = articles.len();
        articles.push(Article {
            slug: String::new(),
            title: String::new(),
            county: counties.index(county, a),
            unit,
            topics: names.into_iter().map(|t| topics.index(t, a)).collect(),
            summary: String::new(),
            date: date.unwrap_or(issues[issue].date),
            issue,
            position: 0,
            html: no_html.clone(),
            balanced: true,
            attachments: Vec::new(),
            extra: Default::default(),
            path: PathBuf::new(),
            draft,
        });
    }
    let counties = counties.sorted(&mut articles, |a, remap| a.county = remap[a.county]);
    let topics = topics.sorted(&mut articles, |a, remap| {
        for t in &mut a.topics {
            *t = remap[*t];
        }
    });
    Some(Site {
        config: config.clone(),
        issues: Vec::new(),
        articles,
        counties,
        topics,
        assets: Arc::new(Assets::default()),
    })
}

/// Counties or topics as articles name them, in order of first use, then sorted as the model
/// sorts them (the vocabulary's order, then slug; a stable sort, so ties keep first use).
struct Terms<'a> {
    vocab: Option<&'a Vocabulary>,
    index: HashMap<String, usize>,
    terms: Vec<Term>,
}

impl<'a> Terms<'a> {
    fn new(vocab: Option<&'a Vocabulary>) -> Self {
        Terms {
            vocab,
            index: HashMap::new(),
            terms: Vec::new(),
        }
    }

    /// The term called `name`, article `a` added to it.
    fn index(&mut self, name: String, a: usize) -> usize {
        let i = match self.index.get(&name) {
            Some(&i) => i,
            None => {
                let i = self.terms.len();
                self.index.insert(name.clone(), i);
                self.terms.push(Term::named(name, self.vocab));
                i
            }
        };
        if self.terms[i].articles.last() != Some(&a) {
            self.terms[i].articles.push(a);
        }
        i
    }

    /// The terms in display order (the model's sort), each article's indices renumbered by `remap`.
    fn sorted(self, articles: &mut [Article], remap: impl Fn(&mut Article, &[usize])) -> Vec<Term> {
        let mut terms = self.terms;
        crate::model::sort_terms(&mut terms, |a, old_to_new| {
            remap(&mut articles[a], old_to_new)
        });
        terms
    }
}

/// [`load::find_sources`]' Markdown files, in its order and with its diagnostics, the folders
/// directly under content/ (one per issue) walked in parallel: on a large archive the walk is a
/// third of a warm run.
pub(crate) fn find_markdown(root: &Path, content: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut top: Vec<std::fs::DirEntry> = match std::fs::read_dir(content) {
        Ok(entries) => match entries.collect::<Result<_, _>>() {
            Ok(v) => v,
            Err(_) => return load::find_sources(root, content, diags).markdown,
        },
        Err(_) => return load::find_sources(root, content, diags).markdown,
    };
    top.retain(|e| !crate::fsutil::is_ignored_name(&e.file_name().to_string_lossy()));
    top.sort_by_key(std::fs::DirEntry::file_name);
    // A link directly in content/ (rare) is left to the one walk that warns about it.
    if !top
        .iter()
        .all(|e| e.file_type().is_ok_and(|t| t.is_dir() || t.is_file()))
    {
        return load::find_sources(root, content, diags).markdown;
    }
    let found: Vec<(Vec<PathBuf>, Diagnostics)> = top
        .par_iter()
        .map(|e| {
            let mut ds = Diagnostics::new();
            let path = e.path();
            let files = if e.file_type().is_ok_and(|t| t.is_dir()) {
                load::find_sources(root, &path, &mut ds).markdown
            } else if path.extension().is_some_and(|x| x == "md") {
                vec![path]
            } else {
                Vec::new()
            };
            (files, ds)
        })
        .collect();
    let mut out = Vec::new();
    for (files, ds) in found {
        out.extend(files);
        diags.extend(ds);
    }
    out
}

/// Write the memo through a temporary file renamed into place. Whether it worked.
fn store(root: &Path, head: &str, lines: &str) -> bool {
    let path = root.join(FILE);
    let Some(dir) = path.parent() else {
        return false;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let tmp = dir.join(format!(".stats.tmp-{}", std::process::id()));
    let mut text = String::with_capacity(head.len() + 1 + lines.len());
    text.push_str(head);
    text.push('\n');
    text.push_str(lines);
    if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &path).is_ok() {
        return true;
    }
    let _ = std::fs::remove_file(&tmp);
    false
}

/// The fact worth remembering about a file the loader read cleanly.
fn fact_of(item: &LoadedItem, include_drafts: bool) -> Option<Fact> {
    match item {
        LoadedItem::Issue(i) => Some(Fact::Issue {
            number: i.number,
            date: i.date,
        }),
        LoadedItem::Article(a) => Some(Fact::Article {
            draft: a.draft,
            county: a.county.clone(),
            unit: a.unit.clone(),
            topics: a.topics.clone(),
            date: a.date,
            issue: a.issue.as_ref().map(|r| r.key.clone()),
        }),
        LoadedItem::Skipped if !include_drafts => Some(Fact::SkippedWithoutDrafts),
        LoadedItem::Skipped => None,
    }
}

// The memo's lines: tab-separated fields, text escaped (`\\`, `\t`, `\n`, `\r`), an absent
// value empty and a present one after a `+`:
//   I <path> <size> <secs> <nanos> <number> <date>
//   S <path> <size> <secs> <nanos>
//   A <path> <size> <secs> <nanos> <draft 0|1> <county> <unit?> <date?> <issue?> <topic>…

fn write_entry(out: &mut String, escaped_key: &str, e: &Entry) {
    use std::fmt::Write;
    let kind = match e.fact {
        Fact::Issue { .. } => 'I',
        Fact::Article { .. } => 'A',
        Fact::SkippedWithoutDrafts => 'S',
    };
    out.push(kind);
    out.push('\t');
    out.push_str(escaped_key);
    let _ = write!(
        out,
        "\t{}\t{}\t{}",
        e.stamp.size, e.stamp.secs, e.stamp.nanos
    );
    match &e.fact {
        Fact::Issue { number, date } => {
            let _ = write!(out, "\t{number}\t{}", date.iso());
        }
        Fact::SkippedWithoutDrafts => {}
        Fact::Article {
            draft,
            county,
            unit,
            topics,
            date,
            issue,
        } => {
            out.push_str(if *draft { "\t1\t" } else { "\t0\t" });
            escape(out, county);
            optional(out, unit.as_deref());
            optional(out, date.map(|d| d.iso()).as_deref());
            optional(out, issue.as_deref());
            for t in topics {
                out.push('\t');
                escape(out, t);
            }
        }
    }
    out.push('\n');
}

fn optional(out: &mut String, value: Option<&str>) {
    out.push('\t');
    if let Some(v) = value {
        out.push('+');
        escape(out, v);
    }
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

fn unescape(s: &str) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(match chars.next()? {
                '\\' => '\\',
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                _ => return None,
            });
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The memo's lines by their (escaped) path; none when it is for another site.yaml or version.
/// A damaged line is found when it is looked at, and its file is then read.
fn index<'a>(text: &'a str, head: &str) -> HashMap<&'a str, &'a str> {
    let Some((first, rest)) = text.split_once('\n') else {
        return HashMap::new();
    };
    if first != head {
        return HashMap::new();
    }
    rest.par_lines()
        .filter_map(|line| Some((line.split('\t').nth(1)?, line)))
        .collect()
}

fn parse_line(line: &str) -> Option<Entry> {
    let mut f = line.split('\t');
    let kind = f.next()?;
    let _key = f.next()?;
    let stamp = Stamp {
        size: f.next()?.parse().ok()?,
        secs: f.next()?.parse().ok()?,
        nanos: f.next()?.parse().ok()?,
    };
    let optional = |s: &str| -> Option<Option<String>> {
        match s.strip_prefix('+') {
            Some(v) => Some(Some(unescape(v)?)),
            None if s.is_empty() => Some(None),
            None => None,
        }
    };
    let fact = match kind {
        "S" if f.next().is_none() => Fact::SkippedWithoutDrafts,
        "I" => {
            let number = f.next()?.parse().ok()?;
            let date = Date::parse(f.next()?)?;
            if f.next().is_some() {
                return None;
            }
            Fact::Issue { number, date }
        }
        "A" => {
            let draft = match f.next()? {
                "1" => true,
                "0" => false,
                _ => return None,
            };
            let county = unescape(f.next()?)?;
            let unit = optional(f.next()?)?;
            let date = match optional(f.next()?)? {
                Some(d) => Some(Date::parse(&d)?),
                None => None,
            };
            let issue = optional(f.next()?)?;
            let topics = f.map(unescape).collect::<Option<Vec<_>>>()?;
            Fact::Article {
                draft,
                county,
                unit,
                topics,
                date,
                issue,
            }
        }
        _ => return None,
    };
    Some(Entry { stamp, fact })
}
