//! Minified pages without minifying every page, with the minify-html crate.
//!
//! A page is a theme template with values put in. Minifying each rendered page (as Hugo and Zola
//! do) re-parses the same header, navigation and footer on every one of them: about a
//! microsecond per tag, half of a 10,000-article build's CPU time (see docs/performance.md). Here
//! the two parts are minified once each instead:
//!
//! - **templates**, by [`template`], when the theme is loaded, with minify-html's option that
//!   copies `{{ }}`, `{% %}` and `{# #}` as they are, so every page rendered from them comes out
//!   minified;
//! - **article bodies and issue introductions**, by [`fragment`], once per file when it is
//!   loaded.
//!
//! minify-html follows the HTML standard's parsing and its rules for optional tags, which a
//! hand-written pass (this module until issue 19) got wrong on odd trusted HTML. Its option for
//! template syntax keeps it intact only where text may go: template syntax *between the
//! attributes of a start tag* (`<a href="…"{% if current %} aria-current="true"{% endif %}>`), or
//! a `{{ }}` that ends an attribute value early (`href="{{ url(path="x") }}"`), would be taken
//! apart as attributes. [`syntax_in_start_tag`] finds that; the built-in theme never does it (it
//! writes the tag twice, and single quotes inside `{{ }}`), and a theme's template that does gets
//! its rendered pages minified one by one with [`page`] instead (`render/templates.rs` finds
//! which), named in `-v` output.
//!
//! What is kept on purpose:
//! - **closing tags** (`</p>`, `</li>`), in templates and bodies. In a template, what comes after
//!   an element may be a `{% include %}` or a `{{ }}` minify-html cannot see into, so it cannot
//!   know that the tag may go; a body is pasted into pages and feeds, where it must stay a
//!   well-formed fragment;
//! - the `<html>` and `<head>` start tags, for the same reason;
//! - CSS and JavaScript as written: minify-html would run lightningcss and oxc on them, which
//!   cannot read template syntax, and the built-in theme's script is a file of its own.
//!
//! Two things minify-html does are worked around by leaving such a body as written: it ends a
//! comment only at `-->`, where HTML also ends `<!-->` and `<!--->` at once and accepts `--!>`
//! (only trusted raw HTML can hold one); and it writes an escaped `&` bare where it reads like a
//! character reference (`&amp;#`, `&amp;x;`), which browsers read the same but the Nu HTML
//! checker reports. (`load` also leaves trusted raw HTML that does not nest strictly as written:
//! `markdown::html_shape`.)

/// The options shared by templates, bodies and pages.
fn options() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    }
}

/// Minify a template's source, keeping its template syntax as it is. The caller checks
/// [`syntax_in_start_tag`] first.
pub fn template(src: &str) -> String {
    let cfg = minify_html::Cfg {
        preserve_brace_template_syntax: true,
        ..options()
    };
    into_string(minify_html::minify(src.as_bytes(), &cfg))
}

/// Minify HTML with no template syntax in it: an article body, which may well say `{{` in its
/// text. A body with a comment that minify-html would end elsewhere than HTML does is returned as
/// it is.
pub fn fragment(html: &str) -> String {
    if odd_comment(html) || escaped_reference(html) {
        return html.to_owned();
    }
    into_string(minify_html::minify(html.as_bytes(), &options()))
}

/// Minify one rendered page: only for pages of a template [`template`] cannot take whole.
pub fn page(html: &[u8]) -> Vec<u8> {
    if std::str::from_utf8(html).is_ok_and(|h| odd_comment(h) || escaped_reference(h)) {
        return html.to_vec();
    }
    minify_html::minify(html, &options())
}

/// minify-html writes back the UTF-8 it is given, with ASCII changes only.
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("minify-html keeps UTF-8 valid")
}

/// Whether `html` holds an escaped `&` that reads like the start of a character reference
/// (`&amp;#`, `&amp;x;`): minify-html writes such an `&` bare (`&#`, `&x;`), which HTML reads
/// the same but the Nu HTML checker reports as an error.
fn escaped_reference(html: &str) -> bool {
    html.match_indices("&amp;").any(|(i, _)| {
        let rest = &html.as_bytes()[i + 5..];
        let name = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        rest.first() == Some(&b'#') || (name > 0 && rest.get(name) == Some(&b';'))
    })
}

