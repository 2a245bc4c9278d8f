//! Web archives as sources: every page a `.warc`, `.warc.gz` or `.wacz` file holds is a
//! document of its own, named by the address it was captured from.
//!
//! [`super::warc`] reads the records; this module turns each archived page (HTML, plain
//! text or PDF) into a [`SourceDoc`] whose rendition is the page's visible text, headed by
//! a marker line with its address and capture time, and whose [`SourceDoc::urls`] are the
//! [`url_key`]s it answers to: its own address, and every address that redirected to it in
//! the same archive (`http://x.org/a` → `https://x.org/a` → `https://x.org/b`).
//!
//! A page's identity in the index is `ARCHIVE#RECORD` (the archive's display path and the
//! record's place in it), stable as long as the archive does not change; the archive itself
//! is recorded apart, so that a changed or removed archive takes all its pages with it.

use super::rendition::{Rendition, RenditionBuilder};
use super::url_key::url_key;
use super::warc::{self, ArchiveContents, ArchivedPage};
use super::{isolate, metadata, pdf, ReadLimits, SourceDoc, SourceFile};
use crate::text::html;
use std::collections::{HashMap, HashSet, VecDeque};

/// The kind of web archive a file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    /// `.warc` or `.warc.gz`.
    Warc,
    /// `.wacz`: a zip of WARC files with an index of pages.
    Wacz,
}

impl ArchiveKind {
    pub fn of(path: &std::path::Path) -> Option<ArchiveKind> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".warc") || name.ends_with(".warc.gz") {
            Some(ArchiveKind::Warc)
        } else if name.ends_with(".wacz") {
            Some(ArchiveKind::Wacz)
        } else {
            None
        }
    }
}

/// How many redirects a chain may have before the rest is left out.
const MAX_REDIRECT_HOPS: usize = 20;

/// The separator between an archive's display path and a record's place in it.
pub const RECORD_SEPARATOR: char = '#';

/// The documents of a web archive, and notes on what was left out. Fails only when the
/// archive as a whole cannot be read; a page that cannot is left out with a note.
pub fn read(
    file: &SourceFile,
    kind: ArchiveKind,
    bytes: &[u8],
    limits: ReadLimits,
) -> Result<(Vec<SourceDoc>, Vec<String>), String> {
    let bounds = warc::ArchiveLimits::default();
    let contents = match kind {
        ArchiveKind::Warc => warc::read_warc(bytes, bounds)?,
        ArchiveKind::Wacz => warc::read_wacz(bytes, bounds)?,
    };
    let ArchiveContents {
        pages,
        redirects,
        mut notes,
    } = contents;
    let aliases = Aliases::new(&redirects);
    let mut docs = Vec::with_capacity(pages.len());
    for page in pages {
        match page_rendition(&page, limits) {
            Ok(r) => {
                let page_file = SourceFile {
                    path: file.path.clone(),
                    display: format!("{}{RECORD_SEPARATOR}{}", file.display, page.record),
                    mtime: file.mtime,
                    size: file.size,
                };
                let mut doc = super::from_rendition(page_file, r);
                doc.archive = Some(file.display.clone());
                doc.urls = aliases.of(&page.url);
                docs.push(doc);
            }
            Err(why) => notes.push(format!("{}: left out: {why}", page.url)),
        }
    }
    Ok((docs, notes))
}

/// The visible text of an archived page, headed by where and when it was captured.
fn page_rendition(page: &ArchivedPage, limits: ReadLimits) -> Result<Rendition, String> {
    let kind = page
        .content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mut meta = metadata::Metadata::default();
    let mut r = if kind == "application/pdf" {
        // A PDF's rendition is the PDF reader's (pages and all); its address and capture
        // time are in the metadata.
        let mut r = isolate::read_pdf(&page.body, &pdf::PdfLimits::default(), limits.reader)?;
        meta = std::mem::take(&mut r.meta);
        r
    } else {
        let (text, note) = super::web_page::decode_page(&page.body, page.content_type.as_deref());
        let mut b = RenditionBuilder::new();
        b.marker(&capture_line(page), true);
        b.end_paragraph();
        if kind == "text/plain" {
            for para in text.split("\n\n") {
                for (i, line) in para.lines().map(str::trim).enumerate() {
                    if i > 0 {
                        b.join(" ", "\n");
                    }
                    b.text(line);
                }
                b.end_paragraph();
            }
        } else {
            let (document, found) = html::parse(&text);
            meta = metadata::extract(&document, Some(&found));
            for block in &document.blocks {
                b.text(&block.text);
                b.end_paragraph();
            }
        }
        if let Some(note) = note {
            b.note(note);
        }
        b.finish(Default::default())
    };
    if meta.title.is_none() {
        meta.title = page.title.clone();
    }
    meta.url = Some(page.url.clone());
    meta.captured = page.date.clone();
    r.meta = meta;
    Ok(r)
}

