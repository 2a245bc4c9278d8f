//! `sourced index --remote NAME`: the workspace's sources loaded into a search cluster, for a
//! newsroom that has none yet (or a project shared by a team).
//!
//! The index is created with a mapping made for quotation retrieval:
//! - `sourced_words`: the source's words normalised by [`crate::text::normalize`] exactly as
//!   the local index has them, analysed by whitespace alone, with positions (phrases),
//!   scored by BM25 without length normalisation (`b = 0`: a long speech that holds a
//!   quotation must not rank below short articles that share its words), and left out of
//!   `_source` (it is derived);
//! - the configured text field (the visible text: what a reader of the file sees, which is
//!   what verdicts' byte ranges refer to), also searchable with the standard analyser for
//!   people using the cluster directly;
//! - title, author, date, url, the citation keys (`sourced_keys`), the source's path
//!   (`sourced_path`) and a fingerprint of what was sent (`sourced_fingerprint`).
//!
//! Loading is incremental: a source whose fingerprint the cluster already holds is not sent
//! again, and documents of sources that are gone are deleted. The text comes from the local
//! index (brought up to date first), so PDFs and web archives are read once.
//!
//! Invariant: sourced writes only into an index it made (one whose mapping has
//! `sourced_words`); it refuses to write into a newsroom's own index.

use super::archive::{MAP_FIELD, RAW_FIELD, WORDS_FIELD};
use super::http::{error_reason, ClusterClient, RemoteError};
use crate::config::RemoteConfig;
use crate::index::SourceIndex;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::Instant;

/// The least time one request of a load may take, in seconds.
pub const PUBLISH_TIMEOUT_SECONDS: u64 = 300;
/// A bulk request carries about this many bytes of documents at most.
pub const BULK_BYTES: usize = 8 << 20;
/// Document ids longer than this are replaced by a hash of the path (the engines' limit is
/// 512 bytes).
const MAX_ID_BYTES: usize = 500;

/// What a load did.
#[derive(Debug, Default, Clone)]
pub struct PublishReport {
    /// The index was created by this load.
    pub created: bool,
    /// Sources sent (new or changed).
    pub sent: usize,
    /// Sources the cluster already held as they are.
    pub unchanged: usize,
    /// Documents deleted because their source is gone.
    pub deleted: usize,
    /// Bytes of bulk requests sent.
    pub bytes: u64,
    /// Sources the cluster refused, with its reason.
    pub failed: Vec<(String, String)>,
    /// Bulk requests sent.
    pub requests: u64,
    pub seconds: f64,
}

/// The settings and mapping of an index `sourced index --remote` creates.
pub fn index_body(c: &RemoteConfig) -> Value {
    let f = &c.fields;
    let mut properties = serde_json::Map::new();
    properties.insert(f.text.clone(), json!({ "type": "text" }));
    properties.insert(
        WORDS_FIELD.into(),
        json!({
            "type": "text", "analyzer": "sourced_words", "index_options": "positions",
            "similarity": "sourced_words"
        }),
    );
    properties.insert(
        f.title.clone(),
        json!({ "type": "text", "fields": { "raw": { "type": "keyword", "ignore_above": 512 } } }),
    );
    properties.insert(f.author.clone(), json!({ "type": "text" }));
    properties.insert(f.date.clone(), json!({ "type": "keyword" }));
    properties.insert(f.url.clone(), json!({ "type": "keyword" }));
    properties.insert(RAW_FIELD.into(), json!({ "type": "text", "index": false }));
    properties.insert(MAP_FIELD.into(), json!({ "type": "binary" }));
    properties.insert("sourced_keys".into(), json!({ "type": "keyword" }));
    properties.insert("sourced_path".into(), json!({ "type": "keyword" }));
    properties.insert(
        "sourced_fingerprint".into(),
        json!({ "type": "keyword", "index": false }),
    );
    json!({
        "settings": {
            "number_of_shards": c.shards.max(1),
            "number_of_replicas": c.replicas,
            "analysis": { "analyzer": { "sourced_words": {
                "type": "custom", "tokenizer": "whitespace"
            } } },
            // BM25 without length normalisation: whether an article holds a quotation's
            // phrases does not depend on its length, and a long speech holding the quotation
            // must not rank below short articles that merely share its words.
            "similarity": { "sourced_words": { "type": "BM25", "b": 0.0, "k1": 1.2 } }
        },
        "mappings": {
            "_source": { "excludes": [WORDS_FIELD] },
            "properties": properties
        }
    })
}

/// The document id of a source path.
pub fn document_id(path: &str) -> String {
    if path.len() <= MAX_ID_BYTES {
        path.to_string()
    } else {
        format!(
            "sha256:{}",
            data_encoding::HEXLOWER.encode(&Sha256::digest(path))
        )
    }
}

