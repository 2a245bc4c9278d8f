//! Run-to-run history of the corpus bench: each run appends its headline figures to
//! `DIR/bench-history.jsonl` and prints them next to the previous run's on the same corpus,
//! so a regression shows at once.

use std::io::Write;
use std::path::Path;

/// A change this large (either way) is marked.
const NOTABLE: f64 = 0.10;

#[derive(Default)]
pub struct History {
    /// (name, value, whether higher is better), in the order recorded.
    figures: Vec<(String, f64, bool)>,
}

impl History {
    /// A figure where lower is better (times, sizes, memory).
    pub fn lower(&mut self, name: &str, value: f64) {
        self.figures.push((name.to_string(), value, false));
    }

    /// A figure where higher is better (throughput, verdicts as expected).
    pub fn higher(&mut self, name: &str, value: f64) {
        self.figures.push((name.to_string(), value, true));
    }

    /// Print the comparison with the last run in `dir` and append this run.
    pub fn finish(self, dir: &Path) {
        let file = dir.join("bench-history.jsonl");
        let previous: Option<serde_json::Value> = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| t.lines().last().and_then(|l| serde_json::from_str(l).ok()));
        let commit = std::process::Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        match &previous {
            Some(p) => println!(
                "\n| against the previous run ({}, {}) | before | now | change |\n| --- | --- | --- | --- |",
                p["commit"].as_str().unwrap_or("?"),
                p["unix_time"].as_u64().map_or("?".into(), |t| format!("{} h ago", (now.saturating_sub(t)) / 3600))
            ),
            None => println!("\n(first run recorded in {})", file.display()),
        }
        let mut figures = serde_json::Map::new();
        for (name, value, higher_better) in &self.figures {
            figures.insert(name.clone(), serde_json::json!(value));
            let Some(before) = previous
                .as_ref()
                .and_then(|p| p["figures"][name.as_str()].as_f64())
            else {
                continue;
            };
            let change = if before.abs() < 1e-12 {
                0.0
            } else {
                value / before - 1.0
            };
            let mark = if change.abs() < NOTABLE {
                ""
            } else if (change > 0.0) == *higher_better {
                " better"
            } else {
                " **worse**"
            };
            println!(
                "| {name} | {before:.2} | {value:.2} | {:+.0} %{mark} |",
                change * 100.0
            );
        }
        let line = serde_json::json!({"unix_time": now, "commit": commit, "figures": figures});
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
            .and_then(|mut f| writeln!(f, "{line}"));
        if let Err(e) = appended {
            eprintln!("cannot record the run in {}: {e}", file.display());
        }
    }
}
