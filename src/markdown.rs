//! Markdown bodies to HTML, in one pass that also collects the first paragraph (for summaries),
//! so a file is parsed exactly once.
//!
//! CommonMark with tables, footnotes and strikethrough. Raw HTML in a body is sanitised with
//! ammonia unless the site trusts its authors (`trust_html: true`); bodies without raw HTML, which
//! is nearly all of them, skip that step. A line break inside a paragraph between two Chinese
//! characters is dropped ([`joins`]): Chinese wraps without spaces, and a browser would show the
//! break as one. The search index reads the text from this HTML (`search::Tokens::feed_html`), so
//! no plain-text copy of a body is kept.

use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// What one Markdown body gives. The HTML is shared, not copied, when a site is rebuilt from what
/// was loaded (the dev server does that on every save).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: Arc<str>,
    /// The first paragraph's text, for a summary when front matter gives none.
    pub first_paragraph: String,
    /// How deeply elements nest in the HTML (lists in lists, quotes in quotes, raw HTML).
    pub depth: usize,
}

/// The deepest nesting an article body may have. Real bulletins nest a few levels; thousands are a
/// broken paste or an attack, and would exhaust the stack of the HTML minifier.
pub const MAX_DEPTH: usize = 100;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Whether a line break between `before` and `after` is nothing, as CSS Text says for two East
/// Asian wide characters (and Firefox does, but Chromium shows a space): Han characters, CJK
/// punctuation (、。《》) and full-width forms (，：；！？).
pub fn joins(before: char, after: char) -> bool {
    let wide = |c: char| {
        crate::search::is_han(c)
            || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF60 | 0xFFE0..=0xFFE6)
    };
    wide(before) && wide(after)
}

/// The events of a body with every soft break that [`joins`] two characters made empty text. What
/// follows a break is looked at past the starts and ends of inline markup (`推进\n**农民工**`).
struct JoinBreaks<'a, I: Iterator<Item = Event<'a>>> {
    inner: I,
    /// Events read past a soft break, to give out after it.
    pending: std::collections::VecDeque<Event<'a>>,
    /// The last character of text given out, if nothing but inline markup came after it.
    last: Option<char>,
}

/// Markup that a soft break is looked past, both ways.
fn is_inline_markup(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(Tag::Strong | Tag::Emphasis | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Strong | TagEnd::Emphasis | TagEnd::Strikethrough | TagEnd::Link)
    )
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for JoinBreaks<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        let event = match self.pending.pop_front() {
            Some(e) => e,
            None => self.inner.next()?,
        };
        match &event {
            Event::Text(t) | Event::Code(t) => self.last = t.chars().next_back().or(self.last),
            Event::SoftBreak => {
                while self.pending.back().is_none_or(is_inline_markup) {
                    match self.inner.next() {
                        Some(e) => self.pending.push_back(e),
                        None => break,
                    }
                }
                let next = match self.pending.iter().find(|e| !is_inline_markup(e)) {
                    Some(Event::Text(t) | Event::Code(t)) => t.chars().next(),
                    _ => None,
                };
                if let (Some(b), Some(a)) = (self.last, next)
                    && joins(b, a)
                {
                    return Some(Event::Text("".into()));
                }
                self.last = None;
            }
            e if is_inline_markup(e) => {}
            _ => self.last = None,
        }
        Some(event)
    }
}

/// Render `body`. With `trust_html` false, raw HTML is sanitised.
pub fn render(body: &str, trust_html: bool) -> Rendered {
    let mut first_paragraph = String::new();
    let mut paragraphs_done = 0usize;
    let mut in_paragraph = false;
    let mut has_raw_html = false;
    let mut level = 0usize;
    let mut depth = 0usize;
    let events = Parser::new_ext(body, options()).map(|event| {
        if trust_html {
            event
        } else {
            defuse_links(event)
        }
    });
    let parser = JoinBreaks {
        inner: events,
        pending: std::collections::VecDeque::new(),
        last: None,
    }
    .inspect(|event| match event {
        Event::Start(tag) => {
            level += 1;
            depth = depth.max(level);
            if matches!(tag, Tag::Paragraph) {
                in_paragraph = true;
            }
        }
        Event::End(end) => {
            level = level.saturating_sub(1);
            if matches!(end, TagEnd::Paragraph) {
                in_paragraph = false;
                paragraphs_done += 1;
            }
        }
        Event::Text(t) | Event::Code(t) if in_paragraph && paragraphs_done == 0 => {
            first_paragraph.push_str(t);
        }
        Event::SoftBreak | Event::HardBreak if in_paragraph && paragraphs_done == 0 => {
            first_paragraph.push(' ');
        }
        Event::Html(_) | Event::InlineHtml(_) => has_raw_html = true,
        _ => {}
    });
    let mut html = String::with_capacity(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut html, parser);
    if has_raw_html {
        if !trust_html {
            html = sanitize(&html);
        }
        depth = depth.max(html_depth(&html));
    }
    Rendered {
        html: html.into(),
        first_paragraph,
        depth,
    }
}