/// Load the sources of `local` into the cluster `c` names, creating its index if needed.
/// `progress(done, total)` is called after each bulk request.
pub fn publish(
    local: &SourceIndex,
    root: &std::path::Path,
    c: &RemoteConfig,
    mut progress: impl FnMut(usize, usize),
) -> Result<PublishReport, RemoteError> {
    let started = Instant::now();
    // Bulk requests and the refresh after a large load take the cluster longer than a
    // search: they get minutes, not the seconds a check waits.
    let mut patient = c.clone();
    patient.timeout_seconds = c.timeout_seconds.max(PUBLISH_TIMEOUT_SECONDS);
    let client = ClusterClient::new(&patient, root)?;
    let mut report = PublishReport {
        created: ensure_index(&client, c)?,
        ..Default::default()
    };
    let held = held_fingerprints(&client, c)?;
    let sources = local.sources().map_err(|e| other(c, e.to_string()))?;
    let total = sources.len();
    let mut bulk = String::new();
    let mut in_bulk: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut done = 0;
    for info in sources {
        let id = document_id(&info.path);
        seen.insert(id.clone());
        let Some((text, map)) = local
            .visible_text(&info.path)
            .map_err(|e| other(c, e.to_string()))?
        else {
            continue;
        };
        // What byte ranges refer to locally: the file's text, or the rendition's.
        let raw_file = info
            .rendition
            .clone()
            .unwrap_or_else(|| crate::corpus::discover::source_path(&info.path, root));
        let raw = crate::disk::read_bounded(&raw_file, 1 << 30, true)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|raw| raw != &text && map.fits(text.len(), raw.len()));
        let words: Vec<String> = crate::text::normalize::normalized_words(&text)
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        let f = &c.fields;
        let mut doc = serde_json::Map::new();
        doc.insert(f.text.clone(), json!(text));
        doc.insert(WORDS_FIELD.into(), json!(words.join(" ")));
        let meta = &info.meta;
        for (field, value) in [
            (&f.title, &meta.title),
            (&f.author, &meta.author),
            (&f.date, &meta.date),
            (&f.url, &meta.url),
        ] {
            if let Some(v) = value {
                doc.insert(field.clone(), json!(v));
            }
        }
        if let Some(raw) = raw {
            doc.insert(RAW_FIELD.into(), json!(raw));
            doc.insert(
                MAP_FIELD.into(),
                json!(data_encoding::BASE64.encode(&map.to_bytes())),
            );
        }
        doc.insert("sourced_keys".into(), json!(info.keys));
        doc.insert("sourced_path".into(), json!(info.path));
        let fingerprint = fingerprint(&Value::Object(doc.clone()));
        if held.get(&id) == Some(&fingerprint) {
            report.unchanged += 1;
            done += 1;
            continue;
        }
        doc.insert("sourced_fingerprint".into(), json!(fingerprint));
        bulk.push_str(&json!({ "index": { "_index": c.index, "_id": id } }).to_string());
        bulk.push('\n');
        bulk.push_str(&Value::Object(doc).to_string());
        bulk.push('\n');
        in_bulk.push(id);
        if bulk.len() >= BULK_BYTES {
            done += in_bulk.len();
            send_bulk(&client, c, &mut bulk, &mut in_bulk, &mut report)?;
            progress(done, total);
        }
    }
    done += in_bulk.len();
    send_bulk(&client, c, &mut bulk, &mut in_bulk, &mut report)?;
    // Sources that are gone.
    for id in held.keys().filter(|id| !seen.contains(*id)) {
        bulk.push_str(&json!({ "delete": { "_index": c.index, "_id": id } }).to_string());
        bulk.push('\n');
        in_bulk.push(id.clone());
        report.deleted += 1;
    }
    send_bulk(&client, c, &mut bulk, &mut in_bulk, &mut report)?;
    progress(done, total);
    let refreshed = client.json("POST", &format!("/{}/_refresh", c.index), None)?;
    client.success(&refreshed, &c.index, "the refresh")?;
    report.requests = client.requests();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn other(c: &RemoteConfig, detail: String) -> RemoteError {
    RemoteError::Other {
        name: c.name.clone(),
        detail,
    }
}

/// Create the index unless it exists; refuse an index sourced did not make. Whether it was
/// created.
fn ensure_index(client: &ClusterClient, c: &RemoteConfig) -> Result<bool, RemoteError> {
    let mapping = client.json("GET", &format!("/{}/_mapping", c.index), None)?;
    if mapping.status == 404 {
        let created = client.json("PUT", &format!("/{}", c.index), Some(&index_body(c)))?;
        client.success(&created, &c.index, "the creation of the index")?;
        return Ok(true);
    }
    client.success(&mapping, &c.index, "the mapping request")?;
    let ours = mapping.body.as_object().is_some_and(|m| {
        !m.is_empty()
            && m.values().all(|i| {
                i.pointer(&format!("/mappings/properties/{WORDS_FIELD}"))
                    .is_some()
            })
    });
    if !ours {
        return Err(other(
            c,
            format!(
                "index {:?} exists and was not made by `sourced index --remote` (its mapping has no {WORDS_FIELD}); sourced does not write into an index it did not make",
                c.index
            ),
        ));
    }
    Ok(false)
}

