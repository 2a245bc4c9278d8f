//! From a quotation to a [`Verdict`]: retrieve candidate regions by chunk, align the pattern
//! against each, keep the best, and weigh it against the citation.
//!
//! Invariants: a quotation of more than [`MAX_QUOTE_WORDS`] words, or one whose alignment
//! would take more than [`super::align::MAX_ALIGN_BYTES`], is not checked and says so
//! ([`Status::TooLong`]), never verified nor not found; so one check holds at most one
//! alignment's budget besides its regions. [`check_until`] looks at its [`CancelFlag`] between
//! retrievals, between regions and on every row of an alignment.

use super::align::{align_until, AlignError, Step};
use super::diff;
use super::explain::{explain, SourceWords};
use super::meaning;
use super::pattern::{Pattern, Piece};
use super::verdict::{SourceMatch, Status, Verdict};
use crate::cancel::CancelFlag;
use crate::index::retrieve::MAX_REACH_IN_CONTEXT;
use crate::index::retrieve::{CandidateQuery, Region, Retriever};
use crate::index::IndexError;
use crate::text::{normalize, words};
use std::ops::Range;

/// Most words of a quotation that is checked: 2,000. The hits of one region lie within 24
/// passages of 100 words (see `index::retrieve`), so a longer quotation copied word for word
/// may be split over regions that each hold part of it, and be called altered: a longer one
/// is [`Status::TooLong`] instead (`tests/check_memory.rs` checks verbatim quotations up to
/// this length verify).
pub const MAX_QUOTE_WORDS: usize = 2_000;

/// Quotations longer than this (a passage) get regions as wide as they are long when no region
/// holds them word for word.
const LONG_QUOTE_WORDS: usize = 100;

/// What a [`Status::TooLong`] quotation is told.
pub fn too_long_message(text: &str) -> String {
    let words = Pattern::parse(text).word_count();
    if words > MAX_QUOTE_WORDS {
        format!(
            "quotation of {words} words is longer than sourced verifies (max {MAX_QUOTE_WORDS}); not checked"
        )
    } else {
        format!(
            "quotation of {words} words has too many omission or insertion marks for sourced to verify; not checked"
        )
    }
}

/// Why [`check_until`] gave no verdict.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The flag was raised before the verdict was found.
    #[error("cancelled")]
    Cancelled,
}

/// Thresholds of the matcher.
#[derive(Debug, Clone)]
pub struct MatchOptions {
    /// Similarity from which a differing passage is a `mismatch` rather than `not-found`.
    pub mismatch_similarity: f32,
    /// Similarity from which a `not-found` quote gets the closest passage as a hint.
    pub hint_similarity: f32,
    /// Passages retrieved per quote.
    pub candidates: usize,
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            mismatch_similarity: 0.6,
            hint_similarity: 0.3,
            candidates: 16,
        }
    }
}

/// A quotation cited to one source is called misattributed when another source holds it
/// verified, or holds it at least this much more similar (0.1 = ten points of similarity);
/// within the margin it is judged against the source it cites.
pub const MISATTRIBUTION_MARGIN: f32 = 0.1;

/// Whether the closest passage to a quotation that is not found helps a person: similar
/// enough, and sharing enough of the quotation's meaningful words (not a five-word fragment
/// of common words).
fn helps(m: &Aligned, pattern: &Pattern, options: &MatchOptions) -> bool {
    if m.similarity < options.hint_similarity {
        return false;
    }
    let meaningful = |w: &str| super::align::weight(w) >= 1.0;
    let shared = m
        .alignment
        .steps
        .iter()
        .filter(|s| match s {
            Step::Equal { q, .. } => match &pattern.pieces[*q] {
                Piece::Word { word, .. } => meaningful(word),
                Piece::Gap { .. } => false,
            },
            _ => false,
        })
        .count();
    let wanted = pattern.words().filter(|w| meaningful(w)).count();
    shared >= HINT_SHARED_WORDS.min(wanted) && shared * 2 >= wanted
}

/// A hint shares at least this many meaningful words with the quotation (or all it has).
const HINT_SHARED_WORDS: usize = 4;

