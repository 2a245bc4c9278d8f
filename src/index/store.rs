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

use super::directory::IndexDirectory;
use super::{analyzer, schema, IndexError, SourceIndex};
use std::path::Path;
use std::sync::Mutex;
use tantivy::{Index, ReloadPolicy, TantivyError};

const GITIGNORE: &str = "# sourced's cache: safe to delete\n*\n";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError {
    let path = path.to_path_buf();
    move |source| IndexError::Io { path, source }
}

/// Create `dir` unless it is already a folder (creating a folder that exists asks to write
/// on some systems).
fn ensure_dir(dir: &Path) -> Result<(), IndexError> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(io(dir))
}

impl SourceIndex {
    /// Open the index in `cache_dir` (created if missing). Messages say what was rebuilt and why.
    pub fn open(cache_dir: &Path) -> Result<(SourceIndex, Vec<String>), IndexError> {
        ensure_dir(cache_dir)?;
        let ignore = cache_dir.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(&ignore, GITIGNORE);
        }
        let dir = cache_dir.join(format!("index-v{}", schema::FORMAT_VERSION));
        let mut messages = Vec::new();
        // Indexes of other format versions are dropped.
        if let Ok(entries) = std::fs::read_dir(cache_dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("index-v") && e.path() != dir {
                    messages.push(format!(
                        "index from another version of sourced ({name}) removed; rebuilding"
                    ));
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        match Self::open_dir(&dir) {
            Ok(index) => Ok((index, messages)),
            Err(e) => {
                messages.push(format!(
                    "index at {} is damaged ({e}); rebuilding it",
                    dir.display()
                ));
                if dir.is_dir() {
                    std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
                } else {
                    // Something else under our folder's name, in our cache folder.
                    std::fs::remove_file(&dir).map_err(io(&dir))?;
                }
                Ok((Self::open_dir(&dir)?, messages))
            }
        }
    }

    /// Open the index in `dir`, or create an empty one; fails if what is there is damaged or
    /// not ours.
    fn open_dir(dir: &Path) -> Result<SourceIndex, IndexError> {
        ensure_dir(dir)?;
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
