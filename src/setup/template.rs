//! The `sourced.toml` that `sourced init` and the editor's "Create sourced.toml…" write: the
//! source specs uncommented, and every other setting commented out with one line that says
//! what it does.
//!
//! Invariants (tested): the text parses with the configuration loader; uncommenting every
//! setting line (before the `[[speaker]]` example) gives the defaults of [`Config`], or for
//! the settings without a value by default (lists that are empty), an example that parses;
//! every key the loader knows is in it.

use crate::config::Config;

/// A setting as the template shows it.
struct Setting {
    key: &'static str,
    /// The TOML value shown (the default, or an example when the default is empty).
    value: String,
    /// Whether `value` is the default (else an example).
    default: bool,
    /// One line: what it does.
    help: &'static str,
}

fn settings() -> Vec<Setting> {
    let d = Config::default();
    let s = |key, value: String, help| Setting {
        key,
        value,
        default: true,
        help,
    };
    let example = |key, value: &str, help| Setting {
        key,
        value: value.to_string(),
        default: false,
        help,
    };
    vec![
        s(
            "index_dir",
            toml_string(".sourced"),
            "Where the index is kept: a folder inside the workspace.",
        ),
        s(
            "min_words",
            d.min_words.to_string(),
            "Shorter quotations are scare quotes, not checked.",
        ),
        example(
            "exclude",
            r#"["**/drafts/**"]"#,
            "Globs left out of sources and notes (default: none).",
        ),
        example(
            "notes",
            r#"["notes"]"#,
            "Notes `sourced check` checks without paths (default: every Markdown file outside the sources).",
        ),
        s(
            "mismatch_similarity",
            format!("{:?}", d.mismatch_similarity),
            "From this similarity (0-1) a differing passage is a mismatch, not a quote not found.",
        ),
        s(
            "max_file_mb",
            d.max_file_mb.to_string(),
            "Source files larger than this (in MB, bytes actually read) are skipped.",
        ),
        s(
            "follow_links",
            d.follow_links.to_string(),
            "Follow symbolic links in source folders (false for a folder you do not trust).",
        ),
        s(
            "max_walk_files",
            d.max_walk_files.to_string(),
            "Files and folders one walk of a folder visits at most.",
        ),
        s(
            "max_walk_depth",
            d.max_walk_depth.to_string(),
            "Folder levels one walk descends at most.",
        ),
        s(
            "reader_memory_mb",
            d.reader_memory_mb.to_string(),
            "Memory (MB) of the process that reads one PDF.",
        ),
        s(
            "reader_seconds",
            d.reader_seconds.to_string(),
            "Time (seconds) that process may take.",
        ),
        s(
            "web_folder",
            toml_string(&d.web_folder),
            "Where `sourced archive` writes web captures (.warc.gz); a source folder too.",
        ),
        s(
            "archive_timeout_seconds",
            d.archive_timeout_seconds.to_string(),
            "`sourced archive`: time for one page, redirects included.",
        ),
        s(
            "archive_max_mb",
            d.archive_max_mb.to_string(),
            "`sourced archive`: megabytes read for one page at most.",
        ),
        example(
            "bibliography",
            r#"["refs.bib"]"#,
            "BibTeX/BibLaTeX (.bib) and CSL JSON (.json) files that `[@key]` citations cite from.",
        ),
    ]
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The text of a new `sourced.toml` whose `sources` are `specs` (each with a comment, e.g.
/// what was found there). With no specs, `sources = ["sources"]` and a line that says to put
/// the documents there.
pub fn template(specs: &[(String, String)]) -> String {
    let mut out = String::new();
    out.push_str(
        "# sourced.toml: the settings of this workspace (see the README, \"Configuration\").\n\
         # Paths are relative to this file's folder. Every setting but `sources` is commented\n\
         # out and shows its default (or an example): remove the `#` to change it.\n\n\
         # The source documents quotations are checked against: folders, files or globs\n\
         # (.txt, .md, .html, .pdf, .docx, .srt, .vtt, .warc, .warc.gz, .wacz).\n",
    );
    if specs.is_empty() {
        out.push_str(
            "# No folder of source documents was found: put them in sources/, or change this.\n",
        );
        out.push_str("sources = [\"sources\"]\n");
    } else {
        out.push_str("sources = [\n");
        for (spec, comment) in specs {
            out.push_str(&format!("    {},", toml_string(spec)));
            if !comment.is_empty() {
                out.push_str(&format!("  # {comment}"));
            }
            out.push('\n');
        }
        out.push_str("]\n");
    }
    for s in settings() {
        let shown = if s.default { "" } else { " For example:" };
        out.push_str(&format!(
            "\n# {}{shown}\n# {} = {}\n",
            s.help, s.key, s.value
        ));
    }
    out.push_str(
        "\n# Whose words a source's narration is (see the README, \"Who said it\"); repeat the\n\
         # table for more rules, later ones win.\n\
         # [[speaker]]\n\
         # sources = [\"sources/speeches\"]  # folders, files or globs\n\
         # speaker = \"author\"              # \"author\", \"none\", or a name\n",
    );
    out.push_str(
        "\n# A search cluster whose documents are sources too (see the README, \"Checking\n\
         # against a search cluster\"); repeat the table for more.\n\
         # [[remote]]\n\
         # name = \"archive\"                    # its documents are archive:ID\n\
         # kind = \"opensearch\"                 # or \"elasticsearch\"\n\
         # url = \"https://search.example:9200\"\n\
         # index = \"articles\"\n\
         # user_env = \"ARCHIVE_USER\"           # credentials come from the environment\n\
         # password_env = \"ARCHIVE_PASSWORD\"\n\
         # fields = { text = \"body\", title = \"headline\", author = \"byline\", date = \"published\", url = \"url\" }\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Workspace, FILE_NAME};

    fn load(text: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        std::fs::write(&file, text).unwrap();
        Workspace::load(&file).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn parses_with_the_sources_given_and_the_rest_at_their_defaults() {
        let text = template(&[
            ("library".into(), "12 files".into()),
            ("*.pdf".into(), String::new()),
        ]);
        let ws = load(&text);
        assert_eq!(ws.config.sources, ["library", "*.pdf"]);
        assert_eq!(
            ws.config,
            Config {
                sources: vec!["library".into(), "*.pdf".into()],
                ..Config::default()
            }
        );
        let none = load(&template(&[]));
        assert_eq!(none.config.sources, ["sources"]);
    }

    #[test]
    fn every_commented_setting_is_its_default_or_an_example_that_parses() {
        let text = template(&[("library".into(), String::new())]);
        let (settings, speaker) = text.split_once("# [[speaker]]").unwrap();
        let (speaker, remote) = speaker.split_once("\n# A search cluster").unwrap();
        let uncommented: String = settings
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let ws = load(&uncommented);
        let d = Config::default();
        let mut expected = Config {
            sources: vec!["library".into()],
            index_dir: Some(".sourced".into()),
            ..d
        };
        for s in super::settings().iter().filter(|s| !s.default) {
            match s.key {
                "exclude" => expected.exclude = ws.config.exclude.clone(),
                "notes" => expected.notes = ws.config.notes.clone(),
                "bibliography" => expected.bibliography = ws.config.bibliography.clone(),
                other => panic!("an example for {other} that this test does not know"),
            }
        }
        assert_eq!(ws.config, expected);
        assert!(!ws.config.exclude.is_empty() && !ws.config.notes.is_empty());
        // The [[speaker]] example parses too.
        let table: String = speaker
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let ws = load(&format!("[[speaker]]{table}\n"));
        assert_eq!(ws.config.speaker.len(), 1);
        assert_eq!(ws.config.speaker[0].speaker, "author");
        // And the [[remote]] example.
        let table: String = remote
            .lines()
            .filter(|l| !l.starts_with("# [[") && l.contains(" = "))
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let ws = load(&format!("[[remote]]\n{table}\n"));
        assert_eq!(ws.config.remote.len(), 1);
        assert_eq!(ws.config.remote[0].fields.text, "body");
    }

    #[test]
    fn every_key_the_loader_knows_is_in_it() {
        // The loader's error for an unknown key lists every key it knows.
        let err = toml::from_str::<Config>("no_such_key = 1\n")
            .unwrap_err()
            .to_string();
        let known = err
            .split("expected one of")
            .nth(1)
            .unwrap_or_else(|| panic!("{err}"));
        let keys: Vec<&str> = known
            .split(',')
            .map(|k| k.trim().trim_matches('`').trim())
            .filter(|k| !k.is_empty())
            .collect();
        assert!(keys.len() > 10, "{keys:?}");
        let text = template(&[]);
        for key in keys {
            let shown = if key == "speaker" || key == "remote" {
                text.contains(&format!("# [[{key}]]"))
            } else {
                text.contains(&format!("\n{key} = ")) || text.contains(&format!("\n# {key} = "))
            };
            assert!(shown, "{key} is not in the template");
        }
    }
}
