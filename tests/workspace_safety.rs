//! Workspace safety: notes that link or cite files outside the workspace never make sourced
//! read them; a `sourced.toml` cannot send its index or its notes outside the workspace;
//! `sourced` writes only inside its cache folder; and checking never touches the network (only
//! `sourced archive` and the `sourced.archive` command do).
//!
//! Where `strace` works (it does on Linux CI machines, root or not), the system calls of the
//! real binary are traced: which files it opened, what it wrote, whether it made a socket.
//! Without it those parts fall back to comparing the file tree before and after, and say so.

mod common;
mod lsp_stdio;

use common::sourced;
use common::trace::*;
use lsp_stdio::{file_uri, sourced_lsp, StdioServer};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `outer/ws`: a workspace with the seeds as sources and the sample note; `outer` also
/// holds a secret file next to the workspace.
fn layout() -> (tempfile::TempDir, PathBuf) {
    let outer = tempfile::tempdir().unwrap();
    let ws = outer.path().join("ws");
    std::fs::create_dir_all(ws.join("seeds")).unwrap();
    std::fs::create_dir_all(ws.join("notes")).unwrap();
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), ws.join("seeds").join(e.file_name())).unwrap();
    }
    std::fs::copy(repo().join("examples/notes.md"), ws.join("notes/notes.md")).unwrap();
    std::fs::write(ws.join("sourced.toml"), "sources = [\"seeds\"]\n").unwrap();
    std::fs::create_dir_all(outer.path().join("outside")).unwrap();
    std::fs::write(
        outer.path().join("outside/secret.md"),
        "# Secret\n\nThe secret sentence nobody should read outside. TOPSECRET\n",
    )
    .unwrap();
    (outer, ws)
}

const SECRET_QUOTE: &str = "The secret sentence nobody should read outside";

/// A note that cites files outside the workspace by relative and absolute links, and one
/// that cites a real source (the control).
fn hostile_note(outer: &Path) -> String {
    format!(
        "Relative: “{SECRET_QUOTE}” [leak](../../outside/secret.md).\n\n\
         Absolute: “{SECRET_QUOTE}” [abs]({}).\n\n\
         System: “no such words are in any of these files” [pw](/etc/passwd) [pw2](../../../../../../../../etc/passwd.md) [@passwd].\n\n\
         Control: “The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq” [CNN](../seeds/000_3ed32749fd57da32.txt).\n",
        outer.join("outside/secret.md").display()
    )
}

