//! Quotations: finding them in notes ([`extract`]), parsing their conventions
//! ([`pattern`]), aligning them word by word against source text ([`align`]), naming what
//! each difference is ([`explain`], with the words a cut may not drop in [`meaning`]), the
//! diff and the fix a person reads ([`diff`]), and deciding a [`verdict`] with candidates
//! from the index ([`matcher`]), remembered between checks ([`cache`]).
//!
//! Invariant: "verified" means cost 0 *and* no gap that changes the meaning; every other
//! match carries a diff whose ops say what differs, and findings where the words do not.

pub mod align;
pub mod cache;
pub mod diff;
pub mod explain;
pub mod extract;
pub mod matcher;
pub mod meaning;
pub mod pattern;
pub mod verdict;
