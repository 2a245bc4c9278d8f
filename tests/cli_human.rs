//! The human output of `sourced check`, block by block: the title with its code, the note's
//! location, the note's line with the quotation marked, the `= …` notes; without colour, at
//! a fixed width (`COLUMNS`).

use std::path::Path;
use std::process::Command;

/// A workspace in a temp folder: the seeds, a sourced.toml, and `note.md` holding `note`.
fn workspace(note: &str) -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("seeds")).unwrap();
    for e in std::fs::read_dir(repo.join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join("seeds").join(e.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("sourced.toml"), "sources = [\"seeds\"]\n").unwrap();
    std::fs::write(dir.path().join("note.md"), note).unwrap();
    dir
}

/// `sourced check note.md` at `columns` wide, without colour: its standard output.
fn check(ws: &Path, columns: usize) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_sourced"))
        .args(["check", "note.md"])
        .current_dir(ws)
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
    text
}

/// Every line at most `columns` characters wide.
fn assert_within(text: &str, columns: usize) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= columns,
            "wider than {columns}: {line}"
        );
    }
}

#[test]
fn a_mismatch() {
    let ws = workspace(
        "# N\n\nA dropped \"not\": “the United States is still there and is showing signs of an \
         imminent\nwithdrawal” [@001_b9529bda20c132ef].\n",
    );
    let text = check(ws.path(), 100);
    assert_within(&text, 100);
    insta::assert_snapshot!("mismatch", text);
}

#[test]
fn a_not_found_with_its_closest_passage() {
    let ws = workspace(
        "# N\n\nThey wrote “the Iraqi prime minister stated that the coalition would leave by the \
         end of the summer” [@003_0afb694efec83e04].\n",
    );
    let text = check(ws.path(), 100);
    assert!(text.contains("= closest: "), "{text}");
    assert_within(&text, 100);
    insta::assert_snapshot!("not_found", text);
}

#[test]
fn a_misattribution() {
    let ws = workspace(
        "# N\n\n“Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal of unwanted \
         US forces”\n[@000_3ed32749fd57da32].\n",
    );
    let text = check(ws.path(), 100);
    assert_within(&text, 100);
    insta::assert_snapshot!("misattributed", text);
}

#[test]
fn a_wrong_speaker() {
    let ws = workspace(
        "# N\n\nPat Ryder said “We condemn the attacks targeting our security forces” \
         [@003_0afb694efec83e04].\n",
    );
    let text = check(ws.path(), 100);
    assert_within(&text, 100);
    insta::assert_snapshot!("wrong_speaker", text);
}

#[test]
fn a_quotation_too_long_to_check() {
    // 2,100 words, ten to a line: the span runs over 210 lines, folded.
    let words: Vec<String> = (0..2_100).map(|i| format!("w{i}")).collect();
    let lines: Vec<String> = words.chunks(10).map(|c| c.join(" ")).collect();
    let ws = workspace(&format!(
        "# N\n\nShe said “{}” [@003_0afb694efec83e04].\n",
        lines.join("\n")
    ));
    let text = check(ws.path(), 100);
    assert!(text.lines().count() < 30, "{text}");
    assert_within(&text, 100);
    insta::assert_snapshot!("too_long", text);
}

#[test]
fn an_unknown_citation() {
    let ws = workspace(
        "# N\n\n“We condemn the attacks targeting our security forces” [@003_0afb694efec83e0].\n",
    );
    let text = check(ws.path(), 100);
    assert_within(&text, 100);
    insta::assert_snapshot!("unknown_citation", text);
}

/// A quotation in the middle of a line far wider than the terminal: a window around it cut
/// at word boundaries, the marker under the quotation's own characters.
#[test]
fn a_very_long_note_line() {
    let filler = "Lorem ipsum dolor sit amet, “consectetur” adipiscing élit, sed do eiusmod. ";
    let quote = "is still there and is showing signs of an imminent withdrawal";
    let ws = workspace(&format!(
        "# N\n\n{}Café “{quote}” [@001_b9529bda20c132ef]. {}\n",
        filler.repeat(4),
        filler.repeat(4)
    ));
    let text = check(ws.path(), 80);
    assert_within(&text, 80);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("3 | "))
        .expect(&text);
    let (shown, marker) = (lines[at], lines[at + 1]);
    assert!(shown.contains("… "), "{text}");
    let marker: Vec<char> = marker.chars().collect();
    let first = marker.iter().position(|&c| c == '^').unwrap();
    let last = marker.iter().rposition(|&c| c == '^').unwrap();
    let marked: String = shown.chars().skip(first).take(last - first + 1).collect();
    assert_eq!(marked, quote, "{text}");
    insta::assert_snapshot!("long_line", text);
}
