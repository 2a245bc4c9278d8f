//! The server's state, kept small: open documents, the index handle, settings and what was
//! negotiated with the client. Shared by the handlers and the background tasks through an
//! `Arc<State>`.
//!
//! Locks are std locks held for short, synchronous stretches (never across an `.await`); a
//! lock poisoned by a panic is taken over rather than propagated. Heavy work runs through
//! [`blocking`], off the async runtime and behind `catch_unwind`.

use super::documents::Documents;
use super::position::Encoding;
use super::settings::Settings;
use super::sources::SourceTexts;
use crate::check::Checker;
use crate::entities::{EntityTable, Registry};
use crate::index::SourceInfo;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::SystemTime;

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

pub fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|e| e.into_inner())
}

/// Run `f` on the blocking thread pool. A panic in `f` is logged and gives `None`: the
/// server keeps running.
pub async fn blocking<T, F>(what: &'static str, f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let task = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
    });
    match task.await {
        Ok(Ok(v)) => Some(v),
        Ok(Err(panic)) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!("{what} panicked: {msg}");
            None
        }
        Err(e) => {
            tracing::error!("{what} failed: {e}");
            None
        }
    }
}

/// What the client can do, from its `initialize` capabilities.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientCaps {
    pub work_done_progress: bool,
    pub watch_registration: bool,
    pub configuration: bool,
    pub inlay_hint_refresh: bool,
}

/// Settings and negotiated facts, fixed at `initialize` except `settings`.
#[derive(Debug, Clone, Default)]
pub struct Conf {
    pub encoding: Encoding,
    pub caps: ClientCaps,
    pub settings: Settings,
    /// The workspace folder (or root URI); `None` in single-file mode.
    pub root: Option<PathBuf>,
    /// Single-file mode: the first note opened, from which `sourced.toml` is looked for.
    pub first_note: Option<PathBuf>,
    /// Problems with the initialization options, reported once initialized.
    pub problems: Vec<String>,
}

/// Where the index stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexStatus {
    /// No workspace yet (single-file mode before the first note opens).
    Waiting,
    Building,
    Ready,
    Failed(String),
}

/// The checker (configuration + index) once open, and how far it got.
pub struct IndexSlot {
    checker: RwLock<Option<Checker>>,
    status: Mutex<IndexStatus>,
    /// Held while the index is opened or updated, so that those run one at a time.
    pub jobs: tokio::sync::Mutex<()>,
    /// Bumped whenever the index contents may have changed.
    generation: AtomicU64,
    /// The list of sources for completion, cached per generation.
    catalog: Mutex<Option<(u64, Arc<Vec<SourceInfo>>)>>,
    /// `entities.toml` as last read, with the modification time it had then.
    registry: Mutex<Option<ReadRegistry>>,
    /// Why `entities.toml` could not be read, until the user has been told.
    registry_error: Mutex<Option<String>>,
    /// The entity table, cached per generation and registry fingerprint.
    entities: Mutex<Option<(u64, u64, Entities)>>,
}

/// `entities.toml`'s path, modification time and contents.
type ReadRegistry = (PathBuf, Option<SystemTime>, Arc<Registry>);

/// The entity table of the open index and the workspace root its source paths are
/// relative to.
#[derive(Clone)]
pub struct Entities {
    pub table: Arc<EntityTable>,
    pub root: PathBuf,
}

impl Default for IndexSlot {
    fn default() -> Self {
        IndexSlot {
            checker: RwLock::new(None),
            status: Mutex::new(IndexStatus::Waiting),
            jobs: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            catalog: Mutex::new(None),
            registry: Mutex::new(None),
            registry_error: Mutex::new(None),
            entities: Mutex::new(None),
        }
    }
}

impl IndexSlot {
    /// `f` on the checker, or `None` while there is none.
    pub fn with<T>(&self, f: impl FnOnce(&Checker) -> T) -> Option<T> {
        read(&self.checker).as_ref().map(f)
    }

    pub fn with_mut<T>(&self, f: impl FnOnce(&mut Checker) -> T) -> Option<T> {
        let out = write(&self.checker).as_mut().map(f);
        self.changed();
        out
    }

    pub fn replace(&self, checker: Option<Checker>) {
        let old = std::mem::replace(&mut *write(&self.checker), checker);
        // The old index is closed outside the lock.
        drop(old);
        self.changed();
    }

    pub fn status(&self) -> IndexStatus {
        lock(&self.status).clone()
    }

    pub fn set_status(&self, s: IndexStatus) {
        *lock(&self.status) = s;
    }

    pub fn is_ready(&self) -> bool {
        read(&self.checker).is_some()
    }

    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Every source with its keys and metadata (cached until the index changes).
    pub fn catalog(&self) -> Option<Arc<Vec<SourceInfo>>> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((g, list)) = lock(&self.catalog).as_ref() {
            if *g == generation {
                return Some(list.clone());
            }
        }
        let list = Arc::new(
            self.with(|c| c.index().sources())?
                .map_err(|e| tracing::warn!("listing sources: {e}"))
                .unwrap_or_default(),
        );
        *lock(&self.catalog) = Some((generation, list.clone()));
        Some(list)
    }

    /// The workspace's `entities.toml` (empty if missing or broken: the error is kept for
    /// [`IndexSlot::take_registry_error`]), re-read when its modification time changes.
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

    /// The entity table, built on first use after the index or `entities.toml` changed
    /// (blocking: call it off the async runtime). `None` while the index is not open or
    /// when building it failed (logged).
    pub fn entities(&self) -> Option<Entities> {
        let generation = self.generation.load(Ordering::SeqCst);
        let root = self.with(|c| c.workspace.root.clone())?;
        let registry = self.registry(&root);
        let fingerprint = registry.fingerprint();
        if let Some((g, f, e)) = lock(&self.entities).as_ref() {
            if *g == generation && *f == fingerprint && e.root == root {
                return Some(e.clone());
            }
        }
        let table = self
            .with(|c| c.index().entity_table(&registry))?
            .map_err(|e| tracing::warn!("building the entity table: {e}"))
            .ok()?;
        let entities = Entities { table, root };
        *lock(&self.entities) = Some((generation, fingerprint, entities.clone()));
        Some(entities)
    }

    /// Metadata of one source, if the index is open and knows it.
    pub fn source_info(&self, path: &str) -> Option<SourceInfo> {
        self.with(|c| c.index().source_info(path).ok().flatten())
            .flatten()
    }
}

/// Everything the server keeps.
#[derive(Default)]
pub struct State {
    pub docs: Mutex<Documents>,
    pub conf: RwLock<Conf>,
    pub index: IndexSlot,
    pub sources: SourceTexts,
    /// Set by `shutdown`: `exit` then ends with code 0 instead of 1.
    pub shutdown: AtomicBool,
    /// Set once an index open has been started (single-file mode starts it on first open).
    pub index_started: AtomicBool,
}

impl State {
    pub fn conf(&self) -> Conf {
        read(&self.conf).clone()
    }

    pub fn encoding(&self) -> Encoding {
        read(&self.conf).encoding
    }

    pub fn settings(&self) -> Settings {
        read(&self.conf).settings.clone()
    }
}
