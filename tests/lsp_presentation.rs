//! How the language server names sources and lays out what people read (issue 20, "people
//! read titles, not hashes"), end to end over the in-process harness (`lsp_harness`) on the
//! repository's seed articles: completion rows with titles in `labelDetails`, diagnostics
//! whose first line says verdict, difference and title in at most 80 characters, the hover
//! card of a mismatch (no repetition of its diagnostic, a `diff` block, short), entity cards
//! (titles, snippets cut at words, no alias repeating the name), a code lens per quotation
//! and its command, document links from citations to source files.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::path::Path;

const S000: &str = "000_3ed32749fd57da32";
const S001: &str = "001_b9529bda20c132ef";
const S002: &str = "002_d0918e3d7f8dfafe";
const S003: &str = "003_0afb694efec83e04";
const S004: &str = "004_789c1a358e99dff9";

const IRAQ: &str = "Iraq Wants to Kick Out US Troops";

/// One quotation per verdict, each on its own line.
fn note() -> String {
    format!(
        "# Verdicts\n\
         \n\
         Verified: “An attack hit the headquarters of the Popular Mobilization Forces” [@{S003}].\n\
         Altered: “The 5,000 troops who remain the country a decade later are free to act in self-defense” [@{S003}].\n\
         Elsewhere: “Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal of unwanted US forces” [@{S000}].\n\
         Invented: “The Martian ambassador praised the excellent cheese of the lunar republic”.\n\
         Reworded: “The Pentagon insists that its soldiers are in Baghdad at the request of the government to fight the Islamic State” [@{S003}].\n\
         Pat Ryder said “We condemn the attacks targeting the security forces” [@{S003}].\n"
    )
}

async fn started(ws: &Path, options: Value) -> (TestClient, String, String, Vec<Value>) {
    let (mut c, _) = ready(ws, false, options).await;
    let text = note();
    let uri = file_uri(&ws.join("notes").join("verdicts.md"));
    c.open(&uri, &text).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    (c, uri, text, diags)
}

fn fast() -> Value {
    json!({"sourced": {"debounceMs": 10}})
}

fn by_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

fn first_line(d: &Value) -> &str {
    d["message"].as_str().unwrap().lines().next().unwrap()
}

