//! Verdicts that must never say "verified" for a quotation whose meaning differs from its
//! source, and diffs that name the real difference (issue: trust in every verdict). Each
//! test builds its own small source folder.

mod common;
use common::*;
use sourced::check::Checker;
use sourced::quotes::verdict::{FindingKind, Op, SourceMatch, Status};

/// A checker over one source file `src/a.txt` holding `text` (and `src/b.txt` if given).
fn over(a: &str, b: Option<&str>) -> (Checker, tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/a.txt"), a).unwrap();
    if let Some(b) = b {
        std::fs::write(dir.path().join("src/b.txt"), b).unwrap();
    }
    let (c, cache) = checker_at(dir.path(), &["src"]);
    (c, dir, cache)
}

fn best(r: &sourced::check::QuoteResult) -> &SourceMatch {
    r.verdict.best.as_ref().expect("a source passage")
}

fn findings(r: &sourced::check::QuoteResult) -> Vec<(FindingKind, String)> {
    best(r)
        .findings
        .iter()
        .map(|f| (f.kind, f.message.clone()))
        .collect()
}

const VILLAGES: &str = "Intro.\n\nThe commander spoke to the press on Sunday. \"We will not attack the northern villages under any circumstances,\" he said. The army left the area.\n";

#[test]
fn an_omission_that_drops_a_negation_is_a_mismatch_that_says_so() {
    let (c, _d, _t) = over(VILLAGES, None);
    let r = one(
        &c,
        "“We will … attack the northern villages under any circumstances”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::OmissionChangesMeaning,
            "the omission drops ‘not’".to_string()
        )]
    );
    let changed: Vec<_> = best(&r)
        .diff
        .iter()
        .filter(|d| d.op != Op::Equal)
        .map(|d| (d.op, d.note.as_str(), d.source.as_str(), d.why.as_deref()))
        .collect();
    assert_eq!(
        changed,
        [(Op::Replace, "…", "not", Some("the omission drops ‘not’"))]
    );
    assert!(best(&r).similarity < 1.0);
    assert_eq!(
        best(&r).suggestion.as_deref(),
        Some("We will not attack the northern villages under any circumstances")
    );
}

#[test]
fn an_insertion_that_stands_for_a_negation_is_a_mismatch_that_says_so() {
    let (c, _d, _t) = over(VILLAGES, None);
    let r = one(
        &c,
        "“We will [definitely] attack the northern villages under any circumstances”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::InsertionChangesMeaning,
            "[definitely] stands for ‘not’".to_string()
        )]
    );
}

#[test]
fn an_insertion_that_adds_a_negation_or_changes_a_number_is_a_mismatch() {
    let (c, _d, _t) = over(
        "The mayor said we will attack the bridge at dawn. The council sent 2,500 troops to the border.\n",
        None,
    );
    let r = one(&c, "“we will [never] attack the bridge at dawn”");
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::InsertionChangesMeaning,
            "[never] adds a negation the source does not have".to_string()
        )]
    );
    let r = one(&c, "“The council sent [5,000] troops to the border”");
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(findings(&r)[0].1, "[5,000] stands for ‘2,500’");
    // Brackets that only name what the source's words refer to stay verified.
    assert_eq!(
        status(&c, "“The council sent [2,500] troops to the border”"),
        Status::Verified
    );
    assert_eq!(
        status(&c, "“[The city council] sent 2,500 troops to the border”"),
        Status::Verified
    );
}

#[test]
fn an_omission_may_drop_whole_sentences_but_not_a_number_of_a_kept_one() {
    let (c, _d, _t) = over(
        "The ministry sent 2,500 more troops to the border on Friday. Nobody expected it. Not one officer was told. The troops arrived at night.\n",
        None,
    );
    // Whole sentences with a negation and a number in between: a fair cut.
    assert_eq!(
        status(
            &c,
            "“The ministry sent 2,500 more troops to the border on Friday. … The troops arrived at night.”"
        ),
        Status::Verified
    );
    // The number of a kept sentence: not a fair cut.
    let r = one(
        &c,
        "“The ministry sent … more troops to the border on Friday”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::OmissionChangesMeaning,
            "the omission drops ‘2,500’".to_string()
        )]
    );
    // The start of the next sentence is kept part of too.
    let r = one(
        &c,
        "“The ministry sent 2,500 more troops to the border on Friday. … one officer was told.”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(findings(&r)[0].1, "the omission drops ‘Not’");
}

