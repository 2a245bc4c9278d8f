//! A hostile source folder, as fact-checkers' folders are: binary files, a PDF renamed to
//! `.txt`, text that is not UTF-8, a 50 MB single-line export, a 1 MB single-line page,
//! empty files, symbolic link loops, a dangling link, a FIFO, an unreadable file, and files
//! deleted or rewritten while the index is being built. Indexing finishes, every bad file
//! gets exactly one warning naming it, and everything else is searchable.

use serde_json::Value;
use sourced::corpus::discover;
use sourced::index::{RefreshOptions, SourceIndex};
use sourced::quotes::matcher::{self, Cited, MatchOptions};
use sourced::quotes::verdict::Status;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The effective user id (from /proc: no libc needed).
fn euid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find(|l| l.starts_with("Uid:"))?;
    uid.split_whitespace().nth(2)?.parse().ok()
}

fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// How to run `sourced` so that a `chmod 000` file is really unreadable: as is, or, when
/// running as root (CI), as `nobody` through `setpriv`. `None` if neither works.
fn unprivileged() -> Option<Vec<String>> {
    match euid() {
        Some(0) if has("setpriv") => Some(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
            ]
            .map(String::from)
            .to_vec(),
        ),
        Some(0) | None => None,
        Some(_) => Some(Vec::new()),
    }
}

/// The binary where `nobody` can run it too (the build folder may be private to root): a
/// hard link (or a copy) in a folder of its own.
fn shared_binary() -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let exe = dir.path().join("sourced");
    let built = env!("CARGO_BIN_EXE_sourced");
    if std::fs::hard_link(built, &exe).is_err() {
        std::fs::copy(built, &exe).unwrap();
    }
    (dir, exe)
}

