//! `bulletin deploy`: choose the target, read its state, plan, check the plan's safety, then
//! (unless `--dry-run`) run it with a progress bar on a terminal, print a summary and write
//! `changed-urls.txt`. The decisions are the library's (`bulletin::deploy`); this only prints.

use std::io::{BufRead, IsTerminal, Write};

use bulletin::config::Config;
use bulletin::deploy::{self, Kind, Progress};

use super::{FAILED, OK, human_duration, print_diagnostics};
use crate::cli::DeployArgs;

pub fn run(args: DeployArgs) -> i32 {
    match deploy_site(&args) {
        Ok(()) => OK,
        Err(message) => {
            eprintln!("error: {message}");
            FAILED
        }
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn deploy_site(args: &DeployArgs) -> Result<(), String> {
    let config = match Config::load(&args.root) {
        Ok(c) => c,
        Err(d) => {
            print_diagnostics(&d);
            return Err("site.yaml has errors; nothing was deployed".to_string());
        }
    };
    let output = args.root.join(&args.output);
    let chosen = deploy::choose(&config, args.target.as_deref())?;
    let shown = match &chosen.name {
        Some(n) => format!("{n} ({})", chosen.target),
        None => chosen.target.to_string(),
    };
    eprintln!("deploying {} to {shown}", output.display());
    let store = deploy::Store::open(&chosen.target)?;
    let remote = store.state()?;
    let local = deploy::scan(&output, &chosen.rules, remote.manifest.is_none())?;
    let plan = deploy::plan(&local, &remote);
    let uploads: Vec<_> = plan.uploads().collect();
    let deletes: Vec<_> = plan.deletes().collect();
    let upload_bytes: u64 = uploads.iter().map(|a| a.size).sum();
    let kept = plan.kept().count();

    if args.dry_run {
        let mut out = std::io::stdout().lock();
        for a in plan.actions.iter() {
            let verb = match a.kind {
                Kind::Upload => "upload",
                Kind::Delete => "delete",
                Kind::Keep if args.verbose => "keep  ",
                Kind::Keep => continue,
            };
            let _ = writeln!(out, "{verb} {}  ({})", a.path, a.reason);
        }
        if plan.write_manifest {
            let _ = writeln!(
                out,
                "upload {}  (the record of what the target holds)",
                deploy::MANIFEST
            );
        }
        let _ = writeln!(
            out,
            "plan: upload {} files ({}), delete {}, keep {} unchanged; nothing was changed (--dry-run)",
            uploads.len(),
            mb(upload_bytes),
            deletes.len(),
            kept
        );
    }
    let max_deletes = args.max_deletes.unwrap_or(deploy::MAX_DELETES);
    if let Some(why) = plan.refusal(max_deletes, args.max_deletes.is_some()) {
        return Err(why);
    }
    if args.dry_run {
        return Ok(());
    }
    if plan.is_empty() {
        eprintln!("nothing to do: the target holds all {kept} files as they are");
        write_changed_urls(args, &config, &[])?;
        return Ok(());
    }
    if args.confirm {
        eprint!(
            "upload {} files ({}), delete {}, keep {} unchanged at {shown}. Go on? [y/N] ",
            uploads.len(),
            mb(upload_bytes),
            deletes.len(),
            kept
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "是") {
            return Err("not confirmed; nothing was changed".to_string());
        }
    }

    let bar = std::io::stderr().is_terminal().then(|| {
        let total = uploads.len() + deletes.len() + usize::from(plan.write_manifest);
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} deploying {pos}/{len} files {wide_bar} {msg} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut on_progress = |p: &Progress| {
        if let Some(bar) = &bar {
            bar.set_position(p.done as u64);
            bar.set_message(format!("{}/{}", mb(p.bytes_done), mb(p.bytes_total)));
        }
    };
    let result = store.run(&plan, &output, &mut on_progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = result.map_err(|e| {
        format!("{e}\n  the target serves each file's old or new version; run the same deploy again to finish")
    })?;
    write_changed_urls(args, &config, &summary.changed)?;
    eprintln!(
        "uploaded {} files / {}, deleted {}, unchanged {}, {} operations in {}",
        summary.uploaded,
        mb(summary.uploaded_bytes),
        summary.deleted,
        summary.unchanged,
        summary.operations,
        human_duration(summary.elapsed)
    );
    if !store.keeps_headers() {
        eprintln!(
            "note: this target keeps no headers: the web server sets Content-Type and Cache-Control (docs/publishing.md)"
        );
    }
    Ok(())
}

/// `changed-urls.txt`: one URL a line, for the CDN's purge; empty when nothing changed.
fn write_changed_urls(
    args: &DeployArgs,
    config: &Config,
    changed: &[String],
) -> Result<(), String> {
    let path = args.root.join(&args.changed_urls);
    let mut text = String::new();
    for url in deploy::changed_urls(&config.base_url, changed) {
        text.push_str(&url);
        text.push('\n');
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
