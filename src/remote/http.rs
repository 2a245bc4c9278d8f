//! The HTTP side of a search cluster: JSON requests with authentication, a timeout, retries
//! with backoff, and failover between the cluster's addresses.
//!
//! Invariants:
//! - every request is bounded: [`ClusterClient`] gives each attempt `timeout_seconds`, and
//!   makes at most `retries + 1` attempts per address, so a dead cluster costs at most
//!   `(retries + 1) × addresses × timeout` plus the backoff;
//! - retried: connection failures (try the next address), 429, 502, 503 and 504 (the
//!   cluster shedding load or a node restarting), with exponential backoff from
//!   [`FIRST_BACKOFF`], honouring `Retry-After` up to [`MAX_BACKOFF`]; never retried: any
//!   other 4xx (the request is wrong and would stay wrong);
//! - credentials come from the environment only ([`Auth::from_config`]) and never appear in
//!   an error message;
//! - a cluster no address of which answered is not asked again for [`QUIET_AFTER_FAILURE`]:
//!   requests meanwhile fail at once with the same error, so an editor typing on a dead
//!   network does not wait for timeouts at every keystroke;
//! - [`ClusterClient::requests`] counts every request sent (the benchmark's "requests per
//!   quotation").

use crate::config::RemoteConfig;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// The first wait before a retry; doubled each time.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// The longest wait before a retry, whatever `Retry-After` says.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How long a cluster that did not answer at all is left alone.
pub const QUIET_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// The largest response body read (a `_mget` of a few long documents fits easily).
const MAX_RESPONSE_BYTES: u64 = 256 << 20;

/// What went wrong talking to a cluster, said so a person can act on it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RemoteError {
    /// No address answered.
    #[error("the search cluster {name:?} cannot be reached at {urls}: {detail}")]
    Unreachable {
        name: String,
        urls: String,
        detail: String,
    },
    /// The index (or alias) does not exist.
    #[error("the search cluster {name:?} has no index {index:?} (create it with `sourced index --remote {name}`, or set `index` in [[remote]])")]
    NoIndex { name: String, index: String },
    /// The cluster answered with an error.
    #[error("the search cluster {name:?} answered {status} to {what}: {reason}")]
    Status {
        name: String,
        status: u16,
        what: String,
        reason: String,
    },
    /// Some shards did not answer: a result from the others could miss the passage, so
    /// none is used.
    #[error("the search cluster {name:?} could not search every shard of {index:?} ({reason}); quotations are not checked against a partial archive")]
    Partial {
        name: String,
        index: String,
        reason: String,
    },
    /// Authentication is configured but its environment variable is not set.
    #[error("[[remote]] {name:?}: the environment variable {var} is not set")]
    MissingSecret { name: String, var: String },
    /// Something else (an answer that is not JSON, a document without text).
    #[error("the search cluster {name:?}: {detail}")]
    Other { name: String, detail: String },
}

/// How requests authenticate.
#[derive(Clone, Default)]
pub enum Auth {
    #[default]
    None,
    /// `Authorization: Basic …`.
    Basic { user: String, password: String },
    /// `Authorization: ApiKey …` (the key as Elasticsearch issues it, already base64).
    ApiKey(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, not even in a debug log.
        match self {
            Auth::None => f.write_str("None"),
            Auth::Basic { user, .. } => write!(f, "Basic({user}, ****)"),
            Auth::ApiKey(_) => f.write_str("ApiKey(****)"),
        }
    }
}

impl Auth {
    /// The credentials `[[remote]]` names, read from the environment.
    pub fn from_config(c: &RemoteConfig) -> Result<Auth, RemoteError> {
        let var = |name: &str| {
            std::env::var(name).map_err(|_| RemoteError::MissingSecret {
                name: c.name.clone(),
                var: name.to_string(),
            })
        };
        if let Some(k) = &c.api_key_env {
            return Ok(Auth::ApiKey(var(k)?));
        }
        match (&c.user_env, &c.password_env) {
            (Some(u), Some(p)) => Ok(Auth::Basic {
                user: var(u)?,
                password: var(p)?,
            }),
            (Some(_), None) | (None, Some(_)) => Err(RemoteError::Other {
                name: c.name.clone(),
                detail: "basic authentication needs both user_env and password_env".into(),
            }),
            (None, None) => Ok(Auth::None),
        }
    }

    fn header(&self) -> Option<String> {
        match self {
            Auth::None => None,
            Auth::Basic { user, password } => Some(format!(
                "Basic {}",
                data_encoding::BASE64.encode(format!("{user}:{password}").as_bytes())
            )),
            Auth::ApiKey(k) => Some(format!("ApiKey {k}")),
        }
    }
}

