//! [`JsonB`]: any serde type in a JSON column, written as Python's `json.dumps` writes it.

//!
//! [`python`] writes the text, [`column`] binds and reads it; the file columns
//! ([`file_object`](super::file_object)) use both too.

pub(crate) mod column;
mod python;

pub use python::to_python_json;

use crate::error::decode_db_err;
use column::{JSONB, describe, jsonb_null, jsonb_value, stored_json};
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, OptionEnum, ValueType, ValueTypeErr};
use sea_orm::{ActiveValue, ColIdx, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::ops::{Deref, DerefMut};

/// Any serde type in a JSON column: Python's `JsonB` (SQLAlchemy's `JSON`, with
/// PostgreSQL's `JSONB`).
///
/// The column is `jsonb` on PostgreSQL, `JSON` on MySQL/MariaDB (MariaDB: `LONGTEXT` with
/// a `json_valid` check) and `TEXT` on SQLite, as
/// [`create_all`](crate::registry::create_all) creates it. The value is written as the
/// text Python's `json.dumps` makes with its defaults (see [`to_python_json`]), which
/// SQLite and MySQL/MariaDB store verbatim, so a Python service sharing the table sees
/// the bytes it would have written itself:
///
/// ```text
/// {"theme": "dark", "tags": ["a", "caf\u00e9"], "zoom": 1.0}
/// ```
///
/// `JsonB<T>` derefs to `T`; `JsonB(value)`, [`JsonB::new`] or `value.into()` make one,
/// [`into_inner`](Self::into_inner) takes the value out. It serialises as `T` does
/// (`#[serde(transparent)]`). Use `Option<JsonB<T>>` for a nullable column: `None` is SQL
/// `NULL`, and a stored JSON `null` (what Python writes for `None` by default) reads as
/// `None` too unless `T` itself accepts `null`.
///
/// ```
/// mod profile {
///     use advanced_alchemy::types::JsonB;
///     use sea_orm::entity::prelude::*;
///     use serde::{Deserialize, Serialize};
///
///     #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
///     pub struct Settings {
///         pub theme: String,
///         pub tags: Vec<String>,
///     }
///
///     #[advanced_alchemy::model(BigIntBase)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "profile")]
///     pub struct Model {
///         pub settings: JsonB<Settings>,                 // TEXT / jsonb / JSON NOT NULL
///         pub extra: Option<JsonB<serde_json::Value>>,   // nullable
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::{repository::Repository, types::JsonB};
/// use profile::Settings;
/// use sea_orm::{ActiveValue::Set, ConnectionTrait, Statement};
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// advanced_alchemy::registry::Registry::new().register::<profile::Entity>().create_all(&db).await?;
/// let profiles = Repository::<profile::Entity, _>::new(&db);
///
/// let settings = Settings { theme: "dark".into(), tags: vec!["a".into(), "café".into()] };
/// let added = profiles
///     .add(profile::ActiveModel {
///         settings: Set(JsonB(settings.clone())),
///         extra: Set(None),
///         ..Default::default()
///     })
///     .await?;
/// let read = profiles.get(added.id).await?;
/// assert_eq!(*read.settings, settings);
/// assert_eq!(read.settings.theme, "dark"); // through Deref
/// assert_eq!(read.extra, None);
///
/// // the text in the column is what Python's json.dumps writes
/// let row = db
///     .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT settings FROM profile"))
///     .await?
///     .expect("one row");
/// let stored: String = row.try_get_by_index(0)?;
/// assert_eq!(stored, r#"{"theme": "dark", "tags": ["a", "caf\u00e9"]}"#);
/// # Ok(()) }
/// ```
///
/// ## Reading
/// PostgreSQL returns `jsonb`, MySQL `JSON`, MariaDB and SQLite text; SQLite also returns
/// numbers when a Python-created column was declared `JSON` (SQLAlchemy's DDL there,
/// whose numeric affinity stores `json.dumps(1)` as the integer 1), and those are read as
/// JSON numbers. A stored value that is not JSON or does not deserialize into `T` is
/// [`Error::Decode`](crate::Error::Decode) naming the column (through SeaORM, `DbErr::Type`), never a panic.
///
/// PostgreSQL's `jsonb` (like MySQL 8's `JSON`; MariaDB keeps the text) stores the
/// value, not the text: it reorders keys, drops duplicate keys and has no negative
/// zero, so `-0.0` reads back as `0.0` there, as it would in Python.
///
/// ## Querying
/// [`NullFilter`](crate::filters::NullFilter) and
/// [`NotNullFilter`](crate::filters::NotNullFilter) work (they test SQL `NULL`, not a
/// JSON `null`). Equality on a JSON column is not meaningful across backends: PostgreSQL
/// compares `jsonb` values, MySQL/MariaDB and SQLite compare text, so key order and
/// spacing matter there. Filter on other columns, or use the backend's JSON functions in
/// a SeaORM condition (`Expr::cust`). In query-string filters
/// ([`FilterSchema`](crate::filters::params::FilterSchema)) a JSON column takes
/// `__isnull` only and does not sort.
///
/// ## Writing a value that cannot be serialised
/// If `T`'s `Serialize` fails (a map whose keys are not strings or numbers, a custom
/// implementation returning an error), SeaORM's conversion to a value cannot report it:
/// the column is bound as SQL `NULL` and the reason logged at error level (`tracing`), so
/// a `NOT NULL` column rejects the row with [`Error::Integrity`](crate::Error::Integrity). Call
/// [`to_json`](Self::to_json) first where that can happen.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct JsonB<T>(pub T);

impl<T> JsonB<T> {
    /// Wraps `value`; the same as `JsonB(value)`.
    ///
    /// ```
    /// use advanced_alchemy::types::JsonB;
    ///
    /// let tags = JsonB::new(vec!["a", "b"]);
    /// assert_eq!(tags.len(), 2); // Vec's len, through Deref
    /// ```
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value, taken out.
    ///
    /// ```
    /// use advanced_alchemy::types::JsonB;
    ///
    /// let tags: Vec<&str> = JsonB(vec!["a"]).into_inner();
    /// assert_eq!(tags, ["a"]);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: Serialize> JsonB<T> {
    /// The text this value is stored as: [`to_python_json`] of the value.
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when `T`'s `Serialize` fails.
    ///
    /// ```
    /// use advanced_alchemy::types::JsonB;
    /// use std::collections::BTreeMap;
    ///
    /// let scores = JsonB(BTreeMap::from([("ana", 1.5), ("bo", 2.0)]));
    /// assert_eq!(scores.to_json()?, r#"{"ana": 1.5, "bo": 2.0}"#);
    ///
    /// let bad = JsonB(BTreeMap::from([((1, 2), "tuple keys are not JSON")]));
    /// assert!(bad.to_json().is_err());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn to_json(&self) -> crate::Result<String> {
        to_python_json(&self.0)
    }
}

