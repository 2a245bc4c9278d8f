//! Web pages as sources: the pages of a web archive (`.warc.gz`) are sources, cited by
//! their address after a quotation, however it is written (redirected, with tracking
//! parameters), judged against the newest capture; an archive that changes or goes takes
//! its pages with it.

mod common;

use common::http::{Reply, TestServer};
use common::warc::{html, warc_gz, Record};
use common::{checker_at, sourced};
use serde_json::Value;
use sourced::check::QuoteResult;
use sourced::quotes::verdict::Status;
use std::path::Path;

const STORY: &str = "https://www.example.org/news/harbour-bridge";
const OLD_STORY: &str = "http://example.org/story?id=41";
const NOTICE: &str = "https://council.example.net/notice.txt";

const STORY_PARAS: [&str; 3] = [
    "The council voted on Tuesday to close the old harbour bridge to heavy lorries from the first of May.",
    "Engineers told the meeting that the iron girders had rusted through in three places and could fail without warning.",
    "Shopkeepers on the quay said the closure would cost them half of their summer trade.",
];

/// An archive with the story (reached through a redirect) and a plain-text notice.
fn archive(date: &str, paras: &[&str]) -> Vec<u8> {
    warc_gz(&[
        Record::redirect(OLD_STORY, date, STORY),
        Record::page(
            STORY,
            date,
            "text/html; charset=utf-8",
            &html("Harbour bridge to close to lorries", paras),
        ),
        Record::page(
            NOTICE,
            date,
            "text/plain",
            b"PUBLIC NOTICE\n\nThe footpath beside the harbour bridge stays open to walkers and cyclists\nat all hours during the repairs.\n",
        ),
    ])
}

fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(ws.path().join("sources/web")).unwrap();
    std::fs::write(
        ws.path().join("sources/web/first.warc.gz"),
        archive("2026-03-02T09:15:00Z", &STORY_PARAS),
    )
    .unwrap();
    ws
}

fn check(root: &Path, note: &str) -> Vec<QuoteResult> {
    let (checker, _cache) = checker_at(root, &["sources"]);
    checker.check_note(&root.join("note.md"), note).unwrap()
}

fn statuses(results: &[QuoteResult]) -> Vec<(String, Status)> {
    results
        .iter()
        .map(|r| (r.quote.text.clone(), r.verdict.status))
        .collect()
}

#[test]
fn a_page_is_cited_by_its_address_however_it_is_written() {
    let ws = workspace();
    let note = format!(
        "The council said it “voted on Tuesday to close the old harbour bridge to heavy lorries” ([Gazette]({STORY})).\n\n\
         Engineers found “the iron girders had rusted through in three places” ([old link]({OLD_STORY})).\n\n\
         Traders said “the closure would cost them half of their summer trade” ([shared](https://example.org/news/harbour-bridge/?utm_source=twitter&fbclid=IwAR0)).\n\n\
         The notice says “the footpath beside the harbour bridge stays open to walkers” ([notice]({NOTICE})).\n"
    );
    let results = check(ws.path(), &note);
    assert_eq!(
        statuses(&results),
        [
            (
                "voted on Tuesday to close the old harbour bridge to heavy lorries".into(),
                Status::Verified
            ),
            (
                "the iron girders had rusted through in three places".into(),
                Status::Verified
            ),
            (
                "the closure would cost them half of their summer trade".into(),
                Status::Verified
            ),
            (
                "the footpath beside the harbour bridge stays open to walkers".into(),
                Status::Verified
            ),
        ]
    );
    // Each is judged against the page its link names, not just found somewhere.
    let paths: Vec<&str> = results
        .iter()
        .map(|r| r.verdict.best.as_ref().unwrap().path.as_str())
        .collect();
    assert!(
        paths[0].starts_with("sources/web/first.warc.gz#"),
        "{paths:?}"
    );
    assert_eq!(paths[0], paths[1]);
    assert_eq!(paths[0], paths[2]);
    assert_ne!(paths[0], paths[3]);
    assert_eq!(results[1].cited.as_deref(), Some(OLD_STORY));
}

#[test]
fn a_changed_quotation_or_the_wrong_page_is_not_verified() {
    let ws = workspace();
    let note = format!(
        "Engineers found “the iron girders had rusted through in two places” ([Gazette]({STORY})).\n\n\
         The notice says “the footpath beside the harbour bridge stays open to walkers” ([Gazette]({STORY})).\n"
    );
    let results = check(ws.path(), &note);
    assert_eq!(
        statuses(&results),
        [
            (
                "the iron girders had rusted through in two places".into(),
                Status::Mismatch
            ),
            (
                "the footpath beside the harbour bridge stays open to walkers".into(),
                Status::Misattributed
            ),
        ]
    );
}

