//! The embedded place list (`data/places.txt`: countries with their demonyms, capitals and
//! major cities, regions; compiled by hand for sourced, see the file's header for its source
//! and licence), parsed once on first use into its places, in file order, and its demonyms.
//! Only this module reads the file's format; looking places up by name is
//! [`super::places`], on top of the comparison keys.
//!
//! Crates were considered first: `keshvar` (BSD-3-Clause) has countries, nationalities and
//! subdivisions but no cities and is 22 MB of generated source behind 250 features;
//! `celes` (MIT OR Apache-2.0) needs a newer Rust than this project's; `isocountry` (MIT) and
//! `rust_iso3166` (Apache-2.0) have countries and subdivision codes only. A 500-line list
//! does the job at no build cost.

use rustc_hash::FxHashSet as HashSet;
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
    /// Lowercase.
    demonyms: HashSet<String>,
}

static LIST: LazyLock<PlaceList> = LazyLock::new(|| parse(include_str!("data/places.txt")));

fn parse(text: &'static str) -> PlaceList {
    let mut list = PlaceList {
        places: Vec::new(),
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

/// Every place of the list, in file order (an index into it is stable within a run).
pub fn all() -> &'static [Place] {
    &LIST.places
}

/// Whether `lower` (a lowercase word) is a demonym of a listed place (`iraqi`, `americans`).
pub fn is_demonym(lower: &str) -> bool {
    LIST.demonyms.contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kinds_aliases_and_demonyms_in_file_order() {
        let list = parse("# c\n[country]\nIraq ; Iraqi, Iraqis\n\n[city]\nNew York | NYC | NY\n[region]\n | \nMiddle East\n");
        let got: Vec<(&str, PlaceKind, Vec<&str>)> = list
            .places
            .iter()
            .map(|p| (p.name, p.kind, p.aliases.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("Iraq", PlaceKind::Country, vec![]),
                ("New York", PlaceKind::City, vec!["NYC", "NY"]),
                ("Middle East", PlaceKind::Region, vec![]),
            ]
        );
        let mut demonyms: Vec<&str> = list.demonyms.iter().map(String::as_str).collect();
        demonyms.sort();
        assert_eq!(demonyms, ["iraqi", "iraqis"]);
    }
}