/// A client of one cluster.
pub struct ClusterClient {
    pub name: String,
    urls: Vec<String>,
    auth: Auth,
    agent: ureq::Agent,
    retries: u32,
    /// The address that answered last (tried first next time).
    current: AtomicUsize,
    /// Until when the cluster is not asked again, and why (see [`QUIET_AFTER_FAILURE`]).
    quiet: std::sync::Mutex<Option<(std::time::Instant, RemoteError)>>,
    requests: AtomicU64,
}

/// An answer: its status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl ClusterClient {
    /// A client of the cluster `c` describes; `root`: the workspace root (`ca_file` is
    /// relative to it).
    pub fn new(c: &RemoteConfig, root: &Path) -> Result<ClusterClient, RemoteError> {
        let timeout = Duration::from_secs(c.timeout_seconds.max(1));
        let mut builder = ureq::Agent::config_builder();
        if let Some(ca) = &c.ca_file {
            builder = builder.tls_config(trusting(c, &root.join(ca))?);
        }
        let agent: ureq::Agent = builder
            .http_status_as_error(false)
            .user_agent(concat!("sourced/", env!("CARGO_PKG_VERSION")))
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(5))))
            .max_redirects(0)
            .build()
            .into();
        Ok(ClusterClient {
            name: c.name.clone(),
            urls: c
                .url
                .to_vec()
                .into_iter()
                .map(|u| u.trim_end_matches('/').to_string())
                .collect(),
            auth: Auth::from_config(c)?,
            agent,
            retries: c.retries,
            current: AtomicUsize::new(0),
            quiet: std::sync::Mutex::new(None),
            requests: AtomicU64::new(0),
        })
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// `method path` with a JSON body (or NDJSON for `_bulk`), retried and failed over as
    /// the module says. Any status is returned (the caller decides what a 404 means) except
    /// those retried until they stop.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        content_type: &str,
    ) -> Result<Answer, RemoteError> {
        if let Some(e) = self.quiet_error() {
            return Err(e);
        }
        let result = self.send_now(method, path, body, content_type);
        if let Err(e @ RemoteError::Unreachable { .. }) = &result {
            *super::lock(&self.quiet) =
                Some((std::time::Instant::now() + QUIET_AFTER_FAILURE, e.clone()));
        }
        result
    }

    /// The error of the last attempt if the cluster is still left alone.
    fn quiet_error(&self) -> Option<RemoteError> {
        let quiet = super::lock(&self.quiet);
        quiet
            .as_ref()
            .filter(|(until, _)| std::time::Instant::now() < *until)
            .map(|(_, e)| e.clone())
    }

    fn send_now(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        content_type: &str,
    ) -> Result<Answer, RemoteError> {
        let n = self.urls.len();
        let first = self.current.load(Ordering::Relaxed) % n;
        let mut last_error = String::new();
        // The last answer refused for load: returned as it is once the retries are spent
        // (the cluster is there; what it said is the news, not "unreachable").
        let mut refused: Option<(u16, String)> = None;
        let mut backoff = FIRST_BACKOFF;
        for attempt in 0..=self.retries {
            if attempt > 0 {
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            // Each attempt tries every address, starting with the one that answered last.
            for k in 0..n {
                let i = (first + k) % n;
                let url = format!("{}{}", self.urls[i], path);
                self.requests.fetch_add(1, Ordering::Relaxed);
                match self.attempt(method, &url, body, content_type) {
                    Ok((status, retry_after, text)) => {
                        self.current.store(i, Ordering::Relaxed);
                        if matches!(status, 429 | 502 | 503 | 504) {
                            if let Some(s) = retry_after {
                                backoff = s.min(MAX_BACKOFF);
                            }
                            refused = Some((status, text));
                            break;
                        }
                        return self.answer(method, path, status, &text);
                    }
                    Err(e) => last_error = e,
                }
            }
        }
        if let Some((status, text)) = refused {
            return self.answer(method, path, status, &text);
        }
        Err(RemoteError::Unreachable {
            name: self.name.clone(),
            urls: self.urls.join(", "),
            detail: format!(
                "{last_error} (after {} attempts; not asked again for {} s)",
                (self.retries as usize + 1) * n,
                QUIET_AFTER_FAILURE.as_secs()
            ),
        })
    }

    fn answer(
        &self,
        method: &str,
        path: &str,
        status: u16,
        text: &str,
    ) -> Result<Answer, RemoteError> {
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            match serde_json::from_str(text) {
                Ok(v) => v,
                // A proxy's error page: keep its words as the reason.
                Err(_) if !(200..300).contains(&status) => {
                    serde_json::json!({ "error": text.chars().take(200).collect::<String>() })
                }
                Err(e) => {
                    return Err(RemoteError::Other {
                        name: self.name.clone(),
                        detail: format!(
                        "{method} {path} answered {status} with something that is not JSON ({e})"
                    ),
                    })
                }
            }
        };
        Ok(Answer { status, body })
    }

    /// Ok for a success; else the error the answer means: no such index (404), shards
    /// missing, or the status with the cluster's reason.
    pub fn success(&self, answer: &Answer, index: &str, what: &str) -> Result<(), RemoteError> {
        if (200..300).contains(&answer.status) {
            return Ok(());
        }
        if answer.status == 404 {
            return Err(RemoteError::NoIndex {
                name: self.name.clone(),
                index: index.to_string(),
            });
        }
        let reason = error_reason(&answer.body).unwrap_or_else(|| answer.body.to_string());
        if reason.contains("shard") {
            return Err(RemoteError::Partial {
                name: self.name.clone(),
                index: index.to_string(),
                reason,
            });
        }
        Err(RemoteError::Status {
            name: self.name.clone(),
            status: answer.status,
            what: what.to_string(),
            reason,
        })
    }

    /// `send` with a JSON body.
    pub fn json(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, RemoteError> {
        let text = body.map(|b| b.to_string());
        self.send(method, path, text.as_deref(), "application/json")
    }

    /// One attempt: status, `Retry-After`, body text; `Err` when the address did not answer.
    fn attempt(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        content_type: &str,
    ) -> Result<(u16, Option<Duration>, String), String> {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Accept", "application/json");
        if let Some(h) = self.auth.header() {
            req = req.header("Authorization", h);
        }
        let result = match body {
            Some(b) => {
                let req = req
                    .header("Content-Type", content_type)
                    .body(b.as_bytes().to_vec())
                    .map_err(|e| e.to_string())?;
                self.agent.run(req)
            }
            None => {
                let req = req.body(()).map_err(|e| e.to_string())?;
                self.agent.run(req)
            }
        };
        let mut response = result.map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(|e| describe(&e))?;
        Ok((status, retry_after, text))
    }
}

