//! The language server's input side, over stdio as editors run it (`sourced lsp`, see
//! `lsp_stdio`): lone UTF-16 surrogates and invalid UTF-8 in messages, bodies that are not
//! JSON, and a `Content-Length` larger than the frame. The server's copy of a note must stay
//! the client's (each lone surrogate one U+FFFD: one UTF-16 code unit, as the editor counts
//! it), every request must be answered, and a bad frame must not stop the messages after it.

mod lsp_stdio;

use lsp_stdio::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicI64, Ordering};

/// A note as the client holds it: UTF-16 code units (lone surrogates allowed), and the same
/// text as the inside of a JSON string (what `JSON.stringify` writes, or another escaping).
#[derive(Default, Clone)]
struct ClientText {
    units: Vec<u16>,
    json: String,
}

impl ClientText {
    /// Plain text, escaped as serde_json escapes it.
    fn text(mut self, s: &str) -> Self {
        self.units.extend(s.encode_utf16());
        let quoted = serde_json::to_string(s).unwrap();
        self.json.push_str(&quoted[1..quoted.len() - 1]);
        self
    }

    /// Code units written as the JSON escapes `json`.
    fn escaped(mut self, units: &[u16], json: &str) -> Self {
        self.units.extend(units);
        self.json.push_str(json);
        self
    }

    /// A lone surrogate as `JSON.stringify` writes it.
    fn lone(self, unit: u16) -> Self {
        self.escaped(&[unit], &format!("\\u{unit:04x}"))
    }

    /// The client's text with each lone surrogate decoded as U+FFFD.
    fn decoded(&self) -> String {
        String::from_utf16_lossy(&self.units)
    }
}

/// `message` with the string `"@@TEXT@@"` replaced by `text`'s JSON, framed.
fn frame_with_text(message: &Value, text: &ClientText) -> Vec<u8> {
    let json = serde_json::to_string(message).unwrap();
    assert!(json.contains("\"@@TEXT@@\""));
    raw_frame(
        json.replace("\"@@TEXT@@\"", &format!("\"{}\"", text.json))
            .as_bytes(),
    )
}

/// `body` framed with its true length.
fn raw_frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// The (line, UTF-16 character) of code unit `at` in `units`.
fn position(units: &[u16], at: usize) -> Value {
    let line = units[..at].iter().filter(|&&u| u == 0x0A).count();
    let start = units[..at]
        .iter()
        .rposition(|&u| u == 0x0A)
        .map_or(0, |i| i + 1);
    json!({"line": line, "character": at - start})
}

/// The code unit offset of a (line, character) position.
fn offset(units: &[u16], line: usize, character: usize) -> usize {
    let mut start = 0;
    for _ in 0..line {
        start += units[start..].iter().position(|&u| u == 0x0A).unwrap() + 1;
    }
    start + character
}

/// The outline the server must give for the client's `text`: every quotation's name and
/// range, positions counted in the client's code units.
fn expected_symbols(text: &ClientText) -> Vec<(String, Value)> {
    let decoded = text.decoded();
    // Each character of `decoded` is as many code units as it was in the client's text.
    let unit_at = |byte: usize| decoded[..byte].encode_utf16().count();
    let quotes = sourced::quotes::extract::scan(&decoded, 1).quotes;
    assert!(!quotes.is_empty());
    quotes
        .iter()
        .map(|q| {
            let words = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(words.chars().count() <= 60, "{words}");
            let range = json!({
                "start": position(&text.units, unit_at(q.range.start)),
                "end": position(&text.units, unit_at(q.range.end)),
            });
            (format!("“{words}”"), range)
        })
        .collect()
}

const NOTE: &str =
    "# Note\n\n“The 5,000 troops who remain the country a decade later” [@003_0afb694efec83e04].\n";

fn started(ws: &Path) -> (StdioServer, String) {
    let mut server = StdioServer::spawn(sourced_lsp(), Stdio::null());
    server.initialize(ws, json!({"sourced": {"debounceMs": 10, "minWords": 1}}));
    server.index_ready();
    let uri = file_uri(&ws.join("notes").join("n.md"));
    (server, uri)
}

fn open(server: &mut StdioServer, uri: &str, text: &ClientText) {
    let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": "@@TEXT@@"}
    }});
    server.send_raw(&frame_with_text(&msg, text));
    server.diagnostics(uri, 1);
}

