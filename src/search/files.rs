//! The index's files, in order: each segment's (the passes over its buckets, each a gathering
//! over its articles and the shards it makes, then its single characters and what its results
//! show, `m/`), then the filters (`f/`) and the manifest, whose version is a hash of every other
//! file. Each segment has a version of its own, a hash of its files, so that a browser keeps
//! what it cached of the base while the recent segment changes.

use std::io;

use rayon::prelude::*;

use super::charsets::CharSets;
use super::codec::{FORMAT, fnv1a, push_varint};
use super::gather::{Pass, Scratch, Slice};
use super::postings::{Bucket, Group, Packer, shard_file};
use super::segments::{RECENT_SHARD_BYTES, Segment, plan, site_index};
use super::tokens::title_span;
use super::{DIR, META_CHUNK, SHARD_BYTES, SLICE, SearchStats, UNIT_BUCKETS, bucket_count};
use crate::model::Site;
use crate::write::Sink;

/// The whole index of `site`: its segments ([`plan`] with `recent_max`), each built in passes of
/// about `pass_bytes` of postings, `chunk` articles at a time, postings held in pieces of `piece`
/// bytes; then the filters and the manifest.
pub(super) fn write_with(
    site: &Site,
    sink: &dyn Sink,
    pass_bytes: usize,
    chunk: usize,
    piece: usize,
    recent_max: usize,
) -> io::Result<SearchStats> {
    let n = site.articles.len();
    let mut stats = SearchStats {
        articles: n,
        ..SearchStats::default()
    };
    sink.prepare(&folders())?;
    let mut segments = Vec::new();
    let mut version = blake3::Hasher::new();
    for (number, ids) in plan(n, recent_max).into_iter().enumerate() {
        if ids.is_empty() {
            continue;
        }
        let seg = Segment::new(site, ids, number, number == 0);
        let (json, v) = write_segment(&seg, sink, pass_bytes, chunk, piece, &mut stats)?;
        version.update(v.as_bytes());
        segments.push(json);
    }
    let mut out = Writer {
        sink,
        hasher: version,
        files: 0,
    };
    stats.other_bytes += out.write(filters(site))?;
    // The version: a hash of everything else, so caches never mix two builds' files.
    let version = out.hasher.finalize().to_hex()[..10].to_string();
    let manifest = manifest_json(site, &segments, &version);
    stats.other_bytes += manifest.len() as u64;
    sink.write(&format!("{DIR}/index.json"), &manifest)?;
    stats.files += out.files + 1;
    Ok(stats)
}

