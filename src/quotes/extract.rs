//! Finding quotations and citations in a Markdown note.
//!
//! # Quotations
//!
//! A quotation is text between double quotation marks, or a blockquote paragraph. Code spans
//! and blocks, link URLs, HTML comments and front matter are never quotations. Every
//! convention of quotation marks is read:
//!
//! | marks | used in |
//! | --- | --- |
//! | `“…”`, straight `"…"` | English |
//! | `„…“`, `„…”` | German; Polish, Hungarian, Romanian… |
//! | `«…»`, `‹…›`, also with inner spaces (a space, U+00A0 or U+202F) | French, Italian… |
//! | `»…«`, `›…‹` | German, Danish |
//! | `”…”` | Swedish, Finnish |
//!
//! A quotation nested in another (single quotes `‘…’`, `‚…‘`, or an inner pair of another
//! style) stays in the outer one's text. Spaces just inside the marks are not part of a
//! quotation. An opening mark that never closes swallows nothing: the quotations after it
//! are found as if it were not there. Straight quotes open before a non-space (inside another
//! quotation, only after a space too) and close after a non-space or before a space; `”`, `»`
//! and `›` open only before a word; `“`, `«` and `‹` close `„`, `»` and `›` only right after a
//! word. The scan is one linear pass over each block:
//! closed pairs are recorded with the opener they sit in, and at the end of the block the pairs
//! whose enclosing openers all stayed open are the quotations.
//!
//! # Citations
//!
//! A citation is a Pandoc-style `[@key]` (also `[see @a, p. 3; @b]`) or a Markdown link to a
//! source file. The keys of one bracket form a *group* (they share [`Citation::range`]); a
//! link is a group of one. [`Quote::citations`] holds every citation that applies to a
//! quotation, in note order; any of them may be its source.
//!
//! - An inline quotation takes the first group that follows its closing mark within its
//!   sentence: `“A,” the minister said, “B” [@key].` gives `key` to both parts, and
//!   `“A” [@x] and “B” [@y].` gives `x` to A and `y` to B. A sentence ends at `.`, `!` or `?`
//!   followed by a space, including one just inside the closing mark: in
//!   `DW added: “We will leave.” Others disagree [@b].` the citation belongs to the second
//!   sentence. A group right after the closing mark, with nothing but spaces (and an opening
//!   parenthesis) between (`“We will leave.” [@x]`, `“We will leave.” ([DW](https://…))`),
//!   still belongs to the quotation.
//! - A blockquote quotation takes every citation of its blockquote, credit lines included.
//!
//! At most [`MAX_CITATIONS`] apply to one quotation: the first ones of a group; in a
//! blockquote with more (a list of separately cited passages, not one quotation), those of
//! the quotation's own paragraph, or if it has none those from the next cited paragraph on.
//!
//! # Blockquotes
//!
//! Each paragraph of a blockquote is a quotation, ending at its first citation and without
//! enclosing quotation marks. A *credit line*, the paragraph's last source line when it starts
//! with `—`, `―`, `–` or `--`, is not part of it, nor is a paragraph that starts with one of
//! those dashes; a dash inside a line the quotation carries is kept
//! (`> The general insisted on Monday — we will retreat.` is checked whole).
//!
//! A callout or admonition is not a quotation: a blockquote whose first paragraph starts with
//! `[!NOTE]`, `[!tip]`, `[!Warning]`… (GitHub alerts, Obsidian callouts, any case), or with a
//! bold label (`**Editor:**`, `**Note**:`, or a line of its own `**Note**`, `**Warning**`…).
//! Its paragraphs are read like any other paragraph. Obsidian's `[!quote]` and `[!cite]`
//! callouts are quotations: their header line (`> [!quote] Title`) is left out.
//!
//! Everything here is linear or n·log n in the size of the note: code spans, citations and
//! sentence ends are found once per block and looked up with cursors or binary search.

use crate::text::markdown::{self, Block, BlockKind};
use crate::text::normalize::normalize;
use crate::text::quotemarks::{quotation_marks, trim_spaces};
use crate::text::words;
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

/// How a quotation was marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteKind {
    /// Between quotation marks.
    Inline,
    /// A blockquote paragraph.
    Block,
}

/// What a citation names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitationTarget {
    /// `[@key]`: a file stem or front matter `id`.
    Key(String),
    /// `[text](path)`: a link destination (relative to the note, fragment removed).
    Link(String),
    /// `[text](https://…)`: a web page, as written (compared by its
    /// [`url_key`](crate::corpus::url_key::url_key) with the pages the sources hold).
    Url(String),
}

/// A citation in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub target: CitationTarget,
    /// Byte range in the note: the whole `[@key]` bracket (the same for every key of a
    /// `[@a; @b]` group), or the link text.
    pub range: Range<usize>,
    /// Byte range in the note of the key itself (after `@`), for keys.
    pub key_range: Option<Range<usize>>,
}

