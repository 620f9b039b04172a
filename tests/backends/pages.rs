//! Offset pages, keyset pages with signed cursors, the slug repository and the query
//! repository.

use crate::blog::{post, tag};
use crate::support::TestDb;
use advanced_alchemy::Error;
use advanced_alchemy::filters::{LimitOffset, OrderBy};
use advanced_alchemy::pagination::{CursorKey, Keyset};
use advanced_alchemy::repository::{QueryRepository, Repository, SlugRepository};
use base64::Engine;
use chrono::{TimeZone, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, FromQueryResult, JoinType, QueryOrder, QuerySelect,
    RelationTrait,
};

fn key() -> CursorKey {
    CursorKey::new(b"an integration-test cursor key!!").expect("key")
}

/// 23 posts over 5 distinct `created_at` values, so the keyset must break ties by id.
async fn seed(t: &TestDb) -> Repository<'_, post::Entity> {
    let posts = Repository::<post::Entity, _>::new(&t.db);
    for i in 0..23u32 {
        let at = Utc
            .with_ymd_and_hms(2024, 1, 1 + i % 5, 12, 0, 0)
            .single()
            .expect("date");
        posts
            .add(post::ActiveModel {
                title: Set(format!("p{i:02}")),
                content: Set(String::new()),
                published: Set(i % 3 != 0),
                created_at: Set(at.into()),
                updated_at: Set(at.into()),
                ..Default::default()
            })
            .await
            .expect("add");
    }
    posts
}

async fn offset_page(t: TestDb) {
    let posts = seed(&t).await;
    let page = posts
        .get_offset_page(OrderBy::asc(post::Column::Title), LimitOffset::new(10, 20))
        .await
        .expect("page");
    assert_eq!(
        (page.items.len(), page.total, page.limit, page.offset),
        (3, 23, 10, 20)
    );
    assert!(!page.has_next());
    assert_eq!(page.items[0].title, "p20");
}

async fn keyset_walks_every_row_once(t: TestDb) {
    let posts = seed(&t).await;
    let keyset = Keyset::<post::Entity>::new(key()).desc(post::Column::CreatedAt);
    let published = post::Column::Published.eq(true);
    let expected: Vec<i64> = posts
        .get_many((
            published.clone(),
            OrderBy::desc(post::Column::CreatedAt),
            OrderBy::asc(post::Column::Id),
        ))
        .await
        .expect("all")
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(expected.len(), 15);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let before = t.statements();
        let page = posts
            .get_cursor_page(published.clone(), &keyset, 4, cursor.as_deref())
            .await
            .expect("page");
        assert_eq!(t.statements() - before, 1, "one query per page");
        pages += 1;
        seen.extend(page.items.iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected);
    assert_eq!(pages, 4);
}

async fn cursors_are_tamper_evident(t: TestDb) {
    let posts = seed(&t).await;
    let keyset = Keyset::<post::Entity>::new(key()).asc(post::Column::Title);
    let first = posts
        .get_cursor_page((), &keyset, 5, None)
        .await
        .expect("first");
    let cursor = first.next_cursor.expect("more pages");

    // edit the payload (skip ahead) and keep the old signature
    let (payload, signature) = cursor.split_once('.').expect("two parts");
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let text = String::from_utf8(engine.decode(payload).expect("b64")).expect("utf8");
    let forged = engine.encode(text.replace("p04", "p15"));
    assert_ne!(forged, payload);
    for bad in [
        format!("{forged}.{signature}"),
        "garbage".to_owned(),
        format!("{payload}.AAAA"),
        String::new(),
        "é.é".to_owned(),
    ] {
        let err = posts
            .get_cursor_page((), &keyset, 5, Some(&bad))
            .await
            .expect_err("rejected");
        assert!(matches!(err, Error::InvalidRequest(_)), "{bad}: {err:?}");
    }
    // signed with another key, or for another ordering
    let other_key = Keyset::<post::Entity>::new(
        CursorKey::new(b"another key, another deployment!").expect("key"),
    )
    .asc(post::Column::Title);
    let other_order = Keyset::<post::Entity>::new(key()).desc(post::Column::Title);
    for keyset in [other_key, other_order] {
        let err = posts
            .get_cursor_page((), &keyset, 5, Some(&cursor))
            .await
            .expect_err("rejected");
        assert!(err.to_string().contains("cursor"), "{err}");
    }
    // nullable columns cannot be keyset columns
    let nullable = Keyset::<post::Entity>::new(key()).asc(post::Column::PublishedAt);
    assert!(matches!(
        posts.get_cursor_page((), &nullable, 5, None).await,
        Err(Error::InvalidRequest(_))
    ));
    // the genuine cursor still works
    let second = posts
        .get_cursor_page((), &keyset, 5, Some(&cursor))
        .await
        .expect("second");
    assert_eq!(second.items[0].title, "p05");
}

