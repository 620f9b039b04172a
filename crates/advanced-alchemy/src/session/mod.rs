//! [`Session`]: a unit of work over a connection or a transaction, carrying the
//! per-session caches (the Python library keeps them in `session.info`).
//!
//! A session is a SeaORM [`ConnectionTrait`], so every plain SeaORM call takes it as
//! its connection (`post::Entity::find().all(&session)`, `active_model.insert(&session)`).
//! On top of that it remembers the rows [`UniqueMixin::as_unique`](crate::mixins::UniqueMixin::as_unique)
//! has returned, so asking twice for the same key costs one query.
//!
//! * [`Session::begin`]: a transaction; [`Session::commit`] / [`Session::rollback`] end it
//!   (dropping it uncommitted rolls back).
//! * [`Session::begin_nested`]: a savepoint inside it, with its own view of the cache.
//! * [`Session::new`]: autocommit; every statement stands alone.
//! * [`Session::after_commit`] / [`Session::after_rollback`]: work that must wait for the
//!   transaction's outcome, such as deleting a replaced file's content only once the
//!   new row is committed ([`types::file_object`](crate::types::file_object) uses them).
//!   Savepoint-aware: a released savepoint hands its actions to the enclosing
//!   transaction, a rolled-back one runs its after-rollback actions and forgets the rest.
//! * On a [`RoutingConnection`](crate::routing::RoutingConnection): an autocommit session
//!   reads from replicas until it writes, then from the primary (sticky after write); a
//!   transaction runs on the primary. [`Session::with_cache`] attaches a read cache whose
//!   entries this session's writes invalidate when it commits (see [`cache`](crate::cache)).
//! * Retried transactions: [`Session::transaction_with_retry`].

mod actions;
mod source;
pub(crate) mod tracking;

pub use source::SessionSource;

use crate::error::Result;
use actions::Actions;
use sea_orm::prelude::async_trait::async_trait;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, IsolationLevel, QueryResult, Statement, TransactionError, TransactionOptions,
    TransactionSession, TransactionTrait,
};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};

enum Conn {
    Pool(DatabaseConnection),
    Routed(crate::routing::RoutingConnection),
    Tx(DatabaseTransaction),
}

/// A unit of work: a connection or transaction plus the caches that belong to it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::Session;
/// use sea_orm::ConnectionTrait;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// let session = Session::begin(&db).await?;
/// session.execute_unprepared("CREATE TABLE t (x INTEGER)").await?;
/// session.execute_unprepared("INSERT INTO t VALUES (1)").await?;
/// session.commit().await?;
/// # Ok(()) }
/// ```
pub struct Session {
    conn: Conn,
    cache: Arc<Mutex<UniqueCache>>,
    /// Caches of the enclosing sessions, innermost first (savepoints read through them).
    ancestors: Vec<Arc<Mutex<UniqueCache>>>,
    /// After-commit and after-rollback actions of this transaction level.
    actions: Actions,
    /// Writes seen at this level, for the read cache (only when one is attached).
    tracking: tracking::Tracking,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("backend", &self.get_database_backend())
            .field("transaction", &matches!(self.conn, Conn::Tx(_)))
            .field("routed", &matches!(self.conn, Conn::Routed(_)))
            .field("depth", &self.ancestors.len())
            .finish()
    }
}

impl Session {
    /// An autocommit session over a pool: each statement commits on its own.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = advanced_alchemy::Session::new(&db);
    /// assert!(!session.in_transaction());
    /// # Ok(()) }
    /// ```
    ///
    /// `db` is a pool or a [`RoutingConnection`](crate::routing::RoutingConnection) (then
    /// the session is one routing scope: sticky after its first write).
    pub fn new<S: SessionSource + ?Sized>(db: &S) -> Self {
        Self::with_conn(db.autocommit().0, Vec::new(), Actions::root())
    }

    /// Starts a transaction and returns the session that owns it.
    ///
    /// On SQLite the transaction is `BEGIN IMMEDIATE`: it takes the write lock at once
    /// (waiting up to the busy timeout for another writer), so a write later in it never
    /// needs to upgrade a read lock, which SQLite refuses with "database is locked" when
    /// another connection wrote meanwhile. SQLite has one writer at a time anyway; for
    /// read-only work that should not wait for writers, read through the pool
    /// ([`Session::new`]) or begin a deferred transaction with SeaORM's `db.begin()` and
    /// [`Session::from_transaction`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = advanced_alchemy::Session::begin(&db).await?;
    /// assert!(session.in_transaction());
    /// session.rollback().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// On a [`RoutingConnection`](crate::routing::RoutingConnection) the transaction runs
    /// on the primary.
    pub async fn begin<S: SessionSource + ?Sized>(db: &S) -> Result<Self> {
        let tx = db
            .begin_transaction(write_transaction(db.get_database_backend()))
            .await?;
        Ok(Self::with_conn(Conn::Tx(tx), Vec::new(), Actions::root()))
    }

