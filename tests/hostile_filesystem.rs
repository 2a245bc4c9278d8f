//! A hostile filesystem: links that lead the index folder or the notes out of the workspace,
//! user files in folders named like sourced's, links to `/`, `/sys` and `/proc`, walks with
//! no end (2^17 paths to one file through links), FIFOs and devices swapped in after the
//! walk, and files that lie about their size. sourced refuses what would write or read
//! outside the workspace (exit 2, "outside the workspace"), never deletes what it did not
//! create, always ends, and keeps indexing the good sources.
//!
//! Every child process runs under a deadline ([`DEADLINE`]): one that does not end is killed
//! with its whole process group and the test fails with "hung: …" (a hang detector, not a
//! speed assertion). Children that could eat memory run with an address-space limit
//! ([`LIMITED`]), so that a regression fails the test instead of taking the machine down.

mod common;
mod lsp_stdio;

use common::trace::{assert_no_write_outside, strace, strace_works, traced_lsp};
use lsp_stdio::{file_uri, sourced_lsp, StdioServer};
use serde_json::{json, Value};
use sourced::check::Checker;
use sourced::config::{Config, Workspace};
use sourced::index::schema::FORMAT_VERSION;
use sourced::quotes::verdict::Status;
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::symlink;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a child may run before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(120);

/// A prefix that runs the program after it with at most 4 GB of address space.
const LIMITED: &[&str] = &["sh", "-c", "ulimit -v 4000000 && exec \"$0\" \"$@\""];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const SEED: &str = "000_3ed32749fd57da32.txt";
const QUOTE: &str =
    "The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq";
const SECRET: &str = "The secret sentence nobody should read outside the workspace";

/// What a child did.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    /// The stderr lines that name `path`.
    fn lines_naming(&self, path: &str) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(path)).collect()
    }
}

/// Run `cmd` to its end, or kill it and its process group after [`DEADLINE`] and fail with
/// "hung: `what` …".
fn guarded(mut cmd: Command, what: &str) -> Ran {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > DEADLINE {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let Some(status) = status else {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status();
        let _ = child.kill();
        let _ = child.wait();
        let stderr = err.join().unwrap();
        let tail: String = stderr
            .lines()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        panic!(
            "hung: {what} did not end within {} s (killed); the end of its stderr:\n{tail}",
            DEADLINE.as_secs()
        );
    };
    Ran {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// `prefix… exe args…` in `dir`.
fn command(prefix: &[&str], exe: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut argv: Vec<&std::ffi::OsStr> = prefix.iter().map(|s| s.as_ref()).collect();
    argv.push(exe.as_os_str());
    argv.extend(args.iter().map(|s| std::ffi::OsStr::new(*s)));
    let mut cmd = Command::new(argv[0]);
    cmd.args(&argv[1..]).current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sourced"))
}

/// `sourced ARGS` in `dir`, guarded.
fn sourced(dir: &Path, args: &[&str]) -> Ran {
    guarded(
        command(&[], &exe(), dir, args),
        &format!("sourced {}", args.join(" ")),
    )
}

/// `sourced ARGS` in `dir`, guarded, with at most 4 GB of address space.
fn sourced_limited(dir: &Path, args: &[&str]) -> Ran {
    guarded(
        command(LIMITED, &exe(), dir, args),
        &format!("sourced {} (4 GB address space)", args.join(" ")),
    )
}

/// One entry of a file tree, as it is on disk (links not followed).
#[derive(Debug, PartialEq)]
enum Node {
    Folder,
    File(Vec<u8>),
    Link(PathBuf),
    Other,
}

/// Every entry under `root` with its bytes or link target: for "byte for byte unchanged".
fn tree(root: &Path) -> BTreeMap<PathBuf, Node> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let t = e.file_type();
            let node = if t.is_symlink() {
                Node::Link(std::fs::read_link(e.path()).unwrap())
            } else if t.is_dir() {
                Node::Folder
            } else if t.is_file() {
                Node::File(std::fs::read(e.path()).unwrap())
            } else {
                Node::Other
            };
            (e.path().to_path_buf(), node)
        })
        .collect()
}

