//! BibTeX and BibLaTeX files, read with the `biblatex` crate (typst's: maintained, parses
//! names into parts and dates into years, months and days).
//!
//! The crate refuses a whole file for one error (and for a duplicate key), so the file is
//! first cut into its top-level `@type{…}` chunks here (balanced braces; an entry that is
//! never closed ends where the next line starting with `@type{` begins), and each chunk is
//! parsed on its own with the file's `@string` abbreviations. A chunk that fails is a
//! warning with its line; every other entry is kept.

use super::{files, line_at, normalize_doi, BibFile, Entry, Origin, Warning};
use crate::text::lines::LineIndex;
use biblatex::{
    Bibliography, ChunksExt, DateValue, Field, Pair, PermissiveType, RawBibliography, RawChunk,
};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

/// A top-level `@type{…}` (or `@type(…)`) of the file.
#[derive(Debug, PartialEq)]
struct Chunk {
    /// The entry type, lowercase (`article`, `string`, `comment`…).
    kind: String,
    span: Range<usize>,
    /// Whether its closing brace was found.
    closed: bool,
    /// The deepest its braces nest.
    depth: usize,
}

/// Braces nested deeper than this make an entry refused: real entries nest a few levels
/// (`{{Title}}`, `{\"{u}}`), and the parser's time grows steeply with the depth.
const MAX_BRACE_DEPTH: usize = 64;

/// Read a `.bib` file's text (`path` locates relative `file` paths and names warnings).
pub fn parse(text: &str, path: &Path) -> BibFile {
    let folder = path.parent().unwrap_or(Path::new("."));
    let lines = LineIndex::new(text);
    let chunks = chunks(text);
    let mut out = BibFile::default();
    let warn = |out: &mut BibFile, at: usize, message: String| {
        out.warnings.push(Warning {
            path: path.to_path_buf(),
            line: Some(line_at(&lines, at)),
            message,
        })
    };
    // Abbreviations first: `@string`s may come after the entries that use them.
    let mut abbreviations: HashMap<&str, Pair> = HashMap::new();
    for c in chunks.iter().filter(|c| c.kind == "string" && c.closed) {
        match RawBibliography::parse(&text[c.span.clone()]) {
            Ok(raw) => {
                for p in raw.abbreviations {
                    abbreviations.entry(p.key.v).or_insert(p);
                }
            }
            Err(e) => warn(&mut out, c.span.start + e.span.start, syntax(&e.kind)),
        }
    }
    for c in &chunks {
        if matches!(c.kind.as_str(), "string" | "comment" | "preamble") {
            continue;
        }
        if !c.closed {
            warn(
                &mut out,
                c.span.start,
                format!(
                    "entry @{} is never closed (a missing ‘}}’): skipped",
                    c.kind
                ),
            );
            continue;
        }
        if c.depth > MAX_BRACE_DEPTH {
            warn(
                &mut out,
                c.span.start,
                format!(
                    "entry @{} nests braces {} deep (at most {MAX_BRACE_DEPTH} are read): skipped",
                    c.kind, c.depth
                ),
            );
            continue;
        }
        let src = &text[c.span.clone()];
        let raw = match RawBibliography::parse(src) {
            Ok(raw) => raw,
            Err(e) => {
                warn(&mut out, c.span.start + e.span.start, syntax(&e.kind));
                continue;
            }
        };
        // Only the abbreviations this entry uses (and those they use): the work per entry
        // stays bounded by the entry, however many `@string`s the file has.
        let used = used_abbreviations(
            raw.entries
                .iter()
                .flat_map(|e| &e.v.fields)
                .map(|p| &p.value.v),
            &abbreviations,
        );
        let raw = RawBibliography {
            preamble: String::new(),
            entries: raw.entries,
            abbreviations: used,
        };
        match Bibliography::from_raw(raw) {
            Ok(bib) => {
                for e in bib.iter() {
                    out.entries.push(entry(
                        e,
                        line_at(&lines, c.span.start),
                        path,
                        folder,
                        c.span.clone(),
                    ));
                }
            }
            Err(e) => warn(&mut out, c.span.start, syntax(&e.kind)),
        }
    }
    out
}

