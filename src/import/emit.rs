//! Parsed bulletins → the text of `_index.md` and of each article's file.
//!
//! Front matter is YAML that bulletin's loader reads back: values are written plain when YAML
//! would read them back as the same text, double-quoted otherwise (a phone number, a value starting
//! with a quote or bracket, `true`…). Bodies are CommonMark with every character of the input
//! shown as written: ASCII punctuation that could be markup is escaped.
//!
//! Section leads are rendered one way everywhere:
//! - a line of its own (`一、统一人员聘用`, `（一）强化保障`) is a heading: `##` for the highest
//!   level the article uses, `###` for the next;
//! - a paragraph starting with one (`一、引导农民工有序转移就业。畅通…`) gets its lead, up to the
//!   first full stop, in bold with the stop outside the stars (`**一、…就业**。畅通…`: CommonMark
//!   does not close `**` between Chinese punctuation and a letter);
//! - in an article with a run `一是…二是…`, each item's first sentence is bold the same way, where
//!   the item starts a paragraph or follows a full stop, semicolon or colon.

use super::parse::{Block, ParsedArticle, ordinal_lead};
use super::text::{self, Marker};

/// Longest lead, in characters, that is set in bold; a longer one is left plain.
const MAX_LEAD: usize = 60;

/// Characters that end a lead.
const LEAD_END: &[char] = &['。', '；', '：', '！', '？'];

/// A YAML scalar for `s`: plain when safe, else double-quoted.
pub fn yaml_scalar(s: &str) -> String {
    if yaml_plain_ok(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

fn yaml_plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || "-?:,[]{}#&*!|>'\"%@`~".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control())
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
    ) {
        return false;
    }
    // Numbers, dates, times: anything ASCII starting with a digit, sign or dot.
    !(s.is_ascii() && (first.is_ascii_digit() || matches!(first, '+' | '.')))
}

/// The blocks of a body as Markdown, paragraphs separated by a blank line, ending in a newline
/// (empty for no blocks). Tables and pictures are left out: see [`body_markdown_with`].
pub fn body_markdown(blocks: &[Block]) -> String {
    body_markdown_with(blocks, &|_| None)
}

/// [`body_markdown`], with `objects` giving the Markdown of each table and picture (`None` leaves
/// it out).
pub fn body_markdown_with(blocks: &[Block], objects: &dyn Fn(usize) -> Option<String>) -> String {
    let has_run = has_ordinal_run(blocks);
    let mut levels: Vec<Marker> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(m, _) => Some(*m),
            _ => None,
        })
        .collect();
    levels.sort();
    levels.dedup();
    let mut out = String::new();
    for b in blocks {
        let md = match b {
            Block::Heading(m, t) => {
                let depth = 2 + levels.iter().position(|l| l == m).unwrap_or(0);
                format!("{} {}", "#".repeat(depth.min(6)), text::escape_inline(t))
            }
            Block::Paragraph(p) => paragraph(p, has_run, None),
            Block::BoldLead(p, n) => paragraph(p, has_run, Some(*n)),
            Block::Object(k) => match objects(*k) {
                Some(md) => md,
                None => continue,
            },
        };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&md);
        out.push('\n');
    }
    out
}

