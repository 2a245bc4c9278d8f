//! Acronyms defined in parentheses: `Harakat Hezbollah al-Nujaba (HHN)`,
//! `Islamic State (IS, formerly ISIS)`, `Haashd al-Shabi (PMU/PMF)`,
//! `the so-called Islamic State in Iraq and Syria (ISIS)`. The long form is the shortest span
//! before the parenthesis whose initials spell the acronym (function words and particles
//! skipped), else the multi-word name right before it.

use super::builtin;
use super::candidate::Candidate;
use super::context::Context;
use super::found::EntityKind;
use super::keys::{is_acronym, lookup_key, strip_possessive};
use super::lexicon as lex;
use super::merge::initials;
use super::tokens::Token;
use rustc_hash::FxHashSet as HashSet;

/// Words allowed between acronyms inside the parenthesis.
const CONNECTORS: &[&str] = &[
    "formerly",
    "or",
    "aka",
    "also",
    "known",
    "as",
    "previously",
    "now",
    "a",
    "k",
    "the",
];

/// Lowercase words allowed inside a long form.
const INNER: &[&str] = &[
    "in", "and", "of", "the", "for", "on", "al", "bin", "de", "du", "la", "le", "el",
];

/// The candidates found before the definitions, ordered by position, for overlap queries
/// that do not scan every candidate (a long source may have thousands of definitions).
/// Candidates added later are few and are always scanned.
struct ByPosition {
    /// Indexes of the first `len` candidates, by token start.
    order: Vec<usize>,
    len: usize,
    /// The most tokens any of them covers.
    longest: usize,
}

impl ByPosition {
    fn new(cands: &[Candidate]) -> ByPosition {
        let mut order: Vec<usize> = (0..cands.len()).collect();
        order.sort_by_key(|&i| cands[i].toks.start);
        ByPosition {
            order,
            len: cands.len(),
            longest: cands.iter().map(|c| c.toks.len()).max().unwrap_or(0),
        }
    }

    /// Indexes of the candidates whose tokens overlap `r`, in increasing order.
    fn overlapping(
        &self,
        cands: &[Candidate],
        r: std::ops::Range<usize>,
    ) -> std::vec::IntoIter<usize> {
        let from = r.start.saturating_sub(self.longest);
        let lo = self.order.partition_point(|&i| cands[i].toks.start < from);
        let hi = self.order.partition_point(|&i| cands[i].toks.start < r.end);
        let overlaps = |i: &usize| cands[*i].toks.start < r.end && r.start < cands[*i].toks.end;
        let mut out: Vec<usize> = self.order[lo..hi]
            .iter()
            .copied()
            .filter(overlaps)
            .collect();
        out.sort_unstable();
        out.extend((self.len..cands.len()).filter(overlaps));
        out.into_iter()
    }
}

