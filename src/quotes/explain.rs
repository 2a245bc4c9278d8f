//! What an alignment means: its steps grouped into runs, each run named when its words alone
//! do not say what happened.
//!
//! - An omission mark whose skipped words take a negation, number, condition or hedge out of a
//!   sentence the quotation keeps part of changes the meaning ([`super::meaning`]): the match is
//!   not verified, whatever the word cost.
//! - A bracket that stands for such a word without saying it, or that adds a negation, likewise;
//!   a bracket standing for more source words than an insertion may is named as such.
//! - Source words dropped without a mark are an unmarked omission.
//! - Quote words that the source has elsewhere are joined from another place, or reordered.

use super::align::{Alignment, Step};
use super::meaning::{self, Weight};
use super::pattern::{GapKind, Pattern, Piece, MAX_INSERTION_WORDS};
use super::verdict::{Finding, FindingKind, Op};
use crate::text::{normalize, words};
use std::ops::Range;

/// A source passage as the matcher sees it: its text, its normalised words and where each
/// word is in the text.
pub struct SourceWords<'a> {
    pub text: &'a str,
    pub words: &'a [&'a str],
    pub visible: &'a [Range<usize>],
    /// `breaks[i]`: a sentence (or paragraph) ends after word `i`.
    pub breaks: &'a [bool],
}

/// What kind of run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Equal,
    Replace,
    Delete,
    Insert,
    /// An omission or insertion mark (pattern piece) and the source words it stands for.
    Gap(GapKind),
}

/// Consecutive alignment steps of one kind.
#[derive(Debug, Clone)]
pub struct Run {
    pub kind: RunKind,
    /// Pattern piece indexes (words, or the gap's piece).
    pub pieces: Option<Range<usize>>,
    /// Source word indexes.
    pub source: Option<Range<usize>>,
    /// What this run really is, when its words do not say it.
    pub why: Option<(FindingKind, String)>,
    /// Source words that make this run change the meaning (for a gap: the words it drops).
    pub weighty: Vec<usize>,
}

impl Run {
    /// The diff op this run shows as.
    pub fn op(&self) -> Op {
        match self.kind {
            RunKind::Equal => Op::Equal,
            RunKind::Replace | RunKind::Gap(_) => Op::Replace,
            RunKind::Delete => Op::Delete,
            RunKind::Insert => Op::Insert,
        }
    }

    /// How many source words the run covers.
    pub fn source_len(&self) -> usize {
        self.source.as_ref().map_or(0, |s| s.len())
    }

    /// Whether this run makes the match differ from its source (a gap only when it changes the
    /// meaning or stands for too much).
    pub fn differs(&self) -> bool {
        match self.kind {
            RunKind::Equal => false,
            RunKind::Gap(_) => self.why.is_some(),
            _ => true,
        }
    }
}

/// An alignment explained.
#[derive(Debug, Clone, Default)]
pub struct Explained {
    pub runs: Vec<Run>,
    /// Source word weight (as in similarity) of the words that gaps drop against the rules.
    pub dropped_weight: f64,
}

impl Explained {
    /// Whether any run changes the meaning although the word cost may be nil.
    pub fn changes_meaning(&self) -> bool {
        self.runs
            .iter()
            .any(|r| matches!(r.kind, RunKind::Gap(_)) && r.why.is_some())
    }

    /// Every word of the quotation stands in the source, in order: only source words are
    /// missing (marked or not). Such a match is a mismatch however many words are missing.
    pub fn complete(&self) -> bool {
        !self
            .runs
            .iter()
            .any(|r| matches!(r.kind, RunKind::Replace | RunKind::Insert))
    }
}

