//! From a quotation to a [`Verdict`]: retrieve candidate regions by chunk, align the pattern
//! against each, keep the best, and weigh it against the citation.

use super::align::align;
use super::diff;
use super::explain::{explain, SourceWords};
use super::meaning;
use super::pattern::Pattern;
use super::verdict::{SourceMatch, Status, Verdict};
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

/// A quotation cited to one source is called misattributed when another source holds it
/// verified, or holds it at least this much more similar (0.1 = ten points of similarity);
/// within the margin it is judged against the source it cites.
pub const MISATTRIBUTION_MARGIN: f32 = 0.1;

/// Whether the closest passage to a quotation that is not found helps a person: similar
/// enough, and sharing enough of the quotation's meaningful words (not a five-word fragment
/// of common words).
fn helps(m: &SourceMatch, pattern: &Pattern, options: &MatchOptions) -> bool {
    if m.similarity < options.hint_similarity {
        return false;
    }
    let content = |text: &str| {
        let n = normalize(text);
        words(&n.text)
            .filter(|r| super::align::weight(&n.text[r.clone()]) >= 1.0)
            .count()
    };
    let shared: usize = m
        .diff
        .iter()
        .filter(|d| d.op == super::verdict::Op::Equal)
        .map(|d| content(&d.note))
        .sum();
    let wanted = pattern
        .words()
        .filter(|w| super::align::weight(w) >= 1.0)
        .count();
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
    let close =
        |m: &SourceMatch| m.exact || m.complete || m.similarity >= options.mismatch_similarity;
    let helpful = |m: &SourceMatch| helps(m, &pattern, options);
    let best = matches.first().cloned();
    let best_cited = matches.iter().find(|m| in_cited(m)).cloned();
    let (status, chosen) = match (cited, best, best_cited) {
        (_, None, _) => (Status::NotFound, None),
        (Cited::Paths(_), _, Some(c)) if c.exact => (Status::Verified, Some(c)),
        // Another source holds it verified, or clearly closer than the cited one.
        (Cited::Paths(_), Some(best), c)
            if best.exact
                || (close(&best)
                    && c.as_ref().is_none_or(|c| {
                        !close(c) || best.similarity >= c.similarity + MISATTRIBUTION_MARGIN
                    })) =>
        {
            (Status::Misattributed, Some(best))
        }
        // Judged against the cited source.
        (Cited::Paths(_), _, Some(c)) if close(&c) => (Status::Mismatch, Some(c)),
        (Cited::Paths(_), best, c) => (
            Status::NotFound,
            c.filter(|c| helpful(c))
                .or_else(|| best.filter(|b| helpful(b))),
        ),
        (Cited::None, Some(best), _) if best.exact => (Status::Verified, Some(best)),
        (Cited::None, Some(best), _) if close(&best) => (Status::Mismatch, Some(best)),
        (Cited::None, Some(best), _) => (Status::NotFound, helpful(&best).then_some(best)),
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
    let breaks = meaning::sentence_breaks(&region.text, &visible);
    let src = SourceWords {
        text: &region.text,
        words: &word_list,
        visible: &visible,
        breaks: &breaks,
    };
    let ex = explain(quote, pattern, &a, &src);
    let vis = visible[a.source.start].start..visible[a.source.end - 1].end;
    let exact = a.cost == 0 && !ex.changes_meaning();
    let similarity = a.similarity_dropping(pattern, &word_list, ex.dropped_weight);
    let context = context(&src, a.source.clone());
    let (diff, edits) = if exact {
        (Vec::new(), Vec::new())
    } else {
        (
            diff::diff(quote, pattern, &ex, &src),
            diff::edits(quote, pattern, &ex, &src),
        )
    };
    Some(SourceMatch {
        path: region.path.clone(),
        range: region.map.range(vis.clone()),
        text: region.text[vis].to_string(),
        similarity: if exact { 1.0 } else { similarity.min(0.99) },
        diff,
        exact,
        suggestion: (!exact).then(|| diff::apply(quote, &edits)),
        edits,
        complete: ex.complete(),
        findings: ex.findings,
        context_range: region.map.range(context.clone()),
        context: region.text[context].to_string(),
    })
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
