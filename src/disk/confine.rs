//! Where sourced writes: only in real folders inside the workspace, and it removes only
//! folders it made.
//!
//! A checked-out repository can hold symbolic links where sourced writes (`.sourced`, a
//! configured `index_dir`, the index folder inside it). A lexical check ("the path starts
//! with the workspace") says nothing about where writes land, so:
//! - [`folder_inside`] walks from the workspace root down to a folder one component at a
//!   time: an existing component must be a folder whose *real* path stays inside the
//!   workspace (a link inside the workspace is allowed); a missing one is created with
//!   `mkdir`, which never follows a link. [`cache_folder`] is that walk for the index's
//!   cache folder, which it marks when it creates it;
//! - files sourced writes for housekeeping are created with `O_CREAT | O_EXCL`
//!   ([`write_new`]), which fails on any existing name, links included;
//! - folders sourced makes carry a [`MARK`] file (the Cache Directory Tagging convention,
//!   so backup tools skip them too); [`is_marked`] tells them apart. Callers remove only
//!   marked folders, or folders they can prove hold only their own files.
//!
//! Invariant: with every check passed, removing a folder removes only entries inside it
//! (`std::fs::remove_dir_all` does not follow links, and races with a link swapped in are
//! closed by its use of `openat`/`unlinkat`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file that marks a folder as sourced's (see <https://bford.info/cachedir/>).
pub const MARK: &str = "CACHEDIR.TAG";

