//! The persistent index: incremental refresh, damage and version recovery, two processes.

// Each includer of the sharded retriever uses part of it.
#[allow(dead_code)]
#[path = "../benches/corpus/sharded.rs"]
mod sharded;

use sourced::corpus::{discover, SourceFile};
use sourced::index::{RefreshOptions, SourceIndex};
use std::path::Path;

fn files(root: &Path) -> Vec<SourceFile> {
    let (files, warnings) = discover(
        &["src".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    files
}

fn write(root: &Path, name: &str, text: &str) {
    let p = root.join("src").join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn refresh_touches_only_added_changed_and_removed_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "a.txt",
        "Alpha text about the harbour and its many boats.",
    );
    write(
        root,
        "b.md",
        "# Bravo\n\nBravo text about the mountain pass in winter.",
    );
    let cache = root.join(".sourced");
    let opts = RefreshOptions::default();
    let (index, messages) = SourceIndex::open(&cache).unwrap();
    assert!(messages.is_empty());
    let r = index.refresh(&files(root), &opts).unwrap();
    assert_eq!(
        (r.added, r.updated, r.removed, r.unchanged, r.sources),
        (2, 0, 0, 0, 2)
    );

    let r = index.refresh(&files(root), &opts).unwrap();
    assert_eq!(
        (r.added, r.updated, r.removed, r.unchanged, r.bytes_indexed),
        (0, 0, 0, 2, 0)
    );

    // Change one file (different size, so the change is seen even with a coarse mtime).
    write(
        root,
        "a.txt",
        "Alpha text about the harbour and its many fishing boats.",
    );
    write(root, "c.txt", "Charlie text.");
    std::fs::remove_file(root.join("src/b.md")).unwrap();
    let r = index.refresh(&files(root), &opts).unwrap();
    assert_eq!(
        (r.added, r.updated, r.removed, r.unchanged, r.sources),
        (1, 1, 1, 0, 2)
    );
    let a_len = std::fs::metadata(root.join("src/a.txt")).unwrap().len();
    let c_len = std::fs::metadata(root.join("src/c.txt")).unwrap().len();
    assert_eq!(r.bytes_indexed, a_len + c_len);
    assert_eq!(index.resolve_key("b").unwrap(), Vec::<String>::new());
    assert_eq!(index.resolve_key("a").unwrap(), ["src/a.txt"]);

    // Reopening finds everything in place without re-indexing.
    drop(index);
    let (index, _) = SourceIndex::open(&cache).unwrap();
    let r = index.refresh(&files(root), &opts).unwrap();
    assert_eq!((r.added, r.unchanged), (0, 2));
}

#[test]
fn update_reindexes_exactly_the_named_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Alpha.");
    write(root, "b.txt", "Bravo.");
    let (index, _) = SourceIndex::open(&root.join(".sourced")).unwrap();
    index
        .refresh(&files(root), &RefreshOptions::default())
        .unwrap();
    write(root, "b.txt", "Bravo, changed.");
    let b = files(root)
        .into_iter()
        .find(|f| f.display == "src/b.txt")
        .unwrap();
    let r = index
        .update(&[b], &["src/a.txt".into()], &RefreshOptions::default())
        .unwrap();
    assert_eq!((r.added, r.updated, r.removed, r.sources), (0, 1, 1, 1));
    assert_eq!(r.bytes_indexed, "Bravo, changed.".len() as u64);
}

/// A workspace with one indexed source, the index closed: (workspace, cache, index folder).
fn indexed_one_file() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "Alpha text about the harbour.");
    let cache = dir.path().join(".sourced");
    let (index, _) = SourceIndex::open(&cache).unwrap();
    index
        .refresh(&files(dir.path()), &RefreshOptions::default())
        .unwrap();
    let index_dir = index.dir().to_path_buf();
    (dir, cache, index_dir)
}

#[test]
fn a_damaged_index_is_rebuilt_with_a_message() {
    let (dir, cache, index_dir) = indexed_one_file();
    let root = dir.path();
    std::fs::write(index_dir.join("meta.json"), "{ not json").unwrap();
    let (index, messages) = SourceIndex::open(&cache).unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("damaged") && m.contains("rebuilding")),
        "{messages:?}"
    );
    let r = index
        .refresh(&files(root), &RefreshOptions::default())
        .unwrap();
    assert_eq!(r.added, 1);
}

