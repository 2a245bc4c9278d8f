//! `sourced check --format html`: the page of the sample note (counts, rows in note order,
//! the word diff, source names and links), its outline as a snapshot, and escaping of
//! everything that comes from notes and sources. The page in a browser: tests/vscode/report.mjs.

mod common;

use common::sourced;
use html5gum::{DefaultEmitter, Token, Tokenizer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A workspace in a temp folder: the seeds, the sample note, a sourced.toml.
fn workspace() -> tempfile::TempDir {
    common::sample_workspace()
}

/// `sourced check ARGS --format FORMAT` in `dir`: its standard output, after checking the
/// exit code.
fn check(dir: &Path, args: &[&str], format: &str, code: i32) -> String {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", format]);
    let out = sourced(dir, &all);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// An element of the page, as the tokenizer reads it (the page is well formed: every
/// element but the void ones is closed).
#[derive(Debug, Default)]
struct Element {
    tag: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
}

const VOID: &[&str] = &["meta", "br", "img", "input", "link", "hr"];

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The page as a tree, its text with character references decoded.
fn parse(html: &str) -> Element {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut stack = vec![Element {
        tag: "#document".into(),
        ..Element::default()
    }];
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(t) => {
                let e = Element {
                    tag: lossy(&t.name),
                    attrs: t
                        .attributes
                        .iter()
                        .map(|(k, v)| (lossy(k), lossy(&v.value)))
                        .collect(),
                    children: Vec::new(),
                };
                if VOID.contains(&e.tag.as_str()) || t.self_closing {
                    stack.last_mut().unwrap().children.push(Node::Element(e));
                } else {
                    stack.push(e);
                }
            }
            Token::EndTag(t) => {
                let e = stack.pop().unwrap();
                assert_eq!(e.tag, lossy(&t.name), "mis-nested </{}>", e.tag);
                stack.last_mut().unwrap().children.push(Node::Element(e));
            }
            Token::String(s) => stack
                .last_mut()
                .unwrap()
                .children
                .push(Node::Text(lossy(&s.value))),
            _ => {}
        }
    }
    assert_eq!(
        stack.len(),
        1,
        "unclosed elements: {:?}",
        stack[1..].iter().map(|e| &e.tag).collect::<Vec<_>>()
    );
    stack.pop().unwrap()
}

impl Element {
    fn class(&self) -> &str {
        self.attrs.get("class").map_or("", String::as_str)
    }

    fn has_class(&self, c: &str) -> bool {
        self.class().split_whitespace().any(|x| x == c)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    fn text(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            match c {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) => s.push_str(&e.text()),
            }
        }
        s
    }

    /// Every element below this one, in document order.
    fn all(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        for c in &self.children {
            if let Node::Element(e) = c {
                out.push(e);
                out.extend(e.all());
            }
        }
        out
    }

    fn find_all(&self, pred: impl Fn(&Element) -> bool) -> Vec<&Element> {
        self.all().into_iter().filter(|e| pred(e)).collect()
    }

    fn first(&self, pred: impl Fn(&Element) -> bool) -> &Element {
        self.all()
            .into_iter()
            .find(|e| pred(e))
            .expect("an element")
    }
}

/// The page's outline: one line an element, indented by depth: tag, classes, `data-verdict`,
/// `open`, and the text of headings, badges, buttons, places, verdict messages and diff words. No passage or quotation
/// text: the snapshot is of the structure.
fn outline(e: &Element, depth: usize, out: &mut String) {
    const TEXT_OF: &[&str] = &["title", "h1", "h2", "summary", "button", "del", "ins"];
    const SKIP: &[&str] = &["style", "script"];
    for c in &e.children {
        let Node::Element(c) = c else { continue };
        let mut line = format!("{}{}", "  ".repeat(depth), c.tag);
        for class in c.class().split_whitespace() {
            line.push('.');
            line.push_str(class);
        }
        if let Some(v) = c.attr("data-verdict") {
            line.push_str(&format!("[{v}]"));
        }
        if c.attrs.contains_key("open") {
            line.push_str("[open]");
        }
        let shows_text = TEXT_OF.contains(&c.tag.as_str())
            || ["badge", "at", "n", "message"]
                .iter()
                .any(|k| c.has_class(k));
        if shows_text {
            line.push_str(": ");
            line.push_str(c.text().trim());
        }
        out.push_str(&line);
        out.push('\n');
        if !shows_text && !SKIP.contains(&c.tag.as_str()) {
            outline(c, depth + 1, out);
        }
    }
}

/// The rows of the page: (verdict, place, quotation or citation).
fn rows(page: &Element) -> Vec<(String, String, String)> {
    page.find_all(|e| e.has_class("row"))
        .into_iter()
        .map(|r| {
            let quoted = r
                .all()
                .into_iter()
                .find(|e| e.has_class("quote-text") || e.tag == "code")
                .map(|e| e.text())
                .unwrap_or_default();
            (
                r.attr("data-verdict").unwrap_or("").to_string(),
                r.first(|e| e.has_class("at")).text(),
                quoted,
            )
        })
        .collect()
}

