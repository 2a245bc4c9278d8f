//! Figures of the language-server bench: latencies in milliseconds, percentiles, and this
//! process's memory from /proc (Linux; zero elsewhere). Client and server share the process.

use std::time::Duration;

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

pub struct Row {
    pub what: &'static str,
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
}

pub fn row(what: &'static str, mut samples: Vec<f64>) -> Row {
    samples.sort_by(f64::total_cmp);
    let mean = samples.iter().sum::<f64>() / samples.len().max(1) as f64;
    Row {
        what,
        n: samples.len(),
        p50: percentile(&samples, 0.5),
        p95: percentile(&samples, 0.95),
        mean,
    }
}

/// Memory of this process, in kB: resident (anonymous + file-mapped), peak resident.
#[derive(Clone, Copy, Default, Debug)]
pub struct Memory {
    pub rss: u64,
    pub anon: u64,
    pub file: u64,
    pub hwm: u64,
}

impl Memory {
    pub fn now() -> Memory {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss: field("VmRSS:"),
            anon: field("RssAnon:"),
            file: field("RssFile:"),
            hwm: field("VmHWM:"),
        }
    }

    /// "RSS 123.4 MB (anon 100.0, file 23.4), peak 150.0 MB".
    pub fn describe(&self) -> String {
        let mb = |kb: u64| kb as f64 / 1024.0;
        format!(
            "RSS {:.1} MB (anon {:.1}, file {:.1}), VmHWM {:.1} MB",
            mb(self.rss),
            mb(self.anon),
            mb(self.file),
            mb(self.hwm)
        )
    }
}
