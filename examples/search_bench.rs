//! How long the search index takes to build, apart from the rest of the build: the site is
//! loaded once, then `bulletin::search::write` runs R times into a sink that drops the files.
//!
//! ```sh
//! cargo run --release --example search_bench -- --root /work/benchwork/corpus-10000 --runs 7
//! ```
//!
//! Per run it prints the wall time and the CPU time of the whole process (every thread, user and
//! system), then the medians and the index's figures. CPU time is read from Linux's `/proc`
//! rather than `getrusage`, so the example needs nothing beyond the library: the sum of
//! `/proc/self/task/*/schedstat` (nanoseconds, but only of threads still alive, which rayon's
//! pool threads are) and `/proc/self/stat`'s utime + stime (every thread, in clock ticks of
//! 10 ms, assuming the usual `CLK_TCK` of 100).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The allocator the `bulletin` binary uses (src/main.rs), so allocation costs what it costs in a
/// build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of the process so far: (sum of the live threads' schedstat, utime + stime, stime).
fn cpu_now() -> (Duration, Duration, Duration) {
    let mut sched = 0u64;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("schedstat")) {
                sched += s
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name is in parentheses and may hold spaces: fields are counted after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line; `after` starts at field 3.
    let field = |i: usize| -> u64 { fields.get(i).and_then(|v| v.parse().ok()).unwrap_or(0) };
    let (utime, stime) = (field(11), field(12));
    (
        Duration::from_nanos(sched),
        Duration::from_millis((utime + stime) * 10),
        Duration::from_millis(stime * 10),
    )
}

/// The process's peak resident memory so far (`VmHWM`), in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> ExitCode {
    let mut root = None;
    let mut runs = 7usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--root", Some(v)) => root = Some(PathBuf::from(v)),
            ("--runs", Some(v)) => match v.parse() {
                Ok(r) if r > 0 => runs = r,
                _ => {
                    eprintln!("--runs takes a positive number, not {v}");
                    return ExitCode::FAILURE;
                }
            },
            _ => {
                eprintln!("usage: search_bench --root DIR [--runs R]");
                return ExitCode::FAILURE;
            }
        }
    }
    let Some(root) = root else {
        eprintln!("usage: search_bench --root DIR [--runs R]");
        return ExitCode::FAILURE;
    };
    let loaded = Instant::now();
    let prepared = match bulletin::build::prepare(&bulletin::build::BuildOptions::new(&root)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot load {}: {e:?}", root.display());
            return ExitCode::FAILURE;
        }
    };
    println!(
        "loaded {} articles in {:.2?}; {} threads",
        prepared.site.articles.len(),
        loaded.elapsed(),
        rayon::current_num_threads()
    );
    let (mut walls, mut scheds, mut ticks, mut syss) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut stats = None;
    let peak_loaded = peak_mib();
    for run in 1..=runs {
        let (s0, t0, y0) = cpu_now();
        let start = Instant::now();
        let s = bulletin::search::write(&prepared.site, &bulletin::write::NullSink);
        let wall = start.elapsed();
        let (s1, t1, y1) = cpu_now();
        match s {
            Ok(s) => stats = Some(s),
            Err(e) => {
                eprintln!("search::write failed: {e}");
                return ExitCode::FAILURE;
            }
        }
        let (sched, tick, sys) = (s1 - s0, t1.saturating_sub(t0), y1.saturating_sub(y0));
        println!(
            "run {run}: wall {:7.1} ms  cpu {:7.1} ms (schedstat)  {:5} ms (utime+stime, of which {} ms stime)",
            wall.as_secs_f64() * 1e3,
            sched.as_secs_f64() * 1e3,
            tick.as_millis(),
            sys.as_millis()
        );
        if run == 1 {
            println!(
                "  the first run takes memory fresh from the system, as a build does: peak {:.0} MiB after loading, {:.0} MiB after it",
                peak_loaded,
                peak_mib()
            );
        }
        walls.push(wall);
        scheds.push(sched);
        ticks.push(tick);
        syss.push(sys);
    }
    println!(
        "median of {runs}: wall {:.1} ms  cpu {:.1} ms (schedstat)  {} ms (utime+stime)  {} ms (stime)",
        median(walls).as_secs_f64() * 1e3,
        median(scheds).as_secs_f64() * 1e3,
        median(ticks).as_millis(),
        median(syss).as_millis()
    );
    println!("{:#?}", stats.expect("at least one run"));
    ExitCode::SUCCESS
}
