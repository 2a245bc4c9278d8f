//! Property tests (proptest) of the invariants everything else relies on:
//!
//! - offset maps (normalisation, Markdown and HTML visible text, passages) lead back to the
//!   exact original bytes, and survive slicing, joining and storage;
//! - LSP positions ⇄ byte offsets (UTF-8 and UTF-16 columns, LF, CR and CRLF, astral and
//!   combining characters) round-trip, and any position, however wrong, is clamped;
//!   edits applied through them give the client's text;
//! - quotation extraction and matching never panic on arbitrary Markdown and Unicode, and
//!   hand back offsets inside the text (the `quotes` fuzz target's code, on stable).
//!
//! Case counts are modest so that the file runs in seconds in a debug build; a failure prints
//! the shrunk input (and proptest keeps no regression files: `failure_persistence` is off).

mod fuzz_logic;

use proptest::prelude::*;
use proptest::test_runner::Config;
use ropey::Rope;
use sourced::lsp::position::{self, Encoding};
use sourced::text::markdown;
use sourced::text::{normalize, words, OffsetMap};
use tower_lsp_server::ls_types::{Position, Range as LspRange};

/// `cases` cases, or `PROPTEST_CASES` if set (for a longer hunt: `PROPTEST_CASES=20000`).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------
// Generators

/// Pieces of hostile text: typography the normaliser folds, invisible and combining
/// characters, astral characters, every line break, Markdown and HTML markup, NUL.
const PIECES: &[&str] = &[
    "word",
    "Iraq's",
    "2,500",
    "3.5",
    "The",
    "troops",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\u{A0}",
    "\u{2028}",
    "é",
    "e\u{301}",
    "\u{301}",
    "\u{308}\u{301}",
    "漢字",
    "😀",
    "👍🏽",
    "\u{1F1EB}\u{1F1F7}",
    "“",
    "”",
    "‘",
    "’",
    "\"",
    "'",
    "`",
    "«",
    "»",
    "„",
    "—",
    "–",
    "\u{2212}",
    "\u{AD}",
    "\u{200B}",
    "\u{200D}",
    "\u{FEFF}",
    "ﬁ",
    "Ａ",
    "\u{FDFA}",
    "¨",
    "½",
    "İ",
    "ß",
    "ǅ",
    "…",
    "...",
    ". . .",
    "[...]",
    "[…]",
    "[sic]",
    "[Iraq's]",
    "*",
    "**",
    "_",
    "~~",
    "`code`",
    "```\n",
    "> ",
    ">",
    "# ",
    "- ",
    "1. ",
    "|",
    "\\",
    "\\*",
    "[link](src.md)",
    "[x](../../etc/passwd)",
    "[@src]",
    "[@other]",
    "[see @src, p. 3; @b]",
    "@",
    "[",
    "]",
    "(",
    ")",
    "<b>",
    "</p>",
    "<p>",
    "<script>",
    "&amp;",
    "&#x27;",
    "&#0;",
    "&",
    "<!-- c -->",
    "---\n",
    "+++\n",
    "$x$",
    "\u{0}",
    "\u{7}",
    "\u{FFFD}",
    "\u{10FFFF}",
    "\u{E000}",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

/// Hostile Unicode and Markdown, up to `max` pieces.
fn hostile(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max).prop_map(|v| v.concat())
}

/// Notes made of plain words, punctuation, quotation marks and light Markdown: every
/// quotation found in them must be found again in the same text read as a source.
fn plain_note() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        6 => prop::sample::select(&[
            "the", "US", "troops", "remain", "in", "Iraq", "a", "decade", "later", "said",
            "Kata'ib", "don't", "2,500", "strikes", "militia", "sites", "of", "4", "x"
        ][..]).prop_map(|w| format!("{w} ")),
        1 => prop::sample::select(&[", ", ". ", "; ", "! ", "? ", ": "][..]).prop_map(str::to_string),
        2 => prop::sample::select(&["\"", "“", "”", "'", "‘", "’", "«", "»"][..]).prop_map(str::to_string),
        1 => prop::sample::select(&[
            "\n", "\n\n", "\r\n", "\n> ", "\n\n> ", "*", "**", "`x y` ", "[@src] ", "[@b] ",
            "[the link](src.md) ", "… ", "... ", "\n- ", "\n# ", "— Name "
        ][..]).prop_map(str::to_string),
    ];
    prop::collection::vec(token, 0..80).prop_map(|v| v.concat())
}

// ---------------------------------------------------------------------------------------
// Offset maps lead back to the original bytes