/// The tree under `root` is what `before` says: nothing created, changed or removed.
fn assert_unchanged(root: &Path, before: &BTreeMap<PathBuf, Node>, after_what: &str) {
    let after = tree(root);
    let added: Vec<&PathBuf> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    let removed: Vec<&PathBuf> = before.keys().filter(|p| !after.contains_key(*p)).collect();
    let changed: Vec<&PathBuf> = after
        .iter()
        .filter(|(p, n)| before.get(*p).is_some_and(|b| b != *n))
        .map(|(p, _)| p)
        .collect();
    assert!(
        added.is_empty() && removed.is_empty() && changed.is_empty(),
        "{after_what} changed {}: created {added:?}, removed {removed:?}, changed {changed:?}",
        root.display()
    );
}

/// `outer/ws`, a workspace with one seed in `sources/` and `notes/note.md` quoting it; and
/// `outer/outside`, a folder next to it with a file of its own.
fn layout() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let outer = tempfile::tempdir().unwrap();
    let ws = outer.path().join("ws");
    let outside = outer.path().join("outside");
    std::fs::create_dir_all(ws.join("sources")).unwrap();
    std::fs::create_dir_all(ws.join("notes")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(
        repo().join("seeds").join(SEED),
        ws.join("sources").join(SEED),
    )
    .unwrap();
    std::fs::write(
        ws.join("notes/note.md"),
        format!("CNN: “{QUOTE}” [@000_3ed32749fd57da32].\n"),
    )
    .unwrap();
    std::fs::write(ws.join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    std::fs::write(outside.join("readme.txt"), "Someone else's folder.\n").unwrap();
    (outer, ws, outside)
}

/// The status of the first quotation of a JSON report whose text holds `needle`.
fn status_of(report: &Value, needle: &str) -> Option<String> {
    report["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap().contains(needle))
        .map(|q| q["status"].as_str().unwrap().to_string())
}

/// A sentence of its own for source `n`.
fn sentence(n: usize) -> String {
    const A: [&str; 10] = [
        "amber", "brisk", "coral", "dusty", "eager", "frosty", "gentle", "hollow", "ivory",
        "jagged",
    ];
    const B: [&str; 10] = [
        "barges", "cranes", "ferries", "gulls", "herons", "ketches", "lorries", "punts", "skiffs",
        "wagons",
    ];
    const C: [&str; 10] = [
        "Arbroath",
        "Bideford",
        "Cromer",
        "Dunbar",
        "Eyemouth",
        "Fowey",
        "Girvan",
        "Hythe",
        "Ilfracombe",
        "Jarrow",
    ];
    format!(
        "The {} {} from {} waited beside the {} quay of {}",
        A[n % 10],
        B[n / 10 % 10],
        C[n / 100 % 10],
        A[(n / 10 + 3) % 10],
        C[(n + 7) % 10]
    )
}

// 1. The index folder cannot escape the workspace through a link.

/// `sourced index` and `sourced check NOTE` refuse (exit 2, "outside the workspace") and
/// leave `outside` byte for byte as it was; under strace, nothing is written outside `ws`.
fn refuses_an_index_outside(ws: &Path, outside: &Path, variant: &str) {
    let trace = strace_works();
    let logs = tempfile::tempdir().unwrap();
    for args in [&["index"][..], &["check", "notes/note.md"]] {
        let what = format!("{variant}: sourced {}", args.join(" "));
        let before = tree(outside);
        let log = logs.path().join("run.strace");
        let ran = if trace {
            let mut cmd = strace(&log);
            cmd.arg(exe())
                .args(args)
                .current_dir(ws)
                .env("NO_COLOR", "1");
            guarded(cmd, &what)
        } else {
            sourced(ws, args)
        };
        assert_eq!(ran.code, Some(2), "{what}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("outside the workspace"),
            "{what}: {}",
            ran.stderr
        );
        assert_unchanged(outside, &before, &what);
        if trace {
            assert_no_write_outside(&log, ws);
        }
    }
}

#[test]
fn index_folder_linked_outside_is_refused() {
    let (_outer, ws, outside) = layout();
    symlink(&outside, ws.join(".sourced")).unwrap();
    refuses_an_index_outside(&ws, &outside, "(a) .sourced -> outside");
}

#[test]
fn configured_index_folder_linked_outside_is_refused() {
    let (_outer, ws, outside) = layout();
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"sources\"]\nindex_dir = \"cache\"\n",
    )
    .unwrap();
    symlink(&outside, ws.join("cache")).unwrap();
    refuses_an_index_outside(&ws, &outside, "(b) index_dir = cache, cache -> outside");
}

#[test]
fn index_version_folder_linked_outside_is_refused() {
    let (_outer, ws, outside) = layout();
    std::fs::create_dir(ws.join(".sourced")).unwrap();
    let version = format!("index-v{FORMAT_VERSION}");
    symlink(&outside, ws.join(".sourced").join(&version)).unwrap();
    refuses_an_index_outside(&ws, &outside, &format!("(c) .sourced/{version} -> outside"));
}

#[test]
fn index_folder_linked_to_a_folder_with_user_files_is_refused_and_they_survive() {
    let (_outer, ws, outside) = layout();
    std::fs::create_dir(outside.join("index-v1")).unwrap();
    std::fs::write(outside.join("index-v1/keep.txt"), "A user's file.\n").unwrap();
    symlink(&outside, ws.join(".sourced")).unwrap();
    refuses_an_index_outside(&ws, &outside, "(d) .sourced -> outside/index-v1/keep.txt");
    assert_eq!(
        std::fs::read_to_string(outside.join("index-v1/keep.txt")).unwrap(),
        "A user's file.\n"
    );
}

/// The control: `.sourced` a link to a folder inside the workspace is fine.
#[test]
fn index_folder_linked_inside_the_workspace_works() {
    let (_outer, ws, _outside) = layout();
    std::fs::create_dir(ws.join("cache-real")).unwrap();
    symlink(ws.join("cache-real"), ws.join(".sourced")).unwrap();
    let ran = sourced(&ws, &["index"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let ran = sourced(&ws, &["check", "notes/note.md", "--format", "json"]);
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    assert_eq!(status_of(&ran.json(), QUOTE).as_deref(), Some("verified"));
    assert!(ws
        .join("cache-real")
        .join(format!("index-v{FORMAT_VERSION}"))
        .is_dir());
}

/// A message from the server saying where its index stands.
fn is_settled_status(m: &Value) -> bool {
    m["method"] == "sourced/status"
        && (m["params"]["state"] == "ready" || m["params"]["state"] == "error")
}

#[test]
fn language_server_with_the_index_folder_linked_outside_creates_nothing_there() {
    let (outer, ws, outside) = layout();
    symlink(&outside, ws.join(".sourced")).unwrap();
    let before = tree(&outside);
    let trace = strace_works();
    let log = outer.path().join("lsp.strace");
    let cmd = if trace {
        traced_lsp(&log)
    } else {
        sourced_lsp()
    };
    let mut server = StdioServer::spawn(cmd, Stdio::null());
    server.initialize(&ws, json!({"sourced": {"debounceMs": 10}}));
    server.wait_for("the index ready or failed", is_settled_status);
    let uri = file_uri(&ws.join("notes/note.md"));
    let text = std::fs::read_to_string(ws.join("notes/note.md")).unwrap();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    server.request("sourced/status", Value::Null);
    assert!(server.shutdown().success());
    assert_unchanged(&outside, &before, "the language server");
    if trace {
        assert_no_write_outside(&log, &ws);
    }
}

// 2. Never delete what sourced did not create.

#[test]
fn a_user_folder_named_like_an_old_index_survives() {
    let (_outer, ws, _outside) = layout();
    let keep = ws.join(".sourced/index-v1/keep.txt");
    std::fs::create_dir_all(keep.parent().unwrap()).unwrap();
    std::fs::write(&keep, "A user's file, not an index.\n").unwrap();
    let ran = sourced(&ws, &["index"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(
        std::fs::read_to_string(&keep).ok().as_deref(),
        Some("A user's file, not an index.\n"),
        "{}",
        ran.stderr
    );
}

/// Links planted inside the index folder, where tantivy opens its lock files and sourced its
/// writer note by name: the index is rebuilt (it is sourced's, marked), and nothing is
/// created or written through the links.
#[test]
fn links_planted_in_the_index_folder_are_not_written_through() {
    let (_outer, ws, outside) = layout();
    let ran = sourced(&ws, &["index"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let index = ws.join(format!(".sourced/index-v{FORMAT_VERSION}"));
    for name in [
        ".tantivy-writer.lock",
        ".tantivy-meta.lock",
        "sourced-writer.txt",
    ] {
        let _ = std::fs::remove_file(index.join(name));
        std::os::unix::fs::symlink(outside.join(format!("planted{name}")), index.join(name))
            .unwrap();
    }
    // A changed source makes the run take the writer.
    std::fs::write(ws.join("sources/extra.txt"), format!("{}.\n", sentence(1))).unwrap();
    let before = tree(&outside);
    let trace = strace_works();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("planted.strace");
    let ran = if trace {
        let mut cmd = strace(&log);
        cmd.arg(exe())
            .args(["check", "--format", "json", "notes/note.md"]);
        cmd.current_dir(&ws).env("NO_COLOR", "1");
        guarded(cmd, "sourced check with links in the index folder")
    } else {
        sourced(&ws, &["check", "--format", "json", "notes/note.md"])
    };
    assert_unchanged(&outside, &before, "links in the index folder");
    if trace {
        assert_no_write_outside(&log, &ws);
    }
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("symbolic link in the index folder")
            && ran.stderr.contains("rebuilding"),
        "{}",
        ran.stderr
    );
    assert_eq!(status_of(&ran.json(), QUOTE).as_deref(), Some("verified"));
    for entry in std::fs::read_dir(&index).unwrap() {
        let entry = entry.unwrap();
        assert!(
            !entry.file_type().unwrap().is_symlink(),
            "{:?}",
            entry.path()
        );
    }
}

// 3. Notes found by walking stay inside the workspace.

/// `ws/notes/escape` -> `outside`, which holds `secret.md` with a quotation.
fn escaping_notes() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (outer, ws, outside) = layout();
    std::fs::write(
        outside.join("secret.md"),
        format!("# Secret\n\nHe said “{SECRET}” twice.\n"),
    )
    .unwrap();
    symlink(&outside, ws.join("notes/escape")).unwrap();
    (outer, ws, outside)
}

#[test]
fn notes_walk_does_not_follow_a_link_out_of_the_workspace() {
    let (_outer, ws, _outside) = escaping_notes();
    let ran = sourced(&ws, &["check", "--format", "json"]);
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    for leaked in ["secret.md", SECRET] {
        assert!(!ran.stdout.contains(leaked), "{leaked}: {}", ran.stdout);
    }
    assert!(
        ran.stderr.contains("outside the workspace"),
        "{}",
        ran.stderr
    );
    assert_eq!(status_of(&ran.json(), QUOTE).as_deref(), Some("verified"));

    // Named explicitly, it is checked: the user asked for it.
    let ran = sourced(
        &ws,
        &["check", "notes/escape/secret.md", "--format", "json"],
    );
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    assert!(
        status_of(&ran.json(), SECRET).is_some(),
        "the named note's quotation is checked: {}",
        ran.stdout
    );
}

#[test]
fn check_workspace_command_does_not_follow_a_link_out_of_the_workspace() {
    let (_outer, ws, _outside) = escaping_notes();
    let mut server = StdioServer::spawn(sourced_lsp(), Stdio::null());
    server.initialize(&ws, json!({"sourced": {"debounceMs": 10}}));
    server.index_ready();
    let r = server.request(
        "workspace/executeCommand",
        json!({"command": "sourced.checkWorkspace"}),
    );
    // Diagnostics are published before the command answers.
    let published: Vec<String> = server
        .log
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| m["params"]["uri"].as_str().unwrap().to_string())
        .collect();
    assert!(
        published.contains(&file_uri(&ws.join("notes/note.md"))),
        "{r} {published:?}"
    );
    assert!(
        !published.iter().any(|u| u.contains("secret.md")),
        "diagnostics for a note outside the workspace: {published:?}"
    );
    assert!(server.shutdown().success());
}

// 4. Walks end.

#[test]
fn links_to_the_root_and_pseudo_filesystems_end() {
    let (_outer, ws, _outside) = layout();
    // Named so that "sysfs" in a message can only come from what the folder is.
    symlink("/sys", ws.join("sources/kernel")).unwrap();
    symlink("/proc", ws.join("sources/processes")).unwrap();
    symlink("/", ws.join("notes/root")).unwrap();
    let ran = sourced_limited(&ws, &["check", "--format", "json"]);
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    assert_eq!(status_of(&ran.json(), QUOTE).as_deref(), Some("verified"));
    let kernel = ran.lines_naming("sources/kernel");
    assert!(
        kernel
            .iter()
            .any(|l| l.contains("sysfs") && l.contains("pseudo-filesystem")),
        "{}",
        ran.stderr
    );
    let processes = ran.lines_naming("sources/processes");
    assert!(
        processes.iter().any(|l| l.contains("pseudo-filesystem")),
        "{}",
        ran.stderr
    );
}

#[test]
fn max_walk_files_stops_the_walk() {
    let (_outer, ws, _outside) = layout();
    let many = ws.join("many");
    std::fs::create_dir(&many).unwrap();
    let mut note = String::new();
    for n in 0..200 {
        std::fs::write(many.join(format!("f{n:03}.txt")), sentence(n) + ".\n").unwrap();
        note.push_str(&format!("“{}” [@f{n:03}].\n\n", sentence(n)));
    }
    std::fs::write(ws.join("notes/many.md"), note).unwrap();
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"many\"]\nmax_walk_files = 50\n",
    )
    .unwrap();
    let ran = sourced(&ws, &["check", "notes/many.md", "--format", "json"]);
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    assert!(ran.stderr.contains("max_walk_files"), "{}", ran.stderr);
    let report = ran.json();
    let verified: Vec<&str> = report["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == "verified")
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert!(
        !verified.is_empty() && verified.len() <= 50,
        "the walk indexes some files and stops at 50: {verified:?}"
    );
}

#[test]
fn max_walk_depth_leaves_deeper_sources_out() {
    let (_outer, ws, _outside) = layout();
    let deep = ws.join("sources/d1/d2/d3/d4/d5");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("deep.txt"), sentence(1) + ".\n").unwrap();
    std::fs::write(ws.join("sources/top.txt"), sentence(2) + ".\n").unwrap();
    std::fs::write(
        ws.join("notes/depth.md"),
        format!(
            "Deep: “{}” [@deep].\n\nTop: “{}” [@top].\n",
            sentence(1),
            sentence(2)
        ),
    )
    .unwrap();
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"sources\"]\nmax_walk_depth = 3\n",
    )
    .unwrap();
    let ran = sourced(&ws, &["check", "notes/depth.md", "--format", "json"]);
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    assert!(ran.stderr.contains("max_walk_depth"), "{}", ran.stderr);
    let report = ran.json();
    assert_eq!(
        status_of(&report, &sentence(2)).as_deref(),
        Some("verified")
    );
    assert_ne!(
        status_of(&report, &sentence(1)).as_deref(),
        Some("verified"),
        "sources/d1/d2/d3/d4/d5/deep.txt is deeper than 3: {report}"
    );
}

#[test]
fn a_folder_reached_by_many_link_paths_is_walked_once() {
    let (_outer, ws, _outside) = layout();
    // chain/d0 … d17: each d_i holds links `a` and `b`, both to d_{i+1}; no loop, 2^17
    // paths to d17/deep.txt.
    let chain = ws.join("chain");
    for i in 0..18 {
        std::fs::create_dir_all(chain.join(format!("d{i}"))).unwrap();
    }
    for i in 0..17 {
        let next = chain.join(format!("d{}", i + 1));
        symlink(&next, chain.join(format!("d{i}/a"))).unwrap();
        symlink(&next, chain.join(format!("d{i}/b"))).unwrap();
    }
    std::fs::write(chain.join("d17/deep.txt"), sentence(3) + ".\n").unwrap();
    std::fs::write(ws.join("sourced.toml"), "sources = [\"chain/d0\"]\n").unwrap();
    let ran = sourced_limited(&ws, &["index"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let workspace = Workspace::load(&ws.join("sourced.toml")).unwrap();
    let (checker, _) = Checker::open_as_is(workspace, &[]).unwrap();
    let paths = checker.index().resolve_key("deep").unwrap();
    assert_eq!(
        paths.len(),
        1,
        "deep.txt is one file, to be indexed once; it is under {} paths (100 at most are \
         listed), the first: {:?}",
        paths.len(),
        &paths[..paths.len().min(3)]
    );
    assert!(paths[0].ends_with("/deep.txt"), "{paths:?}");
}

// 5. Not a regular file, whenever that is found out.

/// The child half of [`fifo_and_device_swapped_in_after_the_walk`] (which runs it under a
/// memory limit and a deadline); run directly, it runs its parent.
#[test]
#[ignore = "the child of fifo_and_device_swapped_in_after_the_walk, run by it"]
fn fifo_and_device_swapped_in_after_the_walk_child() {
    if std::env::var_os("SOURCED_HOSTILE_FS_CHILD").is_none() {
        return fifo_and_device_swapped_in_after_the_walk();
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let src = root.join("sources");
    std::fs::create_dir(&src).unwrap();
    std::fs::copy(repo().join("seeds").join(SEED), src.join(SEED)).unwrap();
    std::fs::write(src.join("pipe.txt"), sentence(4) + ".\n").unwrap();
    std::fs::write(src.join("zero.txt"), sentence(5) + ".\n").unwrap();
    let workspace = Workspace {
        root: root.to_path_buf(),
        file: None,
        config: Config {
            sources: vec!["sources".into()],
            ..Config::default()
        },
    };
    let (checker, _) = Checker::open_as_is(workspace, &[]).unwrap();
    let found = checker.discover_sources();
    let listed: Vec<&str> = found.0.iter().map(|f| f.display.as_str()).collect();
    assert!(listed.contains(&"sources/pipe.txt") && listed.contains(&"sources/zero.txt"));
    // After the walk, before the read:
    std::fs::remove_file(src.join("pipe.txt")).unwrap();
    let made = Command::new("mkfifo")
        .arg(src.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::remove_file(src.join("zero.txt")).unwrap();
    symlink("/dev/zero", src.join("zero.txt")).unwrap();

    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let report = checker.refresh_with(found);
        let _ = tx.send((checker, report));
    });
    let (checker, report) = rx
        .recv_timeout(DEADLINE * 3 / 4)
        .expect("hung: refresh_with did not return (reading a FIFO or /dev/zero?)");
    let report = report.unwrap();
    for name in ["sources/pipe.txt", "sources/zero.txt"] {
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.path == name && w.message.contains("not a regular file")),
            "{name}: {:?}",
            report.warnings
        );
    }
    let results = checker
        .check_note(&root.join("note.md"), &format!("“{QUOTE}”\n"))
        .unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].verdict.status, Status::Verified);
}

