//! [`JsonB`]: any serde type in a JSON column, written as Python's `json.dumps` writes it.

use crate::error::{Error, decode_db_err};
use sea_orm::sea_query::{
    ArrayType, ColumnType, Enum, Nullable, OptionEnum, ValueType, ValueTypeErr,
};
use sea_orm::{ActiveValue, ColIdx, DbErr, IntoActiveValue, QueryResult, TryGetError, TryGetable};
use sea_orm::{RuntimeErr, Value};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// The name the value is bound under: PostgreSQL's query builder casts the text parameter
/// to it (`$1::"jsonb"`); SQLite and MySQL bind the text as a plain string.
const JSONB: &str = "jsonb";

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
/// [`Error::Decode`] naming the column (through SeaORM, `DbErr::Type`), never a panic.
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
/// a `NOT NULL` column rejects the row with [`Error::Integrity`]. Call
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
    /// [`Error::InvalidRequest`] when `T`'s `Serialize` fails.
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

/// Serialises `value` to the JSON text Python's `json.dumps(value)` produces with its
/// default arguments, which is what SQLAlchemy's `JSON` type (and so Python's `JsonB`)
/// writes unless the engine is given another `json_serializer`:
///
/// * `", "` between items and `": "` between a key and its value, no newlines;
/// * `ensure_ascii`: every character outside printable ASCII as `\uXXXX` with lowercase
///   hex, characters beyond the Basic Multilingual Plane as a surrogate pair
///   (`"😀"` → `"\ud83d\ude00"`), DEL as `\u007f`; `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
///   `\t` as short escapes;
/// * floats as Python's `repr`: the shortest digits that read back to the same number,
///   always with a `.0` or an exponent (`1.0`, `0.0001`, `1e-05`, `1e+16`,
///   `1.5e+300`); an `f32` with the shortest digits of the `f32`;
/// * fields and map entries in the order serde gives them (struct declaration order;
///   sorted for `BTreeMap` and `serde_json::Value` objects). Python keeps a dict's
///   insertion order.
///
/// Differences: non-finite floats are written as `null` (Python writes `NaN` and
/// `Infinity`, which are not JSON and which PostgreSQL refuses), and a
/// `serde_json::value::RawValue` inside the value is copied as it is.
///
/// Note that Python's Advanced Alchemy *configs* (`SQLAlchemyAsyncConfig` and friends)
/// pass the engine their own serializer, which uses msgspec or orjson when installed
/// (compact `{"a":1}`, UTF-8 unescaped) and falls back to `json.dumps`. Either side reads
/// the other's text; only the stored bytes differ.
///
/// [`Error::InvalidRequest`] when `value`'s `Serialize` fails.
///
/// ```
/// use advanced_alchemy::types::to_python_json;
/// use serde_json::json;
///
/// // python3 -c 'import json; print(json.dumps({"a": 1, "b": [1, 2], "c": "é"}))'
/// assert_eq!(
///     to_python_json(&json!({"a": 1, "b": [1, 2], "c": "é"}))?,
///     r#"{"a": 1, "b": [1, 2], "c": "\u00e9"}"#
/// );
/// assert_eq!(to_python_json(&[1.0, 1e16, 0.1 + 0.2])?, "[1.0, 1e+16, 0.30000000000000004]");
/// assert_eq!(to_python_json("😀")?, r#""\ud83d\ude00""#);
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub fn to_python_json<T: Serialize + ?Sized>(value: &T) -> crate::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    value.serialize(&mut serializer).map_err(|e| {
        Error::InvalidRequest(format!(
            "cannot serialize {} as JSON: {e}",
            std::any::type_name::<T>()
        ))
    })?;
    // the formatter writes ASCII only, and serde_json writes valid UTF-8 anyway
    String::from_utf8(out).map_err(|e| {
        Error::InvalidRequest(format!(
            "cannot serialize {} as JSON: not UTF-8: {e}",
            std::any::type_name::<T>()
        ))
    })
}

