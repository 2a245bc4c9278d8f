//! A window on a long line: the part to keep, with as many whole words of context either side
//! as fit, the cuts marked `… ` and ` …`.
//!
//! Invariants: widths are counted in characters; the window's text is at most `budget`
//! characters unless the budget is below 5; `span` is the byte range of the kept part within
//! the window's text, on character boundaries, so a marker drawn under it stands under the
//! same characters as in the line. A kept part wider than the budget is cut at its end (at a
//! word end when one fits), a one-character mark before it (`“`) kept.

use std::ops::Range;

/// What shows of a line, and where the kept part is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub text: String,
    /// Byte range of the kept part within `text`.
    pub span: Range<usize>,
}

const LEFT_CUT: &str = "… ";
const RIGHT_CUT: &str = " …";

/// The window of `line` around the characters `keep` (character indices, end exclusive)
/// that fits in `budget` characters.
pub fn window(line: &str, keep: Range<usize>, budget: usize) -> Window {
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    let start = keep.start.min(n);
    let end = keep.end.clamp(start, n);
    let bytes = |a: usize, b: usize| chars[a..b].iter().map(|c| c.len_utf8()).sum::<usize>();
    if n <= budget {
        return Window {
            text: line.to_string(),
            span: bytes(0, start)..bytes(0, end),
        };
    }
    let ws = |i: usize| chars[i].is_whitespace();
    let cost = |a: usize, b: usize| (b - a) + if a > 0 { 2 } else { 0 } + if b < n { 2 } else { 0 };
    let (mut a, mut b) = (start, end);
    if cost(a, b) > budget {
        // An opening mark just before the kept part stays with it (`“The`, not `The`).
        if budget >= 8 && a > 0 && !ws(a - 1) && (a < 2 || ws(a - 2)) {
            a -= 1;
        }
        let room = budget.saturating_sub(if a > 0 { 2 } else { 0 } + 2).max(1);
        let mut cut = (a + room).min(n);
        let word_end = |i: usize| i < n && !ws(i - 1) && ws(i);
        let mut w = cut;
        while w > start + 1 && !word_end(w) {
            w -= 1;
        }
        if word_end(w) {
            cut = w;
        }
        b = cut;
    } else {
        loop {
            let mut grew = false;
            let mut x = a;
            while x > 0 && ws(x - 1) {
                x -= 1;
            }
            while x > 0 && !ws(x - 1) {
                x -= 1;
            }
            if x < a && cost(x, b) <= budget {
                a = x;
                grew = true;
            }
            let mut y = b;
            while y < n && ws(y) {
                y += 1;
            }
            while y < n && !ws(y) {
                y += 1;
            }
            if y > b && cost(a, y) <= budget {
                b = y;
                grew = true;
            }
            if !grew {
                break;
            }
        }
    }
    let mut text = String::new();
    if a > 0 {
        text.push_str(LEFT_CUT);
    }
    let offset = text.len();
    text.extend(&chars[a..b]);
    if b < n {
        text.push_str(RIGHT_CUT);
    }
    Window {
        span: offset + bytes(a, start)..offset + bytes(a, end.min(b)),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(w: &Window) -> &str {
        &w.text[w.span.clone()]
    }

    #[test]
    fn a_short_line_is_whole() {
        let w = window("say “été” here", 5..8, 40);
        assert_eq!(w.text, "say “été” here");
        assert_eq!(kept(&w), "été");
    }

    #[test]
    fn a_long_line_is_cut_at_word_boundaries_around_the_kept_part() {
        let line = "one two three four “café crème” five six seven eight";
        let start = line.chars().position(|c| c == 'c').unwrap();
        let w = window(line, start..start + 10, 28);
        assert_eq!(w.text, "… four “café crème” five …");
        assert_eq!(kept(&w), "café crème");
        assert!(w.text.chars().count() <= 28);
    }

    #[test]
    fn the_cut_is_marked_only_where_the_line_goes_on() {
        let line = "“début” of a line that goes on and on and on";
        let w = window(line, 1..6, 20);
        assert!(w.text.starts_with("“début”"), "{}", w.text);
        assert!(w.text.ends_with(" …"), "{}", w.text);
        assert_eq!(kept(&w), "début");
    }

    #[test]
    fn a_kept_part_wider_than_the_budget_is_cut_at_a_word_end() {
        let line = "x “aaa bbb ccc ddd eee fff”";
        let w = window(line, 3..26, 16);
        assert_eq!(w.text, "… “aaa bbb ccc …");
        assert_eq!(kept(&w), "aaa bbb ccc");
    }

    #[test]
    fn positions_past_the_line_are_clamped() {
        assert_eq!(kept(&window("short", 3..99, 40)), "rt");
        assert_eq!(kept(&window("short", 9..99, 40)), "");
        // A budget too small for any window still gives one, on character boundaries.
        let w = window("ééééé ééééé", 2..9, 1);
        assert!(w.text.is_char_boundary(w.span.start) && w.text.is_char_boundary(w.span.end));
    }

    proptest::proptest! {
        /// Any line, any part, any budget of 5 or more: the window fits, its span is on
        /// character boundaries, and what it marks is the start of the kept part (never
        /// nothing of a part that has characters).
        #[test]
        fn a_window_fits_and_marks_the_kept_characters(
            line in "[a-zé“” \t]{0,200}",
            start in 0usize..220,
            len in 0usize..220,
            budget in 5usize..120,
        ) {
            let w = window(&line, start..start + len, budget);
            let chars: Vec<char> = line.chars().collect();
            proptest::prop_assert!(w.text.chars().count() <= budget);
            proptest::prop_assert!(w.text.is_char_boundary(w.span.start));
            proptest::prop_assert!(w.text.is_char_boundary(w.span.end));
            let a = start.min(chars.len());
            let b = (start + len).min(chars.len());
            let kept: String = chars[a..b].iter().collect();
            let marked = &w.text[w.span.clone()];
            proptest::prop_assert!(kept.starts_with(marked));
            proptest::prop_assert!(kept.is_empty() || !marked.is_empty());
        }
    }
}
