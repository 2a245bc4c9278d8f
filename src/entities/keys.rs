//! Comparison keys for surface forms, built on the shared normaliser so that entity lookups
//! agree with quote matching on what is "the same text":
//!
//! - [`lookup_key`]: normalised (NFKC, folded quotes and dashes, lowercase), a trailing
//!   possessive (`’s`, `'s`, `'`) removed, then everything but letters and digits removed:
//!   `Kata’ib Hezbollah`, `Kataib Hezbollah` and `KATA'IB HEZBOLLAH` share `kataibhezbollah`,
//!   `Abdul-Mahdi` and `Abdul Mahdi` share `abdulmahdi`.
//! - [`parts`]: the name's words, normalised, split on spaces and hyphens, particles
//!   (`al`, `bin`…) dropped: for surname and transliteration comparisons.
//! - [`edit_distance`]: Levenshtein distance over characters, with a cap.

use super::lexicon::{HYPHEN_PARTICLES, PARTICLES};
use crate::text::normalize;

/// `surface` without a trailing possessive (`Iraq’s` → `Iraq`, `US'` → `US`).
pub fn strip_possessive(surface: &str) -> &str {
    for suffix in ["'s", "’s", "ʼs", "'S", "’S"] {
        if let Some(base) = surface.strip_suffix(suffix) {
            if base.chars().count() >= 2 {
                return base;
            }
        }
    }
    for suffix in ["'", "’"] {
        if let Some(base) = surface.strip_suffix(suffix) {
            if base.ends_with(['s', 'S']) {
                return base;
            }
        }
    }
    surface
}

