//! Which files are notes: the Markdown files `sourced check` (without paths) and the language
//! server's "check the workspace" command look at.
//!
//! Given paths are taken as they are (files) or walked (folders). Without paths, the `notes`
//! folders and globs of `sourced.toml` apply, else every Markdown file under `default_root` —
//! leaving out the source folders, hidden folders, `target`, `node_modules` and the `exclude`
//! globs (an excluded folder with all it holds). Globs follow the one convention of
//! [`crate::glob`], as `sources` and `exclude` do.
//!
//! Folders are walked with [`crate::disk::Walk`] (bounded, no pseudo-filesystems, each real
//! folder once). Invariant: what walking finds stays inside the workspace by real path; a
//! link out of it is reported in [`NoteFiles::skipped`], never read.

use crate::config::{self, ConfigError, Workspace};
use crate::disk::walk::{Step, Walk};
use crate::glob::{self as globs, Pattern};
use std::path::{Path, PathBuf};

/// Why the notes could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
}

/// Notes found, and what was passed over on the way (with why).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NoteFiles {
    pub notes: Vec<PathBuf>,
    /// Paths not walked or not taken, each with a sentence: a link leading outside the
    /// workspace, a walk bound, a pseudo-filesystem.
    pub skipped: Vec<(PathBuf, String)>,
}

/// The notes to check, in path order within each folder. `sources` are the source specs in
/// effect (their folders are never walked for notes).
///
/// Notes found by walking stay inside the workspace by real path: a link (to a folder or a
/// file) that leads outside it is passed over, with a message. A folder or file named in
/// `paths` is the user's choice and is taken wherever it is, and so is what lies below a
/// named folder.
pub fn note_files(
    ws: &Workspace,
    sources: &[String],
    paths: &[PathBuf],
    default_root: &Path,
) -> Result<NoteFiles, NotesError> {
    let exclude = ws.exclude()?;
    let source_dirs: Vec<PathBuf> = sources
        .iter()
        .map(|s| config::absolute(&ws.root.join(s)))
        .collect();
    // Where to look, and for a glob, what to take below it.
    let roots: Vec<(PathBuf, Option<Pattern>)> = if !paths.is_empty() {
        paths.iter().map(|p| (p.clone(), None)).collect()
    } else if !ws.config.notes.is_empty() {
        ws.config
            .notes
            .iter()
            .map(|n| note_root(ws, n))
            .collect::<Result<_, _>>()?
    } else {
        vec![(default_root.to_path_buf(), None)]
    };
    let real_root = std::fs::canonicalize(&ws.root).unwrap_or_else(|_| ws.root.clone());
    let mut out = NoteFiles::default();
    for (root, pattern) in roots {
        if root.is_file() && pattern.is_none() {
            out.notes.push(root);
            continue;
        }
        if !root.exists() {
            return Err(NotesError::Missing(root));
        }
        // Where walking may lead: the workspace, and a folder the user named.
        let mut allowed = vec![real_root.clone()];
        if !paths.is_empty() {
            allowed.extend(std::fs::canonicalize(&root));
        }
        let outside = |p: &Path| match std::fs::canonicalize(p) {
            Ok(real) => (!allowed.iter().any(|a| real.starts_with(a))).then_some(real),
            Err(_) => None,
        };
        let below = |p: &Path| p.strip_prefix(&root).unwrap_or(p).to_path_buf();
        let mut it = Walk::new(&root, ws.walk_options());
        while let Some(step) = it.next() {
            let entry = match step {
                Step::Entry(e) => e,
                Step::Problem { path, message } => {
                    let hidden = below(&path)
                        .components()
                        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
                    if !hidden {
                        out.skipped.push((path, message));
                    }
                    continue;
                }
            };
            let p = entry.path();
            let name = entry.file_name().to_string_lossy();
            let rel = crate::corpus::discover::glob_path(&config::absolute(p), &ws.root);
            let is_dir = entry.file_type().is_dir();
            if entry.depth() > 0 && !is_dir && name.starts_with('.') {
                continue;
            }
            if is_dir {
                let skip = entry.depth() > 0
                    && (name.starts_with('.')
                        || name == "target"
                        || name == "node_modules"
                        || exclude.is_match(&rel)
                        || source_dirs.iter().any(|s| config::absolute(p) == *s)
                        || pattern.as_ref().is_some_and(|g| g.prunes(&below(p))));
                if skip {
                    it.skip_current_dir();
                    continue;
                }
            }
            if entry.path_is_symlink() || entry.depth() == 0 {
                if let Some(real) = outside(p) {
                    if is_dir {
                        it.skip_current_dir();
                    }
                    out.skipped.push((
                        p.to_path_buf(),
                        format!(
                            "not checked: it leads to {}, outside the workspace {} (name a \
                             note on the command line to check it)",
                            real.display(),
                            ws.root.display()
                        ),
                    ));
                    continue;
                }
            }
            if is_dir {
                continue;
            }
            let is_md = p.extension().is_some_and(|e| {
                e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
            });
            let taken = pattern.as_ref().is_none_or(|g| g.takes(&below(p)));
            if is_md && taken && !exclude.is_match(&rel) {
                out.notes.push(p.to_path_buf());
            }
        }
    }
    Ok(out)
}

/// A `notes` entry of the config: a folder or file, or a glob's base and the glob.
fn note_root(ws: &Workspace, spec: &str) -> Result<(PathBuf, Option<Pattern>), ConfigError> {
    if !globs::has_syntax(spec) {
        return Ok((ws.root.join(spec), None));
    }
    let pattern = Pattern::new(spec, &ws.root).map_err(|e| ConfigError::Parse {
        path: ws.file.clone().unwrap_or_default(),
        message: format!("notes pattern {spec:?}: {e}"),
    })?;
    Ok((pattern.base().to_path_buf(), Some(pattern)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn skips_sources_hidden_and_excluded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.md",
            "drafts/b.markdown",
            "drafts/skip.md",
            "sources/s.md",
            ".hidden/h.md",
            "node_modules/n.md",
            "c.txt",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let ws = Workspace {
            root: root.to_path_buf(),
            file: None,
            config: Config {
                exclude: vec!["drafts/skip.md".into()],
                ..Config::default()
            },
        };
        let found = note_files(&ws, &["sources".into()], &[], root).unwrap();
        assert!(found.skipped.is_empty(), "{:?}", found.skipped);
        let rel: Vec<String> = found
            .notes
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(rel, ["a.md", "drafts/b.markdown"]);
        let missing = note_files(&ws, &[], &[root.join("nope")], root);
        assert!(matches!(missing, Err(NotesError::Missing(_))));
    }
}