/// The marker line a page's rendition starts with.
fn capture_line(page: &ArchivedPage) -> String {
    match &page.date {
        Some(date) => format!("[{} captured {date}]", page.url),
        None => format!("[{}]", page.url),
    }
}

/// Which addresses lead to which, by the archive's redirects.
struct Aliases {
    /// For each address key, the keys that redirect to it.
    from: HashMap<String, Vec<String>>,
}

impl Aliases {
    fn new(redirects: &[warc::Redirect]) -> Self {
        let mut from: HashMap<String, Vec<String>> = HashMap::new();
        for r in redirects {
            if let (Some(a), Some(b)) = (url_key(&r.from), url_key(&r.to)) {
                if a != b {
                    from.entry(b).or_default().push(a);
                }
            }
        }
        Aliases { from }
    }

    /// The keys a page captured at `url` answers to: its own first, then every address that
    /// redirected to it, however many hops away (at most [`MAX_REDIRECT_HOPS`]).
    fn of(&self, url: &str) -> Vec<String> {
        let Some(own) = url_key(url) else {
            return Vec::new();
        };
        let mut seen: HashSet<String> = HashSet::from([own.clone()]);
        let mut out = vec![own.clone()];
        let mut queue = VecDeque::from([(own, 0)]);
        while let Some((key, hops)) = queue.pop_front() {
            if hops >= MAX_REDIRECT_HOPS {
                continue;
            }
            for earlier in self.from.get(&key).into_iter().flatten() {
                if seen.insert(earlier.clone()) {
                    out.push(earlier.clone());
                    queue.push_back((earlier.clone(), hops + 1));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect(from: &str, to: &str) -> warc::Redirect {
        warc::Redirect {
            from: from.into(),
            to: to.into(),
            date: None,
        }
    }

    #[test]
    fn a_page_answers_to_every_address_that_redirected_to_it() {
        let aliases = Aliases::new(&[
            redirect("http://x.org/a", "https://x.org/b"),
            redirect("https://x.org/b", "https://x.org/c"),
            redirect("https://short.ly/1", "http://x.org/a"),
            redirect("https://x.org/other", "https://x.org/elsewhere"),
            // A loop ends.
            redirect("https://x.org/c", "https://x.org/b"),
        ]);
        assert_eq!(
            aliases.of("https://x.org/c"),
            vec!["x.org/c", "x.org/b", "x.org/a", "short.ly/1"]
        );
        assert_eq!(
            aliases.of("https://x.org/elsewhere"),
            vec!["x.org/elsewhere", "x.org/other"]
        );
        assert_eq!(aliases.of("https://x.org/z"), vec!["x.org/z"]);
    }

    #[test]
    fn archives_are_known_by_name() {
        use std::path::Path;
        assert_eq!(
            ArchiveKind::of(Path::new("web/a.warc.gz")),
            Some(ArchiveKind::Warc)
        );
        assert_eq!(
            ArchiveKind::of(Path::new("web/A.WARC")),
            Some(ArchiveKind::Warc)
        );
        assert_eq!(
            ArchiveKind::of(Path::new("web/a.wacz")),
            Some(ArchiveKind::Wacz)
        );
        assert_eq!(ArchiveKind::of(Path::new("web/a.gz")), None);
        assert_eq!(ArchiveKind::of(Path::new("web/warc.gz.md")), None);
    }
}
