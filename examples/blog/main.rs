//! The seed's blog, end to end: create the schema, write posts, tag them through
//! `Tag::as_unique`, load posts with their tags, update one and watch `updated_at` move.
//!
//! ```text
//! cargo run --example blog                                   # embedded SQLite, no setup
//! DATABASE_URL=postgres://user:pw@localhost/blog cargo run --example blog
//! DATABASE_URL=mysql://user:pw@localhost/blog cargo run --example blog
//! ```

mod models;

use models::{Post, post};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, QueryOrder};

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
    publish.published_at = Set(Some(chrono::Utc::now()));
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
    Ok(())
}
