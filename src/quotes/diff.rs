//! From explained runs to what a person reads: the word diff, and the quotation rewritten
//! with the source's wording (as edits of the quotation text, so that a front end can apply
//! them to the note's own bytes and keep its line breaks).

use super::explain::{piece_range, span, Explained, RunKind, SourceWords};
use super::pattern::Pattern;
use super::verdict::DiffOp;
use std::ops::Range;

/// The source's words `s` as one line (line breaks and odd spaces read as single spaces).
fn source_words(src: &SourceWords, s: &Range<usize>) -> String {
    one_line(&src.text[span(src, s)])
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The word diff: one op per run, gaps only where they change the meaning.
pub fn diff(quote: &str, pattern: &Pattern, ex: &Explained, src: &SourceWords) -> Vec<DiffOp> {
    let mut out = Vec::new();
    for run in &ex.runs {
        let note_range = match (&run.kind, &run.pieces) {
            (RunKind::Delete, _) | (_, None) => 0..0,
            (_, Some(p)) => {
                piece_range(pattern, p.start).start..piece_range(pattern, p.end - 1).end
            }
        };
        let source = match (&run.kind, &run.source) {
            (RunKind::Insert, _) | (_, None) => String::new(),
            (RunKind::Gap(_), Some(_)) if !run.weighty.is_empty() && run.source_len() > 12 => {
                // A long cut: show the words that matter, not all it skips.
                run.weighty
                    .iter()
                    .map(|&i| src.text[src.visible[i].clone()].to_string())
                    .collect::<Vec<_>>()
                    .join(" … ")
            }
            (_, Some(s)) if s.is_empty() => String::new(),
            (_, Some(s)) => source_words(src, s),
        };
        match run.kind {
            RunKind::Gap(_) if !run.differs() => continue,
            _ => {}
        }
        out.push(DiffOp {
            op: run.op(),
            note: quote[note_range.clone()].to_string(),
            source,
            note_range,
            why: run.why.as_ref().map(|w| w.1.clone()),
        });
    }
    out
}

/// The edits that turn the quotation into the source's wording: changed words replaced, added
/// words removed, dropped words put back, and marks that change the meaning written out.
/// Ranges are byte ranges of the quotation text, in order, not overlapping.
pub fn edits(
    quote: &str,
    pattern: &Pattern,
    ex: &Explained,
    src: &SourceWords,
) -> Vec<(Range<usize>, String)> {
    let mut out: Vec<(Range<usize>, String)> = Vec::new();
    // The end of the last quotation piece kept so far (where dropped words go back in).
    let mut last_end: Option<usize> = None;
    let runs = &ex.runs;
    for (i, run) in runs.iter().enumerate() {
        let note = run
            .pieces
            .as_ref()
            .map(|p| piece_range(pattern, p.start).start..piece_range(pattern, p.end - 1).end);
        match run.kind {
            RunKind::Equal => {}
            RunKind::Gap(_) if !run.differs() => {}
            RunKind::Replace | RunKind::Gap(_) => {
                let (Some(r), Some(s)) = (note.clone(), &run.source) else {
                    continue;
                };
                if s.is_empty() {
                    // A bracket that adds a negation, standing for nothing: remove it.
                    out.push((widen_to_space(quote, r), String::new()));
                } else {
                    out.push((r, source_words(src, s)));
                }
            }
            RunKind::Delete => {
                let Some(s) = &run.source else { continue };
                let words = source_words(src, s);
                match last_end {
                    Some(at) => out.push((at..at, format!(" {words}"))),
                    None => {
                        let next = runs[i + 1..]
                            .iter()
                            .find_map(|r| r.pieces.as_ref())
                            .map_or(quote.len(), |p| piece_range(pattern, p.start).start);
                        out.push((next..next, format!("{words} ")));
                    }
                }
            }
            RunKind::Insert => {
                let Some(r) = note.clone() else { continue };
                out.push((widen_to_space(quote, r), String::new()));
            }
        }
        if let Some(r) = note {
            last_end = Some(r.end);
        }
    }
    out.sort_by_key(|e| (e.0.start, e.0.end));
    out
}

/// A range widened by the spaces before it (or, at the start, after it), so that removing it
/// leaves one space; never across a line break, which belongs to the note's layout.
fn widen_to_space(quote: &str, r: Range<usize>) -> Range<usize> {
    let before = quote[..r.start].len() - quote[..r.start].trim_end_matches([' ', '\t']).len();
    if before > 0 && r.start > before {
        return r.start - before..r.end;
    }
    let after = quote[r.end..].len() - quote[r.end..].trim_start_matches([' ', '\t']).len();
    r.start..r.end + after
}

/// Apply `edits` (as [`edits`] makes them) to `text`.
pub fn apply(text: &str, edits: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, with) in edits {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(with);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}
