//! End-to-end tests of `sourced lsp`, in-process over duplex pipes with real JSON-RPC frames
//! (see `lsp_harness`). Workspaces are temporary folders whose `sourced.toml` points at the
//! repository's `seeds/` (or at a temporary sources folder); the index lives in the temp dir.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const S000: &str = "000_3ed32749fd57da32";
const S002: &str = "002_d0918e3d7f8dfafe";
const S003: &str = "003_0afb694efec83e04";

/// Short debounce so tests run fast.
fn fast() -> Value {
    json!({"sourced": {"debounceMs": 10}})
}

fn note_uri(ws: &Path, name: &str) -> String {
    file_uri(&ws.join("notes").join(name))
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn start_of(d: &Value) -> (u64, u64) {
    (
        d["range"]["start"]["line"].as_u64().unwrap(),
        d["range"]["start"]["character"].as_u64().unwrap(),
    )
}

/// Position of the end of `text` (UTF-16).
fn end_pos(text: &str) -> Value {
    let line = text.matches('\n').count();
    let last = &text[text.rfind('\n').map_or(0, |i| i + 1)..];
    json!({"line": line, "character": last.encode_utf16().count()})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_negotiates_the_encoding_and_columns_follow_it() {
    let ws = seeds_workspace();
    let note = format!(
        "# Encodings\n\n😀 漢字テキスト “The 5,000 troops who remain the country a decade later” [@{S003}].\n"
    );
    let ((line, col16), (_, col8)) = find(&note, "The 5,000");
    assert_ne!(col16, col8);
    for utf8 in [true, false] {
        let (mut c, init) = ready(ws.path(), utf8, fast()).await;
        let expected = if utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(init["capabilities"]["positionEncoding"], expected);
        assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
        let uri = note_uri(ws.path(), "enc.md");
        c.open(&uri, &note).await;
        let diags = c.diagnostics(&uri, Some(1)).await;
        assert_eq!(codes(&diags), ["mismatch"]);
        let want = if utf8 { col8 } else { col16 };
        assert_eq!(
            start_of(&diags[0]),
            (line as u64, want as u64),
            "utf8={utf8}"
        );
        // The end is just before the closing mark, in the same encoding.
        let (_, (_, end8)) = find(&note, "” [@");
        let ((_, end16), _) = find(&note, "” [@");
        let end = if utf8 { end8 } else { end16 };
        assert_eq!(diags[0]["range"]["end"]["character"], end);
        // A position from the client in that encoding finds the quote again.
        let hover = c
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": want + 2}}),
            )
            .await;
        assert!(hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("mismatch"));
        assert_eq!(c.shutdown().await, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_edits_apply_in_order_and_only_the_last_version_is_published() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, json!({"debounceMs": 300})).await;
    let uri = note_uri(ws.path(), "draft.md");
    let mut text = String::from("Draft\n");
    c.open(&uri, &text).await;
    assert!(c.diagnostics(&uri, Some(1)).await.is_empty());
    c.clear_log();

    // Five edits in a burst: appends, a replacement inside a line, a line deletion.
    let mut edits: Vec<(Value, String)> = Vec::new();
    let apply =
        |text: &mut String, edits: &mut Vec<(Value, String)>, from: Value, to: Value, new: &str| {
            edits.push((json!({"start": from, "end": to}), new.to_string()));
            let a = offset_of(text, &edits.last().unwrap().0["start"]);
            let b = offset_of(text, &edits.last().unwrap().0["end"]);
            text.replace_range(a..b, new);
        };
    let e = end_pos(&text);
    apply(&mut text, &mut edits, e.clone(), e, "CNN: “The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq”.\n");
    let e = end_pos(&text);
    apply(
        &mut text,
        &mut edits,
        e.clone(),
        e,
        "Bad: “The Martian ambassador praised the cheese”\n",
    );
    let (from, to) = (pos(&text, "Martian", 0), pos(&text, " praised", 0));
    apply(&mut text, &mut edits, from, to, "Venusian consul");
    let e = end_pos(&text);
    apply(
        &mut text,
        &mut edits,
        e.clone(),
        e,
        "Changed: “The 5,000 troops who remain the country a decade later”\n",
    );
    let (from, to) = (pos(&text, "Bad:", 0), pos(&text, "Changed:", 0));
    apply(&mut text, &mut edits, from, to, "");
    for (i, (range, new)) in edits.iter().enumerate() {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": i + 2},
                   "contentChanges": [{"range": range, "text": new}]}),
        )
        .await;
    }
    assert_eq!(
        text,
        "Draft\nCNN: “The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq”.\nChanged: “The 5,000 troops who remain the country a decade later”\n"
    );
    let diags = c.diagnostics(&uri, Some(6)).await;
    assert_eq!(codes(&diags), ["mismatch"]);
    let ((line, col), _) = find(&text, "The 5,000");
    assert_eq!(start_of(&diags[0]), (line as u64, col as u64));
    // Nothing was published for the intermediate versions, before or after.
    c.drain_for(Duration::from_millis(500)).await;
    let versions: Vec<i64> = c
        .log
        .iter()
        .filter(|m| is_diagnostics(m, &uri, None))
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [6], "published versions");
    // The server's text is the client's: the symbol list matches the final text.
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let details: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["detail"].as_str().unwrap())
        .collect();
    assert_eq!(details, ["verified", "mismatch"]);
}

