//! A hostile client, in-process (see `lsp_harness`): malformed frames and JSON-RPC, positions
//! out of range, negative or not numbers at all, requests and edits for documents that are
//! not open, and requests before `initialize` and after `shutdown`. The server answers every
//! request (a result or an error, never silence), drops what it cannot read, and keeps
//! working: after each onslaught a normal request still gets the right answer.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;

const NOTE: &str = "# Note\n\n😀 “The 5,000 troops who remain the country a decade later” [@003_0afb694efec83e04].\n";

fn fast() -> Value {
    json!({"sourced": {"debounceMs": 10}})
}

fn note_uri(ws: &Path) -> String {
    file_uri(&ws.join("notes").join("n.md"))
}

/// The server is alive and right: hover on the quotation says "mismatch".
async fn still_right(c: &mut TestClient, uri: &str) {
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(NOTE, "5,000", 0)}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap_or_default();
    assert!(md.contains("mismatch"), "{h}");
}

async fn started() -> (TestClient, tempfile::TempDir, String) {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let uri = note_uri(ws.path());
    c.open(&uri, NOTE).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(diags.len(), 1);
    (c, ws, uri)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_and_messages_are_dropped_and_the_server_goes_on() {
    let (mut c, _ws, uri) = started().await;
    let garbage: Vec<Vec<u8>> = vec![
        // Framing: no Content-Length, a length that is not a number, stray blank lines.
        b"Content-Type: application/json\r\n\r\n{}".to_vec(),
        b"Content-Length: abc\r\n\r\n".to_vec(),
        b"\r\n\r\n\r\n".to_vec(),
        // Bodies that are not JSON, or not UTF-8.
        b"Content-Length: 9\r\n\r\n{not json".to_vec(),
        b"Content-Length: 4\r\n\r\n\xff\xfe\x00\x01".to_vec(),
        // JSON that is not a JSON-RPC message.
        frame(&json!([1, 2, 3])),
        frame(&json!(42)),
        frame(&json!("a string")),
        frame(&Value::Null),
        frame(&json!({})),
        frame(&json!({"jsonrpc": "1.0", "method": "textDocument/hover", "id": 900})),
        frame(&json!({"jsonrpc": "2.0", "id": 901})),
        frame(&json!({"jsonrpc": "2.0", "result": null, "id": 902})),
        frame(&json!({"jsonrpc": "2.0", "method": 12, "id": 903})),
        // Notifications with nonsense parameters.
        frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"x": 1}})),
        frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": [1, 2]})),
        frame(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": null})),
        frame(
            &json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": 5}]}}),
        ),
        frame(&json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 123456}})),
        frame(&json!({"jsonrpc": "2.0", "method": "no/such/notification", "params": {}})),
    ];
    // After each, the next request gets through (a bad frame loses no other message).
    for g in &garbage {
        c.send_raw(g).await;
        still_right(&mut c, &uri).await;
    }

    // A body shorter or longer than its Content-Length: the frames after it still get through.
    c.send_raw(b"Content-Length: 5\r\n\r\n{\"a\":1}").await;
    still_right(&mut c, &uri).await;
    c.send_raw(b"Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\"}")
        .await;
    still_right(&mut c, &uri).await;

    // Requests that cannot be served get an error response, with their id.
    for (method, params) in [
        ("no/such/method", json!({})),
        ("textDocument/hover", json!({"nonsense": true})),
        ("textDocument/hover", json!([1, 2, 3])),
        ("textDocument/definition", Value::Null),
        (
            "textDocument/completion",
            json!({"textDocument": {"uri": 7}}),
        ),
        ("workspace/executeCommand", json!({"command": 1})),
        ("initialize", json!({"capabilities": {}})),
    ] {
        let r = c.request_full(method, params.clone()).await;
        assert!(r.get("error").is_some(), "{method} {params}: {r}");
    }
    still_right(&mut c, &uri).await;
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_out_of_range_negative_or_not_numbers_are_harmless() {
    let (mut c, _ws, uri) = started().await;
    let doc = json!({"uri": uri});
    let positions = [
        json!({"line": 0, "character": 0}),
        json!({"line": 2, "character": 1}), // inside the emoji's surrogate pair
        json!({"line": 2, "character": 10_000}),
        json!({"line": 10_000, "character": 0}),
        json!({"line": u32::MAX, "character": u32::MAX}),
        json!({"line": -1, "character": 0}),
        json!({"line": 0, "character": -5}),
        json!({"line": 1.5, "character": 0}),
        json!({"line": "2", "character": "3"}),
        json!({"line": 4_294_967_296u64, "character": 0}),
        json!({}),
        Value::Null,
    ];
    for p in &positions {
        let range = json!({"start": p, "end": {"line": 0, "character": 0}});
        let reversed = json!({"start": {"line": 99, "character": 99}, "end": p});
        let requests = [
            (
                "textDocument/hover",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/references",
                json!({"textDocument": doc, "position": p, "context": {"includeDeclaration": true}}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": range, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": reversed, "context": {"diagnostics": [
                    {"range": range, "message": "x", "code": "mismatch", "data": {"bogus": true}}
                ]}}),
            ),
            (
                "textDocument/inlayHint",
                json!({"textDocument": doc, "range": range}),
            ),
            (
                "textDocument/inlayHint",
                json!({"textDocument": doc, "range": reversed}),
            ),
        ];
        for (method, params) in requests {
            // A result (clamped) or an error (not a position), never silence or a crash.
            let r = c.request_full(method, params.clone()).await;
            assert!(
                r.get("result").is_some() || r.get("error").is_some(),
                "{method} {params}: {r}"
            );
        }
        // An empty edit at such a position: clamped (and changes nothing), or dropped if it is
        // not a position.
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 1},
                   "contentChanges": [{"range": {"start": p, "end": p}, "text": ""}]}),
        )
        .await;
    }
    // The note is unchanged and still checked.
    still_right(&mut c, &uri).await;
    let symbols = c
        .request("textDocument/documentSymbol", json!({"textDocument": doc}))
        .await;
    assert_eq!(symbols.as_array().unwrap().len(), 1, "{symbols}");
    assert_eq!(
        symbols[0]["range"]["start"],
        json!({"line": 2, "character": 4}),
        "{symbols}"
    );
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_that_are_not_open_are_ignored() {
    let (mut c, ws, uri) = started().await;
    let ghosts = [
        note_uri(&ws.path().join("nowhere")),
        "untitled:Untitled-1".to_string(),
        "https://example.org/n.md".to_string(),
        "file:///".to_string(),
        "file:///dev/null".to_string(),
        "file:///%E2%80%AE%00.md".to_string(),
    ];
    for ghost in &ghosts {
        let doc = json!({"uri": ghost});
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": ghost, "version": 3},
                   "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]}),
        )
        .await;
        c.notify("textDocument/didClose", json!({"textDocument": doc}))
            .await;
        c.notify("textDocument/didSave", json!({"textDocument": doc}))
            .await;
        let p = json!({"line": 0, "character": 0});
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": doc, "position": p}),
            ),
            ("textDocument/documentSymbol", json!({"textDocument": doc})),
            (
                "textDocument/inlayHint",
                json!({"textDocument": doc, "range": {"start": p, "end": p}}),
            ),
            (
                "textDocument/references",
                json!({"textDocument": doc, "position": p, "context": {"includeDeclaration": true}}),
            ),
        ] {
            let r = c.request_full(method, params).await;
            assert!(
                r["result"].is_null() || r.get("error").is_some(),
                "{method} on {ghost}: {r}"
            );
        }
    }
    // A closed note is forgotten: edits to it are ignored and reopening starts afresh.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    )
    .await;
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 9}, "contentChanges": [{"text": "gone"}]}),
    )
    .await;
    let r = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(r, Value::Null);
    c.open(&uri, NOTE).await;
    still_right(&mut c, &uri).await;
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_initialize_and_after_shutdown_every_request_is_an_error() {
    let ws = seeds_workspace();
    let uri = note_uri(ws.path());
    let doc = json!({"uri": uri});
    let p = json!({"line": 0, "character": 0});
    let requests = [
        (
            "textDocument/hover",
            json!({"textDocument": doc, "position": p}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": doc, "position": p}),
        ),
        (
            "textDocument/completion",
            json!({"textDocument": doc, "position": p}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": doc})),
        ("workspace/symbol", json!({"query": "Iraq"})),
        (
            "workspace/executeCommand",
            json!({"command": "sourced.checkWorkspace"}),
        ),
        ("sourced/status", Value::Null),
        ("shutdown", Value::Null),
    ];
    // Before initialize: refused, and the server is not started by them.
    let mut c = TestClient::start();
    c.open(&uri, NOTE).await;
    for (method, params) in &requests {
        let r = c.request_full(method, params.clone()).await;
        assert!(r.get("error").is_some(), "{method} before initialize: {r}");
    }
    c.initialize(init_params(ws.path(), false, fast())).await;
    index_ready(&mut c).await;
    c.open(&uri, NOTE).await;
    assert_eq!(c.diagnostics(&uri, Some(1)).await.len(), 1);

    // After shutdown: every request is refused at once, notifications are ignored.
    assert_eq!(c.request("shutdown", Value::Null).await, Value::Null);
    for (method, params) in &requests {
        let r = c.request_full(method, params.clone()).await;
        assert!(r.get("error").is_some(), "{method} after shutdown: {r}");
    }
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "x"}]}),
    )
    .await;
    let r = c
        .request_full("initialize", init_params(ws.path(), false, fast()))
        .await;
    assert!(r.get("error").is_some(), "{r}");
    assert_eq!(c.exit().await, 0);
}
