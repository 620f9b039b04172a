//! A read cache that never serves a row its own process has made stale (Python's
//! `CacheConfig`, with its gaps closed).
//!
//! * [`Cache`]: the handle, made on a [`CacheBackend`]: in-process
//!   ([`Cache::in_memory`], on moka, feature `moka`, on by default) or your own shared
//!   one (Redis, memcached) implementing the trait.
//! * [`Session::with_cache`](crate::Session::with_cache) attaches it to a session;
//!   [`Repository::cached`](crate::repository::Repository::cached) reads through it:
//!   `get` by id and `get_many`, one database query for any number of concurrent misses
//!   of the same key in a process. Bypass it for one call by calling the repository's
//!   own method (`posts.get(id)` instead of `posts.cached().get(id)`).
//!
//! How it stays correct:
//! * **Per-model version tokens, kept in the backend.** Every key carries its model's
//!   version; a committed write to the model bumps it, so every cached `get` and list of
//!   that model is unreachable at once, in every process sharing the backend. A read
//!   that raced a write is stored under the old version and never served again.
//! * **Invalidation on commit, not before.** The session records the tables its
//!   statements write (any path: repository, plain SeaORM, raw SQL) and bumps their
//!   versions after the outermost commit; a rollback bumps nothing, so the entries
//!   survive. A write whose table cannot be read (DDL, unusual raw SQL) bumps a global
//!   epoch that is part of every key.
//! * **A transaction that has written is never cached from**: its reads go to the
//!   database and are not stored (Python caches them, and they survive a rollback).
//! * **Keys include the routing group** (`primary` / `replica`), so rows read from a
//!   lagging replica are never served to a session that reads from the primary.
//!
//! Entries live for [`CacheConfig::ttl`] at most: a replica-group entry can be as stale
//! as the replica was when it was read, for that long. Writes made by other programs
//! (not through a session with this cache attached) are only seen after the TTL.
//!
//! ```
//! # mod post {
//! #     use sea_orm::entity::prelude::*;
//! #     #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
//! #     #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
//! #     #[sea_orm(table_name = "post")]
//! #     pub struct Model { pub title: String }
//! # }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::cache::{Cache, CacheConfig};
//! use advanced_alchemy::{Session, repository::Repository};
//! use sea_orm::ActiveValue::Set;
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
//! let cache = Cache::in_memory(CacheConfig::default());
//!
//! let session = Session::new(&db).with_cache(&cache);
//! let posts = Repository::<post::Entity, _>::new(&session);
//! let hello = posts.add(post::ActiveModel { title: Set("Hello".into()), ..Default::default() }).await?;
//! assert_eq!(posts.cached().get(hello.id).await?.title, "Hello"); // a miss: one query
//! assert_eq!(posts.cached().get(hello.id).await?.title, "Hello"); // a hit: no query
//! # Ok(()) }
//! ```

#[cfg(feature = "moka")]
mod moka_backend;

#[cfg(feature = "moka")]
pub use moka_backend::MokaBackend;

