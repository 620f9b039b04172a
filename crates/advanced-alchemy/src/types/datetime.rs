//! [`DateTimeUTC`]: an always-UTC timestamp stored exactly as Python's Advanced Alchemy
//! stores its `DateTimeUTC` columns.
//!
//! | backend    | column          | stored                                             |
//! |------------|-----------------|----------------------------------------------------|
//! | PostgreSQL | `timestamptz`   | the instant                                        |
//! | MySQL      | `DATETIME(6)`   | the UTC wall-clock time                            |
//! | SQLite     | `DATETIME`      | text `2024-01-02 03:04:05.123456` (UTC, 6 digits)  |
//!
//! The SQLite text is SQLAlchemy's: fixed width, so text order is time order, and it is
//! what a Python service sharing the database writes and parses. (sqlx's own encoding of
//! `chrono::DateTime<Utc>` on SQLite is RFC 3339, `2024-01-02T03:04:05.123456+00:00`,
//! which SQLAlchemy cannot read and which does not compare with the Python form.) Python
//! creates a `DATETIME` without fractional seconds on MySQL; [`create_all`] creates
//! `DATETIME(6)` so microseconds survive, and Python reads both.
//!
//! ## How the backend is chosen
//! A SeaORM [`Value`] does not know the database it will be sent to, so a `DateTimeUTC`
//! carries how it is to be written ([`for_backend`](DateTimeUTC::for_backend)): chrono's
//! binary `timestamptz` for PostgreSQL, the plain UTC text for SQLite and MySQL, and,
//! before a backend is chosen, text with an offset bound with a `::timestamptz` cast
//! (right on PostgreSQL, and recognised by this library everywhere else). Everything of this library that writes or
//! compares values picks the right form for you:
//! * the save hook of [`#[model]`](crate::model) models (so `insert`, `update`, `save`
//!   and every repository write), for every `DateTimeUTC` column;
//! * the audit and soft-delete columns, which are `DateTimeUTC`;
//! * the [`filters`](crate::filters), query-string filters and keyset pages.
//!
//! Conditions written by hand with SeaORM on SQLite or MySQL take
//! `value.for_backend(db.get_database_backend())`, and so do values given to SeaORM
//! paths that skip save hooks (`Entity::insert_many`, `update_many().col_expr(…)`; on
//! MySQL, whose `DATETIME` refuses the offset, they fail loudly without it):
//!
//! ```
//! # mod event { use sea_orm::entity::prelude::*;
//! #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
//! #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "event")]
//! #   pub struct Model { pub name: String, pub starts_at: advanced_alchemy::types::DateTimeUTC } }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::types::DateTimeUTC;
//! use chrono::{TimeZone, Utc};
//! use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
//! use sea_orm::ActiveValue::Set;
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! # advanced_alchemy::registry::Registry::new().register::<event::Entity>().create_all(&db).await?;
//! for (name, hour) in [("breakfast", 8), ("lunch", 12)] {
//!     let at = Utc.with_ymd_and_hms(2024, 5, 1, hour, 0, 0).unwrap();
//!     event::ActiveModel { name: Set(name.into()), starts_at: Set(at.into()), ..Default::default() }
//!         .insert(&db)
//!         .await?;
//! }
//! let noon = DateTimeUTC::from(Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap());
//! let morning = event::Entity::find()
//!     .filter(event::Column::StartsAt.lt(noon.for_backend(db.get_database_backend())))
//!     .all(&db)
//!     .await?;
//! assert_eq!(morning.len(), 1);
//! assert_eq!(morning[0].name, "breakfast");
//! # Ok(()) }
//! ```
//!
//! [`create_all`]: crate::registry::create_all

