//! Checking notes: debounced per document, off the async runtime, cancelled when superseded,
//! and stored only when newer than what the document holds.
//!
//! - Every scheduled check takes a new sequence number from its document (`Document::seq`)
//!   and raises the previous check's [`CancelFlag`]: the core gives up between quotations and
//!   inside long alignments, so overlapping checks do not pile up.
//! - A check works on a snapshot: the note's rope and version and the folder's
//!   [`IndexSnapshot`]. Its results are keyed by (version, index generation, settings epoch)
//!   and replace the stored ones only if not older (`Document::store`).
//! - Diagnostics are pushed only by the latest check of the current version, and only to
//!   clients that do not pull them.
//! - Against an index with no source no quotation gets a verdict (see `no_sources.rs`).
//! - Requests wait for results through [`Session::lookup`]: they wake the pending check
//!   rather than start one of their own, so N requests after an edit cost one check.

use super::diagnostics;
use super::documents::Checked;
use super::folder::{IndexSnapshot, IndexStatus};
use super::no_sources;
use super::session::Session;
use super::settings::Settings;
use super::state::Conf;
use super::sync::{blocking, lock};
use crate::cancel::CancelFlag;
use crate::check::CheckError;
use crate::quotes::extract;
use ropey::Rope;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::ls_types::{MessageType, Uri};

/// Notes larger than this are not checked (a diagnostic says so).
pub const MAX_NOTE_BYTES: usize = 8 << 20;

/// How long a request waits for a note's results before giving up.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(120);

/// The smallest quotation checked, from the editor's setting or else `sourced.toml`.
pub fn min_words(settings: &Settings, snap: &IndexSnapshot) -> usize {
    settings.min_words.unwrap_or(snap.checker.min_words)
}

/// Scan and check a note's text against `snap` (blocking work). A note too large to check, or
/// whose check failed, gets results with no quotation and a diagnostic that says why; only a
/// cancelled check gives nothing.
pub fn check_text(
    snap: &IndexSnapshot,
    path: &Path,
    rope: Rope,
    version: i32,
    conf: &Conf,
    epoch: u64,
    cancel: &CancelFlag,
) -> Option<Checked> {
    let text = rope.to_string();
    let mut checked = Checked {
        version,
        index: snap.clone(),
        epoch,
        diagnostics: Vec::new(),
        text: String::new(),
        rope,
        results: Vec::new(),
        citations: Vec::new(),
        unknown: Vec::new(),
        bibliography: Default::default(),
        root: snap.root().to_path_buf(),
        path: path.to_path_buf(),
    };
    if text.len() > MAX_NOTE_BYTES {
        checked.diagnostics = vec![diagnostics::not_checked(format!(
            "note not checked: {:.1} MB is more than sourced checks ({} MB)",
            text.len() as f64 / (1 << 20) as f64,
            MAX_NOTE_BYTES >> 20
        ))];
        checked.text = text;
        return Some(checked);
    }
    let c = &snap.checker;
    let scan = extract::scan(&text, min_words(&conf.settings, snap));
    let citations = scan.citations.clone();
    let bib = c.note_bibliography(path, &text);
    checked.bibliography = bib.clone();
    // Against no source every quotation would be "not found": none gets a verdict, and one
    // diagnostic says why. Links to pages no source captured are still shown, with their
    // "Archive this page" fix: archiving is one way to get sources.
    if let Some(why) = no_sources::of(snap) {
        let first = scan.quotes.first().map(|q| q.range.clone());
        let unknown = match c.unknown_citations_in(path, &citations, &bib) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!("citations of {}: {e}", path.display());
                Vec::new()
            }
        };
        checked.unknown = unknown
            .into_iter()
            .filter(|u| matches!(u.citation.target, extract::CitationTarget::Url(_)))
            .collect();
        checked.citations = citations;
        checked.text = text;
        let mut diagnostics = vec![no_sources::diagnostic(
            &why,
            &checked.rope,
            first,
            conf.encoding,
        )];
        diagnostics.extend(diagnostics::diagnostics(
            &checked,
            &conf.settings,
            conf.encoding,
        ));
        checked.diagnostics = diagnostics;
        return Some(checked);
    }
    let result = c
        .unknown_citations_in(path, &citations, &bib)
        .and_then(|unknown| Ok((c.check_scan_in(path, scan, &bib, cancel)?, unknown)));
    checked.text = text;
    match result {
        Ok((results, unknown)) => {
            checked.results = results;
            checked.citations = citations;
            checked.unknown = unknown;
            checked.diagnostics = diagnostics::diagnostics(&checked, &conf.settings, conf.encoding);
        }
        Err(CheckError::Cancelled) => return None,
        Err(e) => {
            tracing::error!("checking {}: {e}", path.display());
            checked.diagnostics = vec![diagnostics::not_checked(format!("note not checked: {e}"))];
        }
    }
    Some(checked)
}