#[test]
fn the_sample_notes_page_shows_counts_rows_in_order_diffs_and_sources() {
    let ws = workspace();
    let html = check(ws.path(), &["examples/notes.md"], "html", 1);
    let page = parse(&html);

    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
    let counts: Vec<(String, String)> = page
        .find_all(|e| e.tag == "li" && e.all().iter().any(|b| b.has_class("badge")))
        .into_iter()
        .map(|li| {
            (
                li.first(|e| e.has_class("badge")).text(),
                li.first(|e| e.has_class("n")).text(),
            )
        })
        .collect();
    let expected = [
        ("verified", "7"),
        ("mismatch", "3"),
        ("not found", "1"),
        ("misattributed", "1"),
        ("wrong speaker", "0"),
        ("too long", "0"),
        ("unknown citation", "0"),
    ];
    assert_eq!(
        counts,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );

    // Each quotation of the note, in note order, with its verdict: as the JSON report says.
    let json: Value =
        serde_json::from_str(&check(ws.path(), &["examples/notes.md"], "json", 1)).unwrap();
    let from_json: Vec<(String, String, String)> = json["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["status"].as_str().unwrap().to_string(),
                format!("examples/notes.md:{}:{}", q["line"], q["column"]),
                q["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let rows = rows(&page);
    assert_eq!(rows, from_json);
    let verdicts: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        verdicts,
        [
            "verified",
            "verified",
            "verified",
            "verified",
            "verified",
            "verified",
            "verified",
            "mismatch",
            "mismatch",
            "mismatch",
            "misattributed",
            "not-found"
        ]
    );
    assert!(rows[7].2.starts_with("The 5,000 troops"), "{:?}", rows[7]);

    // The changed number: the source's word struck, the note's inserted, in that row.
    let mismatch = page.find_all(|e| e.has_class("row"))[7];
    let diff = mismatch.first(|e| e.has_class("diff"));
    let changed: Vec<(String, String)> = diff
        .find_all(|e| e.tag == "del" || e.tag == "ins")
        .into_iter()
        .map(|e| (e.tag.clone(), e.text()))
        .collect();
    assert_eq!(
        changed[2..],
        [
            ("del".to_string(), "2,500".to_string()),
            ("ins".to_string(), "5,000".to_string())
        ],
        "the first two are the legend"
    );
    assert!(html.contains("<del>2,500</del><ins>5,000</ins>"));
    // The matched words are marked in the source passage.
    let matched = json["quotes"][7]["source"]["text"].as_str().unwrap();
    assert!(matched.starts_with("The 2,500 troops"), "{matched}");
    assert_eq!(mismatch.first(|e| e.tag == "mark").text(), matched);

    // The source by its title, linked; its place.
    let source = mismatch.first(|e| e.has_class("source"));
    let name = source.first(|e| e.tag == "a");
    assert_eq!(name.text(), "Iraq Wants to Kick Out US Troops");
    assert_eq!(name.attr("href"), Some("seeds/003_0afb694efec83e04.txt"));
    assert_eq!(
        source.first(|e| e.has_class("where")).text(),
        "seeds/003_0afb694efec83e04.txt:15:141"
    );
    // A byline where the source has one.
    let first = page.find_all(|e| e.has_class("row"))[0];
    assert_eq!(
        first.first(|e| e.has_class("byline")).text(),
        "Tony Cartalucci, March 17, 2020"
    );

    // Every link is to a note or seed file of the workspace, relative to where the check ran.
    let hrefs: Vec<&str> = page
        .find_all(|e| e.tag == "a")
        .into_iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert!(hrefs.contains(&"examples/notes.md"));
    for seed in [
        "000_3ed32749fd57da32",
        "001_b9529bda20c132ef",
        "002_d0918e3d7f8dfafe",
        "003_0afb694efec83e04",
    ] {
        assert!(
            hrefs.contains(&format!("seeds/{seed}.txt").as_str()),
            "{seed}: {hrefs:?}"
        );
    }
    for h in &hrefs {
        assert!(
            ws.path().join(h).is_file(),
            "{h} is not a file of the workspace"
        );
    }

    // The same report gives the same page.
    assert_eq!(check(ws.path(), &["examples/notes.md"], "html", 1), html);
}

#[test]
fn the_page_outline_of_the_sample_note() {
    let ws = workspace();
    let html = check(ws.path(), &["examples/notes.md"], "html", 1);
    let mut out = String::new();
    outline(&parse(&html), 0, &mut out);
    insta::assert_snapshot!("html_outline", out);
}

#[test]
fn nothing_from_notes_or_sources_becomes_markup() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("sources")).unwrap();
    std::fs::write(ws.join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    // The title and author in front matter; the body's markup written as character
    // references, which the source's text holds as the characters themselves.
    std::fs::write(
        ws.join("sources/evil.txt"),
        "---\ntitle: \"Minutes <script>alert(1)</script> of the council\"\n\
         author: x\"><img src=x onerror=alert(1)>\ndate: 2024-01-05\n---\n\
         The council minutes record that &lt;script&gt;alert(1)&lt;/script&gt; and \
         \"&gt;&lt;img src=x onerror=alert(1)&gt; were typed into the public comment form by \
         a visitor.\n",
    )
    .unwrap();
    // The note's name and its quotations hold markup too (backslash-escaped in Markdown, so
    // the quotation's text holds `<script>`); one cites a `javascript:` link, one a web page
    // whose address holds markup.
    let note = "x\"><svg onload=alert(1)>.md";
    std::fs::write(
        ws.join(note),
        "# Notes\n\n\
         “The council minutes record that \\<script\\>alert(1)\\</script\\> and \"\\>\\<img src=x \
         onerror=alert(1)\\> were typed into the public comment form” [x](javascript:alert(1)).\n\n\
         “The council minutes record that the form was typed into by a visitor” [@evil].\n\n\
         “The council minutes record that the form was typed into by a visitor” \
         [x](https://example.com/\"><script>alert(1)</script>).\n\n\
         “were typed into the public comment form by a visitor”.\n",
    )
    .unwrap();
    let html = check(ws, &[note], "html", 1);
    let page = parse(&html);

    // Rows in note order, the unknown citation after the quotation it follows.
    let places: Vec<(String, String)> = rows(&page).into_iter().map(|r| (r.0, r.1)).collect();
    let at = |line: &str| format!("{note}:{line}");
    assert_eq!(
        places,
        [
            ("verified".to_string(), at("3:2")),
            ("not-found".to_string(), at("5:2")),
            ("not-found".to_string(), at("7:2")),
            ("unknown-citation".to_string(), at("7:73")),
            ("verified".to_string(), at("9:2")),
        ]
    );

    // The strings are there, as text.
    let quote = page.first(|e| e.has_class("quote-text")).text();
    assert_eq!(
        quote,
        "The council minutes record that <script>alert(1)</script> and \"><img src=x onerror=alert(1)> were typed into the public comment form"
    );
    assert_eq!(
        page.first(|e| e.tag == "mark").text(),
        quote,
        "the passage marks the matched words"
    );
    let source = page.first(|e| e.has_class("source"));
    assert_eq!(
        source.first(|e| e.tag == "a").text(),
        "Minutes <script>alert(1)</script> of the council"
    );
    assert_eq!(
        source.first(|e| e.has_class("byline")).text(),
        "x\"><img src=x onerror=alert(1)>, 2024-01-05"
    );
    assert_eq!(page.first(|e| e.tag == "h2").text(), note);
    let unknown = page.first(|e| e.attr("data-verdict") == Some("unknown-citation"));
    assert_eq!(
        unknown.first(|e| e.tag == "code").text(),
        "https://example.com/\"><script>alert(1)</script>"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));

    // None of it as markup: one script (the page's own), no image or SVG, no event handler
    // attribute, no link with a scheme other than http(s) and file.
    let tags: Vec<&str> = page.all().iter().map(|e| e.tag.as_str()).collect();
    assert_eq!(tags.iter().filter(|t| **t == "script").count(), 1);
    assert!(!tags.contains(&"img") && !tags.contains(&"svg"), "{tags:?}");
    for e in page.all() {
        for name in e.attrs.keys() {
            assert!(!name.starts_with("on"), "<{} {name}=…>", e.tag);
        }
    }
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.to_lowercase().contains("href=\"javascript:"));
    assert!(!html.contains("<img") && !html.contains("<svg"));
    // `onerror=` appears only as the text it was, after an escaped `<img`.
    assert_eq!(
        html.matches("onerror=").count(),
        html.matches("&lt;img src=x onerror=").count()
    );
    for a in page.find_all(|e| e.tag == "a") {
        let href = a.attr("href").unwrap();
        let scheme = href
            .split_once(':')
            .map(|(s, _)| s)
            .filter(|s| !s.contains('/'));
        assert!(
            matches!(scheme, None | Some("http" | "https" | "file")),
            "{href}"
        );
    }
    // The note's own link is to its file, its name percent-encoded.
    assert_eq!(
        page.first(|e| e.tag == "h2")
            .first(|e| e.tag == "a")
            .attr("href"),
        Some("x%22%3E%3Csvg%20onload%3Dalert%281%29%3E.md")
    );
}

#[test]
fn a_note_without_quotations_gives_a_page_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("sources")).unwrap();
    std::fs::write(ws.join("sourced.toml"), "sources = [\"sources\"]\n").unwrap();
    std::fs::write(ws.join("sources/a.txt"), "Some source text here.\n").unwrap();
    std::fs::write(ws.join("note.md"), "# Nothing quoted\n\nJust prose.\n").unwrap();
    let page = parse(&check(ws, &["note.md"], "html", 0));
    assert!(page.find_all(|e| e.has_class("row")).is_empty());
    assert!(
        page.find_all(|e| e.attr("id") == Some("filters"))
            .is_empty(),
        "no filters without rows"
    );
    assert_eq!(
        page.first(|e| e.tag == "main").text().trim(),
        "No quotations in the notes checked."
    );
}
