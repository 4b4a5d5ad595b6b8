//! The page's glyphs laid out as lines: lines gathered from glyphs by baseline, then read as
//! a bulletin (titles, indented paragraphs, tables cut by wide gaps, pictures placed where they
//! are drawn) into the importer's [`Input`].

use super::{Glyph, images};
use crate::import::lines::{self, Input, LineHint};
use crate::import::text;

/// One line of a page, rebuilt from its glyphs.
#[derive(Debug, Clone)]
struct PdfLine {
    text: String,
    /// The line cut where wide gaps stand between its characters: a table row's cells.
    cells: Vec<String>,
    start: f64,
    end: f64,
    y: f64,
    size: f64,
    /// Its last glyph is a space, or it starts with one.
    ends_with_space: bool,
    starts_with_space: bool,
}

/// The glyphs of one page as lines, top to bottom.
fn lines_of_page(glyphs: &[Glyph]) -> Vec<PdfLine> {
    let mut glyphs: Vec<&Glyph> = glyphs.iter().collect();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match groups.last_mut() {
            Some(line) if (line[0].y - g.y).abs() < 0.5 * line[0].size.max(g.size).max(1.0) => {
                line.push(g);
            }
            _ => groups.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut line in groups {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        line.retain(|g| !g.ch.chars().all(text::is_space) || g.ch == " ");
        let Some(first) = line.iter().position(|g| g.ch != " ") else {
            continue;
        };
        let starts_with_space = first > 0;
        let ends_with_space = line.last().is_some_and(|g| g.ch == " ");
        while line.last().is_some_and(|g| g.ch == " ") {
            line.pop();
        }
        let line = &line[first..];
        let size = line.iter().map(|g| g.size).fold(1.0, f64::max);
        let mut text = String::new();
        let mut cells = vec![String::new()];
        let mut last_end: Option<f64> = None;
        for g in line {
            if let Some(e) = last_end {
                if g.x > e + 1.5 * size {
                    cells.push(String::new());
                    text.push(' ');
                } else if g.x > e + 0.25 * size && !text.ends_with(' ') && g.ch != " " {
                    text.push(' ');
                    if let Some(c) = cells.last_mut() {
                        c.push(' ');
                    }
                }
            }
            text.push_str(&g.ch);
            if let Some(c) = cells.last_mut() {
                c.push_str(&g.ch);
            }
            last_end = Some(g.end.max(g.x));
        }
        let text = text::clean_line(&text).0;
        if text.is_empty() {
            continue;
        }
        out.push(PdfLine {
            text,
            cells: cells.iter().map(|c| text::clean_line(c).0).collect(),
            start: line[0].x,
            end: last_end.unwrap_or(line[0].x),
            y: line[0].y,
            size,
            ends_with_space,
            starts_with_space,
        });
    }
    out
}

/// The pages' lines as the parser's input: lines with hints, tables as objects.
///
/// - Lines larger than the text (titles, the masthead) are titles; consecutive ones stand
///   together between blank lines, and one that fills the width runs on into the next without a
///   space (a title wrapped by the layout, not broken by its author).
/// - A line centered on the text block stands between blank lines; a caption (`图为…`) among them
///   is body text.
/// - An indented line starts a paragraph and is body text.
/// - Two or more consecutive lines cut by wide gaps are a table, its cells split at the gaps; a
///   line of the same size right under it (no further than its rows are apart), centered or
///   starting where its rows start, is a row across all its columns.
#[cfg(test)]
pub(super) fn layout(pages: &[(f64, Vec<Glyph>)]) -> Input {
    layout_with(pages, &[])
}

/// [`layout`], with the pictures placed among the lines: each where its middle falls between
/// them, the caption right under it (`图为…`, over up to three centered lines) taken as its alt
/// text, as a Word file's is.
#[expect(
    clippy::too_many_lines,
    reason = "one pass over the page's lines whose rules (above) share the text size, the column \
              edges and the open table; cut apart, each piece would take them all as arguments"
)]
pub(super) fn layout_with(pages: &[(f64, Vec<Glyph>)], placed: &[images::Placed]) -> Input {
    let page_lines: Vec<Vec<PdfLine>> = pages.iter().map(|p| lines_of_page(&p.1)).collect();
    // The text's size: the commonest, by characters.
    let mut sizes: Vec<(i64, usize)> = Vec::new();
    for l in page_lines.iter().flatten() {
        let k = (l.size * 2.0).round() as i64;
        let n = l.text.chars().count();
        match sizes.iter_mut().find(|s| s.0 == k) {
            Some(s) => s.1 += n,
            None => sizes.push((k, n)),
        }
    }
    let body = sizes
        .iter()
        .max_by_key(|s| s.1)
        .map_or(12.0, |s| s.0 as f64 / 2.0);
    let mut input = Input::default();
    let mut out: Vec<(String, LineHint)> = Vec::new();
    // The last line of text ended in a space: the next, on this page or the next, keeps it.
    let mut space_pending = false;
    let blank = |out: &mut Vec<(String, LineHint)>| {
        if out.last().is_some_and(|l| !l.0.is_empty()) {
            out.push((String::new(), LineHint::default()));
        }
    };
    for (page, lines) in page_lines.iter().enumerate() {
        let mut pictures: Vec<&images::Placed> = placed.iter().filter(|p| p.page == page).collect();
        pictures.sort_by(|a, b| a.top.total_cmp(&b.top));
        let mut pictures = pictures.into_iter().peekable();
        let left = lines.iter().map(|l| l.start).fold(f64::INFINITY, f64::min);
        let right = lines.iter().map(|l| l.end).fold(0.0, f64::max);
        let center = (left + right) / 2.0;
        let centered = |l: &PdfLine| {
            l.start > left + 2.0 * l.size
                && l.end < right - 2.0 * l.size
                && ((l.start + l.end) / 2.0 - center).abs() < 1.5 * l.size
        };
        let display = |l: &PdfLine| l.size > body * 1.15;
        let mut i = 0;
        while i < lines.len() {
            let l = &lines[i];
            if let Some(p) = pictures.next_if(|p| (p.top + p.bottom) / 2.0 < l.y - 0.5 * l.size) {
                let k = picture(&mut input, &mut out, p);
                if super::lines::is_caption(&l.text) && l.y - l.size - p.bottom < 3.0 * l.size {
                    let mut alt = l.text.clone();
                    let mut j = i + 1;
                    while let Some(next) = lines.get(j)
                        && j < i + 3
                        && centered(next)
                        && (next.size - l.size).abs() < 0.1 * l.size
                        && next.y - lines[j - 1].y < 2.0 * next.size
                    {
                        text::join(&mut alt, &next.text);
                        j += 1;
                    }
                    input.pictures[k].alt = Some(alt);
                    i = j;
                }
                continue;
            }
            // A table: two or more rows of cells, and centered rows right under them.
            let rows = lines[i..]
                .iter()
                .take_while(|r| r.cells.len() >= 2 && !display(r))
                .count();
            if rows >= 2 {
                let mut rows_of: Vec<&PdfLine> = lines[i..i + rows].iter().collect();
                let pitch = (lines[i + rows - 1].y - l.y) / (rows - 1) as f64;
                let mut j = i + rows;
                while let Some(next) = lines.get(j)
                    && (centered(next) || (next.start - l.start).abs() < 0.5 * next.size)
                    && (next.size - l.size).abs() < 0.1 * l.size
                    && next.y - rows_of.last().map_or(next.y, |r| r.y) < 1.5 * pitch
                    && next.cells.len() == 1
                {
                    rows_of.push(next);
                    j += 1;
                }
                let width = rows_of.iter().map(|r| r.cells.len()).max().unwrap_or(1);
                let mut table = lines::Table::default();
                for r in &rows_of {
                    table.cells.extend(r.cells.iter().cloned());
                    let mut row = r.cells.clone();
                    if row.len() < width {
                        table.merged = true;
                        if row.len() == 1 {
                            row = vec![row[0].clone(); width];
                        } else {
                            row.resize(width, String::new());
                        }
                    }
                    table.rows.push(row);
                }
                let k = input.tables.len();
                input.tables.push(table);
                blank(&mut out);
                out.push((
                    format!("[表格 {}]", k + 1),
                    LineHint {
                        starts_paragraph: true,
                        object: Some(input.objects.len()),
                        ..LineHint::default()
                    },
                ));
                input.objects.push(lines::Object::Table(k));
                out.push((String::new(), LineHint::default()));
                i = j;
                continue;
            }
            if display(l) {
                blank(&mut out);
                let mut text = l.text.clone();
                let mut prev = l;
                let mut j = i + 1;
                while let Some(next) = lines.get(j)
                    && display(next)
                    && next.y - prev.y < 2.5 * next.size
                {
                    if prev.start < left + 0.5 * prev.size && prev.end > right - 0.5 * prev.size {
                        // The layout wrapped it: the title runs on.
                        text::join(&mut text, &next.text);
                    } else {
                        out.push((
                            text,
                            LineHint {
                                title: true,
                                starts_paragraph: j == i + 1,
                                ..LineHint::default()
                            },
                        ));
                        text = next.text.clone();
                    }
                    prev = next;
                    j += 1;
                }
                out.push((
                    text,
                    LineHint {
                        title: true,
                        starts_paragraph: out.last().is_none_or(|l| l.0.is_empty()),
                        ..LineHint::default()
                    },
                ));
                out.push((String::new(), LineHint::default()));
                i = j;
                continue;
            }
            if centered(l) {
                blank(&mut out);
                out.push((
                    l.text.clone(),
                    LineHint {
                        starts_paragraph: true,
                        body: lines::is_caption(&l.text),
                        ..LineHint::default()
                    },
                ));
                out.push((String::new(), LineHint::default()));
            } else if l.start > left + 1.5 * l.size {
                out.push((
                    format!("\u{3000}\u{3000}{}", l.text),
                    LineHint {
                        starts_paragraph: true,
                        body: true,
                        ..LineHint::default()
                    },
                ));
                space_pending = l.ends_with_space;
            } else {
                out.push((
                    l.text.clone(),
                    LineHint {
                        space_before: l.starts_with_space || space_pending,
                        ..LineHint::default()
                    },
                ));
                space_pending = l.ends_with_space;
            }
            i += 1;
        }
        for p in pictures {
            picture(&mut input, &mut out, p);
        }
        out.push((String::new(), LineHint::default()));
    }
    for (line, hint) in out {
        input.text.push_str(&line);
        input.text.push('\n');
        input.hints.push(hint);
    }
    input
}

/// A picture as an object line of its own; its number in `input.pictures`.
fn picture(input: &mut Input, out: &mut Vec<(String, LineHint)>, p: &images::Placed) -> usize {
    let k = input.pictures.len();
    input.pictures.push(super::lines::Picture {
        part: p.part.clone(),
        part_zh: p.part_zh.clone(),
        ext: p.ext.to_string(),
        data: p.data.clone(),
        alt: None,
        // Already as the page shows it: `images` turned it by the page's drawing matrix.
        turn: super::lines::Turn::NONE,
    });
    if out.last().is_some_and(|l| !l.0.is_empty()) {
        out.push((String::new(), LineHint::default()));
    }
    out.push((
        format!("[图片 {}]", k + 1),
        LineHint {
            starts_paragraph: true,
            object: Some(input.objects.len()),
            ..LineHint::default()
        },
    ));
    input.objects.push(super::lines::Object::Picture(k));
    out.push((String::new(), LineHint::default()));
    k
}