/// Read a note from disk and check it (blocking; for notes that are not open). `None` if it
/// cannot be read or is too large (logged). Without sources it has no diagnostic: the open
/// notes say so.
pub fn check_file(snap: &IndexSnapshot, path: &Path, conf: &Conf, epoch: u64) -> Option<Checked> {
    let text = match crate::disk::read_bounded(path, MAX_NOTE_BYTES as u64, true)
        .map_err(|e| e.to_string())
        .and_then(|b| crate::corpus::decode(&b).map_err(|e| e.to_string()))
    {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!("{}: {e}", path.display());
            return None;
        }
    };
    let mut checked = check_text(
        snap,
        path,
        Rope::from_str(&text),
        0,
        conf,
        epoch,
        &CancelFlag::new(),
    )?;
    checked
        .diagnostics
        .retain(|d| !no_sources::is_no_sources(d));
    Some(checked)
}

/// What a request about a note can work with.
pub enum Lookup {
    /// Not an open document, or no results came.
    Unknown,
    /// The index is not open yet; the note's current text.
    NotReady(Rope),
    Ready(Arc<Checked>),
}

/// Which results a request can use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Results for the current text, against any state of the index (hover, fixes).
    CurrentText,
    /// … and against the index and under the settings as they are now (pulled diagnostics).
    CurrentIndex,
}

