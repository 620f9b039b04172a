//! [`KeyValueStore`]: Python's Litestar `SQLAlchemyStore` on SeaORM.

use super::StoreModel;
use crate::error::{Error, Result};
use crate::types::DateTimeUTC;
use chrono::{TimeDelta, Utc};
use sea_orm::sea_query::{Condition, Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Value,
};
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

/// The namespace Python's `SQLAlchemyStore` uses when it is given none.
pub const DEFAULT_NAMESPACE: &str = "LITESTAR";

/// The longest key or namespace the table holds (`VARCHAR(255)`).
pub const MAX_KEY_LEN: usize = 255;

/// A key/value store in a database table: Python's `SQLAlchemyStore`, with the same table
/// ([`store_model!`](crate::store_model)) and the same methods.
///
/// * Values are bytes (`&str` and `String` convert); each may expire.
/// * An expired entry is never returned, by any method: the check is in the SQL
///   (`expires_at IS NULL OR expires_at > now`), not in a later look at the row.
///   [`delete_expired`](Self::delete_expired) removes them for good.
/// * [`set`](Self::set) is one upsert statement (`ON CONFLICT … DO UPDATE` on SQLite and
///   PostgreSQL, `ON DUPLICATE KEY UPDATE` on MySQL): concurrent writers of one key never
///   see a duplicate-key error, and the last one wins.
/// * Keys live in a namespace (`"LITESTAR"` by default, as in Python);
///   [`with_namespace`](Self::with_namespace) nests one (`"LITESTAR_users"`), and
///   [`delete_all`](Self::delete_all) clears exactly one namespace.
///
/// A Python service with `SQLAlchemyStore(config, model=CacheEntry)` on the same table and
/// namespace reads what this store writes and the other way round: the key, namespace and
/// value bytes are stored as they are.
///
/// ```
/// advanced_alchemy::store_model!(mod cache_entry, "cache_entry");
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::stores::KeyValueStore;
/// use std::time::Duration;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// advanced_alchemy::registry::Registry::new().register::<cache_entry::Entity>().create_all(&db).await?;
///
/// let store = KeyValueStore::<cache_entry::Entity>::new(db);
/// store.set("greeting", "hello", Some(Duration::from_secs(60))).await?;
/// assert_eq!(store.get("greeting").await?.as_deref(), Some(&b"hello"[..]));
/// assert!(store.expires_in("greeting").await?.unwrap() <= Duration::from_secs(60));
///
/// let users = store.with_namespace("users");
/// assert_eq!(users.namespace(), "LITESTAR_users");
/// assert!(!users.exists("greeting").await?);
/// users.set("alice", b"\x00\x01".to_vec(), None).await?;
/// users.delete_all().await?;                       // only LITESTAR_users
/// assert!(store.exists("greeting").await?);
/// # Ok(()) }
/// ```
pub struct KeyValueStore<E> {
    db: DatabaseConnection,
    namespace: String,
    _entity: PhantomData<fn() -> E>,
}

impl<E> Clone for KeyValueStore<E> {
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            namespace: self.namespace.clone(),
            _entity: PhantomData,
        }
    }
}

impl<E: EntityTrait> fmt::Debug for KeyValueStore<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyValueStore")
            .field("table", &E::default().table_name())
            .field("namespace", &self.namespace)
            .finish()
    }
}

impl<E: StoreModel> KeyValueStore<E> {
    /// A store on `db` in the namespace `"LITESTAR"`, Python's default.
    pub fn new(db: DatabaseConnection) -> Self {
        Self::in_namespace(db, DEFAULT_NAMESPACE)
    }

    /// A store on `db` in `namespace`.
    pub fn in_namespace(db: DatabaseConnection, namespace: impl Into<String>) -> Self {
        Self {
            db,
            namespace: namespace.into(),
            _entity: PhantomData,
        }
    }

    /// The same table, in the namespace `"<this namespace>_<namespace>"` (Python's
    /// `with_namespace`).
    pub fn with_namespace(&self, namespace: &str) -> Self {
        Self {
            db: self.db.clone(),
            namespace: format!("{}_{namespace}", self.namespace),
            _entity: PhantomData,
        }
    }

