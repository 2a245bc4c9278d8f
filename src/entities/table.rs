//! The aggregated entity table of a corpus: the entities of every source merged
//! ([`super::merge`]), the built-in equivalences and the user's `entities.toml` applied, with
//! lookups by surface form and a finder for entity names in a note.

use super::builtin;
use super::extract::choose_name;
use super::found::{EntityKind, Found, SourceEntities};
use super::keys::{bare_key, edit_distance, is_acronym, lookup_key, parts, strip_possessive};
use super::lexicon::{HYPHEN_PARTICLES, STOPWORDS};
use super::merge::{self, Node};
use super::registry::{Registry, FILE_NAME};
use super::tokens::tokenize;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

/// Index of an entity in its table.
pub type EntityId = usize;

/// One entity of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: EntityId,
    pub name: String,
    pub kind: EntityKind,
    /// Every other surface form it appears under (and the registry's aliases), most frequent
    /// first.
    pub aliases: Vec<String>,
    pub roles: Vec<String>,
    pub descriptions: Vec<Description>,
    /// The sources that mention it, most mentions first.
    pub sources: Vec<EntitySource>,
    /// Mentions in all sources.
    pub mentions: usize,
    /// Links from `entities.toml`.
    pub links: Vec<String>,
    /// Declared in `entities.toml`.
    pub registered: bool,
}

/// What the text (or the registry) says the entity is.
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    pub text: String,
    /// The source path, or `entities.toml`.
    pub source: String,
    /// Byte range in the source file (`None` for the registry).
    pub range: Option<Range<usize>>,
}

/// An entity's mentions in one source.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySource {
    pub path: String,
    pub count: usize,
    /// Byte ranges of every mention in the file, in order.
    pub mentions: Vec<Range<usize>>,
    pub first: FirstMention,
}

/// The first mention in a source.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstMention {
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// The sentence around it.
    pub context: String,
    pub range: Range<usize>,
}

/// An entity name found in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteMention {
    /// Byte range in the note's text.
    pub range: Range<usize>,
    pub entity: EntityId,
}

/// A completion candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The surface form to insert.
    pub label: String,
    pub entity: EntityId,
}

impl Entity {
    /// Where the entity is "defined": the first described mention, else the first mention
    /// of the source that mentions it most. `None` for registry-only entities.
    pub fn definition(&self) -> Option<(&str, Range<usize>)> {
        if let Some(d) = self.descriptions.iter().find(|d| d.range.is_some()) {
            return Some((&d.source, d.range.clone().unwrap_or_default()));
        }
        self.sources
            .first()
            .map(|s| (s.path.as_str(), s.first.range.clone()))
    }

    /// Every mention: source path and byte range in that file.
    pub fn references(&self) -> impl Iterator<Item = (&str, Range<usize>)> + '_ {
        self.sources
            .iter()
            .flat_map(|s| s.mentions.iter().map(move |r| (s.path.as_str(), r.clone())))
    }

    /// A Markdown summary for a hover: name and kind, other names, roles, descriptions with
    /// their sources, and where it is mentioned.
    pub fn summary(&self) -> String {
        let mut out = format!("**{}** ({})", self.name, self.kind);
        if !self.aliases.is_empty() {
            out.push_str(&format!("\n\nalso: {}", self.aliases.join(", ")));
        }
        if !self.roles.is_empty() {
            out.push_str(&format!("\n\nroles: {}", self.roles.join(", ")));
        }
        for d in self.descriptions.iter().take(5) {
            out.push_str(&format!("\n\n- {} — `{}`", d.text, d.source));
        }
        if self.mentions > 0 {
            out.push_str(&format!(
                "\n\n{} mention{} in {} source{}:",
                self.mentions,
                if self.mentions == 1 { "" } else { "s" },
                self.sources.len(),
                if self.sources.len() == 1 { "" } else { "s" }
            ));
            for s in self.sources.iter().take(8) {
                out.push_str(&format!(
                    "\n- `{}:{}:{}` ({}×) {}",
                    s.path, s.first.line, s.first.column, s.count, s.first.context
                ));
            }
            if self.sources.len() > 8 {
                out.push_str(&format!("\n- … and {} more", self.sources.len() - 8));
            }
        }
        for l in &self.links {
            out.push_str(&format!("\n\n<{l}>"));
        }
        out
    }
}