impl Session {
    /// Check `uri` after `delay`, unless another check is scheduled meanwhile.
    pub(crate) fn schedule_check(&self, uri: Uri, delay: Duration) {
        let (seq, cancel, wake) = {
            let mut docs = lock(&self.state.docs);
            let Some(doc) = docs.get_mut(&uri) else {
                return;
            };
            doc.seq += 1;
            doc.cancel.cancel();
            doc.cancel = CancelFlag::new();
            (doc.seq, doc.cancel.clone(), doc.wake.clone())
        };
        let this = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = wake.notified() => {}
                }
            }
            this.run_check(&uri, seq, cancel).await;
            if let Some(doc) = lock(&this.state.docs).get_mut(&uri) {
                doc.done_seq = doc.done_seq.max(seq);
            }
        });
    }

    /// Check every open note again (the index or the settings changed).
    pub(crate) fn recheck_all(&self, delay: Duration) {
        for uri in self.state.open_uris() {
            self.schedule_check(uri, delay);
        }
    }

    async fn run_check(&self, uri: &Uri, seq: u64, cancel: CancelFlag) {
        let (path, rope, version, folder) = {
            let docs = lock(&self.state.docs);
            let Some(doc) = docs.get(uri).filter(|d| d.seq == seq) else {
                return;
            };
            (
                doc.path.clone(),
                doc.rope.clone(),
                doc.version,
                doc.folder.clone(),
            )
        };
        // Not open yet: the indexer checks every open note once it is.
        let Some(snap) = folder.snapshot() else {
            return;
        };
        let conf = self.state.conf();
        let epoch = self.state.epoch();
        let pull = conf.caps.pull_diagnostics;
        let work = move || check_text(&snap, &path, rope, version, &conf, epoch, &cancel);
        let Some(Some(checked)) = blocking("checking a note", work).await else {
            return;
        };
        let checked = Arc::new(checked);
        let publish = {
            let docs = lock(&self.state.docs);
            let Some(doc) = docs.get(uri).filter(|d| d.version == version) else {
                return;
            };
            doc.store(checked.clone()) && doc.seq == seq
        };
        if publish && !pull {
            tracing::debug!(
                "publishing {} diagnostics for {} v{version}",
                checked.diagnostics.len(),
                uri.as_str()
            );
            self.client
                .publish_diagnostics(uri.clone(), checked.diagnostics.clone(), Some(version))
                .await;
        }
        if publish {
            self.report_bibliography(&checked.bibliography).await;
        }
    }

    /// Problems with a note's bibliography files (syntax errors by line): each file's are
    /// published as its diagnostics and logged, when they differ from what was last reported
    /// for that file (so a fixed file's diagnostics are cleared).
    async fn report_bibliography(&self, bib: &crate::bibliography::Bibliography) {
        let changed: Vec<(std::path::PathBuf, Vec<crate::bibliography::Warning>)> = {
            let mut reported = lock(&self.state.bib_warnings);
            bib.files
                .iter()
                .filter_map(|f| {
                    let now: Vec<_> = bib
                        .warnings
                        .iter()
                        .filter(|w| &w.path == f)
                        .cloned()
                        .collect();
                    let before = reported.get(f).map(Vec::as_slice).unwrap_or_default();
                    (before != now.as_slice()).then(|| {
                        reported.insert(f.clone(), now.clone());
                        (f.clone(), now)
                    })
                })
                .collect()
        };
        for (file, warnings) in changed {
            for w in &warnings {
                self.client
                    .log_message(MessageType::WARNING, format!("sourced: {w}"))
                    .await;
            }
            if let Some(uri) = super::sources::file_uri(&file) {
                let diags = diagnostics::bibliography(&warnings);
                self.client.publish_diagnostics(uri, diags, None).await;
            }
        }
    }

    /// Results for the current text of `uri` (for requests). Waits for the pending check
    /// (cutting its debounce short), or schedules one when none is pending.
    pub(crate) async fn lookup(&self, uri: &Uri, fresh: Freshness) -> Lookup {
        // Pulled diagnostics want results made under the settings as they are now too.
        let epoch = self.state.epoch();
        let wanted = |c: &Checked, version: i32, generation: u64| {
            c.version >= version
                && (fresh == Freshness::CurrentText
                    || (c.index.generation >= generation && c.epoch >= epoch))
        };
        let (generation, check_now) = {
            let docs = lock(&self.state.docs);
            let Some(doc) = docs.get(uri) else {
                return Lookup::Unknown;
            };
            let generation = doc.folder.generation();
            if let Some(c) = doc.checked().filter(|c| wanted(c, doc.version, generation)) {
                return Lookup::Ready(c);
            }
            if !doc.folder.is_ready() {
                // Pulled diagnostics wait for the index (clients that cannot take a refresh
                // request would otherwise keep the empty report until the next edit); other
                // requests answer at once. A folder whose index failed has nothing to wait for.
                let failed = matches!(doc.folder.status(), IndexStatus::Failed(_));
                if fresh == Freshness::CurrentText || failed {
                    return Lookup::NotReady(doc.rope.clone());
                }
                (0, false)
            } else if doc.done_seq >= doc.seq {
                // Nothing pending for this text and this index: check now.
                (generation, true)
            } else {
                doc.wake.notify_one();
                (generation, false)
            }
        };
        if check_now {
            self.schedule_check(uri.clone(), Duration::ZERO);
        }
        let (mut rx, version) = {
            let docs = lock(&self.state.docs);
            let Some(doc) = docs.get(uri) else {
                return Lookup::Unknown;
            };
            (doc.subscribe(), doc.version)
        };
        let waited = tokio::time::timeout(
            LOOKUP_TIMEOUT,
            rx.wait_for(|c| c.as_ref().is_some_and(|c| wanted(c, version, generation))),
        )
        .await;
        match waited {
            Ok(Ok(c)) => c.clone().map_or(Lookup::Unknown, Lookup::Ready),
            _ => Lookup::Unknown,
        }
    }
}
