//! The theme's templates compiled for Tera, as written or minified once (`crate::minify`), and
//! Tera's errors as diagnostics pointing at the template file and line.

use std::collections::BTreeSet;
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use super::{REQUIRED_TEMPLATES, STATS_TEMPLATE, STATS_YEAR_TEMPLATE};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::Site;
use crate::theme::{TemplateSource, Theme};

/// A Tera error as a diagnostic pointing into the template file.
pub(super) fn template_diagnostic(
    origins: &[TemplateSource],
    e: tera::Error,
    context: &str,
) -> Diagnostic {
    use tera::ErrorKind;
    let find = |name: &str| origins.iter().find(|t| t.name == name);
    match e.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let kind = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(format!("{kind}{context}: {}", report.message()));
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
            d.with_help("see docs/templates.md for the variables and functions templates can use")
        }
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error(format!("template `{name}` not found{context}"))
                .with_help("add it to the theme's templates/ or the site's templates/")
        }
        ErrorKind::MissingParent { current, parent } => {
            let mut d = Diagnostic::error(format!(
                "template `{current}` extends `{parent}`, which does not exist"
            ));
            if let Some(t) = find(current) {
                d = d.with_path(t.origin.clone());
            }
            d.with_help("check the name in its {% extends %} line")
        }
        _ => Diagnostic::error(format!("template error{context}: {e}")),
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
        diags.push(template_diagnostic(&theme.templates, e, ""));
        return Err(diags);
    }
    for name in REQUIRED_TEMPLATES {
        if !tera.contains_template(name) {
            diags.push(
                Diagnostic::error(format!("the theme has no `{name}` template"))
                    .with_help(format!("add templates/{name} to the theme or to the site")),
            );
        }
    }
    for name in [STATS_TEMPLATE, STATS_YEAR_TEMPLATE] {
        if site.config.stats && !tera.contains_template(name) {
            diags.push(
                Diagnostic::error(format!("the theme has no `{name}` template"))
                    .with_help(format!(
                        "add templates/{name} to the theme or to the site, or set `stats: false` in site.yaml"
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
