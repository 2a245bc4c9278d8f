//! Agreement of two checks of the same quotations: the local index's verdicts against a
//! remote archive's. Two verdicts agree when their status, their best match's source (the
//! archive's `NAME:` taken off) and that match's byte range are the same; a check that
//! failed is its own outcome (`error: …`) and agrees with nothing.

use sourced::quotes::verdict::Verdict;
use std::ops::Range;

/// What a check said about one quotation, in the terms compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The verdict's status, or `error: …` when the check failed.
    pub status: String,
    /// The best match's source, without the archive's `NAME:`.
    pub path: Option<String>,
    pub range: Option<Range<usize>>,
}

impl Outcome {
    /// `verdict` with the archive prefix `strip` (e.g. `arch:`) taken off its path.
    pub fn of(verdict: &Result<Verdict, String>, strip: &str) -> Outcome {
        match verdict {
            Ok(v) => Outcome {
                status: v.status.as_str().to_string(),
                path: v.best.as_ref().map(|m| {
                    m.path
                        .strip_prefix(strip)
                        .unwrap_or(m.path.as_str())
                        .to_string()
                }),
                range: v.best.as_ref().map(|m| m.range.clone()),
            },
            Err(e) => Outcome {
                status: format!("error: {e}"),
                path: None,
                range: None,
            },
        }
    }

    /// One line: `status path bytes a..b`.
    pub fn describe(&self) -> String {
        match (&self.path, &self.range) {
            (Some(p), Some(r)) => format!("{} `{p}` bytes {}..{}", self.status, r.start, r.end),
            _ => format!("{} (no match)", self.status),
        }
    }
}

/// One quotation's outcomes, local and remote.
pub struct Pair<'a> {
    pub kind: &'a str,
    pub quote: &'a str,
    pub expected: &'a str,
    pub local: Outcome,
    pub remote: Outcome,
}

/// Prints the counts (all agree; status, source or range differs) and up to `listed`
/// disagreements, then the agreement of each side with the expected status.
pub fn report(pairs: &[Pair], listed: usize) {
    let n = pairs.len();
    let agree = pairs.iter().filter(|p| p.local == p.remote).count();
    let status = pairs
        .iter()
        .filter(|p| p.local.status != p.remote.status)
        .count();
    let path = pairs
        .iter()
        .filter(|p| p.local.status == p.remote.status && p.local.path != p.remote.path)
        .count();
    let range = pairs
        .iter()
        .filter(|p| {
            p.local.status == p.remote.status
                && p.local.path == p.remote.path
                && p.local.range != p.remote.range
        })
        .count();
    let local_ok = pairs
        .iter()
        .filter(|p| p.local.status == p.expected)
        .count();
    let remote_ok = pairs
        .iter()
        .filter(|p| p.remote.status == p.expected)
        .count();
    println!("\n| agreement (local vs remote, cold pass) | quotes |\n| --- | --- |");
    println!("| same status, source and byte range | {agree} of {n} |");
    println!("| status differs | {status} |");
    println!("| same status, source differs | {path} |");
    println!("| same status and source, byte range differs | {range} |");
    println!("| local as expected | {local_ok} of {n} |");
    println!("| remote as expected | {remote_ok} of {n} |");
    let differ: Vec<&Pair> = pairs.iter().filter(|p| p.local != p.remote).collect();
    if differ.is_empty() {
        return;
    }
    println!("\n| kind | quote | expected | local | remote |\n| --- | --- | --- | --- | --- |");
    for p in differ.iter().take(listed) {
        let quote: String = p.quote.chars().take(90).collect();
        let more = if quote.len() < p.quote.len() {
            "…"
        } else {
            ""
        };
        println!(
            "| {} | {}{more} | {} | {} | {} |",
            p.kind,
            quote.replace('|', "\\|"),
            p.expected,
            p.local.describe().replace('|', "\\|"),
            p.remote.describe().replace('|', "\\|")
        );
    }
    if differ.len() > listed {
        println!(
            "\n({} more disagreements not listed)",
            differ.len() - listed
        );
    }
}
