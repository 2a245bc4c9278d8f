//! textDocument/codeLens, the lenses' command `sourced.showSource`, and
//! `workspace/codeLens/refresh` when what lenses show may have changed.
//!
//! Lenses are made from results against the index as it is now (waiting for the index to
//! open, like pulled diagnostics), so a lens asked for at start-up is not empty for good.

use crate::lsp::lens::{self, ShowSource, SHOW_SOURCE};
use crate::lsp::schedule::{Freshness, Lookup};
use crate::lsp::session::Session;
use crate::lsp::sync::blocking;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

impl Session {
    pub(crate) async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        if !self.state.settings().code_lens {
            return Ok(None);
        }
        let enc = self.state.encoding();
        match self
            .lookup(&params.text_document.uri, Freshness::CurrentIndex)
            .await
        {
            Lookup::Ready(c) => Ok(blocking("code lenses", move || lens::lenses(&c, enc)).await),
            Lookup::Unknown | Lookup::NotReady(_) => Ok(None),
        }
    }

    /// `sourced.showSource`: open the source at the location a lens carries.
    pub(crate) async fn show_source(&self, arguments: Vec<Value>) -> Result<Value> {
        let usage =
            || format!("{SHOW_SOURCE} takes [{{\"location\": {{\"uri\": …, \"range\": …}}}}]");
        let arg: ShowSource = arguments
            .into_iter()
            .next()
            .ok_or_else(|| Error::invalid_params(usage()))
            .and_then(|v| {
                serde_json::from_value(v)
                    .map_err(|e| Error::invalid_params(format!("{}: {e}", usage())))
            })?;
        let shown = self
            .client
            .show_document(ShowDocumentParams {
                uri: arg.location.uri,
                external: None,
                take_focus: Some(true),
                selection: Some(arg.location.range),
            })
            .await
            .unwrap_or_else(|e| {
                tracing::debug!("showDocument: {e}");
                false
            });
        Ok(json!({ "shown": shown }))
    }

    /// Ask the client to ask for code lenses again, if it can.
    pub(crate) fn refresh_code_lenses(&self) {
        if !self.state.conf().caps.code_lens_refresh {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.code_lens_refresh().await {
                tracing::debug!("code lens refresh: {e}");
            }
        });
    }
}
