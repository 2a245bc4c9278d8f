//! [`RemoteArchive`]: a search cluster's index as a [`Retriever`]. The cluster finds the
//! documents that may hold a quotation; their text comes back and everything else happens
//! here, as for local sources: the text is cut into the same passages, the passages holding
//! the quotation's words are chosen, and the matcher aligns it against them. Verdicts,
//! diffs and byte ranges (into the document's text) are computed locally and exactly.
//!
//! A document of archive `NAME` with id `ID` is the source `NAME:ID`. Its text is kept in
//! the index folder as a rendition (`renditions/NAME:ID.txt`), which is what hover and go
//! to definition show; byte ranges refer to it.
//!
//! Requests per quotation (the budget): one `_search` for the best documents, and one
//! `_search` by id for those not fetched before; a cited document not among the hits costs
//! one more fetch the first time. Hits and documents are remembered (at most
//! [`DOCUMENTS_KEPT`] documents within [`DOCUMENT_BYTES_KEPT`], [`SEARCHES_KEPT`] searches,
//! each for [`REMEMBERED_FOR`]),
//! so the wider second look the matcher takes at quotations with omissions, and any later
//! check of the same quotation, cost nothing. Citation keys and addresses cost one `_search` each, remembered for
//! [`LOOKUPS_KEPT_FOR`].
//!
//! Invariants:
//! - an answer that misses shards is an error ([`RemoteError::Partial`]), never a smaller
//!   set of candidates: a quotation is never "not found" because a node was down;
//! - no lock is held across a request: the caches' mutexes guard a map lookup or insert.

use super::http::{error_reason, ClusterClient, RemoteError};
use super::{lock, query};
use crate::config::RemoteConfig;
use crate::corpus::metadata::Metadata;
use crate::index::passages::{self, Passage};
use crate::index::retrieve::{regions_around, CandidateQuery, Region};
use crate::index::{IndexError, Retriever, SourceInfo, SpeakerFacts};
use crate::text::OffsetMap;
use lru::LruCache;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Documents kept in memory, with their passages.
pub const DOCUMENTS_KEPT: usize = 2048;
/// The memory the kept documents may take at most (their texts and passages, counted as
/// [`RemoteDocument::weight`]): a few long reports must not hold gigabytes.
pub const DOCUMENT_BYTES_KEPT: usize = 128 << 20;
/// Searches (a quotation's chunks → the documents found) kept in memory.
pub const SEARCHES_KEPT: usize = 1024;
/// How long a citation key's or an address's documents are remembered.
pub const LOOKUPS_KEPT_FOR: Duration = Duration::from_secs(60);
/// How long searches and fetched documents are remembered: an archive changes (articles are
/// published, corrected), and a language server runs for days. Verdicts that came from the
/// archive are worked out again as often ([`epoch`]).
pub const REMEMBERED_FOR: Duration = Duration::from_secs(600);
/// A document whose text is longer than this is left out (with a log line): a newsroom's
/// article is a few kilobytes; this is a whole book.
pub const MAX_DOCUMENT_BYTES: usize = 32 << 20;
/// The field `sourced index --remote` fills with the normalised words.
pub const WORDS_FIELD: &str = "sourced_words";
/// The field holding a published source's file text, when its visible text differs.
pub const RAW_FIELD: &str = "sourced_raw";
/// The field holding a published source's offset map (visible text → file text), base64.
pub const MAP_FIELD: &str = "sourced_map";

/// A fetched document: its text cut into passages, and its metadata.
#[derive(Debug)]
pub struct RemoteDocument {
    /// `NAME:ID`.
    pub path: String,
    pub id: String,
    /// The visible text (what is searched and aligned).
    pub text: String,
    /// The text byte ranges refer to: the source file's text for a document
    /// `sourced index --remote` loaded from a file whose visible text differs from it
    /// (front matter, markup; `sourced_raw`), else the visible text itself.
    pub raw: Option<String>,
    /// From `text` to byte offsets in the raw text (`sourced_map`; else one to one).
    pub map: OffsetMap,
    pub meta: Metadata,
    pub passages: Vec<Passage>,
    /// The rendition written for editors, if it could be.
    pub rendition: Option<PathBuf>,
    /// Who says what in it, worked out the first time a speaker check needs it.
    speakers: std::sync::OnceLock<Arc<SpeakerFacts>>,
}

