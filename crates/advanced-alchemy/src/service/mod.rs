//! The service layer: [`Service`], the Python `SQLAlchemyAsyncRepositoryService`, over
//! a [`Repository`].
//!
//! A service owns its connection handle (a pool, `&session`, a web layer's request
//! handle: see [`AsConnection`]), takes input in any form that implements
//! [`ModelInput`] (active models, models, JSON objects, DTOs), runs your
//! [`ServiceHooks`] on it, and hands out models, your response types
//! ([`to_schema`](Service::to_schema)) or [`OffsetPagination`](crate::pagination::OffsetPagination) pages.
//!
//! ```
//! # mod post { use sea_orm::entity::prelude::*;
//! #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
//! #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
//! #   #[sea_orm(table_name = "post")]
//! #   pub struct Model { pub title: String, pub published: bool } }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::filters::{LimitOffset, OrderBy};
//! use advanced_alchemy::service::Service;
//! use serde_json::json;
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
//! let posts = Service::<post::Entity, _>::new(db.clone()); // a pool clone is cheap
//!
//! let post = posts.create(json!({"title": "Hello", "published": false})).await?;
//! let post = posts.update(json!({"published": true}), post.id).await?; // only `published` changes
//! assert_eq!((post.title.as_str(), post.published), ("Hello", true));
//!
//! let page = posts.paginate::<post::Model>((OrderBy::asc(post::Column::Id), LimitOffset::new(10, 0))).await?;
//! assert_eq!((page.items.len(), page.total), (1, 1));
//! # Ok(()) }
//! ```
//!
//! Where to look: reads in `reads.rs`, writes in `writes.rs`, [`Patch`] for PATCH
//! bodies, [`ModelInput`] for input, [`ServiceHooks`]; the `dto` option of the
//! [`model`](crate::model) attribute generates `Create`, `Update` and `Read` structs.

mod connection;
mod dto;
mod hooks;
mod input;
mod patch;
mod reads;
mod writes;

pub use connection::AsConnection;
pub use hooks::{NoHooks, ServiceHooks};
pub use input::{ModelInput, model_to_active};
pub use patch::Patch;

use crate::base::Base;
use crate::repository::{CountMode, ErrorMessages, Repository};
use sea_orm::{DatabaseConnection, PrimaryKeyTrait};
use std::fmt;
use std::marker::PhantomData;

/// The primary-key value of `E`: a scalar (`i64`, `Uuid`, `String`) or a tuple for a
/// composite key.
pub type Key<E> = <<E as sea_orm::EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType;

/// The service for entity `E` on connection handle `C`, with hooks `H`: see the
/// [module docs](self).
///
/// It owns `C` and makes a [`Repository`] per call (a few words on the stack). Cloning a
/// service clones its handle (a pool clone shares the pool).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::{Session, service::Service};
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// let on_pool = Service::<post::Entity, _>::new(db.clone());
/// let session = Session::begin(&db).await?;
/// let in_session = Service::<post::Entity, _>::new(&session);
/// # let _ = (on_pool, in_session);
/// # Ok(()) }
/// ```
pub struct Service<E, C = DatabaseConnection, H = NoHooks> {
    conn: C,
    hooks: H,
    messages: ErrorMessages,
    auto_commit: bool,
    include_deleted: bool,
    count_mode: CountMode,
    chunk_size: Option<usize>,
    _entity: PhantomData<fn() -> E>,
}

impl<E, C: Clone, H: Clone> Clone for Service<E, C, H> {
    fn clone(&self) -> Self {
        Self {
            conn: self.conn.clone(),
            hooks: self.hooks.clone(),
            messages: self.messages,
            auto_commit: self.auto_commit,
            include_deleted: self.include_deleted,
            count_mode: self.count_mode,
            chunk_size: self.chunk_size,
            _entity: PhantomData,
        }
    }
}

impl<E: Base, C, H> fmt::Debug for Service<E, C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("model", &E::default().table_name())
            .field("hooks", &std::any::type_name::<H>())
            .field("auto_commit", &self.auto_commit)
            .field("include_deleted", &self.include_deleted)
            .field("count_mode", &self.count_mode)
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

