//! Hover on a quotation: the verdict, the source (title, author, date, path and line), the
//! source paragraph with the matched words in bold, and the word diff of a mismatch. Hover on
//! a `[@key]` citation: the source it names. Hover on an entity's name: its card
//! ([`super::entities::card`]), after the quote's hover when the name is inside a quotation.

use super::describe::{byline, citation_of, older_capture_of_cited_page, percent, word_diff};
use super::documents::Checked;
use super::entities;
use super::folder::IndexSnapshot;
use super::position::{self, Encoding};
use super::sources;
use crate::check::QuoteResult;
use crate::quotes::extract::{Citation, CitationTarget};
use crate::quotes::verdict::{SourceMatch, Status};
use std::fmt::Write;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// Shown while the index is not open yet.
pub const BUILDING: &str = "**sourced**: the index of the sources is still being built; \
                            this quotation will be checked when it is ready.";

pub fn markdown(value: String, range: Option<tower_lsp_server::ls_types::Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    }
}

/// The hover at byte `offset` of a checked note: a citation's source; a quotation's verdict
/// (followed by the entity card if the cursor is on a name in it); else the card of the
/// entity named there, or a word that a capitalised name under the cursor is not in the
/// sources.
pub fn hover(
    checked: &Checked,
    offset: usize,
    enc: Encoding,
    snap: &IndexSnapshot,
) -> Option<Hover> {
    if let Some(c) = checked.citation_at(offset) {
        let text = citation(checked, c, snap)?;
        return Some(markdown(
            text,
            Some(position::range(&checked.rope, c.range.clone(), enc)),
        ));
    }
    let ents = snap.entities();
    let entity = ents.as_ref().and_then(|ents| {
        let (m, e) = ents.table.at(&checked.text, offset)?;
        Some((m.range, entities::card(e, ents, snap)))
    });
    if let Some(r) = checked.quote_at(offset) {
        let mut text = quote(checked, r, enc, snap);
        if let Some((_, card)) = entity {
            text.push_str("\n\n---\n\n");
            text.push_str(&card);
        }
        return Some(markdown(
            text,
            Some(position::range(&checked.rope, r.quote.range.clone(), enc)),
        ));
    }
    let (text, range) = match entity {
        Some((range, card)) => (card, range),
        None => entities::unknown_name(&checked.text, offset, ents.as_ref()?)?,
    };
    Some(markdown(
        text,
        Some(position::range(&checked.rope, range, enc)),
    ))
}

fn citation(checked: &Checked, c: &Citation, snap: &IndexSnapshot) -> Option<String> {
    let (label, paths) = match &c.target {
        CitationTarget::Key(k) => (
            format!("[@{k}]"),
            snap.checker
                .citation_sources(&checked.path, c, &checked.bibliography)
                .unwrap_or_default(),
        ),
        CitationTarget::Link(dest) => {
            let p = crate::check::resolve_link(&checked.root, &checked.path, dest);
            let known = snap.source_info(&p).is_some();
            (
                format!("`{dest}`"),
                if known { vec![p] } else { Vec::new() },
            )
        }
        CitationTarget::Url(url) => {
            let captures = snap.checker.index().resolve_url(url).unwrap_or_default();
            return Some(web_citation(url, &captures, snap));
        }
    };
    let mut out = format!("**sourced** · citation {label}\n\n");
    let entry = match &c.target {
        CitationTarget::Key(k) => checked.bibliography.get(k),
        CitationTarget::Link(_) | CitationTarget::Url(_) => None,
    };
    if let Some(e) = entry {
        out.push_str(&bib_entry(e));
        out.push_str(if paths.is_empty() {
            "\nNone of its files, URL or DOI is a source, and no source has this key.\n"
        } else {
            "\nResolves to:\n"
        });
    } else if paths.is_empty() {
        out.push_str("No source in the index has this key.");
        // The sources it may have meant, as the unknown-citation diagnostic says.
        let nearest = checked
            .unknown
            .iter()
            .find(|u| u.citation.key_range == c.key_range && u.citation.range == c.range)
            .map(|u| u.nearest.as_slice())
            .unwrap_or_default();
        if !nearest.is_empty() {
            out.push_str(" Did you mean:\n");
            for (key, title) in nearest {
                match title {
                    Some(t) => {
                        let _ = writeln!(out, "- `[@{key}]` *{t}*");
                    }
                    None => {
                        let _ = writeln!(out, "- `[@{key}]`");
                    }
                }
            }
        }
    }
    for p in paths {
        let info = snap.source_info(&p);
        let by = byline(info.as_ref());
        let _ = writeln!(
            out,
            "- {}`{p}`",
            if by.is_empty() {
                String::new()
            } else {
                format!("{by} — ")
            }
        );
    }
    Some(out)
}

