//! Hostile PDFs: a content stream that inflates far past its size, deep nesting.

mod common;

use common::pdf::{inflate_bomb, pdf_with, pdf_with_content, HELVETICA};
use sourced::corpus::pdf::{read, PdfLimits};

#[test]
fn a_page_of_endless_text_is_cut_at_the_glyph_limit() {
    let content = "BT /F1 12 Tf 72 700 Td (word ) Tj ET\n".repeat(50_000);
    let pdf = pdf_with(content.as_bytes(), None, HELVETICA);
    let limits = PdfLimits {
        max_glyphs_per_page: 1_000,
        ..PdfLimits::default()
    };
    let r = read(&pdf, &limits).unwrap();
    assert_eq!(
        r.notes,
        ["page 1: more than 1000 glyphs, the rest left out"]
    );
    assert!(r.text.len() < 10_000, "{}", r.text.len());
}

#[test]
fn a_well_formed_hand_made_pdf_reads() {
    let pdf = pdf_with_content(b"", None);
    assert_eq!(
        read(&pdf, &PdfLimits::default()).unwrap_err(),
        "scanned: no text layer, OCR it first"
    );
}

#[test]
fn a_stream_that_inflates_to_hundreds_of_megabytes_ends() {
    let mb: usize = std::env::var("PDF_BOMB_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let pdf = inflate_bomb(mb);
    eprintln!("bomb: {} bytes inflating to {mb} MB", pdf.len());
    // Inflated in full by lopdf (no cap there: memory grows with the inflated size), then
    // read as content: NUL bytes, no text.
    assert_eq!(
        read(&pdf, &PdfLimits::default()).unwrap_err(),
        "scanned: no text layer, OCR it first"
    );
}

#[test]
fn deep_nesting_ends() {
    let depth: usize = std::env::var("PDF_NEST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let mut content = "[".repeat(depth).into_bytes();
    content.extend("]".repeat(depth).bytes());
    let pdf = pdf_with_content(&content, None);
    assert_eq!(
        read(&pdf, &PdfLimits::default()).unwrap_err(),
        "scanned: no text layer, OCR it first"
    );
    let nested = format!(" /Nested {}{}", "[".repeat(depth), "]".repeat(depth));
    let pdf = pdf_with(b"", None, &nested);
    assert_eq!(
        read(&pdf, &PdfLimits::default()).unwrap_err(),
        "not a readable PDF: it has no pages"
    );
}