#[test]
fn the_newest_capture_is_the_one_judged_against() {
    let ws = workspace();
    // A later capture: the paper has since corrected "three places" to "two places".
    let corrected = [
        STORY_PARAS[0],
        "Engineers told the meeting that the iron girders had rusted through in two places and could fail without warning.",
        STORY_PARAS[2],
    ];
    std::fs::write(
        ws.path().join("sources/web/second.warc.gz"),
        archive("2026-04-10T18:00:00Z", &corrected),
    )
    .unwrap();
    let note = format!(
        "Engineers found “the iron girders had rusted through in two places” ([Gazette]({STORY})).\n\n\
         Engineers found “the iron girders had rusted through in three places” ([Gazette]({STORY})).\n"
    );
    let results = check(ws.path(), &note);
    assert_eq!(results[0].verdict.status, Status::Verified);
    let newest = &results[0].verdict.best.as_ref().unwrap().path;
    assert!(
        newest.starts_with("sources/web/second.warc.gz#"),
        "{newest}"
    );
    // The old wording is only in the older capture: not verified against the page as it is,
    // but found in the older capture (the page changed).
    assert_eq!(results[1].verdict.status, Status::Misattributed);
    let older = &results[1].verdict.best.as_ref().unwrap().path;
    assert!(older.starts_with("sources/web/first.warc.gz#"), "{older}");
    // And the report says so in those words.
    std::fs::write(ws.path().join("note.md"), &note).unwrap();
    std::fs::write(ws.path().join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    let out = sourced(ws.path(), &["check", "note.md"]);
    let text = String::from_utf8_lossy(&out.stdout);
    // The title is wrapped to the terminal's width: compare the words.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&format!(
            "quote not in the newest capture of {STORY}: it is in the capture of \
             2026-03-02T09:15:00Z; the page changed since"
        )),
        "{text}"
    );
}