use crate::routing::RoutingGroup;
use sea_orm::prelude::async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Digest;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where cached values and version tokens live.
///
/// Values are bytes (JSON of the rows) so that a shared, out-of-process store can hold
/// them. Version tokens must not be evicted as values are (a version that fell out and
/// restarted at 0 could make old entries reachable again): keep them in a separate,
/// non-evicting place (Redis: `INCR` on a key without expiry). A backend that fails
/// should log and answer "miss" / do nothing: the cache then only costs time.
///
/// ```
/// use advanced_alchemy::cache::CacheBackend;
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use std::time::Duration;
///
/// /// A toy backend: one map, no expiry.
/// #[derive(Default)]
/// struct MapBackend { values: Mutex<HashMap<String, Vec<u8>>>, versions: Mutex<HashMap<String, u64>> }
///
/// #[advanced_alchemy::__private::async_trait]
/// impl CacheBackend for MapBackend {
///     async fn get(&self, key: &str) -> Option<Vec<u8>> { self.values.lock().unwrap().get(key).cloned() }
///     async fn set(&self, key: &str, value: Vec<u8>, _ttl: Duration) { self.values.lock().unwrap().insert(key.into(), value); }
///     async fn version(&self, name: &str) -> u64 { *self.versions.lock().unwrap().get(name).unwrap_or(&0) }
///     async fn bump(&self, name: &str) { *self.versions.lock().unwrap().entry(name.into()).or_default() += 1; }
/// }
/// let cache = advanced_alchemy::cache::Cache::new(MapBackend::default(), Default::default());
/// # let _ = cache;
/// ```
#[async_trait]
pub trait CacheBackend: Send + Sync + 'static {
    /// The value stored under `key`, if any and not expired.
    async fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Stores `value` under `key` for at most `ttl`.
    async fn set(&self, key: &str, value: Vec<u8>, ttl: Duration);
    /// The current version token called `name` (0 if never bumped).
    async fn version(&self, name: &str) -> u64;
    /// Increments the version token called `name`.
    async fn bump(&self, name: &str);
}

/// Cache settings (Python's `CacheConfig`).
///
/// ```
/// use advanced_alchemy::cache::CacheConfig;
/// use std::time::Duration;
/// let config = CacheConfig::default().ttl(Duration::from_secs(60)).max_entries(50_000).namespace("blog");
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct CacheConfig {
    ttl: Duration,
    max_entries: u64,
    namespace: String,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(300),
            max_entries: 10_000,
            namespace: "aa".to_owned(),
        }
    }
}

impl CacheConfig {
    /// How long an entry lives at most (default 5 minutes).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Entries kept by the in-process backend (default 10,000).
    pub fn max_entries(mut self, n: u64) -> Self {
        self.max_entries = n;
        self
    }

    /// Prefix of every key and version token (default `aa`): separates programs that
    /// share a backend but not a schema.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }
}

/// Counters of a [`Cache`] (this process only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Reads answered from the cache.
    pub hits: u64,
    /// Reads that went to the database (and were stored).
    pub misses: u64,
    /// Reads that skipped the cache because their transaction had written.
    pub skipped: u64,
}

struct Inner {
    backend: Arc<dyn CacheBackend>,
    config: CacheConfig,
    /// One gate per key being loaded: concurrent misses wait for the first one.
    inflight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    hits: AtomicU64,
    misses: AtomicU64,
    skipped: AtomicU64,
}

