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
//! What is written under `search/` (the format is `search.js`'s to read; `docs/search.md` explains
//! it at length):
//!
//! - `index.json`: the manifest — number of articles and shards, where titles end, the counties,
//!   topics and years for the filters, and a version that is appended to every other URL.
//! - `i/XXXX.bin`: shard XXXX (hex) of the postings. A key (a bigram, a character or a token) lives
//!   in shard `fnv1a(key) mod shards`. Per key: the articles that contain it and how often.
//! - `p/XXXX.bin`: the positions of the bigrams of shard XXXX, fetched only for queries of three
//!   or more characters.
//! - `a/N.json`: article N (ids are newest first): what a result shows, and its text for snippets.
//! - `f/cN.bin`, `f/tN.bin`: the articles of county N and of topic N, for the filters.
//!
//! Integers are LEB128 varints; lists of article ids and of positions are delta-coded.

use std::collections::HashMap;
use std::io;

use rayon::prelude::*;

use crate::model::Site;
use crate::output::Sink;

/// The folder of the index in the output.
pub const DIR: &str = "search";
/// Bumped when the files change shape; `search.js` refuses a manifest it does not know.
pub const FORMAT: u32 = 1;
/// Aim for postings shards of about this many bytes: a query fetches one per bigram, so this
/// times the number of bigrams is what a query pays for keys it did not ask for.
const TARGET_SHARD_BYTES: usize = 8 * 1024;
/// At most this many shards (of each kind).
const MAX_SHARDS: usize = 4096;
/// Articles tokenised at once, so memory stays bounded on big archives.
const BATCH: usize = 1024;

/// Whether `c` is a Han character (CJK unified ideographs, their extensions and compatibility
/// forms, and 〇). The same ranges are in `search.js`.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// The form a character is indexed and searched in: full-width ASCII (Ａ, ５, ＋) becomes
/// half-width, the ideographic space a space, and letters lower case where that is one character.
/// Traditional and simplified characters are not folded (see docs/search.md).
pub fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if is_han(c) {
        return c;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf16() == c.len_utf16() => l,
        _ => c,
    }
}

/// Letters and digits other than Han characters make up tokens.
fn is_word(c: char) -> bool {
    !is_han(c) && c.is_alphanumeric()
}

/// 32-bit FNV-1a of the key's UTF-8 bytes: which shard a key lives in.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard of `key` among `shards` (a power of two).
pub fn shard_of(key: &str, shards: usize) -> usize {
    fnv1a(key.as_bytes()) as usize & (shards - 1)
}

/// The keys a query or a text is looked up by, in order: Han bigrams (or the lone character of a
/// one-character run) and tokens. What `search.js` does with a query, for tests.
pub fn keys_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut t = Tokens::default();
    t.feed(text, 0, |ev| match ev {
        Event::Han { c, prev, .. } => {
            if let Some(p) = prev {
                out.push(format!("{p}{c}"));
            }
        }
        Event::RunEnd { len: 1, last } => out.push(last.to_string()),
        Event::RunEnd { .. } => {}
        Event::Word { word, .. } => out.push(word.to_string()),
    });
    out
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Read a varint at `*at`, moving past it.
pub fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

enum Event<'a> {
    /// A Han character at a position, with the one before it in the same run.
    Han {
        c: char,
        prev: Option<char>,
        pos: u32,
    },
    /// A run of Han characters ended.
    RunEnd { len: u32, last: char },
    /// A token of letters and digits.
    Word { word: &'a str },
}

/// The tokeniser: Han positions count Han characters, and every break between runs adds one, so
/// the last character of one run and the first of the next are never adjacent.
#[derive(Default)]
struct Tokens {
    word: String,
    run: u32,
    prev: Option<char>,
}

