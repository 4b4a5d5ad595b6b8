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
//! - `index.json`: the manifest — number of articles, shards and buckets, how many buckets each
//!   shard holds, where titles end, the counties, topics and years for the filters, and a version
//!   that is appended to every other URL.
//! - `s/XXXX.bin`: shard XXXX (hex) of the bigrams and tokens. A key is hashed to bucket
//!   `fnv1a(key) mod buckets`, and a shard is a run of consecutive buckets cut to at most
//!   [`SHARD_BYTES`] ([`shard_of`]). Per key: the articles that contain it, how often and whether
//!   in the title, and for bigrams the positions.
//! - `c/XX.bin`: single characters, for one-character queries: per character the articles that
//!   have it (a list, or a bitmap where that is smaller) and those with it in the title.
//! - `m/N.json`: what a result shows (title, URL, date, issue, county, unit) of 32 articles.
//!   Snippets come from the article's own page, which the browser fetches for a shown result.
//! - `f/cN.bin`, `f/tN.bin`: the articles of county N and of topic N, for the filters.
//!
//! Integers are LEB128 varints; lists of article ids and of positions are delta-coded.
//!
//! ## How it is built
//!
//! The postings of a large archive are several times the size of its text while they are being
//! gathered, so they are never all held at once. They are built in **passes**, each over a range of
//! buckets whose postings come to about [`PASS_BYTES`] (the first pass guesses from the size of the
//! text, later ones from the bytes per bucket so far). A pass reads every article, in id order, in
//! chunks of [`CHUNK`], each cut into slices of [`SLICE`] consecutive articles; an article's body
//! is read from its rendered HTML ([`Tokens::feed_html`]), so no plain-text copy of it is kept. The
//! slices are tokenised in parallel, a task each, into the occurrences of the pass's keys, **laid
//! out by bucket group**: per group, the bigrams of the slice's articles one after another (see
//! [`Slice`]). Then every bucket group (a task each) reads its own buffers, slice after slice, and
//! appends the chunk's occurrences of its keys, article by article, to each key's postings,
//! **already in the bytes of the shard file** (the article delta and count go to the key's list,
//! the position deltas to its positions), held in pieces of at most [`PIECE`] bytes rather than
//! vectors that grow by reallocating (fresh memory is what costs: see [`PIECE`]). Only the chunk's
//! occurrences are ever held besides the encoded postings. At the end of the pass each bucket is
//! its keys sorted, the buckets are cut into shards ([`Packer`]), and each shard is a header, the
//! lists and the positions copied one after another; it is written and its memory freed before the
//! next pass. The single characters are gathered on the first pass, as one bit per article and
//! character in each slice's table ([`Slice::masks`]), then per character as a delta list that
//! becomes a bitmap once that is smaller ([`CharSets`]).
//!
//! What makes it fast is mostly what it does not do per character. The tokeniser decodes the
//! three-byte UTF-8 of the common Han block itself and classes it with one comparison; ASCII and
//! CJK punctuation are classed from tables ([`classify`]); a bigram's bucket continues the FNV hash
//! of its first character, which is looked up ([`Tables::alone`]), and the bucket's group is a
//! table too ([`Pass::group_of`]). A group finds a key's postings in a small open-addressing
//! table ([`Slots`]) that stays in cache, because each group task only ever sees its own keys and
//! reads its occurrences from contiguous buffers. The buffers of the slices are refilled from
//! chunk to chunk rather than allocated per article.
//!
//! Nothing depends on the number of threads or on how the work is split: articles are always
//! appended in id order and keys sorted by their bytes, so the same site gives the same bytes.
//! The version in the manifest is a hash of every other file, in a fixed order, computed as the
//! files are written.

use std::io;

use rayon::prelude::*;

use crate::model::Site;
use crate::output::Sink;

/// The folder of the index in the output.
pub const DIR: &str = "search";
/// Bumped when the files change shape; `search.js` refuses a manifest it does not know.
pub const FORMAT: u32 = 2;
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
/// A pass builds the shards whose postings come to about this many bytes: the most the index
/// holds at once, apart from the single characters and one chunk's occurrences. Each pass reads
/// every article again, so fewer, bigger passes are faster (see docs/search.md).
const PASS_BYTES: usize = 256 << 20;
/// Articles tokenised at once: their occurrences (about 8 bytes a character) are held until the
/// groups have taken them.
const CHUNK: usize = 128;
/// A key's postings are given room for the rest of a pass once they hold this many bytes
/// ([`Group::reserve`]).
const RESERVE_FROM: usize = 64;
/// Articles tokenised by one task, one after another (see [`Slice`]).
const SLICE: usize = 32;
/// A pass's shards are split into at most this many groups, filled in parallel.
const GROUPS: usize = 64;

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

/// What a character is to the tokeniser, once folded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Han,
    /// Part of a token ([`is_word`]).
    Word,
    /// Anything else: it ends runs and tokens.
    Other,
}

/// A character folded and classed: what [`fold`], [`is_han`] and [`is_word`] say, without their
/// cost for the characters that make up nearly all of a bulletin. A 14-million-character archive
/// is mostly the common Han block (which folding leaves as it is), ASCII and CJK punctuation;
/// the first two are decided here in a comparison or a table, the punctuation (、。《》“” and
/// their neighbours, whose lower-casing and `is_alphanumeric` are binary searches in Unicode's
/// tables) in [`Tables::class`], and only what is left takes the general way.
#[inline(always)]
fn classify(c: char, t: &Tables) -> (char, Class) {
    let u = c as u32;
    if u < 0x80 {
        ASCII[u as usize]
    } else if (0x4E00..=0x9FFF).contains(&u) {
        (c, Class::Han)
    } else if let Some(&fc) = t.class.get(u.wrapping_sub(CLASS_FIRST) as usize) {
        fc
    } else {
        classify_slow(c)
    }
}

/// The general way of [`classify`].
fn classify_slow(c: char) -> (char, Class) {
    let f = fold(c);
    let class = if is_han(f) {
        Class::Han
    } else if is_word(f) {
        Class::Word
    } else {
        Class::Other
    };
    (f, class)
}

/// [`classify`] of ASCII: letters and digits are tokens (letters lower-cased), the rest is not.
const ASCII: [(char, Class); 128] = {
    let mut t = [('\0', Class::Other); 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = (c.to_ascii_lowercase() as char, Class::Word);
        } else {
            t[b] = (c as char, Class::Other);
        }
        b += 1;
    }
    t
};

/// The first code point of [`Tables::class`]: General Punctuation (“”…) up to the end of
/// Katakana, through CJK Symbols and Punctuation (、。《》【】〇).
const CLASS_FIRST: u32 = 0x2000;
const CLASS_END: u32 = 0x3100;
/// The common block of Han characters, whose hashes are in [`Tables::alone`].
const HAN_FIRST: u32 = 0x4E00;
const HAN_END: u32 = 0xA000;

/// What the tokeniser looks up rather than works out, once per process (a fraction of a
/// millisecond): fetched once per text, not once per character.
struct Tables {
    /// [`classify_slow`] from [`CLASS_FIRST`] to [`CLASS_END`].
    class: Vec<(char, Class)>,
    /// [`fnv_han`] from the start, from [`HAN_FIRST`] to [`HAN_END`]: see [`fnv_han_alone`].
    alone: Vec<u32>,
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let chars = |r: std::ops::Range<u32>| {
            r.map(|u| char::from_u32(u).expect("no surrogates below U+D800"))
        };
        Tables {
            class: chars(CLASS_FIRST..CLASS_END).map(classify_slow).collect(),
            alone: chars(HAN_FIRST..HAN_END)
                .map(|c| fnv_han(FNV_BASIS, c))
                .collect(),
        }
    })
}

/// The character at byte `i` of `text` (a character boundary) and its length in bytes. The
/// three-byte form of nearly every character of Chinese text is decoded here directly.
#[inline(always)]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        return (char::from(b), 1);
    }
    if b & 0xf0 == 0xe0
        && let Some(&[b1, b2]) = bytes.get(i + 1..i + 3)
    {
        let u = (u32::from(b & 0x0f) << 12) | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f);
        // Valid UTF-8 (a `str`) never encodes a surrogate, so this is never the replacement.
        return (char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER), 3);
    }
    let c = text[i..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (c, c.len_utf8())
}

/// 32-bit FNV-1a of the key's UTF-8 bytes: which shard a key lives in.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    fnv_more(FNV_BASIS, bytes)
}

const FNV_BASIS: u32 = 0x811c_9dc5;

