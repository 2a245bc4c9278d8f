//! The machine-readable report of a check: what `--format json` prints, and what every other
//! format is rendered from. Positions are 1-based lines and columns in characters;
//! `end_column` is just past the last character.

use crate::check::{QuoteResult, UnknownCitation};
use crate::corpus::discover::source_path;
use crate::corpus::rendition::{clock, Span};
use crate::index::{Retriever, SourceInfo};
use crate::quotes::verdict::{DiffOp, Finding, SourceMatch, Status};
use crate::text::lines::LineIndex;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub quotes: Vec<QuoteReport>,
    /// Citations that name no source (a key no source has, a link to a missing file).
    pub unknown_citations: Vec<UnknownCitationReport>,
    pub summary: Summary,
    /// Set when the index could not be brought up to date before the check (another process
    /// held its writer, its folder cannot be written): why. The verdicts then come from the
    /// index as it was last completely built. Absent when the index was up to date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale_index: Option<String>,
}

/// Fill what the sources of judged quotations lack (title, author, date) from the
/// bibliography entry they were cited with: a verified or mismatched quotation was found in
/// a source of its citation.
pub fn enrich(quotes: &mut [QuoteReport], bib: &crate::bibliography::Bibliography) {
    for q in quotes {
        if !matches!(
            q.status,
            Status::Verified | Status::Mismatch | Status::WrongSpeaker
        ) {
            continue;
        }
        let (Some(key), Some(source)) = (&q.cited, &mut q.source) else {
            continue;
        };
        let Some(e) = bib.get(key) else {
            continue;
        };
        let mut meta = crate::corpus::Metadata {
            title: source.title.take(),
            author: source.author.take(),
            date: source.date.take(),
            ..Default::default()
        };
        e.enrich(&mut meta);
        source.title = meta.title;
        source.author = meta.author;
        source.date = meta.date;
    }
}

/// A citation that names no source, where it is, and the sources it may have meant.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownCitationReport {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The key or link destination as written.
    pub citation: String,
    /// `unknown-key` (in no bibliography, of no source), `entry-without-source` (a
    /// bibliography entry none of whose files, DOI or URL is a source) or `missing-file`.
    pub kind: &'static str,
    /// For `entry-without-source`: the bibliography file of the entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bibliography: Option<String>,
    /// Keys it may have meant (bibliography entries and sources), nearest first.
    pub nearest: Vec<NearestSource>,
    /// What a person reads: what names nothing, and the nearest sources.
    pub message: String,
    /// What names nothing, without the nearest sources (the human output's title; its
    /// `help:` names them).
    #[serde(skip)]
    pub problem: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NearestSource {
    pub key: String,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub verified: usize,
    pub mismatch: usize,
    pub not_found: usize,
    pub misattributed: usize,
    /// Quotations whose words the source gives to another speaker than the note does.
    pub wrong_speaker: usize,
    /// Quotations whose note names a speaker the source does not name (counted apart: their
    /// status is their words' verdict).
    pub speaker_unknown: usize,
    /// Quotations too long to check (`too-long`); left out of the JSON when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub too_long: usize,
    pub unknown_citations: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteReport {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: String,
    pub status: Status,
    /// The citation the verdict was judged against, as written (the one of the group whose
    /// source holds the passage, else the first that names a source), or `null`.
    pub cited: Option<String>,
    /// Every citation that applies to the quotation, as written (keys and links), unknown
    /// ones included.
    pub citations: Vec<String>,
    pub source: Option<SourceReport>,
    pub similarity: f32,
    pub diff: Vec<DiffOp>,
    /// What the differences are beyond their words (`kind` and `message`): why a quotation
    /// whose words all match is still not verified, unmarked omissions, joined or reordered
    /// words, brackets that stand for too much.
    pub findings: Vec<Finding>,
    /// Who said it: the note's claim, the source's speaker, and the verdict.
    pub speaker: SpeakerReport,
}

/// The speaker check of one quotation.
#[derive(Debug, Clone, Serialize)]
pub struct SpeakerReport {
    /// The speaker the note names, as written (`null`: the note names none).
    pub claimed: Option<String>,
    /// The speaker the source gives the words to (`null`: it names none).
    pub source: Option<String>,
    /// `right`, `wrong`, `unknown` (the source does not say, or cannot be read as one
    /// person) or `none` (no claim, or the words were not found).
    pub verdict: crate::speakers::SpeakerVerdict,
    /// Where the source says who speaks (the cue: name and verb, a turn label).
    pub evidence: Option<EvidenceReport>,
    /// Why the verdict is `unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A place in a source that says something, with its text.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceReport {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    /// PDF page (1-based) where the match starts and ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_page: Option<u32>,
    /// Start of the cue where the match starts and of the one where it ends
    /// (`HH:MM:SS.mmm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Who speaks where the match starts (transcripts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// For a source that is not a text file: its text rendition, which `line` and `column`
    /// refer to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendition: Option<String>,
    /// For an article of a search cluster (`[[remote]]`): the archive's name (`path` is then
    /// `NAME:ID`, and `rendition` the article's text kept in the index folder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// For a captured web page: the address it was captured from, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured: Option<String>,
    /// The passage around the match: whole sentences, within its paragraph.
    pub context: String,
}

impl SourceReport {
    /// Where the match is in the original, as a person names it (`p. 12`,
    /// `00:14:32 (Sarah)`), for a source that is not a text file.
    pub fn place(&self) -> Option<String> {
        let ms = |t: &Option<String>| t.as_deref().and_then(parse_clock);
        let span = Span {
            page: self.page,
            end_page: self.end_page,
            time_ms: ms(&self.time),
            end_time_ms: ms(&self.end_time),
            speaker: self.speaker.clone(),
        };
        let label = span.label();
        (!label.is_empty()).then_some(label)
    }
}

/// `HH:MM:SS.mmm` back to milliseconds.
fn parse_clock(s: &str) -> Option<u64> {
    let (hms, ms) = s.split_once('.')?;
    let mut it = hms.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (it.next()??, it.next()??, it.next()??);
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms.parse::<u64>().ok()?)
}

