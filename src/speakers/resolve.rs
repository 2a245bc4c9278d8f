//! Pronouns, definite roles and names resolved to persons (and organisations) of the same
//! source, from its [`Found`] entities: mention ranges, roles, descriptions.
//!
//! Invariants: nothing is resolved across sources; an ambiguous case (two candidates equally
//! near, two persons with the role) stays unresolved (`None`), never guessed; a bare surname
//! shared by several persons stands for the one named in full last before it (news usage).
//! All positions are bytes of the source file, as entity mentions are.

use super::lexicon::PronounKind;
use crate::entities::lexicon as elex;
use crate::entities::{EntityKind, Found};
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// A speaker already given in the text, for the pronouns after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recent {
    /// The `Found::name` it resolved to.
    pub name: String,
    pub kind: EntityKind,
    /// Index of its paragraph and sentence (in the attributing pass's numbering).
    pub paragraph: usize,
    pub sentence: usize,
}

/// Where a pronoun stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    /// File byte of the pronoun.
    pub byte: usize,
    pub paragraph: usize,
    pub sentence: usize,
}

/// The persons and organisations of one source, ready for lookups.
pub struct Resolver<'a> {
    found: &'a [Found],
    /// Every mention of a person or organisation: (file range, index in `found`), by start.
    mentions: Vec<(Range<usize>, usize)>,
}

/// How far back (in sentences) the last speaker stays the referent of a pronoun.
const SPEAKER_REACH: usize = 2;

/// How many mentions back a pronoun's antecedent is looked for (bounds the work per pronoun).
const LOOK_BACK: usize = 64;
/// How many sentences back the person a pronoun stands for may have been named last.
const MENTION_REACH: usize = 3;

fn fits(kind: PronounKind, entity: EntityKind) -> bool {
    match entity {
        EntityKind::Person => kind.fits_person(),
        EntityKind::Organization => kind.fits_organization(),
        _ => false,
    }
}

/// Mentions of a bare surname that the entities left apart because several persons share
/// it (`Brennan` of `Dale Brennan` and `Colm Brennan`): each stands for the person with that
/// surname named last before it, as news text uses a surname after the full name.
/// `person_mentions` are the persons' and organisations' mentions (file range, index).
fn surname_mentions(
    found: &[Found],
    person_mentions: &[(Range<usize>, usize)],
) -> Vec<(Range<usize>, usize)> {
    let mut bearers: HashMap<String, Vec<usize>> = HashMap::default();
    for (i, p) in found.iter().enumerate() {
        if p.kind == EntityKind::Person && p.name.contains(' ') {
            if let Some(last) = p.name.rsplit(' ').next() {
                bearers.entry(last.to_lowercase()).or_default().push(i);
            }
        }
    }
    let mut out = Vec::new();
    for f in found.iter().filter(|f| {
        !matches!(f.kind, EntityKind::Person | EntityKind::Organization) && !f.name.contains(' ')
    }) {
        let Some(bearers) = bearers.get(&f.name.to_lowercase()) else {
            continue;
        };
        for r in f.mention_ranges() {
            let before = person_mentions.partition_point(|(m, _)| m.start < r.start);
            let last = person_mentions[..before]
                .iter()
                .rev()
                .take(LOOK_BACK)
                .find(|(_, i)| bearers.contains(i));
            if let Some(&(_, i)) = last {
                out.push((r, i));
            }
        }
    }
    out
}

impl<'a> Resolver<'a> {
    pub fn new(found: &'a [Found]) -> Self {
        let mut mentions: Vec<(Range<usize>, usize)> = found
            .iter()
            .enumerate()
            .filter(|(_, f)| matches!(f.kind, EntityKind::Person | EntityKind::Organization))
            .flat_map(|(i, f)| f.mention_ranges().map(move |r| (r, i)))
            .collect();
        mentions.sort_by_key(|(r, _)| (r.start, r.end));
        let surnames = surname_mentions(found, &mentions);
        mentions.extend(surnames);
        mentions.sort_by_key(|(r, _)| (r.start, r.end));
        Resolver { found, mentions }
    }

