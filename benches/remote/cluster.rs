//! What the benchmark asks of the cluster itself, outside sourced's own requests: delete the
//! index before a load, wait until its replicas are allocated, and print its shard layout
//! and size. Each request goes through sourced's [`ClusterClient`] (same addresses,
//! failover and authentication as the archive).

use serde_json::Value;
use sourced::remote::http::ClusterClient;

/// Deletes `index` (nothing happens if it does not exist).
pub fn delete_index(client: &ClusterClient, index: &str) {
    match client.json("DELETE", &format!("/{index}"), None) {
        Ok(a) if (200..300).contains(&a.status) || a.status == 404 => {}
        Ok(a) => panic!("DELETE /{index} answered {}: {}", a.status, a.body),
        Err(e) => panic!("DELETE /{index}: {e}"),
    }
}

/// Waits (up to two minutes) until every shard of `index`, replicas included, is
/// allocated, so that recoveries do not run during the timed checks. Its health status.
pub fn wait_green(client: &ClusterClient, index: &str) -> String {
    let path = format!("/_cluster/health/{index}?wait_for_status=green&timeout=120s");
    match client.json("GET", &path, None) {
        Ok(a) => a
            .body
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string(),
        Err(e) => format!("unknown ({e})"),
    }
}

/// `GET path` as a JSON array (the `_cat` APIs with `format=json`); empty if it fails.
fn cat(client: &ClusterClient, path: &str) -> Vec<Value> {
    client
        .json("GET", path, None)
        .ok()
        .and_then(|a| a.body.as_array().cloned())
        .unwrap_or_default()
}

fn field<'a>(row: &'a Value, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Prints the index's shards (which node holds each copy, documents, store size) and the
/// index's size.
pub fn print_layout(client: &ClusterClient, index: &str) {
    let shards = cat(client, &format!("/_cat/shards/{index}?format=json&bytes=b"));
    println!(
        "\n| shard | copy | state | node | documents | store MB |\n| --- | --- | --- | --- | --- | --- |"
    );
    for s in &shards {
        let copy = if field(s, "prirep") == "p" {
            "primary"
        } else {
            "replica"
        };
        let mb = field(s, "store").parse::<f64>().unwrap_or(0.0) / 1e6;
        println!(
            "| {} | {copy} | {} | {} | {} | {mb:.1} |",
            field(s, "shard"),
            field(s, "state"),
            field(s, "node"),
            field(s, "docs"),
        );
    }
    println!(
        "\n| index | health | documents | primaries / replicas | store MB, primaries | store MB, all copies |\n| --- | --- | --- | --- | --- | --- |"
    );
    for i in cat(
        client,
        &format!("/_cat/indices/{index}?format=json&bytes=b"),
    ) {
        let mb = |k: &str| field(&i, k).parse::<f64>().unwrap_or(0.0) / 1e6;
        println!(
            "| `{index}` | {} | {} | {} / {} | {:.1} | {:.1} |",
            field(&i, "health"),
            field(&i, "docs.count"),
            field(&i, "pri"),
            field(&i, "rep"),
            mb("pri.store.size"),
            mb("store.size"),
        );
    }
}