impl RemoteDocument {
    pub fn new(
        path: String,
        id: String,
        text: String,
        raw: Option<String>,
        map: Option<OffsetMap>,
        meta: Metadata,
    ) -> Self {
        let raw_len = raw.as_ref().unwrap_or(&text).len();
        // A map that does not fit the texts (a document edited by hand in the cluster) is
        // not trusted: byte ranges then refer to the visible text.
        let (raw, map) = match map.filter(|m| m.fits(text.len(), raw_len)) {
            Some(m) if raw.is_some() => (raw, m),
            _ => (None, OffsetMap::identity(text.len())),
        };
        let passages = passages::split_text(&text, &map);
        RemoteDocument {
            path,
            id,
            text,
            raw,
            map,
            meta,
            passages,
            rendition: None,
            speakers: std::sync::OnceLock::new(),
        }
    }

    /// About the memory the document takes: its texts, and its passages' texts and words.
    pub fn weight(&self) -> usize {
        let passages: usize = self
            .passages
            .iter()
            .map(|p| p.text.len() + p.words.len())
            .sum();
        self.text.len() + self.raw.as_ref().map_or(0, String::len) + passages
    }

    /// The text byte ranges refer to.
    pub fn raw_text(&self) -> &str {
        self.raw.as_deref().unwrap_or(&self.text)
    }

    /// The document as a loaded source, for the readers of speakers and entities.
    fn as_source(&self) -> crate::corpus::SourceDoc {
        crate::corpus::SourceDoc {
            file: crate::corpus::SourceFile {
                path: PathBuf::from(&self.path),
                display: self.path.clone(),
                mtime: 0,
                size: self.raw_text().len() as u64,
            },
            text: self.text.clone(),
            map: self.map.clone(),
            meta: self.meta.clone(),
            raw: self.raw_text().to_string(),
            rendered: false,
            places: Vec::new(),
            notes: Vec::new(),
            archive: None,
            urls: Vec::new(),
        }
    }

    /// Who says each quoted stretch, and the entities (as the index finds them for a local
    /// source), worked out once.
    pub fn speaker_facts(&self) -> Arc<SpeakerFacts> {
        self.speakers
            .get_or_init(|| {
                let doc = self.as_source();
                let toks = crate::entities::tokens::tokenize(&doc.text);
                let mut found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    crate::entities::extract::extract_with_tokens(&doc, &toks)
                }))
                .unwrap_or_default();
                found.locate(&doc.raw);
                let speakers = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    crate::speakers::attribute::attribute_tokens(&doc, &toks, &found)
                }))
                .unwrap_or_default();
                Arc::new(SpeakerFacts {
                    path: self.path.clone(),
                    meta: self.meta.clone(),
                    speakers,
                    found: found.found,
                })
            })
            .clone()
    }
}

/// What the index's mapping says (asked once).
#[derive(Debug, Clone)]
struct Mapping {
    /// The field phrases and words are searched in.
    search_field: String,
}

/// The documents a search found: id and score, best first.
type Hits = Vec<(String, f32)>;

/// Fetched documents by id, with when they were fetched, and their total weight.
struct KeptDocuments {
    lru: LruCache<String, (Instant, Arc<RemoteDocument>)>,
    bytes: usize,
}

/// One `[[remote]]` archive.
pub struct RemoteArchive {
    config: RemoteConfig,
    client: ClusterClient,
    /// Where renditions of fetched documents are written (the index folder).
    index_dir: Option<PathBuf>,
    mapping: Mutex<Option<Mapping>>,
    documents: Mutex<KeptDocuments>,
    searches: Mutex<LruCache<String, (Instant, Arc<Hits>)>>,
    lookups: Mutex<HashMap<String, (Instant, Vec<String>)>>,
}

