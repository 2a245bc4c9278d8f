//! Splitting a source's visible text into passages of [`PASSAGE_WORDS`] words.

use super::schema::PASSAGE_WORDS;
use crate::corpus::SourceDoc;
use crate::text::{normalize, words, OffsetMap};
use std::ops::Range;

/// A run of consecutive words of a source: its visible text and the way back to the file.
#[derive(Debug, Clone)]
pub struct Passage {
    pub ord: u64,
    pub text: String,
    /// From `text` to byte offsets in the file.
    pub map: OffsetMap,
}

/// Visible-text ranges of the passages: each starts at its first word and runs to the next
/// passage's first word, so the passages laid end to end give back the text.
pub fn ranges(text: &str) -> Vec<Range<usize>> {
    let n = normalize(text);
    let starts: Vec<usize> = words(&n.text)
        .step_by(PASSAGE_WORDS)
        .map(|r| n.source_range(r).start)
        .collect();
    let mut out = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let start = if i == 0 { 0 } else { s };
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push(start..end);
    }
    out
}

pub fn split(doc: &SourceDoc) -> Vec<Passage> {
    ranges(&doc.text)
        .into_iter()
        .enumerate()
        .map(|(ord, r)| Passage {
            ord: ord as u64,
            text: doc.text[r.clone()].to_string(),
            map: doc.map.slice(r),
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
