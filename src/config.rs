//! `sourced.toml`: found by walking up from the notes; paths in it are relative to its folder,
//! which is the workspace root.

use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "sourced.toml";

/// A `sourced.toml` larger than this is refused (a real one is a few hundred bytes).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The settings a workspace can have. Every field has a default.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Source folders, files or globs.
    pub sources: Vec<String>,
    /// Where the index lives (default `.sourced`).
    pub index_dir: Option<String>,
    /// Shorter quotations are scare quotes, not checked.
    pub min_words: usize,
    /// Globs of files and folders to leave out of sources and notes.
    pub exclude: Vec<String>,
    /// Note folders or globs for `sourced check` without paths (default: the workspace).
    pub notes: Vec<String>,
    /// Similarity (0–1) from which a differing passage counts as a mismatch.
    pub mismatch_similarity: f32,
    /// Source files larger than this many megabytes are skipped (counted on the bytes
    /// read, whatever size a file reports).
    pub max_file_mb: u64,
    /// Follow symbolic links in source folders (off for folders one does not trust: a link
    /// can point anywhere the user can read).
    pub follow_links: bool,
    /// Files and folders one walk visits at most (sources, notes).
    pub max_walk_files: usize,
    /// Folder levels one walk descends at most.
    pub max_walk_depth: usize,
    /// Memory of the process that reads one PDF, in megabytes (a PDF that needs more is
    /// skipped with a warning).
    pub reader_memory_mb: u64,
    /// Time the process that reads one PDF may take, in seconds.
    pub reader_seconds: u64,
    /// Where `sourced archive` writes captures (`.warc.gz`), relative to the workspace root
    /// and inside it.
    pub web_folder: String,
    /// Time one `sourced archive` of a page may take (redirects and body included), seconds.
    pub archive_timeout_seconds: u64,
    /// Bytes one `sourced archive` of a page reads at most, in megabytes.
    pub archive_max_mb: u64,
    /// BibTeX/BibLaTeX (`.bib`) and CSL JSON (`.json`) files whose keys `[@key]` citations
    /// use, relative to the workspace root.
    pub bibliography: Vec<String>,
    /// Who speaks the narration of some sources (`[[speaker]]` tables, later ones win):
    /// see [`SpeakerRule`].
    pub speaker: Vec<SpeakerRule>,
    /// Search clusters whose documents are sources too (`[[remote]]` tables): see
    /// [`RemoteConfig`].
    pub remote: Vec<RemoteConfig>,
}

/// `[[speaker]]` in `sourced.toml`: the sources whose whole text is one speaker's words
/// (speeches, statements), or whose narration is nobody's. Front matter `speaker:` in a
/// source wins over every rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpeakerRule {
    /// Folders, files or globs, relative to the workspace root.
    pub sources: Vec<String>,
    /// `"author"` (the source's author), `"none"` (nobody: an editor's byline, a wire
    /// service), or a name.
    pub speaker: String,
}

/// `[[remote]]` in `sourced.toml`: an OpenSearch or Elasticsearch index whose documents are
/// sources (a newsroom's archive), queried over HTTP; quotations are verified locally on the
/// text it returns (see [`crate::remote`]). Secrets never come from this file: it names the
/// environment variables that hold them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RemoteConfig {
    /// How notes and reports name the archive: its documents are `NAME:ID`.
    pub name: String,
    /// `"opensearch"` (default) or `"elasticsearch"` (8 or 9): the same query language for
    /// what sourced asks.
    #[serde(default)]
    pub kind: RemoteKind,
    /// The cluster's address, or several (tried in turn when one does not answer).
    pub url: OneOrMany,
    /// The index, alias or pattern (`news-*`) that holds the documents.
    pub index: String,
    /// Which fields of a document hold its text and metadata.
    #[serde(default)]
    pub fields: RemoteFields,
    /// Environment variable holding the user name for HTTP basic authentication (with
    /// `password_env`).
    #[serde(default)]
    pub user_env: Option<String>,
    /// Environment variable holding the password for basic authentication.
    #[serde(default)]
    pub password_env: Option<String>,
    /// Environment variable holding an API key (`Authorization: ApiKey …`, as
    /// Elasticsearch encodes it: base64 of `id:key`).
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// A PEM file of the certificate authorities to trust for `https://` (relative to the
    /// workspace root), for a cluster whose certificate no public authority signed
    /// (Elasticsearch 8 makes its own `http_ca.crt`). Default: the public authorities.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// Time one request may take, in seconds.
    #[serde(default = "default_remote_timeout")]
    pub timeout_seconds: u64,
    /// Retries of a request the cluster refused for load (429, 502, 503, 504) or that found
    /// no node, with exponential backoff (0.2 s, 0.4 s, …).
    #[serde(default = "default_remote_retries")]
    pub retries: u32,
    /// Documents fetched per quotation (the cluster's best hits).
    #[serde(default = "default_remote_hits")]
    pub hits: usize,
    /// For `sourced index --remote`: primary shards of the index it creates.
    #[serde(default = "default_remote_shards")]
    pub shards: u32,
    /// For `sourced index --remote`: replicas of each shard.
    #[serde(default = "default_remote_replicas")]
    pub replicas: u32,
}