#[test]
fn a_missing_segment_file_is_detected_and_rebuilt() {
    let (dir, cache, index_dir) = indexed_one_file();
    let root = dir.path();
    for e in std::fs::read_dir(&index_dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "idx" || x == "fast") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let (index, messages) = SourceIndex::open(&cache).unwrap();
    assert!(
        messages.iter().any(|m| m.contains("damaged")),
        "{messages:?}"
    );
    assert_eq!(
        index
            .refresh(&files(root), &RefreshOptions::default())
            .unwrap()
            .added,
        1
    );
}

#[test]
fn an_index_from_another_version_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(".sourced");
    std::fs::create_dir_all(cache.join("index-v0")).unwrap();
    std::fs::write(cache.join("index-v0/meta.json"), "{}").unwrap();
    let (_index, messages) = SourceIndex::open(&cache).unwrap();
    assert!(
        messages.iter().any(|m| m.contains("another version")),
        "{messages:?}"
    );
    assert!(!cache.join("index-v0").exists());
    assert!(cache.join(".gitignore").exists());
}

#[test]
fn two_processes_share_one_index_without_hanging_or_corrupting_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..60 {
        let body: String = (0..400)
            .map(|w| format!("word{} ", (w * 7 + i) % 97))
            .collect();
        write(
            root,
            &format!("f{i:03}.txt"),
            &format!("Title {i}\n\nUnique sentence number {i} is here. {body}"),
        );
    }
    std::fs::write(root.join("sourced.toml"), "sources = [\"src\"]\n").unwrap();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
            .arg("index")
            .current_dir(root)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let (index, messages) = SourceIndex::open(&root.join(".sourced")).unwrap();
    assert!(messages.is_empty(), "{messages:?}");
    let r = index
        .refresh(&files(root), &RefreshOptions::default())
        .unwrap();
    assert_eq!((r.added, r.unchanged, r.sources), (0, 60, 60));
}

