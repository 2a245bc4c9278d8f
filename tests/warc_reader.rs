//! The WARC and WACZ reader on files written by independent writers: warcio and py-wacz
//! (tests/fixtures/warc/make.py says what each file holds). Record offsets are the ones
//! `warcio index` gives for the committed files.

use proptest::prelude::*;
use sourced::corpus::warc::{
    read_wacz, read_warc, ArchiveContents, ArchiveLimits, ArchivedPage, Redirect,
};
use sourced::corpus::web_page::decode_page;
use std::io::Write;

const PAGES_GZ: &[u8] = include_bytes!("fixtures/warc/pages.warc.gz");
const PLAIN_1_0: &[u8] = include_bytes!("fixtures/warc/plain-1.0.warc");
const WACZ: &[u8] = include_bytes!("fixtures/warc/pages.wacz");

fn text(page: &ArchivedPage) -> String {
    let (text, note) = decode_page(&page.body, page.content_type.as_deref());
    assert_eq!(note, None, "{}", page.url);
    text
}

/// Each page as (record, url, date, status, content type).
fn listed(contents: &ArchiveContents) -> Vec<(&str, &str, &str, u16, &str)> {
    contents
        .pages
        .iter()
        .map(|p| {
            (
                p.record.as_str(),
                p.url.as_str(),
                p.date.as_deref().unwrap_or("-"),
                p.status,
                p.content_type.as_deref().unwrap_or("-"),
            )
        })
        .collect()
}

fn page<'a>(contents: &'a ArchiveContents, record: &str) -> &'a ArchivedPage {
    contents
        .pages
        .iter()
        .find(|p| p.record == record)
        .unwrap_or_else(|| panic!("no page {record}"))
}

const ARTICLE_DATE: &str = "2024-03-05T09:00:00Z";

#[test]
fn a_gzipped_warc_gives_its_pages_redirects_and_revisits_in_record_order() {
    let c = read_warc(PAGES_GZ, ArchiveLimits::default()).unwrap();
    assert_eq!(
        listed(&c),
        [
            (
                "578",
                "https://example.org/article",
                ARTICLE_DATE,
                200,
                "text/html; charset=utf-8"
            ),
            (
                "1231",
                "https://example.org/cp1252",
                "2024-03-05T09:01:00Z",
                200,
                "text/html"
            ),
            (
                "1652",
                "https://example.org/chunked",
                "2024-03-05T09:02:00Z",
                200,
                "text/html; charset=utf-8"
            ),
            (
                "2460",
                "https://example.org/new",
                "2024-03-05T09:03:01Z",
                200,
                "text/html"
            ),
            (
                "2834",
                "https://example.org/article",
                "2024-04-01T10:00:00Z",
                200,
                "text/html; charset=utf-8"
            ),
            (
                "3971",
                "https://example.org/notes.txt",
                "2024-03-05T09:06:00Z",
                200,
                "text/plain; charset=utf-8"
            ),
        ]
    );
    assert_eq!(
        c.redirects,
        [Redirect {
            from: "http://example.org/old".into(),
            to: "http://example.org/new".into(),
            date: Some("2024-03-05T09:03:00Z".into()),
        }]
    );
    // The 404 is named; the PNG, the request and the warcinfo are skipped silently.
    assert_eq!(
        c.notes,
        ["3229: https://example.org/missing: skipped: HTTP 404"]
    );
    assert!(c.pages.iter().all(|p| p.title.is_none()));
}

#[test]
fn page_bodies_are_decoded_by_their_declared_charset() {
    let c = read_warc(PAGES_GZ, ArchiveLimits::default()).unwrap();
    let article = text(page(&c, "578"));
    assert!(
        article
            .contains("The harbour master said \u{201C}the tables were wrong\u{201D} on Monday."),
        "{article}"
    );
    // windows-1252 declared only by <meta charset>: the curly quotes and the dash come out.
    let cp1252 = text(page(&c, "1231"));
    assert!(
        cp1252
            .contains("<p>She called it \u{201C}la derni\u{E8}re fois\u{201D} \u{2013} twice.</p>"),
        "{cp1252}"
    );
    assert!(cp1252.contains("<title>Caf\u{E9}</title>"), "{cp1252}");
    assert_eq!(
        text(page(&c, "3971")),
        "Plain notes: \u{201C}quoted\u{201D}.\n"
    );
}

#[test]
fn a_chunked_gzip_encoded_body_is_dechunked_and_inflated() {
    let c = read_warc(PAGES_GZ, ArchiveLimits::default()).unwrap();
    assert_eq!(
        text(page(&c, "1652")),
        "<html><body><p>Sent in chunks, compressed with gzip.</p></body></html>"
    );
}

