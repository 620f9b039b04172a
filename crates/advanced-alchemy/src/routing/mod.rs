//! Read/write routing: one connection made of a primary and weighted read replicas
//! (Python's `RoutingConfig`).
//!
//! A [`RoutingConnection`] is a SeaORM connection like any other
//! ([`ConnectionTrait`] + [`TransactionTrait`]), so a
//! [`Repository`](crate::repository::Repository), a [`Session`](crate::Session) and every
//! plain SeaORM call take it unchanged. Each statement goes where it may:
//!
//! * writes (`INSERT`, `UPDATE`, `DELETE`, DDL, anything not known to be a plain read),
//!   reads that lock (`FOR UPDATE`, `FOR SHARE`) or have side effects (`nextval`,
//!   advisory locks), and **everything inside a transaction** go to the primary
//!   (a transaction begun on a routing connection is a transaction on the primary);
//! * other reads go to a replica, chosen round-robin or at random by weight
//!   ([`RoutingStrategy`]);
//! * **sticky after write**: a [scope](RoutingConnection::scope) (and a `Session` made
//!   on a routing connection, which opens one) that has written reads from the primary
//!   from then on, so it reads its own writes; [`RoutingConfig::sticky_after_write`]
//!   turns this off, [`RoutingConnection::reset_stickiness`] ends it;
//! * [`RoutingConnection::on_primary`] / [`primary`](RoutingConnection::primary): read
//!   from the primary for one call;
//! * a replica that fails with a connection error is marked down and skipped; the
//!   statement runs again on the next replica or the primary, so a request does not fail
//!   while the primary is up. A background probe brings the replica back after
//!   [`RoutingConfig::retry_down_after`]. A replica that refuses a statement as
//!   read-only (`25006`) passes it to the primary too.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::routing::{Replica, RoutingConfig, RoutingConnection};
//! use sea_orm::{ConnectionTrait, Statement};
//!
//! // two separate databases stand in for a primary and its (lagging) replica
//! let primary = advanced_alchemy::connect("sqlite::memory:").await?;
//! primary.execute_unprepared("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)").await?;
//! let replica = advanced_alchemy::connect("sqlite::memory:").await?;
//! replica.execute_unprepared("CREATE TABLE t (x INTEGER)").await?;
//! let db = RoutingConnection::new(primary, [Replica::new(replica).weight(2)], RoutingConfig::default());
//!
//! let count = |rows: Option<sea_orm::QueryResult>| rows.unwrap().try_get_by_index::<i32>(0);
//! let select = || Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) FROM t");
//! assert_eq!(count(db.query_one_raw(select()).await?)?, 0);          // a replica answered
//! assert_eq!(count(db.on_primary().query_one_raw(select()).await?)?, 1); // explicitly the primary
//!
//! let request = db.scope(); // one unit of work
//! request.execute_unprepared("INSERT INTO t VALUES (2)").await?; // the primary
//! assert_eq!(count(request.query_one_raw(select()).await?)?, 2);    // sticky: reads its write
//! assert_eq!(count(db.query_one_raw(select()).await?)?, 0);         // others: the replica
//! # Ok(()) }
//! ```
//!
//! The replica set-up itself (PostgreSQL streaming replication, MySQL replicas) is the
//! operator's; `scripts/test` shows a PostgreSQL one made with `pg_basebackup -R`. Next:
//! [`retry`](crate::retry) for transactions the database aborts, [`cache`](crate::cache)
//! for reads that need no database at all.

pub(crate) mod statement;

use crate::transient::{Transient, classify as classify_error};
use sea_orm::prelude::async_trait::async_trait;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, IsolationLevel, QueryResult, Statement, TransactionError, TransactionOptions,
    TransactionTrait,
};
use statement::StatementKind;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a replica is chosen for a read (Python's `RoutingStrategy`).
///
/// ```
/// use advanced_alchemy::routing::RoutingStrategy;
/// assert_eq!(RoutingStrategy::default(), RoutingStrategy::RoundRobin);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RoutingStrategy {
    /// In turn, each replica as often as its weight (smoothly interleaved).
    #[default]
    RoundRobin,
    /// At random, with probability proportional to weight.
    Random,
}

/// Where a read goes: the routing group, also part of a cached list's key.
///
/// ```
/// use advanced_alchemy::routing::RoutingGroup;
/// assert_eq!(RoutingGroup::Replica.as_str(), "replica");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoutingGroup {
    /// The primary (writer).
    Primary,
    /// A read replica.
    Replica,
}

impl RoutingGroup {
    /// `"primary"` or `"replica"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RoutingGroup::Primary => "primary",
            RoutingGroup::Replica => "replica",
        }
    }
}

