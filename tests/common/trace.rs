//! System-call traces of the real binary, and snapshots of file trees: how the tests see what
//! `sourced` opened, wrote or removed, and whether it made a socket.
//!
//! Traces come from `strace -f -y`: every call with a path, in any thread or child, and the
//! folder each descriptor stands for (so a path relative to a folder descriptor, as
//! `remove_dir_all` uses, is still known in full). Where `strace` does not work, tests fall
//! back to comparing snapshots of the tree, and say so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

/// Whether `strace` can trace a program here.
pub fn strace_works() -> bool {
    let ok = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("note: strace is not available: system calls are not traced");
    }
    ok
}

/// `strace` writing the file and network calls of the program that follows (add it and its
/// arguments) to `log`, descriptors shown with their paths.
pub fn strace(log: &Path) -> Command {
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-y", "-e", "trace=%file,%network", "-o"])
        .arg(log);
    cmd
}

/// `sourced ARGS` under strace (files, network, descriptors), its trace in `log`.
pub fn traced(dir: &Path, log: &Path, args: &[&str]) -> Output {
    strace(log)
        .arg(env!("CARGO_BIN_EXE_sourced"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `sourced lsp` under strace.
pub fn traced_lsp(log: &Path) -> Command {
    let mut cmd = strace(log);
    cmd.arg(env!("CARGO_BIN_EXE_sourced")).arg("lsp");
    cmd
}

/// One traced system call: its name, the paths it names, and the whole line.
pub struct Call {
    pub name: String,
    pub paths: Vec<String>,
    pub line: String,
}

impl Call {
    /// The files the call names, in full: each path made absolute against the folder of the
    /// descriptor before it (`AT_FDCWD</cwd>`, `3</some/folder>`), else against `cwd`; and
    /// the file a returned descriptor stands for (`= 3</the/file>`, as the kernel resolved it).
    pub fn targets(&self, cwd: &Path) -> Vec<PathBuf> {
        let parts: Vec<&str> = self.line.split('"').collect();
        let mut out = Vec::new();
        for i in (1..parts.len()).step_by(2) {
            let path = Path::new(parts[i]);
            let before = parts[i - 1].trim_end().trim_end_matches(',');
            let dir = before
                .strip_suffix('>')
                .and_then(|b| b.rfind('<').map(|at| PathBuf::from(&b[at + 1..])));
            out.push(match dir {
                _ if path.is_absolute() => path.to_path_buf(),
                Some(d) => d.join(path),
                None => cwd.join(path),
            });
        }
        if let Some(result) = parts.last().and_then(|l| l.rsplit_once(") = ")) {
            if let Some(fd_path) = result
                .1
                .split_once('<')
                .and_then(|(_, p)| p.strip_suffix('>'))
            {
                out.push(PathBuf::from(fd_path));
            }
        }
        out
    }
}

/// Every call in the trace at `log` (resumed halves of split calls add no path).
pub fn calls(log: &Path) -> Vec<Call> {
    let text = std::fs::read_to_string(log).unwrap();
    text.lines()
        .filter_map(|line| {
            // `PID name(args) = result`; resumed halves of split calls add no path.
            let rest = line.split_once(' ')?.1.trim_start();
            if rest.starts_with("<...") || rest.starts_with("+++") || rest.starts_with("---") {
                return None;
            }
            let name = rest.split('(').next()?.to_string();
            let paths = rest
                .split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            Some(Call {
                name,
                paths,
                line: line.to_string(),
            })
        })
        .collect()
}

pub const WRITE_CALLS: &[&str] = &[
    "mkdir",
    "mkdirat",
    "rename",
    "renameat",
    "renameat2",
    "unlink",
    "unlinkat",
    "rmdir",
    "truncate",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "chmod",
    "fchmodat",
    "chown",
    "lchown",
    "fchownat",
    "utimes",
    "utimensat",
    "mknod",
    "mknodat",
    "setxattr",
    "lsetxattr",
    "removexattr",
    "lremovexattr",
];

/// Calls that create, change or remove something on disk.
pub fn writes(calls: &[Call]) -> Vec<&Call> {
    calls
        .iter()
        .filter(|c| {
            let opens = matches!(c.name.as_str(), "open" | "openat" | "openat2" | "creat")
                && ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                    .iter()
                    .any(|f| c.line.contains(f));
            opens || c.name == "creat" || WRITE_CALLS.contains(&c.name.as_str())
        })
        .collect()
}

/// Where `path` really is: its longest existing ancestor with every link resolved, and the
/// rest of the path below it (a path written through a link to another folder is in that
/// folder).
pub fn physical(path: &Path) -> PathBuf {
    let path = sourced::config::absolute(path);
    let mut rest = Vec::new();
    let mut at = path.as_path();
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return path,
        }
    }
}

/// Every write in the trace is inside `cache` (relative paths are from `cwd`).
pub fn assert_writes_inside(log: &Path, cwd: &Path, cache: &Path) {
    let calls = calls(log);
    let w = writes(&calls);
    assert!(
        !w.is_empty(),
        "the trace shows no write at all: is it complete?"
    );
    for c in w {
        assert!(!c.paths.is_empty(), "a write without a path: {}", c.line);
        for p in &c.paths {
            let full = sourced::config::absolute(&cwd.join(p));
            assert!(
                full.starts_with(cache) || p.starts_with("/dev/"),
                "sourced wrote outside its cache folder {}: {}",
                cache.display(),
                c.line
            );
        }
    }
}

/// Every write in the trace lands inside `root`, where it really is (links resolved):
/// nothing is created, changed or removed outside it.
pub fn assert_no_write_outside(log: &Path, root: &Path) {
    let root = physical(root);
    for c in writes(&calls(log)) {
        for t in c.targets(&root) {
            let real = physical(&t);
            assert!(
                real.starts_with(&root) || t.starts_with("/dev/"),
                "sourced wrote outside the workspace {} (at {}): {}",
                root.display(),
                real.display(),
                c.line
            );
        }
    }
}

/// No system call in the trace names any of `forbidden`.
pub fn assert_never_named(log: &Path, forbidden: &[&str]) {
    for c in calls(log) {
        for f in forbidden {
            assert!(
                !c.paths.iter().any(|p| p.contains(f)),
                "sourced touched {f}: {}",
                c.line
            );
        }
    }
}

/// No socket was made or connected.
pub fn assert_no_network(log: &Path) {
    let net = [
        "socket",
        "socketpair",
        "connect",
        "bind",
        "listen",
        "accept",
        "accept4",
        "sendto",
        "sendmsg",
        "recvfrom",
        "recvmsg",
    ];
    for c in calls(log) {
        assert!(
            !net.contains(&c.name.as_str()),
            "network system call: {}",
            c.line
        );
    }
}

/// A snapshot of every file and folder under `root`: path → (size, modification time).
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let md = e.metadata().ok()?;
            let size = if md.is_dir() { 0 } else { md.len() };
            Some((e.path().to_path_buf(), (size, md.modified().ok())))
        })
        .collect()
}

/// Everything added, changed or removed between two snapshots.
pub fn changes(
    before: &BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
    after: &BTreeMap<PathBuf, (u64, Option<SystemTime>)>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = after
        .iter()
        .filter(|(p, v)| before.get(*p) != Some(v))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    out
}
