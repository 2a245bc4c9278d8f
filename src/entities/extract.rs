//! Mention finding in one source: a pure function of a loaded [`SourceDoc`] (its visible text
//! and offset map). Mentions are reported as byte ranges in the source file.
//!
//! 1. Tokens ([`super::tokens`]) and, for each word, whether it starts a sentence or sits in a
//!    title-case line or quoted title ([`super::context`]).
//! 2. Runs of capitalised words, with name particles (`al-`, `bin`, `van`…), `of` after an
//!    organisation head (`Bank of England`), abbreviation dots (`Maj. Gen.`).
//! 3. Each run: role titles split off and kept as roles (the name after them is a person);
//!    leading demonyms and function words stripped; words that are capitalised only because
//!    of their position kept only with evidence (capitalised mid-sentence elsewhere in the
//!    source, a known place or organisation, a given name before a surname, a cue word).
//!    Never a name, nor the end of one: abbreviations and fragments of one or two letters
//!    (`St`, `Pa`, `Aj`; `St. Louis` is one name), weekdays (`Trenton Monday`). Not a
//!    person's: a role word that is also an adjective before a common noun (`General
//!    Electric`), a family or title after `the` (`the John G. Beadles`, `the Fair Deal`), a
//!    place's name going on (`New York Yankees`). Words before a given name that describe
//!    the person (`Dictator Fidel Castro`) become a role.
//! 4. Acronyms defined in parentheses ([`super::acronym`]); descriptions
//!    ([`super::describe`]).
//! 5. The names of the source merged ([`super::merge`]) into [`Found`] entities.

use super::acronym;
use super::builtin;
use super::candidate::Candidate;
use super::context::{Context, WordInfo};
use super::describe;
use super::found::{EntityKind, Found, FoundDescription, SourceEntities};
use super::keys::{is_acronym, lookup_key, lowercase, strip_possessive, with_key};
use super::lexicon::{self as lex, given_name};
use super::merge::{self, Node};
use super::places;
use super::tokens::{tokenize, Token};
use crate::corpus::SourceDoc;
use crate::text::OffsetMap;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::ops::Range;

/// Find the entities of one source.
pub fn extract(doc: &SourceDoc) -> SourceEntities {
    extract_with_tokens(doc, &tokenize(&doc.text))
}

/// [`extract`] with the tokens of `doc.text` already made (indexing tokenises once for the
/// entities and the speakers).
pub fn extract_with_tokens(doc: &SourceDoc, toks: &[Token]) -> SourceEntities {
    let cands = candidates_of(&doc.text, toks);
    build(&doc.text, &doc.map, cands)
}

/// Find the entities of a visible text whose `map` leads back to the file.
pub fn extract_text(text: &str, map: &OffsetMap) -> SourceEntities {
    let cands = candidates(text);
    build(text, map, cands)
}

/// Candidates of a visible text (exposed for tests and the note finder).
pub fn candidates(text: &str) -> (Vec<Candidate>, Vec<(usize, usize)>) {
    candidates_of(text, &tokenize(text))
}

/// [`candidates`] with the text's tokens already made.
fn candidates_of(text: &str, toks: &[Token]) -> (Vec<Candidate>, Vec<(usize, usize)>) {
    let ctx = Context::new(text, toks);
    // Byte for byte the text's length: ASCII words' lowercase forms are slices of it.
    let ascii_lower = text.to_ascii_lowercase();
    let mut finder = Finder {
        text,
        ascii_lower: &ascii_lower,
        toks,
        ctx: &ctx,
        out: Vec::new(),
        groups: Vec::new(),
        alone: HashMap::default(),
    };
    finder.runs();
    let mut cands = finder.out;
    let links = acronym::definitions(text, toks, &ctx, &mut cands);
    describe::describe(text, toks, &mut cands);
    (cands, links)
}

struct Finder<'a> {
    text: &'a str,
    /// `text` with ASCII letters lowercased (same byte offsets).
    ascii_lower: &'a str,
    toks: &'a [Token],
    ctx: &'a Context,
    out: Vec<Candidate>,
    /// Scratch space for `piece` (reused: it runs once per name).
    groups: Vec<Range<usize>>,
    /// [`Finder::stands_alone`] by spelling.
    alone: HashMap<String, bool>,
}

/// One word of a run, with the part of its token that belongs to the name.
#[derive(Debug, Clone)]
pub(crate) struct RunWord<'a> {
    pub tok: usize,
    pub range: Range<usize>,
    /// The word in lowercase (borrowed from the lowercased text for ASCII words).
    pub lower: Cow<'a, str>,
    pub info: WordInfo,
    /// A lowercase joiner (`bin`, `of`, `the`): inside a name only.
    pub joiner: bool,
}

