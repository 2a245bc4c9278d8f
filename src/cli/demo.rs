//! `sourced demo [--into DIR]`: the main job from anywhere. The sample workspace (the five
//! seed articles and the sample note, built into the binary) is written to a folder and
//! checked there, exactly as `sourced check examples/notes.md` checks it from the
//! repository's root.
//!
//! Invariant: it never overwrites a file. Into a folder that already holds a file of the
//! same name with other content, it writes nothing and stops with a usage error (exit 2).

use super::{CheckArgs, Format, SourceArgs};
use std::path::{Path, PathBuf};

/// The sample workspace, relative paths and contents, as in the repository.
const FILES: [(&str, &str); 6] = [
    (
        "seeds/000_3ed32749fd57da32.txt",
        include_str!("../../seeds/000_3ed32749fd57da32.txt"),
    ),
    (
        "seeds/001_b9529bda20c132ef.txt",
        include_str!("../../seeds/001_b9529bda20c132ef.txt"),
    ),
    (
        "seeds/002_d0918e3d7f8dfafe.txt",
        include_str!("../../seeds/002_d0918e3d7f8dfafe.txt"),
    ),
    (
        "seeds/003_0afb694efec83e04.txt",
        include_str!("../../seeds/003_0afb694efec83e04.txt"),
    ),
    (
        "seeds/004_789c1a358e99dff9.txt",
        include_str!("../../seeds/004_789c1a358e99dff9.txt"),
    ),
    ("examples/notes.md", include_str!("../../examples/notes.md")),
];

const NOTE: &str = "examples/notes.md";

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Folder to write the sample workspace into and keep (default: a new folder in the
    /// system's temporary folder).
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Output format of the check.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also list verified quotes (human format).
    #[arg(short, long)]
    pub verbose: bool,
}

pub fn run(args: DemoArgs) -> anyhow::Result<i32> {
    let dir = match args.into {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!("sourced-demo-{}", uuid::Uuid::new_v4())),
    };
    write_workspace(&dir)?;
    let dir = dir.canonicalize()?;
    eprintln!(
        "sourced: the sample workspace is in {}: the five articles in seeds/ and the note \
         {NOTE}. Open that folder in your editor, or check it again with `cd {} && sourced \
         check {NOTE}`.",
        dir.display(),
        dir.display()
    );
    std::env::set_current_dir(&dir)?;
    super::run_check(CheckArgs {
        paths: vec![PathBuf::from(NOTE)],
        source: SourceArgs {
            sources: Vec::new(),
            config: None,
            lock_timeout: 60.0,
        },
        format: args.format,
        min_words: None,
        verbose: args.verbose,
    })
}

/// Write the sample files under `dir`, creating folders; a file already there with the
/// same content is left as it is. Checks every file before writing any.
fn write_workspace(dir: &Path) -> anyhow::Result<()> {
    for (rel, text) in FILES {
        let path = dir.join(rel);
        match std::fs::read(&path) {
            Ok(old) if old == text.as_bytes() => {}
            Ok(_) => anyhow::bail!(
                "{} already exists with other content; `sourced demo` overwrites nothing: \
                 give another folder with --into",
                path.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => anyhow::bail!("{}: {e}", path.display()),
        }
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // `create_new`: a file that appeared since the check above is not overwritten.
        match std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => std::io::Write::write_all(&mut f, text.as_bytes())?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => anyhow::bail!("{}: {e}", path.display()),
        }
    }
    Ok(())
}
