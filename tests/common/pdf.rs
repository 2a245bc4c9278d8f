//! Hand-made PDFs for the tests: one page whose content stream is given, stored raw or
//! with a filter, and objects of one's own (a metadata stream).

use std::io::Write;

/// A one-page PDF whose page content is `content`, stored with `filter` (if any).
pub fn pdf_with_content(content: &[u8], filter: Option<&str>) -> Vec<u8> {
    pdf_with(content, filter, "")
}

/// The same, with `extra` in the page dictionary.
pub fn pdf_with(content: &[u8], filter: Option<&str>, extra: &str) -> Vec<u8> {
    pdf_of(content, filter, extra, "", &[])
}

/// A stream object: its dictionary entries (`extra`) and bytes.
pub fn stream(bytes: &[u8], extra: &str) -> Vec<u8> {
    [
        format!("<< /Length {}{extra} >>\nstream\n", bytes.len()).into_bytes(),
        bytes.to_vec(),
        b"\nendstream".to_vec(),
    ]
    .concat()
}

/// A one-page PDF: the page's content stored with `filter`, `page_extra` in the page
/// dictionary, `catalog_extra` in the catalog, and `more` objects numbered from 5.
pub fn pdf_of(
    content: &[u8],
    filter: Option<&str>,
    page_extra: &str,
    catalog_extra: &str,
    more: &[Vec<u8>],
) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    let filter = filter.map(|f| format!(" /Filter /{f}")).unwrap_or_default();
    let resources = if page_extra.contains("/Resources") {
        ""
    } else {
        " /Resources << >>"
    };
    let mut objects: Vec<Vec<u8>> = vec![
        format!("<< /Type /Catalog /Pages 2 0 R{catalog_extra} >>").into_bytes(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R{resources}{page_extra} >>")
            .into_bytes(),
        stream(content, &filter),
    ];
    objects.extend(more.iter().cloned());
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

/// A page dictionary's resources with Helvetica as /F1.
pub const HELVETICA: &str =
    " /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>";

/// A one-page PDF whose content stream is `mb` MiB of zeros, deflated (0.5 MB per GiB).
pub fn inflate_bomb(mb: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..mb {
        z.write_all(&zeros).unwrap();
    }
    pdf_with_content(&z.finish().unwrap(), Some("FlateDecode"))
}
