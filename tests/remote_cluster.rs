//! Checking against a search cluster, on a real two-node OpenSearch cluster
//! (`tests/opensearch/`, see `common::cluster`): `bash tests/opensearch/run.sh` starts it and
//! runs these tests (they are ignored otherwise).
//!
//! - the same quotations checked against the local index and against the cluster (after
//!   `sourced index --remote`) give the same verdicts, sources, byte ranges, similarities,
//!   diffs and speaker verdicts: the sample note and a note with every verdict on the seeds,
//!   and 3,000 generated articles;
//! - a node killed mid-run: with a replica the verdicts stay the same; without one the check
//!   fails with a message that says shards are missing, and no verdict is given;
//! - loading is incremental, and never writes into an index sourced did not make;
//! - a newsroom's own index and field names work (citations by id and by address too);
//! - the language server hovers and goes to the passage of a remote source.

mod common;
mod lsp_harness;

use common::cluster::{self, Cluster};
use serde_json::json;
use sourced::check::{Checker, QuoteResult};
use sourced::config::Workspace;
use sourced::quotes::verdict::Status;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// An index name no other test uses.
fn index_name(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "t-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A `[[remote]]` table for `index` on the test cluster (node 2's address first: a request
/// fails over to node 1 when node 2 is down).
fn remote_table(name: &str, index: &str, extra: &str) -> String {
    let c = Cluster::from_env();
    let urls: Vec<String> = c.urls.iter().rev().map(|u| format!("{u:?}")).collect();
    format!(
        "[[remote]]\nname = {name:?}\nurl = [{}]\nindex = {index:?}\ntimeout_seconds = 20\n{extra}\n",
        urls.join(", ")
    )
}

/// A workspace with `files` (relative path → text) and `config` as its sourced.toml.
fn workspace(files: &[(String, String)], config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::write(dir.path().join("sourced.toml"), config).unwrap();
    dir
}

fn open(dir: &Path) -> Checker {
    let ws = Workspace::load(&dir.join("sourced.toml")).unwrap();
    let (checker, report) = Checker::open(ws, &[]).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    checker
}

/// The seeds, as files of a workspace.
fn seed_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(common::repo().join("seeds")).unwrap() {
        let p = e.unwrap().path();
        out.push((
            format!("seeds/{}", p.file_name().unwrap().to_string_lossy()),
            std::fs::read_to_string(&p).unwrap(),
        ));
    }
    out.sort();
    out
}

/// Load the sources of the workspace at `dir` into its `[[remote]]` named `name`.
fn publish(dir: &Path, name: &str) -> sourced::remote::publish::PublishReport {
    let checker = open(dir);
    let remote = checker
        .workspace
        .config
        .remote
        .iter()
        .find(|r| r.name == name)
        .unwrap()
        .clone();
    sourced::remote::publish::publish(checker.index(), &checker.workspace.root, &remote, |_, _| {})
        .unwrap()
}

/// `sourced index --remote NAME` in the workspace at `dir`: its summary line.
fn index_remote_command(dir: &Path, name: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
        .args(["index", "--remote", name])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr.lines().last().unwrap_or_default().to_string()
}

/// What must agree between a local and a remote check of one quotation.
#[derive(Debug, PartialEq)]
struct Seen {
    quote: String,
    status: Status,
    path: Option<String>,
    range: Option<std::ops::Range<usize>>,
    similarity: Option<String>,
    diff: Option<String>,
    speaker: Option<String>,
    cited_paths: Vec<String>,
}

fn seen(r: &QuoteResult, strip: &str) -> Seen {
    let unprefix = |p: &str| p.strip_prefix(strip).unwrap_or(p).to_string();
    let best = r.verdict.best.as_ref();
    Seen {
        quote: r.quote.text.clone(),
        status: r.verdict.status,
        path: best.map(|m| unprefix(&m.path)),
        range: best.map(|m| m.range.clone()),
        similarity: best.map(|m| format!("{:.4}", m.similarity)),
        diff: best.map(|m| format!("{:?}", m.diff)),
        speaker: r
            .speaker
            .as_ref()
            .map(|s| format!("{:?} {:?}", s.check.verdict, unprefix(&s.path))),
        cited_paths: r.verdict.cited_paths.iter().map(|p| unprefix(p)).collect(),
    }
}

