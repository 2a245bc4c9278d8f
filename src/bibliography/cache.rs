//! Bibliography files read once, and read again only when they change on disk (their
//! modification time or size differ), so that every check sees the files as they are now
//! without parsing them each time.

use super::{read_file, BibFile, Bibliography};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// What identifies a version of a file on disk: `None` when it cannot be looked at.
type Stamp = Option<(Option<SystemTime>, u64)>;

fn stamp(path: &Path) -> Stamp {
    let md = std::fs::metadata(path).ok()?;
    Some((md.modified().ok(), md.len()))
}

/// A bibliography made of files, with the stamps of the files it was made from.
type Combined = (Vec<Stamp>, Arc<Bibliography>);

/// Read files and the bibliographies made of them, by path list.
#[derive(Debug, Default)]
pub struct BibCache {
    files: Mutex<HashMap<PathBuf, (Stamp, Arc<BibFile>)>>,
    combined: Mutex<HashMap<Vec<PathBuf>, Combined>>,
}

impl BibCache {
    /// The bibliography of these files (absolute paths), in this order: the first entry of a
    /// key wins. Files changed since they were last read are read again.
    pub fn bibliography(&self, paths: &[PathBuf]) -> Arc<Bibliography> {
        if paths.is_empty() {
            return Arc::default();
        }
        let stamps: Vec<Stamp> = paths.iter().map(|p| stamp(p)).collect();
        if let Some((s, bib)) = lock(&self.combined).get(paths) {
            if *s == stamps {
                return bib.clone();
            }
        }
        let files: Vec<Arc<BibFile>> = paths
            .iter()
            .zip(&stamps)
            .map(|(p, s)| self.file(p, *s))
            .collect();
        let bib = Arc::new(Bibliography::from_files(
            paths
                .iter()
                .map(PathBuf::as_path)
                .zip(files.iter().map(|f| &**f)),
        ));
        lock(&self.combined).insert(paths.to_vec(), (stamps, bib.clone()));
        bib
    }

    /// Whether `path` (absolute) is a file some bibliography was read from.
    pub fn has_read(&self, path: &Path) -> bool {
        lock(&self.files).contains_key(path)
    }

    fn file(&self, path: &Path, stamp: Stamp) -> Arc<BibFile> {
        if let Some((s, f)) = lock(&self.files).get(path) {
            if *s == stamp && stamp.is_some() {
                return f.clone();
            }
        }
        let f = Arc::new(read_file(path));
        lock(&self.files).insert(path.to_path_buf(), (stamp, f.clone()));
        f
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
