//! From a quotation to a [`Verdict`]: retrieve candidate regions by chunk, align the pattern
//! against each, keep the best, and weigh it against the citation.

use super::align::{align, Alignment, Step};
use super::pattern::{Pattern, Piece};
use super::verdict::{DiffOp, Op, SourceMatch, Status, Verdict};
use crate::index::retrieve::{CandidateQuery, Region, Retriever};
use crate::index::IndexError;
use crate::text::{normalize, words};
use std::ops::Range;

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

/// Citation of a quote, resolved against the index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cited {
    None,
    /// The sources the citation names (empty if it names none).
    Paths(Vec<String>),
}

/// Check one quotation text.
pub fn check(
    retriever: &dyn Retriever,
    text: &str,
    cited: &Cited,
    options: &MatchOptions,
) -> Result<Verdict, IndexError> {
    let pattern = Pattern::parse(text);
    let cited_paths = match cited {
        Cited::None => Vec::new(),
        Cited::Paths(p) => p.clone(),
    };
    let mut verdict = Verdict {
        status: Status::NotFound,
        best: None,
        also: Vec::new(),
        cited_paths: cited_paths.clone(),
    };
    if pattern.word_count() == 0 {
        return Ok(verdict);
    }
    let chunks = pattern.chunks();
    let mut regions = retriever.regions(&CandidateQuery {
        chunks: chunks.clone(),
        only_path: None,
        limit: options.candidates,
        reach_words: pattern.reach_words(),
    })?;
    // Make sure the cited sources are looked at even if other sources rank higher.
    for path in &cited_paths {
        if !regions.iter().any(|r| &r.path == path) {
            let q = CandidateQuery {
                chunks: chunks.clone(),
                only_path: Some(path.clone()),
                limit: 4,
                reach_words: pattern.reach_words(),
            };
            regions.extend(retriever.regions(&q)?);
        }
    }
    let mut matches: Vec<SourceMatch> = regions
        .iter()
        .filter_map(|r| match_region(text, &pattern, r))
        .collect();
    // Best first: exact, then most similar, then by path for stable output.
    matches.sort_by(|a, b| {
        b.exact
            .cmp(&a.exact)
            .then(b.similarity.total_cmp(&a.similarity))
            .then(a.path.cmp(&b.path))
    });
    matches.dedup_by(|a, b| a.path == b.path && a.range == b.range);

    let in_cited = |m: &SourceMatch| cited_paths.contains(&m.path);
    let close = |m: &SourceMatch| m.exact || m.similarity >= options.mismatch_similarity;
    let best = matches.first().cloned();
    let best_cited = matches.iter().find(|m| in_cited(m)).cloned();
    let (status, chosen) = match (cited, best, best_cited) {
        (_, None, _) => (Status::NotFound, None),
        (Cited::Paths(_), Some(best), Some(c))
            if c.exact || (!best.exact && close(&c) && c.similarity >= best.similarity) =>
        {
            (
                if c.exact {
                    Status::Verified
                } else {
                    Status::Mismatch
                },
                Some(c),
            )
        }
        (Cited::Paths(_), Some(best), _) if close(&best) => (Status::Misattributed, Some(best)),
        (_, Some(best), _) if best.exact => (Status::Verified, Some(best)),
        (_, Some(best), _) if close(&best) => (Status::Mismatch, Some(best)),
        (_, Some(best), _) => (
            Status::NotFound,
            (best.similarity >= options.hint_similarity).then_some(best),
        ),
    };
    verdict.status = status;
    if let Some(chosen) = &chosen {
        if chosen.exact {
            verdict.also = matches
                .iter()
                .filter(|m| m.exact && (m.path != chosen.path || m.range != chosen.range))
                .cloned()
                .collect();
        }
    }
    verdict.best = chosen;
    Ok(verdict)
}

/// Align the pattern in one region and describe the result.
fn match_region(quote: &str, pattern: &Pattern, region: &Region) -> Option<SourceMatch> {
    let n = normalize(&region.text);
    let spans: Vec<Range<usize>> = words(&n.text).collect();
    let word_list: Vec<&str> = spans.iter().map(|r| &n.text[r.clone()]).collect();
    let visible: Vec<Range<usize>> = spans.iter().map(|r| n.source_range(r.clone())).collect();
    let a = align(pattern, &word_list)?;
    if a.source.is_empty() {
        return None;
    }
    let vis = visible[a.source.start].start..visible[a.source.end - 1].end;
    let similarity = a.similarity(pattern, &word_list);
    let exact = a.cost == 0;
    Some(SourceMatch {
        path: region.path.clone(),
        range: region.map.range(vis.clone()),
        text: region.text[vis].to_string(),
        similarity: if exact { 1.0 } else { similarity },
        diff: if exact {
            Vec::new()
        } else {
            diff(quote, pattern, &a, &region.text, &visible)
        },
        exact,
        suggestion: (!exact).then(|| suggestion(quote, pattern, &a, &region.text, &visible)),
    })
}

