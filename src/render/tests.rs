use super::*;

#[test]
fn page_window_shows_ends_and_neighbours_with_gaps() {
    assert_eq!(page_window(1, 1), vec![Some(1)]);
    assert_eq!(page_window(2, 3), vec![Some(1), Some(2), Some(3)]);
    assert_eq!(
        page_window(10, 20),
        vec![
            Some(1),
            None,
            Some(8),
            Some(9),
            Some(10),
            Some(11),
            Some(12),
            None,
            Some(20)
        ]
    );
    assert_eq!(
        page_window(1, 9),
        vec![Some(1), Some(2), Some(3), None, Some(9)]
    );
}

#[test]
fn template_references_are_the_names_in_extends_and_include_tags() {
    let cases: &[(&str, &[&str])] = &[
        (
            "{% extends \"base.html\" %}{% block main %}{% include 'partials/pagination.html' %}{% endblock main %}",
            &["base.html", "partials/pagination.html"],
        ),
        (
            "{%- include `a.html` -%}{%include\"b.html\"%}",
            &["a.html", "b.html"],
        ),
        // Not tags: text, a comment, a string in an expression, a raw block.
        ("<p>include \"a.html\"</p>", &[]),
        ("{# {% include \"a.html\" %} #}", &[]),
        ("{{ \"{% include 'a.html' %}\" }}", &[]),
        (
            "{% raw %}{% include \"a.html\" %}{%- endraw %}{% include \"b.html\" %}",
            &["b.html"],
        ),
        // Other tags that say `include` are not includes.
        (
            "{% set include = \"a.html\" %}{% if includes %}{% endif %}",
            &[],
        ),
        // Unclosed: read to the end, as far as it goes.
        ("{% include \"a.html\"", &["a.html"]),
        ("{% raw %}{% include \"a.html\" %}", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(references(text), *want, "{text}");
    }
}

#[test]
fn pages_of_a_template_minify_html_cannot_take_are_those_of_every_template_using_it() {
    use dependency_cases::{CASES, templates};
    for (seed, want) in CASES {
        // Template syntax between the attributes of a start tag, in the seed only.
        let mut ts = templates();
        let t = ts.iter_mut().find(|t| t.name == *seed).unwrap();
        t.text
            .push_str("<a href=\"/\"{% if x %} class=\"on\"{% endif %}>x</a>");
        let (keep, notes) = templates::whole_page_templates(&ts);
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(keep, want, "{seed}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with(&format!("templates/{seed}:1: ")),
            "{notes:?}"
        );
    }
}