/// Check `note` in a local workspace and in a remote-only one and compare every quotation.
fn assert_same_verdicts(local: &Checker, remote: &Checker, name: &str, note: &str) -> Vec<Seen> {
    let path = local.workspace.root.join("note.md");
    let here = local.check_note(&path, note).unwrap();
    let there = remote
        .check_note(&remote.workspace.root.join("note.md"), note)
        .unwrap();
    assert_eq!(here.len(), there.len());
    let prefix = format!("{name}:");
    let mut out = Vec::new();
    for (a, b) in here.iter().zip(&there) {
        // The remote verdict names the archive's document.
        if let Some(m) = &b.verdict.best {
            assert!(m.path.starts_with(&prefix), "{}", m.path);
        }
        let (a, b) = (seen(a, ""), seen(b, &prefix));
        assert_eq!(a, b);
        out.push(a);
    }
    out
}

/// The sample note, and a quotation given to the wrong speaker.
fn seeds_note() -> String {
    let sample = std::fs::read_to_string(common::repo().join("examples/notes.md")).unwrap();
    format!(
        "{sample}\n\nPat Ryder said “We condemn the attacks targeting our security forces” [@003_0afb694efec83e04].\n"
    )
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn the_seeds_give_the_same_verdicts_locally_and_from_the_cluster() {
    let _nodes = cluster::shared();
    let index = index_name("seeds");
    let table = remote_table("arch", &index, "");
    let publisher = workspace(&seed_files(), &format!("sources = [\"seeds\"]\n{table}"));
    let loaded = publish(publisher.path(), "arch");
    assert!(loaded.created);
    assert_eq!((loaded.sent, loaded.unchanged), (5, 0), "{loaded:?}");
    assert!(loaded.failed.is_empty(), "{loaded:?}");
    // Two primaries on two nodes, each with a replica on the other.
    let c = Cluster::from_env();
    c.wait_status(&index, "green");
    let mut layout: Vec<(u32, bool, String)> = c
        .shards(&index)
        .into_iter()
        .map(|s| (s.shard, s.primary, s.node.unwrap_or_default()))
        .collect();
    layout.sort();
    assert_eq!(layout.len(), 4, "{layout:?}");
    for shard in [0, 1] {
        let nodes: Vec<&str> = layout
            .iter()
            .filter(|l| l.0 == shard)
            .map(|l| l.2.as_str())
            .collect();
        assert_eq!(nodes.len(), 2, "{layout:?}");
        assert_ne!(nodes[0], nodes[1], "{layout:?}");
    }

    let local = workspace(&seed_files(), "sources = [\"seeds\"]\n");
    let remote = workspace(&[], &table);
    let (local, remote) = (open(local.path()), open(remote.path()));
    let seen = assert_same_verdicts(&local, &remote, "arch", &seeds_note());
    let statuses: Vec<Status> = seen.iter().map(|s| s.status).collect();
    for wanted in [
        Status::Verified,
        Status::Mismatch,
        Status::NotFound,
        Status::Misattributed,
        Status::WrongSpeaker,
    ] {
        assert!(
            statuses.contains(&wanted),
            "{wanted:?} not among {statuses:?}"
        );
    }
    // The remote source is described as the local one, and its text is kept for editors.
    let info = sourced::index::Retriever::source_info(
        &remote.retriever(),
        "arch:seeds/000_3ed32749fd57da32.txt",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        info.meta.title.as_deref(),
        Some("US Kills Iraqis for Demanding End of Illegal Occupation")
    );
    let kept = std::fs::read_to_string(info.rendition.unwrap()).unwrap();
    assert_eq!(kept, seed_files()[0].1);
    c.delete_index(&index);
}

/// A made-up article `i` of `n`: 250 words drawn from a fixed vocabulary by a fixed
/// generator, so every run makes the same corpus and any 12 consecutive words are (all but
/// surely) in one article only.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        // Knuth's MMIX LCG; the high bits are the random ones.
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = seed_files()
        .iter()
        .flat_map(|(_, t)| {
            t.split(|c: char| !c.is_alphabetic())
                .filter(|w| w.len() > 2)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

fn article(g: &mut Generator, vocab: &[String], words: usize) -> Vec<String> {
    (0..words)
        .map(|_| vocab[g.next() as usize % vocab.len()].clone())
        .collect()
}

fn sentences(words: &[String]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i % 15 == 0 {
            if i > 0 {
                out.push_str(". ");
            }
            let mut c = w.chars();
            out.extend(c.next().map(|f| f.to_ascii_uppercase()));
            out.push_str(c.as_str());
        } else {
            out.push(' ');
            out.push_str(w);
        }
        if i % 90 == 89 {
            out.push_str(".\n\n");
        }
    }
    out.push_str(".\n");
    out
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn three_thousand_articles_give_the_same_verdicts_locally_and_from_the_cluster() {
    let _nodes = cluster::shared();
    const ARTICLES: usize = 3000;
    let vocab = vocabulary();
    let mut g = Generator(21);
    let texts: Vec<Vec<String>> = (0..ARTICLES)
        .map(|_| article(&mut g, &vocab, 250))
        .collect();
    let files: Vec<(String, String)> = texts
        .iter()
        .enumerate()
        .map(|(i, words)| (format!("articles/a{i:04}.txt"), sentences(words)))
        .collect();
    // Quotations: 12 words of an article (cited to it, to another, or not cited), with a word
    // changed, or words no article has in that order.
    let mut note = String::from("# Generated\n\n");
    let mut kinds = Vec::new();
    for q in 0..60usize {
        let a = (q * 149 + 7) % ARTICLES;
        let at = 20 + (q * 13) % 200;
        let mut words: Vec<String> = texts[a][at..at + 12].to_vec();
        let (cite, kind) = match q % 6 {
            0 => (format!(" [@a{a:04}]"), "verified, cited"),
            1 => (String::new(), "verified"),
            2 => {
                words[6] = "parliamentarians".into();
                (format!(" [@a{a:04}]"), "mismatch")
            }
            3 => (format!(" [@a{:04}]", (a + 1) % ARTICLES), "misattributed"),
            4 => {
                words = article(&mut g, &vocab, 12);
                (String::new(), "not found")
            }
            _ => {
                words.swap(3, 8);
                (String::new(), "mismatch, words swapped")
            }
        };
        kinds.push(kind);
        note.push_str(&format!("- “{}”{cite}\n", words.join(" ")));
    }
    let index = index_name("articles");
    let table = remote_table("news", &index, "hits = 10");
    let publisher = workspace(&files, &format!("sources = [\"articles\"]\n{table}"));
    let summary = index_remote_command(publisher.path(), "news");
    assert!(
        summary.contains(&format!(
            ", created): {ARTICLES} sent, 0 unchanged, 0 deleted;"
        )),
        "{summary}"
    );
    let local = workspace(&files, "sources = [\"articles\"]\n");
    let remote = workspace(&[], &table);
    let (local, remote) = (open(local.path()), open(remote.path()));
    let seen = assert_same_verdicts(&local, &remote, "news", &note);
    assert_eq!(seen.len(), 60);
    for (s, kind) in seen.iter().zip(&kinds) {
        let expected = match *kind {
            "verified, cited" | "verified" => Status::Verified,
            "mismatch" | "mismatch, words swapped" => Status::Mismatch,
            "misattributed" => Status::Misattributed,
            _ => Status::NotFound,
        };
        assert_eq!(s.status, expected, "{kind}: {s:?}");
    }
    Cluster::from_env().delete_index(&index);
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn a_node_killed_mid_run_leaves_the_verdicts_with_a_replica_and_stops_the_check_without() {
    let _nodes = cluster::exclusive();
    let c = Cluster::from_env();
    let with = index_name("replica");
    let without = index_name("noreplica");
    let with_table = remote_table("arch", &with, "replicas = 1");
    let without_table = remote_table("arch", &without, "replicas = 0");
    publish(
        workspace(
            &seed_files(),
            &format!("sources = [\"seeds\"]\n{with_table}"),
        )
        .path(),
        "arch",
    );
    publish(
        workspace(
            &seed_files(),
            &format!("sources = [\"seeds\"]\n{without_table}"),
        )
        .path(),
        "arch",
    );
    c.wait_status(&with, "green");
    c.wait_status(&without, "green");
    // Without a replica, each node holds one of the two primaries.
    let nodes: Vec<Option<String>> = c.shards(&without).into_iter().map(|s| s.node).collect();
    assert_eq!(nodes.len(), 2);
    assert_ne!(nodes[0], nodes[1], "{nodes:?}");

    let local = open(workspace(&seed_files(), "sources = [\"seeds\"]\n").path());
    let note = seeds_note();
    let with_ws = workspace(&[], &with_table);
    let without_ws = workspace(&[], &without_table);
    let before = assert_same_verdicts(&local, &open(with_ws.path()), "arch", &note);
    {
        let _down = c.node_down(2);
        // Fresh checkers: nothing remembered from before the crash.
        let after = assert_same_verdicts(&local, &open(with_ws.path()), "arch", &note);
        assert_eq!(before, after);
        let broken = open(without_ws.path());
        let err = broken
            .check_note(&without_ws.path().join("note.md"), &note)
            .expect_err("half an archive must not give verdicts")
            .to_string();
        assert!(
            err.contains("\"arch\"") && err.contains("shard"),
            "the message names the archive and the missing shards: {err}"
        );
        eprintln!("no replica, node 2 down: {err}");
        assert!(
            err.contains("not checked against a partial archive"),
            "{err}"
        );
    }
    // Node 2 is back: the index without a replica answers again.
    c.wait_status(&without, "green");
    assert_same_verdicts(&local, &open(without_ws.path()), "arch", &note);
    c.delete_index(&with);
    c.delete_index(&without);
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn loading_again_sends_only_what_changed_and_deletes_what_is_gone() {
    let _nodes = cluster::shared();
    let index = index_name("incremental");
    let table = remote_table("arch", &index, "");
    let ws = workspace(&seed_files(), &format!("sources = [\"seeds\"]\n{table}"));
    let first = publish(ws.path(), "arch");
    assert_eq!((first.sent, first.unchanged, first.deleted), (5, 0, 0));
    let again = publish(ws.path(), "arch");
    assert_eq!((again.sent, again.unchanged, again.deleted), (0, 5, 0));
    // One seed changed, one removed.
    let changed = ws.path().join("seeds/001_b9529bda20c132ef.txt");
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(
        &changed,
        format!("{text}\nA sentence added later by the editors.\n"),
    )
    .unwrap();
    std::fs::remove_file(ws.path().join("seeds/004_789c1a358e99dff9.txt")).unwrap();
    let third = publish(ws.path(), "arch");
    assert_eq!((third.sent, third.unchanged, third.deleted), (1, 3, 1));
    // The cluster holds the four sources, the changed one as it is now.
    let remote = open(workspace(&[], &table).path());
    let r = remote
        .check_note(
            Path::new("note.md"),
            "“A sentence added later by the editors” [@001_b9529bda20c132ef]\n\n“the last seed is gone from the archive now”",
        )
        .unwrap();
    assert_eq!(r[0].verdict.status, Status::Verified);
    assert_eq!(
        r[0].verdict.best.as_ref().unwrap().path,
        "arch:seeds/001_b9529bda20c132ef.txt"
    );
    let c = Cluster::from_env();
    let (_, count) = c.request("GET", &format!("/{index}/_count"), None);
    assert_eq!(count["count"], 4, "{count}");
    c.delete_index(&index);
}

/// A newsroom's own index: its field names, the standard analyser, ids of its own, the
/// article's address; made by hand, not by sourced.
fn newsroom_index(c: &Cluster, index: &str) {
    let (status, body) = c.request(
        "PUT",
        &format!("/{index}"),
        Some(&json!({
            "settings": { "number_of_shards": 2, "number_of_replicas": 1 },
            "mappings": { "properties": {
                "body": { "type": "text" },
                "headline": { "type": "text" },
                "byline": { "type": "keyword" },
                "published": { "type": "date" },
                "link": { "type": "keyword" }
            } }
        })),
    );
    assert_eq!(status, 200, "{body}");
    for (i, (_, text)) in seed_files().iter().enumerate() {
        let (status, body) = c.request(
            "PUT",
            &format!("/{index}/_doc/story-{i}?refresh=true"),
            Some(&json!({
                "body": text,
                "headline": format!("Story {i}"),
                "byline": "Desk",
                "published": format!("2020-03-1{i}"),
                "link": format!("https://news.example/story-{i}")
            })),
        );
        assert!(status == 201 || status == 200, "{body}");
    }
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn a_newsrooms_own_index_and_field_names_work_and_are_never_written_to() {
    let _nodes = cluster::shared();
    let c = Cluster::from_env();
    let index = index_name("newsroom");
    newsroom_index(&c, &index);
    let table = remote_table(
        "news",
        &index,
        "fields = { text = \"body\", title = \"headline\", author = \"byline\", date = \"published\", url = \"link\" }",
    );
    let ws = workspace(&[], &table);
    let remote = open(ws.path());
    let note = "“The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq” [@news:story-0]\n\n\
                “The US carried out airstrikes on Friday against multiple Iranian-backed militia sites in Iraq” [see](https://news.example/story-0)\n\n\
                “The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq” [@news:story-3]\n";
    let r = remote.check_note(&ws.path().join("note.md"), note).unwrap();
    let statuses: Vec<Status> = r.iter().map(|q| q.verdict.status).collect();
    assert_eq!(
        statuses,
        [Status::Verified, Status::Mismatch, Status::Misattributed]
    );
    let text = &seed_files()[0].1;
    let best = r[0].verdict.best.as_ref().unwrap();
    assert_eq!(best.path, "news:story-0");
    // The range is into the article's text as the cluster holds it.
    assert_eq!(
        &text[best.range.clone()],
        "The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq"
    );
    assert_eq!(r[1].verdict.cited_paths, ["news:story-0"]);
    let info = sourced::index::Retriever::source_info(&remote.retriever(), "news:story-0")
        .unwrap()
        .unwrap();
    assert_eq!(info.meta.title.as_deref(), Some("Story 0"));
    assert_eq!(
        info.meta.url.as_deref(),
        Some("https://news.example/story-0")
    );
    // `sourced check`'s report names the archive and the article.
    std::fs::write(ws.path().join("note.md"), note).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sourced"))
        .args(["check", "note.md", "--format", "json"])
        .current_dir(ws.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let source = &report["quotes"][0]["source"];
    assert_eq!(source["path"], "news:story-0", "{report}");
    assert_eq!(source["archive"], "news", "{report}");
    assert_eq!(source["title"], "Story 0", "{report}");
    assert_eq!(source["line"], 19, "{report}");
    assert!(source["rendition"]
        .as_str()
        .unwrap()
        .ends_with("renditions/news:story-0.txt"));

    // `sourced index --remote` refuses to write into it.
    let publisher = workspace(&seed_files(), &format!("sources = [\"seeds\"]\n{table}"));
    let checker = open(publisher.path());
    let err = sourced::remote::publish::publish(
        checker.index(),
        &checker.workspace.root,
        &checker.workspace.config.remote[0],
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("was not made by `sourced index --remote`"),
        "{err}"
    );
    let (_, count) = c.request("GET", &format!("/{index}/_count"), None);
    assert_eq!(count["count"], 5, "{count}");
    c.delete_index(&index);
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn a_missing_index_is_a_clear_error_not_a_verdict() {
    let _nodes = cluster::shared();
    let ws = workspace(&[], &remote_table("arch", "no-such-index-here", ""));
    let err = open(ws.path())
        .check_note(Path::new("n.md"), "“some words that are nowhere at all”")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("has no index \"no-such-index-here\"")
            && err.contains("sourced index --remote arch"),
        "{err}"
    );
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn the_language_server_hovers_and_goes_to_a_remote_passage() {
    use lsp_harness::{file_uri, find, ready};
    let _nodes = cluster::shared();
    let index = index_name("lsp");
    let table = remote_table("arch", &index, "");
    let publisher = workspace(&seed_files(), &format!("sources = [\"seeds\"]\n{table}"));
    publish(publisher.path(), "arch");
    let ws = workspace(&[], &format!("index_dir = \".sourced\"\n{table}"));
    std::fs::create_dir(ws.path().join("notes")).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (mut c, _) = ready(ws.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
        // Not "no sources": the archive is one.
        let status = c.request("sourced/status", serde_json::Value::Null).await;
        assert_eq!(status["state"], "ready", "{status}");
        assert_eq!(status["message"], "0 sources + archive arch", "{status}");
        let uri = file_uri(&ws.path().join("notes/n.md"));
        let quote = "The US carried out airstrikes on Thursday against multiple Iranian-backed militia sites in Iraq";
        let text = format!("# N\n\nCNN reported “{quote}” [@000_3ed32749fd57da32].\n");
        c.open(&uri, &text).await;
        let diags = c.diagnostics(&uri, Some(1)).await;
        assert!(
            diags
                .iter()
                .all(|d| d["severity"] != 1 && d["code"] != "not-found"),
            "{diags:#?}"
        );
        let ((line, col), _) = find(&text, "airstrikes");
        let pos = json!({"line": line, "character": col});
        let hover = c
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": pos}),
            )
            .await;
        let value = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(
            value.contains("US Kills Iraqis for Demanding End of Illegal Occupation"),
            "{value}"
        );
        let def = c
            .request(
                "textDocument/definition",
                json!({"textDocument": {"uri": uri}, "position": pos}),
            )
            .await;
        let loc = if def.is_array() { def[0].clone() } else { def };
        let target = loc["uri"].as_str().unwrap();
        assert!(
            target.ends_with("/renditions/arch%3Aseeds/000_3ed32749fd57da32.txt.txt"),
            "{target}"
        );
        // The seed's line 19 (0-based 18), as for the local file.
        assert_eq!(loc["range"]["start"], json!({"line": 18, "character": 0}));
    });
    Cluster::from_env().delete_index(&index);
}
