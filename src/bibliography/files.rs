//! A `file` field to the paths it names. Zotero (and Better BibLaTeX) writes
//! `Description:path:mime/type`, items joined by `;`, with `\:`, `\;` and `\\` escaping
//! those characters in paths; Better BibTeX and JabRef may write plain paths, absolute or
//! relative, also joined by `;`. Relative paths are relative to the bibliography's folder.

use std::path::{Path, PathBuf};

/// The paths of a `file` field (or CSL JSON `file`), absolute, in the order written.
pub fn paths(field: &str, bib_folder: &Path) -> Vec<PathBuf> {
    split_unescaped(field, ';')
        .into_iter()
        .filter_map(|item| path_of_item(&item))
        .map(|p| {
            let p = PathBuf::from(p);
            crate::config::absolute(&if p.is_absolute() {
                p
            } else {
                bib_folder.join(p)
            })
        })
        .collect()
}

/// The path of one item: `desc:path:mime`, `:path:mime`, or a plain path.
fn path_of_item(item: &str) -> Option<String> {
    let parts = split_unescaped(item, ':');
    let path_parts: &[String] = match parts.as_slice() {
        [] => return None,
        [only] => std::slice::from_ref(only),
        // `C:\x.pdf`: a drive letter, not a description.
        [drive, _] if is_drive(drive) => &parts[..],
        [_, path] => std::slice::from_ref(path),
        [first, .., _mime] if is_drive(first) && parts.len() == 3 => &parts[..2],
        [_, middle @ .., _mime] => middle,
    };
    let path = unescape(&path_parts.join(":"));
    let path = path.trim();
    (!path.is_empty()).then(|| path.to_string())
}

fn is_drive(s: &str) -> bool {
    s.len() == 1 && s.chars().all(|c| c.is_ascii_alphabetic())
}

/// Split on `sep` where it is not escaped by a backslash; escapes are kept (undone by
/// [`unescape`]).
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let last = out.last_mut().expect("never empty");
            last.push(c);
            if let Some(n) = chars.next() {
                last.push(n);
            }
        } else if c == sep {
            out.push(String::new());
        } else {
            out.last_mut().expect("never empty").push(c);
        }
    }
    out.retain(|p| !p.trim().is_empty());
    out
}

/// `\:` → `:`, `\;` → `;`, `\\` → `\`; other backslashes stay (a Windows path written
/// without escapes).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if matches!(n, ':' | ';' | '\\') {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zotero_items_with_descriptions_and_types() {
        let base = Path::new("/lib");
        assert_eq!(
            paths(
                "Full Text PDF:files/12/x.pdf:application/pdf;Snapshot:files/13/y.html:text/html",
                base
            ),
            [
                PathBuf::from("/lib/files/12/x.pdf"),
                PathBuf::from("/lib/files/13/y.html")
            ]
        );
        // Escaped colon and semicolon inside a path.
        assert_eq!(
            paths(r"Attachment:/abs/a\:b\;c.pdf:application/pdf", base),
            [PathBuf::from("/abs/a:b;c.pdf")]
        );
    }

    #[test]
    fn plain_paths_absolute_and_relative() {
        let base = Path::new("/lib");
        assert_eq!(
            paths("/abs/x.pdf;rel/y.pdf", base),
            [PathBuf::from("/abs/x.pdf"), PathBuf::from("/lib/rel/y.pdf")]
        );
        assert_eq!(paths(" ; ", base), Vec::<PathBuf>::new());
    }
}
