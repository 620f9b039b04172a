//! `POST /tags` and `GET /tags/{slug}`.

use crate::models::tag;
use crate::schemas::{TagCreate, TagRead};
use advanced_alchemy::repository::Repository;
use advanced_alchemy_axum::{ApiError, DbSession, Json};
use axum::extract::Path;
use axum::http::StatusCode;
use sea_orm::ActiveValue::Set;

/// `POST /tags`: a new tag; a name whose slug exists is a 409 (`uq_tag_slug`).
#[utoipa::path(post, path = "/tags", request_body = TagCreate,
    responses((status = 201, body = TagRead), (status = 409, description = "slug taken")))]
pub async fn create(
    db: DbSession,
    Json(body): Json<TagCreate>,
) -> Result<(StatusCode, Json<TagRead>), ApiError> {
    let slug = advanced_alchemy::utils::text::slugify(&body.name);
    let tag = Repository::<tag::Entity, _>::new(&db)
        .add(tag::ActiveModel {
            name: Set(body.name),
            slug: Set(slug),
            ..Default::default()
        })
        .await?;
    Ok((StatusCode::CREATED, Json(tag.into())))
}

/// `GET /tags/{slug}`.
#[utoipa::path(get, path = "/tags/{slug}",
    responses((status = 200, body = TagRead), (status = 404, description = "no such tag")))]
pub async fn by_slug(db: DbSession, Path(slug): Path<String>) -> Result<Json<TagRead>, ApiError> {
    let tag = Repository::<tag::Entity, _>::new(&db)
        .get_by_slug(&slug)
        .await?
        .ok_or_else(|| advanced_alchemy::Error::not_found("tag"))?;
    Ok(Json(tag.into()))
}
