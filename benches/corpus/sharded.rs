//! A [`Retriever`] over several indexes at once: the local stand-in for a search cluster.
//!
//! The sources are split between *shards* by a hash of their path ([`shard_of`],
//! [`partition`]); each shard is any retriever (a [`SourceIndex`] here, a node of a
//! cluster elsewhere). A query goes to every shard at once and the answers are merged the way
//! a cluster's coordinator merges them: regions best first by score, cut to the query's limit.
//! Scores are each shard's own (its word statistics), as in a cluster that does not gather
//! global statistics first; the matcher ranks by alignment, not by score, so that only
//! decides which regions are aligned when more than `limit` come back.
//!
//! `docs/scaling.md` describes the cluster this stands in for; the corpus benchmark measures
//! one index against N shards, with and without a simulated network round trip
//! (`benches/corpus/shards.rs`), and `tests/index.rs` checks that it gives the verdicts of
//! one index. Not part of the library: both include this file (`#[path]`).

use rayon::prelude::*;
use sourced::corpus::SourceFile;
use sourced::index::retrieve::{CandidateQuery, Region, Retriever};
use sourced::index::{IndexError, RefreshOptions, SourceIndex, SourceInfo};
use std::path::Path;

/// Several retrievers queried as one.
pub struct Sharded<R> {
    shards: Vec<R>,
}

impl<R: Retriever> Sharded<R> {
    pub fn new(shards: Vec<R>) -> Self {
        Sharded { shards }
    }

    pub fn shards(&self) -> &[R] {
        &self.shards
    }

    pub fn into_shards(self) -> Vec<R> {
        self.shards
    }

    /// Ask every shard at once (on rayon's pool); the first error wins, so a failed shard
    /// never passes for a shard without matches.
    fn fan_out<T: Send>(
        &self,
        ask: impl Fn(&R) -> Result<T, IndexError> + Sync + Send,
    ) -> Result<Vec<T>, IndexError> {
        if self.shards.len() == 1 {
            return Ok(vec![ask(&self.shards[0])?]);
        }
        self.shards.par_iter().map(ask).collect()
    }
}

impl<R: Retriever> Retriever for Sharded<R> {
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        let mut regions: Vec<Region> = self
            .fan_out(|shard| shard.regions(query))?
            .into_iter()
            .flatten()
            .collect();
        // Best first; equal scores in path order, so the merge does not depend on which
        // shard answered first.
        regions.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.path.cmp(&b.path)));
        regions.truncate(query.limit.max(1));
        Ok(regions)
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        Ok(self
            .fan_out(|shard| shard.source_info(path))?
            .into_iter()
            .flatten()
            .next())
    }

    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        let mut paths: Vec<String> = self
            .fan_out(|shard| shard.resolve_key(key))?
            .into_iter()
            .flatten()
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    fn sources(&self) -> Result<Vec<SourceInfo>, IndexError> {
        let mut all: Vec<SourceInfo> = self
            .fan_out(|shard| shard.sources())?
            .into_iter()
            .flatten()
            .collect();
        all.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(all)
    }
}

impl Sharded<SourceIndex> {
    /// Open (or create) `n` local indexes in `dir/shard-K` and bring each up to date with its
    /// part of `files` ([`partition`]).
    pub fn local(
        dir: &Path,
        files: &[SourceFile],
        n: usize,
        options: &RefreshOptions,
    ) -> Result<Self, IndexError> {
        let mut shards = Vec::new();
        for (k, part) in partition(files, n).iter().enumerate() {
            let (index, _) = SourceIndex::open(&dir.join(format!("shard-{k}")))?;
            index.refresh(part, options)?;
            shards.push(index);
        }
        Ok(Sharded::new(shards))
    }
}

/// The shard (of `n`) that holds the source stored as `path`: FNV-1a of the path, so the
/// split is the same on every machine and in every version.
pub fn shard_of(path: &str, n: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % n.max(1) as u64) as usize
}