impl<T> Deref for JsonB<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for JsonB<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> AsRef<T> for JsonB<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for JsonB<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: Serialize> From<JsonB<T>> for Value {
    /// The [`to_python_json`] text, bound as `$1::"jsonb"` on PostgreSQL and as a string
    /// elsewhere. SQL `NULL` (and an error in the log) if `T`'s `Serialize` fails: see
    /// [`JsonB`].
    fn from(value: JsonB<T>) -> Value {
        match to_python_json(&value.0) {
            Ok(text) => jsonb_value(text),
            Err(e) => {
                tracing::error!(error = %e, "JsonB value bound as NULL");
                jsonb_null()
            }
        }
    }
}

impl<T: Serialize + DeserializeOwned> ValueType for JsonB<T> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        let parsed = match v {
            Value::Enum(OptionEnum::Some(e)) => serde_json::from_str(&e.value),
            Value::String(Some(text)) => serde_json::from_str(&text),
            Value::Json(Some(json)) => serde_json::from_value(*json),
            _ => return Err(ValueTypeErr),
        };
        parsed.map(JsonB).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        format!("JsonB<{}>", std::any::type_name::<T>())
    }

    fn array_type() -> ArrayType {
        ArrayType::Enum(Box::new(JSONB.into()))
    }

    fn column_type() -> ColumnType {
        ColumnType::JsonBinary
    }
}

impl<T: Serialize> Nullable for JsonB<T> {
    fn null() -> Value {
        jsonb_null()
    }
}

impl<T: Serialize + DeserializeOwned> IntoActiveValue<JsonB<T>> for JsonB<T> {
    /// `Set(self)`, for `DeriveIntoActiveModel` structs.
    fn into_active_value(self) -> ActiveValue<Self> {
        ActiveValue::Set(self)
    }
}

impl<T: DeserializeOwned> TryGetable for JsonB<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let expected = std::any::type_name::<T>();
        let Some(text) = stored_json(res, index, expected)? else {
            return Err(TryGetError::Null(format!("{index:?}")));
        };
        match serde_json::from_str::<T>(&text) {
            Ok(value) => Ok(JsonB(value)),
            // JSON `null`, which Python writes for None: SQL NULL to `Option<JsonB<T>>`
            Err(_) if text.trim() == "null" => Err(TryGetError::Null(format!("{index:?}"))),
            Err(e) => Err(TryGetError::DbErr(decode_db_err(
                index.as_str(),
                expected,
                describe(&e),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::column::jsonb_null;
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_through_values() {
        let value = JsonB(json!({"a": [1, 2.5, "é"]}));
        let Value::Enum(OptionEnum::Some(e)) = Value::from(value.clone()) else {
            panic!("an enum value");
        };
        assert_eq!(&*e.type_name, "jsonb");
        assert_eq!(e.value, r#"{"a": [1, 2.5, "\u00e9"]}"#);
        let back: JsonB<serde_json::Value> =
            ValueType::try_from(Value::Enum(OptionEnum::Some(e))).expect("parses");
        assert_eq!(back, value);
        assert_eq!(
            <JsonB<i32> as Nullable>::null(),
            Value::Enum(OptionEnum::None("jsonb".into()))
        );
        let none: Option<JsonB<i32>> =
            ValueType::try_from(<JsonB<i32> as Nullable>::null()).expect("null");
        assert_eq!(none, None);
        assert!(<JsonB<i32> as ValueType>::try_from(Value::String(Some("\"x\"".into()))).is_err());
        assert_eq!(
            <JsonB<Vec<u8>> as ValueType>::column_type(),
            ColumnType::JsonBinary
        );
    }

    #[test]
    fn unserialisable_values_bind_null() {
        let bad = JsonB(std::collections::BTreeMap::from([((1, 2), 3)]));
        assert!(bad.to_json().is_err());
        assert_eq!(Value::from(bad), jsonb_null());
    }
}
