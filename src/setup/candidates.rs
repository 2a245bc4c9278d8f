//! The folders of a workspace that likely hold its sources.
//!
//! A walk of the workspace (bounded, links not followed, hidden folders, `target` and
//! `node_modules` left out) counts two kinds of files in every folder: source-like files
//! (every source format but Markdown: `.txt`, `.pdf`, `.docx`, `.html`, `.srt`, `.vtt`,
//! `.warc(.gz)`, `.wacz`) and Markdown files, which are taken for notes.
//!
//! Invariants:
//! - A candidate is a folder below the root (never the root itself) in which source-like
//!   files outnumber Markdown ones, counted over all it holds, and no folder above it is one:
//!   the highest such folders, so `sources/` is proposed rather than each of its subfolders.
//! - A folder where notes are the majority (the root included) is never proposed whole: its
//!   own source-like files are proposed as one glob per extension (`*.txt`, `notes/*.pdf`),
//!   which takes no note.
//! - Candidates come sorted by their number of source-like files, most first, then by spec.

use crate::corpus::archive::ArchiveKind;
use crate::corpus::Format;
use crate::disk::walk::{Step, Walk, WalkOptions};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Files and folders the scan visits at most (a workspace larger than this is scanned in
/// part: the candidates then come from what was seen).
pub const MAX_SCAN_ENTRIES: usize = 200_000;
/// Folder levels below the root the scan descends at most.
pub const MAX_SCAN_DEPTH: usize = 16;

/// Folder names never proposed nor walked (build output and dependencies).
const SKIPPED: &[&str] = &["target", "node_modules"];

/// A likely source spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// As `sources` in `sourced.toml` takes it: a folder relative to the root (`/`
    /// separators), or a glob of one folder's files of one extension (`notes/*.pdf`).
    pub spec: String,
    /// Source-like files it takes.
    pub files: usize,
}

/// What the scan counted in one folder: its own files, and all it holds.
#[derive(Debug, Default, Clone)]
struct Counts {
    /// Source-like files directly in the folder, by extension (as written, lowercase).
    own: BTreeMap<String, usize>,
    /// Source-like files in the folder and below.
    sources: usize,
    /// Markdown files in the folder and below.
    notes: usize,
}

/// The likely source specs of the workspace at `root` (see the module docs).
pub fn candidates(root: &Path) -> Vec<Candidate> {
    let counts = scan(root);
    let mut out = Vec::new();
    propose(root, root, &counts, &mut out);
    out.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.spec.cmp(&b.spec)));
    out
}

/// What a file is to the scan: `Some(true)` source-like, `Some(false)` Markdown (a note).
fn kind(path: &Path) -> Option<(bool, String)> {
    if let Some(kind) = ArchiveKind::of(path) {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let ext = match kind {
            ArchiveKind::Warc if name.ends_with(".warc.gz") => "warc.gz",
            ArchiveKind::Warc => "warc",
            ArchiveKind::Wacz => "wacz",
        };
        return Some((true, ext.to_string()));
    }
    Format::of(path)?;
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    let note = matches!(ext.as_str(), "md" | "markdown");
    Some((!note, ext))
}

/// Count the files of every folder under `root`.
fn scan(root: &Path) -> HashMap<PathBuf, Counts> {
    let options = WalkOptions {
        follow_links: false,
        max_entries: MAX_SCAN_ENTRIES,
        max_depth: MAX_SCAN_DEPTH,
    };
    let mut counts: HashMap<PathBuf, Counts> = HashMap::new();
    let mut walk = Walk::new(root, options);
    while let Some(step) = walk.next() {
        let Step::Entry(entry) = step else {
            continue;
        };
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let is_dir = entry.file_type().is_dir();
        if name.starts_with('.') || (is_dir && SKIPPED.contains(&name.as_ref())) {
            if is_dir {
                walk.skip_current_dir();
            }
            continue;
        }
        if is_dir || !entry.file_type().is_file() {
            continue;
        }
        let Some((source, ext)) = kind(entry.path()) else {
            continue;
        };
        let Some(parent) = entry.path().parent() else {
            continue;
        };
        if source {
            *counts
                .entry(parent.to_path_buf())
                .or_default()
                .own
                .entry(ext)
                .or_default() += 1;
        }
        // Every folder from the file's up to the root holds it.
        for folder in parent.ancestors() {
            let c = counts.entry(folder.to_path_buf()).or_default();
            if source {
                c.sources += 1;
            } else {
                c.notes += 1;
            }
            if folder == root {
                break;
            }
        }
    }
    counts
}

/// Propose `folder` whole if it is a source folder, else its own files by glob and its
/// subfolders in turn.
fn propose(
    root: &Path,
    folder: &Path,
    counts: &HashMap<PathBuf, Counts>,
    out: &mut Vec<Candidate>,
) {
    let Some(c) = counts.get(folder) else {
        return;
    };
    if c.sources == 0 {
        return;
    }
    let rel = relative(folder, root);
    if folder != root && c.sources > c.notes {
        out.push(Candidate {
            spec: rel,
            files: c.sources,
        });
        return;
    }
    for (ext, n) in &c.own {
        let spec = if rel.is_empty() {
            format!("*.{ext}")
        } else {
            format!("{rel}/*.{ext}")
        };
        out.push(Candidate { spec, files: *n });
    }
    let mut children: Vec<&PathBuf> = counts
        .keys()
        .filter(|p| p.parent() == Some(folder))
        .collect();
    children.sort();
    for child in children {
        propose(root, child, counts, out);
    }
}

/// `path` relative to `root`, with `/` separators (empty for the root).
fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        dir
    }

    fn specs(c: &[Candidate]) -> Vec<(&str, usize)> {
        c.iter().map(|c| (c.spec.as_str(), c.files)).collect()
    }

    #[test]
    fn the_highest_folders_of_sources_most_files_first() {
        let dir = tree(&[
            "library/a.txt",
            "library/2024/b.pdf",
            "library/2024/c.html",
            "library/readme.md",
            "web/page.warc.gz",
            "notes/one.md",
            "notes/two.md",
            "note.md",
            "node_modules/pkg/x.txt",
            "target/doc/y.html",
            ".git/z.txt",
            "library/.cache/w.txt",
        ]);
        assert_eq!(specs(&candidates(dir.path())), [("library", 3), ("web", 1)]);
    }

    #[test]
    fn sources_among_notes_are_taken_by_glob_never_with_the_notes() {
        let dir = tree(&[
            "a.txt",
            "b.txt",
            "c.pdf",
            "note.md",
            "more.md",
            "other.md",
            "other2.md",
            "drafts/x.md",
            "drafts/y.md",
            "drafts/z.txt",
        ]);
        assert_eq!(
            specs(&candidates(dir.path())),
            [("*.txt", 2), ("*.pdf", 1), ("drafts/*.txt", 1)]
        );
    }

    #[test]
    fn only_notes_give_no_candidate() {
        let dir = tree(&["note.md", "notes/a.md"]);
        assert!(candidates(dir.path()).is_empty());
        let empty = tempfile::tempdir().unwrap();
        assert!(candidates(empty.path()).is_empty());
    }
}
