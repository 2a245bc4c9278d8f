//! Readers for subtitles and transcripts: SubRip (`.srt`), WebVTT (`.vtt`), and plain-text
//! transcripts with turn labels (`SARAH JONES: Thank you…`, `Q:`/`A:`), each read into a
//! [`Rendition`].
//!
//! The rendition has a marker line at each cue or turn, `[00:14:32.000] Sarah`: the start
//! time as HH:MM:SS.mmm, then the speaker if known (`[Sarah]` with no time, `[no time]` with
//! neither), and the [`Place`] of the text after it. A change of voice inside a cue gets a
//! marker of its own. The text follows with its line breaks; markup is dropped (tags,
//! `{\an8}` styling, ruby annotations) and entities are decoded.
//!
//! Invariants:
//! - timestamps, cue numbers and identifiers, tags and turn labels are only ever in marker
//!   lines, never in the visible text; visible words are separated by single spaces;
//! - all the cues of a subtitle file are one paragraph, so a quotation may span cues and
//!   voices; a labelled transcript starts a new paragraph only at a change of speaker after
//!   a blank line (and between header paragraphs before the first turn);
//! - a cue's first line that repeats the previous cue's last line (rolling captions) is
//!   dropped, so a quotation never meets the same words twice;
//! - one pass over the lines, no recursion: linear time whatever the input; a bad timing
//!   never fails a file (the cue is kept without a time and a note says so, once per file).

