//! One error type for everything this crate does.
//!
//! Database errors arrive from SeaORM as [`DbErr`]; [`Error::from_db`] sorts them by
//! backend code (PostgreSQL SQLSTATE, MySQL/MariaDB error number, SQLite extended result
//! code) into the cases a caller can act on: a [`Error::DuplicateKey`] names the
//! constraint that was violated, a [`Error::ForeignKey`] is never confused with it (a
//! bug the Python library once had), a failure that retrying the transaction may cure
//! (deadlock, serialization failure, lock wait timeout, connection lost) is an
//! [`Error::Transient`] whose [`TransientKind`] says which, with
//! [`Error::is_retryable`], and everything else keeps its source.
//!
//! Which variant carries which failure:
//!
//! | failure | variant | PostgreSQL | MySQL / MariaDB | SQLite |
//! |---|---|---|---|---|
//! | unique key | [`Error::DuplicateKey`] | 23505 | 1062, 1022, 1169, 1586 | 2067, 1555 |
//! | foreign key | [`Error::ForeignKey`] | 23503 | 1451, 1452, 1216, 1217 | 787 |
//! | NOT NULL, CHECK | [`Error::Integrity`] | other 23xxx | 1048, 1364, 3819, 4025 | 1299, 275, 19 |
//! | deadlock | [`TransientKind::Deadlock`] | 40P01 | 1213 | — |
//! | serialization failure | [`TransientKind::SerializationFailure`] | 40001 | — | 517 (busy snapshot) |
//! | lock wait timeout | [`TransientKind::LockTimeout`] | 55P03 | 1205, 3572 | 5, 6, 261, 262 (busy, locked) |
//! | statement timeout | [`TransientKind::StatementTimeout`] | 57014 | 1969, 3024 | — |
//! | connection lost | [`TransientKind::ConnectionLost`] | 08xxx, 57P01–57P03 | 1927, 2006, 2013, I/O errors | I/O errors |
//! | no free pool connection | [`TransientKind::PoolExhausted`] | pool timeout | pool timeout | pool timeout (1 s in memory) |
//! | unreachable at connect | [`Error::Connection`] | | | |
//! | bad URL | [`Error::InvalidDatabaseUrl`] | | | |
//! | anything else | [`Error::Database`] (or [`Error::Repository`] from a repository) | | | |
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
    /// A failure that says nothing about the request itself: a deadlock, a serialization
    /// failure, a lock wait or statement timeout, or the connection lost mid-transaction
    /// (see the table in the [module docs](self)). The transaction did not commit;
    /// [`Error::is_retryable`] says whether running it again may succeed.
    ///
    /// ```
    /// use advanced_alchemy::{Error, TransientKind};
    ///
    /// let err = Error::Transient {
    ///     kind: TransientKind::Deadlock,
    ///     model: Some("account".into()),
    ///     detail: "deadlock detected".into(),
    ///     source: sea_orm::DbErr::Custom("deadlock detected".into()),
    /// };
    /// assert!(err.is_retryable());
    /// assert_eq!(err.to_string(), "deadlock on account: deadlock detected");
    /// ```
    #[error("{kind}{}: {detail}", model.as_deref().map(|m| format!(" on {m}")).unwrap_or_default())]
    Transient {
        /// Which transient failure.
        kind: TransientKind,
        /// The table written to, when known.
        model: Option<String>,
        /// The database's own message.
        detail: String,
        /// The database error.
        #[source]
        source: DbErr,
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
    /// Input for a model (a JSON body, a DTO) has a field that is unknown, of the wrong
    /// type, or NULL where the column is not nullable: the client's mistake, naming the
    /// field. The reason never quotes the value that was sent (it may be a secret).
    ///
    /// ```
    /// use advanced_alchemy::Error;
    /// let err = Error::invalid_field("post", "views", "invalid type: string, expected i32");
    /// assert_eq!(err.to_string(), "invalid field `views` of post: invalid type: string, expected i32");
    /// assert_eq!(err.model(), Some("post"));
    /// ```
    #[error("invalid field `{field}` of {model}: {reason}")]
    InvalidField {
        /// The model the input is for.
        model: String,
        /// The field, as the input names it (a JSON key, a path such as `tags[0].name`).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
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
    /// A filter that the in-memory repository
    /// ([`MemoryRepository`](crate::repository::memory::MemoryRepository)) cannot evaluate:
    /// a raw SeaORM condition or expression, an [`ExistsFilter`](crate::filters::ExistsFilter)
    /// (it needs the related table), a filter type of your own without
    /// [`Filter::apply_in_memory`](crate::filters::Filter::apply_in_memory), or values
    /// that cannot be compared. Never silently ignored.
    ///
    /// ```
    /// let err = advanced_alchemy::Error::UnsupportedFilter {
    ///     filter: "sea_query::Condition".into(),
    ///     reason: "raw SQL conditions cannot be evaluated in memory".into(),
    /// };
    /// assert_eq!(
    ///     err.to_string(),
    ///     "filter sea_query::Condition cannot be evaluated in memory: raw SQL conditions cannot be evaluated in memory"
    /// );
    /// ```
    #[error("filter {filter} cannot be evaluated in memory: {reason}")]
    UnsupportedFilter {
        /// The filter's type.
        filter: String,
        /// Why.
        reason: String,
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
            Some(Kind::Transient(kind, detail)) => Error::Transient {
                kind,
                model: None,
                detail,
                source: err,
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

    /// An [`Error::InvalidField`]: `field` of `model`'s input is wrong for `reason`.
    ///
    /// ```
    /// let err = advanced_alchemy::Error::invalid_field("tag", "name", "must not be null");
    /// assert!(matches!(err, advanced_alchemy::Error::InvalidField { .. }));
    /// ```
    pub fn invalid_field(
        model: impl Into<String>,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidField {
            model: model.into(),
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Whether the error is the caller's mistake (bad input, a missing row, a broken
    /// constraint) rather than the database's or the program's: what a web layer answers
    /// with a 4xx.
    ///
    /// ```
    /// use advanced_alchemy::Error;
    /// assert!(Error::not_found("post").is_client_error());
    /// assert!(Error::invalid_field("post", "title", "missing").is_client_error());
    /// assert!(!Error::Database(sea_orm::DbErr::Custom("x".into())).is_client_error());
    /// ```
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            Error::DuplicateKey { .. }
                | Error::ForeignKey { .. }
                | Error::Integrity { .. }
                | Error::MultipleResultsFound { .. }
                | Error::NotFound { .. }
                | Error::InvalidRequest(_)
                | Error::InvalidField { .. }
        )
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

    /// Whether running the transaction again may succeed: a deadlock, a serialization
    /// failure, a lock wait timeout or a lost connection ([`Error::Transient`] but for
    /// [`TransientKind::StatementTimeout`], which would most likely time out again).
    ///
    /// ```
    /// use advanced_alchemy::Error;
    /// assert!(!Error::not_found("post").is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Transient { kind, .. } if kind.is_retryable())
    }

    /// The [`TransientKind`] of an [`Error::Transient`].
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::Error::not_found("post").transient_kind(), None);
    /// ```
    pub fn transient_kind(&self) -> Option<TransientKind> {
        match self {
            Error::Transient { kind, .. } => Some(*kind),
            _ => None,
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
            | Error::Integrity { model, .. }
            | Error::Transient { model, .. } => model.as_deref(),
            Error::MultipleResultsFound { model, .. }
            | Error::NotFound { model, .. }
            | Error::InvalidField { model, .. }
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

/// Which transient failure an [`Error::Transient`] is.
///
/// ```
/// use advanced_alchemy::TransientKind;
/// assert!(TransientKind::SerializationFailure.is_retryable());
/// assert!(!TransientKind::StatementTimeout.is_retryable());
/// assert_eq!(TransientKind::LockTimeout.to_string(), "lock wait timeout");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransientKind {
    /// The database broke a deadlock by aborting this transaction (PostgreSQL 40P01,
    /// MySQL 1213).
    Deadlock,
    /// A concurrent transaction made this one impossible to serialize (40001), or a
    /// SQLite WAL read snapshot went stale (SQLITE_BUSY_SNAPSHOT).
    SerializationFailure,
    /// A lock was not granted in time (PostgreSQL 55P03, MySQL 1205 and 3572, SQLite
    /// busy or locked after its busy timeout).
    LockTimeout,
    /// A statement ran past its time limit (PostgreSQL 57014 under `statement_timeout`,
    /// MariaDB 1969 under `max_statement_time`, MySQL 3024).
    StatementTimeout,
    /// The connection broke while a statement ran (I/O error, server restart or a
    /// killed session): the transaction did not commit.
    ConnectionLost,
    /// No connection of the pool became free in time (SeaORM's "Connection pool timed
    /// out"): every one is in use, each open [`Session`](crate::Session) holding one
    /// until it ends. An in-memory SQLite database has a single connection, so code
    /// that uses the pool while a session is open waits for itself:
    /// [`connect`](crate::connect) gives such a pool a 1-second acquire timeout, so
    /// that this error comes at once instead of a 30-second hang; run everything
    /// through the session while it is open, or use a SQLite file.
    PoolExhausted,
}

impl TransientKind {
    /// Whether retrying the whole transaction may succeed: all but
    /// [`StatementTimeout`](Self::StatementTimeout).
    ///
    /// ```
    /// assert!(advanced_alchemy::TransientKind::Deadlock.is_retryable());
    /// ```
    pub fn is_retryable(self) -> bool {
        !matches!(self, TransientKind::StatementTimeout)
    }
}

impl std::fmt::Display for TransientKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransientKind::Deadlock => "deadlock",
            TransientKind::SerializationFailure => "serialization failure",
            TransientKind::LockTimeout => "lock wait timeout",
            TransientKind::StatementTimeout => "statement timeout",
            TransientKind::ConnectionLost => "connection lost",
            TransientKind::PoolExhausted => {
                "no free connection in the pool (each open Session holds one until it ends; \
                 an in-memory SQLite database has only one: while a Session is open, run \
                 every query through it)"
            }
        })
    }
}

