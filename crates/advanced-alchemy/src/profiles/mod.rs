//! Distributed-SQL profiles: what changes when the server behind the PostgreSQL or
//! MySQL wire is CockroachDB, YugabyteDB or TiDB, as data ([`Profile`]).
//!
//! A profile is a set of capability values, not a new backend: SeaORM still talks
//! PostgreSQL to CockroachDB and YugabyteDB and MySQL to TiDB. What the profile
//! records, and the SQL it generates (tested as snapshots in this module):
//!
//! | | PostgreSQL | CockroachDB | YugabyteDB | MySQL/MariaDB | TiDB |
//! |---|---|---|---|---|---|
//! | `RETURNING` | yes | yes | yes | no (MariaDB: `INSERT` only) | no |
//! | upsert | `ON CONFLICT` | `ON CONFLICT` (and `UPSERT`) | `ON CONFLICT` | `ON DUPLICATE KEY` | `ON DUPLICATE KEY` |
//! | NULLs in `ASC` order | last | **first** | last | first | first |
//! | advisory locks | yes | **no** | not assumed | `GET_LOCK` | not assumed |
//! | default isolation | READ COMMITTED | **SERIALIZABLE** | snapshot | REPEATABLE READ | snapshot |
//! | retries | on conflict | **required** (`40001` in normal operation) | required (`40001`) | on deadlock | required (write conflict 9007) |
//! | follower reads | replicas ([`routing`](crate::routing)) | `AS OF SYSTEM TIME follower_read_timestamp()` | `yb_read_from_followers` | replicas | per session only (`tidb_replica_read`) |
//! | keys | any | **random** (UUIDv4, nanoid) | any (hash-sharded) | any | **random** (`AUTO_RANDOM`, UUIDv4) |
//!
//! **Keys.** CockroachDB and TiDB split tables into ranges by primary key. A key that
//! grows with time — a sequence, `AUTO_INCREMENT`, and UUIDv7 as well, whose first 48
//! bits are a timestamp — sends every insert to the last range: one node takes all the
//! writes (a hot range) however many there are. Use random keys there (`UUIDBase`,
//! `NanoidBase`; on CockroachDB also hash-sharded indexes). YugabyteDB hash-shards the
//! first key column by default, so time-ordered keys spread. On a single PostgreSQL or
//! MySQL server UUIDv7's locality is the better choice.
//!
//! **Retries.** On CockroachDB (SERIALIZABLE by default) and YugabyteDB, serialization
//! failures are part of normal operation, not a sign of a bug: run write transactions
//! through [`retry::transaction_with_retry`](crate::retry::transaction_with_retry) with
//! [`Profile::retry_policy`].
//!
//! **No advisory locks** on CockroachDB (and none assumed on YugabyteDB and TiDB, where
//! they depend on the version): code that serializes work with `pg_advisory_lock`
//! must use a lock row (`SELECT … FOR UPDATE`) instead; [`Profile::advisory_locks`] says
//! which.
//!
//! **Follower reads.** [`follower_read`] begins a read-only transaction that a nearby
//! replica may answer, slightly stale (CockroachDB: `AS OF SYSTEM TIME
//! follower_read_timestamp()`); any read-only repository call can run on it.
//!
//! None of these engines can be installed on the machines this crate is tested on (no
//! Debian, PyPI or npm package); the SQL is tested here, and `tests/backends/profiles.rs`
//! runs against a real engine when `AA_TEST_COCKROACH_URL`, `AA_TEST_YUGABYTE_URL` or
//! `AA_TEST_TIDB_URL` names one.
//!
//! This module is where the profile rules live until a crate-wide dialect layer exists;
//! then a profile becomes one more dialect value.

use crate::retry::RetryPolicy;
use sea_orm::sea_query::{
    Alias, Expr, NullOrdering, OnConflict, Order, Query, QueryStatementWriter, SelectStatement,
};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, IsolationLevel, Statement,
    TransactionTrait,
};
use std::time::Duration;

/// The engine behind the wire protocol.
///
/// ```
/// use advanced_alchemy::profiles::Engine;
/// assert_eq!(Engine::CockroachDb.profile().wire, sea_orm::DbBackend::Postgres);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// PostgreSQL itself.
    PostgreSql,
    /// MySQL or MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
    /// CockroachDB (PostgreSQL wire).
    CockroachDb,
    /// YugabyteDB YSQL (PostgreSQL wire).
    YugabyteDb,
    /// TiDB (MySQL wire).
    TiDb,
}