fn default_remote_timeout() -> u64 {
    10
}
fn default_remote_retries() -> u32 {
    3
}
fn default_remote_hits() -> usize {
    10
}
fn default_remote_shards() -> u32 {
    2
}
fn default_remote_replicas() -> u32 {
    1
}

/// The search engine behind a `[[remote]]`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RemoteKind {
    #[default]
    Opensearch,
    Elasticsearch,
}

/// One string or a list of them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// The fields of a remote document (`[remote.fields]`); only `text` is required to exist.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RemoteFields {
    /// The article's text (searched, and fetched for verification).
    pub text: String,
    pub title: String,
    pub author: String,
    pub date: String,
    /// The article's web address: `[text](https://…)` citations resolve through it.
    pub url: String,
}

impl Default for RemoteFields {
    fn default() -> Self {
        RemoteFields {
            text: "text".into(),
            title: "title".into(),
            author: "author".into(),
            date: "date".into(),
            url: "url".into(),
        }
    }
}

/// Memory of the process that reads one PDF, in megabytes (`reader_memory_mb`).
pub const DEFAULT_READER_MEMORY_MB: u64 = 2048;
/// Time that process may take, in seconds (`reader_seconds`).
pub const DEFAULT_READER_SECONDS: u64 = 120;

impl Default for Config {
    fn default() -> Self {
        Config {
            sources: Vec::new(),
            index_dir: None,
            min_words: 4,
            exclude: Vec::new(),
            notes: Vec::new(),
            mismatch_similarity: 0.6,
            max_file_mb: 256,
            follow_links: true,
            max_walk_files: crate::disk::walk::DEFAULT_MAX_ENTRIES,
            max_walk_depth: crate::disk::walk::DEFAULT_MAX_DEPTH,
            reader_memory_mb: DEFAULT_READER_MEMORY_MB,
            reader_seconds: DEFAULT_READER_SECONDS,
            web_folder: "sources/web".to_string(),
            archive_timeout_seconds: 30,
            archive_max_mb: 50,
            bibliography: Vec::new(),
            speaker: Vec::new(),
            remote: Vec::new(),
        }
    }
}

/// Errors reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid {path}: {message}")]
    Parse { path: PathBuf, message: String },
}

/// A configuration and where it applies.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The folder of `sourced.toml`, else the default root given to [`Workspace::discover_or`]
    /// (the current folder for the command line).
    pub root: PathBuf,
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    pub config: Config,
}

impl Workspace {
    /// Find `sourced.toml` in `start` (a folder, or a file's folder) or a parent; without
    /// one, that folder is the root and the defaults apply (the language server: its
    /// workspace folder, else the first note's folder).
    pub fn discover(start: &Path) -> Result<Workspace, ConfigError> {
        let dir = folder_of(start);
        Self::discover_or(&dir, &dir)
    }

