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
    /// its bytes when that speaker's attributions cover more than half of them and no
    /// attribution of another speaker covers a quarter or more; narration when attributions
    /// cover less than a quarter; else [`Said::Mixed`]. Attributions of one speaker (the two
    /// halves of a split quotation) count together. An empty `range` takes the attribution
    /// around it. Binary search: O(log n + overlapping spans²), a handful at most.
    pub fn said(&self, range: Range<usize>) -> Said<'_> {
        let len = range.end.saturating_sub(range.start);
        if len == 0 {
            return match self.covering(range.start) {
                Some(a) => Said::Quoted(a),
                None => Said::Narration,
            };
        }
        // Spans are sorted and disjoint, so their ends are sorted too: the first span that
        // can overlap is the first one ending after `range.start`.
        let first = self.spans.partition_point(|a| a.range.end <= range.start);
        let overlapping: Vec<(&Attribution, usize)> = self.spans[first..]
            .iter()
            .take_while(|a| a.range.start < range.end)
            .map(|a| {
                (
                    a,
                    a.range.end.min(range.end) - a.range.start.max(range.start),
                )
            })
            .collect();
        let covered: usize = overlapping.iter().map(|(_, b)| b).sum();
        if covered * 4 < len {
            return Said::Narration;
        }
        let Some(&(best, _)) = overlapping.iter().max_by(|x, y| {
            // Most bytes; on a tie the earlier span.
            x.1.cmp(&y.1).then(y.0.range.start.cmp(&x.0.range.start))
        }) else {
            return Said::Narration;
        };
        let same: usize = overlapping
            .iter()
            .filter(|(a, _)| a.speaker == best.speaker)
            .map(|(_, b)| b)
            .sum();
        let rival = overlapping
            .iter()
            .any(|(a, b)| a.speaker != best.speaker && b * 4 >= len);
        if same * 2 > len && !rival {
            Said::Quoted(best)
        } else {
            Said::Mixed
        }
    }

    /// The attribution containing byte `at`, if any.
    fn covering(&self, at: usize) -> Option<&Attribution> {
        let i = self.spans.partition_point(|a| a.range.end <= at);
        self.spans.get(i).filter(|a| a.range.start <= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(range: Range<usize>, who: Option<&str>) -> Attribution {
        Attribution {
            range,
            cue: None,
            speaker: who.map(|w| SpeakerRef {
                label: w.into(),
                name: Some(w.into()),
                kind: SpeakerKind::Name,
            }),
        }
    }

    fn speakers() -> SourceSpeakers {
        SourceSpeakers {
            spans: vec![
                span(10..20, Some("Sudani")),
                span(30..40, Some("Ryder")),
                span(40..50, Some("Ryder")),
                span(60..70, None),
                span(80..90, Some("Sudani")),
            ],
        }
    }

    fn who(said: Said<'_>) -> Option<Option<&str>> {
        match said {
            Said::Quoted(a) => Some(a.speaker.as_ref().map(|s| s.label.as_str())),
            _ => None,
        }
    }

    #[test]
    fn inside_one_span_is_its_speaker() {
        let s = speakers();
        assert_eq!(who(s.said(12..18)), Some(Some("Sudani")));
        assert_eq!(who(s.said(10..20)), Some(Some("Sudani")));
        assert_eq!(who(s.said(82..90)), Some(Some("Sudani")));
        // Quoted without a speaker is still quoted, not narration.
        assert_eq!(who(s.said(61..69)), Some(None));
    }

    #[test]
    fn outside_every_span_is_narration() {
        let s = speakers();
        assert_eq!(s.said(0..10), Said::Narration);
        assert_eq!(s.said(20..30), Said::Narration);
        assert_eq!(s.said(90..200), Said::Narration);
        // A few quoted bytes in a long stretch of narration.
        assert_eq!(s.said(0..50), Said::Mixed);
        assert_eq!(s.said(18..30), Said::Narration);
        assert_eq!(SourceSpeakers::default().said(0..5), Said::Narration);
    }

    #[test]
    fn most_bytes_win_unless_another_speaker_has_a_quarter() {
        let s = speakers();
        // Sudani 10 of 14 bytes, the rest narration: Sudani.
        assert_eq!(who(s.said(10..24)), Some(Some("Sudani")));
        // Two spans of one speaker (a split quotation) count together.
        assert_eq!(who(s.said(35..45)), Some(Some("Ryder")));
        // Ryder 20 of 34 bytes, Sudani 2 (under a quarter): Ryder.
        assert_eq!(who(s.said(18..52)), Some(Some("Ryder")));
        // Ryder 10 of 22 bytes: not over half.
        assert_eq!(s.said(18..40), Said::Mixed);
        // Over half to one speaker, but another has a quarter.
        let two = SourceSpeakers {
            spans: vec![span(0..30, Some("Sudani")), span(30..40, Some("Ryder"))],
        };
        assert_eq!(two.said(0..40), Said::Mixed);
        assert_eq!(who(two.said(0..39)), Some(Some("Sudani")));
        // Half quotation, half narration.
        assert_eq!(s.said(15..25), Said::Mixed);
    }

    #[test]
    fn empty_range_takes_the_span_around_it() {
        let s = speakers();
        assert_eq!(who(s.said(15..15)), Some(Some("Sudani")));
        assert_eq!(s.said(25..25), Said::Narration);
    }

    #[test]
    fn round_trips_as_json() {
        let s = speakers();
        assert_eq!(SourceSpeakers::from_json(&s.to_json()), Some(s));
    }
}
