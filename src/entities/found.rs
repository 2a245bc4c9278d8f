//! What extraction finds in one source, as stored in the index (JSON in the file document's
//! `entities` field) and read back to build the [`super::EntityTable`].

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What an entity is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    #[default]
    Other,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
            EntityKind::Other => "other",
        }
    }

    /// Parse `person`, `organization` (or `organisation`, `org`), `place`, `other`.
    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "person" | "per" => EntityKind::Person,
            "organization" | "organisation" | "org" => EntityKind::Organization,
            "place" | "location" | "loc" | "gpe" => EntityKind::Place,
            "other" | "misc" => EntityKind::Other,
            _ => return None,
        })
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything one source says about one entity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// The fullest name the source uses.
    pub name: String,
    pub kind: EntityKind,
    /// Only seen where any capitalised word may stand (sentence starts, title-case lines):
    /// kept only when another source confirms the name.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub weak: bool,
    /// Every surface form as written (possessives removed), with how often it occurs.
    pub aliases: Vec<(String, u32)>,
    /// Role titles (`Prime Minister`, `commander`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<FoundDescription>,
    /// Byte ranges of the mentions in the source file, as flat `start, end` pairs in order
    /// (stored as deltas: each start from the previous start, each end from its start).
    #[serde(rename = "m", with = "deltas")]
    pub mentions: Vec<usize>,
    /// 1-based line and column (in characters) of the first mention in the file; 0 when the
    /// file could not be read to find them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub column: u32,
    /// The sentence around the first mention (visible text, trimmed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context: String,
}

impl Found {
    /// Mention ranges in the source file.
    pub fn mention_ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.mentions.chunks_exact(2).map(|p| p[0]..p[1])
    }

    pub fn mention_count(&self) -> usize {
        self.mentions.len() / 2
    }

    pub fn first_range(&self) -> Option<Range<usize>> {
        self.mention_ranges().next()
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A description from the text (an appositive, a role phrase, an "X is a …" clause).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoundDescription {
    pub text: String,
    /// Byte range in the source file.
    pub start: usize,
    pub end: usize,
}

/// The entities of one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceEntities {
    pub found: Vec<Found>,
}

impl SourceEntities {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<SourceEntities> {
        serde_json::from_str(s).ok()
    }

    /// Fill in line, column (1-based, in characters) of each first mention from the file's
    /// text: one pass over the text up to the last first mention, in file order (linear even
    /// for a huge single-line file).
    pub fn locate(&mut self, file_text: &str) {
        let mut order: Vec<(usize, usize)> = self
            .found
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let r = f.first_range()?;
                Some((crate::text::lines::floor_boundary(file_text, r.start), i))
            })
            .collect();
        order.sort_unstable();
        let bytes = file_text.as_bytes();
        let chars = |b: &[u8]| b.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        // Line number and characters since the line start, at byte `at`.
        let (mut line, mut column, mut at) = (1usize, 0usize, 0usize);
        for (offset, i) in order {
            let segment = &bytes[at..offset];
            match segment.iter().rposition(|&b| b == b'\n') {
                Some(last) => {
                    line += segment.iter().filter(|&&b| b == b'\n').count();
                    column = chars(&segment[last + 1..]);
                }
                None => column += chars(segment),
            }
            at = offset;
            self.found[i].line = line as u32;
            self.found[i].column = column as u32 + 1;
        }
    }
}

/// Mention ranges stored compactly: `[start0, len0, start1 - start0, len1, …]`.
mod deltas {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(flat: &[usize], s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::with_capacity(flat.len());
        let mut prev = 0;
        for p in flat.chunks_exact(2) {
            out.push(p[0].saturating_sub(prev));
            out.push(p[1].saturating_sub(p[0]));
            prev = p[0];
        }
        out.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<usize>, D::Error> {
        let v: Vec<usize> = Vec::deserialize(d)?;
        let mut out = Vec::with_capacity(v.len());
        let mut prev = 0;
        for p in v.chunks_exact(2) {
            let start = prev + p[0];
            out.push(start);
            out.push(start + p[1]);
            prev = start;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_gives_lines_and_character_columns() {
        let text = "Iraq\nIn Bagdad and\r\n« Tehran »\nIraq";
        let at = |w: &str| text.find(w).unwrap();
        let found = |s: usize, n: usize| Found {
            mentions: vec![s, s + n],
            ..Default::default()
        };
        let mut se = SourceEntities {
            found: vec![found(at("Tehran"), 6), found(0, 4), found(at("Bagdad"), 6)],
        };
        se.locate(text);
        let got: Vec<(u32, u32)> = se.found.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(got, [(3, 3), (1, 1), (2, 4)]);
        // The same as the line index gives.
        let lines = crate::text::lines::LineIndex::new(text);
        assert_eq!(lines.line_col(text, at("Tehran")), (3, 3));
    }

    #[test]
    fn mentions_round_trip_through_json() {
        let se = SourceEntities {
            found: vec![Found {
                name: "Iraq".into(),
                mentions: vec![10, 14, 120, 124, 125, 131],
                aliases: vec![("Iraq".into(), 3)],
                ..Default::default()
            }],
        };
        let json = se.to_json();
        assert!(json.contains("\"m\":[10,4,110,4,5,6]"), "{json}");
        assert_eq!(SourceEntities::from_json(&json).unwrap(), se);
    }
}