    /// Find `sourced.toml` in `start` (a folder, or a file's folder) or a parent; without
    /// one, `default_root` is the root and the defaults apply (the command line: the
    /// current folder, whatever notes it was given).
    pub fn discover_or(start: &Path, default_root: &Path) -> Result<Workspace, ConfigError> {
        for d in folder_of(start).ancestors() {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Self::load(&candidate);
            }
        }
        Ok(Workspace {
            root: absolute(default_root),
            file: None,
            config: Config::default(),
        })
    }

    pub fn load(file: &Path) -> Result<Workspace, ConfigError> {
        // Bounded and non-blocking: a cloned repository's sourced.toml may be a FIFO or a
        // link to /dev/zero.
        let bytes = crate::disk::read_bounded(file, MAX_CONFIG_BYTES, true).map_err(|e| {
            ConfigError::Read {
                path: file.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError::Parse {
            path: file.to_path_buf(),
            message: "not valid UTF-8".into(),
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: file.to_path_buf(),
            message: e.to_string().trim().to_string(),
        })?;
        let root = absolute(file.parent().unwrap_or(Path::new(".")));
        check_inside(&root, &config).map_err(|message| ConfigError::Parse {
            path: file.to_path_buf(),
            message,
        })?;
        Ok(Workspace {
            root,
            file: Some(file.to_path_buf()),
            config,
        })
    }

    /// Source specs in effect: `--sources` if given, else the config's, else `seeds`.
    pub fn sources(&self, overrides: &[String]) -> Vec<String> {
        if !overrides.is_empty() {
            overrides.to_vec()
        } else if !self.config.sources.is_empty() {
            self.config.sources.clone()
        } else {
            vec!["seeds".to_string()]
        }
    }

    /// [`Workspace::sources`], and then the web folder (where `sourced archive` writes
    /// captures: a page archived is a source wherever the other sources are) unless
    /// `--sources` was given. A file found by two specs is read once; the web folder may not
    /// exist yet (see [`Workspace::is_web_folder`]).
    pub fn sources_and_web_folder(&self, overrides: &[String]) -> Vec<String> {
        let mut specs = self.sources(overrides);
        if overrides.is_empty() && !specs.contains(&self.config.web_folder) {
            specs.push(self.config.web_folder.clone());
        }
        specs
    }

    /// Where `sourced archive` writes captures (see `web_folder`).
    pub fn web_folder(&self) -> PathBuf {
        self.root.join(&self.config.web_folder)
    }

    /// Whether a source spec is the web folder's (which is not missing, only not made yet).
    pub fn is_web_folder(&self, spec: &str) -> bool {
        spec == self.config.web_folder
    }

    /// The cache folder for the index, as configured.
    pub fn index_dir(&self) -> PathBuf {
        let dir = self.config.index_dir.as_deref().unwrap_or(".sourced");
        self.root.join(dir)
    }

    /// The cache folder by real path, created if missing, after checking that no link on
    /// the way leads outside the workspace (see [`crate::disk::confine`]). A folder outside
    /// the root can only be set by code (a `sourced.toml` cannot: [`Workspace::load`]
    /// refuses it), and is taken as it is.
    pub fn cache_folder(&self) -> Result<PathBuf, crate::disk::confine::ConfineError> {
        let dir = absolute(&self.index_dir());
        if dir.starts_with(&self.root) {
            crate::disk::confine::cache_folder(&dir, &self.root)
        } else {
            Ok(dir)
        }
    }

    /// The `bibliography` files, absolute.
    pub fn bibliography_files(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = Vec::new();
        for b in &self.config.bibliography {
            let p = absolute(&self.root.join(b));
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// Bytes read at most from one file (`max_file_mb`).
    pub fn max_file_bytes(&self) -> u64 {
        self.config.max_file_mb.saturating_mul(1 << 20)
    }

    /// How source folders are walked: links followed or not, and the walk's bounds.
    pub fn walk_options(&self) -> crate::disk::WalkOptions {
        crate::disk::WalkOptions {
            follow_links: self.config.follow_links,
            max_entries: self.config.max_walk_files,
            max_depth: self.config.max_walk_depth,
        }
    }

    /// The `exclude` globs, compiled with sourced's one glob convention (`*` stops at `/`,
    /// see [`crate::glob`]).
    pub fn exclude(&self) -> Result<globset::GlobSet, ConfigError> {
        let mut b = globset::GlobSetBuilder::new();
        for g in &self.config.exclude {
            let glob = crate::glob::glob(g).map_err(|e| ConfigError::Parse {
                path: self.file.clone().unwrap_or_default(),
                message: format!("exclude pattern {g:?}: {e}"),
            })?;
            b.add(glob);
        }
        b.build().map_err(|e| ConfigError::Parse {
            path: self.file.clone().unwrap_or_default(),
            message: e.to_string(),
        })
    }
}

/// A `sourced.toml` (perhaps from someone else's repository) cannot send sourced out of its
/// workspace: `index_dir` (where sourced writes) must be a folder inside it, and `notes`
/// (read by `sourced check` without paths) must stay inside it. Only `sources` may point
/// anywhere: reading them is what they are configured for.
fn check_inside(root: &Path, config: &Config) -> Result<(), String> {
    if let Some(dir) = &config.index_dir {
        let full = absolute(&root.join(dir));
        if !full.starts_with(root) || full == root {
            return Err(format!(
                "index_dir {dir:?} is not a folder inside the workspace {}: sourced only \
                 writes its index inside the workspace",
                root.display()
            ));
        }
    }
    let web = absolute(&root.join(&config.web_folder));
    if !web.starts_with(root) || web == root {
        return Err(format!(
            "web_folder {:?} is not a folder inside the workspace {}: sourced only writes \
             captures inside the workspace",
            config.web_folder,
            root.display()
        ));
    }
    for n in &config.notes {
        if !absolute(&root.join(n)).starts_with(root) {
            return Err(format!(
                "notes {n:?} points outside the workspace {}",
                root.display()
            ));
        }
    }
    check_remotes(&config.remote)
}

/// `[[remote]]` tables: a name notes can write before `:` (letters, digits, `-`, `_`), each
/// once; HTTP(S) addresses; a sane number of hits.
fn check_remotes(remotes: &[RemoteConfig]) -> Result<(), String> {
    let mut names = std::collections::HashSet::new();
    for r in remotes {
        let ok_name = !r.name.is_empty()
            && r.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok_name {
            return Err(format!(
                "[[remote]] name {:?}: use letters, digits, '-' or '_' (documents are named NAME:ID)",
                r.name
            ));
        }
        if !names.insert(r.name.as_str()) {
            return Err(format!("[[remote]] name {:?} is used twice", r.name));
        }
        let urls = r.url.to_vec();
        if urls.is_empty() {
            return Err(format!("[[remote]] {:?} has no url", r.name));
        }
        for u in &urls {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(format!(
                    "[[remote]] {:?}: url {u:?} must start with http:// or https://",
                    r.name
                ));
            }
        }
        if r.index.is_empty() || r.index.contains(['/', '?', '#', ' ']) {
            return Err(format!(
                "[[remote]] {:?}: index {:?} is not an index name",
                r.name, r.index
            ));
        }
        if !(1..=100).contains(&r.hits) {
            return Err(format!("[[remote]] {:?}: hits must be 1 to 100", r.name));
        }
    }
    Ok(())
}

/// `path` made absolute, or its folder if it is a file.
fn folder_of(path: &Path) -> PathBuf {
    let path = absolute(path);
    if path.is_file() {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        path
    }
}

/// `path` made absolute against the current folder, with `.` and `..` resolved lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_by_walking_up_and_relative_to_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "sources = [\"src\"]\nmin_words = 6\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("notes/deep")).unwrap();
        let ws = Workspace::discover(&dir.path().join("notes/deep")).unwrap();
        assert_eq!(ws.root, absolute(dir.path()));
        assert_eq!(ws.config.min_words, 6);
        assert_eq!(ws.sources(&[]), ["src"]);
        assert_eq!(ws.index_dir(), absolute(dir.path()).join(".sourced"));
    }

    #[test]
    fn without_a_config_the_default_root_applies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("notes")).unwrap();
        std::fs::write(dir.path().join("notes/a.md"), "“a quote”\n").unwrap();
        let notes = dir.path().join("notes");
        // The language server's way: the folder it starts from (a note's folder for a note).
        assert_eq!(Workspace::discover(&notes).unwrap().root, absolute(&notes));
        let ws = Workspace::discover(&notes.join("a.md")).unwrap();
        assert_eq!(ws.root, absolute(&notes));
        // The command line's way: the current folder, whatever the notes.
        for start in [notes.clone(), notes.join("a.md")] {
            let ws = Workspace::discover_or(&start, dir.path()).unwrap();
            assert_eq!(ws.root, absolute(dir.path()));
            assert!(ws.file.is_none());
            assert_eq!(ws.index_dir(), absolute(dir.path()).join(".sourced"));
        }
        // A config found from the notes wins over the default root.
        std::fs::write(notes.join(FILE_NAME), "").unwrap();
        let ws = Workspace::discover_or(&notes.join("a.md"), dir.path()).unwrap();
        assert_eq!(ws.root, absolute(&notes));
    }

    #[test]
    fn index_and_notes_must_stay_inside_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        for bad in [
            "index_dir = \"../cache\"",
            "index_dir = \"/tmp/cache\"",
            "index_dir = \".\"",
            "index_dir = \"a/../..\"",
            "notes = [\"../elsewhere\"]",
            "notes = [\"/etc\"]",
            "web_folder = \"../web\"",
            "web_folder = \"/tmp/web\"",
            "web_folder = \".\"",
        ] {
            std::fs::write(&f, format!("{bad}\n")).unwrap();
            let err = Workspace::load(&f).unwrap_err().to_string();
            assert!(
                err.contains("inside the workspace") || err.contains("outside"),
                "{bad}: {err}"
            );
        }
        let inside = format!(
            "index_dir = \"cache/idx\"\nnotes = [\"notes\", {:?}]\nsources = [\"/anywhere\"]\n",
            dir.path().join("more").to_string_lossy()
        );
        std::fs::write(&f, inside).unwrap();
        let ws = Workspace::load(&f).unwrap();
        assert_eq!(ws.index_dir(), absolute(dir.path()).join("cache/idx"));
    }

    #[test]
    fn unknown_keys_are_errors_with_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        std::fs::write(&f, "sourcez = []\n").unwrap();
        let err = Workspace::load(&f).unwrap_err().to_string();
        assert!(
            err.contains("sourced.toml") && err.contains("sourcez"),
            "{err}"
        );
    }
}
