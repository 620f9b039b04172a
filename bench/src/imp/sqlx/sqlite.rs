//! Hand-written sqlx on SQLite: multi-row `VALUES` in chunks, every chunk one prepared
//! statement whose text depends only on its row count (built once, then reused), with
//! numbered parameters so the timestamp shared by all rows is bound once (`?1`). Bulk
//! operations run in one transaction: one commit, not one per statement.

use super::{Post, Tag, now, post_columns, tag_columns};
use crate::Result;
use crate::workload::Input;
use sqlx::{AssertSqlSafe, FromRow, Row, SqlitePool};
use std::collections::HashMap;
use std::sync::Arc;

/// Rows per statement (at most 4 parameters a row: far under SQLite's 32,766).
const CHUNK: usize = 1000;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Stmt {
    Insert,
    Upsert,
    TagInsert,
    TagSelect,
    Update,
    Delete,
}

pub struct Sqlite {
    pub(super) pool: SqlitePool,
    statements: HashMap<(Stmt, usize), Arc<str>>,
}

/// `(?2, ?3, ?1), (?4, ?5, ?1), …`: `per_row` parameters per row numbered from `?2`,
/// each tuple written by `row` from its first parameter number.
fn tuples(rows: usize, per_row: usize, row: impl Fn(usize) -> String) -> String {
    (0..rows)
        .map(|i| row(2 + i * per_row))
        .collect::<Vec<_>>()
        .join(", ")
}