proptest! {
    #![proptest_config(config(512))]

    /// Normalisation: copied segments are the original bytes, folded ones stand for whole
    /// characters that normalise to exactly what they replaced, and every word maps to bytes
    /// that normalise to (at least) that word.
    #[test]
    fn normalisation_maps_round_trip_to_the_original_bytes(s in hostile(40)) {
        let n = normalize(&s);
        fuzz_logic::assert_normalisation_map(&n.text, &n.map, &s, "normalisation");
        for seg in n.map.segments().iter().filter(|seg| !seg.linear) {
            let derived = &n.text[seg.start..seg.start + seg.len];
            let original = &s[seg.src_start..seg.src_start + seg.src_len];
            if derived == " " {
                // A run of white space (and invisible characters inside it).
                let again = normalize(original).text;
                prop_assert_eq!(again.trim(), "", "{:?}", original);
            } else {
                prop_assert_eq!(&normalize(original).text, derived, "segment {:?}", seg);
            }
        }
        for w in words(&n.text) {
            let src = n.source_range(w.clone());
            fuzz_logic::assert_range_in(&s, &src, "word");
            let again = normalize(&s[src.clone()]).text;
            prop_assert!(again.contains(&n.text[w.clone()]), "{:?} from {:?}", &n.text[w], &s[src]);
        }
        // Normalising is stable on its own output's words.
        let twice = normalize(&n.text);
        let first: Vec<&str> = words(&n.text).map(|r| &n.text[r]).collect();
        let second: Vec<&str> = words(&twice.text).map(|r| &twice.text[r]).collect();
        prop_assert_eq!(first.len(), second.len());
    }

    /// The byte-run fast paths of the normaliser and the word splitter agree with a plain
    /// character-by-character reading of the same rules.
    #[test]
    fn fast_paths_agree_with_the_rules_read_char_by_char(s in hostile(40)) {
        let n = normalize(&s);
        let fast: Vec<&str> = words(&n.text).map(|r| &n.text[r]).collect();
        let slow: Vec<&str> = reference_words(&n.text).into_iter().map(|r| &n.text[r]).collect();
        prop_assert_eq!(fast, slow);
        // Character by character: the normalised text of a string is the normalised texts of
        // its characters (and their combining marks) laid end to end, whitespace aside.
        let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let by_char: String = clusters(&s).iter().map(|c| normalize(c).text).collect::<Vec<_>>().join(" ");
        prop_assert_eq!(squash(&n.text).replace(' ', ""), squash(&by_char).replace(' ', ""));
    }

    /// Markdown and HTML sources: every block's visible text maps back to the file, and so
    /// does the joined text and every passage of it.
    #[test]
    fn visible_text_maps_round_trip_to_the_file(s in hostile(60), html in any::<bool>()) {
        let doc = markdown::parse(&s);
        for b in &doc.blocks {
            fuzz_logic::assert_map(&b.text, &b.map, &s, "block");
            for l in &b.links {
                fuzz_logic::assert_range_in(&b.text, &l.text, "link text");
            }
            for c in &b.code_spans {
                fuzz_logic::assert_range_in(&b.text, c, "code span");
            }
        }
        let name = if html { "a.html" } else { "a.md" };
        let file = sourced::corpus::SourceFile {
            path: name.into(),
            display: name.into(),
            mtime: 0,
            size: s.len() as u64,
        };
        let src = sourced::corpus::parse(file, s.clone());
        fuzz_logic::assert_map(&src.text, &src.map, &s, "source");
        let passages = sourced::index::passages::split(&src);
        let tiled: String = passages.iter().map(|p| p.text.as_str()).collect();
        if words(&normalize(&src.text).text).next().is_some() {
            prop_assert_eq!(&tiled, &src.text, "passages tile the visible text");
        } else {
            prop_assert!(passages.is_empty(), "no words, no passages");
        }
        for p in &passages {
            fuzz_logic::assert_map(&p.text, &p.map, &s, "passage");
            let stored = OffsetMap::from_bytes(&p.map.to_bytes());
            prop_assert_eq!(stored.as_ref(), Some(&p.map));
        }
    }

    /// Slicing a map and asking it about a range gives what the whole map says about the
    /// same range; joining maps gives the map of the joined text; storage round-trips.
    #[test]
    fn offset_map_slice_extend_and_storage_agree(
        ops in prop::collection::vec((any::<bool>(), 1usize..6, 0usize..4), 1..30),
        cut in (0usize..100, 0usize..100),
        sub in (0usize..100, 0usize..100),
        junk in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut map = OffsetMap::new();
        let mut src = 0;
        for &(linear, len, skip) in &ops {
            src += skip;
            if linear {
                map.push_copy(src, len);
                src += len;
            } else {
                map.push_replaced(len, src..src + skip + 1);
                src += skip + 1;
            }
        }
        let n = map.derived_len();
        prop_assert_eq!(OffsetMap::from_bytes(&map.to_bytes()), Some(map.clone()));
        let _ = OffsetMap::from_bytes(&junk);
        // Ranges never run backwards.
        for a in 0..=n {
            for b in a..=n {
                let r = map.range(a..b);
                prop_assert!(r.start <= r.end, "{:?} -> {:?}", a..b, r);
            }
        }
        let (a, b) = (cut.0 % (n + 1), cut.1 % (n + 1));
        let (a, b) = (a.min(b), a.max(b));
        let sliced = map.slice(a..b);
        prop_assert_eq!(sliced.derived_len(), b - a);
        if b > a {
            let (x, y) = (sub.0 % (b - a), sub.1 % (b - a));
            let (x, y) = (x.min(y), x.max(y) + 1);
            prop_assert_eq!(sliced.range(x..y), map.range(a + x..a + y));
        }
        let mut joined = map.slice(0..a);
        joined.extend(&map.slice(a..n));
        for x in 0..n {
            prop_assert_eq!(joined.range(x..x + 1), map.range(x..x + 1));
        }
    }
}

