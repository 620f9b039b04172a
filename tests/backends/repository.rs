//! The repository's reads, single-row writes, deletes, soft delete, error context and
//! eager loading, on the blog models and a soft-delete model.

use crate::blog::{post, tag};
use crate::support::TestDb;
use advanced_alchemy::filters::{IncludeDeleted, LimitOffset, OrderBy};
use advanced_alchemy::repository::{CountMode, ErrorMessages, Repository};
use advanced_alchemy::{Error, Session};
use sea_orm::{ActiveValue::Set, ColumnTrait, IntoActiveModel};

pub mod repo_doc {
    use sea_orm::entity::prelude::*;

    /// A soft-deletable document with a UUID v7 key.
    #[advanced_alchemy::model(UUIDv7AuditBase, SoftDelete)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "repo_doc")]
    pub struct Model {
        #[sea_orm(unique)]
        pub title: String,
        pub rank: i32,
    }
}

fn new_post(title: &str, published: bool) -> post::ActiveModel {
    post::ActiveModel {
        title: Set(title.into()),
        content: Set(format!("about {title}")),
        published: Set(published),
        ..Default::default()
    }
}

fn new_doc(title: &str, rank: i32) -> repo_doc::ActiveModel {
    repo_doc::ActiveModel {
        title: Set(title.into()),
        rank: Set(rank),
        ..Default::default()
    }
}

async fn seed_posts(posts: &Repository<'_, post::Entity>, n: usize) -> Vec<post::Model> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(
            posts
                .add(new_post(&format!("post {i:02}"), i % 2 == 0))
                .await
                .expect("add"),
        );
    }
    out
}

async fn add_get_update(t: TestDb) {
    let posts = Repository::<post::Entity, _>::new(&t.db);
    let added = posts.add(new_post("hello", false)).await.expect("add");
    assert_eq!(posts.get(added.id).await.expect("get"), added);

    let mut change = added.clone().into_active_model();
    change.title = Set("hello again".into());
    let updated = posts.update(change).await.expect("update");
    assert_eq!(updated.title, "hello again");
    assert_eq!(updated.created_at, added.created_at);
    assert!(updated.updated_at >= added.updated_at);
    assert_eq!(posts.get(added.id).await.expect("get"), updated);

    // update of a missing row
    let mut ghost = added.into_active_model();
    ghost.id = Set(987_654);
    ghost.title = Set("ghost".into());
    let err = posts.update(ghost).await.expect_err("missing row");
    assert!(
        matches!(err, Error::NotFound { ref model, .. } if model == "post"),
        "{err:?}"
    );
    // update without a primary key
    let err = posts
        .update(new_post("no key", false))
        .await
        .expect_err("no key");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

async fn one_or_none_and_many(t: TestDb) {
    let posts = Repository::<post::Entity, _>::new(&t.db);
    seed_posts(&posts, 5).await;
    let one = posts
        .get_one(post::Column::Title.eq("post 03"))
        .await
        .expect("one");
    assert_eq!(one.title, "post 03");
    assert!(
        posts
            .get_one_or_none(post::Column::Title.eq("nope"))
            .await
            .expect("none")
            .is_none()
    );
    let err = posts
        .get_one(post::Column::Published.eq(true))
        .await
        .expect_err("three published");
    assert!(matches!(err, Error::MultipleResultsFound { .. }), "{err:?}");
    let err = posts
        .get_one(post::Column::Title.eq("nope"))
        .await
        .expect_err("none");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    let titles: Vec<String> = posts
        .get_many((
            post::Column::Published.eq(true),
            OrderBy::desc(post::Column::Title),
        ))
        .await
        .expect("many")
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(titles, ["post 04", "post 02", "post 00"]);
    assert_eq!(posts.count(()).await.expect("count"), 5);
    assert_eq!(
        posts
            .count((post::Column::Published.eq(false), LimitOffset::new(1, 0)))
            .await
            .expect("count ignores the page"),
        2
    );
    assert!(
        posts
            .exists(post::Column::Title.eq("post 01"))
            .await
            .expect("exists")
    );
    assert!(
        !posts
            .exists(post::Column::Title.eq("post 99"))
            .await
            .expect("exists")
    );
    assert!(posts.check_health().await.expect("health"));
}

async fn many_and_count_in_one_query(t: TestDb) {
    let posts = Repository::<post::Entity, _>::new(&t.db);
    seed_posts(&posts, 25).await;
    let page = (OrderBy::asc(post::Column::Title), LimitOffset::new(10, 20));

    let before = t.statements();
    let (items, total) = posts.get_many_and_count(page).await.expect("window");
    assert_eq!(t.statements() - before, 1, "one round trip");
    assert_eq!(total, 25);
    let titles: Vec<_> = items.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        ["post 20", "post 21", "post 22", "post 23", "post 24"]
    );

    let separate = posts.clone().count_mode(CountMode::Separate);
    let before = t.statements();
    let (items2, total2) = separate.get_many_and_count(page).await.expect("two");
    assert_eq!(t.statements() - before, 2);
    assert_eq!((items2, total2), (items, total));

    // past the end: no row carries the total, a count query does
    let (none, total) = posts
        .get_many_and_count((OrderBy::asc(post::Column::Id), LimitOffset::new(10, 100)))
        .await
        .expect("past the end");
    assert!(none.is_empty());
    assert_eq!(total, 25);
    let (none, total) = posts
        .get_many_and_count(post::Column::Title.eq("nothing"))
        .await
        .expect("empty");
    assert_eq!((none.len(), total), (0, 0));

    #[allow(deprecated)]
    let (listed, n) = posts
        .list_and_count(LimitOffset::new(3, 0))
        .await
        .expect("alias");
    assert_eq!((listed.len(), n), (3, 25));
}

