//! Markdown bodies to HTML, in one pass that also collects the first paragraph (for summaries),
//! so a file is parsed exactly once.
//!
//! CommonMark with tables, footnotes and strikethrough. Raw HTML in a body is sanitised with
//! ammonia unless the site trusts its authors (`trust_html: true`); bodies without raw HTML, which
//! is nearly all of them, skip that step. A line break inside a paragraph between two Chinese
//! characters is dropped ([`joins`]): Chinese wraps without spaces, and a browser would show the
//! break as one. The search index reads the text from this HTML (`search/html_text.rs`), so no
//! plain-text copy of a body is kept.

use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::assets::{Asset, Assets, Kind, Target};

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
            let events = link_files(events, cx, defuse, &mut attachments, &mut problems);
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
        }
        None => pulldown_cmark::html::push_html(&mut html, parser),
    }
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
        attachments,
        problems,
    }
}

/// The served width given as `src` to browsers that read no `srcset`: the one nearest a column.
const FALLBACK_WIDTH: u32 = 800;

/// How wide a photo shows: the whole screen on a phone, the article's column (40 em) elsewhere.
const SIZES: &str = "(max-width: 40rem) 100vw, 40rem";

/// Point links and photos that name files next to the article at their published copies; a photo
/// becomes a link to its largest copy around an `<img>` with `srcset`, `width` and `height`, and a
/// paragraph holding nothing but a photo with a title (`![说明](x.jpg "图1 标题")`) a `<figure>`.
/// Tables are wrapped so that a wide one scrolls by itself on a phone instead of the whole page.
fn link_files<'a>(
    events: Vec<Event<'a>>,
    cx: &Context<'_>,
    defuse: bool,
    attachments: &mut Vec<Attachment>,
    problems: &mut Vec<Problem>,
) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                // The alt text is the text inside the image's brackets.
                let mut alt = String::new();
                let mut j = i + 1;
                let mut level = 1;
                while j < events.len() {
                    match &events[j] {
                        Event::Start(_) => level += 1,
                        Event::End(_) => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        _ => {}
                    }
                    j += 1;
                }
                let alt = alt.trim().to_string();
                if alt.is_empty() {
                    problems.push(Problem {
                        error: false,
                        message: format!("image `{dest_url}` has no alt text"),
                        label: "no alt text".into(),
                        help: "describe the photo between the brackets, e.g. `![于都县幼儿园新教室](photo.jpg)`: screen readers read it aloud".into(),
                        needle: dest_url.to_string(),
                    });
                }
                let asset = match find(cx, dest_url, true, problems) {
                    Some(a) => a,
                    None => {
                        out.extend(events[i..=j.min(events.len() - 1)].iter().map(|e| {
                            if defuse {
                                defuse_links(e.clone())
                            } else {
                                e.clone()
                            }
                        }));
                        i = j + 1;
                        continue;
                    }
                };
                let img = match &asset.kind {
                    Kind::Image(_) => photo_html(asset, &alt, cx.base_path),
                    Kind::File => {
                        let mut h = String::from("<img src=\"");
                        let _ = pulldown_cmark_escape::escape_href(
                            &mut h,
                            &asset.url(cx.base_path, None),
                        );
                        h.push_str("\" alt=\"");
                        let _ = pulldown_cmark_escape::escape_html(&mut h, &alt);
                        h.push_str("\">");
                        h
                    }
                };
                let alone = matches!(out.last(), Some(Event::Start(Tag::Paragraph)))
                    && matches!(events.get(j + 1), Some(Event::End(TagEnd::Paragraph)));
                if alone && !title.trim().is_empty() {
                    out.pop();
                    let mut figure = String::from("<figure class=\"photo\">");
                    figure.push_str(&img);
                    figure.push_str("<figcaption>");
                    let _ = pulldown_cmark_escape::escape_html_body_text(&mut figure, title.trim());
                    figure.push_str("</figcaption></figure>\n");
                    out.push(Event::Html(figure.into()));
                    i = j + 2;
                } else {
                    out.push(Event::InlineHtml(img.into()));
                    i = j + 1;
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(asset) = find(cx, dest_url, false, problems) {
                    let url = asset.url(cx.base_path, None);
                    if matches!(asset.kind, Kind::File)
                        && !attachments.iter().any(|a: &Attachment| a.url == url)
                    {
                        let mut text = String::new();
                        for e in &events[i + 1..] {
                            match e {
                                Event::End(TagEnd::Link) => break,
                                Event::Text(t) | Event::Code(t) => text.push_str(t),
                                _ => {}
                            }
                        }
                        attachments.push(Attachment {
                            title: text.trim().to_string(),
                            url: url.clone(),
                            kind: asset.type_label(),
                            size: asset.size,
                        });
                    }
                    out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: CowStr::from(url),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                } else if defuse {
                    out.push(defuse_links(events[i].clone()));
                } else {
                    out.push(events[i].clone());
                }
            }
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(
                    "<div class=\"table-scroll\" role=\"region\" aria-label=\"表格\" tabindex=\"0\">".into(),
                ));
                out.push(events[i].clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(events[i].clone());
                out.push(Event::Html("</div>\n".into()));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out
}

