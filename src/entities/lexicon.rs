//! Cue word lists: what marks a person (role titles), an organisation (cue words, well-known
//! names), a place (cue words), what is never a name (function words, months, page
//! boilerplate), and name particles.
//!
//! Every list is a data file under `data/` (one lowercase entry a line, `#` comment lines,
//! a header saying what the list is and where it came from), embedded with `include_str!` and
//! parsed into a set on first use. Lookups are with lowercase words. The given-name list
//! (`data/given_names.txt`) is whitespace-separated and lowercased when parsed; the English
//! one (`data/given_names_en.txt`) is used less its cue words and places.
//!
//! Depends on no other entity module but [`super::place_list`] (for demonyms): the comparison
//! keys ([`super::keys`]) and the place lookup ([`super::places`]) build on these lists.

use super::place_list;
use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

/// A set of lowercase entries parsed on first use.
type WordSet = LazyLock<HashSet<&'static str>>;

/// The entries of a list file: one a line, trimmed; blank lines and `#` lines skipped.
fn entries(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Lowercase particles that may stand between the capitalised parts of a name
/// (`Osama bin Laden`, `Ludwig van Beethoven`). `of` is handled apart.
pub static PARTICLES: WordSet = LazyLock::new(|| entries(include_str!("data/particles.txt")));

/// Lowercase prefixes joined by a hyphen to a capitalised name part (`al-Muhandis`).
pub static HYPHEN_PARTICLES: WordSet =
    LazyLock::new(|| entries(include_str!("data/hyphen_particles.txt")));

/// Prefixes of hyphenated words that are not part of a name: `Anti-ISIS` names ISIS.
pub static PREFIXES: WordSet = LazyLock::new(|| entries(include_str!("data/prefixes.txt")));

/// Role titles and offices. In a capitalised run they mark the name after them as a person and
/// are kept as roles, not as part of the name; lowercase ones (`commander`, `leader`) do the
/// same just before a name.
pub static ROLES: WordSet = LazyLock::new(|| entries(include_str!("data/roles.txt")));

/// Words that belong to a role phrase when next to a role word (`Prime Minister`,
/// `Grand Ayatollah`, `Defense Secretary`, `Press secretary`, `Joint Chiefs Chairman`).
pub static ROLE_MODIFIERS: WordSet =
    LazyLock::new(|| entries(include_str!("data/role_modifiers.txt")));

/// Role abbreviations that are not organisations when written in capitals.
pub static ROLE_ACRONYMS: WordSet =
    LazyLock::new(|| entries(include_str!("data/role_acronyms.txt")));

/// Capitalised words that make a name an organisation.
pub static ORG_CUES: WordSet = LazyLock::new(|| entries(include_str!("data/org_cues.txt")));

/// Org cue words that do not make a name on their own (`Parliament` alone is not an entity,
/// `Iraqi Parliament` is).
pub fn generic_cue(lower: &str) -> bool {
    ORG_CUES.contains(lower)
        && !matches!(
            lower,
            "hezbollah" | "hizbollah" | "hizballah" | "hizbullah" | "hamas" | "taliban" | "daesh"
        )
}

/// Capitalised last words that make a name a place.
pub static PLACE_CUES: WordSet = LazyLock::new(|| entries(include_str!("data/place_cues.txt")));

/// Lowercase words right after a name that make it a place (`Ain al-Assad base`).
pub static PLACE_AFTER: WordSet = LazyLock::new(|| entries(include_str!("data/place_after.txt")));

/// Lowercase words right after a name that make it an organisation (`Badr party`).
pub static ORG_AFTER: WordSet = LazyLock::new(|| entries(include_str!("data/org_after.txt")));

/// Well-known organisations, recognised without any cue.
pub static KNOWN_ORGS: WordSet = LazyLock::new(|| entries(include_str!("data/known_orgs.txt")));

/// Words that are never names on their own, however they are written: function words,
/// common sentence openers and adverbs, months and weekdays, and the single words of page
/// furniture. Lowercase.
pub static STOPWORDS: WordSet = LazyLock::new(|| entries(include_str!("data/stopwords.txt")));

/// Capitalised adjectives and group nouns that are not entities and, at the start of a
/// capitalised run, are not part of the name (`Shia Islamist Badr` names `Badr`). Demonyms of
/// places come from the place list.
pub static ADJECTIVES: WordSet = LazyLock::new(|| entries(include_str!("data/adjectives.txt")));

/// Well-known abbreviations ending with a period that do not end a sentence.
pub static ABBREVIATIONS: WordSet =
    LazyLock::new(|| entries(include_str!("data/abbreviations.txt")));

/// Page boilerplate phrases, compared on lookup keys (lowercase, letters and digits only):
/// never entities even when every word is capitalised.
pub static BOILERPLATE: WordSet = LazyLock::new(|| entries(include_str!("data/boilerplate.txt")));

static GIVEN_NAMES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("data/given_names.txt")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect()
});