fn seed_uri(stem: &str) -> String {
    file_uri(&repo().join("seeds").join(format!("{stem}.txt")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_say_verdict_difference_and_title_in_their_first_80_characters() {
    let ws = seeds_workspace();
    let (mut c, _, _, diags) = started(ws.path(), fast()).await;
    for d in &diags {
        let line = first_line(d);
        assert!(
            line.chars().count() <= 80,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    let mismatch = by_code(&diags, "mismatch");
    assert_eq!(mismatch.len(), 1, "{diags:#?}");
    assert_eq!(
        first_line(mismatch[0]),
        format!("quote differs from “{IRAQ}”: 2,500 → 5,000")
    );
    // The rest follows: where the source is and how similar. The one change is said on the
    // first line, so the word diff is not repeated (the hover shows it).
    let rest: Vec<&str> = mismatch[0]["message"].as_str().unwrap().lines().collect();
    assert_eq!(rest.len(), 2, "{rest:?}");
    assert!(
        rest[1].starts_with("source: ") && rest[1].ends_with(&format!("{S003}.txt (91% similar)")),
        "{rest:?}"
    );

    let mis = by_code(&diags, "misattributed");
    assert_eq!(mis.len(), 1, "{diags:#?}");
    let line = first_line(mis[0]);
    assert!(
        line.starts_with(&format!(
            "quote cited to [@{S000}] but found in “Biden Regime"
        )),
        "{line}"
    );
    assert!(
        mis[0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("\ncite it as [@{S002}]")),
        "{}",
        mis[0]["message"]
    );

    let not_found = by_code(&diags, "not-found");
    let lines: Vec<&str> = not_found.iter().map(|d| first_line(d)).collect();
    assert_eq!(
        lines,
        [
            "quote not found in the 5 sources",
            &format!("quote not found; closest: “{IRAQ}” (58% similar)"),
        ]
    );

    // The speaker's message keeps its words; the title follows when it does not fit.
    let wrong = by_code(&diags, "wrong-speaker");
    assert_eq!(wrong.len(), 1, "{diags:#?}");
    let message = wrong[0]["message"].as_str().unwrap();
    assert!(
        first_line(wrong[0]).starts_with("the source attributes these words to ")
            && first_line(wrong[0]).ends_with(", not Pat Ryder"),
        "{message}"
    );
    assert!(
        message.contains(&format!("\nsource: “{IRAQ}” (")),
        "{message}"
    );
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_rows_show_titles_and_authors_in_the_list() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let uri = file_uri(&ws.path().join("notes").join("c.md"));
    let text = "See [@";
    c.open(&uri, text).await;
    c.diagnostics(&uri, Some(1)).await;
    let r = c
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}),
        )
        .await;
    let items = r.as_array().unwrap();
    let rows: Vec<(&str, &str, Option<&str>)> = items
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap(),
                i["labelDetails"]["detail"].as_str().unwrap(),
                i["labelDetails"]["description"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                S000,
                " — US Kills Iraqis for Demanding End of Illegal…",
                Some("Tony Cartalucci, 2020")
            ),
            (
                S001,
                " — The US Is Occupying Iraq For A Second Time",
                Some("Robert Inlakesh")
            ),
            (
                S002,
                " — Biden Regime Refuses to End Illegal US Occupation…",
                Some("Stephen Lendman")
            ),
            (S003, " — Iraq Wants to Kick Out US Troops", None),
            (S004, " — Iraqi PM Told Trump Gang They Didn’t Have…", None),
        ]
    );
    for i in items {
        let key = i["label"].as_str().unwrap();
        // The key is what is inserted; the title is in what the editor filters on.
        assert_eq!(i["textEdit"]["newText"], key);
        let title = i["detail"].as_str().unwrap();
        assert_eq!(i["filterText"], format!("{key} {title}"));
        assert!(
            i["documentation"]["value"]
                .as_str()
                .unwrap()
                .starts_with(&format!("“{title}”")),
            "{i}"
        );
    }
    let cartalucci = &items[0]["documentation"]["value"];
    assert!(
        cartalucci
            .as_str()
            .unwrap()
            .contains("— Tony Cartalucci, March 17, 2020"),
        "{cartalucci}"
    );
    assert_eq!(c.shutdown().await, 0);
}

