//! Check results to LSP diagnostics: one per quotation whose verdict has a severity, with the
//! source passage as related information and everything its quick fixes need in `data`.

use super::actions::FixData;
use super::describe::{
    citation_of, first_line, older_capture_of_cited_page, percent, place, quoted_label, shorten,
    what_differs, word_diff, FIRST_LINE,
};
use super::documents::Checked;
use super::position::{self, Encoding};
use super::settings::Settings;
use crate::check::QuoteResult;
use crate::index::SourceInfo;
use crate::quotes::extract::CitationTarget;
use crate::quotes::verdict::{Op, SourceMatch, Status};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString,
};

/// The `source` of every diagnostic of sourced's.
pub use super::describe::DIAGNOSTIC_SOURCE as SOURCE;

/// The diagnostics for a checked note.
pub fn diagnostics(checked: &Checked, settings: &Settings, enc: Encoding) -> Vec<Diagnostic> {
    let snap = &checked.index;
    let mut out = Vec::new();
    for r in &checked.results {
        let v = &r.verdict;
        let Some(severity) = settings.severity.of(v.status) else {
            continue;
        };
        let info = v.best.as_ref().and_then(|m| snap.source_info(&m.path));
        let message = message(checked, r, info.as_ref());
        let mut related = Vec::new();
        let label = match v.status {
            Status::NotFound => "closest passage",
            Status::Misattributed => "where the quote comes from",
            _ => "source passage",
        };
        let places = v
            .best
            .iter()
            .map(|m| (m, label))
            .chain(v.also.iter().map(|m| (m, "also found here")));
        for (m, label) in places {
            if let Some(location) =
                snap.sources()
                    .location(&checked.root, &m.path, m.range.clone(), enc)
            {
                related.push(DiagnosticRelatedInformation {
                    location,
                    message: label.to_string(),
                });
            }
        }
        if v.status == Status::WrongSpeaker {
            if let Some(s) = &r.speaker {
                let evidence =
                    s.check.evidence.clone().and_then(|range| {
                        snap.sources().location(&checked.root, &s.path, range, enc)
                    });
                if let Some(location) = evidence {
                    related.push(DiagnosticRelatedInformation {
                        location,
                        message: format!(
                            "the source attributes these words to {} here",
                            s.check.source.as_deref().unwrap_or("someone else")
                        ),
                    });
                }
            }
        }
        let data = FixData::new(checked, r, info.as_ref(), enc);
        out.push(Diagnostic {
            range: position::range(&checked.rope, r.quote.range.clone(), enc),
            severity: Some(severity),
            code: Some(NumberOrString::String(v.status.as_str().to_string())),
            source: Some(SOURCE.to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            data: serde_json::to_value(data).ok(),
            ..Default::default()
        });
    }
    out.extend(speaker_unknown(checked, settings, enc));
    for u in &checked.unknown {
        let range = u
            .citation
            .key_range
            .clone()
            .unwrap_or(u.citation.range.clone());
        let message = u.message();
        out.push(Diagnostic {
            range: position::range(&checked.rope, range, enc),
            severity: Some(DiagnosticSeverity::WARNING),
            code: Some(NumberOrString::String(
                match u.citation.target {
                    CitationTarget::Url(_) => "uncaptured-page",
                    _ => "unknown-citation",
                }
                .into(),
            )),
            source: Some(SOURCE.to_string()),
            message,
            data: serde_json::to_value(FixData::unknown(checked, u, enc)).ok(),
            ..Default::default()
        });
    }
    out
}

/// A quotation's message: a first line of at most [`FIRST_LINE`] characters saying the
/// verdict, what differs and the source's title (what the Problems panel shows), then the
/// word diff, the findings and the source's place on the following lines. The first words
/// stay as clients match them: `quote not found`, `quote differs from`, `quote cited to`,
/// `quote not in the newest capture`, `the source attributes these words to`.
pub fn message(checked: &Checked, r: &QuoteResult, info: Option<&SourceInfo>) -> String {
    let v = &r.verdict;
    let title = |m: &SourceMatch| quoted_label(&m.path, info, FIRST_LINE);
    let mut lines = Vec::new();
    match (v.status, &v.best) {
        (Status::NotFound, None) => {
            // Where it was looked for: the local sources (unless there are none and archives
            // were searched), then each archive.
            let checker = &checked.index.checker;
            let (n, _) = checker.index().counts();
            let archives = checker.remotes();
            let mut places = Vec::new();
            if n > 0 || archives.is_empty() {
                places.push(format!("the {n} source{}", if n == 1 { "" } else { "s" }));
            }
            places.extend(archives.iter().map(|r| format!("the archive {}", r.name())));
            lines.push(format!("quote not found in {}", places.join(" or ")));
        }
        (Status::NotFound, Some(m)) => {
            lines.push(first_line(
                "quote not found; closest: ",
                &title(m),
                &format!(" ({} similar)", percent(m.similarity)),
            ));
            lines.push(format!("closest passage: “{}”", shorten(&m.context, 160)));
            lines.push(format!("source: {}", place(&m.path, info)));
        }
        (Status::Mismatch, Some(m)) => {
            let what = what_differs(&m.diff);
            let tail = if what.is_empty() {
                String::new()
            } else {
                format!(": {what}")
            };
            let first = first_line("quote differs from ", &title(m), &tail);
            // The whole word diff, unless the first line already names the one change: the
            // hover shows the diff too, and VS Code puts both in one card that scrolls
            // after about a dozen lines.
            let one_change_said =
                m.diff.iter().filter(|d| d.op != Op::Equal).count() == 1 && first.ends_with(&what);
            lines.push(first);
            if !one_change_said {
                lines.push(word_diff(&m.diff));
            }
            let said = lines.join("\n");
            lines.extend(
                m.findings
                    .iter()
                    .filter(|f| !said.contains(&f.message))
                    .map(|f| f.message.clone()),
            );
            lines.push(format!(
                "source: {} ({} similar)",
                place(&m.path, info),
                percent(m.similarity)
            ));
        }
        (Status::Misattributed, Some(m)) => {
            let cited = r.cited.as_deref();
            match older_capture_of_cited_page(cited, info) {
                Some(when) => {
                    lines.push(first_line(
                        "quote not in the newest capture of ",
                        cited.unwrap_or_default(),
                        "",
                    ));
                    lines.push(format!(
                        "it is in the capture of {when}; the page changed since"
                    ));
                }
                None => {
                    let lead =
                        format!("quote cited to {} but found in ", shorten(&cited_as(r), 30));
                    lines.push(first_line(&lead, &title(m), ""));
                    lines.push(format!("cite it as {}", citation_of(m, info)));
                    lines.push(format!("source: {}", place(&m.path, info)));
                }
            }
        }
        (Status::TooLong, _) => lines.push(crate::quotes::matcher::too_long_message(&r.quote.text)),
        (Status::WrongSpeaker, Some(m)) => {
            let s = r.speaker.as_ref();
            let said = crate::speakers::wrong_speaker_message(
                s.and_then(|s| s.check.source.as_deref()),
                s.map(|s| s.claim.display()).as_deref(),
            );
            let fits = said.chars().count() + 5 + 16 <= FIRST_LINE;
            if fits {
                lines.push(first_line(&format!("{said} ("), &title(m), ")"));
            } else {
                lines.push(shorten(&said, FIRST_LINE));
            }
            if !m.diff.is_empty() {
                lines.push(format!(
                    "and the quote differs from the source ({} similar): {}",
                    percent(m.similarity),
                    word_diff(&m.diff)
                ));
            }
            if fits {
                lines.push(format!("source: {}", place(&m.path, info)));
            } else {
                lines.push(format!(
                    "source: {} ({})",
                    quoted_label(&m.path, info, usize::MAX),
                    place(&m.path, info)
                ));
            }
        }
        (Status::Verified, Some(m)) => lines.push(first_line("quote found in ", &title(m), "")),
        (status, _) => lines.push(format!("quote {}", status.as_str())),
    }
    lines.join("\n")
}

/// How the note cites the quotation: `[@key]`, `<https://…>` for a web page, a link's
/// destination as written.
fn cited_as(r: &QuoteResult) -> String {
    let Some(cited) = r.cited.as_deref() else {
        return "another source".to_string();
    };
    let target = r.quote.citations.iter().map(|c| &c.target).find(|t| {
        matches!(t, CitationTarget::Key(k) | CitationTarget::Link(k) | CitationTarget::Url(k) if k == cited)
    });
    match target {
        Some(CitationTarget::Key(k)) => format!("[@{k}]"),
        Some(CitationTarget::Url(u)) => format!("<{u}>"),
        _ => cited.to_string(),
    }
}

/// A hint on each speaker a note names that the source does not ("the source does not say
/// who said this"), for quotations whose words were found.
fn speaker_unknown(checked: &Checked, settings: &Settings, enc: Encoding) -> Vec<Diagnostic> {
    let Some(severity) = settings.severity.speaker_unknown else {
        return Vec::new();
    };
    checked
        .results
        .iter()
        .filter_map(|r| {
            let s = r.speaker.as_ref()?;
            (s.check.verdict == crate::speakers::SpeakerVerdict::Unknown).then_some(())?;
            Some(Diagnostic {
                range: position::range(&checked.rope, s.claim.range.clone(), enc),
                severity: Some(severity),
                code: Some(NumberOrString::String("speaker-unknown".into())),
                source: Some(SOURCE.to_string()),
                message: format!(
                    "{}: “{}” is not checked",
                    s.check
                        .reason
                        .as_deref()
                        .unwrap_or("the source does not say who said this"),
                    s.claim.display()
                ),
                ..Default::default()
            })
        })
        .collect()
}

/// The problems of one bibliography file as its diagnostics: each on its line (a problem
/// with no line, the file unreadable, on the first).
pub fn bibliography(warnings: &[crate::bibliography::Warning]) -> Vec<Diagnostic> {
    warnings
        .iter()
        .map(|w| {
            let line = w.line.unwrap_or(1).saturating_sub(1) as u32;
            Diagnostic {
                range: tower_lsp_server::ls_types::Range::new(
                    tower_lsp_server::ls_types::Position::new(line, 0),
                    tower_lsp_server::ls_types::Position::new(line + 1, 0),
                ),
                severity: Some(DiagnosticSeverity::WARNING),
                code: Some(NumberOrString::String("bibliography".into())),
                source: Some(SOURCE.to_string()),
                message: w.message.clone(),
                ..Default::default()
            }
        })
        .collect()
}

/// One diagnostic over the whole note saying why it was not checked.
pub fn not_checked(message: String) -> Diagnostic {
    Diagnostic {
        severity: Some(DiagnosticSeverity::INFORMATION),
        source: Some(SOURCE.to_string()),
        code: Some(NumberOrString::String("not-checked".into())),
        message,
        ..Default::default()
    }
}
