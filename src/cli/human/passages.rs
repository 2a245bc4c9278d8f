//! The words of the `= diff:` and `= source:` notes: the word diff (`[-source-]{+note+}`,
//! red and green on a terminal) and the source's passage (the matched words bold).
//!
//! Invariants: every changed word of a diff is shown; only equal words far from any change
//! are left out, each run of them replaced by one `…`. A passage shows every matched word
//! when there are at most [`MATCH_WORDS`], and at most [`AROUND`] words either side.

use super::wrap::Word;
use crate::quotes::verdict::{DiffOp, Op};

/// Red: the source's words the note dropped or replaced.
pub const DELETED: &str = "31";
/// Green: the note's own words.
pub const INSERTED: &str = "32";
/// Bold: the matched words of a source's passage.
pub const MATCHED: &str = "1";

/// Equal words kept either side of a change in a shortened diff.
const DIFF_CONTEXT: usize = 3;
/// Words of a passage shown before and after the matched words.
const AROUND: usize = 12;
/// Matched words shown whole; more are shown as their first and last halves.
const MATCH_WORDS: usize = 40;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Equal,
    Changed,
}

/// `words` marked `[-` … `-]` (or `{+` … `+}`) as one run, each word painted `style`.
fn run(text: &str, open: &str, close: &str, style: &'static str, out: &mut Vec<(Word, Side)>) {
    let ws: Vec<&str> = text.split_whitespace().collect();
    let last = ws.len().saturating_sub(1);
    for (i, w) in ws.iter().enumerate() {
        let mut t = String::new();
        if i == 0 {
            t.push_str(open);
        }
        t.push_str(w);
        if i == last {
            t.push_str(close);
        }
        out.push((Word::styled(t, style), Side::Changed));
    }
}

fn diff_tokens(diff: &[DiffOp]) -> Vec<(Word, Side)> {
    let mut out = Vec::new();
    for d in diff {
        match d.op {
            Op::Equal => out.extend(
                d.note
                    .split_whitespace()
                    .map(|w| (Word::plain(w), Side::Equal)),
            ),
            Op::Replace => {
                run(&d.source, "[-", "-]", DELETED, &mut out);
                let glue = out.len();
                run(&d.note, "{+", "+}", INSERTED, &mut out);
                // `[-source-]{+note+}`, as one word.
                if glue > 0 && glue < out.len() {
                    out[glue].0.glued = true;
                }
            }
            Op::Delete => run(&d.source, "[-", "-]", DELETED, &mut out),
            Op::Insert => run(&d.note, "{+", "+}", INSERTED, &mut out),
        }
    }
    out
}

/// The word diff; when wider than `width`, only the changes with a few words around each.
pub fn diff_words(diff: &[DiffOp], width: usize) -> Vec<Word> {
    let tokens = diff_tokens(diff);
    let all: Vec<Word> = tokens.iter().map(|(w, _)| w.clone()).collect();
    let changed: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].1 == Side::Changed)
        .collect();
    if super::wrap::width(&all) <= width || changed.is_empty() {
        return all;
    }
    let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= DIFF_CONTEXT);
    let mut out = Vec::new();
    let mut elided = false;
    for (i, (w, _)) in tokens.into_iter().enumerate() {
        if near(i) {
            out.push(w);
            elided = false;
        } else if !elided {
            out.push(Word::plain("…"));
            elided = true;
        }
    }
    out
}