/// Split source files into `n` shards by [`shard_of`] their stored path.
pub fn partition(files: &[SourceFile], n: usize) -> Vec<Vec<SourceFile>> {
    let mut out = vec![Vec::new(); n.max(1)];
    for f in files {
        out[shard_of(&f.display, n)].push(f.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sourced::text::OffsetMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A shard with fixed answers that counts the questions it gets.
    struct Fixed {
        regions: Vec<(&'static str, f32)>,
        keys: Vec<(&'static str, &'static str)>,
        fail: bool,
        asked: AtomicUsize,
        /// The `reach_words` of the last query.
        reach: AtomicUsize,
    }

    fn fixed(regions: Vec<(&'static str, f32)>, keys: Vec<(&'static str, &'static str)>) -> Fixed {
        Fixed {
            regions,
            keys,
            fail: false,
            asked: AtomicUsize::new(0),
            reach: AtomicUsize::new(usize::MAX),
        }
    }

    impl Retriever for Fixed {
        fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
            self.asked.fetch_add(1, Ordering::Relaxed);
            self.reach.store(query.reach_words, Ordering::Relaxed);
            if self.fail {
                return Err(IndexError::Io {
                    path: "shard".into(),
                    source: std::io::Error::other("unreachable"),
                });
            }
            Ok(self
                .regions
                .iter()
                .map(|&(path, score)| Region {
                    path: path.into(),
                    text: String::new(),
                    map: OffsetMap::new(),
                    score,
                })
                .collect())
        }

        fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
            Ok(self.keys.iter().any(|k| k.1 == path).then(|| SourceInfo {
                path: path.into(),
                ..SourceInfo::default()
            }))
        }

        fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
            Ok(self
                .keys
                .iter()
                .filter(|k| k.0 == key)
                .map(|k| k.1.to_string())
                .collect())
        }
    }

    fn query(limit: usize) -> CandidateQuery {
        CandidateQuery {
            chunks: vec![vec!["a".into()]],
            only_path: None,
            limit,
            reach_words: 0,
        }
    }

    #[test]
    fn every_shard_gets_the_reach_of_the_quote() {
        let s = Sharded::new(vec![fixed(vec![("a", 1.0)], vec![]), fixed(vec![], vec![])]);
        for reach in [0, 396, 800] {
            let q = CandidateQuery {
                reach_words: reach,
                ..query(4)
            };
            s.regions(&q).unwrap();
            assert!(s
                .shards()
                .iter()
                .all(|f| f.reach.load(Ordering::Relaxed) == reach));
        }
    }

    #[test]
    fn regions_of_all_shards_merge_best_first_and_are_cut_to_the_limit() {
        let s = Sharded::new(vec![
            fixed(vec![("a", 1.0), ("b", 5.0)], vec![]),
            fixed(vec![("c", 3.0), ("d", 0.5)], vec![]),
            fixed(vec![("e", 4.0)], vec![]),
        ]);
        let paths = |limit| -> Vec<String> {
            s.regions(&query(limit))
                .unwrap()
                .into_iter()
                .map(|r| r.path)
                .collect()
        };
        assert_eq!(paths(16), ["b", "e", "c", "a", "d"]);
        assert_eq!(paths(3), ["b", "e", "c"]);
        assert!(s
            .shards()
            .iter()
            .all(|f| f.asked.load(Ordering::Relaxed) == 2));
    }

    #[test]
    fn a_failing_shard_fails_the_query() {
        let mut bad = fixed(vec![], vec![]);
        bad.fail = true;
        let s = Sharded::new(vec![fixed(vec![("a", 1.0)], vec![]), bad]);
        assert!(s.regions(&query(4)).is_err());
    }

    #[test]
    fn keys_resolve_across_shards_and_sources_are_found_where_they_live() {
        let s = Sharded::new(vec![
            fixed(vec![], vec![("k", "x.txt"), ("only", "y.txt")]),
            fixed(vec![], vec![("k", "w.txt"), ("k", "x.txt")]),
        ]);
        assert_eq!(s.resolve_key("k").unwrap(), ["w.txt", "x.txt"]);
        assert_eq!(s.resolve_key("none").unwrap(), Vec::<String>::new());
        assert_eq!(s.source_info("w.txt").unwrap().unwrap().path, "w.txt");
        assert!(s.source_info("z.txt").unwrap().is_none());
    }

    #[test]
    fn the_split_is_stable_and_uses_every_shard() {
        // Fixed values: the split must not change between versions or machines.
        assert_eq!(shard_of("seeds/a.txt", 4), shard_of("seeds/a.txt", 4));
        assert_eq!(shard_of("", 3), (0xcbf2_9ce4_8422_2325_u64 % 3) as usize);
        assert_eq!(
            shard_of("a", usize::MAX),
            0xaf63_dc4c_8601_ec8c_u64 as usize
        );
        let mut used = [0usize; 4];
        for i in 0..400 {
            used[shard_of(&format!("sources/generated/{i:05}.txt"), 4)] += 1;
        }
        assert!(used.iter().all(|&n| n > 50), "{used:?}");
        assert_eq!(shard_of("anything", 1), 0);
        assert_eq!(shard_of("anything", 0), 0);
    }
}