#[test]
fn a_bracket_standing_for_too_many_words_is_named() {
    let (c, _d, _t) = over(
        "Yesterday the leader of the largest opposition party in the national parliament left the capital for the coast.\n",
        None,
    );
    let r = one(&c, "“Yesterday [she] left the capital for the coast”");
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::InsertionTooLong,
            "[she] stands for 11 source words (an insertion may stand for at most 6)".to_string()
        )]
    );
}

#[test]
fn words_dropped_without_an_ellipsis_are_a_mismatch_that_counts_them() {
    let (c, _d, _t) = over(
        "Report.\n\nThe minister, speaking after a long late session, said the talks had failed.\n",
        None,
    );
    let r = one(&c, "“The minister said the talks had failed”");
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::UnmarkedOmission,
            "6 words omitted without an ellipsis".to_string()
        )]
    );
    // Whatever the similarity: every quoted word is there, in order.
    let (c, _d, _t) = over(
        "The minister, speaking after a long session with union leaders, said it failed.\n",
        None,
    );
    let r = one(&c, "“The minister said it failed”");
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(findings(&r)[0].0, FindingKind::UnmarkedOmission);
}

#[test]
fn sentences_joined_from_two_places_say_where_the_second_part_is() {
    let filler: String = (0..12)
        .map(|i| format!("Filler sentence number {i} says nothing much. "))
        .collect();
    let source = format!(
        "The council approved the harbour plan on Monday. {filler}Critics called the vote a grave mistake for the city.\n"
    );
    let (c, _d, _t) = over(&source, None);
    let r = one(
        &c,
        "“The council approved the harbour plan on Monday. Critics called the vote a grave mistake”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::Joined,
            "joined from two places 84 words apart without a mark".to_string()
        )]
    );
}

