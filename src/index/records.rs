//! The file records: one document per source (or per file skipped), read and written here.
//!
//! A file record holds the source's path (also as its `record` term), citation keys, mtime
//! and size (to find what changed), metadata as JSON and the named entities found in it. A
//! file that could not be indexed (binary, too large) is recorded as skipped: the top bit of
//! its `size` set and the reason in `meta`, so that it is not read again until it changes.
//!
//! A web archive's file record is not a source: `meta` says how many pages were read from
//! it (`archive:N`) and the bit [`ARCHIVE_BIT`] of its `size` is set. Each page's record is a
//! source whose `size` has [`PAGE_BIT`] set: it is listed among sources, never among files
//! (its file is the archive).
//!
//! Invariants:
//! - every path has at most one file record, and each of its passages once: the updater
//!   deletes everything of a path before it adds it again ([`super::update`]);
//! - a record is found by its `record` term alone (one posting per path), never by scanning
//!   the passages that share its path;
//! - listings of every record ([`SourceIndex::recorded`], [`SourceIndex::file_records`]) read
//!   the fast-field columns only, not stored documents.

use super::schema::{self, Fields};
use super::{IndexError, SourceIndex};
use crate::corpus::{Metadata, SourceDoc, SourceFile, Warning};
use crate::entities::SourceEntities;
use crate::speakers::SourceSpeakers;
use std::collections::HashMap;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{doc, TantivyDocument, Term};

/// What `meta` of a skipped file's record starts with.
const SKIPPED_PREFIX: &str = "skipped:";
/// The top bit of `size` marks the record of a skipped file.
const SKIPPED_BIT: u64 = 1 << 63;
/// Marks the record of a page of a web archive (a source; its file is the archive).
const PAGE_BIT: u64 = 1 << 62;
/// Marks the record of a web archive itself (a file, not a source).
const ARCHIVE_BIT: u64 = 1 << 61;
/// The bits of `size` that are marks, not the size.
const MARKS: u64 = SKIPPED_BIT | PAGE_BIT | ARCHIVE_BIT;
/// What `meta` of a web archive's own record starts with (then the number of pages).
const ARCHIVE_PREFIX: &str = "archive:";

/// One file as recorded in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub path: String,
    pub mtime: u64,
    pub size: u64,
    /// Recorded as skipped (not indexed), not as a source.
    pub skipped: bool,
    /// A page of a web archive: a source, but not a file (`path` is `ARCHIVE#RECORD`).
    pub page: bool,
    /// A web archive's own record: a file, but not a source (its pages are).
    pub archive: bool,
}

impl FileRecord {
    /// Whether the record is that of a source (a file or an archived page).
    pub fn is_source(&self) -> bool {
        !self.skipped && !self.archive
    }

    /// Whether the record is that of a file (a source file, an archive, a skipped file).
    pub fn is_file(&self) -> bool {
        !self.page
    }
}

/// What is known about one source in the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceInfo {
    pub path: String,
    pub meta: Metadata,
    /// Citation keys: the file stem and the front matter `id`.
    pub keys: Vec<String>,
    /// For a source that is not a text file (PDF, DOCX, subtitles): its rendition in the
    /// index folder, which line and column numbers refer to and editors open.
    pub rendition: Option<std::path::PathBuf>,
    /// Where stretches of the text (of the rendition) come from: page, cue time, speaker.
    pub places: Vec<crate::corpus::rendition::Located>,
    /// For an article of a search cluster (`[[remote]]`): the archive's name. Its text is
    /// then `rendition`, kept in the index folder.
    pub archive: Option<String>,
}

/// What a speaker check needs of one source ([`SourceIndex::speaker_facts`]).
#[derive(Debug, Clone, Default)]
pub struct SpeakerFacts {
    pub path: String,
    pub meta: Metadata,
    /// Who says each quoted stretch, in file bytes.
    pub speakers: SourceSpeakers,
    /// The source's entities (aliases, roles, mentions in file bytes).
    pub found: Vec<crate::entities::Found>,
}

