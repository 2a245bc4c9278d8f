//! The updater: the only code that writes the index.
//!
//! [`SourceIndex::refresh`] brings the index up to date with the complete list of sources;
//! [`SourceIndex::update`] re-indexes named files only (the language server's answer to a
//! watched-file event). When nothing changed no writer is taken at all.
//!
//! Invariants:
//! - Writing takes tantivy's writer lock (one writer per index folder, across processes),
//!   waiting for another holder at most [`RefreshOptions::lock_timeout`]; a writer not had
//!   in time (or a folder that cannot be written) leaves the index as it was and says why
//!   ([`RefreshReport::stale`]).
//! - What to add, update and remove is decided on the reader reloaded *after* the lock is
//!   taken: another handle (another process, or another `SourceIndex` of the same folder)
//!   may have written since this one last read, and deciding on that old view would record
//!   a source twice or miss a removal.
//! - Every file written is first deleted (`delete_term` on `file`: its file record and all
//!   its passages, and for a web archive every page read from it), whether it is thought
//!   new or changed, so a path never has two records.
//! - One commit per refresh or update, then the reader is reloaded: a reader sees all of a
//!   write or none of it. A refresh's commit also holds the complete-build marker
//!   ([`crate::index::schema::COMPLETE_MARKER`]) once every source has been indexed.
//! - While the writer is held, a note in the index folder ([`HOLDER_NOTE`]) says which
//!   process holds it, so that another one can say what it waits for.

use super::records::{archive_record, complete_marker, skipped_record, source_record};
use super::schema::{self, Fields};
use super::{passages, IndexError, SourceIndex};
use crate::corpus::{self, SourceDoc, SourceFile, Warning};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tantivy::directory::error::LockError;
use tantivy::{doc, IndexWriter, TantivyDocument, TantivyError, Term};

/// Options for [`SourceIndex::refresh`].
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// How source files are read: bytes at most (larger files are skipped with a warning),
    /// links or not.
    pub read: corpus::ReadLimits,
    /// How long to wait for another process that holds the index writer.
    pub lock_timeout: Duration,
    /// Indexing threads (0: one per core, at most 4).
    pub threads: usize,
    /// Find the named entities of each source. On by default; the corpus benchmark turns it
    /// off to measure what extraction adds to the build.
    pub entities: bool,
    /// Find who says each quoted stretch of each source (needs `entities`). On by default;
    /// the corpus benchmark turns it off to measure what attribution adds to the build.
    pub speakers: bool,
}

/// The default of [`RefreshOptions::lock_timeout`].
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for RefreshOptions {
    fn default() -> Self {
        Self {
            read: corpus::ReadLimits::default(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            threads: 0,
            entities: true,
            speakers: true,
        }
    }
}

/// What a refresh did.
#[derive(Debug, Clone, Default)]
pub struct RefreshReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Sources in the index after the refresh (skipped files not counted).
    pub sources: usize,
    /// Bytes of source text read and indexed.
    pub bytes_indexed: u64,
    pub elapsed: Duration,
    /// Skipped files and other problems, one per file.
    pub warnings: Vec<Warning>,
    /// Set when the index could not be brought up to date, and says why (another process
    /// held the writer for too long, the folder cannot be written): results come from the
    /// index as it was.
    pub stale: Option<String>,
    /// Whether the index, as read after this refresh, holds a complete build
    /// ([`SourceIndex::is_complete`]). Stale and not complete: some sources may be missing
    /// from it, and verdicts from it would be wrong.
    pub complete: bool,
}

