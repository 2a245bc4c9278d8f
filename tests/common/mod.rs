//! Shared helpers for the integration tests: a checker over the seeds with its index in a
//! temporary folder.
#![allow(dead_code)]

use sourced::check::{Checker, QuoteResult};
use sourced::config::{Config, Workspace};
use sourced::quotes::verdict::Status;
use std::path::{Path, PathBuf};

pub mod cluster;
pub mod http;
pub mod pdf;
pub mod rendition;
pub mod speaker_set;
pub mod trace;
pub mod warc;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A workspace in a temp folder: the seeds in `seeds/`, the sample note in
/// `examples/notes.md`, and a `sourced.toml` naming `seeds`.
pub fn sample_workspace() -> tempfile::TempDir {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("seeds")).unwrap();
    std::fs::create_dir_all(dir.path().join("examples")).unwrap();
    for e in std::fs::read_dir(repo.join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("seeds").join(e.file_name())).unwrap();
    }
    std::fs::copy(
        repo.join("examples/notes.md"),
        dir.path().join("examples/notes.md"),
    )
    .unwrap();
    std::fs::write(dir.path().join("sourced.toml"), "sources = [\"seeds\"]\n").unwrap();
    dir
}

/// `sourced ARGS` run in `dir` (colours off), to its end.
pub fn sourced(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A checker over `sources` (relative to `root`), index in a fresh temp folder.
pub fn checker_at(root: &Path, sources: &[&str]) -> (Checker, tempfile::TempDir) {
    let cache = tempfile::tempdir().unwrap();
    let ws = Workspace {
        root: root.to_path_buf(),
        file: None,
        config: Config {
            sources: sources.iter().map(|s| s.to_string()).collect(),
            index_dir: Some(cache.path().to_string_lossy().into_owned()),
            ..Config::default()
        },
    };
    let (checker, _) = Checker::open(ws, &[]).unwrap();
    (checker, cache)
}

/// A checker over the five seed articles.
pub fn seeds() -> (Checker, tempfile::TempDir) {
    checker_at(&repo(), &["seeds"])
}

/// Check a note given as text (its path is the repo's `examples/` folder).
pub fn check(checker: &Checker, note: &str) -> Vec<QuoteResult> {
    checker
        .check_note(&repo().join("examples/test-note.md"), note)
        .unwrap()
}

/// Check a note holding exactly one quote and return its result.
pub fn one(checker: &Checker, note: &str) -> QuoteResult {
    let mut r = check(checker, note);
    assert_eq!(r.len(), 1, "expected one quote in {note:?}, got {r:#?}");
    r.remove(0)
}

pub fn status(checker: &Checker, note: &str) -> Status {
    one(checker, note).verdict.status
}

/// The bytes of a source file that a verdict points at.
pub fn source_bytes(r: &QuoteResult) -> String {
    let m = r.verdict.best.as_ref().expect("a source match");
    let text = std::fs::read_to_string(repo().join(&m.path)).unwrap();
    text[m.range.clone()].to_string()
}
