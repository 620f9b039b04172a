//! `/posts`: the list with every filter, create with tags, read, `PATCH`, delete.

use crate::models::{Tag, post, post_tag, tag};
use crate::schemas::{PostCreate, PostRead};
use advanced_alchemy::Session;
use advanced_alchemy::mixins::UniqueMixin;
use advanced_alchemy::pagination::OffsetPagination;
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::DateTimeUTC;
use advanced_alchemy_axum::{ApiError, DbSession, Filters};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde_json::{Map, Value};

/// `GET /posts`: `ids`, `createdBefore`/`createdAfter`, `updatedBefore`/`updatedAfter`,
/// `currentPage`/`pageSize`, `searchString`/`searchIgnoreCase`, `orderBy`/`sortOrder`,
/// `titleIn`/`titleNotIn`, `published`; `{items, limit, offset, total}`.
#[utoipa::path(get, path = "/posts",
    responses((status = 200, body = advanced_alchemy_axum::openapi::OffsetPagination<PostRead>),
              (status = 400, description = "a bad filter parameter, named in `detail`")))]
pub async fn list(
    db: DbSession,
    filters: Filters<post::Entity>,
) -> Result<Json<OffsetPagination<PostRead>>, ApiError> {
    let page = filters
        .page()
        .unwrap_or(advanced_alchemy::filters::LimitOffset::new(20, 0));
    let (items, total) = Repository::<post::Entity, _>::new(&db)
        .get_many_and_count(filters)
        .await?;
    let page = OffsetPagination::new(items, total, page);
    Ok(Json(page.map(|p| PostRead::new(p, None))))
}

/// `POST /posts`: the post and its tags, existing tags (by slug) reused.
#[utoipa::path(post, path = "/posts", request_body = PostCreate,
    responses((status = 201, body = PostRead)))]
pub async fn create(
    db: DbSession,
    Json(body): Json<PostCreate>,
) -> Result<(StatusCode, Json<PostRead>), ApiError> {
    let post = Repository::<post::Entity, _>::new(&db)
        .add(post::ActiveModel {
            title: Set(body.title),
            content: Set(body.content),
            published: Set(body.published),
            published_at: Set(body.published_at),
            ..Default::default()
        })
        .await?;
    let tags = set_tags(&*db.session().await?, post.id, &body.tags, false).await?;
    Ok((StatusCode::CREATED, Json(PostRead::new(post, Some(tags)))))
}

/// `GET /posts/{id}`: the post with its tags; 404 when there is none.
#[utoipa::path(get, path = "/posts/{id}",
    responses((status = 200, body = PostRead), (status = 404, description = "no such post")))]
pub async fn get_one(db: DbSession, Path(id): Path<i64>) -> Result<Json<PostRead>, ApiError> {
    let post = Repository::<post::Entity, _>::new(&db).get(id).await?;
    let tags = tags_of(&db, id).await?;
    Ok(Json(PostRead::new(post, Some(tags))))
}

/// `PATCH /posts/{id}`: only the fields given change. `null` clears `published_at`;
/// `tags` (names) replaces the tag set, leaving it alone when absent.
#[utoipa::path(patch, path = "/posts/{id}", request_body = Object,
    responses((status = 200, body = PostRead), (status = 400), (status = 404)))]
pub async fn patch(
    db: DbSession,
    Path(id): Path<i64>,
    Json(body): Json<Map<String, Value>>,
) -> Result<Json<PostRead>, ApiError> {
    let posts = Repository::<post::Entity, _>::new(&db);
    let current = posts.get(id).await?;
    let mut changes = current.clone().into_active_model();
    let mut tag_names: Option<Vec<String>> = None;
    for (key, value) in body {
        match key.as_str() {
            "title" => changes.title = Set(field(&key, value)?),
            "content" => changes.content = Set(field(&key, value)?),
            "published" => changes.published = Set(field(&key, value)?),
            "published_at" => {
                changes.published_at = Set(field::<Option<DateTimeUTC>>(&key, value)?)
            }
            "tags" => tag_names = Some(field(&key, value)?),
            other => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "unknown field {other:?} (title, content, published, published_at, tags)"
                    ),
                ));
            }
        }
    }
    let post = if changes.is_changed() {
        posts.update(changes).await?
    } else {
        current
    };
    let tags = match tag_names {
        Some(names) => set_tags(&*db.session().await?, id, &names, true).await?,
        None => tags_of(&db, id).await?,
    };
    Ok(Json(PostRead::new(post, Some(tags))))
}

/// `DELETE /posts/{id}`: 204; its tag links go with it.
#[utoipa::path(delete, path = "/posts/{id}",
    responses((status = 204), (status = 404, description = "no such post")))]
pub async fn delete(db: DbSession, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    Repository::<post::Entity, _>::new(&db).delete(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One field of a `PATCH` body as `T`, or a 400 naming it.
fn field<T: serde::de::DeserializeOwned>(key: &str, value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|err| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid value for {key:?}: {err}"),
        )
    })
}

/// Links the tags called `names` (got or created by slug) to the post; with `replace`,
/// unlinks the others first.
async fn set_tags(
    session: &Session,
    post_id: i64,
    names: &[String],
    replace: bool,
) -> Result<Vec<tag::Model>, ApiError> {
    if replace {
        post_tag::Entity::delete_many()
            .filter(post_tag::Column::PostId.eq(post_id))
            .exec(session)
            .await?;
    }
    let mut tags: Vec<tag::Model> = Vec::with_capacity(names.len());
    for name in names {
        let tag = Tag::as_unique(session, name.as_str()).await?;
        if !tags.iter().any(|t| t.id == tag.id) {
            tags.push(tag);
        }
    }
    if !tags.is_empty() {
        post_tag::Entity::insert_many(tags.iter().map(|t| post_tag::ActiveModel {
            post_id: Set(post_id),
            tag_id: Set(t.id),
        }))
        .on_conflict_do_nothing()
        .exec(session)
        .await?;
    }
    Ok(tags)
}

/// The post's tags, by name.
async fn tags_of(db: &DbSession, post_id: i64) -> Result<Vec<tag::Model>, ApiError> {
    let links = post_tag::Entity::find()
        .filter(post_tag::Column::PostId.eq(post_id))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    Ok(tag::Entity::find()
        .filter(tag::Column::Id.is_in(links.iter().map(|l| l.tag_id)))
        .order_by_asc(tag::Column::Name)
        .all(db)
        .await?)
}
