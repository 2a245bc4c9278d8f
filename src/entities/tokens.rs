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

#[derive(Debug, Clone)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Whitespace before the token.
    pub space_before: bool,
    /// A line break before the token (or the start of the text).
    pub line_start: bool,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
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
    c.is_alphanumeric() || unicode_normalization::char::canonical_combining_class(c) != 0
}

/// Split `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut chars = text.char_indices().peekable();
    let mut space = false;
    let mut line = true;
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            space = true;
            if c == '\n' || c == '\r' {
                line = true;
            }
            chars.next();
            continue;
        }
        if !is_word_char(c) {
            chars.next();
            out.push(Token {
                start: i,
                end: i + c.len_utf8(),
                kind: Kind::Punct(c),
                space_before: space,
                line_start: line,
            });
            space = false;
            line = false;
            continue;
        }
        let end = word_end(text, i);
        while chars.peek().is_some_and(|&(j, _)| j < end) {
            chars.next();
        }
        out.push(Token {
            start: i,
            end,
            kind: Kind::Word,
            space_before: space,
            line_start: line,
        });
        space = false;
        line = false;
    }
    out
}

/// End of the word starting at `start`.
fn word_end(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut prev: Option<char> = None;
    let mut all_lower = true;
    let mut letters = 0usize;
    let mut dotted = false;
    let it = text[start..].char_indices().map(|(k, c)| (start + k, c));
    let next_char = |at: usize| text[at..].chars().next();
    for (i, c) in it {
        if is_word_char(c) {
            // Glued words: `commentAnti`, `caMost`.
            if c.is_uppercase()
                && prev.is_some_and(char::is_lowercase)
                && all_lower
                && letters >= 2
                && next_char(i + c.len_utf8()).is_some_and(char::is_lowercase)
            {
                return end;
            }
            if !c.is_lowercase() {
                all_lower = false;
            }
            letters += 1;
            end = i + c.len_utf8();
            prev = Some(c);
            continue;
        }
        let after = next_char(i + c.len_utf8());
        let joins = if is_apostrophe(c) {
            prev.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphabetic)
        } else if is_hyphen(c) {
            prev.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
        } else if c == '.' {
            // `U.S.`: single capitals with dots.
            let single_cap = prev.is_some_and(char::is_uppercase)
                && (end - start == prev.map_or(0, char::len_utf8) || dotted);
            if single_cap && after.is_some_and(char::is_uppercase) {
                let after2 = next_char(i + 1 + after.map_or(0, char::len_utf8));
                after2 == Some('.')
            } else if single_cap && dotted {
                // The final dot of `U.S.`.
                return i + 1;
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
            all_lower = false;
        }
        end = i + c.len_utf8();
        prev = Some(c);
    }
    end
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
