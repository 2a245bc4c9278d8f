//! The cue grammar: who a quoted span is given to by the words around it.
//!
//! Works on the tokens of the whole text ([`crate::entities::tokens::tokenize`], made once by
//! the caller) and byte ranges of that text; it never tokenises again and looks only inside
//! the sentence it is given (a bounded number of tokens around the quotation).
//!
//! Patterns (`Q` a quotation, `X` a speaker phrase):
//! - after the quotation: `Q, X said`, `Q, said X`, `Q, X told reporters`,
//!   `Q, X, the Y of Z, said`, `Q, as X put it`, `Q, according to X`;
//! - before it: `X said Q`, `X said: Q`, `X told Y: Q`, `X said that Q`, `X would report: Q`,
//!   `according to X, Q`, `in the words of X, Q`, `as X put it, Q`, `X: Q`,
//!   `a boy left his football with a note for his father: Q` (a written message),
//!   `X wrote to me and said, Q`, `X, his cousin Y, said Q` (Y), and a partial quotation
//!   of at least four words in reported speech (`X said the union would return “Q”`,
//!   `he accused them of “Q”`: the verb at most ten words before it, no punctuation between);
//! - [`statement`]: a sentence that is a speaker and a speech verb (`He said.`, `X added:`);
//! - [`introduction`]: a sentence ending with a speech verb and a colon, whose speaker is
//!   the phrase before the verb or the sentence's subject (`CNN in its article, “…,” would
//!   report:`).
//!
//! A speaker phrase is a pronoun (`he`), a run of capitalised words (`Maj. Gen. Pat Ryder`,
//! `Al Sudani`, also after lowercase role words: `company spokeswoman Priya Natarajan`),
//! a definite role with its name in apposition (`the county engineer, Rafael Ortiz,`), a definite role (`the Iraqi prime minister`: `the` and at most five words,
//! one of them a role from [`crate::entities::lexicon::is_role`]) or an indefinite
//! description (`a militia commander`, `an unnamed Iraqi negotiator`, `one woman`).
//! Invariant: every returned range lies inside the sentence given, the speaker inside the
//! evidence.

use super::lexicon::{self, is_indefinite_marker, is_speech_verb};
use super::SpeakerKind;
use crate::entities::lexicon as elex;
use crate::entities::tokens::Token;
use std::ops::Range;

/// The words that name a speaker, in bytes of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerPhrase {
    pub range: Range<usize>,
    pub kind: SpeakerKind,
}

/// A speaker and the words that give the quotation to them (speaker phrase and verb).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    pub speaker: SpeakerPhrase,
    pub evidence: Range<usize>,
}

/// Most tokens a speaker phrase, an appositive or the gap between a verb and its quotation
/// may have: the grammar never looks further.
const MAX_PHRASE: usize = 7;
const MAX_APPOSITIVE: usize = 20;
const MAX_GAP: usize = 6;
/// Most words between a speech verb and a partial quotation in reported speech.
const MAX_CLAUSE: usize = 10;
/// Fewest words a partial quotation in reported speech has (fewer: a scare quote).
const MIN_REPORTED_WORDS: usize = 4;

/// Words between a speaker and a speech verb (`X later said`, `X would report`).
fn is_verb_modifier(lower: &str) -> bool {
    matches!(
        lower,
        "also"
            | "later"
            | "then"
            | "has"
            | "had"
            | "have"
            | "would"
            | "will"
            | "once"
            | "again"
            | "earlier"
            | "previously"
            | "recently"
            | "further"
            | "reportedly"
            | "publicly"
            | "famously"
            | "simply"
            | "itself"
            | "himself"
            | "herself"
            | "themselves"
            | "just"
    )
}

/// Words that may stand between a speech verb and its quotation (`said on Friday that “…”`,
/// `told reporters: “…”`, `said in a statement, “…”`). Capitalised words may too (objects of
/// `told`).
fn is_gap_word(lower: &str) -> bool {
    matches!(
        lower,
        "that"
            | "on"
            | "in"
            | "a"
            | "an"
            | "the"
            | "his"
            | "her"
            | "their"
            | "its"
            | "statement"
            | "interview"
            | "speech"
            | "reporters"
            | "journalists"
            | "us"
            | "them"
            | "him"
            | "me"
            | "you"
            | "yesterday"
            | "today"
            | "later"
            | "earlier"
            | "also"
            | "then"
            | "simply"
            | "flatly"
            | "bluntly"
    )
}

