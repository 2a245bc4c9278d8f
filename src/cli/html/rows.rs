//! One row of the HTML report: a quotation (badge, place in the note, its words, the
//! verdict, the source and where in it, the source passage with the matched words marked,
//! the word diff, findings, the speaker check) or an unknown citation.
//!
//! Every row is an `<article class="row" data-verdict="ID">` (the filters hide rows by that
//! id); its first child is a `<header>` that starts with the verdict's badge.

use super::links;
use super::markup::Html;
use super::verdicts::{self, Verdict};
use crate::cli::report::{QuoteReport, SourceReport, UnknownCitationReport};
use crate::corpus::metadata::{byline_of, label_of};
use crate::quotes::verdict::{Op, Status};
use crate::speakers::SpeakerVerdict;
use std::ops::Range;

fn open_row(h: &mut Html, v: Verdict, file: &str, line: usize, column: usize) {
    h.open("article", &[("class", "row"), ("data-verdict", v.id)])
        .raw("\n<header>");
    badge(h, v);
    h.raw(" ").element(
        "span",
        &[("class", "at")],
        &format!("{file}:{line}:{column}"),
    );
}

/// A verdict's badge: its words on its colours.
pub fn badge(h: &mut Html, v: Verdict) {
    let class = format!("badge v-{}", v.id);
    h.element("span", &[("class", &class)], v.label);
}

/// What the verdict of a quotation means, in a line.
fn message(q: &QuoteReport) -> String {
    match q.status {
        Status::Verified => "quote found in the source".to_string(),
        Status::Mismatch => format!(
            "quote differs from the source ({:.0}% similar)",
            q.similarity * 100.0
        ),
        Status::NotFound => "quote not found in the sources".to_string(),
        Status::Misattributed => misattributed(q),
        Status::TooLong => crate::quotes::matcher::too_long_message(&q.text),
        Status::WrongSpeaker => crate::speakers::wrong_speaker_message(
            q.speaker.source.as_deref(),
            q.speaker.claimed.as_deref(),
        ),
    }
}

/// Why a quotation is misattributed: found in another source, or (cited by a link to a web
/// page) only in an older capture of that page.
fn misattributed(q: &QuoteReport) -> String {
    let cited = q.cited.as_deref().unwrap_or("?");
    let Some(s) = &q.source else {
        return format!("quote cited to {cited} but found in another source");
    };
    match &s.url {
        Some(url) if crate::corpus::url_key::same_page(url, cited) => format!(
            "quote not in the newest capture of {cited}: it is in the capture of {}; the page \
             changed since",
            s.captured.as_deref().unwrap_or("an unknown time")
        ),
        Some(url) => format!("quote cited to {cited} but found in {url}"),
        None => format!(
            "quote cited to {cited} but found in {}",
            label_of(s.title.as_deref(), &s.path)
        ),
    }
}

/// A quotation's row.
pub fn quotation(h: &mut Html, q: &QuoteReport) {
    open_row(h, verdicts::of(q.status), &q.file, q.line, q.column);
    h.raw(" ")
        .element("span", &[("class", "message")], &message(q))
        .raw("</header>\n")
        .element("blockquote", &[("class", "quote-text")], &q.text)
        .raw("\n");
    if !q.citations.is_empty() {
        h.raw("<p class=\"cited\"><span class=\"muted\">cited:</span> ")
            .text(&q.citations.join("; "))
            .raw("</p>\n");
    }
    if let Some(s) = &q.source {
        source(h, q, s);
    }
    if q.status != Status::Verified && !q.findings.is_empty() {
        h.raw("<ul class=\"why\">");
        for f in &q.findings {
            h.element("li", &[], &f.message);
        }
        h.raw("</ul>\n");
    }
    speaker(h, q);
    h.raw("</article>\n");
}

