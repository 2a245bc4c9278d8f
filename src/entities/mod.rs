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
//! The submodules form a DAG, listed here in dependency order: each uses only modules above
//! it (`tests/architecture.rs` fails on any import cycle).
//!
//! | module | job | uses |
//! | --- | --- | --- |
//! | [`tokens`] | words with their case, punctuation, line starts | |
//! | [`found`] | what is stored per source | |
//! | [`place_list`] | the embedded place list (`data/places.txt`) parsed: places, demonyms | |
//! | [`lexicon`] | cue word lists (`data/*.txt`): roles, organisation and place cues, particles, stopwords, boilerplate, given names | place_list |
//! | [`keys`] | comparison keys on the shared normaliser, transliteration variants | lexicon |
//! | [`places`] | places by lookup key | place_list, keys |
//! | [`context`] | sentence starts, title-case lines, name parts of hyphenated words, mid-sentence evidence | tokens, lexicon, keys |
//! | [`builtin`] | a tiny list of well-known equivalences (Daesh = ISIS = Islamic State …) | found, keys |
//! | [`registry`] | the user's `entities.toml` | found |
//! | [`candidate`] | a name found in the visible text, before merging | found |
//! | [`merge`] | alias merging (one source, then the corpus) | found, lexicon, keys, places, builtin |
//! | [`acronym`] | acronyms defined in parentheses | tokens, found, lexicon, keys, context, builtin, candidate, merge |
//! | [`describe`] | appositives and `is a` clauses | tokens, lexicon, keys, candidate |
//! | [`extract`] | mentions, kinds and roles in one source | tokens, found, lexicon, keys, places, context, builtin, candidate, merge, acronym, describe |
//! | [`table`] | the aggregated [`EntityTable`] and its lookups | tokens, found, lexicon, keys, builtin, registry, merge, extract |

pub mod acronym;
pub mod builtin;
pub mod candidate;
pub mod context;
pub mod describe;
pub mod extract;
pub mod found;
pub mod keys;
pub mod lexicon;
pub mod merge;
pub mod place_list;
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
