//! Output for people, after rustc and ruff: one block per finding, a blank line between
//! blocks, then the summary line. A block is the title (`warning[mismatch]: …`), the note's
//! location (`--> notes.md:39:19`), the note's line(s) with the quotation marked (`^^^`),
//! and `= name: …` notes: the source's place and passage, the word diff, the findings.
//!
//! Invariants: the summary line is exactly `N quotes: V verified, M mismatch, F not found, A
//! misattributed` (then `; …` parts only when non-zero), the last line of the output, after a
//! blank line when anything comes before it. Colour only when [`Style::color`] is set. Notes
//! are wrapped at word boundaries to the width; note lines are windowed to it
//! ([`excerpt`]). A note that cannot be read (it changed since the check) gives a block
//! without its line, never an error.
//!
//! | module | job |
//! | --- | --- |
//! | [`window`] | a long line cut around a part at word boundaries, `…` where it is cut |
//! | [`excerpt`] | the note lines of a quotation, windowed, with the quotation's byte range |
//! | [`wrap`] | styled words filled into lines of a width |
//! | [`passages`] | the words of the diff and of the source's passage |

mod excerpt;
mod passages;
mod window;
mod wrap;

use super::report::{QuoteReport, Report, SourceReport, UnknownCitationReport};
use crate::corpus::metadata::{byline_of, label_of};
use crate::quotes::verdict::Status;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use excerpt::{excerpt, Place};
use std::collections::HashMap;
use std::fmt::Write;
use wrap::Word;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Width used when the output is not a terminal and `COLUMNS` is not set.
pub const DEFAULT_WIDTH: usize = 100;
/// Narrower widths are taken as this: below it no window or wrap is readable.
const MIN_WIDTH: usize = 40;

/// The width to wrap to: `COLUMNS` when set to a number, else the terminal's, else
/// [`DEFAULT_WIDTH`].
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    match terminal_size::terminal_size() {
        Some((terminal_size::Width(w), _)) if w > 0 => usize::from(w),
        _ => DEFAULT_WIDTH,
    }
}

/// `sources/a.txt:12:5`; for a source that is not a text file, where a person finds it
/// (`sources/report.pdf p. 12`, `sources/interview.vtt 00:14:32 (Sarah)`).
fn location(s: &SourceReport) -> String {
    if let Some(url) = &s.url {
        let when = s.captured.as_deref().unwrap_or("at an unknown time");
        return format!("{url} (captured {when}; {}:{})", s.path, s.line);
    }
    match s.place() {
        Some(place) => format!("{} {place}", s.path),
        None => format!("{}:{}:{}", s.path, s.line, s.column),
    }
}

/// A source as named in every front end: its title in quotes, else its file stem.
fn name(s: &SourceReport) -> String {
    let label = label_of(s.title.as_deref(), &s.path);
    if s.title.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        format!("“{label}”")
    } else {
        label
    }
}

fn byline(s: &SourceReport) -> String {
    byline_of(s.author.as_deref(), s.date.as_deref())
}

/// Why a quotation is misattributed: found in another source, or (cited by a link to a web
/// page) only in an older capture of that page.
fn misattributed(q: &QuoteReport) -> String {
    use crate::corpus::url_key::same_page;
    let cited = q.cited.as_deref().unwrap_or("?");
    let Some(s) = &q.source else {
        return format!("quote cited to {cited} but found in another source");
    };
    match &s.url {
        Some(url) if same_page(url, cited) => format!(
            "quote not in the newest capture of {cited}: it is in the capture of {}; the page \
             changed since",
            s.captured.as_deref().unwrap_or("an unknown time")
        ),
        _ => format!("quote cited to {cited} but found in {}", name(s)),
    }
}

/// A `= name: …` note: its words, wrapped when rendered.
struct Note {
    name: &'static str,
    words: Vec<Word>,
}

impl Note {
    fn text(name: &'static str, text: &str) -> Note {
        Note {
            name,
            words: wrap::words(text, None),
        }
    }
}

/// One finding: the title, where it is in the note, the notes under it.
struct Block<'a> {
    level: Level<'a>,
    /// The level's name as shown (`warning`, `error`, `verified`).
    name: &'static str,
    code: Option<&'a str>,
    title: String,
    file: &'a str,
    place: Place,
    /// Mark the note's line(s); a short block (a verified quote) shows only the location.
    snippet: bool,
    notes: Vec<Note>,
}

/// The source's place and passage: `location (byline)`, then the passage in quotes.
fn source_note(name: &'static str, head: String, s: &SourceReport) -> Note {
    let mut words = wrap::words(&head, None);
    // The passage starts on a line of its own.
    words.push(Word::plain("\n"));
    words.extend(passages::passage_words(&s.context, &s.text));
    Note { name, words }
}