/// The hover request on the note's quotation (`NOTE`), as sent.
fn hover(id: i64, uri: &str, token: &str) -> String {
    let at = position(
        &NOTE.encode_utf16().collect::<Vec<_>>(),
        NOTE[..NOTE.find("5,000").unwrap()].encode_utf16().count(),
    );
    let msg = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri}, "position": at, "workDoneToken": "@@TOKEN@@"}});
    serde_json::to_string(&msg)
        .unwrap()
        .replace("@@TOKEN@@", token)
}

/// The response with `id` (a number or null).
fn answer(server: &mut StdioServer, id: Value) -> Value {
    server.wait_for(&format!("the answer to {id}"), |m| {
        m.get("method").is_none() && m["id"] == id
    })
}

/// The answer to a hover on `NOTE`'s quotation is the server's: "mismatch".
fn assert_hover(r: &Value) {
    assert!(r.get("error").is_none(), "{r}");
    assert!(r["result"].to_string().contains("mismatch"), "{r}");
}

/// The server is alive and right: a hover on the quotation says "mismatch".
fn still_right(server: &mut StdioServer, uri: &str) {
    static NEXT: AtomicI64 = AtomicI64::new(1_000_000);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    server.send_raw(&raw_frame(hover(id, uri, "ok").as_bytes()));
    assert_hover(&answer(server, json!(id)));
}

#[test]
fn lone_surrogates_in_did_open_become_one_replacement_character_each() {
    let ws = workspace(&[&seeds()]);
    let (mut server, uri) = started(ws.path());
    let text = ClientText::default()
        .text("# Note\n\n")
        .lone(0xD83D)
        .text(" ")
        .lone(0xDC00)
        // A high surrogate followed by another escape, then by a high one and a valid pair.
        .escaped(&[0xD83D, 0x09], "\\ud83d\\t")
        .escaped(&[0xD83D, 0xD83D, 0xDE00], "\\ud83d\\ud83d\\ude00")
        // A valid pair escaped (as ASCII-only encoders write it) stays one emoji.
        .escaped(&[0xD83D, 0xDE00], "\\uD83D\\uDE00")
        // A backslash and letters, not an escape: `\\ud83d` in JSON.
        .text(" \\ud83d He said “troops ")
        .lone(0xD83D)
        .text(" who remain” and “the country ")
        .lone(0xDE00)
        .text(" a decade later” [@003_0afb694efec83e04].\n")
        .lone(0xD83D);
    assert!(text.json.contains(r"\\ud83d He said"));
    open(&mut server, &uri, &text);
    let want = expected_symbols(&text);
    assert_eq!(
        want.iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        [
            "“troops \u{fffd} who remain”",
            "“the country \u{fffd} a decade later”"
        ]
    );
    assert_eq!(server.document_symbols(&uri), want);
    still_right_after_open(&mut server, &ws);
    assert!(server.shutdown().success());
}

/// Open `NOTE` as another note and check a hover on it (the server is still serving).
fn still_right_after_open(server: &mut StdioServer, ws: &tempfile::TempDir) {
    let uri = file_uri(&ws.path().join("notes").join("other.md"));
    open(server, &uri, &ClientText::default().text(NOTE));
    still_right(server, &uri);
}

#[test]
fn lone_surrogates_in_did_change_keep_the_servers_text_the_clients() {
    let ws = workspace(&[&seeds()]);
    let (mut server, uri) = started(ws.path());
    let mut text = ClientText::default().text(NOTE);
    open(&mut server, &uri, &text);

    // An edit that inserts lone surrogates before and inside a new quotation, then one whose
    // positions (the client's) are after them: both must land where the client put them.
    let inserted = ClientText::default()
        .lone(0xD83D)
        .text(" “troops ")
        .lone(0xDC00)
        .escaped(&[0xD83D, 0x41], "\\ud83d\\u0041")
        .text(" remain” ");
    let mut edit = |text: &mut ClientText,
                    version: i64,
                    at: (usize, usize),
                    end: (usize, usize),
                    new: &ClientText| {
        let (from, to) = (
            offset(&text.units, at.0, at.1),
            offset(&text.units, end.0, end.1),
        );
        let range = json!({"start": position(&text.units, from), "end": position(&text.units, to)});
        let msg = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": range, "text": "@@TEXT@@"}]
        }});
        server.send_raw(&frame_with_text(&msg, new));
        text.units.splice(from..to, new.units.iter().copied());
    };
    edit(&mut text, 2, (2, 0), (2, 0), &inserted);
    // "remain" of the new quotation becomes "stay".
    let remain = String::from_utf16_lossy(&text.units)
        .find("remain”")
        .unwrap();
    let at = String::from_utf16_lossy(&text.units)[..remain]
        .encode_utf16()
        .count()
        - offset(&text.units, 2, 0);
    edit(
        &mut text,
        3,
        (2, at),
        (2, at + 6),
        &ClientText::default().text("stay"),
    );
    server.diagnostics(&uri, 3);

    let want = expected_symbols(&text);
    assert_eq!(
        want.iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        [
            "“troops \u{fffd}\u{fffd}A stay”",
            "“The 5,000 troops who remain the country a decade later”"
        ]
    );
    assert_eq!(server.document_symbols(&uri), want);
    assert!(server.shutdown().success());
}