/// The entity table. Cheap to share (`Arc`), read-only.
#[derive(Debug, Clone, Default)]
pub struct EntityTable {
    entities: Vec<Entity>,
    /// Lookup keys (and particle-free keys) of names and aliases.
    by_key: HashMap<String, Vec<EntityId>>,
    /// Keys that are acronyms in every surface form (`IS`, `US`): matched in notes only when
    /// written in capitals.
    acronym_keys: HashSet<String>,
    /// Surnames (and tails) of persons.
    by_surname: HashMap<String, Vec<EntityId>>,
    /// Sorted keys with the alias they come from, for prefix completion.
    sorted: Vec<(String, String, EntityId)>,
    /// Longest name in words (for the note finder).
    max_words: usize,
}

impl EntityTable {
    /// Merge the entities of every source (`(path, entities)`) and apply `registry`.
    pub fn build(sources: Vec<(String, SourceEntities)>, registry: &Registry) -> EntityTable {
        let ignored: HashSet<String> = registry.ignore.iter().map(|s| lookup_key(s)).collect();
        let mut nodes: Vec<Node> = Vec::new();
        let mut origin: Vec<Origin> = Vec::new();
        for (si, (_, se)) in sources.iter().enumerate() {
            for (fi, f) in se.found.iter().enumerate() {
                if ignored.contains(&lookup_key(&f.name)) {
                    continue;
                }
                let surfaces: Vec<&str> = f
                    .aliases
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .filter(|s| !ignored.contains(&lookup_key(s)))
                    .collect();
                if surfaces.is_empty() {
                    continue;
                }
                nodes.push(Node {
                    surfaces,
                    kind: f.kind,
                    weight: f.mention_count(),
                    weak: f.weak,
                });
                origin.push(Origin::Found(si, fi));
            }
        }
        for (ri, e) in registry.entities.iter().enumerate() {
            let mut surfaces = vec![e.name.as_str()];
            surfaces.extend(e.aliases.iter().map(String::as_str));
            nodes.push(Node {
                surfaces,
                kind: e.kind().unwrap_or_default(),
                weight: 0,
                weak: false,
            });
            origin.push(Origin::Registry(ri));
        }
        let clusters = merge::cluster(&nodes, &[]);
        let mut entities = Vec::new();
        for c in clusters {
            if c.iter().all(|&n| nodes[n].weak) {
                continue;
            }
            entities.push(assemble(&c, &origin, &sources, registry));
        }
        entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
        for (i, e) in entities.iter_mut().enumerate() {
            e.id = i;
        }
        Self::index(entities)
    }

    fn index(entities: Vec<Entity>) -> EntityTable {
        let mut t = EntityTable {
            entities,
            ..Default::default()
        };
        let mut non_acronym_keys: HashSet<String> = HashSet::default();
        for e in &t.entities {
            for s in std::iter::once(&e.name).chain(&e.aliases) {
                let k = lookup_key(s);
                if k.is_empty() {
                    continue;
                }
                if is_acronym(strip_possessive(s)) {
                    t.acronym_keys.insert(k.clone());
                } else {
                    non_acronym_keys.insert(k.clone());
                }
                push_id(t.by_key.entry(k.clone()).or_default(), e.id);
                let b = bare_key(s);
                if !b.is_empty() && b != k {
                    push_id(t.by_key.entry(b).or_default(), e.id);
                }
                t.sorted.push((k, s.clone(), e.id));
                t.max_words = t.max_words.max(s.split_whitespace().count().min(8));
                if e.kind == EntityKind::Person {
                    let p = parts(s);
                    if p.len() >= 2 {
                        for n in 1..p.len() {
                            push_id(
                                t.by_surname.entry(p[p.len() - n..].concat()).or_default(),
                                e.id,
                            );
                        }
                    }
                }
            }
        }
        t.acronym_keys.retain(|k| !non_acronym_keys.contains(k));
        t.sorted.sort();
        t.sorted.dedup();
        t
    }

    /// All entities, most mentioned first.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn get(&self, id: EntityId) -> Option<&Entity> {
        self.entities.get(id)
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The entity a surface form names (`Soleimani`, `KH`, `Abdul-Mahdi`, `Iraq’s`): by
    /// lookup key (case, typography, possessive, hyphens and spaces ignored), then without
    /// particles, then as a person's surname, then within one or two edits. The most
    /// mentioned entity when several fit.
    pub fn lookup(&self, surface: &str) -> Option<&Entity> {
        self.lookup_all(surface).into_iter().next()
    }