impl<'a> Finder<'a> {
    /// The lowercase form of `text[r]`, borrowed when it is ASCII.
    fn lower_of(&self, r: Range<usize>) -> Cow<'a, str> {
        let w = &self.text[r.clone()];
        if w.is_ascii() {
            Cow::Borrowed(&self.ascii_lower[r])
        } else {
            Cow::Owned(w.to_lowercase())
        }
    }

    fn word(&self, i: usize) -> Option<RunWord<'a>> {
        let nw = self.ctx.name_part(i)?;
        let lower = self.lower_of(nw.clone());
        Some(RunWord {
            tok: i,
            range: nw,
            lower,
            info: self.ctx.info[i],
            joiner: false,
        })
    }

    fn lower_word(&self, i: usize) -> Option<&'a str> {
        let t = self.toks.get(i)?;
        if !t.is_word() {
            return None;
        }
        let w = &self.text[t.range()];
        w.chars().next().filter(|c| c.is_lowercase()).map(|_| w)
    }

    fn continues(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.is_word() && t.space_before && !t.line_start)
            && self.ctx.name_part(i).is_some()
    }

    /// Whether `w`, the last of `len` words of a run and followed by a dot, is a name's
    /// initial: `John F.`, also first (`J. Edgar Hoover`, `W. Averell Harriman`), but for `I`
    /// (`World War I.`).
    fn initial(&self, w: &RunWord, len: usize) -> bool {
        let s = &self.text[w.range.clone()];
        s.chars().count() == 1 && (len > 1 || s != "I")
    }

    /// Collect runs of capitalised words and turn them into candidates.
    fn runs(&mut self) {
        let n = self.toks.len();
        // All runs' words in one vector; each run is a range of it.
        let mut words: Vec<RunWord> = Vec::new();
        let mut runs: Vec<Range<usize>> = Vec::new();
        let mut i = 0;
        while i < n {
            let Some(first) = self.word(i) else {
                i += 1;
                continue;
            };
            let start = words.len();
            words.push(first);
            let mut j = i;
            loop {
                let run = &mut words[start..];
                let last = run.last().expect("run");
                if self.ctx.info[last.tok].stops_run {
                    break;
                }
                let k = j + 1;
                if self.continues(k) {
                    words.push(self.word(k).expect("name"));
                    j = k;
                    continue;
                }
                // Particles and `of` between capitalised words.
                if let Some(w) = self.lower_word(k) {
                    let joins_of = ((w == "of" || w == "for")
                        && (lex::is_org_cue(&last.lower) || OF_HEADS.contains(&&*last.lower))
                        || w == "on" && ON_HEADS.contains(&&*last.lower))
                        && !lex::is_role(&last.lower)
                        && self
                            .word(k + 1)
                            .is_some_and(|n| !lex::is_stopword(&n.lower));
                    let quoted_of =
                        (w == "of" || w == "the") && self.ctx.info[last.tok].short_quote;
                    if (lex::PARTICLES.contains(w) || joins_of || quoted_of)
                        && self.toks[k].space_before
                    {
                        // `of the`
                        let mut m = k + 1;
                        let mut joiners = vec![k];
                        if (w == "of") && self.lower_word(m) == Some("the") {
                            joiners.push(m);
                            m += 1;
                        }
                        if self.continues(m) {
                            for t in joiners {
                                let tok = &self.toks[t];
                                words.push(RunWord {
                                    tok: t,
                                    range: tok.range(),
                                    lower: self.lower_of(tok.range()),
                                    info: self.ctx.info[t],
                                    joiner: true,
                                });
                            }
                            words.push(self.word(m).expect("name"));
                            j = m;
                            continue;
                        }
                    }
                }
                // Abbreviation dots: `Maj. Gen. Pat Ryder`, `John F. Kennedy`.
                if self.toks.get(k).and_then(Token::punct) == Some('.')
                    && !self.toks[k].space_before
                    && (lex::ABBREVIATIONS.contains(&*last.lower)
                        && (lex::is_role(&last.lower) || NAME_HEADS.contains(&&*last.lower))
                        || self.initial(last, run.len()))
                    && self.continues(k + 1)
                {
                    let last = run.last_mut().expect("run");
                    last.range.end = self.toks[k].end();
                    words.push(self.word(k + 1).expect("name"));
                    j = k + 1;
                    continue;
                }
                break;
            }
            runs.push(start..words.len());
            i = j + 1;
        }
        self.process(&words, runs);
    }

    fn process(&mut self, words: &[RunWord], runs: Vec<Range<usize>>) {
        // A run followed by a lowercase role word and another run describes that run's person:
        // `Iranian Quds Force commander Qassem Soleimani`, `Pentagon Press secretary Maj. Gen.`
        let mut pending: Option<PendingRole> = None;
        for (idx, range) in runs.iter().enumerate() {
            let mut run = &words[range.clone()];
            let next_start = runs.get(idx + 1).map(|r| words[r.start].tok);
            let last_tok = run.last().map(|w| w.tok).unwrap_or(0);
            // Lowercase role chain between this run and the next: `commander`, `militia leader`.
            let mut role_after: Option<(Range<usize>, String)> = None;
            if let Some(ns) = next_start {
                if ns > last_tok + 1 && ns <= last_tok + 4 {
                    let between = last_tok + 1..ns;
                    let all_lower = between.clone().all(|t| self.lower_word(t).is_some());
                    if all_lower {
                        let words: Vec<Cow<'_, str>> = between
                            .clone()
                            .map(|t| lowercase(&self.text[self.toks[t].range()]))
                            .collect();
                        let last = words.last().expect("between");
                        let mods_ok = words[..words.len() - 1]
                            .iter()
                            .all(|w| lex::is_role_modifier(w) || lex::is_adjective(w));
                        if lex::is_role(last) && mods_ok {
                            let start = self.toks[between.start].start();
                            let end = self.toks[between.end - 1].end();
                            role_after = Some((start..end, self.text[start..end].to_string()));
                        }
                    }
                }
            }
            let title = run.iter().any(|w| w.info.title);
            if let Some((role_range, mut role)) = role_after.clone() {
                if !title {
                    // `Press secretary`: a role modifier at the end of this run is the role's.
                    let mut phrase_start = run.first().map_or(role_range.start, |w| w.range.start);
                    if let [rest @ .., m] = run {
                        if !rest.is_empty() && lex::is_role_modifier(&m.lower) {
                            role = format!("{} {}", &self.text[m.range.clone()], role);
                            run = rest;
                        }
                    }
                    // Runs that are just adjectives (`Iraqi militia leader`) are the phrase's.
                    let keep = !run.iter().all(|w| lex::is_adjective(&w.lower) || w.joiner);
                    if keep {
                        self.run_candidates(run, None);
                    } else {
                        phrase_start = run.first().map_or(role_range.start, |w| w.range.start);
                    }
                    if run.is_empty() {
                        phrase_start = role_range.start;
                    }
                    pending = Some(PendingRole {
                        roles: vec![role],
                        description: phrase_start..role_range.end,
                    });
                    continue;
                }
            }
            let p = pending.take().or_else(|| self.lowercase_role_before(run));
            let comma_role = self.run_candidates(run, p);
            // `US President, Donald Trump`: a run of role words then a comma and a name.
            if let (Some(cr), Some(ns)) = (comma_role, next_start) {
                if ns == last_tok + 2 && self.toks[last_tok + 1].punct() == Some(',') {
                    pending = Some(cr);
                }
            }
        }
    }

    /// The lowercase role right before a run with no run before it (`“…,” company
    /// spokeswoman Priya Natarajan said`), the run opening with a given name: a role word and
    /// at most one word before it that is no function word, verb form or adverb.
    fn lowercase_role_before(&self, run: &[RunWord]) -> Option<PendingRole> {
        // Only before a given name: a role word before any capitalised word (`party leader
        // Democratic …`) names nobody.
        if !given_name(&run.first()?.lower) {
            return None;
        }
        let first = run.first()?.tok;
        let r = first.checked_sub(1)?;
        self.lower_word(r)
            .filter(|w| lex::is_role(&w.to_lowercase()))?;
        let mut start = r;
        if let Some(m) = r.checked_sub(1).and_then(|m| self.lower_word(m)) {
            let m_lower = m.to_lowercase();
            let plain = !lex::is_stopword(&m_lower)
                && !["ed", "ing", "ly", "s"]
                    .iter()
                    .any(|e| m_lower.ends_with(e));
            if plain {
                start -= 1;
            }
        }
        let range = self.toks[start].start()..self.toks[r].end();
        Some(PendingRole {
            roles: vec![self.text[range.clone()].to_string()],
            description: range,
        })
    }

    /// Candidates of one run; returns a pending role when the run ends with role words and no
    /// name.
    fn run_candidates(
        &mut self,
        run: &[RunWord],
        pending: Option<PendingRole>,
    ) -> Option<PendingRole> {
        if run.is_empty() {
            return None;
        }
        let title = run.iter().any(|w| w.info.title);
        // Role titles: the last role word followed by a name.
        let is_role_word = |w: &RunWord| !w.joiner && lex::is_role(&w.lower);
        let mut r = None;
        if !title {
            for (k, w) in run.iter().enumerate().rev() {
                if is_role_word(w)
                    && run[k + 1..].iter().any(|x| {
                        !x.joiner && !lex::is_role(&x.lower) && !lex::is_role_modifier(&x.lower)
                    })
                {
                    r = Some(k);
                    break;
                }
            }
        }
        if let Some(r) = r {
            // The role chain: role words, modifiers and adjectives before and including r.
            let mut cs = r;
            while cs > 0 {
                let w = &run[cs - 1];
                if lex::is_role(&w.lower)
                    || lex::is_role_modifier(&w.lower)
                    || (lex::is_adjective(&w.lower) && !lex::is_stopword(&w.lower))
                {
                    cs -= 1;
                } else {
                    break;
                }
            }
            let name = &run[r + 1..];
            if !self.names_a_person(&run[r], name) {
                // `General Assembly`, `Chief Executives`: an adjective, not a title.
                self.plain(run, None);
                return None;
            }
            let roles = role_units(self.text, &run[cs..=r]);
            let pre = &run[..cs];
            let phrase_start = run[0].range.start;
            let phrase_end = run[r].range.end;
            if !pre.is_empty() {
                self.plain(pre, None);
            }
            let mut descriptions = Vec::new();
            let phrase = self.text[phrase_start..phrase_end].to_string();
            if !roles.contains(&phrase) {
                descriptions.push(phrase_start..phrase_end);
            }
            let mut pr = PendingRole {
                roles,
                description: phrase_start..phrase_end,
            };
            if let Some(p) = pending {
                pr.roles.extend(p.roles);
                descriptions.push(p.description);
            }
            self.person(name, pr.roles, descriptions);
            return None;
        }
        // A run of role words alone (`US President`, `the Prime Minister`): may name the
        // person after a comma.
        if !title && run.iter().any(is_role_word) && is_role_word(run.last().expect("run")) {
            let mut cs = run.len() - 1;
            while cs > 0
                && (lex::is_role(&run[cs - 1].lower)
                    || lex::is_role_modifier(&run[cs - 1].lower)
                    || lex::is_adjective(&run[cs - 1].lower))
            {
                cs -= 1;
            }
            if cs > 0 {
                self.plain(&run[..cs], None);
            }
            return Some(PendingRole {
                roles: role_units(self.text, &run[cs..]),
                description: run[0].range.start..run.last().expect("run").range.end,
            });
        }
        match pending {
            Some(p) => {
                let mut descriptions = Vec::new();
                let phrase = self.text[p.description.clone()].to_string();
                if !p.roles.contains(&phrase) {
                    descriptions.push(p.description);
                }
                self.person(run, p.roles, descriptions);
            }
            None => self.plain(run, None),
        }
        None
    }

    /// Whether the words after a role word name a person. A single word that is a cue word
    /// (`General Assembly`) or a fragment (`Mr. K's`) does not; after a role word that is also
    /// an adjective (`General`, `Chief`, no abbreviation dot), a single word must be a given
    /// name or capitalised elsewhere in the text on its own (`General Eisenhower`, not
    /// `General Electric`).
    fn names_a_person(&mut self, role: &RunWord, name: &[RunWord]) -> bool {
        let name = trim_joiners(name);
        let [w] = name else {
            return true;
        };
        if lex::is_org_cue(&w.lower) || lex::is_place_cue(&w.lower) || fragment(self.text, w) {
            return false;
        }
        let role_surface = &self.text[role.range.clone()];
        if !ADJECTIVE_ROLES.contains(&&*role.lower) || role_surface.ends_with('.') {
            return true;
        }
        given_name(&w.lower) || self.stands_alone(w)
    }

    /// Whether the word of `w` (after a role word) is written elsewhere in the text,
    /// capitalised, with no role word before it. One pass over the text per spelling.
    fn stands_alone(&mut self, w: &RunWord) -> bool {
        let surface = strip_possessive(&self.text[w.range.clone()]);
        if let Some(&alone) = self.alone.get(surface) {
            return alone;
        }
        let alone = self.toks.iter().enumerate().any(|(i, t)| {
            i != w.tok
                && t.is_word()
                && strip_possessive(&self.text[t.range()]) == surface
                && !(i > 0
                    && self.toks[i - 1].is_word()
                    && lex::is_role(&lowercase(&self.text[self.toks[i - 1].range()])))
        });
        self.alone.insert(surface.to_string(), alone);
        alone
    }

    /// A role-marked person.
    fn person(&mut self, name: &[RunWord], roles: Vec<String>, descriptions: Vec<Range<usize>>) {
        // Role words after the name's first word are part of it (`Mrs. Clinton B. King`);
        // days and fragments at its end are not (`Sen. Clifford Case Aj`).
        let mut name = trim_joiners(name);
        while let [rest @ .., last] = name {
            let tail = DAYS.contains(&&*last.lower)
                || fragment(self.text, last) && last.lower != "jr" && last.lower != "sr";
            if rest.is_empty() || !tail {
                break;
            }
            name = trim_joiners(rest);
        }
        if name.is_empty() || name.iter().all(|w| lex::is_stopword(&w.lower)) {
            return;
        }
        self.push(name, EntityKind::Person, false, roles, descriptions);
    }

    /// A run without role words: strip what is not part of a name, check evidence, classify.
    fn plain(&mut self, run: &[RunWord], _unused: Option<()>) {
        // Split at inner function words and possessives (`Iraq’s Grand`, `The US Is`).
        let mut start = 0;
        for (k, w) in run.iter().enumerate() {
            let surface = &self.text[w.range.clone()];
            // `IS` is an acronym, `A.` an initial.
            let name_like = surface == "IS" || is_initial(surface);
            let stop = !w.joiner && FUNCTION_WORDS.contains(&*w.lower) && !name_like;
            if stop {
                self.piece(&run[start..k]);
                start = k + 1;
            } else if self.ctx.info[w.tok].possessive && k + 1 < run.len() {
                self.piece(&run[start..=k]);
                start = k + 1;
            }
        }
        self.piece(&run[start..]);
    }

    fn piece(&mut self, words: &[RunWord]) {
        let mut words: &[RunWord] = trim_joiners(words);
        // Leading stopwords (`The Pentagon`) and demonyms before a name (`Iranian Quds Force`,
        // but `Iraqi Parliament` stays whole).
        while let Some(w) = words.first() {
            let rest_generic =
                words.len() == 2 && lex::generic_cue(&words[1].lower) || words.len() == 1;
            // Function words always; other stopwords (`Popular`, `Global`) only where any
            // word is capitalised.
            let positional = w.info.initial || w.info.title;
            // `A. F. Schmalzried`: an initial, not the article.
            if is_initial(&self.text[w.range.clone()]) {
                break;
            }
            let function = FUNCTION_WORDS.contains(&*w.lower) && stop(self.text, w);
            let stopword = function || positional && stop(self.text, w);
            let adjective = lex::is_adjective(&w.lower) && !rest_generic;
            let strip =
                (stopword || adjective) && !((words.len() > 1 || !stopword) && self.known(words));
            if !strip {
                break;
            }
            words = trim_joiners(&words[1..]);
        }
        // Function words, days (`Trenton Monday`) and fragments (`Clifford Case Aj`) do not
        // end a name.
        while words.last().is_some_and(|w| {
            ((FUNCTION_WORDS.contains(&*w.lower) || DAYS.contains(&&*w.lower))
                && !self.known(words)
                || fragment(self.text, w) && w.lower != "jr" && w.lower != "sr")
                && words.len() > 1
        }) {
            words = &words[..words.len() - 1];
        }
        if words.is_empty() {
            return;
        }
        // Evidence for words capitalised only by position.
        let whole_known = self.known(words);
        let cue = words.iter().any(|w| {
            lex::is_org_cue(&w.lower) && !lex::generic_cue(&w.lower)
                || w.lower.contains('-')
                    && self.text[w.range.clone()].starts_with(char::is_lowercase)
        }) || (words.len() > 1
            && words
                .iter()
                .any(|w| lex::is_org_cue(&w.lower) || lex::is_place_cue(&w.lower)));
        // Confirmed words form groups; an unconfirmed word ends a group.
        let mut groups = std::mem::take(&mut self.groups);
        groups.clear();
        let mut group_start = 0;
        let mut after_given = false;
        for (k, w) in words.iter().enumerate() {
            let positional = w.info.title || (k == 0 && w.info.initial);
            let ok = !positional
                || whole_known
                || (k == 0 && !w.info.title && cue && words.len() > 1)
                || (after_given && !stop(self.text, w))
                || self.evidence(w, words.len() > 1 && k + 1 < words.len());
            after_given = ok && given_name(&w.lower) && k + 1 < words.len();
            if !ok {
                // Unconfirmed: a weak single-word candidate for corpus-level confirmation.
                if !w.joiner && self.could_be_name(w) {
                    self.push(
                        std::slice::from_ref(w),
                        EntityKind::Other,
                        true,
                        Vec::new(),
                        Vec::new(),
                    );
                }
                groups.push(group_start..k);
                group_start = k + 1;
            }
        }
        groups.push(group_start..words.len());
        for group in groups.drain(..) {
            let ws = trim_joiners(&words[group]);
            if ws.is_empty() {
                continue;
            }
            // A lone adjective, stopword or generic cue word is not a name.
            if ws.len() == 1 {
                let l = &ws[0].lower;
                if stop(self.text, &ws[0])
                    || lex::is_adjective(l)
                    || lex::generic_cue(l)
                    || lex::is_role(l)
                    || lex::ROLE_ACRONYMS.contains(&**l)
                    || l.chars().count() < 2
                    || fragment(self.text, &ws[0])
                    || l.chars().all(|c| !c.is_alphabetic())
                {
                    continue;
                }
            }
            if ws.iter().all(|w| {
                w.joiner
                    || w.lower
                        .split('-')
                        .all(|p| lex::is_adjective(p) || lex::PREFIXES.contains(p))
            }) {
                continue;
            }
            // Acronyms side by side (`US NATO`) are separate names.
            if ws.len() > 1 && ws.iter().all(|w| is_acronym(&self.text[w.range.clone()])) {
                for w in ws {
                    let kind = self.classify(std::slice::from_ref(w));
                    self.push(std::slice::from_ref(w), kind, false, Vec::new(), Vec::new());
                }
                continue;
            }
            let surface = &self.text[ws[0].range.start..ws.last().expect("ws").range.end];
            if with_key(surface, |k| lex::BOILERPLATE.contains(k)) {
                continue;
            }
            // `Iraq-Syria`, `Palestine-Israel`: places joined by a hyphen.
            if ws.len() == 1 && self.split_places(&ws[0]) {
                continue;
            }
            if let Some(k) = self.descriptive_title(ws) {
                // `Dictator Fidel Castro`, `Comedian Charlie Chaplin`: the words before the
                // given name describe the person.
                let role = self.text[ws[0].range.start..ws[k - 1].range.end].to_string();
                self.push(&ws[k..], EntityKind::Person, false, vec![role], Vec::new());
                continue;
            }
            let kind = self.classify(ws);
            self.push(ws, kind, false, Vec::new(), Vec::new());
        }
        self.groups = groups;
    }

    fn could_be_name(&self, w: &RunWord) -> bool {
        !stop(self.text, w)
            && !lex::is_adjective(&w.lower)
            && !lex::is_role(&w.lower)
            && !lex::generic_cue(&w.lower)
            && w.lower.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !with_key(&w.lower, |k| lex::BOILERPLATE.contains(k))
    }

    /// Whether the words as a whole are a known place or organisation.
    fn known(&self, words: &[RunWord]) -> bool {
        if words.is_empty() {
            return false;
        }
        let surface = &self.text[words[0].range.start..words.last().expect("words").range.end];
        with_key(surface, |key| {
            places::by_key(key).is_some() || builtin::group_of(key).is_some()
        }) || with_lower(surface, |l| lex::KNOWN_ORGS.contains(l))
    }

    /// Evidence that a word capitalised by position is a name.
    fn evidence(&self, w: &RunWord, before_more: bool) -> bool {
        let surface = &self.text[w.range.clone()];
        if stop(self.text, w) {
            return false;
        }
        let listed = with_key(surface, |key| {
            self.ctx.strong.contains(key)
                || places::by_key(key).is_some()
                || builtin::group_of(key).is_some()
        });
        if listed || lex::KNOWN_ORGS.contains(&*w.lower) {
            return true;
        }
        if is_acronym(strip_possessive(surface)) && !w.info.shout {
            return true;
        }
        if before_more && (given_name(&w.lower) || w.lower == "abu" || w.lower == "al") {
            return true;
        }
        // `al-Sadr`: a particle-prefixed part.
        surface.starts_with(char::is_lowercase)
    }

    fn split_places(&mut self, w: &RunWord) -> bool {
        let surface = &self.text[w.range.clone()];
        if !surface.contains('-') {
            return false;
        }
        let mut at = w.range.start;
        let mut spans = Vec::new();
        for part in surface.split('-') {
            if places::lookup(part).is_none() {
                return false;
            }
            spans.push(at..at + part.len());
            at += part.len() + 1;
        }
        for s in spans {
            let rw = RunWord {
                tok: w.tok,
                range: s.clone(),
                lower: self.lower_of(s),
                info: w.info,
                joiner: false,
            };
            self.push(&[rw], EntityKind::Place, false, Vec::new(), Vec::new());
        }
        true
    }

    /// Kind of a name from its words and what follows it.
    fn classify(&self, ws: &[RunWord]) -> EntityKind {
        let surface = &self.text[ws[0].range.start..ws.last().expect("ws").range.end];
        let listed = with_key(surface, |key| {
            builtin::group_of(key)
                .map(|g| g.kind)
                .or_else(|| places::by_key(key).map(|_| EntityKind::Place))
        });
        if let Some(kind) = listed {
            return kind;
        }
        if with_lower(surface, |l| lex::KNOWN_ORGS.contains(l)) {
            return EntityKind::Organization;
        }
        let words: Vec<&str> = ws.iter().filter(|w| !w.joiner).map(|w| &*w.lower).collect();
        let last = *words.last().unwrap_or(&"");
        // `14 Mile Road East`: a compass word after a place cue.
        let place_end = lex::is_place_cue(last)
            || COMPASS.contains(&last)
                && words.len() > 2
                && lex::is_place_cue(words[words.len() - 2]);
        if words.len() > 1 && place_end {
            return EntityKind::Place;
        }
        if words.iter().any(|w| lex::is_org_cue(w)) {
            return EntityKind::Organization;
        }
        // What follows: `Ain al-Assad base`, `Badr party`.
        let after = ws.last().map(|w| w.tok + 1).unwrap_or(0);
        let possessive = ws.last().is_some_and(|w| w.info.possessive);
        if let Some(next) = self.lower_word(after).filter(|_| !possessive) {
            let after = with_lower(next, |next| {
                if lex::PLACE_AFTER.contains(next) {
                    Some(EntityKind::Place)
                } else if lex::ORG_AFTER.contains(next) {
                    Some(EntityKind::Organization)
                } else {
                    None
                }
            });
            if let Some(kind) = after {
                return kind;
            }
        }
        if is_acronym(strip_possessive(surface)) {
            return EntityKind::Organization;
        }
        // Persons: a given name first, a kunya (`Abu`), a byline (`By X`). Not after `the`: a
        // family (`the John G. Beadles`), a title (`the “Star Spangled Banner”`, `the Fair
        // Deal`).
        if words.len() >= 2 && !self.family_or_title(ws) {
            let first = words[0];
            if given_name(first) || first == "abu" || first == "umm" {
                return EntityKind::Person;
            }
            // Initials before a name: `J. W. Slate`, `C. Virgil Martin`; not a compass point
            // (`S. Dearborn`, `E. Greenwich`) nor a place (`N. Y`).
            let initials = ws
                .iter()
                .take_while(|w| is_initial(&self.text[w.range.clone()]))
                .count();
            let compass =
                initials == 1 && matches!(ws[0].lower.trim_end_matches('.'), "n" | "s" | "e" | "w");
            let rest = &ws[initials..];
            if initials > 0
                && !compass
                && rest.iter().any(|w| w.lower.chars().count() > 2)
                && !self.known(rest)
            {
                return EntityKind::Person;
            }
            if ws.iter().any(|w| {
                w.tok != ws[0].tok
                    && with_lower(&self.text[w.range.clone()], |lw| {
                        lw.starts_with("al-")
                            || lw.starts_with("el-")
                            || lw.starts_with("bin ")
                            || lw == "bin"
                            || lw == "ibn"
                    })
            }) {
                return EntityKind::Person;
            }
            let first_tok = ws[0].tok;
            if first_tok > 0 {
                // A byline: `By` (capitalised, `by Sports Illustrated` is no byline).
                if let Some(prev) = self.toks.get(first_tok - 1) {
                    if prev.is_word() && matches!(&self.text[prev.range()], "By" | "BY") {
                        return EntityKind::Person;
                    }
                }
            }
        }
        EntityKind::Other
    }

    /// Where a person's name starts after one or two capitalised words that describe them
    /// (`Dictator Fidel Castro`, `Actor-Crooner Frank Sinatra`): at a given name followed by
    /// more of the name, after words that are no given names, initials, places, organisations
    /// or cue words. `None` for `Lake Forest Park`, `Mary Ann Smith`, `Hollywood Couturier …`.
    fn descriptive_title(&self, ws: &[RunWord]) -> Option<usize> {
        if ws.len() < 3 || ws.iter().any(|w| w.joiner) {
            return None;
        }
        let k = (1..ws.len().min(3)).find(|&k| given_name(&ws[k].lower))?;
        // `New York Yankees`: a place's name goes on into the given name.
        if k + 1 >= ws.len() || self.after_the(ws[0].tok) || self.known(&ws[..=k]) {
            return None;
        }
        let cue = |w: &RunWord| {
            lex::is_org_cue(&w.lower) || lex::is_place_cue(&w.lower) || lex::is_role(&w.lower)
        };
        let describes = ws[..k].iter().all(|w| {
            w.lower.chars().filter(|c| c.is_alphabetic()).count() > 2
                && !given_name(&w.lower)
                && !lex::PARTICLES.contains(&*w.lower)
                && !lex::is_adjective(&w.lower)
                && !self.known(std::slice::from_ref(w))
        });
        (describes && !ws.iter().any(cue)).then_some(k)
    }

    /// A name after `the` that is no person's: a family (`the John G. Beadles`) or a title
    /// (`the Fair Deal and`, `the “Star Spangled Banner”`); `the Joe Biden administration`
    /// is a person's.
    fn family_or_title(&self, ws: &[RunWord]) -> bool {
        let Some(last) = ws.last() else { return false };
        if !self.after_the(ws[0].tok) {
            return false;
        }
        let plural = last.lower.ends_with('s') && !last.lower.ends_with("ss");
        let attributive = self
            .lower_word(last.tok + 1)
            .is_some_and(|w| !FUNCTION_WORDS.contains(w));
        plural || !attributive
    }

    /// Whether the word before token `i` (opening quotes skipped) is `the`.
    fn after_the(&self, i: usize) -> bool {
        let mut j = i;
        while j > 0 {
            j -= 1;
            let t = &self.toks[j];
            match t.punct() {
                Some('“' | '"' | '‘' | '\'') => continue,
                Some(_) => return false,
                None => return self.text[t.range()].eq_ignore_ascii_case("the"),
            }
        }
        false
    }

    fn push(
        &mut self,
        ws: &[RunWord],
        kind: EntityKind,
        weak: bool,
        roles: Vec<String>,
        descriptions: Vec<Range<usize>>,
    ) {
        let (Some(first), Some(last)) = (ws.first(), ws.last()) else {
            return;
        };
        let range = first.range.start..last.range.end;
        let surface = &self.text[range.clone()];
        let stripped = strip_possessive(surface);
        let range = range.start..range.start + stripped.len();
        self.out.push(Candidate {
            toks: first.tok..last.tok + 1,
            range,
            kind,
            weak,
            roles,
            descriptions,
        });
    }
}

