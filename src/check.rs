//! Checking notes: the one entry point both front ends use. Opens and refreshes the index
//! for a workspace, scans a note for quotations, resolves their citations and asks the
//! matcher for a verdict on each. Results are plain data in byte offsets.

use crate::cancel::CancelFlag;
use crate::config::{ConfigError, Workspace};
use crate::corpus::{self, SourceFile, Warning};
use crate::index::{
    IndexError, RefreshOptions, RefreshReport, Retriever, SourceIndex, DEFAULT_LOCK_TIMEOUT,
};
use crate::quotes::cache::VerdictCache;
use crate::quotes::extract::{self, Citation, CitationTarget, NoteScan, Quote};
use crate::quotes::matcher::{self, Cited, MatchOptions};
use crate::quotes::verdict::Verdict;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Anything that stops a check.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The check was cancelled (its [`CancelFlag`] raised) before it finished.
    #[error("cancelled")]
    Cancelled,
}

/// A quotation and its verdict.
#[derive(Debug, Clone)]
pub struct QuoteResult {
    pub quote: Quote,
    /// The citation as written (`key` of `[@key]`, or the link destination), if any.
    pub cited: Option<String>,
    pub verdict: Verdict,
}

impl QuoteResult {
    /// The quick fix for a mismatch: what replaces the quotation's bytes in `note` (the text
    /// it was scanned from) so that it reads as the source. Only the words that differ change;
    /// the note's line breaks, blockquote markers and markup between them stay as they are.
    pub fn replacement(&self, note: &str) -> Option<String> {
        let m = self.verdict.best.as_ref()?;
        m.suggestion.as_ref()?;
        let quote = &self.quote;
        let mut out = String::new();
        let mut at = quote.range.start;
        for (r, with) in &m.edits {
            let in_note = quote.note_range(r.clone());
            if in_note.start < at || in_note.end > quote.range.end {
                return None;
            }
            out.push_str(note.get(at..in_note.start)?);
            out.push_str(with);
            at = in_note.end;
        }
        out.push_str(note.get(at..quote.range.end)?);
        Some(out)
    }
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
    /// How long an update waits for another process that writes the index.
    lock_timeout: Duration,
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

impl OpenReport {
    /// Why the index must not be checked with, if so: it could not be brought up to date
    /// ([`RefreshReport::stale`]) and it was never completely built, so sources may be
    /// missing from it and their quotations would all be reported "not found". (A stale
    /// index that was completely built is usable: it answers as of its last update.)
    pub fn unusable(&self) -> Option<String> {
        let r = &self.refresh;
        let stale = r.stale.as_ref()?;
        (!r.complete).then(|| {
            format!(
                "the index was never completely built ({} sources in it so far), and it cannot be built now: {stale}",
                r.sources
            )
        })
    }
}

impl Checker {
    /// Open the workspace's index and bring it up to date with the sources. Finding no
    /// source at all is not an error here (see [`OpenReport::no_sources`]).
    pub fn open(
        workspace: Workspace,
        source_overrides: &[String],
    ) -> Result<(Checker, OpenReport), CheckError> {
        Checker::open_with(workspace, source_overrides, DEFAULT_LOCK_TIMEOUT)
    }

