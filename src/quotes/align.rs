//! Word-level alignment of a quote pattern against source words.
//!
//! Semi-global edit distance: the whole quote must be aligned, the source may start and end
//! anywhere. Each changed, dropped or added word costs 1; a gap in the pattern (omission or
//! editorial insertion) skips up to its maximum number of source words for free.

use super::pattern::{Pattern, Piece};
use std::collections::HashMap;
use std::ops::Range;

/// One step of an alignment, in word indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Quote word `q` equals source word `s`.
    Equal { q: usize, s: usize },
    /// Quote word `q` stands where source word `s` is, but differs.
    Replace { q: usize, s: usize },
    /// Source word `s` is missing from the quote.
    Delete { s: usize },
    /// Quote word `q` is not in the source.
    Insert { q: usize },
    /// Pattern gap (piece index) skipping source words `s`.
    Gap { piece: usize, s: Range<usize> },
}

/// The best alignment of a pattern in a word sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    pub cost: usize,
    /// Source words covered (from the first to the last aligned word).
    pub source: Range<usize>,
    /// Steps in order; `q` indexes are piece indexes of the pattern.
    pub steps: Vec<Step>,
}

impl Alignment {
    /// Weighted Dice similarity over words: 1.0 when every word matches. Function words
    /// ("the", "of") weigh a quarter of other words, so that sharing them says little.
    pub fn similarity(&self, pattern: &Pattern, source: &[&str]) -> f32 {
        let q_word = |q: usize| match &pattern.pieces[q] {
            Piece::Word { word, .. } => word.as_str(),
            Piece::Gap { .. } => "",
        };
        let (mut equal, mut quote_total, mut source_total) = (0.0, 0.0, 0.0);
        for step in &self.steps {
            match step {
                Step::Equal { q, s } => {
                    let w = weight(q_word(*q));
                    equal += w;
                    quote_total += w;
                    source_total += weight(source[*s]);
                }
                Step::Replace { q, s } => {
                    quote_total += weight(q_word(*q));
                    source_total += weight(source[*s]);
                }
                Step::Delete { s } => source_total += weight(source[*s]),
                Step::Insert { q } => quote_total += weight(q_word(*q)),
                Step::Gap { .. } => {}
            }
        }
        if quote_total + source_total == 0.0 {
            return 0.0;
        }
        (2.0 * equal / (quote_total + source_total)) as f32
    }
}

/// English function words: they match everywhere, so they count little towards similarity.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "he", "her", "his", "i", "in", "is", "it", "its", "of", "on", "or", "our", "she",
    "that", "the", "their", "them", "they", "this", "to", "was", "we", "were", "which", "who",
    "will", "with", "would", "you",
];

fn weight(word: &str) -> f64 {
    if FUNCTION_WORDS.binary_search(&word).is_ok() {
        0.25
    } else {
        1.0
    }
}

#[derive(Clone, Copy)]
enum Back {
    Start,
    Diag,
    Up,
    Left,
    /// From row above at this column.
    Gap(u32),
}