/// Citation of a quote, resolved against the index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cited {
    None,
    /// The sources the citation names (empty if it names none).
    Paths(Vec<String>),
}

/// Check one quotation text (to the end: see [`check_until`] for a check that can be
/// cancelled).
pub fn check(
    retriever: &dyn Retriever,
    text: &str,
    cited: &Cited,
    options: &MatchOptions,
) -> Result<Verdict, IndexError> {
    match check_until(retriever, text, cited, options, &CancelFlag::new()) {
        Ok(v) => Ok(v),
        Err(MatchError::Index(e)) => Err(e),
        Err(MatchError::Cancelled) => unreachable!("nobody holds the flag to raise it"),
    }
}

/// Check one quotation text unless `cancel` is raised meanwhile.
pub fn check_until(
    retriever: &dyn Retriever,
    text: &str,
    cited: &Cited,
    options: &MatchOptions,
    cancel: &CancelFlag,
) -> Result<Verdict, MatchError> {
    let pattern = Pattern::parse(text);
    let cited_paths = match cited {
        Cited::None => Vec::new(),
        Cited::Paths(p) => p.clone(),
    };
    let verdict = Verdict {
        status: Status::NotFound,
        best: None,
        also: Vec::new(),
        cited_paths: cited_paths.clone(),
    };
    let too_long = Verdict {
        status: Status::TooLong,
        ..verdict.clone()
    };
    let words = pattern.word_count();
    if words == 0 {
        return Ok(verdict);
    }
    if words > MAX_QUOTE_WORDS {
        return Ok(too_long);
    }
    let stop = |e: AlignError| match e {
        AlignError::Cancelled => Err(MatchError::Cancelled),
        AlignError::TooLarge { .. } => Ok(too_long.clone()),
    };
    let chunks = pattern.chunks();
    let mut regions = candidate_regions(retriever, &chunks, &cited_paths, options, 0, cancel)?;
    let mut matches = match aligned(&pattern, &regions, cancel) {
        Ok(m) => m,
        Err(e) => return stop(e),
    };
    // A quotation with omissions whose pieces the passages around the hits did not hold
    // word for word: look again with regions as wide as its omissions may reach, so that
    // every omission the conventions accept is found (the wider regions cost 4 times more
    // to load and align, and most omissions are short).
    // A long quotation spans more passages than the hits and the one passage loaded around
    // each may cover: it gets the same wider look, as far as it is long, so that a long
    // quotation copied word for word is never called altered because its region stopped short.
    let long_reach = if words > LONG_QUOTE_WORDS {
        words.min(MAX_REACH_IN_CONTEXT)
    } else {
        0
    };
    let reach = pattern.reach_words().max(long_reach);
    if reach > 0 && !matches.iter().any(|m| m.exact) {
        let wider = candidate_regions(retriever, &chunks, &cited_paths, options, reach, cancel)?;
        let more = match aligned(&pattern, &wider, cancel) {
            Ok(m) => m,
            Err(e) => return stop(e),
        };
        let offset = regions.len();
        matches.extend(more.into_iter().map(|mut m| {
            m.region += offset;
            m
        }));
        regions.extend(wider);
    }
    Ok(decide(
        verdict, text, &pattern, &regions, matches, cited, options,
    ))
}

/// The regions to align a quotation against: the best passages anywhere, and those of the
/// cited sources even if others rank higher.
fn candidate_regions(
    retriever: &dyn Retriever,
    chunks: &[Vec<String>],
    cited_paths: &[String],
    options: &MatchOptions,
    reach_words: usize,
    cancel: &CancelFlag,
) -> Result<Vec<Region>, MatchError> {
    if cancel.is_cancelled() {
        return Err(MatchError::Cancelled);
    }
    let mut regions = retriever.regions(&CandidateQuery {
        chunks: chunks.to_vec(),
        only_path: None,
        limit: options.candidates,
        reach_words,
    })?;
    for path in cited_paths {
        if !regions.iter().any(|r| &r.path == path) {
            if cancel.is_cancelled() {
                return Err(MatchError::Cancelled);
            }
            let q = CandidateQuery {
                chunks: chunks.to_vec(),
                only_path: Some(path.clone()),
                limit: 4,
                reach_words,
            };
            regions.extend(retriever.regions(&q)?);
        }
    }
    Ok(regions)
}