enum Kind {
    Unique(Option<String>, String),
    Foreign(Option<String>, String),
    Integrity(String),
    Transient(TransientKind, String),
}

/// Looks through a [`DbErr`] for the driver's database error and reads its code.
fn classify(err: &DbErr) -> Option<Kind> {
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        match err {
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::ConnectionClosed) => {
                return Some(Kind::Transient(
                    TransientKind::ConnectionLost,
                    err.to_string(),
                ));
            }
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => {
                return Some(Kind::Transient(
                    TransientKind::PoolExhausted,
                    err.to_string(),
                ));
            }
            _ => {}
        }
        return None;
    };
    let db = match e.as_ref() {
        sea_orm::sqlx::Error::Database(db) => db,
        sea_orm::sqlx::Error::Io(_)
        | sea_orm::sqlx::Error::Protocol(_)
        | sea_orm::sqlx::Error::WorkerCrashed => {
            return Some(Kind::Transient(
                TransientKind::ConnectionLost,
                e.to_string(),
            ));
        }
        _ => return None,
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
            // 1364: a NOT NULL column without a default was not given a value
            1048 | 1364 | 3819 | 4025 => Some(Kind::Integrity(detail)),
            1213 => Some(Kind::Transient(TransientKind::Deadlock, detail)),
            // 3572: NOWAIT / SKIP LOCKED could not lock
            1205 | 3572 => Some(Kind::Transient(TransientKind::LockTimeout, detail)),
            // 1969: MariaDB max_statement_time; 3024: MySQL max_execution_time
            1969 | 3024 => Some(Kind::Transient(TransientKind::StatementTimeout, detail)),
            // 1927: connection killed; 2006/2013: server gone away / lost during query
            1927 | 2006 | 2013 => Some(Kind::Transient(TransientKind::ConnectionLost, detail)),
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
            // SQLITE_BUSY_SNAPSHOT: a WAL read transaction cannot become a write one
            "517" => Some(Kind::Transient(TransientKind::SerializationFailure, detail)),
            // SQLITE_BUSY, _BUSY_RECOVERY, SQLITE_LOCKED, _LOCKED_SHAREDCACHE (after the
            // busy timeout or unlock notification gave up)
            "5" | "261" | "6" | "262" => Some(Kind::Transient(TransientKind::LockTimeout, detail)),
            _ => None,
        };
    }
    match code.as_str() {
        "23505" => Some(Kind::Unique(constraint, detail)),
        "23503" => Some(Kind::Foreign(constraint, detail)),
        c if c.starts_with("23") => Some(Kind::Integrity(detail)),
        "40P01" => Some(Kind::Transient(TransientKind::Deadlock, detail)),
        "40001" => Some(Kind::Transient(TransientKind::SerializationFailure, detail)),
        "55P03" => Some(Kind::Transient(TransientKind::LockTimeout, detail)),
        "57014" => Some(Kind::Transient(TransientKind::StatementTimeout, detail)),
        // 57P01-03: the server is shutting down or restarting; 08xxx: connection exception
        "57P01" | "57P02" | "57P03" => Some(Kind::Transient(TransientKind::ConnectionLost, detail)),
        c if c.starts_with("08") => Some(Kind::Transient(TransientKind::ConnectionLost, detail)),
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

/// Replaces the password of a URL with `***`, for error messages and logs: the user
/// information's password (everything between the user name and the last `@`, whatever
/// characters it holds), and the value of every query parameter but a few harmless ones
/// (`sslmode`, `mode`, `cache`, `charset`, …), so `?password=…` is hidden too.
///
/// ```
/// use advanced_alchemy::error::redact_url;
/// assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
/// assert_eq!(redact_url("postgres://u:se/c#r?et@h/db"), "postgres://u:***@h/db");
/// assert_eq!(redact_url("postgres://h/db?password=secret&sslmode=disable"), "postgres://h/db?password=***&sslmode=disable");
/// assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
/// ```
pub fn redact_url(url: &str) -> String {
    let (head, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let mut out = head.to_owned();
    let rest = match rest.rfind('@') {
        Some(at) => {
            let info = &rest[..at];
            let user_end = info.find([':', '/', '?', '#']).unwrap_or(info.len());
            out.push_str(&info[..user_end]);
            if user_end < info.len() {
                out.push_str(":***");
            }
            out.push('@');
            &rest[at + 1..]
        }
        None => rest,
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, _)) => (rest, true),
        None => (rest, false),
    };
    match rest.split_once('?') {
        Some((base, query)) => {
            out.push_str(base);
            out.push('?');
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, value)) if value.is_empty() || harmless_param(key) => {
                        format!("{key}={value}")
                    }
                    Some((key, _)) => format!("{key}=***"),
                    None => pair.to_owned(),
                })
                .collect();
            out.push_str(&pairs.join("&"));
        }
        None => out.push_str(rest),
    }
    if fragment {
        out.push_str("#***");
    }
    out
}