/// The passage, the `matched` words painted bold (when the passage
/// holds them), at most [`AROUND`] words either side.
pub fn passage_words(context: &str, matched: &str) -> Vec<Word> {
    let hit = context
        .find(matched)
        .filter(|_| !matched.trim().is_empty())
        .map(|i| i..i + matched.len());
    // Each whitespace-separated token, as segments in and out of the match.
    let mut tokens: Vec<Vec<Word>> = Vec::new();
    let mut at = 0;
    for token in context.split_whitespace() {
        let start = at + context[at..].find(token).unwrap_or(0);
        let end = start + token.len();
        at = end;
        let mut segments = Vec::new();
        let mut cuts = vec![start, end];
        if let Some(h) = &hit {
            cuts.extend(
                [h.start, h.end]
                    .into_iter()
                    .filter(|&c| c > start && c < end),
            );
        }
        cuts.sort_unstable();
        for pair in cuts.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let inside = hit.as_ref().is_some_and(|h| a >= h.start && b <= h.end);
            let word = if inside {
                Word::styled(&context[a..b], MATCHED)
            } else {
                Word::plain(&context[a..b])
            };
            segments.push(if segments.is_empty() {
                word
            } else {
                word.glued()
            });
        }
        tokens.push(segments);
    }
    let matched_token = |t: &Vec<Word>| t.iter().any(|w| w.style == Some(MATCHED));
    let first = tokens.iter().position(matched_token);
    let last = tokens.iter().rposition(matched_token);
    let (first, last) = match (first, last) {
        (Some(f), Some(l)) => (f, l + 1),
        // Without a match the passage is the text from its start, capped the same way.
        _ => (0, 0),
    };
    let mut out: Vec<Word> = Vec::new();
    if first > AROUND {
        out.push(Word::plain("…"));
    }
    for t in &tokens[first.saturating_sub(AROUND)..first] {
        out.extend(t.iter().cloned());
    }
    let inside = &tokens[first..last];
    if inside.len() > MATCH_WORDS {
        let half = MATCH_WORDS / 2;
        for t in &inside[..half] {
            out.extend(t.iter().cloned());
        }
        out.push(Word::plain("…"));
        for t in &inside[inside.len() - half..] {
            out.extend(t.iter().cloned());
        }
    } else {
        for t in inside {
            out.extend(t.iter().cloned());
        }
    }
    let limit = if last == 0 { 2 * AROUND } else { AROUND };
    let after = &tokens[last..];
    for t in after.iter().take(limit) {
        out.extend(t.iter().cloned());
    }
    if after.len() > limit {
        out.push(Word::plain("…"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::human::wrap::show;

    fn plain(ws: &[Word]) -> String {
        show(ws, |_, t| t.to_string())
    }

    fn op(op: Op, note: &str, source: &str) -> DiffOp {
        DiffOp {
            op,
            note: note.into(),
            source: source.into(),
            note_range: 0..0,
            why: None,
        }
    }

    #[test]
    fn a_narrow_diff_is_whole_and_a_wide_one_keeps_the_changes_with_context() {
        let diff = [
            op(
                Op::Equal,
                "one two three four five six",
                "one two three four five six",
            ),
            op(Op::Delete, "", "not"),
            op(
                Op::Equal,
                "seven eight nine ten eleven",
                "seven eight nine ten eleven",
            ),
            op(Op::Replace, "5,000", "2,500 men"),
        ];
        assert_eq!(
            plain(&diff_words(&diff, 200)),
            crate::quotes::verdict::word_diff(&diff)
        );
        assert_eq!(
            plain(&diff_words(&diff, 30)),
            "… four five six [-not-] seven eight nine ten eleven [-2,500 men-]{+5,000+}"
        );
    }

    #[test]
    fn a_passage_shows_the_matched_words_bold_and_a_few_words_around() {
        let context = "a b c d e f g h i j k l m n o said “the café” p q r s t u v w x y z z2 z3";
        let ws = passage_words(context, "said “the café”");
        assert_eq!(
            plain(&ws),
            "… d e f g h i j k l m n o said “the café” p q r s t u v w x y z z2 …"
        );
        let bold: Vec<&str> = ws
            .iter()
            .filter(|w| w.style == Some(MATCHED))
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(bold, ["said", "“the", "café”"]);
    }

    #[test]
    fn a_match_that_ends_within_a_word_is_bold_to_there_and_the_word_whole() {
        let ws = passage_words("act in “self-defense,” said he", "“self-defense");
        assert_eq!(plain(&ws), "act in “self-defense,” said he");
        let bold: Vec<&str> = ws
            .iter()
            .filter(|w| w.style == Some(MATCHED))
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(bold, ["“self-defense"]);
    }

    #[test]
    fn a_passage_without_the_matched_words_is_plain() {
        let ws = passage_words("the words as they are", "other words");
        assert_eq!(plain(&ws), "the words as they are");
        assert!(ws.iter().all(|w| w.style.is_none()));
    }
}
