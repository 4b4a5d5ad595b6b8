//! The footer: the editor, phone, e-mail, distribution lines and print run at the end of a
//! bulletin, which go into the front matter, never into an article.

use super::header::{is_editor_line, strip_editor};
use super::{Kind, Line, Value};
use crate::import::text;

/// The footer's fields in the order they are written to `_index.md`.
pub const FOOTER_KEYS: &[&str] = &[
    "phone",
    "fax",
    "email",
    "contact",
    "address",
    "postcode",
    "signer",
    "duty_editor",
    "reviewer",
    "proofreader",
    "report_to",
    "copy_report_to",
    "send_to",
    "copy_to",
    "distribute_to",
    "print_run",
    "printed",
];

/// Labels of footer fields, longest first where one is the end of another; `true` for the
/// distribution lines, which may wrap onto further lines.
const LABELS: &[(&str, &str, bool)] = &[
    ("联系电话", "phone", false),
    ("电话", "phone", false),
    ("传真", "fax", false),
    ("电子邮箱", "email", false),
    ("电子信箱", "email", false),
    ("邮箱", "email", false),
    ("E-mail", "email", false),
    ("Email", "email", false),
    ("email", "email", false),
    ("联系人", "contact", false),
    ("地址", "address", false),
    ("邮编", "postcode", false),
    ("签发人", "signer", false),
    ("签发", "signer", false),
    ("责任编辑", "duty_editor", false),
    ("审核", "reviewer", false),
    ("校对", "proofreader", false),
    ("抄送", "copy_to", true),
    ("抄报", "copy_report_to", true),
    ("分送", "distribute_to", true),
    ("报送", "report_to", true),
    ("报", "report_to", true),
    ("送", "send_to", true),
    ("发", "distribute_to", true),
];

