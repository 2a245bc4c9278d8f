//! Named entities in the editor: a card on hover over any name of an entity, its first
//! mention in each source as definition, every mention (sources and note) as references,
//! entities as workspace symbols, and entity names as completions.
//!
//! The table comes from [`IndexSnapshot::entities`] (built on the blocking pool, cached until the index
//! or `entities.toml` changes); byte ranges are in the source files and in the note's text,
//! turned into positions by [`super::position`] only.

use super::describe::{first_words, label, last_words, shorten};
use super::folder::{Entities, IndexSnapshot};
use super::position::{self, Encoding};
use super::sources;
use crate::entities::keys::lookup_key;
use crate::entities::lexicon::is_stopword;
use crate::entities::{Entity, EntityKind};
use ropey::Rope;
use std::fmt::Write;
use std::ops::Range;
use std::path::Path;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionTextEdit,
    Documentation, Location, MarkupContent, MarkupKind, SymbolInformation, SymbolKind, TextEdit,
    Uri,
};

/// Context snippets shown on a hover.
const SNIPPETS: usize = 1;
/// Sources listed with their mention counts on a hover.
const SOURCES_LISTED: usize = 3;
/// Descriptions shown on a hover.
const DESCRIPTIONS: usize = 2;
/// Characters of a description, of a snippet, of a source's title on a hover.
const DESCRIPTION_CHARS: usize = 100;
const SNIPPET_CHARS: usize = 180;
const TITLE_CHARS: usize = 40;
/// Workspace symbols returned at most.
const SYMBOLS: usize = 200;
/// Entity completions offered at most.
const COMPLETIONS: usize = 20;
/// Words of a capitalised name looked at around the cursor.
const NAME_WORDS: usize = 5;

/// The symbol kind of an entity kind: persons are objects, organisations namespaces, places
/// packages, anything else a variable (LSP has no kinds for named entities; these get
/// distinct icons in common editors).
pub fn symbol_kind(kind: EntityKind) -> SymbolKind {
    match kind {
        EntityKind::Person => SymbolKind::OBJECT,
        EntityKind::Organization => SymbolKind::NAMESPACE,
        EntityKind::Place => SymbolKind::PACKAGE,
        EntityKind::Other => SymbolKind::VARIABLE,
    }
}

fn completion_kind(kind: EntityKind) -> CompletionItemKind {
    match kind {
        EntityKind::Person => CompletionItemKind::CONSTANT,
        EntityKind::Organization => CompletionItemKind::MODULE,
        EntityKind::Place => CompletionItemKind::FOLDER,
        EntityKind::Other => CompletionItemKind::TEXT,
    }
}

/// Escape Markdown in text from the sources.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '*' | '_' | '`' | '[' | ']' | '<' | '>' | '\\' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `file://…#L<line>` of a source path (1-based line; none if 0).
fn link(snap: &IndexSnapshot, root: &Path, path: &str, line: usize) -> Option<String> {
    let uri = sources::file_uri(&snap.sources().text_file(root, path))?;
    Some(if line > 0 {
        format!("{}#L{line}", uri.as_str())
    } else {
        uri.as_str().to_string()
    })
}

/// 1-based line of byte `at` of a source file, read from disk (0 if unreadable).
fn line_in(snap: &IndexSnapshot, root: &Path, path: &str, at: usize) -> usize {
    snap.sources()
        .get(&snap.sources().text_file(root, path))
        .map_or(0, |t| {
            position::position(&t.rope, at, Encoding::Utf8).line as usize + 1
        })
}

/// `[Title:line](file://…#Lline)` (the title cut at a word), or the path in backticks when
/// there is no URI.
fn source_link(snap: &IndexSnapshot, root: &Path, path: &str, line: usize) -> String {
    let name = shorten(&label(path, snap.source_info(path).as_ref()), TITLE_CHARS);
    let label = if line > 0 {
        format!("{name}:{line}")
    } else {
        name
    };
    match link(snap, root, path, line) {
        Some(l) => format!("[{}]({l})", escape(&label)),
        None => format!("`{path}`"),
    }
}

