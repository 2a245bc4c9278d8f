//! A web page's bytes to text, in the order the WHATWG encoding sniffing algorithm uses: a
//! byte order mark, then the `charset` of the HTTP `Content-Type`, then a `<meta charset>`
//! or `<meta http-equiv="Content-Type" content="…charset=…">` in the first 1024 bytes, then
//! UTF-8 if the bytes are valid UTF-8, else windows-1252 (what browsers fall back to for
//! Western pages). Labels are resolved by `encoding_rs` (the WHATWG label table, so
//! `latin1` and `iso-8859-1` are windows-1252, as in browsers).
//!
//! Unlike [`super::decode`] (source files on disk, which must be UTF-8), a web page is never
//! refused: bytes its encoding cannot map become U+FFFD, and the note says how many.
//!
//! Invariant: always returns text; the note is `Some` when something was guessed, a label
//! was unknown, or bytes were replaced.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// How far into the page the `<meta>` prescan looks (the WHATWG prescan's 1024 bytes).
const PRESCAN_BYTES: usize = 1024;

/// The text of a page, and a note when its encoding was guessed or bytes were replaced.
pub fn decode_page(body: &[u8], content_type: Option<&str>) -> (String, Option<String>) {
    let mut notes: Vec<String> = Vec::new();
    let (encoding, why) = if let Some((bom, _)) = Encoding::for_bom(body) {
        (bom, "its byte order mark")
    } else if let Some(enc) = content_type.and_then(|ct| declared(ct, "Content-Type", &mut notes)) {
        (enc, "the HTTP Content-Type")
    } else if let Some(enc) = meta_charset(body, &mut notes) {
        (enc, "its <meta> charset")
    } else if std::str::from_utf8(body).is_ok() {
        (UTF_8, "")
    } else {
        notes.push("no charset declared and not UTF-8: read as windows-1252".into());
        (WINDOWS_1252, "")
    };
    // `decode` strips a BOM (and lets it win, as browsers do).
    let (text, used, had_errors) = encoding.decode(body);
    if had_errors {
        let replaced = text.matches('\u{FFFD}').count();
        let by = if why.is_empty() {
            String::new()
        } else {
            format!(", as {why} says,")
        };
        notes.push(format!(
            "{replaced} bytes not valid in {}{by} were replaced by U+FFFD",
            used.name()
        ));
    }
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    (text.into_owned(), note)
}

/// The encoding a `charset=` parameter in `value` names, if any. An unknown label is noted
/// and ignored. UTF-16 labels in a page's own bytes mean UTF-8 (WHATWG: a page cannot
/// declare UTF-16 in ASCII), and `x-user-defined` means windows-1252.
fn declared(value: &str, place: &str, notes: &mut Vec<String>) -> Option<&'static Encoding> {
    let label = charset_param(value)?;
    match Encoding::for_label(label.as_bytes()) {
        Some(enc) => Some(enc),
        None => {
            notes.push(format!("unknown charset {label:?} in the {place}: ignored"));
            None
        }
    }
}

/// The value of the `charset` parameter of a media type or `content` attribute.
fn charset_param(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = value[at + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let label: String = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].chars().take_while(|c| *c != q).collect(),
        _ => rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ';' && *c != '"' && *c != '\'')
            .collect(),
    };
    let label = label.trim().to_string();
    (!label.is_empty()).then_some(label)
}