use super::metadata;
use super::rendition::{Place, Rendition, RenditionBuilder};
use super::Metadata;
use crate::text::markdown::Document;
use html5gum::{Token, Tokenizer};
use regex::Regex;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Read a SubRip (`.srt`) file. Fails only when no line looks like a cue timing.
pub fn read_srt(text: &str) -> Result<Rendition, String> {
    let mut w = CueWriter::new(Markup::SubRip);
    let mut lines = lines(text).peekable();
    let mut cue: Option<Option<u64>> = None;
    let mut payload: Vec<&str> = Vec::new();
    let mut preamble: Vec<&str> = Vec::new();
    while let Some((n, line)) = lines.next() {
        if line.contains("-->") {
            if let Some(time) = cue {
                w.cue(time, &payload);
                payload.clear();
            } else if !preamble.is_empty() {
                w.preamble(&preamble);
            }
            cue = Some(w.timing(n, line));
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let is_number = trimmed.bytes().all(|b| b.is_ascii_digit());
        if is_number && lines.peek().is_some_and(|(_, next)| next.contains("-->")) {
            continue;
        }
        // Text after a stray blank line still belongs to the cue before it.
        match cue {
            Some(_) => payload.push(line),
            None => preamble.push(line),
        }
    }
    let Some(time) = cue else {
        return Err("not a SubRip file: no cue timing line (like \
                    `00:00:01,000 --> 00:00:04,000`)"
            .into());
    };
    w.cue(time, &payload);
    Ok(w.finish(Metadata::default()))
}

/// Read a WebVTT (`.vtt`) file. Fails only when it does not start with `WEBVTT`.
pub fn read_vtt(text: &str) -> Result<Rendition, String> {
    let mut lines = lines(text);
    let first = lines.next().map_or("", |(_, l)| l);
    let title = match first.strip_prefix("WEBVTT") {
        Some(rest) if rest.is_empty() || rest.starts_with([' ', '\t']) => rest
            .trim()
            .trim_start_matches(['-', '–', '—', ':'])
            .trim_start(),
        _ => {
            return Err(format!(
                "not a WebVTT file: the first line is `{}`, not `WEBVTT`",
                shorten(first)
            ))
        }
    };

    /// Where the reader is, block by block.
    enum At {
        /// The header's metadata lines, up to the first blank line.
        Header,
        /// After a blank line.
        Between,
        /// A NOTE, STYLE or REGION block, or a block without a timing.
        Skipped,
        /// The first line of a block, at this line number: an identifier if a timing
        /// follows.
        FirstLine(usize),
        /// A cue's text lines.
        Cue(Option<u64>),
    }
    let mut w = CueWriter::new(Markup::WebVtt);
    let mut at = At::Header;
    let mut payload: Vec<&str> = Vec::new();
    let mut untimed = Counted::default();
    for (n, line) in lines {
        if line.trim().is_empty() {
            match at {
                At::Cue(time) => {
                    w.cue(time, &payload);
                    payload.clear();
                }
                At::FirstLine(first) => untimed.add(first, ""),
                _ => {}
            }
            at = At::Between;
            continue;
        }
        if line.contains("-->") && !matches!(at, At::Skipped) {
            if let At::Cue(time) = at {
                w.cue(time, &payload);
                payload.clear();
            }
            at = At::Cue(w.timing(n, line));
            continue;
        }
        match at {
            At::Header | At::Skipped => {}
            At::Between => {
                let keyword = ["NOTE", "STYLE", "REGION"].iter().any(|k| {
                    line.strip_prefix(k)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
                });
                at = if keyword {
                    At::Skipped
                } else {
                    At::FirstLine(n)
                };
            }
            At::FirstLine(first) => {
                untimed.add(first, "");
                at = At::Skipped;
            }
            At::Cue(_) => payload.push(line),
        }
    }
    match at {
        At::Cue(time) => w.cue(time, &payload),
        At::FirstLine(first) => untimed.add(first, ""),
        _ => {}
    }
    if let Some((first, _)) = &untimed.first {
        w.b.note(format!(
            "{} skipped: no cue timing (first at line {first})",
            plural(untimed.count, "block")
        ));
    }
    let meta = Metadata {
        title: (!title.is_empty()).then(|| title.to_string()),
        ..Metadata::default()
    };
    Ok(w.finish(meta))
}

/// Read a plain-text transcript with turn labels, or `None` unless the text clearly is one:
/// at least 3 turns, 2 speakers, one of them speaking twice, and most paragraphs (counting
/// each turn as one) starting with a label. A label is at most 5 capitalised words (`Sen.
/// Smith`, `THE PRESIDENT`, `Q`) ending in `:` at the start of a line, after an optional
/// `[00:14:32]` or `(14:32)` that gives the time of the turn.
pub fn read_labelled(text: &str) -> Option<Rendition> {
    if !looks_labelled(text) {
        return None;
    }
    let mut b = RenditionBuilder::new();
    let mut speaker: Option<&str> = None;
    let mut header_blocks = 0;
    let mut blank_before = false;
    // The rendition ends at the start of a line (nothing written yet, after a marker line,
    // after a paragraph): a line of text needs nothing before it.
    let mut at_line_start = true;
    let mut words = String::new();
    for (_, line) in lines(text) {
        let (time, label, rest) = match classify(line) {
            Line::Blank => {
                blank_before = true;
                continue;
            }
            Line::Turn {
                time,
                speaker,
                rest,
            } => (time, Some(speaker), rest),
            Line::Timed { time, rest } => (Some(time), speaker, rest),
            Line::Plain(rest) => (None, None, rest),
        };
        let marked = label.is_some() || time.is_some();
        let after_blank = blank_before;
        if blank_before && (speaker.is_none() || label.is_some_and(|l| Some(l) != speaker)) {
            if speaker.is_none() && !at_line_start {
                header_blocks += 1;
            }
            b.end_paragraph();
            at_line_start = true;
        }
        blank_before = false;
        if marked {
            speaker = label.or(speaker);
            b.set_place(Place {
                time_ms: time,
                speaker: speaker.map(str::to_string),
                ..Place::default()
            });
            b.marker(&marker_line(time, speaker), true);
            at_line_start = true;
        }
        words.clear();
        push_collapsed(&mut words, rest);
        if words.is_empty() {
            continue;
        }
        if !at_line_start {
            b.join(" ", if after_blank { "\n\n" } else { "\n" });
        }
        b.text(&words);
        at_line_start = false;
    }
    let mut r = b.finish(Metadata::default());
    let header = Document {
        blocks: r.document.blocks[..header_blocks.min(r.document.blocks.len())].to_vec(),
        front_matter: None,
    };
    r.meta = metadata::extract(&header, None);
    Some(r)
}

/// Whether `text` clearly is a labelled transcript: see [`read_labelled`].
fn looks_labelled(text: &str) -> bool {
    let (mut units, mut turns) = (0usize, 0usize);
    let mut speakers: HashMap<&str, usize> = HashMap::new();
    let mut in_paragraph = false;
    for (_, line) in lines(text) {
        match classify(line) {
            Line::Blank => in_paragraph = false,
            Line::Turn { speaker, .. } => {
                units += 1;
                turns += 1;
                *speakers.entry(speaker).or_default() += 1;
                in_paragraph = true;
            }
            Line::Timed { .. } | Line::Plain(_) => {
                if !in_paragraph {
                    units += 1;
                }
                in_paragraph = true;
            }
        }
    }
    turns >= 3 && speakers.len() >= 2 && speakers.values().any(|&c| c >= 2) && turns * 2 > units
}

/// A line of a labelled transcript.
#[derive(Debug, PartialEq)]
enum Line<'a> {
    Blank,
    /// A turn starts: who speaks, when (if given), and the text after the label.
    Turn {
        time: Option<u64>,
        speaker: &'a str,
        rest: &'a str,
    },
    /// A time mark without a label: the same speaker goes on from then.
    Timed {
        time: u64,
        rest: &'a str,
    },
    Plain(&'a str),
}

/// `[00:14:32] SARAH JONES: text`, `Sen. Smith (14:32): text`, `Q: text`, `(1:02:03) text`.
static TURN: LazyLock<Regex> = LazyLock::new(|| {
    let time = r"\d{1,3}(?::\d{2}){1,2}(?:[.,]\d{1,3})?";
    let word = r"\p{Lu}[\p{L}\p{M}.'’-]*";
    let particle = r"(?:of|the|and|for|on|de|del|da|di|du|la|le|van|von|der|den|bin|al|el)";
    Regex::new(&format!(
        r"^[ \t]{{0,3}}(?:[\[(](?P<t1>{time})[\])][ \t]*)?(?:(?P<label>{word}(?:[ \t]+(?:{word}|{particle}|\d{{1,3}})){{0,4}})[ \t]*(?:[\[(](?P<t2>{time})[\])][ \t]*)?:(?:[ \t]+|$))?"
    ))
    .expect("turn regex")
});

fn classify(line: &str) -> Line<'_> {
    if line.trim().is_empty() {
        return Line::Blank;
    }
    let Some(c) = TURN.captures(line) else {
        return Line::Plain(line);
    };
    let rest = &line[c.get(0).map_or(0, |m| m.end())..];
    let t1 = c.name("t1").map(|m| parse_clock(m.as_str()));
    let t2 = c.name("t2").map(|m| parse_clock(m.as_str()));
    if t1 == Some(None) || t2 == Some(None) {
        // Not a time after all (`[99:99]`): the line is text as written.
        return Line::Plain(line);
    }
    let time = t1.flatten().or(t2.flatten());
    match (c.name("label"), time) {
        (Some(label), time) => Line::Turn {
            time,
            speaker: label.as_str(),
            rest,
        },
        (None, Some(time)) => Line::Timed { time, rest },
        (None, None) => Line::Plain(line),
    }
}