/// Who the source says spoke, under a quotation whose note names a speaker: the source's cue
/// for a wrong speaker (and, with `verbose`, a right one); the reason for an unknown one
/// with `verbose`.
fn speaker_notes(q: &QuoteReport, verbose: bool) -> Vec<Note> {
    use crate::speakers::SpeakerVerdict;
    let s = &q.speaker;
    match s.verdict {
        SpeakerVerdict::Wrong => {}
        SpeakerVerdict::Right if verbose && q.status == Status::Verified => {}
        SpeakerVerdict::Unknown if verbose && q.status == Status::Verified => {
            return s
                .reason
                .iter()
                .map(|reason| Note::text("hint", reason))
                .collect();
        }
        _ => return Vec::new(),
    }
    let who = s.source.as_deref().unwrap_or("someone else");
    let text = match &s.evidence {
        Some(e) => format!(
            "{who}, at {}:{}:{} (“{}”)",
            e.path, e.line, e.column, e.text
        ),
        None => format!("{who} (the source's narration)"),
    };
    vec![Note::text("speaker", &text)]
}

fn quote_block<'a>(q: &'a QuoteReport, verbose: bool, width: usize) -> Option<Block<'a>> {
    let pct = format!("{:.0}%", q.similarity * 100.0);
    let (level_name, level, code, title) = match q.status {
        Status::Verified if !verbose => return None,
        Status::Verified => (
            "verified",
            Level::NOTE.with_name(Some("verified")),
            None,
            match &q.source {
                Some(s) => format!("quote found in {}", name(s)),
                None => "quote found in sources".to_string(),
            },
        ),
        Status::NotFound => (
            "error",
            Level::ERROR,
            Some("not-found"),
            "quote not found in sources".to_string(),
        ),
        Status::Mismatch => (
            "warning",
            Level::WARNING,
            Some("mismatch"),
            match &q.source {
                Some(s) => format!("quote differs from {} ({pct} similar)", name(s)),
                None => format!("quote differs from the source ({pct} similar)"),
            },
        ),
        Status::Misattributed => (
            "warning",
            Level::WARNING,
            Some("misattributed"),
            misattributed(q),
        ),
        Status::TooLong => (
            "warning",
            Level::WARNING,
            Some("too-long"),
            crate::quotes::matcher::too_long_message(&q.text),
        ),
        Status::WrongSpeaker => (
            "warning",
            Level::WARNING,
            Some("wrong-speaker"),
            crate::speakers::wrong_speaker_message(
                q.speaker.source.as_deref(),
                q.speaker.claimed.as_deref(),
            ),
        ),
    };
    let mut notes = Vec::new();
    if let Some(s) = &q.source {
        let by = byline(s);
        let at = if by.is_empty() {
            location(s)
        } else {
            format!("{} ({by})", location(s))
        };
        match q.status {
            Status::Verified => notes.push(Note::text("source", &at)),
            Status::NotFound => {
                let named = [name(s), by].into_iter().filter(|p| !p.is_empty());
                let head = format!(
                    "{pct} similar, at {} ({})",
                    location(s),
                    named.collect::<Vec<_>>().join(", ")
                );
                notes.push(source_note("closest", head, s));
            }
            _ => notes.push(source_note("source", at, s)),
        }
        if matches!(
            q.status,
            Status::Mismatch | Status::Misattributed | Status::WrongSpeaker
        ) && !q.diff.is_empty()
        {
            let room = note_room(width, q.end_line, "diff");
            notes.push(Note {
                name: "diff",
                words: passages::diff_words(&q.diff, room),
            });
        }
    }
    if q.status != Status::Verified {
        notes.extend(q.findings.iter().map(|f| Note::text("why", &f.message)));
    }
    notes.extend(speaker_notes(q, verbose));
    Some(Block {
        level,
        name: level_name,
        code,
        title,
        file: &q.file,
        place: Place {
            line: q.line,
            column: q.column,
            end_line: q.end_line,
            end_column: q.end_column,
        },
        snippet: q.status != Status::Verified,
        notes,
    })
}

fn citation_block(u: &UnknownCitationReport) -> Block<'_> {
    let mut notes = Vec::new();
    let title = u.problem.clone();
    if !u.nearest.is_empty() {
        let hints: Vec<String> = u
            .nearest
            .iter()
            .map(|n| match &n.title {
                Some(t) => format!("[@{}] (“{t}”)", n.key),
                None => format!("[@{}]", n.key),
            })
            .collect();
        notes.push(Note::text(
            "help",
            &format!("did you mean {}?", hints.join(" or ")),
        ));
    }
    if let Some(bib) = &u.bibliography {
        notes.push(Note::text("entry", &format!("in {bib}")));
    }
    Block {
        level: Level::WARNING,
        name: "warning",
        code: Some(u.kind),
        title,
        file: &u.file,
        place: Place {
            line: u.line,
            column: u.column,
            end_line: u.end_line,
            end_column: u.end_column,
        },
        snippet: true,
        notes,
    }
}

