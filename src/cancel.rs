//! Cooperative cancellation. The language server starts a check for every edit; when a newer
//! edit comes in, the older check is of no use and its [`CancelFlag`] is raised. Long-running
//! core work (checking a note's quotations one by one, aligning a long quotation) looks at
//! the flag between steps and gives up with [`crate::check::CheckError::Cancelled`].
//!
//! A flag is cheap to clone: the clones share one atomic.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> CancelFlag {
        CancelFlag::default()
    }

    /// Ask every holder of a clone of this flag to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
