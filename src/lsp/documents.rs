//! The notes the client has open: their text (a rope, edited in place), version, and the
//! latest check results for that text.
//!
//! Edits are applied synchronously, in the order the notifications arrive (the handlers do
//! no `.await` before applying them), so a document is always the client's text.

use super::position::{self, Encoding};
use crate::check::{QuoteResult, UnknownCitation};
use crate::quotes::extract::Citation;
use ropey::Rope;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// The results of checking one version of a note, with the text they refer to.
#[derive(Debug)]
pub struct Checked {
    pub version: i32,
    /// The text the byte offsets in `results` and `citations` point into, and its rope.
    pub text: String,
    pub rope: Rope,
    pub results: Vec<QuoteResult>,
    /// Every citation in the note (for go-to-definition and hover on `[@key]`).
    pub citations: Vec<Citation>,
    /// The citations that name no source.
    pub unknown: Vec<UnknownCitation>,
    /// Workspace root: source paths in results are relative to it.
    pub root: PathBuf,
    /// The note's path (relative links start from it).
    pub path: PathBuf,
}

impl Checked {
    /// The quote whose text (or quotation marks) covers byte `offset`.
    pub fn quote_at(&self, offset: usize) -> Option<&QuoteResult> {
        self.results
            .iter()
            .find(|r| r.quote.range.start <= offset && offset <= r.quote.range.end)
            .or_else(|| {
                // On the opening or closing quotation mark itself.
                self.results.iter().find(|r| {
                    let s = r.quote.range.start;
                    let e = r.quote.range.end;
                    (s.saturating_sub(3)..s).contains(&offset) || (e..e + 4).contains(&offset)
                })
            })
    }

    /// The citation (`[@key]` or link text) covering byte `offset`.
    pub fn citation_at(&self, offset: usize) -> Option<&Citation> {
        self.citations
            .iter()
            .find(|c| c.range.start <= offset && offset < c.range.end.max(c.range.start + 1))
    }
}

/// One open note.
#[derive(Debug)]
pub struct Document {
    pub path: PathBuf,
    pub rope: Rope,
    pub version: i32,
    /// Bumped for every check scheduled; only the latest may publish.
    pub seq: u64,
    /// Results for some version of the text (compare `version`).
    pub checked: Option<Arc<Checked>>,
}

impl Document {
    pub fn new(path: PathBuf, text: &str, version: i32) -> Document {
        Document {
            path,
            rope: Rope::from_str(text),
            version,
            seq: 0,
            checked: None,
        }
    }

    /// Apply one content change (a range edit, or the whole text when `range` is absent).
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, enc: Encoding) {
        match change.range {
            None => self.rope = Rope::from_str(&change.text),
            Some(r) => {
                let chars = position::char_range(&self.rope, r, enc);
                self.rope.remove(chars.clone());
                self.rope.insert(chars.start, &change.text);
            }
        }
    }

    /// The latest results, if they are for the current text.
    pub fn current(&self) -> Option<Arc<Checked>> {
        self.checked
            .as_ref()
            .filter(|c| c.version == self.version)
            .cloned()
    }
}

/// The open notes by URI.
#[derive(Debug, Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: &str, version: i32) {
        let path = note_path(&uri);
        // Reopening keeps the check sequence so that older checks cannot publish.
        let seq = self.docs.get(&uri).map_or(0, |d| d.seq);
        let mut doc = Document::new(path, text, version);
        doc.seq = seq;
        self.docs.insert(uri, doc);
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.docs.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.docs.get_mut(uri)
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.docs.keys().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// The file a note URI names; other schemes (`untitled:`) get a made-up path in the current
/// folder, which only matters for relative links.
pub fn note_path(uri: &Uri) -> PathBuf {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    match uri.to_file_path() {
        Some(p) if is_file => crate::config::absolute(&p),
        _ => crate::config::absolute(Path::new("untitled.md")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn edit(r: ((u32, u32), (u32, u32)), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(r.0 .0, r.0 .1),
                Position::new(r.1 .0, r.1 .1),
            )),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn edits_apply_in_order_and_bad_ranges_clamp() {
        let mut d = Document::new("/n.md".into(), "😀 one\ntwo\n", 1);
        d.apply(&edit(((0, 3), (0, 6)), "uno"), Encoding::Utf16);
        assert_eq!(d.rope.to_string(), "😀 uno\ntwo\n");
        d.apply(&edit(((1, 0), (1, 3)), "dos"), Encoding::Utf16);
        d.apply(&edit(((7, 0), (9, 9)), "!"), Encoding::Utf16);
        assert_eq!(d.rope.to_string(), "😀 uno\ndos\n!");
        // Reversed range: treated as the same range.
        d.apply(&edit(((0, 8), (0, 5)), "o"), Encoding::Utf8);
        assert_eq!(d.rope.to_string(), "😀 o\ndos\n!");
    }
}
