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
//! - `s/XXXX.bin`: shard XXXX (hex) of the bigrams and tokens. A key lives in shard
//!   `fnv1a(key) mod shards`. Per key: the articles that contain it, how often and whether in the
//!   title, and for bigrams the positions.
//! - `c/XX.bin`: single characters, for one-character queries: per character the articles that
//!   have it (a list, or a bitmap where that is smaller) and those with it in the title.
//! - `m/N.json`: what a result shows (title, URL, date, issue, county, unit) of 16 articles.
//!   Snippets come from the article's own page, which the browser fetches for a shown result.
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
/// Aim for shards of about this many bytes: a query fetches one per bigram, so this times the
/// number of bigrams is about what a query pays for keys it did not ask for. Smaller shards mean
/// less to fetch but more files to write; see docs/search.md for the measurements behind it.
const TARGET_SHARD_BYTES: usize = 24 * 1024;
/// At most this many shards.
const MAX_SHARDS: usize = 4096;
/// Articles per file of `m/`.
const META_CHUNK: usize = 16;
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

/// A bigram key as UTF-8: (bytes, length).
fn han_key_bytes(k: u64) -> ([u8; 8], usize) {
    let mut buf = [0u8; 8];
    let mut n = 0;
    for c in [(k >> 32) as u32, (k & 0xffff_ffff) as u32] {
        n += char::from_u32(c)
            .unwrap_or('\u{fffd}')
            .encode_utf8(&mut buf[n..])
            .len();
    }
    (buf, n)
}

fn han_shard(key: u64, shards: usize) -> u32 {
    let (buf, n) = han_key_bytes(key);
    (fnv1a(&buf[..n]) as usize & (shards - 1)) as u32
}

/// A multiply-rotate hasher for the `u64` keys of bigrams: the standard SipHash costs more than
/// everything else in the indexer, and these keys are not attacker-chosen in any way that matters
/// to a build.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// What one article contributes: each bigram and token with its count, whether it is in the
/// title, and (for bigrams) its positions, sorted by shard so each shard's part is one slice; and
/// its distinct characters.
#[derive(Default)]
struct DocTerms {
    /// Bucketed by shard group: group g's are `bigrams[group_start[g]..group_start[g + 1]]`.
    bigrams: Vec<Bigram>,
    group_start: Vec<u32>,
    positions: Vec<u32>,
    words: Vec<WordTerm>,
    /// Distinct Han characters, each with whether it is in the title.
    chars: Vec<(char, bool)>,
}

struct Bigram {
    shard: u32,
    key: u64,
    /// Count × 2 + in title.
    tft: u32,
    /// Range in `DocTerms::positions`.
    pos: (u32, u32),
}