use chrono::{DateTime, NaiveDateTime, SubsecRound, TimeZone, Utc};
use sea_orm::sea_query::{
    ArrayType, ColumnType, Enum, Nullable, OptionEnum, ValueType, ValueTypeErr,
};
use sea_orm::{
    ActiveValue, ColIdx, DbBackend, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value,
};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The type name the values carry: PostgreSQL casts the text to it; SQLite and MySQL
/// ignore it. It also tells this library's filters that a value is a `DateTimeUTC`.
const TYPE_NAME: &str = "timestamptz";
/// SQLAlchemy's text form on SQLite: always six fractional digits.
const NAIVE_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// An instant in UTC, to the microsecond: Python's `DateTimeUTC`.
///
/// Always timezone-aware (a [`chrono::DateTime<Utc>`] inside, reachable through
/// `Deref`), truncated to microseconds when made, as PostgreSQL, MySQL `DATETIME(6)` and
/// Python keep them, so a saved value equals the one read back. See
/// [the module docs](self) for the storage on each backend.
///
/// ```
/// use advanced_alchemy::types::DateTimeUTC;
/// use chrono::{TimeZone, Utc};
///
/// let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()
///     + chrono::Duration::nanoseconds(123_456_789);
/// let value = DateTimeUTC::from(at);
/// assert_eq!(value.to_string(), "2024-01-02 03:04:05.123456 UTC"); // microseconds
/// assert_eq!(value.timestamp(), at.timestamp()); // Deref to DateTime<Utc>
/// assert!(value < DateTimeUTC::now());
/// ```
#[derive(Clone, Copy)]
pub struct DateTimeUTC {
    at: DateTime<Utc>,
    form: Form,
}

/// How the value is written; not part of its identity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Form {
    /// Not known yet: text with `+00:00`, cast to `timestamptz` (right for PostgreSQL, and
    /// recognised, so rebound, everywhere else).
    #[default]
    Offset,
    /// For PostgreSQL: chrono's binary `timestamptz`, nothing to format or parse.
    Postgres,
    /// SQLAlchemy's naive UTC text: right for SQLite and MySQL.
    Naive,
}

impl DateTimeUTC {
    /// The current time, truncated to microseconds.
    ///
    /// ```
    /// use advanced_alchemy::types::DateTimeUTC;
    ///
    /// let now = DateTimeUTC::now();
    /// assert_eq!(now.timestamp_subsec_nanos() % 1_000, 0);
    /// ```
    pub fn now() -> Self {
        Self::from(Utc::now())
    }

    /// The instant, as chrono's type.
    ///
    /// ```
    /// use advanced_alchemy::types::DateTimeUTC;
    /// use chrono::{DateTime, Utc};
    ///
    /// let at: DateTime<Utc> = DateTimeUTC::now().into_inner();
    /// assert!(at <= Utc::now());
    /// ```
    pub fn into_inner(self) -> DateTime<Utc> {
        self.at
    }

    /// This value, written the way `backend` stores it. Conditions built by hand with
    /// SeaORM on SQLite or MySQL need it; this library's own writes and filters do it
    /// already (see [the module docs](self)).
    ///
    /// ```
    /// use advanced_alchemy::types::DateTimeUTC;
    /// use chrono::{TimeZone, Utc};
    /// use sea_orm::{DbBackend, Value};
    ///
    /// let at = DateTimeUTC::from(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap());
    /// let sqlite = Value::from(at.for_backend(DbBackend::Sqlite));
    /// assert_eq!(sqlite.to_string(), "'2024-01-02 03:04:05.000000'");
    /// let postgres = Value::from(at.for_backend(DbBackend::Postgres));
    /// assert_eq!(postgres, Value::ChronoDateTimeUtc(Some(*at))); // a binary timestamptz
    /// ```
    pub fn for_backend(self, backend: DbBackend) -> Self {
        Self {
            at: self.at,
            form: match backend {
                DbBackend::Postgres => Form::Postgres,
                _ => Form::Naive,
            },
        }
    }

    /// The text SQLAlchemy stores on SQLite: `YYYY-MM-DD HH:MM:SS.ffffff`, UTC.
    ///
    /// ```
    /// use advanced_alchemy::types::DateTimeUTC;
    /// use chrono::{TimeZone, Utc};
    ///
    /// let at = DateTimeUTC::from(Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap());
    /// assert_eq!(at.to_naive_text(), "1999-12-31 23:59:59.000000");
    /// ```
    pub fn to_naive_text(&self) -> String {
        // by hand: chrono's `format` interprets the pattern on every call, and this runs
        // for every timestamp of every row written to SQLite or MySQL
        use chrono::{Datelike, Timelike};
        use std::fmt::Write;
        let (date, time) = (self.at.date_naive(), self.at.time());
        let mut text = String::with_capacity(32);
        let year = date.year();
        if !(0..=9999).contains(&year) {
            return self.at.format(NAIVE_FORMAT).to_string();
        }
        // writing to a String cannot fail
        let _ = write!(
            text,
            "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
            date.month(),
            date.day(),
            time.hour(),
            time.minute(),
            time.second(),
            // a leap second (nanosecond >= 1e9) keeps chrono's 6-digit rendering
            (time.nanosecond() / 1_000).min(999_999)
        );
        text
    }