/// The charset a `<meta>` tag in the first 1024 bytes declares (comments skipped).
fn meta_charset(body: &[u8], notes: &mut Vec<String>) -> Option<&'static Encoding> {
    static META: OnceLock<Regex> = OnceLock::new();
    static ATTR: OnceLock<Regex> = OnceLock::new();
    static COMMENT: OnceLock<Regex> = OnceLock::new();
    let meta = META.get_or_init(|| Regex::new(r"(?i-u)<meta[\s/][^>]*>").expect("valid"));
    let attr = ATTR.get_or_init(|| {
        Regex::new(r#"(?i-u)([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"#).expect("valid")
    });
    let comment = COMMENT.get_or_init(|| Regex::new(r"(?s-u)<!--.*?-->").expect("valid"));
    let head = &body[..body.len().min(PRESCAN_BYTES)];
    let head = comment.replace_all(head, &b""[..]);
    for tag in meta.find_iter(&head) {
        let (mut charset, mut http_equiv, mut content) = (None, false, None);
        for a in attr.captures_iter(tag.as_bytes()) {
            let value = a
                .get(2)
                .or(a.get(3))
                .or(a.get(4))
                .map_or(&b""[..], |m| m.as_bytes());
            let value = String::from_utf8_lossy(value).trim().to_string();
            match a[1].to_ascii_lowercase().as_slice() {
                b"charset" => charset = charset.or(Some(value)),
                b"http-equiv" => http_equiv = value.eq_ignore_ascii_case("content-type"),
                b"content" => content = content.or(Some(value)),
                _ => {}
            }
        }
        let label = match (charset, http_equiv, content) {
            (Some(label), _, _) => label,
            (None, true, Some(content)) => match charset_param(&content) {
                Some(label) => label,
                None => continue,
            },
            _ => continue,
        };
        let Some(enc) = Encoding::for_label(label.as_bytes()) else {
            notes.push(format!(
                "unknown charset {label:?} in a <meta> tag: ignored"
            ));
            continue;
        };
        return Some(
            if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
                UTF_8
            } else if enc == encoding_rs::X_USER_DEFINED {
                WINDOWS_1252
            } else {
                enc
            },
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp1252(s: &str) -> Vec<u8> {
        WINDOWS_1252.encode(s).0.into_owned()
    }

    #[test]
    fn a_bom_wins_over_every_declaration() {
        let mut body = b"\xEF\xBB\xBF".to_vec();
        body.extend("<meta charset=windows-1252>\u{201C}x\u{201D}".as_bytes());
        let (text, note) = decode_page(&body, Some("text/html; charset=iso-8859-2"));
        assert_eq!(text, "<meta charset=windows-1252>\u{201C}x\u{201D}");
        assert_eq!(note, None);
    }

    #[test]
    fn the_http_charset_wins_over_the_meta_tag() {
        let body = cp1252("<meta charset=\"utf-8\"><p>\u{201C}caf\u{e9}\u{201D}</p>");
        let (text, note) = decode_page(&body, Some("text/html; charset=\"Windows-1252\""));
        assert_eq!(
            text,
            "<meta charset=\"utf-8\"><p>\u{201C}caf\u{e9}\u{201D}</p>"
        );
        assert_eq!(note, None);
    }

    #[test]
    fn a_meta_charset_or_http_equiv_is_honoured_without_an_http_charset() {
        let body = cp1252("<html><head><meta charset=windows-1252><title>\u{201C}</title>");
        assert_eq!(
            decode_page(&body, Some("text/html")).0,
            "<html><head><meta charset=windows-1252><title>\u{201C}</title>"
        );
        let body = cp1252(
            "<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>caf\u{e9}",
        );
        let (text, note) = decode_page(&body, None);
        assert!(text.ends_with("caf\u{e9}"), "{text}");
        assert_eq!(note, None);
    }

    #[test]
    fn a_meta_tag_past_1024_bytes_or_in_a_comment_is_not_read() {
        let mut body = vec![b' '; 1100];
        body.extend(cp1252("<meta charset=windows-1252>\u{201C}"));
        let (text, note) = decode_page(&body, None);
        // Not UTF-8, so windows-1252 all the same, but by the fallback, which says so.
        assert!(text.ends_with('\u{201C}'));
        assert_eq!(
            note.as_deref(),
            Some("no charset declared and not UTF-8: read as windows-1252")
        );
        let body = "<!-- <meta charset=windows-1252> --><p>\u{201C}</p>".as_bytes();
        assert_eq!(
            decode_page(body, None),
            (String::from_utf8(body.to_vec()).unwrap(), None)
        );
    }

    #[test]
    fn undeclared_utf8_is_utf8_and_an_unknown_label_is_noted() {
        let body = "<p>\u{201C}ok\u{201D}</p>".as_bytes();
        let (text, note) = decode_page(body, Some("text/html; charset=klingon"));
        assert_eq!(text, "<p>\u{201C}ok\u{201D}</p>");
        assert_eq!(
            note.as_deref(),
            Some("unknown charset \"klingon\" in the Content-Type: ignored")
        );
    }

    #[test]
    fn bytes_invalid_in_the_declared_charset_are_replaced_and_counted() {
        let (text, note) = decode_page(b"a\xFFb\xFEc", Some("text/plain; charset=utf-8"));
        assert_eq!(text, "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(
            note.as_deref(),
            Some("2 bytes not valid in UTF-8, as the HTTP Content-Type says, were replaced by U+FFFD")
        );
    }

    #[test]
    fn a_meta_utf16_label_means_utf8() {
        let body = "<meta charset=utf-16>\u{e9}".as_bytes();
        assert_eq!(decode_page(body, None).0, "<meta charset=utf-16>\u{e9}");
    }
}