async fn deletes(t: TestDb) {
    let posts = Repository::<post::Entity, _>::new(&t.db);
    let seeded = seed_posts(&posts, 6).await;
    let gone = posts.delete(seeded[0].id).await.expect("delete");
    assert_eq!(gone, seeded[0]);
    assert!(matches!(
        posts.delete(seeded[0].id).await,
        Err(Error::NotFound { .. })
    ));
    let mut many = posts
        .delete_many([seeded[1].id, seeded[2].id, 424_242])
        .await
        .expect("delete_many");
    many.sort_by_key(|p| p.id);
    assert_eq!(many, seeded[1..3].to_vec());
    let matched = posts
        .delete_where(post::Column::Published.eq(false))
        .await
        .expect("delete_where");
    // 3 and 5 are unpublished (1 already went)
    assert_eq!(matched.len(), 2);
    assert_eq!(posts.count(()).await.expect("count"), 1);
    assert!(
        posts
            .delete_many(Vec::<i64>::new())
            .await
            .expect("nothing")
            .is_empty()
    );
}

async fn delete_many_in_chunks_is_atomic(t: TestDb) {
    let posts = Repository::<post::Entity, _>::new(&t.db).chunk_size(3);
    let seeded = seed_posts(&posts, 10).await;
    let ids: Vec<i64> = seeded.iter().map(|p| p.id).collect();
    let removed = posts.delete_many(ids).await.expect("chunks");
    assert_eq!(removed.len(), 10);
    assert_eq!(posts.count(()).await.expect("count"), 0);
}

