//! How the index is built, and the first half of a pass: tokenising slices of articles into
//! buffers laid out by bucket group ([`Slice`]), which [`super::postings`] then reads.
//!
//! The postings of a large archive are several times the size of its text while they are being
//! gathered, so they are never all held at once. They are built in **passes**, each over a range of
//! buckets whose postings come to about [`super::PASS_BYTES`] (the first pass guesses from the size
//! of the text, later ones from the bytes per bucket so far). A pass reads every article, in id
//! order, in chunks of [`super::CHUNK`], each cut into slices of [`super::SLICE`] consecutive
//! articles; an article's body is read from its rendered HTML
//! ([`super::tokens::Tokens::feed_html`]), so no plain-text copy of it is kept. The slices are
//! tokenised in parallel, a task each, into the occurrences of the pass's keys, **laid out by
//! bucket group**: per group, the bigrams of the slice's articles one after another (see
//! [`Slice`]). Then every bucket group (a task each) reads its own buffers, slice after slice, and
//! appends the chunk's occurrences of its keys, article by article, to each key's postings,
//! **already in the bytes of the shard file** (the article delta and count go to the key's list,
//! the position deltas to its positions), held in pieces of at most [`super::postings::PIECE`]
//! bytes rather than vectors that grow by reallocating (fresh memory is what costs: see
//! [`super::postings::PIECE`]). Only the chunk's occurrences are ever held besides the encoded
//! postings. At the end of the pass each bucket is its keys sorted, the buckets are cut into shards
//! ([`super::postings::Packer`]), and each shard is a header, the lists and the positions copied
//! one after another; it is written and its memory freed before the next pass. The single
//! characters are gathered on the first pass, as one bit per article and character in each slice's
//! table ([`Slice::masks`]), then per character as a delta list that becomes a bitmap once that is
//! smaller ([`super::charsets::CharSets`]).
//!
//! What makes it fast is mostly what it does not do per character. The tokeniser decodes the
//! three-byte UTF-8 of the common Han block itself and classes it with one comparison; ASCII and
//! CJK punctuation are classed from tables ([`super::chars::classify`]); a bigram's bucket
//! continues the FNV hash of its first character, which is looked up
//! ([`super::chars::Tables::alone`]), and the bucket's group is a table too ([`Pass::group_of`]). A
//! group finds a key's postings in a small open-addressing table ([`super::postings::Slots`]) that
//! stays in cache, because each group task only ever sees its own keys and reads its occurrences
//! from contiguous buffers. The buffers of the slices are refilled from chunk to chunk rather than
//! allocated per article.

use super::chars::{HAN_END, HAN_FIRST, fnv_han_alone, tables};
use super::codec::{fnv_han, fnv1a};
use super::segments::Segment;
use super::tokens::{Emit, MAX_POS, TokenEvent, Tokens};
use super::{GROUPS, SLICE};

/// The buckets one pass builds, `first..first + count`, split into groups of `per_group`.
pub(super) struct Pass {
    buckets: usize,
    count: usize,
    pub(super) per_group: usize,
    title_end: u32,
    /// Whether this pass also gathers the single characters (the first one does).
    pub(super) chars: bool,
    /// Bucket → its group in this pass, or [`NO_GROUP`]: a table, so that finding a bigram's
    /// group costs a load rather than a division.
    group_of: Vec<u8>,
}

/// In [`Pass::group_of`]: a bucket that this pass does not build.
const NO_GROUP: u8 = u8::MAX;
const _: () = assert!(GROUPS < NO_GROUP as usize);

