//! Alias merging: which names stand for the same entity. Used twice with the same rules: on
//! the names of one source (extraction), then on the entities of all sources (the table).
//!
//! Rules, in order (each a union of clusters):
//!
//! 1. the same [`lookup_key`] (typography, case, possessive, hyphens, spaces, apostrophes);
//! 2. explicit links (acronyms defined in parentheses, `entities.toml` aliases);
//! 3. the built-in groups of well-known equivalences ([`super::builtin`]);
//! 4. the same name without particles (`Ali al-Sistani` / `Ali Sistani`);
//! 5. transliteration variants ([`keys::variants`]: `Adel` / `Adil Abdul Mahdi`);
//! 6. acronyms and the initials of a multi-word organisation or place (`KH` /
//!    `Kataib Hezbollah`), when only one cluster fits;
//! 7. a surname (or surname-like tail, `Abdul Mahdi`) or a lone given name (`Saddam`) of a
//!    person named in full, when only one person fits;
//! 8. the first two or more words of a longer organisation name (`Popular Mobilization` /
//!    `Popular Mobilization Forces`), the most mentioned one when several fit.
//!
//! Weak nodes (names seen only at sentence starts or in title-case lines) take part in rule 1
//! only.

use super::builtin;
use super::found::EntityKind;
use super::keys::{self, is_acronym, lookup_key, parts};
use super::lexicon::ROLE_ACRONYMS;
use super::places;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A name or a group of names known to go together.
#[derive(Debug, Clone, Default)]
pub struct Node<'a> {
    /// Surface forms (borrowed from the text or the stored entities).
    pub surfaces: Vec<&'a str>,
    pub kind: EntityKind,
    /// Mentions (for choosing among several fits).
    pub weight: usize,
    pub weak: bool,
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // Keep the smaller index as the root: stable, deterministic results.
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.parent[hi] = lo;
        }
    }
}

/// Initials of a multi-word name: the first letter of each capitalised part (particles and
/// lowercase function words skipped): `Harakat Hezbollah al-Nujaba` → `hhn`,
/// `Islamic State in Iraq and Syria` → `isis`. `None` for fewer than two letters.
pub fn initials(surface: &str) -> Option<String> {
    let mut out = String::new();
    for word in surface.split_whitespace() {
        for piece in word.split('-') {
            let Some(c) = piece.chars().next() else {
                continue;
            };
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            }
        }
    }
    (out.chars().count() >= 2).then_some(out)
}

/// The acronym key of a surface (`U.S.` → `us`), if it is an acronym.
fn acronym_key(surface: &str) -> Option<String> {
    let s = keys::strip_possessive(surface);
    if !is_acronym(s) {
        return None;
    }
    let k = lookup_key(s);
    (!ROLE_ACRONYMS.contains(k.as_str())).then_some(k)
}

/// Cluster kind: the kind with the most weight, named kinds before `other`.
pub fn vote_kind(kinds: impl Iterator<Item = (EntityKind, usize)>) -> EntityKind {
    let mut votes = KindVotes::default();
    for (k, n) in kinds {
        votes.add(k, n);
    }
    votes.winner()
}

/// Weights of the named kinds (person, organisation, place), for [`vote_kind`].
#[derive(Default, Clone, Copy)]
pub struct KindVotes([usize; 3]);

impl KindVotes {
    const NAMED: [EntityKind; 3] = [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Place,
    ];

    pub fn add(&mut self, kind: EntityKind, n: usize) {
        if let Some(i) = Self::NAMED.iter().position(|&k| k == kind) {
            self.0[i] += n.max(1);
        }
    }

    /// The heaviest named kind (the first on a tie), else `other`.
    pub fn winner(&self) -> EntityKind {
        let mut best = EntityKind::Other;
        let mut best_w = 0;
        for (k, &w) in Self::NAMED.iter().zip(&self.0) {
            if w > best_w {
                best = *k;
                best_w = w;
            }
        }
        best
    }
}

