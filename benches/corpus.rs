//! Corpus benchmark: index build, cold open, incremental update and per-quote latency on a
//! corpus made by `benches/corpus/build.py`.
//!
//! ```sh
//! python3 benches/corpus/build.py --out bench-data/100mb --size 100MB
//! cargo bench --bench corpus -- bench-data/100mb            # reuses an existing index
//! cargo bench --bench corpus -- bench-data/100mb --rebuild  # measures a full build
//! ```
//!
//! Then:
//! - the same quotes against the sources split into N shards queried in parallel, and those
//!   shards behind a simulated round trip (`--shards=N`, default 4, 0 skips; `--rtt-ms=MS`,
//!   default 1), with what retrieval returns per quote in passage text and offset maps
//!   (`corpus/shards.rs`);
//! - the language server on this corpus: first diagnostics of a long note with the existing
//!   index, and diagnostics after an edit (`corpus/lsp.rs`; `--no-lsp` skips);
//! - the baselines: `rg -F` on up to 10 quotes of each kind (`--baseline-quotes=N`; 0 skips
//!   them) and `ugrep -Z3` on 3 altered quotes of each altered kind, against sourced's latency
//!   on the same quotes;
//! - the headline figures next to the previous run's, from `DIR/bench-history.jsonl`
//!   (`corpus/history.rs`), to which this run is appended.
//!
//! Expects `DIR/sources/`, `DIR/quotes.jsonl` (`{"kind","quote","source","expected"}` per
//! line) and optionally `DIR/notes/note_100.md` and `DIR/notes/note_500lines.md`. Writes
//! `DIR/sourced.toml` (`sources = ["sources"]`) if there is none. Prints Markdown tables.

#[path = "corpus/history.rs"]
mod history;
#[path = "corpus/lsp.rs"]
mod lsp;
// Each includer of the sharded retriever uses part of it.
#[path = "../tests/lsp_harness/mod.rs"]
mod lsp_harness;
#[allow(dead_code)]
#[path = "corpus/sharded.rs"]
mod sharded;
#[path = "corpus/shards.rs"]
mod shards;

