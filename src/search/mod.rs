//! The search index: every article's text, cut into pieces small enough that a browser answers a
//! query by downloading only the few that the query needs.
//!
//! Chinese has no spaces, and any segmenter that guesses word boundaries at build time will split
//! some text differently from the query, so a query crossing its boundaries misses. We do not
//! segment. Han characters are indexed as overlapping **bigrams** with their positions (and as
//! single characters, without positions, for one-character queries); a query of n ≥ 3 characters
//! is answered exactly by finding its bigrams at consecutive positions, so "农民工" is found
//! wherever those three characters stand together, whatever the words around them. Runs of
//! letters and digits ("5G", "GDP", "2021") are indexed as whole tokens. Full-width forms are
//! folded to half-width and letters to lower case, identically here and in `search.js`
//! ([`fold`] is the one place that says how).
//!
//! Articles are numbered **oldest first**, so a new issue's articles are appended and every other
//! keeps its number, and the numbers are cut into two **segments** ([`segments`]): a base of a
//! multiple of [`RECENT_MAX`] articles and the recent rest, each an index of its own that the
//! browser queries and whose results it joins. A new issue rewrites the small recent segment and
//! not a byte of the base; when the articles reach the next multiple of [`RECENT_MAX`] the recent
//! segment is merged into the base, which is rewritten once (`bulletin build` says so:
//! [`merge_line`]).
//!
//! What is written under `search/` (the format is `search.js`'s to read; `docs/search.md` explains
//! it at length):
//!
//! - `index.json`: the manifest — the number of articles, the county and topic slugs, and per
//!   segment its folder, first article, size, version, buckets and how many buckets each shard
//!   holds, and where titles end. A global version, appended to the filters' URLs; a segment's
//!   files carry its own. Nothing in it grows with the months or the units.
//! - `0/…` (the base) and `1/…` (the recent segment), each with:
//!   - `s/XXXX.bin`: shard XXXX (hex) of the bigrams and tokens. A key is hashed to bucket
//!     `fnv1a(key) mod buckets`, and a shard is a run of consecutive buckets cut to at most
//!     [`SHARD_BYTES`] in the base, less in the recent segment ([`shard_of`]). Per key: the
//!     articles that contain it, how often and whether in the title, and for bigrams the
//!     positions.
//!   - `c/XX.bin`: single characters, for one-character queries: per character the articles that
//!     have it (a list, or a bitmap where that is smaller) and those with it in the title.
//!   - `m/N.json`: what a result shows (title, URL, date, issue, county, unit) of 32 articles.
//!     Snippets come from the article's own page, which the browser fetches for a shown result.
//! - `f/c/SLUG.bin`, `f/t/SLUG.bin`, `f/u/XX.json`, `f/months.json`: the articles of a county, a
//!   topic, the units whose names hash to XX, and each month's runs of articles, for the filters.
//!
//! Integers are LEB128 varints; lists of article ids and of positions are delta-coded.
//!
//! ## How it is laid out
//!
//! Each module has one concern; the first two are the byte contract with `search.js`, and say so.
//!
//! - [`chars`]: what a character is to the index: [`fold`], Han or word or neither, and the
//!   tables that make that cheap. Mirrored in `search.js`.
//! - [`codec`]: the bytes: [`FORMAT`], [`fnv1a`], [`bucket_of`], [`shard_of`], varints. Mirrored
//!   in `search.js`.
//! - [`tokens`]: the tokeniser, text to Han positions, bigrams and tokens ([`keys_of`]).
//! - [`html_text`]: the same over an article's rendered HTML, without a copy of its text.
//! - [`gather`]: one pass's tokenising of a slice of articles into per-group buffers.
//! - [`postings`]: a group's keys and their postings, encoded as they come; shards cut to size.
//! - [`charsets`]: the single characters of `c/`.
//! - [`segments`]: which articles each segment holds, and the numbering oldest first.
//! - [`files`]: the segments' passes, and every file of the index with its version hash.
//! - [`read`]: a reader of shards, for tests and tools (the browser has `search.js`).
//!
//! How the index is built, in passes over the buckets, is told at the top of [`gather`].
//!
//! Two checks guard changes to the tuned parts: the byte-identity test
//! `the_bytes_do_not_depend_on_passes_or_chunks` (in [`files`]) and the timing of
//! `examples/search_bench.rs` (docs/search.md).
//!
//! Nothing depends on the number of threads or on how the work is split: articles are always
//! appended in number order and keys sorted by their bytes, so the same site gives the same bytes.
//! The version in the manifest is a hash of every other file, in a fixed order, computed as the
//! files are written.

