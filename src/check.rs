//! Checking notes: the one entry point both front ends use. Opens and refreshes the index
//! for a workspace, scans a note for quotations, resolves their citations and asks the
//! matcher for a verdict on each. Results are plain data in byte offsets.

use crate::config::{ConfigError, Workspace};
use crate::corpus::{self, SourceFile, Warning};
use crate::index::{IndexError, RefreshOptions, RefreshReport, Retriever, SourceIndex};
use crate::quotes::cache::VerdictCache;
use crate::quotes::extract::{self, CitationTarget, NoteScan, Quote};
use crate::quotes::matcher::{self, Cited, MatchOptions};
use crate::quotes::verdict::Verdict;
use rayon::prelude::*;
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
    index: SourceIndex,
    options: MatchOptions,
    pub min_words: usize,
    /// Source folders, files or globs in effect.
    pub specs: Vec<String>,
    exclude: globset::GlobSet,
    /// Verdicts of earlier checks against this index.
    verdicts: VerdictCache,
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
        let (mut checker, messages) = Checker::open_as_is(workspace, source_overrides)?;
        let mut report = checker.refresh()?;
        report.messages.splice(0..0, messages);
        Ok((checker, report))
    }

    /// Open the workspace's index as it was last written, without looking at the sources on
    /// disk (walking a large corpus takes seconds; opening takes milliseconds). The language
    /// server checks notes with it at once and calls [`Checker::refresh`] next. Returns
    /// messages about the index (rebuilt, and why).
    pub fn open_as_is(
        workspace: Workspace,
        source_overrides: &[String],
    ) -> Result<(Checker, Vec<String>), CheckError> {
        let exclude = workspace.exclude()?;
        let (index, messages) = SourceIndex::open(&workspace.index_dir())?;
        let options = MatchOptions {
            mismatch_similarity: workspace.config.mismatch_similarity,
            ..Default::default()
        };
        let min_words = workspace.config.min_words;
        let specs = workspace.sources(source_overrides);
        let checker = Checker {
            workspace,
            index,
            options,
            min_words,
            specs,
            exclude,
            verdicts: VerdictCache::default(),
        };
        Ok((checker, messages))
    }

    /// Walk the source folders again and bring the index up to date.
    pub fn refresh(&mut self) -> Result<OpenReport, CheckError> {
        let found = self.discover_sources();
        self.refresh_with(found)
    }

    /// The source files on disk now, and problems finding them (read only: the language
    /// server walks while checks go on, then refreshes with the result).
    pub fn discover_sources(&self) -> (Vec<SourceFile>, Vec<Warning>) {
        corpus::discover(&self.specs, &self.workspace.root, &self.exclude)
    }

    /// Bring the index up to date with the files [`Checker::discover_sources`] found.
    pub fn refresh_with(
        &mut self,
        (files, mut warnings): (Vec<SourceFile>, Vec<Warning>),
    ) -> Result<OpenReport, CheckError> {
        let mut report = OpenReport::default();
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

    /// The index (read only: changes go through [`Checker::refresh`] and
    /// [`Checker::update_files`], which know the workspace's options).
    pub fn index(&self) -> &SourceIndex {
        &self.index
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
        // Verdicts remembered from another state of the index are forgotten.
        self.verdicts.sync(self.index.state());
        check_quotes_with(
            &self.index,
            &self.workspace.root,
            path,
            scan.quotes,
            &self.options,
            Some(&self.verdicts),
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
    check_quotes_with(retriever, root, note_path, quotes, options, None)
}

/// [`check_quotes`], reusing and remembering verdicts in `cache` (which must belong to this
/// retriever and these options, and be [synced](VerdictCache::sync) to its state).
pub fn check_quotes_with(
    retriever: &dyn Retriever,
    root: &Path,
    note_path: &Path,
    quotes: Vec<Quote>,
    options: &MatchOptions,
    cache: Option<&VerdictCache>,
) -> Result<Vec<QuoteResult>, CheckError> {
    // Quotations are independent: checked in parallel (rayon's pool), results in note order.
    let check_one = |quote: Quote| -> Result<QuoteResult, CheckError> {
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
        let verdict = match cache.and_then(|c| c.get(&quote.text, &resolved)) {
            Some(v) => v,
            None => {
                let v = matcher::check(retriever, &quote.text, &resolved, options)?;
                if let Some(c) = cache {
                    c.insert(&quote.text, &resolved, &v);
                }
                v
            }
        };
        Ok(QuoteResult {
            quote,
            cited,
            verdict,
        })
    };
    quotes.into_par_iter().map(check_one).collect()
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
