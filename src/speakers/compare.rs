//! A note's claim against the source's speaker.
//!
//! 1. The source's speaker: the attribution's ([`Said::Quoted`]), nobody for a passage of
//!    several speakers ([`Said::Mixed`]), the narrator for narration.
//! 2. The claim's person: a name as written (titles stripped by [`super::claim`]), a
//!    pronoun's antecedent, or a role resolved to the one person of the source with it.
//! 3. Same person ([`SpeakerVerdict::Right`]): equal keys
//!    ([`lookup_key`], [`bare_key`]), an alias of the speaker's [`Found`], a surname that only
//!    the speaker bears among the source's persons, a transliteration variant
//!    ([`keys::variants`]), or the entity table's aliases (registry, other sources) for a name
//!    of more than one part.
//!
//! A role claimed against the narrator is right when the source gives the narrator that
//! role, else unknown (other holders named in the text do not speak its narration). A
//! person claimed where an organisation speaks is wrong unless the source describes that
//! person (title, description) as speaking for it.
//!
//! Invariant: [`SpeakerVerdict::Wrong`] needs a definite speaker in the source and a claim
//! that names (or resolves to) someone else; every doubt (a surname two persons of the source
//! bear, a role nobody or several hold, an unresolved pronoun, a person speaking for the
//! organisation the claim names, a place standing for its government) is
//! [`SpeakerVerdict::Unknown`] with a reason. Surnames are never compared across sources.

use super::{Claim, Narrator, Said, SpeakerCheck, SpeakerKind, SpeakerVerdict};
use crate::entities::keys::{self, bare_key, is_acronym, lookup_key, parts, strip_possessive};
use crate::entities::lexicon as lex;
use crate::entities::{EntityKind, EntityTable, Found};
use std::ops::Range;

/// Reason for an attribution with no speaker, or narration nobody speaks.
pub const NO_SPEAKER: &str = "the source does not say who said this";
/// Reason for a passage of several speakers.
pub const MIXED: &str = "the passage mixes words of several speakers";

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
    let speaker = match said {
        Said::Mixed => return unknown(None, None, MIXED),
        Said::Quoted(a) => match &a.speaker {
            None => return unknown(None, a.cue.clone(), NO_SPEAKER),
            Some(s) => Speaker {
                label: s.label.clone(),
                name: s.name.clone().or_else(|| {
                    matches!(s.kind, SpeakerKind::Name | SpeakerKind::Label)
                        .then(|| s.label.clone())
                }),
                kind: s.kind,
                evidence: a.cue.clone(),
            },
        },
        Said::Narration => match narrator {
            None => return unknown(None, None, NO_SPEAKER),
            Some(n) => Speaker {
                label: n.name.clone(),
                name: Some(n.name.clone()),
                kind: SpeakerKind::Name,
                evidence: None,
            },
        },
    };
    let cmp = Comparison {
        claim,
        narration: matches!(said, Said::Narration),
        speaker: &speaker,
        found,
        table,
    };
    match &speaker.name {
        Some(name) => cmp.against_named(name),
        None => cmp.against_unnamed(),
    }
}

/// The source's speaker, as [`compare`] reads it.
struct Speaker {
    label: String,
    /// The person or organisation (a resolved pronoun or role, a name, the narrator).
    name: Option<String>,
    kind: SpeakerKind,
    evidence: Option<Range<usize>>,
}

struct Comparison<'a> {
    claim: &'a Claim,
    /// The speaker is the narrator (the source's own voice), not an attribution's.
    narration: bool,
    speaker: &'a Speaker,
    found: &'a [Found],
    table: Option<&'a EntityTable>,
}

fn unknown(source: Option<String>, evidence: Option<Range<usize>>, reason: &str) -> SpeakerCheck {
    SpeakerCheck {
        verdict: SpeakerVerdict::Unknown,
        source,
        evidence,
        replacement: None,
        reason: Some(reason.to_string()),
    }
}

/// What a name claim and a named speaker come to.
enum Same {
    Yes,
    No,
    Doubt(String),
}

