//! The speaker a note claims for one of its quotations.

use super::Claim;
use std::ops::Range;

/// The speaker `note` gives the quotation whose words are `quoted` (note bytes, inside the
/// marks; for a blockquote, the block's text), or `None` when it claims none.
pub fn claim(note: &str, quoted: Range<usize>, blockquote: bool) -> Option<Claim> {
    let _ = (note, quoted, blockquote);
    None
}
