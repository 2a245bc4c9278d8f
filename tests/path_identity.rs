//! A source's real path is its identity (issue 16, "Lost sources"): two names that differ only
//! in bytes that are not UTF-8 are two sources, shown escaped like `ls -b` (`bad\xFF.txt`, a
//! backslash as `\\`), each read back from disk and named by a `file://` URI holding its
//! bytes (`%FF`).
#![cfg(unix)]

mod common;
mod lsp_harness;

use common::sourced;
use lsp_harness::*;
use serde_json::{json, Value};
use std::ffi::OsStr;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

const FF: &str = "The lighthouse keeper counted forty ships before the dawn came";
const FE: &str = "A quiet orchard grew behind the old stone mill by the river";
const BACKSLASH: &str = "Seven copper bells rang out across the frozen harbour that night";

/// `sources/<name>` in `ws`, for a name given as bytes.
fn source(ws: &Path, name: &[u8]) -> PathBuf {
    ws.join("sources").join(OsStr::from_bytes(name))
}

/// A workspace whose sources are `files` (name as bytes, sentence), with a note quoting every
/// sentence, uncited.
fn workspace_with(files: &[(&[u8], &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("sources")).unwrap();
    std::fs::create_dir_all(ws.join("notes")).unwrap();
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"sources\"]\nnotes = [\"notes\"]\nindex_dir = \".sourced\"\n",
    )
    .unwrap();
    let mut note = String::from("# Lost sources\n");
    for (name, sentence) in files {
        std::fs::write(
            source(ws, name),
            format!("Some words first.\n\n{sentence}, as they say.\n"),
        )
        .unwrap();
        note.push_str(&format!("\nThey wrote “{sentence}” once.\n"));
    }
    std::fs::write(ws.join("notes/n.md"), note).unwrap();
    dir
}

#[test]
fn names_differing_only_in_bytes_that_are_not_utf8_are_two_sources() {
    let ws = workspace_with(&[
        (b"bad\xff.txt", FF),
        (b"bad\xfe.txt", FE),
        (b"a\\b.txt", BACKSLASH),
    ]);
    let index = sourced(ws.path(), &["index"]);
    let err = String::from_utf8_lossy(&index.stderr);
    assert_eq!(index.status.code(), Some(0), "{err}");
    assert!(err.contains(": 3 sources (3 added,"), "{err}");

    let out = sourced(ws.path(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, &str, &str, &str)> = json["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["text"].as_str().unwrap(),
                q["status"].as_str().unwrap(),
                q["source"]["path"].as_str().unwrap_or("-"),
                q["source"]["text"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (FF, "verified", r"sources/bad\xFF.txt", FF),
            (FE, "verified", r"sources/bad\xFE.txt", FE),
            (BACKSLASH, "verified", r"sources/a\\b.txt", BACKSLASH),
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each passage is placed in its own file, read back from disk: line 3.
    for q in json["quotes"].as_array().unwrap() {
        assert_eq!(
            (&q["source"]["line"], &q["source"]["column"]),
            (&json!(3), &json!(1)),
            "{q}"
        );
    }
}

/// The bytes of the file a `file://` URI names, percent-decoded.
fn uri_bytes(uri: &str) -> Vec<u8> {
    let path = uri.strip_prefix("file://").expect("a file URI").as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < path.len() {
        if path[i] == b'%' {
            let hex = std::str::from_utf8(&path[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(path[i]);
            i += 1;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_of_a_quotation_names_the_real_file() {
    for name in [&b"bad\xff.txt"[..], b"a\\b.txt"] {
        let ws = workspace_with(&[(name, FF)]);
        let real = source(ws.path(), name);
        let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
        let note = std::fs::read_to_string(ws.path().join("notes/n.md")).unwrap();
        let uri = file_uri(&ws.path().join("notes/n.md"));
        c.open(&uri, &note).await;
        c.diagnostics(&uri, Some(1)).await;
        let d = c
            .request(
                "textDocument/definition",
                json!({"textDocument": {"uri": uri}, "position": pos(&note, "lighthouse", 0)}),
            )
            .await;
        let target = d["uri"].as_str().unwrap_or_else(|| panic!("{name:?}: {d}"));
        assert_eq!(
            PathBuf::from(std::ffi::OsString::from_vec(uri_bytes(target))),
            real,
            "{target}"
        );
        // The passage in it: line 3 (0-based 2), from its start.
        assert_eq!(
            d["range"]["start"],
            json!({"line": 2, "character": 0}),
            "{d}"
        );
        c.shutdown().await;
    }
}

/// The `file://` URI of `path`, every byte percent-encoded but the unreserved ones.
fn file_uri_of_bytes(path: &Path) -> String {
    let mut out = String::from("file://");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_file_whose_name_is_not_utf8_is_reindexed_and_removed() {
    let ws = workspace_with(&[(b"bad\xff.txt", FE)]);
    let real = source(ws.path(), b"bad\xff.txt");
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    let uri = file_uri(&ws.path().join("notes/n.md"));
    let note = format!("They wrote “{FF}” once.\n");
    c.open(&uri, &note).await;
    let codes = |diags: Vec<Value>| -> Vec<String> {
        diags
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(c.diagnostics(&uri, Some(1)).await), ["not-found"]);

    // The file now holds the passage: the watcher's event (`%FF` in its URI) re-indexes it.
    std::fs::write(&real, format!("Some words first.\n\n{FF}.\n")).unwrap();
    let watched = file_uri_of_bytes(&real);
    assert!(watched.ends_with("/sources/bad%FF.txt"), "{watched}");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": watched, "type": 2}]}),
    )
    .await;
    assert_eq!(
        codes(c.diagnostics(&uri, Some(1)).await),
        Vec::<String>::new()
    );

    // Deleted: its record goes, and with it the workspace's last source: no quotation is
    // checked, one diagnostic says there are no sources.
    std::fs::remove_file(&real).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": watched, "type": 3}]}),
    )
    .await;
    assert_eq!(codes(c.diagnostics(&uri, Some(1)).await), ["no-sources"]);
    c.shutdown().await;
}
