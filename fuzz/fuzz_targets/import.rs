//! The importer: decoding bytes in any encoding and parsing a bulletin's structure.
#![no_main]

use std::path::Path;

use bulletin::import::{decode::decode, parse::parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("seeds/fuzz.txt");
    if let Ok(decoded) = decode(data, path) {
        let _ = parse(&decoded.text, path, &|t: &str| t.ends_with('县') || t.starts_with('市'));
    }
});