/// One segment's files, under `search/NUMBER/`: its shards, single characters and what its
/// results show, all numbered within the segment. Returns its entry in the manifest and its
/// version, and adds its figures to `stats`.
fn write_segment(
    seg: &Segment<'_>,
    sink: &dyn Sink,
    pass_bytes: usize,
    chunk: usize,
    piece: usize,
    stats: &mut SearchStats,
) -> io::Result<(serde_json::Value, String)> {
    let n = seg.len;
    let dir = format!("{DIR}/{}", seg.number);
    let shard_bytes = if seg.base {
        SHARD_BYTES
    } else {
        RECENT_SHARD_BYTES
    };
    let title_end = (0..n)
        .into_par_iter()
        .map(|a| title_span(&seg.article(a).title))
        .max()
        .unwrap_or(0)
        + 1;
    // Postings with positions come to about 0.72 times the text's UTF-8 bytes on the benchmark's
    // corpus (3.0 of 4.2 MB at 1,000 articles, 29.8 of 41.7 MB at 10,000); the number of buckets
    // is fixed from that before anything is counted, taking the bodies' HTML for their text
    // (a few per cent more there). The shards are then cut to size from the buckets as they come
    // out, so the guess only has to be in the right range. Smaller shards get finer buckets.
    let html_bytes: usize = seg.articles().map(|a| a.title.len() + a.html.len()).sum();
    let guess = html_bytes.saturating_mul(3) / 4;
    let buckets = bucket_count(guess.saturating_mul(SHARD_BYTES / shard_bytes));
    let mut out = Writer {
        sink,
        hasher: blake3::Hasher::new(),
        files: 0,
    };
    let mut chars = CharSets::new(n);
    let mut char_files = Vec::new();
    let (mut shards_made, mut postings_bytes) = (0usize, 0u64);
    // How many buckets each shard holds, for the manifest.
    let mut shard_buckets = Vec::new();
    let mut packer = Packer::new(shard_bytes);
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
                    slice.scan(seg, lo..(lo + SLICE).min(end), &pass, s)
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
            char_files = std::mem::replace(&mut chars, CharSets::new(0)).files(&dir, shard_bytes);
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
        let numbered: Vec<(usize, Vec<Bucket>)> = (shards_made..).zip(shards).collect();
        let made = out.write_each(numbered, |(i, buckets)| {
            let (bytes, keys) = shard_file(buckets);
            (format!("{dir}/s/{i:04x}.bin"), bytes, keys)
        })?;
        for (keys, len) in made {
            stats.keys += keys;
            postings_bytes += len as u64;
            shards_made += 1;
        }
        // Later passes go by the bytes per bucket so far.
        per_bucket = (postings_bytes as usize).div_ceil(first).max(1);
    }
    stats.postings_bytes += postings_bytes;
    stats.shards += shards_made;
    stats.buckets += buckets;
    let char_shards = char_files.len();
    stats.char_shards += char_shards;
    stats.char_bytes += char_files.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
    out.write(char_files)?;

    // What results show, META_CHUNK articles a file.
    let metas = out.write_each((0..n.div_ceil(META_CHUNK)).collect(), |k| {
        let docs = k * META_CHUNK..((k + 1) * META_CHUNK).min(n);
        (format!("{dir}/m/{k}.json"), meta_json(seg, docs), ())
    })?;
    stats.meta_bytes += metas.iter().map(|&(_, len)| len as u64).sum::<u64>();
    stats.files += out.files;
    let version = out.hasher.finalize().to_hex()[..10].to_string();
    let json = serde_json::json!({
        "dir": seg.number.to_string(),
        "first": seg.first,
        "articles": n,
        "version": version,
        "buckets": buckets,
        "shard_buckets": shard_buckets,
        "char_shards": char_shards,
        "title_end": title_end,
    });
    Ok((json, version))
}

/// The filters' files: the articles of each county and topic (`f/c/SLUG.bin`, `f/t/SLUG.bin`,
/// delta-coded numbers) and of each unit (`f/u/XX.json`, the units whose name hashes to `XX`,
/// each name with its delta-coded numbers), and the months (`f/months.json`). A new article
/// changes the files of its county, topics and unit, and the months.
fn filters(site: &Site) -> Vec<(String, Vec<u8>)> {
    let n = site.articles.len();
    let ids = |articles: &[usize]| -> Vec<usize> {
        // Site indices are newest first: reversed, the numbers ascend.
        articles.iter().rev().map(|&a| site_index(n, a)).collect()
    };
    let mut files = Vec::new();
    for (prefix, terms) in [("c", &site.counties), ("t", &site.topics)] {
        for term in terms.iter() {
            let mut list = Vec::with_capacity(term.articles.len() * 2);
            let mut prev = 0;
            for a in ids(&term.articles) {
                push_varint(&mut list, (a - prev) as u64);
                prev = a;
            }
            files.push((format!("{DIR}/f/{prefix}/{}.bin", term.slug), list));
        }
    }
    let mut buckets: Vec<serde_json::Map<String, serde_json::Value>> =
        vec![serde_json::Map::new(); UNIT_BUCKETS];
    for (name, docs) in units(site) {
        let mut prev = 0;
        let deltas: Vec<usize> = docs
            .iter()
            .map(|&a| {
                let d = a - prev;
                prev = a;
                d
            })
            .collect();
        buckets[unit_bucket(name)].insert(name.to_string(), deltas.into());
    }
    // Every file, empty ones too: a unit no article names is looked up in a file that is there.
    for (i, b) in buckets.into_iter().enumerate() {
        let bytes = serde_json::to_vec(&b).expect("JSON of strings and numbers");
        files.push((format!("{DIR}/f/u/{i:02x}.json"), bytes));
    }
    // `2021-03`: what `?month=` says; a year or a quarter is the union of its months (search.js).
    let months: Vec<serde_json::Value> = runs_by(site, |d| (d.year, d.month))
        .into_iter()
        .map(|((y, m), count, ranges)| {
            serde_json::json!({"month": format!("{y:04}-{m:02}"), "count": count, "ranges": ranges})
        })
        .collect();
    let months = serde_json::to_vec(&months).expect("JSON of strings and numbers");
    files.push((format!("{DIR}/f/months.json"), months));
    files
}

