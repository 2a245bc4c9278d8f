//! The embedded place list (`data/places.txt`: countries with their demonyms, capitals and
//! major cities, regions; compiled by hand for sourced, see the file's header for its source
//! and licence). Looked up by [`super::keys::lookup_key`].
//!
//! Crates were considered first: `keshvar` (BSD-3-Clause) has countries, nationalities and
//! subdivisions but no cities and is 22 MB of generated source behind 250 features;
//! `celes` (MIT OR Apache-2.0) needs a newer Rust than this project's; `isocountry` (MIT) and
//! `rust_iso3166` (Apache-2.0) have countries and subdivision codes only. A 500-line list
//! does the job at no build cost.

use super::keys::lookup_key;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

/// What kind of place a list entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Country,
    City,
    Region,
}

/// One place of the list.
#[derive(Debug, Clone)]
pub struct Place {
    /// The name the list gives first (`United States` for `US`).
    pub name: &'static str,
    pub kind: PlaceKind,
    /// Other names (`US`, `USA`, `America`).
    pub aliases: Vec<&'static str>,
}

struct PlaceList {
    places: Vec<Place>,
    by_key: HashMap<String, usize>,
    demonyms: HashSet<String>,
}

static LIST: LazyLock<PlaceList> = LazyLock::new(|| parse(include_str!("data/places.txt")));

fn parse(text: &'static str) -> PlaceList {
    let mut list = PlaceList {
        places: Vec::new(),
        by_key: HashMap::default(),
        demonyms: HashSet::default(),
    };
    let mut kind = PlaceKind::Country;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line {
            "[country]" => kind = PlaceKind::Country,
            "[city]" => kind = PlaceKind::City,
            "[region]" => kind = PlaceKind::Region,
            _ => {
                let (names, demonyms) = line.split_once(';').unwrap_or((line, ""));
                let mut names = names.split('|').map(str::trim).filter(|n| !n.is_empty());
                let Some(name) = names.next() else { continue };
                let aliases: Vec<&'static str> = names.collect();
                let id = list.places.len();
                for n in std::iter::once(name).chain(aliases.iter().copied()) {
                    list.by_key.entry(lookup_key(n)).or_insert(id);
                }
                for d in demonyms.split(',').map(str::trim).filter(|d| !d.is_empty()) {
                    list.demonyms.insert(d.to_lowercase());
                }
                list.places.push(Place {
                    name,
                    kind,
                    aliases,
                });
            }
        }
    }
    list
}

/// The place whose name or alias has this lookup key.
pub fn by_key(key: &str) -> Option<&'static Place> {
    let list = &*LIST;
    list.by_key.get(key).map(|&i| &list.places[i])
}

/// Index of the place whose name or alias has this lookup key (stable within a run).
pub fn index_of(key: &str) -> Option<usize> {
    LIST.by_key.get(key).copied()
}

/// The place named `surface` (any case, possessive and punctuation ignored).
pub fn lookup(surface: &str) -> Option<&'static Place> {
    super::keys::with_key(surface, by_key)
}

/// Whether `lower` (a lowercase word) is a demonym of a listed place (`iraqi`, `americans`).
pub fn is_demonym(lower: &str) -> bool {
    LIST.demonyms.contains(lower)
}

/// Number of places in the list.
pub fn len() -> usize {
    LIST.places.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_countries_cities_regions_and_aliases() {
        assert_eq!(lookup("Iraq").unwrap().kind, PlaceKind::Country);
        assert_eq!(lookup("Iraq’s").unwrap().name, "Iraq");
        assert_eq!(lookup("BAGHDAD").unwrap().kind, PlaceKind::City);
        assert_eq!(lookup("Tehran").unwrap().name, "Tehran");
        assert_eq!(lookup("U.S.").unwrap().name, "United States");
        assert_eq!(lookup("America").unwrap().name, "United States");
        assert_eq!(lookup("Middle East").unwrap().kind, PlaceKind::Region);
        assert!(lookup("Soleimani").is_none());
        assert!(is_demonym("iraqi") && is_demonym("americans") && !is_demonym("iraq"));
        assert!(len() > 400);
    }
}
