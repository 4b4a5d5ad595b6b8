//! `bulletin init DIR`

use super::{FAILED, OK};
use crate::cli::InitArgs;

pub fn run(args: InitArgs) -> i32 {
    match bulletin::init::init(&args.dir) {
        Ok(files) => {
            for f in &files {
                eprintln!("  created {}", f.display());
            }
            eprintln!(
                "new site in {0}; build it with `bulletin build --root {0}`",
                args.dir.display()
            );
            OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            FAILED
        }
    }
}
