//! Words about verdicts shared by diagnostics, hovers, hints, lenses and code actions: the
//! word diff, how a source is named, where a citation goes.
//!
//! A source is named for people by [`label`] (its title, else its URL, else its file stem:
//! never a whole path, never nothing), with [`byline`] (author, date) beside it; both build on
//! [`crate::corpus::metadata::label_of`] and `byline_of`, so the editor, the terminal and
//! the report name a source alike. Text is cut for display by [`shorten`], at a word boundary.

use crate::check::QuoteResult;
use crate::index::SourceInfo;
use crate::quotes::verdict::{DiffOp, Op, SourceMatch};
use std::path::Path;

/// The `source` of sourced's diagnostics (how a quick fix knows a diagnostic is ours).
pub const DIAGNOSTIC_SOURCE: &str = "sourced";

/// The word diff of a match as plain text (the same notation as `sourced check`).
pub use crate::quotes::verdict::word_diff;

/// The citation key of a source: its file stem.
pub fn key_of(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// How to cite a source: `[@key]` for a file, its address for a captured web page.
pub fn citation_of(m: &SourceMatch, info: Option<&SourceInfo>) -> String {
    match info.and_then(|i| i.meta.url.as_deref()) {
        Some(url) => format!("<{url}>"),
        None => format!("[@{}]", key_of(&m.path)),
    }
}

/// When the quotation was found only in an older capture of the very page its link names
/// (the newest capture, which it is judged against, no longer holds it): that capture's
/// time. The page changed since.
pub fn older_capture_of_cited_page(
    cited: Option<&str>,
    info: Option<&SourceInfo>,
) -> Option<String> {
    let meta = &info?.meta;
    crate::corpus::url_key::same_page(meta.url.as_deref()?, cited?).then(|| {
        meta.captured
            .clone()
            .unwrap_or_else(|| "an unknown time".into())
    })
}

/// A source named for people: its title if known, else its address (a captured web page),
/// else its file stem (see [`crate::corpus::metadata::label_of`]).
pub fn label(path: &str, info: Option<&SourceInfo>) -> String {
    let meta = info.map(|i| &i.meta);
    match meta {
        Some(m) if m.title.as_deref().is_some_and(|t| !t.trim().is_empty()) => m.label(path),
        Some(m) if m.url.is_some() => m.url.clone().unwrap_or_default(),
        _ => crate::corpus::metadata::label_of(None, path),
    }
}

/// [`label`] in curly quotes when it is a title, cut to `max` characters.
pub fn quoted_label(path: &str, info: Option<&SourceInfo>, max: usize) -> String {
    let titled = info
        .and_then(|i| i.meta.title.as_deref())
        .is_some_and(|t| !t.trim().is_empty());
    let name = shorten(&label(path, info), max.saturating_sub(2).max(8));
    if titled {
        format!("“{name}”")
    } else {
        name
    }
}

/// Author and date of a source, as far as known, comma separated (empty if neither).
pub fn byline(info: Option<&SourceInfo>) -> String {
    info.map(|i| i.meta.byline()).unwrap_or_default()
}

/// Author and year, for a list row: `Robert Inlakesh, 2024` (empty if neither is known).
pub fn short_byline(info: Option<&SourceInfo>) -> String {
    let Some(meta) = info.map(|i| &i.meta) else {
        return String::new();
    };
    // The first run of exactly four digits: `2020` of `2020-03-17` or `March 17, 2020`.
    let year = meta.date.as_deref().and_then(|d| {
        d.split(|c: char| !c.is_ascii_digit())
            .find(|run| run.len() == 4)
            .map(str::to_string)
    });
    crate::corpus::metadata::byline_of(
        meta.author.as_deref(),
        year.as_deref().or(meta.date.as_deref()),
    )
}

/// Where a captured web page comes from (its address and capture time), else the path.
pub fn place(path: &str, info: Option<&SourceInfo>) -> String {
    match info.and_then(|i| i.meta.url.as_ref().map(|u| (u, &i.meta.captured))) {
        Some((url, Some(when))) => format!("{url}, captured {when}"),
        Some((url, None)) => url.clone(),
        None => path.to_string(),
    }
}

/// Title, author and date of a source as one line: `“Title” — Author, date`, with the place
/// when the title is not known.
pub fn full_byline(path: &str, info: Option<&SourceInfo>) -> String {
    let by = byline(info);
    let name = quoted_label(path, info, usize::MAX);
    if by.is_empty() {
        name
    } else {
        format!("{name} — {by}")
    }
}

pub fn percent(similarity: f32) -> String {
    format!("{:.0}%", similarity * 100.0)
}

/// `s` on one line (whitespace collapsed), cut to at most `max` characters with an
/// ellipsis: at the last word boundary that fits, mid-word only when one word is longer than
/// half of `max`.
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let keep = max.saturating_sub(1);
    let cut: String = s.chars().take(keep).collect();
    // The next char is a space: the cut is at a word's end already.
    let at_boundary = s.chars().nth(keep).is_some_and(char::is_whitespace);
    let mut out = match cut.rfind(' ') {
        _ if at_boundary => cut,
        Some(i) if cut[..i].chars().count() * 2 >= keep => cut[..i].to_string(),
        _ => cut,
    };
    // No dangling punctuation before the ellipsis.
    while out.ends_with([',', ';', ':', ' ', '—', '–', '-']) {
        out.pop();
    }
    out.push('…');
    out
}

