//! Places by name: the embedded place list ([`super::place_list`], `data/places.txt`) looked up
//! by [`super::keys::lookup_key`], so that `Iraq’s`, `IRAQ` and `U.S.` find their place.

use super::keys::lookup_key;
use super::place_list;
pub use super::place_list::{is_demonym, Place, PlaceKind};
use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

/// Lookup key of every name and alias → index of its place in [`place_list::all`] (the first
/// place listed wins a key two places share).
static BY_KEY: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut by_key = HashMap::default();
    for (id, place) in place_list::all().iter().enumerate() {
        for n in std::iter::once(place.name).chain(place.aliases.iter().copied()) {
            by_key.entry(lookup_key(n)).or_insert(id);
        }
    }
    by_key
});

/// The place whose name or alias has this lookup key.
pub fn by_key(key: &str) -> Option<&'static Place> {
    index_of(key).map(|i| &place_list::all()[i])
}

/// Index of the place whose name or alias has this lookup key (stable within a run).
pub fn index_of(key: &str) -> Option<usize> {
    BY_KEY.get(key).copied()
}

/// The place named `surface` (any case, possessive and punctuation ignored).
pub fn lookup(surface: &str) -> Option<&'static Place> {
    super::keys::with_key(surface, by_key)
}

/// Number of places in the list.
pub fn len() -> usize {
    place_list::all().len()
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
