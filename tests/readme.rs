//! The README's promises about how to run things: its Quick start gives exactly two commands,
//! the main job and the tests; CI (`.ci/run`) runs the second one verbatim; the first names
//! files that exist in the clone; the editor set-up blocks the editor tests run are there.

use std::path::Path;

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// The commands of the first `sh` block after `## Quick start` (comments and blank lines
/// dropped).
fn quick_start_commands(readme: &str) -> Vec<String> {
    let section = &readme[readme
        .find("## Quick start")
        .expect("a Quick start section")..];
    let block = &section[section.find("```sh\n").expect("an sh block") + 6..];
    let block = &block[..block.find("```").expect("the block's end")];
    block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn the_quick_start_has_the_main_job_and_the_test_command_that_ci_runs() {
    let readme = repo_file("README.md");
    let commands = quick_start_commands(&readme);
    assert_eq!(
        commands,
        [
            "cargo run --release -- check examples/notes.md",
            "bash tests/run.sh"
        ]
    );
    let ci = repo_file(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == commands[1]),
        ".ci/run does not run the README's test command `{}`",
        commands[1]
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(root.join("examples/notes.md").is_file());
    assert!(root.join("seeds").is_dir());
}

#[test]
fn the_editor_set_up_blocks_the_editor_tests_run_are_in_the_readme() {
    let readme = repo_file("README.md");
    for (marker, fence, must) in [
        (
            "<!-- nvim-setup -->",
            "```lua",
            "require(\"sourced\").setup(",
        ),
        ("<!-- emacs-setup -->", "```elisp", "eglot-server-programs"),
    ] {
        let at = readme.find(marker).unwrap_or_else(|| panic!("{marker}"));
        let after = readme[at + marker.len()..].trim_start();
        assert!(
            after.starts_with(fence),
            "{marker} is not followed by {fence}"
        );
        let block = &after[..after[3..].find("```").unwrap() + 3];
        assert!(block.contains(must), "{marker}: {block}");
    }
    for script in ["tests/nvim/run.sh", "tests/emacs/run.sh"] {
        assert!(
            repo_file(script).contains("tests/readme-snippet.sh"),
            "{script} does not take its set-up from the README"
        );
    }
}