/// The tokens of a text and the text: what every pattern reads.
#[derive(Clone, Copy)]
pub struct Tokens<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
}

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str, toks: &'a [Token]) -> Self {
        Tokens { text, toks }
    }

    /// Indices of the tokens inside bytes `r`.
    pub fn within(&self, r: Range<usize>) -> Range<usize> {
        let a = self.toks.partition_point(|t| t.start() < r.start);
        let b = self.toks.partition_point(|t| t.start() < r.end);
        a..b.max(a)
    }

    fn word(&self, i: usize) -> Option<&'a str> {
        let t = self.toks.get(i)?;
        t.is_word().then(|| &self.text[t.range()])
    }

    fn lower(&self, i: usize) -> Option<String> {
        self.word(i).map(str::to_lowercase)
    }

    fn punct(&self, i: usize) -> Option<char> {
        self.toks.get(i).and_then(Token::punct)
    }

    fn is_capitalised(&self, i: usize) -> bool {
        self.word(i)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
    }

    fn is_verb(&self, i: usize) -> bool {
        self.lower(i).is_some_and(|w| is_speech_verb(&w))
    }

    fn span(&self, a: usize, b: usize) -> Range<usize> {
        self.toks[a].start()..self.toks[b].end()
    }
}

/// Whether `c` is a quotation mark (opening or closing).
pub fn is_mark(c: char) -> bool {
    matches!(c, '“' | '”' | '„' | '«' | '»' | '‹' | '›' | '"')
}

/// The speaker phrase that starts at token `i` (not before `end`): its kind and last token.
fn phrase_from(t: &Tokens, i: usize, end: usize) -> Option<(SpeakerKind, usize)> {
    if i >= end {
        return None;
    }
    let lower = t.lower(i)?;
    // `Mr. Pell`, `Dr. Haddad`, `Sen. Warren`: an honorific and its dot before a name.
    if t.is_capitalised(i)
        && (elex::ABBREVIATIONS.contains(lower.as_str()) || elex::is_role(&lower))
        && t.punct(i + 1) == Some('.')
        && t.toks.get(i + 1).is_some_and(|k| !k.space_before)
        && i + 2 < end
        && t.is_capitalised(i + 2)
        && t.lower(i + 2).is_some_and(|w| !elex::is_stopword(&w))
    {
        return Some((SpeakerKind::Name, name_end(t, i + 2, end)));
    }
    if lexicon::pronoun(&lower).is_some() {
        return Some((SpeakerKind::Pronoun, i));
    }
    if lower == "the" || is_indefinite_marker(&lower) {
        let kind = if lower == "the" {
            SpeakerKind::Role
        } else {
            SpeakerKind::Indefinite
        };
        // Words up to the verb; the phrase ends at its last noun (a role for `the`).
        let mut last = None;
        let mut j = i + 1;
        while j < end && j <= i + MAX_PHRASE {
            let Some(w) = t.lower(j) else { break };
            if is_speech_verb(&w) || is_verb_modifier(&w) {
                break;
            }
            if kind == SpeakerKind::Indefinite || elex::is_role(&w) {
                last = Some(j);
            }
            j += 1;
        }
        // `the Pentagon said`: a capitalised name after `the`.
        if kind == SpeakerKind::Role && last.is_none() && t.is_capitalised(i + 1) {
            let e = name_end(t, i + 1, end);
            return Some((SpeakerKind::Name, e));
        }
        let last = last?;
        // A lone `a`/`one` with nothing after it is no speaker.
        if last <= i {
            return None;
        }
        // `the county engineer, Rafael Ortiz,`: the role's name in apposition; and `a
        // spokesman for the board, Colin Farrow.`, a name that ends the sentence.
        if t.punct(last + 1) == Some(',') {
            if let Some(e) = appositive_name(t, last + 2, end) {
                return Some((SpeakerKind::Name, e));
            }
            if let Some(e) = closing_name(t, last + 2, end) {
                return Some((SpeakerKind::Name, e));
            }
        }
        return Some((kind, last));
    }
    // `company spokeswoman Priya Natarajan`: lowercase role words before a name.
    if let Some(n) = name_after_role_words(t, i, end) {
        return Some((SpeakerKind::Name, name_end(t, n, end)));
    }
    if t.is_capitalised(i) && !elex::is_stopword(&lower) {
        return Some((SpeakerKind::Name, name_end(t, i, end)));
    }
    None
}

