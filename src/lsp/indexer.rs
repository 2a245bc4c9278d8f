//! The index of each folder, kept up to date in the background by one task per folder (its
//! indexer). The task takes jobs from a queue (`Folder::request`): open (at start, and when
//! `sourced.toml` or the sources setting changes) and update (watched source files changed).
//! Jobs that queue up while one runs are merged: an open swallows the updates, updates are
//! joined into one.
//!
//! Invariants:
//! - Requests and checks never wait for the indexer. It works on an `Arc` of the folder's
//!   checker and holds no lock of ours while it waits for tantivy's writer lock (another
//!   `sourced` process may hold it for a while) or does index I/O; checks meanwhile use the
//!   index as last committed.
//! - After a change is committed the folder's generation moves on and every open note is
//!   checked again; pull clients are asked to pull again (`workspace/diagnostic/refresh`).
//! - Jobs of one folder run one at a time, in the order they were asked for.

use super::folder::{Folder, IndexJob, IndexStatus};
use super::progress::Progress;
use super::session::Session;
use super::sync::blocking;
use crate::check::{Checker, OpenReport};
use crate::config::{Workspace, FILE_NAME};
use crate::entities::registry::FILE_NAME as ENTITIES_FILE;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tower_lsp_server::ls_types::MessageType;

impl Session {
    /// Start `folder`'s indexer (once) with an open job.
    pub(crate) fn start_indexer(&self, folder: Arc<Folder>) {
        let (tx, rx) = unbounded_channel();
        if folder.jobs.set(tx).is_err() {
            return;
        }
        folder.request(IndexJob::Open);
        let this = self.clone();
        tokio::spawn(async move { this.run_indexer(folder, rx).await });
    }

    async fn run_indexer(&self, folder: Arc<Folder>, mut rx: UnboundedReceiver<IndexJob>) {
        while let Some(job) = rx.recv().await {
            let mut jobs = vec![job];
            while let Ok(more) = rx.try_recv() {
                jobs.push(more);
            }
            if jobs.iter().any(|j| matches!(j, IndexJob::Close)) {
                folder.replace(None);
                return;
            }
            if jobs.iter().any(|j| matches!(j, IndexJob::Open)) {
                self.open_index(&folder).await;
                continue;
            }
            let paths: Vec<PathBuf> = jobs
                .into_iter()
                .flat_map(|j| match j {
                    IndexJob::Update(p) => p,
                    _ => Vec::new(),
                })
                .collect();
            self.update_sources(&folder, paths).await;
        }
    }