struct WordTerm {
    shard: u32,
    key: String,
    tft: u32,
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

/// Positions past this are not indexed (an article of 268 million Han characters).
const MAX_POS: u32 = (1 << 28) - 1;

fn doc_terms(site: &Site, a: usize, title_end: u32, shards: usize, per_group: usize) -> DocTerms {
    let art = &site.articles[a];
    // Bigrams packed as first character (18 bits), second (18), position (28), so that one sort
    // of plain integers groups them by key with positions ascending; characters as code points,
    // tokens with whether in the title.
    let mut big: Vec<u64> = Vec::with_capacity(art.text.len() / 3);
    let mut chars: Vec<u32> = Vec::with_capacity(art.text.len() / 3);
    let mut title_chars: Vec<u32> = Vec::new();
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut tok = Tokens::default();
    let mut collect = |text: &str, pos: u32, in_title: bool| {
        tok.feed(text, pos, |ev| match ev {
            Event::Han { c, prev, pos } => {
                if in_title {
                    title_chars.push(c as u32);
                } else {
                    chars.push(c as u32);
                }
                if let Some(p) = prev
                    && pos <= MAX_POS
                {
                    // A bigram's position is that of its first character.
                    big.push(
                        (u64::from(p as u32) << 46)
                            | (u64::from(c as u32) << 28)
                            | u64::from(pos - 1),
                    );
                }
            }
            Event::RunEnd { .. } => {}
            Event::Word { word } => words.push((word.to_string(), in_title)),
        });
    };
    collect(&art.title, 0, true);
    collect(&searched_text(site, a), title_end, false);

    let mut out = DocTerms::default();
    big.sort_unstable();
    out.positions = Vec::with_capacity(big.len());
    let mut bigrams: Vec<Bigram> = Vec::with_capacity(big.len());
    let mut i = 0;
    while i < big.len() {
        let packed = big[i] >> 28;
        let start = out.positions.len() as u32;
        let mut j = i;
        while j < big.len() && big[j] >> 28 == packed {
            out.positions.push((big[j] & u64::from(MAX_POS)) as u32);
            j += 1;
        }
        let key = ((packed >> 18) << 32) | (packed & 0x3ffff);
        bigrams.push(Bigram {
            shard: han_shard(key, shards),
            key,
            tft: (j - i) as u32 * 2 + u32::from(big[i] & u64::from(MAX_POS) < u64::from(title_end)),
            pos: (start, out.positions.len() as u32),
        });
        i = j;
    }
    // Bucket by shard group (stable), so each group's part is one slice.
    let groups = shards / per_group;
    let mut start = vec![0u32; groups + 1];
    for b in &bigrams {
        start[b.shard as usize / per_group + 1] += 1;
    }
    for g in 0..groups {
        start[g + 1] += start[g];
    }
    out.group_start = start.clone();
    let mut slots: Vec<Option<Bigram>> = (0..bigrams.len()).map(|_| None).collect();
    for b in bigrams {
        let at = &mut start[b.shard as usize / per_group];
        slots[*at as usize] = Some(b);
        *at += 1;
    }
    out.bigrams = slots.into_iter().flatten().collect();

    title_chars.sort_unstable();
    title_chars.dedup();
    chars.sort_unstable();
    chars.dedup();
    out.chars = title_chars
        .iter()
        .map(|&c| (c, true))
        .chain(
            chars
                .iter()
                .filter(|c| title_chars.binary_search(c).is_err())
                .map(|&c| (c, false)),
        )
        .filter_map(|(c, t)| char::from_u32(c).map(|c| (c, t)))
        .collect();

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
            tft: (j - i) as u32 * 2 + u32::from(title),
        });
        i = j;
    }
    out.words
        .sort_unstable_by(|a, b| (a.shard, &a.key).cmp(&(b.shard, &b.key)));
    out
}

/// One occurrence list entry, kept in article order until the shard is written.
#[derive(Clone, Copy)]
struct Rec {
    key: u32,
    doc: u32,
    tft: u32,
    pos: u32,
    len: u32,
}

/// A key of a shard group: a bigram (as in [`han_key_bytes`]) or a token.
enum Name {
    Han(u64),
    Word(String),
}

impl Name {
    fn bytes(&self) -> ([u8; 8], usize, Option<&str>) {
        match self {
            Name::Han(k) => {
                let (b, n) = han_key_bytes(*k);
                (b, n, None)
            }
            Name::Word(w) => ([0; 8], 0, Some(w)),
        }
    }
}

/// The keys and postings of the shards `first..first + count`, gathered as a flat list of
/// records (in article order) that is sorted by key only once, at the end.
#[derive(Default)]
struct ShardGroup {
    first: usize,
    ids: KeyMap<u32>,
    word_ids: HashMap<String, u32>,
    names: Vec<Name>,
    recs: Vec<Rec>,
    positions: Vec<u32>,
}

impl ShardGroup {
    fn add(&mut self, doc: u32, d: &DocTerms, g: usize, lo: u32, hi: u32) {
        for t in &d.bigrams[d.group_start[g] as usize..d.group_start[g + 1] as usize] {
            let next = self.names.len() as u32;
            let key = *self.ids.entry(t.key).or_insert(next);
            if key == next {
                self.names.push(Name::Han(t.key));
            }
            let ps = &d.positions[t.pos.0 as usize..t.pos.1 as usize];
            self.recs.push(Rec {
                key,
                doc,
                tft: t.tft,
                pos: self.positions.len() as u32,
                len: ps.len() as u32,
            });
            self.positions.extend_from_slice(ps);
        }
        let from = d.words.partition_point(|t| t.shard < lo);
        for t in d.words[from..].iter().take_while(|t| t.shard < hi) {
            let key = match self.word_ids.get(&t.key) {
                Some(&k) => k,
                None => {
                    let k = self.names.len() as u32;
                    self.word_ids.insert(t.key.clone(), k);
                    self.names.push(Name::Word(t.key.clone()));
                    k
                }
            };
            let pos = self.positions.len() as u32;
            self.recs.push(Rec {
                key,
                doc,
                tft: t.tft,
                pos,
                len: 0,
            });
        }
    }

