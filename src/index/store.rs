//! The cache folder (`.sourced/` by default) and the index in it: opening, creating, and
//! rebuilding what cannot be used.
//!
//! - The index lives in `index-v<FORMAT_VERSION>/`; folders of other versions are removed
//!   (their format cannot be read), with a message.
//! - An index that is damaged, not ours (another schema), or a file where its folder should
//!   be is removed and created empty, with a message; the next refresh fills it.
//! - A `.gitignore` keeps the cache out of version control.
//!
//! Invariant: opening an index that needs nothing removed or created writes nothing (no
//! folder created, no `.gitignore` rewritten, no lock file taken for reading, see
//! [`super::directory`]), so an up-to-date index on a read-only disk is usable. Writes
//! that are only housekeeping (`.gitignore`, removing an old version's folder) may fail
//! without failing the open.
//!
//! Invariant: nothing here writes through a link or removes what sourced did not make.
//! The caller has checked the cache folder's real path (see
//! [`crate::disk::confine::cache_folder`]); inside it, an index folder that is a link is
//! refused, housekeeping files are only ever created new (never through a link), and a
//! folder is removed only if it carries sourced's mark or holds nothing but tantivy's files
//! (an index made before folders were marked).

use super::directory::IndexDirectory;
use super::{analyzer, schema, IndexError, SourceIndex};
use crate::disk::confine;
use std::path::Path;
use std::sync::Mutex;
use tantivy::{Index, ReloadPolicy, TantivyError};

const GITIGNORE: &str = "# sourced's cache: safe to delete\n*\n";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError {
    let path = path.to_path_buf();
    move |source| IndexError::Io { path, source }
}

/// Create the index folder `dir` (marked as sourced's) unless it is already a real folder.
/// Whatever else stands there was checked by [`clear_the_way`].
fn ensure_dir(dir: &Path) -> Result<(), IndexError> {
    if confine::is_real_folder(dir) {
        return Ok(());
    }
    match std::fs::create_dir(dir) {
        Ok(()) => {
            let _ = confine::mark(dir);
            Ok(())
        }
        // Another process made it since the look above: its folder is as good as ours.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && confine::is_real_folder(dir) => {
            Ok(())
        }
        Err(e) => Err(io(dir)(e)),
    }
}

/// What stands where the index folder `dir` goes, when it is not a folder: a link is
/// refused (sourced never writes through one); a file in sourced's own (marked) cache
/// folder is removed, with a message; anything else is refused.
fn clear_the_way(dir: &Path, messages: &mut Vec<String>) -> Result<(), IndexError> {
    let Ok(m) = std::fs::symlink_metadata(dir) else {
        return Ok(());
    };
    if m.is_dir() {
        return Ok(());
    }
    if m.file_type().is_symlink() {
        return Err(IndexError::InTheWay(format!(
            "{} is a symbolic link (to {}): sourced does not write its index through links, \
             so that it never writes outside the workspace; remove the link",
            dir.display(),
            std::fs::read_link(dir)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into())
        )));
    }
    let ours = dir.parent().is_some_and(confine::is_marked);
    if m.is_file() && ours {
        messages.push(format!(
            "index at {} is damaged (a file stands where its folder should be); rebuilding it",
            dir.display()
        ));
        return std::fs::remove_file(dir).map_err(io(dir));
    }
    Err(IndexError::InTheWay(format!(
        "{} is {}, not sourced's index folder: move it away",
        dir.display(),
        crate::disk::read::kind_of(&m.file_type())
    )))
}

/// Fails if the index folder `dir` holds a symbolic link: tantivy opens its lock files (and
/// sourced its writer note) by name, and would write through a link that a repository
/// planted there. Such an index counts as damaged: rebuilt if sourced may remove it.
fn refuse_links(dir: &Path) -> Result<(), IndexError> {
    for e in std::fs::read_dir(dir).map_err(io(dir))?.flatten() {
        if e.file_type().is_ok_and(|t| t.is_symlink()) {
            return Err(IndexError::Io {
                path: e.path(),
                source: std::io::Error::other("a symbolic link in the index folder"),
            });
        }
    }
    Ok(())
}

