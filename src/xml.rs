//! Escaping text for XML: one function for every XML file bulletin writes by code (the Atom feeds,
//! the sitemap: `render/feeds.rs`) and for the SVG charts of the statistics (`stats/chart.rs`).
//!
//! A leaf, so that the charts do not depend on the feed writer to escape a county's name. These
//! files are read by machines that reject malformed XML outright, and content can hold anything
//! (`&`, `]]>`, control characters pasted from a PDF), so the characters XML 1.0 forbids are
//! dropped rather than escaped.

/// Escape text for XML content and attributes, dropping characters XML 1.0 does not allow.
pub fn xml_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// Text as one CDATA section (split where the text itself holds `]]>`), dropping the characters
/// XML 1.0 does not allow. For a feed entry's HTML: `<p>` stays `<p>` instead of `&lt;p&gt;`, a
/// tenth smaller, and parsers read the same string.
pub fn cdata(s: &str, out: &mut String) {
    out.push_str("<![CDATA[");
    let mut rest = s;
    while let Some(at) = rest.find("]]>") {
        push_allowed(&rest[..at + 2], out);
        out.push_str("]]><![CDATA[>");
        rest = &rest[at + 3..];
    }
    push_allowed(rest, out);
    out.push_str("]]>");
}

fn push_allowed(s: &str, out: &mut String) {
    out.extend(s.chars().filter(|&c| allowed(c)));
}

/// Whether XML 1.0 allows the character in a document (of the C0 controls only tab, newline and
/// carriage return; not U+FFFE or U+FFFF).
fn allowed(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        c if (c as u32) < 0x20 => false,
        '\u{FFFE}' | '\u{FFFF}' => false,
        _ => true,
    }
}

/// [`xml_escape`] into a new string.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    xml_escape(s, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_drops_control_characters_and_escapes_markup() {
        let mut out = String::new();
        xml_escape("a & b <c> \"d\" 'e' ]]> \u{1}\u{8}f\n", &mut out);
        assert_eq!(
            out,
            "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; ]]&gt; f\n"
        );
        assert_eq!(escape("<县>"), "&lt;县&gt;");
    }

    #[test]
    fn cdata_keeps_markup_and_splits_its_own_terminator() {
        let mut out = String::new();
        cdata("<p>a]]>b\u{1}</p>", &mut out);
        assert_eq!(out, "<![CDATA[<p>a]]]]><![CDATA[>b</p>]]>");
        // Read back by a real parser: the same text, control character aside.
        let doc = format!("<c>{out}</c>");
        let mut reader = quick_xml::Reader::from_str(&doc);
        let mut text = String::new();
        loop {
            match reader.read_event().unwrap() {
                quick_xml::events::Event::CData(t) => {
                    text.push_str(std::str::from_utf8(&t.into_inner()).unwrap());
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(text, "<p>a]]>b</p>");
    }
}
