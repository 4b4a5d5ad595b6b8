//! Front matter: splitting a file, parsing its YAML, reading every field; and site.yaml.
#![no_main]

use bulletin::config::Config;
use bulletin::frontmatter::{Fields, split};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = split(text)
        && let Ok(mut f) = Fields::parse(&s, text, "content/x/a.md")
    {
        let _ = f.integer("number", Some("1"));
        let _ = f.date("date", true);
        let _ = f.string("title", Some("标题"));
        let _ = f.string_list("topics");
        let _ = f.boolean("draft");
        let (_extra, diags) = f.into_extra(&["title", "county", "topics"]);
        for d in diags {
            let _ = d.render(false);
        }
    }
    if let Err(d) = Config::parse(std::path::Path::new("/site"), text) {
        let _ = d.render(false);
    }
});
