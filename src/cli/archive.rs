//! `sourced archive URL... [--into DIR] [--timeout SECS] [--max-mb N]`: fetch pages into the
//! workspace's web folder as WARC files (see [`crate::web`]).
//!
//! Prints, per URL, the file written, the final URL, the status and the content type, or
//! the error. Exit codes: 0 every page archived, 1 some page was not, 2 usage errors (an
//! address that is not http(s), a bad `sourced.toml`); no page is fetched on a usage error.

use crate::config::{self, Workspace};
use crate::web::{self, ArchiveOptions, WebFolder};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ArchiveArgs {
    /// Web addresses (http or https) of the pages to archive.
    #[arg(value_name = "URL", required = true)]
    pub urls: Vec<String>,
    /// Folder to write into (default: `web_folder` in sourced.toml, else `sources/web`).
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Time one page may take, redirects and body included, in seconds (default:
    /// `archive_timeout_seconds`, else 30).
    #[arg(long, value_name = "SECS", value_parser = seconds)]
    pub timeout: Option<f64>,
    /// Megabytes read at most for one page (default: `archive_max_mb`, else 50).
    #[arg(long, value_name = "N")]
    pub max_mb: Option<u64>,
    /// Use this configuration file instead of looking for sourced.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// A `--timeout`: seconds, more than 0.
fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(t) if t > 0.0 && t < 1e9 => Ok(t),
        _ => Err(format!("not a number of seconds: {s}")),
    }
}

pub fn run(args: ArchiveArgs) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir()?;
    let ws = match &args.config {
        Some(file) => Workspace::load(file)?,
        None => Workspace::discover_or(&cwd, &cwd)?,
    };
    for url in &args.urls {
        web::fetch::parse_url(url)?;
    }
    let mut options = ArchiveOptions::of(&ws);
    if let Some(t) = args.timeout {
        options.timeout = Duration::from_secs_f64(t);
    }
    if let Some(mb) = args.max_mb {
        options.max_bytes = mb.saturating_mul(1 << 20);
    }
    let mut folder = WebFolder::of(&ws);
    if let Some(dir) = &args.into {
        folder.dir = config::absolute(&cwd.join(dir));
    }
    let mut failed = false;
    for url in &args.urls {
        match web::archive(url, &folder, &options) {
            Ok(c) => {
                let shown = c.path.strip_prefix(&cwd).unwrap_or(&c.path);
                let mut out = std::io::stdout().lock();
                let _ = writeln!(
                    out,
                    "{}\n  written: {}\n  final URL: {}{}\n  status: {}, content type: {}",
                    c.url,
                    shown.display(),
                    c.final_url,
                    match c.hops.len() {
                        1 => String::new(),
                        n => format!(" (after {} redirects)", n - 1),
                    },
                    c.status,
                    c.content_type
                );
            }
            Err(e) => {
                failed = true;
                eprintln!("sourced: error: {e}");
            }
        }
    }
    Ok(if failed { 1 } else { 0 })
}