    /// The group's shard files: (shard, bytes, keys).
    fn encode(self, per_group: usize, shards: usize) -> Vec<(usize, Vec<u8>, usize)> {
        // Counting sort of the records by key; stable, so each key's records stay in article
        // order.
        let nkeys = self.names.len();
        let mut start = vec![0u32; nkeys + 1];
        for r in &self.recs {
            start[r.key as usize + 1] += 1;
        }
        for k in 0..nkeys {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut sorted = vec![
            Rec {
                key: 0,
                doc: 0,
                tft: 0,
                pos: 0,
                len: 0
            };
            self.recs.len()
        ];
        for r in &self.recs {
            let at = &mut fill[r.key as usize];
            sorted[*at as usize] = *r;
            *at += 1;
        }
        let bytes: Vec<([u8; 8], usize, Option<&str>)> =
            self.names.iter().map(Name::bytes).collect();
        let key_of = |k: u32| -> &[u8] {
            let (b, n, w) = &bytes[k as usize];
            match w {
                Some(w) => w.as_bytes(),
                None => &b[..*n],
            }
        };
        let mut per_shard: Vec<Vec<u32>> = vec![Vec::new(); per_group];
        for k in 0..nkeys as u32 {
            per_shard[(fnv1a(key_of(k)) as usize & (shards - 1)) - self.first].push(k);
        }
        per_shard
            .into_iter()
            .enumerate()
            .map(|(i, mut keys)| {
                keys.sort_unstable_by(|&a, &b| key_of(a).cmp(key_of(b)));
                let mut head = Vec::with_capacity(keys.len() * 10 + 4);
                let mut lists = Vec::new();
                let mut pos = Vec::new();
                push_varint(&mut head, keys.len() as u64);
                for &k in &keys {
                    let recs = &sorted[start[k as usize] as usize..start[k as usize + 1] as usize];
                    let (l0, p0) = (lists.len(), pos.len());
                    let mut last = 0;
                    for (j, r) in recs.iter().enumerate() {
                        push_varint(
                            &mut lists,
                            u64::from(if j == 0 { r.doc } else { r.doc - last }),
                        );
                        push_varint(&mut lists, u64::from(r.tft));
                        last = r.doc;
                        let mut prev = 0;
                        for &p in &self.positions[r.pos as usize..(r.pos + r.len) as usize] {
                            push_varint(&mut pos, u64::from(p - prev));
                            prev = p;
                        }
                    }
                    let name = key_of(k);
                    push_varint(&mut head, name.len() as u64);
                    head.extend_from_slice(name);
                    push_varint(&mut head, recs.len() as u64);
                    push_varint(&mut head, (lists.len() - l0) as u64);
                    push_varint(&mut head, (pos.len() - p0) as u64);
                }
                head.extend_from_slice(&lists);
                head.extend_from_slice(&pos);
                (self.first + i, head, keys.len())
            })
            .collect()
    }
}

/// Which articles have each Han character: one bit per article, and the (few) articles with it
/// in their title.
struct CharSets {
    words: usize,
    /// Code point → slot + 1 (Han characters are all below 0x40000).
    slots: Vec<u32>,
    names: Vec<char>,
    bits: Vec<u64>,
    title: Vec<Vec<u32>>,
}

impl CharSets {
    fn new(articles: usize) -> Self {
        CharSets {
            words: articles.div_ceil(64).max(1),
            slots: vec![0; 0x40000],
            names: Vec::new(),
            bits: Vec::new(),
            title: Vec::new(),
        }
    }

