//! One module per subcommand. Each turns its arguments into the library's options, calls the
//! library, and prints: diagnostics to stderr, a one-line summary at the end.

mod build;
mod check;
mod choose;
mod deploy;
mod import;
mod init;
#[cfg(feature = "serve")]
mod serve;
/// The double-clicked bulletin.exe opens the 工作台, which needs the server.
#[cfg(feature = "serve")]
pub mod start;
mod stats;

use bulletin::diagnostics::Diagnostics;

use crate::cli::{Cli, Command};

/// Exit codes.
pub const OK: i32 = 0;
/// The site has errors (or the command failed).
pub const FAILED: i32 = 1;

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Init(args) => init::run(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args),
        Command::Import(args) => import::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Deploy(args) => deploy::run(args),
    }
}

/// Whether to colour messages on stderr.
pub fn color() -> bool {
    bulletin::diagnostics::stderr_color()
}

/// Print diagnostics to stderr.
pub fn print_diagnostics(d: &Diagnostics) {
    if !d.is_empty() {
        eprint!("{}", d.render(color()));
    }
}

/// `1.23s` or `45ms`.
pub fn human_duration(d: std::time::Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2}s", d.as_secs_f64())
    } else {
        format!("{}ms", d.as_millis())
    }
}
