//! Read/write routing on a real PostgreSQL primary and its streaming replicas (started
//! by `scripts/test` with `pg_basebackup -R`): reads on the replica, writes on the
//! primary, read-your-writes while replay is paused, a stopped replica fails nothing.
//!
//! `AA_TEST_POSTGRES_REPLICA_URL` is a replica of `AA_TEST_POSTGRES_URL` (its replay is
//! paused briefly by one test); `AA_TEST_POSTGRES_SPARE_REPLICA_URL` is a second one
//! that one test stops (`AA_TEST_POSTGRES_SPARE_REPLICA_STOP`) and starts again
//! (`…_START`). With PostgreSQL selected, missing variables fail the tests.

use crate::cache::{new_item, scale_item};
use crate::support::{Backend, TestDb, connect};
use advanced_alchemy::Session;
use advanced_alchemy::cache::{Cache, CacheConfig};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::routing::{Replica, RoutingConfig, RoutingConnection, RoutingGroup};
use futures::FutureExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run scripts/test (it starts the PostgreSQL replicas)")
    })
}

/// The URL of the test's database on the replica at `base`.
fn on_replica(t: &TestDb, base: &str) -> String {
    let (_, name) = t.url.rsplit_once('/').expect("URL ends with /database");
    let (prefix, _) = base.rsplit_once('/').expect("URL ends with /database");
    format!("{prefix}/{name}")
}

async fn text(db: &impl ConnectionTrait, sql: &str) -> String {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("a row")
        .try_get_by_index::<String>(0)
        .expect("text")
}

async fn in_recovery(db: &impl ConnectionTrait) -> bool {
    text(db, "SELECT pg_is_in_recovery()::text").await == "true"
}

/// Waits until the replica has replayed everything the primary has written so far.
async fn caught_up(primary: &DatabaseConnection, replica: &DatabaseConnection) {
    // the insert position, not pg_current_wal_lsn() (the write position): with
    // synchronous_commit = off (scripts/test) a commit record may be inserted but not yet
    // written when the write returns, and the replica then "catches up" to before it
    let lsn = text(primary, "SELECT pg_current_wal_insert_lsn()::text").await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sql = format!("SELECT (pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn)::text");
        if text(replica, &sql).await == "true" {
            return;
        }
        assert!(Instant::now() < deadline, "replica did not reach {lsn}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Connects to the test database on a replica, once the replica has created it.
async fn replica_pool(t: &TestDb, base_var: &str) -> DatabaseConnection {
    let url = on_replica(t, &var(base_var));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut options = sea_orm::ConnectOptions::new(url.clone());
        options
            .sqlx_logging(false)
            .max_connections(5)
            .connect_timeout(Duration::from_secs(2))
            .acquire_timeout(Duration::from_secs(2));
        match advanced_alchemy::connect_with(options).await {
            Ok(db) => {
                caught_up(&t.db, &db).await;
                return db;
            }
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("replica database {url}: {e}"),
        }
    }
}

fn counted(mut db: DatabaseConnection) -> (DatabaseConnection, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&n);
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (db, n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_replica_writes_to_the_primary() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (replica, replica_count) = counted(replica_pool(&t, "AA_TEST_POSTGRES_REPLICA_URL").await);
    let (primary, primary_count) = counted(connect(&t.url).await);
    let db = RoutingConnection::new(primary, [Replica::new(replica)], RoutingConfig::default());

    assert!(in_recovery(&db).await, "a plain read ran on the replica");
    assert!(
        !in_recovery(&db.on_primary()).await,
        "on_primary reads the primary"
    );
    assert!(!in_recovery(db.primary()).await);
    assert!(
        in_recovery(&db.scope()).await,
        "a fresh scope reads from the replica"
    );

    // a repository on the shared handle: the write on the primary (a replica would
    // refuse it), the read on the replica
    let items = Repository::<scale_item::Entity, _>::new(&db);
    let (p0, r0) = (
        primary_count.load(Ordering::SeqCst),
        replica_count.load(Ordering::SeqCst),
    );
    let item = items
        .add(new_item("routed", 1))
        .await
        .expect("add on the primary");
    assert_eq!(primary_count.load(Ordering::SeqCst) - p0, 1);
    assert_eq!(
        replica_count.load(Ordering::SeqCst),
        r0,
        "no write reached the replica"
    );
    caught_up(
        db.primary(),
        &replica_pool(&t, "AA_TEST_POSTGRES_REPLICA_URL").await,
    )
    .await;
    let (p1, r1) = (
        primary_count.load(Ordering::SeqCst),
        replica_count.load(Ordering::SeqCst),
    );
    assert_eq!(items.get(item.id).await.expect("get").name, "routed");
    assert_eq!(
        replica_count.load(Ordering::SeqCst) - r1,
        1,
        "the read ran on the replica"
    );
    assert_eq!(primary_count.load(Ordering::SeqCst), p1);

    // FOR UPDATE and everything in a transaction: the primary
    let locked = format!(
        "SELECT pg_is_in_recovery()::text FROM scale_item WHERE id = {} FOR UPDATE",
        item.id
    );
    assert_eq!(text(&db, &locked).await, "false");
    let session = Session::begin(&db).await.expect("begin");
    assert!(
        !in_recovery(&session).await,
        "a transaction runs on the primary"
    );
    session.rollback().await.expect("rollback");
    let tx = sea_orm::TransactionTrait::begin(&db).await.expect("begin");
    assert!(!in_recovery(&tx).await);
    tx.rollback().await.expect("rollback");
}

/// With replay paused, the replica lags: a session that wrote reads its row from the
/// primary, a fresh session still sees the replica's old state, and a list cached from
/// the replica is not served to a primary reader (the key has the routing group).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_reads_its_own_writes_while_the_replica_lags() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let replica = replica_pool(&t, "AA_TEST_POSTGRES_REPLICA_URL").await;
    let control = replica.clone();
    let db = RoutingConnection::new(
        connect(&t.url).await,
        [Replica::new(replica)],
        RoutingConfig::default(),
    );
    let cache = Cache::in_memory(CacheConfig::default());

    control
        .execute_unprepared("SELECT pg_wal_replay_pause()")
        .await
        .expect("pause replay");
    // whatever happens, replay resumes (other tests use this replica)
    let outcome = AssertUnwindSafe(async {
        // a list cached from the replica group before the write
        let reader = Session::new(&db).with_cache(&cache);
        let listed = Repository::<scale_item::Entity, _>::new(&reader);
        assert!(listed.cached().get_many(()).await.expect("list").is_empty());

        let writer = Session::new(&db);
        let items = Repository::<scale_item::Entity, _>::new(&writer);
        let item = items.add(new_item("mine", 1)).await.expect("add");
        let mine = items
            .get(item.id)
            .await
            .expect("the writer reads its row from the primary");
        assert_eq!(mine.name, "mine");
        assert!(!in_recovery(&writer).await, "sticky after write");

        let other = Session::new(&db);
        assert!(
            in_recovery(&other).await,
            "a fresh session reads from the replica"
        );
        let theirs = Repository::<scale_item::Entity, _>::new(&other);
        assert!(
            matches!(
                theirs.get(item.id).await,
                Err(advanced_alchemy::Error::NotFound { .. })
            ),
            "the replica has not replayed it"
        );

        // the cache (not told of the write): the replica-group list is still served, but a
        // primary-group read has its own key and sees the row
        assert!(listed.cached().get_many(()).await.expect("list").is_empty());
        let on_primary = Session::new(&db.on_primary()).with_cache(&cache);
        let primary_list = Repository::<scale_item::Entity, _>::new(&on_primary);
        assert_eq!(
            primary_list
                .cached()
                .get_many(())
                .await
                .expect("list")
                .len(),
            1
        );

        let sticky = db.scope();
        assert_eq!(sticky.read_group(), RoutingGroup::Replica);
        sticky.execute_unprepared("SELECT 1").await.expect("select");
        assert_eq!(
            sticky.read_group(),
            RoutingGroup::Replica,
            "a read does not stick"
        );
        item.id
    })
    .catch_unwind()
    .await;
    control
        .execute_unprepared("SELECT pg_wal_replay_resume()")
        .await
        .expect("resume replay");
    let outcome = outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    caught_up(db.primary(), &control).await;
    let fresh = Session::new(&db);
    assert!(
        scale_item::Entity::find_by_id(outcome)
            .one(&fresh)
            .await
            .expect("read")
            .is_some(),
        "replayed once resumed"
    );
}