/// Explain `a`, an alignment of `pattern` in `src`, as far as the verdict needs: runs, gaps
/// that change the meaning, unmarked omissions. [`Explained::finish`] adds what only a
/// reported match needs.
pub fn explain(pattern: &Pattern, a: &Alignment, src: &SourceWords) -> Explained {
    let mut runs = group(&a.steps, pattern);
    merge_long_insertions(&mut runs);
    let mut dropped_weight = 0.0;
    for i in 0..runs.len() {
        let why = match runs[i].kind {
            RunKind::Gap(GapKind::Omission) => omission(&mut runs[i], src),
            RunKind::Gap(GapKind::Insertion) => insertion(&mut runs[i], pattern, src),
            RunKind::Delete if i > 0 && i + 1 < runs.len() => {
                let s = runs[i].source.clone().expect("delete has source words");
                // Across a sentence end, the words after the cut come from another sentence.
                if (s.start.saturating_sub(1)..s.end).any(|k| src.breaks[k]) {
                    Some(joined(s.len()))
                } else {
                    Some((FindingKind::UnmarkedOmission, unmarked(src, s)))
                }
            }
            _ => None,
        };
        if runs[i].why.is_none() {
            runs[i].why = why;
        }
        if matches!(runs[i].kind, RunKind::Gap(_)) {
            dropped_weight += runs[i]
                .weighty
                .iter()
                .map(|&s| super::align::weight(src.words[s]))
                .sum::<f64>();
        }
    }
    Explained {
        runs,
        dropped_weight,
    }
}

impl Explained {
    /// Name joined and reordered words, and list the findings (with their ranges in the
    /// quotation text).
    pub fn finish(&mut self, pattern: &Pattern, a: &Alignment, src: &SourceWords) -> Vec<Finding> {
        relocate_insertions(&mut self.runs, pattern, a, src);
        self.runs
            .iter()
            .filter_map(|r| {
                let (kind, message) = r.why.clone()?;
                let note_range = r.pieces.clone().map_or(0..0, |p| {
                    piece_range(pattern, p.start).start..piece_range(pattern, p.end - 1).end
                });
                Some(Finding {
                    kind,
                    message,
                    note_range,
                })
            })
            .collect()
    }
}

pub fn piece_range(pattern: &Pattern, piece: usize) -> Range<usize> {
    match &pattern.pieces[piece] {
        Piece::Word { range, .. } | Piece::Gap { range, .. } => range.clone(),
    }
}

fn extend(r: &mut Option<Range<usize>>, i: Option<usize>) {
    if let Some(i) = i {
        *r = Some(match r.take() {
            Some(r) => r.start..i + 1,
            None => i..i + 1,
        });
    }
}

/// Steps grouped into runs of one kind; every gap is a run of its own.
fn group(steps: &[Step], pattern: &Pattern) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for step in steps {
        let (kind, q, s) = match step {
            Step::Equal { q, s } => (RunKind::Equal, Some(*q), Some(*s)),
            Step::Replace { q, s } => (RunKind::Replace, Some(*q), Some(*s)),
            Step::Delete { s } => (RunKind::Delete, None, Some(*s)),
            Step::Insert { q } => (RunKind::Insert, Some(*q), None),
            Step::Gap { piece, s } => {
                let kind = match &pattern.pieces[*piece] {
                    Piece::Gap { kind, .. } => *kind,
                    Piece::Word { .. } => GapKind::Omission,
                };
                runs.push(Run {
                    kind: RunKind::Gap(kind),
                    pieces: Some(*piece..piece + 1),
                    source: Some(s.clone()),
                    why: None,
                    weighty: Vec::new(),
                });
                continue;
            }
        };
        match runs.last_mut() {
            Some(last) if last.kind == kind => {
                extend(&mut last.pieces, q);
                extend(&mut last.source, s);
            }
            _ => {
                let mut run = Run {
                    kind,
                    pieces: None,
                    source: None,
                    why: None,
                    weighty: Vec::new(),
                };
                extend(&mut run.pieces, q);
                extend(&mut run.source, s);
                runs.push(run);
            }
        }
    }
    runs
}

