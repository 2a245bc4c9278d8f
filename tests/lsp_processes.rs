//! `sourced lsp` as real child processes over stdio (see `lsp_stdio`): a long editing
//! session whose memory is measured on the server process alone, and two servers on one
//! workspace.

mod lsp_stdio;

use lsp_stdio::*;
use serde_json::{json, Value};
use sourced::index::{RefreshOptions, SourceIndex};
use std::process::Stdio;

/// A small deterministic generator (SplitMix64): the session is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The LSP position (UTF-16 columns; LF, CR and CRLF end lines) of byte `at` of `text`.
fn position(text: &str, at: usize) -> Value {
    let b = text.as_bytes();
    let (mut line, mut start, mut i) = (0, 0, 0);
    while i < at {
        let brk = match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => 2,
            b'\r' | b'\n' => 1,
            _ => 0,
        };
        if brk == 0 {
            i += 1;
            continue;
        }
        i += brk;
        if i <= at {
            line += 1;
            start = i;
        }
    }
    let col = text[start..at].encode_utf16().count();
    json!({"line": line, "character": col})
}

/// Character boundaries of `text` where an LSP position can point (not inside a CRLF).
fn boundaries(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .filter(|&i| !(i > 0 && b[i - 1] == b'\r' && b.get(i) == Some(&b'\n')))
        .collect()
}

const INSERTS: &[&str] = &[
    "a",
    "word ",
    "the troops remain ",
    "“",
    "”",
    "\"",
    "'",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "😀",
    "漢字",
    "e\u{301}",
    "> ",
    "[@x] ",
    "…",
    ",",
    ". ",
    "\t",
    "\r",
    "👍🏽 ",
    "Iraq's ",
];

/// One random edit of `text`: (range, new text), applied to `text`.
fn random_edit(rng: &mut Rng, text: &mut String) -> Value {
    let b = boundaries(text);
    let start_i = rng.below(b.len());
    // Delete less while the text is short and more when it grows, so that it stays at one
    // to three kilobytes.
    let max_delete = match text.len() {
        0..1500 => 2,
        1500..3000 => 8,
        _ => 40,
    };
    let end_i = (start_i + rng.below(max_delete + 1)).min(b.len() - 1);
    let (start, end) = (b[start_i], b[end_i]);
    let mut new = String::new();
    for _ in 0..rng.below(4) {
        new.push_str(INSERTS[rng.below(INSERTS.len())]);
    }
    let range = json!({"start": position(text, start), "end": position(text, end)});
    text.replace_range(start..end, &new);
    json!({"range": range, "text": new})
}

/// What the outline of `text` must be: every quotation (one word is enough here) with its
/// range, as `(words, range)`: the quotation's words, whitespace collapsed.
fn expected_symbols(text: &str) -> Vec<(String, Value)> {
    sourced::quotes::extract::scan(text, 1)
        .quotes
        .iter()
        .map(|q| {
            let words = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let range =
                json!({"start": position(text, q.range.start), "end": position(text, q.range.end)});
            (words, range)
        })
        .collect()
}

/// An outline entry is the quotation's words in quotation marks, or (over 60 characters)
/// their beginning, cut at most at 60 characters, with an ellipsis.
fn names_quotation(name: &str, words: &str) -> bool {
    let Some(inner) = name.strip_prefix('“').and_then(|n| n.strip_suffix('”')) else {
        return false;
    };
    if inner == words {
        return words.chars().count() <= 60;
    }
    match inner.strip_suffix('…') {
        Some(start) => {
            words.chars().count() > 60 && inner.chars().count() <= 60 && words.starts_with(start)
        }
        None => false,
    }
}

/// Send `n` random edits (one to three changes per notification), then wait until the last
/// version is checked and published; the server's outline must be the client's text's.
fn edit_session(
    server: &mut StdioServer,
    uri: &str,
    rng: &mut Rng,
    text: &mut String,
    version: &mut i64,
    n: usize,
) {
    let mut sent = 0;
    let mut batch = Vec::new();
    while sent < n {
        let k = (1 + rng.below(3)).min(n - sent);
        let changes: Vec<Value> = (0..k).map(|_| random_edit(rng, text)).collect();
        sent += k;
        *version += 1;
        batch.push((
            "textDocument/didChange".to_string(),
            json!({"textDocument": {"uri": uri, "version": *version}, "contentChanges": changes}),
        ));
        if batch.len() == 100 {
            server.notify_many(std::mem::take(&mut batch));
        }
    }
    server.notify_many(batch);
    server.diagnostics(uri, *version);
    server.log.clear();
    let got = server.document_symbols(uri);
    let want = expected_symbols(text);
    assert_eq!(
        got.len(),
        want.len(),
        "number of quotations differs after {n} edits; text:\n{text:?}"
    );
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g.1, w.1, "quotation {i}'s range differs; text:\n{text:?}");
        assert!(
            names_quotation(&g.0, &w.0),
            "quotation {i} is named {:?}, its words are {:?}; text:\n{text:?}",
            g.0,
            w.0
        );
    }
}

