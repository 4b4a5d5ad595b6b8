//! `bulletin stats`: the counts behind `/stats/`, printed for the quarterly report. Reads front
//! matter only — files unchanged since the last run from a memo, without opening them — and
//! renders nothing, so it answers in well under a second on a large archive.

use std::io::Write;

use bulletin::diagnostics::Diagnostics;
use bulletin::stats::{self, By, Period};

use super::{FAILED, OK, human_duration, print_diagnostics};
use crate::cli::{StatsArgs, StatsBy, StatsFormat, StatsPeriod};

pub fn run(args: StatsArgs) -> i32 {
    let mut query = match stats::parse_range(args.from.as_deref(), args.to.as_deref()) {
        Ok(q) => q,
        Err(d) => {
            print_diagnostics(&Diagnostics(vec![d]));
            return FAILED;
        }
    };
    query.by = match args.by {
        StatsBy::County => By::County,
        StatsBy::Unit => By::Unit,
        StatsBy::Topic => By::Topic,
    };
    query.period = match args.period {
        StatsPeriod::Year => Period::Year,
        StatsPeriod::Quarter => Period::Quarter,
        StatsPeriod::Month => Period::Month,
    };
    let mut timings = Vec::new();
    let loaded = stats::load_site(
        &args.site.root,
        args.site.drafts,
        !args.no_cache,
        &mut timings,
    );
    let (site, warnings, memo) = match loaded {
        Ok(s) => s,
        Err(d) => {
            print_diagnostics(&d);
            return FAILED;
        }
    };
    print_diagnostics(&warnings);
    let start = std::time::Instant::now();
    let table = stats::count(&site, &query);
    timings.push(("count", start.elapsed()));
    // The process ends right after printing: freeing 100,000 articles one allocation at a time
    // takes longer than counting them, and the operating system takes the memory back at once.
    std::mem::forget(site);
    let text = match args.format {
        StatsFormat::Table => stats::text::aligned(&table),
        StatsFormat::Csv => stats::csv::table(&table),
        StatsFormat::Json => stats::text::json(
            &table,
            query.from.map(|d| d.iso()),
            query.to.map(|d| d.iso()),
        ),
    };
    if args.site.verbose {
        for (stage, t) in &timings {
            eprintln!("  {stage:<8} {}", human_duration(*t));
        }
        if memo.files > 0 {
            eprintln!(
                "  {} of {} files from the memo {}{}",
                memo.remembered,
                memo.files,
                stats::cache::FILE,
                if memo.written { " (written anew)" } else { "" }
            );
        }
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => OK,
        // A closed pipe (`| head`) is not a failure worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            eprintln!("error: cannot write the table: {e}");
            FAILED
        }
    }
}
