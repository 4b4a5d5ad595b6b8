//! `bulletin check`

use bulletin::build::{BuildOptions, check};

use super::{FAILED, OK, human_duration, print_diagnostics};
use crate::cli::CheckArgs;

pub fn run(args: CheckArgs) -> i32 {
    let mut opts = BuildOptions::new(args.site.root.clone());
    opts.drafts = args.site.drafts;
    opts.overrides.strict = args.strict.then_some(true);
    match check(&opts) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            if args.site.verbose {
                for (stage, t) in &report.timings {
                    eprintln!("  {stage:<14} {}", human_duration(*t));
                }
            }
            eprintln!(
                "ok: {} issues, {} articles, {} pages checked in {}",
                report.issues,
                report.articles,
                report.pages,
                human_duration(report.total_time())
            );
            OK
        }
        Err(diags) => {
            print_diagnostics(&diags);
            FAILED
        }
    }
}
