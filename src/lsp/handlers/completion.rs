//! textDocument/completion: citation keys after `@`, entity names while a capitalised word
//! is typed.

use crate::lsp::session::Session;
use crate::lsp::sync::{blocking, lock};
use crate::lsp::{completion, entities, position};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

/// How much of a note's start is read for its front matter's `bibliography:`.
const FRONT_MATTER_CHARS: usize = 64 * 1024;

impl Session {
    pub(crate) async fn completion(
        &self,
        params: CompletionParams,
    ) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        // The note's text and its folder's index as they are now: completion never waits for
        // a check or for the indexer.
        let (rope, folder, path) = {
            let docs = lock(&self.state.docs);
            match docs.get(&p.text_document.uri) {
                Some(d) => (d.rope.clone(), d.folder.clone(), d.path.clone()),
                None => return Ok(None),
            }
        };
        let enc = self.state.encoding();
        let pos = p.position;
        Ok(blocking("completion", move || {
            let snap = folder.snapshot()?;
            // Only look up the sources when the cursor is in a citation…
            if completion::key_at(&rope, pos, enc).is_some() {
                // The front matter (where `bibliography:` is) is at the note's start.
                let head = rope
                    .slice(..rope.len_chars().min(FRONT_MATTER_CHARS))
                    .to_string();
                let bib = snap.checker.note_bibliography(&path, &head);
                let root = snap.root().to_path_buf();
                return completion::completion(&rope, pos, enc, &snap.catalog(), &bib, &root);
            }
            // …else entity names, when a capitalised word is being typed.
            let cursor = position::char_index(&rope, pos, enc);
            if entities::prefixes_before(&rope, cursor).is_empty() {
                return None;
            }
            let ents = snap.entities()?;
            let items = entities::completion(&rope, cursor, enc, &ents);
            (!items.is_empty()).then_some(CompletionResponse::Array(items))
        })
        .await
        .flatten())
    }
}