/// The hover of a link to a web page: which capture quotations are judged against, when it
/// was made, and how many older ones there are.
fn web_citation(url: &str, captures: &[String], snap: &IndexSnapshot) -> String {
    let mut out = format!("**sourced** · web page <{url}>\n\n");
    let Some(newest) = captures.first() else {
        out.push_str(
            "No capture of this page among the sources: quotations cited to it are checked \
             against every source. Archive it (code action, or `sourced archive URL`).",
        );
        return out;
    };
    let info = snap.source_info(newest);
    let meta = info.as_ref().map(|i| &i.meta);
    let by = byline(info.as_ref());
    if !by.is_empty() {
        let _ = writeln!(out, "{by}\n");
    }
    let when = meta
        .and_then(|m| m.captured.as_deref())
        .unwrap_or("at an unknown time");
    let _ = write!(out, "Checked against the capture of {when} (`{newest}`)");
    if let Some(final_url) = meta.and_then(|m| m.url.as_deref()) {
        if !crate::corpus::url_key::same_page(final_url, url) {
            let _ = write!(out, ", reached through a redirect to <{final_url}>");
        }
    }
    out.push('.');
    match captures.len() {
        1 => {}
        2 => out.push_str(" An older capture exists: the newest is used."),
        n => {
            let _ = write!(out, " {} older captures exist: the newest is used.", n - 1);
        }
    }
    out
}

/// A bibliography entry: title, authors, date, DOI or URL, and where it is written.
fn bib_entry(e: &crate::bibliography::Entry) -> String {
    let mut out = String::new();
    if let Some(t) = &e.title {
        let _ = writeln!(out, "*{t}*\n");
    }
    let mut line = e.authors.join(", ");
    if let Some(d) = &e.date {
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(d);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{line}\n");
    }
    if let Some(d) = &e.doi {
        let _ = writeln!(out, "DOI: [{d}](https://doi.org/{d})\n");
    }
    if let Some(u) = &e.url {
        let _ = writeln!(out, "URL: <{u}>\n");
    }
    let _ = writeln!(out, "Entry: `{}`", e.origin.label());
    out
}

fn headline(r: &QuoteResult) -> String {
    let v = &r.verdict;
    match v.status {
        Status::Verified => "✓ **verified**: found word for word".to_string(),
        Status::Mismatch => format!(
            "≠ **mismatch**: the source's wording differs ({} similar)",
            percent(v.similarity())
        ),
        Status::NotFound => "✗ **not found** in the sources".to_string(),
        Status::TooLong => format!(
            "… **not checked**: {}",
            crate::quotes::matcher::too_long_message(&r.quote.text)
        ),
        Status::Misattributed => format!(
            "⚠ **misattributed**: cited to `{}` but found in another source",
            r.cited.as_deref().unwrap_or("?")
        ),
        Status::WrongSpeaker => format!(
            "⚠ **wrong speaker**: {}",
            crate::speakers::wrong_speaker_message(
                r.speaker.as_ref().and_then(|s| s.check.source.as_deref()),
                r.speaker.as_ref().map(|s| s.claim.display()).as_deref(),
            )
        ),
    }
}

/// Who said it, for a quotation whose note names a speaker: "Said by Y" with the line of
/// the source's attribution, or why the source cannot say.
fn speaker_line(
    checked: &Checked,
    r: &QuoteResult,
    enc: Encoding,
    snap: &IndexSnapshot,
) -> Option<String> {
    use crate::speakers::SpeakerVerdict;
    let s = r.speaker.as_ref()?;
    let at = || {
        let range = s.check.evidence.clone()?;
        let text = snap
            .sources()
            .get(&snap.sources().text_file(&checked.root, &s.path))?;
        let line = position::position(&text.rope, range.start, enc).line + 1;
        let cue = text
            .text
            .get(range)?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Some(format!(
            " (“{}”, line {line} of `{}`)",
            escape(&cue),
            s.path
        ))
    };
    let who = s.check.source.as_deref().unwrap_or("someone else");
    Some(match s.check.verdict {
        SpeakerVerdict::Right | SpeakerVerdict::Wrong => {
            format!(
                "Said by **{}**{}",
                escape(who),
                at().unwrap_or_else(|| " (the source's narration)".into())
            )
        }
        SpeakerVerdict::Unknown => format!(
            "Speaker not checked: {}.",
            s.check
                .reason
                .as_deref()
                .unwrap_or("the source does not say who said this")
        ),
        SpeakerVerdict::None => return None,
    })
}

