//! Walking a folder that someone else may have filled: bounded, without cycles, and out of
//! pseudo-filesystems.
//!
//! [`Walk`] wraps `walkdir` (which, following links, only notices loops back to an
//! ancestor) and adds:
//! - every real folder is entered once, known by (device, inode): two links to one folder,
//!   or a ladder of links that doubles the paths at each rung, cost one visit each;
//! - pseudo-filesystems are not entered: `/proc`, `/sys`, `/dev` by real path, and by
//!   filesystem type wherever they are mounted (proc, sysfs, devpts, cgroup, debugfs,
//!   tracefs, securityfs, bpf, …). Their files are endless, blocking, or both;
//! - at most [`WalkOptions::max_entries`] files and folders, and no deeper than
//!   [`WalkOptions::max_depth`] below the start; a bound that is hit is reported, never
//!   silent;
//! - with `follow_links` off, a symbolic link (the start included) is reported and not
//!   followed.
//!
//! Everything it declines becomes a [`Step::Problem`] with the path and a sentence; the
//! caller decides what to show.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Bounds and policy of a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkOptions {
    /// Follow symbolic links (to files and folders). Off for folders one does not trust.
    pub follow_links: bool,
    /// Files and folders visited per walk, at most.
    pub max_entries: usize,
    /// Folder levels below the start, at most.
    pub max_depth: usize,
}

/// Default of [`WalkOptions::max_entries`] (`max_walk_files` in `sourced.toml`).
pub const DEFAULT_MAX_ENTRIES: usize = 500_000;
/// Default of [`WalkOptions::max_depth`] (`max_walk_depth` in `sourced.toml`).
pub const DEFAULT_MAX_DEPTH: usize = 64;

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            follow_links: true,
            max_entries: DEFAULT_MAX_ENTRIES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// What a walk yields.
#[derive(Debug)]
pub enum Step {
    /// A file or folder to look at (links followed when allowed).
    Entry(walkdir::DirEntry),
    /// Something not walked, and why.
    Problem { path: PathBuf, message: String },
}

/// A bounded walk from one start; see the module docs.
pub struct Walk {
    it: walkdir::IntoIter,
    start: PathBuf,
    options: WalkOptions,
    /// (device, inode) of every folder entered.
    seen: HashSet<(u64, u64)>,
    entries: usize,
    stopped: bool,
}

impl Walk {
    /// A walk of `start` in file-name order.
    pub fn new(start: &Path, options: WalkOptions) -> Walk {
        let it = walkdir::WalkDir::new(start)
            .follow_links(options.follow_links)
            .follow_root_links(options.follow_links)
            .sort_by_file_name()
            .into_iter();
        Walk {
            it,
            start: start.to_path_buf(),
            options,
            seen: HashSet::new(),
            entries: 0,
            stopped: false,
        }
    }

    /// Do not descend into the folder just yielded.
    pub fn skip_current_dir(&mut self) {
        self.it.skip_current_dir();
    }

    fn problem(path: &Path, message: impl Into<String>) -> Option<Step> {
        Some(Step::Problem {
            path: path.to_path_buf(),
            message: message.into(),
        })
    }
}

impl Iterator for Walk {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.stopped {
            return None;
        }
        let entry = match self.it.next()? {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(&self.start).to_path_buf();
                return Walk::problem(&path, walk_error(&e));
            }
        };
        self.entries += 1;
        if self.entries > self.options.max_entries {
            self.stopped = true;
            return Walk::problem(
                &self.start,
                format!(
                    "walk stopped after {} files and folders (max_walk_files); what follows \
                     in file-name order is not read",
                    self.options.max_entries
                ),
            );
        }
        let path = entry.path();
        if entry.path_is_symlink() && !self.options.follow_links {
            return Walk::problem(
                path,
                "skipped: symbolic link not followed (follow_links = false)",
            );
        }
        if !entry.file_type().is_dir() {
            return Some(Step::Entry(entry));
        }
        if let Some(kind) = pseudo_filesystem(path, entry.path_is_symlink() || entry.depth() == 0) {
            self.it.skip_current_dir();
            return Walk::problem(
                path,
                format!("skipped: {kind}, a pseudo-filesystem whose files are not documents"),
            );
        }
        match folder_id(&entry) {
            Some(id) if !self.seen.insert(id) => {
                self.it.skip_current_dir();
                return Walk::problem(
                    path,
                    "skipped: a folder walked already (reached again through a link)",
                );
            }
            _ => {}
        }
        if entry.depth() >= self.options.max_depth {
            self.it.skip_current_dir();
            return Walk::problem(
                path,
                format!(
                    "not walked: deeper than {} folder levels (max_walk_depth)",
                    self.options.max_depth
                ),
            );
        }
        Some(Step::Entry(entry))
    }
}

