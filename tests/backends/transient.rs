//! Transient failures, produced for real: deadlocks, serialization failures, lock wait
//! and statement timeouts, a connection killed mid-transaction. Each arrives as
//! `Error::Transient` of its kind, with `is_retryable()`; a missing NOT NULL value is
//! `Error::Integrity` on every backend (MySQL 1364).

use crate::models::bigint_item;
use crate::support::{Backend, TestDb};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::{Error, Session, TransientKind};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr,
    IntoActiveModel, Statement, TransactionTrait,
};
use std::time::Duration;

async fn two_rows(t: &TestDb) -> (i64, i64) {
    let row = |name: &str| bigint_item::ActiveModel {
        name: Set(name.into()),
        ..Default::default()
    };
    let a = row("a").insert(&t.db).await.expect("insert a");
    let b = row("b").insert(&t.db).await.expect("insert b");
    (a.id, b.id)
}

fn set_name(id: i64, name: &str) -> String {
    format!("UPDATE bigint_item SET name = '{name}' WHERE id = {id}")
}

fn expect_kind(err: Error, kind: TransientKind, retryable: bool) {
    assert_eq!(err.transient_kind(), Some(kind), "{err:?}");
    assert_eq!(err.is_retryable(), retryable, "{err}");
}

/// A second pool on the same SQLite file (WAL, several connections: `connect`), with a
/// short busy timeout so a lock wait gives up quickly.
async fn sqlite_pool(t: &TestDb, busy: Duration) -> DatabaseConnection {
    let mut options = sea_orm::ConnectOptions::new(t.url.clone());
    options
        .sqlx_logging(false)
        .max_connections(4)
        .map_sqlx_sqlite_opts(move |o| {
            o.busy_timeout(busy)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
        });
    advanced_alchemy::connect_with(options)
        .await
        .expect("second pool")
}