    /// Wraps a transaction you already started with SeaORM.
    ///
    /// The session treats it as the outermost transaction: its commit runs the
    /// [after-commit actions](Self::after_commit). Wrap a transaction from
    /// `db.begin()`, not a SeaORM savepoint (`tx.begin()`), or those actions (such as
    /// deleting replaced file content) would run before the enclosing transaction
    /// has committed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::TransactionTrait;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = advanced_alchemy::Session::from_transaction(db.begin().await?);
    /// session.commit().await?;
    /// # Ok(()) }
    /// ```
    pub fn from_transaction(tx: DatabaseTransaction) -> Self {
        Self::with_conn(Conn::Tx(tx), Vec::new(), Actions::root())
    }

    fn with_conn(conn: Conn, ancestors: Vec<Arc<Mutex<UniqueCache>>>, actions: Actions) -> Self {
        Self {
            conn,
            cache: Arc::default(),
            ancestors,
            actions,
            tracking: tracking::Tracking::default(),
        }
    }

    /// Attaches a read cache: [`Repository::cached`](crate::repository::Repository::cached)
    /// reads through it, and the models this session writes are invalidated in it once
    /// the outermost transaction commits (at once on an autocommit session; never on a
    /// rollback). Savepoints opened from this session share it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::cache::{Cache, CacheConfig};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let cache = Cache::in_memory(CacheConfig::default());
    /// let session = advanced_alchemy::Session::begin(&db).await?.with_cache(&cache);
    /// assert!(session.read_cache().is_some());
    /// # Ok(()) }
    /// ```
    pub fn with_cache(mut self, cache: &crate::cache::Cache) -> Self {
        self.tracking.attach(cache.clone());
        self
    }

    /// The read cache attached with [`with_cache`](Self::with_cache).
    pub fn read_cache(&self) -> Option<&crate::cache::Cache> {
        self.tracking.cache()
    }

    /// Whether this session's transaction has written (any statement that may change
    /// data), as far as the attached cache has seen. Reads of a transaction that has
    /// written are never cached. Always `false` without a cache and on an autocommit
    /// session (each statement has committed on its own).
    pub fn has_written(&self) -> bool {
        self.tracking.has_written()
    }

    /// The routing group of this session's next plain read (for cache keys).
    pub(crate) fn read_group(&self) -> crate::routing::RoutingGroup {
        match &self.conn {
            Conn::Routed(db) => db.read_group(),
            _ => crate::routing::RoutingGroup::Primary,
        }
    }

    /// Records a statement for the cache: after it ran on an autocommit session
    /// (invalidating at once when it succeeded), or in a transaction (invalidating when
    /// the outermost commit happens).
    async fn track(&self, sql: &str, succeeded: bool) {
        if !self.tracking.active() {
            return;
        }
        match &self.conn {
            Conn::Tx(_) => {
                if let Some(action) = self.tracking.note_in_transaction(sql) {
                    self.actions.push_after_commit(action);
                }
            }
            Conn::Pool(_) | Conn::Routed(_) => {
                if succeeded {
                    self.tracking.note_autocommit(sql).await;
                }
            }
        }
    }