impl Comparison<'_> {
    fn check(&self, verdict: SpeakerVerdict, source: Option<String>) -> SpeakerCheck {
        SpeakerCheck {
            verdict,
            source,
            evidence: self.speaker.evidence.clone(),
            replacement: None,
            reason: None,
        }
    }

    fn unknown(&self, source: Option<String>, reason: &str) -> SpeakerCheck {
        unknown(source, self.speaker.evidence.clone(), reason)
    }

    fn right(&self) -> SpeakerCheck {
        let source = self
            .speaker
            .name
            .clone()
            .or_else(|| Some(self.speaker.label.clone()));
        self.check(SpeakerVerdict::Right, source)
    }

    /// Wrong, with the speaker's name in the claim's form as the replacement (`surname`:
    /// the claim is a person's surname).
    fn wrong(&self, surname: bool) -> SpeakerCheck {
        let mut c = self.check(SpeakerVerdict::Wrong, None);
        match &self.speaker.name {
            Some(name) => {
                c.source = Some(name.clone());
                c.replacement = Some(if surname {
                    surname_of(name)
                } else {
                    name.clone()
                });
            }
            None => c.source = Some(self.speaker.label.clone()),
        }
        c
    }

    /// The speaker names a person or organisation.
    fn against_named(&self, speaker: &str) -> SpeakerCheck {
        let claim = self.claim;
        let source = Some(speaker.to_string());
        match claim.kind {
            SpeakerKind::Role => {
                if self.speaker.kind == SpeakerKind::Role
                    && same_role(&claim.surface, &self.speaker.label)
                {
                    return self.right();
                }
                if self.narration {
                    return self.narrator_role(&claim.surface, speaker);
                }
                match self.role_holder(&claim.surface) {
                    Ok(person) => self.by_name(&person.name.clone(), speaker, false),
                    Err(reason) => self.unknown(source, &reason),
                }
            }
            SpeakerKind::Pronoun => match &claim.name {
                Some(name) => self.by_name(name, speaker, false),
                None => self.unknown(
                    source,
                    "the note's pronoun refers to nobody named before it",
                ),
            },
            SpeakerKind::Indefinite => {
                // `a spokesman` for the source's `spokesman Pat Ryder` is vague, not wrong.
                let head = head_noun(&claim.surface);
                let fits = self
                    .speaker_found(speaker)
                    .is_some_and(|f| describes(f, &head))
                    || words(&self.speaker.label)
                        .iter()
                        .any(|w| singular(w) == head);
                if fits {
                    self.unknown(
                        source,
                        "the note does not name the speaker the source names",
                    )
                } else {
                    self.wrong(false)
                }
            }
            SpeakerKind::Name | SpeakerKind::Label => {
                let name = claim.name.clone().unwrap_or_else(|| claim.surface.clone());
                self.by_name(&name, speaker, true)
            }
        }
    }

    /// The source's speaker is unnamed: indefinite, or an unresolved pronoun or role.
    fn against_unnamed(&self) -> SpeakerCheck {
        let claim = self.claim;
        let label = self.speaker.label.clone();
        match self.speaker.kind {
            SpeakerKind::Indefinite => {
                let head = head_noun(&label);
                match claim.kind {
                    SpeakerKind::Indefinite if head_noun(&claim.surface) == head => self.right(),
                    SpeakerKind::Indefinite => self.unknown(Some(label), NO_SPEAKER),
                    _ => {
                        // The person the note names: only a definite one is wrong, and not
                        // when the source describes that person with the indefinite's noun.
                        let person = match claim.kind {
                            SpeakerKind::Role => self
                                .role_holder(&claim.surface)
                                .ok()
                                .map(|f| f.name.clone()),
                            _ => claim.name.clone(),
                        };
                        let Some(person) = person else {
                            return self.unknown(Some(label), NO_SPEAKER);
                        };
                        let described = self
                            .found
                            .iter()
                            .filter(|f| names_found(&person, f))
                            .any(|f| describes(f, &head));
                        if described || self.is_place(&person) {
                            self.unknown(Some(label), "the source does not name the speaker")
                        } else {
                            self.wrong(false)
                        }
                    }
                }
            }
            SpeakerKind::Role
                if claim.kind == SpeakerKind::Role && same_role(&claim.surface, &label) =>
            {
                self.right()
            }
            SpeakerKind::Role => {
                self.unknown(Some(label), "the source does not say who holds that role")
            }
            _ => self.unknown(None, NO_SPEAKER),
        }
    }

    /// The claim's name `name` against the speaker's name `speaker`. `as_written`: the name
    /// is the note's own (a surname claim gets a surname replacement).
    fn by_name(&self, name: &str, speaker: &str, as_written: bool) -> SpeakerCheck {
        let source = Some(speaker.to_string());
        match self.same(name, speaker) {
            Same::Yes => self.right(),
            Same::Doubt(reason) => self.unknown(source, &reason),
            Same::No => {
                let surname = as_written && self.is_surname(name, speaker);
                self.wrong(surname)
            }
        }
    }

    /// The speaker's entity among the source's.
    fn speaker_found(&self, speaker: &str) -> Option<&Found> {
        self.found
            .iter()
            .find(|f| f.name == speaker)
            .or_else(|| self.found.iter().find(|f| names_found(speaker, f)))
    }

    fn same(&self, claim: &str, speaker: &str) -> Same {
        let (ck, cb) = (lookup_key(claim), bare_key(claim));
        if ck.is_empty() {
            return Same::Doubt(NO_SPEAKER.into());
        }
        if ck == lookup_key(speaker) || cb == bare_key(speaker) {
            return Same::Yes;
        }
        let own = self.speaker_found(speaker);
        if own.is_some_and(|f| names_found(claim, f)) {
            return Same::Yes;
        }
        let cp = parts(claim);
        let sp = parts(speaker);
        let forms: Vec<Vec<String>> = std::iter::once(sp.clone())
            .chain(
                own.into_iter()
                    .flat_map(|f| f.aliases.iter().map(|(a, _)| parts(a))),
            )
            .collect();
        if forms.iter().any(|f| keys::variants(&cp, f)) {
            return Same::Yes;
        }
        // Middle names and initials left out on one side (`George Bush` for `George H. W.
        // Bush`): the same person, unless another person of the source fits as well.
        if forms.iter().any(|f| same_but_middle(&cp, f)) {
            let others = self
                .found
                .iter()
                .filter(|f| f.kind == EntityKind::Person)
                .filter(|f| !own.is_some_and(|o| std::ptr::eq(o, *f)))
                .filter(|f| lookup_key(&f.name) != lookup_key(speaker))
                .any(|f| {
                    std::iter::once(f.name.as_str())
                        .chain(f.aliases.iter().map(|(a, _)| a.as_str()))
                        .any(|a| same_but_middle(&cp, &parts(a)) || parts(a) == cp)
                });
            return if others {
                Same::Doubt(format!("two people in the source are called {claim}"))
            } else {
                Same::Yes
            };
        }
        // A part of a name (`Kennedy`, `Abdul Mahdi`): compared among the source's persons only.
        let partial = forms.iter().any(|f| f.len() > cp.len() && f.ends_with(&cp));
        let bearers: Vec<&Found> = self
            .found
            .iter()
            .filter(|f| f.kind == EntityKind::Person || own.is_some_and(|o| std::ptr::eq(o, *f)))
            .filter(|f| {
                std::iter::once(f.name.as_str())
                    .chain(f.aliases.iter().map(|(a, _)| a.as_str()))
                    .any(|a| {
                        let p = parts(a);
                        p.len() > cp.len() && p.ends_with(&cp)
                    })
            })
            .collect();
        if bearers.len() >= 2 {
            return Same::Doubt(format!("two people in the source are called {claim}"));
        }
        if let [one] = bearers[..] {
            return match own {
                Some(o) if std::ptr::eq(o, one) => Same::Yes,
                // The speaker is no entity of the source (a narrator): their own name decides.
                None if partial => Same::Yes,
                _ => Same::No,
            };
        }
        if partial {
            return Same::Yes;
        }
        // The source calls the speaker by a part of the note's name only (`Kennedy` for
        // `Robert Kennedy`): it does not say which one.
        if forms.iter().all(|f| f.len() < cp.len())
            && forms.iter().any(|f| !f.is_empty() && cp.ends_with(f))
        {
            // Unless one person of the source bears that part, and it is the note's.
            let fuller: Vec<&Found> = self
                .found
                .iter()
                .filter(|f| matches!(f.kind, EntityKind::Person | EntityKind::Other))
                .filter(|f| {
                    std::iter::once(f.name.as_str())
                        .chain(f.aliases.iter().map(|(a, _)| a.as_str()))
                        .any(|a| {
                            let p = parts(a);
                            p.len() > sp.len() && p.ends_with(&sp)
                        })
                })
                .collect();
            if let [one] = fuller[..] {
                if names_found(claim, one) {
                    return Same::Yes;
                }
            }
            return Same::Doubt(format!("the source calls the speaker only {speaker}"));
        }
        // A given name or another inner part of the speaker's name.
        if cp.len() == 1 && forms.iter().any(|f| f.contains(&cp[0])) {
            return Same::Doubt(format!("the note names the speaker only in part: {claim}"));
        }
        if let Some(t) = self.table {
            if let Some(se) = t.lookup(speaker) {
                let single = cp.len() < 2;
                let same = t.lookup_all(claim).iter().any(|e| {
                    e.id == se.id
                        && (!single
                            || std::iter::once(&e.name)
                                .chain(&e.aliases)
                                .any(|a| lookup_key(a) == ck || bare_key(a) == cb))
                });
                if same {
                    return Same::Yes;
                }
            }
        }
        // A person speaking for the organisation the note names, or the reverse.
        let speaks_for = |person: Option<&Found>, org: &str| {
            let k = lookup_key(org);
            !k.is_empty()
                && person.is_some_and(|p| {
                    p.descriptions
                        .iter()
                        .map(|d| d.text.as_str())
                        .chain(p.roles.iter().map(String::as_str))
                        .chain(std::iter::once(p.context.as_str()))
                        .any(|d| lookup_key(d).contains(&k))
                })
        };
        let claimed = self.found.iter().find(|f| names_found(claim, f));
        // A person claimed where an organisation speaks: only a person the source describes
        // as speaking for it (a title or description, not a sentence that mentions both).
        let org_speaks = is_acronym(speaker)
            || lex::KNOWN_ORGS.contains(lookup_key(speaker).as_str())
            || own.is_some_and(|f| f.kind == EntityKind::Organization);
        let person_claimed = claimed.map_or(cp.len() >= 2, |f| f.kind == EntityKind::Person);
        let doubt = if org_speaks && person_claimed {
            claimed.is_some_and(|p| {
                p.descriptions
                    .iter()
                    .map(|d| d.text.as_str())
                    .chain(p.roles.iter().map(String::as_str))
                    .any(|d| mentions(d, speaker))
            })
        } else {
            speaks_for(own, claim)
                || speaks_for(claimed, speaker)
                || lookup_key(&self.speaker.label).contains(&ck)
        };
        if doubt {
            return Same::Doubt(format!(
                "the source gives these words to {speaker}, who speaks for {claim}"
            ));
        }
        if self.is_place(claim) {
            return Same::Doubt(format!(
                "the note names a place, the source gives these words to {speaker}"
            ));
        }
        Same::No
    }

    /// Whether `name` is a place (`Baghdad said`: its government, not a person).
    fn is_place(&self, name: &str) -> bool {
        crate::entities::places::lookup(name).is_some()
            || self
                .found
                .iter()
                .any(|f| f.kind == EntityKind::Place && names_found(name, f))
    }

    /// Whether the claim's `name` is a person's surname (its replacement is the speaker's).
    fn is_surname(&self, name: &str, speaker: &str) -> bool {
        let cp = parts(name);
        let org = self
            .found
            .iter()
            .any(|f| f.kind == EntityKind::Organization && names_found(name, f))
            || lex::KNOWN_ORGS.contains(lookup_key(name).as_str());
        cp.len() == 1 && !is_acronym(strip_possessive(name)) && !org && parts(speaker).len() >= 2
    }

    /// A role claim against the narrator: right when the source gives the narrator that
    /// role, else unknown (others holding it in the text do not speak its narration).
    fn narrator_role(&self, surface: &str, narrator: &str) -> SpeakerCheck {
        let source = Some(narrator.to_string());
        let role: Vec<String> = words(surface)
            .into_iter()
            .filter(|w| lex::is_role(w) || lex::is_role(singular(w)))
            .collect();
        let holds = !role.is_empty()
            && self.speaker_found(narrator).is_some_and(|f| {
                f.roles
                    .iter()
                    .chain(f.descriptions.iter().map(|d| &d.text))
                    .any(|t| {
                        let tw = words(t);
                        role.iter()
                            .all(|r| tw.iter().any(|w| singular(w) == singular(r)))
                    })
            });
        let holder = self
            .role_holder(surface)
            .is_ok_and(|p| matches!(self.same(&p.name, narrator), Same::Yes));
        if holds || holder {
            self.right()
        } else {
            self.unknown(
                source,
                &format!("the source does not say the narrator {narrator} is {surface}"),
            )
        }
    }

    /// The one person of the source who holds the role `surface` (`the Iraqi prime
    /// minister`), or why there is none.
    fn role_holder(&self, surface: &str) -> Result<&Found, String> {
        let ws = words(surface);
        // Nationalities: demonyms and place names (`Iraqi`, `Iraq’s`, `of Iraq`).
        let demonyms: Vec<&String> = ws
            .iter()
            .filter(|w| lex::is_adjective(w) || crate::entities::places::lookup(w).is_some())
            .collect();
        let role: Vec<&String> = ws
            .iter()
            .filter(|w| lex::is_role(w) || lex::is_role_modifier(w) || lex::is_role(singular(w)))
            .collect();
        if role.is_empty() {
            return Err(format!("the source names nobody as {surface}"));
        }
        let holders: Vec<(&Found, bool)> = self
            .found
            .iter()
            .filter(|f| f.kind == EntityKind::Person)
            .filter_map(|f| {
                let texts: Vec<String> = f
                    .roles
                    .iter()
                    .cloned()
                    .chain(f.descriptions.iter().map(|d| d.text.clone()))
                    .collect();
                let holds = texts.iter().any(|t| {
                    let tw = words(t);
                    role.iter()
                        .all(|r| tw.iter().any(|w| singular(w) == singular(r)))
                });
                if !holds {
                    return None;
                }
                let all: Vec<String> = texts
                    .iter()
                    .chain(std::iter::once(&f.context))
                    .flat_map(|t| words(t))
                    .collect();
                let ours = demonyms
                    .iter()
                    .all(|d| all.iter().any(|w| same_nation(w, d)));
                let other = all.iter().any(|w| {
                    lex::is_adjective(w)
                        && crate::entities::places::is_demonym(w)
                        && !demonyms.iter().any(|d| same_nation(w, d))
                });
                (ours || (demonyms.is_empty() || !other))
                    .then_some((f, ours && !demonyms.is_empty()))
            })
            .collect();
        // Holders whose text names the claim's nationality come first.
        let sure: Vec<&Found> = holders
            .iter()
            .filter(|(_, s)| *s)
            .map(|(f, _)| *f)
            .collect();
        let pool: Vec<&Found> = if sure.is_empty() {
            holders.iter().map(|(f, _)| *f).collect()
        } else {
            sure
        };
        match pool[..] {
            [one] => Ok(one),
            [] => Err(format!("the source names nobody as {surface}")),
            _ => Err(format!("several people in the source are {surface}")),
        }
    }
}

