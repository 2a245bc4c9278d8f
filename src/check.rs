//! Checking notes: the one entry point both front ends use. Opens and refreshes the index
//! for a workspace, scans a note for quotations, resolves their citations and asks the
//! matcher for a verdict on each. Results are plain data in byte offsets.

use crate::config::{ConfigError, Workspace};
use crate::corpus::{self, Warning};
use crate::index::{IndexError, RefreshOptions, RefreshReport, Retriever, SourceIndex};
use crate::quotes::extract::{self, CitationTarget, NoteScan, Quote};
use crate::quotes::matcher::{self, Cited, MatchOptions};
use crate::quotes::verdict::Verdict;
use std::path::{Path, PathBuf};

/// Anything that stops a check.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// A quotation and its verdict.
#[derive(Debug, Clone)]
pub struct QuoteResult {
    pub quote: Quote,
    /// The citation as written (`key` of `[@key]`, or the link destination), if any.
    pub cited: Option<String>,
    pub verdict: Verdict,
}

/// An open workspace: its configuration and an up-to-date index.
pub struct Checker {
    pub workspace: Workspace,
    pub index: SourceIndex,
    pub options: MatchOptions,
    pub min_words: usize,
    /// Source folders, files or globs in effect.
    pub specs: Vec<String>,
    exclude: globset::GlobSet,
}

/// What opening a workspace found out.
#[derive(Debug, Default)]
pub struct OpenReport {
    /// Messages about the index (rebuilt, stale).
    pub messages: Vec<String>,
    pub refresh: RefreshReport,
    /// Problems with source folders and files.
    pub warnings: Vec<Warning>,
    /// Set when no source file was found at all: says where sourced looked.
    pub no_sources: Option<String>,
}

impl Checker {
    /// Open the workspace's index and bring it up to date with the sources. Finding no
    /// source at all is not an error here (see [`OpenReport::no_sources`]).
    pub fn open(
        workspace: Workspace,
        source_overrides: &[String],
    ) -> Result<(Checker, OpenReport), CheckError> {
        let exclude = workspace.exclude()?;
        let (index, messages) = SourceIndex::open(&workspace.index_dir())?;
        let options = MatchOptions {
            mismatch_similarity: workspace.config.mismatch_similarity,
            ..Default::default()
        };
        let min_words = workspace.config.min_words;
        let specs = workspace.sources(source_overrides);
        let mut checker = Checker {
            workspace,
            index,
            options,
            min_words,
            specs,
            exclude,
        };
        let mut report = checker.refresh()?;
        report.messages.splice(0..0, messages);
        Ok((checker, report))
    }

    /// Walk the source folders again and bring the index up to date.
    pub fn refresh(&mut self) -> Result<OpenReport, CheckError> {
        let mut report = OpenReport::default();
        let (files, mut warnings) =
            corpus::discover(&self.specs, &self.workspace.root, &self.exclude);
        let refresh = self.index.refresh(&files, &self.refresh_options())?;
        if let Some(stale) = &refresh.stale {
            report.messages.push(stale.clone());
        }
        warnings.extend(refresh.warnings.iter().cloned());
        if files.is_empty() {
            report.no_sources = Some(format!(
                "no source files (.txt, .md, .html) found in {} (relative to {})",
                self.specs.join(", "),
                self.workspace.root.display()
            ));
        }
        report.refresh = refresh;
        report.warnings = warnings;
        Ok(report)
    }

    /// Re-index just these files (changed, created or deleted on disk); paths outside the
    /// sources are ignored.
    pub fn update_files(&mut self, paths: &[PathBuf]) -> Result<RefreshReport, CheckError> {
        let root = &self.workspace.root;
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        for p in paths {
            let p = crate::config::absolute(p);
            if !corpus::discover::is_under(&p, &self.specs, root, &self.exclude) {
                continue;
            }
            match corpus::discover::source_file(&p, root) {
                Some(f) => changed.push(f),
                None if !p.exists() => removed.push(corpus::discover::display_path(&p, root)),
                None => {}
            }
        }
        Ok(self
            .index
            .update(&changed, &removed, &self.refresh_options())?)
    }

    fn refresh_options(&self) -> RefreshOptions {
        RefreshOptions {
            max_file_bytes: self.workspace.config.max_file_mb.saturating_mul(1 << 20),
            ..Default::default()
        }
    }

    /// Scan and check a note whose text is `text` (read from `path`, which locates relative
    /// links).
    pub fn check_note(&self, path: &Path, text: &str) -> Result<Vec<QuoteResult>, CheckError> {
        let scan = extract::scan(text, self.min_words);
        self.check_scan(path, scan)
    }

    pub fn check_scan(&self, path: &Path, scan: NoteScan) -> Result<Vec<QuoteResult>, CheckError> {
        check_quotes(
            &self.index,
            &self.workspace.root,
            path,
            scan.quotes,
            &self.options,
        )
    }
}

/// Check already extracted quotations against any retriever.
pub fn check_quotes(
    retriever: &dyn Retriever,
    root: &Path,
    note_path: &Path,
    quotes: Vec<Quote>,
    options: &MatchOptions,
) -> Result<Vec<QuoteResult>, CheckError> {
    let mut out = Vec::with_capacity(quotes.len());
    for quote in quotes {
        let (cited, resolved) = match quote.citations.first() {
            None => (None, Cited::None),
            Some(c) => match &c.target {
                CitationTarget::Key(k) => {
                    (Some(k.clone()), Cited::Paths(retriever.resolve_key(k)?))
                }
                CitationTarget::Link(dest) => {
                    let target = resolve_link(root, note_path, dest);
                    match retriever.source_info(&target)? {
                        Some(_) => (Some(dest.clone()), Cited::Paths(vec![target])),
                        // A link to something that is not a source is not a citation.
                        None => (None, Cited::None),
                    }
                }
            },
        };
        let verdict = matcher::check(retriever, &quote.text, &resolved, options)?;
        out.push(QuoteResult {
            quote,
            cited,
            verdict,
        });
    }
    Ok(out)
}

/// A link destination in a note, as a source path like the index stores it.
pub fn resolve_link(root: &Path, note_path: &Path, dest: &str) -> String {
    let dest = percent_decode(dest);
    let base = crate::config::absolute(note_path);
    let dir = base
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.to_path_buf());
    let full: PathBuf = if dest.starts_with('/') {
        root.join(dest.trim_start_matches('/'))
    } else {
        dir.join(&dest)
    };
    corpus::discover::display_path(&crate::config::absolute(&full), root)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
