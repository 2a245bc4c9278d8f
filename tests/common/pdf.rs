//! Hand-made PDFs for the tests: one page whose content stream is given, stored raw or
//! with a filter.

use std::io::Write;

/// A one-page PDF whose page content is `content`, stored with `filter` (if any).
pub fn pdf_with_content(content: &[u8], filter: Option<&str>) -> Vec<u8> {
    pdf_with(content, filter, "")
}

/// The same, with `extra` in the page dictionary.
pub fn pdf_with(content: &[u8], filter: Option<&str>, extra: &str) -> Vec<u8> {
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

/// A one-page PDF whose content stream is `mb` MiB of zeros, deflated (0.5 MB per GiB).
pub fn inflate_bomb(mb: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..mb {
        z.write_all(&zeros).unwrap();
    }
    pdf_with_content(&z.finish().unwrap(), Some("FlateDecode"))
}