/// FNV-1a of more bytes, continuing from `h`.
fn fnv_more(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1a continued over a character's UTF-8.
fn fnv_char(h: u32, c: char) -> u32 {
    fnv_more(h, c.encode_utf8(&mut [0; 4]).as_bytes())
}

/// [`fnv_char`] of a Han character, whose UTF-8 is three bytes (four above U+FFFF): worked out
/// from the code point rather than by encoding it, as this runs twice for every Han character.
#[inline(always)]
fn fnv_han(h: u32, c: char) -> u32 {
    let u = c as u32;
    if (0x800..0x10000).contains(&u) {
        let step = |h: u32, b: u32| (h ^ b).wrapping_mul(0x0100_0193);
        step(
            step(step(h, 0xe0 | (u >> 12)), 0x80 | ((u >> 6) & 0x3f)),
            0x80 | (u & 0x3f),
        )
    } else {
        fnv_char(h, c)
    }
}

/// [`fnv_han`] from the start: the hash of a Han character alone, which its bigram with the next
/// character continues from; looked up in [`Tables::alone`] for the common block.
#[inline(always)]
fn fnv_han_alone(c: char, alone: &[u32]) -> u32 {
    match alone.get((c as u32).wrapping_sub(HAN_FIRST) as usize) {
        Some(&h) => h,
        None => fnv_han(FNV_BASIS, c),
    }
}

/// The bucket of `key` among `buckets` (a power of two); also the file of `c/` that holds a
/// character, among the manifest's `char_shards`.
pub fn bucket_of(key: &str, buckets: usize) -> usize {
    fnv1a(key.as_bytes()) as usize & (buckets - 1)
}

/// The shard file of `s/` that holds `key`, given the manifest's `buckets` and `shard_buckets`
/// (how many consecutive buckets each shard holds, in order). What `search.js` does.
pub fn shard_of(key: &str, buckets: usize, shard_buckets: &[usize]) -> usize {
    let b = bucket_of(key, buckets);
    let mut start = 0;
    for (i, n) in shard_buckets.iter().enumerate() {
        start += n;
        if b < start {
            return i;
        }
    }
    shard_buckets.len().saturating_sub(1)
}

/// The keys a query or a text is looked up by, in order: Han bigrams (or the lone character of a
/// one-character run) and tokens. What `search.js` does with a query, for tests.
pub fn keys_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    Tokens::default().feed(text, 0, &mut |ev: Event<'_>| push_key(&mut out, ev));
    out
}

/// The key a tokeniser event stands for, if any, pushed to `out` (see [`keys_of`]).
fn push_key(out: &mut Vec<String>, ev: Event<'_>) {
    match ev {
        Event::Han { c, prev, .. } => {
            if let Some(p) = prev {
                out.push(format!("{p}{c}"));
            }
        }
        Event::RunEnd { len: 1, last } => out.push(last.to_string()),
        Event::RunEnd { .. } => {}
        Event::Word { word, .. } => out.push(word.to_string()),
    }
}

#[inline(always)]
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

/// What receives the tokeniser's events: any closure, or [`Scanner`], whose method is inlined
/// into the tokeniser's loop (a closure that big would be called once per character instead).
trait Emit {
    fn emit(&mut self, ev: Event<'_>);
}

impl<F: FnMut(Event<'_>)> Emit for F {
    #[inline(always)]
    fn emit(&mut self, ev: Event<'_>) {
        self(ev)
    }
}

/// The tokeniser: Han positions count Han characters, and every break between runs adds one, so
/// the last character of one run and the first of the next are never adjacent. Nothing is carried
/// from one text to the next (each ends in a line break); the struct only keeps the buffer of the
/// current token.
#[derive(Default)]
struct Tokens {
    word: String,
}

/// Where the tokeniser is within a text: the previous character if it was Han, the length of its
/// run, and the next Han position. Kept in locals (the compiler keeps them in registers).
struct At {
    prev: Option<char>,
    run: u32,
    pos: u32,
}

impl Tokens {
    /// Feed `text`; Han positions continue from `pos`. Returns the position after the text.
    ///
    /// The text is followed by a line break, which ends its last run and token.
    #[inline(always)]
    fn feed(&mut self, text: &str, pos: u32, emit: &mut impl Emit) -> u32 {
        let t = tables();
        let mut at = At {
            prev: None,
            run: 0,
            pos,
        };
        let mut i = 0;
        while i < text.len() {
            let (c, len) = char_at(text, i);
            i += len;
            let (c, class) = classify(c, t);
            step(&mut self.word, &mut at, c, class, emit);
        }
        finish(&mut self.word, at, emit)
    }

    /// Feed the text of an HTML fragment (an article's body as rendered), as [`Tokens::feed`]
    /// does a plain text. Returns the position after it and how many bytes of text it had.
    ///
    /// Inline elements (`<strong>`, `<a>`, `<span>`…) do not break a run, so `学<b>前</b>教育`
    /// is 学前教育; every other tag (`</p>`, `<li>`, `<td>`, `<br>`) is a break, as a line break
    /// is. An image stands for its `alt` text. Character references are decoded. Comments, and
    /// the content of `<script>` and `<style>`, are skipped. See [`markup_at`].
    #[inline(always)]
    fn feed_html(&mut self, html: &str, pos: u32, emit: &mut impl Emit) -> (u32, usize) {
        let t = tables();
        let mut at = At {
            prev: None,
            run: 0,
            pos,
        };
        // Bytes of markup skipped, and of text that markup stood for.
        let (mut markup, mut decoded) = (0, 0);
        let mut i = 0;
        while i < html.len() {
            let (c, len) = char_at(html, i);
            if c == '<' || c == '&' {
                let (end, m) = markup_at(html, i);
                markup += end - i;
                i = end;
                match m {
                    Markup::Nothing => {}
                    Markup::Break => step(&mut self.word, &mut at, '\n', Class::Other, emit),
                    Markup::Char(c) => {
                        decoded += c.len_utf8();
                        let (c, class) = classify(c, t);
                        step(&mut self.word, &mut at, c, class, emit);
                    }
                    Markup::Alt(alt) => {
                        decoded += alt.len();
                        for c in alt.chars() {
                            let (c, class) = classify(c, t);
                            step(&mut self.word, &mut at, c, class, emit);
                        }
                    }
                }
                continue;
            }
            i += len;
            let (c, class) = classify(c, t);
            step(&mut self.word, &mut at, c, class, emit);
        }
        (
            finish(&mut self.word, at, emit),
            html.len() - markup + decoded,
        )
    }
}

/// The tokeniser's work for one character.
#[inline(always)]
fn step(word: &mut String, at: &mut At, c: char, class: Class, emit: &mut impl Emit) {
    if class == Class::Han {
        flush_word(word, emit);
        emit.emit(Event::Han {
            c,
            prev: at.prev,
            pos: at.pos,
        });
        at.prev = Some(c);
        at.run += 1;
        at.pos += 1;
    } else {
        if let Some(last) = at.prev.take() {
            emit.emit(Event::RunEnd { len: at.run, last });
            at.run = 0;
            at.pos += 1;
        }
        if class == Class::Word {
            word.push(c);
        } else {
            flush_word(word, emit);
        }
    }
}

/// The end of a text, which ends its run and token: the position after it.
#[inline(always)]
fn finish(word: &mut String, at: At, emit: &mut impl Emit) -> u32 {
    let mut pos = at.pos;
    if let Some(last) = at.prev {
        emit.emit(Event::RunEnd { len: at.run, last });
        pos += 1;
    }
    flush_word(word, emit);
    pos
}

/// What a piece of markup in an article's HTML is to the tokeniser.
#[derive(Debug, PartialEq, Eq)]
enum Markup {
    /// Nothing: an inline element's tag, a comment.
    Nothing,
    /// A break between runs: any other tag.
    Break,
    /// A character: a character reference, or a `<` or `&` that starts no markup.
    Char(char),
    /// An image's `alt` text, decoded.
    Alt(String),
}

/// Whether the element `name` is inline: its tags do not break a run of text (`<img>` aside,
/// which stands for its `alt`). Compared byte by byte, case-insensitively: this is asked of every
/// tag of every article.
fn is_inline(name: &str) -> bool {
    let mut buf = [0u8; 6];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return false;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    matches!(
        &*lower,
        b"a" | b"abbr"
            | b"b"
            | b"bdi"
            | b"bdo"
            | b"cite"
            | b"code"
            | b"data"
            | b"del"
            | b"dfn"
            | b"em"
            | b"font"
            | b"i"
            | b"ins"
            | b"kbd"
            | b"mark"
            | b"q"
            | b"s"
            | b"samp"
            | b"small"
            | b"span"
            | b"strike"
            | b"strong"
            | b"sub"
            | b"sup"
            | b"time"
            | b"tt"
            | b"u"
            | b"var"
            | b"wbr"
    )
}

/// The markup that starts at byte `i` of `html` (a `<` or a `&`): where it ends, and what it is
/// to the tokeniser. Not a full HTML parser, and it need not be one: the HTML is what the build
/// rendered from Markdown, sanitised unless the site trusts its authors, so it is well formed.
#[inline(never)]
fn markup_at(html: &str, i: usize) -> (usize, Markup) {
    let bytes = html.as_bytes();
    if bytes[i] == b'&' {
        return reference_at(html, i);
    }
    let rest = &html[i..];
    // The end of the tag at `from`, past the `>` (or the end of the HTML).
    let close = |from: usize| html[from..].find('>').map_or(html.len(), |e| from + e + 1);
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->").map_or(html.len(), |e| i + 4 + e + 3);
        return (end, Markup::Nothing);
    }
    match bytes.get(i + 1) {
        Some(b'!' | b'?') => (close(i), Markup::Nothing),
        Some(b'/') => {
            let name = tag_name(&html[i + 2..]);
            let m = if is_inline(name) {
                Markup::Nothing
            } else {
                Markup::Break
            };
            (close(i + 2 + name.len()), m)
        }
        Some(b) if b.is_ascii_alphabetic() => {
            let name = tag_name(&html[i + 1..]);
            let (end, alt) = attributes(html, i + 1 + name.len());
            if name.eq_ignore_ascii_case("img") {
                return (end, alt.map_or(Markup::Nothing, Markup::Alt));
            }
            if ["script", "style"]
                .iter()
                .any(|t| t.eq_ignore_ascii_case(name))
            {
                // Raw text up to the element's end tag, whatever its case.
                let mut from = end;
                while let Some(e) = html[from..].find("</") {
                    let at = from + e + 2;
                    let tag = bytes.get(at..at + name.len());
                    if tag.is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes())) {
                        return (close(at + name.len()), Markup::Break);
                    }
                    from = at;
                }
                return (html.len(), Markup::Break);
            }
            if is_inline(name) {
                (end, Markup::Nothing)
            } else {
                (end, Markup::Break)
            }
        }
        _ => (i + 1, Markup::Char('<')),
    }
}

