//! The OpenSearch test cluster itself (tests/opensearch/cluster.sh, tests/common/cluster.rs):
//! two nodes with the roles the remote-retrieval tests count on, shards and replicas spread
//! over both, the analysis module present, and a node crash that a replicated index survives
//! and an unreplicated one reports. Ignored by plain `cargo test`: they need the cluster,
//! which `bash tests/opensearch/run.sh` starts before running them.

mod common;

use common::cluster::{self, Cluster, ShardCopy};
use serde_json::{json, Value};

const NEEDS_CLUSTER: &str = "needs the OpenSearch cluster: bash tests/opensearch/run.sh";

fn copy(shard: u32, primary: bool, state: &str, node: Option<&str>) -> ShardCopy {
    ShardCopy {
        shard,
        primary,
        state: state.to_string(),
        node: node.map(str::to_string),
    }
}

fn create_index(c: &Cluster, index: &str, body: Value) {
    c.delete_index(index);
    let (code, answer) = c.request("PUT", &format!("/{index}"), Some(&body));
    assert_eq!(code, 200, "PUT /{index}: {answer}");
}

fn index_doc(c: &Cluster, index: &str, id: &str, doc: Value) {
    let (code, answer) = c.request(
        "PUT",
        &format!("/{index}/_doc/{id}?refresh=true"),
        Some(&doc),
    );
    assert_eq!(code, 201, "PUT /{index}/_doc/{id}: {answer}");
}

