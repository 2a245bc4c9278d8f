//! Speaker checks in the language server (in-process, see `lsp_harness`): a quotation given
//! to the wrong speaker is a `wrong-speaker` warning whose related information points at the
//! source's attribution, its hover says who said it, its quick fix puts the source's speaker
//! in the note (and the note is then right); a speaker the source does not name is a hint
//! that `severity.speakerUnknown: "off"` silences.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};

const S003: &str = "003_0afb694efec83e04";
/// In `seeds/003…` (line 11): the second sentence of a quotation whose first one the
/// source gives to "the Iraqi prime minister" (Al Sudani), with no cue of its own.
const SUDANI: &str = "“We condemn the attacks targeting our security forces”";
/// Narration of `seeds/003…`, an unsigned article: nobody said it.
const NARRATION: &str = "“Baghdad has accused Washington of breaching its sovereignty”";

fn settings(extra: Value) -> Value {
    let mut s = json!({"debounceMs": 10});
    if let (Some(s), Some(e)) = (s.as_object_mut(), extra.as_object()) {
        s.extend(e.clone());
    }
    json!({ "sourced": s })
}

fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_speaker_is_shown_explained_and_fixed() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, settings(json!({}))).await;
    index_ready(&mut c).await;
    let uri = file_uri(&ws.path().join("notes/n.md"));
    let text = format!("# N\n\nPat Ryder said {SUDANI} [@{S003}].\n");
    c.open(&uri, &text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let wrong = with_code(&diags, "wrong-speaker");
    assert_eq!(wrong.len(), 1, "{diags:#?}");
    let d = wrong[0];
    assert_eq!(d["severity"], 2, "a warning: {d}");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.starts_with("the source attributes these words to ")
            && message.contains(", not Pat Ryder"),
        "{message}"
    );
    assert!(!message.contains("to Pat Ryder"), "{message}");
    // The quotation's range: inside the marks.
    let ((l, c0), _) = find(&text, "We condemn");
    assert_eq!(d["range"]["start"], json!({"line": l, "character": c0}));
    // Related information: the passage, and the attribution on the source's line 11.
    let related = d["relatedInformation"].as_array().unwrap();
    let attribution: Vec<&Value> = related
        .iter()
        .filter(|r| {
            r["message"]
                .as_str()
                .unwrap()
                .starts_with("the source attributes these words to ")
        })
        .collect();
    assert_eq!(attribution.len(), 1, "{related:#?}");
    assert!(attribution[0]["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with(&format!("seeds/{S003}.txt")));
    assert_eq!(attribution[0]["location"]["range"]["start"]["line"], 10);

    // The hover says so, and who said it.
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(&text, "We condemn", 3)}),
        )
        .await;
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("**wrong speaker**"), "{value}");
    assert!(value.contains("Said by **"), "{value}");
    assert!(value.contains(&format!("seeds/{S003}.txt`)")), "{value}");

    // The quick fix replaces the name with the source's speaker.
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"],
                   "context": {"diagnostics": [d]}}),
        )
        .await;
    let actions = actions.as_array().cloned().unwrap_or_default();
    let fix: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"].as_str().unwrap().starts_with("Attribute to "))
        .collect();
    assert_eq!(fix.len(), 1, "{actions:#?}");
    // Versioned edits for a client that takes them, plain ones otherwise.
    let edit = match &fix[0]["edit"]["documentChanges"] {
        Value::Array(changes) => changes[0]["edits"][0].clone(),
        _ => fix[0]["edit"]["changes"][&uri][0].clone(),
    };
    let ((l, c0), _) = find(&text, "Pat Ryder");
    assert_eq!(
        edit["range"],
        json!({"start": {"line": l, "character": c0}, "end": {"line": l, "character": c0 + 9}})
    );
    let name = edit["newText"].as_str().unwrap().to_string();
    assert!(
        name.contains("Sudani"),
        "the source's speaker is Al Sudani: {name}"
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": edit["range"], "text": name}]}),
    )
    .await;
    let text = text.replacen("Pat Ryder", &name, 1);
    let diags = c.diagnostics(&uri, Some(2)).await;
    assert!(with_code(&diags, "wrong-speaker").is_empty(), "{diags:#?}");
    assert!(
        with_code(&diags, "speaker-unknown").is_empty(),
        "{diags:#?}"
    );
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(&text, "We condemn", 3)}),
        )
        .await;
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("**verified**"), "{value}");
    assert!(value.contains("Said by **"), "{value}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_speaker_the_source_does_not_name_is_a_hint_that_can_be_turned_off() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, settings(json!({}))).await;
    index_ready(&mut c).await;
    let uri = file_uri(&ws.path().join("notes/n.md"));
    let text = format!("# N\n\nPat Ryder said {NARRATION} [@{S003}].\n");
    c.open(&uri, &text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert!(with_code(&diags, "wrong-speaker").is_empty(), "{diags:#?}");
    let hints = with_code(&diags, "speaker-unknown");
    assert_eq!(hints.len(), 1, "{diags:#?}");
    assert_eq!(hints[0]["severity"], 4);
    assert!(hints[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("the source does not say who said this"));
    let ((l, c0), _) = find(&text, "Pat Ryder");
    assert_eq!(
        hints[0]["range"],
        json!({"start": {"line": l, "character": c0}, "end": {"line": l, "character": c0 + 9}})
    );
    // Off: no hint.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": settings(json!({"severity": {"speakerUnknown": "off"}}))}),
    )
    .await;
    let diags = c
        .wait_for("diagnostics without the hint", |m| {
            is_diagnostics(m, &uri, None)
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().all(|d| d["code"] != "speaker-unknown"))
        })
        .await;
    assert!(diags["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["code"] != "wrong-speaker"));
}