/// The tag name at the start of `s`.
fn tag_name(s: &str) -> &str {
    let end = s
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .unwrap_or(s.len());
    &s[..end]
}

/// Read a tag's attributes from byte `i` of `html` to its `>`: where the tag ends, and its `alt`
/// attribute's value, decoded.
fn attributes(html: &str, mut i: usize) -> (usize, Option<String>) {
    let bytes = html.as_bytes();
    let mut alt = None;
    loop {
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            i += 1;
        }
        match bytes.get(i) {
            None => return (html.len(), alt),
            Some(b'>') => return (i + 1, alt),
            _ => {}
        }
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .map_or(html.len(), |e| i + e);
        let name = &html[i..name_end];
        i = name_end;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let (value, end) = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = html[i + 1..]
                    .find(char::from(q))
                    .map_or(html.len(), |e| i + 1 + e);
                (&html[(i + 1).min(end)..end], (end + 1).min(html.len()))
            }
            _ => {
                let end = html[i..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(html.len(), |e| i + e);
                (&html[i..end], end)
            }
        };
        if name.eq_ignore_ascii_case("alt") {
            alt = Some(decode(value));
        }
        i = end;
    }
}

/// Text with its character references decoded, as [`reference_at`] reads them.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(off) = text[i..].find('&') {
        out.push_str(&text[i..i + off]);
        let (end, m) = reference_at(text, i + off);
        match m {
            Markup::Char(c) => out.push(c),
            _ => out.push(' '),
        }
        i = end;
    }
    out.push_str(&text[i..]);
    out
}

/// The character reference at byte `i` of `html` (a `&`): `&amp;`, `&#20892;`, `&#x519C;`. The
/// five that HTML escapes with and `&nbsp;` are known by name; any other name is a break (they
/// stand for punctuation and symbols: `&hellip;`, `&mdash;`). A `&` that starts no reference is
/// itself.
fn reference_at(html: &str, i: usize) -> (usize, Markup) {
    let after = &html[i + 1..];
    let Some(semi) = after.bytes().take(32).position(|b| b == b';') else {
        return (i + 1, Markup::Char('&'));
    };
    let name = &after[..semi];
    let end = i + 1 + semi + 1;
    let number = match name.strip_prefix('#') {
        Some(n) => match n.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => n.parse::<u32>().ok(),
        },
        None => None,
    };
    let c = match (number, name) {
        (Some(n), _) => char::from_u32(n),
        (None, "amp") => Some('&'),
        (None, "lt") => Some('<'),
        (None, "gt") => Some('>'),
        (None, "quot") => Some('"'),
        (None, "apos") => Some('\''),
        (None, "nbsp") => Some('\u{a0}'),
        (None, n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            return (end, Markup::Break);
        }
        _ => return (i + 1, Markup::Char('&')),
    };
    match c {
        Some(c) => (end, Markup::Char(c)),
        None => (end, Markup::Break),
    }
}

/// The token in `word`, if any, ends.
#[inline(always)]
fn flush_word(word: &mut String, emit: &mut impl Emit) {
    if !word.is_empty() {
        emit.emit(Event::Word { word });
        word.clear();
    }
}

/// A bigram key, its first character above its second (18 bits each), as UTF-8: (bytes, length).
fn han_key_bytes(k: u64) -> ([u8; 8], usize) {
    let mut buf = [0u8; 8];
    let mut n = 0;
    for c in [(k >> 18) as u32, (k & 0x3ffff) as u32] {
        n += char::from_u32(c)
            .unwrap_or('\u{fffd}')
            .encode_utf8(&mut buf[n..])
            .len();
    }
    (buf, n)
}

/// The Han positions a title uses (the rest of every article starts after the longest title).
fn title_span(title: &str) -> u32 {
    Tokens::default().feed(title, 0, &mut |_: Event<'_>| {})
}

/// Positions past this are not indexed (an article of 268 million Han characters).
const MAX_POS: u32 = (1 << 28) - 1;

/// The buckets one pass builds, `first..first + count`, split into groups of `per_group`.
struct Pass {
    buckets: usize,
    count: usize,
    per_group: usize,
    title_end: u32,
    /// Whether this pass also gathers the single characters (the first one does).
    chars: bool,
    /// Bucket → its group in this pass, or [`NO_GROUP`]: a table, so that finding a bigram's
    /// group costs a load rather than a division.
    group_of: Vec<u8>,
}

/// In [`Pass::group_of`]: a bucket that this pass does not build.
const NO_GROUP: u8 = u8::MAX;
const _: () = assert!(GROUPS < NO_GROUP as usize);

impl Pass {
    fn new(buckets: usize, first: usize, count: usize, title_end: u32) -> Self {
        let per_group = count.div_ceil(GROUPS);
        let group_of = (0..buckets)
            .map(|s| match s.wrapping_sub(first) {
                i if i < count => (i / per_group) as u8,
                _ => NO_GROUP,
            })
            .collect();
        Pass {
            buckets,
            count,
            per_group,
            title_end,
            chars: first == 0,
            group_of,
        }
    }

    fn groups(&self) -> usize {
        self.count.div_ceil(self.per_group)
    }
}

/// The occurrences of the pass's keys in a run of consecutive articles (at most [`SLICE`]), laid
/// out for the groups: per group, the bigrams of every article of the slice one after another,
/// so that the task that fills a group reads what it needs from a few contiguous buffers rather
/// than a few bytes from each article's (which was the build's largest cost: a cache miss for
/// nearly every article and group). A chunk's slices are kept from chunk to chunk and refilled,
/// so the buffers are allocated once a pass.
#[derive(Default)]
struct Slice {
    /// The first article's id, and how many articles.
    first: u32,
    len: u32,
    /// Per group: its bigrams as first character (18 bits), second (18), position (28), each
    /// article's in text order; and where each article's end.
    bigrams: Vec<Vec<u64>>,
    bigram_ends: Vec<Vec<u32>>,
    /// Per group: its tokens, and where each article's end. Their text is in `word_text`.
    words: Vec<Vec<WordAt>>,
    word_ends: Vec<Vec<u32>>,
    word_text: String,
    /// Bytes of the articles' searched text (titles and bodies), for [`SearchStats::text_bytes`].
    text_bytes: u64,
    /// On the first pass, the characters of the common Han block ([`HAN_FIRST`]..[`HAN_END`]):
    /// per character, one bit per article of the slice that has it (the low 32 bits) and one
    /// per article with it in the title (the high 32). Setting a bit needs no test of whether
    /// the article had the character already (a branch per character that the processor
    /// could not predict) and no list of the characters seen: the table is read through once
    /// the slice is, and is all zero again between slices.
    masks: Vec<u64>,
    /// Once the slice is read: the common block's characters it has (offset from
    /// [`HAN_FIRST`]) and their masks.
    common: Vec<(u16, u64)>,
    /// On the first pass, the other Han characters (rare: extensions, compatibility forms, 〇),
    /// each article's each once, with whether in the title; and where each article's end.
    chars: Vec<(char, bool)>,
    char_ends: Vec<u32>,
}

/// The characters of the common Han block.
const HAN_COMMON: usize = (HAN_END - HAN_FIRST) as usize;
const _: () = assert!(HAN_COMMON <= u16::MAX as usize);
// An article's bit in a slice's masks.
const _: () = assert!(SLICE <= 32);

#[derive(Clone, Copy)]
struct WordAt {
    /// Range in `Slice::word_text`.
    text: (u32, u32),
    /// [`fnv1a`] of the token: its bucket, and its hash in [`Slots`].
    hash: u32,
    in_title: bool,
}

/// A tokenising task's scratch space, reused from article to article: one bit per code point,
/// the characters of the article seen so far.
struct Scratch {
    seen: Vec<u64>,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            seen: vec![0; 0x40000 / 64],
        }
    }
}

impl Slice {
    /// Tokenise articles `docs` for `pass`, replacing what the slice held.
    fn scan(&mut self, site: &Site, docs: std::ops::Range<usize>, pass: &Pass, s: &mut Scratch) {
        let groups = pass.groups();
        self.first = docs.start as u32;
        self.len = docs.len() as u32;
        self.bigrams.resize_with(groups, Vec::new);
        self.bigram_ends.resize_with(groups, Vec::new);
        self.words.resize_with(groups, Vec::new);
        self.word_ends.resize_with(groups, Vec::new);
        self.bigrams.iter_mut().for_each(Vec::clear);
        self.bigram_ends.iter_mut().for_each(Vec::clear);
        self.words.iter_mut().for_each(Vec::clear);
        self.word_ends.iter_mut().for_each(Vec::clear);
        self.word_text.clear();
        self.text_bytes = 0;
        self.chars.clear();
        self.char_ends.clear();
        self.common.clear();
        if pass.chars && self.masks.is_empty() {
            self.masks = vec![0; HAN_COMMON];
        }
        for a in docs {
            scan(site, a, pass, s, self);
            for g in 0..groups {
                self.bigram_ends[g].push(self.bigrams[g].len() as u32);
                self.word_ends[g].push(self.words[g].len() as u32);
            }
            self.char_ends.push(self.chars.len() as u32);
        }
        // Eight at a time, so that runs of characters the slice does not have cost little.
        for (c, chunk) in self.masks.chunks_mut(8).enumerate() {
            if chunk.iter().fold(0, |a, &m| a | m) != 0 {
                for (j, m) in chunk.iter_mut().enumerate() {
                    if *m != 0 {
                        self.common.push(((c * 8 + j) as u16, std::mem::take(m)));
                    }
                }
            }
        }
    }

