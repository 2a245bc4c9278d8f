//! The `sourced` binary end to end: output formats, exit codes, error messages.

mod common;

use common::sourced;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// A workspace in a temp folder: the seeds, the sample note, a sourced.toml.
fn workspace() -> tempfile::TempDir {
    common::sample_workspace()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn json_output_has_the_documented_shape() {
    let ws = workspace();
    let out = sourced(
        ws.path(),
        &["check", "examples/notes.md", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["summary"],
        serde_json::json!({"verified": 7, "mismatch": 3, "not_found": 1, "misattributed": 1, "wrong_speaker": 0, "speaker_unknown": 0, "unknown_citations": 0})
    );
    let q = &json["quotes"][0];
    let keys: Vec<&str> = q.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "text",
            "status",
            "cited",
            "citations",
            "source",
            "similarity",
            "diff",
            "findings",
            "speaker"
        ]
    );
    let s = q["source"].as_object().unwrap();
    let keys: Vec<&str> = s.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "text",
            "title",
            "author",
            "date",
            "context"
        ]
    );
    insta::assert_snapshot!("check_json", stdout(&out));
}

#[test]
fn human_output_is_compiler_style() {
    let ws = workspace();
    // A fixed width: the notes are wrapped to it.
    let out = Command::new(env!("CARGO_BIN_EXE_sourced"))
        .args(["check", "examples/notes.md"])
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains(
            "error[not-found]: quote not found in sources\n  --> examples/notes.md:51:2\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "warning[mismatch]: quote differs from “The US Is Occupying Iraq For A Second Time” \
             (95% similar)\n  --> examples/notes.md:39:19\n"
        ),
        "{text}"
    );
    assert!(text.contains("[-not-]"), "{text}");
    assert!(text.contains("[-2,500-]{+5,000+}"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
    assert!(
        text.ends_with("\n\n12 quotes: 7 verified, 3 mismatch, 1 not found, 1 misattributed\n"),
        "{text}"
    );
    insta::assert_snapshot!("check_human", text);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let ws = workspace();
    let out = sourced(
        ws.path(),
        &["check", "examples/notes.md", "--format", "sarif"],
    );
    let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "sourced");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        5,
        "one result per quote that is not verified"
    );
    for r in results {
        assert!(rules.contains(&r["ruleId"].as_str().unwrap()));
        assert!(["error", "warning"].contains(&r["level"].as_str().unwrap()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "examples/notes.md");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(r["message"]["text"].as_str().unwrap().len() > 10);
    }
}

#[test]
fn github_output_is_workflow_annotations() {
    let ws = workspace();
    let out = sourced(
        ws.path(),
        &["check", "examples/notes.md", "--format", "github"],
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=examples/notes.md,line=51,col=2,")),
        "{text}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::warning ")).count(),
        4
    );
}