struct PendingRole {
    roles: Vec<String>,
    description: Range<usize>,
}

/// Weekdays: after a name, the day of the news (`Trenton Monday`), not part of it.
const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Compass words that may end a place's name after a place cue (`Eight Mile Road East`).
const COMPASS: &[&str] = &["east", "west", "north", "south"];

/// Role words that are also adjectives: before a single word, no title unless the word is a
/// name (`General Eisenhower`, `General Electric`).
const ADJECTIVE_ROLES: &[&str] = &["general", "chief", "major", "head", "deputy"];

/// Abbreviations that begin a place's name: `St. Louis`, `Mt. Vernon`, `Ft. Worth`.
const NAME_HEADS: &[&str] = &["st", "mt", "ft", "pt"];

/// Heads after which `of` or `for` stays inside a name (`Bank of England`,
/// `Republic of Iraq`, `Centre for Research`).
const OF_HEADS: &[&str] = &[
    "republic",
    "kingdom",
    "states",
    "bank",
    "university",
    "centre",
    "center",
    "institute",
    "department",
    "ministry",
    "council",
    "commission",
    "gulf",
    "sea",
    "strait",
    "bay",
    "cape",
    "isle",
    "house",
    "chamber",
    "league",
    "union",
    "court",
    "bureau",
    "office",
    "board",
    "church",
    "museum",
    "secretary",
    "chiefs",
    "people's",
    "federation",
    "emirate",
    "state",
    "sultanate",
    "organization",
    "organisation",
    "coalition",
    "party",
    "front",
    "army",
];

