//! Language server bench (no criterion): the server in-process, driven over duplex pipes with
//! real JSON-RPC frames (the `tests/lsp_harness` client), on the seeds.
//!
//! Measures, on a generated 500-line note with 100 quotations (half taken word for word from
//! the seeds, half altered or made up):
//! - didChange → publishDiagnostics, minus the debounce;
//! - hover and definition latency (p50/p95 over 200 requests each);
//! - resident memory (VmRSS of this process, client and server) before and after 10,000
//!   random edits.
//!
//! Run: `cargo bench --bench lsp`

#[path = "../tests/lsp_harness/mod.rs"]
mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const DEBOUNCE_MS: u64 = 50;
const LINES: usize = 500;
const QUOTES: usize = 100;
const CHANGES: usize = 30;
const REQUESTS: usize = 200;
const EDITS: usize = 10_000;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Runs of words from the seeds that make clean quotations (no quotation marks or markup).
fn seed_sentences() -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(repo().join("seeds"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for sentence in text.split(['.', '\n', '?', '!', ':', ';']) {
            if sentence.contains(['“', '”', '"', '[', ']', '*', '#', '(', ')', '‘', '’', '\''])
            {
                continue;
            }
            let words: Vec<String> = sentence.split_whitespace().map(str::to_string).collect();
            if words.len() >= 9 {
                out.push(words);
            }
        }
    }
    out
}

const MADE_UP: &[&str] = &[
    "banana",
    "orbit",
    "velvet",
    "committee",
    "harbour",
    "lantern",
    "cobalt",
    "meadow",
    "quartz",
    "violin",
    "glacier",
    "saffron",
    "pebble",
    "tundra",
    "marble",
    "compass",
];

