//! The single characters, for one-character queries (the files of `c/`): per Han character the
//! articles that have it, as a delta list or a bitmap where that is smaller, and those that have
//! it in the title.

use rayon::prelude::*;

#[cfg(doc)]
use super::SHARD_BYTES;
use super::chars::HAN_FIRST;
use super::codec::{bucket_of, push_varint, read_varint};

/// Which articles have each Han character, gathered article by article in id order.
pub(super) struct CharSets {
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
    pub(super) fn new(articles: usize) -> Self {
        CharSets {
            bitmap_len: articles.div_ceil(8),
            slots: vec![0; 0x40000],
            names: Vec::new(),
            sets: Vec::new(),
        }
    }

    /// Article `doc` has each of `chars` (and in its title where the flag says so).
    pub(super) fn add(&mut self, doc: u32, chars: &[(char, bool)]) {
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
    pub(super) fn add_slice(&mut self, first: u32, common: &[(u16, u64)]) {
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
    /// articles and title articles, then those bytes, in files of about `shard_bytes`
    /// ([`SHARD_BYTES`] in the base), named under the segment's folder `dir`.
    pub(super) fn files(self, dir: &str, shard_bytes: usize) -> Vec<(String, Vec<u8>)> {
        let bytes: usize = self
            .sets
            .iter()
            .map(|s| s.body.len() + s.title.len() + 8)
            .sum();
        let char_shards = bytes
            .div_ceil(shard_bytes)
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
                (format!("{dir}/c/{shard:02x}.bin"), out)
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let expected = by_article.files("search/0", 32 * 1024);
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
            assert_eq!(by_slice.files("search/0", 32 * 1024), expected);
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
}
