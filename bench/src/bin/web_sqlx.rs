//! The web benchmark's limit: `GET /posts` and `POST /posts` of `examples/blog_api`
//! written by hand on axum + sqlx (PostgreSQL), the same SQL and the same JSON.
//!
//! `DATABASE_URL=postgres://… ADDR=127.0.0.1:0 web_sqlx` prints `listening on http://ADDR`.
//! It only reads the parameters the benchmark sends (`published`, `orderBy=created_at`,
//! `sortOrder=desc`, `currentPage`, `pageSize`): it is a measuring stick, not an API.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, Row};

#[derive(Serialize)]
struct PostRead {
    id: i64,
    title: String,
    content: String,
    published: bool,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<TagRead>>,
}

#[derive(Serialize)]
struct TagRead {
    id: i64,
    name: String,
    slug: String,
}

#[derive(Serialize)]
struct Page {
    items: Vec<PostRead>,
    limit: i64,
    offset: i64,
    total: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    published: Option<bool>,
    current_page: Option<i64>,
    page_size: Option<i64>,
}

#[derive(Deserialize)]
struct PostCreate {
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    tags: Vec<String>,
}

fn internal(err: sqlx::Error) -> (StatusCode, String) {
    eprintln!("{err}");
    (StatusCode::INTERNAL_SERVER_ERROR, String::new())
}

async fn list(
    State(pool): State<PgPool>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page>, (StatusCode, String)> {
    let size = q.page_size.unwrap_or(20).clamp(1, 100);
    let offset = (q.current_page.unwrap_or(1).max(1) - 1) * size;
    let rows = sqlx::query(
        "SELECT id, title, content, published, published_at, created_at, updated_at, \
         COUNT(*) OVER () AS total FROM post WHERE ($1::boolean IS NULL OR published = $1) \
         ORDER BY created_at DESC LIMIT $2 OFFSET $3",
    )
    .bind(q.published)
    .bind(size)
    .bind(offset)
    .fetch_all(&pool)
    .await
    .map_err(internal)?;
    let total = match rows.first() {
        Some(row) => row.get("total"),
        None => sqlx::query_scalar(
            "SELECT COUNT(*) FROM post WHERE ($1::boolean IS NULL OR published = $1)",
        )
        .bind(q.published)
        .fetch_one(&pool)
        .await
        .map_err(internal)?,
    };
    let items = rows
        .iter()
        .map(|r| PostRead {
            id: r.get("id"),
            title: r.get("title"),
            content: r.get("content"),
            published: r.get("published"),
            published_at: r.get("published_at"),
            created_at: r.get("created_at"),
            updated_at: r.get("updated_at"),
            tags: None,
        })
        .collect();
    Ok(Json(Page {
        items,
        limit: size,
        offset,
        total,
    }))
}

/// Lower-case ASCII letters and digits joined by `-` (the benchmark's tag names are ASCII).
fn slugify(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

async fn create(
    State(pool): State<PgPool>,
    Json(body): Json<PostCreate>,
) -> Result<(StatusCode, Json<PostRead>), (StatusCode, String)> {
    let mut tx = pool.begin().await.map_err(internal)?;
    let now = Utc::now();
    let row = sqlx::query(
        "INSERT INTO post (title, content, published, published_at, created_at, updated_at) \
         VALUES ($1, $2, false, NULL, $3, $3) RETURNING id",
    )
    .bind(&body.title)
    .bind(&body.content)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let id: i64 = row.get(0);
    let mut tags: Vec<TagRead> = Vec::new();
    for name in &body.tags {
        let slug = slugify(name);
        let found = sqlx::query("SELECT id, name, slug FROM tag WHERE slug = $1 LIMIT 1")
            .bind(&slug)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        let row = match found {
            Some(row) => row,
            None => sqlx::query(
                "INSERT INTO tag (name, slug, created_at, updated_at) VALUES ($1, $2, $3, $3) \
                 ON CONFLICT DO NOTHING RETURNING id, name, slug",
            )
            .bind(name)
            .bind(&slug)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?,
        };
        let tag = TagRead {
            id: row.get(0),
            name: row.get(1),
            slug: row.get(2),
        };
        if !tags.iter().any(|t| t.id == tag.id) {
            tags.push(tag);
        }
    }
    if !tags.is_empty() {
        let ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
        sqlx::query("INSERT INTO post_tag (post_id, tag_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(&ids)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    Ok((
        StatusCode::CREATED,
        Json(PostRead {
            id,
            title: body.title,
            content: body.content,
            published: false,
            published_at: None,
            created_at: now,
            updated_at: now,
            tags: Some(tags),
        }),
    ))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")?;
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8001".to_owned());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await?;
    let app = Router::new()
        .route("/posts", get(list).post(create))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
