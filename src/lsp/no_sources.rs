//! A workspace with no source: no quotation gets a verdict (against nothing, every one would
//! be "not found"). Instead:
//!
//! - each open note gets one information diagnostic (code `no-sources`) on its first
//!   quotation, or its first line, that says why; notes that are not open get none (the
//!   Problems list of a workspace-wide pull says it once per open note, not once per note);
//! - the status is `no-sources` (see `status.rs`);
//! - once per folder and session, a message with the action **Create sourced.toml…**;
//! - that action, the diagnostic's code action and the `sourced.init` command ask which
//!   folder holds the sources (`window/showMessageRequest`, the folders
//!   [`crate::setup::candidates`] proposes) and send a `workspace/applyEdit` that creates
//!   `sourced.toml` with [`crate::setup::template`]'s text. The client applies it (the
//!   server never writes the file); once saved, the watched `sourced.toml` re-opens the
//!   workspace.

use super::documents::note_path;
use super::folder::{Folder, IndexSnapshot};
use super::position::{self, Encoding};
use super::session::Session;
use super::sync::blocking;
use crate::config::FILE_NAME;
use ropey::Rope;
use serde_json::{json, Value};
use std::ops::Range;
use std::sync::Arc;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, Command, CreateFile, CreateFileOptions, Diagnostic,
    DiagnosticSeverity, DocumentChangeOperation, DocumentChanges, MessageActionItem, MessageType,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range as LspRange,
    ResourceOp, ShowDocumentParams, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

/// The diagnostic code.
pub const CODE: &str = "no-sources";
/// The command that creates `sourced.toml`.
pub const INIT: &str = "sourced.init";
/// The title of the action that runs it.
pub const CREATE: &str = "Create sourced.toml…";
/// Folders offered at most in the question.
const MAX_CHOICES: usize = 5;

/// Why a folder's index has nothing to check with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSources {
    /// A few words, for the status bar and its message.
    pub summary: String,
    /// The sentence of the diagnostic: the summary and what makes quotations checked.
    pub sentence: String,
    /// No `sourced.toml` applies: creating one is the way out.
    pub can_create: bool,
}

/// Whether `snap`'s index holds no source, and why (blocking: counting reads the index).
pub fn of(snap: &IndexSnapshot) -> Option<NoSources> {
    let c = &snap.checker;
    if c.has_sources() {
        return None;
    }
    let (_, skipped) = c.index().counts();
    let can_create = c.workspace.file.is_none();
    let (summary, until) = if skipped > 0 {
        (
            format!(
                "no source could be read ({skipped} file{} skipped, see the log)",
                if skipped == 1 { "" } else { "s" }
            ),
            "a source is indexed".to_string(),
        )
    } else if c.default_sources {
        (
            "no sources configured".to_string(),
            format!("{FILE_NAME} names a sources folder"),
        )
    } else {
        let named: Vec<&str> = c
            .specs
            .iter()
            .filter(|s| !c.workspace.is_web_folder(s))
            .map(String::as_str)
            .collect();
        (
            format!("no source files in {}", named.join(", ")),
            format!(
                "they hold source documents ({})",
                crate::check::SOURCE_FORMATS
            ),
        )
    };
    Some(NoSources {
        sentence: format!("{summary}: quotations are not checked until {until}"),
        summary,
        can_create,
    })
}

/// The one diagnostic of a note checked without sources: on its first quotation (`first`,
/// bytes), else on its first line.
pub fn diagnostic(
    why: &NoSources,
    rope: &Rope,
    first: Option<Range<usize>>,
    enc: Encoding,
) -> Diagnostic {
    let range = match first {
        Some(r) => position::range(rope, r, enc),
        None => LspRange::new(Position::new(0, 0), Position::new(1, 0)),
    };
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String(CODE.into())),
        source: Some(super::describe::DIAGNOSTIC_SOURCE.to_string()),
        message: why.sentence.clone(),
        data: Some(json!({ "canCreate": why.can_create })),
        ..Default::default()
    }
}

