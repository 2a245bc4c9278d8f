//! Named entities in the language server, end to end over the in-process harness
//! (`lsp_harness`) on the repository's seed articles: hover cards, "not mentioned" for
//! unknown names, definition, references, workspace symbols, completion, `entities.toml`.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;

const S000: &str = "000_3ed32749fd57da32.txt";
const S001: &str = "001_b9529bda20c132ef.txt";
const S003: &str = "003_0afb694efec83e04.txt";
const S004: &str = "004_789c1a358e99dff9.txt";

const NOTE: &str = "# Iraq, January\n\
\n\
Soleimani was killed near Baghdad. KH and the PMF blamed the US; Tehran vowed revenge.\n\
Zorblax Quentworth disagreed.\n\
Reuters: “An attack hit the headquarters of the Popular Mobilization Forces” [@003_0afb694efec83e04].\n\
Then Solei";

fn seed_uri(name: &str) -> String {
    file_uri(&repo().join("seeds").join(name))
}

/// A server on the seeds workspace, index open, with `NOTE` open and checked.
async fn started(ws: &Path) -> (TestClient, String, Value) {
    let (mut c, init) = ready(ws, false, json!({"sourced": {"debounceMs": 10}})).await;
    let uri = file_uri(&ws.join("notes").join("entities.md"));
    c.open(&uri, NOTE).await;
    c.diagnostics(&uri, Some(1)).await;
    (c, uri, init)
}

async fn at(c: &mut TestClient, method: &str, uri: &str, needle: &str, delta: u32) -> Value {
    c.request(
        method,
        json!({"textDocument": {"uri": uri}, "position": pos(NOTE, needle, delta),
               "context": {"includeDeclaration": true}}),
    )
    .await
}

async fn hover_text(c: &mut TestClient, uri: &str, needle: &str, delta: u32) -> String {
    let h = at(c, "textDocument/hover", uri, needle, delta).await;
    assert_eq!(h["contents"]["kind"], "markdown", "{h}");
    h["contents"]["value"].as_str().unwrap().to_string()
}

/// The text a location (UTF-16 positions) covers in the file its URI names.
fn text_at(loc: &Value) -> String {
    let uri = loc["uri"].as_str().unwrap();
    let path = uri.strip_prefix("file://").unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, ch) in text[start..].char_indices() {
            if units >= col {
                return start + i;
            }
            units += ch.len_utf16();
        }
        text.len()
    };
    text[offset(&loc["range"]["start"])..offset(&loc["range"]["end"])].to_string()
}

