//! What the statistics cost a build, measured directly rather than as the difference of two noisy
//! builds: the site is loaded once, then everything `/stats/` and the charts need (counting, the
//! SVG charts, the template values) is built `--runs` times, and each CSV file written to memory;
//! then, timed apart, every `/stats/YEAR/` page's value and CSV files (made as those pages are
//! rendered, in parallel with the others).
//! Used for the figure in docs/performance.md:
//!
//!   cargo run --release --example stats_cost -- bench/work/corpus-10000 --runs 20

use std::time::Instant;

use bulletin::build::{BuildOptions, prepare};
use bulletin::model::CsvFile;
use bulletin::stats::pages;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().expect("usage: stats_cost SITE_DIR [--runs N]");
    let runs: usize = match (args.next().as_deref(), args.next()) {
        (Some("--runs"), Some(n)) => n.parse().expect("--runs N"),
        _ => 10,
    };
    let start = Instant::now();
    let prepared = match prepare(&BuildOptions::new(&root)) {
        Ok(p) => p,
        Err(d) => {
            eprint!("{}", d.render(false));
            std::process::exit(1);
        }
    };
    let load = start.elapsed();
    let site = &prepared.site;
    let today = bulletin::stats::today();
    let mut times = Vec::with_capacity(runs);
    let mut year_times = Vec::with_capacity(runs);
    let mut bytes = 0;
    let years = site.stats_years();
    for _ in 0..runs {
        let t = Instant::now();
        let p = pages::build(site, today);
        bytes = CsvFile::ALL.iter().map(|&f| p.csv(f).len()).sum::<usize>();
        times.push(t.elapsed());
        // Each year's page value and CSV files: made when those pages are rendered, in parallel
        // with the others; timed here one after another, as the CPU they cost.
        let t = Instant::now();
        for &y in &years {
            std::hint::black_box(p.year_value(site, y));
            bytes += CsvFile::YEAR
                .iter()
                .map(|&f| p.year_csv(y, f).len())
                .sum::<usize>();
        }
        year_times.push(t.elapsed());
    }
    times.sort();
    year_times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    println!(
        "{} articles: load+model {:.0} ms; statistics (counting, charts, template values, CSV) median {:.2} ms over {runs} runs (min {:.2}, max {:.2}); {} year pages' values and CSV median {:.2} ms (min {:.2}); CSV {bytes} bytes",
        site.articles.len(),
        ms(load),
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        years.len(),
        ms(year_times[year_times.len() / 2]),
        ms(year_times[0]),
    );
}
