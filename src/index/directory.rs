//! The index folder as tantivy sees it: tantivy's [`MmapDirectory`], except that an index
//! whose folder cannot be written (a read-only disk, a folder of another user) can still be
//! read.
//!
//! Invariant: reading an index never writes to its folder. tantivy's reader takes the *meta
//! lock* (`.tantivy-meta.lock`) while it opens segment files, so that a writer's garbage
//! collection does not delete them meanwhile; taking it opens the lock file for writing,
//! which fails where nothing can be written. Only then is the reader let through without
//! the lock: on a read-only disk no one deletes anything, and for a folder that only its
//! owner may write, a segment deleted by the owner's collection while being opened makes
//! that open fail with an error (the index is then reported damaged), never read wrong.
//! Every other operation, the writer's lock included, is the plain [`MmapDirectory`]'s.

use std::io;
use std::path::Path;
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr, META_LOCK,
};
use tantivy::Directory;

/// [`MmapDirectory`] that reads a folder it cannot write to.
#[derive(Clone, Debug)]
pub(crate) struct IndexDirectory {
    inner: MmapDirectory,
}

impl IndexDirectory {
    pub(crate) fn open(dir: &Path) -> tantivy::Result<Self> {
        Ok(IndexDirectory {
            inner: MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?,
        })
    }
}

/// Whether an error means that the folder cannot be written at all (rather than that
/// something else went wrong).
pub(crate) fn cannot_write(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if lock.filepath == META_LOCK.filepath && cannot_write(&e) =>
            {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
}