/// A quotation in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words as the reader sees them (markup removed, marks excluded).
    pub text: String,
    /// Byte range in the note of the quoted text (inside the quotation marks).
    pub range: Range<usize>,
    /// Byte ranges in the note for each byte run of `text` (its offset map, flattened to
    /// what callers need: see [`Quote::note_range`]).
    map: crate::text::OffsetMap,
    pub kind: QuoteKind,
    /// Every citation that applies to the quotation, in note order: the whole group after an
    /// inline quotation, every citation of a blockquote (see the module doc), at most
    /// [`MAX_CITATIONS`]. Each one is a candidate source.
    pub citations: Vec<Citation>,
    /// Number of words (to tell quotations from scare quotes).
    pub words: usize,
    /// Who the note says said it (`Al Sudani said “…”`, a `— Name` credit), if it says.
    pub claim: Option<crate::speakers::Claim>,
}

impl Citation {
    /// The citation as written: the key, or the link destination.
    pub fn written(&self) -> &str {
        match &self.target {
            CitationTarget::Key(k) => k,
            CitationTarget::Link(l) | CitationTarget::Url(l) => l,
        }
    }
}

impl Quote {
    /// Byte range in the note of a byte range of [`Quote::text`].
    pub fn note_range(&self, r: Range<usize>) -> Range<usize> {
        self.map.range(r)
    }
}

/// Everything found in a note.
#[derive(Debug, Clone, Default)]
pub struct NoteScan {
    /// Quotations with at least `min_words` words, in note order.
    pub quotes: Vec<Quote>,
    /// Every citation in the note, whether it follows a quote or not (a link to a web page
    /// only when it does).
    pub citations: Vec<Citation>,
}

static CITE_BRACKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[^\[\]]*@[^\[\]]*\]").expect("regex"));
static CITE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s;\[-])@([\p{L}\p{N}_][\p{L}\p{N}_:.#$%&+?<>~/-]*)").expect("regex")
});
/// The end of a sentence: its punctuation, closing marks and brackets, then a space.
static SENTENCE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"[.!?]['"’”“»«›‹)\]]*(?:\s|$)"#).expect("regex"));

/// At most this many citations apply to one quotation (see the module doc): no real note
/// comes close, and it keeps a hostile note (thousands of quotations sharing a group or a
/// blockquote of thousands of keys) from costing quotations × citations.
pub const MAX_CITATIONS: usize = 16;

/// A citation and the range of its block's text it was read from.
struct Cite {
    citation: Citation,
    at: Range<usize>,
}

/// What a blockquote holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blockquote {
    /// Quotations: each paragraph (credit lines aside) is one.
    Quotation,
    /// An Obsidian `[!quote]` or `[!cite]` callout: quotations once its header line is dropped.
    QuoteCallout,
    /// A callout, admonition or labelled note: its paragraphs read like any other.
    Callout,
}

/// A blockquote: what it holds, its first block and all its citations (with their blocks).
struct BlockquoteInfo {
    kind: Blockquote,
    first: usize,
    citations: Vec<(usize, Citation)>,
}

impl BlockquoteInfo {
    /// The citations that apply to a quotation in block `i`: all of them, or when there are
    /// more than [`MAX_CITATIONS`], those of block `i` if it has any, else as many as allowed
    /// from the next one on.
    fn citations_for(&self, i: usize) -> Vec<Citation> {
        let all = &self.citations;
        if all.len() <= MAX_CITATIONS {
            return all.iter().map(|(_, c)| c.clone()).collect();
        }
        let next = all.partition_point(|(b, _)| *b < i);
        let own = all.get(next).is_some_and(|(b, _)| *b == i);
        let from = if own {
            next
        } else {
            next.min(all.len() - MAX_CITATIONS)
        };
        all[from..]
            .iter()
            .take(MAX_CITATIONS)
            .take_while(|(b, _)| !own || *b == i)
            .map(|(_, c)| c.clone())
            .collect()
    }
}