    /// Article by article: its id, and its bigrams and tokens in group `g`.
    fn docs(&self, g: usize) -> impl Iterator<Item = (u32, &[u64], &[WordAt])> {
        let (bigrams, words) = (&self.bigrams[g], &self.words[g]);
        let (bigram_ends, word_ends) = (&self.bigram_ends[g], &self.word_ends[g]);
        (0..self.len as usize).map(move |i| {
            let b = if i == 0 {
                0
            } else {
                bigram_ends[i - 1] as usize
            };
            let w = if i == 0 { 0 } else { word_ends[i - 1] as usize };
            (
                self.first + i as u32,
                &bigrams[b..bigram_ends[i] as usize],
                &words[w..word_ends[i] as usize],
            )
        })
    }

    /// Article by article: its id and its characters.
    fn chars(&self) -> impl Iterator<Item = (u32, &[(char, bool)])> {
        (0..self.len as usize).map(move |i| {
            let c = if i == 0 {
                0
            } else {
                self.char_ends[i - 1] as usize
            };
            (
                self.first + i as u32,
                &self.chars[c..self.char_ends[i] as usize],
            )
        })
    }
}

/// Tokenise article `a` for `pass`, appending to `out`: its title from position 0, then its unit,
/// county, topics, year, issue title and the text of its body from `title_end`, each ending in a
/// line break. The body's text is read from its HTML ([`Tokens::feed_html`]): no plain-text copy
/// is kept.
fn scan(site: &Site, a: usize, pass: &Pass, s: &mut Scratch, out: &mut Slice) {
    let art = &site.articles[a];
    let chars_from = out.chars.len();
    let bit = 1u64 << (a - out.first as usize);
    let mut sc = Scanner {
        pass,
        mask: pass.buckets - 1,
        alone: &tables().alone,
        seen: &mut s.seen,
        out,
        h_prev: 0,
        in_title: true,
        bits: bit | bit << 32,
    };
    let mut tok = Tokens::default();
    tok.feed(&art.title, 0, &mut sc);
    sc.in_title = false;
    sc.bits = bit;
    let year = art.date.year.to_string();
    let mut pos = pass.title_end;
    let fields = [
        art.unit.as_deref().unwrap_or(""),
        &site.counties[art.county].name,
    ]
    .into_iter()
    .chain(art.topics.iter().map(|&t| site.topics[t].name.as_str()))
    .chain([year.as_str(), &site.issues[art.issue].title]);
    for field in fields {
        pos = tok.feed(field, pos, &mut sc);
    }
    let (_, text) = tok.feed_html(&art.html, pos, &mut sc);
    out.text_bytes += (art.title.len() + text) as u64;
    for &(c, _) in &out.chars[chars_from..] {
        s.seen[c as usize / 64] = 0;
    }
}

/// What [`scan`] does with each of the tokeniser's events.
struct Scanner<'a> {
    pass: &'a Pass,
    /// `pass.buckets - 1`.
    mask: usize,
    /// [`Tables::alone`].
    alone: &'a [u32],
    /// [`Scratch::seen`].
    seen: &'a mut [u64],
    out: &'a mut Slice,
    /// FNV-1a of the previous character's UTF-8, which a bigram's bucket continues from.
    h_prev: u32,
    /// Whether the title is being read.
    in_title: bool,
    /// What a character of the common Han block sets in its [`Slice::masks`] entry: the
    /// article's bit, and while the title is read its title bit.
    bits: u64,
}

impl Emit for Scanner<'_> {
    #[inline(always)]
    fn emit(&mut self, ev: Event<'_>) {
        let out = &mut *self.out;
        match ev {
            Event::Han { c, prev, pos } => {
                if self.pass.chars {
                    let i = (c as u32).wrapping_sub(HAN_FIRST) as usize;
                    if let Some(m) = out.masks.get_mut(i) {
                        *m |= self.bits;
                    } else {
                        let (word, bit) = (c as usize / 64, 1u64 << (c as usize % 64));
                        if self.seen[word] & bit == 0 {
                            self.seen[word] |= bit;
                            out.chars.push((c, self.in_title));
                        }
                    }
                }
                if let Some(p) = prev
                    && pos <= MAX_POS
                {
                    let g = self.pass.group_of[fnv_han(self.h_prev, c) as usize & self.mask];
                    if let Some(bigrams) = out.bigrams.get_mut(usize::from(g)) {
                        // A bigram's position is that of its first character.
                        bigrams
                            .push((u64::from(p) << 46) | (u64::from(c) << 28) | u64::from(pos - 1));
                    }
                }
                self.h_prev = fnv_han_alone(c, self.alone);
            }
            Event::RunEnd { .. } => {}
            Event::Word { word } => {
                let hash = fnv1a(word.as_bytes());
                let g = self.pass.group_of[hash as usize & self.mask];
                if let Some(words) = out.words.get_mut(usize::from(g)) {
                    let start = out.word_text.len() as u32;
                    out.word_text.push_str(word);
                    words.push(WordAt {
                        text: (start, out.word_text.len() as u32),
                        hash,
                        in_title: self.in_title,
                    });
                }
            }
        }
    }
}

/// A key's postings as far as they are gathered, already as the shard file holds them.
///
/// Exactly a cache line, and aligned to one: every occurrence of a key reads and writes its
/// entry, and one that straddled two lines would cost two misses where one does.
#[derive(Default)]
#[repr(align(64))]
struct Gathered {
    /// Per article, the deltas of its positions (bigrams only): the piece being filled, the
    /// full ones being in [`Group::spilled`].
    pos: Vec<u8>,
    /// Per article: its id's delta from the previous one's, and count × 2 + in title (the piece
    /// being filled, as `pos`).
    list: Vec<u8>,
    /// The current article's: occurrences × 2 + whether the first was in the title (0: none
    /// yet), as the list holds it; and the last one's position.
    tf: u32,
    last_pos: u32,
    docs: u32,
    last_doc: u32,
}
const _: () = assert!(std::mem::size_of::<Gathered>() == 64);

/// A key: a bigram (as in [`han_key_bytes`]) or a token.
enum Name {
    Han(u64),
    Word(Box<str>),
}

/// A group's keys to their indexes: open addressing with linear probing in a power-of-two table
/// kept at most half full. A slot holds a key's 64-bit hash and its index (`u32::MAX`: empty).
/// For a bigram the hash is the bigram itself, so equal hashes are the same key; for a token it
/// is its [`fnv1a`], and the caller compares the text. Every occurrence of every key is looked
/// up here, so it is kept small and simple: one multiply to find the first slot, and slots of 16
/// bytes, four to a cache line.
struct Slots {
    slots: Vec<(u64, u32)>,
    /// log2 of the number of slots.
    bits: u32,
    len: usize,
}

const EMPTY: u32 = u32::MAX;

impl Slots {
    fn new() -> Self {
        Slots {
            slots: vec![(0, EMPTY); 64],
            bits: 6,
            len: 0,
        }
    }

    #[inline(always)]
    fn home(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.bits)) as usize
    }

    /// The index of the key with `hash` for which `is_it` holds, or `Err` with the slot where it
    /// would go.
    #[inline(always)]
    fn find(&self, hash: u64, mut is_it: impl FnMut(u32) -> bool) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let (h, k) = self.slots[i];
            if k == EMPTY {
                return Err(i);
            }
            if h == hash && is_it(k) {
                return Ok(k);
            }
            i = (i + 1) & mask;
        }
    }

    /// Put key `k` with `hash` in `slot` (from [`Slots::find`]).
    fn insert(&mut self, slot: usize, hash: u64, k: u32) {
        self.slots[slot] = (hash, k);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.bits += 1;
            let old = std::mem::replace(&mut self.slots, vec![(0, EMPTY); 1 << self.bits]);
            let mask = self.slots.len() - 1;
            for (h, k) in old.into_iter().filter(|&(_, k)| k != EMPTY) {
                let mut i = self.home(h);
                while self.slots[i].1 != EMPTY {
                    i = (i + 1) & mask;
                }
                self.slots[i] = (h, k);
            }
        }
    }
}

/// The keys of the buckets `first..end` of a pass, gathered by one task.
struct Group {
    first: usize,
    end: usize,
    han_ids: Slots,
    word_ids: Slots,
    names: Vec<Name>,
    keys: Vec<Gathered>,
    /// The keys that the current article has.
    touched: Vec<u32>,
    /// The most bytes a piece of postings holds ([`PIECE`]; tests use less).
    piece: usize,
    /// Full pieces of keys' postings ([`PIECE`]): the key, whether its positions (or its list),
    /// and the bytes, in the order they filled.
    spilled: Vec<(u32, bool, Vec<u8>)>,
}