/// Whether `d` is the no-sources diagnostic.
pub fn is_no_sources(d: &Diagnostic) -> bool {
    d.code == Some(NumberOrString::String(CODE.into()))
}

/// The code action of a no-sources diagnostic of the note `uri`: **Create sourced.toml…**
/// (none when a `sourced.toml` already applies).
pub fn action(uri: &Uri, d: &Diagnostic) -> Option<CodeAction> {
    let can_create = d
        .data
        .as_ref()
        .and_then(|v| v["canCreate"].as_bool())
        .unwrap_or(false);
    can_create.then(|| CodeAction {
        title: CREATE.into(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        command: Some(command(Some(uri))),
        is_preferred: Some(true),
        ..Default::default()
    })
}

/// The `sourced.init` command, for the workspace of `note` if given.
pub fn command(note: Option<&Uri>) -> Command {
    Command {
        title: CREATE.into(),
        command: INIT.into(),
        arguments: note.map(|n| vec![json!({ "note": n })]),
    }
}

/// The argument of `sourced.init`: the note whose workspace gets the file, or the folder.
#[derive(Debug, Default, serde::Deserialize)]
struct InitParams {
    #[serde(default)]
    note: Option<Uri>,
    #[serde(default)]
    folder: Option<Uri>,
}

impl Session {
    /// Say once per folder that it has no sources, with **Create sourced.toml…** when no
    /// `sourced.toml` applies (off the indexer's task: the answer may never come).
    pub(crate) fn tell_no_sources(&self, folder: &Arc<Folder>, why: String, can_create: bool) {
        if folder
            .told_no_sources
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            return;
        }
        let this = self.clone();
        let folder = folder.clone();
        tokio::spawn(async move {
            let message = format!(
                "sourced: {why}. Quotations are not checked until there are sources: set \
                 `sources` in {FILE_NAME} (or in the editor's sourced settings)."
            );
            let actions = can_create.then(|| {
                vec![MessageActionItem {
                    title: CREATE.into(),
                    properties: Default::default(),
                }]
            });
            let answer = this
                .client
                .show_message_request(MessageType::WARNING, message, actions)
                .await;
            if matches!(answer, Ok(Some(ref a)) if a.title == CREATE) {
                if let Err(e) = this.init_folder(&folder).await {
                    tracing::warn!("{INIT}: {}", e.message);
                }
            }
        });
    }

    /// `sourced.init` with `[{"note": uri}]` or `[{"folder": uri}]` (else the first folder
    /// without sources, else the first folder). Returns `{"created": uri or null, "sources":
    /// [..]}`.
    pub(crate) async fn init_command(&self, arguments: Vec<Value>) -> Result<Value> {
        let params: InitParams = match arguments.into_iter().next() {
            Some(v) => serde_json::from_value(v)
                .map_err(|e| Error::invalid_params(format!("{INIT}: {e}")))?,
            None => InitParams::default(),
        };
        let folders = self.state.folders();
        let folder = if let Some(note) = &params.note {
            self.state.existing_folder(&note_path(note))
        } else if let Some(uri) = &params.folder {
            folders
                .iter()
                .find(|f| f.uri.as_ref() == Some(uri))
                .cloned()
        } else {
            let empty = folders.iter().find(|f| {
                let Some(snap) = f.snapshot() else {
                    return false;
                };
                !snap.checker.has_sources()
            });
            empty.or(folders.first()).cloned()
        };
        let folder =
            folder.ok_or_else(|| Error::invalid_params(format!("{INIT}: no workspace folder")))?;
        self.init_folder(&folder).await
    }

    /// Ask which folder holds the sources and send the edit that creates `sourced.toml` in
    /// `folder`'s root.
    async fn init_folder(&self, folder: &Arc<Folder>) -> Result<Value> {
        let root = folder.root();
        let file = root.join(FILE_NAME);
        let not_created = json!({ "created": null, "sources": [] });
        if file.exists() {
            self.client
                .show_message(
                    MessageType::INFO,
                    format!(
                        "sourced: {} already exists: name the sources folder in its `sources`",
                        file.display()
                    ),
                )
                .await;
            return Ok(not_created);
        }
        let Some(uri) = super::sources::file_uri(&file) else {
            return Err(Error::invalid_params(format!(
                "{INIT}: {} has no file URI",
                file.display()
            )));
        };
        let scan_root = root.clone();
        let found = blocking("looking for source folders", move || {
            crate::setup::candidates(&scan_root)
        })
        .await
        .unwrap_or_default();
        let sources = if found.is_empty() {
            Vec::new()
        } else {
            let offered: Vec<_> = found.iter().take(MAX_CHOICES).collect();
            let list: Vec<String> = offered
                .iter()
                .map(|c| {
                    format!(
                        "{} ({} file{})",
                        c.spec,
                        c.files,
                        if c.files == 1 { "" } else { "s" }
                    )
                })
                .collect();
            let actions = offered
                .iter()
                .map(|c| MessageActionItem {
                    title: c.spec.clone(),
                    properties: Default::default(),
                })
                .collect();
            let asked = self
                .client
                .show_message_request(
                    MessageType::INFO,
                    format!(
                        "sourced: which folder holds the source documents? {FILE_NAME} will name \
                         it in `sources`. Found: {}.",
                        list.join(", ")
                    ),
                    Some(actions),
                )
                .await;
            let picked = match asked {
                Ok(Some(item)) => found.iter().find(|c| c.spec == item.title),
                _ => None,
            };
            let Some(picked) = picked else {
                return Ok(not_created);
            };
            vec![picked.clone()]
        };
        let entries = crate::setup::entries(&sources);
        let text = crate::setup::template(&entries);
        let edit = create_file_edit(&uri, text);
        let applied = self.client.apply_edit(edit).await;
        let names: Vec<String> = if entries.is_empty() {
            vec!["sources".to_string()]
        } else {
            entries.iter().map(|(s, _)| s.clone()).collect()
        };
        match applied {
            Ok(r) if r.applied => {
                if self.state.conf().caps.show_document {
                    let show = ShowDocumentParams {
                        uri: uri.clone(),
                        external: None,
                        take_focus: Some(true),
                        selection: None,
                    };
                    if let Err(e) = self.client.show_document(show).await {
                        tracing::debug!("window/showDocument: {e}");
                    }
                }
                self.client
                    .show_message(
                        MessageType::INFO,
                        format!(
                            "sourced: {FILE_NAME} created with sources = {names:?}; once it is \
                             saved, the sources are indexed and the quotations checked"
                        ),
                    )
                    .await;
                Ok(json!({ "created": uri, "sources": names }))
            }
            Ok(r) => {
                let why = r
                    .failure_reason
                    .unwrap_or_else(|| "the editor declined".into());
                self.client
                    .show_message(
                        MessageType::WARNING,
                        format!(
                            "sourced: {FILE_NAME} was not created ({why}); `sourced init` in a \
                             terminal writes it"
                        ),
                    )
                    .await;
                Ok(not_created)
            }
            Err(e) => Err(Error::invalid_params(format!(
                "{INIT}: the editor did not apply the edit: {}",
                e.message
            ))),
        }
    }
}

/// A workspace edit that creates the file `uri` (never over an existing one) with `text`.
pub fn create_file_edit(uri: &Uri, text: String) -> WorkspaceEdit {
    let create = CreateFile {
        uri: uri.clone(),
        options: Some(CreateFileOptions {
            overwrite: Some(false),
            ignore_if_exists: Some(false),
        }),
        annotation_id: None,
    };
    let fill = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: uri.clone(),
            version: None,
        },
        edits: vec![OneOf::Left(TextEdit::new(
            LspRange::new(Position::new(0, 0), Position::new(0, 0)),
            text,
        ))],
    };
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(create)),
            DocumentChangeOperation::Edit(fill),
        ])),
        ..Default::default()
    }
}
