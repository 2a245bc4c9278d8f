//! The tantivy tokenizer: [`crate::text::normalize`] then [`crate::text::words`], so that the
//! index and the matcher agree on every word. Offsets point into the un-normalised text.

use crate::text::{normalize, words};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Name the tokenizer is registered under in every index.
pub const TOKENIZER: &str = "sourced";

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
    index
        .tokenizers()
        .register(TOKENIZER, TextAnalyzer::from(SourcedTokenizer));
}

#[cfg(test)]
mod tests {
    use super::*;

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
