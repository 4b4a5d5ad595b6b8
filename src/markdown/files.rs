//! Links and photos that name files next to the article: resolved against the site's assets and
//! rewritten to their published URLs; a photo becomes a link to its largest copy around an `<img>`
//! offering every copy, and a titled photo alone in its paragraph a `<figure>`. Tables get a
//! wrapper that scrolls by itself. See `crate::assets` for what is published.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::{Attachment, Context, Problem, defuse_links};
use crate::assets::{Asset, Kind, Target};

/// The served width given as `src` to browsers that read no `srcset`: the one nearest a column.
const FALLBACK_WIDTH: u32 = 800;

/// How wide a photo shows: the whole screen on a phone, the article's column (40 em) elsewhere.
const SIZES: &str = "(max-width: 40rem) 100vw, 40rem";

/// Point links and photos that name files next to the article at their published copies; a photo
/// becomes a link to its largest copy around an `<img>` with `srcset`, `width` and `height`, and a
/// paragraph holding nothing but a photo with a title (`![说明](x.jpg "图1 标题")`) a `<figure>`.
/// Tables are wrapped so that a wide one scrolls by itself on a phone instead of the whole page.
pub(super) fn link_files<'a>(
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
                        message_zh: format!("图片 `{dest_url}` 没有替代文字"),
                        help_zh: "在方括号里写上照片的内容，例如 `![于都县幼儿园新教室](photo.jpg)`：读屏软件会把它读给视障读者听".into(),
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
                // `<name@host.cn>` is an address, not a file next to the article (its `.cn`
                // would otherwise read as a file name); pulldown-cmark writes `mailto:` for it.
                let asset = match link_type {
                    LinkType::Email => None,
                    _ => find(cx, dest_url, false, problems),
                };
                if let Some(asset) = asset {
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
    match crate::assets::target_of(cx.dir, dest) {
        Target::Elsewhere => None,
        Target::Outside => {
            problems.push(Problem {
                error: true,
                message: format!("`{dest}` is outside the site's content folder"),
                label: "outside content/".into(),
                help: "put the file next to the article, in its issue folder, and refer to it by its name (`photo.jpg`)".into(),
                message_zh: format!("`{dest}` 在网站的 `content/` 文件夹之外"),
                help_zh: "把文件放在文章旁边、这一期的文件夹里，用文件名引用它（`photo.jpg`）".into(),
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
                    message_zh: format!("`{dest}` 不会发布：它不在任何一期的文件夹里"),
                    help_zh: "只有某一期文件夹里（有 `_index.md` 的文件夹，或它下面的文件夹）的文件才会发布；把它移到文章旁边".into(),
                    needle: dest.to_string(),
                });
            } else if is_image || looks_like_file {
                let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
                let (help, help_zh) = match crate::diagnostics::closest(
                    name,
                    cx.assets.names_in(dir),
                ) {
                    Some(c) => (
                        format!(
                            "did you mean `{c}`? File names must match exactly, letter case and extension included"
                        ),
                        format!("是不是 `{c}`？文件名要一字不差，大小写和扩展名也要一样"),
                    ),
                    None => {
                        let folder = if dir.is_empty() {
                            String::new()
                        } else {
                            format!("{dir}/")
                        };
                        (
                            format!(
                                "put the file in content/{folder} next to the article, or correct the name"
                            ),
                            format!("把文件放进 `content/{folder}`、文章的旁边，或者改正文件名"),
                        )
                    }
                };
                problems.push(Problem {
                    error: true,
                    message: format!("`{dest}` does not exist (looked for content/{rel})"),
                    label: "no such file".into(),
                    help,
                    message_zh: format!("`{dest}` 不存在（找的是 `content/{rel}`）"),
                    help_zh,
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
