//! WARC records out of the bytes of a `.warc` or `.warc.gz` file: each record's id (its
//! byte offset in the file as stored), its named fields and its block.
//!
//! A `.warc.gz` is read gzip member by member (writers put one record in each, so a
//! member's offset in the compressed file is where a reader can seek to): the decoder
//! consumes exactly one member, so the next member's offset is known. A member holding
//! several records names the later ones `MEMBER+INFLATED_OFFSET`.
//!
//! Invariants: never panics, never loops without consuming input, and never inflates more
//! than [`ArchiveLimits::max_total_bytes`] in all (counted as produced, whatever a header
//! claims) nor holds a block over [`ArchiveLimits::max_payload_bytes`] (such a record is
//! read past and noted). A damaged record is noted and reading resumes at the next
//! `WARC/1.` line (`.warc`) or the next gzip member (`.warc.gz`); a file cut short keeps
//! every whole record before the cut, and a note names the cut. A gzip member's records go
//! out only once it ends cleanly (its CRC checked) or the file ends inside it; those of a
//! damaged member are dropped, since what was inflated before the damage is unchecked.

use super::{ArchiveLimits, Notes};
use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};

/// The first bytes of a gzip member (magic and the deflate method).
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A record's header (version line and fields) longer than this is not a WARC header.
const MAX_HEAD: u64 = 64 * 1024;

/// One WARC record, as stored.
#[derive(Debug)]
pub(super) struct RawRecord {
    /// Its stable id within the file (see the module doc).
    pub id: String,
    pub fields: Fields,
    pub block: Vec<u8>,
}

/// A record's named fields, in order (names compared without regard to case).
#[derive(Debug, Default)]
pub(super) struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What has been inflated and counted so far, against the limits (shared by the readers
/// that inflate: gzip members, zip entries, HTTP content encodings).
pub(super) struct Budget {
    pub limits: ArchiveLimits,
    inflated: Cell<u64>,
    records: Cell<usize>,
}

impl Budget {
    pub fn new(limits: ArchiveLimits) -> Self {
        Budget {
            limits,
            inflated: Cell::new(0),
            records: Cell::new(0),
        }
    }

    /// Count `n` more inflated bytes; an `Err` names the bound once it is passed.
    pub fn inflate(&self, n: u64) -> Result<(), String> {
        self.inflated.set(self.inflated.get().saturating_add(n));
        if self.over_total() {
            return Err(self.total_error());
        }
        Ok(())
    }

    /// What may still be inflated.
    pub fn left(&self) -> u64 {
        self.limits
            .max_total_bytes
            .saturating_sub(self.inflated.get())
    }

    pub fn over_total(&self) -> bool {
        self.inflated.get() > self.limits.max_total_bytes
    }

    pub fn total_error(&self) -> String {
        format!(
            "stopped: more than {} bytes inflated in all, over the max_total_bytes limit \
             (a decompression bomb?)",
            self.limits.max_total_bytes
        )
    }

    /// Count one more record; an `Err` names the bound once it is passed.
    fn record(&self) -> Result<(), String> {
        self.records.set(self.records.get() + 1);
        if self.records.get() > self.limits.max_records {
            return Err(format!(
                "stopped: more than {} records, over the max_records limit",
                self.limits.max_records
            ));
        }
        Ok(())
    }
}

/// A reader that counts what it produces against the budget, and fails once past it (the
/// caller asks the budget why).
pub(super) struct Counted<'b, R> {
    pub inner: R,
    pub budget: &'b Budget,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.budget.over_total() {
            return Err(io::Error::other("over the inflate budget"));
        }
        let n = self.inner.read(buf)?;
        let _ = self.budget.inflate(n as u64);
        Ok(n)
    }
}

/// Where records go: each record with the budget and the notes.
pub(super) type Sink<'s> = dyn FnMut(RawRecord, &Budget, &mut Notes) -> Result<(), String> + 's;