/// A table as a Markdown table: the first row is its head, `|` and other markup escaped, line
/// breaks in a cell made spaces.
pub fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..width {
            let cell = row.get(c).map_or("", String::as_str);
            let cell = text::clean_line(cell).0;
            out.push(' ');
            out.push_str(&text::escape_inline(&cell));
            out.push_str(" |");
        }
        out.push('\n');
        if i == 0 {
            out.push('|');
            out.push_str(&" --- |".repeat(width));
            out.push('\n');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// A picture: `![alt](file)`, the alt text escaped.
pub fn picture(alt: &str, file: &str) -> String {
    format!("![{}]({file})", text::escape_inline(alt))
}

/// Whether the blocks hold a run `一是…二是…` at item positions.
fn has_ordinal_run(blocks: &[Block]) -> bool {
    let mut seen_one = false;
    for b in blocks {
        if let Block::Paragraph(p) | Block::BoldLead(p, _) = b {
            for pos in item_positions(p) {
                let rest = &p[pos..];
                if rest.starts_with("一是") {
                    seen_one = true;
                } else if seen_one && rest.starts_with("二是") {
                    return true;
                }
            }
        }
    }
    false
}

/// Byte offsets in `p` where an item `N是` of a run starts: at the start, or after `。`, `；`, `：`.
fn item_positions(p: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in p.char_indices() {
        if prev.is_none_or(|x| matches!(x, '。' | '；' | '：')) && ordinal_lead(&p[i..]) {
            out.push(i);
        }
        prev = Some(c);
    }
    out
}

/// The end (byte offset in `p`) of a lead starting at `start`: the first `LEAD_END` after it, if the
/// lead is not too long and something is left to bold.
fn lead_end(p: &str, start: usize, min_chars: usize) -> Option<usize> {
    let rel = p[start..].find(LEAD_END)?;
    let lead = &p[start..start + rel];
    let n = lead.chars().count();
    (n > min_chars && n <= MAX_LEAD).then_some(start + rel)
}

/// One paragraph as Markdown, with bold lead-ins: those the text's section markers and ordinal
/// runs call for, and the first `bold` characters (whitespace aside) when the input set them in bold.
fn paragraph(p: &str, has_run: bool, bold: Option<usize>) -> String {
    // Where bold spans go, as byte ranges of `p`.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if let Some((Marker::Chapter | Marker::Section, mlen)) = text::section_marker(p)
        && let Some(end) = lead_end(p, 0, mlen_chars(p, mlen))
    {
        spans.push((0, end));
    }
    if spans.is_empty()
        && let Some(end) = bold.and_then(|n| bold_lead_end(p, n))
    {
        spans.push((0, end));
    }
    if has_run {
        for pos in item_positions(p) {
            if spans.iter().any(|&(s, e)| pos >= s && pos < e) {
                continue;
            }
            if let Some(end) = lead_end(p, pos, 3) {
                spans.push((pos, end));
            }
        }
    }
    spans.sort();
    let mut out = String::with_capacity(p.len() + 16);
    let mut pos = 0;
    for (s, e) in spans {
        out.push_str(&escape_at(p, pos, s));
        out.push_str("**");
        out.push_str(&text::escape_inline(&p[s..e]));
        out.push_str("**");
        pos = e;
    }
    out.push_str(&escape_at(p, pos, p.len()));
    out
}

/// Where a bold lead-in of `n` non-space characters ends in `p` (a byte offset), written the way
/// the text rules write one: a final stop, semicolon or colon it ends with stays outside the stars.
/// `None` when it cannot be written so that CommonMark reads it back as bold (it is the whole
/// paragraph, too long, or ends in a quote or bracket right before a letter).
fn bold_lead_end(p: &str, n: usize) -> Option<usize> {
    let mut seen = 0;
    let mut end = None;
    for (i, c) in p.char_indices() {
        if !text::is_space(c) {
            seen += 1;
            if seen == n {
                end = Some(i + c.len_utf8());
                break;
            }
        }
    }
    let mut end = end?;
    while let Some(c) = p[..end].chars().next_back()
        && (LEAD_END.contains(&c) || text::is_space(c))
    {
        end -= c.len_utf8();
    }
    let lead = &p[..end];
    let next = p[end..].chars().next()?;
    let last = lead.chars().next_back()?;
    let closes = !last.is_ascii_punctuation() && !is_cjk_punct(last)
        || next.is_whitespace()
        || next.is_ascii_punctuation()
        || is_cjk_punct(next);
    (lead.chars().count() <= MAX_LEAD && closes).then_some(end)
}

/// Chinese punctuation, which CommonMark counts as punctuation for where `**` may close.
fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '\u{2010}'..='\u{2027}')
}

fn mlen_chars(p: &str, mlen: usize) -> usize {
    p[..mlen].chars().count()
}

/// Escape `p[from..to]`, with the start-of-paragraph rules when it is at the start.
fn escape_at(p: &str, from: usize, to: usize) -> String {
    if from == 0 {
        text::escape_markdown(&p[from..to])
    } else {
        text::escape_inline(&p[from..to])
    }
}

/// The article's file: front matter and body.
pub fn article_file(
    a: &ParsedArticle,
    county: &str,
    unit: Option<&str>,
    topics: &[String],
    body: &str,
) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_scalar(&a.title)));
    out.push_str(&format!("county: {}\n", yaml_scalar(county)));
    if let Some(u) = unit {
        out.push_str(&format!("unit: {}\n", yaml_scalar(u)));
    }
    out.push_str("topics:\n");
    for t in topics {
        out.push_str(&format!("  - {}\n", yaml_scalar(t)));
    }
    out.push_str("---\n");
    out.push_str(body);
    out
}

