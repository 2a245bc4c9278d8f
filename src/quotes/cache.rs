//! Verdicts remembered between checks of a note. A verdict depends only on the quotation's
//! text, what its citation resolved to and the index, so while the index does not change a
//! note that is checked again after every edit only pays for the quotations that changed.
//! Before each use the owner [syncs](VerdictCache::sync) the cache to the index's state
//! ([`crate::index::SourceIndex::state`]): verdicts of another state are forgotten.
//!
//! Invariant: the entries' estimated size ([`entry_bytes`]: the quotation, the citation's
//! paths and every string and vector of the verdict) stays within [`BUDGET_BYTES`]; past it
//! the least recently used verdicts go first, one at a time, so a note that fits is never
//! forgotten whole.

use super::matcher::Cited;
use super::verdict::{SourceMatch, Verdict};
use lru::LruCache;
use std::mem::size_of;
use std::sync::{Mutex, MutexGuard};

/// The verdicts kept weigh at most this much: 128 MiB, enough for a note of 100,000 quotations
/// with their source passages (about a kilobyte each), so that every one is remembered.
pub const BUDGET_BYTES: usize = 128 << 20;

type Key = (String, Cited);

/// Verdicts by quotation text and resolved citation, for one state of the index.
pub struct VerdictCache {
    inner: Mutex<Inner>,
}

struct Inner {
    /// The index state the verdicts were found in.
    state: u64,
    budget: usize,
    /// Each verdict with its estimated size, least recently used first out.
    map: LruCache<Key, (Verdict, usize)>,
    /// Sum of the sizes in `map`.
    bytes: usize,
    stats: CacheStats,
}

/// How the cache was used since it was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found a verdict.
    pub hits: u64,
    /// Lookups that found none.
    pub misses: u64,
    /// Verdicts forgotten to stay within the budget.
    pub evicted: u64,
}

impl Default for VerdictCache {
    fn default() -> Self {
        VerdictCache::with_budget(BUDGET_BYTES)
    }
}

