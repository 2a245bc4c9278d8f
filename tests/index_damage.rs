//! A damaged index: truncated segment files (each kind), a deleted or empty `meta.json`,
//! stale lock files and a process killed while indexing, an index of another schema in the
//! current version's folder, an older version's real index, and a file where the index
//! folder should be. Each is detected and rebuilt (with a message) or simply works; nothing
//! crashes, nothing hangs, and afterwards every source is found.
//! (tests/index.rs covers a corrupt meta.json, deleted segment files and an old version's
//! folder.)

use sourced::corpus::{discover, SourceFile};
use sourced::index::{schema, RefreshOptions, SourceIndex};
use sourced::quotes::matcher::{self, Cited, MatchOptions};
use sourced::quotes::verdict::Status;
use std::path::{Path, PathBuf};

const N: usize = 12;

fn sentence(i: usize) -> String {
    format!("The committee number {i} approved the harbour budget on a rainy Tuesday.")
}

/// A workspace with `N` sources under `src/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    for i in 0..N {
        std::fs::write(
            dir.path().join(format!("src/s{i:02}.md")),
            format!("# Source {i}\n\n{} Other words follow here.\n", sentence(i)),
        )
        .unwrap();
    }
    dir
}

fn files(root: &Path) -> Vec<SourceFile> {
    discover(
        &["src".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    )
    .0
}

/// Build the index and close it; the index folder.
fn build(root: &Path) -> PathBuf {
    let (index, _) = SourceIndex::open(&root.join(".sourced")).unwrap();
    let r = index
        .refresh(&files(root), &RefreshOptions::default())
        .unwrap();
    assert_eq!(r.sources, N);
    index.dir().to_path_buf()
}

/// Open again, refresh, and check that every source is found; the open messages.
fn reopen_and_search(root: &Path) -> Vec<String> {
    let (index, messages) = SourceIndex::open(&root.join(".sourced")).unwrap();
    let r = index
        .refresh(&files(root), &RefreshOptions::default())
        .unwrap();
    assert!(r.stale.is_none(), "{:?}", r.stale);
    assert_eq!(r.sources, N, "{r:?}");
    for i in 0..N {
        let v =
            matcher::check(&index, &sentence(i), &Cited::None, &MatchOptions::default()).unwrap();
        assert_eq!(v.status, Status::Verified, "source {i} after {messages:?}");
        assert_eq!(v.best.unwrap().path, format!("src/s{i:02}.md"));
    }
    messages
}

fn damaged(messages: &[String]) -> bool {
    messages
        .iter()
        .any(|m| m.contains("damaged") && m.contains("rebuilding"))
}

#[test]
fn a_truncated_segment_file_of_any_kind_is_detected_and_rebuilt() {
    let ws = workspace();
    let dir = build(ws.path());
    let mut kinds: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let ext = p.extension()?.to_str()?.to_string();
            (p.file_stem()?.len() == 32).then_some(ext)
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    for must in ["idx", "pos", "store", "term", "fast", "fieldnorm"] {
        assert!(kinds.iter().any(|k| k == must), "{must} in {kinds:?}");
    }
    for kind in &kinds {
        let ws = workspace();
        let dir = build(ws.path());
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == kind.as_str()) {
                let len = std::fs::metadata(&p).unwrap().len();
                let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
                f.set_len(len / 2).unwrap();
            }
        }
        let messages = reopen_and_search(ws.path());
        assert!(damaged(&messages), ".{kind} truncated: {messages:?}");
        assert!(
            reopen_and_search(ws.path()).is_empty(),
            ".{kind}: rebuilt once"
        );
    }
}

#[test]
fn a_deleted_or_empty_meta_json_is_rebuilt() {
    let ws = workspace();
    let dir = build(ws.path());
    std::fs::remove_file(dir.join("meta.json")).unwrap();
    // No meta.json: an empty index; the refresh indexes everything again.
    reopen_and_search(ws.path());
    std::fs::write(dir.join("meta.json"), "").unwrap();
    let messages = reopen_and_search(ws.path());
    assert!(damaged(&messages), "{messages:?}");
}

