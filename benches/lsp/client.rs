//! Starting the server for a step of the bench and waiting on it for longer than the test
//! harness's 60-second timeout (a workspace of 100,000 quotations takes minutes).

use crate::lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a bench step waits for one message before it gives up.
pub const LONG: Duration = Duration::from_secs(1800);

/// Wait for a message matching `pred` (looking at the log first), up to `limit`.
pub async fn await_message(
    c: &mut TestClient,
    what: &str,
    limit: Duration,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + limit;
    let mut seen = 0;
    loop {
        if let Some(v) = c.log[seen..].iter().find(|v| pred(v)) {
            return v.clone();
        }
        seen = c.log.len();
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        c.drain_for(Duration::from_millis(20)).await;
    }
}

/// A server on `root`, initialized; with `pull`, the client declares pull diagnostics
/// (`capabilities.textDocument.diagnostic`). Returns the client, the initialize result and
/// the time from `initialize` to the end of the indexing progress (index built or opened and
/// sources walked).
pub async fn start(root: &Path, pull: bool, debounce_ms: u64) -> (TestClient, Value, Duration) {
    let mut params = init_params(root, false, json!({"sourced": {"debounceMs": debounce_ms}}));
    if pull {
        params["capabilities"]["textDocument"]["diagnostic"] = json!({});
    }
    let mut c = TestClient::start();
    let t = Instant::now();
    let init = c.initialize(params).await;
    await_message(&mut c, "index progress end", LONG, |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    })
    .await;
    let ready = t.elapsed();
    (c, init, ready)
}

/// Whether the server offers `workspace/diagnostic`.
pub fn pulls_workspace(init: &Value) -> bool {
    init["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"] == true
}
