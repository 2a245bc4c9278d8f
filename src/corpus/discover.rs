//! Finding source files: folders walked recursively (with [`crate::disk::Walk`]: bounded,
//! each real folder once, no pseudo-filesystems, links followed unless `follow_links` is
//! off), single files, and glob patterns, minus `exclude` globs.
//!
//! Invariant: [`is_under`] says yes to exactly the files [`discover`] lists (given they
//! exist and have a source format): both start from a spec's base (the folder or file, or a
//! glob's literal folders), skip hidden names and excluded paths below it (a folder's
//! exclusion covers all it holds), and test globs with the same [`crate::glob::Pattern`].
//!
//! Invariant: a source's identity (in the index, in check results) is its [`display_path`],
//! which is injective on real paths (bytes, on Unix) and undone by [`source_path`]; globs
//! still see the lossy [`glob_path`] they always saw.

use super::{Format, Warning};
use crate::disk::walk::{Step, Walk, WalkOptions};
use crate::glob::{self, Pattern};
use globset::GlobSet;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// A source file on disk, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where to read it.
    pub path: PathBuf,
    /// How it is shown and stored in the index, its identity there: relative to the
    /// workspace root when inside it (with `/` separators), else absolute; escaped so that
    /// distinct paths stay distinct ([`display_path`]), read back with [`source_path`].
    pub display: String,
    /// Modification time in nanoseconds since the epoch (0 if unknown).
    pub mtime: u64,
    pub size: u64,
}

impl SourceFile {
    /// Citation key: the file stem.
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// `path` as shown to users and stored in the index (a source's identity there): relative to
/// `root` if under it (components joined by `/`), else absolute. On Unix it is lossless and
/// injective, like `ls -b`: valid UTF-8 stays as is but for a backslash, written `\\`, and
/// every byte that is not part of valid UTF-8 is written `\xHH` (uppercase hex), so two names
/// that differ only in such bytes stay two names. [`source_path`] is its inverse:
/// `source_path(&display_path(p, root), root) == p` for `p` absolute or under `root`.
pub fn display_path(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => join_escaped(rel),
        Err(_) => absolute_display(path),
    }
}

/// The file a [`display_path`] names (as stored in the index): relative ones under `root`.
pub fn source_path(display: &str, root: &Path) -> PathBuf {
    let path = unescape(display);
    if path.is_absolute() {
        path
    } else {
        root.join(path)
    }
}

