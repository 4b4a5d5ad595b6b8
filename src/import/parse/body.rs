//! The body: titles, paragraphs re-joined across line and page breaks, section headings, and the
//! editor's note.

use std::path::Path;

use super::{Block, LineHint, ParsedArticle, at};
use crate::diagnostics::Diagnostic;
use crate::import::text::{self, Marker};

#[derive(Debug, Clone)]
pub(super) struct Frag {
    pub(super) text: String,
    pub(super) line: usize,
    pub(super) indented: bool,
    /// A blank line, page number or rule came before it.
    pub(super) gap_before: bool,
    pub(super) hint: LineHint,
}

/// Labels of an editor's note.
const NOTE_LABELS: &[&str] = &[
    "【编者按】",
    "[编者按]",
    "〔编者按〕",
    "（编者按）",
    "编者按",
    "【编者的话】",
    "编者的话",
];

/// Characters a title does not end with: they leave a phrase hanging.
const DANGLING: &[char] = &[
    '，', '、', ',', '（', '(', '“', '‘', '《', '—', '-', '的', '和', '与', '及', '并', '对', '把',
    '将', '从', '向', '以', '为', '在',
];

/// How much a line looks like an article title, or `None` when it cannot be one. 1 and more is a
/// title; 3 and more is a title even where a paragraph seems to go on.
fn title_score(
    f: &Frag,
    next: Option<&Frag>,
    indent_mode: bool,
    is_named: &dyn Fn(&str) -> bool,
) -> Option<i32> {
    let t = f.text.as_str();
    let n = text::len(t);
    if f.hint.body
        || !(4..=50).contains(&n)
        || t.contains(['。', '；', ';'])
        || text::ends_sentence(t)
        || text::section_marker(t).is_some()
        || text::is_parenthesized(t)
        || ordinal_lead(t)
        || t.ends_with(DANGLING)
        || !balanced(t)
    {
        return None;
    }
    let mut score = 1;
    if t.contains(['，', ',']) {
        score -= 1;
    }
    if is_named(t) {
        score += 2;
    }
    if f.hint.title {
        score += 2;
    }
    if n > 40 {
        score -= 1;
    }
    if indent_mode && !f.indented && next.is_some_and(|x| x.indented) {
        score += 1;
    }
    if next.is_none() {
        score -= 2;
    }
    Some(score)
}

/// `一是…`, `二是…`: an item of a run, never a title.
pub fn ordinal_lead(t: &str) -> bool {
    let mut chars = t.chars();
    let numerals = chars.by_ref().take_while(|c| text::is_numeral(*c)).count();
    numerals > 0 && numerals <= 2 && t.chars().nth(numerals) == Some('是')
}

/// A section heading on a line of its own: `一、统一人员聘用`, `（二）强化保障`.
fn is_heading(t: &str) -> Option<Marker> {
    let (m, _) = text::section_marker(t)?;
    (matches!(m, Marker::Chapter | Marker::Section)
        && text::len(t) <= 40
        && !t.contains(['。', '；', '！', '？', ';'])
        && !text::ends_sentence(t)
        && !t.ends_with(DANGLING)
        && balanced(t))
    .then_some(m)
}

/// Whether every bracket and quote opened in `t` is closed: a line cut by a page break often
/// leaves one open (`实有在孵企业(实`).
fn balanced(t: &str) -> bool {
    [
        ('（', '）'),
        ('(', ')'),
        ('“', '”'),
        ('《', '》'),
        ('【', '】'),
    ]
    .iter()
    .all(|&(o, c)| t.matches(o).count() == t.matches(c).count())
}

