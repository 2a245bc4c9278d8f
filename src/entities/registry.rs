//! The user's entity registry: `entities.toml` at the workspace root. It extends and overrides
//! what extraction finds:
//!
//! ```toml
//! # Names that are never entities (false positives of the finder).
//! ignore = ["Anti-Empire", "Black Swan"]
//!
//! [[entity]]
//! name = "Qassem Soleimani"            # the name shown (overrides the extracted one)
//! kind = "person"                      # person | organization | place | other
//! aliases = ["Qasem Soleimani", "Haj Qassem"]   # more names: merged into this entity
//! description = "Commander of the IRGC's Quds Force, killed in Baghdad on 3 January 2020."
//! links = ["https://en.wikipedia.org/wiki/Qasem_Soleimani"]
//! ```
//!
//! An entry whose name or an alias matches extracted names (by lookup key: case, typography,
//! hyphens and spaces ignored) takes them over; an entry that matches nothing is listed with
//! no mentions. Unknown keys are errors, like in `sourced.toml`.

use super::found::EntityKind;
use serde::Deserialize;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The registry's file name, at the workspace root.
pub const FILE_NAME: &str = "entities.toml";

/// An `entities.toml` larger than this is refused (a real one is a few kilobytes).
const MAX_REGISTRY_BYTES: u64 = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Names (any surface form) that are never entities.
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default, rename = "entity")]
    pub entities: Vec<RegistryEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryEntry {
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub links: Vec<String>,
}

impl RegistryEntry {
    pub fn kind(&self) -> Option<EntityKind> {
        self.kind.as_deref().and_then(EntityKind::parse)
    }
}

impl Registry {
    /// Parse the text of an `entities.toml`; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Registry, RegistryError> {
        let reg: Registry = toml::from_str(text).map_err(|e| RegistryError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        for e in &reg.entities {
            if e.name.trim().is_empty() {
                return Err(RegistryError::Invalid {
                    path: path.to_path_buf(),
                    message: "an [[entity]] has an empty name".into(),
                });
            }
            if let Some(k) = &e.kind {
                if EntityKind::parse(k).is_none() {
                    return Err(RegistryError::Invalid {
                        path: path.to_path_buf(),
                        message: format!(
                            "entity {:?}: unknown kind {k:?} (person, organization, place or other)",
                            e.name
                        ),
                    });
                }
            }
        }
        Ok(reg)
    }

    /// Load `entities.toml` from the workspace root `root`; a missing file is an empty
    /// registry.
    pub fn load(root: &Path) -> Result<Registry, RegistryError> {
        let path = root.join(FILE_NAME);
        // Bounded and non-blocking, like every read of a file someone else may have made.
        match crate::disk::read_bounded(&path, MAX_REGISTRY_BYTES, true) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Self::parse(&text, &path),
                Err(_) => Err(RegistryError::Io {
                    path,
                    source: std::io::Error::other("not valid UTF-8"),
                }),
            },
            Err(crate::disk::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Registry::default())
            }
            Err(e) => Err(RegistryError::Io {
                path,
                source: std::io::Error::other(e.to_string()),
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ignore.is_empty() && self.entities.is_empty()
    }

    /// A hash of the contents (for caches).
    pub fn fingerprint(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_rejects_mistakes() {
        let r = Registry::parse(
            r#"
ignore = ["Anti-Empire"]
[[entity]]
name = "Qassem Soleimani"
kind = "person"
aliases = ["Haj Qassem"]
description = "Quds Force commander"
links = ["https://example.org/qs"]
"#,
            Path::new("entities.toml"),
        )
        .unwrap();
        assert_eq!(r.entities[0].kind(), Some(EntityKind::Person));
        assert_eq!(r.ignore, ["Anti-Empire"]);
        assert!(Registry::parse(
            "[[entity]]\nname = \"X\"\nkynd = \"person\"\n",
            Path::new("e")
        )
        .is_err());
        assert!(Registry::parse(
            "[[entity]]\nname = \"X\"\nkind = \"animal\"\n",
            Path::new("e")
        )
        .is_err());
        assert!(Registry::load(Path::new("/nonexistent-dir"))
            .unwrap()
            .is_empty());
    }
}