#[test]
fn links_and_keys_outside_the_workspace_are_never_read() {
    let (outer, ws) = layout();
    std::fs::write(ws.join("notes/hostile.md"), hostile_note(outer.path())).unwrap();
    let trace = strace_works();
    let log = outer.path().join("check.strace");
    let out = if trace {
        traced(
            &ws,
            &log,
            &["check", "notes/hostile.md", "--format", "json"],
        )
    } else {
        sourced(&ws, &["check", "notes/hostile.md", "--format", "json"])
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for leaked in ["TOPSECRET", "nologin", "root:x:0"] {
        assert!(
            !stdout.contains(leaked) && !stderr.contains(leaked),
            "{leaked}"
        );
    }
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let q = report["quotes"].as_array().unwrap();
    assert_eq!(q.len(), 4);
    for (i, want) in ["not-found", "not-found", "not-found", "verified"]
        .iter()
        .enumerate()
    {
        assert_eq!(q[i]["status"], *want, "{}", q[i]);
    }
    // A link to a file that is not a source is not a citation.
    assert_eq!(q[0]["cited"], Value::Null);
    assert_eq!(q[1]["cited"], Value::Null);
    assert_eq!(q[3]["cited"], "../seeds/000_3ed32749fd57da32.txt");
    if trace {
        assert_never_named(&log, &["secret.md", "/etc/passwd", "outside"]);
    }

    // The language server: diagnostics, hovers and definitions on those citations.
    let log = outer.path().join("lsp.strace");
    let cmd = if trace {
        traced_lsp(&log)
    } else {
        sourced_lsp()
    };
    let mut server = StdioServer::spawn(cmd, Stdio::null());
    server.initialize(&ws, json!({"sourced": {"debounceMs": 10}}));
    server.index_ready();
    let uri = file_uri(&ws.join("notes/hostile.md"));
    let text = hostile_note(outer.path());
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diags = server.diagnostics(&uri, 1);
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    // The three quotations, and `[@passwd]`: a key no source has (never a path to read).
    assert_eq!(
        codes,
        ["not-found", "not-found", "not-found", "unknown-citation"],
        "{diags:?}"
    );
    assert!(diags[3]["message"]
        .as_str()
        .unwrap()
        .starts_with("unknown citation key ‘passwd’"));
    let at = |needle: &str| {
        let line = text[..text.find(needle).unwrap()].matches('\n').count();
        let start = text[..text.find(needle).unwrap()]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let col = text[start..text.find(needle).unwrap()]
            .encode_utf16()
            .count()
            + 1;
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
    };
    for link in [
        "[leak]",
        "[abs]",
        "[pw]",
        "[pw2]",
        "[@passwd]",
        SECRET_QUOTE,
    ] {
        let h = server.request("textDocument/hover", at(link));
        assert!(!h.to_string().contains("TOPSECRET"), "{link}: {h}");
        let d = server.request("textDocument/definition", at(link));
        assert_eq!(d, Value::Null, "definition of {link} leads outside: {d}");
    }
    // The control: a link to a source opens it.
    let d = server.request("textDocument/definition", at("[CNN]"));
    assert!(
        d["uri"]
            .as_str()
            .unwrap()
            .ends_with("seeds/000_3ed32749fd57da32.txt"),
        "{d}"
    );
    assert!(server.shutdown().success());
    if trace {
        assert_never_named(&log, &["secret.md", "/etc/passwd", "outside"]);
    }
}

#[test]
fn config_paths_outside_the_workspace_are_refused() {
    let (outer, ws) = layout();
    let abs = outer.path().join("abs-cache");
    let before = snapshot(outer.path());
    for (config, says) in [
        ("index_dir = \"../cache-outside\"", "index_dir"),
        (
            &format!("index_dir = {:?}", abs.to_string_lossy()) as &str,
            "index_dir",
        ),
        ("index_dir = \"/tmp\"", "index_dir"),
        ("index_dir = \".\"", "index_dir"),
        ("index_dir = \"seeds/../..\"", "index_dir"),
        ("notes = [\"../outside\"]", "notes"),
        ("notes = [\"/etc\"]", "notes"),
    ] {
        std::fs::write(
            ws.join("sourced.toml"),
            format!("sources = [\"seeds\"]\n{config}\n"),
        )
        .unwrap();
        for args in [&["check"][..], &["index"], &["entities"]] {
            let out = sourced(&ws, args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{config} {args:?}: {err}");
            assert!(
                err.contains("sourced.toml")
                    && err.contains(says)
                    && (err.contains("outside the workspace")
                        || err.contains("not a folder inside the workspace")),
                "{config}: {err}"
            );
            assert!(!err.contains("TOPSECRET"));
        }
    }
    std::fs::write(ws.join("sourced.toml"), "sources = [\"seeds\"]\n").unwrap();
    assert_eq!(
        changes(&before, &snapshot(outer.path())),
        [ws.join("sourced.toml")],
        "nothing but the edited config changed"
    );

    // Inside the workspace, anywhere: fine.
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"seeds\"]\nindex_dir = \"cache/sourced\"\nnotes = [\"notes\"]\n",
    )
    .unwrap();
    let out = sourced(&ws, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(ws.join("cache/sourced/.gitignore").exists());
    // Sources are the exception: they may be anywhere, that is what they are for.
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"../outside\"]\nnotes = [\"notes\"]\n",
    )
    .unwrap();
    std::fs::write(
        ws.join("notes/notes.md"),
        format!("“{SECRET_QUOTE}” [@secret]\n"),
    )
    .unwrap();
    let out = sourced(&ws, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The language server says so, and keeps working.
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"seeds\"]\nindex_dir = \"../cache-outside\"\n",
    )
    .unwrap();
    let mut server = StdioServer::spawn(sourced_lsp(), Stdio::null());
    server.initialize(&ws, json!({}));
    let m = server.wait_for("error message", |m| {
        m["method"] == "window/showMessage" && m["params"]["type"] == 1
    });
    let msg = m["params"]["message"].as_str().unwrap();
    assert!(msg.contains("index_dir"), "{msg}");
    assert!(server.shutdown().success());
    assert!(!outer.path().join("cache-outside").exists());
}

#[test]
fn sourced_writes_only_inside_its_cache_folder() {
    let (outer, ws) = layout();
    let cache = ws.join(".sourced");
    let trace = strace_works();
    let logs = tempfile::tempdir().unwrap();
    let before = snapshot(outer.path());
    let commands: [&[&str]; 6] = [
        &["index"],
        &["check", "--format", "json"],
        &["check", "notes/notes.md", "--format", "sarif"],
        &["check", "-v"],
        &["entities", "--format", "json"],
        &["index"],
    ];
    for (i, args) in commands.iter().enumerate() {
        let log = logs.path().join(format!("cli-{i}.strace"));
        let out = if trace {
            traced(&ws, &log, args)
        } else {
            sourced(&ws, args)
        };
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if trace {
            if i == 0 {
                assert_writes_inside(&log, &ws, &cache);
            } else {
                // Later runs may write nothing but lock files: still only in the cache.
                for c in writes(&calls(&log)) {
                    for p in &c.paths {
                        let full = sourced::config::absolute(&ws.join(p));
                        assert!(full.starts_with(&cache), "{args:?}: {}", c.line);
                    }
                }
            }
        }
    }

    // A language server session: edits, hovers, fixes, a workspace check, a changed source.
    let log = logs.path().join("lsp.strace");
    let cmd = if trace {
        traced_lsp(&log)
    } else {
        sourced_lsp()
    };
    let mut server = StdioServer::spawn(cmd, Stdio::null());
    server.initialize(&ws, json!({"sourced": {"debounceMs": 10}}));
    server.index_ready();
    let uri = file_uri(&ws.join("notes/notes.md"));
    let text = std::fs::read_to_string(ws.join("notes/notes.md")).unwrap();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diags = server.diagnostics(&uri, 1);
    assert!(!diags.is_empty());
    for d in &diags {
        let p = json!({"textDocument": {"uri": uri}, "position": d["range"]["start"]});
        server.request("textDocument/hover", p.clone());
        server.request("textDocument/definition", p);
        server.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        );
    }
    let r = server.request(
        "workspace/executeCommand",
        json!({"command": "sourced.checkWorkspace"}),
    );
    assert_eq!(r["notes"], 1, "{r}");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&ws.join("seeds/000_3ed32749fd57da32.txt")), "type": 2}]}),
    );
    server.request("sourced/status", Value::Null);
    assert!(server.shutdown().success());
    if trace {
        for c in writes(&calls(&log)) {
            for p in &c.paths {
                let full = sourced::config::absolute(&ws.join(p));
                assert!(full.starts_with(&cache), "lsp: {}", c.line);
            }
        }
    }

    // Whatever the trace says, the tree says the same: only the cache folder changed (and
    // the workspace folder's time, for the cache folder created in it).
    let changed = changes(&before, &snapshot(outer.path()));
    assert!(!changed.is_empty());
    for p in &changed {
        assert!(
            p.starts_with(&cache) || (*p == ws && before.contains_key(p)),
            "{} changed",
            p.display()
        );
    }
}

