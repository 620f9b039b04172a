//! Comparisons with one value, NULL checks and booleans: [`ComparisonFilter`] and its
//! [`Operator`], [`NullFilter`], [`NotNullFilter`], [`BooleanFilter`].
//!
//! Text equality (`eq`, `ne`) is exact on every backend: on MySQL/MariaDB, whose
//! default collations ignore case, accents and trailing spaces (and, for
//! `utf8mb4_unicode_ci`, tell no emoji apart), the bytes are compared as well, next
//! to the plain `=` that an index can serve. Ordering operators on text (`gt`, `lt`,
//! …) follow the column's collation, which differs between backends.
//!
//! A comparison with a NULL column is never true, nor is its negation (SQL's
//! three-valued logic); use [`NullFilter`] for NULLs.

use super::collection::filter_with_values;
use super::text::{false_unless_null, is_text, mysql_binary_eq, pg_unbindable, true_unless_null};
use super::{Predicate, filter_via_predicate};
use crate::error::Error;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Value};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The operator of a [`ComparisonFilter`]: the Python library's `eq`, `ne`, `gt`,
/// `ge`, `lt`, `le` (its `in`/`notin` are [`CollectionFilter`](super::CollectionFilter)
/// and [`NotInCollectionFilter`](super::NotInCollectionFilter), `between` is
/// [`OnBeforeAfter`](super::OnBeforeAfter), and `startswith`/`endswith` are
/// [`SearchFilter`](super::SearchFilter) with a [`MatchMode`](super::MatchMode)).
///
/// Parses from those names and from `gte`, `lte`, `=`, `!=`, `<>`, `>`, `>=`, `<`, `<=`:
///
/// ```
/// use advanced_alchemy::filters::Operator;
/// assert_eq!("gte".parse::<Operator>().unwrap(), Operator::Ge);
/// assert_eq!(Operator::Ne.to_string(), "ne");
/// assert!("like".parse::<Operator>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operator {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    #[serde(alias = "gte")]
    Ge,
    /// `<`
    Lt,
    /// `<=`
    #[serde(alias = "lte")]
    Le,
}

impl Operator {
    /// The Python library's name of the operator.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::filters::Operator::Le.as_str(), "le");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Ne => "ne",
            Operator::Gt => "gt",
            Operator::Ge => "ge",
            Operator::Lt => "lt",
            Operator::Le => "le",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Operator {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "eq" | "=" | "==" => Operator::Eq,
            "ne" | "!=" | "<>" => Operator::Ne,
            "gt" | ">" => Operator::Gt,
            "ge" | "gte" | ">=" => Operator::Ge,
            "lt" | "<" => Operator::Lt,
            "le" | "lte" | "<=" => Operator::Le,
            _ => {
                return Err(Error::InvalidRequest(format!(
                    "unknown comparison operator {:?} (expected eq, ne, gt, ge, lt or le)",
                    super::text::clip(s)
                )));
            }
        })
    }
}

/// `field <operator> value`: the Python library's `ComparisonFilter`.
///
/// `value` is anything SeaORM can bind; a NULL value makes `eq`/`ne` an
/// `IS NULL`/`IS NOT NULL`. Text equality is exact on every backend; see
/// [text, case and NULLs](crate::filters#text-case-and-nulls).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub views: i32 } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::{ComparisonFilter, Operator};
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for views in [1, 10, 100] {
///     posts.add(post::ActiveModel { title: Set("t".into()), views: Set(views), ..Default::default() }).await?;
/// }
/// let popular = ComparisonFilter::new(post::Column::Views, Operator::Ge, 10);
/// assert_eq!(posts.count(popular).await?, 2);
/// assert_eq!(posts.count(ComparisonFilter::new(post::Column::Title, Operator::Eq, "T")).await?, 0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonFilter<C, V = Value> {
    /// The column compared.
    pub field: C,
    /// How.
    pub operator: Operator,
    /// With what.
    pub value: V,
}

