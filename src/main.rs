//! The `bulletin` command: parse arguments, run one subcommand, exit with its code.

mod cli;
mod cmd;

use clap::Parser;

/// mimalloc instead of the system allocator: see Cargo.toml and docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = cli::Cli::parse();
    // Rendering and minifying recurse over the page's element tree; content nesting is bounded
    // (markdown::MAX_DEPTH), and roomy stacks keep a deep but legal page far from the limit.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build_global();
    let code = cmd::run(cli);
    std::process::exit(code);
}