#[test]
fn no_network_access() {
    // No networking crate is linked but ureq (on rustls), which only `sourced archive` and
    // the language server's `sourced.archive` command use (src/web; tests/architecture.rs
    // keeps checking from reaching it).
    let lock = std::fs::read_to_string(repo().join("Cargo.lock")).unwrap();
    for krate in [
        "reqwest",
        "hyper",
        "curl",
        "isahc",
        "surf",
        "attohttpc",
        "native-tls",
        "openssl",
        "h2",
        "socket2",
        "mio",
        "tungstenite",
    ] {
        assert!(
            !lock.contains(&format!("\nname = \"{krate}\"\n")),
            "{krate} is in Cargo.lock: sourced promises no network access"
        );
    }
    let (outer, ws) = layout();
    // No socket is ever made: a check, and a language server session.
    if strace_works() {
        let log = outer.path().join("net.strace");
        let out = traced(&ws, &log, &["check", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1));
        assert_no_network(&log);
        let mut server = StdioServer::spawn(traced_lsp(&log), Stdio::null());
        server.initialize(&ws, json!({"sourced": {"debounceMs": 10}}));
        server.index_ready();
        let uri = file_uri(&ws.join("notes/notes.md"));
        let text = std::fs::read_to_string(ws.join("notes/notes.md")).unwrap();
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        assert!(!server.diagnostics(&uri, 1).is_empty());
        assert!(server.shutdown().success());
        assert_no_network(&log);
    }
    // And it works the same with no network at all (a network namespace of its own).
    let offline = Command::new("unshare")
        .args(["-n", "--"])
        .arg(env!("CARGO_BIN_EXE_sourced"))
        .args(["check", "--format", "json"])
        .current_dir(&ws)
        .output();
    match offline {
        Ok(out) if out.status.code() == Some(1) => {
            let online = sourced(&ws, &["check", "--format", "json"]);
            assert_eq!(out.stdout, online.stdout);
        }
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("unshare") => eprintln!(
            "note: cannot make a network namespace here: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Ok(out) => panic!(
            "offline run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("note: unshare is not available: {e}"),
    }
}