/// Heads after which `on` stays inside a name (`Centre for Research on Globalization`).
const ON_HEADS: &[&str] = &[
    "research",
    "committee",
    "commission",
    "conference",
    "forum",
    "institute",
    "council",
];

/// Capitalised words that split a run: in titles (`The US Is Occupying Iraq For A Second
/// Time`) and after possessives.
static FUNCTION_WORDS: std::sync::LazyLock<HashSet<&str>> = std::sync::LazyLock::new(|| {
    [
        "the", "a", "an", "and", "or", "is", "are", "was", "were", "for", "to", "in", "on", "at",
        "by", "with", "from", "as", "but", "it", "its", "this", "that", "of", "be", "has", "have",
        "had", "will", "not", "into", "over", "after", "before", "against", "vs", "than", "who",
        "what", "why", "how", "when", "where", "they", "we", "you", "he", "she", "i", "our", "my",
        "your", "their", "his", "her", "do", "does", "did", "can", "could", "would", "should",
        "may", "might", "must", "so", "if", "all", "out", "up", "off", "under", "about",
    ]
    .into_iter()
    .collect()
});

/// A word that is never a name on its own. Words in capitals are acronyms (`US`, `IS`) unless
/// they are function words (`NOT`, `THE`).
fn stop(text: &str, w: &RunWord) -> bool {
    let surface = &text[w.range.clone()];
    let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
    if letters >= 2 && !surface.chars().any(char::is_lowercase) {
        return FUNCTION_WORDS.contains(&*w.lower) && w.lower != "is";
    }
    lex::is_stopword(&w.lower)
}

