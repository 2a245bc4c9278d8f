//! The HTTP response inside a WARC `response` (or `revisit`) record: its status and
//! headers (parsed by `httparse`), and its body de-chunked and content-decoded.
//!
//! Lenient where crawlers differ: `HTTP/2` and `HTTP/3` status lines are read as HTTP/1.1
//! ones; a body declared chunked or gzip-encoded that is not (some crawlers store what
//! the browser saw, already decoded, under the original headers) is taken as it is.
//!
//! Invariant: a decoded body never exceeds [`ArchiveLimits::max_payload_bytes`] (a body
//! that would is an `Err` note) and every inflated byte is counted against the budget.

use super::records::{Budget, Counted};
use std::borrow::Cow;
use std::io::Read;

/// Most header lines in one HTTP response head.
const MAX_HEADERS: usize = 256;

/// An HTTP response as recorded.
pub(super) struct Response<'a> {
    pub status: u16,
    headers: Vec<(String, String)>,
    /// The body as stored (perhaps chunked, perhaps compressed).
    pub raw_body: &'a [u8],
}

impl Response<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The HTTP response head at the start of `block`, or why it is not one.
pub(super) fn parse(block: &[u8]) -> Result<Response<'_>, String> {
    // httparse reads HTTP/1.x only; an HTTP/2 or /3 status line has the same shape.
    let head: Cow<[u8]> = match block.get(..6) {
        Some(b"HTTP/2" | b"HTTP/3") => {
            let version_end = block.iter().position(|b| *b == b' ').unwrap_or(6);
            let mut v = b"HTTP/1.1".to_vec();
            v.extend_from_slice(&block[version_end..]);
            Cow::Owned(v)
        }
        _ => Cow::Borrowed(block),
    };
    let shift = head.len() as isize - block.len() as isize;
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let parsed = httparse::ParserConfig::default()
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .ignore_invalid_headers_in_responses(true)
        .parse_response(&mut response, &head);
    let head_len = match parsed {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("its HTTP head is cut short".into()),
        Err(e) => return Err(format!("not an HTTP response ({e})")),
    };
    let status = response.code.ok_or("no HTTP status")?;
    let headers = response
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    let body_start = (head_len as isize - shift).clamp(0, block.len() as isize) as usize;
    Ok(Response {
        status,
        headers,
        raw_body: &block[body_start..],
    })
}

/// Why a body was not decoded.
pub(super) enum BodyError {
    /// The page is skipped, and this says why.
    Skip(String),
    /// A bound of the limits was passed: reading stops.
    Bound(String),
}

