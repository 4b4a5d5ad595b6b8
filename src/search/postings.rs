//! A group's keys and their postings, encoded into the bytes of the shard file as each article
//! is added ([`Group`]), held in pieces rather than growing vectors ([`PIECE`]); then the buckets
//! cut into shards of about [`super::SHARD_BYTES`] ([`Packer`]) and written out ([`shard_file`]).

use super::codec::{fnv1a, han_key_bytes, push_varint};
use super::gather::WordAt;
use super::tokens::MAX_POS;
use super::{RESERVE_FROM, SHARD_BYTES};

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
pub(super) struct Group {
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
pub(super) const PIECE: usize = 16 * 1024;

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
    pub(super) fn new(first: usize, end: usize, piece: usize) -> Self {
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
    pub(super) fn add(
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
    pub(super) fn reserve(&mut self, done: usize, total: usize) {
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
    pub(super) fn encode(self, buckets: usize) -> Vec<Bucket> {
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
pub(super) struct Bucket {
    keys: usize,
    header: Vec<u8>,
    /// The keys' lists and positions, each key's in one or more pieces, in order.
    lists: Pieces,
    positions: Pieces,
    /// Bytes in all.
    bytes: usize,
}

/// Cuts consecutive buckets, in order, into shards of at most `limit` bytes ([`SHARD_BYTES`] in
/// the base segment; a bucket bigger than that is a shard by itself). Every bucket is in a shard, empty ones too, so that the
/// shards' bucket counts add up to every bucket. The shard being filled is carried from one pass
/// to the next, so the cut does not depend on how the buckets were split into passes.
pub(super) struct Packer {
    current: Vec<Bucket>,
    bytes: usize,
    limit: usize,
}

impl Default for Packer {
    fn default() -> Self {
        Packer::new(SHARD_BYTES)
    }
}

impl Packer {
    pub(super) fn new(limit: usize) -> Self {
        Packer {
            current: Vec::new(),
            bytes: 0,
            limit,
        }
    }

    /// Add the next bucket; the shard it closes, if it closes one.
    pub(super) fn add(&mut self, b: Bucket) -> Option<Vec<Bucket>> {
        let full = self.bytes > 0 && self.bytes + b.bytes > self.limit;
        let done = full.then(|| std::mem::take(&mut self.current));
        if full {
            self.bytes = 0;
        }
        self.bytes += b.bytes;
        self.current.push(b);
        done
    }

    /// The last shard.
    pub(super) fn finish(self) -> Option<Vec<Bucket>> {
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
pub(super) fn shard_file(buckets: Vec<Bucket>) -> (Vec<u8>, usize) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
