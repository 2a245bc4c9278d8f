//! The real two-node OpenSearch cluster of `tests/opensearch/cluster.sh`, seen from a test.
//!
//! The cluster is started outside the test binary (`bash tests/opensearch/run.sh` does it all),
//! and found through `SOURCED_OPENSEARCH_URLS` (node 1 first) and `SOURCED_OPENSEARCH_CTL` (the
//! script, used to kill and restart nodes). Node 1 is the cluster manager and is never stopped;
//! node 2 holds data only and is the one tests kill.
//!
//! Invariant for test authors: a test that takes a node down holds [`exclusive`] for its whole
//! length and brings the node back before it ends; every other cluster test holds [`shared`].
//! So no test sees a node down unless it means to.
//!
//! ```ignore
//! let _guard = cluster::shared();
//! let c = Cluster::from_env();
//! let (status, body) = c.request("GET", "/_cluster/health", None);
//! ```

use serde_json::Value;
use std::process::Command;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

const START_HINT: &str =
    "start it: bash tests/opensearch/cluster.sh start; eval $(bash tests/opensearch/cluster.sh env)";

/// How long one request may take; `wait_status` asks the server to wait less than this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// The server-side bound of `wait_status`.
const WAIT_STATUS_TIMEOUT: &str = "90s";

static NODES_UP: RwLock<()> = RwLock::new(());

/// Held by every cluster test that keeps all nodes up.
pub fn shared() -> RwLockReadGuard<'static, ()> {
    NODES_UP
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Held by a test that kills a node (and starts it again before it ends).
pub fn exclusive() -> RwLockWriteGuard<'static, ()> {
    NODES_UP
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One copy of one shard, as `_cat/shards` lists it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShardCopy {
    pub shard: u32,
    pub primary: bool,
    /// `STARTED`, `INITIALIZING`, `RELOCATING` or `UNASSIGNED`.
    pub state: String,
    /// The node's name (`node-1`, `node-2`); `None` while unassigned.
    pub node: Option<String>,
}

pub struct Cluster {
    /// The nodes' HTTP base URLs, node 1 first.
    pub urls: Vec<String>,
    ctl: String,
    agent: ureq::Agent,
}

impl Cluster {
    /// The cluster named by `SOURCED_OPENSEARCH_URLS`; panics with how to start it when unset.
    pub fn from_env() -> Cluster {
        let urls: Vec<String> = std::env::var("SOURCED_OPENSEARCH_URLS")
            .unwrap_or_default()
            .split(',')
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
            .collect();
        assert!(
            !urls.is_empty(),
            "SOURCED_OPENSEARCH_URLS is not set: {START_HINT}"
        );
        let ctl = std::env::var("SOURCED_OPENSEARCH_CTL").unwrap_or_else(|_| {
            super::repo()
                .join("tests/opensearch/cluster.sh")
                .display()
                .to_string()
        });
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build()
            .into();
        Cluster { urls, ctl, agent }
    }

    /// Node 1: the cluster manager, never stopped by the tests.
    pub fn url(&self) -> &str {
        &self.urls[0]
    }

    /// `method path` on node 1 with an optional JSON body; the status and the JSON answer
    /// (`Value::Null` for an empty body, a string for a body that is not JSON). Panics only
    /// when the node cannot be reached.
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.request_to(self.url(), method, path, body)
    }

    /// The same as [`Cluster::request`], to the node at `base` (one of `urls`).
    pub fn request_to(
        &self,
        base: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let uri = format!("{base}{path}");
        let builder = ureq::http::Request::builder()
            .method(method)
            .uri(&uri)
            .header("content-type", "application/json");
        let sent = match body {
            Some(json) => self.agent.run(builder.body(json.to_string()).unwrap()),
            None => self.agent.run(builder.body(()).unwrap()),
        };
        let mut response = sent.unwrap_or_else(|e| panic!("{method} {uri}: {e}"));
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .unwrap_or_else(|e| panic!("{method} {uri}: reading the answer: {e}"));
        let json = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    /// SIGKILL node `n` (a crash); returns once its port refuses and node 1 has seen it leave.
    pub fn kill_node(&self, n: usize) {
        self.ctl(&["kill-node", &n.to_string()]);
    }

    /// Starts node `n` again on its data; returns once the cluster has all its nodes.
    pub fn start_node(&self, n: usize) {
        self.ctl(&["start-node", &n.to_string()]);
    }

    /// Waits until `index` (a name, a pattern, or "" for the whole cluster) is at least
    /// `status` (`green` or `yellow`); panics with the health answer when it is not in time.
    pub fn wait_status(&self, index: &str, status: &str) {
        let path = format!(
            "/_cluster/health/{index}?wait_for_status={status}&timeout={WAIT_STATUS_TIMEOUT}"
        );
        let (code, health) = self.request("GET", &path, None);
        assert!(
            code == 200 && health["timed_out"] == Value::Bool(false),
            "{index} did not become {status} within {WAIT_STATUS_TIMEOUT} (HTTP {code}): {health}"
        );
    }

    /// Every copy of every shard of `index`, sorted by shard number, primary first.
    pub fn shards(&self, index: &str) -> Vec<ShardCopy> {
        let (code, rows) = self.request("GET", &format!("/_cat/shards/{index}?format=json"), None);
        assert_eq!(code, 200, "_cat/shards/{index}: {rows}");
        let mut copies: Vec<ShardCopy> = rows
            .as_array()
            .unwrap_or_else(|| panic!("_cat/shards/{index} is not a list: {rows}"))
            .iter()
            .map(|row| ShardCopy {
                shard: row["shard"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| panic!("shard number in {row}")),
                primary: match row["prirep"].as_str() {
                    Some("p") => true,
                    Some("r") => false,
                    _ => panic!("prirep in {row}"),
                },
                state: row["state"].as_str().unwrap_or_default().to_string(),
                node: row["node"].as_str().map(str::to_string),
            })
            .collect();
        copies.sort_by_key(|c| (c.shard, !c.primary));
        copies
    }

    /// Deletes `index`; an index that does not exist is fine.
    pub fn delete_index(&self, index: &str) {
        let (code, answer) = self.request("DELETE", &format!("/{index}"), None);
        assert!(
            code == 200 || code == 404,
            "DELETE /{index}: HTTP {code}: {answer}"
        );
    }

    fn ctl(&self, args: &[&str]) {
        let out = Command::new("bash")
            .arg(&self.ctl)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("bash {} {args:?}: {e}", self.ctl));
        assert!(
            out.status.success(),
            "bash {} {args:?} failed ({}):\n{}\n{}",
            self.ctl,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Node `n` down for as long as this lives: killed (SIGKILL) when made, started again on its
/// data when dropped, also when the test panics. Hold [`exclusive`] around it.
pub struct NodeDown<'a> {
    cluster: &'a Cluster,
    node: usize,
}

impl Cluster {
    pub fn node_down(&self, n: usize) -> NodeDown<'_> {
        self.kill_node(n);
        NodeDown {
            cluster: self,
            node: n,
        }
    }
}

impl Drop for NodeDown<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // A second panic here would abort the whole test binary: report and go on.
            let restarted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.cluster.start_node(self.node)
            }));
            if restarted.is_err() {
                eprintln!("node {} could not be started again", self.node);
            }
        } else {
            self.cluster.start_node(self.node);
        }
    }
}