async fn slugs(t: TestDb) {
    let tags = SlugRepository::<tag::Entity>::new(&t.db);
    let slug = tags.get_available_slug("Rust Async").await.expect("slug");
    assert_eq!(slug, "rust-async");
    tags.add(tag::ActiveModel {
        name: Set("Rust Async".into()),
        slug: Set(slug.clone()),
        ..Default::default()
    })
    .await
    .expect("add");
    assert_eq!(
        tags.get_by_slug("rust-async")
            .await
            .expect("by slug")
            .expect("found")
            .name,
        "Rust Async"
    );
    let second = tags.get_available_slug("rust  async!").await.expect("slug");
    assert!(second.starts_with("rust-async-"), "{second}");
    assert_eq!(second.len(), "rust-async-".len() + 4);
    assert!(
        !tags
            .exists(tag::Column::Slug.eq(second.as_str()))
            .await
            .expect("free")
    );
    let long = "word ".repeat(60);
    let long_slug = tags.get_available_slug(&long).await.expect("long");
    assert!(long_slug.len() <= 100);
    assert!(matches!(
        tags.get_available_slug("?!").await,
        Err(Error::InvalidRequest(_))
    ));
}

#[derive(Debug, FromQueryResult, PartialEq)]
struct TagUse {
    name: String,
    posts: i64,
}

async fn query_repository(t: TestDb) {
    let posts = seed(&t).await;
    let all_posts = posts
        .get_many(OrderBy::asc(post::Column::Title))
        .await
        .expect("posts");
    // (after the read: on SQLite the session holds the pool's one connection)
    let session = advanced_alchemy::Session::begin(&t.db)
        .await
        .expect("begin");
    for (i, post) in all_posts.iter().enumerate() {
        let names: &[&str] = if i % 2 == 0 {
            &["even", "all"]
        } else {
            &["all"]
        };
        crate::blog::add_tags_to_post(&session, post, names)
            .await
            .expect("tags");
    }
    session.commit().await.expect("commit");

    let usage = tag::Entity::find()
        .select_only()
        .column(tag::Column::Name)
        .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "posts")
        .join(
            JoinType::InnerJoin,
            crate::blog::post_tag::Relation::Tag.def().rev(),
        )
        .group_by(tag::Column::Name)
        .order_by_asc(tag::Column::Name);
    let queries = QueryRepository::new(&t.db);
    let before = t.statements();
    let (rows, total) = queries
        .get_many_and_count::<TagUse>(usage.clone(), LimitOffset::new(1, 0))
        .await
        .expect("page");
    assert_eq!(t.statements() - before, 1);
    assert_eq!(total, 2);
    assert_eq!(
        rows,
        [TagUse {
            name: "all".into(),
            posts: 23
        }]
    );
    let all = queries
        .get_many::<TagUse>(usage.clone())
        .await
        .expect("all");
    assert_eq!(
        all[1],
        TagUse {
            name: "even".into(),
            posts: 12
        }
    );
    assert_eq!(queries.count(usage.clone()).await.expect("count"), 2);
    assert!(matches!(
        queries.get_one::<TagUse>(usage.clone()).await,
        Err(Error::MultipleResultsFound { .. })
    ));
    let (none, total) = queries
        .get_many_and_count::<TagUse>(usage, LimitOffset::new(5, 10))
        .await
        .expect("past the end");
    assert_eq!((none.len(), total), (0, 2));
}

crate::backend_tests!(
    offset_page,
    keyset_walks_every_row_once,
    cursors_are_tamper_evident,
    slugs,
    query_repository,
);
