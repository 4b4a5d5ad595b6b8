//! On a terminal, `bulletin import` asks for what its rules could not settle: for each open
//! article, a numbered list of site.yaml's topics (or counties) to choose from, by numbers or
//! names, several topics at once. A name the site does not have is added to site.yaml only when
//! the person confirms it (through [`bulletin::import::site_yaml`], which keeps the file's
//! comments and order). The answers become choices for
//! [`bulletin::import::resolve`], the same pure step the 工作台 uses, and the import plans again.
//!
//! Questions go to stderr and answers come from stdin, so stdout keeps only the summary.

use std::io::{BufRead, Write};
use std::path::Path;

use bulletin::config::{Config, Vocabulary};
use bulletin::import::resolve::{Choices, Field};
use bulletin::import::site_yaml::{self, Added, VocabularyKey};
use bulletin::import::{ImportReport, IssueReport};

/// How a round of questions ended.
pub enum Asked {
    /// Every open article has an answer: plan again.
    Again,
    /// The person stopped (an empty answer, or the end of input).
    Stopped,
}

/// Ask, on stderr and stdin, for every open article of `report`; answers go into `choices`.
pub fn ask(report: &ImportReport, root: &Path, choices: &mut Choices) -> std::io::Result<Asked> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stderr();
    ask_with(report, root, choices, &mut input, &mut out)
}

fn ask_with(
    report: &ImportReport,
    root: &Path,
    choices: &mut Choices,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> std::io::Result<Asked> {
    let several = report.issues.len() > 1;
    for (issue, a) in report.open() {
        let fields: Vec<Field> = {
            let mut f: Vec<Field> = a.open.iter().map(|o| o.field).collect();
            f.dedup();
            f
        };
        writeln!(
            out,
            "\n{} line {}: article {} 「{}」",
            issue.source.display(),
            a.location.line,
            a.number,
            a.title
        )?;
        for o in &a.open {
            writeln!(out, "  {}", o.what)?;
        }
        for field in fields {
            // site.yaml is read again for each question: an earlier answer may have added a name.
            let config = Config::load(root).map_err(|d| {
                std::io::Error::other(d.iter().next().map_or(String::new(), |d| d.message.clone()))
            })?;
            let (key, vocab) = match field {
                Field::Topics => (VocabularyKey::Topics, config.topics.as_ref()),
                Field::County => (VocabularyKey::Counties, config.counties.as_ref()),
            };
            let Some(names) = ask_field(out, input, root, field, key, vocab)? else {
                return Ok(Asked::Stopped);
            };
            let target = several.then(|| folder(issue));
            match field {
                Field::Topics => choices.set_topics(target.as_deref(), a.number, names),
                Field::County => choices.set_county(
                    target.as_deref(),
                    a.number,
                    names.into_iter().next().unwrap_or_default(),
                ),
            }
        }
    }
    Ok(Asked::Again)
}

fn folder(issue: &IssueReport) -> String {
    issue
        .dir
        .file_name()
        .map_or(String::new(), |d| d.to_string_lossy().into_owned())
}

/// Ask for one field until the answer names only known names (or ones the person agreed to
/// add). `None` when the person stops.
fn ask_field(
    out: &mut impl Write,
    input: &mut impl BufRead,
    root: &Path,
    field: Field,
    key: VocabularyKey,
    vocab: Option<&Vocabulary>,
) -> std::io::Result<Option<Vec<String>>> {
    let mut known: Vec<String> = vocab
        .map(|v| v.terms.iter().map(|t| t.name.clone()).collect())
        .unwrap_or_default();
    let (what, several) = match field {
        Field::Topics => ("Topics", true),
        Field::County => ("County", false),
    };
    if !known.is_empty() {
        write_list(out, &known)?;
    }
    loop {
        write!(
            out,
            "{what} ({}; a new name is added to site.yaml after you confirm; empty to stop): ",
            if several {
                "numbers or names, several apart by spaces"
            } else {
                "a number or a name"
            }
        )?;
        out.flush()?;
        let Some(line) = read_line(input)? else {
            writeln!(out)?;
            return Ok(None);
        };
        let words: Vec<&str> = line
            .split([' ', ',', '，', '、', '\t'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Ok(None);
        }
        if !several && words.len() > 1 {
            writeln!(out, "  one {}, please", what.to_lowercase())?;
            continue;
        }
        let mut names = Vec::new();
        let mut again = false;
        for w in words {
            if let Ok(n) = w.parse::<usize>() {
                match known.get(n.wrapping_sub(1)) {
                    Some(name) => names.push(name.clone()),
                    None => {
                        writeln!(out, "  there is no {n} in the list")?;
                        again = true;
                    }
                }
                continue;
            }
            if vocab.is_none_or(|v| v.resolve(w).is_some()) || known.iter().any(|k| k == w) {
                names.push(w.to_string());
                continue;
            }
            write!(
                out,
                "  `{w}` is not in site.yaml's {}. Add it there? [y/N] ",
                key.key()
            )?;
            out.flush()?;
            let yes = read_line(input)?
                .is_some_and(|a| matches!(a.trim().to_lowercase().as_str(), "y" | "yes" | "是"));
            if !yes {
                again = true;
                continue;
            }
            match site_yaml::add_to_site(root, key, w) {
                Ok(Added::Edited(_)) => {
                    writeln!(out, "  added `{w}` to `{}:` in site.yaml", key.key())?;
                    known.push(w.to_string());
                    names.push(w.to_string());
                }
                Ok(Added::AlreadyThere(name)) => names.push(name),
                Ok(Added::NoVocabulary) => names.push(w.to_string()),
                Err(d) => {
                    writeln!(
                        out,
                        "  {}{}",
                        d.message,
                        d.help.map(|h| format!(": {h}")).unwrap_or_default()
                    )?;
                    again = true;
                }
            }
        }
        if !again {
            return Ok(Some(names));
        }
    }
}

/// The names numbered from 1, four to a line.
fn write_list(out: &mut impl Write, names: &[String]) -> std::io::Result<()> {
    for row in names.chunks(4).enumerate() {
        let (r, chunk) = row;
        let cells: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(k, n)| format!("{:>3} {n}", r * 4 + k + 1))
            .collect();
        writeln!(out, " {}", cells.join("  "))?;
    }
    Ok(())
}

fn read_line(input: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim().to_string()))
}
