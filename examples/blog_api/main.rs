//! The seed's blog as a REST service: posts CRUD with tags got-or-created by name,
//! tags by slug, a list endpoint with every filter, `PATCH`, `/health` and
//! `/openapi.json`, on [`advanced_alchemy_axum`].
//!
//! ```text
//! cargo run --example blog_api                                  # embedded SQLite, no setup
//! DATABASE_URL=postgres://user:pw@localhost/blog cargo run --example blog_api
//! DATABASE_URL=mysql://user:pw@localhost/blog ADDR=127.0.0.1:0 cargo run --example blog_api
//! ```
//!
//! It prints `listening on http://ADDR` once it accepts connections (`ADDR`, default
//! `127.0.0.1:8000`; port `0` picks a free one, which the line then names).
//!
//! Routes: `GET/POST /posts`, `GET/PATCH/DELETE /posts/{id}`, `POST /tags`,
//! `GET /tags/{slug}`, `GET /health`, `GET /openapi.json`.

#[path = "../blog/models.rs"]
#[allow(dead_code)] // the blog example uses more of the models than this one does
mod models;
mod openapi;
mod posts;
mod schemas;
mod tags;

use advanced_alchemy::filters::params::FilterSchema;
use advanced_alchemy::filters::{OrderBy, SortOrder};
use advanced_alchemy_axum::{ApiError, DbSession, FilterConfig, SessionConfig, SessionLayer};
use axum::extract::FromRef;
use axum::routing::get;
use axum::{Json, Router};
use models::post;

/// What the handlers share: the list endpoint's filter configuration.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// `GET /posts`' parameters.
    pub post_filters: FilterConfig<post::Entity>,
}

/// `GET /posts`' parameters, as a Python `FilterConfig` would declare them.
pub fn post_filters() -> Result<FilterConfig<post::Entity>, advanced_alchemy_axum::ConfigError> {
    let schema = FilterSchema::<post::Entity>::all_columns()
        .default_order(OrderBy::new(post::Column::CreatedAt, SortOrder::Desc));
    FilterConfig::builder(schema)
        .id_filter("id")
        .created_at()
        .updated_at()
        .pagination()
        .page_size(20)
        .max_page_size(100)
        .search(["title", "content"])
        .search_ignore_case(false)
        .sort_field("created_at")
        .in_fields(["title"])
        .not_in_fields(["title"])
        .boolean_fields(["published"])
        .build()
}

/// The whole service on `db`.
pub fn app(db: sea_orm::DatabaseConnection) -> Result<Router, Box<dyn std::error::Error>> {
    let state = AppState {
        post_filters: post_filters()?,
    };
    let doc = openapi::document(&state.post_filters);
    Ok(Router::new()
        .route("/posts", get(posts::list).post(posts::create))
        .route(
            "/posts/{id}",
            get(posts::get_one)
                .patch(posts::patch)
                .delete(posts::delete),
        )
        .route("/tags", axum::routing::post(tags::create))
        .route("/tags/{slug}", get(tags::by_slug))
        .route("/health", get(health))
        .route("/openapi.json", get(move || async move { Json(doc) }))
        .with_state(state)
        .layer(SessionLayer::new(db, SessionConfig::default())?))
}

/// `GET /health`: the repository's `check_health` (`SELECT 1`).
async fn health(db: DbSession) -> Result<Json<serde_json::Value>, ApiError> {
    let ok = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db)
        .check_health()
        .await?;
    Ok(Json(
        serde_json::json!({ "status": if ok { "ok" } else { "unavailable" } }),
    ))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".to_owned());
    let addr = std::env::var("ADDR")
        .or_else(|_| std::env::var("PORT").map(|port| format!("127.0.0.1:{port}")))
        .unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let db = advanced_alchemy::connect(&url).await?;
    advanced_alchemy::registry::create_all(&db).await?;
    let app = app(db)?;
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    eprintln!("database: {}", advanced_alchemy::error::redact_url(&url));
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