/// The Markdown for one quote.
pub fn quote(checked: &Checked, r: &QuoteResult, enc: Encoding, snap: &IndexSnapshot) -> String {
    let mut out = format!("**sourced** · {}\n\n", headline(r));
    let v = &r.verdict;
    let Some(m) = &v.best else {
        return out;
    };
    if v.status == Status::NotFound {
        let _ = writeln!(
            out,
            "Closest passage ({} similar):\n",
            percent(m.similarity)
        );
    }
    // A verified or mismatched quotation was found in a source of its citation: the
    // citation's bibliography entry fills what the source's own metadata lacks.
    let entry = matches!(
        v.status,
        Status::Verified | Status::Mismatch | Status::WrongSpeaker
    )
    .then(|| r.cited.as_deref().and_then(|k| checked.bibliography.get(k)))
    .flatten();
    source_block(&mut out, checked, m, entry, enc, snap);
    if let Some(line) = speaker_line(checked, r, enc, snap) {
        let _ = writeln!(out, "\n{line}");
    }
    if matches!(
        v.status,
        Status::Mismatch | Status::Misattributed | Status::WrongSpeaker
    ) && !m.diff.is_empty()
    {
        let _ = writeln!(
            out,
            "\nDiff (`[-source-]{{+note+}}`):\n\n```text\n{}\n```",
            word_diff(&m.diff)
        );
    }
    if v.status != Status::Verified && !m.findings.is_empty() {
        let _ = writeln!(out);
        for f in &m.findings {
            let _ = writeln!(out, "- {}", f.message);
        }
    }
    if v.status == Status::Misattributed {
        let info = snap.source_info(&m.path);
        match older_capture_of_cited_page(r.cited.as_deref(), info.as_ref()) {
            Some(when) => {
                let _ = writeln!(
                    out,
                    "\nNot in the newest capture of the page: found in the capture of {when}. \
                     The page changed since."
                );
            }
            None => {
                let _ = writeln!(out, "\nCite it as `{}`.", citation_of(m, info.as_ref()));
            }
        }
    }
    if !v.also.is_empty() {
        let _ = writeln!(out, "\nAlso found in:");
        for a in &v.also {
            let line = line_of(checked, a, enc, snap);
            let _ = writeln!(out, "- `{}`{line}", a.path);
        }
    }
    out
}

fn line_of(checked: &Checked, m: &SourceMatch, enc: Encoding, snap: &IndexSnapshot) -> String {
    snap.sources()
        .get(&snap.sources().text_file(&checked.root, &m.path))
        .map(|t| {
            format!(
                " line {}",
                position::position(&t.rope, m.range.start, enc).line + 1
            )
        })
        .unwrap_or_default()
}

/// Who wrote the source, where it is, and the paragraph with the match in bold.
fn source_block(
    out: &mut String,
    checked: &Checked,
    m: &SourceMatch,
    entry: Option<&crate::bibliography::Entry>,
    enc: Encoding,
    snap: &IndexSnapshot,
) {
    let mut info = snap.source_info(&m.path);
    if let (Some(i), Some(e)) = (info.as_mut(), entry) {
        e.enrich(&mut i.meta);
    }
    let title = info.as_ref().and_then(|i| i.meta.title.clone());
    let rest: Vec<String> = info
        .as_ref()
        .map(|i| {
            [&i.meta.author, &i.meta.date]
                .into_iter()
                .flatten()
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    match title {
        Some(t) => {
            let _ = write!(out, "*{}*", escape(&t));
        }
        None => out.push_str("Source"),
    }
    if !rest.is_empty() {
        let _ = write!(out, " — {}", escape(&rest.join(", ")));
    }
    match info.as_ref().filter(|i| i.rendition.is_some()) {
        // A source that is not a text file: where a person finds the passage in the
        // original, and a link that opens it there.
        Some(i) => {
            let span = crate::corpus::rendition::Span::of(&i.places, m.range.clone());
            let label = span.label();
            let original = sources::file_uri(&sources::absolute(&checked.root, &m.path)).map(|u| {
                match (span.page, span.time_ms) {
                    (Some(p), _) => format!("{}#page={p}", u.as_str()),
                    (None, Some(t)) => format!("{}#t={}", u.as_str(), t / 1000),
                    _ => u.as_str().to_string(),
                }
            });
            let _ = write!(out, "  \n`{}` {}", m.path, escape(&label));
            if let Some(link) = original {
                let _ = write!(out, " · [open the original]({link})");
            }
            let _ = writeln!(out, "\n");
        }
        None => {
            let _ = writeln!(out, "  \n`{}`{}\n", m.path, line_of(checked, m, enc, snap));
        }
    }
    let abs = snap.sources().text_file(&checked.root, &m.path);
    let html = abs
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let (before, matched, after) = match snap.sources().get(&abs) {
        // HTML markup would drown the words: show the visible text of the match alone.
        Some(_) if html => (String::new(), m.text.clone(), String::new()),
        Some(t) => sources::paragraph(&t.text, m.range.clone()),
        None => (String::new(), m.text.clone(), String::new()),
    };
    let para = format!("{before}{}{after}", bold(&matched));
    for line in para.lines() {
        let _ = writeln!(out, "> {}", line.trim_end_matches('\r'));
    }
}

/// `**text**` with the emphasis inside any surrounding whitespace (or nothing if empty).
fn bold(s: &str) -> String {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return s.to_string();
    }
    let lead = &s[..s.len() - s.trim_start().len()];
    let tail = &s[s.trim_end().len()..];
    // A blank line inside would end the emphasis: keep it on each paragraph.
    let inner = trimmed
        .split("\n\n")
        .map(|p| format!("**{}**", p.trim()))
        .collect::<Vec<_>>()
        .join("\n\n");
    format!("{lead}{inner}{tail}")
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '`' | '[' | ']' | '<' | '>' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_keeps_whitespace_outside() {
        assert_eq!(bold(" two words "), " **two words** ");
        assert_eq!(bold("a\n\nb"), "**a**\n\n**b**");
        assert_eq!(bold(""), "");
    }
}
