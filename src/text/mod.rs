//! Text layer shared by every stage: offset maps, the one normaliser and word splitter, and
//! the readers that turn Markdown and HTML into visible text.

pub mod html;
pub mod lines;
pub mod markdown;
pub mod normalize;
pub mod offsets;
pub mod quotemarks;

pub use normalize::{normalize, words, Normalized};
pub use offsets::OffsetMap;