    /// The namespace this store reads and writes.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Stores `value` under `key`, replacing what was there; it expires after
    /// `expires_in` (never, with `None`). One upsert statement.
    ///
    /// A key or namespace longer than 255 characters is `Error::InvalidRequest`, before
    /// any SQL.
    pub async fn set(
        &self,
        key: &str,
        value: impl Into<Vec<u8>>,
        expires_in: Option<Duration>,
    ) -> Result<()> {
        self.check_key(key)?;
        let backend = self.db.get_database_backend();
        let expires_at = match expires_in {
            Some(d) => Some(later(d)?.for_backend(backend)),
            None => None,
        };
        let mut row = <E::ActiveModel as ActiveModelTrait>::default();
        let values: [(E::Column, Value); 5] = [
            (E::id_column(), Value::Uuid(Some(uuid::Uuid::now_v7()))),
            (E::key_column(), key.into()),
            (E::namespace_column(), self.namespace.as_str().into()),
            (E::value_column(), Value::Bytes(Some(value.into()))),
            (E::expires_at_column(), expires_at.into()),
        ];
        for (column, value) in values {
            row.try_set(column, value).map_err(Error::from_db)?;
        }
        let row = crate::base::bind_datetimes(row, backend);
        E::insert(row)
            .on_conflict(
                OnConflict::columns([E::key_column(), E::namespace_column()])
                    .update_columns([E::value_column(), E::expires_at_column()])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(Error::from_db)?;
        Ok(())
    }

    /// The value under `key`, unless it is missing or expired.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        E::find()
            .select_only()
            .column(E::value_column())
            .filter(self.live(key))
            .into_tuple::<Vec<u8>>()
            .one(&self.db)
            .await
            .map_err(Error::from_db)
    }

    /// As [`get`](Self::get), and a live entry's expiry moves to `renew_for` from now
    /// (Python's `get(key, renew_for=…)`). An expired entry is not revived.
    pub async fn get_and_renew(&self, key: &str, renew_for: Duration) -> Result<Option<Vec<u8>>> {
        let at = later(renew_for)?.for_backend(self.db.get_database_backend());
        E::update_many()
            .col_expr(E::expires_at_column(), Expr::val(at))
            .filter(self.live(key))
            .exec(&self.db)
            .await
            .map_err(Error::from_db)?;
        self.get(key).await
    }

    /// Whether a live (not expired) entry is under `key`.
    pub async fn exists(&self, key: &str) -> Result<bool> {
        let found = E::find()
            .select_only()
            .column(E::key_column())
            .filter(self.live(key))
            .limit(1)
            .into_tuple::<String>()
            .one(&self.db)
            .await
            .map_err(Error::from_db)?;
        Ok(found.is_some())
    }

    /// How long until the entry under `key` expires: `None` when it is missing, expired
    /// or never expires (as Python's `expires_in`, which counts whole seconds).
    pub async fn expires_in(&self, key: &str) -> Result<Option<Duration>> {
        let at = E::find()
            .select_only()
            .column(E::expires_at_column())
            .filter(self.live(key))
            .into_tuple::<Option<DateTimeUTC>>()
            .one(&self.db)
            .await
            .map_err(Error::from_db)?
            .flatten();
        Ok(at.and_then(|at| (at.into_inner() - Utc::now()).to_std().ok()))
    }

    /// Removes the entry under `key` (nothing happens if there is none).
    pub async fn delete(&self, key: &str) -> Result<()> {
        E::delete_many()
            .filter(self.key_condition(key))
            .exec(&self.db)
            .await
            .map_err(Error::from_db)?;
        Ok(())
    }

    /// Removes every entry of this namespace, and only of this one (a nested namespace
    /// made by [`with_namespace`](Self::with_namespace) is another namespace).
    pub async fn delete_all(&self) -> Result<u64> {
        let done = E::delete_many()
            .filter(E::namespace_column().eq(self.namespace.as_str()))
            .exec(&self.db)
            .await
            .map_err(Error::from_db)?;
        Ok(done.rows_affected)
    }

    /// Removes the expired entries of every namespace; returns how many.
    pub async fn delete_expired(&self) -> Result<u64> {
        let now = DateTimeUTC::now().for_backend(self.db.get_database_backend());
        let done = E::delete_many()
            .filter(E::expires_at_column().lte(now))
            .exec(&self.db)
            .await
            .map_err(Error::from_db)?;
        Ok(done.rows_affected)
    }

    fn check_key(&self, key: &str) -> Result<()> {
        for (what, text) in [("key", key), ("namespace", self.namespace.as_str())] {
            if text.chars().count() > MAX_KEY_LEN {
                return Err(Error::InvalidRequest(format!(
                    "store {what} is longer than {MAX_KEY_LEN} characters"
                )));
            }
        }
        Ok(())
    }

    fn key_condition(&self, key: &str) -> Condition {
        Condition::all()
            .add(E::key_column().eq(key))
            .add(E::namespace_column().eq(self.namespace.as_str()))
    }

    /// `key`, in this namespace, not expired.
    fn live(&self, key: &str) -> Condition {
        let now = DateTimeUTC::now().for_backend(self.db.get_database_backend());
        self.key_condition(key).add(
            Condition::any()
                .add(E::expires_at_column().is_null())
                .add(E::expires_at_column().gt(now)),
        )
    }
}

/// `now + d`; a duration too large for a timestamp is `Error::InvalidRequest`.
pub(crate) fn later(d: Duration) -> Result<DateTimeUTC> {
    TimeDelta::from_std(d)
        .ok()
        .and_then(|d| Utc::now().checked_add_signed(d))
        .map(DateTimeUTC::from)
        .ok_or_else(|| Error::InvalidRequest(format!("expiry {d:?} is out of range")))
}
