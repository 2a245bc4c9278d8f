//! Editor settings: `initializationOptions` and `workspace/didChangeConfiguration`, under the
//! key `"sourced"`. What is set here overrides `sourced.toml`; what is not keeps its value.
//!
//! ```json
//! { "sourced": {
//!     "sources": ["sources"], "minWords": 4, "inlayHints": true, "codeLens": true,
//!     "severity": { "notFound": "error", "mismatch": "warning",
//!                   "misattributed": "warning", "verified": "off" } } }
//! ```

use crate::quotes::verdict::Status;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;
use tower_lsp_server::ls_types::DiagnosticSeverity;

/// Diagnostics wait this long after the last edit by default.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(200);

/// The server's settings, after merging what the editor sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Source folders, files or globs (relative to the workspace root); empty: sourced.toml.
    pub sources: Vec<String>,
    /// Overrides `min_words` of sourced.toml.
    pub min_words: Option<usize>,
    pub severity: Severities,
    /// Show the source after each verified quote.
    pub inlay_hints: bool,
    /// A code lens above each quotation: its verdict and source.
    pub code_lens: bool,
    /// Wait after an edit before checking a note.
    pub debounce: Duration,
    /// Hold the index back this long before opening it (for tests of the "building" state).
    pub index_delay: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sources: Vec::new(),
            min_words: None,
            severity: Severities::default(),
            inlay_hints: true,
            code_lens: true,
            debounce: DEFAULT_DEBOUNCE,
            index_delay: Duration::ZERO,
        }
    }
}

/// Diagnostic severity per verdict; `None` means no diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Severities {
    pub not_found: Option<DiagnosticSeverity>,
    pub mismatch: Option<DiagnosticSeverity>,
    pub misattributed: Option<DiagnosticSeverity>,
    pub verified: Option<DiagnosticSeverity>,
    /// The source gives the words to someone else. A warning, not an error: attribution is
    /// read from the source's cues, where "not found" is certain.
    pub wrong_speaker: Option<DiagnosticSeverity>,
    /// The note names a speaker the source does not (a hint on the claim, not the quote).
    pub speaker_unknown: Option<DiagnosticSeverity>,
}

impl Default for Severities {
    fn default() -> Self {
        Severities {
            not_found: Some(DiagnosticSeverity::ERROR),
            mismatch: Some(DiagnosticSeverity::WARNING),
            misattributed: Some(DiagnosticSeverity::WARNING),
            verified: None,
            wrong_speaker: Some(DiagnosticSeverity::WARNING),
            speaker_unknown: Some(DiagnosticSeverity::HINT),
        }
    }
}

impl Severities {
    pub fn of(&self, status: Status) -> Option<DiagnosticSeverity> {
        match status {
            Status::NotFound => self.not_found,
            Status::Mismatch => self.mismatch,
            Status::Misattributed => self.misattributed,
            Status::Verified => self.verified,
            Status::WrongSpeaker => self.wrong_speaker,
            // Not checked: said once, as a warning, whatever the severities.
            Status::TooLong => Some(DiagnosticSeverity::WARNING),
        }
    }
}

/// The JSON shape of the settings (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Raw {
    sources: Option<Vec<String>>,
    min_words: Option<usize>,
    severity: Option<RawSeverity>,
    inlay_hints: Option<bool>,
    code_lens: Option<bool>,
    debounce_ms: Option<u64>,
    index_delay_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct RawSeverity {
    not_found: Option<String>,
    mismatch: Option<String>,
    misattributed: Option<String>,
    verified: Option<String>,
    wrong_speaker: Option<String>,
    speaker_unknown: Option<String>,
}

/// `"error" | "warning" | "information" | "hint" | "off"`; `Err` for anything else.
fn severity(s: &str) -> Result<Option<DiagnosticSeverity>, String> {
    Ok(Some(match s.to_ascii_lowercase().as_str() {
        "error" => DiagnosticSeverity::ERROR,
        "warning" => DiagnosticSeverity::WARNING,
        "information" | "info" => DiagnosticSeverity::INFORMATION,
        "hint" => DiagnosticSeverity::HINT,
        "off" | "none" => return Ok(None),
        other => {
            return Err(format!(
                "unknown severity {other:?} (use error, warning, information, hint or off)"
            ))
        }
    }))
}

/// The settings object inside what the client sent: the value of `"sourced"` if present,
/// else the value itself (initialization options may be given flat).
pub fn section(value: &Value) -> Option<&Value> {
    match value {
        Value::Object(map) => Some(map.get("sourced").unwrap_or(value)),
        _ => None,
    }
}

