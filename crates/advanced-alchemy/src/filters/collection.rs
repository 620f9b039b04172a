//! Membership: [`CollectionFilter`] (`IN`) and [`NotInCollectionFilter`] (`NOT IN`).
//!
//! Empty lists follow the Python library: `values: None` is no filter for either;
//! an empty list matches nothing for `IN` and is no filter for `NOT IN`.
//!
//! Each value is one bind parameter. Backends cap parameters per statement
//! (PostgreSQL and MySQL 65 535, SQLite 32 766), so lists of tens of thousands of
//! values fail there; split such lists yourself or use a join.
//! [`FilterSchema`](super::params::FilterSchema) caps the lists it parses.
//!
//! Text compares exactly on every backend, as for
//! [`ComparisonFilter`](super::ComparisonFilter); a row whose field is NULL matches
//! neither `IN` nor `NOT IN`.

use super::Predicate;
use super::text::{
    false_unless_null, is_text, mysql_binary_in, never, pg_unbindable, true_unless_null,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Value};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait};
use std::fmt;

/// `field IN (values…)`: the Python library's `CollectionFilter`.
///
/// `values: None` is no filter, an empty list matches nothing. Each value is one
/// bind parameter and backends cap those per statement (PostgreSQL and MySQL
/// 65 535, SQLite 32 766): split lists of tens of thousands of values yourself, or
/// use a join. Text compares exactly (see
/// [text, case and NULLs](crate::filters#text-case-and-nulls)).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::CollectionFilter;
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for title in ["a", "b", "c"] {
///     posts.add(post::ActiveModel { title: Set(title.into()), ..Default::default() }).await?;
/// }
/// assert_eq!(posts.count(CollectionFilter::new(post::Column::Title, ["a", "c", "x"])).await?, 2);
/// // an empty list matches nothing; no list at all filters nothing
/// assert_eq!(posts.count(CollectionFilter::new(post::Column::Title, Vec::<String>::new())).await?, 0);
/// assert_eq!(posts.count(CollectionFilter::<_, i64>::optional(post::Column::Id, None::<Vec<i64>>)).await?, 3);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionFilter<C, V = Value> {
    /// The column tested.
    pub field: C,
    /// The values it may take; `None` filters nothing, an empty list matches nothing.
    pub values: Option<Vec<V>>,
}

impl<C: ColumnTrait, V> CollectionFilter<C, V> {
    /// `field IN (values…)`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let f = advanced_alchemy::filters::CollectionFilter::new(post::Column::Id, [1, 2, 3]);
    /// assert_eq!(f.values.map(|v| v.len()), Some(3));
    /// ```
    pub fn new(field: C, values: impl IntoIterator<Item = V>) -> Self {
        Self {
            field,
            values: Some(values.into_iter().collect()),
        }
    }

    /// `field IN (values…)` when there is a list, no filter otherwise.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::CollectionFilter;
    /// let ids: Option<Vec<i64>> = None; // e.g. an absent query parameter
    /// assert!(CollectionFilter::optional(post::Column::Id, ids).values.is_none());
    /// ```
    pub fn optional<I: IntoIterator<Item = V>>(field: C, values: Option<I>) -> Self {
        Self {
            field,
            values: values.map(|v| v.into_iter().collect()),
        }
    }
}

impl<E, V> Predicate<E> for CollectionFilter<E::Column, V>
where
    E: EntityTrait,
    V: Into<Value> + Clone + Send + Sync + fmt::Debug,
{
    fn condition(&self, backend: DbBackend) -> Condition {
        let Some(values) = &self.values else {
            return Condition::all();
        };
        if values.is_empty() {
            return never();
        }
        match membership(backend, self.field, values) {
            Some(is_in) => is_in.into(),
            // every value held NUL, which no PostgreSQL text can
            None => false_unless_null(backend, Expr::col(self.field.as_column_ref())).into(),
        }
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        match &self.values {
            None => Ok(super::Truth::Yes),
            Some(values) if values.is_empty() => Ok(super::Truth::No),
            Some(values) => in_list::<E, Self, V>(model, self.field, values),
        }
    }
}

