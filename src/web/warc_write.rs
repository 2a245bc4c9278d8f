//! A capture as a WARC 1.1 file (`.warc.gz`): a `warcinfo` record, then for every hop of
//! the fetch, redirects included, a `request` and a `response` record, then one `metadata`
//! record with the redirect chain and the final URL.
//!
//! Invariants:
//! - each record is its own gzip member (as warcio and wget write them), so a reader can
//!   seek to any record;
//! - every `request` and `response` record has `WARC-Target-URI` (the hop's URL),
//!   `WARC-Date` (UTC, seconds, `2026-11-29T15:00:00Z`), a fresh `WARC-Record-ID`,
//!   `WARC-Block-Digest` and `WARC-Payload-Digest` (`sha256:` and base32, as warcio writes
//!   them); a request names its response in `WARC-Concurrent-To`;
//! - a redirect's response record keeps its `Location` header: a reader that follows the
//!   `Location` of 3xx responses rebuilds the chain without the metadata record;
//! - the file is written aside (a new name, `O_EXCL`) and then linked to its final name,
//!   which never replaces an existing file; no write goes through a link.

use super::fetch::{Fetched, Hop};
use data_encoding::BASE32;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// `sha256:` and the base32 of the SHA-256 of `bytes`, as warcio writes digests.
pub fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", BASE32.encode(&Sha256::digest(bytes)))
}

/// `t` in UTC to the second, RFC 3339: `2026-11-29T15:00:00Z`.
pub fn warc_date(t: SystemTime) -> String {
    let d = utc(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// `t` in UTC to the second, compact, for file names: `20261129T150000Z`.
pub fn compact_date(t: SystemTime) -> String {
    warc_date(t).replace(['-', ':'], "")
}

fn utc(t: SystemTime) -> time::OffsetDateTime {
    time::OffsetDateTime::from(t)
}

fn record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

/// One WARC record: its named fields (besides the ones every record has) and its block.
struct Record<'a> {
    kind: &'static str,
    id: String,
    date: String,
    fields: Vec<(&'static str, String)>,
    content_type: &'static str,
    block: &'a [u8],
}

impl Record<'_> {
    /// The record, gzipped as its own member.
    fn gzipped(&self) -> io::Result<Vec<u8>> {
        let mut head = format!(
            "WARC/1.1\r\nWARC-Type: {}\r\nWARC-Record-ID: {}\r\nWARC-Date: {}\r\n",
            self.kind, self.id, self.date
        );
        for (name, value) in &self.fields {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Type: {}\r\nContent-Length: {}\r\n\r\n",
            self.content_type,
            self.block.len()
        ));
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(head.as_bytes())?;
        gz.write_all(self.block)?;
        gz.write_all(b"\r\n\r\n")?;
        gz.finish()
    }
}

/// The bytes of the `.warc.gz` of `fetched`, named `file_name`, fetched at `fetched_at`.
pub fn capture_bytes(
    fetched: &Fetched,
    file_name: &str,
    fetched_at: SystemTime,
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let info = format!(
        "software: sourced/{}\r\nformat: WARC File Format 1.1\r\n",
        env!("CARGO_PKG_VERSION")
    );
    out.extend(
        Record {
            kind: "warcinfo",
            id: record_id(),
            date: warc_date(fetched_at),
            fields: vec![("WARC-Filename", file_name.to_string())],
            content_type: "application/warc-fields",
            block: info.as_bytes(),
        }
        .gzipped()?,
    );
    let mut final_id = String::new();
    for hop in &fetched.hops {
        let (request, response, response_id) = hop_records(hop)?;
        out.extend(request);
        out.extend(response);
        final_id = response_id;
    }
    let last = fetched.last();
    let mut meta = format!(
        "original-url: {}\r\nfinal-url: {}\r\nfetched-at: {}\r\n",
        fetched.hops[0].url,
        last.url,
        warc_date(fetched_at)
    );
    for hop in &fetched.hops {
        meta.push_str(&format!("hop: {} {}\r\n", hop.status, hop.url));
    }
    out.extend(
        Record {
            kind: "metadata",
            id: record_id(),
            date: warc_date(fetched_at),
            fields: vec![
                ("WARC-Target-URI", fetched.hops[0].url.clone()),
                ("WARC-Refers-To", final_id),
            ],
            content_type: "application/warc-fields",
            block: meta.as_bytes(),
        }
        .gzipped()?,
    );
    Ok(out)
}