fn shell(command: &str) {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .status()
        .unwrap_or_else(|e| panic!("{command}: {e}"));
    assert!(status.success(), "{command}: {status}");
}

/// The spare replica is stopped mid-run: no read fails (they fall over to the primary);
/// started again, the background probe brings it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_replica_fails_no_request() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let (stop, start) = (
        var("AA_TEST_POSTGRES_SPARE_REPLICA_STOP"),
        var("AA_TEST_POSTGRES_SPARE_REPLICA_START"),
    );
    let (replica, replica_count) =
        counted(replica_pool(&t, "AA_TEST_POSTGRES_SPARE_REPLICA_URL").await);
    let (primary, primary_count) = counted(connect(&t.url).await);
    let config = RoutingConfig::default().retry_down_after(Duration::from_millis(300));
    let db = RoutingConnection::new(primary, [Replica::new(replica)], config);
    let items = Repository::<scale_item::Entity, _>::new(&db);
    let item = items.add(new_item("kept", 1)).await.expect("add");
    assert!(in_recovery(&db).await);

    shell(&stop);
    // whatever happens, the replica is started again
    let outcome = AssertUnwindSafe(async {
        let before = primary_count.load(Ordering::SeqCst);
        for _ in 0..20 {
            assert!(items.count(()).await.expect("no read fails") >= 1);
            items.get(item.id).await.expect("no get fails");
        }
        items
            .add(new_item("while down", 2))
            .await
            .expect("writes go on");
        assert!(
            primary_count.load(Ordering::SeqCst) - before >= 41,
            "the primary answered"
        );
    })
    .catch_unwind()
    .await;
    shell(&start);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }

    // back: within a few probes the replica answers reads again
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if in_recovery(&db).await {
            break;
        }
        assert!(Instant::now() < deadline, "the replica did not come back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(replica_count.load(Ordering::SeqCst) > 0);
}
