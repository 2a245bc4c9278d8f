//! Reading a JSON report's source location back in a rendition (PDF, transcripts, DOCX).

use serde_json::Value;
use std::path::Path;

/// `sourced check NOTE --format json` in `ws`, which must find a quotation that is not
/// verified (exit status 1).
pub fn report(ws: &Path, note: &str) -> Value {
    let out = super::sourced(ws, &["check", note, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The rendition's text from a source report's line and column to its end line and column,
/// marker lines (`[p. 2]`, `[00:00:05.500] Chair`) left out, lines joined by spaces.
pub fn pointed(ws: &Path, source: &Value) -> String {
    let rendition =
        std::fs::read_to_string(ws.join(source["rendition"].as_str().unwrap())).unwrap();
    let lines: Vec<&str> = rendition.lines().collect();
    let n = |k: &str| source[k].as_u64().unwrap() as usize;
    let (line, col, end_line, end_col) = (n("line"), n("column"), n("end_line"), n("end_column"));
    let mut parts = Vec::new();
    for (i, l) in lines.iter().enumerate().take(end_line).skip(line - 1) {
        let chars: Vec<char> = l.chars().collect();
        let from = if i + 1 == line { col - 1 } else { 0 };
        let to = if i + 1 == end_line {
            end_col - 1
        } else {
            chars.len()
        };
        if !l.starts_with('[') {
            parts.push(chars[from..to].iter().collect::<String>());
        }
    }
    parts.join(" ")
}
