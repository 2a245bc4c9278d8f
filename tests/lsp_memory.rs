//! The language server's memory under a huge quotation edited again and again: the checks of
//! superseded versions are cancelled, one check is bounded, and the last version's
//! diagnostics arrive. Memory is measured with a counting allocator (the server runs in this
//! process), so the bound is on bytes the server holds at once, not on timing.

mod lsp_harness;

use lsp_harness::*;
use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes the whole process (server and test client) may hold at once while a 200,000-word
/// quotation is edited five times. The note's text is about 1.4 MB; each version is held by
/// the client, the server's rope and the check's copy. Before checks were cancelled and
/// bounded, one check of such a quotation held 1.2 GB and five edits 5.2 GB.
const BOUND: usize = 256 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_quotation_edited_again_and_again_stays_bounded_and_its_last_version_is_reported() {
    let ws = seeds_workspace();
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    // 200,000 words from the seeds, as one blockquote.
    let seeds: Vec<String> = std::fs::read_dir(repo().join("seeds"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let words: Vec<&str> = seeds
        .iter()
        .flat_map(|s| s.split_whitespace())
        .filter(|w| !w.contains(['“', '”', '"', '>', '[', ']', '*', '_', '`', '#']))
        .collect();
    let quote: Vec<&str> = words.iter().cycle().take(200_000).copied().collect();
    let text = |edit: usize| format!("# Huge\n\n> edit{edit} {}\n", quote.join(" "));
    let uri = file_uri(&ws.path().join("notes").join("huge.md"));
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = LIVE.load(Ordering::Relaxed);
    c.open(&uri, &text(1)).await;
    for version in 2..=6 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text(version as usize)}]}),
        )
        .await;
    }
    let diags = c.diagnostics(&uri, Some(6)).await;
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    let codes: Vec<&str> = diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, ["too-long"], "{diags:#?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("longer than sourced verifies"),
        "{}",
        diags[0]["message"]
    );
    assert!(
        peak < BOUND,
        "the server held {} MB at once (bound {} MB)",
        peak >> 20,
        BOUND >> 20
    );
    // The hover on it says why it was not checked.
    let hover: Value = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 30}}),
        )
        .await;
    assert!(!hover.is_null());
}
