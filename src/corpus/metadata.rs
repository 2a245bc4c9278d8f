//! Source metadata: title, author, date, publisher and citation id, from front matter,
//! HTML `<meta>` tags, or the first lines of the text ("By NAME", "Publisher, March 17, 2020").

use crate::text::html::HtmlMeta;
use crate::text::markdown::{BlockKind, Document};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// What is known about a source document. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Citation key from front matter `id:`; the file stem is always a key too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// For a page of a web archive: the address it was captured from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// For a page of a web archive: when it was captured (the record's `WARC-Date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<String>,
    /// DOI from front matter `doi:` or HTML `citation_doi` / `dc.identifier`, normalised
    /// ([`normalize_doi`]): bibliography entries resolve to the source through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Whose words the whole text is (a speech, a statement), from front matter `speaker:`:
    /// the narration's speaker for speaker checks, over every `[[speaker]]` rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

impl Metadata {
    /// How a person names the source in a list, a heading or a message: its title, else
    /// the file stem of `path` (never the whole path, never nothing). See [`label_of`].
    pub fn label(&self, path: &str) -> String {
        label_of(self.title.as_deref(), path)
    }

    /// Who wrote it and when, as far as known: `Robert Inlakesh, 2024-01-05`, or empty.
    pub fn byline(&self) -> String {
        byline_of(self.author.as_deref(), self.date.as_deref())
    }
}

/// A source's name for people: its title (whitespace collapsed), else the file stem of
/// `path` (hash-named files included: a stem is still a valid citation key). One function
/// for every front end, so a source is named the same in the editor, the terminal and the
/// HTML report.
pub fn label_of(title: Option<&str>, path: &str) -> String {
    if let Some(t) = title.map(str::trim).filter(|t| !t.is_empty()) {
        return t.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    std::path::Path::new(path)
        .file_stem()
        .map_or_else(|| path.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Author and date, comma separated, as far as known (empty when neither is).
pub fn byline_of(author: Option<&str>, date: Option<&str>) -> String {
    [author, date]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A DOI as compared: lowercase, without a resolver prefix (`https://doi.org/`,
/// `http://dx.doi.org/`, `doi:`) or percent-escapes; `None` if what is left does not look
/// like a DOI (`10.`…`/`…).
pub fn normalize_doi(s: &str) -> Option<String> {
    let mut d = s.trim().to_lowercase();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi.org/",
        "doi:",
        "info:doi/",
    ] {
        if let Some(rest) = d.strip_prefix(prefix) {
            d = rest.trim().to_string();
        }
    }
    let d = percent_encoding::percent_decode_str(&d)
        .decode_utf8_lossy()
        .into_owned();
    (d.starts_with("10.") && d.contains('/') && !d.contains(char::is_whitespace)).then_some(d)
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)\s+\d{1,2},?\s+\d{4}\b
        | \b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}\b
        | \b\d{4}-\d{2}-\d{2}\b",
    )
    .expect("date regex")
});

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:by)\s+([\p{Lu}][\p{L}.'’-]*(?:\s+[\p{Lu}][\p{L}.'’-]*){0,4})")
        .expect("byline regex")
});

/// How many leading blocks count as the header of a document.
const HEADER_BLOCKS: usize = 12;
/// A paragraph this long is body text: the header ends before it.
const BODY_WORDS: usize = 30;

/// Fields of a YAML front matter block, read as flat `key: value` lines.
fn front_matter_field(front: &str, keys: &[&str]) -> Option<String> {
    let mut lines = front.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        if !keys.contains(&k.trim().to_ascii_lowercase().as_str())
            || line.starts_with(char::is_whitespace)
        {
            continue;
        }
        let mut v = v.trim().to_string();
        if v.is_empty() {
            // A YAML list on the next lines: take its first item.
            if let Some(item) = lines.peek().and_then(|l| l.trim().strip_prefix("- ")) {
                v = item.trim().to_string();
            }
        }
        let v = v.trim_matches(|c| c == '"' || c == '\'').trim().to_string();
        if !v.is_empty() {
            return Some(v);
        }
    }
    None
}