#[test]
fn fifo_and_device_swapped_in_after_the_walk() {
    let me = std::env::current_exe().unwrap();
    let mut cmd = command(
        LIMITED,
        &me,
        &repo(),
        &[
            "--exact",
            "fifo_and_device_swapped_in_after_the_walk_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ],
    );
    cmd.env("SOURCED_HOSTILE_FS_CHILD", "1");
    let ran = guarded(
        cmd,
        "refresh_with after a FIFO and /dev/zero were swapped in",
    );
    assert_eq!(
        ran.code,
        Some(0),
        "the child test failed or was killed (status {:?}):\n{}\n{}",
        ran.code,
        ran.stdout,
        ran.stderr
    );
    assert!(
        ran.stdout.contains("1 passed"),
        "the child test did not run: {}",
        ran.stdout
    );
}

#[test]
fn a_fifo_among_the_sources_at_walk_time_is_passed_over() {
    let (_outer, ws, _outside) = layout();
    let made = Command::new("mkfifo")
        .arg(ws.join("sources/pipe.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    let ran = sourced(&ws, &["index"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
}

// 6. Files that lie about their size.

/// Whether running as root, from /proc (no libc).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let uid = s.lines().find(|l| l.starts_with("Uid:"))?.to_string();
            uid.split_whitespace().nth(2).map(|u| u == "0")
        })
        .unwrap_or(false)
}