/// The file of `f/u/` that holds a unit's articles. What `search.js` does.
pub(super) fn unit_bucket(name: &str) -> usize {
    fnv1a(name.as_bytes()) as usize % UNIT_BUCKETS
}

/// A file in each folder of the index, for [`Sink::prepare`]: how many shards there will be is
/// only known once they are cut, and the folders are all it needs.
pub(super) fn folders() -> Vec<String> {
    let mut paths: Vec<String> = ["f/c/a.bin", "f/t/a.bin", "f/u/00.json", "index.json"]
        .iter()
        .map(|p| format!("{DIR}/{p}"))
        .collect();
    for seg in 0..2 {
        for p in ["s/0000.bin", "c/00.bin", "m/0.json"] {
            paths.push(format!("{DIR}/{seg}/{p}"));
        }
    }
    paths
}

/// Hands files to the sink, hashing each: the version is a hash of those hashes, in the index's
/// fixed order.
pub(super) struct Writer<'a> {
    sink: &'a dyn Sink,
    hasher: blake3::Hasher,
    files: usize,
}

impl Writer<'_> {
    /// Write `files`; their bytes in all.
    fn write(&mut self, files: Vec<(String, Vec<u8>)>) -> io::Result<u64> {
        let done = self.write_each(files, |(path, bytes)| (path, bytes, ()))?;
        Ok(done.iter().map(|&(_, len)| len as u64).sum())
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

/// Articles `docs` of a segment (numbered within it) as results show them: an array of
/// `[title, url, date, issue title, county, unit]`. The issue's URL is the article's without its
/// last part, and the date in Chinese is the ISO date's: `search.js` makes both.
fn meta_json(seg: &Segment<'_>, docs: std::ops::Range<usize>) -> Vec<u8> {
    use crate::model::Output;
    let site = seg.site;
    let rows: Vec<_> = docs
        .map(|a| {
            let i = site_index(site.articles.len(), seg.first + a);
            let art = &site.articles[i];
            (
                &art.title,
                site.url(Output::Article(i)),
                art.date.iso(),
                &site.issues[art.issue].title,
                &site.counties[art.county].name,
                art.unit.as_deref().unwrap_or(""),
            )
        })
        .collect();
    serde_json::to_vec(&rows).expect("JSON of strings")
}

/// The manifest: what a query needs before it fetches anything else, and nothing that grows with
/// the months or the units (those are in `f/`).
fn manifest_json(site: &Site, segments: &[serde_json::Value], version: &str) -> Vec<u8> {
    fn slugs(terms: &[crate::model::Term]) -> Vec<&str> {
        terms.iter().map(|t| &*t.slug).collect()
    }
    let v = serde_json::json!({
        "format": FORMAT,
        "version": version,
        "articles": site.articles.len(),
        "meta_chunk": META_CHUNK,
        "unit_buckets": UNIT_BUCKETS,
        "counties": slugs(&site.counties),
        "topics": slugs(&site.topics),
        "segments": segments,
    });
    serde_json::to_vec(&v).expect("JSON of strings and numbers")
}

/// The units articles name (`unit:` in front matter), in the order they first occur (oldest
/// first), each with its articles' numbers, ascending: the unit filter, `f/u/`.
fn units(site: &Site) -> Vec<(&str, Vec<usize>)> {
    let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, a) in site.articles.iter().rev().enumerate() {
        if let Some(u) = a.unit.as_deref() {
            let at = *index.entry(u).or_insert_with(|| {
                out.push((u, Vec::new()));
                out.len() - 1
            });
            out[at].1.push(i);
        }
    }
    out
}

