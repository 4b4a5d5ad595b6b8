//! The theme's templates compiled for Tera, as written or minified once (`crate::minify`), which
//! templates cannot be minified once (their pages are minified one by one), and Tera's errors as
//! diagnostics pointing at the template file and line.

use std::collections::BTreeSet;
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use super::{REQUIRED_TEMPLATES, STATS_TEMPLATE, STATS_YEAR_TEMPLATE};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::Site;
use crate::theme::{TemplateSource, Theme};

/// A Tera error as a diagnostic pointing into the template file; `page` is the URL being
/// rendered, if any.
pub(super) fn template_diagnostic(
    origins: &[TemplateSource],
    e: tera::Error,
    page: Option<&str>,
) -> Diagnostic {
    use tera::ErrorKind;
    let find = |name: &str| origins.iter().find(|t| t.name == name);
    let context = page
        .map(|p| format!(" while rendering {p}"))
        .unwrap_or_default();
    let context_zh = page.map(|p| format!("（生成 {p} 时）")).unwrap_or_default();
    let help = [
        "see docs/templates.md for the variables and functions templates can use",
        "模板里能用哪些变量和函数，见 docs/templates.md",
    ];
    match e.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let (kind, kind_zh) = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                ("template syntax error", "模板语法错误")
            } else {
                ("template error", "模板出错")
            };
            let mut d = Diagnostic::error(format!("{kind}{context}: {}", report.message()))
                .zh(format!("{kind_zh}{context_zh}：{}", report.message()));
            if let Some(t) = find(report.filename()) {
                let span = report.span();
                let len = if span.start_line == span.end_line {
                    span.end_col.saturating_sub(span.start_col).max(1)
                } else {
                    1
                };
                d = d
                    .with_path(t.origin.clone())
                    .with_location(Location::from_line_col(
                        &t.text,
                        span.start_line,
                        span.start_col + 1,
                        len,
                    ));
            } else if !report.filename().is_empty() {
                d = d.with_path(report.filename().to_string());
            }
            d.with_help(help[0]).zh_help(help[1])
        }
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error(format!("template `{name}` not found{context}"))
                .with_help("add it to the theme's templates/ or the site's templates/")
                .zh(format!("找不到模板 `{name}`{context_zh}"))
                .zh_help("把它加进主题的 `templates/` 或网站的 `templates/`")
        }
        ErrorKind::MissingParent { current, parent } => {
            let mut d = Diagnostic::error(format!(
                "template `{current}` extends `{parent}`, which does not exist"
            ))
            .zh(format!("模板 `{current}` 继承的 `{parent}` 不存在"));
            if let Some(t) = find(current) {
                d = d.with_path(t.origin.clone());
            }
            d.with_help("check the name in its {% extends %} line")
                .zh_help("检查它 {% extends %} 那一行里的模板名")
        }
        _ => Diagnostic::error(format!("template error{context}: {e}"))
            .zh(format!("模板出错{context_zh}：{e}")),
    }
}

/// The theme's templates compiled: as written (`None`), or minified except those named.
pub(super) fn build_tera(
    site: &Site,
    theme: &Theme,
    minify: Option<&BTreeSet<String>>,
) -> Result<Tera, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut tera = Tera::new();
    let base_path: Arc<str> = Arc::from(site.config.base_path());
    let bp = base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?;
            Ok(format!("{bp}{}", path.trim_start_matches('/')))
        },
    );
    let assets = Arc::new(theme.assets.clone());
    let bp = base_path.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
            match assets.get(path) {
                Some(out) => Ok(format!("{bp}{out}")),
                None => Err(tera::Error::message(format!(
                    "asset `{path}` not found in the theme's or the site's static/"
                ))),
            }
        },
    );
    let minified: Vec<Option<String>> = theme
        .templates
        .iter()
        .map(|t| {
            let min = minify.is_some_and(|keep| !keep.contains(&t.name));
            (min && t.name.ends_with(".html")).then(|| crate::minify::template(&t.text))
        })
        .collect();
    let templates: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .zip(&minified)
        .map(|(t, m)| (t.name.as_str(), m.as_deref().unwrap_or(&t.text)))
        .collect();
    if let Err(e) = tera.add_raw_templates(templates) {
        diags.push(template_diagnostic(&theme.templates, e, None));
        return Err(diags);
    }
    for name in REQUIRED_TEMPLATES {
        if !tera.contains_template(name) {
            diags.push(
                Diagnostic::error(format!("the theme has no `{name}` template"))
                    .with_help(format!("add templates/{name} to the theme or to the site"))
                    .zh(format!("网站主题里没有模板 `{name}`"))
                    .zh_help(format!("把 `templates/{name}` 加进主题或网站")),
            );
        }
    }
    for name in [STATS_TEMPLATE, STATS_YEAR_TEMPLATE] {
        if site.config.stats && !tera.contains_template(name) {
            diags.push(
                Diagnostic::error(format!("the theme has no `{name}` template"))
                    .with_help(format!(
                        "add templates/{name} to the theme or to the site, or set `stats: false` in site.yaml"
                    ))
                    .zh(format!("网站主题里没有模板 `{name}`"))
                    .zh_help(format!(
                        "把 `templates/{name}` 加进主题或网站，或者在 `site.yaml` 里写 `stats: false`"
                    )),
            );
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(tera)
    }
}

