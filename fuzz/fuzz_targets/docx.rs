//! The Word reader: any bytes as a .docx (a zip of XML parts), then as the parser's input.
#![no_main]

use std::path::Path;

use bulletin::import::{input::from_docx, parse::parse_with_hints};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("seeds/fuzz.docx");
    if let Ok(input) = from_docx(data, path, "Word .docx") {
        let _ = parse_with_hints(&input.text, &input.hints, path, &|t: &str| {
            t.ends_with('县') || t.starts_with('市')
        });
    }
});
