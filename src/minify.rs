//! Minified pages without minifying every page.
//!
//! A page is a theme template with values put in. Minifying each rendered page (as Hugo and Zola
//! do, and as bulletin did with the minify-html crate) re-parses the same header, navigation and
//! footer on every one of them: about a microsecond per tag, half of a 10,000-article build's CPU
//! time (see docs/performance.md). Here the two parts are minified once each instead:
//!
//! - **templates**, by [`template`], when the theme is loaded: whitespace that HTML ignores is
//!   removed from the template source, so every page rendered from it comes out minified;
//! - **article bodies and issue introductions**, by [`fragment`], once per file when it is loaded.
//!
//! Why not a crate: minify-html's option to preserve `{{ }}` and `{% %}` only protects them in
//! text, and our templates put `{% if %}` inside start tags
//! (`<a href="…"{% if current %} aria-current="true"{% endif %}>`), which it takes apart as
//! attributes; and on bodies it cost several times what this pass does (the load stage at
//! 10,000 articles took ~150 ms longer with it, ~40 ms with this). So this is a small,
//! conservative pass of our own, fuzzed with the Markdown target, that never changes what is
//! inside a tag except the whitespace between attributes, copies template syntax as it is, and
//! leaves `<pre>`, `<textarea>`, `<script>` and `<style>` alone. What it removes:
//!
//! - whitespace next to the tag of a block-level element (`<div>`, `</li>`, `<meta>`…), which
//!   HTML does not show (`white-space: normal`);
//! - HTML comments without template syntax in them (one with `{% set %}` in it still runs);
//!
//! and every other run of whitespace in text becomes one space, which HTML shows the same way.
//! Template statements (`{% … %}`, `{# … #}`) print nothing, so they are looked through when
//! deciding what a run of whitespace stands next to; `{{ … }}` prints text and counts as text.

use std::borrow::Cow;

/// Elements whose start and end tags make the whitespace next to them insignificant.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "blockquote",
    "body",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "meta",
    "nav",
    "noscript",
    "ol",
    "optgroup",
    "option",
    "p",
    "pre",
    "script",
    "search",
    "section",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Elements whose content is copied as it is.
const VERBATIM: &[&str] = &["pre", "script", "style", "textarea"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text between tags, whitespace and all.
    Text,
    /// A tag (start, end, or `<!DOCTYPE>`), already with its inner whitespace collapsed;
    /// `true` for a block-level element.
    Tag(bool),
    /// `{{ … }}`: prints something.
    Expr,
    /// `{% … %}` or `{# … #}`: prints nothing itself.
    Stmt,
    /// Copied as it is: the content of `<pre>` and the like, `{% raw %}` blocks, comments that
    /// hold template syntax, and anything unterminated.
    Verbatim,
}

/// A token: borrowed from the source unless minifying changed it (a tag's inner whitespace, text
/// merged across a dropped comment), since bodies are minified one per file.
struct Tok<'a> {
    kind: Kind,
    text: Cow<'a, str>,
}

/// Minify a Tera template's source (see the module documentation for what is removed).
pub fn template(src: &str) -> String {
    minify(src, true)
}

/// Minify HTML with no template syntax in it: an article body, which may well say `{{` in its
/// text.
pub fn fragment(html: &str) -> String {
    minify(html, false)
}

