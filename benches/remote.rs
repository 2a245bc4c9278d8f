//! Remote benchmark: a corpus made by `benches/corpus/build.py` loaded into a search cluster
//! (`sourced index --remote`'s [`publish`]) and its quotations checked against the cluster
//! ([`RemoteArchive`] as the only retriever) next to the local index.
//!
//! ```sh
//! cargo bench --bench remote -- DIR --url http://127.0.0.1:19600[,http://127.0.0.1:19601] \
//!     [--index NAME] [--shards 2] [--replicas 1] [--quotes N]
//! ```
//!
//! Prints Markdown tables:
//! - the bulk load into a fresh index (deleted first), then a second load with nothing
//!   changed (the incremental path), and the index's shard layout and size;
//! - per-quote latency, local index against the archive cold (a new [`RemoteArchive`], empty
//!   caches, no renditions on disk) and warm (the same archive again), overall and by kind;
//! - HTTP requests per quotation, cold and warm, and cold latency by requests made;
//! - the agreement of local and remote verdicts (status, source, byte range), with up to 10
//!   disagreements, and of each with the expected status.
//!
//! Quotations are checked uncited (`Cited::None`), as `benches/corpus.rs` checks them.
//! Expects `DIR/sources/` and `DIR/quotes.jsonl` (`{"kind","quote","source","expected"}` per
//! line); uses (and brings up to date) the local index in `DIR/.sourced`; does not read or
//! write `DIR/sourced.toml` (the `[[remote]]` table is built here). The index named by
//! `--index` (default `sourced-bench`) is deleted and made again, unless `--keep` is given
//! (and left in the cluster afterwards, to look into): never point this at a cluster whose
//! index of that name matters.

#[path = "remote/agreement.rs"]
mod agreement;
#[path = "remote/cluster.rs"]
mod cluster;

use agreement::{Outcome, Pair};
use sourced::config::{Config, RemoteConfig};
use sourced::corpus::discover;
use sourced::index::{RefreshOptions, Retriever, SourceIndex};
use sourced::quotes::matcher::{self, Cited, MatchOptions};
use sourced::quotes::verdict::Verdict;
use sourced::remote::http::ClusterClient;
use sourced::remote::publish::{publish, PublishReport};
use sourced::remote::RemoteArchive;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The archive's name: its documents are `arch:ID`.
const NAME: &str = "arch";

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ms(d: Duration) -> String {
    format!("{:.2}", millis(d))
}

/// The value at `p` (0 to 1) of sorted values; the default (zero) if there are none.
fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[derive(serde::Deserialize)]
struct QuoteCase {
    kind: String,
    quote: String,
    expected: String,
}

/// Each quote checked once: its latency, the requests the archive sent for it (zero
/// locally) and what the check said.
struct Pass {
    latency: Vec<Duration>,
    requests: Vec<u64>,
    verdicts: Vec<Result<Verdict, String>>,
}

impl Pass {
    fn sorted(&self) -> Vec<Duration> {
        let mut v = self.latency.clone();
        v.sort();
        v
    }

    fn outcomes(&self, strip: &str) -> Vec<Outcome> {
        self.verdicts
            .iter()
            .map(|v| Outcome::of(v, strip))
            .collect()
    }

    fn errors(&self) -> usize {
        self.verdicts.iter().filter(|v| v.is_err()).count()
    }
}

/// Checks every quote through `retriever`; `requests` reads the request counter (a constant
/// for the local index).
fn run(retriever: &dyn Retriever, quotes: &[QuoteCase], requests: &dyn Fn() -> u64) -> Pass {
    let options = MatchOptions::default();
    let mut pass = Pass {
        latency: Vec::new(),
        requests: Vec::new(),
        verdicts: Vec::new(),
    };
    for q in quotes {
        let before = requests();
        let t = Instant::now();
        let v = matcher::check(retriever, &q.quote, &Cited::None, &options);
        pass.latency.push(t.elapsed());
        pass.requests.push(requests() - before);
        pass.verdicts.push(v.map_err(|e| e.to_string()));
    }
    pass
}

/// Command-line arguments: `DIR` and `--name VALUE` (or `--name=VALUE`).
struct Args {
    args: Vec<String>,
}

impl Args {
    fn value(&self, name: &str) -> Option<String> {
        let flag = format!("--{name}");
        let eq = format!("{flag}=");
        self.args.iter().enumerate().find_map(|(i, a)| {
            if let Some(v) = a.strip_prefix(&eq) {
                Some(v.to_string())
            } else if *a == flag {
                self.args.get(i + 1).cloned()
            } else {
                None
            }
        })
    }

    fn number(&self, name: &str, default: u64) -> u64 {
        self.value(name).map_or(default, |v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("--{name} {v:?}: a number is needed");
                std::process::exit(2)
            })
        })
    }

    /// The first argument that is neither a flag nor a flag's value.
    fn dir(&self) -> Option<PathBuf> {
        let mut skip = false;
        for a in &self.args {
            if skip {
                skip = false;
                continue;
            }
            if a.starts_with("--") {
                skip = !a.contains('=');
                continue;
            }
            return Some(PathBuf::from(a));
        }
        None
    }
}

