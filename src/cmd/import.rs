//! `bulletin import FILE...`

use bulletin::import::{FileState, ImportOptions, ImportReport, import};

use super::{FAILED, OK, print_diagnostics};
use crate::cli::ImportArgs;

pub fn run(args: ImportArgs) -> i32 {
    let opts = ImportOptions {
        root: args.root.clone(),
        into: args.into.clone(),
        files: args.files.clone(),
        force: args.force,
        dry_run: args.dry_run,
    };
    match import(&opts) {
        Ok(report) => {
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
        Err(diags) => {
            print_diagnostics(&diags);
            eprintln!("import failed; nothing was written");
            FAILED
        }
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
        for a in &issue.articles {
            out.push_str(&format!("  {}  {}\n", a.file, a.title));
            out.push_str(&format!(
                "      county: {}  unit: {}  topics: {}\n",
                a.county,
                a.unit.as_deref().unwrap_or("—"),
                a.topics.join("、")
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
