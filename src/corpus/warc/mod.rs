//! Web archives read into pages: `.warc` and `.warc.gz` files (WARC/1.0 and WARC/1.1) and
//! `.wacz` packages (a zip of `archive/*.warc[.gz]` and `pages/pages.jsonl`).
//!
//! What becomes an [`ArchivedPage`]: a `response` or `resource` record whose HTTP status is
//! 2xx and whose content type is HTML, XHTML, plain text or PDF, with its body de-chunked
//! and content-decoded (gzip, deflate; brotli is noted and skipped: no brotli decoder is in
//! the tree). A `revisit` record (the same payload as an earlier capture) is that payload
//! again, under the revisit's URL and date. A 3xx response with a `Location` is a
//! [`Redirect`]. `request`, `metadata` and `warcinfo` records are skipped silently; any other
//! record that is skipped is named in a note, as are 4xx and 5xx pages.
//!
//! Why a reader of our own rather than the `warc` crate (0.4): a page's id is its record's
//! offset in the compressed file, which that crate does not give; it stops at the first
//! damaged record where this reader resumes at the next record; it neither bounds what it
//! inflates nor parses the HTTP response; and it brings `libflate`, `nom`, `chrono` and an
//! old `uuid` where `flate2` and `httparse` are already in the tree. The WARC header is
//! the simple part (`Name: value` lines).
//!
//! Invariants: never panics, never hangs (every step consumes input), and stops with an
//! `Err` naming the bound when [`ArchiveLimits`] are passed; damaged input is skipped with a
//! note, keeping every whole record around it.

mod payload;
mod records;
mod wacz;

pub use wacz::read_wacz;

use records::{Budget, RawRecord};
use std::collections::HashMap;

/// A page captured in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedPage {
    /// Its stable id within the file: the record's byte offset in the WARC as stored
    /// (compressed or not), e.g. `8812`; `8812+523` for a second record in one gzip member;
    /// in a WACZ, prefixed by the WARC's path in the zip: `archive/data.warc.gz:8812`.
    pub record: String,
    /// `WARC-Target-URI`.
    pub url: String,
    /// `WARC-Date`, as written.
    pub date: Option<String>,
    /// HTTP status (200 for a `resource` record, which has none).
    pub status: u16,
    /// HTTP `Content-Type` (a `resource` record's own `Content-Type`).
    pub content_type: Option<String>,
    /// The HTTP payload, de-chunked and content-decoded.
    pub body: Vec<u8>,
    /// From a WACZ's `pages/pages.jsonl`, if it lists the page.
    pub title: Option<String>,
}

/// An HTTP redirect captured in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: String,
    /// Absolute: the `Location` resolved against `from`.
    pub to: String,
    pub date: Option<String>,
}

/// What an archive holds, in record order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveContents {
    pub pages: Vec<ArchivedPage>,
    pub redirects: Vec<Redirect>,
    /// Things worth telling: records skipped and why, damage and where reading resumed.
    pub notes: Vec<String>,
}

/// How much an archive reader will inflate and hold (a decompression bomb is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// All bytes inflated (gzip members, zip entries, HTTP content encodings) together.
    /// Default 1 GiB.
    pub max_total_bytes: u64,
    /// Records in all. Default 100,000.
    pub max_records: usize,
    /// One record's block, or one decoded body; a larger one is skipped with a note.
    /// Default 64 MiB.
    pub max_payload_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_total_bytes: 1 << 30,
            max_records: 100_000,
            max_payload_bytes: 64 << 20,
        }
    }
}

/// Read a `.warc` or `.warc.gz` file (gzip is recognised by its magic bytes).
pub fn read_warc(bytes: &[u8], limits: ArchiveLimits) -> Result<ArchiveContents, String> {
    let budget = Budget::new(limits);
    let mut pages = Assembler::default();
    pages.read(bytes, "", &budget)?;
    Ok(pages.finish())
}

/// Notes, at most [`Notes::MAX`] kept (a crawl can have thousands of 404s); the rest are
/// counted in a last note.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    kept: Vec<String>,
    more: usize,
}

impl Notes {
    const MAX: usize = 200;

    pub fn push(&mut self, note: String) {
        if self.kept.len() < Self::MAX {
            self.kept.push(note);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.kept.push(format!("… and {} more notes", self.more));
        }
        self.kept
    }
}

/// Where a payload digest leads: a page (its index in `entries`), or a record that is not
/// a page (a revisit of it is not one either).
#[derive(Debug, Clone, Copy)]
enum Original {
    Page(usize),
    NotPage,
}

