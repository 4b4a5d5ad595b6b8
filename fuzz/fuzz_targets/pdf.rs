//! The PDF reader: any bytes as a PDF, then as the parser's input. (A panic inside pdf-extract
//! is caught and reported as a damaged file, so what this finds is a panic, hang or blow-up of
//! memory in our own code or one that escapes the catch.)
#![no_main]

use std::path::Path;

use bulletin::import::{parse::parse_with_hints, pdf};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("seeds/fuzz.pdf");
    if let Ok(input) = pdf::read(data, path) {
        let _ = parse_with_hints(&input.text, &input.hints, path, &|t: &str| {
            t.ends_with('县') || t.starts_with('市')
        });
    }
});