/// Given names of English-speaking countries (`data/given_names_en.txt`, 8,400 names), less
/// those that are also cue words or places: `May`, `Major`, `King`, `Georgia` say nothing about
/// a person.
static GIVEN_NAMES_EN: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let places: HashSet<String> = place_list::all()
        .iter()
        .flat_map(|p| std::iter::once(p.name).chain(p.aliases.iter().copied()))
        .map(str::to_lowercase)
        .collect();
    entries(include_str!("data/given_names_en.txt"))
        .into_iter()
        .filter(|n| {
            !(is_stopword(n)
                || is_role(n)
                || is_role_modifier(n)
                || is_adjective(n)
                || is_org_cue(n)
                || is_place_cue(n)
                || PARTICLES.contains(n)
                || ABBREVIATIONS.contains(n)
                || places.contains(*n))
        })
        .collect()
});

/// Whether `lower` is a common given name.
pub fn given_name(lower: &str) -> bool {
    GIVEN_NAMES.contains(lower) || GIVEN_NAMES_EN.contains(lower)
}

pub fn is_stopword(lower: &str) -> bool {
    STOPWORDS.contains(lower)
}

pub fn is_role(lower: &str) -> bool {
    ROLES.contains(lower.trim_end_matches('.'))
}

pub fn is_role_modifier(lower: &str) -> bool {
    ROLE_MODIFIERS.contains(lower)
}

pub fn is_org_cue(lower: &str) -> bool {
    ORG_CUES.contains(lower)
}

pub fn is_place_cue(lower: &str) -> bool {
    PLACE_CUES.contains(lower)
}

/// Whether `lower` is a demonym or another group adjective (`Iraqi`, `Shiite`, `Western`).
pub fn is_adjective(lower: &str) -> bool {
    ADJECTIVES.contains(lower) || place_list::is_demonym(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_answer_lowercase_lookups() {
        assert!(PARTICLES.contains("bin"));
        assert!(HYPHEN_PARTICLES.contains("al"));
        assert!(is_role("gen.") && is_role("president") && is_role("commander"));
        assert!(is_org_cue("forces") && is_org_cue("kata'ib"));
        assert!(generic_cue("parliament") && !generic_cue("hezbollah"));
        assert!(is_place_cue("province"));
        assert!(is_stopword("despite") && is_stopword("thus") && is_stopword("meaning"));
        assert!(is_adjective("iraqi") && is_adjective("shiite"));
        assert!(given_name("qassem") && given_name("robert") && !given_name("iraq"));
        // The English list, less cue words and places.
        assert!(given_name("casey") && given_name("mickey") && given_name("abra"));
        assert!(!given_name("may") && !given_name("major") && !given_name("georgia"));
        assert!(KNOWN_ORGS.contains("pentagon"));
        assert!(BOILERPLATE.contains("readmore"));
    }

    /// Every list file (`data/*.txt` but the place list and the given names, which have their
    /// own formats) opens with a header comment and holds trimmed, lowercase, distinct
    /// entries: an entry in capitals would never match a lowercase lookup.
    #[test]
    fn list_files_hold_distinct_lowercase_entries_under_a_header() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/entities/data");
        let mut checked = 0;
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".txt") || name == "places.txt" || name == "given_names.txt" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.starts_with("# "), "{name}: no header comment");
            let mut seen = HashSet::default();
            for (n, line) in text.lines().enumerate() {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let at = format!("{name}:{}", n + 1);
                assert_eq!(line, line.trim(), "{at}: spaces around {line:?}");
                assert_eq!(line, line.to_lowercase(), "{at}: not lowercase");
                assert!(seen.insert(line), "{at}: {line:?} listed twice");
            }
            checked += 1;
        }
        assert_eq!(checked, 16, "list files under {}", dir.display());
    }
}
