//! Verdicts: plain data describing what the sources say about one quotation.

use serde::Serialize;
use std::ops::Range;

/// The outcome for one quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Found, word for word (within the conventions).
    Verified,
    /// A close passage exists but the wording differs.
    Mismatch,
    /// Nothing close in the sources.
    NotFound,
    /// Cited to one source, found in another.
    Misattributed,
    /// Found in the cited source (word for word or not), but the source gives the words to
    /// another speaker than the note does (see [`crate::speakers`]).
    WrongSpeaker,
    /// Not checked: longer than the matcher aligns
    /// ([`super::matcher::MAX_QUOTE_WORDS`], [`super::matcher::too_long_message`]).
    TooLong,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Mismatch => "mismatch",
            Status::NotFound => "not-found",
            Status::Misattributed => "misattributed",
            Status::WrongSpeaker => "wrong-speaker",
            Status::TooLong => "too-long",
        }
    }
}

/// One step of a word-level diff between the note and the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Same words.
    Equal,
    /// The note has other words than the source.
    Replace,
    /// The source has words the note dropped.
    Delete,
    /// The note has words the source does not.
    Insert,
}

/// A run of the diff, with the words as written on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffOp {
    pub op: Op,
    /// The note's words (empty for `delete`).
    pub note: String,
    /// The source's words (empty for `insert`).
    pub source: String,
    /// Byte range of the note's words within the quotation text.
    #[serde(skip)]
    pub note_range: Range<usize>,
    /// What this difference really is, when the words alone do not say it ("the omission
    /// drops ‘not’", "6 words omitted without an ellipsis", "joined from two places 60 words
    /// apart"). The same text as the matching [`Finding`]'s message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// What a difference between a quotation and its source passage is, beyond its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// An omission mark stands for words that change what the quotation keeps: a negation,
    /// a number, a condition or a hedge of a sentence it quotes part of (see
    /// [`super::meaning`]).
    OmissionChangesMeaning,
    /// A bracketed insertion stands for such words without saying them, or adds a negation.
    InsertionChangesMeaning,
    /// A bracketed insertion stands for more source words than an insertion may.
    InsertionTooLong,
    /// Source words left out without an omission mark.
    UnmarkedOmission,
    /// Words from another place in the source joined to the quotation without a mark.
    Joined,
    /// The source's words in another order.
    Reordered,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::OmissionChangesMeaning => "omission-changes-meaning",
            FindingKind::InsertionChangesMeaning => "insertion-changes-meaning",
            FindingKind::InsertionTooLong => "insertion-too-long",
            FindingKind::UnmarkedOmission => "unmarked-omission",
            FindingKind::Joined => "joined",
            FindingKind::Reordered => "reordered",
        }
    }
}

/// One finding about a match, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub message: String,
    /// Byte range within the quotation text the finding is about (the omission mark, the
    /// bracket, the joined or moved words).
    #[serde(skip)]
    pub note_range: Range<usize>,
}

/// Where in a source a quotation was found.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceMatch {
    /// The source, as stored in the index (relative to the workspace root when inside it).
    pub path: String,
    /// Byte range in the source file.
    pub range: Range<usize>,
    /// The matched passage as a reader sees it.
    pub text: String,
    /// 1.0 for a verified quote, less the more words differ.
    pub similarity: f32,
    /// Word-level diff, empty when verified.
    pub diff: Vec<DiffOp>,
    /// The wording matches (within the conventions).
    pub exact: bool,
    /// Every word of the quotation stands in the source in this order; only source words are
    /// missing (an unmarked omission, or a mark that may not stand for what it skips). Such a
    /// passage is the quotation's source however many words are missing.
    pub complete: bool,
    /// The quotation text replaced by the source's wording, conventions kept where possible
    /// (the quick fix for a mismatch).
    pub suggestion: Option<String>,
    /// The same fix as edits of the quotation text (byte ranges of [`SourceMatch::suggestion`]'s
    /// quotation and their replacements), so that a front end can apply it to the note's own
    /// bytes and keep its line breaks and markup (see `Quote::rewrite`).
    pub edits: Vec<(Range<usize>, String)>,
    /// What the differences are beyond their words; non-empty for some mismatches (and the
    /// reason a match that is word for word within the conventions is still not verified).
    pub findings: Vec<Finding>,
    /// The passage around the match as a person reads it: whole sentences, never past a
    /// paragraph break outside the match.
    pub context: String,
    /// Byte range of [`SourceMatch::context`] in the source file.
    pub context_range: Range<usize>,
}

/// What the sources say about one quotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: Status,
    /// The best match: the verified or mismatched passage, the real source of a misattributed
    /// quote, or (for not-found) the closest passage as a hint, if any.
    pub best: Option<SourceMatch>,
    /// Further places where the quotation is verified (the same text in several sources).
    pub also: Vec<SourceMatch>,
    /// The sources the citation names, resolved (empty when uncited or unknown).
    pub cited_paths: Vec<String>,
}

impl Verdict {
    pub fn similarity(&self) -> f32 {
        self.best.as_ref().map_or(0.0, |m| m.similarity)
    }
}

/// The word diff as one line: equal words as they are, the source's dropped or replaced words
/// through `del`, the note's own words through `ins` (e.g. `[-source-]` and `{+note+}`).
pub fn word_diff_with(
    diff: &[DiffOp],
    del: impl Fn(&str) -> String,
    ins: impl Fn(&str) -> String,
) -> String {
    diff.iter()
        .map(|d| match d.op {
            Op::Equal => d.note.clone(),
            Op::Replace => format!("{}{}", del(&d.source), ins(&d.note)),
            Op::Delete => del(&d.source),
            Op::Insert => ins(&d.note),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`word_diff_with`] in plain text: `[-source-]{+note+}`.
pub fn word_diff(diff: &[DiffOp]) -> String {
    word_diff_with(diff, |s| format!("[-{s}-]"), |n| format!("{{+{n}+}}"))
}
