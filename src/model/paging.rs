//! Pagination anchored at the oldest entry, so that a list page other than the newest keeps its
//! entries and its URL when new entries arrive (SPEC: "a weekly issue changes a small, bounded set
//! of files").
//!
//! Lists (issues, a county's or a topic's articles) are newest first. Counted from the oldest entry,
//! every `per` entries make an archived page, numbered from 1 (`/issues/page/1/` holds the first
//! `per` issues ever published, for good). The newest page — the list's own URL, `/issues/` —
//! holds what is left: the newest full page and the overflow, between `per` and `2 × per − 1`
//! entries (fewer only while the whole list is shorter than `per`), so a visitor never lands on a
//! page of one entry. When the overflow fills a page, the oldest `per` entries of the newest page
//! become the next archived page, and the newest page shrinks back to `per` entries.
//!
//! An [`Output`](super::Output)'s page number is [`NEWEST`] (0) for the newest page and the
//! archived page's number otherwise, so a URL never depends on how long the list is.

use std::ops::Range;

/// The page number of the newest page of a list, the one at the list's own URL.
pub const NEWEST: usize = 0;

/// How a list of `len` entries, newest first, falls into pages of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub len: usize,
    pub per: usize,
}

impl Paging {
    pub fn new(len: usize, per: usize) -> Paging {
        Paging {
            len,
            per: per.max(1),
        }
    }

    /// The number of archived pages (those other than the newest).
    pub fn archived(&self) -> usize {
        (self.len / self.per).saturating_sub(1)
    }

    /// The number of pages, the newest included (at least 1, even for an empty list).
    pub fn count(&self) -> usize {
        self.archived() + 1
    }

    /// Every page: the archived ones oldest first, then [`NEWEST`].
    pub fn pages(&self) -> impl Iterator<Item = usize> + use<> {
        (1..=self.archived()).chain(std::iter::once(NEWEST))
    }

    /// The number a page shows: an archived page's own, the newest page's the one after the last
    /// archived (it holds the entries that will make that page, and more).
    pub fn number(&self, page: usize) -> usize {
        if page == NEWEST { self.count() } else { page }
    }

    /// The positions in the newest-first list of the entries on `page`.
    pub fn range(&self, page: usize) -> Range<usize> {
        let archived = self.archived();
        if page == NEWEST || page > archived {
            0..self.len - archived * self.per
        } else {
            self.len - page * self.per..self.len - (page - 1) * self.per
        }
    }

    /// The page that holds the entry at position `i` of the newest-first list.
    pub fn page_of(&self, i: usize) -> usize {
        let from_oldest = self.len.saturating_sub(i + 1);
        let page = from_oldest / self.per + 1;
        if page > self.archived() { NEWEST } else { page }
    }

    /// The page read after `page` (the next older one), if any.
    pub fn older(&self, page: usize) -> Option<usize> {
        match page {
            NEWEST => (self.archived() > 0).then_some(self.archived()),
            1 => None,
            p => Some(p - 1),
        }
    }

    /// The page read before `page` (the next newer one), if any.
    pub fn newer(&self, page: usize) -> Option<usize> {
        match page {
            NEWEST => None,
            p if p >= self.archived() => Some(NEWEST),
            p => Some(p + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // a list of one page's range, not a range
    fn pages_are_counted_from_the_oldest_and_the_newest_holds_the_overflow() {
        // (entries, per) → the ranges of the archived pages 1, 2, … and of the newest page.
        type Case = (usize, usize, &'static [Range<usize>], Range<usize>);
        let cases: &[Case] = &[
            (0, 20, &[], 0..0),
            (1, 20, &[], 0..1),
            (39, 20, &[], 0..39),
            (40, 20, &[20..40], 0..20),
            (41, 20, &[21..41], 0..21),
            (59, 20, &[39..59], 0..39),
            (60, 20, &[40..60, 20..40], 0..20),
            (3, 1, &[2..3, 1..2], 0..1),
            (5, 2, &[3..5], 0..3),
        ];
        for (len, per, archived, newest) in cases {
            let p = Paging::new(*len, *per);
            let got: Vec<_> = (1..=p.archived()).map(|n| p.range(n)).collect();
            assert_eq!(&got, archived, "{len} entries, {per} a page");
            assert_eq!(p.range(NEWEST), *newest, "{len} entries, {per} a page");
            assert_eq!(p.count(), archived.len() + 1);
            // Every entry is on exactly the page page_of names.
            for i in 0..*len {
                assert!(p.range(p.page_of(i)).contains(&i), "{i} of {len}/{per}");
            }
        }
    }

    #[test]
    fn an_archived_page_keeps_its_entries_as_the_list_grows() {
        let per = 3;
        for len in 0..40 {
            let before = Paging::new(len, per);
            let after = Paging::new(len + 1, per);
            for page in 1..=before.archived() {
                // The same entries, counted from the oldest: one more entry in front of them.
                let r = before.range(page);
                assert_eq!(after.range(page), r.start + 1..r.end + 1);
            }
        }
    }

    #[test]
    fn older_and_newer_walk_every_page_once() {
        for len in [0, 1, 5, 6, 7, 20] {
            let p = Paging::new(len, 3);
            let mut walked = vec![NEWEST];
            while let Some(next) = p.older(*walked.last().unwrap()) {
                walked.push(next);
            }
            let mut all: Vec<_> = p.pages().collect();
            all.reverse();
            assert_eq!(walked, all, "{len}");
            for w in walked.windows(2) {
                assert_eq!(p.newer(w[1]), Some(w[0]));
            }
            assert_eq!(p.newer(NEWEST), None);
        }
    }
}
