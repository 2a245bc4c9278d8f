//! The corpus bench's language-server steps: the server in-process (the `tests/lsp_harness`
//! client, real JSON-RPC frames) on the bench corpus with its existing index, a long note open.
//!
//! - *ready*: from `initialize` to the `sourced/status` notification that the index is open;
//! - *first diagnostics*: from `initialize` to the note's first diagnostics (the server
//!   checks with the index as last written, before walking the sources);
//! - *index up to date*: to the end of the indexing progress (the walk of every source);
//! - *didChange → diagnostics*, minus the debounce: an edit outside the quotations (every
//!   verdict is remembered) and an edit inside one quotation (one quote checked again).

use crate::lsp_harness::*;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

pub const DEBOUNCE_MS: u64 = 50;
const EDITS: usize = 20;

pub struct Figures {
    /// To the `ready` status: the index is open and requests are answered with it.
    pub ready: Duration,
    pub first_diagnostics: Duration,
    pub up_to_date: Duration,
    pub quotes: usize,
    pub problems: usize,
    /// Edits outside quotations, then inside one quotation: latencies minus the debounce.
    pub outside: Vec<Duration>,
    pub inside: Vec<Duration>,
}

pub fn run(root: &Path, note: &Path) -> Figures {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(steps(root, note))
}

async fn steps(root: &Path, note: &Path) -> Figures {
    let text = std::fs::read_to_string(note).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let uri = file_uri(note);
    let t = Instant::now();
    let mut c = TestClient::start();
    c.initialize(init_params(
        root,
        false,
        json!({"sourced": {"debounceMs": DEBOUNCE_MS}}),
    ))
    .await;
    c.open(&uri, &text).await;
    c.wait_for("status ready", |m| {
        m["method"] == "sourced/status" && m["params"]["state"] == "ready"
    })
    .await;
    let ready = t.elapsed();
    let diags = c.diagnostics(&uri, Some(1)).await;
    let first_diagnostics = t.elapsed();
    index_ready(&mut c).await;
    let up_to_date = t.elapsed();
    // The entity table is built in the background after the walk: an entity hover waits for
    // it, so that the edits below are not timed against that work.
    c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
    )
    .await;
    let quotes = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await
        .as_array()
        .map_or(0, Vec::len);

    let quote_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains('“'))
        .collect();
    let prose_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].contains(['“', '”']) && !lines[i].is_empty())
        .collect();
    let mut version = 1;
    let mut outside = Vec::new();
    for i in 0..EDITS {
        let line = prose_lines[i * 7 % prose_lines.len()];
        version += 1;
        outside.push(edit(&mut c, &uri, version, line, 0, "x ").await);
        lines[line].insert_str(0, "x ");
    }
    let mut inside = Vec::new();
    for &line in quote_lines.iter().take(EDITS) {
        // Just after the opening mark: a word the quotation did not have.
        let col = lines[line][..lines[line].find('“').unwrap()]
            .encode_utf16()
            .count()
            + 1;
        version += 1;
        inside.push(edit(&mut c, &uri, version, line, col, "truly ").await);
    }
    let _ = c.shutdown().await;
    Figures {
        ready,
        first_diagnostics,
        up_to_date,
        quotes,
        problems: diags.len(),
        outside,
        inside,
    }
}

/// Insert `text` at (`line`, `col`) as document `version`; the time to its diagnostics,
/// minus the debounce.
async fn edit(
    c: &mut TestClient,
    uri: &str,
    version: i64,
    line: usize,
    col: usize,
    text: &str,
) -> Duration {
    let at = json!({"line": line, "character": col});
    c.clear_log();
    let t = Instant::now();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version},
               "contentChanges": [{"range": {"start": at, "end": at}, "text": text}]}),
    )
    .await;
    c.diagnostics(uri, Some(version)).await;
    t.elapsed()
        .saturating_sub(Duration::from_millis(DEBOUNCE_MS))
}
