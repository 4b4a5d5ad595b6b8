//! The bytes of the index that `search.js` reads: the [`FORMAT`] number, the 32-bit FNV-1a hash
//! that puts a key in a bucket ([`fnv1a`], [`bucket_of`]), the shard that holds a bucket
//! ([`shard_of`]), LEB128 varints, and how a bigram key is spelt in a shard.
//!
//! **Mirrored in `search.js`** (`FORMAT`, `fnv1a`, `shardName`, `varint`): change
//! both, and bump [`FORMAT`]. `tests/js/search.test.js` pins the same values as the tests below.
//!
//! Hand-written rather than the `fnv` crate: the tokeniser continues a 32-bit hash over a
//! prefix (a bigram's bucket from its first character's hash), which that crate's 64-bit
//! `Hasher` does not offer.

/// Bumped when the files change shape; `search.js` refuses a manifest it does not know.
pub const FORMAT: u32 = 3;

/// 32-bit FNV-1a of the key's UTF-8 bytes: which shard a key lives in.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    fnv_more(FNV_BASIS, bytes)
}

pub(super) const FNV_BASIS: u32 = 0x811c_9dc5;

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
pub(super) fn fnv_han(h: u32, c: char) -> u32 {
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

#[inline(always)]
pub(super) fn push_varint(out: &mut Vec<u8>, mut v: u64) {
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

/// A bigram key, its first character above its second (18 bits each), as UTF-8: (bytes, length).
pub(super) fn han_key_bytes(k: u64) -> ([u8; 8], usize) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cjk::is_han;

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
        // The same cases are asserted in tests/js/search.test.js.
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
    fn varints_are_leb128_and_round_trip() {
        // The same bytes are read in tests/js/search.test.js.
        let cases: [(u64, &[u8]); 8] = [
            (0, &[0x00]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (300, &[0xac, 0x02]),
            (16_383, &[0xff, 0x7f]),
            (16_384, &[0x80, 0x80, 0x01]),
            (u64::from(u32::MAX), &[0xff, 0xff, 0xff, 0xff, 0x0f]),
        ];
        let mut buf = Vec::new();
        for (v, bytes) in cases {
            let mut one = Vec::new();
            push_varint(&mut one, v);
            assert_eq!(one, bytes, "{v}");
            buf.extend_from_slice(&one);
        }
        let mut at = 0;
        for (v, _) in cases {
            assert_eq!(read_varint(&buf, &mut at), Some(v));
        }
        assert_eq!(at, buf.len());
        assert_eq!(read_varint(&[0x80], &mut 0), None);
    }

    #[test]
    fn the_format_is_the_one_search_js_reads() {
        // tests/js/search.test.js asserts the same number.
        assert_eq!(FORMAT, 3);
        let js = include_str!("../../themes/default/static/search.js");
        assert!(js.contains(&format!("const FORMAT = {FORMAT};")));
    }
}
