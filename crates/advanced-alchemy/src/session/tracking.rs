//! What a session has written, for the read cache: the tables each transaction level
//! wrote (invalidated when the outermost transaction commits) and whether the
//! transaction has written at all (its reads are then never cached).
//!
//! Nothing is tracked until a cache is attached ([`Session::with_cache`](super::Session::with_cache)),
//! so sessions without one pay nothing.

use super::actions::Action;
use crate::cache::Cache;
use crate::routing::statement::{StatementKind, classify};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The tables one transaction level wrote.
#[derive(Default)]
struct Level {
    tables: Mutex<BTreeSet<String>>,
    /// A write whose table could not be read (DDL, raw SQL): invalidate everything.
    unknown: AtomicBool,
    /// The after-commit invalidation of this level has been queued.
    queued: AtomicBool,
}

impl Level {
    fn note(&self, kind: &StatementKind) {
        match kind {
            StatementKind::Write { table: Some(t) } => {
                self.tables
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(t.clone());
            }
            StatementKind::Write { table: None } | StatementKind::Other => {
                self.unknown.store(true, Ordering::Release);
            }
            StatementKind::Read | StatementKind::PrimaryRead => {}
        }
    }

    fn take(&self) -> (Vec<String>, bool) {
        let tables = std::mem::take(
            &mut *self
                .tables
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        (
            tables.into_iter().collect(),
            self.unknown.swap(false, Ordering::AcqRel),
        )
    }
}

#[derive(Default)]
pub(crate) struct Tracking {
    cache: Option<Cache>,
    level: Arc<Level>,
    /// Whether the transaction (all its levels) has written.
    wrote: Arc<AtomicBool>,
}

impl Tracking {
    pub(crate) fn attach(&mut self, cache: Cache) {
        self.cache = Some(cache);
    }

    pub(crate) fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    pub(crate) fn active(&self) -> bool {
        self.cache.is_some()
    }

    pub(crate) fn has_written(&self) -> bool {
        self.wrote.load(Ordering::Acquire)
    }

    /// The tracking of an outermost transaction opened from an autocommit session.
    pub(crate) fn outermost(&self) -> Self {
        Self {
            cache: self.cache.clone(),
            ..Self::default()
        }
    }

    /// The tracking of a savepoint: its own level, the transaction's written flag.
    pub(crate) fn savepoint(&self) -> Self {
        Self {
            cache: self.cache.clone(),
            level: Arc::default(),
            wrote: Arc::clone(&self.wrote),
        }
    }

    /// Notes `sql` run inside a transaction; the first write of this level returns the
    /// after-commit action that invalidates what the level wrote.
    pub(crate) fn note_in_transaction(&self, sql: &str) -> Option<Action> {
        let kind = classify(sql);
        if !kind.writes() {
            return None;
        }
        self.wrote.store(true, Ordering::Release);
        self.level.note(&kind);
        let cache = self.cache.clone()?;
        if self.level.queued.swap(true, Ordering::AcqRel) {
            return None;
        }
        let level = Arc::clone(&self.level);
        Some(Box::pin(async move {
            let (tables, unknown) = level.take();
            cache.invalidate_tables(&tables, unknown).await;
        }))
    }

    /// Notes `sql` that has just committed on its own: invalidates at once.
    pub(crate) async fn note_autocommit(&self, sql: &str) {
        let kind = classify(sql);
        if !kind.writes() {
            return;
        }
        if let Some(cache) = &self.cache {
            let (tables, unknown) = match kind {
                StatementKind::Write { table: Some(t) } => (vec![t], false),
                _ => (Vec::new(), true),
            };
            cache.invalidate_tables(&tables, unknown).await;
        }
    }
}
