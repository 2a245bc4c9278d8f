//! One workspace: a folder the client opened (multi-root clients send several), or, for a note
//! outside every folder, the workspace found from that note. Each has its own `sourced.toml`,
//! sources, index, source-text cache and entity table.
//!
//! The folder's checker (configuration + index) is kept as an `Arc` and handed out as an
//! [`IndexSnapshot`]: a request or a check clones the `Arc` under a lock held for the clone
//! alone, then works without any lock of ours. The indexer (`indexer.rs`) updates the index
//! through the same `Arc` (tantivy's writer and reader need no `&mut`) or swaps in a new
//! checker; each change bumps the [generation](IndexSnapshot::generation), which check
//! results are keyed by.

use super::sources::SourceTexts;
use super::sync::{lock, read, write};
use crate::check::Checker;
use crate::entities::{EntityTable, Registry};
use crate::index::Retriever;
use crate::index::SourceInfo;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::SystemTime;
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::Uri;

/// Index generations are unique across folders and re-opens: a result keyed by one is never
/// mistaken for a result of another index.
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, Ordering::SeqCst)
}

/// Where a folder's index stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexStatus {
    /// Not started yet.
    Waiting,
    Building,
    Ready,
    Failed(String),
}

/// What the indexer of a folder is asked to do (see `indexer.rs`).
#[derive(Debug, Clone)]
pub enum IndexJob {
    /// Open (or re-open) the index and bring it up to date.
    Open,
    /// These files changed on disk.
    Update(Vec<PathBuf>),
    /// The folder was removed from the workspace: close the index, end the indexer.
    Close,
}

/// One workspace and its index.
pub struct Folder {
    /// Where `sourced.toml` is looked for: the workspace folder, or the note that opened a
    /// workspace of its own.
    pub start: PathBuf,
    /// The folder as the client named it (`None` for a note's own workspace).
    pub uri: Option<Uri>,
    /// The workspace root once known (the folder of `sourced.toml`, else `start`'s folder).
    root: RwLock<PathBuf>,
    checker: RwLock<Option<Arc<Checker>>>,
    generation: AtomicU64,
    status: Mutex<IndexStatus>,
    pub sources: SourceTexts,
    /// The indexer's queue, once started.
    pub(crate) jobs: OnceLock<UnboundedSender<IndexJob>>,
    /// The list of sources for completion, per generation.
    catalog: Mutex<Option<(u64, Arc<Vec<SourceInfo>>)>>,
    /// `entities.toml` as last read, with its modification time.
    registry: Mutex<Option<ReadRegistry>>,
    /// Why `entities.toml` could not be read, until the user has been told.
    registry_error: Mutex<Option<String>>,
    /// The entity table of one generation and registry fingerprint: built once, by the first
    /// caller, while later callers wait for that build instead of building their own.
    entities: Mutex<Option<EntitySlot>>,
    /// The user was told that this folder has no sources (once per session).
    pub(crate) told_no_sources: std::sync::atomic::AtomicBool,
}

type ReadRegistry = (PathBuf, Option<SystemTime>, Arc<Registry>);

/// (generation, registry fingerprint, root, the table once built; `None` if building failed).
type EntitySlot = (u64, u64, PathBuf, Arc<OnceLock<Option<Entities>>>);

/// The entity table of an index and the workspace root its source paths are relative to.
#[derive(Clone)]
pub struct Entities {
    pub table: Arc<EntityTable>,
    pub root: PathBuf,
}

impl Folder {
    pub fn new(start: PathBuf, uri: Option<Uri>, root: PathBuf) -> Folder {
        Folder {
            start,
            uri,
            root: RwLock::new(root),
            checker: RwLock::new(None),
            generation: AtomicU64::new(next_generation()),
            status: Mutex::new(IndexStatus::Waiting),
            sources: SourceTexts::default(),
            jobs: OnceLock::new(),
            catalog: Mutex::new(None),
            registry: Mutex::new(None),
            registry_error: Mutex::new(None),
            entities: Mutex::new(None),
            told_no_sources: Default::default(),
        }
    }

    /// The workspace root (notes under it belong to this folder).
    pub fn root(&self) -> PathBuf {
        read(&self.root).clone()
    }

    pub fn set_root(&self, root: PathBuf) {
        *write(&self.root) = root;
    }