    /// Opens a savepoint (or, on an autocommit session, a transaction) as a child session.
    /// The child sees the parent's cache; what it adds reaches the parent when the child
    /// commits and is forgotten when it rolls back, as its rows are.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ConnectionTrait;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = advanced_alchemy::Session::begin(&db).await?;
    /// session.execute_unprepared("CREATE TABLE t (x INTEGER)").await?;
    /// let inner = session.begin_nested().await?;
    /// inner.execute_unprepared("INSERT INTO t VALUES (1)").await?;
    /// inner.rollback().await?; // back to the savepoint
    /// let n = session.query_one_raw(sea_orm::Statement::from_string(
    ///     session.get_database_backend(), "SELECT COUNT(*) AS n FROM t")).await?.unwrap();
    /// assert_eq!(n.try_get::<i32>("", "n")?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn begin_nested(&self) -> Result<Session> {
        Ok(self
            .begin_with_options(TransactionOptions::default())
            .await?)
    }

    /// Commits the transaction (releases the savepoint) and hands the cache to the parent.
    /// A no-op for an autocommit session.
    ///
    /// The outermost commit then runs the [after-commit actions](Self::after_commit)
    /// (its own and those of the savepoints released into it) before it returns; a
    /// savepoint hands its actions to the enclosing transaction. If `COMMIT` fails with
    /// an error from the server, nothing was committed and the
    /// [after-rollback actions](Self::after_rollback) run instead; if the connection
    /// broke and the outcome is unknown, neither runs.
    pub async fn commit(self) -> Result<()> {
        let Session {
            conn,
            cache,
            ancestors,
            actions,
            tracking: _,
        } = self;
        actions.committing();
        if let Conn::Tx(tx) = conn
            && let Err(err) = tx.commit().await
        {
            actions.commit_failed(&err).await;
            return Err(err.into());
        }
        if let Some(parent) = ancestors.first() {
            let child = std::mem::take(&mut *lock(&cache));
            lock(parent).absorb(child);
        }
        actions.committed().await;
        Ok(())
    }

    /// Rolls back the transaction (to the savepoint) and forgets what it cached.
    /// A no-op for an autocommit session.
    ///
    /// Then runs this level's [after-rollback actions](Self::after_rollback) (including
    /// those of savepoints released into it) and forgets its after-commit actions.
    pub async fn rollback(self) -> Result<()> {
        let Session { conn, actions, .. } = self;
        if let Conn::Tx(tx) = conn
            && let Err(err) = tx.rollback().await
        {
            actions.rollback_failed().await;
            return Err(err.into());
        }
        actions.rolled_back().await;
        Ok(())
    }

    /// Runs `action` once the outermost transaction has committed, after this session's
    /// work is durable: deleting the content of a file whose row was replaced or deleted,
    /// invalidating a cache, sending a message.
    ///
    /// In a savepoint the action moves to the enclosing transaction when the savepoint
    /// is released, and is dropped if the savepoint (or any enclosing level) rolls back.
    /// On an autocommit session every statement has already committed, so `action` runs
    /// now. The action cannot fail the commit (it is already done): it should log its
    /// own errors.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
    ///
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let ran = Arc::new(AtomicUsize::new(0));
    ///
    /// let session = advanced_alchemy::Session::begin(&db).await?;
    /// let counter = Arc::clone(&ran);
    /// session.after_commit(async move { counter.fetch_add(1, Ordering::SeqCst); }).await;
    /// let inner = session.begin_nested().await?;
    /// let counter = Arc::clone(&ran);
    /// inner.after_commit(async move { counter.fetch_add(10, Ordering::SeqCst); }).await;
    /// inner.rollback().await?;               // the savepoint's action is dropped
    /// assert_eq!(ran.load(Ordering::SeqCst), 0);
    /// session.commit().await?;               // the outermost commit runs the rest
    /// assert_eq!(ran.load(Ordering::SeqCst), 1);
    /// # Ok(()) }
    /// ```
    pub async fn after_commit<F>(&self, action: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        match self.conn {
            Conn::Pool(_) | Conn::Routed(_) => action.await,
            Conn::Tx(_) => self.actions.push_after_commit(Box::pin(action)),
        }
    }

    /// Runs `action` if this session's transaction (or savepoint) rolls back, to undo
    /// work done outside the database: removing content uploaded for rows that will not
    /// exist.
    ///
    /// A savepoint's action runs when the savepoint rolls back; when it is released the
    /// action moves to the enclosing transaction and runs if that rolls back. It is
    /// dropped once the outermost transaction commits. Dropping a session without
    /// committing rolls it back, and then its actions are spawned on the current tokio
    /// runtime (call [`rollback`](Self::rollback) to have them finish before it returns).
    /// On an autocommit session nothing can roll back and `action` is dropped.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use std::sync::{Arc, atomic::{AtomicBool, Ordering}};
    ///
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let undone = Arc::new(AtomicBool::new(false));
    ///
    /// let session = advanced_alchemy::Session::begin(&db).await?;
    /// let inner = session.begin_nested().await?;
    /// let flag = Arc::clone(&undone);
    /// inner.after_rollback(async move { flag.store(true, Ordering::SeqCst) });
    /// inner.commit().await?;                 // released: now the outer transaction's
    /// assert!(!undone.load(Ordering::SeqCst));
    /// session.rollback().await?;
    /// assert!(undone.load(Ordering::SeqCst));
    /// # Ok(()) }
    /// ```
    pub fn after_rollback<F>(&self, action: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        if let Conn::Tx(_) = self.conn {
            self.actions.push_after_rollback(Box::pin(action));
        }
    }

    /// Whether this session runs inside a transaction.
    pub fn in_transaction(&self) -> bool {
        matches!(self.conn, Conn::Tx(_))
    }

    /// The row cached for `key` of entity `E`, here or in an enclosing session.
    pub(crate) fn cached<E: 'static, K, M>(&self, key: &K) -> Option<M>
    where
        K: Hash + Eq + Send + Sync + 'static,
        M: Clone + Send + Sync + 'static,
    {
        std::iter::once(&self.cache)
            .chain(self.ancestors.iter())
            .find_map(|cache| lock(cache).get::<E, K, M>(key))
    }

    /// Remembers `model` as the row for `key` of entity `E`.
    pub(crate) fn remember<E: 'static, K, M>(&self, key: K, model: M)
    where
        K: Hash + Eq + Send + Sync + 'static,
        M: Clone + Send + Sync + 'static,
    {
        lock(&self.cache).insert::<E, K, M>(key, model);
    }

    /// Forgets every cached row (as `session.expunge_all()` would in SQLAlchemy).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = advanced_alchemy::Session::new(&db);
    /// session.clear_cache();
    /// # Ok(()) }
    /// ```
    pub fn clear_cache(&self) {
        *lock(&self.cache) = UniqueCache::default();
    }
}

