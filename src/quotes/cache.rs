//! Verdicts remembered between checks of a note. A verdict depends only on the quotation's
//! text, what its citation resolved to and the index, so while the index does not change a
//! note that is checked again after every edit only pays for the quotations that changed.
//! Before each use the owner [syncs](VerdictCache::sync) the cache to the index's state
//! ([`crate::index::SourceIndex::state`]): verdicts of another state are forgotten.

use super::matcher::Cited;
use super::verdict::Verdict;
use rustc_hash::FxHashMap;
use std::sync::{Mutex, MutexGuard};

/// At most this many verdicts are kept; past it the cache starts again empty (a note rarely
/// holds more than a few hundred quotations, so this is reached only by many large notes).
const CAPACITY: usize = 20_000;

/// Verdicts by quotation text and resolved citation, for one state of the index.
#[derive(Default)]
pub struct VerdictCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The index state the verdicts were found in.
    state: u64,
    map: FxHashMap<(String, Cited), Verdict>,
}

impl VerdictCache {
    /// Forget every verdict unless they were found in index state `state`.
    pub fn sync(&self, state: u64) {
        let mut inner = self.lock();
        if inner.state != state {
            inner.state = state;
            inner.map.clear();
        }
    }

    pub fn get(&self, text: &str, cited: &Cited) -> Option<Verdict> {
        // Borrowed lookups of a tuple key need an owned key; quotations are short.
        self.lock()
            .map
            .get(&(text.to_string(), cited.clone()))
            .cloned()
    }

    pub fn insert(&self, text: &str, cited: &Cited, verdict: &Verdict) {
        let map = &mut self.lock().map;
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert((text.to_string(), cited.clone()), verdict.clone());
    }

    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
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
    }

    #[test]
    fn the_cache_stays_bounded() {
        let c = VerdictCache::default();
        for i in 0..CAPACITY + 10 {
            c.insert(&i.to_string(), &Cited::None, &verdict(Status::NotFound));
        }
        assert!(c.len() <= CAPACITY);
        assert!(c.get(&(CAPACITY + 9).to_string(), &Cited::None).is_some());
    }
}