/// The file next to the article that `dest` names, if it names one. A relative path that names
/// no published file is an error for a photo (it would show broken) and for a link whose last
/// segment looks like a file name (`附件1.pdf`); other links (`../`, `page/`) are left to the link
/// check.
fn find<'c>(
    cx: &Context<'c>,
    dest: &str,
    is_image: bool,
    problems: &mut Vec<Problem>,
) -> Option<&'c Asset> {
    match crate::assets::resolve(cx.dir, dest) {
        Target::Elsewhere => None,
        Target::Outside => {
            problems.push(Problem {
                error: true,
                message: format!("`{dest}` is outside the site's content folder"),
                label: "outside content/".into(),
                help: "put the file next to the article, in its issue folder, and refer to it by its name (`photo.jpg`)".into(),
                needle: dest.to_string(),
            });
            None
        }
        Target::File(rel) => {
            if let Some(a) = cx.assets.get(&rel) {
                return Some(a);
            }
            let last = rel.rsplit('/').next().unwrap_or(&rel);
            let looks_like_file = last.contains('.')
                && !last.ends_with(".md")
                && !last.ends_with(".html")
                && !last.ends_with(".htm");
            if (is_image || looks_like_file) && cx.content.join(&rel).is_file() {
                problems.push(Problem {
                    error: true,
                    message: format!("`{dest}` is not published: it is not in an issue folder"),
                    label: "not published".into(),
                    help: "only files in an issue folder (the folder with the _index.md, or one below it) are published; move it next to the article".into(),
                    needle: dest.to_string(),
                });
            } else if is_image || looks_like_file {
                let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
                let help = match crate::diagnostics::closest(name, cx.assets.names_in(dir)) {
                    Some(c) => format!(
                        "did you mean `{c}`? File names must match exactly, letter case and extension included"
                    ),
                    None => format!(
                        "put the file in content/{} next to the article, or correct the name",
                        if dir.is_empty() {
                            String::new()
                        } else {
                            format!("{dir}/")
                        }
                    ),
                };
                problems.push(Problem {
                    error: true,
                    message: format!("`{dest}` does not exist (looked for content/{rel})"),
                    label: "no such file".into(),
                    help,
                    needle: dest.to_string(),
                });
            }
            None
        }
    }
}