/// How cue text is marked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// `<i> <b> <u> <font …>` tags and `{\an8}` style overrides.
    SubRip,
    /// Any `<…>` is a tag, including `<v Speaker>` voices and `<00:00:01.000>` timestamps.
    WebVtt,
}

/// A run of a cue line in one voice: plain text, words separated by single spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    speaker: Option<String>,
    text: String,
}

/// Markup state that lasts across the lines of one cue.
#[derive(Debug, Default)]
struct CueState {
    speaker: Option<String>,
    /// Inside `<rt>`: a ruby annotation, dropped.
    in_ruby_text: bool,
}

/// A cue line to runs of plain text: tags dropped, entities decoded, white space collapsed,
/// a new run at each change of voice. Linear in the line's length.
fn cue_line(line: &str, markup: Markup, st: &mut CueState) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut raw = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(['<', '{']) {
        if !st.in_ruby_text {
            raw.push_str(&rest[..i]);
        }
        let tail = &rest[i..];
        match tag_len(tail, markup) {
            Some(len) => {
                if tail.starts_with('<') {
                    apply_tag(&tail[1..len - 1], st, &mut runs, &mut raw);
                }
                rest = &tail[len..];
            }
            None => {
                if !st.in_ruby_text {
                    raw.push_str(&tail[..1]);
                }
                rest = &tail[1..];
            }
        }
    }
    if !st.in_ruby_text {
        raw.push_str(rest);
    }
    flush_run(&mut runs, &mut raw, st.speaker.as_deref());
    runs
}

/// Length of the tag at the start of `tail` (`<i>`, `</v>`, `<00:00:01.000>`, `{\an8}`), or
/// `None` if what starts there is text. A tag ends at the first `>` (`}`); another `<` (`{`)
/// before it makes the first one text, so each byte is looked at a bounded number of times.
fn tag_len(tail: &str, markup: Markup) -> Option<usize> {
    let (open, close) = if let Some(inside) = tail.strip_prefix('<') {
        let next = inside.chars().next()?;
        let starts = next.is_ascii_alphabetic()
            || next == '/'
            || (markup == Markup::WebVtt && next.is_ascii_digit());
        if !starts {
            return None;
        }
        ('<', '>')
    } else if markup == Markup::SubRip && tail.starts_with("{\\") {
        ('{', '}')
    } else {
        return None;
    };
    let end = tail[1..].find([open, close])? + 1;
    (tail[end..].starts_with(close)).then_some(end + 1)
}

/// What a tag does: a voice starts or ends, a ruby annotation starts or ends; other tags
/// (classes, italics, language, timestamps, fonts) only style the text and are dropped.
fn apply_tag(tag: &str, st: &mut CueState, runs: &mut Vec<Run>, raw: &mut String) {
    let (closing, body) = match tag.strip_prefix('/') {
        Some(body) => (true, body),
        None => (false, tag),
    };
    let (head, annotation) = body
        .split_once(|c: char| c.is_whitespace())
        .unwrap_or((body, ""));
    let name = head.split('.').next().unwrap_or("");
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("v") {
        let voice = if closing {
            None
        } else {
            let mut v = String::new();
            push_collapsed(&mut v, &decode_entities(annotation));
            (!v.is_empty()).then_some(v)
        };
        if voice != st.speaker {
            flush_run(runs, raw, st.speaker.as_deref());
            st.speaker = voice;
        }
    } else if is("rt") {
        st.in_ruby_text = !closing;
    } else if is("ruby") && closing {
        st.in_ruby_text = false;
    }
}

/// Close the text gathered so far into a run of `speaker`'s (appended to the last run if
/// that is the same speaker's).
fn flush_run(runs: &mut Vec<Run>, raw: &mut String, speaker: Option<&str>) {
    let mut text = String::new();
    push_collapsed(&mut text, &decode_entities(raw));
    raw.clear();
    if text.is_empty() {
        return;
    }
    match runs.last_mut() {
        Some(last) if last.speaker.as_deref() == speaker => {
            last.text.push(' ');
            last.text.push_str(&text);
        }
        _ => runs.push(Run {
            speaker: speaker.map(str::to_string),
            text,
        }),
    }
}

/// Append the words of `s` to `out`, separated by single spaces (no-break spaces count as
/// spaces; direction marks and byte-order marks are dropped).
fn push_collapsed(out: &mut String, s: &str) {
    for word in s.split_whitespace() {
        let mut chars = word
            .chars()
            .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{feff}'))
            .peekable();
        if chars.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(chars);
    }
}