/// Where NULLs sort in an ascending `ORDER BY` when nothing is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullsDefault {
    /// After every value (PostgreSQL, YugabyteDB).
    Last,
    /// Before every value (MySQL, TiDB, SQLite, CockroachDB).
    First,
}

/// The upsert form the engine understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertForm {
    /// `INSERT … ON CONFLICT (…) DO UPDATE`.
    OnConflict,
    /// `INSERT … ON DUPLICATE KEY UPDATE`.
    OnDuplicateKey,
}

/// Which primary keys suit the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAdvice {
    /// Any key strategy; time-ordered keys (UUIDv7) keep B-tree locality.
    Any,
    /// Random keys (UUIDv4, nanoid): time-ordered ones make a hot range.
    Random,
}

/// What one engine can do: see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Profile {
    /// The engine.
    pub engine: Engine,
    /// The SeaORM backend (wire protocol) that talks to it.
    pub wire: DbBackend,
    /// `INSERT/UPDATE … RETURNING`.
    pub returning: bool,
    /// The upsert statement form.
    pub upsert: UpsertForm,
    /// NULL placement in an ascending order by default.
    pub nulls_default: NullsDefault,
    /// Session advisory locks (`pg_advisory_lock`, `GET_LOCK`) can be relied on.
    pub advisory_locks: bool,
    /// The isolation level a transaction gets by default.
    pub default_isolation: IsolationLevel,
    /// Serialization failures happen in normal operation: retry every write transaction.
    pub retry_required: bool,
    /// Statements that make a read-only transaction answerable by a follower (run first
    /// in it), if the engine has them.
    pub follower_read: Option<&'static [&'static str]>,
    /// Which keys to choose.
    pub keys: KeyAdvice,
}

impl Engine {
    /// The engine's capabilities.
    pub fn profile(self) -> Profile {
        use Engine::*;
        let postgres = Profile {
            engine: self,
            wire: DbBackend::Postgres,
            returning: true,
            upsert: UpsertForm::OnConflict,
            nulls_default: NullsDefault::Last,
            advisory_locks: true,
            default_isolation: IsolationLevel::ReadCommitted,
            retry_required: false,
            follower_read: None,
            keys: KeyAdvice::Any,
        };
        let mysql = Profile {
            engine: self,
            wire: DbBackend::MySql,
            returning: false,
            upsert: UpsertForm::OnDuplicateKey,
            nulls_default: NullsDefault::First,
            advisory_locks: true,
            default_isolation: IsolationLevel::RepeatableRead,
            ..postgres.clone()
        };
        match self {
            PostgreSql => postgres,
            MySql => mysql,
            Sqlite => Profile {
                wire: DbBackend::Sqlite,
                nulls_default: NullsDefault::First,
                advisory_locks: false,
                default_isolation: IsolationLevel::Serializable,
                ..postgres
            },
            CockroachDb => Profile {
                nulls_default: NullsDefault::First,
                advisory_locks: false,
                default_isolation: IsolationLevel::Serializable,
                retry_required: true,
                follower_read: Some(&[
                    "SET TRANSACTION AS OF SYSTEM TIME follower_read_timestamp()",
                ]),
                keys: KeyAdvice::Random,
                ..postgres
            },
            YugabyteDb => Profile {
                advisory_locks: false,
                default_isolation: IsolationLevel::RepeatableRead,
                retry_required: true,
                follower_read: Some(&[
                    "SET LOCAL yb_read_from_followers = true",
                    "SET LOCAL yb_follower_read_staleness_ms = 30000",
                ]),
                ..postgres
            },
            TiDb => Profile {
                advisory_locks: false,
                retry_required: true,
                keys: KeyAdvice::Random,
                ..mysql
            },
        }
    }

    /// Reads the engine from the server's version string (`SELECT version()`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::profiles::Engine;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// assert_eq!(Engine::detect(&db).await?, Engine::Sqlite);
    /// # Ok(()) }
    /// ```
    pub async fn detect(db: &impl ConnectionTrait) -> crate::Result<Engine> {
        let backend = db.get_database_backend();
        let sql = match backend {
            DbBackend::Sqlite => return Ok(Engine::Sqlite),
            _ => "SELECT version()",
        };
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await?
            .ok_or_else(|| DbErr::Custom("SELECT version() returned no row".into()))?;
        let version: String = row.try_get_by_index(0)?;
        Ok(Self::from_version(backend, &version))
    }

