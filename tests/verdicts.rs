//! Verdicts on the seeds, one journalistic convention or misquotation per test.

mod common;
use common::*;
use sourced::quotes::verdict::{Op, Status};

const S000: &str = "000_3ed32749fd57da32";
const S003: &str = "003_0afb694efec83e04";

#[test]
fn exact_quote_is_verified_with_the_exact_source_range() {
    let (c, _t) = seeds();
    let r = one(&c, "“militias like Kata’ib Hezbollah as” wrote the author.");
    assert_eq!(r.verdict.status, Status::Verified);
    let m = r.verdict.best.as_ref().unwrap();
    assert_eq!(m.path, format!("seeds/{S000}.txt"));
    assert_eq!(source_bytes(&r), "militias like Kata’ib Hezbollah as");
}

#[test]
fn straight_quotes_and_apostrophes_match_curly_ones() {
    let (c, _t) = seeds();
    let r = one(
        &c,
        "He wrote \"militias like Kata'ib Hezbollah as\" in 2020.",
    );
    assert_eq!(r.verdict.status, Status::Verified);
    assert_eq!(source_bytes(&r), "militias like Kata’ib Hezbollah as");
}

#[test]
fn dashes_case_of_first_letter_and_line_breaks_do_not_matter() {
    let (c, _t) = seeds();
    // Source: "The US has recently carried out deadly attacks across Iraq – targeting Iraqi state-sponsored militias"
    let r = one(&c, "“the US has recently carried out deadly attacks across Iraq -\ntargeting Iraqi state-sponsored militias”");
    assert_eq!(r.verdict.status, Status::Verified);
}

#[test]
fn quote_spanning_a_markdown_link_in_the_source() {
    let (c, _t) = seeds();
    // Source: CNN in its article, “[US conducts airstrikes against multiple Iranian-backed militia sites in Iraq](#),” would report:
    let r = one(&c, "“CNN in its article, ‘US conducts airstrikes against multiple Iranian-backed militia sites in Iraq,’ would report”");
    assert_eq!(r.verdict.status, Status::Verified);
    let bytes = source_bytes(&r);
    assert!(
        bytes.starts_with("CNN in its article, “[US conducts"),
        "{bytes}"
    );
    assert!(bytes.ends_with("would report"), "{bytes}");
}

#[test]
fn every_omission_mark_is_accepted() {
    let (c, _t) = seeds();
    for mark in ["...", "…", ". . .", "[...]", "[…]"] {
        let note = format!("“Iraqi Prime Minister Mohammed Shia Al Sudani has promised {mark} to expel international coalition forces”");
        assert_eq!(status(&c, &note), Status::Verified, "{mark}");
    }
}

#[test]
fn omitted_pieces_must_be_in_order() {
    let (c, _t) = seeds();
    let note = "“to expel international coalition forces … Iraqi Prime Minister Mohammed Shia Al Sudani has promised”";
    assert_ne!(status(&c, note), Status::Verified);
}

#[test]
fn editorial_insertions_and_sic() {
    let (c, _t) = seeds();
    assert_eq!(
        status(
            &c,
            "“We condemn the attacks targeting [Iraq’s] security forces”"
        ),
        Status::Verified
    );
    assert_eq!(
        status(
            &c,
            "“[The PMF] represent an official presence affiliated with the state”"
        ),
        Status::Verified
    );
    assert_eq!(
        status(&c, "“the US never was and is not a legimate [sic] ally”"),
        Status::Verified
    );
}

