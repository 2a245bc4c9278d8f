//! Micro-benchmarks of the core's hot paths: the normaliser, quote extraction and
//! alignment. Run with `cargo bench --bench core`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sourced::quotes::align::align;
use sourced::quotes::extract::scan;
use sourced::quotes::pattern::Pattern;
use sourced::text::{normalize, words};
use std::hint::black_box;

fn seeds_text() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn normaliser(c: &mut Criterion) {
    let text = seeds_text();
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("seeds", |b| b.iter(|| normalize(black_box(&text))));
    g.bench_function("seeds+words", |b| {
        b.iter(|| {
            let n = normalize(black_box(&text));
            words(&n.text).count()
        })
    });
    g.finish();
}

/// About 1 MB of `piece(i)` for i = 0, 1, 2…, joined into one paragraph.
fn megabyte(piece: impl Fn(usize) -> String) -> String {
    generated(1 << 20, piece)
}

/// About `size` bytes of `piece(i)` for i = 0, 1, 2…
fn generated(size: usize, piece: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < size {
        out.push_str(&piece(i));
        i += 1;
    }
    out
}

/// Adversarial 1 MB notes: every one is a single paragraph (or blockquote), the worst case
/// for anything that rescans the paragraph per quotation, citation or character.
fn adversarial_notes() -> Vec<(&'static str, String)> {
    vec![
        (
            "1MB-code-spans",
            megabyte(|i| format!("see `code {i}` and “four words in quotes” `x` ")),
        ),
        (
            "1MB-citations",
            megabyte(|i| {
                format!("“we will leave {i}” [@key{i}; @other{i}] and [a link](s/{i}.md) ")
            }),
        ),
        (
            "1MB-quotations",
            megabyte(|i| format!("“we will leave in {i} days,” he said, „und dann {i}“ ")),
        ),
        (
            "1MB-unclosed-opener",
            format!(
                "He wrote “this never closes {}",
                megabyte(|i| format!("and « quote number {i} here » [@k{i}] "))
            ),
        ),
        (
            "1MB-quotations-sharing-a-group",
            format!(
                "{} [{}].",
                generated(1 << 19, |i| format!("“we will leave {i}” ")),
                generated(1 << 19, |i| format!("@k{i}; "))
            ),
        ),
        (
            "1MB-blockquote-paragraphs",
            megabyte(|i| format!("> the quoted text goes on {i} [@k{i}]\n>\n")),
        ),
        (
            "1MB-blockquote-citations",
            megabyte(|i| format!("> the quoted text goes on {i} [@k{i}]\n")),
        ),
    ]
}

fn extraction(c: &mut Criterion) {
    let note =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/notes.md")).unwrap();
    let big = note.repeat(40);
    let mut g = c.benchmark_group("extract");
    for (name, text) in [("sample-note", &note), ("sample-note-x40", &big)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| {
            b.iter(|| scan(black_box(t), 4))
        });
    }
    for (name, text) in &adversarial_notes() {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| {
            b.iter(|| scan(black_box(t), 4))
        });
    }
    g.finish();
}

fn alignment(c: &mut Criterion) {
    let text = seeds_text();
    let n = normalize(&text);
    let all: Vec<&str> = words(&n.text).map(|r| &n.text[r]).collect();
    // A region the size the matcher aligns against (three passages).
    let region = &all[1000..1300];
    let exact = region[120..145].join(" ");
    let mut altered: Vec<&str> = region[120..145].to_vec();
    altered[10] = "changed";
    altered.remove(17);
    let altered = altered.join(" ");
    let omission = format!(
        "{} ... {}",
        region[120..130].join(" "),
        region[160..170].join(" ")
    );
    let mut g = c.benchmark_group("align-300-words");
    for (name, q) in [
        ("exact-25", exact),
        ("altered-25", altered),
        ("omission-20", omission),
    ] {
        let p = Pattern::parse(&q);
        g.bench_function(name, |b| b.iter(|| align(black_box(&p), black_box(region))));
    }
    g.finish();
}

criterion_group!(benches, normaliser, extraction, alignment);
criterion_main!(benches);