impl Settings {
    /// These settings with whatever `value` sets (a `"sourced"` object or the section
    /// itself) applied. Problems are returned as messages; the rest still applies.
    pub fn merged(&self, value: &Value) -> (Settings, Vec<String>) {
        let mut out = self.clone();
        let mut problems = Vec::new();
        let Some(section) = section(value) else {
            return (out, problems);
        };
        let raw: Raw = match serde_json::from_value(section.clone()) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("ignoring invalid sourced settings: {e}"));
                return (out, problems);
            }
        };
        // A key set to null (an editor setting cleared) goes back to its default.
        let defaults = Settings::default();
        let cleared = |key: &str| section.get(key).is_some_and(Value::is_null);
        if cleared("sources") {
            out.sources = defaults.sources.clone();
        }
        if cleared("minWords") {
            out.min_words = defaults.min_words;
        }
        if cleared("inlayHints") {
            out.inlay_hints = defaults.inlay_hints;
        }
        if cleared("codeLens") {
            out.code_lens = defaults.code_lens;
        }
        if cleared("debounceMs") {
            out.debounce = defaults.debounce;
        }
        if cleared("indexDelayMs") {
            out.index_delay = defaults.index_delay;
        }
        let severity_section = section.get("severity");
        if severity_section.is_some_and(Value::is_null) {
            out.severity = defaults.severity;
        }
        if let Some(sev) = severity_section.filter(|v| v.is_object()) {
            let slots = [
                (
                    "notFound",
                    &mut out.severity.not_found,
                    defaults.severity.not_found,
                ),
                (
                    "mismatch",
                    &mut out.severity.mismatch,
                    defaults.severity.mismatch,
                ),
                (
                    "misattributed",
                    &mut out.severity.misattributed,
                    defaults.severity.misattributed,
                ),
                (
                    "verified",
                    &mut out.severity.verified,
                    defaults.severity.verified,
                ),
                (
                    "wrongSpeaker",
                    &mut out.severity.wrong_speaker,
                    defaults.severity.wrong_speaker,
                ),
                (
                    "speakerUnknown",
                    &mut out.severity.speaker_unknown,
                    defaults.severity.speaker_unknown,
                ),
            ];
            for (key, slot, default) in slots {
                if sev.get(key).is_some_and(Value::is_null) {
                    *slot = default;
                }
            }
        }
        if let Some(s) = raw.sources {
            out.sources = s.into_iter().filter(|s| !s.trim().is_empty()).collect();
        }
        if raw.min_words.is_some() {
            out.min_words = raw.min_words;
        }
        if let Some(b) = raw.inlay_hints {
            out.inlay_hints = b;
        }
        if let Some(b) = raw.code_lens {
            out.code_lens = b;
        }
        if let Some(ms) = raw.debounce_ms {
            out.debounce = Duration::from_millis(ms.min(60_000));
        }
        if let Some(ms) = raw.index_delay_ms {
            out.index_delay = Duration::from_millis(ms.min(60_000));
        }
        if let Some(sev) = raw.severity {
            let fields = [
                (sev.not_found, &mut out.severity.not_found),
                (sev.mismatch, &mut out.severity.mismatch),
                (sev.misattributed, &mut out.severity.misattributed),
                (sev.verified, &mut out.severity.verified),
                (sev.wrong_speaker, &mut out.severity.wrong_speaker),
                (sev.speaker_unknown, &mut out.severity.speaker_unknown),
            ];
            for (given, slot) in fields {
                if let Some(s) = given {
                    match severity(&s) {
                        Ok(v) => *slot = v,
                        Err(e) => problems.push(e),
                    }
                }
            }
        }
        (out, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_or_flat_and_partial() {
        let base = Settings::default();
        let (s, p) = base.merged(&json!({"sourced": {"minWords": 6, "severity": {"verified": "hint", "mismatch": "off"}}}));
        assert!(p.is_empty());
        assert_eq!(s.min_words, Some(6));
        assert_eq!(s.severity.verified, Some(DiagnosticSeverity::HINT));
        assert_eq!(s.severity.mismatch, None);
        assert_eq!(s.severity.not_found, Some(DiagnosticSeverity::ERROR));
        let (s2, _) = s.merged(&json!({"debounceMs": 10, "sources": ["a", ""]}));
        assert_eq!(s2.debounce, Duration::from_millis(10));
        assert_eq!(s2.sources, ["a"]);
        assert_eq!(s2.min_words, Some(6));
        assert!(s2.code_lens);
        let (off, _) = s2.merged(&json!({"codeLens": false}));
        assert!(!off.code_lens);
        let (back, _) = off.merged(&json!({"sourced": {"codeLens": null}}));
        assert!(back.code_lens);
    }

    #[test]
    fn null_goes_back_to_the_default() {
        let (set, _) = Settings::default().merged(&json!({"sourced": {
            "minWords": 7, "debounceMs": 5, "severity": {"mismatch": "off", "notFound": "hint"}}}));
        let (s, p) = set.merged(&json!({"sourced": {
            "minWords": null, "debounceMs": null, "severity": {"mismatch": null}}}));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.min_words, None);
        assert_eq!(s.debounce, DEFAULT_DEBOUNCE);
        assert_eq!(s.severity.mismatch, Some(DiagnosticSeverity::WARNING));
        assert_eq!(s.severity.not_found, Some(DiagnosticSeverity::HINT));
    }

    #[test]
    fn bad_values_are_reported_not_fatal() {
        let (s, p) = Settings::default().merged(&json!({"severity": {"notFound": "loud"}}));
        assert_eq!(p.len(), 1);
        assert_eq!(s, Settings::default());
        let (_, p) = Settings::default().merged(&json!({"minWords": "many"}));
        assert_eq!(p.len(), 1);
        let (s, p) = Settings::default().merged(&json!(null));
        assert!(p.is_empty() && s == Settings::default());
    }
}