// ---------------------------------------------------------------------------------------
// LSP positions

/// One line of a text as LSP sees it: content `start..end`, the next line at `next`.
struct Line {
    start: usize,
    end: usize,
}

/// Lines split at LF, CR and CRLF (only those: LSP's line terminators).
fn lines(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let brk = match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => 2,
            b'\r' | b'\n' => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push(Line { start, end: i });
        i += brk;
        start = i;
    }
    out.push(Line {
        start,
        end: text.len(),
    });
    out
}

fn units(c: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => c.len_utf8(),
        Encoding::Utf16 => c.len_utf16(),
    }
}

/// The position of byte `at` (a character boundary, not inside a CRLF), by hand.
fn position_of(text: &str, at: usize, enc: Encoding) -> Position {
    let ls = lines(text);
    let (i, l) = ls
        .iter()
        .enumerate()
        .find(|(_, l)| l.start <= at && at <= l.end)
        .expect("offset on a line");
    let col: usize = text[l.start..at].chars().map(|c| units(c, enc)).sum();
    Position::new(i as u32, col as u32)
}

/// The byte offset of any position, clamped as documented: past the last line → the end;
/// past the end of a line → the end of its content; inside a character → its start.
fn offset_of(text: &str, pos: Position, enc: Encoding) -> usize {
    let ls = lines(text);
    let Some(l) = ls.get(pos.line as usize) else {
        return text.len();
    };
    let mut at = l.start;
    let mut acc = 0usize;
    for c in text[l.start..l.end].chars() {
        let w = units(c, enc);
        if acc + w > pos.character as usize {
            break;
        }
        acc += w;
        at += c.len_utf8();
    }
    at
}

fn line_text() -> impl Strategy<Value = String> {
    let p = prop::sample::select(
        &[
            "a",
            "bc",
            "é",
            "e\u{301}",
            "漢",
            "😀",
            "👍🏽",
            "\u{10000}",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "\n\n",
            "\r\r\n",
        ][..],
    );
    prop::collection::vec(p, 0..30).prop_map(|v| v.concat())
}

fn any_position() -> impl Strategy<Value = Position> {
    let n = prop_oneof![6 => 0u32..12, 1 => Just(u32::MAX), 1 => any::<u32>()];
    (n.clone(), n).prop_map(|(l, c)| Position::new(l, c))
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16)]
}