impl RefreshReport {
    /// Whether the index changed (files added, updated or removed).
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

/// A change of at most this many files is written by a small writer (see `acquire_writer`).
const SMALL_CHANGE: usize = 64;
/// Segments of more documents than this are left out of a small writer's merges.
const SMALL_SEGMENT_DOCS: usize = 20_000;

/// What a reader noted about a source it read (a page without text), as warnings.
fn notes_of(doc: &SourceDoc) -> Vec<Warning> {
    doc.notes
        .iter()
        .map(|message| Warning {
            path: doc.file.display.clone(),
            message: message.clone(),
        })
        .collect()
}

impl SourceIndex {
    /// Write the rendition of `doc` where [`SourceIndex::rendition_path`] says (see
    /// [`super::keep_rendition`]).
    fn keep_rendition(&self, doc: &SourceDoc) -> Result<(), Warning> {
        super::keep_rendition(&self.dir, &doc.file.display, doc.raw.as_bytes())
            .map(|_| ())
            .map_err(|e| Warning {
                path: doc.file.display.clone(),
                message: format!("not indexed: cannot keep its text rendition: {e}"),
            })
    }
}

impl SourceIndex {
    /// Remove the renditions of the pages read from the web archive `path` (each is
    /// `ARCHIVE#RECORD.txt` beside where the archive's own would be).
    fn forget_page_renditions(&self, path: &str) {
        let own = self.rendition_path(path);
        let (Some(folder), Some(name)) = (own.parent(), own.file_name()) else {
            return;
        };
        let name = name.to_string_lossy();
        let prefix = format!(
            "{}{}",
            name.strip_suffix(".txt").unwrap_or(&name),
            corpus::archive::RECORD_SEPARATOR
        );
        let Ok(entries) = std::fs::read_dir(folder) else {
            return;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// The note, in the index folder, of the process that holds the writer: its id, when it took
/// the writer (seconds since 1970), and its command line, one a line. Not a tantivy file:
/// tantivy's garbage collection leaves it alone.
pub const HOLDER_NOTE: &str = "sourced-writer.txt";

/// The index writer and the note that names its holder (removed when the writer goes).
struct HeldWriter {
    writer: IndexWriter<TantivyDocument>,
    note: PathBuf,
}

impl Drop for HeldWriter {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.note);
    }
}

/// The outcome of asking for the writer.
enum Writer {
    Held(Box<HeldWriter>),
    /// Not had: why (to report the index stale).
    Refused(String),
}

#[derive(Default)]
struct Plan<'a> {
    add: Vec<&'a SourceFile>,
    update: Vec<&'a SourceFile>,
    remove: Vec<String>,
    unchanged: Vec<&'a SourceFile>,
}

impl Plan<'_> {
    fn is_empty(&self) -> bool {
        self.add.is_empty() && self.update.is_empty() && self.remove.is_empty()
    }

    fn len(&self) -> usize {
        self.add.len() + self.update.len() + self.remove.len()
    }
}

