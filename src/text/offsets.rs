//! Offset maps: from a derived text (visible or normalised) back to the bytes it came from.
//!
//! A map is a list of segments. Each segment says "these `len` bytes of the derived text come
//! from these `src_len` bytes of the original". When both lengths are equal and the text was
//! copied unchanged the segment is *linear* and every byte maps to its twin; otherwise (an
//! entity, a curly quote folded to `"`, a Markdown escape) the derived bytes map to the whole
//! source range, so a match never ends in the middle of an original character.

use std::ops::Range;

/// One run of derived bytes and the original bytes they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Start in the derived text.
    pub start: usize,
    /// Length in the derived text.
    pub len: usize,
    /// Start in the original.
    pub src_start: usize,
    /// Length in the original.
    pub src_len: usize,
    /// Byte-for-byte copy: offsets inside map one to one.
    pub linear: bool,
}

/// Maps byte offsets of a derived text to byte offsets of its original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    segments: Vec<Segment>,
    derived_len: usize,
}

impl OffsetMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// The identity map over `len` bytes.
    pub fn identity(len: usize) -> Self {
        let mut map = Self::new();
        map.push_copy(0, len);
        map
    }

    /// Length of the derived text this map covers.
    pub fn derived_len(&self) -> usize {
        self.derived_len
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether this map can be a map from a text of `derived_len` bytes into one of
    /// `original_len` bytes (a map read from elsewhere is checked before it is used).
    pub fn fits(&self, derived_len: usize, original_len: usize) -> bool {
        self.derived_len == derived_len
            && self
                .segments
                .iter()
                .all(|s| s.src_start + s.src_len <= original_len)
    }

    /// `len` derived bytes copied unchanged from `src_start..src_start + len`.
    pub fn push_copy(&mut self, src_start: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.segments.last_mut() {
            if last.linear
                && last.src_start + last.src_len == src_start
                && last.start + last.len == self.derived_len
            {
                last.len += len;
                last.src_len += len;
                self.derived_len += len;
                return;
            }
        }
        self.segments.push(Segment {
            start: self.derived_len,
            len,
            src_start,
            src_len: len,
            linear: true,
        });
        self.derived_len += len;
    }

    /// `len` derived bytes that stand for the original range `src` as a whole.
    pub fn push_replaced(&mut self, len: usize, src: Range<usize>) {
        if len == 0 {
            return;
        }
        self.segments.push(Segment {
            start: self.derived_len,
            len,
            src_start: src.start,
            src_len: src.end.saturating_sub(src.start),
            linear: false,
        });
        self.derived_len += len;
    }

    /// Index of the segment containing derived byte `offset` (the last one if past the end).
    fn find(&self, offset: usize) -> Option<&Segment> {
        if self.segments.is_empty() {
            return None;
        }
        let i = self.segments.partition_point(|s| s.start <= offset);
        Some(&self.segments[i.saturating_sub(1)])
    }

    /// Original offset of the derived byte at `offset` (inclusive start of a range).
    pub fn start_of(&self, offset: usize) -> usize {
        match self.find(offset) {
            None => offset,
            Some(s) if offset >= s.start + s.len => s.src_start + s.src_len,
            Some(s) if s.linear => s.src_start + (offset - s.start),
            Some(s) => s.src_start,
        }
    }

    /// Original offset for an exclusive end `end` in the derived text.
    pub fn end_of(&self, end: usize) -> usize {
        if end == 0 {
            return self.start_of(0);
        }
        match self.find(end - 1) {
            None => end,
            Some(s) if s.linear => s.src_start + (end - s.start).min(s.len),
            Some(s) => s.src_start + s.src_len,
        }
    }

    /// Original range for a derived range.
    pub fn range(&self, r: Range<usize>) -> Range<usize> {
        if r.is_empty() {
            let at = self.start_of(r.start);
            return at..at;
        }
        self.start_of(r.start)..self.end_of(r.end)
    }

    /// Keep the part of the map covering derived bytes `r`, rebased to start at 0.
    pub fn slice(&self, r: Range<usize>) -> OffsetMap {
        let mut out = OffsetMap::new();
        let first = self
            .segments
            .partition_point(|s| s.start + s.len <= r.start);
        for s in &self.segments[first..] {
            if s.start >= r.end {
                break;
            }
            let lo = s.start.max(r.start);
            let hi = (s.start + s.len).min(r.end);
            if lo >= hi {
                continue;
            }
            if s.linear {
                out.push_copy(s.src_start + (lo - s.start), hi - lo);
            } else {
                out.push_replaced(hi - lo, s.src_start..s.src_start + s.src_len);
            }
        }
        out
    }

    /// Append `other`, whose derived text follows this one's.
    pub fn extend(&mut self, other: &OffsetMap) {
        for s in &other.segments {
            if s.linear {
                self.push_copy(s.src_start, s.len);
            } else {
                self.push_replaced(s.len, s.src_start..s.src_start + s.src_len);
            }
        }
    }

    /// Compact binary form for storage in the index (little-endian u32 fields).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.segments.len() * 13);
        for s in &self.segments {
            out.extend_from_slice(&(s.len as u32).to_le_bytes());
            out.extend_from_slice(&(s.src_start as u32).to_le_bytes());
            out.extend_from_slice(&(s.src_len as u32).to_le_bytes());
            out.push(s.linear as u8);
        }
        out
    }

    /// Inverse of [`OffsetMap::to_bytes`]; `None` if the bytes are damaged.
    pub fn from_bytes(bytes: &[u8]) -> Option<OffsetMap> {
        if !bytes.len().is_multiple_of(13) {
            return None;
        }
        let mut out = OffsetMap::new();
        for c in bytes.chunks_exact(13) {
            let len = u32::from_le_bytes(c[0..4].try_into().ok()?) as usize;
            let src_start = u32::from_le_bytes(c[4..8].try_into().ok()?) as usize;
            let src_len = u32::from_le_bytes(c[8..12].try_into().ok()?) as usize;
            out.segments.push(Segment {
                start: out.derived_len,
                len,
                src_start,
                src_len,
                linear: c[12] == 1,
            });
            out.derived_len += len;
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_and_replaced_segments_map_back() {
        // derived: `a"b` from original `a“b` (“ is 3 bytes)
        let mut m = OffsetMap::new();
        m.push_copy(0, 1);
        m.push_replaced(1, 1..4);
        m.push_copy(4, 1);
        assert_eq!(m.range(0..1), 0..1);
        assert_eq!(m.range(1..2), 1..4);
        assert_eq!(m.range(0..3), 0..5);
        assert_eq!(m.range(2..3), 4..5);
    }

    #[test]
    fn adjacent_copies_merge_and_bytes_round_trip() {
        let mut m = OffsetMap::new();
        m.push_copy(10, 5);
        m.push_copy(15, 5);
        m.push_replaced(2, 20..27);
        assert_eq!(m.segments().len(), 2);
        assert_eq!(OffsetMap::from_bytes(&m.to_bytes()), Some(m.clone()));
        assert_eq!(m.slice(3..11).range(0..8), 13..27);
    }
}
