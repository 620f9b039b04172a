//! [`FileObject`] and [`FileObjectList`] as SeaORM column values: a JSON column (`jsonb` on
//! PostgreSQL, `json` on MySQL, text on SQLite) holding the text Python's `json.dumps`
//! writes.

use super::{FileObject, FileObjectList};
use sea_orm::sea_query::{
    ArrayType, ColumnType, Enum, Nullable, OptionEnum, ValueType, ValueTypeErr,
};
use sea_orm::{
    ActiveValue, ColIdx, DbErr, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The type a bound JSON value is cast to on PostgreSQL (`$1::"jsonb"`); SQLite and MySQL
/// bind the text.
const JSON_TYPE: &str = "jsonb";

/// The one place JSON becomes a bound value: Python's `json.dumps` text (`", "` and `": "`
/// separators, non-ASCII escaped), bound as an "enum" so that PostgreSQL casts it to
/// `jsonb` while SQLite and MySQL get a string. (Meant to be swapped for the shared JSON
/// binding of `types::JsonB`.)
fn json_value<T: Serialize>(value: &T) -> Value {
    let mut text = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, PythonFormatter);
    // serialising these types into memory cannot fail: string keys, finite numbers
    // (serde_json writes a non-finite float as null), no I/O
    value
        .serialize(&mut serializer)
        .expect("file metadata serialises to JSON");
    let text = String::from_utf8(text).expect("serde_json writes UTF-8");
    Value::Enum(OptionEnum::Some(Box::new(Enum {
        type_name: JSON_TYPE.into(),
        value: text.into(),
    })))
}

fn json_null() -> Value {
    Value::Enum(OptionEnum::None(JSON_TYPE.into()))
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
/// not the expected dictionary is a `DbErr::Type` naming the column.
fn read_json<T: DeserializeOwned, I: ColIdx>(
    res: &QueryResult,
    index: I,
    what: &str,
) -> Result<T, TryGetError> {
    let json = serde_json::Value::try_get_by(res, index)?;
    if json.is_null() {
        return Err(TryGetError::Null(format!("{index:?}")));
    }
    serde_json::from_value(json).map_err(|e| {
        let column = match index.as_str() {
            Some(name) => format!("column `{name}`"),
            None => format!("column {index:?}"),
        };
        TryGetError::DbErr(DbErr::Type(format!("{column} is not {what}: {e}")))
    })
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

/// Python's `json.dumps` defaults: `", "` and `": "` separators, every character outside
/// printable ASCII escaped as `\uXXXX` (UTF-16, lowercase hex), floats as `repr`.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() && c != '\x7f' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        writer.write_all(python_float_repr(value).as_bytes())
    }
}

/// Python's `repr(float)` for a finite value: the shortest digits that read back
/// exactly, positional for exponents -5 < e < 16 (`0.0001`, `1712345678.5`, `1.0`),
/// otherwise `1e-05`, `1.5e+16`.
fn python_float_repr(value: f64) -> String {
    // Rust's `{:e}` gives the same shortest round-trip digits: "-1.2345e-7"
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if !(-5 < exponent && exponent < 16) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{fraction}e{exp_sign}{:02}", exponent.abs());
    }
    if exponent < 0 {
        let zeros = "0".repeat((-exponent - 1) as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = exponent as usize + 1;
    if digits.len() <= point {
        let zeros = "0".repeat(point - digits.len());
        format!("{sign}{digits}{zeros}.0")
    } else {
        let (whole, fraction) = digits.split_at(point);
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: Value) -> String {
        match value {
            Value::Enum(OptionEnum::Some(e)) => {
                assert_eq!(&*e.type_name, JSON_TYPE);
                e.value.into_owned()
            }
            other => panic!("not a JSON enum: {other:?}"),
        }
    }

    #[test]
    fn floats_as_python_repr() {
        for (value, repr) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000015, "1.5e-05"),
            (1712345678.123456, "1712345678.123456"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
        ] {
            assert_eq!(python_float_repr(value), repr, "{value:e}");
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
