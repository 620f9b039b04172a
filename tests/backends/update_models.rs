//! `update`, `update_many` and `delete_many` given whole models (issue 10 items 9, 10):
//! a modified `Model` is stored as given, an unmodified one moves nothing, and models
//! are accepted where keys are.

use crate::models::bigint_audit_item as item;
use crate::support::TestDb;
use advanced_alchemy::Error;
use advanced_alchemy::repository::Repository;
use sea_orm::{ActiveValue::Set, EntityTrait, IntoActiveModel};
use std::time::Duration;

fn repo(t: &TestDb) -> Repository<'_, item::Entity, sea_orm::DatabaseConnection> {
    Repository::new(&t.db)
}

async fn rows(t: &TestDb, names: &[&str]) -> Vec<item::Model> {
    repo(t)
        .add_many(names.iter().map(|n| item::ActiveModel {
            name: Set((*n).into()),
            ..Default::default()
        }))
        .await
        .expect("add_many")
}

async fn stored(t: &TestDb, id: i64) -> item::Model {
    item::Entity::find_by_id(id)
        .one(&t.db)
        .await
        .expect("read")
        .expect("the row")
}

/// A clock tick between the insert and the update, so a moved `updated_at` shows.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(20)).await;
}

async fn update_writes_a_modified_model(t: TestDb) {
    let [a] = <[item::Model; 1]>::try_from(rows(&t, &["before"]).await).expect("one row");
    tick().await;
    let mut model = a.clone();
    model.name = "after".into();
    let updated = repo(&t).update(model).await.expect("update");
    assert_eq!(updated.name, "after");
    let row = stored(&t, a.id).await;
    assert_eq!(row.name, "after", "the modified Model was written");
    assert!(
        row.updated_at > a.updated_at,
        "updated_at moves on a change"
    );
    assert_eq!(row.created_at, a.created_at);
}

async fn update_of_an_unmodified_model_moves_nothing(t: TestDb) {
    let [a] = <[item::Model; 1]>::try_from(rows(&t, &["same"]).await).expect("one row");
    tick().await;
    let mut model = a.clone();
    model.name = "same".into(); // assigned, to the value it already has
    let returned = repo(&t).update(model).await.expect("update");
    assert_eq!(returned, a);
    assert_eq!(stored(&t, a.id).await, a, "nothing moved");
    // a stale updated_at in the model does not set the stored one back
    tick().await;
    let mut changed = a.clone();
    changed.name = "changed".into();
    let first = repo(&t).update(changed.clone()).await.expect("update");
    let mut stale = a.clone();
    stale.name = "changed again".into();
    let second = repo(&t).update(stale).await.expect("update");
    assert!(second.updated_at >= first.updated_at);
    // a model whose row is gone is NotFound
    let mut gone = a.clone();
    gone.id = a.id + 1000;
    let err = repo(&t).update(gone).await.expect_err("no such row");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

/// With an `ActiveModel` SeaORM's `Set` does not remember the value it replaced:
/// `updated_at` moves whenever another column is `Set`, as the README says;
/// `set_if_not_equals` keeps an equal value `Unchanged`.
async fn active_model_rules_are_as_documented(t: TestDb) {
    let [a] = <[item::Model; 1]>::try_from(rows(&t, &["x"]).await).expect("one row");
    tick().await;
    let mut am = a.clone().into_active_model();
    am.name.set_if_not_equals("x".to_owned());
    let kept = repo(&t).update(am).await.expect("update");
    assert_eq!(
        kept.updated_at, a.updated_at,
        "set_if_not_equals: nothing moved"
    );
    let mut am = a.clone().into_active_model();
    am.name = Set("x".into());
    let moved = repo(&t).update(am).await.expect("update");
    assert!(moved.updated_at > a.updated_at, "Set: updated_at moves");
}

async fn update_many_writes_modified_models(t: TestDb) {
    let original = rows(&t, &["a", "b", "c"]).await;
    tick().await;
    let mut models = original.clone();
    models[0].name = "A".into(); // changed
    // models[1] unchanged
    models[2].name = "C".into(); // changed
    let updated = repo(&t).update_many(models).await.expect("update_many");
    let names: Vec<&str> = updated.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["A", "b", "C"],
        "in input order, unchanged rows included"
    );
    let now: Vec<item::Model> = {
        let mut v = Vec::new();
        for m in &original {
            v.push(stored(&t, m.id).await);
        }
        v
    };
    assert_eq!(
        (now[0].name.as_str(), now[2].name.as_str()),
        ("A", "C"),
        "the modified Models were written"
    );
    assert!(now[0].updated_at > original[0].updated_at);
    assert_eq!(now[1], original[1], "the unchanged Model moved nothing");
}

async fn delete_many_takes_models(t: TestDb) {
    let all = rows(&t, &["a", "b", "c", "d"]).await;
    let by_ref = repo(&t).delete_many(&all[..2]).await.expect("by reference");
    assert_eq!(by_ref.len(), 2);
    let by_value = repo(&t)
        .delete_many(vec![all[2].clone()])
        .await
        .expect("by value");
    assert_eq!(by_value.len(), 1);
    let by_key = repo(&t).delete_many([all[3].id]).await.expect("by key");
    assert_eq!(by_key.len(), 1);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM bigint_audit_item").await, 0);
}

crate::backend_tests!(
    update_writes_a_modified_model,
    update_of_an_unmodified_model_moves_nothing,
    active_model_rules_are_as_documented,
    update_many_writes_modified_models,
    delete_many_takes_models,
    composite_keys_are_tuples,
);

/// README (issue 10 docs): a composite primary key is a tuple, in `get` and in
/// `delete_many` (keys or models).
async fn composite_keys_are_tuples(t: TestDb) {
    use crate::blog::{post, post_tag, tag};
    let post = Repository::<post::Entity, _>::new(&t.db)
        .add(post::ActiveModel {
            title: Set("p".into()),
            content: Set(String::new()),
            published: Set(false),
            published_at: Set(None),
            ..Default::default()
        })
        .await
        .expect("post");
    let tags = Repository::<tag::Entity, _>::new(&t.db);
    let mut tag_ids = Vec::new();
    for name in ["x", "y", "z"] {
        let tag = tags
            .add(tag::ActiveModel {
                name: Set(name.into()),
                slug: Set(name.into()),
                ..Default::default()
            })
            .await
            .expect("tag");
        tag_ids.push(tag.id);
    }
    let links = Repository::<post_tag::Entity, _>::new(&t.db);
    let rows = links
        .add_many(tag_ids.iter().map(|&tag_id| post_tag::ActiveModel {
            post_id: Set(post.id),
            tag_id: Set(tag_id),
        }))
        .await
        .expect("links");
    let one = links
        .get((post.id, tag_ids[0]))
        .await
        .expect("get by tuple");
    assert_eq!(one, rows[0]);
    let by_key = links
        .delete_many([(post.id, tag_ids[0])])
        .await
        .expect("delete by tuple");
    assert_eq!(by_key.len(), 1);
    let by_model = links.delete_many(&rows[1..]).await.expect("delete models");
    assert_eq!(by_model.len(), 2);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM post_tag").await, 0);
}
