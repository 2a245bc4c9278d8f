//! Candidate retrieval: which stretches of which sources might hold a quote.
//!
//! The matcher asks with the quote's *chunks* (runs of consecutive words; any quote with up to
//! k word edits keeps at least one of its k+1 chunks intact) and gets back *regions*: a few
//! consecutive passages around the best-scoring passages, with their text and offset map,
//! ready to align. The local index scores passages by the quote's rarer words (plain terms,
//! no positions) plus its two rarest chunks as phrases: at 1 GB that halves the time of
//! searching every chunk as a phrase, with the same verdicts (BENCHMARKS.md).
//! [`Retriever`] keeps the matcher independent of where candidates come from; the local
//! tantivy index is one backend.

use super::schema::{self, Fields, PASSAGE_WORDS};
use super::{IndexError, SourceIndex, SourceInfo, SpeakerFacts};
use crate::text::OffsetMap;
use std::collections::BTreeMap;
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct CandidateQuery {
    /// Runs of normalised words that must occur as phrases.
    pub chunks: Vec<Vec<String>>,
    /// Restrict to one source.
    pub only_path: Option<String>,
    /// How many passages to consider at most.
    pub limit: usize,
    /// How far apart, in source words, the quote's pieces may be
    /// ([`crate::quotes::pattern::Pattern::reach_words`]; 0 for a quote without omission).
    /// Retrieval loads and merges this much around each hit, so that a piece whose own passage
    /// is not among the hits is still in the region of the others.
    pub reach_words: usize,
}

/// A stretch of one source's visible text to align a quote against.
#[derive(Debug, Clone)]
pub struct Region {
    pub path: String,
    /// Visible text of consecutive passages.
    pub text: String,
    /// From `text` to byte offsets in the source file.
    pub map: OffsetMap,
    /// Retrieval score of the best passage in it.
    pub score: f32,
}

/// A source of candidate regions and source facts.
pub trait Retriever: Send + Sync {
    /// Regions around the passages that share the most (and the rarest) words with the quote,
    /// best first, those holding its chunks word for word before others; for a quote no
    /// source holds, the closest passages (for "did you mean" hints).
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError>;
    /// Metadata and keys of a source.
    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError>;
    /// Sources a citation key names.
    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError>;
    /// Captured pages of a web address, the newest first (see
    /// [`SourceIndex::resolve_url`]); a backend without web captures has none.
    fn resolve_url(&self, _url: &str) -> Result<Vec<String>, IndexError> {
        Ok(Vec::new())
    }
    /// What a speaker check needs of a source (see [`SourceIndex::speaker_facts`]); a
    /// backend without attributions has none, and quotations' speakers are then unknown.
    fn speaker_facts(&self, _path: &str) -> Result<Option<Arc<SpeakerFacts>>, IndexError> {
        Ok(None)
    }
    /// Every source with its keys and metadata (to suggest the key a mistyped citation
    /// meant); a backend that cannot list its sources returns none.
    fn sources(&self) -> Result<Vec<SourceInfo>, IndexError> {
        Ok(Vec::new())
    }
}

/// A word in more than this share of the passages (`the`, `of`, `president` in speeches)
/// says little about where a quote is and costs the most to look up: such words are left out
/// of the query while rarer ones remain.
const COMMON_SHARE: f64 = 0.05;
/// A query keeps at least this many of the quote's words, common or not.
const KEEP_WORDS: usize = 4;
/// How many of the rarest chunks are also searched as phrases. Phrases cost the most (they
/// read positions); two, because a changed word is often the rarest, so the rarest chunk
/// alone may be the one that does not match.
const PHRASE_CHUNKS: usize = 2;

/// Document frequencies of words in the passages, for leaving out the common ones.
struct DocFreqs<'a> {
    searcher: &'a Searcher,
    field: tantivy::schema::Field,
    common: u64,
}

impl<'a> DocFreqs<'a> {
    fn new(searcher: &'a Searcher, f: Fields) -> Self {
        let docs = searcher.num_docs();
        DocFreqs {
            searcher,
            field: f.words,
            // One occurrence may be in two passages (its own, and the overlap of the one
            // before: see `schema::PASSAGE_OVERLAP_WORDS`): a word of two passages is rare.
            common: ((docs as f64 * COMMON_SHARE) as u64).max(2),
        }
    }

    fn of(&self, word: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(self.field, word))
            .unwrap_or(u64::MAX)
    }

    /// The frequency of the rarest word of a chunk (a phrase is as cheap as its rarest word).
    fn rarest(&self, chunk: &[String]) -> u64 {
        chunk.iter().map(|w| self.of(w)).min().unwrap_or(u64::MAX)
    }

    /// The items whose frequency (from `freq`) is not common, and at least `keep` of the
    /// rarest items whatever their frequency.
    fn selective<T: Copy>(&self, items: &[T], freq: impl Fn(T) -> u64, keep: usize) -> Vec<T> {
        let mut by_freq: Vec<(u64, usize)> = items
            .iter()
            .enumerate()
            .map(|(i, &item)| (freq(item), i))
            .collect();
        by_freq.sort();
        let mut chosen: Vec<usize> = by_freq
            .iter()
            .enumerate()
            .filter(|&(rank, &(n, _))| rank < keep || n <= self.common)
            .map(|(_, &(_, i))| i)
            .collect();
        chosen.sort();
        chosen.into_iter().map(|i| items[i]).collect()
    }
}

