//! Which database errors are transient: the database aborted the work on purpose
//! (serialization failure, deadlock, lock timeout) or the connection went away.
//!
//! Crate-private. The retry wrapper ([`retry`](crate::retry)) and the routing
//! connection ([`routing`](crate::routing)) read errors through [`classify`] alone.
//! When `Error` gains typed transient kinds (with `is_retryable()`), this function
//! should move onto them, so that one place knows the codes.

use sea_orm::{DbErr, RuntimeErr};

/// What kind of transient failure an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transient {
    /// PostgreSQL / CockroachDB / YugabyteDB `40001`, MariaDB 1020 (snapshot isolation),
    /// TiDB 9007 (write conflict) and 8028 (schema changed).
    Serialization,
    /// PostgreSQL `40P01`, MySQL/MariaDB 1213.
    Deadlock,
    /// MySQL/MariaDB 1205 (lock wait timeout), PostgreSQL `55P03` (lock_timeout).
    LockTimeout,
    /// The server answered that the outcome is unknown (CockroachDB `40003`).
    Ambiguous,
    /// The connection broke or could not be made: I/O error, pool timeout, server
    /// shutting down (`57P01`…), connection exceptions (class `08`), MySQL 2006/2013.
    ConnectionLost,
    /// The server refused a write because it is read-only (a replica): `25006`, MySQL
    /// 1290/1792/1836.
    ReadOnly,
}

/// Reads the driver's error inside `err`.
pub(crate) fn classify(err: &DbErr) -> Option<Transient> {
    let e = match err {
        DbErr::ConnectionAcquire(_) => return Some(Transient::ConnectionLost),
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        // SeaORM wraps some driver failures in its own text; a closed pool reads like this
        DbErr::Conn(RuntimeErr::Internal(_)) => return Some(Transient::ConnectionLost),
        _ => return None,
    };
    use sea_orm::sqlx::Error as X;
    match e.as_ref() {
        X::Io(_) | X::Tls(_) | X::PoolTimedOut | X::PoolClosed | X::WorkerCrashed => {
            Some(Transient::ConnectionLost)
        }
        X::Protocol(_) => Some(Transient::ConnectionLost),
        X::Database(db) => {
            #[cfg(feature = "mysql")]
            if let Some(my) = db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
                return match my.number() {
                    1213 => Some(Transient::Deadlock),
                    1205 => Some(Transient::LockTimeout),
                    // MariaDB snapshot-isolation conflict; TiDB write conflict and
                    // schema changed during the transaction
                    1020 | 9007 | 8028 => Some(Transient::Serialization),
                    1290 | 1792 | 1836 => Some(Transient::ReadOnly),
                    1053 | 1927 | 2006 | 2013 => Some(Transient::ConnectionLost),
                    _ => None,
                };
            }
            let code = db.code()?;
            match code.as_ref() {
                "40001" => Some(Transient::Serialization),
                "40P01" => Some(Transient::Deadlock),
                "55P03" => Some(Transient::LockTimeout),
                "40003" => Some(Transient::Ambiguous),
                "25006" => Some(Transient::ReadOnly),
                "57P01" | "57P02" | "57P03" => Some(Transient::ConnectionLost),
                c if c.starts_with("08") => Some(Transient::ConnectionLost),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether the server itself answered (so a failed `COMMIT` did not commit), as
/// opposed to the connection failing with the outcome unknown.
pub(crate) fn answered_by_server(err: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    matches!(e.as_ref(), sea_orm::sqlx::Error::Database(_))
        && !matches!(
            classify(err),
            Some(Transient::ConnectionLost | Transient::Ambiguous)
        )
}