/// Decode character references that end in `;` (`&amp;`, `&nbsp;`, `&#8217;`, `&#x2019;`,
/// and every other HTML name, through the `html5gum` tokenizer); anything else is text.
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let len = reference_len(tail);
        if len == 0 {
            out.push('&');
            rest = &tail[1..];
            continue;
        }
        let mut decoded = Vec::new();
        for token in Tokenizer::new(&tail[..len]).flatten() {
            if let Token::String(s) = token {
                decoded.extend_from_slice(&s);
            }
        }
        match String::from_utf8(decoded) {
            Ok(d) => out.push_str(&d),
            Err(_) => out.push_str(&tail[..len]),
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Length of a character reference ended by `;` at the start of `s`, or 0.
fn reference_len(s: &str) -> usize {
    let b = s.as_bytes();
    let (start, ok): (usize, fn(&u8) -> bool) = match (b.get(1), b.get(2)) {
        (Some(b'#'), Some(b'x' | b'X')) => (3, u8::is_ascii_hexdigit),
        (Some(b'#'), _) => (2, u8::is_ascii_digit),
        _ => (1, u8::is_ascii_alphanumeric),
    };
    let end = start
        + b[start.min(b.len())..]
            .iter()
            .take(32)
            .take_while(|&c| ok(c))
            .count();
    if end > start && b.get(end) == Some(&b';') {
        end + 1
    } else {
        0
    }
}

/// Occurrences of something worth one note per file: how many, and the first.
#[derive(Debug, Default)]
struct Counted {
    count: usize,
    /// Line number and what was there.
    first: Option<(usize, String)>,
}

impl Counted {
    fn add(&mut self, line: usize, what: &str) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((line, shorten(what).into_owned()));
        }
    }
}

/// Writes cues into one paragraph of a rendition.
struct CueWriter {
    b: RenditionBuilder,
    markup: Markup,
    /// The last line of the previous cue that had text, as plain text.
    previous_last: String,
    bad_times: Counted,
    cues: usize,
}

impl CueWriter {
    fn new(markup: Markup) -> Self {
        CueWriter {
            b: RenditionBuilder::new(),
            markup,
            previous_last: String::new(),
            bad_times: Counted::default(),
            cues: 0,
        }
    }

    /// The start time of the timing line `line` (number `n`), or `None` (counted for the
    /// note) if it cannot be read.
    fn timing(&mut self, n: usize, line: &str) -> Option<u64> {
        let start = line.split_once("-->").map_or("", |(s, _)| s.trim());
        let time = parse_clock(start);
        if time.is_none() {
            self.bad_times.add(n, line.trim());
        }
        time
    }

    /// Text before the first cue (SubRip): a paragraph of its own, with no place.
    fn preamble(&mut self, lines: &[&str]) {
        let mut st = CueState::default();
        let mut first = true;
        for line in lines {
            for run in cue_line(line, self.markup, &mut st) {
                if !first {
                    self.b.join(" ", "\n");
                }
                self.b.text(&run.text);
                first = false;
            }
        }
        self.b.end_paragraph();
    }