/// Whether `text` has the words of `name` in a row (`dw` is not in `and writer`).
/// Whether one name is the other without its middle names or initials: the same first and
/// last name, and nothing between them in the shorter.
fn same_but_middle(a: &[String], b: &[String]) -> bool {
    // Only a name without middle parts stands for one with them: `George Bush` for `George
    // H. W. Bush`, never `George W. Bush` for `George H. W. Bush` (his father).
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() == 2
        && long.len() > 2
        && short.first() == long.first()
        && short.last() == long.last()
}

fn mentions(text: &str, name: &str) -> bool {
    let (t, n) = (words(text), words(name));
    !n.is_empty() && t.windows(n.len()).any(|w| w == n.as_slice())
}

/// Whether `name` is the name or an alias of `f` (by lookup or particle-free key).
fn names_found(name: &str, f: &Found) -> bool {
    let (k, b) = (lookup_key(name), bare_key(name));
    !k.is_empty()
        && std::iter::once(f.name.as_str())
            .chain(f.aliases.iter().map(|(a, _)| a.as_str()))
            .any(|a| lookup_key(a) == k || (!b.is_empty() && bare_key(a) == b))
}

/// Whether the source describes `f` with the noun `head` (a role or a description).
fn describes(f: &Found, head: &str) -> bool {
    f.roles
        .iter()
        .chain(f.descriptions.iter().map(|d| &d.text))
        .any(|t| words(t).iter().any(|w| singular(w) == head))
}

