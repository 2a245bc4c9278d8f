//! Sources that are not text files (PDF, subtitles and transcripts, Word documents) are read
//! into a *rendition*: plain text a person can read in an editor, with marker lines for pages
//! and cues, kept in the index folder. Line and column numbers of such a source refer to its
//! rendition, and go-to-definition opens it.
//!
//! A reader builds one with [`RenditionBuilder`]: paragraphs of visible text, each piece
//! copied into the rendition at the same time (so the visible text maps back into the
//! rendition exactly), marker lines that are in the rendition but never in the visible text
//! (a quotation can span them: "[p. 13]" between the two halves of a sentence), and the
//! [`Place`] each stretch of text comes from (page, cue time, speaker).
//!
//! Invariants: every byte of visible text maps to the rendition bytes it was copied from (or,
//! for a joining space, to the marker or break it stands for); places are in rendition order
//! and do not overlap; the rendition ends with a newline.

use super::Metadata;
use crate::text::markdown::{Block, BlockKind, Document};
use crate::text::OffsetMap;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Where a stretch of a rendition comes from in the original.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// PDF page, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Start of the cue, in milliseconds from the start of the recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<u64>,
    /// Who speaks (a transcript's turn label, a WebVTT voice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

/// A place and the rendition bytes it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    pub range: Range<usize>,
    pub place: Place,
}

/// What a reader made of a file.
#[derive(Debug, Clone, Default)]
pub struct Rendition {
    /// The plain-text rendition, marker lines included; ends with a newline.
    pub text: String,
    /// The visible text, block by block, mapped into `text`.
    pub document: Document,
    /// Where each stretch of `text` comes from, in order.
    pub places: Vec<Located>,
    /// Title, author, date… from the file's own properties (empty fields if none).
    pub meta: Metadata,
    /// Things worth telling about the file (a page without text, a cue without a time).
    pub notes: Vec<String>,
}

impl Rendition {
    /// The place of rendition byte `offset`, if a place covers it.
    pub fn place_at(places: &[Located], offset: usize) -> Option<&Place> {
        let i = places.partition_point(|l| l.range.end <= offset);
        places
            .get(i)
            .filter(|l| l.range.start <= offset && offset < l.range.end)
            .map(|l| &l.place)
    }
}

/// Builds a [`Rendition`]; see the module docs.
#[derive(Debug, Default)]
pub struct RenditionBuilder {
    out: Rendition,
    /// The paragraph being built: its text and map.
    para: Option<(String, OffsetMap)>,
    place: Place,
    /// Where the current place started in the rendition.
    place_start: usize,
}

