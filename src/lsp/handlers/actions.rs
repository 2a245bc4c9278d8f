//! textDocument/codeAction: quick fixes. A fix carried by a diagnostic is offered only when
//! the diagnostic was made for the note's current version; otherwise (and for verified quotes,
//! which have no diagnostic by default) the fixes come from the current version's results. The
//! edits name that version (`documentChanges`) when the client takes them, so a client
//! refuses to apply a fix to a text that changed since.

use crate::lsp::actions::{self, FixData};
use crate::lsp::position;
use crate::lsp::session::Session;
use crate::lsp::sync::lock;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

impl Session {
    pub(crate) async fn code_action(
        &self,
        params: CodeActionParams,
    ) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let versioned = self.state.conf().caps.document_changes;
        let Some(current) = lock(&self.state.docs).get(&uri).map(|d| d.version) else {
            return Ok(None);
        };
        let mut out: Vec<CodeAction> = params
            .context
            .diagnostics
            .iter()
            .flat_map(|d| actions::from_diagnostic(&uri, d, current, versioned))
            .collect();
        let range = params.range;
        let target = uri.clone();
        let from_results = self
            .with_checked(
                &uri,
                "code actions",
                move |c, enc| {
                    let wanted = position::byte_range(&c.rope, range, enc);
                    let overlaps =
                        |q: &std::ops::Range<usize>| q.start <= wanted.end && wanted.start <= q.end;
                    let mut v = Vec::new();
                    for r in c.results.iter().filter(|r| overlaps(&r.quote.range)) {
                        let info = r
                            .verdict
                            .best
                            .as_ref()
                            .and_then(|m| c.index.source_info(&m.path));
                        let data = FixData::new(c, r, info.as_ref(), enc);
                        // Verified quotes get "Cite" only when uncited.
                        if data.status != "verified" || r.cited.is_none() {
                            v.extend(actions::fixes(&target, &data, None, versioned));
                        }
                    }
                    for u in c.unknown.iter().filter(|u| overlaps(&u.citation.range)) {
                        let data = FixData::unknown(c, u, enc);
                        v.extend(actions::fixes(&target, &data, None, versioned));
                    }
                    // Every page of the note no source captured, in one go.
                    let pages = c.uncaptured_pages();
                    if pages.len() > 1 {
                        let title =
                            format!("Archive the {} uncaptured pages of this note", pages.len());
                        v.push(actions::archive(title, &pages, None));
                    }
                    Some(v)
                },
                |_, _| None,
            )
            .await
            .unwrap_or_default();
        for a in from_results {
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
}
