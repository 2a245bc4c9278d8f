//! The persistent tantivy index of the sources, kept in the cache folder (`.sourced/` by
//! default).
//!
//! - [`SourceIndex::open`] opens it or creates it; an index that is damaged, not ours, or from
//!   another format version is rebuilt from scratch with a message.
//! - [`SourceIndex::refresh`] brings it up to date with the files on disk: only added, changed
//!   and removed files are touched. When nothing changed no writer is taken at all.
//! - Two processes may share an index: tantivy allows one writer, so a second process that
//!   needs to write waits for the first (bounded), and reads meanwhile.

pub mod analyzer;
pub mod passages;
pub mod retrieve;
pub mod schema;
pub mod sharded;

use crate::corpus::{self, Metadata, SourceDoc, SourceFile, Warning};
use crate::entities::{EntityTable, Registry, SourceEntities};
use rayon::prelude::*;
use schema::Fields;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::{
    doc, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term,
};

pub use retrieve::{Region, Retriever};
pub use sharded::Sharded;

/// Errors the index cannot recover from by itself.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot use the index folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("index error: {0}")]
    Tantivy(#[from] TantivyError),
}

/// Options for [`SourceIndex::refresh`].
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// Files larger than this are skipped with a warning.
    pub max_file_bytes: u64,
    /// How long to wait for another process that holds the index writer.
    pub lock_timeout: Duration,
    /// Indexing threads (0: one per core, at most 4).
    pub threads: usize,
    /// Find the named entities of each source. On by default; the corpus benchmark turns it
    /// off to measure what extraction adds to the build.
    pub entities: bool,
}

impl Default for RefreshOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: corpus::DEFAULT_MAX_FILE_BYTES,
            lock_timeout: Duration::from_secs(60),
            threads: 0,
            entities: true,
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
    /// Set when the index could not be updated (another process held the writer for too long):
    /// results come from the index as it was.
    pub stale: Option<String>,
}

impl RefreshReport {
    /// Whether the index changed (files added, updated or removed).
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

/// One indexed file, as recorded in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recorded {
    mtime: u64,
    size: u64,
    skipped: bool,
}

/// What is known about one source in the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceInfo {
    pub path: String,
    pub meta: Metadata,
    /// Citation keys: the file stem and the front matter `id`.
    pub keys: Vec<String>,
}

/// The index of a set of source folders.
pub struct SourceIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// The last entity table built: (index state, registry fingerprint, table).
    entity_cache: Mutex<Option<(u64, u64, Arc<EntityTable>)>>,
    /// [`SourceIndex::counts`] of one index state: counting visits every document's `size`,
    /// 30–40 ms at 1 GB, and the language server asks on every status report.
    counts_cache: Mutex<Option<(u64, (usize, usize))>>,
}

const SKIPPED_PREFIX: &str = "skipped:";

/// A change of at most this many files is written by a small writer (see `acquire_writer`).
const SMALL_CHANGE: usize = 64;
/// Segments of more documents than this are left out of a small writer's merges.
const SMALL_SEGMENT_DOCS: usize = 20_000;

