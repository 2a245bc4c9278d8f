//! Where each word stands: at a sentence start, in a title-case line or a shouted run, in a
//! short quoted name; which part of a hyphenated word is a name; and which words the source
//! capitalises mid-sentence (the evidence that a word capitalised by position is a name).
//! Contractions (`I'll`, `Don't`) and party tags (`R-Bergen`) have no name part.

use super::keys::lookup_key;
use super::lexicon::{ABBREVIATIONS, HYPHEN_PARTICLES, PREFIXES};
use super::tokens::Token;
use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

#[derive(Debug, Clone, Copy, Default)]
pub struct WordInfo {
    /// First word of a sentence, a line or a long quotation.
    pub initial: bool,
    /// In a title-case line (`Iraq Wants to Kick Out US Troops`) or a shouted run.
    pub title: bool,
    /// Two or more words in capitals in a row (`IRAQ REPORT`).
    pub shout: bool,
    /// Inside a short quotation (`"New Eastern Outlook"`): a name, not a sentence.
    pub short_quote: bool,
    /// The name part ends with a possessive (`Iraq’s`).
    pub possessive: bool,
    /// A name cannot go on past this word (`US-led`, `Iraq’s`).
    pub stops_run: bool,
}

pub struct Context {
    pub info: Vec<WordInfo>,
    /// The name part of each token (`start..end`), empty when it has none.
    parts: Vec<Range<u32>>,
    /// Lookup keys of words capitalised in the middle of a sentence outside titles.
    pub strong: HashSet<String>,
}

const OPENERS: &[char] = &[
    '“', '"', '‘', '\'', '(', '[', '*', '_', '«', '„', '‚', '¿', '¡', '—', '–', '-', '•', '#', '>',
    '©',
];

fn is_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '\'' | '«' | '„' | '‚')
}

fn is_closing_quote(c: char) -> bool {
    matches!(c, '”' | '"' | '’' | '\'' | '»')
}

impl Context {
    pub fn new(text: &str, toks: &[Token]) -> Context {
        let n = toks.len();
        let mut info = vec![WordInfo::default(); n];
        let mut parts = vec![0..0; n];
        for (i, t) in toks.iter().enumerate() {
            if !t.is_word() {
                continue;
            }
            if let Some((r, tail)) = name_part(text, t) {
                let word = &text[t.range()];
                let poss = ["'s", "’s", "ʼs"].iter().any(|s| word.ends_with(s))
                    && r.end + 4 >= t.end()
                    && r.end < t.end();
                info[i].possessive = poss;
                info[i].stops_run = tail || poss;
                parts[i] = r.start as u32..r.end as u32;
            }
        }
        // Short quotations.
        let mut i = 0;
        while i < n {
            if toks[i].punct().is_some_and(is_quote) {
                let mut words = 0;
                let mut j = i + 1;
                let mut closed = None;
                while j < n && j <= i + 8 {
                    if let Some(c) = toks[j].punct() {
                        if is_closing_quote(c) {
                            closed = Some(j);
                            break;
                        }
                    } else {
                        words += 1;
                    }
                    if toks[j].line_start {
                        break;
                    }
                    j += 1;
                }
                if let Some(j) = closed {
                    if (1..=4).contains(&words) {
                        for inf in &mut info[i + 1..j] {
                            inf.short_quote = true;
                        }
                        i = j + 1;
                        continue;
                    }
                }
            }
            i += 1;
        }
        // Sentence starts.
        // (Only name words need it: the finder reads `initial` of no other word.)
        for i in 0..n {
            if !parts[i].is_empty() {
                info[i].initial = is_initial(text, toks, &info, i);
            }
        }
        // Title-case lines and shouted runs.
        let mut line_start = 0;
        let mut words = Vec::new();
        for i in 0..=n {
            if i == n || (i > line_start && toks[i].line_start) {
                mark_titles(text, toks, &mut info, line_start..i, &mut words);
                line_start = i;
            }
        }
        // Keys are computed once per distinct spelling.
        let mut spellings: HashSet<&str> = HashSet::default();
        for (r, inf) in parts.iter().zip(&info) {
            if !r.is_empty() && !inf.initial && !inf.title {
                spellings.insert(&text[r.start as usize..r.end as usize]);
            }
        }
        let strong = spellings.into_iter().map(lookup_key).collect();
        Context {
            info,
            parts,
            strong,
        }
    }