/// Scan a note. `min_words`: shorter quotations are scare quotes and left out.
pub fn scan(note: &str, min_words: usize) -> NoteScan {
    let doc = markdown::parse(note);
    let cites: Vec<Vec<Cite>> = doc
        .blocks
        .iter()
        .map(|b| match b.kind {
            BlockKind::Code => Vec::new(),
            _ => citations_in(b),
        })
        .collect();
    // Each blockquote's kind (from its first block) and citations (from all its blocks).
    let mut blockquotes: HashMap<usize, BlockquoteInfo> = HashMap::new();
    for (i, (block, cites)) in doc.blocks.iter().zip(&cites).enumerate() {
        if let Some(id) = block.blockquote {
            let info = blockquotes.entry(id).or_insert_with(|| BlockquoteInfo {
                kind: blockquote_kind(block),
                first: i,
                citations: Vec::new(),
            });
            info.citations
                .extend(cites.iter().map(|c| (i, c.citation.clone())));
        }
    }
    let mut out = NoteScan::default();
    for (i, (block, cites)) in doc.blocks.iter().zip(cites).enumerate() {
        if block.kind == BlockKind::Code {
            continue;
        }
        match block.blockquote.and_then(|id| blockquotes.get(&id)) {
            Some(info) if info.kind != Blockquote::Callout => {
                let header = info.kind == Blockquote::QuoteCallout && info.first == i;
                for r in blockquote_paragraph(block, &cites, header) {
                    let mut q = make_quote(block, r, QuoteKind::Block);
                    if q.words >= min_words.max(1) {
                        q.citations = info.citations_for(i);
                        out.quotes.push(q);
                    }
                }
            }
            _ => {
                for (r, group) in inline_quotes(block, &cites) {
                    let mut q = make_quote(block, r, QuoteKind::Inline);
                    if q.words >= min_words {
                        q.citations = cites[group]
                            .iter()
                            .take(MAX_CITATIONS)
                            .map(|c| c.citation.clone())
                            .collect();
                        out.quotes.push(q);
                    }
                }
            }
        }
        out.citations.extend(cites.into_iter().map(|c| c.citation));
    }
    // A link to a web page is a citation only after a quotation ("see [this
    // thread](https://…)" cites nothing).
    let cited: std::collections::HashSet<usize> = out
        .quotes
        .iter()
        .flat_map(|q| &q.citations)
        .map(|c| c.range.start)
        .collect();
    out.citations
        .retain(|c| !matches!(c.target, CitationTarget::Url(_)) || cited.contains(&c.range.start));
    for q in &mut out.quotes {
        q.claim = crate::speakers::claim(note, q.range.clone(), q.kind == QuoteKind::Block);
    }
    out
}

fn word_count(text: &str) -> usize {
    words(&normalize(text).text).count()
}

fn make_quote(block: &Block, r: Range<usize>, kind: QuoteKind) -> Quote {
    let text = block.text[r.clone()].to_string();
    Quote {
        words: word_count(&text),
        range: block.map.range(r.clone()),
        map: block.map.slice(r),
        text,
        kind,
        citations: Vec::new(),
        claim: None,
    }
}

/// Citations in a block, in order: `[@key]` groups (outside code spans) and links to files.
fn citations_in(block: &Block) -> Vec<Cite> {
    let mut out = Vec::new();
    let mut spans = block.code_spans.iter().peekable();
    for m in CITE_BRACKET.find_iter(&block.text) {
        while spans.next_if(|c| c.end <= m.start()).is_some() {}
        if spans.peek().is_some_and(|c| c.start < m.end()) {
            continue;
        }
        for c in CITE_KEY.captures_iter(m.as_str()) {
            let k = c.get(1).expect("group");
            let key = k.as_str().trim_end_matches(['.', ':', ',', '?', '!']);
            let kr = m.start() + k.start()..m.start() + k.start() + key.len();
            out.push(Cite {
                citation: Citation {
                    target: CitationTarget::Key(key.to_string()),
                    range: block.map.range(m.range()),
                    key_range: Some(block.map.range(kr)),
                },
                at: m.range(),
            });
        }
    }
    for link in &block.links {
        let target = if crate::corpus::url_key::url_key(&link.dest).is_some() {
            CitationTarget::Url(link.dest.trim().to_string())
        } else {
            let dest = link.dest.split('#').next().unwrap_or_default();
            if dest.is_empty() || dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            if crate::corpus::Format::of(std::path::Path::new(dest)).is_none() {
                continue;
            }
            CitationTarget::Link(dest.to_string())
        };
        out.push(Cite {
            citation: Citation {
                target,
                range: block.map.range(link.text.clone()),
                key_range: None,
            },
            at: link.text.clone(),
        });
    }
    // Stable: the keys of a bracket keep their order.
    out.sort_by_key(|c| c.at.start);
    out
}

/// Whether a quotation's text ends its sentence (`.`, `!` or `?` before the closing mark).
fn ends_sentence(quoted: &str) -> bool {
    quoted
        .trim_end_matches(|c: char| c.is_whitespace() || "'’\"”“»«›‹)]".contains(c))
        .ends_with(['.', '!', '?'])
}

