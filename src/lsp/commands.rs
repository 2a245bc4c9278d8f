//! `workspace/executeCommand`. One command, `sourced.checkWorkspace`: check every note of
//! the workspace (what `sourced check` without paths would check) and publish diagnostics for
//! each, open or not, so that they show in the editor's problem list (clients that pull
//! diagnostics get them from `workspace/diagnostic` instead). Returns
//! `{"notes": n, "quotes": q, "problems": p}`.

use super::documents::note_path;
use super::schedule::{check_file, Freshness, Lookup};
use super::session::Session;
use super::sync::blocking;
use crate::quotes::verdict::Status;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

pub const CHECK_WORKSPACE: &str = "sourced.checkWorkspace";

/// Every command the server announces.
pub fn all() -> Vec<String> {
    vec![CHECK_WORKSPACE.to_string()]
}

/// One unopened note's results.
struct NoteResult {
    uri: Uri,
    diagnostics: Vec<Diagnostic>,
    quotes: usize,
    problems: usize,
}

impl Session {
    pub(crate) async fn execute(&self, command: &str) -> Result<Option<Value>> {
        match command {
            CHECK_WORKSPACE => self.check_workspace().await.map(Some),
            other => Err(Error::invalid_params(format!("unknown command {other:?}"))),
        }
    }

    async fn check_workspace(&self) -> Result<Value> {
        let snaps: Vec<_> = self
            .state
            .folders()
            .iter()
            .filter_map(|f| f.snapshot())
            .collect();
        if snaps.is_empty() {
            return Err(Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(1),
                message: "sourced: the index is not ready yet; try again when indexing is done"
                    .into(),
                data: None,
            });
        }
        // Open notes are kept checked as they are edited: re-check them, count them after.
        let skip: HashSet<PathBuf> = self.state.open_uris().iter().map(note_path).collect();
        let conf = self.state.conf();
        let epoch = self.state.epoch();
        // The unopened notes' results, and which open notes are notes of the workspace.
        let work = move || -> std::result::Result<(Vec<NoteResult>, HashSet<PathBuf>), String> {
            let mut out = Vec::new();
            let mut listed_open = HashSet::new();
            let mut seen = HashSet::new();
            for snap in &snaps {
                let c = &snap.checker;
                let found =
                    crate::notes::note_files(&c.workspace, &c.specs, &[], &c.workspace.root)
                        .map_err(|e| e.to_string())?;
                for (path, why) in &found.skipped {
                    tracing::warn!("{}: {why}", path.display());
                }
                for path in found.notes {
                    let path = crate::config::absolute(&path);
                    if !seen.insert(path.clone()) {
                        continue;
                    }
                    if skip.contains(&path) {
                        listed_open.insert(path);
                        continue;
                    }
                    let Some(uri) = super::sources::file_uri(&path) else {
                        continue;
                    };
                    if let Some(checked) = check_file(snap, &path, &conf, epoch) {
                        let problems = checked
                            .results
                            .iter()
                            .filter(|r| r.verdict.status != Status::Verified)
                            .count();
                        out.push(NoteResult {
                            quotes: checked.results.len(),
                            diagnostics: checked.diagnostics,
                            problems,
                            uri,
                        });
                    }
                }
            }
            Ok((out, listed_open))
        };
        let (results, listed_open) = match blocking("checking the workspace", work).await {
            Some(Ok(r)) => r,
            Some(Err(e)) => return Err(Error::invalid_params(e)),
            None => return Err(Error::internal_error()),
        };
        let total = results.len() + listed_open.len();
        let (mut quotes, mut problems) = (0, 0);
        let push = !self.state.conf().caps.pull_diagnostics;
        for r in results {
            quotes += r.quotes;
            problems += r.problems;
            if push {
                self.client
                    .publish_diagnostics(r.uri, r.diagnostics, None)
                    .await;
            }
        }
        // The open ones: their latest results (checked now if there are none yet).
        for uri in self.state.open_uris() {
            if !listed_open.contains(&note_path(&uri)) {
                continue;
            }
            if let Lookup::Ready(c) = self.lookup(&uri, Freshness::CurrentText).await {
                quotes += c.results.len();
                problems += c
                    .results
                    .iter()
                    .filter(|r| r.verdict.status != Status::Verified)
                    .count();
            }
        }
        self.recheck_all(Duration::ZERO);
        self.refresh_diagnostics();
        let summary = format!(
            "checked {total} note{}: {quotes} quotation{}, {problems} not verified",
            if total == 1 { "" } else { "s" },
            if quotes == 1 { "" } else { "s" },
        );
        self.client.log_message(MessageType::INFO, &summary).await;
        Ok(json!({ "notes": total, "quotes": quotes, "problems": problems }))
    }
}
