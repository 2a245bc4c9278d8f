//! Search clusters as sources: a newsroom's archive in OpenSearch or Elasticsearch
//! (`[[remote]]` in `sourced.toml`), queried over HTTP. Remote retrieval, local
//! verification: the cluster narrows millions of articles to the few that may hold a
//! quotation; the alignment, verdict, diff and byte ranges are computed here on the text it
//! returns, exactly as for local sources.
//!
//! One job per module:
//! - [`http`]: requests to a cluster (authentication, timeouts, retries, failover) and
//!   [`RemoteError`];
//! - [`query`]: the search requests, in the query language both engines share;
//! - [`archive`]: [`RemoteArchive`], one archive as a [`crate::index::Retriever`];
//! - [`combined`]: [`AllSources`], the local index and the archives as one retriever;
//! - [`publish`]: `sourced index --remote`, loading local sources into a cluster.
//!
//! Invariants:
//! - notes never leave the machine: only a quotation's words are sent;
//! - a cluster that cannot answer for every shard makes the check fail with a message that
//!   says so; it never turns into a "not found";
//! - nothing here runs on the language server's async runtime: requests block, and are made
//!   from the same worker threads as local index I/O.

pub mod archive;
pub mod combined;
pub mod http;
pub mod publish;
pub mod query;

pub use archive::RemoteArchive;

/// A mutex's guard, also after a panic elsewhere: the caches it guards stay usable.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
pub use combined::AllSources;
pub use http::RemoteError;
