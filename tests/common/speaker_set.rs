//! The labelled evaluation sets of speaker checks (issue 19), shared by `tests/speakers.rs`
//! (the development set) and `tests/speakers_heldout.rs` (the held-out set): the case format
//! of a set's `cases.toml`, its own rules, that every case's words verify, and the score of
//! `sourced check --format json` on it, through the CLI's JSON alone, with the per-case misses
//! and the per-tag table printed.
//!
//! A set differs from another only by what [`SpeakerSet`] holds: its fixture folder, its
//! floors and its rules. A case is scored from its one quotation: `wrong` when the status is
//! `wrong-speaker`, `right` when `speaker.verdict` is `right`, `unknown` otherwise.

use super::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// One labelled set: where it lives, how it is named in the printed score, the floors the
/// implementation must meet on it and the rules the set itself must meet.
pub struct SpeakerSet {
    /// The fixture folder, relative to the repository (`tests/fixtures/speakers`).
    pub fixture: &'static str,
    /// What the first printed line calls the set (`speaker set`).
    pub name: &'static str,
    /// Wrong-speaker recall the implementation must reach (got wrong / expected wrong).
    pub min_recall: f64,
    /// False alarms it may raise at most (got wrong / expected right).
    pub max_false_alarms: f64,
    pub rules: SetRules,
}

/// What the set itself must hold.
pub struct SetRules {
    /// At least this many cases.
    pub min_cases: usize,
    /// At least this many expected wrong, when the set asks for a count.
    pub min_wrong: Option<usize>,
    /// At least this share of the cases expected wrong.
    pub min_wrong_share: f64,
    pub tags: TagRules,
}

/// The tags a case may carry.
pub enum TagRules {
    /// Each required tag with how many cases of it the set holds at least, and the other
    /// tags a case may carry.
    Minimums {
        required: &'static [(&'static str, usize)],
        other: &'static [&'static str],
    },
    /// The tags a case may carry, none required.
    Allowed(&'static [&'static str]),
}

impl TagRules {
    fn allows(&self, tag: &str) -> bool {
        match self {
            TagRules::Minimums { required, other } => {
                required.iter().any(|(name, _)| *name == tag) || other.contains(&tag)
            }
            TagRules::Allowed(tags) => tags.contains(&tag),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Label {
    Right,
    Wrong,
    Unknown,
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Label::Right => "right",
            Label::Wrong => "wrong",
            Label::Unknown => "unknown",
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    note: String,
    expect: Label,
    /// Who the source gives the words to, for a reader of a miss.
    source: String,
    tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

fn cases(fixture: &Path) -> Vec<Case> {
    let path = fixture.join("cases.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    toml::from_str::<Cases>(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .case
}

/// The keys of the `[@key]` citations of a note, in order.
fn cited_keys(note: &str) -> Vec<&str> {
    note.match_indices("[@")
        .filter_map(|(at, _)| {
            let rest = &note[at + 2..];
            rest.find(']').map(|end| &rest[..end])
        })
        .collect()
}

/// Citation key → source path relative to the fixture, for every file under `sources/`.
fn source_keys(fixture: &Path) -> HashMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut HashMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let before = out.insert(stem.clone(), rel.replace('\\', "/"));
                assert!(before.is_none(), "two sources have the key {stem}");
            }
        }
    }
    let mut out = HashMap::new();
    walk(&fixture.join("sources"), fixture, &mut out);
    out
}

impl SpeakerSet {
    fn fixture(&self) -> PathBuf {
        repo().join(self.fixture)
    }