/// The hover card of an entity: name and kind, other names, roles, descriptions with their
/// sources, mentions per source, and a few context snippets linking to the source lines.
pub fn card(e: &Entity, ents: &Entities, snap: &IndexSnapshot) -> String {
    let root = ents.root.as_path();
    let mut out = format!("**{}** · {}", escape(&e.name), e.kind);
    if e.registered {
        out.push_str(" · `entities.toml`");
    }
    // Other names and roles on one line under the name (a name's own words are no other
    // name: `Soleimani` of `Qassem Soleimani`).
    let aliases: Vec<String> = e
        .aliases
        .iter()
        .filter(|a| !repeats(&e.name, a))
        .map(|a| escape(a))
        .collect();
    let mut more = Vec::new();
    if !aliases.is_empty() {
        more.push(format!("also: {}", aliases.join(", ")));
    }
    if !e.roles.is_empty() {
        more.push(format!("roles: {}", escape(&e.roles.join(", "))));
    }
    if !more.is_empty() {
        let _ = write!(out, "  \n{}", more.join(" · "));
    }
    if !e.descriptions.is_empty() {
        out.push('\n');
    }
    for d in e.descriptions.iter().take(DESCRIPTIONS) {
        let from = match &d.range {
            Some(r) => source_link(
                snap,
                root,
                &d.source,
                line_in(snap, root, &d.source, r.start),
            ),
            None => format!("`{}`", d.source),
        };
        let _ = write!(
            out,
            "\n- {} — {from}",
            escape(&shorten(&d.text, DESCRIPTION_CHARS))
        );
    }
    if e.mentions == 0 {
        out.push_str("\n\nNot mentioned in the sources.");
    } else {
        // One paragraph, not a list: a card under a quotation's verdict must fit VS Code's
        // hover (about a dozen lines) without scrolling.
        let listed: Vec<String> = e
            .sources
            .iter()
            .take(SOURCES_LISTED)
            .map(|s| {
                let line = first_line(s, snap, root);
                format!("{} ({}×)", source_link(snap, root, &s.path, line), s.count)
            })
            .collect();
        let _ = write!(
            out,
            "\n\n{} mention{} in {} source{}: {}",
            e.mentions,
            plural(e.mentions),
            e.sources.len(),
            plural(e.sources.len()),
            listed.join(", ")
        );
        if e.sources.len() > SOURCES_LISTED {
            let _ = write!(out, ", and {} more", e.sources.len() - SOURCES_LISTED);
        }
        out.push('\n');
        for s in e.sources.iter().take(SNIPPETS) {
            if s.first.context.trim().is_empty() {
                continue;
            }
            let text = snap.sources().get(&snap.sources().text_file(root, &s.path));
            let around = text
                .as_ref()
                .and_then(|t| in_source(&t.text, s.first.range.clone()));
            let shown = match around {
                Some(a) => a,
                None => {
                    let surface = text
                        .as_ref()
                        .and_then(|t| t.text.get(s.first.range.clone()).map(str::to_string))
                        .unwrap_or_default();
                    emphasise(&s.first.context, &surface)
                }
            };
            let line = first_line(s, snap, root);
            let _ = write!(
                out,
                "\n> {shown} — {}\n",
                source_link(snap, root, &s.path, line)
            );
        }
    }
    for l in &e.links {
        let _ = write!(out, "\n\n<{l}>");
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The 1-based line of the first mention in a source: as extracted, else from the file.
fn first_line(s: &crate::entities::EntitySource, snap: &IndexSnapshot, root: &Path) -> usize {
    if s.first.line > 0 {
        s.first.line
    } else {
        line_in(snap, root, &s.path, s.first.range.start)
    }
}

/// Whether an alias only repeats the name: the same words, or some of them (`Soleimani`
/// of `Qassem Soleimani`), whatever the case and apostrophes.
fn repeats(name: &str, alias: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '’'))
            .filter(|w| !w.is_empty())
            .map(|w| w.replace(['’', '\''], "").to_lowercase())
            .collect()
    };
    let (name, alias) = (words(name), words(alias));
    !alias.is_empty()
        && alias.iter().all(|a| {
            name.iter()
                .any(|n| n == a || n.trim_start_matches("al-") == a)
        })
}

