//! The persistent tantivy index of the sources, kept in the cache folder (`.sourced/` by
//! default), and its read-only handle [`SourceIndex`].
//!
//! One job per module:
//! - [`schema`]: the fields, the two kinds of documents (file records and passages), the
//!   format version;
//! - `store`: the cache folder: opening or creating the index, rebuilding a damaged one,
//!   dropping other versions' folders;
//! - `directory`: the index folder as tantivy sees it (readable where it cannot be written);
//! - `records`: the file records: what is recorded of each source, found by path or key;
//! - `update`: the updater, the only code that writes ([`SourceIndex::refresh`],
//!   [`SourceIndex::update`]);
//! - [`passages`]: a source's visible text cut into passages;
//! - [`retrieve`]: the passages that might hold a quote ([`Retriever`]);
//! - [`analyzer`]: the tokenizer of the passages' words.
//!
//! Invariants:
//! - Reading never blocks on writing. A reader sees the index as of its last reload (after
//!   opening, and after each of this handle's writes), whatever another handle or process
//!   writes meanwhile.
//! - The only lock waited on while doing index I/O is tantivy's writer lock, taken only by
//!   the updater, and no lock of sourced's is held meanwhile. The small caches here
//!   (counts, entity table) hold their mutex only for a map lookup or insert, never while
//!   reading or writing the index. (tantivy's own meta lock is held only for the instant of
//!   opening segment files on a reload, or of listing unused files before a writer deletes
//!   them; never across a search or an indexing run.)
//! - A refresh that cannot write (another process holds the writer past
//!   [`RefreshOptions::lock_timeout`], or the folder cannot be written) reports the index
//!   stale; [`SourceIndex::is_complete`] then says whether it may be used as it is.
//! - Two handles on one folder (two processes: the CLI and the language server) may both
//!   write: one writer at a time, and each decides what to write on what is committed once
//!   it holds the writer, so no source is ever recorded twice.
//! - `SourceIndex` is `Send + Sync`: one handle serves checks while it is updated.

pub mod analyzer;
mod directory;
pub mod passages;
mod records;
pub mod retrieve;
pub mod schema;
mod store;
mod update;

use crate::entities::{EntityTable, Registry};
use schema::Fields;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tantivy::{Index, IndexReader, TantivyError};

pub use records::{FileRecord, SourceInfo, SpeakerFacts};
pub use retrieve::{Region, Retriever};
pub use update::{RefreshOptions, RefreshReport, DEFAULT_LOCK_TIMEOUT, HOLDER_NOTE};

/// Errors the index cannot recover from by itself.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot use the index folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("index error: {0}")]
    Tantivy(#[from] TantivyError),
    /// The cache folder leads outside the workspace, or is not a folder.
    #[error(transparent)]
    Confined(#[from] crate::disk::confine::ConfineError),
    /// Something sourced did not make stands where it would write or remove.
    #[error("{0}")]
    InTheWay(String),
    /// A search cluster (`[[remote]]`) could not answer: unreachable, no such index, or
    /// some shards missing. The message says which and why (see `crate::remote`).
    #[error("{0}")]
    Remote(String),
}

/// The folder, inside the index folder, that holds the renditions of sources that are not
/// text files (see [`crate::corpus::rendition`]).
pub(crate) const RENDITIONS: &str = "renditions";

/// The index of a set of source folders.
pub struct SourceIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// The last entity table built: (index state, registry fingerprint, table).
    entity_cache: Mutex<Option<(u64, u64, Arc<EntityTable>)>>,
    /// [`SourceIndex::counts`] of one index state: counting visits every document's `size`,
    /// 30–40 ms at 1 GB, and the language server asks on every status report.
    counts_cache: Mutex<Option<(u64, (usize, usize))>>,
    /// [`SourceIndex::speaker_facts`] of recently checked sources, for one index state:
    /// reading and parsing a speech's attributions and entities again for every quotation of
    /// every keystroke would cost more than the check. At most [`SPEAKER_FACTS_KEPT`].
    speaker_cache: Mutex<SpeakerFactsCache>,
}

/// An index state and the speaker facts of the sources read in it (`None`: no such source).
type SpeakerFactsCache = (
    u64,
    std::collections::HashMap<String, Option<Arc<SpeakerFacts>>>,
);

/// How many sources' speaker facts [`SourceIndex`] keeps (dropped all at once past it).
const SPEAKER_FACTS_KEPT: usize = 256;

impl SourceIndex {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the rendition of source `path` (as stored: its display path) is kept: in the
    /// index folder's `renditions/`, under the same relative path plus `.txt` (a path outside
    /// the workspace under `outside/`), so that an editor shows `report.pdf.txt`.
    pub fn rendition_path(&self, path: &str) -> PathBuf {
        rendition_file(&self.dir, path)
    }
}