/// The text of `body` without markup, blocks ending in a line break and table cells in a space,
/// for the importer, which classifies articles by their words and checks that none of the input's
/// were lost. (The build does not need it: the search index reads the rendered HTML.)
pub fn plain_text(body: &str) -> String {
    let mut text = String::with_capacity(body.len());
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::CodeBlock,
            ) => text.push('\n'),
            Event::End(TagEnd::TableCell) => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Whether a link or image address is safe to put in a page: relative, or one of the schemes that
/// cannot run code. Browsers ignore whitespace and control characters inside a scheme
/// (`java\tscript:`), so those are removed before looking. What comes before the first colon is a
/// scheme only if it is one by the URL standard (a letter, then letters, digits, `+`, `-`, `.`;
/// we also count `%`, to refuse `java%09script:` rather than reason about it); otherwise
/// (`{{ x }}:`, `新闻:`) the address is relative.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = cleaned.find(':');
    let first_special = cleaned.find(['/', '?', '#']);
    match scheme_end {
        // A colon after a slash, `?` or `#` is part of a relative URL, not a scheme.
        Some(i) if first_special.is_none_or(|j| i < j) => {
            let scheme = &cleaned[..i];
            let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '%'));
            !is_scheme || matches!(scheme, "http" | "https" | "mailto" | "tel" | "ftp")
        }
        _ => true,
    }
}

/// Markdown links and images whose address could run code (`javascript:`, `data:`, `vbscript:`)
/// get `#` instead. Raw HTML goes through ammonia; this covers what Markdown syntax itself makes.
fn defuse_links(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        other => other,
    }
}

/// The deepest element nesting of an HTML fragment (void elements and comments aside). A quick
/// scan, not a parser: it only has to bound what raw HTML in a body can do.
pub fn html_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let bytes = html.as_bytes();
    let (mut level, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        match bytes.get(i) {
            Some(b'/') => level = level.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let end = html[i..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .map_or(html.len(), |e| i + e);
                let name = html[i..end].to_ascii_lowercase();
                let close = html[end..].find('>').map_or(html.len(), |e| end + e);
                let self_closing = close > 0 && bytes.get(close - 1) == Some(&b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    level += 1;
                    max = max.max(level);
                }
            }
            _ => {}
        }
    }
    max
}

/// Remove what could run code or load from elsewhere; keep formatting, tables, images, links and
/// the ids and classes that footnotes and themes rely on.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "title", "lang"])
        .link_rel(None)
        .clean(html)
        .to_string()
}