#[test]
fn stale_lock_files_do_not_block() {
    let ws = workspace();
    let dir = build(ws.path());
    // Lock files left behind by a process that died: tantivy's locks are advisory locks held
    // by a living process, the files themselves mean nothing.
    for lock in [".tantivy-writer.lock", ".tantivy-meta.lock"] {
        std::fs::write(dir.join(lock), "").unwrap();
    }
    std::fs::write(ws.path().join("src/s00.md"), "# Changed\n\nNew words.\n").unwrap();
    let (index, messages) = SourceIndex::open(&ws.path().join(".sourced")).unwrap();
    assert!(messages.is_empty(), "{messages:?}");
    // A short wait for the writer: a stale lock would make this refresh stale.
    let options = RefreshOptions {
        lock_timeout: std::time::Duration::from_secs(5),
        ..Default::default()
    };
    let r = index.refresh(&files(ws.path()), &options).unwrap();
    assert!(r.stale.is_none(), "{:?}", r.stale);
    assert_eq!(r.updated, 1);
}

#[test]
fn a_process_killed_while_indexing_leaves_a_usable_index() {
    let ws = workspace();
    let root = ws.path();
    // Enough to take a while: 300 more sources.
    for i in 0..300 {
        let body: String = (0..300)
            .map(|w| format!("word{} ", (w * 7 + i) % 89))
            .collect();
        std::fs::write(
            root.join(format!("src/bulk{i:03}.md")),
            format!("# Bulk {i}\n\n{body}\n"),
        )
        .unwrap();
    }
    std::fs::write(root.join("sourced.toml"), "sources = [\"src\"]\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
        .arg("index")
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it writes segment files, before its commit (or, at worst, after it
    // finished).
    let dir = root
        .join(".sourced")
        .join(format!("index-v{}", schema::FORMAT_VERSION));
    let writing = || {
        std::fs::read_dir(&dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().file_stem().is_some_and(|s| s.len() == 32))
        })
    };
    for _ in 0..4_000 {
        if writing() || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    child.wait().unwrap();
    eprintln!(
        "the first `sourced index` was {}",
        if finished {
            "already done"
        } else {
            "killed while writing segments"
        }
    );
    // The next run opens what was left (a committed index, or none) and completes it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
        .arg("index")
        .current_dir(root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(&format!(": {} sources (", N + 300)), "{err}");
    let (index, messages) = SourceIndex::open(&root.join(".sourced")).unwrap();
    assert!(messages.is_empty(), "{messages:?}");
    let (files, _) = discover(
        &["src".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    let r = index.refresh(&files, &RefreshOptions::default()).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (0, 0, N + 300));
}

#[test]
fn an_index_of_another_schema_in_the_current_folder_is_rebuilt() {
    let ws = workspace();
    let dir = ws
        .path()
        .join(".sourced")
        .join(format!("index-v{}", schema::FORMAT_VERSION));
    std::fs::create_dir_all(&dir).unwrap();
    // What an older sourced (before the format version was bumped) or another tool left.
    let mut b = tantivy::schema::Schema::builder();
    let title = b.add_text_field("title", tantivy::schema::TEXT | tantivy::schema::STORED);
    let index = tantivy::Index::create_in_dir(&dir, b.build()).unwrap();
    let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    w.add_document(tantivy::doc!(title => "not ours")).unwrap();
    w.commit().unwrap();
    drop((w, index));
    let messages = reopen_and_search(ws.path());
    assert!(damaged(&messages), "{messages:?}");
    assert!(reopen_and_search(ws.path()).is_empty());
}

#[test]
fn an_older_versions_real_index_is_removed_and_rebuilt() {
    let ws = workspace();
    let dir = build(ws.path());
    let old = dir.with_file_name("index-v1");
    std::fs::rename(&dir, &old).unwrap();
    let messages = reopen_and_search(ws.path());
    assert!(
        messages
            .iter()
            .any(|m| m.contains("another version") && m.contains("index-v1")),
        "{messages:?}"
    );
    assert!(!old.exists());
}

#[test]
fn a_file_where_the_index_folder_should_be_is_replaced() {
    let ws = workspace();
    let dir = build(ws.path());
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, "not a folder").unwrap();
    let messages = reopen_and_search(ws.path());
    assert!(damaged(&messages), "{messages:?}");
}
