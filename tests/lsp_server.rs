//! The server's design promises, end to end in-process (see `lsp_harness`): requests never
//! wait for the index writer, quick fixes never edit a text they were not made for, results
//! of a superseded check never replace newer ones, pull diagnostics (document and
//! workspace), and multi-root workspaces whose folders keep their own sources.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

const S000: &str = "000_3ed32749fd57da32";
const S002: &str = "002_d0918e3d7f8dfafe";
const S003: &str = "003_0afb694efec83e04";

/// How long a request may take before the test calls it stuck: far more than any answer
/// needs, far less than the 60 s the server would wait for another process's writer lock.
const STUCK: Duration = Duration::from_secs(20);

fn fast() -> Value {
    json!({"sourced": {"debounceMs": 10}})
}

const MISMATCH: &str = "“The 5,000 troops who remain the country a decade later”";

fn note(extra: &str) -> String {
    format!("# Note\n\n{extra}Changed: {MISMATCH} [@{S003}].\n")
}

/// A copy of the seed articles (so that a test may change one) and a workspace over it.
fn own_seeds() -> (tempfile::TempDir, tempfile::TempDir) {
    let src = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), src.path().join(e.file_name())).unwrap();
    }
    let ws = workspace(&[src.path()]);
    (src, ws)
}

fn index_folder(ws: &Path) -> PathBuf {
    std::fs::read_dir(ws.join(".sourced"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("index-v")
        })
        .expect("an index folder")
}

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(STUCK, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer in {STUCK:?}"))
}

fn full_text(uri: &str, version: i64, text: &str) -> Value {
    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_holding_the_writer_delays_no_request() {
    let (src, ws) = own_seeds();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let uri = file_uri(&ws.path().join("notes").join("busy.md"));
    let text = note("");
    c.open(&uri, &text).await;
    assert_eq!(c.diagnostics(&uri, Some(1)).await.len(), 1);

    // Another process takes tantivy's writer lock (as `sourced check` does while it updates).
    let held = tantivy::Index::open_in_dir(index_folder(ws.path())).unwrap();
    let writer: tantivy::IndexWriter = held.writer(15_000_000).unwrap();

    // A source changes; the server's indexer now waits for the lock.
    let changed = src.path().join(format!("{S002}.txt"));
    let mut body = std::fs::read_to_string(&changed).unwrap();
    body.push_str("\nA sentence added while another process held the index writer lock.\n");
    std::fs::write(&changed, body).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&changed), "type": 2}]}),
    )
    .await;
    c.drain_for(Duration::from_millis(500)).await;

    // Edits are checked, hovers and completions answered, all before the lock is released.
    let edited = note("Intro.\n\n");
    c.notify("textDocument/didChange", full_text(&uri, 2, &edited))
        .await;
    let diags = within("diagnostics after an edit", c.diagnostics(&uri, Some(2))).await;
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["code"], "mismatch");
    let hover = within(
        "hover",
        c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(&edited, "5,000 troops", 0)}),
        ),
    )
    .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("mismatch"),
        "{hover}"
    );
    let with_key = format!("{edited}See [@");
    c.notify("textDocument/didChange", full_text(&uri, 3, &with_key))
        .await;
    let completion = within(
        "completion",
        c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(&with_key, "See [@", 6)}),
        ),
    )
    .await;
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&S000), "{labels:?}");

    // Released: the waiting update lands, and a quotation of the new sentence verifies.
    drop(writer);
    c.wait_for("the update after the lock", |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("sources changed: 0 added, 1 updated"))
    })
    .await;
    let quoting = format!(
        "{with_key}{S002}].\n\nNew: “A sentence added while another process held the index writer lock” [@{S002}].\n"
    );
    c.notify("textDocument/didChange", full_text(&uri, 4, &quoting))
        .await;
    let diags = c.diagnostics(&uri, Some(4)).await;
    assert_eq!(
        diags
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["mismatch"],
        "only the changed quotation is flagged: {diags:#?}"
    );
}

/// Client capabilities that take versioned `documentChanges`.
fn versioned_params(root: &Path) -> Value {
    let mut p = init_params(root, false, fast());
    p["capabilities"]["workspace"]["workspaceEdit"] = json!({"documentChanges": true});
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_fix_is_never_applied_to_a_text_it_was_not_made_for() {
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    c.initialize(versioned_params(ws.path())).await;
    index_ready(&mut c).await;
    let uri = file_uri(&ws.path().join("notes").join("fix.md"));
    let text = note("");
    c.open(&uri, &text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let old = diags[0].clone();
    assert_eq!(old["data"]["version"], 1);
    // A line is inserted above the quotation; the fix is asked for with the old diagnostic
    // before the new one arrives.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                              "end": {"line": 0, "character": 0}},
                                   "text": "Inserted line.\n"}]}),
    )
    .await;
    // The client asks where the quotation is now; the diagnostic it sends is the old one.
    let mut now = old["range"].clone();
    for end in ["start", "end"] {
        now[end]["line"] = json!(now[end]["line"].as_u64().unwrap() + 1);
    }
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": now,
                   "context": {"diagnostics": [old]}}),
        )
        .await;
    let actions = actions.as_array().cloned().unwrap_or_default();
    let replace: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"] == "Replace with the source's wording")
        .collect();
    assert_eq!(replace.len(), 1, "{actions:#?}");
    let change = &replace[0]["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 2, "{change}");
    let edit = &change["edits"][0];
    let old_line = old["range"]["start"]["line"].as_u64().unwrap();
    assert_eq!(
        edit["range"]["start"]["line"].as_u64().unwrap(),
        old_line + 1,
        "the fix edits the quotation where it is now: {edit}"
    );
    assert!(replace[0]["edit"]["changes"].is_null());
}

