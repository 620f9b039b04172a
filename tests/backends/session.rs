//! Session: plain SeaORM calls, commit, rollback, savepoints; failures leave nothing.

use crate::blog::{Post, Tag, post, tag};
use crate::support::TestDb;
use advanced_alchemy::{Error, Session};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, ModelTrait, PaginatorTrait,
    TransactionTrait,
};

fn new_tag(name: &str, slug: &str) -> tag::ActiveModel {
    tag::ActiveModel {
        name: Set(name.into()),
        slug: Set(slug.into()),
        ..Default::default()
    }
}

async fn tags(t: &TestDb) -> u64 {
    Tag::find().count(&t.db).await.expect("count")
}

async fn failed_transaction_leaves_no_rows(t: TestDb) {
    let session = t.session().await;
    new_tag("One", "one")
        .insert(&session)
        .await
        .expect("insert");
    new_tag("Two", "two")
        .insert(&session)
        .await
        .expect("insert");
    let err = new_tag("Uno", "one")
        .insert(&session)
        .await
        .map_err(Error::from)
        .expect_err("duplicate slug");
    assert_eq!(err.constraint(), Some("uq_tag_slug"));
    session.rollback().await.expect("rollback");
    assert_eq!(tags(&t).await, 0);

    // dropping an uncommitted session rolls back as well
    {
        let session = t.session().await;
        new_tag("Three", "three")
            .insert(&session)
            .await
            .expect("insert");
    }
    assert_eq!(tags(&t).await, 0);
}

async fn plain_seaorm_calls_work_on_a_session(t: TestDb) {
    let session = t.session().await;
    let post = post::ActiveModel {
        title: Set("On a session".into()),
        content: Set("...".into()),
        published: Set(false),
        ..Default::default()
    }
    .insert(&session)
    .await
    .expect("insert");
    let mut change = post.clone().into_active_model();
    change.published = Set(true);
    let post = change.update(&session).await.expect("update");
    let found = Post::find_by_id(post.id).one(&session).await.expect("find");
    assert_eq!(found.as_ref(), Some(&post));
    let doomed = new_tag("Doomed", "doomed")
        .insert(&session)
        .await
        .expect("insert");
    doomed.delete(&session).await.expect("delete");
    // not visible outside before commit (SQLite runs on one connection, so skip it there)
    if t.backend != crate::support::Backend::Sqlite {
        assert_eq!(Post::find().count(&t.db).await.expect("count"), 0);
    }
    session.commit().await.expect("commit");
    assert_eq!(Post::find().count(&t.db).await.expect("count"), 1);
    assert_eq!(tags(&t).await, 0);
}

async fn savepoints_commit_and_roll_back(t: TestDb) {
    let session = t.session().await;
    new_tag("Outer", "outer")
        .insert(&session)
        .await
        .expect("insert");
    let kept = session.begin_nested().await.expect("savepoint");
    new_tag("Kept", "kept").insert(&kept).await.expect("insert");
    kept.commit().await.expect("release");
    let undone = session.begin_nested().await.expect("savepoint");
    new_tag("Undone", "undone")
        .insert(&undone)
        .await
        .expect("insert");
    undone.rollback().await.expect("rollback to savepoint");
    session.commit().await.expect("commit");
    let mut slugs: Vec<String> = Tag::find()
        .all(&t.db)
        .await
        .expect("select")
        .into_iter()
        .map(|t| t.slug)
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["kept", "outer"]);
}

async fn transaction_trait_on_a_session(t: TestDb) {
    let session = t.session().await;
    let failed = session
        .transaction::<_, (), Error>(|s| {
            Box::pin(async move {
                new_tag("Inside", "inside").insert(s).await?;
                Err(Error::InvalidRequest("changed my mind".into()))
            })
        })
        .await;
    assert!(failed.is_err());
    session
        .transaction::<_, (), Error>(|s| {
            Box::pin(async move {
                new_tag("Inside", "inside").insert(s).await?;
                Ok(())
            })
        })
        .await
        .expect("transaction");
    session.commit().await.expect("commit");
    assert_eq!(tags(&t).await, 1);
}

async fn autocommit_session(t: TestDb) {
    let session = Session::new(&t.db);
    assert!(!session.in_transaction());
    new_tag("Auto", "auto")
        .insert(&session)
        .await
        .expect("insert");
    assert_eq!(tags(&t).await, 1);
    session.rollback().await.expect("no-op");
    assert_eq!(tags(&t).await, 1);
}

crate::backend_tests!(
    failed_transaction_leaves_no_rows,
    plain_seaorm_calls_work_on_a_session,
    savepoints_commit_and_roll_back,
    transaction_trait_on_a_session,
    autocommit_session,
);

/// Issue 10 item 7: on an in-memory SQLite database from `connect` (one connection), a
/// query through the pool while a session holds that connection fails within a second
/// with an error that says why, instead of hanging for the pool's 30 seconds; the
/// session goes on, and after it ends the pool works again.
#[tokio::test]
async fn memory_sqlite_pool_use_during_a_session_fails_fast() {
    use crate::models::bigint_item;
    use advanced_alchemy::repository::Repository;
    use advanced_alchemy::{Error, TransientKind};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let db = advanced_alchemy::connect("sqlite::memory:")
        .await
        .expect("memory");
    advanced_alchemy::registry::Registry::new()
        .register::<bigint_item::Entity>()
        .create_all(&db)
        .await
        .expect("create");
    let session = advanced_alchemy::Session::begin(&db).await.expect("begin");
    bigint_item::ActiveModel {
        name: Set("in the session".into()),
        ..Default::default()
    }
    .insert(&session)
    .await
    .expect("insert through the session");
    let err = Repository::<bigint_item::Entity, _>::new(&db)
        .count(())
        .await
        .expect_err("the one connection is the session's");
    assert_eq!(
        err.transient_kind(),
        Some(TransientKind::PoolExhausted),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("in-memory SQLite"),
        "the message says why: {err}"
    );
    assert!(matches!(err, Error::Transient { .. }));
    let n = Repository::<bigint_item::Entity, _>::new(&session)
        .count(())
        .await
        .expect("through the session");
    assert_eq!(n, 1);
    session.commit().await.expect("commit");
    let n = Repository::<bigint_item::Entity, _>::new(&db)
        .count(())
        .await
        .expect("the pool again");
    assert_eq!(n, 1);
}
