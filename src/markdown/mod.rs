//! Markdown bodies to HTML, in one pass that also collects the first paragraph (for summaries),
//! so a file is parsed exactly once.
//!
//! CommonMark with tables, footnotes and strikethrough. Raw HTML in a body is sanitised with
//! ammonia unless the site trusts its authors (`trust_html: true`); bodies without raw HTML, which
//! is nearly all of them, skip that step. A line break inside a paragraph between two Chinese
//! characters is dropped ([`joins`]): Chinese wraps without spaces, and a browser would show the
//! break as one. The search index reads the text from this HTML (`search/html_text/`), so no
//! plain-text copy of a body is kept.

use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::assets::Assets;

mod files;

use crate::cjk::is_wide;

/// What one Markdown body gives. The HTML is shared, not copied, when a site is rebuilt from what
/// was loaded (the dev server does that on every save).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: Arc<str>,
    /// The first paragraph's text, for a summary when front matter gives none.
    pub first_paragraph: String,
    /// How deeply elements nest in the HTML (lists in lists, quotes in quotes, raw HTML).
    pub depth: usize,
    /// Whether the elements nest strictly (see [`html_shape`]): false only for trusted raw HTML
    /// that closes what it did not open or leaves open what it opened. Such a body is not
    /// minified.
    pub balanced: bool,
    /// Files next to the article that the body links to (not photos), in order, once each.
    pub attachments: Vec<Attachment>,
    /// What is wrong with the body's links and photos (a missing file, an image without alt text).
    pub problems: Vec<Problem>,
}

/// A file the body links to: `[附件1：实施方案](附件1-实施方案.pdf)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The link's text.
    pub title: String,
    /// Its published URL (from the site root, base path included).
    pub url: String,
    /// `PDF`, `Word`, `Excel`…
    pub kind: String,
    /// Size in bytes.
    pub size: u64,
}

/// A problem found while rendering a body, placed by the text it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub error: bool,
    pub message: String,
    pub label: String,
    pub help: String,
    /// The message and help in Chinese, for the 工作台.
    pub message_zh: String,
    pub help_zh: String,
    /// The text in the body the problem is about (the link's address), to find its line.
    pub needle: String,
}

/// Where a body's relative links lead: the site's files next to articles, the folder of the body's
/// file, and the base path URLs start with.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub assets: &'a Assets,
    /// The folder of the Markdown file, relative to content/, `/`-separated.
    pub dir: &'a str,
    /// The path of base_url (`/`, `/jianbao/`).
    pub base_path: &'a str,
    /// The content folder on disk, to tell a missing file from one that is not published.
    pub content: &'a std::path::Path,
}

/// The deepest nesting an article body may have. Real bulletins nest a few levels; thousands are a
/// broken paste or an attack, which no reader needs and which every tool that walks the page's
/// tree (the sanitiser, a browser) pays for.
pub const MAX_DEPTH: usize = 100;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Whether a line break between `before` and `after` is nothing, as CSS Text says for two East
/// Asian wide characters (and Firefox does, but Chromium shows a space): Han characters, CJK
/// punctuation (、。《》) and full-width forms (，：；！？).
pub fn joins(before: char, after: char) -> bool {
    is_wide(before) && is_wide(after)
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
    render_in(body, trust_html, None)
}

/// Render `body` of a file whose relative links resolve in `context`: links and photos that name
/// files next to the article point to their published copies, photos with `srcset`.
pub fn render_in(body: &str, trust_html: bool, context: Option<&Context<'_>>) -> Rendered {
    let mut first_paragraph = String::new();
    let mut paragraphs_done = 0usize;
    let mut in_paragraph = false;
    let mut has_raw_html = false;
    // Markdown's own HTML always nests strictly; raw HTML is checked below.
    let mut balanced = true;
    let mut level = 0usize;
    let mut depth = 0usize;
    // With a context, addresses are defused after they are resolved (so that `file:///…` is
    // reported as a path outside the site, not silently made `#`).
    let defuse = !trust_html;
    let early = defuse && context.is_none();
    let events = Parser::new_ext(body, options())
        .map(|event| if early { defuse_links(event) } else { event });
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
    let mut attachments = Vec::new();
    let mut problems = Vec::new();
    match context {
        Some(cx) => {
            let events: Vec<Event<'_>> = parser.collect();
            let events = files::link_files(events, cx, defuse, &mut attachments, &mut problems);
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
        }
        None => pulldown_cmark::html::push_html(&mut html, parser),
    }
    if has_raw_html {
        if !trust_html {
            html = sanitize(&html);
        }
        let (d, strict) = html_shape(&html);
        depth = depth.max(d);
        balanced = strict;
    }
    Rendered {
        balanced,
        html: html.into(),
        first_paragraph,
        depth,
        attachments,
        problems,
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

/// The deepest element nesting of an HTML fragment (void and self-closed elements aside), as
/// html5ever's tokenizer reads it ([`crate::html`]): it bounds what raw HTML in a body can do. And
/// whether its elements nest strictly, each end tag closing the innermost open element and none
/// left open: only such a fragment is minified (`crate::minify::fragment` would drop a stray end
/// tag that, pasted into a page, closes one of the theme's elements). Only bodies with raw HTML
/// are read again for it, which is rare.
pub fn html_shape(html: &str) -> (usize, bool) {
    use crate::html::{TagKind, Token};
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let (mut open, mut max, mut strict) = (Vec::new(), 0usize, true);
    crate::html::tokens(html, |token| {
        if let Token::TagToken(tag) = token {
            match tag.kind {
                TagKind::EndTag => {
                    strict &= open.last() == Some(&tag.name);
                    open.pop();
                }
                TagKind::StartTag if !tag.self_closing && !VOID.contains(&&*tag.name) => {
                    open.push(tag.name);
                    max = max.max(open.len());
                }
                TagKind::StartTag => {}
            }
        }
    });
    (max, strict && open.is_empty())
}

/// Remove what could run code or load from elsewhere; keep formatting, tables, images, links and
/// the ids and classes that footnotes and themes rely on.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "title", "lang"])
        .add_tags(["figure", "figcaption"])
        .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding"])
        .add_generic_attributes(["role", "aria-label", "tabindex"])
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
mod tests;