use std::io;

use crate::model::Site;
use crate::write::Sink;

mod chars;
mod charsets;
mod codec;
mod files;
mod gather;
mod html_text;
mod postings;
mod read;
mod segments;
mod tokens;

pub use chars::fold;
pub use codec::{FORMAT, bucket_of, fnv1a, read_varint, shard_of};
pub use read::{Postings, read_char, read_postings};
pub use segments::{RECENT_MAX, plan};
pub use tokens::keys_of;

/// The folder of the index in the output.
pub const DIR: &str = "search";
/// A shard file holds at most about this many bytes (more only when a single bucket is bigger,
/// which is one very common key): a query fetches one shard per bigram, so this times the number
/// of bigrams bounds what a query pays for keys it did not ask for. Bigger shards mean fewer files
/// for the build to create (each costs it about as much as 60 KB of data) but more to fetch; see
/// docs/search.md for the measurements behind it. Also the size of the files of `c/`.
const SHARD_BYTES: usize = 32 * 1024;
/// Keys are hashed into buckets of about this many bytes (guessed before anything is counted),
/// and the shards are runs of consecutive buckets: fine enough that shards come out nearly full.
const BUCKET_BYTES: usize = 4 * 1024;
/// At most this many buckets.
const MAX_BUCKETS: usize = 1 << 16;
/// Articles per file of `m/`.
const META_CHUNK: usize = 32;
/// Files of `f/u/`: the units' articles, each unit in the file its name hashes to.
const UNIT_BUCKETS: usize = 64;
/// A pass builds the shards whose postings come to about this many bytes: the most the index
/// holds at once, apart from the single characters and one chunk's occurrences. Each pass reads
/// every article again, so fewer, bigger passes are faster (see docs/search.md).
const PASS_BYTES: usize = 256 << 20;
/// Articles tokenised at once: their occurrences (about 8 bytes a character) are held until the
/// groups have taken them.
const CHUNK: usize = 128;
/// A key's postings are given room for the rest of a pass once they hold this many bytes
/// ([`postings::Group::reserve`]).
const RESERVE_FROM: usize = 64;
/// Articles tokenised by one task, one after another (see [`gather::Slice`]).
const SLICE: usize = 32;
/// A pass's shards are split into at most this many groups, filled in parallel.
const GROUPS: usize = 64;

/// Figures about an index, for `--verbose` and the benchmark.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SearchStats {
    pub articles: usize,
    /// Bytes of searched text (UTF-8): titles and bodies.
    pub text_bytes: u64,
    /// Files of `s/`, and the buckets they hold (see [`shard_of`]).
    pub shards: usize,
    pub buckets: usize,
    pub char_shards: usize,
    pub keys: usize,
    /// Bytes of `s/` (bigrams and tokens, with positions).
    pub postings_bytes: u64,
    /// Bytes of `c/` (single characters).
    pub char_bytes: u64,
    /// Bytes of `m/` (what results show).
    pub meta_bytes: u64,
    /// Bytes of the manifest and the filters.
    pub other_bytes: u64,
    pub files: usize,
}

impl SearchStats {
    /// Every byte the index adds to the output.
    pub fn total_bytes(&self) -> u64 {
        self.postings_bytes + self.char_bytes + self.meta_bytes + self.other_bytes
    }
}

