//! Tables for `bulletin stats`: aligned for the terminal (a CJK character takes two columns, so
//! widths are measured with `unicode-width`, not counted in characters), or as JSON.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::Table;

/// The table aligned for a terminal: names left, numbers right, a 合计 column and row.
pub fn aligned(t: &Table) -> String {
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(t.rows.len() + 2);
    let mut head = vec![t.by.heading().to_string()];
    head.extend(t.columns.iter().map(|k| k.label()));
    head.push("合计".into());
    lines.push(head);
    for r in &t.rows {
        let mut l = vec![r.name.clone()];
        l.extend(r.counts.iter().map(u64::to_string));
        l.push(r.total.to_string());
        lines.push(l);
    }
    let mut l = vec!["合计".to_string()];
    l.extend(t.column_totals.iter().map(u64::to_string));
    l.push(t.total.to_string());
    lines.push(l);
    let cols = lines[0].len();
    let widths: Vec<usize> = (0..cols)
        .map(|c| lines.iter().map(|l| l[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let last = lines.len() - 1;
    for (i, l) in lines.iter().enumerate() {
        if i == last {
            let rule: usize = widths.iter().sum::<usize>() + 2 * (cols - 1);
            out.push_str(&"-".repeat(rule));
            out.push('\n');
        }
        let mut s = String::new();
        for (c, cell) in l.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.width());
            if c > 0 {
                s.push_str("  ");
            }
            if c == 0 {
                s.push_str(cell);
                s.push_str(&pad);
            } else {
                s.push_str(&pad);
                s.push_str(cell);
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    }
    out
}

/// The table as JSON: `{by, period, from, to, columns, rows: [{name, counts, total}], totals:
/// {counts, total}}`; `from`/`to` are the dates asked for, or null.
pub fn json(t: &Table, from: Option<String>, to: Option<String>) -> String {
    let rows: Vec<serde_json::Value> = t
        .rows
        .iter()
        .map(|r| serde_json::json!({"name": r.name, "counts": r.counts, "total": r.total}))
        .collect();
    let v = serde_json::json!({
        "by": t.by.name(),
        "period": t.period.name(),
        "from": from,
        "to": to,
        "columns": t.columns.iter().map(|k| k.label()).collect::<Vec<_>>(),
        "rows": rows,
        "totals": {"counts": t.column_totals, "total": t.total},
    });
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    let _ = writeln!(out);
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{d, site};
    use super::super::{By, Period, Query, count};
    use super::*;

    #[test]
    fn columns_line_up_with_chinese_names() {
        let s = site(&[
            ("2021-01-05", "于都县", None, &["教育"]),
            ("2021-04-05", "赣州经开区", None, &["工业"]),
        ]);
        let q = Query::new(By::County, Period::Quarter).between(d("2021-01-01"), d("2021-06-30"));
        let text = aligned(&count(&s, &q));
        let want = "\
县区        2021Q1  2021Q2  合计
于都县           1       0     1
赣州经开区       0       1     1
--------------------------------
合计             1       1     2
";
        assert_eq!(text, want);
        // Every line ends at the same terminal column.
        let widths: Vec<usize> = text.lines().map(|l| l.width()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{widths:?}");
    }
}
