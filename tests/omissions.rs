//! Every omission the quote rules accept is findable: retrieval loads and merges as far around
//! its hits as the quote's omissions reach, so that pieces up to `MAX_OMITTED_WORDS` source
//! words apart land in one region, even when a piece's own passage is not among the hits.

mod common;
use common::*;
use sourced::check::{Checker, QuoteResult};
use sourced::quotes::pattern::MAX_OMITTED_WORDS;
use sourced::quotes::verdict::Status;
use std::path::Path;

/// The `i`th generated word: letters only, distinct for every `i`, no function word.
fn word(i: usize) -> String {
    let mut s = String::from("zq");
    let mut n = i;
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    s
}

/// Words `from..to` of the generated text, separated by spaces.
fn words(from: usize, to: usize) -> String {
    (from..to).map(word).collect::<Vec<_>>().join(" ")
}

/// A source of `n` generated words, ten to a line.
fn generated(n: usize) -> String {
    (0..n)
        .collect::<Vec<_>>()
        .chunks(10)
        .map(|c| words(c[0], c[0] + c.len()) + "\n")
        .collect()
}

fn write(root: &Path, name: &str, text: &str) {
    let p = root.join("src").join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A quote of `len` words from `at`, then `…`, then `len` words after `gap` omitted words.
fn quote(at: usize, len: usize, gap: usize) -> String {
    let second = at + len + gap;
    format!(
        "“{} … {}”",
        words(at, at + len),
        words(second, second + len)
    )
}

fn check_one(c: &Checker, q: &str) -> QuoteResult {
    let note = format!("The speaker said {q} on the day.\n");
    let mut r = c
        .check_note(&repo().join("examples/test-note.md"), &note)
        .unwrap();
    assert_eq!(r.len(), 1, "{r:#?}");
    r.remove(0)
}

/// The bytes of `root`'s source file that a verdict points at.
fn matched(root: &Path, r: &QuoteResult) -> String {
    let m = r.verdict.best.as_ref().expect("a source match");
    let text = std::fs::read_to_string(root.join(&m.path)).unwrap();
    text[m.range.clone()].to_string()
}

/// Verified, in `src/speech.txt`, from the first piece's first word to the second piece's last.
fn assert_verified(root: &Path, r: &QuoteResult, at: usize, len: usize, gap: usize, what: &str) {
    assert_eq!(r.verdict.status, Status::Verified, "{what}: {r:#?}");
    let m = r.verdict.best.as_ref().unwrap();
    assert_eq!(m.path, "src/speech.txt", "{what}");
    let bytes = matched(root, r);
    assert!(bytes.starts_with(&words(at, at + len)), "{what}: {bytes}");
    let second = at + len + gap;
    assert!(
        bytes.ends_with(&words(second, second + len)),
        "{what}: {bytes}"
    );
}

#[test]
fn pieces_as_far_apart_as_an_omission_may_skip_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "speech.txt", &generated(6000));
    let (c, _t) = checker_at(root, &["src"]);
    // The first piece starting anywhere in a passage (passages are 100 words), the second
    // 396 or exactly MAX_OMITTED_WORDS words further.
    for (at, gap) in [
        (500, 396),
        (1203, 396),
        (2090, 396),
        (3000, MAX_OMITTED_WORDS),
        (3545, MAX_OMITTED_WORDS),
        (4095, MAX_OMITTED_WORDS),
    ] {
        let r = check_one(&c, &quote(at, 5, gap));
        assert_verified(root, &r, at, 5, gap, &format!("{at} +{gap}"));
    }
    // One word more than an omission may skip is not the quoted text.
    let r = check_one(&c, &quote(5000, 5, MAX_OMITTED_WORDS + 1));
    assert_ne!(r.verdict.status, Status::Verified, "{r:#?}");
    let r = check_one(&c, &quote(5000, 5, MAX_OMITTED_WORDS + 50));
    assert_ne!(r.verdict.status, Status::Verified, "{r:#?}");
}

/// Distractor sources that each hold `phrases` twice: the words of those phrases are then in
/// more than one passage in twenty (common), so they do not make a passage a hit.
fn distractors(root: &Path, phrases: &[String]) {
    for i in 0..30 {
        let filler = words(100_000 + i * 60, 100_000 + i * 60 + 40);
        let both = phrases.join(" ");
        write(
            root,
            &format!("d/{i:02}.txt"),
            &format!("{both}\n{filler}\n{both}\n"),
        );
    }
}

