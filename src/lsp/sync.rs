//! Small synchronisation helpers shared by the server's modules.
//!
//! Locks are std locks held for short, synchronous stretches: a map lookup, an `Arc` clone, a
//! swap. None is held across an `.await`, across index I/O or while waiting for tantivy's
//! writer lock. A lock poisoned by a panic is taken over rather than propagated. Heavy work
//! runs through [`blocking`], off the async runtime and behind `catch_unwind`.

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

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
