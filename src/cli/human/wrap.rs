//! Words with a style, filled into lines of a given width at word boundaries.
//!
//! Invariants: no word is split (a word wider than the width stands alone on its line);
//! widths are counted in characters of the plain text, so colour codes never count. A
//! [`Word::glued`] word is part of the word before it (another colour within one word): no
//! space and no line break between them.

/// One word and how it is painted (an SGR code such as `1` bold, `31` red; `None` plain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub style: Option<&'static str>,
    /// Written right after the word before it, with no space or line break between them.
    pub glued: bool,
}

impl Word {
    pub fn plain(text: impl Into<String>) -> Word {
        Word {
            text: text.into(),
            style: None,
            glued: false,
        }
    }

    pub fn styled(text: impl Into<String>, style: &'static str) -> Word {
        Word {
            text: text.into(),
            style: Some(style),
            glued: false,
        }
    }

    /// This word, glued to the one before it.
    pub fn glued(mut self) -> Word {
        self.glued = true;
        self
    }
}

/// The words of `text`, all painted `style`.
pub fn words(text: &str, style: Option<&'static str>) -> Vec<Word> {
    text.split_whitespace()
        .map(|w| Word {
            text: w.to_string(),
            style,
            glued: false,
        })
        .collect()
}

/// Width of the words on one line, a space between each two.
pub fn width(words: &[Word]) -> usize {
    let spaces = words.iter().skip(1).filter(|w| !w.glued).count();
    words.iter().map(|w| w.text.chars().count()).sum::<usize>() + spaces
}

/// The words filled into lines of at most `width` characters (greedy, at word boundaries).
pub fn fill(words: &[Word], width: usize) -> Vec<Vec<Word>> {
    // Glued words go as one: split where a word is not glued to the one before.
    let mut units: Vec<&[Word]> = Vec::new();
    let mut start = 0;
    for i in 1..=words.len() {
        if i == words.len() || !words[i].glued {
            units.push(&words[start..i]);
            start = i;
        }
    }
    let mut lines: Vec<Vec<Word>> = Vec::new();
    let mut line: Vec<Word> = Vec::new();
    let mut used = 0;
    for unit in units {
        let len = self::width(unit);
        if !line.is_empty() && used + 1 + len > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        used += len + usize::from(!line.is_empty());
        line.extend(unit.iter().cloned());
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One line of words as text, each run of words of one style painted once with
/// `paint(style, text)`.
pub fn show(line: &[Word], paint: impl Fn(&str, &str) -> String) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < line.len() {
        let style = line[i].style;
        let mut run = String::new();
        let mut j = i;
        while j < line.len() && line[j].style == style {
            if j > i && !line[j].glued {
                run.push(' ');
            }
            run.push_str(&line[j].text);
            j += 1;
        }
        if i > 0 && !line[i].glued {
            out.push(' ');
        }
        match style {
            Some(code) => out.push_str(&paint(code, &run)),
            None => out.push_str(&run),
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Vec<Word>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| show(l, |_, t| t.to_string()))
            .collect()
    }

    #[test]
    fn lines_break_between_words_within_the_width() {
        let ws = words("“été” à la plage, café crème", None);
        assert_eq!(
            texts(&fill(&ws, 12)),
            ["“été” à la", "plage, café", "crème"]
        );
        for line in fill(&ws, 12) {
            assert!(width(&line) <= 12);
        }
    }

    #[test]
    fn a_word_wider_than_the_width_stands_alone() {
        let ws = words("a https://example.org/a/very/long/address b", None);
        assert_eq!(
            texts(&fill(&ws, 10)),
            ["a", "https://example.org/a/very/long/address", "b"]
        );
    }

    #[test]
    fn glued_words_stay_together_without_a_space() {
        let ws = vec![
            Word::plain("The"),
            Word::styled("[-2,500-]", "31"),
            Word::styled("{+5,000+}", "32").glued(),
            Word::plain("troops"),
        ];
        assert_eq!(width(&ws), 29);
        assert_eq!(
            texts(&fill(&ws, 10)),
            ["The", "[-2,500-]{+5,000+}", "troops"]
        );
    }

    #[test]
    fn a_run_of_one_style_is_painted_once() {
        let ws = vec![
            Word::plain("is"),
            Word::styled("not", "1"),
            Word::styled("showing", "1"),
            Word::plain("signs"),
        ];
        assert_eq!(
            show(&ws, |c, t| format!("<{c}>{t}</>")),
            "is <1>not showing</> signs"
        );
    }

    #[test]
    fn colour_codes_do_not_count() {
        let ws = vec![Word::styled("[-not-]", "31"), Word::plain("showing")];
        let lines = fill(&ws, 15);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            show(&lines[0], |c, t| format!("\x1b[{c}m{t}\x1b[0m")),
            "\x1b[31m[-not-]\x1b[0m showing"
        );
    }
}
