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

use crate::error::Result;
use sea_orm::prelude::async_trait::async_trait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

enum Conn {
    Pool(DatabaseConnection),
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
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("backend", &self.get_database_backend())
            .field("transaction", &matches!(self.conn, Conn::Tx(_)))
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
    pub fn new(db: &DatabaseConnection) -> Self {
        Self::with_conn(Conn::Pool(db.clone()), Vec::new())
    }

    /// Starts a transaction and returns the session that owns it.
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
    pub async fn begin(db: &DatabaseConnection) -> Result<Self> {
        let tx = db.begin().await?;
        Ok(Self::with_conn(Conn::Tx(tx), Vec::new()))
    }

    /// Wraps a transaction you already started with SeaORM.
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
        Self::with_conn(Conn::Tx(tx), Vec::new())
    }

    fn with_conn(conn: Conn, ancestors: Vec<Arc<Mutex<UniqueCache>>>) -> Self {
        Self {
            conn,
            cache: Arc::default(),
            ancestors,
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
        let tx = match &self.conn {
            Conn::Pool(db) => db.begin().await?,
            Conn::Tx(tx) => tx.begin().await?,
        };
        let mut ancestors = Vec::with_capacity(self.ancestors.len() + 1);
        ancestors.push(Arc::clone(&self.cache));
        ancestors.extend(self.ancestors.iter().cloned());
        Ok(Self::with_conn(Conn::Tx(tx), ancestors))
    }

    /// Commits the transaction (releases the savepoint) and hands the cache to the parent.
    /// A no-op for an autocommit session.
    pub async fn commit(self) -> Result<()> {
        if let Conn::Tx(tx) = self.conn {
            tx.commit().await?;
        }
        if let Some(parent) = self.ancestors.first() {
            let child = std::mem::take(&mut *lock(&self.cache));
            lock(parent).absorb(child);
        }
        Ok(())
    }

    /// Rolls back the transaction (to the savepoint) and forgets what it cached.
    /// A no-op for an autocommit session.
    pub async fn rollback(self) -> Result<()> {
        if let Conn::Tx(tx) = self.conn {
            tx.rollback().await?;
        }
        Ok(())
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
        delegate!(self, c => c.execute_raw(stmt).await)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        delegate!(self, c => c.execute_unprepared(sql).await)
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        delegate!(self, c => c.query_one_raw(stmt).await)
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        delegate!(self, c => c.query_all_raw(stmt).await)
    }

    fn support_returning(&self) -> bool {
        delegate!(self, c => c.support_returning())
    }

    fn is_mock_connection(&self) -> bool {
        delegate!(self, c => c.is_mock_connection())
    }
}
