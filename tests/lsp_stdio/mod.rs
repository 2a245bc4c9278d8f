//! A small synchronous LSP client for `sourced lsp` run as a child process over stdio (the
//! way editors run it): real processes for tests that need their own memory figures, two
//! servers on one workspace, or a system-call trace.
//!
//! A reader thread parses the server's frames. Requests from the server
//! (`window/workDoneProgress/create`, `client/registerCapability`, `workspace/configuration`)
//! are answered with `null`; notifications are kept in `log`.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(120);

pub struct StdioServer {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications and requests from the server, in order.
    pub log: Vec<Value>,
}

pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
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
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// `sourced lsp` from this build.
pub fn sourced_lsp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sourced"));
    cmd.arg("lsp");
    cmd
}

impl StdioServer {
    /// Start `cmd` (which runs a language server on stdio); its stderr goes to `stderr`.
    pub fn spawn(mut cmd: Command, stderr: Stdio) -> StdioServer {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start the server");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_frame(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        StdioServer {
            child,
            stdin,
            incoming,
            next_id: 1,
            log: Vec::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let w = self.stdin.as_mut().expect("stdin open");
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&frame(&msg));
    }

    /// Notifications sent without flushing in between (for bursts of edits).
    pub fn notify_many(&mut self, msgs: impl IntoIterator<Item = (String, Value)>) {
        let mut buf = Vec::new();
        for (method, params) in msgs {
            buf.extend(frame(
                &json!({"jsonrpc": "2.0", "method": method, "params": params}),
            ));
            if buf.len() > 1 << 16 {
                self.send_raw(&buf);
                buf.clear();
            }
        }
        self.send_raw(&buf);
    }

    /// Next message from the server; server requests are answered on the way.
    fn next(&mut self, deadline: Instant, what: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = match self.incoming.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the server closed its output while waiting for {what}")
            }
        };
        if msg.get("method").is_some() {
            if let Some(id) = msg.get("id") {
                let result = if msg["method"] == "workspace/configuration" {
                    let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                    Value::Array(vec![Value::Null; n])
                } else {
                    Value::Null
                };
                let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
                self.send_raw(&frame(&reply));
            }
        }
        msg
    }

    /// Send a request; the whole response (`result` or `error`).
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(&frame(&msg));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.next(deadline, method);
            if m.get("method").is_none() && m["id"] == id {
                return m;
            }
            if m.get("method").is_some() {
                self.log.push(m);
            }
        }
    }

    /// Send a request and return its `result` (panics on an error response).
    /// The note's outline as (name, range) pairs: what the server holds as its text.
    pub fn document_symbols(&mut self, uri: &str) -> Vec<(String, Value)> {
        let r = self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        r.as_array()
            .unwrap_or_else(|| panic!("no outline (the note is not open): {r}"))
            .iter()
            .map(|s| (s["name"].as_str().unwrap().to_string(), s["range"].clone()))
            .collect()
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_full(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Wait for a message from the server matching `pred` (earlier ones stay in `log`).
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.log.iter().position(&pred) {
            return self.log.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.next(deadline, what);
            if pred(&m) {
                return m;
            }
            self.log.push(m);
        }
    }

    /// `initialize` + `initialized` for a workspace folder.
    pub fn initialize(&mut self, root: &Path, options: Value) -> Value {
        let params = json!({
            "processId": std::process::id(),
            "rootUri": null,
            "workspaceFolders": [{"uri": file_uri(root), "name": "ws"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": true},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
            },
            "initializationOptions": options,
        });
        let r = self.request("initialize", params);
        self.notify("initialized", json!({}));
        r
    }

    /// Wait until the server says its index is ready (`sourced/status`).
    pub fn index_ready(&mut self) -> Value {
        let m = self.wait_for("index ready", |m| {
            m["method"] == "sourced/status"
                && (m["params"]["state"] == "ready" || m["params"]["state"] == "error")
        });
        assert_eq!(m["params"]["state"], "ready", "{m}");
        m
    }

    /// The next `publishDiagnostics` for `uri` with `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait_for(&format!("diagnostics for {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        m["params"]["diagnostics"].as_array().cloned().unwrap()
    }

    /// Resident memory of the server process, in bytes (Linux).
    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .expect("VmRSS");
        let kb: u64 = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap();
        kb * 1024
    }

    /// `shutdown` then `exit`; the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        self.stdin.take();
        self.wait()
    }

    /// Wait for the process to end (bounded).
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for StdioServer {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
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

/// A workspace in a temp folder whose `sourced.toml` lists `sources` (absolute) and keeps its
/// index inside, with an empty `notes/` folder.
pub fn workspace(sources: &[&Path]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let list: Vec<String> = sources
        .iter()
        .map(|s| format!("{:?}", s.to_string_lossy()))
        .collect();
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!("sources = [{}]\n", list.join(", ")),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    dir
}

pub fn seeds() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}