/// The markdown of the hover at `needle` (shifted by `delta` UTF-16 columns).
async fn hover(c: &mut TestClient, uri: &str, text: &str, needle: &str, delta: u32) -> String {
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(text, needle, delta)}),
        )
        .await;
    h["contents"]["value"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hover_of_a_mismatch_adds_to_its_diagnostic_in_a_short_card() {
    let ws = seeds_workspace();
    let (mut c, uri, text, diags) = started(ws.path(), fast()).await;
    let md = hover(&mut c, &uri, &text, "5,000 troops", 0).await;
    let lines: Vec<&str> = md.lines().collect();
    // VS Code shows the diagnostic above the hover in the same card, which has about a
    // dozen lines before it scrolls.
    assert!(lines.len() <= 10, "{} lines:\n{md}", lines.len());
    // It starts with the verdict and the source's title, never the diagnostic's lines.
    assert!(
        lines[0].starts_with(&format!("≠ **mismatch** · *{IRAQ}* · `"))
            && lines[0].ends_with(&format!("{S003}.txt` line 15")),
        "{md}"
    );
    let diagnostic = by_code(&diags, "mismatch")[0]["message"].as_str().unwrap();
    for said in diagnostic.lines() {
        assert!(!md.contains(said), "{said:?} repeated in\n{md}");
    }
    // The source passage with the matched words in bold (the article has a no-break space).
    assert!(
        md.replace('\u{a0}', " ").contains("> …fight Islamic State (IS, formerly ISIS). **The 2,500 troops who remain the country a decade later are free to act in “self-defense**,” according to Washington."),
        "{md}"
    );
    // The difference as a diff block: the source's words on `-` lines, the note's on `+`.
    let fence = lines
        .iter()
        .position(|l| *l == "```diff")
        .expect("a diff block");
    let block: Vec<&str> = lines[fence + 1..]
        .iter()
        .take_while(|l| **l != "```")
        .copied()
        .collect();
    assert_eq!(
        block,
        [
            "- The 2,500 troops who remain the country a decade later are free to act in",
            "- self-defense",
            "+ The 5,000 troops who remain the country a decade later are free to act in",
            "+ self-defense",
        ]
    );
    // A verified quotation has no diagnostic: its hover says the verdict itself.
    let md = hover(&mut c, &uri, &text, "headquarters", 2).await;
    assert!(
        md.starts_with(&format!("✓ **verified** · *{IRAQ}*")),
        "{md}"
    );
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entity_cards_name_sources_by_title_and_cut_snippets_at_words() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let text = "Soleimani met KH and the PMF.\n";
    let uri = file_uri(&ws.path().join("notes").join("e.md"));
    c.open(&uri, text).await;
    c.diagnostics(&uri, Some(1)).await;
    for (needle, name) in [
        ("Soleimani", "Qassem Soleimani"),
        ("KH", "Kata’ib Hezbollah"),
        ("PMF", "Popular Mobilization Forces"),
    ] {
        let card = hover(&mut c, &uri, text, needle, 1).await;
        assert!(card.starts_with(&format!("**{name}**")), "{card}");
        assert!(
            card.lines().count() <= 15,
            "{} lines:\n{card}",
            card.lines().count()
        );
        // No other name that only repeats the name's words (apostrophes aside).
        let also = card
            .lines()
            .find_map(|l| l.split("also: ").nth(1))
            .unwrap_or_default();
        for alias in also.split(" · ").next().unwrap_or_default().split(", ") {
            assert_ne!(alias, "Soleimani", "{card}");
            assert_ne!(alias, "Kataib Hezbollah", "{card}");
        }
        // Sources by title, never by file stem.
        for stem in [S000, S001, S002, S003, S004] {
            assert!(!card.contains(&format!("[{stem}")), "{card}");
        }
        let snippets: Vec<&str> = card.lines().filter(|l| l.starts_with("> ")).collect();
        assert!(!snippets.is_empty(), "{card}");
        for s in snippets {
            let (words, link) = s[2..].split_once(" — [").expect("a source link");
            let seed = link
                .split("/seeds/")
                .nth(1)
                .and_then(|l| l.split('#').next())
                .unwrap();
            let source = std::fs::read_to_string(repo().join("seeds").join(seed)).unwrap();
            // Every word shown is a whole word of the source: cut at word boundaries.
            let plain = words.replace(['*', '\\'], "");
            let shown: Vec<&str> = plain.trim_matches('…').split_whitespace().collect();
            for w in [shown[0], shown[shown.len() - 1]] {
                assert!(
                    source
                        .split_whitespace()
                        .any(|s| s.replace(['*', '\\'], "") == w),
                    "{w:?} is not a word of {seed}: {s}"
                );
            }
        }
    }
    let card = hover(&mut c, &uri, text, "Soleimani", 1).await;
    assert!(
        card.contains(&format!("[{IRAQ}:25]({}#L25)", seed_uri(S003))),
        "{card}"
    );
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_lens_above_each_quotation_opens_its_source() {
    let ws = seeds_workspace();
    let (mut c, uri, text, diags) = started(ws.path(), fast()).await;
    let lenses = c
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let lenses = lenses.as_array().unwrap();
    let titles: Vec<&str> = lenses
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            format!("✓ verified · {IRAQ}"),
            format!("≠ differs · {IRAQ}"),
            format!("⇄ cited to [@{S000}], found in Biden Regime Refuses to End Illegal US Occupation of Iraq"),
            "✗ not found".to_string(),
            format!("✗ not found · closest: {IRAQ} (58%)"),
            format!("⚠ wrong speaker · {IRAQ}"),
        ]
    );
    // Each lens covers its quotation, as its diagnostic does.
    let ((l, c0), _) = find(&text, "An attack hit");
    assert_eq!(
        lenses[0]["range"]["start"],
        json!({"line": l, "character": c0})
    );
    for (lens, code) in lenses[1..].iter().zip([
        "mismatch",
        "misattributed",
        "not-found",
        "not-found",
        "wrong-speaker",
    ]) {
        let d = by_code(&diags, code)
            .into_iter()
            .find(|d| d["range"] == lens["range"]);
        assert!(d.is_some(), "no {code} diagnostic at {}", lens["range"]);
    }
    // The command: open the source at the passage (line 15 of the article for 2,500).
    let cmd = &lenses[1]["command"];
    assert_eq!(cmd["command"], "sourced.showSource");
    let location = &cmd["arguments"][0]["location"];
    assert_eq!(location["uri"], seed_uri(S003));
    assert_eq!(location["range"]["start"]["line"], 14);
    // Nothing to open: a lens that is only text.
    assert_eq!(lenses[3]["command"]["command"], "");
    assert!(lenses[3]["command"]["arguments"].is_null());

    // Running it asks the client to show the document there.
    c.clear_log();
    let r = c
        .request(
            "workspace/executeCommand",
            json!({"command": "sourced.showSource", "arguments": cmd["arguments"]}),
        )
        .await;
    assert_eq!(r, json!({"shown": false}), "the harness answers null");
    let shown = c
        .wait_for("window/showDocument", |m| {
            m["method"] == "window/showDocument"
        })
        .await;
    assert_eq!(shown["params"]["uri"], seed_uri(S003));
    assert_eq!(shown["params"]["selection"], location["range"]);
    assert_eq!(shown["params"]["takeFocus"], true);
    // A malformed argument is an error, not a crash.
    let bad = c
        .request_full(
            "workspace/executeCommand",
            json!({"command": "sourced.showSource", "arguments": [{"where": 1}]}),
        )
        .await;
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sourced.showSource takes"),
        "{bad}"
    );
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_lens_setting_turns_them_off_and_capabilities_announce_both() {
    let ws = seeds_workspace();
    let (mut c, init) = ready(
        ws.path(),
        false,
        json!({"sourced": {"debounceMs": 10, "codeLens": false}}),
    )
    .await;
    let caps = &init["capabilities"];
    assert_eq!(caps["codeLensProvider"]["resolveProvider"], false);
    assert_eq!(caps["documentLinkProvider"]["resolveProvider"], false);
    assert!(caps["executeCommandProvider"]["commands"]
        .as_array()
        .unwrap()
        .contains(&json!("sourced.showSource")));
    let uri = file_uri(&ws.path().join("notes").join("off.md"));
    c.open(&uri, &note()).await;
    c.diagnostics(&uri, Some(1)).await;
    let lenses = c
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(lenses, Value::Null);
    assert_eq!(c.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citations_and_source_links_are_document_links_to_the_source_files() {
    // A workspace with its sources inside, so that a note can link to one.
    let ws = tempfile::tempdir().unwrap();
    let sources = ws.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    std::fs::create_dir_all(ws.path().join("notes")).unwrap();
    for stem in [S000, S001, S003] {
        let name = format!("{stem}.txt");
        std::fs::copy(repo().join("seeds").join(&name), sources.join(&name)).unwrap();
    }
    std::fs::write(
        ws.path().join("sourced.toml"),
        "sources = [\"sources\"]\nindex_dir = \".sourced\"\n",
    )
    .unwrap();
    std::fs::write(ws.path().join("notes").join("local.txt"), "Not a source.\n").unwrap();
    let (mut c, _) = ready(ws.path(), false, fast()).await;
    let text = format!(
        "Cited [@{S003}; @{S000}] and [@nokey], linked [the article](../sources/{S001}.txt) \
         and [a file](local.txt).\n"
    );
    let uri = file_uri(&ws.path().join("notes").join("links.md"));
    c.open(&uri, &text).await;
    c.diagnostics(&uri, Some(1)).await;
    let links = c
        .request(
            "textDocument/documentLink",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let got: Vec<(Value, Value, &str, &str)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["range"]["start"].clone(),
                l["range"]["end"].clone(),
                l["target"].as_str().unwrap(),
                l["tooltip"].as_str().unwrap(),
            )
        })
        .collect();
    let uri_of = |stem: &str| file_uri(&sources.join(format!("{stem}.txt")));
    let (s3, s0, s1) = (uri_of(S003), uri_of(S000), uri_of(S001));
    assert_eq!(
        got,
        [
            (
                pos(&text, S003, 0),
                pos(&text, S003, 20),
                s3.as_str(),
                &*format!("“{IRAQ}”")
            ),
            (
                pos(&text, S000, 0),
                pos(&text, S000, 20),
                s0.as_str(),
                "“US Kills Iraqis for Demanding End of Illegal Occupation” — Tony Cartalucci, March 17, 2020"
            ),
            (
                pos(&text, "the article", 0),
                pos(&text, "the article", 11),
                s1.as_str(),
                "“The US Is Occupying Iraq For A Second Time” — Robert Inlakesh"
            ),
        ]
    );
    assert_eq!(c.shutdown().await, 0);
}
