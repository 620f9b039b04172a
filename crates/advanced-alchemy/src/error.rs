//! One error type for everything this crate does.
//!
//! Database errors arrive from SeaORM as [`DbErr`]; [`Error::from_db`] sorts them by
//! backend code (PostgreSQL SQLSTATE, MySQL/MariaDB error number, SQLite extended result
//! code) into the cases a caller can act on: a [`Error::DuplicateKey`] names the
//! constraint that was violated, a [`Error::ForeignKey`] is never confused with it (a
//! bug the Python library once had), and everything else keeps its source.
//!
//! The repository layer (`repository/`) adds its own context on top of these cases.

use sea_orm::{DbErr, RuntimeErr};

/// The result type used across the crate.
///
/// ```
/// fn parse(n: &str) -> advanced_alchemy::Result<i64> {
///     n.parse().map_err(|_| advanced_alchemy::Error::InvalidRequest(format!("not a number: {n}")))
/// }
/// assert!(parse("x").is_err());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in advanced-alchemy.
///
/// Errors raised by a [`Repository`](crate::repository::Repository) name the model
/// (`model`) and carry the repository's custom message (`message`, from its
/// [`ErrorMessages`](crate::repository::ErrorMessages)) when one is configured; the
/// message then replaces the default text of `Display`, as `error_messages` does in the
/// Python library.
///
/// ```
/// use advanced_alchemy::Error;
///
/// let err = Error::DuplicateKey {
///     model: Some("tag".into()),
///     constraint: Some("uq_tag_slug".into()),
///     detail: "UNIQUE constraint failed: tag.slug".into(),
///     message: None,
/// };
/// assert_eq!(err.constraint(), Some("uq_tag_slug"));
/// assert_eq!(err.to_string(), "duplicate key on tag: uq_tag_slug (UNIQUE constraint failed: tag.slug)");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A row would have duplicated a unique key (SQLSTATE 23505, MySQL 1062, SQLite 2067/1555).
    #[error("{}", describe(message, "duplicate key", model, constraint, detail))]
    DuplicateKey {
        /// The table written to, when known.
        model: Option<String>,
        /// The violated constraint or index, when the backend reports it or it can be derived.
        constraint: Option<String>,
        /// The database's own message.
        detail: String,
        /// The repository's custom message, if configured.
        message: Option<String>,
    },
    /// A foreign key was violated (SQLSTATE 23503, MySQL 1451/1452, SQLite 787).
    #[error(
        "{}",
        describe(message, "foreign key violation", model, constraint, detail)
    )]
    ForeignKey {
        /// The table written to, when known.
        model: Option<String>,
        /// The violated constraint, when known.
        constraint: Option<String>,
        /// The database's own message.
        detail: String,
        /// The repository's custom message, if configured.
        message: Option<String>,
    },
    /// Some other integrity constraint (NOT NULL, CHECK) was violated.
    #[error("{}", describe(message, "integrity error", model, &None, detail))]
    Integrity {
        /// The table written to, when known.
        model: Option<String>,
        /// The database's own message.
        detail: String,
        /// The repository's custom message, if configured.
        message: Option<String>,
    },
    /// A lookup that must find at most one row found several.
    #[error("{}", message.clone().unwrap_or_else(|| format!("multiple {model} rows found where at most one was expected")))]
    MultipleResultsFound {
        /// The table that was searched.
        model: String,
        /// The repository's custom message, if configured.
        message: Option<String>,
    },
    /// A lookup that must find a row found none.
    #[error("{}", message.clone().unwrap_or_else(|| format!("no {model} row found")))]
    NotFound {
        /// The table that was searched.
        model: String,
        /// The repository's custom message, if configured.
        message: Option<String>,
    },
    /// The caller asked for something that cannot be done (bad argument, bad filter).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A schema comparison or migration could not be done (an unsupported backend, no
    /// scratch database, a migration that failed); the message says what and why.
    #[error("migration: {0}")]
    Migration(String),
    /// A password could not be hashed for a reason outside the caller's control: the
    /// operating system gave no randomness for the salt, or Argon2 could not allocate
    /// its memory ([`PasswordHash::hash`](crate::types::PasswordHash::hash)). Bad hasher
    /// parameters are an [`Error::InvalidRequest`] instead.
    #[error("password hashing failed: {0}")]
    PasswordHashing(String),
    /// A database URL that cannot be parsed or names an unsupported backend.
    #[error("invalid database URL `{url}`: {reason}")]
    InvalidDatabaseUrl {
        /// The URL with any password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database could not be reached.
    #[error("cannot connect to `{url}`: {source}")]
    Connection {
        /// The URL with any password replaced by `***`.
        url: String,
        /// The driver's error.
        #[source]
        source: DbErr,
    },
    /// Any other database error raised by a repository, naming its model.
    #[error("{}", message.clone().unwrap_or_else(|| format!("{model} repository: {source}")))]
    Repository {
        /// The repository's table.
        model: String,
        /// The repository's custom message, if configured.
        message: Option<String>,
        /// The database error.
        #[source]
        source: DbErr,
    },
    /// Any other database error, with its source.
    #[error("database error: {0}")]
    Database(#[source] DbErr),
    /// An encrypted column's value is too long, or a stored value does not decrypt
    /// (see [`types::encrypted`](crate::types::encrypted)).
    ///
    /// ```
    /// use advanced_alchemy::{Error, types::EncryptionError};
    ///
    /// let err = Error::from_db(sea_orm::DbErr::Type(
    ///     "cannot decrypt column `secret` (wrong key or tampered ciphertext)".into(),
    /// ));
    /// assert!(matches!(
    ///     err,
    ///     Error::Encryption(EncryptionError::Decrypt { column: Some(c) }) if c == "secret"
    /// ));
    /// ```
    #[error(transparent)]
    Encryption(#[from] crate::types::EncryptionError),
    /// A stored value could not be read as the Rust type of its field: JSON that does not
    /// parse or does not fit the type of a [`JsonB`](crate::types::JsonB) column, for
    /// example. Never a panic: SeaORM carries it as `DbErr::Type`, and
    /// [`Error::from_db`] (which every repository uses) turns it back into this case.
    ///
    /// ```
    /// use advanced_alchemy::Error;
    ///
    /// let err = Error::from_db(sea_orm::DbErr::Type(
    ///     "cannot decode column `settings` as app::Settings: missing field `theme`".into(),
    /// ));
    /// match &err {
    ///     Error::Decode { column, expected, message } => {
    ///         assert_eq!(column.as_deref(), Some("settings"));
    ///         assert_eq!(expected, "app::Settings");
    ///         assert_eq!(message, "missing field `theme`");
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// assert_eq!(err.to_string(), "cannot decode column `settings` as app::Settings: missing field `theme`");
    /// ```
    #[error("cannot decode {} as {expected}: {message}", what(column))]
    Decode {
        /// The column read, when known.
        column: Option<String>,
        /// The Rust type the value was read as.
        expected: String,
        /// What is wrong with the stored value.
        message: String,
    },
    /// File content could not be stored, read or deleted, or names an unknown storage
    /// backend (see [`types::file_object`](crate::types::file_object)).
    ///
    /// ```
    /// use advanced_alchemy::{Error, types::file_object::StorageError};
    ///
    /// let err = Error::from(StorageError::NotFound { backend: "documents".into(), path: "a.txt".into() });
    /// assert_eq!(err.to_string(), "`a.txt` not found in storage backend `documents`");
    /// ```
    #[error(transparent)]
    Storage(#[from] crate::types::file_object::StorageError),
}

fn what(column: &Option<String>) -> String {
    match column {
        Some(c) => format!("column `{c}`"),
        None => "value".to_owned(),
    }
}

/// The `DbErr` a column type's `TryGetable` returns when the stored value cannot be read
/// as `expected`: `DbErr::Type` with the message of [`Error::Decode`], which
/// [`Error::from_db`] recognises. `column` is the name SeaORM read it by
/// (`ColIdx::as_str`), `None` for a positional read.
pub(crate) fn decode_db_err(
    column: Option<&str>,
    expected: impl Into<String>,
    message: impl Into<String>,
) -> DbErr {
    DbErr::Type(
        Error::Decode {
            column: column.map(str::to_owned),
            expected: expected.into(),
            message: message.into(),
        }
        .to_string(),
    )
}

/// Recognises the message of [`decode_db_err`] carried as `DbErr::Type`.
fn decode_from_type_message(message: &str) -> Option<Error> {
    let rest = message.strip_prefix("cannot decode ")?;
    let (column, rest) = if let Some(rest) = rest.strip_prefix("value as ") {
        (None, rest)
    } else {
        let rest = rest.strip_prefix("column `")?;
        let (column, rest) = rest.split_once("` as ")?;
        (Some(column.to_owned()), rest)
    };
    let (expected, message) = rest.split_once(": ")?;
    Some(Error::Decode {
        column,
        expected: expected.to_owned(),
        message: message.to_owned(),
    })
}

fn describe(
    message: &Option<String>,
    what: &str,
    model: &Option<String>,
    constraint: &Option<String>,
    detail: &str,
) -> String {
    if let Some(message) = message {
        return message.clone();
    }
    let on = model
        .as_deref()
        .map(|m| format!(" on {m}"))
        .unwrap_or_default();
    match constraint {
        Some(c) => format!("{what}{on}: {c} ({detail})"),
        None => format!("{what}{on}: {detail}"),
    }
}

impl Error {
    /// Sorts a SeaORM error into the matching case (see the module docs).
    ///
    /// ```
    /// use advanced_alchemy::Error;
    /// use sea_orm::DbErr;
    ///
    /// let err = Error::from_db(DbErr::Custom("boom".into()));
    /// assert!(matches!(err, Error::Database(_)));
    /// ```
    pub fn from_db(err: DbErr) -> Self {
        if let DbErr::Type(message) = &err {
            if let Some(e) = crate::types::EncryptionError::from_type_message(message) {
                return Error::Encryption(e);
            }
            if let Some(e) = decode_from_type_message(message) {
                return e;
            }
        }
        match classify(&err) {
            Some(Kind::Unique(constraint, detail)) => Error::DuplicateKey {
                model: None,
                constraint,
                detail,
                message: None,
            },
            Some(Kind::Foreign(constraint, detail)) => Error::ForeignKey {
                model: None,
                constraint,
                detail,
                message: None,
            },
            Some(Kind::Integrity(detail)) => Error::Integrity {
                model: None,
                detail,
                message: None,
            },
            None => Error::Database(err),
        }
    }

    /// A [`Error::NotFound`] for `model` with the default message.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::Error::not_found("post").to_string(), "no post row found");
    /// ```
    pub fn not_found(model: impl Into<String>) -> Self {
        Error::NotFound {
            model: model.into(),
            message: None,
        }
    }

    /// A [`Error::MultipleResultsFound`] for `model` with the default message.
    ///
    /// ```
    /// let err = advanced_alchemy::Error::multiple_results("label");
    /// assert!(err.to_string().contains("multiple label rows"));
    /// ```
    pub fn multiple_results(model: impl Into<String>) -> Self {
        Error::MultipleResultsFound {
            model: model.into(),
            message: None,
        }
    }

    /// The constraint named by a [`Error::DuplicateKey`] or [`Error::ForeignKey`].
    ///
    /// ```
    /// use advanced_alchemy::Error;
    /// assert_eq!(Error::InvalidRequest("x".into()).constraint(), None);
    /// ```
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Error::DuplicateKey { constraint, .. } | Error::ForeignKey { constraint, .. } => {
                constraint.as_deref()
            }
            _ => None,
        }
    }

    /// The model (table) the error is about, when known.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::Error::not_found("post").model(), Some("post"));
    /// ```
    pub fn model(&self) -> Option<&str> {
        match self {
            Error::DuplicateKey { model, .. }
            | Error::ForeignKey { model, .. }
            | Error::Integrity { model, .. } => model.as_deref(),
            Error::MultipleResultsFound { model, .. }
            | Error::NotFound { model, .. }
            | Error::Repository { model, .. } => Some(model),
            _ => None,
        }
    }

    /// The repository's custom message carried by this error, if any.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::Error::not_found("post").message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::DuplicateKey { message, .. }
            | Error::ForeignKey { message, .. }
            | Error::Integrity { message, .. }
            | Error::MultipleResultsFound { message, .. }
            | Error::NotFound { message, .. }
            | Error::Repository { message, .. } => message.as_deref(),
            _ => None,
        }
    }
}