/// The source of a quotation (the closest passage for one not found): its name, byline and
/// place, linked; then the passage with the matched words marked, and the word diff.
fn source(h: &mut Html, q: &QuoteReport, s: &SourceReport) {
    let found = q.status != Status::NotFound;
    h.raw("<div class=\"source\">\n<p><span class=\"muted\">")
        .raw(if found { "source:" } else { "closest:" })
        .raw("</span> ")
        .element(
            "a",
            &[("href", &links::file(text_file(s)))],
            &label_of(s.title.as_deref(), &s.path),
        );
    let byline = byline_of(s.author.as_deref(), s.date.as_deref());
    if !byline.is_empty() {
        h.raw(" ").element("span", &[("class", "byline")], &byline);
    }
    h.raw("</p>\n<p class=\"where\">");
    place(h, s);
    h.raw("</p>\n</div>\n");

    let summary = if found {
        "Source passage".to_string()
    } else {
        format!("Closest passage ({:.0}% similar)", q.similarity * 100.0)
    };
    // Open where there is something to see; a verified quotation's passage on demand.
    let open = q.status != Status::Verified;
    h.raw(if open { "<details open>" } else { "<details>" })
        .element("summary", &[], &summary)
        .raw("\n<blockquote class=\"passage\">");
    match matched_range(&s.context, &s.text) {
        Some(r) => {
            h.text(&s.context[..r.start])
                .element("mark", &[], &s.context[r.clone()])
                .text(&s.context[r.end..]);
        }
        None => {
            h.text(&s.context);
        }
    }
    h.raw("</blockquote>\n");
    let shows_diff = matches!(
        q.status,
        Status::Mismatch | Status::Misattributed | Status::WrongSpeaker
    ) && q.diff.iter().any(|d| d.op != Op::Equal);
    if shows_diff {
        h.raw("<p class=\"diff\"><span class=\"muted\">differences (<del>source</del> <ins>note</ins>):</span> ");
        for (i, d) in q.diff.iter().enumerate() {
            if i > 0 {
                h.raw(" ");
            }
            if matches!(d.op, Op::Replace | Op::Delete) {
                h.element("del", &[], &d.source);
            }
            match d.op {
                Op::Equal => h.text(&d.note),
                Op::Replace | Op::Insert => h.element("ins", &[], &d.note),
                Op::Delete => h,
            };
        }
        h.raw("</p>\n");
    }
    h.raw("</details>\n");
}

/// The file to link for a source: its own, or for an archive's article (which is no file
/// here) the text kept of it.
fn text_file(s: &SourceReport) -> &str {
    match (&s.archive, &s.rendition) {
        (Some(_), Some(text)) => text,
        _ => &s.path,
    }
}

/// Where in the source: a captured page's address and capture time, a PDF page or
/// transcript time, else line and column; the file linked, with its text rendition. An
/// archive's article: the archive, the article's address, and the line and column in the
/// text kept of it.
fn place(h: &mut Html, s: &SourceReport) {
    if let Some(archive) = &s.archive {
        h.raw("in the archive ").text(archive).raw(", ");
        if let Some(href) = s.url.as_deref().and_then(links::web) {
            h.element(
                "a",
                &[("href", &href)],
                s.url.as_deref().unwrap_or_default(),
            )
            .raw(", ");
        }
        h.element(
            "a",
            &[("href", &links::file(text_file(s)))],
            &format!("{}:{}:{}", s.path, s.line, s.column),
        );
        return;
    }
    if let Some(url) = &s.url {
        h.raw("captured from ");
        match links::web(url) {
            Some(href) => h.element("a", &[("href", &href)], url),
            None => h.text(url),
        };
        if let Some(when) = &s.captured {
            h.raw(" on ").text(when);
        }
        h.raw("; ");
    }
    let at = match s.place() {
        Some(place) if s.url.is_none() => format!("{} {place}", s.path),
        _ => format!("{}:{}:{}", s.path, s.line, s.column),
    };
    h.element("a", &[("href", &links::file(&s.path))], &at);
    if let Some(r) = &s.rendition {
        h.raw(" (text: ")
            .element(
                "a",
                &[("href", &links::file(r))],
                &format!("{r}:{}:{}", s.line, s.column),
            )
            .raw(")");
    }
}

/// Where the matched words are in the passage around them: as they are, else with any
/// whitespace between the words.
fn matched_range(context: &str, matched: &str) -> Option<Range<usize>> {
    let matched = matched.trim();
    if matched.is_empty() {
        return None;
    }
    if let Some(i) = context.find(matched) {
        return Some(i..i + matched.len());
    }
    let words: Vec<String> = matched.split_whitespace().map(regex::escape).collect();
    let re = regex::Regex::new(&words.join(r"\s+")).ok()?;
    re.find(context).map(|m| m.range())
}

