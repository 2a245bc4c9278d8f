//! Bibliographies in the language server (in-process, see `lsp_harness`): completion after
//! `[@` lists bibliography keys with `Author (year)`, hover on a key shows its entry,
//! go-to-definition leads to the entry in the `.bib` file and to the source, unknown keys are
//! diagnostics with the nearest keys, a broken `.bib` gets diagnostics on its lines, and a
//! changed bibliography re-checks the open notes.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;

const S000: &str = "000_3ed32749fd57da32";
const S003: &str = "003_0afb694efec83e04";
const Q000: &str = "“The US has recently carried out deadly attacks across Iraq”";
const QDOI: &str =
    "“Withdrawal agreements are often signed long before the last soldier leaves the country”";

fn fast() -> Value {
    json!({"sourced": {"debounceMs": 10}})
}

/// The seeds in `seeds/`, the fixtures at the root, `sourced.toml` naming three of them.
fn bib_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    std::fs::create_dir_all(dir.path().join("notes")).unwrap();
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), seeds.join(e.file_name())).unwrap();
    }
    std::fs::copy(
        repo().join("tests/fixtures/bib/doi-source.md"),
        seeds.join("withdrawal.md"),
    )
    .unwrap();
    for f in ["zotero.bib", "library.json", "broken.bib"] {
        std::fs::copy(
            repo().join("tests/fixtures/bib").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("sourced.toml"),
        "sources = [\"seeds\"]\nindex_dir = \".sourced\"\n\
         bibliography = [\"zotero.bib\", \"library.json\", \"broken.bib\"]\n",
    )
    .unwrap();
    dir
}

fn locations(v: &Value) -> Vec<(String, u64)> {
    let all = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    all.iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_string(),
                l["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn uri_of(p: &Path) -> String {
    file_uri(p)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_complete_hover_and_lead_to_their_entry_and_source() {
    let ws = bib_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let uri = file_uri(&ws.path().join("notes/n.md"));
    let text = format!("# N\n\nSaid: {Q000} [@cartalucci2020].\n\nSee [@");
    c.open(&uri, &text).await;
    c.diagnostics(&uri, Some(1)).await;

    let completion = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(&text, "See [@", 6)}),
        )
        .await;
    let items = completion.as_array().unwrap();
    let item = |label: &str| items.iter().find(|i| i["label"] == label).cloned();
    let cart = item("cartalucci2020").expect("the bibliography key is offered");
    assert_eq!(cart["detail"], "Cartalucci (2020)");
    assert!(
        cart["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("*US Kills Iraqis for Demanding End of Illegal Occupation*"),
        "{cart}"
    );
    assert_eq!(item("lendman2021").unwrap()["detail"], "Lendman (2021)");
    // A source no entry names is offered by its own key; one an entry names is not.
    assert!(item(S003).is_some(), "{items:#?}");
    assert!(item(S000).is_none(), "{items:#?}");

    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(&text, "cartalucci2020]", 2)}),
        )
        .await;
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("*US Kills Iraqis for Demanding End of Illegal Occupation*"),
        "{value}"
    );
    assert!(value.contains("Tony Cartalucci · 2020-03-17"), "{value}");
    assert!(value.contains("Entry: `zotero.bib:1`"), "{value}");
    assert!(value.contains(&format!("`seeds/{S000}.txt`")), "{value}");

    let def = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": pos(&text, "cartalucci2020]", 2)}),
        )
        .await;
    assert_eq!(
        locations(&def),
        [
            (uri_of(&ws.path().join("zotero.bib")), 0),
            (
                uri_of(&ws.path().join("seeds").join(format!("{S000}.txt"))),
                0
            )
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hover_on_a_quote_fills_what_its_source_lacks_from_the_cited_entry() {
    let ws = bib_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let uri = file_uri(&ws.path().join("notes/n.md"));
    let text = format!("# N\n\nSaid: {QDOI} [@smith2024].\n");
    c.open(&uri, &text).await;
    c.diagnostics(&uri, Some(1)).await;
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(&text, "Withdrawal", 2)}),
        )
        .await;
    let value = hover["contents"]["value"].as_str().unwrap();
    // The title is the source's own; author and date come from the entry.
    assert!(
        value.contains(
            "*Troop Withdrawal Agreements in Practice* — Jane Smith, Institute for War Studies, 2024-03-01"
        ),
        "{value}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_and_broken_bibliographies_are_diagnostics_and_a_changed_bib_rechecks() {
    let ws = bib_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let broken = uri_of(&ws.path().join("broken.bib"));
    let uri = file_uri(&ws.path().join("notes/n.md"));
    let text = format!("# N\n\nSaid: {Q000} [@lendmann2021].\n\nAlso [@gone2021].\n");
    c.open(&uri, &text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let got: Vec<(&str, u64, &str)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "unknown-citation",
                2,
                "unknown citation key ‘lendmann2021’: in no bibliography, and no source has this file name or id; did you mean [@lendman2021] (“Biden Regime Refuses to End Illegal US Occupation of Iraq”)?"
            ),
            (
                "unknown-citation",
                4,
                "‘gone2021’ is in zotero.bib but none of its files, URL or DOI is a source (and no source has this file name or id)"
            ),
        ]
    );
    let bib_diags = c.diagnostics(&broken, None).await;
    let lines: Vec<u64> = bib_diags
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [9, 17], "{bib_diags:#?}");

    // The bibliography gains the key: the note is checked again without being edited.
    let zotero = ws.path().join("zotero.bib");
    let mut bib = std::fs::read_to_string(&zotero).unwrap();
    bib.push_str(&format!(
        "\n@online{{lendmann2021,\n  title = {{Typo Kept}},\n  file = {{seeds/{S000}.txt}}\n}}\n"
    ));
    std::fs::write(&zotero, bib).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&zotero), "type": 2}]}),
    )
    .await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let codes: Vec<u64> = diags
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, [4], "only [@gone2021] is left: {diags:#?}");
}
