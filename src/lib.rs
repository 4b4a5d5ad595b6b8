//! `bulletin`: a static site generator for 工作简报, the work bulletins of Chinese city and county
//! governments.
//!
//! The library is the build pipeline, one module per stage, called in order by [`build::build`]:
//! [`config`] (site.yaml) → [`theme`] → [`load`] (content/ read, front matter checked, Markdown
//! rendered) → [`model`] (issues, articles, counties, topics, every output's URL) → [`render`]
//! (Tera, in parallel) → [`output`] (minify, write, atomic swap). The command-line interface in
//! `main.rs` and `cmd/` sits at the edge and only resolves options and prints. The importer
//! ([`import`]), which turns bulletin texts as received into content/, sits at the other edge.

pub mod assets;
pub mod build;
pub mod cjk;
pub mod config;
pub mod diagnostics;
pub mod feeds;
pub mod frontmatter;
pub mod html;
pub mod import;
pub mod init;
pub mod links;
pub mod load;
pub mod markdown;
pub mod minify;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod slug;
pub mod stats;
pub mod theme;
pub mod yaml;
