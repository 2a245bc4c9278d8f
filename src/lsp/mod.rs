//! The language server (`sourced lsp`): the core's verdicts in the editor, over stdio.
//!
//! The only module that knows tower-lsp-server and LSP types. A map, one job per module:
//!
//! | module        | job                                                               |
//! |---------------|-------------------------------------------------------------------|
//! | `server`      | the `LanguageServer` trait: dispatch to `handlers` only           |
//! | `handlers`    | one module per request family (documents, workspace, pull, hover…)|
//! | `session`     | client handle + state, shared by handlers and background tasks    |
//! | `state`       | documents, workspace folders, settings, negotiated capabilities   |
//! | `folder`      | one workspace: its index as `Arc` snapshots, generation, caches   |
//! | `indexer`     | one background task per folder: open, watched-file updates        |
//! | `schedule`    | debounced, cancellable checks; results keyed by version+generation|
//! | `documents`   | open notes (ropey) with versions, in-order edits, newest results  |
//! | `sync`        | lock helpers, `blocking` (the blocking pool behind catch_unwind)  |
//! | `position`    | byte offsets ⇄ LSP positions (UTF-8 or UTF-16), clamped           |
//! | `settings`    | `initializationOptions` / `didChangeConfiguration` (`"sourced"`)  |
//! | `diagnostics` | verdicts → diagnostics (related source passage, fix data)         |
//! | `actions`     | quick fixes built from a diagnostic's `data`, versioned edits     |
//! | `hover`, `definition`, `completion`, `symbols` | the other requests' content        |
//! | `entities`    | named entities: hover card, locations, workspace symbols, names    |
//! | `lens`        | a code lens per quotation: verdict and source title, opens it     |
//! | `links`       | document links from citations to their sources' files             |
//! | `sources`     | source files read from disk for locations and hover paragraphs    |
//! | `describe`    | shared wording: word diff, source names                           |
//! | `progress`    | `window/workDoneProgress` when the client supports it             |
//! | `status`      | the `sourced/status` notification and request (index state)       |
//! | `commands`    | `workspace/executeCommand`: `.checkWorkspace`, `.archive`, `.init`, `.showSource` |
//! | `no_sources`  | a workspace without sources: one diagnostic, `sourced.init`       |
//! | `transport`   | frames in and out: repairs or answers what tower-lsp cannot read  |
//!
//! Invariants (see each module's docs):
//! - Requests are answered from snapshots: the note's rope and version, and an `Arc` of its
//!   folder's checker with the index generation. No lock of ours is held across an `.await`,
//!   across index I/O, or while the indexer waits for tantivy's writer lock; a busy writer
//!   (another `sourced` process) delays only the indexer.
//! - Heavy work (checking a note, opening the index, reading sources) runs on tokio's
//!   blocking pool behind `catch_unwind`.
//! - Check results are keyed by (version, generation, settings epoch); older never replace
//!   newer. A superseded check is cancelled.
//! - Diagnostics are pushed to clients that do not pull them, and pulled by those that do.

mod actions;
mod commands;
mod completion;
mod definition;
mod describe;
mod diagnostics;
mod documents;
mod entities;
mod folder;
mod handlers;
mod hover;
mod indexer;
mod lens;
mod links;
mod no_sources;
pub mod position;
mod progress;
mod schedule;
mod server;
mod session;
pub mod settings;
mod sources;
mod state;
pub mod status;
mod symbols;
mod sync;
mod transport;

pub use actions::FixData;
pub use server::Server;

use state::State;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server as Transport};

/// Requests handled at once. A request may wait for a note's pending check (it never starts
/// one of its own); tower-lsp-server's default of 4 would let four such waits hold up every
/// other request.
const MAX_CONCURRENT_REQUESTS: usize = 64;

/// Serve the protocol on `input`/`output` until the client sends `exit` (or closes the
/// input). Returns the exit code: 0 after a `shutdown` request, 1 otherwise.
pub async fn serve<I, O>(input: I, output: O) -> i32
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite,
{
    let state = Arc::new(State::default());
    let shared = state.clone();
    let (service, socket) = LspService::build(move |client| Server::new(client, shared))
        .custom_method(status::METHOD, Server::status)
        .finish();
    transport::guarded(input, output, |input, output| {
        Transport::new(input, output, socket)
            .concurrency_level(MAX_CONCURRENT_REQUESTS)
            .serve(service)
    })
    .await;
    if state.shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// `sourced lsp`: log to stderr (filter in `SOURCED_LOG`, default `warn,sourced=info`),
/// serve on stdin/stdout.
pub async fn run_stdio() -> i32 {
    init_logging();
    tracing::info!(
        "sourced {} language server starting",
        env!("CARGO_PKG_VERSION")
    );
    let code = serve(tokio::io::stdin(), tokio::io::stdout()).await;
    tracing::info!("exiting with code {code}");
    code
}

/// Logs go to stderr only: stdout carries the protocol.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SOURCED_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sourced=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