fn seconds_since_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl SourceIndex {
    /// Bring the index up to date with `files`, the complete list of sources: added and
    /// changed files are (re)indexed, files no longer listed are removed.
    pub fn refresh(
        &self,
        files: &[SourceFile],
        options: &RefreshOptions,
    ) -> Result<RefreshReport, IndexError> {
        let started = Instant::now();
        // A first look on the reader as it is, to take no writer when nothing changed.
        let plan = self.plan(files)?;
        let mut report = if plan.is_empty() && self.is_complete() {
            RefreshReport {
                unchanged: files.len(),
                ..Default::default()
            }
        } else {
            let small = plan.len() <= SMALL_CHANGE;
            let mut held = match self.acquire_writer(options, small)? {
                Writer::Held(held) => held,
                Writer::Refused(why) => return self.stale_report(why, started),
            };
            // Another process may have done the work while we waited: plan again on what is
            // committed now.
            self.reader.reload()?;
            let plan = self.plan(files)?;
            let mut report = self.write(
                &mut held.writer,
                &plan.add,
                &plan.update,
                &plan.remove,
                true,
                options,
            )?;
            report.unchanged = plan.unchanged.len();
            report
        };
        report
            .warnings
            .extend(self.skipped_warnings(files, &report.warnings)?);
        report.sources = self.source_count();
        report.complete = self.is_complete();
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Re-index exactly these files and remove these paths, without looking at any other
    /// file (the language server's answer to a watched-file event).
    pub fn update(
        &self,
        changed: &[SourceFile],
        removed: &[String],
        options: &RefreshOptions,
    ) -> Result<RefreshReport, IndexError> {
        let started = Instant::now();
        if changed.is_empty() && removed.is_empty() {
            return Ok(RefreshReport {
                sources: self.source_count(),
                complete: self.is_complete(),
                ..Default::default()
            });
        }
        let small = changed.len() + removed.len() <= SMALL_CHANGE;
        let mut held = match self.acquire_writer(options, small)? {
            Writer::Held(held) => held,
            Writer::Refused(why) => return self.stale_report(why, started),
        };
        // Decide on what is committed now, not on what this handle last read.
        self.reader.reload()?;
        // One term lookup per named file, not a read of every recorded file: this is the
        // language server's path on each save, and a large index records 100,000s of files.
        let (mut update, mut add) = (Vec::new(), Vec::new());
        for f in changed {
            if self.holds(&f.display)? {
                update.push(f);
            } else {
                add.push(f);
            }
        }
        let mut gone = Vec::new();
        for p in removed {
            if self.holds(p)? {
                gone.push(p.clone());
            }
        }
        let removed = gone;
        // The counts after the write, from the counts before and the named files alone:
        // counting every record again takes 30–40 ms at 1 GB, as long as the update itself.
        let named: Vec<&str> = changed
            .iter()
            .map(|f| f.display.as_str())
            .chain(removed.iter().map(String::as_str))
            .collect();
        let before = self
            .cached_counts()
            .map(|counts| self.tally(&named).map(|named| (counts, named)))
            .transpose()?;
        let mut report = self.write(&mut held.writer, &add, &update, &removed, false, options)?;
        drop(held);
        if let Some(((sources, skipped), (named_sources, named_skipped))) = before {
            let (now_sources, now_skipped) = self.tally(&named)?;
            self.remember_counts((
                (sources + now_sources).saturating_sub(named_sources),
                (skipped + now_skipped).saturating_sub(named_skipped),
            ));
        }
        report.sources = self.source_count();
        report.complete = self.is_complete();
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// The report of a refresh that could not write: the index as it is committed now (read
    /// again: another process may have written meanwhile).
    fn stale_report(&self, why: String, started: Instant) -> Result<RefreshReport, IndexError> {
        self.reader.reload()?;
        Ok(RefreshReport {
            stale: Some(why),
            sources: self.source_count(),
            complete: self.is_complete(),
            elapsed: started.elapsed(),
            ..Default::default()
        })
    }

    /// Delete every path of `add`, `update` and `remove`, index `add` and `update`, mark the
    /// build complete if `complete`, commit, read the result.
    fn write(
        &self,
        writer: &mut IndexWriter<TantivyDocument>,
        add: &[&SourceFile],
        update: &[&SourceFile],
        remove: &[String],
        complete: bool,
        options: &RefreshOptions,
    ) -> Result<RefreshReport, IndexError> {
        let mut report = RefreshReport::default();
        let written = add.iter().chain(update).map(|f| &f.display);
        for path in remove.iter().chain(written) {
            writer.delete_term(Term::from_field_text(self.fields.file, path));
        }
        // A rendition is written again if the file still has one.
        for path in remove.iter().chain(update.iter().map(|f| &f.display)) {
            let _ = std::fs::remove_file(self.rendition_path(path));
            if corpus::archive::ArchiveKind::of(std::path::Path::new(path)).is_some() {
                self.forget_page_renditions(path);
            }
        }
        let fields = self.fields;
        let limits = options.read;
        let finds = Finds {
            entities: options.entities,
            speakers: options.entities && options.speakers,
        };
        let shared: &IndexWriter<TantivyDocument> = writer;
        // Per file: bytes indexed and notes about it, or why it was skipped.
        let results: Vec<Result<(u64, Vec<Warning>), Warning>> = add
            .par_iter()
            .chain(update.par_iter())
            .map(|file| match corpus::load_any(file, limits) {
                Ok(corpus::Loaded::Document(doc)) => {
                    if doc.rendered {
                        self.keep_rendition(&doc)?;
                    }
                    add_source(shared, fields, &doc, finds)
                        .map(|_| (doc.raw.len() as u64, notes_of(&doc)))
                }
                Ok(corpus::Loaded::Archive { pages, notes }) => {
                    let mut bytes = 0;
                    let mut warnings: Vec<Warning> = notes
                        .into_iter()
                        .map(|message| Warning {
                            path: file.display.clone(),
                            message,
                        })
                        .collect();
                    let mut kept = 0;
                    for page in &pages {
                        let added = self
                            .keep_rendition(page)
                            .and_then(|()| add_source(shared, fields, page, finds));
                        match added {
                            Ok(()) => {
                                kept += 1;
                                bytes += page.raw.len() as u64;
                                warnings.extend(notes_of(page));
                            }
                            Err(w) => warnings.push(w),
                        }
                    }
                    shared
                        .add_document(archive_record(fields, file, kept))
                        .map_err(|e| Warning {
                            path: file.display.clone(),
                            message: format!("not indexed: {e}"),
                        })?;
                    Ok((bytes, warnings))
                }
                Err(skip) => {
                    // Remember files that will stay unreadable until they change; a read error
                    // (permissions, a file vanishing or swapped) is tried again next time.
                    if skip.lasting {
                        let _ = shared.add_document(skipped_record(
                            fields,
                            file,
                            &skip.warning.message,
                        ));
                    }
                    Err(skip.warning)
                }
            })
            .collect();
        for r in results {
            match r {
                Ok((bytes, notes)) => {
                    report.bytes_indexed += bytes;
                    report.warnings.extend(notes);
                }
                Err(w) => report.warnings.push(w),
            }
        }
        // The reader was reloaded after the writer was taken: it sees any marker there is.
        if complete && !self.is_complete() {
            writer.add_document(complete_marker(fields))?;
        }
        writer.commit()?;
        self.reader.reload()?;
        report.added = add.len();
        report.updated = update.len();
        report.removed = remove.len();
        Ok(report)
    }

    fn plan<'a>(&self, files: &'a [SourceFile]) -> Result<Plan<'a>, IndexError> {
        let mut recorded = self.recorded()?;
        let mut plan = Plan::default();
        for f in files {
            match recorded.remove(&f.display) {
                None => plan.add.push(f),
                Some(r) if r.mtime != f.mtime || r.size != f.size => plan.update.push(f),
                Some(_) => plan.unchanged.push(f),
            }
        }
        plan.remove = recorded.into_keys().collect();
        plan.remove.sort();
        Ok(plan)
    }

    /// The index writer, waiting for another process that holds it (bounded). A writer for a
    /// `small` change (a few files) has one thread and the smallest arena, and merges only
    /// small segments: the writer is dropped right after its commit, and a merge of large
    /// segments would only be interrupted (and leave its files behind).
    fn acquire_writer(&self, options: &RefreshOptions, small: bool) -> Result<Writer, IndexError> {
        let threads = match options.threads {
            _ if small => 1,
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(4),
            n => n,
        };
        let arena = if small { 15_000_000 } else { 64_000_000 };
        let deadline = Instant::now() + options.lock_timeout;
        loop {
            match self.index.writer_with_num_threads(threads, threads * arena) {
                Ok(w) => {
                    if small {
                        let mut policy = tantivy::merge_policy::LogMergePolicy::default();
                        policy.set_max_docs_before_merge(SMALL_SEGMENT_DOCS);
                        w.set_merge_policy(Box::new(policy));
                    }
                    // Remove what an earlier writer left behind: a writer dropped while
                    // merging (the end of every refresh) leaves the merge's files unused,
                    // as large as the segments it merged.
                    // (Harmless if it fails: the next writer tries again.)
                    let _ = w.garbage_collect_files().wait();
                    return Ok(Writer::Held(Box::new(self.note_holder(w))));
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _))
                    if Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                    return Ok(Writer::Refused(self.busy(options.lock_timeout)));
                }
                Err(TantivyError::LockFailure(LockError::IoError(e), _))
                    if super::directory::cannot_write(&e) =>
                {
                    return Ok(Writer::Refused(format!(
                        "the index at {} cannot be written ({e})",
                        self.dir.display()
                    )));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Leave the note of who holds the writer (best effort: a missing note only makes
    /// another process's message vaguer).
    fn note_holder(&self, writer: IndexWriter<TantivyDocument>) -> HeldWriter {
        let note = self.dir.join(HOLDER_NOTE);
        let command: Vec<String> = std::env::args().collect();
        let text = format!(
            "{}\n{}\n{}\n",
            std::process::id(),
            seconds_since_epoch(),
            command.join(" ")
        );
        // Written aside and renamed into place: a rename replaces a link, never writes
        // through it.
        let aside = self
            .dir
            .join(format!("{HOLDER_NOTE}.{}", std::process::id()));
        let _ = std::fs::remove_file(&aside);
        if crate::disk::confine::write_new(&aside, text.as_bytes()).is_ok()
            && std::fs::rename(&aside, &note).is_err()
        {
            let _ = std::fs::remove_file(&aside);
        }
        HeldWriter { writer, note }
    }

    /// Why the writer was not had: who holds it, as its note says.
    fn busy(&self, waited: Duration) -> String {
        let lock = self.dir.join(".tantivy-writer.lock");
        let note = crate::disk::read_bounded(&self.dir.join(HOLDER_NOTE), 64 << 10, false)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let mut lines = note.lines();
        let holder = match (lines.next(), lines.next(), lines.next()) {
            (Some(pid), Some(since), Some(command)) => {
                let since = since.parse::<u64>().map_or(String::new(), |s| {
                    format!(
                        ", writing for {} s",
                        seconds_since_epoch().saturating_sub(s)
                    )
                });
                format!("process {pid} (`{command}`{since})")
            }
            _ => "another process".to_string(),
        };
        format!(
            "{holder} holds the writer lock of the index at {} ({}); waited {} s for it",
            self.dir.display(),
            lock.display(),
            waited.as_secs_f64()
        )
    }
}

/// What [`add_source`] finds in each source besides its passages.
#[derive(Debug, Clone, Copy)]
struct Finds {
    entities: bool,
    speakers: bool,
}

/// Index one source: its file record and its passages.
fn add_source(
    writer: &IndexWriter<TantivyDocument>,
    f: Fields,
    doc: &SourceDoc,
    finds: Finds,
) -> Result<(), Warning> {
    let fail = |e: TantivyError| Warning {
        path: doc.file.display.clone(),
        message: format!("not indexed: {e}"),
    };
    // A bug in the entity finder or in attribution must not stop indexing: the source then
    // has none.
    // Both passes read the same tokens of the visible text, made once.
    let toks = finds
        .entities
        .then(|| crate::entities::tokens::tokenize(&doc.text));
    let found = toks.as_deref().map(|toks| {
        let mut found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::entities::extract::extract_with_tokens(doc, toks)
        }))
        .unwrap_or_default();
        found.locate(&doc.raw);
        found
    });
    let speakers = match (&found, toks.as_deref()) {
        (Some(found), Some(toks)) if finds.speakers => Some(
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::speakers::attribute::attribute_tokens(doc, toks, found)
            }))
            .unwrap_or_default()
            .to_json(),
        ),
        _ => None,
    };
    let found = found.map(|f| f.to_json());
    writer
        .add_document(source_record(f, doc, found.as_deref(), speakers.as_deref()))
        .map_err(fail)?;
    let path = doc.file.display.as_str();
    let file = doc.archive.as_deref().unwrap_or(path);
    for p in passages::split(doc) {
        writer
            .add_document(doc!(
                f.path => path,
                f.file => file,
                f.ord => p.ord,
                f.passage_key => schema::passage_key(path, p.ord),
                f.words => p.words,
                f.text => p.text,
                f.map => p.map.to_bytes(),
            ))
            .map_err(fail)?;
    }
    Ok(())
}