/// `path` as `exclude` globs (of sources and of notes) see it: like [`display_path`] but with
/// undecodable bytes replaced by U+FFFD and nothing escaped, as globs have always been
/// matched (and as [`crate::glob::Pattern`] sees paths), so a glob written with a backslash
/// or non-ASCII letters keeps its meaning.
pub(crate) fn glob_path(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

/// The components of `rel`, each escaped, joined by `/`.
fn join_escaped(rel: &Path) -> String {
    rel.components()
        .map(|c| escape(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(unix)]
fn absolute_display(path: &Path) -> String {
    use std::path::Component;
    match path.strip_prefix(Component::RootDir) {
        Ok(rel) => format!("/{}", join_escaped(rel)),
        // Relative and outside the root: only as written.
        Err(_) => join_escaped(path),
    }
}

#[cfg(not(unix))]
fn absolute_display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// One path component, escaped (see [`display_path`]).
#[cfg(unix)]
fn escape(name: &std::ffi::OsStr) -> String {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::with_capacity(name.len());
    for chunk in name.as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

#[cfg(not(unix))]
fn escape(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().into_owned()
}

/// The path a display string names: `\\` and `\xHH` decoded; any other backslash (as an
/// index written before escaping stored it) taken as written.
#[cfg(unix)]
fn unescape(display: &str) -> PathBuf {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let s = display.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' {
            if s.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if s.get(i + 1) == Some(&b'x') {
                if let (Some(h), Some(l)) = (
                    s.get(i + 2).copied().and_then(hex),
                    s.get(i + 3).copied().and_then(hex),
                ) {
                    out.push((h << 4) | l);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(s[i]);
        i += 1;
    }
    PathBuf::from(OsString::from_vec(out))
}

#[cfg(not(unix))]
fn unescape(display: &str) -> PathBuf {
    PathBuf::from(display)
}

/// Every source file under `specs` (folders, files or globs, relative to `root`), sorted by
/// display path, plus warnings for what could not be walked. A missing folder is a warning.
pub fn discover(
    specs: &[String],
    root: &Path,
    exclude: &GlobSet,
    options: WalkOptions,
) -> (Vec<SourceFile>, Vec<Warning>) {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for spec in specs {
        let (start, pattern) = match resolve(spec, root) {
            Ok(resolved) => resolved,
            Err(e) => {
                warnings.push(Warning {
                    path: spec.clone(),
                    message: format!("bad glob pattern: {e}"),
                });
                continue;
            }
        };
        if start.exists() {
            walk(
                &start,
                pattern.as_ref(),
                (root, exclude, options),
                &mut files,
                &mut warnings,
            );
        } else {
            warnings.push(Warning {
                path: spec.clone(),
                message: "sources folder not found".into(),
            });
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    files.dedup_by(|a, b| a.display == b.display);
    (files, warnings)
}

/// A single file as a source, if it exists, is a regular file and has a source format (and,
/// unless links are followed, is not a link nor inside a linked folder of the workspace).
pub fn source_file(path: &Path, root: &Path, follow_links: bool) -> Option<SourceFile> {
    Format::of(path)?;
    if !follow_links && through_a_link(path, root) {
        return None;
    }
    let md = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    let mtime = md
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    Some(SourceFile {
        path: path.to_path_buf(),
        display: display_path(path, root),
        mtime,
        size: md.len(),
    })
}

/// Whether `path`, or a folder between it and `root` (when it is inside `root`), is a
/// symbolic link: what a walk that does not follow links would never reach.
fn through_a_link(path: &Path, root: &Path) -> bool {
    let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    if is_link(path) {
        return true;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut at = root.to_path_buf();
    let mut parts: Vec<_> = rel.components().collect();
    parts.pop();
    parts.into_iter().any(|c| {
        at.push(c);
        is_link(&at)
    })
}

/// Whether `path` (absolute) falls under one of `specs` (folders, files or globs relative to
/// `root`) and is not excluded: whether [`discover`] would list it, were it a source file.
/// Decided from the paths alone.
pub fn is_under(path: &Path, specs: &[String], root: &Path, exclude: &GlobSet) -> bool {
    specs.iter().any(|spec| {
        let Ok((start, pattern)) = resolve(spec, root) else {
            return false;
        };
        let start = crate::config::absolute(&start);
        let Ok(rel) = path.strip_prefix(&start) else {
            return false;
        };
        let mut at = start.clone();
        if is_excluded(&at, root, exclude) {
            return false;
        }
        for c in rel.components() {
            if c.as_os_str().to_string_lossy().starts_with('.') {
                return false;
            }
            at.push(c);
            if is_excluded(&at, root, exclude) {
                return false;
            }
        }
        pattern.is_none_or(|p| p.takes(rel))
    })
}

/// Where the walk for `spec` starts (relative to `root` unless absolute), and the glob that
/// filters it (for a glob spec).
fn resolve(spec: &str, root: &Path) -> Result<(PathBuf, Option<Pattern>), globset::Error> {
    if glob::has_syntax(spec) {
        let pattern = Pattern::new(spec, root)?;
        Ok((pattern.base().to_path_buf(), Some(pattern)))
    } else {
        Ok((root.join(spec), None))
    }
}

/// Whether an `exclude` glob matches `path`, relative to the root (see [`glob_path`]) or
/// absolute.
fn is_excluded(path: &Path, root: &Path, exclude: &GlobSet) -> bool {
    exclude.is_match(glob_path(path, root)) || exclude.is_match(path)
}

/// The source files from `start` (a spec's folder or file, or a glob's base, then taking
/// only what `pattern` takes).
fn walk(
    start: &Path,
    pattern: Option<&Pattern>,
    (root, exclude, options): (&Path, &GlobSet, WalkOptions),
    files: &mut Vec<SourceFile>,
    warnings: &mut Vec<Warning>,
) {
    // Below `start`, as a glob sees it.
    let rel = |p: &Path| p.strip_prefix(start).unwrap_or(p).to_path_buf();
    let mut it = Walk::new(start, options);
    while let Some(step) = it.next() {
        let entry = match step {
            Step::Entry(e) => e,
            Step::Problem { path, message } => {
                // A glob hears only of what it could take; excluded and hidden paths are
                // not the user's concern either.
                let hidden = path != start
                    && path.strip_prefix(start).is_ok_and(|r| {
                        r.components()
                            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                    });
                let pruned = pattern.is_some_and(|p| p.prunes(&rel(&path)));
                if hidden || pruned || is_excluded(&path, root, exclude) {
                    continue;
                }
                warnings.push(Warning {
                    path: display_path(&path, root),
                    message,
                });
                continue;
            }
        };
        if is_excluded(entry.path(), root, exclude) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && name.starts_with('.') {
            // Hidden files and folders, the index cache among them.
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if let Some(p) = pattern {
            let rel = rel(entry.path());
            let is_dir = entry.file_type().is_dir();
            if is_dir && p.prunes(&rel) {
                it.skip_current_dir();
                continue;
            }
            if !is_dir && !p.takes(&rel) {
                continue;
            }
        }
        if Format::of(entry.path()).is_none() || entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            // A FIFO, device or socket named like a source: reading it would block or never
            // end.
            warnings.push(Warning {
                path: display_path(entry.path(), root),
                message: format!(
                    "skipped: not a regular file (it is {})",
                    crate::disk::read::kind_of(&entry.file_type())
                ),
            });
            continue;
        }
        let display = display_path(entry.path(), root);
        match entry.metadata() {
            Ok(md) => {
                let mtime = md
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as u64);
                files.push(SourceFile {
                    path: entry.path().to_path_buf(),
                    display,
                    mtime,
                    size: md.len(),
                });
            }
            Err(e) => warnings.push(Warning {
                path: display,
                message: format!("skipped: {e}"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_folders_and_globs_skipping_hidden_excluded_and_other_formats() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a/one.txt",
            "a/two.md",
            "a/skip.png",
            "a/.sourced/x.txt",
            "b/three.html",
            "a/drafts/d.txt",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let mut ex = globset::GlobSetBuilder::new();
        ex.add(globset::Glob::new("**/drafts/**").unwrap());
        let (files, warnings) = discover(
            &["a".into(), "b/*.html".into(), "missing".into()],
            root,
            &ex.build().unwrap(),
            WalkOptions::default(),
        );
        let names: Vec<_> = files.iter().map(|f| f.display.as_str()).collect();
        assert_eq!(names, ["a/one.txt", "a/two.md", "b/three.html"]);
        assert_eq!(
            warnings,
            vec![Warning {
                path: "missing".into(),
                message: "sources folder not found".into()
            }]
        );
    }

    #[cfg(unix)]
    fn bytes(b: &[u8]) -> PathBuf {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(b))
    }

    #[cfg(unix)]
    #[test]
    fn display_paths_escape_backslashes_and_bytes_that_are_not_utf8() {
        let root = Path::new("/ws");
        for (path, shown) in [
            (&b"/ws/sources/bad\xff.txt"[..], r"sources/bad\xFF.txt"),
            (b"/ws/sources/bad\xfe.txt", r"sources/bad\xFE.txt"),
            (b"/ws/a\\b.txt", r"a\\b.txt"),
            (b"/ws/a\\xFF.txt", r"a\\xFF.txt"),
            ("/ws/déjà/vu.txt".as_bytes(), "déjà/vu.txt"),
            // A lone continuation byte, and a sequence cut short.
            (b"/ws/\x80\xe2\x82.md", r"\x80\xE2\x82.md"),
            (b"/elsewhere/x\xffy/z.txt", r"/elsewhere/x\xFFy/z.txt"),
        ] {
            let path = bytes(path);
            assert_eq!(display_path(&path, root), shown, "{path:?}");
            assert_eq!(source_path(shown, root), path, "{shown}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn globs_see_the_lossy_path_as_before() {
        let root = Path::new("/ws");
        assert_eq!(
            glob_path(&bytes(b"/ws/a\\b/x\xff.txt"), root),
            "a\\b/x\u{FFFD}.txt"
        );
        let mut ex = globset::GlobSetBuilder::new();
        ex.add(globset::Glob::new("drafts/*.txt").unwrap());
        let ex = ex.build().unwrap();
        assert!(is_excluded(&bytes(b"/ws/drafts/bad\xff.txt"), root, &ex));
        assert!(!is_excluded(&bytes(b"/ws/final/bad\xff.txt"), root, &ex));
    }

    #[cfg(unix)]
    #[test]
    fn names_that_differ_only_in_undecodable_bytes_are_two_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("s")).unwrap();
        let names = [&b"bad\xfe.txt"[..], b"bad\xff.txt", b"a\\b.txt"];
        for n in names {
            std::fs::write(root.join("s").join(bytes(n)), n).unwrap();
        }
        let (files, warnings) = discover(
            &["s".into()],
            root,
            &GlobSet::empty(),
            WalkOptions::default(),
        );
        assert_eq!(warnings, []);
        let found: Vec<_> = files
            .iter()
            .map(|f| (f.display.as_str(), f.path.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (r"s/a\\b.txt", root.join("s").join(bytes(names[2]))),
                (r"s/bad\xFE.txt", root.join("s").join(bytes(names[0]))),
                (r"s/bad\xFF.txt", root.join("s").join(bytes(names[1]))),
            ]
        );
        for f in &files {
            assert_eq!(source_path(&f.display, root), f.path);
        }
    }

    /// Name bytes, drawn mostly from those an escape is made of, so that a name spelling an
    /// escape (`\xFF`) meets the byte it stands for.
    #[cfg(unix)]
    fn name() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let byte = prop_oneof![
            3 => proptest::sample::select(&b"\\xF.a"[..]),
            1 => Just(0xFF_u8),
            1 => Just(0xC3_u8),
            1 => Just(0xA9_u8),
            1 => any::<u8>().prop_filter("not a separator", |b| *b != b'/' && *b != 0),
        ];
        proptest::collection::vec(byte, 1..8).prop_filter("a name", |n| n != b"." && n != b"..")
    }

    #[cfg(unix)]
    proptest::proptest! {
        #[test]
        fn display_paths_are_lossless(
            names in proptest::collection::vec(name(), 1..4),
            inside in proptest::prelude::any::<bool>(),
        ) {
            let root = Path::new("/ws");
            let mut path = PathBuf::from(if inside { "/ws" } else { "/" });
            for n in &names {
                path.push(bytes(n));
            }
            let shown = display_path(&path, root);
            proptest::prop_assert_eq!(source_path(&shown, root), path);
        }

        #[test]
        fn distinct_names_are_shown_distinct(a in name(), b in name()) {
            let root = Path::new("/ws");
            proptest::prop_assume!(a != b);
            proptest::prop_assert_ne!(
                display_path(&root.join(bytes(&a)), root),
                display_path(&root.join(bytes(&b)), root)
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_changed_file_reached_through_a_link_is_no_source_when_links_are_not_followed() {
        // What the language server asks of a file event: the same answer as the walk.
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("s")).unwrap();
        std::fs::write(root.join("s/own.txt"), "x").unwrap();
        std::fs::write(outside.path().join("inner.txt"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("s/dir")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("inner.txt"), root.join("s/link.txt"))
            .unwrap();
        for (name, followed) in [
            ("s/own.txt", true),
            ("s/dir/inner.txt", false),
            ("s/link.txt", false),
        ] {
            let p = root.join(name);
            assert!(source_file(&p, root, true).is_some(), "{name}");
            assert_eq!(source_file(&p, root, false).is_some(), followed, "{name}");
        }
    }
}
