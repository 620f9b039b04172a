//! The read cache: one query for concurrent misses, invalidation on commit only, no
//! caching inside a transaction that wrote, list invalidation by model version.

use crate::support::TestDb;
use advanced_alchemy::Session;
use advanced_alchemy::cache::{Cache, CacheConfig};
use advanced_alchemy::filters::OrderBy;
use advanced_alchemy::repository::Repository;
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use std::sync::Arc;

/// The model of the scale-out tests (cache, routing, retry): serde for the cache.
pub mod scale_item {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "scale_item")]
    pub struct Model {
        pub name: String,
        pub n: i64,
    }
}

/// A second model, to show that writes to it leave `scale_item`'s entries alone.
pub mod scale_other {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "scale_other")]
    pub struct Model {
        pub name: String,
    }
}

/// An update of `n` alone.
pub fn set_n(id: i64, n: i64) -> scale_item::ActiveModel {
    scale_item::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        n: Set(n),
        ..Default::default()
    }
}

pub fn new_item(name: &str, n: i64) -> scale_item::ActiveModel {
    scale_item::ActiveModel {
        name: Set(name.into()),
        n: Set(n),
        ..Default::default()
    }
}

async fn seeded(t: &TestDb) -> scale_item::Model {
    Repository::<scale_item::Entity, _>::new(&t.db)
        .add(new_item("a", 1))
        .await
        .expect("add")
}

async fn concurrent_misses_run_one_query(t: TestDb) {
    let item = seeded(&t).await;
    let cache = Cache::in_memory(CacheConfig::default());
    let before = t.statements();
    let barrier = Arc::new(tokio::sync::Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (db, cache, barrier) = (t.db.clone(), cache.clone(), Arc::clone(&barrier));
            tokio::spawn(async move {
                let session = Session::new(&db).with_cache(&cache);
                let items = Repository::<scale_item::Entity, _>::new(&session);
                barrier.wait().await;
                items.cached().get(item.id).await.expect("get")
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("task").name, "a");
    }
    assert_eq!(
        t.statements() - before,
        1,
        "16 concurrent misses, one query"
    );
    let stats = cache.stats();
    assert_eq!((stats.misses, stats.hits), (1, 15), "{stats:?}");
}

async fn commit_invalidates_rollback_keeps(t: TestDb) {
    let item = seeded(&t).await;
    let cache = Cache::in_memory(CacheConfig::default());
    let reader = Session::new(&t.db).with_cache(&cache);
    let reads = Repository::<scale_item::Entity, _>::new(&reader);
    assert_eq!(reads.cached().get(item.id).await.expect("get").n, 1); // stored

    // a write rolled back: the entry survives, no query
    let session = Session::begin(&t.db)
        .await
        .expect("begin")
        .with_cache(&cache);
    Repository::<scale_item::Entity, _>::new(&session)
        .update(set_n(item.id, 2))
        .await
        .expect("update");
    session.rollback().await.expect("rollback");
    let before = t.statements();
    assert_eq!(reads.cached().get(item.id).await.expect("get").n, 1);
    assert_eq!(
        t.statements(),
        before,
        "served from the cache after a rollback"
    );

    // a write committed: invalidated only once the commit is done
    let session = Session::begin(&t.db)
        .await
        .expect("begin")
        .with_cache(&cache);
    Repository::<scale_item::Entity, _>::new(&session)
        .update(set_n(item.id, 2))
        .await
        .expect("update");
    let before = t.statements();
    assert_eq!(
        reads.cached().get(item.id).await.expect("get").n,
        1,
        "not committed yet"
    );
    assert_eq!(t.statements(), before);
    session.commit().await.expect("commit");
    let before = t.statements();
    assert_eq!(reads.cached().get(item.id).await.expect("get").n, 2);
    assert_eq!(t.statements() - before, 1, "the next read misses");
    let before = t.statements();
    assert_eq!(reads.cached().get(item.id).await.expect("get").n, 2);
    assert_eq!(t.statements(), before, "and is stored again");
}

async fn a_transaction_that_wrote_is_never_cached(t: TestDb) {
    let item = seeded(&t).await;
    let cache = Cache::in_memory(CacheConfig::default());
    let session = Session::begin(&t.db)
        .await
        .expect("begin")
        .with_cache(&cache);
    let items = Repository::<scale_item::Entity, _>::new(&session);
    items.update(set_n(item.id, 7)).await.expect("update");
    assert!(session.has_written());
    assert_eq!(items.cached().get(item.id).await.expect("get").n, 7);
    assert_eq!(cache.stats().skipped, 1);
    session.rollback().await.expect("rollback");

    let reader = Session::new(&t.db).with_cache(&cache);
    let before = t.statements();
    let read = Repository::<scale_item::Entity, _>::new(&reader)
        .cached()
        .get(item.id)
        .await
        .expect("get");
    assert_eq!(read.n, 1, "the rolled-back value was not stored");
    assert_eq!(t.statements() - before, 1);
}

async fn lists_invalidate_on_any_write_to_the_model(t: TestDb) {
    seeded(&t).await;
    let cache = Cache::in_memory(CacheConfig::default());
    let reader = Session::new(&t.db).with_cache(&cache);
    let reads = Repository::<scale_item::Entity, _>::new(&reader);
    let order = || OrderBy::asc(scale_item::Column::Id);
    assert_eq!(
        reads.cached().get_many(order()).await.expect("list").len(),
        1
    );
    let before = t.statements();
    assert_eq!(
        reads.cached().get_many(order()).await.expect("list").len(),
        1
    );
    assert_eq!(t.statements(), before, "a hit");

    // a write through plain SeaORM on an autocommit session with the cache: invalidated now
    let writer = Session::new(&t.db).with_cache(&cache);
    writer
        .execute_unprepared("INSERT INTO scale_item (name, n) VALUES ('b', 2)")
        .await
        .expect("insert");
    let list = reads.cached().get_many(order()).await.expect("list");
    assert_eq!(list.len(), 2, "{list:?}");

    // another model's write leaves this model's entries alone
    Session::new(&t.db)
        .with_cache(&cache)
        .execute_unprepared("INSERT INTO scale_other (name) VALUES ('x')")
        .await
        .expect("insert scale_other");
    let before = t.statements();
    assert_eq!(
        reads.cached().get_many(order()).await.expect("list").len(),
        2
    );
    assert_eq!(t.statements(), before, "still a hit");

    // bypass: the repository's own read always asks the database
    let before = t.statements();
    reads.get_many(order()).await.expect("list");
    assert_eq!(t.statements() - before, 1);
}

crate::backend_tests!(
    concurrent_misses_run_one_query,
    commit_invalidates_rollback_keeps,
    a_transaction_that_wrote_is_never_cached,
    lists_invalidate_on_any_write_to_the_model,
);