/// The first token of a name after lowercase role words starting at `i` (`company
/// spokeswoman Priya Natarajan`, `harbour master Ines Varga`): at most three words, the
/// last a role (`elex::is_role`), then a capitalised word.
fn name_after_role_words(t: &Tokens, i: usize, end: usize) -> Option<usize> {
    let mut j = i;
    let mut role = false;
    while j < end && j < i + 3 && !t.is_capitalised(j) {
        let w = t.lower(j)?;
        if is_speech_verb(&w) || is_verb_modifier(&w) || elex::is_stopword(&w) {
            return None;
        }
        role = elex::is_role(&w);
        j += 1;
    }
    (role
        && j > i
        && j < end
        && t.is_capitalised(j)
        && t.lower(j).is_some_and(|w| !elex::is_stopword(&w)))
    .then_some(j)
}

/// The last token of a name at token `i` closed by a comma (`Rafael Ortiz,`), if any.
fn appositive_name(t: &Tokens, i: usize, end: usize) -> Option<usize> {
    if i >= end || !t.is_capitalised(i) || t.lower(i).is_some_and(|w| elex::is_stopword(&w)) {
        return None;
    }
    let e = name_end(t, i, end);
    (t.punct(e + 1) == Some(',')).then_some(e)
}

/// The last token of a name at token `i` that ends its sentence (`…, Colin Farrow.`), if
/// it has at least two words (one capitalised word after a comma may open anything).
fn closing_name(t: &Tokens, i: usize, end: usize) -> Option<usize> {
    if i >= end || !t.is_capitalised(i) || t.lower(i).is_some_and(|w| elex::is_stopword(&w)) {
        return None;
    }
    let e = name_end(t, i, end);
    let closes = e + 1 >= end || matches!(t.punct(e + 1), Some('.' | '!' | '?' | ';'));
    (e > i && closes).then_some(e)
}

/// Whether token `i` continues a name: a capitalised word, a particle before a capitalised
/// word, a hyphenated part (`al-Saidi`), an abbreviation dot (`Maj.`).
fn continues_name(t: &Tokens, i: usize) -> bool {
    if t.toks.get(i).is_some_and(|k| !k.space_before) && t.punct(i) == Some('.') {
        return t
            .word(i.wrapping_sub(1))
            .is_some_and(|w| w.len() <= 4 && t.is_capitalised(i - 1));
    }
    match t.word(i) {
        Some(w) if t.is_capitalised(i) => !elex::is_stopword(&w.to_lowercase()),
        Some(w) => {
            let lower = w.to_lowercase();
            (elex::PARTICLES.contains(lower.as_str()) && t.is_capitalised(i + 1))
                || (t.toks[i].hyphenated && w.chars().any(char::is_uppercase))
        }
        None => false,
    }
}

/// The last token of the capitalised run starting at `i` (before `end`).
fn name_end(t: &Tokens, i: usize, end: usize) -> usize {
    let mut j = i;
    while j + 1 < end && j < i + MAX_PHRASE && continues_name(t, j + 1) {
        j += 1;
    }
    // A trailing dot or particle is not part of the name.
    while j > i && !t.is_capitalised(j) && t.punct(j) != Some('.') {
        j -= 1;
    }
    j
}

/// The speaker phrase that ends at token `e` (not before `start`): its kind and first token.
fn phrase_before(t: &Tokens, e: usize, start: usize) -> Option<(SpeakerKind, usize)> {
    let lower = t.lower(e)?;
    if lexicon::pronoun(&lower).is_some() {
        return Some((SpeakerKind::Pronoun, e));
    }
    // Look back for a determiner opening a role or indefinite phrase.
    let floor = e.saturating_sub(MAX_PHRASE).max(start);
    let mut j = e;
    let mut has_role = elex::is_role(&lower);
    while j > floor {
        let Some(w) = t.lower(j - 1) else { break };
        if w == "the" {
            return has_role.then_some((SpeakerKind::Role, j - 1));
        }
        if is_indefinite_marker(&w) && !t.is_capitalised(e) {
            return Some((SpeakerKind::Indefinite, j - 1));
        }
        if is_speech_verb(&w) || elex::is_stopword(&w) && !is_indefinite_marker(&w) {
            break;
        }
        has_role |= elex::is_role(&w);
        j -= 1;
    }
    if t.is_capitalised(e) && !elex::is_stopword(&lower) {
        let mut s = e;
        while s > start && s + MAX_PHRASE > e && continues_name(t, s - 1) {
            s -= 1;
        }
        // A leading particle, dot or sentence opener is not part of the name.
        while s < e && (!t.is_capitalised(s) || t.lower(s).is_some_and(|w| elex::is_stopword(&w))) {
            s += 1;
        }
        return Some((SpeakerKind::Name, s));
    }
    None
}

