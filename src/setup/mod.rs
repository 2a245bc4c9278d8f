//! Setting up a workspace that has no `sourced.toml`: which folders likely hold the sources
//! ([`candidates`]), and the commented `sourced.toml` that names them ([`template`]). Shared
//! by `sourced init` and the language server's `sourced.init` command, so both propose the
//! same folders and write the same file.

pub mod candidates;
pub mod template;

pub use candidates::{candidates, Candidate};
pub use template::template;

/// Sources written uncommented at most (the others found are left to the user).
pub const MAX_SOURCES: usize = 8;

/// The `sources` entries for these candidates, as [`template`] takes them: the first
/// [`MAX_SOURCES`], each with what was found there as its comment.
pub fn entries(found: &[Candidate]) -> Vec<(String, String)> {
    found
        .iter()
        .take(MAX_SOURCES)
        .map(|c| (c.spec.clone(), format!("found: {}", files(c.files))))
        .collect()
}

/// `n` source files, in words.
pub fn files(n: usize) -> String {
    format!("{n} source file{}", if n == 1 { "" } else { "s" })
}