/// `field NOT IN (values…)`: the Python library's `NotInCollectionFilter`.
///
/// `values: None` and an empty list are no filter. A row whose field is NULL does
/// not match (SQL's `NOT IN`).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::NotInCollectionFilter;
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for title in ["a", "b", "c"] {
///     posts.add(post::ActiveModel { title: Set(title.into()), ..Default::default() }).await?;
/// }
/// assert_eq!(posts.count(NotInCollectionFilter::new(post::Column::Title, ["a"])).await?, 2);
/// // an empty list excludes nothing
/// assert_eq!(posts.count(NotInCollectionFilter::new(post::Column::Title, Vec::<String>::new())).await?, 3);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NotInCollectionFilter<C, V = Value> {
    /// The column tested.
    pub field: C,
    /// The values it may not take; `None` and an empty list filter nothing.
    pub values: Option<Vec<V>>,
}

impl<C: ColumnTrait, V> NotInCollectionFilter<C, V> {
    /// `field NOT IN (values…)`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let f = advanced_alchemy::filters::NotInCollectionFilter::new(post::Column::Title, ["spam"]);
    /// assert_eq!(f.values, Some(vec!["spam"]));
    /// ```
    pub fn new(field: C, values: impl IntoIterator<Item = V>) -> Self {
        Self {
            field,
            values: Some(values.into_iter().collect()),
        }
    }

    /// `field NOT IN (values…)` when there is a list, no filter otherwise.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::NotInCollectionFilter;
    /// assert!(NotInCollectionFilter::optional(post::Column::Id, None::<[i64; 0]>).values.is_none());
    /// ```
    pub fn optional<I: IntoIterator<Item = V>>(field: C, values: Option<I>) -> Self {
        Self {
            field,
            values: values.map(|v| v.into_iter().collect()),
        }
    }
}

impl<E, V> Predicate<E> for NotInCollectionFilter<E::Column, V>
where
    E: EntityTrait,
    V: Into<Value> + Clone + Send + Sync + fmt::Debug,
{
    fn condition(&self, backend: DbBackend) -> Condition {
        let Some(values) = self.values.as_ref().filter(|v| !v.is_empty()) else {
            return Condition::all();
        };
        match membership(backend, self.field, values) {
            Some(is_in) => Condition::all().add(is_in).not(),
            None => true_unless_null(backend, Expr::col(self.field.as_column_ref())).into(),
        }
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        match &self.values {
            Some(values) if !values.is_empty() => {
                in_list::<E, Self, V>(model, self.field, values).map(super::Truth::not)
            }
            _ => Ok(super::Truth::Yes),
        }
    }
}

/// Implements [`Filter`](super::Filter) for predicate types generic over their column
/// and value type (`X<E::Column, V>`).
macro_rules! filter_with_values {
    ($($ty:ident),*) => {$(
        impl<E, V> super::Filter<E> for $ty<E::Column, V>
        where
            E: EntityTrait,
            V: Into<Value> + Clone + Send + Sync + fmt::Debug,
        {
            fn apply(&self, query: &mut super::FilterQuery<E>) {
                query.and_where(Predicate::<E>::condition(self, query.backend()));
            }

            fn apply_in_memory(&self, query: &mut super::MemoryQuery<E>) -> $crate::Result<()> {
                query.retain(self)
            }
        }
    )*};
}
pub(crate) use filter_with_values;

filter_with_values!(CollectionFilter, NotInCollectionFilter);

/// `field IN (values…)` for a non-empty list, exact for text; `None` when nothing
/// of the list can be sent (PostgreSQL and NUL).
fn membership<C: ColumnTrait, V: Into<Value> + Clone>(
    backend: DbBackend,
    field: C,
    values: &[V],
) -> Option<Expr> {
    let values: Vec<Value> = values
        .iter()
        .map(|v| crate::types::datetime::bind_for(v.clone().into(), backend))
        .filter(|v| !pg_unbindable(backend, v))
        .collect();
    if values.is_empty() {
        return None;
    }
    let exact_text = backend == DbBackend::MySql && values.iter().all(is_text);
    let is_in = ColumnTrait::is_in(&field, values.clone());
    Some(if exact_text {
        is_in.and(mysql_binary_in(Expr::col(field.as_column_ref()), values))
    } else {
        is_in
    })
}

/// `column IN (values)` for one model, as SQL: unknown for a NULL column, and for no
/// match when the list holds a NULL.
fn in_list<E: EntityTrait, F: ?Sized, V: Into<Value> + Clone>(
    model: &E::Model,
    column: E::Column,
    values: &[V],
) -> crate::Result<super::Truth> {
    let mut answer = super::Truth::No;
    for value in values {
        let one = super::memory::equal_column::<E, F>(model, column, value.clone().into())?;
        answer = answer.or(one);
        if answer == super::Truth::Yes {
            break;
        }
    }
    Ok(answer)
}
