//! The PDF parser runs in a child process, bounded in memory and time.
//!
//! A PDF is parsed by a crate we do not control (pdf-extract over lopdf), which holds every
//! inflated stream in memory: a 0.5 MB file of compressed zeros takes gigabytes, and deep or
//! endless structures take minutes. So `sourced` runs it as `sourced extract-pdf` (a hidden
//! subcommand of the same binary): the child sets its own limits first thing, before it
//! reads a byte (`RLIMIT_AS`, the address space, and `RLIMIT_CPU`), reads the PDF from its
//! standard input and writes what it made of it ([`pdf::Extracted`], JSON) to its standard
//! output; the parent kills it when the wall-clock bound passes. A PDF that passes a bound is
//! skipped with a warning that names the bound; the index build, the language server and
//! every other source go on.
//!
//! Invariants: only plain data crosses the pipe (lines of text with positions, metadata,
//! notes), never code or paths; the parent reads at most [`MAX_REPLY_BYTES`] of it; the
//! child never outlives its bound (killed, then reaped). The child is this binary
//! ([`std::env::current_exe`]); a program embedding the library finds it next to itself as
//! cargo lays out tests and benchmarks, or through `SOURCED_EXTRACTOR`. Without it, PDFs are
//! read in this process (unbounded in memory), with a log line saying so.

use super::pdf::{self, Extracted, PdfLimits};
use super::rendition::Rendition;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use wait_timeout::ChildExt;

/// The hidden subcommand that runs the parser.
pub const SUBCOMMAND: &str = "extract-pdf";

/// The most the parent reads from the child's output (the rendition's limit and room for
/// positions).
pub const MAX_REPLY_BYTES: u64 = 256 << 20;

/// Bounds of one reader process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounds {
    /// Address space of the child, in bytes (2 GiB by default).
    pub memory: u64,
    /// Wall-clock and CPU time of the child, in seconds (120 by default).
    pub seconds: u64,
}

impl Bounds {
    /// The bounds `reader_memory_mb` and `reader_seconds` set.
    pub fn of(config: &crate::config::Config) -> Bounds {
        Bounds {
            memory: config.reader_memory_mb.saturating_mul(1 << 20),
            seconds: config.reader_seconds.max(1),
        }
    }
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds::of(&crate::config::Config::default())
    }
}

/// What the parent sends the child on its command line.
#[derive(Debug, Serialize, Deserialize)]
struct Job {
    limits: PdfLimits,
    bounds: Bounds,
}

/// Read a PDF into a rendition: parsed in a bounded child process when the extractor is
/// found, else here.
pub fn read_pdf(bytes: &[u8], limits: &PdfLimits, bounds: Bounds) -> Result<Rendition, String> {
    let extracted = match extractor() {
        Some(exe) => extract_in_child(exe, bytes, limits, bounds)?,
        None => pdf::extract(bytes, limits)?,
    };
    extracted.into_rendition(limits)
}

/// The program that runs [`SUBCOMMAND`], found once: `SOURCED_EXTRACTOR`, else this
/// program when it is `sourced`, else a `sourced` one folder up (cargo puts test and
/// benchmark programs in `target/*/deps/`, next to which it builds `target/*/sourced`).
pub fn extractor() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let found = find_extractor();
            match &found {
                Some(p) => tracing::debug!("PDF extractor: {}", p.display()),
                None => tracing::warn!(
                    "no sourced program to read PDFs in a child process: PDFs are read in \
                     this process, without the memory and time bounds"
                ),
            }
            found
        })
        .as_deref()
}

fn find_extractor() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SOURCED_EXTRACTOR") {
        return Some(PathBuf::from(p));
    }
    let me = std::env::current_exe().ok()?;
    if me.file_stem().is_some_and(|s| s == "sourced") {
        return Some(me);
    }
    let beside = me.parent()?.parent()?.join("sourced");
    beside.is_file().then_some(beside)
}

