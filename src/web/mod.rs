//! The network, used only when the user asks: `sourced archive URL…`, the "Archive this
//! page" code action and the "archive every link of this note" command. Nothing here runs
//! while checking or typing; `tests/architecture.rs` keeps the core (`check` and below) from
//! using this module.