/// A bracket next to dropped source words stands for all of them: more than an insertion may
/// (the aligner lets it stand for its maximum and drops the rest).
fn merge_long_insertions(runs: &mut Vec<Run>) {
    let mut i = 0;
    while i < runs.len() {
        if runs[i].kind == RunKind::Gap(GapKind::Insertion) {
            for j in [i + 1, i.wrapping_sub(1)] {
                if runs.get(j).is_some_and(|r| r.kind == RunKind::Delete) {
                    let d = runs[j].source.clone().expect("delete has source words");
                    let g = runs[i].source.clone().unwrap_or(d.start..d.start);
                    runs[i].source = Some(g.start.min(d.start)..g.end.max(d.end));
                    runs.remove(j);
                    if j < i {
                        i -= 1;
                    }
                }
            }
        }
        i += 1;
    }
}

/// `‘a’, ‘b’ and ‘c’`.
fn quoted_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|w| format!("‘{w}’")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// The source words `s` as written (at most a few, for messages).
fn written(src: &SourceWords, s: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &i in s {
        let w = src.text[src.visible[i].clone()].to_string();
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out.truncate(3);
    out
}

/// An omission: the words it skips that belong to a sentence the quotation keeps part of
/// must not carry the meaning.
fn omission(run: &mut Run, src: &SourceWords) -> Option<(FindingKind, String)> {
    let s = run.source.clone()?;
    if s.is_empty() {
        return None;
    }
    // Skipped words up to the end of the sentence the kept words before the gap are in, and
    // from the start of the sentence the kept words after it are in.
    let mut kept_sentence = Vec::new();
    let mut i = s.start;
    // The word before the gap ends its sentence: nothing of that sentence is skipped.
    let first_open = s.start == 0 || !src.breaks[s.start - 1];
    if first_open {
        while i < s.end {
            kept_sentence.push(i);
            if src.breaks[i] {
                break;
            }
            i += 1;
        }
    }
    let mut j = s.end;
    while j > s.start && !src.breaks[j - 1] {
        j -= 1;
        if !kept_sentence.contains(&j) {
            kept_sentence.push(j);
        }
    }
    kept_sentence.sort_unstable();
    let weighty: Vec<usize> = kept_sentence
        .into_iter()
        .filter(|&w| meaning::weight(src.words[w]).is_some())
        .collect();
    if weighty.is_empty() {
        return None;
    }
    let message = format!(
        "the omission drops {}",
        quoted_list(&written(src, &weighty))
    );
    run.weighty = weighty;
    Some((FindingKind::OmissionChangesMeaning, message))
}

/// An editorial insertion: it may not stand for more source words than an insertion may, nor
/// for a negation, number, condition or hedge it does not say, nor add a negation.
fn insertion(run: &mut Run, pattern: &Pattern, src: &SourceWords) -> Option<(FindingKind, String)> {
    let s = run.source.clone()?;
    let Piece::Gap { text: marker, .. } = &pattern.pieces[run.pieces.clone()?.start] else {
        return None;
    };
    let said: Vec<String> = {
        let n = normalize(marker);
        words(&n.text).map(|r| n.text[r].to_string()).collect()
    };
    let says = |w: &str| said.iter().any(|x| x == w);
    let says_negation = said
        .iter()
        .any(|w| meaning::weight(w) == Some(Weight::Negation));
    let weighty: Vec<usize> = s
        .clone()
        .filter(|&i| match meaning::weight(src.words[i]) {
            Some(Weight::Negation) => !says_negation,
            Some(_) => !says(src.words[i]),
            None => false,
        })
        .collect();
    if s.len() > MAX_INSERTION_WORDS {
        run.weighty = weighty;
        return Some((
            FindingKind::InsertionTooLong,
            format!(
                "{marker} stands for {} source words (an insertion may stand for at most {MAX_INSERTION_WORDS})",
                s.len()
            ),
        ));
    }
    if !weighty.is_empty() {
        let message = format!(
            "{marker} stands for {}",
            quoted_list(&written(src, &weighty))
        );
        run.weighty = weighty;
        return Some((FindingKind::InsertionChangesMeaning, message));
    }
    let source_negation = s
        .clone()
        .any(|i| meaning::weight(src.words[i]) == Some(Weight::Negation));
    if says_negation && !source_negation {
        return Some((
            FindingKind::InsertionChangesMeaning,
            format!("{marker} adds a negation the source does not have"),
        ));
    }
    None
}

/// Words from two places `apart` source words apart, glued without a mark.
fn joined(apart: usize) -> (FindingKind, String) {
    (
        FindingKind::Joined,
        format!("joined from two places {apart} words apart without a mark"),
    )
}

fn unmarked(src: &SourceWords, s: Range<usize>) -> String {
    if s.len() <= 2 {
        let ws: Vec<String> = s
            .map(|i| src.text[src.visible[i].clone()].to_string())
            .collect();
        format!("{} omitted without an ellipsis", quoted_list(&ws))
    } else {
        format!("{} words omitted without an ellipsis", s.len())
    }
}

/// Quote words the alignment could not place (inserted) that the source has word for word
/// elsewhere in the passage: joined from another place, or reordered.
fn relocate_insertions(runs: &mut [Run], pattern: &Pattern, a: &Alignment, src: &SourceWords) {
    let qword = |p: usize| match &pattern.pieces[p] {
        Piece::Word { word, .. } => word.as_str(),
        Piece::Gap { .. } => "",
    };
    for i in 0..runs.len() {
        if runs[i].kind != RunKind::Insert {
            continue;
        }
        let Some(p) = runs[i].pieces.clone() else {
            continue;
        };
        let needle: Vec<&str> = p.clone().map(qword).collect();
        if needle.len() < 2 {
            continue;
        }
        // Where the neighbouring kept words are in the source.
        let before = runs[..i]
            .iter()
            .rev()
            .find_map(|r| r.source.as_ref().filter(|s| !s.is_empty()).map(|s| s.end));
        let after = runs[i + 1..]
            .iter()
            .find_map(|r| r.source.as_ref().filter(|s| !s.is_empty()).map(|s| s.start));
        let anchor = before.or(after).unwrap_or(a.source.start);
        let found = (0..src.words.len().saturating_sub(needle.len() - 1))
            .filter(|&k| src.words[k..k + needle.len()] == needle[..])
            .min_by_key(|&k| k.abs_diff(anchor));
        let Some(k) = found else { continue };
        let at = k..k + needle.len();
        let inside = at.start < a.source.end && a.source.start < at.end;
        let near = at.end + 3 >= a.source.start && at.start <= a.source.end + 3;
        if inside || near {
            let words = format!("‘{}’", src.text[span(src, &at)].trim());
            let message = match before {
                Some(b) if at.start >= b => {
                    format!("{words} comes later in the source (reordered)")
                }
                _ => format!("{words} comes earlier in the source (reordered)"),
            };
            runs[i].why = Some((FindingKind::Reordered, message.clone()));
            // The same words dropped where they stand in the source: the other half of the move.
            for r in runs.iter_mut() {
                if r.kind == RunKind::Delete && r.source.as_ref() == Some(&at) {
                    r.why = Some((FindingKind::Reordered, message.clone()));
                }
            }
        } else {
            let apart = if at.start >= a.source.end {
                at.start - before.unwrap_or(a.source.end).min(at.start)
            } else {
                after.unwrap_or(a.source.start).saturating_sub(at.end)
            };
            runs[i].why = Some(joined(apart));
        }
    }
}

/// The visible text of source words `s`.
pub fn span(src: &SourceWords, s: &Range<usize>) -> Range<usize> {
    src.visible[s.start].start..src.visible[s.end - 1].end
}