/// The speaker check, when the note names a speaker.
fn speaker(h: &mut Html, q: &QuoteReport) {
    let s = &q.speaker;
    if s.verdict == SpeakerVerdict::None {
        return;
    }
    h.raw("<p class=\"speaker\"><span class=\"muted\">speaker:</span> the note says ")
        .text(s.claimed.as_deref().unwrap_or("?"))
        .raw("; ");
    match (&s.source, s.verdict) {
        (Some(who), SpeakerVerdict::Right) => h.raw("so does the source (").text(who).raw(")"),
        (Some(who), _) => h.raw("the source says ").text(who),
        (None, SpeakerVerdict::Wrong) => h.raw("the source gives the words to its narration"),
        (None, _) => h.raw("the source does not say who"),
    };
    if let Some(e) = &s.evidence {
        h.raw(", at ")
            .element(
                "a",
                &[("href", &links::file(&e.path))],
                &format!("{}:{}:{}", e.path, e.line, e.column),
            )
            .raw(": ")
            .element("q", &[], &e.text);
    }
    if let Some(reason) = &s.reason {
        h.raw(" (").text(reason).raw(")");
    }
    h.raw("</p>\n");
}

/// A citation that names no source.
pub fn unknown_citation(h: &mut Html, u: &UnknownCitationReport) {
    open_row(h, verdicts::UNKNOWN_CITATION, &u.file, u.line, u.column);
    h.raw(" ")
        .element("code", &[], &u.citation)
        .raw("</header>\n")
        .element("p", &[("class", "message")], &u.message)
        .raw("\n");
    if let Some(bib) = &u.bibliography {
        h.raw("<p class=\"where\">entry in ")
            .element("a", &[("href", &links::file(bib))], bib)
            .raw("</p>\n");
    }
    h.raw("</article>\n");
}

#[cfg(test)]
mod tests {
    use super::{matched_range, place};
    use crate::cli::html::markup::Html;
    use crate::cli::report::SourceReport;

    fn source(path: &str) -> SourceReport {
        SourceReport {
            path: path.into(),
            line: 3,
            column: 7,
            end_line: 3,
            end_column: 20,
            text: String::new(),
            title: None,
            author: None,
            date: None,
            page: None,
            end_page: None,
            time: None,
            end_time: None,
            speaker: None,
            rendition: None,
            archive: None,
            url: None,
            captured: None,
            context: String::new(),
        }
    }

    fn placed(s: &SourceReport) -> String {
        let mut h = Html::new();
        place(&mut h, s);
        h.finish()
    }

    #[test]
    fn a_text_file_is_placed_by_line_and_column() {
        assert_eq!(
            placed(&source("seeds/a b.txt")),
            "<a href=\"seeds/a%20b.txt\">seeds/a b.txt:3:7</a>"
        );
    }

    #[test]
    fn a_pdf_is_placed_by_page_with_its_text_rendition_linked() {
        let mut s = source("docs/r.pdf");
        s.page = Some(12);
        s.end_page = Some(12);
        s.rendition = Some(".sourced/r.txt".into());
        assert_eq!(
            placed(&s),
            "<a href=\"docs/r.pdf\">docs/r.pdf p. 12</a> (text: <a href=\".sourced/r.txt\">.sourced/r.txt:3:7</a>)"
        );
    }

    #[test]
    fn an_archive_article_links_its_address_and_its_kept_text() {
        let mut s = source("news:AP-1");
        s.archive = Some("news".into());
        s.url = Some("https://news.example/ap-1".into());
        s.rendition = Some(".sourced/index-v8/renditions/news:AP-1.txt".into());
        assert_eq!(
            placed(&s),
            "in the archive news, <a href=\"https://news.example/ap-1\">https://news.example/ap-1</a>, \
             <a href=\".sourced/index-v8/renditions/news%3AAP-1.txt\">news:AP-1:3:7</a>"
        );
    }

    #[test]
    fn a_captured_page_links_its_address_only_when_it_is_http() {
        let mut s = source("web/a.warc.gz");
        s.url = Some("https://example.com/a?b=1&c=2".into());
        s.captured = Some("2024-01-05T10:00:00Z".into());
        assert_eq!(
            placed(&s),
            "captured from <a href=\"https://example.com/a?b=1&amp;c=2\">https://example.com/a?b=1&amp;c=2</a> \
             on 2024-01-05T10:00:00Z; <a href=\"web/a.warc.gz\">web/a.warc.gz:3:7</a>"
        );
        s.url = Some("javascript:alert(1)".into());
        s.captured = None;
        assert_eq!(
            placed(&s),
            "captured from javascript:alert(1); <a href=\"web/a.warc.gz\">web/a.warc.gz:3:7</a>"
        );
    }

    #[test]
    fn matched_words_are_found_across_other_whitespace() {
        let context = "He said the US\ncarried  out airstrikes, then left.";
        let r = matched_range(context, "the US carried out airstrikes").unwrap();
        assert_eq!(&context[r], "the US\ncarried  out airstrikes");
        assert_eq!(matched_range(context, "nowhere to be seen"), None);
        assert_eq!(matched_range(context, "  "), None);
    }
}
