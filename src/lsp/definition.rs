//! Go to definition: from a quotation to every place in the sources where it was found (the
//! best match and any others), from a `[@key]` to its bibliography entry (the line where it
//! starts in the `.bib` or `.json` file) and its sources, from a link citation to the source
//! file, from
//! an entity's name to its first mention in each source (most mentions first).

use super::documents::Checked;
use super::entities;
use super::folder::IndexSnapshot;
use super::position::Encoding;
use super::sources;
use crate::index::Retriever;
use crate::quotes::extract::CitationTarget;
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Location, Position, Range};

/// The definition at byte `offset` of a checked note.
pub fn definition(
    checked: &Checked,
    offset: usize,
    enc: Encoding,
    snap: &IndexSnapshot,
) -> Option<GotoDefinitionResponse> {
    let mut locations = Vec::new();
    if let Some(c) = checked.citation_at(offset) {
        let paths = match &c.target {
            CitationTarget::Key(k) => {
                // The entry in its bibliography file first, then the sources.
                if let Some(e) = checked.bibliography.get(k) {
                    if let Some(uri) = sources::file_uri(&e.origin.path) {
                        let at = Position::new(e.origin.line.saturating_sub(1) as u32, 0);
                        locations.push(Location::new(uri, Range::new(at, at)));
                    }
                }
                snap.checker
                    .citation_sources(&checked.path, c, &checked.bibliography)
                    .unwrap_or_default()
            }
            // Every capture of the page, the newest first.
            CitationTarget::Url(url) => snap
                .checker
                .retriever()
                .resolve_url(url)
                .unwrap_or_default(),
            CitationTarget::Link(dest) => {
                // Only a link to an indexed source is a citation (as in checking and hovers):
                // a link to any other file, inside the workspace or not, leads nowhere.
                let p = crate::check::resolve_link(&checked.root, &checked.path, dest);
                let known = snap.source_info(&p).is_some();
                if known {
                    vec![p]
                } else {
                    Vec::new()
                }
            }
        };
        for p in paths {
            let abs = snap.sources().text_file(&checked.root, &p);
            if abs.is_file() {
                if let Some(uri) = sources::file_uri(&abs) {
                    locations.push(Location::new(uri, Range::default()));
                }
            }
        }
    } else if let Some(r) = checked.quote_at(offset) {
        let v = &r.verdict;
        for m in v.best.iter().chain(&v.also) {
            if let Some(l) = snap
                .sources()
                .location(&checked.root, &m.path, m.range.clone(), enc)
            {
                locations.push(l);
            }
        }
    } else if let Some(ents) = snap.entities() {
        if let Some((_, e)) = ents.table.at(&checked.text, offset) {
            locations = entities::definition(e, &ents, snap, enc);
        }
    }
    match locations.len() {
        0 => None,
        1 => Some(GotoDefinitionResponse::Scalar(locations.remove(0))),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}