/// Find metadata for a document (`doc` is its visible text blocks).
pub fn extract(doc: &Document, html: Option<&HtmlMeta>) -> Metadata {
    let mut meta = Metadata::default();
    if let Some(front) = &doc.front_matter {
        meta.title = front_matter_field(front, &["title"]);
        meta.author = front_matter_field(front, &["author", "authors", "byline"]);
        meta.date = front_matter_field(front, &["date", "published", "pubdate"]);
        meta.publisher = front_matter_field(front, &["publisher", "source", "site", "outlet"]);
        meta.id = front_matter_field(front, &["id", "key"]);
        meta.doi = front_matter_field(front, &["doi"]).and_then(|d| normalize_doi(&d));
        meta.speaker = front_matter_field(front, &["speaker"]);
    }
    if let Some(h) = html {
        meta.title = meta.title.take().or_else(|| h.title.clone());
        meta.author = meta.author.take().or_else(|| h.author.clone());
        meta.date = meta.date.take().or_else(|| h.date.clone());
        meta.publisher = meta.publisher.take().or_else(|| h.publisher.clone());
        meta.doi = meta
            .doi
            .take()
            .or_else(|| h.doi.as_deref().and_then(normalize_doi));
    }

    let header: Vec<_> = doc
        .blocks
        .iter()
        .take(HEADER_BLOCKS)
        .take_while(|b| b.text.split_whitespace().count() < BODY_WORDS)
        .collect();
    let mut byline_block = None;
    let mut date_block = None;
    for (i, b) in header.iter().enumerate() {
        let text = b.text.trim();
        if meta.author.is_none() {
            if let Some(c) = BYLINE.captures(text) {
                meta.author = Some(c[1].trim().to_string());
                byline_block = Some(i);
            }
        }
        if meta.date.is_none() {
            if let Some(m) = DATE.find(text) {
                meta.date = Some(m.as_str().to_string());
                date_block = Some(i);
                let before = text[..m.start()].trim().trim_end_matches(',').trim();
                if meta.publisher.is_none()
                    && !before.is_empty()
                    && before.split_whitespace().count() <= 5
                {
                    meta.publisher = Some(before.to_string());
                }
            }
        }
    }
    if meta.title.is_none() {
        let candidates = || {
            header
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != byline_block && Some(*i) != date_block)
        };
        meta.title = candidates()
            .find(|(_, b)| b.kind == BlockKind::Heading)
            .or_else(|| candidates().find(|(_, b)| b.text.split_whitespace().count() >= 4))
            .or_else(|| candidates().next())
            .map(|(_, b)| b.text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    meta
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_source_is_labelled_by_its_title_else_its_file_stem() {
        assert_eq!(
            label_of(
                Some("  Iraq Wants\n to Kick Out US Troops "),
                "seeds/003_0afb.txt"
            ),
            "Iraq Wants to Kick Out US Troops"
        );
        assert_eq!(
            label_of(None, "seeds/003_0afb694efec83e04.txt"),
            "003_0afb694efec83e04"
        );
        assert_eq!(label_of(Some(" "), "a/b/report.pdf"), "report");
        assert_eq!(
            byline_of(Some("Robert Inlakesh"), Some("2024-01-05")),
            "Robert Inlakesh, 2024-01-05"
        );
        assert_eq!(byline_of(None, Some("2024")), "2024");
        assert_eq!(byline_of(None, None), "");
    }

    use super::*;
    use crate::text::markdown;

    #[test]
    fn header_lines_give_title_author_date_publisher() {
        let doc = markdown::parse("\n# US Kills Iraqis\n\nBy [Tony Cartalucci](#)\n\nGlobal Research, March 17, 2020\n\nBody.\n");
        let m = extract(&doc, None);
        assert_eq!(m.title.as_deref(), Some("US Kills Iraqis"));
        assert_eq!(m.author.as_deref(), Some("Tony Cartalucci"));
        assert_eq!(m.date.as_deref(), Some("March 17, 2020"));
        assert_eq!(m.publisher.as_deref(), Some("Global Research"));
    }

    #[test]
    fn short_site_lines_are_not_titles_and_front_matter_wins() {
        let doc = markdown::parse("Most Popular\n\nThe US Is Occupying Iraq For A Second Time\n\nby Stephen Lendman ( – Home)\n");
        let m = extract(&doc, None);
        assert_eq!(
            m.title.as_deref(),
            Some("The US Is Occupying Iraq For A Second Time")
        );
        assert_eq!(m.author.as_deref(), Some("Stephen Lendman"));
        let doc = markdown::parse(
            "---\ntitle: \"Real\"\nauthors:\n  - Jo Bloggs\nid: rep1\n---\n# Other\n",
        );
        let m = extract(&doc, None);
        assert_eq!(
            (m.title.as_deref(), m.author.as_deref(), m.id.as_deref()),
            (Some("Real"), Some("Jo Bloggs"), Some("rep1"))
        );
    }

    #[test]
    fn doi_from_front_matter_and_html_normalised() {
        let doc = markdown::parse("---\ndoi: https://doi.org/10.1234/ABC\n---\nText.\n");
        assert_eq!(extract(&doc, None).doi.as_deref(), Some("10.1234/abc"));
        let (doc, html) = crate::text::html::parse(
            r#"<html><head><meta name="dc.identifier" content="ISBN 123"><meta name="citation_doi" content="doi:10.5555/X1"></head><body><p>Hi.</p></body></html>"#,
        );
        assert_eq!(
            extract(&doc, Some(&html)).doi.as_deref(),
            Some("10.5555/x1")
        );
    }
}
