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
/// A SQLite *file* gets what concurrent use needs: WAL journaling (readers do not wait
/// for the writer), a 5-second busy timeout, and a pool of 8 connections; with
/// [`Session::begin`](crate::Session::begin) taking the write lock up front
/// (`BEGIN IMMEDIATE`), concurrent writers wait their turn instead of failing with
/// "database is locked". An in-memory database (`sqlite::memory:`) lives in its one
/// connection: while a [`Session`](crate::Session) holds it, a query through the pool
/// would wait for the session, so the pool gives up after 1 second with
/// [`TransientKind::PoolExhausted`](crate::TransientKind::PoolExhausted), whose message
/// says why. Run everything through the session while it is open.
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
    let url = normalize_url(url)?;
    let mut options = ConnectOptions::new(url.clone());
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    #[cfg(feature = "sqlite")]
    if url.starts_with("sqlite:") && !is_sqlite_memory(&url) {
        use sea_orm::sqlx::sqlite::SqliteJournalMode;
        options
            .max_connections(SQLITE_FILE_POOL)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
    }
    #[cfg(feature = "sqlite")]
    if url.starts_with("sqlite:") && is_sqlite_memory(&url) {
        options.acquire_timeout(SQLITE_MEMORY_ACQUIRE_TIMEOUT);
    }
    connect_with(options).await
}

/// [`connect`] with SeaORM's [`ConnectOptions`] (pool size, timeouts, logging).
///
/// The URL is checked before any connection is tried, as [`connect`] does, but it is
/// passed to SeaORM as written: the scheme must be one sqlx knows (`sqlite:`,
/// `postgres://`, `postgresql://`, `mysql://`). The SQLAlchemy-style spellings [`connect`]
/// accepts (`postgresql+asyncpg://`, `mariadb://`, `mysql+aiomysql://`) are an
/// [`Error::InvalidDatabaseUrl`] here, naming the scheme to write instead; [`connect`]
/// also sets up SQLite files (WAL, busy timeout, a pool of several connections), which
/// `connect_with` leaves to your options.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// let mut options = sea_orm::ConnectOptions::new("sqlite::memory:");
/// options.sqlx_logging(false);
/// let db = advanced_alchemy::connect_with(options).await?;
///
/// let asyncpg = sea_orm::ConnectOptions::new("postgresql+asyncpg://u:secret@h/db");
/// let err = advanced_alchemy::connect_with(asyncpg).await.unwrap_err();
/// assert!(err.to_string().contains("write `postgres://`"), "{err}");
/// assert!(!err.to_string().contains("secret"));
/// # Ok(()) }
/// ```
pub async fn connect_with(options: ConnectOptions) -> Result<DatabaseConnection> {
    let url = options.get_url().to_owned();
    let shown = redact_url(&url);
    let secrets = crate::error::url_secrets(&url);
    check_url(&url).map_err(|reason| Error::InvalidDatabaseUrl {
        url: shown.clone(),
        reason,
    })?;
    tracing::debug!(url = %shown, "connecting");
    Database::connect(options).await.map_err(|err| {
        if is_configuration_error(&err) {
            Error::InvalidDatabaseUrl {
                url: shown.clone(),
                reason: crate::error::scrub(&err.to_string(), &secrets),
            }
        } else {
            Error::Connection {
                url: shown.clone(),
                source: crate::error::scrub_db_err(err, &secrets),
            }
        }
    })
}

/// What is wrong with a URL SeaORM would be handed, before anything connects: the
/// scheme, and for the servers whether it parses and whether its parts are where the
/// server will look for them. The reason never quotes the URL (it may hold a password).
fn check_url(url: &str) -> std::result::Result<(), String> {
    const HINT: &str = "a `/`, `?`, `#` or `@` in the user name or password must be \
                        percent-encoded (%2F, %3F, %23, %40)";
    let Some((scheme, _)) = url.split_once(':') else {
        return Err("no scheme (expected sqlite:, postgres:// or mysql://)".to_owned());
    };
    let canonical = match scheme.split('+').next().unwrap_or(scheme) {
        "sqlite" => "sqlite",
        "postgres" | "postgresql" => "postgres",
        "mysql" | "mariadb" => "mysql",
        other => {
            return Err(format!(
                "unsupported scheme `{}` (expected sqlite, postgres or mysql)",
                shown_scheme(other)
            ));
        }
    };
    if !matches!(scheme, "sqlite" | "postgres" | "postgresql" | "mysql") {
        return Err(format!(
            "the scheme `{}` is understood by `connect`, not by `connect_with`: write `{canonical}{}`",
            shown_scheme(scheme),
            if canonical == "sqlite" { ":" } else { "://" }
        ));
    }
    if !backend_enabled(canonical) {
        return Err(format!(
            "the `{canonical}` backend is not enabled (cargo feature of advanced-alchemy)"
        ));
    }
    if canonical == "sqlite" {
        // sqlx parses the rest; its complaints are configuration errors
        return Ok(());
    }
    let parsed = url::Url::parse(url).map_err(|e| match e {
        url::ParseError::InvalidPort => format!("the port is not a number ({HINT})"),
        url::ParseError::EmptyHost => "no host name".to_owned(),
        url::ParseError::InvalidIpv6Address => "the IPv6 address in `[…]` is not valid".to_owned(),
        url::ParseError::InvalidDomainCharacter | url::ParseError::IdnaError => {
            format!("the host name has a character a host name cannot have ({HINT})")
        }
        other => format!("{other} ({HINT})"),
    })?;
    if !url[scheme.len()..].starts_with("://") {
        return Err(format!("expected `{scheme}://host/database`"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("no host name".to_owned());
    }
    if parsed.fragment().is_some() {
        return Err(format!(
            "the URL has a `#` fragment, which a database URL cannot use ({HINT})"
        ));
    }
    if parsed.path().contains('@') || parsed.query_pairs().any(|(k, _)| k.contains('@')) {
        return Err(format!(
            "an `@` after the host: the user name and password end at the first `/` or `?` ({HINT})"
        ));
    }
    Ok(())
}

/// A scheme as shown in an error: only letters, digits and `+.-` (what a scheme can
/// hold), so a URL without one never shows its user information.
fn shown_scheme(scheme: &str) -> String {
    if scheme
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
    {
        scheme.to_owned()
    } else {
        "…".to_owned()
    }
}

/// Connections in the pool [`connect`] opens on a SQLite file.
#[cfg(feature = "sqlite")]
const SQLITE_FILE_POOL: u32 = 8;

/// How long a SQLite connection from [`connect`] waits for a lock.
#[cfg(feature = "sqlite")]
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a query waits for the one connection of an in-memory SQLite database from
/// [`connect`]: short, as the wait is most often for a session of the same task.
#[cfg(feature = "sqlite")]
const SQLITE_MEMORY_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// Whether a `sqlite:` URL names an in-memory database (`:memory:`, `mode=memory`).
pub(crate) fn is_sqlite_memory(url: &str) -> bool {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest);
    path.trim_start_matches('/') == ":memory:"
        || path.is_empty()
        || rest
            .split_once('?')
            .is_some_and(|(_, q)| q.split('&').any(|p| p == "mode=memory"))
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
                "unsupported scheme `{}` (expected sqlite, postgres or mysql)",
                shown_scheme(base)
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
