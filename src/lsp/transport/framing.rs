//! Cutting the client's byte stream into message bodies, whatever their `Content-Length`
//! says. A byte-at-a-time state machine, fed chunks as they arrive, with no I/O of its own.
//!
//! Invariants:
//! - A body ends at the first of: its announced length; the end of its top-level JSON
//!   object or array (the true end of any valid body: only whitespace may follow, which is
//!   skipped between frames); a complete `Content-Length: <digits>` header line, which no
//!   valid JSON body can hold (a JSON string cannot hold a raw line break, and outside
//!   strings there are no letters) and which starts the next frame. So a length too large
//!   (by 5,000 or by a billion) never makes the server wait for bytes that are not coming,
//!   and a large body sent slowly is still read whole.
//! - Memory follows the bytes that arrived, never the announced length: a body is kept up
//!   to [`MAX_BODY`]; beyond, its bytes are counted but not kept and it is skipped.
//! - Bytes outside frames (garbage, the rest of a broken frame) are skipped up to the next
//!   `Content-Length:` header line, also one that starts in the tail of a broken body.

/// Bodies longer than this are skipped (their bytes are read and discarded, not kept).
pub const MAX_BODY: usize = 64 << 20;

/// Header blocks longer than this are garbage: skipped.
const MAX_HEADERS: usize = 8 << 10;

/// What a chunk of input completed.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// A body to read as a message (not checked here: it may be anything).
    Body(Vec<u8>),
    /// A body over [`MAX_BODY`], skipped: its length as far as it was read.
    Oversized(usize),
    /// Bytes that were not part of any frame, skipped (only reported when not whitespace).
    Garbage(usize),
}

/// The framing state machine: [`Framer::feed`] it the input, chunk by chunk.
pub struct Framer {
    state: State,
    /// Bytes consumed so far (positions below are in this count).
    at: u64,
    header: HeaderLine,
}

enum State {
    /// Between frames, looking for a `Content-Length:` line: skipping bytes since `since`,
    /// the first of which that was not whitespace at `garbage`.
    Between {
        since: u64,
        garbage: Option<u64>,
        line: Line,
    },
    /// After the `Content-Length` line: further header lines up to an empty one.
    Headers {
        len: usize,
        line_empty: bool,
        size: usize,
    },
    Body(Body),
}

impl Default for Framer {
    fn default() -> Self {
        Framer {
            state: between(0, None),
            at: 0,
            header: HeaderLine::default(),
        }
    }
}

struct Body {
    /// The announced length.
    len: usize,
    /// Where the body started (in [`Framer::at`]'s count).
    start: u64,
    /// The body so far, while at most [`MAX_BODY`] long; `None` once it was longer.
    kept: Option<Vec<u8>>,
    read: usize,
    shape: Shape,
}

impl Framer {
    /// Consume bytes from the front of `input` (at least one if it is not empty); how many,
    /// and what they completed, if anything (then the rest of `input` is for the next call).
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Event>) {
        for (i, &b) in input.iter().enumerate() {
            let header = self.header.step(b, self.at);
            self.at += 1;
            if let Some(event) = self.step(b, header) {
                return (i + 1, Some(event));
            }
        }
        (input.len(), None)
    }

    /// One byte (at `self.at - 1`); `header` is the `(start, length)` of a header line that
    /// `b` completed. The event that `b` completed, if any.
    fn step(&mut self, b: u8, header: Option<(u64, usize)>) -> Option<Event> {
        let at = self.at - 1;
        match &mut self.state {
            State::Between {
                since,
                garbage,
                line,
            } => {
                if let Some((start, len)) = header {
                    let skipped = garbage
                        .filter(|&g| g < start)
                        .map(|_| start.saturating_sub(*since) as usize);
                    self.state = headers(len);
                    return skipped.map(Event::Garbage);
                }
                if let Some(g) = line.step(b, at) {
                    garbage.get_or_insert(g);
                }
                None
            }
            State::Headers {
                len,
                line_empty,
                size,
            } => {
                if let Some((_, n)) = header {
                    // Another Content-Length in the same header block: the last one counts.
                    *len = n;
                }
                *size += 1;
                if *size > MAX_HEADERS {
                    self.state = between(at, Some(at));
                    return None;
                }
                match b {
                    b'\n' if *line_empty => {
                        let len = *len;
                        if len == 0 {
                            self.state = between(self.at, None);
                            return Some(Event::Body(Vec::new()));
                        }
                        self.state = State::Body(Body {
                            len,
                            start: self.at,
                            kept: Some(Vec::new()),
                            read: 0,
                            shape: Shape::default(),
                        });
                    }
                    b'\n' => *line_empty = true,
                    b'\r' => {}
                    _ => *line_empty = false,
                }
                None
            }
            State::Body(body) => {
                if let Some((start, n)) = header {
                    // The next frame began inside this one: the body ends before its header.
                    let keep = (start.saturating_sub(body.start) as usize).min(body.read);
                    let event = body.take(keep);
                    self.state = headers(n);
                    return Some(event);
                }
                body.read += 1;
                if let Some(kept) = &mut body.kept {
                    if kept.len() < MAX_BODY {
                        kept.push(b);
                    } else {
                        body.kept = None;
                    }
                }
                let complete = body.shape.step(b);
                if complete || body.read == body.len {
                    let event = body.take(body.read);
                    // The rest of an announced length that was too long is skipped as
                    // garbage (it is whitespace if the client is sane).
                    self.state = between(self.at, None);
                    return Some(event);
                }
                None
            }
        }
    }
}

