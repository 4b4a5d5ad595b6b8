//! The index's files, in order: the passes over the buckets (each a gathering over every article
//! and the shards it makes), the single characters, what results show (`m/`), the filters (`f/`)
//! and the manifest, whose version is a hash of every other file.

use std::io;

use rayon::prelude::*;

use super::charsets::CharSets;
use super::codec::{FORMAT, push_varint};
use super::gather::{Pass, Scratch, Slice};
use super::postings::{Bucket, Group, Packer, shard_file};
use super::tokens::title_span;
use super::{DIR, META_CHUNK, SLICE, SearchStats, bucket_count};
use crate::model::Site;
use crate::write::Sink;

/// of `piece` bytes.
pub(super) fn write_with(
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
    for (i, (_, docs)) in units(site).iter().enumerate() {
        let mut list = Vec::with_capacity(docs.len() * 2);
        let mut prev = 0;
        for &a in docs {
            push_varint(&mut list, (a - prev) as u64);
            prev = a;
        }
        stats.other_bytes += list.len() as u64;
        filters.push((format!("{DIR}/f/u{i}.bin"), list));
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
pub(super) fn folders() -> Vec<String> {
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
pub(super) struct Writer<'a> {
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
pub(super) fn meta_json(site: &Site, docs: std::ops::Range<usize>) -> Vec<u8> {
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

pub(super) fn manifest_json(
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
    let years: Vec<serde_json::Value> = runs_by(site, |d| d.year)
        .into_iter()
        .map(|(y, count, ranges)| serde_json::json!({"year": y, "count": count, "ranges": ranges}))
        .collect();
    // `2021-03`: what `?month=` says; a quarter is the union of its three months (search.js).
    let months: Vec<serde_json::Value> = runs_by(site, |d| (d.year, d.month))
        .into_iter()
        .map(|((y, m), count, ranges)| {
            serde_json::json!({"month": format!("{y:04}-{m:02}"), "count": count, "ranges": ranges})
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
        "units": units(site)
            .iter()
            .map(|(name, docs)| serde_json::json!({"name": name, "count": docs.len()}))
            .collect::<Vec<_>>(),
        "years": years,
        "months": months,
    });
    serde_json::to_vec(&v).expect("JSON of strings and numbers")
}

/// The units articles name (`unit:` in front matter), in the order they first occur (newest
/// first), each with its articles in id order: the unit filter, `f/uN.bin`.
fn units(site: &Site) -> Vec<(&str, Vec<usize>)> {
    let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, a) in site.articles.iter().enumerate() {
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

/// The articles of each value of `key` (a year, a month) as runs of ids `[from, to)`, with how
/// many: values in the order they first occur, which is newest first. Articles are sorted newest
/// first, so each value is one run; the code does not rely on it.
fn runs_by<K: PartialEq>(
    site: &Site,
    key: impl Fn(&crate::frontmatter::Date) -> K,
) -> Vec<(K, usize, Vec<[usize; 2]>)> {
    let mut out: Vec<(K, usize, Vec<[usize; 2]>)> = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
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
    use crate::search::{CHUNK, PASS_BYTES};

    /// Every file the index of the bundled sample writes, built in passes of `pass_bytes` and
    /// chunks of `chunk` articles.
    fn sample_index(pass_bytes: usize, chunk: usize, piece: usize) -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let prepared = crate::build::prepare(&crate::build::BuildOptions::new(root))
            .unwrap_or_else(|_| panic!("the sample prepares"));
        let sink = crate::write::MemorySink::default();
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
}