/// The speaker before the speech verb at token `v`: skips verb modifiers (`would`, `later`)
/// and an appositive between commas (`X, the Y of Z, said`).
fn speaker_before_verb(t: &Tokens, v: usize, start: usize) -> Option<(SpeakerPhrase, usize)> {
    let mut e = v;
    while e > start && t.lower(e - 1).is_some_and(|w| is_verb_modifier(&w)) {
        e -= 1;
    }
    if e == start {
        return None;
    }
    // `X wrote to me and said`: the speaker of the speech verb the `and` joins this one to.
    if t.lower(e - 1).as_deref() == Some("and") && e - 1 > start {
        let floor = (e - 1).saturating_sub(MAX_GAP).max(start);
        let first = (floor..e - 1)
            .rev()
            .take_while(|&k| t.word(k).is_some())
            .find(|&k| t.is_verb(k))?;
        return speaker_before_verb(t, first, start);
    }
    let last = e - 1;
    if t.punct(last) == Some(',') {
        // The appositive's opening comma.
        let floor = last.saturating_sub(MAX_APPOSITIVE).max(start);
        let open = (floor..last).rev().find(|&k| t.punct(k) == Some(','))?;
        // `Brennan’s deputy, his cousin Colm Brennan, said`: the name between the commas
        // when nothing before them is a speaker.
        let inner = (last > open + 1)
            .then(|| phrase_before(t, last - 1, open + 1))
            .flatten()
            .filter(|(kind, _)| *kind == SpeakerKind::Name);
        let outer = (open > start)
            .then(|| phrase_before(t, open - 1, start))
            .flatten();
        let (kind, s, l) = match (outer, inner) {
            (Some((kind, s)), _) => (kind, s, open - 1),
            (None, Some((kind, s))) => (kind, s, last - 1),
            (None, None) => return None,
        };
        return Some((
            SpeakerPhrase {
                range: t.span(s, l),
                kind,
            },
            s,
        ));
    }
    let (kind, s) = phrase_before(t, last, start)?;
    Some((
        SpeakerPhrase {
            range: t.span(s, last),
            kind,
        },
        s,
    ))
}

/// The cue of the quotation whose marks span bytes `quote`, inside `sentence` (bytes of the
/// same text, containing `quote`).
pub fn around(t: &Tokens, quote: Range<usize>, sentence: Range<usize>) -> Option<Cue> {
    after_quote(t, quote.clone(), sentence.clone()).or_else(|| before_quote(t, quote, sentence))
}

/// `Q, X said`, `Q, said X`, `Q, as X put it`, `Q, according to X`.
fn after_quote(t: &Tokens, quote: Range<usize>, sentence: Range<usize>) -> Option<Cue> {
    let toks = t.within(quote.end..sentence.end);
    let mut i = toks.start;
    let end = toks.end;
    if t.punct(i) == Some(',') {
        i += 1;
    }
    if i >= end {
        return None;
    }
    let first = t.lower(i)?;
    // `said X`
    if is_speech_verb(&first) {
        let (kind, e) = phrase_from(t, i + 1, end)?;
        if kind == SpeakerKind::Pronoun && !matches!(first.as_str(), "said" | "says") {
            // `“…,” asked him` is no inversion.
            return None;
        }
        return Some(Cue {
            speaker: SpeakerPhrase {
                range: t.span(i + 1, e),
                kind,
            },
            evidence: t.span(i, e),
        });
    }
    if let Some(cue) = phrase_cue(t, i, end) {
        return Some(cue);
    }
    // `X said`, `X, the Y of Z, said`
    let (kind, e) = phrase_from(t, i, end)?;
    let mut v = e + 1;
    if t.punct(v) == Some(',') {
        let close = (v + 1..end.min(v + 1 + MAX_APPOSITIVE)).find(|&k| t.punct(k) == Some(','))?;
        v = close + 1;
    }
    while v < end && t.lower(v).is_some_and(|w| is_verb_modifier(&w)) {
        v += 1;
    }
    if v < end && t.is_verb(v) {
        return Some(Cue {
            speaker: SpeakerPhrase {
                range: t.span(i, e),
                kind,
            },
            evidence: t.span(i, v),
        });
    }
    // `X told reporters` and other phrases with the speaker first.
    trailing_phrase(t, i, e, end)
}

