//! Checking notes: debounced per document, off the async runtime, and published only while
//! the result is still for the latest text.
//!
//! Every scheduled check takes a new sequence number from its document (`Document::seq`).
//! After the debounce and again after the check, a task that is no longer the latest one (a
//! newer edit or check came in) or whose document version moved on drops its result, so stale
//! diagnostics are never published.

use super::diagnostics;
use super::documents::Checked;
use super::server::Server;
use super::state::{blocking, lock, State};
use crate::quotes::extract;
use ropey::Rope;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

/// Notes larger than this are not checked (a diagnostic says so).
pub const MAX_NOTE_BYTES: usize = 8 << 20;

/// What checking a text gave.
pub enum Outcome {
    /// The index is not open yet.
    NotReady,
    TooLarge(usize),
    Failed(String),
    Done(Checked),
}

/// Scan and check a note's text against the open index (blocking work).
pub fn check_now(state: &State, path: &Path, rope: Rope, version: i32) -> Outcome {
    let text = rope.to_string();
    if text.len() > MAX_NOTE_BYTES {
        return Outcome::TooLarge(text.len());
    }
    let result = state.index.with(|c| {
        let scan = extract::scan(&text, c.min_words);
        let citations = scan.citations.clone();
        let unknown = c.unknown_citations(path, &citations)?;
        c.check_scan(path, scan)
            .map(|results| (results, citations, unknown, c.workspace.root.clone()))
    });
    match result {
        None => Outcome::NotReady,
        Some(Err(e)) => Outcome::Failed(e.to_string()),
        Some(Ok((results, citations, unknown, root))) => Outcome::Done(Checked {
            version,
            text,
            rope,
            results,
            citations,
            unknown,
            root,
            path: path.to_path_buf(),
        }),
    }
}

/// What a request about a note can work with.
pub enum Lookup {
    /// Not an open document, or one that cannot be checked.
    Unknown,
    /// The index is not open yet; the note's current text.
    NotReady(Rope),
    Ready(Arc<Checked>),
}

impl Server {
    /// Check `uri` after `delay`, unless another check is scheduled meanwhile.
    pub(crate) fn schedule_check(&self, uri: Uri, delay: Duration) {
        let seq = {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.get_mut(&uri) else {
                return;
            };
            doc.seq += 1;
            doc.seq
        };
        let this = self.clone();
        tokio::spawn(async move { this.run_check(uri, seq, delay).await });
    }

    /// Check every open note again (the index or the settings changed).
    pub(crate) fn recheck_all(&self, delay: Duration) {
        let uris = lock(&self.state.docs).uris();
        for uri in uris {
            self.schedule_check(uri, delay);
        }
    }

    /// The document's version if `seq` is still its latest scheduled check.
    fn latest(&self, uri: &Uri, seq: u64) -> Option<(PathBuf, Rope, i32)> {
        let docs = lock(&self.state.docs);
        let doc = docs.get(uri).filter(|d| d.seq == seq)?;
        Some((doc.path.clone(), doc.rope.clone(), doc.version))
    }

    async fn run_check(&self, uri: Uri, seq: u64, delay: Duration) {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let Some((path, rope, version)) = self.latest(&uri, seq) else {
            return;
        };
        let state = self.state.clone();
        let work = move || -> Option<(Option<Arc<Checked>>, Vec<Diagnostic>)> {
            match check_now(&state, &path, rope, version) {
                Outcome::NotReady => None,
                Outcome::Failed(e) => {
                    tracing::error!("checking {}: {e}", path.display());
                    None
                }
                Outcome::TooLarge(n) => Some((
                    None,
                    vec![diagnostics::not_checked(format!(
                        "note not checked: {:.1} MB is more than sourced checks ({} MB)",
                        n as f64 / (1 << 20) as f64,
                        MAX_NOTE_BYTES >> 20
                    ))],
                )),
                Outcome::Done(checked) => {
                    let conf = state.conf();
                    let diags =
                        diagnostics::diagnostics(&checked, &conf.settings, conf.encoding, &state);
                    Some((Some(Arc::new(checked)), diags))
                }
            }
        };
        let Some(Some((checked, diags))) = blocking("checking a note", work).await else {
            return;
        };
        {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.get_mut(&uri) else {
                return;
            };
            if doc.version != version {
                return;
            }
            if checked.is_some() {
                doc.checked = checked;
            }
            if doc.seq != seq {
                return;
            }
        }
        tracing::debug!(
            "publishing {} diagnostics for {} v{version}",
            diags.len(),
            uri.as_str()
        );
        self.client
            .publish_diagnostics(uri, diags, Some(version))
            .await;
    }

    /// Results for the current text of `uri`, checking it now if needed (for requests).
    pub(crate) async fn lookup(&self, uri: &Uri) -> Lookup {
        let (path, rope, version) = {
            let docs = lock(&self.state.docs);
            let Some(doc) = docs.get(uri) else {
                return Lookup::Unknown;
            };
            if let Some(c) = doc.current() {
                return Lookup::Ready(c);
            }
            (doc.path.clone(), doc.rope.clone(), doc.version)
        };
        if !self.state.index.is_ready() {
            return Lookup::NotReady(rope);
        }
        let state = self.state.clone();
        let fallback = rope.clone();
        let outcome = blocking("checking a note", move || {
            check_now(&state, &path, rope, version)
        })
        .await;
        match outcome {
            Some(Outcome::Done(c)) => {
                let c = Arc::new(c);
                let mut docs = lock(&self.state.docs);
                if let Some(doc) = docs.get_mut(uri).filter(|d| d.version == version) {
                    doc.checked = Some(c.clone());
                }
                Lookup::Ready(c)
            }
            Some(Outcome::NotReady) => Lookup::NotReady(fallback),
            // Too large, or the check failed (logged): nothing to offer.
            _ => Lookup::Unknown,
        }
    }
}