#[test]
fn a_reordering_is_named() {
    let (c, _d, _t) = over(
        "The fund will build schools and hospitals in the northern provinces next year.\n",
        None,
    );
    let r = one(
        &c,
        "“The fund will build in the northern provinces schools and hospitals next year”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    let f = findings(&r);
    assert!(
        f.iter().all(|(k, _)| *k == FindingKind::Reordered) && !f.is_empty(),
        "{f:?}"
    );
}

#[test]
fn a_changed_last_word_is_a_replacement_and_the_fix_is_not_truncated() {
    let (c, _d, _t) = over(
        "The mayor said the new bridge would open in the spring.\n",
        None,
    );
    let r = one(&c, "“the new bridge would open in the autumn”");
    assert_eq!(r.verdict.status, Status::Mismatch);
    let changed: Vec<_> = best(&r)
        .diff
        .iter()
        .filter(|d| d.op != Op::Equal)
        .map(|d| (d.op, d.note.as_str(), d.source.as_str()))
        .collect();
    assert_eq!(changed, [(Op::Replace, "autumn", "spring")]);
    assert_eq!(
        best(&r).suggestion.as_deref(),
        Some("the new bridge would open in the spring")
    );
}

#[test]
fn the_fix_keeps_the_notes_line_breaks() {
    let (c, _t) = seeds();
    let note = "> The 5,000 troops who remain the country\n> a decade later are free to act\n";
    let r = one(&c, note);
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(
        r.replacement(note).as_deref(),
        Some("The 2,500 troops who remain the country\n> a decade later are free to act")
    );
}

#[test]
fn the_passage_shown_is_whole_sentences_within_one_paragraph() {
    let (c, _d, _t) = over(
        "First paragraph ends here.\n\nThe mayor said on Friday that the new bridge would open in the spring. Nobody believed it.\n\nAnother paragraph.\n",
        None,
    );
    let r = one(&c, "“the new bridge would open”");
    assert_eq!(r.verdict.status, Status::Verified);
    assert_eq!(
        best(&r).context,
        "The mayor said on Friday that the new bridge would open in the spring."
    );
}

#[test]
fn near_ties_are_judged_against_the_cited_source() {
    let a =
        "The committee approved the new budget for rural schools on Monday after a long debate.\n";
    let b =
        "The committee approved the new budget for rural clinics on Monday after a long debate.\n";
    let (c, _d, _t) = over(a, Some(b));
    // One word differs from each source; the cited one is judged.
    let r = one(
        &c,
        "“The committee approved the new budget for rural roads on Monday after a long debate” [@a].",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    assert_eq!(best(&r).path, "src/a.txt");
    // Verified in another source: misattributed.
    let r = one(
        &c,
        "“The committee approved the new budget for rural clinics on Monday after a long debate” [@a].",
    );
    assert_eq!(r.verdict.status, Status::Misattributed);
    assert_eq!(best(&r).path, "src/b.txt");
}

#[test]
fn a_near_tie_where_the_other_source_is_a_little_closer_is_not_misattributed() {
    // The cited source differs in two words, the other in one: within the margin.
    let a = "The committee approved the new budget for the rural schools of the province on Monday after a long and bitter debate.\n";
    let b = "The committee approved the new budget for the rural clinics of the province on Monday after a long and angry debate.\n";
    let (c, _d, _t) = over(a, Some(b));
    let r = one(
        &c,
        "“The committee approved the new budget for the rural roads of the province on Monday after a long and angry debate” [@a].",
    );
    let sims: Vec<f32> = std::iter::once(best(&r).similarity).collect();
    assert_eq!(r.verdict.status, Status::Mismatch, "{sims:?}");
    assert_eq!(best(&r).path, "src/a.txt");
}

#[test]
fn a_hint_is_given_only_when_it_helps() {
    let (c, _d, _t) = over(
        "The prime minister of the country said on Monday that the economy was growing fast.\n",
        None,
    );
    // Shares a few common words only: no hint.
    let r = one(
        &c,
        "“the prime minister of the republic has resigned over the scandal at the port authority”",
    );
    assert_eq!(r.verdict.status, Status::NotFound);
    assert!(r.verdict.best.is_none(), "{:?}", r.verdict.best);
}

#[test]
fn a_blockquote_ending_in_a_dash_clause_is_checked_whole() {
    let (c, _d, _t) = over(
        "Report.\n\nThe general insisted on Monday — we will not retreat. The troops stayed.\n",
        None,
    );
    let r = one(&c, "> The general insisted on Monday — we will retreat.\n");
    assert_eq!(
        r.quote.text,
        "The general insisted on Monday — we will retreat."
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    let changed: Vec<_> = best(&r)
        .diff
        .iter()
        .filter(|d| d.op != Op::Equal)
        .map(|d| (d.op, d.source.as_str()))
        .collect();
    assert_eq!(changed, [(Op::Delete, "not")], "{:#?}", best(&r).diff);
    // Few words before the dash: still a quotation, not dropped without a word.
    let r = one(&c, "> Insisted on Monday — we will retreat.\n");
    assert_eq!(r.verdict.status, Status::Mismatch);
}

#[test]
fn sentences_joined_from_places_far_apart_say_so_rather_than_inserted() {
    let filler: String = (0..100)
        .map(|i| format!("Filler sentence number {i} says nothing much. "))
        .collect();
    let source = format!(
        "The council approved the harbour plan on Monday. {filler}Critics called the vote a grave mistake for the city.\n"
    );
    let (c, _d, _t) = over(&source, None);
    let r = one(
        &c,
        "“The council approved the harbour plan on Monday. Critics called the vote a grave mistake”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch, "{:#?}", r.verdict);
    assert_eq!(
        findings(&r),
        [(
            FindingKind::Joined,
            "joined from two places in the source without a mark".to_string()
        )]
    );
    let joined: Vec<_> = best(&r)
        .diff
        .iter()
        .filter(|d| d.why.is_some())
        .map(|d| (d.op, d.note.as_str()))
        .collect();
    assert_eq!(
        joined,
        [(Op::Insert, "Critics called the vote a grave mistake")],
        "{:#?}",
        best(&r).diff
    );
}
