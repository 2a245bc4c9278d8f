//! Sources that are not text files (issue 17): subtitles and transcripts are read into a
//! rendition kept in the index folder, quotations verify across cues and speakers, and
//! results say where a quotation is in the terms a person uses (cue time, speaker) — in JSON,
//! in the terminal, and in the editor (go-to-definition opens the rendition at the words).

mod common;
mod lsp_harness;

use common::rendition::{pointed, report};
use common::sourced;
use lsp_harness::*;
use serde_json::{json, Value};

const NOTE: &str = "# Hearing

The chair: “Iraqi Prime Minister Mohammed Shia Al Sudani has promised to launch a process to expel international coalition forces from the country, after a US airstrike killed a high-ranking militia commander in Baghdad” [@hearing].

“The Pentagon insists that its troops are in Baghdad at the invitation of local authorities to help fight Islamic State” [@hearing].

Roosevelt: “we look forward to a world founded upon four essential human freedoms” [@speech].

Haddad: “On Monday, Iraqi militias declared an end to a truce with the US” [@interview].

Roosevelt again: “we look forward to a world founded upon four essential human rights” [@speech].
";

/// A workspace with the three transcript fixtures as sources and the note above.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sources");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(dir.path().join("notes")).unwrap();
    for name in ["hearing.vtt", "speech.srt", "interview.txt"] {
        std::fs::copy(
            common::repo().join("tests/fixtures/transcripts").join(name),
            src.join(name),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    std::fs::write(dir.path().join("notes/n.md"), NOTE).unwrap();
    dir
}

#[test]
fn quotations_verify_across_cues_and_speakers_and_say_when_and_who() {
    let ws = workspace();
    let r = report(ws.path(), "notes/n.md");
    let quotes = r["quotes"].as_array().unwrap();
    let statuses: Vec<&str> = quotes
        .iter()
        .map(|q| q["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["verified", "verified", "verified", "verified", "mismatch"]
    );
    let place = |i: usize| {
        let s = &quotes[i]["source"];
        (
            s["path"].as_str().unwrap().to_string(),
            s["time"].as_str().map(str::to_string),
            s["end_time"].as_str().map(str::to_string),
            s["speaker"].as_str().map(str::to_string),
        )
    };
    let some = |s: &str| Some(s.to_string());
    // Across two cues of one speaker.
    assert_eq!(
        place(0),
        (
            "sources/hearing.vtt".into(),
            some("00:00:01.000"),
            some("00:00:05.500"),
            some("Chair")
        )
    );
    // Across a change of speaker inside one cue: who speaks where the quotation starts.
    assert_eq!(
        place(1),
        (
            "sources/hearing.vtt".into(),
            some("00:14:32.000"),
            some("00:14:32.000"),
            some("Chair")
        )
    );
    // Subtitles without voices: times only.
    assert_eq!(
        place(2),
        (
            "sources/speech.srt".into(),
            some("00:00:04.000"),
            some("00:00:09.500"),
            None
        )
    );
    // A plain transcript with turn labels and bracketed times.
    assert_eq!(
        place(3),
        (
            "sources/interview.txt".into(),
            some("00:00:09.000"),
            some("00:00:09.000"),
            some("DR. AMAL HADDAD")
        )
    );
    // Line and column point into the rendition, at the very words; no page for these.
    for q in quotes {
        let s = &q["source"];
        assert_eq!(s["page"], Value::Null);
        let rendition = s["rendition"].as_str().unwrap();
        assert!(rendition.starts_with(".sourced/index-v"), "{rendition}");
        assert!(rendition.ends_with(".txt"), "{rendition}");
        assert_eq!(pointed(ws.path(), s), s["text"].as_str().unwrap(), "{s}");
    }
    // The rendition shows each cue's time and speaker on a marker line of its own.
    let hearing = std::fs::read_to_string(
        ws.path()
            .join(quotes[1]["source"]["rendition"].as_str().unwrap()),
    )
    .unwrap();
    assert!(
        hearing.contains("\n[00:14:32.000] Chair\nThe Pentagon insists"),
        "{hearing}"
    );
    assert!(!hearing.contains("<v"), "{hearing}");
}

#[test]
fn the_terminal_names_the_cue_and_the_speaker() {
    let ws = workspace();
    let out = sourced(ws.path(), &["check", "notes/n.md"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("  = source: sources/speech.srt 00:00:04–00:00:09\n"),
        "{text}"
    );
}

#[test]
fn a_transcript_that_goes_away_takes_its_rendition_with_it() {
    let ws = workspace();
    let r = report(ws.path(), "notes/n.md");
    let rendition = ws
        .path()
        .join(r["quotes"][2]["source"]["rendition"].as_str().unwrap());
    assert!(rendition.is_file());
    std::fs::remove_file(ws.path().join("sources/speech.srt")).unwrap();
    let out = sourced(ws.path(), &["index"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!rendition.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_to_definition_opens_the_rendition_at_the_words() {
    let ws = workspace();
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    let uri = file_uri(&ws.path().join("notes/n.md"));
    c.open(&uri, NOTE).await;
    c.diagnostics(&uri, Some(1)).await;
    let d = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": pos(NOTE, "Pentagon insists", 0)}),
        )
        .await;
    let target = d["uri"].as_str().unwrap_or_else(|| panic!("{d}"));
    assert!(
        target.ends_with("/renditions/sources/hearing.vtt.txt"),
        "{target}"
    );
    let path: tower_lsp_server::ls_types::Uri = target.parse().unwrap();
    let rendition = std::fs::read_to_string(path.to_file_path().unwrap()).unwrap();
    let line = rendition
        .lines()
        .nth(d["range"]["start"]["line"].as_u64().unwrap() as usize)
        .unwrap();
    assert!(line.starts_with("The Pentagon insists"), "{line}");
    assert_eq!(d["range"]["start"]["character"], 0);
    // The hover says when and who, and links to the original at that time.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(NOTE, "Pentagon insists", 0)}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("`sources/hearing.vtt` 00:14:32 (Chair)"),
        "{md}"
    );
    assert!(md.contains("/sources/hearing.vtt#t=872)"), "{md}");
    c.shutdown().await;
}

#[test]
fn json_snapshot_with_times_and_speakers() {
    let ws = workspace();
    let r = report(ws.path(), "notes/n.md");
    let places: Vec<Value> = r["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let s = &q["source"];
            json!({
                "status": q["status"], "path": s["path"], "line": s["line"],
                "column": s["column"], "end_line": s["end_line"], "page": s["page"],
                "time": s["time"], "end_time": s["end_time"], "speaker": s["speaker"],
            })
        })
        .collect();
    insta::assert_snapshot!(
        "transcript_places",
        serde_json::to_string_pretty(&places).unwrap()
    );
}

/// A Word document: runs split mid-word, a footnote in mid-sentence, a header that is not
/// text, core properties as metadata.
#[test]
fn a_word_document_is_a_source() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sources")).unwrap();
    std::fs::copy(
        common::repo().join("tests/fixtures/docx/statement.docx"),
        dir.path().join("sources/statement.docx"),
    )
    .unwrap();
    std::fs::write(dir.path().join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    std::fs::write(
        dir.path().join("n.md"),
        "“At least two people were killed, including Mushtaq Taleb al-Saidi, the leader of Harakat Hezbollah al-Nujaba” [@statement].\n\n\
         “after a US airstrike killed a high-ranking militia commander in Baghdad” [@statement].\n\n\
         “An attack hit the headquarters of the Popular Mobilization Forces, an Iraqi state-sponsored umbrella organization composed of dozens of armed militias” [@statement].\n",
    )
    .unwrap();
    let out = sourced(dir.path(), &["check", "n.md", "--format", "json"]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let statuses: Vec<&str> = r["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["status"].as_str().unwrap())
        .collect();
    // The second runs across a footnote reference: the note is kept apart, not in the words.
    assert_eq!(statuses, ["verified", "verified", "mismatch"], "{r}");
    let rendition = std::fs::read_to_string(
        dir.path()
            .join(r["quotes"][1]["source"]["rendition"].as_str().unwrap()),
    )
    .unwrap();
    assert!(
        rendition.contains("commander[^1] in Baghdad"),
        "{rendition}"
    );
    assert!(rendition.contains("\n[footnotes]\n"), "{rendition}");
    let s = &r["quotes"][0]["source"];
    assert_eq!(s["path"], "sources/statement.docx");
    assert!(s["title"].is_string(), "{s}");
    assert_eq!(pointed(dir.path(), s), s["text"].as_str().unwrap(), "{s}");
}
