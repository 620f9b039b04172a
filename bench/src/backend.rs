//! The databases the benchmark runs on: a fresh database per backend (created through the
//! server URL it is given, dropped again at the end), and the URL each implementation
//! connects with — the Rust ones share one URL, the Python one gets its SQLAlchemy form.

use crate::Result;
use sqlx::Connection;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    /// The name in the JSON results and the `worst-ratio` line.
    pub fn key(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
            Backend::MySql => "MariaDB",
        }
    }
}

/// A database made for this run.
#[derive(Clone, Debug)]
pub struct Target {
    pub backend: Backend,
    /// For the Rust implementations (sqlx syntax).
    pub url: String,
    /// For the Python implementation (SQLAlchemy syntax, async driver).
    pub python_url: String,
    /// The server's own version string.
    pub server_version: String,
    /// The server URL the database was created through (`None` for SQLite).
    admin_url: Option<String>,
    db_name: String,
    sqlite_dir: Option<PathBuf>,
}

impl Target {
    /// A fresh SQLite database file in `dir` (WAL mode, as a server application would use).
    pub async fn sqlite(dir: &Path) -> Result<Target> {
        std::fs::create_dir_all(dir)?;
        let file = dir.join("bench.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await?;
        sqlx::raw_sql("PRAGMA journal_mode = WAL")
            .execute(&mut conn)
            .await?;
        let version: String = sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        Ok(Target {
            backend: Backend::Sqlite,
            python_url: format!("sqlite+aiosqlite:///{}", file.display()),
            url,
            server_version: format!("SQLite {version} (bundled with sqlx)"),
            admin_url: None,
            db_name: String::new(),
            sqlite_dir: Some(dir.to_owned()),
        })
    }

    /// A fresh database `db_name` on the PostgreSQL server of `admin_url`.
    pub async fn postgres(admin_url: &str, db_name: &str) -> Result<Target> {
        let mut conn = sqlx::PgConnection::connect(admin_url).await?;
        // one statement per query: neither may run in the implicit transaction of several
        for sql in [
            format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
            format!("CREATE DATABASE {db_name}"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await?;
        }
        let version: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        let url = with_database(admin_url, db_name);
        Ok(Target {
            backend: Backend::Postgres,
            python_url: format!("postgresql+asyncpg://{}", after_scheme(&url)),
            url,
            server_version: format!("PostgreSQL {version}"),
            admin_url: Some(admin_url.to_owned()),
            db_name: db_name.to_owned(),
            sqlite_dir: None,
        })
    }

    /// A fresh database `db_name` on the MariaDB (or MySQL) server of `admin_url`.
    pub async fn mysql(admin_url: &str, db_name: &str) -> Result<Target> {
        let mut conn = sqlx::MySqlConnection::connect(admin_url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {db_name}; CREATE DATABASE {db_name}"
        )))
        .execute(&mut conn)
        .await?;
        let version: String = sqlx::query_scalar("SELECT CAST(VERSION() AS CHAR)")
            .fetch_one(&mut conn)
            .await?;
        conn.close().await?;
        let url = with_database(admin_url, db_name);
        let server = if version.contains("MariaDB") {
            "MariaDB"
        } else {
            "MySQL"
        };
        Ok(Target {
            backend: Backend::MySql,
            python_url: format!("mysql+asyncmy://{}", after_scheme(&url)),
            url,
            server_version: format!("{server} {version}"),
            admin_url: Some(admin_url.to_owned()),
            db_name: db_name.to_owned(),
            sqlite_dir: None,
        })
    }

    /// Drops the database (or removes the SQLite directory).
    pub async fn drop_database(&self) -> Result<()> {
        match (self.backend, &self.admin_url) {
            (Backend::Sqlite, _) => {
                if let Some(dir) = &self.sqlite_dir {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            (Backend::Postgres, Some(admin)) => {
                let mut conn = sqlx::PgConnection::connect(admin).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.db_name
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await?;
            }
            (Backend::MySql, Some(admin)) => {
                let mut conn = sqlx::MySqlConnection::connect(admin).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {}",
                    self.db_name
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// `scheme://user:pw@host:port/other?x` with the database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{db}?{query}"),
        None => format!("{host_part}/{db}"),
    }
}

fn after_scheme(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_is_replaced() {
        assert_eq!(
            with_database("postgres://aa:aa@127.0.0.1:5432/aa", "aa_bench"),
            "postgres://aa:aa@127.0.0.1:5432/aa_bench"
        );
        assert_eq!(
            with_database("mysql://aa:aa@127.0.0.1:3306", "b"),
            "mysql://aa:aa@127.0.0.1:3306/b"
        );
        assert_eq!(
            with_database("postgres://h/x?sslmode=disable", "b"),
            "postgres://h/b?sslmode=disable"
        );
    }
}