/// Every record of a `.warc` or `.warc.gz` file, in order, to `sink`. `Err` only when a
/// bound of the limits is passed or the bytes are not a WARC file at all.
pub(super) fn each(
    bytes: &[u8],
    prefix: &str,
    budget: &Budget,
    notes: &mut Notes,
    sink: &mut Sink<'_>,
) -> Result<(), String> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    if start == bytes.len() {
        notes.push(format!("{prefix}empty: no records"));
        return Ok(());
    }
    if bytes[start..].starts_with(&GZIP_MAGIC[..2]) {
        gzip_members(bytes, prefix, budget, notes, sink)
    } else if bytes[start..].starts_with(b"WARC/") {
        plain(bytes, prefix, budget, notes, sink)
    } else {
        Err(format!(
            "{prefix}not a WARC file: it starts with neither a `WARC/1.` line nor a gzip header"
        ))
    }
}

/// The records of an uncompressed WARC file.
fn plain(
    bytes: &[u8],
    prefix: &str,
    budget: &Budget,
    notes: &mut Notes,
    sink: &mut Sink<'_>,
) -> Result<(), String> {
    let mut at = 0;
    loop {
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at >= bytes.len() {
            return Ok(());
        }
        let rest = &bytes[at..];
        let window = &rest[..rest.len().min(MAX_HEAD as usize)];
        let Some(head_len) = head_end(window) else {
            if rest.len() <= MAX_HEAD as usize && next_header(bytes, at + 1).is_none() {
                notes.push(format!(
                    "{prefix}the file is cut inside the header of the record at {at}"
                ));
                return Ok(());
            }
            at = resync(bytes, at, prefix, "no end to its header", notes);
            continue;
        };
        let (fields, length) = match parse_head(&rest[..head_len]) {
            Ok(parsed) => parsed,
            Err(why) => {
                at = resync(bytes, at, prefix, &why, notes);
                continue;
            }
        };
        let block_start = at + head_len;
        let available = (bytes.len() - block_start) as u64;
        if length > available {
            match next_header(bytes, block_start) {
                Some(_) => {
                    at = resync(
                        bytes,
                        at,
                        prefix,
                        &format!("its Content-Length {length} runs past the next record"),
                        notes,
                    );
                    continue;
                }
                None => {
                    notes.push(format!(
                        "{prefix}the file is cut inside the record at {at}: {available} of \
                         its {length} bytes are there"
                    ));
                    return Ok(());
                }
            }
        }
        budget.record()?;
        let block_end = block_start + length as usize;
        if length > budget.limits.max_payload_bytes {
            notes.push(over_payload(
                prefix,
                &at.to_string(),
                &fields,
                length,
                budget,
            ));
        } else {
            let record = RawRecord {
                id: format!("{prefix}{at}"),
                fields,
                block: bytes[block_start..block_end].to_vec(),
            };
            sink(record, budget, notes)?;
        }
        at = block_end;
    }
}

/// Note that the bytes at `at` are not a record, and where reading goes on.
fn resync(bytes: &[u8], at: usize, prefix: &str, why: &str, notes: &mut Notes) -> usize {
    match next_header(bytes, at + 1) {
        Some(next) => {
            notes.push(format!(
                "{prefix}the record at {at} is damaged ({why}): skipped to the next record at \
                 {next}"
            ));
            next
        }
        None => {
            notes.push(format!(
                "{prefix}the record at {at} is damaged ({why}): the rest of the file ({} bytes) \
                 skipped",
                bytes.len() - at
            ));
            bytes.len()
        }
    }
}