/// Postings in pieces, in order.
type Pieces = Vec<Vec<u8>>;

/// A key's positions and list are each held in pieces of at most this many bytes (a full piece
/// is moved aside and a new one begun), never in one long vector: a long vector grows by
/// reallocating, and a large allocation is fresh memory that the system must zero, which on the
/// machine measured cost more than all the copying (docs/search.md). With pieces, the first
/// build of a process took ~10% less time in the index (measured, not derived: `perf` still
/// shows some zeroing under the pieces' allocations).
const PIECE: usize = 16 * 1024;

/// Room for `need` more bytes at the end of `v`, key `k`'s positions (`is_pos`) or list: double
/// it while it is under a piece of `piece` bytes, else move it to `spilled` and begin a new one.
#[cold]
#[inline(never)]
fn make_room(
    v: &mut Vec<u8>,
    need: usize,
    (k, is_pos): (u32, bool),
    piece: usize,
    spilled: &mut Vec<(u32, bool, Vec<u8>)>,
) {
    if v.capacity() >= piece {
        let next = Vec::with_capacity(piece.max(need));
        spilled.push((k, is_pos, std::mem::replace(v, next)));
    } else {
        let cap = (v.capacity() * 2).clamp(16, piece).max(v.len() + need);
        v.reserve_exact(cap - v.len());
    }
}

impl Group {
    fn new(first: usize, end: usize, piece: usize) -> Self {
        Group {
            first,
            end,
            piece,
            han_ids: Slots::new(),
            word_ids: Slots::new(),
            names: Vec::new(),
            keys: Vec::new(),
            touched: Vec::new(),
            spilled: Vec::new(),
        }
    }

    /// A new key, its index.
    fn push(&mut self, name: Name) -> u32 {
        self.keys.push(Gathered::default());
        self.names.push(name);
        (self.keys.len() - 1) as u32
    }

    /// Add article `doc`'s occurrences of this group's keys: its bigrams and its tokens, whose
    /// text is in `word_text`.
    fn add(
        &mut self,
        doc: u32,
        bigrams: &[u64],
        words: &[WordAt],
        word_text: &str,
        title_end: u32,
    ) {
        for &b in bigrams {
            let key = b >> 28;
            let k = match self.han_ids.find(key, |_| true) {
                Ok(k) => k,
                Err(slot) => {
                    let k = self.push(Name::Han(key));
                    self.han_ids.insert(slot, key, k);
                    k
                }
            };
            let pos = (b & u64::from(MAX_POS)) as u32;
            let e = &mut self.keys[k as usize];
            if e.tf == 0 {
                self.touched.push(k);
                e.tf = u32::from(pos < title_end);
                e.last_pos = 0;
            }
            if e.pos.capacity() - e.pos.len() < 5 {
                make_room(&mut e.pos, 5, (k, true), self.piece, &mut self.spilled);
            }
            push_varint(&mut e.pos, u64::from(pos - e.last_pos));
            e.last_pos = pos;
            e.tf += 2;
        }
        for w in words {
            let word = &word_text[w.text.0 as usize..w.text.1 as usize];
            let names = &self.names;
            let found = self.word_ids.find(
                u64::from(w.hash),
                |k| matches!(&names[k as usize], Name::Word(n) if **n == *word),
            );
            let k = match found {
                Ok(k) => k,
                Err(slot) => {
                    let k = self.push(Name::Word(word.into()));
                    self.word_ids.insert(slot, u64::from(w.hash), k);
                    k
                }
            };
            let e = &mut self.keys[k as usize];
            if e.tf == 0 {
                self.touched.push(k);
                // The title's tokens come first: the first is in the title if any is.
                e.tf = u32::from(w.in_title);
            }
            e.tf += 2;
        }
        for &k in &self.touched {
            let e = &mut self.keys[k as usize];
            if e.list.capacity() - e.list.len() < 10 {
                make_room(&mut e.list, 10, (k, false), self.piece, &mut self.spilled);
            }
            push_varint(&mut e.list, u64::from(doc - e.last_doc));
            push_varint(&mut e.list, u64::from(e.tf));
            e.docs += 1;
            e.last_doc = doc;
            e.tf = 0;
        }
        self.touched.clear();
    }

    /// Room in each key's postings for what it will hold once all `total` articles are read,
    /// guessed from what it holds after `done` (with an eighth to spare), for the keys with at
    /// least [`RESERVE_FROM`] bytes to go by.
    ///
    /// Without it a common key's postings grow by doubling, and every doubling of a large one
    /// is a new allocation that the system hands out as fresh pages, zeroed, with what was
    /// written copied over: at 10,000 articles that was about a fifth of the index's time on the
    /// first build of a process, which is every build (docs/search.md). A key that grows faster
    /// than guessed still doubles from there; one that grows slower leaves room it never
    /// touches, which costs address space, not memory.
    fn reserve(&mut self, done: usize, total: usize) {
        for e in &mut self.keys {
            for v in [&mut e.pos, &mut e.list] {
                if v.len() >= RESERVE_FROM {
                    let want = (v.len() as u64 * total as u64 / done as u64 * 9 / 8) as usize;
                    let want = want.min(self.piece);
                    if want > v.capacity() {
                        v.reserve_exact(want - v.len());
                    }
                }
            }
        }
    }

    /// The group's buckets, in order, each its keys sorted by their bytes. Each key's postings
    /// (its pieces) move into its bucket (not copied): they are copied once, into the shard file.
    fn encode(self, buckets: usize) -> Vec<Bucket> {
        let names: Vec<([u8; 8], usize)> = self
            .names
            .iter()
            .map(|n| match n {
                Name::Han(k) => han_key_bytes(*k),
                Name::Word(_) => ([0; 8], 0),
            })
            .collect();
        let name = |k: u32| -> &[u8] {
            match &self.names[k as usize] {
                Name::Han(_) => &names[k as usize].0[..names[k as usize].1],
                Name::Word(w) => w.as_bytes(),
            }
        };
        let mut per_bucket: Vec<Vec<u32>> = vec![Vec::new(); self.end - self.first];
        for k in 0..self.keys.len() as u32 {
            per_bucket[(fnv1a(name(k)) as usize & (buckets - 1)) - self.first].push(k);
        }
        let mut gathered: Vec<Option<Gathered>> = self.keys.into_iter().map(Some).collect();
        // The full pieces of each key that has any, in order: its positions', its list's.
        let mut pieces: Vec<(Pieces, Pieces)> = Vec::new();
        let mut pieces_of: Vec<u32> = vec![u32::MAX; gathered.len()];
        for (k, is_pos, bytes) in self.spilled {
            if pieces_of[k as usize] == u32::MAX {
                pieces_of[k as usize] = pieces.len() as u32;
                pieces.push(Default::default());
            }
            let (pos, list) = &mut pieces[pieces_of[k as usize] as usize];
            if is_pos { pos } else { list }.push(bytes);
        }
        let mut out = Vec::with_capacity(per_bucket.len());
        for mut keys in per_bucket {
            keys.sort_unstable_by(|&a, &b| name(a).cmp(name(b)));
            let mut bucket = Bucket {
                keys: keys.len(),
                header: Vec::with_capacity(keys.len() * 16),
                lists: Vec::with_capacity(keys.len()),
                positions: Vec::with_capacity(keys.len()),
                bytes: 0,
            };
            for &k in &keys {
                let e = gathered[k as usize].take().expect("a key is in one bucket");
                let (mut pos, mut list) = match pieces_of[k as usize] {
                    u32::MAX => Default::default(),
                    i => std::mem::take(&mut pieces[i as usize]),
                };
                pos.push(e.pos);
                list.push(e.list);
                let pos_len: usize = pos.iter().map(Vec::len).sum();
                let list_len: usize = list.iter().map(Vec::len).sum();
                let n = name(k);
                push_varint(&mut bucket.header, n.len() as u64);
                bucket.header.extend_from_slice(n);
                push_varint(&mut bucket.header, u64::from(e.docs));
                push_varint(&mut bucket.header, list_len as u64);
                push_varint(&mut bucket.header, pos_len as u64);
                bucket.bytes += list_len + pos_len;
                bucket.lists.extend(list);
                bucket.positions.extend(pos);
            }
            bucket.bytes += bucket.header.len();
            out.push(bucket);
        }
        out
    }
}

/// A bucket's keys, ready to go into a shard: their part of the shard's header, and their lists
/// and positions.
struct Bucket {
    keys: usize,
    header: Vec<u8>,
    /// The keys' lists and positions, each key's in one or more pieces, in order.
    lists: Pieces,
    positions: Pieces,
    /// Bytes in all.
    bytes: usize,
}

/// Cuts consecutive buckets, in order, into shards of at most [`SHARD_BYTES`] (a bucket bigger
/// than that is a shard by itself). Every bucket is in a shard, empty ones too, so that the
/// shards' bucket counts add up to every bucket. The shard being filled is carried from one pass
/// to the next, so the cut does not depend on how the buckets were split into passes.
#[derive(Default)]
struct Packer {
    current: Vec<Bucket>,
    bytes: usize,
}