/// Routing behaviour (Python's `RoutingConfig`, without the connection strings: those
/// are the pools given to [`RoutingConnection::new`]).
///
/// ```
/// use advanced_alchemy::routing::{RoutingConfig, RoutingStrategy};
/// use std::time::Duration;
///
/// let config = RoutingConfig::default()
///     .strategy(RoutingStrategy::Random)
///     .sticky_after_write(false)
///     .retry_down_after(Duration::from_secs(10));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct RoutingConfig {
    strategy: RoutingStrategy,
    sticky_after_write: bool,
    retry_down_after: Duration,
    enabled: bool,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        Self {
            strategy: RoutingStrategy::RoundRobin,
            sticky_after_write: true,
            retry_down_after: Duration::from_secs(5),
            enabled: true,
        }
    }
}

impl RoutingConfig {
    /// Round-robin (default) or random.
    pub fn strategy(mut self, strategy: RoutingStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Whether a scope that has written reads from the primary afterwards (default on).
    pub fn sticky_after_write(mut self, on: bool) -> Self {
        self.sticky_after_write = on;
        self
    }

    /// How long a replica that failed is skipped before it is probed again (default 5 s).
    pub fn retry_down_after(mut self, after: Duration) -> Self {
        self.retry_down_after = after;
        self
    }

    /// Off: everything goes to the primary (Python's `enabled = False`).
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = on;
        self
    }
}

/// One read replica and its weight.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::routing::Replica;
/// let replica = Replica::new(advanced_alchemy::connect("sqlite::memory:").await?)
///     .weight(3)
///     .name("eu-1");
/// # let _ = replica;
/// # Ok(()) }
/// ```
pub struct Replica {
    db: DatabaseConnection,
    weight: u32,
    name: String,
}

impl fmt::Debug for Replica {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replica")
            .field("name", &self.name)
            .field("weight", &self.weight)
            .finish()
    }
}

impl Replica {
    /// A replica of weight 1 on an open pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            weight: 1,
            name: String::new(),
        }
    }

    /// Connects lazily to `url` (a replica that is down when the program starts does
    /// not stop it), with 2-second connect and acquire timeouts so a down replica costs
    /// little before it is skipped.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// // nothing listens there: still a replica, marked down at its first use
    /// let replica = advanced_alchemy::routing::Replica::connect("postgres://u:p@127.0.0.1:1/db").await?;
    /// # let _ = replica;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> crate::Result<Self> {
        let mut options = sea_orm::ConnectOptions::new(crate::connect::normalize_url(url)?);
        options
            .connect_lazy(true)
            .connect_timeout(Duration::from_secs(2))
            .acquire_timeout(Duration::from_secs(2));
        Ok(Self::new(crate::connect_with(options).await?).name(crate::error::redact_url(url)))
    }

    /// Relative share of reads (default 1; 0 is taken as 1).
    pub fn weight(mut self, weight: u32) -> Self {
        self.weight = weight.max(1);
        self
    }

    /// A name for logs.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

struct Slot {
    db: DatabaseConnection,
    name: String,
    /// Skipped until this instant after a connection failure.
    down_until: Mutex<Option<Instant>>,
    probing: AtomicBool,
}

impl Slot {
    fn available(self: &Arc<Self>, retry_after: Duration) -> bool {
        let until = *self
            .down_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match until {
            None => true,
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                self.probe(retry_after);
                false
            }
        }
    }

    fn mark_down(&self, retry_after: Duration, err: &DbErr) {
        let mut until = self
            .down_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if until.is_none() {
            tracing::warn!(replica = %self.name, error = %err, "replica down; reads go elsewhere");
        }
        *until = Some(Instant::now() + retry_after);
    }

    /// Pings the replica in the background (one probe at a time); up again on success.
    fn probe(self: &Arc<Self>, retry_after: Duration) {
        if self.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.probing.store(false, Ordering::Release);
            return;
        };
        let slot = Arc::clone(self);
        handle.spawn(async move {
            let outcome = slot.db.ping().await;
            {
                let mut until = slot
                    .down_until
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                match &outcome {
                    Ok(()) => {
                        tracing::info!(replica = %slot.name, "replica back up");
                        *until = None;
                    }
                    Err(_) => *until = Some(Instant::now() + retry_after),
                }
            }
            slot.probing.store(false, Ordering::Release);
        });
    }
}

struct Shared {
    primary: DatabaseConnection,
    replicas: Vec<Arc<Slot>>,
    /// Replica indexes, each as often as its weight, smoothly interleaved.
    wheel: Vec<usize>,
    cursor: AtomicUsize,
    config: RoutingConfig,
}

