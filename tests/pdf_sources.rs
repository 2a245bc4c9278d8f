//! PDFs as sources, end to end through `sourced check` and the language server (issue 17):
//! quotations verify across page turns, running headers and footers, columns, hyphenated line
//! ends and margin line numbers, and say their page; altered ones do not verify; a PDF that
//! passes the reader's memory or time bound is skipped with a warning while every other
//! source is indexed; a changed PDF is the only one read again.

mod common;
mod lsp_harness;

use common::pdf::inflate_bomb;
use common::rendition::{pointed, report};
use common::sourced;
use lsp_harness::*;
use serde_json::{json, Value};

const PDFS: [&str; 6] = [
    "one-column.pdf",
    "latex-two-column.pdf",
    "three-column.pdf",
    "latex-three-column.pdf",
    "numbered.pdf",
    "footnote.pdf",
];

/// Each quotation, what it must be, and the pages of the match.
const QUOTES: [(&str, &str, &str, u32, u32); 11] = [
    // Across the turn from page 1 to 2, a running header and "Page 1 of 3" between.
    (
        "if the navigation channel were narrowed during construction",
        "one-column",
        "verified",
        1,
        2,
    ),
    // The same, one word changed.
    (
        "if the navigation channel were widened during construction",
        "one-column",
        "mismatch",
        1,
        2,
    ),
    // Across the turn from page 2 to 3.
    (
        "before the summer recess. The meeting closed with a statement from the youngest councillor",
        "one-column",
        "verified",
        2,
        3,
    ),
    // Three columns: from the foot of the first column to the top of the second.
    (
        "Without a barrier, she said, the lower town would become uninsurable within a decade",
        "three-column",
        "verified",
        1,
        1,
    ),
    // TeX hyphenation in narrow columns ("mainte-" / "nance"), and across a page turn
    // ("dur-" / [p. 2] / "ing").
    (
        "underestimated the maintenance costs",
        "latex-three-column",
        "verified",
        1,
        1,
    ),
    (
        "channel were narrowed during construction. He asked for compensation arrangements",
        "latex-three-column",
        "verified",
        1,
        1,
    ),
    // A compound broken at its own hyphen, written whole elsewhere in the document.
    (
        "including a mixed-mode scheme of municipal bonds",
        "latex-three-column",
        "verified",
        1,
        1,
    ),
    // The hyphen taken out of the compound: not what the document says.
    (
        "including a mixedmode scheme of municipal bonds",
        "latex-three-column",
        "mismatch",
        1,
        1,
    ),
    // A court filing: across its margin line numbers and a page turn, with the filing
    // stamp ("… Filed 03/04/24 Page 2 of 2") between the halves.
    (
        "to publish the complete engineering documentation, and to hold a public consultation",
        "numbered",
        "verified",
        1,
        2,
    ),
    // Across a page turn with a footnote at the foot of the column between the halves
    // (pdflatex, two columns).
    (
        "The meeting closed with a statement from the youngest councillor, who observed that the communities downstream",
        "latex-two-column",
        "verified",
        1,
        2,
    ),
    // A footnote at the foot of the page, apart from the body.
    (
        "The archivist's transcription is kept in the county record office",
        "footnote",
        "verified",
        1,
        1,
    ),
];

fn note() -> String {
    let mut n = String::from("# PDFs\n\n");
    for (q, key, ..) in QUOTES {
        n.push_str(&format!("“{q}” [@{key}].\n\n"));
    }
    n
}

