//! The one glob convention of sourced, for `sources`, `exclude` and `notes` alike: globset's
//! syntax with `literal_separator`, the convention of `.gitignore` and ripgrep. `*` and `?`
//! stop at `/`, `**` crosses folders, `{a,b}` is either, `[0-9]` a class.
//!
//! Invariants:
//! - A spec is a glob when it holds `*`, `?`, `[` or `{`. Its leading components without
//!   any of them are its base folder (joined to the workspace root, never parsed as a
//!   glob); the rest is matched against paths relative to that base, joined with `/`.
//! - A path is taken by a glob when it or one of its folders below the base matches: a
//!   matched folder brings everything in it, as in `.gitignore`.
//! - Expanding a glob (walking from its base) and asking whether a path is taken both use
//!   [`Pattern::takes`], so they cannot disagree.

use globset::{Glob, GlobBuilder, GlobMatcher};
use std::path::{Path, PathBuf};

/// `pattern` compiled with sourced's convention (`*` and `?` stop at `/`).
pub fn glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// Whether a spec is a glob rather than a plain file or folder.
pub fn has_syntax(spec: &str) -> bool {
    spec.contains(['*', '?', '[', '{'])
}

/// A glob spec: where to walk from, and which paths below it it takes.
#[derive(Debug, Clone)]
pub struct Pattern {
    base: PathBuf,
    matcher: GlobMatcher,
    /// How many components every match has, when the pattern fixes it (no `**`, no `/`
    /// inside braces or classes): deeper folders are only taken through a matched folder.
    depth: Option<usize>,
}

impl Pattern {
    /// The glob `spec`, relative to `root` unless absolute. The base is `root` joined to
    /// the spec's literal leading components (not normalized, as plain specs are not).
    pub fn new(spec: &str, root: &Path) -> Result<Pattern, globset::Error> {
        let mut literal = PathBuf::new();
        let mut rest: Vec<String> = Vec::new();
        for c in Path::new(spec).components() {
            let s = c.as_os_str().to_string_lossy();
            if rest.is_empty() && !has_syntax(&s) {
                literal.push(c);
            } else {
                rest.push(s.into_owned());
            }
        }
        let pattern = rest.join("/");
        Ok(Pattern {
            base: root.join(literal),
            matcher: glob(&pattern)?.compile_matcher(),
            depth: fixed_depth(&pattern),
        })
    }

    /// The folder a walk starts from.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Whether `rel` (a path relative to the base) or one of its folders matches.
    pub fn takes(&self, rel: &Path) -> bool {
        let mut joined = String::new();
        for c in rel.components() {
            if !joined.is_empty() {
                joined.push('/');
            }
            joined.push_str(&c.as_os_str().to_string_lossy());
            if self.matcher.is_match(joined.as_str()) {
                return true;
            }
        }
        false
    }

    /// Whether a walk may skip the folder `rel` (relative to the base): nothing below it can
    /// be taken. Only an optimization: files are still tested with [`Pattern::takes`].
    pub fn prunes(&self, rel: &Path) -> bool {
        self.depth
            .is_some_and(|n| rel.components().count() >= n && !self.takes(rel))
    }
}

/// The number of `/`-separated components every path matching `pattern` has, if the
/// pattern fixes it: no `**`, no escapes, and braces and classes closed within a component
/// (else one could hold a `/`).
fn fixed_depth(pattern: &str) -> Option<usize> {
    if pattern.contains("**") || pattern.contains('\\') {
        return None;
    }
    let mut n = 0;
    for part in pattern.split('/') {
        let closed = part.matches('{').count() == part.matches('}').count()
            && part
                .rfind('[')
                .is_none_or(|open| part[open..].contains(']'));
        if !closed {
            return None;
        }
        n += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_the_literal_leading_folders() {
        let root = Path::new("/ws[1]");
        let p = Pattern::new("src/books/*.txt", root).unwrap();
        assert_eq!(p.base(), Path::new("/ws[1]/src/books"));
        let p = Pattern::new("/abs/{a,b}/x.txt", root).unwrap();
        assert_eq!(p.base(), Path::new("/abs"));
        let p = Pattern::new("*.md", root).unwrap();
        assert_eq!(p.base(), root);
    }

    #[test]
    fn stars_stop_at_slashes_and_matched_folders_bring_their_files() {
        let p = Pattern::new("src/*.txt", Path::new("/w")).unwrap();
        assert!(p.takes(Path::new("x.txt")));
        assert!(!p.takes(Path::new("sub/y.txt")));
        assert!(!p.takes(Path::new("")));
        let p = Pattern::new("src/*", Path::new("/w")).unwrap();
        assert!(p.takes(Path::new("sub/y.txt")));
        let p = Pattern::new("src/**/*.txt", Path::new("/w")).unwrap();
        assert!(p.takes(Path::new("x.txt")));
        assert!(p.takes(Path::new("a/b/y.txt")));
    }

    #[test]
    fn pruning_only_where_the_depth_is_fixed() {
        assert_eq!(fixed_depth("*.txt"), Some(1));
        assert_eq!(fixed_depth("{a,b}/[0-9].txt"), Some(2));
        assert_eq!(fixed_depth("**/*.txt"), None);
        assert_eq!(fixed_depth("{a/b,c}/*.txt"), None);
        assert_eq!(fixed_depth("[0-9]/a]b"), Some(2));
        assert_eq!(fixed_depth("a[!/]b"), None);
        let p = Pattern::new("*/x.txt", Path::new("/w")).unwrap();
        assert!(!p.prunes(Path::new("a")));
        assert!(p.prunes(Path::new("a/b")));
        let p = Pattern::new("*/b", Path::new("/w")).unwrap();
        assert!(!p.prunes(Path::new("a/b")));
        assert!(!p.prunes(Path::new("a/b/c")));
    }
}