/// `context` cut to [`SNIPPET_CHARS`] around the first occurrence of `surface`, at word
/// boundaries (`…` where words were left out).
fn snippet(context: &str, surface: &str) -> String {
    let context = context.split_whitespace().collect::<Vec<_>>().join(" ");
    if context.chars().count() <= SNIPPET_CHARS {
        return context;
    }
    let at = (!surface.is_empty())
        .then(|| context.find(surface))
        .flatten()
        .unwrap_or(0);
    // Start a third of the room before the name, at a word.
    let lead_room = SNIPPET_CHARS / 3;
    let before: Vec<(usize, char)> = context[..at].char_indices().collect();
    let start = if before.len() <= lead_room {
        0
    } else {
        let from = before[before.len() - lead_room].0;
        context[from..at].find(' ').map_or(at, |i| from + i + 1)
    };
    let rest = shorten(&context[start..], SNIPPET_CHARS);
    if start > 0 {
        format!("…{rest}")
    } else {
        rest
    }
}

/// Words of the source shown before and after a mention in a snippet.
const SNIPPET_WORDS_BEFORE: usize = 6;
const SNIPPET_WORDS_AFTER: usize = 12;

/// The mention at `range` of a source's `text` in its sentence's words, cut at word
/// boundaries of the source itself, escaped, the mention in bold; on one line. `None` if the
/// range is not in the text.
fn in_source(text: &str, range: Range<usize>) -> Option<String> {
    let surface = text.get(range.clone())?;
    if surface.trim().is_empty() {
        return None;
    }
    let (before, _, after) = sources::paragraph(text, range);
    let one_line = |s: &str| {
        let lead = s.starts_with(char::is_whitespace);
        let tail = s.ends_with(char::is_whitespace);
        let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
        format!(
            "{}{joined}{}",
            if lead && !joined.is_empty() { " " } else { "" },
            if tail && !joined.is_empty() { " " } else { "" }
        )
    };
    let before = one_line(&last_words(&before, SNIPPET_WORDS_BEFORE));
    let after = one_line(&first_words(&after, SNIPPET_WORDS_AFTER));
    Some(format!(
        "{}**{}**{}",
        escape(&before),
        escape(one_line(surface).trim()),
        escape(&after)
    ))
}

/// `context` escaped and cut at word boundaries, with the first occurrence of `surface` in
/// bold; on one line.
fn emphasise(context: &str, surface: &str) -> String {
    let surface_one_line = surface.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut context = snippet(context, &surface_one_line);
    // Cut mid-sentence by the extractor: say so.
    if context.starts_with(|c: char| c.is_lowercase() || c == ',') {
        context.insert(0, '…');
    }
    let surface = surface.split_whitespace().collect::<Vec<_>>().join(" ");
    match (!surface.is_empty())
        .then(|| context.find(&surface))
        .flatten()
    {
        Some(i) => format!(
            "{}**{}**{}",
            escape(&context[..i]),
            escape(&surface),
            escape(&context[i + surface.len()..])
        ),
        None => escape(&context),
    }
}

/// The hover text for a capitalised name at byte `offset` of `text` that no entity matches,
/// with its byte range; `None` if the word there is not a capitalised name.
pub fn unknown_name(text: &str, offset: usize, ents: &Entities) -> Option<(String, Range<usize>)> {
    let range = name_around(text, offset)?;
    let name = &text[range.clone()];
    // Part of a known name (`President` before `Trump`): not an unknown one.
    if !ents.table.find_in_note(name).is_empty() {
        return None;
    }
    let mut out = format!("**{}**: not mentioned in the sources.", escape(name));
    if let Some(e) = ents.table.lookup(name) {
        let _ = write!(
            out,
            "\n\nA similar name: **{}** ({}).",
            escape(&e.name),
            e.kind
        );
    }
    Some((out, range))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '‐')
}

