//! An in-process LSP client for the end-to-end tests and the bench: the server runs on a
//! tokio task and talks real JSON-RPC frames (`Content-Length` headers) over duplex pipes.
//!
//! A reader task parses the server's frames: responses go to the waiting request,
//! server-to-client requests (`window/workDoneProgress/create`, `client/registerCapability`,
//! `workspace/configuration`, …) are answered and, like notifications, logged for the test.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub const TIMEOUT: Duration = Duration::from_secs(60);

type Pending = Arc<Mutex<HashMap<i64, oneshot::Sender<Value>>>>;
type Writer = Arc<tokio::sync::Mutex<DuplexStream>>;

pub struct TestClient {
    writer: Writer,
    next_id: i64,
    pending: Pending,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Everything the server sent that was not a response, in order.
    pub log: Vec<Value>,
    /// What `workspace/configuration` answers with (the `sourced` section).
    pub configuration: Arc<Mutex<Value>>,
    /// What other server-to-client requests are answered with, by method (default `null`).
    pub answers: Arc<Mutex<HashMap<String, Value>>>,
    server: Option<JoinHandle<i32>>,
    reader: JoinHandle<()>,
}

/// Frame a JSON-RPC message.
pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

async fn read_frame<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

impl TestClient {
    /// Start a server in-process.
    pub fn start() -> TestClient {
        let (client_out, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, client_in) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(sourced::lsp::serve(server_in, server_out));
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(client_out));
        let pending: Pending = Arc::default();
        let configuration = Arc::new(Mutex::new(Value::Null));
        let answers: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
        let (tx, incoming) = mpsc::unbounded_channel();
        let reader = {
            let writer = writer.clone();
            let pending = pending.clone();
            let configuration = configuration.clone();
            let answers = answers.clone();
            tokio::spawn(async move {
                let mut r = BufReader::new(client_in);
                while let Some(msg) = read_frame(&mut r).await {
                    let method = msg
                        .get("method")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    match (method, msg.get("id").cloned()) {
                        (None, Some(id)) => {
                            let id = id.as_i64().unwrap_or(-1);
                            if let Some(tx) = pending.lock().unwrap().remove(&id) {
                                let _ = tx.send(msg);
                            }
                        }
                        (Some(method), Some(id)) => {
                            let result = match method.as_str() {
                                "workspace/configuration" => {
                                    let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                                    let v = configuration.lock().unwrap().clone();
                                    Value::Array(vec![v; n])
                                }
                                other => answers
                                    .lock()
                                    .unwrap()
                                    .get(other)
                                    .cloned()
                                    .unwrap_or(Value::Null),
                            };
                            let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
                            let _ = writer.lock().await.write_all(&frame(&reply)).await;
                            let _ = tx.send(msg);
                        }
                        (Some(_), None) => {
                            let _ = tx.send(msg);
                        }
                        (None, None) => {}
                    }
                }
            })
        };
        TestClient {
            writer,
            next_id: 1,
            pending,
            incoming,
            log: Vec::new(),
            configuration,
            answers,
            server: Some(server),
            reader,
        }
    }

    pub async fn send_raw(&self, bytes: &[u8]) {
        let mut w = self.writer.lock().await;
        w.write_all(bytes).await.unwrap();
        w.flush().await.unwrap();
    }

    /// Send a request; the whole response (`result` or `error`).
    pub async fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let (tx, rx) = oneshot::channel();
        self.pending.lock().unwrap().insert(id, tx);
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(&frame(&msg)).await;
        tokio::time::timeout(TIMEOUT, rx)
            .await
            .unwrap_or_else(|_| panic!("no response to {method}"))
            .unwrap()
    }

    /// Send a request and return its `result` (panics on an error response).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_full(method, params).await;
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    pub async fn notify(&self, method: &str, params: Value) {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&frame(&msg)).await;
    }

    /// Wait for a message from the server (notification or request) matching `pred`; earlier
    /// messages are kept in `log`.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(v) = self.log.iter().find(|v| pred(v)) {
            return v.clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = tokio::time::timeout(left, self.incoming.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; got {:#?}", self.log))
                .unwrap_or_else(|| panic!("server closed while waiting for {what}"));
            self.log.push(msg.clone());
            if pred(&msg) {
                return msg;
            }
        }
    }

    /// Collect whatever arrives during `d`.
    pub async fn drain_for(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while let Ok(Some(msg)) =
            tokio::time::timeout_at(deadline.into(), self.incoming.recv()).await
        {
            self.log.push(msg);
        }
    }

    /// Forget the log (to wait for fresh messages).
    pub fn clear_log(&mut self) {
        self.log.clear();
    }

    /// The next `publishDiagnostics` for `uri` with exactly `version` (any version if `None`)
    /// that arrives from now on.
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        self.log.retain(|m| !is_diagnostics(m, uri, None));
        let msg = self
            .wait_for(&format!("diagnostics for {uri} v{version:?}"), |m| {
                is_diagnostics(m, uri, version)
            })
            .await;
        msg["params"]["diagnostics"].as_array().cloned().unwrap()
    }

    /// `initialize` + `initialized`; returns the initialize result.
    pub async fn initialize(&mut self, params: Value) -> Value {
        let result = self.request("initialize", params).await;
        self.notify("initialized", json!({})).await;
        result
    }

    pub async fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        )
        .await;
    }

    /// `shutdown`, `exit`, and the server's exit code (the client keeps its pipe open).
    pub async fn shutdown(&mut self) -> i32 {
        let r = self.request("shutdown", Value::Null).await;
        assert_eq!(r, Value::Null);
        self.exit().await
    }

    pub async fn exit(&mut self) -> i32 {
        self.notify("exit", Value::Null).await;
        let server = self.server.take().expect("server running");
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("server did not stop after exit")
            .unwrap()
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        if let Some(s) = &self.server {
            s.abort();
        }
        self.reader.abort();
    }
}

