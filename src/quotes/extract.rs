//! Finding quotations and citations in a Markdown note.
//!
//! A quotation is text between straight `"…"` or curly `“…”` double quotes (single quotes
//! may nest inside), or a blockquote paragraph. Code spans and blocks, link URLs, HTML
//! comments and front matter are never quotations. A citation is a Pandoc-style `[@key]`
//! (also `[see @a, p. 3; @b]`) or a Markdown link to a source file; it belongs to a quote
//! when it follows it in the same sentence, or anywhere in the same blockquote.

use crate::text::markdown::{self, Block, BlockKind};
use crate::text::normalize::normalize;
use crate::text::words;
use regex::Regex;
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
}

/// A citation in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub target: CitationTarget,
    /// Byte range in the note: the whole `[@key]`, or the link text.
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
    /// The citations that follow it (the first is the one that counts).
    pub citations: Vec<Citation>,
    /// Number of words (to tell quotations from scare quotes).
    pub words: usize,
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
    /// Every citation in the note, whether it follows a quote or not.
    pub citations: Vec<Citation>,
}

static CITE_BRACKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[^\[\]]*@[^\[\]]*\]").expect("regex"));
static CITE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s;\[-])@([\p{L}\p{N}_][\p{L}\p{N}_:.#$%&+?<>~/-]*)").expect("regex")
});
static SENTENCE_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"[.!?]['"’”)\]]*(?:\s|$)"#).expect("regex"));

/// Scan a note. `min_words`: shorter quotations are scare quotes and left out.
pub fn scan(note: &str, min_words: usize) -> NoteScan {
    let doc = markdown::parse(note);
    let mut out = NoteScan::default();
    // Blockquote paragraphs grouped by blockquote, to share citations.
    let mut i = 0;
    while i < doc.blocks.len() {
        let block = &doc.blocks[i];
        if block.kind == BlockKind::Code {
            i += 1;
            continue;
        }
        if let Some(id) = block.blockquote {
            let group: Vec<&Block> = doc.blocks[i..]
                .iter()
                .take_while(|b| b.blockquote == Some(id))
                .collect();
            i += group.len();
            let citations: Vec<Citation> = group.iter().flat_map(|b| citations_in(b)).collect();
            for b in &group {
                if b.kind == BlockKind::Code {
                    continue;
                }
                if let Some(mut q) = blockquote_paragraph(b, &citations) {
                    if q.words >= min_words {
                        q.citations = citations.clone();
                        out.quotes.push(q);
                    }
                }
            }
            out.citations.extend(citations);
            continue;
        }
        let citations = citations_in(block);
        for (mut q, after_mark) in inline_quotes(block) {
            if q.words < min_words {
                continue;
            }
            q.citations = citations_after(block, after_mark, &q, &citations);
            out.quotes.push(q);
        }
        out.citations.extend(citations);
        i += 1;
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
    }
}

/// Citations in a block: `[@key]` groups and links to files.
fn citations_in(block: &Block) -> Vec<Citation> {
    let mut out = Vec::new();
    for m in CITE_BRACKET.find_iter(&block.text) {
        if block
            .code_spans
            .iter()
            .any(|c| c.start < m.end() && m.start() < c.end)
        {
            continue;
        }
        for c in CITE_KEY.captures_iter(m.as_str()) {
            let k = c.get(1).expect("group");
            let key = k.as_str().trim_end_matches(['.', ':', ',', '?', '!']);
            let kr = m.start() + k.start()..m.start() + k.start() + key.len();
            out.push(Citation {
                target: CitationTarget::Key(key.to_string()),
                range: block.map.range(m.range()),
                key_range: Some(block.map.range(kr)),
            });
        }
    }
    for link in &block.links {
        let dest = link.dest.split('#').next().unwrap_or_default();
        if dest.is_empty() || dest.contains("://") || dest.starts_with("mailto:") {
            continue;
        }
        if crate::corpus::Format::of(std::path::Path::new(dest)).is_none() {
            continue;
        }
        out.push(Citation {
            target: CitationTarget::Link(dest.to_string()),
            range: block.map.range(link.text.clone()),
            key_range: None,
        });
    }
    out.sort_by_key(|c| c.range.start);
    out
}