    async fn open_index(&self, folder: &Arc<Folder>) {
        let conf = self.state.conf();
        self.set_status(folder, IndexStatus::Building).await;
        // Closing the old index waits for nothing: checks keep their own `Arc` of it.
        folder.replace(None);
        folder.sources.clear();
        if !conf.settings.index_delay.is_zero() {
            tokio::time::sleep(conf.settings.index_delay).await;
        }
        let start = folder.start.clone();
        let progress = Progress::begin(
            &self.client,
            conf.caps.work_done_progress,
            "sourced: indexing sources",
            format!("looking for {FILE_NAME} from {}", start.display()),
        )
        .await;
        let found = blocking("reading the configuration", move || {
            Workspace::discover(&start)
        })
        .await;
        let ws = match found {
            Some(Ok(ws)) => ws,
            Some(Err(e)) => return self.index_failed(folder, progress, e.to_string()).await,
            None => {
                return self
                    .index_failed(folder, progress, "internal error".into())
                    .await
            }
        };
        folder.set_root(ws.root.clone());
        let overrides = conf.settings.sources.clone();
        progress
            .report(format!(
                "indexing {} in {}",
                ws.sources(&overrides).join(", "),
                ws.root.display()
            ))
            .await;
        let started = Instant::now();
        let opened = blocking("opening the index", move || {
            Checker::open_as_is(ws, &overrides)
        })
        .await;
        let (checker, messages) = match opened {
            Some(Ok((c, m))) => (Arc::new(c), m),
            Some(Err(e)) => return self.index_failed(folder, progress, e.to_string()).await,
            None => {
                return self
                    .index_failed(folder, progress, "internal error".into())
                    .await
            }
        };
        // An index that was just created (or rebuilt) holds nothing yet: checking with it
        // would flag every quotation, so it is filled before it is used. Otherwise notes are
        // checked with the index as last written while the sources are walked for changes.
        let opened_as_is = messages.is_empty() && checker.index().is_complete();
        if opened_as_is {
            folder.replace(Some(checker.clone()));
            self.set_status(folder, IndexStatus::Ready).await;
            tracing::info!(
                "index open in {} ms; looking for changed sources",
                started.elapsed().as_millis()
            );
            self.index_changed();
            progress.report("looking for changed sources".into()).await;
        }
        let c = checker.clone();
        let refreshed = blocking("updating the index", move || c.refresh()).await;
        match refreshed {
            // Another process holds the index writer while the index is still empty: checking
            // with it would call every quotation "not found". Try again shortly.
            Some(Ok(report)) if !opened_as_is && report.refresh.stale.is_some() => {
                progress
                    .end("waiting for another sourced process that is building the index".into())
                    .await;
                tracing::warn!("{}", report.refresh.stale.unwrap_or_default());
                let folder = folder.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    folder.request(IndexJob::Open);
                });
            }
            Some(Ok(mut report)) => {
                report.messages.splice(0..0, messages);
                let can_create = checker.workspace.file.is_none();
                let changed = report.refresh.changed();
                if !opened_as_is {
                    folder.replace(Some(checker));
                } else if changed {
                    folder.changed();
                }
                self.set_status(folder, IndexStatus::Ready).await;
                let summary = self.report_open(&report, started.elapsed()).await;
                progress.end(summary).await;
                if let Some(none) = report.no_sources {
                    self.tell_no_sources(folder, none, can_create);
                }
                if !opened_as_is || changed {
                    self.index_changed();
                }
                self.build_entities(folder);
            }
            // The index as last written still answers: say it may be out of date.
            failed if opened_as_is => {
                let e = match failed {
                    Some(Err(e)) => e.to_string(),
                    _ => "internal error".to_string(),
                };
                progress.end("not brought up to date".into()).await;
                self.client
                    .show_message(
                        MessageType::WARNING,
                        format!(
                            "sourced: cannot bring the index up to date with the sources ({e}); \
                             quotations are checked against the index as last written"
                        ),
                    )
                    .await;
                self.build_entities(folder);
            }
            Some(Err(e)) => self.index_failed(folder, progress, e.to_string()).await,
            None => {
                self.index_failed(folder, progress, "internal error".into())
                    .await
            }
        }
    }

    /// The index changed: check the open notes again and ask pull clients to pull again.
    fn index_changed(&self) {
        self.recheck_all(Duration::ZERO);
        self.refresh_inlay_hints();
        self.refresh_code_lenses();
        self.refresh_diagnostics();
    }

    async fn index_failed(&self, folder: &Folder, progress: Progress, message: String) {
        self.set_status(folder, IndexStatus::Failed(message.clone()))
            .await;
        progress.end("failed".into()).await;
        self.client
            .show_message(
                MessageType::ERROR,
                format!("sourced: cannot open the index of the sources: {message}"),
            )
            .await;
    }

    /// Tell the user what opening the index found; returns a one-line summary.
    async fn report_open(&self, report: &OpenReport, elapsed: Duration) -> String {
        for m in &report.messages {
            self.client.log_message(MessageType::INFO, m).await;
        }
        for w in &report.warnings {
            self.client
                .log_message(MessageType::WARNING, format!("{w}"))
                .await;
        }
        if let Some(first) = report.warnings.first() {
            // The first problem in full (a missing folder is not a file "not indexed").
            let more = match report.warnings.len() - 1 {
                0 => String::new(),
                1 => " (and 1 more problem with the sources: see the log)".to_string(),
                n => format!(" (and {n} more problems with the sources: see the log)"),
            };
            self.client
                .show_message(MessageType::WARNING, format!("sourced: {first}{more}"))
                .await;
        }
        if let Some(none) = &report.no_sources {
            self.client.log_message(MessageType::WARNING, none).await;
        }
        let r = &report.refresh;
        let summary = format!(
            "{} sources indexed ({} added, {} updated, {} removed) in {} ms",
            r.sources,
            r.added,
            r.updated,
            r.removed,
            elapsed.as_millis()
        );
        self.client.log_message(MessageType::INFO, &summary).await;
        summary
    }

    /// Files changed on disk: hand them to every folder's indexer (each keeps what is its).
    pub(crate) fn files_changed(&self, paths: Vec<PathBuf>) {
        for folder in self.state.folders() {
            folder.request(IndexJob::Update(paths.clone()));
        }
    }

    /// Re-index the changed source files of `folder`, then check the open notes again. A
    /// changed `sourced.toml` re-opens the folder; a changed `entities.toml` rebuilds the
    /// entity table.
    async fn update_sources(&self, folder: &Arc<Folder>, paths: Vec<PathBuf>) {
        let root = folder.root();
        let config_changed = paths.iter().any(|p| {
            p.file_name().is_some_and(|n| n == FILE_NAME) && root.starts_with(folder_of(p))
        });
        if config_changed {
            return self.open_index(folder).await;
        }
        // A bibliography a check read changed: the notes are checked again (a new index
        // generation, so that pulled results made with the old file are not reused).
        let bibliography_changed = folder
            .snapshot()
            .is_some_and(|s| paths.iter().any(|p| s.checker.reads_bibliography(p)));
        let (registry, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
            .into_iter()
            .partition(|p| p.file_name().is_some_and(|n| n == ENTITIES_FILE));
        if !registry.is_empty() {
            folder.forget_registry();
        }
        let changed = !paths.is_empty() && self.update_files(folder, paths).await;
        if bibliography_changed && !changed {
            folder.changed();
        }
        if changed || bibliography_changed {
            self.index_changed();
        }
        if changed || !registry.is_empty() {
            self.build_entities(folder);
        }
    }

    /// Re-index `paths`; whether the index changed.
    async fn update_files(&self, folder: &Arc<Folder>, paths: Vec<PathBuf>) -> bool {
        // Not open yet: opening reads the files as they are now.
        let Some(snap) = folder.snapshot() else {
            return false;
        };
        let list = paths.clone();
        let result = blocking("updating the index", move || {
            snap.checker.update_files(&list)
        })
        .await;
        folder.sources.forget(&paths);
        match result {
            Some(Ok(r)) => {
                if let Some(stale) = &r.stale {
                    self.client.log_message(MessageType::WARNING, stale).await;
                }
                for w in &r.warnings {
                    self.client
                        .log_message(MessageType::WARNING, format!("{w}"))
                        .await;
                }
                let changed = r.added + r.updated + r.removed > 0;
                if changed {
                    folder.changed();
                    self.publish_status().await;
                    self.client
                        .log_message(
                            MessageType::INFO,
                            format!(
                                "sources changed: {} added, {} updated, {} removed ({} ms)",
                                r.added,
                                r.updated,
                                r.removed,
                                r.elapsed.as_millis()
                            ),
                        )
                        .await;
                }
                changed
            }
            Some(Err(e)) => {
                self.client
                    .log_message(MessageType::ERROR, format!("updating the index: {e}"))
                    .await;
                false
            }
            None => false,
        }
    }

    /// Build the entity table in the background, so that the first hover does not wait.
    fn build_entities(&self, folder: &Arc<Folder>) {
        let Some(snap) = folder.snapshot() else {
            return;
        };
        let client = self.client.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let s = snap.clone();
            let built = blocking("building the entity table", move || {
                s.entities().map(|e| e.table.len())
            })
            .await
            .flatten();
            // A broken `entities.toml` is reported, not fatal: extracted entities still work.
            if let Some(e) = snap.folder.take_registry_error() {
                client
                    .show_message(
                        MessageType::WARNING,
                        format!("sourced: {e} (using the entities found in the sources)"),
                    )
                    .await;
            }
            if let Some(n) = built {
                tracing::info!(
                    "entity table: {n} entities in {} ms",
                    started.elapsed().as_millis()
                );
            }
        });
    }

    /// Ask the client to fetch inlay hints again, if it can.
    pub(crate) fn refresh_inlay_hints(&self) {
        if !self.state.conf().caps.inlay_hint_refresh {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.inlay_hint_refresh().await {
                tracing::debug!("inlay hint refresh: {e}");
            }
        });
    }

    /// Ask a pull client to pull diagnostics again, if it can.
    pub(crate) fn refresh_diagnostics(&self) {
        if !self.state.conf().caps.diagnostic_refresh {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.workspace_diagnostic_refresh().await {
                tracing::debug!("diagnostic refresh: {e}");
            }
        });
    }
}

fn folder_of(p: &Path) -> &Path {
    p.parent().unwrap_or(p)
}

/// File paths of watched-file URIs.
pub fn paths_of<'a>(
    uris: impl Iterator<Item = &'a tower_lsp_server::ls_types::Uri>,
) -> Vec<PathBuf> {
    uris.filter_map(|u| super::sources::uri_path(u).map(|p| crate::config::absolute(&p)))
        .collect()
}