    /// Panics unless the set meets its rules: plain unique ids, one cited key that is a source's
    /// file stem, a source speaker, known tags each once, credit cases as blockquotes with a
    /// `— Name` line, and the counts of cases, of expected wrong and of each required tag.
    pub fn assert_meets_its_own_rules(&self) {
        let rules = &self.rules;
        let cases = cases(&self.fixture());
        let keys = source_keys(&self.fixture());
        let mut ids = HashSet::new();
        let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &cases {
            assert!(ids.insert(c.id.as_str()), "id {} is used twice", c.id);
            assert!(
                !c.id.is_empty()
                    && c.id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "id {:?} is not a plain file name (a-z, 0-9, -)",
                c.id
            );
            let cited = cited_keys(&c.note);
            assert_eq!(cited.len(), 1, "{}: cites {cited:?}, not one key", c.id);
            assert!(
                keys.contains_key(cited[0]),
                "{}: [@{}] is no source's file stem",
                c.id,
                cited[0]
            );
            assert!(!c.source.trim().is_empty(), "{}: no source speaker", c.id);
            assert!(!c.tags.is_empty(), "{}: no tags", c.id);
            let mut own = HashSet::new();
            for t in &c.tags {
                assert!(rules.tags.allows(t), "{}: unknown tag {t:?}", c.id);
                assert!(own.insert(t), "{}: tag {t} twice", c.id);
                *tags.entry(t).or_default() += 1;
            }
            if c.tags.iter().any(|t| t == "credit") {
                assert!(
                    c.note.starts_with("> ") && c.note.contains("\n> — "),
                    "{}: a credit case is a blockquote with a `— Name` line",
                    c.id
                );
            }
        }
        let wrong = cases.iter().filter(|c| c.expect == Label::Wrong).count();
        assert!(
            cases.len() >= rules.min_cases,
            "{} cases, want {}",
            cases.len(),
            rules.min_cases
        );
        if let Some(min_wrong) = rules.min_wrong {
            assert!(
                wrong >= min_wrong,
                "{wrong} expected wrong, want {min_wrong}"
            );
        }
        assert!(
            wrong as f64 >= rules.min_wrong_share * cases.len() as f64,
            "{wrong} of {} expected wrong, want a quarter",
            cases.len()
        );
        if let TagRules::Minimums { required, .. } = rules.tags {
            let short: Vec<String> = required
                .iter()
                .filter(|(t, min)| tags.get(t).copied().unwrap_or(0) < *min)
                .map(|(t, min)| format!("{t}: {} < {min}", tags.get(t).copied().unwrap_or(0)))
                .collect();
            assert!(short.is_empty(), "tags below their minimum: {short:?}");
        }
    }

