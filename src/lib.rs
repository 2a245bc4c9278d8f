//! `sourced`: check quotations in Markdown notes against a folder of source documents.
//!
//! The pipeline, one module per stage (data flows one way; `tests/architecture.rs` checks
//! that no module uses one of a later stage and that no modules import each other):
//!
//! ```text
//! text ─► corpus ─► entities ─► speakers ─► index ─► quotes ─► check ─► cli | lsp
//! ```
//!
//! - `text`: normaliser, offset maps, Markdown and HTML reading;
//! - `corpus`: finding source files and reading each into visible text + offset map +
//!   metadata;
//! - `entities`: named people, organisations and places in a source (run at indexing time,
//!   stored in the index) and the entity table built from them;
//! - `speakers`: who says each quoted stretch of a source (index time), who a note says
//!   said each quotation (scan time), and the comparison of the two;
//! - `index`: the tantivy index of the sources: reading (`SourceIndex`) apart from writing
//!   (`index::update`), retrieval behind the `Retriever` trait;
//! - `quotes`: quotations and citations in notes, alignment against retrieved passages,
//!   verdicts (uses `corpus` for the source documents' text and offsets);
//! - `check`: the entry point of both front ends: open a workspace, check a note;
//! - `bibliography`: BibTeX and CSL JSON files read into entries (beside `entities`);
//! - `web`: the network, used only when the user asks to archive a page (after `check`,
//!   so that nothing that checks can reach it);
//! - `cli` and `lsp`: the front ends.
//!
//! Beside the stages: `config` (`sourced.toml`, the workspace), `glob` (the one glob
//! convention), `speaker_rules` (`[[speaker]]`: who speaks a source's narration), `notes`
//! (which Markdown files are notes), `cancel` (cooperative
//! cancellation of checks), `disk` (every read, walk and cache-folder write, made safe
//! against a hostile filesystem).
//!
//! Everything below `cli` and `lsp` is the pure core: plain data in byte offsets, no printing,
//! no editor types.

pub mod bibliography;
pub mod cancel;
pub mod check;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod disk;
pub mod entities;
pub mod glob;
pub mod index;
pub mod lsp;
pub mod notes;
pub mod quotes;
pub mod remote;
pub mod setup;
pub mod speaker_rules;
pub mod speakers;
pub mod text;
pub mod web;