/// The seeds split between `n` shards, each its own index in `cache/shard-k`.
fn seed_shards(cache: &Path, n: usize) -> sharded::Sharded<SourceIndex> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (files, _) = discover(
        &["seeds".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    let parts = sharded::partition(&files, n);
    assert!(
        parts.iter().filter(|p| !p.is_empty()).count() > 1,
        "the seeds should land in more than one shard"
    );
    sharded::Sharded::local(cache, &files, n, &RefreshOptions::default()).unwrap()
}

#[test]
fn sharded_indexes_give_the_same_verdicts_as_one_index() {
    use sourced::check::check_quotes;
    use sourced::quotes::extract;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (one, _) = discover(
        &["seeds".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    let single_dir = tempfile::tempdir().unwrap();
    let (single, _) = SourceIndex::open(single_dir.path()).unwrap();
    single.refresh(&one, &RefreshOptions::default()).unwrap();
    let shard_dir = tempfile::tempdir().unwrap();
    let sharded = seed_shards(shard_dir.path(), 3);
    let options = sourced::quotes::matcher::MatchOptions::default();
    let mut statuses = std::collections::BTreeSet::new();
    let mut compared = 0;
    for note in ["examples/notes.md", "tests/fixtures/editor-note.md"] {
        let path = root.join(note);
        let text = std::fs::read_to_string(&path).unwrap();
        let quotes = || extract::scan(&text, 5).quotes;
        let a = check_quotes(&single, root, &path, quotes(), &options).unwrap();
        let b = check_quotes(&sharded, root, &path, quotes(), &options).unwrap();
        compared += a.len();
        for (a, b) in a.iter().zip(&b) {
            statuses.insert(a.verdict.status.as_str());
            let best = |r: &sourced::check::QuoteResult| {
                r.verdict
                    .best
                    .as_ref()
                    .map(|m| (m.path.clone(), m.range.clone()))
            };
            assert_eq!(a.verdict.status, b.verdict.status, "{:?}", a.quote.text);
            assert_eq!(best(a), best(b), "{:?}", a.quote.text);
            assert_eq!(a.verdict.cited_paths, b.verdict.cited_paths);
        }
    }
    // The notes exercise every verdict, or the comparison proves little.
    assert!(compared >= 10, "{compared} quotes");
    for s in ["verified", "mismatch", "misattributed", "not-found"] {
        assert!(
            statuses.contains(s),
            "no {s} quote in the notes: {statuses:?}"
        );
    }
}

#[test]
fn counts_stay_right_through_updates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in ["a.txt", "b.txt", "c.txt"] {
        write(
            root,
            name,
            &format!("The text of {name} with enough words in it."),
        );
    }
    let cache = tempfile::tempdir().unwrap();
    let (index, _) = SourceIndex::open(cache.path()).unwrap();
    let opts = RefreshOptions::default();
    index.refresh(&files(root), &opts).unwrap();
    assert_eq!(index.counts(), (3, 0));
    let file =
        |name: &str| discover::source_file(&root.join("src").join(name), root, true).unwrap();

    write(root, "a.txt", "Changed text of a with enough words in it.");
    write(root, "d.txt", "A new file d with enough words in it.");
    let r = index
        .update(&[file("a.txt"), file("d.txt")], &[], &opts)
        .unwrap();
    assert_eq!((r.sources, index.counts()), (4, (4, 0)));

    std::fs::remove_file(root.join("src/b.txt")).unwrap();
    // A file that turns binary is recorded as skipped.
    std::fs::write(root.join("src/c.txt"), b"\0\x01\x02binary\0").unwrap();
    let r = index
        .update(&[file("c.txt")], &["src/b.txt".to_string()], &opts)
        .unwrap();
    assert_eq!((r.sources, index.counts()), (2, (2, 1)));
    // The same as counting every record of the index opened afresh.
    drop(index);
    let (again, _) = SourceIndex::open(cache.path()).unwrap();
    assert_eq!(again.counts(), (2, 1));
}

/// Each path's file records, sorted, duplicates kept; and each passage (path, ord), sorted,
/// duplicates kept: what the index records, as it is.
fn recorded(index: &SourceIndex) -> (Vec<String>, Vec<(String, u64)>) {
    let mut paths: Vec<String> = index
        .file_records()
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect();
    paths.sort();
    (paths, index.passage_records().unwrap())
}

/// Every path in `want` has exactly one file record, no other path has any, and each
/// passage of each path is recorded once, numbered from 0 without a gap.
fn assert_recorded_once(index: &SourceIndex, want: &[&str]) {
    let (paths, passages) = recorded(index);
    assert_eq!(paths, want, "file records");
    for path in want {
        let ords: Vec<u64> = passages
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, o)| *o)
            .collect();
        let once: Vec<u64> = (0..ords.len() as u64).collect();
        assert_eq!(ords, once, "passages of {path}");
    }
    assert!(
        passages.iter().all(|(p, _)| want.contains(&p.as_str())),
        "{passages:?}"
    );
}

/// Two words per passage's worth of text: enough that a source has several passages.
fn long_text(name: &str, version: usize) -> String {
    (0..250)
        .map(|i| format!("{name}{version}word{i} "))
        .collect()
}

