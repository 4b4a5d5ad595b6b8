//! The integration tests: one binary, so the crate links once. Every test builds a small site of its
//! own in a temp folder with the real `bulletin` binary (see `helpers::TestSite`) and asserts on what
//! it wrote or printed.

mod helpers;
mod webdriver;

mod architecture;
mod build;
mod chinese;
mod deploy;
mod desk;
mod desk_zh;
mod errors;
mod feeds;
mod government;
mod hardening;
mod import;
mod import_trust;
mod links;
mod minify;
mod photos;
mod platforms;
mod publish;
mod review;
mod sample;
mod search;
mod serve;
mod stats;
mod unchanged;
