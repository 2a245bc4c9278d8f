//! What to do with one body: pass it on as a JSON-RPC message (repaired if need be), answer
//! it with an error, or drop it.
//!
//! Invariants:
//! - A body that tower-lsp-server can read is passed on unchanged.
//! - Otherwise invalid UTF-8 bytes become U+FFFD, and so does each lone UTF-16 surrogate
//!   escape in a JSON string (`\ud83d` with no low surrogate escape after it, or a lone
//!   `\udc00`): one UTF-16 code unit for one, so the positions an editor counts in its
//!   UTF-16 buffer stay right. Escaped backslashes (`\\ud83d`) and valid pairs are kept.
//! - A request is always answered: a body that is still not JSON gets a parse error
//!   (-32700) with its `id` if one can be found at the top level (else `null`); JSON with a
//!   `method` and an `id` that is not a valid request gets an invalid-request error (-32600).
//!   Anything else (a malformed notification or response, a bare value) is dropped.

use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// What tower-lsp-server's codec reads a frame as (its own `Message` is private): anything
/// else would stop it.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only parsed, to check the shape
enum Message {
    Response(Response),
    Request(Request),
}

/// What becomes of a body.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// A message for the server (the body, or its repair).
    Pass(Vec<u8>, Repaired),
    /// Not a message: the error response for the client.
    Answer(Response),
    /// Not a message, and not a request: dropped (why, for the log).
    Drop(&'static str),
}

/// Whether a passed message had to be repaired.
#[derive(Debug, PartialEq)]
pub enum Repaired {
    No,
    Yes,
}

/// Decide what becomes of `body`.
pub fn read(body: Vec<u8>) -> Verdict {
    if body.trim_ascii().is_empty() {
        return Verdict::Drop("an empty body");
    }
    if is_message(body.as_slice()) {
        return Verdict::Pass(body, Repaired::No);
    }
    let text = repaired(&body);
    if text.as_bytes() != body.as_slice() && is_message(text.as_bytes()) {
        return Verdict::Pass(text.into_owned().into_bytes(), Repaired::Yes);
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(fields)) if fields.contains_key("method") && fields.contains_key("id") => {
            let id = fields
                .get("id")
                .and_then(|id| Id::deserialize(id).ok())
                .unwrap_or(Id::Null);
            Verdict::Answer(Response::from_error(
                id,
                error(
                    ErrorCode::InvalidRequest,
                    "Invalid request: not a JSON-RPC 2.0 request",
                ),
            ))
        }
        Ok(_) => Verdict::Drop("JSON that is not a JSON-RPC message"),
        Err(e) => Verdict::Answer(Response::from_error(
            top_level_id(&text).unwrap_or(Id::Null),
            error(ErrorCode::ParseError, &format!("Parse error: {e}")),
        )),
    }
}

fn is_message(body: &[u8]) -> bool {
    serde_json::from_slice::<Message>(body).is_ok()
}

fn error(code: ErrorCode, message: &str) -> Error {
    Error {
        code,
        message: message.to_string().into(),
        data: None,
    }
}

/// `body` as UTF-8 with invalid bytes and lone surrogate escapes replaced by U+FFFD.
fn repaired(body: &[u8]) -> Cow<'_, str> {
    match String::from_utf8_lossy(body) {
        Cow::Borrowed(text) => lone_surrogates_replaced(text),
        Cow::Owned(text) => Cow::Owned(lone_surrogates_replaced(&text).into_owned()),
    }
}

/// `json` with each lone surrogate escape inside a string replaced by `\ufffd`.
fn lone_surrogates_replaced(json: &str) -> Cow<'_, str> {
    let b = json.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                let unit = (b.get(i + 1) == Some(&b'u'))
                    .then(|| hex4(b, i + 2))
                    .flatten();
                match unit {
                    Some(0xD800..=0xDBFF)
                        if matches!(low_after(b, i + 6), Some(0xDC00..=0xDFFF)) =>
                    {
                        // A valid pair: both escapes stay.
                        i += 12;
                        continue;
                    }
                    Some(0xD800..=0xDFFF) => {
                        out.push_str(&json[copied..i]);
                        out.push_str("\\ufffd");
                        copied = i + 6;
                        i += 6;
                        continue;
                    }
                    Some(_) => {
                        i += 6;
                        continue;
                    }
                    // Any other escape is two bytes (`\\` and `\"` included).
                    None => i += 1,
                }
            }
            _ => {}
        }
        i += 1;
    }
    if copied == 0 {
        return Cow::Borrowed(json);
    }
    out.push_str(&json[copied..]);
    Cow::Owned(out)
}

