//! The generic repository: every method of the Python `SQLAlchemyAsyncRepository`,
//! for any SeaORM entity made with the [`model`](crate::model) attribute.
//!
//! A [`Repository`] borrows a connection — a pool ([`DatabaseConnection`]), a SeaORM
//! [`DatabaseTransaction`](sea_orm::DatabaseTransaction) or a [`Session`](crate::Session),
//! anything that is both a [`ConnectionTrait`] and a [`TransactionTrait`] — and is cheap
//! to make per request.
//!
//! ```
//! # mod post {
//! #     use sea_orm::entity::prelude::*;
//! #     #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
//! #     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
//! #     pub struct Model { pub title: String, pub published: bool }
//! # }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::filters::{LimitOffset, OrderBy};
//! use advanced_alchemy::repository::Repository;
//! use sea_orm::{ActiveValue::Set, ColumnTrait};
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
//! let posts = Repository::<post::Entity, _>::new(&db);
//!
//! let hello = posts.add(post::ActiveModel { title: Set("Hello".into()), published: Set(true), ..Default::default() }).await?;
//! assert_eq!(posts.get(hello.id).await?.title, "Hello");
//!
//! let (page, total) = posts
//!     .get_many_and_count((post::Column::Published.eq(true), OrderBy::desc(post::Column::Id), LimitOffset::new(20, 0)))
//!     .await?;
//! assert_eq!((page.len(), total), (1, 1));
//! # Ok(()) }
//! ```
//!
//! Where to look:
//! * reads ([`get`](Repository::get), [`get_many`](Repository::get_many), …): `reads.rs`;
//! * single-row writes and deletes: `writes.rs`, `delete.rs`;
//! * bulk paths (`add_many`, `update_many`, chunking): `bulk.rs`;
//! * upserts (`upsert`, `upsert_many`): `upsert.rs`; `get_or_upsert`, `get_and_update`:
//!   `get_or_upsert.rs`;
//! * soft delete ([`restore`](Repository::restore), hard deletes): `delete.rs`;
//! * [`SlugRepository`] and [`QueryRepository`]; errors and [`ErrorMessages`];
//! * [`memory::MemoryRepository`]: the same methods on models in memory, for unit tests.
//!
//! Filters are in [`filters`](crate::filters); pages in [`pagination`](crate::pagination).

mod delete;
mod errors;
pub mod memory;
mod pages;
mod query;
mod slug;

mod reads;

mod writes;

mod bulk;
mod cached;
mod get_or_upsert;
mod readback;
mod rows;
mod upsert;

pub use cached::CachedReads;
pub use delete::{ByKey, ByModel, ByModelRef, DeleteKey};
pub use errors::ErrorMessages;
pub use query::{IntoSelect, QueryRepository};
pub use slug::SlugRepository;

pub(crate) use get_or_upsert::{EXISTED as MYSQL_EXISTED, mysql_noop_reporting_existing};

use crate::base::Base;
use crate::error::Error;
use crate::filters::FilterQuery;
use sea_orm::sea_query::{Condition, Expr, IntoCondition, IntoValueTuple, ValueTuple};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, Iterable,
    ModelTrait, PrimaryKeyToColumn, TransactionTrait,
};
use std::fmt;
use std::marker::PhantomData;

/// How [`Repository::get_many_and_count`] gets the total.
///
/// ```
/// use advanced_alchemy::repository::CountMode;
/// assert_eq!(CountMode::default(), CountMode::Window);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CountMode {
    /// One round trip: `COUNT(*) OVER ()` next to the rows (a second query only when
    /// the page is past the end and returns no row to carry the total).
    #[default]
    Window,
    /// Two queries: the page, then `SELECT COUNT(*)`.
    Separate,
}

/// The async repository for entity `E` over connection `C`: see the [module docs](self).
///
/// Configuration is by builder methods that return the repository, so a configured
/// repository can be made in one expression (often in a small function of your own):
///
/// ```
/// # mod tag { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase, SlugKey)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
/// #   pub struct Model { pub name: String } }
/// use advanced_alchemy::repository::{ErrorMessages, Repository};
/// use sea_orm::{ConnectionTrait, TransactionTrait};
///
/// fn tags<C: ConnectionTrait + TransactionTrait>(conn: &C) -> Repository<'_, tag::Entity, C> {
///     Repository::new(conn)
///         .error_messages(ErrorMessages::new().duplicate_key("this tag already exists"))
///         .chunk_size(500)
/// }
/// ```
pub struct Repository<'c, E, C = DatabaseConnection> {
    conn: &'c C,
    messages: ErrorMessages,
    auto_commit: bool,
    include_deleted: bool,
    count_mode: CountMode,
    chunk_size: Option<usize>,
    _entity: PhantomData<fn() -> E>,
}