/// Every region aligned, in region order ([`decide`] ranks them).
///
/// A quotation without omission or insertion marks that some region holds word for word is
/// decided by those places alone (a verdict never weighs an inexact match against an exact
/// one), so the alignment of the other regions is skipped: the common case costs a word
/// search, not a dynamic programme.
fn aligned(
    pattern: &Pattern,
    regions: &[Region],
    cancel: &CancelFlag,
) -> Result<Vec<Aligned>, AlignError> {
    let check = || {
        if cancel.is_cancelled() {
            Err(AlignError::Cancelled)
        } else {
            Ok(())
        }
    };
    if !pattern
        .pieces
        .iter()
        .any(|p| matches!(p, Piece::Gap { .. }))
    {
        let wanted: Vec<&str> = pattern.words().collect();
        let mut exact = Vec::new();
        for (i, r) in regions.iter().enumerate() {
            check()?;
            exact.extend(exact_region(pattern, &wanted, r, i));
        }
        if !exact.is_empty() {
            return Ok(exact);
        }
    }
    let mut all = Vec::new();
    for (i, r) in regions.iter().enumerate() {
        check()?;
        all.extend(align_region(pattern, r, i, cancel)?);
    }
    Ok(all)
}

/// Best first (exact, then most similar, then by path for stable output), one per place.
fn sort(matches: &mut Vec<Aligned>, regions: &[Region]) {
    matches.sort_by(|a, b| {
        b.exact
            .cmp(&a.exact)
            .then(b.similarity.total_cmp(&a.similarity))
            .then(regions[a.region].path.cmp(&regions[b.region].path))
    });
    matches.dedup_by(|a, b| regions[a.region].path == regions[b.region].path && a.range == b.range);
}

/// Weigh the aligned regions against the citation and build the verdict.
fn decide(
    mut verdict: Verdict,
    text: &str,
    pattern: &Pattern,
    regions: &[Region],
    mut matches: Vec<Aligned>,
    cited: &Cited,
    options: &MatchOptions,
) -> Verdict {
    sort(&mut matches, regions);
    let cited_paths = verdict.cited_paths.clone();
    let path = |m: &Aligned| regions[m.region].path.as_str();
    let in_cited = |m: &Aligned| cited_paths.iter().any(|p| p == path(m));
    let close = |m: &Aligned| m.exact || m.complete || m.similarity >= options.mismatch_similarity;
    let helpful = |m: &Aligned| helps(m, pattern, options);
    let best = matches.first();
    let best_cited = matches.iter().find(|m| in_cited(m));
    let (status, chosen) = match (cited, best, best_cited) {
        (_, None, _) => (Status::NotFound, None),
        (Cited::Paths(_), _, Some(c)) if c.exact => (Status::Verified, Some(c)),
        // Another source holds it verified, or clearly closer than the cited one.
        (Cited::Paths(_), Some(best), c)
            if best.exact
                || (close(best)
                    && c.is_none_or(|c| {
                        !close(c) || best.similarity >= c.similarity + MISATTRIBUTION_MARGIN
                    })) =>
        {
            (Status::Misattributed, Some(best))
        }
        // Judged against the cited source.
        (Cited::Paths(_), _, Some(c)) if close(c) => (Status::Mismatch, Some(c)),
        (Cited::Paths(_), best, c) => (
            Status::NotFound,
            c.filter(|c| helpful(c)).or(best.filter(|b| helpful(b))),
        ),
        (Cited::None, Some(best), _) if best.exact => (Status::Verified, Some(best)),
        (Cited::None, Some(best), _) if close(best) => (Status::Mismatch, Some(best)),
        (Cited::None, Some(best), _) => (Status::NotFound, helpful(best).then_some(best)),
    };
    verdict.status = status;
    if let Some(chosen) = chosen {
        if chosen.exact {
            verdict.also = matches
                .iter()
                .filter(|m| m.exact && (path(m) != path(chosen) || m.range != chosen.range))
                .map(|m| m.finish(text, pattern, &regions[m.region]))
                .collect();
        }
        let mut best = chosen.finish(text, pattern, &regions[chosen.region]);
        locate_joined(&mut best, chosen, &matches, regions);
        verdict.best = Some(best);
    }
    verdict
}