/// Lowercase words of `text`, without possessives.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| strip_possessive(w).to_lowercase())
        .collect()
}

fn singular(w: &str) -> &str {
    match w {
        "people" => "person",
        "men" => "man",
        "women" => "woman",
        _ => w
            .strip_suffix('s')
            .filter(|s| s.len() > 2 && !s.ends_with('s'))
            .unwrap_or(w),
    }
}

/// The head noun of a description: its last word, singular (`a militia commander` →
/// `commander`, `officials` → `official`).
fn head_noun(surface: &str) -> String {
    words(surface)
        .last()
        .map(|w| singular(w).to_string())
        .unwrap_or_default()
}

/// Two role phrases name the same role: the same head, and the words of one among the
/// other's (`the prime minister`, `the Iraqi prime minister`).
fn same_role(a: &str, b: &str) -> bool {
    const DETERMINERS: &[&str] = &["the", "a", "an", "his", "her", "its", "their"];
    let content = |s: &str| -> Vec<String> {
        words(s)
            .into_iter()
            .filter(|w| !DETERMINERS.contains(&w.as_str()))
            .map(|w| singular(&w).to_string())
            .collect()
    };
    let (x, y) = (content(a), content(b));
    if x.is_empty() || y.is_empty() || x.last() != y.last() {
        return false;
    }
    x.iter().all(|w| y.contains(w)) || y.iter().all(|w| x.contains(w))
}

