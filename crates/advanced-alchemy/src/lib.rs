//! # advanced-alchemy
//!
//! Production-ready base models, mixins and get-or-create for [SeaORM](sea_orm): what
//! Python's Advanced Alchemy does for SQLAlchemy, done the Rust way. Models stay SeaORM
//! entities; one attribute gives them a key strategy, audit columns and a place in the
//! registry, so a SeaORM user adopts this crate one model at a time.
//!
//! ```
//! mod post {
//!     use sea_orm::entity::prelude::*;
//!
//!     #[advanced_alchemy::model(BigIntAuditBase)] // id, created_at, updated_at
//!     #[sea_orm::model]
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "post")]
//!     pub struct Model {
//!         #[sea_orm(indexed)]
//!         pub title: String,
//!         pub content: String,
//!         #[sea_orm(default_value = false)]
//!         pub published: bool,
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use sea_orm::{ActiveModelTrait, ActiveValue::Set};
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! // every model of the program: advanced_alchemy::registry::create_all(&db)
//! advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
//!
//! let session = advanced_alchemy::Session::begin(&db).await?;
//! let post = post::ActiveModel {
//!     title: Set("Hello".into()),
//!     content: Set("World".into()),
//!     published: Set(false),
//!     ..Default::default()
//! }
//! .insert(&session)
//! .await?;
//! assert_eq!(post.created_at, post.updated_at);
//! session.commit().await?;
//! # Ok(()) }
//! ```
//!
//! ## Where to look
//! * [`model`]: the attribute, and [`base`] for the bases it knows (`BigIntAuditBase`,
//!   `UUIDv7Base`, `NanoidBase`, …).
//! * [`mixins`]: `AuditColumns`, `SlugKey`, `UniqueMixin` (`as_unique`).
//! * [`Session`]: unit of work and per-session cache; [`connect`] to open a database.
//! * [`registry`]: `orm_registry`, `create_all`, `drop_all`; [`schema`] and [`naming`] for
//!   the DDL they run.
//! * [`types`]: column types, such as [`types::PasswordHash`] (Argon2, read and written
//!   by the Python library too), [`types::EncryptedString`] / [`types::EncryptedText`]
//!   (client-side encryption, key rotation) and [`types::FileObject`] (file metadata in a
//!   JSON column, content in object storage, cleaned up after commit or rollback).
//! * [`service`]: [`Service`](service::Service), the Python repository service: input
//!   from JSON, DTOs and models, partial updates ([`service::Patch`]), hooks, pages.
//! * [`stores`]: a `tower-sessions` session store (feature `tower-sessions`) and a
//!   key/value store, in the tables of Python's Litestar integration.
//! * [`utils::text::slugify`], [`Error`].
//!
//! ## Backends
//! SQLite, PostgreSQL and MySQL/MariaDB, each behind a cargo feature (`sqlite`,
//! `postgres`, `mysql`; all on by default), over SeaORM's sqlx drivers and tokio.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod base;
pub mod cache;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
mod connect;
pub mod error;
pub mod filters;
pub mod hooks;
#[cfg(feature = "migrate")]
#[cfg_attr(docsrs, doc(cfg(feature = "migrate")))]
pub mod migrate;
pub mod mixins;
pub mod naming;
#[cfg(feature = "openapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "openapi")))]
pub mod openapi;
pub mod pagination;
pub mod profiles;
pub mod registry;
pub mod repository;
pub mod retry;
pub mod routing;
pub mod schema;
pub mod service;
pub mod session;
pub mod stores;
mod transient;
pub mod types;
pub mod utils;

pub use connect::{connect, connect_with};
pub use error::{Error, Result, TransientKind};
pub use session::Session;