async fn soft_delete(t: TestDb) {
    let docs = Repository::<repo_doc::Entity, _>::new(&t.db);
    let a = docs.add(new_doc("a", 1)).await.expect("a");
    let b = docs.add(new_doc("b", 2)).await.expect("b");
    let c = docs.add(new_doc("c", 3)).await.expect("c");

    let deleted = docs.delete(a.id).await.expect("soft delete");
    assert!(deleted.deleted_at.is_some());
    assert_eq!(deleted.created_at, a.created_at);
    assert!(deleted.updated_at >= a.updated_at);
    // the row is still there, hidden from every read
    assert_eq!(t.scalar("SELECT COUNT(*) FROM repo_doc").await, 3);
    assert_eq!(docs.count(()).await.expect("count"), 2);
    assert!(matches!(docs.get(a.id).await, Err(Error::NotFound { .. })));
    assert!(
        !docs
            .exists(repo_doc::Column::Title.eq("a"))
            .await
            .expect("exists")
    );
    assert_eq!(docs.get_many(()).await.expect("many").len(), 2);
    assert_eq!(docs.count(IncludeDeleted).await.expect("with deleted"), 3);
    assert_eq!(
        docs.clone().include_deleted().get(a.id).await.expect("get"),
        deleted
    );
    // deleting again: not found (already deleted)
    assert!(matches!(
        docs.delete(a.id).await,
        Err(Error::NotFound { .. })
    ));
    // update of a deleted row: not found
    let mut change = deleted.clone().into_active_model();
    change.rank = Set(10);
    assert!(matches!(
        docs.update(change).await,
        Err(Error::NotFound { .. })
    ));

    let restored = docs.restore(a.id).await.expect("restore");
    assert!(restored.deleted_at.is_none());
    assert_eq!(docs.count(()).await.expect("count"), 3);
    assert!(matches!(
        docs.restore(a.id).await,
        Err(Error::NotFound { .. })
    ));

    let soft = docs
        .delete_where(repo_doc::Column::Rank.gte(2))
        .await
        .expect("delete_where");
    assert_eq!(soft.len(), 2);
    assert!(soft.iter().all(|d| d.deleted_at.is_some()));
    let (page, total) = docs.get_many_and_count(()).await.expect("page");
    assert_eq!((page.len(), total), (1, 1));

    let hard = docs.hard_delete(b.id).await.expect("hard");
    assert_eq!(hard.id, b.id);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM repo_doc").await, 2);
    let purged = docs
        .hard_delete_where(repo_doc::Column::DeletedAt.is_not_null())
        .await
        .expect("purge");
    assert_eq!(purged.iter().map(|d| d.id).collect::<Vec<_>>(), [c.id]);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM repo_doc").await, 1);
    let ids = docs.delete_many([a.id]).await.expect("soft many");
    assert_eq!(ids.len(), 1);
    assert_eq!(docs.count(()).await.expect("count"), 0);
    assert_eq!(
        docs.hard_delete_many([a.id])
            .await
            .expect("hard many")
            .len(),
        1
    );
    assert_eq!(t.scalar("SELECT COUNT(*) FROM repo_doc").await, 0);

    // restore on a model without SoftDelete is a request error
    let posts = Repository::<post::Entity, _>::new(&t.db);
    assert!(matches!(
        posts.restore(1).await,
        Err(Error::InvalidRequest(_))
    ));
}