impl<E, C> Service<E, C>
where
    E: Base,
    C: AsConnection,
{
    /// A service for `E` on `conn` (a pool, `&session`, a request handle), without hooks.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn new(conn: C) -> Self {
        Self {
            conn,
            hooks: NoHooks,
            messages: ErrorMessages::new(),
            auto_commit: false,
            include_deleted: false,
            count_mode: CountMode::Window,
            chunk_size: None,
            _entity: PhantomData,
        }
    }
}

impl<E, C, H> Service<E, C, H>
where
    E: Base,
    C: AsConnection,
    H: ServiceHooks<E>,
{
    /// The same service with `hooks` run on its writes (see [`ServiceHooks`]).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::service::{NoHooks, Service};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = Service::<post::Entity, _>::new(db).with_hooks(NoHooks);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn with_hooks<H2: ServiceHooks<E>>(self, hooks: H2) -> Service<E, C, H2> {
        Service {
            conn: self.conn,
            hooks,
            messages: self.messages,
            auto_commit: self.auto_commit,
            include_deleted: self.include_deleted,
            count_mode: self.count_mode,
            chunk_size: self.chunk_size,
            _entity: PhantomData,
        }
    }

    /// Custom error messages, as [`Repository::error_messages`].
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::{repository::ErrorMessages, service::Service};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = Service::<post::Entity, _>::new(db).error_messages(ErrorMessages::new().not_found("no such post"));
    /// assert_eq!(posts.get(7).await.unwrap_err().to_string(), "no such post");
    /// # Ok(()) }
    /// ```
    pub fn error_messages(mut self, messages: ErrorMessages) -> Self {
        self.messages = messages;
        self
    }

    /// Each write commits on its own, as [`Repository::auto_commit`].
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db).auto_commit(true);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn auto_commit(mut self, on: bool) -> Self {
        self.auto_commit = on;
        self
    }

    /// Reads see soft-deleted rows too, as [`Repository::include_deleted`].
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase, SoftDelete)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db).include_deleted();
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn include_deleted(mut self) -> Self {
        self.include_deleted = true;
        self
    }

    /// How [`get_many_and_count`](Self::get_many_and_count) counts, as
    /// [`Repository::count_mode`].
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::{repository::CountMode, service::Service};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = Service::<post::Entity, _>::new(db).count_mode(CountMode::Separate);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn count_mode(mut self, mode: CountMode) -> Self {
        self.count_mode = mode;
        self
    }

    /// Rows per statement in bulk paths, as [`Repository::chunk_size`].
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db).chunk_size(500);
    /// # let _ = posts;
    /// # Ok(()) }
    /// ```
    pub fn chunk_size(mut self, rows: usize) -> Self {
        self.chunk_size = Some(rows.max(1));
        self
    }

    /// The repository this service runs on, configured as the service is: for what the
    /// service does not wrap (cursor pages, eager loading, soft-delete restore).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// assert!(posts.repository().check_health().await?);
    /// # Ok(()) }
    /// ```
    pub fn repository(&self) -> Repository<'_, E, C::Connection> {
        let repo = Repository::new(self.conn.as_connection())
            .error_messages(self.messages)
            .auto_commit(self.auto_commit)
            .count_mode(self.count_mode);
        let repo = match self.chunk_size {
            Some(rows) => repo.chunk_size(rows),
            None => repo,
        };
        match self.include_deleted {
            true => repo.include_deleted(),
            false => repo,
        }
    }

    /// The connection handle the service owns.
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
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// assert_eq!(posts.connection().get_database_backend(), sea_orm::DbBackend::Sqlite);
    /// # Ok(()) }
    /// ```
    pub fn connection(&self) -> &C {
        &self.conn
    }

    /// The hooks the service runs.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// assert_eq!(*posts.hooks(), advanced_alchemy::service::NoHooks);
    /// # Ok(()) }
    /// ```
    pub fn hooks(&self) -> &H {
        &self.hooks
    }

    /// The model's table name, for error messages.
    pub(crate) fn model_name(&self) -> &'static str {
        E::default().table_name()
    }
}
