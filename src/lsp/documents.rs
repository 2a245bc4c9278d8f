//! The notes the client has open: their text (a rope, edited in place), version, and the
//! latest check results for that text.
//!
//! Edits are applied synchronously, in the order the notifications arrive (the handlers do
//! no `.await` before applying them), so a document is always the client's text.
//!
//! Results are keyed by (document version, index generation): a result replaces the stored
//! one only if its key is not older, so a superseded check never overwrites newer results.
//! Requests that need results wait on the document's `results` channel instead of starting
//! checks of their own.

use super::folder::{Folder, IndexSnapshot};
use super::position::{self, Encoding};
use crate::cancel::CancelFlag;
use crate::check::{QuoteResult, UnknownCitation};
use crate::quotes::extract::Citation;
use ropey::Rope;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::{watch, Notify};
use tower_lsp_server::ls_types::{Diagnostic, TextDocumentContentChangeEvent, Uri};

/// The results of checking one version of a note, with the text they refer to.
pub struct Checked {
    pub version: i32,
    /// The index the note was checked against.
    pub index: IndexSnapshot,
    /// The settings epoch (`State::epoch`) the diagnostics were made under.
    pub epoch: u64,
    /// The diagnostics for these results (under the settings of `epoch`).
    pub diagnostics: Vec<Diagnostic>,
    /// The text the byte offsets in `results` and `citations` point into, and its rope.
    pub text: String,
    pub rope: Rope,
    pub results: Vec<QuoteResult>,
    /// Every citation in the note (for go-to-definition and hover on `[@key]`).
    pub citations: Vec<Citation>,
    /// The citations that name no source.
    pub unknown: Vec<UnknownCitation>,
    /// The bibliography the note's keys were resolved with (the workspace's and its front
    /// matter's).
    pub bibliography: Arc<crate::bibliography::Bibliography>,
    /// Workspace root: source paths in results are relative to it.
    pub root: PathBuf,
    /// The note's path (relative links start from it).
    pub path: PathBuf,
}

impl Checked {
    /// The web pages the note cites after a quotation that no source has captured, each
    /// once, in note order.
    pub fn uncaptured_pages(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.unknown
            .iter()
            .filter_map(|u| match &u.citation.target {
                crate::quotes::extract::CitationTarget::Url(url) => Some(url.clone()),
                _ => None,
            })
            .filter(|url| seen.insert(url.clone()))
            .collect()
    }

    /// Which results are newer: a later version, or the same version against a later index
    /// or later settings.
    pub fn key(&self) -> (i32, u64, u64) {
        (self.version, self.index.generation, self.epoch)
    }

    /// An identifier of these diagnostics for pull clients (`resultId`).
    pub fn result_id(&self) -> String {
        format!(
            "v{}.g{}.e{}",
            self.version, self.index.generation, self.epoch
        )
    }

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
pub struct Document {
    pub path: PathBuf,
    pub rope: Rope,
    pub version: i32,
    /// The workspace the note belongs to.
    pub folder: Arc<Folder>,
    /// Bumped for every check scheduled; only the latest may publish.
    pub seq: u64,
    /// The latest sequence number whose check has finished (whatever its outcome).
    pub done_seq: u64,
    /// Raised when a newer check is scheduled: the latest check's flag.
    pub cancel: CancelFlag,
    /// Cuts the latest scheduled check's debounce short (a request is waiting for it).
    pub wake: Arc<Notify>,
    /// The newest results (by [`Checked::key`]), for some version of the text.
    results: watch::Sender<Option<Arc<Checked>>>,
}

impl Document {
    pub fn new(path: PathBuf, text: &str, version: i32, folder: Arc<Folder>) -> Document {
        Document {
            path,
            rope: Rope::from_str(text),
            version,
            folder,
            seq: 0,
            done_seq: 0,
            cancel: CancelFlag::new(),
            wake: Arc::new(Notify::new()),
            results: watch::channel(None).0,
        }
    }

    /// Keep `checked` unless the stored results are newer; whether it was kept.
    pub fn store(&self, checked: Arc<Checked>) -> bool {
        self.results.send_if_modified(|slot| match slot {
            Some(old) if old.key() > checked.key() => false,
            _ => {
                *slot = Some(checked);
                true
            }
        })
    }

    /// The newest results, for whatever version.
    pub fn checked(&self) -> Option<Arc<Checked>> {
        self.results.borrow().clone()
    }

    /// Watch the results as they come.
    pub fn subscribe(&self) -> watch::Receiver<Option<Arc<Checked>>> {
        self.results.subscribe()
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
        self.checked().filter(|c| c.version == self.version)
    }
}

/// The open notes by URI.
#[derive(Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: &str, version: i32, folder: Arc<Folder>) {
        let path = note_path(&uri);
        // Reopening keeps the check sequence so that older checks cannot publish.
        let seq = self.docs.get(&uri).map_or(0, |d| d.seq);
        let done_seq = self.docs.get(&uri).map_or(0, |d| d.done_seq);
        if let Some(old) = self.docs.get(&uri) {
            old.cancel.cancel();
        }
        let mut doc = Document::new(path, text, version, folder);
        doc.seq = seq;
        doc.done_seq = done_seq;
        self.docs.insert(uri, doc);
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        let doc = self.docs.remove(uri)?;
        doc.cancel.cancel();
        Some(doc)
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
    match super::sources::uri_path(uri) {
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

    /// Results of `version` against an index of `generation`.
    fn results(folder: &Arc<Folder>, version: i32, generation: u64) -> Arc<Checked> {
        let dir = tempfile::tempdir().unwrap();
        let ws = crate::config::Workspace::discover(dir.path()).unwrap();
        let (checker, _) = crate::check::Checker::open_as_is(ws, &[]).unwrap();
        Arc::new(Checked {
            version,
            index: IndexSnapshot {
                checker: Arc::new(checker),
                generation,
                folder: folder.clone(),
            },
            epoch: 0,
            diagnostics: Vec::new(),
            text: String::new(),
            rope: Rope::new(),
            results: Vec::new(),
            citations: Vec::new(),
            unknown: Vec::new(),
            bibliography: Default::default(),
            root: "/".into(),
            path: "/n.md".into(),
        })
    }

    #[test]
    fn older_results_never_replace_newer_ones() {
        let folder = Arc::new(Folder::new("/".into(), None, "/".into()));
        let doc = Document::new("/n.md".into(), "x", 2, folder.clone());
        let key = |d: &Document| d.checked().map(|c| (c.version, c.index.generation));
        assert!(doc.store(results(&folder, 2, 5)));
        // A check of the same text against an older index finishes later: dropped.
        assert!(!doc.store(results(&folder, 2, 4)));
        assert_eq!(key(&doc), Some((2, 5)));
        // …and so is one of an older text.
        assert!(!doc.store(results(&folder, 1, 9)));
        assert_eq!(key(&doc), Some((2, 5)));
        // Newer ones replace.
        assert!(doc.store(results(&folder, 2, 6)));
        assert!(doc.store(results(&folder, 3, 1)));
        assert_eq!(key(&doc), Some((3, 1)));
    }

    #[test]
    fn edits_apply_in_order_and_bad_ranges_clamp() {
        let folder = Arc::new(Folder::new("/".into(), None, "/".into()));
        let mut d = Document::new("/n.md".into(), "😀 one\ntwo\n", 1, folder);
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