/// The `[[remote]]` table the benchmark uses, as a user would write it.
fn remote_config(
    urls: &[String],
    index: &str,
    shards: u64,
    replicas: u64,
    hits: u64,
) -> RemoteConfig {
    let urls: Vec<String> = urls.iter().map(|u| format!("{u:?}")).collect();
    let table = format!(
        "[[remote]]\nname = {NAME:?}\nurl = [{}]\nindex = {index:?}\nshards = {shards}\nreplicas = {replicas}\nhits = {hits}\n",
        urls.join(", ")
    );
    let config: Config = toml::from_str(&table).expect("the [[remote]] table parses");
    config.remote.into_iter().next().expect("one [[remote]]")
}

fn load_row(what: &str, r: &PublishReport, source_mb: f64) {
    let s = r.seconds.max(1e-9);
    println!(
        "| {what} | {:.2} s | {} sent, {} unchanged, {} deleted, {} failed | {:.0} | {:.2} | {:.1} MB, {:.2} MB/s | {} |",
        r.seconds,
        r.sent,
        r.unchanged,
        r.deleted,
        r.failed.len(),
        r.sent as f64 / s,
        if r.sent > 0 { source_mb / s } else { 0.0 },
        r.bytes as f64 / 1e6,
        r.bytes as f64 / 1e6 / s,
        r.requests
    );
}