#[test]
fn a_revisit_is_the_payload_it_repeats_under_its_own_date() {
    let c = read_warc(PAGES_GZ, ArchiveLimits::default()).unwrap();
    let (original, revisit) = (page(&c, "578"), page(&c, "2834"));
    assert_eq!(revisit.body, original.body);
    assert!(!revisit.body.is_empty());
    assert_eq!(revisit.date.as_deref(), Some("2024-04-01T10:00:00Z"));
}

#[test]
fn a_revisit_whose_capture_is_not_in_the_file_is_noted() {
    // The revisit's gzip member alone (offsets 2834 to 3229).
    let c = read_warc(&PAGES_GZ[2834..3229], ArchiveLimits::default()).unwrap();
    assert_eq!(c.pages, []);
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(
        c.notes[0].starts_with(
            "0: https://example.org/article: revisit skipped: the capture it repeats (sha1:"
        ) && c.notes[0].ends_with(") is not in this archive"),
        "{:?}",
        c.notes
    );
}

#[test]
fn an_uncompressed_warc_1_0_with_a_resource_record_is_read() {
    let c = read_warc(PLAIN_1_0, ArchiveLimits::default()).unwrap();
    assert_eq!(
        listed(&c),
        [
            (
                "0",
                "http://example.com/old-format",
                "2010-01-02T03:04:05Z",
                200,
                "text/html"
            ),
            (
                "527",
                "http://example.com/readme.txt",
                "2010-01-02T03:04:06Z",
                200,
                "text/plain"
            ),
        ]
    );
    assert_eq!(
        text(&c.pages[0]),
        "<html><head><title>Old format</title></head><body><p>Written as WARC/1.0.</p></body></html>"
    );
    assert_eq!(text(&c.pages[1]), "A resource record: no HTTP headers.\n");
    assert_eq!(c.notes, Vec::<String>::new());
}

#[test]
fn a_wacz_gives_the_pages_of_its_warcs_with_titles_from_pages_jsonl() {
    let c = read_wacz(WACZ, ArchiveLimits::default()).unwrap();
    let w = "archive/pages.warc.gz:";
    let pages: Vec<(String, &str, Option<&str>)> = c
        .pages
        .iter()
        .map(|p| {
            (
                p.record.replace(w, "W:"),
                p.url.as_str(),
                p.title.as_deref(),
            )
        })
        .collect();
    let title = Some("Tide tables (from pages.jsonl)");
    assert_eq!(
        pages,
        [
            ("W:578".to_string(), "https://example.org/article", title),
            ("W:1231".into(), "https://example.org/cp1252", None),
            ("W:1652".into(), "https://example.org/chunked", None),
            ("W:2460".into(), "https://example.org/new", Some("New home")),
            ("W:2834".into(), "https://example.org/article", title),
            ("W:3971".into(), "https://example.org/notes.txt", None),
        ]
    );
    assert_eq!(c.redirects.len(), 1);
    assert_eq!(
        c.notes,
        ["archive/pages.warc.gz:3229: https://example.org/missing: skipped: HTTP 404"]
    );
    // The same pages as the WARC read alone.
    let alone = read_warc(PAGES_GZ, ArchiveLimits::default()).unwrap();
    for (a, b) in c.pages.iter().zip(&alone.pages) {
        assert_eq!(a.body, b.body, "{}", a.url);
    }
}

#[test]
fn a_gzipped_warc_cut_short_keeps_the_records_before_the_cut() {
    // Cut inside the member of https://example.org/new (2460 to 2834).
    let c = read_warc(&PAGES_GZ[..2600], ArchiveLimits::default()).unwrap();
    let records: Vec<&str> = c.pages.iter().map(|p| p.record.as_str()).collect();
    assert_eq!(records, ["578", "1231", "1652"]);
    assert_eq!(c.redirects.len(), 1);
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(
        c.notes[0].starts_with("the file is cut inside the gzip member at 2460 ("),
        "{:?}",
        c.notes
    );
}

#[test]
fn an_uncompressed_warc_cut_short_keeps_the_records_before_the_cut() {
    let c = read_warc(&PLAIN_1_0[..880], ArchiveLimits::default()).unwrap();
    let records: Vec<&str> = c.pages.iter().map(|p| p.record.as_str()).collect();
    assert_eq!(records, ["0"]);
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(
        c.notes[0].starts_with("the file is cut inside the record at 527: "),
        "{:?}",
        c.notes
    );
    // Cut inside a header.
    let c = read_warc(&PLAIN_1_0[..560], ArchiveLimits::default()).unwrap();
    assert_eq!(c.pages.len(), 1);
    assert_eq!(
        c.notes,
        ["the file is cut inside the header of the record at 527"]
    );
}

