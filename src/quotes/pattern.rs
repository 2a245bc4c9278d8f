//! A quotation as a pattern to look for: its normalised words, with *gaps* where the writer
//! followed the journalistic conventions:
//!
//! - an omission (`...`, `…`, `. . .`, `[...]`, `[…]`) may skip source words;
//! - an editorial insertion in square brackets (`[the US]`) stands for a few source words;
//! - `[sic]` is dropped;
//! - a bracket that starts with `@` is a citation key as written (`[@src]`), not an
//!   insertion: it is words to find like any other.

use crate::text::normalize::normalize;
use crate::text::words;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Most source words an omission may skip ("close together").
pub const MAX_OMITTED_WORDS: usize = 400;
// Every single omission the quote rules accept fits in the context retrieval loads around one
// hit.
const _: () = assert!(
    MAX_OMITTED_WORDS <= crate::index::retrieve::MAX_REACH_IN_CONTEXT,
    "MAX_REGION_PASSAGES is too small for an omission of MAX_OMITTED_WORDS"
);
/// Most source words an editorial insertion may stand for.
pub const MAX_INSERTION_WORDS: usize = 6;

/// One element of a quote pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A normalised word and its byte range in the quote text.
    Word { word: String, range: Range<usize> },
    /// Up to `max` source words may stand here; `range` is the marker in the quote text.
    Gap {
        max: usize,
        range: Range<usize>,
        kind: GapKind,
        /// The marker as written (`…`, `[the US]`).
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    Omission,
    Insertion,
}

/// A parsed quotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub pieces: Vec<Piece>,
}

static MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        (?P<omit>\[\s*(?:\.\s*){3,}\]|\[\s*…\s*\]|(?:\.\s){2,}\.|\.{3,}|…)
        | (?P<sic>\[\s*sic!?\s*\])
        | (?P<insert>\[[^\[\]@][^\[\]]{0,79}\])",
    )
    .expect("marker regex")
});

impl Pattern {
    pub fn parse(text: &str) -> Pattern {
        let mut pieces = Vec::new();
        let mut last = 0;
        let push_words = |pieces: &mut Vec<Piece>, from: usize, to: usize| {
            let n = normalize(&text[from..to]);
            for r in words(&n.text) {
                let src = n.source_range(r.clone());
                pieces.push(Piece::Word {
                    word: n.text[r].to_string(),
                    range: from + src.start..from + src.end,
                });
            }
        };
        for caps in MARKERS.captures_iter(text) {
            let m = caps.get(0).expect("whole match");
            push_words(&mut pieces, last, m.start());
            last = m.end();
            let gap = if caps.name("omit").is_some() {
                Some((MAX_OMITTED_WORDS, GapKind::Omission))
            } else if caps.name("insert").is_some() {
                Some((MAX_INSERTION_WORDS, GapKind::Insertion))
            } else {
                None
            };
            if let Some((max, kind)) = gap {
                pieces.push(Piece::Gap {
                    max,
                    range: m.range(),
                    kind,
                    text: m.as_str().to_string(),
                });
            }
        }
        push_words(&mut pieces, last, text.len());
        // Gaps at either end mean nothing: the match is free to start and end anywhere.
        while matches!(pieces.first(), Some(Piece::Gap { .. })) {
            pieces.remove(0);
        }
        while matches!(pieces.last(), Some(Piece::Gap { .. })) {
            pieces.pop();
        }
        Pattern { pieces }
    }