#[test]
fn a_changed_number_is_a_mismatch_with_a_diff() {
    let (c, _t) = seeds();
    let r = one(
        &c,
        "“The 5,000 troops who remain the country a decade later”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    let diff = &r.verdict.best.as_ref().unwrap().diff;
    let changed: Vec<_> = diff
        .iter()
        .filter(|d| d.op != Op::Equal)
        .map(|d| (d.op, d.note.as_str(), d.source.as_str()))
        .collect();
    assert_eq!(changed, [(Op::Replace, "5,000", "2,500")]);
    assert_eq!(
        r.verdict.best.as_ref().unwrap().suggestion.as_deref(),
        Some("The 2,500 troops who remain the country a decade later")
    );
}

#[test]
fn a_dropped_not_is_a_mismatch() {
    let (c, _t) = seeds();
    let r = one(
        &c,
        "“the United States is still there and is showing signs of an imminent withdrawal”",
    );
    assert_eq!(r.verdict.status, Status::Mismatch);
    let changed: Vec<_> = r
        .verdict
        .best
        .as_ref()
        .unwrap()
        .diff
        .iter()
        .filter(|d| d.op != Op::Equal)
        .map(|d| (d.op, d.source.clone()))
        .collect();
    assert_eq!(changed, [(Op::Delete, "not".to_string())]);
}

#[test]
fn an_added_not_and_a_reordering_are_mismatches() {
    let (c, _t) = seeds();
    assert_eq!(status(&c, "“Pentagon troops do not remain on the phony pretext of serving in an advisory capacity”"), Status::Mismatch);
    let r = one(&c, "“the Iraqi government is the only party that has the right to follow up on the violations of these merits”");
    assert_eq!(r.verdict.status, Status::Mismatch);
}

#[test]
fn a_fabricated_quote_is_not_found() {
    let (c, _t) = seeds();
    let r = one(
        &c,
        "“The Martian ambassador praised the excellent cheese of the lunar republic yesterday”",
    );
    assert_eq!(r.verdict.status, Status::NotFound);
    assert!(r.verdict.best.is_none());
}

#[test]
fn a_somewhat_close_quote_is_not_found_with_a_hint() {
    let (c, _t) = seeds();
    let r = one(&c, "“the Iraqi people have endured famine and plague and the open contempt of their neighbours”");
    assert_eq!(r.verdict.status, Status::NotFound);
    let hint = r.verdict.best.as_ref().expect("a hint");
    assert!(
        hint.similarity > 0.3 && hint.similarity < 0.6,
        "{}",
        hint.similarity
    );
    assert!(hint.path.contains("000_"));
}

#[test]
fn misattributed_when_found_in_another_source_than_cited() {
    let (c, _t) = seeds();
    let r = one(
        &c,
        &format!(
            "“Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal” [@{S000}]."
        ),
    );
    assert_eq!(r.verdict.status, Status::Misattributed);
    assert_eq!(r.cited.as_deref(), Some(S000));
    assert_eq!(
        r.verdict.best.as_ref().unwrap().path,
        "seeds/002_d0918e3d7f8dfafe.txt"
    );
    // A mismatched quote cited to the wrong source is misattributed too.
    let r = one(
        &c,
        &format!(
            "“Iraqi Prime Minister Mustafa al-Kadhimi managed to achieve withdrawal” [@{S003}]."
        ),
    );
    assert_eq!(r.verdict.status, Status::Misattributed);
}

#[test]
fn correct_citations_by_key_or_link_verify() {
    let (c, _t) = seeds();
    let key = one(
        &c,
        &format!("“An attack hit the headquarters of the Popular Mobilization Forces” [@{S003}]."),
    );
    assert_eq!(key.verdict.status, Status::Verified);
    assert_eq!(key.verdict.cited_paths, [format!("seeds/{S003}.txt")]);
    let link = one(&c, &format!("“An attack hit the headquarters of the Popular Mobilization Forces” ([source](../seeds/{S003}.txt))."));
    assert_eq!(link.verdict.status, Status::Verified);
    assert_eq!(
        link.cited.as_deref(),
        Some(format!("../seeds/{S003}.txt").as_str())
    );
}

#[test]
fn an_unknown_citation_key_is_reported_apart_and_the_quote_judged_as_uncited() {
    let (c, _t) = seeds();
    // A Pandoc/BibTeX-style key for Stephen Lendman's article: not a source's key.
    let note =
        "“Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal” [@lendman2021].";
    let r = one(&c, note);
    assert_eq!(r.verdict.status, Status::Verified);
    assert_eq!(r.cited, None);
    assert!(r.verdict.cited_paths.is_empty());
    let scan = sourced::quotes::extract::scan(note, 4);
    let unknown = c
        .unknown_citations(&repo().join("examples/test-note.md"), &scan.citations)
        .unwrap();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].written, "lendman2021");
    assert_eq!(
        &note[unknown[0].citation.key_range.clone().unwrap()],
        "lendman2021"
    );
    assert_eq!(unknown[0].nearest[0].0, "002_d0918e3d7f8dfafe");
    // A link to a file that does not exist is unknown too; a known key is not.
    let note = "“Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal” [x](../seeds/002_d0918e3d7f8dfafx.txt) and [@002_d0918e3d7f8dfafe].";
    let scan = sourced::quotes::extract::scan(note, 4);
    let unknown = c
        .unknown_citations(&repo().join("examples/test-note.md"), &scan.citations)
        .unwrap();
    let written: Vec<&str> = unknown.iter().map(|u| u.written.as_str()).collect();
    assert_eq!(written, ["../seeds/002_d0918e3d7f8dfafx.txt"]);
    assert_eq!(unknown[0].nearest[0].0, "002_d0918e3d7f8dfafe");
}