    /// The entity one of whose mentions overlaps the file bytes `range` (a name speaker
    /// phrase: `Maj. Gen. Pat Ryder` overlaps the mention `Pat Ryder`); the longest overlap.
    pub fn named(&self, range: Range<usize>) -> Option<&'a Found> {
        let first = self.mentions.partition_point(|(r, _)| r.end <= range.start);
        // Mentions do not nest much: a short look past the first is enough.
        self.mentions[first..]
            .iter()
            .take_while(|(r, _)| r.start < range.end)
            .filter(|(r, _)| r.end > range.start)
            .max_by_key(|(r, _)| r.end.min(range.end) - r.start.max(range.start))
            .map(|&(_, i)| &self.found[i])
    }

    /// The one person with the role of `phrase` (`the Iraqi prime minister`): every role
    /// word of the phrase in one of its roles, and a demonym of the phrase in its roles,
    /// descriptions or first sentence when several have the role. `None` unless exactly one.
    pub fn role(&self, phrase: &str) -> Option<&'a Found> {
        let words: Vec<String> = phrase
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let role_words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| elex::is_role(w) || elex::is_role_modifier(w))
            .collect();
        if !role_words.iter().any(|w| elex::is_role(w)) {
            return None;
        }
        let demonyms: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| elex::is_adjective(w) && !role_words.contains(w))
            .collect();
        let has_role = |f: &&Found| {
            f.kind == EntityKind::Person
                && f.roles.iter().any(|r| {
                    let r = r.to_lowercase();
                    role_words
                        .iter()
                        .all(|w| r.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w))
                })
        };
        let with_role: Vec<&Found> = self.found.iter().filter(has_role).collect();
        let chosen: Vec<&Found> = if with_role.len() > 1 && !demonyms.is_empty() {
            let says = |f: &Found, d: &str| {
                let has = |s: &str| s.to_lowercase().contains(d);
                f.roles.iter().any(|r| has(r))
                    || f.descriptions.iter().any(|x| has(&x.text))
                    || has(&f.context)
            };
            with_role
                .into_iter()
                .filter(|f| demonyms.iter().all(|d| says(f, d)))
                .collect()
        } else {
            with_role
        };
        match chosen.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The person (or organisation) a pronoun of `kind` stands for: the last speaker when
    /// named in the same paragraph at most two sentences before, else the nearest compatible
    /// mention before it, unless another entity's mention is in the same sentence
    /// (`sentence_of` numbers file bytes) as that one: then nobody.
    pub fn pronoun(
        &self,
        kind: PronounKind,
        at: At,
        last: Option<&Recent>,
        sentence_of: impl Fn(usize) -> usize,
    ) -> Option<String> {
        if let Some(r) = last {
            if r.paragraph == at.paragraph
                && at.sentence.saturating_sub(r.sentence) <= SPEAKER_REACH
                && fits(kind, r.kind)
            {
                return Some(r.name.clone());
            }
        }
        let before = self.mentions.partition_point(|(r, _)| r.start < at.byte);
        let mut compatible = self.mentions[..before]
            .iter()
            .rev()
            .take(LOOK_BACK)
            .filter(|(_, i)| fits(kind, self.found[*i].kind));
        let (nearest, who) = compatible.next()?;
        let sentence = sentence_of(nearest.start);
        // A person last named paragraphs ago is not who `he` is (`a Chinese writer … he
        // said`, with Gorbachev named two paragraphs before): unresolved.
        if at.sentence.saturating_sub(sentence) > MENTION_REACH {
            return None;
        }
        let rival = compatible
            .take_while(|(r, _)| sentence_of(r.start) == sentence)
            .any(|(_, i)| self.found[*i].name != self.found[*who].name);
        (!rival).then(|| self.found[*who].name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::found::FoundDescription;

    fn person(name: &str, roles: &[&str], context: &str, mentions: &[usize]) -> Found {
        Found {
            name: name.into(),
            kind: EntityKind::Person,
            roles: roles.iter().map(|r| r.to_string()).collect(),
            context: context.into(),
            mentions: mentions.to_vec(),
            ..Found::default()
        }
    }

    fn at(byte: usize, paragraph: usize, sentence: usize) -> At {
        At {
            byte,
            paragraph,
            sentence,
        }
    }

    #[test]
    fn a_person_named_long_before_is_not_who_a_pronoun_is() {
        // 1989 State of the Union (tests/fixtures/speakers-heldout): "a Chinese writer. He
        // was speaking … he said" was given to Gorbachev, named paragraphs before.
        let found = [person("Mikhail Gorbachev", &[], "", &[10, 27])];
        let r = Resolver::new(&found);
        let sentence_of = |byte: usize| if byte < 100 { 2 } else { 9 };
        assert_eq!(
            r.pronoun(PronounKind::Masculine, at(500, 4, 9), None, sentence_of),
            None
        );
        // Named two sentences before: resolved.
        let near = |byte: usize| if byte < 100 { 7 } else { 9 };
        assert_eq!(
            r.pronoun(PronounKind::Masculine, at(500, 4, 9), None, near)
                .as_deref(),
            Some("Mikhail Gorbachev")
        );
    }

    #[test]
    fn a_role_resolves_to_the_one_person_with_it() {
        let found = [
            person(
                "Mohammed Shia Al Sudani",
                &["Prime Minister"],
                "Iraqi Prime Minister Mohammed Shia Al Sudani has promised",
                &[0, 10],
            ),
            person(
                "Pat Ryder",
                &["Press secretary", "Maj. Gen."],
                "",
                &[50, 59],
            ),
        ];
        let r = Resolver::new(&found);
        assert_eq!(
            r.role("the Iraqi prime minister").map(|f| f.name.as_str()),
            Some("Mohammed Shia Al Sudani")
        );
        assert_eq!(
            r.role("the press secretary").map(|f| f.name.as_str()),
            Some("Pat Ryder")
        );
        assert_eq!(r.role("the spokesman"), None);
        assert_eq!(r.role("the Iraqi people"), None);
    }

    #[test]
    fn two_persons_with_a_role_leave_it_unresolved_unless_a_demonym_tells() {
        let mut abadi = person(
            "Haider al-Abadi",
            &["Prime Minister"],
            "Former prime minister Haider al-Abadi",
            &[0, 5],
        );
        abadi.descriptions.push(FoundDescription {
            text: "the Iraqi prime minister".into(),
            start: 0,
            end: 5,
        });
        let found = [
            abadi,
            person(
                "Benjamin Netanyahu",
                &["Prime Minister"],
                "Israeli Prime Minister",
                &[9, 12],
            ),
        ];
        let r = Resolver::new(&found);
        assert_eq!(r.role("the prime minister"), None);
        assert_eq!(
            r.role("the Iraqi prime minister").map(|f| f.name.as_str()),
            Some("Haider al-Abadi")
        );
    }

    #[test]
    fn names_resolve_by_overlapping_mentions() {
        let found = [person("Pat Ryder", &[], "", &[10, 19, 40, 45])];
        let r = Resolver::new(&found);
        // `Maj. Gen. Pat Ryder` over the mention `Pat Ryder`.
        assert_eq!(r.named(0..19).map(|f| f.name.as_str()), Some("Pat Ryder"));
        assert_eq!(r.named(40..45).map(|f| f.name.as_str()), Some("Pat Ryder"));
        assert_eq!(r.named(20..39), None);
    }

    #[test]
    fn a_pronoun_takes_the_recent_speaker_then_the_nearest_person() {
        let found = [
            person("Al Sudani", &[], "", &[0, 9]),
            person("Pat Ryder", &[], "", &[100, 109]),
        ];
        let r = Resolver::new(&found);
        // One sentence per 50 bytes.
        let sentence_of = |b: usize| b / 50;
        let sudani = Recent {
            name: "Al Sudani".into(),
            kind: EntityKind::Person,
            paragraph: 0,
            sentence: 1,
        };
        // The speaker of the paragraph, two sentences back, wins over a nearer mention.
        assert_eq!(
            r.pronoun(
                PronounKind::Masculine,
                at(160, 0, 3),
                Some(&sudani),
                sentence_of
            )
            .as_deref(),
            Some("Al Sudani")
        );
        // Three sentences back, or another paragraph: the nearest person.
        assert_eq!(
            r.pronoun(
                PronounKind::Masculine,
                at(210, 0, 4),
                Some(&sudani),
                sentence_of
            )
            .as_deref(),
            Some("Pat Ryder")
        );
        assert_eq!(
            r.pronoun(
                PronounKind::Masculine,
                at(160, 1, 3),
                Some(&sudani),
                sentence_of
            )
            .as_deref(),
            Some("Pat Ryder")
        );
        // `it` is no person.
        assert_eq!(
            r.pronoun(PronounKind::Neuter, at(160, 1, 3), None, sentence_of),
            None
        );
    }

    #[test]
    fn two_persons_in_one_sentence_leave_a_pronoun_unresolved() {
        let found = [
            person("Al Sudani", &[], "", &[0, 9]),
            person("Pat Ryder", &[], "", &[20, 29]),
        ];
        let r = Resolver::new(&found);
        assert_eq!(
            r.pronoun(PronounKind::Feminine, at(60, 1, 2), None, |b| b / 50),
            None
        );
        // In different sentences, the nearer one.
        assert_eq!(
            r.pronoun(PronounKind::Feminine, at(60, 1, 2), None, |b| b / 15)
                .as_deref(),
            Some("Pat Ryder")
        );
    }
}