impl<E, C> Clone for Repository<'_, E, C> {
    fn clone(&self) -> Self {
        Self {
            conn: self.conn,
            messages: self.messages,
            auto_commit: self.auto_commit,
            include_deleted: self.include_deleted,
            count_mode: self.count_mode,
            chunk_size: self.chunk_size,
            _entity: PhantomData,
        }
    }
}

impl<E: Base, C: ConnectionTrait> fmt::Debug for Repository<'_, E, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repository")
            .field("model", &E::default().table_name())
            .field("backend", &self.conn.get_database_backend())
            .field("auto_commit", &self.auto_commit)
            .field("include_deleted", &self.include_deleted)
            .field("count_mode", &self.count_mode)
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

impl<'c, E, C> Repository<'c, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// A repository for `E` on `conn`: a pool, a transaction or a session.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::{Session, repository::Repository};
    ///
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let on_pool = Repository::<post::Entity, _>::new(&db);
    /// let session = Session::begin(&db).await?;
    /// let in_session = Repository::<post::Entity, _>::new(&session);
    /// # let _ = (on_pool, in_session);
    /// # Ok(()) }
    /// ```
    pub fn new(conn: &'c C) -> Self {
        Self {
            conn,
            messages: ErrorMessages::new(),
            auto_commit: false,
            include_deleted: false,
            count_mode: CountMode::Window,
            chunk_size: None,
            _entity: PhantomData,
        }
    }

    /// Custom messages for this repository's errors (the Python `error_messages`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::repository::{ErrorMessages, Repository};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = Repository::<post::Entity, _>::new(&db)
    ///     .error_messages(ErrorMessages::new().not_found("that post does not exist"));
    /// let err = posts.get(42).await.unwrap_err();
    /// assert_eq!(err.to_string(), "that post does not exist");
    /// # Ok(()) }
    /// ```
    pub fn error_messages(mut self, messages: ErrorMessages) -> Self {
        self.messages = messages;
        self
    }

    /// The auto-commit choice (the Python `auto_commit`, off by default).
    ///
    /// On: every write method runs in its own transaction that commits before the method
    /// returns — durable on a pool; inside a caller's transaction or session it is a
    /// savepoint, released on success, and the caller's commit decides. Off: statements
    /// run directly on the connection; the caller commits its transaction. Either way, a
    /// write that needs several statements (chunked bulk paths, MySQL fallbacks) runs
    /// atomically, so a failure leaves nothing behind.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db).auto_commit(true);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn auto_commit(mut self, on: bool) -> Self {
        self.auto_commit = on;
        self
    }

    /// Reads see soft-deleted rows too (see [`SoftDelete`](crate::mixins::SoftDelete)).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase, SoftDelete)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let all = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db).include_deleted();
    /// # let _ = all;
    /// # Ok(()) }
    /// ```
    pub fn include_deleted(mut self) -> Self {
        self.include_deleted = true;
        self
    }

    /// How [`get_many_and_count`](Self::get_many_and_count) counts (default: one query).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::repository::{CountMode, Repository};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = Repository::<post::Entity, _>::new(&db).count_mode(CountMode::Separate);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn count_mode(mut self, mode: CountMode) -> Self {
        self.count_mode = mode;
        self
    }

    /// Rows per statement in bulk paths (the Python 1.12 `chunk_size`). Without it,
    /// chunks are as large as the backend's bind-parameter limit allows; a larger value
    /// is lowered to fit.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db).chunk_size(1000);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn chunk_size(mut self, rows: usize) -> Self {
        self.chunk_size = Some(rows.max(1));
        self
    }

    /// The connection this repository runs on.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ConnectionTrait;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// assert_eq!(posts.connection().get_database_backend(), sea_orm::DbBackend::Sqlite);
    /// # Ok(()) }
    /// ```
    pub fn connection(&self) -> &'c C {
        self.conn
    }

    /// The table name, used in error messages.
    pub(crate) fn model_name(&self) -> &'static str {
        E::default().table_name()
    }

    pub(crate) fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Context for a SeaORM error.
    pub(crate) fn db_err(&self, err: DbErr) -> Error {
        match err {
            DbErr::RecordNotFound(_) | DbErr::RecordNotUpdated => self.not_found(),
            err => self.messages.db(self.model_name(), err),
        }
    }

    /// Context for one of our own errors.
    pub(crate) fn err(&self, err: Error) -> Error {
        self.messages.wrap(self.model_name(), err)
    }

    pub(crate) fn not_found(&self) -> Error {
        self.err(Error::not_found(self.model_name()))
    }

    /// The soft-delete scope of a read: `deleted_at IS NULL` unless deleted rows are asked for.
    pub(crate) fn live_condition(&self, query: &FilterQuery<E>) -> Condition {
        match E::soft_delete_column() {
            Some(col) if !self.include_deleted && !query.includes_deleted() => {
                col.is_null().into_condition()
            }
            _ => Condition::all(),
        }
    }

    /// The largest number of rows per statement when each row binds `binds_per_row` values.
    pub(crate) fn rows_per_chunk(&self, binds_per_row: usize) -> usize {
        let limit = bind_limit(self.backend()) / binds_per_row.max(1);
        self.chunk_size.map_or(limit, |c| c.min(limit)).max(1)
    }
}

