//! textDocument/documentLink: citations and source links to the sources' files. Made from
//! results against the index as it is now (waiting for it to open, as code lenses do).

use crate::lsp::links;
use crate::lsp::schedule::{Freshness, Lookup};
use crate::lsp::session::Session;
use crate::lsp::sync::blocking;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

impl Session {
    pub(crate) async fn document_link(
        &self,
        params: DocumentLinkParams,
    ) -> Result<Option<Vec<DocumentLink>>> {
        let enc = self.state.encoding();
        match self
            .lookup(&params.text_document.uri, Freshness::CurrentIndex)
            .await
        {
            Lookup::Ready(c) => Ok(blocking("document links", move || links::links(&c, enc)).await),
            Lookup::Unknown | Lookup::NotReady(_) => Ok(None),
        }
    }
}
