//! What the language-server bench types: deterministic notes of quotations drawn from a folder
//! of source texts (half word for word, a quarter with one word changed, a quarter made up),
//! and the word edits inside those quotations.

use std::path::Path;

/// A small deterministic generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

pub const MADE_UP: &[&str] = &[
    "banana",
    "orbit",
    "velvet",
    "committee",
    "harbour",
    "lantern",
    "cobalt",
    "meadow",
    "quartz",
    "violin",
    "glacier",
    "saffron",
    "pebble",
    "tundra",
    "marble",
    "compass",
];

/// The word runs that quotations are drawn from.
pub struct Sentences {
    /// Runs of at least 9 words without quotation marks or markup, in file order.
    pub runs: Vec<Vec<String>>,
    /// Every distinct word of `runs`, for edits that put a real word in a quotation.
    pub vocabulary: Vec<String>,
}

/// The clean sentences of every `.txt`/`.md` file under `dir` (sorted, recursive).
pub fn sentences(dir: &Path) -> Sentences {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
        .collect();
    files.sort();
    let mut runs = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for sentence in text.split(['.', '\n', '?', '!', ':', ';']) {
            if sentence.contains([
                '“', '”', '"', '[', ']', '*', '#', '(', ')', '‘', '’', '\'', '@', '…', '`', '_',
                '<', '>', '|', '\\',
            ]) {
                continue;
            }
            let words: Vec<String> = sentence.split_whitespace().map(str::to_string).collect();
            if words.len() >= 9 {
                runs.push(words);
            }
        }
    }
    assert!(!runs.is_empty(), "no usable sentences in {}", dir.display());
    let mut vocabulary: Vec<String> = runs.iter().flatten().cloned().collect();
    vocabulary.sort();
    vocabulary.dedup();
    Sentences { runs, vocabulary }
}

/// A note of `lines` lines with `quotes` quotations, one every `lines / quotes` lines, filler
/// prose elsewhere. Quotation `q` (1-based) is word for word if `q % 4` is 0 or 1, has one word
/// changed if 2, and is made up if 3.
pub fn generate_note(s: &Sentences, rng: &mut Rng, lines: usize, quotes: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(lines);
    let mut n_quotes = 0;
    for i in 0..lines {
        if i % (lines / quotes) == 0 && n_quotes < quotes {
            n_quotes += 1;
            let run = &s.runs[rng.below(s.runs.len())];
            let n = 6 + rng.below(8).min(run.len() - 6);
            let start = rng.below(run.len() - n + 1);
            let mut words: Vec<String> = run[start..start + n].to_vec();
            match n_quotes % 4 {
                0 | 1 => {}
                2 => {
                    let k = rng.below(words.len());
                    words[k] = MADE_UP[rng.below(MADE_UP.len())].to_string();
                }
                _ => {
                    for w in words.iter_mut() {
                        *w = MADE_UP[rng.below(MADE_UP.len())].to_string();
                    }
                }
            }
            out.push(format!(
                "Line {i}: the article said “{}” at the time.",
                words.join(" ")
            ));
        } else {
            out.push(format!(
                "Filler line {i} with ordinary words about nothing in particular at all."
            ));
        }
    }
    out
}

/// An edit of one word inside a quotation: the line, the UTF-16 columns it replaces and the
/// new word.
pub struct WordEdit {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    pub word: String,
}

/// Replace a random word of the quotation on `line` with a different word of the vocabulary,
/// in `lines` too.
pub fn edit_quotation_word(
    lines: &mut [String],
    line: usize,
    vocabulary: &[String],
    rng: &mut Rng,
) -> WordEdit {
    let l = &lines[line];
    let open = l.find('“').expect("a quotation line") + '“'.len_utf8();
    let close = l.find('”').expect("a closed quotation");
    let mut words = Vec::new();
    let mut at = open;
    for w in l[open..close].split(' ') {
        if !w.is_empty() {
            words.push((at, at + w.len()));
        }
        at += w.len() + 1;
    }
    let (a, b) = words[rng.below(words.len())];
    let mut word = &vocabulary[rng.below(vocabulary.len())];
    while *word == l[a..b] {
        word = &vocabulary[rng.below(vocabulary.len())];
    }
    let start = l[..a].encode_utf16().count();
    let end = start + l[a..b].encode_utf16().count();
    let word = word.clone();
    lines[line].replace_range(a..b, &word);
    WordEdit {
        line,
        start,
        end,
        word,
    }
}
