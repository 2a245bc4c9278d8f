//! The one normaliser and the one word splitter, shared by the index, the matcher and the
//! entity finder so that they always agree on what a word is.
//!
//! Normalisation: Unicode NFKC, then an explicit folding table that NFKC leaves alone
//! (curly and angle quotes, primes, every dash and minus sign), whitespace runs to one space,
//! soft hyphens and zero-width characters removed, case folded. The result comes with an
//! [`OffsetMap`] back to the input bytes.

use super::offsets::OffsetMap;
use std::ops::Range;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Normalised text and the way back to the input.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    pub map: OffsetMap,
}

impl Normalized {
    /// Input range of a normalised range.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        self.map.range(r)
    }
}

/// Characters NFKC does not fold that must compare equal: apostrophes, quotes, dashes.
fn fold_punctuation(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}'
        | '\u{02BC}' | '\u{02BB}' | '\u{2039}' | '\u{203A}' | '`' | '\u{00B4}' | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{2036}'
        | '\u{00AB}' | '\u{00BB}' | '\u{301D}' | '\u{301E}' | '\u{301F}' | '\u{FF02}' => '"',
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{2043}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{058A}'
        | '\u{05BE}'
        | '\u{1806}'
        | '\u{2053}'
        | '\u{207B}'
        | '\u{208B}'
        | '\u{2E17}'
        | '\u{2E1A}'
        | '\u{2E40}'
        | '\u{301C}'
        | '\u{3030}'
        | '\u{30A0}'
        | '\u{FE31}'
        | '\u{FE32}' => '-',
        _ => return None,
    })
}

/// Characters that vanish: soft hyphen, zero-width space/joiners, word joiner, BOM.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
    )
}

struct Builder {
    text: String,
    map: OffsetMap,
    pending_space: Option<Range<usize>>,
}

impl Builder {
    fn flush_space(&mut self) {
        if let Some(r) = self.pending_space.take() {
            if !self.text.is_empty() {
                if r.len() == 1 {
                    self.map.push_copy(r.start, 1);
                } else {
                    self.map.push_replaced(1, r);
                }
                self.text.push(' ');
            }
        }
    }

    fn space(&mut self, r: Range<usize>) {
        self.pending_space = Some(match self.pending_space.take() {
            Some(p) => p.start..r.end,
            None => r,
        });
    }

    /// Push the folded characters of one cluster standing for `original` at `src`.
    fn push_cluster(
        &mut self,
        chars: impl Iterator<Item = char>,
        original: &str,
        src: Range<usize>,
    ) {
        let mut folded = String::new();
        for c in chars {
            if c.is_whitespace() {
                folded.push(' ');
            } else {
                folded.extend(c.to_lowercase());
            }
        }
        if folded.is_empty() {
            return;
        }
        self.flush_space();
        if folded == original {
            self.map.push_copy(src.start, folded.len());
        } else {
            self.map.push_replaced(folded.len(), src);
        }
        self.text.push_str(&folded);
    }
}

/// Normalise `input` (see the module documentation).
pub fn normalize(input: &str) -> Normalized {
    let mut b = Builder {
        text: String::with_capacity(input.len()),
        map: OffsetMap::new(),
        pending_space: None,
    };
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        // Fastest path: a run of printable ASCII (most of any English text) is copied and
        // lowercased in one go. Its last byte is left to the paths below when a combining
        // mark follows it.
        let run = bytes[i..]
            .iter()
            .take_while(|&&b| b.is_ascii_graphic() && b != b'`')
            .count();
        let run = if run > 0 && bytes.get(i + run).is_some_and(|b| !b.is_ascii()) {
            run - 1
        } else {
            run
        };
        if run > 0 {
            b.flush_space();
            let at = b.text.len();
            b.text.push_str(&input[i..i + run]);
            b.text[at..].make_ascii_lowercase();
            b.map.push_copy(i, run);
            i += run;
            continue;
        }
        // Fast path: ASCII not followed by a combining mark.
        let combining_next = byte.is_ascii()
            && bytes.get(i + 1).is_some_and(|b| !b.is_ascii())
            && input[i + 1..]
                .chars()
                .next()
                .is_some_and(|c| canonical_combining_class(c) != 0);
        if byte.is_ascii() && !combining_next {
            let c = byte as char;
            if c.is_ascii_whitespace() {
                b.space(i..i + 1);
            } else {
                b.flush_space();
                if c == '`' {
                    b.text.push('\'');
                    b.map.push_replaced(1, i..i + 1);
                } else {
                    b.text.push(c.to_ascii_lowercase());
                    b.map.push_copy(i, 1);
                }
            }
            i += 1;
            continue;
        }
        // A cluster: one character and the combining marks after it, normalised together.
        let start = i;
        let c = input[i..].chars().next().expect("char boundary");
        i += c.len_utf8();
        if let Some(folded) = fold_punctuation(c) {
            b.flush_space();
            b.text.push(folded);
            b.map.push_replaced(1, start..i);
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            b.space(start..i);
            continue;
        }
        while i < bytes.len() {
            let next = input[i..].chars().next().expect("char boundary");
            if canonical_combining_class(next) == 0 {
                break;
            }
            i += next.len_utf8();
        }
        let cluster = &input[start..i];
        let folded = cluster
            .nfkc()
            .filter(|c| !is_invisible(*c))
            .map(|c| fold_punctuation(c).unwrap_or(c));
        b.push_cluster(folded, cluster, start..i);
    }
    Normalized {
        text: b.text,
        map: b.map,
    }
}