fn word_range(pattern: &Pattern, piece: usize) -> Range<usize> {
    match &pattern.pieces[piece] {
        Piece::Word { range, .. } | Piece::Gap { range, .. } => range.clone(),
    }
}

/// A run of alignment steps of one kind: quote piece indexes and source word indexes.
struct Run {
    op: Op,
    note: Option<Range<usize>>,
    source: Option<Range<usize>>,
}

/// Merge alignment steps into runs of one kind, with the words of each side.
fn diff(
    quote: &str,
    pattern: &Pattern,
    a: &Alignment,
    source: &str,
    visible: &[Range<usize>],
) -> Vec<DiffOp> {
    let mut out: Vec<DiffOp> = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    for step in &a.steps {
        let (op, q, s) = match step {
            Step::Equal { q, s } => (Op::Equal, Some(*q), Some(*s)),
            Step::Replace { q, s } => (Op::Replace, Some(*q), Some(*s)),
            Step::Delete { s } => (Op::Delete, None, Some(*s)),
            Step::Insert { q } => (Op::Insert, Some(*q), None),
            Step::Gap { .. } => {
                runs.push(Run {
                    op: Op::Equal,
                    note: None,
                    source: None,
                }); // a break between runs
                continue;
            }
        };
        let extend = |r: &mut Option<Range<usize>>, i: Option<usize>| {
            if let Some(i) = i {
                *r = Some(match r.take() {
                    Some(r) => r.start..i + 1,
                    None => i..i + 1,
                });
            }
        };
        match runs.last_mut() {
            Some(last) if last.op == op && (last.note.is_some() || last.source.is_some()) => {
                extend(&mut last.note, q);
                extend(&mut last.source, s);
            }
            _ => {
                let mut lq = None;
                let mut ls = None;
                extend(&mut lq, q);
                extend(&mut ls, s);
                runs.push(Run {
                    op,
                    note: lq,
                    source: ls,
                });
            }
        }
    }
    for Run {
        op,
        note: q,
        source: s,
    } in runs
    {
        if q.is_none() && s.is_none() {
            continue;
        }
        let note_range = q.map_or(0..0, |q| {
            word_range(pattern, q.start).start..word_range(pattern, q.end - 1).end
        });
        let source_text = s.map_or(String::new(), |s| {
            source[visible[s.start].start..visible[s.end - 1].end].to_string()
        });
        out.push(DiffOp {
            op,
            note: quote[note_range.clone()].to_string(),
            source: source_text,
            note_range,
        });
    }
    out
}

/// The quotation rewritten with the source's wording, keeping omission and insertion marks
/// and whatever surrounds the words (leading `...`, a trailing comma).
fn suggestion(
    quote: &str,
    pattern: &Pattern,
    a: &Alignment,
    source: &str,
    visible: &[Range<usize>],
) -> String {
    let first_word = pattern
        .pieces
        .iter()
        .position(|p| matches!(p, Piece::Word { .. }))
        .unwrap_or(0);
    let last_word = pattern
        .pieces
        .iter()
        .rposition(|p| matches!(p, Piece::Word { .. }))
        .unwrap_or(0);
    let mut out = quote[..word_range(pattern, first_word).start].to_string();
    let mut segment: Option<Range<usize>> = None;
    let flush = |out: &mut String, segment: &mut Option<Range<usize>>| {
        if let Some(s) = segment.take() {
            out.push_str(&source[visible[s.start].start..visible[s.end - 1].end]);
        }
    };
    for step in &a.steps {
        match step {
            Step::Equal { s, .. } | Step::Replace { s, .. } | Step::Delete { s } => {
                segment = Some(segment.map_or(*s..*s + 1, |r| r.start..*s + 1));
            }
            Step::Insert { .. } => {}
            Step::Gap { piece, .. } => {
                flush(&mut out, &mut segment);
                let marker = word_range(pattern, *piece);
                out.push(' ');
                out.push_str(&quote[marker]);
                out.push(' ');
            }
        }
    }
    flush(&mut out, &mut segment);
    out.push_str(&quote[word_range(pattern, last_word).end..]);
    // Line breaks and odd spaces of the source read as single spaces in a note.
    out.split(char::is_whitespace)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
