//! The speaker a note claims for one of its quotations.
//!
//! Only the quotation's own paragraph is read (at most [`WINDOW`] bytes either side), and
//! for a pronoun the text before it (at most [`WINDOW`] bytes back): the cost per quotation
//! does not grow with the note.
//!
//! 1. The paragraph is *masked*: Markdown markup that is not words (blockquote and list
//!    markers, emphasis, link targets, `[@key]` citations, footnote marks, code spans, URLs,
//!    a link in parentheses right after a quotation) becomes spaces, so byte offsets stay
//!    those of the note and `**Al Sudani**` or `[Al Sudani](url)` read as `Al Sudani`.
//! 2. Its tokens ([`crate::entities::tokens`]) are cut at the quotation's sentence.
//! 3. Cues before the quotation: the nearest speech verb (`said`, `told`, `wrote`,
//!    `described … as`…) and its subject (`X said “…”`, `X, the Y of Z, said: “…”`,
//!    `X told reporters that the plan was “…”`), `according to X, “…”`,
//!    `in the words of X, “…”`, `as X put it, “…”`, `X was quoted as saying “…”`, `X: “…”`.
//!    Cues after it: `“…,” X said`, `“…,” said X`, `“…,” according to X`, `“…” — X`.
//!    A quotation that is the object of a preposition or a naming verb (`accused X of “…”`,
//!    `X called the plan “…”`, `Trump’s “Deal of the Century”`), a denial (`X never said`)
//!    or a passive (`X was told “…”`) claims nobody; but a preposition inside a clause a
//!    speech verb reports (`X said the US was guilty of “…”`: a finite verb between them) and
//!    a noun that is whom the words were told (`X told the programme “…”`) do not block. A quotation alone in its sentence
//!    takes the cue of the quotation ending the previous one (`“A,” he said. “B.”`).
//! 4. A blockquote: the `— Name` credit line at its end, else a paragraph ending with a colon
//!    right before it (`Al Sudani told reporters:`).
//! 5. The subject phrase is a name (titles and possessive stripped for [`Claim::name`]), a
//!    definite role (`the Iraqi prime minister`, `the harbour master`: lowercase nouns
//!    before a title belong to it), an indefinite description
//!    (`a militia commander`, `officials`) or a pronoun, resolved to the one person named in
//!    the last sentence before it that names persons ([`crate::entities::extract::candidates`]).
//!
//! Invariant: a claim's range is exactly its surface's bytes in the note.

use super::{Claim, SpeakerKind};
use crate::entities::candidate::Candidate;
use crate::entities::extract::candidates;
use crate::entities::keys::{is_acronym, lookup_key, parts, strip_possessive};
use crate::entities::lexicon as lex;
use crate::entities::tokens::{tokenize, Token};
use crate::entities::EntityKind;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// How far the paragraph, and the text a pronoun's antecedent is looked for in, may reach.
pub const WINDOW: usize = 4096;

/// How much of the paragraph is read either side of the quotation: a cue is in its own
/// sentence or the one before (a long paragraph costs no more than a short one).
const READ_AROUND: usize = 1024;

/// The speaker `note` gives the quotation whose words are `quoted` (note bytes, inside the
/// marks; for a blockquote, the block's text), or `None` when it claims none.
pub fn claim(note: &str, quoted: Range<usize>, blockquote: bool) -> Option<Claim> {
    if quoted.start > quoted.end
        || quoted.end > note.len()
        || !note.is_char_boundary(quoted.start)
        || !note.is_char_boundary(quoted.end)
    {
        return None;
    }
    if blockquote {
        credit(note, &quoted).or_else(|| introduction(note, &quoted))
    } else {
        inline(note, &quoted, true)
    }
}

// ---------------------------------------------------------------------------------------
// Word lists of the note side (the source side has its own in `lexicon.rs`).

/// Speech verbs, inflected (an `-ing` form is a participle: see [`Para::ing_subject`]).
#[rustfmt::skip]
const SPEECH_VERBS: &[&str] = &[
    "say", "said", "says", "saying", "tell", "told", "tells", "telling", "add", "added", "adds",
    "adding", "state", "stated", "states", "stating", "insist", "insisted", "insists",
    "insisting", "write", "wrote", "writes", "writing", "written", "ask", "asked", "asks",
    "asking", "declare", "declared", "declares", "declaring", "promise", "promised", "promises",
    "promising", "warn", "warned", "warns", "warning", "remind", "reminded", "reminds",
    "reminding", "report", "reported", "reports", "admit", "admitted", "admits", "admitting",
    "announce", "announced", "announces", "announcing", "argue", "argued", "argues", "arguing",
    "claim", "claimed", "claims", "claiming", "explain", "explained", "explains", "explaining",
    "note", "noted", "notes", "noting", "observe", "observed", "observes", "remark",
    "remarked", "remarks", "reply", "replied", "replies", "replying", "respond", "responded",
    "responds", "answer", "answered", "answers", "continue", "continued", "continues",
    "concede", "conceded", "concedes", "conclude", "concluded", "concludes", "comment",
    "commented", "comments", "contend", "contended", "contends", "assert", "asserted",
    "asserts", "maintain", "maintained", "maintains", "acknowledge", "acknowledged",
    "acknowledges", "recall", "recalled", "recalls", "recalling", "stress", "stressed",
    "stresses", "stressing", "emphasize", "emphasized", "emphasizes", "emphasizing",
    "emphasise", "emphasised", "emphasises", "emphasising", "tweet", "tweeted", "tweets",
    "posted", "shout", "shouted", "shouts", "exclaim", "exclaimed", "exclaims", "proclaim",
    "proclaimed", "proclaims", "vow", "vowed", "vows", "vowing", "pledge", "pledged",
    "pledges", "threaten", "threatened", "threatens", "urge", "urged", "urges", "urging",
    "suggest", "suggested", "suggests", "complain", "complained", "complains", "joke", "joked",
    "jokes", "quip", "quipped", "quips", "boast", "boasted", "boasts", "lament", "lamented",
    "laments", "predict", "predicted", "predicts", "testify", "testified", "testifies",
    "allege", "alleged", "alleges", "describe", "described", "describes", "describing",
    "characterize", "characterized", "characterizes", "characterise", "characterised",
    "characterises", "dismiss", "dismissed", "dismisses", "denounce", "denounced",
    "denounces", "recount", "recounted", "recounts", "mused", "retorted", "countered",
    "chanted", "cried", "screamed", "whispered", "mentioned", "confirmed", "confirms",
    "demanded", "demands", "wondered", "assure", "assured", "assures", "assuring",
    "reassured", "reassures",
];

/// Verbs after which `as “…”` is what the subject said (`X described it as “…”`).
#[rustfmt::skip]
const AS_VERBS: &[&str] = &[
    "described", "describes", "describing", "describe", "characterized", "characterised",
    "characterizes", "characterises", "dismissed", "dismisses", "denounced", "denounces",
];

/// Verbs that name a thing with the quotation rather than say it (`X called the plan “…”`).
#[rustfmt::skip]
const NAMING_WORDS: &[&str] = &[
    "call", "called", "calls", "calling", "dubbed", "dubs", "named", "names", "labelled",
    "labeled", "labels", "branded", "brands", "termed", "terms", "nicknamed", "titled",
    "entitled", "headlined", "coined", "so-called", "accused", "accuses", "accusing",
];

/// Words right before an opening mark that make the quotation an object, a title or a term,
/// not someone's words (`accused X of “…”`, `the slogan “…”`).
#[rustfmt::skip]
const BLOCKING_BEFORE: &[&str] = &[
    "of", "about", "for", "against", "from", "with", "by", "into", "upon", "than", "like",
    "via", "phrase", "term", "word", "words", "slogan", "headline", "title", "motto", "label",
    "expression", "catchphrase", "mantra", "hashtag", "book", "article", "essay", "song",
    "film", "movie", "poem", "op-ed", "column", "chapter", "novel", "documentary", "series",
    "show", "programme", "program", "campaign", "operation", "doctrine", "plan", "act",
    "policy", "initiative", "deal", "quote", "quotation", "line", "adage", "maxim",
    "in", "on", "at", "under", "over", "through", "during", "between", "among", "within",
    "without",
];

/// The prepositions of [`BLOCKING_BEFORE`].
#[rustfmt::skip]
const PREPOSITIONS: &[&str] = &[
    "of", "about", "for", "against", "from", "with", "by", "into", "upon", "than", "like",
    "via", "in", "on", "at", "under", "over", "through", "during", "between", "among",
    "within", "without",
];

/// Negations and denials before a verb: the note says the person did *not* say it.
#[rustfmt::skip]
const NEGATIONS: &[&str] = &[
    "not", "never", "denied", "denies", "deny", "denying", "refused", "refuses", "no",
];

/// Words skipped between a subject and its verb (`X also said`, `X would later write`).
#[rustfmt::skip]
const BETWEEN_SUBJECT_AND_VERB: &[&str] = &[
    "also", "later", "then", "again", "once", "reportedly", "allegedly", "famously",
    "recently", "previously", "repeatedly", "publicly", "privately", "has", "have", "had",
    "would", "will", "could", "might", "may", "did", "does", "do", "just", "even", "himself",
    "herself", "themselves", "itself", "further", "first", "now", "already", "finally",
    "ultimately", "flatly", "simply", "bluntly", "openly", "angrily", "quietly", "memorably",
    "infamously", "tersely", "candidly", "subsequently", "immediately", "earlier", "often",
    "always", "still", "pointedly", "proudly", "shall", "can", "must",
];

/// Passive auxiliaries before a past participle (`X was told “…”`).
const PASSIVE: &[&str] = &[
    "was", "were", "is", "are", "been", "being", "be", "get", "got",
];

/// Words that may stand right before a subject.
#[rustfmt::skip]
const BEFORE_SUBJECT: &[&str] = &[
    "and", "but", "that", "as", "when", "while", "after", "before", "because", "so", "since",
    "then", "where", "though", "although", "if", "once", "until", "yet", "or", "whereas",
    "later", "also", "now", "today", "yesterday", "what", "how",
];

#[rustfmt::skip]
const DEFINITE: &[&str] = &[
    "the", "his", "her", "its", "their", "our", "this", "that", "these", "those", "whose",
];
#[rustfmt::skip]
const INDEFINITE: &[&str] = &[
    "a", "an", "one", "another", "some", "several", "two", "three", "four", "many", "other",
];
const ANONYMOUS: &[&str] = &["unnamed", "anonymous", "unidentified"];
const PRONOUNS: &[&str] = &["he", "she", "they", "it"];

