//! The network, used only when the user asks: `sourced archive URL…`, the "Archive this
//! page" code action and the "archive every link of this note" command. Nothing here runs
//! while checking or typing; `tests/architecture.rs` keeps the core (`check` and below) from
//! using this module.
//!
//! | module       | job                                                                   |
//! | ------------ | --------------------------------------------------------------------- |
//! | `fetch`      | one GET per hop, redirects by hand, bounded in time and bytes         |
//! | `warc_write` | a capture as a WARC 1.1 `.warc.gz`, written aside, never over a file  |
//! | `archive`    | the two together, into `<web folder>/<host>/`: the API of CLI and LSP |

pub mod archive;
pub mod fetch;
pub mod warc_write;

pub use archive::{archive, ArchiveError, ArchiveOptions, Capture, WebFolder};
pub use fetch::FetchError;
