//! Latency of an open note: a 500-line note with 100 quotations opened, then
//! - didChange → publishDiagnostics for that version, minus the debounce (an edit in a filler
//!   line: every verdict is remembered), and after an edit inside one quotation (a word put
//!   after its opening mark: that quotation is checked again);
//! - hover and definition on random quotations (p50/p95 over 200 requests each).

use crate::client::start;
use crate::lsp_harness::*;
use crate::measure::{ms, row, Row};
use crate::workload::{generate_note, Rng, Sentences};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

pub const DEBOUNCE_MS: u64 = 50;
pub const LINES: usize = 500;
pub const QUOTES: usize = 100;
const CHANGES: usize = 30;
const REQUESTS: usize = 200;

pub struct Figures {
    pub index: Duration,
    pub open: Duration,
    pub verified: usize,
    pub problems: BTreeMap<String, usize>,
    pub rows: Vec<Row>,
    pub hover_hits: usize,
    pub definition_hits: usize,
}

/// Position of the middle of the quotation on `line`.
fn quote_position(lines: &[String], line: usize) -> Value {
    let l = &lines[line];
    let open = l.find('“').unwrap();
    let col = l[..open].encode_utf16().count() + 6;
    json!({"line": line, "character": col})
}

pub async fn run(root: &Path, sentences: &Sentences) -> Figures {
    let mut rng = Rng(0x5EED_CAFE_F00D_1234);
    let (mut c, _, index) = start(root, false, DEBOUNCE_MS).await;
    let mut lines = generate_note(sentences, &mut rng, LINES, QUOTES);
    let uri = file_uri(&root.join("notes/bench.md"));
    let t = Instant::now();
    c.open(&uri, &(lines.join("\n") + "\n")).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let open = t.elapsed();
    let mut problems = BTreeMap::new();
    for d in &diags {
        *problems
            .entry(d["code"].as_str().unwrap_or("?").to_string())
            .or_insert(0) += 1;
    }

    let mut version = 1;
    let mut change = Vec::new();
    let filler: Vec<usize> = (0..LINES).filter(|i| !lines[*i].contains('“')).collect();
    for _ in 0..CHANGES {
        version += 1;
        let line = filler[rng.below(filler.len())];
        let at = json!({"line": line, "character": 0});
        lines[line].insert_str(0, "x ");
        c.clear_log();
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": at, "end": at}, "text": "x "}]}),
        )
        .await;
        c.diagnostics(&uri, Some(version)).await;
        change.push(ms(t.elapsed()) - DEBOUNCE_MS as f64);
    }

    let quote_lines: Vec<usize> = (0..LINES).filter(|i| lines[*i].contains('“')).collect();
    let mut inside = Vec::new();
    for &line in quote_lines.iter().take(CHANGES) {
        version += 1;
        let col = lines[line][..lines[line].find('“').unwrap()]
            .encode_utf16()
            .count()
            + 1;
        let at = json!({"line": line, "character": col});
        let open = lines[line].find('“').unwrap() + '“'.len_utf8();
        lines[line].insert_str(open, "truly ");
        c.clear_log();
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": at, "end": at}, "text": "truly "}]}),
        )
        .await;
        c.diagnostics(&uri, Some(version)).await;
        inside.push(ms(t.elapsed()) - DEBOUNCE_MS as f64);
    }

    let mut hover = Vec::new();
    let mut definition = Vec::new();
    let mut hover_hits = 0;
    let mut definition_hits = 0;
    for _ in 0..REQUESTS {
        let p = quote_position(&lines, quote_lines[rng.below(quote_lines.len())]);
        let params = json!({"textDocument": {"uri": uri}, "position": p});
        let t = Instant::now();
        let h = c.request("textDocument/hover", params.clone()).await;
        hover.push(ms(t.elapsed()));
        hover_hits += usize::from(!h.is_null());
        let t = Instant::now();
        let d = c.request("textDocument/definition", params).await;
        definition.push(ms(t.elapsed()));
        definition_hits += usize::from(!d.is_null());
    }
    assert_eq!(c.shutdown().await, 0);
    Figures {
        index,
        open,
        verified: QUOTES - diags.len(),
        problems,
        rows: vec![
            row("didChange → diagnostics, edit outside quotations", change),
            row("didChange → diagnostics, edit inside one quotation", inside),
            row("hover on a quotation", hover),
            row("definition of a quotation", definition),
        ],
        hover_hits,
        definition_hits,
    }
}

pub fn print(f: &Figures) {
    println!(
        "## latency: {LINES}-line note, {QUOTES} quotations, debounce {DEBOUNCE_MS} ms (subtracted)"
    );
    println!(
        "index ready {:.0} ms; first check of the note {:.0} ms; {} verified, {:?}",
        ms(f.index),
        ms(f.open),
        f.verified,
        f.problems
    );
    println!("| latency (ms) | n | p50 | p95 | mean |");
    println!("| --- | --- | --- | --- | --- |");
    for r in &f.rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} |",
            r.what, r.n, r.p50, r.p95, r.mean
        );
    }
    println!(
        "hover answers {}/{REQUESTS}, definition answers {}/{REQUESTS}",
        f.hover_hits, f.definition_hits
    );
    println!();
}
