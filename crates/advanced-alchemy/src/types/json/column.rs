//! How JSON travels: the bound value (text under the `jsonb` type name) and the text of a
//! stored cell on each backend. Shared by [`JsonB`](super::JsonB) and the file columns.

use crate::error::decode_db_err;
use sea_orm::sea_query::{Enum, OptionEnum};
use sea_orm::{ColIdx, DbErr, QueryResult, RuntimeErr, TryGetError, TryGetable, Value};
use std::sync::Arc;

/// The name the value is bound under: PostgreSQL's query builder casts the text parameter
/// to it (`$1::"jsonb"`); SQLite and MySQL bind the text as a plain string.
pub(crate) const JSONB: &str = "jsonb";

pub(crate) fn jsonb_value(text: String) -> Value {
    Value::Enum(OptionEnum::Some(Box::new(Enum {
        type_name: JSONB.into(),
        value: text.into(),
    })))
}

pub(crate) fn jsonb_null() -> Value {
    Value::Enum(OptionEnum::None(JSONB.into()))
}

pub(crate) fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => format!("not valid JSON: {e}"),
        Category::Data | Category::Io => e.to_string(),
    }
}

fn query_err(e: sea_orm::sqlx::Error) -> TryGetError {
    TryGetError::DbErr(DbErr::Query(RuntimeErr::SqlxError(Arc::new(e))))
}

/// The JSON text of a cell, `None` for SQL `NULL`. A decoding failure of the driver
/// (bytes that are not UTF-8, `jsonb` that does not parse) is a decode error naming the
/// column; a missing column stays the driver's error (SeaORM maps it to `None` for
/// `Option` fields of partial selects).
#[allow(unused_variables)]
pub(crate) fn stored_json<I: ColIdx>(
    res: &QueryResult,
    index: I,
    expected: &str,
) -> Result<Option<String>, TryGetError> {
    use sea_orm::sqlx::{Row, TypeInfo, ValueRef};
    let decode_err = |e: sea_orm::sqlx::Error| -> TryGetError {
        match e {
            sea_orm::sqlx::Error::ColumnDecode { source, .. } => {
                TryGetError::DbErr(decode_db_err(index.as_str(), expected, source.to_string()))
            }
            other => query_err(other),
        }
    };
    #[cfg(feature = "postgres")]
    if let Some(row) = res.try_as_pg_row() {
        use sea_orm::sqlx::types::Json;
        use serde_json::value::RawValue;
        let raw = row
            .try_get_raw(index.as_sqlx_postgres_index())
            .map_err(query_err)?;
        if raw.is_null() {
            return Ok(None);
        }
        let is_json = matches!(raw.type_info().name(), "JSON" | "JSONB");
        return if is_json {
            row.try_get::<Json<Box<RawValue>>, _>(index.as_sqlx_postgres_index())
                .map(|json| Some(json.0.get().to_owned()))
                .map_err(decode_err)
        } else {
            row.try_get::<String, _>(index.as_sqlx_postgres_index())
                .map(Some)
                .map_err(decode_err)
        };
    }
    #[cfg(feature = "mysql")]
    if let Some(row) = res.try_as_mysql_row() {
        let raw = row
            .try_get_raw(index.as_sqlx_mysql_index())
            .map_err(query_err)?;
        if raw.is_null() {
            return Ok(None);
        }
        // MySQL's JSON type and MariaDB's LONGTEXT both arrive as UTF-8 text
        return row
            .try_get_unchecked::<String, _>(index.as_sqlx_mysql_index())
            .map(Some)
            .map_err(decode_err);
    }
    #[cfg(feature = "sqlite")]
    if let Some(row) = res.try_as_sqlite_row() {
        let raw = row
            .try_get_raw(index.as_sqlx_sqlite_index())
            .map_err(query_err)?;
        if raw.is_null() {
            return Ok(None);
        }
        let storage = raw.type_info().name().to_owned();
        drop(raw);
        return match storage.as_str() {
            // a column declared JSON (numeric affinity) keeps json.dumps(1.5) as a REAL:
            // read the double itself (SQLite's text of it has only 15 digits)
            "REAL" => {
                let value = row
                    .try_get_unchecked::<f64, _>(index.as_sqlx_sqlite_index())
                    .map_err(decode_err)?;
                match serde_json::Number::from_f64(value) {
                    Some(number) => Ok(Some(number.to_string())),
                    None => Err(TryGetError::DbErr(decode_db_err(
                        index.as_str(),
                        expected,
                        format!("not valid JSON: the number {value}"),
                    ))),
                }
            }
            // INTEGER as its decimal text; TEXT (and a BLOB's bytes) as text
            _ => row
                .try_get_unchecked::<String, _>(index.as_sqlx_sqlite_index())
                .map(Some)
                .map_err(decode_err),
        };
    }
    // other rows (SeaORM's mock and proxy connections): text, or SeaORM's own JSON
    match Option::<String>::try_get_by(res, index) {
        Ok(text) => Ok(text),
        Err(_) => Option::<serde_json::Value>::try_get_by(res, index)
            .map(|json| json.map(|json| json.to_string())),
    }
}
