//! Byte offsets to lines and columns (1-based lines; columns in characters, UTF-16 code
//! units or bytes, as each front end needs).

/// Line starts of a text, for offset to position conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex { starts }
    }

    /// Zero-based line of `offset` and the byte offset where that line starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        (line, self.starts[line])
    }

    /// Byte offset where zero-based `line` starts (`None` past the end).
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and 1-based column in characters of `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_boundary(text, offset);
        let (line, start) = self.line_of(offset);
        (line + 1, text[start..offset].chars().count() + 1)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}

/// The largest char boundary of `text` at or before `offset` (clamped to the length).
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "ab\n“é” x\nlast";
        let li = LineIndex::new(text);
        assert_eq!(li.line_col(text, 0), (1, 1));
        let x = text.find('x').unwrap();
        assert_eq!(li.line_col(text, x), (2, 5));
        assert_eq!(li.line_col(text, text.len()), (3, 5));
        assert_eq!(li.line_col(text, 4), (2, 1)); // inside “: clamped to its start
    }
}
