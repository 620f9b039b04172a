//! Opening a database from a URL, with errors that say what went wrong.
//!
//! SeaORM's `Database::connect` answers a typo and a stopped server alike with a
//! connection error; [`connect`] tells them apart: a URL that cannot be used is
//! [`Error::InvalidDatabaseUrl`], a server that cannot be reached is
//! [`Error::Connection`], and neither message shows the password.

use crate::error::{Error, Result, redact_url};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, RuntimeErr};
use std::time::Duration;

/// Connects to `url`: `sqlite::memory:`, `sqlite://path.db?mode=rwc`,
/// `postgres://…`, `mysql://…` (also `postgresql://`, `mariadb://`, and SQLAlchemy-style
/// driver suffixes such as `postgresql+asyncpg://`, so one URL can serve a Python service
/// and this one). Waits at most 10 seconds for a server to answer; use [`connect_with`]
/// to choose.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use advanced_alchemy::{connect, Error};
///
/// assert!(connect("sqlite::memory:").await.is_ok());
/// assert!(matches!(connect("oracle://scott:tiger@db").await, Err(Error::InvalidDatabaseUrl { .. })));
/// # }
/// ```
///
/// An unreachable server:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use advanced_alchemy::{connect_with, Error};
/// let mut options = sea_orm::ConnectOptions::new("postgres://u:secret@127.0.0.1:1/db");
/// options.acquire_timeout(std::time::Duration::from_millis(300));
/// let err = connect_with(options).await.unwrap_err();
/// assert!(matches!(err, Error::Connection { .. }));
/// assert!(!err.to_string().contains("secret"));
/// # }
/// ```
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(normalize_url(url)?);
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    connect_with(options).await
}

/// [`connect`] with SeaORM's [`ConnectOptions`] (pool size, timeouts, logging).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// let mut options = sea_orm::ConnectOptions::new("sqlite::memory:");
/// options.sqlx_logging(false);
/// let db = advanced_alchemy::connect_with(options).await?;
/// # Ok(()) }
/// ```
pub async fn connect_with(options: ConnectOptions) -> Result<DatabaseConnection> {
    let url = options.get_url().to_owned();
    let shown = redact_url(&url);
    tracing::debug!(url = %shown, "connecting");
    Database::connect(options).await.map_err(|err| {
        if is_configuration_error(&err) {
            Error::InvalidDatabaseUrl {
                url: shown.clone(),
                reason: err.to_string(),
            }
        } else {
            Error::Connection {
                url: shown.clone(),
                source: err,
            }
        }
    })
}

/// Maps the schemes people write to the ones sqlx knows, and rejects the rest early.
pub(crate) fn normalize_url(url: &str) -> Result<String> {
    let invalid = |reason: &str| Error::InvalidDatabaseUrl {
        url: redact_url(url),
        reason: reason.to_owned(),
    };
    let Some((scheme, rest)) = url.split_once(':') else {
        return Err(invalid(
            "no scheme (expected sqlite:, postgres:// or mysql://)",
        ));
    };
    let base = scheme.split('+').next().unwrap_or(scheme);
    let scheme = match base {
        "sqlite" => "sqlite",
        "postgres" | "postgresql" => "postgres",
        "mysql" | "mariadb" => "mysql",
        _ => {
            return Err(invalid(&format!(
                "unsupported scheme `{base}` (expected sqlite, postgres or mysql)"
            )));
        }
    };
    if scheme != "sqlite" && !rest.starts_with("//") {
        return Err(invalid("expected `scheme://host/database`"));
    }
    if !backend_enabled(scheme) {
        return Err(invalid(&format!(
            "the `{scheme}` backend is not enabled (cargo feature of advanced-alchemy)"
        )));
    }
    Ok(format!("{scheme}:{rest}"))
}

fn backend_enabled(scheme: &str) -> bool {
    match scheme {
        "sqlite" => cfg!(feature = "sqlite"),
        "postgres" => cfg!(feature = "postgres"),
        _ => cfg!(feature = "mysql"),
    }
}

fn is_configuration_error(err: &DbErr) -> bool {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            sea_orm::sqlx::Error::Configuration(_) | sea_orm::sqlx::Error::Tls(_)
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(
            normalize_url("postgresql+asyncpg://u:p@h/db")
                .ok()
                .as_deref(),
            Some("postgres://u:p@h/db")
        );
        assert_eq!(
            normalize_url("mariadb://h/db").ok().as_deref(),
            Some("mysql://h/db")
        );
        assert!(normalize_url("localhost/db").is_err());
        assert!(normalize_url("postgres:db").is_err());
    }
}
