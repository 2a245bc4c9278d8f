//! The index schema. One index holds two kinds of documents:
//!
//! - a *file record* per source: path, citation keys, mtime and size (to find what
//!   changed), metadata as JSON, the named entities found in it as JSON
//!   ([`crate::entities::SourceEntities`]), who says each quoted stretch as JSON
//!   ([`crate::speakers::SourceSpeakers`]); its path is also its `record` term, which no
//!   passage has, so a source's record is found with one term lookup however many passages
//!   share its path;
//! - *passage* documents: consecutive runs of [`PASSAGE_WORDS`] words of a source's visible
//!   text: its normalised words indexed with positions (`words`, phrase queries), the text
//!   and its offset map back to the file's bytes stored (`text`, `map`).
//!
//! - at most one *marker* of a complete build: a document whose only field is `record` =
//!   [`COMPLETE_MARKER`], written in the commit of the first refresh that indexed every
//!   source, and kept from then on ([`crate::index::SourceIndex::is_complete`]).
//!
//! A web archive is one file and many sources: each archived page is a source of its own
//! (path `ARCHIVE#RECORD`, see [`crate::corpus::archive`]) with its passages, and the archive
//! has a file record of its own that is not a source (it holds the archive's mtime and size,
//! so that an archive with no page is not read again either).
//!
//! Every document of a file (its record, its pages' records, their passages) holds the
//! file's path as its `file` term: deleting by `file` removes a file and everything read
//! from it at once.

use super::analyzer::WORDS_TOKENIZER;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

/// Bump when the schema, the normaliser or the passage layout changes: older indexes are
/// then rebuilt automatically.
pub const FORMAT_VERSION: u32 = 8;

/// The `record` term of the complete-build marker: no path holds a NUL.
pub const COMPLETE_MARKER: &str = "\u{0}complete build";

/// Words per passage.
pub const PASSAGE_WORDS: usize = 100;

/// Words of the next passage indexed with each passage (not stored, not part of its text):
/// a quotation of up to this many words that runs across the boundary of two passages is
/// still in one passage's words, for its phrase queries and its score. Without them, a short
/// quotation of common words split 3 + 5 across a boundary lost to passages elsewhere that
/// hold all its words ("of the depression. The people of the United", tests/verdicts.rs).
pub const PASSAGE_OVERLAP_WORDS: usize = 24;

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub path: Field,
    /// The path again, on file records only (and [`COMPLETE_MARKER`] on the marker).
    pub record: Field,
    pub key: Field,
    pub mtime: Field,
    pub size: Field,
    pub meta: Field,
    pub ord: Field,
    pub passage_key: Field,
    pub text: Field,
    pub words: Field,
    pub map: Field,
    pub entities: Field,
    /// A rendered source's places (page, cue time, speaker) as JSON, on its file record.
    pub places: Field,
    /// The path of the file a document was read from, on every document (for a page of a
    /// web archive, the archive's path): what an update deletes by.
    pub file: Field,
    /// The [`url_key`](crate::corpus::url_key::url_key)s a captured page answers to, on its
    /// record.
    pub url: Field,
    /// Who says each quoted stretch ([`crate::speakers::SourceSpeakers`] as JSON), on a
    /// source's record.
    pub speakers: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Passages arrive with their words already normalised, separated by spaces.
    let words_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        path: b.add_text_field("path", STRING | STORED | FAST),
        record: b.add_text_field("record", STRING),
        key: b.add_text_field("key", STRING | STORED),
        mtime: b.add_u64_field("mtime", FAST | STORED),
        size: b.add_u64_field("size", FAST | STORED),
        meta: b.add_text_field("meta", STORED),
        ord: b.add_u64_field("ord", STORED | INDEXED),
        passage_key: b.add_text_field("passage_key", STRING),
        text: b.add_text_field("text", STORED),
        words: b.add_text_field("words", words_options),
        map: b.add_bytes_field("map", STORED),
        entities: b.add_text_field("entities", STORED),
        places: b.add_text_field("places", STORED),
        file: b.add_text_field("file", STRING),
        url: b.add_text_field("url", STRING | STORED),
        speakers: b.add_text_field("speakers", STORED),
    };
    (b.build(), fields)
}

/// The term that identifies passage `ord` of `path`.
pub fn passage_key(path: &str, ord: u64) -> String {
    format!("{path}\u{0}{ord}")
}

/// Look the fields up in an existing index's schema; `None` if it is not ours.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        path: f("path")?,
        record: f("record")?,
        key: f("key")?,
        mtime: f("mtime")?,
        size: f("size")?,
        meta: f("meta")?,
        ord: f("ord")?,
        passage_key: f("passage_key")?,
        text: f("text")?,
        words: f("words")?,
        map: f("map")?,
        entities: f("entities")?,
        places: f("places")?,
        file: f("file")?,
        url: f("url")?,
        speakers: f("speakers")?,
    })
}