/// The fingerprints the cluster holds, by document id (read in pages, sorted by path).
fn held_fingerprints(
    client: &ClusterClient,
    c: &RemoteConfig,
) -> Result<HashMap<String, String>, RemoteError> {
    let mut held = HashMap::new();
    let mut after: Option<Value> = None;
    loop {
        let mut body = json!({
            "size": 1000,
            "_source": ["sourced_fingerprint"],
            "sort": [{ "sourced_path": "asc" }],
            "query": { "match_all": {} }
        });
        if let Some(a) = &after {
            body["search_after"] = a.clone();
        }
        let a = client.json("POST", &format!("/{}/_search", c.index), Some(&body))?;
        client.success(&a, &c.index, "the listing of documents")?;
        let hits = a
            .body
            .pointer("/hits/hits")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if hits.is_empty() {
            return Ok(held);
        }
        for h in &hits {
            if let (Some(id), Some(fp)) = (
                h.get("_id").and_then(Value::as_str),
                h.pointer("/_source/sourced_fingerprint")
                    .and_then(Value::as_str),
            ) {
                held.insert(id.to_string(), fp.to_string());
            }
        }
        after = hits.last().and_then(|h| h.get("sort")).cloned();
        if after.is_none() {
            return Ok(held);
        }
    }
}

fn fingerprint(doc: &Value) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(doc.to_string()))[..32].to_string()
}

/// Send the bulk request built so far (if any); items the cluster refused for load (429)
/// are sent again up to `retries` times, others are reported failed.
fn send_bulk(
    client: &ClusterClient,
    c: &RemoteConfig,
    bulk: &mut String,
    ids: &mut Vec<String>,
    report: &mut PublishReport,
) -> Result<(), RemoteError> {
    let mut lines: Vec<String> = bulk.lines().map(str::to_string).collect();
    let mut pending_ids = std::mem::take(ids);
    bulk.clear();
    let mut backoff = super::http::FIRST_BACKOFF;
    for attempt in 0..=c.retries {
        if pending_ids.is_empty() {
            return Ok(());
        }
        if attempt > 0 {
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(super::http::MAX_BACKOFF);
        }
        let mut body = lines.join("\n");
        body.push('\n');
        report.bytes += body.len() as u64;
        let a = client.send("POST", "/_bulk", Some(&body), "application/x-ndjson")?;
        client.success(&a, &c.index, "a bulk request")?;
        let items = a
            .body
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // Each action is one line (delete) or two (index); items answer them in order.
        let mut retry_lines = Vec::new();
        let mut retry_ids = Vec::new();
        let mut line = 0;
        for (k, item) in items.iter().enumerate() {
            let (action, result) = item
                .as_object()
                .and_then(|o| o.iter().next())
                .map(|(a, r)| (a.as_str(), r))
                .unwrap_or(("index", &Value::Null));
            let width = if action == "delete" { 1 } else { 2 };
            let status = result.get("status").and_then(Value::as_u64).unwrap_or(0);
            let id = pending_ids.get(k).cloned().unwrap_or_default();
            if status == 429 {
                retry_lines.extend(lines[line..line + width].iter().cloned());
                retry_ids.push(id);
            } else if (200..300).contains(&status) || (action == "delete" && status == 404) {
                if action == "index" {
                    report.sent += 1;
                }
            } else {
                let reason = error_reason(result).unwrap_or_else(|| result.to_string());
                report.failed.push((id, reason));
            }
            line += width;
        }
        lines = retry_lines;
        pending_ids = retry_ids;
    }
    for id in pending_ids {
        report
            .failed
            .push((id, "the cluster kept refusing it for load (429)".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_become_hashed_ids_and_short_ones_stay() {
        assert_eq!(document_id("seeds/a.txt"), "seeds/a.txt");
        let long = "x/".repeat(300);
        let id = document_id(&long);
        assert!(id.starts_with("sha256:") && id.len() == 7 + 64, "{id}");
    }

    #[test]
    fn the_mapping_searches_words_by_whitespace_and_keeps_them_out_of_source() {
        let c: crate::config::Config = toml::from_str(
            "[[remote]]\nname = \"a\"\nurl = \"http://x\"\nindex = \"i\"\nshards = 3\nreplicas = 0\n[remote.fields]\ntext = \"body\"\n",
        )
        .unwrap();
        let body = index_body(&c.remote[0]);
        assert_eq!(body["settings"]["number_of_shards"], 3);
        assert_eq!(body["settings"]["number_of_replicas"], 0);
        assert_eq!(body["mappings"]["properties"]["body"]["type"], "text");
        assert_eq!(
            body["mappings"]["properties"][WORDS_FIELD]["analyzer"],
            "sourced_words"
        );
        assert_eq!(
            body["settings"]["analysis"]["analyzer"]["sourced_words"]["tokenizer"],
            "whitespace"
        );
        assert_eq!(body["mappings"]["_source"]["excludes"][0], WORDS_FIELD);
        assert_eq!(
            body["mappings"]["properties"][WORDS_FIELD]["similarity"],
            "sourced_words"
        );
        assert_eq!(body["settings"]["similarity"]["sourced_words"]["b"], 0.0);
    }
}
