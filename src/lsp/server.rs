//! The `LanguageServer` implementation: protocol handlers kept thin. Each one reads what it
//! needs from the [`State`], hands heavy work to the blocking pool and converts the answer;
//! the feature modules (`hover`, `definition`, …) do the actual work.

use super::documents::{note_path, Checked};
use super::position::{self, Encoding};
use super::schedule::Lookup;
use super::settings::Settings;
use super::state::{blocking, lock, write, ClientCaps, IndexStatus, State};
use super::{actions, commands, completion, definition, entities, hover, symbols, workspace};
use crate::quotes::extract;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The language server: a client handle and the shared state. Cheap to clone into tasks.
#[derive(Clone)]
pub struct Server {
    pub(crate) client: Client,
    pub(crate) state: Arc<State>,
}

impl Server {
    pub fn new(client: Client, state: Arc<State>) -> Server {
        Server { client, state }
    }

    /// Run `f` on the current results of `uri` off the runtime. `None` for unknown documents;
    /// while the index is not ready, `building` is given the note's text instead.
    async fn with_checked<T: Send + 'static>(
        &self,
        uri: &Uri,
        what: &'static str,
        f: impl FnOnce(&Checked, Encoding, &State) -> Option<T> + Send + 'static,
        building: impl FnOnce(&ropey::Rope, Encoding) -> Option<T> + Send + 'static,
    ) -> Option<T> {
        let enc = self.state.encoding();
        match self.lookup(uri).await {
            Lookup::Unknown => None,
            Lookup::NotReady(rope) => blocking(what, move || building(&rope, enc)).await?,
            Lookup::Ready(checked) => {
                let state = self.state.clone();
                blocking(what, move || f(&checked, enc, &state)).await?
            }
        }
    }

    /// Watch source files (and `sourced.toml`) through the client, if it can register
    /// watchers dynamically.
    async fn register_watchers(&self) {
        let watchers: Vec<FileSystemWatcher> = [
            "**/*.{txt,md,markdown,html,htm}",
            "**/sourced.toml",
            "**/entities.toml",
        ]
        .into_iter()
        .map(|g| FileSystemWatcher {
            glob_pattern: GlobPattern::String(g.to_string()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "sourced-watch-sources".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("could not register file watchers: {e}");
        }
    }

    /// New settings from the client: apply, and re-open or re-check as needed.
    async fn apply_settings(&self, value: &serde_json::Value) {
        let (old, new, problems) = {
            let mut conf = write(&self.state.conf);
            let (new, problems) = conf.settings.merged(value);
            let old = std::mem::replace(&mut conf.settings, new.clone());
            (old, new, problems)
        };
        for p in problems {
            self.client
                .show_message(MessageType::WARNING, format!("sourced: {p}"))
                .await;
        }
        if old.sources != new.sources {
            self.open_index();
            return;
        }
        if old.min_words != new.min_words {
            // `None` again: back to sourced.toml's value.
            let n = new.min_words;
            let state = self.state.clone();
            blocking("setting min_words", move || {
                state.index.with_mut(|c| {
                    c.min_words = n.unwrap_or(c.workspace.config.min_words);
                })
            })
            .await;
        }
        if old != new {
            self.recheck_all(Duration::ZERO);
        }
        if old.inlay_hints != new.inlay_hints {
            self.refresh_inlay_hints();
        }
    }
}

fn caps_of(c: &ClientCapabilities) -> ClientCaps {
    let ws = c.workspace.as_ref();
    ClientCaps {
        work_done_progress: c
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_registration: ws
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        configuration: ws.and_then(|w| w.configuration).unwrap_or(false),
        inlay_hint_refresh: ws
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|i| i.refresh_support)
            .unwrap_or(false),
    }
}

