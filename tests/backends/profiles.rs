//! Distributed-SQL profiles on a real engine, when one is named: `AA_TEST_COCKROACH_URL`
//! (`postgres://root@host:26257/defaultdb`), `AA_TEST_YUGABYTE_URL`
//! (`postgres://yugabyte@host:5433/yugabyte`), `AA_TEST_TIDB_URL`
//! (`mysql://root@host:4000/test`). None of these engines can be installed where
//! `scripts/test` runs, so without the variables these tests only say so; the SQL the
//! profiles generate is tested in `advanced_alchemy::profiles` itself.

use advanced_alchemy::profiles::{Engine, follower_read};
use advanced_alchemy::retry::transaction_with_retry;
use sea_orm::{ConnectionTrait, DbErr, Statement};

async fn on_engine(var: &str, engine: Engine) {
    let Ok(url) = std::env::var(var) else {
        eprintln!("{var} not set: no {engine:?} server to test against (see the module docs)");
        return;
    };
    let db = crate::support::connect(&url).await;
    assert_eq!(Engine::detect(&db).await.expect("version"), engine);
    let profile = engine.profile();
    let table = format!("aa_profile_{}", std::process::id());
    let key = match profile.wire {
        sea_orm::DbBackend::Postgres => "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        _ => "BIGINT PRIMARY KEY AUTO_RANDOM",
    };
    db.execute_unprepared(&format!("CREATE TABLE {table} (id {key}, n INT NOT NULL)"))
        .await
        .expect("create");
    let insert = format!("INSERT INTO {table} (n) VALUES (1)");
    transaction_with_retry(&db, &profile.retry_policy(), |tx| {
        let insert = insert.clone();
        Box::pin(async move {
            tx.execute_unprepared(&insert).await?;
            Ok::<_, DbErr>(())
        })
    })
    .await
    .expect("retried transaction");
    let tx = follower_read(&db, &profile).await.expect("follower read");
    // a follower read may be a few seconds stale: it must run, not see the new row
    tx.query_all_raw(Statement::from_string(
        profile.wire,
        format!("SELECT n FROM {table}"),
    ))
    .await
    .expect("read on a follower");
    tx.commit().await.expect("commit");
    db.execute_unprepared(&format!("DROP TABLE {table}"))
        .await
        .expect("drop");
}

#[tokio::test]
async fn cockroachdb() {
    on_engine("AA_TEST_COCKROACH_URL", Engine::CockroachDb).await;
}

#[tokio::test]
async fn yugabytedb() {
    on_engine("AA_TEST_YUGABYTE_URL", Engine::YugabyteDb).await;
}

#[tokio::test]
async fn tidb() {
    on_engine("AA_TEST_TIDB_URL", Engine::TiDb).await;
}
