//! Word documents (`.docx`) read into a [`Rendition`].
//!
//! What is read: the body (`word/document.xml`), paragraph by paragraph (table cells and
//! text boxes included), then the footnotes and endnotes after a `[footnotes]` /
//! `[endnotes]` marker line, each note a paragraph of its own that starts with its label
//! (`[^1] `, endnotes `[^e1] `) in the rendition. A note reference in the body writes its
//! label into the rendition and nothing into the visible text, so a quotation across it
//! verifies. Runs are concatenated as they are (a word split across runs rejoins); tabs and
//! line breaks are one space; a non-breaking hyphen is `-`; soft hyphens and symbols are
//! nothing. Metadata (title, author, date) comes from `docProps/core.xml`.
//!
//! What is left out: tracked deletions and moved-from text, field instructions, hidden
//! (`w:vanish`) runs, ruby annotations, the fallback copy of alternate content, headers,
//! footers, comments and equations.
//!
//! Invariants: the reader never panics and never reads more than [`DocxLimits`] allows,
//! counting the bytes actually decompressed (a size an archive declares can be a lie); a
//! file it cannot read is an `Err` with a sentence saying why.

use super::rendition::{Rendition, RenditionBuilder};
use super::Metadata;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::result::ZipError;
use zip::ZipArchive;

/// How much of an archive the reader will decompress (a zip bomb is refused, not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxLimits {
    /// Largest XML part read, decompressed. Default 64 MiB.
    pub max_entry_bytes: u64,
    /// All parts read together, decompressed. Default 256 MiB.
    pub max_total_bytes: u64,
    /// Largest ratio of decompressed to compressed size, for parts over 1 MiB. Default 200
    /// (200:1).
    pub max_ratio: u64,
    /// Most entries in the archive. Default 10,000.
    pub max_entries: usize,
}

impl Default for DocxLimits {
    fn default() -> Self {
        DocxLimits {
            max_entry_bytes: 64 << 20,
            max_total_bytes: 256 << 20,
            max_ratio: 200,
            max_entries: 10_000,
        }
    }
}

/// Parts at most this large (decompressed) are not held to [`DocxLimits::max_ratio`]: a
/// small, repetitive XML part compresses very well without being a bomb.
const RATIO_GRACE: u64 = 1 << 20;

/// The WordprocessingML namespaces (transitional and strict).
const W_NS: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// The start of an OLE compound file: a legacy `.doc`, or an encrypted `.docx`.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Read a `.docx` file's bytes into a rendition (see the module docs).
pub fn read(bytes: &[u8], limits: &DocxLimits) -> Result<Rendition, String> {
    let mut package = Package::open(bytes, limits)?;
    let body = package
        .part("word/document.xml")?
        .ok_or("not a .docx: the zip archive has no word/document.xml")?;
    let body = parse_story("word/document.xml", &body)?;
    let footnotes = match package.part("word/footnotes.xml")? {
        Some(xml) => split_notes(parse_story("word/footnotes.xml", &xml)?),
        None => Vec::new(),
    };
    let endnotes = match package.part("word/endnotes.xml")? {
        Some(xml) => split_notes(parse_story("word/endnotes.xml", &xml)?),
        None => Vec::new(),
    };
    let mut notes = Vec::new();
    let meta = match package.part("docProps/core.xml") {
        Ok(Some(xml)) => core_properties(&xml).unwrap_or_else(|e| {
            notes.push(e);
            Metadata::default()
        }),
        Ok(None) => Metadata::default(),
        Err(e) => {
            notes.push(e);
            Metadata::default()
        }
    };

    let mut out = Emitter::default();
    out.feed(&body);
    out.para_end();
    for (kind, marker, stored) in [
        (NoteKind::Foot, "[footnotes]", &footnotes),
        (NoteKind::End, "[endnotes]", &endnotes),
    ] {
        if stored.is_empty() {
            continue;
        }
        out.b.marker(marker, true);
        // Numbered in the order the body refers to them, then the ones it never refers to.
        let mut order: Vec<&(String, Vec<Piece>)> = stored.iter().collect();
        order.sort_by_key(|(id, _)| {
            out.numbers
                .get(&(kind, id.clone()))
                .copied()
                .unwrap_or(usize::MAX)
        });
        for (id, pieces) in order {
            let label = out.label(kind, id);
            out.prefix = Some(format!("{label} "));
            out.in_note = true;
            out.feed(pieces);
            if let Some(p) = out.prefix.take() {
                // A note without text: its label alone.
                out.b.join("", p.trim_end());
                out.open = true;
            }
            out.para_end();
        }
    }
    let mut rendition = out.b.finish(meta);
    rendition.notes.extend(notes);
    Ok(rendition)
}

