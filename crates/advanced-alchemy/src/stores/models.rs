//! The tables of the stores: [`session_model!`](crate::session_model) and
//! [`store_model!`](crate::store_model) declare them as models of your crate, under the
//! table name you choose, exactly as Python's `SessionModelMixin` and `StoreModelMixin`
//! declare theirs.

use sea_orm::EntityTrait;

/// An entity with the columns of Python's `SessionModelMixin`: `id` (a UUID v7 key),
/// `session_id` (`VARCHAR(255)`, unique), `data` (binary) and `expires_at` (a
/// [`DateTimeUTC`](crate::types::DateTimeUTC), indexed).
///
/// [`session_model!`](crate::session_model) declares such an entity and implements this
/// trait; implement it by hand only for an entity of your own with these columns.
pub trait SessionModel: EntityTrait {
    /// The primary key (a UUID, filled by the store on insert).
    fn id_column() -> Self::Column;
    /// The session's id as the client sends it.
    fn session_id_column() -> Self::Column;
    /// The session's data.
    fn data_column() -> Self::Column;
    /// When the session stops being valid.
    fn expires_at_column() -> Self::Column;
}

/// An entity with the columns of Python's `StoreModelMixin`: `id` (a UUID v7 key),
/// `key` and `namespace` (`VARCHAR(255)`, unique together), `value` (binary) and
/// `expires_at` (a nullable [`DateTimeUTC`](crate::types::DateTimeUTC), indexed).
///
/// [`store_model!`](crate::store_model) declares such an entity and implements this
/// trait; implement it by hand only for an entity of your own with these columns.
pub trait StoreModel: EntityTrait {
    /// The primary key (a UUID, filled by the store on insert).
    fn id_column() -> Self::Column;
    /// The key, unique within its namespace.
    fn key_column() -> Self::Column;
    /// The namespace.
    fn namespace_column() -> Self::Column;
    /// The stored bytes.
    fn value_column() -> Self::Column;
    /// When the entry expires; `NULL` for never.
    fn expires_at_column() -> Self::Column;
}

/// Declares the table of a [`SessionStore`](crate::stores::SessionStore): a module
/// `$name` holding a `#[advanced_alchemy::model(UUIDv7Base)]` entity with the columns of
/// Python's `SessionModelMixin`, registered for [`create_all`](crate::registry::create_all)
/// like any model of yours.
///
/// | column | type | as in Python |
/// |---|---|---|
/// | `id` | UUID v7 key (`uuid`; `BINARY(16)` elsewhere) | `UUIDv7Base` |
/// | `session_id` | `VARCHAR(255) NOT NULL`, `uq_<table>_session_id` | yes |
/// | `data` | `bytea` / `BLOB NOT NULL` | `LargeBinary` |
/// | `expires_at` | `DateTimeUTC NOT NULL`, `ix_<table>_expires_at` | yes |
/// | `sa_orm_sentinel` | `INTEGER NULL`, never used | yes |
///
/// ```
/// advanced_alchemy::session_model!(pub mod web_session, "web_session");
///
/// use advanced_alchemy::schema::TableSchema;
/// let ddl = TableSchema::of::<web_session::Entity>(sea_orm::DbBackend::Postgres).create[0].to_string();
/// assert!(ddl.contains(r#""session_id" varchar(255) NOT NULL"#), "{ddl}");
/// assert!(ddl.contains(r#"CONSTRAINT "uq_web_session_session_id" UNIQUE ("session_id")"#), "{ddl}");
/// assert!(ddl.contains(r#""data" bytea NOT NULL"#), "{ddl}");
/// ```
#[macro_export]
macro_rules! session_model {
    ($vis:vis mod $name:ident, $table:literal) => {
        $vis mod $name {
            use $crate::__private::sea_orm;
            use sea_orm::entity::prelude::*;
            // (a type written `$crate::…` would not parse in SeaORM's derive)
            use $crate::types::DateTimeUTC as StoreDateTimeUTC;

            #[doc = concat!("The session table `", $table, "` (Python's `SessionModelMixin`).")]
            #[$crate::model(UUIDv7Base)]
            #[sea_orm::model]
            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                /// The session's id as the client sends it.
                #[sea_orm(column_type = "String(StringLen::N(255))", unique)]
                pub session_id: String,
                /// The session's data: JSON of its key/value map.
                #[sea_orm(column_type = "Blob")]
                pub data: Vec<u8>,
                /// When the session stops being valid.
                #[sea_orm(indexed)]
                pub expires_at: StoreDateTimeUTC,
            }

            impl $crate::stores::SessionModel for Entity {
                fn id_column() -> Column { Column::Id }
                fn session_id_column() -> Column { Column::SessionId }
                fn data_column() -> Column { Column::Data }
                fn expires_at_column() -> Column { Column::ExpiresAt }
            }
        }
    };
}

