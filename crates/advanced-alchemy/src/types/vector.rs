//! [`Vector`]: a fixed-dimension vector of `f32`, pgvector's `vector(D)` on PostgreSQL
//! and a JSON array elsewhere (Python's `Vector(dim)`), and [`VectorDistance`], the
//! distance operators as a filter and an ordering for similarity search.
//!
//! | backend | column | holds |
//! |---|---|---|
//! | PostgreSQL | `vector(D)` ([pgvector](https://github.com/pgvector/pgvector); `CREATE EXTENSION vector` first) | the vector |
//! | MySQL/MariaDB | `JSON` | `[0.1, 0.2, 0.3]` as `json.dumps` writes it |
//! | SQLite | `JSON` | the same text |
//!
//! The dimension is part of the type: a `Vector<3>` holds exactly three finite numbers,
//! checked by [`Vector::new`] before anything reaches SQL ([`Error::InvalidRequest`]
//! otherwise), and a stored value of another length is a decode error naming the
//! column. Distances ([`VectorDistance`]) need pgvector: on the other backends, which
//! only store the numbers, a repository call with a distance filter is
//! [`Error::InvalidRequest`] (Python raises `NotImplementedError` there).
//!
//! ```
//! mod doc {
//!     use sea_orm::entity::prelude::*;
//!     use advanced_alchemy::types::Vector;
//!
//!     #[advanced_alchemy::model(BigIntBase)]
//!     #[sea_orm::model]
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "doc")]
//!     pub struct Model {
//!         pub title: String,
//!         pub embedding: Vector<3>,    // vector(3) on PostgreSQL, JSON elsewhere
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::filters::LimitOffset;
//! use advanced_alchemy::repository::Repository;
//! use advanced_alchemy::types::{Vector, VectorDistance};
//! use sea_orm::ActiveValue::Set;
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! advanced_alchemy::registry::Registry::new().register::<doc::Entity>().create_all(&db).await?;
//! let docs = Repository::<doc::Entity, _>::new(&db);
//! docs.add(doc::ActiveModel {
//!     title: Set("a".into()),
//!     embedding: Set(Vector::from([0.1, 0.2, 0.3])),
//!     ..Default::default()
//! })
//! .await?;
//! let read = docs.get_one(()).await?;
//! assert_eq!(read.embedding.as_slice(), &[0.1, 0.2, 0.3]);
//! assert!(Vector::<3>::new(vec![1.0, 2.0]).is_err()); // the dimension, before any SQL
//!
//! // nearest first (on PostgreSQL with pgvector); SQLite has no distance operator
//! let query = Vector::from([0.1, 0.2, 0.25]);
//! let nearest = docs
//!     .get_many((VectorDistance::cosine(doc::Column::Embedding, &query), LimitOffset::new(5, 0)))
//!     .await;
//! assert!(matches!(nearest, Err(advanced_alchemy::Error::InvalidRequest(_))));
//! # Ok(()) }
//! ```

use super::json::column::{describe, stored_json};
use super::to_python_json;
use crate::error::{Error, Result, decode_db_err};
use crate::filters::{Filter, FilterQuery};
use sea_orm::sea_query::{
    ArrayType, BinOper, ColumnType, Enum, Expr, ExprTrait, Nullable, OptionEnum, Order, ValueType,
    ValueTypeErr,
};
use sea_orm::{
    ActiveValue, ColIdx, ColumnTrait, DbBackend, EntityTrait, QueryResult, RuntimeErr, TryGetError,
    TryGetable, Value,
};
use std::sync::Arc;

/// The name PostgreSQL's query builder casts a bound vector to (`$1::"vector"`);
/// elsewhere the same text is bound as a string.
const VECTOR: &str = "vector";

/// A vector of exactly `D` finite `f32`s: pgvector's `vector(D)` on PostgreSQL, a JSON
/// array on MySQL/MariaDB and SQLite (Python's `Vector(dim=D)`). See [the
/// module](self).
///
/// ```
/// use advanced_alchemy::types::Vector;
///
/// let v = Vector::from([1.0, 2.0, 3.0]);
/// assert_eq!(v.as_slice(), &[1.0, 2.0, 3.0]);
/// assert_eq!(Vector::<3>::DIM, 3);
/// assert!(Vector::<2>::new(vec![f32::NAN, 1.0]).is_err()); // pgvector refuses NaN
/// assert_eq!(Vector::<2>::new(vec![0.5, 1.0])?.to_json(), "[0.5, 1.0]");
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Vector<const D: usize>(Vec<f32>);