/// A capital and its dot (`J.`): a run word's surface when the run went on past the dot.
fn is_initial(surface: &str) -> bool {
    let mut cs = surface.chars();
    matches!((cs.next(), cs.next(), cs.next()), (Some(c), Some('.'), None) if c.is_uppercase())
}

/// One- and two-syllable surnames written in two letters (`Xi`, `Li`, `Wu`).
const SHORT_NAMES: &[&str] = &["xi", "li", "hu", "wu", "ma", "yu", "lu", "ng"];

/// A word of one or two letters, not in capitals, that is no listed short name: an
/// abbreviation (`St`, `Pa`, `Co`, `Jr`), a letter (`O's`) or a fragment (`Aj`), never a name
/// alone nor the end of one.
fn fragment(text: &str, w: &RunWord) -> bool {
    let surface = strip_possessive(&text[w.range.clone()]);
    let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
    letters <= 2
        && text[w.range.clone()].chars().any(char::is_lowercase)
        && !SHORT_NAMES.contains(&&*lowercase(surface))
}

fn trim_joiners<'w, 'a>(words: &'w [RunWord<'a>]) -> &'w [RunWord<'a>] {
    let mut s = 0;
    let mut e = words.len();
    while s < e && words[s].joiner {
        s += 1;
    }
    while e > s && words[e - 1].joiner {
        e -= 1;
    }
    &words[s..e]
}

