//! The bibliographies a note names in its YAML front matter, as Pandoc reads them:
//! `bibliography: refs.bib`, `bibliography: [a.bib, b.json]`, or a block list
//! (`- a.bib` lines). Paths are relative to the note's folder.

use std::path::{Path, PathBuf};

/// The `bibliography:` files of a note's front matter (a `---` block at its very start),
/// absolute (relative paths from `note`'s folder).
pub fn bibliographies(note: &Path, text: &str) -> Vec<PathBuf> {
    let folder = note.parent().unwrap_or(Path::new("."));
    names(text)
        .into_iter()
        .map(|n| {
            let p = PathBuf::from(n);
            crate::config::absolute(&if p.is_absolute() { p } else { folder.join(p) })
        })
        .collect()
}

/// The names as written.
fn names(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut in_list = false;
    for line in lines {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            break;
        }
        if in_list {
            if let Some(item) = t.trim_start().strip_prefix("- ") {
                push(&mut out, item);
                continue;
            }
            if line.starts_with(char::is_whitespace) || t.is_empty() {
                continue;
            }
            in_list = false;
        }
        let Some(value) = t.strip_prefix("bibliography:") else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            in_list = true;
        } else if let Some(flow) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            for item in flow.split(',') {
                push(&mut out, item);
            }
        } else {
            push(&mut out, value);
        }
    }
    out
}

fn push(out: &mut Vec<String>, item: &str) {
    let item = item.split(" #").next().unwrap_or(item).trim();
    let item = item.trim_matches(|c| c == '"' || c == '\'').trim();
    if !item.is_empty() {
        out.push(item.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_flow_and_block_lists() {
        assert_eq!(
            names("---\ntitle: x\nbibliography: refs.bib\n---\n"),
            ["refs.bib"]
        );
        assert_eq!(
            names("---\nbibliography: [\"a.bib\", b.json]\n---\n"),
            ["a.bib", "b.json"]
        );
        assert_eq!(
            names("---\nbibliography:\n  - a.bib\n  - 'lib/b.json' # mine\ntitle: t\n---\nbibliography: no.bib\n"),
            ["a.bib", "lib/b.json"]
        );
        // Only front matter counts.
        assert_eq!(names("text\nbibliography: no.bib\n"), Vec::<String>::new());
        assert_eq!(
            bibliographies(
                Path::new("/w/notes/n.md"),
                "---\nbibliography: ../r.bib\n---\n"
            ),
            [PathBuf::from("/w/r.bib")]
        );
    }
}
