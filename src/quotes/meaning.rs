//! Words that carry a sentence's meaning in one word, and sentence breaks in source text.
//!
//! An omission (`…`) or an editorial insertion (`[…]`) may shorten a quotation, but never
//! change what the words it keeps say. The words whose loss turns a statement around are
//! few and easy to name: negations (`not`, `never`, `no`, `n't`, `without`, `neither`/`nor`
//! …), numbers (digits and number words), conditions and exceptions (`if`, `unless`,
//! `except`), and hedges of attribution (`allegedly`, `reportedly` …). A cut that removes one
//! of them from a sentence it quotes part of, or a bracket that stands for one without
//! saying it, is never verified (see [`super::explain`]). Whole sentences between the kept
//! pieces may go, whatever they hold.

use std::ops::Range;

/// Why a word matters to the meaning of its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Negation,
    Number,
    Condition,
    Hedge,
}

const NEGATIONS: &[&str] = &[
    "ain't", "cannot", "neither", "never", "no", "nobody", "none", "noone", "nor", "not",
    "nothing", "nowhere", "without",
];

const NUMBER_WORDS: &[&str] = &[
    "billion",
    "billions",
    "dozen",
    "dozens",
    "eight",
    "eighteen",
    "eighty",
    "eleven",
    "fifteen",
    "fifty",
    "five",
    "forty",
    "four",
    "fourteen",
    "half",
    "hundred",
    "hundreds",
    "million",
    "millions",
    "nine",
    "nineteen",
    "ninety",
    "one",
    "percent",
    "quarter",
    "seven",
    "seventeen",
    "seventy",
    "six",
    "sixteen",
    "sixty",
    "ten",
    "third",
    "thirteen",
    "thirty",
    "thousand",
    "thousands",
    "three",
    "trillion",
    "twelve",
    "twenty",
    "two",
    "zero",
];

const CONDITIONS: &[&str] = &["except", "if", "unless", "until"];

const HEDGES: &[&str] = &[
    "allegedly",
    "apparently",
    "purportedly",
    "reportedly",
    "supposedly",
];

/// The weight of a normalised word (lower case, straight apostrophes), if it carries one.
pub fn weight(word: &str) -> Option<Weight> {
    if NEGATIONS.binary_search(&word).is_ok() || word.ends_with("n't") {
        Some(Weight::Negation)
    } else if word.bytes().any(|b| b.is_ascii_digit()) || NUMBER_WORDS.binary_search(&word).is_ok()
    {
        Some(Weight::Number)
    } else if CONDITIONS.binary_search(&word).is_ok() {
        Some(Weight::Condition)
    } else if HEDGES.binary_search(&word).is_ok() {
        Some(Weight::Hedge)
    } else {
        None
    }
}

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "adm", "apr", "aug", "capt", "cmdr", "co", "col", "corp", "dec", "dr", "e.g", "feb", "gen",
    "gov", "i.e", "inc", "jan", "jr", "jul", "jun", "lt", "ltd", "maj", "mar", "mr", "mrs", "ms",
    "no", "nov", "oct", "prof", "rep", "rev", "sen", "sep", "sept", "sgt", "sr", "st", "u.k",
    "u.n", "u.s", "vs",
];

/// Whether the text between two words ends a sentence or a paragraph. `before` is the word
/// before the break as written (for abbreviations), `between` what separates it from the next.
pub fn ends_sentence(before: &str, between: &str) -> bool {
    if between.contains("\n\n") || between.contains('\u{2029}') {
        return true;
    }
    let Some(at) = between.find(['.', '!', '?', '…']) else {
        return false;
    };
    if between[at..].starts_with('.') {
        let lower = before.to_lowercase();
        let single_letter = before.chars().count() == 1 && before.chars().all(char::is_uppercase);
        if single_letter || ABBREVIATIONS.binary_search(&lower.as_str()).is_ok() {
            return false;
        }
    }
    // The next sentence starts after spaces (and closing marks): not `3.5` or `U.S.`.
    between[at..].chars().skip(1).all(|c| !c.is_alphanumeric())
}

/// Sentence and paragraph breaks of a word sequence: `breaks[i]` says whether a sentence ends
/// between word `i` and word `i + 1`.
pub fn sentence_breaks(text: &str, words: &[Range<usize>]) -> Vec<bool> {
    (0..words.len())
        .map(|i| match words.get(i + 1) {
            // Words of one character that normalisation expands (`ﷺ`) may share source
            // bytes: no break between them.
            Some(next) => match (
                text.get(words[i].clone()),
                text.get(words[i].end..next.start),
            ) {
                (Some(word), Some(between)) => ends_sentence(word, between),
                _ => false,
            },
            None => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_lookup() {
        for list in [NEGATIONS, NUMBER_WORDS, CONDITIONS, HEDGES, ABBREVIATIONS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn weights() {
        assert_eq!(weight("not"), Some(Weight::Negation));
        assert_eq!(weight("won't"), Some(Weight::Negation));
        assert_eq!(weight("2,500"), Some(Weight::Number));
        assert_eq!(weight("thousand"), Some(Weight::Number));
        assert_eq!(weight("unless"), Some(Weight::Condition));
        assert_eq!(weight("reportedly"), Some(Weight::Hedge));
        assert_eq!(weight("attack"), None);
    }

    #[test]
    fn words_sharing_source_bytes_are_not_a_break() {
        // One source character read as two words: their ranges overlap.
        assert_eq!(sentence_breaks("ab", &[0..2, 0..2]), [false, true]);
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("retreat", ". "));
        assert!(ends_sentence("retreat", ".” "));
        assert!(ends_sentence("one", "\n\n"));
        assert!(!ends_sentence("Mr", ". "));
        assert!(!ends_sentence("U.S", ". "));
        assert!(!ends_sentence("J", ". "));
        assert!(!ends_sentence("troops", ", "));
    }
}