impl Packer {
    /// Add the next bucket; the shard it closes, if it closes one.
    fn add(&mut self, b: Bucket) -> Option<Vec<Bucket>> {
        let full = self.bytes > 0 && self.bytes + b.bytes > SHARD_BYTES;
        let done = full.then(|| std::mem::take(&mut self.current));
        if full {
            self.bytes = 0;
        }
        self.bytes += b.bytes;
        self.current.push(b);
        done
    }

    /// The last shard.
    fn finish(self) -> Option<Vec<Bucket>> {
        (!self.current.is_empty()).then_some(self.current)
    }
}

/// [`Packer`] over every bucket at once.
#[cfg(test)]
fn pack(buckets: Vec<Bucket>) -> Vec<Vec<Bucket>> {
    let mut packer = Packer::default();
    let mut shards: Vec<Vec<Bucket>> = buckets.into_iter().filter_map(|b| packer.add(b)).collect();
    shards.extend(packer.finish());
    shards
}

/// A shard file: how many keys, their headers, then all their lists, then all their positions.
fn shard_file(buckets: Vec<Bucket>) -> (Vec<u8>, usize) {
    let keys: usize = buckets.iter().map(|b| b.keys).sum();
    let bytes: usize = buckets.iter().map(|b| b.bytes).sum();
    let mut out = Vec::with_capacity(bytes + 5);
    push_varint(&mut out, keys as u64);
    for b in &buckets {
        out.extend_from_slice(&b.header);
    }
    for b in &buckets {
        b.lists.iter().for_each(|l| out.extend_from_slice(l));
    }
    for b in &buckets {
        b.positions.iter().for_each(|p| out.extend_from_slice(p));
    }
    (out, keys)
}

/// Which articles have each Han character, gathered article by article in id order.
struct CharSets {
    /// The size of a bitmap of every article.
    bitmap_len: usize,
    /// Code point → slot + 1 (Han characters are all below 0x40000).
    slots: Vec<u32>,
    names: Vec<char>,
    sets: Vec<CharSet>,
}

/// One character's articles: a delta list until a bitmap (one bit per article, least significant
/// first) is smaller, then the bitmap; and a delta list of those with it in the title.
#[derive(Default)]
struct CharSet {
    count: u32,
    last: u32,
    bitmap: bool,
    body: Vec<u8>,
    last_title: u32,
    title: Vec<u8>,
}

impl CharSets {
    fn new(articles: usize) -> Self {
        CharSets {
            bitmap_len: articles.div_ceil(8),
            slots: vec![0; 0x40000],
            names: Vec::new(),
            sets: Vec::new(),
        }
    }

    /// Article `doc` has each of `chars` (and in its title where the flag says so).
    fn add(&mut self, doc: u32, chars: &[(char, bool)]) {
        for &(c, in_title) in chars {
            let (bitmap_len, set) = self.set(c);
            set.add(doc, bitmap_len);
            if in_title {
                set.add_title(doc);
            }
        }
    }

    /// A slice's characters of the common Han block, with their masks (see [`Slice::masks`]);
    /// the slice's articles start at `first`.
    fn add_slice(&mut self, first: u32, common: &[(u16, u64)]) {
        for &(i, mask) in common {
            let c = char::from_u32(HAN_FIRST + u32::from(i)).expect("the Han block");
            let (bitmap_len, set) = self.set(c);
            set.add_mask(first, mask as u32, bitmap_len);
            let mut title = (mask >> 32) as u32;
            while title != 0 {
                set.add_title(first + title.trailing_zeros());
                title &= title - 1;
            }
        }
    }

    /// The bitmap size, and `c`'s set (a new one if it has none yet).
    #[inline]
    fn set(&mut self, c: char) -> (usize, &mut CharSet) {
        let slot = match self.slots[c as usize] {
            0 => {
                self.names.push(c);
                self.sets.push(CharSet::default());
                self.slots[c as usize] = self.names.len() as u32;
                self.names.len() - 1
            }
            s => s as usize - 1,
        };
        (self.bitmap_len, &mut self.sets[slot])
    }

    /// The files of `c/`: per character its count, kind (0 list, 1 bitmap) and the sizes of its
    /// articles and title articles, then those bytes, in files of about [`SHARD_BYTES`].
    fn files(self) -> Vec<(String, Vec<u8>)> {
        let bytes: usize = self
            .sets
            .iter()
            .map(|s| s.body.len() + s.title.len() + 8)
            .sum();
        let char_shards = bytes
            .div_ceil(SHARD_BYTES)
            .next_power_of_two()
            .clamp(1, 256);
        let mut per_shard: Vec<Vec<usize>> = vec![Vec::new(); char_shards];
        for (slot, c) in self.names.iter().enumerate() {
            per_shard[bucket_of(c.encode_utf8(&mut [0; 4]), char_shards)].push(slot);
        }
        per_shard
            .into_par_iter()
            .enumerate()
            .map(|(shard, mut slots)| {
                slots.sort_unstable_by_key(|&s| self.names[s]);
                let mut out = Vec::new();
                push_varint(&mut out, slots.len() as u64);
                for &s in &slots {
                    let (c, set) = (self.names[s], &self.sets[s]);
                    push_varint(&mut out, c.len_utf8() as u64);
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    push_varint(&mut out, u64::from(set.count));
                    out.push(u8::from(set.bitmap));
                    push_varint(&mut out, set.body.len() as u64);
                    push_varint(&mut out, set.title.len() as u64);
                }
                for &s in &slots {
                    out.extend_from_slice(&self.sets[s].body);
                    out.extend_from_slice(&self.sets[s].title);
                }
                (format!("{DIR}/c/{shard:02x}.bin"), out)
            })
            .collect()
    }
}

impl CharSet {
    /// Article `doc`, after every one added so far.
    #[inline]
    fn add(&mut self, doc: u32, bitmap_len: usize) {
        if self.bitmap {
            self.body[doc as usize / 8] |= 1 << (doc % 8);
        } else {
            push_varint(&mut self.body, u64::from(doc - self.last));
            if self.body.len() > bitmap_len {
                self.make_bitmap(bitmap_len);
            }
        }
        self.count += 1;
        self.last = doc;
    }

    /// Articles `first + i` for each bit `i` of `mask`: as [`CharSet::add`] one by one, but a
    /// bitmap takes a whole byte-aligned mask at once.
    fn add_mask(&mut self, first: u32, mut mask: u32, bitmap_len: usize) {
        while mask != 0 {
            if self.bitmap && first.is_multiple_of(8) {
                let at = first as usize / 8;
                for (b, m) in self.body[at..].iter_mut().zip(mask.to_le_bytes()) {
                    *b |= m;
                }
                // (`last` only matters to a delta list.)
                self.count += mask.count_ones();
                return;
            }
            self.add(first + mask.trailing_zeros(), bitmap_len);
            mask &= mask - 1;
        }
    }

    /// Article `doc` has the character in its title.
    #[inline]
    fn add_title(&mut self, doc: u32) {
        push_varint(&mut self.title, u64::from(doc - self.last_title));
        self.last_title = doc;
    }

    /// Turn the delta list into the bitmap of `len` bytes.
    fn make_bitmap(&mut self, len: usize) {
        let mut bits = vec![0u8; len];
        let (mut at, mut doc) = (0, 0);
        while let Some(d) = read_varint(&self.body, &mut at) {
            doc += d as usize;
            bits[doc / 8] |= 1 << (doc % 8);
        }
        self.body = bits;
        self.bitmap = true;
    }
}

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
    write_with(site, sink, PASS_BYTES, CHUNK, PIECE)
}

