//! The session and the workspace: initialize (capabilities), initialized, workspace folders
//! (multi-root), watched files, configuration and executeCommand.

use crate::lsp::folder::IndexJob;
use crate::lsp::indexer::paths_of;
use crate::lsp::position::Encoding;
use crate::lsp::session::Session;
use crate::lsp::settings::Settings;
use crate::lsp::state::ClientCaps;
use crate::lsp::sync::write;
use crate::lsp::{commands, status};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

fn caps_of(c: &ClientCapabilities) -> ClientCaps {
    let ws = c.workspace.as_ref();
    let doc = c.text_document.as_ref();
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
        code_lens_refresh: ws
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false),
        pull_diagnostics: doc.and_then(|d| d.diagnostic.as_ref()).is_some(),
        diagnostic_refresh: ws
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false),
        document_changes: ws
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        show_document: c
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support),
    }
}

/// The workspace folders, else `rootUri` (older clients), as URIs and paths.
fn folders_of(params: &InitializeParams) -> Vec<(Uri, PathBuf)> {
    #[allow(deprecated)] // rootUri is the fallback for older clients
    let root_uri = params.root_uri.clone();
    let uris: Vec<Uri> = match &params.workspace_folders {
        Some(f) if !f.is_empty() => f.iter().map(|f| f.uri.clone()).collect(),
        _ => root_uri.into_iter().collect(),
    };
    uris.into_iter()
        .filter_map(|u| {
            let p = crate::lsp::sources::uri_path(&u)?;
            Some((u.clone(), crate::config::absolute(&p)))
        })
        .collect()
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
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
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["@".into()]),
            ..Default::default()
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: commands::all(),
            ..Default::default()
        }),
        // A note's diagnostics depend on the sources (other files), and every note of the
        // workspace can be reported, open or not.
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("sourced".into()),
            inter_file_dependencies: true,
            workspace_diagnostics: true,
            ..Default::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

impl Session {
    pub(crate) async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
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
            conf.problems = problems;
        }
        let folders = folders_of(&params);
        tracing::info!(
            "initialize: {:?} positions, folders {:?}",
            encoding,
            folders.iter().map(|(_, p)| p).collect::<Vec<_>>()
        );
        for (uri, path) in folders {
            self.state.add_folder(uri, path);
        }
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "sourced".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    pub(crate) async fn initialized(&self) {
        let conf = self.state.conf();
        for p in &conf.problems {
            self.client
                .show_message(MessageType::WARNING, format!("sourced: {p}"))
                .await;
        }
        self.state.initialized.store(true, Ordering::SeqCst);
        for folder in self.state.folders() {
            self.start_indexer(folder);
        }
        if conf.caps.watch_registration {
            self.register_watchers().await;
        }
    }

    /// Watch source files (and `sourced.toml`) through the client, if it can register
    /// watchers dynamically.
    async fn register_watchers(&self) {
        let watchers: Vec<FileSystemWatcher> = [
            "**/*.{txt,md,markdown,html,htm}",
            "**/sourced.toml",
            "**/entities.toml",
            // Bibliographies (`.json`: CSL JSON); a change re-checks the notes.
            "**/*.{bib,bibtex,json}",
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

    pub(crate) async fn did_change_workspace_folders(
        &self,
        params: DidChangeWorkspaceFoldersParams,
    ) {
        for removed in &params.event.removed {
            if let Some(folder) = self.state.remove_folder(&removed.uri) {
                folder.request(IndexJob::Close);
                tracing::info!("workspace folder removed: {}", folder.start.display());
            }
        }
        for added in params.event.added {
            let Some(path) = crate::lsp::sources::uri_path(&added.uri) else {
                continue;
            };
            let path = crate::config::absolute(&path);
            if let Some(folder) = self.state.add_folder(added.uri, path) {
                tracing::info!("workspace folder added: {}", folder.start.display());
                self.start_indexer(folder);
            }
        }
        // Open notes may belong to another folder now.
        self.rehome_documents();
        self.publish_status().await;
        self.recheck_all(Duration::ZERO);
        self.refresh_diagnostics();
    }

    /// Give every open note the folder it belongs to now.
    fn rehome_documents(&self) {
        let docs: Vec<(Uri, PathBuf)> = {
            let docs = crate::lsp::sync::lock(&self.state.docs);
            docs.uris()
                .into_iter()
                .filter_map(|u| docs.get(&u).map(|d| (u, d.path.clone())))
                .collect()
        };
        for (uri, path) in docs {
            let (folder, new) = self.state.folder_for(&path);
            if new {
                self.start_indexer(folder.clone());
            }
            if let Some(doc) = crate::lsp::sync::lock(&self.state.docs).get_mut(&uri) {
                doc.folder = folder;
            }
        }
    }

    pub(crate) async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths = paths_of(params.changes.iter().map(|c| &c.uri));
        if !paths.is_empty() {
            self.files_changed(paths);
        }
    }

    pub(crate) async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
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

    /// New settings from the client: apply, and re-open or re-check as needed.
    async fn apply_settings(&self, value: &serde_json::Value) {
        let (old, new, problems) = {
            let mut conf = write(&self.state.conf);
            let (new, problems) = conf.settings.merged(value);
            let old = std::mem::replace(&mut conf.settings, new.clone());
            // Before any `.await`: a pull that comes next must not get results made under
            // the old settings.
            if old != new {
                self.state.epoch.fetch_add(1, Ordering::SeqCst);
            }
            (old, new, problems)
        };
        for p in problems {
            self.client
                .show_message(MessageType::WARNING, format!("sourced: {p}"))
                .await;
        }
        if old.sources != new.sources {
            for folder in self.state.folders() {
                folder.request(IndexJob::Open);
            }
            return;
        }
        if old != new {
            self.recheck_all(Duration::ZERO);
            self.refresh_diagnostics();
        }
        if old.inlay_hints != new.inlay_hints {
            self.refresh_inlay_hints();
        }
        if old.code_lens != new.code_lens {
            self.refresh_code_lenses();
        }
    }

    pub(crate) async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<LSPAny>> {
        self.execute(&params.command, params.arguments).await
    }

    pub(crate) async fn status_request(&self) -> Result<status::StatusReport> {
        self.status().await
    }
}
