//! The notes' text: didOpen, didChange, didClose. Edits are applied before any `.await`, so
//! they land in the order the client sent them.

use crate::lsp::documents::note_path;
use crate::lsp::session::Session;
use crate::lsp::sync::lock;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tower_lsp_server::ls_types::*;

impl Session {
    pub(crate) async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = note_path(&doc.uri);
        let (folder, new) = self.state.folder_for(&path);
        lock(&self.state.docs).open(doc.uri.clone(), &doc.text, doc.version, folder.clone());
        if new && self.state.initialized.load(Ordering::SeqCst) {
            self.start_indexer(folder);
        }
        self.schedule_check(doc.uri, Duration::ZERO);
    }

    pub(crate) async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let enc = self.state.encoding();
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

    pub(crate) async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        lock(&self.state.docs).close(&uri);
        if !self.state.conf().caps.pull_diagnostics {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }
}