    /// Reads the text forms found in databases: SQLAlchemy's naive UTC text (any number
    /// of fractional digits), RFC 3339 with any offset (what sqlx writes on SQLite), and
    /// either with a `T` or a space. Text without an offset is UTC. `None` when it is
    /// none of these.
    ///
    /// ```
    /// use advanced_alchemy::types::DateTimeUTC;
    ///
    /// let python = DateTimeUTC::parse("2024-01-02 03:04:05.123456").unwrap();
    /// let sqlx = DateTimeUTC::parse("2024-01-02T04:04:05.123456+01:00").unwrap();
    /// assert_eq!(python, sqlx);
    /// assert!(DateTimeUTC::parse("yesterday").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Some(Self::from(at.with_timezone(&Utc)));
        }
        for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%:z"] {
            if let Ok(at) = DateTime::parse_from_str(text, format) {
                return Some(Self::from(at.with_timezone(&Utc)));
            }
        }
        let naive = text.strip_suffix('Z').unwrap_or(text);
        [
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(naive, format).ok())
        .map(|at| Self::from(Utc.from_utc_datetime(&at)))
    }

    fn text(&self) -> String {
        match self.form {
            Form::Offset | Form::Postgres => {
                let mut text = self.to_naive_text();
                text.push_str("+00:00");
                text
            }
            Form::Naive => self.to_naive_text(),
        }
    }

    fn from_text(text: &str) -> Option<Self> {
        let form = if text.ends_with("+00:00") {
            Form::Offset
        } else {
            Form::Naive
        };
        Self::parse_own(text)
            .or_else(|| Self::parse(text))
            .map(|v| Self { form, ..v })
    }

    /// The two texts this type writes (`YYYY-MM-DD HH:MM:SS.ffffff`, optionally followed
    /// by `+00:00`), read without chrono's format machinery; `None` for anything else.
    fn parse_own(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if !(b.len() == 26 || (b.len() == 32 && &b[26..] == b"+00:00")) {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<u32> {
            b[from..to].iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let punctuation = [
            (4, b'-'),
            (7, b'-'),
            (10, b' '),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
        ];
        if punctuation.iter().any(|&(i, c)| b[i] != c) {
            return None;
        }
        let date = chrono::NaiveDate::from_ymd_opt(
            <i32 as std::convert::TryFrom<u32>>::try_from(num(0, 4)?).ok()?,
            num(5, 7)?,
            num(8, 10)?,
        )?;
        let time = chrono::NaiveTime::from_hms_micro_opt(
            num(11, 13)?,
            num(14, 16)?,
            num(17, 19)?,
            num(20, 26)?,
        )?;
        Some(Self::from(Utc.from_utc_datetime(&date.and_time(time))))
    }
}

/// Rewrites a value bound for `backend` when it is a [`DateTimeUTC`] (of whatever form):
/// the filters, keyset pages and save hooks call this on every value they bind.
pub(crate) fn bind_for(value: Value, backend: DbBackend) -> Value {
    match value {
        Value::Enum(OptionEnum::Some(e)) if e.type_name.as_ref() == TYPE_NAME => {
            match DateTimeUTC::from_text(&e.value) {
                Some(v) => v.for_backend(backend).into(),
                None => Value::Enum(OptionEnum::Some(e)),
            }
        }
        other => other,
    }
}

/// Whether `value` is a set [`DateTimeUTC`] written for another backend than `backend`.
pub(crate) fn needs_rebind(value: &Value, backend: DbBackend) -> bool {
    match value {
        // PostgreSQL takes chrono's binary timestamptz; the others the naive text
        Value::Enum(OptionEnum::Some(e)) if e.type_name.as_ref() == TYPE_NAME => {
            backend == DbBackend::Postgres || e.value.ends_with("+00:00")
        }
        _ => false,
    }
}

impl From<DateTime<Utc>> for DateTimeUTC {
    /// Truncates to microseconds.
    fn from(at: DateTime<Utc>) -> Self {
        Self {
            at: at.trunc_subsecs(6),
            form: Form::default(),
        }
    }
}

impl From<DateTimeUTC> for DateTime<Utc> {
    fn from(value: DateTimeUTC) -> Self {
        value.at
    }
}

impl std::ops::Deref for DateTimeUTC {
    type Target = DateTime<Utc>;

    fn deref(&self) -> &DateTime<Utc> {
        &self.at
    }
}

impl Default for DateTimeUTC {
    /// The Unix epoch, as chrono's `DateTime<Utc>::default()`.
    fn default() -> Self {
        Self::from(DateTime::<Utc>::default())
    }
}

impl PartialEq for DateTimeUTC {
    /// Compares the instants.
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl Eq for DateTimeUTC {}

impl PartialEq<DateTime<Utc>> for DateTimeUTC {
    fn eq(&self, other: &DateTime<Utc>) -> bool {
        self.at == *other
    }
}

impl PartialOrd for DateTimeUTC {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeUTC {
    fn cmp(&self, other: &Self) -> Ordering {
        self.at.cmp(&other.at)
    }
}

impl PartialOrd<DateTime<Utc>> for DateTimeUTC {
    fn partial_cmp(&self, other: &DateTime<Utc>) -> Option<Ordering> {
        self.at.partial_cmp(other)
    }
}

impl PartialEq<DateTimeUTC> for DateTime<Utc> {
    fn eq(&self, other: &DateTimeUTC) -> bool {
        *self == other.at
    }
}

impl PartialOrd<DateTimeUTC> for DateTime<Utc> {
    fn partial_cmp(&self, other: &DateTimeUTC) -> Option<Ordering> {
        self.partial_cmp(&other.at)
    }
}

impl Hash for DateTimeUTC {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.at.hash(state);
    }
}

impl fmt::Debug for DateTimeUTC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.at, f)
    }
}

