//! Retried transactions on real conflicts: PostgreSQL serialization failures, deadlocks
//! on MariaDB and PostgreSQL, a closure that always conflicts, an ambiguous commit.

use crate::cache::{new_item, scale_item, set_n};
use crate::support::{Backend, TestDb};
use advanced_alchemy::Session;
use advanced_alchemy::retry::{RetryError, RetryPolicy, transaction_with_retry};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IsolationLevel, PaginatorTrait,
    Statement,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::Barrier;

fn policy() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(20))
}

/// Two SERIALIZABLE transactions read the same counter, then both increment it: one
/// gets `40001`, is run again, and both increments and both log rows land once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serialization_failure_is_retried() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let counter = scale_item::Entity::insert(new_item("counter", 0))
        .exec_with_returning(&t.db)
        .await
        .expect("insert");
    let attempts = Arc::new(AtomicU32::new(0));
    let barrier = Arc::new(Barrier::new(2));
    let run = |who: &'static str| {
        let (db, attempts, barrier) = (t.db.clone(), Arc::clone(&attempts), Arc::clone(&barrier));
        let policy = policy().isolation_level(IsolationLevel::Serializable);
        tokio::spawn(async move {
            let mine = Arc::new(AtomicU32::new(0));
            transaction_with_retry(&db, &policy, |tx| {
                let (mine, attempts, barrier) = (
                    Arc::clone(&mine),
                    Arc::clone(&attempts),
                    Arc::clone(&barrier),
                );
                Box::pin(async move {
                    let attempt = mine.fetch_add(1, Ordering::SeqCst) + 1;
                    attempts.fetch_add(1, Ordering::SeqCst);
                    let row = scale_item::Entity::find_by_id(counter.id)
                        .one(tx)
                        .await?
                        .ok_or_else(|| DbErr::Custom("counter gone".into()))?;
                    if attempt == 1 {
                        barrier.wait().await; // both have read before either writes
                    }
                    set_n(counter.id, row.n + 1).update(tx).await?;
                    new_item(who, -1).insert(tx).await?;
                    Ok::<_, DbErr>(attempt)
                })
            })
            .await
        })
    };
    let (a, b) = (run("first"), run("second"));
    let (a, b) = (a.await.expect("task"), b.await.expect("task"));
    let (a, b) = (a.expect("first committed"), b.expect("second committed"));
    assert_eq!(a.max(b), 2, "one of them ran twice");
    assert_eq!(a.min(b), 1);
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    let counter = scale_item::Entity::find_by_id(counter.id)
        .one(&t.db)
        .await
        .expect("read")
        .expect("row");
    assert_eq!(counter.n, 2, "both increments, once each");
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM scale_item WHERE n = -1")
            .await,
        2
    );
}