impl SourceIndex {
    /// Open the index in `cache_dir` (created if missing). Messages say what was rebuilt and why.
    pub fn open(cache_dir: &Path) -> Result<(SourceIndex, Vec<String>), IndexError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| IndexError::Io { path, source }
        };
        std::fs::create_dir_all(cache_dir).map_err(io(cache_dir))?;
        let ignore = cache_dir.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(&ignore, "# sourced's cache: safe to delete\n*\n");
        }
        let dir = cache_dir.join(format!("index-v{}", schema::FORMAT_VERSION));
        let mut messages = Vec::new();
        // Indexes of other format versions are dropped.
        if let Ok(entries) = std::fs::read_dir(cache_dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("index-v") && e.path() != dir {
                    messages.push(format!(
                        "index from another version of sourced ({name}) removed; rebuilding"
                    ));
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        match Self::open_dir(&dir) {
            Ok(index) => Ok((index, messages)),
            Err(e) => {
                messages.push(format!(
                    "index at {} is damaged ({e}); rebuilding it",
                    dir.display()
                ));
                if dir.is_dir() {
                    std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
                } else {
                    // Something else under our folder's name, in our cache folder.
                    std::fs::remove_file(&dir).map_err(io(&dir))?;
                }
                Ok((Self::open_dir(&dir)?, messages))
            }
        }
    }

    fn open_dir(dir: &Path) -> Result<SourceIndex, IndexError> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let directory = MmapDirectory::open(dir).map_err(TantivyError::from)?;
        let (schema, _) = schema::build();
        let index = Index::open_or_create(directory, schema)?;
        analyzer::register(&index);
        let fields = schema::fields_of(&index.schema())
            .ok_or_else(|| TantivyError::SchemaError("not a sourced index".into()))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = SourceIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            entity_cache: Mutex::new(None),
            counts_cache: Mutex::new(None),
        };
        // Reading the file records' columns also checks them (a damaged one fails here and the
        // index is rebuilt); counting with them is cheaper than reading every path.
        this.remember_counts(this.count_records()?);
        // Files tantivy only opens on the first search (the positions of `text`): opened now,
        // so that a damaged one means a rebuild here rather than failed searches later.
        for segment in this.reader.searcher().segment_readers() {
            segment.inverted_index(fields.words)?;
        }
        Ok(this)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn fields(&self) -> Fields {
        self.fields
    }

    pub(crate) fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Whether the index holds nothing at all (just created, or rebuilt).
    pub fn is_empty(&self) -> bool {
        self.reader.searcher().num_docs() == 0
    }

    /// Number of sources in the index.
    pub fn source_count(&self) -> usize {
        self.counts().0
    }

    /// [`SourceIndex::counts`] if known for the index as it is now.
    fn cached_counts(&self) -> Option<(usize, usize)> {
        let state = self.state();
        let cache = self.counts_cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.filter(|(s, _)| *s == state).map(|(_, counts)| counts)
    }

    /// Among `paths`, how many are indexed sources and how many recorded as skipped.
    fn tally(&self, paths: &[&str]) -> Result<(usize, usize), IndexError> {
        let (mut sources, mut skipped) = (0, 0);
        for path in paths {
            match self.stored_meta(path)? {
                Some(meta) if meta.starts_with(SKIPPED_PREFIX) => skipped += 1,
                Some(_) => sources += 1,
                None => {}
            }
        }
        Ok((sources, skipped))
    }

    /// Sources in the index and files recorded as skipped.
    pub fn counts(&self) -> (usize, usize) {
        self.cached_counts().unwrap_or_else(|| {
            let counts = self.count_records().unwrap_or((0, 0));
            self.remember_counts(counts);
            counts
        })
    }

    /// Keep `counts` as those of the index as it is now.
    fn remember_counts(&self, counts: (usize, usize)) {
        *self.counts_cache.lock().unwrap_or_else(|e| e.into_inner()) = Some((self.state(), counts));
    }

    /// Sources and skipped files, from the `size` column alone (file records have one,
    /// passages none); the `mtime` and `path` columns are opened too, to check them.
    fn count_records(&self) -> tantivy::Result<(usize, usize)> {
        let (mut sources, mut skipped) = (0, 0);
        for segment in self.reader.searcher().segment_readers() {
            let ff = segment.fast_fields();
            ff.u64("mtime")?;
            ff.str("path")?;
            let size = ff.u64("size")?;
            for doc in segment.doc_ids_alive() {
                if let Some(s) = size.first(doc) {
                    // Skipped files are recorded with the top bit of `size` set.
                    if s >> 63 == 1 {
                        skipped += 1;
                    } else {
                        sources += 1;
                    }
                }
            }
        }
        Ok((sources, skipped))
    }

    /// Every file recorded in the index, read from fast fields (no stored documents).
    /// Whether the index holds anything of `path` (its file document at least).
    fn records(&self, path: &str) -> Result<bool, IndexError> {
        use tantivy::collector::Count;
        use tantivy::query::TermQuery;
        let q = TermQuery::new(
            Term::from_field_text(self.fields.path, path),
            tantivy::schema::IndexRecordOption::Basic,
        );
        Ok(self.reader.searcher().search(&q, &Count)? > 0)
    }

    fn recorded(&self) -> tantivy::Result<HashMap<String, Recorded>> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::new();
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
            let mut stream = paths.dictionary().stream()?;
            while stream.advance() {
                names.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in segment.doc_ids_alive() {
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
                // Skipped files are recorded with the top bit of `size` set.
                out.insert(
                    path.clone(),
                    Recorded {
                        mtime: m,
                        size: s & !(1 << 63),
                        skipped: s >> 63 == 1,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Bring the index up to date with `files`, the complete list of sources: added and
    /// changed files are (re)indexed, files no longer listed are removed.
    pub fn refresh(
        &self,
        files: &[SourceFile],
        options: &RefreshOptions,
    ) -> Result<RefreshReport, IndexError> {
        let started = Instant::now();
        let plan = self.plan(files)?;
        let mut report = if plan.is_empty() {
            RefreshReport {
                unchanged: files.len(),
                ..Default::default()
            }
        } else {
            let small = plan.add.len() + plan.update.len() + plan.remove.len() <= SMALL_CHANGE;
            let mut writer = match self.acquire_writer(options, small)? {
                Some(w) => w,
                None => return Ok(self.stale_report(started)),
            };
            // Another process may have done the work while we waited.
            self.reader.reload()?;
            let plan = self.plan(files)?;
            let mut report =
                self.write(&mut writer, &plan.add, &plan.update, &plan.remove, options)?;
            report.unchanged = plan.unchanged.len();
            report
        };
        report
            .warnings
            .extend(self.skipped_warnings(files, &report.warnings)?);
        report.sources = self.source_count();
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
                ..Default::default()
            });
        }
        let small = changed.len() + removed.len() <= SMALL_CHANGE;
        let Some(mut writer) = self.acquire_writer(options, small)? else {
            return Ok(self.stale_report(started));
        };
        // One term lookup per named file, not a read of every recorded file: this is the
        // language server's path on each save, and a large index records 100,000s of files.
        let (mut update, mut add) = (Vec::new(), Vec::new());
        for f in changed {
            if self.records(&f.display)? {
                update.push(f);
            } else {
                add.push(f);
            }
        }
        let mut gone = Vec::new();
        for p in removed {
            if self.records(p)? {
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
        let mut report = self.write(&mut writer, &add, &update, &removed, options)?;
        if let Some(((sources, skipped), (named_sources, named_skipped))) = before {
            let (now_sources, now_skipped) = self.tally(&named)?;
            self.remember_counts((
                (sources + now_sources).saturating_sub(named_sources),
                (skipped + now_skipped).saturating_sub(named_skipped),
            ));
        }
        report.sources = self.source_count();
        report.elapsed = started.elapsed();
        Ok(report)
    }

    fn stale_report(&self, started: Instant) -> RefreshReport {
        RefreshReport {
            stale: Some(format!(
                "another sourced process is updating the index at {}; using it as it was",
                self.dir.display()
            )),
            sources: self.source_count(),
            elapsed: started.elapsed(),
            ..Default::default()
        }
    }

    /// Delete `remove` and the old versions of `update`, index `add` and `update`, commit.
    fn write(
        &self,
        writer: &mut IndexWriter<TantivyDocument>,
        add: &[&SourceFile],
        update: &[&SourceFile],
        remove: &[String],
        options: &RefreshOptions,
    ) -> Result<RefreshReport, IndexError> {
        let mut report = RefreshReport::default();
        for path in remove.iter().chain(update.iter().map(|f| &f.display)) {
            writer.delete_term(Term::from_field_text(self.fields.path, path));
        }
        let fields = self.fields;
        let max = options.max_file_bytes;
        let entities = options.entities;
        let shared: &IndexWriter<TantivyDocument> = writer;
        let results: Vec<Result<u64, Warning>> = add
            .par_iter()
            .chain(update.par_iter())
            .map(|file| match corpus::load(file, max) {
                Ok(doc) => add_source(shared, fields, &doc, entities).map(|_| file.size),
                Err(w) => {
                    // Remember files that will stay unreadable until they change; a read error
                    // (permissions, a file vanishing) is tried again next time.
                    if !w.message.contains("cannot read") {
                        let _ = shared.add_document(skipped_doc(fields, file, &w.message));
                    }
                    Err(w)
                }
            })
            .collect();
        for r in results {
            match r {
                Ok(bytes) => report.bytes_indexed += bytes,
                Err(w) => report.warnings.push(w),
            }
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
    fn acquire_writer(
        &self,
        options: &RefreshOptions,
        small: bool,
    ) -> Result<Option<IndexWriter<TantivyDocument>>, IndexError> {
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
                    return Ok(Some(w));
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _))
                    if Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Warnings for files recorded as skipped (so that every run names them), except those
    /// already in `reported`.
    fn skipped_warnings(
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
                            .map(|s| format!("skipped:{s}"))
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

    fn file_doc(&self, path: &str) -> Result<Option<TantivyDocument>, IndexError> {
        use tantivy::collector::TopDocs;
        use tantivy::query::TermQuery;
        let searcher = self.reader.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.path, path),
            tantivy::schema::IndexRecordOption::Basic,
        );
        for (_, addr) in searcher.search(&q, &TopDocs::with_limit(1_000_000))? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if doc.get_first(self.fields.mtime).is_some() {
                return Ok(Some(doc));
            }
        }
        Ok(None)
    }

    fn stored_meta(&self, path: &str) -> Result<Option<String>, IndexError> {
        Ok(self.file_doc(path)?.and_then(|d| {
            d.get_first(self.fields.meta)
                .and_then(|v| v.as_str().map(str::to_string))
        }))
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
        if meta_json.starts_with(SKIPPED_PREFIX) {
            return Ok(None);
        }
        let meta = serde_json::from_str(meta_json).unwrap_or_default();
        let keys = doc
            .get_all(self.fields.key)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        Ok(Some(SourceInfo {
            path: path.to_string(),
            meta,
            keys,
        }))
    }

    /// Paths of the sources a citation key names (file stem or front matter `id`).
    pub fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        use tantivy::collector::TopDocs;
        use tantivy::query::TermQuery;
        let searcher = self.reader.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.key, key),
            tantivy::schema::IndexRecordOption::Basic,
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

    /// The named entities of every indexed source, as stored at index time.
    pub fn source_entities(&self) -> Result<Vec<(String, SourceEntities)>, IndexError> {
        use tantivy::collector::DocSetCollector;
        use tantivy::query::ExistsQuery;
        let searcher = self.reader.searcher();
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

    /// The entity table of the indexed sources with `registry` applied. Built from the
    /// stored per-source entities once per index state and registry, then shared.
    pub fn entity_table(&self, registry: &Registry) -> Result<Arc<EntityTable>, IndexError> {
        let state = self.state();
        let reg = registry.fingerprint();
        let mut cache = self.entity_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((s, r, table)) = cache.as_ref() {
            if *s == state && *r == reg {
                return Ok(table.clone());
            }
        }
        let table = Arc::new(EntityTable::build(self.source_entities()?, registry));
        *cache = Some((state, reg, table.clone()));
        Ok(table)
    }

    /// Changes whenever the searcher sees other segments or other deletions: whatever was
    /// computed from the index in one state may differ in another.
    pub fn state(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for s in self.reader.searcher().segment_readers() {
            s.segment_id().uuid_string().hash(&mut h);
            s.num_docs().hash(&mut h);
            s.num_deleted_docs().hash(&mut h);
        }
        h.finish()
    }

    /// Every indexed source with its keys and metadata (for completion and listings).
    pub fn sources(&self) -> Result<Vec<SourceInfo>, IndexError> {
        let mut paths: Vec<_> = self
            .recorded()?
            .into_iter()
            .filter(|(_, r)| !r.skipped)
            .map(|(p, _)| p)
            .collect();
        paths.sort();
        let mut out = Vec::with_capacity(paths.len());
        for p in paths {
            if let Some(info) = self.source_info(&p)? {
                out.push(info);
            }
        }
        Ok(out)
    }
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
}

fn add_source(
    writer: &IndexWriter<TantivyDocument>,
    f: Fields,
    doc: &SourceDoc,
    entities: bool,
) -> Result<(), Warning> {
    let fail = |e: TantivyError| Warning {
        path: doc.file.display.clone(),
        message: format!("not indexed: {e}"),
    };
    let path = doc.file.display.as_str();
    let mut file_doc = doc!(
        f.path => path,
        f.key => doc.file.stem(),
        f.mtime => doc.file.mtime,
        f.size => doc.file.size,
        f.meta => serde_json::to_string(&doc.meta).unwrap_or_default(),
    );
    if let Some(id) = &doc.meta.id {
        file_doc.add_text(f.key, id);
    }
    if entities {
        // A bug in the entity finder must not stop indexing: the source then has none.
        let mut found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::entities::extract(doc)
        }))
        .unwrap_or_default();
        found.locate(&doc.raw);
        file_doc.add_text(f.entities, found.to_json());
    }
    writer.add_document(file_doc).map_err(fail)?;
    for p in passages::split(doc) {
        writer
            .add_document(doc!(
                f.path => path,
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

fn skipped_doc(f: Fields, file: &SourceFile, message: &str) -> TantivyDocument {
    let reason = message.strip_prefix("skipped:").unwrap_or(message);
    doc!(
        f.path => file.display.as_str(),
        f.mtime => file.mtime,
        f.size => file.size | (1 << 63),
        f.meta => format!("{SKIPPED_PREFIX}{reason}"),
    )
}