    /// The name part of word token `i`, if it is name-like.
    pub fn name_part(&self, i: usize) -> Option<Range<usize>> {
        let r = self.parts.get(i)?;
        (!r.is_empty()).then_some(r.start as usize..r.end as usize)
    }
}

fn is_initial(text: &str, toks: &[Token], info: &[WordInfo], i: usize) -> bool {
    let mut j = i;
    let mut quoted = false;
    loop {
        if toks[j].line_start || j == 0 {
            return true;
        }
        let p = &toks[j - 1];
        match p.punct() {
            Some(c) if OPENERS.contains(&c) => {
                if is_quote(c) && !info[i].short_quote {
                    quoted = true;
                }
                j -= 1;
            }
            Some('.') => {
                if j >= 2 && toks[j - 2].is_word() && !p.space_before {
                    let w = &text[toks[j - 2].range()];
                    let single_cap = w.chars().count() == 1 && w.starts_with(char::is_uppercase);
                    if single_cap || ABBREVIATIONS.contains(&*super::keys::lowercase(w)) {
                        return false;
                    }
                }
                return true;
            }
            Some('!' | '?' | ':' | ';' | '…' | '|' | '•' | '·' | '↑') => return true,
            // `… “the regime.” Protesters`: a sentence ended inside the quotation.
            Some(c) if is_closing_quote(c) || c == ')' => {
                return quoted || (j >= 2 && matches!(toks[j - 2].punct(), Some('.' | '!' | '?')));
            }
            Some('/') => return p.space_before,
            _ => return quoted,
        }
    }
}

/// A small word of a title (`of`, `the`), any case.
fn small(w: &str) -> bool {
    if w.len() > 4 {
        return false;
    }
    let mut buf = [0u8; 4];
    for (b, c) in buf.iter_mut().zip(w.bytes()) {
        *b = c.to_ascii_lowercase();
    }
    matches!(
        &buf[..w.len()],
        b"a" | b"an"
            | b"the"
            | b"and"
            | b"or"
            | b"of"
            | b"in"
            | b"on"
            | b"at"
            | b"to"
            | b"for"
            | b"by"
            | b"with"
            | b"from"
            | b"as"
            | b"vs"
            | b"but"
            | b"nor"
            | b"into"
            | b"is"
            | b"its"
    )
}

/// Mark the title-case and shouted words of one line; `words` is a scratch buffer.
fn mark_titles(
    text: &str,
    toks: &[Token],
    info: &mut [WordInfo],
    line: Range<usize>,
    words: &mut Vec<usize>,
) {
    words.clear();
    words.extend(line.clone().filter(|&i| toks[i].is_word()));
    if words.is_empty() {
        return;
    }
    // A title line: at most 30 words, most content words capitalised, not ending like a
    // sentence.
    let last = toks[line.end - 1].punct();
    let sentence = words.len() > 5 && matches!(last, Some('.' | '!' | '?' | ',' | ';' | ':'));
    let title_line = words.len() <= 30 && !sentence && {
        let mut content = 0;
        let mut caps = 0;
        for &i in words.iter() {
            let w = &text[toks[i].range()];
            let Some(c) = w.chars().next() else { continue };
            if !c.is_alphabetic() || info[i].short_quote || small(w) {
                continue;
            }
            content += 1;
            if c.is_uppercase() {
                caps += 1;
            }
        }
        content >= 2 && caps * 10 >= content * 7
    };
    // Quoted titles inside a line: `“U.S. Soldiers Under Threat as Iran Allies Join …”`.
    let mut quoted: Vec<Range<usize>> = Vec::new();
    let mut k = line.start;
    while k < line.end {
        if toks[k].punct().is_some_and(is_quote) {
            let mut j = k + 1;
            while j < line.end && !toks[j].punct().is_some_and(is_closing_quote) {
                j += 1;
            }
            if j < line.end {
                quoted.push(k + 1..j);
            }
            k = j + 1;
        } else {
            k += 1;
        }
    }
    for q in quoted {
        let ws: Vec<usize> = q.clone().filter(|&i| toks[i].is_word()).collect();
        let (mut c, mut u) = (0, 0);
        for &i in &ws {
            let w = &text[toks[i].range()];
            if !w.starts_with(char::is_alphabetic) || small(w) {
                continue;
            }
            c += 1;
            if w.starts_with(char::is_uppercase) {
                u += 1;
            }
        }
        if c >= 4 && u * 10 >= c * 7 {
            for i in ws {
                info[i].title = true;
            }
        }
    }
    if title_line {
        for &i in words.iter() {
            info[i].title = true;
        }
    }
    // Shouted runs: two or more words in capitals in a row.
    let is_caps = |i: usize| {
        let w = &text[toks[i].range()];
        !w.as_bytes()[0].is_ascii_lowercase()
            && !w.starts_with(char::is_lowercase)
            && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && w.chars().all(|c| !c.is_lowercase())
    };
    let mut run: Vec<usize> = Vec::new();
    let flush = |run: &mut Vec<usize>, info: &mut [WordInfo]| {
        if run.len() >= 2 {
            for &i in run.iter() {
                info[i].shout = true;
                info[i].title = true;
            }
        }
        run.clear();
    };
    for &i in words.iter() {
        let caps = is_caps(i);
        if caps && run.last().is_none_or(|&p| p + 1 == i) {
            run.push(i);
        } else {
            flush(&mut run, info);
            if caps {
                run.push(i);
            }
        }
    }
    flush(&mut run, info);
}

