//! Implementation 1, this library: `Repository<post::Entity>` for the post operations and
//! `Tag::as_unique` in a `Session` for get-or-create, used as the README shows, on the
//! models of `examples/blog` (keys and audit columns are the library's job).

use super::Trace;
use crate::Result;
use crate::blog::{Tag, post};
use crate::workload::{Input, NewPost, Outcome};
use advanced_alchemy::Session;
use advanced_alchemy::filters::{LimitOffset, OrderBy};
use advanced_alchemy::mixins::UniqueMixin;
use advanced_alchemy::repository::Repository;
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{ColumnTrait, DatabaseConnection};
use std::time::Instant;

pub struct Library {
    db: DatabaseConnection,
}

fn active(post: &NewPost) -> post::ActiveModel {
    post::ActiveModel {
        title: Set(post.title.clone()),
        content: Set(post.content.clone()),
        published: Set(post.published),
        ..Default::default()
    }
}

impl Library {
    pub async fn connect(url: &str, explain: bool) -> Result<(Library, Option<Trace>)> {
        let mut db = advanced_alchemy::connect_with(super::pool_options(url)).await?;
        let trace = explain.then(|| super::trace(&mut db));
        Ok((Library { db }, trace))
    }

    pub async fn run(&self, input: &Input) -> Result<Outcome> {
        let start = Instant::now();
        let posts = Repository::<post::Entity, _>::new(&self.db);
        let (rows, total) = match input {
            Input::InsertOne(new) => {
                posts.add(active(new)).await?;
                (1, None)
            }
            Input::AddMany(new) => (posts.add_many(new.iter().map(active)).await?.len(), None),
            Input::Get(id) => {
                posts.get(*id).await?;
                (1, None)
            }
            Input::GetManyAndCount { limit, offset } => {
                let (page, total) = posts
                    .get_many_and_count((
                        post::Column::Published.eq(true),
                        OrderBy::desc(post::Column::CreatedAt),
                        LimitOffset::new(*limit, *offset),
                    ))
                    .await?;
                (page.len(), Some(total))
            }
            Input::UpsertMany(rows) => {
                let models = rows.iter().map(|(id, new)| {
                    let mut am = active(new);
                    if let Some(id) = id {
                        am.id = Set(*id);
                    }
                    am
                });
                (posts.upsert_many(models, None).await?.len(), None)
            }
            Input::TagGetOrCreate(names) => {
                let session = Session::begin(&self.db).await?;
                let mut tags = Vec::with_capacity(names.len());
                for name in names {
                    tags.push(Tag::as_unique(&session, name.as_str()).await?);
                }
                session.commit().await?;
                (tags.len(), None)
            }
            Input::UpdateMany(rows) => {
                let models = rows.iter().map(|(id, title)| post::ActiveModel {
                    id: Unchanged(*id),
                    title: Set(title.clone()),
                    ..Default::default()
                });
                (posts.update_many(models).await?.len(), None)
            }
            Input::DeleteMany(ids) => (posts.delete_many(ids.iter().copied()).await?.len(), None),
        };
        Ok(Outcome {
            elapsed: start.elapsed(),
            rows,
            total,
        })
    }

    pub async fn close(self) -> Result<()> {
        Ok(self.db.close().await?)
    }
}
