//! A tiny built-in list of well-known equivalences that a text uses without defining them
//! (the seeds write "Daesh" and "ISIS" but never say they are the Islamic State). Each group
//! is one entity: its canonical name, kind and the names it goes by. Keep it short: anything
//! project-specific belongs in the workspace's `entities.toml`.

use super::found::EntityKind;
use super::keys::lookup_key;
use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

pub struct Group {
    pub name: &'static str,
    pub kind: EntityKind,
    pub aliases: &'static [&'static str],
}

pub static GROUPS: &[Group] = &[
    Group {
        name: "Islamic State",
        kind: EntityKind::Organization,
        aliases: &[
            "Islamic State",
            "IS",
            "ISIS",
            "ISIL",
            "Daesh",
            "Da'esh",
            "Islamic State in Iraq and Syria",
            "Islamic State of Iraq and Syria",
            "Islamic State of Iraq and the Levant",
            "Islamic State in Iraq and the Levant",
        ],
    },
    Group {
        name: "Popular Mobilization Forces",
        kind: EntityKind::Organization,
        aliases: &[
            "Popular Mobilization Forces",
            "Popular Mobilisation Forces",
            "Popular Mobilization Units",
            "Popular Mobilisation Units",
            "PMF",
            "PMU",
            "Hashd al-Shaabi",
            "Hashd al-Sha'abi",
            "al-Hashd al-Shaabi",
            "Hashd",
            "Haashd al-Shabi",
            "Hashed al-Shaabi",
        ],
    },
    Group {
        name: "al-Qaeda",
        kind: EntityKind::Organization,
        aliases: &["al-Qaeda", "al-Qaida", "Al Qaeda", "Al-Qaeda", "AQ"],
    },
    Group {
        name: "Islamic Revolutionary Guard Corps",
        kind: EntityKind::Organization,
        aliases: &[
            "Islamic Revolutionary Guard Corps",
            "IRGC",
            "Revolutionary Guards",
            "Revolutionary Guard",
        ],
    },
    Group {
        name: "United Nations",
        kind: EntityKind::Organization,
        aliases: &["United Nations", "UN", "U.N."],
    },
    Group {
        name: "NATO",
        kind: EntityKind::Organization,
        aliases: &["NATO", "North Atlantic Treaty Organization"],
    },
    Group {
        name: "Pentagon",
        kind: EntityKind::Organization,
        aliases: &[
            "Pentagon",
            "US Defense Department",
            "Defense Department",
            "Department of Defense",
            "DoD",
        ],
    },
    Group {
        name: "Deutsche Welle",
        kind: EntityKind::Organization,
        aliases: &["Deutsche Welle", "DW"],
    },
];

static BY_KEY: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut m = HashMap::default();
    for (i, g) in GROUPS.iter().enumerate() {
        for a in g.aliases {
            m.insert(lookup_key(a), i);
        }
    }
    m
});

/// The built-in group a lookup key belongs to.
pub fn group_of(key: &str) -> Option<&'static Group> {
    BY_KEY.get(key).map(|&i| &GROUPS[i])
}

/// Index of the group (for clustering).
pub fn group_index(key: &str) -> Option<usize> {
    BY_KEY.get(key).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_equivalences() {
        assert_eq!(group_of("daesh").unwrap().name, "Islamic State");
        assert_eq!(group_of(&lookup_key("ISIS")).unwrap().name, "Islamic State");
        assert_eq!(
            group_of(&lookup_key("Haashd al-Shabi")).unwrap().name,
            "Popular Mobilization Forces"
        );
        assert!(group_of("iraq").is_none());
    }
}
