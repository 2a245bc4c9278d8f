//! Splitting a source's visible text into passages of [`PASSAGE_WORDS`] words.

use super::schema::{PASSAGE_OVERLAP_WORDS, PASSAGE_WORDS};
use crate::corpus::SourceDoc;
use crate::text::{normalize, words, OffsetMap};
use std::ops::Range;

/// A run of consecutive words of a source: its visible text, the way back to the file, and
/// its words already normalised (the index takes them as they are: the text is normalised
/// once per source, not once more per passage by the tokenizer).
#[derive(Debug, Clone)]
pub struct Passage {
    pub ord: u64,
    pub text: String,
    /// From `text` to byte offsets in the file.
    pub map: OffsetMap,
    /// The normalised words, in order, separated by single spaces (see
    /// [`super::analyzer::WORDS_TOKENIZER`]), then the first [`PASSAGE_OVERLAP_WORDS`] of
    /// the next passage.
    pub words: String,
}

/// A visible text normalised, and its words: where each is in the normalised text, and where
/// it starts in the visible text.
struct NormalizedWords {
    normalized: String,
    words: Vec<(Range<usize>, usize)>,
}

fn text_words(text: &str) -> NormalizedWords {
    let n = normalize(text);
    let words = words(&n.text)
        .map(|r| (r.clone(), n.map.start_of(r.start)))
        .collect();
    NormalizedWords {
        normalized: n.text,
        words,
    }
}

/// Visible-text ranges of the passages: each starts at its first word and runs to the next
/// passage's first word, so the passages laid end to end give back the text.
fn ranges_of(text: &str, w: &NormalizedWords) -> Vec<Range<usize>> {
    let starts: Vec<usize> = w
        .words
        .iter()
        .step_by(PASSAGE_WORDS)
        .map(|&(_, start)| start)
        .collect();
    let mut out = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let start = if i == 0 { 0 } else { s };
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push(start..end);
    }
    out
}

/// Visible-text ranges of the passages of `text`.
pub fn ranges(text: &str) -> Vec<Range<usize>> {
    ranges_of(text, &text_words(text))
}

pub fn split(doc: &SourceDoc) -> Vec<Passage> {
    split_text(&doc.text, &doc.map)
}

/// The passages of a visible text whose way back to the file is `map`.
pub fn split_text(text: &str, map: &OffsetMap) -> Vec<Passage> {
    let w = text_words(text);
    ranges_of(text, &w)
        .into_iter()
        .enumerate()
        .map(|(ord, r)| {
            let from = ord * PASSAGE_WORDS;
            let to = (from + PASSAGE_WORDS + PASSAGE_OVERLAP_WORDS).min(w.words.len());
            let words = &w.words[from..to];
            let mut joined = String::with_capacity(words.iter().map(|(n, _)| n.len() + 1).sum());
            for (k, (n, _)) in words.iter().enumerate() {
                if k > 0 {
                    joined.push(' ');
                }
                joined.push_str(&w.normalized[n.clone()]);
            }
            Passage {
                ord: ord as u64,
                text: text[r.clone()].to_string(),
                map: map.slice(r),
                words: joined,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_tile_the_text_at_word_starts() {
        let text: String = (0..250).map(|i| format!("w{i}, ")).collect();
        let r = ranges(&text);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].start, 0);
        assert_eq!(r[2].end, text.len());
        assert!(text[r[1].clone()].starts_with("w100,"));
        assert_eq!(r.windows(2).filter(|w| w[0].end != w[1].start).count(), 0);
    }
}
