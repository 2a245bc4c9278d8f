//! WACZ packages (WACZ 1.1.1: a zip holding `archive/*.warc[.gz]`, `pages/pages.jsonl`,
//! `datapackage.json` and indexes). The WARC files are read in name order, their page ids
//! prefixed with their path in the zip (`archive/data.warc.gz:8812`); a page listed in
//! `pages/pages.jsonl` (or `pages/extraPages.jsonl`) gets its title.
//!
//! Invariants: zip entries are read within the same bounds as DOCX parts
//! ([`crate::corpus::docx::read_zip_entry`]: declared size, ratio, the declared size
//! checked against what is read), and what is inflated counts against the same
//! [`ArchiveLimits::max_total_bytes`] as the WARC files inside. A WARC stored uncompressed
//! in the zip (as WACZ writers store `.warc.gz` files) is read in place, not copied.

use super::records::Budget;
use super::{ArchiveContents, ArchiveLimits, Assembler};
use crate::corpus::docx::read_zip_entry;
use std::collections::HashMap;
use std::io::Cursor;
use zip::{CompressionMethod, ZipArchive};

/// Most entries in a WACZ (a zip with more is refused as a bomb).
const MAX_ENTRIES: usize = 100_000;

/// Largest ratio of inflated to compressed size for a zip entry (as for DOCX parts).
const MAX_RATIO: u64 = 200;

/// Read a `.wacz` package.
pub fn read_wacz(bytes: &[u8], limits: ArchiveLimits) -> Result<ArchiveContents, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a WACZ: not a readable zip archive ({e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!(
            "zip bomb: {} entries in the archive, over the limit of {MAX_ENTRIES}",
            archive.len()
        ));
    }
    let mut names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    names.sort();
    let warcs: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("archive/") && (n.ends_with(".warc") || n.ends_with(".warc.gz")))
        .collect();
    if warcs.is_empty() {
        return Err("not a WACZ: no archive/*.warc or archive/*.warc.gz in it".into());
    }
    let budget = Budget::new(limits);
    let mut assembler = Assembler::default();
    let mut titles: HashMap<String, String> = HashMap::new();
    for list in ["pages/pages.jsonl", "pages/extraPages.jsonl"] {
        if names.iter().any(|n| n == list) {
            let bytes = entry(&mut archive, bytes, list, &budget)?;
            read_titles(&bytes, list, &mut titles, &mut assembler.notes);
        }
    }
    for name in warcs {
        let warc = entry(&mut archive, bytes, name, &budget)?;
        assembler.read(&warc, &format!("{name}:"), &budget)?;
    }
    let mut contents = assembler.finish();
    for page in &mut contents.pages {
        page.title = titles.get(&page.url).cloned();
    }
    Ok(contents)
}

/// The bytes of entry `name`: in place when stored, else inflated within the bounds.
fn entry<'a>(
    archive: &mut ZipArchive<Cursor<&'a [u8]>>,
    bytes: &'a [u8],
    name: &str,
    budget: &Budget,
) -> Result<std::borrow::Cow<'a, [u8]>, String> {
    let file = archive
        .by_name(name)
        .map_err(|e| format!("cannot read {name} from the WACZ ({e})"))?;
    if file.compression() == CompressionMethod::Stored {
        let start = file.data_start().unwrap_or(u64::MAX);
        let end = start.saturating_add(file.compressed_size());
        return usize::try_from(start)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(s, e)| bytes.get(s..e))
            .map(std::borrow::Cow::Borrowed)
            .ok_or_else(|| format!("cannot read {name} from the WACZ (its data is cut)"));
    }
    let read = read_zip_entry(file, name, budget.left(), MAX_RATIO)?;
    budget.inflate(read.len() as u64)?;
    Ok(std::borrow::Cow::Owned(read))
}

/// Titles by URL from a pages list (JSON lines: a header line, then `{url, ts, title}`).
fn read_titles(
    bytes: &[u8],
    list: &str,
    titles: &mut HashMap<String, String>,
    notes: &mut super::Notes,
) {
    let text = String::from_utf8_lossy(bytes);
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                notes.push(format!("{list} line {}: not JSON ({e}): skipped", n + 1));
                continue;
            }
        };
        let (Some(url), Some(title)) = (
            value.get("url").and_then(|u| u.as_str()),
            value.get("title").and_then(|t| t.as_str()),
        ) else {
            continue;
        };
        // A crawler writes the URL as the title when it has none.
        if !title.trim().is_empty() && title != url {
            titles
                .entry(url.to_string())
                .or_insert_with(|| title.trim().to_string());
        }
    }
}