/// Client capabilities of a client that pulls diagnostics.
fn pull_params(root: &Value) -> Value {
    let mut caps = capabilities(false);
    caps["textDocument"]["diagnostic"] = json!({"dynamicRegistration": false});
    caps["workspace"]["diagnostics"] = json!({"refreshSupport": true});
    json!({
        "processId": null,
        "rootUri": null,
        "workspaceFolders": root,
        "capabilities": caps,
        "initializationOptions": fast(),
    })
}

fn kinds(items: &[Value]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                i["uri"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                i["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_clients_get_document_and_workspace_reports() {
    let ws = seeds_workspace();
    let notes = ws.path().join("notes");
    std::fs::write(notes.join("closed.md"), note("")).unwrap();
    std::fs::write(
        notes.join("clean.md"),
        format!("# Clean\n\n“The Pentagon’s global empire of bases has nothing to do national defense” [@{S002}].\n"),
    )
    .unwrap();
    let mut c = TestClient::start();
    let init = c
        .initialize(pull_params(
            &json!([{"uri": file_uri(ws.path()), "name": "ws"}]),
        ))
        .await;
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"],
        true
    );
    index_ready(&mut c).await;
    std::fs::write(notes.join("open.md"), note("")).unwrap();
    let uri = file_uri(&notes.join("open.md"));
    c.open(&uri, &note("")).await;
    let first = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(first["kind"], "full");
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["code"], "mismatch");
    let id = first["resultId"].as_str().unwrap().to_string();
    let again = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "previousResultId": id}),
        )
        .await;
    assert_eq!(again, json!({"kind": "unchanged", "resultId": id}));

    // Every note of the workspace, open or not.
    let report = c
        .request("workspace/diagnostic", json!({"previousResultIds": []}))
        .await;
    let items = report["items"].as_array().unwrap().clone();
    assert_eq!(
        kinds(&items),
        [
            ("clean.md".to_string(), "full".to_string()),
            ("closed.md".to_string(), "full".to_string()),
            ("open.md".to_string(), "full".to_string())
        ]
    );
    let by_name = |name: &str| {
        items
            .iter()
            .find(|i| i["uri"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("closed.md")["items"][0]["code"], "mismatch");
    assert_eq!(by_name("clean.md")["items"], json!([]));
    assert_eq!(by_name("open.md")["version"], 1);
    assert!(by_name("closed.md")["version"].is_null());
    // Nothing changed: every report is `unchanged`.
    let previous: Vec<Value> = items
        .iter()
        .map(|i| json!({"uri": i["uri"], "value": i["resultId"]}))
        .collect();
    let second = c
        .request(
            "workspace/diagnostic",
            json!({"previousResultIds": previous}),
        )
        .await;
    assert_eq!(
        kinds(second["items"].as_array().unwrap()),
        [
            ("clean.md".to_string(), "unchanged".to_string()),
            ("closed.md".to_string(), "unchanged".to_string()),
            ("open.md".to_string(), "unchanged".to_string())
        ]
    );
    // A note changed on disk is reported again, the others stay unchanged.
    std::fs::write(notes.join("clean.md"), note("Now with a mismatch.\n\n")).unwrap();
    let third = c
        .request(
            "workspace/diagnostic",
            json!({"previousResultIds": previous}),
        )
        .await;
    let third = third["items"].as_array().unwrap();
    assert_eq!(
        kinds(third),
        [
            ("clean.md".to_string(), "full".to_string()),
            ("closed.md".to_string(), "unchanged".to_string()),
            ("open.md".to_string(), "unchanged".to_string())
        ]
    );
    // With a partial result token the reports come as `$/progress` and the answer is empty.
    let last = c
        .request(
            "workspace/diagnostic",
            json!({"previousResultIds": [], "partialResultToken": "pr-1"}),
        )
        .await;
    assert_eq!(last["items"], json!([]));
    c.drain_for(Duration::from_millis(300)).await;
    let partial: Vec<Value> = c
        .log
        .iter()
        .filter(|m| m["method"] == "$/progress" && m["params"]["token"] == "pr-1")
        .flat_map(|m| m["params"]["value"]["items"].as_array().cloned().unwrap())
        .collect();
    assert_eq!(kinds(&partial).len(), 3, "{partial:#?}");
    // A pull client gets no pushed diagnostics.
    assert!(
        !c.log
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "pushed to a pull client"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_workspace_folder_checks_against_its_own_sources() {
    // Folder A has the seeds; folder B has one unrelated source of its own.
    let a = seeds_workspace();
    let b_sources = tempfile::tempdir().unwrap();
    std::fs::write(
        b_sources.path().join("other.txt"),
        "An unrelated source about the weather in the mountains this spring.\n",
    )
    .unwrap();
    let b = workspace(&[b_sources.path()]);
    let quote = format!(
        "“The Pentagon’s global empire of bases has nothing to do national defense” [@{S002}].\n"
    );
    let mut c = TestClient::start();
    let mut params = init_params(a.path(), false, fast());
    params["workspaceFolders"] = json!([
        {"uri": file_uri(a.path()), "name": "a"},
        {"uri": file_uri(b.path()), "name": "b"}
    ]);
    c.initialize(params).await;
    let in_a = file_uri(&a.path().join("notes").join("a.md"));
    let in_b = file_uri(&b.path().join("notes").join("b.md"));
    c.open(&in_a, &quote).await;
    c.open(&in_b, &quote).await;
    // (Both arrive in any order: wait for each without dropping the other.)
    let of = |m: Value| m["params"]["diagnostics"].as_array().cloned().unwrap();
    let diags_a = of(c
        .wait_for("a's diagnostics", |m| is_diagnostics(m, &in_a, Some(1)))
        .await);
    assert_eq!(diags_a, Vec::<Value>::new());
    let diags = of(c
        .wait_for("b's diagnostics", |m| is_diagnostics(m, &in_b, Some(1)))
        .await);
    assert_eq!(
        diags
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["not-found", "unknown-citation"],
        "{diags:#?}"
    );
    // Each folder has its own index.
    assert!(a.path().join(".sourced").is_dir());
    assert!(b.path().join(".sourced").is_dir());
    let status = c.request("sourced/status", Value::Null).await;
    let folders = status["folders"].as_array().unwrap();
    let roots: Vec<&str> = folders
        .iter()
        .map(|f| f["root"].as_str().unwrap())
        .collect();
    assert_eq!(
        roots,
        [a.path().to_str().unwrap(), b.path().to_str().unwrap()]
    );
    assert_eq!(folders[0]["sources"], 5);
    assert_eq!(folders[1]["sources"], 1);

    // A folder added later gets its own index too; a removed one no longer answers.
    let c_sources = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("seeds").join(format!("{S002}.txt")),
        c_sources.path().join(format!("{S002}.txt")),
    )
    .unwrap();
    let third = workspace(&[c_sources.path()]);
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": file_uri(third.path()), "name": "c"}],
                         "removed": [{"uri": file_uri(b.path()), "name": "b"}]}}),
    )
    .await;
    let in_c = file_uri(&third.path().join("notes").join("c.md"));
    c.open(&in_c, &quote).await;
    assert_eq!(c.diagnostics(&in_c, Some(1)).await, Vec::<Value>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_pulled_while_the_index_builds_gets_its_report_once_it_is_built() {
    // Neovim 0.11 pulls on open and edit only (no refresh support): an empty report given
    // while the index builds would stay until the next edit.
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    let mut params = pull_params(&json!([{"uri": file_uri(ws.path()), "name": "ws"}]));
    params["capabilities"]["workspace"]["diagnostics"] = json!({});
    params["initializationOptions"] = json!({"sourced": {"debounceMs": 10, "indexDelayMs": 1000}});
    c.initialize(params).await;
    let uri = file_uri(&ws.path().join("notes").join("early.md"));
    c.open(&uri, &note("")).await;
    let status = c.request("sourced/status", Value::Null).await;
    // Not ready yet (waiting for the indexer to start, or building).
    assert_ne!(status["state"], "ready", "{status}");
    let report = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(report["kind"], "full");
    let codes: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["mismatch"], "{report}");
    assert!(report["resultId"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_after_a_settings_change_reports_under_the_new_settings() {
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    c.initialize(pull_params(
        &json!([{"uri": file_uri(ws.path()), "name": "ws"}]),
    ))
    .await;
    index_ready(&mut c).await;
    let uri = file_uri(&ws.path().join("notes").join("settings.md"));
    c.open(&uri, &note("")).await;
    let first = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(first["items"][0]["code"], "mismatch");
    // Mismatches off; the client pulls again at once (as VS Code does on the refresh).
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"sourced": {"debounceMs": 10, "severity": {"mismatch": "off"}}}}),
    )
    .await;
    let second = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "previousResultId": first["resultId"]}),
        )
        .await;
    assert_eq!(second["kind"], "full", "{second}");
    assert_eq!(second["items"], json!([]));
}
