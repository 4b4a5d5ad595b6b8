//! Charts as static SVG, drawn at build time: no script, no web font, nothing fetched. They print,
//! work offline and in old browsers.
//!
//! Drawn here rather than with a charting crate: plotters (the well-kept one with an SVG backend)
//! writes fixed colours and a font family into every element, gives the SVG no `role` or accessible
//! name, and sizes text by measuring it with a font it loads — so the output would follow neither
//! the theme nor the reader's fonts, and would need rewriting afterwards. Three chart kinds are
//! needed (columns over time, bars by name, a county × year grid) and each is a few dozen lines.
//!
//! Every chart is `role="img"` with an `aria-label` and a `<title>`, and the page shows the same
//! numbers in a table. Colours come from the theme: shapes carry classes (`bar`, `cell`, `axis`,
//! `label`) that the stylesheet colours, with `currentColor` as the fallback. Labels never overlap:
//! each column or row gets the width its label needs (rotated upright when columns are many), long
//! names are shortened with … (the full name is in the table and in a tooltip), and a chart wider
//! than the page scrolls in its wrapper. The output is a function of the numbers alone, so builds
//! are reproducible.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::xml::escape;

/// Font size of labels, in px (the chart is drawn at 1 px per SVG unit).
const FONT: f64 = 12.0;
/// Longest label drawn in full, in terminal columns (a CJK character is 2).
const MAX_LABEL_COLUMNS: usize = 20;

/// Width of `s` in px at `font` px: CJK characters are 1 em, Latin letters and digits about 0.6 em.
pub fn text_width(s: &str, font: f64) -> f64 {
    s.width() as f64 * font * 0.6
}