impl Tokens {
    /// Feed `text`; Han positions continue from `*pos`. Returns the position after the text.
    fn feed(&mut self, text: &str, mut pos: u32, mut emit: impl FnMut(Event<'_>)) -> u32 {
        for c in text.chars().map(fold).chain(std::iter::once('\n')) {
            if is_han(c) {
                self.flush_word(&mut emit);
                emit(Event::Han {
                    c,
                    prev: self.prev,
                    pos,
                });
                self.prev = Some(c);
                self.run += 1;
                pos += 1;
            } else {
                if let Some(last) = self.prev.take() {
                    emit(Event::RunEnd {
                        len: self.run,
                        last,
                    });
                    self.run = 0;
                    pos += 1;
                }
                if is_word(c) {
                    self.word.push(c);
                } else {
                    self.flush_word(&mut emit);
                }
            }
        }
        pos
    }

    fn flush_word(&mut self, emit: &mut impl FnMut(Event<'_>)) {
        if !self.word.is_empty() {
            emit(Event::Word { word: &self.word });
            self.word.clear();
        }
    }
}

/// A Han key as a number: one character (`b == 0`) or a bigram.
fn han_key(a: char, b: Option<char>) -> u64 {
    (u64::from(a as u32) << 32) | b.map_or(0, |b| u64::from(b as u32))
}

fn han_key_str(k: u64) -> String {
    let a = char::from_u32((k >> 32) as u32).unwrap_or('\u{fffd}');
    let mut s = String::with_capacity(8);
    s.push(a);
    if let Some(b) = char::from_u32((k & 0xffff_ffff) as u32).filter(|&b| b != '\0') {
        s.push(b);
    }
    s
}

/// What one article contributes: each key with its count, whether it is in the title, and (for
/// bigrams) its positions; sorted by shard so each shard's part is one slice.
#[derive(Default)]
struct DocTerms {
    han: Vec<HanTerm>,
    words: Vec<WordTerm>,
    positions: Vec<u32>,
}

struct HanTerm {
    shard: u32,
    key: u64,
    tf: u32,
    title: bool,
    /// Range in `DocTerms::positions` (empty for single characters).
    pos: (u32, u32),
}

struct WordTerm {
    shard: u32,
    key: String,
    tf: u32,
    title: bool,
}

/// The Han positions a title uses (the rest of every article starts after the longest title).
fn title_span(title: &str) -> u32 {
    Tokens::default().feed(title, 0, |_| {})
}

/// The fields of an article that are searched, apart from its title.
fn searched_text(site: &Site, a: usize) -> String {
    let art = &site.articles[a];
    let mut s = String::with_capacity(art.text.len() + 128);
    for part in [
        art.unit.as_deref().unwrap_or(""),
        &site.counties[art.county].name,
    ] {
        s.push_str(part);
        s.push('\n');
    }
    for &t in &art.topics {
        s.push_str(&site.topics[t].name);
        s.push('\n');
    }
    s.push_str(&format!(
        "{}\n{}\n",
        art.date.year, site.issues[art.issue].title
    ));
    s.push_str(&art.text);
    s
}

fn doc_terms(site: &Site, a: usize, title_end: u32, shards: usize) -> DocTerms {
    let art = &site.articles[a];
    // (key, position) for Han; (word, in title) for tokens.
    let mut han: Vec<(u64, u32)> = Vec::with_capacity(art.text.len() / 2);
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut tok = Tokens::default();
    let mut collect = |text: &str, pos: u32, in_title: bool| {
        tok.feed(text, pos, |ev| match ev {
            Event::Han { c, prev, pos } => {
                han.push((han_key(c, None), pos));
                if let Some(p) = prev {
                    // A bigram's position is that of its first character.
                    han.push((han_key(p, Some(c)), pos - 1));
                }
            }
            Event::RunEnd { .. } => {}
            Event::Word { word } => words.push((word.to_string(), in_title)),
        });
    };
    collect(&art.title, 0, true);
    collect(&searched_text(site, a), title_end, false);
    han.sort_unstable();

    let mut out = DocTerms::default();
    let mut i = 0;
    let mut buf = [0u8; 8];
    while i < han.len() {
        let key = han[i].0;
        let mut j = i;
        while j < han.len() && han[j].0 == key {
            j += 1;
        }
        let is_bigram = key & 0xffff_ffff != 0;
        let start = out.positions.len() as u32;
        if is_bigram {
            out.positions.extend(han[i..j].iter().map(|&(_, p)| p));
        }
        let shard = han_shard(key, shards, &mut buf);
        out.han.push(HanTerm {
            shard,
            key,
            tf: (j - i) as u32,
            title: han[i].1 < title_end,
            pos: (start, out.positions.len() as u32),
        });
        i = j;
    }
    out.han.sort_unstable_by_key(|t| (t.shard, t.key));

    words.sort_unstable();
    let mut i = 0;
    while i < words.len() {
        let mut j = i;
        let mut title = false;
        while j < words.len() && words[j].0 == words[i].0 {
            title |= words[j].1;
            j += 1;
        }
        let key = std::mem::take(&mut words[i].0);
        out.words.push(WordTerm {
            shard: shard_of(&key, shards) as u32,
            key,
            tf: (j - i) as u32,
            title,
        });
        i = j;
    }
    out.words.sort_unstable_by(|a, b| (a.shard, &a.key).cmp(&(b.shard, &b.key)));
    out
}

fn han_shard(key: u64, shards: usize, buf: &mut [u8; 8]) -> u32 {
    let mut n = 0;
    for k in [(key >> 32) as u32, (key & 0xffff_ffff) as u32] {
        if let Some(c) = char::from_u32(k).filter(|&c| c != '\0') {
            n += c.encode_utf8(&mut buf[n..]).len();
        }
    }
    (fnv1a(&buf[..n]) as usize & (shards - 1)) as u32
}

/// One key's postings as they are appended to.
#[derive(Default)]
struct Posting {
    docs: u32,
    last: u32,
    /// (article delta, count × 2 + in-title) pairs.
    list: Vec<u8>,
    /// Per article, its positions: the first, then deltas.
    positions: Vec<u8>,
}

impl Posting {
    fn add(&mut self, doc: u32, tf: u32, title: bool, positions: &[u32]) {
        let delta = if self.docs == 0 { doc } else { doc - self.last };
        push_varint(&mut self.list, u64::from(delta));
        push_varint(&mut self.list, u64::from(tf) * 2 + u64::from(title));
        let mut prev = 0;
        for &p in positions {
            push_varint(&mut self.positions, u64::from(p - prev));
            prev = p;
        }
        self.docs += 1;
        self.last = doc;
    }
}

/// The postings of the shards `first..first + count`.
#[derive(Default)]
struct ShardGroup {
    first: usize,
    han: HashMap<u64, Posting>,
    words: HashMap<String, Posting>,
}

/// Figures about an index, for `--verbose` and the benchmark.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SearchStats {
    pub articles: usize,
    /// Bytes of searched text (UTF-8): titles and bodies.
    pub text_bytes: u64,
    pub shards: usize,
    pub keys: usize,
    /// Bytes of `i/` (postings) and `p/` (positions).
    pub postings_bytes: u64,
    pub positions_bytes: u64,
    /// Bytes of `a/` (the articles as results show them, with their text).
    pub article_bytes: u64,
    /// Bytes of the manifest and the filters.
    pub other_bytes: u64,
    pub files: usize,
}

impl SearchStats {
    /// Every byte the index adds to the output.
    pub fn total_bytes(&self) -> u64 {
        self.postings_bytes + self.positions_bytes + self.article_bytes + self.other_bytes
    }
}

/// The index as files: paths (under `search/`) and bytes, in a fixed order.
pub struct SearchIndex {
    pub files: Vec<(String, Vec<u8>)>,
    pub stats: SearchStats,
}

/// How many shards for postings of about `bytes` bytes: a power of two.
pub fn shard_count(bytes: usize) -> usize {
    bytes
        .div_ceil(TARGET_SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

/// Build the index of a site. Deterministic: the same site gives the same bytes.
pub fn build_index(site: &Site) -> SearchIndex {
    let n = site.articles.len();
    let title_end = site
        .articles
        .par_iter()
        .map(|a| title_span(&a.title))
        .max()
        .unwrap_or(0)
        + 1;
    let text_bytes: u64 = site
        .articles
        .iter()
        .map(|a| (a.title.len() + a.text.len()) as u64)
        .sum();
    // The postings take about three quarters of the text's UTF-8 size; size the shards from that
    // and the number of articles, before anything is counted, so one pass suffices.
    let shards = shard_count((text_bytes as usize).saturating_mul(3) / 4);
    let groups_n = shards.min(64);
    let per_group = shards / groups_n;
    let mut groups: Vec<ShardGroup> = (0..groups_n)
        .map(|g| ShardGroup {
            first: g * per_group,
            ..ShardGroup::default()
        })
        .collect();
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let batch: Vec<DocTerms> = (start..end)
            .into_par_iter()
            .map(|a| doc_terms(site, a, title_end, shards))
            .collect();
        groups.par_iter_mut().for_each(|g| {
            let lo = g.first as u32;
            let hi = (g.first + per_group) as u32;
            for (i, d) in batch.iter().enumerate() {
                let doc = (start + i) as u32;
                let from = d.han.partition_point(|t| t.shard < lo);
                for t in d.han[from..].iter().take_while(|t| t.shard < hi) {
                    let pos = &d.positions[t.pos.0 as usize..t.pos.1 as usize];
                    g.han.entry(t.key).or_default().add(doc, t.tf, t.title, pos);
                }
                let from = d.words.partition_point(|t| t.shard < lo);
                for t in d.words[from..].iter().take_while(|t| t.shard < hi) {
                    match g.words.get_mut(&t.key) {
                        Some(p) => p.add(doc, t.tf, t.title, &[]),
                        None => {
                            let mut p = Posting::default();
                            p.add(doc, t.tf, t.title, &[]);
                            g.words.insert(t.key.clone(), p);
                        }
                    }
                }
            }
        });
    }

    // Each group into its shard files.
    let encoded: Vec<Vec<(usize, Vec<u8>, Vec<u8>, usize)>> = groups
        .into_par_iter()
        .map(|g| {
            let mut per_shard: Vec<Vec<(String, Posting)>> =
                (0..per_group).map(|_| Vec::new()).collect();
            for (k, p) in g.han {
                let key = han_key_str(k);
                per_shard[shard_of(&key, shards) - g.first].push((key, p));
            }
            for (key, p) in g.words {
                per_shard[shard_of(&key, shards) - g.first].push((key, p));
            }
            per_shard
                .into_iter()
                .enumerate()
                .map(|(i, mut keys)| {
                    keys.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                    let (list, pos) = encode_shard(&keys);
                    (g.first + i, list, pos, keys.len())
                })
                .collect()
        })
        .collect();

    let mut stats = SearchStats {
        articles: n,
        text_bytes,
        shards,
        ..SearchStats::default()
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(2 * shards + n + 64);
    for (shard, list, pos, keys) in encoded.into_iter().flatten() {
        stats.keys += keys;
        stats.postings_bytes += list.len() as u64;
        files.push((format!("{DIR}/i/{shard:04x}.bin"), list));
        if !pos.is_empty() {
            stats.positions_bytes += pos.len() as u64;
            files.push((format!("{DIR}/p/{shard:04x}.bin"), pos));
        }
    }

    let articles: Vec<(String, Vec<u8>)> = (0..n)
        .into_par_iter()
        .map(|a| (format!("{DIR}/a/{a}.json"), article_json(site, a)))
        .collect();
    stats.article_bytes = articles.iter().map(|(_, b)| b.len() as u64).sum();
    files.extend(articles);

    for (prefix, terms) in [("c", &site.counties), ("t", &site.topics)] {
        for (i, term) in terms.iter().enumerate() {
            let mut list = Vec::with_capacity(term.articles.len() * 2);
            let mut prev = 0;
            for (j, &a) in term.articles.iter().enumerate() {
                let a = a as u64;
                push_varint(&mut list, if j == 0 { a } else { a - prev });
                prev = a;
            }
            stats.other_bytes += list.len() as u64;
            files.push((format!("{DIR}/f/{prefix}{i}.bin"), list));
        }
    }

    // The version: a hash of everything else, so caches never mix two builds' files.
    let mut hasher = blake3::Hasher::new();
    for (path, bytes) in &files {
        hasher.update(path.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let version = hasher.finalize().to_hex()[..10].to_string();
    let manifest = manifest_json(site, shards, title_end, &version);
    stats.other_bytes += manifest.len() as u64;
    files.push((format!("{DIR}/index.json"), manifest));
    stats.files = files.len();
    SearchIndex { files, stats }
}

/// A shard: its postings file and its positions file (empty when no key has positions).
///
/// Postings: `K`, then per key `len, UTF-8 bytes, articles, list bytes, positions bytes`, then
/// the lists in key order. Positions: the positions of each key in the same order, back to back.
fn encode_shard(keys: &[(String, Posting)]) -> (Vec<u8>, Vec<u8>) {
    let body: usize = keys.iter().map(|(_, p)| p.list.len()).sum();
    let mut out = Vec::with_capacity(body + keys.len() * 12 + 4);
    push_varint(&mut out, keys.len() as u64);
    for (k, p) in keys {
        push_varint(&mut out, k.len() as u64);
        out.extend_from_slice(k.as_bytes());
        push_varint(&mut out, u64::from(p.docs));
        push_varint(&mut out, p.list.len() as u64);
        push_varint(&mut out, p.positions.len() as u64);
    }
    let mut pos = Vec::with_capacity(keys.iter().map(|(_, p)| p.positions.len()).sum());
    for (_, p) in keys {
        out.extend_from_slice(&p.list);
        pos.extend_from_slice(&p.positions);
    }
    (out, pos)
}

fn article_json(site: &Site, a: usize) -> Vec<u8> {
    let art = &site.articles[a];
    let issue = &site.issues[art.issue];
    let topics: Vec<&str> = art
        .topics
        .iter()
        .map(|&t| site.topics[t].name.as_str())
        .collect();
    let v = serde_json::json!({
        "title": art.title,
        "url": site.url(crate::model::Output::Article(a)),
        "date": art.date.iso(),
        "date_zh": art.date.chinese(),
        "issue": issue.title,
        "issue_url": site.url(crate::model::Output::Issue(art.issue)),
        "county": site.counties[art.county].name,
        "unit": art.unit,
        "topics": topics,
        "text": art.text,
    });
    serde_json::to_vec(&v).expect("JSON of strings")
}

fn manifest_json(site: &Site, shards: usize, title_end: u32, version: &str) -> Vec<u8> {
    let terms = |terms: &[crate::model::Term]| -> Vec<serde_json::Value> {
        terms
            .iter()
            .map(|t| serde_json::json!({"name": t.name, "slug": t.slug, "count": t.articles.len()}))
            .collect()
    };
    // Articles are newest first, so each year is one run of ids.
    let mut years: Vec<(i32, usize, usize)> = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        match years.last_mut() {
            Some((y, _, end)) if *y == a.date.year && *end == i => *end = i + 1,
            _ => years.push((a.date.year, i, i + 1)),
        }
    }
    let mut by_year: Vec<(i32, Vec<[usize; 2]>)> = Vec::new();
    for (y, from, to) in years {
        match by_year.iter_mut().find(|(yy, _)| *yy == y) {
            Some((_, r)) => r.push([from, to]),
            None => by_year.push((y, vec![[from, to]])),
        }
    }
    let years: Vec<serde_json::Value> = by_year
        .into_iter()
        .map(|(y, ranges)| {
            let count: usize = ranges.iter().map(|[a, b]| b - a).sum();
            serde_json::json!({"year": y, "count": count, "ranges": ranges})
        })
        .collect();
    let v = serde_json::json!({
        "format": FORMAT,
        "version": version,
        "articles": site.articles.len(),
        "shards": shards,
        "title_end": title_end,
        "counties": terms(&site.counties),
        "topics": terms(&site.topics),
        "years": years,
    });
    serde_json::to_vec(&v).expect("JSON of strings and numbers")
}

/// Build the index and hand its files to `sink`.
pub fn write(site: &Site, sink: &dyn Sink) -> io::Result<SearchStats> {
    let index = build_index(site);
    let paths: Vec<String> = index.files.iter().map(|(p, _)| p.clone()).collect();
    sink.prepare(&paths)?;
    index
        .files
        .par_iter()
        .try_for_each(|(path, bytes)| sink.write(path, bytes))?;
    Ok(index.stats)
}

/// One key's postings read back from a shard (for tests and tools; the browser has its own
/// reader in `search.js`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postings {
    /// (article, count, in title) per article, ids ascending.
    pub docs: Vec<(u32, u32, bool)>,
    /// Per article, its positions (empty for keys without positions).
    pub positions: Vec<Vec<u32>>,
}

/// Read `key` from a shard's postings and positions files.
pub fn read_postings(list: &[u8], pos: &[u8], key: &str) -> Option<Postings> {
    let mut at = 0;
    let k = read_varint(list, &mut at)? as usize;
    let mut found = None;
    let (mut list_off, mut pos_off) = (0usize, 0usize);
    for _ in 0..k {
        let len = read_varint(list, &mut at)? as usize;
        let name = list.get(at..at + len)?;
        at += len;
        let docs = read_varint(list, &mut at)? as usize;
        let list_len = read_varint(list, &mut at)? as usize;
        let pos_len = read_varint(list, &mut at)? as usize;
        if name == key.as_bytes() {
            found = Some((docs, list_off, list_len, pos_off, pos_len));
        }
        list_off += list_len;
        pos_off += pos_len;
    }
    let (docs, list_off, list_len, pos_off, pos_len) = found?;
    let body = list.get(at + list_off..at + list_off + list_len)?;
    let pos = pos.get(pos_off..pos_off + pos_len)?;
    let (mut i, mut j) = (0, 0);
    let mut out = Postings {
        docs: Vec::with_capacity(docs),
        positions: Vec::with_capacity(docs),
    };
    let mut doc = 0u32;
    for d in 0..docs {
        let delta = read_varint(body, &mut i)? as u32;
        doc = if d == 0 { delta } else { doc + delta };
        let v = read_varint(body, &mut i)?;
        let tf = (v / 2) as u32;
        out.docs.push((doc, tf, v & 1 == 1));
        let mut ps = Vec::new();
        if pos_len > 0 {
            let mut p = 0;
            for _ in 0..tf {
                p += read_varint(pos, &mut j)? as u32;
                ps.push(p);
            }
        }
        out.positions.push(ps);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_full_width_half_width_and_letters_lower_case() {
        let folded: String = "ＧＤＰ增长５％，5G、Ｃｏｖｉｄ　ÄÖ".chars().map(fold).collect();
        assert_eq!(folded, "gdp增长5%,5g、covid äö");
        assert_eq!(fold('农'), '农');
        // One character that lower-cases to two stays as it is.
        assert_eq!(fold('İ'), 'İ');
    }

    #[test]
    fn keys_are_bigrams_within_runs_and_whole_tokens() {
        assert_eq!(keys_of("农民工"), ["农民", "民工"]);
        assert_eq!(keys_of("加装、电梯"), ["加装", "电梯"]);
        assert_eq!(keys_of("5G基站 GDP"), ["5g", "基站", "gdp"]);
        assert_eq!(keys_of("省"), ["省"]);
        assert_eq!(keys_of("2021年"), ["2021", "年"]);
        assert_eq!(keys_of("ＣＯＶＩＤ-19"), ["covid", "19"]);
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // The same values are asserted in tests/js/search.test.js.
        assert_eq!(fnv1a(b""), 0x811c9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c292c);
        assert_eq!(fnv1a("农民".as_bytes()), fnv1a("农民".as_bytes()));
        assert_eq!(shard_of("a", 1), 0);
    }

    #[test]
    fn varints_round_trip() {
        let mut buf = Vec::new();
        for v in [0u64, 1, 127, 128, 300, 16_383, 16_384, u32::MAX as u64] {
            push_varint(&mut buf, v);
        }
        let mut at = 0;
        for v in [0u64, 1, 127, 128, 300, 16_383, 16_384, u32::MAX as u64] {
            assert_eq!(read_varint(&buf, &mut at), Some(v));
        }
        assert_eq!(at, buf.len());
    }

    #[test]
    fn runs_are_separated_by_a_gap_in_positions() {
        let mut seen = Vec::new();
        Tokens::default().feed("学前，教育", 0, |ev| {
            if let Event::Han { c, pos, .. } = ev {
                seen.push((c, pos));
            }
        });
        assert_eq!(seen, [('学', 0), ('前', 1), ('教', 3), ('育', 4)]);
        assert_eq!(title_span("学前，教育"), 6);
        assert_eq!(title_span("GDP"), 0);
    }

    #[test]
    fn shard_counts_are_powers_of_two_within_bounds() {
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(100), 1);
        assert_eq!(shard_count(TARGET_SHARD_BYTES * 3), 4);
        assert_eq!(shard_count(usize::MAX / 2), MAX_SHARDS);
    }
}
