//! Filters evaluated in memory, against models instead of rows: what
//! [`MemoryRepository`](crate::repository::memory::MemoryRepository) runs.
//!
//! Each filter of this module says what it means for one model through
//! [`Predicate::test`] (conditions) or [`Filter::apply_in_memory`] (conditions, ordering,
//! pages). Both have a default that is an [`Error::UnsupportedFilter`]: a raw SeaORM
//! condition, an [`ExistsFilter`](super::ExistsFilter) or a filter type of yours is
//! rejected with that typed error, never ignored.
//!
//! The semantics are the database's, as in [the module docs](super#text-case-and-nulls):
//! SQL's three-valued logic for NULL ([`Truth::Unknown`]), exact text equality, an empty
//! `IN` list matching nothing. Where the backends differ among themselves, memory picks:
//!
//! * text orders by bytes (SQLite's and PostgreSQL's `C` collation; MySQL's collations
//!   and PostgreSQL's locales order otherwise);
//! * ignoring case folds all of Unicode (PostgreSQL under a UTF-8 locale, MySQL; SQLite's
//!   `lower()` folds ASCII only);
//! * NULLs sort first in ascending order, last in descending (SQLite and MySQL;
//!   PostgreSQL does the opposite) unless [`OrderBy::nulls`](super::OrderBy::nulls) says;
//! * rows that tie on every ordering term keep their insertion order.

use super::Predicate;
use crate::error::{Error, Result};
use crate::types::DateTimeUTC;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::{NullOrdering, Order, Value, ValueType};
use sea_orm::{EntityTrait, ModelTrait};
use std::cmp::Ordering;

/// The value of a condition for one row: SQL's three-valued logic.
///
/// ```
/// use advanced_alchemy::filters::Truth;
/// assert_eq!(Truth::Unknown.not(), Truth::Unknown);          // NOT NULL is NULL
/// assert_eq!(Truth::No.or(Truth::Unknown), Truth::Unknown);
/// assert_eq!(Truth::No.and(Truth::Unknown), Truth::No);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// The row matches.
    Yes,
    /// The row does not match.
    No,
    /// SQL `NULL`: the row does not match, and neither does the negation.
    Unknown,
}

impl Truth {
    /// `Yes` for `true`.
    pub fn from_bool(b: bool) -> Self {
        if b { Truth::Yes } else { Truth::No }
    }

    /// SQL `NOT`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// SQL `AND`.
    pub fn and(self, other: Self) -> Self {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Unknown,
        }
    }

    /// SQL `OR`.
    pub fn or(self, other: Self) -> Self {
        match (self, other) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Unknown,
        }
    }

    /// Whether a `WHERE` keeps the row.
    pub fn keeps(self) -> bool {
        self == Truth::Yes
    }
}

/// What the filters of one in-memory read add up to: the rows they keep, an ordering and
/// a page. [`Filter::apply_in_memory`](super::Filter::apply_in_memory) adds to it.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::filters::{Filter, LimitOffset, MemoryQuery, OrderBy, SearchFilter};
///
/// let rows = ["b", "ab", "c"].iter().enumerate()
///     .map(|(i, t)| post::Model { id: i as i64 + 1, title: t.to_string() })
///     .collect();
/// let mut query = MemoryQuery::<post::Entity>::new(rows);
/// (SearchFilter::new(post::Column::Title, "b"), OrderBy::asc(post::Column::Title), LimitOffset::new(1, 0))
///     .apply_in_memory(&mut query)?;
/// let (page, total) = query.finish()?;
/// assert_eq!((page[0].title.as_str(), total), ("ab", 2));
///
/// // a raw condition is a typed error, never ignored
/// use sea_orm::ColumnTrait;
/// let mut query = MemoryQuery::<post::Entity>::new(Vec::new());
/// let err = post::Column::Title.eq("a").apply_in_memory(&mut query).unwrap_err();
/// assert!(matches!(err, advanced_alchemy::Error::UnsupportedFilter { .. }));
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub struct MemoryQuery<E: EntityTrait> {
    rows: Vec<E::Model>,
    orders: Vec<(E::Column, Order, Option<NullOrdering>)>,
    limit: Option<u64>,
    offset: Option<u64>,
    include_deleted: bool,
}

