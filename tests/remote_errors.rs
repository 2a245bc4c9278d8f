//! A search cluster that sheds load, half answers, does not answer, or wants credentials,
//! played by a test HTTP server (`common::http`): what `[[remote]]` does about each. The real
//! cluster's tests are in `remote_cluster.rs`.

mod common;
mod lsp_harness;

use common::http::{Reply, TestServer};
use sourced::check::Checker;
use sourced::config::Workspace;
use sourced::quotes::verdict::Status;
use std::path::Path;

const QUOTE: &str = "the committee approved the budget after a long debate";
const TEXT: &str =
    "In the evening the committee approved the budget after a long debate about schools.";
const SEARCH: &str = "/news/_search?allow_partial_search_results=false";

fn mapping() -> Reply {
    Reply::json(
        200,
        r#"{"news":{"mappings":{"properties":{"text":{"type":"text"}}}}}"#,
    )
}

fn hits() -> Reply {
    Reply::json(
        200,
        r#"{"_shards":{"total":2,"successful":2,"failed":0},"hits":{"hits":[{"_id":"d1","_score":3.5}]}}"#,
    )
}

fn fetched() -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"_shards":{{"total":2,"successful":2,"failed":0}},"hits":{{"hits":[{{"_id":"d1","_source":{{"text":"{TEXT}","title":"Budget night"}}}}]}}}}"#
        ),
    )
}

fn checker(url: &str, extra: &str) -> (tempfile::TempDir, Checker) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!("[[remote]]\nname = \"arch\"\nurl = {url:?}\nindex = \"news\"\ntimeout_seconds = 5\n{extra}\n"),
    )
    .unwrap();
    let ws = Workspace::load(&dir.path().join("sourced.toml")).unwrap();
    let (checker, _) = Checker::open(ws, &[]).unwrap();
    (dir, checker)
}

/// The error checking the quotation gives, with the `[[remote]]` on `server` and `extra`.
fn error_of(server: &str, extra: &str) -> String {
    let (_dir, c) = checker(server, extra);
    c.check_note(Path::new("n.md"), &format!("“{QUOTE}”"))
        .unwrap_err()
        .to_string()
}

fn searches(server: &TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.starts_with(&format!("POST {SEARCH} ")))
        .count()
}

#[test]
fn a_cluster_shedding_load_is_asked_again_and_its_answer_used() {
    let server = TestServer::start(vec![
        ("/news/_mapping", mapping()),
        (
            SEARCH,
            Reply::sequence(vec![
                Reply::json(429, r#"{"error":{"reason":"rejected execution"}}"#),
                Reply::json(503, r#"{"error":{"reason":"no master"}}"#),
                hits(),
                fetched(),
            ]),
        ),
    ]);
    let (_dir, c) = checker(&server.base(), "retries = 3");
    let r = c
        .check_note(Path::new("n.md"), &format!("“{QUOTE}”"))
        .unwrap();
    assert_eq!(r[0].verdict.status, Status::Verified);
    let best = r[0].verdict.best.as_ref().unwrap();
    assert_eq!(best.path, "arch:d1");
    assert_eq!(&TEXT[best.range.clone()], QUOTE);
    // Two refusals, the search, the fetch.
    assert_eq!(searches(&server), 4);
}

#[test]
fn a_cluster_that_keeps_refusing_is_reported_with_its_reason_and_no_verdict() {
    let server = TestServer::start(vec![
        ("/news/_mapping", mapping()),
        (
            SEARCH,
            Reply::json(
                503,
                r#"{"error":{"type":"search_phase_execution_exception","reason":"all shards failed"},"status":503}"#,
            ),
        ),
    ]);
    let err = error_of(&server.base(), "retries = 1");
    assert!(
        err.contains("\"arch\" could not search every shard")
            && err.contains("all shards failed")
            && err.contains("not checked against a partial archive"),
        "{err}"
    );
    // The first try and one retry.
    assert_eq!(searches(&server), 2);
}

#[test]
fn an_answer_missing_shards_is_an_error_not_fewer_candidates() {
    let server = TestServer::start(vec![
        ("/news/_mapping", mapping()),
        (
            SEARCH,
            Reply::json(
                200,
                r#"{"_shards":{"total":2,"successful":1,"failed":1,"failures":[{"reason":{"type":"node_not_connected_exception","reason":"node-2 gone"}}]},"hits":{"hits":[]}}"#,
            ),
        ),
    ]);
    let err = error_of(&server.base(), "");
    assert!(err.contains("1 of 2 shards failed: node-2 gone"), "{err}");
}

#[test]
fn an_unreachable_cluster_is_a_clear_error() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let (_dir, c) = checker(&url, "retries = 1");
    let check = || {
        c.check_note(Path::new("n.md"), &format!("“{QUOTE}”"))
            .unwrap_err()
            .to_string()
    };
    let err = check();
    assert!(
        err.contains(&format!("\"arch\" cannot be reached at {url}"))
            && err.contains("(after 2 attempts; not asked again for 30 s)"),
        "{err}"
    );
    // The next check is not made to wait: it fails at once, without a request.
    let sent = c.remotes()[0].client().requests();
    assert_eq!(check(), err);
    assert_eq!(c.remotes()[0].client().requests(), sent);
}

#[test]
fn a_second_address_is_tried_when_the_first_does_not_answer() {
    let server = TestServer::start(vec![
        ("/news/_mapping", mapping()),
        (SEARCH, Reply::sequence(vec![hits(), fetched()])),
    ]);
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!(
            "[[remote]]\nname = \"arch\"\nurl = [\"http://127.0.0.1:{dead}\", {:?}]\nindex = \"news\"\n",
            server.base()
        ),
    )
    .unwrap();
    let (c, _) = Checker::open(
        Workspace::load(&dir.path().join("sourced.toml")).unwrap(),
        &[],
    )
    .unwrap();
    let r = c
        .check_note(Path::new("n.md"), &format!("“{QUOTE}”"))
        .unwrap();
    assert_eq!(r[0].verdict.status, Status::Verified);
}

