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

/// Word positions a chunk, a pair of adjacent chunks and the whole quotation may stretch by
/// as phrases (an inserted or dropped word, a bracketed insertion, keeps them).
pub const CHUNK_SLOP: u32 = 1;
pub const PAIR_SLOP: u32 = 3;
pub const WHOLE_SLOP: u32 = 4;

/// The `_search` body for the `size` best documents holding the quotation, only ids and
/// scores returned. A document is scored as an article, not as a passage, so the quotation's
/// word order must weigh most: a long article holds many of any quotation's words, and in an
/// archive of reporting on the same events many articles hold its three-word runs. So:
/// the whole quotation as a phrase (boost 8), the whole quotation but one chunk, once for
/// each chunk (6), each pair of adjacent chunks (4), each chunk (2), all with a little slop,
/// and its words (1) for a quotation altered past every phrase. A quotation copied word for
/// word then ranks its source first; one with a word changed, added or dropped still
/// matches its source on a phrase nearly as long as itself.
pub fn search_body(q: &CandidateQuery, field: &str, size: usize) -> Option<Value> {
    let mut words: Vec<&str> = q.chunks.iter().flatten().map(String::as_str).collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        return None;
    }
    let phrase = |words: &[&Vec<String>], slop: u32, boost: f32| {
        let text: Vec<&str> = words
            .iter()
            .flat_map(|c| c.iter().map(String::as_str))
            .collect();
        json!({ "match_phrase": { field: {
            "query": text.join(" "), "slop": slop, "boost": boost
        } } })
    };
    let chunks: Vec<&Vec<String>> = q.chunks.iter().filter(|c| !c.is_empty()).collect();
    let mut should = vec![json!({ "match": { field: { "query": words.join(" ") } } })];
    if chunks.len() > 1 {
        should.push(phrase(&chunks, WHOLE_SLOP, 8.0));
    }
    if chunks.len() > 2 {
        // The whole quotation but one chunk, that chunk's words allowed to differ: a word
        // changed, added or dropped anywhere leaves one of these matching its source.
        should.extend((0..chunks.len()).map(|skip| {
            let rest: Vec<&Vec<String>> = chunks
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| *c)
                .collect();
            phrase(&rest, chunks[skip].len() as u32 + WHOLE_SLOP, 6.0)
        }));
        should.extend(chunks.windows(2).map(|pair| phrase(pair, PAIR_SLOP, 4.0)));
    }
    should.extend(
        chunks
            .iter()
            .filter(|c| c.len() > 1)
            .map(|c| phrase(std::slice::from_ref(c), CHUNK_SLOP, 2.0)),
    );
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
    fn the_whole_quotation_its_chunk_pairs_and_chunks_are_phrases_and_its_words_terms() {
        let body = search_body(
            &q(&["we will", "not withdraw our", "troops from iraq", "now"]),
            "body",
            10,
        )
        .unwrap();
        let phrase = |text: &str, slop: u32, boost: f32| json!({ "match_phrase": { "body": { "query": text, "slop": slop, "boost": boost } } });
        assert_eq!(
            body,
            json!({
                "size": 10, "_source": false, "track_total_hits": false,
                "query": { "bool": { "minimum_should_match": 1, "should": [
                    { "match": { "body": { "query": "from iraq not now our troops we will withdraw" } } },
                    phrase("we will not withdraw our troops from iraq now", 4, 8.0),
                    phrase("not withdraw our troops from iraq now", 6, 6.0),
                    phrase("we will troops from iraq now", 7, 6.0),
                    phrase("we will not withdraw our now", 7, 6.0),
                    phrase("we will not withdraw our troops from iraq", 5, 6.0),
                    phrase("we will not withdraw our", 3, 4.0),
                    phrase("not withdraw our troops from iraq", 3, 4.0),
                    phrase("troops from iraq now", 3, 4.0),
                    phrase("we will", 1, 2.0),
                    phrase("not withdraw our", 1, 2.0),
                    phrase("troops from iraq", 1, 2.0)
                ] } }
            })
        );
    }

    #[test]
    fn a_quotation_without_words_asks_nothing() {
        assert!(search_body(&q(&[]), "text", 10).is_none());
    }
}
