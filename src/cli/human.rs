//! Compiler-style output for people: `file:line:col: severity: message`, then the quote, the
//! source location and a word diff (`[-source-]{+note+}`). Colour only on a terminal.

use super::report::{QuoteReport, Report};
use crate::quotes::verdict::Status;
use std::fmt::Write;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// `sources/a.txt:12:5`; for a source that is not a text file, where a person finds it
/// (`sources/report.pdf p. 12`, `sources/interview.vtt 00:14:32 (Sarah)`).
fn location(s: &super::report::SourceReport) -> String {
    if let Some(url) = &s.url {
        let when = s.captured.as_deref().unwrap_or("at an unknown time");
        return format!("{url} (captured {when}; {}:{})", s.path, s.line);
    }
    match s.place() {
        Some(place) => format!("{} {place}", s.path),
        None => format!("{}:{}:{}", s.path, s.line, s.column),
    }
}

/// Why a quotation is misattributed: found in another source, or (cited by a link to a web
/// page) only in an older capture of that page.
fn misattributed(q: &super::report::QuoteReport) -> String {
    use crate::corpus::url_key::same_page;
    let cited = q.cited.as_deref().unwrap_or("?");
    let Some(s) = &q.source else {
        return format!("quote cited to {cited} but found in another source");
    };
    match &s.url {
        Some(url) if same_page(url, cited) => format!(
            "quote not in the newest capture of {cited}: it is in the capture of {}; the page \
             changed since",
            s.captured.as_deref().unwrap_or("an unknown time")
        ),
        Some(url) => format!("quote cited to {cited} but found in {url}"),
        None => format!("quote cited to {cited} but found in {}", s.path),
    }
}

fn title(s: &super::report::SourceReport) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &s.title {
        parts.push(format!("“{t}”"));
    }
    if let Some(a) = &s.author {
        parts.push(a.clone());
    }
    if let Some(d) = &s.date {
        parts.push(d.clone());
    }
    parts.join(", ")
}

/// The word diff of a quote: equal words plain, `[-source-]` dropped or replaced,
/// `{+note+}` added or replacing; coloured on a terminal.
pub fn word_diff(q: &QuoteReport, style: &Style) -> String {
    crate::quotes::verdict::word_diff_with(
        &q.diff,
        |s| style.paint("31", &format!("[-{s}-]")),
        |n| style.paint("32", &format!("{{+{n}+}}")),
    )
}

/// Who the source says spoke, under a quotation whose note names a speaker: `said by` with
/// the source's cue for a wrong speaker (and, with `verbose`, a right one); the reason for
/// an unknown one with `verbose`.
fn speaker_lines(out: &mut String, q: &QuoteReport, verbose: bool) {
    use crate::speakers::SpeakerVerdict;
    let s = &q.speaker;
    match s.verdict {
        SpeakerVerdict::Wrong => {}
        SpeakerVerdict::Right if verbose && q.status == Status::Verified => {}
        SpeakerVerdict::Unknown if verbose && q.status == Status::Verified => {
            if let Some(reason) = &s.reason {
                let _ = writeln!(out, "  hint:   {reason}");
            }
            return;
        }
        _ => return,
    }
    let who = s.source.as_deref().unwrap_or("someone else");
    match &s.evidence {
        Some(e) => {
            let _ = writeln!(
                out,
                "  speaker: {who}, at {}:{}:{} (“{}”)",
                e.path, e.line, e.column, e.text
            );
        }
        None => {
            let _ = writeln!(out, "  speaker: {who} (the source's narration)");
        }
    }
}

/// Render the report. `verbose` also lists verified quotes.
pub fn render(report: &Report, style: &Style, verbose: bool) -> String {
    let mut out = String::new();
    for q in &report.quotes {
        let (severity, message) = match q.status {
            Status::Verified if !verbose => continue,
            Status::Verified => (
                style.paint("1;32", "verified"),
                "quote found in sources".to_string(),
            ),
            Status::NotFound => (
                style.paint("1;31", "error"),
                "quote not found in sources".to_string(),
            ),
            Status::Mismatch => (
                style.paint("1;33", "warning"),
                format!(
                    "quote differs from the source ({:.0}% similar)",
                    q.similarity * 100.0
                ),
            ),
            Status::Misattributed => (style.paint("1;33", "warning"), misattributed(q)),
            Status::TooLong => (
                style.paint("1;33", "warning"),
                crate::quotes::matcher::too_long_message(&q.text),
            ),
            Status::WrongSpeaker => (
                style.paint("1;33", "warning"),
                crate::speakers::wrong_speaker_message(
                    q.speaker.source.as_deref(),
                    q.speaker.claimed.as_deref(),
                ),
            ),
        };
        let _ = writeln!(
            out,
            "{}: {severity}: {message}",
            style.paint("1", &format!("{}:{}:{}", q.file, q.line, q.column))
        );
        let _ = writeln!(out, "  quote:  “{}”", q.text);
        if let Some(s) = &q.source {
            let label = if q.status == Status::NotFound {
                "closest"
            } else {
                "source"
            };
            let t = title(s);
            let _ = writeln!(
                out,
                "  {label}: {}{}",
                location(s),
                if t.is_empty() {
                    String::new()
                } else {
                    format!(" ({t})")
                }
            );
            match q.status {
                Status::NotFound => {
                    let _ = writeln!(
                        out,
                        "          {:.0}% similar: “{}”",
                        q.similarity * 100.0,
                        s.context
                    );
                }
                Status::Mismatch | Status::Misattributed | Status::WrongSpeaker
                    if !q.diff.is_empty() =>
                {
                    let _ = writeln!(out, "  diff:   {}", word_diff(q, style));
                }
                _ => {}
            }
        }
        if q.status != Status::Verified {
            for f in &q.findings {
                let _ = writeln!(out, "  why:    {}", f.message);
            }
        }
        speaker_lines(&mut out, q, verbose);
    }
    for u in &report.unknown_citations {
        let _ = writeln!(
            out,
            "{}: {}: {}",
            style.paint("1", &format!("{}:{}:{}", u.file, u.line, u.column)),
            style.paint("1;33", "warning"),
            u.message
        );
    }
    let s = &report.summary;
    let _ = write!(
        out,
        "{} quotes: {} verified, {} mismatch, {} not found, {} misattributed",
        report.quotes.len(),
        s.verified,
        s.mismatch,
        s.not_found,
        s.misattributed
    );
    if s.wrong_speaker > 0 {
        let _ = write!(out, "; {} wrong speaker", s.wrong_speaker);
    }
    if s.too_long > 0 {
        let _ = write!(out, "; {} too long to check", s.too_long);
    }
    if s.unknown_citations > 0 {
        let _ = write!(out, "; {} unknown citations", s.unknown_citations);
    }
    out.push('\n');
    out
}