    /// The engine a version string names, on `backend`'s wire.
    ///
    /// ```
    /// use advanced_alchemy::profiles::Engine;
    /// use sea_orm::DatabaseBackend::{MySql, Postgres};
    /// assert_eq!(Engine::from_version(Postgres, "CockroachDB CCL v24.1.0 (x86_64-pc-linux-gnu)"), Engine::CockroachDb);
    /// assert_eq!(Engine::from_version(Postgres, "PostgreSQL 11.2-YB-2.20.1.0-b0 on x86_64"), Engine::YugabyteDb);
    /// assert_eq!(Engine::from_version(MySql, "8.0.11-TiDB-v7.5.1"), Engine::TiDb);
    /// assert_eq!(Engine::from_version(MySql, "10.11.6-MariaDB"), Engine::MySql);
    /// ```
    pub fn from_version(backend: DbBackend, version: &str) -> Engine {
        match backend {
            DbBackend::Postgres if version.contains("CockroachDB") => Engine::CockroachDb,
            DbBackend::Postgres if version.contains("-YB-") => Engine::YugabyteDb,
            DbBackend::Postgres => Engine::PostgreSql,
            DbBackend::MySql if version.contains("TiDB") => Engine::TiDb,
            DbBackend::MySql => Engine::MySql,
            _ => Engine::Sqlite,
        }
    }
}

impl Profile {
    /// The retry policy to use with this engine: SERIALIZABLE and more attempts where
    /// retries are part of normal operation.
    ///
    /// ```
    /// use advanced_alchemy::profiles::Engine;
    /// assert_eq!(Engine::CockroachDb.profile().retry_policy().attempts(), 20);
    /// ```
    pub fn retry_policy(&self) -> RetryPolicy {
        let policy = RetryPolicy::default();
        match self.engine {
            Engine::CockroachDb => policy
                .max_attempts(20)
                .isolation_level(IsolationLevel::Serializable),
            Engine::YugabyteDb | Engine::TiDb => policy.max_attempts(20),
            _ => policy,
        }
    }

    /// Orders `select` by `column` with NULLs where PostgreSQL puts them (last when
    /// ascending, first when descending), written out explicitly when this engine's
    /// default differs — so a page reads the same on every engine.
    ///
    /// ```
    /// use advanced_alchemy::profiles::Engine;
    /// use sea_orm::sea_query::{Alias, Order, Query};
    /// let mut select = Query::select().column(Alias::new("title")).from(Alias::new("post")).to_owned();
    /// Engine::CockroachDb.profile().order_by_nulls_like_postgres(&mut select, "title", Order::Asc);
    /// assert!(Engine::CockroachDb.profile().build(&select).ends_with(r#"ORDER BY "title" ASC NULLS LAST"#));
    /// ```
    pub fn order_by_nulls_like_postgres(
        &self,
        select: &mut SelectStatement,
        column: &str,
        order: Order,
    ) {
        let nulls = match order {
            Order::Desc => NullOrdering::First,
            _ => NullOrdering::Last,
        };
        let differs = match (self.nulls_default, &nulls) {
            (NullsDefault::Last, _) => false,
            (NullsDefault::First, _) => true,
        };
        if differs {
            select.order_by_with_nulls(Alias::new(column), order, nulls);
        } else {
            select.order_by(Alias::new(column), order);
        }
    }

    /// The engine's upsert of `columns` into `table`, updating `update` on a conflict of
    /// `key` (one row of placeholders).
    ///
    /// ```
    /// use advanced_alchemy::profiles::Engine;
    /// let sql = Engine::TiDb.profile().upsert_sql("tag", &["id", "name"], "id", &["name"]);
    /// assert!(sql.contains("ON DUPLICATE KEY UPDATE"), "{sql}");
    /// ```
    pub fn upsert_sql(&self, table: &str, columns: &[&str], key: &str, update: &[&str]) -> String {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        insert.values_panic(columns.iter().map(|_| Expr::val(0i64)));
        let conflict = match self.upsert {
            UpsertForm::OnConflict => OnConflict::column(Alias::new(key)),
            UpsertForm::OnDuplicateKey => OnConflict::new(),
        }
        .update_columns(update.iter().map(|c| Alias::new(*c)))
        .to_owned();
        insert.on_conflict(conflict);
        if self.returning {
            insert.returning_col(Alias::new(key));
        }
        self.build(&insert)
    }

    /// `statement` as this engine's wire backend writes it (with placeholders).
    pub fn build(&self, statement: &impl QueryStatementWriter) -> String {
        match self.wire {
            DbBackend::Postgres => statement.to_string(sea_orm::sea_query::PostgresQueryBuilder),
            DbBackend::MySql => statement.to_string(sea_orm::sea_query::MysqlQueryBuilder),
            _ => statement.to_string(sea_orm::sea_query::SqliteQueryBuilder),
        }
    }
}