/// Words the quotation adds that another region holds word for word (farther away than one
/// region reaches, or in another source): joined from another place, not invented.
fn locate_joined(
    best: &mut SourceMatch,
    chosen: &Aligned,
    matches: &[Aligned],
    regions: &[Region],
) {
    for d in best.diff.iter_mut() {
        if d.op != super::verdict::Op::Insert || d.why.is_some() {
            continue;
        }
        let n = normalize(&d.note);
        let needle: Vec<&str> = words(&n.text).map(|r| &n.text[r]).collect();
        if needle.len() < 2 {
            continue;
        }
        let holder = matches.iter().find(|m| {
            m.region != chosen.region
                && m.spans.windows(needle.len()).any(|w| {
                    w.iter()
                        .zip(&needle)
                        .all(|(r, x)| &m.normalized.text[r.clone()] == *x)
                })
        });
        let Some(m) = holder else { continue };
        let path = &regions[m.region].path;
        let message = if *path == regions[chosen.region].path {
            "joined from two places in the source without a mark".to_string()
        } else {
            format!("joined with words from {path} without a mark")
        };
        d.why = Some(message.clone());
        best.findings.push(super::verdict::Finding {
            kind: super::verdict::FindingKind::Joined,
            message,
            note_range: d.note_range.clone(),
        });
    }
}

/// A region aligned: what ranking and the verdict need. The diff, the fix and the context a
/// person reads are made only for the matches reported ([`Aligned::finish`]).
struct Aligned {
    /// Index of the region.
    region: usize,
    normalized: crate::text::normalize::Normalized,
    spans: Vec<Range<usize>>,
    visible: Vec<Range<usize>>,
    /// Sentence breaks, when gaps or dropped words needed them (else found by
    /// [`Aligned::finish`]).
    breaks: Option<Vec<bool>>,
    alignment: super::align::Alignment,
    explained: super::explain::Explained,
    /// Byte range in the source file.
    range: Range<usize>,
    exact: bool,
    complete: bool,
    similarity: f32,
}

/// The first place where a region holds a gap-free pattern (its words: `wanted`) word for
/// word, as an alignment.
fn exact_region(
    pattern: &Pattern,
    wanted: &[&str],
    region: &Region,
    index: usize,
) -> Option<Aligned> {
    let normalized = normalize(&region.text);
    let spans: Vec<Range<usize>> = words(&normalized.text).collect();
    let n = wanted.len();
    let at = (0..(spans.len() + 1).saturating_sub(n)).find(|&k| {
        spans[k..k + n]
            .iter()
            .zip(wanted)
            .all(|(r, w)| &normalized.text[r.clone()] == *w)
    })?;
    let a = super::align::Alignment {
        cost: 0,
        source: at..at + n,
        steps: (0..n).map(|q| Step::Equal { q, s: at + q }).collect(),
    };
    finish_alignment(pattern, region, index, normalized, spans, a)
}

/// Align the pattern in one region.
fn align_region(
    pattern: &Pattern,
    region: &Region,
    index: usize,
    cancel: &CancelFlag,
) -> Result<Option<Aligned>, AlignError> {
    let normalized = normalize(&region.text);
    let spans: Vec<Range<usize>> = words(&normalized.text).collect();
    let word_list: Vec<&str> = spans.iter().map(|r| &normalized.text[r.clone()]).collect();
    let Some(a) = align_until(pattern, &word_list, cancel)? else {
        return Ok(None);
    };
    drop(word_list);
    Ok(finish_alignment(
        pattern, region, index, normalized, spans, a,
    ))
}