/// `sources/pagemap.txt` -> `/proc/self/pagemap` (size 0, 256 GB to read) and 40
/// `sources/zero-N.txt` -> `/dev/zero`, with `max_file_mb = 1`: `sourced index` (as
/// `as_user`, with the binary `exe`) ends, warns, and the seed is still indexed.
fn lying_files_are_cut_at_the_limit(ws: &Path, as_user: &[&str], exe: &Path, who: &str) {
    symlink("/proc/self/pagemap", ws.join("sources/pagemap.txt")).unwrap();
    for n in 0..40 {
        symlink("/dev/zero", ws.join(format!("sources/zero-{n}.txt"))).unwrap();
    }
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"sources\"]\nmax_file_mb = 1\n",
    )
    .unwrap();
    let prefix: Vec<&str> = as_user.iter().chain(LIMITED).copied().collect();
    let ran = guarded(
        command(&prefix, exe, ws, &["index"]),
        &format!("sourced index {who} (4 GB address space)"),
    );
    assert_eq!(ran.code, Some(0), "{who}: {}", ran.stderr);
    let pagemap = ran.lines_naming("sources/pagemap.txt");
    assert!(
        pagemap.iter().any(|l| l.contains("1 MB")),
        "{who}: {}",
        ran.stderr
    );
    let ran = guarded(
        command(
            &prefix,
            exe,
            ws,
            &["check", "notes/note.md", "--format", "json"],
        ),
        &format!("sourced check {who} (4 GB address space)"),
    );
    assert!(ran.code.is_some_and(|c| c <= 1), "{who}: {}", ran.stderr);
    assert_eq!(status_of(&ran.json(), QUOTE).as_deref(), Some("verified"));
}