impl<const D: usize> Vector<D> {
    /// The dimension.
    pub const DIM: usize = D;

    /// The vector `values`: [`Error::InvalidRequest`] unless there are exactly `D` of
    /// them, all finite.
    pub fn new(values: impl Into<Vec<f32>>) -> Result<Self> {
        let values = values.into();
        check::<D>(&values).map_err(Error::InvalidRequest)?;
        Ok(Self(values))
    }

    /// The numbers.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// The numbers, by value.
    pub fn into_vec(self) -> Vec<f32> {
        self.0
    }

    /// The JSON array Python's `json.dumps` writes for these numbers (each `f32` as its
    /// shortest decimal, as a Python `float`); also pgvector's input text.
    pub fn to_json(&self) -> String {
        let numbers: Vec<f64> = self.0.iter().map(|&x| widen(x)).collect();
        // a list of finite floats always serializes
        to_python_json(&numbers).unwrap_or_else(|_| "[]".to_owned())
    }

    fn from_numbers(numbers: Vec<f64>) -> std::result::Result<Self, String> {
        let values: Vec<f32> = numbers.into_iter().map(|x| x as f32).collect();
        check::<D>(&values)?;
        Ok(Self(values))
    }
}

/// `x` as the `f64` of its shortest decimal (`0.1f32` is `0.1`, not `0.10000000149…`).
fn widen(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

fn check<const D: usize>(values: &[f32]) -> std::result::Result<(), String> {
    if values.len() != D {
        return Err(format!(
            "a Vector<{D}> needs {D} numbers, not {}",
            values.len()
        ));
    }
    if let Some(i) = values.iter().position(|x| !x.is_finite()) {
        return Err(format!(
            "a vector holds finite numbers only; number {i} is not"
        ));
    }
    Ok(())
}

impl<const D: usize> From<[f32; D]> for Vector<D> {
    /// Panics if a number is not finite (NaN, ±∞): literals are the programmer's; use
    /// [`Vector::new`] for input.
    fn from(values: [f32; D]) -> Self {
        assert!(
            values.iter().all(|x| x.is_finite()),
            "a vector holds finite numbers only"
        );
        Self(values.to_vec())
    }
}

impl<const D: usize> AsRef<[f32]> for Vector<D> {
    fn as_ref(&self) -> &[f32] {
        &self.0
    }
}

impl<const D: usize> From<Vector<D>> for Value {
    fn from(value: Vector<D>) -> Value {
        Value::Enum(OptionEnum::Some(Box::new(Enum {
            type_name: VECTOR.into(),
            value: value.to_json().into(),
        })))
    }
}

impl<const D: usize> ValueType for Vector<D> {
    fn try_from(v: Value) -> std::result::Result<Self, ValueTypeErr> {
        let text = match v {
            Value::Enum(OptionEnum::Some(e)) => e.value.to_string(),
            Value::String(Some(text)) => text,
            _ => return Err(ValueTypeErr),
        };
        let numbers: Vec<f64> = serde_json::from_str(&text).map_err(|_| ValueTypeErr)?;
        Self::from_numbers(numbers).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        format!("Vector<{D}>")
    }

    fn array_type() -> ArrayType {
        ArrayType::Enum(Box::new(VECTOR.into()))
    }

    fn column_type() -> ColumnType {
        // create_all writes JSON instead outside PostgreSQL (see crate::schema)
        ColumnType::custom(format!("vector({D})"))
    }
}

impl<const D: usize> Nullable for Vector<D> {
    fn null() -> Value {
        Value::Enum(OptionEnum::None(VECTOR.into()))
    }
}

impl<const D: usize> sea_orm::IntoActiveValue<Vector<D>> for Vector<D> {
    fn into_active_value(self) -> ActiveValue<Self> {
        ActiveValue::Set(self)
    }
}

impl<const D: usize> TryGetable for Vector<D> {
    fn try_get_by<I: ColIdx>(
        res: &QueryResult,
        index: I,
    ) -> std::result::Result<Self, TryGetError> {
        let expected = format!("a vector of {D} numbers");
        let decode = |message: String| {
            TryGetError::DbErr(decode_db_err(index.as_str(), expected.clone(), message))
        };
        #[cfg(feature = "postgres")]
        if let Some(row) = res.try_as_pg_row() {
            use sea_orm::sqlx::{Row, TypeInfo, ValueRef};
            let raw = row
                .try_get_raw(index.as_sqlx_postgres_index())
                .map_err(query_err)?;
            if raw.is_null() {
                return Err(TryGetError::Null(format!("{index:?}")));
            }
            // a table Python created without pgvector installed holds JSON
            let is_json = matches!(raw.type_info().name(), "JSON" | "JSONB");
            drop(raw);
            if !is_json {
                let bytes = row
                    .try_get_unchecked::<Vec<u8>, _>(index.as_sqlx_postgres_index())
                    .map_err(query_err)?;
                return decode_pgvector_binary(&bytes)
                    .and_then(|numbers| {
                        let values: Vec<f32> = numbers;
                        check::<D>(&values).map(|()| Self(values))
                    })
                    .map_err(decode);
            }
        }
        let Some(text) = stored_json(res, index, &expected)? else {
            return Err(TryGetError::Null(format!("{index:?}")));
        };
        match serde_json::from_str::<Vec<f64>>(&text) {
            Ok(numbers) => Self::from_numbers(numbers).map_err(decode),
            Err(_) if text.trim() == "null" => Err(TryGetError::Null(format!("{index:?}"))),
            Err(e) => Err(decode(describe(&e))),
        }
    }
}

fn query_err(e: sea_orm::sqlx::Error) -> TryGetError {
    TryGetError::DbErr(sea_orm::DbErr::Query(RuntimeErr::SqlxError(Arc::new(e))))
}

/// pgvector's binary form: dimension (u16), unused (u16), then `dim` big-endian `f32`s.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
fn decode_pgvector_binary(bytes: &[u8]) -> std::result::Result<Vec<f32>, String> {
    let bad = || "not pgvector's binary vector".to_owned();
    let (head, body) = bytes.split_at_checked(4).ok_or_else(bad)?;
    let dim = usize::from(u16::from_be_bytes([head[0], head[1]]));
    if body.len() != dim * 4 {
        return Err(bad());
    }
    Ok(body
        .chunks_exact(4)
        .map(|c| f32::from_be_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// A vector distance, pgvector's operators (Python's `cosine_distance`, `l2_distance`,
/// `l1_distance`, `max_inner_product`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VectorMetric {
    /// `<=>`: 1 − cosine similarity.
    Cosine,
    /// `<->`: Euclidean distance.
    L2,
    /// `<#>`: the *negated* inner product (smaller is more similar, as the others).
    InnerProduct,
    /// `<+>`: taxicab distance.
    L1,
}

impl VectorMetric {
    /// pgvector's operator.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::VectorMetric::Cosine.operator(), "<=>");
    /// ```
    pub const fn operator(self) -> &'static str {
        match self {
            VectorMetric::Cosine => "<=>",
            VectorMetric::L2 => "<->",
            VectorMetric::InnerProduct => "<#>",
            VectorMetric::L1 => "<+>",
        }
    }
}

/// The distance between a [`Vector`] column and a query vector.
///
/// As a [`Filter`] it orders by the distance, nearest first (add a
/// [`LimitOffset`](crate::filters::LimitOffset) for the k nearest);
/// [`within`](Self::within) keeps the rows closer than a bound;
/// [`expr`](Self::expr) is the SQL expression, to select or order by yourself. Only on
/// PostgreSQL with pgvector: elsewhere the repository answers
/// [`Error::InvalidRequest`] and [`expr`](Self::expr) fails. See [the module](self).
///
/// ```
/// # mod doc { use sea_orm::entity::prelude::*; use advanced_alchemy::types::Vector;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "doc")]
/// #   pub struct Model { pub embedding: Vector<2> } }
/// use advanced_alchemy::types::{Vector, VectorDistance};
/// use sea_orm::{DbBackend, EntityTrait, QueryOrder, QueryTrait};
///
/// let near = VectorDistance::l2(doc::Column::Embedding, &Vector::from([1.0, 0.0]));
/// let sql = doc::Entity::find()
///     .order_by_asc(near.expr(DbBackend::Postgres)?)
///     .build(DbBackend::Postgres)
///     .to_string();
/// assert!(sql.ends_with(r#"ORDER BY "doc"."embedding" <-> '[1.0, 0.0]'::"vector" ASC"#), "{sql}");
/// assert!(near.expr(DbBackend::MySql).is_err());
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct VectorDistance<C> {
    column: C,
    metric: VectorMetric,
    query: Value,
}

impl<C: ColumnTrait> VectorDistance<C> {
    /// The `metric` distance from `column` to `query`.
    pub fn new<const D: usize>(column: C, metric: VectorMetric, query: &Vector<D>) -> Self {
        Self {
            column,
            metric,
            query: Value::from(query.clone()),
        }
    }

    /// Cosine distance, `<=>`.
    pub fn cosine<const D: usize>(column: C, query: &Vector<D>) -> Self {
        Self::new(column, VectorMetric::Cosine, query)
    }

    /// Euclidean distance, `<->`.
    pub fn l2<const D: usize>(column: C, query: &Vector<D>) -> Self {
        Self::new(column, VectorMetric::L2, query)
    }

    /// Negated inner product, `<#>`.
    pub fn inner_product<const D: usize>(column: C, query: &Vector<D>) -> Self {
        Self::new(column, VectorMetric::InnerProduct, query)
    }

    /// Taxicab distance, `<+>`.
    pub fn l1<const D: usize>(column: C, query: &Vector<D>) -> Self {
        Self::new(column, VectorMetric::L1, query)
    }

    /// The rows whose distance is below `max`, as a filter.
    pub fn within(self, max: f64) -> VectorWithin<C> {
        VectorWithin {
            distance: self,
            max,
        }
    }

    /// The distance as an SQL expression on `backend`: [`Error::InvalidRequest`] outside
    /// PostgreSQL.
    pub fn expr(&self, backend: DbBackend) -> Result<Expr> {
        if backend != DbBackend::Postgres {
            return Err(Error::InvalidRequest(unsupported(backend)));
        }
        Ok(Expr::col((self.column.entity_name(), self.column)).binary(
            BinOper::Custom(self.metric.operator()),
            Expr::val(self.query.clone()),
        ))
    }
}

fn unsupported(backend: DbBackend) -> String {
    format!(
        "vector distances need PostgreSQL with pgvector; {backend:?} stores vectors as JSON \
         and has no distance operator"
    )
}

impl<E: EntityTrait> Filter<E> for VectorDistance<E::Column> {
    /// Orders by the distance, nearest first.
    fn apply(&self, query: &mut FilterQuery<E>) {
        match self.expr(query.backend()) {
            Ok(expr) => {
                query.order_by(expr, Order::Asc, None);
            }
            Err(_) => {
                let reason = unsupported(query.backend());
                query.reject(reason);
            }
        }
    }
}

/// The rows closer than a bound: [`VectorDistance::within`].
#[derive(Debug, Clone)]
pub struct VectorWithin<C> {
    distance: VectorDistance<C>,
    max: f64,
}

impl<E: EntityTrait> Filter<E> for VectorWithin<E::Column> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        match self.distance.expr(query.backend()) {
            Ok(expr) => {
                query.and_where(expr.lt(self.max));
            }
            Err(_) => {
                let reason = unsupported(query.backend());
                query.reject(reason);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_is_pythons() {
        let v = Vector::<4>::new(vec![0.1, 1.0, -2.5, 1e-7]).expect("vector");
        assert_eq!(v.to_json(), "[0.1, 1.0, -2.5, 1e-07]");
        let back = <Vector<4> as ValueType>::try_from(Value::from(v.clone())).expect("back");
        assert_eq!(back, v);
        assert!(<Vector<3> as ValueType>::try_from(Value::from(v)).is_err());
    }

    #[test]
    fn binary_form() {
        let mut bytes = vec![0, 2, 0, 0];
        bytes.extend(1.5f32.to_be_bytes());
        bytes.extend((-2.0f32).to_be_bytes());
        assert_eq!(decode_pgvector_binary(&bytes), Ok(vec![1.5, -2.0]));
        assert!(decode_pgvector_binary(&bytes[..7]).is_err());
        assert!(decode_pgvector_binary(&[0, 1]).is_err());
    }
}