/// (device, inode) of a folder entry (of its target, when links are followed).
#[cfg(unix)]
fn folder_id(entry: &walkdir::DirEntry) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    entry.metadata().ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_id(_entry: &walkdir::DirEntry) -> Option<(u64, u64)> {
    None
}

/// Real paths never walked: the kernel's views, not documents.
const PSEUDO_ROOTS: &[&str] = &["/proc", "/sys", "/dev"];

/// Which pseudo-filesystem `dir` is on, if it is one. By real path only when `by_path` (the
/// start, or a folder reached through a link: elsewhere the parent was checked already).
fn pseudo_filesystem(dir: &Path, by_path: bool) -> Option<String> {
    let kind = filesystem_type(dir);
    let named = |root: &str| match kind {
        Some(k) => format!("{root} ({k})"),
        None => root.to_string(),
    };
    if by_path {
        if let Ok(real) = std::fs::canonicalize(dir) {
            if let Some(root) = PSEUDO_ROOTS.iter().find(|r| real.starts_with(r)) {
                return Some(if real == Path::new(root) {
                    format!("it is {}", named(root))
                } else {
                    format!("it leads to {}, in {}", real.display(), named(root))
                });
            }
        }
    }
    kind.map(|t| format!("it is on {t}"))
}

/// The name of the pseudo-filesystem type `dir` is on (Linux `statfs` magic numbers).
#[cfg(target_os = "linux")]
fn filesystem_type(dir: &Path) -> Option<&'static str> {
    const TYPES: &[(u64, &str)] = &[
        (0x9fa0, "proc"),
        (0x6265_6572, "sysfs"),
        (0x1cd1, "devpts"),
        (0x0027_e0eb, "cgroup"),
        (0x6367_7270, "cgroup2"),
        (0x6462_6720, "debugfs"),
        (0x7472_6163, "tracefs"),
        (0x7363_6673, "securityfs"),
        (0xcafe_4a11, "bpf"),
        (0x6165_676c, "pstore"),
        (0x6265_6570, "configfs"),
        (0xde5e_81e4, "efivarfs"),
        (0x6573_5543, "fusectl"),
        (0x4249_4e4d, "binfmt_misc"),
        (0x1980_0202, "mqueue"),
    ];
    let fs = rustix::fs::statfs(dir).ok()?;
    let magic = (fs.f_type as u64) & 0xffff_ffff;
    TYPES
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

#[cfg(not(target_os = "linux"))]
fn filesystem_type(_dir: &Path) -> Option<&'static str> {
    None
}