/// A multi-word cue starting at token `i` with its speaker slot after the lead words:
/// `according to X`, `in the words of X`, `as X put it`.
fn phrase_cue(t: &Tokens, i: usize, end: usize) -> Option<Cue> {
    for p in lexicon::cue_phrases().iter().filter(|p| !p.lead.is_empty()) {
        let lead_ok = p
            .lead
            .iter()
            .enumerate()
            .all(|(k, w)| t.lower(i + k).as_deref() == Some(*w));
        if !lead_ok {
            continue;
        }
        let s = i + p.lead.len();
        let Some((kind, e)) = phrase_from(t, s, end) else {
            continue;
        };
        let trail_ok = p
            .trail
            .iter()
            .enumerate()
            .all(|(k, w)| t.lower(e + 1 + k).as_deref() == Some(*w));
        if !trail_ok {
            continue;
        }
        return Some(Cue {
            speaker: SpeakerPhrase {
                range: t.span(s, e),
                kind,
            },
            evidence: t.span(i, e + p.trail.len()),
        });
    }
    None
}

/// A multi-word cue with nothing before its speaker slot (`X told reporters`,
/// `X would report`), the speaker being tokens `s..=e`.
fn trailing_phrase(t: &Tokens, s: usize, e: usize, end: usize) -> Option<Cue> {
    let kind = phrase_from(t, s, end)?.0;
    lexicon::cue_phrases()
        .iter()
        .filter(|p| p.lead.is_empty())
        .find(|p| {
            e + p.trail.len() < end
                && p.trail
                    .iter()
                    .enumerate()
                    .all(|(k, w)| t.lower(e + 1 + k).as_deref() == Some(*w))
        })
        .map(|p| Cue {
            speaker: SpeakerPhrase {
                range: t.span(s, e),
                kind,
            },
            evidence: t.span(s, e + p.trail.len()),
        })
}

/// `X said Q`, `X told Y: Q`, `according to X, Q`, `as X put it, Q`, `X: Q`.
fn before_quote(t: &Tokens, quote: Range<usize>, sentence: Range<usize>) -> Option<Cue> {
    let toks = t.within(sentence.start..quote.start);
    let (start, end) = (toks.start, toks.end);
    if start == end {
        return None;
    }
    // Trailing `,` or `:` before the marks.
    let mut last = end - 1;
    let colon = t.punct(last) == Some(':');
    while last > start && matches!(t.punct(last), Some(',' | ':')) {
        last -= 1;
    }
    // `according to X, Q`, `as X put it, Q`: the phrase ends right before the quotation.
    let floor = last.saturating_sub(MAX_PHRASE + 4).max(start);
    for i in (floor..=last).rev() {
        if let Some(cue) = phrase_cue(t, i, last + 1) {
            if cue.evidence.end == t.toks[last].end() {
                return Some(cue);
            }
        }
    }
    // `X said Q`: the last speech verb, with only gap words between it and the marks.
    let gap_floor = last.saturating_sub(MAX_GAP).max(start);
    let mut v = None;
    for k in (gap_floor..=last).rev() {
        if t.is_verb(k) {
            v = Some(k);
            break;
        }
        let gap = t.punct(k).is_some_and(|c| c == ',')
            || t.is_capitalised(k)
            || t.lower(k).is_some_and(|w| is_gap_word(&w));
        if !gap {
            break;
        }
    }
    // `X said the union would return to talks “…”`, `he accused them of “…”`: a partial
    // quotation in reported speech, the verb at most `MAX_CLAUSE` words before it, no
    // clause break between, and the quotation long enough to be speech rather than a
    // scare quote (`was planning an “imminent” attack`).
    let quoted_words = t
        .within(quote.clone())
        .filter(|&k| t.toks[k].is_word())
        .count();
    let v = v.or_else(|| {
        if quoted_words < MIN_REPORTED_WORDS {
            return None;
        }
        let floor = last.saturating_sub(MAX_CLAUSE).max(start);
        (floor..=last)
            .rev()
            .take_while(|&k| t.word(k).is_some())
            .find(|&k| t.is_verb(k))
    });
    if let Some(v) = v {
        if let Some((speaker, _)) = speaker_before_verb(t, v, start) {
            let evidence = speaker.range.start..t.toks[v].end();
            return Some(Cue { speaker, evidence });
        }
    }
    // `According to X, … Q`: a lead phrase opening the sentence gives all its quotations.
    if let Some(cue) = phrase_cue(t, start, last + 1) {
        let k = t.toks.partition_point(|x| x.start() < cue.evidence.end);
        if t.punct(k) == Some(',') {
            return Some(cue);
        }
    }
    // `a little boy left his football with a note for his lost father: Q`.
    if colon {
        if let Some(cue) = written_message(t, start, last) {
            return Some(cue);
        }
    }
    // `X: Q`, the whole lead-in a speaker phrase.
    if colon {
        let (kind, e) = phrase_from(t, start, last + 1)?;
        if e == last {
            let range = t.span(start, last);
            return Some(Cue {
                speaker: SpeakerPhrase {
                    range: range.clone(),
                    kind,
                },
                evidence: range.start..t.toks[last + 1].end(),
            });
        }
    }
    None
}

