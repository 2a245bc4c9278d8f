//! The body of the `quotes` fuzz target (`fuzz/fuzz_targets/quotes.rs`), shared with the
//! property tests (`tests/properties.rs`) so that CI runs the same code path on stable.
//!
//! From arbitrary bytes: a note and a source (split at the first U+001F; without one the
//! note is its own source, so that quotations are found and the verified path runs too).
//! The note is scanned for quotations and citations, the source is read as Markdown or HTML,
//! and every quotation is matched against the source through an in-memory retriever. Nothing
//! may panic, and every offset handed back must point inside the right text, on a character
//! boundary. Returns the verdicts for callers that want to check more.
#![allow(dead_code)]

use sourced::corpus::{self, SourceFile};
use sourced::index::retrieve::{CandidateQuery, Region, Retriever};
use sourced::index::{IndexError, SourceInfo};
use sourced::quotes::align::{align, Step};
use sourced::quotes::extract;
use sourced::quotes::matcher::{self, Cited, MatchOptions};
use sourced::quotes::pattern::{Pattern, Piece};
use sourced::quotes::verdict::Verdict;
use sourced::text::{normalize, words, OffsetMap};
use std::ops::Range;
use std::path::PathBuf;

/// The path of the in-memory source.
pub const SOURCE_PATH: &str = "src.md";

/// Candidates from one in-memory source: every passage, as one region.
pub struct MemoryRetriever {
    pub region: Region,
}

impl Retriever for MemoryRetriever {
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        let wanted = query.only_path.as_deref().is_none_or(|p| p == SOURCE_PATH);
        Ok(if wanted {
            vec![self.region.clone()]
        } else {
            Vec::new()
        })
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        Ok((path == SOURCE_PATH).then(|| SourceInfo {
            path: path.to_string(),
            keys: vec!["src".into()],
            ..Default::default()
        }))
    }

    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        Ok(if key == "src" {
            vec![SOURCE_PATH.to_string()]
        } else {
            Vec::new()
        })
    }
}

/// `r` lies inside `text` on character boundaries.
pub fn assert_range_in(text: &str, r: &Range<usize>, what: &str) {
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what}: {r:?} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what}: {r:?} not on character boundaries of {text:?}"
    );
}

/// An offset map from `derived` back to `original`: tiles `derived`, stays inside
/// `original` on character boundaries, never goes backwards, and copied segments are the
/// original bytes.
pub fn assert_map(derived: &str, map: &OffsetMap, original: &str, what: &str) {
    check_map(derived, map, original, what, |d, o| d == o);
}

/// [`assert_map`] for a normalisation map: its one-to-one segments also fold ASCII case
/// and turn a single white-space byte into a space.
pub fn assert_normalisation_map(derived: &str, map: &OffsetMap, original: &str, what: &str) {
    check_map(derived, map, original, what, |d, o| {
        d == o.to_ascii_lowercase() || (d == b' ' && o.is_ascii() && char::from(o).is_whitespace())
    });
}

fn check_map(derived: &str, map: &OffsetMap, original: &str, what: &str, same: fn(u8, u8) -> bool) {
    assert_eq!(map.derived_len(), derived.len(), "{what}: map length");
    let mut next = 0;
    let mut src_floor = 0;
    for s in map.segments() {
        assert_eq!(s.start, next, "{what}: segments must tile the text");
        next = s.start + s.len;
        let src = s.src_start..s.src_start + s.src_len;
        assert_range_in(original, &src, what);
        assert!(
            s.src_start >= src_floor,
            "{what}: map goes backwards at {s:?}"
        );
        src_floor = s.src_start;
        if s.linear {
            let d = &derived.as_bytes()[s.start..s.start + s.len];
            let o = &original.as_bytes()[src.clone()];
            assert!(
                d.iter().zip(o).all(|(&d, &o)| same(d, o)),
                "{what}: copied segment {s:?} differs from the original: {:?} vs {:?}",
                String::from_utf8_lossy(d),
                String::from_utf8_lossy(o)
            );
        }
    }
    assert_eq!(next, derived.len(), "{what}: segments must cover the text");
}

/// Split fuzz input into (min_words, note, source, source is HTML).
pub fn split_input(data: &[u8]) -> (usize, String, String, bool) {
    let (flags, rest) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
    let text = String::from_utf8_lossy(rest).into_owned();
    let (note, source) = match text.split_once('\u{1F}') {
        Some((n, s)) => (n.to_string(), s.to_string()),
        None => (text.clone(), text),
    };
    let min_words = usize::from(flags & 0x7);
    (min_words, note, source, flags & 0x80 != 0)
}

