//! Tables as CSV for Excel: UTF-8 with a byte-order mark (without one, Excel on Chinese Windows
//! reads the file as GBK and shows mojibake), CRLF line ends, and fields quoted as RFC 4180 says
//! (a name with a comma, a quote or a line break is wrapped in quotes, its quotes doubled).

use super::Table;

/// The byte-order mark Excel looks for.
pub const BOM: &str = "\u{feff}";

/// One field, quoted when it must be.
pub fn field(s: &str, out: &mut String) {
    if s.contains([',', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn line<'a>(cells: impl IntoIterator<Item = &'a str>, out: &mut String) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(c, out);
    }
    out.push_str("\r\n");
}

/// One line: a name, its counts, their total.
fn counts(name: &str, counts: &[u64], total: u64, out: &mut String) {
    let nums: Vec<String> = counts
        .iter()
        .chain(std::iter::once(&total))
        .map(u64::to_string)
        .collect();
    line(
        std::iter::once(name).chain(nums.iter().map(String::as_str)),
        out,
    );
}

/// The table as CSV: the name column (县区, 单位 or 专题), one column per period, 合计; one line per
/// row, then a 合计 line of articles per period.
pub fn table(t: &Table) -> String {
    let mut out = String::with_capacity(64 + t.rows.len() * (16 + t.columns.len() * 4));
    out.push_str(BOM);
    let labels: Vec<String> = t.columns.iter().map(|k| k.label()).collect();
    line(
        std::iter::once(t.by.heading())
            .chain(labels.iter().map(String::as_str))
            .chain(std::iter::once("合计")),
        &mut out,
    );
    for r in &t.rows {
        counts(&r.name, &r.counts, r.total, &mut out);
    }
    counts("合计", &t.column_totals, t.total, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_breaks_are_quoted() {
        let cases = [
            ("于都县", "于都县"),
            ("市委办, 市政府办", "\"市委办, 市政府办\""),
            ("\"五型\"政府", "\"\"\"五型\"\"政府\""),
            ("两行\n名称", "\"两行\n名称\""),
            (" 空格", "\" 空格\""),
        ];
        for (input, want) in cases {
            let mut out = String::new();
            field(input, &mut out);
            assert_eq!(out, want, "{input:?}");
        }
    }
}
