//! `[[speaker]]` rules of `sourced.toml`, compiled: who speaks a source's narration (the
//! text outside its attributed quotations) for speaker checks.
//!
//! Order of precedence: the source's front matter `speaker:`, then the last rule whose
//! `sources` take the source, then the source's author. Nothing is guessed from file names.

use crate::config::SpeakerRule;
use crate::corpus::metadata::Metadata;
use crate::glob::{has_syntax, Pattern};
use crate::speakers::Narrator;
use std::path::Path;

/// Which sources one rule takes.
#[derive(Debug, Clone)]
enum Spec {
    /// A folder or file, relative to the root, without `./` or a trailing `/`.
    Path(String),
    Glob(Pattern),
}

/// What a rule says of its sources' narration.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Narration {
    Author,
    Nobody,
    Named(String),
}

/// The compiled rules of one workspace.
#[derive(Debug, Clone, Default)]
pub struct SpeakerRules {
    root: std::path::PathBuf,
    rules: Vec<(Vec<Spec>, Narration)>,
}

impl SpeakerRules {
    /// Compile `rules` for sources relative to `root`; an error names the rule that is wrong.
    pub fn compile(rules: &[SpeakerRule], root: &Path) -> Result<SpeakerRules, String> {
        let mut out = Vec::with_capacity(rules.len());
        for (n, rule) in rules.iter().enumerate() {
            let at = format!("[[speaker]] number {}", n + 1);
            let speaker = rule.speaker.trim();
            let narration = match speaker {
                "" => return Err(format!("{at}: `speaker` is empty")),
                "author" => Narration::Author,
                "none" => Narration::Nobody,
                name => Narration::Named(name.to_string()),
            };
            if rule.sources.is_empty() {
                return Err(format!("{at}: `sources` is empty"));
            }
            let mut specs = Vec::with_capacity(rule.sources.len());
            for s in &rule.sources {
                if has_syntax(s) {
                    let p = Pattern::new(s, root).map_err(|e| format!("{at}: {s}: {e}"))?;
                    specs.push(Spec::Glob(p));
                } else {
                    specs.push(Spec::Path(plain(s)));
                }
            }
            out.push((specs, narration));
        }
        Ok(SpeakerRules {
            root: root.to_path_buf(),
            rules: out,
        })
    }

    /// Who speaks the narration of the source at `display` (its path as the index stores
    /// it: relative to the root inside it) with metadata `meta`; `None` for nobody.
    pub fn narrator(&self, display: &str, meta: &Metadata) -> Option<Narrator> {
        if let Some(name) = meta.speaker.as_deref().filter(|s| !s.trim().is_empty()) {
            return Some(Narrator {
                name: name.trim().to_string(),
                from: "front matter",
            });
        }
        let author = || {
            meta.author.as_deref().map(|a| Narrator {
                name: a.trim().to_string(),
                from: "author",
            })
        };
        let rule = self
            .rules
            .iter()
            .rev()
            .find(|(specs, _)| specs.iter().any(|s| self.takes(s, display)));
        match rule.map(|(_, n)| n) {
            None | Some(Narration::Author) => author(),
            Some(Narration::Nobody) => None,
            Some(Narration::Named(name)) => Some(Narrator {
                name: name.clone(),
                from: "sourced.toml",
            }),
        }
    }

    fn takes(&self, spec: &Spec, display: &str) -> bool {
        // A page of a web archive is taken with its archive.
        let file = display.split_once('#').map_or(display, |(a, _)| a);
        match spec {
            Spec::Path(p) => {
                let abs = self.root.join(p);
                let abs = abs.to_string_lossy();
                [p.as_str(), abs.as_ref()].iter().any(|p| {
                    file == *p
                        || (file.starts_with(*p) && file[p.len()..].starts_with('/'))
                        || p.is_empty()
                })
            }
            Spec::Glob(g) => {
                let path = self.root.join(file);
                path.strip_prefix(g.base()).is_ok_and(|rel| g.takes(rel))
            }
        }
    }
}

/// A plain spec as display paths write it: no `./`, no trailing `/` (`.` is the root).
fn plain(spec: &str) -> String {
    let mut s = spec.trim();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    let s = s.trim_end_matches('/');
    if s == "." {
        String::new()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(list: &[(&[&str], &str)]) -> SpeakerRules {
        let rules: Vec<SpeakerRule> = list
            .iter()
            .map(|(s, sp)| SpeakerRule {
                sources: s.iter().map(|x| x.to_string()).collect(),
                speaker: sp.to_string(),
            })
            .collect();
        SpeakerRules::compile(&rules, Path::new("/ws")).unwrap()
    }

    fn meta(author: Option<&str>, speaker: Option<&str>) -> Metadata {
        Metadata {
            author: author.map(str::to_string),
            speaker: speaker.map(str::to_string),
            ..Default::default()
        }
    }

    fn name(n: Option<Narrator>) -> Option<(String, &'static str)> {
        n.map(|n| (n.name, n.from))
    }

    #[test]
    fn front_matter_wins_then_the_last_rule_then_the_author() {
        let r = rules(&[
            (&["sources/sotu"], "Some One"),
            (&["sources/sotu/wire"], "none"),
            (&["sources/**/*.md"], "author"),
        ]);
        let a = meta(Some("Jane Roe"), None);
        assert_eq!(
            name(r.narrator("sources/sotu/x.txt", &a)),
            Some(("Some One".into(), "sourced.toml"))
        );
        assert_eq!(name(r.narrator("sources/sotu/wire/x.txt", &a)), None);
        assert_eq!(
            name(r.narrator("sources/sotu/x.md", &a)),
            Some(("Jane Roe".into(), "author"))
        );
        assert_eq!(
            name(r.narrator("sources/sotu/wire/x.txt", &meta(None, Some("Ann Lee")))),
            Some(("Ann Lee".into(), "front matter"))
        );
        // No rule: the author; no author: nobody.
        assert_eq!(
            name(r.narrator("other/x.txt", &a)),
            Some(("Jane Roe".into(), "author"))
        );
        assert_eq!(name(r.narrator("other/x.txt", &meta(None, None))), None);
    }

    #[test]
    fn a_folder_takes_its_files_not_its_namesakes() {
        let r = rules(&[(&["./sources/sotu/"], "Some One")]);
        let m = meta(None, None);
        assert!(r.narrator("sources/sotu/a/b.txt", &m).is_some());
        assert!(r.narrator("sources/sotu", &m).is_some());
        assert!(r.narrator("sources/sotu2/b.txt", &m).is_none());
        // A page of an archive in the folder.
        assert!(r.narrator("sources/sotu/w.warc.gz#12", &m).is_some());
    }

    #[test]
    fn bad_rules_are_named() {
        let bad = |sources: &[&str], speaker: &str| {
            SpeakerRules::compile(
                &[SpeakerRule {
                    sources: sources.iter().map(|s| s.to_string()).collect(),
                    speaker: speaker.into(),
                }],
                Path::new("/ws"),
            )
            .unwrap_err()
        };
        assert!(bad(&["a"], " ").contains("`speaker` is empty"));
        assert!(bad(&[], "author").contains("`sources` is empty"));
        assert!(bad(&["a/[b"], "author").starts_with("[[speaker]] number 1: a/[b"));
    }
}
