//! The `bulletin` command: parse arguments, run one subcommand, exit with its code.

mod cli;
mod cmd;

use clap::Parser;

/// mimalloc instead of the system allocator: see Cargo.toml and docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Double-clicked on Windows: the 工作台 (cmd/start.rs); from a terminal, the help as before.
    #[cfg(feature = "serve")]
    if cmd::start::decide(std::env::args_os().len(), cmd::start::console_processes())
        == cmd::start::NoArguments::Desk
    {
        std::process::exit(cmd::start::run());
    }
    let cli = cli::Cli::parse();
    // Roomy stacks for the libraries that walk a body's tree (ammonia on raw HTML, minify-html on
    // bodies, one call per level of nesting, Tera over nested values). Nothing of ours recurses
    // per element, and content nesting is bounded (markdown::MAX_DEPTH, checked before a body is
    // minified); the 16 MiB were kept, not re-measured.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build_global();
    let code = cmd::run(cli);
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        // clap's own checks of the derive: conflicting names, bad defaults, missing values.
        super::cli::Cli::command().debug_assert();
    }
}
