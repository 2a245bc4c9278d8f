//! Descriptions from the text after a name: appositives (`Mushtaq Taleb al-Saidi, the leader
//! of Harakat Hezbollah al-Nujaba (HHN), which …`; `Soleimani, a revered figure in Iran, was
//! killed`) and `is a` clauses (`Robert Inlakesh is a journalist, writer and political
//! analyst, who …`). Role phrases before a name are found with the runs in
//! [`super::extract`]. A role word in a description (`leader`) is kept as a role too.

use super::candidate::Candidate;
use super::lexicon as lex;
use super::tokens::Token;
use std::ops::Range;

/// Words that open an appositive after a comma.
const APPOSITIVE_START: &[&str] = &[
    "the", "a", "an", "one", "his", "her", "its", "their", "former",
];

/// Words after a comma that end an `is a` clause.
const CLAUSE_END: &[&str] = &[
    "who",
    "which",
    "where",
    "whose",
    "when",
    "especially",
    "including",
    "but",
    "while",
    "although",
    "though",
    "as",
    "with",
    "after",
    "before",
    "because",
    "since",
    "so",
];

const MAX_TOKENS: usize = 30;

/// Add descriptions (and the roles they name) to the candidates.
pub fn describe(text: &str, toks: &[Token], cands: &mut [Candidate]) {
    let lower = |i: usize| -> Option<std::borrow::Cow<'_, str>> {
        toks.get(i)
            .filter(|t| t.is_word())
            .map(|t| super::keys::lowercase(&text[t.range()]))
    };
    for c in cands.iter_mut() {
        if c.weak || c.toks.end == 0 {
            continue;
        }
        // `X is a …` only when X opens the sentence.
        let subject = sentence_start(toks, c.toks.start);
        let e = c.toks.end;
        // A possessive name (`Iraq’s sovereignty`) has no appositive.
        if text
            .get(c.range.end..toks[e - 1].end())
            .is_some_and(|s| s.contains(['\'', '’']))
        {
            continue;
        }
        let before = c.toks.start.checked_sub(1).and_then(lower);
        let listed = before.is_some_and(|w| matches!(&*w, "of" | "and" | "or"));
        let found = if toks.get(e).and_then(Token::punct) == Some(',')
            && lower(e + 1).is_some_and(|w| APPOSITIVE_START.contains(&&*w))
            && !listed
        {
            appositive(text, toks, e + 1).filter(|r| noun_phrase(text, toks, r.clone()))
        } else if lower(e).is_some_and(|w| w == "is" || w == "was")
            && lower(e + 1).is_some_and(|w| matches!(&*w, "a" | "an" | "the" | "one"))
            && subject
        {
            clause(text, toks, e + 1)
        } else {
            None
        };
        let Some(r) = found else { continue };
        if let Some(role) = first_role(text, toks, r.clone()) {
            if !c.roles.iter().any(|x| x.eq_ignore_ascii_case(&role)) {
                c.roles.push(role);
            }
        }
        c.descriptions.push(r);
    }
}

/// Whether token `i` opens a sentence or a line (markup such as `**` aside).
fn sentence_start(toks: &[Token], i: usize) -> bool {
    let mut j = i;
    loop {
        if j == 0 || toks[j].line_start {
            return true;
        }
        match toks[j - 1].punct() {
            Some('*' | '_' | '"' | '“' | '(' | '[') => j -= 1,
            Some('.' | '!' | '?') => return true,
            _ => return false,
        }
    }
}

