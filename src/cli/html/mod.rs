//! `--format html`: the check's [`Report`] as one self-contained page, for people.
//!
//! Invariants:
//! - the page loads nothing: no external style sheet, script, font or image; its Content
//!   Security Policy ([`assets::content_security_policy`]) allows only its own inline style
//!   and script, by hash;
//! - every string from the notes and sources is escaped ([`markup`]), and every link is a
//!   relative or `file:` path or an `http(s)` address ([`links`]);
//! - without JavaScript every row is shown (the filters appear only with it); printed,
//!   every row and passage is shown;
//! - the same report gives the same page (no time stamp, no random ids).
//!
//! Layout: a header (what was checked, the counts by verdict, the filters), then one
//! `<section class="note">` per note with its rows in note order ([`rows`]).

mod assets;
mod links;
mod markup;
mod rows;
mod verdicts;

use super::report::{QuoteReport, Report, UnknownCitationReport};
use markup::Html;
use std::collections::HashMap;

/// A row of a note: a quotation or an unknown citation, at its place in the note.
enum Row<'a> {
    Quote(&'a QuoteReport),
    Unknown(&'a UnknownCitationReport),
}

impl<'a> Row<'a> {
    fn file(&self) -> &'a str {
        match self {
            Row::Quote(q) => &q.file,
            Row::Unknown(u) => &u.file,
        }
    }

    fn at(&self) -> (usize, usize) {
        match self {
            Row::Quote(q) => (q.line, q.column),
            Row::Unknown(u) => (u.line, u.column),
        }
    }
}

/// The notes in the order they were checked, each with its rows in note order.
fn notes(report: &Report) -> Vec<(&str, Vec<Row<'_>>)> {
    let mut notes: Vec<(&str, Vec<Row<'_>>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let rows = (report.quotes.iter().map(Row::Quote))
        .chain(report.unknown_citations.iter().map(Row::Unknown));
    for row in rows {
        let i = *index.entry(row.file()).or_insert_with(|| {
            notes.push((row.file(), Vec::new()));
            notes.len() - 1
        });
        notes[i].1.push(row);
    }
    for (_, list) in &mut notes {
        // Stable: quotations keep their order among equal places.
        list.sort_by_key(Row::at);
    }
    notes
}

/// The page.
pub fn render(report: &Report) -> String {
    let notes = notes(report);
    let title = match notes.as_slice() {
        [] => "Quotation check".to_string(),
        [(file, _)] => format!("Quotation check: {file}"),
        many => format!("Quotation check: {} notes", many.len()),
    };
    let mut h = Html::new();
    h.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .open(
            "meta",
            &[
                ("http-equiv", "Content-Security-Policy"),
                ("content", &assets::content_security_policy()),
            ],
        )
        .raw("\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .element("title", &[], &title)
        .raw("\n<style>")
        .raw(assets::STYLE)
        .raw("</style>\n</head>\n<body>\n<header class=\"page\">\n")
        .element("h1", &[], &title)
        .raw("\n");
    header(&mut h, report, notes.len());
    h.raw("</header>\n<main>\n");
    if notes.is_empty() {
        h.raw("<p>No quotations in the notes checked.</p>\n");
    }
    for (file, rows) in &notes {
        h.raw("<section class=\"note\">\n<h2>")
            .element("a", &[("href", &links::file(file))], file)
            .raw("</h2>\n");
        for row in rows {
            match row {
                Row::Quote(q) => rows::quotation(&mut h, q),
                Row::Unknown(u) => rows::unknown_citation(&mut h, u),
            }
        }
        h.raw("</section>\n");
    }
    h.raw("</main>\n<script>")
        .raw(assets::SCRIPT)
        .raw("</script>\n</body>\n</html>\n");
    h.finish()
}

/// What was checked, the counts by verdict, the filters and how many rows they show.
fn header(h: &mut Html, report: &Report, notes: usize) {
    let s = &report.summary;
    h.raw("<p>")
        .num(report.quotes.len())
        .raw(if report.quotes.len() == 1 {
            " quotation"
        } else {
            " quotations"
        })
        .raw(" checked in ")
        .num(notes)
        .raw(if notes == 1 { " note" } else { " notes" })
        .raw(" against the sources.</p>\n");
    if let Some(why) = &report.stale_index {
        h.raw("<p class=\"warning\" role=\"note\">The index may be out of date: it could not be updated before this check (")
            .text(why)
            .raw("); the verdicts come from the index as it was last completely built.</p>\n");
    }
    h.raw("<ul class=\"summary\" aria-label=\"Counts by verdict\">\n");
    for v in verdicts::ALL {
        h.raw("<li>");
        rows::badge(h, v);
        h.raw(" <span class=\"n\">")
            .num(verdicts::count(s, v))
            .raw("</span></li>\n");
    }
    h.raw("</ul>\n");
    if s.speaker_unknown > 0 {
        h.raw("<p class=\"muted\">")
            .num(s.speaker_unknown)
            .raw(" of these quotations name a speaker the source does not name.</p>\n");
    }
    if report.quotes.is_empty() && report.unknown_citations.is_empty() {
        return;
    }
    h.raw("<div class=\"filters\" id=\"filters\" role=\"group\" aria-label=\"Show rows by verdict\" hidden>\n<span>Show:</span>\n");
    for v in verdicts::ALL {
        let n = verdicts::count(s, v);
        if n == 0 {
            continue;
        }
        h.open(
            "button",
            &[
                ("type", "button"),
                ("data-filter", v.id),
                ("aria-pressed", "true"),
            ],
        )
        .text(v.label)
        .raw(" (")
        .num(n)
        .raw(")</button>\n");
    }
    h.raw("</div>\n<p id=\"shown\" role=\"status\" aria-live=\"polite\" hidden></p>\n");
}