/// The workspace folder: the first of `workspaceFolders`, else `rootUri`.
fn root_of(params: &InitializeParams) -> Option<std::path::PathBuf> {
    #[allow(deprecated)] // rootUri is the fallback for older clients
    let root_uri = params.root_uri.as_ref();
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(root_uri)
        .and_then(|u| u.to_file_path())
        .map(|p| crate::config::absolute(&p))
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let (settings, problems) = match &params.initialization_options {
            Some(v) => Settings::default().merged(v),
            None => (Settings::default(), Vec::new()),
        };
        {
            let mut conf = write(&self.state.conf);
            conf.encoding = encoding;
            conf.caps = caps_of(&params.capabilities);
            conf.settings = settings;
            conf.root = root_of(&params);
            conf.problems = problems;
        }
        tracing::info!(
            "initialize: {:?} positions, root {:?}",
            encoding,
            self.state.conf().root
        );
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..Default::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["@".into()]),
                    ..Default::default()
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: commands::all(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "sourced".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let conf = self.state.conf();
        for p in &conf.problems {
            self.client
                .show_message(MessageType::WARNING, format!("sourced: {p}"))
                .await;
        }
        if conf.root.is_some() && !self.state.index_started.swap(true, Ordering::SeqCst) {
            self.open_index();
        }
        if conf.caps.watch_registration {
            self.register_watchers().await;
        }
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        self.execute(&params.command).await
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = note_path(&doc.uri);
        lock(&self.state.docs).open(doc.uri.clone(), &doc.text, doc.version);
        // Single-file mode: the first note opened locates the workspace.
        let needs_start = {
            let mut conf = write(&self.state.conf);
            if conf.root.is_none() && conf.first_note.is_none() {
                conf.first_note = Some(path);
            }
            conf.root.is_some() || conf.first_note.is_some()
        };
        if needs_start && !self.state.index_started.swap(true, Ordering::SeqCst) {
            self.open_index();
        }
        self.schedule_check(doc.uri, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let enc = self.state.encoding();
        // Applied before any `.await`: edits land in the order they were sent.
        let known = {
            let mut docs = lock(&self.state.docs);
            match docs.get_mut(&uri) {
                None => false,
                Some(doc) => {
                    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        for change in &params.content_changes {
                            doc.apply(change, enc);
                        }
                    }));
                    if applied.is_err() {
                        tracing::error!("applying an edit to {} panicked", uri.as_str());
                    }
                    doc.version = params.text_document.version;
                    true
                }
            }
        };
        if !known {
            tracing::warn!(
                "didChange for a document that is not open: {}",
                uri.as_str()
            );
            return;
        }
        self.schedule_check(uri, self.state.settings().debounce);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.state.docs).close(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut value = params.settings;
        let has_section = value.as_object().is_some_and(|m| m.contains_key("sourced"));
        if !has_section && self.state.conf().caps.configuration {
            // Pull-style clients send an empty notification: ask for the section.
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("sourced".into()),
            };
            match self.client.configuration(vec![item]).await {
                Ok(mut v) if !v.is_empty() && !v[0].is_null() => {
                    value = serde_json::json!({ "sourced": v.remove(0) });
                }
                Ok(_) => return,
                Err(e) => {
                    tracing::warn!("workspace/configuration: {e}");
                    return;
                }
            }
        }
        self.apply_settings(&value).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths = workspace::paths_of(params.changes.iter().map(|c| &c.uri));
        if !paths.is_empty() {
            self.update_sources(paths);
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let pos = p.position;
        let status = self.state.index.status();
        let min_words = self
            .state
            .settings()
            .min_words
            .unwrap_or(crate::config::Config::default().min_words);
        Ok(self
            .with_checked(
                &p.text_document.uri,
                "hover",
                move |c, enc, state| {
                    let offset = position::offset(&c.rope, pos, enc);
                    hover::hover(c, offset, enc, state)
                },
                move |rope, enc| {
                    // Not checked yet: say why, on quotations only.
                    let offset = position::offset(rope, pos, enc);
                    let text = rope.to_string();
                    let scan = extract::scan(&text, min_words);
                    let q = scan
                        .quotes
                        .iter()
                        .find(|q| q.range.start <= offset && offset <= q.range.end)?;
                    let message = match status {
                        IndexStatus::Failed(e) => {
                            format!(
                                "**sourced**: the index of the sources could not be opened: {e}"
                            )
                        }
                        _ => hover::BUILDING.to_string(),
                    };
                    Some(hover::markdown(
                        message,
                        Some(position::range(rope, q.range.clone(), enc)),
                    ))
                },
            )
            .await)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let pos = p.position;
        Ok(self
            .with_checked(
                &p.text_document.uri,
                "definition",
                move |c, enc, state| {
                    definition::definition(c, position::offset(&c.rope, pos, enc), enc, state)
                },
                |_, _| None,
            )
            .await)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let mut out: Vec<CodeAction> = params
            .context
            .diagnostics
            .iter()
            .flat_map(|d| actions::from_diagnostic(&uri, d))
            .collect();
        // "Cite" for verified quotes, which have no diagnostic unless configured.
        let range = params.range;
        let target = uri.clone();
        let extra = self
            .with_checked(
                &uri,
                "code actions",
                move |c, enc, state| {
                    let wanted = position::byte_range(&c.rope, range, enc);
                    let mut v = Vec::new();
                    for r in &c.results {
                        let q = &r.quote.range;
                        let overlaps = q.start <= wanted.end && wanted.start <= q.end;
                        if overlaps && r.cited.is_none() {
                            let info = r
                                .verdict
                                .best
                                .as_ref()
                                .and_then(|m| state.index.source_info(&m.path));
                            let data = actions::FixData::new(c, r, info.as_ref(), enc);
                            if data.status == "verified" {
                                v.extend(actions::fixes(&target, &data, None));
                            }
                        }
                    }
                    Some(v)
                },
                |_, _| None,
            )
            .await
            .unwrap_or_default();
        for a in extra {
            if !out.iter().any(|o| o.title == a.title) {
                out.push(a);
            }
        }
        Ok((!out.is_empty()).then(|| {
            out.into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect()
        }))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        let rope = {
            let docs = lock(&self.state.docs);
            match docs.get(&p.text_document.uri) {
                Some(d) => d.rope.clone(),
                None => return Ok(None),
            }
        };
        let enc = self.state.encoding();
        let state = self.state.clone();
        let pos = p.position;
        Ok(blocking("completion", move || {
            // Only look up the sources when the cursor is in a citation…
            if completion::key_at(&rope, pos, enc).is_some() {
                let catalog = state.index.catalog()?;
                return completion::completion(&rope, pos, enc, &catalog);
            }
            // …else entity names, when a capitalised word is being typed.
            let cursor = position::char_index(&rope, pos, enc);
            if entities::prefixes_before(&rope, cursor).is_empty() {
                return None;
            }
            let ents = state.index.entities()?;
            let items = entities::completion(&rope, cursor, enc, &ents);
            (!items.is_empty()).then_some(CompletionResponse::Array(items))
        })
        .await
        .flatten())
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let pos = p.position;
        let uri = p.text_document.uri.clone();
        Ok(self
            .with_checked(
                &p.text_document.uri,
                "references",
                move |c, enc, state| {
                    let offset = position::offset(&c.rope, pos, enc);
                    let ents = state.index.entities()?;
                    let (_, e) = ents.table.at(&c.text, offset)?;
                    let found =
                        entities::references(e, &ents, state, enc, (&uri, &c.rope, &c.text));
                    (!found.is_empty()).then_some(found)
                },
                |_, _| None,
            )
            .await)
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let enc = self.state.encoding();
        let state = self.state.clone();
        Ok(blocking("workspace symbols", move || {
            let ents = state.index.entities()?;
            let found = entities::workspace_symbols(&params.query, &ents, &state, enc);
            Some(WorkspaceSymbolResponse::Flat(found))
        })
        .await
        .flatten())
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !self.state.settings().inlay_hints {
            return Ok(None);
        }
        let range = params.range;
        Ok(self
            .with_checked(
                &params.text_document.uri,
                "inlay hints",
                move |c, enc, state| Some(symbols::inlay_hints(c, range, enc, state)),
                |_, _| None,
            )
            .await)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .with_checked(
                &params.text_document.uri,
                "document symbols",
                |c, enc, _| {
                    Some(DocumentSymbolResponse::Nested(symbols::document_symbols(
                        c, enc,
                    )))
                },
                |_, _| None,
            )
            .await)
    }
}