    /// One cue: a marker line, then its text lines (a marker at each change of voice). A
    /// cue left without text (an empty cue, or only a rolling-caption repeat) writes nothing.
    fn cue(&mut self, time: Option<u64>, payload: &[&str]) {
        self.cues += 1;
        let mut st = CueState::default();
        let mut lines: Vec<Vec<Run>> = payload
            .iter()
            .map(|l| cue_line(l, self.markup, &mut st))
            .filter(|runs| !runs.is_empty())
            .collect();
        let plain = |runs: &[Run]| {
            runs.iter()
                .map(|r| r.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let Some(last) = lines.last().map(|l| plain(l)) else {
            return;
        };
        if plain(&lines[0]) == self.previous_last {
            lines.remove(0);
        }
        self.previous_last = last;
        let mut voice: Option<Option<&str>> = None;
        for runs in &lines {
            for run in runs {
                let speaker = run.speaker.as_deref();
                if voice != Some(speaker) {
                    self.b.set_place(Place {
                        time_ms: time,
                        speaker: run.speaker.clone(),
                        ..Place::default()
                    });
                    self.b.marker(&marker_line(time, speaker), true);
                    voice = Some(speaker);
                } else {
                    // The same voice on the next line (runs of a line differ in voice).
                    self.b.join(" ", "\n");
                }
                self.b.text(&run.text);
            }
        }
    }

    fn finish(mut self, meta: Metadata) -> Rendition {
        if let Some((line, what)) = &self.bad_times.first {
            self.b.note(format!(
                "{} kept without a time: the timing cannot be read (first at line {line}: `{what}`)",
                plural(self.bad_times.count, "cue")
            ));
        }
        if self.cues == 0 {
            self.b.note("no cues");
        }
        self.b.finish(meta)
    }
}

/// A clock time `[H:]MM:SS[.mmm]` in milliseconds (`,` for `.`; hours optional; one to
/// three fraction digits, more are cut), or `None`.
fn parse_clock(s: &str) -> Option<u64> {
    let (clock, fraction) = match s.split_once(['.', ',']) {
        Some((c, f)) => (c, Some(f)),
        None => (s, None),
    };
    let number = |p: &str, max_len: usize| -> Option<u64> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let mut parts = clock.rsplit(':');
    let seconds = number(parts.next()?, 2)?;
    let minutes = number(parts.next()?, 2)?;
    let hours = match parts.next() {
        Some(h) => number(h, 6)?,
        None => 0,
    };
    if parts.next().is_some() || minutes >= 60 || seconds >= 60 {
        return None;
    }
    let millis = match fraction {
        None => 0,
        Some(f) => {
            number(f, 9)?;
            let f3 = &f[..f.len().min(3)];
            number(f3, 3)? * 10u64.pow(3 - f3.len() as u32)
        }
    };
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// `HH:MM:SS.mmm`.
fn clock(ms: u64) -> String {
    let (s, ms) = (ms / 1000, ms % 1000);
    format!("{:02}:{:02}:{:02}.{ms:03}", s / 3600, s / 60 % 60, s % 60)
}

/// The marker line of a cue or turn: `[00:14:32.000] Sarah`, `[Sarah]`, `[00:14:32.000]`.
fn marker_line(time: Option<u64>, speaker: Option<&str>) -> String {
    match (time, speaker) {
        (Some(t), Some(s)) => format!("[{}] {s}", clock(t)),
        (Some(t), None) => format!("[{}]", clock(t)),
        (None, Some(s)) => format!("[{s}]"),
        (None, None) => "[no time]".to_string(),
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// At most 60 characters of `s`, for a message.
fn shorten(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(60) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// Lines ended by `\n`, `\r\n` or `\r`, numbered from 1; a leading byte-order mark is
/// dropped.
fn lines(text: &str) -> Lines<'_> {
    Lines {
        rest: text.strip_prefix('\u{feff}').unwrap_or(text),
        number: 0,
    }
}

struct Lines<'a> {
    rest: &'a str,
    number: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        self.number += 1;
        let (line, rest) = match self.rest.find(['\r', '\n']) {
            None => (self.rest, ""),
            Some(i) => {
                let end = if self.rest[i..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                (&self.rest[..i], &self.rest[i + end..])
            }
        };
        self.rest = rest;
        Some((self.number, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every visible word maps back to the same word in the rendition, and words are
    /// separated by single spaces (blocks by one blank line).
    fn assert_words_map_back(r: &Rendition) {
        let (visible, map) = r.document.joined();
        for block in visible.split("\n\n").filter(|_| !visible.is_empty()) {
            assert!(
                !block.is_empty() && !block.contains(['\n', '\t']) && !block.contains("  "),
                "{block:?}"
            );
            assert_eq!(block, block.trim(), "{block:?}");
        }
        let mut at = 0;
        for word in visible.split([' ', '\n']) {
            if !word.is_empty() {
                let range = map.range(at..at + word.len());
                assert_eq!(&r.text[range], word, "visible word at {at}");
            }
            at += word.len() + 1;
        }
    }

    /// The place of the first occurrence of `needle` in the visible text.
    fn place_of<'r>(r: &'r Rendition, needle: &str) -> &'r Place {
        let (visible, map) = r.document.joined();
        let at = visible
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {visible:?}"));
        let offset = map.start_of(at);
        assert_eq!(&r.text[offset..offset + needle.len()], needle);
        Rendition::place_at(&r.places, offset).unwrap_or_else(|| panic!("no place at {needle:?}"))
    }

    fn place(time_ms: Option<u64>, speaker: Option<&str>) -> Place {
        Place {
            time_ms,
            speaker: speaker.map(str::to_string),
            ..Place::default()
        }
    }

    #[test]
    fn srt_timings_in_every_tolerated_form_and_styling_dropped() {
        let srt = "1\r\n00:01:02,500 --> 00:01:05,000\r\n<i>We choose</i> to go\r\nto the <b>moon</b>.\r\n\r\n\
                   2\r\n01:05.000 --> 01:07,000\r\n{\\an8}<font color=\"#ff0\">Tom &amp; Jerry</font>\r\n\r\n\
                   3\r\n 00:01:07,000  -->  00:01:09,000  X1:100 X2:600 Y1:40 Y2:80\r\n<u>in this decade</u> &lt;3\r\n";
        let r = read_srt(srt).unwrap();
        assert_eq!(
            r.text,
            "[00:01:02.500]\nWe choose to go\nto the moon.\n[00:01:05.000]\nTom & Jerry\n\
             [00:01:07.000]\nin this decade <3\n"
        );
        assert_eq!(
            r.document.joined().0,
            "We choose to go to the moon. Tom & Jerry in this decade <3"
        );
        assert_eq!(place_of(&r, "moon"), &place(Some(62_500), None));
        assert_eq!(place_of(&r, "Jerry"), &place(Some(65_000), None));
        assert_eq!(place_of(&r, "decade"), &place(Some(67_000), None));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        assert_words_map_back(&r);
    }

    #[test]
    fn srt_number_lines_are_cue_numbers_only_before_a_timing() {
        // "1984" is text: no timing follows it; text after a stray blank line stays in its cue.
        let srt = "7\n00:00:01,000 --> 00:00:02,000\nThe year was\n1984\n\nand then\n8\n00:00:02,000 --> 00:00:03,000\nit ended.\n";
        let r = read_srt(srt).unwrap();
        assert_eq!(
            r.document.joined().0,
            "The year was 1984 and then it ended."
        );
        assert_eq!(place_of(&r, "and then"), &place(Some(1000), None));
        assert_words_map_back(&r);
    }

    #[test]
    fn vtt_header_title_notes_styles_regions_identifiers_and_settings_are_not_text() {
        let vtt = "\u{feff}WEBVTT - Senate hearing\nKind: captions\nLanguage: en\n\n\
                   STYLE\n::cue { color: yellow }\n\n\
                   NOTE this is a comment\nover two lines\n\n\
                   REGION\nid:fred\nwidth:40%\n\n\
                   intro-1\n00:14:32.000 --> 00:14:35.500 align:start position:10% size:35%\nThe committee will come\nto order.\n\n\
                   NOTE\nanother\n\n\
                   14:35.500 --> 14:38.000 line:0\nWe begin today.\n";
        let r = read_vtt(vtt).unwrap();
        assert_eq!(r.meta.title.as_deref(), Some("Senate hearing"));
        assert_eq!(
            r.text,
            "[00:14:32.000]\nThe committee will come\nto order.\n[00:14:35.500]\nWe begin today.\n"
        );
        assert_eq!(
            r.document.joined().0,
            "The committee will come to order. We begin today."
        );
        assert_eq!(place_of(&r, "order"), &place(Some(872_000), None));
        assert_eq!(place_of(&r, "today"), &place(Some(875_500), None));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        assert_words_map_back(&r);
    }

    #[test]
    fn vtt_voices_give_speakers_and_a_cue_may_hold_several() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Sarah Jones>Thank you, Senator.</v> <v.loud Sen. Smith>You&#39;re welcome.\nGo on.\n\n\
                   00:00:04.000 --> 00:00:06.000\nNo voice here.\n";
        let r = read_vtt(vtt).unwrap();
        assert_eq!(
            r.text,
            "[00:00:01.000] Sarah Jones\nThank you, Senator.\n[00:00:01.000] Sen. Smith\n\
             You're welcome.\nGo on.\n[00:00:04.000]\nNo voice here.\n"
        );
        assert_eq!(
            r.document.joined().0,
            "Thank you, Senator. You're welcome. Go on. No voice here."
        );
        assert_eq!(
            place_of(&r, "Senator"),
            &place(Some(1000), Some("Sarah Jones"))
        );
        assert_eq!(
            place_of(&r, "welcome"),
            &place(Some(1000), Some("Sen. Smith"))
        );
        assert_eq!(
            place_of(&r, "Go on"),
            &place(Some(1000), Some("Sen. Smith"))
        );
        assert_eq!(place_of(&r, "No voice"), &place(Some(4000), None));
        assert_words_map_back(&r);
    }

    #[test]
    fn vtt_inline_tags_ruby_timestamps_and_entities() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\n\
                   <c.yellow.bg_blue>Costs</c> <i>rose</i> <b>5&nbsp;%</b> <u>&lt;today&gt;</u>,\n\
                   <lang en>said</lang> <ruby>Tokyo<rt>to-kyo</rt></ruby> <00:00:02.000><c>Fish</c> <00:00:03.000><c>&amp;</c> chips&lrm; &#8212; &#x201C;good&rlm;&#x201D;.\n";
        let r = read_vtt(vtt).unwrap();
        assert_eq!(
            r.document.joined().0,
            "Costs rose 5 % <today>, said Tokyo Fish & chips — “good”."
        );
        assert_eq!(
            r.text,
            "[00:00:01.000]\nCosts rose 5 % <today>,\nsaid Tokyo Fish & chips — “good”.\n"
        );
        assert_words_map_back(&r);
    }

    #[test]
    fn a_sentence_spans_cues_and_voices_as_one_run_of_words() {
        let vtt = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\n<v Chair>The Pentagon insists that its troops\n\n\
                   2\n00:00:03.000 --> 00:00:05.000\n<v Chair>are in Baghdad</v>\n<v Witness>at the invitation of local authorities.\n";
        let r = read_vtt(vtt).unwrap();
        let (visible, _) = r.document.joined();
        assert_eq!(r.document.blocks.len(), 1);
        assert!(visible.contains(
            "The Pentagon insists that its troops are in Baghdad at the invitation of local authorities."
        ));
        assert_eq!(place_of(&r, "troops"), &place(Some(1000), Some("Chair")));
        assert_eq!(place_of(&r, "Baghdad"), &place(Some(3000), Some("Chair")));
        assert_eq!(
            place_of(&r, "invitation"),
            &place(Some(3000), Some("Witness"))
        );
        assert_words_map_back(&r);
    }

    #[test]
    fn garbage_timings_keep_the_cue_without_a_time_and_say_so_once() {
        let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nFirst.\n\n\
                   99:xx:00.000 --> junk\nSecond.\n\n\
                   00:61:00.000 --> 00:62:00.000\nThird.\n\n\
                   --> \nFourth.\n\nno timing here\njust text\n";
        let r = read_vtt(vtt).unwrap();
        assert_eq!(r.document.joined().0, "First. Second. Third. Fourth.");
        assert_eq!(
            r.text,
            "[00:00:01.000]\nFirst.\n[no time]\nSecond.\n[no time]\nThird.\n[no time]\nFourth.\n"
        );
        assert_eq!(place_of(&r, "First"), &place(Some(1000), None));
        assert_eq!(
            Rendition::place_at(&r.places, r.text.find("Second").unwrap()),
            None
        );
        assert_eq!(
            r.notes,
            [
                "1 block skipped: no cue timing (first at line 15)",
                "3 cues kept without a time: the timing cannot be read (first at line 6: \
                 `99:xx:00.000 --> junk`)",
            ]
        );
        assert_words_map_back(&r);
    }

    #[test]
    fn files_that_are_not_subtitles_are_refused() {
        assert_eq!(
            read_vtt("# Notes\n\n00:00:01.000 --> 00:00:02.000\nHi\n").unwrap_err(),
            "not a WebVTT file: the first line is `# Notes`, not `WEBVTT`"
        );
        assert!(read_vtt("WEBVTTX\n")
            .unwrap_err()
            .starts_with("not a WebVTT file: "));
        assert!(read_vtt("").unwrap_err().starts_with("not a WebVTT file: "));
        assert!(read_srt("Just some text.\n\nMore.\n")
            .unwrap_err()
            .starts_with("not a SubRip file: "));
        let empty = read_vtt("WEBVTT\n").unwrap();
        assert_eq!(
            (empty.text.as_str(), empty.notes),
            ("", vec!["no cues".to_string()])
        );
    }

    #[test]
    fn rolling_caption_repeats_are_dropped() {
        // YouTube auto-captions: each cue repeats the previous cue's last line, with tiny
        // cues holding only the repeat in between.
        let vtt = "WEBVTT\nKind: captions\n\n\
                   00:00:00.000 --> 00:00:02.000 align:start position:0%\nwe choose to<00:00:01.000><c> go</c>\n\n\
                   00:00:02.000 --> 00:00:02.010\nwe choose to go\n \n\n\
                   00:00:02.010 --> 00:00:04.000\nwe choose to go\nto the moon<00:00:03.000><c> in</c>\n\n\
                   00:00:04.000 --> 00:00:06.000\nto the moon in\nthis decade\n";
        let r = read_vtt(vtt).unwrap();
        assert_eq!(
            r.document.joined().0,
            "we choose to go to the moon in this decade"
        );
        assert_eq!(
            r.text,
            "[00:00:00.000]\nwe choose to go\n[00:00:02.010]\nto the moon in\n[00:00:04.000]\nthis decade\n"
        );
        assert_eq!(place_of(&r, "moon"), &place(Some(2010), None));
        assert_eq!(place_of(&r, "decade"), &place(Some(4000), None));
        assert_words_map_back(&r);
        // Same in SubRip.
        let srt = "1\n00:00:00,000 --> 00:00:02,000\nno more\n\n2\n00:00:02,000 --> 00:00:04,000\nno more\nbombs\n";
        assert_eq!(read_srt(srt).unwrap().document.joined().0, "no more bombs");
    }

    #[test]
    fn labelled_transcript_turns_give_speakers_and_times() {
        let txt = "Hearing on the budget\n\nMarch 3, 2021\n\n\
                   [00:14:32] SARAH JONES: Thank you, Chair.\nWe are here today\n\n\
                   to discuss the budget.\n\n\
                   Sen. Smith (14:40): Is that so?\n\
                   (1:02:03) SARAH JONES: It is.\n\n\
                   THE PRESIDENT:\nWe will not\n\n\
                   Q: -- leave?\nA: No.\n";
        let r = read_labelled(txt).unwrap();
        assert_eq!(
            r.text,
            "Hearing on the budget\n\nMarch 3, 2021\n\n\
             [00:14:32.000] SARAH JONES\nThank you, Chair.\nWe are here today\n\nto discuss the budget.\n\n\
             [00:14:40.000] Sen. Smith\nIs that so?\n[01:02:03.000] SARAH JONES\nIt is.\n\n\
             [THE PRESIDENT]\nWe will not\n\n[Q]\n-- leave?\n[A]\nNo.\n"
        );
        assert_eq!(
            r.document.joined().0,
            "Hearing on the budget\n\nMarch 3, 2021\n\n\
             Thank you, Chair. We are here today to discuss the budget.\n\n\
             Is that so? It is.\n\nWe will not\n\n-- leave? No."
        );
        assert_eq!(r.meta.title.as_deref(), Some("Hearing on the budget"));
        assert_eq!(r.meta.date.as_deref(), Some("March 3, 2021"));
        assert_eq!(
            Rendition::place_at(&r.places, r.text.find("March").unwrap()),
            None
        );
        assert_eq!(
            place_of(&r, "discuss"),
            &place(Some(872_000), Some("SARAH JONES"))
        );
        assert_eq!(
            place_of(&r, "so?"),
            &place(Some(880_000), Some("Sen. Smith"))
        );
        assert_eq!(
            place_of(&r, "It is"),
            &place(Some(3_723_000), Some("SARAH JONES"))
        );
        assert_eq!(place_of(&r, "We will"), &place(None, Some("THE PRESIDENT")));
        assert_eq!(place_of(&r, "No."), &place(None, Some("A")));
        assert!(r.notes.is_empty());
        assert_words_map_back(&r);
    }

    #[test]
    fn prose_is_not_a_labelled_transcript() {
        let article = "# Budget talks\n\nBy Jane Roe\n\nThe committee met on Tuesday.\n\n\
                       Note: figures are in millions.\n\nThe chair said the talks would go on.\n\n\
                       Senators disagreed.\n";
        assert!(read_labelled(article).is_none());
        // A header of fields, each once, is not a conversation.
        let fields =
            "Title: Budget talks\nAuthor: Jane Roe\nDate: March 3, 2021\n\nThe committee met.\n";
        assert!(read_labelled(fields).is_none());
        // Sentences with a colon are not labels.
        let colons = "The answer is simple: no.\nHe said: yes.\nThe answer is simple: no.\nHe said: maybe.\n";
        assert!(read_labelled(colons).is_none());
        // Two turns are not enough; one speaker is a monologue.
        assert!(read_labelled("Q: Why?\n\nA: Because.\n").is_none());
        assert!(
            read_labelled("MR. LINCOLN: One.\n\nMR. LINCOLN: Two.\n\nMR. LINCOLN: Three.\n")
                .is_none()
        );
        // A long turn broken into many unlabelled paragraphs is not clearly a transcript.
        let speech = "THE PRESIDENT: One.\n\nTwo.\n\nThree.\n\nFour.\n\nAUDIENCE: Yes.\n\nTHE PRESIDENT: Five.\n\nSix.\n\nSeven.\n";
        assert!(read_labelled(speech).is_none());
        // Q and A without blank lines are.
        assert!(read_labelled("Q: Why?\nA: Because.\nQ: Really?\n").is_some());
    }

    #[test]
    fn labelled_turns_without_blank_lines_are_one_paragraph_across_speakers() {
        let r = read_labelled("Q: Did the Pentagon say that its troops\nA: are in Baghdad at the invitation of local authorities?\nQ: Yes.\n").unwrap();
        assert!(r
            .document
            .joined()
            .0
            .contains("its troops are in Baghdad at the invitation of local authorities? Yes."));
        assert_eq!(place_of(&r, "Baghdad"), &place(None, Some("A")));
        assert_words_map_back(&r);
    }

    #[test]
    fn fixtures_read_as_intended() {
        let hearing =
            read_vtt(include_str!("../../tests/fixtures/transcripts/hearing.vtt")).unwrap();
        assert_eq!(
            hearing.meta.title.as_deref(),
            Some("Senate hearing on US forces in Iraq")
        );
        let (visible, _) = hearing.document.joined();
        for quote in [
            "Iraqi Prime Minister Mohammed Shia Al Sudani has promised to launch a process to expel international coalition forces from the country, after a US airstrike killed a high-ranking militia commander in Baghdad.",
            "The Pentagon insists that its troops are in Baghdad at the invitation of local authorities to help fight Islamic State",
            "According to the Pentagon, the US has around 60,000 troops in the Middle East, including in Iraq.",
            "On Monday, missiles targeted the Pentagon’s Ain al-Assad base in western Iraq.",
            "Middle East & North Africa",
        ] {
            assert!(visible.contains(quote), "{quote:?} not in {visible:?}");
        }
        assert!(!visible.contains("Captions made") && !visible.contains("color"));
        assert_eq!(
            place_of(&hearing, "invitation"),
            &place(Some(872_000), Some("Dr. Amal Haddad"))
        );
        assert!(hearing.notes.is_empty(), "{:?}", hearing.notes);
        assert_words_map_back(&hearing);

        let speech = read_srt(include_str!("../../tests/fixtures/transcripts/speech.srt")).unwrap();
        let (visible, _) = speech.document.joined();
        for quote in [
            "In the future days, which we seek to make secure, we look forward to a world founded upon four essential human freedoms.",
            "The second is freedom of every person to worship God in his own way—everywhere in the world.",
            "The third is freedom from want—which, translated into world terms, means economic understandings which will secure to every nation a healthy peacetime life for its inhabitants—everywhere in the world.",
        ] {
            assert!(visible.contains(quote), "{quote:?} not in {visible:?}");
        }
        assert_eq!(place_of(&speech, "worship"), &place(Some(17_250), None));
        assert!(speech.notes.is_empty(), "{:?}", speech.notes);
        assert_words_map_back(&speech);

        let interview = read_labelled(include_str!(
            "../../tests/fixtures/transcripts/interview.txt"
        ))
        .unwrap();
        let (visible, _) = interview.document.joined();
        assert!(visible.contains("According to the Pentagon, the US has around 60,000 troops in the Middle East, including in Iraq. Along with many thousands"));
        assert!(visible.contains("Were the bases attacked? On Monday, missiles targeted"));
        assert_eq!(
            place_of(&interview, "Were the"),
            &place(Some(70_000), Some("SARAH JONES"))
        );
        assert_eq!(
            place_of(&interview, "lowball"),
            &place(None, Some("DR. AMAL HADDAD"))
        );
        assert_eq!(
            interview.meta.title.as_deref(),
            Some("Interview on US forces in Iraq")
        );
        assert_words_map_back(&interview);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Whatever the input, reading never panics and the visible text maps back.
        #[test]
        fn any_input_reads_without_panic(body in "([0-9:.,>< -]|-->|<v A>|</v>|<rt>|&amp;|&#x41;|&|\\{\\\\an8\\}|WEBVTT|NOTE|Q: |[a-z]{1,4}|\n|\r\n|\r| ){0,60}") {
            for r in [
                read_vtt(&format!("WEBVTT\n\n{body}")).ok(),
                read_srt(&body).ok(),
                read_labelled(&body),
            ].into_iter().flatten() {
                assert_words_map_back(&r);
            }
        }
    }
}