/// A poisoned cache only means another task panicked while inserting; the map is still
/// usable, so recover it rather than propagate the panic.
fn lock(cache: &Mutex<UniqueCache>) -> MutexGuard<'_, UniqueCache> {
    cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Rows by `(entity, key type)` and key. Each slot is a typed `HashMap<K, M>` behind
/// `dyn Slot`, so a child's slots can be merged into the parent's without knowing types.
#[derive(Default)]
struct UniqueCache {
    slots: HashMap<(TypeId, TypeId), Box<dyn Slot>>,
}

trait Slot: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn merge_into(self: Box<Self>, target: &mut dyn Slot);
}

impl<K, M> Slot for HashMap<K, M>
where
    K: Hash + Eq + Send + Sync + 'static,
    M: Send + Sync + 'static,
{
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn merge_into(self: Box<Self>, target: &mut dyn Slot) {
        if let Some(target) = target.as_any_mut().downcast_mut::<HashMap<K, M>>() {
            target.extend(*self);
        }
    }
}

impl UniqueCache {
    fn get<E: 'static, K, M>(&self, key: &K) -> Option<M>
    where
        K: Hash + Eq + Send + Sync + 'static,
        M: Clone + Send + Sync + 'static,
    {
        self.slots
            .get(&(TypeId::of::<E>(), TypeId::of::<K>()))?
            .as_any()
            .downcast_ref::<HashMap<K, M>>()?
            .get(key)
            .cloned()
    }

    fn insert<E: 'static, K, M>(&mut self, key: K, model: M)
    where
        K: Hash + Eq + Send + Sync + 'static,
        M: Clone + Send + Sync + 'static,
    {
        let slot = self
            .slots
            .entry((TypeId::of::<E>(), TypeId::of::<K>()))
            .or_insert_with(|| Box::new(HashMap::<K, M>::new()));
        if let Some(map) = slot.as_any_mut().downcast_mut::<HashMap<K, M>>() {
            map.insert(key, model);
        }
    }

    fn absorb(&mut self, child: UniqueCache) {
        for (id, slot) in child.slots {
            match self.slots.get_mut(&id) {
                Some(target) => slot.merge_into(target.as_mut()),
                None => {
                    self.slots.insert(id, slot);
                }
            }
        }
    }
}

macro_rules! delegate {
    ($self:ident, $conn:ident => $call:expr) => {
        match &$self.conn {
            Conn::Pool($conn) => $call,
            Conn::Routed($conn) => $call,
            Conn::Tx($conn) => $call,
        }
    };
}