fn minify(src: &str, templates: bool) -> String {
    let toks = tokenize(src, templates);
    // For each token, whether the nearest token before / after it that prints something (text
    // with more than whitespace, a tag, an expression, verbatim content) is a block-level tag.
    let solid = |t: &Tok| match t.kind {
        Kind::Stmt => false,
        Kind::Text => !t.text.bytes().all(is_ws),
        _ => true,
    };
    let block = |t: &Tok| t.kind == Kind::Tag(true);
    let mut before = vec![false; toks.len()];
    let mut last = false;
    for (i, t) in toks.iter().enumerate() {
        before[i] = last;
        if solid(t) {
            last = block(t);
        }
    }
    let mut after = vec![false; toks.len()];
    let mut next = false;
    for (i, t) in toks.iter().enumerate().rev() {
        after[i] = next;
        if solid(t) {
            next = block(t);
        }
    }
    let mut out = String::with_capacity(src.len());
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            Kind::Text => collapse(&t.text, before[i], after[i], &mut out),
            _ => out.push_str(&t.text),
        }
    }
    out
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Text with every whitespace run made one space, and the run at the start (end) dropped when
/// a block-level tag comes before (after) it.
fn collapse(text: &str, block_before: bool, block_after: bool, out: &mut String) {
    let bytes = text.as_bytes();
    if bytes.iter().all(|&b| is_ws(b)) {
        if !bytes.is_empty() && !block_before && !block_after {
            out.push(' ');
        }
        return;
    }
    let mut i = 0;
    let mut first = true;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && is_ws(bytes[i]) {
            i += 1;
        }
        let at_end = i == bytes.len();
        if i > start && !(first && block_before) && !(at_end && block_after) {
            out.push(' ');
        }
        let word = i;
        while i < bytes.len() && !is_ws(bytes[i]) {
            i += 1;
        }
        // Whitespace is ASCII, so these are character boundaries.
        out.push_str(&text[word..i]);
        first = false;
    }
}

