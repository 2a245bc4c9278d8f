//! The `LanguageServer` implementation: dispatch only. Each handler lives in `handlers/`, one
//! module per request family, as a method of [`Session`].

use super::session::Session;
use super::state::State;
use super::status::StatusReport;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The language server: a [`Session`] that tower-lsp-server calls into.
pub struct Server {
    session: Session,
}

impl Server {
    pub fn new(client: Client, state: Arc<State>) -> Server {
        Server {
            session: Session { client, state },
        }
    }

    /// The `sourced/status` request.
    pub async fn status(&self) -> Result<StatusReport> {
        self.session.status_request().await
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        self.session.initialize(params).await
    }

    async fn initialized(&self, _: InitializedParams) {
        self.session.initialized().await
    }

    async fn shutdown(&self) -> Result<()> {
        self.session.state.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.session.did_open(params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.session.did_change(params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.session.did_close(params).await
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        self.session.did_change_workspace_folders(params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.session.did_change_configuration(params).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.session.did_change_watched_files(params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        self.session.execute_command(params).await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.session.document_diagnostic(params).await
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        self.session.workspace_diagnostic(params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.session.hover(params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        self.session.goto_definition(params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.session.references(params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.session.code_action(params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.session.completion(params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        self.session.workspace_symbol(params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.session.inlay_hint(params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.session.code_lens(params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.session.document_link(params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.session.document_symbol(params).await
    }
}