/// Declares the table of a [`KeyValueStore`](crate::stores::KeyValueStore): a module
/// `$name` holding a `#[advanced_alchemy::model(UUIDv7Base)]` entity with the columns of
/// Python's `StoreModelMixin` (Litestar's `SQLAlchemyStore`), registered for
/// [`create_all`](crate::registry::create_all) like any model of yours.
///
/// | column | type | as in Python |
/// |---|---|---|
/// | `id` | UUID v7 key | `UUIDv7Base` |
/// | `key`, `namespace` | `VARCHAR(255) NOT NULL`, unique together | yes (constraint named `uq_<table>_key` here, `uq_<table>_key_namespace` there) |
/// | `value` | `bytea` / `BLOB NOT NULL` | `LargeBinary` |
/// | `expires_at` | `DateTimeUTC NULL`, `ix_<table>_expires_at` | Python declares it `NOT NULL`, although its store writes `NULL` for "never expires" (which then fails); here it is nullable |
///
/// ```
/// advanced_alchemy::store_model!(pub mod cache_entry, "cache_entry");
///
/// use advanced_alchemy::schema::TableSchema;
/// let ddl: Vec<String> = TableSchema::of::<cache_entry::Entity>(sea_orm::DbBackend::Sqlite)
///     .create.iter().map(|s| s.to_string()).collect();
/// assert!(ddl[0].contains(r#""namespace" varchar(255) NOT NULL"#), "{ddl:?}");
/// assert!(ddl.iter().any(|s| s.contains("UNIQUE") && s.contains(r#"("key", "namespace")"#)), "{ddl:?}");
/// ```
#[macro_export]
macro_rules! store_model {
    ($vis:vis mod $name:ident, $table:literal) => {
        $vis mod $name {
            use $crate::__private::sea_orm;
            use sea_orm::entity::prelude::*;
            // (a type written `$crate::…` would not parse in SeaORM's derive)
            use $crate::types::DateTimeUTC as StoreDateTimeUTC;

            #[doc = concat!("The key/value table `", $table, "` (Python's `StoreModelMixin`).")]
            #[$crate::model(UUIDv7Base)]
            #[sea_orm::model]
            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                /// The key, unique within its namespace.
                #[sea_orm(column_type = "String(StringLen::N(255))", unique_key = "key_namespace")]
                pub key: String,
                /// The namespace.
                #[sea_orm(column_type = "String(StringLen::N(255))", unique_key = "key_namespace")]
                pub namespace: String,
                /// The stored bytes.
                #[sea_orm(column_type = "Blob")]
                pub value: Vec<u8>,
                /// When the entry expires; `None` for never.
                #[sea_orm(indexed)]
                pub expires_at: Option<StoreDateTimeUTC>,
            }

            impl $crate::stores::StoreModel for Entity {
                fn id_column() -> Column { Column::Id }
                fn key_column() -> Column { Column::Key }
                fn namespace_column() -> Column { Column::Namespace }
                fn value_column() -> Column { Column::Value }
                fn expires_at_column() -> Column { Column::ExpiresAt }
            }
        }
    };
}