/// The zip archive, read within the limits.
struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    limits: &'a DocxLimits,
    /// Decompressed bytes read so far, all parts together.
    total: u64,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8], limits: &'a DocxLimits) -> Result<Self, String> {
        if bytes.starts_with(&OLE_MAGIC) {
            return Err("encrypted or not a .docx (a .doc?): an OLE compound file, \
                        not a zip archive"
                .into());
        }
        let archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not a .docx: not a readable zip archive ({e})"))?;
        if archive.len() > limits.max_entries {
            return Err(format!(
                "zip bomb: {} entries in the archive, over the limit of {}",
                archive.len(),
                limits.max_entries
            ));
        }
        Ok(Package {
            archive,
            limits,
            total: 0,
        })
    }

    /// The text of part `name`, `None` if the archive has no such part.
    fn part(&mut self, name: &str) -> Result<Option<String>, String> {
        let entry = match self.archive.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("cannot read {name} from the zip archive ({e})")),
        };
        let budget = self
            .limits
            .max_entry_bytes
            .min(self.limits.max_total_bytes.saturating_sub(self.total));
        let bytes = read_zip_entry(entry, name, budget, self.limits.max_ratio)?;
        let read = bytes.len() as u64;
        self.total += read;
        let mut text = String::from_utf8(bytes)
            .map_err(|_| format!("{name} is not UTF-8 text (not a .docx?)"))?;
        if text.starts_with('\u{feff}') {
            text.drain(..3);
        }
        Ok(Some(text))
    }
}

/// The bytes of one zip entry, refused as a zip bomb when it declares more than `budget`
/// bytes, is denser than `max_ratio`:1 (past [`RATIO_GRACE`]), or holds more than it
/// declares (the declared size can be a lie: one byte more than it is read, and no more).
/// Shared with the WACZ reader ([`super::warc`]).
pub(crate) fn read_zip_entry<R: Read + ?Sized>(
    entry: zip::read::ZipFile<'_, R>,
    name: &str,
    budget: u64,
    max_ratio: u64,
) -> Result<Vec<u8>, String> {
    let declared = entry.size();
    if declared > budget {
        return Err(format!(
            "zip bomb: {name} declares {declared} bytes, over the limit of {budget}"
        ));
    }
    let compressed = entry.compressed_size().max(1);
    let too_dense = |size: u64| size > RATIO_GRACE && size / compressed > max_ratio;
    if too_dense(declared) {
        return Err(format!(
            "zip bomb: {name} expands {}:1, over the limit of {max_ratio}:1",
            declared / compressed
        ));
    }
    let mut bytes = Vec::with_capacity(declared.min(RATIO_GRACE) as usize);
    entry
        .take(declared.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            // The zip crate checks the declared size too, and says so in its error.
            if e.to_string().contains("declared uncompressed size") {
                format!("zip bomb: {name} holds more than the {declared} bytes it declares")
            } else {
                format!("cannot read {name} from the zip archive ({e})")
            }
        })?;
    if bytes.len() as u64 > declared {
        return Err(format!(
            "zip bomb: {name} holds more than the {declared} bytes it declares"
        ));
    }
    Ok(bytes)
}