#[test]
fn an_uncaptured_page_is_reported_and_its_quotation_still_checked() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("note.md"),
        "Officials said “the iron girders had rusted through in three places” ([AP](https://apnews.com/article/bridge-123)).\n",
    )
    .unwrap();
    std::fs::write(ws.path().join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    let out = sourced(ws.path(), &["check", "note.md", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unknown = &report["unknown_citations"];
    assert_eq!(unknown.as_array().map(Vec::len), Some(1), "{report:#}");
    let message = unknown[0]["message"].as_str().unwrap();
    assert!(
        message.contains("no capture of ‘https://apnews.com/article/bridge-123’"),
        "{message}"
    );
    assert!(message.contains("sourced archive"), "{message}");
    // The quotation is in a source all the same: found, with the page it is in.
    let q = &report["quotes"][0];
    assert_eq!(q["status"], "verified", "{q:#}");
    assert_eq!(q["source"]["url"], STORY, "{q:#}");
    assert_eq!(q["source"]["captured"], "2026-03-02T09:15:00Z", "{q:#}");
}

#[test]
fn an_archive_that_changes_or_goes_takes_its_pages_with_it() {
    let ws = workspace();
    let (checker, _cache) = checker_at(ws.path(), &["sources"]);
    let pages = |c: &sourced::check::Checker| -> Vec<(String, Option<String>)> {
        let mut v: Vec<_> = c
            .index()
            .sources()
            .unwrap()
            .into_iter()
            .map(|s| {
                (
                    s.meta.url.clone().unwrap_or_default(),
                    s.meta.captured.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let at = |d: &str| Some(d.to_string());
    assert_eq!(
        pages(&checker),
        [
            (NOTICE.into(), at("2026-03-02T09:15:00Z")),
            (STORY.into(), at("2026-03-02T09:15:00Z"))
        ]
    );
    // Rewritten with another capture date: the pages are replaced, not added to.
    std::fs::write(
        ws.path().join("sources/web/first.warc.gz"),
        archive("2026-05-05T05:05:05Z", &STORY_PARAS),
    )
    .unwrap();
    let later = filetime_bump(&ws.path().join("sources/web/first.warc.gz"));
    assert!(later);
    checker.refresh().unwrap();
    assert_eq!(
        pages(&checker),
        [
            (NOTICE.into(), at("2026-05-05T05:05:05Z")),
            (STORY.into(), at("2026-05-05T05:05:05Z"))
        ]
    );
    let records = checker.index().file_records().unwrap();
    let files: Vec<&str> = records
        .iter()
        .filter(|r| r.is_file())
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(files, ["sources/web/first.warc.gz"]);
    // Removed: nothing of it is left.
    std::fs::remove_file(ws.path().join("sources/web/first.warc.gz")).unwrap();
    checker.refresh().unwrap();
    assert_eq!(pages(&checker), []);
    assert_eq!(checker.index().file_records().unwrap(), []);
    assert_eq!(checker.index().passage_records().unwrap(), []);
}

/// Move a file's modification time a minute on, so that a refresh sees it changed even
/// within the file system's time resolution.
fn filetime_bump(path: &Path) -> bool {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    let t = f.metadata().unwrap().modified().unwrap() + std::time::Duration::from_secs(60);
    f.set_modified(t).is_ok()
}

/// A workspace whose sources folder is empty and whose web folder is the default.
fn empty_workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("sources")).unwrap();
    std::fs::write(ws.path().join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    ws
}

/// The JSON report of `sourced check note.md` in `ws`.
fn last_report(ws: &Path) -> Value {
    let out = sourced(ws, &["check", "note.md", "--format", "json"]);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn quote_statuses(ws: &Path, note: &str) -> Vec<(String, String, Value)> {
    std::fs::write(ws.join("note.md"), note).unwrap();
    let report = last_report(ws);
    report["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["text"].as_str().unwrap().to_string(),
                q["status"].as_str().unwrap().to_string(),
                q["source"].clone(),
            )
        })
        .collect()
}

#[test]
fn pages_archived_from_a_server_are_checked_by_original_redirected_and_tracked_address() {
    // The story moved: /story?id=41 → /news/harbour-bridge (301) → /news/harbour-bridge/ (302).
    let page = html("Harbour bridge to close to lorries", &STORY_PARAS);
    // A page in windows-1252 that says so only in a meta tag: 0xE9 is "é", 0x93 0x94 curly
    // quotes (read as UTF-8, they are not even valid).
    let legacy = b"<html><head><meta charset=\"windows-1252\"><title>Quay</title></head><body><p>The harbour master said the caf\xe9 owners had called the plan \x93a sensible compromise\x94 for the quay.</p></body></html>".to_vec();
    let pdf = common::pdf::pdf_of(
        b"BT /F1 12 Tf 72 720 Td (The repairs will take eleven weeks and cost four million pounds.) Tj ET",
        None,
        common::pdf::HELVETICA,
        "",
        &[],
    );
    let server = TestServer::start(vec![
        ("/story?id=41", Reply::redirect(301, "/news/harbour-bridge")),
        (
            "/news/harbour-bridge",
            Reply::redirect(302, "/news/harbour-bridge/"),
        ),
        ("/news/harbour-bridge/", Reply::ok("text/html", &page)),
        ("/quay", Reply::ok("text/html", &legacy)),
        ("/report.pdf", Reply::ok("application/pdf", &pdf)),
    ]);
    let ws = empty_workspace();
    let old = server.url("/story?id=41");
    let out = sourced(
        ws.path(),
        &[
            "archive",
            &old,
            &server.url("/quay"),
            &server.url("/report.pdf"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let base = server.base();
    let note = format!(
        "The council “voted on Tuesday to close the old harbour bridge to heavy lorries” ([Gazette]({old})).\n\n\
         Engineers said “the iron girders had rusted through in three places” ([Gazette]({base}/news/harbour-bridge/)).\n\n\
         Traders said “the closure would cost them half of their summer trade” ([shared]({base}/news/harbour-bridge?utm_source=newsletter&utm_medium=email)).\n\n\
         The harbour master said “the café owners had called the plan” a compromise ([Quay]({base}/quay)).\n\n\
         The council said “the repairs will take eleven weeks and cost four million pounds” ([report]({base}/report.pdf)).\n\n\
         Engineers said “the iron girders had rusted through in two places” ([Gazette]({old})).\n"
    );
    drop(server);
    let results = quote_statuses(ws.path(), &note);
    // Every link named the page it cites (a link no capture answers to would leave the
    // quotation uncited, checked against everything).
    assert_eq!(
        std::fs::read_to_string(ws.path().join("note.md")).unwrap(),
        note
    );
    let report = last_report(ws.path());
    let cited: Vec<&str> = report["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["cited"].as_str().unwrap_or("(none)"))
        .collect();
    assert_eq!(
        cited,
        [
            old.as_str(),
            &format!("{base}/news/harbour-bridge/"),
            &format!("{base}/news/harbour-bridge?utm_source=newsletter&utm_medium=email"),
            &format!("{base}/quay"),
            &format!("{base}/report.pdf"),
            old.as_str(),
        ]
    );
    assert_eq!(
        report["unknown_citations"],
        serde_json::json!([]),
        "{report:#}"
    );
    let got: Vec<(&str, &str)> = results
        .iter()
        .map(|(t, s, _)| (t.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "voted on Tuesday to close the old harbour bridge to heavy lorries",
                "verified"
            ),
            (
                "the iron girders had rusted through in three places",
                "verified"
            ),
            (
                "the closure would cost them half of their summer trade",
                "verified"
            ),
            ("the café owners had called the plan", "verified"),
            (
                "the repairs will take eleven weeks and cost four million pounds",
                "verified"
            ),
            (
                "the iron girders had rusted through in two places",
                "mismatch"
            ),
        ]
    );
    // Each names the page it was found in, by its final address, and when it was captured.
    let story = format!("{base}/news/harbour-bridge/");
    for (_, _, source) in &results[..3] {
        assert_eq!(source["url"], story.as_str(), "{source:#}");
        assert!(
            source["captured"]
                .as_str()
                .is_some_and(|c| c.starts_with("20")),
            "{source:#}"
        );
    }
    assert_eq!(results[4].2["page"], 1, "{:#}", results[4].2);
}

/// The project's WARC and WACZ fixtures, written by warcio and py-wacz
/// (`tests/fixtures/warc/make.py`), as sources.
fn fixture_workspace(files: &[&str]) -> tempfile::TempDir {
    let ws = empty_workspace();
    for f in files {
        std::fs::copy(
            common::repo().join("tests/fixtures/warc").join(f),
            ws.path().join("sources").join(f),
        )
        .unwrap();
    }
    ws
}

#[test]
fn archives_written_by_other_tools_are_sources() {
    let note = "The harbour master said “the tables were wrong” on Monday ([News](https://example.org/article)).\n\n\
                It says “The page moved here” ([old](http://example.org/old)).\n\n\
                She called it “la dernière fois” – twice, said the “café owners in the town” ([Café](https://example.org/cp1252)).\n";
    for archive in ["pages.warc.gz", "pages.wacz"] {
        let ws = fixture_workspace(&[archive]);
        // The fixtures' sentences are short: quotations of three words count.
        std::fs::write(
            ws.path().join("sourced.toml"),
            "sources = [\"sources\"]\nmin_words = 3\n",
        )
        .unwrap();
        let results = quote_statuses(ws.path(), note);
        let got: Vec<(&str, &str)> = results
            .iter()
            .map(|(t, s, _)| (t.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("the tables were wrong", "verified"),
                ("The page moved here", "verified"),
                ("la dernière fois", "verified"),
                ("café owners in the town", "not-found"),
            ],
            "{archive}"
        );
        let article = &results[0].2;
        assert_eq!(
            article["url"], "https://example.org/article",
            "{archive}: {article:#}"
        );
        // The publisher's structured data names the article and its authors.
        assert_eq!(
            article["title"], "The tide tables were wrong",
            "{archive}: {article:#}"
        );
        assert_eq!(
            article["author"], "Ann Lee, Bo Chen",
            "{archive}: {article:#}"
        );
        assert_eq!(results[1].2["url"], "https://example.org/new", "{archive}");
        let report = last_report(ws.path());
        let cited: Vec<&Value> = report["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| &q["cited"])
            .collect();
        assert_eq!(
            cited,
            [
                "https://example.org/article",
                "http://example.org/old",
                "https://example.org/cp1252",
                "https://example.org/cp1252",
            ],
            "{archive}"
        );
    }
}

#[test]
fn a_bibliography_entry_names_a_page_by_its_url() {
    let ws = workspace();
    std::fs::write(
        ws.path().join("refs.bib"),
        format!(
            "@article{{gazette2026,\n  title = {{Harbour bridge to close to lorries}},\n  \
             author = {{Gazette, Staff}},\n  date = {{2026-03-01}},\n  \
             url = {{{OLD_STORY}&utm_campaign=x}},\n  urldate = {{2026-03-02}}\n}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        ws.path().join("sourced.toml"),
        "sources = [\"sources\"]\nbibliography = [\"refs.bib\"]\n",
    )
    .unwrap();
    let note = "Engineers found “the iron girders had rusted through in three places” [@gazette2026].\n\n\
                The notice says “the footpath beside the harbour bridge stays open to walkers” [@gazette2026].\n";
    let results = quote_statuses(ws.path(), note);
    let got: Vec<(&str, &str)> = results
        .iter()
        .map(|(t, s, _)| (t.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "the iron girders had rusted through in three places",
                "verified"
            ),
            (
                "the footpath beside the harbour bridge stays open to walkers",
                "misattributed"
            ),
        ]
    );
    assert_eq!(results[0].2["url"], STORY, "{:#}", results[0].2);
    assert_eq!(results[1].2["url"], NOTICE, "{:#}", results[1].2);
}