/// Per-scope state: whether this unit of work has written.
#[derive(Default)]
struct Scope {
    /// `false` for the shared handle, which never becomes sticky.
    tracks: bool,
    wrote: AtomicBool,
}

/// A primary and its read replicas as one SeaORM connection: see the [module docs](self).
///
/// Cloning is cheap and shares everything, including the scope. The handle made by
/// [`new`](Self::new) is meant to be shared by the whole program, so it never becomes
/// sticky; [`scope`](Self::scope) makes a handle for one unit of work (a request) that
/// reads its own writes.
#[derive(Clone)]
pub struct RoutingConnection {
    shared: Arc<Shared>,
    scope: Arc<Scope>,
    force_primary: bool,
}

impl fmt::Debug for RoutingConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoutingConnection")
            .field("backend", &self.shared.primary.get_database_backend())
            .field("replicas", &self.shared.replicas.len())
            .field("config", &self.shared.config)
            .field("sticky", &self.is_sticky())
            .field("force_primary", &self.force_primary)
            .finish()
    }
}

impl RoutingConnection {
    /// Routes over `primary` and `replicas` (none at all: everything on the primary).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::routing::{RoutingConfig, RoutingConnection};
    /// let db = RoutingConnection::new(advanced_alchemy::connect("sqlite::memory:").await?, [], RoutingConfig::default());
    /// # let _ = db;
    /// # Ok(()) }
    /// ```
    pub fn new(
        primary: DatabaseConnection,
        replicas: impl IntoIterator<Item = Replica>,
        config: RoutingConfig,
    ) -> Self {
        let replicas: Vec<Replica> = replicas.into_iter().collect();
        let wheel = smooth_wheel(&replicas.iter().map(|r| r.weight).collect::<Vec<_>>());
        let replicas = replicas
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                Arc::new(Slot {
                    db: r.db,
                    name: if r.name.is_empty() {
                        format!("replica-{i}")
                    } else {
                        r.name
                    },
                    down_until: Mutex::new(None),
                    probing: AtomicBool::new(false),
                })
            })
            .collect();
        Self {
            shared: Arc::new(Shared {
                primary,
                replicas,
                wheel,
                cursor: AtomicUsize::new(0),
                config,
            }),
            scope: Arc::new(Scope::default()),
            force_primary: false,
        }
    }

    /// The primary's pool, for a call that must read from it (or anything else SeaORM
    /// can do with a pool).
    pub fn primary(&self) -> &DatabaseConnection {
        &self.shared.primary
    }

    /// A handle on the same pools whose every statement goes to the primary: the
    /// explicit "read from the primary" for one call, where a `RoutingConnection` is
    /// the type expected.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::routing::{RoutingConfig, RoutingConnection, RoutingGroup};
    /// let db = RoutingConnection::new(advanced_alchemy::connect("sqlite::memory:").await?, [], RoutingConfig::default());
    /// assert_eq!(db.on_primary().read_group(), RoutingGroup::Primary);
    /// # Ok(()) }
    /// ```
    pub fn on_primary(&self) -> Self {
        Self {
            force_primary: true,
            ..self.clone()
        }
    }

    /// A handle for one unit of work: once it has written, its reads go to the primary
    /// (when [sticky after write](RoutingConfig::sticky_after_write) is on).
    pub fn scope(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            scope: Arc::new(Scope {
                tracks: true,
                wrote: AtomicBool::new(false),
            }),
            force_primary: self.force_primary,
        }
    }

    /// Whether this scope's reads stick to the primary because it has written.
    pub fn is_sticky(&self) -> bool {
        self.scope.wrote.load(Ordering::Acquire)
    }

    /// Reads of this scope go to replicas again (Python's reset of stickiness on commit).
    pub fn reset_stickiness(&self) {
        self.scope.wrote.store(false, Ordering::Release);
    }

    /// Where this handle's next plain read goes.
    pub fn read_group(&self) -> RoutingGroup {
        if self.force_primary
            || !self.shared.config.enabled
            || self.shared.replicas.is_empty()
            || self.is_sticky()
        {
            RoutingGroup::Primary
        } else {
            RoutingGroup::Replica
        }
    }

    /// The replicas to try for one read, in order (down ones left out).
    fn replica_order(&self) -> Vec<&Arc<Slot>> {
        let shared = &*self.shared;
        let n = shared.replicas.len();
        let start = match shared.config.strategy {
            RoutingStrategy::RoundRobin => {
                let turn = shared.cursor.fetch_add(1, Ordering::Relaxed);
                shared.wheel[turn % shared.wheel.len()]
            }
            RoutingStrategy::Random => shared.wheel[fastrand::usize(..shared.wheel.len())],
        };
        let retry = shared.config.retry_down_after;
        (0..n)
            .map(|k| &shared.replicas[(start + k) % n])
            .filter(|slot| slot.available(retry))
            .collect()
    }

    fn note_write(&self) {
        if self.scope.tracks && self.shared.config.sticky_after_write {
            self.scope.wrote.store(true, Ordering::Release);
        }
    }

    /// Runs a read on a replica when it may, falling over to the next one and to the
    /// primary on connection errors.
    async fn read<'s, T, F, Fut>(&'s self, kind: StatementKind, run: F) -> Result<T, DbErr>
    where
        F: Fn(&'s DatabaseConnection) -> Fut,
        Fut: Future<Output = Result<T, DbErr>>,
    {
        if !kind.is_replica_safe() {
            if kind.writes() {
                self.note_write();
            }
            return run(&self.shared.primary).await;
        }
        if self.read_group() == RoutingGroup::Primary {
            return run(&self.shared.primary).await;
        }
        for slot in self.replica_order() {
            match run(&slot.db).await {
                Ok(value) => return Ok(value),
                Err(err) => match classify_error(&err) {
                    Some(kind) if kind.is_connection_failure() => {
                        slot.mark_down(self.shared.config.retry_down_after, &err);
                    }
                    Some(Transient::ReadOnly) => {
                        // not a plain read after all (a function that writes)
                        self.note_write();
                        break;
                    }
                    _ => return Err(err),
                },
            }
        }
        run(&self.shared.primary).await
    }
}