/// Each transaction locks one row, then the other's: the database kills one (MariaDB
/// 1213, PostgreSQL `40P01`), which runs again.
async fn deadlock_is_retried(t: TestDb) {
    let a = scale_item::Entity::insert(new_item("a", 0))
        .exec_with_returning(&t.db)
        .await
        .expect("insert");
    let b = scale_item::Entity::insert(new_item("b", 0))
        .exec_with_returning(&t.db)
        .await
        .expect("insert");
    let attempts = Arc::new(AtomicU32::new(0));
    let barrier = Arc::new(Barrier::new(2));
    let run = |first: i64, second: i64| {
        let (db, attempts, barrier) = (t.db.clone(), Arc::clone(&attempts), Arc::clone(&barrier));
        tokio::spawn(async move {
            let mine = Arc::new(AtomicU32::new(0));
            transaction_with_retry(&db, &policy(), |tx| {
                let (mine, attempts, barrier) = (
                    Arc::clone(&mine),
                    Arc::clone(&attempts),
                    Arc::clone(&barrier),
                );
                Box::pin(async move {
                    let attempt = mine.fetch_add(1, Ordering::SeqCst) + 1;
                    attempts.fetch_add(1, Ordering::SeqCst);
                    let bump = |id: i64| {
                        Statement::from_sql_and_values(
                            tx.get_database_backend(),
                            match tx.get_database_backend() {
                                sea_orm::DbBackend::Postgres => {
                                    "UPDATE scale_item SET n = n + 1 WHERE id = $1"
                                }
                                _ => "UPDATE scale_item SET n = n + 1 WHERE id = ?",
                            },
                            [id.into()],
                        )
                    };
                    tx.execute_raw(bump(first)).await?;
                    if attempt == 1 {
                        barrier.wait().await;
                    }
                    tx.execute_raw(bump(second)).await?;
                    Ok::<_, advanced_alchemy::Error>(attempt)
                })
            })
            .await
        })
    };
    let (x, y) = (run(a.id, b.id), run(b.id, a.id));
    let x = x.await.expect("task").expect("committed");
    let y = y.await.expect("task").expect("committed");
    assert_eq!(
        (x.min(y), x.max(y)),
        (1, 2),
        "one was the deadlock victim and ran again"
    );
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM scale_item WHERE n = 2")
            .await,
        2,
        "both rows incremented by both transactions, once each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_deadlock_is_retried() {
    if let Some(t) = TestDb::new(Backend::MySql).await {
        deadlock_is_retried(t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_deadlock_is_retried() {
    if let Some(t) = TestDb::new(Backend::Postgres).await {
        deadlock_is_retried(t).await;
    }
}

/// Another connection commits a conflicting update between the closure's read and its
/// write, every time: three attempts, then an error that says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn always_conflicting_stops_after_the_configured_attempts() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let counter = scale_item::Entity::insert(new_item("counter", 0))
        .exec_with_returning(&t.db)
        .await
        .expect("insert");
    let policy = policy()
        .max_attempts(3)
        .isolation_level(IsolationLevel::Serializable);
    let ran = Arc::new(AtomicU32::new(0));
    let err = transaction_with_retry(&t.db, &policy, |tx| {
        let (other, ran) = (t.db.clone(), Arc::clone(&ran));
        Box::pin(async move {
            ran.fetch_add(1, Ordering::SeqCst);
            scale_item::Entity::find_by_id(counter.id).one(tx).await?; // the snapshot
            other
                .execute_unprepared(&format!(
                    "UPDATE scale_item SET n = n + 1 WHERE id = {}",
                    counter.id
                ))
                .await?;
            set_n(counter.id, 100).update(tx).await?;
            Ok::<_, DbErr>(())
        })
    })
    .await
    .expect_err("always conflicts");
    assert_eq!(ran.load(Ordering::SeqCst), 3);
    assert!(
        matches!(err, RetryError::Exhausted { attempts: 3, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("all 3 attempts"), "{text}");
    assert!(text.contains("could not serialize"), "{text}");
    assert_eq!(
        t.scalar(&format!(
            "SELECT n FROM scale_item WHERE id = {}",
            counter.id
        ))
        .await,
        3,
        "only the other connection's updates"
    );
}

/// The connection dies before `COMMIT` reaches the server: the outcome is unknown to the
/// client, so the closure is not run again and the error says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_commit_is_ambiguous_and_not_retried() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let ran = Arc::new(AtomicU32::new(0));
    let err = transaction_with_retry(&t.db, &policy(), |tx| {
        let (killer, ran) = (t.db.clone(), Arc::clone(&ran));
        Box::pin(async move {
            ran.fetch_add(1, Ordering::SeqCst);
            new_item("maybe", 0).insert(tx).await?;
            let pid = tx
                .query_one_raw(Statement::from_string(
                    tx.get_database_backend(),
                    "SELECT pg_backend_pid()",
                ))
                .await?
                .ok_or_else(|| DbErr::Custom("no pid".into()))?
                .try_get_by_index::<i32>(0)?;
            killer
                .execute_unprepared(&format!("SELECT pg_terminate_backend({pid}, 10000)"))
                .await?;
            Ok::<_, DbErr>(())
        })
    })
    .await
    .expect_err("the commit cannot succeed");
    assert_eq!(ran.load(Ordering::SeqCst), 1, "never retried");
    assert!(
        matches!(err, RetryError::AmbiguousCommit { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("may or may not have committed"),
        "{err}"
    );
}

/// On every backend: success commits once; the closure's own error is not retried and
/// rolls back; a session per attempt runs its after-commit action once.
async fn no_conflict_runs_once(t: TestDb) {
    let ran = Arc::new(AtomicU32::new(0));
    let id = transaction_with_retry(&t.db, &policy(), |tx| {
        let ran = Arc::clone(&ran);
        Box::pin(async move {
            ran.fetch_add(1, Ordering::SeqCst);
            Ok::<_, DbErr>(new_item("once", 1).insert(tx).await?.id)
        })
    })
    .await
    .expect("commit");
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert!(
        scale_item::Entity::find_by_id(id)
            .one(&t.db)
            .await
            .expect("read")
            .is_some()
    );

    let ran = Arc::new(AtomicU32::new(0));
    let err = transaction_with_retry(&t.db, &policy(), |tx| {
        let ran = Arc::clone(&ran);
        Box::pin(async move {
            ran.fetch_add(1, Ordering::SeqCst);
            new_item("rolled back", 2).insert(tx).await?;
            Err::<(), _>(advanced_alchemy::Error::InvalidRequest("no".into()))
        })
    })
    .await
    .expect_err("the closure's error");
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert!(matches!(
        err,
        RetryError::Failed(advanced_alchemy::Error::InvalidRequest(_))
    ));
    assert_eq!(
        scale_item::Entity::find()
            .count(&t.db)
            .await
            .expect("count"),
        1
    );

    let committed = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&committed);
    Session::transaction_with_retry(&t.db, &policy(), None, |session| {
        let counter = Arc::clone(&counter);
        Box::pin(async move {
            new_item("session", 3).insert(session).await?;
            session
                .after_commit(async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                })
                .await;
            Ok::<_, advanced_alchemy::Error>(())
        })
    })
    .await
    .expect("commit");
    assert_eq!(committed.load(Ordering::SeqCst), 1);
    assert_eq!(
        scale_item::Entity::find()
            .count(&t.db)
            .await
            .expect("count"),
        2
    );
}

crate::backend_tests!(no_conflict_runs_once);
