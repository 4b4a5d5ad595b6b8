//! The index's segments: which articles each covers, so that a weekly issue rewrites a small,
//! bounded part of the index rather than all of it.
//!
//! Articles are numbered **oldest first** (the site's order reversed: date, then the issue's
//! place, then position in the issue), so new articles, being newer than all others, are
//! appended: every other article keeps its number, which is derived from the content alone
//! (nothing is remembered between builds; CI starts from the files).
//!
//! The numbers are cut into two segments, each an index of its own (shards, single characters,
//! what results show) that the browser queries and whose results it concatenates:
//!
//! - the **base**, articles `0..B` with `B` the largest multiple of [`RECENT_MAX`] not above
//!   the number of articles: it changes only when `B` does (a merge) or when an old article
//!   is edited;
//! - the **recent** segment, the fewer than [`RECENT_MAX`] articles after it, small and cut into
//!   small shards ([`RECENT_SHARD_BYTES`]): a new issue rewrites it and nothing of the base.
//!
//! When the articles reach the next multiple of [`RECENT_MAX`], the recent segment is merged
//! into the base: the base is rewritten once (the build says so), and the recent segment starts
//! empty. Like an LSM tree's or Lucene's segments, but decided from the number of articles alone,
//! so any build of the same content gives the same bytes.

use std::ops::Range;

use crate::model::{Article, Site};

/// The recent segment holds fewer articles than this; the base a multiple of it. At six
/// articles a week, a merge every ~40 weeks. What a new issue rewrites grows with it (the whole
/// recent segment, about 3 KB of postings per article), what a query fetches a little
/// (one small shard per key), and a merge rewrites the base.
pub const RECENT_MAX: usize = 256;

/// The recent segment's shards are cut to about this size: a query fetches one per key from it.
pub(super) const RECENT_SHARD_BYTES: usize = 8 * 1024;

/// The segments of `n` articles, as ranges of article numbers (oldest first): the base (folder
/// `0`) and the recent segment (folder `1`), either of which may be empty.
pub fn plan(n: usize, recent_max: usize) -> [Range<usize>; 2] {
    let base = n / recent_max * recent_max;
    [0..base, base..n]
}

/// One segment's articles, numbered from 0 within it: the site's articles `ids` (oldest-first
/// numbers) seen in that order.
#[derive(Clone, Copy)]
pub(super) struct Segment<'a> {
    pub(super) site: &'a Site,
    /// The first article's number in the whole index.
    pub(super) first: usize,
    pub(super) len: usize,
    /// The segment's number: its folder under `search/`.
    pub(super) number: usize,
    /// Whether it is the base (a multiple of [`RECENT_MAX`] articles, big shards).
    pub(super) base: bool,
}

impl<'a> Segment<'a> {
    pub(super) fn new(site: &'a Site, ids: Range<usize>, number: usize, base: bool) -> Self {
        Segment {
            site,
            first: ids.start,
            len: ids.len(),
            number,
            base,
        }
    }

    /// Article `local` of the segment (0 is its oldest).
    #[inline]
    pub(super) fn article(&self, local: usize) -> &'a Article {
        &self.site.articles[site_index(self.site.articles.len(), self.first + local)]
    }

    /// Its articles, oldest first.
    pub(super) fn articles(&self) -> impl Iterator<Item = &'a Article> + '_ {
        (0..self.len).map(|i| self.article(i))
    }
}

/// The index of the site's article (newest first) that has number `id` (oldest first), among
/// `n`; the same function turns it back.
#[inline]
pub(super) fn site_index(n: usize, id: usize) -> usize {
    n - 1 - id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_a_multiple_of_the_recent_maximum_and_the_rest_is_recent() {
        assert_eq!(plan(0, 256), [0..0, 0..0]);
        assert_eq!(plan(6, 256), [0..0, 0..6]);
        assert_eq!(plan(255, 256), [0..0, 0..255]);
        assert_eq!(plan(256, 256), [0..256, 256..256]);
        assert_eq!(plan(262, 256), [0..256, 256..262]);
        assert_eq!(plan(10_006, 256), [0..9984, 9984..10_006]);
    }

    #[test]
    fn adding_articles_below_the_next_multiple_keeps_the_base() {
        for n in 256..511 {
            assert_eq!(plan(n, 256)[0], 0..256, "{n}");
        }
        assert_eq!(plan(512, 256), [0..512, 512..512]);
    }
}
