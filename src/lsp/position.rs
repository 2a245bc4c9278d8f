//! The one place where byte offsets (what the core speaks) meet LSP positions (line and
//! column, the column counted in the negotiated encoding).
//!
//! Every conversion goes through a [`Rope`], which knows lines (LF, CR and CRLF, like LSP),
//! chars, bytes and UTF-16 code units. Nothing here panics: offsets past the end, lines past
//! the last one and columns past the end of a line are clamped, and a column inside a
//! character (a UTF-8 byte or a UTF-16 surrogate half) snaps to the start of that character.

use ropey::Rope;
use std::ops::Range;
use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

/// What a column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 code units (bytes): chosen when the client offers it.
    Utf8,
    /// UTF-16 code units: the LSP default every client supports.
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 if the client lists it among `general.positionEncodings`, else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The last line of the rope (`len_lines` is at least 1).
fn last_line(rope: &Rope) -> usize {
    rope.len_lines().saturating_sub(1)
}

/// Char index just past the content of `line`, before its line break.
fn line_end_char(rope: &Rope, line: usize) -> usize {
    if line >= last_line(rope) {
        return rope.len_chars();
    }
    let next = rope.line_to_char(line + 1);
    let mut end = next;
    if end > 0 && rope.char(end - 1) == '\n' {
        end -= 1;
    }
    if end > 0 && rope.char(end - 1) == '\r' {
        end -= 1;
    }
    end.max(rope.line_to_char(line))
}

/// LSP position of byte `offset` (clamped to the text; inside a character means its start).
pub fn position(rope: &Rope, offset: usize, enc: Encoding) -> lsp::Position {
    let offset = offset.min(rope.len_bytes());
    let ch = rope.byte_to_char(offset);
    let line = rope.char_to_line(ch);
    let line_start = rope.line_to_char(line);
    let column = match enc {
        Encoding::Utf8 => rope.char_to_byte(ch) - rope.line_to_byte(line),
        Encoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(line_start),
    };
    lsp::Position::new(to_u32(line), to_u32(column))
}

/// Char index of an LSP position, clamped to the document and to the end of its line.
pub fn char_index(rope: &Rope, pos: lsp::Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line > last_line(rope) {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let end = line_end_char(rope, line);
    let col = pos.character as usize;
    let ch = match enc {
        Encoding::Utf8 => {
            let byte = rope.line_to_byte(line).saturating_add(col);
            let end_byte = rope.char_to_byte(end);
            rope.byte_to_char(byte.min(end_byte))
        }
        Encoding::Utf16 => {
            let cu = rope.char_to_utf16_cu(start).saturating_add(col);
            let end_cu = rope.char_to_utf16_cu(end);
            rope.utf16_cu_to_char(cu.min(end_cu))
        }
    };
    ch.clamp(start, end)
}

/// Byte offset of an LSP position (clamped like [`char_index`]).
pub fn offset(rope: &Rope, pos: lsp::Position, enc: Encoding) -> usize {
    rope.char_to_byte(char_index(rope, pos, enc))
}

/// LSP range of a byte range.
pub fn range(rope: &Rope, r: Range<usize>, enc: Encoding) -> lsp::Range {
    lsp::Range::new(position(rope, r.start, enc), position(rope, r.end, enc))
}

/// Byte range of an LSP range (ends swapped if reversed).
pub fn byte_range(rope: &Rope, r: lsp::Range, enc: Encoding) -> Range<usize> {
    let a = offset(rope, r.start, enc);
    let b = offset(rope, r.end, enc);
    a.min(b)..a.max(b)
}

/// Char range of an LSP range (ends swapped if reversed): what an edit replaces.
pub fn char_range(rope: &Rope, r: lsp::Range, enc: Encoding) -> Range<usize> {
    let a = char_index(rope, r.start, enc);
    let b = char_index(rope, r.end, enc);
    a.min(b)..a.max(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp::Position as P;

    #[test]
    fn emoji_and_cjk_columns_in_both_encodings() {
        // 😀 is 4 bytes / 2 UTF-16 units; 漢 is 3 bytes / 1 unit.
        let text = "ab\n😀漢 “x”\r\nlast";
        let rope = Rope::from_str(text);
        let x = text.find('x').unwrap();
        assert_eq!(position(&rope, x, Encoding::Utf8), P::new(1, 11));
        assert_eq!(position(&rope, x, Encoding::Utf16), P::new(1, 5));
        assert_eq!(offset(&rope, P::new(1, 11), Encoding::Utf8), x);
        assert_eq!(offset(&rope, P::new(1, 5), Encoding::Utf16), x);
        let last = text.find("last").unwrap();
        assert_eq!(position(&rope, last, Encoding::Utf16), P::new(2, 0));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\r\n😀c\n";
        let rope = Rope::from_str(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            // Past the end of a line: the end of its content, before CRLF.
            assert_eq!(offset(&rope, P::new(0, 99), enc), 2);
            // Past the last line: the end of the text.
            assert_eq!(offset(&rope, P::new(99, 0), enc), text.len());
            assert_eq!(offset(&rope, P::new(u32::MAX, u32::MAX), enc), text.len());
            assert_eq!(position(&rope, 10_000, enc), P::new(2, 0));
        }
        // Inside the emoji: snapped to its start.
        assert_eq!(offset(&rope, P::new(1, 1), Encoding::Utf16), 4);
        assert_eq!(offset(&rope, P::new(1, 2), Encoding::Utf8), 4);
        // A byte offset inside a char maps to that char's position.
        assert_eq!(position(&rope, 5, Encoding::Utf16), P::new(1, 0));
        let empty = Rope::new();
        assert_eq!(offset(&empty, P::new(3, 3), Encoding::Utf16), 0);
        assert_eq!(position(&empty, 3, Encoding::Utf8), P::new(0, 0));
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
