//! HTML to visible text with an offset map, using the `html5gum` tokenizer (WHATWG
//! compliant, byte spans). Scripts, styles, navigation, footers, forms and the `<head>`
//! are dropped; block elements start new blocks; entities map back to their bytes.

use super::markdown::{Block, BlockKind, Document, Link};
use super::offsets::OffsetMap;
use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};
use std::ops::Range;

/// Metadata found in `<title>` and `<meta>` tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlMeta {
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub publisher: Option<String>,
    /// `citation_doi`, or a `dc.identifier` that holds a DOI (as written).
    pub doi: Option<String>,
}

/// Elements whose content is never visible text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "head", "nav", "footer", "aside", "form",
    "button", "iframe", "select", "object",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "blockquote",
    "pre",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "body",
    "html",
];

fn name(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

/// Parse an HTML document into blocks of visible text plus its metadata.
pub fn parse(src: &str) -> (Document, HtmlMeta) {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let mut meta = HtmlMeta::default();
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let mut hidden: Vec<String> = Vec::new();
    let mut in_title = false;
    let mut title = String::new();
    let mut kind = BlockKind::Paragraph;
    let mut quote_depth: Vec<usize> = Vec::new();
    let mut next_quote = 0;
    let mut open_link: Option<(usize, String)> = None;
    // The raw text of the `<script type="application/ld+json">` being read, and what the
    // scripts read so far say about the article.
    let mut ld_json: Option<String> = None;
    let mut structured = HtmlMeta::default();

    let finish = |current: &mut Option<Block>, blocks: &mut Vec<Block>| {
        if let Some(b) = current.take() {
            if !b.text.trim().is_empty() {
                blocks.push(b);
            }
        }
    };

    for token in Tokenizer::new_with_emitter(src, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let n = name(&tag.name);
                if n == "title" {
                    in_title = true;
                } else if n == "script" {
                    let kind = tag.attributes.get(b"type".as_slice()).map(|v| {
                        String::from_utf8_lossy(&v.value)
                            .trim()
                            .to_ascii_lowercase()
                    });
                    if kind.as_deref() == Some("application/ld+json") {
                        ld_json = Some(String::new());
                    }
                } else if n == "meta" {
                    let attr = |k: &str| {
                        tag.attributes
                            .get(k.as_bytes())
                            .map(|v| String::from_utf8_lossy(&v.value).into_owned())
                    };
                    let key = attr("name")
                        .or_else(|| attr("property"))
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    if let Some(content) = attr("content").filter(|c| !c.trim().is_empty()) {
                        match key.as_str() {
                            "author" | "article:author" | "dc.creator" => {
                                meta.author.get_or_insert(content)
                            }
                            "date" | "article:published_time" | "dc.date" | "pubdate" => {
                                meta.date.get_or_insert(content)
                            }
                            "og:site_name" | "publisher" => meta.publisher.get_or_insert(content),
                            "og:title" => meta.title.get_or_insert(content),
                            "citation_doi" => meta.doi.get_or_insert(content),
                            "dc.identifier" if content.contains("10.") => {
                                meta.doi.get_or_insert(content)
                            }
                            _ => continue,
                        };
                    }
                }
                if HIDDEN.contains(&n.as_str()) && !tag.self_closing {
                    hidden.push(n);
                    continue;
                }
                if n == "a" {
                    let href = tag
                        .attributes
                        .get(b"href".as_slice())
                        .map(|v| String::from_utf8_lossy(&v.value).into_owned());
                    let at = current.as_ref().map_or(0, |b| b.text.len());
                    open_link = href.map(|h| (at, h));
                } else if BLOCKS.contains(&n.as_str()) {
                    finish(&mut current, &mut blocks);
                    kind = if n.len() == 2 && n.starts_with('h') && n != "hr" {
                        BlockKind::Heading
                    } else if n == "pre" {
                        BlockKind::Code
                    } else {
                        BlockKind::Paragraph
                    };
                    if n == "blockquote" {
                        quote_depth.push(next_quote);
                        next_quote += 1;
                    }
                }
            }
            Token::EndTag(tag) => {
                let n = name(&tag.name);
                if n == "title" {
                    in_title = false;
                }
                if n == "script" {
                    if let Some(json) = ld_json.take() {
                        json_ld::merge(&json, &mut structured);
                    }
                }
                if let Some(pos) = hidden.iter().rposition(|h| *h == n) {
                    hidden.truncate(pos);
                    continue;
                }
                if n == "a" {
                    if let (Some((start, dest)), Some(b)) = (open_link.take(), current.as_mut()) {
                        let end = b.text.len();
                        if start <= end {
                            b.links.push(Link {
                                text: start..end,
                                dest,
                            });
                        }
                    }
                } else if BLOCKS.contains(&n.as_str()) {
                    finish(&mut current, &mut blocks);
                    kind = BlockKind::Paragraph;
                    if n == "blockquote" {
                        quote_depth.pop();
                    }
                }
            }
            Token::String(s) => {
                let decoded = String::from_utf8_lossy(&s.value);
                if in_title {
                    title.push_str(&decoded);
                }
                if let Some(json) = ld_json.as_mut() {
                    // Script data: the tokenizer gives it raw (no entities decoded).
                    json.push_str(&decoded);
                }
                if !hidden.is_empty() {
                    continue;
                }
                let span = s.span.start.min(src.len())..s.span.end.min(src.len());
                let block = current.get_or_insert_with(|| Block {
                    kind,
                    blockquote: quote_depth.last().copied(),
                    text: String::new(),
                    map: OffsetMap::new(),
                    links: Vec::new(),
                    code_spans: Vec::new(),
                    line_starts: vec![0],
                    strong: Vec::new(),
                });
                block.text.push_str(&decoded);
                map_decoded(&mut block.map, &decoded, src, span);
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    finish(&mut current, &mut blocks);
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if !title.is_empty() {
        meta.title = Some(title);
    }
    // JSON-LD is the publisher's structured data about the article itself, where `<title>`
    // often carries the site's name and meta tags are written for social previews: its
    // headline, author and date win; its publisher fills in only when no meta tag names one.
    meta.title = structured.title.or(meta.title);
    meta.author = structured.author.or(meta.author);
    meta.date = structured.date.or(meta.date);
    meta.publisher = meta.publisher.or(structured.publisher);
    (
        Document {
            blocks,
            front_matter: None,
        },
        meta,
    )
}

/// Map `decoded` (text the tokenizer produced) back to `raw_range` of `src`, character by
/// character: equal characters map one to one, an entity maps to its whole `&…;`.
fn map_decoded(map: &mut OffsetMap, decoded: &str, src: &str, raw_range: Range<usize>) {
    let raw = &src[raw_range.clone()];
    if raw == decoded {
        map.push_copy(raw_range.start, decoded.len());
        return;
    }
    let base = raw_range.start;
    let (mut i, mut j) = (0, 0);
    let rb = raw.as_bytes();
    while j < decoded.len() {
        let dc = decoded[j..].chars().next().expect("boundary");
        if i >= raw.len() {
            map.push_replaced(decoded.len() - j, base + raw.len()..base + raw.len());
            return;
        }
        let rc = raw[i..].chars().next().expect("boundary");
        if rb[i] == b'&' {
            let len = entity_len(&raw[i..]);
            if len > 1 && !decoded[j..].starts_with(&raw[i..i + len]) {
                map.push_replaced(dc.len_utf8(), base + i..base + i + len);
                i += len;
                j += dc.len_utf8();
                continue;
            }
        }
        if rc == dc {
            map.push_copy(base + i, dc.len_utf8());
            i += rc.len_utf8();
            j += dc.len_utf8();
        } else if rc == '\r' && dc == '\n' {
            let len = if raw[i..].starts_with("\r\n") { 2 } else { 1 };
            map.push_replaced(1, base + i..base + i + len);
            i += len;
            j += 1;
        } else {
            // Out of step (should not happen): the rest stands for the rest.
            map.push_replaced(decoded.len() - j, base + i..raw_range.end);
            return;
        }
    }
}

/// Length of a character reference at the start of `s` (`&amp;`, `&#8217;`, `&#x2019;`), or 0.
fn entity_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 1;
    if b.get(1) == Some(&b'#') {
        i = 2;
        if matches!(b.get(2), Some(b'x' | b'X')) {
            i = 3;
        }
    }
    let start = i;
    while i < b.len() && i < 40 && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    if i == start {
        return 0;
    }
    if b.get(i) == Some(&b';') {
        i += 1;
    }
    i
}

/// JSON-LD (`<script type="application/ld+json">`) about the article: the first node of
/// `@type` NewsArticle, Article, ReportageNewsArticle or BlogPosting (`@type` may be a list,
/// or a full schema.org URL), in an object, an array, or an `@graph`. Its `headline` is the
/// title, its `author` (a name, a Person, or a list of them, joined with ", "), its
/// `datePublished` the date and its `publisher`'s name the publisher. A reference to a node
/// (`{"@id": …}`) is looked up in the same script. JSON that does not parse is ignored.
mod json_ld {
    use super::HtmlMeta;
    use serde_json::Value;
    use std::collections::HashMap;

    const ARTICLE_TYPES: &[&str] = &[
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "BlogPosting",
    ];

    /// Fill what `meta` lacks from the article node of `json`, if it has one.
    pub(super) fn merge(json: &str, meta: &mut HtmlMeta) {
        let json = json.trim();
        // Some sites wrap the JSON in an HTML comment or CDATA markers.
        let json = json
            .trim_start_matches("<!--")
            .trim_start_matches("//<![CDATA[")
            .trim_end_matches("-->")
            .trim_end_matches("//]]>")
            .trim();
        let Ok(root) = serde_json::from_str::<Value>(json) else {
            return;
        };
        let mut nodes = Vec::new();
        collect(&root, &mut nodes, 0);
        let ids: HashMap<&str, &Value> = nodes
            .iter()
            .filter_map(|n| Some((n.get("@id")?.as_str()?, *n)))
            .collect();
        let Some(article) = nodes.iter().find(|n| is_article(n)) else {
            return;
        };
        let resolve = |v: &'_ Value| -> Value {
            match v
                .get("@id")
                .and_then(Value::as_str)
                .and_then(|id| ids.get(id))
            {
                Some(found) if v.as_object().is_some_and(|o| o.len() == 1) => (*found).clone(),
                _ => v.clone(),
            }
        };
        if meta.title.is_none() {
            meta.title = article.get("headline").and_then(text);
        }
        if meta.author.is_none() {
            meta.author = article.get("author").and_then(|a| names(a, &resolve));
        }
        if meta.date.is_none() {
            meta.date = article.get("datePublished").and_then(text);
        }
        if meta.publisher.is_none() {
            meta.publisher = article.get("publisher").and_then(|p| names(p, &resolve));
        }
    }

    /// Every object in `v`, through arrays and `@graph`, depth first (bounded: JSON from a
    /// page can nest without end).
    fn collect<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        if depth > 16 {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| collect(i, out, depth + 1)),
            Value::Object(o) => {
                out.push(v);
                if let Some(graph) = o.get("@graph") {
                    collect(graph, out, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn is_article(node: &Value) -> bool {
        let named = |t: &Value| {
            t.as_str().is_some_and(|t| {
                let short = t.rsplit(['/', ':', '#']).next().unwrap_or(t);
                ARTICLE_TYPES.contains(&short)
            })
        };
        match node.get("@type") {
            Some(Value::Array(types)) => types.iter().any(named),
            Some(t) => named(t),
            None => false,
        }
    }

    /// A non-empty string, whitespace collapsed.
    fn text(v: &Value) -> Option<String> {
        let s = v.as_str()?.split_whitespace().collect::<Vec<_>>().join(" ");
        (!s.is_empty()).then_some(s)
    }

    /// A name, a node's `name`, or a list of them joined with ", ".
    fn names(v: &Value, resolve: &dyn Fn(&Value) -> Value) -> Option<String> {
        let one = |v: &Value| -> Option<String> {
            match v {
                Value::String(_) => text(v),
                Value::Object(_) => resolve(v).get("name").and_then(text),
                _ => None,
            }
        };
        let found: Vec<String> = match v {
            Value::Array(items) => items.iter().filter_map(one).collect(),
            _ => one(v).into_iter().collect(),
        };
        (!found.is_empty()).then(|| found.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_skips_scripts_and_maps_entities() {
        let src = "<html><head><title>The  Title</title><meta name=\"author\" content=\"Ann Lee\"><script>var x=1;</script></head>\
                   <body><nav>Menu</nav><h1>Head</h1><p>Fish &amp; chips&#8217; <a href=\"a.md\">here</a>.</p><footer>Foot</footer></body></html>";
        let (doc, meta) = parse(src);
        let (text, map) = doc.joined();
        assert_eq!(text, "Head\n\nFish & chips’ here.");
        assert_eq!(meta.title.as_deref(), Some("The Title"));
        assert_eq!(meta.author.as_deref(), Some("Ann Lee"));
        let amp = text.find('&').unwrap();
        assert_eq!(&src[map.range(amp..amp + 1)], "&amp;");
        let q = text.find('’').unwrap();
        assert_eq!(&src[map.range(q..q + '’'.len_utf8())], "&#8217;");
        let here = text.find("here").unwrap();
        assert_eq!(&src[map.range(here..here + 4)], "here");
        assert_eq!(doc.blocks[1].links[0].dest, "a.md");
    }

    fn ld(json: &str) -> HtmlMeta {
        let src = format!(
            "<html><head><title>Site | Page</title>\
             <meta property=\"og:title\" content=\"OG title\">\
             <meta name=\"author\" content=\"Meta Author\">\
             <meta property=\"article:published_time\" content=\"2020-01-01\">\
             <meta property=\"og:site_name\" content=\"OG Site\">\
             <script type=\"application/ld+json\">{json}</script></head>\
             <body><p>Body text.</p></body></html>"
        );
        let (doc, meta) = parse(&src);
        assert_eq!(
            doc.joined().0,
            "Body text.",
            "the script is not visible text"
        );
        meta
    }

    #[test]
    fn json_ld_article_wins_over_meta_tags_with_an_author_object() {
        let meta = ld(r#"{"@context":"https://schema.org","@type":"NewsArticle",
            "headline":"The &amp; real   headline","author":{"@type":"Person","name":"Ann Lee"},
            "datePublished":"2024-03-05","publisher":{"@type":"Organization","name":"The Paper"}}"#);
        assert_eq!(meta.title.as_deref(), Some("The &amp; real headline"));
        assert_eq!(meta.author.as_deref(), Some("Ann Lee"));
        assert_eq!(meta.date.as_deref(), Some("2024-03-05"));
        // og:site_name was there first: the publisher is not replaced.
        assert_eq!(meta.publisher.as_deref(), Some("OG Site"));
    }

    #[test]
    fn json_ld_authors_in_an_array_are_joined() {
        let meta = ld(r#"[{"@type":"WebSite","name":"Not this"},
            {"@type":["Article","ReportageNewsArticle"],"headline":"H",
             "author":[{"name":"Ann Lee"},"Bo Chen",{"@type":"Person"}]}]"#);
        assert_eq!(meta.title.as_deref(), Some("H"));
        assert_eq!(meta.author.as_deref(), Some("Ann Lee, Bo Chen"));
        // What the article node does not give, the meta tags still do.
        assert_eq!(meta.date.as_deref(), Some("2020-01-01"));
    }

    #[test]
    fn json_ld_in_a_graph_with_references_is_read() {
        let meta = ld(r##"{"@context":"https://schema.org","@graph":[
            {"@type":"Organization","@id":"#org","name":"Graph Press"},
            {"@type":"Person","@id":"#ann","name":"Ann Lee"},
            {"@type":"http://schema.org/BlogPosting","headline":"In a graph",
             "author":{"@id":"#ann"},"publisher":{"@id":"#org"},"datePublished":"2023-12-31"}]}"##);
        assert_eq!(meta.title.as_deref(), Some("In a graph"));
        assert_eq!(meta.author.as_deref(), Some("Ann Lee"));
        assert_eq!(meta.date.as_deref(), Some("2023-12-31"));
    }

    #[test]
    fn json_ld_fills_the_publisher_when_no_meta_tag_names_one() {
        let src = "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\
                   \"publisher\":{\"name\":\"The Paper\"}}</script></head><body></body></html>";
        assert_eq!(parse(src).1.publisher.as_deref(), Some("The Paper"));
    }

    #[test]
    fn json_ld_that_is_not_an_article_or_not_json_changes_nothing() {
        for json in [
            r#"{"@type":"WebPage","headline":"No","author":"Nobody"}"#,
            r#"{"@type":"NewsArticle","headline": "#,
            "",
        ] {
            let meta = ld(json);
            assert_eq!(meta.title.as_deref(), Some("Site | Page"), "{json}");
            assert_eq!(meta.author.as_deref(), Some("Meta Author"), "{json}");
        }
    }
}
