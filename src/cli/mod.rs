//! The command line: `sourced check`, `sourced index`, `sourced archive`, `sourced init`,
//! `sourced lsp`.
//!
//! Exit codes: 0 every quote verified, 1 some quote is not, 2 usage or I/O errors, and an
//! index that cannot be used (never completely built, and another process holds its writer
//! or its folder cannot be written): no verdicts are given from an incomplete index.

pub mod archive;
pub mod demo;
pub mod entities;
pub mod github;
pub mod html;
pub mod human;
pub mod init;
pub mod report;
pub mod sarif;

use crate::check::{Checker, OpenReport};
use crate::config::{self, Workspace};
use clap::{Parser, Subcommand, ValueEnum};
use report::{Positions, Report};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "sourced",
    version,
    about = "Check quotations in Markdown notes against a folder of sources"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check every quotation in the notes against the sources.
    Check(CheckArgs),
    /// Build or refresh the index of the sources, and report what changed; with `--remote`,
    /// load the sources into that search cluster too.
    Index(IndexArgs),
    /// List the named entities of the sources (persons, organisations, places).
    Entities(entities::EntitiesArgs),
    /// Fetch web pages into the workspace as WARC files (the network is used only here).
    Archive(archive::ArchiveArgs),
    /// Write the sample workspace (five articles and a note, built in) to a folder and
    /// check it there: the main job from anywhere.
    Demo(demo::DemoArgs),
    /// Write a commented sourced.toml that names the folders of source documents found.
    Init(init::InitArgs),
    /// Run the language server over stdio.
    Lsp {
        /// Accepted for compatibility with editor clients; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Internal: parse a PDF read from standard input, bounded as JOB says (see
    /// `corpus::isolate`).
    #[command(name = "extract-pdf", hide = true)]
    ExtractPdf { job: String },
}

#[derive(clap::Args, Debug, Clone)]
pub struct SourceArgs {
    /// Source folder, file or glob (repeatable). Default: `sources` in sourced.toml, else `seeds/`.
    #[arg(long = "sources", value_name = "DIR")]
    pub sources: Vec<String>,
    /// Use this configuration file instead of looking for sourced.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How long to wait for another sourced process that is writing the index (an editor's
    /// language server, another `sourced index`), in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, value_parser = lock_timeout)]
    pub lock_timeout: f64,
}

#[derive(clap::Args, Debug, Clone)]
pub struct IndexArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Also load the sources into the search cluster of this `[[remote]]` (creating its
    /// index with a mapping made for quotations); only what changed is sent.
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
}

/// A `--lock-timeout`: seconds, not negative.
fn lock_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(t) if (0.0..1e9).contains(&t) => Ok(t),
        _ => Err(format!("not a number of seconds: {s}")),
    }
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Note files or folders (default: the notes under the current folder).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Quotations with fewer words are scare quotes and are not checked (default 4).
    #[arg(long, value_name = "N")]
    pub min_words: Option<usize>,
    /// Also list verified quotes (human format).
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Html,
}

/// Parse arguments, run, and return the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Index(args) => run_index(args),
        Command::Entities(args) => entities::run(args),
        Command::Archive(args) => archive::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Init(args) => init::run(args),
        Command::ExtractPdf { job } => Ok(crate::corpus::isolate::serve(&job)),
        Command::Lsp { .. } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(anyhow::Error::from)
            .map(|rt| {
                let code = rt.block_on(crate::lsp::run_stdio());
                // Reading stdin holds a thread that would keep the runtime (and the process)
                // alive when the client keeps stdin open after `exit`: do not wait for it.
                rt.shutdown_background();
                code
            }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sourced: error: {e:#}");
            2
        }
    }
}

/// The workspace of `start` (the first note given, else the current folder); without a
/// `sourced.toml` there or above, the current folder is the root, as the README says.
fn workspace(args: &SourceArgs, start: &Path) -> anyhow::Result<Workspace> {
    Ok(match &args.config {
        Some(file) => Workspace::load(file)?,
        None => Workspace::discover_or(start, &std::env::current_dir()?)?,
    })
}

