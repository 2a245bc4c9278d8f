//! The index state for the editor's status display: a `sourced/status` notification whenever
//! it changes, and a `sourced/status` request (no params) that returns it.
//!
//! ```json
//! { "state": "ready", "sources": 5, "skipped": 0, "message": "5 sources",
//!   "root": "/work/ws", "indexDir": "/work/ws/.sourced" }
//! ```
//!
//! `state` is `waiting` (no workspace yet), `building`, `ready` or `error` (then `message`
//! says why).

use super::server::Server;
use super::state::{IndexStatus, State};
use serde::{Deserialize, Serialize};
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
}

/// The `sourced/status` notification.
pub enum StatusNotification {}

impl Notification for StatusNotification {
    type Params = StatusReport;
    const METHOD: &'static str = METHOD;
}

/// Where the index stands now (blocking: counting sources reads the index).
pub fn report(state: &State) -> StatusReport {
    let status = state.index.status();
    let (sources, skipped, root, index_dir) = state
        .index
        .with(|c| {
            let (sources, skipped) = c.index().counts();
            let root = Some(c.workspace.root.display().to_string());
            (
                sources,
                skipped,
                root,
                Some(c.index().dir().display().to_string()),
            )
        })
        .unwrap_or_else(|| {
            let root = state.conf().root.map(|r| r.display().to_string());
            (0, 0, root, None)
        });
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let (name, message) = match status {
        IndexStatus::Waiting => ("waiting", Some("waiting for a note to open".to_string())),
        IndexStatus::Building => ("building", Some("indexing the sources".to_string())),
        IndexStatus::Ready => {
            let mut m = format!("{sources} source{}", plural(sources));
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
        root,
        index_dir,
    }
}

impl Server {
    /// Set the index status and tell the client.
    pub(crate) async fn set_status(&self, status: IndexStatus) {
        self.state.index.set_status(status);
        self.publish_status().await;
    }

    /// Send the current status as a `sourced/status` notification (clients that do not know
    /// it ignore it).
    pub(crate) async fn publish_status(&self) {
        let state = self.state.clone();
        if let Some(r) =
            super::state::blocking("reading the index status", move || report(&state)).await
        {
            self.client.send_notification::<StatusNotification>(r).await;
        }
    }

    /// The `sourced/status` request.
    pub async fn status(&self) -> Result<StatusReport> {
        let state = self.state.clone();
        super::state::blocking("reading the index status", move || report(&state))
            .await
            .ok_or_else(tower_lsp_server::jsonrpc::Error::internal_error)
    }
}