/// The hits of one region lie within this many passages; and at most half of it is loaded
/// either side of a hit ([`context_passages`]).
const MAX_REGION_PASSAGES: u64 = 24;
/// The most passages loaded either side of a hit: 11, so a quote's pieces up to 1,000 words
/// apart are in the region of any one of them (two omissions of the most words one may skip,
/// and more); quotes whose omissions add up to more are found when the passages of their
/// middle pieces are hits too. Bounds the cost of a quote full of `...`.
const MAX_CONTEXT_PASSAGES: u64 = (MAX_REGION_PASSAGES - 1) / 2;
/// The largest `reach` whose passages all fit in the context of one hit
/// (`reaching(reach) <= MAX_CONTEXT_PASSAGES`): the quote rules' longest omission must not
/// exceed it (asserted where that is defined, in `quotes::pattern`).
pub const MAX_REACH_IN_CONTEXT: usize = (MAX_CONTEXT_PASSAGES as usize - 1) * PASSAGE_WORDS;
const _: () = assert!(reaching(MAX_REACH_IN_CONTEXT) <= MAX_CONTEXT_PASSAGES);
const _: () = assert!(reaching(MAX_REACH_IN_CONTEXT + 1) > MAX_CONTEXT_PASSAGES);

/// Passages loaded either side of a hit for a quote whose pieces may be `reach` source words
/// apart: one (a quote's words are around the passages holding its chunks), and as many more
/// as `reach` words fill. From any word of the hit the loaded passages then reach at least
/// `reach` + [`PASSAGE_WORDS`] words either way: every piece of the quote is in the region,
/// hit or not.
fn context_passages(reach: usize) -> u64 {
    reaching(reach).min(MAX_CONTEXT_PASSAGES)
}

/// [`context_passages`] before the bound.
const fn reaching(reach: usize) -> u64 {
    1 + reach.div_ceil(PASSAGE_WORDS) as u64
}

/// Hits this far apart (in passages) are merged into one region: those whose loaded passages
/// touch or overlap (3 for a quote without omission), so no passage is loaded twice, and two
/// pieces of one quote, at most `reach` words apart, are in one region.
fn merge_gap(context: u64) -> u64 {
    2 * context + 1
}

impl Retriever for SourceIndex {
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        let searcher = self.searcher();
        let f = self.fields();
        let df = DocFreqs::new(&searcher, f);
        // The quote's words that say where it is (all but the common ones, at least
        // `KEEP_WORDS`), each a scored term: a passage holding more of them, and more of the
        // rare ones, ranks higher, and the top passages are found without reading positions.
        let mut words: Vec<&String> = query.chunks.iter().flatten().collect();
        words.sort();
        words.dedup();
        let mut should: Vec<Box<dyn Query>> = df
            .selective(&words, |w| df.of(w), KEEP_WORDS)
            .into_iter()
            .map(|w| {
                Box::new(TermQuery::new(
                    Term::from_field_text(f.words, w),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect();
        // The rarest chunks as phrases too: the passage that holds them word for word gets
        // their score on top, which lifts the quote's own passage above passages that merely
        // share its words (the generated distractors share many).
        let mut phrases: Vec<(u64, &Vec<String>)> = query
            .chunks
            .iter()
            .filter(|c| c.len() > 1)
            .map(|c| (df.rarest(c), c))
            .collect();
        phrases.sort();
        should.extend(
            phrases
                .into_iter()
                .take(PHRASE_CHUNKS)
                .map(|(_, c)| chunk_query(f, c)),
        );
        let hits = if should.is_empty() {
            Vec::new()
        } else {
            searcher.search(
                &restrict(f, query, should),
                &TopDocs::with_limit(query.limit.max(1)),
            )?
        };
        // Group hits by source, in passage order.
        let mut by_path: BTreeMap<String, Vec<(u64, f32)>> = BTreeMap::new();
        for (score, addr) in hits {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let (Some(path), Some(ord)) = (
                doc.get_first(f.path)
                    .and_then(|v| v.as_str().map(str::to_string)),
                doc.get_first(f.ord).and_then(|v| v.as_u64()),
            ) else {
                continue;
            };
            by_path.entry(path).or_default().push((ord, score));
        }
        regions_around(by_path, query.reach_words, |path, group, context| {
            load_region(&searcher, f, path, group, context)
        })
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        SourceIndex::source_info(self, path)
    }

    fn speaker_facts(&self, path: &str) -> Result<Option<Arc<SpeakerFacts>>, IndexError> {
        SourceIndex::speaker_facts(self, path)
    }

    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        SourceIndex::resolve_key(self, key)
    }

    fn resolve_url(&self, url: &str) -> Result<Vec<String>, IndexError> {
        SourceIndex::resolve_url(self, url)
    }

    fn sources(&self) -> Result<Vec<SourceInfo>, IndexError> {
        SourceIndex::sources(self)
    }
}

/// The regions around hit passages (`by_path`: each source's hits as (passage number,
/// score)), best first: hits close enough are merged into one region (see [`merge_gap`]),
/// and `load` reads the passages of a group from `context` before its first hit to `context`
/// after its last. Any backend that finds passages builds its regions with this.
pub(crate) fn regions_around<E>(
    by_path: BTreeMap<String, Vec<(u64, f32)>>,
    reach_words: usize,
    mut load: impl FnMut(&str, &[(u64, f32)], u64) -> Result<Region, E>,
) -> Result<Vec<Region>, E> {
    let context = context_passages(reach_words);
    let gap = merge_gap(context);
    let mut regions = Vec::new();
    for (path, mut ords) in by_path {
        ords.sort_by_key(|o| o.0);
        let mut group: Vec<(u64, f32)> = Vec::new();
        for o in ords {
            if let Some(last) = group.last() {
                if o.0 > last.0 + gap || o.0 - group[0].0 >= MAX_REGION_PASSAGES {
                    regions.push(load(&path, &group, context)?);
                    group.clear();
                }
            }
            group.push(o);
        }
        if !group.is_empty() {
            regions.push(load(&path, &group, context)?);
        }
    }
    regions.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(regions)
}

fn chunk_query(f: Fields, chunk: &[String]) -> Box<dyn Query> {
    let terms: Vec<Term> = chunk
        .iter()
        .map(|w| Term::from_field_text(f.words, w))
        .collect();
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new(terms))
    }
}

