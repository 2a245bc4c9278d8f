//! textDocument/definition and textDocument/references: from a quotation or citation to the
//! source, from a name to where the sources mention it.

use crate::lsp::session::Session;
use crate::lsp::{definition, entities, position};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

impl Session {
    pub(crate) async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let pos = p.position;
        Ok(self
            .with_checked(
                &p.text_document.uri,
                "definition",
                move |c, enc| {
                    definition::definition(c, position::offset(&c.rope, pos, enc), enc, &c.index)
                },
                |_, _| None,
            )
            .await)
    }

    pub(crate) async fn references(
        &self,
        params: ReferenceParams,
    ) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let pos = p.position;
        let uri = p.text_document.uri.clone();
        Ok(self
            .with_checked(
                &p.text_document.uri,
                "references",
                move |c, enc| {
                    let offset = position::offset(&c.rope, pos, enc);
                    let ents = c.index.entities()?;
                    let (_, e) = ents.table.at(&c.text, offset)?;
                    let found =
                        entities::references(e, &ents, &c.index, enc, (&uri, &c.rope, &c.text));
                    (!found.is_empty()).then_some(found)
                },
                |_, _| None,
            )
            .await)
    }
}
