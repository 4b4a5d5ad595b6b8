//! The crate's architecture, checked by `cargo test`: which module may use which.
//!
//! Zola and mdBook get this guarantee from Cargo (their parts are crates, and crates cannot form
//! a circle); bulletin is one crate, so this test gives it. It reads `src/**/*.rs` as text (std
//! only) and finds every path in code that names a module: `crate::…`, `super::…`, `self::…`
//! and, in the binary's files, `bulletin::…`, in `use` lines and inline alike
//! (`config.root.join(crate::config::CONTENT_DIR)` is a dependency too). Comments, string
//! literals and `#[cfg(test)]` items are skipped: a doc link, or a test that builds a whole site,
//! is not a dependency of the code. It fails, naming the file, the line and both modules, on
//! - a module using a module of a higher layer of [`LAYERS`];
//! - a circle among top-level modules (modules of one layer may use each other, one way round);
//! - a file of a folder using a sibling listed after it in [`FOLDERS`] (a file using its folder's
//!   `mod.rs`, and `mod.rs` using its files, are fine);
//! - a module or file in neither list (or a name in a list that is no module), so that every new
//!   one is placed when it is added.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

// How to place a new top-level module: find the highest layer among the modules it uses, and put
// it in that layer (if none of that layer's modules uses it) or in the one above. If that would
// put it below a module that uses it, do not import upward: move the piece both need down into a
// lower module (a leaf such as `fsutil` or `xml`), or the piece that reaches up into the caller.
// A new file in a folder goes into the folder's line of FOLDERS, after every sibling it uses.

/// The top-level modules in layers, bottom first: a module may use its own layer and those below.
#[rustfmt::skip]
const LAYERS: &[(&str, &[&str])] = &[
    ("leaves: one idea each, using nothing of ours", &["cjk", "fsutil", "minify", "slug", "xml"]),
    ("problems with file and line; HTML and YAML read", &["diagnostics", "html", "yaml"]),
    ("output files, site.yaml (and its government: and review: blocks), front matter", &["write", "government", "config", "review", "frontmatter"]),
    ("the theme, the link check, the files beside articles", &["theme", "links", "assets"]),
    ("bodies to HTML, links to those files rewritten", &["markdown"]),
    ("stage 1: content/ read", &["load"]),
    ("stage 2: what is not 主动公开 left out; the site and every output's path; the importer", &["withhold", "model", "import"]),
    ("what reads the model: the search index, the statistics", &["search", "stats"]),
    ("stage 3: every output rendered", &["render"]),
    ("the pipeline driven: build, init; the built output deployed", &["build", "init", "deploy"]),
    ("the dev server", &["serve"]),
    ("the binary: the command line as clap reads it", &["cli"]),
    ("the binary: one file per subcommand", &["cmd"]),
];

/// The files of each folder, in order: a file may use the files listed before it.
#[rustfmt::skip]
const FOLDERS: &[(&str, &[&str])] = &[
    ("assets", &["image"]),
    ("config", &["deploy"]),
    ("cmd", &["build", "check", "choose", "deploy", "import", "init", "serve", "start", "stats"]),
    ("deploy", &["headers", "target", "plan", "local", "store"]),
    ("import", &["text", "lines", "decode", "docx", "parse", "pdf", "input", "classify", "resolve",
                 "emit", "site_yaml", "upright", "issue"]),
    ("import/docx", &["walk"]),
    ("import/pdf", &["scan", "pixels", "images", "layout"]),
    ("import/parse", &["header", "footer", "body"]),
    ("load", &["walk", "body", "file"]),
    ("markdown", &["files"]),
    ("model", &["paging", "output", "assemble"]),
    ("render", &["templates", "values", "pages", "government", "feeds"]),
    ("review", &["marks", "masthead", "personal", "wording"]),
    ("search", &["codec", "read", "chars", "tokens", "html_text", "segments", "gather", "postings",
                 "charsets", "files"]),
    ("serve", &["mime", "change", "preview", "desk", "http"]),
    ("serve/desk", &["guard", "adapter", "staging", "imports", "publish", "upload"]),
    ("stats", &["csv", "text", "chart", "pages", "cache"]),
    ("stats/pages", &["values"]),
];