/// Words for a written message that may introduce its words after a colon.
fn is_message_noun(lower: &str) -> bool {
    matches!(
        lower,
        "note" | "letter" | "message" | "sign" | "card" | "placard" | "banner"
    )
}

/// Words that open the object after a verb (`left his football`, `held a sign`).
fn opens_object(lower: &str) -> bool {
    matches!(
        lower,
        "a" | "an" | "the" | "his" | "her" | "their" | "its" | "my" | "our"
    )
}

/// `a little boy left his football with a note for his lost father: Q`: a clause (tokens
/// `start..=last`, before the colon) whose indefinite subject leaves or holds a written
/// message (a message noun at most `MAX_GAP` words before the colon); the speaker is the
/// subject, up to the word before the first word followed by an object opener.
fn written_message(t: &Tokens, start: usize, last: usize) -> Option<Cue> {
    let floor = last.saturating_sub(MAX_GAP).max(start);
    let noun = (floor..=last)
        .rev()
        .find(|&k| t.lower(k).is_some_and(|w| is_message_noun(&w)))?;
    let clause = (start..noun)
        .rev()
        .find(|&k| t.punct(k) == Some(','))
        .map_or(start, |k| k + 1);
    let det = t.lower(clause)?;
    if !is_indefinite_marker(&det) || t.is_capitalised(clause + 1) {
        return None;
    }
    let verb = (clause + 2..noun.min(clause + 2 + MAX_PHRASE))
        .find(|&k| t.word(k).is_some() && t.lower(k + 1).is_some_and(|w| opens_object(&w)))?;
    let subject = t.span(clause, verb - 1);
    Some(Cue {
        speaker: SpeakerPhrase {
            range: subject.clone(),
            kind: SpeakerKind::Indefinite,
        },
        evidence: subject.start..t.toks[noun].end(),
    })
}

/// A sentence that is a speaker and a speech verb with little else (`He said.`,
/// `Al Sudani added:`, `the minister told reporters on Friday.`): the cue of a quotation in
/// the sentence before or after it.
pub fn statement(t: &Tokens, sentence: Range<usize>) -> Option<Cue> {
    let toks = t.within(sentence);
    let (start, end) = (toks.start, toks.end);
    let (kind, e) = phrase_from(t, start, end)?;
    let mut v = e + 1;
    while v < end && t.lower(v).is_some_and(|w| is_verb_modifier(&w)) {
        v += 1;
    }
    if v >= end || !t.is_verb(v) {
        return trailing_phrase(t, start, e, end).filter(|c| short_tail(t, c, end));
    }
    let cue = Cue {
        speaker: SpeakerPhrase {
            range: t.span(start, e),
            kind,
        },
        evidence: t.span(start, v),
    };
    short_tail(t, &cue, end).then_some(cue)
}

