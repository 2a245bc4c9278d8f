//! `window/workDoneProgress` for long jobs (opening and refreshing the index): created with
//! the client when it supports it, silently skipped when it does not.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower_lsp_server::ls_types::{NumberOrString, ProgressToken};
use tower_lsp_server::{Client, NotCancellable, OngoingProgress, Unbounded};

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A progress report in the client's UI, or nothing.
pub struct Progress(Option<OngoingProgress<Unbounded, NotCancellable>>);

impl Progress {
    /// Create a token with the client (if `supported`) and begin reporting.
    pub async fn begin(client: &Client, supported: bool, title: &str, message: String) -> Progress {
        if !supported {
            return Progress(None);
        }
        let token: ProgressToken =
            NumberOrString::String(format!("sourced/{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        // A client that never answers must not hold up the work.
        match tokio::time::timeout(
            Duration::from_secs(5),
            client.create_work_done_progress(token.clone()),
        )
        .await
        {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::debug!("client refused a progress token: {e}");
                return Progress(None);
            }
            Err(_) => {
                tracing::debug!("client did not answer window/workDoneProgress/create");
                return Progress(None);
            }
        }
        let ongoing = client
            .progress(token, title)
            .with_message(message)
            .begin()
            .await;
        Progress(Some(ongoing))
    }

    pub async fn report(&self, message: String) {
        if let Some(p) = &self.0 {
            p.report(message).await;
        }
    }

    pub async fn end(self, message: String) {
        if let Some(p) = self.0 {
            p.finish_with_message(message).await;
        }
    }
}