    /// [`Checker::open`], waiting at most `lock_timeout` for another process that is writing
    /// the index (then [`RefreshReport::stale`] says so, and [`OpenReport::unusable`] whether
    /// the index may be checked with as it is).
    pub fn open_with(
        workspace: Workspace,
        source_overrides: &[String],
        lock_timeout: Duration,
    ) -> Result<(Checker, OpenReport), CheckError> {
        let (mut checker, messages) = Checker::open_as_is(workspace, source_overrides)?;
        checker.lock_timeout = lock_timeout;
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
        let cache = workspace.cache_folder().map_err(IndexError::from)?;
        let (index, messages) = SourceIndex::open(&cache)?;
        let options = MatchOptions {
            mismatch_similarity: workspace.config.mismatch_similarity,
            ..Default::default()
        };
        let min_words = workspace.config.min_words;
        let specs = workspace.sources_and_web_folder(source_overrides);
        let checker = Checker {
            workspace,
            index,
            options,
            min_words,
            specs,
            exclude,
            verdicts: VerdictCache::default(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
        };
        Ok((checker, messages))
    }

    /// Walk the source folders again and bring the index up to date.
    pub fn refresh(&self) -> Result<OpenReport, CheckError> {
        let found = self.discover_sources();
        self.refresh_with(found)
    }

    /// The source files on disk now, and problems finding them (read only: the language
    /// server walks while checks go on, then refreshes with the result).
    pub fn discover_sources(&self) -> (Vec<SourceFile>, Vec<Warning>) {
        let (files, mut warnings) = corpus::discover(
            &self.specs,
            &self.workspace.root,
            &self.exclude,
            self.workspace.walk_options(),
        );
        // The web folder is made by the first `sourced archive`: until then it is no news.
        warnings.retain(|w| {
            !(self.workspace.is_web_folder(&w.path) && !self.workspace.web_folder().exists())
        });
        (files, warnings)
    }

    /// Bring the index up to date with the files [`Checker::discover_sources`] found.
    pub fn refresh_with(
        &self,
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
                self.specs
                    .iter()
                    .filter(|s| !self.workspace.is_web_folder(s))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
                self.workspace.root.display()
            ));
        }
        report.refresh = refresh;
        report.warnings = warnings;
        Ok(report)
    }

    /// Re-index just these files (changed, created or deleted on disk); paths outside the
    /// sources are ignored.
    pub fn update_files(&self, paths: &[PathBuf]) -> Result<RefreshReport, CheckError> {
        let root = &self.workspace.root;
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        for p in paths {
            let p = crate::config::absolute(p);
            if !corpus::discover::is_under(&p, &self.specs, root, &self.exclude) {
                continue;
            }
            match corpus::discover::source_file(&p, root, self.workspace.config.follow_links) {
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
            read: corpus::ReadLimits {
                max_bytes: self.workspace.max_file_bytes(),
                follow_links: self.workspace.config.follow_links,
                reader: corpus::isolate::Bounds::of(&self.workspace.config),
            },
            lock_timeout: self.lock_timeout,
            ..Default::default()
        }
    }

    /// Scan and check a note whose text is `text` (read from `path`, which locates relative
    /// links).
    pub fn check_note(&self, path: &Path, text: &str) -> Result<Vec<QuoteResult>, CheckError> {
        let scan = extract::scan(text, self.min_words);
        self.check_scan(path, scan)
    }

    /// The citations of a note that name no source (see [`unknown_citations`]).
    pub fn unknown_citations(
        &self,
        path: &Path,
        citations: &[Citation],
    ) -> Result<Vec<UnknownCitation>, CheckError> {
        let root = &self.workspace.root;
        let in_sources = |p: &Path| corpus::discover::is_under(p, &self.specs, root, &self.exclude);
        unknown_citations(&self.index, root, path, citations, &in_sources)
    }

    pub fn check_scan(&self, path: &Path, scan: NoteScan) -> Result<Vec<QuoteResult>, CheckError> {
        self.check_scan_until(path, scan, &CancelFlag::new())
    }

    /// [`Checker::check_scan`] that gives up with [`CheckError::Cancelled`] once `cancel` is
    /// raised.
    pub fn check_scan_until(
        &self,
        path: &Path,
        scan: NoteScan,
        cancel: &CancelFlag,
    ) -> Result<Vec<QuoteResult>, CheckError> {
        // Verdicts remembered from another state of the index are forgotten.
        self.verdicts.sync(self.index.state());
        check_quotes_with(
            &self.index,
            &self.workspace.root,
            path,
            scan.quotes,
            &self.options,
            Some(&self.verdicts),
            cancel,
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
    check_quotes_with(
        retriever,
        root,
        note_path,
        quotes,
        options,
        None,
        &CancelFlag::new(),
    )
}

/// [`check_quotes`], reusing and remembering verdicts in `cache` (which must belong to this
/// retriever and these options, and be [synced](VerdictCache::sync) to its state).
///
/// `cancel` is read before each quotation and, inside one, between retrievals and on every
/// row of its alignment: once raised, the check ends with [`CheckError::Cancelled`] within one
/// row. Memory: each of rayon's threads aligns one quotation at a time, within
/// [`crate::quotes::align::MAX_ALIGN_BYTES`] (48 MiB), however long the quotation.
pub fn check_quotes_with(
    retriever: &dyn Retriever,
    root: &Path,
    note_path: &Path,
    quotes: Vec<Quote>,
    options: &MatchOptions,
    cache: Option<&VerdictCache>,
    cancel: &CancelFlag,
) -> Result<Vec<QuoteResult>, CheckError> {
    // Quotations are independent: checked in parallel (rayon's pool), results in note order.
    let check_one = |quote: Quote| -> Result<QuoteResult, CheckError> {
        if cancel.is_cancelled() {
            return Err(CheckError::Cancelled);
        }
        let resolved = resolve_citations(retriever, root, note_path, &quote.citations)?;
        let known: Vec<&(String, Vec<String>)> =
            resolved.iter().filter(|(_, p)| !p.is_empty()).collect();
        // Every known citation of the quotation counts; unknown ones are reported apart
        // (see `unknown_citations`) and the quotation is judged as if they were not there.
        let cited_paths = if known.is_empty() {
            Cited::None
        } else {
            let mut paths: Vec<String> = known.iter().flat_map(|(_, p)| p.clone()).collect();
            paths.sort();
            paths.dedup();
            Cited::Paths(paths)
        };
        let verdict = match cache.and_then(|c| c.get(&quote.text, &cited_paths)) {
            Some(v) => v,
            None => {
                let v = matcher::check_until(retriever, &quote.text, &cited_paths, options, cancel)
                    .map_err(|e| match e {
                        matcher::MatchError::Index(e) => CheckError::Index(e),
                        matcher::MatchError::Cancelled => CheckError::Cancelled,
                    })?;
                if let Some(c) = cache {
                    c.insert(&quote.text, &cited_paths, &v);
                }
                v
            }
        };
        // The citation shown: the one whose source holds the passage, else the first known.
        let cited = verdict
            .best
            .as_ref()
            .and_then(|m| known.iter().find(|(_, p)| p.contains(&m.path)))
            .or(known.first())
            .map(|(written, _)| written.clone());
        Ok(QuoteResult {
            quote,
            cited,
            verdict,
        })
    };
    quotes.into_par_iter().map(check_one).collect()
}

/// Each citation as written (the key, or the link destination) with the sources it names;
/// none for a key no source has or a link to a file that is not a source.
fn resolve_citations(
    retriever: &dyn Retriever,
    root: &Path,
    note_path: &Path,
    citations: &[Citation],
) -> Result<Vec<(String, Vec<String>)>, CheckError> {
    let mut out = Vec::with_capacity(citations.len());
    for c in citations {
        let paths = match &c.target {
            CitationTarget::Key(k) => retriever.resolve_key(k)?,
            // The newest capture of the page is the one a quotation is judged against.
            CitationTarget::Url(url) => retriever.resolve_url(url)?.into_iter().take(1).collect(),
            CitationTarget::Link(dest) => {
                let target = resolve_link(root, note_path, dest);
                match retriever.source_info(&target)? {
                    Some(_) => vec![target],
                    None => Vec::new(),
                }
            }
        };
        out.push((c.written().to_string(), paths));
    }
    Ok(out)
}

/// A citation that names no source: a key no source has as its file stem or `id`, or a link
/// to a file that does not exist. (A link to an existing file that is not a source, another
/// note say, is not a citation at all.)
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownCitation {
    pub citation: Citation,
    /// The key or link destination as written.
    pub written: String,
    /// Sources it may have meant, nearest first: their key and title.
    pub nearest: Vec<(String, Option<String>)>,
}

impl UnknownCitation {
    /// What a person reads: what names nothing, and the sources it may have meant.
    pub fn message(&self) -> String {
        let what = match &self.citation.target {
            CitationTarget::Key(k) => {
                format!("unknown citation key ‘{k}’: no source has this file name or id")
            }
            CitationTarget::Link(l) => format!("citation of a missing file ‘{l}’"),
            CitationTarget::Url(u) => format!(
                "no capture of ‘{u}’ among the sources: the quotation is checked against \
                 every source (`sourced archive {u}` keeps a copy of the page)"
            ),
        };
        if self.nearest.is_empty() {
            return what;
        }
        let hints: Vec<String> = self
            .nearest
            .iter()
            .map(|(key, title)| match title {
                Some(t) => format!("[@{key}] (“{t}”)"),
                None => format!("[@{key}]"),
            })
            .collect();
        format!("{what}; did you mean {}?", hints.join(" or "))
    }
}

/// How many sources an unknown citation suggests at most.
const NEAREST_KEYS: usize = 3;

/// The citations of a note that name no source, with the sources they may have meant.
/// `in_sources` says whether a path lies in the source folders (links elsewhere are no
/// citations).
pub fn unknown_citations(
    retriever: &dyn Retriever,
    root: &Path,
    note_path: &Path,
    citations: &[Citation],
    in_sources: &dyn Fn(&Path) -> bool,
) -> Result<Vec<UnknownCitation>, CheckError> {
    let resolved = resolve_citations(retriever, root, note_path, citations)?;
    let mut out = Vec::new();
    let mut sources = None;
    for (c, (written, paths)) in citations.iter().zip(resolved) {
        if !paths.is_empty() {
            continue;
        }
        if let CitationTarget::Link(dest) = &c.target {
            // Only a link into the source folders that names no source is a citation of a
            // missing file; a link elsewhere (another note) is no citation. Decided from the
            // paths alone: nothing on disk is looked at.
            let target = crate::config::absolute(&root.join(resolve_link(root, note_path, dest)));
            if !in_sources(&target) {
                continue;
            }
        }
        let all = match &mut sources {
            Some(all) => all,
            None => sources.insert(retriever.sources()?),
        };
        out.push(UnknownCitation {
            citation: c.clone(),
            nearest: nearest_sources(&written, all),
            written,
        });
    }
    Ok(out)
}

/// The sources a mistyped citation may mean: keys spelled alike, or a Pandoc/BibTeX-style
/// key (`lendman2021`) whose name part is an author's surname or a title's word.
fn nearest_sources(
    written: &str,
    sources: &[crate::index::SourceInfo],
) -> Vec<(String, Option<String>)> {
    let name = written.rsplit('/').next().unwrap_or(written);
    let name = name
        .rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_lowercase();
    let letters: String = name.chars().take_while(|c| c.is_alphabetic()).collect();
    let mut scored: Vec<(f64, String, Option<String>)> = Vec::new();
    for s in sources {
        let key = s.keys.first().cloned().unwrap_or_else(|| s.path.clone());
        let spelled = s
            .keys
            .iter()
            .map(|k| strsim::jaro_winkler(&name, &k.to_lowercase()))
            .fold(0.0, f64::max);
        let named = letters.len() >= 3
            && [s.meta.author.as_deref(), s.meta.title.as_deref()]
                .into_iter()
                .flatten()
                .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
                .any(|w| w.to_lowercase() == letters);
        let score = if named { 1.0 } else { spelled };
        if score >= 0.8 {
            scored.push((score, key, s.meta.title.clone()));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(NEAREST_KEYS)
        .map(|(_, k, t)| (k, t))
        .collect()
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
