//! Hand-written sqlx on MariaDB: multi-row `VALUES` in chunks (statement text fixed per
//! chunk size, built once), MariaDB's `INSERT … RETURNING` and `DELETE … RETURNING` so
//! no write needs a second query to get its rows, and `JSON_TABLE` to join an update
//! against its new values. MariaDB has no `UPDATE … RETURNING`: the updated rows are
//! read back in the same transaction.

use super::{Post, Tag, now, post_columns, tag_columns};
use crate::Result;
use crate::workload::Input;
use sqlx::{AssertSqlSafe, MySqlPool};
use std::collections::HashMap;
use std::sync::Arc;

/// Rows per statement (at most 6 parameters a row: far under the 65,535 limit).
const CHUNK: usize = 1000;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Stmt {
    Insert,
    Upsert,
    TagInsert,
    TagSelect,
    Delete,
}

pub struct MySql {
    pub(super) pool: MySqlPool,
    statements: HashMap<(Stmt, usize), Arc<str>>,
}

fn repeat(rows: usize, tuple: &str) -> String {
    vec![tuple; rows].join(", ")
}

fn build(stmt: Stmt, rows: usize) -> String {
    match stmt {
        Stmt::Insert => format!(
            "INSERT INTO post (title, content, published, created_at, updated_at) VALUES {} RETURNING {}",
            repeat(rows, "(?, ?, ?, ?, ?)"),
            post_columns!()
        ),
        Stmt::Upsert => format!(
            "INSERT INTO post (id, title, content, published, created_at, updated_at) VALUES {} \
             ON DUPLICATE KEY UPDATE title = VALUES(title), content = VALUES(content), \
             published = VALUES(published), updated_at = VALUES(updated_at) RETURNING {}",
            repeat(rows, "(?, ?, ?, ?, ?, ?)"),
            post_columns!()
        ),
        Stmt::TagInsert => format!(
            "INSERT INTO tag (name, slug, created_at, updated_at) VALUES {} ON DUPLICATE KEY UPDATE id = id",
            repeat(rows, "(?, ?, ?, ?)")
        ),
        Stmt::TagSelect => format!(
            "SELECT {} FROM tag WHERE slug IN ({})",
            tag_columns!(),
            repeat(rows, "?")
        ),
        Stmt::Delete => format!(
            "DELETE FROM post WHERE id IN ({}) RETURNING {}",
            repeat(rows, "?"),
            post_columns!()
        ),
    }
}

impl MySql {
    pub async fn connect(url: &str) -> Result<MySql> {
        Ok(MySql {
            pool: sqlx::pool::PoolOptions::new()
                .test_before_acquire(false)
                .connect(url)
                .await?,
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
                let now = now();
                let post: Post = sqlx::query_as(concat!(
                    "INSERT INTO post (title, content, published, created_at, updated_at) \
                     VALUES (?, ?, ?, ?, ?) RETURNING ",
                    post_columns!()
                ))
                .bind(&new.title)
                .bind(&new.content)
                .bind(new.published)
                .bind(now)
                .bind(now)
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
                    let mut query = sqlx::query_as(self.sql(Stmt::Insert, chunk.len()));
                    for p in chunk {
                        query = query
                            .bind(&p.title)
                            .bind(&p.content)
                            .bind(p.published)
                            .bind(now)
                            .bind(now);
                    }
                    posts.extend(query.fetch_all(&mut *tx).await?);
                }
                tx.commit().await?;
                (posts.len(), None)
            }
            Input::Get(id) => {
                let post: Post = sqlx::query_as(concat!(
                    "SELECT ",
                    post_columns!(),
                    " FROM post WHERE id = ?"
                ))
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
                drop(post);
                (1, None)
            }
            Input::GetManyAndCount { limit, offset } => {
                // the page and the total as two statements: measured faster than one
                // with `COUNT(*) OVER ()`, which must keep every matching row for the window
                let posts: Vec<Post> = sqlx::query_as(concat!(
                    "SELECT ",
                    post_columns!(),
                    " FROM post WHERE published = ? ORDER BY created_at DESC LIMIT ? OFFSET ?"
                ))
                .bind(true)
                .bind(*limit as i64)
                .bind(*offset as i64)
                .fetch_all(&self.pool)
                .await?;
                let total: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM post WHERE published = ?")
                        .bind(true)
                        .fetch_one(&self.pool)
                        .await?;
                (posts.len(), Some(total as u64))
            }
            Input::UpsertMany(rows) => {
                // a NULL id takes the next AUTO_INCREMENT value: one statement for both kinds
                let now = now();
                let mut tx = self.pool.begin().await?;
                let mut posts: Vec<Post> = Vec::with_capacity(rows.len());
                for chunk in rows.chunks(CHUNK) {
                    let mut query = sqlx::query_as(self.sql(Stmt::Upsert, chunk.len()));
                    for (id, p) in chunk {
                        query = query
                            .bind(*id)
                            .bind(&p.title)
                            .bind(&p.content)
                            .bind(p.published)
                            .bind(now)
                            .bind(now);
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
                    let mut query = sqlx::query(self.sql(Stmt::TagInsert, names.len()));
                    for (name, slug) in names.iter().zip(slugs) {
                        query = query.bind(name).bind(slug).bind(now).bind(now);
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
                let values = serde_json::to_string(rows)?;
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "UPDATE post JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$[0]', \
                     title VARCHAR(255) PATH '$[1]')) AS v ON post.id = v.id \
                     SET post.title = v.title, post.updated_at = ?",
                )
                .bind(&values)
                .bind(now())
                .execute(&mut *tx)
                .await?;
                let posts: Vec<Post> = sqlx::query_as(
                    "SELECT post.id, post.title, post.content, post.published, post.published_at, \
                     post.created_at, post.updated_at FROM post \
                     JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$[0]')) AS v ON post.id = v.id",
                )
                .bind(&values)
                .fetch_all(&mut *tx)
                .await?;
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
