//! textDocument/documentSymbol, workspace/symbol and textDocument/inlayHint.

use crate::lsp::session::Session;
use crate::lsp::sync::blocking;
use crate::lsp::{entities, symbols};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

impl Session {
    pub(crate) async fn workspace_symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let enc = self.state.encoding();
        let folders = self.state.folders();
        Ok(blocking("workspace symbols", move || {
            let snaps: Vec<_> = folders.iter().filter_map(|f| f.snapshot()).collect();
            // Not open yet: no answer rather than an empty one.
            if snaps.is_empty() {
                return None;
            }
            let mut found = Vec::new();
            for snap in snaps {
                if let Some(ents) = snap.entities() {
                    found.extend(entities::workspace_symbols(
                        &params.query,
                        &ents,
                        &snap,
                        enc,
                    ));
                }
            }
            Some(WorkspaceSymbolResponse::Flat(found))
        })
        .await
        .flatten())
    }

    pub(crate) async fn inlay_hint(
        &self,
        params: InlayHintParams,
    ) -> Result<Option<Vec<InlayHint>>> {
        if !self.state.settings().inlay_hints {
            return Ok(None);
        }
        let range = params.range;
        Ok(self
            .with_checked(
                &params.text_document.uri,
                "inlay hints",
                move |c, enc| Some(symbols::inlay_hints(c, range, enc, &c.index)),
                |_, _| None,
            )
            .await)
    }

    pub(crate) async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .with_checked(
                &params.text_document.uri,
                "document symbols",
                |c, enc| {
                    Some(DocumentSymbolResponse::Nested(symbols::document_symbols(
                        c, enc,
                    )))
                },
                |_, _| None,
            )
            .await)
    }
}
