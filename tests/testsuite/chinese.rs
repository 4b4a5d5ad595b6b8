//! Every diagnostic made in `src/` carries its Chinese, for the 工作台: checked by `cargo test`.
//!
//! The command line prints a diagnostic's English; the 工作台 shows clerks its Chinese, set with
//! `.zh(…)` and `.zh_help(…)` where it is made (src/diagnostics.rs). This test reads `src/**/*.rs`
//! as text, as `architecture.rs` does (comments, string literals and `#[cfg(test)]` items left
//! out), follows the builder chain of each `Diagnostic::error(…)` and `Diagnostic::warning(…)`
//! (through `if … { … } else { … }.with_path(…)` too), and fails, naming the file and line, on
//! - a construction whose chain has no `.zh(…)`;
//! - a `.with_help(…)` whose chain does not go on to a `.zh_help(…)`, wherever the diagnostic
//!   was made (a helper such as `Review::finding` makes it, its caller adds the help);
//! - `Diagnostic::cannot_write("English words", …)` without a `.zh(…)` (with a path it needs none:
//!   the path is the same in both languages);
//! - `Diagnostic::error` or `Diagnostic::warning` passed as a function, whose chain cannot be seen.
//!
//! A helper that builds diagnostics from a pattern takes each text as `[English, Chinese]`, so
//! its callers cannot leave the Chinese out: the compiler checks those.

use std::path::Path;

use super::architecture::{
    code_only, is_ident, module_of, read_sources, skip_space, without_test_items, word_at,
};