/// Byte ranges of the words of an already normalised text.
///
/// A word is a run of letters, digits and combining marks; an apostrophe between letters
/// (`don't`, `kata'ib`) and a `.` or `,` between digits (`2,500`, `3.5`) stay inside it.
/// Hyphens, dashes and all other punctuation separate words.
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// Iterator returned by [`words`].
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || canonical_combining_class(c) != 0
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let text = self.text;
        let bytes = text.as_bytes();
        // Skip to the first word character.
        let mut i = self.pos;
        let start = loop {
            let c = char_at(text, i)?;
            if is_word_char(c) {
                break i;
            }
            i += c.len_utf8();
        };
        let mut end = start;
        let mut prev = ' ';
        while let Some(c) = char_at(text, end) {
            if is_word_char(c) {
                end += c.len_utf8();
                prev = c;
                // Fast path: the rest of an ASCII letter-and-digit run.
                let run = bytes[end..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                if run > 0 {
                    end += run;
                    prev = bytes[end - 1] as char;
                }
                continue;
            }
            // Joiners: ' between letters, . or , between digits.
            let joins = match c {
                '\'' => prev.is_alphanumeric(),
                '.' | ',' => prev.is_ascii_digit(),
                _ => false,
            };
            if !joins {
                break;
            }
            let ok = match (c, char_at(text, end + 1)) {
                ('\'', Some(n)) => n.is_alphanumeric(),
                (_, Some(n)) => n.is_ascii_digit(),
                _ => false,
            };
            if !ok {
                break;
            }
            // The joiner and the character after it.
            end += 1;
            let Some(n) = char_at(text, end) else { break };
            end += n.len_utf8();
            prev = n;
        }
        self.pos = end;
        Some(start..end)
    }
}

/// The character at byte `at` (a char boundary), decoded cheaply when it is ASCII.
fn char_at(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        None => None,
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text[at..].chars().next(),
    }
}

/// Normalise and split in one go: the words of `input` as normalised strings with their
/// byte ranges in `input`.
pub fn normalized_words(input: &str) -> Vec<(String, Range<usize>)> {
    let n = normalize(input);
    words(&n.text)
        .map(|r| (n.text[r.clone()].to_string(), n.source_range(r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s).text
    }

    #[test]
    fn folds_typography_case_and_space() {
        assert_eq!(
            norm("Kata’ib  “Hezbollah”\n\t– ok"),
            "kata'ib \"hezbollah\" - ok"
        );
        assert_eq!(norm("ﬁne ＡＢＣ"), "fine abc");
        assert_eq!(
            norm("soft\u{00AD}ware zero\u{200B}width"),
            "software zerowidth"
        );
        assert_eq!(norm("a\u{2212}b \u{2014} c"), "a-b - c");
        assert_eq!(norm("«Bonjour»"), "\"bonjour\"");
        assert_eq!(norm("caf\u{0065}\u{0301}"), "café");
    }

    #[test]
    fn offsets_map_back_to_exact_bytes() {
        let input = "The “US” – Kata’ib\u{00A0}Hezbollah";
        let n = normalize(input);
        for r in words(&n.text) {
            let src = n.source_range(r.clone());
            assert_eq!(normalize(&input[src]).text, n.text[r]);
        }
        let quote = n.text.find("\"us\"").unwrap();
        assert_eq!(&input[n.source_range(quote..quote + 4)], "“US”");
    }

    #[test]
    fn words_keep_apostrophes_and_number_separators() {
        let t = norm("Don't say 2,500 troops, 3.5 per-cent; Iraq's end.");
        let w: Vec<&str> = words(&t).map(|r| &t[r]).collect();
        assert_eq!(
            w,
            ["don't", "say", "2,500", "troops", "3.5", "per", "cent", "iraq's", "end"]
        );
    }

    #[test]
    fn words_of_punctuation_only_is_empty() {
        assert_eq!(words(" -- ... \"' ").count(), 0);
    }
}