/// One line for `build -v`: sizes in MB, then the files.
impl std::fmt::Display for SearchStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mb = |bytes: u64| bytes as f64 / 1e6;
        write!(
            f,
            "{:.1} MB for {:.1} MB of text: bigrams and tokens {:.1} MB in {} shards, \
             characters {:.1} MB, results {:.1} MB, {} files",
            mb(self.total_bytes()),
            mb(self.text_bytes),
            mb(self.postings_bytes),
            self.shards,
            mb(self.char_bytes),
            mb(self.meta_bytes),
            self.files
        )
    }
}

/// How many buckets for about `bytes` bytes of postings: a power of two.
pub fn bucket_count(bytes: usize) -> usize {
    bytes
        .div_ceil(BUCKET_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_BUCKETS)
}

/// Build the index of a site and hand its files to `sink`. Deterministic: the same site gives the
/// same bytes.
pub fn write(site: &Site, sink: &dyn Sink) -> io::Result<SearchStats> {
    write_segmented(site, sink, RECENT_MAX)
}

/// [`write`] with the base a multiple of `recent_max` articles instead of [`RECENT_MAX`]: for the
/// test that compares a query's results before and after a merge.
pub fn write_segmented(site: &Site, sink: &dyn Sink, recent_max: usize) -> io::Result<SearchStats> {
    files::write_with(
        site,
        sink,
        PASS_BYTES,
        CHUNK,
        postings::PIECE,
        recent_max.max(1),
    )
}

/// The base segment's number of articles and version in the index under `output` (its
/// `search/index.json`), if there is one: `bulletin build` compares them before and after, and
/// says when the base was rewritten (a merge).
pub fn base_of(output: &std::path::Path) -> Option<(u64, String)> {
    let bytes = std::fs::read(output.join(DIR).join("index.json")).ok()?;
    let m: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    // An index of fewer than RECENT_MAX articles has no base: none yet.
    match m["segments"].as_array()?.iter().find(|s| s["dir"] == "0") {
        Some(seg) => Some((
            seg["articles"].as_u64()?,
            seg["version"].as_str()?.to_string(),
        )),
        None => Some((0, String::new())),
    }
}

#[cfg(test)]
mod merge_tests {
    use super::merge_line;

    #[test]
    fn a_build_says_when_it_merged_or_rewrote_the_base() {
        let base = |n: u64, v: &str| Some((n, v.to_string()));
        assert_eq!(merge_line(None, base(256, "a")), None);
        assert_eq!(merge_line(base(256, "a"), base(256, "a")), None);
        assert_eq!(merge_line(base(256, "a"), None), None);
        let merged = merge_line(base(0, ""), base(256, "a")).unwrap();
        assert!(
            merged.contains("merged") && merged.contains("0 → 256"),
            "{merged}"
        );
        let edited = merge_line(base(256, "a"), base(256, "b")).unwrap();
        assert!(edited.contains("changed"), "{edited}");
    }
}

/// What `bulletin build` says when the base segment changed between two builds ([`base_of`]
/// before and after): a merge of the recent articles into it, or a rewrite because an article in
/// it changed. Nothing on a first build, or when the base kept its bytes.
pub fn merge_line(before: Option<(u64, String)>, after: Option<(u64, String)>) -> Option<String> {
    let (was, now) = (before?, after?);
    if was == now {
        return None;
    }
    Some(if was.0 != now.0 {
        format!(
            "search index: the recent articles were merged into the base segment ({} → {} articles); its files were all rewritten",
            was.0, now.0
        )
    } else {
        format!(
            "search index: an article of the base segment ({} articles) changed; its files were all rewritten",
            now.0
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_counts_are_powers_of_two_within_bounds() {
        assert_eq!(bucket_count(0), 1);
        assert_eq!(bucket_count(100), 1);
        assert_eq!(bucket_count(BUCKET_BYTES * 3), 4);
        assert_eq!(bucket_count(usize::MAX / 2), MAX_BUCKETS);
    }
}
