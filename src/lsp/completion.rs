//! Completion of citation keys: after `[@` (or `; @` inside a citation bracket) the keys of
//! the note's bibliography are offered, then the keys of the sources that no entry names.
//!
//! Each row names its source in the list itself (`labelDetails`, which editors show on every
//! row, not only the highlighted one): the key as label (what is inserted and sorted), the
//! title as `detail` (` — Title`, cut at a word), author and year as `description`. The
//! filter text holds the key and the title, so typing words of a title finds its key.

use super::describe::{full_byline, label, short_byline, shorten};
use super::position::{self, Encoding};
use crate::bibliography::{Bibliography, Entry, Target};
use crate::index::SourceInfo;
use regex::Regex;
use ropey::Rope;
use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionResponse,
    CompletionTextEdit, Documentation, MarkupContent, MarkupKind, Position, Range, TextEdit,
};

/// `@` starting a key (as `quotes::extract` reads citations), and the key typed so far.
static KEY_BEFORE_CURSOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s;\[-])@([\p{L}\p{N}_:.#$%&+?<>~/-]*)$").expect("regex"));

/// Characters of the line looked at before the cursor.
const LOOK_BACK: usize = 400;

/// If the cursor is in a citation key after `@` inside `[…`, the char range of the key typed
/// so far.
pub fn key_at(rope: &Rope, pos: Position, enc: Encoding) -> Option<std::ops::Range<usize>> {
    let cursor = position::char_index(rope, pos, enc);
    let line_start = rope.line_to_char(rope.char_to_line(cursor));
    let from = line_start.max(cursor.saturating_sub(LOOK_BACK));
    let prefix = rope.slice(from..cursor).to_string();
    let open = prefix.rfind('[')?;
    let tail = &prefix[open..];
    if tail.contains(']') {
        return None;
    }
    let caps = KEY_BEFORE_CURSOR.captures(tail)?;
    let typed = caps.get(1)?.as_str().chars().count();
    Some(cursor - typed..cursor)
}

/// The completion items for citation keys at `pos`, if the cursor is in one: `bib`'s
/// entries, then the sources of `catalog` that none of them names (by file or DOI; `root`
/// makes entry files into the index's paths).
pub fn completion(
    rope: &Rope,
    pos: Position,
    enc: Encoding,
    catalog: &[SourceInfo],
    bib: &Bibliography,
    root: &Path,
) -> Option<CompletionResponse> {
    let chars = key_at(rope, pos, enc)?;
    let range = Range::new(
        position::position(rope, rope.char_to_byte(chars.start), enc),
        position::position(rope, rope.char_to_byte(chars.end), enc),
    );
    let mut items: Vec<CompletionItem> =
        bib.entries().iter().map(|e| entry_item(e, range)).collect();
    let mut named_files = HashSet::new();
    let mut named_dois = HashSet::new();
    for e in bib.entries() {
        for t in e.targets() {
            match t {
                Target::File(f) => {
                    named_files.insert(crate::corpus::discover::display_path(f, root));
                }
                Target::Doi(d) => {
                    named_dois.insert(d);
                }
                Target::Url(_) => {}
            }
        }
    }
    let has_entry = |info: &SourceInfo| {
        named_files.contains(&info.path)
            || info
                .meta
                .doi
                .as_deref()
                .is_some_and(|d| named_dois.contains(d))
    };
    for info in catalog.iter().filter(|i| !has_entry(i)) {
        let name = label(&info.path, Some(info));
        let full = full_byline(&info.path, Some(info));
        let year = short_byline(Some(info));
        for key in &info.keys {
            items.push(CompletionItem {
                label: key.clone(),
                label_details: Some(CompletionItemLabelDetails {
                    // A hash-named key's row shows the title; a key that is the title's own
                    // stem needs no repetition.
                    detail: (name != *key).then(|| format!(" — {}", shorten(&name, DETAIL))),
                    description: (!year.is_empty()).then(|| year.clone()),
                }),
                kind: Some(CompletionItemKind::REFERENCE),
                detail: Some(name.clone()),
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: format!("{full}\n\n`{}`", info.path),
                })),
                filter_text: Some(filter_text(key, &name)),
                sort_text: Some(key.clone()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, key.clone()))),
                ..Default::default()
            });
        }
    }
    // Stable: a bibliography key stays before a source key spelled the same.
    items.sort_by(|a, b| a.label.cmp(&b.label));
    items.dedup_by(|a, b| a.label == b.label);
    Some(CompletionResponse::Array(items))
}

/// Characters of a title shown in a completion row.
const DETAIL: usize = 50;

/// What the editor filters on: the key, then the title (so words of either find the row).
fn filter_text(key: &str, title: &str) -> String {
    if title == key {
        key.to_string()
    } else {
        format!("{key} {title}")
    }
}

/// A bibliography entry as a completion item.
fn entry_item(e: &Entry, range: Range) -> CompletionItem {
    let byline = e.short_byline();
    let title = e
        .title
        .as_deref()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    let mut doc = String::new();
    if let Some(t) = &e.title {
        doc.push_str(&format!("*{t}*"));
    }
    if !e.authors.is_empty() {
        doc.push_str(&format!("\n\n{}", e.authors.join(", ")));
    }
    doc.push_str(&format!("\n\n`{}`", e.origin.label()));
    CompletionItem {
        label: e.key.clone(),
        label_details: Some(CompletionItemLabelDetails {
            detail: title
                .as_deref()
                .map(|t| format!(" — {}", shorten(t, DETAIL))),
            description: (!byline.is_empty()).then(|| byline.clone()),
        }),
        kind: Some(CompletionItemKind::REFERENCE),
        detail: Some(if byline.is_empty() {
            e.title.clone().unwrap_or_default()
        } else {
            byline
        }),
        documentation: Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: doc.trim_start().to_string(),
        })),
        filter_text: Some(filter_text(&e.key, title.as_deref().unwrap_or(&e.key))),
        sort_text: Some(e.key.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range,
            e.key.clone(),
        ))),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inside_a_citation_after_the_at_sign() {
        let rope = Rope::from_str("😀 text [@00 and [see @ab; @c] x@y [@");
        let at = |col| key_at(&rope, Position::new(0, col), Encoding::Utf16);
        // After `[@00`: the typed key is the 2 chars before the cursor (col 12 in UTF-16).
        assert_eq!(at(12), Some(9..11));
        assert_eq!(at(5), None);
        // `[see @ab` is a citation too; after `]` it is over; `x@y` is not one.
        assert_eq!(at(25), Some(22..24));
        assert_eq!(at(34), None);
        assert_eq!(at(37), Some(36..36));
    }
}