/// The record of an indexed source (its passages are separate documents).
pub(crate) fn source_record(
    f: Fields,
    doc: &SourceDoc,
    entities: Option<&str>,
    speakers: Option<&str>,
) -> TantivyDocument {
    let path = doc.file.display.as_str();
    let (file, marks) = match &doc.archive {
        Some(archive) => (archive.as_str(), PAGE_BIT),
        None => (path, 0),
    };
    let mut record = doc!(
        f.path => path,
        f.record => path,
        f.file => file,
        f.mtime => doc.file.mtime,
        f.size => doc.file.size | marks,
        f.meta => serde_json::to_string(&doc.meta).unwrap_or_default(),
    );
    // A page of an archive is cited by its address, not by the archive's name.
    if doc.archive.is_none() {
        record.add_text(f.key, doc.file.stem());
    }
    for url in &doc.urls {
        record.add_text(f.url, url);
    }
    if let Some(id) = &doc.meta.id {
        record.add_text(f.key, id);
    }
    if let Some(json) = entities {
        record.add_text(f.entities, json);
    }
    if let Some(json) = speakers {
        record.add_text(f.speakers, json);
    }
    if doc.rendered {
        record.add_text(
            f.places,
            serde_json::to_string(&doc.places).unwrap_or_default(),
        );
    }
    record
}

/// The record of a file that is no source itself: `marks` in its `size`, `meta` as given.
fn file_only_record(f: Fields, file: &SourceFile, marks: u64, meta: String) -> TantivyDocument {
    doc!(
        f.path => file.display.as_str(),
        f.record => file.display.as_str(),
        f.file => file.display.as_str(),
        f.mtime => file.mtime,
        f.size => file.size | marks,
        f.meta => meta,
    )
}

/// The record of a file that was not indexed, and why.
pub(crate) fn skipped_record(f: Fields, file: &SourceFile, message: &str) -> TantivyDocument {
    let reason = message.strip_prefix(SKIPPED_PREFIX).unwrap_or(message);
    file_only_record(f, file, SKIPPED_BIT, format!("{SKIPPED_PREFIX}{reason}"))
}

/// The record of a web archive itself, from which `pages` sources were read.
pub(crate) fn archive_record(f: Fields, file: &SourceFile, pages: usize) -> TantivyDocument {
    file_only_record(f, file, ARCHIVE_BIT, format!("{ARCHIVE_PREFIX}{pages}"))
}

/// The marker of a complete build (see [`schema::COMPLETE_MARKER`]).
pub(crate) fn complete_marker(f: Fields) -> TantivyDocument {
    doc!(f.record => schema::COMPLETE_MARKER)
}

impl SourceIndex {
    fn record_query(&self, term: &str) -> TermQuery {
        TermQuery::new(
            Term::from_field_text(self.fields.record, term),
            IndexRecordOption::Basic,
        )
    }

    /// Whether the index, as this handle reads it, holds a complete build: a refresh has
    /// indexed every source at least once (see [`schema::COMPLETE_MARKER`]). An index that
    /// is not complete may hold some sources and miss others.
    pub fn is_complete(&self) -> bool {
        let q = self.record_query(schema::COMPLETE_MARKER);
        self.searcher().search(&q, &Count).is_ok_and(|n| n > 0)
    }

    /// Whether `path` has a file record.
    pub(crate) fn holds(&self, path: &str) -> Result<bool, IndexError> {
        Ok(self.searcher().search(&self.record_query(path), &Count)? > 0)
    }

    /// The file record of `path`.
    fn file_doc(&self, path: &str) -> Result<Option<TantivyDocument>, IndexError> {
        let searcher = self.searcher();
        let hit = searcher
            .search(&self.record_query(path), &TopDocs::with_limit(1))?
            .into_iter()
            .next();
        Ok(match hit {
            Some((_, addr)) => Some(searcher.doc(addr)?),
            None => None,
        })
    }

    fn stored_meta(&self, path: &str) -> Result<Option<String>, IndexError> {
        Ok(self.file_doc(path)?.and_then(|d| {
            d.get_first(self.fields.meta)
                .and_then(|v| v.as_str().map(str::to_string))
        }))
    }