/// Quotations between quotation marks in a (non-blockquote) block, each with the indices in
/// `cites` of the citation group that applies to it (see the module doc).
fn inline_quotes(block: &Block, cites: &[Cite]) -> Vec<(Range<usize>, Range<usize>)> {
    let text = &block.text;
    let marks = quotation_marks(text, &block.code_spans);
    if marks.is_empty() {
        return Vec::new();
    }
    let sentence_ends: Vec<usize> = SENTENCE_END.find_iter(text).map(|m| m.start()).collect();
    let mut groups: Vec<Range<usize>> = Vec::new();
    for (k, c) in cites.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if cites[g.start].at == c.at => g.end = k + 1,
            _ => groups.push(k..k + 1),
        }
    }
    marks
        .into_iter()
        .map(|(r, after)| {
            let next = groups.partition_point(|g| cites[g.start].at.start < after);
            let applies = groups.get(next).is_some_and(|g| {
                let at = cites[g.start].at.start;
                if ends_sentence(&text[r.clone()]) {
                    // `“We will leave.” [@x]`, `“We will leave.” ([DW](https://…))`
                    text[after..at]
                        .chars()
                        .all(|c| c.is_whitespace() || c == '(')
                } else {
                    let e = sentence_ends.partition_point(|&s| s < after);
                    sentence_ends.get(e).is_none_or(|&end| at < end)
                }
            });
            let group = match groups.get(next) {
                Some(g) if applies => g.clone(),
                _ => 0..0,
            };
            (r, group)
        })
        .collect()
}

/// A dash that starts a credit line (`— Name`).
fn starts_with_dash(s: &str) -> bool {
    s.trim_start().starts_with(['—', '―', '–']) || s.trim_start().starts_with("--")
}

/// What a blockquote holds, from its first block.
fn blockquote_kind(first: &Block) -> Blockquote {
    let text = first.text.trim_start();
    // `[!NOTE]`, `[!quote]+ Title`…
    if let Some(name) = text
        .strip_prefix("[!")
        .and_then(|rest| rest.split_once(']'))
        .map(|(name, _)| name)
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
    {
        return if name.eq_ignore_ascii_case("quote") || name.eq_ignore_ascii_case("cite") {
            Blockquote::QuoteCallout
        } else {
            Blockquote::Callout
        };
    }
    // A bold label: `**Editor:**`, `**Note**:`, or `**Note**` alone on the first line.
    let lead = first.text.len() - text.len();
    if let Some(s) = first.strong.iter().find(|s| s.start == lead) {
        let label = first.text[s.clone()].trim();
        let rest = &first.text[s.end..];
        let colon = label.ends_with(':') || rest.starts_with(':');
        let own_line = rest.is_empty() || first.line_starts.contains(&(s.end + 1));
        let alert = ["note", "tip", "important", "warning", "caution", "info"]
            .iter()
            .any(|a| label.eq_ignore_ascii_case(a));
        if (colon && (1..=4).contains(&word_count(label))) || (own_line && alert) {
            return Blockquote::Callout;
        }
    }
    Blockquote::Quotation
}

/// A blockquote paragraph as one quotation: up to its first citation, without a credit line
/// (`— Name` on a line of its own), enclosing quotation marks, or (`header`) its first line.
/// `None` for a credit paragraph or when nothing is left.
fn blockquote_paragraph(block: &Block, cites: &[Cite], header: bool) -> Vec<Range<usize>> {
    let text = &block.text;
    let mut start = 0;
    if header {
        start = block.line_starts.get(1).copied().unwrap_or(text.len());
    }
    // The stretches between citations: `> A [@x]. B.` quotes A and B (no text is lost
    // after a citation in the middle of a paragraph).
    let mut stretches = Vec::new();
    let mut from = start;
    for c in &cites[cites.partition_point(|c| c.at.start < start)..] {
        if c.at.start >= from {
            stretches.push(from..c.at.start);
            from = c.at.end;
        }
    }
    stretches.push(from..text.len());
    stretches
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| {
            // After a citation, the sentence's punctuation is not part of what follows.
            let lead = if i == 0 {
                0
            } else {
                let rest = &text[r.clone()];
                rest.len()
                    - rest
                        .trim_start_matches(|c: char| c.is_whitespace() || ".,;:)]".contains(c))
                        .len()
            };
            stretch_quotation(block, r.start + lead..r.end)
        })
        .collect()
}

