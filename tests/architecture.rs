//! The crate's module structure, read from its sources under `src/`:
//!
//! - the submodules of each module form a DAG: no import cycle among the children of
//!   `src/entities`, `src/index`, … (every module directory except those in
//!   [`PARENTS_NOT_YET_CHECKED`]), nor among the top-level modules (`crate::x`);
//! - the top-level modules follow the pipeline ([`PIPELINE`]): no module uses one of a later
//!   stage, and nothing in the core uses `cli` or `lsp`.
//!
//! A module `a` depends on its sibling `b` when any of `a`'s files (outside `#[cfg(test)]`
//! modules, comments and string literals) names `b` by a path: `use super::b…`,
//! `use crate::p::b…`, `super::b::f()`, `crate::p::b::T`, or an item the parent imports or
//! re-exports from `b` (`super::T` after `pub use b::T` in the parent). A light tokenizer,
//! not a Rust parser: glob imports of the parent (`use super::*`) and names reached through
//! aliases (`use super::b as x; x::f()`) count by their `use` line only.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// Module directories whose submodules still have import cycles. The lead empties this once
/// the server redesign lands; [`parents_not_yet_checked_still_have_cycles`] fails as soon as
/// one of them has none, so that it is checked from then on.
const PARENTS_NOT_YET_CHECKED: &[&str] = &[];

/// The top-level modules in pipeline order, one stage a slice: a module may use modules of
/// its own or earlier stages only. `entities` comes before `index`, which extracts each
/// source's entities at index time and stores them. `disk` (reads, walks and the cache
/// folder, made safe) stands with `text` at the bottom: every stage may use it, it uses no
/// stage. Modules not listed (`config`, `cancel`, `notes`, `glob`) are unconstrained here,
/// except that they are core.
const PIPELINE: &[&[&str]] = &[
    &["text", "disk"],
    &["corpus"],
    &["entities", "bibliography"],
    &["speakers"],
    &["index"],
    &["quotes"],
    &["check"],
    &["web"],
    &["cli", "lsp"],
];

/// The front ends: nothing else may use them.
const FRONT_ENDS: &[&str] = &["cli", "lsp"];

#[test]
fn submodules_have_no_import_cycles() {
    let deps = Crate::read(&src_dir());
    let mut failures = Vec::new();
    for parent in deps.parents() {
        if is_not_yet_checked(&parent) {
            continue;
        }
        for cycle in deps.cycles(&parent) {
            failures.push(cycle);
        }
    }
    assert!(
        failures.is_empty(),
        "import cycles among sibling modules:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_named_parents_are_checked() {
    // The modules this test was written for; a rename must not silently drop one.
    let deps = Crate::read(&src_dir());
    let parents = deps.parents();
    for name in ["entities", "index", "quotes", "text", "corpus"] {
        let p = vec![name.to_string()];
        assert!(parents.contains(&p), "src/{name} is not a module directory");
        assert!(!is_not_yet_checked(&p), "src/{name} must be checked");
    }
    assert!(parents.contains(&Vec::new()), "the top level is checked");
}

#[test]
fn parents_not_yet_checked_still_have_cycles() {
    let deps = Crate::read(&src_dir());
    for name in PARENTS_NOT_YET_CHECKED {
        let parent = vec![name.to_string()];
        assert!(
            deps.parents().contains(&parent),
            "src/{name} is listed in PARENTS_NOT_YET_CHECKED but is not a module directory"
        );
        assert!(
            !deps.cycles(&parent).is_empty(),
            "src/{name} has no import cycle any more: remove it from PARENTS_NOT_YET_CHECKED"
        );
    }
}

#[test]
fn top_level_modules_follow_the_pipeline() {
    let deps = Crate::read(&src_dir());
    let failures = pipeline_violations(&deps);
    assert!(
        failures.is_empty(),
        "top-level modules against the pipeline {PIPELINE:?}:\n{}",
        failures.join("\n")
    );
    for m in PIPELINE.iter().flat_map(|s| s.iter()) {
        assert!(
            deps.modules.contains(&vec![m.to_string()]),
            "{m} in PIPELINE is not a top-level module"
        );
    }
}

/// Each top-level dependency on a later stage of [`PIPELINE`] or, from the core, on a front
/// end.
fn pipeline_violations(deps: &Crate) -> Vec<String> {
    let stage = |m: &str| PIPELINE.iter().position(|s| s.contains(&m));
    let mut failures = Vec::new();
    for ((from, to), at) in deps.edges(&[]) {
        let later = matches!((stage(&from), stage(&to)), (Some(a), Some(b)) if b > a);
        let front_end = FRONT_ENDS.contains(&to.as_str()) && !FRONT_ENDS.contains(&from.as_str());
        if later || front_end {
            failures.push(format!("{from} uses {to} ({at})"));
        }
    }
    failures
}

// The reader itself, on small inputs.

#[test]
fn reader_finds_sibling_paths_and_skips_tests_comments_and_strings() {
    let a = concat!(
        "use super::{b::{self, f}, c as see};\n",
        "// use super::d;\n",
        "/* super::d::x() */\n",
        "fn g() -> &'static str { let _c = '\"'; \"super::d::x\" }\n",
        "fn r() -> &'static str { r#\"a\"b crate::p::d\"# }\n",
        "#[cfg(test)]\n",
        "#[allow(unused)]\n",
        "mod tests {\n",
        "    use super::super::d;\n",
        "    fn h() { crate::p::d::x(); }\n",
        "}\n",
    );
    let deps = Crate::from_sources(
        &[
            (
                "p/mod.rs",
                "pub mod a; pub mod b; pub mod c; pub mod d;\npub use d::Thing;\n",
            ),
            ("p/a.rs", a),
            (
                "p/b.rs",
                "fn f() { crate::p::c::X; }\nfn t() -> super::Thing { todo!() }\n",
            ),
            (
                "p/c.rs",
                "mod inner {\n    fn k() { super::super::d::x(); }\n}\n",
            ),
            ("p/d.rs", "pub struct Thing;\n"),
            ("q.rs", "fn f() -> crate::p::Thing { todo!() }\n"),
        ],
        "",
    );
    let p = vec!["p".to_string()];
    let edges: Vec<(String, String)> = deps.edges(&p).into_keys().collect();
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        edges,
        pairs(&[("a", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "d")])
    );
    let top: Vec<(String, String)> = deps.edges(&[]).into_keys().collect();
    assert_eq!(top, pairs(&[("q", "p")]));
    assert!(deps.cycles(&p).is_empty());
}