/// [`write`] with passes of about `pass_bytes`, chunks of `chunk` articles and postings in pieces
/// of `piece` bytes.
fn write_with(
    site: &Site,
    sink: &dyn Sink,
    pass_bytes: usize,
    chunk: usize,
    piece: usize,
) -> io::Result<SearchStats> {
    let n = site.articles.len();
    let title_end = site
        .articles
        .par_iter()
        .map(|a| title_span(&a.title))
        .max()
        .unwrap_or(0)
        + 1;
    // Postings with positions come to about 0.72 times the text's UTF-8 bytes on the benchmark's
    // corpus (3.0 of 4.2 MB at 1,000 articles, 29.8 of 41.7 MB at 10,000); the number of buckets
    // is fixed from that before anything is counted, taking the bodies' HTML for their text
    // (a few per cent more there). The shards are then cut to size from the buckets as they come
    // out, so the guess only has to be in the right range.
    let html_bytes: usize = site
        .articles
        .iter()
        .map(|a| a.title.len() + a.html.len())
        .sum();
    let guess = html_bytes.saturating_mul(3) / 4;
    let buckets = bucket_count(guess);
    let mut stats = SearchStats {
        articles: n,
        buckets,
        ..SearchStats::default()
    };
    sink.prepare(&folders())?;
    let mut out = Writer {
        sink,
        hasher: blake3::Hasher::new(),
        files: 0,
    };
    let mut chars = CharSets::new(n);
    let mut char_files = Vec::new();
    // How many buckets each shard holds, for the manifest.
    let mut shard_buckets = Vec::new();
    let mut packer = Packer::default();
    let mut per_bucket = guess.div_ceil(buckets).max(1);
    let mut first = 0;
    while first < buckets {
        let count = (pass_bytes / per_bucket).clamp(1, buckets - first);
        let pass = Pass::new(buckets, first, count, title_end);
        let mut groups: Vec<Group> = (0..pass.groups())
            .map(|g| {
                let lo = first + g * pass.per_group;
                Group::new(lo, (lo + pass.per_group).min(first + count), piece)
            })
            .collect();
        // Refilled by every chunk of the pass, and freed before the pass's buckets are encoded.
        let mut slices: Vec<Slice> = (0..chunk.min(n).div_ceil(SLICE))
            .map(|_| Slice::default())
            .collect();
        // When a sixteenth of the articles has been read, and again a quarter, every key with
        // postings to go by gets room for what it will hold at the end (see `Group::reserve`).
        let mut checkpoint = (n / 16).max(1);
        for start in (0..n).step_by(chunk) {
            let end = (start + chunk).min(n);
            if start >= checkpoint {
                groups.par_iter_mut().for_each(|g| g.reserve(start, n));
                checkpoint = checkpoint.saturating_mul(4);
            }
            let slices = &mut slices[..(end - start).div_ceil(SLICE)];
            slices
                .par_iter_mut()
                .enumerate()
                .for_each_init(Scratch::new, |s, (i, slice)| {
                    let lo = start + i * SLICE;
                    slice.scan(site, lo..(lo + SLICE).min(end), &pass, s)
                });
            let slices = &*slices;
            rayon::join(
                || {
                    groups.par_iter_mut().enumerate().for_each(|(g, group)| {
                        for slice in slices {
                            for (doc, bigrams, words) in slice.docs(g) {
                                group.add(doc, bigrams, words, &slice.word_text, title_end);
                            }
                        }
                    })
                },
                || {
                    if pass.chars {
                        for slice in slices {
                            stats.text_bytes += slice.text_bytes;
                            chars.add_slice(slice.first, &slice.common);
                            for (doc, c) in slice.chars() {
                                chars.add(doc, c);
                            }
                        }
                    }
                },
            );
        }
        drop(slices);
        if pass.chars {
            char_files = std::mem::replace(&mut chars, CharSets::new(0)).files();
            stats.char_shards = char_files.len();
        }
        let encoded: Vec<Vec<Bucket>> = groups.into_par_iter().map(|g| g.encode(buckets)).collect();
        let mut shards: Vec<Vec<Bucket>> = encoded
            .into_iter()
            .flatten()
            .filter_map(|b| packer.add(b))
            .collect();
        first += count;
        if first == buckets {
            shards.extend(std::mem::take(&mut packer).finish());
        }
        shard_buckets.extend(shards.iter().map(Vec::len));
        let numbered: Vec<(usize, Vec<Bucket>)> = (stats.shards..).zip(shards).collect();
        let made = out.write_each(numbered, |(i, buckets)| {
            let (bytes, keys) = shard_file(buckets);
            (format!("{DIR}/s/{i:04x}.bin"), bytes, keys)
        })?;
        for (keys, len) in made {
            stats.keys += keys;
            stats.postings_bytes += len as u64;
            stats.shards += 1;
        }
        // Later passes go by the bytes per bucket so far.
        per_bucket = (stats.postings_bytes as usize).div_ceil(first).max(1);
    }
    stats.char_bytes = char_files.iter().map(|(_, b)| b.len() as u64).sum();
    out.write(char_files)?;

    // What results show, META_CHUNK articles a file.
    let metas = out.write_each((0..n.div_ceil(META_CHUNK)).collect(), |k| {
        let docs = k * META_CHUNK..((k + 1) * META_CHUNK).min(n);
        (format!("{DIR}/m/{k}.json"), meta_json(site, docs), ())
    })?;
    stats.meta_bytes = metas.iter().map(|&(_, len)| len as u64).sum();

    let mut filters = Vec::new();
    for (prefix, terms) in [("c", &site.counties), ("t", &site.topics)] {
        for (i, term) in terms.iter().enumerate() {
            let mut list = Vec::with_capacity(term.articles.len() * 2);
            let mut prev = 0;
            for &a in &term.articles {
                push_varint(&mut list, (a - prev) as u64);
                prev = a;
            }
            stats.other_bytes += list.len() as u64;
            filters.push((format!("{DIR}/f/{prefix}{i}.bin"), list));
        }
    }
    out.write(filters)?;

    // The version: a hash of everything else, so caches never mix two builds' files.
    let version = out.hasher.finalize().to_hex()[..10].to_string();
    let manifest = manifest_json(site, &stats, &shard_buckets, title_end, &version);
    stats.other_bytes += manifest.len() as u64;
    sink.write(&format!("{DIR}/index.json"), &manifest)?;
    stats.files = out.files + 1;
    Ok(stats)
}

/// A file in each folder of the index, for [`Sink::prepare`]: how many shards there will be is
/// only known once they are cut, and the folders are all it needs.
fn folders() -> Vec<String> {
    [
        "s/0000.bin",
        "c/00.bin",
        "m/0.json",
        "f/c0.bin",
        "index.json",
    ]
    .iter()
    .map(|p| format!("{DIR}/{p}"))
    .collect()
}

/// Hands files to the sink, hashing each: the version is a hash of those hashes, in the index's
/// fixed order.
struct Writer<'a> {
    sink: &'a dyn Sink,
    hasher: blake3::Hasher,
    files: usize,
}

