//! `bulletin build`

use bulletin::build::{BuildOptions, build};
use bulletin::config::Overrides;

use super::{FAILED, OK, human_duration, print_diagnostics};
use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> i32 {
    let opts = BuildOptions {
        root: args.site.root.clone(),
        output: args.output.clone(),
        overrides: Overrides {
            base_url: args.base_url.clone(),
            minify: args.no_minify.then_some(false),
            search: args.no_search.then_some(false),
            stats: args.no_stats.then_some(false),
            strict: args.strict.then_some(true),
        },
        drafts: args.site.drafts,
        progress: true,
        check_links: args.check_links,
        precompress: args.precompress,
    };
    // The search index's base segment before the build, to say when the build rewrote it.
    let base_before = bulletin::search::base_of(&opts.output_dir());
    match build(&opts) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            if let Some(line) = bulletin::search::merge_line(
                base_before,
                bulletin::search::base_of(&opts.output_dir()),
            ) {
                eprintln!("{line}");
            }
            if args.site.verbose {
                for (stage, t) in &report.timings {
                    eprintln!("  {stage:<14} {}", human_duration(*t));
                    if *stage == "render+write"
                        && let Some(t) = report.search_time
                    {
                        eprintln!(
                            "  search         {} (alongside render+write)",
                            human_duration(t)
                        );
                    }
                }
                if let Some(s) = &report.search {
                    eprintln!("  search index   {s}");
                }
                if let Some(c) = &report.changes {
                    eprintln!(
                        "  output files   {} written, {} unchanged, {} removed",
                        c.written, c.unchanged, c.removed
                    );
                }
                for note in &report.notes {
                    eprintln!("note: {note}");
                }
            }
            eprintln!(
                "built {} pages ({} issues, {} articles), {} files, {:.1} MB in {} → {}",
                report.pages,
                report.issues,
                report.articles,
                report.files,
                report.bytes as f64 / 1e6,
                human_duration(report.total_time()),
                opts.output_dir().display()
            );
            OK
        }
        Err(diags) => {
            print_diagnostics(&diags);
            eprintln!(
                "build failed; {} was left as it was",
                opts.output_dir().display()
            );
            FAILED
        }
    }
}
