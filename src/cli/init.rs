//! `sourced init [DIR]`: write a commented `sourced.toml` in DIR (default: the current
//! folder) whose `sources` name the folders that likely hold the source documents (see
//! [`crate::setup::candidates`]). Never overwrites: an existing `sourced.toml` is left as it
//! is (exit 1); the file is created with `create_new`, so a file that appears meanwhile is
//! not overwritten either.

use crate::config::FILE_NAME;
use crate::setup::{self, files, MAX_SOURCES};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The workspace folder: where sourced.toml is written and sources are looked for.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: InitArgs) -> anyhow::Result<i32> {
    let dir = &args.dir;
    if !dir.is_dir() {
        anyhow::bail!("{}: no such folder", dir.display());
    }
    let file = dir.join(FILE_NAME);
    if file.exists() || file.symlink_metadata().is_ok() {
        eprintln!(
            "sourced: {} already exists; it is left as it is (edit its `sources`, or remove it \
             and run `sourced init` again)",
            file.display()
        );
        return Ok(1);
    }
    let found = setup::candidates(dir);
    let sources = setup::entries(&found);
    let text = setup::template(&sources);
    let mut out = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "sourced: {} already exists; it is left as it is",
                file.display()
            );
            return Ok(1);
        }
        Err(e) => anyhow::bail!("cannot write {}: {e}", file.display()),
    };
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    if found.is_empty() {
        eprintln!(
            "sourced: found no folder of source documents ({}) in {}",
            crate::check::SOURCE_FORMATS,
            dir.display()
        );
        eprintln!(
            "sourced: wrote {} with sources = [\"sources\"]: put the documents there, or edit it",
            file.display()
        );
    } else {
        for c in &found {
            eprintln!("sourced: found {} in {}", files(c.files), c.spec);
        }
        if found.len() > MAX_SOURCES {
            eprintln!(
                "sourced: only the first {MAX_SOURCES} are named in `sources`; add others by hand"
            );
        }
        let names: Vec<&str> = sources.iter().map(|(s, _)| s.as_str()).collect();
        eprintln!(
            "sourced: wrote {} with sources = {names:?}; every other setting is commented out \
             with its default",
            file.display()
        );
    }
    eprintln!("sourced: next: `sourced check` checks the notes against them");
    Ok(0)
}
