//! `bulletin deploy`: upload the built output to where the public reads it (object storage, an
//! office's own server over SFTP, a folder) and delete what is gone, sending only files whose
//! content or headers differ from what the target holds. A weekly issue then costs a weekly
//! issue's bytes, and CDN and browser caches of everything else stay valid.
//!
//! The library API, used by the command (`src/cmd/deploy.rs`) and the 工作台's 上传
//! (`src/serve/desk/upload.rs`, through its adapter):
//!
//! ```no_run
//! # fn main() -> Result<(), String> {
//! # let config = bulletin::config::Config::default_for(std::path::Path::new("."));
//! use bulletin::deploy;
//! let chosen = deploy::choose(&config, Some("production"))?;     // site.yaml name or a URL
//! let store = deploy::Store::open(&chosen.target)?;               // nothing sent yet
//! let remote = store.state()?;                                     // manifest + listing
//! let local = deploy::scan("output".as_ref(), &chosen.rules, remote.manifest.is_none())?;
//! let plan = deploy::plan(&local, &remote);                        // pure: actions with reasons
//! if let Some(why) = plan.refusal(deploy::MAX_DELETES, false) {   // before any change
//!     return Err(why);
//! }
//! let summary = store.run(&plan, "output".as_ref(), &mut |p: &deploy::Progress| {
//!     eprintln!("{}/{} {}", p.done, p.total, p.path);
//! })?;
//! println!("uploaded {} files, deleted {}", summary.uploaded, summary.deleted);
//! # Ok(()) }
//! ```
//!
//! - [`target`]: a target URL (`s3://`, `sftp://`, `file:///`) or a name from site.yaml's
//!   `deploy:` list, parsed and checked (never a credential in it).
//! - [`local`]: the output's files, hashed, with the headers they will be served with
//!   ([`headers`]: the built-in Content-Type and Cache-Control table, overridable per pattern).
//! - [`plan`](mod@plan): the pure decision, one [`Action`] per file with its [`Reason`], in upload
//!   order (attachments, images, CSS/JS, articles, lists, home, feeds, sitemap), the manifest to
//!   write, and the safety checks ([`Plan::refusal`]: too many deletes, an output under half the
//!   target).
//! - [`store`]: OpenDAL; reads the target's state, carries out a plan with a progress callback,
//!   and returns a [`Summary`].

pub mod headers;
pub mod local;
pub mod plan;
pub mod store;
pub mod target;

#[cfg(test)]
mod tests;

pub use local::scan;
pub use plan::{Action, Kind, MANIFEST, Manifest, Plan, Reason, RemoteState, plan};
pub use store::{Progress, Store, Summary};
pub use target::{Chosen, Target, choose};

/// The default of `--max-deletes`.
pub const MAX_DELETES: usize = 256;

/// The public URLs of changed paths, for purging a CDN: `index.html` also as its folder's URL
/// (what readers and caches ask for).
pub fn changed_urls(base_url: &str, paths: &[String]) -> Vec<String> {
    let base = base_url.trim_end_matches('/');
    let mut urls = Vec::new();
    for p in paths {
        let encoded = p
            .split('/')
            .map(|s| percent_encoding::utf8_percent_encode(s, URL_SEGMENT).to_string())
            .collect::<Vec<_>>()
            .join("/");
        if let Some(dir) = encoded.strip_suffix("index.html") {
            urls.push(format!("{base}/{dir}"));
        }
        urls.push(format!("{base}/{encoded}"));
    }
    urls.sort();
    urls.dedup();
    urls
}

/// What is percent-encoded in a URL path segment.
const URL_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
