//! Tokens of a visible text for the entity finder: words (with their original case), single
//! punctuation characters, and where lines and sentences start.
//!
//! Unlike the index's word splitter this keeps case and keeps name-like words whole:
//! hyphenated words (`Abdul-Mahdi`, `al-Muhandis`), inner apostrophes (`Kata’ib`, `Iraq’s`),
//! dotted abbreviations (`U.S.`). Words glued by a page scraper (`commentAnti-Empire`,
//! `publications@x.caMost Popular`) are split where a lowercase run meets a capitalised word.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Punct(char),
}

/// 16 bytes: a source has millions of tokens (texts over 4 GiB are not tokenised).
#[derive(Debug, Clone)]
pub struct Token {
    start: u32,
    end: u32,
    pub kind: Kind,
    /// Whitespace before the token.
    pub space_before: bool,
    /// A line break before the token (or the start of the text).
    pub line_start: bool,
    /// A word with a hyphen inside (`Abdul-Mahdi`, `US-led`).
    pub hyphenated: bool,
}

impl Token {
    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    pub fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }

    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    pub fn punct(&self) -> Option<char> {
        match self.kind {
            Kind::Punct(c) => Some(c),
            Kind::Word => None,
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || unicode_normalization::char::canonical_combining_class(c) != 0
}

/// The character at byte `at` (a char boundary), decoded cheaply when it is ASCII.
fn char_at(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        None => None,
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text[at..].chars().next(),
    }
}

/// Split `text` into tokens (none for a text over 4 GiB).
pub fn tokenize(text: &str) -> Vec<Token> {
    if u32::try_from(text.len()).is_err() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut i = 0;
    let mut space = false;
    let mut line = true;
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(i) {
        // Fast path: ASCII white space and punctuation (words have their own below).
        if b < 0x80 && !b.is_ascii_alphanumeric() {
            match b {
                b'\n' | b'\r' => {
                    space = true;
                    line = true;
                }
                b' ' | b'\t' | 0x0b | 0x0c => space = true,
                _ => {
                    out.push(Token {
                        start: i as u32,
                        end: i as u32 + 1,
                        kind: Kind::Punct(b as char),
                        space_before: space,
                        line_start: line,
                        hyphenated: false,
                    });
                    space = false;
                    line = false;
                }
            }
            i += 1;
            continue;
        }
        let Some(c) = char_at(text, i) else { break };
        if c.is_whitespace() {
            space = true;
            if c == '\n' || c == '\r' {
                line = true;
            }
            i += c.len_utf8();
            continue;
        }
        let (end, kind, hyphenated) = if is_word_char(c) {
            let (end, hyphenated) = word_end(text, i);
            (end, Kind::Word, hyphenated)
        } else {
            (i + c.len_utf8(), Kind::Punct(c), false)
        };
        out.push(Token {
            start: i as u32,
            end: end as u32,
            kind,
            space_before: space,
            line_start: line,
            hyphenated,
        });
        space = false;
        line = false;
        i = end;
    }
    out
}

/// End of the word starting at `start` (always past its first character), and whether a
/// hyphen joins two of its parts.
fn word_end(text: &str, start: usize) -> (usize, bool) {
    let mut hyphenated = false;
    let mut end = start;
    let mut prev: Option<char> = None;
    let mut all_lower = true;
    let mut letters = 0usize;
    let mut dotted = false;
    let mut i = start;
    while let Some(c) = char_at(text, i) {
        let next = i + c.len_utf8();
        if is_word_char(c) {
            // Glued words: `commentAnti`, `caMost`.
            if c.is_uppercase()
                && prev.is_some_and(char::is_lowercase)
                && all_lower
                && letters >= 2
                && char_at(text, next).is_some_and(char::is_lowercase)
            {
                return (end, hyphenated);
            }
            if !c.is_lowercase() {
                all_lower = false;
            }
            letters += 1;
            end = next;
            prev = Some(c);
            i = next;
            // Fast path: the rest of an ASCII lowercase run changes nothing but the counts.
            if c.is_ascii_lowercase() {
                let run = text.as_bytes()[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_lowercase())
                    .count();
                if run > 0 {
                    letters += run;
                    i += run;
                    end = i;
                    prev = Some(text.as_bytes()[i - 1] as char);
                }
            }
            continue;
        }
        let after = char_at(text, next);
        let joins = if is_apostrophe(c) {
            prev.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphabetic)
        } else if is_hyphen(c) {
            prev.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
        } else if c == '.' {
            // `U.S.`: single capitals with dots.
            let single_cap = prev.is_some_and(char::is_uppercase)
                && (end - start == prev.map_or(0, char::len_utf8) || dotted);
            if single_cap && after.is_some_and(char::is_uppercase) {
                let after2 = char_at(text, next + after.map_or(0, char::len_utf8));
                after2 == Some('.')
            } else if single_cap && dotted {
                // The final dot of `U.S.`.
                return (next, hyphenated);
            } else {
                false
            }
        } else {
            false
        };
        if !joins {
            break;
        }
        if c == '.' {
            dotted = true;
        } else {
            hyphenated |= is_hyphen(c);
            all_lower = false;
        }
        end = next;
        prev = Some(c);
        i = next;
    }
    (end, hyphenated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .filter(|t| t.is_word())
            .map(|t| &text[t.range()])
            .collect()
    }

    #[test]
    fn keeps_names_whole() {
        assert_eq!(
            words("Adil Abdul-Mahdi and al-Muhandis of Kata’ib Hezbollah, Iraq's."),
            [
                "Adil",
                "Abdul-Mahdi",
                "and",
                "al-Muhandis",
                "of",
                "Kata’ib",
                "Hezbollah",
                "Iraq's"
            ]
        );
        assert_eq!(
            words("U.S. forces, the U.S. Maj. Gen."),
            ["U.S.", "forces", "the", "U.S.", "Maj", "Gen"]
        );
        assert_eq!(words("the US' battle"), ["the", "US", "battle"]);
    }

    #[test]
    fn splits_glued_words() {
        assert_eq!(
            words("Leave a commentAnti-Empire"),
            ["Leave", "a", "comment", "Anti-Empire"]
        );
        assert_eq!(
            words("globalresearch.caMost Popular"),
            ["globalresearch", "ca", "Most", "Popular"]
        );
        assert_eq!(
            words("iPhone McDonald YouTube"),
            ["iPhone", "McDonald", "YouTube"]
        );
    }

    #[test]
    fn records_line_starts_and_punctuation() {
        let t = tokenize("A b.\n\nC");
        assert!(t[0].line_start && !t[1].line_start);
        assert_eq!(t[2].punct(), Some('.'));
        assert!(t[3].line_start);
    }
}
