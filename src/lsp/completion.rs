//! Completion of citation keys: after `[@` (or `; @` inside a citation bracket) the sources'
//! keys are offered, with their titles as detail.

use super::describe::byline;
use super::position::{self, Encoding};
use crate::index::SourceInfo;
use regex::Regex;
use ropey::Rope;
use std::sync::LazyLock;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Documentation,
    MarkupContent, MarkupKind, Position, Range, TextEdit,
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

/// The completion items for citation keys at `pos`, if the cursor is in one.
pub fn completion(
    rope: &Rope,
    pos: Position,
    enc: Encoding,
    catalog: &[SourceInfo],
) -> Option<CompletionResponse> {
    let chars = key_at(rope, pos, enc)?;
    let range = Range::new(
        position::position(rope, rope.char_to_byte(chars.start), enc),
        position::position(rope, rope.char_to_byte(chars.end), enc),
    );
    let mut items = Vec::new();
    for info in catalog {
        let by = byline(Some(info));
        for key in &info.keys {
            items.push(CompletionItem {
                label: key.clone(),
                kind: Some(CompletionItemKind::REFERENCE),
                detail: info.meta.title.clone(),
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: if by.is_empty() {
                        format!("`{}`", info.path)
                    } else {
                        format!("{by}\n\n`{}`", info.path)
                    },
                })),
                filter_text: Some(key.clone()),
                sort_text: Some(key.clone()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, key.clone()))),
                ..Default::default()
            });
        }
    }
    items.sort_by(|a, b| a.label.cmp(&b.label));
    items.dedup_by(|a, b| a.label == b.label);
    Some(CompletionResponse::Array(items))
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
