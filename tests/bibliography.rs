//! Bibliographies end to end: BibTeX/BibLaTeX and CSL JSON in the shapes Zotero and Better
//! BibTeX export (fixtures in `tests/fixtures/bib/`), a broken file reported by line with
//! the rest kept, `[@key]` resolution through an entry's files, its DOI, and the sources' own
//! keys, the unknown-key finding in the CLI (human and JSON), and front matter
//! `bibliography:`.

mod common;

use common::{repo, sourced};
use serde_json::Value;
use sourced::bibliography::{self, Entry};
use sourced::check::{Checker, UnknownKind};
use sourced::config::Workspace;
use sourced::quotes::verdict::Status;
use std::path::{Path, PathBuf};

const S000: &str = "000_3ed32749fd57da32";
const S001: &str = "001_b9529bda20c132ef";
const S002: &str = "002_d0918e3d7f8dfafe";

/// A quotation of each seed (exact words).
const Q000: &str = "“The US has recently carried out deadly attacks across Iraq”";
const Q001: &str =
    "“the United States is still there and is not showing signs of an imminent withdrawal”";
const Q002: &str = "“US forces in the Middle East and elsewhere came to stay, notably in Iraq”";
const QDOI: &str =
    "“Withdrawal agreements are often signed long before the last soldier leaves the country”";

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/bib").join(name)
}

fn read(name: &str) -> bibliography::BibFile {
    bibliography::read_file(&fixture(name))
}

fn entry<'a>(file: &'a bibliography::BibFile, key: &str) -> &'a Entry {
    file.entries
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("no entry {key} in {:#?}", file.entries))
}

#[test]
fn zotero_better_biblatex_entries_have_their_fields_people_dates_and_files() {
    let f = read("zotero.bib");
    assert_eq!(f.warnings, []);
    let keys: Vec<&str> = f.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["cartalucci2020", "smith2024", "gone2021"]);
    let c = entry(&f, "cartalucci2020");
    assert_eq!(
        c.title.as_deref(),
        Some("US Kills Iraqis for Demanding End of Illegal Occupation")
    );
    assert_eq!(c.authors, ["Tony Cartalucci"]);
    assert_eq!(c.date.as_deref(), Some("2020-03-17"));
    let dir = fixture("");
    assert_eq!(
        c.files,
        [
            dir.join("files/123/Cartalucci - 2020 - US Kills Iraqis.pdf"),
            dir.join(format!("seeds/{S000}.txt"))
        ]
    );
    assert_eq!(
        c.url.as_deref(),
        Some("https://www.globalresearch.ca/us-kills-iraqis-demanding-end-illegal-occupation/5706664")
    );
    assert_eq!(c.origin.line, 1);
    assert_eq!(c.origin.path, fixture("zotero.bib"));
    let s = entry(&f, "smith2024");
    assert_eq!(s.authors, ["Jane Smith", "Institute for War Studies"]);
    assert_eq!(s.doi.as_deref(), Some("10.5555/sourced.2024.001"));
    assert_eq!(s.date.as_deref(), Some("2024-03-01"));
    assert_eq!(s.origin.line, 12);
    assert_eq!(entry(&f, "gone2021").date.as_deref(), Some("2021"));
}

#[test]
fn better_bibtex_plain_paths_absolute_and_relative_and_month_macros() {
    let f = read("betterbibtex.bib");
    assert_eq!(f.warnings, []);
    let i = entry(&f, "inlakesh2020");
    assert_eq!(
        i.files,
        [
            PathBuf::from("/home/reporter/Zotero/storage/ABCD1234/Inlakesh - 2020.pdf"),
            fixture(&format!("seeds/{S001}.txt"))
        ]
    );
    assert_eq!(i.date.as_deref(), Some("2020-02"));
    assert_eq!(i.authors, ["Robert Inlakesh"]);
    assert_eq!(entry(&f, "antiempire2020").authors, ["Anti-Empire"]);
}