/// Quotations between double quotation marks in a (non-blockquote) block, each with the
/// block offset just after its closing mark.
fn inline_quotes(block: &Block) -> Vec<(Quote, usize)> {
    let text = &block.text;
    let in_code = |i: usize| block.code_spans.iter().any(|c| c.contains(&i));
    let mut out = Vec::new();
    // The opening: offset just after the mark, and whether the mark was curly.
    let mut open: Option<(usize, bool)> = None;
    let mut depth = 0usize; // quotations nested inside the open one
    for (i, c) in text.char_indices() {
        if in_code(i) {
            continue;
        }
        let after = i + c.len_utf8();
        let next_is_space = text[after..].chars().next().is_none_or(char::is_whitespace);
        let prev_is_space = text[..i]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let mut close = false;
        match (c, open) {
            ('“' | '„' | '«', None) => open = Some((after, true)),
            ('“' | '„' | '«', Some(_)) => depth += 1,
            ('”' | '»', Some(_)) if depth > 0 => depth -= 1,
            ('”' | '»', Some(_)) => close = true,
            ('"', None) if !next_is_space => open = Some((after, false)),
            // Straight quotes inside a curly quotation nest; inside a straight one they close.
            ('"', Some((_, true))) if !next_is_space && prev_is_space => depth += 1,
            ('"', Some((_, true))) if depth > 0 => depth -= 1,
            ('"', Some((_, false))) if !prev_is_space || next_is_space => close = true,
            _ => {}
        }
        if close {
            let (start, _) = open.take().expect("open quotation");
            out.push((make_quote(block, start..i, QuoteKind::Inline), after));
            depth = 0;
        }
    }
    out
}

/// The first sentence end after `from` (exclusive of quotation-internal punctuation).
fn sentence_end(text: &str, from: usize) -> usize {
    SENTENCE_END
        .find_at(text, from)
        .map_or(text.len(), |m| m.end())
}

/// Citations after a quote, before the sentence ends or the next quote begins.
fn citations_after(
    block: &Block,
    after_mark: usize,
    q: &Quote,
    citations: &[Citation],
) -> Vec<Citation> {
    let end = sentence_end(&block.text, after_mark);
    let end_byte = block.map.start_of(end.min(block.text.len()));
    let next_quote = next_open_mark(&block.text, after_mark).map(|o| block.map.start_of(o));
    let limit = next_quote.map_or(end_byte, |n| n.min(end_byte));
    citations
        .iter()
        .filter(|c| c.range.start >= q.range.end && c.range.start < limit.max(q.range.end + 1))
        .cloned()
        .collect()
}

fn next_open_mark(text: &str, from: usize) -> Option<usize> {
    text[from..].find(['“', '"', '„', '«']).map(|i| from + i)
}

/// A blockquote paragraph as one quotation, without its citations, attribution line
/// (`— Name`) or enclosing quotation marks.
fn blockquote_paragraph(block: &Block, citations: &[Citation]) -> Option<Quote> {
    let text = &block.text;
    let mut end = text.len();
    // Cut at the first citation inside this paragraph.
    for c in citations {
        if let Some(o) = (0..text.len()).find(|&o| block.map.start_of(o) >= c.range.start) {
            if block.map.start_of(o) == c.range.start
                && o < end
                && block.map.end_of(text.len()) >= c.range.end
            {
                end = o;
            }
        }
    }
    let mut start = 0;
    // Attribution: a trailing "— Name" or "-- Name" line is not part of the quotation.
    if let Some(dash) = text[..end]
        .rfind(['—', '―'])
        .or_else(|| text[..end].rfind("-- "))
    {
        let tail = &text[dash..end];
        if word_count(tail) <= 8 && !text[..dash].trim().is_empty() {
            end = dash;
        }
    }
    let trimmed =
        text[start..end].trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '(');
    end = start + trimmed.len();
    let lead = text[start..end].len() - text[start..end].trim_start().len();
    start += lead;
    // Enclosing quotation marks.
    let inner = &text[start..end];
    for (open, close) in [('“', '”'), ('"', '"'), ('«', '»')] {
        if inner.starts_with(open)
            && inner.ends_with(close)
            && inner.len() > open.len_utf8() + close.len_utf8()
        {
            start += open.len_utf8();
            end -= close.len_utf8();
            break;
        }
    }
    (start < end).then(|| make_quote(block, start..end, QuoteKind::Block))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(note: &str) -> Vec<(String, Option<String>)> {
        scan(note, 4)
            .quotes
            .into_iter()
            .map(|q| {
                let cite = q.citations.first().map(|c| match &c.target {
                    CitationTarget::Key(k) => k.clone(),
                    CitationTarget::Link(l) => l.clone(),
                });
                (q.text, cite)
            })
            .collect()
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
        assert!(scan.quotes[0].citations.is_empty());
        assert_eq!(
            scan.quotes[1].citations[0].target,
            CitationTarget::Key("src".into())
        );
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
}