/// Begins a read-only transaction a follower (nearby replica) may answer, for
/// read-only repository calls that accept slightly stale data: on CockroachDB `SET
/// TRANSACTION AS OF SYSTEM TIME follower_read_timestamp()` (about 4.8 s behind), on
/// YugabyteDB `SET LOCAL yb_read_from_followers`. On an engine without per-transaction
/// follower reads it is a plain read-only transaction (TiDB sets `tidb_replica_read`
/// per session: put it in the connection's set-up, not here).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::profiles::{Engine, follower_read};
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// let tx = follower_read(&db, &Engine::Sqlite.profile()).await?;
/// // Repository::<post::Entity, _>::new(&tx).get_many(…)
/// tx.commit().await?;
/// # Ok(()) }
/// ```
pub async fn follower_read<C>(db: &C, profile: &Profile) -> crate::Result<DatabaseTransaction>
where
    C: TransactionTrait<Transaction = DatabaseTransaction>,
{
    // SQLite has no READ ONLY transactions; the others do
    let access = (profile.wire != DbBackend::Sqlite).then_some(AccessMode::ReadOnly);
    let tx = db.begin_with_config(None, access).await?;
    for sql in profile.follower_read.unwrap_or_default() {
        tx.execute_unprepared(sql).await?;
    }
    Ok(tx)
}

/// How far behind a follower read may be on CockroachDB (its documented
/// `follower_read_timestamp()` lag with default settings).
pub const COCKROACH_FOLLOWER_LAG: Duration = Duration::from_millis(4_800);

#[cfg(test)]
mod tests {
    use super::*;

    fn page(engine: Engine) -> String {
        let profile = engine.profile();
        let mut select = Query::select()
            .columns([Alias::new("id"), Alias::new("title")])
            .from(Alias::new("post"))
            .to_owned();
        profile.order_by_nulls_like_postgres(&mut select, "published_at", Order::Asc);
        profile.order_by_nulls_like_postgres(&mut select, "id", Order::Desc);
        profile.build(&select)
    }

    #[test]
    fn ordering_snapshots() {
        assert_eq!(
            page(Engine::PostgreSql),
            r#"SELECT "id", "title" FROM "post" ORDER BY "published_at" ASC, "id" DESC"#
        );
        assert_eq!(
            page(Engine::YugabyteDb),
            r#"SELECT "id", "title" FROM "post" ORDER BY "published_at" ASC, "id" DESC"#
        );
        assert_eq!(
            page(Engine::CockroachDb),
            r#"SELECT "id", "title" FROM "post" ORDER BY "published_at" ASC NULLS LAST, "id" DESC NULLS FIRST"#
        );
        assert_eq!(
            page(Engine::TiDb),
            "SELECT `id`, `title` FROM `post` ORDER BY `published_at` IS NULL ASC, `published_at` ASC, `id` IS NULL DESC, `id` DESC"
        );
    }

    #[test]
    fn upsert_snapshots() {
        let upsert = |e: Engine| {
            e.profile()
                .upsert_sql("tag", &["id", "name"], "id", &["name"])
        };
        assert_eq!(
            upsert(Engine::CockroachDb),
            r#"INSERT INTO "tag" ("id", "name") VALUES (0, 0) ON CONFLICT ("id") DO UPDATE SET "name" = "excluded"."name" RETURNING "id""#
        );
        assert_eq!(upsert(Engine::YugabyteDb), upsert(Engine::CockroachDb));
        assert_eq!(
            upsert(Engine::TiDb),
            "INSERT INTO `tag` (`id`, `name`) VALUES (0, 0) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)"
        );
    }

    #[test]
    fn capability_snapshots() {
        let crdb = Engine::CockroachDb.profile();
        assert_eq!(
            crdb.follower_read,
            Some(&["SET TRANSACTION AS OF SYSTEM TIME follower_read_timestamp()"][..])
        );
        assert!(!crdb.advisory_locks && crdb.retry_required && crdb.returning);
        assert_eq!(crdb.default_isolation, IsolationLevel::Serializable);
        assert_eq!(crdb.keys, KeyAdvice::Random);
        let tidb = Engine::TiDb.profile();
        assert!(!tidb.returning && tidb.retry_required);
        assert_eq!(
            (tidb.wire, tidb.upsert),
            (DbBackend::MySql, UpsertForm::OnDuplicateKey)
        );
        assert_eq!(Engine::YugabyteDb.profile().keys, KeyAdvice::Any);
        assert!(!Engine::PostgreSql.profile().retry_required);
        assert_eq!(
            Engine::YugabyteDb.profile().follower_read.map(<[_]>::len),
            Some(2)
        );
    }
}