/// Run extraction and matching on fuzz input; panics on a broken invariant.
pub fn run(data: &[u8]) -> Vec<Verdict> {
    let (min_words, note, source, html) = split_input(data);
    check_texts(&note, &source, min_words, html)
}

/// Extraction of `note`, reading of `source`, and matching of every quotation.
pub fn check_texts(note: &str, source: &str, min_words: usize, html: bool) -> Vec<Verdict> {
    // The note: quotations and citations point into it.
    let scan = extract::scan(note, min_words);
    for q in &scan.quotes {
        assert_range_in(note, &q.range, "quote range");
        assert!(q.words >= min_words, "a scare quote was kept");
        let n = normalize(&q.text);
        assert_normalisation_map(&n.text, &n.map, &q.text, "quote normalisation");
        for w in words(&n.text) {
            let in_quote = n.source_range(w);
            assert_range_in(&q.text, &in_quote, "word in quote");
            let in_note = q.note_range(in_quote);
            assert_range_in(note, &in_note, "word in note");
        }
        for c in &q.citations {
            assert!(
                scan.citations.contains(c),
                "quote citation not in the note's list"
            );
        }
    }
    for c in &scan.citations {
        assert_range_in(note, &c.range, "citation range");
        if let Some(k) = &c.key_range {
            assert_range_in(note, k, "citation key range");
        }
    }

    // The source: visible text mapped back to its bytes.
    let name = if html { "src.html" } else { SOURCE_PATH };
    let file = SourceFile {
        path: PathBuf::from(name),
        display: SOURCE_PATH.into(),
        mtime: 0,
        size: source.len() as u64,
    };
    let doc = corpus::parse(file, source.to_string());
    assert_map(&doc.text, &doc.map, source, "source visible text");
    let n = normalize(&doc.text);
    assert_normalisation_map(&n.text, &n.map, &doc.text, "source normalisation");
    for p in sourced::index::passages::split(&doc) {
        assert_map(&p.text, &p.map, source, "passage");
    }

    // Matching every quotation (cited to the source, to another key, or not at all).
    let retriever = MemoryRetriever {
        region: Region {
            path: SOURCE_PATH.into(),
            text: doc.text.clone(),
            map: doc.map.clone(),
            score: 1.0,
        },
    };
    let options = MatchOptions::default();
    let mut out = Vec::new();
    for (i, q) in scan.quotes.iter().enumerate() {
        let cited = match i % 3 {
            0 => Cited::None,
            1 => Cited::Paths(vec![SOURCE_PATH.into()]),
            _ => Cited::Paths(vec!["elsewhere.md".into()]),
        };
        let v = matcher::check(&retriever, &q.text, &cited, &options).expect("in-memory");
        for m in v.best.iter().chain(&v.also) {
            assert_eq!(m.path, SOURCE_PATH);
            assert_range_in(source, &m.range, "match range in the source");
            assert!(
                (0.0..=1.0).contains(&m.similarity),
                "similarity {}",
                m.similarity
            );
            if m.exact {
                assert_eq!(m.similarity, 1.0);
                assert!(m.diff.is_empty());
            } else {
                assert!(m.suggestion.is_some());
            }
            for d in &m.diff {
                assert_range_in(&q.text, &d.note_range, "diff note range");
            }
        }
        out.push(v);
    }

    // Alignment on its own: the note's quotations against the source's words.
    let src_words: Vec<&str> = words(&n.text).map(|r| &n.text[r]).collect();
    for q in scan.quotes.iter().take(4) {
        let pattern = Pattern::parse(&q.text);
        for p in &pattern.pieces {
            let r = match p {
                Piece::Word { range, .. } | Piece::Gap { range, .. } => range,
            };
            assert_range_in(&q.text, r, "pattern piece");
        }
        let Some(a) = align(&pattern, &src_words) else {
            assert_eq!(pattern.word_count(), 0);
            continue;
        };
        assert!(a.source.start <= a.source.end && a.source.end <= src_words.len());
        for step in &a.steps {
            let (q_i, s_i) = match step {
                Step::Equal { q, s } | Step::Replace { q, s } => (Some(*q), Some(*s)),
                Step::Delete { s } => (None, Some(*s)),
                Step::Insert { q } => (Some(*q), None),
                Step::Gap { piece, s } => {
                    assert!(s.end <= src_words.len());
                    (Some(*piece), None)
                }
            };
            assert!(q_i.is_none_or(|q| q < pattern.pieces.len()));
            assert!(s_i.is_none_or(|s| s < src_words.len()));
        }
        let sim = a.similarity(&pattern, &src_words);
        assert!((0.0..=1.0).contains(&sim), "similarity {sim}");
    }
    out
}
