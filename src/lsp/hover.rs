//! Hover on a quotation: the verdict, the source (title, author, date, path and line), the
//! source passage with the matched words in bold, and the difference as a `diff` block; what
//! the quotation's diagnostic says (editors show it above the hover) is not repeated. Hover on
//! a `[@key]` citation: the source it names. Hover on an entity's name: its card
//! ([`super::entities::card`]), after the quote's hover when the name is inside a quotation.

use super::describe::{
    byline, citation_of, first_words, full_byline, label, last_words, older_capture_of_cited_page,
    percent, shorten,
};
use super::documents::Checked;
use super::entities;
use super::folder::IndexSnapshot;
use super::position::{self, Encoding};
use super::sources;
use crate::check::QuoteResult;
use crate::index::Retriever;
use crate::quotes::extract::{Citation, CitationTarget};
use crate::quotes::verdict::{DiffOp, Op, SourceMatch, Status};
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
            // On a name: the card is what was asked for. The quotation's verdict keeps its
            // first line (verdict, source, place), so that the card fits without scrolling;
            // the rest of the quotation's hover is anywhere else on it.
            text.truncate(text.find('\n').unwrap_or(text.len()));
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
            let captures = snap
                .checker
                .retriever()
                .resolve_url(url)
                .unwrap_or_default();
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
        let _ = writeln!(out, "- {} · `{p}`", escape(&full_byline(&p, info.as_ref())));
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
    if info.is_some() {
        let _ = writeln!(out, "{}\n", escape(&full_byline(newest, info.as_ref())));
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

/// The verdict as a tag: a sign and a word (what a code lens says too).
fn tag(status: Status) -> &'static str {
    match status {
        Status::Verified => "✓ **verified**",
        Status::Mismatch => "≠ **mismatch**",
        Status::NotFound => "✗ **not found**",
        Status::TooLong => "… **not checked**",
        Status::Misattributed => "⇄ **misattributed**",
        Status::WrongSpeaker => "⚠ **wrong speaker**",
    }
}

/// The diagnostic published for this quotation, if any (editors show it above the hover).
fn diagnostic_of<'a>(
    checked: &'a Checked,
    r: &QuoteResult,
    enc: Encoding,
) -> Option<&'a tower_lsp_server::ls_types::Diagnostic> {
    let range = position::range(&checked.rope, r.quote.range.clone(), enc);
    let code = r.verdict.status.as_str();
    checked.diagnostics.iter().find(|d| {
        d.range == range
            && matches!(&d.code, Some(tower_lsp_server::ls_types::NumberOrString::String(c)) if c == code)
    })
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