/// The abbreviations that `fields` use, directly or through other abbreviations.
fn used_abbreviations<'s, 'f>(
    fields: impl Iterator<Item = &'f Field<'s>>,
    all: &HashMap<&'s str, Pair<'s>>,
) -> Vec<Pair<'s>>
where
    's: 'f,
{
    let names = |f: &Field<'s>| -> Vec<&'s str> {
        f.iter()
            .filter_map(|c| match c.v {
                RawChunk::Abbreviation(a) => Some(a),
                RawChunk::Normal(_) => None,
            })
            .collect()
    };
    let mut todo: Vec<&'s str> = fields.flat_map(names).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(n) = todo.pop() {
        if !seen.insert(n) {
            continue;
        }
        if let Some(p) = all.get(n) {
            todo.extend(names(&p.value.v));
            out.push(p.clone());
        }
    }
    out
}

fn syntax(kind: &biblatex::ParseErrorKind) -> String {
    format!("BibTeX syntax error: {kind}; this entry is skipped")
}

/// One parsed entry as sourced uses it.
fn entry(
    e: &biblatex::Entry,
    line: usize,
    path: &Path,
    folder: &Path,
    span: Range<usize>,
) -> Entry {
    let verbatim = |field: &str| {
        e.get(field)
            .map(|c| c.format_verbatim().trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let title = e
        .title()
        .ok()
        .map(|c| c.format_verbatim())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    let people = e.author().or_else(|_| {
        e.editors()
            .map(|v| v.into_iter().flat_map(|(p, _)| p).collect())
    });
    let authors = people
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let name = [p.given_name.as_str(), p.prefix.as_str(), p.name.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if p.suffix.is_empty() {
                name
            } else {
                format!("{name}, {}", p.suffix)
            }
        })
        .filter(|n| !n.is_empty())
        .collect();
    let date = match e.date() {
        Ok(PermissiveType::Typed(d)) => match d.value {
            DateValue::At(t)
            | DateValue::After(t)
            | DateValue::Before(t)
            | DateValue::Between(t, _) => Some(match (t.month, t.day) {
                (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", t.year, m + 1, d + 1),
                (Some(m), None) => format!("{:04}-{:02}", t.year, m + 1),
                _ => format!("{:04}", t.year),
            }),
        },
        Ok(PermissiveType::Chunks(c)) => Some(c.format_verbatim()).filter(|s| !s.is_empty()),
        Err(_) => None,
    };
    Entry {
        key: e.key.clone(),
        title,
        authors,
        date,
        files: verbatim("file")
            .or_else(|| verbatim("pdf"))
            .map(|f| files::paths(&f, folder))
            .unwrap_or_default(),
        url: verbatim("url"),
        doi: verbatim("doi").and_then(|d| normalize_doi(&d)),
        origin: Origin {
            path: path.to_path_buf(),
            line,
            span,
        },
    }
}

/// The top-level `@type{…}` chunks of a file, in order. Text between them is a comment
/// (BibTeX ignores it).
fn chunks(text: &str) -> Vec<Chunk> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'@' {
            i += 1;
            continue;
        }
        let Some((kind, open)) = header(b, i) else {
            i += 1;
            continue;
        };
        let close = if b[open] == b'(' { b')' } else { b'}' };
        let mut depth = 0usize;
        let mut deepest = 0usize;
        let mut j = open + 1;
        let mut end = None;
        while j < b.len() {
            match b[j] {
                b'{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                b'}' if depth > 0 => depth -= 1,
                c if c == close && depth == 0 => {
                    end = Some(j + 1);
                    break;
                }
                b'\n' if j + 1 < b.len() && b[j + 1] == b'@' && header(b, j + 1).is_some() => {
                    // The next entry starts at the beginning of a line: this one was never
                    // closed.
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let (span_end, closed) = match end {
            Some(e) => (e, true),
            None => (j, false),
        };
        out.push(Chunk {
            kind,
            span: i..span_end,
            closed,
            depth: deepest,
        });
        i = span_end.max(i + 1);
    }
    out
}

/// At `@` (byte `at`): the entry type and the offset of its opening `{` or `(`.
fn header(b: &[u8], at: usize) -> Option<(String, usize)> {
    let mut j = at + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-') {
        j += 1;
    }
    if j == at + 1 {
        return None;
    }
    let kind = String::from_utf8_lossy(&b[at + 1..j]).to_ascii_lowercase();
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    (j < b.len() && (b[j] == b'{' || b[j] == b'(')).then_some((kind, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crate_alone_refuses_a_whole_file_for_one_error_which_is_why_chunks() {
        let text = "@misc{a, title = {A}}\n@misc{b, title = {B} year = 1}\n@misc{c, title = {C}}\n";
        assert!(Bibliography::parse(text).is_err());
        let keys: Vec<String> = parse(text, Path::new("/x.bib"))
            .entries
            .into_iter()
            .map(|e| e.key)
            .collect();
        assert_eq!(keys, ["a", "c"]);
    }

    #[test]
    fn braces_nested_too_deep_skip_the_entry_with_a_warning() {
        let deep = format!("{}x{}", "{".repeat(1000), "}".repeat(1000));
        let text = format!("@misc{{ok, title = {{A}}}}\n@misc{{deep, title = {deep}}}\n");
        let f = parse(&text, Path::new("/x.bib"));
        let keys: Vec<&str> = f.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["ok"]);
        assert_eq!(f.warnings.len(), 1);
        assert_eq!(f.warnings[0].line, Some(2));
        assert!(
            f.warnings[0].message.contains("1000 deep"),
            "{}",
            f.warnings[0]
        );
    }

    #[test]
    fn string_abbreviations_are_used_wherever_they_are_defined() {
        let text = "@misc{a, publisher = pub # \" Press\"}\n@string{pub = inner # \"rint\"}\n@string{inner = \"Imp\"}\n@string{unused = \"x\"}\n";
        let f = parse(text, Path::new("/x.bib"));
        assert_eq!(f.warnings, []);
        assert_eq!(f.entries.len(), 1);
        // Only what the entry uses goes along with it.
        let strings = RawBibliography::parse(&text[text.find("@string").unwrap()..]).unwrap();
        let all: HashMap<&str, Pair> = strings
            .abbreviations
            .into_iter()
            .map(|p| (p.key.v, p))
            .collect();
        let entry = RawBibliography::parse(&text[..text.find('\n').unwrap()]).unwrap();
        let mut used: Vec<&str> = used_abbreviations(
            entry
                .entries
                .iter()
                .flat_map(|e| &e.v.fields)
                .map(|p| &p.value.v),
            &all,
        )
        .into_iter()
        .map(|p| p.key.v)
        .collect();
        used.sort();
        assert_eq!(used, ["inner", "pub"]);
    }

    #[test]
    fn chunks_are_cut_at_balanced_braces_and_at_the_next_entry_when_unclosed() {
        let text = "% comment @ here\n@article{a, title = {X {Y}}}\n@book{b, title = {open\n@misc{c, title = {Z}}\n";
        let got: Vec<(String, bool, usize)> = chunks(text)
            .into_iter()
            .map(|c| (text[c.span].to_string(), c.closed, c.depth))
            .collect();
        assert_eq!(
            got,
            [
                ("@article{a, title = {X {Y}}}".to_string(), true, 2),
                ("@book{b, title = {open".to_string(), false, 1),
                ("@misc{c, title = {Z}}".to_string(), true, 1),
            ]
        );
    }
}
