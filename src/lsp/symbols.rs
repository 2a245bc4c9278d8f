//! The note's outline and inline hints: document symbols list every quotation with its
//! verdict; an inlay hint after each verified quote names its source.

use super::describe::{after_quote, key_of, shorten};
use super::documents::Checked;
use super::folder::IndexSnapshot;
use super::position::{self, Encoding};
use crate::quotes::verdict::Status;
use tower_lsp_server::ls_types::{
    DocumentSymbol, InlayHint, InlayHintLabel, InlayHintTooltip, Range, SymbolKind,
};

/// One symbol per quotation, in note order: its words, its verdict as detail.
pub fn document_symbols(checked: &Checked, enc: Encoding) -> Vec<DocumentSymbol> {
    checked
        .results
        .iter()
        .map(|r| {
            let range = position::range(&checked.rope, r.quote.range.clone(), enc);
            #[allow(deprecated)] // `deprecated` must be set; `tags` replaces it.
            DocumentSymbol {
                name: format!("“{}”", shorten(&r.quote.text, 60)),
                detail: Some(r.verdict.status.as_str().to_string()),
                kind: SymbolKind::STRING,
                tags: None,
                deprecated: None,
                range,
                selection_range: range,
                children: None,
            }
        })
        .collect()
}

/// A hint after each verified quote in `range` naming the source (title, else key).
pub fn inlay_hints(
    checked: &Checked,
    range: Range,
    enc: Encoding,
    snap: &IndexSnapshot,
) -> Vec<InlayHint> {
    let wanted = position::byte_range(&checked.rope, range, enc);
    let mut out = Vec::new();
    for r in &checked.results {
        let Some(m) = r
            .verdict
            .best
            .as_ref()
            .filter(|_| r.verdict.status == Status::Verified)
        else {
            continue;
        };
        let at = after_quote(&checked.text, r);
        if at < wanted.start || at > wanted.end {
            continue;
        }
        let info = snap.source_info(&m.path);
        let name = info
            .as_ref()
            .and_then(|i| i.meta.title.clone())
            .unwrap_or_else(|| key_of(&m.path));
        out.push(InlayHint {
            position: position::position(&checked.rope, at, enc),
            label: InlayHintLabel::String(format!("✓ {}", shorten(&name, 40))),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(format!("verified in {}", m.path))),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    out
}