/// Makes a SeaORM entity an advanced-alchemy model. Put it **above** `#[sea_orm::model]`.
///
/// It adds columns before SeaORM's derives see the struct, writes the entity's
/// `ActiveModelBehavior` (keys and audit columns filled on save, then your
/// [`ModelHooks`](hooks::ModelHooks)), implements [`Base`](base::Base) and the mixin
/// traits, and registers the entity for [`create_all`](registry::create_all).
///
/// Options, comma separated:
///
/// | option | effect |
/// |---|---|
/// | a base: `BigIntBase`, `BigIntAuditBase`, `IdentityBase`, `IdentityAuditBase`, `UUIDBase`, `UUIDAuditBase`, `UUIDv6Base`, `UUIDv6AuditBase`, `UUIDv7Base`, `UUIDv7AuditBase`, `NanoidBase`, `NanoidAuditBase` | adds `id` (and for `…AuditBase`, `created_at`/`updated_at`); see [`base`] |
/// | `key = bigint \| identity \| uuid4 \| uuid6 \| uuid7 \| nanoid` | the key alone, for custom bases |
/// | `key_server_default = "expr"` or `key_server_default(postgres = "…", mysql = "…", sqlite = "…")` | a database default for `id` as well (raw SQL inserts get a key too) |
/// | `AuditColumns` | adds `created_at`/`updated_at` ([`mixins::AuditColumns`]) |
/// | `SlugKey` | adds `slug` `VARCHAR(100)`, unique as `uq_<table>_slug` ([`mixins::SlugKey`]) |
/// | `hooks` | you implement [`ModelHooks`](hooks::ModelHooks) yourself |
/// | `dto` or `dto(rename_all = "…", include(…), exclude(…))` | generates the entity's `Create`, `Update` and `Read` structs (see below) |
/// | nothing | registers the entity only (association tables such as `post_tag`) |
///
/// The seed's custom `ServerSideUUIDBase` (a UUID key with PostgreSQL's
/// `gen_random_uuid()` as server default, and a client-side UUID as well):
///
/// ```
/// mod user {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(key = uuid4, key_server_default(postgres = "gen_random_uuid()"))]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "user_account")]
///     pub struct Model {
///         #[sea_orm(unique, indexed)]
///         pub username: String,
///         #[sea_orm(unique)]
///         pub email: String,
///         pub full_name: String,
///         #[sea_orm(default_value = true)]
///         pub is_active: bool,
///         pub last_login: Option<DateTimeUtc>,
///     }
/// }
///
/// use advanced_alchemy::schema::TableSchema;
/// let ddl = TableSchema::of::<user::Entity>(sea_orm::DbBackend::Postgres).create[0].to_string();
/// assert!(ddl.contains(r#""id" uuid NOT NULL DEFAULT (gen_random_uuid())"#), "{ddl}");
/// assert!(ddl.contains(r#"CONSTRAINT "uq_user_account_email" UNIQUE ("email")"#), "{ddl}");
/// ```
///
/// An association table is registered with the bare attribute:
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # mod tag { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
/// #   pub struct Model { pub name: String } }
/// mod post_tag {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "post_tag")]
///     pub struct Model {
///         #[sea_orm(primary_key, auto_increment = false)]
///         pub post_id: i64,
///         #[sea_orm(primary_key, auto_increment = false)]
///         pub tag_id: i64,
///         #[sea_orm(belongs_to, from = "post_id", to = "id", on_delete = "Cascade")]
///         pub post: BelongsTo<super::post::Entity>,
///         #[sea_orm(belongs_to, from = "tag_id", to = "id", on_delete = "Cascade")]
///         pub tag: BelongsTo<super::tag::Entity>,
///     }
/// }
/// # fn main() {
/// use advanced_alchemy::schema::TableSchema;
/// let ddl = TableSchema::of::<post_tag::Entity>(sea_orm::DbBackend::Sqlite).create[0].to_string();
/// assert!(ddl.contains(r#"CONSTRAINT "fk_post_tag_post_id_post" FOREIGN KEY ("post_id") REFERENCES "post" ("id") ON DELETE CASCADE"#), "{ddl}");
/// # }
/// ```
///
/// ## DTOs (`dto`)
///
/// As Litestar's `SQLAlchemyDTO` does for Python users, `dto` generates three structs in
/// the entity's module, with serde (and, with this crate's `openapi` feature, utoipa's
/// `ToSchema`, named `<Table>Create`, `<Table>Update`, `<Table>Read`):
///
/// * `Create`: the body that creates a row. Every writable column; `Option<T>` columns
///   and columns with a `default_value` may be left out (the database default applies).
/// * `Update`: a PATCH body. Every writable column as a [`service::Patch`]: left out, the
///   column keeps its value; `null` clears a nullable column (and is
///   [`Error::InvalidField`] for a NOT NULL one). Never the primary key.
/// * `Read`: what a client reads, `From<Model>` (for [`Service::to_schema`](service::Service::to_schema)).
///
/// `Create` and `Update` implement [`service::ModelInput`], so a [`Service`](service::Service)
/// takes them directly, and refuse unknown fields. The key the base generates, the audit
/// columns and `deleted_at` are read-only: in `Read` only, never accepted from a client.
/// Relation fields (`HasMany`, `BelongsTo`, …) are in none of them.
///
/// | option | where | effect |
/// |---|---|---|
/// | `rename_all = "camelCase"` | `dto(…)` | serde's `rename_all` on all three (`snake_case`, `kebab-case`, …) |
/// | `exclude(a, b)` | `dto(…)` | fields left out of all three |
/// | `include(a, b)` | `dto(…)` | only these fields (and never the read-only ones in input) |
/// | `#[dto(skip)]` | field | left out of all three |
/// | `#[dto(read_only)]` | field | in `Read` only |
/// | `#[dto(write_only)]` | field | in `Create` and `Update` only (a password) |
/// | `#[dto(rename = "name")]` | field | the field's JSON name in all three |
///
/// ```
/// mod article {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(BigIntAuditBase, dto(rename_all = "camelCase", exclude(internal_note)))]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "article")]
///     pub struct Model {
///         pub title: String,
///         pub sub_title: Option<String>,
///         #[sea_orm(default_value = 0)]
///         pub views: i32,
///         #[dto(rename = "body")]
///         pub content: String,
///         #[dto(read_only)]
///         pub score: Option<i32>,
///         #[dto(write_only)]
///         pub edit_token: String,
///         #[dto(skip)]
///         pub cache: Option<String>,
///         pub internal_note: Option<String>,
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::service::{Patch, Service};
/// use serde_json::json;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<article::Entity>().create_all(&db).await?;
/// let articles = Service::<article::Entity, _>::new(db);
///
/// let body: article::Create = serde_json::from_value(json!({
///     "title": "Hello", "subTitle": "world", "body": "…", "editToken": "t0k"
/// })).unwrap();
/// let stored = articles.create(body).await?;
/// assert_eq!(stored.views, 0); // left to the database default
///
/// // the key, audit columns, read-only and excluded fields are refused in input
/// for field in ["id", "createdAt", "score", "cache", "internalNote"] {
///     let mut body = json!({"title": "x", "body": "y", "editToken": "z"});
///     body[field] = json!(null);
///     assert!(serde_json::from_value::<article::Create>(body).is_err(), "{field}");
/// }
///
/// let patch: article::Update = serde_json::from_value(json!({"subTitle": null})).unwrap();
/// assert_eq!((patch.sub_title.clone(), patch.title.clone()), (Patch::Null, Patch::Absent));
/// let updated = articles.update(patch, stored.id).await?;
/// assert_eq!((updated.title.as_str(), updated.sub_title.as_deref()), ("Hello", None));
///
/// let read: article::Read = articles.to_schema(updated);
/// let json = serde_json::to_value(&read).unwrap();
/// assert_eq!(json["body"], "…");
/// assert!(json.get("editToken").is_none() && json.get("cache").is_none());
/// assert!(json.get("createdAt").is_some() && json.get("score").is_some());
/// # Ok(()) }
/// ```
pub use advanced_alchemy_macros::model;

/// Paths the generated code uses; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use chrono;
    pub use inventory;
    pub use sea_orm;
    pub use sea_orm::prelude::async_trait::async_trait;
    pub use serde;
    #[cfg(feature = "openapi")]
    pub use utoipa;
    pub use uuid;
}