fn restrict(f: Fields, query: &CandidateQuery, should: Vec<Box<dyn Query>>) -> BooleanQuery {
    let any = BooleanQuery::new(should.into_iter().map(|q| (Occur::Should, q)).collect());
    match &query.only_path {
        None => any,
        Some(p) => BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.path, p),
                    IndexRecordOption::Basic,
                )),
            ),
            (Occur::Must, Box::new(any)),
        ]),
    }
}

/// The passages of `path` from `context` before the first hit to `context` after the last.
fn load_region(
    searcher: &Searcher,
    f: Fields,
    path: &str,
    group: &[(u64, f32)],
    context: u64,
) -> Result<Region, IndexError> {
    let first = group[0].0.saturating_sub(context);
    let last = group[group.len() - 1].0 + context;
    let mut text = String::new();
    let mut map = OffsetMap::new();
    for ord in first..=last {
        let Some(addr) = passage_address(searcher, f, path, ord)? else {
            continue;
        };
        let Some((passage_text, passage_map)) = passage_at(searcher, f, addr)? else {
            continue;
        };
        text.push_str(&passage_text);
        map.extend(&passage_map);
    }
    let score = group.iter().map(|g| g.1).fold(f32::MIN, f32::max);
    Ok(Region {
        path: path.to_string(),
        text,
        map,
        score,
    })
}

/// The text and offset map of the passage at `addr`; `None` when its map is missing or does
/// not fit its text (a damaged document is left out, never misread).
fn passage_at(
    searcher: &Searcher,
    f: Fields,
    addr: DocAddress,
) -> Result<Option<(String, OffsetMap)>, IndexError> {
    let doc: TantivyDocument = searcher.doc(addr)?;
    let text = doc
        .get_first(f.text)
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    Ok(doc
        .get_first(f.map)
        .and_then(|v| v.as_bytes())
        .and_then(OffsetMap::from_bytes)
        .filter(|m| m.derived_len() == text.len())
        .map(|m| (text.to_string(), m)))
}

fn passage_address(
    searcher: &Searcher,
    f: Fields,
    path: &str,
    ord: u64,
) -> Result<Option<DocAddress>, IndexError> {
    let q = TermQuery::new(
        Term::from_field_text(f.passage_key, &schema::passage_key(path, ord)),
        IndexRecordOption::Basic,
    );
    Ok(searcher
        .search(&q, &TopDocs::with_limit(1))?
        .first()
        .map(|(_, a)| *a))
}

impl SourceIndex {
    /// The visible text of source `path` as indexed (its passages laid end to end) and its
    /// way back to the file; `None` for a path with no passages. `sourced index --remote`
    /// publishes this text, so a cluster holds what a reader of the file sees.
    pub fn visible_text(&self, path: &str) -> Result<Option<(String, OffsetMap)>, IndexError> {
        let searcher = self.searcher();
        let f = self.fields();
        let mut text = String::new();
        let mut map = OffsetMap::new();
        let mut ord = 0;
        while let Some(addr) = passage_address(&searcher, f, path, ord)? {
            let Some((passage_text, passage_map)) = passage_at(&searcher, f, addr)? else {
                return Ok(None);
            };
            text.push_str(&passage_text);
            map.extend(&passage_map);
            ord += 1;
        }
        Ok((ord > 0).then_some((text, map)))
    }
}