/// A workspace with the PDF fixtures and a Markdown seed as sources, and the note above.
fn workspace(extra_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sources");
    std::fs::create_dir_all(&src).unwrap();
    for name in PDFS {
        std::fs::copy(
            common::repo().join("tests/fixtures/pdf").join(name),
            src.join(name),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!("sources = [\"sources\"]\n{extra_config}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("n.md"), note()).unwrap();
    dir
}

#[test]
fn quotations_verify_across_pages_columns_and_hyphens_and_say_their_page() {
    let ws = workspace("");
    let r = report(ws.path(), "n.md");
    let quotes = r["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), QUOTES.len(), "{r}");
    for (q, (text, key, status, page, end_page)) in quotes.iter().zip(QUOTES) {
        let s = &q["source"];
        assert_eq!(
            (
                q["status"].as_str().unwrap(),
                s["path"].as_str().unwrap(),
                s["page"].as_u64(),
                s["end_page"].as_u64(),
            ),
            (
                status,
                format!("sources/{key}.pdf").as_str(),
                Some(page as u64),
                Some(end_page as u64)
            ),
            "{text}: {q}"
        );
        // Line and column point into the rendition at the very words (across its marker
        // lines and line ends).
        let words = pointed(ws.path(), s);
        let flat = |t: &str| -> String {
            t.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect()
        };
        assert_eq!(flat(&words), flat(s["text"].as_str().unwrap()), "{q}");
    }
}

#[test]
fn json_snapshot_with_pages() {
    let ws = workspace("");
    let r = report(ws.path(), "n.md");
    let places: Vec<Value> = r["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let s = &q["source"];
            json!({
                "status": q["status"], "path": s["path"], "page": s["page"],
                "end_page": s["end_page"], "line": s["line"], "column": s["column"],
                "end_line": s["end_line"], "end_column": s["end_column"],
                "time": s["time"], "rendition": s["rendition"].as_str().map(|p| p.rsplit_once("renditions/").map(|x| x.1.to_string())),
            })
        })
        .collect();
    insta::assert_snapshot!("pdf_places", serde_json::to_string_pretty(&places).unwrap());
}

#[test]
fn the_terminal_names_the_pages() {
    let ws = workspace("");
    let out = sourced(ws.path(), &["check", "n.md"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("  = source: sources/one-column.pdf pp. 1–2"),
        "{text}"
    );
}

/// A 0.5 MB stream that inflates to 1 GiB: the reader's process passes its memory bound
/// (256 MB here) and ends; the PDF is skipped with a warning that names the bound, and
/// every other source is indexed and checked.
#[test]
fn a_pdf_bomb_is_skipped_at_the_memory_bound_and_the_rest_indexed() {
    let ws = workspace("reader_memory_mb = 256\n");
    std::fs::write(ws.path().join("sources/bomb.pdf"), inflate_bomb(1024)).unwrap();
    let out = sourced(ws.path(), &["index"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "sources/bomb.pdf: skipped: reading the PDF needed more than 256 MB of memory \
             (the memory bound)"
        ),
        "{err}"
    );
    assert!(err.contains(": 6 sources ("), "{err}");
    let r = report(ws.path(), "n.md");
    assert_eq!(r["quotes"][0]["status"], "verified", "{r}");
}

/// A reader that never answers is stopped at the time bound (here a stand-in that sleeps,
/// named by SOURCED_EXTRACTOR), and the other sources are indexed.
#[test]
fn a_pdf_reader_that_hangs_is_stopped_at_the_time_bound() {
    let ws = workspace("reader_seconds = 1\n");
    std::fs::write(
        ws.path().join("sources/plain.md"),
        "# Plain\n\nThe harbour council met on a cold Tuesday morning.\n",
    )
    .unwrap();
    let hang = ws.path().join("hang.sh");
    std::fs::write(&hang, "#!/bin/sh\nexec sleep 600\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hang, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
        .arg("index")
        .current_dir(ws.path())
        .env("SOURCED_EXTRACTOR", &hang)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    for pdf in PDFS {
        assert!(
            err.contains(&format!(
                "sources/{pdf}: skipped: reading the PDF took longer than 1 s (the time bound)"
            )),
            "{pdf}: {err}"
        );
    }
    assert!(err.contains(": 1 sources ("), "{err}");
}

/// Under an address-space limit of the user's (`ulimit -v`) lower than the reader's memory
/// bound, the reader keeps the user's limit and reads (it used to fail to set its own).
#[test]
fn a_pdf_reads_under_a_lower_user_limit_than_the_bound() {
    let ws = workspace("");
    let script = format!(
        "ulimit -v 1500000 && exec '{}' index",
        env!("CARGO_BIN_EXE_sourced")
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(ws.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert!(err.contains(": 6 sources ("), "{err}");
}

/// A PDF that changes is read again; the others are not.
#[test]
fn a_changed_pdf_is_the_only_one_read_again() {
    let ws = workspace("");
    let first = sourced(ws.path(), &["index"]);
    assert!(first.status.success());
    std::fs::copy(
        common::repo().join("tests/fixtures/pdf/two-column.pdf"),
        ws.path().join("sources/one-column.pdf"),
    )
    .unwrap();
    let out = sourced(ws.path(), &["index"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("(0 added, 1 updated, 0 removed, 5 unchanged;"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_to_definition_and_hover_name_the_page() {
    let ws = workspace("");
    let note = note();
    let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    let uri = file_uri(&ws.path().join("n.md"));
    c.open(&uri, &note).await;
    c.diagnostics(&uri, Some(1)).await;
    let at = pos(&note, "summer recess. The meeting", 0);
    let d = c
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )
        .await;
    // The cited source first (the words are in the other two council PDFs too).
    let d = if d.is_array() { d[0].clone() } else { d };
    let target = d["uri"].as_str().unwrap_or_else(|| panic!("{d}"));
    assert!(
        target.ends_with("/renditions/sources/one-column.pdf.txt"),
        "{target}"
    );
    let path: tower_lsp_server::ls_types::Uri = target.parse().unwrap();
    let rendition = std::fs::read_to_string(path.to_file_path().unwrap()).unwrap();
    let line = rendition
        .lines()
        .nth(d["range"]["start"]["line"].as_u64().unwrap() as usize)
        .unwrap();
    let col = d["range"]["start"]["character"].as_u64().unwrap() as usize;
    assert!(line[col..].starts_with("before the summer"), "{line}");
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )
        .await;
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("`sources/one-column.pdf` pp. 2–3"), "{md}");
    assert!(md.contains("/sources/one-column.pdf#page=2)"), "{md}");
    c.shutdown().await;
}