/// Align `pattern` against `source` (normalised words). `None` if the pattern has no words.
pub fn align(pattern: &Pattern, source: &[&str]) -> Option<Alignment> {
    let pieces = &pattern.pieces;
    if pattern.word_count() == 0 {
        return None;
    }
    // Intern words so that comparisons are integer compares.
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let src: Vec<u32> = source
        .iter()
        .map(|w| {
            let n = ids.len() as u32;
            *ids.entry(w).or_insert(n)
        })
        .collect();
    let pat: Vec<Option<u32>> = pieces
        .iter()
        .map(|p| match p {
            Piece::Word { word, .. } => Some(ids.get(word.as_str()).copied().unwrap_or(u32::MAX)),
            Piece::Gap { .. } => None,
        })
        .collect();
    let m = pieces.len();
    let n = src.len();
    let width = n + 1;
    let mut cost = vec![0u32; width];
    let mut back = vec![Back::Start; (m + 1) * width];
    let mut prev = vec![0u32; width];
    for i in 1..=m {
        std::mem::swap(&mut prev, &mut cost);
        match (&pieces[i - 1], pat[i - 1]) {
            (Piece::Word { .. }, Some(w)) => {
                cost[0] = prev[0] + 1;
                back[i * width] = Back::Up;
                for j in 1..=n {
                    let diag = prev[j - 1] + u32::from(src[j - 1] != w);
                    let up = prev[j] + 1;
                    let left = cost[j - 1] + 1;
                    let (c, b) = if diag <= up && diag <= left {
                        (diag, Back::Diag)
                    } else if up <= left {
                        (up, Back::Up)
                    } else {
                        (left, Back::Left)
                    };
                    cost[j] = c;
                    back[i * width + j] = b;
                }
            }
            (Piece::Gap { max, .. }, _) => {
                // Sliding-window minimum of the row above over [j - max, j].
                let mut window: std::collections::VecDeque<usize> =
                    std::collections::VecDeque::new();
                for j in 0..=n {
                    while window.back().is_some_and(|&k| prev[k] >= prev[j]) {
                        window.pop_back();
                    }
                    window.push_back(j);
                    while window.front().is_some_and(|&k| k + max < j) {
                        window.pop_front();
                    }
                    let k = *window.front().expect("non-empty window");
                    cost[j] = prev[k];
                    back[i * width + j] = Back::Gap(k as u32);
                }
            }
            _ => unreachable!("pieces and ids agree"),
        }
    }
    // Best end column: lowest cost, then the shortest span (earliest end).
    let (end, &best) = cost.iter().enumerate().min_by_key(|(j, c)| (**c, *j))?;
    // Trace back.
    let mut steps = Vec::new();
    let (mut i, mut j) = (m, end);
    while i > 0 {
        match back[i * width + j] {
            Back::Diag => {
                let q = i - 1;
                if pat[q] == Some(src[j - 1]) {
                    steps.push(Step::Equal { q, s: j - 1 });
                } else {
                    steps.push(Step::Replace { q, s: j - 1 });
                }
                i -= 1;
                j -= 1;
            }
            Back::Up => {
                steps.push(Step::Insert { q: i - 1 });
                i -= 1;
            }
            Back::Left => {
                steps.push(Step::Delete { s: j - 1 });
                j -= 1;
            }
            Back::Gap(k) => {
                steps.push(Step::Gap {
                    piece: i - 1,
                    s: k as usize..j,
                });
                i -= 1;
                j = k as usize;
            }
            Back::Start => break,
        }
    }
    steps.reverse();
    let first = steps.iter().find_map(|s| match s {
        Step::Equal { s, .. } | Step::Replace { s, .. } | Step::Delete { s } => Some(*s),
        Step::Gap { s, .. } if !s.is_empty() => Some(s.start),
        _ => None,
    });
    let last = steps.iter().rev().find_map(|s| match s {
        Step::Equal { s, .. } | Step::Replace { s, .. } | Step::Delete { s } => Some(*s + 1),
        Step::Gap { s, .. } if !s.is_empty() => Some(s.end),
        _ => None,
    });
    let source = match (first, last) {
        (Some(a), Some(b)) => a..b,
        _ => j..j,
    };
    Some(Alignment {
        cost: best as usize,
        source,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(quote: &str, source: &str) -> (usize, Vec<String>) {
        let p = Pattern::parse(quote);
        let words: Vec<String> = crate::text::normalize::normalized_words(source)
            .into_iter()
            .map(|w| w.0)
            .collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let a = align(&p, &refs).unwrap();
        let covered = refs[a.source.clone()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        (a.cost, covered)
    }

    #[test]
    fn function_words_are_sorted_for_lookup() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn exact_quote_inside_source() {
        let (cost, covered) = run("the quick brown fox", "See: The quick brown fox jumps.");
        assert_eq!(cost, 0);
        assert_eq!(covered, ["the", "quick", "brown", "fox"]);
    }

    #[test]
    fn edits_cost_one_each() {
        assert_eq!(run("the quick red fox", "the quick brown fox").0, 1);
        assert_eq!(run("the quick fox", "the quick brown fox jumps").0, 1);
        assert_eq!(run("the very quick brown fox", "the quick brown fox").0, 1);
        assert_eq!(run("it is not true that", "it is true that").0, 1);
    }

    #[test]
    fn gaps_skip_source_words_for_free_within_their_limit() {
        assert_eq!(
            run("the quick ... fox jumps", "the quick brown lazy fox jumps").0,
            0
        );
        assert_eq!(run("[The animal] jumps over", "The fox jumps over").0, 0);
        assert_eq!(
            run(
                "said [the fox] jumps over",
                "said that the brown fox jumps over"
            )
            .0,
            0
        );
        // Insertions stand for a few words only.
        let long = format!("said {} jumps over", "x ".repeat(20));
        assert!(run("said [it] jumps over", &long).0 > 0);
    }
}
