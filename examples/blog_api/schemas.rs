//! What the API reads and writes: the request bodies and the responses.

use crate::models::{post, tag};
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
