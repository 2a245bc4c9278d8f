//! One glob convention everywhere: source discovery (`corpus::discover`), the question
//! "is this changed path a source?" (`corpus::discover::is_under`, behind watched-file events
//! and `Checker::update_files`), `exclude` and the `notes` globs. `*` and `?` stop at `/`,
//! `**` crosses folders, a matched folder brings what it holds; and discovery lists exactly
//! the files `is_under` says yes to.

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use sourced::check::Checker;
use sourced::config::{absolute, Workspace};
use sourced::corpus::discover::{discover, is_under};
use sourced::corpus::Warning;
use std::path::{Path, PathBuf};

/// A workspace in `dir` with these files (each a sentence of its own) and this config.
fn write_workspace(dir: &Path, files: &[&str], config: &str) -> Workspace {
    for f in files {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(
            &p,
            format!("The file {f} says something of its own here.\n"),
        )
        .unwrap();
    }
    std::fs::write(dir.join("sourced.toml"), config).unwrap();
    Workspace::load(&dir.join("sourced.toml")).unwrap()
}

fn workspace(files: &[&str], config: &str) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    let ws = write_workspace(dir.path(), files, config);
    (dir, ws)
}

/// The display paths discovery lists for the workspace's sources and exclude globs.
fn listed(ws: &Workspace) -> Vec<String> {
    let (files, _) = discover(
        &ws.sources(&[]),
        &ws.root,
        &ws.exclude().unwrap(),
        Default::default(),
    );
    files.into_iter().map(|f| f.display).collect()
}

fn warnings(ws: &Workspace) -> Vec<Warning> {
    discover(
        &ws.sources(&[]),
        &ws.root,
        &ws.exclude().unwrap(),
        Default::default(),
    )
    .1
}

/// Whether `rel` (relative to the root) is a source by `is_under`.
fn under(ws: &Workspace, rel: &str) -> bool {
    let path = absolute(&ws.root.join(rel));
    is_under(&path, &ws.sources(&[]), &ws.root, &ws.exclude().unwrap())
}

/// Of `files`, those `is_under` says are sources, in order.
fn under_of(ws: &Workspace, files: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = files
        .iter()
        .filter(|f| under(ws, f))
        .map(|f| f.to_string())
        .collect();
    out.sort();
    out
}

fn indexed(checker: &Checker) -> Vec<String> {
    let sources = checker.index().sources().unwrap();
    sources.into_iter().map(|s| s.path).collect()
}

#[test]
fn a_star_stops_at_a_slash_in_discovery_is_under_and_update_files() {
    let (_dir, ws) = workspace(
        &["src/x.txt", "src/sub/y.txt"],
        "sources = [\"src/*.txt\"]\n",
    );
    let root = ws.root.clone();
    assert_eq!(listed(&ws), ["src/x.txt"]);
    assert!(under(&ws, "src/x.txt"));
    assert!(!under(&ws, "src/sub/y.txt"));

    let (checker, report) = Checker::open(ws, &[]).unwrap();
    assert_eq!(report.warnings, []);
    assert_eq!(indexed(&checker), ["src/x.txt"]);
    // A watched-file event for y.txt: not a source, so the index stays as discovery sees it.
    checker.update_files(&[root.join("src/sub/y.txt")]).unwrap();
    assert_eq!(indexed(&checker), ["src/x.txt"]);
    // x.txt is one: its event is taken.
    std::fs::remove_file(root.join("src/x.txt")).unwrap();
    checker.update_files(&[root.join("src/x.txt")]).unwrap();
    assert_eq!(indexed(&checker), Vec::<String>::new());
}

#[test]
fn double_star_crosses_folders_and_a_matched_folder_brings_its_files() {
    let files = [
        "src/x.txt",
        "src/sub/y.txt",
        "src/sub/deep/z.md",
        "src/w.html",
    ];
    let (dir, ws) = workspace(&files, "sources = [\"src/**/*.txt\"]\n");
    assert_eq!(listed(&ws), ["src/sub/y.txt", "src/x.txt"]);
    assert_eq!(under_of(&ws, &files), ["src/sub/y.txt", "src/x.txt"]);

    // `src/*` matches the folder src/sub, which brings everything in it (as in .gitignore).
    let ws = write_workspace(dir.path(), &[], "sources = [\"src/*\"]\n");
    let all = [
        "src/sub/deep/z.md",
        "src/sub/y.txt",
        "src/w.html",
        "src/x.txt",
    ];
    assert_eq!(listed(&ws), all);
    assert_eq!(under_of(&ws, &files), all);
}

