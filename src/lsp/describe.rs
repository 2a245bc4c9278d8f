//! Words about verdicts shared by diagnostics, hovers, hints and code actions: the word diff,
//! how a source is named, where a citation goes.

use crate::check::QuoteResult;
use crate::index::SourceInfo;
use crate::quotes::verdict::SourceMatch;
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

/// A source named for people: its title if known, else its path.
pub fn source_name(m: &SourceMatch, info: Option<&SourceInfo>) -> String {
    // A captured web page is named by its address and capture time, not by the archive.
    let place = match info.and_then(|i| i.meta.url.as_ref().map(|u| (u, &i.meta.captured))) {
        Some((url, Some(when))) => format!("{url}, captured {when}"),
        Some((url, None)) => url.clone(),
        None => m.path.clone(),
    };
    match info.and_then(|i| i.meta.title.clone()) {
        Some(t) => format!("“{t}” ({place})"),
        None => place,
    }
}

/// Title, author and date of a source, as far as known, comma separated.
pub fn byline(info: Option<&SourceInfo>) -> String {
    let Some(info) = info else {
        return String::new();
    };
    [&info.meta.title, &info.meta.author, &info.meta.date]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn percent(similarity: f32) -> String {
    format!("{:.0}%", similarity * 100.0)
}

/// Cut `s` to at most `max` characters, with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
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