/// The end (exclusive) of the template tag opening at `at` (`{{`, `{%` or `{#`), skipping string
/// literals in it; `None` when it is never closed.
fn template_end(s: &[u8], at: usize) -> Option<usize> {
    let close = match s[at + 1] {
        b'{' => b'}',
        b'%' => b'%',
        _ => b'#',
    };
    let mut i = at + 2;
    while i + 1 < s.len() {
        match s[i] {
            q @ (b'"' | b'\'' | b'`') if close != b'#' => {
                i += 1;
                while i < s.len() && s[i] != q {
                    i += 1;
                }
            }
            b if b == close && s[i + 1] == b'}' => return Some(i + 2),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a template tag opens at `i`.
fn template_at(s: &[u8], i: usize, templates: bool) -> bool {
    templates && s[i] == b'{' && matches!(s.get(i + 1), Some(b'{' | b'%' | b'#'))
}

/// The words inside a `{% … %}` tag, without the delimiters and whitespace control.
fn statement(tag: &str) -> &str {
    tag[2..tag.len() - 2]
        .trim_start_matches('-')
        .trim_end_matches('-')
        .trim()
}

/// Where `</name` (any case) first stands in `s` from `from`.
fn find_closing(s: &[u8], from: usize, name: &str) -> Option<usize> {
    let n = name.len() + 2;
    (from..=s.len().checked_sub(n)?).find(|&i| {
        s[i] == b'<' && s[i + 1] == b'/' && s[i + 2..i + n].eq_ignore_ascii_case(name.as_bytes())
    })
}

fn tokenize(src: &str, templates: bool) -> Vec<Tok<'_>> {
    let s = src.as_bytes();
    let mut toks: Vec<Tok> = Vec::new();
    fn push<'a>(toks: &mut Vec<Tok<'a>>, kind: Kind, text: impl Into<Cow<'a, str>>) {
        let text = text.into();
        if kind == Kind::Text
            && let Some(last) = toks.last_mut()
            && last.kind == Kind::Text
        {
            last.text.to_mut().push_str(&text);
            return;
        }
        toks.push(Tok { kind, text });
    }
    let mut i = 0;
    let mut text_start = 0;
    while i < s.len() {
        let opens_tag = s[i] == b'<'
            && matches!(s.get(i + 1), Some(c) if c.is_ascii_alphabetic() || *c == b'!'
                || (*c == b'/' && s.get(i + 2).is_some_and(u8::is_ascii_alphabetic)));
        if !template_at(s, i, templates) && !opens_tag {
            i += 1;
            continue;
        }
        push(&mut toks, Kind::Text, &src[text_start..i]);
        if template_at(s, i, templates) {
            let Some(end) = template_end(s, i) else {
                push(&mut toks, Kind::Verbatim, &src[i..]);
                return toks;
            };
            let tag = &src[i..end];
            if s[i + 1] == b'{' {
                push(&mut toks, Kind::Expr, tag);
                i = end;
            } else if s[i + 1] == b'%' && statement(tag) == "raw" {
                // Everything up to the matching `{% endraw %}` is printed as it is.
                let mut j = end;
                let close = loop {
                    match src[j..].find("{%") {
                        Some(k) => {
                            let at = j + k;
                            match template_end(s, at) {
                                Some(e) if statement(&src[at..e]) == "endraw" => break Some(e),
                                Some(e) => j = e,
                                None => break None,
                            }
                        }
                        None => break None,
                    }
                };
                let close = close.unwrap_or(s.len());
                push(&mut toks, Kind::Verbatim, &src[i..close]);
                i = close;
            } else {
                push(&mut toks, Kind::Stmt, tag);
                i = end;
            }
        } else if s[i..].starts_with(b"<!--") {
            let end = src[i + 4..].find("-->").map_or(s.len(), |k| i + 4 + k + 3);
            let comment = &src[i..end];
            let runs = templates && (comment.contains("{{") || comment.contains("{%"));
            if runs || !comment.ends_with("-->") {
                push(&mut toks, Kind::Verbatim, comment);
            }
            i = end;
        } else {
            let (end, tag) = scan_tag(src, i, templates);
            let is_end = s[i + 1] == b'/';
            let name_start = i + 1 + usize::from(is_end);
            let name_len = s[name_start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
                .count();
            // Every name we look for is short and ASCII: longer ones need no lower-casing.
            let mut buf = [0u8; 16];
            let name = match buf.get_mut(..name_len) {
                Some(lower) => {
                    lower.copy_from_slice(&s[name_start..name_start + name_len]);
                    lower.make_ascii_lowercase();
                    std::str::from_utf8(lower).unwrap_or("")
                }
                None => "",
            };
            let block = s[i + 1] == b'!' || BLOCK.binary_search(&name).is_ok();
            match end {
                None => {
                    push(&mut toks, Kind::Verbatim, &src[i..]);
                    return toks;
                }
                Some(end) => {
                    push(&mut toks, Kind::Tag(block), tag);
                    i = end;
                }
            }
            if !is_end && VERBATIM.contains(&name) {
                let close = find_closing(s, i, name).unwrap_or(s.len());
                if close > i {
                    push(&mut toks, Kind::Verbatim, &src[i..close]);
                }
                i = close;
            }
        }
        text_start = i;
    }
    push(&mut toks, Kind::Text, &src[text_start..]);
    toks
}

/// The tag starting at `at`: where it ends (after its `>`, or `None` if it never does) and its
/// text with whitespace between attributes collapsed to one space (none before the `>`),
/// borrowed when that changes nothing. Quoted values and template syntax are copied as they are.
fn scan_tag(src: &str, at: usize, templates: bool) -> (Option<usize>, Cow<'_, str>) {
    let s = src.as_bytes();
    // What is rewritten so far, up to `copied`; empty while the tag is as written.
    let mut out = String::new();
    let mut i = at;
    let mut copied = at;
    while i < s.len() {
        match s[i] {
            b'>' if out.is_empty() => return (Some(i + 1), Cow::Borrowed(&src[at..=i])),
            b'>' => {
                out.push_str(&src[copied..i]);
                if out.ends_with(' ') {
                    out.pop();
                }
                out.push('>');
                return (Some(i + 1), Cow::Owned(out));
            }
            b'"' | b'\'' => {
                let q = s[i];
                i += 1;
                while i < s.len() && s[i] != q {
                    if template_at(s, i, templates)
                        && let Some(e) = template_end(s, i)
                    {
                        i = e;
                        continue;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ if template_at(s, i, templates) => match template_end(s, i) {
                Some(e) => i = e,
                None => return (None, Cow::Borrowed("")),
            },
            // One space between attributes is already as short as it gets.
            b' ' if s.get(i + 1).is_some_and(|&c| !is_ws(c) && c != b'>') => i += 1,
            b if is_ws(b) => {
                out.push_str(&src[copied..i]);
                while i < s.len() && is_ws(s[i]) {
                    i += 1;
                }
                out.push(' ');
                copied = i;
            }
            _ => i += 1,
        }
    }
    (None, Cow::Borrowed(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_list_is_sorted_for_binary_search() {
        assert!(BLOCK.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn whitespace_next_to_block_tags_goes_and_other_runs_become_one_space() {
        assert_eq!(
            template(
                "<ul>\n  <li>\n    <a href=\"/\">期刊</a>\n    <em>x</em>  y\n  </li>\n</ul>\n"
            ),
            "<ul><li><a href=\"/\">期刊</a> <em>x</em> y</li></ul>"
        );
        assert_eq!(template("a\n\n b"), "a b");
        // Ideographic spaces are text, not whitespace.
        assert_eq!(
            template("<p>\u{3000}\u{3000}正文</p>"),
            "<p>\u{3000}\u{3000}正文</p>"
        );
    }

    #[test]
    fn template_syntax_inside_tags_is_kept_as_it_is() {
        let src = "<li><a href=\"{{ url(path=\"issues/\") }}\"{% if page.kind == \"issue\" %} aria-current=\"true\"{% endif %}>期刊</a></li>";
        assert_eq!(template(src), src);
        assert_eq!(
            template("<input\n   id=\"q\"\n   type=\"search\"   >"),
            "<input id=\"q\" type=\"search\">"
        );
        // A `>` inside a statement does not end the tag.
        let src = "<p{% if a > 1 %} class=\"x\"{% endif %}>t</p>";
        assert_eq!(template(src), src);
    }

    #[test]
    fn statements_are_looked_through_and_expressions_count_as_text() {
        assert_eq!(
            template("<div>\n  {% if x %}\n  <p>a</p>\n  {% endif %}\n</div>"),
            "<div>{% if x %}<p>a</p>{% endif %}</div>"
        );
        assert_eq!(
            template("<a>x</a>\n{% if y %}\n<a>z</a>{% endif %}"),
            "<a>x</a> {% if y %} <a>z</a>{% endif %}"
        );
        assert_eq!(
            template("<span>{{ a }}</span>\n  · {{ b }}\n</p>"),
            "<span>{{ a }}</span> · {{ b }}</p>"
        );
        // A block's content may end up inline in its parent: no space is dropped at the edges.
        assert_eq!(
            template("{% block name %} 世界 {% endblock %}"),
            "{% block name %} 世界 {% endblock %}"
        );
    }

    #[test]
    fn verbatim_elements_raw_blocks_and_strings_are_untouched() {
        let pre = "<pre>\n  a\n    b\n</pre>";
        assert_eq!(template(pre), pre);
        let script = "<script>\n  if (a < b) { x = \"  \"; }\n</script>";
        assert_eq!(template(script), script);
        assert_eq!(
            template("<p>{% raw %}\n  {{ x }}  {% endraw %}</p>"),
            "<p>{% raw %}\n  {{ x }}  {% endraw %}</p>"
        );
        assert_eq!(
            template("<p>{{ \"}}  \" ~ a }}  b</p>"),
            "<p>{{ \"}}  \" ~ a }} b</p>"
        );
    }

    #[test]
    fn comments_go_unless_they_hold_template_syntax() {
        assert_eq!(template("<p>a<!-- note -->b</p>"), "<p>ab</p>");
        assert_eq!(
            template("<!-- {% set x = 1 %} --><p>{{ x }}</p>"),
            "<!-- {% set x = 1 %} --><p>{{ x }}</p>"
        );
    }

    #[test]
    fn unterminated_input_is_copied_not_lost() {
        assert_eq!(template("<p>a {{ b"), "<p>a {{ b");
        assert_eq!(template("<p class=\"x"), "<p class=\"x");
        assert_eq!(template("a < b"), "a < b");
    }

    #[test]
    fn fragments_are_plain_html() {
        assert_eq!(
            fragment("<p>一</p>\n<ul>\n<li>二</li>\n</ul>\n<pre><code>a\n  b\n</code></pre>\n"),
            "<p>一</p><ul><li>二</li></ul><pre><code>a\n  b\n</code></pre>"
        );
        // Braces in an article are text: `{{` does not hide the whitespace after it.
        assert_eq!(fragment("<p>a  {{ b\n</p>"), "<p>a {{ b</p>");
        assert_eq!(fragment("<p>{% x %}  y</p>"), "<p>{% x %} y</p>");
    }
}
