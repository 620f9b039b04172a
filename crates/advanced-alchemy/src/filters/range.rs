//! Ranges: [`BeforeAfter`] (strict bounds) and [`OnBeforeAfter`] (inclusive bounds).
//!
//! Mostly for timestamps ([`DateTimeUTC`], the default value type), but any value SeaORM
//! binds works. On SQLite timestamps are stored and compared as text: compare values of
//! the column's own type (`DateTimeUTC` for a `DateTimeUTC` column, such as the audit
//! columns) so that both sides are written alike.

use super::Predicate;
use super::collection::filter_with_values;
use super::compare::{Operator, compare};
use crate::types::DateTimeUTC;
use sea_orm::sea_query::{Condition, Value};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait};
use std::fmt;

/// `field < before AND field > after`, either bound optional: the Python library's
/// `BeforeAfter`. No bound at all is no filter.
///
/// On SQLite timestamps are stored and compared as text: compare with values of the
/// column's own type ([`DateTimeUTC`] for a `DateTimeUTC` column such as `created_at`;
/// `Utc::now().into()` makes one) so that both sides are written alike.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::BeforeAfter;
/// use advanced_alchemy::repository::Repository;
/// use advanced_alchemy::types::DateTimeUTC;
/// use chrono::{TimeZone, Utc};
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for year in [2023, 2024, 2025] {
///     let at = DateTimeUTC::from(Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap());
///     posts.add(post::ActiveModel { title: Set(year.to_string()), created_at: Set(at), updated_at: Set(at), ..Default::default() }).await?;
/// }
/// let jan_2024 = DateTimeUTC::from(Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
/// let after = BeforeAfter::new(post::Column::CreatedAt, None, Some(jan_2024));
/// assert_eq!(posts.get_many(after).await?[0].title, "2025"); // strictly after
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BeforeAfter<C, V = DateTimeUTC> {
    /// The column bounded.
    pub field: C,
    /// Rows where `field` is earlier than this (`<`).
    pub before: Option<V>,
    /// Rows where `field` is later than this (`>`).
    pub after: Option<V>,
}

impl<C: ColumnTrait, V> BeforeAfter<C, V> {
    /// `field < before AND field > after`, each bound when given.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::BeforeAfter;
    /// let recent = BeforeAfter::new(post::Column::CreatedAt, None, Some(advanced_alchemy::types::DateTimeUTC::now()));
    /// assert!(recent.before.is_none());
    /// ```
    pub fn new(field: C, before: Option<V>, after: Option<V>) -> Self {
        Self {
            field,
            before,
            after,
        }
    }
}

impl<E, V> Predicate<E> for BeforeAfter<E::Column, V>
where
    E: EntityTrait,
    V: Into<Value> + Clone + Send + Sync + fmt::Debug,
{
    fn condition(&self, backend: DbBackend) -> Condition {
        bounds(
            backend,
            self.field,
            (Operator::Lt, &self.before),
            (Operator::Gt, &self.after),
        )
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        test_bounds::<E, Self, V>(
            model,
            self.field,
            (Operator::Lt, &self.before),
            (Operator::Gt, &self.after),
        )
    }
}

/// `field <= on_or_before AND field >= on_or_after`, either bound optional: the
/// Python library's `OnBeforeAfter` (and its `between`).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub views: i64 } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::OnBeforeAfter;
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for views in [1, 5, 10] {
///     posts.add(post::ActiveModel { views: Set(views), ..Default::default() }).await?;
/// }
/// let between = OnBeforeAfter::new(post::Column::Views, Some(5_i64), Some(1));
/// assert_eq!(posts.count(between).await?, 2); // bounds included
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OnBeforeAfter<C, V = DateTimeUTC> {
    /// The column bounded.
    pub field: C,
    /// Rows where `field` is this or earlier (`<=`).
    pub on_or_before: Option<V>,
    /// Rows where `field` is this or later (`>=`).
    pub on_or_after: Option<V>,
}

impl<C: ColumnTrait, V> OnBeforeAfter<C, V> {
    /// `field <= on_or_before AND field >= on_or_after`, each bound when given.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::OnBeforeAfter;
    /// let until_now = OnBeforeAfter::new(post::Column::CreatedAt, Some(advanced_alchemy::types::DateTimeUTC::now()), None);
    /// assert!(until_now.on_or_after.is_none());
    /// ```
    pub fn new(field: C, on_or_before: Option<V>, on_or_after: Option<V>) -> Self {
        Self {
            field,
            on_or_before,
            on_or_after,
        }
    }
}

impl<E, V> Predicate<E> for OnBeforeAfter<E::Column, V>
where
    E: EntityTrait,
    V: Into<Value> + Clone + Send + Sync + fmt::Debug,
{
    fn condition(&self, backend: DbBackend) -> Condition {
        bounds(
            backend,
            self.field,
            (Operator::Le, &self.on_or_before),
            (Operator::Ge, &self.on_or_after),
        )
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        test_bounds::<E, Self, V>(
            model,
            self.field,
            (Operator::Le, &self.on_or_before),
            (Operator::Ge, &self.on_or_after),
        )
    }
}

filter_with_values!(BeforeAfter, OnBeforeAfter);

/// The `AND` of the given bounds (empty, so no filter, without any).
fn bounds<C: ColumnTrait, V: Into<Value> + Clone>(
    backend: DbBackend,
    field: C,
    upper: (Operator, &Option<V>),
    lower: (Operator, &Option<V>),
) -> Condition {
    [upper, lower]
        .into_iter()
        .filter_map(|(op, bound)| bound.clone().map(|v| compare(backend, field, op, v.into())))
        .fold(Condition::all(), Condition::add)
}

/// [`bounds`] for one model, in memory.
fn test_bounds<E: EntityTrait, F: ?Sized, V: Into<Value> + Clone>(
    model: &E::Model,
    field: E::Column,
    upper: (Operator, &Option<V>),
    lower: (Operator, &Option<V>),
) -> crate::Result<super::Truth> {
    let mut answer = super::Truth::Yes;
    for (op, bound) in [upper, lower] {
        if let Some(v) = bound {
            let one = super::compare::test_compare::<E, F>(model, field, op, v.clone().into())?;
            answer = answer.and(one);
        }
    }
    Ok(answer)
}