impl QuoteReport {
    /// Severity for annotations: `None` for a verified quote.
    pub fn level(&self) -> Option<&'static str> {
        match self.status {
            Status::Verified => None,
            Status::NotFound => Some("error"),
            Status::Mismatch | Status::Misattributed | Status::TooLong | Status::WrongSpeaker => {
                Some("warning")
            }
        }
    }

    /// One-line message for annotations (SARIF, GitHub): what is wrong and where the source is.
    pub fn message(&self) -> String {
        let at = self
            .source
            .as_ref()
            .map_or("another source".to_string(), |s| {
                format!("{}:{}", s.path, s.line)
            });
        match self.status {
            Status::Verified => format!("quote found in {at}"),
            Status::NotFound => format!("quote not found in sources: “{}”", self.text),
            Status::Mismatch => {
                let mut m = format!(
                    "quote differs from {at} ({:.0}% similar): {}",
                    self.similarity * 100.0,
                    crate::quotes::verdict::word_diff(&self.diff)
                );
                for f in &self.findings {
                    m.push_str("; ");
                    m.push_str(&f.message);
                }
                m
            }
            Status::Misattributed => {
                format!(
                    "quote cited to {} but found in {at}: “{}”",
                    self.cited.as_deref().unwrap_or("?"),
                    self.text
                )
            }
            Status::TooLong => crate::quotes::matcher::too_long_message(&self.text),
            Status::WrongSpeaker => {
                let s = &self.speaker;
                let at = s
                    .evidence
                    .as_ref()
                    .map_or(at, |e| format!("{}:{}", e.path, e.line));
                format!(
                    "{} ({at}): “{}”",
                    crate::speakers::wrong_speaker_message(
                        s.source.as_deref(),
                        s.claimed.as_deref()
                    ),
                    self.text
                )
            }
        }
    }
}

impl Report {
    pub fn new() -> Report {
        Report {
            quotes: Vec::new(),
            unknown_citations: Vec::new(),
            summary: Summary::default(),
            stale_index: None,
        }
    }

    pub fn exit_code(&self) -> i32 {
        i32::from(
            self.quotes.iter().any(|q| q.status != Status::Verified)
                || !self.unknown_citations.is_empty(),
        )
    }
}

impl Default for Report {
    fn default() -> Self {
        Self::new()
    }
}

/// Turns byte offsets into positions, reading each source file once.
pub struct Positions<'a> {
    root: &'a Path,
    cwd: PathBuf,
    sources: HashMap<String, Option<(String, LineIndex)>>,
    retriever: &'a dyn Retriever,
    /// Bytes read at most from one source (`max_file_mb`).
    max_bytes: u64,
}

impl<'a> Positions<'a> {
    pub fn new(root: &'a Path, retriever: &'a dyn Retriever, max_bytes: u64) -> Self {
        Positions {
            max_bytes,
            root,
            cwd: std::env::current_dir().unwrap_or_default(),
            sources: HashMap::new(),
            retriever,
        }
    }

    /// A path as shown to the user: relative to the current folder when below it.
    pub fn show(&self, path: &Path) -> String {
        let abs = crate::config::absolute(path);
        crate::corpus::discover::display_path(&abs, &self.cwd)
    }

