use super::*;

fn g(x: f64, y: f64, ch: &str) -> Glyph {
    Glyph {
        x,
        y,
        size: 10.0,
        end: x + 10.0,
        ch: ch.into(),
    }
}

fn page(glyphs: Vec<Glyph>) -> Input {
    layout(&[(200.0, glyphs)])
}

fn row(glyphs: &mut Vec<Glyph>, x: f64, y: f64, s: &str) {
    for (i, c) in s.chars().enumerate() {
        glyphs.push(g(x + 10.0 * i as f64, y, &c.to_string()));
    }
}

#[test]
fn lines_are_rebuilt_from_positions_indented_and_centered() {
    let mut glyphs = Vec::new();
    // A centered line, an indented first line, a full line, a short last line.
    row(&mut glyphs, 90.0, 10.0, "第一期");
    row(&mut glyphs, 20.0, 30.0, &"首".repeat(18));
    row(&mut glyphs, 0.0, 44.0, &"续".repeat(20));
    glyphs.push(g(0.0, 58.0, "末"));
    glyphs.push(g(10.0, 58.4, "。"));
    let input = page(glyphs);
    let lines: Vec<&str> = input.text.lines().collect();
    assert_eq!(
        lines,
        [
            "第一期",
            "",
            &format!("\u{3000}\u{3000}{}", "首".repeat(18)),
            &"续".repeat(20),
            "末。",
            ""
        ]
    );
    assert!(input.hints[2].starts_paragraph && input.hints[2].body);
    assert!(!input.hints[3].starts_paragraph);
}

#[test]
fn large_lines_are_titles_and_a_wrapped_one_runs_on() {
    let mut glyphs = Vec::new();
    row(&mut glyphs, 0.0, 30.0, &"续".repeat(20));
    row(&mut glyphs, 0.0, 44.0, &"续".repeat(20));
    for (k, (x, s)) in [
        (0.0, "于都县推进学前教育大发展标题很长一直写到"),
        (80.0, "行尾"),
    ]
    .iter()
    .enumerate()
    {
        for (i, c) in s.chars().enumerate() {
            glyphs.push(Glyph {
                x: x + 10.0 * i as f64,
                y: 70.0 + 16.0 * k as f64,
                size: 16.0,
                end: x + 10.0 * (i + 1) as f64,
                ch: c.to_string(),
            });
        }
    }
    let input = page(glyphs);
    let titles: Vec<&str> = input
        .text
        .lines()
        .zip(&input.hints)
        .filter(|(_, h)| h.title)
        .map(|(l, _)| l)
        .collect();
    assert_eq!(titles, ["于都县推进学前教育大发展标题很长一直写到行尾"]);
}

#[test]
fn rows_cut_by_wide_gaps_are_a_table() {
    let mut glyphs = Vec::new();
    row(&mut glyphs, 20.0, 10.0, "产业");
    row(&mut glyphs, 120.0, 10.0, "企业");
    row(&mut glyphs, 20.0, 24.0, "显示");
    row(&mut glyphs, 120.0, 24.0, "同兴达");
    row(&mut glyphs, 75.0, 38.0, "合计五");
    row(&mut glyphs, 0.0, 60.0, &"续".repeat(20));
    let input = page(glyphs);
    assert_eq!(input.tables.len(), 1);
    assert_eq!(
        input.tables[0].rows,
        [["产业", "企业"], ["显示", "同兴达"], ["合计五", "合计五"]]
    );
    assert!(input.tables[0].merged);
    assert!(input.text.starts_with("[表格 1]\n"), "{}", input.text);
}

#[test]
fn codes_without_unicode_are_garbage() {
    assert!(is_garbage("\u{fffd}"));
    assert!(is_garbage("\u{e001}"));
    assert!(is_garbage("\u{1}"));
    assert!(!is_garbage("简"));
    assert!(!is_garbage("a"));
}
