//! The index in the background: opened (and brought up to date) when the server starts, again
//! when the sources setting or `sourced.toml` changes, and updated file by file when watched
//! source files change. The entity table is built in the background after each of those, and
//! when `entities.toml` changes. Opens and updates run one at a time (`IndexSlot::jobs`), on the
//! blocking pool; requests are answered meanwhile.

use super::progress::Progress;
use super::server::Server;
use super::state::{blocking, IndexStatus};
use crate::check::{Checker, OpenReport};
use crate::config::{Workspace, FILE_NAME};
use crate::entities::registry::FILE_NAME as ENTITIES_FILE;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::MessageType;

impl Server {
    /// Where the workspace is looked for: the workspace folder, else the first note opened.
    fn start_path(&self) -> Option<PathBuf> {
        let conf = self.state.conf();
        conf.root.or(conf.first_note)
    }

    /// Open (or re-open) the index in the background.
    pub(crate) fn open_index(&self) {
        let this = self.clone();
        tokio::spawn(async move { this.open_index_now().await });
    }

    async fn open_index_now(&self) {
        let _job = self.state.index.jobs.lock().await;
        let Some(start) = self.start_path() else {
            return;
        };
        let conf = self.state.conf();
        self.set_status(IndexStatus::Building).await;
        // Closing the old index waits for checks that use it: not on the async runtime.
        let state = self.state.clone();
        blocking("closing the index", move || state.index.replace(None)).await;
        self.state.sources.clear();
        if !conf.settings.index_delay.is_zero() {
            tokio::time::sleep(conf.settings.index_delay).await;
        }
        let progress = Progress::begin(
            &self.client,
            conf.caps.work_done_progress,
            "sourced: indexing sources",
            format!("looking for {FILE_NAME} from {}", start.display()),
        )
        .await;
        let settings = conf.settings.clone();
        let found = blocking("reading the configuration", move || {
            Workspace::discover(&start).map(|mut ws| {
                if let Some(n) = settings.min_words {
                    ws.config.min_words = n;
                }
                ws
            })
        })
        .await;
        let ws = match found {
            Some(Ok(ws)) => ws,
            Some(Err(e)) => return self.index_failed(progress, e.to_string()).await,
            None => return self.index_failed(progress, "internal error".into()).await,
        };
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
            Some(Ok(opened)) => opened,
            Some(Err(e)) => return self.index_failed(progress, e.to_string()).await,
            None => return self.index_failed(progress, "internal error".into()).await,
        };
        // An index that was just created (or rebuilt) holds nothing yet: checking with it
        // would flag every quotation, so it is filled before it is used. Otherwise notes are
        // checked with the index as last written while the sources are walked for changes.
        let state = self.state.clone();
        let opened_as_is = messages.is_empty() && !checker.index().is_empty();
        let refreshed = if opened_as_is {
            state.index.replace(Some(checker));
            self.set_status(IndexStatus::Ready).await;
            tracing::info!(
                "index open in {} ms; looking for changed sources",
                started.elapsed().as_millis()
            );
            self.recheck_all(Duration::ZERO);
            self.refresh_inlay_hints();
            progress.report("looking for changed sources".into()).await;
            let slot = state.clone();
            let found = blocking("looking for sources", move || {
                slot.index.with(|c| c.discover_sources())
            })
            .await
            .flatten();
            match found {
                Some(found) => blocking("updating the index", move || {
                    state.index.with_mut(|c| c.refresh_with(found))
                })
                .await
                .flatten(),
                None => None,
            }
        } else {
            blocking("building the index", move || {
                let checker = checker;
                let report = checker.refresh();
                // A failed build leaves nothing to check with.
                if report.is_ok() {
                    state.index.replace(Some(checker));
                }
                report
            })
            .await
        };
        match refreshed {
            Some(Ok(mut report)) => {
                report.messages.splice(0..0, messages);
                self.set_status(IndexStatus::Ready).await;
                let summary = self.report_open(&report, started.elapsed()).await;
                progress.end(summary).await;
                if !opened_as_is || report.refresh.changed() {
                    self.recheck_all(Duration::ZERO);
                    self.refresh_inlay_hints();
                }
                self.build_entities();
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
                self.build_entities();
            }
            Some(Err(e)) => self.index_failed(progress, e.to_string()).await,
            None => self.index_failed(progress, "internal error".into()).await,
        }
    }

    async fn index_failed(&self, progress: Progress, message: String) {
        self.set_status(IndexStatus::Failed(message.clone())).await;
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
        if !report.warnings.is_empty() {
            let n = report.warnings.len();
            self.client
                .show_message(
                    MessageType::WARNING,
                    format!(
                        "sourced: {n} source file{} could not be indexed (details in the log)",
                        if n == 1 { "" } else { "s" }
                    ),
                )
                .await;
        }
        if let Some(none) = &report.no_sources {
            self.client
                .show_message(
                    MessageType::WARNING,
                    format!(
                        "sourced: {none}. Quotations cannot be verified until there are \
                         sources: set `sources` in {FILE_NAME} or in the editor's sourced settings."
                    ),
                )
                .await;
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

    /// Source files changed on disk: re-index just those, then check the open notes again.
    /// A changed `sourced.toml` re-opens the whole workspace.
    pub(crate) fn update_sources(&self, paths: Vec<PathBuf>) {
        let this = self.clone();
        tokio::spawn(async move {
            let config_changed = paths
                .iter()
                .any(|p| p.file_name().is_some_and(|n| n == FILE_NAME));
            if config_changed {
                this.open_index_now().await;
                return;
            }
            let (registry, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
                .into_iter()
                .partition(|p| p.file_name().is_some_and(|n| n == ENTITIES_FILE));
            if !registry.is_empty() {
                this.state.index.forget_registry();
            }
            let changed = !paths.is_empty() && this.update_files(paths).await;
            if changed {
                this.recheck_all(Duration::ZERO);
            }
            if changed || !registry.is_empty() {
                this.build_entities();
            }
        });
    }

    /// Re-index `paths`; whether the index changed.
    async fn update_files(&self, paths: Vec<PathBuf>) -> bool {
        let _job = self.state.index.jobs.lock().await;
        let state = self.state.clone();
        let list = paths.clone();
        let result = blocking("updating the index", move || {
            state.index.with_mut(|c| c.update_files(&list))
        })
        .await;
        self.state.sources.forget(&paths);
        match result {
            Some(Some(Ok(r))) => {
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
            Some(Some(Err(e))) => {
                self.client
                    .log_message(MessageType::ERROR, format!("updating the index: {e}"))
                    .await;
                false
            }
            // Not open yet: opening reads the files as they are now.
            Some(None) | None => false,
        }
    }

    /// Build the entity table in the background, so that the first hover does not wait.
    fn build_entities(&self) {
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let slot = state.clone();
            let built = blocking("building the entity table", move || {
                slot.index.entities().map(|e| e.table.len())
            })
            .await
            .flatten();
            // A broken `entities.toml` is reported, not fatal: extracted entities still work.
            if let Some(e) = state.index.take_registry_error() {
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
}

/// File paths of watched-file URIs.
pub fn paths_of<'a>(
    uris: impl Iterator<Item = &'a tower_lsp_server::ls_types::Uri>,
) -> Vec<PathBuf> {
    uris.filter_map(|u| {
        u.to_file_path()
            .map(|p| crate::config::absolute(Path::new(&*p)))
    })
    .collect()
}
