//! Who said it: the speaker of each quoted stretch of a source, the speaker a note claims
//! for each of its quotations, and the comparison of the two.
//!
//! ```text
//! SourceDoc + its SourceEntities ─► attribute ─► SourceSpeakers
//!   (index time; stored as JSON in the index's file document, `speakers` field)
//! note text + a quotation's range ─► claim ─► Option<Claim>        (scan time)
//! Claim + SourceSpeakers::said(matched range) + the source's Found ─► compare ─► SpeakerCheck
//!   (check time, only for quotations whose words were found)
//! ```
//!
//! Invariants:
//! - every range in a [`SourceSpeakers`] is in bytes of the source *file* (as entity mentions
//!   are), spans are sorted by start and do not overlap;
//! - a [`Claim`]'s range is in bytes of the note, and is exactly what the "Attribute to Y"
//!   quick fix replaces;
//! - nothing here guesses a speaker from a file name; a speaker the source does not give is
//!   `None`, and [`compare`] turns "don't know" into [`SpeakerVerdict::Unknown`], never into
//!   [`SpeakerVerdict::Wrong`].
//!
//! The submodules form a DAG, in dependency order: each uses only modules above it.
//!
//! | module | job |
//! | --- | --- |
//! | [`lexicon`] | speech verbs, multi-word cues, pronouns, indefinite markers (`data/*.txt`) |
//! | [`stored`] | [`SourceSpeakers`], what is stored per source, and [`SourceSpeakers::said`] |
//! | [`cue`] | the cue grammar: the speaker phrase and its evidence around a quoted span |
//! | [`resolve`] | pronouns and definite roles resolved to persons of the same source |
//! | [`attribute`] | the attributions of one source (quotation marks, colon introductions, blockquotes, transcript turns) |
//! | [`claim`] | the speaker a note claims for one quotation |
//! | [`compare`] | claim against source: right, wrong, unknown |

pub mod attribute;
pub mod claim;
pub mod compare;
pub mod cue;
pub mod lexicon;
pub mod resolve;
pub mod stored;

pub use attribute::attribute;
pub use claim::claim;
pub use compare::compare;
pub use stored::{Attribution, Said, SourceSpeakers, SpeakerKind, SpeakerRef};

use serde::Serialize;
use std::ops::Range;

/// The speaker a note gives a quotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// As written in the note: `Al Sudani`, `the Iraqi prime minister`, `he`, `a spokesman`.
    pub surface: String,
    /// Byte range of `surface` in the note: what the quick fix replaces.
    pub range: Range<usize>,
    pub kind: SpeakerKind,
    /// The name the claim stands for: for a name, the surface without titles and possessive
    /// (`President Obama` → `Obama`); for a pronoun, the person it refers to earlier in the
    /// note (`None` when nothing earlier fits); for a role or an indefinite description, `None`.
    pub name: Option<String>,
}

impl Claim {
    /// The surface as a person reads it: runs of whitespace (a line break in the note) as
    /// one space.
    pub fn display(&self) -> String {
        self.surface
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How a claim compares with the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerVerdict {
    /// The note's speaker is the source's.
    Right,
    /// The source gives the words to someone else.
    Wrong,
    /// The note names a speaker, the source does not say who (or it is ambiguous).
    Unknown,
    /// The note claims no speaker.
    None,
}

impl SpeakerVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerVerdict::Right => "right",
            SpeakerVerdict::Wrong => "wrong",
            SpeakerVerdict::Unknown => "unknown",
            SpeakerVerdict::None => "none",
        }
    }
}

/// The outcome of [`compare`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerCheck {
    pub verdict: SpeakerVerdict,
    /// The source's speaker as a person reads it (`Mohammed Shia al-Sudani`, `a militia
    /// commander`, `the article's author, Jane Arraf`), when the source gives one.
    pub source: Option<String>,
    /// Bytes of the source file that say who speaks (the cue: name and verb, a turn label);
    /// `None` for narration given to the author or a configured speaker.
    pub evidence: Option<Range<usize>>,
    /// What the quick fix puts in place of the claim's range (the source's speaker in the
    /// claim's form: a surname for a surname, a full name otherwise); only for `Wrong`
    /// with a named source speaker.
    pub replacement: Option<String>,
    /// Why the verdict is `Unknown` ("the source does not say who said this", "two people
    /// in the source are called Kennedy").
    pub reason: Option<String>,
}

/// Who speaks the narration (text outside attributed quotations) of a source, as the
/// checker decides it from front matter, `[[speaker]]` rules, the author or a transcript
/// turn. Passed to [`compare`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrator {
    pub name: String,
    /// Where it comes from, for the message: `author`, `front matter`, `sourced.toml`.
    pub from: &'static str,
}

/// "the source attributes these words to Y, not X": the message of a wrong speaker, in the
/// CLI and the editor alike (what matters first: the Problems panel cuts long messages).
pub fn wrong_speaker_message(source: Option<&str>, claimed: Option<&str>) -> String {
    format!(
        "the source attributes these words to {}, not {}",
        source.unwrap_or("someone else"),
        claimed.unwrap_or("the speaker named")
    )
}
