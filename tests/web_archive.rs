//! `sourced archive` against a real HTTP server on 127.0.0.1 (tests/common/http.rs): the
//! WARC files it writes (read back here record by record, and by warcio, an independent
//! reader), each failure's message and that nothing is written then, and the language
//! server's `sourced.archive` command.

mod common;
mod lsp_harness;

use common::http::{Reply, TestServer};
use common::sourced;
use data_encoding::BASE32;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// One WARC record: its header fields (names as written) and its block.
#[derive(Debug)]
struct Record {
    fields: Vec<(String, String)>,
    block: Vec<u8>,
}

impl Record {
    fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.fields))
    }

    fn kind(&self) -> &str {
        self.field("WARC-Type")
    }

    /// The HTTP head and body of a request or response record.
    fn http(&self) -> (String, &[u8]) {
        let at = find(&self.block, b"\r\n\r\n").expect("an HTTP head") + 4;
        (
            String::from_utf8_lossy(&self.block[..at]).into_owned(),
            &self.block[at..],
        )
    }

    fn http_header(&self, name: &str) -> Option<String> {
        let (head, _) = self.http();
        head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    fn http_status(&self) -> u16 {
        let (head, _) = self.http();
        head.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The records of a `.warc.gz`, parsed here (not by sourced).
fn records(path: &Path) -> Vec<Record> {
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        assert!(bytes[at..].starts_with(b"WARC/1.1\r\n"), "a record at {at}");
        let head_end = at + find(&bytes[at..], b"\r\n\r\n").unwrap();
        let head = std::str::from_utf8(&bytes[at..head_end]).unwrap();
        let fields: Vec<(String, String)> = head
            .split("\r\n")
            .skip(1)
            .map(|l| {
                let (n, v) = l.split_once(": ").unwrap();
                (n.to_string(), v.to_string())
            })
            .collect();
        let length: usize = fields
            .iter()
            .find(|(n, _)| n == "Content-Length")
            .unwrap()
            .1
            .parse()
            .unwrap();
        let start = head_end + 4;
        let block = bytes[start..start + length].to_vec();
        assert_eq!(&bytes[start + length..start + length + 4], b"\r\n\r\n");
        at = start + length + 4;
        out.push(Record { fields, block });
    }
    out
}

fn sha256_base32(bytes: &[u8]) -> String {
    format!("sha256:{}", BASE32.encode(&Sha256::digest(bytes)))
}

/// Every `.warc.gz` under `dir`, sorted by path.
fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".warc.gz"))
        .collect();
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `sourced archive ARGS` in a fresh workspace (a `sourced.toml` at its root).
fn archive_in(ws: &Path, args: &[&str]) -> Output {
    let mut all = vec!["archive"];
    all.extend_from_slice(args);
    sourced(ws, &all)
}

fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(ws.path().join("sourced.toml"), "").unwrap();
    ws
}

/// A failure: exit 1, the message on stderr, and no file written anywhere in the
/// workspace.
fn assert_fails_writing_nothing(ws: &Path, out: &Output, message: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(message), "{message:?} not in {err}");
    assert_eq!(walk(ws), [ws.join("sourced.toml")], "{err}");
}