/// Role units of a role chain: modifiers and role words up to each role word
/// (`Prime Minister`, `Maj. Gen.`, `Joint Chiefs Chairman`).
fn role_units(text: &str, chain: &[RunWord]) -> Vec<String> {
    let mut units = Vec::new();
    let mut start: Option<usize> = None;
    for (k, w) in chain.iter().enumerate() {
        let is_role = lex::is_role(&w.lower);
        let is_mod = lex::is_role_modifier(&w.lower);
        if !is_role && !is_mod {
            start = None;
            continue;
        }
        if start.is_none() {
            start = Some(k);
        }
        let next_is_role_abbrev = chain
            .get(k + 1)
            .is_some_and(|n| lex::is_role(&n.lower) && text[w.range.clone()].ends_with('.'));
        if is_role && !next_is_role_abbrev {
            let s = start.take().expect("start");
            units.push(text[chain[s].range.start..w.range.end].to_string());
        }
    }
    units
}

/// Group candidates into the source's entities and map everything back to the file.
fn build(
    text: &str,
    map: &OffsetMap,
    (cands, links): (Vec<Candidate>, Vec<(usize, usize)>),
) -> SourceEntities {
    // One node per distinct surface key (strong and weak apart).
    let mut node_of_key: HashMap<(String, bool), usize> = HashMap::default();
    // The same spelling recurs: its node is found without computing its key again.
    let mut node_of_surface: HashMap<(&str, bool), usize> = HashMap::default();
    let mut nodes: Vec<Node> = Vec::new();
    let mut cand_node = Vec::with_capacity(cands.len());
    for c in &cands {
        let surface = &text[c.range.clone()];
        if let Some(&id) = node_of_surface.get(&(surface, c.weak)) {
            nodes[id].weight += 1;
            cand_node.push(id);
            continue;
        }
        let key = (lookup_key(surface), c.weak);
        let id = *node_of_key.entry(key).or_insert_with(|| {
            nodes.push(Node {
                surfaces: vec![surface],
                kind: EntityKind::Other,
                weight: 0,
                weak: c.weak,
            });
            nodes.len() - 1
        });
        let nd = &mut nodes[id];
        nd.weight += 1;
        if !nd.surfaces.contains(&surface) {
            nd.surfaces.push(surface);
        }
        node_of_surface.insert((surface, c.weak), id);
        cand_node.push(id);
    }
    // Node kinds: votes of their candidates.
    let mut votes = vec![merge::KindVotes::default(); nodes.len()];
    for (c, &id) in cands.iter().zip(&cand_node) {
        votes[id].add(c.kind, if c.roles.is_empty() { 1 } else { 3 });
    }
    for (nd, v) in nodes.iter_mut().zip(votes) {
        nd.kind = v.winner();
    }
    let node_links: Vec<(usize, usize)> = links
        .iter()
        .filter(|(a, b)| *a < cand_node.len() && *b < cand_node.len())
        .map(|&(a, b)| (cand_node[a], cand_node[b]))
        .collect();
    let clusters = merge::cluster(&nodes, &node_links);
    let mut node_cluster = vec![0; nodes.len()];
    for (ci, c) in clusters.iter().enumerate() {
        for &nd in c {
            node_cluster[nd] = ci;
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
    for (i, &nd) in cand_node.iter().enumerate() {
        members[node_cluster[nd]].push(i);
    }
    let mut found = Vec::new();
    for (ci, mut sorted) in members.into_iter().enumerate() {
        if sorted.is_empty() {
            continue;
        }
        let weak = clusters[ci].iter().all(|&nd| nodes[nd].weak);
        let kind = merge::vote_kind(
            clusters[ci]
                .iter()
                .map(|&nd| (nodes[nd].kind, nodes[nd].weight)),
        );
        let mut counts: Vec<(String, u32)> = Vec::new();
        let mut mentions = Vec::with_capacity(sorted.len() * 2);
        let mut roles: Vec<String> = Vec::new();
        let mut descs: Vec<FoundDescription> = Vec::new();
        let mut seen_desc: HashSet<String> = HashSet::default();
        sorted.sort_by_key(|&i| cands[i].range.start);
        sorted.dedup_by_key(|i| cands[*i].range.start);
        for &i in &sorted {
            let c = &cands[i];
            let surface = &text[c.range.clone()];
            match counts.iter_mut().find(|(s, _)| s == surface) {
                Some((_, n)) => *n += 1,
                None => counts.push((surface.to_string(), 1)),
            }
            let r = map.range(c.range.clone());
            mentions.push(r.start);
            mentions.push(r.end);
            for role in &c.roles {
                if !roles.iter().any(|x| x.eq_ignore_ascii_case(role)) {
                    roles.push(role.clone());
                }
            }
            for d in &c.descriptions {
                let t = clean(&text[d.clone()]);
                if t.is_empty() || !seen_desc.insert(t.to_lowercase()) {
                    continue;
                }
                let fr = map.range(d.clone());
                descs.push(FoundDescription {
                    text: t,
                    start: fr.start,
                    end: fr.end,
                });
            }
        }
        let name = choose_name(&counts, kind);
        let first = &cands[sorted[0]];
        // Weak names are kept only if another source confirms them: no context needed yet.
        let context = if weak {
            String::new()
        } else {
            context_of(text, first.range.clone())
        };
        found.push(Found {
            name,
            kind,
            weak,
            aliases: counts,
            roles,
            descriptions: descs,
            mentions,
            line: 0,
            column: 0,
            context,
        });
    }
    found.sort_by_key(|f| f.mentions.first().copied().unwrap_or(0));
    SourceEntities { found }
}

/// The name an entity goes by: a multi-word name before a single word, a spelled-out name
/// before an acronym, then the most frequent, then the longest.
pub fn choose_name(counts: &[(String, u32)], kind: EntityKind) -> String {
    if kind == EntityKind::Place {
        for (s, _) in counts {
            if let Some(p) = places::lookup(s) {
                return p.name.to_string();
            }
        }
    }
    counts
        .iter()
        .max_by(|(a, na), (b, nb)| {
            let score = |s: &str| {
                let acr = is_acronym(s);
                let multi = s.split_whitespace().count() >= 2 || s.contains('-');
                (!acr, multi)
            };
            score(a)
                .cmp(&score(b))
                .then(na.cmp(nb))
                .then(a.chars().count().cmp(&b.chars().count()))
                .then(b.cmp(a))
        })
        .map(|(s, _)| s.clone())
        .unwrap_or_default()
}

/// `f` of `s` in lowercase, without allocating for short ASCII text.
fn with_lower<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 64];
    if s.len() <= buf.len() && s.is_ascii() {
        let b = &mut buf[..s.len()];
        b.copy_from_slice(s.as_bytes());
        b.make_ascii_lowercase();
        f(std::str::from_utf8(b).unwrap_or_default())
    } else {
        f(&s.to_lowercase())
    }
}

