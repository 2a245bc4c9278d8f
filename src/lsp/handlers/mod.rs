//! The protocol's requests and notifications, one module per family. Each handler takes a
//! snapshot of what it needs (the note's results, the folder's index), hands heavy work to
//! the blocking pool and converts the answer; the feature modules one level up (`hover`,
//! `definition`, `actions`, …) do the actual work. `server.rs` only dispatches here.
//!
//! | module       | handles                                                            |
//! |--------------|--------------------------------------------------------------------|
//! | `documents`  | didOpen, didChange, didClose                                       |
//! | `workspace`  | folders, watched files, configuration, executeCommand              |
//! | `pull`       | textDocument/diagnostic, workspace/diagnostic                       |
//! | `hover`      | hover                                                              |
//! | `navigation` | definition, references                                             |
//! | `actions`    | codeAction                                                         |
//! | `completion` | completion                                                         |
//! | `symbols`    | documentSymbol, workspace/symbol, inlayHint                        |
//! | `lens`       | codeLens, the lenses' command (`sourced.showSource`), their refresh|
//! | `links`      | documentLink                                                       |

mod actions;
mod completion;
mod documents;
mod hover;
mod lens;
mod links;
mod navigation;
mod pull;
mod symbols;
mod workspace;

use super::documents::Checked;
use super::position::Encoding;
use super::schedule::{Freshness, Lookup};
use super::session::Session;
use super::sync::blocking;

impl Session {
    /// Run `f` on the current results of `uri` off the runtime. `None` for unknown documents;
    /// while the index is not ready, `building` is given the note's text instead.
    pub(crate) async fn with_checked<T: Send + 'static>(
        &self,
        uri: &tower_lsp_server::ls_types::Uri,
        what: &'static str,
        f: impl FnOnce(&Checked, Encoding) -> Option<T> + Send + 'static,
        building: impl FnOnce(&ropey::Rope, Encoding) -> Option<T> + Send + 'static,
    ) -> Option<T> {
        let enc = self.state.encoding();
        match self.lookup(uri, Freshness::CurrentText).await {
            Lookup::Unknown => None,
            Lookup::NotReady(rope) => blocking(what, move || building(&rope, enc)).await?,
            Lookup::Ready(checked) => blocking(what, move || f(&checked, enc)).await?,
        }
    }
}
