//! Language server bench (no criterion): the server in-process, driven over duplex pipes with
//! real JSON-RPC frames (the `tests/lsp_harness` client). Client and server share this
//! process, so its memory is the server's plus a small client.
//!
//! Steps (`--steps latency,pull,command,typing`, all by default):
//! - `latency`: a 500-line note with 100 quotations open; didChange → diagnostics minus the
//!   debounce, hover and definition p50/p95 (`lsp/latency.rs`);
//! - `pull`: `workspace/diagnostic` over N notes of 100 quotations each, not open: the first
//!   full report, a second one when nothing changed (all `unchanged`), memory (`lsp/pull.rs`);
//! - `command`: `workspace/executeCommand sourced.checkWorkspace` on the same notes;
//! - `typing`: memory over M edits that each change a word inside a quotation
//!   (`lsp/typing.rs`).
//!
//! ```sh
//! cargo bench --bench lsp                                    # the seeds, a short run
//! cargo bench --bench lsp -- --corpus bench-data/100mb --notes 1000 --edits 20000
//! ```
//!
//! Options: `--corpus DIR` (sources `DIR/sources`, quotations drawn from `DIR/sources/sotu`;
//! default: the repository's seeds), `--notes N` (default 20), `--edits M` (default 2,000),
//! `--pace-ms MS` (one edit every MS ms, default 20; 0 waits for each edit's diagnostics),
//! `--settle-ms MS` (typing: wait before the first hover, default 0).
//! The workspace is a temporary folder whose `sourced.toml` points at the sources, with its
//! own index (built in the first step that needs it), or `--workspace DIR`, kept, so that a
//! later run opens the index instead of building it in the process it measures.

#[path = "lsp/client.rs"]
mod client;
#[path = "lsp/latency.rs"]
mod latency;
#[path = "../tests/lsp_harness/mod.rs"]
mod lsp_harness;
#[path = "lsp/measure.rs"]
mod measure;
#[path = "lsp/pull.rs"]
mod pull;
#[path = "lsp/typing.rs"]
mod typing;
#[path = "lsp/workload.rs"]
mod workload;

use std::path::PathBuf;
use std::time::Duration;

struct Args {
    corpus: Option<PathBuf>,
    workspace: Option<PathBuf>,
    notes: usize,
    edits: usize,
    pace: Duration,
    settle: Duration,
    steps: Vec<String>,
}

fn args() -> Args {
    let mut a = Args {
        corpus: None,
        workspace: None,
        notes: 20,
        edits: 2_000,
        pace: Duration::from_millis(20),
        settle: Duration::ZERO,
        steps: ["latency", "pull", "command", "typing"]
            .map(String::from)
            .to_vec(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match arg.as_str() {
            "--corpus" => a.corpus = Some(PathBuf::from(value("--corpus"))),
            "--workspace" => a.workspace = Some(PathBuf::from(value("--workspace"))),
            "--notes" => a.notes = value("--notes").parse().expect("--notes N"),
            "--edits" => a.edits = value("--edits").parse().expect("--edits M"),
            "--pace-ms" => {
                a.pace = Duration::from_millis(value("--pace-ms").parse().expect("--pace-ms MS"))
            }
            "--settle-ms" => {
                a.settle =
                    Duration::from_millis(value("--settle-ms").parse().expect("--settle-ms MS"))
            }
            "--steps" => a.steps = value("--steps").split(',').map(String::from).collect(),
            // What `cargo bench` passes.
            "--bench" => {}
            other => panic!("unknown argument {other:?} (see benches/lsp.rs)"),
        }
    }
    a
}

async fn bench(a: Args) {
    let (sources, quoted) = match &a.corpus {
        Some(dir) => {
            let dir = std::fs::canonicalize(dir).expect("the corpus folder");
            let sotu = dir.join("sources/sotu");
            let quoted = if sotu.is_dir() {
                sotu
            } else {
                dir.join("sources")
            };
            (dir.join("sources"), quoted)
        }
        None => (
            lsp_harness::repo().join("seeds"),
            lsp_harness::repo().join("seeds"),
        ),
    };
    let sentences = workload::sentences(&quoted);
    println!(
        "sourced lsp bench — sources {}, quotations from {} ({} word runs)",
        sources.display(),
        quoted.display(),
        sentences.runs.len()
    );
    println!();
    let temporary = lsp_harness::workspace(&[&sources]);
    let root = match &a.workspace {
        Some(dir) => kept_workspace(dir, &sources),
        None => temporary.path().to_path_buf(),
    };
    let step = |s: &str| a.steps.iter().any(|x| x == s);
    if step("latency") {
        let f = latency::run(&root, &sentences).await;
        latency::print(&f);
    }
    if step("pull") || step("command") {
        pull::write_notes(&root, &sentences, a.notes);
    }
    if step("pull") {
        let f = pull::workspace_diagnostic(&root, a.notes).await;
        pull::print_pull(a.notes, &f);
    }
    if step("command") {
        let f = pull::check_workspace(&root).await;
        pull::print_command(a.notes, &f);
    }
    if step("typing") {
        let f = typing::run(&root, &sentences, a.edits, a.pace, a.settle).await;
        typing::print(&f);
    }
}

/// `dir` as a workspace over `sources` with its index inside (made if missing, kept after).
fn kept_workspace(dir: &std::path::Path, sources: &std::path::Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    let dir = std::fs::canonicalize(dir).unwrap();
    let toml = dir.join("sourced.toml");
    if !toml.exists() {
        std::fs::write(
            &toml,
            format!(
                "sources = [{:?}]\nindex_dir = \".sourced\"\n",
                sources.to_string_lossy()
            ),
        )
        .unwrap();
    }
    dir
}

fn main() {
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(bench(a));
}