#[test]
fn ten_thousand_random_edits_keep_the_clients_text_and_memory_flat() {
    let ws = workspace(&[&seeds()]);
    let mut server = StdioServer::spawn(sourced_lsp(), Stdio::null());
    server.initialize(
        ws.path(),
        json!({"sourced": {"debounceMs": 5, "minWords": 1, "inlayHints": false}}),
    );
    server.index_ready();
    let uri = file_uri(&ws.path().join("notes/long.md"));
    let mut text = String::from(
        "# Notes\r\n\nHe said “The 5,000 troops who remain the country a decade later”.\n😀 漢字 \"quoted words here\"\r\n",
    );
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    server.diagnostics(&uri, 1);
    // Another session: SOURCED_EDIT_SEED=<number>.
    let seed = std::env::var("SOURCED_EDIT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x05EE_D0F5_0C3D);
    let mut rng = Rng(seed);
    let mut version = 1;

    // Warm up (allocator pools, caches, the index's readers), then measure.
    edit_session(&mut server, &uri, &mut rng, &mut text, &mut version, 2_000);
    let before = server.rss();
    edit_session(&mut server, &uri, &mut rng, &mut text, &mut version, 8_000);
    let after = server.rss();
    let growth = after.saturating_sub(before);
    eprintln!(
        "server RSS: {} MB after 2,000 edits, {} MB after 10,000 ({} KB more); final text {} bytes, {} quotations",
        before >> 20,
        after >> 20,
        growth >> 10,
        text.len(),
        expected_symbols(&text).len()
    );
    assert!(
        growth < 64 << 20,
        "the server grew by {} MB over 8,000 edits",
        growth >> 20
    );

    // The whole text, replaced through one range edit from the client's idea of its end:
    // the server keeps exactly one copy of the new text.
    let end = position(&text, text.len());
    let fresh = "Fresh “The 5,000 troops who remain the country a decade later” end.\n";
    version += 1;
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": end}, "text": fresh}]}),
    );
    let diags = server.diagnostics(&uri, version);
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["mismatch"]);
    let symbols = server.document_symbols(&uri);
    let want = expected_symbols(fresh);
    assert_eq!(symbols.len(), 1);
    assert_eq!(symbols[0].1, want[0].1);
    assert_eq!(
        symbols[0].0,
        "“The 5,000 troops who remain the country a decade later”"
    );
    assert!(server.shutdown().success());
}

#[test]
fn two_servers_on_one_workspace_share_the_index() {
    let sources = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), sources.path().join(e.file_name())).unwrap();
    }
    let ws = workspace(&[sources.path()]);
    // Both start on a workspace without an index and want to build it at once: each is
    // driven by its own thread.
    let uri = file_uri(&ws.path().join("notes/n.md"));
    let note = "“The 5,000 troops who remain the country a decade later”\n\n“the harbour will reopen to fishing boats next spring”\n";
    let start = || {
        let mut s = StdioServer::spawn(sourced_lsp(), Stdio::null());
        s.initialize(ws.path(), json!({"sourced": {"debounceMs": 10}}));
        let ready = s.index_ready();
        assert_eq!(ready["params"]["sources"], 5, "{ready}");
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": note}}),
        );
        let codes: Vec<String> = s
            .diagnostics(&uri, 1)
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, ["mismatch", "not-found"]);
        s
    };
    let (mut a, mut b) = std::thread::scope(|scope| {
        let a = scope.spawn(start);
        let b = scope.spawn(start);
        (a.join().unwrap(), b.join().unwrap())
    });

    // A new source file: both servers are told, both update the one index (one writer at a
    // time), and both see it.
    let new = sources.path().join("harbour.txt");
    std::fs::write(
        &new,
        "Harbour news.\n\nOfficials said the harbour will reopen to fishing boats next spring.\n",
    )
    .unwrap();
    for s in [&mut a, &mut b] {
        s.log.clear();
        s.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri(&new), "type": 1}]}),
        );
    }
    for s in [&mut a, &mut b] {
        let codes: Vec<String> = s
            .diagnostics(&uri, 1)
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, ["mismatch"]);
    }
    assert!(a.shutdown().success());
    assert!(b.shutdown().success());

    // The index is whole: it opens without a rebuild and is up to date.
    let (index, messages) = SourceIndex::open(&ws.path().join(".sourced")).unwrap();
    assert!(messages.is_empty(), "{messages:?}");
    let (files, _) = sourced::corpus::discover(
        &[sources.path().to_string_lossy().into_owned()],
        ws.path(),
        &globset::GlobSet::empty(),
        Default::default(),
    );
    // Each source recorded once, with each of its passages once: both servers wrote
    // harbour.txt, the second after the first without reading in between.
    let mut want: Vec<String> = files.iter().map(|f| f.display.clone()).collect();
    want.sort();
    let mut recorded: Vec<String> = index
        .file_records()
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect();
    recorded.sort();
    assert_eq!(recorded, want);
    let passages = index.passage_records().unwrap();
    let mut once = passages.clone();
    once.dedup();
    assert_eq!(passages, once, "a passage recorded twice");
    assert!(passages.iter().any(|(p, _)| p.ends_with("harbour.txt")));
    let r = index.refresh(&files, &RefreshOptions::default()).unwrap();
    assert_eq!((r.added, r.updated, r.removed, r.unchanged), (0, 0, 0, 6));
}