/// The Markdown for one quote: what its diagnostic (shown above a hover by editors) does not
/// say. The verdict and the source (title, author, date, where), the source passage with the
/// matched words in bold, who said it, the difference as a `diff` block (which every client
/// colours), then what the diagnostic leaves out: findings, where else it is. The
/// diagnostic's own lines are not repeated; a quotation without one gets them here.
pub fn quote(checked: &Checked, r: &QuoteResult, enc: Encoding, snap: &IndexSnapshot) -> String {
    let v = &r.verdict;
    let diagnostic = diagnostic_of(checked, r, enc);
    let mut out = format!("{} · ", tag(v.status));
    let Some(m) = &v.best else {
        match v.status {
            Status::TooLong if diagnostic.is_none() => {
                out.push_str(&crate::quotes::matcher::too_long_message(&r.quote.text));
            }
            Status::TooLong => out.push_str("longer than sourced checks"),
            _ => out.push_str("no passage of the sources comes close"),
        }
        out.push('\n');
        return out;
    };
    if v.status == Status::NotFound {
        let _ = write!(
            out,
            "closest passage ({} similar) in ",
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
        let _ = write!(out, "\n{}", diff_block(&m.diff));
    }
    // The findings and the citation to use are in the diagnostic's message when there is one.
    let said = diagnostic.map(|d| d.message.as_str()).unwrap_or_default();
    let findings: Vec<&str> = m
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .filter(|f| v.status != Status::Verified && !said.contains(f))
        .collect();
    if !findings.is_empty() {
        let _ = writeln!(out);
        for f in findings {
            let _ = writeln!(out, "- {f}");
        }
    }
    if v.status == Status::Misattributed && diagnostic.is_none() {
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
        let names: Vec<String> = v
            .also
            .iter()
            .map(|a| {
                let info = snap.source_info(&a.path);
                format!(
                    "*{}*{}",
                    escape(&shorten(&label(&a.path, info.as_ref()), 50)),
                    line_of(checked, a, enc, snap)
                )
            })
            .collect();
        let _ = writeln!(out, "\nAlso in {}.", names.join(", "));
    }
    out
}

/// Unchanged runs longer than this many words are cut in a [`diff_block`]…
const DIFF_LONG_RUN: usize = 24;
/// …to this many words on each side of a difference.
const DIFF_CONTEXT: usize = 8;
/// Characters per line of a [`diff_block`] (longer lines are wrapped, each keeping its sign).
const DIFF_WIDTH: usize = 78;

/// The difference as a fenced `diff` block: the source's words on `-` lines, the note's on
/// `+` lines, whole passages wrapped at word boundaries, long unchanged runs cut to a few
/// words around each change.
fn diff_block(diff: &[DiffOp]) -> String {
    let last = diff.len().saturating_sub(1);
    let (mut source, mut note) = (Vec::new(), Vec::new());
    for (i, d) in diff.iter().enumerate() {
        match d.op {
            Op::Equal => {
                let words: Vec<&str> = d.note.split_whitespace().collect();
                let keep_head = if i == 0 { 0 } else { DIFF_CONTEXT };
                let keep_tail = if i == last { 0 } else { DIFF_CONTEXT };
                let run = if words.len() > DIFF_LONG_RUN {
                    let mut run: Vec<&str> = words[..keep_head].to_vec();
                    run.push("…");
                    run.extend(&words[words.len() - keep_tail..]);
                    run.join(" ")
                } else {
                    words.join(" ")
                };
                source.push(run.clone());
                note.push(run);
            }
            _ => {
                source.push(d.source.clone());
                note.push(d.note.clone());
            }
        }
    }
    let side = |sign: char, parts: &[String]| {
        let text = parts
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join(" ");
        wrap(&text, DIFF_WIDTH)
            .into_iter()
            .map(|l| format!("{sign} {l}\n"))
            .collect::<String>()
    };
    let body = format!("{}{}", side('-', &source), side('+', &note));
    // A fence longer than any run of backticks in the words.
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}diff\n{body}{fence}\n")
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stands
/// alone on its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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

/// Words of the source paragraph shown on each side of the match.
const PASSAGE_WORDS: usize = 6;

/// The source (title, author, date), where it is, and the passage with the match in bold.
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
    let _ = write!(out, "*{}*", escape(&label(&m.path, info.as_ref())));
    let by = byline(info.as_ref());
    if !by.is_empty() {
        let _ = write!(out, " — {}", escape(&by));
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
            let _ = write!(out, " · `{}` {}", m.path, escape(&label));
            if let Some(link) = original {
                let _ = write!(out, " · [open the original]({link})");
            }
            let _ = writeln!(out, "\n");
        }
        None => {
            // On the title's line: a hover card under VS Code's diagnostic has about a
            // dozen lines before it scrolls.
            let _ = writeln!(out, " · `{}`{}\n", m.path, line_of(checked, m, enc, snap));
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
    let before = last_words(&before, PASSAGE_WORDS);
    let after = first_words(&after, PASSAGE_WORDS);
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

    fn op(op: Op, source: &str, note: &str) -> DiffOp {
        DiffOp {
            op,
            note: note.into(),
            source: source.into(),
            note_range: 0..0,
            why: None,
        }
    }

    #[test]
    fn a_diff_block_has_the_source_on_minus_lines_and_the_note_on_plus_lines() {
        let long = "w ".repeat(30);
        let block = diff_block(&[
            op(Op::Equal, "The", "The"),
            op(Op::Replace, "2,500", "5,000"),
            op(Op::Equal, &long, &long),
            op(Op::Delete, "not", ""),
            op(Op::Equal, "end `x`", "end `x`"),
        ]);
        let words = |n| vec!["w"; n].join(" ");
        assert_eq!(
            block,
            format!(
                "```diff\n- The 2,500 {} … {} not end `x`\n+ The 5,000 {} … {} end `x`\n```\n",
                words(8),
                words(8),
                words(8),
                words(8)
            )
        );
        // Backticks in the words never close the fence.
        let block = diff_block(&[op(Op::Replace, "a ``` b", "c")]);
        assert!(
            block.starts_with("````diff\n") && block.ends_with("\n````\n"),
            "{block}"
        );
    }

    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("toolongword x", 4), ["toolongword", "x"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
