//! Code lenses: one above each checked quotation, saying its verdict and its source's title
//! (`✓ verified · Title`, `≠ differs · Title`, `✗ not found`, `⇄ cited to [@x], found in
//! Title`, `⚠ wrong speaker · Title`). Clicking one runs [`SHOW_SOURCE`] with the passage's
//! location, which the server answers with `window/showDocument` (the source opened at the
//! passage). A lens with nothing to open has an empty command: editors show it as text.
//!
//! Invariants: one lens per quotation, in note order, over the quotation's range; titles are
//! at most [`TITLE`] characters of the source's name.

use super::describe::{label, percent, shorten};
use super::documents::Checked;
use super::position::{self, Encoding};
use crate::quotes::extract::CitationTarget;
use crate::quotes::verdict::Status;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{CodeLens, Command, Location};

/// The command a lens runs: open a source at a passage (its argument: [`ShowSource`]).
pub const SHOW_SOURCE: &str = "sourced.showSource";

/// Characters of a source's name in a lens.
const TITLE: usize = 60;

/// The argument of [`SHOW_SOURCE`]: where to open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShowSource {
    pub location: Location,
}

/// The lenses of a checked note.
pub fn lenses(checked: &Checked, enc: Encoding) -> Vec<CodeLens> {
    let snap = &checked.index;
    checked
        .results
        .iter()
        .map(|r| {
            let v = &r.verdict;
            let info = v.best.as_ref().and_then(|m| snap.source_info(&m.path));
            let name = v
                .best
                .as_ref()
                .map(|m| shorten(&label(&m.path, info.as_ref()), TITLE))
                .unwrap_or_default();
            let title = match (v.status, &v.best) {
                (Status::Verified, _) => format!("✓ verified · {name}"),
                (Status::Mismatch, _) => format!("≠ differs · {name}"),
                (Status::NotFound, None) => "✗ not found".to_string(),
                (Status::NotFound, Some(m)) => {
                    format!("✗ not found · closest: {name} ({})", percent(m.similarity))
                }
                (Status::Misattributed, _) => {
                    format!("⇄ cited to {}, found in {name}", cited(r))
                }
                (Status::WrongSpeaker, _) => format!("⚠ wrong speaker · {name}"),
                (Status::TooLong, _) => "… not checked: too long".to_string(),
            };
            let location = v.best.as_ref().and_then(|m| {
                snap.sources()
                    .location(&checked.root, &m.path, m.range.clone(), enc)
            });
            let command = match location {
                Some(location) => Command {
                    title,
                    command: SHOW_SOURCE.to_string(),
                    arguments: serde_json::to_value(ShowSource { location })
                        .ok()
                        .map(|a| vec![a]),
                },
                None => Command {
                    title,
                    command: String::new(),
                    arguments: None,
                },
            };
            CodeLens {
                range: position::range(&checked.rope, r.quote.range.clone(), enc),
                command: Some(command),
                data: None,
            }
        })
        .collect()
}

/// The citation a quotation names, as written in the note: `[@key]`, a link, an address.
fn cited(r: &crate::check::QuoteResult) -> String {
    let Some(written) = r.cited.as_deref() else {
        return "another source".to_string();
    };
    let key = r
        .quote
        .citations
        .iter()
        .any(|c| matches!(&c.target, CitationTarget::Key(k) if k == written));
    if key {
        format!("[@{}]", shorten(written, 30))
    } else {
        shorten(written, 40)
    }
}