/// Whether little follows the cue in its sentence (a time, a place, a colon).
fn short_tail(t: &Tokens, cue: &Cue, end: usize) -> bool {
    let after = t.toks.partition_point(|k| k.start() < cue.evidence.end);
    let words = (after..end).filter(|&k| t.word(k).is_some()).count();
    let colon = (after..end).any(|k| t.punct(k) == Some(':'));
    colon || words <= 4
}

/// A sentence ending with a speech verb and a colon (`X added:`, `CNN in its article, “…,”
/// would report:`): the cue of the paragraph after it. The speaker is the phrase before the
/// verb or, when that is no speaker phrase, the sentence's subject (its first phrase).
pub fn introduction(t: &Tokens, sentence: Range<usize>) -> Option<Cue> {
    let toks = t.within(sentence);
    let (start, end) = (toks.start, toks.end);
    let mut last = end.checked_sub(1)?;
    if last <= start || t.punct(last) != Some(':') {
        return None;
    }
    last -= 1;
    if !t.is_verb(last) {
        // `X told reporters:`
        let p = lexicon::cue_phrases()
            .iter()
            .filter(|p| p.lead.is_empty())
            .find(|p| {
                last + 1 >= p.trail.len()
                    && p.trail
                        .iter()
                        .enumerate()
                        .all(|(k, w)| t.lower(last + 1 - p.trail.len() + k).as_deref() == Some(*w))
            })?;
        last = last + 1 - p.trail.len();
        if !t.is_verb(last) {
            return None;
        }
    }
    if let Some((speaker, _)) = speaker_before_verb(t, last, start) {
        let evidence = speaker.range.start..t.toks[end - 2].end();
        return Some(Cue { speaker, evidence });
    }
    // The subject: the sentence's first phrase, after an opening adverb and comma
    // (`Henceforth, IRCC groups …, adding:`).
    let mut s = start;
    if t.punct(s + 1) == Some(',') && !t.is_capitalised(s + 1) && s + 2 < last {
        s += 2;
    }
    let (kind, e) = phrase_from(t, s, last)?;
    // `IRCC groups`: a name and the plural noun after it.
    let e = if kind == SpeakerKind::Name
        && t.word(e + 1)
            .is_some_and(|w| !t.is_capitalised(e + 1) && w.ends_with('s'))
        && !t.is_verb(e + 1)
        && !t.lower(e + 1).is_some_and(|w| elex::is_stopword(&w))
    {
        e + 1
    } else {
        e
    };
    Some(Cue {
        speaker: SpeakerPhrase {
            range: t.span(s, e),
            kind,
        },
        evidence: t.span(s, e).start..t.toks[end - 2].end(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tokens::tokenize;

    /// The cue of the first quotation of `text` (one sentence), as (speaker, kind, evidence).
    fn cue(text: &str) -> Option<(String, SpeakerKind, String)> {
        let toks = tokenize(text);
        let t = Tokens::new(text, &toks);
        let open = text.find(['“', '"'])?;
        let inner = open + text[open..].chars().next()?.len_utf8();
        let close = text[inner..].find(['”', '"'])? + inner;
        let quote = open..close + text[close..].chars().next()?.len_utf8();
        let c = around(&t, quote, 0..text.len())?;
        Some((
            text[c.speaker.range].to_string(),
            c.speaker.kind,
            text[c.evidence].to_string(),
        ))
    }

    fn who(text: &str) -> Option<(String, SpeakerKind)> {
        cue(text).map(|(s, k, _)| (s, k))
    }

    fn named(s: &str, k: SpeakerKind) -> Option<(String, SpeakerKind)> {
        Some((s.to_string(), k))
    }

    use SpeakerKind::*;

    #[test]
    fn speaker_then_verb_before_the_quotation() {
        assert_eq!(
            cue("Al Sudani said “we will leave.”"),
            Some(("Al Sudani".into(), Name, "Al Sudani said".into()))
        );
        assert_eq!(
            who("Al Sudani said: “We will leave.”"),
            named("Al Sudani", Name)
        );
        assert_eq!(
            who("He said that “all factions agreed.”"),
            named("He", Pronoun)
        );
        assert_eq!(
            who("Maj. Gen. Pat Ryder told reporters on Friday: “We are there.”"),
            named("Maj. Gen. Pat Ryder", Name)
        );
        assert_eq!(who("Ryder told CNN: “We are there.”"), named("Ryder", Name));
        assert_eq!(
            who("The Iraqi prime minister later said, “We condemn the attacks.”"),
            named("The Iraqi prime minister", Role)
        );
    }

    #[test]
    fn speaker_after_the_quotation() {
        // seeds/003
        assert_eq!(
            cue("“The Popular Mobilization Forces represent an official presence,” the Iraqi prime minister stated on Friday."),
            Some((
                "the Iraqi prime minister".into(),
                Role,
                "the Iraqi prime minister stated".into()
            ))
        );
        assert_eq!(
            who("“We affirm our principled position,” he said, adding that Baghdad seeks more."),
            named("he", Pronoun)
        );
        assert_eq!(
            who("“We will stay,” said Pat Ryder."),
            named("Pat Ryder", Name)
        );
        assert_eq!(
            who("“We will stay,” Ryder, the Pentagon press secretary, said."),
            named("Ryder", Name)
        );
        assert_eq!(
            who("“We will stay,” Ryder told reporters."),
            named("Ryder", Name)
        );
        assert_eq!(
            who("“We will stay,” as Ryder put it."),
            named("Ryder", Name)
        );
    }

    #[test]
    fn multi_word_cues_before_the_quotation() {
        // seeds/002
        assert_eq!(
            cue("According to an unnamed Iraqi militia commander, “all factions agreed” to attack US forces."),
            Some((
                "an unnamed Iraqi militia commander".into(),
                Indefinite,
                "According to an unnamed Iraqi militia commander".into()
            ))
        );
        assert_eq!(
            who("In the words of Walter Lippmann, “the world is round.”"),
            named("Walter Lippmann", Name)
        );
        assert_eq!(
            who("As Lippmann put it, “the world is round.”"),
            named("Lippmann", Name)
        );
        assert_eq!(
            who("One woman wrote: “I need help.”"),
            named("One woman", Indefinite)
        );
    }

    #[test]
    fn a_written_message_before_a_colon_is_its_subjects() {
        assert_eq!(
            who("At a memorial, a little boy left his football with a note for his father: “Dear Daddy, take this to heaven.”"),
            named("a little boy", Indefinite)
        );
        // No indefinite subject, or no message: no cue.
        assert_eq!(
            who("At a memorial, the crowd left flowers and a note: “Rest well.”"),
            None
        );
        assert_eq!(
            who("At a memorial, a little boy left his football with his father: “Dear Daddy.”"),
            None
        );
    }

    #[test]
    fn label_and_colon() {
        assert_eq!(who("HADDAD: “We have no water.”"), named("HADDAD", Name));
    }

    #[test]
    fn no_cue_where_no_speech_verb_or_subject() {
        // A quoted title, a verb that is not speech, indirect phrasing far from the marks.
        assert_eq!(
            who(
                "Newsweek itself in a 2018 article titled, “U.S. Soldiers Under Threat,” admitted:"
            ),
            None
        );
        assert_eq!(
            who("Pat Ryder defended the strike as a “necessary, proportionate act,” amid attacks."),
            None
        );
        assert_eq!(
            who("Washington claimed at the time that Soleimani was planning an “imminent” attack."),
            None
        );
        assert_eq!(who("Trump’s “Deal of the Century” was rejected."), None);
    }

    fn whole(text: &str, f: fn(&Tokens, Range<usize>) -> Option<Cue>) -> Option<String> {
        let toks = tokenize(text);
        let t = Tokens::new(text, &toks);
        f(&t, 0..text.len()).map(|c| text[c.speaker.range].to_string())
    }

    #[test]
    fn statements_and_introductions() {
        assert_eq!(whole("He said.", statement).as_deref(), Some("He"));
        assert_eq!(
            whole("Al Sudani added:", statement).as_deref(),
            Some("Al Sudani")
        );
        assert_eq!(
            whole(
                "He accused Washington of routinely violating Iraq’s sovereignty.",
                statement
            ),
            None
        );
        // seeds/000
        assert_eq!(
            whole("CNN in its article, “US conducts airstrikes against militia sites in Iraq,” would report:", introduction).as_deref(),
            Some("CNN")
        );
        assert_eq!(
            whole("Henceforth, IRCC groups will attack US-led coalition troops “to force the occupation out,” adding:", introduction).as_deref(),
            Some("IRCC groups")
        );
        assert_eq!(
            whole("Al Sudani added:", introduction).as_deref(),
            Some("Al Sudani")
        );
        assert_eq!(whole("The plan was simple:", introduction), None);
    }
}
