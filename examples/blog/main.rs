//! The seed's blog, end to end: create the schema, write posts, tag them through
//! `Tag::as_unique`, load posts with their tags, update one and watch `updated_at` move,
//! then the repository: filtered pages with a total, keyset pages, slugs.
//!
//! ```text
//! cargo run --example blog                                   # embedded SQLite, no setup
//! DATABASE_URL=postgres://user:pw@localhost/blog cargo run --example blog
//! DATABASE_URL=mysql://user:pw@localhost/blog cargo run --example blog
//! ```

mod models;

use advanced_alchemy::filters::params::FilterSchema;
use advanced_alchemy::filters::{LimitOffset, OrderBy, SearchFilter};
use advanced_alchemy::pagination::{CursorKey, Keyset};
use advanced_alchemy::repository::{Repository, SlugRepository};
use models::{Post, post, tag};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryOrder,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".to_owned());
    let db = advanced_alchemy::connect(&url).await?;
    println!("database: {}", advanced_alchemy::error::redact_url(&url));

    // orm_registry().metadata.create_all(): every model of the program, in FK order.
    advanced_alchemy::registry::create_all(&db).await?;

    let session = advanced_alchemy::Session::begin(&db).await?;
    let drafts = [
        (
            "Hello, SeaORM",
            "Advanced Alchemy, the Rust way.",
            &["Rust", "SeaORM", "ORM"][..],
        ),
        (
            "Crème brûlée for developers",
            "Slugs in every language.",
            &["Cooking", "rust"],
        ),
        (
            "Keys that sort",
            "UUIDv7 keys follow creation time.",
            &["Databases", "Rust"],
        ),
    ];
    for (title, content, tags) in drafts {
        let post = post::ActiveModel {
            title: Set(title.into()),
            content: Set(content.into()),
            published: Set(false),
            ..Default::default()
        }
        .insert(&session)
        .await?;
        models::add_tags_to_post(&session, &post, tags).await?;
    }
    session.commit().await?;

    println!("\nposts with their tags:");
    let posts = Post::load()
        .with(models::Tag)
        .order_by_asc(post::Column::Id)
        .all(&db)
        .await?;
    for post in &posts {
        let tags: Vec<String> = post
            .tags
            .iter()
            .map(|t| format!("{} ({})", t.name, t.slug))
            .collect();
        println!(
            "  #{} {:<30} tags: {}",
            post.id,
            post.title,
            tags.join(", ")
        );
    }
    let distinct = models::Tag::find().all(&db).await?;
    println!(
        "{} distinct tags (\"Rust\" and \"rust\" share one row)",
        distinct.len()
    );

    let first = Post::find_by_id(1)
        .one(&db)
        .await?
        .ok_or("post 1 is missing")?;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut publish = first.clone().into_active_model();
    publish.published = Set(true);
    publish.published_at = Set(Some(advanced_alchemy::types::DateTimeUTC::now()));
    let published = publish.update(&db).await?;
    println!("\npublished #{}: \"{}\"", published.id, published.title);
    println!("  created_at {}", published.created_at);
    println!(
        "  updated_at {} (was {})",
        published.updated_at, first.updated_at
    );
    assert!(
        published.updated_at > first.updated_at,
        "updated_at must move on update"
    );

    repository_tour(&db).await
}

/// "Let's look at the repository pattern": the same data through `Repository`.
async fn repository_tour(
    db: &sea_orm::DatabaseConnection,
) -> Result<(), Box<dyn std::error::Error>> {
    let posts = Repository::<post::Entity, _>::new(db);
    let more: Vec<post::ActiveModel> = (1..=12)
        .map(|i| post::ActiveModel {
            title: Set(format!("Weekly notes #{i}")),
            content: Set("Short and regular.".into()),
            published: Set(i % 3 != 0),
            ..Default::default()
        })
        .collect();
    let added = posts.add_many(more).await?; // one INSERT … RETURNING per chunk
    println!(
        "\nadd_many: {} posts, ids {}..={}",
        added.len(),
        added[0].id,
        added[added.len() - 1].id
    );

    // upsert by primary key: the row is updated in place, created_at untouched
    let mut retitled: post::ActiveModel = added[0].clone().into();
    retitled.title = Set("Weekly notes #1 (revised)".into());
    let revised = posts.upsert(retitled, None).await?;
    assert_eq!(revised.created_at, added[0].created_at);
    println!(
        "upsert kept created_at {} and moved updated_at to {}",
        revised.created_at, revised.updated_at
    );

    let (page, total) = posts
        .get_many_and_count((
            post::Column::Published.eq(true),
            OrderBy::desc(post::Column::Id),
            LimitOffset::new(3, 0),
        ))
        .await?;
    println!(
        "
published posts, newest first: {total} in all, first page:"
    );
    for post in &page {
        println!("  #{} {}", post.id, post.title);
    }

    // Filters from a query string, checked against an allow-list of the model's columns.
    let schema = FilterSchema::<post::Entity>::all_columns().max_page_size(50);
    let query = "title__icontains=WEEKLY&published=true&order_by=-id&limit=2";
    let (found, total) = posts.get_many_and_count(schema.parse_query(query)?).await?;
    println!("?{query} -> {} of {total}: {}", found.len(), found[0].title);
    let hostile = schema.parse_query("title=x%27;%20DROP%20TABLE%20post;%20--")?;
    println!(
        "  title = \"x'; DROP TABLE post; --\" matches {} post(s): a bound value, never SQL",
        posts.count(hostile).await?
    );
    let bad = schema.parse_query("colour=red").map(|_| ());
    println!(
        "  a typo is an error: {}",
        bad.err().map(|e| e.to_string()).unwrap_or_default()
    );
    let search = SearchFilter::new(post::Column::Title, "brûlée").ignore_case(true);
    println!(
        "  search \"brûlée\": {} post(s)",
        posts.count(search).await?
    );

    // Keyset pages: the cursor is opaque and signed; deep pages stay as fast as the first.
    let keyset = Keyset::<post::Entity>::new(CursorKey::new(b"blog example cursor signing key!")?)
        .asc(post::Column::Title);
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = posts
            .get_cursor_page((), &keyset, 5, cursor.as_deref())
            .await?;
        pages += 1;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    println!(
        "walked {} posts in {pages} keyset pages of 5",
        posts.count(()).await?
    );

    let tags = SlugRepository::<tag::Entity>::new(db);
    let rust = tags
        .get_by_slug("rust")
        .await?
        .ok_or("the rust tag is missing")?;
    let free = tags.get_available_slug("Rust").await?;
    println!(
        "tag \"{}\" has slug {}; a new \"Rust\" tag would get {free}",
        rust.name, rust.slug
    );
    Ok(())
}