impl<C: ColumnTrait, V> ComparisonFilter<C, V> {
    /// `field <operator> value`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{ComparisonFilter, Operator};
    /// let f = ComparisonFilter::new(post::Column::Title, Operator::Ne, "spam");
    /// assert_eq!(f.operator, Operator::Ne);
    /// ```
    pub fn new(field: C, operator: Operator, value: V) -> Self {
        Self {
            field,
            operator,
            value,
        }
    }
}

impl<E, V> Predicate<E> for ComparisonFilter<E::Column, V>
where
    E: EntityTrait,
    V: Into<Value> + Clone + Send + Sync + fmt::Debug,
{
    fn condition(&self, backend: DbBackend) -> Condition {
        compare(
            backend,
            self.field,
            self.operator,
            self.value.clone().into(),
        )
        .into()
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        test_compare::<E, Self>(model, self.field, self.operator, self.value.clone().into())
    }
}

filter_with_values!(ComparisonFilter);

/// `field <operator> value` on `backend`, with exact text equality and NUL-safe
/// values on PostgreSQL (see the module docs).
pub(crate) fn compare<C: ColumnTrait>(
    backend: DbBackend,
    field: C,
    operator: Operator,
    value: Value,
) -> Expr {
    let column = || Expr::col(field.as_column_ref());
    let value = crate::types::datetime::bind_for(value, backend);
    if pg_unbindable(backend, &value) {
        // No stored text holds NUL, so nothing equals the value, and in byte order
        // it sits just above its part before the first NUL.
        let before_nul = match &value {
            Value::String(Some(s)) => s.split('\0').next().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        return match operator {
            Operator::Eq => false_unless_null(backend, column()),
            Operator::Ne => true_unless_null(backend, column()),
            Operator::Gt | Operator::Ge => ColumnTrait::gt(&field, before_nul),
            Operator::Lt | Operator::Le => ColumnTrait::lte(&field, before_nul),
        };
    }
    let exact_text = backend == DbBackend::MySql && is_text(&value);
    match operator {
        Operator::Eq if exact_text => {
            ColumnTrait::eq(&field, value.clone()).and(mysql_binary_eq(column(), value))
        }
        Operator::Ne if exact_text => ColumnTrait::eq(&field, value.clone())
            .and(mysql_binary_eq(column(), value))
            .not(),
        Operator::Eq => ColumnTrait::eq(&field, value),
        Operator::Ne => ColumnTrait::ne(&field, value),
        Operator::Gt => ColumnTrait::gt(&field, value),
        Operator::Ge => ColumnTrait::gte(&field, value),
        Operator::Lt => ColumnTrait::lt(&field, value),
        Operator::Le => ColumnTrait::lte(&field, value),
    }
}

/// `field IS NULL`: the Python library's `NullFilter`.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub published_at: Option<DateTimeUtc> } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::{NotNullFilter, NullFilter};
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// posts.add(post::ActiveModel { title: Set("draft".into()), ..Default::default() }).await?;
/// let drafts = posts.get_many(NullFilter::new(post::Column::PublishedAt)).await?;
/// assert_eq!(drafts[0].title, "draft");
/// assert_eq!(posts.count(NotNullFilter::new(post::Column::PublishedAt)).await?, 0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NullFilter<C> {
    /// The column that must be NULL.
    pub field: C,
}

impl<C: ColumnTrait> NullFilter<C> {
    /// `field IS NULL`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub note: Option<String> } }
    /// let f = advanced_alchemy::filters::NullFilter::new(post::Column::Note);
    /// assert!(matches!(f.field, post::Column::Note));
    /// ```
    pub fn new(field: C) -> Self {
        Self { field }
    }
}

impl<E: EntityTrait> Predicate<E> for NullFilter<E::Column> {
    fn condition(&self, _backend: DbBackend) -> Condition {
        ColumnTrait::is_null(&self.field).into()
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        Ok(super::Truth::from_bool(is_null::<E>(model, self.field)))
    }
}

