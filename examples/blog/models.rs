//! The seed's blog models: `Post` and `Tag` joined by `post_tag`.
//!
//! This file is also compiled into the integration tests (`tests/backends`), so the
//! models the README shows are the models the suite checks on every backend.

use advanced_alchemy::Session;
use advanced_alchemy::mixins::UniqueMixin;
use sea_orm::{ActiveValue::Set, EntityLoaderTrait, EntityTrait};

pub mod post {
    use sea_orm::entity::prelude::*;

    /// Blog post with a BIGINT id and audit columns (`created_at`, `updated_at`).
    #[advanced_alchemy::model(BigIntAuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "post")]
    pub struct Model {
        #[sea_orm(indexed)]
        pub title: String,
        #[sea_orm(column_type = "Text")]
        pub content: String,
        #[sea_orm(default_value = false)]
        pub published: bool,
        pub published_at: Option<advanced_alchemy::types::DateTimeUTC>,
        #[sea_orm(has_many, via = "post_tag")]
        pub tags: HasMany<super::tag::Entity>,
    }
}

pub mod tag {
    use sea_orm::entity::prelude::*;

    /// Tag with a unique name and a unique slug (`uq_tag_slug`).
    #[advanced_alchemy::model(BigIntAuditBase, SlugKey)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "tag")]
    pub struct Model {
        #[sea_orm(unique, indexed)]
        pub name: String,
        #[sea_orm(has_many, via = "post_tag")]
        pub posts: HasMany<super::post::Entity>,
    }
}

pub mod post_tag {
    use sea_orm::entity::prelude::*;

    /// The association table; rows go when either side is deleted.
    #[advanced_alchemy::model]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "post_tag")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub post_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub tag_id: i64,
        #[sea_orm(belongs_to, from = "post_id", to = "id", on_delete = "Cascade")]
        pub post: BelongsTo<super::post::Entity>,
        #[sea_orm(belongs_to, from = "tag_id", to = "id", on_delete = "Cascade")]
        pub tag: BelongsTo<super::tag::Entity>,
    }
}

// The Python names, for readers coming from there.
pub use post::Entity as Post;
pub use tag::Entity as Tag;

/// `Tag.as_unique_async(session, name=…)`: one tag per slug.
impl UniqueMixin<&str> for tag::Entity {
    type Key = String;

    fn unique_hash(name: &&str) -> String {
        advanced_alchemy::utils::text::slugify(name)
    }

    fn unique_filter(name: &&str) -> sea_orm::sea_query::Condition {
        use sea_orm::{ColumnTrait, sea_query::IntoCondition};
        tag::Column::Slug
            .eq(advanced_alchemy::utils::text::slugify(name))
            .into_condition()
    }

    fn new_model(name: &str) -> tag::ActiveModel {
        tag::ActiveModel {
            name: Set(name.to_owned()),
            slug: Set(advanced_alchemy::utils::text::slugify(name)),
            ..Default::default()
        }
    }
}

/// The seed's `add_tags_to_post`: existing tags are reused, new ones created, and the
/// post comes back with its tags loaded.
pub async fn add_tags_to_post(
    session: &Session,
    post: &post::Model,
    tag_names: &[&str],
) -> advanced_alchemy::Result<post::ModelEx> {
    let mut links = Vec::with_capacity(tag_names.len());
    for name in tag_names {
        let tag = Tag::as_unique(session, *name).await?;
        links.push(post_tag::ActiveModel {
            post_id: Set(post.id),
            tag_id: Set(tag.id),
        });
    }
    post_tag::Entity::insert_many(links)
        .on_conflict_do_nothing()
        .exec(session)
        .await?;
    Post::load()
        .filter_by_id(post.id)
        .with(Tag)
        .one(session)
        .await?
        .ok_or_else(|| advanced_alchemy::Error::not_found("post"))
}