/// Every non-whitespace character of `s`, in order: what "nothing lost" compares.
pub fn letters(s: &str) -> String {
    s.chars().filter(|c| !text::is_space(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Block {
        Block::Paragraph(s.to_string())
    }

    #[test]
    fn yaml_values_are_quoted_only_when_needed() {
        assert_eq!(yaml_scalar("市人社局"), "市人社局");
        assert_eq!(yaml_scalar("gzswxzfb@163.com"), "gzswxzfb@163.com");
        assert_eq!(yaml_scalar("8992528"), "\"8992528\"");
        assert_eq!(yaml_scalar("0797-8992528"), "\"0797-8992528\"");
        assert_eq!(yaml_scalar("“链长制”见成效"), "“链长制”见成效");
        assert_eq!(yaml_scalar("[试行]办法"), "\"[试行]办法\"");
        assert_eq!(yaml_scalar("标题: 副标题"), "\"标题: 副标题\"");
        assert_eq!(yaml_scalar("yes"), "\"yes\"");
        assert_eq!(yaml_scalar("2021年工作"), "2021年工作");
        assert_eq!(yaml_scalar("\"引号\""), "\"\\\"引号\\\"\"");
    }

    #[test]
    fn paragraph_leads_are_bold_with_the_stop_outside() {
        assert_eq!(
            body_markdown(&[p("一、引导农民工有序转移就业。畅通就业渠道。")]),
            "**一、引导农民工有序转移就业**。畅通就业渠道。\n"
        );
        assert_eq!(
            body_markdown(&[p("（一）主要措施：加强领导。")]),
            "**（一）主要措施**：加强领导。\n"
        );
        // Numbered items stay plain.
        assert_eq!(body_markdown(&[p("1.加强领导。")]), "1.加强领导。\n");
    }

    #[test]
    fn ordinal_runs_are_bold_only_where_there_is_a_run() {
        assert_eq!(
            body_markdown(&[
                p(
                    "一、高标准抓建设。一是资源整合推进规范办园。公办幼儿园增加。二是推进中心园。坚持统一。"
                ),
                p("三是积极推进县城公办园建设。投入资金。"),
            ]),
            "**一、高标准抓建设**。**一是资源整合推进规范办园**。公办幼儿园增加。**二是推进中心园**。坚持统一。\n\n**三是积极推进县城公办园建设**。投入资金。\n"
        );
        assert_eq!(
            body_markdown(&[p("一是孤例。没有二。")]),
            "一是孤例。没有二。\n"
        );
        assert_eq!(
            body_markdown(&[p("价格统一是关键。一是甲。二是乙。")]),
            "价格统一是关键。一是甲。二是乙。\n"
        );
    }

    #[test]
    fn headings_take_levels_from_the_markers_the_article_uses() {
        let md = body_markdown(&[
            Block::Heading(Marker::Chapter, "一、统一聘用".into()),
            Block::Heading(Marker::Section, "（一）统一待遇".into()),
            p("正文。"),
        ]);
        assert_eq!(md, "## 一、统一聘用\n\n### （一）统一待遇\n\n正文。\n");
        let md = body_markdown(&[Block::Heading(Marker::Section, "（一）统一待遇".into())]);
        assert_eq!(md, "## （一）统一待遇\n");
    }

    #[test]
    fn a_bold_lead_of_the_input_is_written_as_the_text_rules_write_one() {
        let lead = |p: &str, n| body_markdown(&[Block::BoldLead(p.into(), n)]);
        assert_eq!(
            lead("加强组织领导。成立专班。", 6),
            "**加强组织领导**。成立专班。\n"
        );
        // The stop inside the bold run goes outside the stars, as the text rules put it.
        assert_eq!(
            lead("加强组织领导：成立专班。", 7),
            "**加强组织领导**：成立专班。\n"
        );
        // A section lead: the text rule's span, the same either way.
        assert_eq!(
            lead("一、引导就业。畅通渠道。", 6),
            body_markdown(&[p("一、引导就业。畅通渠道。")])
        );
        // All bold, or ending in a quote right before a letter (CommonMark would not close the
        // stars there): left plain.
        assert_eq!(lead("全文加粗的一段", 7), "全文加粗的一段\n");
        assert_eq!(
            lead("推行“链长制”为产业护航。", 7),
            "推行“链长制”为产业护航。\n"
        );
    }

    #[test]
    fn tables_and_pictures_are_written_where_their_blocks_stand() {
        let rows = vec![
            vec!["产业".to_string(), "企业|集团".to_string()],
            vec!["显示".to_string(), "*同兴达*".to_string()],
        ];
        let t = table(&rows);
        assert_eq!(
            t,
            "| 产业 | 企业\\|集团 |\n| --- | --- |\n| 显示 | \\*同兴达\\* |"
        );
        let text = crate::markdown::plain_text(&t);
        assert_eq!(text, "产业 企业|集团 \n显示 *同兴达* \n");
        let blocks = [p("前。"), Block::Object(0), Block::Object(1), p("后。")];
        let md = body_markdown_with(&blocks, &|k| {
            (k == 0).then(|| picture("图为[现场]", "01-a-1.jpg"))
        });
        assert_eq!(md, "前。\n\n![图为\\[现场\\]](01-a-1.jpg)\n\n后。\n");
        assert_eq!(body_markdown(&blocks), "前。\n\n后。\n");
    }

    #[test]
    fn markdown_in_the_text_is_shown_as_written() {
        let md = body_markdown(&[p("1. 第*一*条<b>"), p("一、加强_领导。正文")]);
        assert_eq!(md, "1\\. 第\\*一\\*条\\<b>\n\n**一、加强\\_领导**。正文\n");
        let text = crate::markdown::plain_text(&md);
        assert_eq!(text, "1. 第*一*条<b>\n一、加强_领导。正文\n");
    }
}
