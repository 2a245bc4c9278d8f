//! Web pages in the editor: a link to a captured page is a citation (hover says which
//! capture, definition opens it), a link to a page no source captured gets a diagnostic with
//! "Archive this page", and several such links one action that archives them all.

mod common;
mod lsp_harness;

use common::warc::{html, warc_gz, Record};
use lsp_harness::*;
use serde_json::{json, Value};

const STORY: &str = "https://www.example.org/news/harbour-bridge";

/// A workspace (and its sources folder, outside it) with two captures of the story.
fn web_workspace() -> (tempfile::TempDir, tempfile::TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let sources = folder.path();
    for (name, date, paras) in [
        ("a.warc.gz", "2026-03-02T09:15:00Z", ["The council voted on Tuesday to close the old harbour bridge to heavy lorries from the first of May."]),
        ("b.warc.gz", "2026-04-10T18:00:00Z", ["The council voted on Tuesday to close the old harbour bridge to heavy lorries from the first of May."]),
    ] {
        let page = Record::page(STORY, date, "text/html", &html("Harbour bridge", &paras));
        std::fs::write(sources.join(name), warc_gz(&[page])).unwrap();
    }
    (workspace(&[sources]), folder)
}

#[tokio::test]
async fn a_link_to_a_captured_page_is_a_citation_and_an_uncaptured_one_can_be_archived() {
    let (ws, _sources) = web_workspace();
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    let note = format!(
        "They “voted on Tuesday to close the old harbour bridge” ([Gazette]({STORY}?utm_source=x)).\n\n\
         Others said “close the old harbour bridge to heavy lorries” ([AP](https://apnews.com/a)) \
         and “from the first of May” ([BBC](https://bbc.co.uk/b)).\n\n\
         Again “the old harbour bridge to heavy lorries” ([AP](https://apnews.com/a)).\n"
    );
    let uri = file_uri(&ws.path().join("notes/n.md"));
    c.open(&uri, &note).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let uncaptured: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "uncaptured-page")
        .collect();
    assert_eq!(uncaptured.len(), 3, "{diags:#?}");
    assert!(
        uncaptured[0]["message"]
            .as_str()
            .unwrap()
            .contains("no capture of ‘https://apnews.com/a’"),
        "{:#}",
        uncaptured[0]
    );
    // Hover on the captured link: the newest capture, and that an older one exists.
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(&note, "Gazette", 1)}),
        )
        .await;
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("capture of 2026-04-10T18:00:00Z"), "{text}");
    assert!(text.contains("An older capture exists"), "{text}");
    // Definition: every capture, the newest first, as its rendition.
    let def = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": pos(&note, "Gazette", 1)}),
        )
        .await;
    let targets: Vec<&str> = def
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(targets.len(), 2, "{def:#}");
    assert!(targets[0].contains("b.warc.gz%23"), "{targets:?}");
    assert!(targets[1].contains("a.warc.gz%23"), "{targets:?}");
    // Code actions on the uncaptured link: archive it, or all of the note's.
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": uncaptured[0]["range"],
                   "context": {"diagnostics": [uncaptured[0]]}}),
        )
        .await;
    let actions = actions.as_array().cloned().unwrap_or_default();
    let archive: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"] == "Archive this page")
        .collect();
    assert_eq!(archive.len(), 1, "{actions:#?}");
    assert_eq!(archive[0]["command"]["command"], "sourced.archive");
    assert_eq!(
        archive[0]["command"]["arguments"],
        json!([{"urls": ["https://apnews.com/a"]}])
    );
    let all: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"] == "Archive the 2 uncaptured pages of this note")
        .collect();
    assert_eq!(all.len(), 1, "{actions:#?}");
    assert_eq!(
        all[0]["command"]["arguments"],
        json!([{"urls": ["https://apnews.com/a", "https://bbc.co.uk/b"]}])
    );
}

#[tokio::test]
async fn archiving_from_the_editor_turns_the_link_into_a_checked_citation() {
    use common::http::{Reply, TestServer};
    let page = html(
        "Harbour bridge",
        &["The council voted on Tuesday to close the old harbour bridge to heavy lorries from the first of May."],
    );
    let server = TestServer::start(vec![("/bridge", Reply::ok("text/html", &page))]);
    // No web folder yet, no source at all: the first capture makes both. Until then no
    // quotation is checked (one diagnostic says why), and the links get "Archive this page".
    let sources = tempfile::tempdir().unwrap();
    let ws = workspace(&[sources.path()]);
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    let url = server.url("/bridge");
    let note = format!(
        "They “voted on Tuesday to close the old harbour bridge” ([Gazette]({url})) and \
         “close the old harbour bridge to all traffic” ([Gazette]({url})).\n"
    );
    let uri = file_uri(&ws.path().join("notes/n.md"));
    c.open(&uri, &note).await;
    let before = c.diagnostics(&uri, Some(1)).await;
    let codes: Vec<&str> = before.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["no-sources", "uncaptured-page", "uncaptured-page"],
        "{before:#?}"
    );
    c.clear_log();
    let result = c
        .request(
            "workspace/executeCommand",
            json!({"command": "sourced.archive", "arguments": [{"note": uri}]}),
        )
        .await;
    assert_eq!(
        result["archived"].as_array().map(Vec::len),
        Some(1),
        "{result}"
    );
    // The capture is indexed and the note checked again: the first quotation is verified
    // (no diagnostic), the second differs from the page, and the link names a source.
    let after = c
        .wait_for("diagnostics after archiving", |m| {
            is_diagnostics(m, &uri, None)
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().all(|d| d["code"] != "uncaptured-page"))
        })
        .await;
    let diags = after["params"]["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["mismatch"], "{diags:#?}");
}
