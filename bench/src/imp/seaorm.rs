//! Implementation 2, plain SeaORM 2 as its documentation suggests, on the entities of
//! `seaorm_models.rs`: `ActiveModel::insert`/`update`, `insert_many` (chunked by hand, as
//! SeaORM leaves bind limits to the caller) with `exec_with_returning` where the backend
//! has `RETURNING`, `on_conflict` for the upsert, a `Paginator` for the page and its
//! total, and find-then-insert in a transaction for get-or-create.
//!
//! On MySQL/MariaDB SeaORM has no bulk `RETURNING` (`exec_with_returning` answers
//! `BackendNotSupported`), so the bulk writes there use `exec` and return no rows: less
//! work than the other three do, which return the stored rows.

use super::Trace;
use super::seaorm_models::{post, tag};
use crate::Result;
use crate::workload::{Input, NewPost, Outcome};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::time::Instant;

/// Rows per `insert_many`: a round number under every backend's bind limit.
const CHUNK: usize = 1000;

pub struct PlainSeaOrm {
    db: DatabaseConnection,
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn active(post: &NewPost, now: DateTime<Utc>) -> post::ActiveModel {
    post::ActiveModel {
        title: Set(post.title.clone()),
        content: Set(post.content.clone()),
        published: Set(post.published),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

impl PlainSeaOrm {
    pub async fn connect(url: &str, explain: bool) -> Result<(PlainSeaOrm, Option<Trace>)> {
        let mut db = Database::connect(super::pool_options(url)).await?;
        let trace = explain.then(|| super::trace(&mut db));
        Ok((PlainSeaOrm { db }, trace))
    }

    pub async fn run(&self, input: &Input) -> Result<Outcome> {
        let start = Instant::now();
        let db = &self.db;
        let returning = db.support_returning();
        let (rows, total) = match input {
            Input::InsertOne(new) => {
                active(new, now()).insert(db).await?;
                (1, None)
            }
            Input::AddMany(new) => {
                let now = now();
                let txn = db.begin().await?;
                let mut rows = 0;
                for chunk in new.chunks(CHUNK) {
                    let insert = post::Entity::insert_many(chunk.iter().map(|p| active(p, now)));
                    rows += if returning {
                        insert.exec_with_returning(&txn).await?.len()
                    } else {
                        insert.exec(&txn).await?;
                        chunk.len()
                    };
                }
                txn.commit().await?;
                (rows, None)
            }
            Input::Get(id) => {
                post::Entity::find_by_id(*id)
                    .one(db)
                    .await?
                    .ok_or("post not found")?;
                (1, None)
            }
            Input::GetManyAndCount { limit, offset } => {
                let paginator = post::Entity::find()
                    .filter(post::Column::Published.eq(true))
                    .order_by_desc(post::Column::CreatedAt)
                    .paginate(db, *limit);
                let total = paginator.num_items().await?;
                let page = paginator.fetch_page(offset / limit).await?;
                (page.len(), Some(total))
            }
            Input::UpsertMany(rows) => {
                let now = now();
                let (existing, new): (Vec<_>, Vec<_>) =
                    rows.iter().partition(|(id, _)| id.is_some());
                let txn = db.begin().await?;
                let mut count = 0;
                for chunk in existing.chunks(CHUNK) {
                    let upsert = post::Entity::insert_many(chunk.iter().map(|(id, p)| {
                        let mut am = active(p, now);
                        am.id = Set(id.unwrap_or_default());
                        am
                    }))
                    .on_conflict(
                        OnConflict::column(post::Column::Id)
                            .update_columns([
                                post::Column::Title,
                                post::Column::Content,
                                post::Column::Published,
                                post::Column::UpdatedAt,
                            ])
                            .to_owned(),
                    );
                    count += if returning {
                        upsert.exec_with_returning(&txn).await?.len()
                    } else {
                        upsert.exec(&txn).await?;
                        chunk.len()
                    };
                }
                for chunk in new.chunks(CHUNK) {
                    let insert =
                        post::Entity::insert_many(chunk.iter().map(|(_, p)| active(p, now)));
                    count += if returning {
                        insert.exec_with_returning(&txn).await?.len()
                    } else {
                        insert.exec(&txn).await?;
                        chunk.len()
                    };
                }
                txn.commit().await?;
                (count, None)
            }
            Input::TagGetOrCreate(names) => {
                let now = now();
                let txn = db.begin().await?;
                let mut tags = Vec::with_capacity(names.len());
                for name in names {
                    let slug = advanced_alchemy::utils::text::slugify(name);
                    let found = tag::Entity::find()
                        .filter(tag::Column::Slug.eq(slug.as_str()))
                        .one(&txn)
                        .await?;
                    tags.push(match found {
                        Some(tag) => tag,
                        None => {
                            tag::ActiveModel {
                                name: Set(name.clone()),
                                slug: Set(slug),
                                created_at: Set(now),
                                updated_at: Set(now),
                                ..Default::default()
                            }
                            .insert(&txn)
                            .await?
                        }
                    });
                }
                txn.commit().await?;
                (tags.len(), None)
            }
            Input::UpdateMany(rows) => {
                let now = now();
                let txn = db.begin().await?;
                let mut updated = Vec::with_capacity(rows.len());
                for (id, title) in rows {
                    let am = post::ActiveModel {
                        id: Unchanged(*id),
                        title: Set(title.clone()),
                        updated_at: Set(now),
                        ..Default::default()
                    };
                    updated.push(am.update(&txn).await?);
                }
                txn.commit().await?;
                (updated.len(), None)
            }
            Input::DeleteMany(ids) => {
                let delete =
                    post::Entity::delete_many().filter(post::Column::Id.is_in(ids.iter().copied()));
                let rows = if returning {
                    delete.exec_with_returning(db).await?.len()
                } else {
                    delete.exec(db).await?.rows_affected as usize
                };
                (rows, None)
            }
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
