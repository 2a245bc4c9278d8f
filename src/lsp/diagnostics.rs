//! Check results to LSP diagnostics: one per quotation whose verdict has a severity, with the
//! source passage as related information and everything its quick fixes need in `data`.

use super::actions::FixData;
use super::describe::{
    citation_of, older_capture_of_cited_page, percent, shorten, source_name, word_diff,
};
use super::documents::Checked;
use super::position::{self, Encoding};
use super::settings::Settings;
use crate::quotes::extract::CitationTarget;
use crate::quotes::verdict::Status;
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
        let name = v.best.as_ref().map(|m| source_name(m, info.as_ref()));
        let message = match (v.status, &v.best) {
            (Status::NotFound, None) => "quote not found in sources".to_string(),
            (Status::NotFound, Some(m)) => format!(
                "quote not found in sources; closest passage ({} similar) in {}: “{}”",
                percent(m.similarity),
                name.clone().unwrap_or_default(),
                shorten(&m.context, 160)
            ),
            (Status::Mismatch, Some(m)) => {
                let mut text = format!(
                    "quote differs from the source ({} similar): {}",
                    percent(m.similarity),
                    word_diff(&m.diff),
                );
                for f in &m.findings {
                    text.push('\n');
                    text.push_str(&f.message);
                }
                text.push_str("\nsource: ");
                text.push_str(&name.clone().unwrap_or_default());
                text
            }
            (Status::Misattributed, Some(m)) => {
                let cited = r.cited.as_deref();
                match older_capture_of_cited_page(cited, info.as_ref()) {
                    Some(when) => format!(
                        "quote not in the newest capture of {}: it is in the capture of {when}; \
                         the page changed since",
                        cited.unwrap_or_default()
                    ),
                    None => format!(
                        "quote cited to {} but found in {} (cite {})",
                        cited.unwrap_or("another source"),
                        name.clone().unwrap_or_default(),
                        citation_of(m, info.as_ref())
                    ),
                }
            }
            (Status::TooLong, _) => crate::quotes::matcher::too_long_message(&r.quote.text),
            (Status::WrongSpeaker, Some(m)) => {
                let s = r.speaker.as_ref();
                let mut text = crate::speakers::wrong_speaker_message(
                    s.and_then(|s| s.check.source.as_deref()),
                    s.map(|s| s.claim.display()).as_deref(),
                );
                if !m.diff.is_empty() {
                    text.push_str(&format!(
                        "\nand the quote differs from the source ({} similar): {}",
                        percent(m.similarity),
                        word_diff(&m.diff)
                    ));
                }
                text.push_str("\nsource: ");
                text.push_str(&name.clone().unwrap_or_default());
                text
            }
            (Status::Verified, _) => format!(
                "quote found in {}",
                name.clone().unwrap_or_else(|| "the sources".into())
            ),
            (status, None) => format!("quote {}", status.as_str()),
        };
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