#[test]
fn a_piece_whose_passage_is_not_a_hit_is_still_in_the_region() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "speech.txt", &generated(2000));
    let (at, len, gap) = (700, 6, 396);
    let second = at + len + gap;
    distractors(root, &[words(second, second + len)]);
    let (c, _t) = checker_at(root, &["src"]);
    let r = check_one(&c, &quote(at, len, gap));
    assert_verified(root, &r, at, len, gap, "second piece not a hit");
}

#[test]
fn every_piece_of_a_quote_with_several_omissions_is_in_reach_of_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "speech.txt", &generated(3000));
    // Three pieces, 390 words apart each, only the first piece's passage a hit.
    let (at, len, gap) = (400, 5, 390);
    let b = at + len + gap;
    let cc = b + len + gap;
    distractors(root, &[words(b, b + len), words(cc, cc + len)]);
    let (c, _t) = checker_at(root, &["src"]);
    let q = format!(
        "“{} … {} … {}”",
        words(at, at + len),
        words(b, b + len),
        words(cc, cc + len)
    );
    let r = check_one(&c, &q);
    assert_eq!(r.verdict.status, Status::Verified, "{r:#?}");
    let bytes = matched(root, &r);
    assert!(bytes.starts_with(&words(at, at + len)), "{bytes}");
    assert!(bytes.ends_with(&words(cc, cc + len)), "{bytes}");
}

#[test]
fn the_reach_of_a_quote_is_what_its_omissions_may_skip_together() {
    use sourced::quotes::pattern::Pattern;
    let reach = |q: &str| Pattern::parse(q).reach_words();
    assert_eq!(reach("one two three four"), 0);
    assert_eq!(reach("said [the US] would [sic] go"), 0);
    assert_eq!(reach("... one two three ..."), 0);
    assert_eq!(reach("one two … three four"), MAX_OMITTED_WORDS);
    assert_eq!(
        reach("one [...] two [the US] three . . . four"),
        2 * MAX_OMITTED_WORDS
    );
}

/// The first and last normalised word of each region, and its path.
fn region_bounds(regions: &[sourced::index::retrieve::Region]) -> Vec<(String, String, String)> {
    regions
        .iter()
        .map(|r| {
            let w = sourced::text::normalize::normalized_words(&r.text);
            (
                r.path.clone(),
                w.first().unwrap().0.clone(),
                w.last().unwrap().0.clone(),
            )
        })
        .collect()
}

#[test]
fn regions_reach_as_far_as_the_quote_and_no_further_without_omission() {
    use sourced::index::retrieve::{CandidateQuery, Retriever};
    use sourced::index::{RefreshOptions, SourceIndex};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "speech.txt", &generated(3000));
    let (files, _) = sourced::corpus::discover(
        &["src".into()],
        root,
        &globset::GlobSet::empty(),
        Default::default(),
    );
    let (index, _) = SourceIndex::open(&root.join(".sourced")).unwrap();
    index.refresh(&files, &RefreshOptions::default()).unwrap();
    let regions = |chunks: &[(usize, usize)], reach: usize| {
        let q = CandidateQuery {
            chunks: chunks
                .iter()
                .map(|&(a, b)| (a..b).map(word).collect())
                .collect(),
            only_path: None,
            limit: 16,
            reach_words: reach,
        };
        let mut r = region_bounds(&index.regions(&q).unwrap());
        r.sort();
        r
    };
    let span = |a: usize, b: usize| vec![("src/speech.txt".to_string(), word(a), word(b))];
    // Without omission: the hit's passage (7: words 700..800) and one either side, as before.
    // (Words 740..744: past the first 24 words of passage 7, which passage 6 also indexes.)
    assert_eq!(regions(&[(740, 744)], 0), span(600, 899));
    // Hits four passages apart are two regions without omission ...
    let two = regions(&[(740, 744), (1150, 1154)], 0);
    let mut want = [span(600, 899), span(1000, 1299)].concat();
    want.sort();
    assert_eq!(two, want);
    // ... and one with an omission, as is one hit with what the omission may reach.
    assert_eq!(
        regions(&[(740, 744), (1150, 1154)], MAX_OMITTED_WORDS),
        span(200, 1699)
    );
    assert_eq!(regions(&[(740, 744)], 396), span(200, 1299));
    // A hit among the first words of a passage is a hit of the passage before too (it
    // indexes them: schema::PASSAGE_OVERLAP_WORDS), whose neighbour is loaded as well.
    assert_eq!(regions(&[(720, 724)], 0), span(500, 899));
    // Bounded however many omissions the quote holds: 11 passages either side.
    assert_eq!(
        regions(&[(1540, 1544)], 20 * MAX_OMITTED_WORDS),
        span(400, 2699)
    );
}
