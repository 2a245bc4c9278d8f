//! Web archives for tests, written record by record (each record its own gzip member, as
//! the WARC standard's annex recommends), so that a test says exactly what an archive holds:
//! responses, redirects, revisits. Independent of `sourced::web`'s writer.

use std::io::Write;

/// One record: its WARC type, target address, date, and HTTP message (head and body).
pub struct Record {
    pub kind: &'static str,
    pub url: String,
    pub date: String,
    pub http: Vec<u8>,
}

impl Record {
    /// A `200 OK` response with `content_type` and `body`.
    pub fn page(url: &str, date: &str, content_type: &str, body: &[u8]) -> Record {
        let mut http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        http.extend_from_slice(body);
        Record {
            kind: "response",
            url: url.into(),
            date: date.into(),
            http,
        }
    }

    /// A `301` response to `to`.
    pub fn redirect(url: &str, date: &str, to: &str) -> Record {
        Record {
            kind: "response",
            url: url.into(),
            date: date.into(),
            http: format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n"
            )
            .into_bytes(),
        }
    }
}

/// An HTML page with a title and one `<p>` per paragraph.
pub fn html(title: &str, paragraphs: &[&str]) -> Vec<u8> {
    let mut out = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><article><h1>{title}</h1>"
    );
    for p in paragraphs {
        out.push_str(&format!("<p>{p}</p>"));
    }
    out.push_str("</article></body></html>");
    out.into_bytes()
}

/// The bytes of a `.warc.gz` holding `records` (a `warcinfo` record first).
pub fn warc_gz(records: &[Record]) -> Vec<u8> {
    let mut out = Vec::new();
    let info = b"software: sourced tests\r\nformat: WARC File Format 1.1\r\n".to_vec();
    member(
        &mut out,
        "warcinfo",
        None,
        "2026-01-01T00:00:00Z",
        "application/warc-fields",
        &info,
    );
    for r in records {
        member(
            &mut out,
            r.kind,
            Some(&r.url),
            &r.date,
            "application/http;msgtype=response",
            &r.http,
        );
    }
    out
}

fn member(
    out: &mut Vec<u8>,
    kind: &str,
    url: Option<&str>,
    date: &str,
    content_type: &str,
    block: &[u8],
) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut head = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{id:012}>\r\nWARC-Date: {date}\r\n"
    );
    if let Some(url) = url {
        head.push_str(&format!("WARC-Target-URI: {url}\r\n"));
    }
    head.push_str(&format!(
        "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    ));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(head.as_bytes()).unwrap();
    gz.write_all(block).unwrap();
    gz.write_all(b"\r\n\r\n").unwrap();
    out.extend(gz.finish().unwrap());
}