/// Whether sourced may remove the folder `dir`: it carries sourced's mark, or it is a real
/// folder holding only tantivy's files (an index made before folders were marked).
fn removable(dir: &Path) -> bool {
    if confine::is_marked(dir) {
        return true;
    }
    if !confine::is_real_folder(dir) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.into_iter().all(|e| {
        e.is_ok_and(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            e.file_type().is_ok_and(|t| t.is_file()) && is_tantivy_file(&name)
        })
    })
}

/// File names tantivy writes in an index folder: its meta files, lock files, and segment
/// files named by a 32-digit hex id.
fn is_tantivy_file(name: &str) -> bool {
    let segment = name.len() > 33
        && name.as_bytes()[32] == b'.'
        && name[..32].bytes().all(|b| b.is_ascii_hexdigit());
    name == "meta.json" || name == ".managed.json" || name.starts_with(".tantivy-") || segment
}

impl SourceIndex {
    /// Open the index in `cache_dir` (created if missing). Messages say what was rebuilt and
    /// why. `cache_dir` must already be known to be inside the workspace by real path
    /// ([`crate::disk::confine::cache_folder`]).
    pub fn open(cache_dir: &Path) -> Result<(SourceIndex, Vec<String>), IndexError> {
        if !cache_dir.is_dir() {
            std::fs::create_dir_all(cache_dir).map_err(io(cache_dir))?;
        }
        // Housekeeping (the mark included) in a real folder only: a cache folder reached
        // through a link (to another folder of the workspace) gets no files of ours besides
        // the index.
        if confine::is_real_folder(cache_dir) {
            let _ = confine::write_new(&cache_dir.join(".gitignore"), GITIGNORE.as_bytes());
            let _ = confine::mark(cache_dir);
        }
        let dir = cache_dir.join(format!("index-v{}", schema::FORMAT_VERSION));
        let mut messages = Vec::new();
        // Indexes of other format versions are dropped.
        if let Ok(entries) = std::fs::read_dir(cache_dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.starts_with("index-v") || e.path() == dir {
                    continue;
                }
                if removable(&e.path()) {
                    messages.push(format!(
                        "index from another version of sourced ({name}) removed; rebuilding"
                    ));
                    let _ = std::fs::remove_dir_all(e.path());
                } else if confine::is_real_folder(&e.path()) {
                    messages.push(format!(
                        "{} looks like an old index but holds files sourced did not write: \
                         left alone",
                        e.path().display()
                    ));
                }
            }
        }
        clear_the_way(&dir, &mut messages)?;
        match Self::open_dir(&dir) {
            Ok(index) => {
                // An index made before folders were marked: marked now (housekeeping).
                let _ = confine::mark(&dir);
                Ok((index, messages))
            }
            Err(e) => {
                if !removable(&dir) {
                    return Err(IndexError::InTheWay(format!(
                        "the index at {} cannot be used ({e}), and it holds files sourced did \
                         not write, so it is not removed: move it away",
                        dir.display()
                    )));
                }
                messages.push(format!(
                    "index at {} is damaged ({e}); rebuilding it",
                    dir.display()
                ));
                std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
                Ok((Self::open_dir(&dir)?, messages))
            }
        }
    }

    /// Open the index in `dir`, or create an empty one; fails if what is there is damaged or
    /// not ours.
    fn open_dir(dir: &Path) -> Result<SourceIndex, IndexError> {
        ensure_dir(dir)?;
        refuse_links(dir)?;
        let directory = IndexDirectory::open(dir)?;
        let (schema, _) = schema::build();
        let index = Index::open_or_create(directory, schema)?;
        analyzer::register(&index);
        let fields = schema::fields_of(&index.schema())
            .ok_or_else(|| TantivyError::SchemaError("not a sourced index".into()))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = SourceIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            entity_cache: Mutex::new(None),
            counts_cache: Mutex::new(None),
            speaker_cache: Mutex::new((0, Default::default())),
        };
        // Reading the file records' columns also checks them (a damaged one fails here and the
        // index is rebuilt); counting with them is cheaper than reading every path.
        this.remember_counts(this.count_records()?);
        // Files tantivy only opens on the first search (the positions of `text`): opened now,
        // so that a damaged one means a rebuild here rather than failed searches later.
        for segment in this.reader.searcher().segment_readers() {
            segment.inverted_index(fields.words)?;
        }
        Ok(this)
    }
}
