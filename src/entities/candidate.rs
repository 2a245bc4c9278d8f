//! A name found in a source's visible text, before merging: what the run finder
//! ([`super::extract`]) produces and the acronym and description passes
//! ([`super::acronym`], [`super::describe`]) add to and annotate. Ranges are in the visible
//! text, not the file; token ranges index the source's [`super::tokens`].

use super::found::EntityKind;
use std::ops::Range;

/// A name found in the visible text.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Token indexes it covers.
    pub toks: Range<usize>,
    /// Byte range in the visible text (possessive excluded).
    pub range: Range<usize>,
    pub kind: EntityKind,
    pub weak: bool,
    pub roles: Vec<String>,
    /// Descriptions as visible-text ranges.
    pub descriptions: Vec<Range<usize>>,
}