#[test]
fn any_key_of_a_citation_group_that_holds_the_quote_verifies_it() {
    let (c, _t) = seeds();
    let r = one(
        &c,
        &format!("“An attack hit the headquarters of the Popular Mobilization Forces” [@{S000}; @{S003}]."),
    );
    assert_eq!(r.verdict.status, Status::Verified);
    assert_eq!(r.cited.as_deref(), Some(S003));
}

#[test]
fn blockquotes_are_checked_with_their_citation() {
    let (c, _t) = seeds();
    let note = format!("> Washington and Baghdad should not discuss troop withdrawal, the US State Department has said.\n>\n> [@{S000}]\n");
    let r = one(&c, &note);
    assert_eq!(r.verdict.status, Status::Verified);
    assert_eq!(r.cited.as_deref(), Some(S000));
}

#[test]
fn scare_quotes_are_not_checked_unless_configured() {
    let (mut c, _t) = seeds();
    assert!(check(&c, "A \"so-called\" war and “nonsense words”.").is_empty());
    c.min_words = 1;
    assert_eq!(
        check(&c, "A \"so-called\" war and “nonsense words”.").len(),
        2
    );
}

#[test]
fn a_quote_in_several_sources_lists_every_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let text = "Intro line.\n\nThe committee approved the budget on Monday after a long debate.\n";
    std::fs::write(dir.path().join("src/a.md"), text).unwrap();
    std::fs::write(dir.path().join("src/b.txt"), format!("Other.\n\n{text}")).unwrap();
    let (c, _t) = checker_at(dir.path(), &["src"]);
    let r = one(&c, "“The committee approved the budget on Monday”");
    assert_eq!(r.verdict.status, Status::Verified);
    let mut paths: Vec<_> = std::iter::once(&r.verdict.best)
        .flatten()
        .chain(&r.verdict.also)
        .map(|m| m.path.clone())
        .collect();
    paths.sort();
    assert_eq!(paths, ["src/a.md", "src/b.txt"]);
}

#[test]
fn html_sources_map_back_to_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let html = "<html><head><title>Budget vote</title><meta name=\"author\" content=\"Ann Lee\"></head><body>\
                <nav>Home | News</nav><p>The committee&rsquo;s chair said the <b>budget</b> was &ldquo;fair to everyone&rdquo; on Monday.</p></body></html>";
    std::fs::write(dir.path().join("src/vote.html"), html).unwrap();
    let (c, _t) = checker_at(dir.path(), &["src"]);
    let r = one(
        &c,
        "“The committee's chair said the budget was \"fair to everyone\" on Monday”",
    );
    assert_eq!(r.verdict.status, Status::Verified);
    let m = r.verdict.best.as_ref().unwrap();
    assert_eq!(&html[m.range.clone()], "The committee&rsquo;s chair said the <b>budget</b> was &ldquo;fair to everyone&rdquo; on Monday");
    let info = c.index().source_info("src/vote.html").unwrap().unwrap();
    assert_eq!(
        (info.meta.title.as_deref(), info.meta.author.as_deref()),
        (Some("Budget vote"), Some("Ann Lee"))
    );
}