impl RemoteArchive {
    /// The archive `config` describes; nothing is asked of the cluster until a quotation is
    /// checked. `root`: the workspace root; `index_dir`: where renditions of its documents
    /// are kept.
    pub fn new(
        config: &RemoteConfig,
        root: &std::path::Path,
        index_dir: Option<PathBuf>,
    ) -> Result<Self, RemoteError> {
        Ok(RemoteArchive {
            client: ClusterClient::new(config, root)?,
            config: config.clone(),
            index_dir,
            mapping: Mutex::new(None),
            documents: Mutex::new(KeptDocuments {
                lru: LruCache::new(NonZeroUsize::new(DOCUMENTS_KEPT).unwrap()),
                bytes: 0,
            }),
            searches: Mutex::new(LruCache::new(NonZeroUsize::new(SEARCHES_KEPT).unwrap())),
            lookups: Mutex::new(HashMap::new()),
        })
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The client (its request count).
    pub fn client(&self) -> &ClusterClient {
        &self.client
    }

    /// The id of `path` if it is one of this archive's documents (`NAME:ID`).
    pub fn id_of<'p>(&self, path: &'p str) -> Option<&'p str> {
        path.strip_prefix(self.config.name.as_str())?
            .strip_prefix(':')
            .filter(|id| !id.is_empty())
    }

    fn path_of(&self, id: &str) -> String {
        format!("{}:{id}", self.config.name)
    }

    fn err(&self, detail: impl Into<String>) -> RemoteError {
        RemoteError::Other {
            name: self.config.name.clone(),
            detail: detail.into(),
        }
    }

    /// What the mapping says, asked the first time (and again after a failure).
    fn mapping(&self) -> Result<Mapping, RemoteError> {
        if let Some(m) = lock(&self.mapping).clone() {
            return Ok(m);
        }
        let index = &self.config.index;
        let answer = self
            .client
            .json("GET", &format!("/{index}/_mapping"), None)?;
        self.ok(&answer, "the mapping request")?;
        let indexes = answer.body.as_object().cloned().unwrap_or_default();
        if indexes.is_empty() {
            return Err(RemoteError::NoIndex {
                name: self.config.name.clone(),
                index: index.clone(),
            });
        }
        let has = |field: &str| {
            indexes.values().any(|m| {
                m.pointer(&format!("/mappings/properties/{field}"))
                    .is_some()
            })
        };
        let text = &self.config.fields.text;
        if !has(text) && !has(WORDS_FIELD) {
            return Err(self.err(format!(
                "index {index:?} has no field {text:?} (set fields.text in [[remote]] to the field holding the articles' text)"
            )));
        }
        let m = Mapping {
            search_field: if has(WORDS_FIELD) {
                WORDS_FIELD.to_string()
            } else {
                text.clone()
            },
        };
        *lock(&self.mapping) = Some(m.clone());
        Ok(m)
    }

    /// An error for an answer that is not a success ([`ClusterClient::success`]).
    fn ok(&self, answer: &super::http::Answer, what: &str) -> Result<(), RemoteError> {
        self.client.success(answer, &self.config.index, what)
    }

    /// `_search` on the archive's index: hits, refused unless every shard answered.
    fn search(&self, body: &Value, what: &str) -> Result<Vec<Value>, RemoteError> {
        let index = &self.config.index;
        let answer = self.client.json(
            "POST",
            &format!("/{index}/_search?allow_partial_search_results=false"),
            Some(body),
        )?;
        self.ok(&answer, what)?;
        let shards = answer.body.get("_shards");
        let count = |k: &str| {
            shards
                .and_then(|s| s.get(k))
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        let timed_out = answer.body.get("timed_out").and_then(Value::as_bool) == Some(true);
        if count("failed") > 0 || timed_out {
            let why = shards
                .and_then(|s| s.pointer("/failures/0/reason"))
                .and_then(|r| error_reason(&serde_json::json!({ "error": r })))
                .unwrap_or_else(|| {
                    if timed_out {
                        "timed out".into()
                    } else {
                        "no reason given".into()
                    }
                });
            return Err(RemoteError::Partial {
                name: self.config.name.clone(),
                index: index.clone(),
                reason: format!(
                    "{} of {} shards failed: {why}",
                    count("failed"),
                    count("total")
                ),
            });
        }
        Ok(answer
            .body
            .pointer("/hits/hits")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// The documents with these ids (those not kept already fetched in one request), in
    /// the order given; ids the index does not hold are left out.
    pub fn documents(&self, ids: &[&str]) -> Result<Vec<Arc<RemoteDocument>>, RemoteError> {
        let mut missing: Vec<&str> = {
            let mut kept = lock(&self.documents);
            ids.iter()
                .copied()
                .filter(|id| fresh(kept.lru.get(*id), REMEMBERED_FOR).is_none())
                .collect()
        };
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let f = &self.config.fields;
            let fields = [
                f.text.as_str(),
                f.title.as_str(),
                f.author.as_str(),
                f.date.as_str(),
                f.url.as_str(),
                RAW_FIELD,
                MAP_FIELD,
            ];
            let hits = self.search(
                &query::fetch_body(&missing, &fields),
                "a fetch of documents",
            )?;
            let fetched: Vec<Arc<RemoteDocument>> = hits
                .iter()
                .filter_map(|h| self.document(h))
                .map(Arc::new)
                .collect();
            let mut kept = lock(&self.documents);
            let now = Instant::now();
            for d in fetched {
                kept.bytes += d.weight();
                if let Some((_, (_, out))) = kept.lru.push(d.id.clone(), (now, d)) {
                    kept.bytes -= out.weight();
                }
            }
            // Within the memory bound, the least recently used first out (never the ones
            // just fetched: those are returned below).
            while kept.bytes > DOCUMENT_BYTES_KEPT && kept.lru.len() > missing.len() {
                match kept.lru.pop_lru() {
                    Some((_, (_, out))) => kept.bytes -= out.weight(),
                    None => break,
                }
            }
        }
        // A document fetched a moment ago counts even if it just turned stale.
        let mut kept = lock(&self.documents);
        Ok(ids
            .iter()
            .filter_map(|id| kept.lru.get(*id).map(|(_, d)| d.clone()))
            .collect())
    }

    /// A hit with its `_source` as a document: its text cut into passages, its rendition
    /// written.
    fn document(&self, hit: &Value) -> Option<RemoteDocument> {
        let id = hit.get("_id")?.as_str()?.to_string();
        let source = hit.get("_source")?;
        let f = &self.config.fields;
        let text = field_text(source, &f.text).unwrap_or_default();
        if text.len() > MAX_DOCUMENT_BYTES {
            tracing::warn!(
                "{}: document {id} is {} MB, more than sourced reads; left out",
                self.config.name,
                text.len() >> 20
            );
            return None;
        }
        let meta = Metadata {
            title: field_text(source, &f.title),
            author: field_text(source, &f.author),
            date: field_text(source, &f.date),
            url: field_text(source, &f.url),
            ..Default::default()
        };
        let raw = field_text(source, RAW_FIELD);
        let map = field_text(source, MAP_FIELD)
            .and_then(|m| data_encoding::BASE64.decode(m.as_bytes()).ok())
            .and_then(|b| OffsetMap::from_bytes(&b));
        let mut doc = RemoteDocument::new(self.path_of(&id), id, text, raw, map, meta);
        doc.rendition = self.write_rendition(&doc.path, doc.raw_text());
        Some(doc)
    }

    /// Keep the document's text in the index folder for editors (hover, go to definition),
    /// as the indexer keeps a rendition ([`crate::index::keep_rendition`]); not written
    /// again when it is there already.
    fn write_rendition(&self, path: &str, text: &str) -> Option<PathBuf> {
        let dir = self.index_dir.as_ref()?;
        let file = crate::index::rendition_file(dir, path);
        // A link standing there is no rendition of ours: written over (by a rename).
        if std::fs::symlink_metadata(&file)
            .is_ok_and(|m| m.is_file() && m.len() == text.len() as u64)
            && std::fs::read(&file).is_ok_and(|b| b == text.as_bytes())
        {
            return Some(file);
        }
        crate::index::keep_rendition(dir, path, text.as_bytes())
            .inspect_err(|e| {
                tracing::warn!("cannot keep the text of {path} in {}: {e}", file.display())
            })
            .ok()
    }

    /// The ids of the best documents for a quotation, and their scores (remembered).
    fn best_documents(&self, q: &CandidateQuery) -> Result<Arc<Hits>, RemoteError> {
        let key = q
            .chunks
            .iter()
            .map(|c| c.join(" "))
            .collect::<Vec<_>>()
            .join("\u{1}");
        if let Some(found) = fresh(lock(&self.searches).get(&key), REMEMBERED_FOR) {
            return Ok(found);
        }
        let mapping = self.mapping()?;
        let Some(body) = query::search_body(q, &mapping.search_field, self.config.hits) else {
            return Ok(Arc::new(Vec::new()));
        };
        let hits = self.search(&body, "the search for a quotation")?;
        let found: Vec<(String, f32)> = hits
            .iter()
            .filter_map(|h| {
                let id = h.get("_id")?.as_str()?.to_string();
                let score = h.get("_score").and_then(Value::as_f64).unwrap_or(0.0) as f32;
                Some((id, score))
            })
            .collect();
        let found = Arc::new(found);
        lock(&self.searches).put(key, (Instant::now(), found.clone()));
        Ok(found)
    }

    /// A lookup remembered for [`LOOKUPS_KEPT_FOR`].
    fn remembered(
        &self,
        key: String,
        ask: impl FnOnce() -> Result<Vec<String>, RemoteError>,
    ) -> Result<Vec<String>, RemoteError> {
        if let Some(paths) = fresh(lock(&self.lookups).get(&key), LOOKUPS_KEPT_FOR) {
            return Ok(paths);
        }
        let paths = ask()?;
        let mut lookups = lock(&self.lookups);
        if lookups.len() > 4096 {
            lookups.clear();
        }
        lookups.insert(key, (Instant::now(), paths.clone()));
        Ok(paths)
    }

    fn regions_or_error(&self, q: &CandidateQuery) -> Result<Vec<Region>, RemoteError> {
        let docs = match &q.only_path {
            Some(p) => match self.id_of(p) {
                Some(id) => self.documents(&[id])?,
                None => return Ok(Vec::new()),
            },
            None => {
                let best = self.best_documents(q)?;
                let ids: Vec<&str> = best.iter().map(|(id, _)| id.as_str()).collect();
                self.documents(&ids)?
            }
        };
        Ok(passage_regions(&docs, q))
    }
}

impl Retriever for RemoteArchive {
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        self.regions_or_error(query).map_err(remote_error)
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        let Some(id) = self.id_of(path) else {
            return Ok(None);
        };
        let docs = self.documents(&[id]).map_err(remote_error)?;
        Ok(docs.first().map(|d| SourceInfo {
            path: d.path.clone(),
            meta: d.meta.clone(),
            keys: vec![d.path.clone()],
            rendition: d.rendition.clone(),
            places: Vec::new(),
            archive: Some(self.config.name.clone()),
        }))
    }

    fn speaker_facts(&self, path: &str) -> Result<Option<Arc<SpeakerFacts>>, IndexError> {
        let Some(id) = self.id_of(path) else {
            return Ok(None);
        };
        let docs = self.documents(&[id]).map_err(remote_error)?;
        Ok(docs.first().map(|d| d.speaker_facts()))
    }

    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        // `NAME:ID` names one of this archive's documents; any other key may be an id or a
        // key of a published source.
        let key = self.id_of(key).unwrap_or(key);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        self.remembered(format!("key\0{key}"), || {
            let hits = self.search(&query::key_body(key), "a citation key lookup")?;
            Ok(hits
                .iter()
                .filter_map(|h| Some(self.path_of(h.get("_id")?.as_str()?)))
                .collect())
        })
        .map_err(remote_error)
    }

    fn resolve_url(&self, url: &str) -> Result<Vec<String>, IndexError> {
        let Some(wanted) = crate::corpus::url_key::url_key(url) else {
            return Ok(Vec::new());
        };
        let field = self.config.fields.url.clone();
        self.remembered(format!("url\0{wanted}"), || {
            let hits = self.search(&query::url_body(url, &field), "an address lookup")?;
            Ok(hits
                .iter()
                .filter(|h| {
                    h.get("_source")
                        .and_then(|s| field_text(s, &field))
                        .and_then(|u| crate::corpus::url_key::url_key(&u))
                        .is_some_and(|k| k == wanted)
                })
                .filter_map(|h| Some(self.path_of(h.get("_id")?.as_str()?)))
                .collect())
        })
        .map_err(remote_error)
    }
}

