//! The corpus bench's retrieval backends: the one local index against the same sources split
//! into N shards queried in parallel (`corpus/sharded.rs`), and against those shards
//! behind a simulated network round trip. Every backend is metered: what retrieval hands the
//! matcher per quote, in passage text and in offset maps, is what a remote search service
//! would send over the network.

use crate::sharded::Sharded;
use sourced::corpus::SourceFile;
use sourced::index::retrieve::{CandidateQuery, Region, Retriever};
use sourced::index::{IndexError, RefreshOptions, SourceIndex, SourceInfo};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Bytes of regions returned, since the last [`Metered::take`].
#[derive(Default)]
pub struct Metered<R> {
    pub inner: R,
    text: AtomicU64,
    maps: AtomicU64,
}

/// What one quote's retrieval returned: passage text and offset-map bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Payload {
    pub text: u64,
    pub maps: u64,
}

impl<R> Metered<R> {
    pub fn new(inner: R) -> Self {
        Metered {
            inner,
            text: AtomicU64::new(0),
            maps: AtomicU64::new(0),
        }
    }

    /// The bytes counted since the last call.
    pub fn take(&self) -> Payload {
        Payload {
            text: self.text.swap(0, Ordering::Relaxed),
            maps: self.maps.swap(0, Ordering::Relaxed),
        }
    }
}

impl<R: Retriever> Retriever for Metered<R> {
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        let regions = self.inner.regions(query)?;
        for r in &regions {
            self.text.fetch_add(r.text.len() as u64, Ordering::Relaxed);
            // The stored form (`OffsetMap::to_bytes`): 13 bytes per segment.
            self.maps
                .fetch_add(r.map.segments().len() as u64 * 13, Ordering::Relaxed);
        }
        Ok(regions)
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        self.inner.source_info(path)
    }

    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        self.inner.resolve_key(key)
    }
}

/// A shard behind a network: every request waits `rtt` before it is answered.
pub struct Remote<R> {
    pub inner: R,
    pub rtt: Duration,
}

impl<R: Retriever> Retriever for Remote<R> {
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        std::thread::sleep(self.rtt);
        self.inner.regions(query)
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        std::thread::sleep(self.rtt);
        self.inner.source_info(path)
    }

    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        std::thread::sleep(self.rtt);
        self.inner.resolve_key(key)
    }
}

/// Build (or bring up to date) `n` shard indexes of `files` under `dir/shard-K`; returns the
/// shards and the time it took.
pub fn build(dir: &Path, files: &[SourceFile], n: usize) -> (Sharded<SourceIndex>, Duration) {
    let t = Instant::now();
    let shards = Sharded::local(dir, files, n, &RefreshOptions::default()).unwrap();
    (shards, t.elapsed())
}

/// The shards behind a simulated round trip each.
pub fn remote(shards: Vec<SourceIndex>, rtt: Duration) -> Sharded<Remote<SourceIndex>> {
    Sharded::new(
        shards
            .into_iter()
            .map(|inner| Remote { inner, rtt })
            .collect(),
    )
}
