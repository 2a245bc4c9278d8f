//! Quick fixes. Each diagnostic carries a [`FixData`] in its `data`, so a fix is built from
//! the diagnostic alone:
//!
//! - mismatch: "Replace with the source's wording";
//! - wrong speaker: "Attribute to Y, as the source does" (the note's speaker gets the
//!   source's, in the same form: a surname for a surname), and the wording fix if the words
//!   differ too;
//! - misattributed: "Change citation to SOURCE" (the `[@key]` gets the real source's key);
//! - verified but uncited: "Cite SOURCE" (` [@key]` after the closing quotation mark);
//! - a link to a web page no source captured: "Archive this page" (the `sourced.archive`
//!   command, which fetches it into the web folder), and "Archive the N uncaptured pages of
//!   this note" when there are several;
//! - no sources (the `no-sources` diagnostic): **Create sourced.toml…**, the `sourced.init`
//!   command (see `no_sources.rs`).
//!
//! Verified quotes have no diagnostic by default, so their "Cite" fix is also offered from
//! the latest results of the note.

use super::describe::{after_quote, key_of, shorten};
use super::documents::Checked;
use super::position::{self, Encoding};
use crate::check::{QuoteResult, UnknownCitation};
use crate::index::SourceInfo;
use crate::quotes::extract::CitationTarget;
use crate::quotes::verdict::Status;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, Command, Diagnostic, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

/// What a diagnostic's quick fixes need, in LSP positions of the version it was made for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixData {
    /// The document version the ranges are positions in. A fix is offered only for that
    /// version, and its edit names it, so a client never applies it to another text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// The verdict (`verified`, `mismatch`, `not-found`, `misattributed`).
    pub status: String,
    /// The quoted text (inside the quotation marks).
    pub quote_range: Range,
    /// The quote in the source's wording (mismatch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Citation key of the source the quote comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_title: Option<String>,
    /// The citation as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cited: Option<String>,
    /// The cited key in the note (to change a wrong citation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_range: Option<Range>,
    /// Where a citation goes for an uncited quote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cite_at: Option<Position>,
    /// For an unknown citation key: the sources it may have meant (key and title).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nearest: Vec<(String, Option<String>)>,
    /// The address of the web page the quote comes from, when it comes from a capture (it is
    /// cited by a link to that address, not by a key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// For a link to a web page no source captured: its address (to archive it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// For a wrong speaker: the speaker the note names (what the fix replaces) and the
    /// source's speaker in the same form (what it puts there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_range: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

impl FixData {
    pub fn new(
        checked: &Checked,
        r: &QuoteResult,
        info: Option<&SourceInfo>,
        enc: Encoding,
    ) -> FixData {
        let v = &r.verdict;
        let found = v.best.as_ref().filter(|_| v.status != Status::NotFound);
        let key_range = r.quote.citations.first().and_then(|c| match c.target {
            CitationTarget::Key(_) => c.key_range.clone(),
            CitationTarget::Link(_) | CitationTarget::Url(_) => None,
        });
        let wrong_speaker = r
            .speaker
            .as_ref()
            .filter(|_| v.status == Status::WrongSpeaker);
        FixData {
            version: Some(checked.version),
            status: v.status.as_str().to_string(),
            quote_range: position::range(&checked.rope, r.quote.range.clone(), enc),
            replacement: matches!(v.status, Status::Mismatch | Status::WrongSpeaker)
                .then(|| r.replacement(&checked.text))
                .flatten(),
            source_key: found.map(|m| key_of(&m.path)),
            source_title: found.and(info).and_then(|i| i.meta.title.clone()),
            cited: r.cited.clone(),
            key_range: key_range.map(|k| position::range(&checked.rope, k, enc)),
            cite_at: r
                .cited
                .is_none()
                .then(|| position::position(&checked.rope, after_quote(&checked.text, r), enc)),
            nearest: Vec::new(),
            url: None,
            source_url: found.and(info).and_then(|i| i.meta.url.clone()),
            speaker_range: wrong_speaker
                .map(|s| position::range(&checked.rope, s.claim.range.clone(), enc)),
            speaker: wrong_speaker.and_then(|s| s.check.replacement.clone()),
        }
    }

    /// What the fixes of an unknown citation need: the key's range and the keys it may mean.
    pub fn unknown(checked: &Checked, u: &UnknownCitation, enc: Encoding) -> FixData {
        FixData {
            version: Some(checked.version),
            status: "unknown-citation".into(),
            quote_range: position::range(&checked.rope, u.citation.range.clone(), enc),
            key_range: u
                .citation
                .key_range
                .clone()
                .map(|k| position::range(&checked.rope, k, enc)),
            nearest: u.nearest.clone(),
            url: match &u.citation.target {
                CitationTarget::Url(url) => Some(url.clone()),
                _ => None,
            },
            ..Default::default()
        }
    }
}

/// The command that archives web pages (see `super::commands`).
pub const ARCHIVE_COMMAND: &str = "sourced.archive";

/// A code action that archives `urls` (no edit: the command fetches them, and the captures
/// are indexed as they arrive).
pub fn archive(title: String, urls: &[String], diagnostic: Option<&Diagnostic>) -> CodeAction {
    CodeAction {
        title: title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d.clone()]),
        command: Some(Command {
            title,
            command: ARCHIVE_COMMAND.into(),
            arguments: Some(vec![serde_json::json!({ "urls": urls })]),
        }),
        ..Default::default()
    }
}