    /// The index as it is now, or `None` while there is none.
    pub fn snapshot(self: &Arc<Self>) -> Option<IndexSnapshot> {
        let checker = read(&self.checker).clone()?;
        Some(IndexSnapshot {
            checker,
            generation: self.generation(),
            folder: self.clone(),
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Put in another checker (or none); the old one is dropped when its last snapshot is.
    pub fn replace(&self, checker: Option<Arc<Checker>>) {
        if let Some(c) = &checker {
            self.sources.set_limit(c.workspace.max_file_bytes());
            self.sources.set_index_dir(c.index().dir());
        }
        let old = std::mem::replace(&mut *write(&self.checker), checker);
        self.changed();
        drop(old);
    }

    /// The index contents changed (an update was committed).
    pub fn changed(&self) {
        self.generation.store(next_generation(), Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        read(&self.checker).is_some()
    }

    pub fn status(&self) -> IndexStatus {
        lock(&self.status).clone()
    }

    pub fn set_status(&self, s: IndexStatus) {
        *lock(&self.status) = s;
    }

    /// Ask the indexer to do `job` (ignored before the indexer started: it opens first).
    pub fn request(&self, job: IndexJob) {
        if let Some(tx) = self.jobs.get() {
            let _ = tx.send(job);
        }
    }

    /// `entities.toml` (empty if missing or broken: the error is kept for
    /// [`Folder::take_registry_error`]), re-read when its modification time changes.
    fn registry(&self, root: &Path) -> Arc<Registry> {
        let path = root.join(crate::entities::registry::FILE_NAME);
        let now = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if let Some((p, t, r)) = lock(&self.registry).as_ref() {
            if *p == path && *t == now {
                return r.clone();
            }
        }
        let registry = Arc::new(Registry::load(root).unwrap_or_else(|e| {
            tracing::warn!("{e}");
            *lock(&self.registry_error) = Some(e.to_string());
            Registry::default()
        }));
        *lock(&self.registry) = Some((path, now, registry.clone()));
        registry
    }

    /// Why `entities.toml` could not be read, once per time it was read.
    pub fn take_registry_error(&self) -> Option<String> {
        lock(&self.registry_error).take()
    }

    /// Forget the registry read last (`entities.toml` changed on disk).
    pub fn forget_registry(&self) {
        *lock(&self.registry) = None;
    }
}

/// A folder's index at one moment: what requests and checks work with. Holding it keeps that
/// checker alive; it never blocks the indexer.
#[derive(Clone)]
pub struct IndexSnapshot {
    pub checker: Arc<Checker>,
    /// Changes whenever the index contents may have changed.
    pub generation: u64,
    pub folder: Arc<Folder>,
}

impl IndexSnapshot {
    /// Metadata of one source, if the index knows it.
    pub fn source_info(&self, path: &str) -> Option<SourceInfo> {
        self.checker.retriever().source_info(path).ok().flatten()
    }

    /// Source texts read from disk (shared by the folder's snapshots).
    pub fn sources(&self) -> &SourceTexts {
        &self.folder.sources
    }

    pub fn root(&self) -> &Path {
        &self.checker.workspace.root
    }

    /// Every source with its keys and metadata (cached per generation; blocking).
    pub fn catalog(&self) -> Arc<Vec<SourceInfo>> {
        if let Some((g, list)) = lock(&self.folder.catalog).as_ref() {
            if *g == self.generation {
                return list.clone();
            }
        }
        let list = Arc::new(
            self.checker
                .index()
                .sources()
                .map_err(|e| tracing::warn!("listing sources: {e}"))
                .unwrap_or_default(),
        );
        *lock(&self.folder.catalog) = Some((self.generation, list.clone()));
        list
    }

    /// The entity table, built on first use after the index or `entities.toml` changed
    /// (blocking: call it off the async runtime). `None` when building it failed (logged).
    ///
    /// Built once per generation: callers that come while it is being built (the indexer's
    /// background build, a hover, a completion) wait for that one build rather than build a
    /// table each, which doubled the peak memory of the first hover. The folder's mutex is
    /// held only to find or put the slot, never while building.
    pub fn entities(&self) -> Option<Entities> {
        let root = self.root().to_path_buf();
        let registry = self.folder.registry(&root);
        let fingerprint = registry.fingerprint();
        let cell = {
            let mut slot = lock(&self.folder.entities);
            match slot.as_ref() {
                Some((g, f, r, cell))
                    if *g == self.generation && *f == fingerprint && *r == root =>
                {
                    cell.clone()
                }
                // A snapshot older than the table kept: build for it alone.
                Some((g, ..)) if *g > self.generation => Arc::new(OnceLock::new()),
                _ => {
                    let cell = Arc::new(OnceLock::new());
                    *slot = Some((self.generation, fingerprint, root.clone(), cell.clone()));
                    cell
                }
            }
        };
        cell.get_or_init(|| {
            let table = self
                .checker
                .index()
                .entity_table(&registry)
                .map_err(|e| tracing::warn!("building the entity table: {e}"))
                .ok()?;
            Some(Entities { table, root })
        })
        .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_that_come_together_share_one_entity_table() {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let cache = tempfile::tempdir().unwrap();
        let ws = crate::config::Workspace {
            root: repo.clone(),
            file: None,
            config: crate::config::Config {
                sources: vec!["seeds".into()],
                index_dir: Some(cache.path().to_string_lossy().into_owned()),
                ..Default::default()
            },
        };
        let (checker, _) = Checker::open(ws, &[]).unwrap();
        let folder = Arc::new(Folder::new(repo.clone(), None, repo));
        folder.replace(Some(Arc::new(checker)));
        let snap = folder.snapshot().unwrap();
        let start = Arc::new(std::sync::Barrier::new(4));
        let tables: Vec<Arc<EntityTable>> = (0..4)
            .map(|_| {
                let (snap, start) = (snap.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    snap.entities().unwrap().table
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        for t in &tables[1..] {
            assert!(Arc::ptr_eq(&tables[0], t), "a second table was built");
        }
    }
}
