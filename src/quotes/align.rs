//! Word-level alignment of a quote pattern against source words.
//!
//! Semi-global edit distance: the whole quote must be aligned, the source may start and end
//! anywhere. Each changed, dropped or added word costs 1; a gap in the pattern (omission or
//! editorial insertion) skips up to its maximum number of source words for free.
//!
//! Invariants: one alignment never takes more than [`MAX_ALIGN_BYTES`] (the traceback holds a
//! byte per cell of the pieces × source words matrix; past the budget [`align_until`] refuses
//! with [`AlignError::TooLarge`] before allocating, and the caller must not call the quote
//! verified or not found); and it looks at its [`CancelFlag`] once per row (one row is one
//! quote piece against every source word).

use super::pattern::{Pattern, Piece, MAX_OMITTED_WORDS};
use crate::cancel::CancelFlag;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::ops::Range;

/// Most bytes one alignment may allocate: 48 MiB. A quotation of
/// [`super::matcher::MAX_QUOTE_WORDS`] words against the longest region the local index
/// returns (46 passages of 100 words) takes about 23 MiB.
pub const MAX_ALIGN_BYTES: usize = 48 << 20;

/// Why an alignment was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignError {
    /// The flag was raised while aligning.
    Cancelled,
    /// The alignment would take `bytes`, more than [`MAX_ALIGN_BYTES`].
    TooLarge { bytes: usize },
}

/// Bytes an alignment of `pieces` pattern pieces (`gaps` of them gaps) against `source_words`
/// takes: a traceback byte per cell, two bytes per cell of a gap row (where the gap started),
/// and the rolling rows (eight of four bytes per column).
pub fn align_bytes(pieces: usize, gaps: usize, source_words: usize) -> usize {
    let width = source_words.saturating_add(1);
    pieces
        .saturating_add(gaps.saturating_mul(2))
        .saturating_add(8 * 4)
        .saturating_mul(width)
}

