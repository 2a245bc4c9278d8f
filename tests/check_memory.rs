//! What one check of a note may cost: it stops inside a quotation when its flag is raised,
//! one quotation's alignment stays within its memory budget however long the quotation, and a
//! note of 100,000 quotations checked again is answered from the verdict cache.

mod common;

use sourced::cancel::CancelFlag;
use sourced::check::{check_quotes_with, CheckError};
use sourced::index::retrieve::{CandidateQuery, Region, Retriever};
use sourced::index::{IndexError, SourceInfo};
use sourced::quotes::cache::VerdictCache;
use sourced::quotes::extract;
use sourced::quotes::matcher::{self, Cited, MatchOptions};
use sourced::quotes::verdict::Status;
use sourced::text::OffsetMap;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;

/// Counts the bytes each thread holds, and the most it held since [`peak_during`] started.
struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = HELD.try_with(|held| {
        let now = held.get() + delta;
        held.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Run `f` on this thread; the most bytes it held at once beyond what the thread held before.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = HELD.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    let peak = PEAK.with(Cell::get) - before;
    (out, peak.max(0) as usize)
}

/// The memory one check may take: one alignment's budget and the regions around it.
const CHECK_BOUND: usize = 64 << 20;

const SOURCE: &str = "src.md";

fn region(text: String) -> Region {
    Region {
        path: SOURCE.to_string(),
        map: OffsetMap::identity(text.len()),
        text,
        score: 1.0,
    }
}

/// `n` source words, `w0 w1 … w996 w0 …`, as sentences of ten words.
fn source_words(n: usize) -> String {
    (0..n)
        .map(|k| {
            if k % 10 == 9 {
                format!("w{}.", k % 997)
            } else {
                format!("w{}", k % 997)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Candidates from one fixed region; counts the retrievals.
struct OneRegion {
    region: Region,
    retrievals: AtomicUsize,
}

impl OneRegion {
    fn new(text: String) -> Self {
        OneRegion {
            region: region(text),
            retrievals: AtomicUsize::new(0),
        }
    }
}

impl Retriever for OneRegion {
    fn regions(&self, _: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        self.retrievals.fetch_add(1, Ordering::SeqCst);
        Ok(vec![self.region.clone()])
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        Ok((path == SOURCE).then(|| SourceInfo {
            path: path.to_string(),
            ..Default::default()
        }))
    }

    fn resolve_key(&self, _: &str) -> Result<Vec<String>, IndexError> {
        Ok(Vec::new())
    }
}

fn check_one(retriever: &dyn Retriever, quote: &str) -> sourced::quotes::verdict::Verdict {
    matcher::check(retriever, quote, &Cited::None, &MatchOptions::default()).expect("in memory")
}

#[test]
fn one_check_of_a_200000_word_quotation_stays_within_the_bound_and_says_it_was_not_checked() {
    let retriever = OneRegion::new(source_words(2_000));
    let quote = source_words(200_000);
    let (verdict, peak) = peak_during(|| check_one(&retriever, &quote));
    assert!(
        peak < CHECK_BOUND,
        "one check held {peak} bytes at once (bound {CHECK_BOUND})"
    );
    assert_eq!(verdict.status.as_str(), "too-long");
    assert_eq!(verdict.best, None);
    assert_eq!(
        matcher::too_long_message(&quote),
        "quotation of 200000 words is longer than sourced verifies (max 2000); not checked"
    );
}

#[test]
fn the_longest_quotation_checked_against_the_longest_region_stays_within_the_bound() {
    // The local index's longest region: 46 passages of 100 words.
    let source = source_words(4_600);
    let retriever = OneRegion::new(source.clone());
    // Its first 1,600 words and 390 of its own (2,000 words is the most checked): aligned,
    // not refused, not word for word.
    let own: Vec<String> = (0..390).map(|k| format!("x{k}")).collect();
    let quote = format!(
        "{} {}",
        source.split(' ').take(1_600).collect::<Vec<_>>().join(" "),
        own.join(" ")
    );
    let (verdict, peak) = peak_during(|| check_one(&retriever, &quote));
    assert!(
        peak < CHECK_BOUND,
        "one check held {peak} bytes at once (bound {CHECK_BOUND})"
    );
    assert_eq!(verdict.status.as_str(), "mismatch");
    let best = verdict.best.expect("the passage it differs from");
    assert!(best.text.starts_with("w0 w1 w2"), "{}", &best.text[..40]);
}

#[test]
fn a_quotation_whose_marks_would_overrun_the_budget_is_not_checked() {
    // A region larger than the local index returns (another retriever's may be).
    let retriever = OneRegion::new(source_words(30_000));
    // 1,990 words, each omission mark a row of the alignment that keeps where it started.
    let quote = (0..1_990)
        .map(|k| format!("w{}", k % 997))
        .collect::<Vec<_>>()
        .join(" … ");
    let (verdict, peak) = peak_during(|| check_one(&retriever, &quote));
    assert!(peak < CHECK_BOUND, "held {peak} bytes");
    assert_eq!(verdict.status.as_str(), "too-long");
    assert_eq!(
        matcher::too_long_message(&quote),
        "quotation of 1990 words has too many omission or insertion marks for sourced to verify; not checked"
    );
}

/// Hands out one region; on its first retrieval tells the test it started and waits until
/// the test raised the flag.
struct Gate {
    region: Region,
    started: Mutex<Option<mpsc::Sender<()>>>,
    raised: Mutex<mpsc::Receiver<()>>,
    retrievals: AtomicUsize,
}

impl Retriever for Gate {
    fn regions(&self, _: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        self.retrievals.fetch_add(1, Ordering::SeqCst);
        if let Some(started) = self.started.lock().unwrap().take() {
            started.send(()).unwrap();
            self.raised.lock().unwrap().recv().unwrap();
        }
        Ok(vec![self.region.clone()])
    }

    fn source_info(&self, _: &str) -> Result<Option<SourceInfo>, IndexError> {
        Ok(None)
    }

    fn resolve_key(&self, _: &str) -> Result<Vec<String>, IndexError> {
        Ok(Vec::new())
    }
}

#[test]
fn a_flag_raised_while_a_quotation_is_checked_stops_that_quotation() {
    let (started_tx, started_rx) = mpsc::channel();
    let (raised_tx, raised_rx) = mpsc::channel();
    let retriever = Gate {
        region: region(source_words(3_000)),
        started: Mutex::new(Some(started_tx)),
        raised: Mutex::new(raised_rx),
        retrievals: AtomicUsize::new(0),
    };
    // Not word for word, with an omission: left to run, the check aligns the region, then
    // retrieves wider regions and aligns those.
    let note = format!(
        "She wrote “{} … {}” once.\n",
        (0..400)
            .map(|k| format!("y{k}"))
            .collect::<Vec<_>>()
            .join(" "),
        (0..400)
            .map(|k| format!("z{k}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let quotes = extract::scan(&note, 1).quotes;
    assert_eq!(quotes.len(), 1);
    let flag = CancelFlag::new();
    let raiser = {
        let flag = flag.clone();
        std::thread::spawn(move || {
            started_rx.recv().unwrap();
            flag.cancel();
            raised_tx.send(()).unwrap();
        })
    };
    let result = check_quotes_with(
        &retriever,
        Path::new("/notes"),
        Path::new("/notes/n.md"),
        quotes,
        &MatchOptions::default(),
        None,
        &flag,
    );
    raiser.join().unwrap();
    assert!(
        matches!(result, Err(CheckError::Cancelled)),
        "{:?}",
        result.map(|r| r[0].verdict.status)
    );
    assert_eq!(
        retriever.retrievals.load(Ordering::SeqCst),
        1,
        "the check went on to retrieve wider regions after the flag was raised"
    );
}

/// Regions made of the quotation's own words: every quotation verified.
struct Echo {
    retrievals: AtomicUsize,
}

impl Retriever for Echo {
    fn regions(&self, q: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        self.retrievals.fetch_add(1, Ordering::SeqCst);
        let words: Vec<&str> = q.chunks.iter().flatten().map(String::as_str).collect();
        Ok(vec![region(format!("Before. {}. After.", words.join(" ")))])
    }

    fn source_info(&self, _: &str) -> Result<Option<SourceInfo>, IndexError> {
        Ok(None)
    }

    fn resolve_key(&self, _: &str) -> Result<Vec<String>, IndexError> {
        Ok(Vec::new())
    }
}

#[test]
fn a_note_of_100000_quotations_checked_again_is_answered_from_the_cache() {
    let n = 100_000;
    let note: String = (0..n)
        .map(|i| format!("Line {i}: “quotation number q{i} of the note”.\n\n"))
        .collect();
    let quotes = extract::scan(&note, 1).quotes;
    assert_eq!(quotes.len(), n);
    let retriever = Echo {
        retrievals: AtomicUsize::new(0),
    };
    let cache = VerdictCache::default();
    let check = |quotes| {
        check_quotes_with(
            &retriever,
            Path::new("/notes"),
            Path::new("/notes/n.md"),
            quotes,
            &MatchOptions::default(),
            Some(&cache),
            &CancelFlag::new(),
        )
        .expect("in memory")
    };
    let first = check(quotes.clone());
    assert!(first
        .iter()
        .all(|r| r.verdict.status.as_str() == "verified"));
    let retrieved = retriever.retrievals.load(Ordering::SeqCst);
    assert_eq!(retrieved, n, "one retrieval per quotation the first time");
    let second = check(quotes);
    assert_eq!(
        retriever.retrievals.load(Ordering::SeqCst) - retrieved,
        0,
        "the second check called the matcher again"
    );
    assert_eq!(second.len(), n);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.quote.text, b.quote.text);
        assert_eq!(a.verdict, b.verdict);
    }
    assert_eq!(cache.len(), n);
    let stats = cache.stats();
    assert_eq!((stats.hits, stats.evicted), (n as u64, 0));
}

/// A long quotation copied word for word from a long source is verified, or (past what
/// sourced can align) reported too long: never a mismatch or not found, which would call a
/// correct quotation wrong.
#[test]
fn a_long_verbatim_quotation_is_verified_or_too_long_never_wrong() {
    let dir = tempfile::tempdir().unwrap();
    // One long source: the seeds' paragraphs, one after another, each on one line (so that
    // the Markdown reading of a `.txt` source keeps every word); twice over, as wire copy
    // republished in one archive file would be.
    let mut source = String::new();
    for _ in 0..2 {
        for e in std::fs::read_dir(common::repo().join("seeds")).unwrap() {
            // Without quotation marks, so that the whole run is one quotation in a note.
            let text = std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .replace(['“', '”', '"'], "");
            for para in text.split("\n\n") {
                let para = para.split_whitespace().collect::<Vec<_>>().join(" ");
                source.push_str(&format!("{para}\n\n"));
            }
        }
    }
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/long.txt"), &source).unwrap();
    let (checker, _cache) = common::checker_at(dir.path(), &["src"]);
    let words: Vec<&str> = source.split_whitespace().collect();
    for n in [120, 300, 800, 1_200, 1_600, 2_000, 2_001, 3_000] {
        let start = (words.len() - n) / 2;
        let quote = words[start..start + n].join(" ");
        let note = format!("> {quote}\n");
        let results = common::check(&checker, &note);
        let statuses: Vec<Status> = results.iter().map(|r| r.verdict.status).collect();
        eprintln!("{n}: {statuses:?}");
        assert!(
            statuses
                .iter()
                .all(|s| matches!(s, Status::Verified | Status::TooLong)),
            "{n} words: {statuses:?} {:?}",
            results
                .iter()
                .map(|r| r.verdict.best.as_ref().map(|m| (
                    m.similarity,
                    m.diff
                        .iter()
                        .filter(|d| d.op != sourced::quotes::verdict::Op::Equal)
                        .map(|d| format!(
                            "{:?} note[{}] source[{}] {:?}",
                            d.op,
                            d.note.chars().take(80).collect::<String>(),
                            d.source.chars().take(80).collect::<String>(),
                            d.note_range
                        ))
                        .collect::<Vec<_>>()
                )))
                .collect::<Vec<_>>()
        );
    }
}