const MARK_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This folder is a cache made by sourced (https://github.com/sourced): safe to delete.\n";

/// Why a cache folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfineError {
    #[error(
        "{path} leads to {real}, outside the workspace {root}: sourced writes only inside the \
         workspace (remove the link, or choose another folder in sourced.toml)"
    )]
    Outside {
        path: PathBuf,
        real: PathBuf,
        root: PathBuf,
    },
    #[error("{path} is {kind}, not a folder: sourced cannot write there")]
    NotAFolder { path: PathBuf, kind: &'static str },
    #[error("{path} is not inside the workspace {root}")]
    NotBelow { path: PathBuf, root: PathBuf },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> ConfineError + '_ {
    move |source| ConfineError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The cache folder `dir` (absolute, lexically below `root`) as a real path inside the
/// workspace `root`, created if missing (marked with [`MARK`] when sourced creates it).
/// Fails, creating nothing, if a link on the way leads outside the workspace or something
/// other than a folder stands on the way.
pub fn cache_folder(dir: &Path, root: &Path) -> Result<PathBuf, ConfineError> {
    confine(dir, root, true)
}

/// The folder `dir` (absolute, lexically below `root`) as a real path inside the workspace
/// `root`, with its missing folders created (none marked). Fails, creating nothing, as
/// [`cache_folder`] does.
pub fn folder_inside(dir: &Path, root: &Path) -> Result<PathBuf, ConfineError> {
    confine(dir, root, false)
}

fn confine(dir: &Path, root: &Path, mark_created: bool) -> Result<PathBuf, ConfineError> {
    let real_root = std::fs::canonicalize(root).map_err(io_at(root))?;
    let rel = dir.strip_prefix(root).map_err(|_| ConfineError::NotBelow {
        path: dir.to_path_buf(),
        root: root.to_path_buf(),
    })?;
    let mut at = real_root.clone();
    let mut shown = root.to_path_buf();
    let count = rel.components().count();
    for (i, c) in rel.components().enumerate() {
        shown.push(c);
        let next = at.join(c);
        match std::fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_symlink() => {
                let real = std::fs::canonicalize(&next)
                    .unwrap_or_else(|_| std::fs::read_link(&next).unwrap_or_else(|_| next.clone()));
                if !real.starts_with(&real_root) || real == real_root {
                    return Err(ConfineError::Outside {
                        path: shown,
                        real,
                        root: root.to_path_buf(),
                    });
                }
                match std::fs::metadata(&real) {
                    Ok(m) if m.is_dir() => at = real,
                    Ok(m) => {
                        return Err(ConfineError::NotAFolder {
                            path: shown,
                            kind: super::read::kind_of(&m.file_type()),
                        })
                    }
                    Err(e) => return Err(io_at(&shown)(e)),
                }
            }
            Ok(m) if m.is_dir() => at = next,
            Ok(m) => {
                return Err(ConfineError::NotAFolder {
                    path: shown,
                    kind: super::read::kind_of(&m.file_type()),
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => match std::fs::create_dir(&next) {
                Ok(()) => {
                    if mark_created && i + 1 == count {
                        // Housekeeping: a folder without its mark still works.
                        let _ = mark(&next);
                    }
                    at = next;
                }
                // Another process (a second `sourced` on the same workspace) made it between
                // the look and the mkdir: a real folder is as good as ours (the one who made
                // it marks it); a link or a file that appeared there is not taken.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_real_folder(&next) => {
                    at = next;
                }
                Err(e) => return Err(io_at(&shown)(e)),
            },
            Err(e) => return Err(io_at(&shown)(e)),
        }
    }
    Ok(at)
}

/// Create `path` with `contents`, only if nothing (not even a dangling link) has that name.
pub fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(contents)
}

/// Mark `dir` (a folder sourced made) as sourced's.
pub fn mark(dir: &Path) -> io::Result<()> {
    write_new(&dir.join(MARK), MARK_TEXT.as_bytes())
}

/// Whether `dir` is a real folder (not a link) that carries sourced's [`MARK`].
pub fn is_marked(dir: &Path) -> bool {
    let real_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    let mark = dir.join(MARK);
    real_dir
        && std::fs::symlink_metadata(&mark).is_ok_and(|m| m.is_file() && m.len() < 4096)
        && super::read_bounded(&mark, 4096, false).is_ok_and(|t| t == MARK_TEXT.as_bytes())
}

/// Whether `dir` is a real folder, not a link to one.
pub fn is_real_folder(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn processes_creating_the_cache_folder_at_once_all_get_it() {
        // Two `sourced` processes on a new workspace both find no cache folder and both
        // create it: the loser of the race must take the folder, not fail with "File
        // exists". Threads race here as processes do (many rounds: the window is small).
        for _ in 0..300 {
            let ws = tempfile::tempdir().unwrap();
            let root = std::fs::canonicalize(ws.path()).unwrap();
            let dir = root.join(".sourced");
            let results: Vec<_> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..4)
                    .map(|_| s.spawn(|| cache_folder(&dir, &root)))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for r in results {
                assert_eq!(r.unwrap(), dir);
            }
        }
    }

    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn creates_and_marks_a_missing_cache_folder() {
        let ws = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(ws.path()).unwrap();
        let real = cache_folder(&root.join("a/b"), &root).unwrap();
        assert_eq!(real, root.join("a/b"));
        assert!(is_marked(&real));
        // Only the cache folder itself is marked, not the folders on the way.
        assert!(!is_marked(&root.join("a")));
    }

    #[test]
    fn a_link_out_of_the_workspace_is_refused_and_nothing_is_created() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(ws.path()).unwrap();
        symlink(outside.path(), root.join(".sourced")).unwrap();
        let err = cache_folder(&root.join(".sourced"), &root).unwrap_err();
        assert!(matches!(err, ConfineError::Outside { .. }), "{err}");
        assert!(err.to_string().contains("outside the workspace"), "{err}");
        // A link further down the way, too.
        std::fs::create_dir(root.join("cache")).unwrap();
        symlink(outside.path(), root.join("cache/deeper")).unwrap();
        let err = cache_folder(&root.join("cache/deeper/idx"), &root).unwrap_err();
        assert!(matches!(err, ConfineError::Outside { .. }), "{err}");
        // A link to the workspace itself would put the index among the user's files.
        symlink(&root, root.join("self")).unwrap();
        assert!(cache_folder(&root.join("self"), &root).is_err());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_folder_inside_is_created_unmarked_and_a_link_out_refused() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(ws.path()).unwrap();
        let real = folder_inside(&root.join("sources/web/host"), &root).unwrap();
        assert_eq!(real, root.join("sources/web/host"));
        assert!(real.is_dir());
        assert!(
            !real.join(MARK).exists(),
            "a folder of the user's is not a cache"
        );
        symlink(outside.path(), root.join("sources/web/linked")).unwrap();
        let err = folder_inside(&root.join("sources/web/linked"), &root).unwrap_err();
        assert!(matches!(err, ConfineError::Outside { .. }), "{err}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_link_that_stays_inside_is_followed() {
        let ws = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(ws.path()).unwrap();
        std::fs::create_dir(root.join("real-cache")).unwrap();
        symlink(root.join("real-cache"), root.join(".sourced")).unwrap();
        assert_eq!(
            cache_folder(&root.join(".sourced"), &root).unwrap(),
            root.join("real-cache")
        );
        // Not sourced's folder: not marked by following a link to it.
        assert!(!is_marked(&root.join("real-cache")));
    }

    #[test]
    fn write_new_never_writes_through_a_link() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("created-by-link");
        symlink(&target, ws.path().join(".gitignore")).unwrap();
        assert!(write_new(&ws.path().join(".gitignore"), b"*\n").is_err());
        assert!(!target.exists());
    }
}
