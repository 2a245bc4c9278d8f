//! Document links: each `[@key]` citation and each link to a source file or to a captured
//! web page becomes a link to the source's text (a rendition for a PDF, DOCX or web page,
//! which an editor can open), with the source's title as tooltip.
//!
//! Invariants: a link only where the citation names an indexed source whose text file
//! exists; a key's link covers the key (`@` excluded), a link's the link text; note order.

use super::describe::full_byline;
use super::documents::Checked;
use super::position::{self, Encoding};
use super::sources;
use crate::index::Retriever;
use crate::quotes::extract::CitationTarget;
use tower_lsp_server::ls_types::DocumentLink;

/// The document links of a checked note.
pub fn links(checked: &Checked, enc: Encoding) -> Vec<DocumentLink> {
    let snap = &checked.index;
    let mut out = Vec::new();
    for c in &checked.citations {
        let paths = match &c.target {
            CitationTarget::Key(_) => snap
                .checker
                .citation_sources(&checked.path, c, &checked.bibliography)
                .unwrap_or_default(),
            // The newest capture of the page.
            CitationTarget::Url(url) => snap
                .checker
                .retriever()
                .resolve_url(url)
                .unwrap_or_default()
                .into_iter()
                .take(1)
                .collect(),
            CitationTarget::Link(dest) => {
                let p = crate::check::resolve_link(&checked.root, &checked.path, dest);
                if snap.source_info(&p).is_some() {
                    vec![p]
                } else {
                    Vec::new()
                }
            }
        };
        // A key of several sources links to the first; the hover lists them all.
        let Some(path) = paths.first() else {
            continue;
        };
        let file = snap.sources().text_file(&checked.root, path);
        if !file.is_file() {
            continue;
        }
        let Some(target) = sources::file_uri(&file) else {
            continue;
        };
        let info = snap.source_info(path);
        let range = c.key_range.clone().unwrap_or(c.range.clone());
        out.push(DocumentLink {
            range: position::range(&checked.rope, range, enc),
            target: Some(target),
            tooltip: Some(full_byline(path, info.as_ref())),
            data: None,
        });
    }
    out
}