/// `s` shortened to `MAX_LABEL_COLUMNS` columns, with … when cut.
fn shorten(s: &str) -> String {
    if s.width() <= MAX_LABEL_COLUMNS {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > MAX_LABEL_COLUMNS - 2 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `12.5`, `12`: one decimal at most, the same on every machine.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn open(out: &mut String, kind: &str, name: &str, w: f64, h: f64) {
    let name = escape(name);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-{kind}\" role=\"img\" aria-label=\"{name}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-size=\"{FONT}\"><title>{name}</title>",
        w = n(w),
        h = n(h),
    );
}

/// Columns over time (articles per year, quarter or month): one column per label, the count above
/// it. Labels are written across when they fit, upright (rotated) when columns are many.
pub fn columns(name: &str, labels: &[String], values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let label_w = labels
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    let value_w = text_width(&max.to_string(), FONT);
    let narrow = (value_w + 6.0).max(20.0);
    let across = (label_w + 10.0).max(narrow);
    // Across while the chart stays within a page's width, upright beyond.
    let rotate = labels.len() as f64 * across > 760.0;
    let step = if rotate { narrow } else { across };
    let plot_h = 120.0;
    let top = FONT + 6.0;
    let label_h = if rotate { label_w + 8.0 } else { FONT + 8.0 };
    let left = 4.0;
    let w = left * 2.0 + step * labels.len().max(1) as f64;
    let h = top + plot_h + label_h;
    let mut out = String::with_capacity(256 + labels.len() * 220);
    open(&mut out, "columns", name, w, h);
    let base = top + plot_h;
    let bar_w = (step * 0.7).min(36.0);
    for (i, (label, &v)) in labels.iter().zip(values).enumerate() {
        let cx = left + step * (i as f64 + 0.5);
        let bh = plot_h * v as f64 / max;
        let tip = escape(&format!("{label}：{v} 篇"));
        let _ = write!(
            out,
            "<rect class=\"bar\" fill=\"currentColor\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{tip}</title></rect>",
            n(cx - bar_w / 2.0),
            n(base - bh),
            n(bar_w),
            n(bh)
        );
        let _ = write!(
            out,
            "<text class=\"value\" fill=\"currentColor\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{v}</text>",
            n(cx),
            n(base - bh - 4.0)
        );
        let label = escape(label);
        if rotate {
            let (x, y) = (cx + FONT * 0.35, base + 6.0);
            let _ = write!(
                out,
                "<text class=\"label\" fill=\"currentColor\" x=\"{x}\" y=\"{y}\" text-anchor=\"end\" transform=\"rotate(-90 {x} {y})\">{label}</text>",
                x = n(x),
                y = n(y)
            );
        } else {
            let _ = write!(
                out,
                "<text class=\"label\" fill=\"currentColor\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
                n(cx),
                n(base + FONT + 4.0)
            );
        }
    }
    let _ = write!(
        out,
        "<line class=\"axis\" stroke=\"currentColor\" x1=\"0\" y1=\"{b}\" x2=\"{w}\" y2=\"{b}\"/></svg>",
        b = n(base + 0.5),
        w = n(w)
    );
    out
}

/// Horizontal bars by name (a ranking, the counties of a topic): one row per label, the name on
/// the left, the count after the bar.
pub fn bars(name: &str, labels: &[String], values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let shown: Vec<String> = labels.iter().map(|l| shorten(l)).collect();
    let label_w = shown
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    let value_w = text_width(&max.to_string(), FONT);
    let row = FONT + 10.0;
    let plot_w = 200.0;
    let w = label_w + 8.0 + plot_w + 6.0 + value_w + 4.0;
    let h = row * labels.len().max(1) as f64 + 2.0;
    let mut out = String::with_capacity(256 + labels.len() * 240);
    open(&mut out, "bars", name, w, h);
    let x0 = label_w + 8.0;
    for (i, ((label, full), &v)) in shown.iter().zip(labels).zip(values).enumerate() {
        let y = row * i as f64;
        let bw = plot_w * v as f64 / max;
        let tip = escape(&format!("{full}：{v} 篇"));
        let _ = write!(
            out,
            "<text class=\"label\" fill=\"currentColor\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n(label_w + 2.0),
            n(y + row / 2.0 + FONT * 0.35),
            escape(label)
        );
        let _ = write!(
            out,
            "<rect class=\"bar\" fill=\"currentColor\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{tip}</title></rect>",
            n(x0),
            n(y + 3.0),
            n(bw),
            n(row - 6.0)
        );
        let _ = write!(
            out,
            "<text class=\"value\" fill=\"currentColor\" x=\"{}\" y=\"{}\">{v}</text>",
            n(x0 + bw + 4.0),
            n(y + row / 2.0 + FONT * 0.35)
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" stroke=\"currentColor\" x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{h}\"/></svg>",
        x = n(x0 - 0.5),
        h = n(h)
    );
    out
}

/// A grid of counts (counties × years): names down the left, periods across the top, each cell
/// shaded by its count and showing it.
pub fn grid(name: &str, rows: &[String], cols: &[String], cells: &[Vec<u64>]) -> String {
    let max = cells
        .iter()
        .flat_map(|r| r.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let shown: Vec<String> = rows.iter().map(|l| shorten(l)).collect();
    let row_label_w = shown
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    let col_label_w = cols.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let value_w = text_width(&max.to_string(), FONT);
    let narrow = (value_w + 8.0).max(24.0);
    let across = (col_label_w + 8.0).max(narrow);
    let rotate = cols.len() as f64 * across > 700.0;
    let cell_w = if rotate { narrow } else { across };
    let cell_h = FONT + 10.0;
    let head = if rotate {
        col_label_w + 8.0
    } else {
        FONT + 8.0
    };
    let x0 = row_label_w + 8.0;
    let w = x0 + cell_w * cols.len().max(1) as f64 + 2.0;
    let h = head + cell_h * rows.len().max(1) as f64 + 2.0;
    let mut out = String::with_capacity(256 + rows.len() * cols.len() * 200);
    open(&mut out, "grid", name, w, h);
    // What every label and cell shares is said once, on a group (SVG inherits fill and
    // text-anchor): a 40-year grid has over a thousand cells, and the page is downloaded again
    // whenever a new issue changes a count.
    out.push_str("<g class=\"labels\" fill=\"currentColor\" text-anchor=\"middle\">");
    for (j, col) in cols.iter().enumerate() {
        let cx = x0 + cell_w * (j as f64 + 0.5);
        let col = escape(col);
        if rotate {
            let (x, y) = (cx + FONT * 0.35, head - 4.0);
            let _ = write!(
                out,
                "<text class=\"label\" x=\"{x}\" y=\"{y}\" text-anchor=\"start\" transform=\"rotate(-90 {x} {y})\">{col}</text>",
                x = n(x),
                y = n(y)
            );
        } else {
            let _ = write!(
                out,
                "<text class=\"label\" x=\"{}\" y=\"{}\">{col}</text>",
                n(cx),
                n(head - 6.0)
            );
        }
    }
    for (i, label) in shown.iter().enumerate() {
        let y = head + cell_h * i as f64;
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n(row_label_w + 2.0),
            n(y + cell_h / 2.0 + FONT * 0.35),
            escape(label)
        );
    }
    out.push_str("</g><g class=\"cells\" fill=\"currentColor\" text-anchor=\"middle\">");
    for (i, (full, counts)) in rows.iter().zip(cells).enumerate() {
        let y = head + cell_h * i as f64;
        for (j, &v) in counts.iter().enumerate() {
            let x = x0 + cell_w * j as f64;
            let tip = escape(&format!("{full} {}：{v} 篇", cols[j]));
            let share = v as f64 / max as f64;
            if v == 0 {
                let _ = write!(
                    out,
                    "<rect class=\"cell empty\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\".15\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{tip}</title></rect>",
                    n(x + 1.0),
                    n(y + 1.0),
                    n(cell_w - 2.0),
                    n(cell_h - 2.0)
                );
                continue;
            }
            let _ = write!(
                out,
                "<rect class=\"cell\" fill-opacity=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{tip}</title></rect>",
                n(0.12 + 0.78 * share),
                n(x + 1.0),
                n(y + 1.0),
                n(cell_w - 2.0),
                n(cell_h - 2.0)
            );
            let class = if share > 0.5 {
                "value on-dark"
            } else {
                "value"
            };
            let _ = write!(
                out,
                "<text class=\"{class}\" x=\"{}\" y=\"{}\">{v}</text>",
                n(x + cell_w / 2.0),
                n(y + cell_h / 2.0 + FONT * 0.35)
            );
        }
    }
    out.push_str("</g>");
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_shortened_past_twenty_columns() {
        assert_eq!(shorten("于都县"), "于都县");
        let long = "赣州市人力资源和社会保障局就业服务中心";
        let s = shorten(long);
        assert!(s.ends_with('…'));
        assert!(s.width() <= MAX_LABEL_COLUMNS);
    }

    #[test]
    fn the_accessible_name_is_escaped() {
        let svg = columns("A&B \"图\"", &["2021".into()], &[3]);
        assert!(
            svg.contains("aria-label=\"A&amp;B &quot;图&quot;\""),
            "{svg}"
        );
        assert!(svg.contains("<title>A&amp;B &quot;图&quot;</title>"));
        assert!(svg.contains("role=\"img\""));
    }

    #[test]
    fn many_columns_are_rotated_upright_and_few_are_not() {
        let few: Vec<String> = (2019..2022).map(|y| y.to_string()).collect();
        assert!(!columns("x", &few, &[1, 2, 3]).contains("rotate("));
        let many: Vec<String> = (1980..2020).map(|y| y.to_string()).collect();
        let values = vec![5; many.len()];
        assert!(columns("x", &many, &values).contains("rotate(-90"));
        assert!(grid("x", &["于都县".into()], &many, &[values]).contains("rotate(-90"));
    }

    #[test]
    fn charts_are_the_same_for_the_same_numbers() {
        let a = grid(
            "x",
            &["于都县".into(), "定南县".into()],
            &["2020".into(), "2021".into()],
            &[vec![1, 0], vec![3, 7]],
        );
        let b = grid(
            "x",
            &["于都县".into(), "定南县".into()],
            &["2020".into(), "2021".into()],
            &[vec![1, 0], vec![3, 7]],
        );
        assert_eq!(a, b);
        assert!(a.contains("class=\"cell empty\""));
    }
}