fn label(key: &str, title: Option<&str>) -> String {
    match title {
        Some(t) => format!("“{}” [@{key}]", shorten(t, 50)),
        None => format!("[@{key}]"),
    }
}

/// Where an edit goes: the note, and (for clients that take `documentChanges`) the version
/// its positions are for.
#[derive(Debug, Clone)]
pub struct Target {
    pub uri: Uri,
    pub version: Option<i32>,
}

impl Target {
    fn edit(&self, edit: TextEdit) -> WorkspaceEdit {
        match self.version {
            Some(version) => WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: self.uri.clone(),
                        version: Some(version),
                    },
                    edits: vec![OneOf::Left(edit)],
                }])),
                ..Default::default()
            },
            None => WorkspaceEdit {
                changes: Some(HashMap::from([(self.uri.clone(), vec![edit])])),
                ..Default::default()
            },
        }
    }
}

fn action(
    target: &Target,
    title: String,
    edit: TextEdit,
    diagnostic: Option<&Diagnostic>,
    preferred: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d.clone()]),
        edit: Some(target.edit(edit)),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    }
}

/// The quick fixes for one quote, as edits of the note at `data.version`: `documentChanges`
/// naming that version when the client takes them (`versioned`), else plain `changes`.
pub fn fixes(
    uri: &Uri,
    data: &FixData,
    diagnostic: Option<&Diagnostic>,
    versioned: bool,
) -> Vec<CodeAction> {
    let target = Target {
        uri: uri.clone(),
        version: data.version.filter(|_| versioned),
    };
    let uri = &target;
    let mut out = Vec::new();
    let title = data.source_title.as_deref();
    // The quotation in the source's wording (preferred unless a speaker fix comes first).
    let wording = |preferred: bool| {
        data.replacement.as_ref().map(|text| {
            action(
                uri,
                "Replace with the source's wording".into(),
                TextEdit::new(data.quote_range, text.clone()),
                diagnostic,
                preferred,
            )
        })
    };
    match data.status.as_str() {
        "mismatch" => out.extend(wording(true)),
        "wrong-speaker" => {
            if let (Some(range), Some(name)) = (data.speaker_range, &data.speaker) {
                out.push(action(
                    uri,
                    format!("Attribute to {name}, as the source does"),
                    TextEdit::new(range, name.clone()),
                    diagnostic,
                    true,
                ));
            }
            out.extend(wording(false));
        }
        "misattributed" => {
            // (A page is cited by its address: a key edit would not cite it.)
            if let (Some(key), Some(range), None) =
                (&data.source_key, data.key_range, &data.source_url)
            {
                out.push(action(
                    uri,
                    format!("Change citation to {}", label(key, title)),
                    TextEdit::new(range, key.clone()),
                    diagnostic,
                    true,
                ));
            }
        }
        "unknown-citation" => {
            if let Some(url) = &data.url {
                out.push(archive(
                    "Archive this page".into(),
                    std::slice::from_ref(url),
                    diagnostic,
                ));
            }
            if let Some(range) = data.key_range {
                for (i, (key, title)) in data.nearest.iter().enumerate() {
                    out.push(action(
                        uri,
                        format!("Change citation to {}", label(key, title.as_deref())),
                        TextEdit::new(range, key.clone()),
                        diagnostic,
                        i == 0,
                    ));
                }
            }
        }
        "verified" if data.source_url.is_some() => {
            if let (Some(url), Some(at)) = (&data.source_url, data.cite_at) {
                let text = title.map_or_else(|| "source".to_string(), |t| shorten(t, 50));
                out.push(action(
                    uri,
                    format!("Cite {url}"),
                    TextEdit::new(Range::new(at, at), format!(" ([{text}]({url}))")),
                    diagnostic,
                    false,
                ));
            }
        }
        "verified" => {
            if let (Some(key), Some(at)) = (&data.source_key, data.cite_at) {
                out.push(action(
                    uri,
                    format!("Cite {}", label(key, title)),
                    TextEdit::new(Range::new(at, at), format!(" [@{key}]")),
                    diagnostic,
                    false,
                ));
            }
        }
        _ => {}
    }
    out
}

/// The fixes a `sourced` diagnostic carries, if it was made for the note's `current` version
/// (fixes for another version would edit the wrong text: the caller offers the current
/// results' fixes instead).
pub fn from_diagnostic(
    uri: &Uri,
    diagnostic: &Diagnostic,
    current: i32,
    versioned: bool,
) -> Vec<CodeAction> {
    if diagnostic.source.as_deref() != Some(super::describe::DIAGNOSTIC_SOURCE) {
        return Vec::new();
    }
    if super::no_sources::is_no_sources(diagnostic) {
        return super::no_sources::action(uri, diagnostic)
            .into_iter()
            .collect();
    }
    let Some(data) = diagnostic
        .data
        .clone()
        .and_then(|d| serde_json::from_value::<FixData>(d).ok())
    else {
        return Vec::new();
    };
    if data.version != Some(current) {
        return Vec::new();
    }
    fixes(uri, &data, Some(diagnostic), versioned)
}
