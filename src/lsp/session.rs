//! What the background tasks and the request modules share: the client handle and the
//! server's [`State`]. Cheap to clone into tasks. The request modules, the scheduler and the
//! indexer add their methods to it (`impl Session` in each); `server.rs` only dispatches to
//! them, so no module depends on `server.rs`.

use super::state::State;
use std::sync::Arc;
use tower_lsp_server::Client;

#[derive(Clone)]
pub struct Session {
    pub(crate) client: Client,
    pub(crate) state: Arc<State>,
}
