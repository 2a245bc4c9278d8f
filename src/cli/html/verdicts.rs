//! The verdicts a row of the HTML report can have: the six statuses of a quotation and the
//! unknown citation, each with the id used in classes and filters and the words on its
//! badge (a badge always says its verdict in words, never by colour alone).

use crate::cli::report::Summary;
use crate::quotes::verdict::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// `verified`, `not-found`, …, `unknown-citation`: the row's `data-verdict`, the badge's
    /// class `v-ID`.
    pub id: &'static str,
    /// What the badge says.
    pub label: &'static str,
}

/// Every verdict, in the order of the summary and the filters.
pub const ALL: [Verdict; 7] = [
    Verdict {
        id: "verified",
        label: "verified",
    },
    Verdict {
        id: "mismatch",
        label: "mismatch",
    },
    Verdict {
        id: "not-found",
        label: "not found",
    },
    Verdict {
        id: "misattributed",
        label: "misattributed",
    },
    Verdict {
        id: "wrong-speaker",
        label: "wrong speaker",
    },
    Verdict {
        id: "too-long",
        label: "too long",
    },
    UNKNOWN_CITATION,
];

pub const UNKNOWN_CITATION: Verdict = Verdict {
    id: "unknown-citation",
    label: "unknown citation",
};

/// The verdict of a quotation.
pub fn of(status: Status) -> Verdict {
    let id = status.as_str();
    ALL.into_iter()
        .find(|v| v.id == id)
        .unwrap_or(UNKNOWN_CITATION)
}

/// How many rows of the report have `verdict`.
pub fn count(summary: &Summary, verdict: Verdict) -> usize {
    match verdict.id {
        "verified" => summary.verified,
        "mismatch" => summary.mismatch,
        "not-found" => summary.not_found,
        "misattributed" => summary.misattributed,
        "wrong-speaker" => summary.wrong_speaker,
        "too-long" => summary.too_long,
        _ => summary.unknown_citations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_verdict() {
        let statuses = [
            Status::Verified,
            Status::Mismatch,
            Status::NotFound,
            Status::Misattributed,
            Status::WrongSpeaker,
            Status::TooLong,
        ];
        let ids: Vec<&str> = statuses.iter().map(|s| of(*s).id).collect();
        assert_eq!(
            ids,
            [
                "verified",
                "mismatch",
                "not-found",
                "misattributed",
                "wrong-speaker",
                "too-long"
            ]
        );
    }

    #[test]
    fn each_verdict_counts_its_own_field() {
        let summary = Summary {
            verified: 1,
            mismatch: 2,
            not_found: 3,
            misattributed: 4,
            wrong_speaker: 5,
            speaker_unknown: 99,
            too_long: 6,
            unknown_citations: 7,
        };
        let counts: Vec<usize> = ALL.iter().map(|v| count(&summary, *v)).collect();
        assert_eq!(counts, [1, 2, 3, 4, 5, 6, 7]);
    }
}
