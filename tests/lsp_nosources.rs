//! A start without configuration in the editor, over the in-process harness: a folder with
//! notes and a folder of documents but no `sourced.toml`. No quotation is reported as not
//! found; the note gets one `no-sources` diagnostic, the status is `no-sources`, the user is
//! told once, and **Create sourced.toml…** asks for the folder and sends the edit that
//! creates the file (the client writes it). Once it is saved, the quotations are checked.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;

const VERIFIED: &str = "The US carried out airstrikes on Thursday";
const NOTE: &str = "# Notes\n\nThey said “The US carried out airstrikes on Thursday” then.\n\n\
                    A fabricated one: “The Martian ambassador praised the excellent cheese of the lunar republic”.\n";

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A folder with a note and `library/` holding the five seed articles; no `sourced.toml`.
fn unconfigured() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    std::fs::create_dir(&library).unwrap();
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), library.join(e.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("note.md"), NOTE).unwrap();
    dir
}

fn is_status(m: &Value, state: &str) -> bool {
    m["method"] == "sourced/status" && m["params"]["state"] == state
}

fn message_of(m: &Value) -> &str {
    m["params"]["message"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sources_is_said_once_and_create_sourced_toml_makes_the_quotes_checked() {
    let ws = unconfigured();
    let root = ws.path();
    let (mut c, init) = ready(root, false, json!({"sourced": {"debounceMs": 10}})).await;
    assert!(init["capabilities"]["executeCommandProvider"]["commands"]
        .as_array()
        .unwrap()
        .contains(&json!("sourced.init")));

    // Told once, with the action; no "source file could not be indexed".
    let told = c
        .wait_for("the no-sources message", |m| {
            m["method"] == "window/showMessageRequest"
                && message_of(m).contains("no sources configured")
        })
        .await;
    assert_eq!(
        told["params"]["actions"],
        json!([{"title": "Create sourced.toml…"}])
    );
    let shown: Vec<&str> = c
        .log
        .iter()
        .filter(|m| m["method"] == "window/showMessage")
        .map(message_of)
        .collect();
    assert!(shown.is_empty(), "other messages: {shown:?}");
    let status = c
        .wait_for("no-sources status", |m| is_status(m, "no-sources"))
        .await;
    assert_eq!(status["params"]["message"], "no sources configured");
    assert_eq!(status["params"]["sources"], 0);

    // The note: no verdict, one information diagnostic on its first quotation.
    let uri = file_uri(&root.join("note.md"));
    c.open(&uri, NOTE).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(codes(&diags), ["no-sources"], "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["severity"], 3);
    assert_eq!(
        d["message"],
        "no sources configured: quotations are not checked until sourced.toml names a sources folder"
    );
    assert_eq!(d["range"]["start"], pos(NOTE, VERIFIED, 0));
    assert_eq!(
        d["range"]["end"],
        pos(NOTE, VERIFIED, VERIFIED.len() as u32)
    );

    // Its code action runs sourced.init for this note.
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["title"], "Create sourced.toml…");
    let command = &actions[0]["command"];
    assert_eq!(command["command"], "sourced.init");
    assert_eq!(command["arguments"], json!([{"note": uri}]));

    // The user picks library/; the client applies the edit.
    c.answers.lock().unwrap().insert(
        "window/showMessageRequest".into(),
        json!({"title": "library"}),
    );
    c.answers
        .lock()
        .unwrap()
        .insert("workspace/applyEdit".into(), json!({"applied": true}));
    c.clear_log();
    let result = c
        .request(
            "workspace/executeCommand",
            json!({"command": "sourced.init", "arguments": command["arguments"]}),
        )
        .await;
    let toml = root.join("sourced.toml");
    let toml_uri = file_uri(&toml);
    assert_eq!(result, json!({"created": toml_uri, "sources": ["library"]}));
    // (The requests came before the command's answer: they are waiting in the queue.)
    c.wait_for("the question", |m| {
        m["method"] == "window/showMessageRequest"
    })
    .await;
    c.wait_for("the edit", |m| m["method"] == "workspace/applyEdit")
        .await;
    let asked = c
        .log
        .iter()
        .position(|m| m["method"] == "window/showMessageRequest")
        .expect("the question");
    let question = &c.log[asked];
    assert!(
        message_of(question).contains("library (5 files)"),
        "{question}"
    );
    assert_eq!(question["params"]["actions"], json!([{"title": "library"}]));
    let edit_at = c
        .log
        .iter()
        .position(|m| m["method"] == "workspace/applyEdit")
        .expect("the edit");
    assert!(asked < edit_at);
    let changes = c.log[edit_at]["params"]["edit"]["documentChanges"].clone();
    assert_eq!(
        changes[0],
        json!({"kind": "create", "uri": toml_uri, "options": {"overwrite": false, "ignoreIfExists": false}})
    );
    assert_eq!(changes[1]["textDocument"]["uri"], toml_uri);
    let text = changes[1]["edits"][0]["newText"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("sources = [\n    \"library\","), "{text}");
    // The server never writes it: the client does.
    assert!(!toml.exists());

    // The client writes the file and its watcher reports it: the quotations are checked.
    std::fs::write(&toml, &text).unwrap();
    c.clear_log();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": toml_uri, "type": 1}]}),
    )
    .await;
    let checked = c
        .wait_for("diagnostics with verdicts", |m| {
            is_diagnostics(m, &uri, None)
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| codes(d) == ["not-found"])
        })
        .await;
    let d = &checked["params"]["diagnostics"][0];
    assert_eq!(d["range"]["start"], pos(NOTE, "The Martian", 0));
    let ready = c.wait_for("ready status", |m| is_status(m, "ready")).await;
    assert_eq!(ready["params"]["sources"], 5);
    // Not told again.
    assert!(!c
        .log
        .iter()
        .any(|m| m["method"] == "window/showMessageRequest"));
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_configured_folder_is_no_sources_without_the_create_action() {
    let ws = workspace(&[Path::new("library")]);
    std::fs::create_dir(ws.path().join("library")).unwrap();
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    let told = c
        .wait_for("the no-sources message", |m| {
            m["method"] == "window/showMessageRequest"
        })
        .await;
    assert!(message_of(&told).contains("no source files"), "{told}");
    assert_eq!(told["params"]["actions"], Value::Null);
    let uri = file_uri(&ws.path().join("notes/n.md"));
    c.open(&uri, NOTE).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(codes(&diags), ["no-sources"]);
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("no source files in library: quotations are not checked until"),
        "{diags:?}"
    );
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diags[0]["range"], "context": {"diagnostics": [diags[0]]}}),
        )
        .await;
    assert_eq!(
        actions,
        Value::Null,
        "a sourced.toml exists: nothing to create"
    );
    let status = c.request("sourced/status", Value::Null).await;
    assert_eq!(status["state"], "no-sources");
    assert_eq!(status["message"], "no source files in library");
    assert_eq!(c.shutdown().await, 0);
}