    /// Every live file record, in index order, duplicates included (for tests and
    /// debugging: a path recorded twice is a defect this shows).
    pub fn file_records(&self) -> Result<Vec<FileRecord>, IndexError> {
        let searcher = self.searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let mtime = ff.u64("mtime")?;
            let size = ff.u64("size")?;
            let Some(paths) = ff.str("path")? else {
                continue;
            };
            // Read the path dictionary in one sequential pass: looking terms up one by one
            // decompresses a block each time.
            let mut names = Vec::with_capacity(paths.num_terms());
            let mut stream = paths
                .dictionary()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                names.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in segment.doc_ids_alive() {
                // Passages have neither `mtime` nor `size`.
                let (Some(m), Some(s)) = (mtime.first(doc), size.first(doc)) else {
                    continue;
                };
                let Some(path) = paths
                    .term_ords(doc)
                    .next()
                    .and_then(|o| names.get(o as usize))
                else {
                    continue;
                };
                out.push(FileRecord {
                    path: path.clone(),
                    mtime: m,
                    size: s & !MARKS,
                    skipped: s & SKIPPED_BIT != 0,
                    page: s & PAGE_BIT != 0,
                    archive: s & ARCHIVE_BIT != 0,
                });
            }
        }
        Ok(out)
    }

    /// Every live passage as (path, ord), duplicates included (for tests and debugging;
    /// reads every passage's stored document).
    pub fn passage_records(&self) -> Result<Vec<(String, u64)>, IndexError> {
        use tantivy::collector::DocSetCollector;
        let searcher = self.searcher();
        let f = self.fields;
        // `ord` is not a fast field: every document is read, passages kept.
        let docs = searcher.search(&tantivy::query::AllQuery, &DocSetCollector)?;
        let mut out = Vec::new();
        for addr in docs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let (Some(path), Some(ord)) = (
                doc.get_first(f.path).and_then(|v| v.as_str()),
                doc.get_first(f.ord).and_then(|v| v.as_u64()),
            ) {
                out.push((path.to_string(), ord));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Every recorded file by path (pages of archives are not files: their archive is).
    pub(crate) fn recorded(&self) -> Result<HashMap<String, FileRecord>, IndexError> {
        Ok(self
            .file_records()?
            .into_iter()
            .filter(FileRecord::is_file)
            .map(|r| (r.path.clone(), r))
            .collect())
    }

    /// Sources and skipped files, from the `size` column alone (file records have one,
    /// passages none); the `mtime` and `path` columns are opened too, to check them.
    pub(crate) fn count_records(&self) -> tantivy::Result<(usize, usize)> {
        let (mut sources, mut skipped) = (0, 0);
        for segment in self.searcher().segment_readers() {
            let ff = segment.fast_fields();
            ff.u64("mtime")?;
            ff.str("path")?;
            let size = ff.u64("size")?;
            for doc in segment.doc_ids_alive() {
                if let Some(s) = size.first(doc) {
                    if s & SKIPPED_BIT != 0 {
                        skipped += 1;
                    } else if s & ARCHIVE_BIT == 0 {
                        sources += 1;
                    }
                }
            }
        }
        Ok((sources, skipped))
    }

    /// Among the files `paths`, how many sources they hold (an archive, its pages) and how
    /// many are recorded as skipped.
    pub(crate) fn tally(&self, paths: &[&str]) -> Result<(usize, usize), IndexError> {
        let (mut sources, mut skipped) = (0, 0);
        for path in paths {
            match self.stored_meta(path)? {
                Some(meta) if meta.starts_with(SKIPPED_PREFIX) => skipped += 1,
                Some(meta) if meta.starts_with(ARCHIVE_PREFIX) => {
                    sources += meta[ARCHIVE_PREFIX.len()..].parse::<usize>().unwrap_or(0);
                }
                Some(_) => sources += 1,
                None => {}
            }
        }
        Ok((sources, skipped))
    }

    /// Warnings for files recorded as skipped (so that every run names them), except those
    /// already in `reported`.
    pub(crate) fn skipped_warnings(
        &self,
        files: &[SourceFile],
        reported: &[Warning],
    ) -> Result<Vec<Warning>, IndexError> {
        let recorded = self.recorded()?;
        let mut out = Vec::new();
        for f in files {
            if reported.iter().any(|w| w.path == f.display) {
                continue;
            }
            if recorded.get(&f.display).is_some_and(|r| r.skipped) {
                let message = self
                    .stored_meta(&f.display)?
                    .and_then(|m| {
                        m.strip_prefix(SKIPPED_PREFIX)
                            .map(|s| format!("{SKIPPED_PREFIX}{s}"))
                    })
                    .unwrap_or_else(|| "skipped".into());
                out.push(Warning {
                    path: f.display.clone(),
                    message,
                });
            }
        }
        Ok(out)
    }

    /// Metadata and citation keys of an indexed source.
    pub fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        let Some(doc) = self.file_doc(path)? else {
            return Ok(None);
        };
        let meta_json = doc
            .get_first(self.fields.meta)
            .and_then(|v| v.as_str())
            .unwrap_or("{}");
        if meta_json.starts_with(SKIPPED_PREFIX) || meta_json.starts_with(ARCHIVE_PREFIX) {
            return Ok(None);
        }
        let meta = serde_json::from_str(meta_json).unwrap_or_default();
        let keys = doc
            .get_all(self.fields.key)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        // A rendered source's record holds its places (an empty list for a rendition
        // without any); a text file's holds none.
        let places = doc.get_first(self.fields.places).and_then(|v| v.as_str());
        Ok(Some(SourceInfo {
            path: path.to_string(),
            meta,
            keys,
            rendition: places.map(|_| self.rendition_path(path)),
            places: places
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default(),
            archive: None,
        }))
    }

    /// Paths of the sources a citation key names (file stem or front matter `id`).
    pub fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.key, key),
            IndexRecordOption::Basic,
        );
        let mut out = Vec::new();
        for (_, addr) in searcher.search(&q, &TopDocs::with_limit(100))? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(p) = doc.get_first(self.fields.path).and_then(|v| v.as_str()) {
                out.push(p.to_string());
            }
        }
        out.sort();
        Ok(out)
    }

    /// The captured pages a web address names (compared by
    /// [`url_key`](crate::corpus::url_key::url_key)), the newest capture first.
    pub fn resolve_url(&self, url: &str) -> Result<Vec<String>, IndexError> {
        let Some(key) = crate::corpus::url_key::url_key(url) else {
            return Ok(Vec::new());
        };
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.url, &key),
            IndexRecordOption::Basic,
        );
        let mut found = Vec::new();
        for (_, addr) in searcher.search(&q, &TopDocs::with_limit(1000))? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let path = doc.get_first(self.fields.path).and_then(|v| v.as_str());
            let meta: Metadata = doc
                .get_first(self.fields.meta)
                .and_then(|v| v.as_str())
                .and_then(|m| serde_json::from_str(m).ok())
                .unwrap_or_default();
            if let Some(p) = path {
                found.push((meta.captured.unwrap_or_default(), p.to_string()));
            }
        }
        // Newest first; captures at the same time in path order.
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(found.into_iter().map(|(_, p)| p).collect())
    }

    /// Every indexed source with its keys and metadata (for completion and listings).
    pub fn sources(&self) -> Result<Vec<SourceInfo>, IndexError> {
        let mut paths: Vec<_> = self
            .file_records()?
            .into_iter()
            .filter(FileRecord::is_source)
            .map(|r| r.path)
            .collect();
        paths.sort();
        paths.dedup();
        let mut out = Vec::with_capacity(paths.len());
        for p in paths {
            if let Some(info) = self.source_info(&p)? {
                out.push(info);
            }
        }
        Ok(out)
    }

    /// What a speaker check needs of one source: who says its quoted stretches, its
    /// entities and its metadata, as stored at index time. `None` for a path that is no
    /// indexed source; empty speakers and entities for one indexed without them.
    pub(crate) fn read_speaker_facts(
        &self,
        path: &str,
    ) -> Result<Option<SpeakerFacts>, IndexError> {
        let Some(doc) = self.file_doc(path)? else {
            return Ok(None);
        };
        let text = |field| doc.get_first(field).and_then(|v| v.as_str());
        let meta_json = text(self.fields.meta).unwrap_or("{}");
        if meta_json.starts_with(SKIPPED_PREFIX) || meta_json.starts_with(ARCHIVE_PREFIX) {
            return Ok(None);
        }
        Ok(Some(SpeakerFacts {
            path: path.to_string(),
            meta: serde_json::from_str(meta_json).unwrap_or_default(),
            speakers: text(self.fields.speakers)
                .and_then(SourceSpeakers::from_json)
                .unwrap_or_default(),
            found: text(self.fields.entities)
                .and_then(SourceEntities::from_json)
                .map(|e| e.found)
                .unwrap_or_default(),
        }))
    }

    /// The named entities of every indexed source, as stored at index time.
    pub fn source_entities(&self) -> Result<Vec<(String, SourceEntities)>, IndexError> {
        use tantivy::collector::DocSetCollector;
        use tantivy::query::ExistsQuery;
        let searcher = self.searcher();
        let docs = searcher.search(&ExistsQuery::new("mtime".into(), false), &DocSetCollector)?;
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let (Some(path), Some(json)) = (
                doc.get_first(self.fields.path).and_then(|v| v.as_str()),
                doc.get_first(self.fields.entities).and_then(|v| v.as_str()),
            ) else {
                continue;
            };
            if let Some(se) = SourceEntities::from_json(json) {
                out.push((path.to_string(), se));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}