/// Whether `html` holds a comment HTML ends elsewhere than at the first `-->` after `<!--`:
/// `<!-->`, `<!--->`, or one closed by `--!>`.
fn odd_comment(html: &str) -> bool {
    html.contains("<!-->") || html.contains("<!--->") || html.contains("--!>")
}

/// Where template syntax sits inside a start tag, outside one quoted attribute value: the line
/// (from 1) and the tag as far as the template syntax, to name in a note. `None` when there is
/// none, and [`template`] keeps every `{{ }}`, `{% %}` and `{# #}` intact.
///
/// The source is read as minify-html reads it: text (where template syntax is copied whole),
/// comments, `<script>` and `<style>` content (copied), and start tags, whose attribute values
/// end at their quote even inside `{{ }}`.
pub fn syntax_in_start_tag(src: &str) -> Option<(usize, String)> {
    let s = src.as_bytes();
    let mut i = 0;
    while i < s.len() {
        if let Some(end) = template_end(s, i) {
            i = end;
        } else if s[i..].starts_with(b"<!--") {
            i = find(s, i + 4, b"-->").map_or(s.len(), |e| e + 3);
        } else if s[i] == b'<' && s.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            let start = i;
            let name_end = (i + 1..s.len())
                .find(|&j| !s[j].is_ascii_alphanumeric())
                .unwrap_or(s.len());
            let name = src[i + 1..name_end].to_ascii_lowercase();
            match start_tag_end(s, name_end) {
                Ok(end) => i = end,
                Err(at) => {
                    let line = 1 + s[..start].iter().filter(|&&b| b == b'\n').count();
                    let upto = (at + 2).min(s.len());
                    return Some((line, src[start..upto].to_owned()));
                }
            }
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                i = find_ci(s, i, close.as_bytes()).unwrap_or(s.len());
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The end of a start tag whose name ends at `i` (after its `>`), or where template syntax
/// begins outside a quoted value (or runs past the value's closing quote).
fn start_tag_end(s: &[u8], mut i: usize) -> Result<usize, usize> {
    while i < s.len() {
        match s[i] {
            b'>' => return Ok(i + 1),
            q @ (b'"' | b'\'') if is_value_quote(s, i) => {
                let close = s[i + 1..]
                    .iter()
                    .position(|&b| b == q)
                    .map_or(s.len(), |p| i + 1 + p);
                let mut j = i + 1;
                while j < close {
                    match template_end(s, j) {
                        Some(end) if end > close + 1 => return Err(j),
                        Some(end) => j = end,
                        None => j += 1,
                    }
                }
                i = close + 1;
            }
            _ if template_end(s, i).is_some() => return Err(i),
            _ => i += 1,
        }
    }
    Ok(s.len())
}

/// Whether the quote at `i` opens an attribute value: `=` before it, whitespace allowed.
fn is_value_quote(s: &[u8], i: usize) -> bool {
    s[..i]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'=')
}

/// The end of the template syntax (`{{ }}`, `{% %}`, `{# #}`) starting at `i`, if one does;
/// one left open runs to the end, as minify-html reads it.
fn template_end(s: &[u8], i: usize) -> Option<usize> {
    if s[i] != b'{' {
        return None;
    }
    let close: &[u8] = match s.get(i + 1)? {
        b'{' => b"}}",
        b'%' => b"%}",
        b'#' => b"#}",
        _ => return None,
    };
    Some(find(s, i + 2, close).map_or(s.len(), |e| e + 2))
}

fn find(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_lose_whitespace_and_keep_template_syntax() {
        assert_eq!(
            template(
                "<ul>\n  {% for a in list %}\n  <li>\n    <a href=\"{{ a.url }}\">{{ a.title }}</a>\n  </li>\n  {% endfor %}\n</ul>\n"
            ),
            "<ul>{% for a in list %} <li><a href=\"{{ a.url }}\">{{ a.title }}</a></li>{% endfor %}</ul>"
        );
        // Ideographic spaces are text, not whitespace; `{# #}` is kept as it is.
        assert_eq!(
            template("<p>\u{3000}\u{3000}正文{# note #}</p>"),
            "<p>\u{3000}\u{3000}正文{# note #}</p>"
        );
        // Closing tags stay: what a `{% include %}` prints after them is not known here.
        assert_eq!(
            template("<div><p>a</p>\n{% include \"x.html\" %}</div>"),
            "<div><p>a</p>{% include \"x.html\" %}</div>"
        );
    }

    #[test]
    fn verbatim_elements_are_untouched() {
        let pre = "<pre>\n  a\n    b\n</pre>";
        assert_eq!(template(pre), pre);
        // A script's code is kept as written, but for the whitespace around it.
        assert_eq!(
            template("<script>\n  if (a < b) { x = \"  \"; }\n</script>"),
            "<script>if (a < b) { x = \"  \"; }</script>"
        );
    }

    #[test]
    fn template_syntax_between_attributes_is_found_with_its_line() {
        let src = "<ul>\n<li><a href=\"{{ url }}\"{% if current %} aria-current=\"true\"{% endif %}>期刊</a></li>";
        assert_eq!(
            syntax_in_start_tag(src),
            Some((2, "<a href=\"{{ url }}\"{%".to_owned()))
        );
        // A `{{ }}` whose quotes end the attribute value early.
        let (line, tag) = syntax_in_start_tag("<a href=\"{{ url(path=\"x\") }}\">").unwrap();
        assert_eq!((line, tag.as_str()), (1, "<a href=\"{{"));
        // Unquoted, or where a name goes.
        assert!(syntax_in_start_tag("<p class={{ c }}>").is_some());
        assert!(syntax_in_start_tag("<p {{ attrs }}>").is_some());
    }

    #[test]
    fn template_syntax_in_values_and_text_is_fine() {
        for ok in [
            "<a href=\"{{ url(path='x/') }}\" title='{{ t ~ \"\" }}'>{{ \"<b>\" }}</a>",
            "{% if a > b %}<p class=\"{% if x %}on{% endif %}\">x</p>{% endif %}",
            "<!-- <a {% x %}> --><p>y</p>",
            "<script>if (a<b {% x %}) {}</script><p>z</p>",
            "<p>a {{ b",
        ] {
            assert_eq!(syntax_in_start_tag(ok), None, "{ok}");
        }
        // The built-in theme never needs the one-page-at-a-time path.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates");
        let mut seen = 0;
        for e in walkdir::WalkDir::new(dir) {
            let path = e.unwrap().into_path();
            if path.extension().is_some_and(|x| x == "html") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(syntax_in_start_tag(&text), None, "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 17, "{seen} templates");
    }

    #[test]
    fn fragments_are_plain_html_with_their_closing_tags() {
        assert_eq!(
            fragment("<p>一</p>\n<ul>\n<li>二</li>\n</ul>\n<pre><code>a\n  b\n</code></pre>\n"),
            "<p>一</p><ul><li>二</li></ul><pre><code>a\n  b\n</code></pre>"
        );
        // Braces in an article are text.
        assert_eq!(fragment("<p>a  {{ b\n</p>"), "<p>a {{ b</p>");
        assert_eq!(fragment("<p>{% x %}  y</p>"), "<p>{% x %} y</p>");
    }

    #[test]
    fn bodies_minify_html_would_misread_or_make_invalid_are_left_as_written() {
        // minify-html would read on to the next `-->` and lose the paragraph between.
        let body = "<p>foo <!--> foo --&gt;</p>\n<p>foo <!---> foo --&gt;</p>\n";
        assert_eq!(fragment(body), body);
        let body = "<p>a <!-- b --!> c</p>\n<p>d</p>\n";
        assert_eq!(fragment(body), body);
        assert_eq!(fragment("<p>a <!-- b --> c</p>\n"), "<p>a  c</p>");
        // So is one with an escaped `&` that minify-html would write bare where it reads like a
        // character reference (valid to a browser, an error to the Nu HTML checker).
        for body in ["<p>&amp;#; &amp;#x;</p>\n", "<p>AT&amp;T;</p>\n"] {
            assert_eq!(fragment(body), body);
        }
        // A bare `&` that starts nothing like a reference is valid, and minify-html writes it so.
        assert_eq!(fragment("<p>R&amp;D &amp; 1</p>\n"), "<p>R&D & 1</p>");
    }

    #[test]
    fn pages_are_minified_whole() {
        assert_eq!(
            page(b"<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<title>t</title>\n</head>\n<body>\n<p>a</p>\n</body>\n</html>\n"),
            b"<!doctype html><html lang=zh><head><title>t</title></head><body><p>a</p></body></html>"
        );
    }
}