/// Why the walk could not go on at an entry, for people: the entry is named by the problem
/// already, so the underlying error is given without walkdir's path.
fn walk_error(e: &walkdir::Error) -> String {
    if e.loop_ancestor().is_some() {
        return "skipped: symbolic link loop".into();
    }
    let link = e
        .path()
        .and_then(|p| std::fs::symlink_metadata(p).ok())
        .is_some_and(|m| m.file_type().is_symlink());
    match e.io_error() {
        Some(io) if link && io.kind() == std::io::ErrorKind::NotFound => {
            "skipped: broken symbolic link (its target does not exist)".into()
        }
        Some(io) if link => format!("skipped: cannot follow symbolic link: {io}"),
        Some(io) => format!("skipped: {io}"),
        None => format!("skipped: {e}"),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn walk(start: &Path, options: WalkOptions) -> (Vec<String>, Vec<(String, String)>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        let rel = |p: &Path| {
            p.strip_prefix(start)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        };
        for step in Walk::new(start, options) {
            match step {
                Step::Entry(e) if e.file_type().is_file() => files.push(rel(e.path())),
                Step::Entry(_) => {}
                Step::Problem { path, message } => problems.push((rel(&path), message)),
            }
        }
        (files, problems)
    }

    #[test]
    fn a_ladder_of_links_visits_each_folder_once() {
        // d0/{a,b} -> d1, d1/{a,b} -> d2, ...: 2^12 paths to d12, one real folder.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..=12 {
            std::fs::create_dir(root.join(format!("d{i}"))).unwrap();
        }
        for i in 0..12 {
            for name in ["a", "b"] {
                symlink(
                    root.join(format!("d{}", i + 1)),
                    root.join(format!("d{i}/{name}")),
                )
                .unwrap();
            }
        }
        std::fs::write(root.join("d12/deep.txt"), "x").unwrap();
        let (files, problems) = walk(&root.join("d0"), WalkOptions::default());
        assert_eq!(files, ["a/a/a/a/a/a/a/a/a/a/a/a/deep.txt"]);
        // Each rung's second link is declined once.
        assert_eq!(problems.len(), 12, "{problems:?}");
        assert!(
            problems.iter().all(|(_, m)| m.contains("walked already")),
            "{problems:?}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn pseudo_filesystems_are_not_entered() {
        let dir = tempfile::tempdir().unwrap();
        symlink("/sys", dir.path().join("sysfs")).unwrap();
        symlink("/proc", dir.path().join("procfs")).unwrap();
        symlink("/dev", dir.path().join("devices")).unwrap();
        std::fs::write(dir.path().join("real.txt"), "x").unwrap();
        let (files, problems) = walk(dir.path(), WalkOptions::default());
        assert_eq!(files, ["real.txt"]);
        let names: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["devices", "procfs", "sysfs"], "{problems:?}");
        assert!(
            problems
                .iter()
                .all(|(_, m)| m.contains("pseudo-filesystem")),
            "{problems:?}"
        );
    }

    #[test]
    fn bounds_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("1/2/3/4");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("deep.txt"), "x").unwrap();
        std::fs::write(dir.path().join("1/shallow.txt"), "x").unwrap();
        let options = WalkOptions {
            max_depth: 2,
            ..WalkOptions::default()
        };
        let (files, problems) = walk(dir.path(), options);
        assert_eq!(files, ["1/shallow.txt"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "1/2");
        assert!(problems[0].1.contains("max_walk_depth"), "{problems:?}");

        for i in 0..10 {
            std::fs::write(dir.path().join(format!("f{i}.txt")), "x").unwrap();
        }
        let options = WalkOptions {
            max_entries: 4,
            ..WalkOptions::default()
        };
        let (files, problems) = walk(dir.path(), options);
        // The start, 1, 1/2, 1/2/3: then the bound.
        assert!(files.is_empty(), "{files:?}");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("max_walk_files"), "{problems:?}");
    }

    #[test]
    fn links_are_reported_not_followed_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("inner.txt"), "x").unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/own.txt"), "x").unwrap();
        symlink(outside.path(), dir.path().join("src/dir")).unwrap();
        symlink(
            outside.path().join("inner.txt"),
            dir.path().join("src/link.txt"),
        )
        .unwrap();
        let off = WalkOptions {
            follow_links: false,
            ..WalkOptions::default()
        };
        let (files, problems) = walk(&dir.path().join("src"), off);
        assert_eq!(files, ["own.txt"]);
        let names: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["dir", "link.txt"]);
        assert!(problems
            .iter()
            .all(|(_, m)| m.contains("follow_links = false")));
        let (files, _) = walk(&dir.path().join("src"), WalkOptions::default());
        assert_eq!(files, ["dir/inner.txt", "link.txt", "own.txt"]);
    }
}