/// Replica indexes repeated by weight in the order nginx's smooth weighted round-robin
/// picks them (`5,1,1` gives `a a b a c a a`, not `a a a a a b c`).
fn smooth_wheel(weights: &[u32]) -> Vec<usize> {
    if weights.is_empty() {
        return vec![0];
    }
    let total: i64 = weights.iter().map(|&w| i64::from(w)).sum();
    let mut current = vec![0i64; weights.len()];
    (0..total)
        .map(|_| {
            for (c, &w) in current.iter_mut().zip(weights) {
                *c += i64::from(w);
            }
            let best = (0..weights.len())
                .max_by_key(|&i| (current[i], std::cmp::Reverse(i)))
                .unwrap_or(0);
            current[best] -= total;
            best
        })
        .collect()
}

#[async_trait]
impl ConnectionTrait for RoutingConnection {
    fn get_database_backend(&self) -> DbBackend {
        self.shared.primary.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        if statement::classify(&stmt.sql).writes() {
            self.note_write();
        }
        self.shared.primary.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        if statement::classify(sql).writes() {
            self.note_write();
        }
        self.shared.primary.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let kind = statement::classify(&stmt.sql);
        self.read(kind, |db| db.query_one_raw(stmt.clone())).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let kind = statement::classify(&stmt.sql);
        self.read(kind, |db| db.query_all_raw(stmt.clone())).await
    }

    fn support_returning(&self) -> bool {
        self.shared.primary.support_returning()
    }
}

/// A transaction begun on a routing connection is a transaction on the primary (a
/// [`DatabaseTransaction`], whose own transactions are savepoints: the fixed point
/// SeaORM 2.0.1+ requires). Beginning one makes the scope sticky: what it writes is
/// on the primary, and replicas may not have it yet after the commit.
#[async_trait]
impl TransactionTrait for RoutingConnection {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.begin_with_options(TransactionOptions::default()).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.begin_with_options(TransactionOptions {
            isolation_level,
            access_mode,
            sqlite_transaction_mode: None,
        })
        .await
    }

    async fn begin_with_options(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr> {
        if options.access_mode != Some(AccessMode::ReadOnly) {
            self.note_write();
        }
        self.shared.primary.begin_with_options(options).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: fmt::Display + fmt::Debug + Send,
    {
        self.note_write();
        self.shared.primary.transaction(callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: fmt::Display + fmt::Debug + Send,
    {
        if access_mode != Some(AccessMode::ReadOnly) {
            self.note_write();
        }
        self.shared
            .primary
            .transaction_with_config(callback, isolation_level, access_mode)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::smooth_wheel;

    #[test]
    fn weights_interleave() {
        assert_eq!(smooth_wheel(&[5, 1, 1]), vec![0, 0, 1, 0, 2, 0, 0]);
        assert_eq!(smooth_wheel(&[1, 1]), vec![0, 1]);
        assert_eq!(smooth_wheel(&[]), vec![0]);
    }
}
