//! What the API reads and writes: the request bodies and the responses.

use crate::models::{post, tag};
use advanced_alchemy::service::{ModelInput, Patch};
use advanced_alchemy::types::DateTimeUTC;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A tag in a response.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagRead {
    /// Key.
    pub id: i64,
    /// As given when it was first used.
    pub name: String,
    /// Unique, from the name.
    pub slug: String,
}

impl From<tag::Model> for TagRead {
    fn from(t: tag::Model) -> Self {
        Self {
            id: t.id,
            name: t.name,
            slug: t.slug,
        }
    }
}

/// A post in a response (the list leaves `tags` out).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostRead {
    /// Key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Body text.
    pub content: String,
    /// Whether it is public.
    pub published: bool,
    /// When it was published.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTimeUTC>,
    /// Set by the database layer on insert.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUTC,
    /// Set by the database layer on every update.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUTC,
    /// Its tags (only on single-post responses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagRead>>,
}

impl PostRead {
    /// The post with `tags`, or without (`None`).
    pub fn new(p: post::Model, tags: Option<Vec<tag::Model>>) -> Self {
        Self {
            id: p.id,
            title: p.title,
            content: p.content,
            published: p.published,
            published_at: p.published_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
            tags: tags.map(|tags| tags.into_iter().map(TagRead::from).collect()),
        }
    }
}

impl From<post::Model> for PostRead {
    /// A list item: the post without its tags.
    fn from(p: post::Model) -> Self {
        Self::new(p, None)
    }
}

/// `PATCH /posts/{id}`: an absent field is left as stored, `null` clears a nullable
/// one (and is a 400 for the others), a value sets it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostUpdate {
    /// Title (not nullable).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Patch<String>,
    /// Body text (not nullable).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub content: Patch<String>,
    /// Whether it is public (not nullable).
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub published: Patch<bool>,
    /// When it was published; `null` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Patch<DateTimeUTC>,
    /// Tag names replacing the post's tags; absent leaves them.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

impl PostUpdate {
    /// Whether any column is to change.
    pub fn changes_columns(&self) -> bool {
        !(self.title.is_absent()
            && self.content.is_absent()
            && self.published.is_absent()
            && self.published_at.is_absent())
    }
}

/// The columns of a `PATCH` (the tags are linked separately).
impl ModelInput<post::Entity> for PostUpdate {
    fn into_active(self) -> advanced_alchemy::Result<post::ActiveModel> {
        Ok(post::ActiveModel {
            title: self.title.into_required("post", "title")?,
            content: self.content.into_required("post", "content")?,
            published: self.published.into_required("post", "published")?,
            published_at: self.published_at.into_nullable(),
            ..Default::default()
        })
    }
}

/// `POST /posts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostCreate {
    /// Title.
    pub title: String,
    /// Body text.
    #[serde(default)]
    pub content: String,
    /// Whether it is public.
    #[serde(default)]
    pub published: bool,
    /// When it was published.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(default)]
    pub published_at: Option<DateTimeUTC>,
    /// Tag names: existing tags (same slug) are reused, new ones created.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `POST /tags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagCreate {
    /// The name; the slug is made from it and must be unique.
    pub name: String,
}