/// Between frames from `since`; `garbage` is where the first byte that was not
/// whitespace was.
fn between(since: u64, garbage: Option<u64>) -> State {
    State::Between {
        since,
        garbage,
        line: Line::Start(since, 0),
    }
}

const CONTENT_TYPE: &[u8] = b"content-type:";

/// A line skipped between frames: a `Content-Type` header (which may come before
/// `Content-Length`) is not garbage, anything else but whitespace is.
#[derive(Clone, Copy)]
enum Line {
    /// The line started at this position and began with this many bytes of [`CONTENT_TYPE`].
    Start(u64, usize),
    ContentType,
    Other,
}

impl Line {
    /// Feed `b`, at `at`; where garbage started if `b` showed the line is garbage.
    fn step(&mut self, b: u8, at: u64) -> Option<u64> {
        let (next, garbage) = match *self {
            _ if b == b'\n' => (Line::Start(at + 1, 0), None),
            Line::Start(start, k) if b.to_ascii_lowercase() == CONTENT_TYPE[k] => {
                if k + 1 == CONTENT_TYPE.len() {
                    (Line::ContentType, None)
                } else {
                    (Line::Start(start, k + 1), None)
                }
            }
            Line::Start(start, k) if k > 0 => (Line::Other, Some(start)),
            Line::ContentType => (Line::ContentType, None),
            Line::Start(..) | Line::Other => {
                (Line::Other, (!b.is_ascii_whitespace()).then_some(at))
            }
        };
        *self = next;
        garbage
    }
}

fn headers(len: usize) -> State {
    State::Headers {
        len,
        // The Content-Length line itself ended with its '\n'.
        line_empty: true,
        size: 0,
    }
}

impl Body {
    /// The first `n` bytes as a body (or the oversized count).
    fn take(&mut self, n: usize) -> Event {
        match self.kept.take() {
            Some(mut kept) => {
                kept.truncate(n);
                Event::Body(kept)
            }
            None => Event::Oversized(self.read),
        }
    }
}

const HEADER: &[u8] = b"content-length:";

/// A streaming matcher for a `Content-Length: <digits>` line (any case, spaces or tabs
/// around the number, `\r\n` or `\n`), anywhere in the stream.
#[derive(Default)]
struct HeaderLine {
    state: Match,
    start: u64,
    value: usize,
    digits: u8,
}

#[derive(Default, Clone, Copy)]
enum Match {
    /// Nothing matched.
    #[default]
    Name,
    /// This many bytes of [`HEADER`] matched.
    Prefix(usize),
    SpaceBefore,
    Digits,
    SpaceAfter,
    Cr,
}

impl HeaderLine {
    /// Feed `b`, at position `at`; `(start, value)` when `b` completed a header line.
    fn step(&mut self, b: u8, at: u64) -> Option<(u64, usize)> {
        let next = match (self.state, b) {
            (Match::Prefix(k), _) if b.to_ascii_lowercase() == HEADER[k] => {
                if k + 1 == HEADER.len() {
                    Some(Match::SpaceBefore)
                } else {
                    Some(Match::Prefix(k + 1))
                }
            }
            (Match::SpaceBefore, b' ' | b'\t') => Some(Match::SpaceBefore),
            (Match::SpaceBefore | Match::Digits, b'0'..=b'9') if self.digits < 20 => {
                self.digits += 1;
                self.value = self
                    .value
                    .saturating_mul(10)
                    .saturating_add(usize::from(b - b'0'));
                Some(Match::Digits)
            }
            (Match::Digits | Match::SpaceAfter, b' ' | b'\t') => Some(Match::SpaceAfter),
            (Match::Digits | Match::SpaceAfter, b'\r') => Some(Match::Cr),
            (Match::Digits | Match::SpaceAfter | Match::Cr, b'\n') => {
                let found = (self.start, self.value);
                *self = HeaderLine::default();
                return Some(found);
            }
            _ => None,
        };
        match next {
            Some(state) => self.state = state,
            None => {
                // No header name overlaps itself, so a mismatch restarts at this byte.
                self.state = Match::Name;
                self.value = 0;
                self.digits = 0;
                if b.to_ascii_lowercase() == HEADER[0] {
                    self.start = at;
                    self.state = Match::Prefix(1);
                }
            }
        }
        None
    }
}

/// Where a JSON body's top-level object or array ends: brackets counted outside strings.
/// A body that starts with anything else never ends here (only by length or header).
#[derive(Default)]
struct Shape {
    depth: usize,
    started: bool,
    scalar: bool,
    in_string: bool,
    escaped: bool,
}