fn line_of(loc: &Value) -> u64 {
    loc["range"]["start"]["line"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_shows_entity_cards_and_unknown_names() {
    let ws = seeds_workspace();
    let (mut c, uri, init) = started(ws.path()).await;
    assert_eq!(init["capabilities"]["referencesProvider"], true);
    assert_eq!(init["capabilities"]["workspaceSymbolProvider"], true);

    // A surname: the person's card, with its range in the note.
    let h = at(&mut c, "textDocument/hover", &uri, "Soleimani", 3).await;
    let card = h["contents"]["value"].as_str().unwrap();
    assert!(card.starts_with("**Qassem Soleimani** · person"), "{card}");
    // `Soleimani` is one of the name's own words: no "also:" repeating it.
    assert!(!card.contains("also:"), "{card}");
    assert!(card.contains("Iranian Quds Force commander"), "{card}");
    assert!(card.contains("5 mentions in 3 sources"), "{card}");
    // Snippets link to the source lines.
    let first = format!("({}#L19)", seed_uri(S001));
    assert!(card.contains(&first), "{card}");
    assert!(card.contains("**Qassem Soleimani**"), "{card}");
    assert!(
        card.contains(&format!("({}#L25)", seed_uri(S003))),
        "{card}"
    );
    assert_eq!(h["range"]["start"], pos(NOTE, "Soleimani", 0));
    assert_eq!(h["range"]["end"], pos(NOTE, "Soleimani", 9));

    // An acronym.
    let card = hover_text(&mut c, &uri, "KH and", 1).await;
    assert!(
        card.starts_with("**Kata'ib Hezbollah** · organization")
            || card.starts_with("**Kata’ib Hezbollah** · organization"),
        "{card}"
    );
    assert!(card.contains(&seed_uri(S000)), "{card}");

    // A name no source mentions: said so, as a hover (never a diagnostic).
    let h = at(&mut c, "textDocument/hover", &uri, "Quentworth", 2).await;
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**Zorblax Quentworth**: not mentioned in the sources."),
        "{text}"
    );
    assert_eq!(h["range"]["start"], pos(NOTE, "Zorblax", 0));
    // Lower-case words and common capitalised words get no hover.
    let h = at(&mut c, "textDocument/hover", &uri, "vowed", 1).await;
    assert_eq!(h, Value::Null);
    let h = at(&mut c, "textDocument/hover", &uri, "Then", 1).await;
    assert_eq!(h, Value::Null);

    // A name inside a quotation: the first line of the quote's hover (verdict, source,
    // place), then the card.
    let text = hover_text(&mut c, &uri, "Mobilization Forces", 2).await;
    let (quote, card) = text.split_once("\n\n---\n\n").expect("a rule");
    assert!(
        quote.starts_with("✓ **verified** · *Iraq Wants to Kick Out US Troops*")
            && !quote.contains('\n'),
        "{quote}"
    );
    assert!(
        card.starts_with("**Popular Mobilization Forces** · organization"),
        "{card}"
    );
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_references_symbols_and_completion() {
    let ws = seeds_workspace();
    let (mut c, uri, _) = started(ws.path()).await;

    // Definition: the first mention in each source, most mentions first.
    let d = at(&mut c, "textDocument/definition", &uri, "Tehran", 2).await;
    let locs = d.as_array().expect("several locations");
    let got: Vec<(String, u64, String)> = locs
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_string(),
                line_of(l),
                text_at(l),
            )
        })
        .collect();
    let want = |s: &str, line: u64| (seed_uri(s), line, "Tehran".to_string());
    assert_eq!(got, [want(S000, 28), want(S003, 20), want(S004, 8)]);

    // References: every mention in the sources, then the note's own.
    let r = at(&mut c, "textDocument/references", &uri, "PMF", 1).await;
    let locs = r.as_array().unwrap();
    let in_sources: Vec<&Value> = locs.iter().filter(|l| l["uri"] != uri.as_str()).collect();
    assert_eq!(in_sources.len(), 10, "{r:#}");
    let names = [
        "PMF",
        "PMU",
        "Popular Mobilization Forces",
        "Popular Mobilization Units",
        "Popular Mobilization Front",
        "Popular Mobilization",
        "Haashd al-Shabi",
    ];
    for l in &in_sources {
        assert!(names.contains(&text_at(l).as_str()), "{l} {}", text_at(l));
    }
    let from_001 = in_sources
        .iter()
        .filter(|l| l["uri"] == seed_uri(S001))
        .count();
    assert_eq!(from_001, 6);
    let in_note: Vec<&Value> = locs.iter().filter(|l| l["uri"] == uri.as_str()).collect();
    let starts: Vec<&Value> = in_note.iter().map(|l| &l["range"]["start"]).collect();
    assert_eq!(
        starts,
        [
            &pos(NOTE, "PMF", 0),
            &pos(NOTE, "Popular Mobilization Forces", 0)
        ]
    );

    // Workspace symbols: entities whose names contain the query, at their definitions.
    let s = c
        .request("workspace/symbol", json!({"query": "Hezbollah"}))
        .await;
    let syms = s.as_array().unwrap();
    let kh = syms
        .iter()
        .find(|s| s["name"].as_str().unwrap().starts_with("Kata"))
        .unwrap_or_else(|| panic!("{s:#}"));
    assert_eq!(kh["kind"], 3, "organisations are namespaces");
    // The definition is the described mention (`… Kataib Hezbollah, …` in 004).
    assert_eq!(kh["location"]["uri"], seed_uri(S004));
    assert_eq!(line_of(&kh["location"]), 4);
    assert_eq!(text_at(&kh["location"]), "Kataib Hezbollah", "{kh}");
    assert!(syms
        .iter()
        .any(|s| s["name"] == "Harakat Hezbollah al-Nujaba"));
    assert!(syms.iter().all(
        |s| s["name"].as_str().unwrap().contains("Hezbollah") || s["containerName"].is_string()
    ));

    // Completion of a name being typed: the alias and the full name.
    let cursor = pos(NOTE, "Then Solei", 10);
    assert_eq!(cursor, json!({"line": 5, "character": 10}));
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": cursor}),
        )
        .await;
    let items = r.as_array().unwrap();
    let full = items
        .iter()
        .find(|i| i["label"] == "Qassem Soleimani")
        .unwrap_or_else(|| panic!("{r:#}"));
    assert!(
        full["detail"].as_str().unwrap().starts_with("person"),
        "{full}"
    );
    assert_eq!(full["textEdit"]["newText"], "Qassem Soleimani");
    assert_eq!(
        full["textEdit"]["range"],
        json!({"start": {"line": 5, "character": 5}, "end": {"line": 5, "character": 10}})
    );
    assert!(items.iter().any(|i| i["label"] == "Soleimani"));
    // Inside a citation, keys are offered, not names.
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(NOTE, "003_0afb", 3)}),
        )
        .await;
    assert!(r
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["kind"] == 18 && !i["label"].as_str().unwrap().contains(' ')));
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entities_toml_changes_are_picked_up() {
    let ws = seeds_workspace();
    let (mut c, uri, _) = started(ws.path()).await;
    let text = hover_text(&mut c, &uri, "Quentworth", 0).await;
    assert!(text.contains("not mentioned in the sources"), "{text}");
    let toml = ws.path().join("entities.toml");
    std::fs::write(
        &toml,
        "[[entity]]\nname = \"Zorblax Quentworth\"\nkind = \"person\"\n\
         description = \"a made-up critic\"\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&toml), "type": 1}]}),
    )
    .await;
    let text = hover_text(&mut c, &uri, "Quentworth", 0).await;
    assert!(
        text.starts_with("**Zorblax Quentworth** · person · `entities.toml`"),
        "{text}"
    );
    assert!(text.contains("a made-up critic"), "{text}");
    assert!(text.contains("Not mentioned in the sources."), "{text}");

    // A broken file: the user is told, and the entities found in the sources still work.
    std::fs::write(&toml, "[[entity]]\nname = 3\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&toml), "type": 2}]}),
    )
    .await;
    let shown = c
        .wait_for("a message about entities.toml", |m| {
            m["method"] == "window/showMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|t| t.contains("entities.toml"))
        })
        .await;
    assert_eq!(shown["params"]["type"], 2, "a warning: {shown}");
    let text = hover_text(&mut c, &uri, "Quentworth", 0).await;
    assert!(text.contains("not mentioned in the sources"), "{text}");
    let text = hover_text(&mut c, &uri, "Soleimani", 1).await;
    assert!(text.contains("Qassem Soleimani"), "{text}");
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_the_index_is_ready_entity_requests_are_empty() {
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    c.initialize(init_params(
        ws.path(),
        false,
        json!({"sourced": {"debounceMs": 10, "indexDelayMs": 3000}}),
    ))
    .await;
    let uri = file_uri(&ws.path().join("notes").join("early.md"));
    c.open(&uri, NOTE).await;
    for (method, needle) in [
        ("textDocument/hover", "Soleimani"),
        ("textDocument/hover", "Quentworth"),
        ("textDocument/definition", "Tehran"),
        ("textDocument/references", "PMF"),
    ] {
        assert_eq!(
            at(&mut c, method, &uri, needle, 1).await,
            Value::Null,
            "{method}"
        );
    }
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(NOTE, "Then Solei", 10)}),
        )
        .await;
    assert_eq!(r, Value::Null);
    let s = c
        .request("workspace/symbol", json!({"query": "Hezbollah"}))
        .await;
    assert_eq!(s, Value::Null);
    // Once it is open, the same hover shows the card.
    index_ready(&mut c).await;
    let text = hover_text(&mut c, &uri, "Soleimani", 1).await;
    assert!(text.starts_with("**Qassem Soleimani**"), "{text}");
    assert_eq!(c.shutdown().await, 0);
}
