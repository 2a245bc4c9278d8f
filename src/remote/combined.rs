//! [`AllSources`]: the local index and the remote archives as one [`Retriever`]. A quotation
//! is looked for in all of them; a source path `NAME:ID` belongs to archive `NAME`, any other
//! to the local index. Citation keys and addresses resolve locally first: an archive is
//! asked only for those no local source answers to.

use super::RemoteArchive;
use crate::index::retrieve::{CandidateQuery, Region};
use crate::index::{IndexError, Retriever, SourceIndex, SourceInfo, SpeakerFacts};
use std::sync::Arc;

/// The local index and the archives of one workspace.
pub struct AllSources<'a> {
    pub local: &'a SourceIndex,
    pub remotes: &'a [RemoteArchive],
}

impl AllSources<'_> {
    /// The archive holding `path`, if it is a remote document.
    pub fn archive_of(&self, path: &str) -> Option<&RemoteArchive> {
        self.remotes.iter().find(|r| r.id_of(path).is_some())
    }
}

impl AllSources<'_> {
    /// What `ask` finds in the local index, else in every archive (a local source wins, and
    /// an archive is asked only when no local source answers).
    fn local_first(
        &self,
        ask: impl Fn(&dyn Retriever) -> Result<Vec<String>, IndexError>,
    ) -> Result<Vec<String>, IndexError> {
        let local = ask(self.local)?;
        if !local.is_empty() {
            return Ok(local);
        }
        let mut found = Vec::new();
        for r in self.remotes {
            found.extend(ask(r)?);
        }
        Ok(found)
    }
}

impl Retriever for AllSources<'_> {
    fn regions(&self, query: &CandidateQuery) -> Result<Vec<Region>, IndexError> {
        if let Some(path) = &query.only_path {
            return match self.archive_of(path) {
                Some(r) => r.regions(query),
                None => self.local.regions(query),
            };
        }
        // Local regions first, then each archive's: scores of different backends do not
        // compare, and the matcher weighs every region by its alignment.
        let mut regions = self.local.regions(query)?;
        for r in self.remotes {
            regions.extend(r.regions(query)?);
        }
        Ok(regions)
    }

    fn source_info(&self, path: &str) -> Result<Option<SourceInfo>, IndexError> {
        match self.archive_of(path) {
            Some(r) => r.source_info(path),
            None => self.local.source_info(path),
        }
    }

    fn resolve_key(&self, key: &str) -> Result<Vec<String>, IndexError> {
        if let Some(r) = self.archive_of(key) {
            return r.resolve_key(key);
        }
        self.local_first(|r| r.resolve_key(key))
    }

    fn resolve_url(&self, url: &str) -> Result<Vec<String>, IndexError> {
        self.local_first(|r| r.resolve_url(url))
    }

    fn speaker_facts(&self, path: &str) -> Result<Option<Arc<SpeakerFacts>>, IndexError> {
        match self.archive_of(path) {
            Some(r) => r.speaker_facts(path),
            None => self.local.speaker_facts(path),
        }
    }

    fn sources(&self) -> Result<Vec<SourceInfo>, IndexError> {
        // An archive of millions is not listed: mistyped keys are suggested from local ones.
        self.local.sources()
    }
}