#[test]
fn exclude_globs_leave_out_the_same_files_in_discovery_and_is_under() {
    let files = [
        "src/a.txt",
        "src/drafts/d.txt",
        "src/drafts/deep/e.txt",
        "src/other/drafts/f.txt",
    ];
    let (dir, _) = workspace(&files, "");
    // Every one of these leaves out the folder src/drafts and all it holds.
    for exclude in ["src/drafts/*", "src/drafts/**", "src/drafts"] {
        let ws = write_workspace(
            dir.path(),
            &[],
            &format!("sources = [\"src\"]\nexclude = [{exclude:?}]\n"),
        );
        let kept = ["src/a.txt", "src/other/drafts/f.txt"];
        assert_eq!(listed(&ws), kept, "exclude {exclude}");
        assert_eq!(under_of(&ws, &files), kept, "exclude {exclude}");
    }
    // A folder name anywhere.
    let ws = write_workspace(
        dir.path(),
        &[],
        "sources = [\"src\"]\nexclude = [\"**/drafts\"]\n",
    );
    assert_eq!(listed(&ws), ["src/a.txt"]);
    assert_eq!(under_of(&ws, &files), ["src/a.txt"]);
    // `*` stops at `/`: only the files right in src/drafts.
    let ws = write_workspace(
        dir.path(),
        &[],
        "sources = [\"src\"]\nexclude = [\"src/drafts/*.txt\"]\n",
    );
    let kept = [
        "src/a.txt",
        "src/drafts/deep/e.txt",
        "src/other/drafts/f.txt",
    ];
    assert_eq!(listed(&ws), kept);
    assert_eq!(under_of(&ws, &files), kept);
}

#[test]
fn braces_and_classes_work_in_discovery_and_is_under() {
    let files = [
        "src/a.txt",
        "src/b.txt",
        "src/c.txt",
        "src/1.txt",
        "src/sub/2.txt",
    ];
    let (dir, ws) = workspace(&files, "sources = [\"src/{a,b}.txt\"]\n");
    assert_eq!(listed(&ws), ["src/a.txt", "src/b.txt"]);
    assert_eq!(warnings(&ws), []);
    assert_eq!(under_of(&ws, &files), ["src/a.txt", "src/b.txt"]);

    let ws = write_workspace(dir.path(), &[], "sources = [\"src/[0-9].txt\"]\n");
    assert_eq!(listed(&ws), ["src/1.txt"]);
    assert_eq!(under_of(&ws, &files), ["src/1.txt"]);

    let ws = write_workspace(
        dir.path(),
        &[],
        "sources = [\"src\"]\nexclude = [\"src/{a,c}.txt\", \"**/[0-9].txt\"]\n",
    );
    assert_eq!(listed(&ws), ["src/b.txt"]);
    assert_eq!(under_of(&ws, &files), ["src/b.txt"]);
}

#[test]
fn glob_characters_in_the_workspace_path_are_not_glob_syntax() {
    let dir = tempfile::Builder::new()
        .prefix("ws[1]{a,b}")
        .tempdir()
        .unwrap();
    let files = ["src/x.txt", "src/sub/y.txt"];
    let ws = write_workspace(dir.path(), &files, "sources = [\"src/*.txt\"]\n");
    assert_eq!(listed(&ws), ["src/x.txt"]);
    assert_eq!(under_of(&ws, &files), ["src/x.txt"]);
}

#[test]
fn hidden_names_below_a_source_folder_are_no_sources_for_either() {
    let files = ["src/x.txt", "src/.hidden.txt", "src/.cache/y.txt"];
    let (dir, ws) = workspace(&files, "sources = [\"src\"]\n");
    assert_eq!(listed(&ws), ["src/x.txt"]);
    assert_eq!(under_of(&ws, &files), ["src/x.txt"]);
    let ws = write_workspace(dir.path(), &[], "sources = [\"src/**/*.txt\"]\n");
    assert_eq!(listed(&ws), ["src/x.txt"]);
    assert_eq!(under_of(&ws, &files), ["src/x.txt"]);
}