#[test]
fn files_lying_about_their_size_are_cut_at_the_limit() {
    let (_outer, ws, _outside) = layout();
    lying_files_are_cut_at_the_limit(&ws, &[], &exe(), "as this user");
}

#[test]
fn files_lying_about_their_size_are_cut_at_the_limit_unprivileged() {
    use std::os::unix::fs::PermissionsExt;
    if !is_root() {
        eprintln!("note: not root: the test above already runs unprivileged");
        return;
    }
    const NOBODY: &[&str] = &[
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ];
    // The build folder may be private to root: a hard link (or a copy) in a folder of its own.
    let bin = tempfile::tempdir().unwrap();
    std::fs::set_permissions(bin.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let shared = bin.path().join("sourced");
    if std::fs::hard_link(exe(), &shared).is_err() {
        std::fs::copy(exe(), &shared).unwrap();
    }
    let (outer, ws, _outside) = layout();
    let can = Command::new(NOBODY[0])
        .args(&NOBODY[1..])
        .arg(&shared)
        .arg("--version")
        .current_dir("/")
        .output()
        .is_ok_and(|o| o.status.success());
    if !can {
        eprintln!("note: cannot run sourced as nobody (setpriv): the unprivileged part is skipped");
        return;
    }
    for d in [outer.path(), &ws] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    lying_files_are_cut_at_the_limit(&ws, NOBODY, &shared, "as nobody");
}

// 7. follow_links = false.

#[test]
fn follow_links_false_leaves_linked_files_and_folders_out() {
    let (_outer, ws, outside) = layout();
    std::fs::write(outside.join("linked.txt"), sentence(6) + ".\n").unwrap();
    std::fs::create_dir(outside.join("folder")).unwrap();
    std::fs::write(outside.join("folder/inner.txt"), sentence(7) + ".\n").unwrap();
    symlink(outside.join("linked.txt"), ws.join("sources/link.txt")).unwrap();
    symlink(outside.join("folder"), ws.join("sources/dir")).unwrap();
    std::fs::write(
        ws.join("notes/links.md"),
        format!(
            "Linked: “{}”.\n\nInner: “{}”.\n\nSeed: “{QUOTE}”.\n",
            sentence(6),
            sentence(7)
        ),
    )
    .unwrap();
    let check = || sourced(&ws, &["check", "notes/links.md", "--format", "json"]);

    // The default follows links: both are sources.
    let ran = check();
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    let report = ran.json();
    for s in [sentence(6), sentence(7)] {
        assert_eq!(status_of(&report, &s).as_deref(), Some("verified"), "{s}");
    }

    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"sources\"]\nfollow_links = false\n",
    )
    .unwrap();
    let ran = check();
    assert!(ran.code.is_some_and(|c| c <= 1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("follow_links = false"),
        "{}",
        ran.stderr
    );
    let report = ran.json();
    assert_eq!(status_of(&report, QUOTE).as_deref(), Some("verified"));
    for s in [sentence(6), sentence(7)] {
        assert_ne!(
            status_of(&report, &s).as_deref(),
            Some("verified"),
            "{s}: {report}"
        );
    }
}
