//! `sourced demo`: the sample workspace built into the binary, written to a folder and checked
//! there, from any current folder; it never overwrites a file.

mod common;

use std::path::Path;

const SUMMARY: &str = "12 quotes: 7 verified, 3 mismatch, 1 not found, 1 misattributed";

/// Every file of the repository's sample workspace, relative path and bytes.
fn sample_files() -> Vec<(String, Vec<u8>)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![(
        "examples/notes.md".to_string(),
        std::fs::read(repo.join("examples/notes.md")).unwrap(),
    )];
    for e in std::fs::read_dir(repo.join("seeds")).unwrap() {
        let e = e.unwrap();
        let name = format!("seeds/{}", e.file_name().to_string_lossy());
        files.push((name, std::fs::read(e.path()).unwrap()));
    }
    files
}

#[test]
fn the_demo_runs_from_any_folder_and_leaves_the_sample_workspace_where_it_says() {
    let elsewhere = tempfile::tempdir().unwrap();
    let into = elsewhere.path().join("demo");
    let out = common::sourced(
        elsewhere.path(),
        &["demo", "--into", into.to_str().unwrap()],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // The same verdicts as `sourced check examples/notes.md` from the repository's root,
    // with paths relative to the sample workspace.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains(SUMMARY), "{stdout}");
    assert!(stdout.contains("examples/notes.md:51:"), "{stdout}");
    assert!(
        stdout.contains("seeds/001_b9529bda20c132ef.txt"),
        "{stdout}"
    );
    let shown = into.canonicalize().unwrap();
    assert!(
        stderr.contains(&format!("the sample workspace is in {}", shown.display())),
        "{stderr}"
    );
    for (rel, bytes) in sample_files() {
        assert_eq!(std::fs::read(into.join(&rel)).unwrap(), bytes, "{rel}");
    }

    // Again into the same folder: the files are already there, identical; same verdicts.
    let again = common::sourced(
        elsewhere.path(),
        &["demo", "--into", into.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8(again.stdout).unwrap().contains(SUMMARY));
}

#[test]
fn without_into_the_demo_writes_a_new_folder_in_the_temporary_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
        .arg("demo")
        .current_dir(tmp.path())
        .env("TMPDIR", tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout).unwrap().contains(SUMMARY));
    let made: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(made[0].starts_with("sourced-demo-"), "{made:?}");
    assert!(tmp
        .path()
        .join(&made[0])
        .join("examples/notes.md")
        .is_file());
}

#[test]
fn the_demo_overwrites_no_file_and_writes_nothing_when_one_differs() {
    let into = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(into.path().join("examples")).unwrap();
    std::fs::write(into.path().join("examples/notes.md"), "my own notes\n").unwrap();
    let out = common::sourced(
        into.path(),
        &["demo", "--into", into.path().to_str().unwrap()],
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("already exists with other content"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(into.path().join("examples/notes.md")).unwrap(),
        "my own notes\n"
    );
    assert!(!into.path().join("seeds").exists());
}
