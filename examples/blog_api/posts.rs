//! `/posts`: the list with every filter, create with tags, read, `PATCH`, delete.

use crate::models::{Tag, post, post_tag, tag};
use crate::schemas::{PostCreate, PostRead, PostUpdate};
use advanced_alchemy::Session;
use advanced_alchemy::mixins::UniqueMixin;
use advanced_alchemy::pagination::OffsetPagination;
use advanced_alchemy_axum::{ApiError, DbSession, Filters, Json, Service};
use axum::extract::Path;
use axum::http::StatusCode;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// `GET /posts`: `ids`, `createdBefore`/`createdAfter`, `updatedBefore`/`updatedAfter`,
/// `currentPage`/`pageSize`, `searchString`/`searchIgnoreCase`, `orderBy`/`sortOrder`,
/// `titleIn`/`titleNotIn`, `published`; `{items, limit, offset, total}`.
#[utoipa::path(get, path = "/posts",
    responses((status = 200, body = advanced_alchemy_axum::openapi::OffsetPagination<PostRead>),
              (status = 400, description = "a bad filter parameter, named in `detail`")))]
pub async fn list(
    posts: Service<post::Entity>,
    filters: Filters<post::Entity>,
) -> Result<Json<OffsetPagination<PostRead>>, ApiError> {
    Ok(Json(posts.paginate(filters).await?))
}

/// `POST /posts`: the post and its tags, existing tags (by slug) reused.
#[utoipa::path(post, path = "/posts", request_body = PostCreate,
    responses((status = 201, body = PostRead)))]
pub async fn create(
    db: DbSession,
    posts: Service<post::Entity>,
    Json(body): Json<PostCreate>,
) -> Result<(StatusCode, Json<PostRead>), ApiError> {
    let post = posts
        .create(post::ActiveModel {
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
pub async fn get_one(
    db: DbSession,
    posts: Service<post::Entity>,
    Path(id): Path<i64>,
) -> Result<Json<PostRead>, ApiError> {
    let post = posts.get(id).await?;
    let tags = tags_of(&db, id).await?;
    Ok(Json(PostRead::new(post, Some(tags))))
}

/// `PATCH /posts/{id}`: only the fields given change (`Patch<T>`: absent, `null`, a
/// value); `tags` replaces the tag set, which is left alone when absent.
#[utoipa::path(patch, path = "/posts/{id}", request_body = PostUpdate,
    responses((status = 200, body = PostRead), (status = 400), (status = 404)))]
pub async fn patch(
    db: DbSession,
    posts: Service<post::Entity>,
    Path(id): Path<i64>,
    Json(mut body): Json<PostUpdate>,
) -> Result<Json<PostRead>, ApiError> {
    let tag_names = body.tags.take();
    let post = if body.changes_columns() {
        posts.update(body, id).await?
    } else {
        posts.get(id).await?
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
pub async fn delete(
    posts: Service<post::Entity>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    posts.delete(id).await?;
    Ok(StatusCode::NO_CONTENT)
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