#[test]
fn pipeline_check_reports_later_stages_and_front_ends() {
    let deps = Crate::from_sources(
        &[
            ("text/mod.rs", "use crate::corpus::SourceDoc;\n"),
            ("corpus/mod.rs", "use crate::text::x;\n"),
            ("index.rs", "use crate::entities::extract;\n"),
            ("entities.rs", ""),
            ("config.rs", "fn f() { crate::lsp::g(); }\n"),
            ("cli/mod.rs", "use crate::lsp::run;\n"),
            ("lsp/mod.rs", "use crate::index::SourceIndex;\n"),
        ],
        "",
    );
    assert_eq!(
        pipeline_violations(&deps),
        [
            "config uses lsp (config.rs:1)",
            "text uses corpus (text/mod.rs:1)"
        ]
    );
}

#[test]
fn reader_reports_a_cycle_with_its_path() {
    let deps = Crate::from_sources(
        &[
            ("p/mod.rs", "mod a; mod b; mod c;\n"),
            ("p/a.rs", "use super::b::f;\n"),
            ("p/b.rs", "use crate::p::c;\n"),
            ("p/c.rs", "fn g() { super::a::h(); }\n"),
        ],
        "",
    );
    let cycles = deps.cycles(&["p".to_string()]);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("p: a → b → c → a (a → b at p/a.rs:1"),
        "{}",
        cycles[0]
    );
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn is_not_yet_checked(parent: &[String]) -> bool {
    parent.len() == 1 && PARENTS_NOT_YET_CHECKED.contains(&parent[0].as_str())
}

type ModPath = Vec<String>;

/// A path named in a module, resolved to an absolute module path (plus the item's name).
struct Reference {
    from: ModPath,
    to: ModPath,
    at: String,
}

/// The crate's modules and the paths each names.
struct Crate {
    modules: BTreeSet<ModPath>,
    references: Vec<Reference>,
    /// Names a module imports, with the absolute path each stands for.
    imports: BTreeMap<ModPath, BTreeMap<String, ModPath>>,
    /// Put before file paths in messages.
    label: String,
}

