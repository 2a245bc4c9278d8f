//! Archiving a page: fetch it ([`super::fetch`]), then write its capture
//! ([`super::warc_write`]) as `<web folder>/<host>/<UTC yyyymmddThhmmssZ>-<8 hex of
//! sha256(url)>.warc.gz`. Blocking: the language server runs it off its async runtime.
//!
//! Invariants: a failed fetch writes nothing; a capture is never written over another
//! (archiving again adds a newer file); the web folder and the host folder are checked by
//! real path to be inside the workspace before anything is written
//! ([`crate::disk::confine`]).

use super::fetch::{self, FetchError, FetchOptions, Fetched};
use super::warc_write;
use crate::config::{Config, Workspace};
use crate::disk::confine::{self, ConfineError};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// The bounds of one archiving.
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    /// The whole fetch, redirects and bodies included.
    pub timeout: Duration,
    /// Body bytes read at most, over all hops.
    pub max_bytes: u64,
}

impl ArchiveOptions {
    /// The options of `ws`'s `sourced.toml` (`archive_timeout_seconds`, `archive_max_mb`).
    pub fn of(ws: &Workspace) -> ArchiveOptions {
        ArchiveOptions::from_config(&ws.config)
    }

    pub fn from_config(config: &Config) -> ArchiveOptions {
        ArchiveOptions {
            timeout: Duration::from_secs(config.archive_timeout_seconds.max(1)),
            max_bytes: config.archive_max_mb.saturating_mul(1 << 20),
        }
    }
}

impl Default for ArchiveOptions {
    fn default() -> Self {
        ArchiveOptions::from_config(&Config::default())
    }
}

/// Where captures go: `dir`, which must stay inside the workspace `root` by real path
/// when it is below it lexically (a folder outside the workspace is one the user named on
/// the command line, and is its own root).
#[derive(Debug, Clone)]
pub struct WebFolder {
    pub root: PathBuf,
    pub dir: PathBuf,
}

impl WebFolder {
    /// The configured `web_folder` of `ws`.
    pub fn of(ws: &Workspace) -> WebFolder {
        WebFolder {
            root: ws.root.clone(),
            dir: crate::config::absolute(&ws.root.join(&ws.config.web_folder)),
        }
    }

    /// The real folder for captures of `host`, created if missing.
    fn host_folder(&self, host: &str) -> Result<PathBuf, ArchiveError> {
        let (root, dir) = if self.dir.starts_with(&self.root) && self.dir != self.root {
            (self.root.clone(), self.dir.clone())
        } else {
            std::fs::create_dir_all(&self.dir).map_err(|source| ArchiveError::Write {
                path: self.dir.clone(),
                source,
            })?;
            (self.dir.clone(), self.dir.clone())
        };
        Ok(confine::folder_inside(&dir.join(host), &root)?)
    }
}

/// A page archived.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The URL asked for.
    pub url: String,
    /// The URL of the page after redirects.
    pub final_url: String,
    pub status: u16,
    pub content_type: String,
    /// When the fetch began.
    pub fetched_at: SystemTime,
    /// The `.warc.gz` written, below [`WebFolder::dir`] (not resolved through links).
    pub path: PathBuf,
    /// Every hop, redirects first: its URL, status, and where it redirected.
    pub hops: Vec<HopSummary>,
    /// `sha256:` and base32 of the page's body (the final hop's).
    pub payload_digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopSummary {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
}

/// Why a page was not archived.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Folder(#[from] ConfineError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Fetch `url` and write its capture into `folder`.
pub fn archive(
    url: &str,
    folder: &WebFolder,
    options: &ArchiveOptions,
) -> Result<Capture, ArchiveError> {
    let parsed = fetch::parse_url(url)?;
    let host = folder_name(parsed.host_str().unwrap_or_default());
    let fetch_options = FetchOptions {
        timeout: options.timeout,
        max_bytes: options.max_bytes,
        ..FetchOptions::default()
    };
    let fetched_at = SystemTime::now();
    let fetched = fetch::fetch(parsed.as_str(), &fetch_options)?;
    let dir = folder.host_folder(&host)?;
    let name = file_name(parsed.as_str(), fetched_at);
    let write_error = |source| ArchiveError::Write {
        path: dir.join(&name),
        source,
    };
    let bytes = warc_write::capture_bytes(&fetched, &name, fetched_at).map_err(write_error)?;
    let written = warc_write::write_into(&dir, &name, &bytes).map_err(write_error)?;
    // The path as the workspace names it (the folder checked above may be reached by a link
    // inside the workspace), as the index and the editor know its files.
    let path = match written.file_name() {
        Some(file) => folder.dir.join(&host).join(file),
        None => written,
    };
    Ok(capture_of(parsed.as_str(), &fetched, fetched_at, path))
}

fn capture_of(url: &str, fetched: &Fetched, fetched_at: SystemTime, path: PathBuf) -> Capture {
    let last = fetched.last();
    Capture {
        url: url.to_string(),
        final_url: last.url.clone(),
        status: last.status,
        content_type: last.header("content-type").unwrap_or_default().to_string(),
        fetched_at,
        path,
        hops: fetched
            .hops
            .iter()
            .map(|h| HopSummary {
                url: h.url.clone(),
                status: h.status,
                location: h.location().map(str::to_string),
            })
            .collect(),
        payload_digest: warc_write::digest(&last.body),
    }
}

/// `<UTC yyyymmddThhmmssZ>-<8 hex of sha256(url)>.warc.gz`.
pub fn file_name(url: &str, fetched_at: SystemTime) -> String {
    let hash = Sha256::digest(url.as_bytes());
    let hex: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{hex}.warc.gz", warc_write::compact_date(fetched_at))
}

/// A host as one safe folder name: IPv6 brackets and colons, separators and dot-only names
/// replaced.
fn folder_name(host: &str) -> String {
    let name: String = host
        .chars()
        .map(|c| match c {
            '[' | ']' => '_',
            ':' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        "_".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_utc_time_and_the_url_hash() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_964_400);
        // sha256("https://example.org/") begins 0x…: only its first 4 bytes, in hex.
        let name = file_name("https://example.org/", t);
        let hash = Sha256::digest(b"https://example.org/");
        assert_eq!(
            name,
            format!(
                "20261129T150000Z-{:02x}{:02x}{:02x}{:02x}.warc.gz",
                hash[0], hash[1], hash[2], hash[3]
            )
        );
    }

    #[test]
    fn hosts_become_one_folder_name() {
        assert_eq!(folder_name("example.org"), "example.org");
        assert_eq!(folder_name("[::1]"), "___1_");
        assert_eq!(folder_name(".."), "_");
        assert_eq!(folder_name(""), "_");
    }
}
