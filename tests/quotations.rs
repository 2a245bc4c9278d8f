//! What the checker gets to check (issue 14): quotation marks of every convention, credit
//! lines, callouts, and which citations apply to which quotation, end to end on the seeds.

mod common;
use common::*;
use sourced::check::QuoteResult;
use sourced::quotes::extract::CitationTarget;
use sourced::quotes::verdict::Status;

const S000: &str = "000_3ed32749fd57da32";
const S003: &str = "003_0afb694efec83e04";
/// In S003: "An attack hit the headquarters of the Popular Mobilization Forces, an Iraqi…"
const ATTACK: &str = "An attack hit the headquarters of the Popular Mobilization Forces";

fn keys(r: &QuoteResult) -> Vec<String> {
    r.quote
        .citations
        .iter()
        .map(|c| match &c.target {
            CitationTarget::Key(k) | CitationTarget::Link(k) | CitationTarget::Url(k) => k.clone(),
        })
        .collect()
}

#[test]
fn a_dash_clause_in_a_blockquote_is_checked_with_the_rest() {
    let (c, _t) = seeds();
    // The source goes on "…, the US State Department has said": the clause after the dash is
    // made up and must not be cut off as if it were a credit line.
    let note = format!(
        "> Washington and Baghdad should not discuss troop withdrawal — the US will pull out its soldiers.\n>\n> [@{S000}]\n"
    );
    let r = one(&c, &note);
    assert_eq!(
        r.quote.text,
        "Washington and Baghdad should not discuss troop withdrawal — the US will pull out its soldiers."
    );
    assert_ne!(r.verdict.status, Status::Verified);
}

#[test]
fn a_credit_paragraph_is_not_checked_and_its_citation_applies() {
    let (c, _t) = seeds();
    let note = format!(
        "> {ATTACK}.\n>\n> — Deutsche Welle, 6 January 2020, as quoted by Global Research [@{S003}]\n"
    );
    let r = one(&c, &note);
    assert_eq!(r.quote.text, format!("{ATTACK}."));
    assert_eq!(r.verdict.status, Status::Verified);
    assert_eq!(keys(&r), [S003]);
}

#[test]
fn german_marks_and_an_unclosed_opener_lose_no_quotation() {
    let (c, _t) = seeds();
    let r = one(&c, &format!("Er schrieb „{ATTACK}“ [@{S003}]."));
    assert_eq!(r.verdict.status, Status::Verified);
    assert_eq!(keys(&r), [S003]);
    let r = one(
        &c,
        &format!("He said “this never closes. Then «\u{a0}{ATTACK}\u{a0}» [@{S003}]."),
    );
    assert_eq!(r.quote.text, ATTACK);
    assert_eq!(r.verdict.status, Status::Verified);
}

#[test]
fn both_parts_of_a_split_quotation_take_the_citation() {
    let (c, _t) = seeds();
    let note = format!(
        "“An attack hit the headquarters,” DW wrote, “of the Popular Mobilization Forces” [@{S003}; @{S000}]."
    );
    let results = check(&c, &note);
    assert_eq!(results.len(), 2);
    for r in &results {
        assert_eq!(r.verdict.status, Status::Verified, "{}", r.quote.text);
        assert_eq!(keys(r), [S003, S000]);
    }
}

#[test]
fn a_citation_after_a_sentence_that_ends_inside_the_marks_is_not_the_quotes() {
    let (c, _t) = seeds();
    let r = one(
        &c,
        &format!("DW added: “{ATTACK}.” Others doubt it [@{S000}]."),
    );
    assert!(r.quote.citations.is_empty());
    assert_eq!(r.verdict.status, Status::Verified);
}

#[test]
fn callouts_are_not_checked_but_quotations_inside_them_are() {
    let (c, _t) = seeds();
    assert!(check(
        &c,
        "> [!NOTE]\n> This note was written on a Monday in the newsroom.\n"
    )
    .is_empty());
    let r = one(
        &c,
        &format!("> **Editor:** DW wrote that “{ATTACK}” [@{S003}] last year.\n"),
    );
    assert_eq!(r.quote.text, ATTACK);
    assert_eq!(r.verdict.status, Status::Verified);
}

/// A citation key written inside a quotation (`[@src]`) is words of the quotation, not an
/// editorial bracket that may stand for source words: found by the property test
/// `quotes_are_found_in_their_own_note` (the bracket stood for “don't 2,500” and the quote,
/// word for word in its source, was called a mismatch).
#[test]
fn a_citation_key_inside_a_quotation_is_not_an_editorial_bracket() {
    let dir = tempfile::tempdir().unwrap();
    let text = "said don't 2,500 “said [@src] said ”";
    std::fs::write(dir.path().join("src.md"), text).unwrap();
    let (mut checker, _cache) = common::checker_at(dir.path(), &["src.md"]);
    checker.min_words = 1;
    let results = checker
        .check_note(&dir.path().join("note.md"), text)
        .unwrap();
    let got: Vec<(&str, &str)> = results
        .iter()
        .filter(|r| r.quote.text.contains("[@src]"))
        .map(|r| (r.quote.text.as_str(), r.verdict.status.as_str()))
        .collect();
    assert_eq!(got, [("said [@src] said", "verified")]);
}
