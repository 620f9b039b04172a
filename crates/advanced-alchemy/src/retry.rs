//! Retried transactions: [`transaction_with_retry`] re-runs a whole transaction when
//! the database aborted it on purpose.
//!
//! Retried: the retryable [`TransientKind`]s of [`Error`](crate::Error) — PostgreSQL,
//! CockroachDB and YugabyteDB `40001` (serialization failure; on CockroachDB the
//! "restart transaction" errors) and `40P01` (deadlock), MySQL/MariaDB 1213
//! (deadlock), SQLite's stale WAL snapshot, a connection lost before `COMMIT` (nothing
//! was committed), no free pool connection — plus MariaDB 1020 (snapshot-isolation
//! conflict), TiDB 9007 (write conflict) and 8028 (schema changed). With
//! [`RetryPolicy::retry_lock_timeouts`], lock wait timeouts (MySQL 1205, PostgreSQL
//! `55P03`, SQLite busy) as well. Statement timeouts never.
//! Each retry rolls the transaction back, waits a jittered exponential backoff ("full
//! jitter": a random delay up to `base · 2^attempt`, capped) and runs the closure again
//! from the start in a new transaction — the full-restart form CockroachDB documents
//! for client-side retries (the `cockroach_restart` savepoint form is not used).
//!
//! Never retried: an **ambiguous commit**. When the connection is lost while `COMMIT`
//! is under way (or CockroachDB answers `40003`), the transaction may have committed;
//! running it again could apply it twice. That is [`RetryError::AmbiguousCommit`], for
//! the caller to resolve (check whether the effect is there). A `40001` *answered* to
//! `COMMIT` is not ambiguous (nothing committed) and is retried.
//!
//! The attempts are bounded ([`RetryPolicy::max_attempts`], default 10); when they run
//! out the error is [`RetryError::Exhausted`], saying how many were made. The whole call
//! runs in a `tracing` span `transaction_with_retry` whose `attempts` field is the
//! number of attempts made.
//!
//! Prior art: cockroach-go's `ExecuteTx` (50 attempts, ambiguous commits reported apart),
//! ActiveRecord's CockroachDB adapter (whole-transaction re-run with backoff);
//! SQLAlchemy's `run_transaction` is unbounded; Python Advanced Alchemy has no retry.

use crate::Session;
use crate::error::TransientKind;
use crate::session::SessionSource;
use crate::transient::{Transient, answered_by_server, classify};
use sea_orm::{DbErr, IsolationLevel, TransactionSession, TransactionTrait};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tracing::Instrument;

/// How [`transaction_with_retry`] retries.
///
/// ```
/// use advanced_alchemy::retry::RetryPolicy;
/// use sea_orm::IsolationLevel;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .backoff(Duration::from_millis(5), Duration::from_millis(500))
///     .isolation_level(IsolationLevel::Serializable)
///     .retry_lock_timeouts(true);
/// assert_eq!(policy.attempts(), 5);
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    isolation_level: Option<IsolationLevel>,
    retry_lock_timeouts: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 10,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(1),
            isolation_level: None,
            retry_lock_timeouts: false,
        }
    }
}

impl RetryPolicy {
    /// Attempts in all, the first included (default 10; at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff: a random delay up to `base · 2^(attempt-1)`, at most `max`
    /// (defaults 10 ms and 1 s).
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// The isolation level of each attempt's transaction (default: the server's).
    /// CockroachDB runs SERIALIZABLE whatever is asked.
    pub fn isolation_level(mut self, level: IsolationLevel) -> Self {
        self.isolation_level = Some(level);
        self
    }

    /// Also retry lock wait timeouts (MySQL 1205, PostgreSQL `55P03`), which are not
    /// deliberate aborts but usually pass (default off).
    pub fn retry_lock_timeouts(mut self, on: bool) -> Self {
        self.retry_lock_timeouts = on;
        self
    }

