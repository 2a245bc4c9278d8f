//! The search request for a quotation's candidate documents, in the query language
//! OpenSearch and Elasticsearch share (`bool` of `match` and `match_phrase`).
//!
//! The words sent are the quotation's, already normalised by [`crate::text::normalize`]
//! (lower case, typographic marks folded). On an index `sourced index --remote` made they go
//! to its `sourced_words` field, analysed by whitespace alone, so both sides agree on every
//! word; on a newsroom's own index they go to its text field and its analyser, which at
//! worst finds fewer candidates (retrieval only narrows; verification is local and exact).

use crate::index::retrieve::CandidateQuery;
use serde_json::{json, Value};

/// Chunks sent as phrases at most: the longest ones (long runs of words are the rarest).
pub const PHRASES: usize = 3;
/// Word positions a phrase may stretch by (an inserted or dropped word keeps its phrase).
pub const PHRASE_SLOP: u32 = 2;

/// The `_search` body for the `size` best documents holding the quotation's words, scored
/// by the words (`match`) plus its longest chunks as phrases (`match_phrase` with slop), only
/// ids and scores returned.
pub fn search_body(q: &CandidateQuery, field: &str, size: usize) -> Option<Value> {
    let mut words: Vec<&str> = q.chunks.iter().flatten().map(String::as_str).collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        return None;
    }
    let mut should = vec![json!({ "match": { field: { "query": words.join(" ") } } })];
    let mut chunks: Vec<&Vec<String>> = q.chunks.iter().filter(|c| c.len() > 1).collect();
    chunks.sort_by_key(|c| std::cmp::Reverse(c.iter().map(String::len).sum::<usize>()));
    for c in chunks.into_iter().take(PHRASES) {
        should.push(json!({ "match_phrase": { field: {
            "query": c.join(" "), "slop": PHRASE_SLOP, "boost": 2.0
        } } }));
    }
    Some(json!({
        "size": size,
        "_source": false,
        "track_total_hits": false,
        "query": { "bool": { "should": should, "minimum_should_match": 1 } }
    }))
}

/// The `_search` body that fetches documents by id, with the fields named.
pub fn fetch_body(ids: &[&str], fields: &[&str]) -> Value {
    json!({
        "size": ids.len(),
        "_source": fields,
        "query": { "ids": { "values": ids } }
    })
}

/// The `_search` body for the documents a citation key names: by id, or by the keys of an
/// index `sourced index --remote` made.
pub fn key_body(key: &str) -> Value {
    json!({
        "size": 5,
        "_source": false,
        "query": { "bool": { "should": [
            { "ids": { "values": [key] } },
            { "term": { "sourced_keys": key } }
        ], "minimum_should_match": 1 } }
    })
}

/// The `_search` body for the documents whose address field holds `url` (a `keyword` field
/// matches the term, a `text` field the phrase; the caller compares the addresses exactly).
pub fn url_body(url: &str, field: &str) -> Value {
    json!({
        "size": 10,
        "_source": [field],
        "query": { "bool": { "should": [
            { "term": { field: url } },
            { "match_phrase": { field: url } }
        ], "minimum_should_match": 1 } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(chunks: &[&str]) -> CandidateQuery {
        CandidateQuery {
            chunks: chunks
                .iter()
                .map(|c| c.split(' ').map(String::from).collect())
                .collect(),
            limit: 16,
            ..Default::default()
        }
    }

    #[test]
    fn the_words_are_matched_and_the_longest_chunks_are_phrases() {
        let body = search_body(
            &q(&["we will", "not withdraw our", "troops from iraq", "now"]),
            "body",
            10,
        )
        .unwrap();
        assert_eq!(
            body,
            json!({
                "size": 10, "_source": false, "track_total_hits": false,
                "query": { "bool": { "minimum_should_match": 1, "should": [
                    { "match": { "body": { "query": "from iraq not now our troops we will withdraw" } } },
                    { "match_phrase": { "body": { "query": "not withdraw our", "slop": 2, "boost": 2.0 } } },
                    { "match_phrase": { "body": { "query": "troops from iraq", "slop": 2, "boost": 2.0 } } },
                    { "match_phrase": { "body": { "query": "we will", "slop": 2, "boost": 2.0 } } }
                ] } }
            })
        );
    }

    #[test]
    fn a_quotation_without_words_asks_nothing() {
        assert!(search_body(&q(&[]), "text", 10).is_none());
    }
}