// A gap's start is stored as its distance from the cell's column, in 16 bits.
const _: () = assert!(MAX_OMITTED_WORDS <= u16::MAX as usize);

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
        self.similarity_dropping(pattern, source, 0.0)
    }

    /// [`Alignment::similarity`], counting `dropped` more source weight as missing from the
    /// quote (words an omission or insertion may not stand for).
    pub fn similarity_dropping(&self, pattern: &Pattern, source: &[&str], dropped: f64) -> f32 {
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
        source_total += dropped;
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

pub(crate) fn weight(word: &str) -> f64 {
    if FUNCTION_WORDS.binary_search(&word).is_ok() {
        0.25
    } else {
        1.0
    }
}

/// Cost of a changed or added quote word, and of the first source word of a dropped run.
pub const WORD_COST: u32 = 20;
/// Cost of each further source word of a dropped run: a parenthetical left out without an
/// ellipsis reads as one omission, not as a run of changed words.
pub const DROP_EXTEND_COST: u32 = 1;

const INF: u32 = u32::MAX / 4;

/// The three states of an affine-gap (Gotoh) alignment: the last step consumed a quote piece
/// and source words (`M`: a word pair or a pattern gap), only a source word (`D`, dropped) or
/// only a quote word (`I`, added).
const M: u8 = 0;
const D: u8 = 1;
const I: u8 = 2;

/// The cheapest of the three states of a cell, and which.
fn best_of(m: u32, d: u32, i: u32) -> (u32, u8) {
    if m <= d && m <= i {
        (m, M)
    } else if d <= i {
        (d, D)
    } else {
        (i, I)
    }
}

/// Whether the quote's last words, replaced up to cell (`i`, `j`) in state M, follow a
/// matched word directly: one or two changed last words, rather than words the quote adds or
/// a whole stretch paired with unrelated words.
fn replaced_after_match(
    back: &[u8],
    width: usize,
    pat: &[Option<u32>],
    src: &[u32],
    mut i: usize,
    mut j: usize,
) -> bool {
    let mut state = M;
    for _ in 0..3 {
        if i == 0 || j == 0 || state != M || pat[i - 1].is_none() {
            return false;
        }
        if pat[i - 1] == Some(src[j - 1]) {
            return true;
        }
        state = back[i * width + j] & 3;
        i -= 1;
        j -= 1;
    }
    false
}

/// Align `pattern` against `source` (normalised words). `None` if the pattern has no words
/// or the alignment would take more than [`MAX_ALIGN_BYTES`] (see [`align_until`]).
pub fn align(pattern: &Pattern, source: &[&str]) -> Option<Alignment> {
    align_until(pattern, source, &CancelFlag::new())
        .ok()
        .flatten()
}

/// Align `pattern` against `source` (normalised words) unless `cancel` is raised meanwhile.
/// `Ok(None)` if the pattern has no words.
///
/// Costs: [`WORD_COST`] for a changed or added word and for starting a run of dropped source
/// words, [`DROP_EXTEND_COST`] for each further dropped word, nothing for a pattern gap
/// skipping up to its maximum. The alignment is semi-global: the source may start and end
/// anywhere. `cost` is 0 exactly when every quote word matches.
pub fn align_until(
    pattern: &Pattern,
    source: &[&str],
    cancel: &CancelFlag,
) -> Result<Option<Alignment>, AlignError> {
    let pieces = &pattern.pieces;
    if pattern.word_count() == 0 {
        return Ok(None);
    }
    let gaps = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Gap { .. }))
        .count();
    let bytes = align_bytes(pieces.len(), gaps, source.len());
    if bytes > MAX_ALIGN_BYTES {
        return Err(AlignError::TooLarge { bytes });
    }
    // Intern words so that comparisons are integer compares.
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
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
    // Rolling rows of the three states; back pointers for every cell: for each state, the
    // state it came from (two bits each), and for gap rows where the gap started.
    let (mut cm, mut cd, mut ci) = (vec![0u32; width], vec![INF; width], vec![INF; width]);
    let (mut pm, mut pd, mut pi) = (vec![0u32; width], vec![INF; width], vec![INF; width]);
    let (mut pb, mut pf) = (vec![0u32; width], vec![0u8; width]);
    let mut back = vec![0u8; (m + 1) * width];
    // For each gap row, how many source words the gap skipped to reach each column.
    let mut gap_start: HashMap<usize, Vec<u16>> = HashMap::new();
    for i in 1..=m {
        if cancel.is_cancelled() {
            return Err(AlignError::Cancelled);
        }
        std::mem::swap(&mut pm, &mut cm);
        std::mem::swap(&mut pd, &mut cd);
        std::mem::swap(&mut pi, &mut ci);
        let row = i * width;
        match pat[i - 1] {
            Some(w) => {
                // The best state of each cell of the row above, once per column: it is both
                // the cell above (an added word) and the diagonal (a word pair) of the next.
                // These passes have no dependency along the row and vectorise; only the
                // dropped-word state runs from left to right.
                for j in 0..=n {
                    let (m0, d0, i0) = (pm[j], pd[j], pi[j]);
                    let c = m0.min(d0).min(i0);
                    pb[j] = c;
                    pf[j] = if m0 == c {
                        M
                    } else if d0 == c {
                        D
                    } else {
                        I
                    };
                    ci[j] = c + WORD_COST;
                }
                cm[0] = INF;
                for j in 1..=n {
                    cm[j] = pb[j - 1] + WORD_COST * u32::from(src[j - 1] != w);
                }
                cd[0] = INF;
                back[row] = pf[0] << 4;
                for j in 1..=n {
                    let open = cm[j - 1].min(ci[j - 1]) + WORD_COST;
                    let extend = cd[j - 1] + DROP_EXTEND_COST;
                    let left_from = if extend < open {
                        D
                    } else if cm[j - 1] <= ci[j - 1] {
                        M
                    } else {
                        I
                    };
                    cd[j] = open.min(extend);
                    back[row + j] = (pf[j] << 4) | (left_from << 2) | pf[j - 1];
                }
            }
            None => {
                let Piece::Gap { max, .. } = pieces[i - 1] else {
                    unreachable!("pieces and ids agree")
                };
                // Pattern gaps skip at most MAX_OMITTED_WORDS; the distance is kept in 16 bits.
                let max = max.min(usize::from(u16::MAX));
                // Sliding-window minimum of the row above over [j - max, j].
                let prev = |k: usize| best_of(pm[k], pd[k], pi[k]);
                let mut window: std::collections::VecDeque<usize> =
                    std::collections::VecDeque::new();
                let mut skipped = vec![0u16; width];
                for j in 0..=n {
                    while window.back().is_some_and(|&k| prev(k).0 >= prev(j).0) {
                        window.pop_back();
                    }
                    window.push_back(j);
                    while window.front().is_some_and(|&k| k + max < j) {
                        window.pop_front();
                    }
                    let k = *window.front().expect("non-empty window");
                    let (c, from) = prev(k);
                    cm[j] = c;
                    // At most `max` words, which fits in 16 bits.
                    skipped[j] = (j - k) as u16;
                    ci[j] = INF;
                    let mut b = from;
                    if j == 0 {
                        cd[j] = INF;
                    } else {
                        // Source words dropped right after a bracket extend it: the
                        // bracket stands for more words than it may (one difference).
                        let (left, left_from) = best_of(
                            cm[j - 1] + DROP_EXTEND_COST,
                            cd[j - 1] + DROP_EXTEND_COST,
                            INF,
                        );
                        cd[j] = left;
                        b |= left_from << 2;
                    }
                    back[row + j] = b;
                }
                gap_start.insert(i, skipped);
            }
        }
    }
    // Best end column: lowest cost; among equals, one where the last quote word stands on a
    // source word (a changed last word is a replacement, not an addition), then one where it
    // is the same word (`… will retreat` against `… will not retreat` drops "not" rather than
    // changing "not" into "retreat" at the same cost), then the shortest span.
    let last_word = pat[m - 1];
    let (end, best, mut state) = (0..=n)
        .map(|j| {
            let (c, s) = best_of(cm[j], cd[j], ci[j]);
            (j, c, s)
        })
        .min_by_key(|&(j, c, s)| {
            let equal = j > 0 && last_word == Some(src[j - 1]);
            // Replacements after added words pair unrelated words: no better than adding.
            let paired = s == M && (equal || replaced_after_match(&back, width, &pat, &src, m, j));
            (c, !paired, !equal, j)
        })
        .expect("a row has at least one column");
    // Trace back.
    let mut steps = Vec::new();
    let (mut i, mut j) = (m, end);
    while i > 0 {
        let b = back[i * width + j];
        match state {
            M => match gap_start.get(&i) {
                Some(skipped) => {
                    let k = j - usize::from(skipped[j]);
                    steps.push(Step::Gap {
                        piece: i - 1,
                        s: k..j,
                    });
                    state = b & 3;
                    i -= 1;
                    j = k;
                }
                None => {
                    let q = i - 1;
                    if pat[q] == Some(src[j - 1]) {
                        steps.push(Step::Equal { q, s: j - 1 });
                    } else {
                        steps.push(Step::Replace { q, s: j - 1 });
                    }
                    state = b & 3;
                    i -= 1;
                    j -= 1;
                }
            },
            D => {
                steps.push(Step::Delete { s: j - 1 });
                state = (b >> 2) & 3;
                j -= 1;
            }
            _ => {
                steps.push(Step::Insert { q: i - 1 });
                state = (b >> 4) & 3;
                i -= 1;
            }
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
    Ok(Some(Alignment {
        cost: best as usize,
        source,
        steps,
    }))
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
    fn a_raised_flag_stops_the_alignment() {
        let p = Pattern::parse("the quick red fox");
        let cancel = CancelFlag::new();
        cancel.cancel();
        assert_eq!(
            align_until(&p, &["the", "quick", "brown", "fox"], &cancel),
            Err(AlignError::Cancelled)
        );
    }

    #[test]
    fn an_alignment_past_the_budget_is_refused_before_it_allocates() {
        let p = Pattern::parse(&"word ".repeat(2_000));
        let source = vec!["word"; MAX_ALIGN_BYTES / 2_000];
        let bytes = align_bytes(2_000, 0, source.len());
        assert!(bytes > MAX_ALIGN_BYTES);
        assert_eq!(
            align_until(&p, &source, &CancelFlag::new()),
            Err(AlignError::TooLarge { bytes })
        );
        assert_eq!(align(&p, &source), None);
        // Within the budget it aligns.
        assert_eq!(align(&p, &source[..5_000]).map(|a| a.cost), Some(0));
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
        let word = WORD_COST as usize;
        assert_eq!(run("the quick red fox", "the quick brown fox").0, word);
        assert_eq!(run("the quick fox", "the quick brown fox jumps").0, word);
        assert_eq!(
            run("the very quick brown fox", "the quick brown fox").0,
            word
        );
        assert_eq!(run("it is not true that", "it is true that").0, word);
    }

    #[test]
    fn a_run_of_dropped_words_costs_less_than_as_many_changes() {
        let (cost, covered) = run(
            "The minister said the talks had failed",
            "The minister, speaking after a long late session, said the talks had failed.",
        );
        let extend = DROP_EXTEND_COST as usize;
        assert_eq!(cost, WORD_COST as usize + 5 * extend);
        assert_eq!(covered.first().map(String::as_str), Some("the"));
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