#[test]
fn csl_json_from_zotero_names_literals_dates_and_dois() {
    let f = read("library.json");
    assert_eq!(f.warnings, []);
    let l = entry(&f, "lendman2021");
    assert_eq!(
        l.title.as_deref(),
        Some("Biden Regime Refuses to End Illegal US Occupation of Iraq")
    );
    assert_eq!(l.authors, ["Stephen Lendman"]);
    assert_eq!(l.date.as_deref(), Some("2021-07-28"));
    assert_eq!(l.files, [fixture(&format!("seeds/{S002}.txt"))]);
    assert_eq!(l.origin.line, 2);
    let rt = entry(&f, "rt2024");
    assert_eq!(rt.authors, ["RT"]);
    assert_eq!(rt.date.as_deref(), Some("January 2024"));
    assert_eq!(rt.doi.as_deref(), Some("10.5555/rt.2024.7"));
}

#[test]
fn a_broken_bib_is_reported_by_line_and_every_other_entry_is_kept() {
    let f = read("broken.bib");
    let keys: Vec<&str> = f.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["good1", "good2", "good3"]);
    let lines: Vec<Option<usize>> = f.warnings.iter().map(|w| w.line).collect();
    // The missing comma is seen where `author` starts; the unclosed entry where it starts.
    assert_eq!(lines, [Some(10), Some(18)], "{:#?}", f.warnings);
    assert!(
        f.warnings[1].message.contains("never closed"),
        "{}",
        f.warnings[1]
    );
    assert_eq!(entry(&f, "good3").origin.line, 22);
    assert_eq!(
        f.warnings[0].to_string(),
        format!(
            "{}:10: {}",
            fixture("broken.bib").display(),
            f.warnings[0].message
        )
    );
}

#[test]
fn a_broken_csl_item_is_reported_by_line_and_the_others_kept() {
    let f = read("broken.json");
    let keys: Vec<&str> = f.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["ok1", "ok2"]);
    assert_eq!(f.warnings.len(), 1, "{:#?}", f.warnings);
    assert_eq!(f.warnings[0].line, Some(3));
}

#[test]
fn a_key_written_twice_keeps_its_first_entry_with_a_warning_at_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.bib");
    std::fs::write(
        &a,
        "@misc{k, title = {First}}\n\n@misc{k, title = {Second}}\n",
    )
    .unwrap();
    let file = bibliography::read_file(&a);
    assert_eq!(
        file.entries.len(),
        2,
        "both read: the file is fine on its own"
    );
    let bib = bibliography::Bibliography::from_files([(a.as_path(), &file)]);
    assert_eq!(bib.get("k").unwrap().title.as_deref(), Some("First"));
    assert_eq!(bib.warnings.len(), 1);
    assert_eq!(bib.warnings[0].line, Some(3));
    assert!(bib.warnings[0].message.starts_with("duplicate key ‘k’"));
}

#[test]
fn a_missing_bibliography_is_a_warning_not_a_failure() {
    let f = bibliography::read_file(&fixture("no-such.bib"));
    assert_eq!(f.entries, []);
    assert_eq!(f.warnings.len(), 1);
    assert!(f.warnings[0].message.starts_with("bibliography not read"));
}

/// A workspace in a temp folder: the seeds, a source with a DOI, the fixtures at its root,
/// and `sourced.toml` naming `bibliography`.
fn workspace(bibliography: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), seeds.join(e.file_name())).unwrap();
    }
    std::fs::copy(fixture("doi-source.md"), seeds.join("withdrawal.md")).unwrap();
    for f in [
        "zotero.bib",
        "betterbibtex.bib",
        "library.json",
        "broken.bib",
    ] {
        std::fs::copy(fixture(f), dir.path().join(f)).unwrap();
    }
    let list: Vec<String> = bibliography.iter().map(|b| format!("{b:?}")).collect();
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!(
            "sources = [\"seeds\"]\nbibliography = [{}]\n",
            list.join(", ")
        ),
    )
    .unwrap();
    dir
}