    fn add(&mut self, doc: usize, chars: &[(char, bool)]) {
        for &(c, in_title) in chars {
            let slot = match self.slots[c as usize] {
                0 => {
                    let s = self.names.len();
                    self.slots[c as usize] = s as u32 + 1;
                    self.names.push(c);
                    self.bits.resize(self.bits.len() + self.words, 0);
                    self.title.push(Vec::new());
                    s
                }
                s => s as usize - 1,
            };
            self.bits[slot * self.words + doc / 64] |= 1 << (doc % 64);
            if in_title {
                self.title[slot].push(doc as u32);
            }
        }
    }

    /// One character's entry: the articles as a delta list or, where smaller, a bitmap (one bit
    /// per article, least significant first), and the articles with it in the title.
    fn encode(&self, slot: usize, articles: usize) -> (usize, u8, Vec<u8>, Vec<u8>) {
        let bits = &self.bits[slot * self.words..(slot + 1) * self.words];
        let count: usize = bits.iter().map(|w| w.count_ones() as usize).sum();
        let mut list = Vec::new();
        let mut last = 0;
        for (i, &w) in bits.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                let doc = (i * 64 + w.trailing_zeros() as usize) as u64;
                let first = list.is_empty();
                push_varint(&mut list, if first { doc } else { doc - last });
                last = doc;
                w &= w - 1;
            }
        }
        let bitmap_len = articles.div_ceil(8);
        let (kind, body) = if list.len() > bitmap_len {
            let bytes: Vec<u8> = bits.iter().flat_map(|w| w.to_le_bytes()).collect();
            (1, bytes[..bitmap_len].to_vec())
        } else {
            (0, list)
        };
        let mut title = Vec::new();
        let mut last = 0;
        for (j, &d) in self.title[slot].iter().enumerate() {
            push_varint(&mut title, u64::from(if j == 0 { d } else { d - last }));
            last = d;
        }
        (count, kind, body, title)
    }
}

/// Figures about an index, for `--verbose` and the benchmark.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SearchStats {
    pub articles: usize,
    /// Bytes of searched text (UTF-8): titles and bodies.
    pub text_bytes: u64,
    pub shards: usize,
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

/// The index as files: paths (under `search/`) and bytes, in a fixed order.
pub struct SearchIndex {
    pub files: Vec<(String, Vec<u8>)>,
    pub stats: SearchStats,
}