/// The request and response records of `hop` (gzipped), and the response's record id.
fn hop_records(hop: &Hop) -> io::Result<(Vec<u8>, Vec<u8>, String)> {
    let date = warc_date(hop.sent_at);
    let response_id = record_id();
    let request = Record {
        kind: "request",
        id: record_id(),
        date: date.clone(),
        fields: vec![
            ("WARC-Target-URI", hop.url.clone()),
            ("WARC-Concurrent-To", response_id.clone()),
            ("WARC-Block-Digest", digest(&hop.request_head)),
            ("WARC-Payload-Digest", digest(b"")),
        ],
        content_type: "application/http;msgtype=request",
        block: &hop.request_head,
    }
    .gzipped()?;
    let mut block = hop.response_head.clone();
    block.extend_from_slice(&hop.body);
    let response = Record {
        kind: "response",
        id: response_id.clone(),
        date,
        fields: vec![
            ("WARC-Target-URI", hop.url.clone()),
            ("WARC-Block-Digest", digest(&block)),
            ("WARC-Payload-Digest", digest(&hop.body)),
        ],
        content_type: "application/http;msgtype=response",
        block: &block,
    }
    .gzipped()?;
    Ok((request, response, response_id))
}

/// Write `bytes` as a new file `name` in `folder` (a real folder, already confined): written
/// aside under a fresh name, then linked to `name` (or `name` with `-2`, `-3`… before the
/// extension when taken). Never replaces a file and never writes through a link. Returns
/// the path written.
pub fn write_into(folder: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let aside = folder.join(format!(
        ".{name}.{}-{}.part",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    crate::disk::confine::write_new(&aside, bytes).inspect_err(|_| {
        let _ = std::fs::remove_file(&aside);
    })?;
    let result = place(&aside, folder, name);
    let _ = std::fs::remove_file(&aside);
    result
}

/// Link `aside` to the first free name of `name`, `name-2`, … in `folder`.
fn place(aside: &Path, folder: &Path, name: &str) -> io::Result<PathBuf> {
    let (stem, ext) = name.split_once('.').unwrap_or((name, ""));
    for n in 1..1000 {
        let candidate = if n == 1 {
            name.to_string()
        } else if ext.is_empty() {
            format!("{stem}-{n}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let target = folder.join(candidate);
        match std::fs::hard_link(aside, &target) {
            Ok(()) => return Ok(target),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // A filesystem without hard links: rename, after checking the name is free
            // (a race with another writer of the same second is the only way to lose).
            Err(_) if std::fs::symlink_metadata(&target).is_err() => {
                std::fs::rename(aside, &target)?;
                return Ok(target);
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{name}: too many captures with this name"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_utc_to_the_second() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_795_964_400_250);
        assert_eq!(warc_date(t), "2026-11-29T15:00:00Z");
        assert_eq!(compact_date(t), "20261129T150000Z");
    }

    #[test]
    fn digests_are_sha256_in_padded_base32_as_warcio_writes_them() {
        // base64.b32encode(hashlib.sha256(b"").digest())
        assert_eq!(
            digest(b""),
            "sha256:4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ===="
        );
    }

    #[test]
    fn a_taken_name_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_into(dir.path(), "a.warc.gz", b"one").unwrap();
        let second = write_into(dir.path(), "a.warc.gz", b"two").unwrap();
        assert_eq!(first, dir.path().join("a.warc.gz"));
        assert_eq!(second, dir.path().join("a-2.warc.gz"));
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
        assert_eq!(std::fs::read(&second).unwrap(), b"two");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "no part file left: {left:?}");
    }
}