/// The ids of the hits of `query` on `index`, sorted; panics unless every shard answered.
fn hit_ids(c: &Cluster, index: &str, query: Value) -> Vec<String> {
    let (code, answer) = c.request("POST", &format!("/{index}/_search"), Some(&query));
    assert_eq!(code, 200, "search {index}: {answer}");
    assert_eq!(answer["_shards"]["failed"], json!(0), "{answer}");
    let mut ids: Vec<String> = answer["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn the_cluster_has_a_cluster_manager_node_and_a_data_only_node() {
    let _nodes_up = cluster::shared();
    let c = Cluster::from_env();
    assert_eq!(c.urls.len(), 2, "{NEEDS_CLUSTER}");
    let (code, nodes) = c.request(
        "GET",
        "/_cat/nodes?format=json&h=name,node.roles,cluster_manager,http_address",
        None,
    );
    assert_eq!(code, 200, "{nodes}");
    let mut table: Vec<(String, String, String, String)> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let field = |k: &str| n[k].as_str().unwrap_or_default().to_string();
            (
                field("name"),
                field("node.roles"),
                field("cluster_manager"),
                field("http_address"),
            )
        })
        .collect();
    table.sort();
    let port = |url: &str| url.rsplit(':').next().unwrap().to_string();
    let expected = vec![
        (
            "node-1".to_string(),
            "cluster_manager,data,ingest".to_string(),
            "*".to_string(),
            format!("127.0.0.1:{}", port(&c.urls[0])),
        ),
        (
            "node-2".to_string(),
            "data".to_string(),
            "-".to_string(),
            format!("127.0.0.1:{}", port(&c.urls[1])),
        ),
    ];
    assert_eq!(table, expected);
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn two_primaries_with_a_replica_each_spread_over_both_nodes() {
    let _nodes_up = cluster::shared();
    let c = Cluster::from_env();
    let index = "harness-spread";
    create_index(
        &c,
        index,
        json!({"settings": {"number_of_shards": 2, "number_of_replicas": 1}}),
    );
    c.wait_status(index, "green");
    let shards = c.shards(index);
    // The balancer puts one primary on each node; which shard goes where is its choice.
    let one_way = vec![
        copy(0, true, "STARTED", Some("node-1")),
        copy(0, false, "STARTED", Some("node-2")),
        copy(1, true, "STARTED", Some("node-2")),
        copy(1, false, "STARTED", Some("node-1")),
    ];
    let other_way = vec![
        copy(0, true, "STARTED", Some("node-2")),
        copy(0, false, "STARTED", Some("node-1")),
        copy(1, true, "STARTED", Some("node-1")),
        copy(1, false, "STARTED", Some("node-2")),
    ];
    assert!(
        shards == one_way || shards == other_way,
        "primaries not on both nodes, or a replica beside its primary: {shards:#?}"
    );
    c.delete_index(index);
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn a_document_comes_back_by_match_phrase_through_the_common_analysis_filters() {
    let _nodes_up = cluster::shared();
    let c = Cluster::from_env();
    let index = "harness-phrase";
    // whitespace tokenizer, lowercase and asciifolding filters: the analysis-common module.
    create_index(
        &c,
        index,
        json!({
            "settings": {
                "number_of_shards": 2,
                "number_of_replicas": 1,
                "analysis": {"analyzer": {"folded": {
                    "type": "custom",
                    "tokenizer": "whitespace",
                    "filter": ["lowercase", "asciifolding"]
                }}}
            },
            "mappings": {"properties": {"text": {"type": "text", "analyzer": "folded"}}}
        }),
    );
    c.wait_status(index, "green");
    index_doc(
        &c,
        index,
        "dessert",
        json!({"text": "The Crème Brûlée was burnt"}),
    );
    index_doc(
        &c,
        index,
        "other",
        json!({"text": "crème anglaise, not brûlée"}),
    );

    let phrase = |p: &str| json!({"query": {"match_phrase": {"text": p}}});
    assert_eq!(hit_ids(&c, index, phrase("creme brulee")), vec!["dessert"]);
    assert_eq!(
        hit_ids(&c, index, phrase("brulee creme")),
        Vec::<String>::new()
    );

    let (code, answer) = c.request(
        "POST",
        &format!("/{index}/_search"),
        Some(&phrase("CRÈME BRÛLÉE")),
    );
    assert_eq!(code, 200, "{answer}");
    let hits = answer["hits"]["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{answer}");
    assert_eq!(
        hits[0]["_source"]["text"],
        json!("The Crème Brûlée was burnt")
    );
    c.delete_index(index);
}

#[test]
#[ignore = "needs the OpenSearch cluster: bash tests/opensearch/run.sh"]
fn when_node_2_crashes_replicas_answer_and_unreplicated_shards_are_reported_missing() {
    let _only_me = cluster::exclusive();
    let c = Cluster::from_env();
    let replicated = "harness-replicated";
    let unreplicated = "harness-unreplicated";
    create_index(
        &c,
        replicated,
        json!({"settings": {"number_of_shards": 2, "number_of_replicas": 1}}),
    );
    // One shard on each node, no copies: node 2's shard is gone while node 2 is down.
    create_index(
        &c,
        unreplicated,
        json!({"settings": {
            "number_of_shards": 2,
            "number_of_replicas": 0,
            "index.routing.allocation.total_shards_per_node": 1
        }}),
    );
    c.wait_status(&format!("{replicated},{unreplicated}"), "green");
    let ids: Vec<String> = (0..8).map(|i| format!("doc-{i}")).collect();
    for id in &ids {
        index_doc(
            &c,
            replicated,
            id,
            json!({"text": format!("quotation {id}")}),
        );
        index_doc(
            &c,
            unreplicated,
            id,
            json!({"text": format!("quotation {id}")}),
        );
    }
    let all = json!({"query": {"match_all": {}}, "size": 100});
    assert_eq!(hit_ids(&c, replicated, all.clone()), ids);
    assert_eq!(hit_ids(&c, unreplicated, all.clone()), ids);
    let on_node_2: Vec<u32> = c
        .shards(unreplicated)
        .into_iter()
        .filter(|s| s.node.as_deref() == Some("node-2"))
        .map(|s| s.shard)
        .collect();
    assert_eq!(on_node_2.len(), 1, "{:#?}", c.shards(unreplicated));

    {
        let _node_2_down = c.node_down(2);

        // Both primaries of the replicated index now live on node 1 (a replica promoted);
        // the replicas have nowhere to go.
        assert_eq!(
            c.shards(replicated),
            vec![
                copy(0, true, "STARTED", Some("node-1")),
                copy(0, false, "UNASSIGNED", None),
                copy(1, true, "STARTED", Some("node-1")),
                copy(1, false, "UNASSIGNED", None),
            ]
        );
        assert_eq!(hit_ids(&c, replicated, all.clone()), ids);

        let (code, answer) = c.request(
            "POST",
            &format!("/{unreplicated}/_search?allow_partial_search_results=false"),
            Some(&all),
        );
        assert_eq!(code, 503, "{answer}");
        assert_eq!(
            answer["error"]["type"],
            json!("search_phase_execution_exception"),
            "{answer}"
        );
        let missing = format!(
            "Search rejected due to missing shards [[{unreplicated}][{}]]. Consider using \
             `allow_partial_search_results` setting to bypass this error.",
            on_node_2[0]
        );
        assert_eq!(
            answer["error"]["caused_by"]["reason"],
            json!(missing),
            "{answer}"
        );
    }

    // Node 2 is back on its data: nothing was lost.
    c.wait_status(&format!("{replicated},{unreplicated}"), "green");
    assert_eq!(hit_ids(&c, unreplicated, all.clone()), ids);
    assert_eq!(hit_ids(&c, replicated, all), ids);
    c.delete_index(replicated);
    c.delete_index(unreplicated);
}