/// Query parameters whose values are shown in a redacted URL.
fn harmless_param(key: &str) -> bool {
    matches!(
        key,
        "sslmode"
            | "ssl-mode"
            | "mode"
            | "cache"
            | "charset"
            | "collation"
            | "application_name"
            | "connect_timeout"
            | "statement-cache-capacity"
            | "immutable"
            | "vfs"
            | "timezone"
            | "user"
    )
}

/// Everything in `url` that may be a secret: the password as written and decoded (found
/// as [`redact_url`] finds it, and as a URL parser does), and the values of the query
/// parameters [`redact_url`] hides. Longest first, so a scrub replaces whole secrets.
pub(crate) fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    let mut add = |raw: &str| {
        if raw.is_empty() {
            return;
        }
        secrets.push(raw.to_owned());
        // as a URL decoder reads it, and as a query-string decoder does (`+` is a space)
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        secrets.push(decoded.into_owned());
        if let Some((_, value)) = form_urlencoded::parse(format!("x={raw}").as_bytes()).next() {
            secrets.push(value.into_owned());
        }
    };
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    if let Some(at) = rest.rfind('@') {
        let info = &rest[..at];
        if let Some(colon) = info.find(':') {
            add(&info[colon + 1..]);
        }
    }
    if let Ok(parsed) = url::Url::parse(url)
        && let Some(password) = parsed.password()
    {
        add(password);
    }
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split('&') {
            if let Some((key, value)) = pair.split_once('=')
                && !harmless_param(key)
            {
                add(value);
            }
        }
    }
    secrets.retain(|s| !s.is_empty());
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    secrets
}

/// `text` with every secret replaced by `***`. A secret too short to replace without
/// mangling the message (one or two characters) withholds the whole message instead.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets {
        if !text.contains(secret.as_str()) {
            continue;
        }
        if secret.chars().count() < 3 {
            return "(the driver's message is withheld: it could contain the password)".to_owned();
        }
        text = text.replace(secret.as_str(), "***");
    }
    text
}

/// `err` itself when neither its `Display`, its `Debug` nor any error in its source chain
/// shows a secret; else a `DbErr::Conn` holding the scrubbed message (SeaORM's own
/// connection errors quote the whole URL).
pub(crate) fn scrub_db_err(err: DbErr, secrets: &[String]) -> DbErr {
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    let leaks = secrets
        .iter()
        .any(|secret| texts.iter().any(|t| t.contains(secret.as_str())));
    if leaks {
        DbErr::Conn(RuntimeErr::Internal(scrub(&err.to_string(), secrets)))
    } else {
        err
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