impl From<DbErr> for Error {
    fn from(err: DbErr) -> Self {
        Error::from_db(err)
    }
}

enum Kind {
    Unique(Option<String>, String),
    Foreign(Option<String>, String),
    Integrity(String),
}

/// Looks through a [`DbErr`] for the driver's database error and reads its code.
fn classify(err: &DbErr) -> Option<Kind> {
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return None;
    };
    let sea_orm::sqlx::Error::Database(db) = e.as_ref() else {
        return None;
    };
    let detail = db.message().to_owned();
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    let constraint = db.constraint().map(str::to_owned);
    #[cfg(feature = "mysql")]
    if let Some(my) = db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
        return match my.number() {
            1022 | 1062 | 1169 | 1586 => {
                Some(Kind::Unique(mysql_key_name(&detail).or(constraint), detail))
            }
            1216 | 1217 | 1451 | 1452 => {
                Some(Kind::Foreign(mysql_fk_name(&detail).or(constraint), detail))
            }
            1048 | 3819 | 4025 => Some(Kind::Integrity(detail)),
            _ => None,
        };
    }
    #[cfg(feature = "sqlite")]
    if db
        .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .is_some()
    {
        return match code.as_str() {
            // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
            "2067" | "1555" => Some(Kind::Unique(
                crate::registry::unique_constraint_for_sqlite_message(&detail),
                detail,
            )),
            // SQLITE_CONSTRAINT_FOREIGNKEY
            "787" => Some(Kind::Foreign(constraint, detail)),
            // SQLITE_CONSTRAINT_NOTNULL, _CHECK, generic constraint
            "1299" | "275" | "19" => Some(Kind::Integrity(detail)),
            _ => None,
        };
    }
    match code.as_str() {
        "23505" => Some(Kind::Unique(constraint, detail)),
        "23503" => Some(Kind::Foreign(constraint, detail)),
        c if c.starts_with("23") => Some(Kind::Integrity(detail)),
        _ => None,
    }
}