/// The body as the server meant it: de-chunked, then content-decoded. A note (`Ok`'s second
/// part) says what was odd but did not stop it being read.
pub(super) fn body(
    response: &Response<'_>,
    budget: &Budget,
) -> Result<(Vec<u8>, Option<String>), BodyError> {
    let mut note = None;
    let chunked = response
        .header("Transfer-Encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let mut bytes: Cow<[u8]> = Cow::Borrowed(response.raw_body);
    if chunked {
        let (joined, cut) = dechunk(response.raw_body);
        if let Some(joined) = joined {
            bytes = Cow::Owned(joined);
            if cut {
                note = Some(
                    "its chunked body is cut short: the chunks that are there are read".into(),
                );
            }
        }
    }
    let encodings = response.header("Content-Encoding").unwrap_or("");
    for coding in encodings.rsplit(',') {
        let coding = coding.trim().to_ascii_lowercase();
        bytes = match coding.as_str() {
            "" | "identity" | "none" => bytes,
            "gzip" | "x-gzip" if bytes.starts_with(&[0x1f, 0x8b]) => Cow::Owned(inflate(
                flate2::read::MultiGzDecoder::new(&bytes[..]),
                "gzip",
                budget,
            )?),
            "deflate" if zlib_header(&bytes) => Cow::Owned(inflate(
                flate2::read::ZlibDecoder::new(&bytes[..]),
                "deflate",
                budget,
            )?),
            "deflate" if !bytes.is_empty() => Cow::Owned(inflate(
                flate2::read::DeflateDecoder::new(&bytes[..]),
                "deflate",
                budget,
            )?),
            // Declared but not compressed: stored as the browser saw it.
            "gzip" | "x-gzip" | "deflate" => bytes,
            "br" => {
                return Err(BodyError::Skip(
                    "its body is brotli-compressed (Content-Encoding: br), which sourced \
                     does not read"
                        .into(),
                ))
            }
            other => {
                return Err(BodyError::Skip(format!(
                    "its body has an unknown Content-Encoding {other:?}"
                )))
            }
        };
    }
    if bytes.len() as u64 > budget.limits.max_payload_bytes {
        return Err(BodyError::Skip(over_payload(budget)));
    }
    Ok((bytes.into_owned(), note))
}

fn over_payload(budget: &Budget) -> String {
    format!(
        "its body is over the max_payload_bytes limit of {} bytes",
        budget.limits.max_payload_bytes
    )
}

/// Whether `bytes` start with a zlib header (RFC 1950), as `deflate` should be.
fn zlib_header(bytes: &[u8]) -> bool {
    match bytes {
        [cmf, flg, ..] => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

/// All of `decoder`'s output, at most the payload limit, counted against the budget.
fn inflate(decoder: impl Read, name: &str, budget: &Budget) -> Result<Vec<u8>, BodyError> {
    let limit = budget.limits.max_payload_bytes;
    let mut out = Vec::new();
    let read = Counted {
        inner: decoder,
        budget,
    }
    .take(limit.saturating_add(1))
    .read_to_end(&mut out);
    if budget.over_total() {
        return Err(BodyError::Bound(budget.total_error()));
    }
    if let Err(e) = read {
        return Err(BodyError::Skip(format!(
            "its {name} body cannot be inflated ({e})"
        )));
    }
    if out.len() as u64 > limit {
        return Err(BodyError::Skip(over_payload(budget)));
    }
    Ok(out)
}

/// The chunks of a chunked body joined, and whether it is cut short; `None` when the body
/// does not start with a chunk (already de-chunked by the crawler).
fn dechunk(mut raw: &[u8]) -> (Option<Vec<u8>>, bool) {
    let mut out = Vec::with_capacity(raw.len());
    let mut first = true;
    loop {
        let (start, size) = match httparse::parse_chunk_size(raw) {
            Ok(httparse::Status::Complete(found)) => found,
            _ if first => return (None, false),
            _ => return (Some(out), true),
        };
        first = false;
        if size == 0 {
            return (Some(out), false);
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let rest = &raw[start..];
        if size > rest.len() {
            out.extend_from_slice(rest);
            return (Some(out), true);
        }
        out.extend_from_slice(&rest[..size]);
        raw = &rest[size..];
        raw = raw.strip_prefix(b"\r\n").unwrap_or(raw);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_joined_and_a_missing_last_chunk_is_a_cut() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"),
            (Some(b"hello world".to_vec()), false)
        );
        assert_eq!(dechunk(b"5\r\nhello\r\n"), (Some(b"hello".to_vec()), true));
        assert_eq!(dechunk(b"5\r\nhel"), (Some(b"hel".to_vec()), true));
        assert_eq!(dechunk(b"<html>"), (None, false));
    }

    #[test]
    fn an_http2_status_line_is_read() {
        let r = parse(b"HTTP/2 200\r\ncontent-type: text/html\r\n\r\n<p>x</p>").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("Content-Type"), Some("text/html"));
        assert_eq!(r.raw_body, b"<p>x</p>");
    }

    fn decoded(head: &str, raw: &[u8]) -> Result<Vec<u8>, String> {
        let mut block = format!("HTTP/1.1 200 OK\r\n{head}\r\n\r\n").into_bytes();
        block.extend_from_slice(raw);
        let response = parse(&block).unwrap();
        let budget = Budget::new(super::super::ArchiveLimits::default());
        match body(&response, &budget) {
            Ok((bytes, None)) => Ok(bytes),
            Ok((_, Some(note))) => Err(note),
            Err(BodyError::Skip(why) | BodyError::Bound(why)) => Err(why),
        }
    }

    #[test]
    fn deflate_bodies_with_or_without_a_zlib_header_are_inflated() {
        let text = b"<p>deflated text</p>";
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut zlib, text).unwrap();
        let zlib = zlib.finish().unwrap();
        let mut raw =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut raw, text).unwrap();
        let raw = raw.finish().unwrap();
        assert_eq!(decoded("Content-Encoding: deflate", &zlib).unwrap(), text);
        assert_eq!(decoded("Content-Encoding: deflate", &raw).unwrap(), text);
    }

    #[test]
    fn a_body_declared_gzip_but_stored_decoded_is_taken_as_it_is() {
        assert_eq!(
            decoded("Content-Encoding: gzip", b"<p>plain</p>").unwrap(),
            b"<p>plain</p>"
        );
    }

    #[test]
    fn brotli_and_unknown_encodings_are_skipped_with_a_reason() {
        assert_eq!(
            decoded("Content-Encoding: br", b"\x0b\x02\x80").unwrap_err(),
            "its body is brotli-compressed (Content-Encoding: br), which sourced does not read"
        );
        assert_eq!(
            decoded("Content-Encoding: zstd", b"x").unwrap_err(),
            "its body has an unknown Content-Encoding \"zstd\""
        );
    }

    #[test]
    fn a_cut_chunked_body_keeps_its_chunks_and_says_so() {
        assert_eq!(
            decoded("Transfer-Encoding: chunked", b"5\r\nhello\r\n").unwrap_err(),
            "its chunked body is cut short: the chunks that are there are read"
        );
    }
}
