//! Word lists for speech cues (`data/*.txt`): speech verbs, multi-word cue phrases with a
//! speaker slot, subject pronouns with what they can refer to, indefinite markers, and the
//! verbs that introduce quoted titles rather than speech.
//!
//! Every list is a data file under `data/` (a header saying what it is and where it came
//! from, `#` comment lines), embedded with `include_str!` and parsed on first use. Lookups are
//! with lowercase words (`said`, not `Said`). Role titles are not here: they are
//! [`crate::entities::lexicon::is_role`].

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

/// The entries of a list file: one a line, trimmed; blank lines and `#` lines skipped.
fn entries(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

static SPEECH_VERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/verbs.txt")).collect());

static INDEFINITES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/indefinites.txt")).collect());

static TITLE_VERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/title_verbs.txt")).collect());

static PRONOUNS: LazyLock<HashMap<&'static str, PronounKind>> = LazyLock::new(|| {
    entries(include_str!("data/pronouns.txt"))
        .filter_map(|l| {
            let (word, kind) = l.split_once(' ')?;
            Some((word, PronounKind::parse(kind.trim())?))
        })
        .collect()
});

static CUE_PHRASES: LazyLock<Vec<CuePhrase>> = LazyLock::new(|| {
    entries(include_str!("data/cues.txt"))
        .filter_map(CuePhrase::parse)
        .collect()
});

/// What a subject pronoun can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PronounKind {
    /// `he`: a man.
    Masculine,
    /// `she`: a woman.
    Feminine,
    /// `they`: people, a person, or an organisation.
    Plural,
    /// `it`: an organisation (a newspaper, a ministry).
    Neuter,
}

impl PronounKind {
    fn parse(s: &str) -> Option<PronounKind> {
        Some(match s {
            "masculine" => PronounKind::Masculine,
            "feminine" => PronounKind::Feminine,
            "plural" => PronounKind::Plural,
            "neuter" => PronounKind::Neuter,
            _ => return None,
        })
    }

    /// Whether a person can be referred to with this pronoun.
    pub fn fits_person(self) -> bool {
        !matches!(self, PronounKind::Neuter)
    }

    /// Whether an organisation can be referred to with this pronoun.
    pub fn fits_organization(self) -> bool {
        matches!(self, PronounKind::Plural | PronounKind::Neuter)
    }
}

/// A multi-word cue: the words before the speaker slot and the words after it
/// (`according to …`: `lead = [according, to]`, `trail = []`; `as … put it`: `[as]`, `[put, it]`).
/// At least one of the two is not empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CuePhrase {
    pub lead: Vec<&'static str>,
    pub trail: Vec<&'static str>,
}

impl CuePhrase {
    fn parse(line: &'static str) -> Option<CuePhrase> {
        let (lead, trail) = line.split_once('…')?;
        let lead: Vec<_> = lead.split_whitespace().collect();
        let trail: Vec<_> = trail.split_whitespace().collect();
        (!lead.is_empty() || !trail.is_empty()).then_some(CuePhrase { lead, trail })
    }
}

/// Whether `lower` is a form of a speech verb (`said`, `told`, `insists`, `wrote`, `reminded`).
pub fn is_speech_verb(lower: &str) -> bool {
    SPEECH_VERBS.contains(lower)
}

/// The kind of a subject pronoun (`he`, `she`, `they`, `it`), `None` for any other word.
pub fn pronoun(lower: &str) -> Option<PronounKind> {
    PRONOUNS.get(lower).copied()
}

/// Whether `lower` opens or marks an indefinite speaker (`a`, `an`, `one`, `unnamed`,
/// `anonymous`).
pub fn is_indefinite_marker(lower: &str) -> bool {
    INDEFINITES.contains(lower)
}

/// Whether `lower` introduces a quoted title or name rather than speech (`titled`,
/// `called`, `dubbed`).
pub fn is_title_verb(lower: &str) -> bool {
    TITLE_VERBS.contains(lower)
}

/// The multi-word cues (`according to …`, `… told reporters`, `as … put it`), in file order.
pub fn cue_phrases() -> &'static [CuePhrase] {
    &CUE_PHRASES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_verbs_in_every_form() {
        for w in [
            "said", "says", "told", "insisted", "wrote", "reminded", "report",
        ] {
            assert!(is_speech_verb(w), "{w}");
        }
        for w in ["Said", "the", "killed", "put"] {
            assert!(!is_speech_verb(w), "{w}");
        }
    }

    #[test]
    fn pronouns_have_kinds() {
        assert_eq!(pronoun("he"), Some(PronounKind::Masculine));
        assert_eq!(pronoun("she"), Some(PronounKind::Feminine));
        assert_eq!(pronoun("they"), Some(PronounKind::Plural));
        assert_eq!(pronoun("it"), Some(PronounKind::Neuter));
        assert_eq!(pronoun("him"), None);
        assert!(PronounKind::Plural.fits_organization() && PronounKind::Plural.fits_person());
        assert!(!PronounKind::Masculine.fits_organization());
        assert!(!PronounKind::Neuter.fits_person());
    }

    #[test]
    fn indefinites_and_title_verbs() {
        for w in ["a", "an", "one", "unnamed", "anonymous"] {
            assert!(is_indefinite_marker(w), "{w}");
        }
        assert!(!is_indefinite_marker("the"));
        assert!(is_title_verb("titled") && is_title_verb("called"));
        assert!(!is_title_verb("said"));
    }

    #[test]
    fn cue_phrases_have_a_speaker_slot() {
        let phrases = cue_phrases();
        let has = |lead: &[&str], trail: &[&str]| {
            phrases
                .iter()
                .any(|p| p.lead.as_slice() == lead && p.trail.as_slice() == trail)
        };
        assert!(has(&["according", "to"], &[]));
        assert!(has(&["in", "the", "words", "of"], &[]));
        assert!(has(&["as"], &["put", "it"]));
        assert!(has(&[], &["told", "reporters"]));
        assert!(has(&[], &["would", "report"]));
        assert!(phrases
            .iter()
            .all(|p| !p.lead.is_empty() || !p.trail.is_empty()));
    }
}
