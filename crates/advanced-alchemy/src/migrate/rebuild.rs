//! Helpers the generated migrations call: SQLite's table rebuild (Alembic's batch mode),
//! MySQL's foreign-key drop, and the backend check every generated migration starts with.

use sea_orm::{ConnectionTrait, DbBackend, DbErr};
use sea_orm_migration::{SchemaManager, SchemaManagerConnection};

/// Fails when the migration runs on another backend than the one it was generated on
/// (its types are that server's spelling).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::migrate::prelude::*;
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// let manager = SchemaManager::new(&db);
/// assert!(expect_backend(&manager, DbBackend::Sqlite).is_ok());
/// assert!(expect_backend(&manager, DbBackend::Postgres).is_err());
/// # Ok(()) }
/// ```
pub fn expect_backend(manager: &SchemaManager<'_>, backend: DbBackend) -> Result<(), DbErr> {
    let actual = manager.get_database_backend();
    if actual == backend {
        Ok(())
    } else {
        Err(DbErr::Migration(format!(
            "this migration was generated for {backend:?} and cannot run on {actual:?}: \
             generate the migrations against the backend you deploy to"
        )))
    }
}

/// The statements [`rebuild_sqlite_table`] runs, in order, inside its transaction.
pub(crate) fn statements(
    table: &str,
    create_sql: &str,
    copy_columns: &[&str],
    index_sql: &[String],
) -> Vec<String> {
    let temp = format!("_aa_rebuild_{table}");
    let columns = copy_columns
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = vec![
        rename_create(create_sql, table, &temp),
        if columns.is_empty() {
            String::new()
        } else {
            format!("INSERT INTO \"{temp}\" ({columns}) SELECT {columns} FROM \"{table}\"")
        },
        format!("DROP TABLE \"{table}\""),
        format!("ALTER TABLE \"{temp}\" RENAME TO \"{table}\""),
    ];
    out.extend(index_sql.iter().cloned());
    out
}

/// `CREATE TABLE "table" …` as `CREATE TABLE "temp" …`.
fn rename_create(create_sql: &str, table: &str, temp: &str) -> String {
    let quoted = format!("\"{table}\"");
    match create_sql.find(&quoted) {
        Some(at) => format!(
            "{}\"{temp}\"{}",
            &create_sql[..at],
            &create_sql[at + quoted.len()..]
        ),
        None => create_sql.replacen(table, temp, 1),
    }
}

/// Rebuilds SQLite table `table` as `create_sql` declares it, keeping its rows: the
/// procedure of SQLite's documentation (new table, copy the rows of `copy_columns`, drop
/// the old one, rename, recreate the indexes `index_sql`), with foreign keys off during the
/// swap, in one transaction, and `PRAGMA foreign_key_check` before the commit. A failure
/// anywhere rolls it all back.
///
/// It needs a connection of its own, so the migration must not run in a transaction
/// (generated migrations that rebuild say `use_transaction() -> Some(false)`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::migrate::prelude::*;
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// db.execute_unprepared(r#"CREATE TABLE "note" ("id" integer PRIMARY KEY, "body" text)"#).await?;
/// db.execute_unprepared(r#"INSERT INTO "note" VALUES (1, 'kept')"#).await?;
/// let manager = SchemaManager::new(&db);
/// rebuild_sqlite_table(
///     &manager,
///     "note",
///     r#"CREATE TABLE "note" ("id" integer PRIMARY KEY, "body" text NOT NULL DEFAULT '')"#,
///     &["id", "body"],
///     &[r#"CREATE INDEX "ix_note_body" ON "note" ("body")"#],
/// )
/// .await?;
/// let row = db.query_one_raw(sea_orm::Statement::from_string(DbBackend::Sqlite, "SELECT body FROM note")).await?.unwrap();
/// assert_eq!(row.try_get_by_index::<String>(0)?, "kept");
/// # Ok(()) }
/// ```
#[cfg(feature = "sqlite")]
pub async fn rebuild_sqlite_table(
    manager: &SchemaManager<'_>,
    table: &str,
    create_sql: &str,
    copy_columns: &[&str],
    index_sql: &[&str],
) -> Result<(), DbErr> {
    use sea_orm::sqlx;
    expect_backend(manager, DbBackend::Sqlite)?;
    let SchemaManagerConnection::Connection(db) = manager.get_connection() else {
        return Err(DbErr::Migration(format!(
            "rebuilding table {table} needs its own connection (foreign keys must be off, which \
             SQLite allows only outside a transaction): the migration must say \
             `fn use_transaction(&self) -> Option<bool> {{ Some(false) }}`"
        )));
    };
    let indexes: Vec<String> = index_sql.iter().map(|s| (*s).to_owned()).collect();
    let steps = statements(table, create_sql, copy_columns, &indexes);
    let err = |e: sqlx::Error| DbErr::Migration(format!("rebuilding table {table}: {e}"));
    let mut conn = db
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(err)?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    let result = async {
        sqlx::query("BEGIN").execute(&mut *conn).await?;
        for sql in steps.iter().filter(|s| !s.is_empty()) {
            // the migration file's own statements, written by make-migrations
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .execute(&mut *conn)
                .await?;
        }
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await?;
        if !broken.is_empty() {
            return Err(sqlx::Error::Protocol(format!(
                "{} rows would break a foreign key after the rebuild",
                broken.len()
            )));
        }
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        sqlx::query("ROLLBACK").execute(&mut *conn).await.ok();
    }
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .map_err(err)?;
    result.map_err(err)
}

/// Drops MySQL foreign key `name` of `table`, and the index InnoDB made for it, if it
/// made one (it is named after the key and would otherwise stay behind).
#[cfg(feature = "mysql")]
pub async fn drop_mysql_foreign_key(
    manager: &SchemaManager<'_>,
    table: &str,
    name: &str,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::{Alias, ForeignKey, Index};
    expect_backend(manager, DbBackend::MySql)?;
    manager
        .drop_foreign_key(
            ForeignKey::drop()
                .name(name)
                .table(Alias::new(table))
                .to_owned(),
        )
        .await?;
    let db = manager.get_connection();
    let left = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::MySql,
            "SELECT COUNT(*) FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ?",
            [table.into(), name.into()],
        ))
        .await?
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    if left > 0 {
        manager
            .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
            .await?;
    }
    Ok(())
}