#[test]
fn a_redirect_chain_is_recorded_hop_by_hop() {
    let page = b"<html><head><title>Final</title></head><body>The page.</body></html>";
    let server = TestServer::start(vec![
        ("/start", Reply::redirect(301, "/middle?x=1")),
        ("/middle?x=1", Reply::redirect(302, "final")),
        ("/final", Reply::ok("text/html; charset=utf-8", page)),
    ]);
    let ws = workspace();
    let out = archive_in(ws.path(), &[&server.url("/start")]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains(&format!("final URL: {}", server.url("/final"))),
        "{stdout}"
    );
    assert!(
        stdout.contains("status: 200, content type: text/html; charset=utf-8"),
        "{stdout}"
    );
    let files = captures(ws.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    // <web folder>/<host>/<UTC time>-<8 hex of sha256(url)>.warc.gz
    assert_eq!(
        file.parent().unwrap(),
        ws.path().join("sources/web/127.0.0.1")
    );
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let hash = Sha256::digest(server.url("/start").as_bytes());
    let hex: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    assert!(name.ends_with(&format!("Z-{hex}.warc.gz")), "{name}");
    assert!(stdout.contains(&name), "{stdout}");

    let recs = records(file);
    let kinds: Vec<&str> = recs.iter().map(Record::kind).collect();
    assert_eq!(
        kinds,
        [
            "warcinfo", "request", "response", "request", "response", "request", "response",
            "metadata"
        ]
    );
    assert!(text(&recs[0].block).contains("software: sourced/"));
    let urls = [
        server.url("/start"),
        server.url("/middle?x=1"),
        server.url("/final"),
    ];
    let statuses = [301, 302, 200];
    let locations = [Some("/middle?x=1"), Some("final"), None];
    for (i, pair) in recs[1..7].chunks(2).enumerate() {
        let (req, resp) = (&pair[0], &pair[1]);
        assert_eq!(req.field("WARC-Target-URI"), urls[i]);
        assert_eq!(resp.field("WARC-Target-URI"), urls[i]);
        assert_eq!(
            req.field("Content-Type"),
            "application/http;msgtype=request"
        );
        assert_eq!(
            resp.field("Content-Type"),
            "application/http;msgtype=response"
        );
        assert_eq!(
            req.field("WARC-Concurrent-To"),
            resp.field("WARC-Record-ID")
        );
        assert_ne!(req.field("WARC-Record-ID"), resp.field("WARC-Record-ID"));
        assert!(resp.field("WARC-Record-ID").starts_with("<urn:uuid:"));
        let date = resp.field("WARC-Date");
        assert!(
            date.len() == 20 && date.ends_with('Z') && date.as_bytes()[10] == b'T',
            "{date}"
        );
        assert_eq!(resp.http_status(), statuses[i]);
        assert_eq!(resp.http_header("location").as_deref(), locations[i]);
        assert_eq!(resp.field("WARC-Block-Digest"), sha256_base32(&resp.block));
        assert_eq!(
            resp.field("WARC-Payload-Digest"),
            sha256_base32(resp.http().1)
        );
        assert_eq!(req.field("WARC-Block-Digest"), sha256_base32(&req.block));
    }
    assert_eq!(recs[6].http().1, page);
    // The request records say what the server received: the same request line and headers.
    let received = server.requests();
    assert_eq!(received.len(), 3);
    for (i, got) in received.iter().enumerate() {
        let recorded = recs[1 + 2 * i].http().0;
        assert_eq!(header_set(&recorded), header_set(got), "hop {i}");
    }
    let meta = text(&recs[7].block);
    assert!(
        meta.contains(&format!("final-url: {}\r\n", urls[2])),
        "{meta}"
    );
    for (u, s) in urls.iter().zip(statuses) {
        assert!(meta.contains(&format!("hop: {s} {u}\r\n")), "{meta}");
    }
}

/// A request head's line, and its headers with names in lower case, sorted.
fn header_set(head: &str) -> (String, Vec<(String, String)>) {
    let mut lines = head.lines().filter(|l| !l.is_empty());
    let first = lines.next().unwrap().to_string();
    let mut headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    headers.sort();
    (first, headers)
}

#[test]
fn status_errors_are_clear_and_write_nothing() {
    let server = TestServer::start(vec![
        ("/forbidden", Reply::status(403)),
        ("/paywall", Reply::status(401)),
        ("/legal", Reply::status(451)),
        ("/broken", Reply::status(500)),
        ("/gone", Reply::redirect(301, "/missing")),
    ]);
    let ws = workspace();
    let out = archive_in(ws.path(), &[&server.url("/missing")]);
    assert_fails_writing_nothing(ws.path(), &out, "/missing: page not found (HTTP 404)");
    // Redirected to a missing page: the error names the page, nothing is written.
    let out = archive_in(ws.path(), &[&server.url("/gone")]);
    assert_fails_writing_nothing(ws.path(), &out, "/missing: page not found (HTTP 404)");
    for (path, status) in [("/forbidden", 403), ("/paywall", 401), ("/legal", 451)] {
        let out = archive_in(ws.path(), &[&server.url(path)]);
        let message = format!("{path}: forbidden or behind a paywall (HTTP {status})");
        assert_fails_writing_nothing(ws.path(), &out, &message);
    }
    let out = archive_in(ws.path(), &[&server.url("/broken")]);
    assert_fails_writing_nothing(
        ws.path(),
        &out,
        "/broken: the server answered HTTP 500 (Internal Server Error)",
    );
}

#[test]
fn a_slow_server_times_out_and_nothing_is_written() {
    let server = TestServer::start(vec![(
        "/slow",
        Reply::slow(Duration::from_secs(60), Reply::ok("text/html", b"late")),
    )]);
    let ws = workspace();
    let out = archive_in(ws.path(), &["--timeout", "1", &server.url("/slow")]);
    assert_fails_writing_nothing(ws.path(), &out, "/slow: no answer within 1 s (timeout)");
}

#[test]
fn an_endless_body_is_too_large_at_the_cap_and_nothing_is_written() {
    let server = TestServer::start(vec![("/endless", Reply::endless("text/html"))]);
    let ws = workspace();
    let out = archive_in(ws.path(), &["--max-mb", "1", &server.url("/endless")]);
    assert_fails_writing_nothing(ws.path(), &out, "/endless: too large: more than 1 MB");
    // A declared length over the cap is refused before reading.
    let big = vec![b'x'; (1 << 20) + 1];
    let server = TestServer::start(vec![("/big", Reply::ok("text/html", &big))]);
    let out = archive_in(ws.path(), &["--max-mb", "1", &server.url("/big")]);
    assert_fails_writing_nothing(ws.path(), &out, "/big: too large: more than 1 MB");
}

#[test]
fn a_windows_1252_page_is_stored_byte_for_byte() {
    let page = b"<html><head><meta charset=\"windows-1252\"></head>\n<body><p>He said \x93no comment\x94 \x96 twice.</p></body></html>\n";
    let server = TestServer::start(vec![("/cp1252", Reply::ok("text/html", page))]);
    let ws = workspace();
    let out = archive_in(ws.path(), &[&server.url("/cp1252")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files = captures(ws.path());
    let recs = records(&files[0]);
    let response = recs.iter().find(|r| r.kind() == "response").unwrap();
    assert_eq!(response.http().1, page);
    assert_eq!(response.field("WARC-Payload-Digest"), sha256_base32(page));
}

#[test]
fn a_pdf_is_archived_and_an_image_is_refused() {
    let pdf = common::pdf::pdf_of(
        b"BT /F1 12 Tf 72 720 Td (A tiny PDF) Tj ET",
        None,
        "",
        "",
        &[],
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let server = TestServer::start(vec![
        ("/doc.pdf", Reply::ok("application/pdf", &pdf)),
        ("/picture", Reply::ok("image/png", &png)),
    ]);
    let ws = workspace();
    let out = archive_in(ws.path(), &[&server.url("/picture")]);
    assert_fails_writing_nothing(
        ws.path(),
        &out,
        "/picture: not a page sourced can read (image/png)",
    );
    let out = archive_in(ws.path(), &[&server.url("/doc.pdf")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let recs = records(&captures(ws.path())[0]);
    let response = recs.iter().find(|r| r.kind() == "response").unwrap();
    assert_eq!(
        response.http_header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(response.http().1, pdf);
}

#[test]
fn archiving_again_adds_a_newer_capture() {
    let server = TestServer::start(vec![("/page", Reply::ok("text/plain", b"version"))]);
    let ws = workspace();
    let url = server.url("/page");
    assert_eq!(archive_in(ws.path(), &[&url]).status.code(), Some(0));
    let first = captures(ws.path());
    assert_eq!(first.len(), 1);
    let first_bytes = std::fs::read(&first[0]).unwrap();
    // File names and WARC dates are to the second.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(archive_in(ws.path(), &[&url]).status.code(), Some(0));
    let both = captures(ws.path());
    assert_eq!(both.len(), 2, "{both:?}");
    assert_eq!(both[0], first[0]);
    assert_eq!(
        std::fs::read(&both[0]).unwrap(),
        first_bytes,
        "the first is untouched"
    );
    let date = |p: &Path| records(p)[0].field("WARC-Date").to_string();
    assert!(date(&both[1]) > date(&both[0]), "{both:?}");
}

#[cfg(unix)]
#[test]
fn a_web_folder_linked_out_of_the_workspace_is_refused() {
    let server = TestServer::start(vec![("/page", Reply::ok("text/html", b"<p>x</p>"))]);
    let ws = workspace();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("sources")).unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.path().join("sources/web")).unwrap();
    let out = archive_in(ws.path(), &[&server.url("/page")]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("outside the workspace"), "{err}");
    assert!(walk(outside.path()).is_empty(), "nothing written outside");
    // A host folder linked out is refused too.
    std::fs::remove_file(ws.path().join("sources/web")).unwrap();
    std::fs::create_dir(ws.path().join("sources/web")).unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.path().join("sources/web/127.0.0.1")).unwrap();
    let out = archive_in(ws.path(), &[&server.url("/page")]);
    assert!(
        text(&out.stderr).contains("outside the workspace"),
        "{}",
        text(&out.stderr)
    );
    assert!(walk(outside.path()).is_empty(), "nothing written outside");
}

#[test]
fn network_failures_have_their_own_messages() {
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ws = workspace();
    let out = archive_in(ws.path(), &[&format!("http://127.0.0.1:{port}/")]);
    assert_fails_writing_nothing(ws.path(), &out, "connection refused");
    // TLS to a server that speaks plain HTTP.
    let server = TestServer::start(vec![("/", Reply::ok("text/html", b"plain"))]);
    let tls = server.base().replace("http://", "https://") + "/";
    let out = archive_in(ws.path(), &["--timeout", "10", &tls]);
    assert_fails_writing_nothing(ws.path(), &out, "secure connection (TLS) failed");
    // A name that cannot exist (RFC 2606).
    let out = archive_in(
        ws.path(),
        &["--timeout", "10", "http://no-such-host.invalid/"],
    );
    assert_fails_writing_nothing(ws.path(), &out, "no-such-host.invalid was not found (DNS)");
    // A redirect loop.
    let server = TestServer::start(vec![("/loop", Reply::redirect(302, "/loop"))]);
    let out = archive_in(ws.path(), &[&server.url("/loop")]);
    assert_fails_writing_nothing(ws.path(), &out, "more than 10 redirects");
    assert_eq!(
        server.requests().len(),
        11,
        "10 redirects followed, then given up"
    );
}

#[test]
fn exit_codes_say_all_archived_some_failed_or_bad_usage() {
    let server = TestServer::start(vec![("/ok", Reply::ok("text/html", b"<p>ok</p>"))]);
    let ws = workspace();
    // Not a web address: usage error, nothing fetched.
    let out = archive_in(ws.path(), &[&server.url("/ok"), "ftp://example.org/x"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("ftp://example.org/x"));
    assert!(server.requests().is_empty());
    let out = archive_in(ws.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    // One archived, one not: 1, and both reported.
    let out = archive_in(ws.path(), &[&server.url("/ok"), &server.url("/nope")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(&server.url("/ok")));
    assert!(text(&out.stderr).contains("/nope: page not found"));
    // --into: another folder of the workspace.
    let out = archive_in(ws.path(), &["--into", "elsewhere", &server.url("/ok")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(captures(&ws.path().join("elsewhere/127.0.0.1")).len(), 1);
}

/// warcio (PyPI), if installed: required when SOURCED_REQUIRE_TOOLS=1 (tests/run.sh).
fn warcio() -> Option<std::process::Command> {
    let works = std::process::Command::new("warcio")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(std::process::Command::new("warcio"));
    }
    if std::env::var("SOURCED_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("warcio is not installed (pip install -r tests/requirements.txt)");
    }
    eprintln!("note: warcio is not installed: the WARC interop test is skipped");
    None
}

#[test]
fn warcio_reads_and_checks_the_captures() {
    let Some(_) = warcio() else { return };
    let pdf = common::pdf::pdf_of(b"BT ET", None, "", "", &[]);
    let server = TestServer::start(vec![
        ("/a", Reply::redirect(301, "/b")),
        (
            "/b",
            Reply::ok("text/html; charset=windows-1252", b"\x93quoted\x94"),
        ),
        ("/c.pdf", Reply::ok("application/pdf", &pdf)),
    ]);
    let ws = workspace();
    let out = archive_in(ws.path(), &[&server.url("/a"), &server.url("/c.pdf")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for file in captures(ws.path()) {
        let check = warcio()
            .unwrap()
            .args(["check", "-v"])
            .arg(&file)
            .output()
            .unwrap();
        let said = text(&check.stdout) + &text(&check.stderr);
        assert!(check.status.success(), "warcio check {file:?}: {said}");
        assert!(!said.contains("digest failed"), "{said}");
        let passes = said.matches("digest pass").count();
        let recs = records(&file);
        let checked = recs
            .iter()
            .filter(|r| r.kind() == "request" || r.kind() == "response");
        assert_eq!(passes, checked.count(), "{said}");
        let index = warcio()
            .unwrap()
            .args([
                "index",
                "-f",
                "warc-type,warc-target-uri,warc-payload-digest,offset",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(index.status.success(), "{}", text(&index.stderr));
        let lines: Vec<serde_json::Value> = text(&index.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), recs.len(), "{lines:?}");
        let mut last_offset = -1i64;
        for (line, rec) in lines.iter().zip(&recs) {
            assert_eq!(line["warc-type"], rec.kind());
            if rec.kind() == "request" || rec.kind() == "response" {
                assert_eq!(line["warc-target-uri"], rec.field("WARC-Target-URI"));
                assert_eq!(
                    line["warc-payload-digest"],
                    rec.field("WARC-Payload-Digest")
                );
            }
            if rec.kind() == "response" {
                assert_eq!(
                    line["warc-payload-digest"],
                    json!(sha256_base32(rec.http().1))
                );
            }
            // Each record its own gzip member: each at its own offset.
            let offset: i64 = line["offset"].as_str().unwrap().parse().unwrap();
            assert!(offset > last_offset, "{lines:?}");
            last_offset = offset;
        }
    }
}

#[tokio::test]
async fn the_archive_command_writes_a_capture_and_shows_failures() {
    use lsp_harness::{file_uri, ready, seeds_workspace};
    let server = TestServer::start(vec![("/page", Reply::ok("text/html", b"<p>page</p>"))]);
    let ws = seeds_workspace();
    let note = ws.path().join("notes/a.md");
    std::fs::write(&note, "nothing\n").unwrap();
    let (mut c, init) = ready(ws.path(), false, json!({})).await;
    let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .unwrap()
            .contains(&json!("sourced.archive")),
        "{commands}"
    );
    let result = c
        .request(
            "workspace/executeCommand",
            json!({"command": "sourced.archive", "arguments": [{
                "urls": [server.url("/page"), server.url("/missing")],
                "note": file_uri(&note),
            }]}),
        )
        .await;
    let archived = result["archived"].as_array().unwrap();
    assert_eq!(archived.len(), 1, "{result}");
    assert_eq!(archived[0]["finalUrl"], server.url("/page"));
    let path = PathBuf::from(archived[0]["path"].as_str().unwrap());
    assert_eq!(
        path.parent().unwrap(),
        ws.path().join("sources/web/127.0.0.1")
    );
    let recs = records(&path);
    let response = recs.iter().find(|r| r.kind() == "response").unwrap();
    assert_eq!(response.http().1, b"<p>page</p>");
    let failed = result["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{result}");
    assert_eq!(failed[0]["url"], server.url("/missing"));
    let warning = c
        .wait_for("the failure as a warning", |m| {
            m["method"] == "window/showMessage"
                && m["params"]["type"] == 2
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains("/missing: page not found (HTTP 404)"))
        })
        .await;
    assert!(warning["params"]["message"]
        .as_str()
        .unwrap()
        .starts_with("sourced: "));
    c.wait_for("the capture as an info message", |m| {
        m["method"] == "window/showMessage"
            && m["params"]["type"] == 3
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("archived") && s.contains("/page"))
    })
    .await;
}
