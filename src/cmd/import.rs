//! `bulletin import FILE...`

use std::io::IsTerminal;

use bulletin::diagnostics::{Diagnostic, Diagnostics};
use bulletin::import::resolve::{Choices, Field};
use bulletin::import::{FileState, ImportOptions, ImportReport, open_diagnostics, plan, write};

use super::choose::{Asked, ask};
use super::{FAILED, OK, print_diagnostics};
use crate::cli::ImportArgs;

pub fn run(args: ImportArgs) -> i32 {
    let mut opts = ImportOptions {
        root: args.root.clone(),
        into: args.into.clone(),
        files: args.files.clone(),
        force: args.force,
        dry_run: args.dry_run,
        choices: Choices::default(),
    };
    if let Err(d) = choices_from_flags(&args, &mut opts.choices) {
        print_diagnostics(&d);
        eprintln!("import failed; nothing was written");
        return FAILED;
    }
    // Ask only a person: stdin and stderr on a terminal, and not told otherwise.
    let interactive =
        !args.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut report = loop {
        let report = match plan(&opts) {
            Ok(r) => r,
            Err(diags) => {
                print_diagnostics(&diags);
                eprintln!("import failed; nothing was written");
                return FAILED;
            }
        };
        if report.is_settled() {
            break report;
        }
        if interactive {
            print_diagnostics(&report.warnings);
            match ask(&report, &opts.root, &mut opts.choices) {
                Ok(Asked::Again) => continue,
                Ok(Asked::Stopped) => eprintln!("stopped"),
                Err(e) => eprintln!("cannot ask on the terminal: {e}"),
            }
            eprintln!("import stopped; nothing was written");
            return FAILED;
        }
        let open = report.open().count();
        print_diagnostics(&report.warnings);
        print_diagnostics(&open_diagnostics(&report, opts.dry_run, false));
        eprintln!(
            "import stopped: {open} article{} need{} a choice (--topic, --county); nothing was written",
            if open == 1 { "" } else { "s" },
            if open == 1 { "s" } else { "" },
        );
        return FAILED;
    };
    if let Err(diags) = write(&mut report, &opts) {
        print_diagnostics(&diags);
        eprintln!("import failed");
        return FAILED;
    }
    print!("{}", summary(&report, opts.dry_run));
    print_diagnostics(&report.warnings);
    let unchanged = report
        .issues
        .iter()
        .flat_map(|i| &i.files)
        .filter(|f| f.state == FileState::Unchanged)
        .count();
    let total: usize = report.issues.iter().map(|i| i.files.len()).sum();
    if opts.dry_run {
        eprintln!(
            "dry run: {} of {total} files would be written ({unchanged} unchanged); nothing was written",
            total - unchanged
        );
    } else {
        eprintln!(
            "imported {} issue{}: wrote {} files, {unchanged} unchanged",
            report.issues.len(),
            if report.issues.len() == 1 { "" } else { "s" },
            report.written
        );
    }
    OK
}

/// `--topic` and `--county` into choices; a malformed one is an error.
fn choices_from_flags(args: &ImportArgs, choices: &mut Choices) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    let flags = args
        .topics
        .iter()
        .map(|v| (Field::Topics, v))
        .chain(args.counties.iter().map(|v| (Field::County, v)));
    for (field, value) in flags {
        let flag = match field {
            Field::Topics => "--topic",
            Field::County => "--county",
        };
        match Choices::parse_flag(value) {
            Ok((issue, n, names)) => match field {
                Field::Topics => choices.set_topics(issue.as_deref(), n, names),
                Field::County if names.len() == 1 => {
                    choices.set_county(issue.as_deref(), n, names.into_iter().next().unwrap_or_default())
                }
                Field::County => diags.push(
                    Diagnostic::error(format!("{flag} {value}: an article has one county"))
                        .with_help("write e.g. `--county 3=于都县`")
                        .zh(format!("{flag} {value}：一篇文章只属于一个县区"))
                        .zh_help("例如写 `--county 3=于都县`"),
                ),
            },
            Err([e, e_zh]) => diags.push(
                Diagnostic::error(format!("{flag} {value}: {e}"))
                    .with_help(format!("write e.g. `{flag} 3=NAME`, or `{flag} 2021-131:3=NAME` when importing several files"))
                    .zh(format!("{flag} {value}：{e_zh}"))
                    .zh_help(format!("例如写 `{flag} 3=名称`；一次导入几个文件时写 `{flag} 2021-131:3=名称`")),
            ),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}

/// What was found in each input, and (in a dry run) every file's text.
fn summary(report: &ImportReport, dry_run: bool) -> String {
    let mut out = String::new();
    for issue in &report.issues {
        out.push_str(&format!(
            "{} ({}) → {}/\n",
            issue.source.display(),
            issue.format,
            issue.dir.display()
        ));
        out.push_str(&format!("  第{}期  {}", issue.number, issue.date));
        if let Some(s) = &issue.series {
            out.push_str(&format!("  {s}"));
        }
        if let Some(e) = &issue.editor {
            out.push_str(&format!("  {e}编"));
        }
        out.push('\n');
        if issue.has_intro {
            out.push_str("  introduction (editor's note) in _index.md\n");
        }
        if !issue.extra_keys.is_empty() {
            out.push_str(&format!(
                "  also in _index.md: {}\n",
                issue.extra_keys.join(", ")
            ));
        }
        if issue.pictures_kept + issue.pictures_skipped > 0 {
            out.push_str(&format!(
                "  pictures: {} kept, {} skipped (under 2 cm or on every page: rules, logos)\n",
                issue.pictures_kept, issue.pictures_skipped
            ));
        }
        for a in &issue.articles {
            out.push_str(&format!("  {:>2}. {}  {}\n", a.number, a.file, a.title));
            out.push_str(&format!(
                "      county: {} ({})  unit: {}  topics: {} ({})\n",
                a.county,
                a.county_from.describe(Field::County),
                a.unit.as_deref().unwrap_or("—"),
                a.topics.join("、"),
                a.topics_from.describe(Field::Topics)
            ));
        }
        for f in &issue.files {
            let state = match (f.state, dry_run) {
                (FileState::New, false) => "created",
                (FileState::New, true) => "would create",
                (FileState::Overwrite, false) => "overwrote",
                (FileState::Overwrite, true) => "would overwrite",
                (FileState::Unchanged, _) => "unchanged",
            };
            out.push_str(&format!("  {state:<15} {}\n", f.display.display()));
        }
        if dry_run {
            for f in issue
                .files
                .iter()
                .filter(|f| f.state != FileState::Unchanged)
            {
                match std::str::from_utf8(&f.bytes) {
                    Ok(text) if f.path.extension().is_some_and(|x| x == "md") => {
                        out.push_str(&format!("\n==> {} <==\n{text}", f.display.display()));
                    }
                    _ => out.push_str(&format!(
                        "\n==> {} <==\n({} bytes, a picture of the input)\n",
                        f.display.display(),
                        f.bytes.len()
                    )),
                }
            }
            out.push('\n');
        }
    }
    out
}
