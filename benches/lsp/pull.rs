//! A workspace of many notes checked at once: `workspace/diagnostic` (pull clients), and
//! `workspace/executeCommand sourced.checkWorkspace` (push clients, and the only way before
//! pull diagnostics), on notes written to the workspace and not open.
//!
//! The first `workspace/diagnostic` is sent with a `partialResultToken` so that its reports
//! stream as `$/progress` batches (the harness gives a response 60 s, the bench gives the
//! batches as long as they take); it is complete when every note has a report. The second,
//! with every note's `resultId` as `previousResultIds`, must answer `unchanged` for each.

use crate::client::{await_message, pulls_workspace, start, LONG};
use crate::lsp_harness::*;
use crate::measure::{ms, Memory};
use crate::workload::{generate_note, Rng, Sentences};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const LINES: usize = 500;
const QUOTES: usize = 100;

/// Write `notes` notes of `QUOTES` quotations each to `root/notes/`.
pub fn write_notes(root: &Path, sentences: &Sentences, notes: usize) {
    let mut rng = Rng(0xB0B0_5EED_0000_0001);
    for i in 0..notes {
        let lines = generate_note(sentences, &mut rng, LINES, QUOTES);
        std::fs::write(
            root.join(format!("notes/note_{i:05}.md")),
            lines.join("\n") + "\n",
        )
        .unwrap();
    }
}

pub struct PullFigures {
    pub index: Duration,
    pub first_batch: Duration,
    pub first: Duration,
    pub reports: usize,
    pub diagnostics: usize,
    pub second: Duration,
    pub unchanged: usize,
    pub memory_before: Memory,
    pub memory_after: Memory,
}

/// `workspace/diagnostic` twice; `None` if the server does not offer it.
pub async fn workspace_diagnostic(root: &Path, notes: usize) -> Option<PullFigures> {
    let (mut c, init, index) = start(root, true, 50).await;
    if !pulls_workspace(&init) {
        let _ = c.shutdown().await;
        return None;
    }
    let memory_before = Memory::now();
    c.clear_log();
    let t = Instant::now();
    c.send_raw(&frame(
        &json!({"jsonrpc": "2.0", "id": 1_000_000, "method": "workspace/diagnostic",
        "params": {"previousResultIds": [], "partialResultToken": "bench"}}),
    ))
    .await;
    let mut reports: BTreeMap<String, Value> = BTreeMap::new();
    let mut first_batch = None;
    while reports.len() < notes {
        let batch = await_message(&mut c, "a batch of workspace reports", LONG, |m| {
            m["method"] == "$/progress" && m["params"]["token"] == "bench"
        })
        .await;
        first_batch.get_or_insert(t.elapsed());
        c.log
            .retain(|m| !(m["method"] == "$/progress" && m["params"]["token"] == "bench"));
        for item in batch["params"]["value"]["items"].as_array().unwrap() {
            assert_eq!(item["kind"], "full", "{item}");
            reports.insert(item["uri"].as_str().unwrap().to_string(), item.clone());
        }
    }
    let first = t.elapsed();
    let memory_after = Memory::now();
    let diagnostics = reports
        .values()
        .map(|r| r["items"].as_array().map_or(0, Vec::len))
        .sum();
    let previous: Vec<Value> = reports
        .iter()
        .map(|(uri, r)| json!({"uri": uri, "value": r["resultId"]}))
        .collect();
    let t = Instant::now();
    let again = c
        .request(
            "workspace/diagnostic",
            json!({"previousResultIds": previous}),
        )
        .await;
    let second = t.elapsed();
    let items = again["items"].as_array().unwrap();
    let unchanged = items.iter().filter(|i| i["kind"] == "unchanged").count();
    assert_eq!(items.len(), notes, "one report per note");
    let _ = c.shutdown().await;
    Some(PullFigures {
        index,
        first_batch: first_batch.unwrap_or_default(),
        first,
        reports: reports.len(),
        diagnostics,
        second,
        unchanged,
        memory_before,
        memory_after,
    })
}

pub struct CommandFigures {
    pub index: Duration,
    pub took: Duration,
    pub summary: String,
    pub published: usize,
    pub memory_before: Memory,
    pub memory_after: Memory,
}

/// `sourced.checkWorkspace` from a push client: to the summary it logs, after the
/// diagnostics of every note were published.
pub async fn check_workspace(root: &Path) -> CommandFigures {
    let (mut c, _, index) = start(root, false, 50).await;
    let memory_before = Memory::now();
    c.clear_log();
    let t = Instant::now();
    c.send_raw(&frame(&json!({"jsonrpc": "2.0", "id": 1_000_001,
        "method": "workspace/executeCommand",
        "params": {"command": "sourced.checkWorkspace", "arguments": []}})))
        .await;
    let summary = await_message(&mut c, "the checkWorkspace summary", LONG, |m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("checked "))
    })
    .await;
    let took = t.elapsed();
    let memory_after = Memory::now();
    let published = c
        .log
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .count();
    let _ = c.shutdown().await;
    CommandFigures {
        index,
        took,
        summary: summary["params"]["message"].as_str().unwrap().to_string(),
        published,
        memory_before,
        memory_after,
    }
}

pub fn print_pull(notes: usize, f: &Option<PullFigures>) {
    println!("## workspace/diagnostic: {notes} notes × {QUOTES} quotations, not open");
    let Some(f) = f else {
        println!("not offered by this server");
        println!();
        return;
    };
    println!("index ready {:.0} ms", ms(f.index));
    println!(
        "first report: {} notes full, {} diagnostics, in {:.0} ms (first batch {:.0} ms)",
        f.reports,
        f.diagnostics,
        ms(f.first),
        ms(f.first_batch)
    );
    println!(
        "second report, nothing changed: {}/{notes} unchanged, in {:.1} ms",
        f.unchanged,
        ms(f.second)
    );
    println!("memory before: {}", f.memory_before.describe());
    println!("memory after:  {}", f.memory_after.describe());
    println!();
}

pub fn print_command(notes: usize, f: &CommandFigures) {
    println!("## workspace/executeCommand sourced.checkWorkspace: {notes} notes");
    println!("index ready {:.0} ms", ms(f.index));
    println!(
        "{} in {:.0} ms; {} publishDiagnostics",
        f.summary,
        ms(f.took),
        f.published
    );
    println!("memory before: {}", f.memory_before.describe());
    println!("memory after:  {}", f.memory_after.describe());
    println!();
}
