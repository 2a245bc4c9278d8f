//! Memory while a note's quotations are edited: a 500-line note with 100 quotations open, and
//! N edits that each replace one word inside a quotation with another word of the sources, so
//! that every check meets quotation texts it has not seen.
//!
//! Paced like a typist: one edit every `pace` (a debounce of 10 ms, so most edits are checked
//! before the next arrives and the rest are cancelled or superseded), or, with a pace of zero,
//! each edit's diagnostics awaited before the next. Resident memory is read when the note is
//! first checked, at the start (the entity table built too), after every quarter of the edits,
//! and after the last edit's diagnostics and 5 s idle.

use crate::client::{await_message, start, LONG};
use crate::lsp_harness::*;
use crate::measure::{ms, Memory};
use crate::workload::{edit_quotation_word, generate_note, Rng, Sentences};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

pub const DEBOUNCE_MS: u64 = 10;
const LINES: usize = 500;
const QUOTES: usize = 100;
const IDLE: Duration = Duration::from_secs(5);

pub struct Figures {
    /// After the note's first diagnostics, before the entity table is waited for.
    pub opened: Memory,
    pub edits: usize,
    pub pace: Duration,
    /// (edits sent, seconds since the first, memory).
    pub samples: Vec<(usize, f64, Memory)>,
    pub idle: Memory,
    pub quotes_after: usize,
    pub diagnostics_after: usize,
}

/// `settle`: how long to wait after the note's first diagnostics before the hover that waits
/// for the entity table (long enough, and the background build has finished alone).
pub async fn run(
    root: &Path,
    sentences: &Sentences,
    edits: usize,
    pace: Duration,
    settle: Duration,
) -> Figures {
    let mut rng = Rng(0x7E57_ED17_0000_0042);
    let (mut c, _, _) = start(root, false, DEBOUNCE_MS).await;
    let mut lines = generate_note(sentences, &mut rng, LINES, QUOTES);
    let uri = file_uri(&root.join("notes/typing.md"));
    c.open(&uri, &(lines.join("\n") + "\n")).await;
    c.diagnostics(&uri, Some(1)).await;
    let opened = Memory::now();
    tokio::time::sleep(settle).await;
    // The entity table is built in the background after the sources are walked: a hover on a
    // word outside the quotations waits for it, so that the edits do not meet that growth.
    c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
    )
    .await;
    let quote_lines: Vec<usize> = (0..LINES).filter(|i| lines[*i].contains('“')).collect();
    let mut samples = vec![(0, 0.0, Memory::now())];
    let every = (edits / 4).max(1);
    let mut ticks = tokio::time::interval(pace.max(Duration::from_micros(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let t = Instant::now();
    let mut version = 1;
    for n in 1..=edits {
        if !pace.is_zero() {
            ticks.tick().await;
        }
        version += 1;
        let line = quote_lines[rng.below(quote_lines.len())];
        let e = edit_quotation_word(&mut lines, line, &sentences.vocabulary, &mut rng);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {
                       "start": {"line": e.line, "character": e.start},
                       "end": {"line": e.line, "character": e.end}}, "text": e.word}]}),
        )
        .await;
        if pace.is_zero() {
            let diagnostics = await_message(&mut c, "the edit's diagnostics", LONG, |m| {
                is_diagnostics(m, &uri, Some(version))
            })
            .await;
            c.clear_log();
            // The last edit's are awaited below: keep them.
            c.log.push(diagnostics);
        } else if n % 100 == 0 {
            // Keep the client's log from growing without bound.
            c.drain_for(Duration::ZERO).await;
            c.clear_log();
        }
        if n % every == 0 || n == edits {
            samples.push((n, t.elapsed().as_secs_f64(), Memory::now()));
        }
    }
    let last = version;
    let diagnostics_after = await_message(&mut c, "the last edit's diagnostics", LONG, |m| {
        is_diagnostics(m, &uri, Some(last))
    })
    .await["params"]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len);
    tokio::time::sleep(IDLE).await;
    c.drain_for(Duration::ZERO).await;
    c.clear_log();
    let idle = Memory::now();
    // The server's text must still be the client's: every quotation still there.
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let quotes_after = symbols.as_array().map_or(0, Vec::len);
    assert_eq!(quotes_after, QUOTES, "edits inside quotations keep them");
    let _ = c.shutdown().await;
    Figures {
        opened,
        edits,
        pace,
        samples,
        idle,
        quotes_after,
        diagnostics_after,
    }
}

pub fn print(f: &Figures) {
    let how = if f.pace.is_zero() {
        "each edit's diagnostics awaited".to_string()
    } else {
        format!("one edit every {:.0} ms", ms(f.pace))
    };
    println!(
        "## memory over {} quotation edits ({how}, debounce {DEBOUNCE_MS} ms)",
        f.edits
    );
    println!("| edits | after (s) | VmRSS MB | RssAnon MB | RssFile MB | VmHWM MB |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let mb = |kb: u64| kb as f64 / 1024.0;
    let m = &f.opened;
    println!(
        "| note opened, before the entity table | | {:.1} | {:.1} | {:.1} | {:.1} |",
        mb(m.rss),
        mb(m.anon),
        mb(m.file),
        mb(m.hwm)
    );
    for (n, s, m) in &f.samples {
        println!(
            "| {n} | {s:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            mb(m.rss),
            mb(m.anon),
            mb(m.file),
            mb(m.hwm)
        );
    }
    let m = &f.idle;
    println!(
        "| {} + {} s idle | | {:.1} | {:.1} | {:.1} | {:.1} |",
        f.edits,
        IDLE.as_secs(),
        mb(m.rss),
        mb(m.anon),
        mb(m.file),
        mb(m.hwm)
    );
    println!(
        "after the edits: {} quotations, {} diagnostics",
        f.quotes_after, f.diagnostics_after
    );
    println!();
}
