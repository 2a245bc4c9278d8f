//! Checking notes: the one entry point both front ends use. Opens and refreshes the index
//! for a workspace, scans a note for quotations, resolves their citations and asks the
//! matcher for a verdict on each. Results are plain data in byte offsets.

use crate::bibliography::{self, BibCache, Bibliography};
use crate::cancel::CancelFlag;
use crate::config::{ConfigError, Workspace};
use crate::corpus::{self, SourceFile, Warning};
use crate::index::{
    IndexError, RefreshOptions, RefreshReport, Retriever, SourceIndex, DEFAULT_LOCK_TIMEOUT,
};
use crate::quotes::cache::VerdictCache;
use crate::quotes::extract::{self, Citation, CitationTarget, NoteScan, Quote};
use crate::quotes::matcher::{self, Cited, MatchOptions};
use crate::quotes::verdict::{Status, Verdict};
use crate::remote::{AllSources, RemoteArchive};
use crate::speaker_rules::SpeakerRules;
use crate::speakers::{Claim, SpeakerCheck, SpeakerVerdict};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The formats sources may have, as messages list them.
pub const SOURCE_FORMATS: &str =
    ".txt, .md, .html, .pdf, .docx, .srt, .vtt, .warc, .warc.gz, .wacz";

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
    /// Who said it, for a quotation whose note names a speaker and whose words were found
    /// (verified, mismatched, or misattributed). A wrong speaker also makes the verdict's
    /// status [`Status::WrongSpeaker`] (over verified or mismatch).
    pub speaker: Option<SpeakerResult>,
}