/// One stretch of a blockquote paragraph (no citation inside) as a quotation, without a
/// credit line or enclosing quotation marks; `None` if nothing of it is quoted.
fn stretch_quotation(block: &Block, stretch: Range<usize>) -> Option<Range<usize>> {
    let text = &block.text;
    let lines = &block.line_starts;
    let mut start = stretch.start;
    let mut end = stretch.end;
    if start >= end || starts_with_dash(&text[start..end]) {
        return None;
    }
    // A credit line: the last line left, when it starts with a dash and is not the first.
    let last = text[..end].trim_end().len();
    if last > start {
        let line = lines[lines.partition_point(|&l| l < last) - 1];
        if line > start && starts_with_dash(&text[line..end]) {
            end = line;
        }
    }
    let trimmed =
        text[start..end].trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '(');
    end = start + trimmed.len();
    start += trimmed.len() - trimmed.trim_start().len();
    // Enclosing quotation marks, and the spaces inside them.
    let inner = &text[start..end];
    for (open, close) in [
        ('“', '”'),
        ('"', '"'),
        ('„', '“'),
        ('„', '”'),
        ('«', '»'),
        ('»', '«'),
        ('‹', '›'),
        ('›', '‹'),
        ('”', '”'),
    ] {
        if inner.starts_with(open)
            && inner.ends_with(close)
            && inner.len() > open.len_utf8() + close.len_utf8()
        {
            let r = trim_spaces(text, start + open.len_utf8()..end - close.len_utf8());
            (start, end) = (r.start, r.end);
            break;
        }
    }
    (start < end).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_citation_in_the_middle_of_a_blockquote_paragraph_loses_no_text() {
        assert_eq!(
            quotes(
                "> The army left the city on Monday [@a]. The navy stayed in port all week [@b].\n"
            ),
            [
                (
                    "The army left the city on Monday".to_string(),
                    Some("a".to_string())
                ),
                (
                    "The navy stayed in port all week".to_string(),
                    Some("a".to_string())
                ),
            ]
        );
    }

    fn quotes(note: &str) -> Vec<(String, Option<String>)> {
        scan(note, 4)
            .quotes
            .into_iter()
            .map(|q| {
                let cite = q.citations.first().map(|c| c.written().to_string());
                (q.text, cite)
            })
            .collect()
    }

    /// The keys or link paths of a quote's citations.
    fn keys(q: &Quote) -> Vec<String> {
        q.citations
            .iter()
            .map(|c| c.written().to_string())
            .collect()
    }

    /// Each quote as the note's bytes it covers, with all its citations.
    fn cited(note: &str) -> Vec<(&str, Vec<String>)> {
        scan(note, 4)
            .quotes
            .iter()
            .map(|q| (&note[q.range.clone()], keys(q)))
            .collect()
    }

    fn none() -> Vec<String> {
        Vec::new()
    }

    fn one(key: &str) -> Vec<String> {
        vec![key.to_string()]
    }

    #[test]
    fn straight_and_curly_quotes_with_ranges() {
        let note =
            "He said \"we will leave the country now\" and “they ‘stay’ in the base” [@src].\n";
        let scan = scan(note, 4);
        assert_eq!(scan.quotes.len(), 2);
        assert_eq!(
            &note[scan.quotes[0].range.clone()],
            "we will leave the country now"
        );
        assert_eq!(
            &note[scan.quotes[1].range.clone()],
            "they ‘stay’ in the base"
        );
        // Both quotations are in the sentence the citation ends (issue 14: each takes the
        // first citation group after it in its sentence; it used to go to the last one only).
        assert_eq!(keys(&scan.quotes[0]), ["src"]);
        assert_eq!(keys(&scan.quotes[1]), ["src"]);
        let c = &scan.quotes[1].citations[0];
        assert_eq!(&note[c.range.clone()], "[@src]");
        assert_eq!(&note[c.key_range.clone().unwrap()], "src");
    }

    #[test]
    fn scare_quotes_code_and_comments_are_skipped() {
        let note = "A \"so-called\" war. `\"not a quote in code at all\"`\n\n```\n\"not in a block either ok\"\n```\n\n<!-- \"nor in a comment here\" -->\n";
        assert!(quotes(note).is_empty());
        assert_eq!(scan("A \"so-called\" word", 1).quotes.len(), 1);
    }

    #[test]
    fn citation_must_be_in_the_same_sentence() {
        let note = "“The strikes come one day after” it said. Later [@b].\n\n“Another quote with four words,” he wrote, citing [the report](sources/r.md#p2).";
        assert_eq!(
            quotes(note),
            [
                ("The strikes come one day after".into(), None),
                (
                    "Another quote with four words,".into(),
                    Some("sources/r.md".into())
                )
            ]
        );
    }

    #[test]
    fn a_citation_in_parentheses_right_after_a_closing_sentence_is_the_quotations() {
        let note = "DW added: “We will leave the country soon.” ([DW](https://dw.com/a)).\n\n\
                    DW added: “We will leave the country soon.” (see below) [@x].\n";
        let scan = scan(note, 4);
        let [first, second] = &scan.quotes[..] else {
            panic!("{:?}", scan.quotes);
        };
        assert_eq!(
            first
                .citations
                .iter()
                .map(Citation::written)
                .collect::<Vec<_>>(),
            ["https://dw.com/a"]
        );
        // Words between: the citation is the next sentence's.
        assert!(second.citations.is_empty(), "{:?}", second.citations);
    }

    #[test]
    fn a_link_to_a_web_page_after_a_quotation_cites_it() {
        let note = "He said “the strikes will go on as long as needed” ([AP](https://apnews.com/a?utm_source=x)).\n\nSee [the thread](https://x.com/y) and “another quotation of five words” [here](mailto:a@b.c).\n";
        let scan = scan(note, 4);
        let [first, second] = &scan.quotes[..] else {
            panic!("{:?}", scan.quotes);
        };
        let [c] = &first.citations[..] else {
            panic!("{:?}", first.citations);
        };
        assert_eq!(
            c.target,
            CitationTarget::Url("https://apnews.com/a?utm_source=x".into())
        );
        assert_eq!(&note[c.range.clone()], "AP");
        // A mail link is no citation.
        assert!(second.citations.is_empty(), "{:?}", second.citations);
        // A link to a web page that follows no quotation cites nothing.
        assert_eq!(scan.citations, vec![c.clone()]);
    }

    #[test]
    fn blockquotes_are_quotes_with_their_citation_and_attribution_removed() {
        let note = "Intro.\n\n> Parliament has voted to ask the government\n> to end an agreement.\n>\n> — DW [@002]\n\nAfter.\n";
        assert_eq!(
            quotes(note),
            [(
                "Parliament has voted to ask the government to end an agreement.".into(),
                Some("002".into())
            )]
        );
        let scan = scan(note, 4);
        let q = &scan.quotes[0];
        assert_eq!(
            &note[q.range.clone()],
            "Parliament has voted to ask the government\n> to end an agreement."
        );
    }

    #[test]
    fn quote_spanning_a_link_keeps_its_text_and_front_matter_is_ignored() {
        let note = "---\ntitle: \"not a quote in front matter\"\n---\nSee “[US conducts airstrikes against](http://x) militia sites” here.";
        assert_eq!(
            quotes(note),
            [("US conducts airstrikes against militia sites".into(), None)]
        );
    }

    #[test]
    fn a_dash_inside_a_blockquote_line_is_part_of_the_quotation() {
        assert_eq!(
            cited("> The general insisted on Monday — we will retreat. [@dw]\n"),
            [(
                "The general insisted on Monday — we will retreat.",
                one("dw")
            )]
        );
        // Fewer than four words before the dash: the blockquote used to vanish.
        assert_eq!(
            cited("> We stay — the general said so on Monday.\n"),
            [("We stay — the general said so on Monday.", none())]
        );
        assert_eq!(
            cited("> We go -- and they stay here.\n"),
            [("We go -- and they stay here.", none())]
        );
        // A dash that starts a wrapped line other than the last is the quotation's too.
        let note = "> We will retreat\n> — said nobody — and the army\n> stays in the north.\n";
        assert_eq!(
            cited(note),
            [(
                "We will retreat\n> — said nobody — and the army\n> stays in the north.",
                none()
            )]
        );
    }

    #[test]
    fn a_credit_line_of_its_own_is_left_out() {
        for dash in ["—", "―", "–", "--"] {
            let note = format!(
                "> Parliament has voted to end the agreement.\n> {dash} DW, 6 January 2020 [@dw]\n"
            );
            assert_eq!(
                cited(&note),
                [("Parliament has voted to end the agreement.", one("dw"))],
                "{dash}"
            );
        }
        // The citation on a line of its own after the credit line.
        let note = "> Parliament has voted to end the agreement.\n> — DW\n> [@dw]\n";
        assert_eq!(
            cited(note),
            [("Parliament has voted to end the agreement.", one("dw"))]
        );
    }

    #[test]
    fn a_credit_paragraph_is_not_a_quotation_and_its_citations_apply() {
        let note = "> The government will end the agreement with the coalition.\n>\n> The troops leave within a year.\n>\n> — Deutsche Welle, 6 January 2020, as quoted by Global Research [@gr; @dw]\n";
        let scan = scan(note, 4);
        let got: Vec<_> = scan
            .quotes
            .iter()
            .map(|q| (&note[q.range.clone()], keys(q)))
            .collect();
        let both = vec!["gr".to_string(), "dw".to_string()];
        assert_eq!(
            got,
            [
                (
                    "The government will end the agreement with the coalition.",
                    both.clone()
                ),
                ("The troops leave within a year.", both)
            ]
        );
        assert_eq!(scan.citations.len(), 2);
    }

    #[test]
    fn callouts_and_labelled_notes_are_not_quotations() {
        for header in [
            "[!NOTE]",
            "[!tip]",
            "[!Warning]-",
            "[!info] Background",
            "**Editor:**",
            "**Note**:",
            "__Editor:__",
            "**Note**\n>",
        ] {
            let note = format!(
                "> {header} The minister said “we will leave in March” [@a]. This part is not quoted at all.\n>\n> Nor is “this other phrase here” [@b].\n"
            );
            assert_eq!(
                cited(&note),
                [
                    ("we will leave in March", one("a")),
                    ("this other phrase here", one("b"))
                ],
                "{header}"
            );
        }
        // Bold text that is no label leaves a quotation a quotation.
        assert_eq!(
            cited("> **We will leave** the country in March.\n"),
            [("We will leave** the country in March.", none())]
        );
    }

    #[test]
    fn quote_and_cite_callouts_are_quotations_without_their_header() {
        let note = "> [!quote] Deutsche Welle, 6 January\n> Parliament has voted to end the agreement.\n> — DW [@dw]\n";
        assert_eq!(
            cited(note),
            [("Parliament has voted to end the agreement.", one("dw"))]
        );
        let note = "> [!CITE]+\n>\n> Parliament has voted to end the agreement.\n>\n> [@dw]\n";
        assert_eq!(
            cited(note),
            [("Parliament has voted to end the agreement.", one("dw"))]
        );
    }

    #[test]
    fn a_citation_group_applies_whole_to_every_part_of_a_split_quotation() {
        let note = "“We will leave the country,” the minister said, “and never come back” [@a; see @b, p. 3].";
        let scan = scan(note, 4);
        assert_eq!(scan.quotes.len(), 2);
        for q in &scan.quotes {
            assert_eq!(keys(q), ["a", "b"]);
            let [a, b] = &q.citations[..] else {
                panic!("two citations")
            };
            assert_eq!(&note[a.range.clone()], "[@a; see @b, p. 3]");
            assert_eq!(a.range, b.range);
            assert_eq!(&note[a.key_range.clone().unwrap()], "a");
            assert_eq!(&note[b.key_range.clone().unwrap()], "b");
        }
        assert_eq!(
            cited("“We will leave the base” [@x] and “they will stay in town” [@y]."),
            [
                ("We will leave the base", one("x")),
                ("they will stay in town", one("y"))
            ]
        );
        assert_eq!(
            cited("“We will leave the base” and “they will stay in town” ([DW](s/dw.md)) [@y]."),
            [
                ("We will leave the base", one("s/dw.md")),
                ("they will stay in town", one("s/dw.md"))
            ]
        );
    }

    #[test]
    fn a_sentence_ending_inside_the_marks_ends_the_quotes_sentence() {
        assert_eq!(
            cited("DW added: “The move would oust all foreign soldiers.” Inlakesh argues otherwise [@001]."),
            [("The move would oust all foreign soldiers.", none())]
        );
        for note in [
            "“We will leave the country.” [@x]",
            "“Will we leave the country?” [@x] he asked.",
            "(„Wir werden das Land verlassen!“ [@x])",
            "« Nous allons quitter le pays. » [@x]",
        ] {
            assert_eq!(cited(note)[0].1, one("x"), "{note}");
        }
        // Nothing but spaces may stand between: a word ends the quote's sentence.
        assert_eq!(
            cited("“We will leave the country.” He said [@x].")[0].1,
            none()
        );
    }

    #[test]
    fn every_quotation_mark_convention() {
        let cases: [(&str, &[&str]); 11] = [
            (
                "„Wir werden das Land verlassen“, sagte er. „Die Truppen bleiben hier“ [@de].",
                &["Wir werden das Land verlassen", "Die Truppen bleiben hier"],
            ),
            (
                "„Wycofamy się z kraju natychmiast” – powiedział. „Wojsko zostaje w bazie”.",
                &["Wycofamy się z kraju natychmiast", "Wojsko zostaje w bazie"],
            ),
            (
                "« Nous allons quitter le pays » a dit le ministre, «sans aucun doute possible».",
                &["Nous allons quitter le pays", "sans aucun doute possible"],
            ),
            (
                "«\u{a0}Nous allons quitter le pays\u{a0}» et «\u{202f}sans aucun doute possible\u{202f}».",
                &["Nous allons quitter le pays", "sans aucun doute possible"],
            ),
            (
                "Il a dit ‹ nous allons quitter le pays › hier.",
                &["nous allons quitter le pays"],
            ),
            (
                "»Wir werden das Land verlassen«, sagte er, »und nie wieder zurückkommen«.",
                &["Wir werden das Land verlassen", "und nie wieder zurückkommen"],
            ),
            (
                "Han sagde ›vi forlader landet i morgen‹ i går.",
                &["vi forlader landet i morgen"],
            ),
            (
                "”Vi kommer att lämna landet”, sa han. ”Trupperna stannar i basen.”",
                &["Vi kommer att lämna landet", "Trupperna stannar i basen."],
            ),
            (
                "He said “we will ‘never’ leave the „old“ base” and «nous ‹partons› demain matin».",
                &[
                    "we will ‘never’ leave the „old“ base",
                    "nous ‹partons› demain matin",
                ],
            ),
            (
                "»Er sagte ›wir gehen‹ morgen früh weg«, und „sie sagte ‚nein‘ dazu heute“.",
                &[
                    "Er sagte ›wir gehen‹ morgen früh weg",
                    "sie sagte ‚nein‘ dazu heute",
                ],
            ),
            (
                "He said \"we will leave the country\" and “the ‚old‘ base \"stays\" open” too.",
                &[
                    "we will leave the country",
                    "the ‚old‘ base \"stays\" open",
                ],
            ),
        ];
        for (note, expected) in cases {
            let got: Vec<&str> = cited(note).into_iter().map(|(q, _)| q).collect();
            assert_eq!(got, expected, "{note}");
        }
        assert_eq!(
            cited("„Wir werden das Land verlassen“, sagte er. „Die Truppen bleiben hier“ [@de].")
                [1]
            .1,
            one("de")
        );
    }

    #[test]
    fn an_opener_that_never_closes_swallows_nothing() {
        for opener in ["“", "„", "«", "»", "\""] {
            let note = format!(
                "He said {opener}we will leave. Later: “the troops stay in the base” and „der Krieg geht weiter“ [@x]."
            );
            assert_eq!(
                cited(&note),
                [
                    ("the troops stay in the base", one("x")),
                    ("der Krieg geht weiter", one("x"))
                ],
                "{opener}"
            );
        }
        // An unclosed opener inside a quotation that closes stays in its text.
        assert_eq!(
            cited("«Nous “partons demain matin sans faute» dit-il.")
                .into_iter()
                .map(|(q, _)| q)
                .collect::<Vec<_>>(),
            ["Nous “partons demain matin sans faute"]
        );
    }

    #[test]
    fn marks_in_code_spans_are_skipped_in_long_notes() {
        let mut note = String::new();
        for i in 0..5_000 {
            note.push_str(&format!(
                "see `“code {i}` and “four words quoted {i}” `x”` [@k{i}] "
            ));
        }
        let scan = scan(&note, 4);
        assert_eq!(scan.quotes.len(), 5_000);
        assert_eq!(scan.citations.len(), 5_000);
        for (i, q) in scan.quotes.iter().enumerate() {
            assert_eq!(&note[q.range.clone()], format!("four words quoted {i}"));
            assert_eq!(keys(q), [format!("k{i}")]);
        }
    }

    #[test]
    fn many_citations_and_an_unclosed_opener_in_one_paragraph() {
        let mut note = String::from("It began “and never ended ");
        for i in 0..3_000 {
            note.push_str(&format!("and « quote number {i} here » [@a{i}; @b{i}] "));
        }
        let scan = scan(&note, 4);
        assert_eq!(scan.quotes.len(), 3_000);
        assert_eq!(scan.citations.len(), 6_000);
        for (i, q) in scan.quotes.iter().enumerate() {
            assert_eq!(&note[q.range.clone()], format!("quote number {i} here"));
            assert_eq!(keys(q), [format!("a{i}"), format!("b{i}")]);
        }
        // A blockquote full of citations: every stretch between them is a quotation, each
        // with at most the cap of the blockquote's citations.
        let mut note = String::new();
        for i in 0..3_000 {
            note.push_str(&format!("> the quoted text {i} [@k{i}]\n"));
        }
        let block = super::scan(&note, 4);
        assert_eq!(block.quotes.len(), 3_000);
        for (i, q) in block.quotes.iter().enumerate() {
            assert_eq!(&note[q.range.clone()], format!("the quoted text {i}"));
            assert_eq!(q.citations.len(), MAX_CITATIONS);
        }
        assert_eq!(block.citations.len(), 3_000);
    }

    #[test]
    fn thousands_of_quotations_sharing_citations_take_at_most_the_cap() {
        // Quotations sharing one group of 3,000 keys: the group's first keys.
        let mut note = String::new();
        for i in 0..3_000 {
            note.push_str(&format!("“we will leave {i}” "));
        }
        note.push('[');
        for i in 0..3_000 {
            note.push_str(&format!("@k{i}; "));
        }
        note.push_str("].");
        let scan = scan(&note, 4);
        assert_eq!(scan.quotes.len(), 3_000);
        assert_eq!(scan.citations.len(), 3_000);
        let first: Vec<String> = (0..MAX_CITATIONS).map(|i| format!("k{i}")).collect();
        assert!(scan.quotes.iter().all(|q| keys(q) == first));
        // A blockquote of 3,000 cited paragraphs: each takes its own citation.
        let mut note = String::new();
        for i in 0..3_000 {
            note.push_str(&format!("> the quoted text {i} [@k{i}]\n>\n"));
        }
        let scan = super::scan(&note, 4);
        assert_eq!(scan.quotes.len(), 3_000);
        for (i, q) in scan.quotes.iter().enumerate() {
            assert_eq!(&note[q.range.clone()], format!("the quoted text {i}"));
            assert_eq!(keys(q), [format!("k{i}")]);
        }
        // One without a citation of its own takes those from the next cited paragraph on.
        let mut note = String::from("> The passage without its own citation.\n");
        for i in 0..20 {
            note.push_str(&format!(">\n> the quoted text {i} [@k{i}]\n"));
        }
        let first = &super::scan(&note, 4).quotes[0];
        assert_eq!(first.text, "The passage without its own citation.");
        let expected: Vec<String> = (0..MAX_CITATIONS).map(|k| format!("k{k}")).collect();
        assert_eq!(keys(first), expected);
    }
}