/// Group `nodes` into entities; `links` are explicit pairs of node indexes. Returns clusters
/// of node indexes, each sorted, in order of their first node.
pub fn cluster(nodes: &[Node], links: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let n = nodes.len();
    let mut uf = UnionFind::new(n);
    let strong = |i: usize| !nodes[i].weak;

    // 1. Same lookup key.
    let node_keys: Vec<Vec<String>> = nodes
        .iter()
        .map(|nd| {
            let mut ks: Vec<String> = nd.surfaces.iter().map(|s| lookup_key(s)).collect();
            ks.dedup();
            ks
        })
        .collect();
    let mut by_key: HashMap<&str, usize> = HashMap::default();
    for (i, ks) in node_keys.iter().enumerate() {
        for k in ks {
            if k.is_empty() {
                continue;
            }
            match by_key.get(k.as_str()) {
                Some(&j) => uf.union(i, j),
                None => {
                    by_key.insert(k, i);
                }
            }
        }
    }
    // 2. Explicit links.
    for &(a, b) in links {
        if a < n && b < n {
            uf.union(a, b);
        }
    }
    // 3. Built-in groups.
    let mut group_anchor: HashMap<usize, usize> = HashMap::default();
    for (i, ks) in node_keys.iter().enumerate() {
        if !strong(i) {
            continue;
        }
        for k in ks {
            // Names of one listed place (`US`, `America`) are one place.
            if let Some(place) = places::index_of(k) {
                let g = usize::MAX - place;
                match group_anchor.get(&g) {
                    Some(&j) => uf.union(i, j),
                    None => {
                        group_anchor.insert(g, i);
                    }
                }
            }
            if let Some(g) = builtin::group_index(k) {
                match group_anchor.get(&g) {
                    Some(&j) => uf.union(i, j),
                    None => {
                        group_anchor.insert(g, i);
                    }
                }
            }
        }
    }
    // Parts of every multi-word surface of strong nodes.
    let node_parts: Vec<Vec<Vec<String>>> = nodes
        .iter()
        .enumerate()
        .map(|(i, nd)| {
            if !strong(i) {
                return Vec::new();
            }
            nd.surfaces.iter().map(|s| parts(s)).collect()
        })
        .collect();
    // 4. Same name without particles.
    let mut by_bare: HashMap<String, usize> = HashMap::default();
    for (i, ps) in node_parts.iter().enumerate() {
        for p in ps.iter().filter(|p| p.len() >= 2) {
            let k = p.concat();
            match by_bare.get(&k) {
                Some(&j) => uf.union(i, j),
                None => {
                    by_bare.insert(k, i);
                }
            }
        }
    }
    // 5. Transliteration variants: compare names with the same number of parts sharing a part.
    let mut buckets: HashMap<(usize, &str), Vec<(usize, usize)>> = HashMap::default();
    for (i, ps) in node_parts.iter().enumerate() {
        if nodes[i].kind == EntityKind::Place {
            continue;
        }
        for (si, p) in ps.iter().enumerate() {
            if p.len() < 2 {
                continue;
            }
            for part in p {
                buckets
                    .entry((p.len(), part.as_str()))
                    .or_default()
                    .push((i, si));
            }
        }
    }
    let mut compared: HashSet<(usize, usize, usize, usize)> = HashSet::default();
    for list in buckets.values() {
        if list.len() > 64 {
            continue;
        }
        for (x, &(i, si)) in list.iter().enumerate() {
            for &(j, sj) in &list[x + 1..] {
                if i == j || !compared.insert((i, si, j, sj)) {
                    continue;
                }
                let (ki, kj) = (nodes[i].kind, nodes[j].kind);
                if ki != kj && ki != EntityKind::Other && kj != EntityKind::Other {
                    continue;
                }
                if keys::variants(&node_parts[i][si], &node_parts[j][sj]) {
                    uf.union(i, j);
                }
            }
        }
    }
    // Cluster kinds so far.
    let kinds = cluster_kinds(nodes, &mut uf);
    // 6. Acronyms and initials.
    let mut acronyms: HashMap<String, HashSet<usize>> = HashMap::default();
    let mut inits: HashMap<String, HashSet<usize>> = HashMap::default();
    for (i, nd) in nodes.iter().enumerate() {
        if !strong(i) {
            continue;
        }
        let root = uf.find(i);
        for s in &nd.surfaces {
            if let Some(a) = acronym_key(s) {
                acronyms.entry(a).or_default().insert(root);
            } else if s.split_whitespace().count() >= 2
                && !s.split_whitespace().any(is_acronym)
                && kinds.get(root) != Some(&EntityKind::Person)
                && nd.kind != EntityKind::Person
            {
                if let Some(init) = initials(s) {
                    inits.entry(init).or_default().insert(root);
                }
            }
        }
    }
    // An acronym joins a multi-word name only when no other cluster has those initials.
    let mut pairs = Vec::new();
    for (a, roots) in &acronyms {
        if let Some(fits) = inits.get(a) {
            let others: Vec<usize> = fits
                .iter()
                .copied()
                .filter(|f| !roots.contains(f))
                .collect();
            if others.len() == 1 {
                for &r in roots {
                    pairs.push((r, others[0]));
                }
            }
        }
    }
    for (a, b) in pairs {
        uf.union(a, b);
    }
    // 7. Surnames and lone given names of persons named in full.
    let kinds = cluster_kinds(nodes, &mut uf);
    let mut tails: HashMap<String, HashSet<usize>> = HashMap::default();
    let mut firsts: HashMap<String, HashSet<usize>> = HashMap::default();
    for (i, ps) in node_parts.iter().enumerate() {
        let root = uf.find(i);
        if kinds.get(root) != Some(&EntityKind::Person) {
            continue;
        }
        for p in ps.iter().filter(|p| p.len() >= 2) {
            for k in 1..p.len() {
                tails
                    .entry(p[p.len() - k..].concat())
                    .or_default()
                    .insert(root);
            }
            firsts.entry(p[0].clone()).or_default().insert(root);
        }
    }
    let mut pairs = Vec::new();
    // (No person named in full: nothing to join.)
    let persons = if firsts.is_empty() {
        &[][..]
    } else {
        &node_parts[..]
    };
    for (i, ps) in persons.iter().enumerate() {
        let root = uf.find(i);
        let kind = kinds.get(root).copied().unwrap_or_default();
        if !matches!(kind, EntityKind::Person | EntityKind::Other) {
            continue;
        }
        // Only names that are not themselves full names of a person with a surname.
        if ps.iter().any(|p| p.len() >= 3) {
            continue;
        }
        for (si, p) in ps.iter().enumerate() {
            if p.is_empty() || acronym_key(nodes[i].surfaces[si]).is_some() {
                continue;
            }
            let key: std::borrow::Cow<'_, str> = match p.as_slice() {
                [one] => one.as_str().into(),
                _ => p.concat().into(),
            };
            let key = key.as_ref();
            let fits: Vec<usize> = tails
                .get(key)
                .map(|s| s.iter().copied().filter(|&r| r != root).collect())
                .unwrap_or_default();
            if fits.len() == 1 {
                pairs.push((root, fits[0]));
                continue;
            }
            if fits.is_empty() && p.len() == 1 && !tails.contains_key(key) {
                let fits: Vec<usize> = firsts
                    .get(key)
                    .map(|s| s.iter().copied().filter(|&r| r != root).collect())
                    .unwrap_or_default();
                if fits.len() == 1 && kind == EntityKind::Other {
                    pairs.push((root, fits[0]));
                }
            }
        }
    }
    for (a, b) in pairs {
        uf.union(a, b);
    }
    // 8. Leading words of a longer organisation name.
    let kinds = cluster_kinds(nodes, &mut uf);
    let mut weights: HashMap<usize, usize> = HashMap::default();
    for (i, nd) in nodes.iter().enumerate() {
        *weights.entry(uf.find(i)).or_default() += nd.weight;
    }
    let mut prefixes: HashMap<String, HashSet<usize>> = HashMap::default();
    for (i, ps) in node_parts.iter().enumerate() {
        let root = uf.find(i);
        if kinds.get(root) != Some(&EntityKind::Organization) {
            continue;
        }
        for p in ps.iter().filter(|p| p.len() >= 3) {
            for k in 2..p.len() {
                prefixes.entry(p[..k].join(" ")).or_default().insert(root);
            }
        }
    }
    let mut pairs = Vec::new();
    // (No organisation name of three words or more: no prefixes to look up.)
    let candidates = if prefixes.is_empty() {
        &[][..]
    } else {
        &node_parts[..]
    };
    for (i, ps) in candidates.iter().enumerate() {
        let root = uf.find(i);
        if !matches!(
            kinds.get(root),
            Some(EntityKind::Organization | EntityKind::Other)
        ) {
            continue;
        }
        for p in ps.iter().filter(|p| p.len() >= 2) {
            if let Some(fits) = prefixes.get(&p.join(" ")) {
                if fits.contains(&root) {
                    continue;
                }
                if let Some(&best) = fits
                    .iter()
                    .max_by_key(|r| (weights.get(r).copied().unwrap_or(0), usize::MAX - **r))
                {
                    pairs.push((root, best));
                }
            }
        }
    }
    for (a, b) in pairs {
        uf.union(a, b);
    }

    // Clusters are made in order of their first node.
    let mut cluster_of_root: HashMap<usize, usize> = HashMap::default();
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        let root = uf.find(i);
        match cluster_of_root.get(&root) {
            Some(&c) => clusters[c].push(i),
            None => {
                cluster_of_root.insert(root, clusters.len());
                clusters.push(vec![i]);
            }
        }
    }
    clusters
}