/// The speaker check of one quotation.
#[derive(Debug, Clone)]
pub struct SpeakerResult {
    /// Who the note says said it.
    pub claim: Claim,
    pub check: SpeakerCheck,
    /// The source the words were found in (display path): where `check.evidence` is.
    pub path: String,
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
    /// Whether `specs` are the default (`seeds` and the web folder): neither `sourced.toml`
    /// nor the caller names any source.
    pub default_sources: bool,
    exclude: globset::GlobSet,
    /// Verdicts of earlier checks against this index.
    verdicts: VerdictCache,
    /// How long an update waits for another process that writes the index.
    lock_timeout: Duration,
    /// Bibliography files read (again when they change).
    bibliographies: BibCache,
    /// `[[speaker]]` rules: who speaks each source's narration.
    speaker_rules: SpeakerRules,
    /// `[[remote]]` archives: search clusters whose documents are sources too.
    remotes: Vec<RemoteArchive>,
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
        let default_sources = source_overrides.is_empty() && workspace.config.sources.is_empty();
        let speaker_rules = SpeakerRules::compile(&workspace.config.speaker, &workspace.root)
            .map_err(|message| ConfigError::Parse {
                path: workspace
                    .file
                    .clone()
                    .unwrap_or_else(|| workspace.root.join(crate::config::FILE_NAME)),
                message,
            })?;
        let remotes = workspace
            .config
            .remote
            .iter()
            .map(|r| RemoteArchive::new(r, &workspace.root, Some(index.dir().to_path_buf())))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| IndexError::Remote(e.to_string()))?;
        let checker = Checker {
            remotes,
            workspace,
            index,
            options,
            min_words,
            specs,
            default_sources,
            exclude,
            verdicts: VerdictCache::default(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            bibliographies: BibCache::default(),
            speaker_rules,
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
        // Nor is a missing default folder (`seeds`) a problem with a file: with no source
        // named anywhere, it means "no sources", which `OpenReport::no_sources` says.
        let root = &self.workspace.root;
        warnings.retain(|w| {
            let missing_spec = self.specs.contains(&w.path) && !root.join(&w.path).exists();
            let web = self.workspace.is_web_folder(&w.path);
            !(missing_spec && (web || self.default_sources))
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
        if files.is_empty() && self.remotes.is_empty() {
            report.no_sources = Some(self.no_sources_message());
        }
        report.refresh = refresh;
        report.warnings = warnings;
        Ok(report)
    }

    /// Why there is no source to check with, for a workspace where none was found: no
    /// source named anywhere (no `sourced.toml` `sources`, and no default folder with
    /// documents), or none found where they are named.
    pub fn no_sources_message(&self) -> String {
        let root = self.workspace.root.display();
        let named: Vec<String> = self
            .specs
            .iter()
            .filter(|s| !self.workspace.is_web_folder(s))
            .cloned()
            .collect();
        if self.default_sources {
            let config = match &self.workspace.file {
                Some(f) => format!("{} names none", f.display()),
                None => format!("there is no {}", crate::config::FILE_NAME),
            };
            let folders: Vec<String> = named
                .iter()
                .map(|n| {
                    if self.workspace.root.join(n).exists() {
                        format!("{n}/ in {root} holds no source files")
                    } else {
                        format!("there is no {n}/ folder in {root}")
                    }
                })
                .collect();
            format!(
                "no sources configured: {config}, and {}",
                folders.join("; ")
            )
        } else {
            format!(
                "no source files ({}) found in {} (relative to {root})",
                SOURCE_FORMATS,
                named.join(", ")
            )
        }
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

    /// Where quotations are looked for: the local index and the `[[remote]]` archives.
    pub fn retriever(&self) -> AllSources<'_> {
        AllSources {
            local: &self.index,
            remotes: &self.remotes,
        }
    }

    /// What verdicts depend on: the index's state, and with archives the period of theirs
    /// (see [`crate::remote::archive::epoch`]): a verdict from an archive is worked out
    /// again once its searches are forgotten.
    fn state(&self) -> u64 {
        let local = self.index.state();
        if self.remotes.is_empty() {
            local
        } else {
            local ^ crate::remote::archive::epoch().wrapping_mul(0x9e37_79b9_7f4a_7c15)
        }
    }

    /// The `[[remote]]` archives.
    pub fn remotes(&self) -> &[RemoteArchive] {
        &self.remotes
    }

    /// Whether there is anything to check against: local sources, or an archive.
    pub fn has_sources(&self) -> bool {
        !self.remotes.is_empty() || self.index.source_count() > 0
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

    /// The bibliography of the workspace (`bibliography` in `sourced.toml`), read from disk
    /// again when its files have changed.
    pub fn workspace_bibliography(&self) -> Arc<Bibliography> {
        self.bibliographies
            .bibliography(&self.workspace.bibliography_files())
    }

    /// The bibliography a note's `[@key]`s use: the workspace's, then the files of the note's
    /// front matter `bibliography:` (relative to the note). The first entry of a key wins.
    pub fn note_bibliography(&self, note: &Path, text: &str) -> Arc<Bibliography> {
        let mut files = self.workspace.bibliography_files();
        for f in bibliography::front_matter::bibliographies(&crate::config::absolute(note), text) {
            if !files.contains(&f) {
                files.push(f);
            }
        }
        self.bibliographies.bibliography(&files)
    }

    /// Whether `path` is a bibliography file some check has read (the language server checks
    /// the notes again when one changes).
    pub fn reads_bibliography(&self, path: &Path) -> bool {
        self.bibliographies.has_read(&crate::config::absolute(path))
    }

    /// The sources a citation of the note at `path` names, as checking resolves it (see
    /// [`citation_sources`]).
    pub fn citation_sources(
        &self,
        path: &Path,
        citation: &Citation,
        bib: &Bibliography,
    ) -> Result<Vec<String>, CheckError> {
        let citing = Citing {
            root: &self.workspace.root,
            note_path: path,
            bibliography: bib,
            speakers: Some(&self.speaker_rules),
        };
        citation_sources(&self.retriever(), &citing, citation)
    }

    /// Scan and check a note whose text is `text` (read from `path`, which locates relative
    /// links and front matter bibliographies).
    pub fn check_note(&self, path: &Path, text: &str) -> Result<Vec<QuoteResult>, CheckError> {
        let scan = extract::scan(text, self.min_words);
        let bib = self.note_bibliography(path, text);
        self.check_scan_in(path, scan, &bib, &CancelFlag::new())
    }

    /// The citations of a note that name no source (see [`unknown_citations`]), with the
    /// workspace's bibliography.
    pub fn unknown_citations(
        &self,
        path: &Path,
        citations: &[Citation],
    ) -> Result<Vec<UnknownCitation>, CheckError> {
        self.unknown_citations_in(path, citations, &self.workspace_bibliography())
    }

    /// [`Checker::unknown_citations`] with the bibliography `bib` (see
    /// [`Checker::note_bibliography`]).
    pub fn unknown_citations_in(
        &self,
        path: &Path,
        citations: &[Citation],
        bib: &Bibliography,
    ) -> Result<Vec<UnknownCitation>, CheckError> {
        let root = &self.workspace.root;
        let in_sources = |p: &Path| corpus::discover::is_under(p, &self.specs, root, &self.exclude);
        let citing = Citing {
            root,
            note_path: path,
            bibliography: bib,
            speakers: Some(&self.speaker_rules),
        };
        unknown_citations_in(&self.retriever(), &citing, citations, &in_sources)
    }

    /// Check a scanned note with the workspace's bibliography.
    pub fn check_scan(&self, path: &Path, scan: NoteScan) -> Result<Vec<QuoteResult>, CheckError> {
        self.check_scan_in(
            path,
            scan,
            &self.workspace_bibliography(),
            &CancelFlag::new(),
        )
    }

    /// [`Checker::check_scan`] with the bibliography `bib` (see
    /// [`Checker::note_bibliography`]), giving up with [`CheckError::Cancelled`] once
    /// `cancel` is raised.
    pub fn check_scan_in(
        &self,
        path: &Path,
        scan: NoteScan,
        bib: &Bibliography,
        cancel: &CancelFlag,
    ) -> Result<Vec<QuoteResult>, CheckError> {
        // Verdicts remembered from another state of the index are forgotten.
        self.verdicts.sync(self.state());
        let citing = Citing {
            root: &self.workspace.root,
            note_path: path,
            bibliography: bib,
            speakers: Some(&self.speaker_rules),
        };
        check_quotes_in(
            &self.retriever(),
            &citing,
            scan.quotes,
            &self.options,
            Some(&self.verdicts),
            cancel,
        )
    }
}

/// Where a note's citations are resolved: the workspace root (source paths are relative to
/// it), the note (relative links start from it) and the bibliography its keys use.
#[derive(Clone, Copy)]
pub struct Citing<'a> {
    pub root: &'a Path,
    pub note_path: &'a Path,
    pub bibliography: &'a Bibliography,
    /// Who speaks each source's narration (`[[speaker]]`); `None`: the authors.
    pub speakers: Option<&'a SpeakerRules>,
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
    let citing = Citing {
        root,
        note_path,
        bibliography: &Bibliography::default(),
        speakers: None,
    };
    check_quotes_in(retriever, &citing, quotes, options, cache, cancel)
}

/// [`check_quotes_with`], resolving `[@key]`s through `citing`'s bibliography first.
pub fn check_quotes_in(
    retriever: &dyn Retriever,
    citing: &Citing,
    quotes: Vec<Quote>,
    options: &MatchOptions,
    cache: Option<&VerdictCache>,
    cancel: &CancelFlag,
) -> Result<Vec<QuoteResult>, CheckError> {
    // Each citation is resolved once (a DOI lookup reads the sources' metadata), before the
    // quotations are checked.
    let mut resolver = Resolver::new(retriever, citing);
    let mut resolved: HashMap<(bool, String), Resolution> = HashMap::new();
    for c in quotes.iter().flat_map(|q| &q.citations) {
        if let std::collections::hash_map::Entry::Vacant(v) = resolved.entry(target_id(&c.target)) {
            v.insert(resolver.resolve(c)?);
        }
    }
    // Quotations are independent: checked in parallel (rayon's pool), results in note order.
    let check_one = |quote: Quote| -> Result<QuoteResult, CheckError> {
        if cancel.is_cancelled() {
            return Err(CheckError::Cancelled);
        }
        let known: Vec<(&str, &[String])> = quote
            .citations
            .iter()
            .filter_map(|c| resolved.get(&target_id(&c.target)))
            .filter(|r| !r.paths.is_empty())
            .map(|r| (r.written.as_str(), r.paths.as_slice()))
            .collect();
        // Every known citation of the quotation counts; unknown ones are reported apart
        // (see `unknown_citations`) and the quotation is judged as if they were not there.
        let cited_paths = if known.is_empty() {
            Cited::None
        } else {
            let mut paths: Vec<String> = known.iter().flat_map(|(_, p)| p.to_vec()).collect();
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
            .map(|(written, _)| written.to_string());
        let mut verdict = verdict;
        let speaker = speaker_of(retriever, citing, &quote, &verdict)?;
        if speaker
            .as_ref()
            .is_some_and(|s| s.check.verdict == SpeakerVerdict::Wrong)
            && matches!(verdict.status, Status::Verified | Status::Mismatch)
        {
            verdict.status = Status::WrongSpeaker;
        }
        Ok(QuoteResult {
            quote,
            cited,
            verdict,
            speaker,
        })
    };
    quotes.into_par_iter().map(check_one).collect()
}

/// The speaker check of a quotation whose note names a speaker, against the source where
/// its words were found; `None` without a claim, or when the words were not found.
fn speaker_of(
    retriever: &dyn Retriever,
    citing: &Citing,
    quote: &Quote,
    verdict: &Verdict,
) -> Result<Option<SpeakerResult>, CheckError> {
    let (Some(claim), Some(best)) = (&quote.claim, &verdict.best) else {
        return Ok(None);
    };
    // `She said “…”` with nobody named before it in the note: nothing to check.
    if claim.kind == crate::speakers::SpeakerKind::Pronoun && claim.name.is_none() {
        return Ok(None);
    }
    if !matches!(
        verdict.status,
        Status::Verified | Status::Mismatch | Status::Misattributed
    ) {
        return Ok(None);
    }
    let facts = retriever.speaker_facts(&best.path)?.unwrap_or_default();
    let narrator = match citing.speakers {
        Some(rules) => rules.narrator(&best.path, &facts.meta),
        None => SpeakerRules::default().narrator(&best.path, &facts.meta),
    };
    let said = facts.speakers.said(best.range.clone());
    let check = crate::speakers::compare(claim, said, narrator.as_ref(), &facts.found, None);
    Ok(Some(SpeakerResult {
        claim: claim.clone(),
        check,
        path: best.path.clone(),
    }))
}

/// The sources a citation names (display paths, as the index stores them): for a `[@key]`,
/// those of its bibliography entry, else the sources with that key; for a link, the source
/// it names. Empty when it names none.
pub fn citation_sources(
    retriever: &dyn Retriever,
    citing: &Citing,
    citation: &Citation,
) -> Result<Vec<String>, CheckError> {
    Ok(Resolver::new(retriever, citing).resolve(citation)?.paths)
}

/// A citation target as a map key: whether it is a `[@key]`, and the key or destination.
fn target_id(t: &CitationTarget) -> (bool, String) {
    match t {
        CitationTarget::Key(k) => (true, k.clone()),
        CitationTarget::Link(l) | CitationTarget::Url(l) => (false, l.clone()),
    }
}

/// What a citation names: the sources, and for a key, the bibliography entry it is.
#[derive(Debug, Clone)]
struct Resolution {
    /// The key or link destination as written.
    written: String,
    /// The sources it names (display paths, as the index stores them); empty for none.
    paths: Vec<String>,
    /// The bibliography file of the key's entry, if the key is one.
    entry_in: Option<PathBuf>,
}

/// Resolves citations for one note: a `[@key]` through its bibliography entry (its files,
/// DOI, URL), else through the sources' own keys (file stem, front matter `id`); a link
/// through the file it names.
struct Resolver<'a> {
    retriever: &'a dyn Retriever,
    citing: &'a Citing<'a>,
    /// The sources by DOI, read once when an entry first needs it.
    dois: Option<HashMap<String, Vec<String>>>,
}

impl<'a> Resolver<'a> {
    fn new(retriever: &'a dyn Retriever, citing: &'a Citing<'a>) -> Self {
        Resolver {
            retriever,
            citing,
            dois: None,
        }
    }

    fn resolve(&mut self, c: &Citation) -> Result<Resolution, CheckError> {
        let written = c.written().to_string();
        let (paths, entry_in) = match &c.target {
            CitationTarget::Key(k) => {
                let entry = self.citing.bibliography.get(k);
                let mut paths = match entry {
                    Some(e) => self.entry_sources(e)?,
                    None => Vec::new(),
                };
                if paths.is_empty() {
                    paths = self.retriever.resolve_key(k)?;
                }
                (paths, entry.map(|e| e.origin.path.clone()))
            }
            // The newest capture of the page is the one a quotation is judged against.
            CitationTarget::Url(url) => (self.newest_capture(url)?, None),
            CitationTarget::Link(dest) => {
                let target = resolve_link(self.citing.root, self.citing.note_path, dest);
                match self.retriever.source_info(&target)? {
                    Some(_) => (vec![target], None),
                    None => (Vec::new(), None),
                }
            }
        };
        Ok(Resolution {
            written,
            paths,
            entry_in,
        })
    }

    /// The sources a bibliography entry names, sorted: its files that are indexed sources,
    /// the sources whose metadata has its DOI, and the newest capture of its URL.
    fn entry_sources(&mut self, e: &bibliography::Entry) -> Result<Vec<String>, CheckError> {
        let mut out = Vec::new();
        for target in e.targets() {
            match target {
                bibliography::Target::File(f) => {
                    let p = corpus::discover::display_path(f, self.citing.root);
                    if self.retriever.source_info(&p)?.is_some() {
                        out.push(p);
                    }
                }
                bibliography::Target::Doi(doi) => {
                    if let Some(paths) = self.dois()?.get(doi) {
                        out.extend(paths.iter().cloned());
                    }
                }
                // The newest capture of the entry's page, as for a `[text](url)` citation.
                bibliography::Target::Url(url) => {
                    out.extend(self.newest_capture(url)?);
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The newest capture of the page at `url`, if any: what a citation of it names.
    fn newest_capture(&self, url: &str) -> Result<Vec<String>, CheckError> {
        Ok(self
            .retriever
            .resolve_url(url)?
            .into_iter()
            .take(1)
            .collect())
    }

    fn dois(&mut self) -> Result<&HashMap<String, Vec<String>>, CheckError> {
        if self.dois.is_none() {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for s in self.retriever.sources()? {
                if let Some(d) = &s.meta.doi {
                    map.entry(d.clone()).or_default().push(s.path.clone());
                }
            }
            self.dois = Some(map);
        }
        Ok(self.dois.get_or_insert_with(HashMap::new))
    }
}

/// A citation that names no source: a key that is no bibliography entry and no source's file
/// stem or `id`, a key whose bibliography entry names no source, or a link to a file that
/// does not exist. (A link to an existing file that is not a source, another note say, is not
/// a citation at all.)
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownCitation {
    pub citation: Citation,
    /// The key or link destination as written.
    pub written: String,
    /// Keys it may have meant (bibliography entries and sources), nearest first: the key and
    /// title.
    pub nearest: Vec<(String, Option<String>)>,
    /// Set when the key is an entry of this bibliography file, but none of the entry's
    /// files, DOI or URL is a source (and no source has the key).
    pub entry_in: Option<PathBuf>,
    /// Whether any bibliography was in use (the message says where the key was looked for).
    pub with_bibliography: bool,
}

/// What kind of unknown citation, as the JSON report and diagnostics name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownKind {
    /// A key in no bibliography and of no source.
    UnknownKey,
    /// A key of a bibliography entry that names no source.
    EntryWithoutSource,
    /// A link to a missing file.
    MissingFile,
    /// A link to a web page no source captured.
    UncapturedPage,
}

impl UnknownKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownKind::UnknownKey => "unknown-key",
            UnknownKind::EntryWithoutSource => "entry-without-source",
            UnknownKind::MissingFile => "missing-file",
            UnknownKind::UncapturedPage => "uncaptured-page",
        }
    }
}

impl UnknownCitation {
    pub fn kind(&self) -> UnknownKind {
        match (&self.citation.target, &self.entry_in) {
            (CitationTarget::Link(_), _) => UnknownKind::MissingFile,
            (CitationTarget::Url(_), _) => UnknownKind::UncapturedPage,
            (CitationTarget::Key(_), Some(_)) => UnknownKind::EntryWithoutSource,
            (CitationTarget::Key(_), None) => UnknownKind::UnknownKey,
        }
    }

    /// What a person reads: what names nothing ([`Self::problem`]), and the keys it may
    /// have meant.
    pub fn message(&self) -> String {
        let what = self.problem();
        let entry_without_source = self.kind() == UnknownKind::EntryWithoutSource;
        if self.nearest.is_empty() || entry_without_source {
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

    /// What names nothing, without the keys it may have meant.
    pub fn problem(&self) -> String {
        match (&self.citation.target, &self.entry_in) {
            (CitationTarget::Key(k), Some(bib)) => {
                let name = bib.file_name().unwrap_or(bib.as_os_str()).to_string_lossy();
                format!(
                    "‘{k}’ is in {name} but none of its files, URL or DOI is a source \
                     (and no source has this file name or id)"
                )
            }
            (CitationTarget::Key(k), None) if self.with_bibliography => format!(
                "unknown citation key ‘{k}’: in no bibliography, and no source has this file name or id"
            ),
            (CitationTarget::Key(k), None) => {
                format!("unknown citation key ‘{k}’: no source has this file name or id")
            }
            (CitationTarget::Link(l), _) => format!("citation of a missing file ‘{l}’"),
            (CitationTarget::Url(u), _) => format!(
                "no capture of ‘{u}’ among the sources: the quotation is checked against \
                 every source (`sourced archive {u}` keeps a copy of the page)"
            ),
        }
    }
}

/// How many keys an unknown citation suggests at most.
const NEAREST_KEYS: usize = 3;

/// The citations of a note that name no source, with the sources they may have meant (no
/// bibliography). `in_sources` says whether a path lies in the source folders (links
/// elsewhere are no citations).
pub fn unknown_citations(
    retriever: &dyn Retriever,
    root: &Path,
    note_path: &Path,
    citations: &[Citation],
    in_sources: &dyn Fn(&Path) -> bool,
) -> Result<Vec<UnknownCitation>, CheckError> {
    let citing = Citing {
        root,
        note_path,
        bibliography: &Bibliography::default(),
        speakers: None,
    };
    unknown_citations_in(retriever, &citing, citations, in_sources)
}

/// [`unknown_citations`], with `citing`'s bibliography: its keys are known, and suggested.
pub fn unknown_citations_in(
    retriever: &dyn Retriever,
    citing: &Citing,
    citations: &[Citation],
    in_sources: &dyn Fn(&Path) -> bool,
) -> Result<Vec<UnknownCitation>, CheckError> {
    let (root, note_path) = (citing.root, citing.note_path);
    let mut resolver = Resolver::new(retriever, citing);
    let mut out = Vec::new();
    let mut sources = None;
    for c in citations {
        let r = resolver.resolve(c)?;
        if !r.paths.is_empty() {
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
        let nearest = if r.entry_in.is_some() {
            // The key is right; what is missing is its source.
            Vec::new()
        } else {
            let all = match &mut sources {
                Some(all) => all,
                None => sources.insert(retriever.sources()?),
            };
            nearest_keys(&r.written, all, citing.bibliography)
        };
        out.push(UnknownCitation {
            citation: c.clone(),
            nearest,
            written: r.written,
            entry_in: r.entry_in,
            with_bibliography: !citing.bibliography.is_empty(),
        });
    }
    Ok(out)
}

/// The keys a mistyped citation may mean, bibliography entries and sources alike: keys
/// spelled alike, or a Pandoc/BibTeX-style key (`lendman2021`) whose name part is an
/// author's surname or a title's word.
fn nearest_keys(
    written: &str,
    sources: &[crate::index::SourceInfo],
    bib: &Bibliography,
) -> Vec<(String, Option<String>)> {
    let name = written.rsplit('/').next().unwrap_or(written);
    let name = name
        .rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_lowercase();
    let letters: String = name.chars().take_while(|c| c.is_alphabetic()).collect();
    let score = |keys: &mut dyn Iterator<Item = &str>, names: &[Option<&str>]| {
        let spelled = keys
            .map(|k| strsim::jaro_winkler(&name, &k.to_lowercase()))
            .fold(0.0, f64::max);
        let named = letters.len() >= 3
            && names
                .iter()
                .flatten()
                .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
                .any(|w| w.to_lowercase() == letters);
        if named {
            1.0
        } else {
            spelled
        }
    };
    let mut scored: Vec<(f64, String, Option<String>)> = Vec::new();
    for e in bib.entries() {
        let mut names: Vec<Option<&str>> = e.authors.iter().map(|a| Some(a.as_str())).collect();
        names.push(e.title.as_deref());
        let sc = score(&mut std::iter::once(e.key.as_str()), &names);
        if sc >= 0.8 {
            scored.push((sc, e.key.clone(), e.title.clone()));
        }
    }
    for s in sources {
        let key = s.keys.first().cloned().unwrap_or_else(|| s.path.clone());
        let sc = score(
            &mut s.keys.iter().map(String::as_str),
            &[s.meta.author.as_deref(), s.meta.title.as_deref()],
        );
        if sc >= 0.8 {
            scored.push((sc, key, s.meta.title.clone()));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for (_, k, t) in scored {
        if out.len() == NEAREST_KEYS {
            break;
        }
        if !out.iter().any(|(o, _)| *o == k) {
            out.push((k, t));
        }
    }
    out
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