pub fn is_diagnostics(m: &Value, uri: &str, version: Option<i64>) -> bool {
    m["method"] == "textDocument/publishDiagnostics"
        && m["params"]["uri"] == uri
        && version.is_none_or(|v| m["params"]["version"].as_i64() == Some(v))
}

/// Client capabilities for tests: work-done progress, dynamic watchers, configuration pull,
/// and UTF-8 positions if `utf8`.
pub fn capabilities(utf8: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "window": {"workDoneProgress": true},
        "workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "configuration": true,
            "inlayHint": {"refreshSupport": true}
        },
        "textDocument": {"hover": {"contentFormat": ["markdown"]}}
    })
}

/// Wait until the index is open: the end of its work-done progress.
pub async fn index_ready(c: &mut TestClient) {
    c.wait_for("index progress end", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    })
    .await;
}

/// Start a server on `root`, initialized, index open; returns the initialize result too.
pub async fn ready(root: &Path, utf8: bool, options: Value) -> (TestClient, Value) {
    let mut c = TestClient::start();
    let init = c.initialize(init_params(root, utf8, options)).await;
    index_ready(&mut c).await;
    (c, init)
}

pub fn init_params(root: &Path, utf8: bool, options: Value) -> Value {
    json!({
        "processId": null,
        "rootUri": null,
        "workspaceFolders": [{"uri": file_uri(root), "name": "ws"}],
        "capabilities": capabilities(utf8),
        "initializationOptions": options,
    })
}

pub fn file_uri(path: &Path) -> String {
    let s = path.to_string_lossy();
    let mut out = String::from("file://");
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary workspace whose `sourced.toml` points at `sources` (absolute paths) and keeps
/// its index inside the temporary folder.
pub fn workspace(sources: &[&Path]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let list: Vec<String> = sources
        .iter()
        .map(|s| format!("{:?}", s.to_string_lossy()))
        .collect();
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!(
            "sources = [{}]\nindex_dir = \".sourced\"\n",
            list.join(", ")
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    dir
}

/// A workspace over the repository's five seed articles.
pub fn seeds_workspace() -> tempfile::TempDir {
    workspace(&[&repo().join("seeds")])
}

/// The 0-based (line, UTF-16 column) and (line, byte column) of the first `needle` in `text`.
pub fn find(text: &str, needle: &str) -> ((u32, u32), (u32, u32)) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = &text[line_start..at];
    (
        (line, col.encode_utf16().count() as u32),
        (line, col.len() as u32),
    )
}

/// Position JSON (UTF-16) of the first `needle` in `text`, shifted by `delta` columns.
pub fn pos(text: &str, needle: &str, delta: u32) -> Value {
    let ((l, c), _) = find(text, needle);
    json!({"line": l, "character": c + delta})
}