/// An appositive is a noun phrase: no verb of its own (`the United States is still there`),
/// no name right after its determiner (`the US wreaked havoc`).
fn noun_phrase(text: &str, toks: &[Token], r: Range<usize>) -> bool {
    let words: Vec<&str> = words_in(toks, r).map(|t| &text[t.range()]).collect();
    if words.iter().any(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "is" | "are"
                | "was"
                | "were"
                | "has"
                | "have"
                | "had"
                | "will"
                | "would"
                | "can"
                | "could"
                | "should"
                | "may"
                | "might"
                | "must"
                | "does"
                | "did"
                | "do"
                | "he"
                | "she"
                | "they"
                | "we"
                | "it"
                | "i"
                | "you"
                | "said"
                | "says"
        )
    }) {
        return false;
    }
    match words.get(1) {
        Some(w) if w.starts_with(char::is_uppercase) => lex::is_adjective(&w.to_lowercase()),
        _ => true,
    }
}

/// The word tokens inside the byte range `r`, found by binary search (a description is a
/// few words; a source may have millions of tokens).
fn words_in(toks: &[Token], r: Range<usize>) -> impl Iterator<Item = &Token> {
    let first = toks.partition_point(|t| t.start() < r.start);
    toks[first..]
        .iter()
        .take_while(move |t| t.end() <= r.end)
        .filter(|t| t.is_word())
}

/// `, the leader of X (Y),` up to the closing comma; `None` when it is a list item.
fn appositive(text: &str, toks: &[Token], start: usize) -> Option<Range<usize>> {
    let mut depth = 0i32;
    let mut i = start;
    let mut last = start;
    while i < toks.len() && i < start + MAX_TOKENS {
        let t = &toks[i];
        if t.line_start && i > start {
            break;
        }
        match t.punct() {
            Some('(') => depth += 1,
            Some(')') if depth > 0 => depth -= 1,
            Some(')') => break,
            Some(',') if depth == 0 => {
                // `X, the A, and the B`: a list, not an appositive.
                let next = toks
                    .get(i + 1)
                    .filter(|t| t.is_word())
                    .map(|t| text[t.range()].to_lowercase());
                if next.is_some_and(|w| w == "and" || w == "or") {
                    return None;
                }
                break;
            }
            Some('.' | ';' | ':' | '!' | '?' | '“' | '”' | '"') if depth == 0 => break,
            _ => {}
        }
        last = i;
        i += 1;
    }
    let words = (start..=last).filter(|&k| toks[k].is_word()).count();
    (words >= 2).then(|| toks[start].start()..toks[last].end())
}

/// `is a journalist, writer and political analyst` up to `, who` or the sentence end.
fn clause(text: &str, toks: &[Token], start: usize) -> Option<Range<usize>> {
    let mut i = start;
    let mut last = start;
    while i < toks.len() && i < start + MAX_TOKENS {
        let t = &toks[i];
        if t.line_start && i > start {
            break;
        }
        match t.punct() {
            Some('.' | ';' | ':' | '!' | '?' | '(' | ')') => break,
            Some(',') => {
                let next = toks
                    .get(i + 1)
                    .filter(|t| t.is_word())
                    .map(|t| text[t.range()].to_lowercase());
                if next.is_none_or(|w| CLAUSE_END.contains(&w.as_str())) {
                    break;
                }
            }
            _ => {}
        }
        last = i;
        i += 1;
    }
    let words = (start..=last).filter(|&k| toks[k].is_word()).count();
    (words >= 2).then(|| toks[start].start()..toks[last].end())
}

/// The first role word of a description, with a modifier before it (`leader`,
/// `Prime Minister`).
fn first_role(text: &str, toks: &[Token], r: Range<usize>) -> Option<String> {
    let words: Vec<&Token> = words_in(toks, r).take(6).collect();
    for (k, t) in words.iter().enumerate() {
        let w = text[t.range()].to_lowercase();
        if lex::is_role(&w) && !matches!(w.as_str(), "head" | "general" | "major" | "officer") {
            let start =
                if k > 0 && lex::is_role_modifier(&text[words[k - 1].range()].to_lowercase()) {
                    words[k - 1].start()
                } else {
                    t.start()
                };
            return Some(text[start..t.end()].to_string());
        }
    }
    None
}
