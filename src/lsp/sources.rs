//! Source files as the editor sees them: their text read from disk (cached while unchanged),
//! ranges turned into LSP locations, and the paragraph around a match for hovers.
//!
//! Invariant: a path goes to a `file://` URI and back with its bytes intact ([`file_uri`],
//! [`uri_path`]): a name that is not UTF-8 is percent-encoded byte for byte (`%FF`), never
//! replaced, so the URI names the real file.

use super::position::{self, Encoding};
use super::sync::lock;
use ropey::Rope;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tower_lsp_server::ls_types::{Location, Uri};

/// Files cached at most; the cache is emptied when full.
const CAPACITY: usize = 64;

/// A source file's text.
#[derive(Debug)]
pub struct SourceText {
    pub path: PathBuf,
    pub text: String,
    pub rope: Rope,
    mtime: Option<SystemTime>,
}

/// Source texts by absolute path, re-read when the file's modification time changes.
#[derive(Debug)]
pub struct SourceTexts {
    cache: Mutex<HashMap<PathBuf, Arc<SourceText>>>,
    /// Bytes read at most from one file (the workspace's `max_file_mb`).
    limit: std::sync::atomic::AtomicU64,
    /// The index folder, where renditions of sources that are not text files are kept.
    index_dir: Mutex<Option<PathBuf>>,
}