fn run(prefix: &[String], exe: &Path, dir: &Path, args: &[&str]) -> Output {
    let mut argv: Vec<String> = prefix.to_vec();
    argv.push(exe.to_string_lossy().into_owned());
    argv.extend(args.iter().map(|s| s.to_string()));
    Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `len` bytes of prose on one line, ending with `tail`.
fn one_line(len: usize, tail: &str) -> Vec<u8> {
    let words = [
        "the",
        "harbour",
        "council",
        "said",
        "boats",
        "of",
        "a",
        "winter",
        "storm",
        "in",
        "Basra",
        "and",
        "Mosul",
        "officials",
        "reported",
        "that",
        "ships",
        "were",
        "late",
    ];
    let mut out = Vec::with_capacity(len);
    let mut i = 7usize;
    while out.len() + tail.len() + 16 < len {
        i = i.wrapping_mul(2_654_435_761).wrapping_add(12_345) % 1_000_003;
        out.extend_from_slice(words[i % words.len()].as_bytes());
        out.push(if i.is_multiple_of(11) { b',' } else { b' ' });
        if i.is_multiple_of(17) {
            out.extend_from_slice(b". ");
        }
    }
    out.extend_from_slice(b". ");
    out.extend_from_slice(tail.as_bytes());
    out
}

const TAIL: &str = "The lighthouse keeper counted forty ships before dawn.";

struct Bad {
    path: &'static str,
    says: &'static str,
}

#[test]
fn a_hostile_corpus_is_indexed_with_one_warning_per_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let src = ws.join("sources");
    std::fs::create_dir_all(&src).unwrap();
    for seed in ["000_3ed32749fd57da32.txt", "003_0afb694efec83e04.txt"] {
        std::fs::copy(repo().join("seeds").join(seed), src.join(seed)).unwrap();
    }
    let write = |name: &str, bytes: &[u8]| std::fs::write(src.join(name), bytes).unwrap();
    let mut bad = vec![
        Bad {
            path: "sources/binary.txt",
            says: "binary file",
        },
        Bad {
            path: "sources/report.pdf.txt",
            says: "binary file",
        },
        Bad {
            path: "sources/latin1.html",
            says: "not valid UTF-8",
        },
        Bad {
            path: "sources/cp1252.md",
            says: "not valid UTF-8",
        },
        Bad {
            path: "sources/export.txt",
            says: "over the 16 MB limit",
        },
        Bad {
            path: "sources/loop",
            says: "symbolic link loop",
        },
        Bad {
            path: "sources/self.txt",
            says: "cannot follow symbolic link: Too many levels of symbolic links",
        },
        Bad {
            path: "sources/dangling.md",
            says: "broken symbolic link",
        },
    ];
    // Binary: a PNG, and a PDF saved as .txt.
    write("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00");
    write(
        "report.pdf.txt",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\x01\x02\x03\nendstream\n",
    );
    // Not UTF-8: Latin-1 and Windows-1252 text.
    write(
        "latin1.html",
        b"<html><body><p>Le caf\xe9 \xe9tait ferm\xe9.</p></body></html>",
    );
    write("cp1252.md", b"He said \x93we will leave\x94 \x96 twice.\n");
    // A 50 MB export on one line: over this workspace's 16 MB limit, skipped unread.
    std::fs::write(src.join("export.txt"), one_line(50 << 20, "end")).unwrap();
    // A saved web page of 1 MB on one line: indexed, and found at the right column.
    write("page.txt", &one_line(1 << 20, TAIL));
    // Empty and blank files: nothing to find in them, nothing to warn about.
    write("empty.txt", b"");
    write("blank.md", b"\n\n   \n\t\n");
    write("empty.html", b"");
    // Not sources: other formats and hidden files are not looked at.
    write("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00");
    write(".hidden.txt", b"\x00\x00\x00");
    // Links: a loop back to the folder, a link to itself, a link to nothing.
    std::os::unix::fs::symlink(".", src.join("loop")).unwrap();
    std::os::unix::fs::symlink("self.txt", src.join("self.txt")).unwrap();
    std::os::unix::fs::symlink("missing.md", src.join("dangling.md")).unwrap();
    // A FIFO named like a source: reading it would block for ever; it is not a file, and
    // the warning says so (someone put it there under a source's name).
    let fifo = Command::new("mkfifo")
        .arg(src.join("pipe.txt"))
        .status()
        .is_ok_and(|s| s.success());
    if fifo {
        bad.push(Bad {
            path: "sources/pipe.txt",
            says: "not a regular file (it is a FIFO)",
        });
    } else {
        eprintln!("note: mkfifo is not available: the FIFO part is skipped");
    }
    // An unreadable file (needs a user that cannot read it: not root).
    let prefix = unprivileged();
    match &prefix {
        Some(p) => {
            write("secret.txt", b"Nobody may read this.");
            std::fs::set_permissions(
                src.join("secret.txt"),
                std::os::unix::fs::PermissionsExt::from_mode(0o000),
            )
            .unwrap();
            bad.push(Bad {
                path: "sources/secret.txt",
                says: "Permission denied",
            });
            if !p.is_empty() {
                // Running as nobody: the workspace must be theirs to write the cache in.
                std::fs::set_permissions(ws, std::os::unix::fs::PermissionsExt::from_mode(0o777))
                    .unwrap();
            }
        }
        None => eprintln!(
            "note: running as root without setpriv: the unreadable-file part is skipped \
             (root reads a chmod 000 file)"
        ),
    }
    let prefix = prefix.unwrap_or_default();
    let (_bin, exe) = shared_binary();
    std::fs::write(
        ws.join("sourced.toml"),
        "sources = [\"sources\"]\nmax_file_mb = 16\n",
    )
    .unwrap();
    std::fs::write(
        ws.join("note.md"),
        format!(
            "CNN: “The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq” [@000_3ed32749fd57da32].\n\n\
             “We condemn the attacks targeting [Iraq’s] security forces,” he said [@003_0afb694efec83e04].\n\n\
             The page ends: “{}” [@page].\n",
            TAIL.trim_end_matches('.')
        ),
    )
    .unwrap();

    for round in [
        "first run (building the index)",
        "second run (from the index)",
    ] {
        let out = run(&prefix, &exe, ws, &["check", "note.md", "--format", "json"]);
        let err = String::from_utf8_lossy(&out.stderr);
        eprintln!("{round}:\n{err}");
        assert_eq!(out.status.code(), Some(0), "{round}: {err}");
        assert!(!err.contains("panic"), "{round}: {err}");
        // One warning per bad file, naming it and saying why; none for anything else.
        let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
        for b in &bad {
            let lines: Vec<&&str> = warnings
                .iter()
                .filter(|l| l.contains(&format!("warning: {}: skipped", b.path)))
                .collect();
            assert_eq!(
                lines.len(),
                1,
                "{round}: one warning for {}:\n{err}",
                b.path
            );
            assert!(lines[0].contains(b.says), "{round}: {}", lines[0]);
        }
        assert_eq!(warnings.len(), bad.len(), "{round}: {err}");
        // Everything else is searchable: all three quotations verified, the last one on the
        // first line of the one-line page, at its column.
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["summary"]["verified"], 3, "{round}: {report}");
        let page = &report["quotes"][2]["source"];
        assert_eq!(page["path"], "sources/page.txt");
        assert_eq!(page["line"], 1);
        let page_text = std::fs::read_to_string(src.join("page.txt")).unwrap();
        let column = page_text[..page_text.find(TAIL).unwrap()].chars().count() + 1;
        assert_eq!(page["column"], column);
    }
    // `sourced index` reports the same, and counts the good sources: two seeds, the page and
    // the three empty or blank files.
    let out = run(&prefix, &exe, ws, &["index"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(": 6 sources ("), "{err}");
}