/// What a story (the body, a note) is made of, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Visible text (a `w:t`, trimmed unless its spaces are preserved).
    Text(String),
    /// A tab or a line break: one space in the visible text, `written` in the rendition.
    Break(&'static str),
    /// A paragraph starts or ends.
    ParaEnd,
    /// A reference to a footnote or endnote, by its `w:id`.
    NoteRef(NoteKind, String),
    /// A footnote or endnote (not a separator) starts, with its `w:id`.
    NoteStart(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NoteKind {
    Foot,
    End,
}

/// Elements whose content is never visible text.
const SKIPPED: [&str; 14] = [
    "pPr",
    "tblPr",
    "tblGrid",
    "trPr",
    "tcPr",
    "sectPr",
    "del",
    "moveFrom",
    "delText",
    "instrText",
    "delInstrText",
    "rt",
    "footnotePr",
    "endnotePr",
];

fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn is_false(v: Option<String>) -> bool {
    matches!(v.as_deref(), Some("0" | "false" | "off"))
}

/// The pieces of a story part (`word/document.xml`, `word/footnotes.xml`…).
fn parse_story(part: &str, xml: &str) -> Result<Vec<Piece>, String> {
    let malformed =
        |at: u64, e: &dyn std::fmt::Display| format!("{part} is malformed XML at byte {at}: {e}");
    let mut reader = NsReader::from_str(xml);
    let mut out = Vec::new();
    // The `w:t` being read: whether its spaces are preserved, and its text so far.
    let mut t: Option<(bool, String)> = None;
    let mut hidden = false;
    // Open elements (not counting skipped ones, read to their end at once).
    let mut depth = 0usize;
    loop {
        let (in_w, in_mc, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (
                matches!(ns, ResolveResult::Bound(n) if W_NS.contains(&n.as_ref())),
                matches!(ns, ResolveResult::Bound(n) if n.as_ref() == MC_NS),
                event,
            ),
            Err(e) => return Err(malformed(reader.error_position(), &e)),
        };
        let is_start = matches!(event, Event::Start(_));
        match event {
            Event::Eof if depth == 0 => break,
            Event::Eof => {
                return Err(malformed(
                    reader.buffer_position(),
                    &"the text ends before its elements are closed",
                ))
            }
            Event::Start(e) if in_mc && e.local_name().as_ref() == "Fallback" => {
                reader
                    .read_to_end(e.name())
                    .map_err(|err| malformed(reader.error_position(), &err))?;
            }
            Event::Start(e) if in_w && SKIPPED.contains(&e.local_name().as_ref()) => {
                reader
                    .read_to_end(e.name())
                    .map_err(|err| malformed(reader.error_position(), &err))?;
            }
            Event::Start(e) | Event::Empty(e) if in_w => {
                depth += usize::from(is_start);
                match e.local_name().as_ref() {
                    "p" => out.push(Piece::ParaEnd),
                    "r" => hidden = false,
                    "vanish" => hidden = !is_false(attr(&e, "val")),
                    "t" => {
                        let preserve = attr(&e, "space").as_deref() == Some("preserve");
                        t = Some((preserve, String::new()));
                    }
                    "tab" | "ptab" if !hidden => out.push(Piece::Break(" ")),
                    "br" | "cr" if !hidden => out.push(Piece::Break("\n")),
                    "noBreakHyphen" if !hidden => out.push(Piece::Text("-".into())),
                    "footnoteReference" | "endnoteReference" => {
                        let kind = if e.local_name().as_ref() == "footnoteReference" {
                            NoteKind::Foot
                        } else {
                            NoteKind::End
                        };
                        if let Some(id) = attr(&e, "id") {
                            out.push(Piece::NoteRef(kind, id));
                        }
                    }
                    "footnote" | "endnote" => {
                        let normal = matches!(attr(&e, "type").as_deref(), None | Some("normal"));
                        match (normal, attr(&e, "id")) {
                            (true, Some(id)) => out.push(Piece::NoteStart(id)),
                            _ => {
                                // A separator or continuation notice: not text.
                                if is_start {
                                    reader
                                        .read_to_end(e.name())
                                        .map_err(|err| malformed(reader.error_position(), &err))?;
                                    depth -= 1;
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if !in_w {
                    continue;
                }
                match e.local_name().as_ref() {
                    "p" => out.push(Piece::ParaEnd),
                    "r" => hidden = false,
                    "t" => {
                        if let Some((preserve, text)) = t.take() {
                            let text = if preserve {
                                text.as_str()
                            } else {
                                text.trim_matches([' ', '\t', '\r', '\n'])
                            };
                            if !hidden && !text.is_empty() {
                                out.push(Piece::Text(text.replace(['\t', '\r', '\n'], " ")));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(e) => {
                if let Some((_, text)) = t.as_mut() {
                    text.push_str(&e.xml10_content());
                }
            }
            Event::CData(e) => {
                if let Some((_, text)) = t.as_mut() {
                    text.push_str(&e.xml10_content());
                }
            }
            Event::GeneralRef(e) => {
                if let Some((_, text)) = t.as_mut() {
                    let resolved = match e.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => {
                            quick_xml::escape::resolve_predefined_entity(&e.xml10_content())
                                .map(str::to_string)
                        }
                        Err(err) => return Err(malformed(reader.error_position(), &err)),
                    };
                    match resolved {
                        Some(s) => text.push_str(&s),
                        None => {
                            return Err(malformed(
                                reader.buffer_position(),
                                &format!("unknown entity &{};", e.xml10_content()),
                            ))
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The notes of a notes part, by `w:id`, in the part's order.
fn split_notes(pieces: Vec<Piece>) -> Vec<(String, Vec<Piece>)> {
    let mut notes: Vec<(String, Vec<Piece>)> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::NoteStart(id) => notes.push((id, Vec::new())),
            Piece::NoteRef(..) => {}
            other => {
                if let Some((_, body)) = notes.last_mut() {
                    body.push(other);
                }
            }
        }
    }
    notes
}

/// Feeds pieces to the rendition builder: no space at the start of a paragraph, one
/// space for a run of tabs and breaks, note labels where the notes are referred to.
#[derive(Default)]
struct Emitter {
    b: RenditionBuilder,
    /// Something was written since the paragraph ended.
    open: bool,
    /// No visible text in this paragraph yet.
    started: bool,
    /// The visible text so far ends with a space.
    after_space: bool,
    /// A tab or break waiting for the next text (what it writes in the rendition).
    pending: Option<&'static str>,
    /// A note's label, written before its first text.
    prefix: Option<String>,
    /// Reading the notes (references in them are not numbered).
    in_note: bool,
    /// Note numbers, in the order the body refers to them.
    numbers: HashMap<(NoteKind, String), usize>,
    counts: [usize; 2],
}

impl Emitter {
    fn feed(&mut self, pieces: &[Piece]) {
        for piece in pieces {
            match piece {
                Piece::Text(s) => self.text(s),
                Piece::Break(w) => {
                    if self.started {
                        self.pending = Some(if self.pending == Some("\n") { "\n" } else { w });
                    }
                }
                Piece::ParaEnd => {
                    if self.prefix.is_none() {
                        self.para_end();
                    }
                }
                Piece::NoteRef(kind, id) if !self.in_note => {
                    let label = self.label(*kind, id);
                    self.b.join("", &label);
                    self.open = true;
                }
                Piece::NoteRef(..) | Piece::NoteStart(_) => {}
            }
        }
    }

    /// A note's label, `[^N]` (footnotes) or `[^eN]` (endnotes), numbered on first use.
    fn label(&mut self, kind: NoteKind, id: &str) -> String {
        let count = &mut self.counts[kind as usize];
        let n = *self
            .numbers
            .entry((kind, id.to_string()))
            .or_insert_with(|| {
                *count += 1;
                *count
            });
        match kind {
            NoteKind::Foot => format!("[^{n}]"),
            NoteKind::End => format!("[^e{n}]"),
        }
    }

    fn text(&mut self, s: &str) {
        let s = if self.started { s } else { s.trim_start() };
        if s.is_empty() {
            return;
        }
        if let Some(p) = self.prefix.take() {
            self.b.join("", &p);
        }
        if let Some(written) = self.pending.take() {
            let visible = if self.after_space || s.starts_with(' ') {
                ""
            } else {
                " "
            };
            self.b.join(visible, written);
        }
        self.b.text(s);
        self.open = true;
        self.started = true;
        self.after_space = s.ends_with(' ');
    }

    fn para_end(&mut self) {
        self.pending = None;
        if self.open {
            self.b.end_paragraph();
        }
        self.open = false;
        self.started = false;
        self.after_space = false;
    }
}

/// Title, author and date from `docProps/core.xml`.
fn core_properties(xml: &str) -> Result<Metadata, String> {
    let mut reader = NsReader::from_str(xml);
    let mut meta = Metadata::default();
    let (mut created, mut modified) = (None, None);
    let mut field: Option<(String, String)> = None;
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "docProps/core.xml is malformed XML at byte {} ({e}): no title, author or date",
                reader.error_position()
            )
        })?;
        match event {
            Event::Eof if depth == 0 => break,
            Event::Eof => {
                return Err(
                    "docProps/core.xml is malformed XML (it ends before its elements \
                            are closed): no title, author or date"
                        .into(),
                )
            }
            Event::Start(e) => {
                depth += 1;
                field = Some((e.local_name().as_ref().to_string(), String::new()));
            }
            Event::Text(e) => {
                if let Some((_, v)) = field.as_mut() {
                    v.push_str(&e.xml10_content());
                }
            }
            Event::GeneralRef(e) => {
                if let Some((_, v)) = field.as_mut() {
                    match e.resolve_char_ref() {
                        Ok(Some(c)) => v.push(c),
                        _ => v.push_str(
                            quick_xml::escape::resolve_predefined_entity(&e.xml10_content())
                                .unwrap_or(""),
                        ),
                    }
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((name, v)) = field.take() {
                    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                    if v.is_empty() {
                        continue;
                    }
                    match name.as_str() {
                        "title" => meta.title = Some(v),
                        "creator" => meta.author = Some(v),
                        "created" => created = day(&v),
                        "modified" => modified = day(&v),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    meta.date = created.or(modified);
    Ok(meta)
}

/// The `YYYY-MM-DD` that starts a W3CDTF date, if it does.
fn day(v: &str) -> Option<String> {
    let d = v.get(..10)?;
    let ok = d.bytes().enumerate().all(|(i, c)| match i {
        4 | 7 => c == b'-',
        _ => c.is_ascii_digit(),
    });
    ok.then(|| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::OnceLock;
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>{body}<w:sectPr><w:pgSz w:w="12240"/></w:sectPr></w:body></w:document>"#
        )
    }

    fn notes(tag: &str, notes: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:{tag}s {NS}>
<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/><w:t>SEPARATOR</w:t></w:r></w:p></w:{tag}>
<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/><w:t>CONTINUED</w:t></w:r></w:p></w:{tag}>
{notes}</w:{tag}s>"#
        )
    }

    /// A .docx of these parts (name, XML), deflated.
    fn docx(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, xml) in parts {
            w.start_file(*name, opts).unwrap();
            w.write_all(xml.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn read_parts(parts: &[(&str, &str)]) -> Rendition {
        let r = read(&docx(parts), &DocxLimits::default()).unwrap();
        assert_words_map_back(&r);
        r
    }

    fn read_body(body: &str) -> Rendition {
        read_parts(&[("word/document.xml", &document(body))])
    }

    /// Every word of the visible text maps back to the same word in the rendition (with
    /// the labels of the notes it refers to, which are not visible), character by character.
    fn assert_words_map_back(r: &Rendition) {
        let label = regex::Regex::new(r"\[\^e?\d+\]").unwrap();
        let (visible, map) = r.document.joined();
        let mut at = 0;
        for word in visible.split([' ', '\n']) {
            if !word.is_empty() {
                let range = map.start_of(at)..map.end_of(at + word.len());
                assert_eq!(
                    label.replace_all(&r.text[range], ""),
                    word,
                    "in {:?}",
                    r.text
                );
                for (i, c) in word.char_indices() {
                    let range = map.start_of(at + i)..map.end_of(at + i + c.len_utf8());
                    assert_eq!(&r.text[range], c.to_string(), "{word:?} in {:?}", r.text);
                }
            }
            at += word.len() + 1;
        }
    }

    fn visible(r: &Rendition) -> String {
        r.document.joined().0
    }

    #[test]
    fn runs_split_mid_word_rejoin_and_breaks_tabs_and_hyphens_are_read() {
        let r = read_body(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
<w:r><w:t>The inter</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>national</w:t></w:r><w:r><w:t xml:space="preserve"> treaty </w:t></w:r><w:r><w:t>was  </w:t></w:r>
<w:r><w:t xml:space="preserve"> signed</w:t><w:tab/><w:t>in</w:t><w:br/><w:t>Geneva by a</w:t><w:noBreakHyphen/><w:t>b co</w:t><w:softHyphen/><w:t>operation</w:t><w:sym w:font="Wingdings" w:char="F04A"/></w:r>
<w:hyperlink r:id="rId5" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:r><w:t xml:space="preserve"> with &amp; for </w:t></w:r></w:hyperlink>
<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>all.</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p><w:r><w:tab/><w:t>Second</w:t><w:cr/></w:r><w:r><w:t xml:space="preserve">  paragraph.</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            visible(&r),
            "The international treaty was signed in Geneva by a-b cooperation with & for all.\n\n\
             Second  paragraph."
        );
        assert_eq!(
            r.text,
            "The international treaty was signed in\nGeneva by a-b cooperation with & for all.\n\n\
             Second\n  paragraph.\n"
        );
    }

    #[test]
    fn each_table_cell_paragraph_is_a_paragraph() {
        let r = read_body(
            r#"<w:p><w:r><w:t>Before.</w:t></w:r></w:p>
<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid>
<w:tr><w:tc><w:tcPr/><w:p><w:r><w:t>Year</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Deaths</w:t></w:r></w:p><w:p><w:r><w:t>(est.)</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>2020</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>After.</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            visible(&r),
            "Before.\n\nYear\n\nDeaths\n\n(est.)\n\n2020\n\nAfter."
        );
        assert_eq!(
            r.text,
            "Before.\n\nYear\n\nDeaths\n\n(est.)\n\n2020\n\nAfter.\n"
        );
    }

    #[test]
    fn tracked_deletions_are_not_read_and_insertions_are() {
        let r = read_body(
            r#"<w:p><w:r><w:t xml:space="preserve">The budget was </w:t></w:r>
<w:del w:id="1" w:author="A"><w:r><w:delText>rejected</w:delText></w:r></w:del>
<w:ins w:id="2" w:author="A"><w:r><w:t>approved</w:t></w:r></w:ins>
<w:moveFrom w:id="3" w:author="A"><w:r><w:t>MOVED AWAY</w:t></w:r></w:moveFrom>
<w:r><w:rPr><w:vanish/></w:rPr><w:t>HIDDEN</w:t></w:r>
<w:r><w:t xml:space="preserve"> on Tuesday.</w:t></w:r></w:p>"#,
        );
        assert_eq!(visible(&r), "The budget was approved on Tuesday.");
        assert_eq!(r.text, "The budget was approved on Tuesday.\n");
    }

    #[test]
    fn a_text_box_is_read_once_not_from_its_fallback_copy() {
        let r = read_body(
            r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed quote.</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed quote.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:t>Body.</w:t></w:r></w:p>"#,
        );
        assert_eq!(visible(&r), "Boxed quote.\n\nBody.");
    }

    #[test]
    fn footnotes_come_after_the_body_and_a_reference_adds_no_visible_text() {
        let body = document(
            r#"<w:p><w:r><w:t>The committee approved the budget</w:t></w:r><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="7"/></w:r><w:r><w:t xml:space="preserve"> on Tuesday</w:t></w:r><w:r><w:endnoteReference w:id="2"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:t>It passed</w:t></w:r><w:r><w:footnoteReference w:id="3"/></w:r><w:r><w:t>.</w:t></w:r></w:p>"#,
        );
        let footnotes = notes(
            "footnote",
            r#"<w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Second note.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="7"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Seven votes to two.</w:t></w:r></w:p><w:p><w:r><w:t>More of it.</w:t></w:r></w:p></w:footnote>"#,
        );
        let endnotes = notes(
            "endnote",
            r#"<w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t>See the minutes.</w:t></w:r></w:p></w:endnote>"#,
        );
        let r = read_parts(&[
            ("word/document.xml", &body),
            ("word/footnotes.xml", &footnotes),
            ("word/endnotes.xml", &endnotes),
        ]);
        assert_eq!(
            visible(&r),
            "The committee approved the budget on Tuesday.\n\nIt passed.\n\n\
             Seven votes to two.\n\nMore of it.\n\nSecond note.\n\nSee the minutes."
        );
        assert_eq!(
            r.text,
            "The committee approved the budget[^1] on Tuesday[^e1].\n\nIt passed[^2].\n\n\
             [footnotes]\n[^1] Seven votes to two.\n\nMore of it.\n\n[^2] Second note.\n\n\
             [endnotes]\n[^e1] See the minutes.\n"
        );
    }

    #[test]
    fn headers_and_footers_are_skipped() {
        let header =
            format!(r#"<w:hdr {NS}><w:p><w:r><w:t>CONFIDENTIAL HEADER</w:t></w:r></w:p></w:hdr>"#);
        let footer = format!(r#"<w:ftr {NS}><w:p><w:r><w:t>Page footer</w:t></w:r></w:p></w:ftr>"#);
        let r = read_parts(&[
            (
                "word/document.xml",
                &document("<w:p><w:r><w:t>Body text.</w:t></w:r></w:p>"),
            ),
            ("word/header1.xml", &header),
            ("word/footer1.xml", &footer),
        ]);
        assert_eq!(r.text, "Body text.\n");
        assert_eq!(visible(&r), "Body text.");
    }

    #[test]
    fn metadata_comes_from_the_core_properties() {
        let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>Iraq &amp; the Coalition</dc:title><dc:creator>Jane  Doe</dc:creator><cp:lastModifiedBy>Editor</cp:lastModifiedBy>
<dcterms:modified xsi:type="dcterms:W3CDTF">2024-02-01T08:00:00Z</dcterms:modified>
<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-05T10:11:12Z</dcterms:created></cp:coreProperties>"#;
        let body = document("<w:p><w:r><w:t>Text.</w:t></w:r></w:p>");
        let r = read_parts(&[("word/document.xml", &body), ("docProps/core.xml", core)]);
        assert_eq!(
            r.meta,
            Metadata {
                title: Some("Iraq & the Coalition".into()),
                author: Some("Jane Doe".into()),
                date: Some("2024-01-05".into()),
                ..Metadata::default()
            }
        );
        let modified_only = core.replace("dcterms:created", "dcterms:other");
        let r = read_parts(&[
            ("word/document.xml", &body),
            ("docProps/core.xml", &modified_only),
        ]);
        assert_eq!(r.meta.date.as_deref(), Some("2024-02-01"));
        // Malformed properties lose the metadata, not the text.
        let r = read_parts(&[
            ("word/document.xml", &body),
            ("docProps/core.xml", "<cp:x><dc:title>"),
        ]);
        assert_eq!(
            (r.meta.clone(), visible(&r)),
            (Metadata::default(), "Text.".to_string())
        );
        assert!(
            r.notes[0].starts_with("docProps/core.xml is malformed XML"),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn what_is_not_a_docx_is_an_error_with_a_reason() {
        let limits = DocxLimits::default();
        let err = |bytes: &[u8]| read(bytes, &limits).unwrap_err();
        assert!(
            err(b"plain text, not a zip").starts_with("not a .docx: not a readable zip archive")
        );
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend([0u8; 504]);
        assert_eq!(
            err(&ole),
            "encrypted or not a .docx (a .doc?): an OLE compound file, not a zip archive"
        );
        assert_eq!(
            err(&docx(&[("content.xml", "<office/>")])),
            "not a .docx: the zip archive has no word/document.xml"
        );
        let mismatched = document("<w:p><w:r><w:t>Text</w:r></w:p>");
        let e = err(&docx(&[("word/document.xml", &mismatched)]));
        assert!(
            e.starts_with("word/document.xml is malformed XML at byte"),
            "{e}"
        );
        let truncated = document("<w:p><w:r><w:t>Text</w:t></w:r></w:p>");
        let truncated = &truncated[..truncated.len() - 30];
        let e = err(&docx(&[("word/document.xml", truncated)]));
        assert!(
            e.starts_with("word/document.xml is malformed XML at byte"),
            "{e}"
        );
        let e = err(&docx(&[("word/document.xml", "<w:document>\u{0}\u{ff}")]));
        assert!(e.starts_with("word/document.xml is malformed XML"), "{e}");
    }

    #[test]
    fn a_part_that_is_not_utf8_is_an_error() {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("word/document.xml", SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"<w:document>\xe9t\xe9</w:document>").unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(
            read(&bytes, &DocxLimits::default()).unwrap_err(),
            "word/document.xml is not UTF-8 text (not a .docx?)"
        );
    }

    #[test]
    fn cut_or_damaged_archives_are_errors_not_panics() {
        let whole = docx(&[
            (
                "word/document.xml",
                &document("<w:p><w:r><w:t>Some text here.</w:t></w:r></w:p>"),
            ),
            ("docProps/core.xml", "<cp:coreProperties/>"),
        ]);
        for cut in 0..whole.len() {
            assert!(
                read(&whole[..cut], &DocxLimits::default()).is_err(),
                "cut at {cut}"
            );
        }
        for i in 0..whole.len() {
            let mut damaged = whole.clone();
            damaged[i] ^= 0x55;
            let _ = read(&damaged, &DocxLimits::default());
        }
    }

    /// 300 MB of zeros, deflated, as word/document.xml (written in 1 MiB chunks).
    fn bomb() -> &'static [u8] {
        static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
        BOMB.get_or_init(|| {
            let mut w = ZipWriter::new(Cursor::new(Vec::new()));
            let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            w.start_file("word/document.xml", opts).unwrap();
            let chunk = vec![0u8; 1 << 20];
            for _ in 0..300 {
                w.write_all(&chunk).unwrap();
            }
            w.finish().unwrap().into_inner()
        })
    }

    /// Little-endian u32 at `at`.
    fn le32(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    /// The offsets of the one entry's uncompressed size in its local and central headers.
    fn size_fields(zip: &[u8]) -> [usize; 2] {
        assert_eq!(&zip[..4], b"PK\x03\x04");
        let central = zip
            .windows(4)
            .rposition(|w| w == b"PK\x01\x02")
            .expect("a central directory header");
        [22, central + 24]
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_declared_size() {
        let bomb = bomb();
        assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
        for at in size_fields(bomb) {
            assert_eq!(le32(bomb, at), 300 << 20);
        }
        assert_eq!(
            read(bomb, &DocxLimits::default()).unwrap_err(),
            format!(
                "zip bomb: word/document.xml declares {} bytes, over the limit of {}",
                300u64 << 20,
                64u64 << 20
            )
        );
    }

    #[test]
    fn a_part_denser_than_the_ratio_is_refused_unless_it_is_small() {
        let zeros = |n: usize| {
            let mut w = ZipWriter::new(Cursor::new(Vec::new()));
            let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            w.start_file("word/document.xml", opts).unwrap();
            w.write_all(&vec![b' '; n]).unwrap();
            w.finish().unwrap().into_inner()
        };
        let e = read(&zeros(2 << 20), &DocxLimits::default()).unwrap_err();
        assert!(e.starts_with("zip bomb: word/document.xml expands "), "{e}");
        assert!(e.ends_with(":1, over the limit of 200:1"), "{e}");
        // A small part as dense is read (and found to hold no text).
        let r = read(&zeros(1 << 20), &DocxLimits::default()).unwrap();
        assert_eq!(r.text, "");
    }

    #[test]
    fn a_zip_bomb_that_lies_about_its_size_is_refused_after_the_declared_bytes() {
        let mut liar = bomb().to_vec();
        for at in size_fields(&liar) {
            liar[at..at + 4].copy_from_slice(&1000u32.to_le_bytes());
        }
        assert_eq!(
            read(&liar, &DocxLimits::default()).unwrap_err(),
            "zip bomb: word/document.xml holds more than the 1000 bytes it declares"
        );
    }

    #[test]
    fn too_many_entries_or_too_many_bytes_in_all_are_refused() {
        let body = document("<w:p><w:r><w:t>Text.</w:t></w:r></w:p>");
        let bytes = docx(&[
            ("word/document.xml", &body),
            ("word/footnotes.xml", &notes("footnote", "")),
            ("docProps/core.xml", "<cp:coreProperties/>"),
        ]);
        let few = DocxLimits {
            max_entries: 2,
            ..DocxLimits::default()
        };
        assert_eq!(
            read(&bytes, &few).unwrap_err(),
            "zip bomb: 3 entries in the archive, over the limit of 2"
        );
        let total = DocxLimits {
            max_total_bytes: body.len() as u64 + 10,
            ..DocxLimits::default()
        };
        let e = read(&bytes, &total).unwrap_err();
        assert!(
            e.starts_with("zip bomb: word/footnotes.xml declares "),
            "{e}"
        );
        assert!(e.ends_with("over the limit of 10"), "{e}");
    }

    /// Seed 003's paragraphs, one per non-empty line.
    fn seed_paragraphs() -> Vec<String> {
        let seed = include_str!("../../seeds/003_0afb694efec83e04.txt");
        seed.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// The fixture `tests/fixtures/docx/statement.docx`: seed 003, each paragraph split
    /// into runs mid-word, a footnote in the middle of the fourth paragraph, a header, and
    /// core properties.
    fn statement_docx() -> Vec<u8> {
        let mut body = String::new();
        for (i, para) in seed_paragraphs().iter().enumerate() {
            body.push_str("<w:p>");
            let cut = para
                .char_indices()
                .map(|(i, _)| i)
                .find(|&c| c >= para.len() / 2)
                .unwrap_or(0);
            let (a, b) = para.split_at(cut);
            if i == 3 {
                // "…a high-ranking militia commander in Baghdad." gets a footnote after "commander".
                let (a, b) = para.split_at(para.find(" in Baghdad").unwrap());
                body.push_str(&format!(
                    r#"<w:r><w:t>{}</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
                    escape(a),
                    escape(b)
                ));
            } else {
                body.push_str(&format!(
                    r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
                    escape(a),
                    escape(b)
                ));
            }
            body.push_str("</w:p>\n");
        }
        let footnotes = notes(
            "footnote",
            r#"<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Mushtaq Taleb al-Saidi, of Harakat Hezbollah al-Nujaba.</w:t></w:r></w:p></w:footnote>"#,
        );
        let header =
            format!(r#"<w:hdr {NS}><w:p><w:r><w:t>RT news header</w:t></w:r></w:p></w:hdr>"#);
        let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Iraq Wants to Kick Out US Troops</dc:title><dc:creator>RT</dc:creator><dcterms:created>2024-01-05T09:00:00Z</dcterms:created></cp:coreProperties>"#;
        docx(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", &document(&body)),
            ("word/footnotes.xml", &footnotes),
            ("word/header1.xml", &header),
            ("docProps/core.xml", core),
        ])
    }

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/docx/statement.docx"
    );

    /// Writes the fixture: `cargo test --lib corpus::docx -- --ignored write_statement_fixture`.
    #[test]
    #[ignore]
    fn write_statement_fixture() {
        std::fs::write(FIXTURE, statement_docx()).unwrap();
    }

    #[test]
    fn the_statement_fixture_is_the_seed_and_reads_back_as_its_paragraphs() {
        let bytes = std::fs::read(FIXTURE).unwrap();
        let r = read(&bytes, &DocxLimits::default()).unwrap();
        assert_words_map_back(&r);
        let mut expected = seed_paragraphs();
        expected.push("Mushtaq Taleb al-Saidi, of Harakat Hezbollah al-Nujaba.".into());
        assert_eq!(visible(&r), expected.join("\n\n"));
        assert!(r.text.contains("militia commander[^1] in Baghdad.\n"));
        assert!(!r.text.contains("RT news header"));
        assert_eq!(
            r.meta.title.as_deref(),
            Some("Iraq Wants to Kick Out US Troops")
        );
        assert_eq!(r.meta.date.as_deref(), Some("2024-01-05"));
    }
}
