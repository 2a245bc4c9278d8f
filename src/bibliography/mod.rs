//! Bibliographies: BibTeX/BibLaTeX and CSL JSON files, as Zotero and Better BibTeX export
//! them, read into entries that citation keys resolve through.
//!
//! - `bibtex`: `.bib` files (the `biblatex` crate, one top-level entry at a time, so that one
//!   broken entry is a warning with its line and every other entry is kept);
//! - `csl`: CSL JSON files (serde, one array element at a time, likewise);
//! - `files`: a `file` field (Zotero's `Desc:path:mime;…`, Better BibTeX's plain paths) to
//!   paths;
//! - `front_matter`: the `bibliography:` of a note's YAML front matter;
//! - `cache`: files read once and read again only when they change on disk.
//!
//! Invariants: reading never fails as a whole (a missing or unreadable file, a syntax error,
//! a duplicate key: each is a [`Warning`] with its file and, where there is one, its line);
//! every [`Entry::files`] path is absolute (resolved against the bibliography's folder);
//! [`Entry::doi`] is normalised ([`normalize_doi`]); the first entry of a key wins.

pub mod bibtex;
pub mod cache;
pub mod csl;
pub mod files;
pub mod front_matter;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use crate::corpus::metadata::normalize_doi;
pub use cache::BibCache;

/// A bibliography file larger than this is refused (Zotero libraries of 10,000 items export
/// to ~10 MB).
pub const MAX_BIB_BYTES: u64 = 32 << 20;

/// One reference of a bibliography.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The citation key (`[@key]`).
    pub key: String,
    pub title: Option<String>,
    /// Names as a person reads them (`Given Family`, or an organisation's name).
    pub authors: Vec<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` when known, else the date as written.
    pub date: Option<String>,
    /// Attached files, absolute.
    pub files: Vec<PathBuf>,
    pub url: Option<String>,
    /// Lowercase, without `https://doi.org/` or `doi:`.
    pub doi: Option<String>,
    pub origin: Origin,
}

/// Where an entry is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The bibliography file.
    pub path: PathBuf,
    /// Bytes of the entry in that file.
    pub span: Range<usize>,
    /// 1-based line where the entry starts.
    pub line: usize,
}

impl Origin {
    /// Where the entry is written, as a person names it: `refs.bib:12`.
    pub fn label(&self) -> String {
        let file = self.path.file_name().unwrap_or_default().to_string_lossy();
        format!("{file}:{}", self.line)
    }
}

/// What an entry points at, through which it may name sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    File(&'a Path),
    Doi(&'a str),
    Url(&'a str),
}

impl Entry {
    /// Its files, then its DOI, then its URL.
    pub fn targets(&self) -> impl Iterator<Item = Target<'_>> {
        self.files
            .iter()
            .map(|f| Target::File(f))
            .chain(self.doi.as_deref().map(Target::Doi))
            .chain(self.url.as_deref().map(Target::Url))
    }

    /// The year of [`Entry::date`], if it starts with one.
    pub fn year(&self) -> Option<&str> {
        let d = self.date.as_deref()?;
        let y = d.get(..4)?;
        y.chars().all(|c| c.is_ascii_digit()).then_some(y)
    }

    /// `Family (year)`, `Family et al. (year)`, as completion details show an entry.
    pub fn short_byline(&self) -> String {
        let family = |a: &String| a.rsplit(' ').next().unwrap_or(a).to_string();
        let who = match self.authors.as_slice() {
            [] => String::new(),
            [a] => family(a),
            [a, b] => format!("{} and {}", family(a), family(b)),
            [a, ..] => format!("{} et al.", family(a)),
        };
        match (who.is_empty(), self.year()) {
            (false, Some(y)) => format!("{who} ({y})"),
            (false, None) => who,
            (true, Some(y)) => format!("({y})"),
            (true, None) => String::new(),
        }
    }

    /// Fill what `meta` lacks (title, author, date) from this entry.
    pub fn enrich(&self, meta: &mut crate::corpus::Metadata) {
        if meta.title.is_none() {
            meta.title = self.title.clone();
        }
        if meta.author.is_none() && !self.authors.is_empty() {
            meta.author = Some(self.authors.join(", "));
        }
        if meta.date.is_none() {
            meta.date = self.date.clone();
        }
        if meta.doi.is_none() {
            meta.doi = self.doi.clone();
        }
    }
}

