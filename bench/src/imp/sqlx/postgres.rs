//! Hand-written sqlx on PostgreSQL: every bulk operation is one statement whatever its
//! size, the rows passed as arrays and expanded by `UNNEST` (`= ANY($1)` for keys), so
//! the SQL text never changes and the prepared statement is reused.

use super::{Post, Tag, now, post_columns, tag_columns};
use crate::Result;
use crate::workload::Input;
use sqlx::PgPool;

pub struct Postgres {
    pub(super) pool: PgPool,
}

impl Postgres {
    pub async fn connect(url: &str) -> Result<Postgres> {
        Ok(Postgres {
            pool: sqlx::pool::PoolOptions::new()
                .test_before_acquire(false)
                .connect(url)
                .await?,
        })
    }

    pub async fn run(&self, input: &Input) -> Result<(usize, Option<u64>)> {
        let pool = &self.pool;
        Ok(match input {
            Input::InsertOne(new) => {
                let post: Post = sqlx::query_as(concat!(
                    "INSERT INTO post (title, content, published, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $4) RETURNING ",
                    post_columns!()
                ))
                .bind(&new.title)
                .bind(&new.content)
                .bind(new.published)
                .bind(now())
                .fetch_one(pool)
                .await?;
                drop(post);
                (1, None)
            }
            Input::AddMany(new) => {
                let titles: Vec<&str> = new.iter().map(|p| p.title.as_str()).collect();
                let contents: Vec<&str> = new.iter().map(|p| p.content.as_str()).collect();
                let published: Vec<bool> = new.iter().map(|p| p.published).collect();
                let posts: Vec<Post> = sqlx::query_as(concat!(
                    "INSERT INTO post (title, content, published, created_at, updated_at) \
                     SELECT t, c, p, $4, $4 FROM UNNEST($1::text[], $2::text[], $3::bool[]) AS u(t, c, p) \
                     RETURNING ",
                    post_columns!()
                ))
                .bind(titles)
                .bind(contents)
                .bind(published)
                .bind(now())
                .fetch_all(pool)
                .await?;
                (posts.len(), None)
            }
            Input::Get(id) => {
                let post: Post = sqlx::query_as(concat!(
                    "SELECT ",
                    post_columns!(),
                    " FROM post WHERE id = $1"
                ))
                .bind(id)
                .fetch_one(pool)
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
                    " FROM post WHERE published = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3"
                ))
                .bind(true)
                .bind(*limit as i64)
                .bind(*offset as i64)
                .fetch_all(pool)
                .await?;
                let total: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM post WHERE published = $1")
                        .bind(true)
                        .fetch_one(pool)
                        .await?;
                (posts.len(), Some(total as u64))
            }
            Input::UpsertMany(rows) => {
                let ids: Vec<Option<i64>> = rows.iter().map(|(id, _)| *id).collect();
                let titles: Vec<&str> = rows.iter().map(|(_, p)| p.title.as_str()).collect();
                let contents: Vec<&str> = rows.iter().map(|(_, p)| p.content.as_str()).collect();
                let published: Vec<bool> = rows.iter().map(|(_, p)| p.published).collect();
                // new rows take their key from the table's sequence, in the same statement
                let posts: Vec<Post> = sqlx::query_as(concat!(
                    "INSERT INTO post (id, title, content, published, created_at, updated_at) \
                     SELECT COALESCE(u.id, nextval('post_id_seq')), u.t, u.c, u.p, $5, $5 \
                     FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::bool[]) AS u(id, t, c, p) \
                     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, content = EXCLUDED.content, \
                     published = EXCLUDED.published, updated_at = EXCLUDED.updated_at \
                     RETURNING ",
                    post_columns!()
                ))
                .bind(ids)
                .bind(titles)
                .bind(contents)
                .bind(published)
                .bind(now())
                .fetch_all(pool)
                .await?;
                (posts.len(), None)
            }
            Input::TagGetOrCreate(names) => {
                let slugs: Vec<String> = names
                    .iter()
                    .map(|n| advanced_alchemy::utils::text::slugify(n))
                    .collect();
                // insert the missing ones (a concurrent winner is fine), then read them all
                sqlx::query(
                    "INSERT INTO tag (name, slug, created_at, updated_at) \
                     SELECT n, s, $3, $3 FROM UNNEST($1::text[], $2::text[]) AS u(n, s) \
                     ON CONFLICT (slug) DO NOTHING",
                )
                .bind(names)
                .bind(&slugs)
                .bind(now())
                .execute(pool)
                .await?;
                let tags: Vec<Tag> = sqlx::query_as(concat!(
                    "SELECT ",
                    tag_columns!(),
                    " FROM tag WHERE slug = ANY($1)"
                ))
                .bind(&slugs)
                .fetch_all(pool)
                .await?;
                (tags.len(), None)
            }
            Input::UpdateMany(rows) => {
                let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
                let titles: Vec<&str> = rows.iter().map(|(_, t)| t.as_str()).collect();
                let posts: Vec<Post> = sqlx::query_as(
                    "UPDATE post SET title = u.t, updated_at = $3 \
                     FROM UNNEST($1::int8[], $2::text[]) AS u(id, t) WHERE post.id = u.id \
                     RETURNING post.id, post.title, post.content, post.published, post.published_at, \
                     post.created_at, post.updated_at",
                )
                .bind(ids)
                .bind(titles)
                .bind(now())
                .fetch_all(pool)
                .await?;
                (posts.len(), None)
            }
            Input::DeleteMany(ids) => {
                let posts: Vec<Post> = sqlx::query_as(concat!(
                    "DELETE FROM post WHERE id = ANY($1) RETURNING ",
                    post_columns!()
                ))
                .bind(ids)
                .fetch_all(pool)
                .await?;
                (posts.len(), None)
            }
        })
    }
}