impl RenditionBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Text from here on comes from `place` (a new page, cue or speaker).
    pub fn set_place(&mut self, place: Place) {
        if place == self.place {
            return;
        }
        self.close_place();
        self.place = place;
    }

    fn close_place(&mut self) {
        let end = self.out.text.len();
        if end > self.place_start && self.place != Place::default() {
            self.out.places.push(Located {
                range: self.place_start..end,
                place: self.place.clone(),
            });
        }
        self.place_start = end;
    }

    /// Visible text, copied into the rendition as it is (a paragraph is started if none is).
    pub fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let at = self.out.text.len();
        self.out.text.push_str(s);
        let (t, m) = self.para.get_or_insert_with(Default::default);
        t.push_str(s);
        m.push_copy(at, s.len());
    }

    /// A space in the visible text (between two lines, across a marker) standing for the
    /// rendition bytes `written` writes, e.g. a line break: `join(" ", "\n")`. Nothing is
    /// added to the visible text at the start of a paragraph or after a space.
    pub fn join(&mut self, visible: &str, written: &str) {
        let at = self.out.text.len();
        self.out.text.push_str(written);
        if let Some((t, m)) = self.para.as_mut() {
            if !t.is_empty() && !t.ends_with(' ') && !visible.is_empty() {
                t.push_str(visible);
                m.push_replaced(visible.len(), at..at + written.len());
            }
        }
    }

    /// A marker line in the rendition (`[p. 13]`, `[00:14:32.000] Sarah`), never visible
    /// text: the paragraph goes on across it (joined by a space when `space`, else glued, as
    /// for a word hyphenated across a page turn).
    pub fn marker(&mut self, line: &str, space: bool) {
        let mut written = String::new();
        if !self.out.text.is_empty() && !self.out.text.ends_with('\n') {
            written.push('\n');
        }
        written.push_str(line);
        written.push('\n');
        self.join(if space { " " } else { "" }, &written);
    }

    /// End the current paragraph (a blank line in the rendition).
    pub fn end_paragraph(&mut self) {
        if let Some((text, map)) = self.para.take() {
            let trimmed = text.trim_end().len();
            if trimmed > 0 {
                let map = map.slice(0..trimmed);
                self.out.document.blocks.push(Block {
                    kind: BlockKind::Paragraph,
                    blockquote: None,
                    text: text[..trimmed].to_string(),
                    map,
                    links: Vec::new(),
                    code_spans: Vec::new(),
                    line_starts: vec![0],
                    strong: Vec::new(),
                });
            }
        }
        if !self.out.text.is_empty() && !self.out.text.ends_with("\n\n") {
            let add = if self.out.text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            self.out.text.push_str(add);
        }
    }

    /// Something worth telling about the file.
    pub fn note(&mut self, s: impl Into<String>) {
        self.out.notes.push(s.into());
    }

    /// The rendition, with the file's own metadata.
    pub fn finish(mut self, meta: Metadata) -> Rendition {
        self.end_paragraph();
        while self.out.text.ends_with("\n\n") {
            self.out.text.pop();
        }
        if !self.out.text.is_empty() && !self.out.text.ends_with('\n') {
            self.out.text.push('\n');
        }
        let len = self.out.text.len();
        self.place_start = self.place_start.min(len);
        self.close_place();
        for l in &mut self.out.places {
            l.range.end = l.range.end.min(len);
        }
        self.out.places.retain(|l| l.range.start < l.range.end);
        self.out.meta = meta;
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_spans_a_marker_and_maps_back_into_the_rendition() {
        let mut b = RenditionBuilder::new();
        b.set_place(Place {
            page: Some(1),
            ..Place::default()
        });
        b.text("The committee approved the");
        b.set_place(Place {
            page: Some(2),
            ..Place::default()
        });
        b.marker("[p. 2]", true);
        b.text("budget on Tuesday.");
        b.end_paragraph();
        b.text("Next.");
        let r = b.finish(Metadata::default());
        assert_eq!(
            r.text,
            "The committee approved the\n[p. 2]\nbudget on Tuesday.\n\nNext.\n"
        );
        let (visible, map) = r.document.joined();
        assert_eq!(
            visible,
            "The committee approved the budget on Tuesday.\n\nNext."
        );
        let budget = visible.find("budget").unwrap();
        let at = map.start_of(budget);
        assert_eq!(&r.text[at..at + 6], "budget");
        let pages: Vec<(Option<u32>, &str)> = r
            .places
            .iter()
            .map(|l| (l.place.page, &r.text[l.range.clone()]))
            .collect();
        assert_eq!(
            pages,
            [
                (Some(1), "The committee approved the"),
                (Some(2), "\n[p. 2]\nbudget on Tuesday.\n\nNext.\n"),
            ]
        );
        assert_eq!(Rendition::place_at(&r.places, at).unwrap().page, Some(2));
    }

    #[test]
    fn a_word_hyphenated_across_a_page_turn_is_glued() {
        let mut b = RenditionBuilder::new();
        b.text("an exam");
        b.marker("[p. 2]", false);
        b.text("ple here");
        let r = b.finish(Metadata::default());
        assert_eq!(r.document.joined().0, "an example here");
    }
}