/// The read cache: see the [module docs](self). Cheap to clone (shared).
#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("config", &self.inner.config)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Cache {
    /// A cache on `backend`.
    pub fn new(backend: impl CacheBackend, config: CacheConfig) -> Self {
        Self::from_arc(Arc::new(backend), config)
    }

    /// A cache on a backend shared with other caches.
    pub fn from_arc(backend: Arc<dyn CacheBackend>, config: CacheConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                backend,
                config,
                inflight: Mutex::default(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                skipped: AtomicU64::new(0),
            }),
        }
    }

    /// An in-process cache on moka, bounded by [`CacheConfig::max_entries`].
    ///
    /// ```
    /// use advanced_alchemy::cache::{Cache, CacheConfig};
    /// let cache = Cache::in_memory(CacheConfig::default());
    /// assert_eq!(cache.stats().hits, 0);
    /// ```
    #[cfg(feature = "moka")]
    pub fn in_memory(config: CacheConfig) -> Self {
        let backend = MokaBackend::new(config.max_entries);
        Self::new(backend, config)
    }

    /// Hit and miss counters.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.inner.hits.load(Ordering::Relaxed),
            misses: self.inner.misses.load(Ordering::Relaxed),
            skipped: self.inner.skipped.load(Ordering::Relaxed),
        }
    }

    /// Invalidates every cached read of entity `E` now (for writes made outside a
    /// session with this cache, such as another program's).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let cache = advanced_alchemy::cache::Cache::in_memory(Default::default());
    /// cache.invalidate::<post::Entity>().await;
    /// # }
    /// ```
    pub async fn invalidate<E: sea_orm::EntityTrait + Default>(&self) {
        let table = sea_orm::EntityName::table_name(&E::default()).to_owned();
        self.invalidate_tables(&[table], false).await;
    }

    /// Invalidates everything this cache holds (bumps the global epoch).
    pub async fn invalidate_all(&self) {
        self.invalidate_tables(&[], true).await;
    }

    fn version_name(&self, table: &str) -> String {
        format!("{}:version:{table}", self.inner.config.namespace)
    }

    fn epoch_name(&self) -> String {
        format!("{}:epoch", self.inner.config.namespace)
    }

    pub(crate) async fn invalidate_tables(&self, tables: &[String], everything: bool) {
        let backend = &self.inner.backend;
        for table in tables {
            backend.bump(&self.version_name(table)).await;
        }
        if everything {
            backend.bump(&self.epoch_name()).await;
        }
        tracing::debug!(?tables, everything, "cache invalidated");
    }

    pub(crate) fn note_skipped(&self) {
        self.inner.skipped.fetch_add(1, Ordering::Relaxed);
    }

    /// The key of one read: namespace, table, epoch and version, routing group, what.
    async fn key(&self, table: &str, group: RoutingGroup, what: &str) -> String {
        let backend = &self.inner.backend;
        let epoch = backend.version(&self.epoch_name()).await;
        let version = backend.version(&self.version_name(table)).await;
        format!(
            "{}:{table}:{epoch}.{version}:{}:{what}",
            self.inner.config.namespace,
            group.as_str()
        )
    }

    /// A stable digest of a statement, for list keys.
    pub(crate) fn digest(text: &str) -> String {
        let hash = sha2::Sha256::digest(text.as_bytes());
        hash.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    /// The cached value of `what` of `table`, or `load`'s, stored: concurrent misses of
    /// one key in this process run `load` once.
    pub(crate) async fn read_through<T, F, Fut>(
        &self,
        table: &str,
        group: RoutingGroup,
        what: &str,
        load: F,
    ) -> crate::Result<T>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = crate::Result<T>>,
    {
        // the versions are read before the database is: a write committed while we
        // load bumps them, and what we store is never reached again
        let key = self.key(table, group, what).await;
        if let Some(value) = self.lookup(&key).await {
            return Ok(value);
        }
        let gate = {
            let mut inflight = self
                .inner
                .inflight
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Arc::clone(inflight.entry(key.clone()).or_default())
        };
        let outcome = {
            let _turn = gate.lock().await;
            match self.lookup(&key).await {
                Some(value) => Ok(value),
                None => {
                    self.inner.misses.fetch_add(1, Ordering::Relaxed);
                    let loaded = load().await;
                    if let Ok(value) = &loaded {
                        match serde_json::to_vec(value) {
                            Ok(bytes) => {
                                self.inner
                                    .backend
                                    .set(&key, bytes, self.inner.config.ttl)
                                    .await
                            }
                            Err(err) => tracing::warn!(%err, table, "cache: value not stored"),
                        }
                    }
                    loaded
                }
            }
        };
        let mut inflight = self
            .inner
            .inflight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // the map's and ours: nobody else waits on this gate
        if Arc::strong_count(&gate) <= 2 {
            inflight.remove(&key);
        }
        outcome
    }

    async fn lookup<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let bytes = self.inner.backend.get(key).await?;
        match serde_json::from_slice(&bytes) {
            Ok(value) => {
                self.inner.hits.fetch_add(1, Ordering::Relaxed);
                Some(value)
            }
            Err(err) => {
                // a row type that changed shape since it was stored: load it again
                tracing::debug!(%err, key, "cache: stored value does not decode");
                None
            }
        }
    }
}