impl Writer<'_> {
    fn write(&mut self, files: Vec<(String, Vec<u8>)>) -> io::Result<()> {
        self.write_each(files, |(path, bytes)| (path, bytes, ()))?;
        Ok(())
    }

    /// Make a file of each item, in parallel, and write it: each is made, hashed and handed to
    /// the sink by one task and freed at once, so a stage never holds all its files (at 100,000
    /// articles a pass's shards are 250 MB). Returns what `make` says of each, with the file's
    /// length, in the items' order; the files' hashes go into the version in that order too.
    fn write_each<T: Send, X: Send>(
        &mut self,
        items: Vec<T>,
        make: impl Fn(T) -> (String, Vec<u8>, X) + Sync,
    ) -> io::Result<Vec<(X, usize)>> {
        let sink = self.sink;
        let done: Vec<([u8; 32], X, usize)> = items
            .into_par_iter()
            .map(|item| {
                let (path, bytes, x) = make(item);
                let mut h = blake3::Hasher::new();
                h.update(path.as_bytes());
                h.update(&(bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
                sink.write(&path, &bytes)?;
                Ok((*h.finalize().as_bytes(), x, bytes.len()))
            })
            .collect::<io::Result<_>>()?;
        self.files += done.len();
        Ok(done
            .into_iter()
            .map(|(digest, x, len)| {
                self.hasher.update(&digest);
                (x, len)
            })
            .collect())
    }
}

/// Articles `docs` as results show them: an array of
/// `[title, url, date, date_zh, issue title, issue url, county, unit]`.
fn meta_json(site: &Site, docs: std::ops::Range<usize>) -> Vec<u8> {
    use crate::model::Output;
    let rows: Vec<_> = docs
        .map(|a| {
            let art = &site.articles[a];
            (
                &art.title,
                site.url(Output::Article(a)),
                art.date.iso(),
                art.date.chinese(),
                &site.issues[art.issue].title,
                site.url(Output::Issue(art.issue)),
                &site.counties[art.county].name,
                art.unit.as_deref().unwrap_or(""),
            )
        })
        .collect();
    serde_json::to_vec(&rows).expect("JSON of strings")
}

fn manifest_json(
    site: &Site,
    stats: &SearchStats,
    shard_buckets: &[usize],
    title_end: u32,
    version: &str,
) -> Vec<u8> {
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
        "buckets": stats.buckets,
        "shard_buckets": shard_buckets,
        "char_shards": stats.char_shards,
        "meta_chunk": META_CHUNK,
        "title_end": title_end,
        "counties": terms(&site.counties),
        "topics": terms(&site.topics),
        "years": years,
    });
    serde_json::to_vec(&v).expect("JSON of strings and numbers")
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

    /// Every file the index of the bundled sample writes, built in passes of `pass_bytes` and
    /// chunks of `chunk` articles.
    fn sample_index(pass_bytes: usize, chunk: usize, piece: usize) -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let prepared = crate::build::prepare(&crate::build::BuildOptions::new(root))
            .unwrap_or_else(|_| panic!("the sample prepares"));
        let sink = crate::output::MemorySink::default();
        write_with(&prepared.site, &sink, pass_bytes, chunk, piece).unwrap();
        let files = sink.files.read().unwrap();
        let mut out: Vec<(String, Vec<u8>)> =
            files.iter().map(|(p, b)| (p.clone(), b.to_vec())).collect();
        out.sort();
        out
    }

    #[test]
    fn the_bytes_do_not_depend_on_passes_or_chunks() {
        let one_pass = sample_index(PASS_BYTES, CHUNK, PIECE);
        assert!(one_pass.iter().any(|(p, _)| p == "search/index.json"));
        // A pass per shard and an article per chunk: many passes, each reading every article.
        assert_eq!(sample_index(1, 1, PIECE), one_pass);
        assert_eq!(sample_index(4096, 2, PIECE), one_pass);
        // Postings in pieces of 16 bytes: every key of more than a few occurrences in several.
        assert_eq!(sample_index(PASS_BYTES, CHUNK, 16), one_pass);
        assert_eq!(sample_index(4096, 1, 16), one_pass);
    }

    #[test]
    fn character_sets_from_slice_masks_are_those_from_each_article() {
        // 200 articles; character i is in article d when (d * 7 + i * 13) % (i + 2) == 0, in
        // its title when also d % 3 == 0: some characters in nearly every article (bitmaps),
        // some rare (lists), some turning into a bitmap part-way through a slice.
        let (n, chars) = (200u32, 40u32);
        let has = |d: u32, i: u32| (d * 7 + i * 13).is_multiple_of(i + 2);
        let in_title = |d: u32, i: u32| has(d, i) && d.is_multiple_of(3);
        let c = |i: u32| char::from_u32(HAN_FIRST + i * 97).unwrap();
        let mut by_article = CharSets::new(n as usize);
        for d in 0..n {
            let list: Vec<(char, bool)> = (0..chars)
                .filter(|&i| has(d, i))
                .map(|i| (c(i), in_title(d, i)))
                .collect();
            by_article.add(d, &list);
        }
        let expected = by_article.files();
        assert!(!expected.is_empty());
        // Slices of 32 from 0 (whole bytes of a bitmap), then of 5 from 3 (never aligned).
        for (start, len) in [(0u32, 32u32), (3, 5)] {
            let mut by_slice = CharSets::new(n as usize);
            if start > 0 {
                by_slice.add_slice(0, &masks(0..start, chars, has, in_title, c));
            }
            let mut first = start;
            while first < n {
                let end = (first + len).min(n);
                by_slice.add_slice(first, &masks(first..end, chars, has, in_title, c));
                first = end;
            }
            assert_eq!(by_slice.files(), expected);
        }
    }

    /// What [`Slice::scan`] leaves in [`Slice::common`] for articles `docs`.
    fn masks(
        docs: std::ops::Range<u32>,
        chars: u32,
        has: impl Fn(u32, u32) -> bool,
        in_title: impl Fn(u32, u32) -> bool,
        c: impl Fn(u32) -> char,
    ) -> Vec<(u16, u64)> {
        (0..chars)
            .map(|i| {
                let mut m = 0u64;
                for d in docs.clone() {
                    let bit = 1u64 << (d - docs.start);
                    m |= if has(d, i) { bit } else { 0 };
                    m |= if in_title(d, i) { bit << 32 } else { 0 };
                }
                ((c(i) as u32 - HAN_FIRST) as u16, m)
            })
            .filter(|&(_, m)| m != 0)
            .collect()
    }

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
        assert_eq!(bucket_of("a", 1), 0);
        assert_eq!(bucket_of("a", 64), 0x2c);
    }

    #[test]
    fn a_key_is_in_the_shard_whose_run_of_buckets_has_its_bucket() {
        // fnv1a("a") is 0xe40c292c: bucket 0x2c = 44 of 64.
        assert_eq!(shard_of("a", 64, &[64]), 0);
        assert_eq!(shard_of("a", 64, &[44, 20]), 1);
        assert_eq!(shard_of("a", 64, &[45, 19]), 0);
        assert_eq!(shard_of("a", 64, &[10, 30, 4, 1, 19]), 3);
    }

    #[test]
    fn the_shard_hash_of_a_han_character_is_that_of_its_utf8() {
        for c in ['〇', '㐀', '农', '鿿', '豈', '𠀀', '𰀀'] {
            assert!(is_han(c));
            for h in [FNV_BASIS, 0, 0xdead_beef] {
                assert_eq!(fnv_han(h, c), fnv_char(h, c), "{c}");
            }
        }
    }

    #[test]
    fn classes_are_those_of_folding() {
        for u in (0..0x11_0000)
            .step_by(7)
            .chain(0x2000..0x3100)
            .chain(0xff00..0x1_0000)
        {
            if let Some(c) = char::from_u32(u) {
                assert!(classify(c, tables()) == classify_slow(c), "U+{u:04X}");
            }
        }
    }

    #[test]
    fn characters_are_decoded_as_by_the_standard_library() {
        let text =
            "a农\u{7f}\u{80}é\u{7ff}\u{800}〇\u{d7ff}\u{e000}，\u{ffff}\u{10000}𠀀\u{10ffff}";
        let (mut i, mut got) = (0, Vec::new());
        while i < text.len() {
            let (c, len) = char_at(text, i);
            got.push(c);
            i += len;
        }
        assert_eq!(got, text.chars().collect::<Vec<_>>());
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

    /// The keys of an HTML fragment, as [`keys_of`] gives those of a text, with the position
    /// after it and its bytes of text.
    fn html_keys(html: &str) -> (Vec<String>, u32, usize) {
        let mut out = Vec::new();
        let (pos, bytes) =
            Tokens::default().feed_html(html, 0, &mut |ev: Event<'_>| push_key(&mut out, ev));
        (out, pos, bytes)
    }

    #[test]
    fn the_text_of_html_is_read_as_the_same_text_would_be() {
        let text_pos = |text: &str| Tokens::default().feed(text, 0, &mut |_: Event<'_>| {});
        for (html, text) in [
            // Inline elements join, blocks break; link addresses are not text.
            (
                "<p>学<strong>前</strong>教育</p><p>推进<a href=\"/x?gdp=1&amp;b=2\">农民工</a></p>",
                "学前教育\n推进农民工",
            ),
            // Table cells, line breaks and list items break.
            (
                "<table><tr><td>于都</td><td>兴国</td></tr></table>学前<br />教育<ul><li>一</li><li>二</li></ul>",
                "于都 兴国\n学前\n教育\n一\n二",
            ),
            // References are decoded; unknown names (punctuation) break.
            (
                "<p>A&amp;B &#20892;&#x6C11;工 &lt;5G&gt; 工作&hellip;学习 a & b < c</p>",
                "A&B 农民工 <5G> 工作…学习 a & b < c",
            ),
            // An image is its alt text; comments, scripts and styles are nothing.
            (
                "<p>见<img src=\"a.png\" alt=\"于都&quot;脐橙&quot;\" title=\"图片\" />图</p>",
                "见于都\"脐橙\"图",
            ),
            (
                "正<!-- 注释 -->文<script>var 农民 = \"</p>\";</SCRIPT><style>p{}</style>末尾",
                "正文\n末尾",
            ),
            (
                "<pre><code class=\"language-text\">5G基站\n加装电梯\n</code></pre>",
                "\n5G基站\n加装电梯\n",
            ),
        ] {
            let (keys, pos, _) = html_keys(html);
            assert_eq!(keys, keys_of(text), "{html}");
            assert_eq!(pos, text_pos(text), "{html}");
        }
        // Broken markup (raw HTML a site trusts can be anything) never panics: every prefix of
        // tags, attributes and references cut anywhere, and references to no character.
        let nasty = "<p a='学' b=\"x\" c=d/><!-- 注 --><script>学</script><img alt=学&amp;&#x5B66;&#55296;&#99999999;<\\/ &";
        for (i, _) in nasty.char_indices() {
            html_keys(&nasty[..i]);
            html_keys(&nasty[i..]);
        }
        assert_eq!(html_keys("&#55296;学&#x110000;习&#;").0, ["学", "习"]);
        assert!(is_inline("STRONG") && is_inline("a") && is_inline("wbr"));
        assert!(!is_inline("p") && !is_inline("strongest") && !is_inline("") && !is_inline("br"));
        // The bytes of text: everything but markup, references counted as what they stand for.
        assert_eq!(html_keys("<p>学<b>前</b>&amp;</p>").2, "学前&".len());
    }

    #[test]
    fn runs_are_separated_by_a_gap_in_positions() {
        let mut seen = Vec::new();
        Tokens::default().feed("学前，教育", 0, &mut |ev: Event<'_>| {
            if let Event::Han { c, pos, .. } = ev {
                seen.push((c, pos));
            }
        });
        assert_eq!(seen, [('学', 0), ('前', 1), ('教', 3), ('育', 4)]);
        assert_eq!(title_span("学前，教育"), 6);
        assert_eq!(title_span("GDP"), 0);
    }

    #[test]
    fn bucket_counts_are_powers_of_two_within_bounds() {
        assert_eq!(bucket_count(0), 1);
        assert_eq!(bucket_count(100), 1);
        assert_eq!(bucket_count(BUCKET_BYTES * 3), 4);
        assert_eq!(bucket_count(usize::MAX / 2), MAX_BUCKETS);
    }

    #[test]
    fn buckets_are_cut_into_shards_in_order_and_to_size() {
        let bucket = |bytes: usize| Bucket {
            keys: 1,
            header: vec![bytes as u8],
            lists: vec![vec![0; bytes - 1]],
            positions: vec![],
            bytes,
        };
        let k = 1024;
        let sizes = [
            10 * k,
            10 * k,
            10 * k,
            5 * k,
            40 * k,
            1,
            3 * k,
            30 * k,
            2 * k,
        ];
        let shards = pack(sizes.iter().map(|&b| bucket(b)).collect());
        let runs: Vec<Vec<usize>> = shards
            .iter()
            .map(|s| s.iter().map(|b| b.bytes).collect())
            .collect();
        // Filled up to SHARD_BYTES; a bigger bucket alone; nothing reordered or left out.
        assert_eq!(
            runs,
            [
                vec![10 * k, 10 * k, 10 * k],
                vec![5 * k],
                vec![40 * k],
                vec![1, 3 * k],
                vec![30 * k, 2 * k],
            ]
        );
        let (file, keys) = shard_file(shards.into_iter().next().unwrap());
        assert_eq!(keys, 3);
        assert_eq!(file.len(), 1 + 30 * k);
        assert_eq!(file[..4], [3, 0, 0, 0]);
    }
}