/// The citations of `text` (the note at `note`) that name no source.
fn unknown(c: &Checker, note: &Path, text: &str) -> Vec<sourced::check::UnknownCitation> {
    let scan = sourced::quotes::extract::scan(text, 4);
    c.unknown_citations_in(note, &scan.citations, &c.note_bibliography(note, text))
        .unwrap()
}

fn checker(root: &Path) -> Checker {
    let ws = Workspace::load(&root.join("sourced.toml")).unwrap();
    Checker::open(ws, &[]).unwrap().0
}

#[test]
fn keys_resolve_through_files_dois_and_then_source_keys() {
    let ws = workspace(&["zotero.bib", "betterbibtex.bib", "library.json"]);
    let c = checker(ws.path());
    let note = ws.path().join("note.md");
    let text = format!(
        "By file: {Q000} [@cartalucci2020].\n\nBy a plain path: {Q001} [@inlakesh2020].\n\n\
         By CSL file: {Q002} [@lendman2021].\n\nBy DOI: {QDOI} [@smith2024].\n\n\
         By source key: {Q002} [@{S002}].\n"
    );
    let results = c.check_note(&note, &text).unwrap();
    let got: Vec<(Status, Option<&str>, Option<&str>)> = results
        .iter()
        .map(|r| {
            (
                r.verdict.status,
                r.cited.as_deref(),
                r.verdict.best.as_ref().map(|m| m.path.as_str()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Status::Verified,
                Some("cartalucci2020"),
                Some(&*format!("seeds/{S000}.txt"))
            ),
            (
                Status::Verified,
                Some("inlakesh2020"),
                Some(&*format!("seeds/{S001}.txt"))
            ),
            (
                Status::Verified,
                Some("lendman2021"),
                Some(&*format!("seeds/{S002}.txt"))
            ),
            (
                Status::Verified,
                Some("smith2024"),
                Some("seeds/withdrawal.md")
            ),
            (
                Status::Verified,
                Some(S002),
                Some(&*format!("seeds/{S002}.txt"))
            ),
        ]
    );
    assert_eq!(unknown(&c, &note, &text), []);
}

#[test]
fn a_key_cited_for_the_wrong_source_is_misattributed_through_its_entry() {
    // The entry's file is seed 000; the words are seed 002's.
    let ws = workspace(&["zotero.bib"]);
    let c = checker(ws.path());
    let r = c
        .check_note(
            &ws.path().join("note.md"),
            &format!("{Q002} [@cartalucci2020].\n"),
        )
        .unwrap();
    assert_eq!(r[0].verdict.status, Status::Misattributed);
    assert_eq!(
        r[0].verdict.best.as_ref().unwrap().path,
        format!("seeds/{S002}.txt")
    );
}

#[test]
fn an_entry_that_names_no_source_is_its_own_finding_and_the_quote_is_judged_uncited() {
    let ws = workspace(&["zotero.bib"]);
    let c = checker(ws.path());
    let note = ws.path().join("note.md");
    let text = format!("{Q000} [@gone2021].\n");
    let r = c.check_note(&note, &text).unwrap();
    assert_eq!(
        (r[0].verdict.status, r[0].cited.as_deref()),
        (Status::Verified, None)
    );
    let u = unknown(&c, &note, &text);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].kind(), UnknownKind::EntryWithoutSource);
    assert_eq!(u[0].nearest, []);
    assert_eq!(
        u[0].message(),
        "‘gone2021’ is in zotero.bib but none of its files, URL or DOI is a source (and no source has this file name or id)"
    );
}

#[test]
fn an_unknown_key_on_a_quote_found_in_a_source_is_not_misattributed() {
    let ws = workspace(&["zotero.bib"]);
    let c = checker(ws.path());
    let note = ws.path().join("note.md");
    let text = format!("{Q002} [@cartaluci2020].\n");
    let r = c.check_note(&note, &text).unwrap();
    assert_eq!(
        (r[0].verdict.status, r[0].cited.as_deref()),
        (Status::Verified, None)
    );
    let u = unknown(&c, &note, &text);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].kind(), UnknownKind::UnknownKey);
    assert_eq!(u[0].nearest[0].0, "cartalucci2020");
}