/// Byte ranges of the words of `line` (letters, digits, inner hyphens and apostrophes).
fn words(line: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let w = &line[s..i];
                let trimmed = w.trim_end_matches(['-', '\'', '’', '‐']);
                let lead = w.len() - w.trim_start_matches(['-', '\'', '’', '‐']).len();
                if lead < trimmed.len() {
                    out.push(s + lead..s + trimmed.len());
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A word that may be part of a name: capitalised, or an `al-` style particle before one.
fn capitalised(word: &str) -> bool {
    word.starts_with(char::is_uppercase)
        || word
            .split_once(['-', '‐'])
            .is_some_and(|(_, rest)| rest.starts_with(char::is_uppercase))
}

/// The capitalised name (one or more capitalised words separated by single spaces) covering
/// byte `offset` of `text`, if the word there is capitalised and not a common word.
pub fn name_around(text: &str, offset: usize) -> Option<Range<usize>> {
    let offset = crate::text::lines::floor_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[start..end];
    let at = offset - start;
    let ws = words(line);
    let i = ws.iter().position(|w| w.start <= at && at <= w.end)?;
    let word = |k: usize| &line[ws[k].clone()];
    let single_space = |a: usize, b: usize| line[ws[a].end..ws[b].start] == *" ";
    if !capitalised(word(i)) {
        return None;
    }
    // The first word of a sentence, heading or list item is capitalised anyway.
    let sentence_start = |k: usize| {
        let before = line[..ws[k].start].trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '“' | '‘' | '(' | '*' | '_')
        });
        before.is_empty()
            || before.ends_with(['.', '!', '?', ':', ';'])
            || before
                .trim_start_matches(|c: char| c.is_ascii_digit() || "#->+".contains(c))
                .is_empty()
    };
    let (mut first, mut last) = (i, i);
    while first > 0 && i - first < NAME_WORDS && capitalised(word(first - 1)) {
        if !single_space(first - 1, first) {
            break;
        }
        first -= 1;
    }
    while last + 1 < ws.len() && last - first < NAME_WORDS && capitalised(word(last + 1)) {
        if !single_space(last, last + 1) {
            break;
        }
        last += 1;
    }
    // A lone common word (`The`, `However`) is not a name.
    if first == last && is_stopword(&word(i).to_lowercase()) {
        return None;
    }
    // Leading common words are not part of it (`The Zorblax Institute` → `Zorblax Institute`).
    while first < last && is_stopword(&word(first).to_lowercase()) {
        first += 1;
    }
    let lone_initial =
        first == last && sentence_start(first) && word(first).starts_with(char::is_uppercase);
    if first > i || lone_initial {
        return None;
    }
    Some(start + ws[first].start..start + ws[last].end)
}

/// Locations of the first mention of `e` in each source, most mentions first.
pub fn definition(
    e: &Entity,
    ents: &Entities,
    snap: &IndexSnapshot,
    enc: Encoding,
) -> Vec<Location> {
    e.sources
        .iter()
        .filter_map(|s| {
            snap.sources()
                .location(&ents.root, &s.path, s.first.range.clone(), enc)
        })
        .collect()
}

/// Every mention of `e`: in the sources, then in the note (`uri`, `rope`, `text`).
pub fn references(
    e: &Entity,
    ents: &Entities,
    snap: &IndexSnapshot,
    enc: Encoding,
    note: (&Uri, &Rope, &str),
) -> Vec<Location> {
    let mut out: Vec<Location> = e
        .references()
        .filter_map(|(path, r)| snap.sources().location(&ents.root, path, r, enc))
        .collect();
    let (uri, rope, text) = note;
    for m in ents.table.find_in_note(text) {
        if m.entity == e.id {
            out.push(Location::new(
                uri.clone(),
                position::range(rope, m.range, enc),
            ));
        }
    }
    out
}

/// Entities matching `query`, located at their definitions (registry-only ones at
/// `entities.toml`).
pub fn workspace_symbols(
    query: &str,
    ents: &Entities,
    snap: &IndexSnapshot,
    enc: Encoding,
) -> Vec<SymbolInformation> {
    let mut out = Vec::new();
    for e in ents.table.search(query, SYMBOLS) {
        let location = match e.definition() {
            Some((path, range)) => snap.sources().location(&ents.root, path, range, enc),
            None => {
                let toml = ents.root.join(crate::entities::registry::FILE_NAME);
                Uri::from_file_path(&toml).map(|u| Location::new(u, Default::default()))
            }
        };
        let Some(location) = location else {
            continue;
        };
        #[allow(deprecated)] // `deprecated` must be set; `tags` replaces it.
        out.push(SymbolInformation {
            name: e.name.clone(),
            kind: symbol_kind(e.kind),
            tags: None,
            deprecated: None,
            location,
            container_name: Some(e.kind.to_string()),
        });
    }
    out
}

