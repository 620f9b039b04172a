//! Which database errors the retry wrapper and the routing connection act on.
//!
//! Crate-private. The codes themselves are read by [`Error::from_db`](crate::Error::from_db)
//! into [`TransientKind`] (the one table of them, in `error.rs`); this adds the few
//! answers routing and retry need that are not transient kinds of a single statement:
//! a replica refusing a write (read-only), a commit whose outcome the server itself
//! calls unknown (CockroachDB `40003`), and the distributed engines' conflict codes
//! (MariaDB 1020, TiDB 9007/8028), which could move into that table.

use crate::error::{Error, TransientKind};
use sea_orm::{DbErr, RuntimeErr};

/// What kind of failure an error is, for retry and routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transient {
    /// A transient kind of [`Error`].
    Kind(TransientKind),
    /// The server answered that the outcome is unknown (CockroachDB `40003`).
    Ambiguous,
    /// The server refused a write because it is read-only (a replica): `25006`, MySQL
    /// 1290/1792/1836.
    ReadOnly,
}

impl Transient {
    /// The connection is gone or none could be had: a replica that answers so is down,
    /// and a `COMMIT` that fails so has an unknown outcome.
    pub(crate) fn is_connection_failure(self) -> bool {
        matches!(
            self,
            Transient::Kind(TransientKind::ConnectionLost | TransientKind::PoolExhausted)
                | Transient::Ambiguous
        )
    }
}

/// Reads `err`.
pub(crate) fn classify(err: &DbErr) -> Option<Transient> {
    if let Some(kind) = Error::from_db(err.clone()).transient_kind() {
        return Some(Transient::Kind(kind));
    }
    let (DbErr::Conn(RuntimeErr::SqlxError(e))
    | DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return None;
    };
    let sea_orm::sqlx::Error::Database(db) = e.as_ref() else {
        return None;
    };
    #[cfg(feature = "mysql")]
    if let Some(my) = db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
        return match my.number() {
            // MariaDB snapshot-isolation conflict; TiDB write conflict and schema
            // changed during the transaction
            1020 | 9007 | 8028 => Some(Transient::Kind(TransientKind::SerializationFailure)),
            1290 | 1792 | 1836 => Some(Transient::ReadOnly),
            _ => None,
        };
    }
    match db.code()?.as_ref() {
        "40003" => Some(Transient::Ambiguous),
        "25006" => Some(Transient::ReadOnly),
        _ => None,
    }
}

/// Whether the server itself refused a failed `COMMIT` (so nothing committed), as
/// opposed to the connection failing with the outcome unknown.
pub(crate) fn answered_by_server(err: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    matches!(e.as_ref(), sea_orm::sqlx::Error::Database(_))
        && !classify(err).is_some_and(Transient::is_connection_failure)
}