impl<E: EntityTrait> std::fmt::Debug for MemoryQuery<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryQuery")
            .field("rows", &self.rows.len())
            .field("orders", &self.orders.len())
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .finish()
    }
}

impl<E: EntityTrait> MemoryQuery<E> {
    /// A query over `rows`: no condition, order or page yet.
    pub fn new(rows: Vec<E::Model>) -> Self {
        Self {
            rows,
            orders: Vec::new(),
            limit: None,
            offset: None,
            include_deleted: false,
        }
    }

    /// Keeps the rows for which `predicate` is [`Truth::Yes`]. A predicate that is no
    /// condition at all (an empty condition, such as `BooleanFilter` with no value)
    /// keeps every row, as it adds nothing to a `WHERE`.
    pub fn retain<P: Predicate<E> + ?Sized>(&mut self, predicate: &P) -> Result<()> {
        if is_no_condition(predicate) {
            return Ok(());
        }
        let mut kept = Vec::with_capacity(self.rows.len());
        for row in std::mem::take(&mut self.rows) {
            if predicate.test(&row)?.keeps() {
                kept.push(row);
            }
        }
        self.rows = kept;
        Ok(())
    }

    /// Appends an ordering term.
    pub fn order_by(&mut self, column: E::Column, order: Order, nulls: Option<NullOrdering>) {
        self.orders.push((column, order, nulls));
    }

    /// Sets the page.
    pub fn limit_offset(&mut self, limit: u64, offset: u64) {
        self.limit = Some(limit);
        self.offset = Some(offset);
    }

    /// Lets soft-deleted rows through.
    pub fn include_deleted(&mut self) {
        self.include_deleted = true;
    }

    /// Keeps the rows for which `keep` is true (a condition of your own in Rust).
    pub fn retain_where(&mut self, keep: impl Fn(&E::Model) -> bool) {
        self.rows.retain(|m| keep(m));
    }

    /// Whether soft-deleted rows are included.
    pub fn includes_deleted(&self) -> bool {
        self.include_deleted
    }

    /// The rows kept so far, unordered and unpaged.
    pub fn rows(&self) -> &[E::Model] {
        &self.rows
    }

    /// Orders and pages the kept rows: the page, and how many rows matched in all.
    /// Ordering by values that do not compare (a JSON column) is an error.
    pub fn finish(self) -> Result<(Vec<E::Model>, u64)> {
        let Self {
            mut rows,
            orders,
            limit,
            offset,
            ..
        } = self;
        let total = rows.len() as u64;
        if !orders.is_empty() {
            // sort keys first, so an incomparable pair is an error and not a panic
            let mut keyed = Vec::with_capacity(rows.len());
            for row in rows {
                let keys: Vec<Norm> = orders.iter().map(|(c, ..)| norm(row.get(*c))).collect();
                keyed.push((keys, row));
            }
            let mut failure = None;
            keyed.sort_by(|(a, _), (b, _)| {
                for (i, (_, order, nulls)) in orders.iter().enumerate() {
                    let asc = matches!(order, Order::Asc);
                    let nulls_first = match nulls {
                        Some(NullOrdering::First) => true,
                        Some(NullOrdering::Last) => false,
                        None => asc,
                    };
                    let ord = match (&a[i], &b[i]) {
                        (Norm::Null, Norm::Null) => Ordering::Equal,
                        (Norm::Null, _) => {
                            if nulls_first {
                                Ordering::Less
                            } else {
                                Ordering::Greater
                            }
                        }
                        (_, Norm::Null) => {
                            if nulls_first {
                                Ordering::Greater
                            } else {
                                Ordering::Less
                            }
                        }
                        (x, y) => match x.compare(y) {
                            Some(o) if asc => o,
                            Some(o) => o.reverse(),
                            None => {
                                failure.get_or_insert_with(|| x.describe_pair(y));
                                Ordering::Equal
                            }
                        },
                    };
                    if ord != Ordering::Equal {
                        return ord;
                    }
                }
                Ordering::Equal
            });
            if let Some(reason) = failure {
                return Err(unsupported::<crate::filters::OrderBy<E::Column>>(reason));
            }
            rows = keyed.into_iter().map(|(_, row)| row).collect();
        }
        let skip = usize::try_from(offset.unwrap_or(0)).unwrap_or(usize::MAX);
        let take = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        Ok((rows.into_iter().skip(skip).take(take).collect(), total))
    }
}