impl Pass {
    pub(super) fn new(buckets: usize, first: usize, count: usize, title_end: u32) -> Self {
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

    pub(super) fn groups(&self) -> usize {
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
pub(super) struct Slice {
    /// The first article's id, and how many articles.
    pub(super) first: u32,
    len: u32,
    /// Per group: its bigrams as first character (18 bits), second (18), position (28), each
    /// article's in text order; and where each article's end.
    bigrams: Vec<Vec<u64>>,
    bigram_ends: Vec<Vec<u32>>,
    /// Per group: its tokens, and where each article's end. Their text is in `word_text`.
    words: Vec<Vec<WordAt>>,
    word_ends: Vec<Vec<u32>>,
    pub(super) word_text: String,
    /// Bytes of the articles' searched text (titles and bodies), for [`SearchStats::text_bytes`].
    pub(super) text_bytes: u64,
    /// On the first pass, the characters of the common Han block ([`HAN_FIRST`]..[`HAN_END`]):
    /// per character, one bit per article of the slice that has it (the low 32 bits) and one
    /// per article with it in the title (the high 32). Setting a bit needs no test of whether
    /// the article had the character already (a branch per character that the processor
    /// could not predict) and no list of the characters seen: the table is read through once
    /// the slice is, and is all zero again between slices.
    masks: Vec<u64>,
    /// Once the slice is read: the common block's characters it has (offset from
    /// [`HAN_FIRST`]) and their masks.
    pub(super) common: Vec<(u16, u64)>,
    /// On the first pass, the other Han characters (rare: extensions, compatibility forms, 〇),
    /// each article's each once, with whether in the title; and where each article's end.
    pub(super) chars: Vec<(char, bool)>,
    char_ends: Vec<u32>,
}

/// The characters of the common Han block.
const HAN_COMMON: usize = (HAN_END - HAN_FIRST) as usize;
const _: () = assert!(HAN_COMMON <= u16::MAX as usize);
// An article's bit in a slice's masks.
const _: () = assert!(SLICE <= 32);

#[derive(Clone, Copy)]
pub(super) struct WordAt {
    /// Range in `Slice::word_text`.
    pub(super) text: (u32, u32),
    /// [`fnv1a`] of the token: its bucket, and its hash in [`Slots`].
    pub(super) hash: u32,
    pub(super) in_title: bool,
}

/// A tokenising task's scratch space, reused from article to article: one bit per code point,
/// the characters of the article seen so far.
pub(super) struct Scratch {
    seen: Vec<u64>,
}

impl Scratch {
    pub(super) fn new() -> Self {
        Scratch {
            seen: vec![0; 0x40000 / 64],
        }
    }
}

impl Slice {
    /// Tokenise articles `docs` for `pass`, replacing what the slice held.
    pub(super) fn scan(
        &mut self,
        seg: &Segment<'_>,
        docs: std::ops::Range<usize>,
        pass: &Pass,
        s: &mut Scratch,
    ) {
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
            scan(seg, a, pass, s, self);
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
    pub(super) fn docs(&self, g: usize) -> impl Iterator<Item = (u32, &[u64], &[WordAt])> {
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
    pub(super) fn chars(&self) -> impl Iterator<Item = (u32, &[(char, bool)])> {
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

/// Tokenise article `a` of the segment for `pass`, appending to `out`: its title from position 0, then its unit,
/// county, topics, year, issue title and the text of its body from `title_end`, each ending in a
/// line break. The body's text is read from its HTML ([`Tokens::feed_html`]): no plain-text copy
/// is kept.
fn scan(seg: &Segment<'_>, a: usize, pass: &Pass, s: &mut Scratch, out: &mut Slice) {
    let (site, art) = (seg.site, seg.article(a));
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
    pub(super) in_title: bool,
    /// What a character of the common Han block sets in its [`Slice::masks`] entry: the
    /// article's bit, and while the title is read its title bit.
    bits: u64,
}

impl Emit for Scanner<'_> {
    #[inline(always)]
    fn emit(&mut self, ev: TokenEvent<'_>) {
        let out = &mut *self.out;
        match ev {
            TokenEvent::Han { c, prev, pos } => {
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
            TokenEvent::RunEnd { .. } => {}
            TokenEvent::Word { word } => {
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