/// A photo as a link to its largest copy around an `<img>` offering every copy.
fn photo_html(asset: &Asset, alt: &str, base_path: &str) -> String {
    let Kind::Image(info) = &asset.kind else {
        return String::new();
    };
    let largest = info.largest();
    let fallback = info
        .widths
        .iter()
        .copied()
        .find(|&w| w >= FALLBACK_WIDTH)
        .unwrap_or(largest);
    let mut h = String::with_capacity(256);
    h.push_str("<a class=\"photo-link\" href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut h, &asset.url(base_path, None));
    h.push_str("\"><img src=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut h, &asset.url(base_path, Some(fallback)));
    h.push('"');
    if info.widths.len() > 1 {
        h.push_str(" srcset=\"");
        for (n, &w) in info.widths.iter().enumerate() {
            if n > 0 {
                h.push_str(", ");
            }
            let _ = pulldown_cmark_escape::escape_href(&mut h, &asset.url(base_path, Some(w)));
            h.push_str(&format!(" {w}w"));
        }
        h.push_str("\" sizes=\"");
        h.push_str(SIZES);
        h.push('"');
    }
    h.push_str(&format!(
        " width=\"{largest}\" height=\"{}\" alt=\"",
        info.height_at(largest)
    ));
    let _ = pulldown_cmark_escape::escape_html(&mut h, alt);
    h.push_str("\" loading=\"lazy\" decoding=\"async\"></a>");
    h
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

/// Whether `url` starts with a URL scheme (`https:`, `mailto:`), as opposed to a relative path.
pub fn has_scheme(url: &str) -> bool {
    let end = url.find(['/', '?', '#']).unwrap_or(url.len());
    match url[..end].find(':') {
        Some(i) => {
            let scheme = &url[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
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
/// html5ever's tokenizer reads it ([`crate::html`]): it bounds what raw HTML in a body can do. Only
/// bodies with raw HTML are read again for it, which is rare.
pub fn html_depth(html: &str) -> usize {
    use crate::html::{TagKind, Token};
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let (mut level, mut max) = (0usize, 0usize);
    crate::html::tokens(html, |token| {
        if let Token::TagToken(tag) = token {
            match tag.kind {
                TagKind::EndTag => level = level.saturating_sub(1),
                TagKind::StartTag if !tag.self_closing && !VOID.contains(&&*tag.name) => {
                    level += 1;
                    max = max.max(level);
                }
                TagKind::StartTag => {}
            }
        }
    });
    max
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

    fn with_files(body: &str) -> Rendered {
        use crate::assets::{Asset, Assets, Format, ImageInfo, Kind};
        let assets = Assets::from_list(vec![
            Asset {
                rel: "2021-125/xianchang.jpg".into(),
                source: Default::default(),
                issue_slug: "2021-125".into(),
                in_issue: "xianchang.jpg".into(),
                size: 1,
                kind: Kind::Image(ImageInfo {
                    width: 1000,
                    height: 500,
                    orientation: 1,
                    format: Format::Jpeg,
                    widths: vec![480, 800, 1000],
                }),
            },
            Asset {
                rel: "2021-125/附件.xlsx".into(),
                source: Default::default(),
                issue_slug: "2021-125".into(),
                in_issue: "附件.xlsx".into(),
                size: 2048,
                kind: Kind::File,
            },
        ]);
        let cx = Context {
            assets: &assets,
            dir: "2021-125",
            base_path: "/jb/",
            content: std::path::Path::new("/nonexistent"),
        };
        render_in(body, false, Some(&cx))
    }

    #[test]
    fn a_titled_photo_alone_in_its_paragraph_is_a_figure() {
        let r = with_files("![现场](xianchang.jpg \"图1 现场\")\n");
        assert!(r.html.starts_with("<figure class=\"photo\"><a class=\"photo-link\" href=\"/jb/issues/2021-125/xianchang.jpg\"><img src=\"/jb/issues/2021-125/xianchang-800w.jpg\" srcset=\"/jb/issues/2021-125/xianchang-480w.jpg 480w, /jb/issues/2021-125/xianchang-800w.jpg 800w, /jb/issues/2021-125/xianchang.jpg 1000w\""), "{}", r.html);
        assert!(
            r.html
                .contains("width=\"1000\" height=\"500\" alt=\"现场\""),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<figcaption>图1 现场</figcaption></figure>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<p>"), "{}", r.html);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }

    #[test]
    fn a_photo_inside_text_stays_inline_and_links_to_files_are_attachments() {
        let r = with_files(
            "见图![现场](./xianchang.jpg)和[附件：统计表](附件.xlsx)。\n\n| a |\n|---|\n| 1 |\n",
        );
        assert!(
            r.html.starts_with("<p>见图<a class=\"photo-link\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "<a href=\"/jb/issues/2021-125/%E9%99%84%E4%BB%B6.xlsx\">附件：统计表</a>"
            ),
            "{}",
            r.html
        );
        assert_eq!(r.attachments.len(), 1);
        assert_eq!(
            (
                r.attachments[0].title.as_str(),
                r.attachments[0].kind.as_str(),
                r.attachments[0].size
            ),
            ("附件：统计表", "Excel", 2048)
        );
        assert!(r.html.contains("<div class=\"table-scroll\" role=\"region\" aria-label=\"表格\" tabindex=\"0\"><table>"), "{}", r.html);
    }

    #[test]
    fn missing_files_are_errors_and_a_photo_without_alt_text_a_warning() {
        let r = with_files(
            "![](xianchang.jpg)\n\n![x](xianchang.png)\n\n[a](a.pdf) [b](../other/) [c](https://x.cn/a.pdf)\n",
        );
        let got: Vec<(bool, &str)> = r
            .problems
            .iter()
            .map(|p| (p.error, p.needle.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (false, "xianchang.jpg"),
                (true, "xianchang.png"),
                (true, "a.pdf")
            ]
        );
        assert!(
            r.problems[1].help.contains("did you mean `xianchang.jpg`"),
            "{:?}",
            r.problems[1]
        );
    }

    #[test]
    fn code_in_a_link_to_an_outside_path_is_refused_not_defused_silently() {
        let r = with_files("![x](file:///etc/passwd) [y](javascript:alert(1))\n");
        assert!(
            r.problems[0]
                .message
                .contains("outside the site's content folder")
        );
        assert!(!r.html.contains("javascript"), "{}", r.html);
        assert!(!r.html.contains("file:"), "{}", r.html);
    }
}