#[test]
fn a_bad_glob_or_a_missing_base_folder_is_a_warning() {
    let (dir, ws) = workspace(&["src/x.txt"], "sources = [\"src/[\"]\n");
    assert_eq!(listed(&ws), Vec::<String>::new());
    let w = warnings(&ws);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].path, "src/[");
    assert!(w[0].message.starts_with("bad glob pattern"), "{w:?}");
    assert!(!under(&ws, "src/x.txt"));

    let ws = write_workspace(dir.path(), &[], "sources = [\"nowhere/*.txt\"]\n");
    assert_eq!(
        warnings(&ws),
        [Warning {
            path: "nowhere/*.txt".into(),
            message: "sources folder not found".into()
        }]
    );
}

#[test]
fn notes_globs_and_excluded_folders_follow_the_same_convention() {
    let files = [
        "notes/a.md",
        "notes/sub/b.md",
        "notes/drafts/c.md",
        "src/s.txt",
    ];
    let config = "sources = [\"src\"]\nnotes = [\"notes/*.md\", \"notes/sub\"]\n";
    let (dir, ws) = workspace(&files, config);
    let rel = |ws: &Workspace| -> Vec<String> {
        let found = sourced::notes::note_files(ws, &ws.sources(&[]), &[], &ws.root).unwrap();
        assert!(found.skipped.is_empty(), "{:?}", found.skipped);
        found
            .notes
            .iter()
            .map(|p| sourced::corpus::discover::display_path(p, &ws.root))
            .collect()
    };
    assert_eq!(rel(&ws), ["notes/a.md", "notes/sub/b.md"]);

    // An excluded folder leaves out its notes, as it leaves out its sources.
    let config = "sources = [\"src\"]\nnotes = [\"notes\"]\nexclude = [\"notes/drafts\"]\n";
    let ws = write_workspace(dir.path(), &[], config);
    assert_eq!(rel(&ws), ["notes/a.md", "notes/sub/b.md"]);

    let config = "sources = [\"src\"]\nnotes = [\"notes/**/*.md\"]\nexclude = [\"**/sub\"]\n";
    let ws = write_workspace(dir.path(), &[], config);
    assert_eq!(rel(&ws), ["notes/a.md", "notes/drafts/c.md"]);
}

// ---------------------------------------------------------------------------------------
// Property: for any small tree and a few specs and exclude globs, discovery lists exactly
// the files `is_under` says yes to.

const FOLDERS: [&str; 5] = ["a", "b", "sub", ".h", "1"];
const NAMES: [&str; 5] = ["x.txt", "y.md", "2.txt", ".z.txt", "a.txt"];
const SPECS: [&[&str]; 9] = [
    &["a/*.txt"],
    &["**/*.txt"],
    &["a/**"],
    &["*/x.txt"],
    &["{a,b}/*"],
    &["*/[0-9].txt", "sub"],
    &["a", "b/sub"],
    &["?/*/*.md"],
    &["*"],
];
const EXCLUDES: [&[&str]; 6] = [
    &[],
    &["a/*"],
    &["**/sub"],
    &["*/sub/**"],
    &["**/[a-b].txt", "b"],
    &["a/*.txt"],
];

/// A file path: up to three folders and a name.
fn file() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(proptest::sample::select(&FOLDERS[..]), 0..=3),
        proptest::sample::select(&NAMES[..]),
    )
        .prop_map(|(folders, name)| {
            let mut parts = folders;
            parts.push(name);
            parts.join("/")
        })
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn toml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn discovery_lists_exactly_what_is_under_says_yes_to(
        files in proptest::collection::btree_set(file(), 1..12),
        spec in 0..SPECS.len(),
        exclude in 0..EXCLUDES.len(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let config = format!(
            "sources = {}\nexclude = {}\n",
            toml_list(SPECS[spec]),
            toml_list(EXCLUDES[exclude])
        );
        let ws = write_workspace(dir.path(), &files, &config);
        let root: PathBuf = ws.root.clone();
        let found = listed(&ws);
        prop_assert_eq!(&found, &under_of(&ws, &files), "config {}", config);
        prop_assert!(found.iter().all(|f| root.join(f).is_file()));
    }
}