fn remote_error(e: RemoteError) -> IndexError {
    IndexError::Remote(e.to_string())
}

/// The text of a `_source` field: a string, a number, or the strings of an array joined by
/// blank lines (a field may be multi-valued); a dotted name reaches into objects.
fn field_text(source: &Value, field: &str) -> Option<String> {
    let mut v = source.get(field);
    if v.is_none() {
        let mut at = source;
        for part in field.split('.') {
            at = at.get(part)?;
        }
        v = Some(at);
    }
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|i| match i {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join("\n\n"))
        }
        _ => None,
    }
}

/// The regions of `docs` to align a quotation against, chosen here as the local index
/// chooses passages: each passage scores the inverse document frequency (over the passages
/// of these documents) of every quotation word it holds, plus the length of every chunk it
/// holds word for word; the `q.limit` best passages with any score are the hits, and the
/// regions around them are built as for the local index ([`regions_around`]).
pub fn passage_regions(docs: &[Arc<RemoteDocument>], q: &CandidateQuery) -> Vec<Region> {
    let mut words: Vec<&str> = q.chunks.iter().flatten().map(String::as_str).collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        return Vec::new();
    }
    // Each chunk of two words or more, spaced to be found as whole words, and its length.
    let chunks: Vec<(String, f32)> = q
        .chunks
        .iter()
        .filter(|c| c.len() > 1)
        .map(|c| (format!(" {} ", c.join(" ")), c.len() as f32))
        .collect();
    // Each passage's words as a set, and each word's passage count.
    let mut sets: Vec<(usize, u64, rustc_hash::FxHashSet<&str>, String)> = Vec::new();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for (d, doc) in docs.iter().enumerate() {
        for p in &doc.passages {
            let set: rustc_hash::FxHashSet<&str> = p.words.split(' ').collect();
            for w in &words {
                if set.contains(w) {
                    *df.entry(w).or_default() += 1;
                }
            }
            sets.push((d, p.ord, set, format!(" {} ", p.words)));
        }
    }
    let n = sets.len() as f32;
    let mut scored: Vec<(f32, usize, u64)> = sets
        .iter()
        .filter_map(|(d, ord, set, spaced)| {
            let mut score: f32 = words
                .iter()
                .filter(|w| set.contains(*w))
                .map(|w| (1.0 + n / (1.0 + df[w] as f32)).ln())
                .sum();
            score += chunks
                .iter()
                .filter(|(c, _)| spaced.contains(c.as_str()))
                .map(|(_, len)| len)
                .sum::<f32>();
            (score > 0.0).then_some((score, *d, *ord))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    scored.truncate(q.limit.max(1));
    let mut by_path: BTreeMap<String, Vec<(u64, f32)>> = BTreeMap::new();
    for (score, d, ord) in scored {
        by_path
            .entry(docs[d].path.clone())
            .or_default()
            .push((ord, score));
    }
    let by_name: HashMap<&str, &RemoteDocument> =
        docs.iter().map(|d| (d.path.as_str(), d.as_ref())).collect();
    let regions: Result<Vec<Region>, std::convert::Infallible> =
        regions_around(by_path, q.reach_words, |path, group, context| {
            let doc = by_name[path];
            let first = group[0].0.saturating_sub(context) as usize;
            let last = ((group[group.len() - 1].0 + context) as usize)
                .min(doc.passages.len().saturating_sub(1));
            let mut text = String::new();
            let mut map = OffsetMap::new();
            for p in &doc.passages[first..=last] {
                text.push_str(&p.text);
                map.extend(&p.map);
            }
            Ok(Region {
                path: path.to_string(),
                text,
                map,
                score: group.iter().map(|g| g.1).fold(f32::MIN, f32::max),
            })
        });
    regions.unwrap_or_default()
}

/// What a cache holds for a key, unless it was fetched more than `kept_for` ago.
fn fresh<T: Clone>(entry: Option<&(Instant, T)>, kept_for: Duration) -> Option<T> {
    entry
        .filter(|(at, _)| at.elapsed() < kept_for)
        .map(|(_, v)| v.clone())
}

/// The period the archives are taken to be unchanged for, numbered from the first use: a quotation's
/// verdict is worked out again after it.
pub fn epoch() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs() / REMEMBERED_FOR.as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, text: &str) -> Arc<RemoteDocument> {
        Arc::new(RemoteDocument::new(
            path.into(),
            path.into(),
            text.into(),
            None,
            None,
            Metadata::default(),
        ))
    }

    fn query(words: &str) -> CandidateQuery {
        CandidateQuery {
            chunks: vec![words.split(' ').map(String::from).collect()],
            limit: 16,
            ..Default::default()
        }
    }

    #[test]
    fn the_region_is_the_passages_around_the_one_holding_the_words() {
        // 500 words of filler, then the quotation's words, then 500 more.
        let filler =
            |from: usize| -> String { (from..from + 500).map(|i| format!("w{i} ")).collect() };
        let text = format!("{}the troops will stay in iraq {}", filler(0), filler(500));
        let d = doc("a:1", &text);
        let regions = passage_regions(&[d], &query("the troops will stay in iraq"));
        assert_eq!(regions.len(), 1);
        let r = &regions[0];
        let at = text.find("the troops").unwrap();
        let inside = r.text.find("the troops").unwrap();
        // The region's map leads back to the document's bytes.
        assert_eq!(r.map.start_of(inside), at);
        // Passages 3..=6 of 11 (100 words each): the hits (passage 5, and passage 4, whose
        // words run on into the first words of 5) and one either side.
        assert!(r.text.starts_with("w300 "), "{}", &r.text[..20]);
        assert_eq!(r.text.split_whitespace().count(), 400);
        assert!(r.text.len() < text.len() / 2);
    }

    #[test]
    fn documents_without_the_words_give_no_region() {
        let d = doc("a:1", "nothing to see here at all");
        assert!(passage_regions(&[d], &query("troops iraq")).is_empty());
    }

    #[test]
    fn fields_are_read_as_text_whatever_their_shape() {
        let s = serde_json::json!({"body": ["one", "two"], "n": 3, "meta": {"by": "Ann"}});
        assert_eq!(field_text(&s, "body").unwrap(), "one\n\ntwo");
        assert_eq!(field_text(&s, "n").unwrap(), "3");
        assert_eq!(field_text(&s, "meta.by").unwrap(), "Ann");
        assert_eq!(field_text(&s, "missing"), None);
    }
}