#[test]
fn credentials_come_from_the_environment_and_a_missing_one_is_named() {
    let server = TestServer::start(vec![
        ("/news/_mapping", mapping()),
        (SEARCH, Reply::sequence(vec![hits(), fetched()])),
    ]);
    std::env::set_var("SOURCED_TEST_ARCHIVE_USER", "desk");
    std::env::set_var("SOURCED_TEST_ARCHIVE_PASSWORD", "s3cret");
    let (_dir, c) = checker(
        &server.base(),
        "user_env = \"SOURCED_TEST_ARCHIVE_USER\"\npassword_env = \"SOURCED_TEST_ARCHIVE_PASSWORD\"",
    );
    c.check_note(Path::new("n.md"), &format!("“{QUOTE}”"))
        .unwrap();
    let requests = server.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        // base64("desk:s3cret")
        assert!(
            r.to_ascii_lowercase()
                .contains("authorization: basic zgvzazpzm2nyzxq="),
            "{r}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!(
            "[[remote]]\nname = \"arch\"\nurl = {:?}\nindex = \"news\"\napi_key_env = \"SOURCED_TEST_NO_SUCH_KEY\"\n",
            server.base()
        ),
    )
    .unwrap();
    let err = Checker::open(
        Workspace::load(&dir.path().join("sourced.toml")).unwrap(),
        &[],
    )
    .err()
    .unwrap()
    .to_string();
    assert!(
        err.contains("the environment variable SOURCED_TEST_NO_SUCH_KEY is not set"),
        "{err}"
    );
}

#[test]
fn a_bad_remote_table_is_refused_with_its_reason() {
    for (table, why) in [
        (
            "name = \"a b\"\nurl = \"http://x\"\nindex = \"i\"",
            "use letters, digits",
        ),
        (
            "name = \"a\"\nurl = \"ftp://x\"\nindex = \"i\"",
            "must start with http://",
        ),
        (
            "name = \"a\"\nurl = \"http://x\"\nindex = \"i\"\nhits = 0",
            "hits must be 1 to 100",
        ),
        (
            "name = \"a\"\nurl = \"http://x\"\nindex = \"i\"\npassword = \"p\"",
            "unknown field `password`",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sourced.toml"),
            format!("[[remote]]\n{table}\n"),
        )
        .unwrap();
        let err = Workspace::load(&dir.path().join("sourced.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{table}: {err}");
    }
}

#[test]
fn a_certificate_file_that_cannot_be_used_is_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("not-a-cert.pem"), "hello\n").unwrap();
    for (file, why) in [
        ("missing.pem", "missing.pem: "),
        ("not-a-cert.pem", "not-a-cert.pem: no PEM certificate in it"),
    ] {
        std::fs::write(
            dir.path().join("sourced.toml"),
            format!("[[remote]]\nname = \"arch\"\nurl = \"https://127.0.0.1:9\"\nindex = \"news\"\nca_file = {file:?}\n"),
        )
        .unwrap();
        let err = Checker::open(
            Workspace::load(&dir.path().join("sourced.toml")).unwrap(),
            &[],
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            err.contains("\"arch\": ca_file ") && err.contains(why),
            "{err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_the_editor_an_unreachable_cluster_is_one_diagnostic_that_says_so() {
    use lsp_harness::{file_uri, ready};
    use serde_json::json;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sourced.toml"),
        format!("[[remote]]\nname = \"arch\"\nurl = \"http://127.0.0.1:{port}\"\nindex = \"news\"\nretries = 0\n"),
    )
    .unwrap();
    let (mut c, _) = ready(dir.path(), false, json!({"sourced": {"debounceMs": 10}})).await;
    let uri = file_uri(&dir.path().join("n.md"));
    c.open(&uri, &format!("# N\n\n“{QUOTE}”\n")).await;
    let diags = c.diagnostics(&uri, Some(1)).await;
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let message = diags[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("note not checked: the search cluster \"arch\" cannot be reached at "),
        "{message}"
    );
    // No verdict at all: nothing "not found".
    assert!(diags.iter().all(|d| d["code"] != "not-found"), "{diags:#?}");
}

#[cfg(unix)]
#[test]
fn an_articles_kept_text_is_never_written_through_a_link_out_of_the_index_folder() {
    let server = TestServer::start(vec![
        ("/news/_mapping", mapping()),
        (SEARCH, Reply::sequence(vec![hits(), fetched()])),
    ]);
    let (_dir, c) = checker(&server.base(), "");
    // Someone made the renditions folder a link to a folder outside the workspace.
    let outside = tempfile::tempdir().unwrap();
    let renditions = c.index().dir().join("renditions");
    let _ = std::fs::remove_dir_all(&renditions);
    std::os::unix::fs::symlink(outside.path(), &renditions).unwrap();
    let r = c
        .check_note(Path::new("n.md"), &format!("“{QUOTE}”"))
        .unwrap();
    // The verdict stands; the text is not kept, and nothing was written outside.
    assert_eq!(r[0].verdict.status, Status::Verified);
    let written: Vec<_> = walkdir::WalkDir::new(outside.path())
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().to_path_buf())
        .collect();
    assert_eq!(written, Vec::<std::path::PathBuf>::new());
    let info = sourced::index::Retriever::source_info(&c.retriever(), "arch:d1")
        .unwrap()
        .unwrap();
    assert_eq!(info.rendition, None);
}
