//! Markdown bodies to HTML (sanitised and trusted), and the nesting guard.
#![no_main]

use bulletin::links::scan;
use bulletin::markdown::{MAX_DEPTH, is_safe_url, render, summarize};
use bulletin::minify::fragment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The template minifier copies what it does not understand; it must never panic.
    let _ = bulletin::minify::template(text);
    for trust in [false, true] {
        let r = render(text, trust);
        let _ = summarize(&r.first_paragraph, 120);
        if !trust {
            // Read the HTML as a browser would: no link or image may carry code.
            for link in scan(&r.html).links {
                assert!(is_safe_url(&link), "unsafe address {link:?} survived in {}", r.html);
            }
        }
        // The build minifies only bodies within the nesting bound.
        if r.depth <= MAX_DEPTH {
            let _ = fragment(&r.html);
        }
    }
});