/// The note: a quotation on every fifth line, filler prose elsewhere. Returns its lines.
fn generate_note(rng: &mut Rng) -> Vec<String> {
    let sentences = seed_sentences();
    assert!(!sentences.is_empty(), "no usable sentences in seeds/");
    let mut lines = Vec::with_capacity(LINES);
    let mut quotes = 0;
    for i in 0..LINES {
        if i % (LINES / QUOTES) == 0 && quotes < QUOTES {
            quotes += 1;
            let s = &sentences[rng.below(sentences.len())];
            let n = 6 + rng.below(8).min(s.len() - 6);
            let start = rng.below(s.len() - n + 1);
            let mut words: Vec<String> = s[start..start + n].to_vec();
            match quotes % 4 {
                // Word for word.
                0 | 1 => {}
                // One word changed: a mismatch.
                2 => {
                    let k = rng.below(words.len());
                    words[k] = MADE_UP[rng.below(MADE_UP.len())].to_string();
                }
                // Made up: not found.
                _ => {
                    for w in words.iter_mut() {
                        *w = MADE_UP[rng.below(MADE_UP.len())].to_string();
                    }
                }
            }
            lines.push(format!(
                "Line {i}: the article said “{}” at the time.",
                words.join(" ")
            ));
        } else {
            lines.push(format!(
                "Filler line {i} with ordinary words about nothing in particular at all."
            ));
        }
    }
    lines
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn vm_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

struct Row {
    what: &'static str,
    n: usize,
    p50: f64,
    p95: f64,
    mean: f64,
}

fn row(what: &'static str, mut samples: Vec<f64>) -> Row {
    samples.sort_by(f64::total_cmp);
    let mean = samples.iter().sum::<f64>() / samples.len().max(1) as f64;
    Row {
        what,
        n: samples.len(),
        p50: percentile(&samples, 0.5),
        p95: percentile(&samples, 0.95),
        mean,
    }
}

/// Position of the middle of the quotation on `line`.
fn quote_position(lines: &[String], line: usize) -> Value {
    let l = &lines[line];
    let open = l.find('“').unwrap();
    let col = l[..open].encode_utf16().count() + 6;
    json!({"line": line, "character": col})
}

async fn bench() {
    let mut rng = Rng(0x5EED_CAFE_F00D_1234);
    let ws = seeds_workspace();
    let mut c = TestClient::start();
    let t = Instant::now();
    c.initialize(init_params(
        ws.path(),
        false,
        json!({"sourced": {"debounceMs": DEBOUNCE_MS}}),
    ))
    .await;
    c.wait_for("index ready", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    })
    .await;
    let index_ms = ms(t.elapsed());

    let mut lines = generate_note(&mut rng);
    let uri = file_uri(&ws.path().join("notes/bench.md"));
    let t = Instant::now();
    c.open(&uri, &(lines.join("\n") + "\n")).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    let open_ms = ms(t.elapsed());
    let mut counts = std::collections::BTreeMap::new();
    for d in &diags {
        *counts
            .entry(d["code"].as_str().unwrap_or("?").to_string())
            .or_insert(0) += 1;
    }
    let verified = QUOTES - diags.len();

    // didChange → diagnostics for that version, minus the debounce.
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

    // Hover and definition on random quotations.
    let quote_lines: Vec<usize> = (0..LINES).filter(|i| lines[*i].contains('“')).collect();
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

    // Memory before and after 10,000 random edits (inserts and deletes in filler lines), and
    // after 10,000 more, to tell a plateau from a leak.
    let rss_before = vm_rss_kb();
    let mut rounds = Vec::new();
    let mut final_diags = Vec::new();
    for _ in 0..2 {
        c.clear_log();
        let t = Instant::now();
        for _ in 0..EDITS {
            version += 1;
            let line = filler[rng.below(filler.len())];
            let len = lines[line].len();
            let (range, text) = if rng.below(2) == 0 || len < 20 {
                let col = rng.below(len + 1);
                let word = format!("{} ", MADE_UP[rng.below(MADE_UP.len())]);
                lines[line].insert_str(col, &word);
                ((col, col), word)
            } else {
                let a = rng.below(len - 5);
                let b = a + 1 + rng.below(5);
                lines[line].replace_range(a..b, "");
                ((a, b), String::new())
            };
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {
                           "start": {"line": line, "character": range.0},
                           "end": {"line": line, "character": range.1}}, "text": text}]}),
            )
            .await;
            // Keep the client's log from growing without bound.
            if version % 500 == 0 {
                c.drain_for(Duration::ZERO).await;
                c.clear_log();
            }
        }
        final_diags = c.diagnostics(&uri, Some(version)).await;
        rounds.push((ms(t.elapsed()), vm_rss_kb()));
    }
    // The server's text must still be the client's: the same diagnostics as before.
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let quotes_after = symbols.as_array().map_or(0, Vec::len);

    println!("sourced lsp bench — seeds, {LINES}-line note, {QUOTES} quotations, debounce {DEBOUNCE_MS} ms");
    println!(
        "index open {index_ms:.0} ms; first check of the note {open_ms:.0} ms; verdicts: {verified} verified, {counts:?}"
    );
    println!();
    println!(
        "{:<44} {:>5} {:>9} {:>9} {:>9}",
        "latency (ms)", "n", "p50", "p95", "mean"
    );
    for r in [
        row("didChange → diagnostics (minus debounce)", change),
        row("hover on a quotation", hover),
        row("definition of a quotation", definition),
    ] {
        println!(
            "{:<44} {:>5} {:>9.2} {:>9.2} {:>9.2}",
            r.what, r.n, r.p50, r.p95, r.mean
        );
    }
    println!(
        "hover answers {hover_hits}/{REQUESTS}, definition answers {definition_hits}/{REQUESTS}"
    );
    println!();
    println!("VmRSS before the edits:      {rss_before:>8} kB");
    for (i, (took, rss)) in rounds.iter().enumerate() {
        println!(
            "VmRSS after {:>6} edits:     {rss:>8} kB  ({:+} kB; sent and checked in {took:.0} ms)",
            (i + 1) * EDITS,
            *rss as i64 - rss_before as i64
        );
    }
    println!(
        "after the edits: {} diagnostics, {} quotations (before: {}, {QUOTES})",
        final_diags.len(),
        quotes_after,
        diags.len()
    );
    assert_eq!(
        quotes_after, QUOTES,
        "edits to filler lines must not touch quotations"
    );
    assert_eq!(c.shutdown().await, 0);
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would too: run either way, it is
    // short.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(bench());
}
