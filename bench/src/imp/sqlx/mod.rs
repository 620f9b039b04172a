//! Implementation 3, hand-written sqlx — the limit the other three are measured against:
//! prepared statements (sqlx caches them per connection; the SQL text of each statement
//! is fixed, or fixed per chunk size) and, for bulk work, the fastest set-based form each
//! backend offers: `UNNEST` arrays on PostgreSQL (one statement for any number of rows),
//! multi-row `VALUES` on SQLite and MariaDB, `RETURNING` wherever the server has it.
//! One file per backend; the rows are decoded into plain structs, as a caller would.

mod mysql;
mod postgres;
mod sqlite;

use crate::Result;
use crate::backend::{Backend, Target};
use crate::workload::{Input, Outcome};
use chrono::{DateTime, SubsecRound, Utc};
use std::time::Instant;

/// The columns every statement returns for a post, in [`Post`] order.
macro_rules! post_columns {
    () => {
        "id, title, content, published, published_at, created_at, updated_at"
    };
}
/// The columns every statement returns for a tag, in [`Tag`] order.
macro_rules! tag_columns {
    () => {
        "id, name, slug, created_at, updated_at"
    };
}
pub(crate) use {post_columns, tag_columns};

/// A stored post.
#[derive(Debug)]
#[expect(
    dead_code,
    reason = "decoded as a caller would; the benchmark only counts rows"
)]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub content: String,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored tag.
#[derive(Debug)]
#[expect(
    dead_code,
    reason = "decoded as a caller would; the benchmark only counts rows"
)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! from_rows {
    ($($row:ty),*) => {$(
        impl sqlx::FromRow<'_, $row> for Post {
            fn from_row(row: &$row) -> sqlx::Result<Self> {
                use sqlx::Row;
                Ok(Post {
                    id: row.try_get(0)?,
                    title: row.try_get(1)?,
                    content: row.try_get(2)?,
                    published: row.try_get(3)?,
                    published_at: row.try_get(4)?,
                    created_at: row.try_get(5)?,
                    updated_at: row.try_get(6)?,
                })
            }
        }

        impl sqlx::FromRow<'_, $row> for Tag {
            fn from_row(row: &$row) -> sqlx::Result<Self> {
                use sqlx::Row;
                Ok(Tag {
                    id: row.try_get(0)?,
                    name: row.try_get(1)?,
                    slug: row.try_get(2)?,
                    created_at: row.try_get(3)?,
                    updated_at: row.try_get(4)?,
                })
            }
        }
    )*};
}
from_rows!(
    sqlx::postgres::PgRow,
    sqlx::sqlite::SqliteRow,
    sqlx::mysql::MySqlRow
);

/// `now`, to the microsecond the servers keep.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub enum HandSqlx {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
    MySql(mysql::MySql),
}

impl HandSqlx {
    pub async fn connect(target: &Target) -> Result<HandSqlx> {
        Ok(match target.backend {
            Backend::Sqlite => HandSqlx::Sqlite(sqlite::Sqlite::connect(&target.url).await?),
            Backend::Postgres => {
                HandSqlx::Postgres(postgres::Postgres::connect(&target.url).await?)
            }
            Backend::MySql => HandSqlx::MySql(mysql::MySql::connect(&target.url).await?),
        })
    }

    pub async fn run(&mut self, input: &Input) -> Result<Outcome> {
        let start = Instant::now();
        let (rows, total) = match self {
            HandSqlx::Sqlite(b) => b.run(input).await?,
            HandSqlx::Postgres(b) => b.run(input).await?,
            HandSqlx::MySql(b) => b.run(input).await?,
        };
        Ok(Outcome {
            elapsed: start.elapsed(),
            rows,
            total,
        })
    }

    pub async fn close(self) -> Result<()> {
        match self {
            HandSqlx::Sqlite(b) => b.pool.close().await,
            HandSqlx::Postgres(b) => b.pool.close().await,
            HandSqlx::MySql(b) => b.pool.close().await,
        }
        Ok(())
    }
}