/// The offset of the next line at or after `from` that starts a WARC record.
fn next_header(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        let found = find(&bytes[i..], b"WARC/1.")? + i;
        if found == 0 || bytes[found - 1] == b'\n' {
            return Some(found);
        }
        i = found + 1;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The length of a header that ends with a blank line (CRLF, or bare LF from lax writers).
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = find(bytes, b"\r\n\r\n").map(|i| i + 4);
    let lf = find(bytes, b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A record's header: the version line, then `Name: value` fields (continuation lines
/// folded in). Its `Content-Length` is required.
fn parse_head(head: &[u8]) -> Result<(Fields, u64), String> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines();
    let version = lines.next().unwrap_or("").trim();
    if !version.starts_with("WARC/1.") {
        let shown: String = version.chars().take(40).collect();
        return Err(format!(
            "{shown:?} is not a WARC/1.0 or WARC/1.1 version line"
        ));
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            let shown: String = line.chars().take(40).collect();
            return Err(format!("{shown:?} is not a `Name: value` field"));
        };
        fields.push((name.trim().to_string(), value.trim().to_string()));
    }
    let fields = Fields(fields);
    let length = fields
        .get("Content-Length")
        .ok_or("no Content-Length")?
        .parse::<u64>()
        .map_err(|_| "its Content-Length is not a number".to_string())?;
    Ok((fields, length))
}

/// The note for a record whose block is over the payload limit (read past, not kept).
fn over_payload(prefix: &str, id: &str, fields: &Fields, length: u64, budget: &Budget) -> String {
    let uri = fields.get("WARC-Target-URI").unwrap_or("(no URI)");
    format!(
        "{prefix}{id}: {uri} skipped: its {length} bytes are over the max_payload_bytes limit \
         of {}",
        budget.limits.max_payload_bytes
    )
}

/// How reading the records of one gzip member ended, when it did not end cleanly.
enum MemberEnd {
    /// The stream ended inside a record (or the member is cut): what and where.
    Cut(String),
    /// Not a WARC record, or the inflater failed: why.
    Damaged(String),
}

/// The records of a gzipped WARC file, member by member.
fn gzip_members(
    bytes: &[u8],
    prefix: &str,
    budget: &Budget,
    notes: &mut Notes,
    sink: &mut Sink<'_>,
) -> Result<(), String> {
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at..].starts_with(&GZIP_MAGIC) {
            if bytes[at..]
                .iter()
                .all(|b| b.is_ascii_whitespace() || *b == 0)
            {
                return Ok(());
            }
            match find(&bytes[at + 1..], &GZIP_MAGIC) {
                Some(i) => {
                    let next = at + 1 + i;
                    notes.push(format!(
                        "{prefix}bytes {at} to {next} are not a gzip member: skipped"
                    ));
                    at = next;
                    continue;
                }
                None => {
                    notes.push(format!(
                        "{prefix}the last {} bytes (from {at}) are not a gzip member: skipped",
                        bytes.len() - at
                    ));
                    return Ok(());
                }
            }
        }
        let mut decoder = flate2::bufread::GzDecoder::new(&bytes[at..]);
        let (found, ended) = member(&mut decoder, at, prefix, budget)?;
        let left = decoder.get_ref().len();
        let next = find(&bytes[at + 1..], &GZIP_MAGIC).map(|i| at + 1 + i);
        let why = match ended {
            None => {
                emit(found, budget, notes, sink)?;
                // A member is at least 18 bytes: `max` only makes progress plain.
                at = (bytes.len() - left).max(at + 1);
                continue;
            }
            Some(MemberEnd::Cut(why) | MemberEnd::Damaged(why)) => why,
        };
        if left == 0 && next.is_none() {
            // The input ran out inside the member: the file is cut. What was inflated up to
            // there is what was written, so its whole records are kept.
            emit(found, budget, notes, sink)?;
            notes.push(format!(
                "{prefix}the file is cut inside the gzip member at {at} ({why})"
            ));
            return Ok(());
        }
        // Damaged: what was inflated before the damage is not checked (the CRC is at the
        // member's end), so none of it is kept.
        let lost = match found.len() {
            0 => String::new(),
            n => format!(", {n} records in it not read"),
        };
        match next {
            Some(next) => {
                notes.push(format!(
                    "{prefix}the gzip member at {at} is damaged ({why}){lost}: skipped to the \
                     next member at {next}"
                ));
                at = next;
            }
            None => {
                notes.push(format!(
                    "{prefix}the gzip member at {at} is damaged ({why}){lost}: the rest of the \
                     file ({} bytes) skipped",
                    bytes.len() - at
                ));
                return Ok(());
            }
        }
    }
    Ok(())
}

