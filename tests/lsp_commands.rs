//! The server's extras for editor front ends, over the in-process harness: the
//! `sourced/status` notification and request, and the `sourced.checkWorkspace` command.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;

const FABRICATED: &str =
    "A fabricated one: “The Martian ambassador praised the excellent cheese of the lunar republic”.\n";
const ALTERED: &str =
    "An altered number: “The 5,000 troops who remain the country a decade later are free to act”.\n";

fn is_status(m: &Value, state: &str) -> bool {
    m["method"] == "sourced/status" && m["params"]["state"] == state
}

#[tokio::test]
async fn status_is_pushed_and_can_be_asked_for() {
    let ws = seeds_workspace();
    let (mut c, init) = ready(ws.path(), false, json!({})).await;
    let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
    assert_eq!(
        commands,
        &json!([
            "sourced.checkWorkspace",
            "sourced.archive",
            "sourced.init",
            "sourced.showSource"
        ])
    );
    c.wait_for("building status", |m| is_status(m, "building"))
        .await;
    let pushed = c.wait_for("ready status", |m| is_status(m, "ready")).await;
    assert_eq!(pushed["params"]["sources"], 5, "{pushed}");
    assert_eq!(pushed["params"]["skipped"], 0);
    assert_eq!(pushed["params"]["message"], "5 sources");
    let asked = c.request("sourced/status", Value::Null).await;
    assert_eq!(asked, pushed["params"]);
    let dir = asked["indexDir"].as_str().unwrap();
    assert!(Path::new(dir).starts_with(ws.path()), "{dir}");
}

#[tokio::test]
async fn status_counts_skipped_files_and_follows_changes() {
    let sources = tempfile::tempdir().unwrap();
    let seed = repo().join("seeds").join("003_0afb694efec83e04.txt");
    std::fs::copy(&seed, sources.path().join("a.txt")).unwrap();
    std::fs::write(sources.path().join("b.txt"), b"\x00\x01binary\x00").unwrap();
    let ws = workspace(&[sources.path()]);
    let (mut c, _) = ready(ws.path(), false, json!({})).await;
    let ready = c.wait_for("ready status", |m| is_status(m, "ready")).await;
    assert_eq!(ready["params"]["sources"], 1, "{ready}");
    assert_eq!(ready["params"]["skipped"], 1);
    assert_eq!(ready["params"]["message"], "1 source, 1 file skipped");
    // A new source file: the update is pushed with the new count.
    c.clear_log();
    let added = sources.path().join("c.txt");
    std::fs::copy(&seed, &added).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&added), "type": 1}]}),
    )
    .await;
    let after = c
        .wait_for("status after the change", |m| {
            is_status(m, "ready") && m["params"]["sources"] == 2
        })
        .await;
    assert_eq!(after["params"]["skipped"], 1);
}

#[tokio::test]
async fn check_workspace_publishes_for_unopened_notes() {
    let ws = seeds_workspace();
    let notes = ws.path().join("notes");
    std::fs::write(notes.join("a.md"), FABRICATED).unwrap();
    std::fs::create_dir(notes.join(".drafts")).unwrap();
    std::fs::write(notes.join(".drafts").join("hidden.md"), FABRICATED).unwrap();
    let open_path = notes.join("b.md");
    std::fs::write(&open_path, "nothing yet\n").unwrap();
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    // b.md is open with unsaved text that differs from the file: the open text counts.
    let b = file_uri(&open_path);
    c.open(&b, ALTERED).await;
    let diags = c.diagnostics(&b, Some(1)).await;
    assert_eq!(diags.len(), 1);
    c.clear_log();
    let result = c
        .request(
            "workspace/executeCommand",
            json!({"command": "sourced.checkWorkspace", "arguments": []}),
        )
        .await;
    assert_eq!(result, json!({"notes": 2, "quotes": 2, "problems": 2}));
    let a = file_uri(&notes.join("a.md"));
    let diags = c.diagnostics(&a, None).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["severity"], 1);
    assert!(diags[0]["message"].as_str().unwrap().contains("not found"));
    // Nothing is published for the note in the hidden folder.
    c.drain_for(std::time::Duration::from_millis(300)).await;
    let hidden = file_uri(&notes.join(".drafts").join("hidden.md"));
    assert!(!c.log.iter().any(|m| is_diagnostics(m, &hidden, None)));
}

#[tokio::test]
async fn check_workspace_before_the_index_and_unknown_commands_are_errors() {
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    c.initialize(init_params(
        ws.path(),
        false,
        json!({"sourced": {"indexDelayMs": 3000}}),
    ))
    .await;
    let early = c
        .request_full(
            "workspace/executeCommand",
            json!({"command": "sourced.checkWorkspace"}),
        )
        .await;
    let message = early["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("not ready"), "{early}");
    let status = c.request("sourced/status", Value::Null).await;
    assert_eq!(status["state"], "building", "{status}");
    let unknown = c
        .request_full(
            "workspace/executeCommand",
            json!({"command": "sourced.nope"}),
        )
        .await;
    assert!(unknown["error"]["message"]
        .as_str()
        .unwrap()
        .contains("unknown command"));
}
