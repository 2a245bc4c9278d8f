//! `workspace/executeCommand`.
//!
//! - `sourced.checkWorkspace`: check every note of the workspace (what `sourced check`
//!   without paths would check) and publish diagnostics for each, open or not, so that they
//!   show in the editor's problem list (clients that pull diagnostics get them from
//!   `workspace/diagnostic` instead). Returns `{"notes": n, "quotes": q, "problems": p}`.
//! - `sourced.archive` with `[{"urls": [..], "note": uri?}]`: fetch the pages into the web
//!   folder of the note's workspace (else the first folder's), as `sourced archive` does
//!   (without `urls`, every page the open note links to after a quotation that no source
//!   has captured),
//!   off the async runtime. Each failure is shown as a warning, each capture as a short
//!   message, and the files written are handed to the indexer. Returns
//!   `{"archived": [{url, finalUrl, path, status, contentType}], "failed": [{url, error}]}`.
//! - `sourced.init` with `[{"note": uri}]`: create `sourced.toml` (see `no_sources.rs`).
//! - `sourced.showSource` with `[{"location": Location}]` (what a code lens carries): asks
//!   the client to open the source there (`window/showDocument`). Returns `{"shown": bool}`.

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
pub const ARCHIVE: &str = "sourced.archive";

pub use super::lens::SHOW_SOURCE;

/// Every command the server announces.
pub fn all() -> Vec<String> {
    vec![
        CHECK_WORKSPACE.to_string(),
        ARCHIVE.to_string(),
        super::no_sources::INIT.to_string(),
        SHOW_SOURCE.to_string(),
    ]
}

/// The argument of `sourced.archive`.
#[derive(Debug, serde::Deserialize)]
struct ArchiveParams {
    #[serde(default)]
    urls: Vec<String>,
    #[serde(default)]
    note: Option<Uri>,
}

/// One unopened note's results.
struct NoteResult {
    uri: Uri,
    diagnostics: Vec<Diagnostic>,
    quotes: usize,
    problems: usize,
}

impl Session {
    pub(crate) async fn execute(
        &self,
        command: &str,
        arguments: Vec<Value>,
    ) -> Result<Option<Value>> {
        match command {
            CHECK_WORKSPACE => self.check_workspace().await.map(Some),
            ARCHIVE => self.archive(arguments).await.map(Some),
            super::no_sources::INIT => self.init_command(arguments).await.map(Some),
            SHOW_SOURCE => self.show_source(arguments).await.map(Some),
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

impl Session {
    /// The pages an open note cites after a quotation that no source has captured, as of
    /// its latest check (none if it is not open or not checked yet).
    async fn uncaptured_pages(&self, note: &Uri) -> Vec<String> {
        let found = self
            .with_checked(
                note,
                "finding uncaptured pages",
                |c, _| Some(c.uncaptured_pages()),
                |_, _| None,
            )
            .await;
        found.unwrap_or_default()
    }

    async fn archive(&self, arguments: Vec<Value>) -> Result<Value> {
        let params: ArchiveParams = arguments
            .into_iter()
            .next()
            .ok_or_else(|| Error::invalid_params("sourced.archive takes [{\"urls\": [..]}]"))
            .and_then(|v| {
                serde_json::from_value(v)
                    .map_err(|e| Error::invalid_params(format!("sourced.archive: {e}")))
            })?;
        let folder = match &params.note {
            Some(note) => self.state.existing_folder(&note_path(note)),
            None => None,
        }
        .or_else(|| self.state.folders().into_iter().next())
        .ok_or_else(|| Error::invalid_params("sourced.archive: no workspace folder is open"))?;
        let root = folder.root();
        let mut urls = params.urls;
        if urls.is_empty() {
            let Some(note) = &params.note else {
                return Err(Error::invalid_params(
                    "sourced.archive takes [{\"urls\": [..]}] or [{\"note\": uri}]",
                ));
            };
            urls = self.uncaptured_pages(note).await;
            if urls.is_empty() {
                self.client
                    .show_message(
                        MessageType::INFO,
                        "sourced: every page this note cites is captured",
                    )
                    .await;
                return Ok(json!({ "archived": [], "failed": [] }));
            }
        }
        let work = move || {
            let ws = crate::config::Workspace::discover(&root).map_err(|e| e.to_string())?;
            let place = crate::web::WebFolder::of(&ws);
            let options = crate::web::ArchiveOptions::of(&ws);
            Ok::<_, String>(
                urls.into_iter()
                    .map(|url| {
                        let result = crate::web::archive(&url, &place, &options);
                        (url, result)
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let results = match blocking("archiving web pages", work).await {
            Some(Ok(r)) => r,
            Some(Err(e)) => return Err(Error::invalid_params(format!("sourced.archive: {e}"))),
            None => return Err(Error::internal_error()),
        };
        let (mut archived, mut failed, mut written) = (Vec::new(), Vec::new(), Vec::new());
        for (url, result) in results {
            match result {
                Ok(c) => {
                    let name = c.path.file_name().unwrap_or_default().to_string_lossy();
                    self.client
                        .show_message(
                            MessageType::INFO,
                            format!("sourced: archived {} ({name})", c.final_url),
                        )
                        .await;
                    archived.push(json!({
                        "url": c.url,
                        "finalUrl": c.final_url,
                        "path": c.path,
                        "status": c.status,
                        "contentType": c.content_type,
                    }));
                    written.push(c.path);
                }
                Err(e) => {
                    self.client
                        .show_message(MessageType::WARNING, format!("sourced: {e}"))
                        .await;
                    failed.push(json!({ "url": url, "error": e.to_string() }));
                }
            }
        }
        if !written.is_empty() {
            self.files_changed(written);
        }
        Ok(json!({ "archived": archived, "failed": failed }))
    }
}
