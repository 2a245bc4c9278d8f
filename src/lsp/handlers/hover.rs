//! textDocument/hover: the verdict and source passage of a quotation, a citation's source, or
//! what the sources say about a name.

use crate::lsp::folder::IndexStatus;
use crate::lsp::session::Session;
use crate::lsp::{hover, position};
use crate::quotes::extract;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

impl Session {
    pub(crate) async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let pos = p.position;
        let uri = p.text_document.uri;
        let status = {
            let docs = crate::lsp::sync::lock(&self.state.docs);
            docs.get(&uri).map(|d| d.folder.status())
        };
        let min_words = self
            .state
            .settings()
            .min_words
            .unwrap_or(crate::config::Config::default().min_words);
        Ok(self
            .with_checked(
                &uri,
                "hover",
                move |c, enc| {
                    let offset = position::offset(&c.rope, pos, enc);
                    hover::hover(c, offset, enc, &c.index)
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
                        Some(IndexStatus::Failed(e)) => {
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
}