/// A footer label with its colon at `chars[p..]`: the key, whether it is a distribution line, and
/// where its value starts.
fn label_at(chars: &[char], p: usize) -> Option<(&'static str, bool, usize)> {
    if p > 0 && !text::is_space(chars[p - 1]) && !matches!(chars[p - 1], '（' | '(') {
        return None;
    }
    'labels: for &(label, key, dist) in LABELS {
        let mut i = p;
        for (n, lc) in label.chars().enumerate() {
            if n > 0 {
                while i < chars.len() && text::is_space(chars[i]) {
                    i += 1;
                }
            }
            if chars.get(i) != Some(&lc) {
                continue 'labels;
            }
            i += 1;
        }
        while i < chars.len() && text::is_space(chars[i]) {
            i += 1;
        }
        if matches!(chars.get(i), Some('：' | ':')) {
            return Some((key, dist, i + 1));
        }
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FooterItem {
    Editor(String),
    Marking(String),
    Field(&'static str, Value, bool),
}

/// `共印 100 份` anywhere in `s`: the number and the bytes it covers (with a bracket around it).
pub(super) fn print_run(s: &str) -> Option<(u32, std::ops::Range<usize>)> {
    let start = s.find("共印")?;
    let after = &s[start + "共印".len()..];
    let chars: Vec<char> = after.chars().collect();
    let mut i = chars.iter().take_while(|c| text::is_space(**c)).count();
    let (n, len) = text::read_number(&chars[i..])?;
    i += len;
    i += chars[i..]
        .iter()
        .take_while(|c| text::is_space(**c))
        .count();
    if chars.get(i) != Some(&'份') {
        return None;
    }
    let end = start + "共印".len() + chars[..=i].iter().map(|c| c.len_utf8()).sum::<usize>();
    Some((n, start..end))
}

/// The footer items on one line, or `None` when the line is not a footer line.
pub(super) fn footer_line(t: &str) -> Option<Vec<FooterItem>> {
    let mut items = Vec::new();
    let mut ranges = Vec::new();
    if let Some((n, r)) = print_run(t) {
        items.push(FooterItem::Field(
            "print_run",
            Value::Number(n.into()),
            false,
        ));
        ranges.push(r);
    }
    if let Some((d, r)) = text::find_date(t)
        && t[r.end..].trim_start().starts_with("印发")
    {
        let end = r.end + t[r.end..].find("印发").unwrap_or(0) + "印发".len();
        items.push(FooterItem::Field(
            "printed",
            Value::Text(d.to_string()),
            false,
        ));
        ranges.push(r.start..end);
    }
    let line = if ranges.is_empty() {
        t.to_string()
    } else {
        text::without(t, &ranges)
    };
    let chars: Vec<char> = line.chars().collect();
    let labels: Vec<(usize, &'static str, bool, usize)> = (0..chars.len())
        .filter_map(|p| label_at(&chars, p).map(|(k, d, v)| (p, k, d, v)))
        .collect();
    let first = labels.first().map_or(chars.len(), |l| l.0);
    let prefix: String = chars[..first].iter().collect();
    let prefix =
        prefix.trim_matches(|c: char| text::is_space(c) || matches!(c, '（' | '）' | '(' | ')'));
    if !prefix.is_empty() {
        if text::is_marking(prefix) {
            items.push(FooterItem::Marking(prefix.to_string()));
        } else if is_editor_line(prefix) {
            items.push(FooterItem::Editor(strip_editor(prefix)));
        } else {
            return None;
        }
    }
    for (n, &(_, key, dist, v)) in labels.iter().enumerate() {
        let end = labels.get(n + 1).map_or(chars.len(), |l| l.0);
        let value: String = chars[v..end].iter().collect();
        items.push(FooterItem::Field(
            key,
            Value::Text(text::clean_line(&value).0),
            dist,
        ));
    }
    (!items.is_empty()).then_some(items)
}

#[derive(Debug, Default)]
pub(super) struct Footer {
    /// Index (into the lines given) of the footer's first line; their length when there is none.
    pub(super) start: usize,
    pub(super) editor: Option<String>,
    pub(super) markings: Vec<String>,
    pub(super) fields: Vec<(&'static str, Value)>,
}

/// The footer: the earliest footer line from which every text line to the end is a footer line or
/// the continuation of a distribution line.
pub(super) fn find_footer(lines: &[Line]) -> Footer {
    let text_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].kind == Kind::Text)
        .collect();
    'start: for (k, &i) in text_lines.iter().enumerate() {
        let Some(first) = footer_line(&lines[i].text) else {
            continue;
        };
        let mut footer = Footer {
            start: i,
            ..Footer::default()
        };
        let mut last_dist: Option<&'static str> = None;
        let add =
            |footer: &mut Footer, items: Vec<FooterItem>, last_dist: &mut Option<&'static str>| {
                *last_dist = None;
                for item in items {
                    match item {
                        FooterItem::Editor(e) => {
                            footer.editor.get_or_insert(e);
                        }
                        FooterItem::Marking(m) => footer.markings.push(m),
                        FooterItem::Field(key, value, dist) => {
                            if dist {
                                *last_dist = Some(key);
                            }
                            match footer.fields.iter_mut().find(|(k, _)| *k == key) {
                                Some((_, Value::Text(old))) => {
                                    if let Value::Text(new) = value {
                                        old.push('；');
                                        old.push_str(&new);
                                    }
                                }
                                Some(_) => {}
                                None => footer.fields.push((key, value)),
                            }
                        }
                    }
                }
            };
        add(&mut footer, first, &mut last_dist);
        for &j in &text_lines[k + 1..] {
            let t = &lines[j].text;
            if let Some(items) = footer_line(t) {
                add(&mut footer, items, &mut last_dist);
            } else if let Some(key) = last_dist
                && text::len(t) <= 60
            {
                if let Some((_, Value::Text(v))) = footer.fields.iter_mut().find(|(k, _)| *k == key)
                {
                    text::join(v, t);
                }
            } else {
                continue 'start;
            }
        }
        return footer;
    }
    Footer {
        start: lines.len(),
        ..Footer::default()
    }
}
