//! Finding source files: folders walked recursively (with [`crate::disk::Walk`]: bounded,
//! each real folder once, no pseudo-filesystems, links followed unless `follow_links` is
//! off), single files, and glob patterns, minus `exclude` globs.
//!
//! Invariant: [`is_under`] says yes to exactly the files [`discover`] lists (given they
//! exist and have a source format): both start from a spec's base (the folder or file, or a
//! glob's literal folders), skip hidden names and excluded paths below it (a folder's
//! exclusion covers all it holds), and test globs with the same [`crate::glob::Pattern`].

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
    /// How it is shown and stored in the index: relative to the workspace root when inside
    /// it (with `/` separators), else absolute.
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

/// `path` as shown to users: relative to `root` if under it.
pub fn display_path(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
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

/// A single file as a source, if it exists, is a regular file and has a source format (and
/// is not a link, unless links are followed).
pub fn source_file(path: &Path, root: &Path, follow_links: bool) -> Option<SourceFile> {
    Format::of(path)?;
    if !follow_links
        && std::fs::symlink_metadata(path)
            .ok()?
            .file_type()
            .is_symlink()
    {
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

/// Whether an `exclude` glob matches `path`, as shown (relative to the root) or absolute.
fn is_excluded(path: &Path, root: &Path, exclude: &GlobSet) -> bool {
    exclude.is_match(display_path(path, root)) || exclude.is_match(path)
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
        if !entry.file_type().is_file() || Format::of(entry.path()).is_none() {
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
            "a/skip.pdf",
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
}