/// The layout of Python's `json.dumps` with default arguments.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        let abs = value.abs();
        let digits = ShortestDigits::of(
            &format!("{abs:e}"),
            |text| text.parse::<f32>().ok() == Some(abs),
            // an f32 has at most 112 significant decimal digits
            || format!("{abs:.120e}"),
        );
        writer.write_all(digits.python_repr(value.is_sign_negative()).as_bytes())
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let abs = value.abs();
        let digits = ShortestDigits::of(
            &format!("{abs:e}"),
            |text| text.parse::<f64>().ok() == Some(abs),
            // an f64 has at most 767 significant decimal digits
            || format!("{abs:.780e}"),
        );
        writer.write_all(digits.python_repr(value.is_sign_negative()).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already escaped `"`, `\` and the control characters below 0x20
        // (as Python does); the rest of what Python escapes is DEL and non-ASCII
        let mut plain = 0;
        for (at, ch) in fragment.char_indices() {
            if (' '..='~').contains(&ch) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain..at])?;
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            plain = at + ch.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

/// The shortest decimal digits that read back as a finite float, and the decimal
/// exponent of the first: `1.5e300` is `("15", 300)`.
struct ShortestDigits {
    digits: String,
    exponent: i32,
}

impl ShortestDigits {
    /// From Rust's shortest round-trip form of the absolute value (`{:e}`: `1.5e300`,
    /// `1e-5`, `0e0`), made to agree with Python's (David Gay's) choice: both take the
    /// candidate closest to the exact value, but when the exact value lies exactly
    /// halfway between two shortest candidates (`1160860571890804.25` to 16 digits),
    /// Rust takes the upper one and Python the even one. `round_trips` tells whether a
    /// text reads back as the value; `exact` is the value's full decimal expansion in
    /// scientific form.
    fn of(
        scientific: &str,
        round_trips: impl Fn(&str) -> bool,
        exact: impl FnOnce() -> String,
    ) -> Self {
        let (digits, exponent) = split_scientific(scientific);
        let mut shortest = Self { digits, exponent };
        if let Some(lower) = shortest.even_neighbour_below()
            && round_trips(&format!("{lower}e{exponent}", lower = with_point(&lower)))
        {
            let (exact_digits, exact_exponent) = split_scientific(&exact());
            let halfway = exact_exponent == exponent
                && exact_digits
                    .strip_prefix(lower.as_str())
                    .is_some_and(|rest| {
                        rest.strip_prefix('5')
                            .is_some_and(|zeros| zeros.bytes().all(|b| b == b'0'))
                    });
            if halfway {
                shortest.digits = lower;
            }
        }
        shortest
    }

    /// The same digits with the last one lowered by one, when the last is odd (so the
    /// lower candidate of a tie is the even one) and the result keeps its length.
    fn even_neighbour_below(&self) -> Option<String> {
        let last = *self.digits.as_bytes().last()?;
        if last % 2 == 0 || (self.digits.len() == 1 && last == b'1') {
            return None;
        }
        let mut lower = self.digits[..self.digits.len() - 1].to_owned();
        lower.push(char::from(last - 1));
        Some(lower)
    }

    /// Python's `repr`: positional when the exponent `e` is in `-4 <= e < 16` (with `.0`
    /// when there is no fraction), otherwise `d.ddde±XX` with at least two exponent
    /// digits (`float_repr_style = 'short'`).
    fn python_repr(&self, negative: bool) -> String {
        let Self { digits, exponent } = self;
        let exponent = *exponent;
        let mut out = String::with_capacity(digits.len() + 8);
        if negative {
            out.push('-');
        }
        if (-4..16).contains(&exponent) {
            if exponent >= 0 {
                let int_len = exponent.unsigned_abs() as usize + 1;
                if digits.len() > int_len {
                    out.push_str(&digits[..int_len]);
                    out.push('.');
                    out.push_str(&digits[int_len..]);
                } else {
                    out.push_str(digits);
                    out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                    out.push_str(".0");
                }
            } else {
                out.push_str("0.");
                out.extend(std::iter::repeat_n(
                    '0',
                    exponent.unsigned_abs() as usize - 1,
                ));
                out.push_str(digits);
            }
        } else {
            out.push_str(&with_point(digits));
            out.push_str(&format!(
                "e{}{:02}",
                if exponent < 0 { '-' } else { '+' },
                exponent.unsigned_abs()
            ));
        }
        out
    }
}

/// `"15e300"`-style text of Rust's `{:e}` as its digits (no point, trailing zeros of an
/// exact expansion kept) and exponent.
fn split_scientific(scientific: &str) -> (String, i32) {
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// `"15"` → `"1.5"`, `"1"` → `"1"`.
fn with_point(digits: &str) -> String {
    match digits.len() {
        0 | 1 => digits.to_owned(),
        _ => format!("{}.{}", &digits[..1], &digits[1..]),
    }
}

fn jsonb_value(text: String) -> Value {
    Value::Enum(OptionEnum::Some(Box::new(Enum {
        type_name: JSONB.into(),
        value: text.into(),
    })))
}

fn jsonb_null() -> Value {
    Value::Enum(OptionEnum::None(JSONB.into()))
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

fn describe(e: &serde_json::Error) -> String {
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
fn stored_json<I: ColIdx>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Expected strings are the output of `python3 -c 'import json; print(json.dumps(…))'`
    /// (CPython 3.11).
    #[test]
    fn python_layout_and_escapes() {
        let cases = [
            (
                json!({"a": 1, "b": [1, 2], "c": "é"}),
                r#"{"a": 1, "b": [1, 2], "c": "\u00e9"}"#,
            ),
            (json!([]), "[]"),
            (json!({}), "{}"),
            (json!([[], {}, [{}]]), "[[], {}, [{}]]"),
            (json!(null), "null"),
            (json!(true), "true"),
            (json!(""), r#""""#),
            (json!("😀 and ñ"), r#""\ud83d\ude00 and \u00f1""#),
            (
                json!("quote \" backslash \\ slash /"),
                r#""quote \" backslash \\ slash /""#,
            ),
            (
                json!("\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}\u{80}\u{ffff}"),
                r#""\u0000\u0001\b\t\n\f\r\u001f\u007f\u0080\uffff""#,
            ),
            (
                json!({"k\u{e9}y": {"nested": [1, "x", null, false]}}),
                r#"{"k\u00e9y": {"nested": [1, "x", null, false]}}"#,
            ),
            (json!(-9223372036854775808i64), "-9223372036854775808"),
            (json!(18446744073709551615u64), "18446744073709551615"),
        ];
        for (value, python) in cases {
            assert_eq!(
                to_python_json(&value).expect("serialize"),
                python,
                "{value:?}"
            );
        }
    }

    /// `python3 -c 'import json; print(json.dumps([…]))'` for each float.
    #[test]
    #[allow(clippy::excessive_precision)] // the ties below are exact binary values
    fn floats_as_python_repr() {
        let cases: [(f64, &str); 28] = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.456, "123.456"),
            (1e-4, "0.0001"),
            (1.5e-4, "0.00015"),
            (1e-5, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (1e16, "1e+16"),
            (1.2345e16, "1.2345e+16"),
            (1e100, "1e+100"),
            (-1e100, "-1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (9007199254740993.0, "9007199254740992.0"),
            (100.0, "100.0"),
            (0.5e-3, "0.0005"),
            (std::f64::consts::PI, "3.141592653589793"),
            // exactly halfway between two shortest candidates: Python takes the even one
            (1160860571890804.25, "1160860571890804.2"),
            (-846140421278.15625, "-846140421278.1562"),
            (272645254916429.125, "272645254916429.12"),
            (0.375, "0.375"),
        ];
        for (value, python) in cases {
            assert_eq!(
                to_python_json(&value).expect("serialize"),
                python,
                "{value:e}"
            );
        }
        // f32: the shortest digits of the f32, laid out the same way
        assert_eq!(to_python_json(&0.1f32).expect("f32"), "0.1");
        assert_eq!(to_python_json(&1e20f32).expect("f32"), "1e+20");
        // map keys that are floats are strings of the same text, as in Python
        let keys = std::collections::BTreeMap::from([(1i32, 1.0f64)]);
        assert_eq!(to_python_json(&keys).expect("map"), r#"{"1": 1.0}"#);
        // not JSON in Python either way; written as null here
        assert_eq!(to_python_json(&f64::NAN).expect("nan"), "null");
    }

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
