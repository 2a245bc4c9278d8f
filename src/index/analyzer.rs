//! The tantivy tokenizers.
//!
//! - [`WORDS_TOKENIZER`] reads words that are already normalised and separated by single
//!   spaces: passages are normalised once, in [`super::passages`], when they are split.
//! - [`TOKENIZER`]: [`crate::text::normalize`] then [`crate::text::words`], for raw text;
//!   offsets point into the un-normalised text. Both agree with the matcher on every word.

use crate::text::{normalize, words};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Name the normalising tokenizer is registered under in every index.
pub const TOKENIZER: &str = "sourced";

/// Name the tokenizer of pre-normalised, space-separated words is registered under.
pub const WORDS_TOKENIZER: &str = "sourced_words";

/// Splits at single spaces, reusing one token (no allocation per word).
#[derive(Clone, Default)]
pub struct WordsTokenizer {
    token: Token,
}

pub struct WordsTokenStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordsTokenizer {
    type TokenStream<'a> = WordsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordsTokenStream<'a> {
        self.token.reset();
        self.token.position = usize::MAX;
        WordsTokenStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.at..];
        let rest_start = self.at;
        let trimmed = rest.trim_start_matches(' ');
        if trimmed.is_empty() {
            self.at = self.text.len();
            return false;
        }
        let start = rest_start + (rest.len() - trimmed.len());
        let end = trimmed.find(' ').map_or(self.text.len(), |i| start + i);
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        self.at = end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[derive(Clone, Default)]
pub struct SourcedTokenizer;

pub struct SourcedTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for SourcedTokenizer {
    type TokenStream<'a> = SourcedTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SourcedTokenStream {
        let n = normalize(text);
        let tokens = words(&n.text)
            .enumerate()
            .map(|(position, r)| {
                let src = n.source_range(r.clone());
                Token {
                    offset_from: src.start,
                    offset_to: src.end,
                    position,
                    text: n.text[r].to_string(),
                    position_length: 1,
                }
            })
            .collect();
        SourcedTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for SourcedTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Register the analyzer on an index (needed after every open).
pub fn register(index: &tantivy::Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(TOKENIZER, TextAnalyzer::from(SourcedTokenizer));
    tokenizers.register(
        WORDS_TOKENIZER,
        TextAnalyzer::from(WordsTokenizer::default()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_tokens_are_the_space_separated_words_in_order() {
        let mut t = WordsTokenizer::default();
        for _ in 0..2 {
            let mut s = t.token_stream("kata'ib hezbollah 2,500");
            let mut got = Vec::new();
            while s.advance() {
                got.push((s.token().text.clone(), s.token().position));
            }
            assert_eq!(
                got,
                [
                    ("kata'ib".to_string(), 0),
                    ("hezbollah".to_string(), 1),
                    ("2,500".to_string(), 2)
                ]
            );
        }
        assert!(!t.token_stream("").advance());
    }

    #[test]
    fn tokens_are_normalised_words_with_original_offsets() {
        let text = "Kata’ib  HEZBOLLAH – “2,500”";
        let mut t = SourcedTokenizer;
        let mut s = t.token_stream(text);
        let mut got = Vec::new();
        while s.advance() {
            let tok = s.token();
            got.push((
                tok.text.clone(),
                &text[tok.offset_from..tok.offset_to],
                tok.position,
            ));
        }
        assert_eq!(
            got,
            [
                ("kata'ib".into(), "Kata’ib", 0),
                ("hezbollah".into(), "HEZBOLLAH", 1),
                ("2,500".into(), "2,500", 2)
            ]
        );
    }
}