/// Whether `predicate` adds nothing to a `WHERE` (its condition is empty).
pub(crate) fn is_no_condition<E: EntityTrait, P: Predicate<E> + ?Sized>(predicate: &P) -> bool {
    predicate.condition(sea_orm::DbBackend::Sqlite).is_empty()
}

/// The error for a filter type `F` that memory cannot evaluate.
pub(crate) fn unsupported<F: ?Sized>(reason: impl Into<String>) -> Error {
    Error::UnsupportedFilter {
        filter: std::any::type_name::<F>().to_owned(),
        reason: reason.into(),
    }
}

/// A value as memory compares it: what the database would compare.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Norm {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    Uuid(uuid::Uuid),
    Instant(DateTime<Utc>),
    Date(NaiveDate),
    Time(NaiveTime),
    /// Equality only (JSON, decimals, arrays, …).
    Other(Value),
}

impl Norm {
    fn kind(&self) -> &'static str {
        match self {
            Norm::Null => "NULL",
            Norm::Bool(_) => "a boolean",
            Norm::Int(_) | Norm::Float(_) => "a number",
            Norm::Text(_) => "text",
            Norm::Bytes(_) => "bytes",
            Norm::Uuid(_) => "a UUID",
            Norm::Instant(_) => "a timestamp",
            Norm::Date(_) => "a date",
            Norm::Time(_) => "a time",
            Norm::Other(_) => "a value without an order",
        }
    }

    pub(crate) fn describe_pair(&self, other: &Norm) -> String {
        format!("cannot compare {} with {}", self.kind(), other.kind())
    }

    /// The order of two non-NULL values; `None` when they do not compare.
    pub(crate) fn compare(&self, other: &Norm) -> Option<Ordering> {
        match (self, other) {
            (Norm::Bool(a), Norm::Bool(b)) => Some(a.cmp(b)),
            (Norm::Int(a), Norm::Int(b)) => Some(a.cmp(b)),
            (Norm::Float(a), Norm::Float(b)) => a.partial_cmp(b),
            #[allow(clippy::cast_precision_loss)]
            (Norm::Int(a), Norm::Float(b)) => (*a as f64).partial_cmp(b),
            #[allow(clippy::cast_precision_loss)]
            (Norm::Float(a), Norm::Int(b)) => a.partial_cmp(&(*b as f64)),
            (Norm::Text(a), Norm::Text(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            (Norm::Bytes(a), Norm::Bytes(b)) => Some(a.cmp(b)),
            (Norm::Uuid(a), Norm::Uuid(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            (Norm::Instant(a), Norm::Instant(b)) => Some(a.cmp(b)),
            (Norm::Date(a), Norm::Date(b)) => Some(a.cmp(b)),
            (Norm::Time(a), Norm::Time(b)) => Some(a.cmp(b)),
            (Norm::Other(a), Norm::Other(b)) if a == b => Some(Ordering::Equal),
            _ => None,
        }
    }

    /// Equality of two non-NULL values; `None` when they do not compare.
    pub(crate) fn equals(&self, other: &Norm) -> Option<bool> {
        match (self, other) {
            (Norm::Other(a), Norm::Other(b)) => Some(a == b),
            _ => self.compare(other).map(|o| o == Ordering::Equal),
        }
    }
}

/// The comparable form of a SeaORM value.
pub(crate) fn norm(value: Value) -> Norm {
    if value == value.as_null() {
        return Norm::Null;
    }
    match value {
        Value::Bool(Some(b)) => Norm::Bool(b),
        Value::TinyInt(Some(i)) => Norm::Int(i.into()),
        Value::SmallInt(Some(i)) => Norm::Int(i.into()),
        Value::Int(Some(i)) => Norm::Int(i.into()),
        Value::BigInt(Some(i)) => Norm::Int(i.into()),
        Value::TinyUnsigned(Some(i)) => Norm::Int(i.into()),
        Value::SmallUnsigned(Some(i)) => Norm::Int(i.into()),
        Value::Unsigned(Some(i)) => Norm::Int(i.into()),
        Value::BigUnsigned(Some(i)) => Norm::Int(i.into()),
        Value::Float(Some(f)) => Norm::Float(f.into()),
        Value::Double(Some(f)) => Norm::Float(f),
        Value::String(Some(s)) => Norm::Text(s),
        Value::Char(Some(c)) => Norm::Text(c.to_string()),
        Value::Bytes(Some(b)) => Norm::Bytes(b),
        Value::Uuid(Some(u)) => Norm::Uuid(u),
        Value::ChronoDateTimeUtc(Some(at)) => Norm::Instant(at),
        Value::ChronoDateTimeWithTimeZone(Some(at)) => Norm::Instant(at.with_timezone(&Utc)),
        Value::ChronoDateTimeLocal(Some(at)) => Norm::Instant(at.with_timezone(&Utc)),
        Value::ChronoDateTime(Some(at)) => Norm::Instant(at.and_utc()),
        Value::ChronoDate(Some(d)) => Norm::Date(d),
        Value::ChronoTime(Some(t)) => Norm::Time(t),
        Value::Enum(e) => {
            let value = Value::Enum(e);
            match <DateTimeUTC as ValueType>::try_from(value.clone()) {
                Ok(at) => Norm::Instant(at.into_inner()),
                Err(_) => match value {
                    // a native enum: its text
                    Value::Enum(sea_orm::sea_query::OptionEnum::Some(e)) => {
                        Norm::Text(e.value.to_string())
                    }
                    other => Norm::Other(other),
                },
            }
        }
        other => Norm::Other(other),
    }
}

/// `column <op> value` for one model, as SQL compares: NULL on either side is unknown.
pub(crate) fn compare_column<E, F>(
    model: &E::Model,
    column: E::Column,
    value: Value,
    test: impl Fn(Ordering) -> bool,
) -> Result<Truth>
where
    E: EntityTrait,
    F: ?Sized,
{
    let (left, right) = (norm(model.get(column)), norm(value));
    if left == Norm::Null || right == Norm::Null {
        return Ok(Truth::Unknown);
    }
    match left.compare(&right) {
        Some(o) => Ok(Truth::from_bool(test(o))),
        None => Err(unsupported::<F>(left.describe_pair(&right))),
    }
}

/// `column = value` for one model (equality only, so JSON columns compare too).
pub(crate) fn equal_column<E, F>(model: &E::Model, column: E::Column, value: Value) -> Result<Truth>
where
    E: EntityTrait,
    F: ?Sized,
{
    let (left, right) = (norm(model.get(column)), norm(value));
    if left == Norm::Null || right == Norm::Null {
        return Ok(Truth::Unknown);
    }
    match left.equals(&right) {
        Some(eq) => Ok(Truth::from_bool(eq)),
        None => Err(unsupported::<F>(left.describe_pair(&right))),
    }
}

/// Whether a value is NULL.
pub(crate) fn is_null(value: Value) -> bool {
    norm(value) == Norm::Null
}

/// A value as a key for equality (uniqueness, primary keys): `None` for NULL.
pub(crate) fn norm_key(value: Value) -> Option<String> {
    match norm(value) {
        Norm::Null => None,
        Norm::Text(s) => Some(format!("t:{s}")),
        Norm::Int(i) => Some(format!("i:{i}")),
        other => Some(format!("{other:?}")),
    }
}
