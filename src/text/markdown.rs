//! Markdown to *visible text*: what a reader sees, split into blocks, each with an
//! [`OffsetMap`] back to the exact bytes of the file.
//!
//! Used for sources (all blocks joined) and for notes (each block scanned for quotations).
//! `[text](url)` reads as `text`, `**bold**` as `bold`, `\*` as `*`; heading and list markers,
//! raw HTML, HTML comments and front matter are dropped.

use super::offsets::OffsetMap;
use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// What kind of block a piece of visible text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    /// Fenced or indented code.
    Code,
    /// Text directly inside a list item or table cell.
    Other,
}

/// A Markdown link inside a block: its visible text range and destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub text: Range<usize>,
    pub dest: String,
}

/// One block of visible text.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// Identifies the enclosing blockquote (`None` outside any): paragraphs of one blockquote
    /// share it.
    pub blockquote: Option<usize>,
    pub text: String,
    /// From `text` to the file's bytes.
    pub map: OffsetMap,
    pub links: Vec<Link>,
    /// Ranges of `text` that came from inline code spans, in order.
    pub code_spans: Vec<Range<usize>>,
    /// Offsets in `text` where each source line of the block begins, in order: the first is
    /// 0, the others follow a soft break (read as `' '`) or a hard break (read as `'\n'`).
    /// HTML blocks record only the 0.
    pub line_starts: Vec<usize>,
    /// Ranges of `text` in strong emphasis (`**…**`, `__…__`), in order of their end.
    pub strong: Vec<Range<usize>>,
}

/// A parsed Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Raw YAML front matter (between `---` lines at the very top), if any.
    pub front_matter: Option<String>,
}

impl Document {
    /// All blocks joined by blank lines, with one map back to the file.
    pub fn joined(&self) -> (String, OffsetMap) {
        let mut text = String::new();
        let mut map = OffsetMap::new();
        for b in &self.blocks {
            if !text.is_empty() {
                let at = map.end_of(map.derived_len());
                text.push_str("\n\n");
                map.push_replaced(2, at..at);
            }
            text.push_str(&b.text);
            map.extend(&b.map);
        }
        (text, map)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

struct Builder<'a> {
    src: &'a str,
    blocks: Vec<Block>,
    current: Option<Block>,
    kind: BlockKind,
    quote_stack: Vec<usize>,
    next_quote: usize,
    open_links: Vec<(usize, String)>,
    open_strong: Vec<usize>,
}

impl<'a> Builder<'a> {
    fn block(&mut self) -> &mut Block {
        let kind = self.kind;
        let blockquote = self.quote_stack.last().copied();
        self.current.get_or_insert_with(|| Block {
            kind,
            blockquote,
            text: String::new(),
            map: OffsetMap::new(),
            links: Vec::new(),
            code_spans: Vec::new(),
            line_starts: vec![0],
            strong: Vec::new(),
        })
    }

    fn finish(&mut self) {
        if let Some(b) = self.current.take() {
            if !b.text.trim().is_empty() {
                self.blocks.push(b);
            }
        }
        self.open_links.clear();
        self.open_strong.clear();
    }