/// How many shards for about `bytes` bytes of postings: a power of two.
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
    // Postings with positions come to about one and a quarter times the text's UTF-8 bytes;
    // the number of shards is fixed from that before anything is counted, so one pass suffices.
    let shards = shard_count((text_bytes as usize).saturating_mul(5) / 4);
    let groups_n = shards.min(64);
    let per_group = shards / groups_n;
    let mut groups: Vec<ShardGroup> = (0..groups_n)
        .map(|g| ShardGroup {
            first: g * per_group,
            ..ShardGroup::default()
        })
        .collect();
    let mut chars = CharSets::new(n);
    for start in (0..n).step_by(BATCH) {
        let end = (start + BATCH).min(n);
        let batch: Vec<DocTerms> = (start..end)
            .into_par_iter()
            .map(|a| doc_terms(site, a, title_end, shards, per_group))
            .collect();
        rayon::join(
            || {
                groups.par_iter_mut().enumerate().for_each(|(gi, g)| {
                    let lo = g.first as u32;
                    let hi = (g.first + per_group) as u32;
                    for (i, d) in batch.iter().enumerate() {
                        g.add((start + i) as u32, d, gi, lo, hi);
                    }
                })
            },
            || {
                for (i, d) in batch.iter().enumerate() {
                    chars.add(start + i, &d.chars);
                }
            },
        );
    }

    let mut stats = SearchStats {
        articles: n,
        text_bytes,
        shards,
        ..SearchStats::default()
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(shards + 2048);
    let encoded: Vec<Vec<(usize, Vec<u8>, usize)>> = groups
        .into_par_iter()
        .map(|g| g.encode(per_group, shards))
        .collect();
    for (shard, bytes, keys) in encoded.into_iter().flatten() {
        stats.keys += keys;
        stats.postings_bytes += bytes.len() as u64;
        files.push((format!("{DIR}/s/{shard:04x}.bin"), bytes));
    }

    // Single characters: (count, kind, body, title) per character, into their own shards.
    let entries: Vec<(usize, u8, Vec<u8>, Vec<u8>)> = (0..chars.names.len())
        .into_par_iter()
        .map(|s| chars.encode(s, n))
        .collect();
    let char_bytes: usize = entries.iter().map(|e| e.2.len() + e.3.len() + 8).sum();
    let char_shards = char_bytes
        .div_ceil(TARGET_SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, 256);
    let mut per_shard: Vec<Vec<usize>> = vec![Vec::new(); char_shards];
    for (slot, c) in chars.names.iter().enumerate() {
        per_shard[shard_of(c.encode_utf8(&mut [0; 4]), char_shards)].push(slot);
    }
    for (shard, mut slots) in per_shard.into_iter().enumerate() {
        slots.sort_unstable_by_key(|&s| chars.names[s]);
        let mut out = Vec::new();
        push_varint(&mut out, slots.len() as u64);
        for &s in &slots {
            let c = chars.names[s];
            let (count, kind, body, title) = &entries[s];
            push_varint(&mut out, c.len_utf8() as u64);
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            push_varint(&mut out, *count as u64);
            out.push(*kind);
            push_varint(&mut out, body.len() as u64);
            push_varint(&mut out, title.len() as u64);
        }
        for &s in &slots {
            out.extend_from_slice(&entries[s].2);
            out.extend_from_slice(&entries[s].3);
        }
        stats.char_bytes += out.len() as u64;
        files.push((format!("{DIR}/c/{shard:02x}.bin"), out));
    }
    stats.char_shards = char_shards;

    // What results show, META_CHUNK articles a file.
    let metas: Vec<(String, Vec<u8>)> = (0..n.div_ceil(META_CHUNK))
        .into_par_iter()
        .map(|k| {
            let docs = k * META_CHUNK..((k + 1) * META_CHUNK).min(n);
            (format!("{DIR}/m/{k}.json"), meta_json(site, docs))
        })
        .collect();
    stats.meta_bytes = metas.iter().map(|(_, b)| b.len() as u64).sum();
    files.extend(metas);

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
    let manifest = manifest_json(site, &stats, title_end, &version);
    stats.other_bytes += manifest.len() as u64;
    files.push((format!("{DIR}/index.json"), manifest));
    stats.files = files.len();
    SearchIndex { files, stats }
}

/// Articles `docs` as results show them: an array of
/// `[title, url, date, date_zh, issue title, issue url, county, unit]`.
fn meta_json(site: &Site, docs: std::ops::Range<usize>) -> Vec<u8> {
    use crate::model::Output;
    let rows: Vec<serde_json::Value> = docs
        .map(|a| {
            let art = &site.articles[a];
            serde_json::json!([
                art.title,
                site.url(Output::Article(a)),
                art.date.iso(),
                art.date.chinese(),
                site.issues[art.issue].title,
                site.url(Output::Issue(art.issue)),
                site.counties[art.county].name,
                art.unit.as_deref().unwrap_or(""),
            ])
        })
        .collect();
    serde_json::to_vec(&rows).expect("JSON of strings")
}