fn main() {
    let args = Args {
        args: std::env::args()
            .skip(1)
            .filter(|a| a != "--bench")
            .collect(),
    };
    let (Some(dir), Some(urls)) = (args.dir(), args.value("url")) else {
        eprintln!("usage: cargo bench --bench remote -- DIR --url http://HOST:PORT[,http://…] [--index NAME] [--shards 2] [--replicas 1] [--hits 10] [--quotes N] [--keep]   (DIR from benches/corpus/build.py)");
        std::process::exit(2);
    };
    let urls: Vec<String> = urls.split(',').map(str::to_string).collect();
    let index_name = args
        .value("index")
        .unwrap_or_else(|| "sourced-bench".into());
    let config = remote_config(
        &urls,
        &index_name,
        args.number("shards", 2),
        args.number("replicas", 1),
        args.number("hits", 10),
    );
    let dir = sourced::config::absolute(&dir);
    let mut quotes: Vec<QuoteCase> = std::fs::read_to_string(dir.join("quotes.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    quotes.truncate(args.number("quotes", u64::MAX) as usize);

    // The local index, up to date.
    let specs = vec!["sources".to_string()];
    let (files, _) = discover(&specs, &dir, &globset::GlobSet::empty(), Default::default());
    let source_mb = files.iter().map(|f| f.size).sum::<u64>() as f64 / 1e6;
    let (local, _) = SourceIndex::open(&dir.join(".sourced")).unwrap();
    let refreshed = local.refresh(&files, &RefreshOptions::default()).unwrap();
    println!(
        "| corpus | {} sources, {source_mb:.1} MB; local index: {} unchanged, {} added |\n| --- | --- |",
        files.len(),
        refreshed.unchanged,
        refreshed.added
    );
    println!(
        "| cluster | {} (index `{}`, {} shards, {} replicas) |",
        urls.join(", "),
        config.index,
        config.shards,
        config.replicas
    );

    // 1. Bulk load into a fresh index, then again with nothing changed.
    let admin = ClusterClient::new(&config, &dir).unwrap();
    // `--keep`: the index of an earlier run is kept (when the corpus has not changed, the
    // first load is then the incremental one too: for trying retrieval changes quickly).
    if !args.args.iter().any(|a| a == "--keep") {
        cluster::delete_index(&admin, &config.index);
    }
    let progress = |done: usize, total: usize| eprint!("\rpublish: {done}/{total}   ");
    let first = publish(&local, &dir, &config, progress).unwrap();
    eprintln!();
    let second = publish(&local, &dir, &config, |_, _| {}).unwrap();
    println!(
        "\n| load | wall time | sources | documents/s | source MB/s | request bytes | requests |\n| --- | --- | --- | --- | --- | --- | --- |"
    );
    load_row("fresh index", &first, source_mb);
    load_row("again, nothing changed", &second, source_mb);
    for (id, why) in first.failed.iter().take(5) {
        println!("\nrefused: `{id}`: {why}");
    }
    let t = Instant::now();
    let health = cluster::wait_green(&admin, &config.index);
    println!(
        "\n| replicas allocated after the load | {health} in {:.1} s more |\n| --- | --- |",
        t.elapsed().as_secs_f64()
    );
    cluster::print_layout(&admin, &config.index);
    round_trip(&admin);

    // 2. Per-quote latency: the local index (a first pass reads it into the page cache, as
    //    in the corpus benchmark; the second is timed), then the archive cold and warm.
    let zero = || 0;
    run(&local, &quotes, &zero);
    let local_pass = run(&local, &quotes, &zero);
    let renditions = tempfile::tempdir().unwrap();
    let archive = RemoteArchive::new(&config, &dir, Some(renditions.path().to_path_buf())).unwrap();
    let count = || archive.client().requests();
    let cold = run(&archive, &quotes, &count);
    let warm = run(&archive, &quotes, &count);
    let passes = [
        ("local index", &local_pass),
        ("remote, cold", &cold),
        ("remote, warm", &warm),
    ];
    println!(
        "\n| retriever ({} quotes) | p50 ms | p95 ms | p99 ms | max ms | mean ms | errors |\n| --- | --- | --- | --- | --- | --- | --- |",
        quotes.len()
    );
    for (what, pass) in passes {
        let t = pass.sorted();
        let mean = t.iter().sum::<Duration>() / t.len().max(1) as u32;
        println!(
            "| {what} | {} | {} | {} | {} | {} | {} |",
            ms(percentile(&t, 0.5)),
            ms(percentile(&t, 0.95)),
            ms(percentile(&t, 0.99)),
            ms(t.last().copied().unwrap_or_default()),
            ms(mean),
            pass.errors()
        );
    }
    by_kind(&quotes, &passes);

    // 3. Requests per quotation.
    println!(
        "\n| remote pass | requests | per quote: mean | p95 | max | quotes with none |\n| --- | --- | --- | --- | --- | --- |"
    );
    for (what, pass) in &passes[1..] {
        let mut r = pass.requests.clone();
        r.sort();
        let total: u64 = r.iter().sum();
        println!(
            "| {what} | {total} | {:.2} | {} | {} | {} |",
            total as f64 / r.len().max(1) as f64,
            percentile(&r, 0.95),
            r.last().copied().unwrap_or(0),
            r.iter().filter(|&&n| n == 0).count()
        );
    }
    by_requests(&cold);

    // 4. Agreement.
    let prefix = format!("{NAME}:");
    let (local_out, cold_out, warm_out) = (
        local_pass.outcomes(""),
        cold.outcomes(&prefix),
        warm.outcomes(&prefix),
    );
    let pairs: Vec<Pair> = quotes
        .iter()
        .zip(local_out)
        .zip(cold_out.iter().cloned())
        .map(|((q, local), remote)| Pair {
            kind: &q.kind,
            quote: &q.quote,
            expected: &q.expected,
            local,
            remote,
        })
        .collect();
    agreement::report(&pairs, 10);
    let same = cold_out
        .iter()
        .zip(&warm_out)
        .filter(|(c, w)| c == w)
        .count();
    println!(
        "\n| remote warm pass: same outcome as the cold pass | {same} of {} |\n| --- | --- |",
        quotes.len()
    );
}

/// The bare round trip of one request to the cluster (`GET /`, 50 times, median): what each
/// request costs before the cluster does any work.
fn round_trip(client: &ClusterClient) {
    let mut t: Vec<Duration> = (0..50)
        .map(|_| {
            let s = Instant::now();
            let _ = client.json("GET", "/", None);
            s.elapsed()
        })
        .collect();
    t.sort();
    println!(
        "\n| HTTP round trip (`GET /`, n = 50) | p50 {} ms, p95 {} ms |\n| --- | --- |",
        ms(percentile(&t, 0.5)),
        ms(percentile(&t, 0.95))
    );
}

/// p50 and p95 of each pass by kind of quote.
fn by_kind(quotes: &[QuoteCase], passes: &[(&str, &Pass)]) {
    let mut kinds: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, q) in quotes.iter().enumerate() {
        kinds.entry(q.kind.as_str()).or_default().push(i);
    }
    let names: Vec<&str> = passes.iter().map(|(n, _)| *n).collect();
    println!(
        "\n| kind | n | {} |\n| --- | --- |{}",
        names
            .iter()
            .map(|n| format!("{n}: p50 / p95 ms"))
            .collect::<Vec<_>>()
            .join(" | "),
        " --- |".repeat(names.len())
    );
    for (kind, at) in kinds {
        let cells: Vec<String> = passes
            .iter()
            .map(|(_, p)| {
                let mut t: Vec<Duration> = at.iter().map(|&i| p.latency[i]).collect();
                t.sort();
                format!("{} / {}", ms(percentile(&t, 0.5)), ms(percentile(&t, 0.95)))
            })
            .collect();
        println!("| {kind} | {} | {} |", at.len(), cells.join(" | "));
    }
}

/// Cold latency by the number of requests a quote cost: how much each request adds.
fn by_requests(cold: &Pass) {
    let mut groups: BTreeMap<u64, Vec<Duration>> = BTreeMap::new();
    for (&n, &t) in cold.requests.iter().zip(&cold.latency) {
        groups.entry(n).or_default().push(t);
    }
    println!(
        "\n| cold: requests for the quote | quotes | p50 ms | p95 ms |\n| --- | --- | --- | --- |"
    );
    for (n, mut t) in groups {
        t.sort();
        println!(
            "| {n} | {} | {} | {} |",
            t.len(),
            ms(percentile(&t, 0.5)),
            ms(percentile(&t, 0.95))
        );
    }
}