/// Whether a demonym and a word name the same nation (`Iraqi`, `Iraq’s`, `Iraqis`).
fn same_nation(w: &str, demonym: &str) -> bool {
    if w == demonym {
        return true;
    }
    let stem = |s: &str| s.chars().take(4).collect::<String>();
    w.len() >= 4 && demonym.len() >= 4 && stem(w) == stem(demonym)
}

/// The last part of a name as written, with the particles before it (`Mohammed Shia Al
/// Sudani` → `Al Sudani`, `Pat Ryder` → `Ryder`).
fn surname_of(name: &str) -> String {
    let ws: Vec<&str> = name.split_whitespace().collect();
    let Some(last) = ws.iter().rposition(|w| !parts(w).is_empty()) else {
        return name.to_string();
    };
    let mut first = last;
    while first > 0 && parts(ws[first - 1]).is_empty() {
        first -= 1;
    }
    ws[first..=last].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::found::FoundDescription;
    use crate::entities::{Registry, SourceEntities};
    use crate::speakers::{Attribution, SpeakerRef};
    use SpeakerVerdict::{Right, Unknown, Wrong};

    fn person(name: &str, aliases: &[&str], roles: &[&str], description: &str) -> Found {
        Found {
            name: name.into(),
            kind: EntityKind::Person,
            aliases: std::iter::once(name)
                .chain(aliases.iter().copied())
                .map(|a| (a.to_string(), 1))
                .collect(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            descriptions: (!description.is_empty())
                .then(|| FoundDescription {
                    text: description.into(),
                    start: 0,
                    end: 1,
                })
                .into_iter()
                .collect(),
            mentions: vec![0, 1],
            ..Default::default()
        }
    }

    fn org(name: &str, aliases: &[&str]) -> Found {
        Found {
            kind: EntityKind::Organization,
            ..person(name, aliases, &[], "")
        }
    }

    fn claim(surface: &str, kind: SpeakerKind, name: Option<&str>) -> Claim {
        Claim {
            surface: surface.into(),
            range: 0..surface.len(),
            kind,
            name: name.map(String::from),
        }
    }

    fn name(surface: &str, name: &str) -> Claim {
        claim(surface, SpeakerKind::Name, Some(name))
    }

    fn quoted(label: &str, name: Option<&str>, kind: SpeakerKind) -> Attribution {
        Attribution {
            range: 100..200,
            cue: Some(40..60),
            speaker: Some(SpeakerRef {
                label: label.into(),
                name: name.map(String::from),
                kind,
            }),
        }
    }

    /// The seed article: the Iraqi prime minister, the Pentagon's press secretary, Soleimani.
    fn seed() -> Vec<Found> {
        vec![
            person(
                "Mohammed Shia Al Sudani",
                &["Al Sudani"],
                &["Prime Minister"],
                "Iraqi Prime Minister",
            ),
            person(
                "Pat Ryder",
                &[],
                &["Press secretary", "Maj. Gen."],
                "Pentagon Press secretary",
            ),
            person(
                "Qassem Soleimani",
                &["Soleimani"],
                &[],
                "a revered figure in Iran",
            ),
            org("Pentagon", &[]),
        ]
    }

    fn sudani() -> Attribution {
        quoted(
            "Al Sudani",
            Some("Mohammed Shia Al Sudani"),
            SpeakerKind::Name,
        )
    }

    fn verdict(c: &SpeakerCheck) -> (SpeakerVerdict, Option<&str>, Option<&str>) {
        (c.verdict, c.source.as_deref(), c.replacement.as_deref())
    }

    #[test]
    fn full_name_surname_and_alias_are_the_same_speaker() {
        let found = seed();
        let a = sudani();
        for c in [
            name("Mohammed Shia al-Sudani", "Mohammed Shia al-Sudani"),
            name("Prime Minister Al Sudani", "Al Sudani"),
            name("Sudani", "Sudani"),
            name("al-Sudani", "al-Sudani"),
            name("Mohammed Shia Al-Sudany", "Mohammed Shia Al-Sudany"),
        ] {
            let got = compare(&c, Said::Quoted(&a), None, &found, None);
            assert_eq!(
                verdict(&got),
                (Right, Some("Mohammed Shia Al Sudani"), None),
                "{c:?}"
            );
            assert_eq!(got.evidence, Some(40..60));
            assert_eq!(got.reason, None);
        }
    }

    #[test]
    fn another_person_is_wrong_with_the_speaker_in_the_claims_form() {
        let found = seed();
        let a = sudani();
        let got = compare(
            &name("Pat Ryder", "Pat Ryder"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(
            verdict(&got),
            (
                Wrong,
                Some("Mohammed Shia Al Sudani"),
                Some("Mohammed Shia Al Sudani")
            )
        );
        assert_eq!(got.evidence, Some(40..60));
        let got = compare(
            &name("Ryder", "Ryder"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(
            verdict(&got),
            (Wrong, Some("Mohammed Shia Al Sudani"), Some("Al Sudani"))
        );
        // Somebody the source never names.
        let got = compare(
            &name("President Obama", "Obama"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(
            verdict(&got),
            (Wrong, Some("Mohammed Shia Al Sudani"), Some("Al Sudani"))
        );
        // An organisation as the claim, and as the speaker.
        let got = compare(&name("CNN", "CNN"), Said::Quoted(&a), None, &found, None);
        assert_eq!(
            verdict(&got),
            (
                Wrong,
                Some("Mohammed Shia Al Sudani"),
                Some("Mohammed Shia Al Sudani")
            )
        );
        let cnn = quoted("CNN", Some("CNN"), SpeakerKind::Name);
        let got = compare(
            &name("Tony Cartalucci", "Tony Cartalucci"),
            Said::Quoted(&cnn),
            None,
            &found,
            None,
        );
        assert_eq!(verdict(&got), (Wrong, Some("CNN"), Some("CNN")));
        let got = compare(&name("CNN", "CNN"), Said::Quoted(&cnn), None, &found, None);
        assert_eq!(verdict(&got), (Right, Some("CNN"), None));
    }

    #[test]
    fn middle_names_and_initials_left_out_are_the_same_person() {
        // The verdict on `claim said` of the narration of `narrator`'s speech.
        let narrated = |claim: &str, narrator: &str, found: &[Found]| {
            let narrator = Narrator {
                name: narrator.into(),
                from: "front matter",
            };
            compare(
                &name(claim, claim),
                Said::Narration,
                Some(&narrator),
                found,
                None,
            )
            .verdict
        };
        // The 1989 State of the Union, narrated by George H. W. Bush: "George Bush said" was
        // called wrong (tests/fixtures/speakers-heldout, b89-narration-right).
        assert_eq!(
            narrated("George Bush", "George H. W. Bush", &[]),
            SpeakerVerdict::Right
        );
        // The other way round too; a different first name is another person, and so is a
        // middle initial of its own (the son is not the father).
        assert_eq!(
            narrated("George W. Bush", "George Bush", &[]),
            SpeakerVerdict::Right
        );
        assert_eq!(
            narrated("Laura Bush", "George Bush", &[]),
            SpeakerVerdict::Wrong
        );
        assert_eq!(
            narrated("George W. Bush", "George H. W. Bush", &[]),
            SpeakerVerdict::Wrong
        );
        // Two persons of the source fit: unknown.
        let found = [
            person("George H. W. Bush", &[], &[], ""),
            person("George W. Bush", &[], &[], ""),
        ];
        assert_eq!(
            narrated("George Bush", "George W. Bush", &found),
            SpeakerVerdict::Unknown
        );
    }

    #[test]
    fn a_surname_two_persons_of_the_source_bear_is_unknown() {
        let found = vec![
            person(
                "John F. Kennedy",
                &["President Kennedy"],
                &["President"],
                "",
            ),
            person("Robert Kennedy", &[], &["Attorney General"], ""),
        ];
        let a = quoted("Kennedy", Some("John F. Kennedy"), SpeakerKind::Name);
        let got = compare(
            &name("Kennedy", "Kennedy"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown);
        assert_eq!(
            got.reason.as_deref(),
            Some("two people in the source are called Kennedy")
        );
        // The full names still decide.
        let got = compare(
            &name("John F. Kennedy", "John F. Kennedy"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Right);
        let got = compare(
            &name("Robert Kennedy", "Robert Kennedy"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(
            verdict(&got),
            (Wrong, Some("John F. Kennedy"), Some("John F. Kennedy"))
        );
        // One bearer: compared.
        let a = quoted("Kennedy", Some("Robert Kennedy"), SpeakerKind::Name);
        let got = compare(
            &name("Kennedy", "Kennedy"),
            Said::Quoted(&a),
            None,
            &found[1..],
            None,
        );
        assert_eq!(got.verdict, Right);
        // The source gives only the surname: a full name in the note cannot be checked.
        let found = vec![person("Kennedy", &[], &[], "")];
        let a = quoted("Kennedy", Some("Kennedy"), SpeakerKind::Name);
        let got = compare(
            &name("Robert Kennedy", "Robert Kennedy"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown, "{got:?}");
    }

    #[test]
    fn a_role_resolves_to_the_one_person_of_the_source_with_it() {
        let found = seed();
        let the_pm = claim("the Iraqi prime minister", SpeakerKind::Role, None);
        let a = sudani();
        assert_eq!(
            compare(&the_pm, Said::Quoted(&a), None, &found, None).verdict,
            Right
        );
        let ryder = quoted("Pat Ryder", Some("Pat Ryder"), SpeakerKind::Name);
        let got = compare(&the_pm, Said::Quoted(&ryder), None, &found, None);
        assert_eq!(verdict(&got), (Wrong, Some("Pat Ryder"), Some("Pat Ryder")));
        // Nobody, or two people, with that role: unknown.
        let got = compare(
            &claim("the defense minister", SpeakerKind::Role, None),
            Said::Quoted(&ryder),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown);
        let mut two = seed();
        two.push(person(
            "Benjamin Netanyahu",
            &[],
            &["Prime Minister"],
            "Israeli Prime Minister",
        ));
        let got = compare(
            &claim("the prime minister", SpeakerKind::Role, None),
            Said::Quoted(&ryder),
            None,
            &two,
            None,
        );
        assert_eq!(got.verdict, Unknown);
        assert_eq!(
            got.reason.as_deref(),
            Some("several people in the source are the prime minister")
        );
        // The demonym tells them apart.
        let got = compare(&the_pm, Said::Quoted(&ryder), None, &two, None);
        assert_eq!(verdict(&got), (Wrong, Some("Pat Ryder"), Some("Pat Ryder")));
        // A role against the same role, unresolved in the source.
        let role = quoted("the prime minister", None, SpeakerKind::Role);
        assert_eq!(
            compare(&the_pm, Said::Quoted(&role), None, &found, None).verdict,
            Right
        );
        let got = compare(
            &name("Pat Ryder", "Pat Ryder"),
            Said::Quoted(&role),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown);
    }

    #[test]
    fn a_place_in_the_role_tells_holders_apart() {
        let mut two = seed();
        two.push(person(
            "Benjamin Netanyahu",
            &[],
            &["Prime Minister"],
            "Israeli Prime Minister",
        ));
        let a = sudani();
        for surface in ["Iraq’s prime minister", "the prime minister of Iraq"] {
            let c = claim(surface, SpeakerKind::Role, None);
            let got = compare(&c, Said::Quoted(&a), None, &two, None);
            assert_eq!(got.verdict, Right, "{surface}");
            let c = claim(&surface.replace("Iraq", "Israel"), SpeakerKind::Role, None);
            let got = compare(&c, Said::Quoted(&a), None, &two, None);
            assert_eq!(
                verdict(&got),
                (
                    Wrong,
                    Some("Mohammed Shia Al Sudani"),
                    Some("Mohammed Shia Al Sudani")
                ),
                "{surface}"
            );
        }
    }

    #[test]
    fn a_pronoun_compares_its_antecedent() {
        let found = seed();
        let a = sudani();
        let he = claim("he", SpeakerKind::Pronoun, Some("Mohammed Shia al-Sudani"));
        assert_eq!(
            compare(&he, Said::Quoted(&a), None, &found, None).verdict,
            Right
        );
        let he = claim("he", SpeakerKind::Pronoun, Some("Pat Ryder"));
        let got = compare(&he, Said::Quoted(&a), None, &found, None);
        assert_eq!(
            verdict(&got),
            (
                Wrong,
                Some("Mohammed Shia Al Sudani"),
                Some("Mohammed Shia Al Sudani")
            )
        );
        let he = claim("he", SpeakerKind::Pronoun, None);
        assert_eq!(
            compare(&he, Said::Quoted(&a), None, &found, None).verdict,
            Unknown
        );
    }

    #[test]
    fn narration_is_the_narrators_or_nobodys() {
        let found = seed();
        let author = Narrator {
            name: "Tony Cartalucci".into(),
            from: "author",
        };
        let got = compare(
            &name("Cartalucci", "Cartalucci"),
            Said::Narration,
            Some(&author),
            &found,
            None,
        );
        assert_eq!(verdict(&got), (Right, Some("Tony Cartalucci"), None));
        assert_eq!(got.evidence, None);
        let got = compare(
            &name("Soleimani", "Soleimani"),
            Said::Narration,
            Some(&author),
            &found,
            None,
        );
        assert_eq!(
            verdict(&got),
            (Wrong, Some("Tony Cartalucci"), Some("Cartalucci"))
        );
        assert_eq!(got.evidence, None);
        let got = compare(
            &name("Soleimani", "Soleimani"),
            Said::Narration,
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown);
        assert_eq!(got.reason.as_deref(), Some(NO_SPEAKER));
        let got = compare(
            &name("Soleimani", "Soleimani"),
            Said::Mixed,
            Some(&author),
            &found,
            None,
        );
        assert_eq!(got.reason.as_deref(), Some(MIXED));
        let nobody = Attribution {
            range: 0..10,
            cue: None,
            speaker: None,
        };
        let got = compare(
            &name("Soleimani", "Soleimani"),
            Said::Quoted(&nobody),
            None,
            &found,
            None,
        );
        assert_eq!(
            (got.verdict, got.reason.as_deref()),
            (Unknown, Some(NO_SPEAKER))
        );
    }

    #[test]
    fn indefinite_speakers_and_claims() {
        let found = seed();
        let commander = quoted("a militia commander", None, SpeakerKind::Indefinite);
        let got = compare(
            &name("Al Sudani", "Al Sudani"),
            Said::Quoted(&commander),
            None,
            &found,
            None,
        );
        assert_eq!(verdict(&got), (Wrong, Some("a militia commander"), None));
        let same = claim("a commander", SpeakerKind::Indefinite, None);
        assert_eq!(
            compare(&same, Said::Quoted(&commander), None, &found, None).verdict,
            Right
        );
        let other = claim("an Iraqi official", SpeakerKind::Indefinite, None);
        assert_eq!(
            compare(&other, Said::Quoted(&commander), None, &found, None).verdict,
            Unknown
        );
        // The note's indefinite against a named speaker: wrong, unless the source gives the
        // speaker that noun.
        let a = sudani();
        let got = compare(
            &claim("a militia commander", SpeakerKind::Indefinite, None),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(
            verdict(&got),
            (
                Wrong,
                Some("Mohammed Shia Al Sudani"),
                Some("Mohammed Shia Al Sudani")
            )
        );
        let ryder = quoted("Pat Ryder", Some("Pat Ryder"), SpeakerKind::Name);
        let got = compare(
            &claim("a Pentagon secretary", SpeakerKind::Indefinite, None),
            Said::Quoted(&ryder),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown);
        // A person the source describes with the indefinite's noun: not wrong.
        let found = vec![person(
            "Abu Fadak",
            &[],
            &["commander"],
            "the militia commander",
        )];
        let got = compare(
            &name("Abu Fadak", "Abu Fadak"),
            Said::Quoted(&commander),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown);
    }

    #[test]
    fn a_person_speaking_for_the_organisation_named_is_unknown() {
        let found = seed();
        let ryder = quoted(
            "Pentagon Press secretary Maj. Gen. Pat Ryder",
            Some("Pat Ryder"),
            SpeakerKind::Name,
        );
        let got = compare(
            &name("The Pentagon", "Pentagon"),
            Said::Quoted(&ryder),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown, "{got:?}");
        // A place standing for its government.
        let a = sudani();
        let got = compare(
            &name("Baghdad", "Baghdad"),
            Said::Quoted(&a),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown, "{got:?}");
    }

    #[test]
    fn the_entity_table_adds_aliases_from_other_sources_and_the_registry() {
        let here = vec![person("Abu Mahdi al-Muhandis", &[], &[], "")];
        let elsewhere = vec![person(
            "Jamal Jaafar Ibrahimi",
            &["Abu Mahdi al-Muhandis", "Jamal Ibrahimi"],
            &[],
            "",
        )];
        let table = EntityTable::build(
            vec![
                (
                    "a.txt".into(),
                    SourceEntities {
                        found: here.clone(),
                    },
                ),
                ("b.txt".into(), SourceEntities { found: elsewhere }),
            ],
            &Registry::default(),
        );
        let a = quoted(
            "al-Muhandis",
            Some("Abu Mahdi al-Muhandis"),
            SpeakerKind::Name,
        );
        let c = name("Jamal Jaafar Ibrahimi", "Jamal Jaafar Ibrahimi");
        assert_eq!(
            compare(&c, Said::Quoted(&a), None, &here, None).verdict,
            Wrong
        );
        assert_eq!(
            compare(&c, Said::Quoted(&a), None, &here, Some(&table)).verdict,
            Right
        );
        // A surname is never matched through other sources.
        let c = name("Ibrahimi", "Ibrahimi");
        assert_eq!(
            compare(&c, Said::Quoted(&a), None, &here, Some(&table)).verdict,
            Wrong
        );
    }

    #[test]
    fn surnames_as_written() {
        assert_eq!(surname_of("Mohammed Shia Al Sudani"), "Al Sudani");
        assert_eq!(surname_of("Pat Ryder"), "Ryder");
        assert_eq!(surname_of("CNN"), "CNN");
    }

    #[test]
    fn a_person_claimed_where_an_organisation_speaks_is_wrong_unless_speaking_for_it() {
        let found = vec![
            org("DW", &[]),
            person(
                "Tony Cartalucci",
                &[],
                &[],
                "a Bangkok-based geopolitical researcher and writer",
            ),
            person("Anna Weber", &[], &["correspondent"], "DW correspondent"),
        ];
        let dw = quoted("DW", Some("DW"), SpeakerKind::Name);
        let got = compare(
            &name("Tony Cartalucci", "Tony Cartalucci"),
            Said::Quoted(&dw),
            None,
            &found,
            None,
        );
        assert_eq!(verdict(&got), (Wrong, Some("DW"), Some("DW")), "{got:?}");
        let got = compare(
            &name("Anna Weber", "Anna Weber"),
            Said::Quoted(&dw),
            None,
            &found,
            None,
        );
        assert_eq!(got.verdict, Unknown, "{got:?}");
    }

    #[test]
    fn a_role_claim_against_the_narrator_is_never_wrong() {
        let found = vec![
            person("Barack Obama", &[], &[], ""),
            person(
                "George Washington",
                &[],
                &["President"],
                "the first President",
            ),
        ];
        let obama = Narrator {
            name: "Barack Obama".into(),
            from: "front matter",
        };
        let role = claim("The president", SpeakerKind::Role, None);
        let got = compare(&role, Said::Narration, Some(&obama), &found, None);
        assert_eq!(got.verdict, Unknown, "{got:?}");
        let found = vec![person("Barack Obama", &[], &["President"], "")];
        let got = compare(&role, Said::Narration, Some(&obama), &found, None);
        assert_eq!(got.verdict, Right, "{got:?}");
    }

    #[test]
    fn a_speaker_called_by_surname_is_the_one_person_with_the_full_name() {
        let mut found = vec![
            person("Priya Natarajan", &[], &[], ""),
            person("Natarajan", &[], &[], ""),
        ];
        found[0].kind = EntityKind::Other;
        let said = quoted("Natarajan", Some("Natarajan"), SpeakerKind::Name);
        let claimed = name("Priya Natarajan", "Priya Natarajan");
        let got = compare(&claimed, Said::Quoted(&said), None, &found, None);
        assert_eq!(got.verdict, Right, "{got:?}");
        // Two people bear it: the source does not say which.
        found.push(person("Ravi Natarajan", &[], &[], ""));
        let got = compare(&claimed, Said::Quoted(&said), None, &found, None);
        assert_eq!(got.verdict, Unknown, "{got:?}");
    }
}