/// Byte offset in `text` of an LSP position (UTF-16), for the test's model of the document.
fn offset_of(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let col = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= col || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_notes_get_a_diagnostic_per_problem() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let text = std::fs::read_to_string(repo().join("examples/notes.md")).unwrap();
    let uri = note_uri(ws.path(), "notes.md");
    c.open(&uri, &text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(
        codes(&diags),
        [
            "mismatch",
            "mismatch",
            "mismatch",
            "misattributed",
            "not-found"
        ]
    );
    for d in &diags {
        assert_eq!(d["source"], "sourced");
        let sev = d["severity"].as_u64().unwrap();
        assert_eq!(sev, if d["code"] == "not-found" { 1 } else { 2 });
    }
    // The changed number: the word diff, the source, the fix data.
    let m = &diags[0];
    let ((line, col), _) = find(&text, "The 5,000 troops");
    assert_eq!(start_of(m), (line as u64, col as u64));
    let msg = m["message"].as_str().unwrap();
    // The first line: verdict, what differs, the source's title; the word diff after it.
    assert_eq!(
        msg.lines().next().unwrap(),
        "quote differs from “Iraq Wants to Kick Out US Troops”: 2,500 → 5,000"
    );
    // The one change is said on the first line: the word diff is not repeated (the hover
    // has it); where the source is, and how similar, follow.
    assert!(!msg.contains("[-2,500-]"), "{msg}");
    assert!(
        msg.lines().nth(1).unwrap().starts_with("source: ") && msg.ends_with("(91% similar)"),
        "{msg}"
    );
    let related = &m["relatedInformation"][0]["location"];
    assert!(related["uri"]
        .as_str()
        .unwrap()
        .ends_with(&format!("seeds/{S003}.txt")));
    assert_eq!(related["range"]["start"]["line"], 14); // line 15 of the source
    assert_eq!(m["data"]["status"], "mismatch");
    assert!(m["data"]["replacement"]
        .as_str()
        .unwrap()
        .starts_with("The 2,500 troops who remain"));
    // The dropped "not", said on the first line (once: the finding is not repeated).
    let not = diags[1]["message"].as_str().unwrap();
    assert!(
        not.lines().next().unwrap().contains("‘not’ omitted"),
        "{not}"
    );
    assert_eq!(not.matches("‘not’").count(), 1, "{not}");
    // Misattributed: names the real source and carries its key.
    let mis = &diags[3];
    assert!(mis["message"].as_str().unwrap().starts_with(&format!(
        "quote cited to [@{S000}] but found in “Biden Regime"
    )));
    assert!(mis["message"].as_str().unwrap().contains(S002));
    assert_eq!(mis["data"]["sourceKey"], S002);
    // Not found, without a hint: the closest passage shares only a few common words.
    let nf = &diags[4];
    assert_eq!(nf["message"], "quote not found in the 5 sources");
    // Closing the note clears its diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    )
    .await;
    assert!(c.diagnostics(&uri, None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_definition_and_actions_on_quotes_and_citations() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let text = std::fs::read_to_string(repo().join("examples/notes.md")).unwrap();
    let uri = note_uri(ws.path(), "notes.md");
    c.open(&uri, &text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let doc = json!({"uri": uri});

    // Hover on a verified quote: verdict, title, author, date, path, the paragraph in bold.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": doc, "position": pos(&text, "airstrikes on Thursday", 3)}),
        )
        .await;
    assert_eq!(h["contents"]["kind"], "markdown");
    let md = h["contents"]["value"].as_str().unwrap();
    for want in [
        "verified",
        "*US Kills Iraqis for Demanding End of Illegal Occupation*",
        "Tony Cartalucci, March 17, 2020",
        &format!("seeds/{S000}.txt` line 19"),
    ] {
        assert!(md.contains(want), "{want:?} in {md}");
    }
    assert!(md.contains("> **The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq**, according to the US Defense…"), "{md}");
    // Hover on a mismatch: the diff, as a block clients colour.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": doc, "position": pos(&text, "5,000 troops", 0)}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("mismatch")
            && md.contains("```diff\n- The 2,500 troops")
            && md.contains("\n+ The 5,000 troops"),
        "{md}"
    );

    // Hover on a citation: the source it names.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": doc, "position": pos(&text, "@003_0afb", 3)}),
        )
        .await;
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Iraq Wants to Kick Out US Troops"));
    // Hover on plain text: nothing.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": doc, "position": pos(&text, "## Verified", 3)}),
        )
        .await;
    assert_eq!(h, Value::Null);

    // Definition of a quote: the passage in the source, at its line.
    let d = c
        .request(
            "textDocument/definition",
            json!({"textDocument": doc, "position": pos(&text, "airstrikes on Thursday", 0)}),
        )
        .await;
    assert!(
        d["uri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("seeds/{S000}.txt")),
        "{d}"
    );
    assert_eq!(d["range"]["start"], json!({"line": 18, "character": 0}));
    assert_eq!(d["range"]["end"]["line"], 18);
    // Definition of a citation key: the source file.
    let d = c
        .request(
            "textDocument/definition",
            json!({"textDocument": doc, "position": pos(&text, "@003_0afb", 5)}),
        )
        .await;
    assert!(
        d["uri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("seeds/{S003}.txt")),
        "{d}"
    );

    // Code actions from the diagnostics' data.
    let action_for = |d: &Value| json!({"textDocument": doc, "range": d["range"], "context": {"diagnostics": [d]}});
    let mismatch = diags.iter().find(|d| d["code"] == "mismatch").unwrap();
    let acts = c
        .request("textDocument/codeAction", action_for(mismatch))
        .await;
    let fix = &acts[0];
    assert_eq!(fix["title"], "Replace with the source's wording");
    assert_eq!(fix["kind"], "quickfix");
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["range"], mismatch["range"]);
    let new_text = edit["newText"].as_str().unwrap();
    // Only the changed word is replaced: the note's line break stays where it was.
    assert_eq!(
        new_text,
        "The 2,500 troops who remain the country a decade later are free to act in\nself-defense"
    );

    let mis = diags.iter().find(|d| d["code"] == "misattributed").unwrap();
    let acts = c.request("textDocument/codeAction", action_for(mis)).await;
    assert!(
        acts[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Change citation to"),
        "{acts}"
    );
    let edit = &acts[0]["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], S002);
    let quote_at = text.find("“Iraqi Prime Minister Mustafa").unwrap();
    let key_at = quote_at + text[quote_at..].find(S000).unwrap();
    let line_of_key = text[..key_at].matches('\n').count();
    assert_eq!(edit["range"]["start"]["line"], line_of_key);

    // "Cite" for a verified quote without a citation (no diagnostic needed).
    let at = pos(&text, "US conducts airstrikes against multiple", 2);
    let acts = c
        .request("textDocument/codeAction", json!({"textDocument": doc, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}))
        .await;
    let cite = acts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Cite"))
        .unwrap_or_else(|| panic!("{acts}"));
    let edit = &cite["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], format!(" [@{S000}]"));
    // Inserted right after the closing quotation mark.
    let close = text.find("militia sites in Iraq.”").unwrap() + "militia sites in Iraq.”".len();
    let line = text[..close].matches('\n').count();
    let col = text[text[..close].rfind('\n').unwrap() + 1..close]
        .encode_utf16()
        .count();
    assert_eq!(
        edit["range"]["start"],
        json!({"line": line, "character": col})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_citation_key_gets_its_own_diagnostic_and_fixes() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let text = "# Note\n\nLendman wrote “Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal” [@lendman2021].\n";
    let uri = note_uri(ws.path(), "unknown.md");
    c.open(&uri, text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    // The quote is judged as uncited (verified: no diagnostic); the key has its own.
    assert_eq!(codes(&diags), ["unknown-citation"]);
    let d = &diags[0];
    let key_at = text.find("lendman2021").unwrap();
    let line_start = text[..key_at].rfind('\n').unwrap() + 1;
    let column = text[line_start..key_at].encode_utf16().count() as u64;
    assert_eq!(start_of(d), (2, column));
    let message = d["message"].as_str().unwrap();
    assert!(
        message.starts_with("unknown citation key ‘lendman2021’")
            && message.contains(&format!("did you mean [@{S002}]")),
        "{message}"
    );
    let acts = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .await;
    assert!(
        acts[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Change citation to “Biden Regime"),
        "{acts}"
    );
    let edit = &acts[0]["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], S002);
    assert_eq!(edit["range"], d["range"]);
    // Hover on the key: no source has it, and the ones it may mean.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": d["range"]["start"]}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("No source in the index has this key. Did you mean:")
            && md.contains(&format!(
                "- `[@{S002}]` *Biden Regime Refuses to End Illegal US Occupation of Iraq*"
            )),
        "{md}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_inlay_hints_and_symbols() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let uri = note_uri(ws.path(), "c.md");
    let mut text =
        String::from("“Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal” ");
    c.open(&uri, &text).await;
    c.diagnostics(&uri, Some(1)).await;
    let at = end_pos(&text);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": at, "end": at}, "text": "[@"}]}),
    )
    .await;
    text.push_str("[@");
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": end_pos(&text)}),
        )
        .await;
    let items = r.as_array().unwrap();
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), 5, "{labels:?}");
    assert!(labels.contains(&S002));
    let item = items.iter().find(|i| i["label"] == S000).unwrap();
    assert_eq!(
        item["detail"],
        "US Kills Iraqis for Demanding End of Illegal Occupation"
    );
    assert_eq!(item["textEdit"]["range"]["start"], end_pos(&text));
    // Not after `@` outside a citation bracket.
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 5}}),
        )
        .await;
    assert_eq!(r, Value::Null);

    // Inlay hint after the verified quote, naming its source; symbols list the verdicts.
    let text = format!("A “The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq” b.\n“The Martian ambassador praised the excellent cheese of the lunar republic” [@{S000}].\n");
    let uri = note_uri(ws.path(), "hints.md");
    c.open(&uri, &text).await;
    c.diagnostics(&uri, Some(1)).await;
    let hints = c
        .request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}}}))
        .await;
    let hints = hints.as_array().unwrap();
    assert_eq!(hints.len(), 1);
    assert!(hints[0]["label"]
        .as_str()
        .unwrap()
        .contains("US Kills Iraqis"));
    let ((l, ch), _) = find(&text, " b.");
    assert_eq!(hints[0]["position"], json!({"line": l, "character": ch}));
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let details: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["detail"].as_str().unwrap())
        .collect();
    assert_eq!(details, ["verified", "not-found"]);
    assert!(symbols[0]["name"]
        .as_str()
        .unwrap()
        .starts_with("“The US carried out"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_source_file_on_disk_verifies_a_quote() {
    let sources = tempfile::tempdir().unwrap();
    std::fs::write(
        sources.path().join("old.txt"),
        "An old article.\n\nThe council met on Tuesday to discuss the bridge repairs.\n",
    )
    .unwrap();
    let ws = workspace(&[sources.path()]);
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    // Dynamic registration of the watchers.
    let reg = c
        .wait_for("registerCapability", |m| {
            m["method"] == "client/registerCapability"
        })
        .await;
    let reg = &reg["params"]["registrations"][0];
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        reg["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.{txt,md,markdown,html,htm}"
    );

    let uri = note_uri(ws.path(), "n.md");
    let note = "She said “the harbour will reopen to fishing boats next spring” [@new].\n";
    c.open(&uri, note).await;
    // Before the file exists its key names no source: a finding of its own.
    assert_eq!(
        codes(&c.diagnostics(&uri, Some(1)).await),
        ["not-found", "unknown-citation"]
    );

    let new = sources.path().join("new.txt");
    std::fs::write(
        &new,
        "Harbour news.\n\nOfficials said the harbour will reopen to fishing boats next spring.\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&new), "type": 1}]}),
    )
    .await;
    // Verified now (and cited correctly: the new file's stem is the key).
    assert!(c.diagnostics(&uri, Some(1)).await.is_empty());
    let d = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 15}}),
        )
        .await;
    assert!(d["uri"].as_str().unwrap().ends_with("/new.txt"), "{d}");
    assert_eq!(d["range"]["start"]["line"], 2);

    // Deleting it: not found again.
    std::fs::remove_file(&new).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&new), "type": 3}]}),
    )
    .await;
    assert_eq!(
        codes(&c.diagnostics(&uri, Some(1)).await),
        ["not-found", "unknown-citation"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_changed_while_the_server_was_down_is_reindexed_at_start() {
    // The server checks notes with the index as last written at once, then walks the
    // sources: a file changed meanwhile must end up re-indexed and the note checked again.
    let sources = tempfile::tempdir().unwrap();
    let file = sources.path().join("a.txt");
    std::fs::write(
        &file,
        "The mayor said the bridge would open in the spring.\n",
    )
    .unwrap();
    let ws = workspace(&[sources.path()]);
    let (mut first, _) = ready(ws.path(), false, fast()).await;
    assert_eq!(first.shutdown().await, 0);
    drop(first);
    std::fs::write(
        &file,
        "The mayor said the bridge would open in the autumn after all.\n",
    )
    .unwrap();

    let mut c = TestClient::start();
    c.initialize(init_params(ws.path(), false, fast())).await;
    let uri = note_uri(ws.path(), "n.md");
    c.open(
        &uri,
        "She said “the bridge would open in the autumn after all”.\n",
    )
    .await;
    let end = c
        .wait_for("index progress end", |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
        })
        .await;
    let summary = end["params"]["value"]["message"].as_str().unwrap_or("");
    assert!(summary.contains("1 updated"), "{summary}");
    // Diagnostics from before the walk may still arrive; the note ends up verified.
    c.wait_for("the note verified", |m| {
        is_diagnostics(m, &uri, Some(1)) && m["params"]["diagnostics"] == json!([])
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_override_the_config_and_progress_is_reported() {
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    c.initialize(init_params(
        ws.path(),
        false,
        json!({"sourced": {"debounceMs": 10, "severity": {"verified": "hint", "notFound": "warning"}}}),
    ))
    .await;
    // Progress: created, begun, reported, ended.
    c.wait_for("progress create", |m| {
        m["method"] == "window/workDoneProgress/create"
    })
    .await;
    for kind in ["begin", "report", "end"] {
        c.wait_for(kind, |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == kind
        })
        .await;
    }
    let uri = note_uri(ws.path(), "s.md");
    let note = "“militias like Kata’ib Hezbollah as” and “The Martian ambassador praised the excellent cheese of the lunar republic”.\n";
    c.open(&uri, note).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(codes(&diags), ["verified", "not-found"]);
    assert_eq!(diags[0]["severity"], 4);
    assert_eq!(diags[1]["severity"], 2);
    // The "Cite" fix rides on the verified diagnostic.
    let acts = c
        .request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": diags[0]["range"], "context": {"diagnostics": [diags[0]]}}))
        .await;
    assert_eq!(
        acts[0]["edit"]["changes"][&uri][0]["newText"],
        format!(" [@{S000}]")
    );

    // minWords and severities from didChangeConfiguration.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"sourced": {"minWords": 8, "severity": {"verified": "off"}}}}),
    )
    .await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(
        codes(&diags),
        ["not-found"],
        "the 5-word quote is now a scare quote"
    );

    // Pull-style configuration: an empty notification makes the server ask.
    *c.configuration.lock().unwrap() = json!({"minWords": 4, "severity": {"notFound": "off"}});
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    )
    .await;
    c.wait_for("configuration request", |m| {
        m["method"] == "workspace/configuration"
    })
    .await;
    assert!(c.diagnostics(&uri, Some(1)).await.is_empty());

    // Sources from the settings: an empty folder, so no sources, said clearly.
    let empty = tempfile::tempdir().unwrap();
    c.clear_log();
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"sourced": {"sources": [empty.path()], "severity": {"notFound": "error"}}}}),
    )
    .await;
    let msg = c
        .wait_for("no sources message", |m| {
            m["method"] == "window/showMessageRequest"
        })
        .await;
    assert_eq!(msg["params"]["type"], 2);
    assert!(
        msg["params"]["message"]
            .as_str()
            .unwrap()
            .contains("no source files"),
        "{msg}"
    );
    // No quotation is checked against no source: one diagnostic says why.
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(codes(&diags), ["no-sources"]);
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_file_mode_finds_sourced_toml_from_the_note() {
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    let mut params = init_params(ws.path(), true, fast());
    params["workspaceFolders"] = Value::Null;
    c.initialize(params).await;
    let deep = ws.path().join("notes/deep");
    std::fs::create_dir_all(&deep).unwrap();
    let path = deep.join("one.md");
    let note = "“The 5,000 troops who remain the country a decade later”\n";
    std::fs::write(&path, note).unwrap();
    let uri = file_uri(&path);
    c.open(&uri, note).await;
    index_ready(&mut c).await;
    assert_eq!(codes(&c.diagnostics(&uri, Some(1)).await), ["mismatch"]);
    // The index lives where that sourced.toml says.
    assert!(ws.path().join(".sourced").is_dir());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_sources_folder_is_reported_and_the_server_keeps_working() {
    let ws = workspace(&[Path::new("/nonexistent/sourced-test-sources")]);
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let msg = c
        .wait_for("showMessage", |m| {
            m["method"] == "window/showMessage"
                && m["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("sources folder not found")
        })
        .await;
    assert_eq!(msg["params"]["type"], 2);
    let msg = c
        .wait_for("showMessageRequest", |m| {
            m["method"] == "window/showMessageRequest"
                && m["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("no source files")
        })
        .await;
    assert_eq!(msg["params"]["type"], 2);
    let uri = note_uri(ws.path(), "x.md");
    c.open(&uri, "“a quote of five words here”\n").await;
    assert_eq!(codes(&c.diagnostics(&uri, Some(1)).await), ["no-sources"]);
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_does_not_break_the_server() {
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    // The index is held back 1.5 s: requests meanwhile must be answered.
    c.initialize(init_params(
        ws.path(),
        false,
        json!({"debounceMs": 10, "indexDelayMs": 1500}),
    ))
    .await;
    let uri = note_uri(ws.path(), "bad.md");
    let text = "Intro “The 5,000 troops who remain the country a decade later” end.\n";
    c.open(&uri, text).await;
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(text, "5,000", 0)}),
        )
        .await;
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("still being built"),
        "{h}"
    );
    let d = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": pos(text, "5,000", 0)}),
        )
        .await;
    assert_eq!(d, Value::Null);

    // Edits to a document that is not open; requests about it.
    let ghost = note_uri(ws.path(), "ghost.md");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ghost, "version": 7}, "contentChanges": [{"text": "x"}]}),
    )
    .await;
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": ghost}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(h, Value::Null);
    // A malformed frame: dropped, the server goes on.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json").await;
    // Garbage params: an error response, not a crash.
    let r = c
        .request_full("textDocument/hover", json!({"nonsense": true}))
        .await;
    assert!(r.get("error").is_some(), "{r}");

    index_ready(&mut c).await;
    assert_eq!(codes(&c.diagnostics(&uri, Some(1)).await), ["mismatch"]);
    // Out-of-range positions: clamped, never a panic.
    for (line, character) in [(0, 10_000), (10_000, 0), (u32::MAX, u32::MAX)] {
        let p = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
        assert_eq!(
            c.request("textDocument/hover", p.clone()).await,
            Value::Null
        );
        assert_eq!(
            c.request("textDocument/definition", p.clone()).await,
            Value::Null
        );
        assert_eq!(c.request("textDocument/completion", p).await, Value::Null);
    }
    // An out-of-range edit: clamped to the end of the document.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 99, "character": 5}, "end": {"line": 120, "character": 0}}, "text": "More “The Martian ambassador praised the excellent cheese” here.\n"}]}),
    )
    .await;
    assert_eq!(
        codes(&c.diagnostics(&uri, Some(2)).await),
        ["mismatch", "not-found"]
    );
    // Malformed Markdown and a huge note.
    let weird =
        "```\n“unterminated code\n> > > “nested [@ [@] ]] ((“ ” \u{0}\u{FEFF}\r\r\n“".repeat(200);
    let w = note_uri(ws.path(), "weird.md");
    c.open(&w, &weird).await;
    c.diagnostics(&w, Some(1)).await;
    let huge = "Just words, no quotations at all here. ".repeat(250_000);
    let big = note_uri(ws.path(), "huge.md");
    c.open(&big, &huge).await;
    let diags = c.diagnostics(&big, Some(1)).await;
    assert_eq!(codes(&diags), ["not-checked"]);
    // Still alive and correct.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(text, "5,000", 0)}),
        )
        .await;
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("mismatch"));
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_ends_the_server_even_with_stdin_open() {
    let ws = seeds_workspace();
    // After shutdown: code 0 although the client keeps its pipe open (`exit` fails the test
    // if the server has not stopped 5 s after it: a hang bound, not a speed measurement).
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    assert_eq!(c.shutdown().await, 0);
    // Requests after shutdown are refused.
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    c.request("shutdown", Value::Null).await;
    let r = c
        .request_full("textDocument/hover", json!({"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}}))
        .await;
    assert!(r.get("error").is_some());
    assert_eq!(c.exit().await, 0);
    // Exit without shutdown: code 1.
    let mut c = TestClient::start();
    c.initialize(init_params(ws.path(), false, fast())).await;
    assert_eq!(c.exit().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_sourced_toml_is_reported_and_a_fixed_one_reloaded() {
    let ws = seeds_workspace();
    let config = ws.path().join("sourced.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, "sourcez = [\"seeds\"]\n").unwrap();
    let mut c = TestClient::start();
    c.initialize(init_params(ws.path(), false, fast())).await;
    let msg = c
        .wait_for("error message", |m| {
            m["method"] == "window/showMessage" && m["params"]["type"] == 1
        })
        .await;
    let text = msg["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("sourced.toml") && text.contains("sourcez"),
        "{text}"
    );
    let uri = note_uri(ws.path(), "n.md");
    let note = "“The 5,000 troops who remain the country a decade later”\n";
    c.open(&uri, note).await;
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(note, "5,000", 0)}),
        )
        .await;
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("could not be opened"),
        "{h}"
    );
    // Fixed on disk: the watcher event re-opens the workspace and the note is checked.
    std::fs::write(&config, good).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 2}]}),
    )
    .await;
    assert_eq!(codes(&c.diagnostics(&uri, Some(1)).await), ["mismatch"]);
}