#[derive(Debug)]
enum Item {
    Title {
        text: String,
        line: usize,
        lines: usize,
        source: String,
    },
    Block {
        block: Block,
        source: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// The last paragraph is finished.
    Closed,
    /// It does not end a sentence: the next line continues it.
    Hard,
    /// It ends a sentence, but the text indents paragraphs: an unindented line continues it.
    Soft,
}

#[expect(
    clippy::too_many_lines,
    reason = "a state machine over the fragments: every arm reads and moves `open`, `items` and \
              `seen_title`; cut apart, each piece would take all three and the rules of the rest"
)]
pub(super) fn parse_body(
    frags: &[Frag],
    src: &str,
    path: &Path,
    is_named: &dyn Fn(&str) -> bool,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<Block>, Vec<ParsedArticle>) {
    let indent_mode = frags.iter().filter(|f| f.indented).count() >= 2;
    let has_note = frags.first().is_some_and(|f| {
        NOTE_LABELS
            .iter()
            .any(|l| text::close_up(&f.text).starts_with(l))
    });
    let mut items: Vec<Item> = Vec::new();
    let mut open = Open::Closed;
    let mut seen_title = false;
    for (k, f) in frags.iter().enumerate() {
        if let Some(n) = f.hint.object {
            items.push(Item::Block {
                block: Block::Object(n),
                source: String::new(),
            });
            open = Open::Closed;
            continue;
        }
        let next = frags.get(k + 1);
        let score = title_score(f, next, indent_mode, is_named);
        let is_title = score.is_some_and(|s| s >= 1);
        let strong = score.is_some_and(|s| s >= 3);
        let marker_start = matches!(
            text::section_marker(&f.text),
            Some((Marker::Chapter | Marker::Section, _))
        );
        let continues = !f.hint.starts_paragraph
            && match open {
                Open::Closed => false,
                Open::Hard => {
                    !(f.gap_before && (strong || marker_start)) && !(indent_mode && f.indented)
                }
                Open::Soft => !f.indented && !is_title && !marker_start,
            };
        if continues
            && let Some(Item::Block {
                block: Block::Paragraph(p) | Block::BoldLead(p, _),
                source,
            }) = items.last_mut()
        {
            if f.hint.space_before && !p.ends_with(' ') {
                p.push(' ');
            }
            text::join(p, &f.text);
            source.push_str(&f.text);
            open = paragraph_state(p, indent_mode);
            continue;
        }
        let first_forced = !seen_title && !has_note && k == 0 && score.is_some();
        if is_title || first_forced {
            if let Some(Item::Title {
                text: t,
                lines,
                source,
                ..
            }) = items.last_mut()
                && *lines < 3
                && text::len(t) + text::len(&f.text) <= 80
            {
                t.push(' ');
                t.push_str(&f.text);
                source.push_str(&f.text);
                *lines += 1;
            } else {
                items.push(Item::Title {
                    text: f.text.clone(),
                    line: f.line,
                    lines: 1,
                    source: f.text.clone(),
                });
            }
            seen_title = true;
            open = Open::Closed;
            continue;
        }
        if let Some(m) = is_heading(&f.text) {
            items.push(Item::Block {
                block: Block::Heading(m, f.text.clone()),
                source: f.text.clone(),
            });
            open = Open::Closed;
            continue;
        }
        if score == Some(0) && seen_title && text::len(&f.text) <= 30 {
            warnings.push(
                Diagnostic::warning("ambiguous line: read as a paragraph, though it could be an article title")
                    .with_path(path)
                    .with_location(at(src, f.line))
                    .with_label("no full stop, but a comma and no county or unit at its start")
                    .with_help("if it is a title, start it with the reporting county or unit (于都县…, 市人社局…) and import again")
                    .zh("这一行拿不准：按段落读了，但它也可能是文章标题")
                    .zh_help("如果它是标题，请在开头写上报送的县区或单位（于都县……、市人社局……）后重新导入"),
            );
        }
        let block = if f.hint.bold_lead > 0 {
            Block::BoldLead(f.text.clone(), f.hint.bold_lead)
        } else {
            Block::Paragraph(f.text.clone())
        };
        items.push(Item::Block {
            block,
            source: f.text.clone(),
        });
        open = if text::is_parenthesized(&f.text) {
            Open::Closed
        } else {
            paragraph_state(&f.text, indent_mode)
        };
    }

    let mut intro = Vec::new();
    let mut intro_line = None;
    let mut articles: Vec<ParsedArticle> = Vec::new();
    for item in items {
        match item {
            Item::Title {
                text, line, source, ..
            } => articles.push(ParsedArticle {
                title: text,
                line,
                blocks: Vec::new(),
                source,
            }),
            Item::Block { block, source } => match articles.last_mut() {
                Some(a) => {
                    a.blocks.push(block);
                    a.source.push_str(&source);
                }
                None => {
                    intro_line.get_or_insert_with(|| frags.first().map_or(1, |f| f.line));
                    intro.push(block);
                }
            },
        }
    }
    if let Some(line) = intro_line
        && !has_note
    {
        warnings.push(
            Diagnostic::warning("text before the first article title is kept as the issue's introduction")
                .with_path(path)
                .with_location(at(src, line))
                .with_help("an editor's note starts with `【编者按】` or `编者按：`; anything else there may be a title the importer did not recognise")
                .zh("第一篇文章标题之前的文字保留为本期的导语")
                .zh_help("编者按以 `【编者按】` 或 `编者按：` 开头；除此以外，那里的文字可能是导入时没认出来的标题"),
        );
    }
    if articles.is_empty() {
        warnings.push(
            Diagnostic::warning("no article titles found")
                .with_path(path)
                .with_help("a title is a line of its own, without a full stop, that starts with the county or unit (于都县…, 市人社局…)")
                .zh("没有找到文章标题")
                .zh_help("标题单独占一行，末尾没有句号，开头是县区或单位（于都县……、市人社局……）"),
        );
    }
    for a in &articles {
        if a.blocks.is_empty() {
            warnings.push(
                Diagnostic::warning(format!("article `{}` has no text", a.title))
                    .with_path(path)
                    .with_location(at(src, a.line))
                    .with_help(
                        "check the lines after the title: the text may be missing from the input",
                    )
                    .zh(format!("文章 `{}` 没有正文", a.title))
                    .zh_help("请核对标题后面的几行：原文里可能缺了正文"),
            );
        }
    }
    (intro, articles)
}

fn paragraph_state(p: &str, indent_mode: bool) -> Open {
    if !text::ends_sentence(p) {
        Open::Hard
    } else if indent_mode {
        Open::Soft
    } else {
        Open::Closed
    }
}
