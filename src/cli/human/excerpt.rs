//! The lines of a note that hold a quotation (or citation), each windowed to the terminal
//! width, with the byte range of the quoted part in the excerpt: what the snippet under a
//! finding's title shows and marks.
//!
//! Invariants: the excerpt has one line per note line from `line` to `end_line` (so the
//! snippet's line numbers are the note's); the span starts at the quotation's first
//! character on the first line and ends just past its last one on the last line, whatever
//! the windows cut. Positions are 1-based, columns in characters, as in the report.

use super::window::window;
use std::ops::Range;

/// The note lines of a quotation, ready for a snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The windowed lines, joined by `\n`.
    pub source: String,
    /// 1-based number of the first line.
    pub line_start: usize,
    /// Byte range of the quoted part in `source`.
    pub span: Range<usize>,
}

/// Where a quotation is in its note: `line:column` to `end_line:end_column`, 1-based,
/// columns in characters, the end just past the last character.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The lines of `note` at `place`, each at most `budget` characters; `None` when the note
/// has no such lines (it changed since the check).
pub fn excerpt(note: &str, place: Place, budget: usize) -> Option<Excerpt> {
    let first = place.line.checked_sub(1)?;
    let last = place.end_line.checked_sub(1)?.max(first);
    let lines: Vec<&str> = note
        .split('\n')
        .skip(first)
        .take(last - first + 1)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.len() != last - first + 1 {
        return None;
    }
    let start_col = place.column.saturating_sub(1);
    let end_col = place.end_column.saturating_sub(1);
    let mut source = String::new();
    let mut span = 0..0;
    for (i, line) in lines.iter().enumerate() {
        let n = line.chars().count();
        let keep = match (i == 0, i == lines.len() - 1) {
            (true, true) => start_col..end_col,
            (true, false) => start_col..n,
            (false, true) => 0..end_col,
            (false, false) => 0..n,
        };
        if i > 0 {
            source.push('\n');
        }
        let w = window(line, keep, budget);
        if i == 0 {
            span.start = source.len() + w.span.start;
        }
        if i == lines.len() - 1 {
            span.end = source.len() + w.span.end;
        }
        source.push_str(&w.text);
    }
    Some(Excerpt {
        source,
        line_start: place.line,
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize, end_line: usize, end_column: usize) -> Place {
        Place {
            line,
            column,
            end_line,
            end_column,
        }
    }

    #[test]
    fn one_line_quotation_in_multibyte_text() {
        let note = "# T\n\nÉlise said “the café is open” [@x].\n";
        let e = excerpt(note, at(3, 13, 3, 29), 80).unwrap();
        assert_eq!(e.line_start, 3);
        assert_eq!(&e.source[e.span.clone()], "the café is open");
    }

    #[test]
    fn a_quotation_over_two_lines_spans_from_its_start_to_its_end() {
        let note = "said “the café\nis open” [@x]\r\n";
        let e = excerpt(note, at(1, 7, 2, 8), 80).unwrap();
        assert_eq!(e.source, "said “the café\nis open” [@x]");
        assert_eq!(&e.source[e.span.clone()], "the café\nis open");
    }

    #[test]
    fn a_long_line_is_windowed_and_the_span_follows() {
        let filler = "mot ".repeat(40);
        let note = format!("{filler}“élan vital” {filler}\n");
        let col = filler.chars().count() + 2;
        let e = excerpt(&note, at(1, col, 1, col + 10), 40).unwrap();
        assert!(e.source.chars().count() <= 40, "{}", e.source);
        assert!(e.source.starts_with("… mot"), "{}", e.source);
        assert_eq!(&e.source[e.span.clone()], "élan vital");
    }

    #[test]
    fn lines_the_note_no_longer_has_give_nothing() {
        assert_eq!(excerpt("one line\n", at(5, 1, 5, 3), 80), None);
        assert_eq!(excerpt("one line\n", at(0, 1, 0, 3), 80), None);
    }
}