impl Default for SourceTexts {
    fn default() -> Self {
        SourceTexts {
            cache: Mutex::default(),
            limit: crate::corpus::DEFAULT_MAX_FILE_BYTES.into(),
            index_dir: Mutex::default(),
        }
    }
}

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl SourceTexts {
    /// The text of `path` (absolute), or `None` if it cannot be read.
    pub fn get(&self, path: &Path) -> Option<Arc<SourceText>> {
        let now = mtime(path);
        if let Some(t) = lock(&self.cache).get(path) {
            if t.mtime.is_some() && t.mtime == now {
                return Some(t.clone());
            }
        }
        // Bounded and non-blocking, as when indexing: the file may have been swapped for a
        // FIFO or a device since.
        let limit = self.limit.load(std::sync::atomic::Ordering::Relaxed);
        let bytes = crate::disk::read_bounded(path, limit, true).ok()?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let entry = Arc::new(SourceText {
            path: path.to_path_buf(),
            rope: Rope::from_str(&text),
            text,
            mtime: now,
        });
        let mut cache = lock(&self.cache);
        if cache.len() >= CAPACITY {
            cache.clear();
        }
        cache.insert(path.to_path_buf(), entry.clone());
        Some(entry)
    }

    /// Renditions are in index folder `dir` from now on.
    pub fn set_index_dir(&self, dir: &Path) {
        *lock(&self.index_dir) = Some(dir.to_path_buf());
    }

    /// The file whose text a match's byte range refers to: the rendition of a source that is
    /// not a text file (PDF, DOCX, subtitles), else the source itself.
    pub fn text_file(&self, root: &Path, path: &str) -> PathBuf {
        let dir = lock(&self.index_dir).clone();
        if let Some(r) = dir.map(|d| crate::index::rendition_file(&d, path)) {
            if r.is_file() {
                return r;
            }
        }
        absolute(root, path)
    }

    /// Read no more than `bytes` from one file from now on.
    pub fn set_limit(&self, bytes: u64) {
        self.limit
            .store(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// Forget these files (they changed on disk).
    pub fn forget(&self, paths: &[PathBuf]) {
        let mut cache = lock(&self.cache);
        for p in paths {
            cache.remove(p);
        }
    }

    pub fn clear(&self) {
        lock(&self.cache).clear();
    }

    /// The location of byte range `range` of source `path` (as stored in the index: relative
    /// to `root` or absolute).
    pub fn location(
        &self,
        root: &Path,
        path: &str,
        range: Range<usize>,
        enc: Encoding,
    ) -> Option<Location> {
        let abs = self.text_file(root, path);
        let uri = file_uri(&abs)?;
        let text = self.get(&abs)?;
        Some(Location::new(uri, position::range(&text.rope, range, enc)))
    }
}

/// A source path from the index (see [`crate::corpus::discover::display_path`]): the file it
/// names, made absolute.
pub fn absolute(root: &Path, path: &str) -> PathBuf {
    crate::config::absolute(&crate::corpus::discover::source_path(path, root))
}

/// What a `file://` URI's path may hold unencoded: as `Uri::from_file_path` has it, so URIs of
/// UTF-8 paths are the same either way.
#[cfg(unix)]
const URI_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The `file://` URI of `path` (absolute), every byte of its name kept (`Uri::from_file_path`
/// replaces bytes that are not UTF-8 with U+FFFD, naming another file).
pub fn file_uri(path: &Path) -> Option<Uri> {
    #[cfg(unix)]
    if path.is_absolute() {
        use std::os::unix::ffi::OsStrExt;
        let encoded = percent_encoding::percent_encode(path.as_os_str().as_bytes(), URI_PATH);
        return format!("file://{encoded}").parse().ok();
    }
    Uri::from_file_path(path)
}

/// The file a `file://` URI names, every percent-encoded byte kept (`Uri::to_file_path`
/// replaces bytes that are not UTF-8 with U+FFFD).
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let bytes = uri.path().decode().to_bytes().into_owned();
        if bytes.is_empty() {
            return None;
        }
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    uri.to_file_path().map(|p| p.into_owned())
}

/// Longest paragraph excerpt shown, in bytes, on each side of the match.
const CONTEXT: usize = 600;

/// The blank-line-delimited paragraph around `range` of `text`, as (before, matched, after),
/// trimmed to a few hundred bytes on each side of the match.
pub fn paragraph(text: &str, range: Range<usize>) -> (String, String, String) {
    let start = floor(text, range.start.min(text.len()));
    let end = floor(text, range.end.clamp(start, text.len()));
    let para_start = blank_line_before(text, start);
    let para_end = blank_line_after(text, end);
    let mut before_start = para_start;
    let mut ellipsis_before = "";
    if start - para_start > CONTEXT {
        before_start = floor(text, start - CONTEXT);
        // Start at a word.
        if let Some(sp) = text[before_start..start].find(char::is_whitespace) {
            before_start += sp;
        }
        ellipsis_before = "…";
    }
    let mut after_end = para_end;
    let mut ellipsis_after = "";
    if para_end - end > CONTEXT {
        after_end = floor(text, end + CONTEXT);
        if let Some(sp) = text[end..after_end].rfind(char::is_whitespace) {
            after_end = end + sp;
        }
        ellipsis_after = "…";
    }
    (
        format!(
            "{ellipsis_before}{}",
            text[before_start..start].trim_start()
        ),
        text[start..end].to_string(),
        format!("{}{ellipsis_after}", text[end..after_end].trim_end()),
    )
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Start of the paragraph containing `at`: just after the last blank line before it.
fn blank_line_before(text: &str, at: usize) -> usize {
    let head = &text[..at];
    let mut pos = head.len();
    // Walk back line by line until a line that is empty or whitespace only.
    loop {
        let line_start = head[..pos].rfind('\n').map_or(0, |i| i + 1);
        if line_start == 0 {
            return 0;
        }
        let prev_start = head[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        if head[prev_start..line_start].trim().is_empty() {
            return line_start;
        }
        pos = line_start - 1;
    }
}

/// End of the paragraph containing `at`: the end of the last non-blank line from it on.
fn blank_line_after(text: &str, at: usize) -> usize {
    let mut pos = at;
    loop {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if line_end >= text.len() {
            return text.len();
        }
        let next_end = text[line_end + 1..]
            .find('\n')
            .map_or(text.len(), |i| line_end + 1 + i);
        if text[line_end + 1..next_end].trim().is_empty() {
            return line_end;
        }
        pos = line_end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn uris_keep_every_byte_of_a_path() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(
            b"/tmp/d\xc3\xa9j\xc3\xa0 vu/bad\xff\\x.txt",
        ));
        let uri = file_uri(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/d%C3%A9j%C3%A0%20vu/bad%FF%5Cx.txt"
        );
        assert_eq!(uri_path(&uri).unwrap(), path);
        // UTF-8 paths get the URI they always had.
        let utf8 = Path::new("/tmp/déjà vu/a b.txt");
        assert_eq!(file_uri(utf8), Uri::from_file_path(utf8));
    }

    #[test]
    fn paragraph_around_a_match() {
        let text = "Title\n\nFirst line of it\nhas the words here and more.\r\n\r\nNext para.";
        let s = text.find("the words").unwrap();
        let (b, m, a) = paragraph(text, s..s + 9);
        assert_eq!(b, "First line of it\nhas ");
        assert_eq!(m, "the words");
        assert_eq!(a, " here and more.");
        // Out of range: clamped, no panic.
        let (b, m, a) = paragraph(text, 500..900);
        assert_eq!((b.as_str(), m.as_str(), a.as_str()), ("Next para.", "", ""));
    }

    #[test]
    fn long_paragraphs_are_cut_around_the_match() {
        let long = "word ".repeat(1000);
        let text = format!("{long}MATCH{long}");
        let s = text.find("MATCH").unwrap();
        let (b, m, a) = paragraph(&text, s..s + 5);
        assert_eq!(m, "MATCH");
        assert!(b.starts_with('…') && b.len() < CONTEXT + 10, "{}", b.len());
        assert!(a.ends_with('…') && a.len() < CONTEXT + 10);
    }
}
