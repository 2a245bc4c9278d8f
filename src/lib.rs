//! `sourced`: check quotations in Markdown notes against a folder of source documents.
//!
//! The pipeline, one module per stage (data flows one way):
//!
//! ```text
//! text ─► corpus ─► index ─► quotes (extract, match) ─► check ─► cli | lsp
//! ```
//!
//! Everything below `cli` and `lsp` is the pure core: plain data in byte offsets, no printing,
//! no editor types.

pub mod cancel;
pub mod check;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod entities;
pub mod glob;
pub mod index;
pub mod lsp;
pub mod notes;
pub mod quotes;
pub mod text;