/// The capitalised words (a name being typed) just before char index `cursor`, as candidate
/// char ranges, longest first: `Qassem Sol|` gives `Qassem Sol`, then `Sol`.
pub fn prefixes_before(rope: &Rope, cursor: usize) -> Vec<Range<usize>> {
    let cursor = cursor.min(rope.len_chars());
    // Not in the middle of a word.
    if rope.get_char(cursor).is_some_and(is_word_char) {
        return Vec::new();
    }
    let line_start = rope.line_to_char(rope.char_to_line(cursor));
    let from = line_start.max(cursor.saturating_sub(200));
    let before = rope.slice(from..cursor).to_string();
    let ws = words(&before);
    let Some(last) = ws.last().filter(|w| w.end == before.len()) else {
        return Vec::new();
    };
    if !capitalised(&before[last.clone()]) {
        return Vec::new();
    }
    let mut starts = vec![last.start];
    for k in (0..ws.len() - 1).rev() {
        if starts.len() >= NAME_WORDS
            || !capitalised(&before[ws[k].clone()])
            || before[ws[k].end..ws[k + 1].start] != *" "
        {
            break;
        }
        starts.push(ws[k].start);
    }
    let chars = |b: usize| from + before[..b].chars().count();
    starts.into_iter().rev().map(|s| chars(s)..cursor).collect()
}

/// Completion items for the name being typed before char index `cursor`.
pub fn completion(
    rope: &Rope,
    cursor: usize,
    enc: Encoding,
    ents: &Entities,
) -> Vec<CompletionItem> {
    for chars in prefixes_before(rope, cursor) {
        let typed = rope.slice(chars.clone()).to_string();
        if lookup_key(&typed).is_empty() {
            continue;
        }
        let found = ents.table.complete(&typed, COMPLETIONS);
        if found.is_empty() {
            continue;
        }
        let range = tower_lsp_server::ls_types::Range::new(
            position::position(rope, rope.char_to_byte(chars.start), enc),
            position::position(rope, rope.char_to_byte(chars.end), enc),
        );
        let mut items = Vec::new();
        for (rank, c) in found.iter().enumerate() {
            let Some(e) = ents.table.get(c.entity) else {
                continue;
            };
            let mut detail = e.kind.to_string();
            if c.label != e.name {
                let _ = write!(detail, ": {}", e.name);
            }
            if let Some(d) = e.descriptions.first() {
                let _ = write!(detail, " — {}", d.text);
            }
            let item = |label: &str, sort: String| CompletionItem {
                label: label.to_string(),
                label_details: Some(CompletionItemLabelDetails {
                    detail: None,
                    description: Some(e.kind.to_string()),
                }),
                kind: Some(completion_kind(e.kind)),
                detail: Some(detail.clone()),
                documentation: Some(Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: e.summary(),
                })),
                // What was typed matches the alias, so editors keep the full name too.
                filter_text: Some(typed.clone()),
                sort_text: Some(sort),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    range,
                    label.to_string(),
                ))),
                ..Default::default()
            };
            items.push(item(&c.label, format!("{rank:04}a")));
            // `Solei` → `Soleimani`, and the full name `Qassem Soleimani` as well.
            if c.label != e.name {
                items.push(item(&e.name, format!("{rank:04}b")));
            }
        }
        return items;
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_names_around_the_cursor() {
        let text = "Then Zorblax Quentworth said, The\nal-Muhandis and x. Lone came from Paris.\n## Verified\n1. Nope";
        let at = |s: &str| text.find(s).unwrap() + 1;
        let name = |s| name_around(text, at(s)).map(|r| &text[r]);
        assert_eq!(name("Quentworth"), Some("Zorblax Quentworth"));
        assert_eq!(name("Zorblax"), Some("Zorblax Quentworth"));
        assert_eq!(name("said"), None);
        assert_eq!(name("The\n"), None);
        assert_eq!(name("Then"), None);
        assert_eq!(name("Paris"), Some("Paris"));
        assert_eq!(name("Lone"), None);
        assert_eq!(name("Verified"), None);
        assert_eq!(name("Nope"), None);
        assert_eq!(name("al-Muhandis"), Some("al-Muhandis"));
        assert_eq!(name_around(text, 10_000), None);
        assert_eq!(name_around("", 0), None);
    }

    #[test]
    fn prefixes_of_a_name_being_typed() {
        let rope = Rope::from_str("said Qassem Sol");
        let got: Vec<String> = prefixes_before(&rope, rope.len_chars())
            .into_iter()
            .map(|r| rope.slice(r).to_string())
            .collect();
        assert_eq!(got, ["Qassem Sol", "Sol"]);
        // Mid-word: nothing.
        assert!(prefixes_before(&rope, rope.len_chars() - 1).is_empty());
        let rope = Rope::from_str("😀 lower");
        assert!(prefixes_before(&rope, rope.len_chars()).is_empty());
        assert!(prefixes_before(&rope, 0).is_empty());
    }
}
