//! The schema the registered models want, read the same way as a live database.
//!
//! The models' DDL ([`Registry::create_all`](crate::registry::Registry::create_all)) runs
//! in a scratch place and the result is read back with [`catalog`], so
//! both sides of a diff are spelled by the same server (defaults, type names, serials):
//!
//! * SQLite: a private in-memory database;
//! * PostgreSQL: a scratch schema inside a transaction that is rolled back;
//! * MySQL/MariaDB: a scratch database `aa_scratch_<pid>_<n>`, dropped afterwards (the
//!   user needs `CREATE` and `DROP` on it; Prisma's "shadow database" works the same way).

use super::catalog::{self, Snapshot};
use crate::error::{Error, Result};
use crate::registry::Registry;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The schema `registry`'s models make on `db`'s backend.
///
/// ```
/// mod note {
///     use sea_orm::entity::prelude::*;
///     #[advanced_alchemy::model(BigIntAuditBase)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "note")]
///     pub struct Model { pub body: String }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// let models = advanced_alchemy::registry::Registry::new().register::<note::Entity>();
/// let wanted = advanced_alchemy::migrate::models::snapshot(&db, &models).await?;
/// assert!(wanted.tables["note"].column("created_at").is_some());
/// # Ok(()) }
/// ```
pub async fn snapshot(db: &DatabaseConnection, registry: &Registry) -> Result<Snapshot> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let scratch = format!(
        "aa_scratch_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let scratch = crate::connect("sqlite::memory:").await?;
            registry.create_all(&scratch).await?;
            let snapshot = catalog::read(&scratch).await?;
            scratch.close().await.ok();
            Ok(snapshot)
        }
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("CREATE SCHEMA \"{scratch}\""))
                .await?;
            txn.execute_unprepared(&format!(
                "SELECT set_config('search_path', '\"{scratch}\",' || current_setting('search_path'), true)"
            ))
            .await?;
            let result = async {
                registry.create_all(&txn).await?;
                catalog::read_schema(&txn, Some(&scratch)).await
            }
            .await;
            txn.rollback().await?;
            result
        }
        DbBackend::MySql => {
            db.execute_unprepared(&format!("CREATE DATABASE `{scratch}`"))
                .await
                .map_err(|e| {
                    Error::Migration(format!(
                        "comparing with the models needs a scratch database on MySQL \
                         (CREATE DATABASE `{scratch}` failed: {e})"
                    ))
                })?;
            let result = async {
                // one connection for the whole job: `USE` is per connection
                let txn = db.begin().await?;
                let current = txn
                    .query_one_raw(sea_orm::Statement::from_string(
                        DbBackend::MySql,
                        "SELECT CAST(DATABASE() AS CHAR)",
                    ))
                    .await?
                    .and_then(|r| r.try_get_by_index::<Option<String>>(0).ok().flatten());
                txn.execute_unprepared(&format!("USE `{scratch}`")).await?;
                let result = async {
                    registry.create_all(&txn).await?;
                    catalog::read_schema(&txn, Some(&scratch)).await
                }
                .await;
                if let Some(current) = current {
                    txn.execute_unprepared(&format!("USE `{current}`")).await?;
                }
                txn.commit().await?;
                result
            }
            .await;
            db.execute_unprepared(&format!("DROP DATABASE IF EXISTS `{scratch}`"))
                .await?;
            result
        }
        other => Err(Error::Migration(format!(
            "migrations do not support {other:?}"
        ))),
    }
}