/// TLS that trusts the certificate authorities of the PEM file `file`.
fn trusting(c: &RemoteConfig, file: &Path) -> Result<ureq::tls::TlsConfig, RemoteError> {
    let fail = |why: String| RemoteError::Other {
        name: c.name.clone(),
        detail: format!("ca_file {}: {why}", file.display()),
    };
    let pem = crate::disk::read_bounded(file, 1 << 20, true).map_err(|e| fail(e.to_string()))?;
    let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(fail("no PEM certificate in it".into()));
    }
    Ok(ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
        .build())
}

/// A transport error in a person's words.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "no answer in time".into(),
        ureq::Error::HostNotFound => "the host name is not known".into(),
        ureq::Error::ConnectionFailed => "the connection was refused".into(),
        ureq::Error::Io(io) => format!("{io}"),
        e => e.to_string(),
    }
}

/// The reason of an OpenSearch/Elasticsearch error answer (`error.root_cause[0].reason`,
/// `error.reason`), or the start of the body.
pub fn reason_of(text: &str) -> String {
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    error_reason(&v).unwrap_or_else(|| text.chars().take(200).collect())
}

/// The reason in an error answer's JSON.
pub fn error_reason(v: &Value) -> Option<String> {
    let e = v.get("error")?;
    if let Some(s) = e.as_str() {
        return Some(s.to_string());
    }
    let reason = e
        .get("reason")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty());
    let root = e
        .pointer("/root_cause/0/reason")
        .and_then(Value::as_str)
        .filter(|r| Some(*r) != reason);
    let caused = e
        .pointer("/caused_by/reason")
        .and_then(Value::as_str)
        .filter(|r| Some(*r) != reason && Some(*r) != root);
    let parts: Vec<&str> = [reason, root, caused]
        .into_iter()
        .flatten()
        .filter(|r| !r.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(": "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_of_an_error_answer_is_read_from_its_json() {
        let body = r#"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [x]"}],"type":"index_not_found_exception","reason":"no such index [x]"},"status":404}"#;
        assert_eq!(reason_of(body), "no such index [x]");
        let body = r#"{"error":{"type":"search_phase_execution_exception","reason":"all shards failed","caused_by":{"reason":"shard 1 unavailable"}}}"#;
        assert_eq!(reason_of(body), "all shards failed: shard 1 unavailable");
        assert_eq!(reason_of("Bad Gateway"), "Bad Gateway");
        // OpenSearch's answer to a search missing a shard: an empty reason, the cause below.
        let body = r#"{"error":{"root_cause":[],"type":"search_phase_execution_exception","reason":"","caused_by":{"type":"search_phase_execution_exception","reason":"Search rejected due to missing shards [[i][1]]."}},"status":503}"#;
        assert_eq!(
            reason_of(body),
            "Search rejected due to missing shards [[i][1]]."
        );
    }

    #[test]
    fn secrets_are_not_printed() {
        let a = Auth::Basic {
            user: "ann".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{a:?}").contains("hunter2"));
        assert!(!format!("{:?}", Auth::ApiKey("k3y".into())).contains("k3y"));
        assert_eq!(
            Auth::Basic {
                user: "a".into(),
                password: "b".into()
            }
            .header()
            .unwrap(),
            "Basic YTpi"
        );
    }
}
