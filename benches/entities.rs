//! Entity timings without criterion: extraction throughput (and heap allocations per MB, a
//! large part of extraction's cost inside a parallel index build), table build, lookup by
//! surface form (p50/p95/max) and the note finder.
//!
//! ```sh
//! cargo bench --bench entities              # over seeds/
//! cargo bench --bench entities -- DIR       # over any source folder (e.g. a corpus from
//!                                           # benches/corpus/build.py: DIR/sources)
//! ```

use sourced::corpus::{self, discover};
use sourced::entities::{self, EntityTable, Registry};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("seeds"));
    let mut docs = Vec::new();
    for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let Ok(e) = e else { continue };
        if !e.file_type().is_file() || corpus::Format::of(e.path()).is_none() {
            continue;
        }
        if let Some(f) = discover::source_file(e.path(), &dir, true) {
            if let Ok(d) = corpus::load(&f, corpus::ReadLimits::default()) {
                docs.push(d);
            }
        }
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    println!(
        "{} sources, {:.1} MB of visible text in {}",
        docs.len(),
        bytes as f64 / 1e6,
        dir.display()
    );

    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    let t = Instant::now();
    let found: Vec<(String, entities::SourceEntities)> = docs
        .iter()
        .map(|d| (d.file.display.clone(), entities::extract(d)))
        .collect();
    let e = t.elapsed();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations;
    println!(
        "extraction: {:.2} s on one thread, {:.1} MB/s, {:.0} thousand heap allocations per MB",
        e.as_secs_f64(),
        bytes as f64 / 1e6 / e.as_secs_f64(),
        allocations as f64 / 1e3 / (bytes as f64 / 1e6)
    );
    let json: usize = found.iter().map(|(_, s)| s.to_json().len()).sum();
    if let Some(dump) = std::env::var_os("DUMP") {
        let _ = std::fs::write(dump, found[found.len() / 2].1.to_json());
    }
    println!("stored entities: {:.2} MB of JSON", json as f64 / 1e6);

    let t = Instant::now();
    let table = EntityTable::build(found, &Registry::default());
    println!(
        "table build: {:.1} ms, {} entities",
        t.elapsed().as_secs_f64() * 1e3,
        table.len()
    );

    // Lookups: every name and alias of the 300 most mentioned entities, their lowercase and
    // hyphen-free spellings, and misses that go through the fuzzy path.
    let mut queries: Vec<String> = Vec::new();
    for e in table.entities().iter().take(300) {
        for s in std::iter::once(&e.name).chain(&e.aliases) {
            queries.push(s.clone());
            queries.push(s.to_lowercase().replace('-', " "));
            queries.push(format!("{s}x"));
        }
    }
    queries.extend(
        [
            "Soleimani",
            "KH",
            "Abdul-Mahdi",
            "Iraq’s",
            "Soleimany",
            "Nobody Atall",
        ]
        .map(String::from),
    );
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0;
    for q in &queries {
        let t = Instant::now();
        let r = table.lookup(q);
        times.push(t.elapsed());
        hits += usize::from(r.is_some());
    }
    times.sort();
    println!(
        "lookup by surface form: {} queries ({} found): p50 {:.1} µs, p95 {:.1} µs, max {:.1} µs",
        queries.len(),
        hits,
        pct(&times, 0.5).as_secs_f64() * 1e6,
        pct(&times, 0.95).as_secs_f64() * 1e6,
        times.last().unwrap().as_secs_f64() * 1e6
    );

    let note = std::fs::read_to_string(root.join("benches/fixtures/seeds-100-quotes.md"))
        .unwrap_or_default();
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..20 {
        let t = Instant::now();
        n = table.find_in_note(&note).len();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "find_in_note ({} KB note, {} mentions): p50 {:.2} ms, p95 {:.2} ms",
        note.len() / 1024,
        n,
        pct(&times, 0.5).as_secs_f64() * 1e3,
        pct(&times, 0.95).as_secs_f64() * 1e3
    );
    let mut times = Vec::new();
    for (i, _) in note.char_indices().step_by(97) {
        let t = Instant::now();
        let _ = table.at(&note, i);
        times.push(t.elapsed());
    }
    times.sort();
    if !times.is_empty() {
        println!(
            "entity at offset (hover): {} offsets: p50 {:.1} µs, p95 {:.1} µs",
            times.len(),
            pct(&times, 0.5).as_secs_f64() * 1e6,
            pct(&times, 0.95).as_secs_f64() * 1e6
        );
    }
}