#[test]
fn seed_metadata_is_found() {
    let (c, _t) = seeds();
    let info = c
        .index()
        .source_info(&format!("seeds/{S000}.txt"))
        .unwrap()
        .unwrap();
    assert_eq!(
        info.meta.title.as_deref(),
        Some("US Kills Iraqis for Demanding End of Illegal Occupation")
    );
    assert_eq!(info.meta.author.as_deref(), Some("Tony Cartalucci"));
    assert_eq!(info.meta.date.as_deref(), Some("March 17, 2020"));
    assert_eq!(info.meta.publisher.as_deref(), Some("Global Research"));
    let info = c
        .index()
        .source_info("seeds/002_d0918e3d7f8dfafe.txt")
        .unwrap()
        .unwrap();
    assert_eq!(info.meta.author.as_deref(), Some("Stephen Lendman"));
}

#[test]
fn curly_quotation_with_straight_quotes_inside() {
    let scan = sourced::quotes::extract::scan(
        "He said “the chair called it \"fair to everyone\" on Monday” today.",
        4,
    );
    assert_eq!(scan.quotes.len(), 1);
    assert_eq!(
        scan.quotes[0].text,
        "the chair called it \"fair to everyone\" on Monday"
    );
}

#[test]
fn remembered_verdicts_are_forgotten_when_a_source_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let source = dir.path().join("src/a.txt");
    std::fs::write(
        &source,
        "The mayor said the new bridge would open in the spring.\n",
    )
    .unwrap();
    let (c, _t) = checker_at(dir.path(), &["src"]);
    let note = "“the new bridge would open in the spring”";
    assert_eq!(status(&c, note), Status::Verified);
    // Checked again: the same answer (now from the remembered verdicts).
    assert_eq!(status(&c, note), Status::Verified);
    std::fs::write(
        &source,
        "The mayor said the new bridge would open in the autumn.\n",
    )
    .unwrap();
    c.update_files(std::slice::from_ref(&source)).unwrap();
    assert_eq!(status(&c, note), Status::Mismatch);
    std::fs::remove_file(&source).unwrap();
    c.refresh().unwrap();
    assert_eq!(status(&c, note), Status::NotFound);
}

/// A short quotation of common words but one, whose words fall on both sides of a boundary
/// between two passages, among many passages that hold all its words but not in its order
/// (the 1937 State of the Union in the documents benchmark): found, verified.
#[test]
fn a_short_quotation_across_a_passage_boundary_is_found_among_lookalikes() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sources");
    std::fs::create_dir_all(&src).unwrap();
    // Words 98 to 100 are "of the depression": the first passage (100 words) ends there.
    let filler: Vec<String> = (1..=97).map(|i| format!("filler{i}")).collect();
    let after: Vec<String> = (1..=120).map(|i| format!("after{i}")).collect();
    std::fs::write(
        src.join("speech.txt"),
        format!(
            "{} of the depression. The people of the United States have made it clear. {}\n",
            filler.join(" "),
            after.join(" ")
        ),
    )
    .unwrap();
    // Passages as long as the speech's, each with all the quotation's words, "of the
    // depression" and its second half word for word, but not across the full stop.
    for i in 0..40 {
        let filler: Vec<String> = (1..=80).map(|k| format!("town{i}word{k}")).collect();
        std::fs::write(
            src.join(format!("lookalike{i}.txt")),
            format!(
                "At the end of the depression years the people of the United States held \
                 firm. {}\n",
                filler.join(" ")
            ),
        )
        .unwrap();
    }
    let (checker, _cache) = common::checker_at(dir.path(), &["sources"]);
    let r = common::one(&checker, "“of the depression. The people of the United”\n");
    let best = r.verdict.best.as_ref().expect("a match");
    assert_eq!(
        (r.verdict.status, best.path.as_str()),
        (Status::Verified, "sources/speech.txt"),
        "{r:#?}"
    );
}