impl Crate {
    /// Every `.rs` file under `src` except the binary's root `main.rs`.
    fn read(src: &Path) -> Crate {
        let mut files = Vec::new();
        collect_rs(src, &mut files);
        let sources: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let rel = f
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(f)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
                (rel, text)
            })
            .filter(|(rel, _)| rel != "main.rs")
            .collect();
        let refs: Vec<(&str, &str)> = sources
            .iter()
            .map(|(r, t)| (r.as_str(), t.as_str()))
            .collect();
        Crate::from_sources(&refs, "src/")
    }

    /// `sources`: (path relative to `src`, text); `label` is put before those paths in
    /// messages.
    fn from_sources(sources: &[(&str, &str)], label: &str) -> Crate {
        let mut krate = Crate {
            label: label.to_string(),
            modules: sources.iter().map(|(rel, _)| module_of(rel)).collect(),
            references: Vec::new(),
            imports: BTreeMap::new(),
        };
        for (rel, text) in sources {
            krate.scan(rel, text);
        }
        krate
    }

    /// Modules with submodules: the crate root, each module directory, each module with an
    /// inline `mod x { … }`.
    fn parents(&self) -> BTreeSet<ModPath> {
        self.modules
            .iter()
            .filter(|m| !m.is_empty())
            .map(|m| m[..m.len() - 1].to_vec())
            .collect()
    }

    /// The child of `parent` that `path` (absolute) lies in, directly or through an item the
    /// parent imports.
    fn child_of(&self, parent: &[String], path: &[String]) -> Option<String> {
        if path.len() <= parent.len() || path[..parent.len()] != *parent {
            return None;
        }
        let name = &path[parent.len()];
        let mut child = parent.to_vec();
        child.push(name.clone());
        if self.modules.contains(&child) {
            return Some(name.clone());
        }
        // An item of the parent: follow its import (once; a chain of re-exports is rare).
        let target = self.imports.get(parent)?.get(name)?;
        if target.len() > parent.len() + 1 && target[..parent.len()] == *parent {
            let mut child = parent.to_vec();
            child.push(target[parent.len()].clone());
            return self.modules.contains(&child).then(|| child.pop().unwrap());
        }
        None
    }

    /// Sibling dependencies among the children of `parent`, each with the first place that
    /// makes it.
    fn edges(&self, parent: &[String]) -> BTreeMap<(String, String), String> {
        let mut edges = BTreeMap::new();
        for r in &self.references {
            if r.from.len() <= parent.len() || r.from[..parent.len()] != *parent {
                continue;
            }
            let from = &r.from[parent.len()];
            if let Some(to) = self.child_of(parent, &r.to) {
                if &to != from {
                    edges
                        .entry((from.clone(), to))
                        .or_insert_with(|| r.at.clone());
                }
            }
        }
        edges
    }

    /// One message per strongly connected group of children of `parent`: a shortest cycle
    /// through its first member, each step with the place that makes it.
    fn cycles(&self, parent: &[String]) -> Vec<String> {
        let edges = self.edges(parent);
        let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (a, b) in edges.keys() {
            next.entry(a).or_default().push(b);
        }
        let nodes: BTreeSet<&str> = edges
            .keys()
            .flat_map(|(a, b)| [a.as_str(), b.as_str()])
            .collect();
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for &start in &nodes {
            if seen.contains(start) {
                continue;
            }
            // Shortest path from `start` back to itself, by breadth-first search.
            let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
            let mut queue = VecDeque::from([start]);
            let mut closed = None;
            while let Some(n) = queue.pop_front() {
                for &m in next.get(n).map(Vec::as_slice).unwrap_or(&[]) {
                    if m == start {
                        closed = Some(n);
                        queue.clear();
                        break;
                    }
                    if !prev.contains_key(m) {
                        prev.insert(m, n);
                        queue.push_back(m);
                    }
                }
            }
            let Some(mut last) = closed else { continue };
            let mut path = vec![start];
            while last != start {
                path.push(last);
                last = prev[last];
            }
            path[1..].reverse();
            path.push(start);
            seen.extend(path.iter().copied());
            let steps: Vec<String> = path
                .windows(2)
                .map(|w| {
                    format!(
                        "{} → {} at {}",
                        w[0],
                        w[1],
                        edges[&(w[0].to_string(), w[1].to_string())]
                    )
                })
                .collect();
            let name = if parent.is_empty() {
                "crate".to_string()
            } else {
                parent.join("::")
            };
            out.push(format!(
                "{name}: {} ({})",
                path.join(" → "),
                steps.join("; ")
            ));
        }
        out
    }

    /// Records the paths `text` (the file `rel`) names.
    fn scan(&mut self, rel: &str, text: &str) {
        let toks = tokenize(&strip_comments_and_literals(text));
        let file_module = module_of(rel);
        // Inline modules open in this file: (module path, brace depth inside it).
        let mut stack: Vec<(ModPath, usize)> = vec![(file_module.clone(), 0)];
        let mut depth = 0usize;
        let mut cfg_test = false;
        let mut i = 0;
        while i < toks.len() {
            let (tok, line) = (toks[i].0.as_str(), toks[i].1);
            let here = stack.last().unwrap().0.clone();
            let at = format!("{}{rel}:{line}", self.label);
            match tok {
                "#" if is_cfg_test(&toks[i..]) => {
                    cfg_test = true;
                    i += 7;
                    continue;
                }
                "#" => {
                    // Another attribute: skipped whole, keeping a `#[cfg(test)]` before it.
                    let open = i + 1 + usize::from(toks.get(i + 1).is_some_and(|t| t.0 == "!"));
                    if toks.get(open).is_some_and(|t| t.0 == "[") {
                        i = skip_group(&toks, open, "[", "]");
                        continue;
                    }
                }
                "{" => depth += 1,
                "}" => {
                    depth = depth.saturating_sub(1);
                    if stack.len() > 1 && depth < stack.last().unwrap().1 {
                        stack.pop();
                    }
                }
                "mod" if toks.get(i + 2).is_some_and(|t| t.0 == "{") => {
                    let name = toks[i + 1].0.clone();
                    if cfg_test {
                        i = skip_block(&toks, i + 2);
                        cfg_test = false;
                        continue;
                    }
                    depth += 1;
                    let mut m = here.clone();
                    m.push(name);
                    self.modules.insert(m.clone());
                    stack.push((m, depth));
                    i += 3;
                    continue;
                }
                "use" => {
                    let end = toks[i..]
                        .iter()
                        .position(|t| t.0 == ";")
                        .map_or(toks.len(), |p| i + p);
                    let skip = std::mem::take(&mut cfg_test);
                    if !skip {
                        let mut leaves = Vec::new();
                        use_tree(&toks[i + 1..end], Vec::new(), &mut leaves);
                        for (path, alias) in leaves {
                            let Some(abs) = self.resolve(&here, &path, true) else {
                                continue;
                            };
                            if let Some(alias) = alias {
                                self.imports
                                    .entry(here.clone())
                                    .or_default()
                                    .insert(alias, abs.clone());
                            }
                            self.references.push(Reference {
                                from: here.clone(),
                                to: abs,
                                at: at.clone(),
                            });
                        }
                    }
                    i = end + 1;
                    continue;
                }
                "crate" | "super" | "$crate"
                    if toks.get(i + 1).is_some_and(|t| t.0 == "::")
                        && (i == 0 || toks[i - 1].0 != "::") =>
                {
                    let mut path = vec![tok.trim_start_matches('$').to_string()];
                    let mut j = i + 1;
                    while toks.get(j).is_some_and(|t| t.0 == "::")
                        && toks.get(j + 1).is_some_and(|t| is_ident(&t.0))
                    {
                        path.push(toks[j + 1].0.clone());
                        j += 2;
                    }
                    if let Some(abs) = self.resolve(&here, &path, false) {
                        self.references.push(Reference {
                            from: here,
                            to: abs,
                            at,
                        });
                    }
                    i = j;
                    continue;
                }
                _ => {
                    if cfg_test && !matches!(tok, "pub" | "(" | ")" | "crate" | "in") {
                        cfg_test = false;
                    }
                }
            }
            i += 1;
        }
    }

    /// The absolute path `path` names in module `here`; `None` for paths outside the crate.
    /// In a `use`, a path may start with a child of `here`.
    fn resolve(&self, here: &[String], path: &[String], in_use: bool) -> Option<ModPath> {
        let mut abs: ModPath = here.to_vec();
        let mut rest = path;
        match path.first().map(String::as_str) {
            Some("crate") => {
                abs.clear();
                rest = &path[1..];
            }
            Some("self") => rest = &path[1..],
            Some("super") => {
                while rest.first().is_some_and(|s| s == "super") {
                    abs.pop()?;
                    rest = &rest[1..];
                }
            }
            Some(first) if in_use => {
                let mut child = here.to_vec();
                child.push(first.to_string());
                if !self.modules.contains(&child) {
                    return None;
                }
            }
            _ => return None,
        }
        abs.extend(rest.iter().filter(|s| *s != "self").cloned());
        Some(abs)
    }
}