/// Nouns for people that head an indefinite or role description (`a resident`,
/// `officials`), beside the role titles of `entities/data/roles.txt`.
#[rustfmt::skip]
const PERSON_NOUNS: &[&str] = &[
    "official", "aide", "source", "resident", "witness", "man", "woman", "person", "soldier",
    "fighter", "protester", "protestor", "activist", "critic", "expert", "diplomat",
    "lawmaker", "politician", "reporter", "writer", "author", "observer", "supporter",
    "opponent", "voter", "worker", "student", "teacher", "doctor", "nurse", "member",
    "militant", "representative", "colleague", "friend", "neighbor", "neighbour", "victim",
    "survivor", "veteran", "farmer", "refugee", "citizen", "father", "mother", "son",
    "daughter", "wife", "husband", "brother", "sister", "child", "boy", "girl", "guard",
    "employee", "staffer", "insider", "scholar", "historian", "economist", "scientist",
    "researcher", "lawyer", "attorney", "mediator", "people", "men", "women", "children",
    "intermediary", "minister", "commentator", "columnist", "editor", "pundit", "leader",
    "delegate", "envoy", "owner", "customer", "user", "participant", "engineer", "master",
    "councillor", "councilor",
];

/// Lowercase words that describe a person in a role or indefinite phrase
/// (`a senior official`, `an unnamed negotiator`).
#[rustfmt::skip]
const DESCRIPTORS: &[&str] = &[
    "unnamed", "anonymous", "unidentified", "senior", "junior", "top", "high-ranking",
    "high-level", "local", "former", "retired", "young", "elderly", "older", "veteran",
    "longtime", "prominent", "leading", "powerful", "influential", "female", "male",
    "government", "administration", "police", "intelligence", "ministry", "company", "party",
    "campaign", "union", "rebel", "opposition", "western", "foreign",
];

/// Past-tense verbs after a sentence's subject, for a participle cue later in the sentence
/// (`X spoke in Baghdad, saying “…”`); and any verb ending in `-ed`.
#[rustfmt::skip]
const PAST_VERBS: &[&str] = &[
    "spoke", "met", "went", "left", "came", "gave", "made", "took", "stood", "sat", "began",
];

fn listed(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}

/// `officials` → `official`; other words unchanged.
fn singular(lower: &str) -> &str {
    match lower {
        "people" => "person",
        "men" => "man",
        "women" => "woman",
        "children" => "child",
        _ => lower
            .strip_suffix('s')
            .filter(|s| s.len() > 2 && !s.ends_with('s'))
            .unwrap_or(lower),
    }
}

fn is_person_noun(lower: &str) -> bool {
    let one = singular(lower);
    listed(PERSON_NOUNS, lower) || listed(PERSON_NOUNS, one) || lex::is_role(one)
}

// ---------------------------------------------------------------------------------------
// Markup masking.

static CITATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[^\[\]\n]*@[^\[\]\n]*\]|\[\^[^\]\n]*\]").expect("regex"));
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(!?)\[([^\[\]\n]*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"\n]*")?\)"#)
        .expect("regex")
});
static WIKI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\[([^\]|\n]*)(\|[^\]\n]*)?\]\]").expect("regex"));
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"`[^`\n]*`|<!--[\s\S]*?-->|<https?://[^>\s]*>|https?://[^\s)\]>]+").expect("regex")
});

/// `text` with its markup turned into spaces (see the module documentation): same length,
/// same offsets for every word.
fn mask(text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    let blank = |b: &mut [u8], r: Range<usize>| b[r].iter_mut().for_each(|c| *c = b' ');
    // Line prefixes: blockquote markers, list markers, heading marks.
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let lb = line.as_bytes();
        let mut i = 0;
        loop {
            while i < lb.len() && (lb[i] == b' ' || lb[i] == b'\t') {
                i += 1;
            }
            if i < lb.len() && lb[i] == b'>' {
                b[at + i] = b' ';
                i += 1;
            } else {
                break;
            }
        }
        let rest = &lb[i..];
        let hashes = rest.iter().take_while(|&&c| c == b'#').count();
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        let marker = if rest.len() >= 2 && b"-*+".contains(&rest[0]) && rest[1] == b' ' {
            1
        } else if (1..10).contains(&digits)
            && rest.get(digits).is_some_and(|c| b".)".contains(c))
            && rest.get(digits + 1) == Some(&b' ')
        {
            digits + 1
        } else if hashes > 0 && rest.get(hashes) == Some(&b' ') {
            hashes
        } else {
            0
        };
        blank(&mut b, at + i..at + i + marker);
        at += line.len();
    }
    for m in NOISE.find_iter(text) {
        blank(&mut b, m.range());
    }
    for m in CITATION.find_iter(text) {
        blank(&mut b, m.range());
    }
    for c in WIKI.captures_iter(text) {
        let (Some(all), Some(target)) = (c.get(0), c.get(1)) else {
            continue;
        };
        match c.get(2) {
            Some(alias) => {
                blank(&mut b, all.start()..alias.start() + 1);
                blank(&mut b, alias.end()..all.end());
            }
            None => {
                blank(&mut b, all.start()..target.start());
                blank(&mut b, target.end()..all.end());
            }
        }
    }
    for c in LINK.captures_iter(text) {
        let (Some(all), Some(image), Some(label)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        // A link alone in parentheses is a citation: `“…” ([DW](https://…))`.
        let before = text[..all.start()].trim_end_matches([' ', '\t']);
        let after = text[all.end()..].trim_start_matches([' ', '\t']);
        if before.ends_with('(') && after.starts_with(')') {
            blank(&mut b, before.len() - 1..text.len() - after.len() + 1);
        } else if !image.as_str().is_empty() {
            blank(&mut b, all.range());
        } else {
            blank(&mut b, all.start()..label.start());
            blank(&mut b, label.end()..all.end());
        }
    }
    // Emphasis: `*`, `~`, and `_` at a word's edge.
    for i in 0..b.len() {
        let c = b[i];
        let edge = |j: Option<usize>| {
            j.and_then(|j| b.get(j))
                .is_none_or(|c| !c.is_ascii_alphanumeric())
        };
        if c == b'*' || c == b'~' || (c == b'_' && (edge(i.checked_sub(1)) || edge(Some(i + 1)))) {
            b[i] = b' ';
        }
    }
    // Only whole characters were replaced, by ASCII spaces.
    String::from_utf8(b).unwrap_or_else(|_| text.to_string())
}

// ---------------------------------------------------------------------------------------
// Paragraphs.

/// What a line of the note is, for paragraph bounds.
struct Line {
    depth: usize,
    blank: bool,
    /// A list item's first line, a heading or a code fence: a paragraph starts there.
    starts_block: bool,
    /// A heading or a code fence: no paragraph continues over it.
    closed: bool,
}

/// The line from `start`, read at most [`WINDOW`] bytes on (a longer line is cut there).
fn line_at(note: &str, start: usize) -> (Range<usize>, Line) {
    let mut limit = note.len().min(start.saturating_add(WINDOW));
    while !note.is_char_boundary(limit) {
        limit -= 1;
    }
    let end = note[start..limit].find('\n').map_or(limit, |i| start + i);
    let text = &note[start..end];
    let mut rest = text.trim_start();
    let mut depth = 0;
    while let Some(r) = rest.strip_prefix('>') {
        depth += 1;
        rest = r.trim_start();
    }
    let rest = rest.trim_end();
    let item = (rest.starts_with(['-', '*', '+']) && rest[1..].starts_with(' '))
        || rest
            .find(|c: char| !c.is_ascii_digit())
            .is_some_and(|d| d > 0 && rest[d..].starts_with(['.', ')']));
    let closed = rest.starts_with('#') || rest.starts_with("```") || rest.starts_with("~~~");
    let line = Line {
        depth,
        blank: rest.is_empty(),
        starts_block: item || closed,
        closed,
    };
    (start..end, line)
}

/// Where the line holding `at` starts, looked for at most [`WINDOW`] bytes back (a longer
/// line is taken to start there).
fn line_start(note: &str, at: usize) -> usize {
    let mut at = at.min(note.len());
    while !note.is_char_boundary(at) {
        at -= 1;
    }
    let mut lo = at.saturating_sub(WINDOW);
    while !note.is_char_boundary(lo) {
        lo += 1;
    }
    note[lo..at].rfind('\n').map_or(lo, |i| lo + i + 1)
}

/// The paragraph (note bytes, whole lines) holding `from..to`, at most [`WINDOW`] bytes
/// either side.
fn paragraph(note: &str, from: usize, to: usize) -> Range<usize> {
    let (first, line) = line_at(note, line_start(note, from));
    let depth = line.depth;
    let mut start = first.start;
    let mut starts_block = line.starts_block;
    // (A line cut at the window is not followed past its cut.)
    while start > 0 && !starts_block && note.as_bytes()[start - 1] == b'\n' {
        let (prev, l) = line_at(note, line_start(note, start - 1));
        if l.blank || l.closed || l.depth != depth || from - prev.start > WINDOW {
            break;
        }
        start = prev.start;
        starts_block = l.starts_block;
    }
    let (last, _) = line_at(note, line_start(note, to.max(from)));
    let mut end = last.end;
    while end < note.len() && note.as_bytes()[end] == b'\n' {
        let (next, l) = line_at(note, end + 1);
        if l.blank || l.starts_block || l.depth != depth || next.end - to > WINDOW {
            break;
        }
        end = next.end;
    }
    // A paragraph of one long line (thousands of quotations in one line) is still read only
    // around the quotation: every quotation's claim costs the same, whatever the note.
    let mut lo = start.max(from.saturating_sub(READ_AROUND));
    while !note.is_char_boundary(lo) {
        lo += 1;
    }
    let mut hi = end.min(to.max(from).saturating_add(READ_AROUND)).max(lo);
    while !note.is_char_boundary(hi) {
        hi -= 1;
    }
    lo..hi.max(lo)
}

// ---------------------------------------------------------------------------------------
// A masked paragraph's tokens.

fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '„' | '‟' | '"' | '«' | '»' | '‹' | '›' | '‘' | '’' | '‚' | '\''
    )
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '―' | '–')
}