proptest! {
    #![proptest_config(config(512))]

    /// Every character boundary round-trips through an LSP position, in both encodings;
    /// an offset inside a character or a CRLF maps to a position that leads back before it.
    #[test]
    fn positions_round_trip(text in line_text(), enc in encoding()) {
        let rope = Rope::from_str(&text);
        let b = text.as_bytes();
        for at in 0..=text.len() {
            let inside_crlf = at > 0 && b[at - 1] == b'\r' && b.get(at) == Some(&b'\n');
            if !text.is_char_boundary(at) || inside_crlf {
                let p = position::position(&rope, at, enc);
                let back = position::offset(&rope, p, enc);
                prop_assert!(back <= at && text.is_char_boundary(back));
                continue;
            }
            let want = position_of(&text, at, enc);
            let got = position::position(&rope, at, enc);
            prop_assert_eq!(got, want, "position of byte {} in {:?}", at, text);
            prop_assert_eq!(position::offset(&rope, want, enc), at, "offset of {:?}", want);
        }
        // Past the end: the end.
        prop_assert_eq!(
            position::position(&rope, text.len() + 7, enc),
            position_of(&text, text.len(), enc)
        );
    }

    /// Any position, however far out (lines past the end, columns past the line, inside a
    /// surrogate pair or a UTF-8 sequence, u32::MAX), is clamped as documented.
    #[test]
    fn any_position_is_clamped(text in line_text(), pos in any_position(), enc in encoding()) {
        let rope = Rope::from_str(&text);
        let got = position::offset(&rope, pos, enc);
        prop_assert_eq!(got, offset_of(&text, pos, enc), "{:?} in {:?}", pos, text);
        // And it is a fixed point.
        let again = position::offset(&rope, position::position(&rope, got, enc), enc);
        prop_assert_eq!(again, got);
        let r = position::byte_range(&rope, LspRange::new(pos, Position::new(0, 0)), enc);
        prop_assert!(r.start <= r.end && r.end <= text.len());
    }

    /// Edits applied to a rope through LSP ranges (as `didChange` does) give the same text as
    /// the same edits applied to a string at the documented clamped offsets.
    #[test]
    fn edits_through_positions_match_a_string_model(
        text in line_text(),
        edits in prop::collection::vec((any_position(), any_position(), line_text()), 1..25),
        enc in encoding(),
    ) {
        let mut rope = Rope::from_str(&text);
        let mut model = text.clone();
        for (a, b, new) in edits {
            let chars = position::char_range(&rope, LspRange::new(a, b), enc);
            rope.remove(chars.clone());
            rope.insert(chars.start, &new);
            let (x, y) = (offset_of(&model, a, enc), offset_of(&model, b, enc));
            model.replace_range(x.min(y)..x.max(y), &new);
            prop_assert_eq!(rope.to_string(), model.clone());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Extraction and matching never panic

proptest! {
    #![proptest_config(config(256))]

    /// The fuzz target's body on arbitrary bytes.
    #[test]
    fn fuzz_target_on_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..600)) {
        fuzz_logic::run(&data);
    }

    /// The fuzz target's body on hostile Markdown and Unicode, the note its own source or
    /// another hostile text, read as Markdown or HTML.
    #[test]
    fn extraction_and_matching_never_panic(
        note in hostile(80),
        other in hostile(80),
        same in any::<bool>(),
        html in any::<bool>(),
        min_words in 0usize..5,
    ) {
        let source = if same { note.clone() } else { other };
        fuzz_logic::check_texts(&note, &source, min_words, html && !same);
    }

    /// A note checked against itself as a source: every quotation with words to look for
    /// (not only an editorial insertion like `[@src]`) is found word for word.
    #[test]
    fn quotes_are_found_in_their_own_note(note in plain_note(), min_words in 1usize..5) {
        let verdicts = fuzz_logic::check_texts(&note, &note, min_words, false);
        let scan = sourced::quotes::extract::scan(&note, min_words);
        for (q, v) in scan.quotes.iter().zip(&verdicts) {
            if sourced::quotes::pattern::Pattern::parse(&q.text).word_count() == 0 {
                continue;
            }
            let best = v.best.as_ref();
            prop_assert!(
                best.is_some_and(|m| m.exact),
                "{:?} not found word for word in its own note {:?}: {:?}",
                q.text, note, v
            );
        }
    }
}

/// A character and the combining marks after it.
fn clusters(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in s.chars() {
        match out.last_mut() {
            Some(last) if unicode_normalization::char::canonical_combining_class(c) != 0 => {
                last.push(c)
            }
            _ => out.push(c.to_string()),
        }
    }
    out
}

/// The word rules of `sourced::text::words`, one character at a time: runs of letters,
/// digits and combining marks; `'` between letters and `.` or `,` between digits join.
fn reference_words(text: &str) -> Vec<std::ops::Range<usize>> {
    let is_word = |c: char| {
        c.is_alphanumeric() || unicode_normalization::char::canonical_combining_class(c) != 0
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !is_word(chars[k].1) {
            k += 1;
            continue;
        }
        let start = chars[k].0;
        let mut j = k + 1;
        loop {
            match chars.get(j) {
                Some(&(_, c)) if is_word(c) => j += 1,
                Some(&(_, c)) if matches!(c, '\'' | '.' | ',') => {
                    let prev = chars[j - 1].1;
                    let next = chars.get(j + 1).map(|x| x.1);
                    let joins = if c == '\'' {
                        prev.is_alphanumeric() && next.is_some_and(char::is_alphanumeric)
                    } else {
                        prev.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit())
                    };
                    if !joins {
                        break;
                    }
                    j += 2;
                }
                _ => break,
            }
        }
        let end = chars.get(j).map_or(text.len(), |x| x.0);
        out.push(start..end);
        k = j;
    }
    out
}