/// Digits of the widest line number in the gutter.
fn gutter(last_line: usize) -> usize {
    last_line.max(1).to_string().len()
}

/// Characters a note's text has on each line: the width less `NN = name: `.
fn note_room(width: usize, last_line: usize, name: &str) -> usize {
    width
        .saturating_sub(gutter(last_line) + 3 + name.chars().count() + 2)
        .max(10)
}

/// A note's words as lines of text (a `\n` word starts a new line).
fn note_text(note: &Note, room: usize, style: &Style) -> String {
    note.words
        .split(|w| w.text == "\n")
        .filter(|part| !part.is_empty())
        .flat_map(|part| wrap::fill(part, room))
        .map(|line| wrap::show(&line, |code, t| style.paint(code, t)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plain `text` wrapped at word boundaries to `room` characters (10 at least).
fn wrapped(text: &str, room: usize) -> String {
    wrap::fill(&wrap::words(text, None), room.max(10))
        .iter()
        .map(|line| wrap::show(line, |_, t| t.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One block as text, without a trailing newline.
fn render_block(b: &Block<'_>, note: Option<&str>, style: &Style, width: usize) -> String {
    let last_line = b.place.end_line.max(b.place.line);
    let gutter = gutter(last_line);
    // The title wrapped after `warning[code]: `.
    let head = b.name.chars().count() + b.code.map_or(0, |c| c.chars().count() + 2) + 2;
    let title_text = wrapped(&b.title, width.saturating_sub(head));
    let mut title = b.level.clone().primary_title(title_text.as_str());
    if let Some(code) = b.code {
        title = title.id(code);
    }
    let mut group = Group::with_title(title);
    // Room for the gutter (`NN | `) and, for a span over several lines, its rule (`| `).
    let rule = if last_line > b.place.line { 3 } else { 1 };
    let budget = width.saturating_sub(gutter + 3 + rule).max(MIN_WIDTH / 2);
    let excerpt = note
        .filter(|_| b.snippet)
        .and_then(|text| excerpt(text, b.place, budget));
    // Without note lines there are no line numbers: the gutter is empty.
    let gutter = if excerpt.is_some() { gutter } else { 0 };
    if let Some(e) = excerpt {
        group = group.element(
            Snippet::source(e.source)
                .line_start(e.line_start)
                .annotation(AnnotationKind::Primary.span(e.span)),
        );
    }
    let texts: Vec<String> = b
        .notes
        .iter()
        .map(|n| note_text(n, note_room(width, last_line, n.name), style))
        .collect();
    for (n, text) in b.notes.iter().zip(&texts) {
        group = group.element(Level::NOTE.with_name(Some(n.name)).message(text.as_str()));
    }
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .term_width(width);
    let rendered = renderer.render(&[group]);
    // The location line goes under the title: the snippet's own would count columns in the
    // window, not in the note.
    let at = format!(
        "{}{} {}:{}:{}",
        " ".repeat(gutter),
        style.paint("1;94", "-->"),
        b.file,
        b.place.line,
        b.place.column
    );
    let mut lines: Vec<&str> = rendered.lines().collect();
    let below_title = title_text.lines().count().clamp(1, lines.len().max(1));
    lines.insert(below_title.min(lines.len()), &at);
    lines.join("\n")
}

/// Render the report with the terminal's width ([`terminal_width`]). `verbose` also lists
/// verified quotes.
pub fn render(report: &Report, style: &Style, verbose: bool) -> String {
    render_at(report, style, verbose, terminal_width())
}

/// Render the report for a terminal `width` characters wide.
pub fn render_at(report: &Report, style: &Style, verbose: bool, width: usize) -> String {
    let width = width.max(MIN_WIDTH);
    // Each note read once; one that cannot be read gives blocks without its lines.
    let mut notes: HashMap<&str, Option<String>> = HashMap::new();
    let files = report.quotes.iter().map(|q| q.file.as_str());
    for file in files.chain(report.unknown_citations.iter().map(|u| u.file.as_str())) {
        notes
            .entry(file)
            .or_insert_with(|| std::fs::read_to_string(file).ok());
    }
    let note_of = |file: &str| notes.get(file).and_then(|n| n.as_deref());
    let mut blocks = Vec::new();
    for q in &report.quotes {
        if let Some(b) = quote_block(q, verbose, width) {
            blocks.push(render_block(&b, note_of(&q.file), style, width));
        }
    }
    for u in &report.unknown_citations {
        let b = citation_block(u);
        blocks.push(render_block(&b, note_of(&u.file), style, width));
    }
    if let Some(stale) = &report.stale_index {
        let title = format!(
            "the index may be out of date (it could not be updated: {stale}); the verdicts are \
             from the index as last completely built"
        );
        let title = wrapped(&title, width.saturating_sub("note: ".len()));
        let group = Group::with_title(Level::NOTE.primary_title(title.as_str()));
        let renderer = if style.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        blocks.push(renderer.render(&[group]));
    }
    let mut out = String::new();
    for b in &blocks {
        out.push_str(b.trim_end());
        out.push_str("\n\n");
    }
    let s = &report.summary;
    let _ = write!(
        out,
        "{} quotes: {} verified, {} mismatch, {} not found, {} misattributed",
        report.quotes.len(),
        s.verified,
        s.mismatch,
        s.not_found,
        s.misattributed
    );
    if s.wrong_speaker > 0 {
        let _ = write!(out, "; {} wrong speaker", s.wrong_speaker);
    }
    if s.too_long > 0 {
        let _ = write!(out, "; {} too long to check", s.too_long);
    }
    if s.unknown_citations > 0 {
        let _ = write!(out, "; {} unknown citations", s.unknown_citations);
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The characters of the note line above the `^` marker.
    fn marked(rendered: &str, line: usize) -> String {
        let lines: Vec<&str> = rendered.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("{line} | ")))
            .expect(rendered);
        let shown: Vec<char> = lines[at].chars().collect();
        let marker: Vec<char> = lines[at + 1].chars().collect();
        let first = marker.iter().position(|&c| c == '^').expect(rendered);
        let last = marker.iter().rposition(|&c| c == '^').expect(rendered);
        shown[first..=last].iter().collect()
    }

    fn block(place: Place) -> Block<'static> {
        Block {
            level: Level::WARNING,
            name: "warning",
            code: Some("mismatch"),
            title: "quote differs from “Été” (90% similar)".to_string(),
            file: "note.md",
            place,
            snippet: true,
            notes: vec![Note::text("why", "‘pas’ omitted without an ellipsis")],
        }
    }

    #[test]
    fn the_marker_stands_under_the_quotation_in_multibyte_text() {
        let filler = "Éléonore a écrit « ceci » et “cela”, déjà. ".repeat(3);
        let note = format!("# T\n\n{filler}Elle dit “le café est ouvert” à Noël. {filler}\n");
        let column = filler.chars().count() + "Elle dit “".chars().count() + 1;
        let place = Place {
            line: 3,
            column,
            end_line: 3,
            end_column: column + "le café est ouvert".chars().count(),
        };
        let plain = Style { color: false };
        let out = render_block(&block(place), Some(&note), &plain, 60);
        assert_eq!(marked(&out, 3), "le café est ouvert", "{out}");
        assert!(out.contains(&format!(" --> note.md:3:{column}\n")), "{out}");
        for line in out.lines() {
            assert!(line.chars().count() <= 60, "{out}");
        }
    }

    #[test]
    fn a_note_that_changed_gives_a_block_without_its_line() {
        let place = Place {
            line: 9,
            column: 1,
            end_line: 9,
            end_column: 4,
        };
        let out = render_block(
            &block(place),
            Some("one line\n"),
            &Style { color: false },
            80,
        );
        assert_eq!(
            out,
            "warning[mismatch]: quote differs from “Été” (90% similar)\n\
             --> note.md:9:1\n |\n = why: ‘pas’ omitted without an ellipsis"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let place = Place {
            line: 1,
            column: 2,
            end_line: 1,
            end_column: 5,
        };
        let out = render_block(&block(place), Some("“abc”\n"), &Style { color: true }, 80);
        assert!(out.contains('\u{1b}'), "{out}");
        let out = render_block(&block(place), Some("“abc”\n"), &Style { color: false }, 80);
        assert!(!out.contains('\u{1b}'), "{out}");
    }

    #[test]
    fn a_stale_index_is_said_before_the_summary() {
        let mut report = Report::new();
        report.stale_index = Some("another process holds its writer".to_string());
        let out = render_at(&report, &Style { color: false }, false, 100);
        assert_eq!(
            out,
            "note: the index may be out of date (it could not be updated: another process \
             holds its writer); the\n      verdicts are from the index as last completely \
             built\n\n0 quotes: 0 verified, 0 mismatch, 0 not found, 0 misattributed\n"
        );
    }

    #[test]
    fn nothing_to_report_is_the_summary_alone() {
        let out = render_at(&Report::new(), &Style { color: false }, false, 100);
        assert_eq!(
            out,
            "0 quotes: 0 verified, 0 mismatch, 0 not found, 0 misattributed\n"
        );
    }
}
