//! The `bulletin` command: parse arguments, run one subcommand, exit with its code.

mod cli;
mod cmd;

use clap::Parser;

/// mimalloc instead of the system allocator: see Cargo.toml and docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = cli::Cli::parse();
    let code = cmd::run(cli);
    std::process::exit(code);
}