/// Pronouns and auxiliaries that take a contracted verb (`I'll`, `We've`, `She'd`).
const CONTRACTED: &[&str] = &[
    "i", "you", "he", "she", "it", "we", "they", "who", "that", "there", "here", "what", "where",
    "how", "this", "let",
];

/// A contraction (`I'll`, `We've`, `I'm`, `You're`, `He'd`, `Don't`, any apostrophe): a
/// pronoun or auxiliary with its verb, never a name. `Sa'd` and `O'Neill` are names.
fn is_contraction(word: &str) -> bool {
    if !word.contains(['\'', '’', 'ʼ']) {
        return false;
    }
    let lower = super::keys::lowercase(word).replace(['’', 'ʼ'], "'");
    if lower.ends_with("n't") {
        return true;
    }
    let Some((base, tail)) = lower.rsplit_once('\'') else {
        return false;
    };
    matches!(tail, "ll" | "ve" | "re" | "m" | "d" | "s") && CONTRACTED.contains(&base)
}

/// `R-Bergen`, `D-Ill`, `I-Vt`: a party letter, a hyphen and a capitalised place.
fn party_tag(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() > 3 && matches!(b[0], b'R' | b'D' | b'I') && b[1] == b'-' && b[2].is_ascii_uppercase()
}

/// The name-like part of a word token and whether a lowercase tail follows it
/// (`US-led` → `US`, tail). `None` when no part is a name.
fn name_part(text: &str, t: &Token) -> Option<(Range<usize>, bool)> {
    // Most words start with an ASCII lowercase letter or a digit: no name part, unless a
    // hyphen joins a capitalised part (`al-Muhandis`, `anti-Iranian`).
    let b0 = *text.as_bytes().get(t.start())?;
    if b0.is_ascii_digit() || b0.is_ascii_lowercase() && !t.hyphenated {
        return None;
    }
    let word = &text[t.range()];
    let first = word.chars().next()?;
    if first.is_numeric() {
        return None;
    }
    // A party and state after a politician's name (`R-Bergen`, `D-Ill`): no name.
    if t.hyphenated && party_tag(word) {
        return None;
    }
    // Most words have no hyphen: a name when capitalised, without a possessive.
    if !t.hyphenated {
        if !first.is_uppercase() || is_contraction(word) {
            return None;
        }
        let mut e = word.len();
        for suffix in ["'s", "’s", "ʼs"] {
            if word.ends_with(suffix) && word.len() > suffix.len() + 1 {
                e -= suffix.len();
                break;
            }
        }
        return Some((t.start()..t.start() + e, false));
    }
    let mut pieces: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for p in word.split(['-', '‐', '‑']) {
        pieces.push((at, p));
        at += p.len()
            + word[at + p.len()..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
    }
    let cap = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
    let mut start_piece = 0;
    if pieces.len() > 1 {
        let p0 = pieces[0].1.to_lowercase();
        if PREFIXES.contains(p0.as_str()) && cap(pieces[1].1) {
            start_piece = 1;
        } else if !(cap(pieces[0].1) || HYPHEN_PARTICLES.contains(p0.as_str()) && cap(pieces[1].1))
        {
            return None;
        }
    } else if !cap(word) {
        return None;
    }
    // Extend over capitalised pieces (and particles before one).
    let mut end_piece = start_piece;
    let mut tail = false;
    for k in start_piece..pieces.len() {
        let p = pieces[k].1;
        let particle = || {
            HYPHEN_PARTICLES.contains(p.to_lowercase().as_str())
                && pieces.get(k + 1).is_some_and(|n| cap(n.1))
        };
        if k == start_piece || cap(p) || particle() {
            end_piece = k;
        } else {
            tail = true;
            break;
        }
    }
    let s = pieces[start_piece].0;
    let (e_at, e_str) = pieces[end_piece];
    let mut e = e_at + e_str.len();
    // A possessive on the last piece.
    let last = &word[..e];
    for suffix in ["'s", "’s", "ʼs"] {
        if last.ends_with(suffix) && last.len() > suffix.len() + 1 {
            e -= suffix.len();
            break;
        }
    }
    if !tail && end_piece + 1 < pieces.len() {
        tail = true;
    }
    Some((t.start() + s..t.start() + e, tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tokens::tokenize;

    fn info_of(text: &str, word: &str) -> WordInfo {
        let toks = tokenize(text);
        let ctx = Context::new(text, &toks);
        let i = toks.iter().position(|t| &text[t.range()] == word).unwrap();
        ctx.info[i]
    }

    fn part(text: &str, word: &str) -> Option<String> {
        let toks = tokenize(text);
        let ctx = Context::new(text, &toks);
        let i = toks.iter().position(|t| &text[t.range()] == word).unwrap();
        ctx.name_part(i).map(|r| text[r].to_string())
    }

    #[test]
    fn sentence_starts() {
        assert!(info_of("Despite this.", "Despite").initial);
        assert!(info_of("It ended. Thus we go.", "Thus").initial);
        assert!(!info_of("by Maj. Gen. Pat Ryder today", "Pat").initial);
        assert!(!info_of("the U.S. Army said", "Army").initial);
        assert!(info_of("he said, “We affirm our principled position in this”", "We").initial);
        assert!(!info_of("the magazine “New Eastern Outlook” said", "New").initial);
        assert!(!info_of("and Soleimani came", "Soleimani").initial);
    }

    #[test]
    fn contractions_and_party_tags_have_no_name_part() {
        for w in [
            "I'll", "We’ve", "I'm", "You're", "He'd", "Don't", "It's", "R-Bergen",
        ] {
            assert_eq!(part(&format!("so {w} go"), w), None, "{w}");
        }
        for w in ["O'Neill", "Sa'd", "Kata’ib"] {
            assert_eq!(part(&format!("so {w} go"), w).as_deref(), Some(w), "{w}");
        }
    }

    #[test]
    fn a_list_line_ending_in_a_semicolon_is_no_title() {
        let t = "Survivors include a son, Charles R. Fergeson, Memphis, Tenn.;;";
        assert!(!info_of(t, "Fergeson").title);
    }

    #[test]
    fn titles_and_shouting() {
        assert!(
            info_of(
                "Iraq Wants to Kick Out US Troops\n\nBody text here.",
                "Wants"
            )
            .title
        );
        assert!(!info_of("The troops stayed in Iraq for years and more.", "Iraq").title);
        assert!(info_of("In-depth Report: IRAQ REPORT", "REPORT").shout);
        assert!(info_of("a 2018 article titled, “U.S. Soldiers Under Threat as Iran Allies Join Iraq Military”, said", "Allies").title);
    }

    #[test]
    fn name_parts_of_hyphenated_words() {
        assert_eq!(
            part("the al-Muhandis case", "al-Muhandis").unwrap(),
            "al-Muhandis"
        );
        assert_eq!(part("the US-led coalition", "US-led").unwrap(), "US");
        assert_eq!(part("Anti-ISIS Forces", "Anti-ISIS").unwrap(), "ISIS");
        assert_eq!(
            part("a Bangkok-based writer", "Bangkok-based").unwrap(),
            "Bangkok"
        );
        assert_eq!(part("Iraq’s end", "Iraq’s").unwrap(), "Iraq");
        assert_eq!(
            part("Abdul-Mahdi said", "Abdul-Mahdi").unwrap(),
            "Abdul-Mahdi"
        );
        assert_eq!(part("state-sponsored militias", "state-sponsored"), None);
        assert_eq!(
            part("anti-Iranian views", "anti-Iranian").unwrap(),
            "Iranian"
        );
    }
}