#[test]
fn front_matter_bibliography_is_read_relative_to_the_note() {
    let ws = workspace(&[]);
    let c = checker(ws.path());
    std::fs::create_dir_all(ws.path().join("notes")).unwrap();
    let note = ws.path().join("notes/n.md");
    let text = format!(
        "---\ntitle: N\nbibliography:\n  - ../library.json\n---\n\n{Q002} [@lendman2021].\n"
    );
    let r = c.check_note(&note, &text).unwrap();
    assert_eq!(
        (r[0].verdict.status, r[0].cited.as_deref()),
        (Status::Verified, Some("lendman2021"))
    );
    // Without the front matter the key is unknown.
    let r = c
        .check_note(&note, &format!("{Q002} [@lendman2021].\n"))
        .unwrap();
    assert_eq!(r[0].cited, None);
}

#[test]
fn a_changed_bibliography_is_read_again() {
    let ws = workspace(&["refs.bib"]);
    let c = checker(ws.path());
    let note = ws.path().join("note.md");
    let text = format!("{Q001} [@mine].\n");
    std::fs::write(ws.path().join("refs.bib"), "@misc{mine, title = {M}}\n").unwrap();
    assert_eq!(c.check_note(&note, &text).unwrap()[0].cited, None);
    std::fs::write(
        ws.path().join("refs.bib"),
        format!("@misc{{mine,\n  title = {{M}},\n  file = {{seeds/{S001}.txt}}\n}}\n"),
    )
    .unwrap();
    assert_eq!(
        c.check_note(&note, &text).unwrap()[0].cited.as_deref(),
        Some("mine")
    );
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn cli_reports_unknown_keys_with_nearest_keys_in_human_and_json_and_bib_errors_on_stderr() {
    let ws = workspace(&["zotero.bib", "library.json", "broken.bib"]);
    std::fs::write(
        ws.path().join("note.md"),
        format!(
            "# N\n\nOne: {Q000} [@cartalucci2020].\n\nTwo: {Q002} [@lendmann2021].\n\nThree: {QDOI} [@smith2024].\n"
        ),
    )
    .unwrap();
    let out = sourced(ws.path(), &["check", "note.md", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("broken.bib:10: BibTeX syntax error"),
        "{stderr}"
    );
    assert!(
        stderr.contains("broken.bib:18: entry @book is never closed"),
        "{stderr}"
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"]["unknown_citations"], 1);
    assert_eq!(json["summary"]["verified"], 3);
    assert_eq!(json["summary"]["misattributed"], 0);
    let u = &json["unknown_citations"][0];
    assert_eq!(u["citation"], "lendmann2021");
    assert_eq!(u["kind"], "unknown-key");
    assert_eq!(u["line"], 5);
    assert_eq!(u["nearest"][0]["key"], "lendman2021");
    assert_eq!(
        u["nearest"][0]["title"],
        "Biden Regime Refuses to End Illegal US Occupation of Iraq"
    );
    assert_eq!(json["quotes"][0]["cited"], "cartalucci2020");
    // The entry fills what its source lacks (author, date), not what it has (title).
    let s = &json["quotes"][2]["source"];
    assert_eq!(
        (&s["path"], &s["title"], &s["author"], &s["date"]),
        (
            &Value::from("seeds/withdrawal.md"),
            &Value::from("Troop Withdrawal Agreements in Practice"),
            &Value::from("Jane Smith, Institute for War Studies"),
            &Value::from("2024-03-01")
        )
    );

    let out = sourced(ws.path(), &["check", "note.md"]);
    assert_eq!(out.status.code(), Some(1));
    let human = stdout(&out);
    // The title and notes are wrapped to the terminal's width: compare the words.
    let words = human.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("warning[unknown-key]: unknown citation key ‘lendmann2021’: in no bibliography, and no source has this file name or id -->"),
        "{human}"
    );
    assert!(
        words.contains("= help: did you mean [@lendman2021]"),
        "{human}"
    );
}