fn marks(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn build(stmt: Stmt, rows: usize) -> String {
    match stmt {
        Stmt::Insert => format!(
            "INSERT INTO post (title, content, published, created_at, updated_at) VALUES {} RETURNING {}",
            tuples(rows, 3, |p| format!("(?{p}, ?{}, ?{}, ?1, ?1)", p + 1, p + 2)),
            post_columns!()
        ),
        Stmt::Upsert => format!(
            "INSERT INTO post (id, title, content, published, created_at, updated_at) VALUES {} \
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, content = excluded.content, \
             published = excluded.published, updated_at = excluded.updated_at RETURNING {}",
            tuples(rows, 4, |p| format!(
                "(?{p}, ?{}, ?{}, ?{}, ?1, ?1)",
                p + 1,
                p + 2,
                p + 3
            )),
            post_columns!()
        ),
        Stmt::TagInsert => format!(
            "INSERT INTO tag (name, slug, created_at, updated_at) VALUES {} ON CONFLICT (slug) DO NOTHING",
            tuples(rows, 2, |p| format!("(?{p}, ?{}, ?1, ?1)", p + 1))
        ),
        Stmt::TagSelect => format!(
            "SELECT {} FROM tag WHERE slug IN ({})",
            tag_columns!(),
            marks(rows)
        ),
        Stmt::Update => format!(
            "WITH v(id, title) AS (VALUES {}) UPDATE post SET title = v.title, updated_at = ?1 \
             FROM v WHERE post.id = v.id RETURNING {}",
            tuples(rows, 2, |p| format!("(?{p}, ?{})", p + 1)),
            post_columns!()
        ),
        Stmt::Delete => format!(
            "DELETE FROM post WHERE id IN ({}) RETURNING {}",
            marks(rows),
            post_columns!()
        ),
    }
}

impl Sqlite {
    pub async fn connect(url: &str) -> Result<Sqlite> {
        Ok(Sqlite {
            pool: SqlitePool::connect(url).await?,
            statements: HashMap::new(),
        })
    }

    fn sql(&mut self, stmt: Stmt, rows: usize) -> AssertSqlSafe<Arc<str>> {
        let text = self
            .statements
            .entry((stmt, rows))
            .or_insert_with(|| build(stmt, rows).into());
        AssertSqlSafe(Arc::clone(text))
    }

    pub async fn run(&mut self, input: &Input) -> Result<(usize, Option<u64>)> {
        Ok(match input {
            Input::InsertOne(new) => {
                let post: Post = sqlx::query_as(concat!(
                    "INSERT INTO post (title, content, published, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?4) RETURNING ",
                    post_columns!()
                ))
                .bind(&new.title)
                .bind(&new.content)
                .bind(new.published)
                .bind(now())
                .fetch_one(&self.pool)
                .await?;
                drop(post);
                (1, None)
            }
            Input::AddMany(new) => {
                let now = now();
                let mut tx = self.pool.begin().await?;
                let mut posts: Vec<Post> = Vec::with_capacity(new.len());
                for chunk in new.chunks(CHUNK) {
                    let mut query = sqlx::query_as(self.sql(Stmt::Insert, chunk.len())).bind(now);
                    for p in chunk {
                        query = query.bind(&p.title).bind(&p.content).bind(p.published);
                    }
                    posts.extend(query.fetch_all(&mut *tx).await?);
                }
                tx.commit().await?;
                (posts.len(), None)
            }
            Input::Get(id) => {
                let post: Post =
                    sqlx::query_as(concat!("SELECT ", post_columns!(), " FROM post WHERE id = ?1"))
                        .bind(id)
                        .fetch_one(&self.pool)
                        .await?;
                drop(post);
                (1, None)
            }
            Input::GetManyAndCount { limit, offset } => {
                let rows = sqlx::query(concat!(
                    "SELECT ",
                    post_columns!(),
                    ", COUNT(*) OVER () FROM post WHERE published = ?1 \
                     ORDER BY created_at DESC LIMIT ?2 OFFSET ?3"
                ))
                .bind(true)
                .bind(*limit as i64)
                .bind(*offset as i64)
                .fetch_all(&self.pool)
                .await?;
                let total: i64 = match rows.first() {
                    Some(row) => row.try_get(7)?,
                    None => 0,
                };
                let posts = rows
                    .iter()
                    .map(Post::from_row)
                    .collect::<sqlx::Result<Vec<_>>>()?;
                (posts.len(), Some(total as u64))
            }
            Input::UpsertMany(rows) => {
                // a NULL id takes the next rowid: new and existing rows share one statement
                let now = now();
                let mut tx = self.pool.begin().await?;
                let mut posts: Vec<Post> = Vec::with_capacity(rows.len());
                for chunk in rows.chunks(CHUNK) {
                    let mut query = sqlx::query_as(self.sql(Stmt::Upsert, chunk.len())).bind(now);
                    for (id, p) in chunk {
                        query = query
                            .bind(*id)
                            .bind(&p.title)
                            .bind(&p.content)
                            .bind(p.published);
                    }
                    posts.extend(query.fetch_all(&mut *tx).await?);
                }
                tx.commit().await?;
                (posts.len(), None)
            }
            Input::TagGetOrCreate(names) => {
                let slugs: Vec<String> = names
                    .iter()
                    .map(|n| advanced_alchemy::utils::text::slugify(n))
                    .collect();
                let now = now();
                let mut tx = self.pool.begin().await?;
                for (names, slugs) in names.chunks(CHUNK).zip(slugs.chunks(CHUNK)) {
                    let mut query = sqlx::query(self.sql(Stmt::TagInsert, names.len())).bind(now);
                    for (name, slug) in names.iter().zip(slugs) {
                        query = query.bind(name).bind(slug);
                    }
                    query.execute(&mut *tx).await?;
                }
                let mut tags: Vec<Tag> = Vec::with_capacity(names.len());
                for chunk in slugs.chunks(CHUNK) {
                    let mut query = sqlx::query_as(self.sql(Stmt::TagSelect, chunk.len()));
                    for slug in chunk {
                        query = query.bind(slug);
                    }
                    tags.extend(query.fetch_all(&mut *tx).await?);
                }
                tx.commit().await?;
                (tags.len(), None)
            }
            Input::UpdateMany(rows) => {
                let now = now();
                let mut tx = self.pool.begin().await?;
                let mut posts: Vec<Post> = Vec::with_capacity(rows.len());
                for chunk in rows.chunks(CHUNK) {
                    let mut query = sqlx::query_as(self.sql(Stmt::Update, chunk.len())).bind(now);
                    for (id, title) in chunk {
                        query = query.bind(id).bind(title);
                    }
                    posts.extend(query.fetch_all(&mut *tx).await?);
                }
                tx.commit().await?;
                (posts.len(), None)
            }
            Input::DeleteMany(ids) => {
                let mut tx = self.pool.begin().await?;
                let mut posts: Vec<Post> = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(CHUNK) {
                    let mut query = sqlx::query_as(self.sql(Stmt::Delete, chunk.len()));
                    for id in chunk {
                        query = query.bind(id);
                    }
                    posts.extend(query.fetch_all(&mut *tx).await?);
                }
                tx.commit().await?;
                (posts.len(), None)
            }
        })
    }
}
