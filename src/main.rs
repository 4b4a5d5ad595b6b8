//! The `bulletin` command: parse arguments, run one subcommand, exit with its code.

mod cli;
mod cmd;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let code = cmd::run(cli);
    std::process::exit(code);
}
