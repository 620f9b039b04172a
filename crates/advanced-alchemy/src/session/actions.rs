//! What a session does once its transaction is over: the actions queued with
//! [`Session::after_commit`](super::Session::after_commit) and
//! [`Session::after_rollback`](super::Session::after_rollback).
//!
//! Each transaction level (the outermost transaction and every savepoint) has its own
//! two queues. When a savepoint is released its queues move to the enclosing level, which
//! decides later; when it is rolled back its after-rollback actions run and its
//! after-commit actions are forgotten. Only the outermost commit runs after-commit
//! actions, because only then is anything durable.

use sea_orm::{DbErr, RuntimeErr};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

/// A queued action: a future not yet polled (futures do nothing until awaited).
pub(crate) type Action = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

#[derive(Default)]
struct Queues {
    after_commit: Vec<Action>,
    after_rollback: Vec<Action>,
    /// The level has ended (committed, rolled back or dropped); nothing more is queued here.
    closed: bool,
    /// `COMMIT` has been sent: if the session is dropped now (its `commit` future
    /// cancelled), the outcome is unknown.
    committing: bool,
}

impl Queues {
    fn take(&mut self) -> (Vec<Action>, Vec<Action>) {
        self.closed = true;
        (
            std::mem::take(&mut self.after_commit),
            std::mem::take(&mut self.after_rollback),
        )
    }
}

/// A poisoned queue only means another task panicked while pushing; the queue itself is
/// still consistent, so recover it.
fn lock(queues: &Mutex<Queues>) -> MutexGuard<'_, Queues> {
    queues
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The queues of one transaction level, and of the level enclosing it when it is a
/// savepoint.
///
/// Dropped while still open (the session was dropped without `commit` or `rollback`, so
/// SeaORM rolls its transaction back), it spawns its after-rollback actions on the
/// current tokio runtime — unless it was dropped in the middle of `commit`, when the
/// outcome is unknown: then a savepoint hands them to its parent and an outermost
/// transaction runs nothing.
pub(crate) struct Actions {
    own: Arc<Mutex<Queues>>,
    parent: Option<Arc<Mutex<Queues>>>,
}

impl Actions {
    /// The queues of an outermost transaction (or of an autocommit session).
    pub(crate) fn root() -> Self {
        Self {
            own: Arc::default(),
            parent: None,
        }
    }

    /// The queues of a savepoint inside this level.
    pub(crate) fn savepoint(&self) -> Self {
        Self {
            own: Arc::default(),
            parent: Some(Arc::clone(&self.own)),
        }
    }

    pub(crate) fn push_after_commit(&self, action: Action) {
        self.push(action, |q| &mut q.after_commit);
    }

    pub(crate) fn push_after_rollback(&self, action: Action) {
        self.push(action, |q| &mut q.after_rollback);
    }

    fn push(&self, action: Action, queue: fn(&mut Queues) -> &mut Vec<Action>) {
        let mut queues = lock(&self.own);
        if queues.closed {
            // only reachable through a session that has ended; it cannot be used any more
            tracing::warn!("action queued on a session that has already ended; it will not run");
            return;
        }
        queue(&mut queues).push(action);
    }

    /// `COMMIT` (or `RELEASE SAVEPOINT`) is about to be sent.
    pub(crate) fn committing(&self) {
        lock(&self.own).committing = true;
    }

    /// The transaction (or savepoint) committed.
    pub(crate) async fn committed(self) {
        let (after_commit, after_rollback) = lock(&self.own).take();
        match &self.parent {
            Some(parent) => hand_over(parent, after_commit, after_rollback),
            None => run_all(after_commit).await,
        }
    }

    /// The transaction (or savepoint) rolled back.
    pub(crate) async fn rolled_back(self) {
        let (_, after_rollback) = lock(&self.own).take();
        run_all(after_rollback).await;
    }

    /// `COMMIT` (or `RELEASE SAVEPOINT`) failed with `err`.
    ///
    /// A savepoint hands everything to its parent, which decides when it ends. For the
    /// outermost transaction, an error the server sent means nothing was committed, so
    /// the after-rollback actions run; any other error (the connection broke) leaves the
    /// outcome unknown, and then nothing runs: an orphaned object in storage is better
    /// than a committed row whose content was deleted.
    pub(crate) async fn commit_failed(self, err: &DbErr) {
        let (after_commit, after_rollback) = lock(&self.own).take();
        match &self.parent {
            Some(parent) => hand_over(parent, after_commit, after_rollback),
            None if refused_by_server(err) => run_all(after_rollback).await,
            None => {
                if !after_rollback.is_empty() || !after_commit.is_empty() {
                    tracing::warn!(
                        error = %err,
                        skipped = after_commit.len() + after_rollback.len(),
                        "commit outcome unknown; after-commit and after-rollback actions skipped"
                    );
                }
            }
        }
    }

    /// `ROLLBACK TO SAVEPOINT` failed: the savepoint's work may survive if the enclosing
    /// transaction commits, so its after-rollback actions wait for the parent's outcome.
    /// (An outermost transaction that fails to roll back is not committed either way.)
    pub(crate) async fn rollback_failed(self) {
        let (_, after_rollback) = lock(&self.own).take();
        match &self.parent {
            Some(parent) => hand_over(parent, Vec::new(), after_rollback),
            None => run_all(after_rollback).await,
        }
    }
}

impl Drop for Actions {
    fn drop(&mut self) {
        let (committing, after_rollback) = {
            let mut queues = lock(&self.own);
            if queues.closed {
                return;
            }
            (queues.committing, queues.take().1)
        };
        if after_rollback.is_empty() {
            return;
        }
        if committing {
            // `commit` was cancelled while `COMMIT` was under way: the rows may be
            // committed, so their new content must stay. A savepoint's parent still
            // decides: if it rolls back, so did this.
            if let Some(parent) = &self.parent {
                hand_over(parent, Vec::new(), after_rollback);
                return;
            }
            tracing::warn!(
                skipped = after_rollback.len(),
                "session dropped while committing; its after-rollback actions did not run"
            );
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(run_all(after_rollback));
            }
            Err(_) => tracing::warn!(
                skipped = after_rollback.len(),
                "session dropped outside a tokio runtime; its after-rollback actions did not run"
            ),
        }
    }
}

fn hand_over(parent: &Mutex<Queues>, after_commit: Vec<Action>, after_rollback: Vec<Action>) {
    let mut parent = lock(parent);
    if parent.closed {
        // the enclosing session ended before this savepoint did: whatever it did is
        // decided already, and running either queue could be wrong
        if !after_commit.is_empty() || !after_rollback.is_empty() {
            tracing::warn!(
                skipped = after_commit.len() + after_rollback.len(),
                "savepoint outlived its enclosing session; its actions were dropped"
            );
        }
        return;
    }
    parent.after_commit.extend(after_commit);
    parent.after_rollback.extend(after_rollback);
}

async fn run_all(actions: Vec<Action>) {
    for action in actions {
        action.await;
    }
}

/// Whether the database itself answered with an error (so it did not commit), as opposed
/// to the connection failing with the outcome unknown.
fn refused_by_server(err: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    matches!(e.as_ref(), sea_orm::sqlx::Error::Database(_))
}