/// Write `text` as the rendition of source `path` in the index folder `index_dir` (where
/// [`rendition_file`] says), aside and renamed into place: a rename never writes through a
/// link, and readers never see half a file. The renditions folder must be a real folder
/// inside the index folder, and no link in it may lead out of it. The indexer keeps the
/// renditions of local sources with this, and `crate::remote` the text of fetched articles.
pub fn keep_rendition(index_dir: &Path, path: &str, text: &[u8]) -> std::io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    // Each write its own aside file: threads of one process may keep the same text at once.
    static ASIDE: AtomicU64 = AtomicU64::new(0);
    let target = rendition_file(index_dir, path);
    let folder = target.parent().unwrap_or(index_dir);
    let top = index_dir.join(RENDITIONS);
    if std::fs::symlink_metadata(&top).is_ok_and(|m| !m.is_dir()) {
        return Err(std::io::Error::other(
            "the renditions folder is not a folder (a link?)",
        ));
    }
    std::fs::create_dir_all(folder)?;
    let real = std::fs::canonicalize(folder)?;
    let real_top = std::fs::canonicalize(&top)?;
    if !real.starts_with(&real_top) {
        return Err(std::io::Error::other(
            "a link in the renditions folder leads out of it",
        ));
    }
    let aside = folder.join(format!(
        ".{}.{}.{}.tmp",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        ASIDE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&aside);
    crate::disk::confine::write_new(&aside, text)?;
    std::fs::rename(&aside, &target).inspect_err(|_| {
        let _ = std::fs::remove_file(&aside);
    })?;
    Ok(target)
}

/// [`SourceIndex::rendition_path`] for the index folder `index_dir`.
pub fn rendition_file(index_dir: &Path, path: &str) -> PathBuf {
    {
        let mut out = index_dir.join(RENDITIONS);
        let rel = match path.strip_prefix('/') {
            Some(abs) => {
                out.push("outside");
                abs
            }
            None => path,
        };
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            // A display path holds no `..` (it comes from a walk); never let one climb.
            out.push(if part == ".." || part == "." {
                "_"
            } else {
                part
            });
        }
        let mut name = out.into_os_string();
        name.push(".txt");
        PathBuf::from(name)
    }
}

impl SourceIndex {
    pub(crate) fn fields(&self) -> Fields {
        self.fields
    }

    pub(crate) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Whether the index holds nothing at all (just created, or rebuilt).
    pub fn is_empty(&self) -> bool {
        self.reader.searcher().num_docs() == 0
    }

    /// Number of sources in the index.
    pub fn source_count(&self) -> usize {
        self.counts().0
    }

    /// Sources in the index and files recorded as skipped.
    pub fn counts(&self) -> (usize, usize) {
        self.cached_counts().unwrap_or_else(|| {
            let counts = self.count_records().unwrap_or((0, 0));
            self.remember_counts(counts);
            counts
        })
    }

    /// [`SourceIndex::counts`] if known for the index as it is now.
    fn cached_counts(&self) -> Option<(usize, usize)> {
        let state = self.state();
        let cache = self.counts_cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.filter(|(s, _)| *s == state).map(|(_, counts)| counts)
    }

    /// Keep `counts` as those of the index as it is now.
    fn remember_counts(&self, counts: (usize, usize)) {
        let state = self.state();
        *self.counts_cache.lock().unwrap_or_else(|e| e.into_inner()) = Some((state, counts));
    }

    /// The entity table of the indexed sources with `registry` applied. Built from the
    /// stored per-source entities once per index state and registry, then shared.
    pub fn entity_table(&self, registry: &Registry) -> Result<Arc<EntityTable>, IndexError> {
        let state = self.state();
        let reg = registry.fingerprint();
        let cached = self
            .entity_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|(s, r, _)| *s == state && *r == reg)
            .map(|(_, _, table)| table.clone());
        if let Some(table) = cached {
            return Ok(table);
        }
        // Built without the lock: two callers may both build it, neither waits on the other.
        let table = Arc::new(EntityTable::build(self.source_entities()?, registry));
        *self.entity_cache.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((state, reg, table.clone()));
        Ok(table)
    }

    /// What a speaker check needs of source `path` ([`SpeakerFacts`]), cached per index state.
    pub fn speaker_facts(&self, path: &str) -> Result<Option<Arc<SpeakerFacts>>, IndexError> {
        let state = self.state();
        {
            let cache = self.speaker_cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.0 == state {
                if let Some(facts) = cache.1.get(path) {
                    return Ok(facts.clone());
                }
            }
        }
        // Read without the lock (index I/O).
        let facts = self.read_speaker_facts(path)?.map(Arc::new);
        let mut cache = self.speaker_cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.0 != state || cache.1.len() >= SPEAKER_FACTS_KEPT {
            *cache = (state, Default::default());
        }
        cache.1.insert(path.to_string(), facts.clone());
        Ok(facts)
    }

    /// Changes whenever the searcher sees other segments or other deletions: whatever was
    /// computed from the index in one state may differ in another.
    pub fn state(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for s in self.reader.searcher().segment_readers() {
            s.segment_id().uuid_string().hash(&mut h);
            s.num_docs().hash(&mut h);
            s.num_deleted_docs().hash(&mut h);
        }
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<SourceIndex>();
    }
}