/// `Duplicate entry 'x' for key 'uq_tag_slug'` (MariaDB) or `... for key 'tag.uq_tag_slug'`
/// (MySQL 8): the last quoted word, without a table prefix.
#[cfg(feature = "mysql")]
fn mysql_key_name(message: &str) -> Option<String> {
    let rest = &message[message.rfind(" for key ")? + " for key ".len()..];
    let name = rest.trim().trim_matches(|c| c == '\'' || c == '`');
    let name = name.rsplit('.').next().unwrap_or(name);
    (!name.is_empty()).then(|| name.to_owned())
}

/// `... a foreign key constraint fails (`db`.`t`, CONSTRAINT `fk_name` FOREIGN KEY ...)`.
#[cfg(feature = "mysql")]
fn mysql_fk_name(message: &str) -> Option<String> {
    let rest = &message[message.find("CONSTRAINT `")? + "CONSTRAINT `".len()..];
    Some(rest[..rest.find('`')?].to_owned())
}

/// Replaces the password of a URL with `***`, for error messages and logs.
///
/// ```
/// use advanced_alchemy::error::redact_url;
/// assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
/// assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_owned(),
    }
}

#[cfg(all(test, feature = "mysql"))]
mod tests {
    use super::*;

    #[test]
    fn mysql_messages() {
        assert_eq!(
            mysql_key_name("Duplicate entry 'a' for key 'uq_tag_slug'").as_deref(),
            Some("uq_tag_slug")
        );
        assert_eq!(
            mysql_key_name("Duplicate entry 'a' for key 'tag.uq_tag_slug'").as_deref(),
            Some("uq_tag_slug")
        );
        assert_eq!(
            mysql_fk_name("Cannot add or update a child row: a foreign key constraint fails (`aa`.`post_tag`, CONSTRAINT `fk_post_tag_post_id_post` FOREIGN KEY (`post_id`) REFERENCES `post` (`id`))").as_deref(),
            Some("fk_post_tag_post_id_post")
        );
    }
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    #[test]
    fn decode_errors_survive_the_trip_through_seaorm() {
        for (column, expected, message) in [
            (
                Some("data"),
                "alloc::vec::Vec<i32>",
                "invalid type: string \"x\", expected a sequence at line 1 column 3",
            ),
            (
                None,
                "my::Settings",
                "not JSON: expected value at line 1 column 1",
            ),
            (
                Some("a: b"),
                "std::collections::HashMap<String, i64>",
                "a: b: c",
            ),
        ] {
            let err = Error::from_db(decode_db_err(column, expected, message));
            match err {
                Error::Decode {
                    column: c,
                    expected: e,
                    message: m,
                } => {
                    assert_eq!(c.as_deref(), column);
                    assert_eq!(e, expected);
                    assert_eq!(m, message);
                }
                other => panic!("{other:?}"),
            }
        }
        // SeaORM's own type errors stay database errors
        assert!(matches!(
            Error::from_db(DbErr::Type(
                "A null value was encountered while decoding x".into()
            )),
            Error::Database(_)
        ));
    }
}