#[test]
fn exit_codes_say_verified_or_not_and_errors_are_two() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("ok.md"),
        "“The US carried out airstrikes on Thursday” they said.\n",
    )
    .unwrap();
    assert_eq!(
        sourced(ws.path(), &["check", "ok.md"]).status.code(),
        Some(0)
    );
    assert_eq!(
        sourced(ws.path(), &["check", "examples"]).status.code(),
        Some(1)
    );
    let missing = sourced(ws.path(), &["check", "nope.md"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.md"));
    let no_sources = sourced(ws.path(), &["check", "ok.md", "--sources", "empty-folder"]);
    assert_eq!(no_sources.status.code(), Some(2));
    let err = String::from_utf8_lossy(&no_sources.stderr);
    assert!(
        err.contains("sources folder not found") && err.contains("no source files"),
        "{err}"
    );
    assert_eq!(
        sourced(ws.path(), &["check", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn default_notes_are_the_markdown_files_outside_the_sources() {
    let ws = workspace();
    // A Markdown source must not be taken for a note.
    std::fs::write(
        ws.path().join("seeds/extra.md"),
        "“This sentence is a source, not a note to check”\n",
    )
    .unwrap();
    let out = sourced(ws.path(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files: std::collections::BTreeSet<&str> = json["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.into_iter().collect::<Vec<_>>(), ["examples/notes.md"]);
}

#[test]
fn bad_source_files_are_skipped_with_one_warning_each() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("seeds/binary.txt"),
        b"PDF\x00\x01\x02 binary",
    )
    .unwrap();
    std::fs::write(ws.path().join("seeds/latin1.txt"), b"caf\xe9 au lait").unwrap();
    std::fs::write(ws.path().join("seeds/empty.md"), b"").unwrap();
    let out = sourced(ws.path(), &["check", "examples/notes.md"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("seeds/binary.txt: skipped: binary file"),
        "{err}"
    );
    assert!(
        err.contains("seeds/latin1.txt: skipped: not valid UTF-8"),
        "{err}"
    );
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
    // Still reported on the next run, from the index.
    let again = sourced(ws.path(), &["check", "examples/notes.md"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stderr)
            .matches("warning:")
            .count(),
        2
    );
    assert!(stdout(&again).contains("7 verified"));
}

#[test]
fn invalid_config_is_a_clear_error() {
    let ws = workspace();
    std::fs::write(ws.path().join("sourced.toml"), "sources = 3\n").unwrap();
    let out = sourced(ws.path(), &["check", "examples/notes.md"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sourced.toml") && err.contains("sources"),
        "{err}"
    );
}

#[test]
fn without_a_config_the_current_folder_is_the_root() {
    let ws = workspace();
    let root = ws.path();
    std::fs::remove_file(root.join("sourced.toml")).unwrap();
    std::fs::create_dir_all(root.join("notes")).unwrap();
    std::fs::rename(root.join("examples/notes.md"), root.join("notes/notes.md")).unwrap();
    // A folder of notes, then one note: the same root, index and default sources (`seeds`).
    for arg in ["notes", "notes/notes.md"] {
        let out = sourced(root, &["check", arg, "--format", "json"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{arg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(root.join(".sourced").is_dir(), "{arg}");
        assert!(!root.join("notes/.sourced").exists(), "{arg}");
        let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(
            json["summary"],
            serde_json::json!({"verified": 7, "mismatch": 3, "not_found": 1, "misattributed": 1, "wrong_speaker": 0, "speaker_unknown": 0, "unknown_citations": 0}),
            "{arg}"
        );
        let q = &json["quotes"][0];
        assert_eq!(q["file"], "notes/notes.md", "{arg}");
        let source = q["source"]["path"].as_str().unwrap();
        assert!(source.starts_with("seeds/"), "{arg}: {source}");
    }
    // `sourced index` from the same folder finds the same index, up to date.
    let out = sourced(root, &["index"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0 added, 0 updated, 0 removed"), "{err}");
}

/// The summary of `examples/notes.md` against the seeds.
fn notes_summary() -> Value {
    serde_json::json!({"verified": 7, "mismatch": 3, "not_found": 1, "misattributed": 1, "wrong_speaker": 0, "speaker_unknown": 0, "unknown_citations": 0})
}

/// The index folder of a workspace.
fn index_dir(ws: &Path) -> std::path::PathBuf {
    ws.join(".sourced")
        .join(format!("index-v{}", sourced::index::schema::FORMAT_VERSION))
}

/// Hold the writer of the index in `ws` (created empty if there is none) as another process
/// building it would, until the returned writer is dropped.
fn hold_writer(ws: &Path) -> tantivy::IndexWriter {
    drop(sourced::index::SourceIndex::open(&ws.join(".sourced")).unwrap());
    let index = tantivy::Index::open_in_dir(index_dir(ws)).unwrap();
    index.writer(15_000_000).unwrap()
}

#[test]
fn check_gives_no_verdicts_from_an_index_that_was_never_completely_built() {
    let ws = workspace();
    let root = ws.path();
    let args = [
        "check",
        "examples/notes.md",
        "--format",
        "json",
        "--lock-timeout",
        "0.2",
    ];
    let refused = |out: &Output, sources: usize| {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(stdout(out), "", "no verdicts");
        assert!(
            err.contains("never completely built")
                && err.contains(&format!("({sources} sources in it so far)"))
                && err.contains(".tantivy-writer.lock")
                && err.contains("--lock-timeout"),
            "{err}"
        );
        assert!(!err.contains("not found"), "{err}");
    };

    // Another process builds the index for the first time: nothing is in it yet.
    let writer = hold_writer(root);
    // The note that process leaves says who it is.
    std::fs::write(
        index_dir(root).join(sourced::index::HOLDER_NOTE),
        "4242\n0\nsourced lsp --stdio\n",
    )
    .unwrap();
    let out = sourced(root, &args);
    refused(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("process 4242 (`sourced lsp --stdio`"), "{err}");
    drop(writer);

    // An index that holds some sources, written one by one (an editor's saves), but was
    // never built from all of them.
    let (index, _) = sourced::index::SourceIndex::open(&root.join(".sourced")).unwrap();
    let one = sourced::corpus::discover::source_file(
        &root.join("seeds/000_3ed32749fd57da32.txt"),
        root,
        true,
    )
    .unwrap();
    index
        .update(&[one], &[], &sourced::index::RefreshOptions::default())
        .unwrap();
    drop(index);
    let writer = hold_writer(root);
    refused(&sourced(root, &args), 1);
    drop(writer);

    // Once the writer is free, the same command builds the index and checks.
    let out = sourced(root, &args);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"], notes_summary());
    assert!(json.get("stale_index").is_none(), "{json}");
}

#[test]
fn check_with_a_stale_complete_index_says_so() {
    let ws = workspace();
    let root = ws.path();
    assert_eq!(sourced(root, &["index"]).status.code(), Some(0));
    // A source changes while another process holds the writer.
    let seed = root.join("seeds/000_3ed32749fd57da32.txt");
    let mut text = std::fs::read_to_string(&seed).unwrap();
    text.push_str("\nA sentence added later.\n");
    std::fs::write(&seed, text).unwrap();
    let writer = hold_writer(root);
    let out = sourced(
        root,
        &[
            "check",
            "examples/notes.md",
            "--format",
            "json",
            "--lock-timeout",
            "0",
        ],
    );
    drop(writer);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("may be out of date") && err.contains("writer lock"),
        "{err}"
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"], notes_summary());
    let stale = json["stale_index"].as_str().unwrap();
    assert!(stale.contains("writer lock"), "{stale}");
}

#[test]
fn lock_timeout_must_be_seconds() {
    let ws = workspace();
    for bad in ["-1", "soon", "inf"] {
        let out = sourced(ws.path(), &["check", &format!("--lock-timeout={bad}")]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--lock-timeout"));
    }
}

/// Every file under `dir`: path → (size, modification time).
fn files_under(
    dir: &Path,
) -> std::collections::BTreeMap<std::path::PathBuf, (u64, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.path().to_path_buf(), (m.len(), m.modified().unwrap()))
        })
        .collect()
}

/// Run `sourced` in `dir` where it can read but not write: as the user `nobody` when the
/// tests run as root (root writes whatever the permissions say), else with the write
/// permission of everything under `dir` taken away (and given back after).
#[cfg(unix)]
fn sourced_read_only(dir: &Path, args: &[&str]) -> Output {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let set = |mode: fn(bool) -> u32| {
        for e in walkdir::WalkDir::new(dir) {
            let e = e.unwrap();
            let p = std::fs::Permissions::from_mode(mode(e.file_type().is_dir()));
            std::fs::set_permissions(e.path(), p).unwrap();
        }
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_sourced"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    if std::fs::metadata(dir).unwrap().uid() == 0 {
        set(|is_dir| if is_dir { 0o755 } else { 0o644 });
        command.uid(65534).gid(65534);
        command.output().unwrap()
    } else {
        set(|is_dir| if is_dir { 0o555 } else { 0o444 });
        let out = command.output().unwrap();
        set(|is_dir| if is_dir { 0o755 } else { 0o644 });
        out
    }
}

#[cfg(unix)]
#[test]
fn an_index_that_cannot_be_written_is_still_checked_with() {
    let ws = workspace();
    let root = ws.path();
    assert_eq!(sourced(root, &["index"]).status.code(), Some(0));
    let cache = root.join(".sourced");
    let before = files_under(&cache);
    let args = ["check", "examples/notes.md", "--format", "json"];

    // Up to date: checked as usual, and nothing in the cache is written.
    let out = sourced_read_only(root, &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err, "", "no message");
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"], notes_summary());
    assert_eq!(files_under(&cache), before);

    // A source changed since: the index cannot be updated, and says so.
    std::fs::write(root.join("seeds/new.txt"), "A new source about nothing.\n").unwrap();
    let out = sourced_read_only(root, &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("may be out of date") && err.contains("cannot be written"),
        "{err}"
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"], notes_summary());
    assert!(json["stale_index"].is_string(), "{json}");
    assert_eq!(files_under(&cache), before);
}

/// A quotation given to the wrong speaker: `wrong-speaker` with the source's attribution in
/// every format (JSON `speaker` with its evidence, SARIF's second related location and
/// `properties.speaker`, GitHub's title, the human `speaker:` line), exit status 1; and a
/// right speaker in the same note stays verified.
#[test]
fn a_wrong_speaker_is_reported_in_every_format() {
    let ws = workspace();
    let note = "# N\n\n\
        Pat Ryder said “We condemn the attacks targeting our security forces” [@003_0afb694efec83e04].\n\n\
        Al Sudani said “We condemn the attacks targeting our security forces” [@003_0afb694efec83e04].\n";
    std::fs::write(ws.path().join("examples/who.md"), note).unwrap();
    let out = sourced(ws.path(), &["check", "examples/who.md", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let quotes = json["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 2);
    assert_eq!(quotes[0]["status"], "wrong-speaker");
    let s = &quotes[0]["speaker"];
    assert_eq!(s["claimed"], "Pat Ryder");
    assert_eq!(s["source"], "Mohammed Shia Al Sudani");
    assert_eq!(s["verdict"], "wrong");
    assert_eq!(
        s["evidence"],
        serde_json::json!({"path": "seeds/003_0afb694efec83e04.txt", "line": 11, "column": 150,
                           "text": "the Iraqi prime minister stated"})
    );
    assert_eq!(quotes[1]["status"], "verified");
    assert_eq!(quotes[1]["speaker"]["verdict"], "right");
    assert_eq!(quotes[1]["speaker"]["claimed"], "Al Sudani");
    assert_eq!(json["summary"]["wrong_speaker"], 1);
    assert_eq!(json["summary"]["verified"], 1);

    let out = sourced(
        ws.path(),
        &["check", "examples/who.md", "--format", "sarif"],
    );
    let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let run = &sarif["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"wrong-speaker"), "{rules:?}");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:#?}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "wrong-speaker");
    assert_eq!(r["level"], "warning");
    let related = r["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 2, "{related:#?}");
    assert_eq!(related[1]["id"], 2);
    assert_eq!(
        related[1]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 11, "startColumn": 150})
    );
    assert_eq!(
        r["properties"]["speaker"]["source"],
        "Mohammed Shia Al Sudani"
    );

    let out = sourced(
        ws.path(),
        &["check", "examples/who.md", "--format", "github"],
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(
        lines[0].starts_with("::warning file=examples/who.md,line=3,")
            && lines[0].contains("title=Quote given to the wrong speaker::")
            && lines[0].contains(
                "the source attributes these words to Mohammed Shia Al Sudani, not Pat Ryder"
            ),
        "{text}"
    );

    let out = sourced(ws.path(), &["check", "examples/who.md"]);
    let text = stdout(&out);
    // The notes are wrapped to the terminal's width: compare the words.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("warning[wrong-speaker]: the source attributes these words to Mohammed Shia Al Sudani, not Pat Ryder --> examples/who.md:3:"),
        "{text}"
    );
    assert!(
        words.contains("= speaker: Mohammed Shia Al Sudani, at seeds/003_0afb694efec83e04.txt:11:150 (“the Iraqi prime minister stated”)"),
        "{text}"
    );
    assert!(
        text.ends_with("1 verified, 0 mismatch, 0 not found, 0 misattributed; 1 wrong speaker\n"),
        "{text}"
    );
}

/// A `[[speaker]]` rule that cannot apply stops the check with a message naming it.
#[test]
fn a_bad_speaker_rule_is_named() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("sourced.toml"),
        "sources = [\"seeds\"]\n\n[[speaker]]\nsources = []\nspeaker = \"author\"\n",
    )
    .unwrap();
    let out = sourced(ws.path(), &["check", "examples/notes.md"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("[[speaker]] number 1: `sources` is empty"),
        "{err}"
    );
}