impl Shape {
    /// Feed `b`; true when it closed the top-level value.
    fn step(&mut self, b: u8) -> bool {
        if self.scalar {
            return false;
        }
        if !self.started {
            match b {
                b'{' | b'[' => {
                    self.started = true;
                    self.depth = 1;
                }
                b if b.is_ascii_whitespace() => {}
                _ => self.scalar = true,
            }
            return false;
        }
        if self.in_string {
            match b {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                _ => {}
            }
            return false;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                return self.depth == 0;
            }
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event from `input` fed in chunks of `chunk` bytes.
    fn events(input: &[u8], chunk: usize) -> Vec<Event> {
        let mut framer = Framer::default();
        let mut out = Vec::new();
        for mut part in input.chunks(chunk) {
            while !part.is_empty() {
                let (used, event) = framer.feed(part);
                assert!(used > 0);
                part = &part[used..];
                out.extend(event);
            }
        }
        out
    }

    fn body(s: &str) -> Event {
        Event::Body(s.as_bytes().to_vec())
    }

    const GOOD: &str = r#"{"jsonrpc":"2.0","method":"x","params":{"s":"a}\"]b"}}"#;

    fn framed(body: &str, len: usize) -> String {
        format!("Content-Length: {len}\r\n\r\n{body}")
    }

    #[test]
    fn bodies_of_the_right_length_in_any_chunks() {
        let input = format!(
            "{}{}",
            framed(GOOD, GOOD.len()),
            framed("[1,2]", 5).replace("Length: 5", "length:5 ")
        );
        for chunk in [1, 2, 7, 1000] {
            assert_eq!(events(input.as_bytes(), chunk), [body(GOOD), body("[1,2]")]);
        }
    }

    #[test]
    fn a_length_too_large_ends_at_the_end_of_the_json_value() {
        for extra in [1, 5000, 1_000_000_000] {
            let input = format!(
                "{}\r\n{}",
                framed(GOOD, GOOD.len() + extra),
                framed(GOOD, GOOD.len())
            );
            assert_eq!(events(input.as_bytes(), 3), [body(GOOD), body(GOOD)]);
        }
    }

    #[test]
    fn a_body_that_never_ends_is_cut_at_the_next_header() {
        // Not JSON, or truncated JSON, with a length too large.
        for bad in ["{not json", r#"{"jsonrpc":"2.0","s":"unterminated"#, "42"] {
            let input = format!("{}{}", framed(bad, 1 << 20), framed(GOOD, GOOD.len()));
            assert_eq!(events(input.as_bytes(), 4), [body(bad), body(GOOD)]);
        }
    }

    #[test]
    fn a_header_inside_a_json_string_does_not_cut_the_body() {
        let inner = r#"{"text":"Content-Length: 5\r\n\r\nxy","n":1}"#;
        let input = framed(inner, inner.len());
        assert_eq!(events(input.as_bytes(), 1), [body(inner)]);
    }

    #[test]
    fn a_header_split_by_a_length_too_short_is_found() {
        // The body's length swallows the start of the next header.
        let input = format!(
            "Content-Length: 13\r\n\r\n{{not json{}",
            framed(GOOD, GOOD.len())
        );
        assert_eq!(
            events(input.as_bytes(), 5),
            [body("{not jsonCont"), body(GOOD)]
        );
    }

    #[test]
    fn garbage_between_frames_is_skipped_and_counted() {
        let input = format!(
            "hello\r\n{}  \r\n\r\n[1,\r\n{}\r\n\r\n{}",
            framed(GOOD, GOOD.len()),
            framed(GOOD, GOOD.len()),
            framed(GOOD, GOOD.len())
        );
        // Whitespace alone between frames is no garbage.
        assert_eq!(
            events(input.as_bytes(), 64),
            [
                Event::Garbage(7),
                body(GOOD),
                Event::Garbage(11),
                body(GOOD),
                body(GOOD)
            ]
        );
    }

    #[test]
    fn a_content_type_header_before_the_length_is_no_garbage() {
        let input = format!(
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}\r\nContent-Typo: x\r\n{}",
            framed(GOOD, GOOD.len()),
            framed(GOOD, GOOD.len())
        );
        assert_eq!(
            events(input.as_bytes(), 10),
            [body(GOOD), Event::Garbage(19), body(GOOD)]
        );
    }

    #[test]
    fn an_empty_body_and_a_length_that_is_not_a_number() {
        let input = format!(
            "Content-Length: 0\r\n\r\nContent-Length: abc\r\n\r\n{}",
            framed(GOOD, GOOD.len())
        );
        let got = events(input.as_bytes(), 64);
        assert_eq!(got[0], Event::Body(Vec::new()));
        assert_eq!(got.last(), Some(&body(GOOD)));
    }

    #[test]
    fn an_oversized_body_is_counted_not_kept() {
        let big = format!("[\"{}\"]", "x".repeat(MAX_BODY));
        let input = format!("{}{}", framed(&big, big.len()), framed(GOOD, GOOD.len()));
        assert_eq!(
            events(input.as_bytes(), 1 << 16),
            [Event::Oversized(big.len()), body(GOOD)]
        );
    }
}