/// Files change between the walk and the read: one is deleted, one rewritten, one replaced
/// by a binary file, one turned into a folder. The build finishes, each gets at most one
/// warning, and the next refresh catches up with what is on disk.
#[test]
fn files_deleted_or_rewritten_during_indexing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let src = root.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let sentence = |topic: &str| {
        format!("# {topic}\n\nThe council discussed the {topic} report at length on Monday.\n")
    };
    for topic in ["alpha", "bravo", "charlie", "delta", "echo"] {
        std::fs::write(src.join(format!("{topic}.md")), sentence(topic)).unwrap();
    }
    let (files, warnings) = discover(
        &["src".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    assert!(warnings.is_empty());
    assert_eq!(files.len(), 5);
    // While "indexing" (after the walk, before the read):
    std::fs::remove_file(src.join("alpha.md")).unwrap();
    std::fs::write(
        src.join("bravo.md"),
        "# Bravo\n\nRewritten: the harbour reopened to fishing boats in spring.\n",
    )
    .unwrap();
    std::fs::write(src.join("charlie.md"), b"\x00\x01 binary now").unwrap();
    std::fs::remove_file(src.join("delta.md")).unwrap();
    std::fs::create_dir(src.join("delta.md")).unwrap();

    let (index, _) = SourceIndex::open(&root.join(".sourced")).unwrap();
    let r = index.refresh(&files, &RefreshOptions::default()).unwrap();
    let mut named: Vec<&str> = r.warnings.iter().map(|w| w.path.as_str()).collect();
    named.sort();
    assert_eq!(
        named,
        ["src/alpha.md", "src/charlie.md", "src/delta.md"],
        "{:?}",
        r.warnings
    );
    let find = |index: &SourceIndex, text: &str| {
        matcher::check(index, text, &Cited::None, &MatchOptions::default())
            .unwrap()
            .status
    };
    assert_eq!(
        find(&index, "the harbour reopened to fishing boats in spring"),
        Status::Verified
    );
    assert_eq!(
        find(&index, "The council discussed the echo report at length"),
        Status::Verified
    );

    // The next refresh sees the files as they are now: nothing is lost or left stale.
    let (files, _) = discover(
        &["src".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    let r = index.refresh(&files, &RefreshOptions::default()).unwrap();
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings); // charlie.md, still binary
    assert_eq!(r.warnings[0].path, "src/charlie.md");
    assert_eq!(r.sources, 2, "bravo and echo");
    assert_eq!(
        find(&index, "the harbour reopened to fishing boats in spring"),
        Status::Verified
    );
    assert_ne!(
        find(&index, "The council discussed the bravo report at length"),
        Status::Verified
    );
    drop(index);
    let (_, messages) = SourceIndex::open(&root.join(".sourced")).unwrap();
    assert!(messages.is_empty(), "{messages:?}");
}

/// The 50 MB single-line file with the default limit (256 MB): indexed. Too slow for a debug
/// build; run with `cargo test --release --test hostile_corpus -- --ignored`.
#[test]
#[ignore]
fn a_50_mb_single_line_file_is_indexed_with_the_default_limit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/export.txt"), one_line(50 << 20, TAIL)).unwrap();
    let (files, _) = discover(
        &["src".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    let (index, _) = SourceIndex::open(&root.join(".sourced")).unwrap();
    let started = std::time::Instant::now();
    let r = index.refresh(&files, &RefreshOptions::default()).unwrap();
    eprintln!("50 MB on one line indexed in {:?}", started.elapsed());
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let v = matcher::check(
        &index,
        "The lighthouse keeper counted forty ships before dawn",
        &Cited::None,
        &MatchOptions::default(),
    )
    .unwrap();
    assert_eq!(v.status, Status::Verified);
}
