//! Named entities: who and what the sources talk about, under which names, and where.
//!
//! No model and no network: capitalisation, cue words and small embedded lists.
//!
//! ```text
//! SourceDoc ─► extract (tokens, context, runs, acronym, describe, merge) ─► SourceEntities
//!   (index time; stored as JSON in the index's file document, `entities` field)
//! stored SourceEntities of every source + builtin + entities.toml ─► merge ─► EntityTable
//!   (SourceIndex::entity_table, cached per index state and registry)
//! EntityTable ─► lookup / lookup_all / find_in_note / at / complete / search (editor, CLI)
//! ```
//!
//! | module | job |
//! | --- | --- |
//! | [`tokens`] | words with their case, punctuation, line starts |
//! | [`context`] | sentence starts, title-case lines, name parts of hyphenated words, mid-sentence evidence |
//! | [`lexicon`] | cue words: roles, organisation and place cues, particles, stopwords, boilerplate, given names |
//! | [`places`] | the embedded place list (`data/places.txt`) and demonyms |
//! | [`keys`] | comparison keys on the shared normaliser, transliteration variants |
//! | [`extract`] | mentions, kinds and roles in one source |
//! | [`acronym`] | acronyms defined in parentheses |
//! | [`describe`] | appositives and `is a` clauses |
//! | [`merge`] | alias merging (one source, then the corpus) |
//! | [`builtin`] | a tiny list of well-known equivalences (Daesh = ISIS = Islamic State …) |
//! | [`registry`] | the user's `entities.toml` |
//! | [`table`] | the aggregated [`EntityTable`] and its lookups |
//! | [`found`] | what is stored per source |

pub mod acronym;
pub mod builtin;
pub mod context;
pub mod describe;
pub mod extract;
pub mod found;
pub mod keys;
pub mod lexicon;
pub mod merge;
pub mod places;
pub mod registry;
pub mod table;
pub mod tokens;

pub use extract::extract;
pub use found::{EntityKind, Found, SourceEntities};
pub use registry::{Registry, RegistryError};
pub use table::{
    Completion, Description, Entity, EntityId, EntitySource, EntityTable, FirstMention, NoteMention,
};