    /// Every entity a surface form may name, best first.
    pub fn lookup_all(&self, surface: &str) -> Vec<&Entity> {
        let key = lookup_key(surface);
        if key.is_empty() {
            return Vec::new();
        }
        let ids = self
            .by_key
            .get(&key)
            .or_else(|| self.by_key.get(&bare_key(surface)))
            .or_else(|| self.by_surname.get(&bare_key(surface)));
        if let Some(ids) = ids {
            return ids.iter().filter_map(|&i| self.entities.get(i)).collect();
        }
        // Fuzzy: one edit for names of 5+ letters, two for 9+.
        let max = match key.chars().count() {
            0..=4 => return Vec::new(),
            5..=8 => 1,
            _ => 2,
        };
        let first = key.chars().next();
        let mut best: Vec<(usize, EntityId)> = Vec::new();
        let start = self
            .sorted
            .partition_point(|(k, _, _)| k.chars().next() < first);
        for (k, _, id) in &self.sorted[start..] {
            if k.chars().next() != first {
                break;
            }
            let d = edit_distance(k, &key, max);
            if d <= max {
                best.push((d, *id));
            }
        }
        best.sort();
        let mut seen = HashSet::default();
        best.into_iter()
            .filter(|(_, id)| seen.insert(*id))
            .filter_map(|(_, id)| self.entities.get(id))
            .collect()
    }

