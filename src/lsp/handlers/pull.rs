//! Pull diagnostics (LSP 3.17): `textDocument/diagnostic` for one note and
//! `workspace/diagnostic` for every note of every folder, open or not.
//!
//! - An open note's report is its results for the current text against the index as it is
//!   now (waiting for the pending check); its `resultId` names the version, the index
//!   generation and the settings epoch, so a client that sends it back gets `unchanged`
//!   while none of the three moved.
//! - A note that is not open is read from disk; its `resultId` names its modification time
//!   and size, the generation and the epoch, so an unchanged note of an unchanged workspace
//!   is answered `unchanged` without being read or checked.
//! - With a `partialResultToken`, workspace reports go out in batches as `$/progress`
//!   notifications and the final answer is empty, as the protocol asks.
//! - After the index changes the server sends `workspace/diagnostic/refresh`.

use crate::lsp::folder::IndexSnapshot;
use crate::lsp::schedule::{check_file, Freshness, Lookup};
use crate::lsp::session::Session;
use crate::lsp::sync::{blocking, lock};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;

/// `$/progress` carrying partial results of `workspace/diagnostic` (ls-types' own
/// `Progress` notification knows only work-done progress).
enum PartialResult {}

#[derive(serde::Serialize, serde::Deserialize)]
struct PartialResultParams {
    token: ProgressToken,
    value: WorkspaceDiagnosticReportPartialResult,
}

impl Notification for PartialResult {
    type Params = PartialResultParams;
    const METHOD: &'static str = "$/progress";
}

/// How long a workspace report with partial results waits before its (empty) response,
/// so that its `$/progress` notifications are written before it (see `workspace_diagnostic`).
const PARTIAL_RESULTS_FLUSH: std::time::Duration = std::time::Duration::from_millis(50);

/// Notes per `$/progress` batch of a workspace report.
const BATCH: usize = 50;

fn full(result_id: Option<String>, items: Vec<Diagnostic>) -> FullDocumentDiagnosticReport {
    FullDocumentDiagnosticReport { result_id, items }
}

/// The `resultId` of a note on disk: changes when the file, the index or the settings do.
fn file_result_id(path: &Path, snap: &IndexSnapshot, epoch: u64) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Some(format!(
        "f{mtime}.{}.g{}.e{epoch}",
        meta.len(),
        snap.generation
    ))
}

impl Session {
    pub(crate) async fn document_diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let report = match self.lookup(&uri, Freshness::CurrentIndex).await {
            Lookup::Ready(c) => {
                let id = c.result_id();
                if params.previous_result_id.as_deref() == Some(id.as_str()) {
                    DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                        related_documents: None,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id: id,
                        },
                    })
                } else {
                    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                        related_documents: None,
                        full_document_diagnostic_report: full(Some(id), c.diagnostics.clone()),
                    })
                }
            }
            // Not checked yet (the index is building) or not open: nothing to report; the
            // server asks for a new pull once the index is ready.
            Lookup::NotReady(_) | Lookup::Unknown => {
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: full(None, Vec::new()),
                })
            }
        };
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    pub(crate) async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let previous: HashMap<Uri, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri, p.value))
            .collect();
        let token = params.partial_result_params.partial_result_token;
        let mut items = Vec::new();
        let mut sent_partial = false;
        for folder in self.state.folders() {
            let Some(snap) = folder.snapshot() else {
                continue;
            };
            let s = snap.clone();
            let notes = blocking("listing notes", move || {
                let c = &s.checker;
                crate::notes::note_files(&c.workspace, &c.specs, &[], &c.workspace.root)
            })
            .await;
            let notes: Vec<PathBuf> = match notes {
                Some(Ok(n)) => n.notes.iter().map(|p| crate::config::absolute(p)).collect(),
                Some(Err(e)) => {
                    tracing::warn!("listing notes: {e}");
                    continue;
                }
                None => continue,
            };
            // A note of several folders is reported by the one it belongs to.
            let notes: Vec<PathBuf> = notes
                .into_iter()
                .filter(|p| {
                    self.state
                        .existing_folder(p)
                        .is_none_or(|f| std::sync::Arc::ptr_eq(&f, &folder))
                })
                .collect();
            for chunk in notes.chunks(BATCH) {
                let batch = self.report_notes(&snap, chunk, &previous).await;
                match &token {
                    Some(token) if !batch.is_empty() => {
                        let value = WorkspaceDiagnosticReportPartialResult { items: batch };
                        self.client
                            .send_notification::<PartialResult>(PartialResultParams {
                                token: token.clone(),
                                value,
                            })
                            .await;
                        sent_partial = true;
                    }
                    _ => items.extend(batch),
                }
            }
        }
        if sent_partial {
            items.clear();
            // tower-lsp-server writes notifications and responses from two queues that it
            // polls in turn, so a response ready at the same moment as the last `$/progress`
            // can overtake it, and a client drops partial results that arrive after the
            // response (VS Code does). The writer is given time to send them first.
            tokio::time::sleep(PARTIAL_RESULTS_FLUSH).await;
        }
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }

    /// Reports for some notes of one folder.
    async fn report_notes(
        &self,
        snap: &IndexSnapshot,
        notes: &[PathBuf],
        previous: &HashMap<Uri, String>,
    ) -> Vec<WorkspaceDocumentDiagnosticReport> {
        let mut out = Vec::new();
        let mut on_disk = Vec::new();
        for path in notes {
            let Some(uri) = crate::lsp::sources::file_uri(path) else {
                continue;
            };
            let open = lock(&self.state.docs).get(&uri).map(|d| d.version);
            match open {
                Some(_) => {
                    if let Lookup::Ready(c) = self.lookup(&uri, Freshness::CurrentIndex).await {
                        let id = c.result_id();
                        out.push(report(uri, Some(c.version as i64), id, previous, || {
                            c.diagnostics.clone()
                        }));
                    }
                }
                None => on_disk.push((uri, path.clone())),
            }
        }
        let conf = self.state.conf();
        let epoch = self.state.epoch();
        let snap = snap.clone();
        let previous: HashMap<Uri, String> = on_disk
            .iter()
            .filter_map(|(u, _)| previous.get(u).map(|v| (u.clone(), v.clone())))
            .collect();
        let checked = blocking("checking notes", move || {
            on_disk
                .into_iter()
                .filter_map(|(uri, path)| {
                    let id = file_result_id(&path, &snap, epoch)?;
                    Some(report(uri, None, id, &previous, || {
                        check_file(&snap, &path, &conf, epoch)
                            .map(|c| c.diagnostics)
                            .unwrap_or_default()
                    }))
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        out.extend(checked);
        out
    }
}

/// A note's report: `unchanged` when the client holds `id` already, else the diagnostics.
fn report(
    uri: Uri,
    version: Option<i64>,
    id: String,
    previous: &HashMap<Uri, String>,
    diagnostics: impl FnOnce() -> Vec<Diagnostic>,
) -> WorkspaceDocumentDiagnosticReport {
    if previous.get(&uri) == Some(&id) {
        WorkspaceDocumentDiagnosticReport::Unchanged(WorkspaceUnchangedDocumentDiagnosticReport {
            uri,
            version,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                result_id: id,
            },
        })
    } else {
        WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
            uri,
            version,
            full_document_diagnostic_report: full(Some(id), diagnostics()),
        })
    }
}