async fn errors_name_model_and_custom_message(t: TestDb) {
    static DOC_ERRORS: ErrorMessages = ErrorMessages::new()
        .duplicate_key("a document with this title exists")
        .not_found("no such document");
    let docs = Repository::<repo_doc::Entity, _>::new(&t.db);
    docs.add(new_doc("same", 1)).await.expect("first");
    let err = docs.add(new_doc("same", 2)).await.expect_err("duplicate");
    match &err {
        Error::DuplicateKey {
            model, constraint, ..
        } => {
            assert_eq!(model.as_deref(), Some("repo_doc"));
            assert_eq!(constraint.as_deref(), Some("uq_repo_doc_title"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("repo_doc"), "{err}");

    let custom = docs.clone().error_messages(DOC_ERRORS);
    let err = custom.add(new_doc("same", 3)).await.expect_err("duplicate");
    assert_eq!(err.to_string(), "a document with this title exists");
    assert_eq!(err.constraint(), Some("uq_repo_doc_title"));
    let err = custom.get(uuid::Uuid::now_v7()).await.expect_err("missing");
    assert_eq!(err.to_string(), "no such document");
    assert_eq!(err.model(), Some("repo_doc"));

    // a missing parent is a ForeignKey error naming the model and the constraint
    let links = Repository::<crate::blog::post_tag::Entity, _>::new(&t.db);
    let err = links
        .add(crate::blog::post_tag::ActiveModel {
            post_id: Set(404),
            tag_id: Set(404),
        })
        .await
        .expect_err("no parent");
    match &err {
        Error::ForeignKey {
            model, constraint, ..
        } => {
            assert_eq!(model.as_deref(), Some("post_tag"));
            if t.backend != crate::support::Backend::Sqlite {
                // SQLite does not say which foreign key failed
                assert!(
                    constraint
                        .as_deref()
                        .is_some_and(|c| c.starts_with("fk_post_tag_")),
                    "{constraint:?}"
                );
            }
        }
        other => panic!("{other:?}"),
    }
}

async fn works_on_session_and_transaction(t: TestDb) {
    // in a session: rolled back with it
    let session = Session::begin(&t.db).await.expect("begin");
    let posts = Repository::<post::Entity, _>::new(&session);
    posts.add(new_post("tx", true)).await.expect("add");
    assert_eq!(posts.count(()).await.expect("count"), 1);
    session.rollback().await.expect("rollback");
    let on_pool = Repository::<post::Entity, _>::new(&t.db);
    assert_eq!(on_pool.count(()).await.expect("count"), 0);

    // a SeaORM transaction, auto-commit inside it is a savepoint
    let tx = sea_orm::TransactionTrait::begin(&t.db).await.expect("tx");
    let posts = Repository::<post::Entity, _>::new(&tx).auto_commit(true);
    posts.add(new_post("kept", true)).await.expect("add");
    let err = posts.add(post::ActiveModel {
        id: Set(posts.get_one(()).await.expect("one").id),
        ..new_post("clash", true)
    });
    assert!(matches!(err.await, Err(Error::DuplicateKey { .. })));
    // the failed savepoint did not poison the transaction (PostgreSQL aborts otherwise)
    assert_eq!(posts.count(()).await.expect("count"), 1);
    sea_orm::TransactionSession::commit(tx)
        .await
        .expect("commit");
    assert_eq!(on_pool.count(()).await.expect("count"), 1);

    // auto-commit on a pool
    let committing = Repository::<post::Entity, _>::new(&t.db).auto_commit(true);
    committing
        .add(new_post("durable", true))
        .await
        .expect("add");
    assert_eq!(on_pool.count(()).await.expect("count"), 2);
}

async fn eager_loading_is_one_query_per_relation(t: TestDb) {
    let session = Session::begin(&t.db).await.expect("begin");
    let posts = Repository::<post::Entity, _>::new(&session);
    let a = posts.add(new_post("a", true)).await.expect("a");
    let b = posts.add(new_post("b", true)).await.expect("b");
    crate::blog::add_tags_to_post(&session, &a, &["rust", "sql"])
        .await
        .expect("tags");
    crate::blog::add_tags_to_post(&session, &b, &["rust"])
        .await
        .expect("tags");
    session.commit().await.expect("commit");

    let posts = Repository::<post::Entity, _>::new(&t.db);
    let before = t.statements();
    let loaded = posts
        .get_many_with(OrderBy::asc(post::Column::Title), tag::Entity)
        .await
        .expect("load");
    // the page, then one query for the tags of every post on it
    assert!(t.statements() - before <= 2, "{}", t.statements() - before);
    let names: Vec<Vec<String>> = loaded
        .iter()
        .map(|(_, tags)| {
            let mut n: Vec<String> = tags.iter().map(|t| t.name.clone()).collect();
            n.sort();
            n
        })
        .collect();
    assert_eq!(names, [vec!["rust", "sql"], vec!["rust"]]);
    assert_eq!(loaded[0].0, a);
}

crate::backend_tests!(
    add_get_update,
    one_or_none_and_many,
    many_and_count_in_one_query,
    deletes,
    delete_many_in_chunks_is_atomic,
    soft_delete,
    errors_name_model_and_custom_message,
    works_on_session_and_transaction,
    eager_loading_is_one_query_per_relation,
);