    /// Panics unless every case holds one quotation of at least 4 words, found word for word in
    /// the source it cites: what the set judges is the speaker, never the words. Checked in
    /// process over the fixture's sources, without its speaker configuration.
    pub fn assert_every_case_quotes_its_cited_source_word_for_word(&self) {
        let root = self.fixture();
        let keys = source_keys(&root);
        let (checker, _index) = checker_at(&root, &["sources"]);
        let mut bad = Vec::new();
        for c in cases(&root) {
            let path = root.join("notes").join(format!("{}.md", c.id));
            let results = checker.check_note(&path, &format!("{}\n", c.note)).unwrap();
            let [r] = results.as_slice() else {
                bad.push(format!("{}: {} quotations, not one", c.id, results.len()));
                continue;
            };
            let status = r.verdict.status.as_str();
            let at = r.verdict.best.as_ref().map(|m| m.path.as_str());
            let want = keys.get(cited_keys(&c.note)[0]).map(String::as_str);
            if r.quote.words < 4 {
                bad.push(format!(
                    "{}: {} words in {:?}",
                    c.id, r.quote.words, r.quote.text
                ));
            } else if !matches!(status, "verified" | "wrong-speaker") || at != want {
                bad.push(format!(
                    "{}: {status} at {at:?} (cites {want:?}): {:?}",
                    c.id, r.quote.text
                ));
            }
        }
        assert!(bad.is_empty(), "bad cases:\n{}", bad.join("\n"));
    }
}

/// What the CLI said about one case's quotation.
struct Outcome {
    got: Label,
    claimed: String,
    source: String,
}

/// Copies `sources/` and `sourced.toml` of the fixture into `dir`, writes each case's note
/// to `notes/ID.md`, runs `sourced check notes --format json` there once, and reads each
/// case's outcome (or why its words did not verify).
fn run_cli(fixture: &Path, dir: &Path, cases: &[Case]) -> HashMap<String, Result<Outcome, String>> {
    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy_tree(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    copy_tree(&fixture.join("sources"), &dir.join("sources"));
    std::fs::copy(fixture.join("sourced.toml"), dir.join("sourced.toml")).unwrap();
    std::fs::create_dir(dir.join("notes")).unwrap();
    for c in cases {
        std::fs::write(
            dir.join("notes").join(format!("{}.md", c.id)),
            format!("{}\n", c.note),
        )
        .unwrap();
    }
    let out = sourced(dir, &["check", "notes", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "sourced check failed ({:?}):\n{stderr}",
        out.status
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stderr}"));
    let mut by_note: HashMap<String, Vec<&serde_json::Value>> = HashMap::new();
    for q in report["quotes"].as_array().expect("quotes") {
        let file = q["file"].as_str().expect("file");
        let id = Path::new(file).file_stem().unwrap().to_string_lossy();
        by_note.entry(id.into_owned()).or_default().push(q);
    }
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    cases
        .iter()
        .map(|c| {
            let quotes = by_note.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
            let outcome = match quotes {
                [q] => {
                    let status = q["status"].as_str().unwrap_or("");
                    let speaker = &q["speaker"];
                    match status {
                        "wrong-speaker" | "verified" => Ok(Outcome {
                            got: if status == "wrong-speaker" {
                                Label::Wrong
                            } else if speaker["verdict"] == "right" {
                                Label::Right
                            } else {
                                Label::Unknown
                            },
                            claimed: text(&speaker["claimed"]),
                            source: text(&speaker["source"]),
                        }),
                        other => Err(format!("status {other}: {}", text(&q["text"]))),
                    }
                }
                _ => Err(format!("{} quotations, not one", quotes.len())),
            };
            (c.id.clone(), outcome)
        })
        .collect()
}

/// Counts of expected × got over some cases.
#[derive(Default)]
struct Tally {
    pairs: BTreeMap<(Label, Label), usize>,
}

impl Tally {
    fn add(&mut self, expect: Label, got: Label) {
        *self.pairs.entry((expect, got)).or_default() += 1;
    }
    fn count(&self, expect: Option<Label>, got: Option<Label>) -> usize {
        self.pairs
            .iter()
            .filter(|((e, g), _)| expect.is_none_or(|x| x == *e) && got.is_none_or(|x| x == *g))
            .map(|(_, n)| n)
            .sum()
    }
    fn correct(&self) -> usize {
        [Label::Right, Label::Wrong, Label::Unknown]
            .into_iter()
            .map(|l| self.count(Some(l), Some(l)))
            .sum()
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

impl SpeakerSet {
    /// Scores `sourced check --format json` on the set, prints the misses, the per-tag table and
    /// the totals, and panics if a case's words did not verify or a floor is not met.
    pub fn assert_speaker_checks_meet_the_floors(&self) {
        let (min_recall, max_false_alarms) = (self.min_recall, self.max_false_alarms);
        let cases = cases(&self.fixture());
        let dir = tempfile::tempdir().unwrap();
        let outcomes = run_cli(&self.fixture(), dir.path(), &cases);

        let unverified: Vec<String> = cases
            .iter()
            .filter_map(|c| match &outcomes[&c.id] {
                Err(why) => Some(format!("{}: {why}", c.id)),
                Ok(_) => None,
            })
            .collect();
        assert!(
            unverified.is_empty(),
            "the words of these cases did not verify (a bad case, or a regression):\n{}",
            unverified.join("\n")
        );

        let mut all = Tally::default();
        let mut by_tag: BTreeMap<&str, Tally> = BTreeMap::new();
        let mut misses = Vec::new();
        for c in &cases {
            let o = outcomes[&c.id].as_ref().unwrap();
            all.add(c.expect, o.got);
            for t in &c.tags {
                by_tag.entry(t).or_default().add(c.expect, o.got);
            }
            if o.got != c.expect {
                misses.push(format!(
                "miss {}: expected {}, got {} (claimed {}, source {}; the source gives {})\n     {}",
                c.id,
                c.expect,
                o.got,
                o.claimed,
                o.source,
                c.source,
                c.note.replace('\n', "\n     ")
            ));
            }
        }

        let n = cases.len();
        let wrong = all.count(Some(Label::Wrong), None);
        let right = all.count(Some(Label::Right), None);
        let unknown = all.count(Some(Label::Unknown), None);
        let caught = all.count(Some(Label::Wrong), Some(Label::Wrong));
        let false_alarms = all.count(Some(Label::Right), Some(Label::Wrong));
        let wrong_on_unknown = all.count(Some(Label::Unknown), Some(Label::Wrong));
        let recall = ratio(caught, wrong);
        let false_alarm_rate = ratio(false_alarms, right);

        println!(
            "{}: {n} cases ({right} right, {wrong} wrong, {unknown} unknown)",
            self.name
        );
        for m in &misses {
            println!("{m}");
        }
        println!(
            "\n{:<16} {:>5} {:>8} {:>9} {:>13} {:>13}",
            "tag", "cases", "correct", "accuracy", "wrong caught", "false alarms"
        );
        for (tag, t) in &by_tag {
            let cases = t.count(None, None);
            println!(
                "{tag:<16} {cases:>5} {:>8} {:>9.2} {:>13} {:>13}",
                t.correct(),
                ratio(t.correct(), cases),
                format!(
                    "{}/{}",
                    t.count(Some(Label::Wrong), Some(Label::Wrong)),
                    t.count(Some(Label::Wrong), None)
                ),
                format!(
                    "{}/{}",
                    t.count(Some(Label::Right), Some(Label::Wrong)),
                    t.count(Some(Label::Right), None)
                ),
            );
        }
        println!(
            "\naccuracy {:.3} ({}/{n}); wrong-speaker recall {recall:.3} ({caught}/{wrong}); \
         false alarms {false_alarm_rate:.3} ({false_alarms}/{right} right claims); \
         wrong-speaker on unknown {wrong_on_unknown}/{unknown}",
            ratio(all.correct(), n),
            all.correct(),
        );
        assert!(
            recall >= min_recall,
            "wrong-speaker recall {recall:.3} < {min_recall} ({caught}/{wrong})"
        );
        assert!(
            false_alarm_rate <= max_false_alarms,
            "false alarms {false_alarm_rate:.3} > {max_false_alarms} ({false_alarms}/{right})"
        );
    }
}
