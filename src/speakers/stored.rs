//! What is stored per source: the attributed stretches, in file bytes.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What kind of phrase names a speaker (in a source or in a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    /// A name: full (`Mohammed Shia al-Sudani`), surname (`Sudani`), or an organisation (`CNN`).
    Name,
    /// A definite role: `the Iraqi prime minister`, `the spokesman`.
    Role,
    /// `he`, `she`, `they`.
    Pronoun,
    /// Someone the text does not name: `a militia commander`, `an unnamed official`, `one woman`.
    Indefinite,
    /// A transcript's turn label (`HADDAD:`) or WebVTT voice (`<v Amal Haddad>`).
    Label,
}

/// Who speaks an attributed stretch, as the source gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerRef {
    /// As written in the source: `he`, `the Iraqi prime minister`, `Al Sudani`.
    pub label: String,
    /// The person or organisation it resolves to: the `Found::name` of the same source's
    /// entity (a pronoun or a role resolved), or the label itself for a name or turn label
    /// that is no entity. `None` for an indefinite speaker or an unresolved pronoun or role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: SpeakerKind,
}

/// One quoted stretch of a source and who says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// Bytes of the source file: the quoted words (inside the marks), a colon-introduced
    /// paragraph, a blockquote, or a transcript turn's text.
    pub range: Range<usize>,
    /// Bytes of the source file that say who speaks: the speaker phrase and its verb
    /// (`Al Sudani said`), a turn label. `None` when nothing does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<Range<usize>>,
    /// `None`: quoted, but the source does not say by whom (and the narrator's it is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<SpeakerRef>,
}

/// The attributions of one source, sorted by `range.start`, not overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSpeakers {
    pub spans: Vec<Attribution>,
}

/// Who says a stretch of a source ([`SourceSpeakers::said`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Said<'a> {
    /// Inside one attributed stretch (which may still have no speaker).
    Quoted(&'a Attribution),
    /// The stretch spans attributions of different speakers, or quotation and narration
    /// in comparable parts: nobody can be named.
    Mixed,
    /// Outside every attribution: the narration, whose speaker is the document's.
    Narration,
}

impl SourceSpeakers {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<SourceSpeakers> {
        serde_json::from_str(s).ok()
    }

    /// Who says the file bytes `range` (a matched passage): the attribution covering most of
    /// its bytes when that covers more than half of them and no attribution of another
    /// speaker covers a quarter or more; narration when attributions cover less than a
    /// quarter; else [`Said::Mixed`]. Binary search: O(log n + overlapping spans).
    pub fn said(&self, range: Range<usize>) -> Said<'_> {
        let _ = range;
        todo!("helper: speakers")
    }
}
