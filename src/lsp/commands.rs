//! `workspace/executeCommand`. One command, `sourced.checkWorkspace`: check every note of
//! the workspace (what `sourced check` without paths would check) and publish diagnostics for
//! each, open or not, so that they show in the editor's problem list. Returns
//! `{"notes": n, "quotes": q, "problems": p}`.

use super::diagnostics;
use super::documents::note_path;
use super::schedule::{check_now, Outcome, MAX_NOTE_BYTES};
use super::server::Server;
use super::state::{blocking, lock};
use crate::quotes::verdict::Status;
use ropey::Rope;
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

impl Server {
    pub(crate) async fn execute(&self, command: &str) -> Result<Option<Value>> {
        match command {
            CHECK_WORKSPACE => self.check_workspace().await.map(Some),
            other => Err(Error::invalid_params(format!("unknown command {other:?}"))),
        }
    }

    async fn check_workspace(&self) -> Result<Value> {
        if !self.state.index.is_ready() {
            return Err(Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(1),
                message: "sourced: the index is not ready yet; try again when indexing is done"
                    .into(),
                data: None,
            });
        }
        // Open notes are kept checked as they are edited: re-check them, count them after.
        let skip: HashSet<PathBuf> = lock(&self.state.docs)
            .uris()
            .iter()
            .map(note_path)
            .collect();
        let state = self.state.clone();
        // The unopened notes' results, and which open notes are notes of the workspace.
        let work = move || -> std::result::Result<(Vec<NoteResult>, HashSet<PathBuf>), String> {
            let files = state
                .index
                .with(|c| crate::notes::note_files(&c.workspace, &c.specs, &[], &c.workspace.root))
                .ok_or("the index is not open")?
                .map_err(|e| e.to_string())?;
            let conf = state.conf();
            let mut out = Vec::new();
            let mut listed_open = HashSet::new();
            for path in files {
                let path = crate::config::absolute(&path);
                if skip.contains(&path) {
                    listed_open.insert(path);
                    continue;
                }
                let Some(uri) = Uri::from_file_path(&path) else {
                    continue;
                };
                let text = match std::fs::read(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|b| crate::corpus::decode(&b))
                {
                    Ok(t) if t.len() <= MAX_NOTE_BYTES => t,
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::warn!("{}: {e}", path.display());
                        continue;
                    }
                };
                if let Outcome::Done(checked) = check_now(&state, &path, Rope::from_str(&text), 0) {
                    let problems = checked
                        .results
                        .iter()
                        .filter(|r| r.verdict.status != Status::Verified)
                        .count();
                    out.push(NoteResult {
                        diagnostics: diagnostics::diagnostics(
                            &checked,
                            &conf.settings,
                            conf.encoding,
                            &state,
                        ),
                        quotes: checked.results.len(),
                        problems,
                        uri,
                    });
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
        for r in results {
            quotes += r.quotes;
            problems += r.problems;
            self.client
                .publish_diagnostics(r.uri, r.diagnostics, None)
                .await;
        }
        // The open ones: their latest results (checked now if there are none yet).
        let uris = lock(&self.state.docs).uris();
        for uri in uris {
            if !listed_open.contains(&note_path(&uri)) {
                continue;
            }
            if let super::schedule::Lookup::Ready(c) = self.lookup(&uri).await {
                quotes += c.results.len();
                problems += c
                    .results
                    .iter()
                    .filter(|r| r.verdict.status != Status::Verified)
                    .count();
            }
        }
        self.recheck_all(Duration::ZERO);
        let summary = format!(
            "checked {total} note{}: {quotes} quotation{}, {problems} not verified",
            if total == 1 { "" } else { "s" },
            if quotes == 1 { "" } else { "s" },
        );
        self.client.log_message(MessageType::INFO, &summary).await;
        Ok(json!({ "notes": total, "quotes": quotes, "problems": problems }))
    }
}