/// The module path of a file relative to `src`: `lib.rs` → [], `a/mod.rs` and `a.rs` → [a],
/// `a/b.rs` → [a, b].
fn module_of(rel: &str) -> ModPath {
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: ModPath = rel.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `#[cfg(test)]` at the start of `toks`.
fn is_cfg_test(toks: &[(String, usize)]) -> bool {
    let want = ["#", "[", "cfg", "(", "test", ")", "]"];
    toks.len() >= want.len() && toks.iter().zip(want).all(|(t, w)| t.0 == w)
}

/// The index after the block whose `{` is at `open`.
fn skip_block(toks: &[(String, usize)], open: usize) -> usize {
    skip_group(toks, open, "{", "}")
}

/// The index after the group whose `opening` token is at `open`.
fn skip_group(toks: &[(String, usize)], open: usize, opening: &str, closing: &str) -> usize {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.0 == opening {
            depth += 1;
        } else if t.0 == closing {
            depth -= 1;
            if depth == 0 {
                return k + 1;
            }
        }
    }
    toks.len()
}

fn is_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$')
}

/// The leaves of a use tree (`a::{b, c::{self, d as e}, *}`), each with its alias when it
/// imports a name (`*` imports none).
fn use_tree(
    toks: &[(String, usize)],
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    let mut path = prefix;
    let mut i = 0;
    if toks.first().is_some_and(|t| t.0 == "::") {
        i += 1;
    }
    while i < toks.len() {
        match toks[i].0.as_str() {
            "::" => {}
            "*" => {
                out.push((path, None));
                return;
            }
            "{" => {
                // Split the group on top-level commas.
                let close = skip_block(toks, i) - 1;
                let (mut start, mut depth) = (i + 1, 0);
                for k in i + 1..=close {
                    match toks[k].0.as_str() {
                        "{" => depth += 1,
                        "}" if depth > 0 => depth -= 1,
                        "," | "}" if depth == 0 => {
                            if k > start {
                                use_tree(&toks[start..k], path.clone(), out);
                            }
                            start = k + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            "as" => {
                let alias = toks.get(i + 1).map(|t| t.0.clone()).filter(|a| a != "_");
                out.push((path, alias));
                return;
            }
            name => path.push(name.to_string()),
        }
        i += 1;
    }
    let alias = match path.last().map(String::as_str) {
        Some("self") => path.len().checked_sub(2).map(|k| path[k].clone()),
        last => last.map(str::to_string),
    };
    out.push((path, alias));
}

/// Identifiers, `::` and single punctuation characters, each with its line number.
fn tokenize(code: &str) -> Vec<(String, usize)> {
    let mut toks = Vec::new();
    let mut line = 1;
    let mut chars = code.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            line += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            toks.push((code[i..end].to_string(), line));
        } else if c == ':' && chars.peek().is_some_and(|&(_, d)| d == ':') {
            chars.next();
            toks.push(("::".to_string(), line));
        } else if !c.is_whitespace() {
            toks.push((c.to_string(), line));
        }
    }
    toks
}

/// `code` with comments and the contents of string and character literals blanked (newlines
/// kept, so line numbers hold).
fn strip_comments_and_literals(code: &str) -> String {
    let b: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let prev_ident = i > 0 && ident(b[i - 1]);
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if !prev_ident && (c == 'r' || (c == 'b' && b.get(i + 1) == Some(&'r'))) && {
            let k = i + if c == 'b' { 2 } else { 1 };
            let hashes = b[k..].iter().take_while(|&&h| h == '#').count();
            b.get(k + hashes) == Some(&'"')
        } {
            // Raw string: r#"…"#.
            let k = i + if c == 'b' { 2 } else { 1 };
            let hashes = b[k..].iter().take_while(|&&h| h == '#').count();
            i = k + hashes + 1;
            out.push('"');
            while i < b.len() {
                if b[i] == '"'
                    && b[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes
                {
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, b[i]);
                i += 1;
            }
            out.push('"');
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                if i < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && (b.get(i + 1) == Some(&'\\') || b.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{1F600}'), not a lifetime.
            i += 1;
            while i < b.len() && b[i] != '\'' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            out.push_str("' '");
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}