impl fmt::Display for DateTimeUTC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.at, f)
    }
}

impl serde::Serialize for DateTimeUTC {
    /// As `DateTime<Utc>`: RFC 3339.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.at.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for DateTimeUTC {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        DateTime::<Utc>::deserialize(deserializer).map(Self::from)
    }
}

impl From<DateTimeUTC> for Value {
    fn from(value: DateTimeUTC) -> Value {
        if value.form == Form::Postgres {
            return Value::ChronoDateTimeUtc(Some(value.at));
        }
        Value::Enum(OptionEnum::Some(Box::new(Enum {
            type_name: TYPE_NAME.into(),
            value: value.text().into(),
        })))
    }
}

impl ValueType for DateTimeUTC {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::Enum(OptionEnum::Some(e)) if e.type_name.as_ref() == TYPE_NAME => {
                Self::from_text(&e.value).ok_or(ValueTypeErr)
            }
            Value::String(Some(text)) => Self::from_text(&text).ok_or(ValueTypeErr),
            Value::ChronoDateTimeUtc(Some(at)) => Ok(Self {
                form: Form::Postgres,
                ..Self::from(at)
            }),
            Value::ChronoDateTimeWithTimeZone(Some(at)) => Ok(Self::from(at.with_timezone(&Utc))),
            Value::ChronoDateTime(Some(at)) => Ok(Self::from(Utc.from_utc_datetime(&at))),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "DateTimeUTC".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::Enum(Box::new(TYPE_NAME.into()))
    }

    fn column_type() -> ColumnType {
        ColumnType::TimestampWithTimeZone
    }
}

impl Nullable for DateTimeUTC {
    fn null() -> Value {
        Value::Enum(OptionEnum::None(TYPE_NAME.into()))
    }
}

impl IntoActiveValue<DateTimeUTC> for DateTimeUTC {
    /// `Set(self)`, for `DeriveIntoActiveModel` structs.
    fn into_active_value(self) -> ActiveValue<Self> {
        ActiveValue::Set(self)
    }
}