/// The last `n` words of `s` (with `…` before them if some were left out), keeping the
/// whitespace that joins them to what follows.
pub fn last_words(s: &str, n: usize) -> String {
    let starts: Vec<usize> = s
        .char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && (i == 0 || s[..i].ends_with(char::is_whitespace)))
        .map(|(i, _)| i)
        .collect();
    if starts.len() <= n {
        return s.to_string();
    }
    if n == 0 {
        return "…".to_string();
    }
    format!("…{}", &s[starts[starts.len() - n]..])
}

/// The first `n` words of `s` (with `…` after them if some were left out), keeping the
/// whitespace that joins them to what precedes.
pub fn first_words(s: &str, n: usize) -> String {
    let ends: Vec<usize> = s
        .char_indices()
        .filter(|&(i, c)| {
            !c.is_whitespace() && s[i + c.len_utf8()..].starts_with(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .collect();
    let words =
        ends.len() + usize::from(!s.trim_end().is_empty() && !s.ends_with(char::is_whitespace));
    if words <= n {
        return s.to_string();
    }
    if n == 0 {
        return "…".to_string();
    }
    format!("{}…", &s[..ends[n - 1]])
}

/// Byte offset in the note just after the closing quotation mark of a quote (where a
/// citation or an inlay hint goes). For a blockquote: the end of its text.
pub fn after_quote(note: &str, r: &QuoteResult) -> usize {
    let end = r.quote.range.end.min(note.len());
    if !note.is_char_boundary(end) {
        return end;
    }
    match note[end..].chars().next() {
        Some(c @ ('”' | '"' | '»')) => end + c.len_utf8(),
        _ => end,
    }
}

/// What differs, in a few words, for a message's first line: `2,500 → 5,000`, `‘not’
/// omitted without an ellipsis`, `adds ‘very’`; the first difference, and how many more.
pub fn what_differs(diff: &[DiffOp]) -> String {
    let changes: Vec<String> = diff
        .iter()
        .filter(|d| d.op != Op::Equal)
        .map(|d| match (&d.why, d.op) {
            (Some(why), _) => why.clone(),
            (None, Op::Replace) => format!("{} → {}", shorten(&d.source, 30), shorten(&d.note, 30)),
            (None, Op::Delete) => format!("omits ‘{}’", shorten(&d.source, 40)),
            (None, _) => format!("adds ‘{}’", shorten(&d.note, 40)),
        })
        .collect();
    match changes.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} (+{} more)", rest.len()),
    }
}

/// The first line of a message, at most [`FIRST_LINE`] characters: `lead`, then `name`
/// (kept to at least [`NAME_MIN`] characters, cut to what is left), then `tail` (cut when
/// both do not fit).
pub fn first_line(lead: &str, name: &str, tail: &str) -> String {
    let len = |s: &str| s.chars().count();
    let name_min = NAME_MIN.min(len(name));
    let tail = if len(lead) + name_min + len(tail) > FIRST_LINE {
        shorten(
            tail,
            FIRST_LINE.saturating_sub(len(lead) + name_min).max(12),
        )
    } else {
        tail.to_string()
    };
    let room = FIRST_LINE.saturating_sub(len(lead) + len(&tail));
    let name = if len(name) <= room {
        name.to_string()
    } else if let Some(inner) = name.strip_prefix('“').and_then(|n| n.strip_suffix('”')) {
        format!("“{}”", shorten(inner, room.saturating_sub(2).max(6)))
    } else {
        shorten(name, room.max(6))
    };
    shorten(&format!("{lead}{name}{tail}"), FIRST_LINE)
}

/// The fewest characters of a source's name that a first line keeps.
const NAME_MIN: usize = 24;

/// How many characters of a diagnostic's message the Problems panel shows on one line.
pub const FIRST_LINE: usize = 80;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_a_word_boundary() {
        assert_eq!(shorten("short  enough", 20), "short enough");
        assert_eq!(
            shorten(
                "US Kills Iraqis for Demanding End of Illegal Occupation",
                30
            ),
            "US Kills Iraqis for Demanding…"
        );
        // Exactly at a word's end.
        assert_eq!(shorten("one two three", 8), "one two…");
        // No dangling punctuation before the ellipsis.
        assert_eq!(shorten("first, second third", 10), "first…");
        // One word longer than half the room: cut inside it rather than show nothing.
        assert_eq!(shorten("a Donaudampfschifffahrt", 10), "a Donauda…");
        assert_eq!(shorten("", 5), "");
    }

    #[test]
    fn first_lines_fit_80_characters_and_keep_the_title_readable() {
        let line = first_line(
            "quote differs from ",
            "“Iraq Wants to Kick Out US Troops”",
            ": 2,500 → 5,000",
        );
        assert_eq!(
            line,
            "quote differs from “Iraq Wants to Kick Out US Troops”: 2,500 → 5,000"
        );
        let long_title = format!("“{}”", "A Very Long Title ".repeat(10).trim());
        let long_tail = format!(": {}", "many words changed here ".repeat(6).trim());
        let line = first_line("quote differs from ", &long_title, &long_tail);
        assert!(line.chars().count() <= FIRST_LINE, "{line}");
        assert!(
            line.starts_with("quote differs from “A Very Long"),
            "{line}"
        );
        // The title keeps its closing mark when cut.
        assert!(line.contains("…”: many words"), "{line}");
    }

    #[test]
    fn what_differs_names_the_first_change_and_counts_the_rest() {
        let op = |op, source: &str, note: &str, why: Option<&str>| DiffOp {
            op,
            note: note.into(),
            source: source.into(),
            note_range: 0..0,
            why: why.map(str::to_string),
        };
        assert_eq!(
            what_differs(&[
                op(Op::Equal, "The", "The", None),
                op(Op::Replace, "2,500", "5,000", None)
            ]),
            "2,500 → 5,000"
        );
        assert_eq!(
            what_differs(&[
                op(
                    Op::Delete,
                    "not",
                    "",
                    Some("‘not’ omitted without an ellipsis")
                ),
                op(Op::Insert, "", "very", None),
                op(Op::Delete, "quite", "", None),
            ]),
            "‘not’ omitted without an ellipsis (+2 more)"
        );
        assert_eq!(
            what_differs(&[op(Op::Insert, "", "very", None)]),
            "adds ‘very’"
        );
        assert_eq!(what_differs(&[]), "");
    }

    #[test]
    fn word_cuts_keep_whole_words() {
        assert_eq!(last_words("one two  three four", 2), "…three four");
        assert_eq!(last_words("one two", 5), "one two");
        assert_eq!(first_words(" one two three, four", 3), " one two three,…");
        assert_eq!(first_words("one two ", 2), "one two ");
        assert_eq!(first_words("one two", 0), "…");
    }
}