/// `field IS NOT NULL`: the Python library's `NotNullFilter`.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub note: Option<String> } }
/// use advanced_alchemy::filters::{FilterQuery, NotNullFilter};
/// let query = FilterQuery::<post::Entity>::of(sea_orm::DbBackend::Sqlite, &NotNullFilter::new(post::Column::Note));
/// assert!(!query.condition().is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNullFilter<C> {
    /// The column that must not be NULL.
    pub field: C,
}

impl<C: ColumnTrait> NotNullFilter<C> {
    /// `field IS NOT NULL`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub note: Option<String> } }
    /// let f = advanced_alchemy::filters::NotNullFilter::new(post::Column::Note);
    /// assert!(matches!(f.field, post::Column::Note));
    /// ```
    pub fn new(field: C) -> Self {
        Self { field }
    }
}

impl<E: EntityTrait> Predicate<E> for NotNullFilter<E::Column> {
    fn condition(&self, _backend: DbBackend) -> Condition {
        ColumnTrait::is_not_null(&self.field).into()
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        Ok(super::Truth::from_bool(!is_null::<E>(model, self.field)))
    }
}

/// `field = true` or `field = false`; no filter when `value` is `None` (the Python
/// library's `BooleanFilter`, so an absent query parameter filters nothing).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub published: bool } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::BooleanFilter;
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for published in [true, false, false] {
///     posts.add(post::ActiveModel { title: Set("t".into()), published: Set(published), ..Default::default() }).await?;
/// }
/// assert_eq!(posts.count(BooleanFilter::new(post::Column::Published, false)).await?, 2);
/// assert_eq!(posts.count(BooleanFilter::new(post::Column::Published, None)).await?, 3);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BooleanFilter<C> {
    /// The boolean column.
    pub field: C,
    /// The value it must have; `None` filters nothing.
    pub value: Option<bool>,
}

impl<C: ColumnTrait> BooleanFilter<C> {
    /// `field = value` (or no filter for `None`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub published: bool } }
    /// let f = advanced_alchemy::filters::BooleanFilter::new(post::Column::Published, true);
    /// assert_eq!(f.value, Some(true));
    /// ```
    pub fn new(field: C, value: impl Into<Option<bool>>) -> Self {
        Self {
            field,
            value: value.into(),
        }
    }
}

impl<E: EntityTrait> Predicate<E> for BooleanFilter<E::Column> {
    fn condition(&self, _backend: DbBackend) -> Condition {
        match self.value {
            Some(value) => ColumnTrait::eq(&self.field, value).into(),
            None => Condition::all(),
        }
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        match self.value {
            Some(value) => {
                super::memory::equal_column::<E, Self>(model, self.field, Value::Bool(Some(value)))
            }
            None => Ok(super::Truth::Yes),
        }
    }
}

filter_via_predicate!(NullFilter, NotNullFilter, BooleanFilter);

fn is_null<E: EntityTrait>(model: &E::Model, column: E::Column) -> bool {
    super::memory::norm(sea_orm::ModelTrait::get(model, column)) == super::memory::Norm::Null
}

/// [`compare`] for one model, in memory.
pub(crate) fn test_compare<E: EntityTrait, F: ?Sized>(
    model: &E::Model,
    field: E::Column,
    operator: Operator,
    value: Value,
) -> crate::Result<super::Truth> {
    use super::memory::{compare_column, equal_column};
    use std::cmp::Ordering;
    match operator {
        Operator::Eq => equal_column::<E, F>(model, field, value),
        Operator::Ne => equal_column::<E, F>(model, field, value).map(super::Truth::not),
        Operator::Gt => compare_column::<E, F>(model, field, value, |o| o == Ordering::Greater),
        Operator::Ge => compare_column::<E, F>(model, field, value, |o| o != Ordering::Less),
        Operator::Lt => compare_column::<E, F>(model, field, value, |o| o == Ordering::Less),
        Operator::Le => compare_column::<E, F>(model, field, value, |o| o != Ordering::Greater),
    }
}