/// An alignment of one region weighed: gaps that change the meaning, similarity, range.
fn finish_alignment(
    pattern: &Pattern,
    region: &Region,
    index: usize,
    normalized: crate::text::normalize::Normalized,
    spans: Vec<Range<usize>>,
    a: super::align::Alignment,
) -> Option<Aligned> {
    if a.source.is_empty() {
        return None;
    }
    let word_list: Vec<&str> = spans.iter().map(|r| &normalized.text[r.clone()]).collect();
    let visible: Vec<Range<usize>> = spans
        .iter()
        .map(|r| normalized.source_range(r.clone()))
        .collect();
    // Sentence breaks matter to gaps and dropped words; otherwise only to the context of a
    // reported match, where they are found then.
    let needs_breaks = a
        .steps
        .iter()
        .any(|s| matches!(s, Step::Gap { .. } | Step::Delete { .. }));
    let breaks = needs_breaks.then(|| meaning::sentence_breaks(&region.text, &visible));
    let src = SourceWords {
        text: &region.text,
        words: &word_list,
        visible: &visible,
        // Read only by gaps and dropped words, which asked for them.
        breaks: breaks.as_deref().unwrap_or_default(),
    };
    let ex = explain(pattern, &a, &src);
    let vis = visible[a.source.start].start..visible[a.source.end - 1].end;
    let exact = a.cost == 0 && !ex.changes_meaning();
    let similarity = a.similarity_dropping(pattern, &word_list, ex.dropped_weight);
    let complete = ex.complete();
    drop(word_list);
    Some(Aligned {
        region: index,
        range: region.map.range(vis),
        exact,
        complete,
        similarity: if exact { 1.0 } else { similarity.min(0.99) },
        normalized,
        spans,
        visible,
        breaks,
        alignment: a,
        explained: ex,
    })
}

impl Aligned {
    /// The match as reported: passage, diff, findings, fix and context.
    fn finish(&self, quote: &str, pattern: &Pattern, region: &Region) -> SourceMatch {
        let word_list: Vec<&str> = self
            .spans
            .iter()
            .map(|r| &self.normalized.text[r.clone()])
            .collect();
        let found;
        let breaks = match &self.breaks {
            Some(b) => b,
            None => {
                found = meaning::sentence_breaks(&region.text, &self.visible);
                &found
            }
        };
        let src = SourceWords {
            text: &region.text,
            words: &word_list,
            visible: &self.visible,
            breaks,
        };
        let a = &self.alignment;
        let vis = self.visible[a.source.start].start..self.visible[a.source.end - 1].end;
        let context = context(&src, a.source.clone());
        let mut ex = self.explained.clone();
        let (diff, edits, findings) = if self.exact {
            (Vec::new(), Vec::new(), Vec::new())
        } else {
            let findings = ex.finish(pattern, a, &src);
            (
                diff::diff(quote, pattern, &ex, &src),
                diff::edits(quote, pattern, &ex, &src),
                findings,
            )
        };
        SourceMatch {
            path: region.path.clone(),
            range: self.range.clone(),
            text: region.text[vis].to_string(),
            similarity: self.similarity,
            diff,
            exact: self.exact,
            suggestion: (!self.exact).then(|| diff::apply(quote, &edits)),
            edits,
            complete: self.complete,
            findings,
            context_range: region.map.range(context.clone()),
            context: region.text[context].to_string(),
        }
    }
}

/// Most words the context shown around a match reaches before and after it.
const CONTEXT_WORDS: usize = 60;

/// The visible-text range of the sentences around source words `s`: from the start of the
/// sentence of its first word to the end of the sentence of its last word, never past a
/// paragraph break (or [`CONTEXT_WORDS`]) outside the match.
fn context(src: &SourceWords, s: Range<usize>) -> Range<usize> {
    let mut first = s.start;
    while first > 0 && !src.breaks[first - 1] && s.start - first < CONTEXT_WORDS {
        first -= 1;
    }
    let mut last = s.end - 1;
    while !src.breaks[last] && last + 1 < src.words.len() && last + 1 - s.end < CONTEXT_WORDS {
        last += 1;
    }
    let text = src.text;
    // Opening marks before the first word and closing punctuation after the last.
    let lead = text[..src.visible[first].start]
        .chars()
        .rev()
        .take_while(|c| !c.is_whitespace())
        .map(char::len_utf8)
        .sum::<usize>();
    let tail = text[src.visible[last].end..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .map(char::len_utf8)
        .sum::<usize>();
    src.visible[first].start - lead..src.visible[last].end + tail
}