/// A problem reading a bibliography: the rest of it is still used.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Warning {
    pub path: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// What one bibliography file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BibFile {
    pub entries: Vec<Entry>,
    pub warnings: Vec<Warning>,
}

/// Read one bibliography file: CSL JSON if it ends in `.json`, else BibTeX/BibLaTeX.
pub fn read_file(path: &Path) -> BibFile {
    let warn = |message: String| BibFile {
        entries: Vec::new(),
        warnings: vec![Warning {
            path: path.to_path_buf(),
            line: None,
            message,
        }],
    };
    let bytes = match crate::disk::read_bounded(path, MAX_BIB_BYTES, true) {
        Ok(b) => b,
        Err(e) => return warn(format!("bibliography not read: {e}")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        csl::parse(text, path)
    } else {
        bibtex::parse(text, path)
    }
}

/// The entries of several bibliography files, looked up by key.
#[derive(Debug, Clone, Default)]
pub struct Bibliography {
    entries: Vec<Entry>,
    by_key: HashMap<String, usize>,
    /// The files it was read from, in order.
    pub files: Vec<PathBuf>,
    pub warnings: Vec<Warning>,
}

impl Bibliography {
    /// Bring files together; a key already seen is a warning and the first entry stays.
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a Path, &'a BibFile)>) -> Self {
        let mut bib = Bibliography::default();
        for (path, file) in files {
            bib.files.push(path.to_path_buf());
            bib.warnings.extend(file.warnings.iter().cloned());
            for e in &file.entries {
                if let Some(&first) = bib.by_key.get(&e.key) {
                    // The same file read twice (workspace and front matter) is no duplicate.
                    if bib.entries[first].origin != e.origin {
                        bib.warnings.push(Warning {
                            path: e.origin.path.clone(),
                            line: Some(e.origin.line),
                            message: format!(
                                "duplicate key ‘{}’: the entry at {}:{} is used",
                                e.key,
                                bib.entries[first].origin.path.display(),
                                bib.entries[first].origin.line
                            ),
                        });
                    }
                    continue;
                }
                bib.by_key.insert(e.key.clone(), bib.entries.len());
                bib.entries.push(e.clone());
            }
        }
        bib
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.by_key.get(key).map(|&i| &self.entries[i])
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `path` is one of the files this bibliography was read from.
    pub fn reads(&self, path: &Path) -> bool {
        self.files.iter().any(|f| f == path)
    }
}

/// 1-based line of byte `offset`, through the file's line index (built once per file: entry
/// after entry, counting from the start each time would be quadratic).
fn line_at(lines: &crate::text::lines::LineIndex, offset: usize) -> usize {
    lines.line_of(offset).0 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_byline_names_families_and_year() {
        let e = |authors: &[&str], date: Option<&str>| Entry {
            key: "k".into(),
            title: None,
            authors: authors.iter().map(|s| s.to_string()).collect(),
            date: date.map(String::from),
            files: Vec::new(),
            url: None,
            doi: None,
            origin: Origin {
                path: PathBuf::new(),
                span: 0..0,
                line: 1,
            },
        };
        assert_eq!(
            e(&["Tony Cartalucci"], Some("2020-03-17")).short_byline(),
            "Cartalucci (2020)"
        );
        assert_eq!(e(&["A B", "C D", "E F"], None).short_byline(), "B et al.");
        assert_eq!(e(&[], Some("n.d.")).short_byline(), "");
    }
}