    /// Whether an attempt that failed so is run again: the retryable transient kinds
    /// ([`TransientKind::is_retryable`]), lock timeouts only when asked for.
    fn retries(&self, kind: Option<Transient>) -> bool {
        match kind {
            Some(Transient::Kind(TransientKind::LockTimeout)) => self.retry_lock_timeouts,
            Some(Transient::Kind(kind)) => kind.is_retryable(),
            _ => false,
        }
    }

    fn delay(&self, attempt: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Where the database error is inside an error type, so the retry wrapper can read its
/// code. Implemented for [`DbErr`] and [`crate::Error`]; implement it for your own error
/// type to return it from the closure.
///
/// ```
/// use advanced_alchemy::retry::HasDbErr;
/// enum AppError { Db(sea_orm::DbErr), Invalid(String) }
/// impl From<sea_orm::DbErr> for AppError { fn from(e: sea_orm::DbErr) -> Self { AppError::Db(e) } }
/// impl HasDbErr for AppError {
///     fn db_err(&self) -> Option<&sea_orm::DbErr> {
///         match self { AppError::Db(e) => Some(e), AppError::Invalid(_) => None }
///     }
/// }
/// ```
pub trait HasDbErr {
    /// The database error this error carries, if any.
    fn db_err(&self) -> Option<&DbErr>;
}

impl HasDbErr for DbErr {
    fn db_err(&self) -> Option<&DbErr> {
        Some(self)
    }
}

impl HasDbErr for crate::Error {
    fn db_err(&self) -> Option<&DbErr> {
        match self {
            crate::Error::Database(e)
            | crate::Error::Connection { source: e, .. }
            | crate::Error::Transient { source: e, .. }
            | crate::Error::Repository { source: e, .. } => Some(e),
            _ => None,
        }
    }
}

/// Why [`transaction_with_retry`] gave up.
#[derive(Debug)]
#[non_exhaustive]
pub enum RetryError<E> {
    /// Every attempt was aborted by the database; `last` is the last attempt's error.
    Exhausted {
        /// Attempts made.
        attempts: u32,
        /// The error of the last attempt.
        last: E,
    },
    /// The connection broke while `COMMIT` was under way: the transaction may or may not
    /// have committed, so it was not run again.
    AmbiguousCommit {
        /// The attempt whose commit is in doubt.
        attempts: u32,
        /// The driver's error.
        source: DbErr,
    },
    /// An error that retrying does not help: the closure's own, or the database's.
    Failed(E),
}

impl<E> RetryError<E> {
    /// The closure's (or the database's) error, for [`RetryError::Exhausted`] and
    /// [`RetryError::Failed`]; `None` for an ambiguous commit.
    pub fn into_inner(self) -> Option<E> {
        match self {
            RetryError::Exhausted { last, .. } | RetryError::Failed(last) => Some(last),
            RetryError::AmbiguousCommit { .. } => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for RetryError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryError::Exhausted { attempts, last } => write!(
                f,
                "transaction aborted by the database on all {attempts} attempts; gave up: {last}"
            ),
            RetryError::AmbiguousCommit { attempts, source } => write!(
                f,
                "connection lost during COMMIT (attempt {attempts}): the transaction may or may not have committed, so it was not retried: {source}"
            ),
            RetryError::Failed(e) => e.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for RetryError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RetryError::Exhausted { last, .. } => Some(last),
            RetryError::AmbiguousCommit { source, .. } => Some(source),
            RetryError::Failed(e) => e.source(),
        }
    }
}

/// Runs `body` in a transaction on `db`, and runs it again in a new transaction when
/// the database aborts it on purpose: see the [module docs](self).
///
/// `body` may run several times: keep side effects outside the database out of it (or
/// make them idempotent). Its transaction commits when it returns `Ok`, and rolls back
/// when it returns `Err`. It has the shape of SeaORM's `TransactionTrait::transaction`
/// callback, `|tx| Box::pin(async move { … })`, so the whole call is a `Send` future
/// (an axum handler, `tokio::spawn`); state shared between attempts goes in an `Arc`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use advanced_alchemy::retry::{RetryPolicy, transaction_with_retry};
/// use sea_orm::ConnectionTrait;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// db.execute_unprepared("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER)").await?;
/// let task = tokio::spawn(async move {
///     transaction_with_retry(&db, &RetryPolicy::default(), |tx| {
///         Box::pin(async move {
///             tx.execute_unprepared("INSERT INTO account VALUES (1, 100)").await?;
///             Ok::<_, sea_orm::DbErr>(1)
///         })
///     })
///     .await
/// });
/// assert_eq!(task.await??, 1);
/// # Ok(()) }
/// ```
pub async fn transaction_with_retry<C, F, T, E>(
    db: &C,
    policy: &RetryPolicy,
    mut body: F,
) -> Result<T, RetryError<E>>
where
    C: TransactionTrait,
    F: for<'c> FnMut(&'c C::Transaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
        + Send,
    T: Send,
    E: From<DbErr> + HasDbErr + Send,
{
    let span = tracing::info_span!(
        "transaction_with_retry",
        attempts = tracing::field::Empty,
        max_attempts = policy.max_attempts
    );
    let recorder = span.clone();
    async move {
        let mut attempt = 0;
        loop {
            attempt += 1;
            recorder.record("attempts", attempt);
            let tx = match db.begin_with_config(policy.isolation_level, None).await {
                Ok(tx) => tx,
                Err(err) => return Err(RetryError::Failed(E::from(err))),
            };
            let outcome = body(&tx).await;
            let retryable = match outcome {
                Ok(value) => match tx.commit().await {
                    Ok(()) => return Ok(value),
                    Err(err) => {
                        let kind = classify(&err);
                        if !answered_by_server(&err) {
                            return Err(RetryError::AmbiguousCommit {
                                attempts: attempt,
                                source: err,
                            });
                        }
                        if !policy.retries(kind) {
                            return Err(RetryError::Failed(E::from(err)));
                        }
                        E::from(err)
                    }
                },
                Err(err) => {
                    // the error is what matters; a failed rollback ends with the connection
                    let _ = tx.rollback().await;
                    if !policy.retries(err.db_err().and_then(classify)) {
                        return Err(RetryError::Failed(err));
                    }
                    err
                }
            };
            if attempt >= policy.max_attempts {
                tracing::warn!(attempts = attempt, "transaction retries exhausted");
                return Err(RetryError::Exhausted {
                    attempts: attempt,
                    last: retryable,
                });
            }
            let delay = policy.delay(attempt);
            tracing::debug!(
                attempt,
                ?delay,
                "transaction aborted by the database; retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }
    .instrument(span)
    .await
}

impl Session {
    /// [`transaction_with_retry`] with a [`Session`] per attempt: `body` gets a fresh
    /// session in a new outermost transaction each time, so its
    /// [after-commit](Session::after_commit) actions run once, after the attempt that
    /// committed, and those of the aborted attempts never (their
    /// [after-rollback](Session::after_rollback) actions run instead). `cache`, if
    /// given, is attached to each attempt's session ([`Session::with_cache`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use advanced_alchemy::{Session, retry::RetryPolicy};
    /// use sea_orm::ConnectionTrait;
    ///
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// db.execute_unprepared("CREATE TABLE t (x INTEGER)").await?;
    /// Session::transaction_with_retry(&db, &RetryPolicy::default(), None, |session| {
    ///     Box::pin(async move {
    ///         session.execute_unprepared("INSERT INTO t VALUES (1)").await?;
    ///         Ok::<_, advanced_alchemy::Error>(())
    ///     })
    /// })
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub async fn transaction_with_retry<S, F, T, E>(
        db: &S,
        policy: &RetryPolicy,
        cache: Option<&crate::cache::Cache>,
        body: F,
    ) -> Result<T, RetryError<E>>
    where
        S: SessionSource + ?Sized,
        F: for<'c> FnMut(&'c Session) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: From<DbErr> + HasDbErr + Send,
    {
        let root = Session::new(db);
        let root = match cache {
            Some(cache) => root.with_cache(cache),
            None => root,
        };
        transaction_with_retry(&root, policy, body).await
    }
}