fn manifest_json(site: &Site, stats: &SearchStats, title_end: u32, version: &str) -> Vec<u8> {
    let terms = |terms: &[crate::model::Term]| -> Vec<serde_json::Value> {
        terms
            .iter()
            .map(|t| serde_json::json!({"name": t.name, "slug": t.slug, "count": t.articles.len()}))
            .collect()
    };
    // Articles are newest first, so a year is one run of ids (kept general all the same).
    let mut by_year: Vec<(i32, Vec<[usize; 2]>)> = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        match by_year.iter_mut().find(|(y, _)| *y == a.date.year) {
            Some((_, ranges)) => match ranges.last_mut() {
                Some(r) if r[1] == i => r[1] = i + 1,
                _ => ranges.push([i, i + 1]),
            },
            None => by_year.push((a.date.year, vec![[i, i + 1]])),
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
        "shards": stats.shards,
        "char_shards": stats.char_shards,
        "meta_chunk": META_CHUNK,
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
    /// Per article, its positions (empty for tokens).
    pub positions: Vec<Vec<u32>>,
}

/// Read `key` (a bigram or a token) from a shard file.
pub fn read_postings(shard: &[u8], key: &str) -> Option<Postings> {
    let mut at = 0;
    let k = read_varint(shard, &mut at)? as usize;
    let mut found = None;
    let (mut list_total, mut list_off, mut pos_off) = (0usize, 0usize, 0usize);
    for _ in 0..k {
        let len = read_varint(shard, &mut at)? as usize;
        let name = shard.get(at..at + len)?;
        at += len;
        let docs = read_varint(shard, &mut at)? as usize;
        let list_len = read_varint(shard, &mut at)? as usize;
        let pos_len = read_varint(shard, &mut at)? as usize;
        if name == key.as_bytes() {
            found = Some((docs, list_off, list_len, pos_off, pos_len));
        }
        list_off += list_len;
        pos_off += pos_len;
        list_total += list_len;
    }
    let (docs, list_off, list_len, pos_off, pos_len) = found?;
    let list = shard.get(at + list_off..at + list_off + list_len)?;
    let pos_base = at + list_total + pos_off;
    let pos = shard.get(pos_base..pos_base + pos_len)?;
    let (mut i, mut j) = (0, 0);
    let mut out = Postings {
        docs: Vec::with_capacity(docs),
        positions: Vec::with_capacity(docs),
    };
    let mut doc = 0u32;
    for d in 0..docs {
        let delta = read_varint(list, &mut i)? as u32;
        doc = if d == 0 { delta } else { doc + delta };
        let v = read_varint(list, &mut i)?;
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

/// Read the articles that have character `c` from a character shard: (ids, ids with it in the
/// title).
pub fn read_char(shard: &[u8], c: char) -> Option<(Vec<u32>, Vec<u32>)> {
    let mut at = 0;
    let k = read_varint(shard, &mut at)? as usize;
    let mut found = None;
    let mut off = 0;
    for _ in 0..k {
        let len = read_varint(shard, &mut at)? as usize;
        let name = shard.get(at..at + len)?;
        at += len;
        let count = read_varint(shard, &mut at)? as usize;
        let kind = *shard.get(at)?;
        at += 1;
        let body = read_varint(shard, &mut at)? as usize;
        let title = read_varint(shard, &mut at)? as usize;
        if name == c.encode_utf8(&mut [0; 4]).as_bytes() {
            found = Some((count, kind, off, body, title));
        }
        off += body + title;
    }
    let (count, kind, off, body, title) = found?;
    let b = shard.get(at + off..at + off + body)?;
    let mut docs = Vec::with_capacity(count);
    if kind == 1 {
        for (i, byte) in b.iter().enumerate() {
            for bit in 0..8 {
                if byte & (1 << bit) != 0 {
                    docs.push((i * 8 + bit) as u32);
                }
            }
        }
    } else {
        let mut i = 0;
        let mut doc = 0;
        while i < b.len() {
            let d = read_varint(b, &mut i)? as u32;
            doc = if docs.is_empty() { d } else { doc + d };
            docs.push(doc);
        }
    }
    let t = shard.get(at + off + body..at + off + body + title)?;
    let (mut i, mut doc, mut titles) = (0, 0, Vec::new());
    while i < t.len() {
        let d = read_varint(t, &mut i)? as u32;
        doc = if titles.is_empty() { d } else { doc + d };
        titles.push(doc);
    }
    Some((docs, titles))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_full_width_half_width_and_letters_lower_case() {
        let folded: String = "ＧＤＰ增长５％，5G、Ｃｏｖｉｄ　ÄÖ"
            .chars()
            .map(fold)
            .collect();
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
        assert_eq!(fnv1a("农民".as_bytes()), 0xe0b8a7b7);
        assert_eq!(fnv1a(b"5g"), 0x5ae10015);
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