/// The templates [`crate::minify::template`] cannot take whole (template syntax inside a start
/// tag), and with them every template that extends, includes or imports one of them: those stay
/// as written, and their pages are minified one by one. With a note for `-v` on each template that
/// has it.
pub(super) fn whole_page_templates(
    templates: &[TemplateSource],
) -> (BTreeSet<String>, Vec<String>) {
    let mut keep = BTreeSet::new();
    let mut notes = Vec::new();
    for t in templates.iter().filter(|t| t.name.ends_with(".html")) {
        if let Some((line, tag)) = crate::minify::syntax_in_start_tag(&t.text) {
            keep.insert(t.name.clone());
            notes.push(format!(
                "{}:{line}: template syntax inside a start tag (`{tag}`), which minify-html \
                 cannot keep; pages from this template are minified one by one",
                t.origin
            ));
        }
    }
    (dependents(templates, &keep), notes)
}

/// The templates `text` names in `{% extends %}` and `{% include %}` tags (and `{% import %}`,
/// which Tera 1 had), read as Tera reads a template: the name in any of Tera's three quotes
/// (`"`, `'`, `` ` ``), a tag's `-` (whitespace control) allowed, and nothing inside a `{# #}`
/// comment, a `{{ }}` expression or a `{% raw %}` block taken for a tag.
///
/// The one reading of template dependencies: which pages minification renders one by one
/// ([`whole_page_templates`]) and which pages the dev server re-renders when a template changes
/// (`serve::preview`) both come from it, through [`dependents`].
pub fn references(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        let after = &rest[at + 1..];
        let close = match after.chars().next() {
            Some('#') => "#}",
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let body = &after[1..];
        let end = body.find(close).unwrap_or(body.len());
        let stmt = &body[..end];
        rest = &body[(end + close.len()).min(body.len())..];
        if close != "%}" {
            continue;
        }
        let stmt = stmt.trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word = stmt
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        match word {
            "extends" | "include" | "import" => {
                out.extend(stmt.split(['"', '\'', '`']).skip(1).step_by(2));
            }
            "raw" => {
                // Up to the `{% endraw %}` tag: text, whatever it holds.
                let mut from = 0;
                rest = loop {
                    let Some(open) = rest[from..].find("{%").map(|o| from + o) else {
                        break "";
                    };
                    let tail = &rest[open + 2..];
                    let end = tail.find("%}").unwrap_or(tail.len());
                    let tag = tail[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
                    if tag == "endraw" {
                        break &tail[(end + 2).min(tail.len())..];
                    }
                    from = open + 2;
                };
            }
            _ => {}
        }
    }
    out
}

/// `seeds` and every template that extends, includes or imports one of them, directly or through
/// others.
pub fn dependents(templates: &[TemplateSource], seeds: &BTreeSet<String>) -> BTreeSet<String> {
    let refs: Vec<(&str, Vec<&str>)> = templates
        .iter()
        .map(|t| (t.name.as_str(), references(&t.text)))
        .collect();
    let mut out = seeds.clone();
    loop {
        let before = out.len();
        for (name, uses) in &refs {
            if !out.contains(*name) && uses.iter().any(|u| out.contains(*u)) {
                out.insert(name.to_string());
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// Templates, and for each of some of them every template that depends on it: the cases both
/// readers of [`dependents`] are tested on (minification in `render/tests.rs`, the dev server in
/// `serve/change.rs`). Each has a trap that one of the two readings before this one fell into:
/// a name in plain text, in a comment or in a raw block is no dependency, and a name in
/// backquotes is one.
#[cfg(test)]
pub(crate) mod dependency_cases {
    use crate::theme::TemplateSource;

    pub const TEMPLATES: &[(&str, &str)] = &[
        (
            "base.html",
            "<title>{% block title %}{% endblock title %}</title>\
             {# was: {% include \"partials/old.html\" %} #}\
             <main>{% block main %}{% endblock main %}</main>",
        ),
        (
            "home.html",
            "{% extends \"base.html\" %}{% block main %}\
             <p>An issue may include \"partials/list.html\" twice.</p>{% endblock main %}",
        ),
        (
            "county.html",
            "{%- extends 'base.html' -%}{% block main %}\
             {% include `partials/list.html` %}{% endblock main %}",
        ),
        (
            "topic.html",
            "{% extends \"base.html\" %}{% block main %}\
             {% include \"partials/list.html\" %}{% endblock main %}",
        ),
        (
            "article.html",
            "{% extends \"base.html\" %}{% block main %}\
             {% raw %}{% include \"partials/item.html\" %}{% endraw %}{% endblock main %}",
        ),
        (
            "partials/list.html",
            "<ul>{% for a in articles %}{%- include \"partials/item.html\" -%}{% endfor %}</ul>",
        ),
        ("partials/item.html", "<li>{{ a.title }}</li>"),
        (
            "partials/old.html",
            "<p>{{ \"{% include 'base.html' %}\" }}</p>",
        ),
    ];

    /// A changed template, and every template that depends on it (itself included).
    pub const CASES: &[(&str, &[&str])] = &[
        (
            "partials/item.html",
            &[
                "county.html",
                "partials/item.html",
                "partials/list.html",
                "topic.html",
            ],
        ),
        (
            "partials/list.html",
            &["county.html", "partials/list.html", "topic.html"],
        ),
        (
            "base.html",
            &[
                "article.html",
                "base.html",
                "county.html",
                "home.html",
                "topic.html",
            ],
        ),
        ("partials/old.html", &["partials/old.html"]),
    ];

    pub fn templates() -> Vec<TemplateSource> {
        TEMPLATES
            .iter()
            .map(|(name, text)| TemplateSource {
                name: name.to_string(),
                text: text.to_string(),
                origin: format!("templates/{name}"),
            })
            .collect()
    }
}
