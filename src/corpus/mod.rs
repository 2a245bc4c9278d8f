//! Corpus: find source files, read them, and turn each into visible text with an offset map
//! back to its bytes and its metadata.
//!
//! A file that cannot be read (binary, not UTF-8, too large, unreadable) becomes a
//! [`Warning`]; nothing here stops the whole run.

pub mod archive;
pub mod discover;
pub mod docx;
pub mod isolate;
pub mod metadata;
pub mod pdf;
pub mod rendition;
pub mod transcript;
pub mod url_key;
pub mod warc;
pub mod web_page;

pub use discover::{discover, SourceFile};
pub use metadata::Metadata;

use crate::disk::read::megabytes;
use crate::disk::ReadError;
use crate::text::{html, markdown, OffsetMap};
use std::fmt;

/// The format a source file is read as, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.md`, `.markdown`, `.txt`, `.text`: Markdown markup is read as markup (a `.txt` that
    /// is a transcript with `SPEAKER:` turn labels is read as one).
    Markdown,
    /// `.html`, `.htm`, `.xhtml`.
    Html,
    /// `.pdf`: the text layer, read into a rendition with page markers.
    Pdf,
    /// `.docx`: paragraphs, footnotes apart, headers and footers left out.
    Docx,
    /// `.srt` subtitles.
    Srt,
    /// `.vtt` WebVTT subtitles and captions.
    Vtt,
    /// `.warc`, `.warc.gz`, `.wacz` web archives: a document per archived page (see
    /// [`archive`]).
    WebArchive,
}

impl Format {
    pub fn of(path: &std::path::Path) -> Option<Format> {
        if archive::ArchiveKind::of(path).is_some() {
            return Some(Format::WebArchive);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" | "txt" | "text" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "srt" => Some(Format::Srt),
            "vtt" => Some(Format::Vtt),
            _ => None,
        }
    }

    /// Whether the file itself is the text that line and column numbers refer to (else they
    /// refer to its rendition, see [`rendition`]).
    pub fn is_text(self) -> bool {
        matches!(self, Format::Markdown | Format::Html)
    }
}

/// A loaded source: what a reader sees, and how to get back to the file's bytes.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    pub file: SourceFile,
    /// Visible text (markup removed, blocks separated by blank lines).
    pub text: String,
    /// From `text` to byte offsets in the file.
    pub map: OffsetMap,
    pub meta: Metadata,
    /// The file's text as read (for line and column lookups without reading it again); for
    /// a format that is not text, its rendition (see [`rendition`]).
    pub raw: String,
    /// Whether `raw` is a rendition (kept in the index folder) rather than the file.
    pub rendered: bool,
    /// Where stretches of `raw` come from (page, cue time, speaker), in order.
    pub places: Vec<rendition::Located>,
    /// Things worth telling about the file that did not stop it being read.
    pub notes: Vec<String>,
    /// For a page of a web archive: the archive's display path (`file.display` is then
    /// `ARCHIVE#RECORD`, see [`archive`]).
    pub archive: Option<String>,
    /// The [`url_key`](url_key::url_key)s of the addresses the document answers to (a
    /// captured page's address and those that redirected to it); none for a file.
    pub urls: Vec<String>,
}

/// Why a file was skipped, or something worth telling about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Files larger than this are skipped with a warning.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// How a source file may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Bytes read at most (counted as read, whatever size the file reports).
    pub max_bytes: u64,
    /// Whether the file may be a symbolic link.
    pub follow_links: bool,
    /// Memory and time of the process that parses a PDF (see [`isolate`]).
    pub reader: isolate::Bounds,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_bytes: DEFAULT_MAX_FILE_BYTES,
            follow_links: true,
            reader: isolate::Bounds::default(),
        }
    }
}

/// Read and parse one source file. It must still be a regular file when opened (it may
/// have been swapped since it was found): see [`crate::disk::read`].
pub fn load(file: &SourceFile, limits: ReadLimits) -> Result<SourceDoc, Unreadable> {
    let bytes = read_source(file, limits)?;
    load_bytes(file, &bytes, limits)
}

/// What a source file holds: one document, or the pages of a web archive.
#[derive(Debug, Clone)]
pub enum Loaded {
    Document(Box<SourceDoc>),
    /// The pages of a web archive (maybe none), and notes on what was left out of it.
    Archive {
        pages: Vec<SourceDoc>,
        notes: Vec<String>,
    },
}

/// Read one source file into what it holds (see [`load`]).
pub fn load_any(file: &SourceFile, limits: ReadLimits) -> Result<Loaded, Unreadable> {
    let bytes = read_source(file, limits)?;
    let Some(kind) = archive::ArchiveKind::of(&file.path) else {
        return load_bytes(file, &bytes, limits).map(|d| Loaded::Document(Box::new(d)));
    };
    let read = std::panic::catch_unwind(|| archive::read(file, kind, &bytes, limits))
        .unwrap_or_else(|_| Err("the reader failed on this file (a bug)".into()));
    match read {
        Ok((pages, notes)) => Ok(Loaded::Archive { pages, notes }),
        Err(m) => Err(Unreadable {
            warning: Warning {
                path: file.display.clone(),
                message: format!("skipped: {m}"),
            },
            lasting: true,
        }),
    }
}