#[test]
fn every_diagnostic_made_in_src_has_its_chinese() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_sources(&src, "", &mut files);
    let mut made = 0;
    let mut problems = Vec::new();
    for (file, text) in files.iter().filter(|(f, _)| module_of(f).is_some()) {
        let (n, p) = missing_chinese(file, text);
        made += n;
        problems.extend(p);
    }
    assert!(made > 100, "only {made} diagnostics found in src/");
    println!("{made} diagnostics made in src/, each with its Chinese");
    assert!(
        problems.is_empty(),
        "{} diagnostic(s) without their Chinese (the 工作台 shows clerks the Chinese: chain \
         `.zh(\"…\")` where the diagnostic is made, and `.zh_help(\"…\")` after its \
         `.with_help(…)`; see src/diagnostics.rs):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

const MAKERS: [&str; 3] = [
    "Diagnostic::error",
    "Diagnostic::warning",
    "Diagnostic::cannot_write",
];

/// The diagnostics made in one file (`file` relative to `src/`, `text` its source), and what is
/// missing from them, as `src/FILE:LINE: …`.
fn missing_chinese(file: &str, text: &str) -> (usize, Vec<String>) {
    let code: Vec<char> = without_test_items(&code_only(text)).chars().collect();
    let line_of = |i: usize| code[..i].iter().filter(|&&ch| ch == '\n').count() + 1;
    let mut made = 0;
    let mut problems = Vec::new();
    for maker in MAKERS {
        let m: Vec<char> = maker.chars().collect();
        for at in find_all(&code, &m) {
            let before = &code[..at];
            if before.last().is_some_and(|&ch| is_ident(ch)) || before.ends_with(&['.', '.']) {
                // Part of a longer name, or `..Diagnostic::error(…)` in a struct update: the
                // constructor itself.
                continue;
            }
            let end = at + m.len();
            if word_at(&code, end).is_some() {
                continue; // `Diagnostic::errors…`
            }
            let open = skip_space(&code, end);
            if code.get(open) != Some(&'(') {
                problems.push(format!(
                    "src/{file}:{}: `{maker}` used as a function: make the diagnostic where its \
                     `.zh(…)` can be chained",
                    line_of(at)
                ));
                continue;
            }
            made += 1;
            let literal = code.get(skip_space(&code, open + 1)) == Some(&'"');
            let methods = chain(&code, closing(&code, open, '(', ')') + 1);
            let needs_zh = maker != "Diagnostic::cannot_write" || literal;
            if needs_zh && !methods.iter().any(|m| m == "zh") {
                problems.push(format!(
                    "src/{file}:{}: `{maker}(…)` without `.zh(…)`",
                    line_of(at)
                ));
            }
        }
    }
    let help: Vec<char> = ".with_help".chars().collect();
    for at in find_all(&code, &help) {
        let open = skip_space(&code, at + help.len());
        if word_at(&code, at + help.len()).is_some() || code.get(open) != Some(&'(') {
            continue;
        }
        let methods = chain(&code, closing(&code, open, '(', ')') + 1);
        if !methods.iter().any(|m| m == "zh_help") {
            problems.push(format!(
                "src/{file}:{}: `.with_help(…)` not followed by `.zh_help(…)` in its chain",
                line_of(at)
            ));
        }
    }
    (made, problems)
}

/// Where `needle` starts in `c`, each time.
fn find_all(c: &[char], needle: &[char]) -> Vec<usize> {
    (0..c.len().saturating_sub(needle.len() - 1))
        .filter(|&i| c[i..].starts_with(needle))
        .collect()
}

/// The index of the `close` matching the `open` at `i` (or the end of the text).
fn closing(c: &[char], i: usize, open: char, close: char) -> usize {
    let mut depth = 0;
    for (k, &ch) in c.iter().enumerate().skip(i) {
        if ch == open {
            depth += 1;
        } else if ch == close {
            depth -= 1;
            if depth == 0 {
                return k;
            }
        }
    }
    c.len()
}

/// The methods called one after another from `i` (just after a call): `.with_path(…)`,
/// `.zh(…)`…. A chain goes on after the end of an `if` or `else` block it ends
/// (`if a { Diagnostic::error(x) } else { Diagnostic::warning(x) }.with_path(…)`).
fn chain(c: &[char], mut i: usize) -> Vec<String> {
    let mut methods = Vec::new();
    loop {
        let k = skip_space(c, i);
        match c.get(k) {
            Some('.') => {
                let Some(w) = word_at(c, k + 1) else {
                    return methods;
                };
                let open = skip_space(c, k + 1 + w.chars().count());
                if c.get(open) != Some(&'(') {
                    return methods;
                }
                methods.push(w);
                i = closing(c, open, '(', ')') + 1;
            }
            Some('}') => {
                // Out of a block: on past any `else` blocks, to a chain on the whole `if`.
                let mut j = skip_space(c, k + 1);
                while word_at(c, j).as_deref() == Some("else") {
                    let Some(brace) = (j..c.len()).find(|&b| c[b] == '{') else {
                        return methods;
                    };
                    j = skip_space(c, closing(c, brace, '{', '}') + 1);
                }
                if c.get(j) != Some(&'.') {
                    return methods;
                }
                i = j;
            }
            _ => return methods,
        }
    }
}

// The checker itself, on made-up files: each would pass a checker that finds nothing, were it not
// for the problem it expects.

#[test]
fn the_checker_follows_each_chain_and_names_the_line_without_chinese() {
    let text = "fn f() -> Diagnostic {\n    Diagnostic::error(\"a\")\n        .with_path(p)\n        .zh(\"甲\")\n}\nfn g() {\n    let d = Diagnostic::warning(format!(\"b {x}\")).with_path(p);\n    // Diagnostic::error(\"in a comment\")\n    let s = \"Diagnostic::error(in a string)\";\n}\n";
    let (made, problems) = missing_chinese("x.rs", text);
    assert_eq!(made, 2);
    assert_eq!(
        problems,
        ["src/x.rs:7: `Diagnostic::warning(…)` without `.zh(…)`"]
    );
}

#[test]
fn the_checker_follows_a_chain_past_if_and_else_and_wants_zh_help_after_with_help() {
    let text = "fn f() {\n    let d = if e {\n        Diagnostic::error(m.clone())\n    } else {\n        Diagnostic::warning(m.clone())\n    }\n    .with_help(h)\n    .zh(z);\n    out.push(self.finding([a, b]).with_help(h));\n}\n";
    let (made, problems) = missing_chinese("x.rs", text);
    assert_eq!(made, 2);
    assert_eq!(
        problems,
        [
            "src/x.rs:7: `.with_help(…)` not followed by `.zh_help(…)` in its chain",
            "src/x.rs:9: `.with_help(…)` not followed by `.zh_help(…)` in its chain",
        ]
    );
}

#[test]
fn the_checker_wants_chinese_for_cannot_write_with_english_words_and_ignores_tests() {
    let text = "fn f() {\n    a.map_err(|e| Diagnostic::cannot_write(path, e))?;\n    b.map_err(|e| Diagnostic::cannot_write(\"the site\", e))?;\n    c.map(Diagnostic::warning);\n    let d = Diagnostic { ..Diagnostic::error(m) };\n}\n#[cfg(test)]\nmod tests {\n    fn t() { Diagnostic::error(\"x\"); }\n}\n";
    let (made, problems) = missing_chinese("x.rs", text);
    assert_eq!(made, 2);
    assert_eq!(
        problems,
        [
            "src/x.rs:4: `Diagnostic::warning` used as a function: make the diagnostic where its \
             `.zh(…)` can be chained",
            "src/x.rs:3: `Diagnostic::cannot_write(…)` without `.zh(…)`",
        ]
    );
}