#[test]
fn a_damaged_gzip_member_is_skipped_and_reading_resumes_at_the_next() {
    let mut damaged = PAGES_GZ.to_vec();
    // Inside the deflate data of the member at 1231 (https://example.org/cp1252).
    for b in &mut damaged[1300..1320] {
        *b ^= 0x55;
    }
    let c = read_warc(&damaged, ArchiveLimits::default()).unwrap();
    let records: Vec<&str> = c.pages.iter().map(|p| p.record.as_str()).collect();
    assert_eq!(records, ["578", "1652", "2460", "2834", "3971"]);
    assert!(
        c.notes[0].starts_with("the gzip member at 1231 is damaged (")
            && c.notes[0].ends_with("): skipped to the next member at 1652"),
        "{:?}",
        c.notes
    );
}

#[test]
fn a_damaged_uncompressed_record_is_skipped_and_reading_resumes_at_the_next() {
    let mut damaged = PLAIN_1_0.to_vec();
    // The first record's Content-Length: 155 → 999 (runs past the next record).
    let at = find(&damaged, b"Content-Length: 155").unwrap() + "Content-Length: ".len();
    damaged[at..at + 3].copy_from_slice(b"999");
    let c = read_warc(&damaged, ArchiveLimits::default()).unwrap();
    let records: Vec<&str> = c.pages.iter().map(|p| p.record.as_str()).collect();
    assert_eq!(records, ["527"]);
    assert_eq!(
        c.notes,
        [
            "the record at 0 is damaged (its Content-Length 999 runs past the next record): \
          skipped to the next record at 527"
        ]
    );
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

/// A WARC record header for a block of `length` bytes.
fn head(kind: &str, uri: &str, length: usize) -> Vec<u8> {
    format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes()
}

#[test]
fn a_gzip_bomb_stops_at_the_total_bound_with_a_clear_error() {
    let zeros = 64 << 20;
    let mut record = head("response", "https://bomb.example/", zeros);
    record.resize(record.len() + zeros, 0);
    let bomb = gzip(&record);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let limits = ArchiveLimits {
        max_total_bytes: 16 << 20,
        ..ArchiveLimits::default()
    };
    assert_eq!(
        read_warc(&bomb, limits).unwrap_err(),
        "stopped: more than 16777216 bytes inflated in all, over the max_total_bytes limit \
         (a decompression bomb?)"
    );
    // Under the total bound, a record over the payload bound is read past and named.
    let limits = ArchiveLimits {
        max_payload_bytes: 1 << 20,
        ..ArchiveLimits::default()
    };
    let c = read_warc(&bomb, limits).unwrap();
    assert_eq!(c.pages, []);
    assert_eq!(
        c.notes,
        [
            "0: https://bomb.example/ skipped: its 67108864 bytes are over the \
          max_payload_bytes limit of 1048576"
        ]
    );
}

#[test]
fn a_content_encoding_bomb_is_skipped_at_the_payload_bound_and_stops_at_the_total() {
    let body = gzip(&vec![b' '; 32 << 20]);
    let mut http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    http.extend(&body);
    let mut warc = head("response", "https://bomb.example/", http.len());
    warc.extend(&http);
    warc.extend(b"\r\n\r\n");
    let limits = ArchiveLimits {
        max_payload_bytes: 1 << 20,
        ..ArchiveLimits::default()
    };
    let c = read_warc(&warc, limits).unwrap();
    assert_eq!(c.pages, []);
    assert_eq!(
        c.notes,
        [
            "0: https://bomb.example/: skipped: its body is over the max_payload_bytes limit of \
          1048576 bytes"
        ]
    );
    let limits = ArchiveLimits {
        max_total_bytes: 4 << 20,
        ..ArchiveLimits::default()
    };
    assert_eq!(
        read_warc(&warc, limits).unwrap_err(),
        "stopped: more than 4194304 bytes inflated in all, over the max_total_bytes limit \
         (a decompression bomb?)"
    );
}

#[test]
fn too_many_records_stop_with_a_clear_error() {
    let limits = ArchiveLimits {
        max_records: 3,
        ..ArchiveLimits::default()
    };
    assert_eq!(
        read_warc(PAGES_GZ, limits).unwrap_err(),
        "stopped: more than 3 records, over the max_records limit"
    );
}

/// A WACZ whose `archive/bomb.warc` is `n` zeros, deflated.
fn wacz_of_zeros(n: usize) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("archive/bomb.warc", opts).unwrap();
    w.write_all(&vec![0u8; n]).unwrap();
    w.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_hits_the_wacz_bounds_with_a_clear_error() {
    let bomb = wacz_of_zeros(8 << 20);
    assert_eq!(
        read_wacz(&bomb, ArchiveLimits::default()).unwrap_err(),
        format!(
            "zip bomb: archive/bomb.warc expands {}:1, over the limit of 200:1",
            (8u64 << 20) / compressed_size(&bomb)
        )
    );
    let limits = ArchiveLimits {
        max_total_bytes: 1 << 20,
        ..ArchiveLimits::default()
    };
    assert_eq!(
        read_wacz(&bomb, limits).unwrap_err(),
        "zip bomb: archive/bomb.warc declares 8388608 bytes, over the limit of 1048576"
    );
}

fn compressed_size(zip: &[u8]) -> u64 {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let size = a.by_index(0).unwrap().compressed_size();
    size
}

#[test]
fn what_is_not_an_archive_is_an_error_or_a_note() {
    assert_eq!(
        read_warc(b"\x00\x01garbage", ArchiveLimits::default()).unwrap_err(),
        "not a WARC file: it starts with neither a `WARC/1.` line nor a gzip header"
    );
    let c = read_warc(b"", ArchiveLimits::default()).unwrap();
    assert_eq!(c.notes, ["empty: no records"]);
    let c = read_warc(
        b"WARC/1.1\r\nno colon here\r\n\r\nrest",
        ArchiveLimits::default(),
    )
    .unwrap();
    assert_eq!(c.pages, []);
    assert_eq!(
        c.notes,
        ["the record at 0 is damaged (\"no colon here\" is not a `Name: value` field): the rest \
          of the file (31 bytes) skipped"]
    );
    let c = read_warc(b"\x1f\x8b\x08garbage", ArchiveLimits::default()).unwrap();
    assert_eq!(c.pages, []);
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(read_wacz(PAGES_GZ, ArchiveLimits::default())
        .unwrap_err()
        .starts_with("not a WACZ: not a readable zip archive ("),);
    assert_eq!(
        read_wacz(&wacz_of_zeros(0)[..], ArchiveLimits::default()).unwrap(),
        ArchiveContents {
            notes: vec!["archive/bomb.warc:empty: no records".into()],
            ..ArchiveContents::default()
        }
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn damaged_archives_never_panic(
        which in 0usize..3,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        do_cut in any::<bool>(),
    ) {
        let original = [PAGES_GZ, PLAIN_1_0, WACZ][which];
        let mut bytes = original.to_vec();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value | 1;
        }
        if do_cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        let limits = ArchiveLimits { max_total_bytes: 64 << 20, ..ArchiveLimits::default() };
        let _ = read_warc(&bytes, limits);
        let _ = read_wacz(&bytes, limits);
    }
}

#[test]
fn records_sharing_one_gzip_member_are_named_by_their_inflated_offset() {
    // A whole file gzipped at once (`gzip file.warc`) is one member.
    let c = read_warc(&gzip(PLAIN_1_0), ArchiveLimits::default()).unwrap();
    let records: Vec<&str> = c.pages.iter().map(|p| p.record.as_str()).collect();
    assert_eq!(records, ["0", "0+527"]);
    assert_eq!(text(&c.pages[1]), "A resource record: no HTTP headers.\n");
    assert_eq!(c.notes, Vec::<String>::new());
}

#[test]
fn a_capture_by_warcio_capture_http_gives_the_redirect_and_the_page() {
    // Written by warcio's capture_http around urllib, from a server on 127.0.0.1 (the port
    // changes each time make.py runs): /moved answered 302 to /page?x=1.
    let c = read_warc(
        include_bytes!("fixtures/warc/captured.warc.gz"),
        ArchiveLimits::default(),
    )
    .unwrap();
    assert_eq!(c.pages.len(), 1, "{:?}", c.pages);
    let page = &c.pages[0];
    assert_eq!(page.record, "814");
    assert!(page.url.starts_with("http://127.0.0.1:") && page.url.ends_with("/page?x=1"));
    assert_eq!(
        text(page),
        "<html><head><title>Served</title></head><body><p>\u{201C}Served live\u{201D}.</p></body></html>"
    );
    assert_eq!(c.redirects.len(), 1);
    assert_eq!(c.redirects[0].from, page.url.replace("/page?x=1", "/moved"));
    assert_eq!(c.redirects[0].to, page.url);
    assert_eq!(c.notes, Vec::<String>::new());
}
