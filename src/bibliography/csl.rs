//! CSL JSON files (Zotero's "Export Library → CSL JSON", Better CSL JSON): an array of items
//! with `id`, `title`, `author` (`{family, given}` or `{literal}`), `issued` (`date-parts`
//! or `raw`), `URL`, `DOI`, and Better BibTeX's `file` when present.
//!
//! The array is cut into its top-level elements here (strings and escapes honoured) and each
//! is read with serde on its own: an element that is not a valid item is a warning with its
//! line, and the others are kept.

use super::{files, line_at, normalize_doi, BibFile, Entry, Origin, Warning};
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Item {
    id: Id,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Vec<Name>,
    #[serde(default)]
    editor: Vec<Name>,
    #[serde(default)]
    issued: Option<Issued>,
    #[serde(default, rename = "URL")]
    url: Option<String>,
    #[serde(default, rename = "DOI")]
    doi: Option<String>,
    #[serde(default)]
    file: Option<FileField>,
}

/// Zotero writes string ids; some tools write numbers.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(serde_json::Number),
}

#[derive(Debug, Default, Deserialize)]
struct Name {
    #[serde(default)]
    family: Option<String>,
    #[serde(default)]
    given: Option<String>,
    #[serde(default, rename = "non-dropping-particle")]
    particle: Option<String>,
    #[serde(default)]
    literal: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Issued {
    #[serde(default, rename = "date-parts")]
    date_parts: Option<Vec<Vec<DatePart>>>,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default)]
    literal: Option<String>,
}

/// A year, month or day: a number, or a number in a string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DatePart {
    Number(i64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FileField {
    One(String),
    Many(Vec<String>),
}

/// Read a CSL JSON file's text.
pub fn parse(text: &str, path: &Path) -> BibFile {
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut out = BibFile::default();
    let lines = crate::text::lines::LineIndex::new(text);
    let (elements, broken) = elements(text);
    if let Some((at, message)) = broken {
        out.warnings.push(Warning {
            path: path.to_path_buf(),
            line: Some(line_at(&lines, at)),
            message,
        });
    }
    for span in elements {
        let src = &text[span.clone()];
        let line = line_at(&lines, span.start);
        match serde_json::from_str::<Item>(src) {
            Ok(item) => out.entries.push(entry(item, path, folder, span, line)),
            Err(e) => out.warnings.push(Warning {
                path: path.to_path_buf(),
                line: Some(line + e.line().saturating_sub(1)),
                message: format!("not a CSL JSON item: {e}; this item is skipped"),
            }),
        }
    }
    out
}

fn entry(item: Item, path: &Path, folder: &Path, span: Range<usize>, line: usize) -> Entry {
    let names = if item.author.is_empty() {
        &item.editor
    } else {
        &item.author
    };
    let authors = names
        .iter()
        .filter_map(|n| {
            if let Some(l) = &n.literal {
                return Some(l.trim().to_string());
            }
            let parts: Vec<&str> = [&n.given, &n.particle, &n.family]
                .into_iter()
                .flatten()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
        .collect();
    let date = item.issued.and_then(|i| {
        let parts = i.date_parts.as_ref().and_then(|d| d.first()).map(|p| {
            p.iter()
                .filter_map(|x| match x {
                    DatePart::Number(n) => Some(*n),
                    DatePart::Text(t) => t.trim().parse().ok(),
                })
                .collect::<Vec<i64>>()
        });
        match parts.as_deref() {
            Some([y, m, d, ..]) => Some(format!("{y:04}-{m:02}-{d:02}")),
            Some([y, m]) => Some(format!("{y:04}-{m:02}")),
            Some([y]) => Some(format!("{y:04}")),
            _ => i.raw.or(i.literal).filter(|s| !s.trim().is_empty()),
        }
    });
    let files = match item.file {
        Some(FileField::One(f)) => files::paths(&f, folder),
        Some(FileField::Many(v)) => v.iter().flat_map(|f| files::paths(f, folder)).collect(),
        None => Vec::new(),
    };
    Entry {
        key: match item.id {
            Id::Text(s) => s,
            Id::Number(n) => n.to_string(),
        },
        title: item
            .title
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty()),
        authors,
        date,
        files,
        url: item.url.filter(|u| !u.trim().is_empty()),
        doi: item.doi.as_deref().and_then(normalize_doi),
        origin: Origin {
            path: path.to_path_buf(),
            span,
            line,
        },
    }
}

/// The byte spans of the elements of the top-level JSON array (a single top-level object is
/// one element), and where and why the structure is broken if it is (the elements complete
/// before that point are kept).
fn elements(text: &str) -> (Vec<Range<usize>>, Option<(usize, String)>) {
    let b = text.as_bytes();
    let Some(start) = b.iter().position(|c| !c.is_ascii_whitespace()) else {
        return (Vec::new(), Some((0, "empty CSL JSON file".to_string())));
    };
    if b[start] == b'{' {
        let end = text.trim_end().len();
        return (std::iter::once(start..end).collect(), None);
    }
    if b[start] != b'[' {
        let message = "not CSL JSON: expected an array of items".to_string();
        return (Vec::new(), Some((start, message)));
    }
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut element: Option<usize> = None;
    for (i, &c) in b.iter().enumerate().skip(start + 1) {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => {
                in_string = true;
                element.get_or_insert(i);
            }
            b'{' | b'[' => {
                depth += 1;
                element.get_or_insert(i);
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                if let Some(s) = element.take() {
                    out.push(s..text[..i].trim_end().len());
                }
                if c == b']' {
                    return (out, None);
                }
            }
            c if !c.is_ascii_whitespace() => {
                element.get_or_insert(i);
            }
            _ => {}
        }
    }
    let message = "CSL JSON array never closed (a missing ‘]’ or ‘}’): the items from this line on are skipped";
    (out, Some((element.unwrap_or(start), message.into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_honour_strings_and_nesting() {
        let text = r#"[ {"id":"a","title":"x, ] }"}, {"id":"b","author":[{"family":"F"}]} ]"#;
        let got: Vec<&str> = elements(text).0.into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            [
                r#"{"id":"a","title":"x, ] }"}"#,
                r#"{"id":"b","author":[{"family":"F"}]}"#
            ]
        );
    }
}