/// The first `max_chars` characters of `text`, cut at a sentence end where one is near, with an
/// ellipsis when cut.
pub fn summarize(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    // Prefer ending at the last full stop in the second half.
    if let Some(pos) = cut.rfind(['。', '！', '？', '；'])
        && cut[..pos].chars().count() >= max_chars / 2
    {
        let end = pos + cut[pos..].chars().next().map_or(0, char::len_utf8);
        return cut[..end].to_string();
    }
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_footnotes_and_strikethrough_render() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ y[^1]\n\n[^1]: note\n",
            false,
        );
        assert!(r.html.contains("<table>"), "{}", r.html);
        assert!(r.html.contains("<del>x</del>"), "{}", r.html);
        assert!(r.html.contains("footnote"), "{}", r.html);
    }

    #[test]
    fn bold_lead_ins_render_in_chinese_paragraphs() {
        let r = render("**一、引导农民工有序转移就业**。畅通就业渠道。", false);
        assert!(
            r.html
                .contains("<strong>一、引导农民工有序转移就业</strong>。畅通"),
            "{}",
            r.html
        );
    }

    #[test]
    fn the_first_paragraph_and_the_plain_text_are_collected() {
        let r = render("第一段**加粗**。\n\n第二段。\n", false);
        assert_eq!(r.first_paragraph, "第一段加粗。");
        let text = plain_text("第一段**加粗**。\n\n| 县 | 人数 |\n|---|---|\n| 于都 | `5` |\n");
        assert_eq!(text, "第一段加粗。\n县 人数 \n于都 5 \n");
    }

    #[test]
    fn a_line_break_between_chinese_characters_is_nothing() {
        let r = render("学前\n教育，推进\n**农民工**\n工资。\n", false);
        assert_eq!(
            &*r.html,
            "<p>学前教育，推进<strong>农民工</strong>工资。</p>\n"
        );
        // Punctuation and full-width forms are wide too; Latin words keep their space.
        let r = render("工作。\n下一句：\n５Ｇ\nGDP\ngrowth 增长\n2021年\n", false);
        assert_eq!(
            &*r.html,
            "<p>工作。下一句：５Ｇ\nGDP\ngrowth 增长\n2021年</p>\n"
        );
        assert_eq!(
            r.first_paragraph,
            "工作。下一句：５Ｇ GDP growth 增长 2021年"
        );
        assert!(joins('学', '，') && !joins('学', 'a') && !joins('“', '学'));
    }

    #[test]
    fn scripts_and_handlers_are_removed_unless_trusted() {
        let body = "<script>alert(1)</script>\n\n<span onclick=\"x()\">文字</span> <a href=\"javascript:alert(1)\">链接</a>\n";
        let r = render(body, false);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(r.html.contains("<span>文字</span>"), "{}", r.html);
        let trusted = render(body, true);
        assert!(trusted.html.contains("<script>"));
    }

    #[test]
    fn nesting_depth_is_measured_for_markdown_and_raw_html() {
        assert_eq!(render("段落\n", false).depth, 1);
        assert!(render(&("> ".repeat(50) + "x"), false).depth >= 50);
        assert!(render(&("- ".repeat(50) + "x"), false).depth >= 50);
        let deep_html = format!("{}x{}", "<div>".repeat(300), "</div>".repeat(300));
        assert!(render(&deep_html, false).depth >= 300);
        assert_eq!(html_depth("<p>a<br>b<img src=x><span>c</span></p><hr/>"), 2);
    }

    #[test]
    fn markdown_links_cannot_run_code() {
        let body = "[a](javascript:alert(1)) ![b](javascript:alert(2)) [c](data:text/html,x) <javascript:alert(3)> [d](VBScript:x) [e](java%09script:x) [ok](/issues/) [ok2](https://example.gov.cn/a?b=c:d) [ok3](mailto:a@b.cn) [ok4](a/b:c)";
        let r = render(body, false);
        let lower = r.html.to_ascii_lowercase();
        for bad in [
            "href=\"javascript",
            "src=\"javascript",
            "href=\"data:",
            "href=\"vbscript",
            "href=\"java%09",
        ] {
            assert!(!lower.contains(bad), "{bad}: {}", r.html);
        }
        for ok in [
            "href=\"/issues/\"",
            "https://example.gov.cn/a?b=c:d",
            "mailto:a@b.cn",
            "href=\"a/b:c\"",
        ] {
            assert!(r.html.contains(ok), "{ok} missing: {}", r.html);
        }
        assert!(render(body, true).html.contains("javascript:alert(1)"));
        assert!(!is_safe_url(" java\tscript:alert(1)"));
        assert!(!is_safe_url("JAVASCRIPT:alert(1)"));
        assert!(!is_safe_url("vbscript:x"));
        assert!(!is_safe_url("x-custom+1.0:y"));
        // Not a scheme by the URL standard, so a relative address.
        assert!(is_safe_url("{{ t.url }}\0\0hone: 1"));
        assert!(is_safe_url("新闻:一"));
        assert!(is_safe_url(":x"));
    }

    /// Found by the fuzzer (with the theme's templates in its corpus): raw HTML linking to
    /// `{{ t.url }}…hone:` is relative, not a scheme called `{{t.url}}hone`; the check used to say
    /// otherwise.
    #[test]
    fn fuzz_regression_a_colon_after_no_scheme_is_relative() {
        assert_every_link_safe(include_bytes!(
            "../tests/fixtures/fuzz/markdown-template-href.md"
        ));
    }

    /// What the Markdown fuzz target asserts: every link and image address of the sanitised
    /// HTML, read with a real tokenizer, is safe.
    fn assert_every_link_safe(bytes: &[u8]) {
        let r = render(&String::from_utf8_lossy(bytes), false);
        for link in crate::links::scan(&r.html).links {
            assert!(is_safe_url(&link), "{link}");
        }
    }

    /// Found by the fuzzer: text reading `href="javascript:` next to raw HTML comes out of the
    /// sanitiser as text (quotes are not escaped in text), which is harmless. The check that it
    /// is harmless reads the HTML with a real tokenizer, as the fuzz target now does.
    #[test]
    fn fuzz_regression_quoted_href_in_text_is_not_a_link() {
        assert_every_link_safe(include_bytes!(
            "../tests/fixtures/fuzz/markdown-quoted-href-text.md"
        ));
    }

    #[test]
    fn summaries_end_at_a_sentence_when_they_can() {
        assert_eq!(summarize("短句。", 10), "短句。");
        let long = "这是第一句话，内容比较长。这是第二句话，也比较长一些。";
        assert_eq!(summarize(long, 20), "这是第一句话，内容比较长。");
        assert_eq!(summarize("一二三四五六七八九十", 5), "一二三四五…");
    }
}