#[test]
fn every_module_uses_only_its_own_layer_and_those_below_without_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_sources(&src, "", &mut files);
    assert!(
        files.len() > 50,
        "{} files under {}",
        files.len(),
        src.display()
    );
    let problems = check(&files, LAYERS, FOLDERS);
    assert!(
        problems.is_empty(),
        "{} problem(s) with the architecture (tests/testsuite/architecture.rs says how to place a \
         module):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every `.rs` file under `dir`: its path relative to `src/`, with `/`, and its text.
pub(super) fn read_sources(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let rel = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() {
            read_sources(&path, &rel, out);
        } else if rel.ends_with(".rs") {
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// One use of a module: where, and the path it names, resolved from the crate root.
struct Use {
    line: usize,
    path: Vec<String>,
}

type List<'a> = &'a [(&'a str, &'a [&'a str])];

/// Every problem with `files` (paths relative to `src/`, and texts) against the lists.
fn check(files: &[(String, String)], layers: List<'_>, folders: List<'_>) -> Vec<String> {
    let modules: Vec<(&str, Vec<String>)> = files
        .iter()
        .filter_map(|(f, _)| module_of(f).map(|m| (f.as_str(), m)))
        .collect();
    let mut problems = unplaced(&modules, layers, folders);
    let top: BTreeSet<&str> = modules
        .iter()
        .filter_map(|(_, m)| m.first().map(String::as_str))
        .collect();
    let mut edges = BTreeMap::new();
    for ((file, text), (_, m)) in files
        .iter()
        .filter(|(f, _)| module_of(f).is_some())
        .zip(&modules)
    {
        for u in uses(text, m) {
            problems.extend(misuse(file, m, &u, &top, layers, folders, &mut edges));
        }
    }
    problems.extend(circles(&edges));
    problems
}

/// Every module and file placed in the lists, and no name in them that is not one.
fn unplaced(modules: &[(&str, Vec<String>)], layers: List<'_>, folders: List<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    let top: BTreeSet<&str> = modules
        .iter()
        .filter_map(|(_, m)| m.first().map(String::as_str))
        .collect();
    for m in &top {
        if !layers.iter().any(|(_, ms)| ms.contains(m)) {
            problems.push(format!(
                "top-level module `{m}` is in no layer of LAYERS: place it (see the comment above \
                 LAYERS)"
            ));
        }
    }
    for (i, (_, ms)) in layers.iter().enumerate() {
        for m in ms.iter().filter(|m| !top.contains(**m)) {
            problems.push(format!(
                "LAYERS (layer {}) names `{m}`, which is no module",
                i + 1
            ));
        }
    }
    for (file, m) in modules.iter().filter(|(_, m)| m.len() >= 2) {
        let folder = m[..m.len() - 1].join("/");
        let name = &m[m.len() - 1];
        match folders.iter().find(|(f, _)| *f == folder) {
            Some((_, names)) if names.contains(&name.as_str()) => {}
            Some(_) => problems.push(format!(
                "src/{file}: `{name}` is not in FOLDERS' line for `{folder}`: place it after the \
                 files it uses"
            )),
            None => problems.push(format!(
                "src/{file}: the folder `{folder}` has no line in FOLDERS: add one, its files in \
                 the order they may use each other"
            )),
        }
    }
    let known: BTreeSet<&[String]> = modules.iter().map(|(_, m)| m.as_slice()).collect();
    for (folder, names) in folders {
        for n in names.iter() {
            let m: Vec<String> = folder.split('/').chain([*n]).map(String::from).collect();
            if !known.contains(m.as_slice()) {
                problems.push(format!(
                    "FOLDERS' line for `{folder}` names `{n}`, which is no file"
                ));
            }
        }
    }
    problems
}

/// What is wrong with one use `u` in `file` (of module `m`): a use up a layer, or of a sibling
/// listed later. A use of another top-level module is kept in `edges`, for circles.
fn misuse<'t>(
    file: &str,
    m: &[String],
    u: &Use,
    top: &BTreeSet<&'t str>,
    layers: List<'_>,
    folders: List<'_>,
    edges: &mut BTreeMap<(&'t str, &'t str), (String, usize)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let layer_of = |n: &str| layers.iter().position(|(_, ms)| ms.contains(&n));
    let from = m.first().and_then(|f| top.get(f.as_str()).copied());
    let to = u.path.first().and_then(|t| top.get(t.as_str()).copied());
    if let (Some(from), Some(to)) = (from, to)
        && from != to
    {
        edges
            .entry((from, to))
            .or_insert_with(|| (file.to_string(), u.line));
        if let (Some(a), Some(b)) = (layer_of(from), layer_of(to))
            && b > a
        {
            problems.push(format!(
                "src/{file}:{}: `{from}` (layer {}: {}) uses `{to}` (layer {}: {}), a layer above it",
                u.line,
                a + 1,
                layers[a].0,
                b + 1,
                layers[b].0
            ));
        }
    }
    // The folders this file is in (below the root): its siblings come before it there.
    for depth in 1..m.len() {
        let (folder, child) = (&m[..depth], &m[depth]);
        if u.path.len() <= depth || u.path[..depth] != *folder {
            continue;
        }
        let target = &u.path[depth];
        let folder = folder.join("/");
        let Some((_, names)) = folders.iter().find(|(f, _)| *f == folder) else {
            continue;
        };
        let at = |n: &str| names.iter().position(|x| *x == n);
        if let (Some(i), Some(j)) = (at(child), at(target))
            && j > i
        {
            problems.push(format!(
                "src/{file}:{}: `{folder}/{child}` uses `{folder}/{target}`, which FOLDERS lists \
                 after it ({folder}: {})",
                u.line,
                names.join(", ")
            ));
        }
    }
    problems
}

/// The module path of a file (`import/pdf/mod.rs` → `import::pdf`), `[]` for a crate root, `None`
/// for test modules.
pub(super) fn module_of(file: &str) -> Option<Vec<String>> {
    let mut m: Vec<String> = file
        .strip_suffix(".rs")?
        .split('/')
        .map(String::from)
        .collect();
    if m.last().is_some_and(|l| l == "mod") {
        m.pop();
    }
    if m == ["lib"] || m == ["main"] {
        return Some(Vec::new());
    }
    if m.iter().any(|s| s == "tests") {
        return None;
    }
    Some(m)
}

/// Each circle among the top-level modules once, with the file and line of each of its edges.
fn circles(edges: &BTreeMap<(&str, &str), (String, usize)>) -> Vec<String> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for &(a, b) in edges.keys() {
        next.entry(a).or_default().push(b);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &start in next.keys() {
        // The shortest way back to `start`, breadth first.
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut found = false;
        while let Some(n) = queue.pop_front() {
            for &m in next.get(n).into_iter().flatten() {
                if m == start {
                    came_from.insert(start, n);
                    found = true;
                    break;
                }
                if !came_from.contains_key(m) {
                    came_from.insert(m, n);
                    queue.push_back(m);
                }
            }
            if found {
                break;
            }
        }
        if !found {
            continue;
        }
        let mut cycle = vec![start];
        let mut n = came_from[start];
        while n != start {
            cycle.push(n);
            n = came_from[n];
        }
        cycle.reverse(); // start → … → (back to start)
        cycle.rotate_right(1);
        let mut key = cycle.clone();
        key.sort();
        if !seen.insert(key) {
            continue;
        }
        let steps: Vec<String> = (0..cycle.len())
            .map(|i| {
                let (a, b) = (cycle[i], cycle[(i + 1) % cycle.len()]);
                let (file, line) = &edges[&(a, b)];
                format!("`{a}` uses `{b}` (src/{file}:{line})")
            })
            .collect();
        out.push(format!(
            "a circle among top-level modules: {}",
            steps.join(", ")
        ));
    }
    out
}

/// Every module path in the code of a file of module `m`, resolved from the crate root.
fn uses(text: &str, m: &[String]) -> Vec<Use> {
    let code = without_test_items(&code_only(text));
    let c: Vec<char> = code.chars().collect();
    let mut lines = vec![1; c.len() + 1];
    for i in 0..c.len() {
        lines[i + 1] = lines[i] + usize::from(c[i] == '\n');
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let boundary = i == 0 || !(is_ident(c[i - 1]) || c[i - 1] == '$' || c[i - 1] == ':');
        let Some(w) = word_at(&c, i) else {
            i += 1;
            continue;
        };
        let starts = ["crate", "super", "self", "bulletin"].contains(&w.as_str())
            && path_sep_after(&c, i + w.chars().count()).is_some();
        if !boundary || !starts {
            i += w.chars().count();
            continue;
        }
        // The leading `crate::`, `self::`, `super::super::` resolved against `m`.
        let mut base: Vec<String> = Vec::new();
        let mut j = i;
        let mut first = true;
        while let Some(w) = word_at(&c, j) {
            let Some(after) = path_sep_after(&c, j + w.chars().count()) else {
                break;
            };
            match (w.as_str(), first) {
                ("crate" | "bulletin", true) => base.clear(),
                ("self", true) => base = m.to_vec(),
                ("super", _) => {
                    if first {
                        base = m.to_vec();
                    }
                    base.pop();
                }
                _ => break,
            }
            j = after;
            first = false;
        }
        i = tree(&c, j, base, &lines, &mut out);
    }
    out
}

/// A use tree at `i` (`a::b`, `a::{b, c::d}`, `*`) below `base`: each path it names, with the
/// line of its first word. Returns where it ends.
fn tree(
    c: &[char],
    mut i: usize,
    mut base: Vec<String>,
    lines: &[usize],
    out: &mut Vec<Use>,
) -> usize {
    i = skip_space(c, i);
    let line = lines[i.min(lines.len() - 1)];
    loop {
        i = skip_space(c, i);
        if c.get(i) == Some(&'{') {
            i += 1;
            loop {
                i = skip_space(c, i);
                match c.get(i) {
                    None => return i,
                    Some('}') => return i + 1,
                    Some(',') => i += 1,
                    _ => {
                        let end = tree(c, i, base.clone(), lines, out);
                        i = if end == i { i + 1 } else { end };
                    }
                }
            }
        }
        let Some(w) = word_at(c, i) else {
            // `*`, or the end of the path.
            out.push(Use { line, path: base });
            return if c.get(i) == Some(&'*') { i + 1 } else { i };
        };
        i += w.chars().count();
        if w != "self" {
            base.push(w);
        }
        match path_sep_after(c, i) {
            Some(next) => i = next,
            None => {
                out.push(Use { line, path: base });
                // `as alias`
                let k = skip_space(c, i);
                if word_at(c, k).as_deref() == Some("as") {
                    let k = skip_space(c, k + 2);
                    return k + word_at(c, k).map_or(0, |w| w.chars().count());
                }
                return i;
            }
        }
    }
}

pub(super) fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// The identifier starting at `i`, if one does.
pub(super) fn word_at(c: &[char], i: usize) -> Option<String> {
    if !c.get(i).is_some_and(|&ch| is_ident(ch)) {
        return None;
    }
    let end = (i..c.len()).find(|&k| !is_ident(c[k])).unwrap_or(c.len());
    Some(c[i..end].iter().collect())
}

/// Where the next path segment starts, when `::` (and whitespace) follows `i`.
fn path_sep_after(c: &[char], i: usize) -> Option<usize> {
    let i = skip_space(c, i);
    (c.get(i) == Some(&':') && c.get(i + 1) == Some(&':')).then(|| skip_space(c, i + 2))
}

pub(super) fn skip_space(c: &[char], mut i: usize) -> usize {
    while c.get(i).is_some_and(|ch| ch.is_whitespace()) {
        i += 1;
    }
    i
}

/// The code of a Rust file with comments and the insides of string and character literals
/// blanked out, lines kept where they were.
pub(super) fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    // Blank `c[from..to]`, keeping its line breaks.
    let blank = |out: &mut String, from: usize, to: usize| {
        for &ch in &c[from..to.min(c.len())] {
            out.push(if ch == '\n' { '\n' } else { ' ' });
        }
    };
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '/' && next == Some('/') {
            let end = (i..c.len()).find(|&k| c[k] == '\n').unwrap_or(c.len());
            blank(&mut out, i, end);
            i = end;
        } else if ch == '/' && next == Some('*') {
            let (mut k, mut depth) = (i, 0);
            while k < c.len() {
                if c[k] == '/' && c.get(k + 1) == Some(&'*') {
                    depth += 1;
                    k += 2;
                } else if c[k] == '*' && c.get(k + 1) == Some(&'/') {
                    depth -= 1;
                    k += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    k += 1;
                }
            }
            blank(&mut out, i, k);
            i = k;
        } else if ch == 'r'
            && (i == 0
                || !is_ident(c[i - 1])
                || (c[i - 1] == 'b' && (i < 2 || !is_ident(c[i - 2]))))
            && {
                let h = (i + 1..c.len()).find(|&k| c[k] != '#').unwrap_or(c.len());
                c.get(h) == Some(&'"')
            }
        {
            // A raw string: r"…", r#"…"#, br#"…"#.
            let open = (i + 1..c.len()).find(|&k| c[k] != '#').unwrap();
            let hashes = open - i - 1;
            let mut k = open + 1;
            while k < c.len() && !(c[k] == '"' && (1..=hashes).all(|h| c.get(k + h) == Some(&'#')))
            {
                k += 1;
            }
            out.push('r');
            blank(&mut out, i + 1, k + 1 + hashes);
            i = k + 1 + hashes;
        } else if ch == '"' {
            let mut k = i + 1;
            while k < c.len() && c[k] != '"' {
                k += if c[k] == '\\' { 2 } else { 1 };
            }
            out.push('"');
            blank(&mut out, i + 1, k);
            out.push('"');
            i = k + 1;
        } else if ch == '\'' && (next == Some('\\') || c.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{3000}'); otherwise a lifetime.
            let from = if next == Some('\\') { i + 3 } else { i + 2 };
            let k = (from..c.len()).find(|&k| c[k] == '\'').unwrap_or(c.len());
            out.push('\'');
            blank(&mut out, i + 1, k);
            out.push('\'');
            i = k + 1;
        } else {
            out.push(ch);
            i += 1;
        }
    }
    out
}

/// `code` with every `#[cfg(test)]` item blanked out (a `mod tests;`, a `mod tests { … }`, a
/// helper function), lines kept where they were.
pub(super) fn without_test_items(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    let attr: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + attr.len() <= c.len() {
        if c[i..i + attr.len()] != attr[..] {
            i += 1;
            continue;
        }
        // The item ends at its `;` before any `{`, or where its first `{` closes.
        let mut k = i + attr.len();
        let mut depth = 0;
        while k < c.len() {
            match c[k] {
                ';' if depth == 0 => break,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        let end = (k + 1).min(c.len());
        for ch in &mut c[i..end] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        i = k + 1;
    }
    c.into_iter().collect()
}

// The checker itself, on small made-up crates: each test would pass on a checker that finds
// nothing, were it not for the problem it expects.

fn crate_of(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect()
}

#[rustfmt::skip]
const TOY_LAYERS: &[(&str, &[&str])] = &[
    ("bottom", &["low", "leaf"]),
    ("top", &["high"]),
];

#[test]
fn the_checker_finds_an_upward_use_in_an_expression_with_file_line_and_both_modules() {
    let files = crate_of(&[
        ("lib.rs", "pub mod high;\npub mod leaf;\npub mod low;\n"),
        ("high.rs", "use crate::leaf::X;\n"),
        ("leaf.rs", "pub const X: u8 = 1;\n"),
        (
            "low.rs",
            "//! [`crate::high`] in a doc link is no use.\npub fn f() -> u8 {\n    let s = \"crate::high\";\n    crate::high::g() + crate::leaf::X\n}\n",
        ),
    ]);
    assert_eq!(
        check(&files, TOY_LAYERS, &[]),
        ["src/low.rs:4: `low` (layer 1: bottom) uses `high` (layer 2: top), a layer above it"]
    );
}

#[test]
fn the_checker_finds_a_circle_within_one_layer() {
    let files = crate_of(&[
        ("high.rs", ""),
        ("leaf.rs", "use crate::{\n    high as _,\n    low::Y,\n};\n"),
        (
            "low.rs",
            "pub struct Y;\nfn f() { let _ = super::leaf::X; }\n",
        ),
    ]);
    let problems = check(&files, TOY_LAYERS, &[]);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    // `leaf.rs:2` names `high` in a group spread over lines: an upward use, on its own line.
    assert_eq!(
        problems[0],
        "src/leaf.rs:2: `leaf` (layer 1: bottom) uses `high` (layer 2: top), a layer above it"
    );
    assert_eq!(
        problems[1],
        "a circle among top-level modules: `leaf` uses `low` (src/leaf.rs:3), `low` uses `leaf` \
         (src/low.rs:2)"
    );
}

#[test]
fn the_checker_finds_a_file_using_a_sibling_listed_after_it() {
    let files = crate_of(&[
        ("high.rs", ""),
        ("leaf.rs", ""),
        (
            "low/mod.rs",
            "mod a;\nmod b;\nmod c;\npub struct Shared;\nuse c::Z;\n",
        ),
        (
            "low/a.rs",
            "use super::Shared;\nuse super::{\n    b::X,\n};\n",
        ),
        ("low/b.rs", "pub struct X;\nuse crate::low::a;\n"),
        (
            "low/c.rs",
            "pub struct Z;\n#[cfg(test)]\nmod tests {\n    use super::super::b;\n}\n",
        ),
    ]);
    let folders: &[(&str, &[&str])] = &[("low", &["a", "b", "c"])];
    assert_eq!(
        check(&files, TOY_LAYERS, folders),
        ["src/low/a.rs:3: `low/a` uses `low/b`, which FOLDERS lists after it (low: a, b, c)"]
    );
}

#[test]
fn the_checker_asks_for_every_module_and_file_to_be_placed() {
    let files = crate_of(&[
        ("high.rs", ""),
        ("leaf.rs", ""),
        ("low/mod.rs", "mod a;\n"),
        ("low/a.rs", ""),
        ("low/tests.rs", "use crate::high;\n"),
        ("new.rs", ""),
    ]);
    assert_eq!(
        check(&files, TOY_LAYERS, &[("low", &["b"])]),
        [
            "top-level module `new` is in no layer of LAYERS: place it (see the comment above \
             LAYERS)",
            "src/low/a.rs: `a` is not in FOLDERS' line for `low`: place it after the files it uses",
            "FOLDERS' line for `low` names `b`, which is no file",
        ]
    );
}

#[test]
fn the_checker_reads_paths_as_rust_does() {
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let paths = |text: &str, module: &str| -> Vec<(usize, String)> {
        uses(text, &m(module))
            .into_iter()
            .map(|u| (u.line, u.path.join("::")))
            .collect()
    };
    assert_eq!(
        paths(
            "use super::super::x::{self, y::*, z as w};\nlet r = r#\"crate::no\"#; let c = '\"';\nself::q(crate::a::b);\n/* crate::no */ let l: &'static str = bulletin::k::v;",
            "p::q::r"
        ),
        [
            (1, "p::x".to_string()),
            (1, "p::x::y".to_string()),
            (1, "p::x::z".to_string()),
            (3, "p::q::r::q".to_string()),
            (3, "a::b".to_string()),
            (4, "k::v".to_string()),
        ]
    );
}