/// The kind of each cluster so far, indexed by its root node (entries of other nodes are
/// meaningless).
fn cluster_kinds(nodes: &[Node], uf: &mut UnionFind) -> Vec<EntityKind> {
    let mut votes = vec![KindVotes::default(); nodes.len()];
    for (i, nd) in nodes.iter().enumerate() {
        votes[uf.find(i)].add(nd.kind, nd.weight);
    }
    votes.iter().map(KindVotes::winner).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node<'a>(surfaces: &[&'a str], kind: EntityKind, weight: usize) -> Node<'a> {
        Node {
            surfaces: surfaces.to_vec(),
            kind,
            weight,
            weak: false,
        }
    }

    fn together(clusters: &[Vec<usize>], a: usize, b: usize) -> bool {
        clusters.iter().any(|c| c.contains(&a) && c.contains(&b))
    }

    #[test]
    fn initials_skip_particles_and_function_words() {
        assert_eq!(initials("Harakat Hezbollah al-Nujaba").unwrap(), "hhn");
        assert_eq!(initials("Islamic State in Iraq and Syria").unwrap(), "isis");
        assert_eq!(initials("Kata’ib Hezbollah").unwrap(), "kh");
        assert_eq!(initials("Iraq"), None);
    }

    #[test]
    fn merges_spelling_surname_acronym_and_prefix() {
        use EntityKind::*;
        let nodes = vec![
            node(&["Kata’ib Hezbollah"], Organization, 2), // 0
            node(&["Kataib Hezbollah"], Organization, 1),  // 1
            node(&["KH"], Organization, 3),                // 2
            node(&["Qassem Soleimani"], Person, 2),        // 3
            node(&["Soleimani"], Other, 2),                // 4
            node(&["Adel Abdul Mahdi"], Person, 3),        // 5
            node(&["Adil Abdul-Mahdi"], Person, 1),        // 6
            node(&["Abdul Mahdi"], Other, 1),              // 7
            node(&["Popular Mobilization Forces"], Organization, 3), // 8
            node(&["Popular Mobilization"], Other, 1),     // 9
            node(&["Iraq"], Place, 10),                    // 10
            node(&["Iran"], Place, 10),                    // 11
            node(&["Ali al-Sistani"], Person, 1),          // 12
            node(&["Ali Sistani"], Person, 1),             // 13
            node(&["PMU"], Organization, 1),               // 14
            node(&["Daesh"], Other, 1),                    // 15
            node(&["ISIS"], Organization, 1),              // 16
        ];
        let c = cluster(&nodes, &[]);
        assert!(together(&c, 0, 1) && together(&c, 0, 2));
        assert!(together(&c, 3, 4));
        assert!(together(&c, 5, 6) && together(&c, 5, 7));
        assert!(together(&c, 8, 9) && together(&c, 8, 14));
        assert!(together(&c, 12, 13));
        assert!(together(&c, 15, 16));
        assert!(!together(&c, 10, 11));
        assert!(!together(&c, 3, 5));
    }

    #[test]
    fn ambiguous_surnames_and_weak_nodes_stay_apart() {
        use EntityKind::*;
        let mut weak = node(&["Despite"], Other, 1);
        weak.weak = true;
        let nodes = vec![
            node(&["Donald Trump"], Person, 1),
            node(&["Ivanka Trump"], Person, 1),
            node(&["Trump"], Other, 1),
            weak,
        ];
        let c = cluster(&nodes, &[]);
        assert!(!together(&c, 0, 2) && !together(&c, 1, 2));
        assert_eq!(c.len(), 4);
    }
}
