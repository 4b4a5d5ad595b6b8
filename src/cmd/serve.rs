//! `bulletin serve`

use bulletin::serve::{ServeOptions, serve};

use super::{FAILED, OK};
use crate::cli::ServeArgs;

pub fn run(args: ServeArgs) -> i32 {
    let opts = ServeOptions {
        root: args.root,
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        open: args.open,
        open_desk: false,
        poll: args.poll,
    };
    match serve(opts) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILED
        }
    }
}