/// The articles of each value of `key` (a month) as runs of numbers `[from, to)`, with how many:
/// values in the order they first occur, which is oldest first. Articles are numbered in date
/// order, so each value is one run; the code does not rely on it.
fn runs_by<K: PartialEq>(
    site: &Site,
    key: impl Fn(&crate::frontmatter::Date) -> K,
) -> Vec<(K, usize, Vec<[usize; 2]>)> {
    let mut out: Vec<(K, usize, Vec<[usize; 2]>)> = Vec::new();
    for (i, a) in site.articles.iter().rev().enumerate() {
        let k = key(&a.date);
        match out.iter_mut().rev().find(|(x, _, _)| *x == k) {
            Some((_, count, ranges)) => {
                *count += 1;
                match ranges.last_mut() {
                    Some(r) if r[1] == i => r[1] = i + 1,
                    _ => ranges.push([i, i + 1]),
                }
            }
            None => out.push((k, 1, vec![[i, i + 1]])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::postings::PIECE;
    use crate::search::segments::RECENT_MAX;
    use crate::search::{CHUNK, PASS_BYTES};

    /// Every file the index of the bundled sample writes, built in passes of `pass_bytes` and
    /// chunks of `chunk` articles.
    fn sample_index(pass_bytes: usize, chunk: usize, piece: usize) -> Vec<(String, Vec<u8>)> {
        segmented_sample(pass_bytes, chunk, piece, RECENT_MAX)
    }

    fn segmented_sample(
        pass_bytes: usize,
        chunk: usize,
        piece: usize,
        recent_max: usize,
    ) -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let prepared = crate::build::prepare(&crate::build::BuildOptions::new(root))
            .unwrap_or_else(|_| panic!("the sample prepares"));
        let sink = crate::write::MemorySink::default();
        write_with(&prepared.site, &sink, pass_bytes, chunk, piece, recent_max).unwrap();
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
    fn segments_are_written_apart_and_do_not_depend_on_passes_or_chunks() {
        // The sample's five articles: a base of four and a recent segment of one.
        let split = segmented_sample(PASS_BYTES, CHUNK, PIECE, 2);
        let has = |prefix: &str| split.iter().any(|(p, _)| p.starts_with(prefix));
        assert!(has("search/0/s/") && has("search/0/m/0.json") && has("search/0/c/"));
        assert!(has("search/1/s/") && has("search/1/m/0.json") && has("search/1/c/"));
        assert_eq!(segmented_sample(1, 1, 16, 2), split);
        // All five in the recent segment, as long as there are fewer than RECENT_MAX.
        let one = sample_index(PASS_BYTES, CHUNK, PIECE);
        assert!(!one.iter().any(|(p, _)| p.starts_with("search/0/")));
        let m: serde_json::Value = serde_json::from_slice(
            &split
                .iter()
                .find(|(p, _)| p == "search/index.json")
                .unwrap()
                .1,
        )
        .unwrap();
        let segs = m["segments"].as_array().unwrap();
        assert_eq!(segs.len(), 2);
        assert_eq!(
            (segs[0]["first"].as_u64(), segs[0]["articles"].as_u64()),
            (Some(0), Some(4))
        );
        assert_eq!(
            (segs[1]["first"].as_u64(), segs[1]["articles"].as_u64()),
            (Some(4), Some(1))
        );
    }
}