/// Find definitions, add or adjust their candidates, and return links between candidate
/// indexes (long form, acronym).
pub fn definitions(
    text: &str,
    toks: &[Token],
    _ctx: &Context,
    cands: &mut Vec<Candidate>,
) -> Vec<(usize, usize)> {
    let n = toks.len();
    let found = ByPosition::new(cands);
    let mut removed: HashSet<usize> = HashSet::default();
    let mut links: Vec<(usize, usize)> = Vec::new();
    for p in 0..n {
        if toks[p].punct() != Some('(') || p == 0 || !toks[p - 1].is_word() {
            continue;
        }
        // The acronyms inside.
        let mut items = Vec::new();
        let mut q = p + 1;
        let mut ok = true;
        while q < n && q <= p + 16 {
            let t = &toks[q];
            match t.punct() {
                Some(')') => break,
                Some(',' | '/' | ';' | '.') => {}
                Some(_) => {
                    ok = false;
                    break;
                }
                None => {
                    let w = &text[t.range()];
                    if is_acronym(strip_possessive(w)) {
                        items.push(q);
                    } else if !CONNECTORS.contains(&w.to_lowercase().as_str()) {
                        ok = false;
                        break;
                    }
                }
            }
            q += 1;
        }
        if !ok || items.is_empty() || toks.get(q).and_then(Token::punct) != Some(')') {
            continue;
        }
        let keys: Vec<String> = items
            .iter()
            .map(|&i| lookup_key(&text[toks[i].range()]))
            .collect();
        let end = p - 1;
        // The shortest span whose initials spell one of the acronyms.
        let mut long: Option<usize> = None;
        let mut s = end;
        loop {
            let t = &toks[s];
            if !t.is_word() {
                break;
            }
            let w = &text[t.range()];
            let lower_start = w.starts_with(char::is_lowercase);
            if lower_start {
                let base = w.split(['-', '‐']).next().unwrap_or("").to_lowercase();
                let allowed = INNER.contains(&base.as_str())
                    || lex::HYPHEN_PARTICLES.contains(base.as_str()) && w.contains('-');
                if !allowed {
                    break;
                }
            } else {
                let span = &text[t.start()..toks[end].end()];
                if let Some(init) = initials(span) {
                    if keys.contains(&init) {
                        long = Some(s);
                        break;
                    }
                }
            }
            if s == 0 || end - s >= 10 || !toks[s].space_before {
                break;
            }
            s -= 1;
        }
        // Else the multi-word name right before the parenthesis.
        let existing = found
            .overlapping(cands, p - 1..p)
            .find(|&i| !removed.contains(&i) && cands[i].toks.end == p && !cands[i].weak)
            .map(|i| (i, &cands[i]));
        let long_toks = match (long, existing) {
            (Some(s), _) => s..p,
            (None, Some((_, c))) if text[c.range.clone()].split_whitespace().count() >= 2 => {
                c.toks.clone()
            }
            _ => continue,
        };
        let range = toks[long_toks.start].start()..toks[long_toks.end - 1].end();
        let surface = &text[range.clone()];
        let range = range.start..range.start + strip_possessive(surface).len();
        let surface = &text[range.clone()];
        // Reuse a candidate with exactly this span, else replace what it covers.
        let same = found
            .overlapping(cands, long_toks.clone())
            .find(|&i| cands[i].toks == long_toks && !cands[i].weak)
            .filter(|i| !removed.contains(i));
        let mut roles = Vec::new();
        let mut descriptions = Vec::new();
        let long_idx = match same {
            Some(i) => i,
            None => {
                let mut kind = builtin::group_of(&lookup_key(surface))
                    .map(|g| g.kind)
                    .unwrap_or(EntityKind::Organization);
                for i in found.overlapping(cands, long_toks.clone()) {
                    let c = &cands[i];
                    removed.insert(i);
                    roles.extend(c.roles.iter().cloned());
                    descriptions.extend(c.descriptions.iter().cloned());
                    if c.toks == long_toks {
                        kind = c.kind;
                    }
                }
                cands.push(Candidate {
                    toks: long_toks.clone(),
                    range,
                    kind,
                    weak: false,
                    roles,
                    descriptions,
                });
                cands.len() - 1
            }
        };
        cands[long_idx].weak = false;
        let kind = cands[long_idx].kind;
        for &it in &items {
            let r = toks[it].range();
            let surface = &text[r.clone()];
            let r = r.start..r.start + strip_possessive(surface).len();
            removed.extend(found.overlapping(cands, it..it + 1));
            cands.push(Candidate {
                toks: it..it + 1,
                range: r,
                kind,
                weak: false,
                roles: Vec::new(),
                descriptions: Vec::new(),
            });
            links.push((long_idx, cands.len() - 1));
        }
    }
    if removed.is_empty() {
        return links;
    }
    // Drop replaced candidates and renumber the links.
    let mut new_index = vec![usize::MAX; cands.len()];
    let mut kept = Vec::with_capacity(cands.len());
    for (i, c) in std::mem::take(cands).into_iter().enumerate() {
        if !removed.contains(&i) {
            new_index[i] = kept.len();
            kept.push(c);
        }
    }
    *cands = kept;
    links
        .into_iter()
        .filter_map(|(a, b)| {
            let (a, b) = (new_index[a], new_index[b]);
            (a != usize::MAX && b != usize::MAX).then_some((a, b))
        })
        .collect()
}
