//! SARIF 2.1.0 for GitHub code scanning: one rule per verdict, one result per quote that is
//! not verified, the source location as a related location (and, for a wrong speaker, the
//! source's attribution as a second one).

use super::report::{QuoteReport, Report};
use serde_json::{json, Value};

fn rule(id: &str, name: &str, text: &str, level: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "shortDescription": { "text": text },
        "fullDescription": { "text": text },
        "defaultConfiguration": { "level": level },
    })
}

fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    json!({ "startLine": line.max(1), "startColumn": column.max(1), "endLine": end_line.max(1), "endColumn": end_column.max(1) })
}

/// A stable fingerprint of a quote: its file and normalised text.
fn fingerprint(q: &QuoteReport) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    q.file.hash(&mut h);
    crate::text::normalize(&q.text).text.hash(&mut h);
    format!("{:016x}", h.finish())
}

pub fn render(report: &Report) -> String {
    let mut results = Vec::new();
    for q in &report.quotes {
        let Some(level) = q.level() else { continue };
        let rule_id = q.status.as_str();
        let message = q.message();
        let mut result = json!({
            "ruleId": rule_id,
            "level": level,
            "message": { "text": message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": q.file.replace('\\', "/") },
                    "region": region(q.line, q.column, q.end_line, q.end_column),
                }
            }],
            "partialFingerprints": { "sourcedQuote/v1": fingerprint(q) },
        });
        if let Some(s) = &q.source {
            result["relatedLocations"] = json!([{
                "id": 1,
                "message": { "text": s.title.clone().unwrap_or_else(|| "source".into()) },
                "physicalLocation": {
                    "artifactLocation": { "uri": s.path.replace('\\', "/") },
                    "region": region(s.line, s.column, s.end_line, s.end_column),
                }
            }]);
        }
        if q.status == crate::quotes::verdict::Status::WrongSpeaker {
            if let Some(e) = &q.speaker.evidence {
                let related = json!({
                    "id": 2,
                    "message": { "text": format!("the source's attribution: {}", e.text) },
                    "physicalLocation": {
                        "artifactLocation": { "uri": e.path.replace('\\', "/") },
                        "region": { "startLine": e.line.max(1), "startColumn": e.column.max(1) },
                    }
                });
                match result["relatedLocations"].as_array_mut() {
                    Some(list) => list.push(related),
                    None => result["relatedLocations"] = json!([related]),
                }
            }
            result["properties"] = json!({ "speaker": q.speaker });
        }
        results.push(result);
    }
    for u in &report.unknown_citations {
        results.push(json!({
            "ruleId": "unknown-citation",
            "level": "warning",
            "message": { "text": u.message },
            "properties": { "kind": u.kind },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": u.file.replace('\\', "/") },
                    "region": region(u.line, u.column, u.end_line, u.end_column),
                }
            }],
        }));
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sourced",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": [
                    rule("not-found", "QuoteNotFound", "A quotation was not found in the sources.", "error"),
                    rule("mismatch", "QuoteMismatch", "A quotation differs from the source's wording.", "warning"),
                    rule("misattributed", "QuoteMisattributed", "A quotation is cited to a source that does not contain it.", "warning"),
                    rule("wrong-speaker", "QuoteWrongSpeaker", "A quotation's words are in the source, but the source gives them to another speaker than the note does.", "warning"),
                    rule("too-long", "QuoteTooLong", "A quotation is too long for sourced to check.", "warning"),
                    rule("unknown-citation", "UnknownCitation", "A citation names no source: a key in no bibliography and of no source, a bibliography entry none of whose files, DOI or URL is a source, a link to a missing file, or a link to a web page no source captured.", "warning"),
                ],
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
