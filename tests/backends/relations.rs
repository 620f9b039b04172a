//! Many-to-many through post_tag: the seed's add_tags_to_post, eager loading, cascade.

use crate::blog::{self, Post, Tag, post, post_tag};
use crate::support::TestDb;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, EntityLoaderTrait, EntityTrait, ModelTrait, PaginatorTrait,
    QueryOrder,
};

async fn new_post(session: &advanced_alchemy::Session, title: &str) -> post::Model {
    post::ActiveModel {
        title: Set(title.into()),
        content: Set("...".into()),
        published: Set(false),
        ..Default::default()
    }
    .insert(session)
    .await
    .expect("insert post")
}

async fn add_tags_then_load_eagerly(t: TestDb) {
    let session = t.session().await;
    let first = new_post(&session, "first").await;
    let loaded = blog::add_tags_to_post(&session, &first, &["Rust", "SeaORM", "rust"])
        .await
        .expect("tags");
    let mut slugs: Vec<&str> = loaded.tags.iter().map(|t| t.slug.as_str()).collect();
    slugs.sort();
    assert_eq!(slugs, ["rust", "seaorm"]);
    let second = new_post(&session, "second").await;
    blog::add_tags_to_post(&session, &second, &["RUST", "Databases"])
        .await
        .expect("tags");
    // adding the same tags again changes nothing
    blog::add_tags_to_post(&session, &second, &["Databases"])
        .await
        .expect("idempotent");
    session.commit().await.expect("commit");

    assert_eq!(Tag::find().count(&t.db).await.expect("count"), 3);
    let posts = Post::load()
        .with(Tag)
        .order_by_asc(post::Column::Id)
        .all(&t.db)
        .await
        .expect("load");
    let counts: Vec<(String, usize)> = posts
        .iter()
        .map(|p| (p.title.clone(), p.tags.len()))
        .collect();
    assert_eq!(counts, [("first".to_owned(), 2), ("second".to_owned(), 2)]);
    let rust = Tag::find_by_slug("rust")
        .one(&t.db)
        .await
        .expect("select")
        .expect("tag");
    let tagged = Tag::load()
        .filter_by_id(rust.id)
        .with(Post)
        .one(&t.db)
        .await
        .expect("load")
        .expect("tag");
    assert_eq!(tagged.posts.len(), 2);
}

async fn deleting_a_post_cascades_to_post_tag(t: TestDb) {
    let session = t.session().await;
    let doomed = new_post(&session, "doomed").await;
    let kept = new_post(&session, "kept").await;
    blog::add_tags_to_post(&session, &doomed, &["a", "b"])
        .await
        .expect("tags");
    blog::add_tags_to_post(&session, &kept, &["a"])
        .await
        .expect("tags");
    session.commit().await.expect("commit");
    assert_eq!(
        post_tag::Entity::find().count(&t.db).await.expect("count"),
        3
    );

    doomed.delete(&t.db).await.expect("delete");
    assert_eq!(
        post_tag::Entity::find().count(&t.db).await.expect("count"),
        1
    );
    assert_eq!(
        Tag::find().count(&t.db).await.expect("count"),
        2,
        "tags stay"
    );
}

crate::backend_tests!(
    add_tags_then_load_eagerly,
    deleting_a_post_cascades_to_post_tag
);
