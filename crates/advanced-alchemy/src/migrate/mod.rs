//! Migrations with autogenerate: the registered models compared with a live database,
//! and the difference written as a sea-orm-migration file (Python Advanced Alchemy's
//! `alchemy make-migrations`, which Alembic does there).
//!
//! * [`catalog`] reads what a database holds; [`models`] what the models want, read the
//!   same way; [`diff`] compares them; [`render`] writes the migration (or its SQL).
//! * The files are plain sea-orm-migration `MigrationTrait`s (with `up` and `down`, kept
//!   in `seaql_migrations`), so hand-written SeaORM migrations sit beside them.
//! * [`prelude`] is what a generated file imports; [`cli`](crate::cli) runs it all from a
//!   binary (`make-migrations`, `upgrade`, `check`, …).
//!
//! ```
//! mod note {
//!     use sea_orm::entity::prelude::*;
//!     #[advanced_alchemy::model(BigIntBase)]
//!     #[sea_orm::model]
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "note")]
//!     pub struct Model { pub body: String }
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::registry::Registry;
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! let models = Registry::new().register::<note::Entity>();
//!
//! let before = advanced_alchemy::migrate::compare(&db, &models).await?;
//! assert_eq!(before.changes[0].describe(), "create table note");
//! models.create_all(&db).await?;
//! assert!(advanced_alchemy::migrate::compare(&db, &models).await?.is_empty());
//! # Ok(()) }
//! ```

pub mod catalog;
pub mod diff;
pub mod models;
mod rebuild;
pub mod render;

pub use diff::{Change, Diff};
#[cfg(feature = "mysql")]
pub use rebuild::drop_mysql_foreign_key;
pub use rebuild::expect_backend;
#[cfg(feature = "sqlite")]
pub use rebuild::rebuild_sqlite_table;
pub use sea_orm_migration;

use crate::error::Result;
use crate::registry::Registry;
use sea_orm::DatabaseConnection;

/// What `registry`'s models and `db` differ in (empty: in step).
pub async fn compare(db: &DatabaseConnection, registry: &Registry) -> Result<Diff> {
    let wanted = models::snapshot(db, registry).await?;
    let live = catalog::read(db).await?;
    Ok(diff::diff(&wanted, &live, db.get_database_backend()))
}

/// What a generated migration file imports: sea-orm-migration's prelude and the helpers
/// the generated code calls.
pub mod prelude {
    #[cfg(feature = "mysql")]
    pub use super::drop_mysql_foreign_key;
    pub use super::expect_backend;
    #[cfg(feature = "sqlite")]
    pub use super::rebuild_sqlite_table;
    pub use sea_orm::DbBackend;
    pub use sea_orm_migration::prelude::*;
}