#[test]
fn a_handle_with_an_old_view_never_records_a_source_twice() {
    // Two handles on one index folder, as the CLI and the language server have: each reads
    // the index as of its own last write, and B writes after A without reading in between.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", &long_text("a", 0));
    let cache = root.join(".sourced");
    let opts = RefreshOptions::default();
    let (a, _) = SourceIndex::open(&cache).unwrap();
    let (b, _) = SourceIndex::open(&cache).unwrap();
    a.refresh(&files(root), &opts).unwrap();
    let file =
        |name: &str| discover::source_file(&root.join("src").join(name), root, true).unwrap();

    // A adds x.txt; B, told of the same new file, still reads an index without it.
    write(root, "x.txt", &long_text("x", 0));
    a.update(&[file("x.txt")], &[], &opts).unwrap();
    let r = b.update(&[file("x.txt")], &[], &opts).unwrap();
    assert_recorded_once(&b, &["src/a.txt", "src/x.txt"]);
    assert_eq!((r.added, r.updated), (0, 1), "B updates what A added");

    // A changes x.txt and adds y.txt; B, still reading x.txt's first version, updates both.
    write(root, "x.txt", &long_text("x", 1));
    write(root, "y.txt", &long_text("y", 0));
    a.update(&[file("x.txt"), file("y.txt")], &[], &opts)
        .unwrap();
    b.update(&[file("x.txt"), file("y.txt")], &[], &opts)
        .unwrap();
    assert_recorded_once(&b, &["src/a.txt", "src/x.txt", "src/y.txt"]);

    // The mirror case: A adds z.txt, which is then deleted; B, which never read z.txt, is
    // told of the removal and removes it.
    write(root, "z.txt", &long_text("z", 0));
    a.update(&[file("z.txt")], &[], &opts).unwrap();
    std::fs::remove_file(root.join("src/z.txt")).unwrap();
    let r = b.update(&[], &["src/z.txt".into()], &opts).unwrap();
    assert_recorded_once(&b, &["src/a.txt", "src/x.txt", "src/y.txt"]);
    assert_eq!(r.removed, 1, "B removes what A added");

    // And refreshes: A adds w.txt and changes a.txt; B refreshes with the same files.
    write(root, "w.txt", &long_text("w", 0));
    write(root, "a.txt", &long_text("a", 1));
    a.refresh(&files(root), &opts).unwrap();
    let r = b.refresh(&files(root), &opts).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 4));
    let all = ["src/a.txt", "src/w.txt", "src/x.txt", "src/y.txt"];
    assert_recorded_once(&b, &all);
    // Each handle's view, and a new one's, are the same.
    a.refresh(&files(root), &opts).unwrap();
    assert_recorded_once(&a, &all);
    let (fresh, _) = SourceIndex::open(&cache).unwrap();
    assert_recorded_once(&fresh, &all);
    // The text is the last version's: y's and a's second, x's second.
    let hits = |word: &str| {
        sourced::quotes::matcher::check(
            &fresh,
            word,
            &sourced::quotes::matcher::Cited::None,
            &Default::default(),
        )
        .unwrap()
        .status
    };
    use sourced::quotes::verdict::Status;
    assert_eq!(
        hits("a1word10 a1word11 a1word12 a1word13"),
        Status::Verified
    );
    assert_eq!(
        hits("x1word10 x1word11 x1word12 x1word13"),
        Status::Verified
    );
    assert_eq!(
        hits("x0word10 x0word11 x0word12 x0word13"),
        Status::NotFound
    );
}

#[test]
fn a_source_with_thousands_of_passages_keeps_its_record_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // 3,000 passages of one path, and a small source.
    let big: String = (0..300_000).map(|i| format!("w{} ", i % 1000)).collect();
    write(
        root,
        "big.md",
        &format!("---\nid: bigid\ntitle: The big one\n---\n{big}"),
    );
    write(root, "small.txt", "A small source.");
    let (index, _) = SourceIndex::open(&root.join(".sourced")).unwrap();
    index
        .refresh(&files(root), &RefreshOptions::default())
        .unwrap();
    let info = index.source_info("src/big.md").unwrap().unwrap();
    assert_eq!(info.keys, ["big", "bigid"]);
    assert_eq!(info.meta.title.as_deref(), Some("The big one"));
    assert_eq!(index.resolve_key("bigid").unwrap(), ["src/big.md"]);
    let (paths, passages) = recorded(&index);
    assert_eq!(paths, ["src/big.md", "src/small.txt"]);
    assert!(passages.iter().filter(|(p, _)| p == "src/big.md").count() >= 3000);
}

#[test]
fn an_index_is_complete_once_a_refresh_has_indexed_every_source() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Alpha.");
    write(root, "b.txt", "Bravo.");
    let cache = root.join(".sourced");
    let (index, _) = SourceIndex::open(&cache).unwrap();
    assert!(!index.is_complete());
    let opts = RefreshOptions::default();
    // Files indexed one by one (the language server's saves) before any full refresh: some
    // sources may be missing.
    let a = discover::source_file(&root.join("src/a.txt"), root, true).unwrap();
    let r = index.update(&[a], &[], &opts).unwrap();
    assert!(!r.complete && !index.is_complete());
    let r = index.refresh(&files(root), &opts).unwrap();
    assert!(r.complete && index.is_complete());
    // It stays complete through updates, and another handle sees it so.
    write(root, "c.txt", "Charlie.");
    let c = discover::source_file(&root.join("src/c.txt"), root, true).unwrap();
    assert!(index.update(&[c], &[], &opts).unwrap().complete);
    let (again, _) = SourceIndex::open(&cache).unwrap();
    assert!(again.is_complete());
    assert_recorded_once(&again, &["src/a.txt", "src/b.txt", "src/c.txt"]);
}