/// Whitespace runs to one space, trimmed, commas and semicolons at either end dropped.
pub(crate) fn clean(s: &str) -> String {
    let s = s.trim_matches(|c: char| c == ',' || c == ';' || c.is_whitespace());
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The sentence around `r`, at most about 160 characters.
pub(crate) fn context_of(text: &str, r: Range<usize>) -> String {
    const SPAN: usize = 45;
    let mut start = r.start;
    let mut steps = 0;
    for (i, c) in text[..r.start].char_indices().rev() {
        if c == '\n'
            || ((c == '.' || c == '!' || c == '?')
                && i + 1 < r.start
                && text[i + 1..].starts_with(' '))
        {
            break;
        }
        start = i;
        steps += 1;
        if steps > SPAN {
            break;
        }
    }
    let mut end = r.end;
    let mut steps = 0;
    for (i, c) in text[r.end..].char_indices() {
        let at = r.end + i;
        end = at + c.len_utf8();
        if c == '\n' {
            end = at;
            break;
        }
        if c == '.' || c == '!' || c == '?' {
            break;
        }
        steps += 1;
        if steps > SPAN {
            break;
        }
    }
    let mut s = clean(&text[start..end]);
    if steps > SPAN {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, EntityKind)> {
        let e = extract_text(text, &OffsetMap::identity(text.len()));
        e.found
            .iter()
            .filter(|f| !f.weak)
            .map(|f| (f.name.clone(), f.kind))
            .collect()
    }

    fn has(text: &str, name: &str, kind: EntityKind) -> bool {
        names(text).iter().any(|(n, k)| n == name && *k == kind)
    }

    #[test]
    fn a_lowercase_role_opening_a_clause_is_the_next_names() {
        // Nothing capitalised before the role: `“…,” county spokeswoman Priya Quill said`.
        let t = "“We will appeal,” county spokeswoman Priya Quill said on Monday.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e.found.iter().find(|f| f.name == "Priya Quill").unwrap();
        assert_eq!(f.kind, EntityKind::Person);
        assert_eq!(f.roles, ["county spokeswoman"]);
    }

    #[test]
    fn roles_mark_persons_and_are_not_names() {
        let t = "The strike was ordered by President Donald Trump on Friday.";
        assert!(has(t, "Donald Trump", EntityKind::Person));
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e.found.iter().find(|f| f.name == "Donald Trump").unwrap();
        assert_eq!(f.roles, ["President"]);
        let t = "Pentagon Press secretary Maj. Gen. Pat Ryder defended the strike.";
        assert!(has(t, "Pat Ryder", EntityKind::Person));
        assert!(has(t, "Pentagon", EntityKind::Organization));
        let t = "the regime assassinated Iranian Quds Force commander Qassem Soleimani in 2020.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e
            .found
            .iter()
            .find(|f| f.name == "Qassem Soleimani")
            .unwrap();
        assert_eq!(f.kind, EntityKind::Person);
        assert_eq!(f.roles, ["commander"]);
        assert_eq!(f.descriptions[0].text, "Iranian Quds Force commander");
        assert!(has(t, "Quds Force", EntityKind::Organization));
    }

    #[test]
    fn particles_hyphens_and_apostrophes_stay_in_names() {
        let t = "He met Abu Mahdi al-Muhandis and Adil Abdul-Mahdi of Kata’ib Hezbollah there.";
        assert!(has(t, "Abu Mahdi al-Muhandis", EntityKind::Person));
        assert!(has(t, "Adil Abdul-Mahdi", EntityKind::Person));
        assert!(has(t, "Kata’ib Hezbollah", EntityKind::Organization));
    }

    #[test]
    fn sentence_starts_need_evidence() {
        let t = "Despite the protests, Meaning was lost. Thus it ended. While Baghdad slept.";
        let n = names(t);
        assert!(
            n.iter()
                .all(|(n, _)| n != "Despite" && n != "Thus" && n != "While"),
            "{n:?}"
        );
        assert!(has(t, "Baghdad", EntityKind::Place));
        // Capitalised mid-sentence elsewhere: a name at the start too.
        let t = "Newsweek said so. The claim by Newsweek was false.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e.found.iter().find(|f| f.name == "Newsweek").unwrap();
        assert_eq!(f.mention_count(), 2);
        assert!(!f.weak);
    }

    #[test]
    fn boilerplate_and_title_lines_are_not_entities() {
        let t = "Read More\n\nShare This Article\n\nLeave a Reply\n\nMost Popular\n\nIraq Wants to Kick Out US Troops\n\nThe troops stayed in Iraq.";
        let n = names(t);
        for bad in [
            "Read More",
            "Share This Article",
            "Leave a Reply",
            "Most Popular",
            "Wants",
            "Kick",
        ] {
            assert!(n.iter().all(|(x, _)| x != bad), "{bad} in {n:?}");
        }
        assert!(has(t, "Iraq", EntityKind::Place));
        assert!(has(t, "United States", EntityKind::Place));
    }

    #[test]
    fn possessives_and_places() {
        let t = "He spoke of Iraq’s sovereignty and the Iraq-Syria border near Tehran.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let iraq = e.found.iter().find(|f| f.name == "Iraq").unwrap();
        assert_eq!(iraq.mention_count(), 2);
        assert_eq!(iraq.kind, EntityKind::Place);
        assert!(has(t, "Syria", EntityKind::Place));
        assert!(has(t, "Tehran", EntityKind::Place));
        let r = iraq.first_range().unwrap();
        assert_eq!(&t[r], "Iraq");
    }

    #[test]
    fn acronyms_defined_in_parentheses_merge() {
        let t =
            "the leader of Harakat Hezbollah al-Nujaba (HHN), which the US lists. HHN denied it.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e
            .found
            .iter()
            .find(|f| f.name == "Harakat Hezbollah al-Nujaba")
            .unwrap();
        assert_eq!(f.kind, EntityKind::Organization);
        assert!(f.aliases.iter().any(|(a, n)| a == "HHN" && *n == 2));
        let t = "to help fight Islamic State (IS, formerly ISIS). IS claimed it.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e.found.iter().find(|f| f.name == "Islamic State").unwrap();
        assert!(f.aliases.iter().any(|(a, _)| a == "IS"));
        assert!(f.aliases.iter().any(|(a, _)| a == "ISIS"));
    }

    #[test]
    fn surname_mentions_join_the_full_name() {
        let t = "Prime Minister Adel Abdul Mahdi spoke. Later Abdul Mahdi left, and Soleimani came with General Qassem Soleimani.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e
            .found
            .iter()
            .find(|f| f.name == "Adel Abdul Mahdi")
            .unwrap();
        assert_eq!(f.mention_count(), 2);
        let s = e
            .found
            .iter()
            .find(|f| f.name == "Qassem Soleimani")
            .unwrap();
        assert_eq!(s.mention_count(), 2);
        assert_eq!(s.roles, ["General"]);
    }

    fn persons(text: &str) -> Vec<String> {
        names(text)
            .into_iter()
            .filter(|(_, k)| *k == EntityKind::Person)
            .map(|(n, _)| n)
            .collect()
    }

    /// Every name and alias of every entity, weak ones too.
    fn all_names(text: &str) -> Vec<String> {
        let e = extract_text(text, &OffsetMap::identity(text.len()));
        e.found
            .iter()
            .flat_map(|f| {
                std::iter::once(f.name.clone()).chain(f.aliases.iter().map(|a| a.0.clone()))
            })
            .collect()
    }

    #[test]
    fn contractions_are_not_names() {
        let t =
            "“I'll be explicit”, he promised. We’ve won, I'd say. I'm sure You're right, Don't go.";
        let n = all_names(t);
        assert!(n.iter().all(|x| !x.contains(['\'', '’'])), "{n:?}");
    }

    #[test]
    fn abbreviations_are_not_names_nor_their_ends() {
        let t = "He flew to St. Louis, Mo., then met Sen. Clifford Case Aj, in Pittsburgh, Pa. \
                 Both Mr. K's have spoken. The C & O's request and the B & Aj.";
        let n = all_names(t);
        for bad in [
            "St",
            "Mo",
            "Pa",
            "Aj",
            "K's",
            "O's",
            "Louis",
            "Clifford Case Aj",
        ] {
            assert!(!n.iter().any(|x| x == bad), "{bad} in {n:?}");
        }
        assert!(n.iter().any(|x| x == "St. Louis"), "{n:?}");
        assert_eq!(persons(t), ["Clifford Case"]);
    }

    #[test]
    fn initials_start_and_mark_persons() {
        let t = "Patrolmen J. W. Slate and A. L. Crawford Jr. said they arrested him, and \
                 J. Edgar Hoover agreed, said C. Virgil Martin, a banker.";
        assert_eq!(
            persons(t),
            [
                "J. W. Slate",
                "A. L. Crawford Jr",
                "J. Edgar Hoover",
                "C. Virgil Martin"
            ]
        );
        // Compass points and places are not initials of a person.
        let t = "They live on S. Dearborn now, near E. Greenwich, in Trenton, N. J. now.";
        assert!(persons(t).is_empty(), "{:?}", persons(t));
    }

    #[test]
    fn given_names_of_the_english_list_mark_persons() {
        let t = "The manager, Casey Stengel, was there, and Mickey Mantle hit twice.";
        assert_eq!(persons(t), ["Casey Stengel", "Mickey Mantle"]);
    }

    #[test]
    fn teams_families_and_titles_are_not_persons() {
        let t = "The champion New York Yankees met the St. Louis Cardinals here. They will \
                 stay in the John G. Beadles' beach house. The Fair Deal and the New Frontier \
                 passed, the band struck up the “Star Spangled Banner”, and he was heralded by \
                 Sports Illustrated.";
        assert!(persons(t).is_empty(), "{:?}", persons(t));
    }

    #[test]
    fn adjective_roles_before_common_nouns_are_not_titles() {
        let t = "In the UN General Assembly, General Electric and former Chief Executives \
                 spoke, and Franklin Square Hospital and Anne Arundel General Hospital too.";
        let n = persons(t);
        for bad in ["Assembly", "Electric", "Executives", "Hospital"] {
            assert!(!n.iter().any(|x| x == bad), "{bad} in {n:?}");
        }
        let t = "General Eisenhower spoke. Later Eisenhower left.";
        assert_eq!(persons(t), ["Eisenhower"]);
        // A role word after the given name is the surname.
        let t = "Mrs. Clinton B. King and Miss Grant came.";
        assert_eq!(persons(t), ["Clinton B. King", "Grant"]);
    }

    #[test]
    fn descriptive_titles_days_and_party_tags_are_not_part_of_names() {
        let t = "Then Dictator Fidel Castro spoke, Sen. Walter H. Jones R-Bergen replied, and \
                 Thomas Aquinas Monday was quoted.";
        assert_eq!(
            persons(t),
            ["Fidel Castro", "Walter H. Jones", "Thomas Aquinas"]
        );
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let castro = e.found.iter().find(|f| f.name == "Fidel Castro").unwrap();
        assert_eq!(castro.roles, ["Dictator"]);
        // Places and firms with cue words at their end are no persons.
        let t = "He lives at 14 Mile Road East near Palm Beach and the Sam Houston Room.";
        assert!(persons(t).is_empty(), "{:?}", persons(t));
    }

    #[test]
    fn appositives_become_descriptions() {
        let t = "At least two were killed, including Mushtaq Taleb al-Saidi, the leader of Harakat Hezbollah al-Nujaba (HHN), which Washington lists.";
        let e = extract_text(t, &OffsetMap::identity(t.len()));
        let f = e
            .found
            .iter()
            .find(|f| f.name == "Mushtaq Taleb al-Saidi")
            .unwrap();
        assert_eq!(f.kind, EntityKind::Person);
        assert_eq!(
            f.descriptions[0].text,
            "the leader of Harakat Hezbollah al-Nujaba (HHN)"
        );
        assert!(f.roles.iter().any(|r| r == "leader"));
    }
}