    /// The normalised words, in order, without gaps.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Word { word, .. } => Some(word.as_str()),
            Piece::Gap { .. } => None,
        })
    }

    pub fn word_count(&self) -> usize {
        self.words().count()
    }

    /// How far apart, in source words, the pieces of the quote may be: the sum of its
    /// omissions' `max` (0 without omission), so that from any one piece every other is within
    /// reach. Retrieval ([`crate::index::retrieve::CandidateQuery::reach_words`]) loads that
    /// much around each passage it finds. Insertions are left out: their few words are within
    /// the passage of slack retrieval always loads either side.
    pub fn reach_words(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Gap {
                    max,
                    kind: GapKind::Omission,
                    ..
                } => *max,
                _ => 0,
            })
            .sum()
    }

    /// Chunks for retrieval: runs of consecutive words (never across a gap) such that any
    /// quote with up to `k` word edits keeps at least one chunk intact, where `k` grows with
    /// the quote's length (a quarter of its words, at most [`MAX_CHUNKS`] - 1).
    pub fn chunks(&self) -> Vec<Vec<String>> {
        let mut fragments: Vec<Vec<String>> = vec![Vec::new()];
        for p in &self.pieces {
            match p {
                Piece::Word { word, .. } => fragments
                    .last_mut()
                    .expect("one fragment")
                    .push(word.clone()),
                Piece::Gap { .. } => fragments.push(Vec::new()),
            }
        }
        fragments.retain(|f| !f.is_empty());
        let n: usize = fragments.iter().map(Vec::len).sum();
        if n == 0 {
            return Vec::new();
        }
        let k = (n / 4).max(1);
        let wanted = (k + 1).clamp(1, MAX_CHUNKS);
        let size = (n / wanted).max(MIN_CHUNK_WORDS.min(n));
        let mut chunks = Vec::new();
        for f in fragments {
            if f.len() <= size {
                chunks.push(f);
                continue;
            }
            // Split evenly into pieces of about `size` words.
            let parts = f.len() / size;
            let base = f.len() / parts;
            let mut extra = f.len() % parts;
            let mut at = 0;
            for _ in 0..parts {
                let len = base + usize::from(extra > 0);
                extra = extra.saturating_sub(1);
                chunks.push(f[at..at + len].to_vec());
                at += len;
            }
        }
        chunks
    }
}

/// At most this many chunks per quote.
pub const MAX_CHUNKS: usize = 16;
/// Chunks are at least this long when the quote allows.
pub const MIN_CHUNK_WORDS: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Vec<String> {
        Pattern::parse(text)
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Word { word, .. } => word.clone(),
                Piece::Gap {
                    kind: GapKind::Omission,
                    ..
                } => "…".into(),
                Piece::Gap {
                    kind: GapKind::Insertion,
                    ..
                } => "[]".into(),
            })
            .collect()
    }

    #[test]
    fn conventions_become_gaps() {
        assert_eq!(shape("The US ... left"), ["the", "us", "…", "left"]);
        assert_eq!(
            shape("The US […] left [sic] it"),
            ["the", "us", "…", "left", "it"]
        );
        assert_eq!(shape("The US . . . left"), ["the", "us", "…", "left"]);
        assert_eq!(shape("[The US] left [...]"), ["left"]);
        assert_eq!(shape("said [the US] would"), ["said", "[]", "would"]);
        assert_eq!(shape("went… home"), ["went", "…", "home"]);
    }

    #[test]
    fn word_ranges_point_into_the_quote_text() {
        let text = "Kata’ib … “Hezbollah”";
        let p = Pattern::parse(text);
        let Piece::Word { range, .. } = &p.pieces[0] else {
            panic!()
        };
        assert_eq!(&text[range.clone()], "Kata’ib");
        let Piece::Word { range, .. } = &p.pieces[2] else {
            panic!()
        };
        assert_eq!(&text[range.clone()], "Hezbollah");
    }

    #[test]
    fn chunks_survive_k_edits_and_never_cross_gaps() {
        let p = Pattern::parse("one two three four five six seven eight nine ten eleven twelve");
        let c = p.chunks();
        // 12 words: k = 3 edits tolerated, so 4 chunks of 3.
        assert_eq!(c.len(), 4);
        assert!(c.iter().all(|c| c.len() == 3));
        let p = Pattern::parse("alpha beta gamma ... delta epsilon");
        assert!(p
            .chunks()
            .iter()
            .all(|c| !(c.contains(&"gamma".to_string()) && c.contains(&"delta".to_string()))));
    }
}
