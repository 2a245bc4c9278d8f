//! The index state for the editor's status display: a `sourced/status` notification whenever
//! it changes, and a `sourced/status` request (no params) that returns it.
//!
//! ```json
//! { "state": "ready", "sources": 5, "skipped": 0, "message": "5 sources",
//!   "root": "/work/ws", "indexDir": "/work/ws/.sourced" }
//! ```
//!
//! `state` is `waiting` (no workspace yet), `building`, `ready`, `no-sources` (the index is
//! ready and holds no source: quotations are not checked; `message` says why, e.g. "no
//! sources configured") or `error` (then `message` says why). With several workspace folders, `folders` holds each one's report and the
//! top-level fields sum them up (the first folder's `root`; the least ready `state`).

use super::folder::{Folder, IndexStatus};
use super::session::Session;
use super::state::State;
use super::sync::blocking;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::notification::Notification;

/// The method of both the notification and the request.
pub const METHOD: &str = "sourced/status";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub state: String,
    /// Sources in the index (skipped files not counted).
    pub sources: usize,
    /// Files in the source folders that could not be indexed.
    pub skipped: usize,
    pub message: Option<String>,
    pub root: Option<String>,
    pub index_dir: Option<String>,
    /// With several workspace folders: each one's report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folders: Vec<StatusReport>,
}

/// The `sourced/status` notification.
pub enum StatusNotification {}

impl Notification for StatusNotification {
    type Params = StatusReport;
    const METHOD: &'static str = METHOD;
}

/// Where one folder's index stands (blocking: counting sources reads the index).
fn folder_report(folder: &Arc<Folder>) -> StatusReport {
    let status = folder.status();
    let snap = folder.snapshot();
    let (sources, skipped, index_dir, archives) = snap
        .as_ref()
        .map(|snap| {
            let (sources, skipped) = snap.checker.index().counts();
            let dir = snap.checker.index().dir().display().to_string();
            let archives: Vec<String> = snap
                .checker
                .remotes()
                .iter()
                .map(|r| r.name().to_string())
                .collect();
            (sources, skipped, Some(dir), archives)
        })
        .unwrap_or((0, 0, None, Vec::new()));
    let none = snap.as_ref().and_then(super::no_sources::of);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (name, message) = match status {
        IndexStatus::Waiting => ("waiting", Some("waiting for a note to open".to_string())),
        IndexStatus::Building => ("building", Some("indexing the sources".to_string())),
        IndexStatus::Ready if none.is_some() => ("no-sources", none.map(|n| n.summary)),
        IndexStatus::Ready => {
            let mut m = format!("{sources} source{}", plural(sources));
            if !archives.is_empty() {
                m += &format!(
                    " + archive{} {}",
                    plural(archives.len()),
                    archives.join(", ")
                );
            }
            if skipped > 0 {
                m += &format!(", {skipped} file{} skipped", plural(skipped));
            }
            ("ready", Some(m))
        }
        IndexStatus::Failed(e) => ("error", Some(e)),
    };
    StatusReport {
        state: name.to_string(),
        sources,
        skipped,
        message,
        root: Some(folder.root().display().to_string()),
        index_dir,
        folders: Vec::new(),
    }
}

/// Where the indexes stand now: the first folder's report, with every folder's in `folders`
/// when there are several (`state` is then the least ready of them).
pub fn report(state: &State) -> StatusReport {
    let folders = state.folders();
    let mut reports: Vec<StatusReport> = folders.iter().map(folder_report).collect();
    let Some(first) = reports.first().cloned() else {
        return StatusReport {
            state: "waiting".into(),
            sources: 0,
            skipped: 0,
            message: Some("waiting for a note to open".into()),
            root: None,
            index_dir: None,
            folders: Vec::new(),
        };
    };
    if reports.len() == 1 {
        return first;
    }
    let rank = |s: &str| match s {
        "error" => 0,
        "no-sources" => 1,
        "building" => 2,
        "waiting" => 3,
        _ => 4,
    };
    let worst = reports
        .iter()
        .min_by_key(|r| rank(&r.state))
        .cloned()
        .unwrap_or_else(|| first.clone());
    let sources = reports.iter().map(|r| r.sources).sum();
    let skipped = reports.iter().map(|r| r.skipped).sum();
    let message = match worst.state.as_str() {
        "ready" => Some(format!(
            "{sources} source{} in {} folders",
            if sources == 1 { "" } else { "s" },
            reports.len()
        )),
        _ => worst.message.clone(),
    };
    for r in &mut reports {
        r.folders.clear();
    }
    StatusReport {
        state: worst.state,
        sources,
        skipped,
        message,
        root: first.root,
        index_dir: first.index_dir,
        folders: reports,
    }
}

impl Session {
    /// Set a folder's index status and tell the client.
    pub(crate) async fn set_status(&self, folder: &Folder, status: IndexStatus) {
        folder.set_status(status);
        self.publish_status().await;
    }

    /// Send the current status as a `sourced/status` notification (clients that do not know
    /// it ignore it).
    pub(crate) async fn publish_status(&self) {
        let state = self.state.clone();
        if let Some(r) = blocking("reading the index status", move || report(&state)).await {
            self.client.send_notification::<StatusNotification>(r).await;
        }
    }

    /// The `sourced/status` request.
    pub async fn status(&self) -> Result<StatusReport> {
        let state = self.state.clone();
        blocking("reading the index status", move || report(&state))
            .await
            .ok_or_else(tower_lsp_server::jsonrpc::Error::internal_error)
    }
}