impl VerdictCache {
    /// A cache whose entries weigh at most `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        VerdictCache {
            inner: Mutex::new(Inner {
                state: 0,
                budget,
                map: LruCache::unbounded(),
                bytes: 0,
                stats: CacheStats::default(),
            }),
        }
    }

    /// Forget every verdict unless they were found in index state `state`.
    pub fn sync(&self, state: u64) {
        let mut inner = self.lock();
        if inner.state != state {
            inner.state = state;
            inner.map.clear();
            inner.bytes = 0;
        }
    }

    pub fn get(&self, text: &str, cited: &Cited) -> Option<Verdict> {
        let mut inner = self.lock();
        // Borrowed lookups of a tuple key need an owned key; quotations are short.
        let found = inner
            .map
            .get(&(text.to_string(), cited.clone()))
            .map(|(v, _)| v.clone());
        match found {
            Some(_) => inner.stats.hits += 1,
            None => inner.stats.misses += 1,
        }
        found
    }

    pub fn insert(&self, text: &str, cited: &Cited, verdict: &Verdict) {
        let size = entry_bytes(text, cited, verdict);
        let mut inner = self.lock();
        let inner = &mut *inner;
        if size > inner.budget {
            return;
        }
        let key = (text.to_string(), cited.clone());
        if let Some((_, (_, old))) = inner.map.push(key, (verdict.clone(), size)) {
            inner.bytes -= old;
        }
        inner.bytes += size;
        while inner.bytes > inner.budget {
            let Some((_, (_, old))) = inner.map.pop_lru() else {
                break;
            };
            inner.bytes -= old;
            inner.stats.evicted += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The estimated size of the verdicts kept ([`entry_bytes`]).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    pub fn stats(&self) -> CacheStats {
        self.lock().stats
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Per-entry bookkeeping of the map (links, hash slot) on top of key and value.
const ENTRY_OVERHEAD: usize = 64;

/// The estimated heap and inline size of one cached verdict: key, value and the text of every
/// string and vector they hold.
pub fn entry_bytes(text: &str, cited: &Cited, verdict: &Verdict) -> usize {
    let paths = |p: &[String]| {
        p.iter()
            .map(|s| size_of::<String>() + s.len())
            .sum::<usize>()
    };
    let cited_bytes = match cited {
        Cited::None => 0,
        Cited::Paths(p) => paths(p),
    };
    ENTRY_OVERHEAD
        + size_of::<(Key, (Verdict, usize))>()
        + text.len()
        + cited_bytes
        + paths(&verdict.cited_paths)
        + verdict.best.as_ref().map_or(0, match_bytes)
        + verdict.also.iter().map(match_bytes).sum::<usize>()
}

fn match_bytes(m: &SourceMatch) -> usize {
    let diff: usize = m
        .diff
        .iter()
        .map(|d| {
            size_of_val(d) + d.note.len() + d.source.len() + d.why.as_ref().map_or(0, String::len)
        })
        .sum();
    let edits: usize = m.edits.iter().map(|e| size_of_val(e) + e.1.len()).sum();
    let findings: usize = m
        .findings
        .iter()
        .map(|f| size_of_val(f) + f.message.len())
        .sum();
    size_of::<SourceMatch>()
        + m.path.len()
        + m.text.len()
        + m.context.len()
        + m.suggestion.as_ref().map_or(0, String::len)
        + diff
        + edits
        + findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::verdict::Status;

    fn verdict(status: Status) -> Verdict {
        Verdict {
            status,
            best: None,
            also: Vec::new(),
            cited_paths: Vec::new(),
        }
    }

    #[test]
    fn verdicts_are_kept_by_text_and_citation() {
        let c = VerdictCache::default();
        let a = Cited::Paths(vec!["a.txt".into()]);
        c.insert("some words", &a, &verdict(Status::Verified));
        assert_eq!(
            c.get("some words", &a).map(|v| v.status),
            Some(Status::Verified)
        );
        assert!(c.get("some words", &Cited::None).is_none());
        assert!(c.get("some word", &a).is_none());
        c.sync(0);
        assert!(c.get("some words", &a).is_some(), "same state: kept");
        c.sync(7);
        assert!(
            c.get("some words", &a).is_none(),
            "another state: forgotten"
        );
        assert_eq!(c.bytes(), 0);
        assert_eq!(
            c.stats(),
            CacheStats {
                hits: 2,
                misses: 3,
                evicted: 0
            }
        );
    }

    #[test]
    fn the_size_counts_the_quotation_and_the_verdict() {
        let small = entry_bytes("a few words", &Cited::None, &verdict(Status::NotFound));
        let long_text = "word ".repeat(10_000);
        let long = entry_bytes(&long_text, &Cited::None, &verdict(Status::NotFound));
        assert_eq!(long - small, long_text.len() - "a few words".len());
        let mut with_paths = verdict(Status::NotFound);
        with_paths.cited_paths = vec!["x".repeat(1000)];
        assert!(entry_bytes("a few words", &Cited::None, &with_paths) >= small + 1000);
    }

    #[test]
    fn past_the_budget_the_least_recently_used_go_first() {
        let one = entry_bytes("quote 00", &Cited::None, &verdict(Status::NotFound));
        let c = VerdictCache::with_budget(one * 3);
        for i in 0..3 {
            c.insert(
                &format!("quote {i:02}"),
                &Cited::None,
                &verdict(Status::NotFound),
            );
        }
        assert_eq!(c.len(), 3);
        // Used recently: kept when a fourth comes in; the oldest unused one goes.
        assert!(c.get("quote 00", &Cited::None).is_some());
        c.insert("quote 03", &Cited::None, &verdict(Status::NotFound));
        assert!(c.bytes() <= one * 3);
        assert!(c.get("quote 00", &Cited::None).is_some());
        assert!(c.get("quote 01", &Cited::None).is_none());
        assert!(c.get("quote 02", &Cited::None).is_some());
        assert!(c.get("quote 03", &Cited::None).is_some());
        assert_eq!(c.stats().evicted, 1);
    }

    #[test]
    fn a_verdict_larger_than_the_budget_is_not_kept_and_evicts_nothing() {
        let c = VerdictCache::with_budget(4096);
        c.insert("short", &Cited::None, &verdict(Status::NotFound));
        c.insert(
            &"long ".repeat(2000),
            &Cited::None,
            &verdict(Status::TooLong),
        );
        assert_eq!(c.len(), 1);
        assert!(c.get("short", &Cited::None).is_some());
    }

    #[test]
    fn replacing_a_verdict_counts_its_size_once() {
        let c = VerdictCache::default();
        c.insert("q", &Cited::None, &verdict(Status::NotFound));
        let once = c.bytes();
        c.insert("q", &Cited::None, &verdict(Status::Verified));
        assert_eq!(c.bytes(), once);
        assert_eq!(c.len(), 1);
    }
}