/// Run the parser on `bytes` in a child process of `exe`; see the module docs.
pub fn extract_in_child(
    exe: &Path,
    bytes: &[u8],
    limits: &PdfLimits,
    bounds: Bounds,
) -> Result<Extracted, String> {
    let job = serde_json::to_string(&Job {
        limits: *limits,
        bounds,
    })
    .map_err(|e| format!("cannot start the PDF reader: {e}"))?;
    let mut child = Command::new(exe)
        .arg(SUBCOMMAND)
        .arg(job)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("RUST_BACKTRACE")
        .spawn()
        .map_err(|e| format!("cannot start the PDF reader ({}): {e}", exe.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let reply = std::thread::scope(|s| {
        // The child may stop reading (a bound, a bad header): a broken pipe is no error.
        s.spawn(move || {
            let _ = stdin.write_all(bytes);
        });
        let out = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stdout).take(MAX_REPLY_BYTES).read_to_end(&mut buf);
            buf
        });
        let err = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = (&mut stderr).take(64 << 10).read_to_end(&mut buf);
            buf
        });
        // A second more than the CPU bound: RLIMIT_CPU ends a busy child first; this ends
        // one that waits.
        let status = match child.wait_timeout(Duration::from_secs(bounds.seconds + 1)) {
            Ok(Some(status)) => Ok(status),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(over_time(bounds))
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("the PDF reader could not be waited for: {e}"))
            }
        };
        let out = out.join().unwrap_or_default();
        let err = err.join().unwrap_or_default();
        status.map(|st| (st, out, err))
    });
    let (status, out, err) = reply?;
    if !status.success() {
        return Err(failure(status, &err, bounds));
    }
    serde_json::from_slice::<Result<Extracted, String>>(&out).map_err(|e| {
        format!("the PDF reader's answer could not be read ({e}; it may be over the output limit)")
    })?
}

/// The time bound passed (wall clock in the parent, or the CPU-time limit in the child).
fn over_time(bounds: Bounds) -> String {
    format!(
        "reading the PDF took longer than {} s (the time bound)",
        bounds.seconds
    )
}

/// Why the child ended without an answer, in the user's terms.
fn failure(status: ExitStatus, stderr: &[u8], bounds: Bounds) -> String {
    use std::os::unix::process::ExitStatusExt;
    let err = String::from_utf8_lossy(stderr);
    if err.contains("memory allocation of") || err.contains("capacity overflow") {
        return format!(
            "reading the PDF needed more than {} MB of memory (the memory bound)",
            bounds.memory >> 20
        );
    }
    match status.signal() {
        // SIGXCPU: the CPU-time bound.
        Some(24) => over_time(bounds),
        Some(sig) => format!("the PDF reader crashed on this file (signal {sig})"),
        None => format!(
            "the PDF reader failed on this file (exit status {})",
            status.code().unwrap_or(-1)
        ),
    }
}

/// The child's side: `sourced extract-pdf JOB`. Sets the bounds, reads the PDF from standard
/// input, writes `Result<Extracted, String>` as JSON to standard output. Returns the exit
/// status.
pub fn serve(job: &str) -> i32 {
    let job: Job = match serde_json::from_str(job) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("sourced {SUBCOMMAND}: bad job: {e}");
            return 2;
        }
    };
    if let Err(e) = bound_this_process(job.bounds) {
        eprintln!("sourced {SUBCOMMAND}: cannot set limits: {e}");
        return 2;
    }
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        eprintln!("sourced {SUBCOMMAND}: cannot read the PDF: {e}");
        return 2;
    }
    let reply = pdf::extract(&bytes, &job.limits);
    drop(bytes);
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut out, &reply).map_err(std::io::Error::from);
    match written.and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("sourced {SUBCOMMAND}: cannot answer: {e}");
            2
        }
    }
}

/// Lower this process's limits to the bounds (never raise them: a hard limit set by the user,
/// `ulimit -v`, lower than the bound stays, and setting a higher one would fail).
fn bound_this_process(b: Bounds) -> std::io::Result<()> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let lower = |resource: Resource, soft: u64, hard: u64| {
        let now = getrlimit(resource);
        let cap = |n: u64, limit: Option<u64>| limit.map_or(n, |l| n.min(l));
        let hard = cap(hard, now.maximum);
        setrlimit(
            resource,
            Rlimit {
                current: Some(cap(soft, now.current).min(hard)),
                maximum: Some(hard),
            },
        )
    };
    lower(Resource::As, b.memory, b.memory)?;
    // The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL.
    lower(Resource::Cpu, b.seconds, b.seconds + 1)?;
    Ok(())
}
