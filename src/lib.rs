//! `bulletin`: a static site generator for 工作简报, the work bulletins of Chinese city and county
//! governments.
//!
//! The library is the build pipeline, one module per stage, called in order by [`build::build`]:
//! [`config`] (site.yaml, and what the command line overrides: [`config::Overrides`]) → [`theme`]
//! → [`load`] (content/ read, front matter checked, Markdown rendered, bodies minified, photos and
//! attachments found: [`assets`]) → [`model`] (issues, articles, counties, topics, every output's
//! URL) → [`render`] (Tera, in parallel, from templates minified once) → [`write`](mod@write) (precompress,
//! atomic swap). [`build::assemble`] puts a site together from loaded files, for the build and
//! for each of the dev server's rebuilds alike. Beside them: [`search`] (the index, built while the
//! pages render), [`stats`] (the counts, charts and CSV of /stats/ and `bulletin stats`) and
//! [`links`] (the link check, as pages are written). [`review`] checks what must never go online
//! (密级, personal data, wrong expressions) and [`withhold`] leaves out what is not 主动公开.
//!
//! What the stages share: [`markdown`] (bodies to HTML), [`minify`] (minify-html on templates
//! and bodies, once each), [`frontmatter`] and [`yaml`] (fields with their positions), [`slug`]
//! (pinyin URLs), [`fsutil`] (which files a walk skips), [`xml`] (escaping for feeds and charts),
//! [`html`] (reading HTML as a browser does), [`cjk`] (what a Chinese character is) and
//! [`diagnostics`] (every problem with its file and line).
//!
//! At the edges: the command-line interface in `main.rs`, `cli.rs` and `cmd/` only resolves
//! options and prints; `serve` (the dev server, behind the `serve` feature) and [`init`] call into
//! the same library, and the importer ([`import`]) turns bulletin texts as received into content/.
//!
//! Which module may use which is declared, in layers, at the top of
//! `tests/testsuite/architecture.rs`, and `cargo test` holds the code to it: no use goes up a
//! layer, no two modules use each other, and a new module must be placed there.

pub mod assets;
pub mod build;
pub mod cjk;
pub mod config;
pub mod deploy;
pub mod diagnostics;
pub mod frontmatter;
pub mod fsutil;
pub mod government;
pub mod html;
pub mod import;
pub mod init;
pub mod links;
pub mod load;
pub mod markdown;
pub mod minify;
pub mod model;
pub mod render;
pub mod review;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod slug;
pub mod stats;
pub mod theme;
pub mod withhold;
pub mod write;
pub mod xml;
pub mod yaml;