    /// Append `text`, which the parser says stands for `range` of the file. `inside` is the
    /// markup that may surround a verbatim copy (a backslash escape, code-span backticks).
    fn push_text(&mut self, text: &str, range: Range<usize>, inside: &[char]) {
        let raw = &self.src[range.clone()];
        let block = self.block();
        block.text.push_str(text);
        let verbatim_at = if raw == text {
            Some(0)
        } else {
            raw.find(text).filter(|&at| {
                raw[..at].chars().all(|c| inside.contains(&c))
                    && raw[at + text.len()..].chars().all(|c| inside.contains(&c))
            })
        };
        match verbatim_at {
            Some(at) => block.map.push_copy(range.start + at, text.len()),
            None => block.map.push_replaced(text.len(), range),
        }
    }
}

/// Parse `src` into blocks of visible text.
pub fn parse(src: &str) -> Document {
    let mut b = Builder {
        src,
        blocks: Vec::new(),
        current: None,
        kind: BlockKind::Other,
        quote_stack: Vec::new(),
        next_quote: 0,
        open_links: Vec::new(),
        open_strong: Vec::new(),
    };
    let mut front_matter = None;
    let mut in_metadata = false;
    let mut in_html_block = false;
    for (event, range) in Parser::new_ext(src, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::MetadataBlock(kind) => {
                    in_metadata = kind == MetadataBlockKind::YamlStyle
                        || kind == MetadataBlockKind::PlusesStyle;
                }
                Tag::HtmlBlock => in_html_block = true,
                Tag::Link { dest_url, .. } => {
                    let at = b.block().text.len();
                    b.open_links.push((at, dest_url.to_string()));
                }
                Tag::Strong => {
                    let at = b.block().text.len();
                    b.open_strong.push(at);
                }
                Tag::Emphasis
                | Tag::Strikethrough
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript => {}
                other => {
                    b.finish();
                    match other {
                        Tag::BlockQuote(_) => {
                            b.quote_stack.push(b.next_quote);
                            b.next_quote += 1;
                        }
                        Tag::Paragraph => b.kind = BlockKind::Paragraph,
                        Tag::Heading { .. } => b.kind = BlockKind::Heading,
                        Tag::CodeBlock(_) => b.kind = BlockKind::Code,
                        _ => b.kind = BlockKind::Other,
                    }
                }
            },
            Event::End(tag) => match tag {
                TagEnd::MetadataBlock(_) => in_metadata = false,
                TagEnd::HtmlBlock => in_html_block = false,
                TagEnd::Link => {
                    if let Some((start, dest)) = b.open_links.pop() {
                        let block = b.block();
                        let end = block.text.len();
                        block.links.push(Link {
                            text: start..end,
                            dest,
                        });
                    }
                }
                TagEnd::Strong => {
                    if let Some(start) = b.open_strong.pop() {
                        let block = b.block();
                        let end = block.text.len();
                        block.strong.push(start..end);
                    }
                }
                TagEnd::Emphasis
                | TagEnd::Strikethrough
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript => {}
                other => {
                    b.finish();
                    if other == TagEnd::BlockQuote(None) || matches!(other, TagEnd::BlockQuote(_)) {
                        b.quote_stack.pop();
                    }
                    b.kind = BlockKind::Other;
                }
            },
            Event::Text(t) => {
                if in_metadata {
                    front_matter.get_or_insert_with(String::new).push_str(&t);
                } else if !in_html_block {
                    b.push_text(&t, range, &['\\']);
                }
            }
            Event::Code(t) => {
                let start = b.block().text.len();
                b.push_text(&t, range, &['`', ' ']);
                let end = b.block().text.len();
                b.block().code_spans.push(start..end);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => b.push_text(&t, range, &['$']),
            Event::SoftBreak => {
                let block = b.block();
                block.text.push(' ');
                block.map.push_replaced(1, range);
                block.line_starts.push(block.text.len());
            }
            Event::HardBreak => {
                let block = b.block();
                block.text.push('\n');
                block.map.push_replaced(1, range);
                block.line_starts.push(block.text.len());
            }
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_) => {}
            Event::Rule => b.finish(),
        }
    }
    b.finish();
    Document {
        blocks: b.blocks,
        front_matter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(src: &str) -> String {
        parse(src).joined().0
    }

    #[test]
    fn markup_reads_as_its_text() {
        assert_eq!(
            visible("# Title\n\nSee [the text](http://x.y) and **bold** \\*.\n"),
            "Title\n\nSee the text and bold *."
        );
        assert_eq!(
            visible("- one\n- two\n\n<!-- hidden -->\n\n> quoted\n> lines"),
            "one\n\ntwo\n\nquoted lines"
        );
    }

    #[test]
    fn front_matter_is_kept_apart() {
        let doc = parse("---\ntitle: T\nauthor: A\n---\n\nBody text.\n");
        assert_eq!(
            doc.front_matter.as_deref().map(str::trim),
            Some("title: T\nauthor: A")
        );
        assert_eq!(doc.joined().0, "Body text.");
    }

    #[test]
    fn visible_text_maps_back_to_file_bytes() {
        let src = "A “[linked](#) phrase” &amp; \\*escaped\\*\nnext line";
        let (text, map) = parse(src).joined();
        for needle in ["linked", "phrase”", "*escaped*", "next line", "&"] {
            let at = text.find(needle).unwrap();
            let orig = &src[map.range(at..at + needle.len())];
            let expected = match needle {
                "&" => "&amp;",
                "*escaped*" => "*escaped\\*",
                n => n,
            };
            assert_eq!(orig, expected, "{needle}");
        }
    }

    #[test]
    fn links_and_code_spans_and_blockquotes_are_recorded() {
        let doc = parse("Text [a](notes/x.md) `code`.\n\n> one\n\n> two\n\npara\n");
        let b = &doc.blocks[0];
        assert_eq!(
            b.links,
            vec![Link {
                text: 5..6,
                dest: "notes/x.md".into()
            }]
        );
        assert_eq!(&b.text[b.code_spans[0].clone()], "code");
        assert!(doc.blocks[1].blockquote.is_some());
        assert_ne!(doc.blocks[1].blockquote, doc.blocks[2].blockquote);
        assert_eq!(doc.blocks[3].blockquote, None);
    }

    #[test]
    fn line_starts_and_strong_ranges_are_recorded() {
        let doc = parse("> **Editor:** one\n> two  \n> — three\n\nsingle line\n");
        let b = &doc.blocks[0];
        assert_eq!(b.text, "Editor: one two\n— three");
        let lines: Vec<&str> = b
            .line_starts
            .iter()
            .zip(b.line_starts.iter().skip(1).chain([&b.text.len()]))
            .map(|(&s, &e)| b.text[s..e].trim_end())
            .collect();
        assert_eq!(lines, ["Editor: one", "two", "— three"]);
        assert_eq!(&b.text[b.strong[0].clone()], "Editor:");
        assert_eq!(doc.blocks[1].line_starts, [0]);
    }

    #[test]
    fn callout_markers_stay_in_the_visible_text() {
        // Sources read as Markdown keep what a reader of the raw text sees.
        assert_eq!(visible("> [!NOTE]\n> Read this.\n"), "[!NOTE] Read this.");
    }
}