async fn deadlock_is_transient(t: TestDb) {
    if t.backend == Backend::Sqlite {
        // SQLite has one writer at a time: no lock cycle can form (see lock_wait)
        return;
    }
    let (a, b) = two_rows(&t).await;
    let first = t.session().await;
    let second = t.session().await;
    first
        .execute_unprepared(&set_name(a, "1a"))
        .await
        .expect("lock a");
    second
        .execute_unprepared(&set_name(b, "2b"))
        .await
        .expect("lock b");
    // first waits for b while second waits for a: the database must abort one of them
    let waiting = tokio::spawn(async move {
        let result = first.execute_unprepared(&set_name(b, "1b")).await;
        (first, result)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let result = second.execute_unprepared(&set_name(a, "2a")).await;
    let (first, first_result) = waiting.await.expect("task");
    let (err, winner) = match (first_result, result) {
        (Err(e), Ok(_)) => (e, second),
        (Ok(_), Err(e)) => (e, first),
        other => panic!("expected exactly one deadlock victim: {other:?}"),
    };
    expect_kind(Error::from(err), TransientKind::Deadlock, true);
    winner.commit().await.expect("the survivor commits");
}

async fn serialization_failure_is_transient(t: TestDb) {
    let (a, _) = two_rows(&t).await;
    match t.backend {
        Backend::Postgres => {
            let tx =
                t.db.begin_with_config(Some(sea_orm::IsolationLevel::RepeatableRead), None)
                    .await
                    .expect("begin");
            tx.execute_unprepared("SELECT COUNT(*) FROM bigint_item")
                .await
                .expect("snapshot");
            t.db.execute_unprepared(&set_name(a, "other"))
                .await
                .expect("concurrent update");
            let err = tx
                .execute_unprepared(&set_name(a, "mine"))
                .await
                .expect_err("40001");
            expect_kind(Error::from(err), TransientKind::SerializationFailure, true);
        }
        Backend::Sqlite => {
            // a deferred transaction's WAL snapshot goes stale under a concurrent commit
            let pool = sqlite_pool(&t, Duration::from_millis(200)).await;
            let tx = pool.begin().await.expect("deferred begin");
            tx.execute_unprepared("SELECT COUNT(*) FROM bigint_item")
                .await
                .expect("snapshot");
            pool.execute_unprepared(&set_name(a, "other"))
                .await
                .expect("concurrent update");
            let err = tx
                .execute_unprepared(&set_name(a, "mine"))
                .await
                .expect_err("SQLITE_BUSY_SNAPSHOT");
            expect_kind(Error::from(err), TransientKind::SerializationFailure, true);
        }
        // InnoDB reports its serialization conflicts as deadlocks (1213), tested above
        Backend::MySql => {}
    }
}

async fn lock_wait_timeout_is_transient(t: TestDb) {
    let (a, _) = two_rows(&t).await;
    // (opened before the lock is taken: switching to WAL needs the lock)
    let other_pool = if t.backend == Backend::Sqlite {
        Some(sqlite_pool(&t, Duration::from_millis(200)).await)
    } else {
        None
    };
    let holder = t.session().await;
    holder
        .execute_unprepared(&set_name(a, "held"))
        .await
        .expect("lock a");
    let waiter = match &other_pool {
        Some(pool) => Session::new(pool),
        None => match t.backend {
            Backend::Postgres => {
                let s = t.session().await;
                s.execute_unprepared("SET LOCAL lock_timeout = '200ms'")
                    .await
                    .expect("lock_timeout");
                s
            }
            _ => {
                let s = t.session().await;
                s.execute_unprepared("SET SESSION innodb_lock_wait_timeout = 1")
                    .await
                    .expect("innodb_lock_wait_timeout");
                s
            }
        },
    };
    // through a repository: the error names the model
    let row = Repository::<bigint_item::Entity, _>::new(&waiter)
        .get(a)
        .await
        .ok();
    let err = match row {
        Some(row) => {
            let mut change = row.into_active_model();
            change.name = Set("waiting".into());
            Repository::<bigint_item::Entity, _>::new(&waiter)
                .update(change)
                .await
                .expect_err("the lock is held")
        }
        // SQLite: with the writer holding the lock the read succeeds too (WAL); a
        // failure to read would be a lock error just the same
        None => panic!("the row is readable while another transaction writes it"),
    };
    assert_eq!(err.model(), Some("bigint_item"), "{err:?}");
    expect_kind(err, TransientKind::LockTimeout, true);
    drop(waiter);
    holder.commit().await.expect("holder commits");
}

async fn statement_timeout_is_transient(t: TestDb) {
    let (set, sleep) = match t.backend {
        Backend::Postgres => ("SET LOCAL statement_timeout = 50", "SELECT pg_sleep(2)"),
        Backend::MySql => ("SET SESSION max_statement_time = 0.05", "SELECT SLEEP(2)"),
        // SQLite has no statement timeout
        Backend::Sqlite => return,
    };
    let session = t.session().await;
    session.execute_unprepared(set).await.expect(set);
    let err = session
        .execute_unprepared(sleep)
        .await
        .expect_err("times out");
    expect_kind(Error::from(err), TransientKind::StatementTimeout, false);
}

async fn connection_lost_is_transient(t: TestDb) {
    let (whoami, kill): (&str, fn(i64) -> String) = match t.backend {
        Backend::Postgres => ("SELECT CAST(pg_backend_pid() AS BIGINT)", |id| {
            format!("SELECT pg_terminate_backend({id})")
        }),
        Backend::MySql => ("SELECT CAST(CONNECTION_ID() AS SIGNED)", |id| {
            format!("KILL {id}")
        }),
        // an embedded database has no connection to lose
        Backend::Sqlite => return,
    };
    let (a, _) = two_rows(&t).await;
    let session = t.session().await;
    session
        .execute_unprepared(&set_name(a, "uncommitted"))
        .await
        .expect("write");
    let id: i64 = session
        .query_one_raw(Statement::from_string(t.db_backend(), whoami))
        .await
        .expect(whoami)
        .expect("a row")
        .try_get_by_index(0)
        .expect("id");
    t.db.execute_unprepared(&kill(id)).await.expect("kill");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let err: DbErr = session
        .execute_unprepared("SELECT 1")
        .await
        .expect_err("the connection is gone");
    expect_kind(Error::from(err), TransientKind::ConnectionLost, true);
    drop(session);
    let names = t.strings("SELECT name FROM bigint_item ORDER BY id").await;
    assert_eq!(names, ["a", "b"], "the killed transaction did not commit");
}

async fn missing_not_null_value_is_integrity(t: TestDb) {
    let sql = match t.backend {
        // MySQL 1364: "Field 'name' doesn't have a default value"
        Backend::MySql => "INSERT INTO bigint_item () VALUES ()",
        _ => "INSERT INTO bigint_item DEFAULT VALUES",
    };
    let err = Error::from(t.db.execute_unprepared(sql).await.expect_err(sql));
    assert!(matches!(err, Error::Integrity { .. }), "{err:?}");
    assert!(!err.is_retryable());
}

crate::backend_tests!(
    on_disk: deadlock_is_transient,
    serialization_failure_is_transient,
    lock_wait_timeout_is_transient,
    statement_timeout_is_transient,
    connection_lost_is_transient,
    missing_not_null_value_is_integrity,
);