    /// Entity names in a note's text, as byte ranges of `text`: the longest name at each
    /// place wins. A name must be written with a capital (`al-` names aside); an acronym
    /// (`IS`, `US`) only in capitals, so `is` and `us` are not mentions.
    pub fn find_in_note(&self, text: &str) -> Vec<NoteMention> {
        let toks = tokenize(text);
        let mut out = Vec::new();
        let mut i = 0;
        let max = self.max_words.max(1);
        while i < toks.len() {
            if !toks[i].is_word() || !starts_name(&text[toks[i].range()]) {
                i += 1;
                continue;
            }
            // Word tokens i..=j separated by spaces only.
            let mut ends = vec![i];
            let mut j = i;
            while ends.len() < max
                && toks
                    .get(j + 1)
                    .is_some_and(|t| t.is_word() && t.space_before && !t.line_start)
            {
                j += 1;
                ends.push(j);
            }
            let mut matched = None;
            for &j in ends.iter().rev() {
                // A name ends with a name word (`Soleimani`, not `Soleimani and`).
                if !starts_name(&text[toks[j].range()]) {
                    continue;
                }
                let r = toks[i].start()..toks[j].end();
                let surface = &text[r.clone()];
                let stripped = strip_possessive(surface);
                let key = lookup_key(stripped);
                let lower = stripped.chars().any(char::is_lowercase);
                if key.is_empty() || STOPWORDS.contains(key.as_str()) && j == i && lower {
                    continue;
                }
                let Some(ids) = self
                    .by_key
                    .get(&key)
                    .or_else(|| self.by_surname.get(&bare_key(stripped)))
                else {
                    continue;
                };
                if self.acronym_keys.contains(&key) && stripped.chars().any(char::is_lowercase) {
                    continue;
                }
                matched = Some((r.start..r.start + stripped.len(), ids[0], j));
                break;
            }
            match matched {
                Some((range, entity, j)) => {
                    out.push(NoteMention { range, entity });
                    i = j + 1;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The entity named at byte `offset` of a note's `text` (for a hover), looking only at
    /// the line around it.
    pub fn at(&self, text: &str, offset: usize) -> Option<(NoteMention, &Entity)> {
        let offset = crate::text::lines::floor_boundary(text, offset);
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        self.find_in_note(&text[start..end])
            .into_iter()
            .map(|m| NoteMention {
                range: m.range.start + start..m.range.end + start,
                entity: m.entity,
            })
            .find(|m| m.range.start <= offset && offset <= m.range.end)
            .and_then(|m| self.get(m.entity).map(|e| (m, e)))
    }

    /// Names starting with `prefix` (case, typography, hyphens and spaces ignored), one per
    /// entity, most mentioned entity first.
    pub fn complete(&self, prefix: &str, limit: usize) -> Vec<Completion> {
        let key = lookup_key(prefix);
        let start = self
            .sorted
            .partition_point(|(k, _, _)| k.as_str() < key.as_str());
        let mut best: HashMap<EntityId, String> = HashMap::default();
        for (k, alias, id) in &self.sorted[start..] {
            if !k.starts_with(&key) {
                break;
            }
            let e = &self.entities[*id];
            let better = match best.get(id) {
                None => true,
                Some(cur) => alias == &e.name && cur != &e.name,
            };
            if better {
                best.insert(*id, alias.clone());
            }
        }
        let mut out: Vec<Completion> = best
            .into_iter()
            .map(|(entity, label)| Completion { label, entity })
            .collect();
        out.sort_by_key(|c| c.entity);
        out.truncate(limit);
        out
    }

    /// Entities whose name or an alias contains `query` (workspace symbols), most mentioned
    /// first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Entity> {
        let key = lookup_key(query);
        let mut ids: Vec<EntityId> = self
            .sorted
            .iter()
            .filter(|(k, _, _)| k.contains(&key))
            .map(|(_, _, id)| *id)
            .collect();
        ids.sort();
        ids.dedup();
        ids.truncate(limit);
        ids.into_iter()
            .filter_map(|i| self.entities.get(i))
            .collect()
    }
}

fn push_id(v: &mut Vec<EntityId>, id: EntityId) {
    if !v.contains(&id) {
        v.push(id);
        v.sort();
    }
}

fn starts_name(word: &str) -> bool {
    if word.starts_with(char::is_uppercase) {
        return true;
    }
    // `al-Muhandis`
    word.split_once(['-', '‐']).is_some_and(|(p, rest)| {
        HYPHEN_PARTICLES.contains(p) && rest.starts_with(char::is_uppercase)
    })
}

enum Origin {
    Found(usize, usize),
    Registry(usize),
}

fn assemble(
    cluster: &[usize],
    origin: &[Origin],
    sources: &[(String, SourceEntities)],
    registry: &Registry,
) -> Entity {
    // (Indexes by spelling and by path: an entity may be named in thousands of sources.)
    let mut counts: Vec<(String, u32)> = Vec::new();
    let mut count_of: HashMap<String, usize> = HashMap::default();
    let mut add_count = |s: &str, n: u32| match count_of.get(s) {
        Some(&i) => counts[i].1 += n,
        None => {
            count_of.insert(s.to_string(), counts.len());
            counts.push((s.to_string(), n));
        }
    };
    let mut reg = None;
    let mut founds: Vec<(&str, &Found)> = Vec::new();
    for &n in cluster {
        match origin[n] {
            Origin::Found(si, fi) => {
                let f = &sources[si].1.found[fi];
                for (s, c) in &f.aliases {
                    add_count(s, *c);
                }
                founds.push((&sources[si].0, f));
            }
            Origin::Registry(ri) => {
                let e = &registry.entities[ri];
                add_count(&e.name, 0);
                for a in &e.aliases {
                    add_count(a, 0);
                }
                reg = reg.or(Some(e));
            }
        }
    }
    let group = counts
        .iter()
        .find_map(|(s, _)| builtin::group_of(&lookup_key(s)));
    let voted = merge::vote_kind(founds.iter().map(|(_, f)| (f.kind, f.mention_count())));
    let kind = reg
        .and_then(|r| r.kind())
        .or(group.map(|g| g.kind))
        .unwrap_or(voted);
    let name = match (reg, group) {
        (Some(r), _) => r.name.clone(),
        (None, Some(g)) => g.name.to_string(),
        (None, None) => choose_name(&counts, kind),
    };
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let aliases: Vec<String> = counts
        .iter()
        .map(|(s, _)| s.clone())
        .filter(|s| *s != name)
        .collect();
    let mut roles: Vec<String> = Vec::new();
    let mut descriptions: Vec<Description> = Vec::new();
    let mut seen: HashSet<String> = HashSet::default();
    if let Some(d) = reg.and_then(|r| r.description.clone()) {
        seen.insert(d.to_lowercase());
        descriptions.push(Description {
            text: d,
            source: FILE_NAME.to_string(),
            range: None,
        });
    }
    let mut per_source: Vec<EntitySource> = Vec::new();
    let mut source_of: HashMap<&str, usize> = HashMap::default();
    for (path, f) in &founds {
        for r in &f.roles {
            if !roles.iter().any(|x| x.eq_ignore_ascii_case(r)) {
                roles.push(r.clone());
            }
        }
        for d in &f.descriptions {
            if seen.insert(d.text.to_lowercase()) {
                descriptions.push(Description {
                    text: d.text.clone(),
                    source: path.to_string(),
                    range: Some(d.start..d.end),
                });
            }
        }
        let first = FirstMention {
            line: f.line as usize,
            column: f.column as usize,
            context: f.context.clone(),
            range: f.first_range().unwrap_or_default(),
        };
        match source_of.get(path).map(|&i| &mut per_source[i]) {
            Some(s) => {
                s.mentions.extend(f.mention_ranges());
                s.mentions.sort_by_key(|r| r.start);
                s.mentions.dedup();
                s.count = s.mentions.len();
                if first.range.start < s.first.range.start {
                    s.first = first;
                }
            }
            None => {
                let mentions: Vec<Range<usize>> = f.mention_ranges().collect();
                source_of.insert(path, per_source.len());
                per_source.push(EntitySource {
                    path: path.to_string(),
                    count: mentions.len(),
                    mentions,
                    first,
                });
            }
        }
    }
    per_source.sort_by(|a, b| b.count.cmp(&a.count).then(a.path.cmp(&b.path)));
    let mentions = per_source.iter().map(|s| s.count).sum();
    Entity {
        id: 0,
        name,
        kind,
        aliases,
        roles,
        descriptions,
        sources: per_source,
        mentions,
        links: reg.map(|r| r.links.clone()).unwrap_or_default(),
        registered: reg.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::extract::extract_text;
    use crate::text::OffsetMap;
    use std::path::Path;

    fn table(sources: &[(&str, &str)], registry: &str) -> EntityTable {
        let se = sources
            .iter()
            .map(|(p, t)| {
                (
                    p.to_string(),
                    extract_text(t, &OffsetMap::identity(t.len())),
                )
            })
            .collect();
        let reg = Registry::parse(registry, Path::new("entities.toml")).unwrap();
        EntityTable::build(se, &reg)
    }

    #[test]
    fn merges_across_sources_and_looks_up_any_form() {
        let t = table(
            &[
                ("a.md", "The US killed General Qassem Soleimani in Baghdad. The Prime Minister, Adel Abdul Mahdi, objected."),
                ("b.md", "Washington said Soleimani planned attacks. Later Adil Abdul-Mahdi resigned, and Abdul-Mahdi left."),
            ],
            "",
        );
        let s = t.lookup("Soleimani").unwrap();
        assert_eq!(s.name, "Qassem Soleimani");
        assert_eq!(s.kind, EntityKind::Person);
        assert_eq!(s.mentions, 2);
        assert_eq!(s.sources.len(), 2);
        let m = t.lookup("abdul mahdi").unwrap();
        assert_eq!(m.name, "Adel Abdul Mahdi");
        assert!(m.aliases.iter().any(|a| a == "Adil Abdul-Mahdi"));
        assert_eq!(t.lookup("Baghdad’s").unwrap().kind, EntityKind::Place);
        assert_eq!(t.lookup("Soleimany").unwrap().name, "Qassem Soleimani");
        assert!(t.lookup("Despite").is_none());
    }

    #[test]
    fn note_mentions_and_hover() {
        let t = table(
            &[("a.md", "The US bombed Kata'ib Hezbollah (KH) sites. KH denied it. General Qassem Soleimani died.")],
            "",
        );
        let note =
            "Did us forces hit KH? The US says Soleimani and Kata’ib Hezbollah were involved.";
        let found: Vec<&str> = t
            .find_in_note(note)
            .iter()
            .map(|m| &note[m.range.clone()])
            .collect();
        assert_eq!(found, ["KH", "US", "Soleimani", "Kata’ib Hezbollah"]);
        let at = note.find("Soleimani").unwrap() + 3;
        let (m, e) = t.at(note, at).unwrap();
        assert_eq!(&note[m.range], "Soleimani");
        assert_eq!(e.name, "Qassem Soleimani");
        assert!(e.summary().contains("General"));
        let c = t.complete("kat", 10);
        assert_eq!(t.get(c[0].entity).unwrap().name, "Kata'ib Hezbollah");
        assert_eq!(t.search("hezbollah", 10).len(), 1);
    }

    #[test]
    fn registry_extends_and_overrides() {
        let t = table(
            &[(
                "a.md",
                "General Qassem Soleimani died. Read More about Anti-Empire now.",
            )],
            r#"
ignore = ["Anti-Empire"]
[[entity]]
name = "Qasem Soleimani"
kind = "person"
aliases = ["Qassem Soleimani", "Haj Qassem"]
description = "Commander of the Quds Force"
links = ["https://example.org/qs"]

[[entity]]
name = "Esmail Qaani"
kind = "person"
"#,
        );
        let s = t.lookup("Haj Qassem").unwrap();
        assert_eq!(s.name, "Qasem Soleimani");
        assert_eq!(s.mentions, 1);
        assert_eq!(s.descriptions[0].source, "entities.toml");
        assert!(s.registered && s.links.len() == 1);
        assert!(t.lookup("Anti-Empire").is_none());
        assert_eq!(t.lookup("Esmail Qaani").unwrap().mentions, 0);
    }
}