/// A page, or a revisit waiting for the capture it repeats (resolved in [`finish`]).
#[derive(Debug)]
enum Entry {
    Page(ArchivedPage),
    Revisit {
        page: ArchivedPage,
        /// Whether the revisit's own HTTP head gave the status and content type.
        own_head: bool,
        digest: Option<String>,
        refers_to: Option<(String, Option<String>)>,
        refers_to_id: Option<String>,
    },
}

/// Records into pages and redirects.
#[derive(Debug, Default)]
struct Assembler {
    entries: Vec<Entry>,
    redirects: Vec<Redirect>,
    notes: Notes,
    by_digest: HashMap<String, Original>,
    by_url_date: HashMap<(String, String), Original>,
    by_record_id: HashMap<String, Original>,
}

impl Assembler {
    /// Read the records of one WARC file, whose ids are prefixed with `prefix`.
    fn read(&mut self, bytes: &[u8], prefix: &str, budget: &Budget) -> Result<(), String> {
        let mut notes = std::mem::take(&mut self.notes);
        let read = records::each(bytes, prefix, budget, &mut notes, &mut |r, b, n| {
            self.add(r, b, n)
        });
        self.notes = notes;
        read
    }

    fn add(&mut self, r: RawRecord, budget: &Budget, notes: &mut Notes) -> Result<(), String> {
        let kind = r.fields.get("WARC-Type").unwrap_or("").to_ascii_lowercase();
        match kind.as_str() {
            "response" | "resource" | "revisit" => {}
            "request" | "metadata" | "warcinfo" => return Ok(()),
            "" => {
                notes.push(format!("{}: skipped: no WARC-Type", r.id));
                return Ok(());
            }
            other => {
                notes.push(format!("{}: skipped: a {other:?} record", r.id));
                return Ok(());
            }
        }
        let Some(url) = r.fields.get("WARC-Target-URI") else {
            notes.push(format!(
                "{}: skipped: a {kind} record with no WARC-Target-URI",
                r.id
            ));
            return Ok(());
        };
        // WARC/1.0 as first published wrapped the URI in angle brackets.
        let url = url
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        let date = r.fields.get("WARC-Date").map(str::to_string);
        let digest = r.fields.get("WARC-Payload-Digest").map(str::to_string);
        let record_id = r.fields.get("WARC-Record-ID").map(str::to_string);
        let is_http = r
            .fields
            .get("Content-Type")
            .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/http"))
            || r.block.starts_with(b"HTTP/");
        let mut page = ArchivedPage {
            record: r.id.clone(),
            url: url.clone(),
            date: date.clone(),
            status: 200,
            content_type: None,
            body: Vec::new(),
            title: None,
        };
        if kind == "revisit" {
            let mut own_head = false;
            if is_http && !r.block.is_empty() {
                match payload::parse(&r.block) {
                    Ok(http) => {
                        own_head = true;
                        page.status = http.status;
                        page.content_type = http.header("Content-Type").map(str::to_string);
                    }
                    Err(why) => notes.push(format!(
                        "{}: {url}: revisit read without its head: {why}",
                        r.id
                    )),
                }
            }
            let refers_to = r.fields.get("WARC-Refers-To-Target-URI").map(|u| {
                (
                    u.to_string(),
                    r.fields.get("WARC-Refers-To-Date").map(str::to_string),
                )
            });
            self.entries.push(Entry::Revisit {
                page,
                own_head,
                digest,
                refers_to,
                refers_to_id: r.fields.get("WARC-Refers-To").map(str::to_string),
            });
            return Ok(());
        }
        let original = if kind == "response" && is_http {
            self.http_response(r, page, budget, notes)?
        } else {
            // A resource record (or a non-HTTP response, such as `dns:`) is its payload.
            page.content_type = r.fields.get("Content-Type").map(str::to_string);
            page.body = r.block;
            self.keep(page, notes)
        };
        if let Some(digest) = digest {
            self.by_digest.entry(digest).or_insert(original);
        }
        if let Some(date) = date {
            self.by_url_date.entry((url, date)).or_insert(original);
        }
        if let Some(id) = record_id {
            self.by_record_id.entry(id).or_insert(original);
        }
        Ok(())
    }