/// How many bind parameters one statement may carry on `backend`.
pub(crate) fn bind_limit(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Sqlite => 32_766,
        _ => 65_535,
    }
}

/// The primary-key columns of `E`.
pub(crate) fn pk_columns<E: EntityTrait>() -> Vec<E::Column> {
    E::PrimaryKey::iter().map(|k| k.into_column()).collect()
}

/// `pk IN (…)` for a single-column key, `(a = … AND b = …) OR …` for a composite one.
pub(crate) fn pk_condition<E: EntityTrait>(models: &[E::Model]) -> Condition {
    let cols = pk_columns::<E>();
    match cols.as_slice() {
        [col] => col
            .is_in(models.iter().map(|m| m.get(*col)))
            .into_condition(),
        _ => models.iter().fold(Condition::any(), |any, m| {
            any.add(
                cols.iter()
                    .fold(Condition::all(), |all, c| all.add(c.eq(m.get(*c)))),
            )
        }),
    }
}

/// `WHERE pk = id` from a key value (single or tuple).
pub(crate) fn pk_eq<E: EntityTrait>(id: ValueTuple) -> Condition {
    pk_columns::<E>()
        .into_iter()
        .zip(id)
        .fold(Condition::all(), |all, (c, v)| all.add(c.eq(v)))
}

/// A primary-key value as a tuple of values.
pub(crate) fn key_tuple<E: EntityTrait>(
    id: impl Into<<E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType>,
) -> ValueTuple {
    id.into().into_value_tuple()
}

/// The rows of a bulk call as active models.
pub(crate) fn active_models<E: EntityTrait>(
    data: impl IntoIterator<Item = impl sea_orm::IntoActiveModel<E::ActiveModel>>,
) -> Vec<E::ActiveModel> {
    data.into_iter()
        .map(sea_orm::IntoActiveModel::into_active_model)
        .collect()
}

/// `COUNT(*)` as an expression.
pub(crate) fn count_star() -> Expr {
    Expr::cust("COUNT(*)")
}

/// Runs `$body` (a future using `$conn`) in its own transaction when the repository
/// auto-commits or `$multi` says the operation needs several statements; otherwise
/// directly on the repository's connection.
macro_rules! atomic {
    ($repo:expr, $multi:expr, |$conn:ident| $body:expr) => {{
        let repo = &$repo;
        if repo.auto_commit || $multi {
            let tx = sea_orm::TransactionTrait::begin_with_options(
                repo.conn,
                $crate::session::write_transaction(repo.conn.get_database_backend()),
            )
            .await
            .map_err(|e| repo.db_err(e))?;
            let outcome = {
                let $conn = &tx;
                $body.await
            };
            match outcome {
                Ok(value) => {
                    sea_orm::TransactionSession::commit(tx)
                        .await
                        .map_err(|e| repo.db_err(e))?;
                    Ok(value)
                }
                Err(err) => {
                    // the error is what matters; a failed rollback is dropped with the transaction
                    let _ = sea_orm::TransactionSession::rollback(tx).await;
                    Err(err)
                }
            }
        } else {
            let $conn = repo.conn;
            $body.await
        }
    }};
}
pub(crate) use atomic;