    /// The text line and column numbers of `path` refer to (its rendition for a source that
    /// is not a text file), read once.
    fn text_of(&mut self, path: &str, info: &SourceInfo) -> Option<&(String, LineIndex)> {
        let (root, max_bytes) = (self.root, self.max_bytes);
        let text_file = info
            .rendition
            .clone()
            .unwrap_or_else(|| source_path(path, root));
        self.sources
            .entry(path.to_string())
            .or_insert_with(|| {
                let text = crate::disk::read_bounded(&text_file, max_bytes, true)
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())?;
                let li = LineIndex::new(&text);
                Some((text, li))
            })
            .as_ref()
    }

    fn info(&self, path: &str) -> SourceInfo {
        self.retriever
            .source_info(path)
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// The speaker check of a result as reported.
    fn speaker(&mut self, r: &QuoteResult) -> SpeakerReport {
        let Some(s) = &r.speaker else {
            return SpeakerReport {
                claimed: r.quote.claim.as_ref().map(|c| c.display()),
                source: None,
                verdict: crate::speakers::SpeakerVerdict::None,
                evidence: None,
                reason: None,
            };
        };
        let evidence = s.check.evidence.clone().and_then(|range| {
            let info = self.info(&s.path);
            let root = self.root;
            let path = match info.rendition.as_deref() {
                Some(p) => self.show(p),
                None => self.show(&source_path(&s.path, root)),
            };
            let (text, li) = self.text_of(&s.path, &info)?;
            let (line, column) = li.line_col(text, range.start);
            Some(EvidenceReport {
                path,
                line,
                column,
                text: text
                    .get(range)?
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            })
        });
        SpeakerReport {
            claimed: Some(s.claim.display()),
            source: s.check.source.clone(),
            verdict: s.check.verdict,
            evidence,
            reason: s.check.reason.clone(),
        }
    }

    fn source(&mut self, m: &SourceMatch) -> SourceReport {
        let info = self.info(&m.path);
        let ((line, column), (end_line, end_column)) = match self.text_of(&m.path, &info) {
            Some((text, li)) => (
                li.line_col(text, m.range.start),
                li.line_col(text, m.range.end),
            ),
            None => ((0, 0), (0, 0)),
        };
        let root = self.root;
        let span = Span::of(&info.places, m.range.clone());
        SourceReport {
            page: span.page,
            end_page: span.end_page,
            time: span.time_ms.map(|t| clock(t, true)),
            end_time: span.end_time_ms.map(|t| clock(t, true)),
            speaker: span.speaker,
            rendition: info.rendition.as_deref().map(|p| self.show(p)),
            path: match &info.archive {
                Some(_) => m.path.clone(),
                None => self.show(&source_path(&m.path, root)),
            },
            archive: info.archive,
            line,
            column,
            end_line,
            end_column,
            text: m.text.clone(),
            title: info.meta.title,
            author: info.meta.author,
            date: info.meta.date,
            url: info.meta.url,
            captured: info.meta.captured,
            context: m.context.clone(),
        }
    }

    /// Add the results for one note.
    pub fn add(
        &mut self,
        report: &mut Report,
        note_path: &Path,
        note_text: &str,
        results: &[QuoteResult],
    ) {
        let li = LineIndex::new(note_text);
        let file = self.show(note_path);
        for r in results {
            let (line, column) = li.line_col(note_text, r.quote.range.start);
            let (end_line, end_column) = li.line_col(note_text, r.quote.range.end);
            let v = &r.verdict;
            match v.status {
                Status::Verified => report.summary.verified += 1,
                Status::Mismatch => report.summary.mismatch += 1,
                Status::NotFound => report.summary.not_found += 1,
                Status::Misattributed => report.summary.misattributed += 1,
                Status::TooLong => report.summary.too_long += 1,
                Status::WrongSpeaker => report.summary.wrong_speaker += 1,
            }
            let speaker = self.speaker(r);
            if speaker.verdict == crate::speakers::SpeakerVerdict::Unknown {
                report.summary.speaker_unknown += 1;
            }
            report.quotes.push(QuoteReport {
                file: file.clone(),
                line,
                column,
                end_line,
                end_column,
                text: r.quote.text.clone(),
                status: v.status,
                cited: r.cited.clone(),
                citations: r
                    .quote
                    .citations
                    .iter()
                    .map(|c| c.written().to_string())
                    .collect(),
                source: v.best.as_ref().map(|m| self.source(m)),
                similarity: (v.similarity() * 100.0).round() / 100.0,
                diff: v.best.as_ref().map(|m| m.diff.clone()).unwrap_or_default(),
                findings: v
                    .best
                    .as_ref()
                    .map(|m| m.findings.clone())
                    .unwrap_or_default(),
                speaker,
            });
        }
    }

    /// Add the citations of one note that name no source.
    pub fn add_unknown(
        &mut self,
        report: &mut Report,
        note_path: &Path,
        note_text: &str,
        unknown: &[UnknownCitation],
    ) {
        let li = LineIndex::new(note_text);
        let file = self.show(note_path);
        for u in unknown {
            let at = u
                .citation
                .key_range
                .clone()
                .unwrap_or_else(|| u.citation.range.clone());
            let (line, column) = li.line_col(note_text, at.start);
            let (end_line, end_column) = li.line_col(note_text, at.end);
            report.summary.unknown_citations += 1;
            report.unknown_citations.push(UnknownCitationReport {
                file: file.clone(),
                line,
                column,
                end_line,
                end_column,
                citation: u.written.clone(),
                kind: u.kind().as_str(),
                bibliography: u.entry_in.as_deref().map(|b| self.show(b)),
                message: u.message(),
                problem: u.problem(),
                nearest: u
                    .nearest
                    .iter()
                    .map(|(key, title)| NearestSource {
                        key: key.clone(),
                        title: title.clone(),
                    })
                    .collect(),
            });
        }
    }
}