/// The bytes of a source file, bounded, or why it was not read.
fn read_source(file: &SourceFile, limits: ReadLimits) -> Result<Vec<u8>, Unreadable> {
    let skip = |message: String, lasting: bool| Unreadable {
        warning: Warning {
            path: file.display.clone(),
            message,
        },
        lasting,
    };
    let bytes = crate::disk::read_bounded(&file.path, limits.max_bytes, limits.follow_links)
        .map_err(|e| match e {
            ReadError::Io(e) => skip(format!("skipped: cannot read: {e}"), false),
            ReadError::TooLarge { reported, limit } if reported > limit => skip(
                format!(
                    "skipped: {} is over the {} limit for a source",
                    megabytes(reported),
                    megabytes(limit)
                ),
                true,
            ),
            ReadError::TooLarge { reported, limit } => skip(
                format!(
                    "skipped: over the {} limit for a source (reading stopped there; the file \
                     claims {reported} bytes)",
                    megabytes(limit)
                ),
                true,
            ),
            // Swapped in since the walk: the next walk sees what it is.
            other => skip(format!("skipped: {other}"), false),
        })?;
    Ok(bytes)
}

/// Parse the bytes of one source file of a one-document format.
fn load_bytes(
    file: &SourceFile,
    bytes: &[u8],
    limits: ReadLimits,
) -> Result<SourceDoc, Unreadable> {
    let skip = |message: String, lasting: bool| Unreadable {
        warning: Warning {
            path: file.display.clone(),
            message,
        },
        lasting,
    };
    let format = Format::of(&file.path).unwrap_or(Format::Markdown);
    if !format.is_text() {
        let read = std::panic::catch_unwind(|| render(format, bytes, limits.reader))
            .unwrap_or_else(|_| Err("skipped: the reader failed on this file (a bug)".into()));
        return read
            .map(|r| from_rendition(file.clone(), r))
            .map_err(|m| skip(m, true));
    }
    let src = decode(bytes).map_err(|m| skip(m, true))?;
    // A plain-text transcript (`SPEAKER:` turns) is read as one, with its turns' speakers
    // and times; any other `.txt` as Markdown.
    let plain = file
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("text"));
    if plain {
        if let Some(r) = transcript::read_labelled(&src) {
            return Ok(from_rendition(file.clone(), r));
        }
    }
    Ok(parse(file.clone(), src))
}

/// The rendition of a file that is not text, by its format's reader.
fn render(
    format: Format,
    bytes: &[u8],
    reader: isolate::Bounds,
) -> Result<rendition::Rendition, String> {
    let text = || decode(bytes);
    match format {
        Format::Srt => transcript::read_srt(&text()?).map_err(|e| format!("skipped: {e}")),
        Format::Vtt => transcript::read_vtt(&text()?).map_err(|e| format!("skipped: {e}")),
        Format::Docx => {
            docx::read(bytes, &docx::DocxLimits::default()).map_err(|e| format!("skipped: {e}"))
        }
        Format::Pdf => isolate::read_pdf(bytes, &pdf::PdfLimits::default(), reader)
            .map_err(|e| format!("skipped: {e}")),
        Format::Markdown | Format::Html => Err("skipped: a text format has no rendition".into()),
        Format::WebArchive => Err("skipped: a web archive holds documents, not one".into()),
    }
}

/// A source read into a rendition: its visible text maps into the rendition, which stands
/// for the file in line and column numbers. Metadata the file's properties do not give is
/// looked for in the text, as for any source.
pub fn from_rendition(file: SourceFile, r: rendition::Rendition) -> SourceDoc {
    let mut meta = r.meta;
    let found = metadata::extract(&r.document, None);
    meta.title = meta.title.or(found.title);
    meta.author = meta.author.or(found.author);
    meta.date = meta.date.or(found.date);
    meta.publisher = meta.publisher.or(found.publisher);
    let (text, map) = r.document.joined();
    SourceDoc {
        file,
        text,
        map,
        meta,
        raw: r.text,
        rendered: true,
        places: r.places,
        notes: r.notes,
        archive: None,
        urls: Vec::new(),
    }
}

/// A source file that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub warning: Warning,
    /// Whether it stays unreadable until the file changes (binary, not UTF-8, too large),
    /// rather than perhaps not next time (permissions, a file vanishing or swapped).
    pub lasting: bool,
}

/// Bytes to text, refusing binary files and invalid UTF-8 (a UTF-8 BOM is allowed).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err("skipped: binary file (contains NUL bytes)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(format!(
            "skipped: not valid UTF-8 (first bad byte at offset {})",
            e.valid_up_to()
        )),
    }
}

/// Parse the text of a source file (of a text format: Markdown, HTML).
pub fn parse(file: SourceFile, src: String) -> SourceDoc {
    let (doc, html_meta) = match Format::of(&file.path).unwrap_or(Format::Markdown) {
        Format::Html => {
            let (doc, meta) = html::parse(&src);
            (doc, Some(meta))
        }
        _ => (markdown::parse(&src), None),
    };
    let meta = metadata::extract(&doc, html_meta.as_ref());
    let (text, map) = doc.joined();
    SourceDoc {
        file,
        text,
        map,
        meta,
        raw: src,
        rendered: false,
        places: Vec::new(),
        notes: Vec::new(),
        archive: None,
        urls: Vec::new(),
    }
}
