//! The quotation-mark scanner: quotations between typographic or straight double marks
//! (`“…”`, `„…“`, `«…»`, `‹…›`, `"…"`) in a text, shared by the note scanner
//! (`quotes::extract`) and source attribution (`speakers::attribute`).
//!
//! Invariants: one left-to-right pass (a stack of open marks); returned ranges are inside the
//! text, at char boundaries, sorted by start; a quotation nested in one that closed is not
//! returned on its own (the outer one holds it); an opening mark that never closes yields
//! nothing. Single quotes are left alone (they are apostrophes too).

use std::ops::Range;

/// The quotation marks the scanner follows (single quotes, also apostrophes, are left alone).
const MARKS: [char; 8] = ['“', '”', '„', '«', '»', '‹', '›', '"'];

fn mark_index(c: char) -> Option<usize> {
    MARKS.iter().position(|&m| m == c)
}

/// The context of a mark: what is just before and after it.
struct Context {
    /// Nothing, a space or opening punctuation before.
    prev_open: bool,
    /// Nothing or a space before.
    prev_space: bool,
    /// Nothing or a space after.
    next_space: bool,
    /// The start of a word (not a space or closing punctuation) after.
    next_word: bool,
}

impl Context {
    fn at(text: &str, i: usize, after: usize) -> Context {
        let prev = text[..i].chars().next_back();
        let next = text[after..].chars().next();
        Context {
            prev_open: prev.is_none_or(|p| p.is_whitespace() || "([{<—–-/‚„«‹".contains(p)),
            prev_space: prev.is_none_or(char::is_whitespace),
            next_space: next.is_none_or(char::is_whitespace),
            next_word: next.is_some_and(|n| !n.is_whitespace() && !",.;:!?)]}".contains(n)),
        }
    }
}

/// Whether `c` closes a quotation opened with `open`.
fn closes(open: char, c: char, cx: &Context) -> bool {
    match (open, c) {
        ('“' | '„' | '”', '”') | ('«', '»') | ('‹', '›') => true,
        ('„', '“') | ('»', '«') | ('›', '‹') => !cx.prev_open,
        ('"', '"') => !cx.prev_space || cx.next_space,
        _ => false,
    }
}

/// Whether `c` opens a quotation (when it closes none). `open[m]`: how many quotations opened
/// with `MARKS[m]` are open.
fn opens(c: char, cx: &Context, open: &[usize; 8], nested: bool) -> bool {
    let none_open = |m: char| mark_index(m).is_none_or(|m| open[m] == 0);
    match c {
        // A mark that may close an open quotation of another convention opens only where a
        // quotation starts (after a space or opening punctuation).
        '“' => cx.prev_open || none_open('„'),
        '«' => cx.prev_open || none_open('»'),
        '‹' => cx.prev_open || none_open('›'),
        '„' => true,
        '»' => cx.next_word && (cx.prev_open || none_open('«')),
        '›' => cx.next_word && (cx.prev_open || none_open('‹')),
        '”' => cx.prev_open && cx.next_word,
        '"' => !cx.next_space && (!nested || cx.prev_space),
        _ => false,
    }
}

/// An opening mark on the scanner's stack.
struct Open {
    mark: char,
    /// Offset just after the mark.
    after: usize,
    /// Index in `openers`.
    id: usize,
}

/// Every opening mark met: the one it sits in, and whether it was closed.
struct Opener {
    parent: Option<usize>,
    closed: bool,
}

/// Quotations between quotation marks in `text`: the text inside the marks (spaces just
/// inside left out) and the offset just after the closing mark, sorted by start. Marks inside
/// `skip` (sorted, disjoint byte ranges: code spans) are not marks.
pub fn quotation_marks(text: &str, skip: &[Range<usize>]) -> Vec<(Range<usize>, usize)> {
    let mut stack: Vec<Open> = Vec::new();
    let mut openers: Vec<Opener> = Vec::new();
    let mut open = [0usize; 8];
    // (opener id, inside the marks, after the closing mark)
    let mut pairs: Vec<(usize, Range<usize>, usize)> = Vec::new();
    let mut spans = skip.iter().peekable();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Every mark is `"` or starts with 0xC2 (« ») or 0xE2 (the others).
        if !matches!(bytes[i], b'"' | 0xC2 | 0xE2) {
            i += 1;
            continue;
        }
        while spans.next_if(|s| s.end <= i).is_some() {}
        if let Some(s) = spans.peek().filter(|s| s.start <= i) {
            i = s.end;
            continue;
        }
        let c = text[i..].chars().next().expect("a char boundary");
        let after = i + c.len_utf8();
        let Some(m) = mark_index(c) else {
            i = after;
            continue;
        };
        let cx = Context::at(text, i, after);
        let closable = MARKS
            .iter()
            .zip(&open)
            .any(|(&o, &n)| n > 0 && closes(o, c, &cx));
        let closes_top = stack.last().is_some_and(|o| closes(o.mark, c, &cx));
        if !closes_top && opens(c, &cx, &open, !stack.is_empty()) {
            let id = openers.len();
            openers.push(Opener {
                parent: stack.last().map(|o| o.id),
                closed: false,
            });
            stack.push(Open { mark: c, after, id });
            open[m] += 1;
        } else if closable {
            // Openers above the one this mark closes never close.
            while let Some(o) = stack.pop() {
                let k = mark_index(o.mark).expect("a mark");
                open[k] -= 1;
                if closes(o.mark, c, &cx) {
                    openers[o.id].closed = true;
                    pairs.push((o.id, o.after..i, after));
                    break;
                }
            }
        }
        i = after;
    }
    // A pair is a quotation unless it sits in one that closed. Parents come before children.
    let mut free = vec![false; openers.len()];
    for id in 0..openers.len() {
        free[id] = !openers[id].closed && openers[id].parent.is_none_or(|p| free[p]);
    }
    let mut out: Vec<(Range<usize>, usize)> = pairs
        .into_iter()
        .filter(|(id, _, _)| openers[*id].parent.is_none_or(|p| free[p]))
        .map(|(_, r, after)| (trim_spaces(text, r), after))
        .collect();
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// `r` without the spaces at either end.
pub fn trim_spaces(text: &str, r: Range<usize>) -> Range<usize> {
    let inner = &text[r.clone()];
    let start = r.start + (inner.len() - inner.trim_start().len());
    let end = start + inner.trim().len();
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted<'a>(text: &'a str, skip: &[Range<usize>]) -> Vec<&'a str> {
        quotation_marks(text, skip)
            .into_iter()
            .map(|(r, after)| {
                assert!(after > r.end && after <= text.len());
                &text[r]
            })
            .collect()
    }

    #[test]
    fn finds_quotations_of_every_convention() {
        assert_eq!(
            quoted("“A b,” he said, “c d.” „E“ «f» \"g h\"", &[]),
            ["A b,", "c d.", "E", "f", "g h"]
        );
    }

    #[test]
    fn nested_and_unclosed_marks() {
        // The inner quotation belongs to the outer one.
        assert_eq!(
            quoted("“He said “no” twice.”", &[]),
            ["He said “no” twice."]
        );
        // An opening mark that never closes yields nothing.
        assert!(quoted("“never closed", &[]).is_empty());
    }

    #[test]
    fn skips_marks_in_code_spans() {
        let text = "x `“a”` “b”";
        let code = vec![2..9, 20..20];
        assert_eq!(quoted(text, &code), ["b"]);
    }
}