/// The opening mark's start before `at` (spaces inside the marks skipped), or `at`.
fn mark_before(note: &str, at: usize) -> usize {
    let head = note[..at].trim_end_matches([' ', '\u{a0}', '\u{202f}']);
    match head.chars().next_back() {
        Some(c) if is_quote_mark(c) => head.len() - c.len_utf8(),
        _ => at,
    }
}

/// The closing mark's end after `at` (punctuation inside the marks skipped), or `at`.
fn mark_after(note: &str, at: usize) -> usize {
    let tail = note[at..]
        .trim_start_matches([' ', '\u{a0}', '\u{202f}', ',', '.', ';', ':', '!', '?', '…']);
    match tail.chars().next() {
        Some(c) if is_quote_mark(c) => note.len() - tail.len() + c.len_utf8(),
        _ => at,
    }
}

/// The class of a word in a speaker phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Definite,
    Indefinite,
    /// A role title or a noun for people (`minister`, `officials`).
    Title,
    /// A word of a role phrase next to a title (`prime`, `press`).
    Modifier,
    /// A demonym or a describing adjective (`Iraqi`, `senior`).
    Descriptor,
    /// A lowercase name particle (`bin`, `al`).
    Particle,
    Of,
    /// `Iraq’s`, `Trump’s`.
    Possessive,
    Name,
    /// The dot of an abbreviation or initial (`Gen.`, `J.`).
    Dot,
}

/// A speaker phrase found by the grammar: its tokens.
#[derive(Debug, Clone)]
struct Phrase {
    toks: Range<usize>,
}

/// A speaker phrase read: kind, note range, name.
#[derive(Debug, Clone, PartialEq)]
struct Reading {
    kind: SpeakerKind,
    range: Range<usize>,
    name: Option<String>,
}

/// What the cue search before a quotation found.
enum Before {
    /// The quotation is an object, a term or a title, or the note denies the words: no claim.
    Blocked,
    Found(Reading),
    Nothing,
}

struct Para<'a> {
    note: &'a str,
    base: usize,
    masked: String,
    toks: Vec<Token>,
}