/// The key two surface forms of one name share (see the module documentation).
pub fn lookup_key(surface: &str) -> String {
    let s = strip_possessive(surface.trim());
    if s.is_ascii() {
        // What the normaliser does to ASCII: lowercase (and spaces, dropped here anyway).
        let mut out = String::with_capacity(s.len());
        for b in s.bytes().filter(u8::is_ascii_alphanumeric) {
            out.push(b.to_ascii_lowercase() as char);
        }
        return out;
    }
    let n = normalize(s);
    n.text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// `s` in lowercase, borrowed when it already is (the common case for words that start
/// lowercase).
pub fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

/// `f` applied to [`lookup_key`]`(surface)`, built on the stack for short ASCII names (the
/// common case in the extraction loop, which only looks keys up).
pub fn with_key<R>(surface: &str, f: impl FnOnce(&str) -> R) -> R {
    let s = strip_possessive(surface.trim());
    if s.is_ascii() && s.len() <= 64 {
        let mut buf = [0u8; 64];
        let mut n = 0;
        for b in s.bytes().filter(u8::is_ascii_alphanumeric) {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
        // Only ASCII alphanumerics were written.
        return f(std::str::from_utf8(&buf[..n]).unwrap_or_default());
    }
    f(&lookup_key(surface))
}

/// The normalised words of a name, split on spaces and hyphens, without particles and
/// apostrophes: `Abu Mahdi al-Muhandis` → `abu mahdi muhandis`, `Kata'ib` → `kataib`.
pub fn parts(surface: &str) -> Vec<String> {
    let s = strip_possessive(surface.trim());
    // ASCII is lowercased piece by piece (what the normaliser would do), without a copy.
    let ascii = s.is_ascii();
    let normalized;
    let text = if ascii {
        s
    } else {
        normalized = normalize(s).text;
        normalized.as_str()
    };
    let mut out = Vec::new();
    for piece in text.split(|c: char| c.is_whitespace() || c == '-') {
        let w: String = piece
            .chars()
            .filter(|c| c.is_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if w.is_empty() {
            continue;
        }
        if (PARTICLES.contains(w.as_str())
            || HYPHEN_PARTICLES.contains(w.as_str())
            || matches!(w.as_str(), "of" | "for" | "on" | "the" | "and" | "in"))
            && w != "abu"
        {
            continue;
        }
        out.push(w);
    }
    out
}

/// The lookup key of a name without its particles: `Ali al-Sistani` and `Ali Sistani` share
/// `alisistani`.
pub fn bare_key(surface: &str) -> String {
    parts(surface).concat()
}

/// Levenshtein distance between `a` and `b` in characters, or `max + 1` when it is larger
/// than `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    if a.is_ascii() && b.is_ascii() {
        return edit_distance_of(a.as_bytes(), b.as_bytes(), max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    edit_distance_of(&a, &b, max)
}

fn edit_distance_of<T: PartialEq>(a: &[T], b: &[T], max: usize) -> usize {
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    // Two rows; on the stack for names of up to 63 characters.
    let mut stack = [0usize; 128];
    let mut heap = Vec::new();
    let rows: &mut [usize] = if b.len() < 64 {
        &mut stack[..2 * (b.len() + 1)]
    } else {
        heap.resize(2 * (b.len() + 1), 0);
        &mut heap
    };
    let (mut prev, mut cur) = rows.split_at_mut(b.len() + 1);
    for (j, p) in prev.iter_mut().enumerate() {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(max + 1)
}

/// Whether two multi-part names are spelling or transliteration variants of each other: the
/// same number of parts (at least two), at least one part equal, and every other part of four
/// or more letters within one edit (`Adel Abdul Mahdi` / `Adil Abdul-Mahdi`,
/// `Saddam Hussein` / `Saddam Hussain`).
pub fn variants(a: &[String], b: &[String]) -> bool {
    if a.len() < 2 || a.len() != b.len() || a == b {
        return a.len() >= 2 && a == b;
    }
    let mut equal = 0;
    for (x, y) in a.iter().zip(b) {
        if x == y {
            equal += 1;
        } else if x.chars().count() < 4
            || y.chars().count() < 4
            || edit_distance(x, y, 1) > 1
            || x.chars().next() != y.chars().next()
        {
            return false;
        }
    }
    equal >= 1
}

/// Whether `word` is an acronym: two to eight characters (letters, digits, `.`, `&`),
/// starting with a capital, at least two capitals and no other letters (`ISIS`, `PMU`,
/// `U.S.`, `AT&T`).
pub fn is_acronym(word: &str) -> bool {
    if !word.starts_with(char::is_uppercase) {
        return false;
    }
    let (mut n, mut upper) = (0, 0);
    for c in word.chars() {
        n += 1;
        if n > 8 || !(c.is_alphanumeric() || c == '.' || c == '&') {
            return false;
        }
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            upper += 1;
        }
    }
    n >= 2 && upper >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_key_agrees_with_lookup_key() {
        for s in [
            "Iraq’s",
            "Kata'ib Hezbollah",
            "U.S.",
            "Abdul-Mahdi",
            " Ünal ",
            "",
            &"A".repeat(80),
        ] {
            assert_eq!(with_key(s, str::to_string), lookup_key(s), "{s}");
        }
    }

    #[test]
    fn keys_ignore_typography_case_possessives_and_separators() {
        assert_eq!(lookup_key("Ｋａｔａ’ib"), lookup_key("kata'ib"));
        assert_eq!(lookup_key("Kata’ib Hezbollah"), "kataibhezbollah");
        assert_eq!(lookup_key("Kataib Hezbollah"), "kataibhezbollah");
        assert_eq!(lookup_key("Abdul-Mahdi"), lookup_key("abdul mahdi"));
        assert_eq!(lookup_key("Iraq’s"), "iraq");
        assert_eq!(lookup_key("US'"), "us");
        assert_eq!(lookup_key("U.S."), "us");
        assert_eq!(strip_possessive("Kata'ib"), "Kata'ib");
    }

    #[test]
    fn parts_drop_particles() {
        assert_eq!(parts("Abu Mahdi al-Muhandis"), ["abu", "mahdi", "muhandis"]);
        assert_eq!(bare_key("Ali al-Sistani"), bare_key("Ali Sistani"));
        assert_eq!(parts("Adil Abdul-Mahdi"), ["adil", "abdul", "mahdi"]);
    }

    #[test]
    fn transliteration_variants() {
        let p = |s: &str| parts(s);
        assert!(variants(&p("Adel Abdul Mahdi"), &p("Adil Abdul-Mahdi")));
        assert!(variants(&p("Saddam Hussein"), &p("Saddam Hussain")));
        assert!(!variants(&p("Iraq"), &p("Iran")));
        assert!(!variants(&p("North Korea"), &p("South Korea")));
        assert!(!variants(&p("Abu Mahdi"), &p("Abu Bakr")));
        assert_eq!(edit_distance("adel", "adil", 2), 1);
        assert_eq!(edit_distance("kitten", "sitting", 1), 2);
    }

    #[test]
    fn acronyms() {
        for a in ["ISIS", "PMU", "KH", "U.S.", "IRCC", "IS"] {
            assert!(is_acronym(a), "{a}");
        }
        for w in ["Iraq", "I", "A", "Kata'ib", "usa"] {
            assert!(!is_acronym(w), "{w}");
        }
    }
}