fn open(
    args: &SourceArgs,
    start: &Path,
    min_words: Option<usize>,
) -> anyhow::Result<(Checker, OpenReport)> {
    let mut ws = workspace(args, start)?;
    if let Some(n) = min_words {
        ws.config.min_words = n;
    }
    // --sources are relative to the current folder, not to the workspace root.
    let cwd = std::env::current_dir()?;
    let overrides: Vec<String> = args
        .sources
        .iter()
        .map(|s| {
            config::absolute(&cwd.join(s))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let wait = std::time::Duration::from_secs_f64(args.lock_timeout);
    let (checker, report) = Checker::open_with(ws, &overrides, wait)?;
    let stale = report.refresh.stale.as_ref();
    for m in report.messages.iter().filter(|m| Some(*m) != stale) {
        eprintln!("sourced: {m}");
    }
    if let Some(why) = report.unusable() {
        anyhow::bail!(
            "cannot use the index: {why}. No verdicts are given from an incomplete index: run \
             again once the index can be written (when the process that holds it is done), or \
             wait longer with --lock-timeout SECONDS"
        );
    }
    if let Some(stale) = stale {
        eprintln!(
            "sourced: warning: the index may be out of date (it was last completely built earlier, \
             and it could not be updated now: {stale}); using it as it is"
        );
    }
    for w in &report.warnings {
        eprintln!("sourced: warning: {w}");
    }
    if let Some(none) = &report.no_sources {
        anyhow::bail!(
            "{none}. No quotation is checked without sources: run `sourced init` to write a \
             {} that names them, or pass --sources DIR",
            config::FILE_NAME
        );
    }
    Ok((checker, report))
}

fn run_index(args: IndexArgs) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir()?;
    // Which archive first: a mistyped name fails before the sources are read.
    let remote = match &args.remote {
        None => None,
        Some(name) => {
            let ws = workspace(&args.source, &cwd)?;
            let found = ws.config.remote.iter().find(|r| &r.name == name).cloned();
            let Some(found) = found else {
                let known: Vec<&str> = ws.config.remote.iter().map(|r| r.name.as_str()).collect();
                anyhow::bail!(
                    "no [[remote]] named {name:?} in {} (known: {})",
                    ws.file
                        .as_deref()
                        .map(|f| f.display().to_string())
                        .unwrap_or_else(|| "the configuration".into()),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                );
            };
            Some(found)
        }
    };
    let (checker, report) = open(&args.source, &cwd, None)?;
    let r = &report.refresh;
    eprintln!(
        "sourced: index at {}: {} sources ({} added, {} updated, {} removed, {} unchanged; {:.1} MB read in {:.2} s)",
        checker.index().dir().display(),
        r.sources,
        r.added,
        r.updated,
        r.removed,
        r.unchanged,
        r.bytes_indexed as f64 / 1e6,
        r.elapsed.as_secs_f64()
    );
    let Some(remote) = remote else {
        return Ok(0);
    };
    let loaded = crate::remote::publish::publish(
        checker.index(),
        &checker.workspace.root,
        &remote,
        |done, total| {
            eprintln!("sourced: {}: {done}/{total} sources", remote.name);
        },
    )?;
    eprintln!(
        "sourced: {} ({}, index {:?}{}): {} sent, {} unchanged, {} deleted; {:.1} MB in {} requests, {:.1} s",
        remote.name,
        remote.url.to_vec().join(", "),
        remote.index,
        if loaded.created { ", created" } else { "" },
        loaded.sent,
        loaded.unchanged,
        loaded.deleted,
        loaded.bytes as f64 / 1e6,
        loaded.requests,
        loaded.seconds
    );
    for (id, why) in &loaded.failed {
        eprintln!("sourced: error: {}: {id}: {why}", remote.name);
    }
    Ok(if loaded.failed.is_empty() { 0 } else { 1 })
}

/// Notes to check: the given files, the Markdown files in given folders, or by default the
/// `notes` of the config or every Markdown file under the current folder (never inside the
/// source folders in effect, `--sources` included).
fn note_files(paths: &[PathBuf], checker: &Checker) -> anyhow::Result<Vec<PathBuf>> {
    let cwd = std::env::current_dir()?;
    let found = crate::notes::note_files(&checker.workspace, &checker.specs, paths, &cwd)?;
    for (path, why) in &found.skipped {
        eprintln!("sourced: warning: {}: {why}", path.display());
    }
    Ok(found.notes)
}

fn run_check(args: CheckArgs) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir()?;
    let start = args.paths.first().cloned().unwrap_or_else(|| cwd.clone());
    let (checker, opened) = open(&args.source, &start, args.min_words)?;
    let notes = note_files(&args.paths, &checker)?;
    let mut report = Report::new();
    report.stale_index = opened.refresh.stale;
    let all_sources = checker.retriever();
    let mut positions = Positions::new(
        &checker.workspace.root,
        &all_sources,
        checker.workspace.max_file_bytes(),
    );
    let mut io_error = false;
    // Each bibliography warning is printed once, whichever notes use the file.
    let mut bib_warnings = std::collections::HashSet::new();
    for note in &notes {
        let limit = checker.workspace.max_file_bytes();
        let text = match crate::disk::read_bounded(note, limit, true)
            .map_err(|e| e.to_string())
            .and_then(|b| crate::corpus::decode(&b))
        {
            Ok(t) => t,
            Err(e) => {
                eprintln!("sourced: error: {}: {e}", note.display());
                io_error = true;
                continue;
            }
        };
        let scan = crate::quotes::extract::scan(&text, checker.min_words);
        let bib = checker.note_bibliography(note, &text);
        for w in &bib.warnings {
            if bib_warnings.insert(w.clone()) {
                eprintln!("sourced: warning: {w}");
            }
        }
        let unknown = checker.unknown_citations_in(note, &scan.citations, &bib)?;
        let cancel = crate::cancel::CancelFlag::new();
        let results = checker.check_scan_in(note, scan, &bib, &cancel)?;
        let first = report.quotes.len();
        positions.add(&mut report, note, &text, &results);
        report::enrich(&mut report.quotes[first..], &bib);
        positions.add_unknown(&mut report, note, &text, &unknown);
    }
    let rendered = match args.format {
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            human::render(&report, &human::Style { color }, args.verbose)
        }
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Sarif => sarif::render(&report) + "\n",
        Format::Github => github::render(&report),
        Format::Html => html::render(&report),
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(rendered.as_bytes()).and_then(|_| out.flush());
    Ok(if io_error { 2 } else { report.exit_code() })
}
