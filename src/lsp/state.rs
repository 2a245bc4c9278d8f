//! Everything the server keeps, kept small: the open documents, the workspace folders (each
//! with its index), the settings and what was negotiated with the client. Shared by the
//! handlers and the background tasks through an `Arc<State>`; see `sync.rs` for how its locks
//! are used.

use super::documents::Documents;
use super::folder::Folder;
use super::position::Encoding;
use super::settings::Settings;
use super::sync::{lock, read, write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tower_lsp_server::ls_types::Uri;

/// What the client can do, from its `initialize` capabilities.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientCaps {
    pub work_done_progress: bool,
    pub watch_registration: bool,
    pub configuration: bool,
    pub inlay_hint_refresh: bool,
    /// `workspace/codeLens/refresh`.
    pub code_lens_refresh: bool,
    /// `textDocument/diagnostic`: the client pulls diagnostics, so none are pushed.
    pub pull_diagnostics: bool,
    /// `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// Versioned `documentChanges` in workspace edits.
    pub document_changes: bool,
    /// `window/showDocument`.
    pub show_document: bool,
}

/// Settings and negotiated facts, fixed at `initialize` except `settings`.
#[derive(Debug, Clone, Default)]
pub struct Conf {
    pub encoding: Encoding,
    pub caps: ClientCaps,
    pub settings: Settings,
    /// Problems with the initialization options, reported once initialized.
    pub problems: Vec<String>,
}

/// Everything the server keeps.
#[derive(Default)]
pub struct State {
    pub docs: Mutex<Documents>,
    pub conf: RwLock<Conf>,
    /// Workspace folders first (in the client's order), then the workspaces of notes opened
    /// outside every folder.
    folders: RwLock<Vec<Arc<Folder>>>,
    /// Bumped when the settings change: diagnostics made under other settings differ.
    pub epoch: AtomicU64,
    /// Set by `shutdown`: `exit` then ends with code 0 instead of 1.
    pub shutdown: AtomicBool,
    /// Set once `initialized` arrived: folders found later start their indexer at once.
    pub initialized: AtomicBool,
    /// The problems last reported for each bibliography file (reported again only when they
    /// change).
    pub bib_warnings: Mutex<std::collections::HashMap<PathBuf, Vec<crate::bibliography::Warning>>>,
}

impl State {
    pub fn conf(&self) -> Conf {
        read(&self.conf).clone()
    }

    pub fn encoding(&self) -> Encoding {
        read(&self.conf).encoding
    }

    pub fn settings(&self) -> Settings {
        read(&self.conf).settings.clone()
    }

    pub fn folders(&self) -> Vec<Arc<Folder>> {
        read(&self.folders).clone()
    }

    /// Add a workspace folder (before the notes' own workspaces). `None` if it is known.
    pub fn add_folder(&self, uri: Uri, path: PathBuf) -> Option<Arc<Folder>> {
        let mut folders = write(&self.folders);
        if folders.iter().any(|f| f.uri.as_ref() == Some(&uri)) {
            return None;
        }
        let folder = Arc::new(Folder::new(path.clone(), Some(uri), path));
        let at = folders.iter().take_while(|f| f.uri.is_some()).count();
        folders.insert(at, folder.clone());
        Some(folder)
    }

    /// Remove a workspace folder; its notes move to other folders when next checked.
    pub fn remove_folder(&self, uri: &Uri) -> Option<Arc<Folder>> {
        let mut folders = write(&self.folders);
        let at = folders.iter().position(|f| f.uri.as_ref() == Some(uri))?;
        Some(folders.remove(at))
    }

    /// The folder a note belongs to: the innermost workspace folder that holds it, else the
    /// workspace of an earlier note outside every folder that holds it, else a new one found
    /// from the note (`sourced.toml` in its folder or above). The flag says it is new (its
    /// indexer is not started yet).
    pub fn folder_for(&self, note: &Path) -> (Arc<Folder>, bool) {
        if let Some(f) = self.existing_folder(note) {
            return (f, false);
        }
        let root = crate::config::Workspace::discover(note)
            .map(|ws| ws.root)
            .unwrap_or_else(|_| note.parent().unwrap_or(note).to_path_buf());
        let mut folders = write(&self.folders);
        // Another thread may have added it meanwhile.
        if let Some(f) = folders
            .iter()
            .find(|f| f.uri.is_none() && note.starts_with(f.root()))
        {
            return (f.clone(), false);
        }
        let folder = Arc::new(Folder::new(note.to_path_buf(), None, root));
        folders.push(folder.clone());
        (folder, true)
    }

    /// The folder that holds `note`, if any (see [`State::folder_for`]).
    pub fn existing_folder(&self, note: &Path) -> Option<Arc<Folder>> {
        let folders = read(&self.folders);
        let innermost = folders
            .iter()
            .filter(|f| f.uri.is_some() && note.starts_with(&f.start))
            .max_by_key(|f| f.start.components().count());
        innermost
            .or_else(|| {
                folders
                    .iter()
                    .find(|f| f.uri.is_none() && note.starts_with(f.root()))
            })
            .cloned()
    }

    pub fn open_uris(&self) -> Vec<Uri> {
        lock(&self.docs).uris()
    }

    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }
}