    /// A `response` record with an HTTP response in it.
    fn http_response(
        &mut self,
        r: RawRecord,
        mut page: ArchivedPage,
        budget: &Budget,
        notes: &mut Notes,
    ) -> Result<Original, String> {
        let http = match payload::parse(&r.block) {
            Ok(http) => http,
            Err(why) => {
                notes.push(format!("{}: {}: skipped: {why}", r.id, page.url));
                return Ok(Original::NotPage);
            }
        };
        page.status = http.status;
        page.content_type = http.header("Content-Type").map(str::to_string);
        if (300..400).contains(&http.status) {
            match http.header("Location") {
                Some(location) => self.redirect(&r.id, &page, location, notes),
                None => notes.push(format!(
                    "{}: {}: HTTP {} with no Location: skipped",
                    r.id, page.url, http.status
                )),
            }
            return Ok(Original::NotPage);
        }
        if !(200..300).contains(&http.status) || !is_page_type(page.content_type.as_deref()) {
            return Ok(self.keep(page, notes));
        }
        match payload::body(&http, budget) {
            Ok((body, note)) => {
                if let Some(note) = note {
                    notes.push(format!("{}: {}: {note}", r.id, page.url));
                }
                page.body = body;
                Ok(self.keep(page, notes))
            }
            Err(payload::BodyError::Skip(why)) => {
                notes.push(format!("{}: {}: skipped: {why}", r.id, page.url));
                Ok(Original::NotPage)
            }
            Err(payload::BodyError::Bound(why)) => Err(why),
        }
    }

    fn redirect(&mut self, id: &str, page: &ArchivedPage, location: &str, notes: &mut Notes) {
        let to = url::Url::parse(&page.url)
            .and_then(|base| base.join(location))
            .or_else(|_| url::Url::parse(location));
        match to {
            Ok(to) => self.redirects.push(Redirect {
                from: page.url.clone(),
                to: to.into(),
                date: page.date.clone(),
            }),
            Err(e) => notes.push(format!(
                "{id}: {}: redirect to {location:?} skipped: not a URL ({e})",
                page.url
            )),
        }
    }

    /// Keep `page` if it is one (2xx, a page's content type); note a page-like error.
    fn keep(&mut self, page: ArchivedPage, notes: &mut Notes) -> Original {
        let success = (200..300).contains(&page.status);
        let page_type = is_page_type(page.content_type.as_deref());
        if success && page_type {
            self.entries.push(Entry::Page(page));
            return Original::Page(self.entries.len() - 1);
        }
        if !success && (page_type || page.content_type.is_none()) {
            notes.push(format!(
                "{}: {}: skipped: HTTP {}",
                page.record, page.url, page.status
            ));
        } else if success && page.content_type.is_none() {
            notes.push(format!(
                "{}: {}: skipped: no content type",
                page.record, page.url
            ));
        }
        Original::NotPage
    }

    /// The pages, revisits resolved, and the notes.
    fn finish(self) -> ArchiveContents {
        let Assembler {
            entries,
            redirects,
            mut notes,
            by_digest,
            by_url_date,
            by_record_id,
        } = self;
        let originals: Vec<Option<ArchivedPage>> = entries
            .iter()
            .map(|e| match e {
                Entry::Page(p) => Some(p.clone()),
                Entry::Revisit { .. } => None,
            })
            .collect();
        let mut pages = Vec::new();
        for entry in entries {
            let (mut page, own_head, digest, refers_to, refers_to_id) = match entry {
                Entry::Page(p) => {
                    pages.push(p);
                    continue;
                }
                Entry::Revisit {
                    page,
                    own_head,
                    digest,
                    refers_to,
                    refers_to_id,
                } => (page, own_head, digest, refers_to, refers_to_id),
            };
            if own_head && !(200..300).contains(&page.status) && page.status != 304 {
                continue;
            }
            if own_head
                && page.content_type.is_some()
                && !is_page_type(page.content_type.as_deref())
            {
                continue;
            }
            let found = digest
                .as_ref()
                .and_then(|d| by_digest.get(d))
                .or_else(|| {
                    let (url, date) = refers_to.as_ref()?;
                    by_url_date.get(&(url.clone(), date.clone()?))
                })
                .or_else(|| by_record_id.get(refers_to_id.as_ref()?));
            match found {
                Some(Original::Page(i)) => {
                    let original = originals[*i].as_ref().expect("an original is a page");
                    page.body = original.body.clone();
                    if !own_head || page.status == 304 {
                        page.status = original.status;
                    }
                    if page.content_type.is_none() {
                        page.content_type = original.content_type.clone();
                    }
                    pages.push(page);
                }
                Some(Original::NotPage) => {}
                None => notes.push(format!(
                    "{}: {}: revisit skipped: the capture it repeats ({}) is not in this archive",
                    page.record,
                    page.url,
                    digest
                        .or(refers_to.map(|(u, d)| format!("{u} {}", d.unwrap_or_default())))
                        .unwrap_or_else(|| "unnamed".into())
                )),
            }
        }
        ArchiveContents {
            pages,
            redirects,
            notes: notes.finish(),
        }
    }
}

/// Whether a content type is one read as a page: HTML, XHTML, plain text, PDF.
fn is_page_type(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        mime.as_str(),
        "text/html" | "application/xhtml+xml" | "text/plain" | "application/pdf"
    )
}