#[async_trait]
impl ConnectionTrait for Session {
    fn get_database_backend(&self) -> DbBackend {
        delegate!(self, c => c.get_database_backend())
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        if !self.tracking.active() {
            return delegate!(self, c => c.execute_raw(stmt).await);
        }
        let sql = stmt.sql.clone();
        let outcome = delegate!(self, c => c.execute_raw(stmt).await);
        self.track(&sql, outcome.is_ok()).await;
        outcome
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let outcome = delegate!(self, c => c.execute_unprepared(sql).await);
        self.track(sql, outcome.is_ok()).await;
        outcome
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        if !self.tracking.active() {
            return delegate!(self, c => c.query_one_raw(stmt).await);
        }
        let sql = stmt.sql.clone();
        let outcome = delegate!(self, c => c.query_one_raw(stmt).await);
        self.track(&sql, outcome.is_ok()).await;
        outcome
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        if !self.tracking.active() {
            return delegate!(self, c => c.query_all_raw(stmt).await);
        }
        let sql = stmt.sql.clone();
        let outcome = delegate!(self, c => c.query_all_raw(stmt).await);
        self.track(&sql, outcome.is_ok()).await;
        outcome
    }

    fn support_returning(&self) -> bool {
        delegate!(self, c => c.support_returning())
    }

    fn is_mock_connection(&self) -> bool {
        delegate!(self, c => c.is_mock_connection())
    }
}

/// Lets SeaORM code that needs to open its own transaction (such as saving an
/// `ActiveModelEx` with its relations) run on a session: `begin` opens a savepoint as a
/// child session (see [`Session::begin_nested`]).
#[async_trait]
impl TransactionTrait for Session {
    type Transaction = Session;

    async fn begin(&self) -> Result<Session, DbErr> {
        self.begin_with_options(TransactionOptions::default()).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<Session, DbErr> {
        self.begin_with_options(TransactionOptions {
            isolation_level,
            access_mode,
            sqlite_transaction_mode: None,
        })
        .await
    }

    async fn begin_with_options(&self, options: TransactionOptions) -> Result<Session, DbErr> {
        let (tx, actions, tracking) = match &self.conn {
            // an autocommit session's child is an outermost transaction
            Conn::Pool(db) => (
                db.begin_with_options(options).await?,
                Actions::root(),
                self.tracking.outermost(),
            ),
            Conn::Routed(db) => (
                db.begin_with_options(options).await?,
                Actions::root(),
                self.tracking.outermost(),
            ),
            Conn::Tx(tx) => (
                tx.begin_with_options(options).await?,
                self.actions.savepoint(),
                self.tracking.savepoint(),
            ),
        };
        let mut ancestors = Vec::with_capacity(self.ancestors.len() + 1);
        ancestors.push(Arc::clone(&self.cache));
        ancestors.extend(self.ancestors.iter().cloned());
        let mut child = Self::with_conn(Conn::Tx(tx), ancestors, actions);
        child.tracking = tracking;
        Ok(child)
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c Session) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let child = TransactionTrait::begin(self)
            .await
            .map_err(TransactionError::Connection)?;
        run(child, callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c Session) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let child = self
            .begin_with_config(isolation_level, access_mode)
            .await
            .map_err(TransactionError::Connection)?;
        run(child, callback).await
    }
}

async fn run<F, T, E>(child: Session, callback: F) -> Result<T, TransactionError<E>>
where
    F: for<'c> FnOnce(&'c Session) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
        + Send,
    T: Send,
    E: std::fmt::Display + std::fmt::Debug + Send,
{
    let outcome = callback(&child).await;
    match outcome {
        Ok(value) => {
            TransactionSession::commit(child)
                .await
                .map_err(TransactionError::Connection)?;
            Ok(value)
        }
        Err(err) => {
            TransactionSession::rollback(child)
                .await
                .map_err(TransactionError::Connection)?;
            Err(TransactionError::Transaction(err))
        }
    }
}

#[async_trait]
impl TransactionSession for Session {
    async fn commit(self) -> Result<(), DbErr> {
        Session::commit(self).await.map_err(into_db_err)
    }

    async fn rollback(self) -> Result<(), DbErr> {
        Session::rollback(self).await.map_err(into_db_err)
    }
}

/// The options of a transaction that will write: on SQLite `BEGIN IMMEDIATE` (see
/// [`Session::begin`]), elsewhere the defaults. Savepoints ignore the mode.
pub(crate) fn write_transaction(backend: DbBackend) -> TransactionOptions {
    TransactionOptions {
        sqlite_transaction_mode: (backend == DbBackend::Sqlite)
            .then_some(sea_orm::SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    }
}

/// Our errors wrap `DbErr`; hand the original back where SeaORM's traits want one.
fn into_db_err(err: crate::Error) -> DbErr {
    match err {
        crate::Error::Database(err)
        | crate::Error::Connection { source: err, .. }
        | crate::Error::Transient { source: err, .. } => err,
        other => DbErr::Custom(other.to_string()),
    }
}
