//! Hostile PDFs: a content stream that inflates far past its size, deep nesting.

use sourced::corpus::pdf::{read, PdfLimits};
use std::io::Write;

/// A one-page PDF whose page content is `content`, stored with `filter` (if any).
fn pdf_with_content(content: &[u8], filter: Option<&str>) -> Vec<u8> {
    pdf_with(content, filter, "")
}

/// The same, with `extra` in the page dictionary.
fn pdf_with(content: &[u8], filter: Option<&str>, extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    let filter = filter.map(|f| format!(" /Filter /{f}")).unwrap_or_default();
    let resources = if extra.contains("/Resources") {
        ""
    } else {
        " /Resources << >>"
    };
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R{resources}{extra} >>")
            .into_bytes(),
        [
            format!("<< /Length {}{filter} >>\nstream\n", content.len()).into_bytes(),
            content.to_vec(),
            b"\nendstream".to_vec(),
        ]
        .concat(),
    ];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

#[test]
fn a_page_of_endless_text_is_cut_at_the_glyph_limit() {
    let content = "BT /F1 12 Tf 72 700 Td (word ) Tj ET\n".repeat(50_000);
    let font =
        " /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>";
    let pdf = pdf_with(content.as_bytes(), None, font);
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
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..mb {
        z.write_all(&zeros).unwrap();
    }
    let packed = z.finish().unwrap();
    let pdf = pdf_with_content(&packed, Some("FlateDecode"));
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
