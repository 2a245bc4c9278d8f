//! The PDF reader on fixtures made by tests/fixtures/pdf/make.sh from the text in its seeds/:
//! sentences across a page turn, a column break and a hyphenated line end are read word for
//! word; running headers, footers and page numbers are gone; pages are right; bad files
//! give clear errors.

mod common;

use common::pdf::{pdf_of, stream, HELVETICA};
use sourced::corpus::pdf::{read, PdfLimits};
use sourced::corpus::rendition::Rendition;

/// A committed fixture, or the same rebuilt by make.sh into `SOURCED_PDF_FIXTURES` (tests/run.sh
/// does that with the producers .ci/run installs, and runs these tests on them too).
fn fixture(name: &str) -> Vec<u8> {
    let dir = std::env::var("SOURCED_PDF_FIXTURES")
        .unwrap_or_else(|_| format!("{}/tests/fixtures/pdf", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{dir}/{name}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rendition(name: &str) -> Rendition {
    read(&fixture(name), &PdfLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn visible(r: &Rendition) -> String {
    r.document.joined().0
}

/// The seed's sentences (title left out), each with its words joined by single spaces.
fn seed_sentences(seed: &str) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/pdf/seeds/{seed}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.split("\n\n").skip(1).collect::<Vec<_>>().join(" ");
    let words = body.split_whitespace().collect::<Vec<_>>().join(" ");
    words
        .split_inclusive(". ")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The page of the rendition at the start of `needle` in the visible text.
fn page_of(r: &Rendition, needle: &str) -> Option<u32> {
    let (text, map) = r.document.joined();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text}"));
    Rendition::place_at(&r.places, map.start_of(at))?.page
}

/// Every visible word maps back to the same word in the rendition (a word glued across a
/// line end or a page turn maps to its halves with the hyphen, line break and marker).
fn assert_words_map_back(r: &Rendition) {
    let (text, map) = r.document.joined();
    let mut at = 0;
    for word in text.split(|c: char| c.is_whitespace()) {
        let start = at;
        at += word.len() + 1;
        if word.is_empty() {
            continue;
        }
        let src = map.start_of(start)..map.end_of(start + word.len());
        let back: String = r.text[src.clone()]
            .lines()
            .filter(|l| !l.starts_with("[p. "))
            .collect::<Vec<_>>()
            .join("\n");
        // A hyphen at a line end is dropped (a hyphenated word) or kept (a compound).
        let dropped = back.replace("-\n", "").replace('\n', "");
        let kept = back.replace('\n', "");
        assert!(
            dropped == word || (kept == word && back.contains("-\n")),
            "visible word {word:?} maps to {:?}",
            &r.text[src]
        );
    }
}

#[test]
fn every_seed_sentence_is_read_word_for_word() {
    for (pdf, seed) in [
        ("one-column.pdf", "council.txt"),
        ("two-column.pdf", "council.txt"),
        ("latex-two-column.pdf", "council.txt"),
        ("three-column.pdf", "council.txt"),
        ("latex-three-column.pdf", "council.txt"),
        ("encrypted.pdf", "council.txt"),
        ("footnote.pdf", "footnote.txt"),
    ] {
        let r = rendition(pdf);
        let text = visible(&r);
        let missing: Vec<String> = seed_sentences(seed)
            .into_iter()
            .filter(|s| !text.contains(s.as_str()))
            .collect();
        assert_eq!(missing, Vec::<String>::new(), "{pdf}:\n{text}");
        assert_words_map_back(&r);
    }
}

#[test]
fn a_long_two_column_text_is_read_whole() {
    // Eight copies of the seed: justified columns whose glyphs reach into the gutter's edges
    // (once read as full-width rows, mixing the columns), and body lines that repeat at the
    // top of pages (once dropped as running headers).
    let r = rendition("long-two-column.pdf");
    let text = visible(&r).split_whitespace().collect::<Vec<_>>().join(" ");
    for s in seed_sentences("council.txt") {
        assert_eq!(text.matches(s.as_str()).count(), 8, "{s}\n{text}");
    }
    assert_words_map_back(&r);
}

#[test]
fn a_court_filing_loses_its_margin_line_numbers_and_filing_stamp() {
    let r = rendition("numbered.pdf");
    let text = visible(&r);
    // The caption, centred capitals whose glyph positions drift (sorted by position they
    // read "COUTR").
    assert!(
        text.starts_with("UNITED STATES DISTRICT COURT\n\nFOR THE DISTRICT OF COLUMBIA\n\n"),
        "{text}"
    );
    for s in seed_sentences("council.txt") {
        assert!(text.contains(s.as_str()), "{s}\n{text}");
    }
    assert!(
        !text
            .split_whitespace()
            .any(|w| w.chars().all(|c| c.is_ascii_digit())),
        "{text}"
    );
    // "Case 1:24-cv-00417-RDM Document 12 Filed 03/04/24 Page 1 of 2" tops every page.
    assert!(
        !text.contains("Filed") && !text.contains("Case 1"),
        "{text}"
    );
    assert_eq!(page_of(&r, "to publish the complete"), Some(1));
    assert_eq!(page_of(&r, "publish the complete engineering"), Some(2));
}

#[test]
fn a_sentence_across_a_page_turn_has_the_marker_between_its_halves() {
    let r = rendition("one-column.pdf");
    assert!(r.text.starts_with("[p. 1]\n"), "{}", r.text);
    assert!(
        r.text.contains("navigation\n[p. 2]\nchannel were narrowed"),
        "{}",
        r.text
    );
    assert_eq!(page_of(&r, "the navigation channel"), Some(1));
    assert_eq!(page_of(&r, "channel were narrowed"), Some(2));
    assert_eq!(page_of(&r, "The meeting closed"), Some(3));
    let two = rendition("two-column.pdf");
    assert_eq!(page_of(&two, "The harbour council met"), Some(1));
    assert_eq!(page_of(&two, "After a lengthy discussion"), Some(2));
}

#[test]
fn columns_are_read_one_after_the_other() {
    for pdf in [
        "two-column.pdf",
        "latex-two-column.pdf",
        "three-column.pdf",
        "latex-three-column.pdf",
    ] {
        let text = visible(&rendition(pdf));
        let a = text.find("independent consultants.").unwrap();
        let b = text.find("The chairwoman reminded").unwrap();
        let c = text.find("A representative of the fishing").unwrap();
        assert!(a < b && b < c, "{pdf}: {text}");
    }
}

#[test]
fn words_hyphenated_at_a_line_end_are_joined_and_compounds_kept() {
    let r = rendition("latex-two-column.pdf");
    // TeX hyphenates these at line ends in this layout; the rendition keeps the hyphen.
    assert!(r.text.contains("-\n"), "{}", r.text);
    let text = visible(&r);
    for w in [
        "underestimated",
        "extraordinary",
        "mixed-mode",
        "procrastination",
    ] {
        assert!(text.contains(w), "{w}: {text}");
    }
    assert!(!text.contains("- "), "{text}");
}

#[test]
fn three_narrow_columns_with_hyphens_across_a_page_turn_and_at_a_compound() {
    let r = rendition("latex-three-column.pdf");
    // "during" hyphenated where the page turns: glued across the marker.
    assert!(
        r.text.contains("dur-\n[p. 2]\ning construction"),
        "{}",
        r.text
    );
    let text = visible(&r);
    assert_eq!(
        text.matches("if the navigation channel were narrowed during construction")
            .count(),
        2,
        "{text}"
    );
    // "mixed-" / "mode" at a line end in the first copy, whole in the second: the document's
    // own spelling keeps the hyphen in both.
    assert!(r.text.contains("a mixed-\nmode scheme"), "{}", r.text);
    assert_eq!(text.matches("a mixed-mode scheme").count(), 2, "{text}");
    assert!(!text.contains("mixedmode"), "{text}");
    // The three columns of page 1 in order: the first copy's paragraphs one after another.
    let starts: Vec<usize> = seed_sentences("council.txt")
        .iter()
        .map(|s| text.find(s.as_str()).unwrap_or_else(|| panic!("{s}")))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
}

#[test]
fn running_headers_footers_and_page_numbers_are_dropped() {
    for (pdf, gone) in [
        (
            "one-column.pdf",
            &["Harbour Council Minutes", "Page 1", "of 3"][..],
        ),
        ("two-column.pdf", &["Estuary Review"][..]),
        (
            "latex-two-column.pdf",
            &["Proceedings of the Harbour Council"][..],
        ),
    ] {
        let r = rendition(pdf);
        let text = visible(&r);
        for g in gone {
            assert!(!text.contains(g), "{pdf}: {g:?} in {text}");
        }
        // No block is a bare page number.
        for b in &r.document.blocks {
            assert!(
                !b.text.trim().chars().all(|c| c.is_ascii_digit()),
                "{pdf}: {:?}",
                b.text
            );
        }
    }
}

#[test]
fn a_footnote_is_its_own_marked_paragraph_after_the_body() {
    let r = rendition("footnote.pdf");
    let blocks: Vec<&str> = r.document.blocks.iter().map(|b| b.text.as_str()).collect();
    let last = blocks.last().unwrap();
    assert!(
        last.starts_with("1 The archivist's transcription"),
        "{blocks:?}"
    );
    assert!(last.ends_with("reference LH/4/2."), "{blocks:?}");
    assert!(blocks[..blocks.len() - 1]
        .iter()
        .all(|b| !b.contains("archivist's")));
    assert!(
        r.text.contains("[footnote, p. 1]\n1 The archivist"),
        "{}",
        r.text
    );
}

/// TeX's footnote at the foot of the right column of page 1, level with the left column's
/// text and between the halves of a sentence that runs on to page 2; its reference mark, a
/// small raised "1", is in the rendition only.
#[test]
fn a_footnote_between_the_halves_of_a_sentence_across_a_page_turn() {
    let r = rendition("latex-two-column.pdf");
    let text = visible(&r);
    assert!(
        text.contains("the youngest councillor, who observed that the communities downstream"),
        "{text}"
    );
    assert!(
        text.contains("before the summer recess.\n\nThe meeting closed"),
        "{text}"
    );
    assert!(
        text.ends_with("\n\nThe summer recess begins on the first Monday of August."),
        "{text}"
    );
    assert!(r.text.contains("re-\ncess.[^1]\n"), "{}", r.text);
    assert!(
        r.text
            .contains("\n[footnote, p. 1]\n[^1]The summer recess begins"),
        "{}",
        r.text
    );
    assert_eq!(page_of(&r, "The summer recess begins"), Some(1));
    assert_words_map_back(&r);
}

#[test]
fn metadata_comes_from_the_info_dictionary() {
    let r = rendition("one-column.pdf");
    assert_eq!(r.meta.title.as_deref(), Some("Harbour Council Minutes"));
    let date = r.meta.date.clone().unwrap();
    assert!(
        date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
        "{date}"
    );
}

/// A PDF without an Info dictionary whose catalog has an XMP packet (deflated, with an
/// entity in the title and two creators).
#[test]
fn metadata_comes_from_xmp_when_there_is_no_info_dictionary() {
    use std::io::Write;
    let xmp = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2023-06-14T10:02:11+02:00">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Harbour &amp; Estuary Report</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Ada Lovelace</rdf:li><rdf:li>Mary Somerville</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"#;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(xmp.as_bytes()).unwrap();
    let packet = stream(
        &z.finish().unwrap(),
        " /Type /Metadata /Subtype /XML /Filter /FlateDecode",
    );
    let content = b"BT /F1 12 Tf 72 700 Td (The council met on Tuesday.) Tj ET";
    let pdf = pdf_of(content, None, HELVETICA, " /Metadata 5 0 R", &[packet]);
    let r = read(&pdf, &PdfLimits::default()).unwrap();
    assert_eq!(r.meta.title.as_deref(), Some("Harbour & Estuary Report"));
    assert_eq!(
        r.meta.author.as_deref(),
        Some("Ada Lovelace, Mary Somerville")
    );
    assert_eq!(r.meta.date.as_deref(), Some("2023-06-14"));
    assert!(r.text.contains("The council met on Tuesday."), "{}", r.text);
}

#[test]
fn an_encrypted_pdf_with_an_empty_password_reads_like_the_plain_one() {
    assert_eq!(
        visible(&rendition("encrypted.pdf")),
        visible(&rendition("one-column.pdf"))
    );
}

#[test]
fn bad_files_give_clear_errors() {
    let limits = PdfLimits::default();
    assert_eq!(
        read(&fixture("scanned.pdf"), &limits).unwrap_err(),
        "scanned: no text layer, OCR it first"
    );
    let e = read(&fixture("truncated.pdf"), &limits).unwrap_err();
    assert!(e.starts_with("not a readable PDF"), "{e}");
    let e = read(b"hello, not a pdf", &limits).unwrap_err();
    assert_eq!(e, "not a PDF: no %PDF header");
    let e = read(b"", &limits).unwrap_err();
    assert_eq!(e, "not a PDF: no %PDF header");
}

#[test]
fn pages_past_the_limit_are_left_out_with_a_note() {
    let limits = PdfLimits {
        max_pages: 1,
        ..PdfLimits::default()
    };
    let r = read(&fixture("one-column.pdf"), &limits).unwrap();
    assert!(!r.text.contains("[p. 2]"), "{}", r.text);
    assert_eq!(
        r.notes,
        ["only the first 1 of 3 pages were read (the page limit)"]
    );
}
