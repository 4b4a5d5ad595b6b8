//! A reader of the index's shards: the reference that the tests (and tools) read the bytes back
//! with. The build does not use it; the browser has its own reader in `search.js`.

use super::codec::read_varint;

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