impl<'a> Para<'a> {
    fn new(note: &'a str, range: Range<usize>) -> Para<'a> {
        let masked = mask(&note[range.clone()]);
        let toks = tokenize(&masked);
        Para {
            note,
            base: range.start,
            masked,
            toks,
        }
    }

    fn range(&self, i: usize) -> Range<usize> {
        let r = self.toks[i].range();
        self.base + r.start..self.base + r.end
    }

    fn text(&self, i: usize) -> &str {
        &self.masked[self.toks[i].range()]
    }

    fn lower(&self, i: usize) -> String {
        self.text(i).to_lowercase()
    }

    fn word(&self, i: usize) -> Option<String> {
        self.toks
            .get(i)
            .filter(|t| t.is_word())
            .map(|_| self.lower(i))
    }

    fn is_word(&self, i: usize, list: &[&str]) -> bool {
        self.word(i).is_some_and(|w| listed(list, &w))
    }

    fn punct(&self, i: usize) -> Option<char> {
        self.toks.get(i).and_then(Token::punct)
    }

    fn is_mark(&self, i: usize) -> bool {
        self.punct(i).is_some_and(is_quote_mark)
    }

    /// Index of the first token starting at or after note byte `at`.
    fn at(&self, at: usize) -> usize {
        self.toks.partition_point(|t| self.base + t.start() < at)
    }

    fn capitalised(&self, i: usize) -> bool {
        self.text(i).starts_with(char::is_uppercase)
    }

    /// Capitalised, or a particle joined by a hyphen to a capitalised part (`al-Sudani`).
    fn name_like(&self, i: usize) -> bool {
        let text = self.text(i);
        self.capitalised(i)
            || text.split_once('-').is_some_and(|(p, rest)| {
                lex::HYPHEN_PARTICLES.contains(p) && rest.starts_with(char::is_uppercase)
            })
    }

    /// Whether the `.` at `i` ends an abbreviation or an initial (`Gen.`, `J.`, `U.S.`).
    fn abbreviation_dot(&self, i: usize) -> bool {
        if i == 0 || self.punct(i) != Some('.') || self.toks[i].space_before {
            return false;
        }
        let Some(w) = self.word(i - 1) else {
            return false;
        };
        let initial = self.text(i - 1).chars().count() == 1 && self.capitalised(i - 1);
        initial || lex::is_role(&w) || lex::ABBREVIATIONS.contains(w.as_str())
    }

    /// Whether token `i` ends a sentence: `.`, `!`, `?`, `;` (not an abbreviation's dot)
    /// before a space and a word that is not lowercase, possibly through closing marks.
    fn ends_sentence(&self, i: usize) -> bool {
        match self.punct(i) {
            Some(';') => return true,
            Some('.' | '!' | '?' | '…') if !self.abbreviation_dot(i) => {}
            _ => return false,
        }
        let mut j = i + 1;
        while self
            .punct(j)
            .is_some_and(|c| is_quote_mark(c) || c == ')' || c == ']')
        {
            if self.toks[j].space_before {
                break;
            }
            j += 1;
        }
        match self.toks.get(j) {
            None => true,
            Some(t) if !t.space_before => false,
            Some(_) => !self.text(j).starts_with(char::is_lowercase),
        }
    }

    /// First token of the sentence holding token `i` (searching back from `i - 1`).
    fn sentence_start(&self, i: usize) -> usize {
        let mut k = i;
        while k > 0 {
            if self.ends_sentence(k - 1) {
                // Closing marks after the end belong to the previous sentence.
                while k < i && self.is_mark(k) && !self.toks[k].space_before {
                    k += 1;
                }
                return k;
            }
            k -= 1;
        }
        0
    }

    /// Token after the end of the sentence holding token `i`.
    fn sentence_end(&self, i: usize) -> usize {
        (i..self.toks.len())
            .find(|&k| self.ends_sentence(k))
            .map_or(self.toks.len(), |k| k + 1)
    }

    fn class(&self, i: usize) -> Option<Class> {
        let t = self.toks.get(i)?;
        if t.punct() == Some('.') {
            return self.abbreviation_dot(i).then_some(Class::Dot);
        }
        let w = self.word(i)?;
        let text = self.text(i);
        if listed(DEFINITE, &w) {
            return Some(Class::Definite);
        }
        if listed(INDEFINITE, &w) {
            return Some(Class::Indefinite);
        }
        let function_word = listed(BEFORE_SUBJECT, &w)
            || listed(BETWEEN_SUBJECT_AND_VERB, &w)
            || (listed(SPEECH_VERBS, &w) && text.starts_with(char::is_lowercase))
            || listed(PRONOUNS, &w);
        if function_word {
            return None;
        }
        if strip_possessive(text).len() < text.len() && !text.ends_with("s'") {
            return Some(Class::Possessive);
        }
        if is_person_noun(&w) || lex::is_role(&w) {
            return Some(Class::Title);
        }
        if lex::is_role_modifier(&w) {
            return Some(Class::Modifier);
        }
        if listed(DESCRIPTORS, &w) || lex::is_adjective(&w) {
            return Some(Class::Descriptor);
        }
        if w == "of" {
            return Some(Class::Of);
        }
        if text.starts_with(char::is_lowercase) && lex::PARTICLES.contains(w.as_str()) {
            return Some(Class::Particle);
        }
        if self.name_like(i) && (!lex::is_stopword(&w) || is_acronym(text)) {
            return Some(Class::Name);
        }
        if self.noun_adjunct(i) {
            return Some(Class::Modifier);
        }
        None
    }

    /// Whether the lowercase word at `i` is a noun modifying the title after it
    /// (`the harbour master`, `the county engineer`): a plain word, not a function word,
    /// verb form or adverb, right before a title or another such noun.
    fn noun_adjunct(&self, i: usize) -> bool {
        let text = self.text(i);
        let plain = text.len() >= 3
            && text.chars().all(|c| c.is_ascii_lowercase())
            && !lex::is_stopword(text)
            && !["ed", "ing", "ly"].iter().any(|e| text.ends_with(e))
            && !listed(NAMING_WORDS, text)
            && !listed(NEGATIONS, text)
            && !listed(PASSIVE, text);
        plain
            && self.toks.get(i + 1).is_some_and(|t| t.is_word())
            && match self.class(i + 1) {
                Some(Class::Title) => true,
                Some(Class::Modifier) => self.noun_adjunct(i + 1),
                _ => false,
            }
    }

    /// A speaker phrase ending right before token `end`, not before token `lo`.
    fn phrase_before(&self, end: usize, lo: usize) -> Option<Phrase> {
        if end > lo && self.is_word(end - 1, PRONOUNS) {
            return Some(Phrase { toks: end - 1..end });
        }
        let mut a = end;
        while a > lo && end - a < 12 {
            match self.class(a - 1) {
                Some(Class::Definite | Class::Indefinite | Class::Possessive) => {
                    a -= 1;
                    break;
                }
                Some(_) => a -= 1,
                None => break,
            }
        }
        self.trimmed(a..end)
    }

    /// A speaker phrase starting at token `start`, before token `hi`.
    fn phrase_after(&self, start: usize, hi: usize) -> Option<Phrase> {
        if start < hi && self.is_word(start, PRONOUNS) {
            return Some(Phrase {
                toks: start..start + 1,
            });
        }
        let mut b = start;
        while b < hi && b - start < 12 {
            match self.class(b) {
                Some(Class::Definite | Class::Indefinite) if b > start => break,
                Some(_) => b += 1,
                None => break,
            }
        }
        self.trimmed(start..b)
    }

    /// `r` without joiners at its ends.
    fn trimmed(&self, mut r: Range<usize>) -> Option<Phrase> {
        while r.start < r.end && matches!(self.class(r.start), Some(Class::Of | Class::Dot)) {
            r.start += 1;
        }
        while r.start < r.end
            && matches!(
                self.class(r.end - 1),
                Some(Class::Of | Class::Particle | Class::Definite | Class::Indefinite)
            )
        {
            r.end -= 1;
        }
        (r.start < r.end).then_some(Phrase { toks: r })
    }

    /// Whether a subject may start at token `a`: the sentence's start, after punctuation or
    /// after a conjunction.
    fn subject_may_start(&self, a: usize, sentence: usize) -> bool {
        a <= sentence
            || self.toks[a].line_start
            || self.punct(a - 1).is_some()
            || self.is_word(a - 1, BEFORE_SUBJECT)
    }

    /// What the phrase is (see the module documentation); `None` when it is no speaker.
    /// `sentence`: the first token of its sentence (a lone capitalised word there needs
    /// evidence that it is a name); `credit`: a credit line, where any capitalised word is.
    fn read(&self, p: &Phrase, sentence: usize, credit: bool) -> Option<Reading> {
        let r = p.toks.clone();
        let full = self.range(r.start).start..self.range(r.end - 1).end;
        if r.len() == 1 && self.is_word(r.start, PRONOUNS) {
            return Some(Reading {
                kind: SpeakerKind::Pronoun,
                range: full,
                name: None,
            });
        }
        let classes: Vec<Class> = r
            .clone()
            .map(|i| self.class(i).unwrap_or(Class::Name))
            .collect();
        let title = title_words(&classes);
        let det = match classes[0] {
            Class::Definite | Class::Possessive => Some(true),
            Class::Indefinite => Some(false),
            _ => None,
        };
        let last_title = title.iter().rposition(|&t| t);
        let mut name_from = last_title.map_or(0, |k| k + 1);
        if det.is_some() && name_from == 0 {
            name_from = 1;
        }
        // `the prime minister of Iraq`: a role phrase.
        let qualified = classes.get(name_from) == Some(&Class::Of);
        while name_from < classes.len()
            && classes[name_from] == Class::Descriptor
            && classes[name_from + 1..].contains(&Class::Name)
        {
            name_from += 1;
        }
        if name_from < classes.len() && !qualified {
            let first = r.start + name_from;
            let ok = classes[name_from..].iter().all(|c| {
                matches!(
                    c,
                    Class::Name
                        | Class::Particle
                        | Class::Dot
                        | Class::Modifier
                        | Class::Descriptor
                )
            }) && self.name_like(first)
                && self.name_like(r.end - 1);
            if !ok {
                return None;
            }
            // A lone capitalised word that opens a sentence and looks like a common noun
            // (`Reports said`, `Statement said`) needs evidence that it is a name.
            let lone = r.len() == 1 && r.start <= sentence && !credit;
            if lone && looks_common(&self.lower(r.start)) && !self.name_evidence(r.start) {
                return None;
            }
            let name_range = self.range(first).start..self.range(r.end - 1).end;
            let name = strip_possessive(&self.note[name_range]).to_string();
            return Some(Reading {
                kind: SpeakerKind::Name,
                range: full,
                name: Some(name),
            });
        }
        // A role or an indefinite description: it must be headed by a title.
        let head = last_title?;
        if classes[head] != Class::Title {
            return None;
        }
        let lower = self.lower(r.start + head);
        let plural = singular(&lower) != lower;
        let anonymous = r.clone().any(|i| self.is_word(i, ANONYMOUS));
        let kind = match det {
            Some(false) => SpeakerKind::Indefinite,
            _ if anonymous => SpeakerKind::Indefinite,
            None if plural => SpeakerKind::Indefinite,
            _ => SpeakerKind::Role,
        };
        Some(Reading {
            kind,
            range: full,
            name: None,
        })
    }

    /// Whether the word at `i` is a name even where any word is capitalised: written
    /// capitalised mid-sentence elsewhere in the paragraph, an acronym, a given name, a
    /// known organisation or place.
    fn name_evidence(&self, i: usize) -> bool {
        let text = self.text(i);
        let w = self.lower(i);
        if is_acronym(strip_possessive(text))
            || lex::given_name(&w)
            || lex::KNOWN_ORGS.contains(w.as_str())
            || crate::entities::places::lookup(text).is_some()
        {
            return true;
        }
        (1..self.toks.len()).any(|k| {
            k != i
                && self.text(k) == text
                && !self.toks[k].line_start
                && !self.ends_sentence(k - 1)
                && !self.is_mark(k - 1)
        })
    }

    // --- cues before the quotation ---

    /// The cue before the opening mark (token `o`), in the sentence starting at token `s`.
    fn before(&self, s: usize, o: usize) -> Before {
        if o == 0 || o <= s {
            return Before::Nothing;
        }
        let last = o - 1;
        let glued = self.word(last).is_some();
        if glued {
            let w = self.lower(last);
            let blocking = listed(BLOCKING_BEFORE, &w) || listed(NAMING_WORDS, &w);
            if blocking && !self.told_to(last, s) && !self.in_reported_clause(last, s) {
                return Before::Blocked;
            }
        }
        // `X: “…”` with X opening the sentence.
        if self.punct(last) == Some(':') && last > s && self.word(last - 1).is_some() {
            // The label is on the colon's own line (`Draft⏎CNN: “…”` is CNN's).
            let s = (s..last)
                .rev()
                .find(|&k| self.toks[k].line_start)
                .unwrap_or(s);
            if let Some(p) = self.phrase_before(last, s) {
                // One capitalised word before a colon is a label (`Seed:`, `Update:`,
                // `Linked:`) unless something says it is a name (a given name, an acronym,
                // a known organisation, the word capitalised mid-sentence elsewhere).
                let label = p.toks.len() == 1 && !self.name_evidence(p.toks.start);
                if p.toks.start == s && !self.is_word(last - 1, SPEECH_VERBS) && !label {
                    return match self.read(&p, s, false) {
                        Some(r) if r.kind != SpeakerKind::Indefinite => Before::Found(r),
                        _ => Before::Nothing,
                    };
                }
            }
        }
        // The nearest speech verb, at most 40 tokens back.
        let mut k = o;
        while k > s && o - k < 40 {
            k -= 1;
            if self.is_mark(k) && k + 1 < o {
                // Another quotation between the cue and this one: `X said “A” and “B”`.
                let between_ok = (k + 1..o).all(|j| {
                    self.punct(j).is_some_and(|c| c == ',' || is_dash(c))
                        || self.is_word(j, &["and", "or"])
                });
                if !between_ok {
                    return Before::Nothing;
                }
                let Some(open) = (s..k).rev().find(|&j| self.is_mark(j)) else {
                    return Before::Nothing;
                };
                return self.before(s, open);
            }
            let Some(w) = self.word(k) else { continue };
            if listed(NAMING_WORDS, &w) {
                return Before::Blocked;
            }
            // `according to X, “…”`, `in the words of X, “…”`.
            let according = w == "to" && k > s && self.is_word(k - 1, &["according"]);
            let in_the_words = w == "of"
                && k >= s + 3
                && self.is_word(k - 1, &["words"])
                && self.is_word(k - 3, &["in"]);
            if according || in_the_words {
                return match self.phrase_after(k + 1, o) {
                    Some(p) => self.found(self.read(&p, s, false)),
                    None => Before::Nothing,
                };
            }
            // `as X put it, “…”`.
            if w == "put" && self.is_word(k + 1, &["it"]) {
                return match self.phrase_before(k, s) {
                    Some(p) if p.toks.start > s && self.is_word(p.toks.start - 1, &["as"]) => {
                        self.found(self.read(&p, s, false))
                    }
                    _ => Before::Nothing,
                };
            }
            if !listed(SPEECH_VERBS, &w) {
                continue;
            }
            if glued && self.is_word(last, &["as"]) && !listed(AS_VERBS, &w) {
                return Before::Blocked;
            }
            return self.subject_of(k, s);
        }
        Before::Nothing
    }

    /// Whether the noun at token `w` right before a quotation is whom the words were told
    /// (`X told the programme “…”`), not a title or a term (`the programme “…”`).
    fn told_to(&self, w: usize, s: usize) -> bool {
        const TOLD: &[&str] = &["told", "tell", "tells", "telling"];
        let noun = self.word(w).is_some_and(|x| !listed(PREPOSITIONS, &x));
        let det = w > s && self.is_word(w - 1, DEFINITE) && !self.is_word(w - 1, &["that"]);
        noun && ((w > s && self.is_word(w - 1, TOLD))
            || (det && w > s + 1 && self.is_word(w - 2, TOLD)))
    }

    /// Whether the preposition at token `w` right before a quotation sits in a clause that
    /// a speech verb earlier in the sentence reports (`X said the US was guilty of “…”`):
    /// a finite verb between them makes the quotation part of what X said.
    fn in_reported_clause(&self, w: usize, s: usize) -> bool {
        const FINITE: &[&str] = &[
            "was", "were", "is", "are", "would", "will", "had", "has", "have", "could",
        ];
        if !self.word(w).is_some_and(|x| listed(PREPOSITIONS, &x)) {
            return false;
        }
        let Some(v) = (s..w).rev().take(30).find(|&k| {
            self.word(k)
                .is_some_and(|x| listed(SPEECH_VERBS, &x) && !x.ends_with("ing"))
        }) else {
            return false;
        };
        let clean = (v + 1..w)
            .all(|k| !self.is_mark(k) && !self.word(k).is_some_and(|x| listed(NAMING_WORDS, &x)));
        clean && (v + 2..w).any(|k| self.is_word(k, FINITE))
    }

    fn found(&self, r: Option<Reading>) -> Before {
        r.map_or(Before::Nothing, Before::Found)
    }

    /// The subject of the speech verb at token `v` (sentence from token `s`).
    fn subject_of(&self, v: usize, s: usize) -> Before {
        let verb = self.lower(v);
        let mut k = v;
        let mut skipped = 0;
        while k > s && skipped < 4 {
            let Some(w) = self.word(k - 1) else { break };
            if listed(NEGATIONS, &w) || w.ends_with("n't") || w.ends_with("n’t") {
                return Before::Blocked;
            }
            if listed(PASSIVE, &w) {
                if verb.ends_with("ing") {
                    k -= 1;
                    skipped += 1;
                    continue;
                }
                return Before::Blocked;
            }
            if !listed(BETWEEN_SUBJECT_AND_VERB, &w) {
                break;
            }
            k -= 1;
            skipped += 1;
        }
        if verb.ends_with("ing") {
            return self.ing_subject(k, s);
        }
        // `X, the Y of Z, said` and `X (the Y) said`: the phrase before the aside, or the
        // name the aside gives a role (`the prime minister, Al Sudani, said`).
        if k > s && matches!(self.punct(k - 1), Some(',' | ')')) {
            let open = if self.punct(k - 1) == Some(')') {
                '('
            } else {
                ','
            };
            let Some(o) = (s..k - 1)
                .rev()
                .take(20)
                .find(|&j| self.punct(j) == Some(open) || self.is_mark(j))
                .filter(|&j| !self.is_mark(j))
            else {
                return Before::Nothing;
            };
            let Some(p) = self.phrase_before(o, s) else {
                return Before::Nothing;
            };
            if !self.subject_may_start(p.toks.start, s) {
                return Before::Nothing;
            }
            let subject = self.read(&p, s, false);
            if subject
                .as_ref()
                .is_some_and(|r| r.kind == SpeakerKind::Role)
            {
                let aside = self
                    .phrase_after(o + 1, k - 1)
                    .filter(|a| a.toks.end == k - 1)
                    .and_then(|a| self.read(&a, s, false))
                    .filter(|a| a.kind == SpeakerKind::Name);
                if aside.is_some() {
                    return self.found(aside);
                }
            }
            return self.found(subject);
        }
        match self.phrase_before(k, s) {
            Some(p)
                if p.toks.end == k
                    && self.subject_may_start(p.toks.start, s)
                    && !self.compound(&p) =>
            {
                self.found(self.read(&p, s, false))
            }
            _ => Before::Nothing,
        }
    }

    /// Whether the phrase is the last of a compound subject (`Trump and Biden said`): the
    /// words are not one person's.
    fn compound(&self, p: &Phrase) -> bool {
        let a = p.toks.start;
        a >= 2
            && (self.is_word(a - 1, &["and", "or"]) || self.punct(a - 1) == Some('&'))
            && matches!(self.class(a - 2), Some(Class::Name | Class::Title))
    }

    /// The subject of a participle cue ending before token `k`: `X was quoted as saying`,
    /// `Reuters quoted X as saying`, `X spoke on Monday, adding “…”`.
    fn ing_subject(&self, k: usize, s: usize) -> Before {
        if k > s && self.is_word(k - 1, &["as"]) {
            let q = k - 1;
            // `quoted X as saying`.
            if let Some(p) = self.phrase_before(q, s) {
                if p.toks.start > s && self.is_word(p.toks.start - 1, &["quoted"]) {
                    return self.found(self.read(&p, s, false));
                }
            }
            // `X was quoted as saying`.
            if q >= s + 2 && self.is_word(q - 1, &["quoted"]) {
                let mut a = q - 1;
                while a > s && self.is_word(a - 1, PASSIVE) {
                    a -= 1;
                }
                if a < q - 1 {
                    return match self.phrase_before(a, s) {
                        Some(p) if p.toks.end == a && self.subject_may_start(p.toks.start, s) => {
                            self.found(self.read(&p, s, false))
                        }
                        _ => Before::Nothing,
                    };
                }
            }
            return Before::Nothing;
        }
        if k > s && self.punct(k - 1) == Some(',') {
            // An earlier speech verb of the sentence gives the subject.
            for j in (s..k - 1).rev() {
                if self.is_mark(j) {
                    break;
                }
                if self.is_word(j, SPEECH_VERBS) && !self.lower(j).ends_with("ing") {
                    return self.subject_of(j, s);
                }
            }
            // Else the sentence's subject, when a past-tense verb follows it.
            if let Some(p) = self.phrase_after(s, k) {
                let verbish = self
                    .word(p.toks.end)
                    .is_some_and(|w| w.ends_with("ed") || listed(PAST_VERBS, &w));
                if verbish {
                    return self.found(self.read(&p, s, false));
                }
            }
        }
        Before::Nothing
    }

    // --- cues after the quotation ---

    /// Whether a cue's clause may end at token `j` (sentence end `e`): punctuation, the end,
    /// or (unless `closed`) a word that starts an adjunct (`X said on Friday`).
    fn ends_clause(&self, j: usize, e: usize, closed: bool) -> bool {
        const ADJUNCT: &[&str] = &[
            "on",
            "in",
            "at",
            "during",
            "after",
            "before",
            "last",
            "yesterday",
            "today",
            "to",
            "and",
            "but",
            "when",
            "while",
            "as",
            "adding",
        ];
        j >= e
            || j >= self.toks.len()
            || matches!(self.punct(j), Some('.' | '!' | '?' | ';' | ','))
            || (!closed && self.is_word(j, ADJUNCT))
    }

    /// The cue after the closing mark (token `c` is the first after it), in the sentence
    /// from token `s` ending before token `e`. `closed`: the quotation's words end a sentence
    /// (`.` inside the marks), so only a cue that is all that is left of it counts
    /// (`“…” he said.`).
    fn after(&self, c: usize, e: usize, closed: bool, s: usize) -> Option<Reading> {
        let mut k = c;
        let mut hops = 0;
        loop {
            while k < e && self.punct(k) == Some(',') {
                k += 1;
            }
            // `“A” and “B,” X said`: the cue of the last quotation of the run.
            let k2 = if self.is_word(k, &["and", "or"]) {
                k + 1
            } else {
                k
            };
            if hops < 3 && self.is_mark(k2) && k2 < e {
                let close = (k2 + 1..e).find(|&j| self.is_mark(j))?;
                k = close + 1;
                hops += 1;
                continue;
            }
            break;
        }
        // `“…” — X`.
        if let Some(d) = self.punct(k).filter(|&c| is_dash(c) || c == '-') {
            let mut j = k + 1;
            if d == '-' && self.punct(j) == Some('-') {
                j += 1;
            }
            let p = self.phrase_after(j, e)?;
            let end = p.toks.end;
            let ok = end >= e
                || end >= self.toks.len()
                || matches!(self.punct(end), Some(',' | '.' | '('));
            return if ok { self.read(&p, s, true) } else { None };
        }
        let w = self.word(k)?;
        // `“…,” according to X`.
        if w == "according" && self.is_word(k + 1, &["to"]) {
            let p = self.phrase_after(k + 2, e)?;
            return if self.ends_clause(p.toks.end, e, closed) {
                self.read(&p, s, false)
            } else {
                None
            };
        }
        // `“…,” as X put it`.
        if w == "as" {
            let p = self.phrase_after(k + 1, e)?;
            let v = p.toks.end;
            let ok = (self.is_word(v, &["put"])
                && self.is_word(v + 1, &["it"])
                && self.ends_clause(v + 2, e, closed))
                || (self.is_word(v, &["said", "wrote", "says", "writes"])
                    && self.ends_clause(v + 1, e, closed));
            return if ok { self.read(&p, s, false) } else { None };
        }
        // `“…,” said X`.
        if listed(SPEECH_VERBS, &w) && !w.ends_with("ing") {
            let p = self.phrase_after(k + 1, e)?;
            return if self.ends_clause(p.toks.end, e, closed) {
                self.read(&p, s, false)
            } else {
                None
            };
        }
        // `“…,” X said`, `“…,” X, the Y of Z, said`.
        let p = self.phrase_after(k, e)?;
        let mut v = p.toks.end;
        if self.punct(v) == Some(',') {
            let close =
                (v + 1..e.min(v + 20)).find(|&j| self.punct(j) == Some(',') || self.is_mark(j))?;
            if self.is_mark(close) {
                return None;
            }
            v = close + 1;
        }
        let mut skipped = 0;
        while skipped < 3 && self.is_word(v, BETWEEN_SUBJECT_AND_VERB) {
            v += 1;
            skipped += 1;
        }
        let verb = self.word(v)?;
        if !listed(SPEECH_VERBS, &verb) || verb.ends_with("ing") {
            return None;
        }
        if closed && !self.ends_clause(v + 1, e, closed) {
            return None;
        }
        self.read(&p, s, false)
    }
}

/// Whether a lowercase word looks like a common noun rather than a name: a plural or a
/// common noun ending (`reports`, `statement`, `organization`).
fn looks_common(lower: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism", "ure", "ing", "ery",
        "ogy", "ies",
    ];
    let plural = lower.ends_with('s')
        && !lower.ends_with("ss")
        && !lower.ends_with("us")
        && !lower.ends_with("is");
    plural || ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// Which words of a phrase (by class) belong to its titles: role titles and possessives,
/// the modifiers and abbreviation dots next to them (`Prime Minister`, `Gen.`),
/// `of` + modifier after a title (`Secretary of State`), descriptors before a title.
fn title_words(classes: &[Class]) -> Vec<bool> {
    let mut title: Vec<bool> = classes
        .iter()
        .map(|c| matches!(c, Class::Title | Class::Possessive))
        .collect();
    loop {
        let mut changed = false;
        for k in 0..classes.len() {
            if title[k] {
                continue;
            }
            let marked = |j: Option<usize>| j.and_then(|j| title.get(j)).copied().unwrap_or(false);
            let mark = match classes[k] {
                Class::Modifier | Class::Dot => marked(k.checked_sub(1)) || marked(Some(k + 1)),
                Class::Of => {
                    marked(k.checked_sub(1)) && classes.get(k + 1) == Some(&Class::Modifier)
                }
                Class::Descriptor => title[k + 1..].iter().any(|&t| t),
                _ => false,
            };
            if mark {
                title[k] = true;
                changed = true;
            }
        }
        if !changed {
            return title;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Inline quotations, credits, introductions.

/// The claim of an inline quotation. `follow`: a quotation alone in its sentence may take
/// the cue of the previous sentence's quotation.
fn inline(note: &str, quoted: &Range<usize>, follow: bool) -> Option<Claim> {
    let open = mark_before(note, quoted.start);
    let close = mark_after(note, quoted.end);
    let para = Para::new(note, paragraph(note, open, close));
    let o = para.at(open);
    let c = para.at(close);
    let s = para.sentence_start(o);
    let e = para.sentence_end(c.max(o));
    let words = note[quoted.start..close.max(quoted.start)].trim_end();
    let words = words.trim_end_matches(|ch: char| is_quote_mark(ch) || ch == ')');
    let closed = words.ends_with(['.', '…']);
    let reading = match (para.before(s, o), para.after(c, e, closed, s)) {
        (Before::Blocked, _) => return None,
        (Before::Found(b), Some(a)) => {
            let same = match (&b.name, &a.name) {
                (Some(x), Some(y)) => lookup_key(x) == lookup_key(y),
                _ => b.kind == a.kind,
            };
            if !same {
                return None;
            }
            b
        }
        (Before::Found(b), None) => b,
        (Before::Nothing, Some(a)) => a,
        (Before::Nothing, None) => {
            // `“A,” he said. “B.”`: a quotation alone in its sentence takes the cue of the
            // quotation that ends the previous one.
            let alone =
                (s..o).all(|k| para.word(k).is_none()) && (c..e).all(|k| para.word(k).is_none());
            if !follow || !alone || s == 0 {
                return None;
            }
            let ps = para.sentence_start(s - 1);
            let last = (ps..s).rev().find(|&k| para.is_mark(k))?;
            let first = (ps..last).rev().find(|&k| para.is_mark(k))?;
            let inner = trim_range(note, para.range(first).end..para.range(last).start);
            return inline(note, &inner, false);
        }
    };
    Some(finish(note, reading, open.min(quoted.start)))
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    start..start + s.trim().len()
}

/// The claim of a reading; a pronoun is resolved in the text before `limit` and before
/// itself.
fn finish(note: &str, r: Reading, limit: usize) -> Claim {
    let surface = note[r.range.clone()].to_string();
    let name = match r.kind {
        SpeakerKind::Pronoun => antecedent(note, r.range.start.min(limit), &surface.to_lowercase()),
        _ => r.name,
    };
    Claim {
        surface,
        range: r.range,
        kind: r.kind,
        name,
    }
}

/// The lines of the blockquote holding `quoted` (at most [`WINDOW`] bytes either side).
fn blockquote_lines(note: &str, quoted: &Range<usize>) -> Option<Range<usize>> {
    let (_, first) = line_at(note, line_start(note, quoted.start));
    if first.depth == 0 {
        return None;
    }
    let mut start = line_start(note, quoted.start);
    while start > 0 && quoted.start - start < WINDOW {
        let (prev, l) = line_at(note, line_start(note, start - 1));
        if l.depth == 0 {
            break;
        }
        start = prev.start;
    }
    let mut end = line_at(note, line_start(note, quoted.end)).0.end;
    while end < note.len() && end - quoted.end < WINDOW {
        let (next, l) = line_at(note, end + 1);
        if l.depth == 0 {
            break;
        }
        end = next.end;
    }
    Some(start..end)
}

/// The `— Name` credit of the blockquote holding `quoted`: the first line from the
/// quotation's last line on that starts with a dash and ends its paragraph.
fn credit(note: &str, quoted: &Range<usize>) -> Option<Claim> {
    let block = blockquote_lines(note, quoted)?;
    let mut at = line_start(note, quoted.end);
    while at < block.end {
        let (line, l) = line_at(note, at);
        let masked = mask(&note[line.clone()]);
        let content = masked.trim_start();
        let ends_paragraph = line.end >= block.end || line_at(note, line.end + 1).1.blank;
        if !l.blank && ends_paragraph && (content.starts_with(is_dash) || content.starts_with("--"))
        {
            let para = Para::new(note, line.clone());
            let d = (0..para.toks.len())
                .find(|&k| para.punct(k).is_some_and(|c| is_dash(c) || c == '-'))?;
            let mut j = d + 1;
            while para.punct(j) == Some('-') {
                j += 1;
            }
            let p = para.phrase_after(j, para.toks.len())?;
            let end = p.toks.end;
            let ok = end >= para.toks.len()
                || matches!(para.punct(end), Some(',' | '.' | '(' | ';' | ':'))
                || para.is_word(end, &["in", "on", "at", "to", "quoted", "as", "speaking"]);
            let r = para.read(&p, j, true).filter(|_| ok)?;
            return Some(finish(note, r, quoted.start));
        }
        if line.end >= block.end {
            break;
        }
        at = line.end + 1;
    }
    None
}

/// The colon introduction of the blockquote holding `quoted`: the paragraph right before
/// it, when it ends with `:` (`Al Sudani told reporters:`).
fn introduction(note: &str, quoted: &Range<usize>) -> Option<Claim> {
    let block = blockquote_lines(note, quoted)?;
    if block.start == 0 {
        return None;
    }
    // Skip blank lines (at most two) back to the previous paragraph's last line.
    let mut at = line_start(note, block.start - 1);
    for _ in 0..2 {
        let (_, l) = line_at(note, at);
        if !l.blank || at == 0 {
            break;
        }
        at = line_start(note, at - 1);
    }
    let (last, l) = line_at(note, at);
    if l.blank || l.depth != 0 {
        return None;
    }
    let masked = mask(&note[last.clone()]);
    let text = masked.trim_end();
    if !text.ends_with(':') {
        return None;
    }
    let colon_at = last.start + text.len() - 1;
    let para = Para::new(note, paragraph(note, last.start, last.end));
    // The colon stands for the opening mark: the cue grammar before a quotation, with the
    // colon as its last token.
    let o = para.at(colon_at + 1);
    let s = para.sentence_start(o - 1);
    match para.before(s, o) {
        Before::Found(r) => Some(finish(note, r, colon_at)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Pronouns.

static SENTENCE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"[.!?;]['"’”»)\]]*\s"#).expect("regex"));

/// The person `pronoun` (lowercase) refers to: the one person named in the last sentence
/// before `at` that names persons (`he`, `she`), or the organisation named last (`it`,
/// `they`). `None` when nothing fits or two persons do.
fn antecedent(note: &str, at: usize, pronoun: &str) -> Option<String> {
    let mut from = at.saturating_sub(WINDOW);
    while !note.is_char_boundary(from) {
        from += 1;
    }
    if from > 0 {
        from = note[from..at].find('\n').map_or(at, |i| from + i + 1);
    }
    from = from.max(front_matter_end(note));
    if from >= at {
        return None;
    }
    let text = mask_quotations(&mask(&note[from..at]));
    let (cands, _) = candidates(&text);
    let name = |c: &Candidate| strip_possessive(&text[c.range.clone()]).to_string();
    if matches!(pronoun, "it" | "they") {
        let last = cands.iter().rev().find(|c| c.kind != EntityKind::Place)?;
        return (last.kind == EntityKind::Organization).then(|| name(last));
    }
    let persons: Vec<&Candidate> = cands.iter().filter(|c| person_like(c, &text)).collect();
    let last = persons.last()?;
    // The sentence of the last person: every person named in it must be the same one.
    let sentence_start = SENTENCE_END
        .find_iter(&text[..last.range.start])
        .last()
        .map_or(0, |m| m.end());
    let key = parts(&name(last));
    for c in persons.iter().filter(|c| c.range.start >= sentence_start) {
        let other = parts(&name(c));
        if !(other.ends_with(&key) || key.ends_with(&other)) {
            return None;
        }
    }
    // The fullest form of that name in the window, when only one fits.
    let fuller: Vec<String> = persons
        .iter()
        .map(|c| name(c))
        .filter(|n| parts(n).ends_with(&key))
        .collect();
    let longest = fuller.iter().max_by_key(|n| parts(n).len())?;
    let lp = parts(longest);
    if fuller.iter().all(|n| lp.ends_with(&parts(n))) {
        Some(longest.clone())
    } else {
        Some(name(last))
    }
}

fn person_like(c: &Candidate, text: &str) -> bool {
    match c.kind {
        EntityKind::Person => true,
        EntityKind::Other => {
            let first = text[c.range.clone()]
                .split_whitespace()
                .next()
                .unwrap_or("");
            let first = first.to_lowercase();
            // `Al Sudani`, `bin Salman`: a name particle before a capitalised part.
            let particle = lex::PARTICLES.contains(first.as_str())
                && text[c.range.clone()].split_whitespace().count() >= 2;
            !c.roles.is_empty() || lex::given_name(&first) || particle
        }
        _ => false,
    }
}

/// Where front matter (`---` … `---` at the very start) ends, or 0.
fn front_matter_end(note: &str) -> usize {
    let Some(rest) = note
        .strip_prefix("---\n")
        .or_else(|| note.strip_prefix("---\r\n"))
    else {
        return 0;
    };
    let head = note.len() - rest.len();
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return head + at + line.len();
        }
        at += line.len();
    }
    0
}

/// `text` with the words inside double quotation marks blanked (up to a blank line): names
/// quoted are not antecedents (`“Biden lied,” he said`).
fn mask_quotations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside: Option<char> = None;
    let mut prev = ' ';
    for ch in text.chars() {
        let blank = match (inside, ch) {
            (None, '“' | '«' | '„' | '"') => {
                inside = Some(match ch {
                    '“' => '”',
                    '«' => '»',
                    '„' => '“',
                    _ => '"',
                });
                false
            }
            (Some(close), _) if ch == close || (close == '“' && ch == '”') => {
                inside = None;
                false
            }
            (Some(_), '\n') if prev == '\n' => {
                inside = None;
                false
            }
            (Some(_), _) => ch != '\n',
            _ => false,
        };
        if blank {
            out.extend(std::iter::repeat_n(' ', ch.len_utf8()));
        } else {
            out.push(ch);
        }
        prev = ch;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use SpeakerKind::*;

    type Got = Option<(String, SpeakerKind, Option<String>)>;

    /// The claim of the quotation whose words are `words` (their first occurrence).
    fn claim_of(note: &str, words: &str, blockquote: bool) -> Got {
        let start = note.find(words).expect("words in the note");
        let c = claim(note, start..start + words.len(), blockquote)?;
        assert_eq!(
            &note[c.range.clone()],
            c.surface,
            "the range is the surface"
        );
        Some((c.surface, c.kind, c.name))
    }

    fn inline(note: &str, words: &str) -> Got {
        claim_of(note, words, false)
    }

    fn named(surface: &str, name: &str) -> Got {
        Some((surface.into(), Name, Some(name.into())))
    }

    const Q: &str = "we will end the presence of the coalition";
    const W: &str = "We will end the presence of the coalition";

    #[test]
    fn a_subject_before_the_quotation() {
        for note in [
            "Al Sudani said “we will end the presence of the coalition” on Friday.",
            "Al Sudani said: “we will end the presence of the coalition.”",
            "Al Sudani said, “we will end the presence of the coalition.”",
            "Al Sudani told reporters “we will end the presence of the coalition.”",
            "Al Sudani told reporters that “we will end the presence of the coalition.”",
            "Al Sudani added that “we will end the presence of the coalition.”",
            "On Friday, Al Sudani also wrote that Iraq would “we will end the presence of the coalition”.",
            "Al Sudani warned: “we will end the presence of the coalition.”",
            "Then Al Sudani would later say “we will end the presence of the coalition.”",
        ] {
            assert_eq!(inline(note, Q), named("Al Sudani", "Al Sudani"), "{note}");
        }
    }

    #[test]
    fn a_subject_after_the_quotation() {
        for note in [
            "“We will end the presence of the coalition,” Al Sudani said.",
            "“We will end the presence of the coalition,” said Al Sudani.",
            "“We will end the presence of the coalition”, Al Sudani said on Friday.",
            "“We will end the presence of the coalition,” Al Sudani told reporters.",
            "“We will end the presence of the coalition!” Al Sudani insisted.",
            "“We will end the presence of the coalition.” Al Sudani said.",
            "“We will end the presence of the coalition,” according to Al Sudani.",
            "“We will end the presence of the coalition,” as Al Sudani put it.",
            "“We will end the presence of the coalition” — Al Sudani, in a speech.",
        ] {
            assert_eq!(inline(note, W), named("Al Sudani", "Al Sudani"), "{note}");
        }
        // After a full stop inside the marks, a cue is only what is left of the sentence.
        let note =
            "“We will end the presence of the coalition.” Al Sudani said later that he meant it.";
        assert_eq!(inline(note, W), None);
    }

    #[test]
    fn multi_word_cues_before_the_quotation() {
        for note in [
            "According to Al Sudani, “we will end the presence of the coalition.”",
            "In the words of Al Sudani, “we will end the presence of the coalition.”",
            "As Al Sudani put it, “we will end the presence of the coalition.”",
            "Al Sudani was quoted as saying “we will end the presence of the coalition.”",
            "Reuters quoted Al Sudani as saying “we will end the presence of the coalition.”",
            "Al Sudani: “we will end the presence of the coalition.”",
            "Al Sudani described the plan as “we will end the presence of the coalition.”",
            "Al Sudani spoke in Baghdad on Friday, saying “we will end the presence of the coalition.”",
            "Al Sudani said the talks had begun, adding “we will end the presence of the coalition.”",
        ] {
            assert_eq!(inline(note, Q), named("Al Sudani", "Al Sudani"), "{note}");
        }
    }

    #[test]
    fn titles_and_possessives_are_in_the_surface_not_the_name() {
        for (note, surface, name) in [
            ("President Obama said “we will end the presence of the coalition.”", "President Obama", "Obama"),
            (
                "Prime Minister Mohammed Shia al-Sudani said “we will end the presence of the coalition.”",
                "Prime Minister Mohammed Shia al-Sudani",
                "Mohammed Shia al-Sudani",
            ),
            (
                "Pentagon Press secretary Maj. Gen. Pat Ryder said “we will end the presence of the coalition.”",
                "Pentagon Press secretary Maj. Gen. Pat Ryder",
                "Pat Ryder",
            ),
            ("Iraq’s Al Sudani said “we will end the presence of the coalition.”", "Iraq’s Al Sudani", "Al Sudani"),
            (
                "Secretary of State Blinken said “we will end the presence of the coalition.”",
                "Secretary of State Blinken",
                "Blinken",
            ),
            ("CNN would report: “we will end the presence of the coalition.”", "CNN", "CNN"),
            ("The Pentagon said “we will end the presence of the coalition.”", "The Pentagon", "Pentagon"),
        ] {
            assert_eq!(inline(note, Q), named(surface, name), "{note}");
        }
        assert_eq!(
            inline(
                "“We will end the presence of the coalition,” said Iraqi Prime Minister Mohammed Shia Al Sudani.",
                W
            ),
            named("Iraqi Prime Minister Mohammed Shia Al Sudani", "Mohammed Shia Al Sudani")
        );
    }

    #[test]
    fn an_aside_between_subject_and_verb() {
        assert_eq!(
            inline(
                "Al Sudani, the prime minister of Iraq, said “we will end the presence of the coalition.”",
                Q
            ),
            named("Al Sudani", "Al Sudani")
        );
        assert_eq!(
            inline(
                "“We will end the presence of the coalition,” Al Sudani, the prime minister of Iraq, said.",
                W
            ),
            named("Al Sudani", "Al Sudani")
        );
        assert_eq!(
            inline(
                "The Iraqi prime minister, Mohammed Shia al-Sudani, said “we will end the presence of the coalition.”",
                Q
            ),
            named("Mohammed Shia al-Sudani", "Mohammed Shia al-Sudani")
        );
    }

    #[test]
    fn markup_around_the_name_and_citations_between() {
        for note in [
            "**Al Sudani** said “we will end the presence of the coalition.”",
            "[Al Sudani](https://en.wikipedia.org/wiki/Al_Sudani) said “we will end the presence of the coalition.”",
            "[[Al Sudani]] said “we will end the presence of the coalition.”",
            "_Al Sudani_ said “we will end the presence of the coalition.”",
            "- Al Sudani said “we will end the presence of the coalition.”",
            "> Al Sudani said “we will end the presence of the coalition.”",
        ] {
            assert_eq!(inline(note, Q), named("Al Sudani", "Al Sudani"), "{note}");
        }
        for note in [
            "“We will end the presence of the coalition,” Al Sudani said [@rt].",
            "“We will end the presence of the coalition” [@rt, p. 3] said Al Sudani.",
            "“We will end the presence of the coalition,” ([RT](https://rt.com/x)) Al Sudani said.",
            "“We will end the presence of the coalition,” [^1] Al Sudani said.",
        ] {
            assert_eq!(inline(note, W), named("Al Sudani", "Al Sudani"), "{note}");
        }
    }

    #[test]
    fn split_quotations_and_a_quotation_alone_after_a_cued_one() {
        let note = "“We will end the presence,” Al Sudani said, “of the coalition in Iraq.”";
        assert_eq!(
            inline(note, "We will end the presence,"),
            named("Al Sudani", "Al Sudani")
        );
        assert_eq!(
            inline(note, "of the coalition in Iraq."),
            named("Al Sudani", "Al Sudani")
        );
        let note =
            "“We will end the presence,” Al Sudani said. “The coalition has no reason to stay.”";
        assert_eq!(
            inline(note, "The coalition has no reason to stay."),
            named("Al Sudani", "Al Sudani")
        );
        // A quotation with words of its own sentence around it takes nothing from before.
        let note = "“We will end the presence,” Al Sudani said. Critics call “the coalition a guest” nonsense.";
        assert_eq!(inline(note, "the coalition a guest"), None);
    }

    #[test]
    fn roles_and_indefinite_descriptions() {
        let role = |s: &str| Some((s.to_string(), Role, None));
        let indefinite = |s: &str| Some((s.to_string(), Indefinite, None));
        assert_eq!(
            inline(
                "The Iraqi prime minister said “we will end the presence of the coalition.”",
                Q
            ),
            role("The Iraqi prime minister")
        );
        assert_eq!(
            inline(
                "“We will end the presence of the coalition,” the Iraqi prime minister stated on Friday.",
                W
            ),
            role("the Iraqi prime minister")
        );
        assert_eq!(
            inline(
                "Iraq’s prime minister said “we will end the presence of the coalition.”",
                Q
            ),
            role("Iraq’s prime minister")
        );
        assert_eq!(
            inline(
                "The prime minister of Iraq said “we will end the presence of the coalition.”",
                Q
            ),
            role("The prime minister of Iraq")
        );
        assert_eq!(
            inline(
                "A militia commander said “we will end the presence of the coalition.”",
                Q
            ),
            indefinite("A militia commander")
        );
        assert_eq!(
            inline(
                "“We will end the presence of the coalition,” an unnamed Iraqi negotiator told reporters.",
                W
            ),
            indefinite("an unnamed Iraqi negotiator")
        );
        assert_eq!(
            inline(
                "Iraqi officials said “we will end the presence of the coalition.”",
                Q
            ),
            indefinite("Iraqi officials")
        );
        assert_eq!(
            inline(
                "One woman wrote: “we will end the presence of the coalition.”",
                Q
            ),
            indefinite("One woman")
        );
        // No person at the head: no claim.
        assert_eq!(
            inline(
                "The report said “we will end the presence of the coalition.”",
                Q
            ),
            None
        );
    }

    #[test]
    fn pronouns_resolve_to_the_one_person_named_before() {
        let note = "Mohammed Shia al-Sudani spoke in Baghdad on Friday. He said “we will end the presence of the coalition.”";
        assert_eq!(
            inline(note, Q),
            Some(("He".into(), Pronoun, Some("Mohammed Shia al-Sudani".into())))
        );
        // After the quotation: its own words are no antecedent.
        let note = "President Joe Biden met reporters.\n\n“Donald Trump will end the presence of the coalition,” he said.";
        assert_eq!(
            inline(note, "Donald Trump will end the presence of the coalition,"),
            Some(("he".into(), Pronoun, Some("Joe Biden".into())))
        );
        // The fullest form of the name in the window.
        let note = "Prime Minister Mohammed Shia al-Sudani came to power in 2022. Last week al-Sudani went to Erbil. He said “we will end the presence of the coalition.”";
        assert_eq!(
            inline(note, Q).and_then(|c| c.2),
            Some("Mohammed Shia al-Sudani".into())
        );
        // Two persons in the last sentence naming any: unresolved.
        let note = "President Joe Biden met Prime Minister Mohammed Shia al-Sudani. He said “we will end the presence of the coalition.”";
        assert_eq!(inline(note, Q), Some(("He".into(), Pronoun, None)));
        // Nobody before it.
        assert_eq!(
            inline("He said “we will end the presence of the coalition.”", Q),
            Some(("He".into(), Pronoun, None))
        );
        // Front matter is not the note's text.
        let note =
            "---\nauthor: Joe Biden\n---\nHe said “we will end the presence of the coalition.”";
        assert_eq!(inline(note, Q), Some(("He".into(), Pronoun, None)));
    }

    #[test]
    fn names_that_are_not_subjects_of_speech_claim_nothing() {
        let d = "the deal of the century for everyone";
        for note in [
            "Trump’s “the deal of the century for everyone” failed.",
            "Washington accused Baghdad of “the deal of the century for everyone” on Friday.",
            "Trump called the plan “the deal of the century for everyone” on Friday.",
            "Al Sudani said Biden had called it “the deal of the century for everyone” on Friday.",
            "Al Sudani never said “the deal of the century for everyone” on Friday.",
            "Al Sudani didn’t say “the deal of the century for everyone” on Friday.",
            "Al Sudani denied saying “the deal of the century for everyone” on Friday.",
            "Al Sudani was told “the deal of the century for everyone” on Friday.",
            "Al Sudani used the phrase “the deal of the century for everyone” on Friday.",
            "Al Sudani said nothing about “the deal of the century for everyone” on Friday.",
            "Al Sudani spoke. Then “the deal of the century for everyone” was announced.",
            "The man who met Biden said “the deal of the century for everyone” on Friday.",
            "Nobody knows why “the deal of the century for everyone” failed.",
        ] {
            assert_eq!(inline(note, d), None, "{note}");
        }
    }

    #[test]
    fn a_capitalised_word_opening_a_sentence_needs_evidence_to_be_a_name() {
        for common in ["Reports", "Statement"] {
            let note = format!("{common} said “we will end the presence of the coalition.”");
            assert_eq!(inline(&note, Q), None, "{note}");
        }
        assert_eq!(
            inline(
                "Obama once said that “we will end the presence of the coalition.”",
                Q
            ),
            named("Obama", "Obama")
        );
        assert_eq!(
            inline(
                "Statement said “we will end the presence of the coalition.”",
                Q
            ),
            None
        );
        assert_eq!(
            inline(
                "Sudani said “we will end the presence of the coalition.” We asked Sudani again.",
                Q
            ),
            named("Sudani", "Sudani")
        );
        assert_eq!(
            inline(
                "CNN reported “we will end the presence of the coalition.”",
                Q
            ),
            named("CNN", "CNN")
        );
    }

    #[test]
    fn a_credit_line_names_the_blockquotes_speaker() {
        let words = "Parliament has voted to end the agreement.";
        for (note, surface, name) in [
            ("> Parliament has voted to end the agreement.\n> — DW, 6 January 2020 [@dw]\n", "DW", "DW"),
            ("> Parliament has voted to end the agreement.\n> -- President Obama\n", "President Obama", "Obama"),
            ("> Parliament has voted to end the agreement.\n> ― **Deutsche Welle**\n", "Deutsche Welle", "Deutsche Welle"),
            (
                "> Parliament has voted to end the agreement.\n>\n> The troops leave within a year.\n>\n> — Deutsche Welle, as quoted by Global Research [@gr]\n",
                "Deutsche Welle",
                "Deutsche Welle",
            ),
        ] {
            assert_eq!(claim_of(note, words, true), named(surface, name), "{note}");
        }
        let note = "> Parliament has voted to end the agreement.\n> — the Iraqi prime minister\n";
        assert_eq!(
            claim_of(note, words, true),
            Some(("the Iraqi prime minister".into(), Role, None))
        );
        // A dash inside the quotation's own line is no credit.
        let w = "Parliament has voted — DW reports — to end the agreement.";
        assert_eq!(claim_of(&format!("> {w}\n"), w, true), None);
    }

    #[test]
    fn a_label_before_a_colon_is_no_speaker() {
        // tests/hostile_filesystem.rs wrote notes like these; `Seed` was taken for a name
        // and the quotation given to the wrong speaker.
        for label in ["Seed", "Linked", "Inner", "Update", "Quote"] {
            let note = format!("{label}: “the words of the quotation here”.\n");
            assert_eq!(
                inline(&note, "the words of the quotation here"),
                None,
                "{label}"
            );
        }
        // A line before it is not part of the name (one Markdown paragraph all the same).
        assert_eq!(
            inline(
                "Draft\nCNN: “the words of the quotation here”.\n",
                "the words of the quotation here"
            ),
            named("CNN", "CNN")
        );
        assert_eq!(
            inline(
                "CNN: “the words of the quotation here”.\n",
                "the words of the quotation here"
            ),
            named("CNN", "CNN")
        );
        assert_eq!(
            inline(
                "Pat Ryder: “the words of the quotation here”.\n",
                "the words of the quotation here"
            ),
            named("Pat Ryder", "Pat Ryder")
        );
    }

    #[test]
    fn a_colon_introduction_names_the_blockquotes_speaker() {
        let w = "We will end the presence of the coalition.";
        let note = "Al Sudani told reporters:\n\n> We will end the presence of the coalition.\n";
        assert_eq!(claim_of(note, w, true), named("Al Sudani", "Al Sudani"));
        let note =
            "Things were tense. CNN would report:\n> We will end the presence of the coalition.\n";
        assert_eq!(claim_of(note, w, true), named("CNN", "CNN"));
        // Not a colon: nothing.
        let note = "Al Sudani told reporters.\n\n> We will end the presence of the coalition.\n";
        assert_eq!(claim_of(note, w, true), None);
        // A credit wins over the introduction.
        let note = "Al Sudani told reporters:\n\n> We will end the presence of the coalition.\n> — Pat Ryder\n";
        assert_eq!(claim_of(note, w, true), named("Pat Ryder", "Pat Ryder"));
    }

    #[test]
    fn conflicting_cues_before_and_after_claim_nothing() {
        let note = "President Biden told Al Sudani “we will end the presence of the coalition,” Trump said.";
        assert_eq!(
            inline(note, "we will end the presence of the coalition,"),
            None
        );
    }

    #[test]
    fn bad_ranges_and_odd_text_never_panic() {
        let note = "Al Sudani said “é”";
        assert_eq!(claim(note, 0..note.len() + 1, false), None);
        let (a, b) = (5, 2);
        assert_eq!(claim(note, a..b, false), None);
        let e = note.find('é').unwrap();
        assert_eq!(claim(note, e + 1..e + 2, false), None);
        for note in [
            "“",
            "”",
            "“”",
            ">",
            "— ",
            "\n\n“x”\n",
            "said “x” said",
            "> “x”\n> —\n",
            "a:\n> b\n",
        ] {
            for s in 0..=note.len() {
                for t in s..=note.len() {
                    let _ = claim(note, s..t, false);
                    let _ = claim(note, s..t, true);
                }
            }
        }
    }

    #[test]
    fn the_paragraph_is_all_that_is_read() {
        // The cue is in another paragraph, another list item, or past a blank line.
        assert_eq!(
            inline(
                "Al Sudani said\n\n“we will end the presence of the coalition.”",
                Q
            ),
            None
        );
        assert_eq!(
            inline(
                "- Al Sudani said\n- “we will end the presence of the coalition.”",
                Q
            ),
            None
        );
        assert_eq!(
            inline(
                "“We will end the presence of the coalition.”\n\nAl Sudani said so.",
                W
            ),
            None
        );
    }

    fn got(note: &str, words: &str) -> Option<String> {
        let start = note.find(words).expect("words in the note");
        claim(note, start..start + words.len(), false).map(|c| c.surface)
    }

    #[test]
    fn titles_quoted_after_a_preposition_and_compound_subjects_claim_nothing() {
        let t = "The Art of the Deal";
        assert_eq!(
            got("In “The Art of the Deal,” Trump wrote about deals.", t),
            None
        );
        assert_eq!(
            got(
                "The quote “The Art of the Deal” is often given to Trump.",
                t
            ),
            None
        );
        let q = "we will end the presence of the coalition";
        assert_eq!(
            got(
                "Trump and Biden said “we will end the presence of the coalition.”",
                q
            ),
            None
        );
        // `and` joining clauses is no compound subject.
        assert_eq!(
            got(
                "The troops left and Biden said “we will end the presence of the coalition.”",
                q
            ),
            Some("Biden".into())
        );
        assert_eq!(
            got(
                "This is what Al Sudani said: “we will end the presence of the coalition.”",
                q
            ),
            Some("Al Sudani".into())
        );
    }

    #[test]
    fn nouns_before_a_title_and_acronyms_belong_to_the_subject() {
        let q = "No vessel will be turned away";
        let role = |s: &str| Some((s.to_string(), Role, None));
        assert_eq!(
            inline(
                "The harbour master said “No vessel will be turned away”.",
                q
            ),
            role("The harbour master")
        );
        assert_eq!(
            inline(
                "According to the county engineer, “No vessel will be turned away”.",
                q
            ),
            role("the county engineer")
        );
        assert_eq!(
            inline(
                "Harbour master Ines Varga said “No vessel will be turned away”.",
                q
            ),
            named("Harbour master Ines Varga", "Ines Varga")
        );
        assert_eq!(
            inline(
                "The US State Department said “No vessel will be turned away”.",
                q
            ),
            named("The US State Department", "US State Department")
        );
        // A verb form before a title is no part of it.
        assert_eq!(
            inline(
                "Critics praised officials who said “No vessel will be turned away”.",
                q
            ),
            None
        );
    }

    #[test]
    fn told_whom_and_reported_clauses_before_the_quotation() {
        assert_eq!(
            got(
                "Mayor Kennedy told the programme “the bridge will reopen”.",
                "the bridge will reopen"
            ),
            Some("Mayor Kennedy".into())
        );
        assert_eq!(
            got(
                "Bush assured Shannon Spann that “our cause is just”.",
                "our cause is just"
            ),
            Some("Bush".into())
        );
        let v = "repeated violations of Iraqi sovereignty";
        assert_eq!(
            got(
                "Sistani said the US was guilty of “repeated violations of Iraqi sovereignty”.",
                v
            ),
            Some("Sistani".into())
        );
        assert_eq!(
            got("The prime minister said the US was guilty of “repeated violations of Iraqi sovereignty”.", v),
            Some("The prime minister".into())
        );
        // Still objects: no reported clause, or a naming verb, or a title after `the`.
        assert_eq!(
            got(
                "Sistani spoke of “repeated violations of Iraqi sovereignty”.",
                v
            ),
            None
        );
        assert_eq!(
            got(
                "Sistani told reporters about “repeated violations of Iraqi sovereignty”.",
                v
            ),
            None
        );
        assert_eq!(
            got(
                "Sistani said the US was accused of “repeated violations of Iraqi sovereignty”.",
                v
            ),
            None
        );
        assert_eq!(
            got(
                "Sistani watched the programme “repeated violations of Iraqi sovereignty”.",
                v
            ),
            None
        );
    }

    #[test]
    fn a_pronoun_after_a_name_with_a_particle() {
        let note = "Al Sudani was defiant. He said “we will end the presence of the coalition.”";
        assert_eq!(
            inline(note, Q),
            Some(("He".into(), Pronoun, Some("Al Sudani".into())))
        );
    }
}
