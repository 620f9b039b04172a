//! [`FileObject`] and [`FileObjectList`] as SeaORM column values: a JSON column (`jsonb` on
//! PostgreSQL, `json` on MySQL, text on SQLite) holding the text Python's `json.dumps`
//! writes.

use super::{FileObject, FileObjectList};
use crate::error::decode_db_err;
use crate::types::json::column::{describe, jsonb_null, jsonb_value, stored_json};
use crate::types::to_python_json;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, OptionEnum, ValueType, ValueTypeErr};
use sea_orm::{ActiveValue, ColIdx, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The bound value: Python's `json.dumps` text, cast to `jsonb` on PostgreSQL (the
/// binding of [`JsonB`](crate::types::JsonB)). File metadata always serialises (string
/// keys, finite numbers); were it not to, the value would be SQL `NULL` and an error logged.
fn json_value<T: Serialize>(value: &T) -> Value {
    match to_python_json(value) {
        Ok(text) => jsonb_value(text),
        Err(e) => {
            tracing::error!(error = %e, "file object bound as NULL");
            jsonb_null()
        }
    }
}

fn json_null() -> Value {
    jsonb_null()
}

/// The JSON a bound value holds (for [`ValueType::try_from`]).
fn json_of(value: Value) -> Option<serde_json::Value> {
    match value {
        Value::Enum(OptionEnum::Some(e)) => serde_json::from_str(&e.value).ok(),
        Value::String(Some(text)) => serde_json::from_str(&text).ok(),
        Value::Json(Some(json)) => Some(*json),
        _ => None,
    }
}

/// Reads a JSON column: SQL `NULL` and JSON `null` (what Python writes for `None`) are
/// both [`TryGetError::Null`], so `Option<…>` fields read them as `None`; a value that is
/// not the expected dictionary is [`Error::Decode`](crate::Error::Decode) naming the column.
fn read_json<T: DeserializeOwned, I: ColIdx>(
    res: &QueryResult,
    index: I,
    what: &str,
) -> Result<T, TryGetError> {
    let Some(text) = stored_json(res, index, what)? else {
        return Err(TryGetError::Null(format!("{index:?}")));
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Null) => Err(TryGetError::Null(format!("{index:?}"))),
        Ok(json) => serde_json::from_value(json)
            .map_err(|e| TryGetError::DbErr(decode_db_err(index.as_str(), what, describe(&e)))),
        Err(e) => Err(TryGetError::DbErr(decode_db_err(
            index.as_str(),
            what,
            describe(&e),
        ))),
    }
}

macro_rules! json_column {
    ($type:ty, $name:literal, $what:literal) => {
        impl From<$type> for Value {
            fn from(value: $type) -> Value {
                json_value(&value)
            }
        }

        impl ValueType for $type {
            fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
                json_of(v)
                    .and_then(|json| serde_json::from_value(json).ok())
                    .ok_or(ValueTypeErr)
            }

            fn type_name() -> String {
                $name.to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::JsonBinary
            }
        }

        impl Nullable for $type {
            fn null() -> Value {
                json_null()
            }
        }

        impl TryGetable for $type {
            fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
                read_json(res, index, $what)
            }
        }

        impl IntoActiveValue<$type> for $type {
            /// `Set(self)`, for `DeriveIntoActiveModel` structs.
            fn into_active_value(self) -> ActiveValue<Self> {
                ActiveValue::Set(self)
            }
        }
    };
}

json_column!(FileObject, "FileObject", "a file object");
json_column!(FileObjectList, "FileObjectList", "a list of file objects");

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: Value) -> String {
        match value {
            Value::Enum(OptionEnum::Some(e)) => {
                assert_eq!(&*e.type_name, "jsonb");
                e.value.into_owned()
            }
            other => panic!("not a JSON enum: {other:?}"),
        }
    }

    #[test]
    fn json_text_as_python_json_dumps() {
        // json.dumps({"a": [1, 2.5, None, True], "ü": "é😀\x7f\n\"", "e": {}, "l": []})
        let value =
            serde_json::json!({"a": [1, 2.5, null, true], "e": {}, "l": [], "ü": "é😀\u{7f}\n\""});
        assert_eq!(
            text(json_value(&value)),
            r#"{"a": [1, 2.5, null, true], "e": {}, "l": [], "\u00fc": "\u00e9\ud83d\ude00\u007f\n\""}"#
        );
    }

    #[test]
    fn file_object_keys_in_python_order() {
        let file = FileObject::existing("documents", "a/b.txt");
        assert_eq!(
            text(Value::from(file)),
            r#"{"filename": "a/b.txt", "content_type": "text/plain", "size": null, "last_modified": null, "checksum": null, "etag": null, "version_id": null, "metadata": {}, "backend": "documents"}"#
        );
    }

    #[test]
    fn values_convert_back() {
        let mut file = FileObject::existing("documents", "a/b.txt");
        file.metadata_mut().insert("n".into(), 1.into());
        let back = <FileObject as ValueType>::try_from(Value::from(file.clone()));
        assert_eq!(back.ok(), Some(file.clone()));
        let list = FileObjectList::from(vec![file.clone(), file]);
        let back = <FileObjectList as ValueType>::try_from(Value::from(list.clone()));
        assert_eq!(back.ok(), Some(list));
        assert!(<FileObject as ValueType>::try_from(Value::String(Some("[]".into()))).is_err());
        assert!(<FileObject as ValueType>::try_from(json_null()).is_err());
    }
}