#[test]
fn requests_with_lone_surrogates_invalid_utf8_or_no_json_are_answered() {
    let ws = workspace(&[&seeds()]);
    let (mut server, uri) = started(ws.path());
    open(&mut server, &uri, &ClientText::default().text(NOTE));

    // A lone surrogate in a request: answered as if it were U+FFFD.
    server.send_raw(&raw_frame(hover(9001, &uri, r"a\ud83d").as_bytes()));
    assert_hover(&answer(&mut server, json!(9001)));
    still_right(&mut server, &uri);

    // Invalid UTF-8 in a request: answered as if each bad byte were U+FFFD.
    let body = hover(9002, &uri, "a@@b").replace("@@", "\u{1}");
    let body = body
        .as_bytes()
        .iter()
        .map(|&b| if b == 1 { 0xFF } else { b })
        .collect::<Vec<_>>();
    assert!(std::str::from_utf8(&body).is_err());
    server.send_raw(&raw_frame(&body));
    assert_hover(&answer(&mut server, json!(9002)));
    still_right(&mut server, &uri);

    // Not JSON, but with an id: a parse error for that id.
    let broken = hover(9003, &uri, "x").replace("\"params\":{", "\"params\":{]");
    server.send_raw(&raw_frame(broken.as_bytes()));
    let r = answer(&mut server, json!(9003));
    assert_eq!(r["error"]["code"], -32700, "{r}");
    still_right(&mut server, &uri);

    // Not JSON at all: a parse error with a null id.
    server.send_raw(&raw_frame(b"{\"jsonrpc\":\xff 2.0"));
    let r = answer(&mut server, Value::Null);
    assert_eq!(r["error"]["code"], -32700, "{r}");
    still_right(&mut server, &uri);

    // JSON, but not a JSON-RPC request: an invalid-request error for its id.
    server.send_raw(&raw_frame(
        br#"{"jsonrpc":"1.0","id":9004,"method":"textDocument/hover"}"#,
    ));
    let r = answer(&mut server, json!(9004));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    still_right(&mut server, &uri);
    assert!(server.shutdown().success());
}

#[test]
fn a_content_length_too_large_does_not_hold_up_the_next_message() {
    let ws = workspace(&[&seeds()]);
    let (mut server, uri) = started(ws.path());
    open(&mut server, &uri, &ClientText::default().text(NOTE));
    for (id, extra) in [(9101, 5000), (9102, 0)] {
        let body = hover(id, &uri, "x");
        let len = if extra == 0 {
            1_000_000_000
        } else {
            body.len() + extra
        };
        let mut frame = format!("Content-Length: {len}\r\n\r\n").into_bytes();
        frame.extend(body.as_bytes());
        server.send_raw(&frame);
        // The next message is answered, and so is the short frame's own request.
        still_right(&mut server, &uri);
        assert_hover(&answer(&mut server, json!(id)));
    }
    // A body that is not JSON, with a length too large: the next message gets through.
    server.send_raw(b"Content-Length: 5000\r\n\r\n{\"jsonrpc\": \"2.0\", \"id\": 9103, ");
    still_right(&mut server, &uri);
    let r = answer(&mut server, json!(9103));
    assert_eq!(r["error"]["code"], -32700, "{r}");
    assert!(server.shutdown().success());
}