/// The code unit of a `\uXXXX` escape at `at`.
fn low_after(b: &[u8], at: usize) -> Option<u16> {
    (b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u'))
        .then(|| hex4(b, at + 2))
        .flatten()
}

/// Four hex digits at `at`.
fn hex4(b: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|d| d.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

/// The value of an `"id"` member of the top-level object of `text`, which is not JSON
/// (as far as it can be read: brackets counted outside strings).
fn top_level_id(text: &str) -> Option<Id> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let end = string_end(b, i)?;
                if depth == 1 && &b[i..end] == b"\"id\"" {
                    let rest = text[end..].trim_start().strip_prefix(':')?;
                    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<Id>();
                    if let Some(Ok(id)) = values.next() {
                        return Some(id);
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Just after the string that starts (with its `"`) at `start`.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(json: &str) -> String {
        lone_surrogates_replaced(json).into_owned()
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(fixed(r#"{"t":"a\ud83db"}"#), r#"{"t":"a\ufffdb"}"#);
        assert_eq!(fixed(r#"{"t":"\udc00"}"#), r#"{"t":"\ufffd"}"#);
        assert_eq!(fixed(r#"{"t":"\ud83d\n"}"#), r#"{"t":"\ufffd\n"}"#);
        assert_eq!(
            fixed(r#"{"t":"\uD83D\uD83D\uDE00"}"#),
            r#"{"t":"\ufffd\uD83D\uDE00"}"#
        );
        assert_eq!(fixed(r#"{"t":"\ude00\ud83d"}"#), r#"{"t":"\ufffd\ufffd"}"#);
        assert_eq!(fixed(r#"{"t":"x\ud83d"#), r#"{"t":"x\ufffd"#);
    }

    #[test]
    fn pairs_escaped_backslashes_and_other_escapes_stay() {
        for json in [
            r#"{"t":"\ud83d\ude00"}"#,
            r#"{"t":"\\ud83d","u":"\\\ud83d\ude00"}"#,
            r#"{"t":"\"\ud83d\ude00\u0041\n","k\\":1}"#,
            r#"{"t":"😀 \u00e9"}"#,
        ] {
            assert_eq!(lone_surrogates_replaced(json), Cow::Borrowed(json));
        }
        // Outside strings nothing is an escape (and the text is not JSON anyway).
        assert_eq!(fixed(r#"\ud83d"\ud83d""#), r#"\ud83d"\ufffd""#);
    }

    fn request(params: &str) -> Vec<u8> {
        format!(r#"{{"jsonrpc":"2.0","id":3,"method":"m","params":{params}}}"#).into_bytes()
    }

    #[test]
    fn messages_pass_repaired_if_need_be() {
        let good = request(r#"{"t":"\ud83d\ude00"}"#);
        assert_eq!(read(good.clone()), Verdict::Pass(good, Repaired::No));
        assert_eq!(
            read(request(r#"{"t":"a\ud83d"}"#)),
            Verdict::Pass(request(r#"{"t":"a\ufffd"}"#), Repaired::Yes)
        );
        let mut bad_utf8 = request(r#"{"t":"a#b"}"#);
        let hash = bad_utf8.iter().position(|&b| b == b'#').unwrap();
        bad_utf8.splice(hash..=hash, [0xff, 0xc3]);
        assert_eq!(
            read(bad_utf8),
            Verdict::Pass(request("{\"t\":\"a\u{fffd}\u{fffd}b\"}"), Repaired::Yes)
        );
    }

    fn answer(body: &str) -> Value {
        match read(body.as_bytes().to_vec()) {
            Verdict::Answer(r) => serde_json::to_value(r).unwrap(),
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn requests_that_cannot_be_read_are_answered_with_their_id() {
        let r = answer(r#"{"jsonrpc":"2.0","params":{"id":5,"x":[}],"id":"a\"b","method":"m""#);
        assert_eq!(r["id"], "a\"b", "{r}");
        assert_eq!(r["error"]["code"], -32700, "{r}");
        let r = answer(r#"{"jsonrpc":"2.0","params":{"id":5},"method":"m","id":12,}"#);
        assert_eq!((&r["id"], &r["error"]["code"]), (&json(12), &json(-32700)));
        let r = answer("not json");
        assert_eq!(
            (&r["id"], &r["error"]["code"]),
            (&Value::Null, &json(-32700))
        );
        let r = answer(r#"{"jsonrpc":"1.0","id":7,"method":"m"}"#);
        assert_eq!((&r["id"], &r["error"]["code"]), (&json(7), &json(-32600)));
        let r = answer(r#"{"jsonrpc":"2.0","id":[1],"method":3}"#);
        assert_eq!(
            (&r["id"], &r["error"]["code"]),
            (&Value::Null, &json(-32600))
        );
    }

    fn json(n: i64) -> Value {
        Value::from(n)
    }

    #[test]
    fn other_bodies_are_dropped() {
        for body in [
            "",
            " \r\n",
            "[1,2]",
            "42",
            "{}",
            r#"{"jsonrpc":"2.0","method":7}"#,
        ] {
            assert!(
                matches!(read(body.as_bytes().to_vec()), Verdict::Drop(_)),
                "{body}"
            );
        }
    }
}
