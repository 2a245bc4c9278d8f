//! Quotations: finding them in notes ([`extract`]), parsing their conventions
//! ([`pattern`]), aligning them word by word against source text ([`align`]), and deciding a
//! [`verdict`] with candidates from the index ([`matcher`]), remembered between checks
//! ([`cache`]).

pub mod align;
pub mod cache;
pub mod diff;
pub mod explain;
pub mod extract;
pub mod matcher;
pub mod meaning;
pub mod pattern;
pub mod verdict;
