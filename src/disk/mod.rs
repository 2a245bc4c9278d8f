//! The disk as sourced meets it in other people's folders: cloned repositories, shared
//! drives, downloads. Every read, walk and write of the core goes through here, so that a
//! hostile filesystem cannot turn sourced against its user.
//!
//! - [`read`]: reading a file opens it without blocking, checks the *opened handle* is a
//!   regular file (a FIFO, device or socket swapped in after a walk is refused, not waited
//!   on), and stops at a byte limit whatever the file's reported size (`/proc` files say
//!   0 bytes and read forever).
//! - [`walk`]: folders are walked with bounds (entries, depth), without entering
//!   pseudo-filesystems (`/proc`, `/sys`, `/dev` and their kind), visiting each real folder
//!   once by (device, inode) whatever links lead to it, and following symbolic links only
//!   when allowed.
//! - [`confine`]: where sourced writes (its cache folder) is checked by *real* path to be
//!   inside the workspace before anything is created or removed, and sourced removes only
//!   folders it marked as its own.
//!
//! Invariants: nothing here panics on what it finds on disk; every refusal is an error
//! value with a sentence a person can act on. Nothing here knows about sources, notes or
//! the index: callers say what a path is for.

pub mod confine;
pub mod read;
pub mod walk;

pub use read::{read_bounded, ReadError};
pub use walk::{Walk, WalkOptions};