impl TryGetable for DateTimeUTC {
    /// `timestamptz` on PostgreSQL, `DATETIME` on MySQL, and on SQLite the text forms of
    /// [`parse`](DateTimeUTC::parse) (sqlx reads them; text without an offset is UTC).
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        // a value read keeps the form of its database, so a model read and saved again
        // (an upsert of a stored model, say) writes what that database stores
        #[cfg(feature = "postgres")]
        let postgres = res.try_as_pg_row().is_some();
        #[cfg(not(feature = "postgres"))]
        let postgres = false;
        let form = if postgres {
            Form::Postgres
        } else {
            Form::Naive
        };
        match DateTime::<Utc>::try_get_by(res, index) {
            Ok(at) => Ok(Self {
                form,
                ..Self::from(at)
            }),
            // text that is no timestamp (a SQLite cell): Error::Decode naming the column
            Err(TryGetError::DbErr(e)) => Err(TryGetError::DbErr(crate::error::decode_db_err(
                index.as_str(),
                "DateTimeUTC",
                e.to_string(),
            ))),
            Err(null) => Err(null),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTimeUTC {
        DateTimeUTC::parse(text).expect(text)
    }

    #[test]
    fn naive_text_is_fixed_width_and_sorts_as_time() {
        let values = [
            at("2024-01-02 03:04:05"),
            at("2024-01-02 03:04:05.000001"),
            at("2024-01-02 03:04:05.1"),
            at("2024-01-02 03:04:05.999999"),
            at("2024-01-02 03:04:06"),
        ];
        let texts: Vec<String> = values.iter().map(DateTimeUTC::to_naive_text).collect();
        assert!(texts.iter().all(|t| t.len() == 26), "{texts:?}");
        assert!(texts.windows(2).all(|w| w[0] < w[1]), "{texts:?}");
        assert_eq!(texts[2], "2024-01-02 03:04:05.100000");
    }

    #[test]
    fn value_round_trips_and_keeps_its_form() {
        let v = at("2024-02-29 23:59:59.654321");
        for backend in [DbBackend::Postgres, DbBackend::Sqlite, DbBackend::MySql] {
            let value = Value::from(v.for_backend(backend));
            assert!(!needs_rebind(&value, backend));
            let back = <DateTimeUTC as ValueType>::try_from(value.clone()).expect("try_from");
            assert_eq!(back, v);
            assert_eq!(Value::from(back), value);
        }
    }

    #[test]
    fn bind_for_rewrites_only_datetimes() {
        let v = at("2024-01-02 03:04:05.5");
        let sqlite = bind_for(v.into(), DbBackend::Sqlite);
        assert_eq!(sqlite.to_string(), "'2024-01-02 03:04:05.500000'");
        let back = bind_for(sqlite.clone(), DbBackend::Postgres);
        assert_eq!(back, Value::ChronoDateTimeUtc(Some(*v)));
        let unknown = Value::from(v); // no backend chosen yet: offset text
        assert_eq!(unknown.to_string(), "'2024-01-02 03:04:05.500000+00:00'");
        assert!(needs_rebind(&unknown, DbBackend::Sqlite));
        assert!(needs_rebind(&unknown, DbBackend::Postgres));
        assert!(needs_rebind(&sqlite, DbBackend::Postgres));
        assert_eq!(
            bind_for(Value::from("x"), DbBackend::Sqlite),
            Value::from("x")
        );
        let null = bind_for(DateTimeUTC::null(), DbBackend::Sqlite);
        assert_eq!(null, DateTimeUTC::null());
    }

    #[test]
    fn parses_offsets_and_rejects_garbage() {
        assert_eq!(at("2024-01-02T03:04:05Z"), at("2024-01-02 03:04:05"));
        assert_eq!(at("2024-01-02 05:04:05+02:00"), at("2024-01-02 03:04:05"));
        assert_eq!(at("2024-01-02 03:04"), at("2024-01-02 03:04:00"));
        for bad in ["", "2024-13-01 00:00:00", "2024-01-02", "now"] {
            assert!(DateTimeUTC::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn hand_written_text_agrees_with_chrono() {
        let mut t = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        for step in 0..5_000_i64 {
            // strides that cover years, days, seconds and microseconds
            t += chrono::Duration::microseconds(step * 1_234_567_891 + 7);
            let v = DateTimeUTC::from(t);
            let text = v.to_naive_text();
            assert_eq!(text, v.at.format(NAIVE_FORMAT).to_string());
            assert_eq!(DateTimeUTC::parse_own(&text), Some(v));
            assert_eq!(DateTimeUTC::parse_own(&format!("{text}+00:00")), Some(v));
        }
        for bad in [
            "2024-01-02 03:04:05.12345",
            "2024-01-02T03:04:05.123456",
            "2024-13-02 03:04:05.123456",
            "2024-01-02 03:04:05.123456+01:00",
            "2024-01-02 03:04:05.12345x",
        ] {
            assert_eq!(DateTimeUTC::parse_own(bad), None, "{bad}");
        }
    }

    #[test]
    fn nanoseconds_are_truncated() {
        let t = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
            + chrono::Duration::nanoseconds(1_999);
        assert_eq!(DateTimeUTC::from(t).timestamp_subsec_nanos(), 1_000);
    }
}
