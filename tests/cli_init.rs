//! A start without configuration on the command line: `sourced check` in a folder with no
//! sources says so and gives no verdict; `sourced init` writes a `sourced.toml` that names
//! the folder of source documents, never over an existing one, and `check` then works.

mod common;

use common::sourced;
use sourced::config::{Workspace, FILE_NAME};
use std::path::Path;

/// A verified quotation (from seeds/000_3ed32749fd57da32.txt) and a fabricated one.
const NOTE: &str = "# Notes\n\n“The US carried out airstrikes on Thursday” they said.\n\n\
                    Then: “The Martian ambassador praised the excellent cheese of the lunar republic”.\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// sources/ with three seed articles, notes/ with two notes, node_modules/ with a text file.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for seed in [
        "000_3ed32749fd57da32.txt",
        "001_b9529bda20c132ef.txt",
        "002_d0918e3d7f8dfafe.txt",
    ] {
        let text = std::fs::read_to_string(repo.join("seeds").join(seed)).unwrap();
        write(dir.path(), &format!("sources/{seed}"), &text);
    }
    write(dir.path(), "notes/a.md", NOTE);
    write(dir.path(), "notes/b.md", "# B\n\nNo quotation here.\n");
    write(dir.path(), "node_modules/pkg/license.txt", "MIT\n");
    write(dir.path(), "node_modules/pkg/more.txt", "x\n");
    write(dir.path(), "node_modules/pkg/again.txt", "x\n");
    write(dir.path(), "node_modules/pkg/four.txt", "x\n");
    dir
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_without_sources_exits_2_with_no_verdict_and_names_sourced_init() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "note.md", NOTE);
    let out = sourced(dir.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no sources configured") && err.contains("sourced init"),
        "{err}"
    );
    assert!(err.contains("--sources DIR"), "{err}");
    // The default folder's absence is "no sources", not a problem with a file.
    assert!(!err.contains("sources folder not found"), "{err}");
    assert!(out.stdout.is_empty(), "no verdict: {:?}", out.stdout);
}

#[test]
fn init_names_the_folder_of_sources_and_check_then_works() {
    let dir = tree();
    let root = dir.path();
    let out = sourced(root, &["init"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("found 3 source files in sources"), "{err}");
    assert!(!err.contains("node_modules"), "{err}");
    let file = root.join(FILE_NAME);
    let ws = Workspace::load(&file).unwrap();
    assert_eq!(ws.config.sources, ["sources"]);
    assert!(ws.config.notes.is_empty() && ws.config.exclude.is_empty());
    // Every other setting is there, commented out.
    let text = std::fs::read_to_string(&file).unwrap();
    for key in [
        "# min_words = 4",
        "# index_dir = \".sourced\"",
        "# [[speaker]]",
    ] {
        assert!(text.contains(key), "{key} missing:\n{text}");
    }

    let check = sourced(root, &["check", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let statuses: Vec<(&str, &str)> = report["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["file"].as_str().unwrap(), q["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [("notes/a.md", "verified"), ("notes/a.md", "not-found")]
    );
}

#[test]
fn init_never_overwrites_an_existing_sourced_toml() {
    let dir = tree();
    let file = dir.path().join(FILE_NAME);
    std::fs::write(&file, "sources = [\"mine\"]\n").unwrap();
    // From elsewhere, naming the folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = sourced(elsewhere.path(), &["init", dir.path().to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "sources = [\"mine\"]\n"
    );
    assert!(!elsewhere.path().join(FILE_NAME).exists());
}

#[test]
fn init_with_nothing_found_writes_the_sources_folder_to_fill() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "note.md", NOTE);
    let out = sourced(dir.path(), &["init"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("found no folder of source documents"), "{err}");
    let ws = Workspace::load(&dir.path().join(FILE_NAME)).unwrap();
    assert_eq!(ws.config.sources, ["sources"]);
    let missing = sourced(dir.path(), &["init", "no/such/folder"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no such folder"));
}