/// A record read from a gzip member, or the note for one read past (over the payload
/// limit), waiting for the member's end.
enum Pending {
    Record(RawRecord),
    Note(String),
}

fn emit(
    found: Vec<Pending>,
    budget: &Budget,
    notes: &mut Notes,
    sink: &mut Sink<'_>,
) -> Result<(), String> {
    for p in found {
        match p {
            Pending::Record(r) => sink(r, budget, notes)?,
            Pending::Note(n) => notes.push(n),
        }
    }
    Ok(())
}

/// The records of one gzip member, and how it ended: `None` when cleanly after whole
/// records. `Err` only for a passed bound.
fn member(
    decoder: &mut flate2::bufread::GzDecoder<&[u8]>,
    at: usize,
    prefix: &str,
    budget: &Budget,
) -> Result<(Vec<Pending>, Option<MemberEnd>), String> {
    let mut stream = BufReader::new(Counted {
        inner: decoder,
        budget,
    });
    let mut found = Vec::new();
    let mut inflated_at: u64 = 0;
    loop {
        let step = next_in_member(
            &mut stream,
            &mut inflated_at,
            budget.limits.max_payload_bytes,
        );
        if budget.over_total() {
            return Err(budget.total_error());
        }
        let (record_at, fields, block) = match step {
            Ok(None) => return Ok((found, None)),
            Ok(Some(next)) => next,
            Err(end) => return Ok((found, Some(end))),
        };
        let id = if record_at == 0 {
            at.to_string()
        } else {
            format!("{at}+{record_at}")
        };
        budget.record()?;
        found.push(match block {
            Some(block) => Pending::Record(RawRecord {
                id: format!("{prefix}{id}"),
                fields,
                block,
            }),
            None => {
                let length = fields
                    .get("Content-Length")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                Pending::Note(over_payload(prefix, &id, &fields, length, budget))
            }
        });
    }
}

/// A record found in a member: its inflated offset, fields, and block (`None` when over the
/// payload limit: read past, not kept).
type Found = (u64, Fields, Option<Vec<u8>>);

/// The next record of a member. `Ok(None)` at the member's clean end.
fn next_in_member(
    stream: &mut impl BufRead,
    inflated_at: &mut u64,
    max_payload: u64,
) -> Result<Option<Found>, MemberEnd> {
    let io = |e: io::Error| MemberEnd::Damaged(format!("inflating failed: {e}"));
    // Blank lines between records.
    loop {
        let buf = stream.fill_buf().map_err(io)?;
        if buf.is_empty() {
            return Ok(None);
        }
        let blank = buf
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        if blank == 0 {
            break;
        }
        stream.consume(blank);
        *inflated_at += blank as u64;
    }
    let record_at = *inflated_at;
    let mut head = Vec::new();
    loop {
        let n = (&mut *stream)
            .take(MAX_HEAD + 1 - head.len() as u64)
            .read_until(b'\n', &mut head)
            .map_err(io)?;
        if n == 0 {
            return Err(MemberEnd::Cut(format!(
                "it ends inside the header of the record at inflated offset {record_at}"
            )));
        }
        if head.len() as u64 > MAX_HEAD {
            return Err(MemberEnd::Damaged("no end to a record's header".into()));
        }
        if head.ends_with(b"\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
    }
    *inflated_at += head.len() as u64;
    let (fields, length) = parse_head(&head).map_err(MemberEnd::Damaged)?;
    let cut = |got: u64| {
        MemberEnd::Cut(format!(
            "it ends inside the record at inflated offset {record_at}: {got} of its {length} \
             bytes are there"
        ))
    };
    let block = if length > max_payload {
        let got = io::copy(&mut (&mut *stream).take(length), &mut io::sink()).map_err(io)?;
        if got < length {
            return Err(cut(got));
        }
        None
    } else {
        let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
        (&mut *stream)
            .take(length)
            .read_to_end(&mut block)
            .map_err(io)?;
        if (block.len() as u64) < length {
            return Err(cut(block.len() as u64));
        }
        Some(block)
    };
    *inflated_at += length;
    Ok(Some((record_at, fields, block)))
}