use shards::{Metered, Payload};
use sourced::check::Checker;
use sourced::config::{Config, Workspace};
use sourced::corpus::discover;
use sourced::index::{RefreshOptions, Retriever, SourceIndex};
use sourced::quotes::matcher::{self, Cited, MatchOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ms(d: Duration) -> String {
    format!("{:.2}", millis(d))
}

fn dir_size(p: &Path) -> u64 {
    walkdir::WalkDir::new(p)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Peak resident set size of this process, from /proc (Linux), in MB.
/// CPU time (user + system) this process has used so far, from /proc (Linux; zero elsewhere).
/// Less sensitive than wall time to other load on the machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// A memory figure of /proc/self/status (Linux; zero elsewhere), in MB.
fn status_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The value at `p` (0 to 1) of sorted values; the default (zero) if there are none.
fn percentile<T: Copy + Default>(sorted: &[T], p: f64) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Each quote checked once through `retriever`: latency, verdict as expected, payload.
struct Run {
    latency: Vec<Duration>,
    ok: Vec<bool>,
    payload: Vec<Payload>,
}

fn run_quotes<R: Retriever>(retriever: &Metered<R>, quotes: &[QuoteCase]) -> Run {
    let options = MatchOptions::default();
    let mut run = Run {
        latency: Vec::new(),
        ok: Vec::new(),
        payload: Vec::new(),
    };
    retriever.take();
    for q in quotes {
        let t = Instant::now();
        let v = matcher::check(retriever, &q.quote, &Cited::None, &options).unwrap();
        run.latency.push(t.elapsed());
        run.ok.push(v.status.as_str() == q.expected);
        run.payload.push(retriever.take());
    }
    run
}

impl Run {
    fn sorted(&self) -> Vec<Duration> {
        let mut v = self.latency.clone();
        v.sort();
        v
    }

    fn as_expected(&self) -> usize {
        self.ok.iter().filter(|&&ok| ok).count()
    }

    /// Payload per quote at percentile `p`, in KB: (text, maps).
    fn payload_kb(&self, p: f64) -> (f64, f64) {
        let at = |f: fn(&Payload) -> u64| {
            let mut v: Vec<u64> = self.payload.iter().map(f).collect();
            v.sort();
            percentile(&v, p) as f64 / 1024.0
        };
        (at(|p| p.text), at(|p| p.maps))
    }
}

#[derive(serde::Deserialize)]
struct QuoteCase {
    kind: String,
    quote: String,
    expected: String,
    /// The speech the quote was drawn from (`None` for fabricated quotes).
    source: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(dir) = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
    else {
        eprintln!("usage: cargo bench --bench corpus -- DIR [--rebuild [--builds-only]] [--baseline-quotes=N]   (DIR from benches/corpus/build.py)");
        std::process::exit(2);
    };
    let rebuild = args.iter().any(|a| a == "--rebuild");
    let flag = |name: &str, default: u64| {
        args.iter()
            .find_map(|a| a.strip_prefix(name))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let mut history = history::History::default();
    let dir = sourced::config::absolute(&dir);
    let cache = dir.join(".sourced");
    if rebuild {
        let _ = std::fs::remove_dir_all(&cache);
    }
    let specs = vec!["sources".to_string()];
    let exclude = globset::GlobSet::empty();
    let opts = RefreshOptions::default();

    println!("| step | figure |\n| --- | --- |");
    // 1. Discovery and (re)build.
    let t = Instant::now();
    let (files, warnings) = discover(&specs, &dir, &exclude, Default::default());
    let walk = t.elapsed();
    let corpus_bytes: u64 = files.iter().map(|f| f.size).sum();
    println!(
        "| sources | {} files, {:.1} MB ({} warnings) |",
        files.len(),
        corpus_bytes as f64 / 1e6,
        warnings.len()
    );
    println!("| walk + stat | {} ms |", ms(walk));
    // With --rebuild, full builds are timed in rounds of one without named entities and one
    // with them (this machine's noise is larger than the difference; rounds from
    // SOURCED_BENCH_ROUNDS, default 5). The last build with entities is the index the rest
    // of the benchmark uses.
    let rounds = if rebuild {
        std::env::var("SOURCED_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5usize)
            .max(1)
    } else {
        1
    };
    let (mut with, mut without) = (Vec::new(), Vec::new());
    let (mut without_speakers, mut cpu_without_speakers) = (Vec::new(), Vec::new());
    let (mut cpu_with, mut cpu_without) = (Vec::new(), Vec::new());
    let mut report = None;
    for _ in 0..rounds {
        if rebuild {
            let plain_dir = dir.join(".sourced-bench-no-entities");
            let _ = std::fs::remove_dir_all(&plain_dir);
            let no_entities = RefreshOptions {
                entities: false,
                ..RefreshOptions::default()
            };
            let (t, cpu) = (Instant::now(), cpu_seconds());
            let (plain, _) = SourceIndex::open(&plain_dir).unwrap();
            plain.refresh(&files, &no_entities).unwrap();
            drop(plain);
            without.push(t.elapsed());
            cpu_without.push(cpu_seconds() - cpu);
            let _ = std::fs::remove_dir_all(&plain_dir);
            // Entities without attribution: what finding speakers adds.
            let no_speakers = RefreshOptions {
                speakers: false,
                ..RefreshOptions::default()
            };
            let (t, cpu) = (Instant::now(), cpu_seconds());
            let (plain, _) = SourceIndex::open(&plain_dir).unwrap();
            plain.refresh(&files, &no_speakers).unwrap();
            drop(plain);
            without_speakers.push(t.elapsed());
            cpu_without_speakers.push(cpu_seconds() - cpu);
            let _ = std::fs::remove_dir_all(&plain_dir);
            let _ = std::fs::remove_dir_all(&cache);
        }
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let (index, _) = SourceIndex::open(&cache).unwrap();
        report = Some(index.refresh(&files, &opts).unwrap());
        drop(index);
        with.push(t.elapsed());
        cpu_with.push(cpu_seconds() - cpu);
    }
    let r = report.expect("one build");
    with.sort();
    without.sort();
    without_speakers.sort();
    let secs =
        |v: &[Duration], q: f64| v[((v.len() - 1) as f64 * q).round() as usize].as_secs_f64();
    if r.added > 0 {
        history.lower("index build s", secs(&with, 0.5));
        history.higher(
            "index build MB/s",
            r.bytes_indexed as f64 / 1e6 / secs(&with, 0.5),
        );
        println!(
            "| index build | {:.2} s (median of {}), {:.1} MB/s, {} sources |",
            secs(&with, 0.5),
            with.len(),
            r.bytes_indexed as f64 / 1e6 / secs(&with, 0.5),
            r.sources
        );
    } else {
        println!("| index build | (index reused: pass --rebuild to measure) |");
    }
    if !without.is_empty() {
        println!(
            "| index build without entities | {:.2} s (median): extraction adds {:+.0} % (medians), {:+.0} % (fastest runs) |",
            secs(&without, 0.5),
            (secs(&with, 0.5) / secs(&without, 0.5) - 1.0) * 100.0,
            (secs(&with, 0.0) / secs(&without, 0.0) - 1.0) * 100.0
        );
        println!(
            "| index build with entities, without speakers | {:.2} s (median): attribution adds {:+.0} % (medians), {:+.0} % (fastest runs) |",
            secs(&without_speakers, 0.5),
            (secs(&with, 0.5) / secs(&without_speakers, 0.5) - 1.0) * 100.0,
            (secs(&with, 0.0) / secs(&without_speakers, 0.0) - 1.0) * 100.0
        );
        history.lower(
            "attribution adds to the build %",
            (secs(&with, 0.5) / secs(&without_speakers, 0.5) - 1.0) * 100.0,
        );
        let (cw, cwo): (f64, f64) = (cpu_with.iter().sum(), cpu_without.iter().sum());
        let cws: f64 = cpu_without_speakers.iter().sum();
        println!(
            "| CPU time per build | {:.2} s with entities and attribution, {:.2} s without attribution ({:+.0} %), {:.2} s without either ({:+.0} %) |",
            cw / rounds as f64,
            cws / rounds as f64,
            (cw / cws.max(1e-9) - 1.0) * 100.0,
            cwo / rounds as f64,
            (cw / cwo.max(1e-9) - 1.0) * 100.0
        );
    }
    if args.iter().any(|a| a == "--builds-only") {
        return;
    }
    println!(
        "| index size | {:.1} MB ({:.2}× the corpus) |",
        dir_size(&cache) as f64 / 1e6,
        dir_size(&cache) as f64 / corpus_bytes.max(1) as f64
    );

    // 2. Cold open (no change): open, walk, compare.
    let t = Instant::now();
    let (index, _) = SourceIndex::open(&cache).unwrap();
    let open = t.elapsed();
    let (files, _) = discover(&specs, &dir, &exclude, Default::default());
    let r = index.refresh(&files, &opts).unwrap();
    println!("| open existing index | {} ms |", ms(open));
    history.lower("open existing index ms", millis(open));
    println!(
        "| open + walk + up-to-date check | {} ms ({} unchanged) |",
        ms(t.elapsed()),
        r.unchanged
    );

    // 3. Incremental update of one changed file.
    if let Some(f) = files
        .iter()
        .find(|f| f.display.contains("generated"))
        .or(files.first())
    {
        let original = std::fs::read(&f.path).unwrap();
        let mut changed = original.clone();
        changed
            .extend_from_slice(b"\n\nA sentence appended by the benchmark to change this file.\n");
        std::fs::write(&f.path, &changed).unwrap();
        let one = discover::source_file(&f.path, &dir, true).unwrap();
        let t = Instant::now();
        index.update(&[one], &[], &opts).unwrap();
        println!("| update one changed file | {} ms |", ms(t.elapsed()));
        history.lower("update one file ms", millis(t.elapsed()));
        std::fs::write(&f.path, &original).unwrap();
        let one = discover::source_file(&f.path, &dir, true).unwrap();
        index.update(&[one], &[], &opts).unwrap();
    }

    // 4. Per-quote latency by kind.
    let quotes: Vec<QuoteCase> = std::fs::read_to_string(dir.join("quotes.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    // A first pass reads the index into the page cache (after a build it is there already;
    // a day later it may not be); the timed pass that follows runs warm.
    let index = Metered::new(index);
    let first = run_quotes(&index, &quotes).sorted();
    let single = run_quotes(&index, &quotes);
    let latency = single.latency.clone();
    let mut by_kind: BTreeMap<String, (Vec<Duration>, usize)> = BTreeMap::new();
    for (i, q) in quotes.iter().enumerate() {
        let e = by_kind.entry(q.kind.clone()).or_default();
        e.0.push(single.latency[i]);
        e.1 += usize::from(single.ok[i]);
    }
    println!("\n| quote kind | n | p50 ms | p95 ms | p99 ms | max ms | as expected |\n| --- | --- | --- | --- | --- | --- | --- |");
    let mut all = Vec::new();
    for (kind, (mut times, ok)) in by_kind {
        times.sort();
        all.extend(times.iter().copied());
        println!(
            "| {kind} | {} | {} | {} | {} | {} | {ok}/{} |",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap()),
            times.len()
        );
    }
    all.sort();
    println!(
        "| **all** | {} | {} | {} | {} | {} | |",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(percentile(&all, 0.99)),
        ms(all.last().copied().unwrap_or_default())
    );
    println!(
        "| first pass, index as found in the page cache | | {} | {} | {} | {} | |",
        ms(percentile(&first, 0.5)),
        ms(percentile(&first, 0.95)),
        ms(percentile(&first, 0.99)),
        ms(first.last().copied().unwrap_or_default()),
    );
    // Memory while checking, before the shards and the server below add their own.
    println!(
        "| memory after the checks: peak RSS (build included) / own memory / mapped index files | {:.0} MB / {:.0} MB / {:.0} MB |",
        peak_rss_mb(),
        status_mb("RssAnon:"),
        status_mb("RssFile:")
    );
    history.lower("peak RSS MB", peak_rss_mb());
    history.lower("own memory MB", status_mb("RssAnon:"));
    history.lower("per-quote p50 ms", millis(percentile(&all, 0.5)));
    history.lower("per-quote p95 ms", millis(percentile(&all, 0.95)));
    history.higher("quotes as expected", single.as_expected() as f64);

    // 4b. The same quotes against shards.
    let index = index.inner;
    let n_shards = flag("--shards=", 4) as usize;
    if n_shards > 0 && !quotes.is_empty() {
        let shard_dir = dir.join(format!(".sourced-shards-{n_shards}"));
        if rebuild {
            let _ = std::fs::remove_dir_all(&shard_dir);
        }
        let (built, took) = shards::build(&shard_dir, &files, n_shards);
        // Untimed first pass, as for the single index.
        let local = Metered::new(built);
        run_quotes(&local, &quotes);
        let rtt = Duration::from_millis(flag("--rtt-ms=", 1));
        println!(
            "\n| retrieval backend (shards built or checked in {:.1} s) | p50 ms | p95 ms | p99 ms | as expected | payload per quote p50: text / maps KB | p95: text / maps KB |\n| --- | --- | --- | --- | --- | --- | --- |",
            took.as_secs_f64()
        );
        let row = |name: &str, run: &Run| {
            let t = run.sorted();
            let ((t50, m50), (t95, m95)) = (run.payload_kb(0.5), run.payload_kb(0.95));
            println!(
                "| {name} | {} | {} | {} | {}/{} | {t50:.1} / {m50:.1} | {t95:.1} / {m95:.1} |",
                ms(percentile(&t, 0.5)),
                ms(percentile(&t, 0.95)),
                ms(percentile(&t, 0.99)),
                run.as_expected(),
                run.ok.len()
            );
        };
        row("one index", &single);
        let sharded = run_quotes(&local, &quotes);
        row(&format!("{n_shards} shards, in parallel"), &sharded);
        let remote = Metered::new(shards::remote(local.inner.into_shards(), rtt));
        let far = run_quotes(&remote, &quotes);
        row(
            &format!("{n_shards} shards, {} ms round trip each", millis(rtt)),
            &far,
        );
        let (t50, m50) = single.payload_kb(0.5);
        history.lower("payload p50 text KB", t50);
        history.lower("payload p50 maps KB", m50);
        history.lower(
            "sharded per-quote p95 ms",
            millis(percentile(&sharded.sorted(), 0.95)),
        );
    }

    // 5. A 100-quote note end to end (extraction, citations, matching).
    drop(index);
    let note = dir.join("notes/note_100.md");
    if let Ok(text) = std::fs::read_to_string(&note) {
        let ws = Workspace {
            root: dir.clone(),
            file: None,
            config: Config {
                sources: specs.clone(),
                ..Config::default()
            },
        };
        let t = Instant::now();
        let (checker, _) = Checker::open(ws, &[]).unwrap();
        let opened = t.elapsed();
        let t2 = Instant::now();
        let results = checker.check_note(&note, &text).unwrap();
        history.lower("100-quote note ms", millis(t2.elapsed()));
        println!(
            "\n| 100-quote note | {} quotes checked in {} ms (+ {} ms to open the workspace) |",
            results.len(),
            ms(t2.elapsed()),
            ms(opened)
        );
        speaker_checks(&checker, &dir, &quotes, &mut history);
    }
    println!("| peak RSS | {:.0} MB |", peak_rss_mb());
    // Tantivy memory-maps the index: resident pages of those files count in the RSS but are
    // page cache the kernel can drop, unlike the process's own (anonymous) memory.
    println!(
        "| RSS now: own memory / mapped index files | {:.0} MB / {:.0} MB |",
        status_mb("RssAnon:"),
        status_mb("RssFile:")
    );

    // 6. The language server on this corpus, with the index built above.
    let long_note = ["notes/note_500lines.md", "notes/note_100.md"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file());
    if let (Some(note), false) = (long_note, args.iter().any(|a| a == "--no-lsp")) {
        if !dir.join("sourced.toml").exists() {
            std::fs::write(dir.join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
        }
        let f = lsp::run(&dir, &note);
        let name = note.file_name().unwrap().to_string_lossy();
        println!(
            "\n| language server ({name}: {} quotations, {} problems) | figure |\n| --- | --- |",
            f.quotes, f.problems
        );
        println!(
            "| initialize → server ready (existing index open) | {} ms |",
            ms(f.ready)
        );
        history.lower("lsp ready ms", millis(f.ready));
        println!(
            "| initialize → first diagnostics of the note (existing index) | {} ms |",
            ms(f.first_diagnostics)
        );
        println!(
            "| initialize → index up to date (sources walked) | {} ms |",
            ms(f.up_to_date)
        );
        for (what, mut v) in [
            ("edit outside the quotations", f.outside),
            ("edit inside one quotation", f.inside),
        ] {
            v.sort();
            println!(
                "| didChange → diagnostics, {what} (minus the {} ms debounce) | p50 {} ms, p95 {} ms (n = {}) |",
                lsp::DEBOUNCE_MS,
                ms(percentile(&v, 0.5)),
                ms(percentile(&v, 0.95)),
                v.len()
            );
            history.lower(&format!("lsp {what} p50 ms"), millis(percentile(&v, 0.5)));
        }
        history.lower("lsp first diagnostics ms", millis(f.first_diagnostics));
    }

    // 7. Baselines: what a fact-checker would otherwise run, on the same quotes.
    let per_kind = flag("--baseline-quotes=", 10) as usize;
    if per_kind > 0 {
        baselines(&dir, &quotes, &latency, per_kind);
    }
    history.finish(&dir);
}

/// What speaker checks add to a quotation's check: 100 exact quotes of speeches, each
/// claimed for its president (`NAME said “…”`) or, every other one, for another president.
/// Each quote is checked alone with its claim and without it (no verdict cache), best of
/// three; the difference is what attribution costs at check time.
fn speaker_checks(
    checker: &Checker,
    dir: &Path,
    quotes: &[QuoteCase],
    history: &mut history::History,
) {
    use sourced::check::check_quotes;
    use sourced::quotes::verdict::Status;
    use sourced::speakers::SpeakerVerdict;
    let by_line = |source: &str| -> Option<String> {
        let text = std::fs::read_to_string(dir.join(source)).ok()?;
        let line = text.lines().find_map(|l| l.strip_prefix("By "))?;
        Some(line.trim().to_string())
    };
    let mut cases: Vec<(String, String, String)> = Vec::new(); // (quote, source, president)
    for q in quotes.iter().filter(|q| q.kind == "exact") {
        let Some(src) = q.source.as_deref().filter(|s| s.contains("/sotu/")) else {
            continue;
        };
        if let Some(p) = by_line(src) {
            cases.push((q.quote.clone(), src.to_string(), p));
        }
        if cases.len() == 100 {
            break;
        }
    }
    let presidents: Vec<String> = {
        let mut p: Vec<String> = cases.iter().map(|c| c.2.clone()).collect();
        p.sort();
        p.dedup();
        p
    };
    let surname = |n: &str| n.split_whitespace().last().unwrap_or("").to_lowercase();
    if cases.is_empty() || presidents.len() < 2 {
        return;
    }
    let mut lines = Vec::new();
    let mut expect_wrong = Vec::new();
    for (i, (q, src, president)) in cases.iter().enumerate() {
        let stem = Path::new(src).file_stem().unwrap().to_string_lossy();
        let claimed = if i % 2 == 1 {
            presidents
                .iter()
                .cycle()
                .skip(i)
                .find(|p| surname(p) != surname(president))
                .unwrap()
                .clone()
        } else {
            president.clone()
        };
        expect_wrong.push(i % 2 == 1);
        lines.push(format!("{claimed} said “{q}” [@{stem}]."));
    }
    let note_text = lines.join("\n\n") + "\n";
    let note = dir.join("notes/note_speakers.md");
    let _ = std::fs::write(&note, &note_text);
    let scan = sourced::quotes::extract::scan(&note_text, checker.min_words);
    let options = MatchOptions::default();
    let root = &checker.workspace.root;
    let index = checker.index();
    let (mut with, mut without, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut caught, mut false_alarms, mut claims) = (0, 0, 0);
    for (i, q) in scan.quotes.iter().enumerate() {
        let mut bare = q.clone();
        bare.claim = None;
        claims += usize::from(q.claim.is_some());
        let time = |quote: &sourced::quotes::extract::Quote| {
            let t = Instant::now();
            let r = check_quotes(index, root, &note, vec![quote.clone()], &options).unwrap();
            (t.elapsed(), r)
        };
        let (mut a, mut b) = (Duration::MAX, Duration::MAX);
        let mut result = None;
        for _ in 0..3 {
            let (t, r) = time(q);
            a = a.min(t);
            result = r.into_iter().next();
            b = b.min(time(&bare).0);
        }
        with.push(a);
        without.push(b);
        diffs.push(a.saturating_sub(b));
        let wrong = result.is_some_and(|r| {
            r.verdict.status == Status::WrongSpeaker
                || r.speaker
                    .is_some_and(|s| s.check.verdict == SpeakerVerdict::Wrong)
        });
        match (expect_wrong.get(i).copied().unwrap_or(false), wrong) {
            (true, true) => caught += 1,
            (false, true) => false_alarms += 1,
            _ => {}
        }
    }
    for v in [&mut with, &mut without, &mut diffs] {
        v.sort();
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let wrong_total = expect_wrong.iter().filter(|w| **w).count();
    println!(
        "\n| speaker checks ({} quotes, {claims} with a claim) | figure |\n| --- | --- |",
        scan.quotes.len()
    );
    println!(
        "| per quote with the claim / without | p50 {:.0} µs / {:.0} µs, p95 {:.0} µs / {:.0} µs |",
        us(percentile(&with, 0.5)),
        us(percentile(&without, 0.5)),
        us(percentile(&with, 0.95)),
        us(percentile(&without, 0.95))
    );
    println!(
        "| added by the speaker check | p50 {:.0} µs, p95 {:.0} µs (target ≤ 1000 µs) |",
        us(percentile(&diffs, 0.5)),
        us(percentile(&diffs, 0.95))
    );
    println!(
        "| wrong speakers caught / false alarms | {caught} of {wrong_total} / {false_alarms} of {} |",
        expect_wrong.len() - wrong_total
    );
    history.lower("speaker check added p50 us", us(percentile(&diffs, 0.5)));
}

/// A grep-class tool run once per quote over `DIR/sources`, listing matching files.
struct Tool {
    name: &'static str,
    args: &'static [&'static str],
    /// Quote kinds it is run on.
    kinds: &'static [&'static str],
    /// At most this many quotes per kind, whatever `--baseline-quotes` says.
    cap: usize,
}

const TOOLS: &[Tool] = &[
    // Exact search: what finds a quote copied word for word.
    Tool {
        name: "rg -F",
        args: &["-F", "-l", "-i", "--no-messages", "-e"],
        kinds: &[
            "exact",
            "typographic",
            "ellipsis",
            "altered-word",
            "altered-number",
            "altered-not",
            "fabricated",
        ],
        cap: usize::MAX,
    },
    // Fuzzy search: up to 3 characters inserted, deleted or substituted. One changed word
    // or number is usually within that; more would match noise everywhere.
    Tool {
        name: "ugrep -Z3",
        args: &["-Z3", "-F", "-l", "-i", "-r", "--no-messages", "-e"],
        kinds: &["altered-word", "altered-number", "altered-not"],
        // A fuzzy scan takes seconds per quote (7 s at 100 MB on this machine).
        cap: 3,
    },
];

/// Time `rg -F` and `ugrep -Z` on up to `per_kind` quotes of each kind and compare with
/// sourced's latency on the same quotes (from the per-quote run above).
fn baselines(dir: &Path, quotes: &[QuoteCase], latency: &[Duration], per_kind: usize) {
    let sources = dir.join("sources");
    println!(
        "\n| baseline | quote kind | n | p50 ms | found the source | sourced p50 ms | sourced is faster by |\n| --- | --- | --- | --- | --- | --- | --- |"
    );
    for tool in TOOLS {
        let program = tool.name.split(' ').next().unwrap_or(tool.name);
        let run = |quote: &str| {
            std::process::Command::new(program)
                .args(tool.args)
                .arg(quote)
                .arg(&sources)
                .stderr(std::process::Stdio::null())
                .output()
        };
        // Warm the page cache (and check the tool is there).
        if run("sourced-benchmark-warm-up").is_err() {
            println!("| {} | (not installed: skipped) | | | | | |", tool.name);
            continue;
        }
        for kind in tool.kinds {
            let sample: Vec<usize> = (0..quotes.len())
                .filter(|&i| quotes[i].kind == *kind)
                .take(per_kind.min(tool.cap))
                .collect();
            if sample.is_empty() {
                continue;
            }
            let (mut theirs, mut ours, mut found) = (Vec::new(), Vec::new(), 0);
            for &i in &sample {
                let t = Instant::now();
                let out = run(&quotes[i].quote).expect("ran before");
                theirs.push(t.elapsed());
                ours.push(latency[i]);
                let listed = String::from_utf8_lossy(&out.stdout);
                found += usize::from(
                    quotes[i]
                        .source
                        .as_deref()
                        .and_then(|s| s.rsplit('/').next())
                        .is_some_and(|name| listed.lines().any(|l| l.ends_with(name))),
                );
            }
            theirs.sort();
            ours.sort();
            let (t, o) = (percentile(&theirs, 0.5), percentile(&ours, 0.5));
            println!(
                "| {} | {kind} | {} | {} | {found}/{} | {} | {:.0}× |",
                tool.name,
                sample.len(),
                ms(t),
                sample.len(),
                ms(o),
                t.as_secs_f64() / o.as_secs_f64().max(1e-9)
            );
        }
    }
}
